//! The enterprise register: list, search, filters, create/edit with
//! validation, conflicts, double submits, CSV export and import, the
//! enterprise page, and station scoping.

use axum::http::StatusCode;
use sanse::credit_code::CreditCode;

use crate::harness::{Client, TestApp, count_rows, insert_enterprise, wait_for_lock_waiters};

fn code(n: u64) -> String {
    CreditCode::generate("330108", 900_000 + n).to_string()
}

async fn new_form_token(client: &mut Client) -> String {
    client
        .get("/enterprises/new")
        .await
        .input_value("form_token")
        .unwrap()
}

fn fields<'a>(name: &'a str, credit_code: &'a str, liaison: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("name", name),
        ("credit_code", credit_code),
        ("industry_code", "logistics"),
        ("address", "滨江区江南大道100号"),
        ("legal_rep", "陈大文"),
        ("security_manager", "刘小强"),
        ("security_phone", "139 1234 5678"),
        ("employee_count", "85"),
        ("liaison_officer_id", liaison),
        ("status", "active"),
    ]
}

#[tokio::test]
async fn an_officer_registers_views_and_edits_an_enterprise() {
    let app = TestApp::new().await;
    let mut officer = app.login("officer.a").await;
    let token = new_form_token(&mut officer).await;
    let officer_id = app.fixture.officer_a.to_string();
    let c = code(1);
    let mut f = fields("临江顺达物流有限公司", &c, &officer_id);
    f.push(("form_token", &token));
    let resp = officer.post("/enterprises", &f).await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER, "{}", resp.body);
    let url = resp.location().to_owned();
    let page = officer.get(&url).await;
    assert!(page.body.contains("临江顺达物流有限公司"));
    assert!(page.body.contains(&c));
    assert!(page.body.contains("13912345678"), "phone normalised");
    assert!(page.body.contains("物流仓储"));
    assert!(page.body.contains("王警官"), "liaison officer shown");
    assert!(
        page.body.contains("未评定"),
        "level shown as not yet evaluated"
    );
    for link in [
        "visits/new",
        "hazards/new",
        "disputes/new",
        "demands/new",
        "incidents/new",
        "trainings/new",
    ] {
        assert!(page.body.contains(&format!("{url}/{link}")), "{link}");
    }

    let edit = officer.get(&format!("{url}/edit")).await;
    let version = edit.input_value("version").unwrap();
    let mut f = fields("临江顺达物流股份有限公司", &c, "");
    f.push(("version", &version));
    let saved = officer.post(&format!("{url}/edit"), &f).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let page = officer.get(&url).await;
    assert!(page.body.contains("临江顺达物流股份有限公司"));
    assert!(page.body.contains("未指定"), "liaison removed");
    let summary: String =
        sqlx::query_scalar("select summary from audit_event where action = 'enterprise.update'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert!(
        summary.contains("name: 临江顺达物流有限公司 → 临江顺达物流股份有限公司"),
        "{summary}"
    );
    // English
    officer.post("/lang", &[("lang", "en")]).await;
    let page = officer.get(&url).await;
    assert!(
        page.body.contains("Logistics and warehousing") && page.body.contains("Not yet evaluated")
    );
}

#[tokio::test]
async fn a_bad_credit_code_and_other_bad_fields_are_explained() {
    let app = TestApp::new().await;
    let mut officer = app.login("officer.a").await;
    let token = new_form_token(&mut officer).await;
    let good = code(2);
    // change the check character
    let mut bad = good.clone();
    let last = bad.pop().unwrap();
    bad.push(if last == '0' { '1' } else { '0' });
    let mut f = fields("临江测试有限公司", &bad, "999999");
    f.retain(|(k, _)| *k != "security_phone" && *k != "employee_count" && *k != "industry_code");
    f.push(("security_phone", "12345"));
    f.push(("employee_count", "-3"));
    f.push(("industry_code", "mining"));
    f.push(("form_token", &token));
    let resp = officer.post("/enterprises", &f).await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        resp.text_of_id("credit_code-error")
            .unwrap()
            .contains("校验码"),
        "{:?}",
        resp.text_of_id("credit_code-error")
    );
    assert!(
        resp.text_of_id("security_phone-error")
            .unwrap()
            .contains("手机号")
    );
    assert!(
        resp.text_of_id("employee_count-error")
            .unwrap()
            .contains("0 到 1000000")
    );
    assert_eq!(
        resp.text_of_id("industry_code-error").unwrap(),
        "请从列表中选择。"
    );
    assert_eq!(
        resp.text_of_id("liaison_officer_id-error").unwrap(),
        "请从列表中选择。"
    );
    assert!(
        resp.body.contains(&format!("value=\"{bad}\"")),
        "typed code kept"
    );
    // a short code in English
    officer.post("/lang", &[("lang", "en")]).await;
    let token = new_form_token(&mut officer).await;
    let mut f = fields("", "91330108", "");
    f.push(("form_token", &token));
    let resp = officer.post("/enterprises", &f).await;
    assert_eq!(
        resp.text_of_id("name-error").unwrap(),
        "This field is required."
    );
    assert!(resp.text_of_id("credit_code-error").unwrap().contains("18"));
    assert_eq!(count_rows(&app.db, "enterprise").await, 0);
}

#[tokio::test]
async fn a_taken_credit_code_is_refused_with_the_holders_name() {
    let app = TestApp::new().await;
    let mut officer = app.login("officer.a").await;
    let c = code(3);
    for (i, name) in ["临江第一有限公司", "临江第二有限公司"].iter().enumerate() {
        let token = new_form_token(&mut officer).await;
        let mut f = fields(name, &c, "");
        f.push(("form_token", &token));
        let resp = officer.post("/enterprises", &f).await;
        if i == 0 {
            assert_eq!(resp.status, StatusCode::SEE_OTHER);
        } else {
            assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(
                resp.text_of_id("credit_code-error")
                    .unwrap()
                    .contains("临江第一有限公司")
            );
        }
    }
    // the same code at another station is fine: stations are separate registers
    let mut officer_b = app.login("officer.b").await;
    let token = new_form_token(&mut officer_b).await;
    let mut f = fields("临江第一有限公司", &c, "");
    f.push(("form_token", &token));
    assert_eq!(
        officer_b.post("/enterprises", &f).await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn double_submit_and_stale_edit() {
    let app = TestApp::new().await;
    let mut officer = app.login("officer.a").await;
    let token = new_form_token(&mut officer).await;
    let c = code(4);
    let mut f = fields("临江双击有限公司", &c, "");
    f.push(("form_token", &token));
    let first = officer.post("/enterprises", &f).await;
    let second = officer.post("/enterprises", &f).await;
    assert_eq!(first.location(), second.location());
    assert_eq!(count_rows(&app.db, "enterprise").await, 1);

    let url = first.location().to_owned();
    let v = officer
        .get(&format!("{url}/edit"))
        .await
        .input_value("version")
        .unwrap();
    let mut chief = app.login("chief.a").await;
    let mut f1 = fields("所长改的名字有限公司", &c, "");
    f1.push(("version", &v));
    assert_eq!(
        chief.post(&format!("{url}/edit"), &f1).await.status,
        StatusCode::SEE_OTHER
    );
    let mut f2 = fields("民警改的名字有限公司", &c, "");
    f2.push(("version", &v));
    let stale = officer.post(&format!("{url}/edit"), &f2).await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(
        stale.body.contains("民警改的名字有限公司"),
        "typed value kept"
    );
    assert!(
        stale.body.contains("所长改的名字有限公司"),
        "saved value shown"
    );
    let name: String = sqlx::query_scalar("select name from enterprise")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(name, "所长改的名字有限公司");
}

#[tokio::test]
async fn search_filters_sorting_and_pagination() {
    let app = TestApp::new().await;
    let f = app.fixture;
    for i in 0..30 {
        insert_enterprise(
            &app.db,
            f.station_a,
            &format!("临江甲企业{i:02}有限公司"),
            Some(f.officer_a),
        )
        .await;
    }
    let special = insert_enterprise(
        &app.db,
        f.station_a,
        "滨江特殊化工有限公司",
        Some(f.chief_a),
    )
    .await;
    sqlx::query("update enterprise set industry_code = 'chemicals', current_level = 'red', employee_count = 999 where enterprise_id = $1")
        .bind(special).execute(&app.db).await.unwrap();
    insert_enterprise(
        &app.db,
        f.station_b,
        "乙站的企业有限公司",
        Some(f.officer_b),
    )
    .await;
    let mut officer = app.login("officer.a").await;

    let page1 = officer.get("/enterprises").await;
    assert!(
        page1.body.contains("31 家企业"),
        "station B's enterprise not counted"
    );
    assert!(page1.body.contains("第 1 / 2 页"));
    assert!(!page1.body.contains("乙站的企业有限公司"));
    let page2 = officer.get("/enterprises?page=2").await;
    assert!(page2.body.contains("临江甲企业29有限公司"));

    let search = officer.get("/enterprises?q=%E7%89%B9%E6%AE%8A").await; // 特殊
    assert!(search.body.contains("1 家企业") && search.body.contains("滨江特殊化工有限公司"));
    let wildcard = officer.get("/enterprises?q=%25").await; // a literal %
    assert!(
        wildcard.body.contains("0 家企业"),
        "LIKE wildcards are escaped"
    );
    // any part of the name, credit code or address, one character or more,
    // Latin letters in either case (the search index of migration 0011)
    sqlx::query("update enterprise set name = 'ABC滨江特殊化工有限公司', address = '西湖区文三路99号' where enterprise_id = $1")
        .bind(special).execute(&app.db).await.unwrap();
    let code: String =
        sqlx::query_scalar("select credit_code from enterprise where enterprise_id = $1")
            .bind(special)
            .fetch_one(&app.db)
            .await
            .unwrap();
    for q in ["殊", "特殊化", "abc", "bC滨", "文三路", &code[5..12], &code] {
        let found = officer
            .get(&format!(
                "/enterprises?{}",
                sanse::web::paging::query_string(&[("q", q)])
            ))
            .await;
        assert!(
            found.body.contains("1 家企业") && found.body.contains("ABC滨江特殊化工有限公司"),
            "searching {q}"
        );
    }
    let across = officer.get("/enterprises?q=%E4%B8%9A0").await; // 业0: 临江甲企业00 … 09
    assert!(
        across.body.contains("10 家企业"),
        "two characters anywhere in the name"
    );
    let apart = officer.get("/enterprises?q=%E7%89%B9%E5%8C%96").await; // 特化: both there, not adjacent
    assert!(
        apart.body.contains("0 家企业"),
        "the characters must be adjacent"
    );
    let red = officer.get("/enterprises?level=red").await;
    assert!(red.body.contains("1 家企业") && red.body.contains("level-red"));
    let chem = officer.get("/enterprises?industry=chemicals").await;
    assert!(chem.body.contains("1 家企业"));
    let liaison = officer
        .get(&format!("/enterprises?liaison={}", f.chief_a))
        .await;
    assert!(liaison.body.contains("1 家企业"));
    let by_employees = officer.get("/enterprises?sort=employees").await;
    let first_item = by_employees.body.find("滨江特殊化工有限公司").unwrap();
    let other = by_employees
        .body
        .find("临江甲企业00有限公司")
        .unwrap_or(usize::MAX);
    assert!(first_item < other, "largest first");
    // junk parameters never fail
    let junk = officer
        .get("/enterprises?page=-7&sort=%27;drop&level=purple&liaison=abc")
        .await;
    assert_eq!(junk.status, StatusCode::OK);
}

#[tokio::test]
async fn csv_export_has_a_bom_and_neutralises_formulas() {
    let app = TestApp::new().await;
    let f = app.fixture;
    let id = insert_enterprise(
        &app.db,
        f.station_a,
        "=HYPERLINK(\"http://evil\")公司",
        None,
    )
    .await;
    insert_enterprise(&app.db, f.station_a, "临江正常企业有限公司", None).await;
    insert_enterprise(&app.db, f.station_b, "乙站企业有限公司", None).await;
    let _ = id;
    let mut officer = app.login("officer.a").await;
    let resp = officer
        .get("/enterprises/export.csv?q=%E5%85%AC%E5%8F%B8")
        .await;
    assert_eq!(resp.status, StatusCode::OK);
    assert!(resp.header("content-type").starts_with("text/csv"));
    assert!(resp.header("content-disposition").contains("attachment"));
    assert!(resp.body.starts_with('\u{feff}'), "UTF-8 BOM");
    assert!(resp.body.contains("企业名称,统一社会信用代码"));
    assert!(
        resp.body
            .contains("\"'=HYPERLINK(\"\"http://evil\"\")公司\""),
        "{}",
        resp.body
    );
    assert!(resp.body.contains("临江正常企业有限公司"));
    assert!(!resp.body.contains("乙站企业有限公司"));
    assert_eq!(
        resp.body.lines().count(),
        3,
        "header + the two filtered rows"
    );
}

fn import_csv(valid_codes: &[String], bad_code: &str) -> String {
    format!(
        "企业名称,统一社会信用代码,行业,地址,法定代表人,安全保卫负责人,负责人电话,员工人数,联络民警,状态\r\n\
         临江导入一号有限公司,{},制造业,滨江区一号路1号,张一,李一,13800000001,10,officer.a,在营\r\n\
         临江导入二号有限公司,{bad_code},制造业,滨江区二号路2号,张二,李二,13800000002,20,,\r\n\
         临江导入三号有限公司,{},Logistics and warehousing,滨江区三号路3号,张三,李三,0571-88886666,30,王警官,\r\n\
         临江导入四号有限公司,{},采矿业,滨江区四号路4号,张四,李四,12345,很多,nobody,倒闭\r\n\
         临江导入五号有限公司,{},retail,滨江区五号路5号,张五,李五,13800000005,50,,\r\n",
        valid_codes[0], valid_codes[1], valid_codes[2], valid_codes[0]
    )
}

#[tokio::test]
async fn csv_import_shows_errors_by_line_and_column_and_imports_only_on_request() {
    let app = TestApp::new().await;
    let mut officer = app.login("officer.a").await;
    officer.get("/enterprises/import").await;
    let codes: Vec<String> = (10..13).map(code).collect();
    let csv = import_csv(&codes, "91330108MA0000000X");
    let resp = officer
        .post_file("/enterprises/import", "file", "名册.csv", csv.as_bytes())
        .await;
    assert_eq!(resp.status, StatusCode::SEE_OTHER, "{}", resp.body);
    let preview_url = resp.location().to_owned();
    let preview = officer.get(&preview_url).await;
    assert_eq!(preview.status, StatusCode::OK);
    assert_eq!(
        count_rows(&app.db, "enterprise").await,
        0,
        "nothing written before the choice"
    );
    assert!(
        preview
            .text_of_id("import-summary")
            .unwrap()
            .contains("2 行有效，3 行有错误"),
        "{:?}",
        preview.text_of_id("import-summary")
    );
    let errors = &preview.body[preview.body.find("import-errors").unwrap()..];
    // line 3 (second data row): bad credit code, column 2
    assert!(
        errors.contains("<td class=\"num\">3</td><td>2 · 统一社会信用代码</td>"),
        "{errors}"
    );
    // line 5: industry, phone, employees, liaison, status
    for col in [
        "3 · 行业",
        "7 · 负责人电话",
        "8 · 员工人数",
        "9 · 联络民警",
        "10 · 状态",
    ] {
        assert!(
            errors.contains(&format!("<td class=\"num\">5</td><td>{col}</td>")),
            "{col}: {errors}"
        );
    }
    // line 6 repeats line 2's code
    assert!(errors.contains("与第 2 行的统一社会信用代码重复"));
    // "import all" is not offered and refused if forced
    assert!(!preview.body.contains("value=\"all\""));
    let forced = officer.post(&preview_url, &[("mode", "all")]).await;
    assert_eq!(forced.status, StatusCode::CONFLICT);
    assert_eq!(count_rows(&app.db, "enterprise").await, 0);
    // the user chooses to import only the valid rows
    let done = officer.post(&preview_url, &[("mode", "valid")]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let names: Vec<String> = sqlx::query_scalar("select name from enterprise order by name")
        .fetch_all(&app.db)
        .await
        .unwrap();
    assert_eq!(names, ["临江导入一号有限公司", "临江导入三号有限公司"]);
    let liaisons: Vec<Option<i64>> =
        sqlx::query_scalar("select liaison_officer_id from enterprise order by name")
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert_eq!(
        liaisons,
        [Some(app.fixture.officer_a), Some(app.fixture.officer_a)],
        "by user name and by name"
    );
    let audit: String =
        sqlx::query_scalar("select summary from audit_event where action = 'enterprise.import'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert!(audit.contains("2 imported, 3 rows skipped"), "{audit}");
    // the staged upload is gone
    assert_eq!(
        officer
            .post(&preview_url, &[("mode", "valid")])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn csv_import_of_a_clean_file_and_of_broken_files() {
    let app = TestApp::new().await;
    let mut officer = app.login("officer.a").await;
    officer.get("/enterprises/import").await;
    let csv = format!(
        "\u{feff}name,credit_code,industry,address,legal_rep,security_manager,security_phone,employee_count\n\
         Linjiang One Co,{},manufacturing,1 Road,Zhang,Li,13800000001,5\n\
         临江二号有限公司,{},制造业,二号路,王,赵,13800000002,6\n",
        code(20),
        code(21)
    );
    let resp = officer
        .post_file("/enterprises/import", "file", "en.csv", csv.as_bytes())
        .await;
    let preview_url = resp.location().to_owned();
    let preview = officer.get(&preview_url).await;
    assert!(preview.body.contains("全部 2 行均有效"));
    let done = officer.post(&preview_url, &[("mode", "all")]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(count_rows(&app.db, "enterprise").await, 2);

    // not UTF-8 (GBK bytes)
    let gbk: &[u8] = &[0xC6, 0xF3, 0xD2, 0xB5, 0x2C, 0x0A];
    let resp = officer
        .post_file("/enterprises/import", "file", "gbk.csv", gbk)
        .await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(resp.text_of_id("file-error").unwrap().contains("UTF-8"));
    // a missing column
    let resp = officer
        .post_file(
            "/enterprises/import",
            "file",
            "x.csv",
            "企业名称,地址\n甲,乙\n".as_bytes(),
        )
        .await;
    let preview = officer.get(resp.location()).await;
    assert!(
        preview
            .text_of_id("file-error")
            .unwrap()
            .contains("缺少必需的列：统一社会信用代码")
    );
    // an empty upload
    let resp = officer
        .post_file("/enterprises/import", "file", "empty.csv", b"")
        .await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    // a NUL in a cell (jsonb cannot hold it): said with its place, nothing staged
    let staged = count_rows(&app.db, "enterprise_import").await;
    let nul = format!(
        "企业名称,统一社会信用代码\n甲公司,{}\n乙\u{0}公司,x\n",
        code(22)
    );
    let resp = officer
        .post_file("/enterprises/import", "file", "nul.csv", nul.as_bytes())
        .await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = scraper::Html::parse_document(&resp.body);
    let error = scraper::Selector::parse("#file-error").unwrap();
    let said: String = html.select(&error).flat_map(|e| e.text()).collect();
    assert!(said.contains("第 3 行第 1 列"), "{said}");
    assert_eq!(count_rows(&app.db, "enterprise_import").await, staged);
    assert_eq!(count_rows(&app.db, "enterprise").await, 2);
}

#[tokio::test]
async fn the_enterprise_page_tells_the_story() {
    let app = TestApp::new().await;
    let f = app.fixture;
    let ent = insert_enterprise(&app.db, f.station_a, "临江故事有限公司", Some(f.officer_a)).await;
    sqlx::query(
        "insert into incident (station_id, enterprise_id, occurred_on, category, severity, summary, created_by)
         values ($1, $2, '2026-05-01', 'theft', 'minor', '五月的盗窃', $3),
                ($1, $2, '2026-09-01', 'fraud', 'major', '九月的诈骗', $3)",
    )
    .bind(f.station_a).bind(ent).bind(f.officer_a)
    .execute(&app.db).await.unwrap();
    let mut officer = app.login("officer.a").await;
    let page = officer.get(&format!("/enterprises/{ent}")).await;
    let may = page.body.find("五月的盗窃").unwrap();
    let sep = page.body.find("九月的诈骗").unwrap();
    assert!(sep < may, "newest first");
    assert!(page.body.contains("/incidents/"));
}

#[tokio::test]
async fn another_stations_enterprises_are_not_found_and_not_changed() {
    let app = TestApp::new().await;
    let f = app.fixture;
    let b = insert_enterprise(&app.db, f.station_b, "乙站专属有限公司", None).await;
    let mut officer_a = app.login("officer.a").await;
    for path in [
        format!("/enterprises/{b}"),
        format!("/enterprises/{b}/edit"),
    ] {
        assert_eq!(
            officer_a.get(&path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let c = code(30);
    let mut fields = fields("篡改", &c, "");
    fields.push(("version", "1"));
    assert_eq!(
        officer_a
            .post(&format!("/enterprises/{b}/edit"), &fields)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let mut chief_a = app.login("chief.a").await;
    assert_eq!(
        chief_a
            .post(&format!("/enterprises/{b}/delete"), &[])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let name: String = sqlx::query_scalar("select name from enterprise where deleted_at is null")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(name, "乙站专属有限公司");
    // a staged import of station B is not visible to station A
    let mut officer_b = app.login("officer.b").await;
    officer_b.get("/enterprises/import").await;
    let resp = officer_b
        .post_file(
            "/enterprises/import",
            "file",
            "b.csv",
            "企业名称\n甲\n".as_bytes(),
        )
        .await;
    let staged = resp.location().to_owned();
    assert_eq!(officer_a.get(&staged).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        officer_a.post(&staged, &[("mode", "cancel")]).await.status,
        StatusCode::NOT_FOUND
    );
    // officers do not delete
    let mine = insert_enterprise(&app.db, f.station_a, "甲站企业有限公司", None).await;
    assert_eq!(
        officer_a
            .post(&format!("/enterprises/{mine}/delete"), &[])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        chief_a
            .post(&format!("/enterprises/{mine}/delete"), &[])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        officer_a.get(&format!("/enterprises/{mine}")).await.status,
        StatusCode::NOT_FOUND
    );
    // departments see nothing of the register
    let mut dept = app.login("dept.x").await;
    assert_eq!(dept.get("/enterprises").await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        dept.get("/enterprises/export.csv").await.status,
        StatusCode::FORBIDDEN
    );
}

/// Two registrations of one credit code at the same moment (both checked
/// before either saved): one enterprise, and the other form is answered
/// with the holder's name and everything its user typed.
#[tokio::test]
async fn two_registrations_of_one_code_at_once_make_one_enterprise() {
    let app = TestApp::new().await;
    let mut officer = app.login("officer.a").await;
    let mut chief = app.login("chief.a").await;
    let c = code(77);
    let (ta, tb) = (
        new_form_token(&mut officer).await,
        new_form_token(&mut chief).await,
    );
    let mut fa = fields("临江同码甲有限公司", &c, "");
    fa.push(("form_token", &ta));
    let mut fb = fields("临江同码乙有限公司", &c, "");
    fb.push(("form_token", &tb));
    // A registration of the code the test holds open: both requests pass
    // their check, then wait on the station's key until it is rolled back.
    let mut held = app.db.begin().await.unwrap();
    sqlx::query(
        "insert into enterprise (station_id, name, credit_code, industry_code, address, legal_rep,
                                 security_manager, security_phone, employee_count)
         values ($1, '占位', $2, 'logistics', '地址', '甲', '乙', '13800138000', 1)",
    )
    .bind(app.fixture.station_a)
    .bind(&c)
    .execute(&mut *held)
    .await
    .unwrap();
    let db = app.db.clone();
    let release = async move {
        wait_for_lock_waiters(&db, 2).await;
        held.rollback().await.unwrap();
    };
    let (ra, rb, ()) = tokio::join!(
        officer.post("/enterprises", &fa),
        chief.post("/enterprises", &fb),
        release
    );
    let mut statuses = [ra.status, rb.status];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::SEE_OTHER, StatusCode::CONFLICT]);
    let (lost, lost_name, won_name) = if ra.status == StatusCode::CONFLICT {
        (&ra, "临江同码甲有限公司", "临江同码乙有限公司")
    } else {
        (&rb, "临江同码乙有限公司", "临江同码甲有限公司")
    };
    assert!(
        lost.text_of_id("credit_code-error")
            .unwrap_or_default()
            .contains(won_name),
        "{}",
        lost.body
    );
    assert_eq!(lost.input_value("name").as_deref(), Some(lost_name));
    assert_eq!(lost.input_value("credit_code").as_deref(), Some(c.as_str()));
    let rows: i64 = sqlx::query_scalar("select count(*) from enterprise where credit_code = $1")
        .bind(&c)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(rows, 1);
}
