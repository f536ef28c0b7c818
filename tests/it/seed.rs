//! The bulk generator (`sanse seed`): a plausible, consistent register and
//! history, written only into an empty database.

use chrono::NaiveDate;
use sanse::credit_code::CreditCode;
use sanse::scoring::Quarter;
use sanse_demo::seed::{self, SeedOptions};

use crate::harness::SEEDING;
use sqlx::PgPool;

use crate::harness::{Fixture, TestApp, fresh_database};

async fn count(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
        .fetch_one(pool)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

fn options() -> SeedOptions {
    SeedOptions {
        stations: 2,
        enterprises: 300,
        months: 3,
        today: NaiveDate::from_ymd_opt(2026, 5, 17).unwrap(),
        seed: 42,
    }
}

/// A year, so that whole quarters are evaluated and published.
fn published_options() -> SeedOptions {
    SeedOptions {
        stations: 2,
        enterprises: 200,
        months: 12,
        ..options()
    }
}

/// The complete quarters of the year up to 2026-05-17 (it starts on
/// 2025-05-18: the second quarter of 2025 is not whole).
const PUBLISHED: [&str; 3] = ["2025-Q3", "2025-Q4", "2026-Q1"];

async fn seeded(opts: SeedOptions) -> (PgPool, seed::SeedReport, String) {
    let (options_db, db_name) = fresh_database().await;
    let pool = PgPool::connect_with(options_db).await.unwrap();
    let report = seed::seed(&pool, opts, &SEEDING).await.unwrap();
    (pool, report, db_name)
}

/// Every foreign key and every index of the database, as its definition.
async fn keys_and_indexes(pool: &PgPool) -> Vec<String> {
    sqlx::query_scalar(
        "select conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid)
         from pg_constraint where contype = 'f'
         union all
         select indexdef from pg_indexes where schemaname = 'public'
         order by 1",
    )
    .fetch_all(pool)
    .await
    .unwrap()
}

/// Records whose station differs from their enterprise's, per table.
const SAME_STATION: &[&str] = &["visit", "hazard", "dispute", "incident", "demand"];

#[tokio::test]
async fn seeds_a_consistent_history_and_only_into_an_empty_database() {
    let (options_db, _) = fresh_database().await;
    let pool = PgPool::connect_with(options_db).await.unwrap();
    let keys_before = keys_and_indexes(&pool).await;
    let report = seed::seed(&pool, options(), &SEEDING).await.unwrap();
    eprintln!("{report}");

    // The foreign keys and the search index dropped for the load are all
    // back, unchanged.
    assert!(keys_before.len() > 30, "{keys_before:?}");
    assert_eq!(keys_and_indexes(&pool).await, keys_before);
    assert!(
        keys_before
            .iter()
            .any(|k| k.contains("enterprise_search_idx"))
    );
    let found = count(
        &pool,
        "select count(*) from enterprise
         where search_grams(name || ' ' || credit_code || ' ' || address) @> search_query_grams('有限')",
    )
    .await;
    assert!(
        found > 0,
        "the rebuilt search index finds seeded enterprises"
    );

    // The report tells the truth, table by table.
    for (table, n) in &report.rows {
        let actual = count(&pool, &format!("select count(*) from {table}")).await;
        assert_eq!(actual, *n as i64, "{table}");
    }
    assert_eq!(report.count("branch"), 1);
    assert_eq!(report.count("station"), 2);
    // A chief and the minimum of three officers per station of 150, and
    // one user per partner department.
    assert_eq!(report.count("app_user"), 8 + 5);
    assert_eq!(report.count("department"), 5);
    assert_eq!(report.count("subscription"), 5);
    // Three months from 2026-02-18: no whole quarter, nothing published.
    assert!(report.quarters.is_empty(), "{:?}", report.quarters);
    assert_eq!(report.count("evaluation"), 0);
    assert_eq!(report.count("push"), 0);
    assert_eq!(report.count("enterprise"), 300);
    assert!(report.total_rows() > 3_000, "{report}");
    assert_eq!(
        count(
            &pool,
            "select count(*) from station where code in ('s001', 's002')"
        )
        .await,
        2
    );
    assert_eq!(
        count(
            &pool,
            "select count(*) from enterprise group by station_id order by 1 limit 1"
        )
        .await,
        150
    );

    // Plausible amounts for 300 enterprises and three months.
    let inspections = count(
        &pool,
        "select count(*) from visit where kind = 'inspection'",
    )
    .await;
    let visits = report.count("visit") as i64;
    assert!((150..=400).contains(&inspections), "{inspections}");
    assert!(
        (inspections + 150..=inspections + 800).contains(&visits),
        "{visits}"
    );
    assert_eq!(report.count("visit_check") as i64, inspections * 10);
    assert_eq!(
        count(
            &pool,
            "select count(*) from visit v
             where kind = 'inspection'
               and (select count(*) from visit_check c where c.visit_id = v.visit_id) <> 10"
        )
        .await,
        0
    );
    let hazards = report.count("hazard");
    assert!((10..=250).contains(&hazards), "{hazards} hazards");
    for table in [
        "incident",
        "dispute",
        "demand",
        "training",
        "training_enterprise",
    ] {
        let n = report.count(table);
        assert!((1..=300).contains(&n), "{n} rows in {table}");
    }
    assert!(report.count("dispute_event") >= report.count("dispute"));
    assert!(report.count("visit_officer") >= report.count("visit"));

    // Every credit code parses, and they are all distinct.
    let codes: Vec<String> = sqlx::query_scalar("select credit_code from enterprise")
        .fetch_all(&pool)
        .await
        .unwrap();
    for code in &codes {
        let parsed = CreditCode::parse(code).unwrap_or_else(|e| panic!("{code}: {e:?}"));
        assert_eq!(parsed.as_str(), code);
    }
    let distinct: std::collections::HashSet<&String> = codes.iter().collect();
    assert_eq!(distinct.len(), 300);

    // Ownership: liaisons are officers of the enterprise's station; records
    // belong to their enterprise's station; whoever recorded them works there.
    assert_eq!(
        count(
            &pool,
            "select count(*) from enterprise e left join app_user u on u.user_id = e.liaison_officer_id
             where u.user_id is null or u.role <> 'officer' or u.station_id <> e.station_id"
        )
        .await,
        0
    );
    for table in SAME_STATION {
        let crossed = count(
            &pool,
            &format!(
                "select count(*) from {table} x
                 join enterprise e on e.enterprise_id = x.enterprise_id
                 join app_user u on u.user_id = x.created_by
                 where x.station_id <> e.station_id or u.station_id <> x.station_id"
            ),
        )
        .await;
        assert_eq!(crossed, 0, "{table}");
    }
    assert_eq!(
        count(
            &pool,
            "select count(*) from visit_officer o
             join visit v using (visit_id) join app_user u on u.user_id = o.user_id
             where u.station_id <> v.station_id"
        )
        .await,
        0
    );
    assert_eq!(
        count(
            &pool,
            "select count(*) from training_enterprise te
             join training t using (training_id) join enterprise e using (enterprise_id)
             where e.station_id <> t.station_id or e.status <> 'active'"
        )
        .await,
        0
    );
    assert_eq!(
        count(
            &pool,
            "select count(*) from visit v join enterprise e using (enterprise_id)
             where v.liaison_contact <> exists(select 1 from visit_officer o
                                               where o.visit_id = v.visit_id
                                                 and o.user_id = e.liaison_officer_id)"
        )
        .await,
        0
    );

    // Dates stay in the window; nothing open at a closed enterprise; the
    // last status change of every dispute is its status.
    assert_eq!(
        count(
            &pool,
            "select count(*) from (
                 select visited_on as d from visit union all select found_on from hazard
                 union all select rectified_on from hazard where rectified_on is not null
                 union all select occurred_on from incident union all select reported_on from dispute
                 union all select received_on from demand union all select held_on from training
                 union all select responded_on from demand where responded_on is not null
             ) x where d < date '2026-02-18' or d > date '2026-05-17'"
        )
        .await,
        0
    );
    assert_eq!(
        count(
            &pool,
            "select count(*) from hazard h join enterprise e using (enterprise_id)
             where h.rectified_on is null and e.status = 'closed'"
        )
        .await,
        0
    );
    assert_eq!(
        count(
            &pool,
            "select count(*) from dispute d
             where d.status <> (select ev.to_status from dispute_event ev
                                where ev.dispute_id = d.dispute_id
                                order by ev.at desc, ev.dispute_event_id desc limit 1)"
        )
        .await,
        0
    );

    // The identity sequences were moved past the loaded ids.
    for (table, column) in [
        ("enterprise", "enterprise_id"),
        ("visit", "visit_id"),
        ("hazard", "hazard_id"),
        ("dispute_event", "dispute_event_id"),
        ("training", "training_id"),
    ] {
        let behind = count(
            &pool,
            &format!(
                "select count(*) from {table}
                 where {column} >= (select nextval(pg_get_serial_sequence('{table}', '{column}')))"
            ),
        )
        .await;
        assert_eq!(behind, 0, "{table}");
    }

    // The accounts log in with the documented password.
    let hash: String =
        sqlx::query_scalar("select password_hash from app_user where username = 's001.chief'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(sanse::auth::password::verify_blocking(
        seed::PASSWORD,
        Some(&hash)
    ));

    // The quarterly evaluation runs on the seeded data.
    let station_id: i64 = sqlx::query_scalar("select station_id from station where code = 's001'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let active = count(
        &pool,
        &format!(
            "select count(*) from enterprise where station_id = {station_id} and status = 'active'"
        ),
    )
    .await;
    let summary = sanse::evaluations::service::run(
        &pool,
        crate::harness::scope(station_id),
        Quarter::parse("2026-Q1").unwrap(),
        None,
        chrono::Utc::now(),
        options().today,
    )
    .await
    .unwrap();
    assert_eq!(summary.assessed as i64, active);

    // A second run is refused and changes nothing.
    let before = count(&pool, "select count(*) from visit").await;
    let err = seed::seed(&pool, options(), &SEEDING)
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("already holds data"), "{err}");
    assert!(err.contains("2 stations"), "{err}");
    assert_eq!(count(&pool, "select count(*) from visit").await, before);
    assert_eq!(count(&pool, "select count(*) from station").await, 2);
}

#[tokio::test]
async fn the_same_options_give_the_same_data() {
    let (a, report_a, _) = seeded(published_options()).await;
    let (b, report_b, _) = seeded(published_options()).await;
    assert_eq!(report_a.rows, report_b.rows);
    assert!(report_a.count("push_item") > 0, "{report_a}");
    // One text per table: every row, in id order (null fields show as
    // empty between the separators).
    let all = |table: &str, columns: &str, order: &str| {
        format!("select string_agg(concat_ws('|', {columns}), ',' order by {order}) from {table}")
    };
    let register = all(
        "enterprise",
        "enterprise_id, name, credit_code, liaison_officer_id, current_level, ''",
        "enterprise_id",
    );
    let visits = all(
        "visit",
        "visit_id, enterprise_id, kind, visited_on",
        "visit_id",
    );
    let users = all(
        "app_user",
        "user_id, username, role, station_id, department_id, ''",
        "user_id",
    );
    let subscriptions = all(
        "subscription",
        "subscription_id, department_id, station_id, levels, industries",
        "subscription_id",
    );
    let evaluations = all(
        "evaluation",
        "evaluation_id, station_id, quarter, status, run_at, run_by, published_at, published_by",
        "evaluation_id",
    );
    let assessments = all(
        "assessment",
        "assessment_id, evaluation_id, enterprise_id, total, final_level, previous_level, movement, reasons",
        "assessment_id",
    );
    let reinspections = all(
        "reinspection",
        "reinspection_id, evaluation_id, enterprise_id, assigned_to, due_on, failed_items",
        "reinspection_id",
    );
    let pushes = all(
        "push",
        "push_id, department_id, station_id, evaluation_id, quarter, created_at, red, yellow, green, \
         added, changed, removed, previous_push_id",
        "push_id",
    );
    let push_items = all(
        "push_item",
        "push_id, enterprise_id, level, previous_level, total",
        "push_id, enterprise_id",
    );
    for sql in [
        &register,
        &visits,
        &users,
        &subscriptions,
        &evaluations,
        &assessments,
        &reinspections,
        &pushes,
        &push_items,
    ] {
        let x: Option<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql.clone()))
            .fetch_one(&a)
            .await
            .unwrap();
        let y: Option<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql.clone()))
            .fetch_one(&b)
            .await
            .unwrap();
        assert!(x.is_some(), "{sql} is empty");
        assert!(x == y, "{sql} differs");
    }

    // Another seed, another history, and other levels.
    let (c, _, _) = seeded(SeedOptions {
        seed: 43,
        ..published_options()
    })
    .await;
    for sql in [&visits, &assessments] {
        let x: String = sqlx::query_scalar(sqlx::AssertSqlSafe(sql.clone()))
            .fetch_one(&a)
            .await
            .unwrap();
        let z: String = sqlx::query_scalar(sqlx::AssertSqlSafe(sql.clone()))
            .fetch_one(&c)
            .await
            .unwrap();
        assert_ne!(x, z, "{sql}");
    }
}

/// (user name, department code) of the department users the seed creates.
const DEPARTMENT_USERS: [(&str, &str); 5] = [
    ("dept.emergency", "emergency-management"),
    ("dept.fire", "fire-rescue"),
    ("dept.judicial", "judicial"),
    ("dept.market", "market-regulation"),
    ("dept.street", "street-office"),
];

#[tokio::test]
async fn departments_subscribe_and_every_complete_quarter_is_published() {
    let (options_db, db_name) = fresh_database().await;
    let pool = PgPool::connect_with(options_db).await.unwrap();
    let mut progress = Vec::new();
    let report = seed::seed_with_progress(&pool, published_options(), &SEEDING, |line| {
        progress.push(line.to_owned())
    })
    .await
    .unwrap();
    eprintln!("{}\n{report}", progress.join("\n"));

    // The report tells the truth, the evaluation tables included.
    for (table, n) in &report.rows {
        let actual = count(&pool, &format!("select count(*) from {table}")).await;
        assert_eq!(actual, *n as i64, "{table}");
    }
    let quarters: Vec<String> = report.quarters.iter().map(ToString::to_string).collect();
    assert_eq!(quarters, PUBLISHED);
    assert_eq!(report.count("department"), 5);
    assert_eq!(report.count("subscription"), 5);
    assert_eq!(report.count("app_user"), 2 * 4 + 5);
    assert_eq!(report.count("evaluation"), 2 * 3);
    // Five departments receive s001's quarters, four s002's.
    assert_eq!(report.count("push"), 3 * (5 + 4));
    assert!(report.count("assessment") > 300, "{report}");
    let shown = report.to_string();
    for table in [
        "evaluation",
        "assessment",
        "reinspection",
        "push",
        "push_item",
    ] {
        assert!(shown.contains(&format!("  {table} ")), "{shown}");
    }
    assert!(
        shown.contains("6 evaluations (3 quarters × 2 stations)"),
        "{shown}"
    );
    assert!(
        shown
            .lines()
            .last()
            .unwrap()
            .trim_start()
            .starts_with("total")
    );
    // Progress: the load, the plan, then each quarter as it is published.
    assert_eq!(progress.len(), 2 + 3, "{progress:?}");
    assert!(progress[0].starts_with("loaded "), "{progress:?}");
    assert!(progress[1].contains("3 quarters (2025-Q3 to 2026-Q1) × 2 stations"));
    for (line, quarter) in progress[2..].iter().zip(PUBLISHED) {
        assert!(line.starts_with(quarter), "{line}");
        assert!(line.contains(" pushes)"), "{line}");
    }

    // The departments and their users, who sign in with the seed password.
    let departments: Vec<String> = sqlx::query_scalar("select code from department order by code")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(
        departments,
        [
            "emergency-management",
            "fire-rescue",
            "judicial",
            "market-regulation",
            "street-office"
        ]
    );
    let users: Vec<(String, String, Option<i64>, String)> = sqlx::query_as(
        "select u.username, d.code, u.station_id, u.password_hash
         from app_user u join department d using (department_id)
         where u.role = 'department' order by u.username",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(users.len(), 5);
    for ((username, code, station, hash), (want_user, want_code)) in
        users.iter().zip(DEPARTMENT_USERS)
    {
        assert_eq!((username.as_str(), code.as_str()), (want_user, want_code));
        assert_eq!(*station, None);
        assert!(sanse::auth::password::verify_blocking(
            seed::PASSWORD,
            Some(hash)
        ));
        assert!(!sanse::auth::password::verify_blocking("wrong", Some(hash)));
    }

    // The demo's subscriptions: the street office hears of s001 only.
    let subscriptions: Vec<(String, Option<String>, String)> = sqlx::query_as(
        "select d.code, s.code, x.levels::text
         from subscription x join department d using (department_id)
         left join station s on s.station_id = x.station_id
         order by d.code",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        subscriptions,
        [
            ("emergency-management", None, "{red}"),
            ("fire-rescue", None, "{red,yellow}"),
            ("judicial", None, "{red}"),
            ("market-regulation", None, "{red,yellow}"),
            ("street-office", Some("s001"), "{red,yellow,green}"),
        ]
        .map(|(d, s, l)| (d.to_owned(), s.map(str::to_owned), l.to_owned()))
    );

    // Every complete quarter, for every station, published by its chief two
    // weeks after the quarter's end, each assessing the station's active
    // enterprises.
    let evaluations: Vec<(String, String, String, String, String)> = sqlx::query_as(
        "select s.code, e.quarter, e.status::text, u.username,
                to_char(e.published_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI')
         from evaluation e join station s using (station_id)
         join app_user u on u.user_id = e.published_by
         order by s.code, e.quarter",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let mut expected = Vec::new();
    for station in ["s001", "s002"] {
        for quarter in PUBLISHED {
            let on = Quarter::parse(quarter).unwrap().end() + chrono::Duration::days(14);
            expected.push((
                station.to_owned(),
                quarter.to_owned(),
                "published".to_owned(),
                format!("{station}.chief"),
                format!("{on} 10:00"),
            ));
        }
    }
    assert_eq!(evaluations, expected);
    assert_eq!(
        count(
            &pool,
            "select count(*) from evaluation e
             where (select count(*) from assessment a where a.evaluation_id = e.evaluation_id)
                <> (select count(*) from enterprise x
                    where x.station_id = e.station_id and x.status = 'active')"
        )
        .await,
        0
    );
    assert_eq!(
        count(&pool, "select count(*) from evaluation_revision").await,
        6
    );

    // Oldest first: each quarter starts from the one before it, and the
    // enterprises carry the latest quarter's levels.
    assert_eq!(
        count(
            &pool,
            "select count(*) from assessment a join evaluation e using (evaluation_id)
             where e.quarter = '2025-Q3' and a.previous_level is not null"
        )
        .await,
        0
    );
    assert_eq!(
        count(
            &pool,
            "select count(*) from assessment a join evaluation e using (evaluation_id)
             join evaluation pe on pe.station_id = e.station_id
                               and pe.quarter = case e.quarter when '2025-Q4' then '2025-Q3'
                                                               else '2025-Q4' end
             left join assessment pa on pa.evaluation_id = pe.evaluation_id
                                    and pa.enterprise_id = a.enterprise_id
             where e.quarter in ('2025-Q4', '2026-Q1')
               and a.previous_level is distinct from pa.final_level"
        )
        .await,
        0
    );
    let rated_before = count(
        &pool,
        "select count(*) from assessment a join evaluation e using (evaluation_id)
         where e.quarter = '2026-Q1' and a.previous_level is not null",
    )
    .await;
    assert!(rated_before > 100, "{rated_before}");
    assert_eq!(
        count(
            &pool,
            "select count(*) from enterprise x
             join assessment a on a.enterprise_id = x.enterprise_id
             join evaluation e on e.evaluation_id = a.evaluation_id and e.quarter = '2026-Q1'
             where x.current_level is distinct from a.final_level"
        )
        .await,
        0
    );
    for level in ["red", "yellow", "green"] {
        let n = count(
            &pool,
            &format!("select count(*) from assessment where final_level = '{level}'"),
        )
        .await;
        assert!(n > 0, "no {level} assessment");
    }

    // A re-inspection for every enterprise that ended red or moved down.
    assert_eq!(
        report.count("reinspection") as i64,
        count(
            &pool,
            "select count(*) from assessment where final_level = 'red' or movement = 'down'"
        )
        .await
    );
    assert!(report.count("reinspection") > 0, "{report}");

    // The pushes: one per quarter for every department subscribed to the
    // station, never the street office from s002, each after the previous.
    let pushed: Vec<(String, String, String)> = sqlx::query_as(
        "select s.code, d.code, string_agg(p.quarter, ',' order by p.quarter)
         from push p join station s using (station_id) join department d using (department_id)
         group by 1, 2 order by 1, 2",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let mut expected = Vec::new();
    for station in ["s001", "s002"] {
        for (_, department) in DEPARTMENT_USERS {
            if department != "street-office" || station == "s001" {
                expected.push((
                    station.to_owned(),
                    department.to_owned(),
                    PUBLISHED.join(","),
                ));
            }
        }
    }
    expected.sort();
    assert_eq!(pushed, expected);
    assert_eq!(
        count(
            &pool,
            "select count(*) from push p join department d using (department_id)
             join station s using (station_id)
             where d.code = 'street-office' and s.code <> 's001'"
        )
        .await,
        0
    );
    assert_eq!(
        count(
            &pool,
            "select count(*) from push p
             where (p.quarter = '2025-Q3') <> (p.previous_push_id is null)
                or p.evaluation_id <> (select evaluation_id from evaluation e
                                       where e.station_id = p.station_id and e.quarter = p.quarter)"
        )
        .await,
        0
    );

    // What the dashboards show adds up: each push's counts are its items,
    // its items are what its subscription selects from the evaluation.
    assert_eq!(
        count(
            &pool,
            "select count(*) from push p
             cross join lateral (
                 select count(*) filter (where i.level = 'red') as red,
                        count(*) filter (where i.level = 'yellow') as yellow,
                        count(*) filter (where i.level = 'green') as green
                 from push_item i where i.push_id = p.push_id) i
             where (p.red, p.yellow, p.green) <> (i.red, i.yellow, i.green)"
        )
        .await,
        0
    );
    assert_eq!(
        count(
            &pool,
            "select count(*) from push p join department d using (department_id)
             join subscription x using (department_id)
             where p.red + p.yellow + p.green <>
                   (select count(*) from assessment a join enterprise e using (enterprise_id)
                    where a.evaluation_id = p.evaluation_id and a.final_level = any(x.levels)
                      and (cardinality(x.industries) = 0 or e.industry_code = any(x.industries)))"
        )
        .await,
        0
    );
    assert_eq!(
        count(
            &pool,
            "select count(*) from push_item i join push p using (push_id)
             join assessment a on a.evaluation_id = p.evaluation_id
                              and a.enterprise_id = i.enterprise_id
             where i.level <> a.final_level or i.total <> a.total"
        )
        .await,
        0
    );
    assert_eq!(
        count(&pool, "select count(*) from webhook_delivery").await,
        0
    );

    // Each department user signs in and sees the latest quarter; its CSV
    // lists exactly the push's enterprises.
    let app = TestApp::from_pool(
        pool.clone(),
        sanse::config::Config::default(),
        Fixture::empty(),
        db_name,
    );
    for (username, department) in DEPARTMENT_USERS {
        let mut client = app.client();
        let login = client.login(username, seed::PASSWORD).await;
        assert_eq!(
            login.status,
            axum::http::StatusCode::SEE_OTHER,
            "{username}"
        );
        assert_eq!(login.location(), "/department", "{username}");
        let page = client.get("/department").await;
        assert_eq!(page.status, axum::http::StatusCode::OK, "{username}");
        assert!(page.body.contains("2026-Q1"), "{username}");
        let latest: Vec<(i64, i32)> = sqlx::query_as(
            "select p.push_id, p.red + p.yellow + p.green
             from push p join department d using (department_id)
             where d.code = $1 and p.quarter = '2026-Q1' order by p.push_id",
        )
        .bind(department)
        .fetch_all(&pool)
        .await
        .unwrap();
        assert_eq!(
            latest.len(),
            if department == "street-office" { 1 } else { 2 }
        );
        for (push_id, items) in latest {
            let csv = client
                .get(&format!("/department/pushes/{push_id}/export.csv"))
                .await;
            assert_eq!(csv.status, axum::http::StatusCode::OK, "{username}");
            assert_eq!(
                csv.body.lines().count() as i32,
                items + 1,
                "{username}: {}",
                csv.body
            );
        }
    }
}
