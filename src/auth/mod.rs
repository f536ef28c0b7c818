//! Accounts, sessions, login and logout, and the extractors that tell every
//! handler who is asking and for which station.

pub mod account;
pub mod login;
pub mod password;
pub mod session;
pub mod users;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::i18n::{Lang, Messages};
use crate::web::RequestCtx;

pub use login::router;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, sqlx::Type)]
#[sqlx(type_name = "user_role", rename_all = "lowercase")]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Officer,
    Chief,
    Department,
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Officer, Role::Chief, Role::Department, Role::Admin];

    pub fn code(self) -> &'static str {
        match self {
            Role::Officer => "officer",
            Role::Chief => "chief",
            Role::Department => "department",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == s)
    }

    pub fn label(self, t: &Messages) -> &'static str {
        match self {
            Role::Officer => t.role_officer,
            Role::Chief => t.role_chief,
            Role::Department => t.role_department,
            Role::Admin => t.role_admin,
        }
    }

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
    pub station_id: Option<i64>,
    pub department_id: Option<i64>,
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
}

/// Why an authenticated extractor refused.
#[derive(Debug)]
pub enum AuthRejection {
    /// No live session: go to the login page, then come back.
    Login {
        next: String,
        expired: bool,
    },
    /// Signed in, but not in a role allowed here.
    Forbidden,
    Internal,
}

impl IntoResponse for AuthRejection {
    fn into_response(self) -> Response {
        match self {
            AuthRejection::Login { next, expired } => {
                let target = if next == "/" || next.is_empty() {
                    "/login".to_owned()
                } else {
                    format!("/login?next={}", encode_path(&next))
                };
                let mut response = Redirect::to(&target).into_response();
                if expired {
                    // Only a fixed key travels in this cookie, so it needs no Secure flag.
                    response.headers_mut().append(
                        header::SET_COOKIE,
                        HeaderValue::from_static(
                            "sanse_flash=session-expired; Path=/; SameSite=Lax; HttpOnly",
                        ),
                    );
                }
                response
            }
            AuthRejection::Forbidden => crate::error::AppError::Forbidden.into_response(),
            AuthRejection::Internal => {
                crate::error::AppError::Internal(anyhow::anyhow!("request context missing"))
                    .into_response()
            }
        }
    }
}

fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Any signed-in user.
#[derive(Debug, Clone)]
pub struct CurrentUser(pub std::sync::Arc<SessionUser>);

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AuthRejection;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, AuthRejection> {
        let ctx = parts
            .extensions
            .get::<RequestCtx>()
            .ok_or(AuthRejection::Internal)?;
        match &ctx.user {
            Some(user) => Ok(CurrentUser(user.clone())),
            None => Err(AuthRejection::Login {
                // Only a page can be returned to; a form post cannot be replayed.
                next: if parts.method == axum::http::Method::GET {
                    parts
                        .uri
                        .path_and_query()
                        .map(|p| p.as_str().to_owned())
                        .unwrap_or_default()
                } else {
                    String::new()
                },
                expired: ctx.session_ended,
            }),
        }
    }
}

macro_rules! role_extractor {
    ($(#[$doc:meta])* $name:ident, $scope:ident, [$($role:path),+]) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub struct $name {
            pub user: std::sync::Arc<SessionUser>,
            pub $scope: i64,
        }

        impl FromRequestParts<AppState> for $name {
            type Rejection = AuthRejection;

            async fn from_request_parts(
                parts: &mut Parts,
                state: &AppState,
            ) -> Result<Self, AuthRejection> {
                let CurrentUser(user) = CurrentUser::from_request_parts(parts, state).await?;
                if !matches!(user.role, $($role)|+) {
                    return Err(AuthRejection::Forbidden);
                }
                let $scope = user.$scope.ok_or(AuthRejection::Forbidden)?;
                Ok($name { user, $scope })
            }
        }
    };
}

role_extractor!(
    /// An officer or chief, with the station every query is scoped to.
    StationUser, station_id, [Role::Officer, Role::Chief]
);
role_extractor!(
    /// The chief of a station.
    Chief, station_id, [Role::Chief]
);
role_extractor!(
    /// A partner department's user, with their department.
    DepartmentUser, department_id, [Role::Department]
);

/// A system administrator.
#[derive(Debug, Clone)]
pub struct Admin {
    pub user: std::sync::Arc<SessionUser>,
}

impl FromRequestParts<AppState> for Admin {
    type Rejection = AuthRejection;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, AuthRejection> {
        let CurrentUser(user) = CurrentUser::from_request_parts(parts, state).await?;
        if user.role != Role::Admin {
            return Err(AuthRejection::Forbidden);
        }
        Ok(Admin { user })
    }
}
