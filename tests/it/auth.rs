//! Login, logout, sessions, throttling and the audit of each.

use axum::http::StatusCode;
use chrono::Duration;

use crate::harness::{PASSWORD, TestApp};

#[tokio::test]
async fn each_role_logs_in_and_lands_on_its_home_page() {
    let app = TestApp::new().await;
    for (username, home, heading) in [
        ("officer.a", "/officer", "我的工作台"),
        ("chief.a", "/chief", "所长工作台"),
        ("dept.x", "/department", "推送名单"),
        ("admin", "/admin", "系统管理"),
    ] {
        let mut client = app.client();
        let resp = client.login(username, PASSWORD).await;
        assert_eq!(resp.status, StatusCode::SEE_OTHER, "{username}");
        assert_eq!(resp.location(), home, "{username}");
        let cookie = resp.header("set-cookie");
        assert!(
            resp.headers.get_all("set-cookie").iter().any(|c| {
                let c = c.to_str().unwrap();
                c.starts_with("sanse_session=")
                    && c.contains("HttpOnly")
                    && c.contains("SameSite=Lax")
            }),
            "session cookie flags: {cookie}"
        );
        let page = client.get(home).await;
        assert_eq!(page.status, StatusCode::OK, "{username}");
        assert!(page.body.contains(heading), "{username}: {}", page.body);
        // `/` sends a signed-in user home too.
        assert_eq!(client.get("/").await.location(), home);
    }
}

#[tokio::test]
async fn secure_cookies_when_configured() {
    let app = TestApp::with_config(sanse::config::Config {
        secure_cookies: true,
        ..Default::default()
    })
    .await;
    let mut client = app.client();
    let resp = client.login("officer.a", PASSWORD).await;
    let session = resp
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|c| c.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("sanse_session="))
        .unwrap();
    assert!(session.contains("; Secure"), "{session}");
    // every cookie, the one-time flash of a saved form included
    let mut client = app.login("officer.a").await;
    for path in ["/lang", "/account/password"] {
        let resp = client
            .post(
                path,
                &[
                    ("lang", "en"),
                    ("next", "/officer"),
                    ("current", PASSWORD),
                    ("new", "another-password-9"),
                    ("repeat", "another-password-9"),
                ],
            )
            .await;
        let cookies: Vec<String> = resp
            .headers
            .get_all("set-cookie")
            .iter()
            .map(|c| c.to_str().unwrap().to_owned())
            .collect();
        assert!(!cookies.is_empty(), "{path} sets a cookie");
        for c in cookies {
            assert!(c.contains("; Secure"), "{path}: {c}");
        }
    }
}

#[tokio::test]
async fn home_page_shows_the_users_name_and_station() {
    let app = TestApp::new().await;
    let mut client = app.login("officer.a").await;
    let page = client.get("/officer").await;
    assert!(page.body.contains("王警官"));
    assert!(page.body.contains("甲派出所"));
    assert!(page.body.contains("社区民警"));
}

#[tokio::test]
async fn wrong_password_and_unknown_user_get_the_same_answer() {
    let app = TestApp::new().await;
    let mut client = app.client();
    let wrong = client.login("officer.a", "not-the-password").await;
    let unknown = client.login("nobody.here", "not-the-password").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    let wrong_msg = wrong.text_of_id("login-error").unwrap();
    assert_eq!(wrong_msg, unknown.text_of_id("login-error").unwrap());
    assert!(wrong_msg.contains("用户名或密码不正确"));
    // what the user typed is kept
    assert!(wrong.body.contains("value=\"officer.a\""));
    assert!(!client.cookies.contains_key("sanse_session"));
    let actions = app.audit_actions().await;
    assert_eq!(actions, ["login.failed", "login.failed"]);
}

#[tokio::test]
async fn ten_failures_lock_the_account_for_fifteen_minutes() {
    let app = TestApp::new().await;
    for i in 0..10 {
        // spread over addresses so only the account limit applies
        let mut client = app.client_from(&format!("10.0.0.{i}:1000"));
        let resp = client.login("chief.a", "wrong-password-x").await;
        assert_eq!(resp.status, StatusCode::UNAUTHORIZED);
    }
    let mut client = app.client_from("10.0.1.1:1000");
    let locked = client.login("chief.a", PASSWORD).await;
    assert_eq!(
        locked.status,
        StatusCode::UNAUTHORIZED,
        "locked account must refuse the right password"
    );
    let wrong = app
        .client_from("10.0.1.2:1000")
        .login("chief.a", "wrong-password-x")
        .await;
    assert_eq!(
        locked.text_of_id("login-error"),
        wrong.text_of_id("login-error"),
        "a locked account gets the same message"
    );
    // other accounts are unaffected
    let other = app
        .client_from("10.0.1.3:1000")
        .login("officer.a", PASSWORD)
        .await;
    assert_eq!(other.status, StatusCode::SEE_OTHER);

    app.state.clock.advance(Duration::minutes(14));
    let still = app
        .client_from("10.0.1.4:1000")
        .login("chief.a", PASSWORD)
        .await;
    assert_eq!(still.status, StatusCode::UNAUTHORIZED);
    app.state.clock.advance(Duration::minutes(2));
    let after = app
        .client_from("10.0.1.5:1000")
        .login("chief.a", PASSWORD)
        .await;
    assert_eq!(
        after.status,
        StatusCode::SEE_OTHER,
        "unlocked after 15 minutes"
    );

    let summaries: Vec<String> = sqlx::query_scalar(
        "select summary from audit_event where action = 'login.failed' order by audit_event_id",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert!(
        summaries[9].contains("unknown devices held for 15 minutes"),
        "{summaries:?}"
    );
    assert_eq!(summaries[10], "account held for unknown devices");
}

/// A station behind one address at shift change: successes are not
/// counted, so thirty officers signing in in a row all get in.
#[tokio::test]
async fn thirty_correct_logins_from_one_address_all_succeed() {
    let app = TestApp::new().await;
    for i in 0..30 {
        let mut client = app.client_from("203.0.113.50:1000");
        let resp = client.login("officer.a", PASSWORD).await;
        assert_eq!(resp.status, StatusCode::SEE_OTHER, "login {i}");
    }
    let failures: i64 = sqlx::query_scalar("select count(*) from login_failure")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(failures, 0);
}

/// Anyone can guess at `admin` from anywhere; that must not keep the
/// administrator out. The browser that signed in before carries a device
/// token and is held back only by its own failures.
#[tokio::test]
async fn a_known_browser_gets_in_while_the_attacking_address_is_refused() {
    let app = TestApp::new().await;
    // The administrator's browser signed in last week, from the office.
    let mut admin = app.client_from("198.51.100.7:1000");
    assert_eq!(
        admin.login("admin", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    assert!(admin.cookies.contains_key("sanse_device"));
    admin.post("/logout", &[]).await;

    let mut attacker = app.client_from("192.0.2.66:4000");
    for _ in 0..11 {
        let resp = attacker.login("admin", "guess-guess-guess").await;
        assert_eq!(resp.status, StatusCode::UNAUTHORIZED);
    }
    let hashed_before = app.state.passwords.computed();
    // The attacker, even with the right password now, is refused at once.
    let refused = attacker.login("admin", PASSWORD).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        refused.text_of_id("login-error"),
        attacker
            .login("admin", "guess-guess-guess")
            .await
            .text_of_id("login-error"),
        "a refusal reads like a wrong password"
    );
    assert_eq!(
        app.state.passwords.computed(),
        hashed_before,
        "refused attempts compute no password hash"
    );
    // So is a new browser elsewhere: the account is held for unknown devices…
    let mut stranger = app.client_from("203.0.113.9:1000");
    assert_eq!(
        stranger.login("admin", PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    // …but not the administrator's own browser, from the same address as
    // the attacker or from the office.
    let mut same_nat = admin.clone();
    same_nat.addr = "192.0.2.66:4001".parse().unwrap();
    assert_eq!(
        same_nat.login("admin", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        admin.login("admin", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    let reasons: Vec<String> = sqlx::query_scalar(
        "select summary from audit_event where action = 'login.failed' order by audit_event_id",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(reasons[0], "wrong password");
    assert_eq!(reasons[4], "wrong password");
    // After five failures the pair (admin, attacker's address) is locked;
    // after ten the account is held for unknown devices.
    assert_eq!(reasons[5], "account locked at this address");
    assert!(reasons.contains(&"account held for unknown devices".to_owned()));
}

/// Refusals are cheap: a flood of attempts from a throttled address runs no
/// argon2 at all (each hash costs 19 MiB and a core for tens of ms).
#[tokio::test]
async fn throttled_attempts_compute_no_hash() {
    let app = TestApp::new().await;
    let mut attacker = app.client_from("192.0.2.77:4000");
    for i in 0..25 {
        attacker.login(&format!("guess{i}"), "whatever-123").await;
    }
    let before = app.state.passwords.computed();
    assert!(before >= 25, "each unthrottled attempt computed one hash");
    for i in 0..20 {
        let resp = attacker
            .login(&format!("officer.{i}"), "whatever-123")
            .await;
        assert_eq!(resp.status, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(app.state.passwords.computed(), before);
}

/// A stolen session cannot guess the current password freely: wrong current
/// passwords count like failed sign-ins, and once refused, no hash is
/// computed and the form says to try later.
#[tokio::test]
async fn wrong_current_passwords_count_toward_the_limits() {
    let app = TestApp::new().await;
    let mut thief = app.login("officer.a").await;
    // Forget the device: the thief's browser is not the officer's.
    thief.cookies.remove("sanse_device");
    for _ in 0..5 {
        let resp = thief
            .post(
                "/account/password",
                &[
                    ("current", "not-the-password"),
                    ("new", "a-new-password-1"),
                    ("repeat", "a-new-password-1"),
                ],
            )
            .await;
        assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let before = app.state.passwords.computed();
    let refused = thief
        .post(
            "/account/password",
            &[
                ("current", PASSWORD),
                ("new", "a-new-password-1"),
                ("repeat", "a-new-password-1"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .text_of_id("current-error")
            .unwrap()
            .contains("尝试次数过多"),
        "{}",
        refused.body
    );
    assert_eq!(app.state.passwords.computed(), before);
    // The officer, from a fresh sign-in elsewhere, is not affected.
    let mut officer = app.client_from("198.51.100.20:1000");
    assert_eq!(
        officer.login("officer.a", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn one_address_gets_25_attempts_in_five_minutes() {
    let app = TestApp::new().await;
    let mut attacker = app.client_from("192.0.2.9:4000");
    for i in 0..25 {
        // different unknown accounts: only the address limit applies
        let resp = attacker.login(&format!("guess{i}"), "whatever-123").await;
        assert_eq!(resp.status, StatusCode::UNAUTHORIZED);
    }
    let blocked = attacker.login("officer.a", PASSWORD).await;
    assert_eq!(
        blocked.status,
        StatusCode::UNAUTHORIZED,
        "26th attempt from the address is refused"
    );
    assert!(
        blocked
            .text_of_id("login-error")
            .unwrap()
            .contains("用户名或密码不正确")
    );
    // another address is fine
    let other = app
        .client_from("192.0.2.10:4000")
        .login("officer.a", PASSWORD)
        .await;
    assert_eq!(other.status, StatusCode::SEE_OTHER);
    // and the window passes
    app.state.clock.advance(Duration::minutes(6));
    let later = attacker.login("officer.a", PASSWORD).await;
    assert_eq!(later.status, StatusCode::SEE_OTHER);
    let throttled: i64 = sqlx::query_scalar(
        "select count(*) from audit_event where action = 'login.failed' and summary = 'address throttled'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(throttled, 1);
}

/// Behind a proxy (`--trust-forwarded-for`) the address is the last
/// `X-Forwarded-For` entry, the one the proxy added: a client that writes
/// its own entries in front cannot pass for fresh addresses.
#[tokio::test]
async fn behind_a_proxy_the_address_is_the_one_the_proxy_saw() {
    let config = sanse::config::Config {
        trust_forwarded_for: true,
        ..Default::default()
    };
    let app = TestApp::with_config(config).await;
    // Every request reaches Sanse from the proxy's socket.
    let through_proxy = |forwarded: String| {
        let mut client = app.client_from("10.0.0.2:5000");
        client.forwarded_for = Some(forwarded);
        client
    };
    for i in 0..25 {
        let mut attacker = through_proxy(format!("198.51.100.{i}, 203.0.113.7"));
        let resp = attacker.login(&format!("guess{i}"), "whatever-123").await;
        assert_eq!(resp.status, StatusCode::UNAUTHORIZED);
    }
    let mut again = through_proxy("192.0.2.200, 203.0.113.7".to_owned());
    assert_eq!(
        again.login("officer.a", PASSWORD).await.status,
        StatusCode::UNAUTHORIZED,
        "the 26th attempt from 203.0.113.7 is refused, whatever comes before it"
    );
    let mut neighbour = through_proxy("203.0.113.8".to_owned());
    assert_eq!(
        neighbour.login("officer.a", PASSWORD).await.status,
        StatusCode::SEE_OTHER,
        "another address behind the same proxy is not throttled"
    );
    let addresses: Vec<String> = sqlx::query_scalar(
        "select distinct coalesce(addr, '') from audit_event where action like 'login%' order by 1",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(addresses, ["203.0.113.7", "203.0.113.8"]);
}

#[tokio::test]
async fn logout_ends_the_session_and_the_old_cookie_is_refused() {
    let app = TestApp::new().await;
    let mut client = app.login("officer.a").await;
    let old_cookie = client.cookies.get("sanse_session").cloned().unwrap();
    assert_eq!(client.get("/officer").await.status, StatusCode::OK);
    let out = client.post("/logout", &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(out.location(), "/login");
    let login = client.get("/login").await;
    assert!(
        login.body.contains("您已安全退出"),
        "flash shown after logout"
    );

    // replay the old cookie
    let mut replay = app.client();
    replay.cookies.insert("sanse_session".into(), old_cookie);
    let resp = replay.get("/officer").await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER);
    assert!(resp.location().starts_with("/login"), "{}", resp.location());
    let sessions: i64 = sqlx::query_scalar("select count(*) from session")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(sessions, 0);
    assert_eq!(app.audit_actions().await, ["login", "logout"]);
}

#[tokio::test]
async fn login_starts_a_new_session_every_time() {
    let app = TestApp::new().await;
    let mut client = app.login("officer.a").await;
    let first = client.cookies["sanse_session"].clone();
    client.login("officer.a", PASSWORD).await;
    let second = client.cookies["sanse_session"].clone();
    assert_ne!(first, second);
    let mut replay = app.client();
    replay.cookies.insert("sanse_session".into(), first);
    assert_eq!(replay.get("/officer").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn sessions_expire_after_30_idle_minutes() {
    let app = TestApp::new().await;
    let mut client = app.login("officer.a").await;
    app.state.clock.advance(Duration::minutes(29));
    assert_eq!(client.get("/officer").await.status, StatusCode::OK);
    // activity keeps it alive
    app.state.clock.advance(Duration::minutes(29));
    assert_eq!(client.get("/officer").await.status, StatusCode::OK);
    app.state.clock.advance(Duration::minutes(31));
    let resp = client.get("/officer").await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER);
    assert_eq!(resp.location(), "/login?next=/officer");
    let login = client.get(resp.location()).await;
    assert!(login.body.contains("登录已过期"), "expired flash shown");
    assert!(login.body.contains("name=\"next\" value=\"/officer\""));
}

#[tokio::test]
async fn sessions_end_after_12_hours_however_active() {
    let app = TestApp::new().await;
    let mut client = app.login("officer.a").await;
    for _ in 0..24 {
        app.state.clock.advance(Duration::minutes(29));
        assert_eq!(client.get("/officer").await.status, StatusCode::OK);
    }
    // 11 h 36 min so far
    app.state.clock.advance(Duration::minutes(25));
    assert_eq!(client.get("/officer").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_disabled_users_session_ends_at_once() {
    let app = TestApp::new().await;
    let mut client = app.login("officer.a").await;
    sqlx::query("update app_user set disabled_at = now() where username = 'officer.a'")
        .execute(&app.db)
        .await
        .unwrap();
    assert_eq!(client.get("/officer").await.status, StatusCode::SEE_OTHER);
    let again = app.client().login("officer.a", PASSWORD).await;
    assert_eq!(again.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn login_returns_to_the_page_asked_for_but_only_on_this_site() {
    let app = TestApp::new().await;
    let mut client = app.client();
    let resp = client.get("/chief").await;
    assert_eq!(resp.location(), "/login?next=/chief");
    client.get("/login?next=/chief").await;
    let resp = client
        .post(
            "/login",
            &[
                ("username", "chief.a"),
                ("password", PASSWORD),
                ("next", "/chief"),
            ],
        )
        .await;
    assert_eq!(resp.location(), "/chief");
    let mut client = app.client();
    client.get("/login").await;
    let resp = client
        .post(
            "/login",
            &[
                ("username", "chief.a"),
                ("password", PASSWORD),
                ("next", "//evil.example/"),
            ],
        )
        .await;
    assert_eq!(resp.location(), "/chief");
}

#[tokio::test]
async fn bad_login_input_gets_a_clear_message_never_a_500() {
    let app = TestApp::new().await;
    let mut client = app.client();
    // empty fields
    let resp = client.login("", "").await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(resp.text_of_id("username-error").unwrap(), "请输入用户名。");
    assert_eq!(resp.text_of_id("password-error").unwrap(), "请输入密码。");
    assert!(resp.body.contains("aria-invalid=\"true\""));

    // a 10 kB password
    let long = "x".repeat(10 * 1024);
    let resp = client.login("officer.a", &long).await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        resp.text_of_id("password-error")
            .unwrap()
            .contains("密码过长")
    );
    assert!(resp.body.contains("value=\"officer.a\""), "user name kept");

    // SQL and HTML in the user name: refused like any unknown user, escaped
    for name in [
        "' or 1=1 --",
        "admin'; drop table app_user; --",
        "<script>alert(1)</script>",
        "\"><img src=x onerror=alert(1)>",
    ] {
        let resp = client.login(name, "some-password").await;
        assert!(resp.status.is_client_error(), "{name}: {}", resp.status);
        assert!(!resp.body.contains("<script>alert"), "{name} reflected raw");
        assert!(!resp.body.contains("<img src=x"), "{name} reflected raw");
        assert!(!resp.body.to_lowercase().contains("syntax error"));
    }
    // a long user name gets its own message
    let resp = client.login(&"a".repeat(41), "some-password").await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        resp.text_of_id("username-error")
            .unwrap()
            .contains("用户名过长")
    );
    // the users table is intact
    let users: i64 = sqlx::query_scalar("select count(*) from app_user")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(users, 6);
}

#[tokio::test]
async fn roles_cannot_open_each_others_home_pages() {
    let app = TestApp::new().await;
    let mut officer = app.login("officer.a").await;
    assert_eq!(officer.get("/chief").await.status, StatusCode::FORBIDDEN);
    assert_eq!(officer.get("/admin").await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        officer.get("/department").await.status,
        StatusCode::FORBIDDEN
    );
    let mut dept = app.login("dept.x").await;
    assert_eq!(dept.get("/officer").await.status, StatusCode::FORBIDDEN);
    assert_eq!(dept.get("/chief").await.status, StatusCode::FORBIDDEN);
    let mut chief = app.login("chief.a").await;
    // a chief does everything an officer does
    assert_eq!(chief.get("/officer").await.status, StatusCode::OK);
    assert_eq!(chief.get("/admin").await.status, StatusCode::FORBIDDEN);
    let mut admin = app.login("admin").await;
    assert_eq!(admin.get("/officer").await.status, StatusCode::FORBIDDEN);
    let forbidden = admin.get("/chief").await;
    assert!(forbidden.body.contains("您没有权限"));
    // anonymous: to the login page
    let mut anon = app.client();
    for path in ["/officer", "/chief", "/department", "/admin"] {
        let resp = anon.get(path).await;
        assert_eq!(resp.status, StatusCode::SEE_OTHER, "{path}");
    }
}

#[tokio::test]
async fn officer_home_lists_only_their_own_liaison_enterprises() {
    let app = TestApp::new().await;
    let f = app.fixture;
    for (station, liaison, name, code) in [
        (
            f.station_a,
            f.officer_a,
            "甲站企业一号有限公司",
            "91330108MA0000001X",
        ),
        (
            f.station_a,
            f.chief_a,
            "甲站所长联系企业有限公司",
            "91330108MA0000002X",
        ),
        (
            f.station_b,
            f.officer_b,
            "乙站企业有限公司",
            "91330108MA0000003X",
        ),
    ] {
        // Check characters are not validated by the schema, only the alphabet.
        sqlx::query(
            "insert into enterprise (station_id, name, credit_code, industry_code, address, legal_rep,
                                     security_manager, security_phone, employee_count, liaison_officer_id)
             values ($1, $2, replace($3, 'X', '0'), 'manufacturing', '测试路1号', '张三', '李四', '13800000000', 10, $4)",
        )
        .bind(station)
        .bind(name)
        .bind(code)
        .bind(liaison)
        .execute(&app.db)
        .await
        .unwrap();
    }
    let mut client = app.login("officer.a").await;
    let page = client.get("/officer").await;
    assert!(page.body.contains("甲站企业一号有限公司"));
    assert!(!page.body.contains("甲站所长联系企业有限公司"));
    assert!(!page.body.contains("乙站企业有限公司"));
    let mut chief = app.login("chief.a").await;
    let page = chief.get("/chief").await;
    assert!(page.body.contains("制造业"));
    assert!(
        page.body.contains("<dd>2</dd>"),
        "station A has two enterprises"
    );
}

#[tokio::test]
async fn a_form_posted_after_the_session_expired_leads_to_login_not_an_error() {
    let app = TestApp::new().await;
    let mut client = app.login("officer.a").await;
    client.get("/officer").await;
    app.state.clock.advance(Duration::minutes(45));
    let resp = client
        .post("/lang", &[("lang", "en"), ("next", "/officer")])
        .await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER);
    assert_eq!(resp.location(), "/login");
    let login = client.get("/login").await;
    assert!(login.body.contains("登录已过期"));
}

#[tokio::test]
async fn changing_ones_password_ends_the_other_sessions_only() {
    let app = TestApp::new().await;
    let mut phone = app.login("officer.a").await;
    let mut desk = app.login("officer.a").await;
    let page = desk.get("/account/password").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("修改密码") && page.body.contains("当前密码"));

    // refused, each with its message next to the field, nothing changed
    let new = "a-new-horse-battery-7";
    for (fields, field, message) in [
        (
            [("current", ""), ("new", new), ("repeat", new)],
            "current-error",
            "请输入密码。",
        ),
        (
            [
                ("current", "wrong-password-1"),
                ("new", new),
                ("repeat", new),
            ],
            "current-error",
            "当前密码不正确。",
        ),
        (
            [("current", PASSWORD), ("new", "short"), ("repeat", "short")],
            "new-error",
            "新密码需 10–256 个字符。",
        ),
        (
            [
                ("current", PASSWORD),
                ("new", PASSWORD),
                ("repeat", PASSWORD),
            ],
            "new-error",
            "新密码不能与当前密码相同。",
        ),
        (
            [
                ("current", PASSWORD),
                ("new", new),
                ("repeat", "a-new-horse-battery-8"),
            ],
            "repeat-error",
            "两次输入的新密码不一致。",
        ),
    ] {
        let resp = desk.post("/account/password", &fields).await;
        assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
        assert_eq!(
            resp.text_of_id(field).as_deref(),
            Some(message),
            "{fields:?}"
        );
        assert!(!resp.body.contains(new), "passwords are not sent back");
    }
    assert_eq!(
        phone.get("/officer").await.status,
        StatusCode::OK,
        "nothing changed yet"
    );

    let done = desk
        .post(
            "/account/password",
            &[("current", PASSWORD), ("new", new), ("repeat", new)],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(done.location(), "/officer");
    let home = desk.get("/officer").await;
    assert_eq!(home.status, StatusCode::OK, "this session goes on");
    assert!(home.body.contains("密码已修改"));
    let other = phone.get("/officer").await;
    assert_eq!(
        other.status,
        StatusCode::SEE_OTHER,
        "the other session ended"
    );
    assert!(other.location().starts_with("/login"));
    assert_eq!(
        app.client().login("officer.a", PASSWORD).await.status,
        StatusCode::UNAUTHORIZED,
        "the old password no longer works"
    );
    assert_eq!(
        app.client().login("officer.a", new).await.status,
        StatusCode::SEE_OTHER,
        "the new one does"
    );
    assert!(
        app.audit_actions()
            .await
            .iter()
            .any(|a| a == "user.password_change")
    );

    // in English too
    let mut en = app.login("chief.a").await;
    en.post("/lang", &[("lang", "en"), ("next", "/chief")])
        .await;
    let resp = en
        .post(
            "/account/password",
            &[("current", PASSWORD), ("new", "x"), ("repeat", "x")],
        )
        .await;
    assert_eq!(
        resp.text_of_id("new-error").as_deref(),
        Some("The new password needs 10 to 256 characters.")
    );
}
