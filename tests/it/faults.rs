//! Faults: the database going away while officers write, edits racing each
//! other, and SIGTERM while the server is busy.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::StatusCode;

use crate::harness::{Client, TestApp, app_behind_proxy, insert_enterprise};

/// One officer logging visits as fast as the server answers until
/// `until`: (unique note, status) of every POST.
async fn log_visits(
    mut client: Client,
    enterprise: i64,
    officer: i64,
    worker: usize,
    until: Instant,
) -> Vec<(String, StatusCode)> {
    let mut answers = Vec::new();
    let mut n = 0;
    while Instant::now() < until {
        let form = client
            .get(&format!("/enterprises/{enterprise}/visits/new"))
            .await;
        let (Some(token), Some(day)) = (
            form.input_value("form_token"),
            form.input_value("visited_on"),
        ) else {
            // the form itself could not be shown (503): try again shortly
            assert_eq!(
                form.status,
                StatusCode::SERVICE_UNAVAILABLE,
                "{}",
                form.body
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        n += 1;
        let note = format!("负载走访-{worker}-{n}");
        let me = officer.to_string();
        let resp = client
            .post(
                &format!("/enterprises/{enterprise}/visits"),
                &[
                    ("visited_on", &day),
                    ("kind", "routine"),
                    ("officers", &me),
                    ("notes", &note),
                    ("form_token", &token),
                ],
            )
            .await;
        answers.push((note, resp.status));
    }
    answers
}

#[tokio::test]
async fn no_acknowledged_write_is_lost_when_the_database_goes_away_under_load() {
    let (app, proxy, direct) = app_behind_proxy().await;
    let fixture = app.fixture;
    let enterprise = insert_enterprise(
        &direct,
        fixture.station_a,
        "断线测试企业有限公司",
        Some(fixture.officer_a),
    )
    .await;

    let started = Instant::now();
    let until = started + Duration::from_secs(5);
    let mut workers = Vec::new();
    for worker in 0..6 {
        let client = app.login("officer.a").await;
        workers.push(tokio::spawn(log_visits(
            client,
            enterprise,
            fixture.officer_a,
            worker,
            until,
        )));
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let down_at = started.elapsed();
    proxy.take_down().await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    proxy.bring_back();
    let back_at = started.elapsed();

    let mut answers = Vec::new();
    for w in workers {
        answers.extend(w.await.unwrap());
    }
    let acknowledged: Vec<&String> = answers
        .iter()
        .filter(|(_, s)| *s == StatusCode::SEE_OTHER)
        .map(|(n, _)| n)
        .collect();
    let refused = answers
        .iter()
        .filter(|(_, s)| *s == StatusCode::SERVICE_UNAVAILABLE)
        .count();
    let other: Vec<_> = answers
        .iter()
        .filter(|(_, s)| *s != StatusCode::SEE_OTHER && *s != StatusCode::SERVICE_UNAVAILABLE)
        .collect();
    assert!(other.is_empty(), "only 303 or 503: {other:?}");
    assert!(refused > 0, "the outage ({down_at:?}–{back_at:?}) was felt");
    assert!(
        acknowledged.len() > 10,
        "visits were written: {}",
        acknowledged.len()
    );
    let stored: Vec<String> = sqlx::query_scalar("select notes from visit")
        .fetch_all(&direct)
        .await
        .unwrap();
    for note in &acknowledged {
        assert!(stored.contains(note), "acknowledged {note} is kept");
    }
    // and the server took up work again after the outage
    let mut client = app.login("officer.a").await;
    let recovered = Instant::now();
    while client.get("/readyz").await.status != StatusCode::OK {
        assert!(recovered.elapsed() < Duration::from_secs(10), "no recovery");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let late = log_visits(
        client,
        enterprise,
        fixture.officer_a,
        99,
        Instant::now() + Duration::from_millis(500),
    )
    .await;
    assert!(
        late.iter().all(|(_, s)| *s == StatusCode::SEE_OTHER),
        "{late:?}"
    );
}

#[tokio::test]
async fn of_two_edits_racing_exactly_one_wins_and_the_other_is_told() {
    let app = TestApp::new().await;
    let f = app.fixture;
    let enterprise = insert_enterprise(
        &app.db,
        f.station_a,
        "并发编辑企业有限公司",
        Some(f.officer_a),
    )
    .await;
    let hazard: i64 = sqlx::query_scalar(
        "insert into hazard (station_id, enterprise_id, found_on, severity, description, deadline, created_by)
         values ($1, $2, '2026-08-01', 'general', '原始描述', '2026-09-01', $3) returning hazard_id",
    )
    .bind(f.station_a)
    .bind(enterprise)
    .bind(f.officer_a)
    .fetch_one(&app.db)
    .await
    .unwrap();
    for round in 0..5 {
        let mut a = app.login("officer.a").await;
        let mut b = app.login("chief.a").await;
        let url = format!("/hazards/{hazard}/edit");
        let version = a.get(&url).await.input_value("version").unwrap();
        b.get(&url).await;
        let text_a = format!("民警的描述{round}");
        let text_b = format!("所长的描述{round}");
        let edit = |text: &str| {
            vec![
                ("found_on".to_owned(), "2026-08-01".to_owned()),
                ("deadline".to_owned(), "2026-09-01".to_owned()),
                ("severity".to_owned(), "general".to_owned()),
                ("description".to_owned(), text.to_owned()),
                ("version".to_owned(), version.clone()),
            ]
        };
        let (fa, fb) = (edit(&text_a), edit(&text_b));
        let pa: Vec<(&str, &str)> = fa.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let pb: Vec<(&str, &str)> = fb.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let (ra, rb) = tokio::join!(a.post(&url, &pa), b.post(&url, &pb));
        let mut statuses = [ra.status, rb.status];
        statuses.sort();
        assert_eq!(
            statuses,
            [StatusCode::SEE_OTHER, StatusCode::CONFLICT],
            "round {round}: exactly one wins"
        );
        let (loser, lost_text, won_text) = if ra.status == StatusCode::CONFLICT {
            (&ra, &text_a, &text_b)
        } else {
            (&rb, &text_b, &text_a)
        };
        assert!(
            loser.body.contains(lost_text.as_str()),
            "what the loser typed is kept"
        );
        assert!(
            loser.text_of_id("form-error").is_some(),
            "and they are told"
        );
        let stored: String =
            sqlx::query_scalar("select description from hazard where hazard_id = $1")
                .bind(hazard)
                .fetch_one(&app.db)
                .await
                .unwrap();
        assert_eq!(&stored, won_text);
    }
}

/// One keep-alive connection sending GETs until the server closes it:
/// (complete responses, responses cut off part-way, 5xx answers).
fn hammer(addr: &str, path: &str, stop: &Mutex<bool>) -> (usize, usize, usize) {
    let Ok(mut stream) = TcpStream::connect(addr) else {
        return (0, 0, 0);
    };
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let (mut complete, mut cut, mut failed) = (0, 0, 0);
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n\r\n");
    loop {
        if *stop.lock().unwrap() {
            break;
        }
        if stream.write_all(request.as_bytes()).is_err() {
            break;
        }
        // read one response: headers, then Content-Length bytes
        let mut buf = Vec::new();
        let mut byte = [0u8; 4096];
        let outcome = loop {
            match stream.read(&mut byte) {
                Ok(0) | Err(_) => break if buf.is_empty() { None } else { Some(false) },
                Ok(n) => buf.extend_from_slice(&byte[..n]),
            }
            let text = String::from_utf8_lossy(&buf);
            if let Some(end) = text.find("\r\n\r\n") {
                let length = text[..end]
                    .lines()
                    .find_map(|l| {
                        l.to_ascii_lowercase()
                            .strip_prefix("content-length:")
                            .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                    })
                    .unwrap_or(0);
                if buf.len() >= end + 4 + length {
                    if text.starts_with("HTTP/1.1 5") {
                        failed += 1;
                    }
                    break Some(true);
                }
            }
        };
        match outcome {
            Some(true) => complete += 1,
            Some(false) => {
                cut += 1;
                break;
            }
            // closed between requests: the server let the connection go
            None => break,
        }
    }
    (complete, cut, failed)
}

#[test]
fn sigterm_under_load_finishes_what_was_accepted_and_stops_cleanly() {
    use std::process::{Command, Stdio};
    let root = std::env::temp_dir().join(format!("sanse-sigterm-{}", std::process::id()));
    let data = root.join("pg");
    std::fs::create_dir_all(&root).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_sanse"))
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn")
        .arg("--data-dir")
        .arg(&data)
        .args(["serve", "--bind", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut out = child.stdout.take().unwrap();
    let mut printed = String::new();
    let deadline = Instant::now() + Duration::from_secs(120);
    let addr = loop {
        let mut chunk = [0u8; 256];
        let n = out.read(&mut chunk).unwrap();
        assert!(
            n > 0 && Instant::now() < deadline,
            "sanse did not start: {printed}"
        );
        printed.push_str(&String::from_utf8_lossy(&chunk[..n]));
        if let Some(rest) = printed.split("serving on http://").nth(1)
            && let Some(addr) = rest.split('/').next().filter(|_| rest.contains('/'))
        {
            break addr.to_owned();
        }
    };

    let stop = Arc::new(Mutex::new(false));
    let mut threads = Vec::new();
    for i in 0..32 {
        let (addr, stop) = (addr.clone(), stop.clone());
        let path = if i % 2 == 0 { "/login" } else { "/readyz" };
        threads.push(std::thread::spawn(move || hammer(&addr, path, &stop)));
    }
    std::thread::sleep(Duration::from_millis(1500));
    let term_at = Instant::now();
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            term_at.elapsed() < Duration::from_secs(30),
            "sanse did not exit within 30 s of SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    let exit_took = term_at.elapsed();
    *stop.lock().unwrap() = true;
    let (mut complete, mut cut, mut failed) = (0, 0, 0);
    for t in threads {
        let (c, x, f) = t.join().unwrap();
        complete += c;
        cut += x;
        failed += f;
    }
    assert!(status.success(), "exit status {status}");
    assert!(complete > 100, "the load ran: {complete} answers");
    assert_eq!(cut, 0, "no answer was cut off part-way");
    assert_eq!(failed, 0, "no 5xx");
    assert!(
        exit_took < Duration::from_secs(15),
        "exited {exit_took:?} after SIGTERM"
    );
    assert!(
        !data.join("postmaster.pid").exists(),
        "the embedded cluster was stopped"
    );
    let _ = std::fs::remove_dir_all(&root);
}

/// Form fields as `Client::post` takes them.
fn borrowed<'a>(fields: &'a [(&'static str, String)]) -> Vec<(&'a str, &'a str)> {
    fields.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

/// A request cut off in the middle of its transaction leaves nothing
/// behind. Here the request time limit passes while a visit's audit row
/// waits for a lock, after the visit, its officers and its form token were
/// inserted. With a pool of one connection, the next requests must run on
/// the connection the cut-off one held: the half-done transaction is rolled
/// back, not carried into them, and the officer's retry of the same form
/// saves the visit once.
#[tokio::test]
async fn a_request_cut_off_mid_transaction_leaves_nothing_behind() {
    use sqlx::Connection;
    let (options, db_name) = crate::harness::fresh_database().await;
    let db = sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .connect_with(options.clone())
        .await
        .unwrap();
    let fixture = crate::harness::seed_fixture(&db).await;
    sanse::enterprises::industries(&db).await.unwrap();
    let config = sanse::config::Config {
        request_timeout: Duration::from_secs(2),
        ..Default::default()
    };
    let app = TestApp::from_pool(db, config, fixture, db_name);
    let enterprise = insert_enterprise(
        &app.db,
        fixture.station_a,
        "中断测试企业有限公司",
        Some(fixture.officer_a),
    )
    .await;
    let mut client = app.login("officer.a").await;
    let form = client
        .get(&format!("/enterprises/{enterprise}/visits/new"))
        .await;
    let token = form.input_value("form_token").unwrap();
    let day = form.input_value("visited_on").unwrap();
    let me = fixture.officer_a.to_string();
    let fields = |note: &'static str| -> Vec<(&'static str, String)> {
        vec![
            ("visited_on", day.clone()),
            ("kind", "routine".to_owned()),
            ("officers", me.clone()),
            ("notes", note.to_owned()),
            ("form_token", token.clone()),
        ]
    };

    // Another session holds the audit log: inserts into it wait.
    let mut blocker = sqlx::PgConnection::connect_with(&options).await.unwrap();
    sqlx::query("begin").execute(&mut blocker).await.unwrap();
    sqlx::query("lock table audit_event in exclusive mode")
        .execute(&mut blocker)
        .await
        .unwrap();
    let path = format!("/enterprises/{enterprise}/visits");
    let first = {
        let mut client = app.client_with_session_of(&client);
        let path = path.clone();
        let fields = fields("被中断的走访");
        tokio::spawn(async move {
            let pairs = borrowed(&fields);
            client.post(&path, &pairs).await
        })
    };
    // Wait until the request has written the visit and waits on the log.
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        let stuck: bool = sqlx::query_scalar(
            "select exists (select 1 from pg_locks w join pg_locks v on v.pid = w.pid
                             where w.relation = 'audit_event'::regclass and not w.granted
                               and v.relation = 'visit'::regclass and v.mode = 'RowExclusiveLock')",
        )
        .fetch_one(&mut blocker)
        .await
        .unwrap();
        if stuck {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the request never waited with its visit written"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let cut = first.await.unwrap();
    assert_eq!(cut.status, StatusCode::GATEWAY_TIMEOUT, "{}", cut.body);
    sqlx::query("rollback").execute(&mut blocker).await.unwrap();

    // The retry of the same form, on the only connection there is.
    let retry_fields = fields("重新提交的走访");
    let pairs = borrowed(&retry_fields);
    let retry = client.post(&path, &pairs).await;
    assert_eq!(retry.status, StatusCode::SEE_OTHER, "{}", retry.body);
    let again = client.post(&path, &pairs).await;
    assert_eq!(
        again.location(),
        retry.location(),
        "a double submit is one visit"
    );

    let notes: Vec<String> = sqlx::query_scalar("select notes from visit where enterprise_id = $1")
        .bind(enterprise)
        .fetch_all(&mut blocker)
        .await
        .unwrap();
    assert_eq!(
        notes,
        ["重新提交的走访"],
        "nothing of the cut-off request is kept"
    );
    let audited: i64 =
        sqlx::query_scalar("select count(*) from audit_event where action = 'visit.create'")
            .fetch_one(&mut blocker)
            .await
            .unwrap();
    assert_eq!(audited, 1);
    // and no transaction is left open on the server
    let open: i64 = sqlx::query_scalar(
        "select count(*) from pg_stat_activity
         where datname = current_database() and state like 'idle in transaction%'",
    )
    .fetch_one(&mut blocker)
    .await
    .unwrap();
    assert_eq!(open, 0, "a transaction was left open");
}
