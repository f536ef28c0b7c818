//! Disputes: the record (create, list, view, edit, validation, conflicts,
//! double submits, deletion), the mass-dispute tag, the status steps and
//! their history, follow-ups, the views other pages use, and station scoping
//! of every route.

use axum::http::StatusCode;
use chrono::{Duration, NaiveDate};
use sanse::i18n::Lang;

use crate::harness::{Client, TestApp, count_rows, insert_enterprise};

async fn setup() -> (TestApp, i64, i64) {
    let app = TestApp::new().await;
    let a = insert_enterprise(
        &app.db,
        app.fixture.station_a,
        "甲站纠纷测试企业有限公司",
        Some(app.fixture.officer_a),
    )
    .await;
    let b = insert_enterprise(
        &app.db,
        app.fixture.station_b,
        "乙站纠纷测试企业有限公司",
        Some(app.fixture.officer_b),
    )
    .await;
    (app, a, b)
}

fn today(app: &TestApp) -> NaiveDate {
    app.state.clock.today()
}

fn days_ago(app: &TestApp, n: i64) -> String {
    (today(app) - Duration::days(n)).to_string()
}

/// Report a dispute today through the form; its page's URL.
async fn report(client: &mut Client, ent: i64, parties: &str, people: &str) -> String {
    report_on(client, ent, parties, people, None).await
}

async fn report_on(
    client: &mut Client,
    ent: i64,
    parties: &str,
    people: &str,
    reported_on: Option<&str>,
) -> String {
    let form = client
        .get(&format!("/enterprises/{ent}/disputes/new"))
        .await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    let token = form.input_value("form_token").unwrap();
    let default_date = form.input_value("reported_on").unwrap();
    let resp = client
        .post(
            &format!("/enterprises/{ent}/disputes"),
            &[
                ("reported_on", reported_on.unwrap_or(&default_date)),
                ("parties", parties),
                ("kind", "wages"),
                ("people_involved", people),
                ("forces", "community"),
                ("forces", "judicial"),
                ("summary", "拖欠三个月工资"),
                ("form_token", &token),
            ],
        )
        .await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER, "{}", resp.body);
    resp.location().to_owned()
}

fn id_of(url: &str) -> i64 {
    url.rsplit('/').next().unwrap().parse().unwrap()
}

async fn version(app: &TestApp, url: &str) -> String {
    let v: i32 = sqlx::query_scalar("select version from dispute where dispute_id = $1")
        .bind(id_of(url))
        .fetch_one(&app.db)
        .await
        .unwrap();
    v.to_string()
}

async fn status(app: &TestApp, url: &str) -> String {
    sqlx::query_scalar("select status::text from dispute where dispute_id = $1")
        .bind(id_of(url))
        .fetch_one(&app.db)
        .await
        .unwrap()
}

/// POST a status step with the current version.
async fn step(
    app: &TestApp,
    client: &mut Client,
    url: &str,
    fields: &[(&str, &str)],
) -> crate::harness::Resp {
    let v = version(app, url).await;
    let mut all: Vec<(&str, &str)> = fields.to_vec();
    all.push(("version", &v));
    client.post(&format!("{url}/transition"), &all).await
}

/// Take a fresh dispute to resolved; the follow-up scheduled with it.
async fn resolve(app: &TestApp, client: &mut Client, url: &str) -> i64 {
    let r = step(app, client, url, &[("to", "mediating")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = step(
        app,
        client,
        url,
        &[("to", "resolved"), ("resolution", "补发工资，双方和解")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    sqlx::query_scalar(
        "select dispute_follow_up_id from dispute_follow_up
         where dispute_id = $1 and done_on is null and cancelled_at is null",
    )
    .bind(id_of(url))
    .fetch_one(&app.db)
    .await
    .unwrap()
}

async fn event_count(app: &TestApp) -> i64 {
    count_rows(&app.db, "dispute_event").await
}

#[tokio::test]
async fn an_officer_reports_views_lists_and_edits_a_dispute() {
    let (app, ent, _) = setup().await;
    let mut officer = app.login("officer.a").await;
    let form = officer
        .get(&format!("/enterprises/{ent}/disputes/new"))
        .await;
    assert!(form.body.contains("登记纠纷"));
    assert!(
        form.body.contains("涉及 30 人及以上为群体性纠纷"),
        "threshold hint"
    );
    let url = report(&mut officer, ent, "20 名工人 与 公司", "20").await;
    let page = officer.get(&url).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("已保存"), "flash after saving");
    assert!(page.body.contains("20 名工人 与 公司"));
    assert!(page.body.contains("工资报酬"));
    assert!(page.body.contains("社区、司法所人员"), "forces shown");
    assert_eq!(page.text_of_id("dispute-status").unwrap(), "已上报");
    assert!(
        !page.body.contains("群体性纠纷"),
        "20 people is not a mass dispute"
    );
    // the creation opens the history
    assert_eq!(event_count(&app).await, 1);
    assert!(page.body.contains("id=\"history\""));

    let list = officer.get("/disputes").await;
    assert!(list.body.contains("甲站纠纷测试企业有限公司"));
    assert!(list.body.contains("20 名工人 与 公司"));
    assert!(
        !officer
            .get("/disputes?kind=contract")
            .await
            .body
            .contains("20 名工人")
    );
    assert!(
        officer
            .get("/disputes?kind=wages")
            .await
            .body
            .contains("20 名工人")
    );
    assert!(
        officer
            .get("/disputes?status=open")
            .await
            .body
            .contains("20 名工人")
    );
    assert!(
        !officer
            .get("/disputes?status=resolved")
            .await
            .body
            .contains("20 名工人")
    );

    // edit: parties, kind, people, forces, summary
    let edit = officer.get(&format!("{url}/edit")).await;
    assert_eq!(edit.status, StatusCode::OK);
    let v = edit.input_value("version").unwrap();
    assert_eq!(v, "1");
    assert!(edit.body.contains("value=\"judicial\" checked"));
    let saved = officer
        .post(
            &format!("{url}/edit"),
            &[
                ("reported_on", &days_ago(&app, 1)),
                ("parties", "甲公司 与 乙公司"),
                ("kind", "contract"),
                ("people_involved", "2"),
                ("forces", "street"),
                ("forces", "mediator"),
                ("summary", "货款结算争议"),
                ("status", "closed"),
                ("version", &v),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let page = officer.get(&url).await;
    assert!(page.body.contains("甲公司 与 乙公司") && page.body.contains("合同"));
    assert!(page.body.contains("街道、人民调解员"));
    assert!(!page.body.contains("司法所人员"));
    assert_eq!(
        status(&app, &url).await,
        "reported",
        "an edit does not touch the status"
    );

    officer.post("/lang", &[("lang", "en")]).await;
    let page = officer.get(&url).await;
    assert!(page.body.contains("Contract") && page.body.contains("Street office, Mediators"));
    assert!(page.body.contains("Start mediation") && page.body.contains("History"));
    assert!(
        officer
            .get("/disputes")
            .await
            .body
            .contains("Awaiting follow-up only")
    );

    let audit: Vec<(String, String)> = sqlx::query_as(
        "select action, summary from audit_event where entity = 'dispute' order by audit_event_id",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(audit[0].0, "dispute.create");
    assert_eq!(audit[1].0, "dispute.update");
    assert!(
        audit[1].1.contains("kind: wages → contract"),
        "{}",
        audit[1].1
    );
    assert!(
        audit[1]
            .1
            .contains("forces: community,judicial → street,mediator"),
        "{}",
        audit[1].1
    );
}

#[tokio::test]
async fn bad_input_is_shown_next_to_the_field_and_kept() {
    let (app, ent, _) = setup().await;
    let mut officer = app.login("officer.a").await;
    let token = officer
        .get(&format!("/enterprises/{ent}/disputes/new"))
        .await
        .input_value("form_token")
        .unwrap();
    let resp = officer
        .post(
            &format!("/enterprises/{ent}/disputes"),
            &[
                ("reported_on", "2025-02-30"),
                ("parties", "  "),
                ("kind", "divorce"),
                ("people_involved", "0"),
                ("forces", "police"),
                ("summary", "<b>保留我输入的内容</b>"),
                ("form_token", &token),
            ],
        )
        .await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        resp.text_of_id("reported_on-error")
            .unwrap()
            .contains("YYYY-MM-DD")
    );
    assert_eq!(resp.text_of_id("parties-error").unwrap(), "此项为必填项。");
    assert_eq!(resp.text_of_id("kind-error").unwrap(), "请从列表中选择。");
    assert!(
        resp.text_of_id("people_involved-error")
            .unwrap()
            .contains("1 到 100000")
    );
    assert_eq!(resp.text_of_id("forces-error").unwrap(), "请从列表中选择。");
    assert!(
        resp.body
            .contains("&#60;b&#62;保留我输入的内容&#60;/b&#62;")
    );
    assert!(resp.body.contains("value=\"2025-02-30\""));
    assert!(resp.body.contains("value=\"0\""));

    // people not a number; a date in the future; a missing kind
    let resp = officer
        .post(
            &format!("/enterprises/{ent}/disputes"),
            &[
                ("reported_on", "2099-01-01"),
                ("parties", "工人 与 公司"),
                ("kind", ""),
                ("people_involved", "许多"),
                ("form_token", &token),
            ],
        )
        .await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        resp.text_of_id("reported_on-error")
            .unwrap()
            .contains("不能晚于今天")
    );
    assert_eq!(resp.text_of_id("kind-error").unwrap(), "此项为必填项。");
    assert_eq!(
        resp.text_of_id("people_involved-error").unwrap(),
        "请输入整数。"
    );
    assert!(resp.body.contains("工人 与 公司"), "typed parties kept");
    assert_eq!(count_rows(&app.db, "dispute").await, 0);
    assert_eq!(event_count(&app).await, 0);

    // English messages
    officer.post("/lang", &[("lang", "en")]).await;
    let resp = officer
        .post(
            &format!("/enterprises/{ent}/disputes"),
            &[
                ("reported_on", "2026-13-01"),
                ("parties", "x"),
                ("kind", "wages"),
                ("people_involved", "100001"),
                ("form_token", &token),
            ],
        )
        .await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        resp.text_of_id("reported_on-error")
            .unwrap()
            .contains("YYYY-MM-DD")
    );
    assert!(
        resp.text_of_id("people_involved-error")
            .unwrap()
            .contains("1 to 100000")
    );
    assert_eq!(count_rows(&app.db, "dispute").await, 0);
}

#[tokio::test]
async fn a_double_submit_creates_one_dispute() {
    let (app, ent, _) = setup().await;
    let mut officer = app.login("officer.a").await;
    let token = officer
        .get(&format!("/enterprises/{ent}/disputes/new"))
        .await
        .input_value("form_token")
        .unwrap();
    let fields = [
        ("reported_on", days_ago(&app, 2)),
        ("parties", "同一张表单提交两次".to_owned()),
        ("kind", "labour".to_owned()),
        ("people_involved", "3".to_owned()),
        ("form_token", token),
    ];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let first = officer
        .post(&format!("/enterprises/{ent}/disputes"), &fields)
        .await;
    let second = officer
        .post(&format!("/enterprises/{ent}/disputes"), &fields)
        .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    assert_eq!(second.status, StatusCode::SEE_OTHER);
    assert_eq!(first.location(), second.location());
    assert_eq!(count_rows(&app.db, "dispute").await, 1);
    assert_eq!(event_count(&app).await, 1);
}

#[tokio::test]
async fn a_stale_edit_does_not_overwrite_and_keeps_what_was_typed() {
    let (app, ent, _) = setup().await;
    let mut first = app.login("officer.a").await;
    let mut second = app.login("chief.a").await;
    let url = report(&mut first, ent, "原始当事人", "5").await;
    let v1 = first
        .get(&format!("{url}/edit"))
        .await
        .input_value("version")
        .unwrap();
    let edit = |parties: &'static str, v: String| {
        vec![
            ("reported_on", days_ago(&app, 0)),
            ("parties", parties.to_owned()),
            ("kind", "wages".to_owned()),
            ("people_involved", "5".to_owned()),
            ("version", v),
        ]
    };
    let fields = edit("所长先保存的当事人", v1.clone());
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let ok = second.post(&format!("{url}/edit"), &fields).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    let fields = edit("民警后保存的当事人", v1);
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let stale = first.post(&format!("{url}/edit"), &fields).await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(
        stale
            .text_of_id("form-error")
            .unwrap()
            .contains("已被他人修改")
    );
    assert!(
        stale.body.contains("民警后保存的当事人"),
        "what was typed is kept"
    );
    assert!(stale.body.contains("当前保存的值: 所长先保存的当事人"));
    assert!(
        stale.body.contains("当前保存的值: 尚未登记"),
        "saved forces shown"
    );
    let parties: String = sqlx::query_scalar("select parties from dispute")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(parties, "所长先保存的当事人");
    let v2 = stale.input_value("version").unwrap();
    assert_eq!(v2, "2");
    let fields = edit("民警后保存的当事人", v2);
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let again = first.post(&format!("{url}/edit"), &fields).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn only_chiefs_delete_and_the_deletion_is_audited() {
    let (app, ent, _) = setup().await;
    let mut officer = app.login("officer.a").await;
    let url = report(&mut officer, ent, "将被删除的纠纷", "4").await;
    assert!(!officer.get(&url).await.body.contains("确认删除"));
    let refused = officer.post(&format!("{url}/delete"), &[]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let mut chief = app.login("chief.a").await;
    assert!(chief.get(&url).await.body.contains("确认删除"));
    let done = chief.post(&format!("{url}/delete"), &[]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(done.location(), format!("/enterprises/{ent}"));
    assert_eq!(chief.get(&url).await.status, StatusCode::NOT_FOUND);
    assert!(!chief.get("/disputes").await.body.contains("将被删除的纠纷"));
    let kept: i64 = sqlx::query_scalar("select count(*) from dispute where deleted_at is not null")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(kept, 1, "soft delete");
    let audit: String =
        sqlx::query_scalar("select summary from audit_event where action = 'dispute.delete'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert!(audit.contains("将被删除的纠纷"), "{audit}");
    // a deleted dispute takes no more steps
    let r = chief
        .post(
            &format!("{url}/transition"),
            &[("to", "mediating"), ("version", "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_mass_dispute_is_tagged_from_the_policy_threshold() {
    let (app, ent, _) = setup().await;
    let mut officer = app.login("officer.a").await;
    assert_eq!(sanse::disputes::mass_threshold(&app.db).await.unwrap(), 30);
    let small = report(&mut officer, ent, "二十九名工人 与 公司", "29").await;
    let mass = report(&mut officer, ent, "三十名工人 与 公司", "30").await;
    let page = officer.get(&small).await;
    assert!(page.text_of_id("mass-tag").is_none());
    assert!(!page.body.contains("群体性纠纷"));
    let page = officer.get(&mass).await;
    assert_eq!(page.text_of_id("mass-tag").unwrap(), "群体性纠纷");

    let list = officer.get("/disputes?mass=1").await;
    assert!(list.body.contains("三十名工人"));
    assert!(!list.body.contains("二十九名工人"));
    assert!(list.body.contains("群体性纠纷"), "tag in the list");

    let timeline = sanse::disputes::timeline(
        &app.db,
        crate::harness::scope(app.fixture.station_a),
        sanse::ids::EnterpriseId(ent),
        Lang::Zh,
    )
    .await
    .unwrap();
    assert_eq!(timeline.len(), 2);
    let alert_of = |parties: &str| {
        timeline
            .iter()
            .find(|e| e.summary == parties)
            .unwrap()
            .alert
            .clone()
    };
    assert_eq!(
        alert_of("三十名工人 与 公司").as_deref(),
        Some("群体性 · 已上报")
    );
    assert_eq!(alert_of("二十九名工人 与 公司").as_deref(), Some("已上报"));
    assert!(
        timeline
            .iter()
            .all(|e| e.kind == "dispute" && e.label == "纠纷 · 工资报酬")
    );
    let open = sanse::disputes::open_items(
        &app.db,
        crate::harness::scope(app.fixture.station_a),
        sanse::ids::EnterpriseId(ent),
        today(&app),
        Lang::En,
    )
    .await
    .unwrap();
    assert_eq!(open.len(), 2);
    assert!(open.iter().any(|i| i.label.contains("Mass")));

    // a newer policy version with a higher threshold: 30 is no longer mass
    sqlx::query(
        "insert into scoring_policy (version, effective_from, mass_dispute_threshold, demand_response_days)
         values (2, '2026-Q1', 50, 15)",
    )
    .execute(&app.db)
    .await
    .unwrap();
    assert_eq!(sanse::disputes::mass_threshold(&app.db).await.unwrap(), 50);
    assert!(officer.get(&mass).await.text_of_id("mass-tag").is_none());
    officer.post("/lang", &[("lang", "en")]).await;
    assert!(
        officer
            .get(&format!("{mass}/edit"))
            .await
            .body
            .contains("50 or more people")
    );
}

#[tokio::test]
async fn the_page_offers_only_the_steps_open_from_the_status() {
    let (app, ent, _) = setup().await;
    let mut officer = app.login("officer.a").await;
    let url = report(&mut officer, ent, "工人 与 公司", "5").await;
    let has = |body: &str, step: &str| body.contains(&format!("id=\"step-{step}\""));
    let page = officer.get(&url).await;
    assert!(has(&page.body, "mediate") && has(&page.body, "refer"));
    assert!(!has(&page.body, "resolve") && !has(&page.body, "close") && !has(&page.body, "reopen"));
    step(&app, &mut officer, &url, &[("to", "mediating")]).await;
    let page = officer.get(&url).await;
    assert!(has(&page.body, "resolve") && has(&page.body, "refer"));
    assert!(!has(&page.body, "mediate") && !has(&page.body, "close"));
    step(
        &app,
        &mut officer,
        &url,
        &[("to", "resolved"), ("resolution", "和解")],
    )
    .await;
    let page = officer.get(&url).await;
    assert!(has(&page.body, "close") && has(&page.body, "reopen"));
    assert!(!has(&page.body, "resolve") && !has(&page.body, "refer"));
    assert!(page.body.contains("id=\"schedule-follow-up\""));
}

#[tokio::test]
async fn invalid_steps_are_refused_and_change_nothing() {
    let (app, ent, _) = setup().await;
    let mut officer = app.login("officer.a").await;
    let url = report(&mut officer, ent, "工人 与 公司", "5").await;
    for to in ["resolved", "closed", "reported"] {
        let r = step(
            &app,
            &mut officer,
            &url,
            &[("to", to), ("resolution", "想直接化解")],
        )
        .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "reported → {to}"
        );
        let message = r.text_of_id("transition-error").unwrap();
        assert!(message.contains("纠纷当前为“已上报”"), "{message}");
        assert!(message.contains("开始调解、移交其他部门"), "{message}");
    }
    let r = step(&app, &mut officer, &url, &[("to", "settled")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.text_of_id("transition-error").unwrap(),
        "请从列表中选择。"
    );
    assert_eq!(status(&app, &url).await, "reported");
    assert_eq!(version(&app, &url).await, "1");

    // mediating → closed, and resolved → referred
    step(&app, &mut officer, &url, &[("to", "mediating")]).await;
    let r = step(&app, &mut officer, &url, &[("to", "closed")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    step(
        &app,
        &mut officer,
        &url,
        &[("to", "resolved"), ("resolution", "和解")],
    )
    .await;
    let r = step(&app, &mut officer, &url, &[("to", "referred")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text_of_id("transition-error")
            .unwrap()
            .contains("结案、重新调解")
    );

    // closed → mediating is only a reopening, which needs a reason
    let fid = sqlx::query_scalar::<_, i64>("select dispute_follow_up_id from dispute_follow_up")
        .fetch_one(&app.db)
        .await
        .unwrap();
    officer
        .post(
            &format!("{url}/follow-ups/{fid}/done"),
            &[("method", "phone"), ("done_on", &today(&app).to_string())],
        )
        .await;
    let r = step(&app, &mut officer, &url, &[("to", "closed")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let before = event_count(&app).await;
    let r = step(
        &app,
        &mut officer,
        &url,
        &[("to", "mediating"), ("reason", "  ")],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.text_of_id("reopen-reason-error").unwrap(),
        "重新调解须填写原因。"
    );
    assert_eq!(status(&app, &url).await, "closed");
    assert_eq!(
        event_count(&app).await,
        before,
        "no event for a refused step"
    );
    let actions = app.audit_actions().await;
    let count = |action: &str| actions.iter().filter(|a| *a == action).count();
    assert_eq!(count("dispute.resolve"), 1, "refused steps are not audited");
    assert_eq!(count("dispute.close"), 1);
    assert_eq!(count("dispute.reopen"), 0);
}

#[tokio::test]
async fn resolving_needs_the_resolution_and_schedules_a_follow_up_for_the_liaison_officer() {
    let (app, ent, _) = setup().await;
    let mut officer = app.login("officer.a").await;
    let url = report_on(
        &mut officer,
        ent,
        "工人 与 公司",
        "12",
        Some(&days_ago(&app, 5)),
    )
    .await;
    step(&app, &mut officer, &url, &[("to", "mediating")]).await;
    // the chief resolves; the follow-up still goes to the liaison officer
    let mut chief = app.login("chief.a").await;
    let r = step(
        &app,
        &mut chief,
        &url,
        &[("to", "resolved"), ("resolution", " ")],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.text_of_id("resolve-resolution-error").unwrap(),
        "登记化解须填写化解情况。"
    );
    let r = step(
        &app,
        &mut chief,
        &url,
        &[
            ("to", "resolved"),
            ("resolution", "写好的化解情况"),
            ("date", "2099-01-01"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text_of_id("resolve-date-error")
            .unwrap()
            .contains("不能晚于今天")
    );
    assert!(r.body.contains("写好的化解情况"), "typed resolution kept");
    let r = step(
        &app,
        &mut chief,
        &url,
        &[
            ("to", "resolved"),
            ("resolution", "x"),
            ("date", &days_ago(&app, 400)),
        ],
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "before the reported date"
    );
    assert!(
        r.text_of_id("resolve-date-error")
            .unwrap()
            .contains("早于上报日期")
    );
    assert_eq!(status(&app, &url).await, "mediating");
    assert_eq!(count_rows(&app.db, "dispute_follow_up").await, 0);

    let resolved_on = days_ago(&app, 1);
    let r = step(
        &app,
        &mut chief,
        &url,
        &[
            ("to", "resolved"),
            ("resolution", "企业补发工资，双方签订和解协议"),
            ("date", &resolved_on),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let (assigned, due): (i64, NaiveDate) =
        sqlx::query_as("select assigned_to, due_on from dispute_follow_up")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(assigned, app.fixture.officer_a, "the liaison officer");
    assert_eq!(due, today(&app) - Duration::days(1) + Duration::days(7));
    let (res, res_on): (String, Option<NaiveDate>) =
        sqlx::query_as("select resolution, resolved_on from dispute")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(res, "企业补发工资，双方签订和解协议");
    assert_eq!(res_on.unwrap().to_string(), resolved_on);
    // the reported date cannot move past the resolution
    let edit = chief
        .post(
            &format!("{url}/edit"),
            &[
                ("reported_on", &today(&app).to_string()),
                ("parties", "工人 与 公司"),
                ("kind", "wages"),
                ("people_involved", "12"),
                ("version", &version(&app, &url).await),
            ],
        )
        .await;
    assert_eq!(edit.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        edit.text_of_id("reported_on-error")
            .unwrap()
            .contains("不能晚于化解日期")
    );
    let page = chief.get(&url).await;
    assert_eq!(page.text_of_id("dispute-status").unwrap(), "已化解");
    assert!(page.body.contains("王警官"), "assignee shown");
    assert!(page.body.contains(&format!("应回访日期 {due}")));
    let actions = app.audit_actions().await;
    assert!(actions.contains(&"dispute.resolve".to_owned()));
    assert!(actions.contains(&"dispute_follow_up.schedule".to_owned()));
}

#[tokio::test]
async fn without_a_liaison_officer_the_follow_up_goes_to_whoever_resolves() {
    let app = TestApp::new().await;
    let ent = insert_enterprise(&app.db, app.fixture.station_a, "无联系民警企业", None).await;
    let mut chief = app.login("chief.a").await;
    let url = report(&mut chief, ent, "邻里 纠纷", "2").await;
    resolve(&app, &mut chief, &url).await;
    let assigned: i64 = sqlx::query_scalar("select assigned_to from dispute_follow_up")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(assigned, app.fixture.chief_a);
}

#[tokio::test]
async fn closing_waits_for_every_follow_up() {
    let (app, ent, _) = setup().await;
    let mut officer = app.login("officer.a").await;
    let url = report(&mut officer, ent, "工人 与 公司", "8").await;
    let fid = resolve(&app, &mut officer, &url).await;
    let r = step(&app, &mut officer, &url, &[("to", "closed")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text_of_id("transition-error")
            .unwrap()
            .contains("还有 1 次回访未完成")
    );
    assert_eq!(status(&app, &url).await, "resolved");

    // schedule another one: bad input first
    let r = officer
        .post(
            &format!("{url}/follow-ups"),
            &[
                ("due_on", &days_ago(&app, 30)),
                ("assigned_to", &app.fixture.officer_b.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text_of_id("due_on-error")
            .unwrap()
            .contains("早于化解日期")
    );
    assert_eq!(
        r.text_of_id("assigned_to-error").unwrap(),
        "请选择本所的民警。"
    );
    let r = officer
        .post(
            &format!("{url}/follow-ups"),
            &[("due_on", "2025-02-30"), ("assigned_to", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text_of_id("due_on-error").unwrap().contains("YYYY-MM-DD"));
    assert_eq!(count_rows(&app.db, "dispute_follow_up").await, 1);
    let due2 = (today(&app) + Duration::days(20)).to_string();
    let r = officer
        .post(
            &format!("{url}/follow-ups"),
            &[
                ("due_on", &due2),
                ("assigned_to", &app.fixture.chief_a.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let fid2: i64 = sqlx::query_scalar(
        "select dispute_follow_up_id from dispute_follow_up where assigned_to = $1",
    )
    .bind(app.fixture.chief_a)
    .fetch_one(&app.db)
    .await
    .unwrap();

    // record the first: bad input, then good
    let r = officer
        .post(
            &format!("{url}/follow-ups/{fid}/done"),
            &[
                ("method", "email"),
                ("done_on", "2099-01-01"),
                ("note", "保留的回访情况"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.text_of_id(&format!("fu{fid}-method-error")).unwrap(),
        "请从列表中选择。"
    );
    assert!(
        r.text_of_id(&format!("fu{fid}-done_on-error"))
            .unwrap()
            .contains("不能晚于今天")
    );
    assert!(r.body.contains("保留的回访情况"));
    let r = officer
        .post(
            &format!("{url}/follow-ups/{fid}/done"),
            &[
                ("method", "visit"),
                ("done_on", &today(&app).to_string()),
                ("note", "工资已全部到账"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // recording it twice is refused
    let r = officer
        .post(
            &format!("{url}/follow-ups/{fid}/done"),
            &[("method", "phone"), ("done_on", &today(&app).to_string())],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text_of_id("follow-up-error")
            .unwrap()
            .contains("已经登记")
    );

    let r = step(&app, &mut officer, &url, &[("to", "closed")]).await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the second is pending"
    );
    assert!(
        officer
            .get("/disputes?awaiting=1")
            .await
            .body
            .contains("工人 与 公司")
    );
    officer
        .post(
            &format!("{url}/follow-ups/{fid2}/done"),
            &[("method", "survey"), ("done_on", &today(&app).to_string())],
        )
        .await;
    assert!(
        !officer
            .get("/disputes?awaiting=1")
            .await
            .body
            .contains("工人 与 公司")
    );
    let r = step(
        &app,
        &mut officer,
        &url,
        &[("to", "closed"), ("date", "2099-01-01")],
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "closing date in the future"
    );
    let r = step(
        &app,
        &mut officer,
        &url,
        &[("to", "closed"), ("reason", "回访满意，结案")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(status(&app, &url).await, "closed");

    let page = officer.get(&url).await;
    assert!(page.body.contains("工资已全部到账") && page.body.contains("上门回访"));
    assert!(
        page.body.contains("回访满意，结案"),
        "the closing note in the history"
    );
    assert!(
        !page.body.contains("id=\"schedule-follow-up\""),
        "no more follow-ups once closed"
    );
    let actions = app.audit_actions().await;
    assert_eq!(
        actions
            .iter()
            .filter(|a| *a == "dispute_follow_up.done")
            .count(),
        2
    );
    assert!(actions.contains(&"dispute.close".to_owned()));
    // nothing can be scheduled or recorded on a closed dispute
    let r = officer
        .post(
            &format!("{url}/follow-ups"),
            &[
                ("due_on", &due2),
                ("assigned_to", &app.fixture.officer_a.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text_of_id("follow-up-error")
            .unwrap()
            .contains("只有已化解的纠纷")
    );
}

#[tokio::test]
async fn reopening_needs_a_reason_records_the_event_and_cancels_pending_follow_ups() {
    let (app, ent, _) = setup().await;
    let mut officer = app.login("officer.a").await;
    let url = report(&mut officer, ent, "工人 与 公司", "8").await;
    let fid = resolve(&app, &mut officer, &url).await;
    let r = step(&app, &mut officer, &url, &[("to", "mediating")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.text_of_id("reopen-reason-error").unwrap(),
        "重新调解须填写原因。"
    );
    assert_eq!(status(&app, &url).await, "resolved");
    let r = step(
        &app,
        &mut officer,
        &url,
        &[
            ("to", "mediating"),
            ("reason", "企业未按协议补发工资，工人再次聚集"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(status(&app, &url).await, "mediating");
    let (from, to, reason, by): (String, String, String, i64) = sqlx::query_as(
        "select from_status::text, to_status::text, reason, by_user from dispute_event
         order by dispute_event_id desc limit 1",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!((from.as_str(), to.as_str()), ("resolved", "mediating"));
    assert_eq!(reason, "企业未按协议补发工资，工人再次聚集");
    assert_eq!(by, app.fixture.officer_a);
    let (resolution, resolved_on): (String, Option<NaiveDate>) =
        sqlx::query_as("select resolution, resolved_on from dispute")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!((resolution.as_str(), resolved_on), ("", None));
    let cancelled: bool = sqlx::query_scalar(
        "select cancelled_at is not null from dispute_follow_up where dispute_follow_up_id = $1",
    )
    .bind(fid)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert!(cancelled, "the moot follow-up is cancelled");
    let r = officer
        .post(
            &format!("{url}/follow-ups/{fid}/done"),
            &[("method", "visit"), ("done_on", &today(&app).to_string())],
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "no follow-up while mediating"
    );

    let page = officer.get(&url).await;
    assert!(
        page.body.contains("企业未按协议补发工资，工人再次聚集"),
        "history shows the reason"
    );
    assert!(
        page.body.contains("补发工资，双方和解"),
        "the earlier resolution stays in the history"
    );
    assert!(page.body.contains("已取消（纠纷重新调解）"));
    // from a referral too
    let r = step(
        &app,
        &mut officer,
        &url,
        &[("to", "referred"), ("reason", "移交劳动仲裁")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = step(
        &app,
        &mut officer,
        &url,
        &[("to", "mediating"), ("reason", "仲裁退回")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let history: Vec<(Option<String>, String)> = sqlx::query_as(
        "select from_status::text, to_status::text from dispute_event order by dispute_event_id",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    let history: Vec<(Option<&str>, &str)> = history
        .iter()
        .map(|(f, t)| (f.as_deref(), t.as_str()))
        .collect();
    assert_eq!(
        history,
        [
            (None, "reported"),
            (Some("reported"), "mediating"),
            (Some("mediating"), "resolved"),
            (Some("resolved"), "mediating"),
            (Some("mediating"), "referred"),
            (Some("referred"), "mediating"),
        ]
    );
    let reopens = app
        .audit_actions()
        .await
        .into_iter()
        .filter(|a| a == "dispute.reopen")
        .count();
    assert_eq!(reopens, 2);
}

#[tokio::test]
async fn a_stale_step_is_refused_with_a_conflict() {
    let (app, ent, _) = setup().await;
    let mut officer = app.login("officer.a").await;
    let mut chief = app.login("chief.a").await;
    let url = report(&mut officer, ent, "工人 与 公司", "8").await;
    let page = officer.get(&url).await;
    let v1 = page.input_value("version").unwrap();
    let r = chief
        .post(
            &format!("{url}/transition"),
            &[("to", "referred"), ("version", &v1)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = officer
        .post(
            &format!("{url}/transition"),
            &[("to", "mediating"), ("version", &v1)],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(
        r.text_of_id("transition-error")
            .unwrap()
            .contains("当前状态：已移交")
    );
    assert_eq!(
        r.input_value("version").unwrap(),
        "2",
        "the page carries the current version"
    );
    assert_eq!(status(&app, &url).await, "referred");
    assert_eq!(event_count(&app).await, 2);
    let r = officer
        .post(
            &format!("{url}/transition"),
            &[("to", "mediating"), ("version", "junk")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn open_items_and_the_officers_due_list() {
    let (app, ent, _) = setup().await;
    let mut officer = app.login("officer.a").await;
    let open_url = report(&mut officer, ent, "仍在调解的纠纷", "3").await;
    let url = report(&mut officer, ent, "已化解待回访的纠纷", "40").await;
    resolve(&app, &mut officer, &url).await;
    let st = app.fixture.station_a;
    let t = today(&app);
    let items = sanse::disputes::open_items(
        &app.db,
        crate::harness::scope(st),
        sanse::ids::EnterpriseId(ent),
        t,
        Lang::Zh,
    )
    .await
    .unwrap();
    assert_eq!(items.len(), 2, "{items:?}");
    let unresolved = items.iter().find(|i| i.due.is_none()).unwrap();
    assert!(unresolved.summary.contains("仍在调解的纠纷"));
    assert_eq!(unresolved.href, open_url);
    let follow_up = items.iter().find(|i| i.due.is_some()).unwrap();
    assert_eq!(follow_up.due, Some(t + Duration::days(7)));
    assert!(!follow_up.overdue);
    assert!(follow_up.label.contains("纠纷回访") && follow_up.label.contains("群体性"));
    assert!(follow_up.summary.contains("王警官"));

    let due = sanse::disputes::due_for_officer(
        &app.db,
        crate::harness::scope(st),
        sanse::ids::UserId(app.fixture.officer_a),
        t,
        Lang::Zh,
    )
    .await
    .unwrap();
    assert_eq!(due.len(), 1, "due within 7 days");
    assert_eq!(due[0].enterprise, "甲站纠纷测试企业有限公司");
    let none = sanse::disputes::due_for_officer(
        &app.db,
        crate::harness::scope(st),
        sanse::ids::UserId(app.fixture.chief_a),
        t,
        Lang::Zh,
    )
    .await
    .unwrap();
    assert!(none.is_empty(), "assigned to someone else");
    let earlier = t - Duration::days(1);
    assert!(
        sanse::disputes::due_for_officer(
            &app.db,
            crate::harness::scope(st),
            sanse::ids::UserId(app.fixture.officer_a),
            earlier,
            Lang::Zh
        )
        .await
        .unwrap()
        .is_empty(),
        "8 days ahead is not yet due"
    );
    // ten days on it is overdue, in the lists and on the page
    app.state.clock.advance(Duration::days(10));
    let later = today(&app);
    let mut officer = app.login("officer.a").await;
    let due = sanse::disputes::due_for_officer(
        &app.db,
        crate::harness::scope(st),
        sanse::ids::UserId(app.fixture.officer_a),
        later,
        Lang::Zh,
    )
    .await
    .unwrap();
    assert!(due[0].overdue);
    let page = officer.get(&url).await;
    assert!(page.body.contains("class=\"badge-overdue\""));
    let list = officer.get("/disputes?awaiting=1").await;
    assert!(list.body.contains("已化解待回访的纠纷") && list.body.contains("badge-overdue"));
    assert!(!list.body.contains("仍在调解的纠纷"));
    // another station sees none of it
    let other = sanse::disputes::open_items(
        &app.db,
        crate::harness::scope(app.fixture.station_b),
        sanse::ids::EnterpriseId(ent),
        later,
        Lang::Zh,
    )
    .await
    .unwrap();
    assert!(other.is_empty());
}

#[tokio::test]
async fn another_stations_disputes_are_not_found_and_not_changed() {
    let (app, ent_a, ent_b) = setup().await;
    let mut officer_b = app.login("officer.b").await;
    let url_b = report(&mut officer_b, ent_b, "乙站的纠纷", "6").await;
    let fid_b = resolve(&app, &mut officer_b, &url_b).await;
    let mut officer_a = app.login("officer.a").await;
    let url_a = report(&mut officer_a, ent_a, "甲站的纠纷", "6").await;
    let fid_a = resolve(&app, &mut officer_a, &url_a).await;
    let events_before = event_count(&app).await;
    let follow_ups_before = count_rows(&app.db, "dispute_follow_up").await;
    let snapshot = || async {
        sqlx::query_as::<_, (String, i32, String)>(
            "select status::text, version, parties from dispute where dispute_id = $1",
        )
        .bind(id_of(&url_b))
        .fetch_one(&app.db)
        .await
        .unwrap()
    };
    let before = snapshot().await;

    assert_eq!(officer_a.get(&url_b).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        officer_a.get(&format!("{url_b}/edit")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        officer_a
            .get(&format!("/enterprises/{ent_b}/disputes/new"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let edit = officer_a
        .post(
            &format!("{url_b}/edit"),
            &[
                ("reported_on", &days_ago(&app, 1)),
                ("parties", "篡改"),
                ("kind", "wages"),
                ("people_involved", "6"),
                ("version", &before.1.to_string()),
            ],
        )
        .await;
    assert_eq!(edit.status, StatusCode::NOT_FOUND, "{}", edit.body);
    let v = before.1.to_string();
    for fields in [
        vec![("to", "closed"), ("version", v.as_str())],
        vec![
            ("to", "mediating"),
            ("reason", "篡改"),
            ("version", v.as_str()),
        ],
    ] {
        let r = officer_a
            .post(&format!("{url_b}/transition"), &fields)
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    }
    let r = officer_a
        .post(
            &format!("{url_b}/follow-ups"),
            &[
                ("due_on", &today(&app).to_string()),
                ("assigned_to", &app.fixture.officer_a.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let today_s = today(&app).to_string();
    let done_today = [("method", "phone"), ("done_on", today_s.as_str())];
    let r = officer_a
        .post(&format!("{url_b}/follow-ups/{fid_b}/done"), &done_today)
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // B's follow-up through A's own dispute
    let r = officer_a
        .post(&format!("{url_a}/follow-ups/{fid_b}/done"), &done_today)
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // A's follow-up through B's dispute
    let r = officer_a
        .post(&format!("{url_b}/follow-ups/{fid_a}/done"), &done_today)
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let token_a = officer_a
        .get(&format!("/enterprises/{ent_a}/disputes/new"))
        .await
        .input_value("form_token")
        .unwrap();
    let cross = officer_a
        .post(
            &format!("/enterprises/{ent_b}/disputes"),
            &[
                ("reported_on", &days_ago(&app, 1)),
                ("parties", "写进别的派出所"),
                ("kind", "wages"),
                ("people_involved", "6"),
                ("form_token", &token_a),
            ],
        )
        .await;
    assert_eq!(cross.status, StatusCode::NOT_FOUND);
    let mut chief_a = app.login("chief.a").await;
    let del = chief_a.post(&format!("{url_b}/delete"), &[]).await;
    assert_eq!(del.status, StatusCode::NOT_FOUND);
    // junk ids are 404 too
    assert_eq!(
        officer_a.get("/disputes/abc").await.status,
        StatusCode::NOT_FOUND
    );
    let r = officer_a
        .post(&format!("{url_a}/follow-ups/x/done"), &done_today)
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    let list = officer_a.get("/disputes").await;
    assert!(list.body.contains("甲站的纠纷"));
    assert!(!list.body.contains("乙站的纠纷"));
    assert!(
        sanse::disputes::timeline(
            &app.db,
            crate::harness::scope(app.fixture.station_a),
            sanse::ids::EnterpriseId(ent_b),
            Lang::Zh
        )
        .await
        .unwrap()
        .is_empty()
    );
    assert!(
        sanse::disputes::due_for_officer(
            &app.db,
            crate::harness::scope(app.fixture.station_a),
            sanse::ids::UserId(app.fixture.officer_b),
            today(&app) + Duration::days(30),
            Lang::Zh
        )
        .await
        .unwrap()
        .is_empty()
    );

    assert_eq!(snapshot().await, before, "B's dispute unchanged");
    assert_eq!(event_count(&app).await, events_before);
    assert_eq!(
        count_rows(&app.db, "dispute_follow_up").await,
        follow_ups_before
    );
    let pending: i64 = sqlx::query_scalar(
        "select count(*) from dispute_follow_up where done_on is null and cancelled_at is null",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(pending, 2, "no follow-up recorded across stations");
    assert_eq!(count_rows(&app.db, "dispute").await, 2);

    // departments have no business here
    let mut dept = app.login("dept.x").await;
    assert_eq!(dept.get("/disputes").await.status, StatusCode::FORBIDDEN);
    assert_eq!(dept.get(&url_b).await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        dept.get(&format!("/enterprises/{ent_b}/disputes/new"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let r = dept
        .post(
            &format!("{url_b}/transition"),
            &[("to", "closed"), ("version", &v)],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = dept
        .post(&format!("{url_b}/follow-ups/{fid_b}/done"), &done_today)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(snapshot().await, before);
}

/// Inserts a dispute straight into the database, resolved when `resolved`.
async fn dispute_on(
    app: &TestApp,
    station: i64,
    enterprise: i64,
    reported: &str,
    resolved: Option<&str>,
    parties: &str,
) {
    sqlx::query(
        "insert into dispute (station_id, enterprise_id, reported_on, parties, kind, people_involved,
                              status, resolved_on, created_by)
         values ($1, $2, $3::date, $4, 'wages', 3,
                 case when $5 is null then 'reported' else 'resolved' end::dispute_status,
                 $5::date, $6)",
    )
    .bind(station)
    .bind(enterprise)
    .bind(reported)
    .bind(parties)
    .bind(resolved)
    .bind(app.fixture.officer_a)
    .execute(&app.db)
    .await
    .unwrap();
}

#[tokio::test]
async fn the_list_ranges_the_reported_or_the_resolved_date_of_one_enterprise() {
    let (app, ent, foreign) = setup().await;
    let other = insert_enterprise(&app.db, app.fixture.station_a, "甲站另一企业", None).await;
    let (a, b) = (app.fixture.station_a, app.fixture.station_b);
    dispute_on(&app, a, ent, "2026-10-03", None, "十月上报未化解方").await;
    dispute_on(
        &app,
        a,
        ent,
        "2026-09-10",
        Some("2026-10-31"),
        "九月上报十月化解方",
    )
    .await;
    dispute_on(
        &app,
        a,
        ent,
        "2026-10-31",
        Some("2026-11-01"),
        "十月上报十一月化解方",
    )
    .await;
    dispute_on(&app, a, ent, "2026-09-30", None, "九月末上报方").await;
    dispute_on(
        &app,
        a,
        other,
        "2026-10-01",
        Some("2026-10-05"),
        "另一企业十月化解方",
    )
    .await;
    dispute_on(
        &app,
        b,
        foreign,
        "2026-10-15",
        Some("2026-10-16"),
        "外站十月化解方",
    )
    .await;
    let mut officer = app.login("officer.a").await;
    let all = [
        "十月上报未化解方",
        "九月上报十月化解方",
        "十月上报十一月化解方",
        "九月末上报方",
        "另一企业十月化解方",
        "外站十月化解方",
    ];
    let shows_exactly = |body: &str, shown: &[&str]| {
        for p in all {
            assert_eq!(body.contains(p), shown.contains(&p), "{p} in {shown:?}");
        }
    };

    let resolved_oct = officer
        .get(&format!(
            "/disputes?enterprise={ent}&on=resolved&from=2026-10-01&to=2026-10-31"
        ))
        .await;
    assert_eq!(resolved_oct.status, StatusCode::OK);
    shows_exactly(&resolved_oct.body, &["九月上报十月化解方"]);
    assert_eq!(
        resolved_oct.text_of_id("enterprise-filter").unwrap(),
        "企业：甲站纠纷测试企业有限公司 ✕"
    );
    assert!(
        resolved_oct
            .body
            .contains("<option value=\"resolved\" selected>")
    );
    assert_eq!(
        resolved_oct.input_value("enterprise").unwrap(),
        ent.to_string()
    );
    assert!(
        resolved_oct
            .body
            .contains("href=\"/disputes?on=resolved&#38;from=2026-10-01&#38;to=2026-10-31\""),
        "{}",
        resolved_oct.body
    );
    // "reported" is the default, and can be said.
    for on in ["", "&on=reported", "&on=junk"] {
        let page = officer
            .get(&format!(
                "/disputes?enterprise={ent}{on}&from=2026-10-01&to=2026-10-31"
            ))
            .await;
        assert_eq!(page.status, StatusCode::OK);
        shows_exactly(&page.body, &["十月上报未化解方", "十月上报十一月化解方"]);
    }
    // The station's disputes resolved in October; the other filters still apply.
    let page = officer
        .get("/disputes?on=resolved&from=2026-10-01&to=2026-10-31")
        .await;
    shows_exactly(&page.body, &["九月上报十月化解方", "另一企业十月化解方"]);
    let page = officer
        .get(&format!(
            "/disputes?enterprise={ent}&status=reported&from=2026-09-01&to=2026-10-31"
        ))
        .await;
    shows_exactly(&page.body, &["十月上报未化解方", "九月末上报方"]);

    // Another station's enterprise: nothing, and not its name.
    let page = officer
        .get(&format!("/disputes?enterprise={foreign}"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    shows_exactly(&page.body, &[]);
    assert!(!page.body.contains("乙站纠纷测试企业有限公司"));

    // Malformed dates filter nothing; `from` after `to` keeps nothing.
    let page = officer
        .get(&format!(
            "/disputes?enterprise={ent}&on=resolved&from=2025-02-30&to=x"
        ))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    shows_exactly(
        &page.body,
        &[
            "十月上报未化解方",
            "九月上报十月化解方",
            "十月上报十一月化解方",
            "九月末上报方",
        ],
    );
    assert!(page.body.contains("id=\"from-error\""));
    let page = officer.get("/disputes?from=2026-10-31&to=2026-10-01").await;
    shows_exactly(&page.body, &[]);

    officer.post("/lang", &[("lang", "en")]).await;
    let page = officer.get(&format!("/disputes?enterprise={ent}")).await;
    assert_eq!(
        page.text_of_id("enterprise-filter").unwrap(),
        "Enterprise: 甲站纠纷测试企业有限公司 ✕"
    );
}
