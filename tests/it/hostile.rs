//! Hostile input: malicious values into every field of every form and every
//! query parameter of every page a role can open, found by reading the
//! pages themselves. Whatever comes in: no 5xx, nothing reflected unescaped,
//! no SQL or stack text in a body; bodies over the limit get 413; the CSV
//! import gets the same treatment.

use std::collections::BTreeSet;

use axum::http::StatusCode;

use crate::access::{Ids, concrete, ids_of};
use crate::harness::{Client, Resp, TestApp};

/// What a body must never contain (SQL, Rust or stack text).
const LEAKS: &[&str] = &[
    "SQLSTATE",
    "syntax error at or near",
    "violates",
    "sqlx",
    "panicked at",
    "RUST_BACKTRACE",
    "src/",
    "pg_catalog",
    "invalid input syntax",
];

/// The core values, tried in every field and every query parameter.
fn core_values() -> Vec<String> {
    let mut v: Vec<String> = [
        "<script>alert(1)</script>",
        "\"><svg onload=alert(1)>",
        "' onmouseover='alert(1)",
        "javascript:alert(1)",
        "' OR '1'='1",
        "1; DROP TABLE enterprise; --",
        "%' OR 1=1 --",
        "\\",
        "line\r\nSet-Cookie: x=1",
        "\u{0}",
        "\u{7}\u{1b}[31m",
        "\u{202e}evil",
        "-1",
        "99999999999999999999999",
        "1e309",
        "NaN",
        "2025-02-30",
        "0000-00-00",
        "9999-12-31T99:99",
        "{{7*7}}",
        "../../etc/passwd",
        "=cmd|' /C calc'!A0",
        "[]",
        "",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    v.push("长".repeat(5000));
    v.push("a".repeat(70_000));
    v
}

/// The full list (a few hundred), tried in one text field of each form and
/// in each list's search.
fn all_values() -> Vec<String> {
    let mut v = core_values();
    let tags = [
        "script", "img", "svg", "iframe", "body", "a", "style", "object",
    ];
    let events = ["onerror", "onload", "onclick", "onfocus"];
    for t in tags {
        for e in events {
            v.push(format!("<{t} src=x {e}=alert(1)>"));
            v.push(format!("\"><{t} {e}=alert(1)>"));
            v.push(format!("'><{t} {e}=alert(1)>"));
        }
    }
    for sql in [
        "' OR 1=1--",
        "\" OR \"\"=\"",
        "'; SELECT pg_sleep(5)--",
        "1 UNION SELECT password_hash FROM app_user--",
        "' AND 1=CAST((SELECT version()) AS int)--",
        "$$; drop table x; $$",
        "E'\\x00'",
        "1)) OR ((1=1",
    ] {
        v.push(sql.to_owned());
        v.push(format!("企业{sql}"));
    }
    for n in [
        "0",
        "-0",
        "+5",
        "0x10",
        "1,000",
        "１２",
        "2147483648",
        "-2147483649",
        "9223372036854775808",
        "1.5",
        "Infinity",
        "true",
        "null",
    ] {
        v.push(n.to_owned());
    }
    for d in [
        "2026-13-01",
        "2026-00-10",
        "2026-02-29",
        "1900-01-01",
        "26-1-1",
        "2026/09/01",
        "today",
        "2026-09-01T00:00:00Z",
        "２０２６-０９-０１",
    ] {
        v.push(d.to_owned());
    }
    for c in [
        '\u{1}', '\u{8}', '\u{b}', '\u{c}', '\u{7f}', '\u{85}', '\u{2028}', '\u{feff}',
    ] {
        v.push(format!("a{c}b"));
    }
    for other in [
        "<ScRiPt>alert(1)</sCrIpT>",
        "<scr<script>ipt>alert(1)</script>",
        "%3Cscript%3Ealert(1)%3C/script%3E",
        "&lt;script&gt;",
        "&#60;script&#62;",
        "<!--",
        "]]>",
        "</textarea><script>alert(1)</script>",
        "</title><script>alert(1)</script>",
        "\"autofocus onfocus=\"alert(1)",
        "' autofocus onfocus='alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "${jndi:ldap://127.0.0.1/a}",
        "%s%s%s%n",
        "{0}{1}",
        "$(reboot)",
        "`reboot`",
        "| cat /etc/passwd",
        "..\\..\\windows\\win.ini",
        "/dev/null",
        "file:///etc/passwd",
        "http://127.0.0.1:5432/",
        " ",
        "\t\t",
        "\n\n\n",
        "😀😀😀",
        "𠮷野家",
        "e\u{301}",
        "İstanbul",
        "ǅ",
        "ｓｃｒｉｐｔ",
        "0.0.0.0",
        "::1",
        "[object Object]",
        "undefined",
        "\"\"",
        "''",
        "--",
        "/*",
        "*/",
        ";",
        "%",
        "_",
        "%%",
        "\\%",
        "a%00b",
        "%0d%0aX-Injected: 1",
        "\r",
        "\u{0}\u{0}\u{0}",
    ] {
        v.push(other.to_owned());
    }
    for len in [101, 255, 256, 501, 1001, 2001, 4097, 10_000] {
        v.push("x".repeat(len));
        v.push("字".repeat(len));
    }
    v
}

/// A form of a page: method, action, and its fields as (name, value).
type Form = (String, String, Vec<(String, String)>);

/// The forms of a page.
fn forms_of(html: &str) -> Vec<Form> {
    let mut forms = Vec::new();
    for part in html.split("<form").skip(1) {
        let (tag, body) = part.split_once('>').unwrap_or((part, ""));
        let body = body.split("</form>").next().unwrap_or("");
        let attr = |t: &str, name: &str| {
            t.split(&format!("{name}=\""))
                .nth(1)
                .and_then(|v| v.split('"').next())
                .map(|v| v.replace("&amp;", "&"))
        };
        let method = attr(tag, "method")
            .unwrap_or_else(|| "get".into())
            .to_lowercase();
        let Some(action) = attr(tag, "action") else {
            continue;
        };
        let mut fields = Vec::new();
        for kind in ["<input", "<select", "<textarea"] {
            for field in body.split(kind).skip(1) {
                let tag = field.split('>').next().unwrap_or("");
                if let Some(name) = attr(tag, "name") {
                    let value = attr(tag, "value").unwrap_or_default();
                    fields.push((name, value));
                }
            }
        }
        forms.push((method, action, fields));
    }
    forms
}

/// The complaint about a response to `value`, if any.
fn complaint(what: &str, value: &str, resp: &Resp) -> Option<String> {
    if resp.status.is_server_error() {
        return Some(format!("{what}: {}", resp.status));
    }
    if let Some(leak) = LEAKS.iter().find(|l| resp.body.contains(*l)) {
        return Some(format!("{what}: the body shows {leak:?}"));
    }
    let dangerous = value.contains(['<', '>', '"', '\'']);
    if dangerous && value.len() > 3 && resp.body.contains(value) {
        return Some(format!("{what}: {value:?} reflected unescaped"));
    }
    None
}

fn encode(pairs: &[(String, String)]) -> String {
    serde_urlencoded::to_string(pairs).unwrap()
}

/// Actions never posted here: they take no input to speak of, and the
/// access matrix covers them.
fn destructive(action: &str) -> bool {
    [
        "/delete",
        "/disable",
        "/revoke",
        "/publish",
        "/logout",
        "/enable",
        "/acknowledge",
        "/lang",
    ]
    .iter()
    .any(|end| action.ends_with(end))
        || action == "/login"
}

struct Tally {
    requests: usize,
    values: BTreeSet<String>,
    fields: BTreeSet<String>,
    problems: Vec<String>,
}

/// Post `fields` with `name` set to `value` (the rest as the page had them).
async fn post_with(
    client: &mut Client,
    action: &str,
    fields: &[(String, String)],
    name: &str,
    value: &str,
    t: &mut Tally,
) {
    let token = client.csrf.clone().unwrap_or_default();
    let mut pairs: Vec<(String, String)> = fields
        .iter()
        .filter(|(n, _)| n != "csrf")
        .map(|(n, v)| {
            (
                n.clone(),
                if n == name {
                    value.to_owned()
                } else {
                    v.clone()
                },
            )
        })
        .collect();
    pairs.insert(0, ("csrf".into(), token));
    let refs: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let resp = client
        .post_raw(action, &refs, &[("sec-fetch-site", "same-origin")])
        .await;
    t.requests += 1;
    t.values.insert(value.to_owned());
    t.fields.insert(format!("POST {action} {name}"));
    let limit = 256 * 1024;
    if value.len() > limit {
        if resp.status != StatusCode::PAYLOAD_TOO_LARGE {
            t.problems.push(format!(
                "POST {action} {name}: {} for an oversized body",
                resp.status
            ));
        }
        return;
    }
    t.problems.extend(complaint(
        &format!("POST {action} {name}={value:.40}"),
        value,
        &resp,
    ));
}

async fn get_with_param(client: &mut Client, path: &str, name: &str, value: &str, t: &mut Tally) {
    // Longer addresses are refused before any application (HTTP servers and
    // proxies cap the request line at about 8 KB).
    if value.len() > 8 * 1024 {
        return;
    }
    let sep = if path.contains('?') { '&' } else { '?' };
    let url = format!(
        "{path}{sep}{}",
        encode(&[(name.to_owned(), value.to_owned())])
    );
    let resp = client.get(&url).await;
    t.requests += 1;
    t.values.insert(value.to_owned());
    t.fields.insert(format!("GET {path} {name}"));
    t.problems.extend(complaint(
        &format!("GET {path}?{name}={value:.40}"),
        value,
        &resp,
    ));
}

/// The pages a caller opens: GET routes of the access matrix answering 200.
fn pages_for(column: usize, ids: &Ids, app: &TestApp) -> Vec<String> {
    crate::access::MATRIX
        .iter()
        .filter(|(m, r, a)| {
            *m == "GET"
                && a.split_whitespace().nth(column) == Some("200")
                && !r.ends_with(".csv")
                && !r.ends_with(".json")
                && !r.starts_with("/api")
                && *r != "/department/live"
        })
        .map(|(_, r, _)| concrete(r, ids, app))
        .collect()
}

/// The suite runs in this many shards, each on its own database: every
/// page goes to one of them, so every (field, value) pair still runs once.
const SHARDS: usize = 4;

/// Fields and parameters seen by the shards that finished, and how many did.
static SEEN: std::sync::Mutex<(usize, BTreeSet<String>)> =
    std::sync::Mutex::new((0, BTreeSet::new()));

#[tokio::test]
async fn hostile_values_in_every_field_and_parameter_shard_0() {
    hostile_values(0).await;
}

#[tokio::test]
async fn hostile_values_in_every_field_and_parameter_shard_1() {
    hostile_values(1).await;
}

#[tokio::test]
async fn hostile_values_in_every_field_and_parameter_shard_2() {
    hostile_values(2).await;
}

#[tokio::test]
async fn hostile_values_in_every_field_and_parameter_shard_3() {
    hostile_values(3).await;
}

/// The pages of every role whose index falls to `shard`: their forms with
/// every value in every field, their parameters with the core values.
async fn hostile_values(shard: usize) {
    let app = TestApp::new().await;
    let ids = ids_of(&app).await;
    let core = core_values();
    let all = all_values();
    assert!(all.len() >= 200, "a few hundred values: {}", all.len());
    let mut t = Tally {
        requests: 0,
        values: BTreeSet::new(),
        fields: BTreeSet::new(),
        problems: Vec::new(),
    };
    // (user, its column in the access matrix)
    for (user, column) in [
        ("officer.a", 1),
        ("chief.a", 2),
        ("dept.x", 4),
        ("admin", 6),
    ] {
        let mut client = app.login(user).await;
        let pages = pages_for(column, &ids, &app);
        for page in pages.into_iter().skip(shard).step_by(SHARDS) {
            let resp = client.get(&page).await;
            if resp.status != StatusCode::OK {
                continue;
            }
            for (method, action, fields) in forms_of(&resp.body) {
                let names: Vec<String> = fields
                    .iter()
                    .map(|(n, _)| n.clone())
                    .filter(|n| n != "csrf")
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect();
                if method == "get" {
                    for (i, name) in names.iter().enumerate() {
                        let values = if i == 0 { &all } else { &core };
                        for value in values {
                            get_with_param(&mut client, &action, name, value, &mut t).await;
                        }
                    }
                    continue;
                }
                if destructive(&action) {
                    continue;
                }
                for (i, name) in names.iter().enumerate() {
                    let values = if i == 0 { &all } else { &core };
                    for value in values {
                        // a fresh form token: a failed post may have rotated it
                        if client.csrf.is_none() {
                            client.get(&page).await;
                        }
                        post_with(&mut client, &action, &fields, name, value, &mut t).await;
                    }
                }
            }
            // parameters no form shows: paging and sorting of every page
            for name in ["page", "sort", "dir", "month", "q"] {
                for value in &core {
                    get_with_param(&mut client, &page, name, value, &mut t).await;
                }
            }
        }
    }
    eprintln!(
        "hostile input, shard {shard}: {} requests, {} distinct values, {} fields and parameters",
        t.requests,
        t.values.len(),
        t.fields.len()
    );
    assert!(t.fields.len() > 20, "the forms were found: {:?}", t.fields);
    let all_seen = {
        let mut seen = SEEN.lock().unwrap();
        seen.0 += 1;
        seen.1.extend(t.fields.iter().cloned());
        (seen.0 == SHARDS).then(|| seen.1.len())
    };
    // The last shard to finish (when all ran) checks the whole.
    if let Some(n) = all_seen {
        assert!(n > 150, "the forms of all shards: {n}");
    }
    assert!(
        t.problems.is_empty(),
        "{} problems:\n{}",
        t.problems.len(),
        t.problems.join("\n")
    );
}

#[tokio::test]
async fn invalid_utf8_and_wrong_types_get_an_answer_not_a_500() {
    let app = TestApp::new().await;
    let ids = ids_of(&app).await;
    let mut chief = app.login("chief.a").await;
    for page in pages_for(2, &ids, &app) {
        for raw in ["q=%FF%FE%FD", "page=%C0%AF", "sort=%00", "q=%E4%B8"] {
            let sep = if page.contains('?') { '&' } else { '?' };
            let resp = chief.get(&format!("{page}{sep}{raw}")).await;
            assert!(
                !resp.status.is_server_error(),
                "{page}?{raw}: {}",
                resp.status
            );
            assert!(LEAKS.iter().all(|l| !resp.body.contains(l)), "{page}?{raw}");
        }
    }
    // a form body that is not UTF-8, and one that is not a form at all
    let token = chief.csrf.clone().unwrap();
    let path = format!("/enterprises/{}/visits", ids.enterprise);
    for body in [
        format!("csrf={token}&note=%FF%FE").into_bytes(),
        [
            format!("csrf={token}&note=").as_bytes(),
            &[0xff, 0xfe, 0x00],
        ]
        .concat(),
        format!("csrf={token}&officers=abc&officers=-1&visited_on[]=x").into_bytes(),
    ] {
        let req = axum::http::Request::builder()
            .method("POST")
            .uri(&path)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("sec-fetch-site", "same-origin")
            .body(axum::body::Body::from(body))
            .unwrap();
        let resp = chief.send(req).await;
        assert!(!resp.status.is_server_error(), "{path}: {}", resp.status);
        assert!(
            LEAKS.iter().all(|l| !resp.body.contains(l)),
            "{}",
            resp.body
        );
    }
}

#[tokio::test]
async fn every_post_route_refuses_a_body_over_the_limit() {
    let app = TestApp::new().await;
    let ids = ids_of(&app).await;
    let mut admin = app.login("admin").await;
    let big = "x".repeat(300 * 1024);
    let mut tried = 0;
    for (method, route, _) in crate::access::MATRIX {
        if *method != "POST" || route.contains("import") {
            continue;
        }
        let path = concrete(route, &ids, &app);
        let resp = admin.post(&path, &[("note", big.as_str())]).await;
        assert_eq!(
            resp.status,
            StatusCode::PAYLOAD_TOO_LARGE,
            "POST {route} with 300 KB"
        );
        tried += 1;
    }
    assert!(tried > 50);
}

#[tokio::test]
async fn the_csv_import_takes_hostile_files_without_a_500() {
    let app = TestApp::new().await;
    let mut officer = app.login("officer.a").await;
    officer.get("/enterprises/import").await;
    let header =
        "企业名称,统一社会信用代码,行业,地址,法定代表人,安全负责人,联系电话,职工人数,联络民警\n";
    let mut files: Vec<(String, Vec<u8>)> = vec![
        ("empty.csv".into(), Vec::new()),
        ("bom-only.csv".into(), "\u{feff}".as_bytes().to_vec()),
        ("binary.csv".into(), vec![0xff, 0xfe, 0x00, 0x01, 0x80, 0x81]),
        ("header-only.csv".into(), header.as_bytes().to_vec()),
        (
            "formula.csv".into(),
            format!("{header}=cmd|' /C calc'!A0,91330100MA27XL0E2K,manufacturing,@SUM(1+1),+1,-1,=1+1,10,\n")
                .into_bytes(),
        ),
        (
            "script.csv".into(),
            format!("{header}<script>alert(1)</script>,\"\"\"><svg onload=alert(1)>\",x,y,z,w,v,1,u\n")
                .into_bytes(),
        ),
        (
            "quotes.csv".into(),
            format!("{header}\"unterminated,a,b\n\"a\"\"b\",c\r\nd,\"e\nf\",g\n").into_bytes(),
        ),
        (
            "sql.csv".into(),
            format!("{header}' OR 1=1 --,'; drop table enterprise; --,x,x,x,x,x,-5,x\n").into_bytes(),
        ),
        ("wide.csv".into(), format!("{header}{}\n", "a,".repeat(5000)).into_bytes()),
        (
            "gbk.csv".into(),
            [&[0xc6, 0xf3, 0xd2, 0xb5, 0xc3, 0xfb, 0xb3, 0xc6, 0x0a][..], b"abc,def\n"].concat(),
        ),
    ];
    let many: String = (0..3000)
        .map(|i| format!("企业{i},x,x,x,x,x,x,{i},x\n"))
        .collect();
    files.push(("many.csv".into(), format!("{header}{many}").into_bytes()));
    for (name, content) in &files {
        let resp = officer
            .post_file("/enterprises/import", "file", name, content)
            .await;
        assert!(!resp.status.is_server_error(), "{name}: {}", resp.status);
        assert!(
            LEAKS.iter().all(|l| !resp.body.contains(l)),
            "{name}: {}",
            resp.body
        );
        assert!(!resp.body.contains("<script>alert(1)"), "{name}: reflected");
        assert!(!resp.body.contains("\"><svg onload"), "{name}: reflected");
        if resp.status == StatusCode::SEE_OTHER {
            let preview = officer.get(resp.location()).await;
            assert!(!preview.status.is_server_error(), "{name} preview");
            assert!(
                !preview.body.contains("<script>alert(1)"),
                "{name}: preview reflects"
            );
            assert!(
                LEAKS.iter().all(|l| !preview.body.contains(l)),
                "{name} preview"
            );
        }
        officer.get("/enterprises/import").await;
    }
    let big = vec![b'a'; 6 * 1024 * 1024];
    let resp = officer
        .post_file("/enterprises/import", "file", "big.csv", &big)
        .await;
    assert_eq!(
        resp.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "an upload over the limit: {}",
        resp.body
    );
}
