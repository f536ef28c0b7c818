//! The test harness: a PostgreSQL server (`DATABASE_URL`, or one private
//! embedded cluster per test process), a fresh database per test, fixtures,
//! and a cookie-keeping client that drives the real router.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, LazyLock, OnceLock};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use sanse::config::Config;
use sanse::{AppState, db};
use sanse_pg::EmbeddedPostgres;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, PgConnection, PgPool};
use tower::ServiceExt;

/// Every fixture account has this password.
pub const PASSWORD: &str = "correct-horse-42";

/// Where test databases live.
struct Server {
    /// Options for a maintenance connection (to create databases).
    admin: PgConnectOptions,
    template: String,
    /// With the embedded cluster: its socket, for the TCP proxy.
    socket: Option<std::path::PathBuf>,
    tcp: Option<(String, u16)>,
    _embedded: Option<EmbeddedPostgres>,
}

static SERVER: OnceLock<Server> = OnceLock::new();
static COUNTER: AtomicU32 = AtomicU32::new(0);

fn server() -> &'static Server {
    SERVER.get_or_init(|| {
        // Start it on a runtime of its own: every test has its own runtime,
        // and the server must outlive each of them.
        std::thread::spawn(|| {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap()
                .block_on(start_server())
        })
        .join()
        .expect("starting the test database server")
    })
}

async fn start_server() -> Server {
    let template = format!("sanse_template_{}", std::process::id());
    let (admin, socket, tcp, embedded) = match std::env::var("DATABASE_URL") {
        Ok(url) if !url.is_empty() => {
            let admin: PgConnectOptions = url.parse().expect("DATABASE_URL");
            let tcp = Some((admin.get_host().to_owned(), admin.get_port()));
            (admin, None, tcp, None)
        }
        _ => {
            let pg = EmbeddedPostgres::start_temporary("postgres")
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            let socket = pg.socket_dir().join(format!(".s.PGSQL.{}", pg.port()));
            (pg.connect_options("postgres"), Some(socket), None, Some(pg))
        }
    };
    let mut conn = PgConnection::connect_with(&admin).await.expect("connect");
    if embedded.is_none() {
        drop_leftovers(&mut conn).await;
    }
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "drop database if exists {template}"
    )))
    .execute(&mut conn)
    .await
    .unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("create database {template}")))
        .execute(&mut conn)
        .await
        .unwrap();
    let pool = PgPool::connect_with(admin.clone().database(&template))
        .await
        .unwrap();
    db::migrate(&pool).await.expect("migrations apply");
    pool.close().await;
    Server {
        admin,
        template,
        socket,
        tcp,
        _embedded: embedded,
    }
}

/// On a shared server, drop the databases of earlier test runs whose
/// process has ended (each run makes one per test).
async fn drop_leftovers(conn: &mut PgConnection) {
    let names: Vec<String> = sqlx::query_scalar(
        "select datname from pg_database where datname like 'sanse\\_t\\_%' or datname like 'sanse\\_template\\_%'",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap_or_default();
    for name in names {
        let pid = name
            .trim_start_matches("sanse_t_")
            .trim_start_matches("sanse_template_")
            .split('_')
            .next()
            .unwrap_or("");
        let alive = !pid.is_empty() && std::path::Path::new(&format!("/proc/{pid}")).exists();
        if !alive {
            let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                "drop database if exists {name} with (force)"
            )))
            .execute(&mut *conn)
            .await;
        }
    }
}

/// A fresh database cloned from the migrated template.
pub async fn fresh_database() -> (PgConnectOptions, String) {
    clone_database(&server().template).await
}

/// What the demo and the seed need of the application, as `sanse` gives it.
pub const SEEDING: sanse_demo::App = sanse_demo::App {
    hash_password: sanse::auth::password::hash_blocking,
    evaluate: |pool, e| {
        Box::pin(sanse::evaluations::service::run_as_chief(
            pool,
            e.station_id,
            e.chief_id,
            &e.quarter,
            e.at,
            e.on,
        ))
    },
    publish: |pool, e| {
        Box::pin(sanse::evaluations::service::publish_as_chief(
            pool,
            e.station_id,
            e.chief_id,
            &e.quarter,
            e.at,
            e.on,
        ))
    },
};

/// Seed the demo into `pool` as `sanse demo` does, with its history ending
/// today (China time); whether it seeded.
pub async fn seed_demo(pool: &PgPool) -> bool {
    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    sanse_demo::seed_if_empty(pool, today, &SEEDING)
        .await
        .unwrap()
}

/// The name of a database holding the demo data (seeded once per test
/// process, with history ending today), for cloning.
static DEMO_TEMPLATE: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();

/// A fresh database holding the demo data, as `sanse demo` seeds it.
pub async fn demo_database() -> (PgConnectOptions, String) {
    let template = DEMO_TEMPLATE
        .get_or_init(|| async {
            let (options, name) = fresh_database().await;
            let pool = PgPool::connect_with(options).await.unwrap();
            assert!(seed_demo(&pool).await);
            pool.close().await;
            name
        })
        .await;
    clone_database(template).await
}

async fn clone_database(template: &str) -> (PgConnectOptions, String) {
    let server = server();
    let name = format!(
        "sanse_t_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    let mut conn = PgConnection::connect_with(&server.admin).await.unwrap();
    // Concurrent clones of one template can collide; retry briefly.
    let mut tries = 0;
    loop {
        let made = sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "create database {name} template {template}"
        )))
        .execute(&mut conn)
        .await;
        match made {
            Ok(_) => break,
            Err(err) if tries < 50 => {
                tries += 1;
                let _ = err;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(err) => panic!("creating {name}: {err}"),
        }
    }
    (server.admin.clone().database(&name), name)
}

static PASSWORD_HASH: LazyLock<String> =
    LazyLock::new(|| sanse::auth::password::hash_blocking(PASSWORD).unwrap());

/// Ids of the fixture records.
#[derive(Debug, Clone, Copy)]
#[allow(dead_code)] // ids for the tests of later areas
pub struct Fixture {
    pub station_a: i64,
    pub station_b: i64,
    pub department_x: i64,
    pub department_y: i64,
    pub officer_a: i64,
    pub chief_a: i64,
    pub officer_b: i64,
    pub dept_x_user: i64,
    pub dept_y_user: i64,
    pub admin: i64,
}

impl Fixture {
    /// For databases filled some other way (the demo data).
    pub fn empty() -> Fixture {
        Fixture {
            station_a: 0,
            station_b: 0,
            department_x: 0,
            department_y: 0,
            officer_a: 0,
            chief_a: 0,
            officer_b: 0,
            dept_x_user: 0,
            dept_y_user: 0,
            admin: 0,
        }
    }
}

/// Two stations, two departments, a user of each kind:
/// `officer.a`, `chief.a`, `officer.b`, `dept.x`, `dept.y`, `admin`.
pub async fn seed_fixture(db: &PgPool) -> Fixture {
    let hash = PASSWORD_HASH.clone();
    let mut tx = db.begin().await.unwrap();
    let branch: i64 = sqlx::query_scalar(
        "insert into branch (name, name_en) values ('测试分局', 'Test Branch') returning branch_id",
    )
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    let mut station = async |code: &str, name: &str, name_en: &str| -> i64 {
        sqlx::query_scalar(
            "insert into station (branch_id, code, name, name_en) values ($1, $2, $3, $4) returning station_id",
        )
        .bind(branch)
        .bind(code)
        .bind(name)
        .bind(name_en)
        .fetch_one(&mut *tx)
        .await
        .unwrap()
    };
    let station_a = station("station-a", "甲派出所", "Station A").await;
    let station_b = station("station-b", "乙派出所", "Station B").await;
    let mut department = async |code: &str, name: &str, name_en: &str| -> i64 {
        sqlx::query_scalar(
            "insert into department (code, name, name_en) values ($1, $2, $3) returning department_id",
        )
        .bind(code)
        .bind(name)
        .bind(name_en)
        .fetch_one(&mut *tx)
        .await
        .unwrap()
    };
    let department_x = department("dept-x", "消防救援站", "Fire Rescue").await;
    let department_y = department("dept-y", "市场监管所", "Market Regulation").await;
    let mut user = async |username: &str,
                          name: &str,
                          role: &str,
                          station: Option<i64>,
                          dept: Option<i64>|
           -> i64 {
        sqlx::query_scalar(
            "insert into app_user (username, display_name, role, station_id, department_id, password_hash)
             values ($1, $2, $3::user_role, $4, $5, $6) returning user_id",
        )
        .bind(username)
        .bind(name)
        .bind(role)
        .bind(station)
        .bind(dept)
        .bind(&hash)
        .fetch_one(&mut *tx)
        .await
        .unwrap()
    };
    let officer_a = user("officer.a", "王警官", "officer", Some(station_a), None).await;
    let chief_a = user("chief.a", "李所长", "chief", Some(station_a), None).await;
    let officer_b = user("officer.b", "赵警官", "officer", Some(station_b), None).await;
    let dept_x_user = user(
        "dept.x",
        "消防员小陈",
        "department",
        None,
        Some(department_x),
    )
    .await;
    let dept_y_user = user(
        "dept.y",
        "市场监管小周",
        "department",
        None,
        Some(department_y),
    )
    .await;
    let admin = user("admin", "系统管理员", "admin", None, None).await;
    tx.commit().await.unwrap();
    Fixture {
        station_a,
        station_b,
        department_x,
        department_y,
        officer_a,
        chief_a,
        officer_b,
        dept_x_user,
        dept_y_user,
        admin,
    }
}

static ENTERPRISE_SERIAL: AtomicU32 = AtomicU32::new(1);

/// An enterprise of `station_id` with a valid, unique credit code.
pub async fn insert_enterprise(
    db: &PgPool,
    station_id: i64,
    name: &str,
    liaison: Option<i64>,
) -> i64 {
    let n = ENTERPRISE_SERIAL.fetch_add(1, Ordering::Relaxed);
    let code = sanse::credit_code::CreditCode::generate("330108", u64::from(n) * 7919);
    sqlx::query_scalar(
        "insert into enterprise (station_id, name, credit_code, industry_code, address, legal_rep,
                                 security_manager, security_phone, employee_count, liaison_officer_id)
         values ($1, $2, $3, 'manufacturing', '滨江区测试路1号', '张三', '李四', '13800138000', 50, $4)
         returning enterprise_id",
    )
    .bind(station_id)
    .bind(name)
    .bind(code.as_str())
    .bind(liaison)
    .fetch_one(db)
    .await
    .unwrap()
}

/// The address the department form tests give as a webhook receiver (the
/// discard port, where nothing answers): reachable only because it is on
/// the allow-list, as an on-premise receiver would be.
pub const TEST_HOOK_ALLOWED: &str = "127.0.0.1:9";

/// The settings of a test app: the defaults, with [`TEST_HOOK_ALLOWED`] on
/// the webhook allow-list.
pub fn test_config() -> Config {
    Config {
        webhook_guard: sanse::pushes::guard::Guard::new(&[TEST_HOOK_ALLOWED.into()], Vec::new())
            .unwrap(),
        ..Config::default()
    }
}

/// Wait until `n` sessions of the test's database wait for a lock (a
/// request held up by a row the test holds), for at most ten seconds.
pub async fn wait_for_lock_waiters(db: &PgPool, n: i64) {
    for _ in 0..400 {
        let waiting: i64 = sqlx::query_scalar(
            "select count(*) from pg_stat_activity
             where datname = current_database() and wait_event_type = 'Lock'",
        )
        .fetch_one(db)
        .await
        .unwrap();
        if waiting >= n {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("{n} sessions never waited for a lock");
}

/// Rows of `table` (a fixed name from a test).
pub async fn count_rows(db: &PgPool, table: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!("select count(*) from {table}")))
        .fetch_one(db)
        .await
        .unwrap()
}

/// The application under test, on its own database.
#[allow(dead_code)]
pub struct TestApp {
    pub db: PgPool,
    pub state: AppState,
    pub router: Router,
    pub fixture: Fixture,
    pub db_name: String,
}

impl TestApp {
    pub async fn new() -> TestApp {
        TestApp::with_config(test_config()).await
    }

    pub async fn with_config(config: Config) -> TestApp {
        let (options, db_name) = fresh_database().await;
        let db = PgPoolOptions::new()
            .max_connections(5)
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(options)
            .await
            .unwrap();
        let fixture = seed_fixture(&db).await;
        // The industries are read once per process; `sanse serve` reads them
        // before it answers, so every page's statement count excludes them.
        sanse::enterprises::industries(&db).await.unwrap();
        TestApp::from_pool(db, config, fixture, db_name)
    }

    pub fn from_pool(db: PgPool, config: Config, fixture: Fixture, db_name: String) -> TestApp {
        let state = AppState::new(db.clone(), config);
        let router = sanse::router(state.clone()).unwrap();
        TestApp {
            db,
            state,
            router,
            fixture,
            db_name,
        }
    }

    pub fn client(&self) -> Client {
        self.client_from("10.1.2.3:5555")
    }

    /// A client whose requests come from `addr`.
    pub fn client_from(&self, addr: &str) -> Client {
        Client {
            router: self.router.clone(),
            cookies: HashMap::new(),
            csrf: None,
            addr: addr.parse().unwrap(),
            forwarded_for: None,
        }
    }

    /// A client already logged in as `username`.
    pub async fn login(&self, username: &str) -> Client {
        let mut client = self.client();
        let resp = client.login(username, PASSWORD).await;
        assert_eq!(
            resp.status,
            StatusCode::SEE_OTHER,
            "login of {username}: {}",
            resp.body
        );
        // Like a browser, land on the home page (and pick up its form token).
        let home = resp.location().to_owned();
        client.get(&home).await;
        client
    }

    pub async fn audit_actions(&self) -> Vec<String> {
        sqlx::query_scalar("select action from audit_event order by audit_event_id")
            .fetch_all(&self.db)
            .await
            .unwrap()
    }
}

/// A response, body read.
#[derive(Debug)]
pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Resp {
    pub fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// The page, parsed.
    pub fn html(&self) -> scraper::Html {
        scraper::Html::parse_document(&self.body)
    }

    /// The value of the first hidden `csrf` field on the page (read on
    /// every response, so by a plain scan of our own markup, not a parse).
    pub fn csrf_field(&self) -> Option<String> {
        let at = self.body.find("name=\"csrf\" value=\"")?;
        let rest = &self.body[at + "name=\"csrf\" value=\"".len()..];
        rest.split('"').next().map(str::to_owned)
    }

    /// The value of the first input named `name` on the page.
    pub fn input_value(&self, name: &str) -> Option<String> {
        let selector = scraper::Selector::parse(&format!("input[name=\"{name}\"]")).ok()?;
        let html = self.html();
        let input = html.select(&selector).next()?;
        input.value().attr("value").map(str::to_owned)
    }

    /// The text of the element with `id`, white space folded.
    pub fn text_of_id(&self, id: &str) -> Option<String> {
        let selector = scraper::Selector::parse(&format!("[id=\"{id}\"]")).ok()?;
        let html = self.html();
        let element = html.select(&selector).next()?;
        let text: String = element.text().collect();
        Some(text.split_whitespace().collect::<Vec<_>>().join(" "))
    }
}

/// Drives the router like a browser: keeps cookies, echoes the form token,
/// and sends `Sec-Fetch-Site: same-origin` as browsers do for same-site forms.
#[derive(Clone)]
pub struct Client {
    router: Router,
    pub cookies: HashMap<String, String>,
    pub csrf: Option<String>,
    pub addr: SocketAddr,
    /// Sent as `X-Forwarded-For` with every request (as a proxy would).
    pub forwarded_for: Option<String>,
}

impl Client {
    pub async fn send(&mut self, mut req: Request<Body>) -> Resp {
        if !self.cookies.is_empty() {
            let cookie = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; ");
            req.headers_mut()
                .insert(header::COOKIE, cookie.parse().unwrap());
        }
        if let Some(forwarded) = &self.forwarded_for {
            req.headers_mut()
                .insert("x-forwarded-for", forwarded.parse().unwrap());
        }
        req.extensions_mut().insert(ConnectInfo(self.addr));
        let response = self.router.clone().oneshot(req).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let body = String::from_utf8_lossy(&bytes).into_owned();
        for set in headers.get_all(header::SET_COOKIE) {
            let set = set.to_str().unwrap();
            let (pair, attrs) = set.split_once(';').unwrap_or((set, ""));
            let (name, value) = pair.split_once('=').unwrap();
            if attrs.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        let resp = Resp {
            status,
            headers,
            body,
        };
        if let Some(token) = resp.csrf_field() {
            self.csrf = Some(token);
        }
        resp
    }

    pub async fn get(&mut self, path: &str) -> Resp {
        let req = Request::builder()
            .uri(path)
            .header("sec-fetch-site", "same-origin")
            .body(Body::empty())
            .unwrap();
        self.send(req).await
    }

    /// GET with extra headers.
    pub async fn get_with(&mut self, path: &str, headers: &[(&str, &str)]) -> Resp {
        let mut req = Request::builder().uri(path);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        self.send(req.body(Body::empty()).unwrap()).await
    }

    /// POST a form with the page's token added.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Resp {
        if self.csrf.is_none() {
            // Like a browser, a form is only posted from a page showing it.
            self.get("/login").await;
        }
        let token = self.csrf.clone().unwrap_or_default();
        let mut all: Vec<(&str, &str)> = vec![("csrf", token.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(path, &all, &[("sec-fetch-site", "same-origin")])
            .await
    }

    /// POST exactly these fields and headers.
    pub async fn post_raw(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Resp {
        let body = serde_urlencoded::to_string(fields).unwrap();
        let mut req = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        self.send(req.body(Body::from(body)).unwrap()).await
    }

    /// POST a file upload; the form token goes first, as the upload forms
    /// send it.
    pub async fn post_file(
        &mut self,
        path: &str,
        field: &str,
        filename: &str,
        content: &[u8],
    ) -> Resp {
        let token = self.csrf.clone().unwrap_or_default();
        let boundary = "----sanse-test-boundary-7d93";
        let mut body = Vec::new();
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{token}\r\n\
                 --{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{filename}\"\r\nContent-Type: text/csv\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(content);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let req = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .header("sec-fetch-site", "same-origin")
            .body(Body::from(body))
            .unwrap();
        self.send(req).await
    }

    pub async fn login(&mut self, username: &str, password: &str) -> Resp {
        self.get("/login").await;
        self.post("/login", &[("username", username), ("password", password)])
            .await
    }
}

/// An app whose pool reaches its database through a proxy the test can take
/// down and bring back; also a direct pool to the same database.
pub async fn app_behind_proxy() -> (TestApp, DbProxy, PgPool) {
    let (options, db_name) = fresh_database().await;
    let direct = PgPoolOptions::new().connect_with(options).await.unwrap();
    let fixture = seed_fixture(&direct).await;
    let proxy = DbProxy::start().await;
    let pool = PgPoolOptions::new()
        .max_connections(4)
        .acquire_timeout(Duration::from_millis(800))
        .connect_with(proxy.options(&db_name))
        .await
        .unwrap();
    let app = TestApp::from_pool(pool, test_config(), fixture, db_name);
    (app, proxy, direct)
}

/// A TCP proxy in front of the test database server, to take the database
/// away and bring it back while the application runs.
pub struct DbProxy {
    pub port: u16,
    enabled: Arc<AtomicBool>,
    generation: Arc<AtomicU32>,
}

impl DbProxy {
    pub async fn start() -> DbProxy {
        let server = server();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let enabled = Arc::new(AtomicBool::new(true));
        let generation = Arc::new(AtomicU32::new(0));
        let socket = server.socket.clone();
        let tcp = server.tcp.clone();
        let (on, gen_) = (enabled.clone(), generation.clone());
        tokio::spawn(async move {
            loop {
                let Ok((mut client, _)) = listener.accept().await else {
                    return;
                };
                if !on.load(Ordering::SeqCst) {
                    drop(client);
                    continue;
                }
                let born = gen_.load(Ordering::SeqCst);
                let gen_ = gen_.clone();
                let socket = socket.clone();
                let tcp = tcp.clone();
                tokio::spawn(async move {
                    let copy = async {
                        if let Some(path) = socket {
                            let mut up = tokio::net::UnixStream::connect(path).await?;
                            tokio::io::copy_bidirectional(&mut client, &mut up).await?;
                        } else if let Some((host, port)) = tcp {
                            let mut up =
                                tokio::net::TcpStream::connect((host.as_str(), port)).await?;
                            tokio::io::copy_bidirectional(&mut client, &mut up).await?;
                        }
                        std::io::Result::Ok(())
                    };
                    // Cut the connection when the proxy is switched off.
                    let cut = async {
                        while gen_.load(Ordering::SeqCst) == born {
                            tokio::time::sleep(Duration::from_millis(20)).await;
                        }
                    };
                    tokio::select! {
                        _ = copy => {},
                        () = cut => {},
                    }
                });
            }
        });
        DbProxy {
            port,
            enabled,
            generation,
        }
    }

    /// Cut every open connection and refuse new ones.
    pub async fn take_down(&self) {
        self.enabled.store(false, Ordering::SeqCst);
        self.generation.fetch_add(1, Ordering::SeqCst);
        // the copy tasks notice within 20 ms
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    pub fn bring_back(&self) {
        self.enabled.store(true, Ordering::SeqCst);
    }

    /// Connect options for `database` through this proxy.
    pub fn options(&self, database: &str) -> PgConnectOptions {
        let server = server();
        PgConnectOptions::new_without_pgpass()
            .host("127.0.0.1")
            .port(self.port)
            .username(server.admin.get_username())
            .database(database)
    }
}

/// An inspection on `date` answering the ten items of checklist 1: the first
/// `passed` pass, the rest fail.
pub async fn inspect(app: &TestApp, station: i64, enterprise: i64, date: &str, passed: i32) {
    let visit: i64 = sqlx::query_scalar(
        "insert into visit (station_id, enterprise_id, visited_on, kind, checklist_template_id, created_by)
         values ($1, $2, $3::date, 'inspection', 1, $4) returning visit_id",
    )
    .bind(station)
    .bind(enterprise)
    .bind(date)
    .bind(app.fixture.officer_a)
    .fetch_one(&app.db)
    .await
    .unwrap();
    sqlx::query(
        "insert into visit_check (visit_id, checklist_item_id, answer)
         select $1, checklist_item_id, case when position <= $2 then 'pass'::check_answer else 'fail'::check_answer end
         from checklist_item where checklist_template_id = 1",
    )
    .bind(visit)
    .bind(passed)
    .execute(&app.db)
    .await
    .unwrap();
}

/// The quarter the push scenes publish.
pub const PUSH_QUARTER: &str = "2026-Q3";

/// Enterprises and pushes of a published quarter.
#[allow(dead_code)]
pub struct PushScene {
    /// Station A: green, yellow (safety 20 → total 80), red (10 of 10
    /// passed but vetoed: a major hazard overdue).
    pub green: i64,
    pub yellow: i64,
    pub red: i64,
    /// Station B: one green enterprise.
    pub green_b: i64,
    /// Department X (red and yellow of station A): its push of station A.
    pub push_x: i64,
    /// Department Y (every level, every station): its pushes of A and B.
    pub push_y_a: i64,
    pub push_y_b: i64,
}

/// Subscriptions: department X receives red and yellow enterprises of
/// station A; department Y every level from every station. Then 2026-Q3 is
/// run and published for stations A and B (by the service, as a chief would).
pub async fn push_scene(app: &TestApp) -> PushScene {
    let (a, b, officer) = (
        app.fixture.station_a,
        app.fixture.station_b,
        Some(app.fixture.officer_a),
    );
    let green = insert_enterprise(&app.db, a, "临江满分企业有限公司", officer).await;
    let yellow = insert_enterprise(&app.db, a, "临江一般企业有限公司", officer).await;
    let red = insert_enterprise(&app.db, a, "临江隐患企业有限公司", officer).await;
    let green_b = insert_enterprise(&app.db, b, "乙站企业有限公司", None).await;
    inspect(app, a, green, "2026-08-10", 10).await;
    inspect(app, a, yellow, "2026-08-11", 5).await;
    inspect(app, a, red, "2026-08-12", 10).await;
    inspect(app, b, green_b, "2026-08-12", 10).await;
    sqlx::query(
        "insert into hazard (station_id, enterprise_id, found_on, severity, description, deadline, created_by)
         values ($1, $2, '2026-07-01', 'major', '危化品混放', '2026-07-15', $3)",
    )
    .bind(a)
    .bind(red)
    .bind(app.fixture.officer_a)
    .execute(&app.db)
    .await
    .unwrap();
    sqlx::query(
        "insert into subscription (department_id, station_id, levels) values
           ($1, $2, '{red,yellow}'), ($3, null, '{green,yellow,red}')",
    )
    .bind(app.fixture.department_x)
    .bind(a)
    .bind(app.fixture.department_y)
    .execute(&app.db)
    .await
    .unwrap();
    let quarter = sanse::scoring::Quarter::parse(PUSH_QUARTER).unwrap();
    let now = app.state.clock.now();
    let today = now.date_naive();
    let mut pushes = Vec::new();
    for (station, chief) in [(a, app.fixture.chief_a), (b, app.fixture.chief_a)] {
        sanse::evaluations::service::run(
            &app.db,
            scope(station),
            quarter,
            Some(sanse::ids::UserId(chief)),
            now,
            today,
        )
        .await
        .unwrap();
        let published = sanse::evaluations::service::publish(
            &app.db,
            scope(station),
            quarter,
            sanse::ids::UserId(chief),
            now,
            today,
        )
        .await
        .unwrap();
        pushes.push(published.pushes);
    }
    let find = |i: usize, dept: i64| {
        pushes[i]
            .iter()
            .find(|w| w.department_id == dept)
            .expect("a push")
            .push_id
    };
    PushScene {
        green,
        yellow,
        red,
        green_b,
        push_x: find(0, app.fixture.department_x),
        push_y_a: find(0, app.fixture.department_y),
        push_y_b: find(1, app.fixture.department_y),
    }
}

impl TestApp {
    /// A second Sanse instance on the same database: its own pool, state
    /// (clock, live fan-out) and router, as behind a load balancer.
    pub async fn second_instance(&self) -> TestApp {
        let options = (*self.db.connect_options()).clone();
        let db = PgPoolOptions::new()
            .max_connections(5)
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(options)
            .await
            .unwrap();
        TestApp::from_pool(db, test_config(), self.fixture, self.db_name.clone())
    }

    /// A client of this instance carrying another client's session (the
    /// load balancer sent the same browser elsewhere).
    pub fn client_with_session_of(&self, other: &Client) -> Client {
        let mut client = self.client();
        client.cookies = other.cookies.clone();
        client.csrf = other.csrf.clone();
        client
    }
}

impl Client {
    /// Open a streaming response (Server-Sent Events): its status, and the
    /// body's chunks as they arrive.
    pub async fn open_stream(
        &self,
        path: &str,
    ) -> (StatusCode, tokio::sync::mpsc::UnboundedReceiver<String>) {
        let cookie = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        let mut req = Request::builder()
            .uri(path)
            .header(header::COOKIE, cookie)
            .header(header::ACCEPT, "text/event-stream")
            .body(Body::empty())
            .unwrap();
        if let Some(forwarded) = &self.forwarded_for {
            req.headers_mut()
                .insert("x-forwarded-for", forwarded.parse().unwrap());
        }
        req.extensions_mut().insert(ConnectInfo(self.addr));
        let response = self.router.clone().oneshot(req).await.unwrap();
        let status = response.status();
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let mut body = response.into_body();
        tokio::spawn(async move {
            while let Some(Ok(frame)) = body.frame().await {
                if let Ok(data) = frame.into_data()
                    && tx
                        .send(String::from_utf8_lossy(&data).into_owned())
                        .is_err()
                {
                    return;
                }
            }
        });
        (status, rx)
    }
}

/// Read a stream until `needle` shows up (true) or `within` passes (false).
pub async fn stream_shows(
    rx: &mut tokio::sync::mpsc::UnboundedReceiver<String>,
    needle: &str,
    within: Duration,
) -> bool {
    let deadline = tokio::time::Instant::now() + within;
    let mut seen = String::new();
    loop {
        match tokio::time::timeout_at(deadline, rx.recv()).await {
            Ok(Some(chunk)) => {
                seen.push_str(&chunk);
                if seen.contains(needle) {
                    return true;
                }
            }
            Ok(None) | Err(_) => return false,
        }
    }
}

/// Counting the SQL statements one request executes (see
/// `tests/it/query_counts.rs`).
///
/// sqlx logs every statement it runs as a `tracing` event of target
/// `sqlx::query` (at DEBUG by default, WARN when slow; logging is on unless a
/// connection turns it off with `log_statements`, which neither the harness
/// nor the application does). The router wraps each request in a span named
/// `request` whose `id` field is the `x-request-id` header, and keeps an id
/// the client sends. So a global subscriber that only counts — it writes
/// nothing and is interested in nothing else, so other tests behave as
/// before — attributes each statement to the request span it runs in: the
/// handler's own future, `tokio::try_join!` branches included (a task
/// spawned without the span would not be counted).
///
/// Not seen by the count: `BEGIN` (sqlx queues it without logging; its
/// `COMMIT` is logged and counted), and sqlx's own catalogue lookups of
/// custom types and columns, done once per connection and left out on
/// purpose so the count does not depend on which pooled connection served.
pub mod sql_count {
    use std::collections::HashMap;
    use std::fmt::Debug;
    use std::sync::{LazyLock, Mutex, Once};

    use tracing::field::{Field, Visit};
    use tracing::subscriber::Interest;
    use tracing::{Event, Metadata, Subscriber, span};
    use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
    use tracing_subscriber::registry::LookupSpan;

    use super::{Client, Resp};

    /// The statements seen per request id (their first words, in order).
    static SEEN: LazyLock<Mutex<HashMap<String, Vec<String>>>> =
        LazyLock::new(|| Mutex::new(HashMap::new()));
    static INSTALL: Once = Once::new();

    const STATEMENT_TARGET: &str = "sqlx::query";
    const REQUEST_SPAN: &str = "request";

    /// The request id, kept in the request span's extensions.
    struct RequestId(String);

    /// Reads one field (by name) as text.
    struct FieldText<'a> {
        name: &'a str,
        value: Option<String>,
    }

    impl Visit for FieldText<'_> {
        fn record_str(&mut self, field: &Field, value: &str) {
            if field.name() == self.name {
                self.value = Some(value.to_owned());
            }
        }

        fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
            if field.name() == self.name && self.value.is_none() {
                self.value = Some(format!("{value:?}"));
            }
        }
    }

    /// The summary (first words) and full text of a logged statement.
    #[derive(Default)]
    struct StatementText {
        summary: String,
        full: String,
    }

    impl Visit for StatementText {
        fn record_str(&mut self, field: &Field, value: &str) {
            match field.name() {
                "summary" => value.clone_into(&mut self.summary),
                "db.statement" => value.clone_into(&mut self.full),
                _ => {}
            }
        }

        fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
            match field.name() {
                "summary" if self.summary.is_empty() => self.summary = format!("{value:?}"),
                "db.statement" if self.full.is_empty() => self.full = format!("{value:?}"),
                _ => {}
            }
        }
    }

    impl StatementText {
        /// sqlx's own look-ups of custom types and column origins, made once
        /// per connection (not the application's queries).
        fn is_driver_catalogue_lookup(&self) -> bool {
            let text = if self.full.is_empty() {
                &self.summary
            } else {
                &self.full
            };
            text.contains("pg_catalog.")
        }
    }

    struct StatementCounter;

    impl StatementCounter {
        fn wanted(metadata: &Metadata<'_>) -> bool {
            metadata.target() == STATEMENT_TARGET
                || (metadata.is_span()
                    && metadata.name() == REQUEST_SPAN
                    && metadata.fields().field("id").is_some())
        }
    }

    impl<S> Layer<S> for StatementCounter
    where
        S: Subscriber + for<'a> LookupSpan<'a>,
    {
        fn register_callsite(&self, metadata: &'static Metadata<'static>) -> Interest {
            if Self::wanted(metadata) {
                Interest::always()
            } else {
                Interest::never()
            }
        }

        fn enabled(&self, metadata: &Metadata<'_>, _: Context<'_, S>) -> bool {
            Self::wanted(metadata)
        }

        fn on_new_span(&self, attrs: &span::Attributes<'_>, id: &span::Id, ctx: Context<'_, S>) {
            if attrs.metadata().name() != REQUEST_SPAN {
                return;
            }
            let mut visitor = FieldText {
                name: "id",
                value: None,
            };
            attrs.record(&mut visitor);
            if let (Some(value), Some(span)) = (visitor.value, ctx.span(id)) {
                span.extensions_mut().insert(RequestId(value));
            }
        }

        fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
            if event.metadata().target() != STATEMENT_TARGET {
                return;
            }
            let mut statement = StatementText::default();
            event.record(&mut statement);
            if statement.is_driver_catalogue_lookup() {
                return;
            }
            let Some(scope) = ctx.event_scope(event) else {
                return;
            };
            for span in scope {
                if let Some(RequestId(request)) = span.extensions().get::<RequestId>() {
                    SEEN.lock()
                        .unwrap()
                        .entry(request.clone())
                        .or_default()
                        .push(statement.summary);
                    return;
                }
            }
        }
    }

    /// Install the counting subscriber (once per test process).
    fn install() {
        INSTALL.call_once(|| {
            let subscriber = tracing_subscriber::registry().with(StatementCounter);
            tracing::subscriber::set_global_default(subscriber)
                .expect("the statement counter is the only global subscriber of the tests");
        });
    }

    fn take(id: &str) -> Vec<String> {
        SEEN.lock().unwrap().remove(id).unwrap_or_default()
    }

    /// GET `path` as `client`; the response and the statements it ran (their
    /// first words, in order).
    pub async fn statements_of(client: &mut Client, path: &str) -> (Resp, Vec<String>) {
        install();
        let resp = client
            .get_with(path, &[("sec-fetch-site", "same-origin")])
            .await;
        // The server gives every request its own id; its statements are
        // recorded under it.
        let id = resp.header("x-request-id").to_owned();
        (resp, take(&id))
    }

    /// POST a form (with the page's token, as `Client::post`) and return the
    /// statements it ran.
    pub async fn statements_of_post(
        client: &mut Client,
        path: &str,
        fields: &[(&str, &str)],
    ) -> (Resp, Vec<String>) {
        install();
        let token = client.csrf.clone().unwrap_or_default();
        let mut all: Vec<(&str, &str)> = vec![("csrf", token.as_str())];
        all.extend_from_slice(fields);
        let resp = client
            .post_raw(path, &all, &[("sec-fetch-site", "same-origin")])
            .await;
        let id = resp.header("x-request-id").to_owned();
        (resp, take(&id))
    }

    /// GET `path` as `client`; the response and how many SQL statements the
    /// request executed.
    pub async fn queries_of(client: &mut Client, path: &str) -> (Resp, usize) {
        let (resp, statements) = statements_of(client, path).await;
        (resp, statements.len())
    }
}

/// The scope of a station, as the extractors make it for its officers.
#[allow(clippy::disallowed_methods)] // tests stand in for the operator
pub fn scope(station_id: i64) -> sanse::auth::StationScope {
    sanse::auth::StationScope::for_operator(sanse::ids::StationId(station_id))
}
