//! Who is asking: accounts' roles, sessions, passwords, sign-in
//! throttling, and the extractors that tell every handler who is asking and
//! for which station or department. It knows nothing of pages; the sign-in
//! and password pages are `crate::account`'s.

mod extract;
mod model;
pub mod password;
mod queries;
pub mod session;
pub mod throttle;

pub use extract::{Admin, AuthRejection, Chief, CurrentUser, DepartmentUser, StationUser};
pub use model::{DepartmentScope, Identity, Role, Scope, SessionUser, StationScope};

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use crate::i18n::Lang;

/// An account as the sign-in form needs it.
#[derive(Debug, Clone)]
pub struct Account {
    pub user_id: i64,
    pub username: String,
    pub password_hash: String,
    pub role: Role,
    pub lang: Lang,
    pub station_id: Option<i64>,
    /// Disabled itself, or its department is.
    pub disabled: bool,
    pub unknown_devices_held_until: Option<DateTime<Utc>>,
}

/// The account named `username` (already trimmed and lower-cased).
pub async fn account(conn: &mut PgConnection, username: &str) -> sqlx::Result<Option<Account>> {
    Ok(queries::login_row(conn, username).await?.map(|r| Account {
        user_id: r.user_id,
        username: r.username,
        password_hash: r.password_hash,
        role: r.role,
        lang: r.lang,
        station_id: r.station_id,
        disabled: r.disabled,
        unknown_devices_held_until: r.unknown_devices_held_until,
    }))
}

/// The stored hash of the user's password.
pub async fn password_hash(conn: &mut PgConnection, user_id: i64) -> sqlx::Result<Option<String>> {
    queries::password_hash(conn, user_id).await
}

/// Store a new password hash; the account's devices are revoked with it
/// (its other sessions are ended by the caller, who knows which to keep).
pub async fn set_password(conn: &mut PgConnection, user_id: i64, hash: &str) -> sqlx::Result<()> {
    queries::set_password_hash(conn, user_id, hash).await?;
    throttle::forget_devices(conn, user_id).await
}

pub async fn set_lang(conn: &mut PgConnection, user_id: i64, lang: Lang) -> sqlx::Result<()> {
    queries::set_lang(conn, user_id, lang).await
}
