//! The quarterly evaluation through the browser: run, board, assessment,
//! override, publish, and what is refused.

use axum::http::StatusCode;

use sanse::i18n::Lang;

use crate::harness::{TestApp, count_rows, insert_enterprise, inspect, wait_for_lock_waiters};

const Q: &str = "2026-Q3";

type TallyKey = (i64, String, String, String, bool, bool, i64);

/// The board's counts kept by the database (`evaluation_tally`, maintained
/// by triggers on assessment) equal the assessments counted afresh.
async fn assert_tally_matches(db: &sqlx::PgPool) {
    let kept: Vec<TallyKey> = sqlx::query_as(
        "select evaluation_id, previous_level, final_level, movement, vetoed, overridden, n
         from evaluation_tally where n > 0 order by 1, 2, 3, 4, 5, 6",
    )
    .fetch_all(db)
    .await
    .unwrap();
    let counted: Vec<TallyKey> = sqlx::query_as(
        "select evaluation_id, coalesce(previous_level::text, 'unrated'),
                coalesce(final_level::text, 'unrated'), movement, vetoed,
                override_level is not null, count(*)
         from assessment group by 1, 2, 3, 4, 5, 6 order by 1, 2, 3, 4, 5, 6",
    )
    .fetch_all(db)
    .await
    .unwrap();
    assert!(!counted.is_empty(), "there are assessments to count");
    assert_eq!(kept, counted, "the tally follows the assessments");
}

struct Scene {
    app: TestApp,
    green: i64,
    yellow: i64,
    red: i64,
    unrated: i64,
}

async fn scene() -> Scene {
    let app = TestApp::new().await;
    let (a, officer) = (app.fixture.station_a, Some(app.fixture.officer_a));
    let green = insert_enterprise(&app.db, a, "临江满分企业有限公司", officer).await;
    let yellow = insert_enterprise(&app.db, a, "临江一般企业有限公司", officer).await;
    let red = insert_enterprise(&app.db, a, "临江隐患企业有限公司", officer).await;
    let unrated = insert_enterprise(&app.db, a, "临江未检企业有限公司", officer).await;
    let other = insert_enterprise(&app.db, app.fixture.station_b, "乙站企业有限公司", None).await;
    inspect(&app, a, green, "2026-08-10", 10).await;
    inspect(&app, a, yellow, "2026-08-11", 5).await; // safety 20 → total 80
    inspect(&app, a, red, "2026-08-12", 10).await;
    inspect(&app, app.fixture.station_b, other, "2026-08-12", 10).await;
    // a major hazard of the red one, overdue at quarter end: veto
    sqlx::query(
        "insert into hazard (station_id, enterprise_id, found_on, severity, description, deadline, created_by)
         values ($1, $2, '2026-07-01', 'major', '危化品混放', '2026-07-15', $3)",
    )
    .bind(a)
    .bind(red)
    .bind(app.fixture.officer_a)
    .execute(&app.db)
    .await
    .unwrap();
    Scene {
        app,
        green,
        yellow,
        red,
        unrated,
    }
}

#[tokio::test]
async fn a_chief_runs_reviews_overrides_and_publishes_a_quarter() {
    let s = scene().await;
    let app = &s.app;
    let mut chief = app.login("chief.a").await;
    let list = chief.get("/evaluations").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("开始评定"));
    let run = chief.post("/evaluations", &[("quarter", Q)]).await;
    assert_eq!(run.status, StatusCode::SEE_OTHER, "{}", run.body);
    assert_eq!(run.location(), format!("/evaluations/{Q}"));

    let board = chief.get(&format!("/evaluations/{Q}")).await;
    assert_eq!(board.status, StatusCode::OK);
    for (level, n) in [
        ("green", "1"),
        ("yellow", "1"),
        ("red", "1"),
        ("unrated", "1"),
    ] {
        assert_eq!(
            board.text_of_id(&format!("count-{level}")).unwrap(),
            n,
            "{level}"
        );
    }
    assert!(
        !board.body.contains("乙站企业有限公司"),
        "only this station"
    );
    assert!(
        board.text_of_id("movement-new").unwrap().contains('3'),
        "three rated for the first time"
    );

    // the assessment explains itself
    let yellow_url = format!("/evaluations/{Q}/{}", s.yellow);
    let page = chief.get(&yellow_url).await;
    assert_eq!(page.text_of_id("score-safety").unwrap(), "20");
    assert_eq!(page.text_of_id("score-total").unwrap(), "80");
    assert!(
        page.text_of_id("reasons").unwrap().contains("−20"),
        "{:?}",
        page.text_of_id("reasons")
    );
    let red_page = chief.get(&format!("/evaluations/{Q}/{}", s.red)).await;
    assert!(red_page.body.contains("一票否决"));
    let unrated_page = chief.get(&format!("/evaluations/{Q}/{}", s.unrated)).await;
    assert!(
        unrated_page
            .text_of_id("final-level")
            .unwrap()
            .contains("未评定")
    );

    // override without a reason: refused, nothing changed
    let refused = chief
        .post(
            &format!("{yellow_url}/override"),
            &[("level", "green"), ("reason", "  ")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        refused.text_of_id("reason-error").unwrap(),
        "调整等级必须填写理由。"
    );
    let level: Option<String> =
        sqlx::query_scalar("select final_level::text from assessment where enterprise_id = $1")
            .bind(s.yellow)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(level.as_deref(), Some("yellow"));
    // with a reason
    let ok = chief
        .post(
            &format!("{yellow_url}/override"),
            &[("level", "green"), ("reason", "已当场整改并复查合格")],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    let page = chief.get(&yellow_url).await;
    assert!(
        page.text_of_id("computed-level").unwrap().contains("黄色"),
        "computed level stays visible"
    );
    assert!(page.text_of_id("final-level").unwrap().contains("绿色"));
    assert!(
        page.text_of_id("override-reason")
            .unwrap()
            .contains("已当场整改并复查合格")
    );
    let overridden = chief.get(&format!("/evaluations/{Q}?overridden=1")).await;
    assert!(
        overridden.body.contains("临江一般企业有限公司")
            && !overridden.body.contains("临江满分企业有限公司")
    );
    // the counts follow the override
    let board = chief.get(&format!("/evaluations/{Q}")).await;
    assert_eq!(board.text_of_id("count-green").unwrap(), "2");
    assert_eq!(board.text_of_id("count-yellow").unwrap(), "0");
    assert_tally_matches(&app.db).await;

    // publish
    let published = chief.post(&format!("/evaluations/{Q}/publish"), &[]).await;
    assert_eq!(published.status, StatusCode::SEE_OTHER);
    let levels: Vec<(i64, Option<String>)> = sqlx::query_as(
        "select enterprise_id, current_level::text from enterprise where station_id = $1 order by enterprise_id",
    )
    .bind(app.fixture.station_a)
    .fetch_all(&app.db)
    .await
    .unwrap();
    let level_of = |id: i64| levels.iter().find(|(e, _)| *e == id).unwrap().1.clone();
    assert_eq!(level_of(s.green).as_deref(), Some("green"));
    assert_eq!(
        level_of(s.yellow).as_deref(),
        Some("green"),
        "the override is the final level"
    );
    assert_eq!(level_of(s.red).as_deref(), Some("red"));
    assert_eq!(level_of(s.unrated), None);
    let other_level: Option<String> =
        sqlx::query_scalar("select current_level::text from enterprise where station_id = $1")
            .bind(app.fixture.station_b)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(other_level, None, "another station untouched");
    // the red one gets a re-inspection for its liaison officer
    let reinspections: Vec<(i64, Option<i64>)> =
        sqlx::query_as("select enterprise_id, assigned_to from reinspection")
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert_eq!(reinspections, [(s.red, Some(app.fixture.officer_a))]);
    // the enterprise page shows the level history
    let ent = chief.get(&format!("/enterprises/{}", s.red)).await;
    assert!(
        ent.text_of_id("level-history")
            .is_some_and(|h| h.contains(Q))
    );
    let actions = app.audit_actions().await;
    for action in [
        "evaluation.run",
        "assessment.override",
        "evaluation.publish",
    ] {
        assert!(actions.iter().any(|a| a == action), "{action} audited");
    }

    // publishing twice, running again, overriding after publication: refused, nothing changes
    let twice = chief.post(&format!("/evaluations/{Q}/publish"), &[]).await;
    assert_eq!(twice.status, StatusCode::CONFLICT);
    assert!(
        twice
            .text_of_id("board-error")
            .unwrap()
            .contains("已发布并锁定")
    );
    let rerun = chief.post("/evaluations", &[("quarter", Q)]).await;
    assert_eq!(rerun.status, StatusCode::CONFLICT);
    assert!(
        rerun
            .text_of_id("quarter-error")
            .unwrap()
            .contains("已发布并锁定")
    );
    let late = chief
        .post(
            &format!("/evaluations/{Q}/{}/override", s.red),
            &[("level", "yellow"), ("reason", "想改")],
        )
        .await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    let red_final: Option<String> =
        sqlx::query_scalar("select final_level::text from assessment where enterprise_id = $1")
            .bind(s.red)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(red_final.as_deref(), Some("red"));
    let revisions: i64 = sqlx::query_scalar("select count(*) from evaluation_revision")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(revisions, 1);
}

#[tokio::test]
async fn a_draft_can_be_run_again_and_replaces_itself() {
    let s = scene().await;
    let mut chief = s.app.login("chief.a").await;
    chief.post("/evaluations", &[("quarter", Q)]).await;
    // the unrated one gets inspected; running again picks it up
    inspect(&s.app, s.app.fixture.station_a, s.unrated, "2026-09-01", 9).await;
    let again = chief.post("/evaluations", &[("quarter", Q)]).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    let board = chief.get(&format!("/evaluations/{Q}")).await;
    assert_eq!(board.text_of_id("count-unrated").unwrap(), "0");
    assert_eq!(board.text_of_id("count-green").unwrap(), "2");
    let (evaluations, assessments): (i64, i64) = sqlx::query_as(
        "select (select count(*) from evaluation), (select count(*) from assessment)",
    )
    .fetch_one(&s.app.db)
    .await
    .unwrap();
    assert_eq!((evaluations, assessments), (1, 4));
    assert_tally_matches(&s.app.db).await;
    let _ = s.green;
}

#[tokio::test]
async fn the_board_counts_filters_and_sorts_follow_the_assessments() {
    let s = scene().await;
    let mut chief = s.app.login("chief.a").await;
    chief.post("/evaluations", &[("quarter", Q)]).await;
    assert_tally_matches(&s.app.db).await;
    let order = |body: &str, names: &[&str]| {
        let at: Vec<usize> = names.iter().map(|n| body.find(n).unwrap()).collect();
        at.windows(2).all(|w| w[0] < w[1])
    };
    // default: lowest total first (the unrated one is left out), then the
    // reverse; by level: red, yellow, green, unrated
    let by_total: Vec<String> = sqlx::query_scalar(
        "select e.name from assessment a join enterprise e using (enterprise_id)
         where a.final_level is not null order by a.total, e.name",
    )
    .fetch_all(&s.app.db)
    .await
    .unwrap();
    let names: Vec<&str> = by_total.iter().map(String::as_str).collect();
    assert_eq!(names.len(), 3);
    let board = chief.get(&format!("/evaluations/{Q}")).await;
    assert!(order(&board.body, &names), "{names:?}");
    let reversed: Vec<&str> = names.iter().rev().copied().collect();
    let by_total_desc = chief
        .get(&format!("/evaluations/{Q}?sort=total_desc"))
        .await;
    assert!(order(&by_total_desc.body, &reversed), "{reversed:?}");
    let by_level = chief.get(&format!("/evaluations/{Q}?sort=level")).await;
    assert!(order(
        &by_level.body,
        &[
            "临江隐患企业",
            "临江一般企业",
            "临江满分企业",
            "临江未检企业"
        ]
    ));
    // filters answered from the tally, and from a count of rows
    for (query, shown, hidden) in [
        ("level=red", "临江隐患企业", "临江一般企业"),
        ("level=unrated", "临江未检企业", "临江满分企业"),
        ("vetoed=1", "临江隐患企业", "临江满分企业"),
        ("q=一般", "临江一般企业", "临江隐患企业"),
        ("q=般", "临江一般企业", "临江满分企业"),
        (
            "level=green&industry=manufacturing",
            "临江满分企业",
            "临江一般企业",
        ),
    ] {
        let page = chief.get(&format!("/evaluations/{Q}?{query}")).await;
        assert_eq!(page.status, StatusCode::OK, "{query}");
        assert!(page.body.contains(shown), "{query} shows {shown}");
        assert!(!page.body.contains(hidden), "{query} hides {hidden}");
    }
    let none = chief.get(&format!("/evaluations/{Q}?q=不存在的名字")).await;
    assert!(!none.body.contains("临江"), "a search that finds nothing");

    // an override and its removal by running again move the counts
    chief
        .post(
            &format!("/evaluations/{Q}/{}/override", s.red),
            &[("level", "yellow"), ("reason", "已整改")],
        )
        .await;
    assert_tally_matches(&s.app.db).await;
    let board = chief.get(&format!("/evaluations/{Q}?overridden=1")).await;
    assert!(board.body.contains("临江隐患企业") && !board.body.contains("临江一般企业"));
    assert_eq!(board.text_of_id("count-yellow").unwrap(), "2");
    assert_eq!(board.text_of_id("count-red").unwrap(), "0");
    chief.post("/evaluations", &[("quarter", Q)]).await;
    assert_tally_matches(&s.app.db).await;
    let board = chief.get(&format!("/evaluations/{Q}")).await;
    assert_eq!(board.text_of_id("count-red").unwrap(), "1");
    let assessed: i64 = sqlx::query_scalar("select count(*) from assessment")
        .fetch_one(&s.app.db)
        .await
        .unwrap();
    assert_eq!(assessed, 4, "running again replaced the assessments");
    let list = chief.get("/evaluations").await;
    assert!(
        list.body.contains("4 家企业"),
        "the list's count comes from the tally"
    );
}

#[tokio::test]
async fn bad_quarters_and_roles_are_refused() {
    let s = scene().await;
    let mut chief = s.app.login("chief.a").await;
    for bad in ["2026-Q5", "2026Q3", "", "'; drop table evaluation; --"] {
        let resp = chief.post("/evaluations", &[("quarter", bad)]).await;
        assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert!(
            resp.text_of_id("quarter-error")
                .unwrap()
                .contains("YYYY-Qn")
        );
    }
    let future = chief.post("/evaluations", &[("quarter", "2099-Q1")]).await;
    assert_eq!(future.status, StatusCode::CONFLICT);
    assert!(
        future
            .text_of_id("quarter-error")
            .unwrap()
            .contains("尚未开始")
    );
    chief.post("/evaluations", &[("quarter", Q)]).await;

    // officers read the board but do not run, override or publish
    let mut officer = s.app.login("officer.a").await;
    assert_eq!(
        officer.get(&format!("/evaluations/{Q}")).await.status,
        StatusCode::OK
    );
    let page = officer.get(&format!("/evaluations/{Q}/{}", s.yellow)).await;
    assert!(
        !page.body.contains("/override"),
        "no override form for officers"
    );
    assert_eq!(
        officer.post("/evaluations", &[("quarter", Q)]).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        officer
            .post(&format!("/evaluations/{Q}/publish"), &[])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        officer
            .post(
                &format!("/evaluations/{Q}/{}/override", s.yellow),
                &[("level", "green"), ("reason", "x")]
            )
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let status: String = sqlx::query_scalar("select status::text from evaluation")
        .fetch_one(&s.app.db)
        .await
        .unwrap();
    assert_eq!(status, "draft");

    // another station sees none of it
    let mut chief_b = s.app.login("officer.b").await;
    assert_eq!(
        chief_b.get(&format!("/evaluations/{Q}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        chief_b
            .get(&format!("/evaluations/{Q}/{}", s.yellow))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        chief_b.get("/evaluations/junk").await.status,
        StatusCode::NOT_FOUND
    );
    let mut dept = s.app.login("dept.x").await;
    assert_eq!(dept.get("/evaluations").await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_board_exports_csv() {
    let s = scene().await;
    let mut chief = s.app.login("chief.a").await;
    chief.post("/evaluations", &[("quarter", Q)]).await;
    let csv = chief
        .get(&format!("/evaluations/{Q}/export.csv?level=red"))
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.body.starts_with('\u{feff}'));
    assert!(csv.body.contains("临江隐患企业有限公司"));
    assert!(!csv.body.contains("临江满分企业有限公司"));
}

#[tokio::test]
async fn an_objection_is_under_review_until_the_chief_decides_and_a_change_is_a_revision() {
    let s = scene().await;
    let app = &s.app;
    let mut chief = app.login("chief.a").await;
    chief.post("/evaluations", &[("quarter", Q)]).await;
    let url = format!("/evaluations/{Q}/{}", s.red);
    // no objection before publication
    let mut officer = app.login("officer.a").await;
    let early = officer
        .post(
            &format!("{url}/objections"),
            &[("received_on", "2026-10-01"), ("grounds", "不服")],
        )
        .await;
    assert_eq!(
        early.status,
        StatusCode::CONFLICT,
        "{}",
        &early.body[early.body.find("<main").unwrap_or(0)..]
    );
    chief.post(&format!("/evaluations/{Q}/publish"), &[]).await;
    let today = app.state.clock.today();
    let day = today.to_string();
    // missing grounds, a date outside the window
    let bad = officer
        .post(
            &format!("{url}/objections"),
            &[("received_on", &day), ("grounds", "")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.text_of_id("grounds-error").unwrap(), "此项为必填项。");
    let old = officer
        .post(
            &format!("{url}/objections"),
            &[("received_on", "2026-01-01"), ("grounds", "理由")],
        )
        .await;
    assert!(
        old.text_of_id("received_on-error")
            .unwrap()
            .contains("15 天内")
    );
    let ok = officer
        .post(
            &format!("{url}/objections"),
            &[
                ("received_on", &day),
                ("grounds", "隐患已于7月20日整改，有照片为证"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let page = chief.get(&url).await;
    assert!(
        page.text_of_id("final-level").unwrap().contains("复核中"),
        "under review"
    );
    let board = chief.get(&format!("/evaluations/{Q}")).await;
    assert!(board.body.contains("复核中"));
    // officers do not decide
    let oid: i64 = sqlx::query_scalar("select objection_id from objection")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let decide = format!("{url}/objections/{oid}/decide");
    assert_eq!(
        officer
            .post(
                &decide,
                &[("decision", "upheld"), ("level", "yellow"), ("reason", "x")]
            )
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // a decision needs a reason
    let no_reason = chief
        .post(
            &decide,
            &[("decision", "upheld"), ("level", "yellow"), ("reason", "")],
        )
        .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    // upheld: red → yellow as revision 1
    let done = chief
        .post(
            &decide,
            &[
                ("decision", "upheld"),
                ("level", "yellow"),
                ("reason", "核实整改属实"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let page = chief.get(&url).await;
    let final_level = page.text_of_id("final-level").unwrap();
    assert!(
        final_level.contains("黄色") && !final_level.contains("复核中"),
        "{final_level}"
    );
    assert!(
        page.text_of_id("computed-level").unwrap().contains("红色"),
        "computed stays visible"
    );
    let (revision, current): (i32, Option<String>) = sqlx::query_as(
        "select ev.revision, e.current_level::text from evaluation ev, enterprise e where e.enterprise_id = $1",
    )
    .bind(s.red)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!((revision, current.as_deref()), (1, Some("yellow")));
    assert_tally_matches(&app.db).await;
    let reason: String =
        sqlx::query_scalar("select reason from evaluation_revision where revision = 1")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert!(reason.contains("核实整改属实"));
    // deciding again is refused
    let again = chief
        .post(&decide, &[("decision", "rejected"), ("reason", "再次")])
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
    assert!(
        app.audit_actions()
            .await
            .iter()
            .any(|a| a == "objection.decide")
    );
}

#[tokio::test]
async fn a_published_evaluation_reproduces_from_its_stored_inputs() {
    let s = scene().await;
    let app = &s.app;
    let mut chief = app.login("chief.a").await;
    chief.post("/evaluations", &[("quarter", Q)]).await;
    chief.post(&format!("/evaluations/{Q}/publish"), &[]).await;
    let quarter = sanse::scoring::Quarter::parse(Q).unwrap();
    let station = app.fixture.station_a;
    let none =
        sanse::evaluations::service::rescore(&app.db, crate::harness::scope(station), quarter)
            .await
            .unwrap();
    assert!(none.is_empty(), "{none:?}");
    // the records change after publication: the stored inputs still reproduce
    sqlx::query("delete from visit_check")
        .execute(&app.db)
        .await
        .unwrap();
    let still =
        sanse::evaluations::service::rescore(&app.db, crate::harness::scope(station), quarter)
            .await
            .unwrap();
    assert!(still.is_empty());
    // a tampered result is found
    sqlx::query("update assessment set total = total - 1 where enterprise_id = $1")
        .bind(s.green)
        .execute(&app.db)
        .await
        .unwrap();
    let found =
        sanse::evaluations::service::rescore(&app.db, crate::harness::scope(station), quarter)
            .await
            .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].enterprise_id, s.green);
    assert!(
        found[0].what.contains("total 99 ≠ 100"),
        "{}",
        found[0].what
    );
}

#[tokio::test]
async fn two_runs_of_one_quarter_at_once_make_one_evaluation() {
    let s = scene().await;
    let app = &s.app;
    let mut one = app.login("chief.a").await;
    let mut two = app.login("chief.a").await;
    // Hold the quarter's key so that both runs wait on it, then let go.
    let mut held = app.db.begin().await.unwrap();
    sqlx::query(
        "insert into evaluation (station_id, quarter, scoring_policy_id, run_at)
         select $1, $2, scoring_policy_id, now() from scoring_policy limit 1",
    )
    .bind(app.fixture.station_a)
    .bind(Q)
    .execute(&mut *held)
    .await
    .unwrap();
    let db = app.db.clone();
    let release = async move {
        wait_for_lock_waiters(&db, 2).await;
        held.rollback().await.unwrap();
    };
    let (first, second, ()) = tokio::join!(
        one.post("/evaluations", &[("quarter", Q)]),
        two.post("/evaluations", &[("quarter", Q)]),
        release
    );
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    assert_eq!(second.status, StatusCode::SEE_OTHER, "{}", second.body);
    let (evaluations, assessments): (i64, i64) = sqlx::query_as(
        "select (select count(*) from evaluation), (select count(*) from assessment)",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!((evaluations, assessments), (1, 4));
    assert_tally_matches(&app.db).await;
}

#[tokio::test]
async fn a_quarter_before_the_first_policy_is_said_on_the_form() {
    let s = scene().await;
    let mut chief = s.app.login("chief.a").await;
    let resp = chief.post("/evaluations", &[("quarter", "2019-Q4")]).await;
    assert_eq!(resp.status, StatusCode::CONFLICT, "{}", resp.body);
    assert!(
        resp.text_of_id("quarter-error")
            .unwrap()
            .contains(sanse::evaluations::text(Lang::Zh).err_no_policy)
    );
    assert_eq!(resp.input_value("quarter").as_deref(), Some("2019-Q4"));
    assert_eq!(count_rows(&s.app.db, "evaluation").await, 0);
}

#[tokio::test]
async fn an_override_saved_while_the_quarter_is_published_is_refused_with_what_was_typed() {
    let s = scene().await;
    let app = &s.app;
    let mut chief = app.login("chief.a").await;
    chief.post("/evaluations", &[("quarter", Q)]).await;
    // The override waits on the evaluation, which is published meanwhile.
    let mut publisher = app.db.begin().await.unwrap();
    sqlx::query("select 1 from evaluation for update")
        .execute(&mut *publisher)
        .await
        .unwrap();
    let db = app.db.clone();
    let publish = async move {
        wait_for_lock_waiters(&db, 1).await;
        sqlx::query("update evaluation set status = 'published', published_at = now()")
            .execute(&mut *publisher)
            .await
            .unwrap();
        publisher.commit().await.unwrap();
    };
    let reason = "复查后确认已整改";
    let to = format!("/evaluations/{Q}/{}/override", s.yellow);
    let fields = [("level", "green"), ("reason", reason)];
    let (resp, ()) = tokio::join!(chief.post(&to, &fields), publish);
    assert_eq!(resp.status, StatusCode::CONFLICT, "{}", resp.body);
    assert!(
        resp.body
            .contains(sanse::evaluations::text(Lang::Zh).err_override_published),
        "{}",
        resp.body
    );
    assert!(resp.body.contains(reason), "the reason typed is kept");
    let overridden: i64 =
        sqlx::query_scalar("select count(*) from assessment where override_level is not null")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(overridden, 0);
}
