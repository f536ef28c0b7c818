//! Accounts as records: the officers of a station (for pickers and checks),
//! and creating accounts (the command line; department users are made on
//! the department pages).

mod queries;

pub use queries::{
    DeptUser, department_users, insert_department_user, set_department_user_disabled,
    username_taken,
};

use sqlx::{PgConnection, PgPool};

use crate::audit::{self, Event};
use crate::auth::{Role, StationScope, password};
use crate::i18n::Lang;

/// An officer or chief of the station, for pickers.
#[derive(Debug, Clone)]
pub struct Officer {
    pub user_id: i64,
    pub display_name: String,
}

/// The station's active officers and chiefs, chiefs first.
pub async fn officers(db: &PgPool, station: StationScope) -> sqlx::Result<Vec<Officer>> {
    queries::officers(db, station).await
}

/// Whether `user_id` is an active officer or chief of the station.
pub async fn is_officer(db: &PgPool, station: StationScope, user_id: i64) -> sqlx::Result<bool> {
    queries::is_officer(db, station, user_id).await
}

#[derive(Debug)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// Station code, for officers and chiefs.
    pub station: Option<String>,
    /// Department code, for department users.
    pub department: Option<String>,
    pub lang: Lang,
    pub password: String,
}

/// The scope of the station with `code`, for a command the server's operator
/// runs (evaluate, rescore); `None` when there is no such station.
#[allow(clippy::disallowed_methods)]
pub async fn operator_station(db: &PgPool, code: &str) -> sqlx::Result<Option<StationScope>> {
    let mut conn = db.acquire().await?;
    let id = queries::station_by_code(&mut conn, code).await?;
    Ok(id.map(|id| StationScope::for_operator(crate::ids::StationId(id))))
}

/// Whether a user name may be used: 2–40 characters of a–z, 0–9, `.`, `_`
/// and `-`.
pub fn valid_username(username: &str) -> bool {
    (2..=40).contains(&username.len())
        && username
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
}

/// Validate and insert a user; returns the new id. Errors are sentences a
/// person at the command line can act on.
pub async fn create(conn: &mut PgConnection, new: NewUser) -> anyhow::Result<i64> {
    let username = new.username.trim().to_lowercase();
    anyhow::ensure!(
        valid_username(&username),
        "the user name must be 2-40 characters of a-z, 0-9, '.', '_' or '-'"
    );
    let display_name = new.display_name.trim().to_owned();
    anyhow::ensure!(
        (1..=80).contains(&display_name.chars().count()),
        "the display name must be 1-80 characters"
    );
    let chars = new.password.chars().count();
    anyhow::ensure!(
        (password::MIN_PASSWORD_CHARS..=password::MAX_PASSWORD_CHARS).contains(&chars),
        "the password must be {}-{} characters",
        password::MIN_PASSWORD_CHARS,
        password::MAX_PASSWORD_CHARS
    );
    let (station_id, department_id) = match new.role {
        Role::Officer | Role::Chief => {
            let code = new
                .station
                .as_deref()
                .ok_or_else(|| anyhow::anyhow!("officers and chiefs need --station"))?;
            let id = queries::station_by_code(&mut *conn, code)
                .await?
                .ok_or_else(|| anyhow::anyhow!("no station with code {code:?}"))?;
            (Some(id), None)
        }
        Role::Department => {
            let code = new
                .department
                .as_deref()
                .ok_or_else(|| anyhow::anyhow!("department users need --department"))?;
            let id = queries::department_by_code(&mut *conn, code)
                .await?
                .ok_or_else(|| anyhow::anyhow!("no department with code {code:?}"))?;
            (None, Some(id))
        }
        Role::Admin => (None, None),
    };
    anyhow::ensure!(
        !queries::username_taken(&mut *conn, &username).await?,
        "the user name {username:?} is taken"
    );
    let password = new.password;
    let hash = tokio::task::spawn_blocking(move || password::hash_blocking(&password)).await??;
    let user_id = queries::insert(
        &mut *conn,
        &queries::Insert {
            username: &username,
            display_name: &display_name,
            role: new.role,
            station_id,
            department_id,
            password_hash: &hash,
            lang: new.lang,
        },
    )
    .await?;
    audit::record(
        conn,
        Event {
            actor_label: "command line",
            station_id,
            action: "user.create",
            entity: "user",
            entity_id: Some(user_id),
            summary: &format!("{username} ({})", new.role.code()),
            ..Event::default()
        },
    )
    .await?;
    Ok(user_id)
}
