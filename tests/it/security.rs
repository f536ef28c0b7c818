//! CSRF, security headers, error pages, body limits, and the database
//! going away and coming back.

use std::time::{Duration, Instant};

use axum::http::StatusCode;

use crate::harness::{PASSWORD, TestApp, app_behind_proxy};

#[tokio::test]
async fn cross_site_posts_are_refused() {
    let app = TestApp::new().await;
    let mut client = app.login("officer.a").await;
    let token = client.csrf.clone().unwrap();
    // a browser tells us the form came from another site
    let resp = client
        .post_raw(
            "/logout",
            &[("csrf", &token)],
            &[
                ("sec-fetch-site", "cross-site"),
                ("origin", "https://evil.example"),
            ],
        )
        .await;
    assert_eq!(resp.status, StatusCode::FORBIDDEN);
    assert!(
        resp.body.contains("表单已过期或来源不可信"),
        "{}",
        resp.body
    );
    // an old browser without Sec-Fetch-Site, but a foreign Origin
    let resp = client
        .post_raw(
            "/logout",
            &[("csrf", &token)],
            &[("origin", "https://evil.example"), ("host", "sanse.local")],
        )
        .await;
    assert_eq!(resp.status, StatusCode::FORBIDDEN);
    // still signed in
    assert_eq!(client.get("/officer").await.status, StatusCode::OK);
    assert_eq!(app.audit_actions().await, ["login"]);
}

#[tokio::test]
async fn posts_without_the_form_token_are_refused() {
    let app = TestApp::new().await;
    let mut client = app.login("officer.a").await;
    let same_site = [("sec-fetch-site", "same-origin")];
    let missing = client.post_raw("/logout", &[], &same_site).await;
    assert_eq!(missing.status, StatusCode::FORBIDDEN);
    let wrong = client
        .post_raw("/logout", &[("csrf", &"0".repeat(64))], &same_site)
        .await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    // a token of another session does not work either
    let other = app.login("chief.a").await;
    let other_token = other.csrf.clone().unwrap();
    let foreign = client
        .post_raw("/logout", &[("csrf", &other_token)], &same_site)
        .await;
    assert_eq!(foreign.status, StatusCode::FORBIDDEN);
    assert_eq!(client.get("/officer").await.status, StatusCode::OK);
    // the right one works
    let ok = client.post("/logout", &[]).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_login_form_needs_its_token_too() {
    let app = TestApp::new().await;
    let mut client = app.client();
    client.get("/login").await;
    let resp = client
        .post_raw(
            "/login",
            &[("username", "officer.a"), ("password", PASSWORD)],
            &[("sec-fetch-site", "same-origin")],
        )
        .await;
    assert_eq!(resp.status, StatusCode::FORBIDDEN);
    assert!(!client.cookies.contains_key("sanse_session"));
}

fn assert_security_headers(resp: &crate::harness::Resp, what: &str) {
    let csp = resp.header("content-security-policy");
    assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
    assert!(csp.contains("script-src 'self'"), "{what}: {csp}");
    assert!(!csp.contains("unsafe-inline"), "{what}: {csp}");
    assert_eq!(resp.header("x-content-type-options"), "nosniff", "{what}");
    assert_eq!(resp.header("referrer-policy"), "same-origin", "{what}");
    assert_eq!(resp.header("x-frame-options"), "DENY", "{what}");
    assert_eq!(resp.header("x-request-id").len(), 16, "{what}");
}

#[tokio::test]
async fn security_headers_on_every_response() {
    let app = TestApp::new().await;
    let mut client = app.client();
    let login = client.get("/login").await;
    assert_security_headers(&login, "login");
    assert_eq!(login.header("cache-control"), "no-store");
    let missing = client.get("/no/such/page").await;
    assert_security_headers(&missing, "404");
    let css = client.get("/static/app.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert_security_headers(&css, "static");
    assert!(
        css.header("cache-control").contains("max-age"),
        "static files are cached"
    );
    let mut officer = app.login("officer.a").await;
    let home = officer.get("/officer").await;
    assert_security_headers(&home, "home");
    assert_eq!(
        home.header("cache-control"),
        "no-store",
        "signed-in pages are not cached"
    );
    assert_security_headers(&officer.get("/healthz").await, "healthz");
}

#[tokio::test]
async fn not_found_page_in_the_users_language_with_a_request_id() {
    let app = TestApp::new().await;
    let mut client = app.client();
    let zh = client.get("/no/such/page").await;
    assert_eq!(zh.status, StatusCode::NOT_FOUND);
    assert!(zh.header("content-type").starts_with("text/html"));
    assert!(zh.body.contains("找不到您要访问的页面"));
    assert!(
        zh.body.contains(zh.header("x-request-id")),
        "request id on the page"
    );
    let en = client
        .get_with("/no/such/page", &[("accept-language", "en-GB,en;q=0.9")])
        .await;
    assert!(en.body.contains("The page you asked for does not exist."));
    assert!(en.body.contains("<html lang=\"en\">"));
    // a wrong method is not a 500 either
    let resp = client.post("/healthz", &[]).await;
    assert!(resp.status.is_client_error(), "{}", resp.status);
}

#[tokio::test]
async fn oversized_bodies_are_refused_with_413() {
    let app = TestApp::new().await;
    let mut client = app.client();
    client.get("/login").await;
    let big = "y".repeat(300 * 1024);
    let resp = client
        .post("/login", &[("username", "officer.a"), ("password", &big)])
        .await;
    assert_eq!(resp.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(resp.body.contains("提交的内容过大"));
}

#[tokio::test]
async fn language_switch_changes_every_page_and_is_remembered() {
    let app = TestApp::new().await;
    // before login, from the browser's language
    let mut client = app.client();
    let login = client
        .get_with("/login", &[("accept-language", "en-US,en;q=0.9")])
        .await;
    assert!(login.body.contains(">Log in</h1>"), "{}", login.body);
    // signed in: switch to English
    let mut client = app.login("officer.a").await;
    assert!(client.get("/officer").await.body.contains("我的工作台"));
    let resp = client
        .post("/lang", &[("lang", "en"), ("next", "/officer")])
        .await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER);
    assert_eq!(resp.location(), "/officer");
    let page = client.get("/officer").await;
    assert!(page.body.contains("My work"), "{}", page.body);
    assert!(page.body.contains("The interface is now in English."));
    assert!(page.body.contains("<html lang=\"en\">"));
    let lang: String =
        sqlx::query_scalar("select lang::text from app_user where username = 'officer.a'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(lang, "en");
    // a new browser: the preference comes back at login
    let mut fresh = app.login("officer.a").await;
    assert!(fresh.get("/officer").await.body.contains("My work"));
    // a language we do not have is a bad request, not a 500
    let bad = client.post("/lang", &[("lang", "fr")]).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(app.audit_actions().await.contains(&"user.lang".to_owned()));
}

#[tokio::test]
async fn health_and_readiness() {
    let app = TestApp::new().await;
    let mut client = app.client();
    let h = client.get("/healthz").await;
    assert_eq!((h.status, h.body.as_str()), (StatusCode::OK, "ok"));
    let r = client.get("/readyz").await;
    assert_eq!((r.status, r.body.as_str()), (StatusCode::OK, "ready"));
}

#[tokio::test]
async fn database_down_means_503_and_the_server_recovers_by_itself() {
    let (app, proxy, _direct) = app_behind_proxy().await;
    let mut client = app.login("officer.a").await;
    assert_eq!(client.get("/officer").await.status, StatusCode::OK);

    proxy.take_down().await;
    let ready = client.get("/readyz").await;
    assert_eq!(ready.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(ready.header("retry-after"), "5");
    let page = client.get("/officer").await;
    assert_eq!(page.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        page.body.contains("系统暂时无法访问数据库"),
        "{}",
        page.body
    );
    assert!(!page.body.to_lowercase().contains("sqlx"));
    assert!(!page.body.contains("Connection refused") && !page.body.contains("PoolTimedOut"));
    let login = app.client().login("chief.a", PASSWORD).await;
    assert_eq!(login.status, StatusCode::SERVICE_UNAVAILABLE);

    proxy.bring_back();
    let started = Instant::now();
    loop {
        let ready = client.get("/readyz").await;
        if ready.status == StatusCode::OK {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "no recovery: {}",
            ready.status
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // the session survived the outage
    assert_eq!(client.get("/officer").await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_panic_becomes_a_500_page_without_internal_text() {
    use axum::Router;
    use axum::routing::get;
    use sanse::web::middleware::{error_pages, panic_response};
    use tower::ServiceExt;
    use tower_http::catch_panic::CatchPanicLayer;

    let app: Router = Router::new()
        .route(
            "/boom",
            get(|| async {
                if true {
                    panic!("secret detail: password=hunter2");
                }
                "unreachable"
            }),
        )
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(axum::middleware::from_fn(error_pages));
    let req = axum::http::Request::builder()
        .uri("/boom")
        .header("accept-language", "en")
        .body(axum::body::Body::empty())
        .unwrap();
    let resp = app.oneshot(req).await.unwrap();
    assert_eq!(resp.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let body = http_body_util::BodyExt::collect(resp.into_body())
        .await
        .unwrap()
        .to_bytes();
    let body = String::from_utf8_lossy(&body);
    assert!(body.contains("An internal error occurred"), "{body}");
    assert!(!body.contains("secret detail") && !body.contains("hunter2"));
}

/// Behind HTTPS (secure cookies) browsers are told to keep to HTTPS for a
/// year; on plain HTTP (the demo) the header would be wrong and is absent.
#[tokio::test]
async fn hsts_with_secure_cookies_only() {
    let secure = TestApp::with_config(sanse::config::Config {
        secure_cookies: true,
        ..Default::default()
    })
    .await;
    let login = secure.client().get("/login").await;
    let hsts = login.header("strict-transport-security");
    let max_age: u64 = hsts
        .split(';')
        .find_map(|p| p.trim().strip_prefix("max-age="))
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no max-age in {hsts:?}"));
    assert!(max_age >= 365 * 86400, "{hsts}");
    let css = secure.client().get("/static/app.css").await;
    assert!(!css.header("strict-transport-security").is_empty());

    let plain = TestApp::new().await;
    let login = plain.client().get("/login").await;
    assert!(login.header("strict-transport-security").is_empty());
}

/// A request id is the server's own: a client's `X-Request-Id` is not what
/// the response or the audit log carries (it would let anyone plant lines
/// that look like ours).
#[tokio::test]
async fn a_forged_request_id_is_not_the_audit_rows() {
    let app = TestApp::new().await;
    let mut client = app.client();
    client.get("/login").await;
    let token = client.csrf.clone().unwrap();
    let resp = client
        .post_raw(
            "/login",
            &[
                ("csrf", &token),
                ("username", "officer.a"),
                ("password", "wrong-one-1"),
            ],
            &[
                ("sec-fetch-site", "same-origin"),
                ("x-request-id", "planted-id-123"),
            ],
        )
        .await;
    assert_eq!(resp.status, StatusCode::UNAUTHORIZED);
    let ours = resp.header("x-request-id");
    assert_eq!(ours.len(), 16);
    assert!(ours.bytes().all(|b| b.is_ascii_hexdigit()), "{ours}");
    let logged: Vec<Option<String>> =
        sqlx::query_scalar("select request_id from audit_event where action = 'login.failed'")
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert_eq!(logged, [Some(ours.to_owned())]);
    assert_ne!(ours, "planted-id-123");
}

/// Uploads carry their form token as the first part, never in the URL; a
/// token elsewhere, a wrong one, or one after the file is refused before the
/// file is read.
#[tokio::test]
async fn an_upload_needs_its_token_first() {
    let app = TestApp::new().await;
    let mut client = app.login("officer.a").await;
    client.get("/enterprises/import").await;
    let token = client.csrf.clone().unwrap();
    let boundary = "----sanse-upload-test";
    let part = |name: &str, value: &str| {
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        )
    };
    let file = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\
         Content-Type: text/csv\r\n\r\nname\r\n"
    );
    let end = format!("--{boundary}--\r\n");
    let send = async |client: &mut crate::harness::Client, uri: String, body: String| {
        let req = axum::http::Request::builder()
            .method("POST")
            .uri(uri)
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .header("sec-fetch-site", "same-origin")
            .body(axum::body::Body::from(body))
            .unwrap();
        client.send(req).await.status
    };
    let in_url = send(
        &mut client,
        format!("/enterprises/import?csrf={token}"),
        format!("{file}{end}"),
    )
    .await;
    assert_eq!(
        in_url,
        StatusCode::FORBIDDEN,
        "a token in the URL is not taken"
    );
    let wrong = send(
        &mut client,
        "/enterprises/import".into(),
        format!("{}{file}{end}", part("csrf", &"0".repeat(64))),
    )
    .await;
    assert_eq!(wrong, StatusCode::FORBIDDEN);
    let after = send(
        &mut client,
        "/enterprises/import".into(),
        format!("{file}{}{end}", part("csrf", &token)),
    )
    .await;
    assert_eq!(after, StatusCode::FORBIDDEN, "the token must come first");
    let staged: i64 = sqlx::query_scalar("select count(*) from enterprise_import")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(staged, 0, "nothing was read or stored");
    let right = send(
        &mut client,
        "/enterprises/import".into(),
        format!("{}{file}{end}", part("csrf", &token)),
    )
    .await;
    assert_eq!(right, StatusCode::SEE_OTHER);
    // No page puts a form token in a URL.
    let page = client.get("/enterprises/import").await;
    assert!(!page.body.contains("csrf="), "{}", page.body);
}
