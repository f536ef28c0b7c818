//! The pages of each role render, in both languages.

use axum::http::StatusCode;

use crate::harness::TestApp;

#[tokio::test]
async fn every_home_page_renders_in_both_languages() {
    let app = TestApp::new().await;
    for (user, path, zh, en) in [
        ("officer.a", "/officer", "我的工作台", "My work"),
        ("chief.a", "/chief", "所长工作台", "Station chief"),
        ("dept.x", "/department", "推送名单", "Pushed lists"),
        ("admin", "/admin", "系统管理", "Administration"),
    ] {
        let mut client = app.login(user).await;
        let page = client.get(path).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains(zh), "{user} zh");
        assert!(page.body.contains("退出登录"), "{user}: logout button");
        assert!(
            page.body.contains("name=\"viewport\""),
            "{user}: phone viewport"
        );
        client.post("/lang", &[("lang", "en")]).await;
        let page = client.get(path).await;
        assert!(page.body.contains(en), "{user} en: {}", page.body);
        assert!(page.body.contains("Log out"), "{user}: logout in English");
    }
}

#[tokio::test]
async fn admin_home_shows_the_audit_trail() {
    let app = TestApp::new().await;
    app.client().login("officer.a", "wrong-password-1").await;
    let mut admin = app.login("admin").await;
    let page = admin.get("/admin").await;
    assert!(page.body.contains("login.failed"));
    assert!(page.body.contains("officer.a"));
}
