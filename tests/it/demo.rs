//! The demo data: seeded into an empty database only, and sound.

use std::time::Instant;

use chrono::NaiveDate;
use sanse::credit_code::CreditCode;
use sanse_demo as demo;
use sqlx::PgPool;

use crate::harness::{TestApp, fresh_database};

async fn count(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
        .fetch_one(pool)
        .await
        .unwrap()
}

/// A count with `$1` bound to the day the history ends.
async fn count_on(pool: &PgPool, sql: &str, today: NaiveDate) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
        .bind(today)
        .fetch_one(pool)
        .await
        .unwrap()
}

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// A fresh database seeded with history ending at `today`, and how long
/// seeding took.
async fn seeded_on(today: NaiveDate) -> (PgPool, std::time::Duration) {
    let (options, _) = fresh_database().await;
    let pool = PgPool::connect_with(options).await.unwrap();
    let started = Instant::now();
    assert!(
        demo::seed_if_empty_on(&pool, today, &crate::harness::SEEDING)
            .await
            .unwrap()
    );
    (pool, started.elapsed())
}

const RECORD_TABLES: &[&str] = &[
    "visit",
    "visit_officer",
    "visit_check",
    "hazard",
    "dispute",
    "dispute_event",
    "dispute_follow_up",
    "incident",
    "demand",
    "demand_extension",
    "training",
    "training_enterprise",
];

/// Every day a record says something happened (not deadlines or due dates).
const OCCURRENCES: &str = "
    select visited_on as d from visit
    union all select found_on from hazard
    union all select rectified_on from hazard
    union all select reported_on from dispute
    union all select resolved_on from dispute
    union all select closed_on from dispute
    union all select (at at time zone 'Asia/Shanghai')::date from dispute_event
    union all select done_on from dispute_follow_up
    union all select occurred_on from incident
    union all select received_on from demand
    union all select responded_on from demand
    union all select resolved_on from demand
    union all select (at at time zone 'Asia/Shanghai')::date from demand_extension
    union all select held_on from training";

/// The rules every seeded history keeps, whatever the day.
async fn assert_history_sound(pool: &PgPool, today: NaiveDate) {
    for table in RECORD_TABLES {
        let n = count(pool, &format!("select count(*) from {table}")).await;
        assert!(n > 0, "{table} has rows");
    }

    // The span: about a year, ending today.
    let first = count_on(
        pool,
        &format!("select ($1::date - min(d))::bigint from ({OCCURRENCES}) x"),
        today,
    )
    .await;
    assert!(
        (300..=400).contains(&first),
        "history starts {first} days ago"
    );
    let last = count_on(
        pool,
        &format!("select ($1::date - max(d))::bigint from ({OCCURRENCES}) x"),
        today,
    )
    .await;
    assert!((0..=7).contains(&last), "history ends {last} days ago");

    // Inspections in the last quarter (90 days), at most enterprises.
    let active = count(
        pool,
        "select count(*) from enterprise where status = 'active'",
    )
    .await;
    let inspected = count_on(
        pool,
        "select count(distinct enterprise_id) from visit
         where kind = 'inspection' and visited_on > $1::date - 90",
        today,
    )
    .await;
    assert!(
        inspected * 10 >= active * 6,
        "{inspected} of {active} active enterprises inspected in the last 90 days"
    );

    // Something overdue now for the dashboards.
    let overdue_hazards = count_on(
        pool,
        "select count(*) from hazard where rectified_on is null and deadline < $1",
        today,
    )
    .await;
    assert!(overdue_hazards >= 3, "{overdue_hazards} overdue hazards");
    let overdue_demands = count_on(
        pool,
        "select count(*) from demand where status = 'open' and due_on < $1",
        today,
    )
    .await;
    assert!(overdue_demands >= 3, "{overdue_demands} overdue demands");
    let not_yet_due = count_on(
        pool,
        "select count(*) from hazard where rectified_on is null and deadline >= $1",
        today,
    )
    .await;
    assert!(not_yet_due > 0, "some hazards open but not yet due");

    // Tenancy: every row's station is its enterprise's, every person in it
    // belongs to that station.
    let strays = count(
        pool,
        "select count(*) from (
             select station_id, enterprise_id, created_by as who from visit
             union all select station_id, enterprise_id, created_by from hazard
             union all select station_id, enterprise_id, verified_by from hazard
                       where verified_by is not null
             union all select station_id, enterprise_id, created_by from dispute
             union all select station_id, enterprise_id, created_by from incident
             union all select station_id, enterprise_id, created_by from demand
             union all select station_id, enterprise_id, assignee_id from demand
             union all select v.station_id, v.enterprise_id, o.user_id
                       from visit v join visit_officer o using (visit_id)
             union all select d.station_id, d.enterprise_id, e.by_user
                       from dispute d join dispute_event e using (dispute_id)
                       where e.station_id = d.station_id
             union all select d.station_id, d.enterprise_id, f.assigned_to
                       from dispute d join dispute_follow_up f using (dispute_id)
                       where f.station_id = d.station_id
             union all select m.station_id, m.enterprise_id, x.by_user
                       from demand m join demand_extension x using (demand_id)
                       where x.station_id = m.station_id
             union all select t.station_id, te.enterprise_id, t.created_by
                       from training t join training_enterprise te using (training_id)
         ) r
         join enterprise e using (enterprise_id)
         join app_user u on u.user_id = r.who
         where r.station_id <> e.station_id
            or u.station_id is distinct from r.station_id
            or u.role not in ('officer', 'chief')",
    )
    .await;
    assert_eq!(
        strays, 0,
        "rows whose station differs from their enterprise's or people's"
    );
    let child_strays = count(
        pool,
        "select (select count(*) from dispute_event e join dispute d using (dispute_id)
                 where e.station_id <> d.station_id)
              + (select count(*) from dispute_follow_up f join dispute d using (dispute_id)
                 where f.station_id <> d.station_id)
              + (select count(*) from demand_extension x join demand m using (demand_id)
                 where x.station_id <> m.station_id)
              + (select count(*) from hazard h join visit v using (visit_id)
                 where h.station_id <> v.station_id or h.enterprise_id <> v.enterprise_id)",
    )
    .await;
    assert_eq!(
        child_strays, 0,
        "child rows on another station than their parent"
    );
    let not_officers = count(
        pool,
        "select count(*) from (
             select created_by from visit union all select created_by from hazard
             union all select created_by from dispute union all select created_by from incident
             union all select created_by from demand union all select created_by from training
         ) r(who) join app_user u on u.user_id = r.who
         where u.role <> 'officer'",
    )
    .await;
    assert_eq!(not_officers, 0, "every record is created by an officer");

    // Visits: inspections carry the whole checklist, nothing else does; the
    // liaison flag says whether the liaison officer was there.
    let bad_checklists = count(
        pool,
        "select count(*) from visit v
         where (select count(*) from visit_check c where c.visit_id = v.visit_id)
               <> case when v.kind = 'inspection'
                       then (select count(*) from checklist_item i
                             where i.checklist_template_id = v.checklist_template_id)
                       else 0 end",
    )
    .await;
    assert_eq!(
        bad_checklists, 0,
        "visits with a wrong set of checklist answers"
    );
    let wrong_liaison = count(
        pool,
        "select count(*) from visit v join enterprise e using (enterprise_id)
         where v.liaison_contact <> exists (select 1 from visit_officer o
                                            where o.visit_id = v.visit_id
                                              and o.user_id = e.liaison_officer_id)",
    )
    .await;
    assert_eq!(wrong_liaison, 0, "liaison_contact matches the officers");
    let without_officer = count(
        pool,
        "select count(*) from visit v
         where not exists (select 1 from visit_officer o
                           where o.visit_id = v.visit_id and o.user_id = v.created_by)",
    )
    .await;
    assert_eq!(without_officer, 0, "the recording officer took part");

    // Disputes: follow-ups only after a resolution; the event trail ends in
    // the current status and starts with the report.
    let stray_follow_ups = count(
        pool,
        "select count(*) from dispute_follow_up f join dispute d using (dispute_id)
         where d.status not in ('resolved', 'closed') or d.resolved_on is null
            or f.due_on < d.reported_on",
    )
    .await;
    assert_eq!(stray_follow_ups, 0, "follow-ups of unresolved disputes");
    let pending_closed = count(
        pool,
        "select count(*) from dispute d
         where (d.status = 'closed') <> (d.closed_on is not null)
            or (d.status in ('resolved', 'closed')) <> (d.resolved_on is not null)
            or (d.status = 'closed' and exists (select 1 from dispute_follow_up f
                                                 where f.dispute_id = d.dispute_id
                                                   and f.done_on is null))
            or (d.status = 'resolved' and not exists (select 1 from dispute_follow_up f
                                                       where f.dispute_id = d.dispute_id
                                                         and f.done_on is null))",
    )
    .await;
    assert_eq!(
        pending_closed, 0,
        "dispute dates and follow-ups match the status"
    );
    let bad_trails = count(
        pool,
        "select count(*) from dispute d
         where (select e.to_status from dispute_event e where e.dispute_id = d.dispute_id
                order by e.at desc limit 1) is distinct from d.status
            or (select e.from_status is null and e.to_status = 'reported'
                from dispute_event e where e.dispute_id = d.dispute_id
                order by e.at limit 1) is not true
            or exists (select 1 from dispute_event e
                       where e.dispute_id = d.dispute_id
                         and (e.to_status = 'referred'
                              or e.from_status in ('resolved', 'referred', 'closed')
                                 and e.to_status = 'mediating')
                         and e.reason = '')",
    )
    .await;
    assert_eq!(bad_trails, 0, "dispute event trails");
    let unordered = count(
        pool,
        "select count(*) from dispute_event e
         where e.from_status is distinct from (
             select p.to_status from dispute_event p
             where p.dispute_id = e.dispute_id and p.at < e.at
             order by p.at desc limit 1)",
    )
    .await;
    assert_eq!(
        unordered, 0,
        "each change starts where the previous one ended"
    );

    // Demands: an extended demand is due on its last new date; answered ones
    // have a response.
    let bad_demands = count(
        pool,
        "select count(*) from demand m
         where (m.status = 'open') <> (m.response = '')
            or (m.status = 'open') <> (m.responded_on is null)
            or (m.status = 'resolved') <> (m.resolved_on is not null)
            or m.resolved_on < m.responded_on
            or m.responded_on < m.received_on
            or m.due_on <> coalesce((select max(x.new_due_on) from demand_extension x
                                     where x.demand_id = m.demand_id),
                                    m.received_on + 15)",
    )
    .await;
    assert_eq!(bad_demands, 0, "demand statuses, dates and extensions");

    // Closed enterprises leave nothing open behind.
    let open_at_closed = count(
        pool,
        "select (select count(*) from hazard h join enterprise e using (enterprise_id)
                 where e.status = 'closed' and h.rectified_on is null)
              + (select count(*) from demand m join enterprise e using (enterprise_id)
                 where e.status = 'closed')
              + (select count(*) from dispute d join enterprise e using (enterprise_id)
                 where e.status = 'closed')",
    )
    .await;
    assert_eq!(open_at_closed, 0, "open work at closed enterprises");

    // Current levels are exactly those of the latest published quarter.
    assert_eq!(
        count(
            pool,
            "select count(*) from enterprise e
             where e.current_level is distinct from (
                 select a.final_level from assessment a join evaluation ev using (evaluation_id)
                 where a.enterprise_id = e.enterprise_id and ev.status = 'published'
                 order by ev.quarter desc limit 1)"
        )
        .await,
        0,
        "current levels follow the latest publication"
    );
}

#[tokio::test]
async fn seeds_an_empty_database_once() {
    let (options, _) = fresh_database().await;
    let pool = &PgPool::connect_with(options).await.unwrap();
    assert!(
        crate::harness::seed_demo(pool).await,
        "seeds an empty database"
    );

    assert_eq!(count(pool, "select count(*) from station").await, 2);
    let codes: Vec<String> = sqlx::query_scalar("select credit_code from enterprise")
        .fetch_all(pool)
        .await
        .unwrap();
    assert!(codes.len() >= 140, "{} enterprises", codes.len());
    let today = sanse::clock::Clock::default().today();
    assert_history_sound(pool, today).await;
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
        demo::accounts().len() as i64
    );

    let total = "select (select count(*) from station) + (select count(*) from app_user)
                      + (select count(*) from department) + (select count(*) from enterprise)";
    let before = count(pool, total).await;
    assert!(
        !crate::harness::seed_demo(pool).await,
        "a second call seeds nothing"
    );
    assert_eq!(count(pool, total).await, before);
}

#[tokio::test]
async fn a_database_with_data_is_never_seeded() {
    // the harness fixture already holds stations and users
    let app = TestApp::new().await;
    assert!(!crate::harness::seed_demo(&app.db).await);
    assert_eq!(count(&app.db, "select count(*) from enterprise").await, 0);
}

#[tokio::test]
async fn every_demo_account_logs_in_to_its_home_page() {
    let (options, db_name) = fresh_database().await;
    let pool = PgPool::connect_with(options).await.unwrap();
    crate::harness::seed_demo(&pool).await;
    let fixture = crate::harness::Fixture::empty();
    let app = TestApp::from_pool(pool, sanse::config::Config::default(), fixture, db_name);
    for account in demo::accounts() {
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

#[tokio::test]
async fn a_year_of_field_work_ending_on_a_fixed_day() {
    let today = day("2026-04-20");
    let (pool, took) = seeded_on(today).await;
    let pool = &pool;
    let mut counts = Vec::new();
    for table in RECORD_TABLES {
        counts.push(format!(
            "{table} {}",
            count(pool, &format!("select count(*) from {table}")).await
        ));
    }
    // How long it took is reported, not asserted: speed belongs to the
    // benchmarks, and this machine is shared with the browser tests.
    println!("seeded in {took:?}: {}", counts.join(", "));
    assert_history_sound(pool, today).await;

    // Visits every one to three months: about 5 to 9 a year per active
    // enterprise, none with a gap of more than about a quarter.
    let per_enterprise = count(
        pool,
        "select (count(*) * 10 / (select count(*) from enterprise where status = 'active'))::bigint
         from visit join enterprise e using (enterprise_id) where e.status = 'active'",
    )
    .await;
    assert!(
        (50..=110).contains(&per_enterprise),
        "{per_enterprise} / 10 visits each"
    );
    let long_gaps = count(
        pool,
        "select count(*) from (
             select visited_on - lag(visited_on) over (partition by enterprise_id
                                                       order by visited_on) as gap
             from visit join enterprise e using (enterprise_id) where e.status = 'active'
         ) g where gap > 100",
    )
    .await;
    assert_eq!(long_gaps, 0, "gaps between visits over 100 days");
    let kinds = count(pool, "select count(distinct kind) from visit").await;
    assert_eq!(kinds, 5, "every kind of visit");
    let routine_share = count(
        pool,
        "select (100 * count(*) filter (where kind = 'routine') / count(*))::bigint from visit",
    )
    .await;
    assert!(
        (35..=70).contains(&routine_share),
        "{routine_share}% routine"
    );
    let most: String = sqlx::query_scalar(
        "select kind::text from visit group by kind order by count(*) desc limit 1",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(most, "routine", "routine visits are the most common");
    let with_colleague = count(
        pool,
        "select count(*) from visit v
         where (select count(*) from visit_officer o where o.visit_id = v.visit_id) = 2",
    )
    .await;
    assert!(
        with_colleague > 50,
        "{with_colleague} visits by two officers"
    );
    assert!(
        count(pool, "select count(*) from visit where not liaison_contact").await > 0,
        "some visits without the liaison officer"
    );
    assert!(
        count(pool, "select count(*) from visit where suggestions <> ''").await > 20,
        "suggestions collected"
    );
    let distinct_notes = count(
        pool,
        "select count(distinct notes) from visit where kind = 'routine'",
    )
    .await;
    assert!(
        distinct_notes >= 15,
        "{distinct_notes} different routine notes"
    );

    // Inspections: the previous quarter (2026 Q1) covers most active
    // enterprises but not all; a few were never inspected.
    let active = count(
        pool,
        "select count(*) from enterprise where status = 'active'",
    )
    .await;
    let q1 = count(
        pool,
        "select count(distinct enterprise_id) from visit join enterprise e using (enterprise_id)
         where kind = 'inspection' and e.status = 'active'
           and visited_on between '2026-01-01' and '2026-03-31'",
    )
    .await;
    assert!(
        q1 * 100 >= active * 70 && q1 < active,
        "{q1} of {active} inspected in 2026 Q1"
    );
    let never = count(
        pool,
        "select count(*) from enterprise e where e.status = 'active'
         and not exists (select 1 from visit v
                         where v.enterprise_id = e.enterprise_id and v.kind = 'inspection')",
    )
    .await;
    assert!((1..=8).contains(&never), "{never} never inspected");
    let quarters_missed = count(
        pool,
        "select count(*) from enterprise e where e.status = 'active'
         and exists (select 1 from visit v
                     where v.enterprise_id = e.enterprise_id and v.kind = 'inspection')
         and exists (select 1 from generate_series(date '2025-07-01', date '2026-01-01',
                                                   interval '3 months') q(start)
                     where not exists (select 1 from visit v
                                       where v.enterprise_id = e.enterprise_id
                                         and v.kind = 'inspection'
                                         and v.visited_on >= q.start
                                         and v.visited_on < q.start + interval '3 months'))",
    )
    .await;
    assert!(
        (active * 5..=active * 30).contains(&(quarters_missed * 100)),
        "{quarters_missed} of {active} missed a full quarter"
    );
    let answers = count(pool, "select count(distinct answer) from visit_check").await;
    assert_eq!(answers, 3, "pass, fail and n/a all occur");
    let pass_share = count(
        pool,
        "select (100 * count(*) filter (where answer = 'pass') / count(*))::bigint from visit_check",
    )
    .await;
    assert!(pass_share >= 75, "{pass_share}% pass");
    let problem = count(
        pool,
        "select count(distinct v.enterprise_id) from visit v
         where (select count(*) from visit_check c
                where c.visit_id = v.visit_id and c.answer = 'fail') between 4 and 6",
    )
    .await;
    assert!(problem >= 2, "{problem} problem enterprises");
    let unexplained_fail = count(
        pool,
        "select count(*) from visit_check where answer = 'fail' and note = ''",
    )
    .await;
    assert_eq!(unexplained_fail, 0, "every failed item says what was wrong");

    // Hazards: found on about 30–50% of inspections, about 20% major, with
    // deadlines 7 to 30 days out; on time mostly, some late, rectified ones
    // verified and explained.
    let hazard_share = count(
        pool,
        "select (100 * count(*) filter (where exists (select 1 from hazard h
                                                      where h.visit_id = v.visit_id))
                 / count(*))::bigint
         from visit v where kind = 'inspection'",
    )
    .await;
    assert!(
        (18..=55).contains(&hazard_share),
        "hazards on {hazard_share}% of inspections"
    );
    assert!(
        count(pool, "select count(*) from hazard where visit_id is null").await >= 5,
        "hazards reported outside visits"
    );
    let major_share = count(
        pool,
        "select (100 * count(*) filter (where severity = 'major') / count(*))::bigint from hazard",
    )
    .await;
    assert!((8..=35).contains(&major_share), "{major_share}% major");
    assert_eq!(
        count(
            pool,
            "select count(*) from hazard where deadline - found_on not between 7 and 30"
        )
        .await,
        0
    );
    let late = count(
        pool,
        "select count(*) from hazard where rectified_on > deadline",
    )
    .await;
    let on_time = count(
        pool,
        "select count(*) from hazard where rectified_on <= deadline",
    )
    .await;
    assert!(
        late > 0 && on_time > late * 3,
        "{on_time} on time, {late} late"
    );
    assert_eq!(
        count(
            pool,
            "select count(*) from hazard where rectified_on is not null
             and (rectification_note = '' or verified_by is null)"
        )
        .await,
        0
    );
    let hazard_inspections_match = count(
        pool,
        "select count(*) from hazard h join visit v using (visit_id)
         where v.kind <> 'inspection' or h.found_on <> v.visited_on",
    )
    .await;
    assert_eq!(
        hazard_inspections_match, 0,
        "hazards found on the inspection's day"
    );

    // Disputes: about 25, mostly wages and labour, two mass disputes, the
    // statuses spread.
    let disputes = count(pool, "select count(*) from dispute").await;
    assert!((20..=30).contains(&disputes), "{disputes} disputes");
    let labour = count(
        pool,
        "select count(*) from dispute where kind in ('wages', 'labour')",
    )
    .await;
    assert!(labour * 2 > disputes, "{labour} about wages or labour");
    assert!(
        count(
            pool,
            "select count(*) from dispute where people_involved >= 30"
        )
        .await
            >= 2,
        "mass disputes"
    );
    let mass_open = count(
        pool,
        "select count(*) from dispute where people_involved >= 30 and status = 'mediating'",
    )
    .await;
    assert_eq!(mass_open, 1, "a mass dispute is being mediated now");
    for (status, least) in [
        ("closed", 10),
        ("resolved", 2),
        ("mediating", 2),
        ("referred", 1),
        ("reported", 1),
    ] {
        let n = count(
            pool,
            &format!("select count(*) from dispute where status = '{status}'"),
        )
        .await;
        assert!(n >= least, "{n} disputes {status}");
    }
    let overdue_follow_up = count_on(
        pool,
        "select count(*) from dispute_follow_up where done_on is null and due_on < $1",
        today,
    )
    .await;
    assert!(overdue_follow_up >= 1, "a follow-up is overdue");
    let reopened = count(
        pool,
        "select count(*) from dispute_event where from_status = 'resolved' and to_status = 'mediating'",
    )
    .await;
    assert_eq!(reopened, 1, "one dispute was reopened");
    let due_a_week_later = count(
        pool,
        "select count(*) from dispute_follow_up f
         where not exists (select 1 from dispute_event e
                           where e.dispute_id = f.dispute_id and e.to_status = 'resolved'
                             and (e.at at time zone 'Asia/Shanghai')::date + 7 = f.due_on)
            or f.assigned_to <> (select e.liaison_officer_id from dispute d
                                 join enterprise e using (enterprise_id)
                                 where d.dispute_id = f.dispute_id)",
    )
    .await;
    assert_eq!(
        due_a_week_later, 0,
        "follow-ups are due a week after a resolution, with the liaison"
    );
    assert_eq!(
        count(
            pool,
            "select count(*) from dispute where status <> 'reported' and mediation_forces = '{}'"
        )
        .await,
        0,
        "mediation names its forces"
    );

    // Incidents: about 40, thefts and frauds most common, one major
    // criminal case.
    let incidents = count(pool, "select count(*) from incident").await;
    assert!((35..=45).contains(&incidents), "{incidents} incidents");
    let common = count(
        pool,
        "select count(*) from incident where category in ('theft', 'fraud')",
    )
    .await;
    assert!(common * 2 > incidents, "{common} thefts and frauds");
    assert_eq!(
        count(
            pool,
            "select count(*) from incident where category = 'criminal' and severity = 'major'"
        )
        .await,
        1
    );
    assert_eq!(
        count(pool, "select count(distinct category) from incident").await,
        6
    );
    assert!(
        count(
            pool,
            "select count(*) from incident where enterprise_victim"
        )
        .await
            > 10
    );

    // Demands: about 60, most answered, a few extended with a reason.
    let demands = count(pool, "select count(*) from demand").await;
    assert!((55..=65).contains(&demands), "{demands} demands");
    let answered = count(pool, "select count(*) from demand where status <> 'open'").await;
    assert!(
        answered * 10 >= demands * 7,
        "{answered} of {demands} answered"
    );
    let extended = count(pool, "select count(*) from demand_extension").await;
    assert!((2..=12).contains(&extended), "{extended} extensions");
    assert_eq!(
        count(
            pool,
            "select count(*) from demand where due_on < received_on + 15"
        )
        .await,
        0
    );

    // Trainings: about twelve per station, 3 to 15 enterprises each.
    let per_station = count(
        pool,
        "select min(n) from (select count(*) as n from training group by station_id) x",
    )
    .await;
    assert!((10..=14).contains(&per_station), "{per_station} trainings");
    let sizes = count(
        pool,
        "select count(*) from (select count(*) as n from training_enterprise group by training_id) x
         where n not between 3 and 15",
    )
    .await;
    assert_eq!(sizes, 0, "3 to 15 enterprises per training");
    assert_eq!(
        count(pool, "select count(distinct kind) from training").await,
        3
    );
}

#[tokio::test]
async fn the_history_is_the_same_on_every_seeding() {
    let today = day("2026-01-01");
    let (a, _) = seeded_on(today).await;
    let (b, _) = seeded_on(today).await;
    // Ids and contents, but not the moments of insertion.
    let fingerprint = "select md5(concat_ws('|',
        (select string_agg(concat_ws(',', visit_id, enterprise_id, visited_on, kind, notes,
                                     suggestions, liaison_contact, created_by), ';'
                           order by visit_id) from visit),
        (select string_agg(concat_ws(',', visit_id, user_id), ';' order by visit_id, user_id)
         from visit_officer),
        (select string_agg(concat_ws(',', visit_id, checklist_item_id, answer, note), ';'
                           order by visit_id, checklist_item_id) from visit_check),
        (select string_agg(concat_ws(',', hazard_id, visit_id, found_on, severity, description,
                                     deadline, rectified_on, verified_by), ';'
                           order by hazard_id) from hazard),
        (select string_agg(concat_ws(',', dispute_id, enterprise_id, reported_on, parties,
                                     status, summary, resolved_on, closed_on), ';'
                           order by dispute_id) from dispute),
        (select string_agg(concat_ws(',', dispute_id, from_status, to_status, reason), ';'
                           order by dispute_event_id) from dispute_event),
        (select string_agg(concat_ws(',', dispute_id, due_on, done_on, method), ';'
                           order by dispute_follow_up_id) from dispute_follow_up),
        (select string_agg(concat_ws(',', enterprise_id, occurred_on, category, summary), ';'
                           order by incident_id) from incident),
        (select string_agg(concat_ws(',', demand_id, enterprise_id, received_on, due_on, status),
                           ';' order by demand_id) from demand),
        (select string_agg(concat_ws(',', demand_id, old_due_on, new_due_on), ';'
                           order by demand_extension_id) from demand_extension),
        (select string_agg(concat_ws(',', training_id, held_on, topic, attendee_count), ';'
                           order by training_id) from training),
        (select string_agg(concat_ws(',', training_id, enterprise_id), ';'
                           order by training_id, enterprise_id) from training_enterprise)))";
    let fa: String = sqlx::query_scalar(fingerprint).fetch_one(&a).await.unwrap();
    let fb: String = sqlx::query_scalar(fingerprint).fetch_one(&b).await.unwrap();
    assert_eq!(fa, fb);
    // A year that starts on a quarter's first day is as sound as any.
    assert_history_sound(&a, today).await;
}

#[tokio::test]
async fn the_demo_has_published_quarters_and_leaves_the_last_one_to_run() {
    let (options, _) = fresh_database().await;
    let pool = &PgPool::connect_with(options).await.unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
    assert!(
        demo::seed_if_empty_on(pool, today, &crate::harness::SEEDING)
            .await
            .unwrap()
    );
    demo::publish_history(pool, today, &crate::harness::SEEDING)
        .await
        .unwrap();
    let quarters: Vec<String> = sqlx::query_scalar(
        "select distinct quarter from evaluation where status = 'published' order by quarter",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    assert_eq!(quarters, ["2025-Q4", "2026-Q1", "2026-Q2"]);
    // every level occurs, and some enterprises moved
    for level in ["green", "yellow", "red"] {
        let n = count(
            pool,
            &format!("select count(*) from enterprise where current_level = '{level}'"),
        )
        .await;
        assert!(n > 0, "some {level} enterprises");
    }
    let moved = count(
        pool,
        "select count(*) from assessment a join evaluation ev using (evaluation_id)
         where ev.quarter = '2026-Q2' and a.movement in ('up', 'down')",
    )
    .await;
    assert!(moved > 0, "movement against the previous quarter");
    // the departments received, acknowledged and acted
    let pushes = count(pool, "select count(*) from push").await;
    assert!(pushes >= 5 * 3, "pushes for every quarter: {pushes}");
    let waiting = count(
        pool,
        "select count(*) from push where acknowledged_at is null and quarter = '2026-Q2'",
    )
    .await;
    assert!(
        waiting > 0,
        "the latest pushes of some departments still wait"
    );
    let acknowledged = count(
        pool,
        "select count(*) from push where acknowledged_at is not null",
    )
    .await;
    assert!(acknowledged > waiting);
    let actions = count(pool, "select count(*) from coordinated_action").await;
    assert!(actions > 0, "coordinated actions recorded");
    let future = count(
        pool,
        "select count(*) from coordinated_action where acted_on > '2026-11-29'",
    )
    .await;
    assert_eq!(future, 0);
    let street_elsewhere = count(
        pool,
        "select count(*) from push p join department d using (department_id) join station s using (station_id)
         where d.code = 'street-office' and s.code <> 'jiangnan'",
    )
    .await;
    assert_eq!(
        street_elsewhere, 0,
        "the subdistrict office gets its own station only"
    );
}
