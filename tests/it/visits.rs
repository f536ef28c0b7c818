//! Visits: the picker, create, list, view, edit, the inspection checklist,
//! hazards found on a visit, liaison contact, validation, version conflicts,
//! double submits, deletion, station scoping, and the functions other pages
//! call.

use axum::http::StatusCode;
use chrono::{Duration, NaiveDate};
use sanse::i18n::Lang;

use crate::harness::{Client, Resp, TestApp, count_rows, insert_enterprise};

async fn setup() -> (TestApp, i64, i64) {
    let app = TestApp::new().await;
    let a = insert_enterprise(
        &app.db,
        app.fixture.station_a,
        "甲站走访企业有限公司",
        Some(app.fixture.officer_a),
    )
    .await;
    let b = insert_enterprise(
        &app.db,
        app.fixture.station_b,
        "乙站走访企业有限公司",
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

/// The items of the latest checklist version, in order.
async fn latest_items(app: &TestApp) -> Vec<i64> {
    sqlx::query_scalar(
        "select checklist_item_id from checklist_item
         where checklist_template_id = (select checklist_template_id from checklist_template
                                        order by version desc limit 1)
         order by position",
    )
    .fetch_all(&app.db)
    .await
    .unwrap()
}

async fn token(client: &mut Client, ent: i64) -> String {
    client
        .get(&format!("/enterprises/{ent}/visits/new"))
        .await
        .input_value("form_token")
        .unwrap()
}

async fn post_fields(client: &mut Client, path: &str, fields: &[(String, String)]) -> Resp {
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    client.post(path, &borrowed).await
}

fn pairs(fields: &[(&str, &str)]) -> Vec<(String, String)> {
    fields
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// Answers for every item: `fail` at the given positions (0-based), `na` for
/// the last item, `pass` otherwise.
fn answers(items: &[i64], failed: &[usize]) -> Vec<(String, String)> {
    items
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let answer = if failed.contains(&i) {
                "fail"
            } else if i + 1 == items.len() {
                "na"
            } else {
                "pass"
            };
            (format!("check_{id}"), answer.to_owned())
        })
        .collect()
}

/// Log a visit at `ent`; returns the visit's URL.
async fn log_visit(client: &mut Client, ent: i64, extra: &[(String, String)]) -> String {
    let token = token(client, ent).await;
    let mut fields = pairs(&[("form_token", &token)]);
    fields.extend_from_slice(extra);
    let resp = post_fields(client, &format!("/enterprises/{ent}/visits"), &fields).await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER, "{}", resp.body);
    resp.location().to_owned()
}

#[tokio::test]
async fn an_officer_logs_views_lists_and_edits_a_routine_visit() {
    let (app, ent, _) = setup().await;
    let mut officer = app.login("officer.a").await;

    // one tap: the picker lists my liaison enterprises and links to the form
    let picker = officer.get("/visits/new").await;
    assert_eq!(picker.status, StatusCode::OK);
    assert!(picker.body.contains("甲站走访企业有限公司"));
    assert!(
        picker
            .body
            .contains(&format!("href=\"/enterprises/{ent}/visits/new\""))
    );
    // searching by part of the name, or the start of the credit code
    let code: String =
        sqlx::query_scalar("select credit_code from enterprise where enterprise_id = $1")
            .bind(ent)
            .fetch_one(&app.db)
            .await
            .unwrap();
    for q in ["走访", "访", &code[..6], &code[..6].to_lowercase()] {
        let found = officer
            .get(&format!(
                "/visits/new?{}",
                sanse::web::paging::query_string(&[("q", q)])
            ))
            .await;
        assert!(found.body.contains("甲站走访企业有限公司"), "searching {q}");
    }
    let mid = officer
        .get(&format!(
            "/visits/new?{}",
            sanse::web::paging::query_string(&[("q", &code[6..14])])
        ))
        .await;
    assert!(
        !mid.body.contains("甲站走访企业有限公司"),
        "a credit code is matched from its start"
    );

    let form = officer.get(&format!("/enterprises/{ent}/visits/new")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("登记走访"));
    assert!(form.body.contains("（仅安全检查填写）"));
    assert_eq!(form.input_value("visited_on").unwrap(), day(today(&app)));
    assert!(
        form.body.contains(&format!(
            "name=\"officers\" type=\"checkbox\" value=\"{}\" checked",
            app.fixture.officer_a
        )),
        "the logged-in officer is preselected"
    );
    assert!(
        form.body.contains(&format!(
            "name=\"officers\" type=\"checkbox\" value=\"{}\">",
            app.fixture.chief_a
        )),
        "the chief is offered, not chosen"
    );
    assert!(
        !form.body.contains("赵警官"),
        "no officer of another station"
    );

    let visited = day(today(&app) - Duration::days(1));
    let officer_a = app.fixture.officer_a.to_string();
    let chief_a = app.fixture.chief_a.to_string();
    let url = log_visit(
        &mut officer,
        ent,
        &pairs(&[
            ("visited_on", &visited),
            ("kind", "routine"),
            ("officers", &officer_a),
            ("officers", &chief_a),
            ("notes", "了解企业用工情况，宣传防诈骗知识"),
            ("suggestions", "希望加强夜间周边巡逻"),
        ]),
    )
    .await;
    let page = officer.get(&url).await;
    assert!(page.body.contains("已保存"));
    assert!(page.body.contains("日常走访"));
    assert!(page.body.contains("了解企业用工情况"));
    assert!(page.body.contains("希望加强夜间周边巡逻"));
    let officers = page.text_of_id("officers").unwrap();
    assert!(officers.contains("王警官") && officers.contains("李所长"));
    assert_eq!(page.text_of_id("liaison-contact").unwrap(), "是");

    let list = officer.get("/visits").await;
    assert!(list.body.contains("甲站走访企业有限公司"));
    assert!(list.body.contains("李所长"));
    for (query, shown) in [
        ("kind=routine", true),
        ("kind=inspection", false),
        (&format!("officer={chief_a}") as &str, true),
        (
            &format!("officer={}", app.fixture.officer_b) as &str,
            true, // not a station officer: filters nothing
        ),
        (&format!("from={visited}&to={visited}") as &str, true),
        (&format!("from={}", day(today(&app))) as &str, false),
        (
            &format!("to={}", day(today(&app) - Duration::days(2))) as &str,
            false,
        ),
    ] {
        let list = officer.get(&format!("/visits?{query}")).await;
        assert_eq!(list.body.contains("甲站走访企业有限公司"), shown, "{query}");
    }
    let bad = officer.get("/visits?from=2025-02-30").await;
    assert_eq!(bad.status, StatusCode::OK);
    assert!(bad.text_of_id("from-error").unwrap().contains("YYYY-MM-DD"));
    assert!(
        bad.body.contains("甲站走访企业有限公司"),
        "a bad date filters nothing"
    );

    // edit: the kind stays, officers change, liaison contact follows them
    let edit = officer.get(&format!("{url}/edit")).await;
    let version = edit.input_value("version").unwrap();
    assert_eq!(version, "1");
    assert_eq!(edit.text_of_id("kind").unwrap(), "日常走访");
    assert!(!edit.body.contains("name=\"kind\""));
    assert!(
        !edit.body.contains("hazard1_severity"),
        "no hazard rows on edit"
    );
    let saved = post_fields(
        &mut officer,
        &format!("{url}/edit"),
        &pairs(&[
            ("visited_on", &visited),
            ("kind", "inspection"),
            ("officers", &chief_a),
            ("notes", "补充：企业已安排专人值守"),
            ("suggestions", ""),
            ("version", &version),
        ]),
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let page = officer.get(&url).await;
    assert!(page.body.contains("补充：企业已安排专人值守"));
    assert!(page.body.contains("日常走访"), "kind unchanged");
    assert_eq!(page.text_of_id("officers").unwrap(), "李所长");
    assert_eq!(page.text_of_id("liaison-contact").unwrap(), "否");

    officer.post("/lang", &[("lang", "en")]).await;
    let page = officer.get(&url).await;
    assert!(page.body.contains("Routine visit") && page.body.contains("Liaison contact"));
    let form = officer.get(&format!("/enterprises/{ent}/visits/new")).await;
    assert!(form.body.contains("(security inspections only)"));

    let audit: Vec<(String, String)> = sqlx::query_as(
        "select action, summary from audit_event where entity = 'visit' order by audit_event_id",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(audit[0].0, "visit.create");
    assert_eq!(audit[1].0, "visit.update");
    assert!(
        audit[1].1.contains("officers: 李所长、王警官 → 李所长"),
        "{}",
        audit[1].1
    );
    assert!(audit[1].1.contains("liaison_contact: true → false"));
    let kind: String = sqlx::query_scalar("select kind::text from visit")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(kind, "routine");
}

#[tokio::test]
async fn the_picker_searches_the_stations_enterprises_by_name_and_code() {
    let (app, _ent, _) = setup().await;
    let other = insert_enterprise(
        &app.db,
        app.fixture.station_a,
        "滨江物流仓储中心",
        Some(app.fixture.chief_a),
    )
    .await;
    let code: String =
        sqlx::query_scalar("select credit_code from enterprise where enterprise_id = $1")
            .bind(other)
            .fetch_one(&app.db)
            .await
            .unwrap();
    let mut officer = app.login("officer.a").await;
    let mine = officer.get("/visits/new").await;
    assert!(
        !mine.body.contains("滨江物流仓储中心"),
        "not my liaison enterprise"
    );
    let by_name = officer.get("/visits/new?q=%E7%89%A9%E6%B5%81").await; // 物流
    assert!(by_name.body.contains("滨江物流仓储中心"));
    assert!(!by_name.body.contains("甲站走访企业有限公司"));
    assert!(
        by_name
            .body
            .contains(&format!("href=\"/enterprises/{other}/visits/new\""))
    );
    let by_code = officer
        .get(&format!("/visits/new?q={}", &code[..12].to_lowercase()))
        .await;
    assert!(by_code.body.contains("滨江物流仓储中心"));
    let wildcard = officer.get("/visits/new?q=%25").await; // "%"
    assert!(
        !wildcard.body.contains("滨江物流仓储中心"),
        "% matches literally"
    );
    assert!(wildcard.body.contains("没有找到"));
    let other_station = officer.get("/visits/new?q=%E4%B9%99%E7%AB%99").await; // 乙站
    assert!(!other_station.body.contains("乙站走访企业有限公司"));
}

#[tokio::test]
async fn bad_input_is_shown_next_to_the_field_and_kept() {
    let (app, ent, _) = setup().await;
    let mut officer = app.login("officer.a").await;
    let token = token(&mut officer, ent).await;
    let path = format!("/enterprises/{ent}/visits");
    let resp = post_fields(
        &mut officer,
        &path,
        &pairs(&[
            ("visited_on", "2025-02-30"),
            ("kind", "party"),
            ("notes", "<b>保留我输入的内容</b>"),
            ("form_token", &token),
        ]),
    )
    .await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        resp.text_of_id("visited_on-error")
            .unwrap()
            .contains("YYYY-MM-DD")
    );
    assert_eq!(resp.text_of_id("kind-error").unwrap(), "请从列表中选择。");
    assert!(
        resp.text_of_id("officers-error")
            .unwrap()
            .contains("至少选择一名")
    );
    assert!(
        resp.body
            .contains("&#60;b&#62;保留我输入的内容&#60;/b&#62;")
    );
    assert!(resp.body.contains("value=\"2025-02-30\""));

    // missing kind, a future date, an officer of another station
    let tomorrow = day(today(&app) + Duration::days(1));
    let officer_b = app.fixture.officer_b.to_string();
    let resp = post_fields(
        &mut officer,
        &path,
        &pairs(&[
            ("visited_on", &tomorrow),
            ("kind", ""),
            ("officers", &officer_b),
            ("form_token", &token),
        ]),
    )
    .await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        resp.text_of_id("visited_on-error")
            .unwrap()
            .contains("不能晚于今天")
    );
    assert_eq!(resp.text_of_id("kind-error").unwrap(), "此项为必填项。");
    assert_eq!(
        resp.text_of_id("officers-error").unwrap(),
        "请从列表中选择。"
    );

    // hazard rows: a partly filled row is checked, an empty one ignored
    let visited = day(today(&app) - Duration::days(3));
    let before = day(today(&app) - Duration::days(4));
    let me = app.fixture.officer_a.to_string();
    let resp = post_fields(
        &mut officer,
        &path,
        &pairs(&[
            ("visited_on", &visited),
            ("kind", "routine"),
            ("officers", &me),
            ("hazard1_severity", ""),
            ("hazard1_description", "灭火器过期"),
            ("hazard1_deadline", ""),
            ("hazard2_severity", "huge"),
            ("hazard2_description", ""),
            ("hazard2_deadline", &before),
            ("hazard3_severity", ""),
            ("hazard3_description", "  "),
            ("hazard3_deadline", ""),
            ("form_token", &token),
        ]),
    )
    .await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        resp.text_of_id("hazard1_severity-error").unwrap(),
        "此项为必填项。"
    );
    assert!(resp.text_of_id("hazard1_description-error").is_none());
    assert_eq!(
        resp.text_of_id("hazard1_deadline-error").unwrap(),
        "此项为必填项。"
    );
    assert_eq!(
        resp.text_of_id("hazard2_severity-error").unwrap(),
        "请从列表中选择。"
    );
    assert_eq!(
        resp.text_of_id("hazard2_description-error").unwrap(),
        "此项为必填项。"
    );
    assert!(
        resp.text_of_id("hazard2_deadline-error")
            .unwrap()
            .contains("不能早于走访日期")
    );
    assert!(resp.text_of_id("hazard3_severity-error").is_none());
    assert!(resp.body.contains("灭火器过期"), "typed row kept");
    assert_eq!(count_rows(&app.db, "visit").await, 0);
    assert_eq!(count_rows(&app.db, "hazard").await, 0);
}

#[tokio::test]
async fn an_inspection_needs_every_checklist_answer() {
    let (app, ent, _) = setup().await;
    let items = latest_items(&app).await;
    assert_eq!(items.len(), 10);
    let mut officer = app.login("officer.a").await;
    let token = token(&mut officer, ent).await;
    let me = app.fixture.officer_a.to_string();
    let visited = day(today(&app));
    let mut fields = pairs(&[
        ("visited_on", &visited),
        ("kind", "inspection"),
        ("officers", &me),
        ("form_token", &token),
    ]);
    // all but the 3rd and 7th, and a wrong answer for the 5th
    let mut partial = answers(&items, &[0]);
    partial[4].1 = "maybe".to_owned();
    partial.remove(6);
    partial.remove(2);
    fields.extend(partial);
    fields.push((format!("check_note_{}", items[0]), "无专人负责".to_owned()));
    let resp = post_fields(&mut officer, &format!("/enterprises/{ent}/visits"), &fields).await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        resp.text_of_id("checklist-error")
            .unwrap()
            .contains("逐项选择")
    );
    assert_eq!(
        resp.text_of_id(&format!("check_{}-error", items[2]))
            .unwrap(),
        "请选择这一项的检查结果。"
    );
    assert_eq!(
        resp.text_of_id(&format!("check_{}-error", items[6]))
            .unwrap(),
        "请选择这一项的检查结果。"
    );
    assert_eq!(
        resp.text_of_id(&format!("check_{}-error", items[4]))
            .unwrap(),
        "请从列表中选择。"
    );
    assert!(
        resp.text_of_id(&format!("check_{}-error", items[1]))
            .is_none()
    );
    assert!(
        resp.body.contains(&format!(
            "name=\"check_{}\" type=\"radio\" value=\"fail\" checked",
            items[0]
        )),
        "answers given are kept"
    );
    assert!(resp.body.contains("无专人负责"), "notes kept");
    assert_eq!(count_rows(&app.db, "visit").await, 0);

    // the same answers for a routine visit are ignored
    let mut fields = pairs(&[
        ("visited_on", &visited),
        ("kind", "legal"),
        ("officers", &me),
        ("form_token", &token),
    ]);
    fields.extend(answers(&items[..3], &[0]));
    let resp = post_fields(&mut officer, &format!("/enterprises/{ent}/visits"), &fields).await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER, "{}", resp.body);
    assert_eq!(count_rows(&app.db, "visit_check").await, 0);
    let template: Option<i64> = sqlx::query_scalar("select checklist_template_id from visit")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(template, None);
}

#[tokio::test]
async fn an_inspection_stores_the_checklist_version_and_shows_failures() {
    let (app, ent, _) = setup().await;
    let v1_items = latest_items(&app).await;
    let mut officer = app.login("officer.a").await;
    let me = app.fixture.officer_a.to_string();
    let visited = day(today(&app) - Duration::days(10));
    let mut fields = pairs(&[
        ("visited_on", &visited),
        ("kind", "inspection"),
        ("officers", &me),
        ("notes", "年度安全检查"),
    ]);
    fields.extend(answers(&v1_items, &[2, 4]));
    fields.push((
        format!("check_note_{}", v1_items[2]),
        "后门监控损坏".to_owned(),
    ));
    // a note on a passed item is not kept
    fields.push((format!("check_note_{}", v1_items[0]), "不应保存".to_owned()));
    let old_url = log_visit(&mut officer, ent, &fields).await;

    let (template, version): (i64, i32) = sqlx::query_as(
        "select v.checklist_template_id, t.version from visit v
         join checklist_template t using (checklist_template_id)",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(version, 1);
    let stored: Vec<(i64, String, String)> = sqlx::query_as(
        "select checklist_item_id, answer::text, note from visit_check order by checklist_item_id",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(stored.len(), 10);
    assert_eq!(stored[2].1, "fail");
    assert_eq!(stored[2].2, "后门监控损坏");
    assert_eq!(stored[0], (v1_items[0], "pass".to_owned(), String::new()));
    assert_eq!(stored[9].1, "na");

    let page = officer.get(&old_url).await;
    assert_eq!(page.text_of_id("failed-count").unwrap(), "2 项不合格");
    assert!(page.body.contains("check-fail"));
    assert!(page.body.contains("后门监控损坏"));
    assert!(page.body.contains("企业治安保卫安全检查表（2026版）"));

    // a new checklist version: new inspections use it, the old one keeps its own
    let v2: i64 = sqlx::query_scalar(
        "insert into checklist_template (version, title, title_en)
         values (2, '检查表第二版', 'Checklist v2') returning checklist_template_id",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    sqlx::query(
        "insert into checklist_item (checklist_template_id, position, text, text_en)
         values ($1, 1, '新增：反恐防范措施落实', 'Counter-terrorism measures in place'),
                ($1, 2, '新增：网络安全责任落实', 'Network security duties assigned')",
    )
    .bind(v2)
    .execute(&app.db)
    .await
    .unwrap();
    let v2_items = latest_items(&app).await;
    assert_eq!(v2_items.len(), 2);
    let form = officer.get(&format!("/enterprises/{ent}/visits/new")).await;
    assert!(form.body.contains("新增：反恐防范措施落实"));
    assert!(!form.body.contains("门卫值守及来访登记制度落实"));
    let visited_new = day(today(&app));
    let mut fields = pairs(&[
        ("visited_on", &visited_new),
        ("kind", "inspection"),
        ("officers", &me),
    ]);
    fields.extend(answers(&v2_items, &[0]));
    let new_url = log_visit(&mut officer, ent, &fields).await;
    let new_id: i64 = new_url.rsplit('/').next().unwrap().parse().unwrap();
    let stored_template: i64 =
        sqlx::query_scalar("select checklist_template_id from visit where visit_id = $1")
            .bind(new_id)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(stored_template, v2);
    assert_ne!(stored_template, template);

    // editing the old inspection shows and checks its own version
    let edit = officer.get(&format!("{old_url}/edit")).await;
    assert!(edit.body.contains("门卫值守及来访登记制度落实"));
    assert!(!edit.body.contains("新增：反恐防范措施落实"));
    assert!(
        edit.body.contains(&format!(
            "name=\"check_{}\" type=\"radio\" value=\"fail\" checked",
            v1_items[2]
        )),
        "saved answers are shown"
    );
    let version = edit.input_value("version").unwrap();
    let mut fields = pairs(&[
        ("visited_on", &visited),
        ("officers", &me),
        ("notes", "年度安全检查（复核）"),
        ("version", &version),
    ]);
    let mut edited = answers(&v1_items, &[2]);
    edited.remove(5);
    fields.extend(edited);
    let refused = post_fields(&mut officer, &format!("{old_url}/edit"), &fields).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .text_of_id(&format!("check_{}-error", v1_items[5]))
            .is_some()
    );
    fields.push((format!("check_{}", v1_items[5]), "pass".to_owned()));
    let saved = post_fields(&mut officer, &format!("{old_url}/edit"), &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let page = officer.get(&old_url).await;
    assert_eq!(page.text_of_id("failed-count").unwrap(), "1 项不合格");

    // the timeline and the latest failures
    let entries = sanse::visits::timeline(
        &app.db,
        crate::harness::scope(app.fixture.station_a),
        sanse::ids::EnterpriseId(ent),
        Lang::Zh,
    )
    .await
    .unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0].href, new_url);
    assert_eq!(entries[0].label, "安全检查");
    assert_eq!(entries[0].alert.as_deref(), Some("1 项不合格"));
    assert_eq!(entries[1].summary, "年度安全检查（复核）");
    let en = sanse::visits::timeline(
        &app.db,
        crate::harness::scope(app.fixture.station_a),
        sanse::ids::EnterpriseId(ent),
        Lang::En,
    )
    .await
    .unwrap();
    assert_eq!(en[0].label, "Security inspection");
    assert_eq!(en[0].alert.as_deref(), Some("1 item failed"));
    let failures = sanse::visits::latest_inspection_failures(
        &app.db,
        crate::harness::scope(app.fixture.station_a),
        sanse::ids::EnterpriseId(ent),
    )
    .await
    .unwrap();
    assert_eq!(failures, ["新增：反恐防范措施落实"]);
    let none = sanse::visits::latest_inspection_failures(
        &app.db,
        crate::harness::scope(app.fixture.station_b),
        sanse::ids::EnterpriseId(ent),
    )
    .await
    .unwrap();
    assert!(none.is_empty(), "scoped by station");
    let audit: String =
        sqlx::query_scalar("select summary from audit_event where action = 'visit.update'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert!(
        audit.contains("checklist: PPFPFPPPPN → PPFPPPPPPN"),
        "{audit}"
    );
}

#[tokio::test]
async fn hazards_found_on_a_visit_are_created_with_it() {
    let (app, ent, _) = setup().await;
    let mut officer = app.login("officer.a").await;
    let me = app.fixture.officer_a.to_string();
    let visited_on = today(&app) - Duration::days(20);
    let visited = day(visited_on);
    let overdue_deadline = day(today(&app) - Duration::days(5));
    let later = day(today(&app) + Duration::days(30));
    let url = log_visit(
        &mut officer,
        ent,
        &pairs(&[
            ("visited_on", &visited),
            ("kind", "routine"),
            ("officers", &me),
            ("suggestions", "希望派出所组织消防培训"),
            ("hazard1_severity", "major"),
            ("hazard1_description", "危化品仓库无人看管"),
            ("hazard1_deadline", &overdue_deadline),
            ("hazard2_severity", ""),
            ("hazard2_description", ""),
            ("hazard2_deadline", ""),
            ("hazard3_severity", "general"),
            ("hazard3_description", "员工登记信息不全"),
            ("hazard3_deadline", &later),
        ]),
    )
    .await;
    let visit_id: i64 = url.rsplit('/').next().unwrap().parse().unwrap();
    let rows: Vec<(Option<i64>, NaiveDate, String, String)> = sqlx::query_as(
        "select visit_id, found_on, severity::text, description from hazard order by hazard_id",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(rows.len(), 2, "the empty row is ignored");
    assert_eq!(
        rows[0],
        (
            Some(visit_id),
            visited_on,
            "major".to_owned(),
            "危化品仓库无人看管".to_owned()
        )
    );
    assert_eq!(rows[1].0, Some(visit_id));
    assert_eq!(rows[1].1, visited_on);
    let actions = app.audit_actions().await;
    assert_eq!(actions.iter().filter(|a| *a == "hazard.create").count(), 2);

    let page = officer.get(&url).await;
    assert!(page.body.contains("希望派出所组织消防培训"));
    assert!(page.body.contains("危化品仓库无人看管"));
    assert!(
        page.body.contains("badge-overdue"),
        "overdue shown on the visit"
    );
    let hazard_ids: Vec<i64> =
        sqlx::query_scalar("select hazard_id from hazard order by hazard_id")
            .fetch_all(&app.db)
            .await
            .unwrap();
    for id in &hazard_ids {
        assert!(page.body.contains(&format!("href=\"/hazards/{id}\"")));
    }
    // and the hazard links back to its visit
    let hazard = officer.get(&format!("/hazards/{}", hazard_ids[0])).await;
    assert!(hazard.body.contains(&format!("href=\"{url}\"")));
    let list = officer.get("/visits").await;
    assert!(
        list.body.contains("<td class=\"num\">2</td>"),
        "hazard count"
    );
}

#[tokio::test]
async fn liaison_contact_means_the_liaison_officer_took_part() {
    let (app, ent, _) = setup().await;
    let unassigned =
        insert_enterprise(&app.db, app.fixture.station_a, "无联络民警企业", None).await;
    let mut chief = app.login("chief.a").await;
    let chief_id = app.fixture.chief_a.to_string();
    let officer_id = app.fixture.officer_a.to_string();
    let visited = day(today(&app));
    let without = log_visit(
        &mut chief,
        ent,
        &pairs(&[
            ("visited_on", &visited),
            ("kind", "policy"),
            ("officers", &chief_id),
        ]),
    )
    .await;
    let with = log_visit(
        &mut chief,
        ent,
        &pairs(&[
            ("visited_on", &visited),
            ("kind", "follow_up"),
            ("officers", &chief_id),
            ("officers", &officer_id),
            ("officers", &officer_id),
        ]),
    )
    .await;
    let nobody = log_visit(
        &mut chief,
        unassigned,
        &pairs(&[
            ("visited_on", &visited),
            ("kind", "routine"),
            ("officers", &officer_id),
        ]),
    )
    .await;
    assert_eq!(
        chief
            .get(&without)
            .await
            .text_of_id("liaison-contact")
            .unwrap(),
        "否"
    );
    assert_eq!(
        chief
            .get(&with)
            .await
            .text_of_id("liaison-contact")
            .unwrap(),
        "是"
    );
    assert_eq!(
        chief
            .get(&nobody)
            .await
            .text_of_id("liaison-contact")
            .unwrap(),
        "否"
    );
    let stored: Vec<bool> =
        sqlx::query_scalar("select liaison_contact from visit order by visit_id")
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert_eq!(stored, [false, true, false]);
    assert_eq!(
        count_rows(&app.db, "visit_officer").await,
        4,
        "a repeated officer counts once"
    );
    assert!(chief.get("/visits").await.body.contains("联络员联系"));
}

#[tokio::test]
async fn a_double_submit_creates_one_visit() {
    let (app, ent, _) = setup().await;
    let mut officer = app.login("officer.a").await;
    let token = token(&mut officer, ent).await;
    let me = app.fixture.officer_a.to_string();
    let visited = day(today(&app));
    let fields = pairs(&[
        ("visited_on", &visited),
        ("kind", "routine"),
        ("officers", &me),
        ("notes", "同一张表单提交两次"),
        ("hazard1_severity", "general"),
        ("hazard1_description", "重复提交的隐患"),
        ("hazard1_deadline", &visited),
        ("form_token", &token),
    ]);
    let path = format!("/enterprises/{ent}/visits");
    let first = post_fields(&mut officer, &path, &fields).await;
    let second = post_fields(&mut officer, &path, &fields).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    assert_eq!(second.status, StatusCode::SEE_OTHER);
    assert_eq!(first.location(), second.location());
    assert_eq!(count_rows(&app.db, "visit").await, 1);
    assert_eq!(count_rows(&app.db, "hazard").await, 1);
}

#[tokio::test]
async fn a_stale_edit_does_not_overwrite_and_keeps_what_was_typed() {
    let (app, ent, _) = setup().await;
    let mut first = app.login("officer.a").await;
    let mut second = app.login("chief.a").await;
    let me = app.fixture.officer_a.to_string();
    let visited = day(today(&app));
    let url = log_visit(
        &mut first,
        ent,
        &pairs(&[
            ("visited_on", &visited),
            ("kind", "routine"),
            ("officers", &me),
            ("notes", "原始记录"),
        ]),
    )
    .await;
    let v1 = first
        .get(&format!("{url}/edit"))
        .await
        .input_value("version")
        .unwrap();
    let edit = |notes: &str, version: &str| {
        pairs(&[
            ("visited_on", &visited),
            ("officers", &me),
            ("notes", notes),
            ("version", version),
        ])
    };
    let ok = post_fields(
        &mut second,
        &format!("{url}/edit"),
        &edit("所长先保存的记录", &v1),
    )
    .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    let stale = post_fields(
        &mut first,
        &format!("{url}/edit"),
        &edit("民警后保存的记录", &v1),
    )
    .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(
        stale
            .text_of_id("form-error")
            .unwrap()
            .contains("已被他人修改")
    );
    assert!(stale.body.contains("民警后保存的记录"));
    assert!(stale.body.contains("当前保存的值: 所长先保存的记录"));
    assert!(stale.body.contains("当前保存的值: 王警官"));
    let notes: String = sqlx::query_scalar("select notes from visit")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(notes, "所长先保存的记录");
    let v2 = stale.input_value("version").unwrap();
    assert_eq!(v2, "2");
    let again = post_fields(
        &mut first,
        &format!("{url}/edit"),
        &edit("民警后保存的记录", &v2),
    )
    .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn only_chiefs_delete_and_the_deletion_is_audited() {
    let (app, ent, _) = setup().await;
    let mut officer = app.login("officer.a").await;
    let me = app.fixture.officer_a.to_string();
    let visited = day(today(&app));
    let url = log_visit(
        &mut officer,
        ent,
        &pairs(&[
            ("visited_on", &visited),
            ("kind", "legal"),
            ("officers", &me),
            ("notes", "将被删除的走访"),
            ("hazard1_severity", "general"),
            ("hazard1_description", "走访删除后仍保留的隐患"),
            ("hazard1_deadline", &visited),
        ]),
    )
    .await;
    let refused = officer.post(&format!("{url}/delete"), &[]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let mut chief = app.login("chief.a").await;
    assert!(chief.get(&url).await.body.contains("确认删除"));
    let done = chief.post(&format!("{url}/delete"), &[]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(chief.get(&url).await.status, StatusCode::NOT_FOUND);
    let kept: i64 = sqlx::query_scalar("select count(*) from visit where deleted_at is not null")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(kept, 1, "soft delete");
    let audit: String =
        sqlx::query_scalar("select summary from audit_event where action = 'visit.delete'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert!(audit.contains("将被删除的走访"));
    assert!(!chief.get("/visits").await.body.contains("将被删除的走访"));
    let entries = sanse::visits::timeline(
        &app.db,
        crate::harness::scope(app.fixture.station_a),
        sanse::ids::EnterpriseId(ent),
        Lang::Zh,
    )
    .await
    .unwrap();
    assert!(entries.is_empty());
    // the hazard stays, without a link to the deleted visit
    let hazard_id: i64 =
        sqlx::query_scalar("select hazard_id from hazard where deleted_at is null")
            .fetch_one(&app.db)
            .await
            .unwrap();
    let hazard = chief.get(&format!("/hazards/{hazard_id}")).await;
    assert_eq!(hazard.status, StatusCode::OK);
    assert!(!hazard.body.contains(&format!("href=\"{url}\"")));
}

#[tokio::test]
async fn another_stations_visits_are_not_found_and_not_changed() {
    let (app, ent_a, ent_b) = setup().await;
    let mut officer_b = app.login("officer.b").await;
    let b_id = app.fixture.officer_b.to_string();
    let visited = day(today(&app));
    let url_b = log_visit(
        &mut officer_b,
        ent_b,
        &pairs(&[
            ("visited_on", &visited),
            ("kind", "routine"),
            ("officers", &b_id),
            ("notes", "乙站的走访"),
        ]),
    )
    .await;

    let mut officer_a = app.login("officer.a").await;
    let a_id = app.fixture.officer_a.to_string();
    assert_eq!(officer_a.get(&url_b).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        officer_a.get(&format!("{url_b}/edit")).await.status,
        StatusCode::NOT_FOUND
    );
    let post = post_fields(
        &mut officer_a,
        &format!("{url_b}/edit"),
        &pairs(&[
            ("visited_on", &visited),
            ("officers", &a_id),
            ("notes", "篡改"),
            ("version", "1"),
        ]),
    )
    .await;
    assert_eq!(post.status, StatusCode::NOT_FOUND);
    assert_eq!(
        officer_a
            .get(&format!("/enterprises/{ent_b}/visits/new"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let token_a = token(&mut officer_a, ent_a).await;
    let cross = post_fields(
        &mut officer_a,
        &format!("/enterprises/{ent_b}/visits"),
        &pairs(&[
            ("visited_on", &visited),
            ("kind", "routine"),
            ("officers", &a_id),
            ("notes", "写进别的派出所"),
            ("form_token", &token_a),
        ]),
    )
    .await;
    assert_eq!(cross.status, StatusCode::NOT_FOUND);
    let mut chief_a = app.login("chief.a").await;
    let del = chief_a.post(&format!("{url_b}/delete"), &[]).await;
    assert_eq!(del.status, StatusCode::NOT_FOUND);
    assert!(
        !officer_a
            .get("/visits")
            .await
            .body
            .contains("乙站走访企业有限公司")
    );
    let rows: Vec<(String, i32, bool)> =
        sqlx::query_as("select notes, version, deleted_at is null from visit")
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert_eq!(rows, [("乙站的走访".to_owned(), 1, true)]);
    let officers: Vec<i64> = sqlx::query_scalar("select user_id from visit_officer")
        .fetch_all(&app.db)
        .await
        .unwrap();
    assert_eq!(officers, [app.fixture.officer_b]);
    let entries = sanse::visits::timeline(
        &app.db,
        crate::harness::scope(app.fixture.station_a),
        sanse::ids::EnterpriseId(ent_b),
        Lang::Zh,
    )
    .await
    .unwrap();
    assert!(entries.is_empty());

    // departments have no business here
    let mut dept = app.login("dept.x").await;
    for path in [
        "/visits".to_owned(),
        "/visits/new".to_owned(),
        url_b.clone(),
        format!("{url_b}/edit"),
        format!("/enterprises/{ent_b}/visits/new"),
    ] {
        assert_eq!(
            dept.get(&path).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    assert_eq!(
        dept.post(&format!("{url_b}/delete"), &[]).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        dept.post(&format!("{url_b}/edit"), &[("notes", "x")])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

/// Inserts a visit straight into the database; its id.
async fn visit_on(app: &TestApp, station: i64, enterprise: i64, on: &str, kind: &str) -> i64 {
    let created_by = if station == app.fixture.station_a {
        app.fixture.officer_a
    } else {
        app.fixture.officer_b
    };
    sqlx::query_scalar(
        "insert into visit (station_id, enterprise_id, visited_on, kind, created_by)
         values ($1, $2, $3::date, $4::visit_kind, $5) returning visit_id",
    )
    .bind(station)
    .bind(enterprise)
    .bind(on)
    .bind(kind)
    .bind(created_by)
    .fetch_one(&app.db)
    .await
    .unwrap()
}

#[tokio::test]
async fn the_list_filters_by_enterprise_and_an_inclusive_date_range() {
    let (app, ent, foreign) = setup().await;
    let other = insert_enterprise(&app.db, app.fixture.station_a, "甲站另一企业", None).await;
    let (a, b) = (app.fixture.station_a, app.fixture.station_b);
    let first_day = visit_on(&app, a, ent, "2026-10-01", "routine").await;
    let last_day = visit_on(&app, a, ent, "2026-10-31", "legal").await;
    let before = visit_on(&app, a, ent, "2026-09-30", "routine").await;
    let after = visit_on(&app, a, ent, "2026-11-01", "legal").await;
    let other_visit = visit_on(&app, a, other, "2026-10-15", "routine").await;
    let foreign_visit = visit_on(&app, b, foreign, "2026-10-15", "routine").await;
    let all = [
        first_day,
        last_day,
        before,
        after,
        other_visit,
        foreign_visit,
    ];
    let shows_exactly = |body: &str, shown: &[i64]| {
        for id in all {
            let link = format!("href=\"/visits/{id}\"");
            assert_eq!(
                body.contains(&link),
                shown.contains(&id),
                "{id} in {shown:?}"
            );
        }
    };
    let mut officer = app.login("officer.a").await;
    let oct = "from=2026-10-01&to=2026-10-31";

    let page = officer
        .get(&format!("/visits?enterprise={ent}&{oct}"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    shows_exactly(&page.body, &[first_day, last_day]);
    assert_eq!(
        page.text_of_id("enterprise-filter").unwrap(),
        "企业：甲站走访企业有限公司 ✕"
    );
    assert_eq!(page.input_value("enterprise").unwrap(), ent.to_string());
    assert!(
        page.body
            .contains("href=\"/visits?from=2026-10-01&#38;to=2026-10-31\""),
        "{}",
        page.body
    );
    // With the kind too, as the monthly list links inspections.
    let page = officer
        .get(&format!("/visits?enterprise={ent}&kind=legal&{oct}"))
        .await;
    shows_exactly(&page.body, &[last_day]);
    assert!(
        page.body
            .contains("href=\"/visits?kind=legal&#38;from=2026-10-01&#38;to=2026-10-31\"")
    );
    // The station's visits of the month.
    let page = officer.get(&format!("/visits?{oct}")).await;
    shows_exactly(&page.body, &[first_day, last_day, other_visit]);
    assert!(page.text_of_id("enterprise-filter").is_none());

    // Another station's enterprise: nothing, and not its name.
    let page = officer.get(&format!("/visits?enterprise={foreign}")).await;
    assert_eq!(page.status, StatusCode::OK);
    shows_exactly(&page.body, &[]);
    assert!(!page.body.contains("乙站走访企业有限公司"));

    // Malformed values filter nothing; `from` after `to` keeps nothing.
    let page = officer
        .get(&format!("/visits?enterprise={ent}&from=2025-02-30&to=junk"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    shows_exactly(&page.body, &[first_day, last_day, before, after]);
    let page = officer.get("/visits?enterprise=x1&from=2026-10-01").await;
    assert_eq!(page.status, StatusCode::OK);
    shows_exactly(&page.body, &[first_day, last_day, after, other_visit]);
    let page = officer.get("/visits?from=2026-10-31&to=2026-10-01").await;
    shows_exactly(&page.body, &[]);

    // Pages keep the enterprise.
    sqlx::query(
        "insert into visit (station_id, enterprise_id, visited_on, kind, created_by)
         select $1, $2, date '2026-10-02' + (n % 20), 'routine', $3
         from generate_series(1, 30) n",
    )
    .bind(a)
    .bind(ent)
    .bind(app.fixture.officer_a)
    .execute(&app.db)
    .await
    .unwrap();
    let page = officer
        .get(&format!("/visits?enterprise={ent}&{oct}"))
        .await;
    assert!(page.body.contains("共 32 条"));
    let next =
        format!("href=\"?enterprise={ent}&#38;from=2026-10-01&#38;to=2026-10-31&#38;page=2\"");
    assert!(page.body.contains(&next), "{}", page.body);

    officer.post("/lang", &[("lang", "en")]).await;
    let page = officer.get(&format!("/visits?enterprise={ent}")).await;
    assert_eq!(
        page.text_of_id("enterprise-filter").unwrap(),
        "Enterprise: 甲站走访企业有限公司 ✕"
    );
}
