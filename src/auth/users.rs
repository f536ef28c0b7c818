//! Creating accounts (the command line now, the admin pages later).

use sqlx::PgConnection;

use super::{Role, password};
use crate::audit::{self, Event};
use crate::i18n::Lang;

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

/// Validate and insert a user; returns the new id. Errors are sentences a
/// person at the command line can act on.
pub async fn create(conn: &mut PgConnection, new: NewUser) -> anyhow::Result<i64> {
    let username = new.username.trim().to_lowercase();
    anyhow::ensure!(
        (2..=40).contains(&username.len())
            && username
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b)),
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
            let id = sqlx::query_scalar!("select station_id from station where code = $1", code)
                .fetch_optional(&mut *conn)
                .await?
                .ok_or_else(|| anyhow::anyhow!("no station with code {code:?}"))?;
            (Some(id), None)
        }
        Role::Department => {
            let code = new
                .department
                .as_deref()
                .ok_or_else(|| anyhow::anyhow!("department users need --department"))?;
            let id =
                sqlx::query_scalar!("select department_id from department where code = $1", code)
                    .fetch_optional(&mut *conn)
                    .await?
                    .ok_or_else(|| anyhow::anyhow!("no department with code {code:?}"))?;
            (None, Some(id))
        }
        Role::Admin => (None, None),
    };
    let taken = sqlx::query_scalar!(
        r#"select exists(select 1 from app_user where username = $1) as "taken!""#,
        username
    )
    .fetch_one(&mut *conn)
    .await?;
    anyhow::ensure!(!taken, "the user name {username:?} is taken");

    let hash = password::hash(new.password).await?;
    let user_id = sqlx::query_scalar!(
        "insert into app_user (username, display_name, role, station_id, department_id, password_hash, lang)
         values ($1, $2, $3, $4, $5, $6, $7)
         returning user_id",
        username,
        display_name,
        new.role as Role,
        station_id,
        department_id,
        hash,
        new.lang as Lang,
    )
    .fetch_one(&mut *conn)
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
