//! The bulk generator (`sanse seed`): a plausible, consistent register and
//! history, written only into an empty database.

use chrono::NaiveDate;
use sanse::credit_code::CreditCode;
use sanse::scoring::Quarter;
use sanse::seed::{self, SeedOptions};
use sqlx::PgPool;

use crate::harness::fresh_database;

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

async fn seeded() -> (PgPool, seed::SeedReport) {
    let (options_db, _) = fresh_database().await;
    let pool = PgPool::connect_with(options_db).await.unwrap();
    let report = seed::seed(&pool, options()).await.unwrap();
    (pool, report)
}

/// Every foreign key of the database, as its definition.
async fn foreign_keys(pool: &PgPool) -> Vec<String> {
    sqlx::query_scalar(
        "select conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid)
         from pg_constraint where contype = 'f' order by 1",
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
    let keys_before = foreign_keys(&pool).await;
    let report = seed::seed(&pool, options()).await.unwrap();
    eprintln!("{report}");

    // The foreign keys dropped for the load are all back, unchanged.
    assert!(keys_before.len() > 30, "{keys_before:?}");
    assert_eq!(foreign_keys(&pool).await, keys_before);

    // The report tells the truth, table by table.
    for (table, n) in &report.rows {
        let actual = count(&pool, &format!("select count(*) from {table}")).await;
        assert_eq!(actual, *n as i64, "{table}");
    }
    assert_eq!(report.count("branch"), 1);
    assert_eq!(report.count("station"), 2);
    // A chief and the minimum of three officers per station of 150.
    assert_eq!(report.count("app_user"), 8);
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
        station_id,
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
    let err = seed::seed(&pool, options()).await.unwrap_err().to_string();
    assert!(err.contains("already holds data"), "{err}");
    assert!(err.contains("2 stations"), "{err}");
    assert_eq!(count(&pool, "select count(*) from visit").await, before);
    assert_eq!(count(&pool, "select count(*) from station").await, 2);
}

#[tokio::test]
async fn the_same_options_give_the_same_data() {
    let (a, report_a) = seeded().await;
    let (b, report_b) = seeded().await;
    assert_eq!(report_a.rows, report_b.rows);
    let register =
        "select string_agg(name || credit_code || liaison_officer_id, ',' order by enterprise_id)
                    from enterprise";
    let visits =
        "select string_agg(enterprise_id || kind::text || visited_on, ',' order by visit_id)
                  from visit";
    for sql in [register, visits] {
        let x: String = sqlx::query_scalar(sql).fetch_one(&a).await.unwrap();
        let y: String = sqlx::query_scalar(sql).fetch_one(&b).await.unwrap();
        assert!(x == y, "{sql} differs");
    }

    // Another seed, another history.
    let (options_db, _) = fresh_database().await;
    let c = PgPool::connect_with(options_db).await.unwrap();
    seed::seed(
        &c,
        SeedOptions {
            seed: 43,
            ..options()
        },
    )
    .await
    .unwrap();
    let x: String = sqlx::query_scalar(visits).fetch_one(&a).await.unwrap();
    let z: String = sqlx::query_scalar(visits).fetch_one(&c).await.unwrap();
    assert_ne!(x, z);
}
