//! Pushes to partner departments: routing by subscription, the outbox
//! committing with the publication, the department's dashboard, live
//! updates across instances, acknowledgement and coordinated actions.

use std::time::Duration;

use axum::http::StatusCode;

use crate::harness::{
    PUSH_QUARTER, TestApp, count_rows, insert_enterprise, inspect, push_scene, stream_shows,
};

async fn items_of(app: &TestApp, push_id: i64) -> Vec<(i64, String)> {
    sqlx::query_as("select enterprise_id, level::text from push_item where push_id = $1 order by enterprise_id")
        .bind(push_id)
        .fetch_all(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn subscriptions_route_the_right_enterprises_to_the_right_departments() {
    let app = TestApp::new().await;
    let s = push_scene(&app).await;
    let (x, y) = (app.fixture.department_x, app.fixture.department_y);

    assert_eq!(
        items_of(&app, s.push_x).await,
        vec![(s.yellow, "yellow".to_owned()), (s.red, "red".to_owned())],
        "X: red and yellow of station A"
    );
    assert_eq!(
        items_of(&app, s.push_y_a).await,
        vec![
            (s.green, "green".to_owned()),
            (s.yellow, "yellow".to_owned()),
            (s.red, "red".to_owned())
        ],
        "Y: every level"
    );
    assert_eq!(
        items_of(&app, s.push_y_b).await,
        vec![(s.green_b, "green".to_owned())],
        "Y: every station"
    );
    // X subscribes to station A only: nothing of station B
    let x_pushes: Vec<i64> =
        sqlx::query_scalar("select station_id from push where department_id = $1")
            .bind(x)
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert_eq!(x_pushes, vec![app.fixture.station_a]);
    let counts: (i32, i32, i32, i32, i32, i32) = sqlx::query_as(
        "select green, yellow, red, added, changed, removed from push where push_id = $1",
    )
    .bind(s.push_y_a)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(counts, (1, 1, 1, 3, 0, 0));
    // the data-minimised copy: no phone numbers or people
    let row: (String, String, String) = sqlx::query_as(
        "select name, credit_code, address from push_item where push_id = $1 and enterprise_id = $2",
    )
    .bind(s.push_x)
    .bind(s.red)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(row.0, "临江隐患企业有限公司");
    let columns: Vec<String> = sqlx::query_scalar(
        "select column_name::text from information_schema.columns where table_name = 'push_item'",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    for private in [
        "security_phone",
        "legal_rep",
        "security_manager",
        "narrative",
    ] {
        assert!(!columns.iter().any(|c| c == private), "{private}");
    }
    assert_eq!(count_rows(&app.db, "push").await, 3);
    assert_eq!(
        count_rows(&app.db, "webhook_delivery").await,
        0,
        "no webhooks set"
    );
    let audited: i64 =
        sqlx::query_scalar("select count(*) from audit_event where action = 'push.create'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(audited, 3);
    let _ = y;
}

#[tokio::test]
async fn a_department_sees_only_its_own_pushes() {
    let app = TestApp::new().await;
    let s = push_scene(&app).await;
    let mut x = app.login("dept.x").await;
    let home = x.get("/department").await;
    assert_eq!(home.status, StatusCode::OK);
    assert_eq!(home.text_of_id("count-red").unwrap(), "1");
    assert_eq!(home.text_of_id("count-yellow").unwrap(), "1");
    assert_eq!(home.text_of_id("count-green").unwrap(), "0");
    let items = home.text_of_id("push-items").unwrap();
    assert!(items.contains("临江隐患企业有限公司") && items.contains("临江一般企业有限公司"));
    assert!(!items.contains("临江满分企业有限公司"), "green is not X's");
    assert!(home.text_of_id("push-meta").unwrap().contains("首次发布"));

    // search and filters
    let red = x.get("/department?level=red").await;
    let items = red.text_of_id("push-items").unwrap();
    assert!(items.contains("隐患") && !items.contains("一般"));
    let search = x.get("/department?q=%E4%B8%80%E8%88%AC").await; // 一般
    let items = search.text_of_id("push-items").unwrap();
    assert!(items.contains("一般") && !items.contains("隐患"));

    // CSV of X's push: its two enterprises, the filter kept
    let csv = x
        .get(&format!("/department/pushes/{}/export.csv", s.push_x))
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.header("content-type").starts_with("text/csv"));
    assert_eq!(csv.body.lines().count(), 3, "{}", csv.body);
    assert!(
        csv.body.contains("临江隐患企业有限公司") && csv.body.contains("重大隐患"),
        "{}",
        csv.body
    );
    let csv_red = x
        .get(&format!(
            "/department/pushes/{}/export.csv?level=red",
            s.push_x
        ))
        .await;
    assert_eq!(csv_red.body.lines().count(), 2);

    // Y's pushes are not found by X: page, CSV, enterprise, acknowledge, action
    for push in [s.push_y_a, s.push_y_b] {
        for path in [
            format!("/department/pushes/{push}"),
            format!("/department/pushes/{push}/export.csv"),
            format!("/department/pushes/{push}/enterprises/{}", s.red),
        ] {
            assert_eq!(x.get(&path).await.status, StatusCode::NOT_FOUND, "{path}");
        }
        let ack = x
            .post(&format!("/department/pushes/{push}/acknowledge"), &[])
            .await;
        assert_eq!(ack.status, StatusCode::NOT_FOUND);
    }
    let action = x
        .post(
            &format!("/department/pushes/{}/enterprises/{}", s.push_y_a, s.red),
            &[
                ("kind", "joint_inspection"),
                ("acted_on", "2026-11-01"),
                ("note", "x"),
            ],
        )
        .await;
    assert_eq!(action.status, StatusCode::NOT_FOUND);
    assert_eq!(
        x.get("/department/pushes/abc").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(count_rows(&app.db, "coordinated_action").await, 0);
    let acked: i64 =
        sqlx::query_scalar("select count(*) from push where acknowledged_at is not null")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(acked, 0);

    // Y sees its latest (station B's, or A's: the same quarter) and both in its list
    let mut y = app.login("dept.y").await;
    let list = y.get("/department").await.text_of_id("push-list").unwrap();
    assert!(
        list.contains("甲派出所") && list.contains("乙派出所"),
        "{list}"
    );
    let y_a = y.get(&format!("/department/pushes/{}", s.push_y_a)).await;
    assert_eq!(y_a.text_of_id("count-green").unwrap(), "1");

    // nobody else reaches the department pages
    for user in ["officer.a", "chief.a", "admin"] {
        let mut c = app.login(user).await;
        assert_eq!(
            c.get("/department").await.status,
            StatusCode::FORBIDDEN,
            "{user}"
        );
        assert_eq!(
            c.get(&format!("/department/pushes/{}", s.push_x))
                .await
                .status,
            StatusCode::FORBIDDEN,
            "{user}"
        );
    }
    let anonymous = app.client().get("/department").await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn acknowledging_and_the_chiefs_list_of_waiting_pushes() {
    let app = TestApp::new().await;
    let s = push_scene(&app).await;
    let mut chief = app.login("chief.a").await;
    // just pushed: not yet overdue
    let home = chief.get("/chief").await;
    assert_eq!(home.text_of_id("waiting-count").unwrap(), "0");
    // six days later (the default policy gives five): both of station A's pushes wait
    app.state.clock.advance(chrono::Duration::days(6));
    let mut chief = app.login("chief.a").await;
    let home = chief.get("/chief").await;
    assert_eq!(home.text_of_id("waiting-count").unwrap(), "2");
    let waiting = home.text_of_id("waiting-pushes").unwrap();
    assert!(
        waiting.contains("消防救援站") && waiting.contains("市场监管所"),
        "{waiting}"
    );

    let mut x = app.login("dept.x").await;
    let page = x.get("/department").await;
    assert!(page.text_of_id("ack-state").unwrap().contains("未确认"));
    let ack = x
        .post(&format!("/department/pushes/{}/acknowledge", s.push_x), &[])
        .await;
    assert_eq!(ack.status, StatusCode::SEE_OTHER);
    let page = x.get(&format!("/department/pushes/{}", s.push_x)).await;
    let state = page.text_of_id("ack-state").unwrap();
    assert!(
        state.contains("已确认") && state.contains("消防员小陈"),
        "{state}"
    );
    // a second acknowledgement changes nothing
    let first: chrono::DateTime<chrono::Utc> =
        sqlx::query_scalar("select acknowledged_at from push where push_id = $1")
            .bind(s.push_x)
            .fetch_one(&app.db)
            .await
            .unwrap();
    app.state.clock.advance(chrono::Duration::minutes(5));
    x.post(&format!("/department/pushes/{}/acknowledge", s.push_x), &[])
        .await;
    let again: chrono::DateTime<chrono::Utc> =
        sqlx::query_scalar("select acknowledged_at from push where push_id = $1")
            .bind(s.push_x)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(first, again);
    assert_eq!(
        app.audit_actions()
            .await
            .iter()
            .filter(|a| *a == "push.acknowledge")
            .count(),
        1
    );
    let home = chief.get("/chief").await;
    assert_eq!(home.text_of_id("waiting-count").unwrap(), "1");
    assert!(
        !home
            .text_of_id("waiting-pushes")
            .unwrap()
            .contains("消防救援站")
    );
}

#[tokio::test]
async fn a_department_records_actions_that_the_station_sees() {
    let app = TestApp::new().await;
    let s = push_scene(&app).await;
    let mut x = app.login("dept.x").await;
    let url = format!("/department/pushes/{}/enterprises/{}", s.push_x, s.red);
    let page = x.get(&url).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text_of_id("item-level").unwrap().contains("红色"));
    assert!(page.text_of_id("reasons").unwrap().contains("重大隐患"));
    assert!(!page.body.contains("13800138000"), "no phone numbers");
    assert!(!page.body.contains("张三"), "no people");
    let token = page.input_value("form_token").unwrap();

    // bad input: 422, messages next to the fields, the note kept
    let bad = x
        .post(
            &url,
            &[
                ("kind", "bribe"),
                ("acted_on", "2099-01-01"),
                ("note", "联合消防检查，责令整改"),
                ("form_token", &token),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text_of_id("kind-error").is_some());
    assert_eq!(
        bad.text_of_id("acted_on-error").unwrap(),
        "日期不能晚于今天。"
    );
    assert!(bad.body.contains("联合消防检查，责令整改"));
    let other = x
        .post(
            &url,
            &[
                ("kind", "other"),
                ("acted_on", "2026-11-02"),
                ("note", " "),
                ("form_token", &token),
            ],
        )
        .await;
    assert_eq!(other.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(other.text_of_id("note-error").is_some());
    assert_eq!(count_rows(&app.db, "coordinated_action").await, 0);

    let fields = [
        ("kind", "joint_inspection"),
        ("acted_on", "2026-11-02"),
        ("note", "联合消防检查，责令整改"),
        ("form_token", token.as_str()),
    ];
    let ok = x.post(&url, &fields).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    // the same form again (double click): still one
    let twice = x.post(&url, &fields).await;
    assert_eq!(twice.status, StatusCode::SEE_OTHER);
    assert_eq!(count_rows(&app.db, "coordinated_action").await, 1);
    let page = x.get(&url).await;
    assert!(page.text_of_id("actions").unwrap().contains("联合检查"));
    assert!(
        app.audit_actions()
            .await
            .iter()
            .any(|a| a == "coordinated_action.create")
    );

    // the station sees it on the enterprise page
    let mut chief = app.login("chief.a").await;
    let enterprise = chief.get(&format!("/enterprises/{}", s.red)).await;
    let actions = enterprise.text_of_id("coordinated-actions").unwrap();
    assert!(
        actions.contains("消防救援站") && actions.contains("联合消防检查"),
        "{actions}"
    );
    // another station does not
    let mut other_station = app.login("officer.b").await;
    assert_eq!(
        other_station
            .get(&format!("/enterprises/{}", s.red))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // a green enterprise gets no action (Y's push carries one)
    let mut y = app.login("dept.y").await;
    let green_url = format!("/department/pushes/{}/enterprises/{}", s.push_y_a, s.green);
    let green = y.get(&green_url).await;
    assert!(green.input_value("form_token").is_none());
    let refused = y
        .post(
            &green_url,
            &[
                ("kind", "guidance_visit"),
                ("acted_on", "2026-11-02"),
                ("note", ""),
                ("form_token", &token.replace('0', "1")),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(count_rows(&app.db, "coordinated_action").await, 1);
}

#[tokio::test]
async fn a_revision_is_pushed_to_the_departments_whose_list_it_changes() {
    let app = TestApp::new().await;
    // department Z: green only, station A — an upheld red → yellow does not touch it
    let z: i64 = sqlx::query_scalar(
        "insert into department (code, name, name_en) values ('dept-z', '街道办', 'Street Office') returning department_id",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    sqlx::query(
        "insert into subscription (department_id, station_id, levels) values ($1, $2, '{green}')",
    )
    .bind(z)
    .bind(app.fixture.station_a)
    .execute(&app.db)
    .await
    .unwrap();
    let s = push_scene(&app).await;
    let mut officer = app.login("officer.a").await;
    let url = format!("/evaluations/{PUSH_QUARTER}/{}", s.red);
    let day = app.state.clock.today().to_string();
    let lodged = officer
        .post(
            &format!("{url}/objections"),
            &[("received_on", &day), ("grounds", "已整改")],
        )
        .await;
    assert_eq!(lodged.status, StatusCode::SEE_OTHER, "{}", lodged.body);
    let oid: i64 = sqlx::query_scalar("select objection_id from objection")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let mut chief = app.login("chief.a").await;
    let decided = chief
        .post(
            &format!("{url}/objections/{oid}/decide"),
            &[
                ("decision", "upheld"),
                ("level", "yellow"),
                ("reason", "核实整改属实"),
            ],
        )
        .await;
    assert_eq!(decided.status, StatusCode::SEE_OTHER, "{}", decided.body);
    let revisions: Vec<(i64, i32, i32, i32, String)> = sqlx::query_as(
        "select department_id, yellow, red, changed, reason from push where revision = 1 order by department_id",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(revisions.len(), 2, "X and Y, not Z: {revisions:?}");
    for (dept, yellow, red, changed, reason) in &revisions {
        assert!([app.fixture.department_x, app.fixture.department_y].contains(dept));
        assert_eq!((*yellow, *red, *changed), (2, 0, 1));
        assert!(reason.contains("核实整改属实"));
    }
    // X's dashboard opens on the revision; the first publication is superseded
    let mut x = app.login("dept.x").await;
    let home = x.get("/department").await;
    assert!(home.text_of_id("push-meta").unwrap().contains("修订 1"));
    assert!(home.text_of_id("change-changed").unwrap().contains('1'));
    assert!(
        home.text_of_id("push-list")
            .unwrap()
            .contains("已被修订取代")
    );
    let changed = x.get("/department?change=changed").await;
    let items = changed.text_of_id("push-items").unwrap();
    assert!(
        items.contains("临江隐患企业有限公司") && items.contains("红色 → 黄色"),
        "{items}"
    );
    let _ = s.push_x;
}

/// Publishing and pushing are one transaction: a failure after the pushes
/// were written leaves neither, and a failing push leaves no publication.
#[tokio::test]
async fn the_push_and_the_publication_commit_or_roll_back_together() {
    let app = TestApp::new().await;
    let a = app.fixture.station_a;
    let e = insert_enterprise(
        &app.db,
        a,
        "临江测试企业有限公司",
        Some(app.fixture.officer_a),
    )
    .await;
    inspect(&app, a, e, "2026-08-10", 10).await;
    sqlx::query("insert into subscription (department_id, station_id, levels) values ($1, null, '{green,yellow,red}')")
        .bind(app.fixture.department_x)
        .execute(&app.db)
        .await
        .unwrap();
    sqlx::query("update department set webhook_url = 'http://127.0.0.1:9/hook', webhook_secret = 's' where department_id = $1")
        .bind(app.fixture.department_x)
        .execute(&app.db)
        .await
        .unwrap();
    let mut chief = app.login("chief.a").await;
    chief
        .post("/evaluations", &[("quarter", PUSH_QUARTER)])
        .await;

    let draft = |app: &TestApp| {
        let db = app.db.clone();
        async move {
            let status: String = sqlx::query_scalar("select status::text from evaluation")
                .fetch_one(&db)
                .await
                .unwrap();
            status
        }
    };
    // 1. the publication's last write fails after the pushes were written
    sqlx::raw_sql(
        "create function fail_publish() returns trigger language plpgsql as $$
         begin if new.action = 'evaluation.publish' then raise exception 'injected'; end if; return new; end $$;
         create trigger fail_publish before insert on audit_event for each row execute function fail_publish();",
    )
    .execute(&app.db)
    .await
    .unwrap();
    let failed = chief
        .post(&format!("/evaluations/{PUSH_QUARTER}/publish"), &[])
        .await;
    assert!(failed.status.is_server_error(), "{}", failed.status);
    assert_eq!(draft(&app).await, "draft");
    assert_eq!(count_rows(&app.db, "push").await, 0);
    assert_eq!(count_rows(&app.db, "push_item").await, 0);
    assert_eq!(count_rows(&app.db, "webhook_delivery").await, 0);
    sqlx::query("drop trigger fail_publish on audit_event")
        .execute(&app.db)
        .await
        .unwrap();

    // 2. writing a push fails: the publication does not happen either
    sqlx::raw_sql(
        "create function fail_push() returns trigger language plpgsql as $$
         begin raise exception 'injected'; end $$;
         create trigger fail_push before insert on push_item for each row execute function fail_push();",
    )
    .execute(&app.db)
    .await
    .unwrap();
    let failed = chief
        .post(&format!("/evaluations/{PUSH_QUARTER}/publish"), &[])
        .await;
    assert!(failed.status.is_server_error());
    assert_eq!(draft(&app).await, "draft");
    assert_eq!(count_rows(&app.db, "push").await, 0);
    let current: Option<String> =
        sqlx::query_scalar("select current_level::text from enterprise where enterprise_id = $1")
            .bind(e)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(current, None);
    sqlx::query("drop trigger fail_push on push_item")
        .execute(&app.db)
        .await
        .unwrap();

    // 3. all well: both, once
    let ok = chief
        .post(&format!("/evaluations/{PUSH_QUARTER}/publish"), &[])
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    assert_eq!(draft(&app).await, "published");
    assert_eq!(count_rows(&app.db, "push").await, 1);
    assert_eq!(count_rows(&app.db, "push_item").await, 1);
    assert_eq!(count_rows(&app.db, "webhook_delivery").await, 1);
}

/// Two instances on one database, as behind a load balancer: a department
/// user's open dashboard stream on either instance hears a push published
/// through the other, and only their department's.
#[tokio::test]
async fn two_instances_both_deliver_the_live_update() {
    let one = TestApp::new().await;
    let two = one.second_instance().await;
    let _l1 = sanse::pushes::spawn_listener(one.db.clone(), one.state.live.clone());
    let _l2 = sanse::pushes::spawn_listener(two.db.clone(), two.state.live.clone());

    let x = one.login("dept.x").await;
    let x_on_two = two.client_with_session_of(&x);
    let y = two.login("dept.y").await;
    let (status, mut stream_one) = x.open_stream("/department/live").await;
    assert_eq!(status, StatusCode::OK);
    let (status, mut stream_two) = x_on_two.open_stream("/department/live").await;
    assert_eq!(status, StatusCode::OK);
    let (_, mut stream_y) = y.open_stream("/department/live").await;
    for stream in [&mut stream_one, &mut stream_two, &mut stream_y] {
        // With its data: a browser drops an event whose data is empty.
        assert!(
            stream_shows(
                stream,
                "event: ready\ndata: ready\n\n",
                Duration::from_secs(5)
            )
            .await
        );
    }
    // wait until both instances listen (the listener connects in the background)
    tokio::time::sleep(Duration::from_millis(500)).await;

    // only Y subscribes to station B: X hears nothing of it
    let b = one.fixture.station_b;
    let eb = insert_enterprise(&one.db, b, "乙站实时企业有限公司", None).await;
    inspect(&one, b, eb, "2026-08-10", 10).await;
    sqlx::query(
        "insert into subscription (department_id, station_id, levels) values ($1, $2, '{red,yellow,green}'), ($3, null, '{red,yellow,green}')",
    )
    .bind(one.fixture.department_x)
    .bind(one.fixture.station_a)
    .bind(one.fixture.department_y)
    .execute(&one.db)
    .await
    .unwrap();
    let quarter = sanse::scoring::Quarter::parse(PUSH_QUARTER).unwrap();
    let now = one.state.clock.now();
    sanse::evaluations::service::run(
        &one.db,
        crate::harness::scope(b),
        quarter,
        None,
        now,
        now.date_naive(),
    )
    .await
    .unwrap();
    sanse::evaluations::service::publish(
        &one.db,
        crate::harness::scope(b),
        quarter,
        sanse::ids::UserId(one.fixture.chief_a),
        now,
        now.date_naive(),
    )
    .await
    .unwrap();
    let y_push: i64 = sqlx::query_scalar("select push_id from push where department_id = $1")
        .bind(one.fixture.department_y)
        .fetch_one(&one.db)
        .await
        .unwrap();
    assert!(
        stream_shows(
            &mut stream_y,
            &format!("event: push\ndata: {y_push}"),
            Duration::from_secs(10)
        )
        .await
    );

    // station A, published by the chief through instance one's pages
    let a = one.fixture.station_a;
    let ea = insert_enterprise(&one.db, a, "甲站实时企业有限公司", None).await;
    inspect(&one, a, ea, "2026-08-10", 10).await;
    let mut chief = one.login("chief.a").await;
    chief
        .post("/evaluations", &[("quarter", PUSH_QUARTER)])
        .await;
    let published = chief
        .post(&format!("/evaluations/{PUSH_QUARTER}/publish"), &[])
        .await;
    assert_eq!(
        published.status,
        StatusCode::SEE_OTHER,
        "{}",
        published.body
    );
    let x_push: i64 = sqlx::query_scalar("select push_id from push where department_id = $1")
        .bind(one.fixture.department_x)
        .fetch_one(&one.db)
        .await
        .unwrap();
    let expected = format!("event: push\ndata: {x_push}");
    assert!(
        stream_shows(&mut stream_one, &expected, Duration::from_secs(10)).await,
        "instance one"
    );
    assert!(
        stream_shows(&mut stream_two, &expected, Duration::from_secs(10)).await,
        "instance two"
    );
    // X's streams never carried Y's push
    let mut x = x;
    let page = x.get("/department").await;
    assert!(
        page.text_of_id("push-items")
            .unwrap()
            .contains("甲站实时企业有限公司")
    );
    assert!(!page.body.contains("乙站实时企业有限公司"));

    // shutting an instance down ends its streams
    two.state.live.close();
    let ended = tokio::time::timeout(Duration::from_secs(5), async {
        while stream_two.recv().await.is_some() {}
    })
    .await;
    assert!(ended.is_ok(), "the stream ends on shutdown");
}

/// A live stream opened before logout hears that the session ended, within
/// five seconds, and then ends; nothing more reaches it.
#[tokio::test]
async fn a_live_stream_ends_with_session_ended_after_logout() {
    let app = TestApp::new().await;
    let mut x = app.login("dept.x").await;
    let (status, mut stream) = x.open_stream("/department/live").await;
    assert_eq!(status, StatusCode::OK);
    assert!(stream_shows(&mut stream, "event: ready\n", Duration::from_secs(5)).await);
    let out = x.post("/logout", &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    let logged_out = std::time::Instant::now();
    assert!(
        stream_shows(
            &mut stream,
            "event: session-ended\ndata: signed out\n\n",
            Duration::from_secs(5)
        )
        .await,
        "no session-ended within 5 s"
    );
    assert!(logged_out.elapsed() <= Duration::from_secs(5));
    // The stream is over: its sender is gone once the body ends.
    let ended = tokio::time::timeout(Duration::from_secs(5), async {
        while stream.recv().await.is_some() {}
    })
    .await;
    assert!(ended.is_ok(), "the stream went on after the session ended");
}
