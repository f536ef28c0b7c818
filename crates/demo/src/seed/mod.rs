//! Bulk synthetic data for load tests and the evaluation benchmark
//! (`sanse seed`, `bench/eval.sh`): one branch, `stations` stations with a
//! chief and officers each, `enterprises` enterprises split evenly between
//! them, and `months` months of field work at every enterprise ending at
//! `today` — visits with inspection checklists, hazards, incidents, disputes
//! with their status history and follow-ups, demands, trainings.
//!
//! The mix follows the demo (`crate::demo`), only cheaper per row: short
//! texts from small lists, one quarterly inspection for most enterprises, a
//! visit every month or two. A hundred thousand enterprises with a year of
//! records is about six million rows.
//!
//! Besides the stations it writes the demo's five partner departments
//! (`crate::demo`), one user each (`dept.market`, `dept.fire`, …) and the
//! demo's subscriptions (the street office receives station `s001` only).
//! After the load commits, every complete quarter inside the window is
//! evaluated and published for every station, oldest first, by the station's
//! chief two weeks after the quarter's end (never after `today`), through
//! the same `evaluations::service` the chief's buttons call: assessments,
//! re-inspections and the pushes to the subscribed departments, so the tier
//! boards, level histories and department dashboards have data. A failure
//! there leaves the committed load and the quarters published so far.
//!
//! # How it writes
//!
//! Everything happens in one transaction, into an empty database only
//! (checked under an advisory lock), with the loaded tables locked
//! (`access exclusive`: nobody sees them until the commit). Rows are
//! generated on a blocking thread in chunks of a few thousand enterprises,
//! as PostgreSQL `COPY` text, and streamed to the server while the next
//! chunk is generated, so memory stays at a few chunks whatever the size.
//!
//! The foreign keys of the loaded tables are dropped for the load and added
//! back before the commit (as PostgreSQL's "Populating a Database" advises):
//! checked row by row they cost five sixths of the time, added back each is
//! checked once with one join. They are read from the catalog, so they come
//! back exactly as the migrations made them, and a failure rolls everything
//! back.
//!
//! Ids are assigned here rather than by the server, so that children can
//! name their parents without a round trip. `COPY ... FROM STDIN` writes the
//! values given even into `generated always as identity` columns (it does
//! not apply the `always` rule that makes `INSERT` need `overriding system
//! value`), so the identity columns keep their definition: each id block
//! starts at the identity sequence's `nextval`, and the sequence is moved
//! past the block with `setval` before commit. A rollback leaves only a gap
//! in the sequences.

use std::fmt;
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail, ensure};
use chrono::{DateTime, Datelike, Months, NaiveDate, NaiveTime, Utc};
use sqlx::{PgConnection, PgPool};
use tokio::sync::mpsc;

use credit_code::CreditCode;

use crate::rng::Rng;
use crate::{App, Evaluation, Quarter};

mod words;

use words::*;

/// The password of every seeded account (`s001.chief`, `s001.o001`, …).
pub const PASSWORD: &str = "sanse-seed-2026";

/// Administrative division code of every seeded credit code.
const REGION: &str = "330108";

/// Enterprises generated per chunk (one `COPY` per table and chunk).
const CHUNK_ENTERPRISES: u32 = 2_000;

/// One officer per this many enterprises of a station, at least
/// [`MIN_OFFICERS`].
const ENTERPRISES_PER_OFFICER: u32 = 400;
const MIN_OFFICERS: u32 = 3;

/// Largest register accepted (distinct credit codes need fewer than 10^8).
const MAX_ENTERPRISES: u32 = 10_000_000;
const MAX_STATIONS: u32 = 9_999;
const MAX_MONTHS: u32 = 120;

/// Days a demand may wait for its response (scoring policy version 1).
const DEMAND_RESPONSE_DAYS: i64 = 15;
/// Days after a resolution that the follow-up falls due.
const FOLLOW_UP_DAYS: i64 = 7;

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct SeedOptions {
    /// Stations, coded `s001`, `s002`, …
    pub stations: u32,
    /// Enterprises in all, split evenly between the stations.
    pub enterprises: u32,
    /// Months of history ending at `today`.
    pub months: u32,
    /// The last day of the history.
    pub today: NaiveDate,
    /// The same seed (and options) always gives the same data.
    pub seed: u64,
}

/// What was written, and how long it took.
#[derive(Debug, Clone)]
pub struct SeedReport {
    /// Rows per table, in loading order, then the evaluation tables.
    pub rows: Vec<(&'static str, u64)>,
    /// Rows of the load (everything before the evaluations).
    pub loaded_rows: u64,
    /// From the call to the commit of the load (and the statistics update
    /// after it).
    pub loading: Duration,
    /// The quarters evaluated and published for every station, oldest first.
    pub quarters: Vec<Quarter>,
    pub stations: u32,
    /// Evaluating and publishing them.
    pub publishing: Duration,
    /// From the call to the end.
    pub elapsed: Duration,
}

impl SeedReport {
    pub fn total_rows(&self) -> u64 {
        self.rows.iter().map(|(_, n)| n).sum()
    }

    /// Rows written per second of [`elapsed`](Self::elapsed).
    pub fn rows_per_second(&self) -> f64 {
        self.total_rows() as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    pub fn count(&self, table: &str) -> u64 {
        self.rows
            .iter()
            .find(|(t, _)| *t == table)
            .map_or(0, |(_, n)| *n)
    }
}

impl fmt::Display for SeedReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (table, n) in &self.rows {
            writeln!(f, "  {table:<20} {n:>10}")?;
        }
        writeln!(
            f,
            "  {:<20} {:>10} rows in {:.1} s ({:.0} rows/s)",
            "loaded",
            self.loaded_rows,
            self.loading.as_secs_f64(),
            self.loaded_rows as f64 / self.loading.as_secs_f64().max(1e-9)
        )?;
        writeln!(
            f,
            "  {:<20} {:>10} evaluations ({} × {}) in {:.1} s",
            "published",
            self.quarters.len() as u64 * u64::from(self.stations),
            plural(self.quarters.len() as u64, "quarter"),
            plural(u64::from(self.stations), "station"),
            self.publishing.as_secs_f64()
        )?;
        write!(
            f,
            "  {:<20} {:>10} rows in {:.1} s ({:.0} rows/s)",
            "total",
            self.total_rows(),
            self.elapsed.as_secs_f64(),
            self.rows_per_second()
        )
    }
}

/// "1 station", "2 stations".
fn plural(n: u64, one: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {one}s")
    }
}

/// Fill an empty database with synthetic data (see the module
/// documentation). Refuses a database that already has a branch, station,
/// department, user or enterprise.
pub async fn seed(pool: &PgPool, opts: SeedOptions, app: &App) -> anyhow::Result<SeedReport> {
    seed_with_progress(pool, opts, app, |_| {}).await
}

/// [`seed`], telling `progress` what it has done so far: one line after the
/// load, one per published quarter.
pub async fn seed_with_progress(
    pool: &PgPool,
    opts: SeedOptions,
    app: &App,
    mut progress: impl FnMut(&str) + Send,
) -> anyhow::Result<SeedReport> {
    let started = Instant::now();
    let (mut rows, chiefs) = load(pool, &opts, app).await?;
    let loading = started.elapsed();
    let loaded_rows: u64 = rows.iter().map(|(_, n)| n).sum();
    progress(&format!(
        "loaded {loaded_rows} rows in {:.1} s ({:.0} rows/s)",
        loading.as_secs_f64(),
        loaded_rows as f64 / loading.as_secs_f64().max(1e-9)
    ));

    let publishing_started = Instant::now();
    let quarters = complete_quarters(&opts)?;
    publish_quarters(pool, app, &chiefs, &quarters, opts.today, &mut progress).await?;
    rows.extend(published_rows(pool).await?);
    if !quarters.is_empty() {
        // As after the load: the pages and benchmarks that follow are
        // planned with the new rows (and the enterprises' current levels).
        sqlx::raw_sql("analyze enterprise, evaluation, assessment, reinspection, push, push_item")
            .execute(pool)
            .await?;
    }
    let publishing = publishing_started.elapsed();

    Ok(SeedReport {
        rows,
        loaded_rows,
        loading,
        quarters,
        stations: opts.stations,
        publishing,
        elapsed: started.elapsed(),
    })
}

/// A station and its chief, who runs and publishes its evaluations.
#[derive(Debug, Clone, Copy)]
struct Chief {
    station_id: i64,
    user_id: i64,
}

/// The bulk load, in one transaction (see the module documentation): rows
/// per table, and the stations' chiefs.
async fn load(
    pool: &PgPool,
    opts: &SeedOptions,
    app: &App,
) -> anyhow::Result<(Vec<(&'static str, u64)>, Vec<Chief>)> {
    let opts = *opts;
    let plan_dates = Calendar::new(&opts)?;
    let hash_password = app.hash_password;
    let hash = tokio::task::spawn_blocking(move || hash_password(PASSWORD))
        .await
        .context("hashing the seed password")??;

    let mut tx = pool.begin().await?;
    // Any fixed key serves; the same as the demo's, so the two never mix.
    sqlx::query!(r#"select true as "locked!" from pg_advisory_xact_lock(7361524001)"#)
        .fetch_one(&mut *tx)
        .await?;
    ensure_empty(&mut tx).await?;
    let table_names: Vec<&str> = TABLES.iter().map(|t| t.name).collect();
    // The foreign keys are dropped below: nobody else may see the tables
    // until they are back, at commit.
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "lock table {} in access exclusive mode",
        table_names.join(", ")
    )))
    .execute(&mut *tx)
    .await?;
    let foreign_keys = ForeignKeys::drop(&mut tx, &table_names).await?;

    let mut fixed_rows = Vec::new();
    let crews = insert_people(&mut tx, &opts, &hash, &mut fixed_rows).await?;
    let Some(first_station) = crews.first().map(|c| c.station_id) else {
        bail!("no station was seeded");
    };
    insert_departments(&mut tx, &hash, first_station, &mut fixed_rows).await?;
    let chiefs: Vec<Chief> = crews
        .iter()
        .map(|c| Chief {
            station_id: c.station_id,
            user_id: c.chief,
        })
        .collect();
    let (template_id, items) = checklist(&mut tx).await?;

    let mut first_ids = [0_i64; TABLE_COUNT];
    for (slot, table) in first_ids.iter_mut().zip(&TABLES) {
        if let Some(column) = table.id_column {
            *slot = sqlx::query_scalar::<_, i64>("select nextval(pg_get_serial_sequence($1, $2))")
                .bind(table.name)
                .bind(column)
                .fetch_one(&mut *tx)
                .await
                .with_context(|| format!("reserving ids of {}", table.name))?;
        }
    }

    let plan = Plan {
        opts,
        dates: plan_dates,
        crews,
        template_id,
        items,
        first_ids,
    };
    let (sender, mut receiver) = mpsc::channel::<Chunk>(2);
    let generator = tokio::task::spawn_blocking(move || generate(&plan, &sender));

    let mut loaded = [0_u64; TABLE_COUNT];
    let copied: anyhow::Result<()> = async {
        while let Some(chunk) = receiver.recv().await {
            copy_chunk(&mut tx, &chunk, &mut loaded).await?;
        }
        Ok(())
    }
    .await;
    // A failed load stops the generator at its next chunk.
    drop(receiver);
    let next_ids = generator.await.context("the data generator panicked")?;
    copied?;

    for ((table, first), next) in TABLES.iter().zip(first_ids).zip(next_ids) {
        if let (Some(column), true) = (table.id_column, next > first) {
            sqlx::query("select setval(pg_get_serial_sequence($1, $2), $3)")
                .bind(table.name)
                .bind(column)
                .bind(next - 1)
                .execute(&mut *tx)
                .await?;
        }
    }

    foreign_keys.restore(&mut tx).await?;

    let mut rows = fixed_rows;
    rows.extend(TABLES.iter().map(|t| t.name).zip(loaded));
    let summary = format!(
        "synthetic data: {} stations, {} enterprises, {} months up to {}, seed {}; {} rows",
        opts.stations,
        opts.enterprises,
        opts.months,
        opts.today,
        opts.seed,
        rows.iter().map(|(_, n)| n).sum::<u64>()
    );
    sqlx::query!(
        "insert into audit_event (actor_label, action, entity, summary)
         values ('system', 'seed', 'seed', $1)",
        summary
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;

    // Fresh statistics, or the first queries on the new data (an evaluation
    // right after seeding, say) are planned for empty tables.
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "analyze {}",
        table_names.join(", ")
    )))
    .execute(pool)
    .await?;

    Ok((rows, chiefs))
}

async fn ensure_empty(conn: &mut PgConnection) -> anyhow::Result<()> {
    let held = sqlx::query!(
        r#"select (select count(*) from branch) as "branches!",
                  (select count(*) from station) as "stations!",
                  (select count(*) from department) as "departments!",
                  (select count(*) from app_user) as "users!",
                  (select count(*) from enterprise) as "enterprises!""#
    )
    .fetch_one(&mut *conn)
    .await?;
    let parts: Vec<String> = [
        (held.branches, "branch", "branches"),
        (held.stations, "station", "stations"),
        (held.departments, "department", "departments"),
        (held.users, "user", "users"),
        (held.enterprises, "enterprise", "enterprises"),
    ]
    .iter()
    .filter(|(n, _, _)| *n > 0)
    .map(|(n, one, many)| format!("{n} {}", if *n == 1 { one } else { many }))
    .collect();
    if !parts.is_empty() {
        bail!(
            "the database already holds data ({}); seeding fills an empty database only \
             (a freshly migrated one) — use a new database or data directory",
            parts.join(", ")
        );
    }
    Ok(())
}

/// The foreign keys and GIN indexes of the loaded tables, dropped for the
/// load and added back before commit (see the module documentation).
struct ForeignKeys {
    /// `alter table` statements adding them back.
    restore: Vec<String>,
}

impl ForeignKeys {
    async fn drop(conn: &mut PgConnection, tables: &[&str]) -> anyhow::Result<ForeignKeys> {
        let tables: Vec<String> = tables.iter().map(|t| (*t).to_owned()).collect();
        let keys = sqlx::query!(
            r#"select c.conrelid::regclass::text as "table_name!", quote_ident(c.conname) as "name!",
                      pg_get_constraintdef(c.oid) as "definition!"
               from pg_constraint c
               where c.contype = 'f' and c.conrelid = any($1::text[]::regclass[])
               order by 1, 2"#,
            &tables
        )
        .fetch_all(&mut *conn)
        .await?;
        let mut drop = Vec::new();
        let mut restore = Vec::new();
        for k in keys {
            drop.push(format!(
                "alter table {} drop constraint {}",
                k.table_name, k.name
            ));
            restore.push(format!(
                "alter table {} add constraint {} {}",
                k.table_name, k.name, k.definition
            ));
        }
        // GIN indexes (the enterprise search, about fifty entries a row) are
        // built far faster in one pass after the load than row by row.
        let indexes = sqlx::query!(
            r#"select quote_ident(i.relname) as "name!", pg_get_indexdef(i.oid) as "definition!"
               from pg_index x
               join pg_class i on i.oid = x.indexrelid
               join pg_am am on am.oid = i.relam
               where am.amname = 'gin' and x.indrelid = any($1::text[]::regclass[])
               order by 1"#,
            &tables
        )
        .fetch_all(&mut *conn)
        .await?;
        for i in indexes {
            drop.push(format!("drop index {}", i.name));
            restore.push(i.definition);
        }
        if !drop.is_empty() {
            sqlx::raw_sql(sqlx::AssertSqlSafe(drop.join(";\n")))
                .execute(&mut *conn)
                .await
                .context("dropping the foreign keys and GIN indexes for the load")?;
        }
        Ok(ForeignKeys { restore })
    }

    async fn restore(self, conn: &mut PgConnection) -> anyhow::Result<()> {
        sqlx::query("set local maintenance_work_mem = '256MB'")
            .execute(&mut *conn)
            .await?;
        for statement in &self.restore {
            sqlx::raw_sql(sqlx::AssertSqlSafe(statement.clone()))
                .execute(&mut *conn)
                .await
                .with_context(|| format!("checking the loaded rows: {statement}"))?;
        }
        Ok(())
    }
}

/// The people of one station, by id.
#[derive(Debug, Clone)]
struct Crew {
    station_id: i64,
    chief: i64,
    officers: Vec<i64>,
}

/// Branch, stations and their users, inserted normally (a few rows).
async fn insert_people(
    conn: &mut PgConnection,
    opts: &SeedOptions,
    hash: &str,
    rows: &mut Vec<(&'static str, u64)>,
) -> anyhow::Result<Vec<Crew>> {
    let branch_id = sqlx::query_scalar!(
        "insert into branch (name, name_en) values ($1, $2) returning branch_id",
        "临江市公安局高新分局",
        "Gaoxin Branch, Linjiang Public Security Bureau"
    )
    .fetch_one(&mut *conn)
    .await?;
    rows.push(("branch", 1));

    let mut codes = Vec::new();
    let mut names = Vec::new();
    let mut names_en = Vec::new();
    for k in 0..opts.stations {
        let (zh, en) = STATION_PLACES[k as usize % STATION_PLACES.len()];
        let round = k as usize / STATION_PLACES.len();
        codes.push(station_code(k));
        if round == 0 {
            names.push(format!("{zh}派出所"));
            names_en.push(format!("{en} Police Station"));
        } else {
            names.push(format!("{zh}第{}派出所", round + 1));
            names_en.push(format!("{en} Police Station No. {}", round + 1));
        }
    }
    let station_ids = sqlx::query_scalar!(
        "insert into station (branch_id, code, name, name_en)
         select $1, code, name, name_en
         from unnest($2::text[], $3::text[], $4::text[]) with ordinality as s(code, name, name_en, ord)
         order by ord
         returning station_id",
        branch_id,
        &codes,
        &names,
        &names_en
    )
    .fetch_all(&mut *conn)
    .await?;
    ensure!(
        station_ids.len() == codes.len(),
        "inserted {} stations of {}",
        station_ids.len(),
        codes.len()
    );
    // `returning` lists rows in insertion order, but look them up by code to
    // depend on nothing.
    let by_code: std::collections::HashMap<String, i64> = sqlx::query!(
        "select code, station_id from station where code = any($1)",
        &codes
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| (r.code, r.station_id))
    .collect();
    rows.push(("station", codes.len() as u64));

    let mut rng = seeded(opts.seed ^ 0x5345_4544_5553_4552);
    let mut usernames = Vec::new();
    let mut display_names = Vec::new();
    let mut roles = Vec::new();
    let mut user_stations = Vec::new();
    for (k, code) in codes.iter().enumerate() {
        let station_id = by_code[code];
        let officers = officers_for(station_size(opts, k as u32));
        usernames.push(format!("{code}.chief"));
        display_names.push(rng.person_name(words::names()));
        roles.push("chief".to_owned());
        user_stations.push(station_id);
        for o in 1..=officers {
            usernames.push(format!("{code}.o{o:03}"));
            display_names.push(rng.person_name(words::names()));
            roles.push("officer".to_owned());
            user_stations.push(station_id);
        }
    }
    let users = sqlx::query!(
        "insert into app_user (username, display_name, role, station_id, password_hash, lang)
         select u.username, u.display_name, u.role::user_role, u.station_id, $5, 'zh'
         from unnest($1::text[], $2::text[], $3::text[], $4::bigint[])
              as u(username, display_name, role, station_id)
         returning user_id, username, role::text as \"role!\", station_id",
        &usernames,
        &display_names,
        &roles,
        &user_stations,
        hash
    )
    .fetch_all(&mut *conn)
    .await?;
    ensure!(
        users.len() == usernames.len(),
        "inserted {} users of {}",
        users.len(),
        usernames.len()
    );
    rows.push(("app_user", users.len() as u64));

    let mut crews: Vec<Crew> = codes
        .iter()
        .map(|code| Crew {
            station_id: by_code[code],
            chief: 0,
            officers: Vec::new(),
        })
        .collect();
    // Officers by user name (s001.o001, s001.o002, …), so liaisons are
    // assigned in a stable order.
    let mut sorted = users;
    sorted.sort_by(|a, b| a.username.cmp(&b.username));
    for u in sorted {
        let Some(crew) = crews
            .iter_mut()
            .find(|c| Some(c.station_id) == u.station_id)
        else {
            bail!("user {} has no seeded station", u.username);
        };
        if u.role == "chief" {
            crew.chief = u.user_id;
        } else {
            crew.officers.push(u.user_id);
        }
    }
    Ok(crews)
}

/// The partner departments, their users (the demo's department accounts,
/// with the seed password) and their subscriptions.
async fn insert_departments(
    conn: &mut PgConnection,
    hash: &str,
    first_station: i64,
    rows: &mut Vec<(&'static str, u64)>,
) -> anyhow::Result<()> {
    let codes: Vec<String> = crate::demo::departments()
        .iter()
        .map(|d| d.0.to_owned())
        .collect();
    let names: Vec<String> = crate::demo::departments()
        .iter()
        .map(|d| d.1.to_owned())
        .collect();
    let names_en: Vec<String> = crate::demo::departments()
        .iter()
        .map(|d| d.2.to_owned())
        .collect();
    let departments = sqlx::query!(
        "insert into department (code, name, name_en)
         select code, name, name_en
         from unnest($1::text[], $2::text[], $3::text[]) with ordinality as d(code, name, name_en, ord)
         order by ord",
        &codes,
        &names,
        &names_en
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    ensure!(
        departments == crate::demo::departments().len() as u64,
        "inserted {departments} departments of {}",
        crate::demo::departments().len()
    );
    rows.push(("department", departments));

    let accounts: Vec<&crate::demo::DemoAccount> = crate::demo::accounts()
        .iter()
        .filter(|a| a.role == "department")
        .collect();
    let usernames: Vec<String> = accounts.iter().map(|a| a.username.to_owned()).collect();
    let display_names: Vec<String> = accounts.iter().map(|a| a.display_name.to_owned()).collect();
    let scopes: Vec<String> = accounts.iter().map(|a| a.scope.to_owned()).collect();
    let users = sqlx::query!(
        "insert into app_user (username, display_name, role, department_id, password_hash, lang)
         select u.username, u.display_name, 'department', d.department_id, $4, 'zh'
         from unnest($1::text[], $2::text[], $3::text[])
              with ordinality as u(username, display_name, scope, ord)
         join department d on d.code = u.scope
         order by u.ord",
        &usernames,
        &display_names,
        &scopes,
        hash
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    ensure!(
        users == crate::demo::departments().len() as u64 && users == accounts.len() as u64,
        "inserted {users} department users for {} departments",
        crate::demo::departments().len()
    );
    match rows.iter_mut().find(|(table, _)| *table == "app_user") {
        Some((_, n)) => *n += users,
        None => rows.push(("app_user", users)),
    }

    let sub_codes: Vec<String> = crate::demo::subscriptions()
        .iter()
        .map(|s| s.0.to_owned())
        .collect();
    let sub_stations: Vec<Option<i64>> = crate::demo::subscriptions()
        .iter()
        .map(|s| s.1.then_some(first_station))
        .collect();
    let levels: Vec<String> = crate::demo::subscriptions()
        .iter()
        .map(|s| s.2.to_owned())
        .collect();
    let industries: Vec<String> = crate::demo::subscriptions()
        .iter()
        .map(|s| s.3.to_owned())
        .collect();
    let subscriptions = sqlx::query!(
        "insert into subscription (department_id, station_id, levels, industries)
         select d.department_id, x.station_id, x.levels::tier_level[], x.industries::text[]
         from unnest($1::text[], $2::bigint[], $3::text[], $4::text[])
              with ordinality as x(code, station_id, levels, industries, ord)
         join department d on d.code = x.code
         order by x.ord",
        &sub_codes,
        &sub_stations as &[Option<i64>],
        &levels,
        &industries
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    ensure!(
        subscriptions == crate::demo::subscriptions().len() as u64,
        "inserted {subscriptions} subscriptions of {}",
        crate::demo::subscriptions().len()
    );
    rows.push(("subscription", subscriptions));
    Ok(())
}

/// Every calendar quarter lying wholly inside the window and over before
/// `today`, oldest first (none when the window is shorter than a quarter).
fn complete_quarters(opts: &SeedOptions) -> anyhow::Result<Vec<Quarter>> {
    let dates = Calendar::new(opts)?;
    let mut quarter = Quarter::containing(dates.start);
    if quarter.start() < dates.start {
        quarter = quarter.next();
    }
    let mut quarters = Vec::new();
    while quarter.end() < dates.today {
        quarters.push(quarter);
        quarter = quarter.next();
    }
    Ok(quarters)
}

/// When `quarter` is published: two weeks after its end (the demo's
/// `publish_history`), but never after `today`; 10:00 UTC (18:00 China
/// time) that day.
fn publication(quarter: Quarter, today: NaiveDate) -> (NaiveDate, DateTime<Utc>) {
    let on = days(quarter.end(), 14).min(today);
    let at = DateTime::<Utc>::from_naive_utc_and_offset(
        on.and_time(NaiveTime::from_hms_opt(10, 0, 0).unwrap_or(NaiveTime::MIN)),
        Utc,
    );
    (on, at)
}

/// Evaluate and publish `quarters` (oldest first) for every station, as its
/// chief: each quarter builds on the previous one's published levels and
/// each push on the department's previous push from the station.
async fn publish_quarters(
    pool: &PgPool,
    app: &App,
    chiefs: &[Chief],
    quarters: &[Quarter],
    today: NaiveDate,
    progress: &mut (impl FnMut(&str) + Send),
) -> anyhow::Result<()> {
    let (Some(first), Some(last)) = (quarters.first(), quarters.last()) else {
        progress("no complete quarter in the window: nothing evaluated or published");
        return Ok(());
    };
    progress(&format!(
        "evaluating and publishing {} ({first} to {last}) × {}",
        plural(quarters.len() as u64, "quarter"),
        plural(chiefs.len() as u64, "station")
    ));
    for &quarter in quarters {
        let (on, at) = publication(quarter, today);
        let (mut assessed, mut reinspections, mut pushes) = (0_u64, 0_u64, 0_u64);
        let (mut running, mut publishing) = (Duration::ZERO, Duration::ZERO);
        for chief in chiefs {
            let failed = || {
                format!(
                    "evaluating and publishing {quarter} at station id {} (the load is \
                     committed, and the quarters before are published)",
                    chief.station_id
                )
            };
            let evaluation = Evaluation {
                station_id: chief.station_id,
                chief_id: chief.user_id,
                quarter: quarter.to_string(),
                at,
                on,
            };
            let started = Instant::now();
            assessed += (app.evaluate)(pool, &evaluation)
                .await
                .with_context(failed)?;
            running += started.elapsed();
            let started = Instant::now();
            let (scheduled, written) = (app.publish)(pool, &evaluation)
                .await
                .with_context(failed)?;
            publishing += started.elapsed();
            reinspections += scheduled;
            pushes += written;
        }
        progress(&format!(
            "{quarter} published {on}: {assessed} enterprises evaluated in {:.1} s, \
             published in {:.1} s ({reinspections} re-inspections, {pushes} pushes)",
            running.as_secs_f64(),
            publishing.as_secs_f64()
        ));
    }
    Ok(())
}

/// Rows the evaluations wrote, per table.
async fn published_rows(pool: &PgPool) -> anyhow::Result<Vec<(&'static str, u64)>> {
    let n = sqlx::query!(
        r#"select (select count(*) from evaluation) as "evaluations!",
                  (select count(*) from assessment) as "assessments!",
                  (select count(*) from reinspection) as "reinspections!",
                  (select count(*) from push) as "pushes!",
                  (select count(*) from push_item) as "push_items!""#
    )
    .fetch_one(pool)
    .await?;
    Ok([
        ("evaluation", n.evaluations),
        ("assessment", n.assessments),
        ("reinspection", n.reinspections),
        ("push", n.pushes),
        ("push_item", n.push_items),
    ]
    .into_iter()
    .map(|(table, n)| (table, n.max(0) as u64))
    .collect())
}

/// The checklist answered by inspections: template version 1, item ids by
/// position.
async fn checklist(conn: &mut PgConnection) -> anyhow::Result<(i64, Vec<i64>)> {
    let items = sqlx::query!(
        "select t.checklist_template_id, i.checklist_item_id
         from checklist_template t
         join checklist_item i on i.checklist_template_id = t.checklist_template_id
         where t.version = 1
         order by i.position"
    )
    .fetch_all(&mut *conn)
    .await?;
    let Some(first) = items.first() else {
        bail!("checklist template version 1 has no items (are the migrations applied?)");
    };
    let template_id = first.checklist_template_id;
    Ok((
        template_id,
        items.iter().map(|i| i.checklist_item_id).collect(),
    ))
}

fn station_code(k: u32) -> String {
    format!("s{:03}", k + 1)
}

/// First enterprise index of station `k` (the split is even).
fn station_start(opts: &SeedOptions, k: u32) -> u32 {
    // < 10^7 × 10^4: no overflow in u64, and the result is at most enterprises.
    (u64::from(k) * u64::from(opts.enterprises) / u64::from(opts.stations)) as u32
}

fn station_size(opts: &SeedOptions, k: u32) -> u32 {
    station_start(opts, k + 1) - station_start(opts, k)
}

fn officers_for(enterprises: u32) -> u32 {
    enterprises
        .div_ceil(ENTERPRISES_PER_OFFICER)
        .max(MIN_OFFICERS)
}

// ---------------------------------------------------------------------------
// The loaded tables
// ---------------------------------------------------------------------------

struct Table {
    name: &'static str,
    /// The identity column, whose sequence is moved past the loaded ids.
    id_column: Option<&'static str>,
    columns: &'static str,
}

const ENTERPRISE: usize = 0;
const VISIT: usize = 1;
const VISIT_OFFICER: usize = 2;
const VISIT_CHECK: usize = 3;
const HAZARD: usize = 4;
const DISPUTE: usize = 5;
const DISPUTE_EVENT: usize = 6;
const DISPUTE_FOLLOW_UP: usize = 7;
const INCIDENT: usize = 8;
const DEMAND: usize = 9;
const DEMAND_EXTENSION: usize = 10;
const TRAINING: usize = 11;
const TRAINING_ENTERPRISE: usize = 12;
const TABLE_COUNT: usize = 13;

/// In loading order: parents before children.
const TABLES: [Table; TABLE_COUNT] = [
    Table {
        name: "enterprise",
        id_column: Some("enterprise_id"),
        columns: "enterprise_id, station_id, name, credit_code, industry_code, address, legal_rep, \
                  security_manager, security_phone, employee_count, liaison_officer_id, status",
    },
    Table {
        name: "visit",
        id_column: Some("visit_id"),
        columns: "visit_id, station_id, enterprise_id, visited_on, kind, notes, suggestions, \
                  checklist_template_id, liaison_contact, created_by, created_at, updated_at",
    },
    Table {
        name: "visit_officer",
        id_column: None,
        columns: "visit_id, user_id",
    },
    Table {
        name: "visit_check",
        id_column: None,
        columns: "visit_id, checklist_item_id, answer, note",
    },
    Table {
        name: "hazard",
        id_column: Some("hazard_id"),
        columns: "hazard_id, station_id, enterprise_id, visit_id, found_on, severity, description, \
                  deadline, rectified_on, rectification_note, verified_by, created_by, created_at, \
                  updated_at",
    },
    Table {
        name: "dispute",
        id_column: Some("dispute_id"),
        columns: "dispute_id, station_id, enterprise_id, reported_on, parties, kind, people_involved, \
                  mediation_forces, status, summary, resolution, resolved_on, closed_on, created_by, \
                  created_at, updated_at",
    },
    Table {
        name: "dispute_event",
        id_column: Some("dispute_event_id"),
        columns: "dispute_event_id, station_id, dispute_id, from_status, to_status, reason, at, by_user",
    },
    Table {
        name: "dispute_follow_up",
        id_column: Some("dispute_follow_up_id"),
        columns: "dispute_follow_up_id, station_id, dispute_id, assigned_to, due_on, done_on, method, \
                  note, created_at, done_by",
    },
    Table {
        name: "incident",
        id_column: Some("incident_id"),
        columns: "incident_id, station_id, enterprise_id, occurred_on, category, severity, \
                  enterprise_victim, summary, created_by, created_at, updated_at",
    },
    Table {
        name: "demand",
        id_column: Some("demand_id"),
        columns: "demand_id, station_id, enterprise_id, received_on, kind, content, assignee_id, \
                  due_on, status, response, responded_on, resolved_on, created_by, created_at, \
                  updated_at",
    },
    Table {
        name: "demand_extension",
        id_column: Some("demand_extension_id"),
        columns: "demand_extension_id, station_id, demand_id, old_due_on, new_due_on, reason, at, by_user",
    },
    Table {
        name: "training",
        id_column: Some("training_id"),
        columns: "training_id, station_id, held_on, kind, topic, attendee_count, created_by, \
                  created_at, updated_at",
    },
    Table {
        name: "training_enterprise",
        id_column: None,
        columns: "training_id, enterprise_id",
    },
];

/// One chunk of generated rows: `COPY` text per table.
#[derive(Debug)]
struct Chunk {
    tables: [Rows; TABLE_COUNT],
}

impl Chunk {
    fn new() -> Chunk {
        Chunk {
            tables: std::array::from_fn(|_| Rows::default()),
        }
    }
}

async fn copy_chunk(
    conn: &mut PgConnection,
    chunk: &Chunk,
    loaded: &mut [u64; TABLE_COUNT],
) -> anyhow::Result<()> {
    for (i, (table, rows)) in TABLES.iter().zip(&chunk.tables).enumerate() {
        if rows.count == 0 {
            continue;
        }
        let statement = format!("copy {} ({}) from stdin", table.name, table.columns);
        let mut copy = conn.copy_in_raw(&statement).await?;
        copy.send(rows.buf.as_slice()).await?;
        let n = copy
            .finish()
            .await
            .with_context(|| format!("loading {}", table.name))?;
        ensure!(
            n == rows.count,
            "{}: {n} rows loaded of {}",
            table.name,
            rows.count
        );
        loaded[i] += n;
    }
    Ok(())
}

/// Rows of one table in `COPY` text format.
#[derive(Debug, Default)]
struct Rows {
    buf: Vec<u8>,
    count: u64,
}

impl Rows {
    fn row(&mut self) -> Line<'_> {
        self.count += 1;
        Line {
            buf: &mut self.buf,
            first: true,
        }
    }
}

/// One row being written: fields separated by tabs, `\N` for null.
struct Line<'a> {
    buf: &'a mut Vec<u8>,
    first: bool,
}

impl Line<'_> {
    fn sep(&mut self) {
        if !self.first {
            self.buf.push(b'\t');
        }
        self.first = false;
    }

    fn int(mut self, v: i64) -> Self {
        self.sep();
        if v < 0 {
            self.buf.push(b'-');
        }
        push_u64(self.buf, v.unsigned_abs());
        self
    }

    fn opt_int(self, v: Option<i64>) -> Self {
        match v {
            Some(v) => self.int(v),
            None => self.null(),
        }
    }

    fn null(mut self) -> Self {
        self.sep();
        self.buf.extend_from_slice(b"\\N");
        self
    }

    fn bool(mut self, v: bool) -> Self {
        self.sep();
        self.buf.push(if v { b't' } else { b'f' });
        self
    }

    /// Text, escaped for the `COPY` text format.
    fn text(mut self, s: &str) -> Self {
        self.sep();
        if s.bytes()
            .any(|b| matches!(b, b'\\' | b'\t' | b'\n' | b'\r'))
        {
            for b in s.bytes() {
                match b {
                    b'\\' => self.buf.extend_from_slice(b"\\\\"),
                    b'\t' => self.buf.extend_from_slice(b"\\t"),
                    b'\n' => self.buf.extend_from_slice(b"\\n"),
                    b'\r' => self.buf.extend_from_slice(b"\\r"),
                    _ => self.buf.push(b),
                }
            }
        } else {
            self.buf.extend_from_slice(s.as_bytes());
        }
        self
    }

    fn date(mut self, d: NaiveDate) -> Self {
        self.sep();
        push_date(self.buf, d);
        self
    }

    fn opt_date(self, d: Option<NaiveDate>) -> Self {
        match d {
            Some(d) => self.date(d),
            None => self.null(),
        }
    }

    /// A moment in China time: `YYYY-MM-DD HH:MM:SS+08`.
    fn at(mut self, at: Moment) -> Self {
        self.sep();
        push_date(self.buf, at.day);
        let s = at.seconds.min(86_399);
        self.buf.push(b' ');
        push_2(self.buf, s / 3600);
        self.buf.push(b':');
        push_2(self.buf, s / 60 % 60);
        self.buf.push(b':');
        push_2(self.buf, s % 60);
        self.buf.extend_from_slice(b"+08");
        self
    }

    fn end(self) {
        self.buf.push(b'\n');
    }
}

fn push_u64(buf: &mut Vec<u8>, mut v: u64) {
    let mut digits = [0_u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    buf.extend_from_slice(&digits[i..]);
}

fn push_2(buf: &mut Vec<u8>, v: u32) {
    buf.push(b'0' + (v / 10 % 10) as u8);
    buf.push(b'0' + (v % 10) as u8);
}

fn push_date(buf: &mut Vec<u8>, d: NaiveDate) {
    // Seeded years are four-digit.
    let year = d.year().clamp(0, 9999) as u32;
    push_2(buf, year / 100);
    push_2(buf, year % 100);
    buf.push(b'-');
    push_2(buf, d.month());
    buf.push(b'-');
    push_2(buf, d.day());
}

// ---------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------

/// A moment: a day and seconds after its midnight, China time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Moment {
    day: NaiveDate,
    seconds: u32,
}

fn days(d: NaiveDate, n: i64) -> NaiveDate {
    d + chrono::Duration::days(n)
}

fn span(from: NaiveDate, to: NaiveDate) -> i64 {
    (to - from).num_days()
}

/// The history's window and its calendar months and quarters.
#[derive(Debug, Clone)]
struct Calendar {
    /// First day of the history.
    start: NaiveDate,
    today: NaiveDate,
    /// Calendar months clipped to the window: (first, last) day.
    months: Vec<(NaiveDate, NaiveDate)>,
    /// Calendar quarters clipped to the window: (first, last) day, and the
    /// share of the whole quarter inside the window.
    quarters: Vec<(NaiveDate, NaiveDate, f64)>,
}

impl Calendar {
    fn new(opts: &SeedOptions) -> anyhow::Result<Calendar> {
        ensure!(
            (1..=MAX_STATIONS).contains(&opts.stations),
            "stations must be between 1 and {MAX_STATIONS}"
        );
        ensure!(
            opts.enterprises <= MAX_ENTERPRISES,
            "at most {MAX_ENTERPRISES} enterprises"
        );
        ensure!(
            (1..=MAX_MONTHS).contains(&opts.months),
            "months must be between 1 and {MAX_MONTHS}"
        );
        ensure!(
            (2000..=9000).contains(&opts.today.year()),
            "today must fall between the years 2000 and 9000"
        );
        let today = opts.today;
        let start = today
            .checked_sub_months(Months::new(opts.months))
            .map(|d| days(d, 1))
            .context("the history starts before the calendar")?;
        let mut months = Vec::new();
        let mut first = NaiveDate::from_ymd_opt(start.year(), start.month(), 1).unwrap_or(start);
        while first <= today {
            let next = first.checked_add_months(Months::new(1)).unwrap_or(today);
            months.push((first.max(start), days(next, -1).min(today)));
            first = next;
        }
        let mut quarters = Vec::new();
        let mut first = quarter_start(start);
        while first <= today {
            let next = first.checked_add_months(Months::new(3)).unwrap_or(today);
            let last = days(next, -1);
            let (from, to) = (first.max(start), last.min(today));
            let share = (span(from, to) + 1) as f64 / (span(first, last) + 1) as f64;
            quarters.push((from, to, share));
            first = next;
        }
        Ok(Calendar {
            start,
            today,
            months,
            quarters,
        })
    }
}

fn quarter_start(d: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(d.year(), d.month0() / 3 * 3 + 1, 1).unwrap_or(d)
}

// ---------------------------------------------------------------------------
// Randomness
// ---------------------------------------------------------------------------

/// The seed's generator: the shared one, one step in (as the seed always was).
fn seeded(seed: u64) -> Rng {
    let mut rng = Rng::new(seed);
    rng.next_u64();
    rng
}

/// Days and office hours drawn from the generator.
trait Draws {
    /// A day in first..=last.
    fn day(&mut self, first: NaiveDate, last: NaiveDate) -> NaiveDate;
    /// A moment during office hours (08:30–17:30) on `day`.
    fn office(&mut self, day: NaiveDate) -> Moment;
    /// An office-hours moment on `day`, later than `after`.
    fn office_after(&mut self, day: NaiveDate, after: Moment) -> Moment;
}

impl Draws for Rng {
    fn day(&mut self, first: NaiveDate, last: NaiveDate) -> NaiveDate {
        days(first, self.range(0, span(first, last)))
    }

    fn office(&mut self, day: NaiveDate) -> Moment {
        Moment {
            day,
            seconds: self.range(8 * 3600 + 1800, 17 * 3600 + 1800) as u32,
        }
    }

    fn office_after(&mut self, day: NaiveDate, after: Moment) -> Moment {
        let m = self.office(day);
        if m > after {
            m
        } else {
            Moment {
                day: after.day,
                seconds: after.seconds + self.range(300, 3600) as u32,
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Generation
// ---------------------------------------------------------------------------

/// Everything the generator thread needs.
#[derive(Debug)]
struct Plan {
    opts: SeedOptions,
    dates: Calendar,
    crews: Vec<Crew>,
    template_id: i64,
    /// Checklist item ids by position (position = index + 1).
    items: Vec<i64>,
    first_ids: [i64; TABLE_COUNT],
}

/// Generate every chunk and hand it to the loader; returns the next free id
/// per table. Stops early (harmlessly) when the loader has gone.
fn generate(plan: &Plan, out: &mpsc::Sender<Chunk>) -> [i64; TABLE_COUNT] {
    let mut g = Gen {
        plan,
        ids: plan.first_ids,
        chunk: Chunk::new(),
    };
    let total = plan.opts.enterprises;
    let mut next = 0_u32;
    let mut chunk_no = 0_u64;
    let mut station = 0_u32;
    while next < total {
        let end = (next + CHUNK_ENTERPRISES).min(total);
        while next < end {
            while station_start(&plan.opts, station + 1) <= next {
                station += 1;
            }
            let segment_end = end.min(station_start(&plan.opts, station + 1));
            let crew = &plan.crews[station as usize];
            let local_first = next - station_start(&plan.opts, station);
            let mut attendees = Vec::new();
            for e in next..segment_end {
                let local = e - station_start(&plan.opts, station);
                if let Some(id) = g.enterprise(crew, e, local) {
                    attendees.push(id);
                }
            }
            let mut rng = seeded(
                plan.opts.seed ^ 0x7452_4149_4E49_4E47 ^ (chunk_no << 16) ^ u64::from(local_first),
            );
            g.trainings(&mut rng, crew, &attendees);
            next = segment_end;
        }
        let chunk = std::mem::replace(&mut g.chunk, Chunk::new());
        if out.blocking_send(chunk).is_err() {
            break;
        }
        chunk_no += 1;
    }
    g.ids
}

struct Gen<'a> {
    plan: &'a Plan,
    /// Next id per table.
    ids: [i64; TABLE_COUNT],
    chunk: Chunk,
}

/// What the history of one enterprise needs to know about it.
struct Firm<'a> {
    id: i64,
    station_id: i64,
    liaison: i64,
    crew: &'a Crew,
    /// Last day with records: today, or the day a closed enterprise closed.
    end: NaiveDate,
    closed: bool,
    /// Fails several checklist items at most inspections.
    problem: bool,
    never_inspected: bool,
    /// Checklist positions answered "not applicable".
    not_applicable: u16,
}

impl Gen<'_> {
    fn take_id(&mut self, table: usize) -> i64 {
        let id = self.ids[table];
        self.ids[table] += 1;
        id
    }

    fn rows(&mut self, table: usize) -> &mut Rows {
        &mut self.chunk.tables[table]
    }

    /// The enterprise with global index `e` (the `local`-th of its station)
    /// and its history; its id when it is active (trainings invite it).
    fn enterprise(&mut self, crew: &Crew, e: u32, local: u32) -> Option<i64> {
        let plan = self.plan;
        let mut rng = seeded(
            plan.opts
                .seed
                .wrapping_add(u64::from(e + 1).wrapping_mul(0xD1B5_4A32_D192_ED03)),
        );
        let id = self.take_id(ENTERPRISE);
        let liaison = crew.officers[local as usize % crew.officers.len()];
        let industry_index = rng.weighted(&INDUSTRY_WEIGHTS);
        let (industry, _, words) = &INDUSTRIES[industry_index];
        let industry: &'static str = industry;
        // Employees 5..=2000, most of them small: 5 × 400^(u^1.7).
        let employees = (5.0 * 400_f64.powf(rng.unit().powf(1.7))).round() as i64;
        let name = company_name(&mut rng, e, words, employees);
        let legal_rep = rng.person_name(words::names());
        let manager = if employees < 30 && rng.percent(50) {
            legal_rep.clone()
        } else {
            rng.person_name(words::names())
        };
        let mut address = format!("高新区{}{}号", rng.pick(&STREETS), rng.range(1, 1500));
        if rng.percent(40) {
            address.push_str(&format!(
                "{}幢{}{:02}室",
                rng.range(1, 12),
                rng.range(1, 18),
                rng.range(1, 12)
            ));
        }
        let phone = rng.mobile(words::names());
        let closed = rng.percent(4);
        // Distinct below 10^8 for distinct e: 7919 is coprime to 10.
        let code_n = (u64::from(e) * 7_919 + plan.opts.seed % 100_000_000) % 100_000_000;
        let credit_code = CreditCode::generate(REGION, code_n);
        self.rows(ENTERPRISE)
            .row()
            .int(id)
            .int(crew.station_id)
            .text(&name)
            .text(credit_code.as_str())
            .text(industry)
            .text(&address)
            .text(&legal_rep)
            .text(&manager)
            .text(&phone)
            .int(employees)
            .int(liaison)
            .text(if closed { "closed" } else { "active" })
            .end();

        let dates = &plan.dates;
        let end = if closed {
            days(
                dates.start,
                rng.range(
                    30.min(span(dates.start, dates.today)),
                    span(dates.start, dates.today),
                ),
            )
        } else {
            dates.today
        };
        let hazardous = matches!(
            industry,
            "chemicals" | "manufacturing" | "logistics" | "construction"
        );
        let mut not_applicable = 0_u16;
        for position in 1..=plan.items.len().min(16) {
            let na = if position == 6 {
                !hazardous || rng.percent(30)
            } else {
                rng.percent(3)
            };
            if na {
                not_applicable |= 1 << (position - 1);
            }
        }
        let firm = Firm {
            id,
            station_id: crew.station_id,
            liaison,
            crew,
            end,
            closed,
            problem: rng.percent(8),
            never_inspected: rng.percent(5),
            not_applicable,
        };
        self.visits(&mut rng, &firm);
        self.incidents(&mut rng, &firm);
        self.disputes(&mut rng, &firm);
        self.demands(&mut rng, &firm);
        (!closed).then_some(id)
    }

    /// The officer who records something: mostly the liaison.
    fn recorder(rng: &mut Rng, firm: &Firm<'_>) -> i64 {
        if rng.percent(85) {
            firm.liaison
        } else {
            rng.pick(&firm.crew.officers)
        }
    }

    fn visits(&mut self, rng: &mut Rng, firm: &Firm<'_>) {
        let plan = self.plan;
        // A security inspection in most quarters.
        if !firm.never_inspected {
            for &(from, to, share) in &plan.dates.quarters {
                let to = to.min(firm.end);
                if from <= to && rng.chance(0.9 * share) {
                    let on = rng.day(from, to);
                    self.visit(rng, firm, on, "inspection");
                }
            }
        }
        // Another visit in about every other month.
        for &(from, to) in &plan.dates.months {
            let to = to.min(firm.end);
            if from > to {
                break;
            }
            let share = (span(from, to) + 1) as f64 / 30.0;
            if rng.chance(0.45 * share) {
                let kind = VISIT_KINDS[rng.weighted(&VISIT_KIND_WEIGHTS)];
                let on = rng.day(from, to);
                self.visit(rng, firm, on, kind);
            }
        }
    }

    fn visit(&mut self, rng: &mut Rng, firm: &Firm<'_>, on: NaiveDate, kind: &'static str) {
        let plan = self.plan;
        let id = self.take_id(VISIT);
        let by = Self::recorder(rng, firm);
        let mut officers = vec![by];
        if rng.percent(30) {
            let other = rng.pick(&firm.crew.officers);
            if other != by {
                officers.push(other);
            }
        }
        let inspection = kind == "inspection";
        let notes = rng.pick(visit_notes(kind));
        let suggestions = if rng.percent(10) {
            rng.pick(&SUGGESTIONS)
        } else {
            ""
        };
        let at = rng.office(on);
        self.rows(VISIT)
            .row()
            .int(id)
            .int(firm.station_id)
            .int(firm.id)
            .date(on)
            .text(kind)
            .text(notes)
            .text(suggestions)
            .opt_int(inspection.then_some(plan.template_id))
            .bool(officers.contains(&firm.liaison))
            .int(by)
            .at(at)
            .at(at)
            .end();
        for &o in &officers {
            self.rows(VISIT_OFFICER).row().int(id).int(o).end();
        }
        if !inspection {
            return;
        }
        let fail_percent = if firm.problem { 25 } else { 5 };
        for (index, &item) in plan.items.iter().enumerate() {
            let position = index + 1;
            let na = position <= 16 && firm.not_applicable & (1 << index) != 0;
            let answer = if na {
                "na"
            } else if rng.percent(fail_percent) {
                "fail"
            } else {
                "pass"
            };
            let finding = FINDINGS[index % FINDINGS.len()];
            let note = if answer == "fail" { finding.0 } else { "" };
            self.rows(VISIT_CHECK)
                .row()
                .int(id)
                .int(item)
                .text(answer)
                .text(note)
                .end();
            if answer == "fail"
                && let Some((description, fix, major)) = finding.1
                && rng.percent(80)
            {
                self.hazard(rng, firm, id, on, by, (description, fix, major));
            }
        }
    }

    fn hazard(
        &mut self,
        rng: &mut Rng,
        firm: &Firm<'_>,
        visit_id: i64,
        found_on: NaiveDate,
        by: i64,
        (description, fix, major): (&str, &str, u64),
    ) {
        let today = self.plan.dates.today;
        let id = self.take_id(HAZARD);
        let severity = if rng.percent(major) {
            "major"
        } else {
            "general"
        };
        let deadline = days(found_on, rng.range(7, 30));
        let rectified_on = if firm.closed {
            // Closed enterprises leave nothing open.
            Some(rng.day(found_on, deadline.min(firm.end).max(found_on)))
        } else if deadline < today {
            if rng.percent(82) {
                Some(if rng.percent(80) {
                    rng.day(found_on, deadline)
                } else {
                    rng.day(days(deadline, 1), days(deadline, 30).min(today))
                })
            } else {
                None
            }
        } else if rng.percent(40) {
            Some(rng.day(found_on, today))
        } else {
            None
        };
        let at = rng.office(found_on);
        self.rows(HAZARD)
            .row()
            .int(id)
            .int(firm.station_id)
            .int(firm.id)
            .int(visit_id)
            .date(found_on)
            .text(severity)
            .text(description)
            .date(deadline)
            .opt_date(rectified_on)
            .text(if rectified_on.is_some() { fix } else { "" })
            .opt_int(rectified_on.map(|_| by))
            .int(by)
            .at(at)
            .at(at)
            .end();
    }

    fn incidents(&mut self, rng: &mut Rng, firm: &Firm<'_>) {
        for &(from, to) in &self.plan.dates.months {
            let to = to.min(firm.end);
            if from > to {
                break;
            }
            let share = (span(from, to) + 1) as f64 / 30.0;
            if !rng.chance(0.025 * share) {
                continue;
            }
            let on = rng.day(from, to);
            let (category, victim_percent, _, texts) = &INCIDENTS[rng.weighted(&INCIDENT_WEIGHTS)];
            let victim_percent = *victim_percent;
            let severity = ["minor", "serious", "major"][rng.weighted(&[70, 25, 5])];
            let id = self.take_id(INCIDENT);
            let by = Self::recorder(rng, firm);
            let at = rng.office(on);
            self.rows(INCIDENT)
                .row()
                .int(id)
                .int(firm.station_id)
                .int(firm.id)
                .date(on)
                .text(category)
                .text(severity)
                .bool(rng.percent(victim_percent))
                .text(rng.pick(texts))
                .int(by)
                .at(at)
                .at(at)
                .end();
        }
    }

    fn disputes(&mut self, rng: &mut Rng, firm: &Firm<'_>) {
        let today = self.plan.dates.today;
        for &(from, to) in &self.plan.dates.months {
            let to = to.min(firm.end);
            if from > to {
                break;
            }
            let share = (span(from, to) + 1) as f64 / 30.0;
            if !rng.chance(0.01 * share) {
                continue;
            }
            let reported_on = rng.day(from, to);
            let &(kind, parties, summary, resolution, _) =
                &DISPUTES[rng.weighted(&DISPUTE_WEIGHTS)];
            let people = match rng.weighted(&[85, 12, 3]) {
                0 => rng.range(2, 12),
                1 => rng.range(13, 29),
                _ => rng.range(30, 150),
            };
            let id = self.take_id(DISPUTE);
            let by = Self::recorder(rng, firm);
            // The status history: reported → mediating → resolved → closed
            // (with a follow-up) or referred, as far as the days allow.
            let age = span(reported_on, today);
            let mut events: Vec<(Option<&str>, &str, &str, Moment)> = Vec::new();
            let reported_at = rng.office(reported_on);
            events.push((None, "reported", "", reported_at));
            let mut status = "reported";
            let mut forces = "{}";
            let mut resolved_on = None;
            let mut closed_on = None;
            let mut follow_up = None;
            if age >= 2 || rng.percent(50) {
                let on = days(reported_on, rng.range(0, 2)).min(today);
                let at = rng.office_after(on, reported_at);
                events.push((Some("reported"), "mediating", "", at));
                status = "mediating";
                forces = rng.pick(&FORCES);
                let fate = rng.below(100);
                if age > 20 && fate < 8 {
                    let on = days(at.day, rng.range(5, 15)).min(today);
                    let at = rng.office_after(on, at);
                    events.push((Some("mediating"), "referred", REFERRAL_REASON, at));
                    status = "referred";
                } else if age > 20 && fate < 85 {
                    let on = days(at.day, rng.range(2, 15)).min(today);
                    let at = rng.office_after(on, at);
                    events.push((Some("mediating"), "resolved", "", at));
                    status = "resolved";
                    resolved_on = Some(at.day);
                    let due = days(at.day, FOLLOW_UP_DAYS);
                    let done = days(at.day, rng.range(3, 10));
                    if done <= today && rng.percent(90) {
                        let (method, note) = rng.pick(&FOLLOW_UP_NOTES);
                        let closed_at = rng.office_after(done, at);
                        events.push((Some("resolved"), "closed", CLOSING_REASON, closed_at));
                        status = "closed";
                        closed_on = Some(closed_at.day);
                        follow_up = Some((due, Some((closed_at.day, method, note)), at));
                    } else {
                        follow_up = Some((due, None, at));
                    }
                }
            }
            let summary = summary.replace("{n}", &people.to_string());
            let created = events[0].3;
            self.rows(DISPUTE)
                .row()
                .int(id)
                .int(firm.station_id)
                .int(firm.id)
                .date(reported_on)
                .text(parties)
                .text(kind)
                .int(people)
                .text(forces)
                .text(status)
                .text(&summary)
                .text(if resolved_on.is_some() {
                    resolution
                } else {
                    ""
                })
                .opt_date(resolved_on)
                .opt_date(closed_on)
                .int(by)
                .at(created)
                .at(events.last().map_or(created, |e| e.3))
                .end();
            for (from_status, to_status, reason, at) in events {
                let event_id = self.take_id(DISPUTE_EVENT);
                let line = self
                    .rows(DISPUTE_EVENT)
                    .row()
                    .int(event_id)
                    .int(firm.station_id)
                    .int(id);
                let line = match from_status {
                    Some(s) => line.text(s),
                    None => line.null(),
                };
                line.text(to_status).text(reason).at(at).int(by).end();
            }
            if let Some((due, done, at)) = follow_up {
                let follow_up_id = self.take_id(DISPUTE_FOLLOW_UP);
                let line = self
                    .rows(DISPUTE_FOLLOW_UP)
                    .row()
                    .int(follow_up_id)
                    .int(firm.station_id)
                    .int(id)
                    .int(by)
                    .date(due);
                match done {
                    Some((on, method, note)) => {
                        line.date(on).text(method).text(note).at(at).int(by).end()
                    }
                    None => line.null().null().text("").at(at).null().end(),
                }
            }
        }
    }

    fn demands(&mut self, rng: &mut Rng, firm: &Firm<'_>) {
        let today = self.plan.dates.today;
        for &(from, to) in &self.plan.dates.months {
            let to = to.min(firm.end);
            if from > to {
                break;
            }
            let share = (span(from, to) + 1) as f64 / 30.0;
            if !rng.chance(0.035 * share) {
                continue;
            }
            let received_on = rng.day(from, to);
            let (kind, content, response) = rng.pick(&DEMANDS);
            let id = self.take_id(DEMAND);
            let by = Self::recorder(rng, firm);
            let age = span(received_on, today);
            let mut due_on = days(received_on, DEMAND_RESPONSE_DAYS);
            let mut extension = None;
            if age >= 10 && rng.percent(4) {
                let old = due_on;
                due_on = days(old, DEMAND_RESPONSE_DAYS);
                let on = days(received_on, rng.range(5, 10));
                extension = Some((old, due_on, rng.office(on)));
            }
            let answered_percent = if age >= DEMAND_RESPONSE_DAYS { 92 } else { 50 };
            let responded_on = (age >= 1 && rng.percent(answered_percent))
                .then(|| days(received_on, rng.range(1, age.min(14))));
            let resolved_on = responded_on
                .filter(|_| rng.percent(70))
                .map(|r| days(r, rng.range(0, 10)).min(today));
            let status = match (responded_on, resolved_on) {
                (_, Some(_)) => "resolved",
                (Some(_), None) => "responded",
                (None, None) => "open",
            };
            let at = rng.office(received_on);
            self.rows(DEMAND)
                .row()
                .int(id)
                .int(firm.station_id)
                .int(firm.id)
                .date(received_on)
                .text(kind)
                .text(content)
                .int(firm.liaison)
                .date(due_on)
                .text(status)
                .text(if responded_on.is_some() { response } else { "" })
                .opt_date(responded_on)
                .opt_date(resolved_on)
                .int(by)
                .at(at)
                .at(at)
                .end();
            if let Some((old, new, at)) = extension {
                let extension_id = self.take_id(DEMAND_EXTENSION);
                self.rows(DEMAND_EXTENSION)
                    .row()
                    .int(extension_id)
                    .int(firm.station_id)
                    .int(id)
                    .date(old)
                    .date(new)
                    .text(rng.pick(&EXTENSION_REASONS))
                    .at(at)
                    .int(firm.liaison)
                    .end();
            }
        }
    }

    /// Trainings of one station for a run of its active enterprises: each
    /// enterprise attends about one a year, 5–30 enterprises a session.
    fn trainings(&mut self, rng: &mut Rng, crew: &Crew, attendees: &[i64]) {
        if attendees.is_empty() {
            return;
        }
        let mut carry = 0.0;
        for &(from, to) in &self.plan.dates.months {
            let share = (span(from, to) + 1) as f64 / 30.0;
            carry += attendees.len() as f64 * share / 12.0 / 17.5;
            while carry >= 1.0 || rng.chance(carry) {
                carry = (carry - 1.0).max(0.0);
                let id = self.take_id(TRAINING);
                let on = rng.day(from, to);
                let kind_index = rng.weighted(&[40, 40, 20]);
                let (kind, topics) = &TRAININGS[kind_index];
                let n = (rng.range(5, 30) as usize).min(attendees.len());
                let mut chosen: Vec<i64> = Vec::with_capacity(n);
                while chosen.len() < n {
                    let e = rng.pick(attendees);
                    if !chosen.contains(&e) {
                        chosen.push(e);
                    }
                }
                let people: i64 = chosen.iter().map(|_| rng.range(2, 20)).sum();
                // The chief now and then runs a session.
                let by = if rng.percent(10) {
                    crew.chief
                } else {
                    rng.pick(&crew.officers)
                };
                let at = rng.office(on);
                self.rows(TRAINING)
                    .row()
                    .int(id)
                    .int(crew.station_id)
                    .date(on)
                    .text(kind)
                    .text(rng.pick(topics))
                    .int(people)
                    .int(by)
                    .at(at)
                    .at(at)
                    .end();
                for e in chosen {
                    self.rows(TRAINING_ENTERPRISE).row().int(id).int(e).end();
                }
            }
        }
    }
}

fn company_name(rng: &mut Rng, e: u32, words: &[&str], employees: i64) -> String {
    // The trade name walks through all first × second character pairs, so
    // names repeat only every 1,600 enterprises of an industry word.
    let (first, second) = (&TRADE_FIRST, &TRADE_SECOND);
    let n = e as usize;
    let mut trade = first[n % first.len()].to_owned();
    trade.push_str(second[(n / first.len() + n) % second.len()]);
    let word = rng.pick(words);
    let form = if employees >= 300 && rng.percent(35) {
        "股份有限公司"
    } else if rng.percent(25) {
        "有限责任公司"
    } else {
        "有限公司"
    };
    match rng.below(20) {
        0 => format!("临江{trade}{word}{form}高新分公司"),
        1 | 2 => format!("{trade}（临江）{word}{form}"),
        _ => format!("{}{trade}{word}{form}", rng.pick(&PLACE_PREFIXES)),
    }
}

// ---------------------------------------------------------------------------
// Word lists
// ---------------------------------------------------------------------------

const VISIT_KINDS: [&str; 4] = ["routine", "legal", "policy", "follow_up"];
const VISIT_KIND_WEIGHTS: [u64; 4] = [60, 12, 18, 10];

const REFERRAL_REASON: &str = "经多次调解双方分歧较大，引导当事人通过仲裁或诉讼途径解决";
const CLOSING_REASON: &str = "回访确认调解协议已履行完毕，结案";

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(stations: u32, enterprises: u32, months: u32) -> SeedOptions {
        SeedOptions {
            stations,
            enterprises,
            months,
            today: NaiveDate::from_ymd_opt(2026, 5, 17).unwrap(),
            seed: 7,
        }
    }

    #[test]
    fn stations_split_evenly() {
        let o = opts(3, 1000, 12);
        let sizes: Vec<u32> = (0..3).map(|k| station_size(&o, k)).collect();
        assert_eq!(sizes.iter().sum::<u32>(), 1000);
        assert!(sizes.iter().all(|&s| s == 333 || s == 334), "{sizes:?}");
        assert_eq!(officers_for(0), 3);
        assert_eq!(officers_for(1200), 3);
        assert_eq!(officers_for(1201), 4);
        assert_eq!(officers_for(100_000), 250);
    }

    #[test]
    fn calendar_covers_the_window() {
        let c = Calendar::new(&opts(1, 10, 12)).unwrap();
        assert_eq!(c.start, NaiveDate::from_ymd_opt(2025, 5, 18).unwrap());
        assert_eq!(c.months.first().unwrap().0, c.start);
        assert_eq!(c.months.last().unwrap().1, c.today);
        assert_eq!(c.months.len(), 13);
        assert!(c.months.windows(2).all(|w| days(w[0].1, 1) == w[1].0));
        assert_eq!(c.quarters.len(), 5);
        assert!(c.quarters.iter().all(|q| q.2 > 0.0 && q.2 <= 1.0));
        assert!(Calendar::new(&opts(0, 10, 12)).is_err());
        assert!(Calendar::new(&opts(1, 10, 0)).is_err());
    }

    #[test]
    fn whole_past_quarters_of_the_window_are_published() {
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let quarters = |months: u32, today: &str| -> Vec<String> {
            let o = SeedOptions {
                today: day(today),
                ..opts(1, 10, months)
            };
            complete_quarters(&o)
                .unwrap()
                .iter()
                .map(ToString::to_string)
                .collect()
        };
        // From 2025-05-18: the second quarter of 2025 is not whole, the
        // second of 2026 not over.
        assert_eq!(
            quarters(12, "2026-05-17"),
            ["2025-Q3", "2025-Q4", "2026-Q1"]
        );
        // The last day of a quarter: it is not over yet.
        assert_eq!(
            quarters(12, "2026-06-30"),
            ["2025-Q3", "2025-Q4", "2026-Q1"]
        );
        assert_eq!(
            quarters(12, "2026-07-01"),
            ["2025-Q4", "2026-Q1", "2026-Q2"]
        );
        assert_eq!(quarters(3, "2026-05-17"), Vec::<String>::new());
        // From 2026-01-18, then from 2025-12-18.
        assert_eq!(quarters(4, "2026-05-17"), Vec::<String>::new());
        assert_eq!(quarters(5, "2026-05-17"), ["2026-Q1"]);
        assert!(complete_quarters(&opts(1, 10, 0)).is_err());

        // Two weeks after the quarter, unless that is after today.
        let q1 = Quarter::containing(day("2026-02-01"));
        let (on, at) = publication(q1, day("2026-05-17"));
        assert_eq!(on, day("2026-04-14"));
        assert_eq!(at.to_rfc3339(), "2026-04-14T10:00:00+00:00");
        assert_eq!(publication(q1, day("2026-04-05")).0, day("2026-04-05"));
    }

    #[test]
    fn copy_text_is_escaped_and_formatted() {
        let mut rows = Rows::default();
        rows.row()
            .int(-42)
            .int(0)
            .text("a\tb\\c\nd")
            .null()
            .bool(true)
            .date(NaiveDate::from_ymd_opt(2026, 1, 9).unwrap())
            .at(Moment {
                day: NaiveDate::from_ymd_opt(2026, 1, 9).unwrap(),
                seconds: 9 * 3600 + 5 * 60 + 7,
            })
            .end();
        assert_eq!(
            String::from_utf8(rows.buf).unwrap(),
            "-42\t0\ta\\tb\\\\c\\nd\t\\N\tt\t2026-01-09\t2026-01-09 09:05:07+08\n"
        );
        assert_eq!(rows.count, 1);
    }

    #[test]
    fn generation_is_deterministic_and_consistent() {
        let o = opts(2, 300, 3);
        let plan = || Plan {
            opts: o,
            dates: Calendar::new(&o).unwrap(),
            crews: vec![
                Crew {
                    station_id: 1,
                    chief: 10,
                    officers: vec![11, 12, 13],
                },
                Crew {
                    station_id: 2,
                    chief: 20,
                    officers: vec![21, 22, 23],
                },
            ],
            template_id: 1,
            items: (1..=10).collect(),
            first_ids: [1; TABLE_COUNT],
        };
        let run = || {
            let plan = plan();
            let (tx, mut rx) = mpsc::channel(64);
            let ids = generate(&plan, &tx);
            drop(tx);
            let mut chunks = Vec::new();
            while let Ok(c) = rx.try_recv() {
                chunks.push(c);
            }
            (ids, chunks)
        };
        let (ids, chunks) = run();
        let (again, chunks_again) = run();
        assert_eq!(ids, again);
        assert_eq!(chunks.len(), 1);
        assert_eq!(
            chunks[0].tables[VISIT].buf,
            chunks_again[0].tables[VISIT].buf
        );
        let t = &chunks[0].tables;
        assert_eq!(t[ENTERPRISE].count, 300);
        for (i, rows) in t.iter().enumerate() {
            if TABLES[i].id_column.is_some() {
                assert_eq!(ids[i] - 1, rows.count as i64, "{}", TABLES[i].name);
            }
            let text = std::str::from_utf8(&rows.buf).unwrap();
            let columns = TABLES[i].columns.split(',').count();
            for line in text.lines() {
                assert_eq!(
                    line.split('\t').count(),
                    columns,
                    "{}: {line}",
                    TABLES[i].name
                );
            }
        }
        let inspections = std::str::from_utf8(&t[VISIT].buf)
            .unwrap()
            .lines()
            .filter(|l| l.split('\t').nth(4) == Some("inspection"))
            .count() as u64;
        assert_eq!(t[VISIT_CHECK].count, inspections * 10);
        assert!(t[VISIT_OFFICER].count >= t[VISIT].count);
        // Three months: every active, inspected enterprise about once.
        assert!(inspections > 200, "{inspections}");
    }
}
