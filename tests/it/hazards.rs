//! Hazards: create, list, view, edit, validation, version conflicts, double
//! submits, rectification, derived overdue, deletion, station scoping, and
//! the functions the enterprise and home pages call.

use axum::http::StatusCode;
use chrono::{Duration, NaiveDate};
use sanse::i18n::Lang;

use crate::harness::{Client, TestApp, count_rows, insert_enterprise};

async fn setup() -> (TestApp, i64, i64) {
    let app = TestApp::new().await;
    let a = insert_enterprise(
        &app.db,
        app.fixture.station_a,
        "甲站隐患企业有限公司",
        Some(app.fixture.officer_a),
    )
    .await;
    let b = insert_enterprise(
        &app.db,
        app.fixture.station_b,
        "乙站隐患企业有限公司",
        Some(app.fixture.officer_b),
    )
    .await;
    (app, a, b)
}

fn today(app: &TestApp) -> NaiveDate {
    app.state.clock.today()
}

fn day(d: NaiveDate) -> String {
    d.to_string()
}

/// Report a hazard at `ent` through the form; returns the hazard's URL.
async fn report(
    client: &mut Client,
    ent: i64,
    found_on: &str,
    deadline: &str,
    severity: &str,
    description: &str,
) -> String {
    let token = client
        .get(&format!("/enterprises/{ent}/hazards/new"))
        .await
        .input_value("form_token")
        .unwrap();
    let resp = client
        .post(
            &format!("/enterprises/{ent}/hazards"),
            &[
                ("found_on", found_on),
                ("deadline", deadline),
                ("severity", severity),
                ("description", description),
                ("form_token", &token),
            ],
        )
        .await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER, "{}", resp.body);
    resp.location().to_owned()
}

#[tokio::test]
async fn an_officer_reports_views_lists_and_edits_a_hazard() {
    let (app, ent, _) = setup().await;
    let mut officer = app.login("officer.a").await;
    let form = officer
        .get(&format!("/enterprises/{ent}/hazards/new"))
        .await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("登记隐患"));
    assert_eq!(
        form.input_value("found_on").unwrap(),
        day(today(&app)),
        "found today by default"
    );
    let found = day(today(&app) - Duration::days(3));
    let deadline = day(today(&app) + Duration::days(20));
    let url = report(
        &mut officer,
        ent,
        &found,
        &deadline,
        "major",
        "仓库消防通道堆放杂物",
    )
    .await;
    let page = officer.get(&url).await;
    assert!(page.body.contains("仓库消防通道堆放杂物"));
    assert!(page.body.contains("重大隐患"));
    assert!(page.body.contains("已保存"), "flash after saving");
    assert_eq!(page.text_of_id("status").unwrap(), "待整改");
    assert!(page.body.contains("单独登记"), "not found on a visit");
    assert!(
        page.body.contains(&format!(
            "<option value=\"{}\" selected>王警官</option>",
            app.fixture.officer_a
        )),
        "the current user verifies by default"
    );

    let list = officer.get("/hazards").await;
    assert!(list.body.contains("甲站隐患企业有限公司"));
    assert!(
        !officer
            .get("/hazards?severity=general")
            .await
            .body
            .contains("甲站隐患企业有限公司")
    );
    assert!(
        officer
            .get("/hazards?status=open&severity=major")
            .await
            .body
            .contains("甲站隐患企业有限公司")
    );
    assert!(
        !officer
            .get("/hazards?status=rectified")
            .await
            .body
            .contains("甲站隐患企业有限公司")
    );

    let edit = officer.get(&format!("{url}/edit")).await;
    let version = edit.input_value("version").unwrap();
    assert_eq!(version, "1");
    assert_eq!(edit.input_value("deadline").unwrap(), deadline);
    let saved = officer
        .post(
            &format!("{url}/edit"),
            &[
                ("found_on", &found),
                ("deadline", &deadline),
                ("severity", "general"),
                ("description", "消防通道已部分清理"),
                ("version", &version),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let page = officer.get(&url).await;
    assert!(page.body.contains("消防通道已部分清理") && page.body.contains("一般隐患"));

    officer.post("/lang", &[("lang", "en")]).await;
    let page = officer.get(&url).await;
    assert!(page.body.contains("General") && page.body.contains("Rectification deadline"));
    assert_eq!(page.text_of_id("status").unwrap(), "Open");
    let list = officer.get("/hazards").await;
    assert!(list.body.contains("Hazards"));

    let audit: Vec<(String, String)> = sqlx::query_as(
        "select action, summary from audit_event where entity = 'hazard' order by audit_event_id",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(audit[0].0, "hazard.create");
    assert_eq!(audit[1].0, "hazard.update");
    assert!(
        audit[1].1.contains("severity: major → general"),
        "{}",
        audit[1].1
    );
}

#[tokio::test]
async fn bad_input_is_shown_next_to_the_field_and_kept() {
    let (app, ent, _) = setup().await;
    let mut officer = app.login("officer.a").await;
    let token = officer
        .get(&format!("/enterprises/{ent}/hazards/new"))
        .await
        .input_value("form_token")
        .unwrap();
    let resp = officer
        .post(
            &format!("/enterprises/{ent}/hazards"),
            &[
                ("found_on", "2025-02-30"),
                ("deadline", ""),
                ("severity", "fatal"),
                ("description", "<b>保留我输入的内容</b>"),
                ("form_token", &token),
            ],
        )
        .await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        resp.text_of_id("found_on-error")
            .unwrap()
            .contains("YYYY-MM-DD")
    );
    assert_eq!(
        resp.text_of_id("severity-error").unwrap(),
        "请从列表中选择。"
    );
    assert_eq!(resp.text_of_id("deadline-error").unwrap(), "此项为必填项。");
    assert!(
        resp.body
            .contains("&#60;b&#62;保留我输入的内容&#60;/b&#62;"),
        "typed text kept, escaped"
    );
    assert!(resp.body.contains("value=\"2025-02-30\""));

    // missing description; deadline before the found date
    let resp = officer
        .post(
            &format!("/enterprises/{ent}/hazards"),
            &[
                ("found_on", "2026-03-10"),
                ("deadline", "2026-03-09"),
                ("severity", "general"),
                ("description", "  "),
                ("form_token", &token),
            ],
        )
        .await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        resp.text_of_id("description-error").unwrap(),
        "此项为必填项。"
    );
    assert!(
        resp.text_of_id("deadline-error")
            .unwrap()
            .contains("不能早于发现日期")
    );

    // found in the future
    let tomorrow = day(today(&app) + Duration::days(1));
    let later = day(today(&app) + Duration::days(30));
    let resp = officer
        .post(
            &format!("/enterprises/{ent}/hazards"),
            &[
                ("found_on", &tomorrow),
                ("deadline", &later),
                ("severity", "general"),
                ("description", "x"),
                ("form_token", &token),
            ],
        )
        .await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        resp.text_of_id("found_on-error")
            .unwrap()
            .contains("不能晚于今天")
    );
    assert_eq!(count_rows(&app.db, "hazard").await, 0);
}

#[tokio::test]
async fn a_double_submit_creates_one_hazard() {
    let (app, ent, _) = setup().await;
    let mut officer = app.login("officer.a").await;
    let token = officer
        .get(&format!("/enterprises/{ent}/hazards/new"))
        .await
        .input_value("form_token")
        .unwrap();
    let found = day(today(&app));
    let deadline = day(today(&app) + Duration::days(7));
    let fields = [
        ("found_on", found.as_str()),
        ("deadline", deadline.as_str()),
        ("severity", "general"),
        ("description", "同一张表单提交两次"),
        ("form_token", token.as_str()),
    ];
    let first = officer
        .post(&format!("/enterprises/{ent}/hazards"), &fields)
        .await;
    let second = officer
        .post(&format!("/enterprises/{ent}/hazards"), &fields)
        .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    assert_eq!(second.status, StatusCode::SEE_OTHER);
    assert_eq!(first.location(), second.location());
    assert_eq!(count_rows(&app.db, "hazard").await, 1);
}

async fn post_edit(
    client: &mut Client,
    url: &str,
    found_on: &str,
    deadline: &str,
    description: &str,
    version: &str,
) -> crate::harness::Resp {
    client
        .post(
            &format!("{url}/edit"),
            &[
                ("found_on", found_on),
                ("deadline", deadline),
                ("severity", "general"),
                ("description", description),
                ("version", version),
            ],
        )
        .await
}

#[tokio::test]
async fn a_stale_edit_does_not_overwrite_and_keeps_what_was_typed() {
    let (app, ent, _) = setup().await;
    let mut first = app.login("officer.a").await;
    let mut second = app.login("chief.a").await;
    let found = day(today(&app));
    let deadline = day(today(&app) + Duration::days(10));
    let url = report(&mut first, ent, &found, &deadline, "general", "原始描述").await;
    let v1 = first
        .get(&format!("{url}/edit"))
        .await
        .input_value("version")
        .unwrap();
    let ok = post_edit(
        &mut second,
        &url,
        &found,
        &deadline,
        "所长先保存的描述",
        &v1,
    )
    .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    let stale = post_edit(&mut first, &url, &found, &deadline, "民警后保存的描述", &v1).await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(
        stale
            .text_of_id("form-error")
            .unwrap()
            .contains("已被他人修改")
    );
    assert!(stale.body.contains("民警后保存的描述"), "typed text kept");
    assert!(
        stale.body.contains("当前保存的值: 所长先保存的描述"),
        "the saved value is shown"
    );
    let description: String = sqlx::query_scalar("select description from hazard")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(description, "所长先保存的描述");
    let v2 = stale.input_value("version").unwrap();
    assert_eq!(v2, "2");
    let again = post_edit(&mut first, &url, &found, &deadline, "民警后保存的描述", &v2).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn rectification_is_recorded_once_and_checked() {
    let (app, ent, _) = setup().await;
    let mut officer = app.login("officer.a").await;
    let found = today(&app) - Duration::days(5);
    let url = report(
        &mut officer,
        ent,
        &day(found),
        &day(today(&app) + Duration::days(5)),
        "major",
        "配电箱未上锁",
    )
    .await;
    let chief = app.fixture.chief_a.to_string();

    // before the found date
    let resp = officer
        .post(
            &format!("{url}/rectify"),
            &[
                ("rectified_on", &day(found - Duration::days(1))),
                ("rectification_note", "已加锁"),
                ("verified_by", &chief),
            ],
        )
        .await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        resp.text_of_id("rectified_on-error")
            .unwrap()
            .contains("不能早于发现日期"),
        "{}",
        resp.body
    );
    assert!(resp.body.contains("已加锁"), "the note typed is kept");
    // in the future, and a bad date
    for bad in [
        day(today(&app) + Duration::days(1)),
        "2025-02-30".to_owned(),
    ] {
        let resp = officer
            .post(
                &format!("{url}/rectify"),
                &[("rectified_on", &bad), ("verified_by", &chief)],
            )
            .await;
        assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(resp.text_of_id("rectified_on-error").is_some());
    }
    // a verifier who is not an officer of the station
    let resp = officer
        .post(
            &format!("{url}/rectify"),
            &[
                ("rectified_on", &day(today(&app))),
                ("verified_by", &app.fixture.officer_b.to_string()),
            ],
        )
        .await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        resp.text_of_id("verified_by-error").unwrap(),
        "请从列表中选择。"
    );
    let open: i64 = sqlx::query_scalar("select count(*) from hazard where rectified_on is null")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(open, 1, "nothing rectified yet");

    // the real thing
    let rectified_on = day(today(&app) - Duration::days(1));
    let done = officer
        .post(
            &format!("{url}/rectify"),
            &[
                ("rectified_on", &rectified_on),
                ("rectification_note", "配电箱已加锁并张贴警示标志"),
                ("verified_by", &chief),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let page = officer.get(&url).await;
    assert_eq!(page.text_of_id("status").unwrap(), "已整改");
    assert_eq!(page.text_of_id("rectified-on").unwrap(), rectified_on);
    assert!(page.body.contains("李所长"), "verified by the chief");
    assert!(page.body.contains("配电箱已加锁并张贴警示标志"));
    assert!(
        !page.body.contains("name=\"rectified_on\""),
        "no rectify form on a rectified hazard"
    );
    assert!(
        officer
            .get("/hazards?status=rectified")
            .await
            .body
            .contains("甲站隐患企业有限公司")
    );

    // again
    let twice = officer
        .post(
            &format!("{url}/rectify"),
            &[
                ("rectified_on", &day(today(&app))),
                ("rectification_note", "再次整改"),
                ("verified_by", &app.fixture.officer_a.to_string()),
            ],
        )
        .await;
    assert_eq!(twice.status, StatusCode::CONFLICT);
    assert!(
        twice
            .text_of_id("form-error")
            .unwrap()
            .contains("不能重复整改"),
        "{}",
        twice.body
    );
    let (on, note, by): (NaiveDate, String, i64) =
        sqlx::query_as("select rectified_on, rectification_note, verified_by from hazard")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(day(on), rectified_on);
    assert_eq!(note, "配电箱已加锁并张贴警示标志");
    assert_eq!(by, app.fixture.chief_a);
    // an edit may not move the found date past the rectification
    let edit = officer.get(&format!("{url}/edit")).await;
    let version = edit.input_value("version").unwrap();
    let resp = officer
        .post(
            &format!("{url}/edit"),
            &[
                ("found_on", &day(today(&app))),
                ("deadline", &day(today(&app) + Duration::days(5))),
                ("severity", "major"),
                ("description", "配电箱未上锁"),
                ("version", &version),
            ],
        )
        .await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        resp.text_of_id("found_on-error")
            .unwrap()
            .contains("不能晚于整改日期")
    );
    let actions = app.audit_actions().await;
    assert_eq!(actions.iter().filter(|a| *a == "hazard.rectify").count(), 1);
}

#[tokio::test]
async fn overdue_is_derived_from_the_clock_everywhere() {
    let (app, ent, _) = setup().await;
    let mut officer = app.login("officer.a").await;
    let t0 = today(&app);
    let url = report(
        &mut officer,
        ent,
        &day(t0),
        &day(t0 + Duration::days(3)),
        "general",
        "监控录像保存不足30天",
    )
    .await;
    // and one due far away, and one at an enterprise of another liaison officer
    report(
        &mut officer,
        ent,
        &day(t0),
        &day(t0 + Duration::days(60)),
        "general",
        "远期整改事项",
    )
    .await;
    let other = insert_enterprise(
        &app.db,
        app.fixture.station_a,
        "所长联系的企业",
        Some(app.fixture.chief_a),
    )
    .await;
    report(
        &mut officer,
        other,
        &day(t0),
        &day(t0 + Duration::days(2)),
        "major",
        "别人联系企业的隐患",
    )
    .await;

    let page = officer.get(&url).await;
    assert!(page.text_of_id("overdue").is_none());
    assert!(
        !officer
            .get("/hazards?status=overdue")
            .await
            .body
            .contains("监控录像保存不足30天")
    );
    let due = sanse::hazards::due_for_officer(
        &app.db,
        crate::harness::scope(app.fixture.station_a),
        sanse::ids::UserId(app.fixture.officer_a),
        t0,
        Lang::Zh,
    )
    .await
    .unwrap();
    assert_eq!(due.len(), 1, "{due:?}");
    assert!(!due[0].overdue);
    assert_eq!(due[0].due, Some(t0 + Duration::days(3)));

    app.state.clock.advance(Duration::days(4));
    let t1 = today(&app);
    // the session has lapsed in four days
    let mut officer = app.login("officer.a").await;
    let page = officer.get(&url).await;
    assert_eq!(page.text_of_id("overdue").unwrap(), "已逾期");
    let list = officer.get("/hazards?status=overdue").await;
    assert!(list.body.contains("监控录像保存不足30天"));
    assert!(list.body.contains("badge-overdue"));
    assert!(!list.body.contains("远期整改事项"));
    assert!(
        officer
            .get("/hazards?status=open")
            .await
            .body
            .contains("远期整改事项"),
        "open includes every hazard not yet rectified"
    );

    let open = sanse::hazards::open_items(
        &app.db,
        crate::harness::scope(app.fixture.station_a),
        sanse::ids::EnterpriseId(ent),
        t1,
        Lang::En,
    )
    .await
    .unwrap();
    assert_eq!(open.len(), 2);
    assert!(open[0].overdue && !open[1].overdue, "{open:?}");
    assert_eq!(open[0].href, url);
    assert!(open[0].label.contains("General"));
    let due = sanse::hazards::due_for_officer(
        &app.db,
        crate::harness::scope(app.fixture.station_a),
        sanse::ids::UserId(app.fixture.officer_a),
        t1,
        Lang::Zh,
    )
    .await
    .unwrap();
    assert_eq!(due.len(), 1);
    assert!(due[0].overdue);
    assert_eq!(due[0].enterprise, "甲站隐患企业有限公司");

    // rectified: no longer open nor overdue
    officer
        .post(
            &format!("{url}/rectify"),
            &[
                ("rectified_on", &day(t1)),
                ("verified_by", &app.fixture.officer_a.to_string()),
            ],
        )
        .await;
    let page = officer.get(&url).await;
    assert!(page.text_of_id("overdue").is_none());
    let open = sanse::hazards::open_items(
        &app.db,
        crate::harness::scope(app.fixture.station_a),
        sanse::ids::EnterpriseId(ent),
        t1,
        Lang::En,
    )
    .await
    .unwrap();
    assert_eq!(open.len(), 1);
}

#[tokio::test]
async fn the_timeline_shows_hazards_newest_first_with_overdue_alerts() {
    let (app, ent, ent_b) = setup().await;
    let mut officer = app.login("officer.a").await;
    let t = today(&app);
    // past deadlines, so overdue against the real clock too
    report(
        &mut officer,
        ent,
        &day(t - Duration::days(30)),
        &day(t - Duration::days(10)),
        "major",
        "早已逾期的隐患",
    )
    .await;
    report(
        &mut officer,
        ent,
        &day(t - Duration::days(2)),
        &day(t + Duration::days(10)),
        "general",
        "新发现的隐患",
    )
    .await;
    let entries = sanse::hazards::timeline(
        &app.db,
        crate::harness::scope(app.fixture.station_a),
        sanse::ids::EnterpriseId(ent),
        app.state.clock.today(),
        Lang::Zh,
    )
    .await
    .unwrap();
    assert_eq!(entries.len(), 2);
    assert!(entries[0].summary.contains("新发现的隐患"));
    assert_eq!(entries[0].alert, None);
    assert_eq!(entries[0].kind, "hazard");
    assert_eq!(entries[1].date, t - Duration::days(30));
    assert_eq!(entries[1].alert.as_deref(), Some("已逾期"));
    assert!(entries[1].label.contains("重大隐患"));
    let en = sanse::hazards::timeline(
        &app.db,
        crate::harness::scope(app.fixture.station_a),
        sanse::ids::EnterpriseId(ent),
        app.state.clock.today(),
        Lang::En,
    )
    .await
    .unwrap();
    assert_eq!(en[1].alert.as_deref(), Some("Overdue"));
    // another station's enterprise through this station: nothing
    let none = sanse::hazards::timeline(
        &app.db,
        crate::harness::scope(app.fixture.station_a),
        sanse::ids::EnterpriseId(ent_b),
        app.state.clock.today(),
        Lang::Zh,
    )
    .await
    .unwrap();
    assert!(none.is_empty());
}

#[tokio::test]
async fn only_chiefs_delete_and_the_deletion_is_audited() {
    let (app, ent, _) = setup().await;
    let mut officer = app.login("officer.a").await;
    let url = report(
        &mut officer,
        ent,
        &day(today(&app)),
        &day(today(&app) + Duration::days(5)),
        "general",
        "将被删除的隐患",
    )
    .await;
    let refused = officer.post(&format!("{url}/delete"), &[]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(!officer.get(&url).await.body.contains("确认删除"));
    let mut chief = app.login("chief.a").await;
    assert!(chief.get(&url).await.body.contains("确认删除"));
    let done = chief.post(&format!("{url}/delete"), &[]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(done.location(), format!("/enterprises/{ent}"));
    assert_eq!(chief.get(&url).await.status, StatusCode::NOT_FOUND);
    let kept: i64 = sqlx::query_scalar("select count(*) from hazard where deleted_at is not null")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(kept, 1, "soft delete");
    let audit: String =
        sqlx::query_scalar("select summary from audit_event where action = 'hazard.delete'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert!(audit.contains("将被删除的隐患"));
    assert!(
        !chief.get("/hazards").await.body.contains("将被删除的隐患"),
        "gone from the list"
    );
}

#[tokio::test]
async fn another_stations_hazards_are_not_found_and_not_changed() {
    let (app, ent_a, ent_b) = setup().await;
    let mut officer_b = app.login("officer.b").await;
    let found = day(today(&app));
    let deadline = day(today(&app) + Duration::days(5));
    let url_b = report(
        &mut officer_b,
        ent_b,
        &found,
        &deadline,
        "general",
        "乙站的隐患",
    )
    .await;

    let mut officer_a = app.login("officer.a").await;
    assert_eq!(officer_a.get(&url_b).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        officer_a.get(&format!("{url_b}/edit")).await.status,
        StatusCode::NOT_FOUND
    );
    let post = officer_a
        .post(
            &format!("{url_b}/edit"),
            &[
                ("found_on", &found),
                ("deadline", &deadline),
                ("severity", "major"),
                ("description", "篡改"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(post.status, StatusCode::NOT_FOUND);
    let rectify = officer_a
        .post(
            &format!("{url_b}/rectify"),
            &[
                ("rectified_on", &found),
                ("verified_by", &app.fixture.officer_a.to_string()),
            ],
        )
        .await;
    assert_eq!(rectify.status, StatusCode::NOT_FOUND);
    assert_eq!(
        officer_a
            .get(&format!("/enterprises/{ent_b}/hazards/new"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let token_a = officer_a
        .get(&format!("/enterprises/{ent_a}/hazards/new"))
        .await
        .input_value("form_token")
        .unwrap();
    let cross = officer_a
        .post(
            &format!("/enterprises/{ent_b}/hazards"),
            &[
                ("found_on", &found),
                ("deadline", &deadline),
                ("severity", "general"),
                ("description", "写进别的派出所"),
                ("form_token", &token_a),
            ],
        )
        .await;
    assert_eq!(cross.status, StatusCode::NOT_FOUND);
    let mut chief_a = app.login("chief.a").await;
    let del = chief_a.post(&format!("{url_b}/delete"), &[]).await;
    assert_eq!(del.status, StatusCode::NOT_FOUND);
    assert!(!officer_a.get("/hazards").await.body.contains("乙站的隐患"));
    let rows: Vec<(String, String, bool, bool)> = sqlx::query_as(
        "select description, severity::text, rectified_on is null, deleted_at is null from hazard",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(
        rows,
        [("乙站的隐患".to_owned(), "general".to_owned(), true, true)]
    );
    // the cross-station functions see nothing either
    let open = sanse::hazards::open_items(
        &app.db,
        crate::harness::scope(app.fixture.station_a),
        sanse::ids::EnterpriseId(ent_b),
        today(&app),
        Lang::Zh,
    )
    .await
    .unwrap();
    assert!(open.is_empty());
    // departments have no business here
    let mut dept = app.login("dept.x").await;
    assert_eq!(dept.get("/hazards").await.status, StatusCode::FORBIDDEN);
    assert_eq!(dept.get(&url_b).await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        dept.get(&format!("{url_b}/edit")).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        dept.get(&format!("/enterprises/{ent_b}/hazards/new"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let rectify = dept
        .post(
            &format!("{url_b}/rectify"),
            &[
                ("rectified_on", &found),
                ("verified_by", &app.fixture.officer_b.to_string()),
            ],
        )
        .await;
    assert_eq!(rectify.status, StatusCode::FORBIDDEN);
    assert_eq!(
        dept.post(&format!("{url_b}/delete"), &[]).await.status,
        StatusCode::FORBIDDEN
    );
}

/// Inserts a hazard straight into the database; `rectified` also sets the
/// verifier, as the schema requires.
async fn hazard_on(
    app: &TestApp,
    station: i64,
    enterprise: i64,
    found: &str,
    rectified: Option<&str>,
    description: &str,
) {
    sqlx::query(
        "insert into hazard (station_id, enterprise_id, found_on, severity, description, deadline,
                             rectified_on, verified_by, created_by)
         values ($1, $2, $3::date, 'general', $4, date '2026-12-31', $5::date,
                 case when $5 is null then null else $6 end, $6)",
    )
    .bind(station)
    .bind(enterprise)
    .bind(found)
    .bind(description)
    .bind(rectified)
    .bind(app.fixture.officer_a)
    .execute(&app.db)
    .await
    .unwrap();
}

#[tokio::test]
async fn the_list_ranges_the_found_or_the_rectified_date_of_one_enterprise() {
    let (app, ent, foreign) = setup().await;
    let other = insert_enterprise(&app.db, app.fixture.station_a, "甲站另一企业", None).await;
    let (a, b) = (app.fixture.station_a, app.fixture.station_b);
    hazard_on(
        &app,
        a,
        ent,
        "2026-10-10",
        Some("2026-11-05"),
        "十月发现十一月整改",
    )
    .await;
    hazard_on(
        &app,
        a,
        ent,
        "2026-09-20",
        Some("2026-10-31"),
        "九月发现十月整改",
    )
    .await;
    hazard_on(&app, a, ent, "2026-10-31", None, "十月末发现未整改").await;
    hazard_on(&app, a, ent, "2026-11-01", None, "十一月首日发现").await;
    hazard_on(
        &app,
        a,
        other,
        "2026-10-15",
        Some("2026-10-20"),
        "另一企业十月隐患",
    )
    .await;
    hazard_on(&app, b, foreign, "2026-10-15", None, "外站十月隐患").await;
    let mut officer = app.login("officer.a").await;
    let all = [
        "十月发现十一月整改",
        "九月发现十月整改",
        "十月末发现未整改",
        "十一月首日发现",
        "另一企业十月隐患",
        "外站十月隐患",
    ];
    let shows_exactly = |body: &str, shown: &[&str]| {
        for d in all {
            assert_eq!(body.contains(d), shown.contains(&d), "{d} in {shown:?}");
        }
    };

    let found_oct = officer
        .get(&format!(
            "/hazards?enterprise={ent}&on=found&from=2026-10-01&to=2026-10-31"
        ))
        .await;
    assert_eq!(found_oct.status, StatusCode::OK);
    shows_exactly(&found_oct.body, &["十月发现十一月整改", "十月末发现未整改"]);
    assert_eq!(
        found_oct.text_of_id("enterprise-filter").unwrap(),
        "企业：甲站隐患企业有限公司 ✕"
    );
    // `found` is the default.
    let default = officer
        .get(&format!(
            "/hazards?enterprise={ent}&from=2026-10-01&to=2026-10-31"
        ))
        .await;
    shows_exactly(&default.body, &["十月发现十一月整改", "十月末发现未整改"]);
    let junk_on = officer
        .get(&format!(
            "/hazards?enterprise={ent}&on=junk&from=2026-10-01&to=2026-10-31"
        ))
        .await;
    assert_eq!(junk_on.status, StatusCode::OK);
    shows_exactly(&junk_on.body, &["十月发现十一月整改", "十月末发现未整改"]);

    let rectified_oct = officer
        .get(&format!(
            "/hazards?enterprise={ent}&on=rectified&from=2026-10-01&to=2026-10-31"
        ))
        .await;
    shows_exactly(&rectified_oct.body, &["九月发现十月整改"]);
    let rectified_nov = officer
        .get(&format!(
            "/hazards?enterprise={ent}&on=rectified&from=2026-11-01&to=2026-11-30"
        ))
        .await;
    shows_exactly(&rectified_nov.body, &["十月发现十一月整改"]);
    assert!(rectified_nov.body.contains("共 1 条"));
    assert!(
        rectified_nov
            .body
            .contains("<option value=\"rectified\" selected>")
    );
    assert_eq!(
        rectified_nov.input_value("enterprise").unwrap(),
        ent.to_string()
    );
    // Clearing the enterprise keeps the date and which date it is.
    assert!(
        rectified_nov
            .body
            .contains("href=\"/hazards?on=rectified&#38;from=2026-11-01&#38;to=2026-11-30\""),
        "{}",
        rectified_nov.body
    );

    // The station's hazards rectified in October, whichever enterprise.
    let station_oct = officer
        .get("/hazards?on=rectified&from=2026-10-01&to=2026-10-31")
        .await;
    shows_exactly(&station_oct.body, &["九月发现十月整改", "另一企业十月隐患"]);

    // Another station's enterprise: nothing, and not its name.
    let page = officer
        .get(&format!("/hazards?enterprise={foreign}&from=2026-10-01"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    shows_exactly(&page.body, &[]);
    assert!(!page.body.contains("乙站隐患企业有限公司"));

    // Malformed dates filter nothing; `from` after `to` keeps nothing.
    let page = officer
        .get(&format!(
            "/hazards?enterprise={ent}&from=2025-02-30&to=2026-13-01"
        ))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    shows_exactly(
        &page.body,
        &[
            "十月发现十一月整改",
            "九月发现十月整改",
            "十月末发现未整改",
            "十一月首日发现",
        ],
    );
    assert!(page.body.contains("id=\"to-error\""));
    let page = officer.get("/hazards?from=2026-10-31&to=2026-10-01").await;
    shows_exactly(&page.body, &[]);

    // Pages keep the enterprise and the date it ranges.
    sqlx::query(
        "insert into hazard (station_id, enterprise_id, found_on, severity, description, deadline,
                             rectified_on, verified_by, created_by)
         select $1, $2, date '2026-09-01', 'general', '批量隐患' || n, date '2026-12-31',
                date '2026-11-10', $3, $3
         from generate_series(1, 30) n",
    )
    .bind(a)
    .bind(ent)
    .bind(app.fixture.officer_a)
    .execute(&app.db)
    .await
    .unwrap();
    let first = officer
        .get(&format!(
            "/hazards?enterprise={ent}&on=rectified&from=2026-11-01&to=2026-11-30"
        ))
        .await;
    assert!(first.body.contains("共 31 条"));
    let next = format!(
        "href=\"?enterprise={ent}&#38;on=rectified&#38;from=2026-11-01&#38;to=2026-11-30&#38;page=2\""
    );
    assert!(first.body.contains(&next), "{}", first.body);

    officer.post("/lang", &[("lang", "en")]).await;
    let page = officer.get(&format!("/hazards?enterprise={ent}")).await;
    assert_eq!(
        page.text_of_id("enterprise-filter").unwrap(),
        "Enterprise: 甲站隐患企业有限公司 ✕"
    );
    assert!(page.body.contains("<label for=\"on\">Dates by</label>"));
}
