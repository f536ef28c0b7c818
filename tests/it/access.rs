//! The access-control matrix: every route and method of the application
//! (read from the source, so a new route missing here fails) against every
//! kind of caller, with the answer each must get.
//!
//! Columns, in order:
//!   anon   no session
//!   offA   officer of station A          chfA   chief of station A
//!   offB   officer of station B (every id below belongs to station A or
//!          to department X, so station B's officer must get 404)
//!   dptX   department X's user (the pushes below are X's)
//!   dptY   department Y's user (another department: 404 on X's pushes)
//!   admin  the administrator
//!   disab  a user disabled after signing in
//!   expir  a session past its idle time
//!   tokX   department X's API token      tokY   department Y's API token
//!   chfB   chief of station B: every write a chief may make, aimed at
//!          station A's records, must get 404 and change nothing
//!
//! Answers: 200 (a page), R (a redirect elsewhere than the login), L (a
//! redirect to the login), F (403), N (404), U (401), S (an event stream
//! opened), ok (a POST let through: anything but L, F, N, U and 5xx; its
//! empty form mostly gets 422).
//!
//! Every request that is refused must change nothing: the whole database
//! (sessions and login attempts aside) is compared before and after them.

use std::collections::BTreeSet;

use axum::http::StatusCode;

use crate::api::insert_token;
use crate::harness::{Client, PASSWORD, PUSH_QUARTER, Resp, TestApp, push_scene};

const CALLERS: [&str; 12] = [
    "anon", "offA", "chfA", "offB", "dptX", "dptY", "admin", "disab", "expir", "tokX", "tokY",
    "chfB",
];

/// (method, route as in the source, answers per caller in CALLERS order).
pub(crate) const MATRIX: &[(&str, &str, &str)] = &[
    // public
    ("GET", "/", "L R R R R R R L L L L R"),
    ("GET", "/login", "200 R R R R R R 200 200 200 200 R"),
    ("POST", "/login", "ok ok ok ok ok ok ok ok ok F F ok"),
    ("POST", "/logout", "L L L L L L L L L F F L"),
    ("POST", "/lang", "ok ok ok ok ok ok ok ok ok F F ok"),
    (
        "GET",
        "/healthz",
        "200 200 200 200 200 200 200 200 200 200 200 200",
    ),
    (
        "GET",
        "/readyz",
        "200 200 200 200 200 200 200 200 200 200 200 200",
    ),
    (
        "GET",
        "/static/{*path}",
        "200 200 200 200 200 200 200 200 200 200 200 200",
    ),
    // one's own password
    (
        "GET",
        "/account/password",
        "L 200 200 200 200 200 200 L L L L 200",
    ),
    (
        "POST",
        "/account/password",
        "L ok ok ok ok ok ok L L F F ok",
    ),
    // home pages
    ("GET", "/officer", "L 200 200 200 F F F L L L L 200"),
    ("GET", "/chief", "L F 200 F F F F L L L L 200"),
    ("GET", "/admin", "L F F F F F 200 L L L L F"),
    // enterprises
    ("GET", "/enterprises", "L 200 200 200 F F F L L L L 200"),
    ("POST", "/enterprises", "L ok ok ok F F F L L F F ok"),
    (
        "GET",
        "/enterprises/export.csv",
        "L 200 200 200 F F F L L L L 200",
    ),
    ("GET", "/enterprises/new", "L 200 200 200 F F F L L L L 200"),
    (
        "GET",
        "/enterprises/import",
        "L 200 200 200 F F F L L L L 200",
    ),
    ("POST", "/enterprises/import", "L ok ok ok F F F L L F F ok"),
    (
        "GET",
        "/enterprises/import/{id}",
        "L 422 N N F F F L L L L N",
    ),
    (
        "POST",
        "/enterprises/import/{id}",
        "L ok N N F F F L L F F N",
    ),
    ("GET", "/enterprises/{id}", "L 200 200 N F F F L L L L N"),
    (
        "GET",
        "/enterprises/{id}/edit",
        "L 200 200 N F F F L L L L N",
    ),
    (
        "POST",
        "/enterprises/{id}/edit",
        "L ok ok N F F F L L F F N",
    ),
    (
        "POST",
        "/enterprises/{id}/delete",
        "L F ok F F F F L L F F N",
    ),
    // visits
    ("GET", "/visits", "L 200 200 200 F F F L L L L 200"),
    ("GET", "/visits/new", "L 200 200 200 F F F L L L L 200"),
    (
        "GET",
        "/enterprises/{enterprise_id}/visits/new",
        "L 200 200 N F F F L L L L N",
    ),
    (
        "POST",
        "/enterprises/{enterprise_id}/visits",
        "L ok ok N F F F L L F F N",
    ),
    ("GET", "/visits/{id}", "L 200 200 N F F F L L L L N"),
    ("GET", "/visits/{id}/edit", "L 200 200 N F F F L L L L N"),
    ("POST", "/visits/{id}/edit", "L ok ok N F F F L L F F N"),
    ("POST", "/visits/{id}/delete", "L F ok F F F F L L F F N"),
    // hazards
    ("GET", "/hazards", "L 200 200 200 F F F L L L L 200"),
    (
        "GET",
        "/enterprises/{enterprise_id}/hazards/new",
        "L 200 200 N F F F L L L L N",
    ),
    (
        "POST",
        "/enterprises/{enterprise_id}/hazards",
        "L ok ok N F F F L L F F N",
    ),
    ("GET", "/hazards/{id}", "L 200 200 N F F F L L L L N"),
    ("GET", "/hazards/{id}/edit", "L 200 200 N F F F L L L L N"),
    ("POST", "/hazards/{id}/edit", "L ok ok N F F F L L F F N"),
    ("POST", "/hazards/{id}/rectify", "L ok ok N F F F L L F F N"),
    ("POST", "/hazards/{id}/delete", "L F ok F F F F L L F F N"),
    // disputes
    ("GET", "/disputes", "L 200 200 200 F F F L L L L 200"),
    (
        "GET",
        "/enterprises/{enterprise_id}/disputes/new",
        "L 200 200 N F F F L L L L N",
    ),
    (
        "POST",
        "/enterprises/{enterprise_id}/disputes",
        "L ok ok N F F F L L F F N",
    ),
    ("GET", "/disputes/{id}", "L 200 200 N F F F L L L L N"),
    ("GET", "/disputes/{id}/edit", "L 200 200 N F F F L L L L N"),
    ("POST", "/disputes/{id}/edit", "L ok ok N F F F L L F F N"),
    (
        "POST",
        "/disputes/{id}/transition",
        "L ok ok N F F F L L F F N",
    ),
    (
        "POST",
        "/disputes/{id}/follow-ups",
        "L ok ok N F F F L L F F N",
    ),
    (
        "POST",
        "/disputes/{id}/follow-ups/{follow_up_id}/done",
        "L ok ok N F F F L L F F N",
    ),
    ("POST", "/disputes/{id}/delete", "L F ok F F F F L L F F N"),
    // incidents
    ("GET", "/incidents", "L 200 200 200 F F F L L L L 200"),
    (
        "GET",
        "/enterprises/{enterprise_id}/incidents/new",
        "L 200 200 N F F F L L L L N",
    ),
    (
        "POST",
        "/enterprises/{enterprise_id}/incidents",
        "L ok ok N F F F L L F F N",
    ),
    ("GET", "/incidents/{id}", "L 200 200 N F F F L L L L N"),
    ("GET", "/incidents/{id}/edit", "L 200 200 N F F F L L L L N"),
    ("POST", "/incidents/{id}/edit", "L ok ok N F F F L L F F N"),
    ("POST", "/incidents/{id}/delete", "L F ok F F F F L L F F N"),
    // demands
    ("GET", "/demands", "L 200 200 200 F F F L L L L 200"),
    (
        "GET",
        "/enterprises/{enterprise_id}/demands/new",
        "L 200 200 N F F F L L L L N",
    ),
    (
        "POST",
        "/enterprises/{enterprise_id}/demands",
        "L ok ok N F F F L L F F N",
    ),
    ("GET", "/demands/{id}", "L 200 200 N F F F L L L L N"),
    ("GET", "/demands/{id}/edit", "L 200 200 N F F F L L L L N"),
    ("POST", "/demands/{id}/edit", "L ok ok N F F F L L F F N"),
    ("POST", "/demands/{id}/respond", "L ok ok N F F F L L F F N"),
    ("POST", "/demands/{id}/resolve", "L ok ok N F F F L L F F N"),
    ("POST", "/demands/{id}/extend", "L ok ok N F F F L L F F N"),
    ("POST", "/demands/{id}/delete", "L F ok F F F F L L F F N"),
    // trainings
    ("GET", "/trainings", "L 200 200 200 F F F L L L L 200"),
    ("POST", "/trainings", "L ok ok ok F F F L L F F ok"),
    ("GET", "/trainings/new", "L 200 200 200 F F F L L L L 200"),
    (
        "GET",
        "/enterprises/{enterprise_id}/trainings/new",
        "L R R N F F F L L L L N",
    ),
    ("GET", "/trainings/{id}", "L 200 200 N F F F L L L L N"),
    ("GET", "/trainings/{id}/edit", "L 200 200 N F F F L L L L N"),
    ("POST", "/trainings/{id}/edit", "L ok ok N F F F L L F F N"),
    ("POST", "/trainings/{id}/delete", "L F ok F F F F L L F F N"),
    // evaluations
    ("GET", "/evaluations", "L 200 200 200 F F F L L L L 200"),
    ("POST", "/evaluations", "L F ok F F F F L L F F ok"),
    (
        "GET",
        "/evaluations/{quarter}",
        "L 200 200 200 F F F L L L L 200",
    ),
    (
        "GET",
        "/evaluations/{quarter}/export.csv",
        "L 200 200 200 F F F L L L L 200",
    ),
    (
        "POST",
        "/evaluations/{quarter}/publish",
        "L F ok F F F F L L F F ok",
    ),
    (
        "GET",
        "/evaluations/{quarter}/{enterprise_id}",
        "L 200 200 N F F F L L L L N",
    ),
    (
        "POST",
        "/evaluations/{quarter}/{enterprise_id}/override",
        "L F ok F F F F L L F F N",
    ),
    (
        "POST",
        "/evaluations/{quarter}/{enterprise_id}/objections",
        "L ok ok N F F F L L F F N",
    ),
    (
        "POST",
        "/evaluations/{quarter}/{enterprise_id}/objections/{objection_id}/decide",
        "L F ok F F F F L L F F N",
    ),
    // reports
    ("GET", "/reports/monthly", "L 200 200 200 F F F L L L L 200"),
    (
        "GET",
        "/reports/monthly.csv",
        "L 200 200 200 F F F L L L L 200",
    ),
    // the department pages
    ("GET", "/department", "L F F F 200 200 F L L L L F"),
    ("GET", "/department/live", "L F F F S S F L L L L F"),
    (
        "GET",
        "/department/pushes/{push_id}",
        "L F F F 200 N F L L L L F",
    ),
    (
        "GET",
        "/department/pushes/{push_id}/export.csv",
        "L F F F 200 N F L L L L F",
    ),
    (
        "POST",
        "/department/pushes/{push_id}/acknowledge",
        "L F F F ok N F L L F F F",
    ),
    (
        "GET",
        "/department/pushes/{push_id}/enterprises/{enterprise_id}",
        "L F F F 200 N F L L L L F",
    ),
    (
        "POST",
        "/department/pushes/{push_id}/enterprises/{enterprise_id}",
        "L F F F ok N F L L F F F",
    ),
    // administration
    ("GET", "/admin/policies", "L F F F F F 200 L L L L F"),
    ("POST", "/admin/policies", "L F F F F F ok L L F F F"),
    ("GET", "/admin/policies/new", "L F F F F F 200 L L L L F"),
    (
        "GET",
        "/admin/policies/{version}",
        "L F F F F F 200 L L L L F",
    ),
    ("GET", "/admin/departments", "L F F F F F 200 L L L L F"),
    ("POST", "/admin/departments", "L F F F F F ok L L F F F"),
    (
        "GET",
        "/admin/departments/{id}",
        "L F F F F F 200 L L L L F",
    ),
    (
        "GET",
        "/admin/departments/{id}/names",
        "L F F F F F R L L L L F",
    ),
    (
        "POST",
        "/admin/departments/{id}/names",
        "L F F F F F ok L L F F F",
    ),
    (
        "POST",
        "/admin/departments/{id}/disable",
        "L F F F F F ok L L F F F",
    ),
    (
        "POST",
        "/admin/departments/{id}/enable",
        "L F F F F F ok L L F F F",
    ),
    (
        "GET",
        "/admin/departments/{id}/subscriptions",
        "L F F F F F R L L L L F",
    ),
    (
        "POST",
        "/admin/departments/{id}/subscriptions",
        "L F F F F F ok L L F F F",
    ),
    (
        "POST",
        "/admin/departments/{id}/subscriptions/{sub}/delete",
        "L F F F F F ok L L F F F",
    ),
    (
        "GET",
        "/admin/departments/{id}/users",
        "L F F F F F R L L L L F",
    ),
    (
        "POST",
        "/admin/departments/{id}/users",
        "L F F F F F ok L L F F F",
    ),
    (
        "POST",
        "/admin/departments/{id}/users/{user}/disable",
        "L F F F F F ok L L F F F",
    ),
    (
        "POST",
        "/admin/departments/{id}/users/{user}/enable",
        "L F F F F F ok L L F F F",
    ),
    (
        "GET",
        "/admin/departments/{id}/tokens",
        "L F F F F F R L L L L F",
    ),
    (
        "POST",
        "/admin/departments/{id}/tokens",
        "L F F F F F ok L L F F F",
    ),
    (
        "POST",
        "/admin/departments/{id}/tokens/{token}/revoke",
        "L F F F F F ok L L F F F",
    ),
    (
        "GET",
        "/admin/departments/{id}/webhook",
        "L F F F F F R L L L L F",
    ),
    (
        "POST",
        "/admin/departments/{id}/webhook",
        "L F F F F F ok L L F F F",
    ),
    (
        "GET",
        "/admin/departments/{id}/webhook/rotate",
        "L F F F F F R L L L L F",
    ),
    (
        "POST",
        "/admin/departments/{id}/webhook/rotate",
        "L F F F F F ok L L F F F",
    ),
    (
        "POST",
        "/admin/departments/{id}/webhook/delete",
        "L F F F F F ok L L F F F",
    ),
    (
        "POST",
        "/admin/departments/{id}/deliveries/{delivery}/retry",
        "L F F F F F ok L L F F F",
    ),
    // the API: bearer tokens only
    (
        "GET",
        "/api/v1/openapi.json",
        "200 200 200 200 200 200 200 200 200 200 200 200",
    ),
    ("GET", "/api/v1/pushes", "U U U U U U U U U 200 200 U"),
    ("GET", "/api/v1/pushes/{id}", "U U U U U U U U U 200 N U"),
    (
        "GET",
        "/api/v1/pushes/{id}/enterprises",
        "U U U U U U U U U 200 N U",
    ),
    ("ANY", "/api", "N N N N N N N N N N N N"),
    ("ANY", "/api/", "N N N N N N N N N N N N"),
    ("ANY", "/api/{*rest}", "N N N N N N N N N N N N"),
];

/// Routes answering POST whose effect would spoil the others' fixture:
/// sent after the rest (and after every `…/delete`), in this order.
const LAST: &[&str] = &[
    "/evaluations/{quarter}/publish",
    "/admin/departments/{id}/users/{user}/disable",
    "/admin/departments/{id}/tokens/{token}/revoke",
    "/admin/departments/{id}/disable",
    "/logout",
];

/// Every `.route("…", get(…).post(…))` of the source, as (METHOD, path).
fn routes_in_source() -> BTreeSet<(String, String)> {
    let mut routes = BTreeSet::new();
    let mut stack = vec![std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src"
    ))];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                routes.extend(routes_of(&text));
            }
        }
    }
    routes
}

fn routes_of(text: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find(".route(") {
        let after = &rest[at + ".route(".len()..];
        // The call's arguments, up to its closing parenthesis.
        let mut depth = 1;
        let mut end = after.len();
        for (i, c) in after.char_indices() {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        end = i;
                        break;
                    }
                }
                _ => {}
            }
        }
        let args = &after[..end];
        rest = &after[end..];
        let Some(path) = args
            .trim_start()
            .strip_prefix('"')
            .and_then(|p| p.split('"').next())
        else {
            continue;
        };
        for method in ["get", "post", "put", "patch", "delete", "any"] {
            let call = format!("{method}(");
            let mut search = args;
            while let Some(i) = search.find(&call) {
                let before = search[..i].chars().last();
                if !before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                    found.push((method.to_uppercase(), path.to_owned()));
                    break;
                }
                search = &search[i + call.len()..];
            }
        }
    }
    found
}

#[test]
fn the_route_reader_reads_routes() {
    let found = routes_of(
        r#".route("/a/{id}", get(show).post(update)) .route(
            "/b", post(x)) .route("/c", any(nf))"#,
    );
    assert_eq!(
        found,
        [
            ("GET".to_owned(), "/a/{id}".to_owned()),
            ("POST".to_owned(), "/a/{id}".to_owned()),
            ("POST".to_owned(), "/b".to_owned()),
            ("ANY".to_owned(), "/c".to_owned()),
        ]
    );
}

#[test]
fn every_route_is_in_the_matrix() {
    let in_source = routes_in_source();
    assert!(in_source.len() > 100, "the reader finds the routes");
    let in_matrix: BTreeSet<(String, String)> = MATRIX
        .iter()
        .map(|(m, p, _)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    let missing: Vec<_> = in_source.difference(&in_matrix).collect();
    let stale: Vec<_> = in_matrix.difference(&in_source).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "routes missing from the access matrix: {missing:?}; in the matrix but gone: {stale:?}"
    );
    for (method, path, answers) in MATRIX {
        assert_eq!(
            answers.split_whitespace().count(),
            CALLERS.len(),
            "{method} {path}: one answer per caller"
        );
    }
}

/// The ids the routes are tried with: all of station A or department X.
pub(crate) struct Ids {
    pub(crate) enterprise: i64,
    visit: i64,
    hazard: i64,
    dispute: i64,
    follow_up: i64,
    incident: i64,
    demand: i64,
    training: i64,
    import: i64,
    objection: i64,
    push_x: i64,
    subscription_x: i64,
    token_x: i64,
    delivery_x: i64,
}

pub(crate) fn concrete(route: &str, ids: &Ids, app: &TestApp) -> String {
    let id = if route.starts_with("/enterprises/import/") {
        ids.import
    } else if route.starts_with("/enterprises/") {
        ids.enterprise
    } else if route.starts_with("/visits/") {
        ids.visit
    } else if route.starts_with("/hazards/") {
        ids.hazard
    } else if route.starts_with("/disputes/") {
        ids.dispute
    } else if route.starts_with("/incidents/") {
        ids.incident
    } else if route.starts_with("/demands/") {
        ids.demand
    } else if route.starts_with("/trainings/") {
        ids.training
    } else if route.starts_with("/admin/departments/") {
        app.fixture.department_x
    } else if route.starts_with("/api/v1/pushes/") {
        ids.push_x
    } else {
        0
    };
    route
        .replace("{id}", &id.to_string())
        .replace("{enterprise_id}", &ids.enterprise.to_string())
        .replace("{follow_up_id}", &ids.follow_up.to_string())
        .replace("{objection_id}", &ids.objection.to_string())
        .replace("{quarter}", PUSH_QUARTER)
        .replace("{push_id}", &ids.push_x.to_string())
        .replace("{sub}", &ids.subscription_x.to_string())
        .replace("{user}", &app.fixture.dept_x_user.to_string())
        .replace("{token}", &ids.token_x.to_string())
        .replace("{delivery}", &ids.delivery_x.to_string())
        .replace("{version}", "1")
        .replace("{*rest}", "v2/pushes")
        .replace("{*path}", "app.css")
}

async fn scalar(app: &TestApp, sql: &str, binds: &[i64]) -> i64 {
    let mut q = sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql.to_owned()));
    for b in binds {
        q = q.bind(*b);
    }
    q.fetch_one(&app.db).await.unwrap()
}

pub(crate) async fn ids_of(app: &TestApp) -> Ids {
    let scene = push_scene(app).await;
    let f = app.fixture;
    let (a, officer) = (f.station_a, f.officer_a);
    let e = scene.red;
    let visit = scalar(
        app,
        "select visit_id from visit where enterprise_id = $1 limit 1",
        &[e],
    )
    .await;
    let hazard = scalar(
        app,
        "select hazard_id from hazard where enterprise_id = $1 limit 1",
        &[e],
    )
    .await;
    let dispute = scalar(
        app,
        "insert into dispute (station_id, enterprise_id, reported_on, parties, kind, people_involved, created_by)
         values ($1, $2, '2026-08-01', '甲方与乙方', 'wages', 3, $3) returning dispute_id",
        &[a, e, officer],
    )
    .await;
    let follow_up = scalar(
        app,
        "insert into dispute_follow_up (station_id, dispute_id, assigned_to, due_on)
         values ($1, $2, $3, '2026-09-01') returning dispute_follow_up_id",
        &[a, dispute, officer],
    )
    .await;
    let incident = scalar(
        app,
        "insert into incident (station_id, enterprise_id, occurred_on, category, severity, summary, created_by)
         values ($1, $2, '2026-08-02', 'theft', 'minor', '仓库失窃', $3) returning incident_id",
        &[a, e, officer],
    )
    .await;
    let demand = scalar(
        app,
        "insert into demand (station_id, enterprise_id, received_on, kind, content, assignee_id, due_on, created_by)
         values ($1, $2, '2026-08-03', 'difficulty', '需要协调停车', $3, '2026-08-20', $3) returning demand_id",
        &[a, e, officer],
    )
    .await;
    let training = scalar(
        app,
        "insert into training (station_id, held_on, kind, topic, attendee_count, created_by)
         values ($1, '2026-08-04', 'safety', '消防演练', 20, $2) returning training_id",
        &[a, officer],
    )
    .await;
    scalar(
        app,
        "insert into training_enterprise (training_id, enterprise_id) values ($1, $2) returning training_id",
        &[training, e],
    )
    .await;
    let import = scalar(
        app,
        "insert into enterprise_import (station_id, user_id, filename, rows)
         values ($1, $2, 'a.csv', '[[\"企业名称\"]]') returning enterprise_import_id",
        &[a, officer],
    )
    .await;
    let objection = scalar(
        app,
        "insert into objection (station_id, assessment_id, received_on, grounds, recorded_by)
         select $1, assessment_id, '2026-10-20', '已整改', $3 from assessment
         where station_id = $1 and enterprise_id = $2 returning objection_id",
        &[a, e, officer],
    )
    .await;
    let subscription_x = scalar(
        app,
        "select subscription_id from subscription where department_id = $1",
        &[f.department_x],
    )
    .await;
    let delivery_x = scalar(
        app,
        "insert into webhook_delivery (push_id, department_id, next_attempt_at)
         values ($1, $2, now()) returning webhook_delivery_id",
        &[scene.push_x, f.department_x],
    )
    .await;
    Ids {
        enterprise: e,
        visit,
        hazard,
        dispute,
        follow_up,
        incident,
        demand,
        training,
        import,
        objection,
        push_x: scene.push_x,
        subscription_x,
        token_x: 0,
        delivery_x,
    }
}

/// A station A officer signed in, for the disabled and expired callers.
async fn extra_officer(app: &TestApp, username: &str) -> (Client, i64) {
    extra_user(app, username, "officer", app.fixture.station_a).await
}

/// A user of `role` at `station` signed in (with the fixture's password).
async fn extra_user(app: &TestApp, username: &str, role: &str, station: i64) -> (Client, i64) {
    let id = scalar(
        app,
        &format!(
            "insert into app_user (username, display_name, role, station_id, password_hash)
             select '{username}', '额外警官', '{role}', $2, password_hash
             from app_user where user_id = $1 returning user_id"
        ),
        &[app.fixture.officer_a, station],
    )
    .await;
    let mut client = app.client();
    let resp = client.login(username, PASSWORD).await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER, "{username} signs in");
    client
        .get(if role == "chief" {
            "/chief"
        } else {
            "/officer"
        })
        .await;
    (client, id)
}

/// Every row of every table but sessions and login attempts, as one digest
/// per table. For GETs (`all` false) also without the audit trail (allowed
/// exports are audited) and API tokens (their last use is noted).
async fn fingerprint(app: &TestApp, all: bool) -> Vec<(String, String)> {
    let tables: Vec<String> = sqlx::query_scalar(
        "select table_name::text from information_schema.tables
         where table_schema = 'public' and table_type = 'BASE TABLE'
           and table_name not in ('session', 'login_failure', 'login_device', '_sqlx_migrations')
         order by 1",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    let mut digests = Vec::new();
    for table in tables {
        if !all && (table == "audit_event" || table == "api_token") {
            continue;
        }
        let digest: Option<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "select md5(string_agg(t::text, '|' order by t::text)) from {table} t"
        )))
        .fetch_one(&app.db)
        .await
        .unwrap();
        digests.push((table, digest.unwrap_or_default()));
    }
    digests
}

/// The tables whose digest differs.
fn changed(before: &[(String, String)], after: &[(String, String)]) -> Vec<String> {
    before
        .iter()
        .zip(after)
        .filter(|(b, a)| b != a)
        .map(|(b, _)| b.0.clone())
        .collect()
}

fn answer_of(resp: &Resp) -> String {
    match resp.status {
        StatusCode::SEE_OTHER | StatusCode::FOUND if resp.location().starts_with("/login") => {
            "L".to_owned()
        }
        StatusCode::SEE_OTHER | StatusCode::FOUND => "R".to_owned(),
        StatusCode::UNAUTHORIZED => "U".to_owned(),
        StatusCode::FORBIDDEN => "F".to_owned(),
        StatusCode::NOT_FOUND => "N".to_owned(),
        s => s.as_u16().to_string(),
    }
}

/// The cell's complaint, if the answer is not the expected one.
fn mismatch(method: &str, route: &str, caller: usize, want: &str, got: &str) -> Option<String> {
    let fine = if want == "ok" {
        let_through(got)
    } else {
        want == got
    };
    (!fine).then(|| {
        format!(
            "{method} {route} as {}: expected {want}, got {got}",
            CALLERS[caller]
        )
    })
}

fn let_through(answer: &str) -> bool {
    !matches!(answer, "L" | "F" | "N" | "U") && !answer.starts_with('5')
}

struct Caller {
    client: Client,
    bearer: Option<String>,
}

impl Caller {
    async fn request(&mut self, method: &str, path: &str) -> String {
        let auth: Vec<(&str, &str)> = self
            .bearer
            .as_deref()
            .map(|b| vec![("authorization", b)])
            .unwrap_or_default();
        if path == "/department/live" {
            let (status, _stream) = self.client.open_stream(path).await;
            return match status {
                StatusCode::OK => "S".to_owned(),
                StatusCode::SEE_OTHER => "L".to_owned(),
                s => answer_of(&Resp {
                    status: s,
                    headers: Default::default(),
                    body: String::new(),
                }),
            };
        }
        let resp = if method == "POST" {
            if self.bearer.is_some() {
                self.client.post_raw(path, &[], &auth).await
            } else {
                self.client.post(path, &[]).await
            }
        } else {
            let mut headers = auth.clone();
            headers.push(("sec-fetch-site", "same-origin"));
            self.client.get_with(path, &headers).await
        };
        assert!(
            !resp.status.is_server_error(),
            "{method} {path}: {} {}",
            resp.status,
            resp.body
        );
        answer_of(&resp)
    }
}

#[tokio::test]
async fn every_route_answers_every_caller_as_the_matrix_says() {
    let app = TestApp::new().await;
    let mut ids = ids_of(&app).await;
    let (token_x_id, token_x) = insert_token(&app, app.fixture.department_x).await;
    let (_, token_y) = insert_token(&app, app.fixture.department_y).await;
    ids.token_x = token_x_id;

    let (disabled, disabled_id) = extra_officer(&app, "officer.disabled").await;
    let (expired, expired_id) = extra_officer(&app, "officer.expired").await;
    sqlx::query("update app_user set disabled_at = now() where user_id = $1")
        .bind(disabled_id)
        .execute(&app.db)
        .await
        .unwrap();
    sqlx::query(
        "update session set last_seen_at = last_seen_at - interval '2 hours' where user_id = $1",
    )
    .bind(expired_id)
    .execute(&app.db)
    .await
    .unwrap();
    let (chief_b, _) = extra_user(&app, "chief.b", "chief", app.fixture.station_b).await;
    let signed_in = async |name: &str| Caller {
        client: app.login(name).await,
        bearer: None,
    };
    let mut callers = vec![
        Caller {
            client: app.client(),
            bearer: None,
        },
        signed_in("officer.a").await,
        signed_in("chief.a").await,
        signed_in("officer.b").await,
        signed_in("dept.x").await,
        signed_in("dept.y").await,
        signed_in("admin").await,
        Caller {
            client: disabled,
            bearer: None,
        },
        Caller {
            client: expired,
            bearer: None,
        },
        Caller {
            client: app.client(),
            bearer: Some(format!("Bearer {token_x}")),
        },
        Caller {
            client: app.client(),
            bearer: Some(format!("Bearer {token_y}")),
        },
        Caller {
            client: chief_b,
            bearer: None,
        },
    ];

    let mut wrong: Vec<String> = Vec::new();
    let rows: Vec<(&str, &str, Vec<&str>)> = MATRIX
        .iter()
        .map(|(m, r, a)| (*m, *r, a.split_whitespace().collect()))
        .collect();

    // 1. Every GET, by every caller: the denied ones change nothing (the
    //    audit trail aside: allowed exports are audited).
    let before = fingerprint(&app, false).await;
    for (method, route, answers) in &rows {
        if *method == "POST" {
            continue;
        }
        let path = concrete(route, &ids, &app);
        for (i, caller) in callers.iter_mut().enumerate() {
            let got = caller.request("GET", &path).await;
            wrong.extend(mismatch(method, route, i, answers[i], &got));
        }
    }
    let after = fingerprint(&app, false).await;
    if after != before {
        wrong.push(format!("GETs changed: {:?}", changed(&before, &after)));
    }

    // 2. Every POST a caller may not make: refused, and nothing changes,
    //    not even the audit trail. (Logging out is left for the end.)
    let before = fingerprint(&app, true).await;
    for (method, route, answers) in &rows {
        if *method != "POST" || *route == "/logout" {
            continue;
        }
        let path = concrete(route, &ids, &app);
        for (i, caller) in callers.iter_mut().enumerate() {
            if answers[i] == "ok" {
                continue;
            }
            let got = caller.request("POST", &path).await;
            wrong.extend(mismatch(method, route, i, answers[i], &got));
        }
    }
    let after = fingerprint(&app, true).await;
    if after != before {
        wrong.push(format!(
            "refused POSTs changed: {:?}",
            changed(&before, &after)
        ));
    }

    // 3. Every POST a caller may make gets past the checks (an empty form:
    //    mostly refused as invalid). The ones that would spoil the rest go last.
    //    Deleting comes after the rest, and logging out last of all.
    let order = |route: &str| {
        LAST.iter()
            .position(|l| *l == route)
            .map_or(usize::from(route.ends_with("/delete")), |p| p + 2)
    };
    let mut allowed: Vec<(usize, &str, usize, &str)> = Vec::new();
    for (method, route, answers) in &rows {
        for (i, answer) in answers.iter().enumerate() {
            if *method == "POST" && (*answer == "ok" || *route == "/logout") {
                allowed.push((order(route), route, i, answer));
            }
        }
    }
    allowed.sort_by_key(|(o, _, _, _)| *o);
    for (_, route, i, want) in allowed {
        let path = concrete(route, &ids, &app);
        let got = callers[i].request("POST", &path).await;
        wrong.extend(mismatch("POST", route, i, want, &got));
    }
    assert!(
        wrong.is_empty(),
        "{} cells differ:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
