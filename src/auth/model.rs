//! Who is asking: roles, the signed-in user, and the scope a request may
//! read and write in.

use std::sync::Arc;

use crate::coded::coded_enum;
use crate::i18n::Lang;
use crate::ids::{DepartmentId, StationId, UserId};

coded_enum! {
    /// What an account may do.
    pub enum Role {
        Officer = "officer", "社区民警", "Officer";
        Chief = "chief", "所长", "Station chief";
        Department = "department", "联动部门", "Partner department";
        Admin = "admin", "系统管理员", "Administrator";
    }
}

crate::db::types::pg_enum! {
    Role => "user_role";
}

impl Role {
    /// Where this role lands after login.
    pub fn home(self) -> &'static str {
        match self {
            Role::Officer => "/officer",
            Role::Chief => "/chief",
            Role::Department => "/department",
            Role::Admin => "/admin",
        }
    }
}

/// The station a request acts in: station data may be read or written only
/// through a query that takes one. Nothing outside this module can make one
/// from a number: the authentication extractors make it from the session,
/// and [`StationScope::for_operator`] (for the command line and seeding,
/// which act with the server's own authority, and nothing else: clippy.toml
/// refuses it elsewhere) from a station the operator names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StationScope {
    station: StationId,
}

impl StationScope {
    /// The station's id, for binding in SQL.
    pub fn id(self) -> i64 {
        self.station.get()
    }

    pub fn station(self) -> StationId {
        self.station
    }

    /// The scope of a station the server's operator acts in.
    pub fn for_operator(station: StationId) -> StationScope {
        StationScope { station }
    }
}

/// The partner department a department user acts for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DepartmentScope {
    department: DepartmentId,
}

impl DepartmentScope {
    pub fn id(self) -> i64 {
        self.department.get()
    }

    pub fn department(self) -> DepartmentId {
        self.department
    }

    /// The scope of a department the server acts for without a session:
    /// an API request whose token was found (by its hash) to be the
    /// department's, or a webhook delivery the outbox wrote for it.
    /// clippy.toml refuses it anywhere else.
    pub fn verified(department: DepartmentId) -> DepartmentScope {
        DepartmentScope { department }
    }
}

/// What a session may reach. Later roles add their own kinds (a branch's
/// stations, one enterprise); each query takes the narrowest it serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Officers and chiefs: their station.
    Station(StationScope),
    /// Department users: what was pushed to their department.
    Department(DepartmentScope),
    /// The administrator: the system's reference data and accounts, no
    /// station records.
    System,
}

impl Scope {
    /// The scope an account's row gives, or `None` when the row does not
    /// hold what its role needs (an officer without a station).
    pub(super) fn of(role: Role, station: Option<i64>, department: Option<i64>) -> Option<Scope> {
        match role {
            Role::Officer | Role::Chief => station.map(|id| {
                Scope::Station(StationScope {
                    station: StationId(id),
                })
            }),
            Role::Department => department.map(|id| {
                Scope::Department(DepartmentScope {
                    department: DepartmentId(id),
                })
            }),
            Role::Admin => Some(Scope::System),
        }
    }

    pub fn station(self) -> Option<StationScope> {
        match self {
            Scope::Station(s) => Some(s),
            _ => None,
        }
    }

    pub fn department(self) -> Option<DepartmentScope> {
        match self {
            Scope::Department(d) => Some(d),
            _ => None,
        }
    }
}

/// The signed-in user of a live session.
#[derive(Debug, Clone)]
pub struct SessionUser {
    pub session_id: i64,
    pub csrf_token: String,
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub lang: Lang,
    pub scope: Scope,
    /// The station's or department's name, in Chinese and English.
    pub scope_name: Option<String>,
    pub scope_name_en: Option<String>,
}

impl SessionUser {
    /// The station's or department's name in `lang`.
    pub fn scope_name(&self, lang: Lang) -> &str {
        let name = match lang {
            Lang::Zh => &self.scope_name,
            Lang::En => &self.scope_name_en,
        };
        name.as_deref().unwrap_or("")
    }

    pub fn id(&self) -> UserId {
        UserId(self.user_id)
    }

    /// The station the user works at, for audit lines.
    pub fn station_id(&self) -> Option<i64> {
        self.scope.station().map(StationScope::id)
    }
}

/// What the session middleware learned about who is asking; the
/// extractors read it from the request.
#[derive(Debug, Clone, Default)]
pub struct Identity {
    pub user: Option<Arc<SessionUser>>,
    /// A session cookie came with the request but its session has ended.
    pub session_ended: bool,
}
