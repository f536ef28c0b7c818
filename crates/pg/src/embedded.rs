//! A private PostgreSQL cluster run from the machine's PostgreSQL server binaries.
//!
//! With no `DATABASE_URL`, Sanse keeps its data in its own cluster: `initdb`
//! once into the data directory, then `pg_ctl start` with TCP disabled
//! (`listen_addresses = ''`), so the server is only reachable through a Unix
//! socket in a private directory, where the `sanse` superuser logs in with
//! trust authentication. The test harness uses [`EmbeddedPostgres::start_temporary`]
//! for one throw-away cluster per test process.
//!
//! PostgreSQL refuses to run as root. When Sanse runs as root, `initdb`,
//! `pg_ctl` and `postgres` are run as the `postgres` system user instead
//! (the Debian `postgresql` package creates it), and the data directory is
//! handed over to that user.

use std::fmt::Write as _;
use std::os::unix::ffi::OsStrExt as _;
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use sha2::{Digest as _, Sha256};
use sqlx::postgres::{PgConnectOptions, PgSslMode};
use sqlx::{Connection as _, PgConnection};
use tokio::process::Command;

/// Superuser created by `initdb`; trust-authenticated over the private socket.
const SUPERUSER: &str = "sanse";
/// Port number for a freshly started server. Only the socket file name
/// (`.s.PGSQL.<port>`) depends on it; the server never opens a TCP port.
const PORT: u16 = 5432;
/// Unix socket paths are limited to ~107 bytes; keep well below.
const MAX_SOCKET_PATH: usize = 100;
/// Seconds `pg_ctl` waits for the server to start or stop.
const PG_CTL_TIMEOUT_SECS: &str = "60";
/// How long to keep retrying the first connection after start.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);
/// Lines of `server.log` quoted when the server fails to start.
const LOG_TAIL_LINES: usize = 20;
/// Environment variable overriding where the server binaries are.
const BINDIR_ENV: &str = "SANSE_PG_BINDIR";
/// File in the data directory naming the pid of the Sanse process that
/// started the server, so that a server left behind by a killed process can
/// be told apart from one another live process is using.
const OWNER_FILE: &str = "sanse-owner.pid";
/// Parent of the clusters of data folders the `postgres` user cannot reach.
const FALLBACK_ROOT: &str = "/var/lib/sanse/embedded";
/// Binaries a directory must hold to be usable.
const SERVER_BINARIES: [&str; 3] = ["initdb", "pg_ctl", "postgres"];

/// Errors starting or stopping the embedded cluster.
#[derive(Debug, thiserror::Error)]
pub enum EmbeddedError {
    /// No directory with `initdb`, `pg_ctl` and `postgres` was found.
    #[error(
        "the PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found; \
         install them with `apt-get install postgresql` (Debian/Ubuntu), \
         or set DATABASE_URL to use an existing server"
    )]
    BinariesNotFound,

    /// Running as root, but there is no `postgres` user to run the server as.
    #[error(
        "Sanse is running as root, and PostgreSQL refuses to run as root, but there is no \
         `postgres` system user to run the embedded server as; install the server with \
         `apt-get install postgresql` (which creates that user), run Sanse as an \
         unprivileged user, or set DATABASE_URL to use an existing server"
    )]
    NoPostgresUser,

    /// Running as root, and the `postgres` user cannot reach the data directory.
    #[error(
        "the data directory {} is not accessible to the `postgres` system user \
         (Sanse is running as root, so the embedded PostgreSQL server runs as `postgres`, \
         which cannot get through {}); choose a --data-dir somewhere under /tmp or /var/lib \
         (e.g. /var/lib/sanse), or set DATABASE_URL to use an existing server",
        data_dir.display(),
        blocked.display()
    )]
    DataDirNotAccessible {
        /// The requested data directory.
        data_dir: PathBuf,
        /// The first directory on the way that the `postgres` user cannot use.
        blocked: PathBuf,
    },

    /// The database name is not `[a-z0-9_]+` (at most 63 bytes).
    #[error(
        "invalid database name {0:?}: use 1 to 63 lowercase ASCII letters, digits or underscores"
    )]
    InvalidDatabaseName(String),

    /// A file-system operation or spawning a program failed.
    #[error("{context}: {error}")]
    Io {
        /// What was being done.
        context: String,
        /// The underlying error.
        error: std::io::Error,
    },

    /// A PostgreSQL program exited unsuccessfully.
    #[error("{command} failed ({status}): {output}")]
    CommandFailed {
        /// The program and its purpose, e.g. `initdb /var/lib/sanse`.
        command: String,
        /// Its exit status.
        status: String,
        /// Its stderr and stdout, trimmed.
        output: String,
    },

    /// The server did not start or did not accept connections.
    #[error(
        "the embedded PostgreSQL server in {} did not start: {reason}\n\
         last lines of {}:\n{log_tail}",
        data_dir.display(),
        log.display()
    )]
    StartFailed {
        /// The cluster's data directory.
        data_dir: PathBuf,
        /// The server log file.
        log: PathBuf,
        /// What went wrong.
        reason: String,
        /// The last lines of the server log.
        log_tail: String,
    },

    /// A query on the freshly started server failed.
    #[error("{context}: {error}")]
    Sql {
        /// What was being done.
        context: String,
        /// The underlying error.
        error: sqlx::Error,
    },
}

fn io_error(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> EmbeddedError {
    let context = context.into();
    move |error| EmbeddedError::Io { context, error }
}

/// The unprivileged user the server runs as when Sanse runs as root.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct RunAs {
    uid: u32,
    gid: u32,
}

/// A running private PostgreSQL cluster (see the module documentation).
#[derive(Debug)]
pub struct EmbeddedPostgres {
    data_dir: PathBuf,
    socket_dir: PathBuf,
    port: u16,
    bin_dir: PathBuf,
    run_as: Option<RunAs>,
    /// We started the server (rather than reusing one already running), so
    /// [`EmbeddedPostgres::stop`] and `Drop` stop it.
    started_by_us: bool,
    /// The socket directory is a private one under /tmp that we created and
    /// remove after stopping.
    own_socket_dir: bool,
    /// A throw-away cluster cleaned up by the exit watchdog.
    temporary: bool,
    stopped: bool,
}

impl EmbeddedPostgres {
    /// Find the binaries, `initdb` once into `data_dir` if it holds no cluster
    /// yet (no `PG_VERSION`), start the server listening only on a Unix socket,
    /// wait until it accepts connections, and create the database `database`
    /// if missing.
    ///
    /// A server already running on `data_dir` is reused. If the Sanse process
    /// that started it is gone (it was killed), the server is adopted: this
    /// handle stops it like one it started itself. If that process is still
    /// alive (or unknown), the server is left running by [`stop`](Self::stop)
    /// and `Drop`, as it belongs to someone else.
    pub async fn start(data_dir: &Path, database: &str) -> Result<Self, EmbeddedError> {
        validate_database_name(database)?;
        let bin_dir = locate_binaries().await?;
        let run_as = server_user().await?;
        let data_dir = match prepare_data_dir(data_dir, run_as).await {
            Ok(dir) => dir,
            // As root in a folder the `postgres` user cannot enter (a clone
            // in a `mktemp -d` folder, say): keep the cluster in a folder of
            // its own under /var/lib/sanse, named after the requested one so
            // that every start finds the same cluster.
            Err(EmbeddedError::DataDirNotAccessible { data_dir, blocked }) if run_as.is_some() => {
                let fallback = fallback_data_dir(&data_dir);
                tracing::warn!(
                    requested = %data_dir.display(),
                    blocked = %blocked.display(),
                    using = %fallback.display(),
                    "the postgres user cannot reach the data directory; using a folder under /var/lib/sanse"
                );
                if let Some(parent) = fallback.parent() {
                    std::fs::create_dir_all(parent)
                        .map_err(io_error(format!("could not create {}", parent.display())))?;
                }
                let _ = std::fs::write(
                    data_dir.join("CLUSTER-LOCATION.txt"),
                    format!(
                        "The postgres user cannot reach this folder, so the embedded cluster lives in\n{}\n",
                        fallback.display()
                    ),
                );
                prepare_data_dir(&fallback, run_as).await?
            }
            Err(err) => return Err(err),
        };
        let mut pg = Self::new(data_dir, bin_dir, run_as, false);
        pg.boot(database, &[]).await?;
        Ok(pg)
    }

    /// A throw-away cluster in a fresh directory under [`std::env::temp_dir`],
    /// tuned for speed (`fsync`, `synchronous_commit` and `full_page_writes`
    /// off). A detached watchdog process stops the server and removes its
    /// directories once the current process has exited, however it exits
    /// (the test harness never runs destructors of statics).
    pub async fn start_temporary(database: &str) -> Result<Self, EmbeddedError> {
        validate_database_name(database)?;
        let bin_dir = locate_binaries().await?;
        let run_as = server_user().await?;
        let dir = create_unique_dir(&std::env::temp_dir(), "sanse-test-pg")?;
        let dir = std::fs::canonicalize(&dir)
            .map_err(io_error(format!("could not resolve {}", dir.display())))?;
        if let Some(user) = run_as {
            chown(&dir, user)?;
        }
        let mut pg = Self::new(dir, bin_dir, run_as, true);
        // Choose the socket directory now so the watchdog knows what to remove,
        // and arm the watchdog before anything else can fail half-way.
        pg.choose_socket_dir()?;
        let extra_socket_dir = pg.own_socket_dir.then(|| pg.socket_dir.clone());
        spawn_exit_watchdog(&pg.data_dir, extra_socket_dir.as_deref())?;
        pg.boot(
            database,
            &[
                "fsync=off",
                "synchronous_commit=off",
                "full_page_writes=off",
            ],
        )
        .await?;
        Ok(pg)
    }

    /// Connect options for `database` on this cluster: the Unix socket, the
    /// `sanse` superuser, no password (trust authentication), no TLS.
    pub fn connect_options(&self, database: &str) -> PgConnectOptions {
        PgConnectOptions::new_without_pgpass()
            .socket(&self.socket_dir)
            .port(self.port)
            .username(SUPERUSER)
            .database(database)
            .ssl_mode(PgSslMode::Disable)
    }

    /// A `postgres://` URL equivalent to [`connect_options`](Self::connect_options),
    /// for tools such as `pg_dump` and `psql` (libpq) as well as sqlx, e.g.
    /// `postgres:///sanse?host=/var/lib/sanse&port=5432&user=sanse`.
    pub fn url(&self, database: &str) -> String {
        format!(
            "postgres:///{}?host={}&port={}&user={SUPERUSER}",
            percent_encode(database.as_bytes()),
            percent_encode(self.socket_dir.as_os_str().as_bytes()),
            self.port
        )
    }

    /// The cluster's data directory (absolute).
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The directory holding the server's Unix socket (absolute).
    pub fn socket_dir(&self) -> &Path {
        &self.socket_dir
    }

    /// The port number in the socket name (`.s.PGSQL.<port>`); no TCP is used.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The directory of the PostgreSQL binaries in use (also has `pg_dump`, `psql`).
    pub fn bin_dir(&self) -> &Path {
        &self.bin_dir
    }

    /// Whether this handle is responsible for stopping the server: it started
    /// it, or adopted one left behind by a dead Sanse process. False when it
    /// reuses a server another live process started.
    pub fn started_by_us(&self) -> bool {
        self.started_by_us
    }

    /// Stop the server cleanly (`pg_ctl stop -m fast`, waiting for it).
    /// Idempotent; does nothing for a server [`started_by_us`](Self::started_by_us)
    /// is false for, or one that is no longer running.
    pub async fn stop(&mut self) -> Result<(), EmbeddedError> {
        if self.stopped {
            return Ok(());
        }
        if !self.started_by_us {
            self.stopped = true;
            tracing::info!(
                data_dir = %self.data_dir.display(),
                "leaving the reused embedded PostgreSQL server running"
            );
            return Ok(());
        }
        if !self.data_dir.join("postmaster.pid").exists() {
            // Already stopped by someone else (e.g. another handle that adopted it).
            self.stopped = true;
            self.remove_own_socket_dir();
            return Ok(());
        }
        let mut cmd = self.pg_command("pg_ctl");
        cmd.arg("stop").arg("-D").arg(&self.data_dir).args([
            "-m",
            "fast",
            "-w",
            "-t",
            PG_CTL_TIMEOUT_SECS,
        ]);
        let out = run(cmd).await?;
        check(&out, format!("pg_ctl stop -D {}", self.data_dir.display()))?;
        self.stopped = true;
        self.after_stop();
        tracing::info!(data_dir = %self.data_dir.display(), "embedded PostgreSQL stopped");
        Ok(())
    }

    fn new(data_dir: PathBuf, bin_dir: PathBuf, run_as: Option<RunAs>, temporary: bool) -> Self {
        Self {
            socket_dir: data_dir.clone(),
            data_dir,
            port: PORT,
            bin_dir,
            run_as,
            started_by_us: false,
            own_socket_dir: false,
            temporary,
            stopped: false,
        }
    }

    /// Reuse a running server, or `initdb` if needed and start one; then wait
    /// for connections and create `database`.
    async fn boot(&mut self, database: &str, settings: &[&str]) -> Result<(), EmbeddedError> {
        if !self.try_reuse_running().await? {
            if !self.data_dir.join("PG_VERSION").exists() {
                self.initdb().await?;
            }
            if !self.own_socket_dir {
                self.choose_socket_dir()?;
            }
            self.pg_ctl_start(settings).await?;
        }
        let mut conn = self.wait_for_connection().await?;
        let result = ensure_database(&mut conn, database).await;
        // Closing is only politeness; the result of the work above matters.
        let _ = conn.close().await;
        result
    }

    /// If `postmaster.pid` exists and `pg_ctl status` reports a running
    /// server, adopt its socket directory and port and return true.
    async fn try_reuse_running(&mut self) -> Result<bool, EmbeddedError> {
        let pid_file = self.data_dir.join("postmaster.pid");
        if !pid_file.exists() {
            return Ok(false);
        }
        let mut cmd = self.pg_command("pg_ctl");
        cmd.arg("status").arg("-D").arg(&self.data_dir);
        let out = run(cmd).await?;
        if !out.status.success() {
            // Exit code 3: not running, the pid file is stale; `pg_ctl start` copes.
            tracing::debug!(pid_file = %pid_file.display(), "stale postmaster.pid");
            return Ok(false);
        }
        let contents = std::fs::read_to_string(&pid_file)
            .map_err(io_error(format!("could not read {}", pid_file.display())))?;
        let info = parse_postmaster_pid(&contents).ok_or_else(|| EmbeddedError::StartFailed {
            data_dir: self.data_dir.clone(),
            log: self.log_file(),
            reason: format!(
                "a server is already running on this data directory, but {} names no Unix \
                 socket directory to reach it; stop it (pg_ctl stop -D {}) and retry",
                pid_file.display(),
                self.data_dir.display()
            ),
            log_tail: self.log_tail(),
        })?;
        if !info.listen_addresses.is_empty() {
            tracing::warn!(
                listen_addresses = %info.listen_addresses,
                "the reused embedded PostgreSQL server also listens on TCP"
            );
        }
        self.socket_dir = info.socket_dir;
        self.port = info.port;
        // Adopt the server if the Sanse process that started it is gone:
        // then we stop it on exit. Otherwise (another live process, or no
        // record of who started it) leave it alone.
        let owner = std::fs::read_to_string(self.data_dir.join(OWNER_FILE))
            .ok()
            .and_then(|s| s.trim().parse::<u32>().ok());
        let adopt = matches!(owner, Some(pid) if !process_alive(pid));
        self.started_by_us = adopt;
        self.own_socket_dir = adopt && is_own_socket_dir(&self.socket_dir, &self.data_dir);
        if adopt {
            self.write_owner_file();
            tracing::info!(
                data_dir = %self.data_dir.display(),
                socket_dir = %self.socket_dir.display(),
                "adopting the embedded PostgreSQL server left running by an earlier Sanse process"
            );
        } else {
            tracing::info!(
                data_dir = %self.data_dir.display(),
                socket_dir = %self.socket_dir.display(),
                "reusing the embedded PostgreSQL server already running"
            );
        }
        Ok(true)
    }

    async fn initdb(&self) -> Result<(), EmbeddedError> {
        std::fs::set_permissions(&self.data_dir, std::fs::Permissions::from_mode(0o700)).map_err(
            io_error(format!("could not chmod 0700 {}", self.data_dir.display())),
        )?;
        tracing::info!(data_dir = %self.data_dir.display(), "creating the embedded PostgreSQL cluster");
        let mut cmd = self.pg_command("initdb");
        cmd.arg("-D")
            .arg(&self.data_dir)
            .args(["-U", SUPERUSER, "--auth=trust", "-E", "UTF8"])
            .args(["--locale=C.UTF-8", "--no-instructions"]);
        let out = run(cmd).await?;
        check(&out, format!("initdb -D {}", self.data_dir.display()))?;
        Ok(())
    }

    /// Socket directory: the data directory itself if the socket path fits,
    /// otherwise a fresh private directory under /tmp.
    fn choose_socket_dir(&mut self) -> Result<(), EmbeddedError> {
        if socket_path_fits(&self.data_dir, self.port) {
            self.socket_dir = self.data_dir.clone();
            self.own_socket_dir = false;
            return Ok(());
        }
        let dir = create_unique_dir(Path::new("/tmp"), "sanse-pg")?;
        if let Some(user) = self.run_as {
            chown(&dir, user)?;
        }
        self.socket_dir = dir;
        self.own_socket_dir = true;
        Ok(())
    }

    async fn pg_ctl_start(&mut self, settings: &[&str]) -> Result<(), EmbeddedError> {
        let mut options = format!(
            "-c listen_addresses='' -c unix_socket_permissions=0700 -k {} -p {}",
            shell_quote(self.socket_dir.as_os_str().as_bytes()),
            self.port
        );
        for setting in settings {
            let _ = write!(options, " -c {setting}");
        }
        let log = self.log_file();
        let mut cmd = self.pg_command("pg_ctl");
        cmd.arg("start")
            .arg("-D")
            .arg(&self.data_dir)
            .arg("-l")
            .arg(&log)
            .args(["-w", "-t", PG_CTL_TIMEOUT_SECS, "-o"])
            .arg(&options);
        let out = run(cmd).await?;
        if !out.status.success() {
            return Err(EmbeddedError::StartFailed {
                data_dir: self.data_dir.clone(),
                log,
                reason: format!(
                    "pg_ctl start failed ({}): {}",
                    out.status,
                    command_output(&out)
                ),
                log_tail: self.log_tail(),
            });
        }
        self.started_by_us = true;
        self.write_owner_file();
        tracing::info!(
            data_dir = %self.data_dir.display(),
            socket_dir = %self.socket_dir.display(),
            "embedded PostgreSQL started"
        );
        Ok(())
    }

    async fn wait_for_connection(&self) -> Result<PgConnection, EmbeddedError> {
        let options = self.connect_options("postgres");
        let deadline = Instant::now() + CONNECT_TIMEOUT;
        loop {
            match PgConnection::connect_with(&options).await {
                Ok(conn) => return Ok(conn),
                Err(error) if Instant::now() >= deadline => {
                    return Err(EmbeddedError::StartFailed {
                        data_dir: self.data_dir.clone(),
                        log: self.log_file(),
                        reason: format!(
                            "could not connect through the socket in {}: {error}",
                            self.socket_dir.display()
                        ),
                        log_tail: self.log_tail(),
                    });
                }
                Err(error) => {
                    tracing::debug!(%error, "embedded PostgreSQL not accepting connections yet");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }
    }

    fn log_file(&self) -> PathBuf {
        self.data_dir.join("server.log")
    }

    fn log_tail(&self) -> String {
        match std::fs::read(self.log_file()) {
            Ok(bytes) => tail_lines(&String::from_utf8_lossy(&bytes), LOG_TAIL_LINES),
            Err(error) => format!("(could not read the log: {error})"),
        }
    }

    /// A command for one of the PostgreSQL binaries, run as the `postgres`
    /// user when we are root.
    fn pg_command(&self, program: &str) -> Command {
        let mut cmd = Command::new(self.bin_dir.join(program));
        if let Some(user) = self.run_as {
            cmd.uid(user.uid).gid(user.gid).current_dir("/");
        }
        cmd
    }

    /// Record this process as the one responsible for stopping the server.
    fn write_owner_file(&self) {
        let path = self.data_dir.join(OWNER_FILE);
        let result = std::fs::write(&path, format!("{}\n", std::process::id())).and_then(|()| {
            match self.run_as {
                Some(user) => std::os::unix::fs::chown(&path, Some(user.uid), Some(user.gid)),
                None => Ok(()),
            }
        });
        if let Err(error) = result {
            tracing::warn!(%error, path = %path.display(), "could not record the server's owner");
        }
    }

    /// Clean-up after the server stopped: owner record and private socket dir.
    fn after_stop(&mut self) {
        let _ = std::fs::remove_file(self.data_dir.join(OWNER_FILE));
        self.remove_own_socket_dir();
    }

    fn remove_own_socket_dir(&mut self) {
        if self.own_socket_dir {
            if let Err(error) = std::fs::remove_dir_all(&self.socket_dir) {
                tracing::debug!(%error, dir = %self.socket_dir.display(), "could not remove socket dir");
            }
            self.own_socket_dir = false;
        }
    }
}

impl Drop for EmbeddedPostgres {
    /// Best effort: stop a server we started and did not stop (e.g. `main`
    /// panicked). Temporary clusters are left to their exit watchdog.
    fn drop(&mut self) {
        if self.stopped
            || !self.started_by_us
            || self.temporary
            || !self.data_dir.join("postmaster.pid").exists()
        {
            return;
        }
        self.stopped = true;
        let mut cmd = std::process::Command::new(self.bin_dir.join("pg_ctl"));
        if let Some(user) = self.run_as {
            use std::os::unix::process::CommandExt as _;
            cmd.uid(user.uid).gid(user.gid).current_dir("/");
        }
        cmd.arg("stop")
            .arg("-D")
            .arg(&self.data_dir)
            .args(["-m", "fast", "-w", "-t", PG_CTL_TIMEOUT_SECS])
            .stdin(Stdio::null());
        tracing::debug!(command = ?cmd, "stopping embedded PostgreSQL on drop");
        match cmd.output() {
            Ok(out) if out.status.success() => {
                tracing::info!(data_dir = %self.data_dir.display(), "embedded PostgreSQL stopped");
                self.after_stop();
            }
            Ok(out) => tracing::warn!(
                status = %out.status,
                output = %command_output(&out),
                "could not stop embedded PostgreSQL"
            ),
            Err(error) => tracing::warn!(%error, "could not run pg_ctl stop"),
        }
    }
}

// ---------------------------------------------------------------------------
// Commands

async fn run(mut cmd: Command) -> Result<Output, EmbeddedError> {
    tracing::debug!(command = ?cmd.as_std(), "running");
    let program = cmd.as_std().get_program().to_string_lossy().into_owned();
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(false);
    cmd.output()
        .await
        .map_err(io_error(format!("could not run {program}")))
}

fn check(out: &Output, command: String) -> Result<(), EmbeddedError> {
    if out.status.success() {
        Ok(())
    } else {
        Err(EmbeddedError::CommandFailed {
            command,
            status: out.status.to_string(),
            output: command_output(out),
        })
    }
}

fn command_output(out: &Output) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    [stderr.trim(), stdout.trim()]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join("\n")
}

/// Quote for `/bin/sh` (pg_ctl passes `-o` options through the shell).
fn shell_quote(bytes: &[u8]) -> String {
    let s = String::from_utf8_lossy(bytes);
    format!("'{}'", s.replace('\'', r"'\''"))
}

fn percent_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

fn tail_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

// ---------------------------------------------------------------------------
// Finding the binaries

/// Whether `dir` holds `initdb`, `pg_ctl` and `postgres`.
fn has_server_binaries(dir: &Path) -> bool {
    SERVER_BINARIES.iter().all(|name| dir.join(name).is_file())
}

/// The first candidate directory holding all server binaries.
fn find_bin_dir(candidates: impl IntoIterator<Item = PathBuf>) -> Option<PathBuf> {
    candidates.into_iter().find(|dir| has_server_binaries(dir))
}

/// `<root>/<version>/bin` directories (Debian layout), highest version first.
fn versioned_bin_dirs(root: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(root) else {
        return Vec::new();
    };
    let mut versions: Vec<(Vec<u32>, PathBuf)> = entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let name = entry.file_name();
            let version = name
                .to_str()?
                .split('.')
                .map(|part| part.parse::<u32>().ok())
                .collect::<Option<Vec<u32>>>()?;
            Some((version, entry.path().join("bin")))
        })
        .collect();
    versions.sort_by(|a, b| b.0.cmp(&a.0));
    versions.into_iter().map(|(_, dir)| dir).collect()
}

/// Candidates from `PATH`: for each directory with an `initdb`, the directory
/// `initdb` really lives in (through symlinks such as /usr/local/bin/initdb),
/// then the `PATH` directory itself.
fn path_bin_dirs(path: Option<&std::ffi::OsStr>) -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    for dir in path.map(std::env::split_paths).into_iter().flatten() {
        let initdb = dir.join("initdb");
        if !initdb.is_file() {
            continue;
        }
        if let Some(real_dir) = std::fs::canonicalize(&initdb)
            .ok()
            .and_then(|real| real.parent().map(Path::to_path_buf))
        {
            dirs.push(real_dir);
        }
        dirs.push(dir);
    }
    dirs
}

async fn pg_config_bindir() -> Option<PathBuf> {
    let out = Command::new("pg_config")
        .arg("--bindir")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .await
        .ok()?;
    let dir = String::from_utf8(out.stdout).ok()?;
    let dir = dir.trim();
    (out.status.success() && !dir.is_empty()).then(|| PathBuf::from(dir))
}

/// `SANSE_PG_BINDIR`, `pg_config --bindir`, the highest
/// `/usr/lib/postgresql/*/bin`, then `PATH`.
pub async fn locate_binaries() -> Result<PathBuf, EmbeddedError> {
    let mut candidates = Vec::new();
    if let Some(dir) = std::env::var_os(BINDIR_ENV) {
        let dir = PathBuf::from(dir);
        if !has_server_binaries(&dir) {
            tracing::warn!(
                dir = %dir.display(),
                "{BINDIR_ENV} does not hold initdb, pg_ctl and postgres; looking elsewhere"
            );
        }
        candidates.push(dir);
    }
    candidates.extend(pg_config_bindir().await);
    candidates.extend(versioned_bin_dirs(Path::new("/usr/lib/postgresql")));
    candidates.extend(path_bin_dirs(std::env::var_os("PATH").as_deref()));
    let dir = find_bin_dir(candidates).ok_or(EmbeddedError::BinariesNotFound)?;
    tracing::debug!(bin_dir = %dir.display(), "PostgreSQL server binaries");
    Ok(dir)
}

// ---------------------------------------------------------------------------
// Users and directories

/// The effective uid, from /proc/self/status or else `id -u`.
async fn effective_uid() -> Option<u32> {
    if let Ok(status) = std::fs::read_to_string("/proc/self/status")
        && let Some(uid) = parse_status_euid(&status)
    {
        return Some(uid);
    }
    id_output(&["-u"]).await
}

/// The effective uid from the `Uid:` line (real, effective, saved, fs).
fn parse_status_euid(status: &str) -> Option<u32> {
    status
        .lines()
        .find_map(|line| line.strip_prefix("Uid:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

async fn id_output(args: &[&str]) -> Option<u32> {
    let out = Command::new("id")
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .await
        .ok()?;
    if !out.status.success() {
        return None;
    }
    String::from_utf8(out.stdout).ok()?.trim().parse().ok()
}

/// uid and gid of `user` from an /etc/passwd-format text.
fn parse_passwd(passwd: &str, user: &str) -> Option<RunAs> {
    passwd.lines().find_map(|line| {
        let mut fields = line.split(':');
        if fields.next()? != user {
            return None;
        }
        let _password = fields.next()?;
        let uid = fields.next()?.parse().ok()?;
        let gid = fields.next()?.parse().ok()?;
        Some(RunAs { uid, gid })
    })
}

/// `None` when not root; the `postgres` user when root.
async fn server_user() -> Result<Option<RunAs>, EmbeddedError> {
    if effective_uid().await != Some(0) {
        return Ok(None);
    }
    let from_passwd = std::fs::read_to_string("/etc/passwd")
        .ok()
        .and_then(|passwd| parse_passwd(&passwd, "postgres"));
    let user = match from_passwd {
        Some(user) => Some(user),
        // Users from NSS sources other than /etc/passwd.
        None => match (
            id_output(&["-u", "postgres"]).await,
            id_output(&["-g", "postgres"]).await,
        ) {
            (Some(uid), Some(gid)) => Some(RunAs { uid, gid }),
            _ => None,
        },
    };
    let user = user.ok_or(EmbeddedError::NoPostgresUser)?;
    if user.uid == 0 {
        return Err(EmbeddedError::NoPostgresUser);
    }
    tracing::debug!(
        uid = user.uid,
        gid = user.gid,
        "running as root; the server runs as `postgres`"
    );
    Ok(Some(user))
}

fn chown(path: &Path, user: RunAs) -> Result<(), EmbeddedError> {
    std::os::unix::fs::chown(path, Some(user.uid), Some(user.gid)).map_err(io_error(format!(
        "could not hand {} over to the postgres user",
        path.display()
    )))
}

/// Create `data_dir` (and parents), make it absolute, and when running as
/// root hand it to the `postgres` user and check that user can reach it.
async fn prepare_data_dir(
    data_dir: &Path,
    run_as: Option<RunAs>,
) -> Result<PathBuf, EmbeddedError> {
    if !data_dir.exists() {
        std::fs::create_dir_all(data_dir).map_err(io_error(format!(
            "could not create the data directory {}",
            data_dir.display()
        )))?;
        std::fs::set_permissions(data_dir, std::fs::Permissions::from_mode(0o700)).map_err(
            io_error(format!("could not chmod 0700 {}", data_dir.display())),
        )?;
    }
    let data_dir = std::fs::canonicalize(data_dir).map_err(io_error(format!(
        "could not resolve {}",
        data_dir.display()
    )))?;
    if let Some(user) = run_as {
        chown(&data_dir, user)?;
        if !test_as(user, &["-w", "-a", "-x"], &data_dir).await {
            // Find the first directory on the way the user cannot enter.
            let mut blocked = data_dir.clone();
            for ancestor in data_dir.ancestors().collect::<Vec<_>>().into_iter().rev() {
                if !test_as(user, &["-x"], ancestor).await {
                    blocked = ancestor.to_path_buf();
                    break;
                }
            }
            return Err(EmbeddedError::DataDirNotAccessible { data_dir, blocked });
        }
    }
    Ok(data_dir)
}

/// Where the cluster of an unreachable `requested` folder lives instead.
fn fallback_data_dir(requested: &Path) -> PathBuf {
    let digest = Sha256::digest(requested.as_os_str().as_bytes());
    Path::new(FALLBACK_ROOT).join(hex::encode(&digest[..8]))
}

/// `test <flags> <path>` run as `user` (flags between -a are applied to the path).
async fn test_as(user: RunAs, flags: &[&str], path: &Path) -> bool {
    let mut cmd = Command::new("test");
    for flag in flags {
        if *flag == "-a" {
            cmd.arg("-a");
        } else {
            cmd.arg(flag).arg(path);
        }
    }
    cmd.uid(user.uid)
        .gid(user.gid)
        .current_dir("/")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    matches!(cmd.status().await, Ok(status) if status.success())
}

/// A new directory `<parent>/<prefix>-<pid>-<n>`, mode 0700.
fn create_unique_dir(parent: &Path, prefix: &str) -> Result<PathBuf, EmbeddedError> {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let pid = std::process::id();
    let mut last_error = None;
    for _ in 0..1000 {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let dir = parent.join(format!("{prefix}-{pid}-{n}"));
        match std::fs::create_dir(&dir) {
            Ok(()) => {
                std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700))
                    .map_err(io_error(format!("could not chmod 0700 {}", dir.display())))?;
                return Ok(dir);
            }
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
                last_error = Some(error);
            }
            Err(error) => {
                return Err(EmbeddedError::Io {
                    context: format!("could not create {}", dir.display()),
                    error,
                });
            }
        }
    }
    Err(EmbeddedError::Io {
        context: format!(
            "could not create a directory {prefix}-{pid}-* in {}",
            parent.display()
        ),
        error: last_error.unwrap_or_else(|| std::io::Error::other("too many attempts")),
    })
}

/// Whether `pid` names a live (not zombie) process. Unknown counts as alive.
fn process_alive(pid: u32) -> bool {
    if !Path::new("/proc/self/stat").exists() {
        return true;
    }
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // Format: `pid (comm) state ...`; comm may contain spaces or parentheses.
        Ok(stat) => !matches!(
            stat.rsplit_once(')')
                .and_then(|(_, rest)| rest.trim_start().chars().next()),
            Some('Z' | 'X')
        ),
        Err(_) => false,
    }
}

/// Whether `socket_dir` is a private socket directory of ours under /tmp
/// (as opposed to the data directory itself).
fn is_own_socket_dir(socket_dir: &Path, data_dir: &Path) -> bool {
    socket_dir != data_dir
        && socket_dir.parent() == Some(Path::new("/tmp"))
        && socket_dir
            .file_name()
            .and_then(|name| name.to_str())
            .is_some_and(|name| name.starts_with("sanse-pg-"))
}

fn socket_path_fits(dir: &Path, port: u16) -> bool {
    dir.as_os_str().len() + format!("/.s.PGSQL.{port}").len() < MAX_SOCKET_PATH
}

/// What `postmaster.pid` says about a running server.
#[derive(Debug, PartialEq, Eq)]
struct PostmasterInfo {
    port: u16,
    socket_dir: PathBuf,
    listen_addresses: String,
}

/// Lines: pid, data dir, start time, port, first socket dir, listen address, ...
fn parse_postmaster_pid(contents: &str) -> Option<PostmasterInfo> {
    let lines: Vec<&str> = contents.lines().collect();
    let port = lines.get(3)?.trim().parse().ok()?;
    let socket_dir = lines.get(4)?.trim();
    if socket_dir.is_empty() {
        return None;
    }
    Some(PostmasterInfo {
        port,
        socket_dir: PathBuf::from(socket_dir),
        listen_addresses: lines
            .get(5)
            .map(|s| s.trim().to_owned())
            .unwrap_or_default(),
    })
}

/// Database names we create: `[a-z0-9_]{1,63}`.
fn validate_database_name(database: &str) -> Result<(), EmbeddedError> {
    let valid = !database.is_empty()
        && database.len() <= 63
        && database
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if valid {
        Ok(())
    } else {
        Err(EmbeddedError::InvalidDatabaseName(database.to_owned()))
    }
}

async fn ensure_database(conn: &mut PgConnection, database: &str) -> Result<(), EmbeddedError> {
    validate_database_name(database)?;
    let exists: Option<i32> = sqlx::query_scalar("select 1 from pg_database where datname = $1")
        .bind(database)
        .fetch_optional(&mut *conn)
        .await
        .map_err(|error| EmbeddedError::Sql {
            context: format!("could not check whether database {database} exists"),
            error,
        })?;
    if exists.is_some() {
        return Ok(());
    }
    let sql = format!("create database \"{database}\"");
    match sqlx::query(sqlx::AssertSqlSafe(sql))
        .execute(&mut *conn)
        .await
    {
        Ok(_) => {
            tracing::info!(%database, "created database in the embedded PostgreSQL cluster");
            Ok(())
        }
        // Created concurrently by someone else: fine.
        Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("42P04") => Ok(()),
        Err(error) => Err(EmbeddedError::Sql {
            context: format!("could not create database {database}"),
            error,
        }),
    }
}

/// Shell script of the exit watchdog: `$1` our pid, `$2` the data dir,
/// `$3` an extra socket dir or empty. A zombie counts as dead (`kill -0`
/// succeeds on zombies, and container init processes may reap them late).
/// SIGQUIT is PostgreSQL's immediate shutdown (what `pg_ctl stop -m immediate`
/// sends); signalling directly also works when we are root, where `pg_ctl`
/// would refuse to run.
const WATCHDOG_SCRIPT: &str = r#"
alive() {
  kill -0 "$1" 2>/dev/null || return 1
  state=$(sed -n 's/^.*) \(.\).*$/\1/p' "/proc/$1/stat" 2>/dev/null)
  [ "$state" != Z ] && [ "$state" != X ]
}
while alive "$1"; do sleep 0.5; done
if [ -f "$2/postmaster.pid" ]; then
  pid=$(head -n 1 "$2/postmaster.pid")
  if [ -n "$pid" ] && kill -QUIT "$pid" 2>/dev/null; then
    i=0
    while alive "$pid" && [ "$i" -lt 100 ]; do sleep 0.1; i=$((i+1)); done
  fi
fi
rm -rf "$2"
if [ -n "$3" ]; then rm -rf "$3"; fi
"#;

/// Spawn a detached process that, once this process has exited, stops the
/// server on `data_dir` and removes `data_dir` (and `socket_dir`).
fn spawn_exit_watchdog(data_dir: &Path, socket_dir: Option<&Path>) -> Result<(), EmbeddedError> {
    use std::os::unix::process::CommandExt as _;
    let mut cmd = std::process::Command::new("sh");
    cmd.arg("-c")
        .arg(WATCHDOG_SCRIPT)
        .arg("sanse-pg-watchdog")
        .arg(std::process::id().to_string())
        .arg(data_dir)
        .arg(socket_dir.map(Path::as_os_str).unwrap_or_default())
        // Its own process group, so a Ctrl-C of the tests does not kill it first.
        .process_group(0)
        .current_dir("/")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    tracing::debug!(data_dir = %data_dir.display(), "spawning exit watchdog");
    cmd.spawn().map_err(io_error(
        "could not spawn the cleanup watchdog for a temporary cluster",
    ))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use sqlx::Row as _;

    async fn select_one(options: &PgConnectOptions) -> Result<i32, sqlx::Error> {
        let mut conn = PgConnection::connect_with(options).await?;
        let row = sqlx::query("select 1::int4 as one")
            .fetch_one(&mut conn)
            .await?;
        let one = row.try_get("one")?;
        conn.close().await?;
        Ok(one)
    }

    #[tokio::test]
    async fn temporary_cluster_starts_connects_and_stops() {
        let mut pg = EmbeddedPostgres::start_temporary("sanse_test")
            .await
            .unwrap();
        assert!(pg.started_by_us());
        assert!(
            pg.data_dir()
                .starts_with(std::fs::canonicalize(std::env::temp_dir()).unwrap())
        );
        assert!(pg.data_dir().join("PG_VERSION").is_file());

        assert_eq!(
            select_one(&pg.connect_options("sanse_test")).await.unwrap(),
            1
        );

        // The URL form reaches the same server.
        let url = pg.url("sanse_test");
        assert!(url.starts_with("postgres:///sanse_test?host=/"), "{url}");
        let from_url: PgConnectOptions = url.parse().unwrap();
        assert_eq!(from_url.get_socket(), Some(&pg.socket_dir().to_path_buf()));
        assert_eq!(select_one(&from_url).await.unwrap(), 1);

        // No TCP at all, and the speed settings are on.
        let mut conn = PgConnection::connect_with(&pg.connect_options("sanse_test"))
            .await
            .unwrap();
        let (listen, fsync, addr, user): (String, String, Option<String>, String) = sqlx::query_as(
            "select current_setting('listen_addresses'), current_setting('fsync'), \
             inet_server_addr()::text, current_user::text",
        )
        .fetch_one(&mut conn)
        .await
        .unwrap();
        assert_eq!(
            (listen.as_str(), fsync.as_str(), addr, user.as_str()),
            ("", "off", None, "sanse")
        );
        conn.close().await.unwrap();

        pg.stop().await.unwrap();
        pg.stop().await.unwrap(); // idempotent
        assert!(!pg.data_dir().join("postmaster.pid").exists());
        assert!(select_one(&pg.connect_options("sanse_test")).await.is_err());
    }

    #[tokio::test]
    async fn persistent_cluster_is_reused_and_restarts_with_its_data() {
        // A directory whose socket path is too long for the data dir itself,
        // so the private /tmp socket directory is exercised too.
        let base = create_unique_dir(&std::env::temp_dir(), "sanse-test-persistent").unwrap();
        // Traversable by the `postgres` user when the tests run as root.
        std::fs::set_permissions(&base, std::fs::Permissions::from_mode(0o755)).unwrap();
        let data_dir =
            base.join("a-rather-long-directory-name-to-push-the-socket-path-over-the-limit/data");
        spawn_exit_watchdog(&base, None).unwrap();

        let mut first = EmbeddedPostgres::start(&data_dir, "one").await.unwrap();
        assert!(first.started_by_us());
        assert!(!socket_path_fits(first.data_dir(), PORT));
        assert!(
            first
                .socket_dir()
                .to_string_lossy()
                .starts_with("/tmp/sanse-pg-")
        );
        let mut conn = PgConnection::connect_with(&first.connect_options("one"))
            .await
            .unwrap();
        sqlx::query("create table kept (v text)")
            .execute(&mut conn)
            .await
            .unwrap();
        sqlx::query("insert into kept values ('still here')")
            .execute(&mut conn)
            .await
            .unwrap();
        conn.close().await.unwrap();

        // A second start while this process's server runs reuses it (leaving
        // it alone on stop) and adds a database.
        let mut second = EmbeddedPostgres::start(&data_dir, "two").await.unwrap();
        assert!(!second.started_by_us());
        assert_eq!(second.socket_dir(), first.socket_dir());
        assert_eq!(select_one(&second.connect_options("two")).await.unwrap(), 1);
        second.stop().await.unwrap(); // leaves the server running
        drop(second);
        assert_eq!(select_one(&first.connect_options("one")).await.unwrap(), 1);

        // A server whose recorded owner is dead (a killed Sanse) is adopted:
        // the new handle stops it and removes the private socket dir.
        let mut exited = std::process::Command::new("true").spawn().unwrap();
        let dead_pid = exited.id();
        exited.wait().unwrap();
        std::fs::write(data_dir.join(OWNER_FILE), format!("{dead_pid}\n")).unwrap();
        let mut adopter = EmbeddedPostgres::start(&data_dir, "one").await.unwrap();
        assert!(adopter.started_by_us());
        assert_eq!(adopter.socket_dir(), first.socket_dir());
        let old_socket_dir = adopter.socket_dir().to_path_buf();
        adopter.stop().await.unwrap();
        assert!(!data_dir.join("postmaster.pid").exists());
        assert!(!old_socket_dir.exists());
        drop(adopter);
        first.stop().await.unwrap(); // already stopped: nothing to do
        drop(first);

        // Restart after a clean stop: no initdb, the data is still there.
        let mut again = EmbeddedPostgres::start(&data_dir, "one").await.unwrap();
        assert!(again.started_by_us());
        let mut conn = PgConnection::connect_with(&again.connect_options("one"))
            .await
            .unwrap();
        let v: String = sqlx::query_scalar("select v from kept")
            .fetch_one(&mut conn)
            .await
            .unwrap();
        assert_eq!(v, "still here");
        conn.close().await.unwrap();
        again.stop().await.unwrap();
        drop(again);
        std::fs::remove_dir_all(&base).unwrap();
    }

    #[tokio::test]
    async fn finding_binaries_and_other_pure_parts() {
        // Binary search over candidate directories.
        let base = create_unique_dir(&std::env::temp_dir(), "sanse-test-bins").unwrap();
        std::fs::set_permissions(&base, std::fs::Permissions::from_mode(0o755)).unwrap();
        spawn_exit_watchdog(&base, None).unwrap();
        let empty = base.join("empty");
        let partial = base.join("partial");
        let full = base.join("lib/15/bin");
        for dir in [
            &empty,
            &partial,
            &full,
            &base.join("lib/9.6/bin"),
            &base.join("lib/notaversion"),
        ] {
            std::fs::create_dir_all(dir).unwrap();
        }
        std::fs::write(partial.join("initdb"), "").unwrap();
        for name in SERVER_BINARIES {
            std::fs::write(full.join(name), "").unwrap();
        }
        assert_eq!(find_bin_dir([empty.clone(), partial.clone()]), None);
        assert_eq!(
            find_bin_dir([empty.clone(), partial.clone(), full.clone()]),
            Some(full.clone())
        );
        assert_eq!(
            versioned_bin_dirs(&base.join("lib")),
            vec![full.clone(), base.join("lib/9.6/bin")]
        );
        assert_eq!(
            path_bin_dirs(Some(std::ffi::OsStr::new(""))),
            Vec::<PathBuf>::new()
        );
        let path = std::env::join_paths([&empty, &partial]).unwrap();
        assert_eq!(find_bin_dir(path_bin_dirs(Some(&path))), None);

        assert_eq!(
            EmbeddedError::BinariesNotFound.to_string(),
            "the PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found; \
             install them with `apt-get install postgresql` (Debian/Ubuntu), \
             or set DATABASE_URL to use an existing server"
        );

        // Small parsers.
        assert_eq!(
            parse_status_euid("Name:\tx\nUid:\t1000\t0\t0\t0\n"),
            Some(0)
        );
        assert_eq!(
            parse_passwd(
                "root:x:0:0::/root:/bin/sh\npostgres:x:101:104:PG:/var/lib/postgresql:/bin/bash\n",
                "postgres"
            ),
            Some(RunAs { uid: 101, gid: 104 })
        );
        assert_eq!(
            parse_passwd("root:x:0:0::/root:/bin/sh\n", "postgres"),
            None
        );
        assert_eq!(
            parse_postmaster_pid("42\n/d\n1700000000\n5432\n/tmp/s\n\n  123 456\nready   \n"),
            Some(PostmasterInfo {
                port: 5432,
                socket_dir: PathBuf::from("/tmp/s"),
                listen_addresses: String::new()
            })
        );
        assert_eq!(
            parse_postmaster_pid("42\n/d\n1700000000\n5432\n\n*\n"),
            None
        );
        assert!(validate_database_name("sanse_2").is_ok());
        for bad in ["", "Sanse", "a-b", "a\"b", &"x".repeat(64)] {
            assert!(validate_database_name(bad).is_err(), "{bad}");
        }
        assert_eq!(percent_encode(b"/tmp/a b+c"), "/tmp/a%20b%2Bc");
        assert_eq!(shell_quote(b"/x/it's"), r"'/x/it'\''s'");

        // As root, a data dir the postgres user cannot reach is refused clearly.
        if let Some(user) = server_user().await.unwrap() {
            let closed = base.join("closed");
            std::fs::create_dir(&closed).unwrap();
            std::fs::set_permissions(&closed, std::fs::Permissions::from_mode(0o700)).unwrap();
            let err = prepare_data_dir(&closed.join("data"), Some(user))
                .await
                .unwrap_err();
            assert!(
                matches!(&err, EmbeddedError::DataDirNotAccessible { blocked, .. } if *blocked == closed),
                "{err}"
            );
            assert!(err.to_string().contains("--data-dir"), "{err}");
        }
        std::fs::remove_dir_all(&base).unwrap();
    }
}
