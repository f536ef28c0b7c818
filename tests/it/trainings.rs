//! Trainings: create/list/view/edit with several enterprises attending,
//! validation (another station's enterprise is a field error), the name
//! filter of the picker, double submits, conflicts, deletion, station scoping.

use axum::http::StatusCode;
use sanse::i18n::Lang;

use crate::harness::{Client, TestApp, count_rows, insert_enterprise, wait_for_lock_waiters};

struct Setup {
    app: TestApp,
    /// Two active enterprises of station A.
    a1: i64,
    a2: i64,
    /// A closed one of station A.
    a_closed: i64,
    /// One of station B.
    b: i64,
}

async fn setup() -> Setup {
    let app = TestApp::new().await;
    let a1 = insert_enterprise(&app.db, app.fixture.station_a, "甲站机械制造厂", None).await;
    let a2 = insert_enterprise(&app.db, app.fixture.station_a, "甲站物流有限公司", None).await;
    let a_closed =
        insert_enterprise(&app.db, app.fixture.station_a, "甲站已关闭印刷厂", None).await;
    sqlx::query("update enterprise set status = 'closed' where enterprise_id = $1")
        .bind(a_closed)
        .execute(&app.db)
        .await
        .unwrap();
    let b = insert_enterprise(&app.db, app.fixture.station_b, "乙站化工有限公司", None).await;
    Setup {
        app,
        a1,
        a2,
        a_closed,
        b,
    }
}

async fn token(client: &mut Client) -> String {
    let form = client.get("/trainings/new").await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    form.input_value("form_token").unwrap()
}

/// Post a new training; returns the response.
async fn post_new(
    client: &mut Client,
    topic: &str,
    enterprises: &[&str],
    count: &str,
) -> crate::harness::Resp {
    let token = token(client).await;
    let mut fields = vec![
        ("held_on", "2026-03-04"),
        ("kind", "drill"),
        ("topic", topic),
        ("attendee_count", count),
        ("form_token", token.as_str()),
    ];
    for e in enterprises {
        fields.push(("enterprise_id", e));
    }
    client.post("/trainings", &fields).await
}

async fn create(client: &mut Client, topic: &str, enterprises: &[&str]) -> String {
    let resp = post_new(client, topic, enterprises, "45").await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER, "{}", resp.body);
    resp.location().to_owned()
}

async fn attendees(app: &TestApp, url: &str) -> Vec<i64> {
    let id: i64 = url.rsplit('/').next().unwrap().parse().unwrap();
    sqlx::query_scalar(
        "select enterprise_id from training_enterprise where training_id = $1 order by 1",
    )
    .bind(id)
    .fetch_all(&app.db)
    .await
    .unwrap()
}

#[tokio::test]
async fn an_officer_records_views_lists_and_edits_a_training() {
    let s = setup().await;
    let app = &s.app;
    let mut officer = app.login("officer.a").await;
    let form = officer.get("/trainings/new").await;
    assert!(form.body.contains("登记培训演练"));
    assert!(form.body.contains("甲站机械制造厂") && form.body.contains("甲站物流有限公司"));
    assert!(
        !form.body.contains("甲站已关闭印刷厂"),
        "closed enterprises are not offered"
    );
    assert!(
        !form.body.contains("乙站化工有限公司"),
        "nor another station's"
    );

    // from an enterprise's page: that enterprise is preselected
    let from = officer
        .get(&format!("/enterprises/{}/trainings/new", s.a2))
        .await;
    assert_eq!(from.status, StatusCode::SEE_OTHER);
    assert_eq!(
        from.location(),
        format!("/trainings/new?enterprise_id={}", s.a2)
    );
    let form = officer.get(from.location()).await;
    assert!(form.body.contains(&format!(
        "name=\"enterprise_id\" type=\"checkbox\" value=\"{}\" checked",
        s.a2
    )));
    assert!(!form.body.contains(&format!(
        "name=\"enterprise_id\" type=\"checkbox\" value=\"{}\" checked",
        s.a1
    )));

    let (a1, a2) = (s.a1.to_string(), s.a2.to_string());
    let url = create(&mut officer, "安全生产法宣讲暨消防疏散演练", &[&a1, &a2]).await;
    assert_eq!(attendees(app, &url).await, [s.a1, s.a2]);
    let page = officer.get(&url).await;
    assert!(page.body.contains("安全生产法宣讲暨消防疏散演练"));
    assert!(page.body.contains("应急演练"));
    assert!(page.body.contains("已保存"));
    assert!(
        page.body
            .contains(&format!("href=\"/enterprises/{}\">甲站机械制造厂", s.a1))
    );
    assert!(
        page.body
            .contains(&format!("href=\"/enterprises/{}\">甲站物流有限公司", s.a2))
    );

    let list = officer.get("/trainings").await;
    assert!(list.body.contains("安全生产法宣讲暨消防疏散演练"));
    assert!(list.body.contains("甲站物流有限公司"));
    for (query, shown) in [
        ("kind=legal", false),
        ("kind=drill", true),
        ("year=2025", false),
        ("year=2026", true),
        ("year=junk", true),
    ] {
        let filtered = officer.get(&format!("/trainings?{query}")).await;
        assert_eq!(filtered.status, StatusCode::OK);
        assert_eq!(
            filtered.body.contains("安全生产法宣讲暨消防疏散演练"),
            shown,
            "{query}"
        );
    }

    // edit: another topic and count, one enterprise fewer
    let edit = officer.get(&format!("{url}/edit")).await;
    assert_eq!(edit.input_value("version").unwrap(), "1");
    assert!(edit.body.contains(&format!(
        "name=\"enterprise_id\" type=\"checkbox\" value=\"{}\" checked",
        s.a1
    )));
    let saved = officer
        .post(
            &format!("{url}/edit"),
            &[
                ("held_on", "2026-03-05"),
                ("kind", "safety"),
                ("topic", "危险化学品安全培训"),
                ("attendee_count", "30"),
                ("enterprise_id", &a1),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(attendees(app, &url).await, [s.a1]);
    let page = officer.get(&url).await;
    assert!(page.body.contains("危险化学品安全培训") && page.body.contains("安全培训"));
    assert!(!page.body.contains("甲站物流有限公司"));

    // the timeline of each enterprise
    let station = app.fixture.station_a;
    let t1 = sanse::trainings::timeline(
        &app.db,
        crate::harness::scope(station),
        sanse::ids::EnterpriseId(s.a1),
        Lang::Zh,
    )
    .await
    .unwrap();
    assert_eq!(t1.len(), 1);
    assert_eq!(t1[0].label, "培训演练 · 安全培训");
    assert_eq!(t1[0].href, url);
    assert!(
        sanse::trainings::timeline(
            &app.db,
            crate::harness::scope(station),
            sanse::ids::EnterpriseId(s.a2),
            Lang::Zh
        )
        .await
        .unwrap()
        .is_empty()
    );
    assert!(
        sanse::trainings::timeline(
            &app.db,
            crate::harness::scope(app.fixture.station_b),
            sanse::ids::EnterpriseId(s.a1),
            Lang::Zh
        )
        .await
        .unwrap()
        .is_empty(),
        "scoped to the station"
    );

    // English
    officer.post("/lang", &[("lang", "en")]).await;
    let page = officer.get(&url).await;
    assert!(page.body.contains("Safety training") && page.body.contains("Number of attendees"));
    let form = officer.get("/trainings/new").await;
    assert!(
        form.body.contains("Enterprises attending")
            && form.body.contains("Find enterprises by name")
    );

    let audit: Vec<(String, String)> = sqlx::query_as(
        "select action, summary from audit_event where entity = 'training' order by audit_event_id",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(audit[0].0, "training.create");
    assert_eq!(audit[1].0, "training.update");
    assert!(
        audit[1]
            .1
            .contains(&format!("enterprises: #{},#{} → #{}", s.a1, s.a2, s.a1)),
        "{}",
        audit[1].1
    );
    assert!(
        audit[1].1.contains("attendee_count: 45 → 30"),
        "{}",
        audit[1].1
    );
}

#[tokio::test]
async fn the_picker_filters_by_name_and_keeps_the_preselected() {
    let s = setup().await;
    let mut officer = s.app.login("officer.a").await;
    let form = officer.get("/trainings/new?q=物流").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("甲站物流有限公司"));
    assert!(!form.body.contains("甲站机械制造厂"));
    assert_eq!(form.input_value("q").unwrap(), "物流");
    let form = officer
        .get(&format!("/trainings/new?q=物流&enterprise_id={}", s.a1))
        .await;
    assert!(form.body.contains("甲站机械制造厂"), "a ticked one stays");
    assert!(form.body.contains(&format!(
        "name=\"enterprise_id\" type=\"checkbox\" value=\"{}\" checked",
        s.a1
    )));
    let none = officer.get("/trainings/new?q=不存在的名字").await;
    assert!(none.body.contains("没有名称相符的企业"));
}

#[tokio::test]
async fn bad_input_is_shown_next_to_the_field_and_kept() {
    let s = setup().await;
    let app = &s.app;
    let mut officer = app.login("officer.a").await;
    let token = token(&mut officer).await;
    let resp = officer
        .post(
            "/trainings",
            &[
                ("held_on", "2025-02-30"),
                ("kind", "party"),
                ("topic", "<i>保留我输入的主题</i>"),
                ("attendee_count", "100001"),
                ("form_token", &token),
            ],
        )
        .await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        resp.text_of_id("held_on-error")
            .unwrap()
            .contains("YYYY-MM-DD")
    );
    assert_eq!(resp.text_of_id("kind-error").unwrap(), "请从列表中选择。");
    assert!(
        resp.text_of_id("attendee_count-error")
            .unwrap()
            .contains("100000")
    );
    assert_eq!(
        resp.text_of_id("enterprise_ids-error").unwrap(),
        "请至少选择一家参加企业。"
    );
    assert!(
        resp.body
            .contains("&#60;i&#62;保留我输入的主题&#60;/i&#62;")
    );
    assert!(resp.body.contains("value=\"100001\""));

    let a1 = s.a1.to_string();
    let resp = officer
        .post(
            "/trainings",
            &[
                ("held_on", "2099-01-01"),
                ("kind", "legal"),
                ("topic", " "),
                ("attendee_count", "-1"),
                ("enterprise_id", &a1),
                ("form_token", &token),
            ],
        )
        .await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        resp.text_of_id("held_on-error")
            .unwrap()
            .contains("不能晚于今天")
    );
    assert_eq!(resp.text_of_id("topic-error").unwrap(), "此项为必填项。");
    assert!(resp.text_of_id("attendee_count-error").is_some());
    assert!(resp.text_of_id("enterprise_ids-error").is_none());
    assert!(
        resp.body.contains(&format!(
            "name=\"enterprise_id\" type=\"checkbox\" value=\"{}\" checked",
            s.a1
        )),
        "the ticked enterprise is kept"
    );
    let resp = post_new(&mut officer, "人数不是数字", &[&a1], "abc").await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(resp.text_of_id("attendee_count-error").is_some());
    // zero attendees is allowed (e.g. a drill recorded without a head count)
    let resp = post_new(&mut officer, "零人数", &[&a1], "0").await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER, "{}", resp.body);
    assert_eq!(count_rows(&app.db, "training").await, 1);
}

#[tokio::test]
async fn another_stations_or_a_closed_enterprise_is_refused_not_dropped() {
    let s = setup().await;
    let app = &s.app;
    let mut officer = app.login("officer.a").await;
    let (a1, b, closed) = (s.a1.to_string(), s.b.to_string(), s.a_closed.to_string());
    for ids in [
        vec![a1.as_str(), b.as_str()],
        vec![b.as_str()],
        vec![a1.as_str(), "abc"],
        vec![closed.as_str()],
    ] {
        let resp = post_new(&mut officer, "跨所企业", &ids, "10").await;
        assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY, "{ids:?}");
        assert!(
            resp.text_of_id("enterprise_ids-error")
                .unwrap()
                .contains("不属于本所"),
            "{ids:?}"
        );
        assert!(
            !resp.body.contains("乙站化工有限公司"),
            "no foreign name leaks"
        );
    }
    assert_eq!(count_rows(&app.db, "training").await, 0);
    assert_eq!(count_rows(&app.db, "training_enterprise").await, 0);

    // the same on edit
    let url = create(&mut officer, "本所培训", &[&a1]).await;
    let resp = officer
        .post(
            &format!("{url}/edit"),
            &[
                ("held_on", "2026-03-04"),
                ("kind", "drill"),
                ("topic", "本所培训"),
                ("attendee_count", "45"),
                ("enterprise_id", &a1),
                ("enterprise_id", &b),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(resp.text_of_id("enterprise_ids-error").is_some());
    assert_eq!(attendees(app, &url).await, [s.a1]);

    // an enterprise closed after the training stays choosable on its edit form
    sqlx::query("update enterprise set status = 'closed' where enterprise_id = $1")
        .bind(s.a1)
        .execute(&app.db)
        .await
        .unwrap();
    let edit = officer.get(&format!("{url}/edit")).await;
    assert!(edit.body.contains("甲站机械制造厂"));
    let resp = officer
        .post(
            &format!("{url}/edit"),
            &[
                ("held_on", "2026-03-04"),
                ("kind", "drill"),
                ("topic", "本所培训（更正）"),
                ("attendee_count", "45"),
                ("enterprise_id", &a1),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER, "{}", resp.body);
}

#[tokio::test]
async fn a_double_submit_creates_one_training() {
    let s = setup().await;
    let mut officer = s.app.login("officer.a").await;
    let token = token(&mut officer).await;
    let a1 = s.a1.to_string();
    let fields = [
        ("held_on", "2026-03-04"),
        ("kind", "legal"),
        ("topic", "同一张表单提交两次"),
        ("attendee_count", "12"),
        ("enterprise_id", a1.as_str()),
        ("form_token", token.as_str()),
    ];
    let first = officer.post("/trainings", &fields).await;
    let second = officer.post("/trainings", &fields).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    assert_eq!(second.status, StatusCode::SEE_OTHER);
    assert_eq!(first.location(), second.location());
    assert_eq!(count_rows(&s.app.db, "training").await, 1);
    assert_eq!(count_rows(&s.app.db, "training_enterprise").await, 1);
}

#[tokio::test]
async fn a_stale_edit_does_not_overwrite_and_keeps_what_was_typed() {
    let s = setup().await;
    let app = &s.app;
    let mut first = app.login("officer.a").await;
    let mut second = app.login("chief.a").await;
    let (a1, a2) = (s.a1.to_string(), s.a2.to_string());
    let url = create(&mut first, "原始主题", &[&a1]).await;
    let edit = |topic: &'static str, ent: String| {
        vec![
            ("held_on".to_owned(), "2026-03-04".to_owned()),
            ("kind".to_owned(), "drill".to_owned()),
            ("topic".to_owned(), topic.to_owned()),
            ("attendee_count".to_owned(), "45".to_owned()),
            ("enterprise_id".to_owned(), ent),
            ("version".to_owned(), "1".to_owned()),
        ]
    };
    let chief_fields = edit("所长先保存的主题", a2.clone());
    let chief_fields: Vec<(&str, &str)> = chief_fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let ok = second.post(&format!("{url}/edit"), &chief_fields).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let officer_fields = edit("民警后保存的主题", a1.clone());
    let officer_fields: Vec<(&str, &str)> = officer_fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let stale = first.post(&format!("{url}/edit"), &officer_fields).await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(
        stale
            .text_of_id("form-error")
            .unwrap()
            .contains("已被他人修改")
    );
    assert!(stale.body.contains("value=\"民警后保存的主题\""));
    assert!(stale.body.contains("当前保存的值: 所长先保存的主题"));
    assert!(stale.body.contains("当前保存的值: 甲站物流有限公司"));
    assert_eq!(stale.input_value("version").unwrap(), "2");
    assert_eq!(attendees(app, &url).await, [s.a2], "the first save stands");
}

#[tokio::test]
async fn only_chiefs_delete_and_the_deletion_is_audited() {
    let s = setup().await;
    let app = &s.app;
    let mut officer = app.login("officer.a").await;
    let a1 = s.a1.to_string();
    let url = create(&mut officer, "将被删除的培训", &[&a1]).await;
    assert!(!officer.get(&url).await.body.contains("确认删除"));
    let refused = officer.post(&format!("{url}/delete"), &[]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let mut chief = app.login("chief.a").await;
    assert!(chief.get(&url).await.body.contains("确认删除"));
    let done = chief.post(&format!("{url}/delete"), &[]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(chief.get(&url).await.status, StatusCode::NOT_FOUND);
    assert!(
        !chief
            .get("/trainings")
            .await
            .body
            .contains("将被删除的培训")
    );
    assert!(
        sanse::trainings::timeline(
            &app.db,
            crate::harness::scope(app.fixture.station_a),
            sanse::ids::EnterpriseId(s.a1),
            Lang::Zh
        )
        .await
        .unwrap()
        .is_empty()
    );
    let kept: i64 =
        sqlx::query_scalar("select count(*) from training where deleted_at is not null")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(kept, 1, "soft delete");
    let audit: String =
        sqlx::query_scalar("select summary from audit_event where action = 'training.delete'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert!(
        audit.contains("将被删除的培训") && audit.contains("甲站机械制造厂"),
        "{audit}"
    );
}

#[tokio::test]
async fn another_stations_trainings_are_not_found_and_not_changed() {
    let s = setup().await;
    let app = &s.app;
    let mut officer_b = app.login("officer.b").await;
    let b = s.b.to_string();
    let url_b = create(&mut officer_b, "乙站的培训", &[&b]).await;

    let mut officer_a = app.login("officer.a").await;
    for path in [
        url_b.clone(),
        format!("{url_b}/edit"),
        format!("/enterprises/{}/trainings/new", s.b),
        format!("/trainings/new?enterprise_id={}", s.b),
    ] {
        assert_eq!(
            officer_a.get(&path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let a1 = s.a1.to_string();
    let resp = officer_a
        .post(
            &format!("{url_b}/edit"),
            &[
                ("held_on", "2026-03-04"),
                ("kind", "legal"),
                ("topic", "篡改"),
                ("attendee_count", "1"),
                ("enterprise_id", &a1),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(resp.status, StatusCode::NOT_FOUND, "{}", resp.body);
    let mut chief_a = app.login("chief.a").await;
    assert_eq!(
        chief_a.post(&format!("{url_b}/delete"), &[]).await.status,
        StatusCode::NOT_FOUND
    );
    assert!(
        !officer_a
            .get("/trainings")
            .await
            .body
            .contains("乙站的培训")
    );

    let topics: Vec<String> =
        sqlx::query_scalar("select topic from training where deleted_at is null")
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert_eq!(topics, ["乙站的培训"]);
    assert_eq!(attendees(app, &url_b).await, [s.b]);

    // departments have no business here
    let mut dept = app.login("dept.x").await;
    for path in ["/trainings", "/trainings/new", url_b.as_str()] {
        assert_eq!(dept.get(path).await.status, StatusCode::FORBIDDEN, "{path}");
    }
    assert_eq!(
        dept.get(&format!("/enterprises/{}/trainings/new", s.b))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let resp = dept
        .post(
            "/trainings",
            &[
                ("held_on", "2026-03-04"),
                ("kind", "legal"),
                ("topic", "部门不能登记"),
                ("attendee_count", "1"),
                ("enterprise_id", &b),
            ],
        )
        .await;
    assert_eq!(resp.status, StatusCode::FORBIDDEN);
    assert_eq!(count_rows(&app.db, "training").await, 1);
}

/// Inserts a training straight into the database, attended by `enterprises`.
async fn training_on(app: &TestApp, station: i64, held: &str, enterprises: &[i64], topic: &str) {
    let created_by = if station == app.fixture.station_a {
        app.fixture.officer_a
    } else {
        app.fixture.officer_b
    };
    let id: i64 = sqlx::query_scalar(
        "insert into training (station_id, held_on, kind, topic, attendee_count, created_by)
         values ($1, $2::date, 'safety', $3, 20, $4) returning training_id",
    )
    .bind(station)
    .bind(held)
    .bind(topic)
    .bind(created_by)
    .fetch_one(&app.db)
    .await
    .unwrap();
    sqlx::query(
        "insert into training_enterprise (training_id, enterprise_id) select $1, unnest($2::bigint[])",
    )
    .bind(id)
    .bind(enterprises)
    .execute(&app.db)
    .await
    .unwrap();
}

#[tokio::test]
async fn the_list_filters_by_an_attending_enterprise_and_an_inclusive_date_range() {
    let s = setup().await;
    let app = &s.app;
    let (a, b) = (app.fixture.station_a, app.fixture.station_b);
    training_on(app, a, "2026-10-01", &[s.a1, s.a2], "十月首日法制培训").await;
    training_on(app, a, "2026-10-31", &[s.a2], "十月末安全培训").await;
    training_on(app, a, "2026-09-30", &[s.a1], "九月末应急演练").await;
    training_on(app, a, "2026-11-01", &[s.a1], "十一月首日培训").await;
    training_on(app, a, "2026-10-15", &[s.a_closed], "关闭企业十月培训").await;
    training_on(app, b, "2026-10-15", &[s.b], "外站十月培训").await;
    let mut officer = app.login("officer.a").await;
    let all = [
        "十月首日法制培训",
        "十月末安全培训",
        "九月末应急演练",
        "十一月首日培训",
        "关闭企业十月培训",
        "外站十月培训",
    ];
    let shows_exactly = |body: &str, shown: &[&str]| {
        for t in all {
            assert_eq!(body.contains(t), shown.contains(&t), "{t} in {shown:?}");
        }
    };
    let oct = "from=2026-10-01&to=2026-10-31";

    let page = officer
        .get(&format!("/trainings?enterprise={}&{oct}", s.a1))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    shows_exactly(&page.body, &["十月首日法制培训"]);
    assert_eq!(
        page.text_of_id("enterprise-filter").unwrap(),
        "企业：甲站机械制造厂 ✕"
    );
    assert_eq!(page.input_value("enterprise").unwrap(), s.a1.to_string());
    assert!(
        page.body
            .contains("href=\"/trainings?from=2026-10-01&#38;to=2026-10-31\""),
        "{}",
        page.body
    );
    let page = officer
        .get(&format!("/trainings?enterprise={}&{oct}", s.a2))
        .await;
    shows_exactly(&page.body, &["十月首日法制培训", "十月末安全培训"]);
    assert!(page.body.contains("共 2 条"));
    // A closed enterprise's trainings are still its own.
    let page = officer
        .get(&format!("/trainings?enterprise={}&{oct}", s.a_closed))
        .await;
    shows_exactly(&page.body, &["关闭企业十月培训"]);
    assert_eq!(
        page.text_of_id("enterprise-filter").unwrap(),
        "企业：甲站已关闭印刷厂 ✕"
    );
    // The station's trainings of the month; other filters still apply.
    let page = officer.get(&format!("/trainings?{oct}")).await;
    shows_exactly(
        &page.body,
        &["十月首日法制培训", "十月末安全培训", "关闭企业十月培训"],
    );
    let page = officer
        .get(&format!(
            "/trainings?enterprise={}&year=2026&kind=legal",
            s.a1
        ))
        .await;
    shows_exactly(&page.body, &[]);

    // Another station's enterprise: nothing, and not its name.
    let page = officer.get(&format!("/trainings?enterprise={}", s.b)).await;
    assert_eq!(page.status, StatusCode::OK);
    shows_exactly(&page.body, &[]);
    assert!(!page.body.contains("乙站化工有限公司"));

    // Malformed values filter nothing; `from` after `to` keeps nothing.
    let page = officer
        .get(&format!(
            "/trainings?enterprise={}&from=2025-02-30&to=soon",
            s.a1
        ))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    shows_exactly(
        &page.body,
        &["十月首日法制培训", "九月末应急演练", "十一月首日培训"],
    );
    assert!(page.body.contains("id=\"from-error\""));
    let page = officer
        .get("/trainings?enterprise=-3&from=2026-10-01")
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text_of_id("enterprise-filter").is_none());
    shows_exactly(
        &page.body,
        &[
            "十月首日法制培训",
            "十月末安全培训",
            "十一月首日培训",
            "关闭企业十月培训",
        ],
    );
    let page = officer
        .get("/trainings?from=2026-10-31&to=2026-10-01")
        .await;
    shows_exactly(&page.body, &[]);

    officer.post("/lang", &[("lang", "en")]).await;
    let page = officer
        .get(&format!("/trainings?enterprise={}", s.a1))
        .await;
    assert_eq!(
        page.text_of_id("enterprise-filter").unwrap(),
        "Enterprise: 甲站机械制造厂 ✕"
    );
}

/// An enterprise removed between the form's check and its save (here: while
/// the save waits for the row) is said on the form, with what was typed,
/// and nothing of the training is kept.
#[tokio::test]
async fn an_enterprise_removed_while_saving_is_said_not_a_500() {
    let s = setup().await;
    let mut officer = s.app.login("officer.a").await;
    let token = token(&mut officer).await;
    let (a1, a2) = (s.a1.to_string(), s.a2.to_string());
    let fields = [
        ("held_on", "2026-03-04"),
        ("kind", "safety"),
        ("topic", "删除企业时的培训"),
        ("attendee_count", "30"),
        ("enterprise_id", a1.as_str()),
        ("enterprise_id", a2.as_str()),
        ("form_token", token.as_str()),
    ];
    let mut chief = s.app.db.begin().await.unwrap();
    sqlx::query("select 1 from enterprise where enterprise_id = $1 for update")
        .bind(s.a2)
        .execute(&mut *chief)
        .await
        .unwrap();
    let db = s.app.db.clone();
    let remove = async move {
        // Once the save waits for the row, remove the enterprise under it.
        wait_for_lock_waiters(&db, 1).await;
        sqlx::query("update enterprise set deleted_at = now() where enterprise_id = $1")
            .bind(s.a2)
            .execute(&mut *chief)
            .await
            .unwrap();
        chief.commit().await.unwrap();
    };
    let (resp, ()) = tokio::join!(officer.post("/trainings", &fields), remove);
    assert_eq!(resp.status, StatusCode::CONFLICT, "{}", resp.body);
    assert!(
        resp.body
            .contains(sanse::trainings::text(Lang::Zh).err_foreign_enterprise),
        "{}",
        resp.body
    );
    assert_eq!(
        resp.input_value("topic").as_deref(),
        Some("删除企业时的培训")
    );
    assert_eq!(count_rows(&s.app.db, "training").await, 0);
    assert_eq!(count_rows(&s.app.db, "training_enterprise").await, 0);
}
