//! The SQL of accounts as records.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor, PgPool};

use super::Officer;
use crate::auth::{Role, StationScope};
use crate::i18n::Lang;

pub(super) async fn officers(db: &PgPool, station: StationScope) -> sqlx::Result<Vec<Officer>> {
    sqlx::query_as!(
        Officer,
        "select user_id, display_name from app_user
         where station_id = $1 and role in ('officer', 'chief') and disabled_at is null
         order by role desc, display_name",
        station.id()
    )
    .fetch_all(db)
    .await
}

pub(super) async fn is_officer(
    db: &PgPool,
    station: StationScope,
    user_id: i64,
) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"select exists(select 1 from app_user where user_id = $1 and station_id = $2
                  and role in ('officer', 'chief') and disabled_at is null) as "found!""#,
        user_id,
        station.id()
    )
    .fetch_one(db)
    .await
}

pub(super) async fn station_by_code(
    conn: &mut PgConnection,
    code: &str,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!("select station_id from station where code = $1", code)
        .fetch_optional(conn)
        .await
}

pub(super) async fn department_by_code(
    conn: &mut PgConnection,
    code: &str,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!("select department_id from department where code = $1", code)
        .fetch_optional(conn)
        .await
}

/// Whether an account (of any role) has the user name.
pub async fn username_taken(db: impl PgExecutor<'_>, username: &str) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"select exists(select 1 from app_user where username = $1) as "taken!""#,
        username
    )
    .fetch_one(db)
    .await
}

pub(super) struct Insert<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub role: Role,
    pub station_id: Option<i64>,
    pub department_id: Option<i64>,
    pub password_hash: &'a str,
    pub lang: Lang,
}

pub(super) async fn insert(conn: &mut PgConnection, u: &Insert<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        "insert into app_user (username, display_name, role, station_id, department_id,
                               password_hash, lang)
         values ($1, $2, $3, $4, $5, $6, $7)
         returning user_id",
        u.username,
        u.display_name,
        u.role as Role,
        u.station_id,
        u.department_id,
        u.password_hash,
        u.lang as Lang,
    )
    .fetch_one(conn)
    .await
}

/// A user of the department.
#[derive(Debug, Clone)]
pub struct DeptUser {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub disabled_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl DeptUser {
    pub fn created(&self) -> String {
        crate::web::local_time(&self.created_at)
    }
}

pub async fn department_users(db: &PgPool, department_id: i64) -> sqlx::Result<Vec<DeptUser>> {
    sqlx::query_as!(
        DeptUser,
        "select user_id, username, display_name, disabled_at, created_at
         from app_user
         where department_id = $1 and role = 'department'
         order by disabled_at is not null, username",
        department_id
    )
    .fetch_all(db)
    .await
}

/// Insert a department user; `None` when the user name is taken.
pub async fn insert_department_user(
    conn: &mut PgConnection,
    department_id: i64,
    username: &str,
    display_name: &str,
    password_hash: &str,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!(
        "insert into app_user (username, display_name, role, department_id, password_hash)
         values ($1, $2, 'department', $3, $4)
         on conflict (username) do nothing
         returning user_id",
        username,
        display_name,
        department_id,
        password_hash
    )
    .fetch_optional(conn)
    .await
}

/// Disable (`Some(now)`) or enable (`None`) a user of the department; the
/// user's name, or `None` when the department has no such user.
pub async fn set_department_user_disabled(
    conn: &mut PgConnection,
    department_id: i64,
    user_id: i64,
    disabled_at: Option<DateTime<Utc>>,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar!(
        "update app_user
         set disabled_at = case when $3::timestamptz is null then null
                                else coalesce(disabled_at, $3) end
         where user_id = $1 and department_id = $2 and role = 'department'
         returning username",
        user_id,
        department_id,
        disabled_at
    )
    .fetch_optional(conn)
    .await
}
