//! The command line. Everything else lives in the library.

use std::io::{BufRead, IsTerminal};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use clap::{Args, Parser, Subcommand, ValueEnum};
use sanse::auth::Role;
use sanse::config::Config;
use sanse::i18n::Lang;
use sanse::users;
use sanse::{AppState, db};
use sanse_pg::EmbeddedPostgres;
use sqlx::PgPool;
use sqlx::postgres::PgConnectOptions;

#[derive(Parser)]
#[command(
    name = "sanse",
    version,
    about = "Three-colour warning management of enterprises"
)]
struct Cli {
    #[command(flatten)]
    db: DbArgs,
    /// Log format.
    #[arg(long, value_enum, default_value_t = LogFormat::Text, env = "SANSE_LOG_FORMAT", global = true)]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args)]
struct DbArgs {
    /// Use this PostgreSQL server instead of the embedded one.
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    database_url: Option<String>,
    /// Folder of the embedded PostgreSQL cluster (used without DATABASE_URL).
    #[arg(
        long,
        env = "SANSE_DATA_DIR",
        default_value = "data/postgres",
        global = true
    )]
    data_dir: PathBuf,
}

#[derive(Clone, Copy, ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web application.
    Serve(ServeArgs),
    /// Serve with demo data (seeded into an empty database only).
    Demo(ServeArgs),
    /// Apply database migrations and exit.
    Migrate,
    /// Fill an empty database with synthetic data for load tests and benchmarks.
    Seed {
        /// Stations, coded s001, s002, …
        #[arg(long, default_value_t = 1)]
        stations: u32,
        /// Enterprises in all, split evenly between the stations.
        #[arg(long, default_value_t = 1000)]
        enterprises: u32,
        /// Months of history ending today.
        #[arg(long, default_value_t = 12)]
        months: u32,
        /// The same seed always gives the same data.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Run a station's quarterly evaluation (a draft; publish in the browser).
    Evaluate {
        /// Station code, e.g. jiangnan.
        #[arg(long)]
        station: String,
        /// Quarter, e.g. 2026-Q3.
        #[arg(long)]
        quarter: String,
    },
    /// Re-score a stored evaluation from its stored inputs and policy version
    /// and report any difference (there must be none).
    Rescore {
        #[arg(long)]
        station: String,
        #[arg(long)]
        quarter: String,
    },
    /// Write the whole database to FILE (pg_dump's custom format).
    Backup { file: std::path::PathBuf },
    /// Replace the database's contents with FILE, made by `sanse backup`,
    /// in one transaction.
    Restore {
        file: std::path::PathBuf,
        /// Overwrite a database that already holds data.
        #[arg(long)]
        replace: bool,
    },
    /// Manage user accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
}

#[derive(Args, Clone)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "SANSE_BIND", default_value = "127.0.0.1:8080")]
    bind: SocketAddr,
    /// Mark cookies Secure (serve behind HTTPS).
    #[arg(long, env = "SANSE_SECURE_COOKIES")]
    secure_cookies: bool,
    /// Origin allowed to post forms when a proxy rewrites Host (repeatable).
    #[arg(
        long = "trusted-origin",
        env = "SANSE_TRUSTED_ORIGINS",
        value_delimiter = ','
    )]
    trusted_origins: Vec<String>,
    /// Take client addresses from X-Forwarded-For (only behind a proxy).
    #[arg(long, env = "SANSE_TRUST_FORWARDED_FOR")]
    trust_forwarded_for: bool,
    /// Database connections in the pool.
    #[arg(long, env = "SANSE_DB_CONNECTIONS", default_value_t = 16)]
    db_connections: u32,
    /// Webhook receivers allowed on internal addresses or plain http,
    /// `host:port` (repeatable).
    #[arg(
        long = "webhook-allow",
        env = "SANSE_WEBHOOK_ALLOW",
        value_delimiter = ','
    )]
    webhook_allow: Vec<String>,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a user; the password is read from the terminal, or from the first line of stdin.
    Add {
        #[arg(long)]
        username: String,
        /// Name shown in the interface.
        #[arg(long)]
        name: String,
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// Station code (officer, chief).
        #[arg(long)]
        station: Option<String>,
        /// Department code (department user).
        #[arg(long)]
        department: Option<String>,
        #[arg(long, value_parser = parse_lang, default_value = "zh")]
        lang: Lang,
    },
}

fn parse_role(s: &str) -> Result<Role, String> {
    Role::parse(s).ok_or_else(|| "one of officer, chief, department, admin".to_owned())
}

fn parse_lang(s: &str) -> Result<Lang, String> {
    Lang::parse(s).ok_or_else(|| "zh or en".to_owned())
}

/// glibc's malloc raises its mmap threshold each time a large block is
/// freed, after which such blocks come from the thread's heap and stay with
/// the process. A password check (argon2) takes 19 MiB, so every thread that
/// once checked one kept that much: 130 MB after 50 logins, against 17 MB
/// with a fixed threshold (bench/load.sh). glibc reads the setting from the
/// environment at start-up only, so without it the process starts itself
/// again with it set (same process id, arguments and output).
fn tune_allocator() {
    use std::os::unix::process::CommandExt;
    const VAR: &str = "MALLOC_MMAP_THRESHOLD_";
    if std::env::var_os(VAR).is_some() {
        return;
    }
    let Ok(exe) = std::env::current_exe() else {
        return;
    };
    let err = std::process::Command::new(exe)
        .args(std::env::args_os().skip(1))
        .env(VAR, "131072")
        .exec();
    // exec returns only when it failed: go on as we are
    eprintln!("note: could not restart with {VAR} set ({err}); memory may grow after logins");
}

/// What the demo and the seed need of the application: its password hashes
/// and its quarterly evaluation.
const SEEDING: sanse_demo::App = sanse_demo::App {
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

/// Today in China, where every station is.
fn china_today() -> chrono::NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive()
}

fn init_tracing(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

/// The database to use, and the embedded cluster if we started one.
async fn open_database(
    args: &DbArgs,
    max: u32,
) -> anyhow::Result<(PgPool, Option<EmbeddedPostgres>)> {
    let (options, embedded): (PgConnectOptions, _) = match &args.database_url {
        Some(url) if !url.is_empty() => (
            url.parse()
                .context("DATABASE_URL is not a valid PostgreSQL URL")?,
            None,
        ),
        _ => {
            let pg = EmbeddedPostgres::start(&args.data_dir, "sanse").await?;
            (pg.connect_options("sanse"), Some(pg))
        }
    };
    let pool = db::connect(options, max)
        .await
        .context("connecting to PostgreSQL")?;
    db::migrate(&pool).await.context("applying migrations")?;
    Ok((pool, embedded))
}

/// Where `pg_dump` and `pg_restore` are, and the libpq URL of the database.
async fn tool_target(
    args: &DbArgs,
    embedded: Option<&EmbeddedPostgres>,
) -> anyhow::Result<(std::path::PathBuf, String)> {
    match (embedded, &args.database_url) {
        (Some(pg), _) => Ok((pg.bin_dir().to_path_buf(), pg.url("sanse"))),
        (None, Some(url)) => Ok((sanse_pg::locate_binaries().await?, url.clone())),
        (None, None) => anyhow::bail!("no database"),
    }
}

async fn close_embedded(embedded: &mut Option<EmbeddedPostgres>) -> anyhow::Result<()> {
    if let Some(pg) = embedded.as_mut() {
        pg.stop().await?;
    }
    Ok(())
}

/// Close the pool, then stop the embedded cluster if we run one.
async fn close(pool: PgPool, embedded: &mut Option<EmbeddedPostgres>) -> anyhow::Result<()> {
    pool.close().await;
    close_embedded(embedded).await
}

/// Resolves on Ctrl-C or SIGTERM. The handlers are installed when this is
/// called, not when it is first polled, so a signal that arrives right after
/// start-up is not lost (nor does it kill the process with the database up).
fn shutdown_signal() -> anyhow::Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut interrupt = signal(SignalKind::interrupt()).context("listening for Ctrl-C")?;
    let mut terminate = signal(SignalKind::terminate()).context("listening for SIGTERM")?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {},
            _ = terminate.recv() => {},
        }
        tracing::info!("shutting down");
    })
}

/// The webhook guard of the allow-list setting; this server and its
/// database stay refused even when listed.
async fn webhook_guard(
    args: &ServeArgs,
    pool: &PgPool,
) -> anyhow::Result<sanse::pushes::guard::Guard> {
    let mut own = vec![args.bind];
    let options = pool.connect_options();
    let host = options.get_host();
    // A socket folder is not reachable over HTTP.
    if !host.starts_with('/')
        && let Ok(found) = tokio::net::lookup_host((host, options.get_port())).await
    {
        own.extend(found);
    }
    sanse::pushes::guard::Guard::new(&args.webhook_allow, own)
        .map_err(|e| anyhow::anyhow!("SANSE_WEBHOOK_ALLOW: {e}"))
}

async fn serve(cli: &Cli, args: &ServeArgs, with_demo: bool) -> anyhow::Result<()> {
    let shutdown = shutdown_signal()?;
    let (pool, mut embedded) = open_database(&cli.db, args.db_connections).await?;
    let result = async {
        if with_demo && sanse_demo::seed_if_empty(&pool, china_today(), &SEEDING).await? {
            tracing::info!("demo data seeded");
        }
        let config = Config {
            secure_cookies: args.secure_cookies,
            trusted_origins: args.trusted_origins.clone(),
            trust_forwarded_for: args.trust_forwarded_for,
            webhook_guard: webhook_guard(args, &pool).await?,
            ..Config::default()
        };
        let state = AppState::new(pool.clone(), config);
        // Reference data read once per process, before the first request.
        sanse::enterprises::industries(&pool)
            .await
            .context("reading the industries")?;
        spawn_housekeeping(state.clone());
        let live = state.live.clone();
        // Background work of this instance: the push listener feeding the
        // live dashboards, and the webhook worker draining the outbox.
        let listener_task = sanse::pushes::spawn_listener(pool.clone(), live.clone());
        let webhook_task = sanse::pushes::webhook::spawn_worker(
            pool.clone(),
            state.clock.clone(),
            state.config.webhook_guard.clone(),
            live.closing(),
        );
        let served = async {
            let app = sanse::router(state)?;
            let listener = tokio::net::TcpListener::bind(args.bind)
                .await
                .with_context(|| format!("cannot listen on {}", args.bind))?;
            let local = listener.local_addr()?;
            tracing::info!(address = %local, "serving");
            if with_demo {
                print_demo_accounts(local);
            }
            println!("Sanse is serving on http://{local}/  (Ctrl-C to stop)");
            let closing = live.clone();
            axum::serve(
                listener,
                app.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .with_graceful_shutdown(async move {
                shutdown.await;
                // Open live streams end, so that they do not hold the shutdown up.
                closing.close();
            })
            .await?;
            anyhow::Ok(())
        }
        .await;
        live.close();
        let _ = tokio::join!(listener_task, webhook_task);
        served
    }
    .await;
    close(pool, &mut embedded).await?;
    result
}

fn spawn_housekeeping(state: AppState) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(600));
        loop {
            tick.tick().await;
            match sanse::auth::session::purge_expired(&state.db, state.clock.now(), &state.config)
                .await
            {
                Ok(n) if n > 0 => tracing::info!(sessions = n, "expired sessions removed"),
                Ok(_) => {}
                Err(err) => tracing::warn!(error = %err, "session purge failed"),
            }
        }
    });
}

fn print_demo_accounts(bind: SocketAddr) {
    println!();
    println!("  Sanse demo: open http://{bind}/ and log in with one of these accounts");
    println!("  Sanse 演示：打开 http://{bind}/ 并使用以下账号登录");
    println!();
    println!(
        "  {:<16} {:<18} {:<11} description",
        "user name", "password", "role"
    );
    for a in sanse_demo::accounts() {
        println!(
            "  {:<16} {:<18} {:<11} {} / {}",
            a.username, a.password, a.role, a.description_zh, a.description_en
        );
    }
    println!();
}

async fn evaluate(
    pool: &PgPool,
    station: &str,
    quarter: sanse::scoring::Quarter,
    rescore: bool,
) -> anyhow::Result<()> {
    use sanse::evaluations::service;
    let scope = sanse::users::operator_station(pool, station)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no station with code {station:?}"))?;
    if rescore {
        let differences = service::rescore(pool, scope, quarter).await?;
        for d in &differences {
            println!("enterprise {}: {}", d.enterprise_id, d.what);
        }
        anyhow::ensure!(
            differences.is_empty(),
            "{} assessments differ",
            differences.len()
        );
        println!("{station} {quarter}: every assessment reproduces exactly");
        return Ok(());
    }
    let started = std::time::Instant::now();
    let summary = service::run(
        pool,
        scope,
        quarter,
        None,
        chrono::Utc::now(),
        china_today(),
    )
    .await?;
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{station} {quarter}: {} enterprises assessed with policy v{} in {secs:.2} s ({:.0} per second)",
        summary.assessed,
        summary.policy_version,
        summary.assessed as f64 / secs.max(1e-9)
    );
    Ok(())
}

fn read_password() -> anyhow::Result<String> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ")?;
        let second = rpassword::prompt_password("Repeat password: ")?;
        anyhow::ensure!(first == second, "the passwords do not match");
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        Ok(line.trim_end_matches(['\r', '\n']).to_owned())
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match &cli.command {
        Command::Serve(args) => serve(&cli, args, false).await,
        Command::Demo(args) => serve(&cli, args, true).await,
        Command::Migrate => {
            let (pool, mut embedded) = open_database(&cli.db, 2).await?;
            println!("migrations applied");
            close(pool, &mut embedded).await?;
            Ok(())
        }
        Command::Seed {
            stations,
            enterprises,
            months,
            seed,
        } => {
            let (pool, mut embedded) = open_database(&cli.db, 4).await?;
            let options = sanse_demo::seed::SeedOptions {
                stations: *stations,
                enterprises: *enterprises,
                months: *months,
                today: china_today(),
                seed: *seed,
            };
            // Progress on stderr, the report on stdout (bench/ reads it).
            let result = sanse_demo::seed::seed_with_progress(&pool, options, &SEEDING, |line| {
                eprintln!("{line}")
            })
            .await;
            close(pool, &mut embedded).await?;
            let report = result?;
            println!("{report}");
            Ok(())
        }
        Command::Backup { file } => {
            let (pool, mut embedded) = open_database(&cli.db, 2).await?;
            pool.close().await;
            let result = async {
                let (bin_dir, url) = tool_target(&cli.db, embedded.as_ref()).await?;
                sanse_pg::tools::backup(&bin_dir, &url, file).await
            }
            .await;
            close_embedded(&mut embedded).await?;
            result?;
            println!("backup written to {}", file.display());
            Ok(())
        }
        Command::Restore { file, replace } => {
            let (pool, mut embedded) = open_database(&cli.db, 2).await?;
            let result = async {
                let holds_data = db::holds_data(&pool).await?;
                pool.close().await;
                if holds_data && !replace {
                    anyhow::bail!(
                        "the database already holds data; restoring replaces all of it: \
                         make a backup first, then run again with --replace"
                    );
                }
                let (bin_dir, url) = tool_target(&cli.db, embedded.as_ref()).await?;
                sanse_pg::tools::restore(&bin_dir, &url, file).await?;
                // A backup of an older version gets the newer migrations.
                let pool = db::connect(url.parse().context("the database URL")?, 2).await?;
                let migrated = db::migrate(&pool).await;
                pool.close().await;
                migrated
            }
            .await;
            close_embedded(&mut embedded).await?;
            result?;
            println!("restored from {}", file.display());
            Ok(())
        }
        Command::Evaluate { station, quarter } | Command::Rescore { station, quarter } => {
            let rescore = matches!(cli.command, Command::Rescore { .. });
            let quarter = sanse::scoring::Quarter::parse(quarter)
                .ok_or_else(|| anyhow::anyhow!("the quarter must look like 2026-Q3"))?;
            let (pool, mut embedded) = open_database(&cli.db, 4).await?;
            let result = evaluate(&pool, station, quarter, rescore).await;
            close(pool, &mut embedded).await?;
            result
        }
        Command::User {
            command:
                UserCommand::Add {
                    username,
                    name,
                    role,
                    station,
                    department,
                    lang,
                },
        } => {
            let password = read_password()?;
            let (pool, mut embedded) = open_database(&cli.db, 2).await?;
            let result = async {
                let mut conn = pool.acquire().await?;
                let id = users::create(
                    &mut conn,
                    users::NewUser {
                        username: username.clone(),
                        display_name: name.clone(),
                        role: *role,
                        station: station.clone(),
                        department: department.clone(),
                        lang: *lang,
                        password,
                    },
                )
                .await?;
                println!("user {username} created (id {id})");
                anyhow::Ok(())
            }
            .await;
            close(pool, &mut embedded).await?;
            result
        }
    }
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tune_allocator();
    let cli = Cli::parse();
    init_tracing(cli.log_format);
    match run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
