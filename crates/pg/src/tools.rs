//! Backup and restore: the database to one file and back,
//! with PostgreSQL's own `pg_dump` (custom format, compressed) and
//! `pg_restore` from the same binaries as the server.

use std::path::Path;

use anyhow::{Context, bail};
use tokio::process::Command;

/// Write the whole database at `url` (a libpq URL) to `file`.
pub async fn backup(bin_dir: &Path, url: &str, file: &Path) -> anyhow::Result<()> {
    let mut cmd = Command::new(bin_dir.join("pg_dump"));
    cmd.args(["--format=custom", "--no-owner", "--no-privileges", "--file"])
        .arg(file)
        .arg("--dbname")
        .arg(url);
    run(cmd, "pg_dump failed").await
}

/// Run a PostgreSQL tool; on failure, say `failure` and what it printed.
async fn run(mut cmd: Command, failure: &str) -> anyhow::Result<()> {
    let program = cmd.as_std().get_program().to_string_lossy().into_owned();
    let out = cmd
        .output()
        .await
        .with_context(|| format!("running {program}"))?;
    if !out.status.success() {
        bail!("{failure}: {}", String::from_utf8_lossy(&out.stderr).trim());
    }
    Ok(())
}

/// Replace the contents of the database at `url` with the backup in
/// `file`, in one transaction: on any error nothing changes.
pub async fn restore(bin_dir: &Path, url: &str, file: &Path) -> anyhow::Result<()> {
    if !file.is_file() {
        bail!("no backup file at {}", file.display());
    }
    let mut cmd = Command::new(bin_dir.join("pg_restore"));
    cmd.args([
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        "--dbname",
    ])
    .arg(url)
    .arg(file);
    run(cmd, "pg_restore failed, nothing was changed").await
}
