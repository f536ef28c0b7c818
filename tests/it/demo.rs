//! The demo data: seeded into an empty database only, and sound.

use sanse::credit_code::CreditCode;
use sanse::demo;
use sqlx::PgPool;

use crate::harness::{TestApp, fresh_database};

async fn count(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
        .fetch_one(pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn seeds_an_empty_database_once() {
    let (options, _) = fresh_database().await;
    let pool = &PgPool::connect_with(options).await.unwrap();
    assert!(
        demo::seed_if_empty(pool).await.unwrap(),
        "seeds an empty database"
    );

    assert_eq!(count(pool, "select count(*) from station").await, 2);
    let codes: Vec<String> = sqlx::query_scalar("select credit_code from enterprise")
        .fetch_all(pool)
        .await
        .unwrap();
    assert!(codes.len() >= 140, "{} enterprises", codes.len());
    for code in &codes {
        assert!(CreditCode::parse(code).is_ok(), "{code}");
    }
    let strays = count(
        pool,
        "select count(*) from enterprise e
         where not exists (select 1 from app_user u
                           where u.user_id = e.liaison_officer_id and u.role = 'officer'
                             and u.station_id = e.station_id)",
    )
    .await;
    assert_eq!(
        strays, 0,
        "every liaison officer is an officer of the same station"
    );
    let roles_without_users = count(
        pool,
        "select count(*) from unnest(enum_range(null::user_role)) as r(role)
         where not exists (select 1 from app_user u where u.role = r.role)",
    )
    .await;
    assert_eq!(roles_without_users, 0, "every role has a user");
    assert_eq!(
        count(pool, "select count(*) from app_user").await,
        demo::ACCOUNTS.len() as i64
    );

    let total = "select (select count(*) from station) + (select count(*) from app_user)
                      + (select count(*) from department) + (select count(*) from enterprise)";
    let before = count(pool, total).await;
    assert!(
        !demo::seed_if_empty(pool).await.unwrap(),
        "a second call seeds nothing"
    );
    assert_eq!(count(pool, total).await, before);
}

#[tokio::test]
async fn a_database_with_data_is_never_seeded() {
    // the harness fixture already holds stations and users
    let app = TestApp::new().await;
    assert!(!demo::seed_if_empty(&app.db).await.unwrap());
    assert_eq!(count(&app.db, "select count(*) from enterprise").await, 0);
}

#[tokio::test]
async fn every_demo_account_logs_in_to_its_home_page() {
    let (options, db_name) = fresh_database().await;
    let pool = PgPool::connect_with(options).await.unwrap();
    demo::seed_if_empty(&pool).await.unwrap();
    let fixture = crate::harness::Fixture::empty();
    let app = TestApp::from_pool(pool, sanse::config::Config::default(), fixture, db_name);
    for account in demo::ACCOUNTS {
        let mut client = app.client();
        let resp = client.login(account.username, account.password).await;
        assert_eq!(
            resp.status,
            axum::http::StatusCode::SEE_OTHER,
            "{}",
            account.username
        );
        let home = format!("/{}", account.role);
        assert_eq!(resp.location(), home, "{}", account.username);
        let page = client.get(&home).await;
        assert_eq!(
            page.status,
            axum::http::StatusCode::OK,
            "{}",
            account.username
        );
        assert!(
            page.body.contains(account.display_name),
            "{}",
            account.username
        );
    }
    // an officer sees the enterprises they are liaison for
    let mut officer = app.client();
    officer.login("jn.officer1", demo::PASSWORD).await;
    let page = officer.get("/officer").await;
    assert!(page.body.contains("有限公司"), "liaison enterprises listed");
}
