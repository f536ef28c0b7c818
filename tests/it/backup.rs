//! `sanse backup` and `sanse restore` through the real binary: the demo
//! data goes to a file and back into another database identical, row for
//! row; a database holding data is only overwritten when asked; a broken
//! file changes nothing.

use std::path::PathBuf;
use std::process::Command;

use sqlx::PgPool;
use sqlx::postgres::PgConnectOptions;

use crate::harness::fresh_database;

const BIN: &str = env!("CARGO_BIN_EXE_sanse");

/// A libpq URL for `options` (the Unix socket of the embedded test server,
/// or the host of `DATABASE_URL`).
fn url_of(options: &PgConnectOptions) -> String {
    let db = options.get_database().unwrap_or("postgres");
    let user = options.get_username();
    match options.get_socket() {
        Some(dir) => format!(
            "postgres:///{db}?host={}&port={}&user={user}",
            dir.display(),
            options.get_port()
        ),
        None => format!(
            "postgres://{user}@{}:{}/{db}",
            options.get_host(),
            options.get_port()
        ),
    }
}

/// Run `sanse --database-url URL ARGS…`: (success, stdout and stderr).
fn sanse(url: &str, args: &[&str]) -> (bool, String) {
    let out = Command::new(BIN)
        .env("RUST_LOG", "warn")
        .arg("--database-url")
        .arg(url)
        .args(args)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// Every table of the database with its row count and a digest of all its
/// rows (ids included), and where each identity sequence stands.
async fn contents(pool: &PgPool) -> Vec<(String, i64, String)> {
    let tables: Vec<String> = sqlx::query_scalar(
        "select table_name::text from information_schema.tables
         where table_schema = 'public' and table_type = 'BASE TABLE' order by 1",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let mut all = Vec::new();
    for table in tables {
        let (n, digest): (i64, Option<String>) = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "select count(*), md5(string_agg(t::text, '|' order by t::text)) from {table} t"
        )))
        .fetch_one(pool)
        .await
        .unwrap();
        all.push((table, n, digest.unwrap_or_default()));
    }
    let sequences: Vec<(String, Option<i64>)> = sqlx::query_as(
        "select sequencename::text, last_value from pg_sequences where schemaname = 'public' order by 1",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    for (name, last) in sequences {
        all.push((name, last.unwrap_or(0), "sequence".to_owned()));
    }
    all
}

fn backup_file(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sanse-backup-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[tokio::test]
async fn the_demo_goes_to_a_file_and_back_identical() {
    let (options_a, _) = fresh_database().await;
    let a = PgPool::connect_with(options_a.clone()).await.unwrap();
    assert!(crate::harness::seed_demo(&a).await);
    let original = contents(&a).await;
    let rows: i64 = original
        .iter()
        .filter(|(_, _, d)| d != "sequence")
        .map(|(_, n, _)| n)
        .sum();
    assert!(rows > 10_000, "the demo holds a year of records: {rows}");

    let file = backup_file("demo.dump");
    let (ok, out) = sanse(&url_of(&options_a), &["backup", file.to_str().unwrap()]);
    assert!(ok, "backup: {out}");
    assert!(std::fs::metadata(&file).unwrap().len() > 10_000);
    assert_eq!(contents(&a).await, original, "a backup changes nothing");

    // into an empty database
    let (options_b, _) = fresh_database().await;
    let url_b = url_of(&options_b);
    let (ok, out) = sanse(&url_b, &["restore", file.to_str().unwrap()]);
    assert!(ok, "restore: {out}");
    let b = PgPool::connect_with(options_b.clone()).await.unwrap();
    let restored = contents(&b).await;
    assert_eq!(restored.len(), original.len());
    for (o, r) in original.iter().zip(&restored) {
        assert_eq!(o, r, "{} is restored exactly", o.0);
    }

    // over data: only with --replace, and then exactly the backup again
    sqlx::query("update enterprise set name = name || '（改）'")
        .execute(&b)
        .await
        .unwrap();
    let changed = contents(&b).await;
    let (ok, out) = sanse(&url_b, &["restore", file.to_str().unwrap()]);
    assert!(!ok && out.contains("--replace"), "{out}");
    assert_eq!(contents(&b).await, changed, "refused: nothing changed");
    b.close().await;
    let (ok, out) = sanse(&url_b, &["restore", "--replace", file.to_str().unwrap()]);
    assert!(ok, "restore --replace: {out}");
    let b = PgPool::connect_with(options_b).await.unwrap();
    assert_eq!(contents(&b).await, original);

    // a file that is not a backup: refused, nothing changed
    let broken = backup_file("broken.dump");
    std::fs::write(&broken, b"PGDMP not really").unwrap();
    let (ok, out) = sanse(&url_b, &["restore", "--replace", broken.to_str().unwrap()]);
    assert!(!ok && out.contains("nothing was changed"), "{out}");
    assert_eq!(contents(&b).await, original);
    let (ok, out) = sanse(&url_b, &["restore", "--replace", "/nonexistent/x.dump"]);
    assert!(!ok && out.contains("no backup file"), "{out}");
    let _ = std::fs::remove_dir_all(file.parent().unwrap());
}
