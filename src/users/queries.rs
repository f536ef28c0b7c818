//! The SQL of accounts as records.

use sqlx::{PgConnection, PgPool};

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

pub(super) async fn username_taken(conn: &mut PgConnection, username: &str) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"select exists(select 1 from app_user where username = $1) as "taken!""#,
        username
    )
    .fetch_one(conn)
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
