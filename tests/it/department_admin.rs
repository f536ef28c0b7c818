//! The admin pages of partner departments: the list and creating a
//! department, subscriptions (and that they route pushes), department users,
//! API tokens (shown once, stored hashed, revocable), the webhook (set,
//! rotate, remove) and its deliveries with their attempts; admin-only
//! access and 404 for another department's ids.

use axum::http::StatusCode;

use crate::harness::{Client, PASSWORD, PUSH_QUARTER, Resp, TestApp, count_rows, push_scene};

fn page(id: i64) -> String {
    format!("/admin/departments/{id}")
}

async fn audit_count(app: &TestApp, action: &str) -> usize {
    app.audit_actions()
        .await
        .iter()
        .filter(|a| *a == action)
        .count()
}

/// The value shown once on the page (a token or a secret).
fn revealed(resp: &Resp) -> String {
    resp.text_of_id("revealed-value")
        .unwrap_or_else(|| panic!("nothing revealed: {}", resp.body))
}

#[tokio::test]
async fn only_admins_reach_the_department_pages() {
    let app = TestApp::new().await;
    let x = app.fixture.department_x;
    for user in ["officer.a", "chief.a", "dept.x"] {
        let mut client = app.login(user).await;
        for path in ["/admin/departments".to_owned(), page(x)] {
            assert_eq!(
                client.get(&path).await.status,
                StatusCode::FORBIDDEN,
                "{user} {path}"
            );
        }
        for (path, fields) in [
            (
                "/admin/departments".to_owned(),
                vec![("code", "evil"), ("name", "恶意"), ("name_en", "Evil")],
            ),
            (format!("{}/tokens", page(x)), vec![("label", "stolen")]),
            (
                format!("{}/webhook", page(x)),
                vec![("url", "https://evil.example/")],
            ),
            (
                format!("{}/subscriptions", page(x)),
                vec![("station", ""), ("level", "red")],
            ),
            (
                format!("{}/users", page(x)),
                vec![
                    ("username", "mole"),
                    ("display_name", "Mole"),
                    ("password", PASSWORD),
                ],
            ),
            (format!("{}/disable", page(x)), vec![]),
        ] {
            assert_eq!(
                client.post(&path, &fields).await.status,
                StatusCode::FORBIDDEN,
                "{user} {path}"
            );
        }
    }
    // signed out: to the login page
    let mut anonymous = app.client();
    for path in ["/admin/departments".to_owned(), page(x)] {
        let resp = anonymous.get(&path).await;
        assert!(resp.status.is_redirection(), "{path}");
        assert!(resp.location().starts_with("/login"), "{}", resp.location());
    }
    assert_eq!(count_rows(&app.db, "department").await, 2);
    assert_eq!(count_rows(&app.db, "api_token").await, 0);
    assert_eq!(count_rows(&app.db, "subscription").await, 0);
    let disabled: Option<chrono::DateTime<chrono::Utc>> =
        sqlx::query_scalar("select disabled_at from department where department_id = $1")
            .bind(x)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert!(disabled.is_none());
    let actions = app.audit_actions().await;
    assert!(
        !actions.iter().any(|a| a.starts_with("department.")
            || a.starts_with("api_token.")
            || a.starts_with("webhook.")
            || a.starts_with("subscription.")),
        "{actions:?}"
    );

    // the admin home links here; the list shows the fixture's departments
    let mut admin = app.login("admin").await;
    let home = admin.get("/admin").await;
    assert!(home.body.contains("href=\"/admin/departments\""));
    let list = admin.get("/admin/departments").await;
    assert_eq!(list.status, StatusCode::OK);
    let row = list.text_of_id("department-dept-x").unwrap();
    assert!(
        row.contains("消防救援站") && row.contains("dept-x"),
        "{row}"
    );
    // one active user, no subscription, no webhook, no token
    assert!(row.contains("没有订阅") && row.contains("未设置"), "{row}");
    assert_eq!(list.text_of_id("users-dept-x").as_deref(), Some("1"));
    assert_eq!(list.text_of_id("tokens-dept-x").as_deref(), Some("0"));
    assert!(
        list.body
            .contains(&format!("href=\"/admin/departments/{x}\""))
    );
    // in English too
    admin.post("/lang", &[("lang", "en")]).await;
    let shown = admin.get(&page(x)).await;
    assert_eq!(shown.status, StatusCode::OK);
    assert!(shown.body.contains("<h1>Fire Rescue</h1>"));
    for words in [
        "Subscriptions",
        "API tokens",
        "Webhook deliveries",
        "All stations",
    ] {
        assert!(shown.body.contains(words), "{words}");
    }
    admin.post("/lang", &[("lang", "zh")]).await;
    // unknown ids: 404
    assert_eq!(
        admin.get("/admin/departments/999999").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        admin.get("/admin/departments/abc").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn creating_a_department_checks_the_code_and_keeps_what_was_typed() {
    let app = TestApp::new().await;
    let mut admin = app.login("admin").await;

    let resp = admin
        .post(
            "/admin/departments",
            &[
                ("code", "Fire Rescue!"),
                ("name", "应急管理局"),
                ("name_en", ""),
            ],
        )
        .await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        resp.text_of_id("code-error")
            .unwrap()
            .contains("小写字母、数字或连字符"),
        "{}",
        resp.body
    );
    assert!(resp.text_of_id("name_en-error").unwrap().contains("必填"));
    assert_eq!(resp.input_value("code").as_deref(), Some("Fire Rescue!"));
    assert_eq!(resp.input_value("name").as_deref(), Some("应急管理局"));

    // a code already used
    let resp = admin
        .post(
            "/admin/departments",
            &[
                ("code", "dept-x"),
                ("name", "应急管理局"),
                ("name_en", "Emergency Management"),
            ],
        )
        .await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        resp.text_of_id("code-error")
            .unwrap()
            .contains("“dept-x”已被使用"),
        "{}",
        resp.body
    );
    assert_eq!(
        resp.input_value("name_en").as_deref(),
        Some("Emergency Management")
    );
    assert_eq!(count_rows(&app.db, "department").await, 2);

    // in English too
    admin.post("/lang", &[("lang", "en")]).await;
    let resp = admin
        .post(
            "/admin/departments",
            &[("code", "x"), ("name", "应急管理局"), ("name_en", "EM")],
        )
        .await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        resp.text_of_id("code-error")
            .unwrap()
            .contains("2–40 lower-case letters"),
        "{}",
        resp.body
    );
    admin.post("/lang", &[("lang", "zh")]).await;

    let resp = admin
        .post(
            "/admin/departments",
            &[
                ("code", " emergency "),
                ("name", "应急管理局"),
                ("name_en", "Emergency Management"),
            ],
        )
        .await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER, "{}", resp.body);
    let id: i64 =
        sqlx::query_scalar("select department_id from department where code = 'emergency'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(resp.location(), page(id));
    assert_eq!(audit_count(&app, "department.create").await, 1);
    let shown = admin.get(&page(id)).await;
    assert_eq!(shown.status, StatusCode::OK);
    assert_eq!(
        shown.text_of_id("department-code").as_deref(),
        Some("emergency")
    );
    assert!(shown.body.contains("<h1>应急管理局</h1>"));

    // names can be edited (both required); the code stays
    let resp = admin
        .post(
            &format!("{}/names", page(id)),
            &[("name", " "), ("name_en", "EMB")],
        )
        .await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(resp.text_of_id("name-error").is_some());
    assert_eq!(resp.input_value("name_en").as_deref(), Some("EMB"));
    let resp = admin
        .post(
            &format!("{}/names", page(id)),
            &[
                ("name", "区应急管理局"),
                ("name_en", "District Emergency Bureau"),
            ],
        )
        .await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER);
    let names: (String, String, String) =
        sqlx::query_as("select code, name, name_en from department where department_id = $1")
            .bind(id)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(
        names,
        (
            "emergency".into(),
            "区应急管理局".into(),
            "District Emergency Bureau".into()
        )
    );
    assert_eq!(audit_count(&app, "department.update").await, 1);

    // disable and enable
    let resp = admin.post(&format!("{}/disable", page(id)), &[]).await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER);
    let list = admin.get("/admin/departments").await;
    assert!(
        list.text_of_id("department-emergency")
            .unwrap()
            .contains("已停用")
    );
    assert!(
        admin
            .get(&page(id))
            .await
            .text_of_id("disabled-banner")
            .is_some()
    );
    let resp = admin.post(&format!("{}/enable", page(id)), &[]).await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER);
    let disabled: Option<chrono::DateTime<chrono::Utc>> =
        sqlx::query_scalar("select disabled_at from department where department_id = $1")
            .bind(id)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert!(disabled.is_none());
    assert_eq!(audit_count(&app, "department.disable").await, 1);
    assert_eq!(audit_count(&app, "department.enable").await, 1);
    assert_eq!(
        admin
            .post("/admin/departments/999999/disable", &[])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

async fn subscriptions_of(
    app: &TestApp,
    dept: i64,
) -> Vec<(Option<i64>, Vec<String>, Vec<String>)> {
    sqlx::query_as(
        "select station_id, levels::text[], industries from subscription
         where department_id = $1 order by subscription_id",
    )
    .bind(dept)
    .fetch_all(&app.db)
    .await
    .unwrap()
}

#[tokio::test]
async fn subscriptions_are_validated_added_and_removed() {
    let app = TestApp::new().await;
    let (x, y, a) = (
        app.fixture.department_x,
        app.fixture.department_y,
        app.fixture.station_a,
    );
    let station_a = a.to_string();
    let station_a = station_a.as_str();
    let path = format!("{}/subscriptions", page(x));
    let mut admin = app.login("admin").await;

    // no level: refused, what was chosen kept
    let resp = admin
        .post(&path, &[("station", station_a), ("industry", "chemicals")])
        .await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        resp.text_of_id("levels-error")
            .unwrap()
            .contains("至少选择一个等级")
    );
    assert!(
        resp.body
            .contains(&format!("<option value=\"{a}\" selected>甲派出所</option>")),
        "{}",
        resp.body
    );
    assert!(resp.body.contains("value=\"chemicals\" checked"));

    // unknown station, level and industry: messages, not a 500
    let resp = admin
        .post(
            &path,
            &[
                ("station", "999999"),
                ("level", "purple"),
                ("industry", "piracy"),
            ],
        )
        .await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(resp.text_of_id("station-error").unwrap().contains("不存在"));
    assert!(resp.text_of_id("levels-error").unwrap().contains("无效"));
    assert!(
        resp.text_of_id("industries-error")
            .unwrap()
            .contains("不存在")
    );
    let resp = admin
        .post(&path, &[("station", "abc"), ("level", "red")])
        .await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(resp.text_of_id("station-error").is_some());
    assert!(subscriptions_of(&app, x).await.is_empty());

    // red and yellow of station A, manufacturing only
    let resp = admin
        .post(
            &path,
            &[
                ("station", station_a),
                ("level", "yellow"),
                ("level", "red"),
                ("industry", "manufacturing"),
            ],
        )
        .await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER, "{}", resp.body);
    assert_eq!(resp.location(), format!("{}#subscriptions", page(x)));
    // every level of every station, every industry
    let resp = admin
        .post(
            &path,
            &[
                ("station", ""),
                ("level", "green"),
                ("level", "yellow"),
                ("level", "red"),
            ],
        )
        .await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER, "{}", resp.body);
    assert_eq!(
        subscriptions_of(&app, x).await,
        vec![
            (
                Some(a),
                vec!["red".to_owned(), "yellow".to_owned()],
                vec!["manufacturing".to_owned()]
            ),
            (
                None,
                vec!["red".to_owned(), "yellow".to_owned(), "green".to_owned()],
                vec![]
            ),
        ]
    );
    assert_eq!(audit_count(&app, "subscription.create").await, 2);

    // the same subscription again: refused
    let resp = admin
        .post(
            &path,
            &[
                ("station", station_a),
                ("level", "red"),
                ("level", "yellow"),
                ("industry", "manufacturing"),
            ],
        )
        .await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        resp.text_of_id("subscription-error")
            .unwrap()
            .contains("完全相同")
    );

    // shown with level badges, stations and industries by name
    let shown = admin.get(&page(x)).await;
    let ids: Vec<i64> = sqlx::query_scalar(
        "select subscription_id from subscription where department_id = $1 order by subscription_id",
    )
    .bind(x)
    .fetch_all(&app.db)
    .await
    .unwrap();
    let first = shown
        .text_of_id(&format!("subscription-{}", ids[0]))
        .unwrap();
    assert!(
        first.contains("甲派出所") && first.contains("R 红色") && first.contains("Y 黄色"),
        "{first}"
    );
    assert!(
        first.contains("制造业") && !first.contains("绿色"),
        "{first}"
    );
    let second = shown
        .text_of_id(&format!("subscription-{}", ids[1]))
        .unwrap();
    assert!(
        second.contains("全部派出所") && second.contains("全部行业") && second.contains("G 绿色"),
        "{second}"
    );
    assert!(shown.body.contains("class=\"level level-red\""));
    let list = admin.get("/admin/departments").await;
    let row = list.text_of_id("department-dept-x").unwrap();
    assert!(row.contains("甲派出所 · 红色、黄色 · 制造业"), "{row}");

    // removing: another department's subscription is a 404
    let y_sub: i64 = sqlx::query_scalar(
        "insert into subscription (department_id, levels) values ($1, '{red}') returning subscription_id",
    )
    .bind(y)
    .fetch_one(&app.db)
    .await
    .unwrap();
    let resp = admin
        .post(&format!("{}/subscriptions/{y_sub}/delete", page(x)), &[])
        .await;
    assert_eq!(resp.status, StatusCode::NOT_FOUND);
    assert_eq!(subscriptions_of(&app, y).await.len(), 1);
    let resp = admin
        .post(&format!("{}/subscriptions/{}/delete", page(x), ids[0]), &[])
        .await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER);
    assert_eq!(subscriptions_of(&app, x).await.len(), 1);
    assert_eq!(audit_count(&app, "subscription.delete").await, 1);
    // and a subscription for a department that does not exist
    let resp = admin
        .post(
            "/admin/departments/999999/subscriptions",
            &[("station", ""), ("level", "red")],
        )
        .await;
    assert_eq!(resp.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_department_made_through_the_pages_receives_its_push() {
    let app = TestApp::new().await;
    let mut admin = app.login("admin").await;
    let resp = admin
        .post(
            "/admin/departments",
            &[
                ("code", "street-office"),
                ("name", "街道办事处"),
                ("name_en", "Street Office"),
            ],
        )
        .await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER);
    let id: i64 =
        sqlx::query_scalar("select department_id from department where code = 'street-office'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    // red enterprises of every station
    let resp = admin
        .post(
            &format!("{}/subscriptions", page(id)),
            &[("station", ""), ("level", "red")],
        )
        .await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER);
    // and a disabled department (subscribed to everything) receives nothing
    let resp = admin
        .post(
            "/admin/departments",
            &[
                ("code", "closed"),
                ("name", "撤销部门"),
                ("name_en", "Closed"),
            ],
        )
        .await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER);
    let closed: i64 =
        sqlx::query_scalar("select department_id from department where code = 'closed'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    admin
        .post(
            &format!("{}/subscriptions", page(closed)),
            &[
                ("station", ""),
                ("level", "red"),
                ("level", "yellow"),
                ("level", "green"),
            ],
        )
        .await;
    assert_eq!(
        admin
            .post(&format!("{}/disable", page(closed)), &[])
            .await
            .status,
        StatusCode::SEE_OTHER
    );

    let scene = push_scene(&app).await;
    let items: Vec<(i64, String, String)> = sqlx::query_as(
        "select pi.enterprise_id, pi.level::text, p.quarter
         from push p join push_item pi using (push_id)
         where p.department_id = $1 order by pi.enterprise_id",
    )
    .bind(id)
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(
        items,
        vec![(scene.red, "red".to_owned(), PUSH_QUARTER.to_owned())]
    );
    // both stations' first publications reach it (B's list is empty)
    let pushes: i64 = sqlx::query_scalar("select count(*) from push where department_id = $1")
        .bind(id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(pushes, 2);
    let closed_pushes: i64 =
        sqlx::query_scalar("select count(*) from push where department_id = $1")
            .bind(closed)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(closed_pushes, 0);
}

#[tokio::test]
async fn department_users_are_added_and_disabling_ends_their_sessions() {
    let app = TestApp::new().await;
    let x = app.fixture.department_x;
    let path = format!("{}/users", page(x));
    let mut admin = app.login("admin").await;

    let resp = admin
        .post(
            &path,
            &[
                ("username", "Fire Chen"),
                ("display_name", ""),
                ("password", "short"),
            ],
        )
        .await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        resp.text_of_id("username-error")
            .unwrap()
            .contains("小写字母")
    );
    assert!(resp.text_of_id("display_name-error").is_some());
    assert!(
        resp.text_of_id("password-error")
            .unwrap()
            .contains("10–256")
    );
    assert_eq!(resp.input_value("username").as_deref(), Some("Fire Chen"));
    assert!(!resp.body.contains("value=\"short\""), "password echoed");

    let resp = admin
        .post(
            &path,
            &[
                ("username", "dept.y"),
                ("display_name", "重名"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        resp.text_of_id("username-error")
            .unwrap()
            .contains("“dept.y”已被使用")
    );
    assert_eq!(resp.input_value("display_name").as_deref(), Some("重名"));

    let resp = admin
        .post(
            &path,
            &[
                ("username", "fire.chen"),
                ("display_name", "陈消防"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER, "{}", resp.body);
    let (user_id, role, dept, station): (i64, String, Option<i64>, Option<i64>) = sqlx::query_as(
        "select user_id, role::text, department_id, station_id from app_user where username = 'fire.chen'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(
        (role.as_str(), dept, station),
        ("department", Some(x), None)
    );
    let creators: Vec<(Option<i64>, String)> = sqlx::query_as(
        "select actor_user_id, summary from audit_event where action = 'user.create' and entity_id = $1",
    )
    .bind(user_id)
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(creators.len(), 1);
    assert_eq!(creators[0].0, Some(app.fixture.admin));
    assert!(!creators[0].1.contains(PASSWORD));
    let shown = admin.get(&page(x)).await;
    assert!(
        shown
            .text_of_id("user-fire.chen")
            .unwrap()
            .contains("陈消防")
    );

    // the new user logs in, into the department's pages
    let mut chen = app.login("fire.chen").await;
    assert_eq!(chen.get("/department").await.status, StatusCode::OK);

    // another department's user, or an officer, through this department: 404
    for other in [app.fixture.dept_y_user, app.fixture.officer_a] {
        let resp = admin
            .post(&format!("{}/users/{other}/disable", page(x)), &[])
            .await;
        assert_eq!(resp.status, StatusCode::NOT_FOUND);
    }

    // disabling ends the session at once and refuses logins
    let resp = admin
        .post(&format!("{}/users/{user_id}/disable", page(x)), &[])
        .await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER);
    let sessions: i64 = sqlx::query_scalar("select count(*) from session where user_id = $1")
        .bind(user_id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(sessions, 0);
    let resp = chen.get("/department").await;
    assert!(resp.location().starts_with("/login"), "{}", resp.location());
    let mut again = app.client();
    let resp = again.login("fire.chen", PASSWORD).await;
    assert_ne!(resp.status, StatusCode::SEE_OTHER);
    assert!(
        admin
            .get(&page(x))
            .await
            .text_of_id("user-fire.chen")
            .unwrap()
            .contains("已停用")
    );

    // enabled again: logs in
    let resp = admin
        .post(&format!("{}/users/{user_id}/enable", page(x)), &[])
        .await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER);
    app.login("fire.chen").await;
    assert_eq!(audit_count(&app, "user.disable").await, 1);
    assert_eq!(audit_count(&app, "user.enable").await, 1);
}

async fn create_token(admin: &mut Client, dept: i64, label: &str) -> Resp {
    admin
        .post(&format!("{}/tokens", page(dept)), &[("label", label)])
        .await
}

#[tokio::test]
async fn a_token_is_shown_once_stored_as_its_hash_and_revocable() {
    let app = TestApp::new().await;
    let (x, y) = (app.fixture.department_x, app.fixture.department_y);
    let mut admin = app.login("admin").await;

    let resp = create_token(&mut admin, x, "  ").await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(resp.text_of_id("label-error").unwrap().contains("必填"));
    assert!(resp.text_of_id("revealed-value").is_none());
    assert_eq!(count_rows(&app.db, "api_token").await, 0);

    let resp = create_token(&mut admin, x, "区市场监管平台").await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    let plain = revealed(&resp);
    assert!(plain.starts_with("sanse_") && plain.len() > 40, "{plain}");
    assert!(resp.body.contains("不会再次显示"));
    assert!(!resp.location().contains(&plain));
    assert!(
        !resp
            .headers
            .get_all(axum::http::header::SET_COOKIE)
            .iter()
            .any(|c| c.to_str().unwrap_or("").contains(&plain))
    );

    let (token_id, hash, prefix, label, created_by): (i64, Vec<u8>, String, String, Option<i64>) =
        sqlx::query_as(
            "select api_token_id, token_hash, prefix, label, created_by from api_token where department_id = $1",
        )
        .bind(x)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(hash, sanse::pushes::token::hash(&plain));
    assert!(plain.starts_with(&prefix) && prefix.len() < plain.len());
    assert_eq!(label, "区市场监管平台");
    assert_eq!(created_by, Some(app.fixture.admin));
    // the plain token is kept nowhere: not in the audit log, not on the page
    let leaked: i64 =
        sqlx::query_scalar("select count(*) from audit_event where strpos(summary, $1) > 0")
            .bind(&plain)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(leaked, 0);
    let shown = admin.get(&page(x)).await;
    assert!(!shown.body.contains(&plain));
    let row = shown.text_of_id(&format!("token-{token_id}")).unwrap();
    assert!(
        row.contains("区市场监管平台")
            && row.contains(&format!("{prefix}…"))
            && row.contains("从未使用"),
        "{row}"
    );
    assert!(row.contains("有效"), "{row}");
    assert_eq!(audit_count(&app, "api_token.create").await, 1);

    // two tokens are different
    let second = revealed(&create_token(&mut admin, x, "备用").await);
    assert_ne!(second, plain);

    // revoking through another department: 404; through its own: revoked
    let resp = admin
        .post(&format!("{}/tokens/{token_id}/revoke", page(y)), &[])
        .await;
    assert_eq!(resp.status, StatusCode::NOT_FOUND);
    let resp = admin
        .post(&format!("{}/tokens/{token_id}/revoke", page(x)), &[])
        .await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER);
    let (revoked_at, revoked_by): (Option<chrono::DateTime<chrono::Utc>>, Option<i64>) =
        sqlx::query_as("select revoked_at, revoked_by from api_token where api_token_id = $1")
            .bind(token_id)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert!(revoked_at.is_some());
    assert_eq!(revoked_by, Some(app.fixture.admin));
    // a second click changes nothing
    let resp = admin
        .post(&format!("{}/tokens/{token_id}/revoke", page(x)), &[])
        .await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER);
    assert_eq!(audit_count(&app, "api_token.revoke").await, 1);
    let shown = admin.get(&page(x)).await;
    let row = shown.text_of_id(&format!("token-{token_id}")).unwrap();
    assert!(row.contains("已吊销"), "{row}");
    assert!(!shown.body.contains(&format!("/tokens/{token_id}/revoke\"")));
    let list = admin.get("/admin/departments").await;
    assert_eq!(list.text_of_id("tokens-dept-x").as_deref(), Some("1"));
}

async fn webhook_of(app: &TestApp, dept: i64) -> (Option<String>, Option<String>) {
    sqlx::query_as("select webhook_url, webhook_secret from department where department_id = $1")
        .bind(dept)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

/// A URL nothing listens on (no worker runs in these tests anyway).
const HOOK: &str = "http://127.0.0.1:9/sanse-hook";

#[tokio::test]
async fn a_webhook_is_set_rotated_and_removed() {
    let app = TestApp::new().await;
    let x = app.fixture.department_x;
    let mut admin = app.login("admin").await;
    let path = format!("{}/webhook", page(x));

    for bad in ["ftp://partner.example/hook", "https://", "https://a b/"] {
        let resp = admin.post(&path, &[("url", bad)]).await;
        assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert!(
            resp.text_of_id("url-error").unwrap().contains("https://"),
            "{bad}"
        );
        assert_eq!(resp.input_value("url").as_deref(), Some(bad));
    }
    let long = format!("https://partner.example/{}", "a".repeat(500));
    let resp = admin.post(&path, &[("url", long.as_str())]).await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(webhook_of(&app, x).await, (None, None));
    // rotating without a webhook: refused with a message
    let resp = admin.post(&format!("{path}/rotate"), &[]).await;
    assert_eq!(resp.status, StatusCode::CONFLICT);
    assert!(resp.text_of_id("webhook-error").is_some());

    let resp = admin.post(&path, &[("url", HOOK)]).await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    let secret = revealed(&resp);
    assert!(secret.starts_with("whsec_"), "{secret}");
    assert!(resp.body.contains("不会再次显示"));
    assert_eq!(
        webhook_of(&app, x).await,
        (Some(HOOK.to_owned()), Some(secret.clone()))
    );
    let shown = admin.get(&page(x)).await;
    assert_eq!(shown.text_of_id("webhook-current").as_deref(), Some(HOOK));
    assert!(
        !shown.body.contains(&secret),
        "the secret is shown only once"
    );

    let resp = admin.post(&format!("{path}/rotate"), &[]).await;
    assert_eq!(resp.status, StatusCode::OK);
    let rotated = revealed(&resp);
    assert_ne!(rotated, secret);
    assert_eq!(
        webhook_of(&app, x).await,
        (Some(HOOK.to_owned()), Some(rotated.clone()))
    );
    let leaked: i64 = sqlx::query_scalar(
        "select count(*) from audit_event where strpos(summary, $1) > 0 or strpos(summary, $2) > 0",
    )
    .bind(&secret)
    .bind(&rotated)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(leaked, 0);

    // the push writes a delivery; removing the webhook cancels it
    let scene = push_scene(&app).await;
    let status: String = sqlx::query_scalar(
        "select status::text from webhook_delivery where push_id = $1 and department_id = $2",
    )
    .bind(scene.push_x)
    .bind(x)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(status, "pending");
    let resp = admin.post(&format!("{path}/delete"), &[]).await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER);
    assert_eq!(webhook_of(&app, x).await, (None, None));
    let status: String =
        sqlx::query_scalar("select status::text from webhook_delivery where push_id = $1")
            .bind(scene.push_x)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(status, "cancelled");
    for action in ["webhook.set", "webhook.rotate", "webhook.remove"] {
        assert_eq!(audit_count(&app, action).await, 1, "{action}");
    }
    let shown = admin.get(&page(x)).await;
    assert!(
        shown
            .text_of_id("webhook-current")
            .unwrap()
            .contains("未设置")
    );
}

#[tokio::test]
async fn deliveries_are_listed_with_their_attempts_and_can_be_retried() {
    let app = TestApp::new().await;
    let (x, y) = (app.fixture.department_x, app.fixture.department_y);
    let mut admin = app.login("admin").await;
    let resp = admin
        .post(&format!("{}/webhook", page(x)), &[("url", HOOK)])
        .await;
    assert_eq!(resp.status, StatusCode::OK);
    let empty = admin.get(&page(x)).await;
    assert!(empty.text_of_id("delivery-list").is_none());

    let scene = push_scene(&app).await;
    let (delivery, event_id): (i64, String) = sqlx::query_as(
        "select webhook_delivery_id, event_id::text from webhook_delivery where push_id = $1",
    )
    .bind(scene.push_x)
    .fetch_one(&app.db)
    .await
    .unwrap();
    // two failed attempts, the next one an hour away
    sqlx::query(
        "insert into webhook_attempt (webhook_delivery_id, at, status, error, duration_ms) values
           ($1, now() - interval '10 minutes', null, 'connection refused', 3),
           ($1, now() - interval '5 minutes', 503, 'Service Unavailable', 120)",
    )
    .bind(delivery)
    .execute(&app.db)
    .await
    .unwrap();
    sqlx::query(
        "update webhook_delivery set attempts = 2, last_attempt_at = now() - interval '5 minutes',
                last_status = 503, last_error = 'Service Unavailable',
                next_attempt_at = now() + interval '1 hour'
         where webhook_delivery_id = $1",
    )
    .bind(delivery)
    .execute(&app.db)
    .await
    .unwrap();

    let shown = admin.get(&page(x)).await;
    let row = shown.text_of_id(&format!("delivery-{delivery}")).unwrap();
    assert!(
        row.contains(PUSH_QUARTER) && row.contains("甲派出所") && row.contains("待投递"),
        "{row}"
    );
    assert!(row.contains("HTTP 503") && row.contains(&event_id), "{row}");
    let attempts = shown.text_of_id(&format!("attempts-{delivery}")).unwrap();
    assert!(
        attempts.contains("尝试记录（2）")
            && attempts.contains("connection refused")
            && attempts.contains("503")
            && attempts.contains("120 ms"),
        "{attempts}"
    );
    assert!(
        shown
            .body
            .contains(&format!("/deliveries/{delivery}/retry\""))
    );

    // another department's delivery, through this department: 404
    let foreign: i64 = sqlx::query_scalar(
        "insert into webhook_delivery (push_id, department_id, next_attempt_at)
         values ($1, $2, now() + interval '1 hour') returning webhook_delivery_id",
    )
    .bind(scene.push_y_a)
    .bind(y)
    .fetch_one(&app.db)
    .await
    .unwrap();
    let resp = admin
        .post(&format!("{}/deliveries/{foreign}/retry", page(x)), &[])
        .await;
    assert_eq!(resp.status, StatusCode::NOT_FOUND);
    assert!(!shown.body.contains(&format!("delivery-{foreign}\"")));

    // retry now: due at once
    let resp = admin
        .post(&format!("{}/deliveries/{delivery}/retry", page(x)), &[])
        .await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER);
    let due: bool = sqlx::query_scalar(
        "select next_attempt_at <= now() + interval '1 minute' from webhook_delivery where webhook_delivery_id = $1",
    )
    .bind(delivery)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert!(due);
    assert_eq!(audit_count(&app, "webhook_delivery.retry").await, 1);
    let foreign_due: bool = sqlx::query_scalar(
        "select next_attempt_at > now() + interval '30 minutes' from webhook_delivery where webhook_delivery_id = $1",
    )
    .bind(foreign)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert!(foreign_due, "the other department's delivery is untouched");

    // once delivered: shown as such, no retry button, retry changes nothing
    sqlx::query(
        "update webhook_delivery set status = 'delivered', delivered_at = now(), attempts = 3,
                last_status = 200, last_error = null where webhook_delivery_id = $1",
    )
    .bind(delivery)
    .execute(&app.db)
    .await
    .unwrap();
    let shown = admin.get(&page(x)).await;
    let row = shown.text_of_id(&format!("delivery-{delivery}")).unwrap();
    assert!(row.contains("已送达") && row.contains("HTTP 200"), "{row}");
    assert!(
        !shown
            .body
            .contains(&format!("/deliveries/{delivery}/retry\""))
    );
    let resp = admin
        .post(&format!("{}/deliveries/{delivery}/retry", page(x)), &[])
        .await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER);
    assert_eq!(audit_count(&app, "webhook_delivery.retry").await, 1);
}

#[tokio::test]
async fn a_disabled_department_cannot_sign_in_until_enabled_again() {
    let app = TestApp::new().await;
    let x = app.fixture.department_x;
    let mut dept = app.login("dept.x").await;
    let mut other = app.login("dept.y").await;
    let mut admin = app.login("admin").await;
    let resp = admin.post(&format!("{}/disable", page(x)), &[]).await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER);
    // the open session ends, and signing in fails with the usual message
    let home = dept.get("/department").await;
    assert_eq!(home.status, StatusCode::SEE_OTHER);
    assert!(home.location().starts_with("/login"), "{}", home.location());
    let login = app.client().login("dept.x", crate::harness::PASSWORD).await;
    assert_ne!(
        login.status,
        StatusCode::SEE_OTHER,
        "no session for a disabled department"
    );
    // another department is unaffected
    assert_eq!(other.get("/department").await.status, StatusCode::OK);
    let resp = admin.post(&format!("{}/enable", page(x)), &[]).await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER);
    app.login("dept.x").await;
}

#[tokio::test]
async fn the_webhook_form_refuses_internal_addresses_credentials_and_plain_http() {
    use sanse::pushes::guard::Refusal;
    let app = TestApp::new().await;
    let x = app.fixture.department_x;
    let mut admin = app.login("admin").await;
    let path = format!("{}/webhook", page(x));
    for (url, why) in [
        ("https://localhost/hook", Refusal::Internal),
        ("https://127.0.0.1/hook", Refusal::Internal),
        ("https://127.1/hook", Refusal::Internal),
        ("https://2130706433/hook", Refusal::Internal),
        ("https://0x7f000001/hook", Refusal::Internal),
        ("https://0/hook", Refusal::Internal),
        ("https://[::1]/hook", Refusal::Internal),
        ("https://[::ffff:127.0.0.1]/hook", Refusal::Internal),
        (
            "https://169.254.169.254/latest/meta-data/",
            Refusal::Internal,
        ),
        ("https://10.0.0.5:8443/in", Refusal::Internal),
        ("https://100.64.1.1/in", Refusal::Internal),
        (
            "https://user:secret@partner.example/hook",
            Refusal::Credentials,
        ),
        ("http://partner.example/hook", Refusal::PlainHttp),
        // listed, but on another port
        ("http://127.0.0.1:10/hook", Refusal::PlainHttp),
    ] {
        let resp = admin.post(&path, &[("url", url)]).await;
        assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY, "{url}");
        let html = scraper::Html::parse_document(&resp.body);
        let error = scraper::Selector::parse("#url-error").unwrap();
        let said: String = html.select(&error).flat_map(|e| e.text()).collect();
        assert_eq!(said.trim(), why.message(sanse::i18n::Lang::Zh), "{url}");
        let input = scraper::Selector::parse("input[name=url]").unwrap();
        let kept = html
            .select(&input)
            .next()
            .and_then(|e| e.value().attr("value"));
        assert_eq!(kept, Some(url), "what was typed is kept");
    }
    assert_eq!(webhook_of(&app, x).await, (None, None));
    // The allow-listed receiver (host and port) is accepted over plain http.
    let listed = format!("http://{}/sanse-hook", crate::harness::TEST_HOOK_ALLOWED);
    let resp = admin.post(&path, &[("url", listed.as_str())]).await;
    assert_eq!(resp.status, StatusCode::OK);
    assert_eq!(
        webhook_of(&app, x).await.0.as_deref(),
        Some(listed.as_str())
    );
}
