//! Webhook deliveries: the worker that carries each outbox row to the
//! department's partner system.
//!
//! The outbox rows (`webhook_delivery`, written with the push in the
//! publishing transaction) are the whole state: nothing is kept in memory,
//! so deliveries survive restarts and any number of workers can run side by
//! side. A worker claims due rows (`for update skip locked`) by moving their
//! `next_attempt_at` one lease ahead and committing, then posts each one and
//! records the outcome. A worker that dies mid-delivery leaves the row to
//! be tried again when the lease runs out: delivery is at least once, and
//! every attempt of a row carries the same event id so that the receiver
//! can tell repeats apart.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use futures_util::StreamExt as _;
use hmac::{Hmac, KeyInit as _, Mac as _};
use serde::Serialize;
use sha2::Sha256;
use sqlx::PgPool;
use sqlx::postgres::PgListener;
use tokio::sync::{Notify, watch};

use super::api::{self, ApiEnterprise, ApiPush};
use super::guard::{Guard, Target};
use super::queries::outbox::WEBHOOK_CHANNEL;
use super::queries::webhook as queries;
use crate::clock::Clock;
use crate::random;

/// The event type of a new push.
pub const EVENT_PUSH_CREATED: &str = "push.created";
/// How long the receiver has to answer.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// The first retry waits this long; each further one twice as long...
pub const BACKOFF_FIRST_SECS: i64 = 10;
/// ... up to this.
pub const BACKOFF_MAX_SECS: i64 = 3600;
/// Each wait is lengthened by up to this share of itself, at random, so
/// that deliveries failing together do not retry together.
pub const JITTER: f64 = 0.1;
/// After this many failed attempts (about 22 hours of backing off) a
/// delivery is dead: it is not tried again until someone asks.
pub const MAX_ATTEMPTS: i32 = 30;
/// Rows claimed at a time.
const BATCH: i64 = 32;
/// Deliveries in flight at a time (BATCH / CONCURRENCY × TIMEOUT stays well
/// within the lease).
const CONCURRENCY: usize = 8;
/// The worker looks for due rows at least this often, notifications or not.
const IDLE_POLL: Duration = Duration::from_secs(5);
/// Headers of a delivery.
pub const HEADER_EVENT_ID: &str = "sanse-event-id";
pub const HEADER_TIMESTAMP: &str = "sanse-timestamp";
pub const HEADER_SIGNATURE: &str = "sanse-signature";

/// The HTTP client of one delivery: it connects to the address the guard
/// checked (no lookup of its own), ignores proxy variables, follows no
/// redirect (a 3xx is a failed attempt) and gives up after 10 s.
fn client_for(target: &Target) -> reqwest::Result<reqwest::Client> {
    let mut builder = reqwest::Client::builder()
        .no_proxy()
        .timeout(TIMEOUT)
        .connect_timeout(TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("Sanse-Webhook/", env!("CARGO_PKG_VERSION")));
    if let Some(host) = target.url.host_str() {
        builder = builder.resolve(host, target.addr);
    }
    builder.build()
}

/// The wait after the `attempts`-th failed attempt, before jitter: 10 s,
/// 20 s, 40 s, … at most an hour.
pub fn backoff(attempts: i32) -> chrono::Duration {
    let doublings = u32::try_from(attempts.saturating_sub(1))
        .unwrap_or(0)
        .min(20);
    let secs = BACKOFF_FIRST_SECS
        .saturating_mul(1_i64 << doublings)
        .min(BACKOFF_MAX_SECS);
    chrono::Duration::seconds(secs)
}

/// [`backoff`] lengthened by a random share of at most [`JITTER`].
fn backoff_with_jitter(attempts: i32) -> chrono::Duration {
    let base = backoff(attempts);
    let share = f64::from(random::below(1000)) / 1000.0 * JITTER;
    let extra = (base.num_milliseconds() as f64 * share) as i64;
    base + chrono::Duration::milliseconds(extra)
}

/// `t=<ts>,v1=<hex HMAC-SHA256(secret, "<ts>.<body>")>`
pub fn signature(secret: &str, timestamp: i64, body: &[u8]) -> anyhow::Result<String> {
    // (HMAC takes keys of any length: this does not fail.)
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
        .map_err(|err| anyhow::anyhow!("webhook secret: {err}"))?;
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    let digest = mac.finalize().into_bytes();
    Ok(format!("t={timestamp},v1={}", random::hex(&digest)))
}

/// The body of a delivery.
#[derive(Debug, Clone, Serialize)]
pub struct Event {
    pub event_id: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// When the push was created.
    pub created_at: String,
    pub push: ApiPush,
    pub enterprises: Vec<ApiEnterprise>,
}

/// The event of a delivery row: the push and all its enterprises, as the
/// API shows them. None if the push is not the department's (never written
/// so by the outbox).
pub async fn event(
    db: &PgPool,
    department_id: i64,
    push_id: i64,
    event_id: &str,
) -> sqlx::Result<Option<Event>> {
    // The outbox wrote the row for this department.
    #[allow(clippy::disallowed_methods)]
    let department =
        crate::auth::DepartmentScope::verified(crate::ids::DepartmentId(department_id));
    let Some(push) = api::push(db, department, push_id).await? else {
        return Ok(None);
    };
    let enterprises = api::enterprises(db, push_id, None, None, 0).await?;
    Ok(Some(Event {
        event_id: event_id.to_owned(),
        kind: EVENT_PUSH_CREATED,
        created_at: push.created_at.clone(),
        push,
        enterprises,
    }))
}

pub use super::queries::webhook::{Claimed, LEASE_SECS, claim_due};

/// Deliver every due row: claim, post, record. Returns how many were
/// attempted (posted); rows whose department lost its webhook or was
/// disabled are cancelled instead. A row whose outcome could not be
/// recorded stays leased and is retried later; the first such error is
/// returned once every claimed row has been handled.
pub async fn deliver_due(db: &PgPool, guard: &Guard, now: DateTime<Utc>) -> anyhow::Result<usize> {
    let mut attempted = 0;
    let mut first_error = None;
    let started = Instant::now();
    loop {
        // Later rounds start later: their leases count from then.
        let now = now + chrono::Duration::from_std(started.elapsed()).unwrap_or_default();
        let claimed = claim_due(db, now, BATCH)
            .await
            .context("claiming webhook deliveries")?;
        let full = i64::try_from(claimed.len()).unwrap_or(i64::MAX) >= BATCH;
        let results: Vec<anyhow::Result<bool>> = futures_util::stream::iter(claimed)
            .map(|c| deliver_one(db, guard, c, now))
            .buffer_unordered(CONCURRENCY)
            .collect()
            .await;
        for result in results {
            match result {
                Ok(true) => attempted += 1,
                Ok(false) => {}
                Err(err) => {
                    tracing::warn!(error = ?err, "webhook delivery");
                    first_error.get_or_insert(err);
                }
            }
        }
        // Claimed rows are leased past `now`, failed ones backed off past
        // it: another round only sees rows not claimed yet.
        if !full {
            break;
        }
    }
    match first_error {
        Some(err) => Err(err),
        None => Ok(attempted),
    }
}

/// Post one claimed row and record the outcome; false if it was cancelled
/// instead.
async fn deliver_one(
    db: &PgPool,
    guard: &Guard,
    c: Claimed,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let (url, secret) = match (&c.webhook_url, &c.webhook_secret, c.department_disabled) {
        (Some(url), Some(secret), false) => (url, secret),
        (_, _, true) => {
            cancel(db, c.webhook_delivery_id, "department disabled").await?;
            return Ok(false);
        }
        _ => {
            cancel(db, c.webhook_delivery_id, "no webhook").await?;
            return Ok(false);
        }
    };
    let Some(event) = event(db, c.department_id, c.push_id, &c.event_id)
        .await
        .context("reading the push of a webhook delivery")?
    else {
        cancel(db, c.webhook_delivery_id, "push not found").await?;
        return Ok(false);
    };
    let body = serde_json::to_vec(&event).context("serialising a webhook event")?;
    let timestamp = now.timestamp();
    let signed = signature(secret, timestamp, &body)?;
    let started = Instant::now();
    let (status, error, delivered) = match guard.target(url).await {
        // Refused again at send time (the name may resolve elsewhere now).
        Err(refusal) => (None, Some(refusal.code().to_owned()), false),
        Ok(target) => {
            let sent = match client_for(&target) {
                Ok(client) => {
                    client
                        .post(target.url.clone())
                        .header(reqwest::header::CONTENT_TYPE, "application/json")
                        .header(HEADER_EVENT_ID, &c.event_id)
                        .header(HEADER_TIMESTAMP, timestamp.to_string())
                        .header(HEADER_SIGNATURE, signed)
                        .body(body)
                        .send()
                        .await
                }
                Err(err) => Err(err),
            };
            match sent {
                Ok(response) => {
                    let status = response.status();
                    let error = (!status.is_success()).then(|| format!("HTTP {status}"));
                    (Some(i32::from(status.as_u16())), error, status.is_success())
                }
                Err(err) => (None, Some(describe(&err)), false),
            }
        }
    };
    let took = started.elapsed();
    let duration_ms = i32::try_from(took.as_millis()).unwrap_or(i32::MAX);
    let attempts = c.attempts.saturating_add(1);
    // The wait counts from the failure, not from the start of the attempt
    // (a receiver that timed out took 10 s of it).
    let failed_at = now + chrono::Duration::from_std(took).unwrap_or_default();
    let next_attempt_at = failed_at + backoff_with_jitter(attempts);
    let dead = !delivered && attempts >= MAX_ATTEMPTS;
    let attempt = queries::Attempt {
        at: now,
        status,
        error: error.as_deref(),
        duration_ms,
        delivered,
        next_attempt_at,
        dead,
    };
    queries::record_attempt(db, c.webhook_delivery_id, &attempt)
        .await
        .context("recording a webhook attempt")?;
    if dead {
        let summary = format!("event {} dead after {attempts} attempts", c.event_id);
        let event = crate::audit::Event {
            actor_label: "system",
            action: "webhook_delivery.dead",
            entity: "webhook_delivery",
            entity_id: Some(c.webhook_delivery_id),
            summary: &summary,
            ..crate::audit::Event::default()
        };
        let mut conn = db.acquire().await?;
        crate::audit::record(&mut conn, event)
            .await
            .context("auditing a dead webhook delivery")?;
        tracing::warn!(event_id = %c.event_id, push_id = c.push_id, attempts, "webhook delivery dead");
        return Ok(true);
    }
    if delivered {
        tracing::info!(event_id = %c.event_id, push_id = c.push_id, "webhook delivered");
    } else {
        tracing::info!(
            event_id = %c.event_id,
            push_id = c.push_id,
            attempts,
            error = error.as_deref().unwrap_or(""),
            "webhook attempt failed; retrying later"
        );
    }
    Ok(true)
}

async fn cancel(db: &PgPool, webhook_delivery_id: i64, why: &str) -> anyhow::Result<()> {
    queries::cancel(db, webhook_delivery_id, why)
        .await
        .context("cancelling a webhook delivery")?;
    tracing::info!(webhook_delivery_id, why, "webhook delivery cancelled");
    Ok(())
}

/// What went wrong, for the admin: the kind and its causes, without the URL.
fn describe(err: &reqwest::Error) -> String {
    let kind = if err.is_timeout() {
        "timed out"
    } else if err.is_connect() {
        "could not connect"
    } else if err.is_redirect() {
        "redirect"
    } else if err.is_body() || err.is_decode() {
        "body error"
    } else {
        "request failed"
    };
    let mut text = kind.to_owned();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.ends_with(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text.chars().take(500).collect()
}

/// How long the worker may sleep: until the next pending row is due, at
/// most [`IDLE_POLL`].
async fn next_wait(db: &PgPool, now: DateTime<Utc>) -> Duration {
    let next = queries::next_due(db).await;
    match next {
        Ok(Some(at)) => (at - now)
            .to_std()
            .unwrap_or(Duration::ZERO)
            .clamp(Duration::from_millis(200), IDLE_POLL),
        Ok(None) => IDLE_POLL,
        Err(err) => {
            tracing::warn!(error = %err, "looking for the next webhook delivery");
            IDLE_POLL
        }
    }
}

/// Aborts the task when dropped (the listener ends with its worker).
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Wake the worker on every notification of the webhook channel, and after
/// every (re)connection since notifications may have been missed.
async fn listen(db: PgPool, wake: Arc<Notify>) {
    loop {
        let listened: sqlx::Result<()> = async {
            let mut listener = PgListener::connect_with(&db).await?;
            listener.listen(WEBHOOK_CHANNEL).await?;
            tracing::debug!(channel = WEBHOOK_CHANNEL, "webhook worker listening");
            wake.notify_one();
            loop {
                // None: the connection was lost and has been re-established.
                let _ = listener.try_recv().await?;
                wake.notify_one();
            }
        }
        .await;
        if let Err(err) = listened {
            tracing::warn!(error = %err, "webhook listener lost its connection; retrying");
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// The delivery worker: delivers what is due, then sleeps until the next
/// row is due (at most 5 s) or a new push is announced on
/// [`WEBHOOK_CHANNEL`]. Returns when `closing` becomes true (or its sender
/// is dropped); a delivery cut short then is retried after its lease.
pub fn spawn_worker(
    db: PgPool,
    clock: Clock,
    guard: Guard,
    mut closing: watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let wake = Arc::new(Notify::new());
        let _listener = AbortOnDrop(tokio::spawn(listen(db.clone(), wake.clone())));
        loop {
            if *closing.borrow() {
                return;
            }
            let round = async {
                if let Err(err) = deliver_due(&db, &guard, clock.now()).await {
                    tracing::warn!(error = ?err, "webhook deliveries");
                }
                next_wait(&db, clock.now()).await
            };
            let wait = tokio::select! {
                wait = round => wait,
                _ = closing.wait_for(|c| *c) => return,
            };
            tokio::select! {
                () = tokio::time::sleep(wait) => {}
                () = wake.notified() => {}
                _ = closing.wait_for(|c| *c) => return,
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_an_hour() {
        assert_eq!(backoff(1).num_seconds(), 10);
        assert_eq!(backoff(2).num_seconds(), 20);
        assert_eq!(backoff(3).num_seconds(), 40);
        assert_eq!(backoff(9).num_seconds(), 2560);
        assert_eq!(backoff(10).num_seconds(), 3600);
        assert_eq!(backoff(1000).num_seconds(), 3600);
        assert_eq!(backoff(0).num_seconds(), 10);
    }

    #[test]
    fn signatures_cover_the_timestamp_and_the_body() {
        let sign = |key: &str, t: i64, body: &[u8]| signature(key, t, body).unwrap();
        let sig = sign("Jefe", 1, b"x");
        assert!(sig.starts_with("t=1,v1="));
        assert_eq!(sig.len(), "t=1,v1=".len() + 64);
        assert_ne!(sig, sign("Jefe", 2, b"x"));
        assert_ne!(sig, sign("Jefe", 1, b"y"));
        assert_ne!(sig, sign("jefe", 1, b"x"));
        // HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog")
        let mut mac = Hmac::<Sha256>::new_from_slice(b"key").unwrap();
        mac.update(b"The quick brown fox jumps over the lazy dog");
        assert_eq!(
            random::hex(&mac.finalize().into_bytes()),
            "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
        );
    }
}
