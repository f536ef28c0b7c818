//! The real binary: `sanse demo` starts its own PostgreSQL, serves, and
//! stops everything cleanly on SIGTERM; `sanse user add` reads the password
//! from stdin.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_sanse");

/// The binary, started in the folder that holds `data_dir`: nothing of the
/// build folder (templates, static files) may be needed at run time.
fn sanse(data_dir: &Path) -> Command {
    let mut cmd = Command::new(BIN);
    if let Some(parent) = data_dir.parent() {
        cmd.current_dir(parent);
    }
    cmd.env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn")
        .arg("--data-dir")
        .arg(data_dir);
    cmd
}

/// Start `sanse demo` on a free port; returns the child, its address and
/// everything it printed up to the "serving" line.
#[allow(clippy::zombie_processes)] // callers wait for it
fn start_demo(data_dir: &Path) -> (Child, String, String) {
    let mut child = sanse(data_dir)
        .args(["demo", "--bind", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut printed = String::new();
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let line = rx
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .unwrap_or_else(|_| panic!("sanse demo did not start; it printed:\n{printed}"));
        printed.push_str(&line);
        printed.push('\n');
        if let Some(rest) = line.split("serving on http://").nth(1) {
            let addr = rest.split('/').next().unwrap().to_owned();
            return (child, addr, printed);
        }
    }
}

fn http_get(addr: &str, path: &str) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAccept-Language: zh-CN\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

fn terminate_and_wait(child: &mut Child) -> std::process::ExitStatus {
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(
            Instant::now() < deadline,
            "sanse did not exit after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("sanse-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn demo_starts_its_own_database_serves_and_stops_cleanly() {
    let root = temp_dir("demo");
    let data = root.join("pg");
    let (mut child, addr, printed) = start_demo(&data);
    assert!(
        printed.contains("jn.officer1"),
        "demo accounts printed:\n{printed}"
    );
    assert!(printed.contains("sanse-demo-2026"));

    let health = http_get(&addr, "/healthz");
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    let ready = http_get(&addr, "/readyz");
    assert!(ready.starts_with("HTTP/1.1 200"), "{ready}");
    let login = http_get(&addr, "/login");
    assert!(login.starts_with("HTTP/1.1 200"), "{login}");
    assert!(login.contains("三色预警"));
    // Started far from the build folder, it still serves its static files,
    // and the pages link them with the version they are served under.
    let css = http_get(&addr, "/static/app.css");
    assert!(css.starts_with("HTTP/1.1 200"), "{css}");
    assert!(
        css.to_ascii_lowercase().contains("content-type: text/css"),
        "{css}"
    );
    let etag = css
        .lines()
        .find_map(|l| {
            l.strip_prefix("etag: ")
                .or_else(|| l.strip_prefix("ETag: "))
        })
        .expect("an entity tag")
        .trim()
        .trim_matches('"')
        .to_owned();
    assert_eq!(etag.len(), 12, "{etag}");
    assert!(
        login.contains(&format!("/static/app.css?v={etag}")),
        "the page links the served version"
    );
    assert!(
        data.join("PG_VERSION").exists(),
        "cluster created in the data dir"
    );
    assert!(data.join("postmaster.pid").exists(), "cluster running");

    let status = terminate_and_wait(&mut child);
    assert!(status.success(), "exit status {status}");
    assert!(
        !data.join("postmaster.pid").exists(),
        "the embedded cluster was stopped"
    );

    // Second start on the same data: nothing seeded twice, and it still serves.
    let (mut child, addr, _) = start_demo(&data);
    let login = http_get(&addr, "/login");
    assert!(login.starts_with("HTTP/1.1 200"), "{login}");
    assert!(terminate_and_wait(&mut child).success());
    assert!(!data.join("postmaster.pid").exists());
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn user_add_reads_the_password_from_stdin() {
    let root = temp_dir("user");
    let data = root.join("pg");
    let migrate = sanse(&data).arg("migrate").output().unwrap();
    assert!(
        migrate.status.success(),
        "{}",
        String::from_utf8_lossy(&migrate.stderr)
    );

    let add = |args: &[&str], password: &str| {
        let mut child = sanse(&data)
            .args(["user", "add"])
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(format!("{password}\n").as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let ok = add(
        &[
            "--username",
            "admin2",
            "--name",
            "管理员",
            "--role",
            "admin",
        ],
        "a-long-password-1",
    );
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).contains("user admin2 created"));

    let short = add(
        &[
            "--username",
            "admin3",
            "--name",
            "管理员",
            "--role",
            "admin",
        ],
        "short",
    );
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("password must be"));

    let no_station = add(
        &[
            "--username",
            "wangwei",
            "--name",
            "王伟",
            "--role",
            "officer",
            "--station",
            "nowhere",
        ],
        "a-long-password-1",
    );
    assert!(!no_station.status.success());
    assert!(
        String::from_utf8_lossy(&no_station.stderr).contains("no station with code \"nowhere\"")
    );

    let taken = add(
        &[
            "--username",
            "admin2",
            "--name",
            "管理员",
            "--role",
            "admin",
        ],
        "a-long-password-1",
    );
    assert!(String::from_utf8_lossy(&taken.stderr).contains("is taken"));
    assert!(
        !data.join("postmaster.pid").exists(),
        "every command stops its cluster"
    );
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn demo_runs_from_a_private_folder_too() {
    // `mktemp -d` folders are 0700: as root, the postgres user cannot enter
    // them, so the cluster must go elsewhere and still just work.
    let root = temp_dir("private");
    std::fs::set_permissions(&root, std::os::unix::fs::PermissionsExt::from_mode(0o700)).unwrap();
    let data = root.join("pg");
    let (mut child, addr, _) = start_demo(&data);
    let login = http_get(&addr, "/login");
    assert!(login.starts_with("HTTP/1.1 200"), "{login}");
    assert!(terminate_and_wait(&mut child).success());
    let is_root = Command::new("id").arg("-u").output().unwrap().stdout == b"0\n";
    let note = data.join("CLUSTER-LOCATION.txt");
    if is_root {
        let note = std::fs::read_to_string(&note).expect("a note says where the cluster is");
        let elsewhere = Path::new(note.lines().nth(1).unwrap());
        assert!(elsewhere.join("PG_VERSION").exists(), "{note}");
        assert!(
            !elsewhere.join("postmaster.pid").exists(),
            "stopped cleanly"
        );
        std::fs::remove_dir_all(elsewhere).unwrap();
    } else {
        assert!(!note.exists());
        assert!(data.join("PG_VERSION").exists());
    }
    let _ = std::fs::remove_dir_all(&root);
}
