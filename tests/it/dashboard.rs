//! The station dashboard (the chief's home) and the enterprise page's level
//! timeline: server-drawn SVG charts whose numbers equal the records.

use axum::http::StatusCode;
use chrono::{Datelike, Months, NaiveDate};
use sanse::scoring::Quarter;
use sqlx::PgPool;

use crate::harness::{Client, Resp, TestApp, fresh_database, insert_enterprise, inspect};

fn month_start(day: NaiveDate, back: u32) -> NaiveDate {
    day.with_day(1)
        .unwrap()
        .checked_sub_months(Months::new(back))
        .unwrap()
}

/// The mark titles (`<title>` of each `class="mark"` element) of the chart
/// with `id`.
fn mark_titles(page: &Resp, id: &str) -> Vec<String> {
    let at = page
        .body
        .find(&format!("<figure class=\"chart\" id=\"{id}\""))
        .unwrap_or_else(|| panic!("chart {id} on the page"));
    let rest = &page.body[at..];
    let svg = &rest[..rest.find("</svg>").unwrap_or(0)];
    svg.split("class=\"mark\"")
        .skip(1)
        .map(|m| {
            let start = m.find("<title>").unwrap() + 7;
            let end = m[start..].find("</title>").unwrap() + start;
            m[start..end].to_owned()
        })
        .collect()
}

async fn scalar(db: &PgPool, sql: &str, station: i64, a: NaiveDate, b: NaiveDate) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
        .bind(station)
        .bind(a)
        .bind(b)
        .fetch_one(db)
        .await
        .unwrap()
}

async fn station_count(db: &PgPool, sql: &str, station: i64) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
        .bind(station)
        .fetch_one(db)
        .await
        .unwrap()
}

async fn visit(app: &TestApp, station: i64, enterprise: i64, on: NaiveDate, officers: &[i64]) {
    let id: i64 = sqlx::query_scalar(
        "insert into visit (station_id, enterprise_id, visited_on, kind, created_by)
         values ($1, $2, $3, 'routine', $4) returning visit_id",
    )
    .bind(station)
    .bind(enterprise)
    .bind(on)
    .bind(officers[0])
    .fetch_one(&app.db)
    .await
    .unwrap();
    for &o in officers {
        sqlx::query("insert into visit_officer (visit_id, user_id) values ($1, $2)")
            .bind(id)
            .bind(o)
            .execute(&app.db)
            .await
            .unwrap();
    }
}

async fn exec(app: &TestApp, sql: &str, station: i64, enterprise: i64, on: NaiveDate, by: i64) {
    sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
        .bind(station)
        .bind(enterprise)
        .bind(on)
        .bind(by)
        .execute(&app.db)
        .await
        .unwrap();
}

const HAZARD: &str = "insert into hazard (station_id, enterprise_id, found_on, severity, description, deadline, created_by)
                      values ($1, $2, $3, 'general', '通道堵塞', $3 + 10, $4)";
const DISPUTE: &str = "insert into dispute (station_id, enterprise_id, reported_on, parties, kind, people_involved, created_by)
                       values ($1, $2, $3, '员工与公司', 'wages', 3, $4)";
const INCIDENT: &str = "insert into incident (station_id, enterprise_id, occurred_on, category, severity, summary, created_by)
                        values ($1, $2, $3, 'theft', 'minor', '仓库失窃', $4)";
const DEMAND: &str = "insert into demand (station_id, enterprise_id, received_on, kind, content, assignee_id, due_on, created_by)
                      values ($1, $2, $3, 'difficulty', '希望加强夜间巡逻', $4, $3 + 15, $4)";

/// Publish `quarter` for `station` as the demo does: two weeks after its end.
async fn publish(app: &TestApp, station: i64, quarter: Quarter) {
    let on = quarter.end() + chrono::Duration::days(14);
    let at = on.and_hms_opt(10, 0, 0).unwrap().and_utc();
    let chief = sanse::ids::UserId(app.fixture.chief_a);
    sanse::evaluations::service::run(
        &app.db,
        crate::harness::scope(station),
        quarter,
        Some(chief),
        at,
        on,
    )
    .await
    .unwrap();
    sanse::evaluations::service::publish(
        &app.db,
        crate::harness::scope(station),
        quarter,
        chief,
        at,
        on,
    )
    .await
    .unwrap();
}

struct Scene {
    today: NaiveDate,
    /// Two and three quarters back: both published.
    q_old: Quarter,
    q_new: Quarter,
    green: i64,
    falling: i64,
    never: i64,
}

/// Station A: an enterprise green twice, one yellow then red, one never
/// inspected (unrated), one closed; records over the last months and
/// this month. Station B: records of its own this month, and a published
/// quarter, which must never show at station A.
async fn scene(app: &TestApp) -> Scene {
    let f = app.fixture;
    let (a, b) = (f.station_a, f.station_b);
    let today = app.state.clock.today();
    let q_new = Quarter::containing(today).previous().previous();
    let q_old = q_new.previous();

    let green = insert_enterprise(&app.db, a, "常绿企业有限公司", Some(f.officer_a)).await;
    let falling = insert_enterprise(&app.db, a, "下滑企业有限公司", Some(f.officer_a)).await;
    let never = insert_enterprise(&app.db, a, "未检企业有限公司", Some(f.officer_a)).await;
    let closed = insert_enterprise(&app.db, a, "已关闭企业有限公司", None).await;
    sqlx::query("update enterprise set status = 'closed' where enterprise_id = $1")
        .bind(closed)
        .execute(&app.db)
        .await
        .unwrap();
    let other = insert_enterprise(&app.db, b, "乙站企业有限公司", None).await;

    // Inspections: green stays green; the other goes yellow (80) then red (68).
    inspect(
        app,
        a,
        green,
        &(q_old.start() + chrono::Duration::days(20)).to_string(),
        10,
    )
    .await;
    inspect(
        app,
        a,
        falling,
        &(q_old.start() + chrono::Duration::days(21)).to_string(),
        5,
    )
    .await;
    inspect(
        app,
        a,
        green,
        &(q_new.start() + chrono::Duration::days(20)).to_string(),
        10,
    )
    .await;
    inspect(
        app,
        a,
        falling,
        &(q_new.start() + chrono::Duration::days(21)).to_string(),
        2,
    )
    .await;
    inspect(
        app,
        b,
        other,
        &(q_new.start() + chrono::Duration::days(20)).to_string(),
        10,
    )
    .await;
    publish(app, a, q_old).await;
    publish(app, a, q_new).await;
    publish(app, b, q_new).await;

    // This month (on its first day, never after today): three visits of
    // officer A, one with the chief; a hazard, an incident, a demand.
    let this_month = month_start(today, 0);
    visit(app, a, green, this_month, &[f.officer_a]).await;
    visit(app, a, falling, this_month, &[f.officer_a]).await;
    visit(app, a, never, this_month, &[f.officer_a, f.chief_a]).await;
    exec(app, HAZARD, a, green, this_month, f.officer_a).await;
    exec(app, INCIDENT, a, falling, this_month, f.officer_a).await;
    exec(app, DEMAND, a, never, this_month, f.officer_a).await;
    // Earlier months: a visit and a dispute a month back, an overdue hazard
    // and a demand two months back, a resolved dispute awaiting its
    // follow-up three months back, an incident a year back.
    let back = |n| month_start(today, n) + chrono::Duration::days(14);
    visit(app, a, green, back(1), &[f.officer_a]).await;
    exec(app, DISPUTE, a, green, back(1), f.officer_a).await;
    exec(app, HAZARD, a, falling, back(2), f.officer_a).await;
    exec(app, DEMAND, a, falling, back(2), f.officer_a).await;
    exec(app, DISPUTE, a, falling, back(3), f.officer_a).await;
    sqlx::query(
        "update dispute set status = 'resolved', resolved_on = reported_on + 5
         where station_id = $1 and reported_on = $2",
    )
    .bind(a)
    .bind(back(3))
    .execute(&app.db)
    .await
    .unwrap();
    sqlx::query(
        "insert into dispute_follow_up (station_id, dispute_id, assigned_to, due_on)
         select station_id, dispute_id, $2, resolved_on + 30 from dispute
         where station_id = $1 and status = 'resolved'",
    )
    .bind(a)
    .bind(f.officer_a)
    .execute(&app.db)
    .await
    .unwrap();
    exec(app, INCIDENT, a, green, back(12), f.officer_a).await;
    // A deleted visit this month counts nowhere.
    visit(app, a, green, this_month, &[f.officer_a]).await;
    sqlx::query(
        "update visit set deleted_at = now()
         where visit_id = (select max(visit_id) from visit where station_id = $1)",
    )
    .bind(a)
    .execute(&app.db)
    .await
    .unwrap();

    // Station B, this month: more than station A, by its own officer.
    for _ in 0..5 {
        visit(app, b, other, this_month, &[f.officer_b]).await;
        exec(app, HAZARD, b, other, this_month, f.officer_b).await;
        exec(app, INCIDENT, b, other, this_month, f.officer_b).await;
        exec(app, DEMAND, b, other, this_month, f.officer_b).await;
        exec(app, DISPUTE, b, other, this_month, f.officer_b).await;
    }
    exec(app, HAZARD, b, other, back(2), f.officer_b).await;

    Scene {
        today,
        q_old,
        q_new,
        green,
        falling,
        never,
    }
}

/// The activity table's rows as SQL counts them, month by month.
async fn expected_activity(db: &PgPool, station: i64, today: NaiveDate) -> Vec<String> {
    let mut rows = Vec::new();
    for back in (0..13).rev() {
        let from = month_start(today, back);
        let to = month_start(today, back)
            .checked_add_months(Months::new(1))
            .unwrap();
        let mut row = vec![from.format("%Y-%m").to_string()];
        for (table, column) in [
            ("visit", "visited_on"),
            ("hazard", "found_on"),
            ("dispute", "reported_on"),
            ("incident", "occurred_on"),
            ("demand", "received_on"),
        ] {
            let sql = format!(
                "select count(*) from {table} where station_id = $1 and deleted_at is null
                 and {column} >= $2 and {column} < $3"
            );
            row.push(scalar(db, &sql, station, from, to).await.to_string());
        }
        rows.push(row.join(" "));
    }
    rows
}

/// Final levels of a published quarter as SQL counts them:
/// "quarter green yellow red unrated total".
async fn expected_quarter(db: &PgPool, station: i64, quarter: &str) -> String {
    let counts: (i64, i64, i64, i64) = sqlx::query_as(
        "select count(*) filter (where a.final_level = 'green'),
                count(*) filter (where a.final_level = 'yellow'),
                count(*) filter (where a.final_level = 'red'),
                count(*) filter (where a.final_level is null)
         from assessment a join evaluation ev on ev.evaluation_id = a.evaluation_id
         where ev.station_id = $1 and ev.quarter = $2 and ev.status = 'published'",
    )
    .bind(station)
    .bind(quarter)
    .fetch_one(db)
    .await
    .unwrap();
    let (g, y, r, u) = counts;
    format!("{quarter} {g} {y} {r} {u} {}", g + y + r + u)
}

async fn chief_page(app: &TestApp, lang: &str) -> (Client, Resp) {
    let mut chief = app.login("chief.a").await;
    chief.post("/lang", &[("lang", lang)]).await;
    let page = chief.get("/chief").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    (chief, page)
}

fn assert_charts_without_script(page: &Resp, charts: usize) {
    assert!(!page.body.contains("<script"), "no script on the page");
    assert_eq!(
        page.body.matches("<svg ").count(),
        charts,
        "{charts} charts drawn"
    );
    assert_eq!(page.body.matches("role=\"img\"").count(), charts);
    assert!(page.body.contains("viewBox=\"0 0 "));
}

#[tokio::test]
async fn the_dashboard_draws_the_station_in_both_languages() {
    let app = TestApp::new().await;
    let s = scene(&app).await;
    let a = app.fixture.station_a;
    let this_month = month_start(s.today, 0);
    let next_month = this_month.checked_add_months(Months::new(1)).unwrap();
    let month = this_month.format("%Y-%m").to_string();
    let visits_now = scalar(
        &app.db,
        "select count(*) from visit where station_id = $1 and deleted_at is null
         and visited_on >= $2 and visited_on < $3",
        a,
        this_month,
        next_month,
    )
    .await;
    assert_eq!(visits_now, 3, "the scene's visits this month");

    for (lang, visits, level_names) in [
        ("zh", "走访", ["绿色", "黄色", "红色", "未评定"]),
        (
            "en",
            "Visits",
            ["Green", "Yellow", "Red", "Not yet evaluated"],
        ),
    ] {
        let (_, page) = chief_page(&app, lang).await;
        assert_charts_without_script(&page, 4);

        // Enterprises per level now: active ones, by current level.
        let now_titles = mark_titles(&page, "levels-now");
        assert_eq!(
            now_titles,
            [
                format!("{}: 1", level_names[0]),
                format!("{}: 0", level_names[1]),
                format!("{}: 1", level_names[2]),
                format!("{}: 1", level_names[3]),
            ],
            "{lang}"
        );
        for (i, level) in ["green", "yellow", "red"].iter().enumerate() {
            let n = station_count(
                &app.db,
                &format!(
                    "select count(*) from enterprise where station_id = $1 and status = 'active'
                     and deleted_at is null and current_level = '{level}'"
                ),
                a,
            )
            .await;
            assert_eq!(
                page.text_of_id(&format!("levels-now-row-{i}")).unwrap(),
                format!("{} {n}", level_names[i]),
                "{lang} {level}"
            );
        }

        // Levels over eight quarters: the two published quarters, from SQL.
        let quarter_rows: Vec<String> = (0..8)
            .map(|i| {
                page.text_of_id(&format!("levels-by-quarter-row-{i}"))
                    .unwrap()
            })
            .collect();
        assert!(page.text_of_id("levels-by-quarter-row-8").is_none());
        let last = Quarter::containing(s.today).previous().to_string();
        assert!(quarter_rows[7].starts_with(&last), "{quarter_rows:?}");
        for q in [s.q_old, s.q_new] {
            let expected = expected_quarter(&app.db, a, &q.to_string()).await;
            assert!(
                quarter_rows.contains(&expected),
                "{expected} in {quarter_rows:?}"
            );
        }
        assert!(
            quarter_rows.contains(&format!("{} 1 1 0 1 3", s.q_old)),
            "{quarter_rows:?}"
        );
        assert!(
            quarter_rows.contains(&format!("{} 1 0 1 1 3", s.q_new)),
            "{quarter_rows:?}"
        );
        let titles = mark_titles(&page, "levels-by-quarter");
        assert!(
            titles.contains(&format!("{} · {}: 1", s.q_new, level_names[2])),
            "{titles:?}"
        );
        assert_eq!(titles.len(), 6, "a mark per non-empty segment: {titles:?}");

        // Activity: thirteen months, each row equal to SQL's counts.
        let activity: Vec<String> = (0..13)
            .map(|i| page.text_of_id(&format!("activity-row-{i}")).unwrap())
            .collect();
        assert_eq!(
            activity,
            expected_activity(&app.db, a, s.today).await,
            "{lang}"
        );
        assert_eq!(activity[12], format!("{month} 3 1 0 1 1"));
        let titles = mark_titles(&page, "activity");
        assert_eq!(titles.len(), 13 * 5);
        assert!(
            titles.contains(&format!("{month} · {visits}: {visits_now}")),
            "{titles:?}"
        );

        // Visits per officer this month: officer A three, the chief one.
        let titles = mark_titles(&page, "visits-by-officer");
        assert_eq!(titles, ["王警官: 3", "李所长: 1"], "{lang}");
        assert_eq!(
            page.text_of_id("visits-by-officer-row-0").unwrap(),
            "王警官 3"
        );

        // The numbers: overdue hazards, disputes awaiting follow-up, visits.
        let overdue = scalar(
            &app.db,
            "select count(*) from hazard where station_id = $1 and deleted_at is null
             and rectified_on is null and deadline < $2 and $2 = $3",
            a,
            s.today,
            s.today,
        )
        .await;
        assert!(overdue >= 1);
        assert_eq!(
            page.text_of_id("stat-overdue-hazards").unwrap(),
            overdue.to_string()
        );
        assert_eq!(page.text_of_id("stat-disputes-awaiting").unwrap(), "1");
        assert_eq!(page.text_of_id("stat-visits-this-month").unwrap(), "3");
        let overdue_demands = scalar(
            &app.db,
            "select count(*) from demand where station_id = $1 and deleted_at is null
             and status = 'open' and due_on < $2 and $2 = $3",
            a,
            s.today,
            s.today,
        )
        .await;
        assert!(overdue_demands >= 1);
        assert_eq!(
            page.text_of_id("stat-overdue-demands").unwrap(),
            overdue_demands.to_string()
        );
        assert!(page.body.contains("href=\"/hazards?status=overdue\""));
        assert!(page.body.contains("href=\"/disputes?awaiting=1\""));

        // Never station B's: its officer, its enterprise.
        assert!(!page.body.contains("赵警官"), "{lang}: station B's officer");
        assert!(
            !page.body.contains("乙站企业"),
            "{lang}: station B's enterprise"
        );
    }
    // The words follow the language.
    let (_, zh) = chief_page(&app, "zh").await;
    assert!(zh.body.contains("近八个季度等级分布") && zh.body.contains("数据表"));
    let (_, en) = chief_page(&app, "en").await;
    assert!(
        en.body.contains("Levels over the last eight quarters") && en.body.contains("Data table")
    );
    assert!(!en.body.contains("近八个季度"));

    // Only a chief sees the dashboard.
    let mut officer = app.login("officer.a").await;
    assert_ne!(officer.get("/chief").await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_station_without_data_gets_messages_instead_of_empty_charts() {
    let app = TestApp::new().await;
    let (_, page) = chief_page(&app, "en").await;
    assert!(!page.body.contains("<script"));
    assert!(
        page.body.contains("id=\"levels-now-empty\""),
        "no enterprise yet"
    );
    assert!(page.body.contains("No active enterprise yet."));
    assert!(page.body.contains("id=\"levels-by-quarter-empty\""));
    assert!(
        page.body
            .contains("No evaluation published in the last eight quarters.")
    );
    // Thirteen empty months still draw (flat lines on zero), and the officer
    // without visits has a bar of zero.
    assert_eq!(mark_titles(&page, "activity").len(), 65);
    assert_eq!(mark_titles(&page, "visits-by-officer"), ["王警官: 0"]);
    assert_eq!(page.text_of_id("stat-visits-this-month").unwrap(), "0");
}

#[tokio::test]
async fn the_enterprise_page_draws_its_level_timeline() {
    let app = TestApp::new().await;
    let s = scene(&app).await;
    let mut chief = app.login("chief.a").await;

    let page = chief.get(&format!("/enterprises/{}", s.falling)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("<script"));
    assert_eq!(page.body.matches("<svg ").count(), 1);
    assert_eq!(
        mark_titles(&page, "level-timeline"),
        [
            format!("{}: 黄色 (Y)", s.q_old),
            format!("{}: 红色 (R)", s.q_new)
        ],
        "oldest first"
    );
    assert_eq!(
        page.text_of_id("level-timeline-row-1").unwrap(),
        format!("{} 红色 (R)", s.q_new)
    );
    // The existing list stays.
    assert!(page.body.contains("id=\"level-history\""));

    let page = chief.get(&format!("/enterprises/{}", s.never)).await;
    assert_eq!(
        mark_titles(&page, "level-timeline"),
        [
            format!("{}: 未评定", s.q_old),
            format!("{}: 未评定", s.q_new)
        ]
    );

    chief.post("/lang", &[("lang", "en")]).await;
    let page = chief.get(&format!("/enterprises/{}", s.green)).await;
    assert_eq!(
        mark_titles(&page, "level-timeline"),
        [
            format!("{}: Green (G)", s.q_old),
            format!("{}: Green (G)", s.q_new)
        ]
    );
    assert!(page.body.contains("Level timeline"));

    // No published quarter: no chart.
    let fresh = insert_enterprise(&app.db, app.fixture.station_a, "新设企业有限公司", None).await;
    let page = chief.get(&format!("/enterprises/{fresh}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("<svg"));
}

#[tokio::test]
async fn the_demo_chief_home_renders_its_charts() {
    let (options, db_name) = fresh_database().await;
    let pool = PgPool::connect_with(options).await.unwrap();
    assert!(crate::harness::seed_demo(&pool).await);
    let app = TestApp::from_pool(
        pool,
        sanse::config::Config::default(),
        crate::harness::Fixture::empty(),
        db_name,
    );
    let mut chief = app.client();
    chief.login("jn.chief", sanse_demo::PASSWORD).await;
    let station: i64 =
        sqlx::query_scalar("select station_id from app_user where username = 'jn.chief'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    let today = app.state.clock.today();
    for lang in ["zh", "en"] {
        chief.post("/lang", &[("lang", lang)]).await;
        let page = chief.get("/chief").await;
        assert_eq!(page.status, StatusCode::OK);
        assert_charts_without_script(&page, 4);
        // Three published quarters in the window, each equal to SQL.
        let published: Vec<String> = sqlx::query_scalar(
            "select quarter from evaluation where station_id = $1 and status = 'published'",
        )
        .bind(station)
        .fetch_all(&app.db)
        .await
        .unwrap();
        assert_eq!(published.len(), 3);
        let rows: Vec<String> = (0..8)
            .map(|i| {
                page.text_of_id(&format!("levels-by-quarter-row-{i}"))
                    .unwrap()
            })
            .collect();
        for q in &published {
            let expected = expected_quarter(&app.db, station, q).await;
            assert!(rows.contains(&expected), "{expected} in {rows:?}");
        }
        let activity: Vec<String> = (0..13)
            .map(|i| page.text_of_id(&format!("activity-row-{i}")).unwrap())
            .collect();
        assert_eq!(activity, expected_activity(&app.db, station, today).await);
        assert!(
            !mark_titles(&page, "visits-by-officer").is_empty(),
            "the station's officers"
        );
    }

    // A demo enterprise's page shows its timeline over the three quarters.
    let enterprise: i64 = sqlx::query_scalar(
        "select enterprise_id from enterprise where station_id = $1 and current_level is not null
         order by enterprise_id limit 1",
    )
    .bind(station)
    .fetch_one(&app.db)
    .await
    .unwrap();
    let page = chief.get(&format!("/enterprises/{enterprise}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("<script"));
    assert_eq!(mark_titles(&page, "level-timeline").len(), 3);
}
