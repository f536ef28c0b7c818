//! Incidents: the reference record module. Create, list, view, edit,
//! validation, version conflicts, double submits, deletion, station scoping.

use axum::http::StatusCode;

use crate::harness::{TestApp, count_rows, insert_enterprise};

async fn setup() -> (TestApp, i64, i64) {
    let app = TestApp::new().await;
    let a = insert_enterprise(
        &app.db,
        app.fixture.station_a,
        "甲站测试企业有限公司",
        Some(app.fixture.officer_a),
    )
    .await;
    let b = insert_enterprise(
        &app.db,
        app.fixture.station_b,
        "乙站测试企业有限公司",
        Some(app.fixture.officer_b),
    )
    .await;
    (app, a, b)
}

fn valid(summary: &str) -> Vec<(&str, &str)> {
    vec![
        ("occurred_on", "2026-03-04"),
        ("category", "theft"),
        ("severity", "minor"),
        ("enterprise_victim", "on"),
        ("summary", summary),
    ]
}

#[tokio::test]
async fn an_officer_records_views_lists_and_edits_an_incident() {
    let (app, ent, _) = setup().await;
    let mut officer = app.login("officer.a").await;
    let form = officer
        .get(&format!("/enterprises/{ent}/incidents/new"))
        .await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("登记警情"));
    let token = form.input_value("form_token").unwrap();
    let mut fields = valid("仓库夜间被盗电缆一批");
    fields.push(("form_token", &token));
    let created = officer
        .post(&format!("/enterprises/{ent}/incidents"), &fields)
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let url = created.location().to_owned();
    let page = officer.get(&url).await;
    assert!(page.body.contains("仓库夜间被盗电缆一批"));
    assert!(page.body.contains("盗窃"));
    assert!(page.body.contains("已保存"), "flash after saving");

    let list = officer.get("/incidents").await;
    assert!(list.body.contains("甲站测试企业有限公司"));
    let filtered = officer.get("/incidents?category=fraud").await;
    assert!(!filtered.body.contains("甲站测试企业有限公司"));

    // edit
    let edit = officer.get(&format!("{url}/edit")).await;
    let version = edit.input_value("version").unwrap();
    assert_eq!(version, "1");
    let saved = officer
        .post(
            &format!("{url}/edit"),
            &[
                ("occurred_on", "2026-03-05"),
                ("category", "fraud"),
                ("severity", "serious"),
                ("summary", "冒充客户骗取货款"),
                ("version", &version),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let page = officer.get(&url).await;
    assert!(page.body.contains("冒充客户骗取货款") && page.body.contains("诈骗"));
    // English too
    officer.post("/lang", &[("lang", "en")]).await;
    let page = officer.get(&url).await;
    assert!(page.body.contains("Fraud") && page.body.contains("Serious"));

    let audit: Vec<(String, String)> = sqlx::query_as(
        "select action, summary from audit_event where entity = 'incident' order by audit_event_id",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(audit[0].0, "incident.create");
    assert_eq!(audit[1].0, "incident.update");
    assert!(
        audit[1].1.contains("category: theft → fraud"),
        "{}",
        audit[1].1
    );
}

#[tokio::test]
async fn bad_input_is_shown_next_to_the_field_and_kept() {
    let (app, ent, _) = setup().await;
    let mut officer = app.login("officer.a").await;
    let form = officer
        .get(&format!("/enterprises/{ent}/incidents/new"))
        .await;
    let token = form.input_value("form_token").unwrap();
    let resp = officer
        .post(
            &format!("/enterprises/{ent}/incidents"),
            &[
                ("occurred_on", "2025-02-30"),
                ("category", "arson"),
                ("severity", ""),
                ("summary", "<b>保留我输入的内容</b>"),
                ("form_token", &token),
            ],
        )
        .await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        resp.text_of_id("occurred_on-error")
            .unwrap()
            .contains("YYYY-MM-DD")
    );
    assert_eq!(
        resp.text_of_id("category-error").unwrap(),
        "请从列表中选择。"
    );
    assert_eq!(resp.text_of_id("severity-error").unwrap(), "此项为必填项。");
    assert!(
        resp.body
            .contains("&#60;b&#62;保留我输入的内容&#60;/b&#62;"),
        "typed text kept, escaped"
    );
    assert!(resp.body.contains("value=\"2025-02-30\""));
    // a date in the future
    let resp = officer
        .post(
            &format!("/enterprises/{ent}/incidents"),
            &[
                ("occurred_on", "2099-01-01"),
                ("category", "theft"),
                ("severity", "minor"),
                ("summary", "x"),
                ("form_token", &token),
            ],
        )
        .await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        resp.text_of_id("occurred_on-error")
            .unwrap()
            .contains("不能晚于今天")
    );
    assert_eq!(count_rows(&app.db, "incident").await, 0);
}

#[tokio::test]
async fn a_double_submit_creates_one_incident() {
    let (app, ent, _) = setup().await;
    let mut officer = app.login("officer.a").await;
    let token = officer
        .get(&format!("/enterprises/{ent}/incidents/new"))
        .await
        .input_value("form_token")
        .unwrap();
    let mut fields = valid("同一张表单提交两次");
    fields.push(("form_token", &token));
    let first = officer
        .post(&format!("/enterprises/{ent}/incidents"), &fields)
        .await;
    let second = officer
        .post(&format!("/enterprises/{ent}/incidents"), &fields)
        .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    assert_eq!(second.status, StatusCode::SEE_OTHER);
    assert_eq!(
        first.location(),
        second.location(),
        "the second lands on the first's record"
    );
    assert_eq!(count_rows(&app.db, "incident").await, 1);
}

#[tokio::test]
async fn a_stale_edit_does_not_overwrite_and_keeps_what_was_typed() {
    let (app, ent, _) = setup().await;
    let mut first = app.login("officer.a").await;
    let mut second = app.login("chief.a").await;
    let token = first
        .get(&format!("/enterprises/{ent}/incidents/new"))
        .await
        .input_value("form_token")
        .unwrap();
    let mut fields = valid("原始描述");
    fields.push(("form_token", &token));
    let url = first
        .post(&format!("/enterprises/{ent}/incidents"), &fields)
        .await
        .location()
        .to_owned();

    // both open the edit form at version 1
    let v1 = first
        .get(&format!("{url}/edit"))
        .await
        .input_value("version")
        .unwrap();
    second.get(&format!("{url}/edit")).await;
    let ok = second
        .post(
            &format!("{url}/edit"),
            &[
                ("occurred_on", "2026-03-04"),
                ("category", "theft"),
                ("severity", "minor"),
                ("summary", "所长先保存的描述"),
                ("version", &v1),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    let stale = first
        .post(
            &format!("{url}/edit"),
            &[
                ("occurred_on", "2026-03-04"),
                ("category", "theft"),
                ("severity", "minor"),
                ("summary", "民警后保存的描述"),
                ("version", &v1),
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
    assert!(
        stale.body.contains("民警后保存的描述"),
        "what was typed is kept"
    );
    assert!(
        stale.body.contains("当前保存的值: 所长先保存的描述"),
        "the saved value is shown"
    );
    let summary: String = sqlx::query_scalar("select summary from incident")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(summary, "所长先保存的描述");
    // saving again from the conflict page (which carries the new version) goes through
    let v2 = stale.input_value("version").unwrap();
    assert_eq!(v2, "2");
    let again = first
        .post(
            &format!("{url}/edit"),
            &[
                ("occurred_on", "2026-03-04"),
                ("category", "theft"),
                ("severity", "minor"),
                ("summary", "民警后保存的描述"),
                ("version", &v2),
            ],
        )
        .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn only_chiefs_delete_and_the_deletion_is_audited() {
    let (app, ent, _) = setup().await;
    let mut officer = app.login("officer.a").await;
    let token = officer
        .get(&format!("/enterprises/{ent}/incidents/new"))
        .await
        .input_value("form_token")
        .unwrap();
    let mut fields = valid("将被删除的警情");
    fields.push(("form_token", &token));
    let url = officer
        .post(&format!("/enterprises/{ent}/incidents"), &fields)
        .await
        .location()
        .to_owned();
    let refused = officer.post(&format!("{url}/delete"), &[]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let mut chief = app.login("chief.a").await;
    assert!(chief.get(&url).await.body.contains("确认删除"));
    let done = chief.post(&format!("{url}/delete"), &[]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(chief.get(&url).await.status, StatusCode::NOT_FOUND);
    let kept: i64 =
        sqlx::query_scalar("select count(*) from incident where deleted_at is not null")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(kept, 1, "soft delete");
    let audit: String =
        sqlx::query_scalar("select summary from audit_event where action = 'incident.delete'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert!(audit.contains("将被删除的警情"));
}

#[tokio::test]
async fn another_stations_incidents_are_not_found_and_not_changed() {
    let (app, ent_a, ent_b) = setup().await;
    let mut officer_b = app.login("officer.b").await;
    let token = officer_b
        .get(&format!("/enterprises/{ent_b}/incidents/new"))
        .await
        .input_value("form_token")
        .unwrap();
    let mut fields = valid("乙站的警情");
    fields.push(("form_token", &token));
    let url_b = officer_b
        .post(&format!("/enterprises/{ent_b}/incidents"), &fields)
        .await
        .location()
        .to_owned();

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
                ("occurred_on", "2026-03-04"),
                ("category", "theft"),
                ("severity", "minor"),
                ("summary", "篡改"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(post.status, StatusCode::NOT_FOUND, "{}", post.body);
    assert_eq!(
        officer_a
            .get(&format!("/enterprises/{ent_b}/incidents/new"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let token_a = officer_a
        .get(&format!("/enterprises/{ent_a}/incidents/new"))
        .await
        .input_value("form_token")
        .unwrap();
    let mut fields = valid("写进别的派出所");
    fields.push(("form_token", &token_a));
    let cross = officer_a
        .post(&format!("/enterprises/{ent_b}/incidents"), &fields)
        .await;
    assert_eq!(cross.status, StatusCode::NOT_FOUND);
    let mut chief_a = app.login("chief.a").await;
    let del = chief_a.post(&format!("{url_b}/delete"), &[]).await;
    assert_eq!(del.status, StatusCode::NOT_FOUND, "{}", del.body);
    assert!(
        !officer_a
            .get("/incidents")
            .await
            .body
            .contains("乙站的警情")
    );
    let summaries: Vec<String> =
        sqlx::query_scalar("select summary from incident where deleted_at is null")
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert_eq!(summaries, ["乙站的警情"]);
    // departments and admins have no business here
    let mut dept = app.login("dept.x").await;
    assert_eq!(dept.get("/incidents").await.status, StatusCode::FORBIDDEN);
    assert_eq!(dept.get(&url_b).await.status, StatusCode::FORBIDDEN);
}

/// Inserts an incident of `enterprise` straight into the database.
async fn incident_on(app: &TestApp, station: i64, enterprise: i64, on: &str, summary: &str) {
    sqlx::query(
        "insert into incident (station_id, enterprise_id, occurred_on, category, severity, summary, created_by)
         values ($1, $2, $3::date, 'theft', 'minor', $4, $5)",
    )
    .bind(station)
    .bind(enterprise)
    .bind(on)
    .bind(summary)
    .bind(app.fixture.officer_a)
    .execute(&app.db)
    .await
    .unwrap();
}

#[tokio::test]
async fn the_list_filters_by_enterprise_and_an_inclusive_date_range() {
    let (app, ent, foreign) = setup().await;
    let other = insert_enterprise(&app.db, app.fixture.station_a, "甲站另一企业", None).await;
    let (a, b) = (app.fixture.station_a, app.fixture.station_b);
    incident_on(&app, a, ent, "2026-10-01", "十月首日警情").await;
    incident_on(&app, a, ent, "2026-10-31", "十月末日警情").await;
    incident_on(&app, a, ent, "2026-09-30", "九月末日警情").await;
    incident_on(&app, a, ent, "2026-11-01", "十一月首日警情").await;
    incident_on(&app, a, other, "2026-10-15", "另一企业十月警情").await;
    incident_on(&app, b, foreign, "2026-10-15", "外站十月警情").await;
    incident_on(&app, a, ent, "2026-10-20", "已删除的十月警情").await;
    sqlx::query("update incident set deleted_at = now() where summary = '已删除的十月警情'")
        .execute(&app.db)
        .await
        .unwrap();
    let mut officer = app.login("officer.a").await;

    let page = officer
        .get(&format!(
            "/incidents?enterprise={ent}&from=2026-10-01&to=2026-10-31"
        ))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    for shown in ["十月首日警情", "十月末日警情"] {
        assert!(page.body.contains(shown), "{shown} is in the range");
    }
    for hidden in [
        "九月末日警情",
        "十一月首日警情",
        "另一企业十月警情",
        "外站十月警情",
        "已删除的十月警情",
    ] {
        assert!(!page.body.contains(hidden), "{hidden} is not");
    }
    assert!(page.body.contains("共 2 条"));
    assert_eq!(
        page.text_of_id("enterprise-filter").unwrap(),
        "企业：甲站测试企业有限公司 ✕"
    );
    // The filters keep the enterprise; its ✕ keeps the dates.
    assert_eq!(page.input_value("enterprise").unwrap(), ent.to_string());
    assert_eq!(page.input_value("from").unwrap(), "2026-10-01");
    assert!(
        page.body
            .contains("href=\"/incidents?from=2026-10-01&#38;to=2026-10-31\""),
        "{}",
        page.body
    );

    // Without the enterprise: the station's records of the month.
    let month = officer
        .get("/incidents?from=2026-10-01&to=2026-10-31")
        .await;
    assert!(month.body.contains("另一企业十月警情"));
    assert!(!month.body.contains("外站十月警情"));
    assert!(month.body.contains("共 3 条"));
    assert!(month.text_of_id("enterprise-filter").is_none());

    // Another station's enterprise: nothing, and not its name.
    let page = officer
        .get(&format!("/incidents?enterprise={foreign}"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("外站十月警情"));
    assert!(!page.body.contains("乙站测试企业有限公司"));
    assert!(page.body.contains("共 0 条"));

    // Malformed values filter nothing; a bad date is said next to its field.
    let page = officer
        .get("/incidents?enterprise=abc&from=2025-02-30&to=junk")
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("共 5 条"));
    assert!(page.body.contains("id=\"from-error\""));
    assert_eq!(page.input_value("to").unwrap(), "junk");
    // `from` after `to`: nothing.
    let page = officer
        .get("/incidents?from=2026-11-01&to=2026-10-01")
        .await;
    assert!(page.body.contains("共 0 条"));

    // Pages keep every filter.
    sqlx::query(
        "insert into incident (station_id, enterprise_id, occurred_on, category, severity, summary, created_by)
         select $1, $2, date '2026-10-02' + (n % 20), 'fraud', 'minor', '批量警情' || n, $3
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
            "/incidents?enterprise={ent}&category=fraud&from=2026-10-01&to=2026-10-31"
        ))
        .await;
    assert!(first.body.contains("共 30 条"));
    let next = format!(
        "href=\"?enterprise={ent}&#38;category=fraud&#38;from=2026-10-01&#38;to=2026-10-31&#38;page=2\""
    );
    assert!(first.body.contains(&next), "{}", first.body);

    officer.post("/lang", &[("lang", "en")]).await;
    let page = officer.get(&format!("/incidents?enterprise={ent}")).await;
    assert_eq!(
        page.text_of_id("enterprise-filter").unwrap(),
        "Enterprise: 甲站测试企业有限公司 ✕"
    );
    assert!(page.body.contains("<label for=\"from\">From</label>"));
}
