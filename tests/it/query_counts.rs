//! The number of SQL statements each hot page runs: a fixed number written
//! down here, the same on a small station (five enterprises, one record of
//! each kind) and on one with thirty more enterprises and eight records of
//! each kind — a page that slips into a query per row fails.
//!
//! Statements are counted per request from sqlx's own statement log (see
//! `harness::sql_count`). The counts include the session lookup every
//! signed-in request makes. The session touch (an `update`, at most once a
//! minute per session) is kept out of the measured requests and counted by
//! a test of its own. `BEGIN` is not logged by sqlx and so not counted;
//! `COMMIT` is.
//!
//! When a page legitimately gains or loses a statement, update its number
//! and the comment naming what the statements are.

use axum::http::StatusCode;
use chrono::Duration;

use crate::harness::sql_count::{queries_of, statements_of, statements_of_post};
use crate::harness::{Client, PUSH_QUARTER, Resp, TestApp, insert_enterprise, inspect, push_scene};

/// The hot pages and the statements each runs, named in order.
const EXPECTED: &[(&str, usize)] = &[
    // session; the evaluation; its tally (counts per level, movement and
    // the matrix, kept by the database); the page of rows; officers (the
    // filter's choice; industries are read once per process). The filtered
    // board also counts its rows (an industry filter: not in the tally).
    ("tier board, page 1", 5),
    ("tier board, filtered", 6),
    // session; the enterprise; its six timelines: visits, hazards, disputes
    // (the newest policy's mass-dispute threshold, then the rows), incidents,
    // demands, trainings; its open items: hazards, disputes (the threshold
    // again, open disputes, pending follow-ups), demands, re-inspections;
    // its level history and the departments' coordinated actions
    ("enterprise page", 17),
    // session; the count; the page of rows; officers
    ("enterprise search", 4),
    // session; the latest push; its list of pushes; the push; the filtered
    // item count; the page of items and the removed ones
    ("department dashboard (dept.x)", 7),
    ("department dashboard (dept.y)", 7),
    ("department push of station A (dept.y)", 7),
    // session; counts per enterprise for the month and the one before; the
    // active enterprises
    ("monthly list", 3),
    // session; the numbers (one statement of sub-selects); enterprises per
    // industry; pushes waiting (the policy's acknowledgement days, then the
    // pushes); levels now; levels per quarter; activity per month; visits
    // per officer; overdue demands
    ("chief's home", 10),
    // session; the enterprise; officers; the checklist and its items
    ("visit form", 5),
    // session; the enterprise; officers; the checklist and its items; in one
    // transaction: the double-submit check, the visit, its officers (delete,
    // insert), the form token, the audit event, COMMIT
    ("visit POST", 12),
];

/// A station with published quarter `PUSH_QUARTER`: the push scene (three
/// enterprises of station A, one of B) plus `extra` enterprises of station
/// A, the first of which (the observed one) has `records` records of every
/// kind.
struct Station {
    app: TestApp,
    observed: i64,
    /// Department Y's push of station A (every level).
    push_y_a: i64,
    extra: usize,
    records: i64,
}

fn extra_name(i: usize) -> String {
    format!("计数企业{i:02}有限公司")
}

async fn station(extra: usize, records: i64) -> Station {
    assert!(extra >= 1, "the observed enterprise is an extra one");
    let app = TestApp::new().await;
    let (a, officer) = (app.fixture.station_a, app.fixture.officer_a);
    let mut observed = 0;
    for i in 1..=extra {
        let id = insert_enterprise(&app.db, a, &extra_name(i), Some(officer)).await;
        // alternately green and yellow, inspected in the quarter
        let passed = if i % 2 == 0 { 5 } else { 10 };
        inspect(&app, a, id, "2026-08-05", passed).await;
        if i == 1 {
            observed = id;
        }
    }
    records_for(&app, observed, records).await;
    let scene = push_scene(&app).await;
    // what department Y did about the observed enterprise of its push
    sqlx::query(
        "insert into coordinated_action (push_id, enterprise_id, department_id, station_id, kind,
                                         acted_on, note, recorded_by)
         select $1, $2, $3, $4, 'guidance_visit', date '2026-10-01' + g::int, '上门指导' || g, $5
         from generate_series(1, $6) g",
    )
    .bind(scene.push_y_a)
    .bind(observed)
    .bind(app.fixture.department_y)
    .bind(a)
    .bind(app.fixture.dept_y_user)
    .bind(records)
    .execute(&app.db)
    .await
    .unwrap();
    Station {
        app,
        observed,
        push_y_a: scene.push_y_a,
        extra,
        records,
    }
}

/// `n` records of every kind at `enterprise` (station A), in August 2026,
/// the open ones due next year.
async fn records_for(app: &TestApp, enterprise: i64, n: i64) {
    let (a, officer, chief) = (
        app.fixture.station_a,
        app.fixture.officer_a,
        app.fixture.chief_a,
    );
    sqlx::query(
        "with v as (
           insert into visit (station_id, enterprise_id, visited_on, kind, notes, created_by)
           select $1, $2, date '2026-08-01' + g::int, 'routine', '走访记录' || g, $3
           from generate_series(1, $4) g returning visit_id)
         insert into visit_officer (visit_id, user_id)
         select visit_id, u from v, unnest(array[$3, $5]) u",
    )
    .bind(a)
    .bind(enterprise)
    .bind(officer)
    .bind(n)
    .bind(chief)
    .execute(&app.db)
    .await
    .unwrap();
    let statements = [
        "insert into hazard (station_id, enterprise_id, found_on, severity, description, deadline,
                             created_by)
         select $1, $2, date '2026-08-01' + g::int, 'general', '一般隐患' || g, date '2027-03-01', $3
         from generate_series(1, $4) g",
        "insert into dispute (station_id, enterprise_id, reported_on, parties, kind, people_involved,
                              status, created_by)
         select $1, $2, date '2026-08-01' + g::int, '员工与企业' || g, 'wages', 3, 'mediating', $3
         from generate_series(1, $4) g",
        "insert into incident (station_id, enterprise_id, occurred_on, category, severity, summary,
                               created_by)
         select $1, $2, date '2026-08-01' + g::int, 'theft', 'minor', '失窃' || g, $3
         from generate_series(1, $4) g",
        "insert into demand (station_id, enterprise_id, received_on, kind, content, assignee_id,
                             due_on, created_by)
         select $1, $2, date '2026-08-01' + g::int, 'difficulty', '诉求' || g, $3, date '2027-03-01', $3
         from generate_series(1, $4) g",
        "with t as (
           insert into training (station_id, held_on, kind, topic, attendee_count, created_by)
           select $1, date '2026-08-01' + g::int, 'safety', '消防培训' || g, 20, $3
           from generate_series(1, $4) g returning training_id)
         insert into training_enterprise (training_id, enterprise_id) select training_id, $2 from t",
    ];
    for sql in statements {
        sqlx::query(sql)
            .bind(a)
            .bind(enterprise)
            .bind(officer)
            .bind(n)
            .execute(&app.db)
            .await
            .unwrap_or_else(|e| panic!("{e}: {sql}"));
    }
}

fn encoded(pairs: &[(&str, &str)]) -> String {
    serde_urlencoded::to_string(pairs).unwrap()
}

/// What one page did: its statements, and the response.
struct Measured {
    what: &'static str,
    resp: Resp,
    statements: Vec<String>,
}

async fn get(client: &mut Client, what: &'static str, path: &str) -> Measured {
    let (resp, statements) = statements_of(client, path).await;
    assert_eq!(
        resp.status,
        StatusCode::OK,
        "{what} ({path}): {}",
        resp.body
    );
    Measured {
        what,
        resp,
        statements,
    }
}

/// Every hot page of `s`, in the order of [`EXPECTED`].
async fn measure(s: &Station) -> Vec<Measured> {
    let app = &s.app;
    let mut officer = app.login("officer.a").await;
    let mut chief = app.login("chief.a").await;
    let mut dept_x = app.login("dept.x").await;
    let mut dept_y = app.login("dept.y").await;
    // However slow the machine, no measured request may fall on the
    // once-a-minute session touch (its own test below counts it): the
    // sessions were seen "later".
    sqlx::query("update session set last_seen_at = now() + interval '1 hour'")
        .execute(&app.db)
        .await
        .unwrap();
    let board = format!("/evaluations/{PUSH_QUARTER}");
    let filtered = format!(
        "{board}?{}",
        encoded(&[("q", "企业"), ("level", "yellow"), ("sort", "name")])
    );
    let search = format!("/enterprises?{}", encoded(&[("q", "企业")]));
    let enterprise = format!("/enterprises/{}", s.observed);

    let mut pages = vec![
        get(&mut officer, "tier board, page 1", &board).await,
        get(&mut officer, "tier board, filtered", &filtered).await,
        get(&mut officer, "enterprise page", &enterprise).await,
        get(&mut officer, "enterprise search", &search).await,
        get(&mut dept_x, "department dashboard (dept.x)", "/department").await,
        get(&mut dept_y, "department dashboard (dept.y)", "/department").await,
        get(
            &mut dept_y,
            "department push of station A (dept.y)",
            &format!("/department/pushes/{}", s.push_y_a),
        )
        .await,
        get(
            &mut officer,
            "monthly list",
            "/reports/monthly?month=2026-08",
        )
        .await,
        get(&mut chief, "chief's home", "/chief").await,
    ];

    let form_path = format!("/enterprises/{}/visits/new", s.observed);
    let form = get(&mut officer, "visit form", &form_path).await;
    let form_token = form.resp.input_value("form_token").expect("a form token");
    let visited_on = form.resp.input_value("visited_on").expect("a visit date");
    pages.push(form);
    let me = app.fixture.officer_a.to_string();
    let (resp, statements) = statements_of_post(
        &mut officer,
        &format!("/enterprises/{}/visits", s.observed),
        &[
            ("form_token", &form_token),
            ("visited_on", &visited_on),
            ("kind", "routine"),
            ("officers", &me),
            ("notes", "例行走访，了解用工情况"),
        ],
    )
    .await;
    assert_eq!(
        resp.status,
        StatusCode::SEE_OTHER,
        "visit POST: {}",
        resp.body
    );
    pages.push(Measured {
        what: "visit POST",
        resp,
        statements,
    });
    pages
}

/// The measured counts against [`EXPECTED`], every difference at once.
fn check(s: &Station, pages: &[Measured]) {
    let names: Vec<&str> = pages.iter().map(|p| p.what).collect();
    let expected_names: Vec<&str> = EXPECTED.iter().map(|(w, _)| *w).collect();
    assert_eq!(names, expected_names);
    let wrong: Vec<String> = pages
        .iter()
        .zip(EXPECTED)
        .filter(|(p, (_, n))| p.statements.len() != *n)
        .map(|(p, (_, n))| {
            format!(
                "{}: {} statements, expected {n}:\n    {}",
                p.what,
                p.statements.len(),
                p.statements.join("\n    ")
            )
        })
        .collect();
    assert!(
        wrong.is_empty(),
        "with {} extra enterprises and {} records of each kind:\n{}",
        s.extra,
        s.records,
        wrong.join("\n")
    );
}

fn body_of<'a>(pages: &'a [Measured], what: &str) -> &'a str {
    &pages
        .iter()
        .find(|p| p.what == what)
        .expect("a measured page")
        .resp
        .body
}

#[tokio::test]
async fn hot_pages_run_a_fixed_number_of_statements_on_a_small_station() {
    let s = station(1, 1).await;
    let pages = measure(&s).await;
    check(&s, &pages);
    // the pages show what the counts are about
    assert!(body_of(&pages, "tier board, page 1").contains(&extra_name(1)));
    assert!(body_of(&pages, "enterprise search").contains(&extra_name(1)));
    assert!(body_of(&pages, "enterprise page").contains("走访记录1"));
    assert!(body_of(&pages, "department push of station A (dept.y)").contains(&extra_name(1)));
    assert!(body_of(&pages, "monthly list").contains(&extra_name(1)));
}

/// How many of the extra enterprises numbered `which` the body names.
fn shown(body: &str, which: impl Iterator<Item = usize>) -> Vec<usize> {
    which.filter(|i| body.contains(&extra_name(*i))).collect()
}

#[tokio::test]
async fn hot_pages_run_the_same_number_of_statements_when_the_station_grows() {
    let s = station(30, 8).await;
    let pages = measure(&s).await;
    check(&s, &pages);
    // the growth is on the pages: every extra enterprise, every record
    let all: Vec<usize> = (1..=s.extra).collect();
    for page in [
        "tier board, page 1",
        "department push of station A (dept.y)",
        "monthly list",
    ] {
        assert_eq!(shown(body_of(&pages, page), 1..=s.extra), all, "{page}");
    }
    // department X receives the yellow ones (the even numbers; the observed
    // first one is left out: its level depends on its many records)
    let yellow: Vec<usize> = (2..=s.extra).step_by(2).collect();
    assert_eq!(
        shown(
            body_of(&pages, "department dashboard (dept.x)"),
            2..=s.extra
        ),
        yellow
    );
    // the search fills its page of 25 (the push scene's three match too)
    let search = body_of(&pages, "enterprise search");
    let scene_names = [
        "临江满分企业有限公司",
        "临江一般企业有限公司",
        "临江隐患企业有限公司",
    ];
    let scene_shown = scene_names.iter().filter(|n| search.contains(*n)).count();
    assert_eq!(shown(search, 1..=s.extra).len() + scene_shown, 25);
    let enterprise = body_of(&pages, "enterprise page");
    for record in [
        "走访记录8",
        "一般隐患8",
        "员工与企业8",
        "诉求8",
        "消防培训8",
    ] {
        assert!(
            enterprise.contains(record),
            "the enterprise page shows {record}"
        );
    }
}

#[tokio::test]
async fn the_session_touch_is_one_more_statement_once_a_minute() {
    let s = station(1, 1).await;
    let mut officer = s.app.login("officer.a").await;
    let (_, before) = queries_of(&mut officer, "/enterprises").await;
    s.app.state.clock.advance(Duration::minutes(2));
    let (resp, touched) = statements_of(&mut officer, "/enterprises").await;
    assert_eq!(resp.status, StatusCode::OK);
    assert_eq!(touched.len(), before + 1, "{touched:?}");
    assert!(touched[1].starts_with("update session"), "{touched:?}");
    let (_, after) = queries_of(&mut officer, "/enterprises").await;
    assert_eq!(after, before, "touched once, not on every request");
}
