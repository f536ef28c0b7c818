//! The read-only JSON API: tokens, isolation between departments,
//! pagination and filters, JSON errors, and the OpenAPI document — which
//! must be valid and describe exactly what the API answers (every response
//! here is checked against the schema the document gives for it).

use std::collections::BTreeSet;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use serde_json::{Value, json};

use crate::harness::{Client, PUSH_QUARTER, Resp, TestApp, push_scene};

// ---------------------------------------------------------------------------
// A small JSON-schema checker (the subset the document uses: $ref, type
// including type arrays, enum, properties, required, additionalProperties
// false, items, minimum, maximum, and the formats date-time and uuid).

/// Keywords the checker understands or may safely ignore (annotations);
/// the document may use no other, so nothing goes unchecked silently.
const KNOWN_KEYWORDS: &[&str] = &[
    "$ref",
    "type",
    "enum",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "minimum",
    "maximum",
    "format",
    // annotations
    "description",
    "examples",
    "default",
    // checked lightly by hand below (credit codes, quarters, headers)
    "pattern",
];

/// Follow `$ref`s within the document.
pub(crate) fn resolve<'a>(doc: &'a Value, mut v: &'a Value) -> &'a Value {
    for _ in 0..20 {
        let Some(reference) = v.get("$ref").and_then(Value::as_str) else {
            return v;
        };
        let pointer = reference
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("only local references: {reference}"));
        v = doc
            .pointer(pointer)
            .unwrap_or_else(|| panic!("unresolved reference {reference}"));
    }
    panic!("reference loop");
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit() && !c.is_ascii_uppercase(),
        })
}

/// Check `value` against `schema`; every mismatch is pushed to `errors`
/// with its JSON path.
pub(crate) fn validate(
    doc: &Value,
    schema: &Value,
    value: &Value,
    at: &str,
    errors: &mut Vec<String>,
) {
    let schema = resolve(doc, schema);
    let obj = schema
        .as_object()
        .unwrap_or_else(|| panic!("schema at {at} is not an object"));
    for key in obj.keys() {
        assert!(
            KNOWN_KEYWORDS.contains(&key.as_str()),
            "schema keyword {key} at {at} is not understood by the checker"
        );
    }
    let actual = type_name(value);
    if let Some(t) = obj.get("type") {
        let allowed: Vec<&str> = match t {
            Value::String(s) => vec![s.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => panic!("bad type keyword at {at}"),
        };
        let ok = allowed
            .iter()
            .any(|a| *a == actual || (*a == "number" && actual == "integer"));
        if !ok {
            errors.push(format!("{at}: {actual}, expected {allowed:?}"));
            return;
        }
    }
    if let Some(options) = obj.get("enum").and_then(Value::as_array)
        && !options.contains(value)
    {
        errors.push(format!("{at}: {value} not one of {options:?}"));
    }
    if let (Some(min), Some(n)) = (obj.get("minimum").and_then(Value::as_f64), value.as_f64())
        && n < min
    {
        errors.push(format!("{at}: {n} < minimum {min}"));
    }
    if let (Some(max), Some(n)) = (obj.get("maximum").and_then(Value::as_f64), value.as_f64())
        && n > max
    {
        errors.push(format!("{at}: {n} > maximum {max}"));
    }
    if let (Some(format), Some(s)) = (obj.get("format").and_then(Value::as_str), value.as_str()) {
        let valid = match format {
            "date-time" => chrono::DateTime::parse_from_rfc3339(s).is_ok(),
            "uuid" => is_uuid(s),
            _ => true,
        };
        if !valid {
            errors.push(format!("{at}: {s:?} is not a valid {format}"));
        }
    }
    if let Some(map) = value.as_object() {
        let properties = obj.get("properties").and_then(Value::as_object);
        if let Some(required) = obj.get("required").and_then(Value::as_array) {
            for name in required.iter().filter_map(Value::as_str) {
                if !map.contains_key(name) {
                    errors.push(format!("{at}: missing required {name}"));
                }
            }
        }
        for (name, v) in map {
            match properties.and_then(|p| p.get(name)) {
                Some(sub) => validate(doc, sub, v, &format!("{at}.{name}"), errors),
                None => {
                    if obj.get("additionalProperties") == Some(&Value::Bool(false)) {
                        errors.push(format!("{at}: undocumented property {name}"));
                    }
                }
            }
        }
    }
    if let (Some(items), Some(list)) = (obj.get("items"), value.as_array()) {
        for (i, v) in list.iter().enumerate() {
            validate(doc, items, v, &format!("{at}[{i}]"), errors);
        }
    }
}

/// The errors of `value` against the component schema `name`.
pub(crate) fn schema_errors(doc: &Value, name: &str, value: &Value) -> Vec<String> {
    let schema = json!({ "$ref": format!("#/components/schemas/{name}") });
    let mut errors = Vec::new();
    validate(doc, &schema, value, "$", &mut errors);
    errors
}

/// The document as the API serves it.
pub(crate) async fn openapi(app: &TestApp) -> Value {
    let resp = app.client().get_with("/api/v1/openapi.json", &[]).await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    assert!(resp.header("content-type").starts_with("application/json"));
    serde_json::from_str(&resp.body).unwrap()
}

/// Check a response against what the document says `template`'s
/// `method` answers with its status; returns the parsed body.
pub(crate) fn check_response(doc: &Value, template: &str, method: &str, resp: &Resp) -> Value {
    let op = doc["paths"]
        .get(template)
        .and_then(|p| p.get(method))
        .unwrap_or_else(|| panic!("{method} {template} is not documented"));
    let status = resp.status.as_str().to_owned();
    let response = op["responses"]
        .get(&status)
        .or_else(|| op["responses"].get("default"))
        .unwrap_or_else(|| panic!("{method} {template}: status {status} is not documented"));
    let response = resolve(doc, response);
    let content_type = resp.header("content-type");
    assert!(
        content_type.starts_with("application/json"),
        "{method} {template} {status}: content type {content_type:?}, body {}",
        resp.body
    );
    let schema = response["content"]["application/json"]
        .get("schema")
        .unwrap_or_else(|| panic!("{method} {template} {status}: no JSON schema"));
    let body: Value = serde_json::from_str(&resp.body).unwrap_or_else(|e| {
        panic!(
            "{method} {template} {status}: not JSON ({e}): {}",
            resp.body
        )
    });
    let mut errors = Vec::new();
    validate(doc, schema, &body, "$", &mut errors);
    assert!(
        errors.is_empty(),
        "{method} {template} {status} does not match the document:\n{}\n{body:#}",
        errors.join("\n")
    );
    body
}

// ---------------------------------------------------------------------------
// Helpers

/// A new API token of `department_id`: (its id, the plain token).
pub(crate) async fn insert_token(app: &TestApp, department_id: i64) -> (i64, String) {
    let token = sanse::pushes::token::generate();
    let id: i64 = sqlx::query_scalar(
        "insert into api_token (department_id, label, token_hash, prefix)
         values ($1, 'partner system', $2, $3) returning api_token_id",
    )
    .bind(department_id)
    .bind(&token.hash)
    .bind(&token.prefix)
    .fetch_one(&app.db)
    .await
    .unwrap();
    (id, token.plain)
}

async fn get(client: &mut Client, path: &str, token: &str) -> Resp {
    let auth = format!("Bearer {token}");
    client.get_with(path, &[("authorization", &auth)]).await
}

/// GET, expect 200, check against the document, return the body.
async fn ok(client: &mut Client, doc: &Value, template: &str, path: &str, token: &str) -> Value {
    let resp = get(client, path, token).await;
    assert_eq!(resp.status, StatusCode::OK, "{path}: {}", resp.body);
    check_response(doc, template, "get", &resp)
}

/// GET, expect `status` with the JSON error `code`, checked against the document.
async fn fails(
    client: &mut Client,
    doc: &Value,
    template: &str,
    path: &str,
    token: &str,
    status: StatusCode,
    code: &str,
) -> Value {
    let resp = get(client, path, token).await;
    assert_eq!(resp.status, status, "{path}: {}", resp.body);
    let body = check_response(doc, template, "get", &resp);
    assert_eq!(body["error"]["code"], code, "{path}: {body}");
    assert!(
        !body["error"]["message"].as_str().unwrap().is_empty(),
        "{path}"
    );
    body
}

fn ids(body: &Value) -> Vec<i64> {
    body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_i64().unwrap())
        .collect()
}

// ---------------------------------------------------------------------------
// Tests

#[tokio::test]
async fn tokens_are_checked_and_revocable() {
    let app = TestApp::new().await;
    let scene = push_scene(&app).await;
    let doc = openapi(&app).await;
    let (x_token_id, x_token) = insert_token(&app, app.fixture.department_x).await;
    let (revoked_id, revoked) = insert_token(&app, app.fixture.department_x).await;
    sqlx::query("update api_token set revoked_at = now() where api_token_id = $1")
        .bind(revoked_id)
        .execute(&app.db)
        .await
        .unwrap();
    let z: i64 = sqlx::query_scalar(
        "insert into department (code, name, name_en, disabled_at)
         values ('dept-z', '已停用部门', 'Disabled', now()) returning department_id",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let (_, disabled) = insert_token(&app, z).await;
    let mut client = app.client();

    let unknown = sanse::pushes::token::generate().plain;
    let refused: [(&str, Vec<(&str, String)>); 7] = [
        ("no header", vec![]),
        (
            "basic",
            vec![("authorization", "Basic YWRtaW46eA==".to_owned())],
        ),
        (
            "empty bearer",
            vec![("authorization", "Bearer ".to_owned())],
        ),
        (
            "malformed",
            vec![("authorization", format!("Token {x_token}"))],
        ),
        (
            "unknown",
            vec![("authorization", format!("Bearer {unknown}"))],
        ),
        (
            "revoked",
            vec![("authorization", format!("Bearer {revoked}"))],
        ),
        (
            "disabled department",
            vec![("authorization", format!("Bearer {disabled}"))],
        ),
    ];
    for (what, headers) in &refused {
        let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        for (template, path) in [
            ("/api/v1/pushes", "/api/v1/pushes".to_owned()),
            (
                "/api/v1/pushes/{id}",
                format!("/api/v1/pushes/{}", scene.push_x),
            ),
            (
                "/api/v1/pushes/{id}/enterprises",
                format!("/api/v1/pushes/{}/enterprises", scene.push_x),
            ),
        ] {
            let resp = client.get_with(&path, &headers).await;
            assert_eq!(resp.status, StatusCode::UNAUTHORIZED, "{what} {path}");
            assert!(
                resp.header("www-authenticate").starts_with("Bearer"),
                "{what}: {:?}",
                resp.headers
            );
            let body = check_response(&doc, template, "get", &resp);
            assert_eq!(body["error"]["code"], "unauthorized", "{what}");
            assert!(!resp.body.contains("<html"), "{what}: JSON, not a page");
        }
    }
    // The message follows Accept-Language.
    let resp = client
        .get_with("/api/v1/pushes", &[("accept-language", "en-GB,en;q=0.9")])
        .await;
    let body = check_response(&doc, "/api/v1/pushes", "get", &resp);
    assert!(
        body["error"]["message"].as_str().unwrap().contains("token"),
        "{body}"
    );

    // A good token works; its last use is written at most once a minute.
    let last_used = async || -> Option<chrono::DateTime<chrono::Utc>> {
        sqlx::query_scalar("select last_used_at from api_token where api_token_id = $1")
            .bind(x_token_id)
            .fetch_one(&app.db)
            .await
            .unwrap()
    };
    assert_eq!(last_used().await, None);
    ok(
        &mut client,
        &doc,
        "/api/v1/pushes",
        "/api/v1/pushes",
        &x_token,
    )
    .await;
    let first = last_used().await.expect("last use recorded");
    ok(
        &mut client,
        &doc,
        "/api/v1/pushes",
        "/api/v1/pushes",
        &x_token,
    )
    .await;
    assert_eq!(
        last_used().await,
        Some(first),
        "not rewritten within a minute"
    );
    app.state.clock.advance(chrono::Duration::minutes(2));
    ok(
        &mut client,
        &doc,
        "/api/v1/pushes",
        "/api/v1/pushes",
        &x_token,
    )
    .await;
    assert!(
        last_used().await.unwrap() > first,
        "rewritten after a minute"
    );

    // Revoked: refused from then on.
    sqlx::query("update api_token set revoked_at = now() where api_token_id = $1")
        .bind(x_token_id)
        .execute(&app.db)
        .await
        .unwrap();
    fails(
        &mut client,
        &doc,
        "/api/v1/pushes",
        "/api/v1/pushes",
        &x_token,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
}

#[tokio::test]
async fn a_department_sees_only_its_own_pushes() {
    let app = TestApp::new().await;
    let s = push_scene(&app).await;
    let doc = openapi(&app).await;
    let (_, x) = insert_token(&app, app.fixture.department_x).await;
    let (_, y) = insert_token(&app, app.fixture.department_y).await;
    let mut client = app.client();

    let list = ok(&mut client, &doc, "/api/v1/pushes", "/api/v1/pushes", &x).await;
    assert_eq!(ids(&list), vec![s.push_x]);
    assert_eq!(list["total"], 1);
    let list = ok(&mut client, &doc, "/api/v1/pushes", "/api/v1/pushes", &y).await;
    assert_eq!(ids(&list), vec![s.push_y_b, s.push_y_a], "newest first");
    assert_eq!(list["total"], 2);

    // Another department's push, and unknown ids: 404, never 403.
    for (path, template) in [
        (
            format!("/api/v1/pushes/{}", s.push_y_a),
            "/api/v1/pushes/{id}",
        ),
        (
            format!("/api/v1/pushes/{}/enterprises", s.push_y_a),
            "/api/v1/pushes/{id}/enterprises",
        ),
        (
            format!("/api/v1/pushes/{}/enterprises?level=green", s.push_y_b),
            "/api/v1/pushes/{id}/enterprises",
        ),
        ("/api/v1/pushes/99999999".to_owned(), "/api/v1/pushes/{id}"),
        ("/api/v1/pushes/abc".to_owned(), "/api/v1/pushes/{id}"),
        ("/api/v1/pushes/-1".to_owned(), "/api/v1/pushes/{id}"),
        (
            "/api/v1/pushes/99999999999999999999999/enterprises".to_owned(),
            "/api/v1/pushes/{id}/enterprises",
        ),
    ] {
        fails(
            &mut client,
            &doc,
            template,
            &path,
            &x,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
    }
    let foreign = get(&mut client, &format!("/api/v1/pushes/{}", s.push_x), &y).await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);

    // The department's own push.
    let path = format!("/api/v1/pushes/{}", s.push_x);
    let push = ok(&mut client, &doc, "/api/v1/pushes/{id}", &path, &x).await;
    assert_eq!(push["id"], s.push_x);
    assert_eq!(push["quarter"], PUSH_QUARTER);
    assert_eq!(push["station"]["code"], "station-a");
    assert_eq!(push["station"]["name_en"], "Station A");
    assert_eq!(push["revision"], 0);
    assert_eq!(push["reason"], "");
    assert_eq!(push["counts"], json!({"green": 0, "yellow": 1, "red": 1}));
    assert_eq!(
        push["changes"],
        json!({"added": 2, "changed": 0, "removed": 0})
    );
    assert_eq!(push["acknowledged_at"], Value::Null);
    assert_eq!(list["data"][1]["id"], s.push_y_a);
    assert_eq!(
        list["data"][1]["counts"],
        json!({"green": 1, "yellow": 1, "red": 1})
    );

    // Its enterprises: red, then yellow; data-minimised.
    let path = format!("/api/v1/pushes/{}/enterprises", s.push_x);
    let resp = get(&mut client, &path, &x).await;
    for private in ["13800138000", "张三", "李四", "危化品混放", "王警官"] {
        assert!(
            !resp.body.contains(private),
            "{private} leaked: {}",
            resp.body
        );
    }
    let items = check_response(&doc, "/api/v1/pushes/{id}/enterprises", "get", &resp);
    let data = items["data"].as_array().unwrap();
    let got: Vec<(i64, &str)> = data
        .iter()
        .map(|e| {
            (
                e["enterprise_id"].as_i64().unwrap(),
                e["level"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(got, vec![(s.red, "red"), (s.yellow, "yellow")]);
    let red = &data[0];
    assert_eq!(red["name"], "临江隐患企业有限公司");
    assert_eq!(red["industry"]["code"], "manufacturing");
    assert_eq!(red["industry"]["name_en"], "Manufacturing");
    assert_eq!(red["previous_level"], Value::Null);
    assert_eq!(red["scores"]["safety"], 40);
    assert!(red["scores"]["hazards"].as_i64().unwrap() < 30);
    let reasons = red["reasons"].as_array().unwrap();
    assert!(
        reasons
            .iter()
            .any(|r| r["zh"].as_str().unwrap().contains("一票否决")
                && r["en"].as_str().unwrap().contains("veto")),
        "the veto is summarised: {reasons:?}"
    );
    let yellow = &data[1];
    assert_eq!(yellow["scores"]["safety"], 20);
    assert_eq!(yellow["scores"]["total"], 80);
    let yellow_reasons = yellow["reasons"].as_array().unwrap();
    assert!(
        yellow_reasons
            .iter()
            .any(|r| r["en"].as_str().unwrap().starts_with("\u{2212}20")),
        "points lost are summarised: {yellow_reasons:?}"
    );
    assert!(
        !yellow_reasons
            .iter()
            .any(|r| r["en"].as_str().unwrap().starts_with("total ")),
        "rule notes without points are left out: {yellow_reasons:?}"
    );

    // Acknowledged pushes say when.
    sqlx::query("update push set acknowledged_at = now(), acknowledged_by = $2 where push_id = $1")
        .bind(s.push_x)
        .bind(app.fixture.dept_x_user)
        .execute(&app.db)
        .await
        .unwrap();
    let path = format!("/api/v1/pushes/{}", s.push_x);
    let push = ok(&mut client, &doc, "/api/v1/pushes/{id}", &path, &x).await;
    assert!(push["acknowledged_at"].is_string(), "{push}");
}

#[tokio::test]
async fn lists_paginate_and_filter() {
    let app = TestApp::new().await;
    let s = push_scene(&app).await;
    let doc = openapi(&app).await;
    let (_, y) = insert_token(&app, app.fixture.department_y).await;
    let mut client = app.client();
    let pushes = "/api/v1/pushes";

    let all = ok(&mut client, &doc, pushes, pushes, &y).await;
    assert_eq!(
        (all["page"].as_i64(), all["per_page"].as_i64()),
        (Some(1), Some(50))
    );
    assert_eq!(all["next"], Value::Null);

    let first = ok(&mut client, &doc, pushes, "/api/v1/pushes?per_page=1", &y).await;
    assert_eq!(ids(&first), vec![s.push_y_b]);
    assert_eq!(first["total"], 2);
    assert_eq!(first["per_page"], 1);
    let next = first["next"].as_str().expect("a next link").to_owned();
    assert_eq!(next, "/api/v1/pushes?page=2&per_page=1");
    let second = ok(&mut client, &doc, pushes, &next, &y).await;
    assert_eq!(ids(&second), vec![s.push_y_a]);
    assert_eq!(second["page"], 2);
    assert_eq!(second["next"], Value::Null);
    let past = ok(
        &mut client,
        &doc,
        pushes,
        "/api/v1/pushes?page=3&per_page=1",
        &y,
    )
    .await;
    assert!(ids(&past).is_empty());
    assert_eq!(past["total"], 2);

    let items = "/api/v1/pushes/{id}/enterprises";
    let base = format!("/api/v1/pushes/{}/enterprises", s.push_y_a);
    let levels = |body: &Value| -> Vec<String> {
        body["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["level"].as_str().unwrap().to_owned())
            .collect()
    };
    let page = ok(&mut client, &doc, items, &format!("{base}?per_page=2"), &y).await;
    assert_eq!(levels(&page), ["red", "yellow"]);
    assert_eq!(page["total"], 3);
    let next = page["next"].as_str().unwrap().to_owned();
    assert_eq!(next, format!("{base}?page=2&per_page=2"));
    let page = ok(&mut client, &doc, items, &next, &y).await;
    assert_eq!(levels(&page), ["green"]);
    assert_eq!(page["data"][0]["enterprise_id"], s.green);
    assert_eq!(page["next"], Value::Null);

    for level in ["red", "yellow", "green"] {
        let page = ok(
            &mut client,
            &doc,
            items,
            &format!("{base}?level={level}"),
            &y,
        )
        .await;
        assert_eq!(levels(&page), [level]);
        assert_eq!(page["total"], 1);
    }
    // The filter is kept in the next link.
    let base_b = format!("/api/v1/pushes/{}/enterprises", s.push_y_b);
    let page = ok(
        &mut client,
        &doc,
        items,
        &format!("{base_b}?level=green&per_page=1"),
        &y,
    )
    .await;
    assert_eq!(page["total"], 1);
    assert_eq!(page["next"], Value::Null);
    let page = ok(&mut client, &doc, items, &format!("{base_b}?level=red"), &y).await;
    assert_eq!(page["total"], 0);
    assert!(levels(&page).is_empty());
    let page = ok(
        &mut client,
        &doc,
        items,
        &format!("{base}?level=yellow&per_page=1&page=1"),
        &y,
    )
    .await;
    assert_eq!(page["next"], Value::Null);
    let page = ok(&mut client, &doc, items, &format!("{base}?per_page=1"), &y).await;
    assert_eq!(
        page["next"],
        format!("{base}?page=2&per_page=1"),
        "no level, none in the link"
    );

    // Bad values: 400 in JSON, naming the parameter.
    for (query, param) in [
        ("page=0", "page"),
        ("page=-1", "page"),
        ("page=x", "page"),
        ("page=", "page"),
        ("page=99999999999", "page"),
        ("per_page=0", "per_page"),
        ("per_page=201", "per_page"),
        ("per_page=1.5", "per_page"),
    ] {
        let body = fails(
            &mut client,
            &doc,
            pushes,
            &format!("/api/v1/pushes?{query}"),
            &y,
            StatusCode::BAD_REQUEST,
            "bad_request",
        )
        .await;
        assert!(
            body["error"]["message"].as_str().unwrap().contains(param),
            "{query}: {body}"
        );
        fails(
            &mut client,
            &doc,
            items,
            &format!("{base}?{query}"),
            &y,
            StatusCode::BAD_REQUEST,
            "bad_request",
        )
        .await;
    }
    for query in ["level=purple", "level=RED", "level="] {
        let body = fails(
            &mut client,
            &doc,
            items,
            &format!("{base}?{query}"),
            &y,
            StatusCode::BAD_REQUEST,
            "bad_request",
        )
        .await;
        assert!(body["error"]["message"].as_str().unwrap().contains("level"));
    }
    // The largest page size is accepted.
    ok(&mut client, &doc, pushes, "/api/v1/pushes?per_page=200", &y).await;
}

#[tokio::test]
async fn unknown_paths_and_other_methods_answer_in_json() {
    let app = TestApp::new().await;
    let doc = openapi(&app).await;
    let (_, x) = insert_token(&app, app.fixture.department_x).await;
    let mut client = app.client();
    let auth = format!("Bearer {x}");
    for path in [
        "/api/v1/nothing",
        "/api/v1",
        "/api/v1/",
        "/api/v1/pushes/1/nothing",
        "/api/v1/pushes/",
        "/api/v2/pushes",
        "/api",
    ] {
        for headers in [vec![], vec![("authorization", auth.as_str())]] {
            let resp = client.get_with(path, &headers).await;
            assert_eq!(resp.status, StatusCode::NOT_FOUND, "{path}");
            assert!(
                resp.header("content-type").starts_with("application/json"),
                "{path}"
            );
            let body: Value = serde_json::from_str(&resp.body).unwrap();
            assert_eq!(body["error"]["code"], "not_found");
            assert!(schema_errors(&doc, "Error", &body).is_empty());
        }
    }
    for (method, path, template) in [
        (Method::POST, "/api/v1/pushes", "/api/v1/pushes"),
        (Method::DELETE, "/api/v1/pushes/1", "/api/v1/pushes/{id}"),
        (
            Method::PUT,
            "/api/v1/pushes/1/enterprises",
            "/api/v1/pushes/{id}/enterprises",
        ),
        (Method::POST, "/api/v1/openapi.json", "/api/v1/openapi.json"),
    ] {
        let req = Request::builder()
            .method(method.clone())
            .uri(path)
            .header("authorization", &auth)
            .header("content-type", "application/json")
            .body(Body::from("{}"))
            .unwrap();
        let resp = client.send(req).await;
        assert_eq!(
            resp.status,
            StatusCode::METHOD_NOT_ALLOWED,
            "{method} {path}"
        );
        assert!(resp.header("allow").contains("GET"), "{method} {path}");
        // a 405 is documented as the default error
        let body = check_response(&doc, template, "get", &resp);
        assert_eq!(body["error"]["code"], "method_not_allowed");
    }
    // HEAD works like GET.
    let req = Request::builder()
        .method(Method::HEAD)
        .uri("/api/v1/pushes")
        .header("authorization", &auth)
        .body(Body::empty())
        .unwrap();
    assert_eq!(client.send(req).await.status, StatusCode::OK);
}

/// Walk every value of the document.
fn walk<'a>(v: &'a Value, at: String, out: &mut Vec<(String, &'a Value)>) {
    out.push((at.clone(), v));
    match v {
        Value::Object(map) => {
            for (k, sub) in map {
                walk(sub, format!("{at}/{k}"), out);
            }
        }
        Value::Array(list) => {
            for (i, sub) in list.iter().enumerate() {
                walk(sub, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

#[tokio::test]
async fn the_openapi_document_is_valid_and_served_without_a_token() {
    let app = TestApp::new().await;
    let doc = openapi(&app).await;
    assert_eq!(
        doc,
        serde_json::from_str::<Value>(sanse::pushes::api::OPENAPI).unwrap()
    );

    assert_eq!(doc["openapi"], "3.1.0");
    assert!(!doc["info"]["title"].as_str().unwrap().is_empty());
    assert!(!doc["info"]["version"].as_str().unwrap().is_empty());
    let schemes = doc["components"]["securitySchemes"].as_object().unwrap();
    assert_eq!(schemes["bearer"]["type"], "http");
    assert_eq!(schemes["bearer"]["scheme"], "bearer");
    assert_eq!(doc["security"], json!([{"bearer": []}]));

    // Every $ref resolves.
    let mut all = Vec::new();
    walk(&doc, String::new(), &mut all);
    let mut refs = 0;
    for (at, v) in &all {
        if let Some(r) = v.get("$ref") {
            let r = r.as_str().unwrap();
            assert!(
                r.starts_with("#/") && doc.pointer(&r[1..]).is_some(),
                "{at}: unresolved {r}"
            );
            refs += 1;
        }
    }
    assert!(refs > 20, "the document uses references ({refs})");

    // Every operation: unique id, documented parameters, responses with
    // descriptions and JSON schemas, known security schemes.
    let mut operation_ids = BTreeSet::new();
    let mut operations = 0;
    for section in ["paths", "webhooks"] {
        for (name, item) in doc[section].as_object().unwrap() {
            if section == "paths" {
                assert!(name.starts_with("/api/v1/"), "{name}");
            }
            for (method, op) in item.as_object().unwrap() {
                assert!(METHODS.contains(&method.as_str()), "{name}: {method}");
                operations += 1;
                let id = op["operationId"].as_str().unwrap();
                assert!(operation_ids.insert(id.to_owned()), "duplicate {id}");
                let responses = op["responses"].as_object().unwrap();
                assert!(!responses.is_empty(), "{method} {name}: no responses");
                for (status, response) in responses {
                    let response = resolve(&doc, response);
                    assert!(
                        response["description"].is_string(),
                        "{method} {name} {status}: no description"
                    );
                    if let Some(content) = response.get("content") {
                        assert!(content["application/json"]["schema"].is_object());
                    }
                }
                let params: Vec<&Value> = op
                    .get("parameters")
                    .and_then(Value::as_array)
                    .map(|p| p.iter().map(|p| resolve(&doc, p)).collect())
                    .unwrap_or_default();
                for p in &params {
                    assert!(
                        ["query", "path", "header", "cookie"].contains(&p["in"].as_str().unwrap())
                    );
                    assert!(p["schema"].is_object(), "{name}: parameter without schema");
                }
                // every {placeholder} of the path is a required path parameter
                for segment in name.split('/') {
                    if let Some(var) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                        assert!(
                            params.iter().any(|p| p["in"] == "path"
                                && p["name"] == var
                                && p["required"] == true),
                            "{name}: path parameter {var} not documented"
                        );
                    }
                }
                for p in params.iter().filter(|p| p["in"] == "path") {
                    assert!(name.contains(&format!("{{{}}}", p["name"].as_str().unwrap())));
                }
                if let Some(security) = op.get("security") {
                    for requirement in security.as_array().unwrap() {
                        for scheme in requirement.as_object().unwrap().keys() {
                            assert!(schemes.contains_key(scheme), "{name}: {scheme}");
                        }
                    }
                }
            }
        }
    }
    assert_eq!(operations, 5, "four API operations and the webhook");
    for (path, statuses) in [
        ("/api/v1/pushes", &["200", "400", "401"][..]),
        ("/api/v1/pushes/{id}", &["200", "401", "404"][..]),
        (
            "/api/v1/pushes/{id}/enterprises",
            &["200", "400", "401", "404"][..],
        ),
    ] {
        for status in statuses {
            assert!(
                doc["paths"][path]["get"]["responses"]
                    .get(*status)
                    .is_some(),
                "{path} {status}"
            );
        }
    }
    // The document itself needs no token.
    assert_eq!(
        doc["paths"]["/api/v1/openapi.json"]["get"]["security"],
        json!([])
    );

    // Objects are closed and list all their properties as required, so a
    // field added to or dropped from the API shows up as a mismatch.
    for (at, v) in &all {
        if let Some(props) = v.get("properties").and_then(Value::as_object)
            && at.contains("/schemas/")
        {
            assert_eq!(v["additionalProperties"], false, "{at}");
            let required: BTreeSet<&str> = v["required"]
                .as_array()
                .unwrap_or_else(|| panic!("{at}: no required"))
                .iter()
                .map(|r| r.as_str().unwrap())
                .collect();
            let names: BTreeSet<&str> = props.keys().map(String::as_str).collect();
            assert_eq!(required, names, "{at}");
        }
    }
    // Every schema uses only keywords the checker knows.
    fn known_keywords_only(schema: &Value, at: &str) {
        let map = schema
            .as_object()
            .unwrap_or_else(|| panic!("{at}: not a schema"));
        for (key, v) in map {
            assert!(KNOWN_KEYWORDS.contains(&key.as_str()), "{at}: {key}");
            match key.as_str() {
                "properties" => {
                    for (name, sub) in v.as_object().unwrap() {
                        known_keywords_only(sub, &format!("{at}.{name}"));
                    }
                }
                "items" => known_keywords_only(v, &format!("{at}[]")),
                _ => {}
            }
        }
    }
    for (name, schema) in doc["components"]["schemas"].as_object().unwrap() {
        known_keywords_only(schema, name);
    }
    for (at, v) in &all {
        if at.ends_with("/schema") {
            known_keywords_only(v, at);
        }
    }
}

#[tokio::test]
async fn the_schema_checker_catches_drift_both_ways() {
    let app = TestApp::new().await;
    let doc = openapi(&app).await;
    let push = json!({
        "id": 1, "quarter": "2026-Q3",
        "station": {"code": "a", "name": "甲", "name_en": "A"},
        "revision": 0, "reason": "", "created_at": "2026-10-01T08:00:00Z",
        "counts": {"green": 1, "yellow": 0, "red": 0},
        "changes": {"added": 1, "changed": 0, "removed": 0},
        "acknowledged_at": null
    });
    assert_eq!(schema_errors(&doc, "Push", &push), Vec::<String>::new());
    let mut extra = push.clone();
    extra["phone"] = json!("13800138000");
    assert!(
        !schema_errors(&doc, "Push", &extra).is_empty(),
        "an undocumented field"
    );
    let mut missing = push.clone();
    missing.as_object_mut().unwrap().remove("counts");
    assert!(
        !schema_errors(&doc, "Push", &missing).is_empty(),
        "a missing field"
    );
    let mut wrong = push.clone();
    wrong["revision"] = json!("0");
    assert!(
        !schema_errors(&doc, "Push", &wrong).is_empty(),
        "a wrong type"
    );
    let mut null = push.clone();
    null["created_at"] = Value::Null;
    assert!(
        !schema_errors(&doc, "Push", &null).is_empty(),
        "null where not allowed"
    );
    let mut bad_date = push.clone();
    bad_date["acknowledged_at"] = json!("yesterday");
    assert!(
        !schema_errors(&doc, "Push", &bad_date).is_empty(),
        "not a date-time"
    );
    let mut nested = push.clone();
    nested["station"]["extra"] = json!(1);
    assert!(
        !schema_errors(&doc, "Push", &nested).is_empty(),
        "nested drift"
    );
    let item = json!({
        "enterprise_id": 1, "name": "n", "credit_code": "91330108MA27XXXX1X", "address": "a",
        "industry": {"code": "other", "name": "其他", "name_en": "Other"},
        "level": "amber", "previous_level": null,
        "scores": {"safety": 1, "hazards": 1, "cases": 1, "total": 3},
        "reasons": [{"zh": "z"}]
    });
    let errors = schema_errors(&doc, "Enterprise", &item);
    assert_eq!(
        errors.len(),
        2,
        "a bad enum value and a reason without en: {errors:?}"
    );
}

/// A request that outlasts the server's limit is answered in JSON too (504,
/// `timeout`, with Retry-After), never with a page: here the token table is
/// locked by another transaction, so the token check waits.
#[tokio::test]
async fn a_request_that_takes_too_long_answers_in_json() {
    let config = sanse::config::Config {
        request_timeout: std::time::Duration::from_millis(300),
        ..Default::default()
    };
    let app = TestApp::with_config(config).await;
    let doc = openapi(&app).await;
    let (_, x) = insert_token(&app, app.fixture.department_x).await;
    let mut client = app.client();
    let mut blocker = app.db.begin().await.unwrap();
    sqlx::query("lock table api_token in access exclusive mode")
        .execute(&mut *blocker)
        .await
        .unwrap();
    let resp = get(&mut client, "/api/v1/pushes", &x).await;
    blocker.rollback().await.unwrap();
    assert_eq!(resp.status, StatusCode::GATEWAY_TIMEOUT, "{}", resp.body);
    assert_eq!(resp.header("retry-after"), "5");
    let body = check_response(&doc, "/api/v1/pushes", "get", &resp);
    assert_eq!(body["error"]["code"], "timeout", "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("超时"));
    // Once the lock is gone, the same request is answered.
    let resp = get(&mut client, "/api/v1/pushes", &x).await;
    assert_eq!(resp.status, StatusCode::OK, "after the lock: {}", resp.body);
}
