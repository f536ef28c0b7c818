//! Webhook deliveries against a real receiver: signed, once per event when
//! accepted, retried with backoff while the receiver is down or failing,
//! retried after a worker died mid-delivery, cancelled when the webhook is
//! gone, and carried by the background worker without help.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use chrono::{DateTime, Utc};
use hmac::{Hmac, KeyInit, Mac};
use sanse::pushes::guard::Guard;
use sanse::pushes::webhook::{claim_due, deliver_due, spawn_worker};
use serde_json::Value;
use sha2::Sha256;

use crate::api::{insert_token, openapi, schema_errors};
use crate::harness::{TestApp, push_scene};

/// One request the receiver got, and what it answered.
#[derive(Debug, Clone)]
struct Received {
    headers: HeaderMap,
    body: Vec<u8>,
    answered: u16,
}

impl Received {
    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }

    fn event_id(&self) -> String {
        self.header("sanse-event-id").to_owned()
    }
}

/// A partner system: records every request and answers with `status`.
#[derive(Clone)]
struct Receiver {
    url: String,
    status: Arc<AtomicU16>,
    log: Arc<Mutex<Vec<Received>>>,
}

impl Receiver {
    async fn start(status: u16) -> Receiver {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let receiver = Receiver {
            url: format!("http://127.0.0.1:{port}/hooks/sanse"),
            status: Arc::new(AtomicU16::new(status)),
            log: Arc::new(Mutex::new(Vec::new())),
        };
        async fn hook(State(r): State<Receiver>, headers: HeaderMap, body: Bytes) -> StatusCode {
            let answered = r.status.load(Ordering::SeqCst);
            r.log.lock().unwrap().push(Received {
                headers,
                body: body.to_vec(),
                answered,
            });
            StatusCode::from_u16(answered).unwrap()
        }
        let app = Router::new()
            .route("/hooks/sanse", post(hook))
            .with_state(receiver.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        receiver
    }

    fn answer(&self, status: u16) {
        self.status.store(status, Ordering::SeqCst);
    }

    fn received(&self) -> Vec<Received> {
        self.log.lock().unwrap().clone()
    }
}

/// A guard that lets deliveries reach the test's own receivers at `urls`
/// (loopback addresses, refused unless listed).
fn allowing(urls: &[&str]) -> Guard {
    let entries: Vec<String> = urls
        .iter()
        .map(|u| {
            let url = reqwest::Url::parse(u).unwrap();
            format!("{}:{}", url.host_str().unwrap(), url.port().unwrap())
        })
        .collect();
    Guard::new(&entries, Vec::new()).unwrap()
}

/// A URL where nothing listens: a port bound, then let go.
async fn refused_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("http://127.0.0.1:{port}/hooks/sanse")
}

async fn set_webhook(app: &TestApp, department_id: i64, url: Option<&str>, secret: &str) {
    sqlx::query(
        "update department set webhook_url = $2, webhook_secret = case when $2 is null then null else $3 end
         where department_id = $1",
    )
    .bind(department_id)
    .bind(url)
    .bind(secret)
    .execute(&app.db)
    .await
    .unwrap();
}

#[derive(Debug, Clone, sqlx::FromRow)]
struct Row {
    webhook_delivery_id: i64,
    event_id: String,
    status: String,
    attempts: i32,
    last_status: Option<i32>,
    last_error: Option<String>,
    next_attempt_at: DateTime<Utc>,
    delivered_at: Option<DateTime<Utc>>,
}

async fn delivery(app: &TestApp, push_id: i64) -> Row {
    sqlx::query_as(
        "select webhook_delivery_id, event_id::text as event_id, status::text as status, attempts,
                last_status, last_error, next_attempt_at, delivered_at
         from webhook_delivery where push_id = $1",
    )
    .bind(push_id)
    .fetch_one(&app.db)
    .await
    .unwrap()
}

async fn attempts_of(
    app: &TestApp,
    webhook_delivery_id: i64,
) -> Vec<(Option<i32>, Option<String>)> {
    sqlx::query_as(
        "select status, error from webhook_attempt where webhook_delivery_id = $1
         order by webhook_attempt_id",
    )
    .bind(webhook_delivery_id)
    .fetch_all(&app.db)
    .await
    .unwrap()
}

/// The signature header is `t=<ts>,v1=<hex HMAC-SHA256(secret, "<ts>.<body>")>`.
fn assert_signed(r: &Received, secret: &str) {
    let ts = r.header("sanse-timestamp");
    assert!(
        !ts.is_empty() && ts.bytes().all(|b| b.is_ascii_digit()),
        "{ts:?}"
    );
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(ts.as_bytes());
    mac.update(b".");
    mac.update(&r.body);
    let expected = sanse::random::hex(&mac.finalize().into_bytes());
    assert_eq!(r.header("sanse-signature"), format!("t={ts},v1={expected}"));
    // a different secret does not verify
    let mut other = Hmac::<Sha256>::new_from_slice(b"whsec_other").unwrap();
    other.update(format!("{ts}.").as_bytes());
    other.update(&r.body);
    assert_ne!(
        r.header("sanse-signature"),
        format!(
            "t={ts},v1={}",
            sanse::random::hex(&other.finalize().into_bytes())
        )
    );
}

fn close_to(a: DateTime<Utc>, b: DateTime<Utc>) -> bool {
    (a - b).num_milliseconds().abs() <= 1
}

/// Whether `next` is `secs` after a failure at `failed` (at or after `from`,
/// within a second for the attempt itself), lengthened by at most the
/// jitter.
fn backed_off(next: DateTime<Utc>, from: DateTime<Utc>, secs: i64) -> bool {
    let wait = chrono::Duration::seconds(secs);
    let jitter = chrono::Duration::milliseconds(
        (wait.num_milliseconds() as f64 * sanse::pushes::webhook::JITTER) as i64,
    );
    next >= from + wait && next <= from + wait + jitter + chrono::Duration::seconds(1)
}

#[tokio::test]
async fn deliveries_are_signed_and_accepted_once() {
    let app = TestApp::new().await;
    let receiver = Receiver::start(200).await;
    let secret = sanse::pushes::token::webhook_secret();
    let y = app.fixture.department_y;
    set_webhook(&app, y, Some(&receiver.url), &secret).await;
    let s = push_scene(&app).await;
    let doc = openapi(&app).await;
    let rows = [
        delivery(&app, s.push_y_a).await,
        delivery(&app, s.push_y_b).await,
    ];
    assert!(
        rows.iter()
            .all(|r| r.status == "pending" && r.attempts == 0)
    );
    let x_deliveries: i64 =
        sqlx::query_scalar("select count(*) from webhook_delivery where push_id = $1")
            .bind(s.push_x)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(x_deliveries, 0, "department X has no webhook");

    // Two workers at once: each row is claimed by one of them.
    let http = allowing(&[&receiver.url]);
    let now = app.state.clock.now();
    let (a, b) = tokio::join!(
        deliver_due(&app.db, &http, now),
        deliver_due(&app.db, &http, now)
    );
    assert_eq!(a.unwrap() + b.unwrap(), 2);

    let received = receiver.received();
    assert_eq!(received.len(), 2, "each push once");
    let (_, y_token) = insert_token(&app, y).await;
    let mut api = app.client();
    let auth = format!("Bearer {y_token}");
    for r in &received {
        assert!(r.header("content-type").starts_with("application/json"));
        assert_signed(r, &secret);
        let body = r.json();
        let errors = schema_errors(&doc, "WebhookEvent", &body);
        assert!(errors.is_empty(), "{errors:?}\n{body:#}");
        assert_eq!(body["type"], "push.created");
        let push_id = body["push"]["id"].as_i64().unwrap();
        let row = rows
            .iter()
            .zip([s.push_y_a, s.push_y_b])
            .find(|(_, p)| *p == push_id);
        let (row, _) = row.expect("one of Y's pushes");
        assert_eq!(
            r.event_id(),
            row.event_id,
            "the header is the row's event id"
        );
        assert_eq!(body["event_id"], row.event_id);
        for private in ["13800138000", "张三", "李四", "危化品混放", "王警官"] {
            assert!(
                !String::from_utf8_lossy(&r.body).contains(private),
                "{private}"
            );
        }
        // The same objects as the API's.
        let push = api
            .get_with(
                &format!("/api/v1/pushes/{push_id}"),
                &[("authorization", &auth)],
            )
            .await;
        assert_eq!(
            body["push"],
            serde_json::from_str::<Value>(&push.body).unwrap()
        );
        let items = api
            .get_with(
                &format!("/api/v1/pushes/{push_id}/enterprises?per_page=200"),
                &[("authorization", &auth)],
            )
            .await;
        let items: Value = serde_json::from_str(&items.body).unwrap();
        assert_eq!(body["enterprises"], items["data"]);
        assert!(!body["enterprises"].as_array().unwrap().is_empty());
    }

    for push_id in [s.push_y_a, s.push_y_b] {
        let row = delivery(&app, push_id).await;
        assert_eq!(row.status, "delivered");
        assert_eq!(row.attempts, 1);
        assert_eq!(row.last_status, Some(200));
        assert_eq!(row.last_error, None);
        assert!(row.delivered_at.is_some());
        assert_eq!(
            attempts_of(&app, row.webhook_delivery_id).await,
            vec![(Some(200), None)]
        );
    }
    // Delivered rows are not sent again.
    let later = now + chrono::Duration::hours(2);
    assert_eq!(deliver_due(&app.db, &http, later).await.unwrap(), 0);
    assert_eq!(receiver.received().len(), 2);
}

#[tokio::test]
async fn failures_back_off_and_each_event_is_accepted_exactly_once() {
    let app = TestApp::new().await;
    let secret = sanse::pushes::token::webhook_secret();
    let y = app.fixture.department_y;
    let down = refused_url().await;
    set_webhook(&app, y, Some(&down), &secret).await;
    let s = push_scene(&app).await;
    let pushes = [s.push_y_a, s.push_y_b];
    let receiver = Receiver::start(500).await;
    let http = allowing(&[&down, &receiver.url]);

    // Down: connection refused.
    let t0 = app.state.clock.now();
    assert_eq!(deliver_due(&app.db, &http, t0).await.unwrap(), 2);
    let mut event_ids = HashMap::new();
    for push_id in pushes {
        let row = delivery(&app, push_id).await;
        assert_eq!((row.status.as_str(), row.attempts), ("pending", 1));
        assert_eq!(row.last_status, None);
        let error = row.last_error.clone().unwrap();
        assert!(error.contains("connect"), "{error}");
        assert!(!error.contains(&down), "no URL in the error: {error}");
        assert!(
            backed_off(row.next_attempt_at, t0, 10),
            "{}",
            row.next_attempt_at
        );
        event_ids.insert(push_id, row.event_id);
    }
    assert_eq!(
        deliver_due(&app.db, &http, t0 + chrono::Duration::seconds(5))
            .await
            .unwrap(),
        0,
        "backing off"
    );

    // Flaky: the receiver is up but answers 500.
    set_webhook(&app, y, Some(&receiver.url), &secret).await;
    let t1 = t0 + chrono::Duration::seconds(12);
    assert_eq!(deliver_due(&app.db, &http, t1).await.unwrap(), 2);
    for push_id in pushes {
        let row = delivery(&app, push_id).await;
        assert_eq!((row.status.as_str(), row.attempts), ("pending", 2));
        assert_eq!(row.last_status, Some(500));
        assert!(row.last_error.as_deref().unwrap().contains("500"));
        assert!(
            backed_off(row.next_attempt_at, t1, 20),
            "twice as long: {} vs {t1}",
            row.next_attempt_at
        );
        assert_eq!(row.event_id, event_ids[&push_id], "the same event id");
    }
    assert_eq!(
        deliver_due(&app.db, &http, t1 + chrono::Duration::seconds(15))
            .await
            .unwrap(),
        0
    );

    // Back: accepted.
    receiver.answer(200);
    let t2 = t1 + chrono::Duration::seconds(23);
    assert_eq!(deliver_due(&app.db, &http, t2).await.unwrap(), 2);
    assert_eq!(
        deliver_due(&app.db, &http, t2 + chrono::Duration::days(1))
            .await
            .unwrap(),
        0
    );

    for push_id in pushes {
        let row = delivery(&app, push_id).await;
        assert_eq!((row.status.as_str(), row.attempts), ("delivered", 3));
        assert!(close_to(row.delivered_at.unwrap(), t2));
        let attempts = attempts_of(&app, row.webhook_delivery_id).await;
        assert_eq!(attempts.len(), 3);
        assert_eq!(attempts[0].0, None);
        assert!(attempts[0].1.as_deref().unwrap().contains("connect"));
        assert_eq!(attempts[1].0, Some(500));
        assert_eq!(attempts[2], (Some(200), None));
    }
    // Per event id: one 500 and exactly one accepted delivery.
    let received = receiver.received();
    assert_eq!(received.len(), 4);
    for push_id in pushes {
        let id = &event_ids[&push_id];
        let of_event: Vec<u16> = received
            .iter()
            .filter(|r| &r.event_id() == id)
            .map(|r| r.answered)
            .collect();
        assert_eq!(of_event, vec![500, 200], "{id}");
        for r in received.iter().filter(|r| &r.event_id() == id) {
            assert_signed(r, &secret);
            assert_eq!(r.json()["event_id"], id.as_str());
        }
    }
}

#[tokio::test]
async fn a_delivery_claimed_but_never_finished_is_delivered_later_with_its_event_id() {
    let app = TestApp::new().await;
    let receiver = Receiver::start(200).await;
    let secret = sanse::pushes::token::webhook_secret();
    set_webhook(&app, app.fixture.department_y, Some(&receiver.url), &secret).await;
    let s = push_scene(&app).await;
    let http = allowing(&[&receiver.url]);
    let before = delivery(&app, s.push_y_a).await;

    // A worker claims the rows and dies before posting.
    let t0 = app.state.clock.now();
    let claimed = claim_due(&app.db, t0, 10).await.unwrap();
    assert_eq!(claimed.len(), 2);
    let row = delivery(&app, s.push_y_a).await;
    assert_eq!(row.status, "pending");
    assert!(close_to(
        row.next_attempt_at,
        t0 + chrono::Duration::minutes(2)
    ));
    // While the lease runs, nobody else takes them.
    assert_eq!(deliver_due(&app.db, &http, t0).await.unwrap(), 0);
    assert_eq!(
        deliver_due(&app.db, &http, t0 + chrono::Duration::seconds(90))
            .await
            .unwrap(),
        0
    );
    assert!(receiver.received().is_empty());

    // After the lease: delivered, with the event id it always had.
    let later = t0 + chrono::Duration::seconds(121);
    assert_eq!(deliver_due(&app.db, &http, later).await.unwrap(), 2);
    let received = receiver.received();
    assert_eq!(received.len(), 2);
    let ids: Vec<String> = received.iter().map(Received::event_id).collect();
    assert!(ids.contains(&before.event_id), "{ids:?}");
    let after = delivery(&app, s.push_y_a).await;
    assert_eq!(after.status, "delivered");
    assert_eq!(after.event_id, before.event_id);
    assert_eq!(after.attempts, 1, "the claim alone is not an attempt");
}

#[tokio::test]
async fn deliveries_are_cancelled_when_the_webhook_is_gone() {
    let app = TestApp::new().await;
    let receiver = Receiver::start(200).await;
    let secret = sanse::pushes::token::webhook_secret();
    let y = app.fixture.department_y;
    set_webhook(&app, y, Some(&receiver.url), &secret).await;
    let s = push_scene(&app).await;
    let http = allowing(&[&receiver.url]);
    let now = app.state.clock.now();

    // Department disabled: nothing is sent.
    sqlx::query("update department set disabled_at = now() where department_id = $1")
        .bind(y)
        .execute(&app.db)
        .await
        .unwrap();
    assert_eq!(deliver_due(&app.db, &http, now).await.unwrap(), 0);
    for push_id in [s.push_y_a, s.push_y_b] {
        let row = delivery(&app, push_id).await;
        assert_eq!(row.status, "cancelled");
        assert_eq!(row.attempts, 0);
        assert!(row.last_error.unwrap().contains("disabled"));
    }

    // Webhook removed.
    sqlx::query("update department set disabled_at = null where department_id = $1")
        .bind(y)
        .execute(&app.db)
        .await
        .unwrap();
    set_webhook(&app, y, None, "").await;
    sqlx::query(
        "update webhook_delivery set status = 'pending', last_error = null, next_attempt_at = $2
         where push_id = $1",
    )
    .bind(s.push_y_a)
    .bind(now)
    .execute(&app.db)
    .await
    .unwrap();
    assert_eq!(deliver_due(&app.db, &http, now).await.unwrap(), 0);
    let row = delivery(&app, s.push_y_a).await;
    assert_eq!(row.status, "cancelled");
    assert!(row.last_error.unwrap().contains("webhook"));
    assert!(receiver.received().is_empty());
    assert_eq!(
        crate::harness::count_rows(&app.db, "webhook_attempt").await,
        0
    );
}

#[tokio::test]
async fn the_worker_delivers_new_pushes_by_itself_and_stops_when_closing() {
    let app = TestApp::new().await;
    let receiver = Receiver::start(200).await;
    let secret = sanse::pushes::token::webhook_secret();
    set_webhook(&app, app.fixture.department_y, Some(&receiver.url), &secret).await;
    let (closing, closing_rx) = tokio::sync::watch::channel(false);
    let guard = allowing(&[&receiver.url]);
    let worker = spawn_worker(app.db.clone(), app.state.clock.clone(), guard, closing_rx);
    // Let it start listening and go idle.
    tokio::time::sleep(Duration::from_millis(500)).await;

    let s = push_scene(&app).await;
    let published = Instant::now();
    while receiver.received().len() < 2 && published.elapsed() < Duration::from_secs(10) {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let received = receiver.received();
    assert_eq!(received.len(), 2, "delivered by the worker within seconds");
    for r in &received {
        assert_signed(r, &secret);
    }
    // The outcome is recorded right after the answer.
    let recorded = Instant::now();
    loop {
        let a = delivery(&app, s.push_y_a).await;
        let b = delivery(&app, s.push_y_b).await;
        if a.status == "delivered" && b.status == "delivered" {
            break;
        }
        assert!(recorded.elapsed() < Duration::from_secs(5), "{a:?} {b:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    closing.send_replace(true);
    tokio::time::timeout(Duration::from_secs(5), worker)
        .await
        .expect("the worker stops when closing")
        .unwrap();
    assert_eq!(receiver.received().len(), 2, "nothing sent twice");
}

/// A receiver that answers every request with a redirect to `to`.
async fn redirecting_to(to: String) -> Receiver {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let log = Arc::new(Mutex::new(Vec::new()));
    let r = Receiver {
        url: format!("http://127.0.0.1:{port}/hooks/sanse"),
        status: Arc::new(AtomicU16::new(302)),
        log: log.clone(),
    };
    let app = Router::new().route(
        "/hooks/sanse",
        post(move |headers: HeaderMap, body: Bytes| {
            let (to, log) = (to.clone(), log.clone());
            async move {
                log.lock().unwrap().push(Received {
                    headers,
                    body: body.to_vec(),
                    answered: 302,
                });
                (StatusCode::FOUND, [(axum::http::header::LOCATION, to)])
            }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    r
}

#[tokio::test]
async fn a_redirect_is_not_followed_and_an_unlisted_internal_receiver_is_never_reached() {
    let app = TestApp::new().await;
    let secret = sanse::pushes::token::webhook_secret();
    let y = app.fixture.department_y;
    // The internal service a redirect points to (refused: not listed).
    let internal = Receiver::start(200).await;
    let redirector = redirecting_to(internal.url.clone()).await;
    set_webhook(&app, y, Some(&redirector.url), &secret).await;
    let s = push_scene(&app).await;
    let now = app.state.clock.now();
    // Only the redirecting receiver is on the allow-list.
    let guard = allowing(&[&redirector.url]);
    assert_eq!(deliver_due(&app.db, &guard, now).await.unwrap(), 2);
    assert_eq!(redirector.received().len(), 2);
    assert!(internal.received().is_empty(), "the redirect was followed");
    let row = delivery(&app, s.push_y_a).await;
    assert_eq!(
        (row.status.as_str(), row.last_status),
        ("pending", Some(302))
    );

    // Pointed at the internal receiver itself (bypassing the form): the
    // delivery worker refuses it too, before connecting — over plain http
    // and over https alike.
    set_webhook(&app, y, Some(&internal.url), &secret).await;
    let later = row.next_attempt_at + chrono::Duration::seconds(5);
    assert_eq!(deliver_due(&app.db, &guard, later).await.unwrap(), 2);
    let row = delivery(&app, s.push_y_a).await;
    assert_eq!(row.last_error.as_deref(), Some("refused: plain http"));
    let https = internal.url.replacen("http://", "https://", 1);
    set_webhook(&app, y, Some(&https), &secret).await;
    let later = row.next_attempt_at + chrono::Duration::seconds(5);
    assert_eq!(deliver_due(&app.db, &guard, later).await.unwrap(), 2);
    assert!(
        internal.received().is_empty(),
        "an unlisted address was reached"
    );
    let row = delivery(&app, s.push_y_a).await;
    assert_eq!(row.status, "pending");
    assert_eq!(row.last_status, None);
    assert_eq!(row.last_error.as_deref(), Some("refused: internal address"));
}

/// A receiver that answers only after `delay` (longer than the timeout).
async fn slow_receiver(delay: Duration) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let app = Router::new().route(
        "/hooks/sanse",
        post(move || async move {
            tokio::time::sleep(delay).await;
            StatusCode::OK
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://127.0.0.1:{port}/hooks/sanse")
}

#[tokio::test]
async fn the_wait_counts_from_the_failure_and_a_delivery_dies_after_its_attempts() {
    let app = TestApp::new().await;
    let secret = sanse::pushes::token::webhook_secret();
    let y = app.fixture.department_y;
    let slow = slow_receiver(Duration::from_secs(30)).await;
    set_webhook(&app, y, Some(&slow), &secret).await;
    let s = push_scene(&app).await;
    let t0 = app.state.clock.now();
    let guard = allowing(&[&slow]);
    let started = Instant::now();
    assert_eq!(deliver_due(&app.db, &guard, t0).await.unwrap(), 2);
    let took = started.elapsed();
    assert!(took >= sanse::pushes::webhook::TIMEOUT, "{took:?}");
    let row = delivery(&app, s.push_y_a).await;
    assert!(row.last_error.as_deref().unwrap().contains("timed out"));
    // The attempt took the whole timeout; the first wait (10 s) starts
    // after it.
    let failed = t0 + chrono::Duration::from_std(sanse::pushes::webhook::TIMEOUT).unwrap();
    assert!(
        row.next_attempt_at >= failed + chrono::Duration::seconds(10),
        "retried {} after the start, before the backoff after the failure",
        row.next_attempt_at - t0
    );
    let latest = t0 + chrono::Duration::from_std(took).unwrap() + chrono::Duration::seconds(11);
    assert!(
        row.next_attempt_at <= latest,
        "{}",
        row.next_attempt_at - t0
    );

    // One attempt short of the limit, then a refused connection: dead.
    let down = refused_url().await;
    set_webhook(&app, y, Some(&down), &secret).await;
    sqlx::query("update webhook_delivery set attempts = $1 where push_id = $2")
        .bind(sanse::pushes::webhook::MAX_ATTEMPTS - 1)
        .bind(s.push_y_a)
        .execute(&app.db)
        .await
        .unwrap();
    let guard = allowing(&[&down]);
    let t1 = row.next_attempt_at + chrono::Duration::seconds(5);
    deliver_due(&app.db, &guard, t1).await.unwrap();
    let dead = delivery(&app, s.push_y_a).await;
    assert_eq!(
        (dead.status.as_str(), dead.attempts),
        ("dead", sanse::pushes::webhook::MAX_ATTEMPTS)
    );
    let audited: i64 = sqlx::query_scalar(
        "select count(*) from audit_event where action = 'webhook_delivery.dead' and entity_id = $1",
    )
    .bind(dead.webhook_delivery_id)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(audited, 1);
    // Never tried again by itself.
    let much_later = t1 + chrono::Duration::days(2);
    let tried = deliver_due(&app.db, &guard, much_later).await.unwrap();
    assert_eq!(tried, 1, "only the other delivery, still pending");
    assert_eq!(delivery(&app, s.push_y_a).await.attempts, dead.attempts);

    // Shown as given up, with "retry now", which works.
    let mut admin = app.login("admin").await;
    let page = admin.get(&format!("/admin/departments/{y}")).await;
    let shown = page
        .text_of_id(&format!("delivery-{}", dead.webhook_delivery_id))
        .unwrap();
    assert!(shown.contains("已放弃"), "{shown}");
    let retry = format!(
        "/admin/departments/{y}/deliveries/{}/retry",
        dead.webhook_delivery_id
    );
    assert!(page.body.contains(&format!("{retry}\"")));
    let receiver = Receiver::start(200).await;
    set_webhook(&app, y, Some(&receiver.url), &secret).await;
    let resp = admin.post(&retry, &[]).await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER);
    let again = delivery(&app, s.push_y_a).await;
    assert_eq!(again.status, "pending");
    let guard = allowing(&[&receiver.url]);
    let now = app.state.clock.now().max(again.next_attempt_at);
    assert!(deliver_due(&app.db, &guard, now).await.unwrap() >= 1);
    assert_eq!(delivery(&app, s.push_y_a).await.status, "delivered");
    assert_eq!(receiver.received().len(), 1);
}

/// The real server, started with every proxy variable pointing at a
/// listener of the test: its webhook worker goes straight to the receiver
/// (reached through the allow-list) and the "proxy" hears nothing.
#[tokio::test]
async fn the_server_ignores_proxy_variables_when_it_delivers() {
    let (app, db_proxy, _direct) = crate::harness::app_behind_proxy().await;
    let receiver = Receiver::start(200).await;
    let secret = sanse::pushes::token::webhook_secret();
    set_webhook(&app, app.fixture.department_y, Some(&receiver.url), &secret).await;
    let s = push_scene(&app).await;

    let proxy = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let proxy_url = format!("http://{}", proxy.local_addr().unwrap());
    let proxied = Arc::new(AtomicU16::new(0));
    let counted = proxied.clone();
    tokio::spawn(async move {
        while let Ok((_connection, _)) = proxy.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
        }
    });
    let user = db_proxy.options(&app.db_name).get_username().to_owned();
    let database_url = format!(
        "postgres://{user}@127.0.0.1:{}/{}",
        db_proxy.port, app.db_name
    );
    let receiver_at = reqwest::Url::parse(&receiver.url).unwrap();
    let allow = format!(
        "{}:{}",
        receiver_at.host_str().unwrap(),
        receiver_at.port().unwrap()
    );
    let mut server = tokio::process::Command::new(env!("CARGO_BIN_EXE_sanse"))
        .args(["serve", "--bind", "127.0.0.1:0", "--webhook-allow", &allow])
        .env("DATABASE_URL", &database_url)
        .env("RUST_LOG", "warn")
        .envs(
            [
                "HTTP_PROXY",
                "HTTPS_PROXY",
                "ALL_PROXY",
                "http_proxy",
                "https_proxy",
                "all_proxy",
            ]
            .map(|name| (name, proxy_url.as_str())),
        )
        .env_remove("NO_PROXY")
        .env_remove("no_proxy")
        .stdout(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let started = Instant::now();
    while receiver.received().len() < 2 && started.elapsed() < Duration::from_secs(60) {
        if let Some(status) = server.try_wait().unwrap() {
            panic!("the server stopped: {status}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    server.kill().await.unwrap();
    assert_eq!(receiver.received().len(), 2, "delivered by the server");
    assert_eq!(
        proxied.load(Ordering::SeqCst),
        0,
        "a delivery went through the proxy"
    );
    for r in &receiver.received() {
        assert_signed(r, &secret);
    }
    let row = delivery(&app, s.push_y_a).await;
    assert_eq!(row.status, "delivered");
}
