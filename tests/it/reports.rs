//! The monthly service list: counts against the records themselves, deleted
//! and foreign records left out, the change against the previous month,
//! sorting, CSV, links to the record lists, access, and the demo data.

use axum::http::StatusCode;
use chrono::NaiveDate;
use sanse::reports::{Column, Month, monthly_report};
use sqlx::PgPool;

use crate::harness::{Client, TestApp, fresh_database, insert_enterprise};

/// The month the tests look at, and the one before it.
const MONTH: &str = "2026-03";

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// Inserts records straight into the tables, as the record modules would.
struct Records<'a> {
    app: &'a TestApp,
}

impl Records<'_> {
    fn officer(&self, station: i64) -> i64 {
        if station == self.app.fixture.station_b {
            self.app.fixture.officer_b
        } else {
            self.app.fixture.officer_a
        }
    }

    async fn visit(&self, station: i64, ent: i64, on: &str, kind: &str, deleted: bool) {
        sqlx::query(
            "insert into visit (station_id, enterprise_id, visited_on, kind, checklist_template_id,
                                created_by, deleted_at)
             values ($1, $2, $3::date, $4::visit_kind,
                     case when $4 = 'inspection' then 1 end, $5,
                     case when $6 then now() end)",
        )
        .bind(station)
        .bind(ent)
        .bind(on)
        .bind(kind)
        .bind(self.officer(station))
        .bind(deleted)
        .execute(&self.app.db)
        .await
        .unwrap();
    }

    async fn hazard(
        &self,
        station: i64,
        ent: i64,
        found: &str,
        rectified: Option<&str>,
        deleted: bool,
    ) {
        let officer = self.officer(station);
        sqlx::query(
            "insert into hazard (station_id, enterprise_id, found_on, severity, description, deadline,
                                 rectified_on, verified_by, created_by, deleted_at)
             values ($1, $2, $3::date, 'general', '消防通道堵塞', $3::date + 30,
                     $4::date, case when $4 is not null then $5::bigint end, $5,
                     case when $6 then now() end)",
        )
        .bind(station)
        .bind(ent)
        .bind(found)
        .bind(rectified)
        .bind(officer)
        .bind(deleted)
        .execute(&self.app.db)
        .await
        .unwrap();
    }

    async fn dispute(&self, station: i64, ent: i64, reported: &str, resolved: Option<&str>) {
        sqlx::query(
            "insert into dispute (station_id, enterprise_id, reported_on, parties, kind,
                                  people_involved, status, resolved_on, created_by)
             values ($1, $2, $3::date, '工人与公司', 'wages', 3,
                     case when $4 is null then 'reported' else 'resolved' end::dispute_status,
                     $4::date, $5)",
        )
        .bind(station)
        .bind(ent)
        .bind(reported)
        .bind(resolved)
        .bind(self.officer(station))
        .execute(&self.app.db)
        .await
        .unwrap();
    }

    async fn incident(&self, station: i64, ent: i64, on: &str, deleted: bool) {
        sqlx::query(
            "insert into incident (station_id, enterprise_id, occurred_on, category, severity,
                                   summary, created_by, deleted_at)
             values ($1, $2, $3::date, 'theft', 'minor', '电缆被盗', $4,
                     case when $5 then now() end)",
        )
        .bind(station)
        .bind(ent)
        .bind(on)
        .bind(self.officer(station))
        .bind(deleted)
        .execute(&self.app.db)
        .await
        .unwrap();
    }

    async fn demand(&self, station: i64, ent: i64, received: &str, resolved: Option<&str>) {
        let officer = self.officer(station);
        sqlx::query(
            "insert into demand (station_id, enterprise_id, received_on, kind, content, assignee_id,
                                 due_on, status, response, responded_on, resolved_on, created_by)
             values ($1, $2, $3::date, 'difficulty', '希望加强夜间巡逻', $5, $3::date + 15,
                     case when $4 is null then 'open' else 'resolved' end::demand_status,
                     case when $4 is null then '' else '已安排巡逻' end,
                     $4::date, $4::date, $5)",
        )
        .bind(station)
        .bind(ent)
        .bind(received)
        .bind(resolved)
        .bind(officer)
        .execute(&self.app.db)
        .await
        .unwrap();
    }

    async fn training(&self, station: i64, on: &str, ents: &[i64], deleted: bool) {
        let id: i64 = sqlx::query_scalar(
            "insert into training (station_id, held_on, kind, topic, attendee_count, created_by,
                                   deleted_at)
             values ($1, $2::date, 'safety', '消防安全培训', 30, $3, case when $4 then now() end)
             returning training_id",
        )
        .bind(station)
        .bind(on)
        .bind(self.officer(station))
        .bind(deleted)
        .fetch_one(&self.app.db)
        .await
        .unwrap();
        sqlx::query(
            "insert into training_enterprise (training_id, enterprise_id) select $1, unnest($2::bigint[])",
        )
        .bind(id)
        .bind(ents)
        .execute(&self.app.db)
        .await
        .unwrap();
    }
}

struct Scene {
    app: TestApp,
    /// Station A: busy this month and last.
    e1: i64,
    /// Station A: a little this month.
    e2: i64,
    /// Station A: only last month.
    e3: i64,
    /// Station A, closed: an incident this month.
    e4: i64,
    /// Station B.
    eb: i64,
}

const E1: &str = "甲站一号机械有限公司";
const E2: &str = "甲站二号物流有限公司";
const E3: &str = "甲站三号印刷有限公司";
const E4: &str = "甲站四号已关闭餐馆";
const E5: &str = "甲站五号安静有限公司";
const EB: &str = "乙站化工有限公司";

/// March 2026 at station A (and some of February, April and station B).
async fn scene() -> Scene {
    let app = TestApp::new().await;
    let (a, b) = (app.fixture.station_a, app.fixture.station_b);
    let officer = Some(app.fixture.officer_a);
    let e1 = insert_enterprise(&app.db, a, E1, officer).await;
    let e2 = insert_enterprise(&app.db, a, E2, None).await;
    let e3 = insert_enterprise(&app.db, a, E3, officer).await;
    let e4 = insert_enterprise(&app.db, a, E4, officer).await;
    insert_enterprise(&app.db, a, E5, officer).await;
    let eb = insert_enterprise(&app.db, b, EB, Some(app.fixture.officer_b)).await;
    sqlx::query("update enterprise set status = 'closed' where enterprise_id = $1")
        .bind(e4)
        .execute(&app.db)
        .await
        .unwrap();
    let r = Records { app: &app };

    // e1: visits of two kinds on the month's edges, one deleted, one after,
    // one before.
    r.visit(a, e1, "2026-03-01", "routine", false).await;
    r.visit(a, e1, "2026-03-15", "inspection", false).await;
    r.visit(a, e1, "2026-03-31", "inspection", false).await;
    r.visit(a, e1, "2026-03-10", "routine", true).await;
    r.visit(a, e1, "2026-04-01", "routine", false).await;
    r.visit(a, e1, "2026-02-28", "routine", false).await;
    // hazards: found and rectified this month; found last month, rectified
    // this one; a deleted one.
    r.hazard(a, e1, "2026-03-05", Some("2026-03-20"), false)
        .await;
    r.hazard(a, e1, "2026-02-10", Some("2026-03-02"), false)
        .await;
    r.hazard(a, e1, "2026-03-07", None, true).await;
    // a dispute reported last month, resolved this month; one still open
    r.dispute(a, e1, "2026-02-01", Some("2026-03-12")).await;
    r.dispute(a, e1, "2026-03-20", None).await;
    r.incident(a, e1, "2026-03-08", false).await;
    r.incident(a, e1, "2026-02-20", false).await;
    // demands: received and resolved this month; received last month and
    // resolved this one
    r.demand(a, e1, "2026-03-03", Some("2026-03-25")).await;
    r.demand(a, e1, "2026-02-15", Some("2026-03-01")).await;
    // a training attended by e1 and e2; a deleted one
    r.training(a, "2026-03-18", &[e1, e2], false).await;
    r.training(a, "2026-03-19", &[e1], true).await;

    // e2: one visit this month, two last month, a deleted incident
    r.visit(a, e2, "2026-03-22", "legal", false).await;
    r.visit(a, e2, "2026-02-05", "routine", false).await;
    r.visit(a, e2, "2026-02-06", "policy", false).await;
    r.incident(a, e2, "2026-03-09", true).await;

    // e3: last month only
    r.visit(a, e3, "2026-02-14", "routine", false).await;

    // e4 (closed): an incident this month
    r.incident(a, e4, "2026-03-28", false).await;

    // station B
    r.visit(b, eb, "2026-03-10", "inspection", false).await;
    r.hazard(b, eb, "2026-03-11", None, false).await;
    r.incident(b, eb, "2026-03-12", false).await;
    r.demand(b, eb, "2026-03-13", None).await;
    r.training(b, "2026-03-13", &[eb], false).await;

    Scene {
        app,
        e1,
        e2,
        e3,
        e4,
        eb,
    }
}

/// Each column counted straight from its record table: `station`, month
/// `[from, to]`, not deleted.
async fn direct_counts(db: &PgPool, station: i64, from: NaiveDate, to: NaiveDate) -> [i64; 9] {
    let sql = [
        "select count(*) from visit where station_id = $1 and deleted_at is null
            and visited_on between $2 and $3",
        "select count(*) from visit where station_id = $1 and deleted_at is null
            and kind = 'inspection' and visited_on between $2 and $3",
        "select count(*) from hazard where station_id = $1 and deleted_at is null
            and found_on between $2 and $3",
        "select count(*) from hazard where station_id = $1 and deleted_at is null
            and rectified_on between $2 and $3",
        "select count(*) from dispute where station_id = $1 and deleted_at is null
            and resolved_on between $2 and $3",
        "select count(*) from incident where station_id = $1 and deleted_at is null
            and occurred_on between $2 and $3",
        "select count(*) from demand where station_id = $1 and deleted_at is null
            and received_on between $2 and $3",
        "select count(*) from demand where station_id = $1 and deleted_at is null
            and resolved_on between $2 and $3",
        "select count(*) from training t join training_enterprise te using (training_id)
          where t.station_id = $1 and t.deleted_at is null and t.held_on between $2 and $3",
    ];
    let mut out = [0; 9];
    for (i, q) in sql.iter().enumerate() {
        out[i] = sqlx::query_scalar(*q)
            .bind(station)
            .bind(from)
            .bind(to)
            .fetch_one(db)
            .await
            .unwrap();
    }
    out
}

/// The CSV as rows of cells (BOM stripped).
fn csv_rows(body: &str) -> Vec<Vec<String>> {
    let body = body.trim_start_matches('\u{feff}');
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(body.as_bytes());
    reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

fn numbers(row: &[String]) -> Vec<i64> {
    row[4..13].iter().map(|c| c.parse().unwrap()).collect()
}

/// The HTML of the table row with `id`.
fn row_html<'a>(body: &'a str, id: &str) -> &'a str {
    let at = body
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("row {id} missing"));
    let end = at + body[at..].find("</tr>").unwrap();
    &body[at..end]
}

async fn get_ok(client: &mut Client, path: &str) -> String {
    let resp = client.get(path).await;
    assert_eq!(resp.status, StatusCode::OK, "{path}: {}", resp.body);
    resp.body
}

#[tokio::test]
async fn totals_equal_the_records_of_the_month() {
    let s = scene().await;
    let a = s.app.fixture.station_a;
    let month = Month::parse(MONTH).unwrap();
    let direct = direct_counts(&s.app.db, a, day("2026-03-01"), day("2026-03-31")).await;
    assert_eq!(direct, [4, 2, 1, 2, 1, 2, 1, 2, 2], "the scene as written");

    // the library
    let report = monthly_report(&s.app.db, crate::harness::scope(a), month)
        .await
        .unwrap();
    assert_eq!(report.totals, direct);
    let prev_direct = direct_counts(&s.app.db, a, day("2026-02-01"), day("2026-02-28")).await;
    assert_eq!(report.prev_totals, prev_direct);
    assert_eq!(prev_direct, [4, 0, 1, 0, 0, 1, 1, 0, 0]);
    // rows: served enterprises only, the closed one included
    let ids: Vec<i64> = report.rows.iter().map(|r| r.enterprise_id).collect();
    assert_eq!(ids, vec![s.e1, s.e2, s.e4], "by name");
    assert!(!ids.contains(&s.e3), "last month only: no row");
    assert!(!ids.contains(&s.eb), "another station's enterprise");
    assert_eq!(report.quiet_active, 2, "e3 and e5 had nothing");
    let e1 = report
        .rows
        .iter()
        .find(|r| r.enterprise_id == s.e1)
        .unwrap();
    assert_eq!(e1.counts, [3, 2, 1, 2, 1, 1, 1, 2, 1]);
    assert_eq!(e1.total(), 12, "inspections are not added twice");
    assert_eq!(e1.prev_total(), 4);
    assert_eq!(e1.change(), 8);

    // the page
    let mut chief = s.app.login("chief.a").await;
    let body = get_ok(&mut chief, &format!("/reports/monthly?month={MONTH}")).await;
    assert!(body.contains("月度服务清单"));
    assert!(body.contains("甲派出所"), "the station's name");
    assert!(body.contains("2026年3月"));
    assert!(body.contains("打印时间"));
    assert!(!body.contains(EB), "station B's enterprise");
    assert!(!body.contains(E3), "no service this month");
    assert!(body.contains(E4) && body.contains("已注销"));
    assert!(body.contains("另有 2 家在营企业本月没有服务记录"));
    let totals = row_html(&body, "totals");
    for (column, n) in Column::ALL.iter().zip(direct) {
        let href = column.href(None, month).replace('&', "&#38;");
        assert!(
            totals.contains(&format!("<a href=\"{href}\"><strong>{n}</strong></a>")),
            "{} total {n} linked to {href}: {totals}",
            column.code()
        );
    }
    // the changes against February beside the totals
    assert!(totals.contains("比2026年2月多 2"), "inspections +2");
    assert!(totals.contains("与2026年2月持平"), "visits the same");
    // e1's row: its total and change
    let e1_row = row_html(&body, &format!("e-{}", s.e1));
    assert!(e1_row.contains("<strong>12</strong>"), "{e1_row}");
    assert!(e1_row.contains("+8"), "{e1_row}");
    let e2_row = row_html(&body, &format!("e-{}", s.e2));
    assert!(e2_row.contains("±0"), "{e2_row}");

    // the CSV: same numbers and a totals row
    let csv = chief
        .get(&format!("/reports/monthly.csv?month={MONTH}"))
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.header("content-type").starts_with("text/csv"));
    assert!(
        csv.header("content-disposition")
            .contains("monthly-service-2026-03.csv")
    );
    let rows = csv_rows(&csv.body);
    assert_eq!(
        rows.len(),
        1 + 3 + 2,
        "header, three enterprises, two totals rows"
    );
    let total_row = rows
        .iter()
        .find(|r| r[0].starts_with("合计 (2026年3月)"))
        .unwrap();
    assert_eq!(numbers(total_row), direct.to_vec());
    assert_eq!(total_row[13], "15", "grand total");
    let prev_row = rows
        .iter()
        .find(|r| r[0].starts_with("合计 (2026年2月)"))
        .unwrap();
    assert_eq!(numbers(prev_row), prev_direct.to_vec());
    let e1_csv = rows.iter().find(|r| r[0] == E1).unwrap();
    assert_eq!(numbers(e1_csv), e1.counts.to_vec());
    assert_eq!((e1_csv[13].as_str(), e1_csv[14].as_str()), ("12", "4"));
    // the rows sum to the totals
    for (i, total) in direct.iter().enumerate() {
        let sum: i64 = rows[1..4].iter().map(|r| numbers(r)[i]).sum();
        assert_eq!(sum, *total, "column {i}");
    }
    assert!(
        s.app
            .audit_actions()
            .await
            .contains(&"report.export".to_owned()),
        "the export is audited"
    );
}

#[tokio::test]
async fn links_carry_the_contract_urls_and_rows_sort() {
    let s = scene().await;
    let mut officer = s.app.login("officer.a").await;
    let body = get_ok(
        &mut officer,
        &format!("/reports/monthly?month={MONTH}&sort=visits&dir=desc"),
    )
    .await;
    let e1 = s.e1;
    for href in [
        format!("/visits?enterprise={e1}&#38;from=2026-03-01&#38;to=2026-03-31"),
        format!(
            "/visits?enterprise={e1}&#38;kind=inspection&#38;from=2026-03-01&#38;to=2026-03-31"
        ),
        format!("/hazards?enterprise={e1}&#38;on=rectified&#38;from=2026-03-01&#38;to=2026-03-31"),
        format!("/disputes?enterprise={e1}&#38;on=resolved&#38;from=2026-03-01&#38;to=2026-03-31"),
        format!("/demands?enterprise={e1}&#38;on=received&#38;from=2026-03-01&#38;to=2026-03-31"),
        format!("/trainings?enterprise={e1}&#38;from=2026-03-01&#38;to=2026-03-31"),
        "/incidents?from=2026-03-01&#38;to=2026-03-31".to_owned(),
        "/hazards?on=found&#38;from=2026-03-01&#38;to=2026-03-31".to_owned(),
    ] {
        assert!(body.contains(&format!("href=\"{href}\"")), "{href}");
    }
    // a count of e1's visits: 3, linked
    assert!(body.contains(&format!(
        "href=\"/visits?enterprise={e1}&#38;from=2026-03-01&#38;to=2026-03-31\">3</a>"
    )));

    // following a link shows exactly the records counted (the lists'
    // side of the contract)
    for (path, prefix, n) in [
        (
            format!("/visits?enterprise={e1}&from=2026-03-01&to=2026-03-31"),
            "href=\"/visits/",
            3,
        ),
        (
            format!("/visits?enterprise={e1}&kind=inspection&from=2026-03-01&to=2026-03-31"),
            "href=\"/visits/",
            2,
        ),
        (
            "/incidents?from=2026-03-01&to=2026-03-31".to_owned(),
            "href=\"/incidents/",
            2,
        ),
        (
            format!("/hazards?enterprise={e1}&on=rectified&from=2026-03-01&to=2026-03-31"),
            "href=\"/hazards/",
            2,
        ),
    ] {
        let list = get_ok(&mut officer, &path).await;
        let shown = list
            .match_indices(prefix)
            .filter(|(i, _)| list[i + prefix.len()..].starts_with(|c: char| c.is_ascii_digit()))
            .count();
        assert_eq!(shown, n, "{path}");
    }

    // by visits, most first; ties by name
    let pos = |b: &str, name: &str| b.find(name).unwrap_or_else(|| panic!("{name}"));
    assert!(pos(&body, E1) < pos(&body, E2) && pos(&body, E2) < pos(&body, E4));
    assert_eq!(body.matches("aria-sort=").count(), 1);
    assert!(body.contains("aria-sort=\"descending\""));
    // the sorted header's link flips the direction
    assert!(body.contains(&format!(
        "href=\"/reports/monthly?month={MONTH}&#38;sort=visits&#38;dir=asc\""
    )));
    let asc = get_ok(
        &mut officer,
        &format!("/reports/monthly?month={MONTH}&sort=visits&dir=asc"),
    )
    .await;
    assert!(pos(&asc, E4) < pos(&asc, E2) && pos(&asc, E2) < pos(&asc, E1));
    assert!(asc.contains("aria-sort=\"ascending\""));
    // by change: e1 +8, e4 +1, e2 ±0
    let change = get_ok(
        &mut officer,
        &format!("/reports/monthly?month={MONTH}&sort=change"),
    )
    .await;
    assert!(pos(&change, E1) < pos(&change, E4) && pos(&change, E4) < pos(&change, E2));
    // by name, descending
    let names = get_ok(
        &mut officer,
        &format!("/reports/monthly?month={MONTH}&sort=name&dir=desc"),
    )
    .await;
    assert!(pos(&names, E4) < pos(&names, E2) && pos(&names, E2) < pos(&names, E1));
    // an unknown sort is the name order, never an error
    let odd = get_ok(
        &mut officer,
        &format!("/reports/monthly?month={MONTH}&sort=bogus&dir=sideways"),
    )
    .await;
    assert!(pos(&odd, E1) < pos(&odd, E2) && pos(&odd, E2) < pos(&odd, E4));

    // the CSV follows the sort
    let csv = officer
        .get(&format!(
            "/reports/monthly.csv?month={MONTH}&sort=visits&dir=asc"
        ))
        .await;
    let rows = csv_rows(&csv.body);
    assert!(rows[1][0].starts_with(E4) && rows[2][0] == E2 && rows[3][0] == E1);
}

#[tokio::test]
async fn the_month_falls_back_to_this_month_with_a_notice() {
    let s = scene().await;
    let mut chief = s.app.login("chief.a").await;
    let today = s.app.state.clock.today();
    let this_month = Month::of(today);
    for bad in ["2026-13", "garbage", "2999-01", "3-2026"] {
        let body = get_ok(&mut chief, &format!("/reports/monthly?month={bad}")).await;
        assert!(body.contains("已显示本月"), "{bad}: notice");
        assert!(
            body.contains(&format!("datetime=\"{}\"", this_month.code())),
            "{bad}: this month"
        );
    }
    // repeated keys: the first wins, never an error
    let twice = get_ok(
        &mut chief,
        &format!("/reports/monthly?month={MONTH}&month=bad&sort=visits&sort=x&dir=asc&dir=desc"),
    )
    .await;
    assert!(twice.contains("datetime=\"2026-03\""));
    assert!(twice.contains("aria-sort=\"ascending\""));
    let plain = get_ok(&mut chief, "/reports/monthly").await;
    assert!(!plain.contains("已显示本月"), "no notice without a month");
    assert!(plain.contains(&format!("datetime=\"{}\"", this_month.code())));
    // a bad month in the CSV is this month too, not an error
    let csv = chief.get("/reports/monthly.csv?month=nope").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(
        csv.header("content-disposition")
            .contains(&format!("monthly-service-{}.csv", this_month.code()))
    );
}

#[tokio::test]
async fn renders_in_english() {
    let s = scene().await;
    let mut officer = s.app.login("officer.a").await;
    officer.post("/lang", &[("lang", "en")]).await;
    let body = get_ok(&mut officer, &format!("/reports/monthly?month={MONTH}")).await;
    for words in [
        "Monthly service list",
        "Station A",
        "March 2026",
        "Printed on",
        "Hazards rectified",
        "Disputes resolved",
        "Trainings attended",
        "vs previous month",
        "Total",
        "2 more than in February 2026",
        "3 enterprises served this month",
    ] {
        assert!(body.contains(words), "{words}");
    }
    assert!(!body.contains("月度服务清单"));
    let bad = get_ok(&mut officer, "/reports/monthly?month=2026-99").await;
    assert!(bad.contains("showing this month"));
    let csv = officer
        .get(&format!("/reports/monthly.csv?month={MONTH}"))
        .await;
    let rows = csv_rows(&csv.body);
    assert_eq!(rows[0][0], "Enterprise");
    assert!(rows.iter().any(|r| r[0] == "Total (March 2026)"));
}

#[tokio::test]
async fn each_station_sees_its_own_and_others_are_refused() {
    let s = scene().await;
    let mut b = s.app.login("officer.b").await;
    let body = get_ok(&mut b, &format!("/reports/monthly?month={MONTH}")).await;
    assert!(body.contains(EB));
    assert!(body.contains("乙派出所"));
    for name in [E1, E2, E4] {
        assert!(!body.contains(name), "{name} of station A");
    }
    let report = monthly_report(
        &s.app.db,
        crate::harness::scope(s.app.fixture.station_b),
        Month::parse(MONTH).unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(report.totals, [1, 1, 1, 0, 0, 1, 1, 0, 1]);
    let csv = b.get(&format!("/reports/monthly.csv?month={MONTH}")).await;
    let rows = csv_rows(&csv.body);
    assert!(rows.iter().all(|r| r[0] != E1));
    assert_eq!(rows.len(), 1 + 1 + 2);

    // anonymous: to the login page
    let mut anon = s.app.client();
    let resp = anon.get("/reports/monthly").await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER);
    assert!(resp.location().starts_with("/login"), "{}", resp.location());
    let resp = anon.get("/reports/monthly.csv").await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER);

    // department and admin users: forbidden
    for user in ["dept.x", "admin"] {
        let mut c = s.app.login(user).await;
        for path in ["/reports/monthly", "/reports/monthly.csv"] {
            let resp = c.get(path).await;
            assert_eq!(resp.status, StatusCode::FORBIDDEN, "{user} {path}");
        }
    }
}

#[tokio::test]
async fn an_empty_month_says_so() {
    let s = scene().await;
    let mut chief = s.app.login("chief.a").await;
    let body = get_ok(&mut chief, "/reports/monthly?month=2025-06").await;
    assert!(body.contains("本月没有登记任何服务记录"));
    assert!(
        body.contains("另有 4 家在营企业"),
        "every active enterprise"
    );
    assert!(!body.contains("id=\"monthly-table\""));
}

/// The "Done when" test on the demo data: the list of a month with records
/// opens, sorts and exports, and its totals equal the records of the month.
#[tokio::test]
async fn the_demo_month_adds_up() {
    let (options, db_name) = fresh_database().await;
    let pool = PgPool::connect_with(options).await.unwrap();
    assert!(
        sanse_demo::seed_if_empty_on(&pool, day("2026-04-20"), &crate::harness::SEEDING)
            .await
            .unwrap()
    );
    let app = TestApp::from_pool(
        pool,
        sanse::config::Config::default(),
        crate::harness::Fixture::empty(),
        db_name,
    );
    let month = Month::parse(MONTH).unwrap();
    let mut chief = app.client();
    let login = chief.login("jn.chief", sanse_demo::PASSWORD).await;
    assert_eq!(login.status, StatusCode::SEE_OTHER);
    let station: i64 = sqlx::query_scalar("select station_id from station where code = 'jiangnan'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let direct = direct_counts(&app.db, station, month.first(), month.last()).await;
    assert!(direct[0] > 10, "a month with visits: {direct:?}");
    assert!(direct.iter().filter(|n| **n > 0).count() >= 5, "{direct:?}");
    let report = monthly_report(&app.db, crate::harness::scope(station), month)
        .await
        .unwrap();
    assert_eq!(report.totals, direct);

    let body = get_ok(
        &mut chief,
        &format!("/reports/monthly?month={MONTH}&sort=total"),
    )
    .await;
    assert!(body.contains("江南"), "the station's name");
    let totals = row_html(&body, "totals");
    for (column, n) in Column::ALL.iter().zip(direct) {
        let href = column.href(None, month).replace('&', "&#38;");
        assert!(
            totals.contains(&format!("<a href=\"{href}\"><strong>{n}</strong></a>")),
            "{} total {n}",
            column.code()
        );
    }
    let csv = chief
        .get(&format!("/reports/monthly.csv?month={MONTH}&sort=total"))
        .await;
    let rows = csv_rows(&csv.body);
    let total_row = rows
        .iter()
        .find(|r| r[0].starts_with("合计 (2026年3月)"))
        .unwrap();
    assert_eq!(numbers(total_row), direct.to_vec());
    // sorted by total service, most first
    let totals_col: Vec<i64> = rows[1..rows.len() - 2]
        .iter()
        .map(|r| r[13].parse().unwrap())
        .collect();
    assert!(
        totals_col.windows(2).all(|w| w[0] >= w[1]),
        "{totals_col:?}"
    );
    assert_eq!(totals_col.len(), report.rows.len());
}
