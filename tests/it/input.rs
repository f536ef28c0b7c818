//! Control characters and form tokens where they do not belong: a NUL in
//! any text field of every record form and in the login name is said next
//! to the field (422), and a form token reused for another kind of record
//! or by another station is never a 500.

use axum::http::StatusCode;
use sanse::i18n::Lang;
use scraper::{Html, Selector};

use crate::harness::{Client, TestApp, count_rows, insert_enterprise};

/// A text field's name, and whether it is free text.
type TextField = (String, bool);

/// The text fields (text inputs and text areas) of the form posting to
/// `action` on a page — each with whether it is free text (not a number or
/// a code with a format of its own) — and every field of it with its value
/// as shown.
fn form_fields(html: &str, action: &str) -> (Vec<TextField>, Vec<(String, String)>) {
    let doc = Html::parse_document(html);
    let form_sel = Selector::parse(&format!("form[action=\"{action}\"]")).unwrap();
    let form = doc
        .select(&form_sel)
        .next()
        .unwrap_or_else(|| panic!("no form posting to {action}"));
    let text_sel = Selector::parse("input[type=text], input:not([type]), textarea").unwrap();
    let texts = form
        .select(&text_sel)
        .filter_map(|e| {
            let v = e.value();
            let free = v.attr("inputmode").is_none() && v.attr("pattern").is_none();
            Some((v.attr("name")?.to_owned(), free))
        })
        .collect();
    let any = Selector::parse("input[name], textarea[name], select[name]").unwrap();
    let mut fields = Vec::new();
    for e in form.select(&any) {
        let name = e.value().attr("name").unwrap().to_owned();
        let kind = e.value().attr("type").unwrap_or("");
        if matches!(kind, "checkbox" | "radio") && e.value().attr("checked").is_none() {
            continue;
        }
        let value = match e.value().name() {
            "textarea" => e.text().collect(),
            "select" => {
                let option = Selector::parse("option[selected], option").unwrap();
                e.select(&option)
                    .next()
                    .and_then(|o| o.value().attr("value"))
                    .unwrap_or("")
                    .to_owned()
            }
            _ => e.value().attr("value").unwrap_or("").to_owned(),
        };
        fields.push((name, value));
    }
    (texts, fields)
}

/// The message shown next to `field`, if any (its `…-error` element, or
/// the error inside the field's wrapper).
fn message_near(html: &str, field: &str) -> String {
    let doc = Html::parse_document(html);
    let wrapper = Selector::parse(".has-error").unwrap();
    for f in doc.select(&wrapper) {
        let named = Selector::parse(&format!("[name=\"{field}\"]")).unwrap();
        if f.select(&named).next().is_some() {
            return f.text().collect::<String>();
        }
    }
    String::new()
}

async fn post_fields(
    client: &mut Client,
    action: &str,
    fields: &[(String, String)],
) -> crate::harness::Resp {
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    client.post(action, &pairs).await
}

#[tokio::test]
async fn a_nul_in_any_text_field_of_every_record_form_is_said_next_to_it() {
    let app = TestApp::new().await;
    let e = insert_enterprise(
        &app.db,
        app.fixture.station_a,
        "临江控制字符企业有限公司",
        Some(app.fixture.officer_a),
    )
    .await;
    let said = Lang::Zh.t().err_control_chars;
    let mut officer = app.login("officer.a").await;
    let forms = [
        (
            format!("/enterprises/{e}/visits/new"),
            format!("/enterprises/{e}/visits"),
            "visit",
        ),
        (
            format!("/enterprises/{e}/hazards/new"),
            format!("/enterprises/{e}/hazards"),
            "hazard",
        ),
        (
            format!("/enterprises/{e}/disputes/new"),
            format!("/enterprises/{e}/disputes"),
            "dispute",
        ),
        (
            format!("/enterprises/{e}/incidents/new"),
            format!("/enterprises/{e}/incidents"),
            "incident",
        ),
        (
            format!("/enterprises/{e}/demands/new"),
            format!("/enterprises/{e}/demands"),
            "demand",
        ),
        (
            "/trainings/new".to_owned(),
            "/trainings".to_owned(),
            "training",
        ),
        (
            "/enterprises/new".to_owned(),
            "/enterprises".to_owned(),
            "enterprise",
        ),
    ];
    let mut tried = 0;
    for (page, action, table) in &forms {
        let before = count_rows(&app.db, table).await;
        let resp = officer.get(page).await;
        assert_eq!(resp.status, StatusCode::OK, "{page}");
        let (texts, fields) = form_fields(&resp.body, action);
        assert!(!texts.is_empty(), "{page} has text fields");
        for (name, free) in &texts {
            let hostile: Vec<(String, String)> = fields
                .iter()
                .map(|(k, v)| {
                    let v = if k == name {
                        "甲\u{0}乙".to_owned()
                    } else if *table == "visit" && k == "kind" {
                        // an inspection, so that the checklist's notes count
                        "inspection".to_owned()
                    } else {
                        v.clone()
                    };
                    (k.clone(), v)
                })
                .collect();
            let answer = post_fields(&mut officer, action, &hostile).await;
            assert_eq!(
                answer.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{action} {name}: {}",
                answer.status
            );
            // Free text says what is wrong with it; a number or a code may
            // say what it should look like instead. Either way, next to it.
            let near = message_near(&answer.body, name);
            let told = if *free {
                near.contains(said)
            } else {
                !near.trim().is_empty()
            };
            assert!(told, "{action} {name}: {near:?}");
            tried += 1;
        }
        assert_eq!(
            count_rows(&app.db, table).await,
            before,
            "{table}: nothing saved"
        );
    }
    assert!(tried >= 20, "text fields tried: {tried}");

    // and the login name, before any account is looked up
    let mut anonymous = app.client();
    let resp = anonymous.login("officer\u{0}.a", "some-password").await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(message_near(&resp.body, "username").contains(said));
}

#[tokio::test]
async fn a_form_token_used_for_another_kind_or_by_another_station_is_not_a_500() {
    let app = TestApp::new().await;
    let f = app.fixture;
    let a = insert_enterprise(
        &app.db,
        f.station_a,
        "临江令牌企业有限公司",
        Some(f.officer_a),
    )
    .await;
    let b = insert_enterprise(
        &app.db,
        f.station_b,
        "乙站令牌企业有限公司",
        Some(f.officer_b),
    )
    .await;
    let mut officer_a = app.login("officer.a").await;
    let token = officer_a
        .get(&format!("/enterprises/{a}/incidents/new"))
        .await
        .input_value("form_token")
        .unwrap();
    let incident = |summary: &'static str| {
        vec![
            ("occurred_on", "2026-03-04"),
            ("category", "theft"),
            ("severity", "minor"),
            ("summary", summary),
        ]
    };
    let mut fields = incident("以令牌登记的警情");
    fields.push(("form_token", &token));
    let first = officer_a
        .post(&format!("/enterprises/{a}/incidents"), &fields)
        .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);

    // the same token for a hazard: another form, saved as one
    let hazard = [
        ("found_on", "2026-03-04"),
        ("deadline", "2026-03-20"),
        ("severity", "general"),
        ("description", "同一令牌的隐患"),
        ("form_token", token.as_str()),
    ];
    let resp = officer_a
        .post(&format!("/enterprises/{a}/hazards"), &hazard)
        .await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER, "{}", resp.body);
    assert_eq!(count_rows(&app.db, "hazard").await, 1);

    // the same token by another station's officer, for their own enterprise
    let mut officer_b = app.login("officer.b").await;
    officer_b
        .get(&format!("/enterprises/{b}/incidents/new"))
        .await;
    let mut fields = incident("乙站用了同一令牌");
    fields.push(("form_token", &token));
    let resp = officer_b
        .post(&format!("/enterprises/{b}/incidents"), &fields)
        .await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER, "{}", resp.body);
    assert_ne!(resp.location(), first.location(), "not station A's record");
    assert_eq!(count_rows(&app.db, "incident").await, 2);

    // and again by station A for an incident: the first one, not a third
    let mut fields = incident("以令牌登记的警情");
    fields.push(("form_token", &token));
    let again = officer_a
        .post(&format!("/enterprises/{a}/incidents"), &fields)
        .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    assert_eq!(again.location(), first.location());
    assert_eq!(count_rows(&app.db, "incident").await, 2);
}
