//! Demands: create/list/view/edit, validation, the policy's response period,
//! the open → responded → resolved workflow, extensions with reasons, derived
//! overdue (moving the clock), double submits, conflicts, deletion, station
//! scoping.

use axum::http::StatusCode;
use chrono::{Duration, NaiveDate};
use sanse::i18n::Lang;

use crate::harness::{Client, TestApp, count_rows, insert_enterprise};

async fn setup() -> (TestApp, i64, i64) {
    let app = TestApp::new().await;
    let a = insert_enterprise(
        &app.db,
        app.fixture.station_a,
        "甲站诉求企业有限公司",
        Some(app.fixture.officer_a),
    )
    .await;
    let b = insert_enterprise(
        &app.db,
        app.fixture.station_b,
        "乙站诉求企业有限公司",
        Some(app.fixture.officer_b),
    )
    .await;
    (app, a, b)
}

fn today(app: &TestApp) -> NaiveDate {
    app.state.clock.today()
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Create a demand through the form; returns its URL.
async fn create(
    client: &mut Client,
    ent: i64,
    received_on: &str,
    content: &str,
    assignee: i64,
) -> String {
    let form = client.get(&format!("/enterprises/{ent}/demands/new")).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    let token = form.input_value("form_token").unwrap();
    let assignee = assignee.to_string();
    let created = client
        .post(
            &format!("/enterprises/{ent}/demands"),
            &[
                ("received_on", received_on),
                ("kind", "difficulty"),
                ("content", content),
                ("assignee_id", &assignee),
                ("form_token", &token),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    created.location().to_owned()
}

#[derive(Debug, sqlx::FromRow, PartialEq)]
struct Row {
    status: String,
    due_on: NaiveDate,
    response: String,
    responded_on: Option<NaiveDate>,
    resolved_on: Option<NaiveDate>,
    version: i32,
}

async fn row(app: &TestApp, url: &str) -> Row {
    let id: i64 = url.rsplit('/').next().unwrap().parse().unwrap();
    sqlx::query_as(
        "select status::text as status, due_on, response, responded_on, resolved_on, version
         from demand where demand_id = $1",
    )
    .bind(id)
    .fetch_one(&app.db)
    .await
    .unwrap()
}

#[tokio::test]
async fn an_officer_records_views_lists_and_edits_a_demand() {
    let (app, ent, _) = setup().await;
    let mut officer = app.login("officer.a").await;
    let form = officer
        .get(&format!("/enterprises/{ent}/demands/new"))
        .await;
    assert!(form.body.contains("登记诉求"));
    assert!(
        form.body.contains("受理日期后 15 天"),
        "the period is shown"
    );
    assert!(
        form.body.contains(&format!(
            "<option value=\"{}\" selected>王警官</option>",
            app.fixture.officer_a
        )),
        "the liaison officer is the default assignee"
    );
    let url = create(
        &mut officer,
        ent,
        "2026-01-10",
        "希望协调解决员工通勤班车停靠点",
        app.fixture.officer_a,
    )
    .await;
    let page = officer.get(&url).await;
    assert!(page.body.contains("希望协调解决员工通勤班车停靠点"));
    assert!(page.body.contains("困难诉求"));
    assert!(page.body.contains("已保存"), "flash after saving");
    assert_eq!(
        page.text_of_id("due-on").unwrap(),
        "2026-01-25",
        "received + 15 days"
    );
    assert_eq!(page.text_of_id("status").unwrap(), "待答复");

    let list = officer.get("/demands").await;
    assert!(list.body.contains("甲站诉求企业有限公司"));
    for (query, shown) in [
        ("kind=opinion", false),
        ("kind=difficulty", true),
        ("status=resolved", false),
        ("status=open", true),
        (&*format!("assignee={}", app.fixture.chief_a), false),
        (&*format!("assignee={}", app.fixture.officer_a), true),
        ("kind=junk", true),
    ] {
        let filtered = officer.get(&format!("/demands?{query}")).await;
        assert_eq!(
            filtered.body.contains("希望协调解决员工通勤班车停靠点"),
            shown,
            "{query}"
        );
    }

    // edit kind, content, assignee; dates are not on the form
    let edit = officer.get(&format!("{url}/edit")).await;
    assert_eq!(edit.status, StatusCode::OK);
    assert_eq!(edit.input_value("version").unwrap(), "1");
    assert!(
        edit.input_value("received_on").is_none(),
        "dates are not editable"
    );
    let chief = app.fixture.chief_a.to_string();
    let saved = officer
        .post(
            &format!("{url}/edit"),
            &[
                ("kind", "suggestion"),
                ("content", "建议增设公交站点"),
                ("assignee_id", &chief),
                ("received_on", "2026-01-01"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let page = officer.get(&url).await;
    assert!(page.body.contains("建议增设公交站点") && page.body.contains("李所长"));
    assert_eq!(
        page.text_of_id("due-on").unwrap(),
        "2026-01-25",
        "a posted date is ignored"
    );
    // English
    officer.post("/lang", &[("lang", "en")]).await;
    let page = officer.get(&url).await;
    assert!(page.body.contains("Suggestion") && page.body.contains("Response due"));
    assert!(page.body.contains("Extend the due date"));
    let list = officer.get("/demands").await;
    assert!(list.body.contains("Enterprise demands") && list.body.contains("Overdue only"));

    let audit: Vec<(String, String)> = sqlx::query_as(
        "select action, summary from audit_event where entity = 'demand' order by audit_event_id",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(audit[0].0, "demand.create");
    assert!(audit[0].1.contains("due 2026-01-25"), "{}", audit[0].1);
    assert_eq!(audit[1].0, "demand.update");
    assert!(
        audit[1].1.contains("kind: difficulty → suggestion"),
        "{}",
        audit[1].1
    );
}

#[tokio::test]
async fn without_a_liaison_the_recorder_is_the_default_assignee() {
    let app = TestApp::new().await;
    let ent = insert_enterprise(&app.db, app.fixture.station_a, "无联络民警企业", None).await;
    let mut chief = app.login("chief.a").await;
    let form = chief.get(&format!("/enterprises/{ent}/demands/new")).await;
    assert!(form.body.contains(&format!(
        "<option value=\"{}\" selected>李所长</option>",
        app.fixture.chief_a
    )));
}

#[tokio::test]
async fn the_due_date_follows_the_policy() {
    let (app, ent, _) = setup().await;
    sqlx::query("update scoring_policy set demand_response_days = 10")
        .execute(&app.db)
        .await
        .unwrap();
    assert_eq!(sanse::demands::response_days(&app.db).await.unwrap(), 10);
    let mut officer = app.login("officer.a").await;
    let form = officer
        .get(&format!("/enterprises/{ent}/demands/new"))
        .await;
    assert!(form.body.contains("受理日期后 10 天"));
    let url = create(
        &mut officer,
        ent,
        "2026-02-20",
        "十天期限",
        app.fixture.officer_a,
    )
    .await;
    assert_eq!(row(&app, &url).await.due_on, day("2026-03-02"));

    // the newest policy version is the one in force
    sqlx::query(
        "insert into scoring_policy (version, effective_from, mass_dispute_threshold, demand_response_days)
         values (2, '2026-Q2', 30, 5)",
    )
    .execute(&app.db)
    .await
    .unwrap();
    let url = create(
        &mut officer,
        ent,
        "2026-02-20",
        "五天期限",
        app.fixture.officer_a,
    )
    .await;
    assert_eq!(row(&app, &url).await.due_on, day("2026-02-25"));

    // no policy at all: 15 days
    sqlx::query("delete from scoring_policy")
        .execute(&app.db)
        .await
        .unwrap();
    assert_eq!(sanse::demands::response_days(&app.db).await.unwrap(), 15);
}

#[tokio::test]
async fn bad_input_is_shown_next_to_the_field_and_kept() {
    let (app, ent, _) = setup().await;
    let mut officer = app.login("officer.a").await;
    let token = officer
        .get(&format!("/enterprises/{ent}/demands/new"))
        .await
        .input_value("form_token")
        .unwrap();
    let foreign = app.fixture.officer_b.to_string();
    let resp = officer
        .post(
            &format!("/enterprises/{ent}/demands"),
            &[
                ("received_on", "2025-02-30"),
                ("kind", "complaint"),
                ("content", "<b>保留我输入的内容</b>"),
                ("assignee_id", &foreign),
                ("form_token", &token),
            ],
        )
        .await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        resp.text_of_id("received_on-error")
            .unwrap()
            .contains("YYYY-MM-DD")
    );
    assert_eq!(resp.text_of_id("kind-error").unwrap(), "请从列表中选择。");
    assert_eq!(
        resp.text_of_id("assignee_id-error").unwrap(),
        "请选择本所的民警。",
        "another station's officer"
    );
    assert!(
        resp.body
            .contains("&#60;b&#62;保留我输入的内容&#60;/b&#62;")
    );
    assert!(resp.body.contains("value=\"2025-02-30\""));

    let future = (today(&app) + Duration::days(1)).to_string();
    let resp = officer
        .post(
            &format!("/enterprises/{ent}/demands"),
            &[
                ("received_on", &future),
                ("kind", "opinion"),
                ("content", "   "),
                ("assignee_id", ""),
                ("form_token", &token),
            ],
        )
        .await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        resp.text_of_id("received_on-error")
            .unwrap()
            .contains("不能晚于今天")
    );
    assert_eq!(resp.text_of_id("content-error").unwrap(), "此项为必填项。");
    assert_eq!(
        resp.text_of_id("assignee_id-error").unwrap(),
        "此项为必填项。"
    );
    assert!(resp.text_of_id("kind-error").is_none());
    assert_eq!(count_rows(&app.db, "demand").await, 0);

    // the edit form checks the same fields
    let url = create(
        &mut officer,
        ent,
        "2026-01-10",
        "原内容",
        app.fixture.officer_a,
    )
    .await;
    let resp = officer
        .post(
            &format!("{url}/edit"),
            &[
                ("kind", "other"),
                ("content", ""),
                ("assignee_id", &foreign),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(resp.text_of_id("kind-error").is_some());
    assert!(resp.text_of_id("content-error").is_some());
    assert!(resp.text_of_id("assignee_id-error").is_some());
    assert_eq!(row(&app, &url).await.version, 1, "nothing saved");
}

#[tokio::test]
async fn a_double_submit_creates_one_demand() {
    let (app, ent, _) = setup().await;
    let mut officer = app.login("officer.a").await;
    let token = officer
        .get(&format!("/enterprises/{ent}/demands/new"))
        .await
        .input_value("form_token")
        .unwrap();
    let assignee = app.fixture.officer_a.to_string();
    let fields = [
        ("received_on", "2026-01-10"),
        ("kind", "opinion"),
        ("content", "同一张表单提交两次"),
        ("assignee_id", assignee.as_str()),
        ("form_token", token.as_str()),
    ];
    let first = officer
        .post(&format!("/enterprises/{ent}/demands"), &fields)
        .await;
    let second = officer
        .post(&format!("/enterprises/{ent}/demands"), &fields)
        .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    assert_eq!(second.status, StatusCode::SEE_OTHER);
    assert_eq!(first.location(), second.location());
    assert_eq!(count_rows(&app.db, "demand").await, 1);
}

#[tokio::test]
async fn a_stale_edit_does_not_overwrite_and_keeps_what_was_typed() {
    let (app, ent, _) = setup().await;
    let mut first = app.login("officer.a").await;
    let mut second = app.login("chief.a").await;
    let url = create(
        &mut first,
        ent,
        "2026-01-10",
        "原始内容",
        app.fixture.officer_a,
    )
    .await;
    let assignee = app.fixture.officer_a.to_string();
    let ok = second
        .post(
            &format!("{url}/edit"),
            &[
                ("kind", "difficulty"),
                ("content", "所长先保存的内容"),
                ("assignee_id", &assignee),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    let stale = first
        .post(
            &format!("{url}/edit"),
            &[
                ("kind", "difficulty"),
                ("content", "民警后保存的内容"),
                ("assignee_id", &assignee),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(
        stale
            .text_of_id("form-error")
            .unwrap()
            .contains("已被他人修改")
    );
    assert!(stale.body.contains("民警后保存的内容"));
    assert!(stale.body.contains("当前保存的值: 所长先保存的内容"));
    assert_eq!(stale.input_value("version").unwrap(), "2");
    let content: String = sqlx::query_scalar("select content from demand")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(content, "所长先保存的内容");
}

#[tokio::test]
async fn a_demand_is_responded_to_then_resolved_and_nothing_else() {
    let (app, ent, _) = setup().await;
    let mut officer = app.login("officer.a").await;
    let url = create(
        &mut officer,
        ent,
        "2026-01-10",
        "厂区门口路灯不亮",
        app.fixture.officer_a,
    )
    .await;
    let before = row(&app, &url).await;

    // resolve before respond
    let resp = officer
        .post(
            &format!("{url}/resolve"),
            &[("resolved_on", "2026-01-20"), ("version", "1")],
        )
        .await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(resp.text_of_id("form-error").unwrap().contains("须先答复"));
    assert_eq!(row(&app, &url).await, before, "nothing changed");

    // respond without text
    let resp = officer
        .post(
            &format!("{url}/respond"),
            &[("response", "  "), ("responded_on", ""), ("version", "1")],
        )
        .await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(resp.text_of_id("response-error").unwrap(), "此项为必填项。");
    assert_eq!(row(&app, &url).await, before);

    // a responded date before the demand was received, in the future, or junk
    let future = (today(&app) + Duration::days(1)).to_string();
    for (date, message) in [
        ("2026-01-09", "不能早于受理日期"),
        (future.as_str(), "不能晚于今天"),
        ("2026-13-01", "YYYY-MM-DD"),
    ] {
        let resp = officer
            .post(
                &format!("{url}/respond"),
                &[
                    ("response", "已联系市政维修"),
                    ("responded_on", date),
                    ("version", "1"),
                ],
            )
            .await;
        assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY, "{date}");
        assert!(
            resp.text_of_id("responded_on-error")
                .unwrap()
                .contains(message),
            "{date}"
        );
        assert!(
            resp.body.contains("已联系市政维修"),
            "what was typed is kept"
        );
    }
    assert_eq!(row(&app, &url).await, before);

    // respond, with the date defaulting to today
    let resp = officer
        .post(
            &format!("{url}/respond"),
            &[
                ("response", "已联系市政维修，三日内修复"),
                ("responded_on", ""),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER, "{}", resp.body);
    let after = row(&app, &url).await;
    assert_eq!(after.status, "responded");
    assert_eq!(after.responded_on, Some(today(&app)));
    assert_eq!(after.response, "已联系市政维修，三日内修复");
    let page = officer.get(&url).await;
    assert_eq!(page.text_of_id("status").unwrap(), "已答复");
    assert!(page.body.contains("已联系市政维修，三日内修复"));
    assert!(
        !page.body.contains("/respond\""),
        "no respond form any more"
    );

    // responding twice and extending a responded demand are refused
    let resp = officer
        .post(
            &format!("{url}/respond"),
            &[("response", "再次答复"), ("version", "2")],
        )
        .await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        resp.text_of_id("form-error")
            .unwrap()
            .contains("只有待答复")
    );
    let resp = officer
        .post(
            &format!("{url}/extend"),
            &[
                ("new_due_on", "2026-12-31"),
                ("reason", "需要更多时间"),
                ("version", "2"),
            ],
        )
        .await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(row(&app, &url).await, after);

    // resolve: not before the response
    let yesterday = (today(&app) - Duration::days(1)).to_string();
    let resp = officer
        .post(
            &format!("{url}/resolve"),
            &[("resolved_on", &yesterday), ("version", "2")],
        )
        .await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        resp.text_of_id("resolved_on-error")
            .unwrap()
            .contains("不能早于答复日期")
    );
    let resp = officer
        .post(
            &format!("{url}/resolve"),
            &[("resolved_on", ""), ("version", "2")],
        )
        .await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER, "{}", resp.body);
    let done = row(&app, &url).await;
    assert_eq!(done.status, "resolved");
    assert_eq!(done.resolved_on, Some(today(&app)));
    let resp = officer
        .post(&format!("{url}/resolve"), &[("version", "3")])
        .await;
    assert_eq!(
        resp.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "resolved is final"
    );
    assert_eq!(row(&app, &url).await, done);

    let actions: Vec<String> = app
        .audit_actions()
        .await
        .into_iter()
        .filter(|a| a.starts_with("demand."))
        .collect();
    assert_eq!(
        actions,
        ["demand.create", "demand.respond", "demand.resolve"]
    );
}

#[tokio::test]
async fn a_stale_transition_is_a_conflict_and_changes_nothing() {
    let (app, ent, _) = setup().await;
    let mut officer = app.login("officer.a").await;
    let url = create(
        &mut officer,
        ent,
        "2026-01-10",
        "旧页面上的诉求",
        app.fixture.officer_a,
    )
    .await;
    let assignee = app.fixture.chief_a.to_string();
    // someone edits it meanwhile (version 1 → 2)
    let mut chief = app.login("chief.a").await;
    chief
        .post(
            &format!("{url}/edit"),
            &[
                ("kind", "opinion"),
                ("content", "所长改过"),
                ("assignee_id", &assignee),
                ("version", "1"),
            ],
        )
        .await;
    let before = row(&app, &url).await;
    for (action, fields) in [
        (
            "respond",
            vec![("response", "基于旧页面的答复"), ("version", "1")],
        ),
        (
            "extend",
            vec![
                ("new_due_on", "2026-12-31"),
                ("reason", "旧页面延期"),
                ("version", "1"),
            ],
        ),
        ("resolve", vec![("version", "1")]),
    ] {
        let resp = officer.post(&format!("{url}/{action}"), &fields).await;
        assert_eq!(resp.status, StatusCode::CONFLICT, "{action}");
        assert!(
            resp.text_of_id("form-error")
                .unwrap()
                .contains("已被他人更新")
        );
        assert!(
            resp.body.contains("所长改过"),
            "the page shows it as it is now"
        );
        assert_eq!(resp.input_value("version").unwrap(), "2");
    }
    assert!(
        officer
            .post(
                &format!("{url}/respond"),
                &[("response", "基于旧页面的答复"), ("version", "1")]
            )
            .await
            .body
            .contains("基于旧页面的答复"),
        "what was typed is kept"
    );
    assert_eq!(row(&app, &url).await, before);
    assert_eq!(count_rows(&app.db, "demand_extension").await, 0);
}

#[tokio::test]
async fn extensions_need_a_reason_and_a_later_date_and_overdue_follows_them() {
    let (app, ent, _) = setup().await;
    let mut officer = app.login("officer.a").await;
    let start = today(&app);
    let url = create(
        &mut officer,
        ent,
        &start.to_string(),
        "申请协助办理外来务工人员居住登记",
        app.fixture.officer_a,
    )
    .await;
    let due = start + Duration::days(15);
    assert_eq!(row(&app, &url).await.due_on, due);
    let later = (due + Duration::days(5)).to_string();

    // without a reason
    let resp = officer
        .post(
            &format!("{url}/extend"),
            &[("new_due_on", &later), ("reason", " "), ("version", "1")],
        )
        .await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(resp.text_of_id("reason-error").unwrap(), "此项为必填项。");
    assert!(
        resp.body.contains(&format!("value=\"{later}\"")),
        "the date is kept"
    );
    // earlier or the same date
    for date in [due - Duration::days(1), due] {
        let resp = officer
            .post(
                &format!("{url}/extend"),
                &[
                    ("new_due_on", &date.to_string()),
                    ("reason", "等待街道答复"),
                    ("version", "1"),
                ],
            )
            .await;
        assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            resp.text_of_id("new_due_on-error")
                .unwrap()
                .contains("必须晚于")
        );
    }
    assert_eq!(count_rows(&app.db, "demand_extension").await, 0);
    assert_eq!(row(&app, &url).await.due_on, due);

    // a proper extension
    let resp = officer
        .post(
            &format!("{url}/extend"),
            &[
                ("new_due_on", &later),
                ("reason", "需街道办联合答复，等待其回函"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER, "{}", resp.body);
    assert_eq!(row(&app, &url).await.due_on, due + Duration::days(5));
    let page = officer.get(&url).await;
    assert_eq!(page.text_of_id("due-on").unwrap(), later);
    assert!(page.body.contains(&format!("{due} → {later}")), "history");
    assert!(page.body.contains("需街道办联合答复，等待其回函"));
    assert!(page.body.contains(&format!("原定答复期限: {due}")));
    let audit: String =
        sqlx::query_scalar("select summary from audit_event where action = 'demand.extend'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert!(
        audit.contains(&format!("due_on: {due} → {later}")),
        "{audit}"
    );

    let station = app.fixture.station_a;
    let officer_id = app.fixture.officer_a;
    // past the original due date, but within the extension: not overdue
    app.state.clock.advance(Duration::days(16));
    // (sessions expire while the clock moves on: sign in again)
    let mut officer = app.login("officer.a").await;
    let now = today(&app);
    let page = officer.get(&url).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("id=\"due-on\""));
    assert!(!page.body.contains("overdue-badge"), "not falsely overdue");
    assert!(
        !officer
            .get("/demands?overdue=1")
            .await
            .body
            .contains("居住登记")
    );
    assert!(
        sanse::demands::overdue_for_station(&app.db, crate::harness::scope(station), now, Lang::Zh)
            .await
            .unwrap()
            .is_empty()
    );
    let due_items = sanse::demands::due_for_officer(
        &app.db,
        crate::harness::scope(station),
        sanse::ids::UserId(officer_id),
        now,
        Lang::Zh,
    )
    .await
    .unwrap();
    assert_eq!(due_items.len(), 1, "due within a week");
    assert!(!due_items[0].overdue);
    assert_eq!(due_items[0].due, Some(due + Duration::days(5)));

    // on the extended due date itself: still not overdue
    app.state.clock.advance(Duration::days(4));
    let mut officer = app.login("officer.a").await;
    let page = officer.get(&url).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("overdue-badge"));
    // the day after: overdue everywhere
    app.state.clock.advance(Duration::days(1));
    let mut officer = app.login("officer.a").await;
    let now = today(&app);
    let page = officer.get(&url).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("overdue-badge"));
    assert!(
        officer
            .get("/demands?overdue=1")
            .await
            .body
            .contains("居住登记")
    );
    let overdue =
        sanse::demands::overdue_for_station(&app.db, crate::harness::scope(station), now, Lang::Zh)
            .await
            .unwrap();
    assert_eq!(overdue.len(), 1);
    assert!(overdue[0].overdue && overdue[0].href == url);
    assert_eq!(overdue[0].enterprise, "甲站诉求企业有限公司");
    let due_items = sanse::demands::due_for_officer(
        &app.db,
        crate::harness::scope(station),
        sanse::ids::UserId(officer_id),
        now,
        Lang::Zh,
    )
    .await
    .unwrap();
    assert!(due_items[0].overdue);
    let chief_items = sanse::demands::due_for_officer(
        &app.db,
        crate::harness::scope(station),
        sanse::ids::UserId(app.fixture.chief_a),
        now,
        Lang::Zh,
    )
    .await
    .unwrap();
    assert!(chief_items.is_empty(), "only the assignee's");
    let open = sanse::demands::open_items(
        &app.db,
        crate::harness::scope(station),
        sanse::ids::EnterpriseId(ent),
        now,
        Lang::En,
    )
    .await
    .unwrap();
    assert_eq!(open.len(), 1);
    assert!(open[0].overdue && open[0].label.contains("Difficulty"));

    // once responded it is no longer overdue
    let resp = officer
        .post(
            &format!("{url}/respond"),
            &[("response", "已协助办理"), ("version", "2")],
        )
        .await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER, "{}", resp.body);
    assert!(!officer.get(&url).await.body.contains("overdue-badge"));
    assert!(
        sanse::demands::overdue_for_station(&app.db, crate::harness::scope(station), now, Lang::Zh)
            .await
            .unwrap()
            .is_empty()
    );
    let open = sanse::demands::open_items(
        &app.db,
        crate::harness::scope(station),
        sanse::ids::EnterpriseId(ent),
        now,
        Lang::Zh,
    )
    .await
    .unwrap();
    assert_eq!(open.len(), 1, "responded: still to resolve");
    assert!(!open[0].overdue && open[0].due.is_none());
}

#[tokio::test]
async fn the_timeline_shows_the_enterprises_demands() {
    let (app, ent, _) = setup().await;
    let mut officer = app.login("officer.a").await;
    let url = create(
        &mut officer,
        ent,
        "2026-01-10",
        "一条很早的诉求",
        app.fixture.officer_a,
    )
    .await;
    let entries = sanse::demands::timeline(
        &app.db,
        crate::harness::scope(app.fixture.station_a),
        sanse::ids::EnterpriseId(ent),
        app.state.clock.today(),
        Lang::Zh,
    )
    .await
    .unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].date, day("2026-01-10"));
    assert_eq!(entries[0].label, "诉求 · 困难诉求");
    assert_eq!(entries[0].href, url);
    assert_eq!(
        entries[0].alert.as_deref(),
        Some("已逾期"),
        "due 2026-01-25, still open"
    );
    let other = sanse::demands::timeline(
        &app.db,
        crate::harness::scope(app.fixture.station_b),
        sanse::ids::EnterpriseId(ent),
        app.state.clock.today(),
        Lang::Zh,
    )
    .await
    .unwrap();
    assert!(other.is_empty(), "scoped to the station");
}

#[tokio::test]
async fn only_chiefs_delete_and_the_deletion_is_audited() {
    let (app, ent, _) = setup().await;
    let mut officer = app.login("officer.a").await;
    let url = create(
        &mut officer,
        ent,
        "2026-01-10",
        "将被删除的诉求",
        app.fixture.officer_a,
    )
    .await;
    assert!(!officer.get(&url).await.body.contains("确认删除"));
    let refused = officer.post(&format!("{url}/delete"), &[]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let mut chief = app.login("chief.a").await;
    assert!(chief.get(&url).await.body.contains("确认删除"));
    let done = chief.post(&format!("{url}/delete"), &[]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(done.location(), format!("/enterprises/{ent}"));
    assert_eq!(chief.get(&url).await.status, StatusCode::NOT_FOUND);
    assert!(!chief.get("/demands").await.body.contains("将被删除的诉求"));
    let kept: i64 = sqlx::query_scalar("select count(*) from demand where deleted_at is not null")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(kept, 1, "soft delete");
    let audit: String =
        sqlx::query_scalar("select summary from audit_event where action = 'demand.delete'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert!(audit.contains("将被删除的诉求"));
}

#[tokio::test]
async fn another_stations_demands_are_not_found_and_not_changed() {
    let (app, ent_a, ent_b) = setup().await;
    let mut officer_b = app.login("officer.b").await;
    let url_b = create(
        &mut officer_b,
        ent_b,
        "2026-01-10",
        "乙站的诉求",
        app.fixture.officer_b,
    )
    .await;
    let before = row(&app, &url_b).await;

    let mut officer_a = app.login("officer.a").await;
    for path in [
        url_b.clone(),
        format!("{url_b}/edit"),
        format!("/enterprises/{ent_b}/demands/new"),
    ] {
        assert_eq!(
            officer_a.get(&path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let assignee = app.fixture.officer_a.to_string();
    for (path, fields) in [
        (
            format!("{url_b}/edit"),
            vec![
                ("kind", "opinion"),
                ("content", "篡改"),
                ("assignee_id", assignee.as_str()),
                ("version", "1"),
            ],
        ),
        (
            format!("{url_b}/respond"),
            vec![("response", "篡改"), ("version", "1")],
        ),
        (format!("{url_b}/resolve"), vec![("version", "1")]),
        (
            format!("{url_b}/extend"),
            vec![
                ("new_due_on", "2026-12-31"),
                ("reason", "篡改"),
                ("version", "1"),
            ],
        ),
    ] {
        let resp = officer_a.post(&path, &fields).await;
        assert_eq!(resp.status, StatusCode::NOT_FOUND, "{path}: {}", resp.body);
    }
    let token_a = officer_a
        .get(&format!("/enterprises/{ent_a}/demands/new"))
        .await
        .input_value("form_token")
        .unwrap();
    let cross = officer_a
        .post(
            &format!("/enterprises/{ent_b}/demands"),
            &[
                ("received_on", "2026-01-10"),
                ("kind", "opinion"),
                ("content", "写进别的派出所"),
                ("assignee_id", &assignee),
                ("form_token", &token_a),
            ],
        )
        .await;
    assert_eq!(cross.status, StatusCode::NOT_FOUND);
    let mut chief_a = app.login("chief.a").await;
    assert_eq!(
        chief_a.post(&format!("{url_b}/delete"), &[]).await.status,
        StatusCode::NOT_FOUND
    );
    let list = officer_a.get("/demands").await;
    assert!(!list.body.contains("乙站的诉求"));
    let list = officer_a
        .get(&format!("/demands?assignee={}", app.fixture.officer_b))
        .await;
    assert!(
        !list.body.contains("乙站的诉求"),
        "filtering by a foreign officer shows nothing"
    );
    assert!(
        sanse::demands::open_items(
            &app.db,
            crate::harness::scope(app.fixture.station_a),
            sanse::ids::EnterpriseId(ent_b),
            today(&app),
            Lang::Zh
        )
        .await
        .unwrap()
        .is_empty()
    );

    assert_eq!(row(&app, &url_b).await, before);
    assert_eq!(count_rows(&app.db, "demand").await, 1);
    assert_eq!(count_rows(&app.db, "demand_extension").await, 0);
    let deleted: i64 =
        sqlx::query_scalar("select count(*) from demand where deleted_at is not null")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(deleted, 0);

    // departments have no business here
    let mut dept = app.login("dept.x").await;
    assert_eq!(dept.get("/demands").await.status, StatusCode::FORBIDDEN);
    assert_eq!(dept.get(&url_b).await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        dept.get(&format!("/enterprises/{ent_b}/demands/new"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        dept.post(
            &format!("{url_b}/respond"),
            &[("response", "x"), ("version", "1")]
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(row(&app, &url_b).await, before);
}

/// Inserts a demand straight into the database, with its status following
/// the dates given.
async fn demand_on(
    app: &TestApp,
    station: i64,
    enterprise: i64,
    dates: (&str, Option<&str>, Option<&str>),
    content: &str,
) {
    let (received, responded, resolved) = dates;
    let status = match (responded, resolved) {
        (_, Some(_)) => "resolved",
        (Some(_), None) => "responded",
        (None, None) => "open",
    };
    sqlx::query(
        "insert into demand (station_id, enterprise_id, received_on, kind, content, assignee_id,
                             due_on, status, response, responded_on, resolved_on, created_by)
         values ($1, $2, $3::date, 'difficulty', $4, $5, $3::date + 30, $6::demand_status,
                 case when $7::date is null then '' else '已答复' end, $7::date, $8::date, $5)",
    )
    .bind(station)
    .bind(enterprise)
    .bind(received)
    .bind(content)
    .bind(app.fixture.officer_a)
    .bind(status)
    .bind(responded)
    .bind(resolved)
    .execute(&app.db)
    .await
    .unwrap();
}

#[tokio::test]
async fn the_list_ranges_the_received_responded_or_resolved_date_of_one_enterprise() {
    let (app, ent, foreign) = setup().await;
    let other = insert_enterprise(&app.db, app.fixture.station_a, "甲站另一企业", None).await;
    let (a, b) = (app.fixture.station_a, app.fixture.station_b);
    demand_on(&app, a, ent, ("2026-10-02", None, None), "十月受理未答复").await;
    let late = (Some("2026-10-10"), Some("2026-11-03"));
    demand_on(
        &app,
        a,
        ent,
        ("2026-09-20", late.0, late.1),
        "九月受理十一月办结",
    )
    .await;
    let quick = (Some("2026-10-06"), Some("2026-10-31"));
    demand_on(
        &app,
        a,
        ent,
        ("2026-10-05", quick.0, quick.1),
        "十月受理十月办结",
    )
    .await;
    demand_on(&app, a, ent, ("2026-11-01", None, None), "十一月首日受理").await;
    demand_on(
        &app,
        a,
        other,
        ("2026-10-10", None, None),
        "另一企业十月受理",
    )
    .await;
    demand_on(&app, b, foreign, ("2026-10-10", None, None), "外站十月受理").await;
    let mut officer = app.login("officer.a").await;
    let all = [
        "十月受理未答复",
        "九月受理十一月办结",
        "十月受理十月办结",
        "十一月首日受理",
        "另一企业十月受理",
        "外站十月受理",
    ];
    let shows_exactly = |body: &str, shown: &[&str]| {
        for c in all {
            assert_eq!(body.contains(c), shown.contains(&c), "{c} in {shown:?}");
        }
    };
    let oct = "from=2026-10-01&to=2026-10-31";

    for on in ["", "&on=received", "&on=junk"] {
        let page = officer
            .get(&format!("/demands?enterprise={ent}{on}&{oct}"))
            .await;
        assert_eq!(page.status, StatusCode::OK);
        shows_exactly(&page.body, &["十月受理未答复", "十月受理十月办结"]);
    }
    let responded = officer
        .get(&format!("/demands?enterprise={ent}&on=responded&{oct}"))
        .await;
    shows_exactly(&responded.body, &["九月受理十一月办结", "十月受理十月办结"]);
    let resolved = officer
        .get(&format!("/demands?enterprise={ent}&on=resolved&{oct}"))
        .await;
    shows_exactly(&resolved.body, &["十月受理十月办结"]);
    assert!(
        resolved
            .body
            .contains("<option value=\"resolved\" selected>")
    );
    assert_eq!(
        resolved.text_of_id("enterprise-filter").unwrap(),
        "企业：甲站诉求企业有限公司 ✕"
    );
    assert_eq!(resolved.input_value("enterprise").unwrap(), ent.to_string());
    assert!(
        resolved
            .body
            .contains("href=\"/demands?on=resolved&#38;from=2026-10-01&#38;to=2026-10-31\""),
        "{}",
        resolved.body
    );
    let resolved_nov = officer
        .get(&format!(
            "/demands?enterprise={ent}&on=resolved&from=2026-11-01&to=2026-11-30"
        ))
        .await;
    shows_exactly(&resolved_nov.body, &["九月受理十一月办结"]);
    // The station's demands received in October.
    let page = officer.get(&format!("/demands?on=received&{oct}")).await;
    shows_exactly(
        &page.body,
        &["十月受理未答复", "十月受理十月办结", "另一企业十月受理"],
    );

    // Another station's enterprise: nothing, and not its name.
    let page = officer
        .get(&format!("/demands?enterprise={foreign}&{oct}"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    shows_exactly(&page.body, &[]);
    assert!(!page.body.contains("乙站诉求企业有限公司"));

    // Malformed dates filter nothing; `from` after `to` keeps nothing.
    let page = officer
        .get(&format!(
            "/demands?enterprise={ent}&from=2026-02-29&to=2026/10/31"
        ))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    shows_exactly(
        &page.body,
        &[
            "十月受理未答复",
            "九月受理十一月办结",
            "十月受理十月办结",
            "十一月首日受理",
        ],
    );
    assert!(page.body.contains("id=\"to-error\""));
    let page = officer.get("/demands?from=2026-10-31&to=2026-10-01").await;
    shows_exactly(&page.body, &[]);

    officer.post("/lang", &[("lang", "en")]).await;
    let page = officer.get(&format!("/demands?enterprise={ent}")).await;
    assert_eq!(
        page.text_of_id("enterprise-filter").unwrap(),
        "Enterprise: 甲站诉求企业有限公司 ✕"
    );
    assert!(
        page.body
            .contains("<option value=\"responded\">Date responded</option>")
    );
}
