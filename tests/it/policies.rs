//! Scoring policy versions: the admin's list and version pages, creating the
//! next version (validation, forward-only quarters, stale forms, double
//! submits), admin-only access, and the evaluation service picking the
//! version in force.

use axum::http::StatusCode;
use sanse::scoring::{Policy, Quarter};

use crate::harness::{Client, Resp, TestApp, count_rows};

fn current_quarter(app: &TestApp) -> Quarter {
    Quarter::containing(app.state.clock.today())
}

/// Version 1's values as the form posts them (ticked boxes only), with
/// `changes` applied; a change to `""` drops the field (an unticked box).
fn v1_fields(quarter: &str, base_version: &str, changes: &[(&str, &str)]) -> Vec<(String, String)> {
    let json = serde_json::to_value(Policy::default_v1()).unwrap();
    let mut fields: Vec<(String, String)> = json
        .as_object()
        .unwrap()
        .iter()
        .filter(|(k, _)| *k != "version")
        .filter_map(|(k, v)| match v {
            serde_json::Value::Bool(true) => Some((k.clone(), "on".to_owned())),
            serde_json::Value::Bool(false) => None,
            n => Some((k.clone(), n.to_string())),
        })
        .collect();
    fields.push(("effective_from".into(), quarter.into()));
    fields.push(("base_version".into(), base_version.into()));
    for (name, value) in changes {
        fields.retain(|(k, _)| k != name);
        if !value.is_empty() {
            fields.push(((*name).to_owned(), (*value).to_owned()));
        }
    }
    fields
}

async fn post_policy(client: &mut Client, fields: &[(String, String)]) -> Resp {
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    client.post("/admin/policies", &refs).await
}

async fn stored(app: &TestApp, version: i32) -> (String, i32, i32, serde_json::Value, Option<i64>) {
    sqlx::query_as(
        "select effective_from, mass_dispute_threshold, demand_response_days, params, created_by
         from scoring_policy where version = $1",
    )
    .bind(version)
    .fetch_one(&app.db)
    .await
    .unwrap()
}

#[tokio::test]
async fn an_admin_lists_and_views_version_1_read_only() {
    let app = TestApp::new().await;
    let mut admin = app.login("admin").await;
    let list = admin.get("/admin/policies").await;
    assert_eq!(list.status, StatusCode::OK);
    let row = list.text_of_id("version-1").unwrap();
    assert!(row.contains("评分规则第 1 版"), "{row}");
    assert!(
        row.contains("2020-Q1") && row.contains("40 / 30 / 30"),
        "{row}"
    );
    assert!(row.contains("绿色 ≥ 85，黄色 ≥ 70"), "{row}");
    assert!(
        row.contains("本季度适用") && row.contains("系统初始"),
        "{row}"
    );
    assert!(list.body.contains("href=\"/admin/policies/1\""));
    assert!(list.body.contains("href=\"/admin/policies/new\""));

    let page = admin.get("/admin/policies/1").await;
    assert_eq!(page.status, StatusCode::OK);
    for words in [
        "指标权重",
        "等级分数线",
        "隐患扣分",
        "警情扣分",
        "矛盾纠纷",
        "期限",
        "一票否决",
        "升级限制",
    ] {
        assert!(page.body.contains(words), "group {words}");
    }
    assert_eq!(
        page.text_of_id("param-safety_weight").unwrap(),
        "安全管理（分） safety_weight 40"
    );
    assert_eq!(
        page.text_of_id("param-hazard_overdue_major").unwrap(),
        "重大隐患：逾期未整改（每条扣分） hazard_overdue_major 15"
    );
    assert_eq!(
        page.text_of_id("param-step_limit").unwrap(),
        "上季度为红色的企业，本季度最多升至黄色 step_limit 启用"
    );
    assert!(page.body.contains("已保存的版本不能修改"));
    // immutable: no edit form, no update
    assert_eq!(
        admin.get("/admin/policies/1/edit").await.status,
        StatusCode::NOT_FOUND
    );
    let posted = admin
        .post("/admin/policies/1", &[("safety_weight", "50")])
        .await;
    assert!(posted.status.is_client_error(), "{}", posted.status);
    assert_eq!(count_rows(&app.db, "scoring_policy").await, 1);
    // missing versions and junk are 404
    assert_eq!(
        admin.get("/admin/policies/2").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        admin.get("/admin/policies/x1").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        admin.get("/admin/policies/99999999999").await.status,
        StatusCode::NOT_FOUND
    );

    // English
    admin.post("/lang", &[("lang", "en")]).await;
    let page = admin.get("/admin/policies/1").await;
    assert_eq!(
        page.text_of_id("param-safety_weight").unwrap(),
        "Safety management (points) safety_weight 40"
    );
    assert!(page.body.contains("Veto rules") && page.body.contains("In force this quarter"));
    let list = admin.get("/admin/policies").await;
    assert!(list.body.contains("Scoring policy, version 1"));
}

#[tokio::test]
async fn an_admin_creates_version_2_and_the_evaluation_service_uses_it_from_its_quarter() {
    let app = TestApp::new().await;
    let mut admin = app.login("admin").await;
    let now = current_quarter(&app);
    let next = now.next();

    let form = admin.get("/admin/policies/new").await;
    assert_eq!(form.status, StatusCode::OK);
    // pre-filled from the newest version, starting next quarter
    assert_eq!(form.input_value("safety_weight").as_deref(), Some("40"));
    assert_eq!(
        form.input_value("hazard_overdue_major").as_deref(),
        Some("15")
    );
    assert_eq!(form.input_value("base_version").as_deref(), Some("1"));
    assert_eq!(form.input_value("effective_from"), Some(next.to_string()));
    assert!(
        form.body
            .contains("name=\"step_limit\" type=\"checkbox\" value=\"on\" checked")
    );
    assert!(form.body.contains("取自第 1 版"));

    let fields = v1_fields(
        &next.to_string(),
        "1",
        &[
            ("safety_weight", "50"),
            ("hazard_weight", "25"),
            ("case_weight", "25"),
            ("mass_dispute_threshold", "50"),
            ("step_limit", ""), // unticked
        ],
    );
    let created = post_policy(&mut admin, &fields).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    assert_eq!(created.location(), "/admin/policies/2");

    let page = admin.get("/admin/policies/2").await;
    assert!(page.body.contains("已保存"), "flash");
    assert_eq!(page.text_of_id("effective-from"), Some(next.to_string()));
    assert_eq!(page.text_of_id("status").unwrap(), "待生效");
    assert_eq!(
        page.text_of_id("param-safety_weight").unwrap(),
        "安全管理（分） safety_weight 50 上一版: 40"
    );
    assert!(
        page.text_of_id("param-step_limit")
            .unwrap()
            .ends_with("不启用 上一版: 启用")
    );
    assert_eq!(
        page.text_of_id("changes").unwrap(),
        "与第 1 版相比有 5 项改动，已标出。"
    );
    assert_eq!(
        page.text_of_id("param-green_min").unwrap(),
        "绿色最低总分 green_min 85",
        "unchanged values carry no previous value"
    );

    let (from, mass, days, params, by) = stored(&app, 2).await;
    assert_eq!(from, next.to_string());
    assert_eq!(
        (mass, days),
        (50, 15),
        "typed columns follow the parameters"
    );
    assert_eq!(params["safety_weight"], 50);
    assert_eq!(params["mass_dispute_threshold"], 50);
    assert_eq!(params["step_limit"], false);
    assert_eq!(params["version"], 2);
    assert_eq!(by, Some(app.fixture.admin));

    let list = admin.get("/admin/policies").await;
    let v2 = list.text_of_id("version-2").unwrap();
    assert!(
        v2.contains("50 / 25 / 25") && v2.contains("待生效") && v2.contains("系统管理员"),
        "{v2}"
    );
    assert!(list.text_of_id("version-1").unwrap().contains("本季度适用"));
    assert!(
        list.body.find("version-2").unwrap() < list.body.find("version-1").unwrap(),
        "newest first"
    );

    // the evaluation service: this quarter still version 1, from next quarter version 2
    let mut conn = app.db.acquire().await.unwrap();
    let (_, policy) = sanse::evaluations::service::policy_for(&mut conn, now)
        .await
        .unwrap();
    assert_eq!((policy.version, policy.safety_weight), (1, 40));
    let (id, policy) = sanse::evaluations::service::policy_for(&mut conn, next)
        .await
        .unwrap();
    assert_eq!(
        (policy.version, policy.safety_weight, policy.case_weight),
        (2, 50, 25)
    );
    assert!(!policy.step_limit);
    assert_eq!(policy.validate(), Ok(()));
    let (_, later) = sanse::evaluations::service::policy_for(&mut conn, next.next().next())
        .await
        .unwrap();
    assert_eq!(later.version, 2);
    let stored_id: i64 =
        sqlx::query_scalar("select scoring_policy_id from scoring_policy where version = 2")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(id, stored_id);
    drop(conn);

    // once next quarter comes, version 2 is the one in force
    let days = (next.start() - app.state.clock.today()).num_days();
    app.state.clock.advance(chrono::Duration::days(days + 1));
    let mut admin = app.login("admin").await; // a session does not last a quarter
    let list = admin.get("/admin/policies").await;
    assert!(list.text_of_id("version-2").unwrap().contains("本季度适用"));
    assert!(list.text_of_id("version-1").unwrap().contains("已被取代"));

    // audited, with what changed
    let audit: Vec<(String, String, String, Option<i64>)> = sqlx::query_as(
        "select action, entity, summary, actor_user_id from audit_event
         where action like 'policy.%' order by audit_event_id",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(audit.len(), 1);
    let (action, entity, summary, actor) = &audit[0];
    assert_eq!(
        (action.as_str(), entity.as_str()),
        ("policy.create", "scoring_policy")
    );
    assert_eq!(*actor, Some(app.fixture.admin));
    for change in [
        "safety_weight: 40 → 50",
        "hazard_weight: 30 → 25",
        "case_weight: 30 → 25",
        "mass_dispute_threshold: 30 → 50",
        "step_limit: true → false",
        "effective_from: 2020-Q1 →",
    ] {
        assert!(summary.contains(change), "{change} in {summary}");
    }
    assert!(!summary.contains("green_min"), "{summary}");
}

#[tokio::test]
async fn invalid_input_is_refused_with_messages_at_the_fields_and_kept() {
    let app = TestApp::new().await;
    let mut admin = app.login("admin").await;
    let next = current_quarter(&app).next().to_string();

    let resp = post_policy(
        &mut admin,
        &v1_fields(
            &next,
            "1",
            &[
                ("safety_weight", "50"),
                ("yellow_min", "85"),
                ("incident_fraud", "-2"),
                ("hazard_late_major", "20"),
            ],
        ),
    )
    .await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        resp.text_of_id("safety_weight-error")
            .unwrap()
            .contains("之和必须为 100，现为 110")
    );
    assert!(
        resp.text_of_id("green_min-error")
            .unwrap()
            .contains("必须大于黄色最低分")
    );
    assert!(
        resp.text_of_id("incident_fraud-error")
            .unwrap()
            .contains("不能小于 0")
    );
    assert!(
        resp.text_of_id("hazard_late_major-error")
            .unwrap()
            .contains("不能大于重大隐患逾期未整改扣分")
    );
    assert!(resp.text_of_id("hazard_weight-error").is_none());
    assert!(
        resp.body
            .contains("aria-invalid=\"true\" aria-describedby=\"incident_fraud-error\"")
    );
    // what was typed is kept
    assert_eq!(resp.input_value("safety_weight").as_deref(), Some("50"));
    assert_eq!(resp.input_value("incident_fraud").as_deref(), Some("-2"));
    assert_eq!(resp.input_value("effective_from"), Some(next.clone()));
    assert!(
        resp.body
            .contains("name=\"veto_major_criminal\" type=\"checkbox\" value=\"on\" checked")
    );

    // not numbers, missing, and a bad quarter
    let resp = post_policy(
        &mut admin,
        &v1_fields(
            "2027Q1",
            "1",
            &[
                ("green_min", "八十五"),
                ("case_weight", ""),
                ("objection_days", "1.5"),
            ],
        ),
    )
    .await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(resp.text_of_id("green_min-error").unwrap(), "请输入整数。");
    assert_eq!(
        resp.text_of_id("case_weight-error").unwrap(),
        "此项为必填项。"
    );
    assert_eq!(
        resp.text_of_id("objection_days-error").unwrap(),
        "请输入整数。"
    );
    assert!(
        resp.text_of_id("effective_from-error")
            .unwrap()
            .contains("YYYY-Qn")
    );
    assert_eq!(resp.input_value("green_min").as_deref(), Some("八十五"));
    assert_eq!(
        resp.input_value("effective_from").as_deref(),
        Some("2027Q1")
    );
    for bad in ["2027-Q5", "27-Q1", "2027-Q1x", ""] {
        let resp = post_policy(
            &mut admin,
            &v1_fields(bad, "1", &[("safety_weight", "45"), ("case_weight", "25")]),
        )
        .await;
        assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert!(resp.text_of_id("effective_from-error").is_some(), "{bad}");
    }

    // versions apply forward: not before v1's quarter, nor any ended quarter
    let resp = post_policy(
        &mut admin,
        &v1_fields(
            "2019-Q4",
            "1",
            &[("safety_weight", "45"), ("case_weight", "25")],
        ),
    )
    .await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        resp.text_of_id("effective_from-error")
            .unwrap()
            .contains("不能早于本季度")
    );
    let last_quarter = current_quarter(&app).previous().to_string();
    let resp = post_policy(
        &mut admin,
        &v1_fields(
            &last_quarter,
            "1",
            &[("safety_weight", "45"), ("case_weight", "25")],
        ),
    )
    .await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    // nor years ahead (a typo would block every later version)
    let far = Quarter::new(current_quarter(&app).year + 5, 1)
        .unwrap()
        .to_string();
    let resp = post_policy(
        &mut admin,
        &v1_fields(&far, "1", &[("safety_weight", "45"), ("case_weight", "25")]),
    )
    .await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        resp.text_of_id("effective_from-error")
            .unwrap()
            .contains("两年以内")
    );
    // the same values as the newest version: nothing to save
    let resp = post_policy(&mut admin, &v1_fields(&next, "1", &[])).await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(resp.text_of_id("form-error").unwrap().contains("完全相同"));
    assert_eq!(count_rows(&app.db, "scoring_policy").await, 1);

    // a version two quarters ahead; then a quarter before it is refused
    let in_two = current_quarter(&app).next().next().to_string();
    let made = post_policy(
        &mut admin,
        &v1_fields(
            &in_two,
            "1",
            &[("safety_weight", "45"), ("case_weight", "25")],
        ),
    )
    .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let form = admin.get("/admin/policies/new").await;
    assert_eq!(form.input_value("effective_from"), Some(in_two.clone()));
    assert_eq!(form.input_value("safety_weight").as_deref(), Some("45"));
    let resp = post_policy(
        &mut admin,
        &v1_fields(
            &next,
            "2",
            &[
                ("safety_weight", "50"),
                ("hazard_weight", "25"),
                ("case_weight", "25"),
            ],
        ),
    )
    .await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    let message = resp.text_of_id("effective_from-error").unwrap();
    assert!(
        message.contains(&format!("不能早于最新版本（第 2 版）的起始季度 {in_two}")),
        "{message}"
    );
    assert_eq!(count_rows(&app.db, "scoring_policy").await, 2);

    // in English
    admin.post("/lang", &[("lang", "en")]).await;
    let resp = post_policy(
        &mut admin,
        &v1_fields(
            "next year",
            "2",
            &[("safety_weight", "50"), ("green_min", "60")],
        ),
    )
    .await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        resp.text_of_id("safety_weight-error")
            .unwrap()
            .contains("must add up to 100")
    );
    assert!(
        resp.text_of_id("green_min-error")
            .unwrap()
            .contains("must be more than the lowest yellow total")
    );
    assert!(
        resp.text_of_id("effective_from-error")
            .unwrap()
            .contains("YYYY-Qn")
    );
    assert_eq!(count_rows(&app.db, "scoring_policy").await, 2);
    assert_eq!(
        app.audit_actions()
            .await
            .iter()
            .filter(|a| a.starts_with("policy."))
            .count(),
        1
    );
}

#[tokio::test]
async fn a_stale_form_is_refused_and_a_double_submit_makes_one_version() {
    let app = TestApp::new().await;
    let mut first = app.login("admin").await;
    let mut second = app.login("admin").await;
    let next = current_quarter(&app).next().to_string();
    // both open the form on version 1
    assert_eq!(
        first
            .get("/admin/policies/new")
            .await
            .input_value("base_version")
            .as_deref(),
        Some("1")
    );
    assert_eq!(
        second
            .get("/admin/policies/new")
            .await
            .input_value("base_version")
            .as_deref(),
        Some("1")
    );
    let fields = v1_fields(
        &next,
        "1",
        &[
            ("safety_weight", "50"),
            ("hazard_weight", "25"),
            ("case_weight", "25"),
        ],
    );
    let made = post_policy(&mut first, &fields).await;
    assert_eq!(made.location(), "/admin/policies/2");
    // the same form again (double click, reload): the version it made
    let again = post_policy(&mut first, &fields).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    assert_eq!(again.location(), "/admin/policies/2");
    assert_eq!(count_rows(&app.db, "scoring_policy").await, 2);

    // the other form, still on version 1, with other values: refused, kept
    let stale = post_policy(&mut second, &v1_fields(&next, "1", &[("green_min", "90")])).await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(stale.text_of_id("form-error").unwrap().contains("第 2 版"));
    assert_eq!(stale.input_value("green_min").as_deref(), Some("90"));
    assert_eq!(stale.input_value("safety_weight").as_deref(), Some("40"));
    assert_eq!(stale.input_value("base_version").as_deref(), Some("2"));
    assert!(
        stale.body.contains("最新版本中的值: 50"),
        "newest values shown"
    );
    assert!(stale.body.contains("最新版本中的值: 85"));
    assert_eq!(count_rows(&app.db, "scoring_policy").await, 2);
    // junk as the base version is stale too
    let junk = post_policy(
        &mut second,
        &v1_fields(&next, "abc", &[("green_min", "90")]),
    )
    .await;
    assert_eq!(junk.status, StatusCode::CONFLICT);
    assert_eq!(count_rows(&app.db, "scoring_policy").await, 2);

    // saved again from the re-shown form, it goes through on top of version 2
    let fields = v1_fields(&next, "2", &[("green_min", "90")]);
    let made = post_policy(&mut second, &fields).await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    assert_eq!(made.location(), "/admin/policies/3");
    let (_, _, _, params, _) = stored(&app, 3).await;
    assert_eq!(
        (
            params["green_min"].as_i64(),
            params["safety_weight"].as_i64()
        ),
        (Some(90), Some(40))
    );
    let summary: String = sqlx::query_scalar(
        "select summary from audit_event where action = 'policy.create' order by audit_event_id desc limit 1",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert!(
        summary.contains("vs v2") && summary.contains("green_min: 85 → 90"),
        "{summary}"
    );
    assert!(summary.contains("safety_weight: 50 → 40"), "{summary}");
}

#[tokio::test]
async fn concurrent_saves_of_one_form_make_one_version() {
    let app = TestApp::new().await;
    let mut client = app.login("admin").await;
    let next = current_quarter(&app).next().to_string();
    let fields = v1_fields(&next, "1", &[("incident_theft", "3")]);
    let mut other = client.clone();
    let (a, b) = tokio::join!(
        post_policy(&mut client, &fields),
        post_policy(&mut other, &fields)
    );
    assert_eq!(
        (a.status, b.status),
        (StatusCode::SEE_OTHER, StatusCode::SEE_OTHER)
    );
    assert_eq!(
        (a.location(), b.location()),
        ("/admin/policies/2", "/admin/policies/2")
    );
    assert_eq!(count_rows(&app.db, "scoring_policy").await, 2);
}

#[tokio::test]
async fn only_admins_reach_the_policy_pages() {
    let app = TestApp::new().await;
    let next = current_quarter(&app).next().to_string();
    let fields = v1_fields(&next, "1", &[("incident_theft", "3")]);
    for user in ["officer.a", "chief.a", "officer.b", "dept.x"] {
        let mut client = app.login(user).await;
        for path in [
            "/admin/policies",
            "/admin/policies/new",
            "/admin/policies/1",
        ] {
            assert_eq!(
                client.get(path).await.status,
                StatusCode::FORBIDDEN,
                "{user} {path}"
            );
        }
        assert_eq!(
            post_policy(&mut client, &fields).await.status,
            StatusCode::FORBIDDEN,
            "{user}"
        );
    }
    // signed out: to the login page
    let mut anonymous = app.client();
    let resp = anonymous.get("/admin/policies/1").await;
    assert!(resp.status.is_redirection());
    assert!(resp.location().starts_with("/login"), "{}", resp.location());
    assert_eq!(count_rows(&app.db, "scoring_policy").await, 1);
    assert!(
        !app.audit_actions()
            .await
            .iter()
            .any(|a| a.starts_with("policy."))
    );
}
