//! Sign-in throttling that cannot be turned against users.
//!
//! Only failures count (a station behind one address at shift change signs
//! in as often as it likes). A browser that signed in to an account before
//! carries a device token for that account; it is held back only by its own
//! failures. Everything else ("unknown devices") is refused at once, before
//! any password hash is computed, when:
//!
//! - its address failed [`ADDR_FAILURES`] times in [`ADDR_WINDOW_MINUTES`]
//!   (any account);
//! - the account failed [`PAIR_FAILURES`] times from that address in
//!   [`WINDOW_MINUTES`];
//! - the account is held for unknown devices: [`ACCOUNT_FAILURES`] failures
//!   from unknown devices, from any addresses, in [`WINDOW_MINUTES`] hold it
//!   for [`HOLD_MINUTES`] (a stored time), so spreading guesses over many
//!   addresses gains nothing.
//!
//! A known device is refused after [`DEVICE_FAILURES`] failures of its own in
//! [`WINDOW_MINUTES`]. Refused attempts count as failures too (an attack
//! keeps its own windows full), but do not extend an account's hold. Wrong
//! current passwords on the password-change form count the same way.
//! Nothing sleeps on the server.

use chrono::{DateTime, Duration, Utc};
use sqlx::PgConnection;

use super::queries;
use crate::random::{sha256, token_hex};

/// Failures from one address (unknown devices, any account) that refuse it.
pub const ADDR_FAILURES: i64 = 25;
pub const ADDR_WINDOW_MINUTES: i64 = 5;
/// Failures of one account from one address that refuse that pair.
pub const PAIR_FAILURES: i64 = 5;
/// Failures of one account from unknown devices that hold it for them.
pub const ACCOUNT_FAILURES: i64 = 10;
/// How long an account stays held for unknown devices.
pub const HOLD_MINUTES: i64 = 15;
/// Failures of one known device that refuse it.
pub const DEVICE_FAILURES: i64 = 10;
/// The window of the pair, account and device counts.
pub const WINDOW_MINUTES: i64 = 15;

/// Why an attempt is refused before its password is looked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Address,
    Pair,
    Account,
    Device,
}

impl Refusal {
    /// For the audit log.
    pub fn reason(self) -> &'static str {
        match self {
            Refusal::Address => "address throttled",
            Refusal::Pair => "account locked at this address",
            Refusal::Account => "account held for unknown devices",
            Refusal::Device => "device locked",
        }
    }
}

/// One sign-in attempt: from where, for which account (if the name is one),
/// and with which of the account's devices (if the browser is one).
#[derive(Debug, Clone, Copy)]
pub struct Attempt<'a> {
    pub addr: &'a str,
    pub user_id: Option<i64>,
    pub device_id: Option<i64>,
    /// The account's hold on unknown devices, as loaded with it.
    pub held_until: Option<DateTime<Utc>>,
}

/// Whether the attempt is refused at once, and why.
pub async fn refusal(
    conn: &mut PgConnection,
    attempt: Attempt<'_>,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<Refusal>> {
    let counts = queries::failures(
        conn,
        attempt.addr,
        attempt.user_id,
        attempt.device_id,
        now - Duration::minutes(ADDR_WINDOW_MINUTES),
        now - Duration::minutes(WINDOW_MINUTES),
    )
    .await?;
    Ok(if attempt.device_id.is_some() {
        (counts.device >= DEVICE_FAILURES).then_some(Refusal::Device)
    } else if counts.addr >= ADDR_FAILURES {
        Some(Refusal::Address)
    } else if attempt.held_until.is_some_and(|until| until > now) {
        Some(Refusal::Account)
    } else if counts.pair >= PAIR_FAILURES {
        Some(Refusal::Pair)
    } else {
        None
    })
}

/// Count a failed or refused attempt; whether it put the account on hold for
/// unknown devices.
pub async fn record_failure(
    conn: &mut PgConnection,
    attempt: Attempt<'_>,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    queries::insert_failure(conn, attempt.addr, attempt.user_id, attempt.device_id, now).await?;
    match (attempt.user_id, attempt.device_id) {
        (Some(user_id), None) => {
            queries::hold_for_unknown_devices(
                conn,
                user_id,
                now - Duration::minutes(WINDOW_MINUTES),
                ACCOUNT_FAILURES,
                now,
                now + Duration::minutes(HOLD_MINUTES),
            )
            .await
        }
        _ => Ok(false),
    }
}

/// The account's device that `token` (the device cookie) names, if any.
pub async fn known_device(
    conn: &mut PgConnection,
    user_id: i64,
    token: Option<&str>,
) -> sqlx::Result<Option<i64>> {
    match token {
        Some(t) if t.len() == 64 => queries::device(conn, user_id, &sha256(t.as_bytes())).await,
        _ => Ok(None),
    }
}

/// After a successful sign-in: the device token the browser keeps. A known
/// device keeps its token; another gets a new one.
pub async fn signed_in(
    conn: &mut PgConnection,
    user_id: i64,
    device_id: Option<i64>,
    token: Option<&str>,
    now: DateTime<Utc>,
) -> sqlx::Result<String> {
    match (device_id, token) {
        (Some(id), Some(token)) => {
            queries::touch_device(conn, id, now).await?;
            Ok(token.to_owned())
        }
        _ => new_device(conn, user_id, now).await,
    }
}

/// A new device token for the account.
pub async fn new_device(
    conn: &mut PgConnection,
    user_id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<String> {
    let token = token_hex(32);
    queries::insert_device(conn, user_id, &sha256(token.as_bytes()), now).await?;
    Ok(token)
}

/// Revoke the account's devices and lift its hold (the password changed or
/// was reset, the account was disabled).
pub async fn forget_devices(conn: &mut PgConnection, user_id: i64) -> sqlx::Result<()> {
    queries::forget_devices(conn, user_id).await
}
