//! A real browser: Debian's Chromium driven through ChromeDriver
//! (WebDriver, by fantoccini) against the real server on a real port and
//! the demo data. The journeys people make, axe-core on the main pages in
//! both languages, the keyboard alone, and the screenshots in the README.
//!
//! Chromium and ChromeDriver are found at `SANSE_CHROMIUM` and
//! `SANSE_CHROMEDRIVER`, else in the usual Debian places. Screenshots go to
//! `SANSE_SCREENSHOTS` (`SANSE_SCREENSHOTS=docs cargo test browser` renews
//! the README's), else to `target/screenshots`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use fantoccini::elements::Element;
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use sqlx::PgPool;

use crate::harness::{Fixture, TestApp, demo_database};

/// The demo accounts' password.
const DEMO_PASSWORD: &str = sanse_demo::PASSWORD;
/// How long to wait for something to show up.
const PATIENCE: Duration = Duration::from_secs(15);

const INSTALL_HINT: &str = "the browser tests need Chromium and ChromeDriver: \
    apt-get install chromium chromium-driver fonts-wqy-microhei \
    (or point SANSE_CHROMIUM and SANSE_CHROMEDRIVER at them)";

fn find_program(env: &str, candidates: &[&str]) -> PathBuf {
    if let Ok(path) = std::env::var(env)
        && !path.is_empty()
    {
        let path = PathBuf::from(path);
        assert!(
            path.is_file(),
            "{env}={} is not a file; {INSTALL_HINT}",
            path.display()
        );
        return path;
    }
    for c in candidates {
        let path = Path::new(c);
        if path.is_file() {
            return path.to_owned();
        }
    }
    panic!("{} not found; {INSTALL_HINT}", candidates[0]);
}

/// The demo, served by the real router on a port of its own.
pub struct Site {
    pub app: TestApp,
    pub base: String,
}

impl Site {
    pub async fn demo() -> Site {
        let (options, db_name) = demo_database().await;
        let db = sqlx::postgres::PgPoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await
            .unwrap();
        sanse::enterprises::industries(&db).await.unwrap();
        let app = TestApp::from_pool(
            db,
            sanse::config::Config::default(),
            Fixture::empty(),
            db_name,
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let router = app.router.clone();
        // As `sanse serve` does: the live dashboards' announcements.
        sanse::pushes::spawn_listener(app.db.clone(), app.state.live.clone());
        tokio::spawn(async move {
            axum::serve(
                listener,
                router.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .await
        });
        Site {
            app,
            base: format!("http://{addr}"),
        }
    }

    pub fn db(&self) -> &PgPool {
        &self.app.db
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Viewport {
    /// 390×844 CSS pixels at 2× (an ordinary phone).
    Phone,
    /// 1280×800 at 1×.
    Desktop,
}

static PROFILE: AtomicU32 = AtomicU32::new(0);

/// A ChromeDriver of our own and one Chromium session in it.
pub struct Browser {
    pub c: Client,
    base: String,
    driver: Child,
    profile: PathBuf,
    pub downloads: PathBuf,
    pub viewport: Viewport,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        // A test that failed half-way never closed its session: end the
        // browser it left behind (its profile folder names it).
        let _ = Command::new("pkill")
            .arg("-f")
            .arg(self.profile.as_os_str())
            .stderr(Stdio::null())
            .status();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

impl Browser {
    pub async fn open(site: &Site, viewport: Viewport) -> Browser {
        let chromium = find_program(
            "SANSE_CHROMIUM",
            &[
                "/usr/bin/chromium",
                "/usr/bin/chromium-browser",
                "/usr/bin/google-chrome",
            ],
        );
        let chromedriver = find_program(
            "SANSE_CHROMEDRIVER",
            &["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"],
        );
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let driver = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("starting {}: {e}; {INSTALL_HINT}", chromedriver.display()));
        let profile = std::env::temp_dir().join(format!(
            "sanse-browser-{}-{}",
            std::process::id(),
            PROFILE.fetch_add(1, Ordering::Relaxed)
        ));
        let downloads = profile.join("downloads");
        std::fs::create_dir_all(&downloads).unwrap();
        let mut args = vec![
            "--headless=new".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-dev-shm-usage".to_owned(),
            "--disable-gpu".to_owned(),
            "--no-first-run".to_owned(),
            "--hide-scrollbars".to_owned(),
            "--lang=zh-CN".to_owned(),
            format!("--user-data-dir={}", profile.join("chrome").display()),
        ];
        let mut options = json!({
            "binary": chromium,
            "prefs": {
                "intl.accept_languages": "zh-CN,zh",
                "download.default_directory": downloads,
                "download.prompt_for_download": false,
            },
        });
        match viewport {
            Viewport::Phone => {
                // A phone's screen: its width in CSS pixels at twice the
                // density. (ChromeDriver's mobile emulation misplaces
                // clicks on scrolled pages, so the window is the phone.)
                args.push("--window-size=390,844".to_owned());
                args.push("--force-device-scale-factor=2".to_owned());
            }
            Viewport::Desktop => {
                args.push("--window-size=1280,800".to_owned());
                args.push("--force-device-scale-factor=1".to_owned());
            }
        }
        options["args"] = json!(args);
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), json!("chrome"));
        caps.insert("goog:chromeOptions".into(), options);
        let url = format!("http://127.0.0.1:{port}");
        let mut last_error = String::new();
        let mut client = None;
        for _ in 0..100 {
            // ChromeDriver speaks plain HTTP on the loopback: no TLS.
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector)
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(c) => {
                    client = Some(c);
                    break;
                }
                Err(e) => {
                    last_error = e.to_string();
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }
        let c = client.unwrap_or_else(|| {
            panic!(
                "no browser session from {}: {last_error}; {INSTALL_HINT}",
                chromedriver.display()
            )
        });
        let browser = Browser {
            c,
            base: site.base.clone(),
            driver,
            profile,
            downloads,
            viewport,
        };
        {
            // A headless window has no frame, but make sure of the page's
            // size all the same.
            let (w, h) = browser
                .eval("return [window.innerWidth, window.innerHeight];")
                .await
                .as_array()
                .map(|a| (a[0].as_u64().unwrap_or(0), a[1].as_u64().unwrap_or(0)))
                .unwrap();
            let (want_w, want_h) = match viewport {
                Viewport::Phone => (390, 844),
                Viewport::Desktop => (1280, 800),
            };
            if (w, h) != (want_w, want_h) {
                let (ww, wh) = browser.c.get_window_size().await.unwrap();
                browser
                    .c
                    .set_window_size((ww + want_w - w) as u32, (wh + want_h - h) as u32)
                    .await
                    .unwrap();
            }
        }
        browser
    }

    pub async fn close(self) {
        let c = self.c.clone();
        c.close().await.unwrap();
    }

    pub async fn go(&self, path: &str) {
        self.c.goto(&format!("{}{path}", self.base)).await.unwrap();
    }

    pub async fn path(&self) -> String {
        let url = self.c.current_url().await.unwrap();
        match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_owned(),
        }
    }

    /// The element, waiting for it to appear.
    pub async fn find(&self, css: &str) -> Element {
        self.wait_for(Locator::Css(css)).await
    }

    async fn wait_for(&self, what: Locator<'_>) -> Element {
        match self.c.wait().at_most(PATIENCE).for_element(what).await {
            Ok(el) => el,
            Err(e) => panic!("no {what:?} on {}: {e}", self.url_now().await),
        }
    }

    /// Where the browser is, for a failure's message; the page as it
    /// looks is saved beside the screenshots as `failure-<time>.png`.
    async fn url_now(&self) -> String {
        if let Ok(png) = self.c.screenshot().await {
            let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
            let _ = std::fs::create_dir_all(&dir);
            let name = format!("failure-{}.png", chrono::Utc::now().format("%H%M%S%3f"));
            let _ = std::fs::write(dir.join(&name), png);
        }
        self.c
            .current_url()
            .await
            .map(|u| u.to_string())
            .unwrap_or_default()
    }

    pub async fn count(&self, css: &str) -> usize {
        self.c.find_all(Locator::Css(css)).await.unwrap().len()
    }

    pub async fn click(&self, css: &str) {
        self.tap(&self.find(css).await).await;
    }

    /// Click a link by its exact text.
    pub async fn click_link(&self, text: &str) {
        self.tap(&self.wait_for(Locator::LinkText(text)).await)
            .await;
    }

    /// Click an element after bringing it into view: a phone's viewport is
    /// short, and a thumb scrolls first.
    pub async fn tap(&self, el: &Element) {
        self.c
            .execute(
                "arguments[0].scrollIntoView({block: 'center'});",
                vec![serde_json::to_value(el).unwrap()],
            )
            .await
            .unwrap();
        el.click().await.unwrap();
    }

    pub async fn fill(&self, css: &str, text: &str) {
        let el = self.find(css).await;
        el.clear().await.unwrap();
        el.send_keys(text).await.unwrap();
    }

    pub async fn select(&self, css: &str, value: &str) {
        self.find(css).await.select_by_value(value).await.unwrap();
    }

    /// Submit the form an element is in (its submit button, clicked).
    pub async fn submit(&self, form_css: &str) {
        self.click(&format!("{form_css} button[type=submit]")).await;
    }

    pub async fn text(&self, css: &str) -> String {
        self.find(css).await.text().await.unwrap()
    }

    /// Everything the page says.
    pub async fn page_text(&self) -> String {
        self.eval("return document.body.innerText;")
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    pub async fn eval(&self, script: &str) -> Value {
        self.c.execute(script, vec![]).await.unwrap()
    }

    /// Wait until the page says `needle`.
    pub async fn wait_for_text(&self, needle: &str) {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            let text = self.page_text().await;
            if text.contains(needle) {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{needle:?} never appeared on {}; the page says:\n{text}",
                self.url_now().await
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Wait until the address is `path` (without the query).
    pub async fn wait_for_path(&self, want: impl Fn(&str) -> bool, what: &str) {
        self.wait_for_url(|url| want(url.path()), what).await;
    }

    /// Wait until the page's address (path and query) is as wanted.
    pub async fn wait_for_path_and_query(&self, want: impl Fn(&str) -> bool, what: &str) {
        self.wait_for_url(
            |url| match url.query() {
                Some(q) => want(&format!("{}?{q}", url.path())),
                None => want(url.path()),
            },
            what,
        )
        .await;
    }

    async fn wait_for_url(&self, want: impl Fn(&url::Url) -> bool, what: &str) {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            let url = self.c.current_url().await.unwrap();
            if want(&url) {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "never reached {what}; still at {url}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Sign in through the login page, as a person would, and land on the
    /// home page.
    pub async fn login(&self, username: &str) {
        self.go("/login").await;
        self.fill("#username", username).await;
        self.fill("#password", DEMO_PASSWORD).await;
        self.submit("form[action='/login']").await;
        self.wait_for_path(|p| p != "/login", "a page after login")
            .await;
        self.find("nav.mainnav").await;
    }

    /// The language the page is in (`zh-CN` or `en`).
    pub async fn lang(&self) -> String {
        self.eval("return document.documentElement.lang;")
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Save a screenshot of what the viewport shows as `name`.png, after
    /// checking it is one.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let png = self.c.screenshot().await.unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "{name}: not a PNG");
        let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
        let height = u32::from_be_bytes(png[20..24].try_into().unwrap());
        let want = match self.viewport {
            Viewport::Phone => (780, 1688),
            Viewport::Desktop => (1280, 800),
        };
        assert_eq!((width, height), want, "{name}: the screenshot's size");
        let dir = match std::env::var("SANSE_SCREENSHOTS") {
            Ok(d) if !d.is_empty() => {
                let d = PathBuf::from(d);
                if d.is_absolute() {
                    d
                } else {
                    Path::new(env!("CARGO_MANIFEST_DIR")).join(d)
                }
            }
            _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots"),
        };
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).unwrap();
        path
    }

    /// axe-core's serious and critical violations on the page, one line
    /// each (rule, what it says, where).
    pub async fn axe(&self) -> Vec<String> {
        static AXE: &str = include_str!("../vendor/axe-core/axe.min.js");
        let loaded = self
            .c
            .execute(
                &format!("{AXE}\n;return typeof window.axe === 'object';"),
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(loaded, json!(true), "axe-core did not load");
        let result = self
            .c
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, { resultTypes: ['violations'] })
                   .then(r => done(r.violations
                     .filter(v => v.impact === 'serious' || v.impact === 'critical')
                     .map(v => v.impact + ' ' + v.id + ': ' + v.help + ' at '
                          + v.nodes.slice(0, 4).map(n => n.target.join(' ')).join(', '))))
                   .catch(e => done(['axe failed: ' + e]));",
                vec![],
            )
            .await
            .unwrap();
        result
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap_or_default().to_owned())
            .collect()
    }

    /// Press keys where the focus is.
    pub async fn keys(&self, keys: &str) {
        self.c
            .active_element()
            .await
            .unwrap()
            .send_keys(keys)
            .await
            .unwrap();
    }

    /// Tab forward until the element matching `css` has the focus.
    pub async fn tab_to(&self, css: &str) {
        for _ in 0..60 {
            let focused = self
                .c
                .execute(
                    "return document.activeElement && document.activeElement.matches(arguments[0]);",
                    vec![json!(css)],
                )
                .await
                .unwrap();
            if focused == json!(true) {
                return;
            }
            self.keys(&char::from(Key::Tab).to_string()).await;
        }
        panic!("Tab never reached {css} on {}", self.url_now().await);
    }

    /// A file the browser downloaded (waiting for it to finish).
    pub async fn downloaded(&self, ending: &str) -> PathBuf {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            let done: Vec<PathBuf> = std::fs::read_dir(&self.downloads)
                .unwrap()
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.to_string_lossy().ends_with(ending))
                .collect();
            if let Some(p) = done.into_iter().next() {
                return p;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "no {ending} file was downloaded into {}",
                self.downloads.display()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// A Chrome DevTools command, through ChromeDriver's `goog/cdp/execute`.
#[derive(Debug)]
struct Cdp {
    cmd: &'static str,
    params: Value,
}

impl fantoccini::wd::WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (axum::http::Method, Option<String>) {
        let body = json!({ "cmd": self.cmd, "params": self.params });
        (axum::http::Method::POST, Some(body.to_string()))
    }
}

impl Browser {
    /// Show the page as it prints (`print`) or back on screen (`screen`).
    pub async fn media(&self, media: &str) {
        self.c
            .issue_cmd(Cdp {
                cmd: "Emulation.setEmulatedMedia",
                params: json!({ "media": if media == "screen" { "" } else { media } }),
            })
            .await
            .unwrap();
    }

    /// Whether the first element matching `css` is displayed.
    pub async fn shown(&self, css: &str) -> bool {
        self.c
            .execute(
                "const e = document.querySelector(arguments[0]);
                 return !!e && getComputedStyle(e).display !== 'none' && e.getClientRects().length > 0;",
                vec![json!(css)],
            )
            .await
            .unwrap()
            == json!(true)
    }
}

fn enter() -> String {
    char::from(Key::Enter).to_string()
}

/// A demo enterprise that `username` is liaison officer for, with no open
/// hazard yet: (id, name).
async fn liaison_enterprise(db: &PgPool, username: &str) -> (i64, String) {
    sqlx::query_as(
        "select e.enterprise_id, e.name from enterprise e
         join app_user u on u.user_id = e.liaison_officer_id
         where u.username = $1 and e.status = 'active'
           and not exists (select 1 from hazard h where h.enterprise_id = e.enterprise_id)
         order by e.enterprise_id limit 1",
    )
    .bind(username)
    .fetch_one(db)
    .await
    .unwrap()
}

/// Journey 1: an officer on a phone logs a security inspection with a
/// failed item and a major hazard, and sees both on the enterprise page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn officer_logs_an_inspection_on_a_phone() {
    let site = Site::demo().await;
    let (enterprise_id, name) = liaison_enterprise(site.db(), "jn.officer1").await;
    let b = Browser::open(&site, Viewport::Phone).await;
    b.go("/login").await;
    b.screenshot("login-phone").await;
    b.login("jn.officer1").await;
    assert_eq!(b.path().await, "/officer");
    b.screenshot("officer-home-phone").await;

    // Find it in the register by name.
    b.click("nav.mainnav a[href='/enterprises']").await;
    b.find("#q").await;
    b.screenshot("enterprises-phone").await;
    b.fill("#q", &name).await;
    b.submit("form[role=search]").await;
    b.click_link(&name).await;
    b.wait_for_path(
        |p| p == format!("/enterprises/{enterprise_id}"),
        "the enterprise page",
    )
    .await;

    b.click(&format!(
        "a[href='/enterprises/{enterprise_id}/visits/new']"
    ))
    .await;
    b.find("#visited_on").await;
    b.select("#kind", "inspection").await;
    b.screenshot("visit-form-phone").await;
    b.fill("#notes", "检查消防通道和灭火器，二楼仓库堆放杂物。")
        .await;
    // Every checklist item passes but the first, which fails with a note.
    let items = b.count("fieldset.check-item").await;
    assert!(items >= 5, "the inspection checklist has {items} items");
    for (i, item) in
        b.c.find_all(Locator::Css("fieldset.check-item"))
            .await
            .unwrap()
            .into_iter()
            .enumerate()
    {
        let answer = if i == 0 { "fail" } else { "pass" };
        let radio = item
            .find(Locator::Css(&format!("input[type=radio][value={answer}]")))
            .await
            .unwrap();
        b.tap(&radio).await;
        if i == 0 {
            let note = item.find(Locator::Css("input[type=text]")).await.unwrap();
            note.send_keys("消防通道被货物堵塞").await.unwrap();
        }
    }
    b.select("#hazard1_severity", "major").await;
    b.fill("#hazard1_description", "二楼仓库消防通道堵塞，灭火器过期")
        .await;
    // A date input takes typed digits in the order of the browser's
    // locale; set its value as a date picker would.
    let due = (chrono::Utc::now() + chrono::Duration::days(10))
        .format("%Y-%m-%d")
        .to_string();
    b.c.execute(
        "document.getElementById('hazard1_deadline').value = arguments[0];",
        vec![json!(due)],
    )
    .await
    .unwrap();
    b.submit("form.form").await;
    b.wait_for_path(|p| p.starts_with("/visits/"), "the saved visit")
        .await;
    b.find(".flash").await;

    // The enterprise page shows the visit and the open major hazard.
    b.go(&format!("/enterprises/{enterprise_id}")).await;
    b.screenshot("enterprise-phone").await;
    let text = b.page_text().await;
    assert!(
        text.contains("二楼仓库消防通道堵塞，灭火器过期"),
        "the hazard is not among the open items:\n{text}"
    );
    assert!(
        text.contains("检查消防通道和灭火器"),
        "the visit is not on the enterprise page:\n{text}"
    );
    let (failed, severity): (i64, String) = sqlx::query_as(
        "select (select count(*) from visit_check c where c.visit_id = v.visit_id and c.answer = 'fail'),
                (select h.severity::text from hazard h where h.visit_id = v.visit_id)
         from visit v where v.enterprise_id = $1 order by v.visit_id desc limit 1",
    )
    .bind(enterprise_id)
    .fetch_one(site.db())
    .await
    .unwrap();
    assert_eq!((failed, severity.as_str()), (1, "major"));
    b.close().await;
}

/// The last complete quarter, which the demo leaves for the chief to run.
fn quarter_to_run() -> sanse::scoring::Quarter {
    let today = sanse::clock::Clock::default().today();
    sanse::scoring::Quarter::containing(today).previous()
}

/// Journey 2: the chief runs the quarter, filters the tier board to red,
/// opens an assessment, overrides its level with a reason and publishes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chief_runs_reviews_overrides_and_publishes() {
    let site = Site::demo().await;
    let quarter = quarter_to_run().to_string();
    let b = Browser::open(&site, Viewport::Desktop).await;
    b.login("jn.chief").await;
    assert_eq!(b.path().await, "/chief");
    b.screenshot("chief-home-desktop").await;

    b.click("nav.mainnav a[href='/evaluations']").await;
    let proposed = b.find("#quarter").await.prop("value").await.unwrap();
    assert_eq!(proposed.as_deref(), Some(quarter.as_str()));
    b.submit("form[action='/evaluations']").await;
    b.wait_for_path(|p| p == format!("/evaluations/{quarter}"), "the tier board")
        .await;
    b.find("#board").await;
    b.screenshot("tier-board-desktop").await;

    b.select("#level", "red").await;
    b.submit("form[role=search]").await;
    // The same path as before the filter: wait for the query too.
    b.wait_for_path_and_query(
        |p| p.starts_with(&format!("/evaluations/{quarter}?")) && p.contains("level=red"),
        "the filtered board",
    )
    .await;
    assert!(b.path().await.contains("level=red"), "{}", b.path().await);
    let rows = b.count("#board tbody tr").await;
    let red_rows = b.count("#board tbody tr .level-red").await;
    assert!(rows > 0, "the demo has red enterprises this quarter");
    assert_eq!(red_rows, rows, "every row of the red board is red");
    // Not by colour alone: each badge says its level in a letter and a word.
    let badges = b
        .eval("return [...document.querySelectorAll('#board .level-red')].map(e => e.textContent.replace(/\\s+/g, ' ').trim());")
        .await;
    for badge in badges.as_array().unwrap() {
        assert_eq!(badge, &json!("R 红色"), "a red badge's words");
    }
    b.eval("document.getElementById('board').scrollIntoView({block: 'start'}); return true;")
        .await;
    b.screenshot("tier-board-red-desktop").await;
    b.media("print").await;
    assert!(!b.shown("form[role=search]").await, "no filters on paper");
    assert!(b.shown("#board tbody tr").await, "the board on paper");
    b.media("screen").await;

    // Open the first and override it to yellow, with the reason.
    let first = b.find("#board tbody tr td a").await;
    let name = first.text().await.unwrap();
    first.click().await.unwrap();
    b.find("form[action$='/override']").await;
    b.select("form[action$='/override'] #level", "yellow").await;
    let reason = "整改已于评定后完成，经复查消防通道已清理，调整为黄色。";
    b.fill("#reason", reason).await;
    b.submit("form[action$='/override']").await;
    b.find(".flash").await;
    assert!(b.text("#override-reason").await.contains(reason));
    assert!(b.page_text().await.contains(&name));

    b.go(&format!("/evaluations/{quarter}")).await;
    b.submit(".publish-box").await;
    b.find(".flash").await;
    let status = b.text("#evaluation-status").await;
    assert_eq!(status, "已发布", "the board's status after publishing");
    let (published, overridden): (bool, Option<String>) = sqlx::query_as(
        "select ev.published_at is not null,
                (select a.override_level::text from assessment a
                 join enterprise e using (enterprise_id)
                 where a.evaluation_id = ev.evaluation_id and e.name = $2)
         from evaluation ev join station s using (station_id)
         where s.code = 'jiangnan' and ev.quarter = $1",
    )
    .bind(&quarter)
    .bind(&name)
    .fetch_one(site.db())
    .await
    .unwrap();
    assert!(published);
    assert_eq!(overridden.as_deref(), Some("yellow"));
    b.close().await;
}

/// Journey 3: a department user has the dashboard open; the chief
/// publishes; the push arrives without a reload, is acknowledged, and an
/// action is recorded on one of its enterprises.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn department_sees_a_push_arrive_live_and_acts_on_it() {
    let site = Site::demo().await;
    let b = Browser::open(&site, Viewport::Desktop).await;
    b.login("dept.fire").await;
    assert_eq!(b.path().await, "/department");
    b.find("#live-dashboard[data-live=connected]").await;
    // Mark the page: a reload would lose this.
    b.eval("window.sanseNotReloaded = true; return true;").await;

    // The chief of Jiangnan runs and publishes the quarter.
    let quarter = quarter_to_run();
    let (station, chief): (i64, i64) =
        sqlx::query_as("select station_id, user_id from app_user where username = 'jn.chief'")
            .fetch_one(site.db())
            .await
            .unwrap();
    let now = chrono::Utc::now();
    let today = sanse::clock::Clock::default().today();
    let chief = sanse::ids::UserId(chief);
    sanse::evaluations::service::run(
        site.db(),
        crate::harness::scope(station),
        quarter,
        Some(chief),
        now,
        today,
    )
    .await
    .unwrap();
    sanse::evaluations::service::publish(
        site.db(),
        crate::harness::scope(station),
        quarter,
        chief,
        now,
        today,
    )
    .await
    .unwrap();
    let push: i64 = sqlx::query_scalar(
        "select p.push_id from push p join department d using (department_id)
         where d.code = 'fire-rescue' and p.station_id = $1 and p.quarter = $2",
    )
    .bind(station)
    .bind(quarter.to_string())
    .fetch_one(site.db())
    .await
    .unwrap();

    let ack = format!("form[action='/department/pushes/{push}/acknowledge']");
    b.find(&ack).await;
    assert_eq!(
        b.eval("return window.sanseNotReloaded === true;").await,
        json!(true),
        "the push appeared by a reload, not live"
    );
    assert!(
        !b.text("#live-status").await.is_empty(),
        "the arrival is announced"
    );
    b.screenshot("department-dashboard-desktop").await;

    b.submit(&ack).await;
    b.find(".flash").await;
    let acknowledged: bool =
        sqlx::query_scalar("select acknowledged_at is not null from push where push_id = $1")
            .bind(push)
            .fetch_one(site.db())
            .await
            .unwrap();
    assert!(acknowledged);

    b.go(&format!("/department/pushes/{push}")).await;
    let item = b
        .find(&format!(
            "a[href^='/department/pushes/{push}/enterprises/']"
        ))
        .await;
    let name = item.text().await.unwrap();
    item.click().await.unwrap();
    b.select("#kind", "joint_inspection").await;
    let note = "会同派出所联合检查，现场督促清理消防通道，责令七日内整改。";
    b.fill("#note", note).await;
    b.submit("form.form").await;
    b.wait_for_text(note).await;
    let recorded: i64 = sqlx::query_scalar(
        "select count(*) from coordinated_action ca join enterprise e using (enterprise_id)
         where ca.push_id = $1 and e.name = $2 and ca.note = $3",
    )
    .bind(push)
    .bind(&name)
    .bind(note)
    .fetch_one(site.db())
    .await
    .unwrap();
    assert_eq!(recorded, 1);
    b.close().await;
}

/// Journey 4: the monthly service list exported to CSV, then the language
/// switched, and kept from page to page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn monthly_list_exports_csv_and_the_language_switches() {
    let site = Site::demo().await;
    let b = Browser::open(&site, Viewport::Desktop).await;
    b.login("jn.chief").await;
    b.go("/reports/monthly").await;
    let rows = b.count("table tbody tr").await;
    assert!(rows > 0, "the demo's current month has service work");
    let first_cell = b.text("table tbody tr td").await;
    b.click("a[download][href*='monthly.csv']").await;
    let file = b.downloaded(".csv").await;
    let csv = std::fs::read_to_string(&file).unwrap();
    let csv = csv.trim_start_matches('\u{feff}');
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines.len() > 1, "the CSV has rows:\n{csv}");
    assert!(
        csv.contains(first_cell.trim()),
        "the CSV lacks {first_cell:?}, the table's first cell:\n{csv}"
    );

    // On paper: the list alone, without navigation, filters or buttons.
    for (css, on_screen, on_paper) in [
        ("nav.mainnav", true, false),
        ("a[download]", true, false),
        ("table tbody tr", true, true),
    ] {
        assert_eq!(b.shown(css).await, on_screen, "{css} on screen");
        b.media("print").await;
        assert_eq!(b.shown(css).await, on_paper, "{css} on paper");
        b.media("screen").await;
    }

    assert_eq!(b.lang().await, "zh-CN");
    let heading_zh = b.text("h1").await;
    b.click("form[action='/lang'] button").await;
    b.wait_for_path(|p| p == "/reports/monthly", "the same page")
        .await;
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while b.lang().await != "en" {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the page stayed in Chinese"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let heading_en = b.text("h1").await;
    assert_ne!(heading_zh, heading_en);
    assert!(heading_en.is_ascii(), "an English heading: {heading_en:?}");
    // The choice follows the user to other pages.
    b.click("nav.mainnav a[href='/enterprises']").await;
    b.find("#q").await;
    assert_eq!(b.lang().await, "en");
    assert!(b.page_text().await.contains("Enterprises"));
    b.screenshot("enterprises-desktop-en").await;
    b.close().await;
}

async fn first_id(db: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
        .fetch_one(db)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// The main pages of each role, in the order they are checked.
async fn main_pages(db: &PgPool) -> Vec<(&'static str, Vec<String>)> {
    let jiangnan = "(select station_id from station where code = 'jiangnan')";
    let e = first_id(
        db,
        &format!("select min(enterprise_id) from enterprise where station_id = {jiangnan}"),
    )
    .await;
    // The latest record of each kind at Jiangnan.
    let latest = async |table: &str| {
        first_id(
            db,
            &format!("select max({table}_id) from {table} where station_id = {jiangnan}"),
        )
        .await
    };
    let visit = latest("visit").await;
    let hazard = latest("hazard").await;
    let dispute = latest("dispute").await;
    let demand = latest("demand").await;
    let incident = latest("incident").await;
    let training = latest("training").await;
    let quarter: String = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "select max(quarter) from evaluation where station_id = {jiangnan} and published_at is not null"
    )))
    .fetch_one(db)
    .await
    .unwrap();
    let assessed = first_id(
        db,
        &format!(
            "select min(a.enterprise_id) from assessment a join evaluation ev using (evaluation_id)
             where ev.station_id = {jiangnan} and ev.quarter = '{quarter}' and a.final_level = 'red'"
        ),
    )
    .await;
    let push = first_id(
        db,
        "select max(p.push_id) from push p join department d using (department_id) where d.code = 'fire-rescue'",
    )
    .await;
    let pushed = first_id(
        db,
        &format!("select min(enterprise_id) from push_item where push_id = {push}"),
    )
    .await;
    let department = first_id(
        db,
        "select department_id from department where code = 'fire-rescue'",
    )
    .await;
    vec![
        (
            "jn.officer1",
            vec![
                "/officer".into(),
                "/enterprises".into(),
                format!("/enterprises/{e}"),
                format!("/enterprises/{e}/visits/new"),
                "/visits".into(),
                format!("/visits/{visit}"),
                "/hazards".into(),
                format!("/hazards/{hazard}"),
                format!("/enterprises/{e}/hazards/new"),
                "/disputes".into(),
                format!("/disputes/{dispute}"),
                "/demands".into(),
                format!("/demands/{demand}"),
                "/incidents".into(),
                format!("/incidents/{incident}"),
                "/trainings".into(),
                format!("/trainings/{training}"),
                "/reports/monthly".into(),
                "/account/password".into(),
                "/enterprises/new".into(),
                "/enterprises/import".into(),
                format!("/enterprises/{e}/disputes/new"),
                format!("/enterprises/{e}/demands/new"),
                format!("/enterprises/{e}/incidents/new"),
                format!("/enterprises/{e}/trainings/new"),
                format!("/visits/{visit}/edit"),
            ],
        ),
        (
            "jn.chief",
            vec![
                "/chief".into(),
                "/evaluations".into(),
                format!("/evaluations/{quarter}"),
                format!("/evaluations/{quarter}/{assessed}"),
            ],
        ),
        (
            "dept.fire",
            vec![
                "/department".into(),
                format!("/department/pushes/{push}"),
                format!("/department/pushes/{push}/enterprises/{pushed}"),
            ],
        ),
        (
            "admin",
            vec![
                "/admin".into(),
                "/admin/departments".into(),
                format!("/admin/departments/{department}"),
                "/admin/policies".into(),
                "/admin/policies/new".into(),
            ],
        ),
    ]
}

/// axe-core on every main page of every role, in Chinese and in English,
/// and on a form showing its errors: no serious or critical violation.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn main_pages_pass_axe_in_both_languages() {
    let site = Site::demo().await;
    let pages = main_pages(site.db()).await;
    let b = Browser::open(&site, Viewport::Desktop).await;
    let mut found = Vec::new();
    let mut checked = 0;
    for lang in ["zh-CN", "en"] {
        b.c.delete_all_cookies().await.unwrap();
        b.go("/login").await;
        if b.lang().await != lang {
            b.click("form[action='/lang'] button").await;
        }
        assert_eq!(b.lang().await, lang, "the login page's language");
        for v in b.axe().await {
            found.push(format!("[{lang}] /login: {v}"));
        }
        checked += 1;
        for (user, paths) in &pages {
            b.c.delete_all_cookies().await.unwrap();
            b.login(user).await;
            if b.lang().await != lang {
                b.click("form[action='/lang'] button").await;
                b.find(&format!("html[lang='{lang}']")).await;
            }
            for path in paths {
                b.go(path).await;
                assert_eq!(b.lang().await, lang, "{path} as {user}");
                let title = b.eval("return document.title;").await;
                assert!(
                    !title.as_str().unwrap_or_default().is_empty(),
                    "{path} has a title"
                );
                for v in b.axe().await {
                    found.push(format!("[{lang}] {path} as {user}: {v}"));
                }
                checked += 1;
            }
            if *user == "jn.officer1" {
                // A form with its errors showing.
                b.go(&pages[0].1[3]).await;
                b.submit("form.form").await;
                b.find("[aria-invalid=true]").await;
                for v in b.axe().await {
                    found.push(format!("[{lang}] the visit form with errors: {v}"));
                }
                checked += 1;
            }
        }
    }
    assert!(checked >= 2 * 40, "only {checked} pages checked");
    assert!(
        found.is_empty(),
        "axe-core found {} serious or critical violations on {checked} pages:\n{}",
        found.len(),
        found.join("\n")
    );
    b.close().await;
}

/// An officer logs a visit with the keyboard alone; focus is always
/// visible; a form with errors says so (role=alert, each field pointing
/// at its message) and keeps what was typed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visit_is_logged_with_the_keyboard_alone() {
    let site = Site::demo().await;
    let (enterprise_id, _) = liaison_enterprise(site.db(), "jn.officer1").await;
    let b = Browser::open(&site, Viewport::Desktop).await;
    let tab = char::from(Key::Tab).to_string();

    b.go("/login").await;
    // The skip link comes first, and shows itself when focused.
    b.tab_to("a.skip-link").await;
    let skip = b
        .eval(
            "const a = document.activeElement; const r = a.getBoundingClientRect();
               return [a.className, r.top >= 0 && r.bottom <= window.innerHeight && r.width > 0];",
        )
        .await;
    assert_eq!(
        skip,
        json!(["skip-link", true]),
        "the skip link, visible on focus"
    );
    b.tab_to("#username").await;
    b.keys("jn.officer1").await;
    b.keys(&tab).await;
    b.tab_to("#password").await;
    b.keys(DEMO_PASSWORD).await;
    b.keys(&enter()).await;
    b.wait_for_path(|p| p == "/officer", "the officer's home")
        .await;

    b.go(&format!("/enterprises/{enterprise_id}/visits/new"))
        .await;
    // Submitting an incomplete form: told, per field, and nothing lost.
    b.tab_to("#notes").await;
    let outline = b
        .eval(
            "const s = getComputedStyle(document.activeElement);
               return s.outlineStyle !== 'none' || s.boxShadow !== 'none';",
        )
        .await;
    assert_eq!(outline, json!(true), "the focused field shows its focus");
    b.keys("键盘登记的走访").await;
    b.tab_to("form.form button[type=submit]").await;
    b.keys(&enter()).await;
    b.find("[role=alert]").await;
    let kind = b.find("#kind").await;
    assert_eq!(
        kind.attr("aria-invalid").await.unwrap().as_deref(),
        Some("true")
    );
    let described = kind.attr("aria-describedby").await.unwrap().unwrap();
    let message = b.text(&format!("#{described}")).await;
    assert!(!message.is_empty(), "#{described} says what is wrong");
    assert_eq!(
        b.find("#notes")
            .await
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("键盘登记的走访"),
        "what was typed is kept"
    );

    // Choose the kind with the arrow keys, answer the checklist with the
    // space bar, save with Enter.
    b.tab_to("#kind").await;
    for _ in 0..6 {
        if b.find("#kind")
            .await
            .prop("value")
            .await
            .unwrap()
            .as_deref()
            == Some("inspection")
        {
            break;
        }
        b.keys(&char::from(Key::Down).to_string()).await;
    }
    assert_eq!(
        b.find("#kind")
            .await
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("inspection")
    );
    let passes: Vec<String> = {
        let mut ids = Vec::new();
        for radio in
            b.c.find_all(Locator::Css("fieldset.check-item input[value=pass]"))
                .await
                .unwrap()
        {
            ids.push(radio.attr("id").await.unwrap().unwrap());
        }
        ids
    };
    assert!(!passes.is_empty());
    for id in &passes {
        b.tab_to(&format!("#{id}")).await;
        b.keys(" ").await;
    }
    b.tab_to("form.form button[type=submit]").await;
    b.keys(&enter()).await;
    b.wait_for_path(|p| p.starts_with("/visits/"), "the saved visit")
        .await;
    let (notes, passed): (String, i64) = sqlx::query_as(
        "select v.notes, (select count(*) from visit_check c where c.visit_id = v.visit_id and c.answer = 'pass')
         from visit v where v.enterprise_id = $1 order by v.visit_id desc limit 1",
    )
    .bind(enterprise_id)
    .fetch_one(site.db())
    .await
    .unwrap();
    assert_eq!(notes, "键盘登记的走访");
    assert_eq!(passed, passes.len() as i64);
    b.close().await;
}
