//! Demo data for `sanse demo`: one branch with two stations, their chiefs
//! and officers, five partner departments, an administrator, about 150
//! fictional enterprises, and a year of field work at them ending today:
//! visits and inspection checklists, hazards, disputes, incidents, demands
//! and trainings, with some of it open or overdue now (levels are left to
//! the quarterly evaluation).
//!
//! Everything is generated deterministically (a fixed-seed splitmix64), so
//! every demo shows the same register. Seeding happens at start-up of the
//! demo command, only into a database without stations and users, and never
//! from a migration.

use std::collections::{HashMap, HashSet};

use anyhow::Context as _;
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc};
use sqlx::{PgConnection, PgPool};

use credit_code::CreditCode;

use crate::rng::Rng;
use crate::{App, Evaluation, Quarter};

mod words;

use words::*;

/// A demo login, printed at start-up and listed in the README.
#[derive(Debug, Clone, Copy)]
pub struct DemoAccount {
    pub username: &'static str,
    pub password: &'static str,
    /// `officer`, `chief`, `department` or `admin`.
    pub role: &'static str,
    pub description_zh: &'static str,
    pub description_en: &'static str,
    /// The name shown in the interface.
    pub display_name: &'static str,
    /// Station code for officers and chiefs, department code for department
    /// users, empty for the administrator.
    pub scope: &'static str,
}

/// The one password of every demo account.
pub const PASSWORD: &str = "sanse-demo-2026";

/// Every account the demo creates.
pub fn accounts() -> &'static [DemoAccount] {
    &ACCOUNTS
}

/// (code, name, English name) of the partner departments, which the seed
/// creates too.
pub fn departments() -> &'static [(&'static str, &'static str, &'static str)] {
    &DEPARTMENTS
}

/// What each department receives (see `data/demo/subscriptions.tsv`), which
/// the seed subscribes too.
pub fn subscriptions() -> &'static [(&'static str, bool, &'static str, &'static str)] {
    &SUBSCRIPTIONS
}

const BRANCH_NAME: &str = "临江市公安局滨江分局";
const BRANCH_NAME_EN: &str = "Binjiang Branch, Linjiang Public Security Bureau";

/// Administrative division code used for every demo credit code.
pub const REGION: &str = "330108";

struct DemoStation {
    code: &'static str,
    name: &'static str,
    name_en: &'static str,
    enterprises: usize,
    streets: Vec<&'static str>,
}

/// One generated enterprise, before it has database ids.
#[derive(Debug, Clone)]
struct DemoEnterprise {
    station: &'static str,
    name: String,
    credit_code: CreditCode,
    industry: &'static str,
    address: String,
    legal_rep: String,
    security_manager: String,
    security_phone: String,
    employee_count: i32,
    liaison: &'static str,
    status: &'static str,
}

const SEED: u64 = 0x5A45_5345_2026_0001;

/// The demo register, the same on every call.
fn enterprises() -> Vec<DemoEnterprise> {
    let mut rng = Rng::new(SEED);
    let total_weight: u64 = INDUSTRIES.iter().map(|(_, w, _)| w).sum();
    let mut names = HashSet::new();
    let mut out = Vec::new();
    let mut serial: u64 = 0;
    for station in STATIONS.iter() {
        let officers: Vec<&'static str> = ACCOUNTS
            .iter()
            .filter(|a| a.role == "officer" && a.scope == station.code)
            .map(|a| a.username)
            .collect();
        for i in 0..station.enterprises {
            serial += 1;
            // Every industry at every station first, then by frequency.
            let (industry, _, words) = if i < INDUSTRIES.len() {
                &INDUSTRIES[i]
            } else {
                let mut roll = rng.below(total_weight);
                let mut chosen = &INDUSTRIES[0];
                for entry in INDUSTRIES.iter() {
                    if roll < entry.1 {
                        chosen = entry;
                        break;
                    }
                    roll -= entry.1;
                }
                chosen
            };
            // Employees 5..=2000, most of them small: 5 × 400^(u^1.7).
            let employee_count = (5.0 * 400_f64.powf(rng.unit().powf(1.7))).round() as i32;
            let name = loop {
                let candidate = company_name(&mut rng, industry, words, employee_count);
                if names.insert(candidate.clone()) {
                    break candidate;
                }
            };
            let legal_rep = rng.person_name(words::names());
            // In a small firm the boss often is the security manager.
            let security_manager = if employee_count < 30 && rng.percent(50) {
                legal_rep.clone()
            } else {
                rng.person_name(words::names())
            };
            let mut address = format!(
                "滨江区{}{}号",
                rng.pick(&station.streets),
                rng.below(1_500) + 1
            );
            if rng.percent(40) {
                address.push_str(&format!(
                    "{}幢{}{:02}室",
                    rng.below(12) + 1,
                    rng.below(18) + 1,
                    rng.below(12) + 1
                ));
            }
            out.push(DemoEnterprise {
                station: station.code,
                name,
                credit_code: CreditCode::generate(REGION, serial * 7_919),
                industry,
                address,
                legal_rep,
                security_manager,
                security_phone: rng.mobile(words::names()),
                employee_count,
                liaison: officers[i % officers.len()],
                status: if rng.percent(5) { "closed" } else { "active" },
            });
        }
    }
    out
}

fn company_name(rng: &mut Rng, industry: &str, words: &[&str], employees: i32) -> String {
    let trade = rng.pick(&TRADE_NAMES);
    let word = rng.pick(words);
    let form = if industry == "finance" && word == "典当" {
        "有限责任公司"
    } else if employees >= 300 && rng.percent(35) {
        "股份有限公司"
    } else if rng.percent(25) {
        "有限责任公司"
    } else {
        "有限公司"
    };
    match rng.below(20) {
        // a branch of a company registered elsewhere in the city
        0 => format!("临江{trade}{word}{form}滨江分公司"),
        // the administrative division in brackets after the trade name
        1 | 2 => format!("{trade}（临江）{word}{form}"),
        _ => format!("{}{trade}{word}{form}", rng.pick(&PLACE_PREFIXES)),
    }
}

/// Seeds only when the database has no station and no user yet (never in a
/// migration), then publishes the history's quarters through `app`; returns
/// `Ok(true)` when it seeded, `Ok(false)` when the database already held
/// data. Safe against a concurrent seeder: the work happens in one
/// transaction under an advisory lock, after a second look. The history ends
/// at `today` (China time).
pub async fn seed_if_empty(pool: &PgPool, today: NaiveDate, app: &App) -> anyhow::Result<bool> {
    let seeded = seed_if_empty_on(pool, today, app).await?;
    if seeded {
        publish_history(pool, today, app).await?;
    }
    Ok(seeded)
}

/// Evaluate and publish, for every station, the three quarters before the
/// last complete one, so that the tier board has movement and the
/// enterprises have level histories; the last complete quarter is left for
/// the chief to run.
pub async fn publish_history(pool: &PgPool, today: NaiveDate, app: &App) -> anyhow::Result<()> {
    let last = Quarter::containing(today).previous();
    let quarters = [
        last.previous().previous().previous(),
        last.previous().previous(),
        last.previous(),
    ];
    let chiefs = sqlx::query!(
        "select station_id as \"station_id!\", user_id from app_user where role = 'chief' order by station_id"
    )
    .fetch_all(pool)
    .await?;
    for quarter in quarters {
        // Two weeks after the quarter's last day, at 18:00 China time.
        let on = quarter.end() + Duration::days(14);
        let at = on
            .and_time(NaiveTime::from_hms_opt(10, 0, 0).unwrap_or(NaiveTime::MIN))
            .and_utc();
        for chief in &chiefs {
            let evaluation = Evaluation {
                station_id: chief.station_id,
                chief_id: chief.user_id,
                quarter: quarter.to_string(),
                at,
                on,
            };
            (app.evaluate)(pool, &evaluation)
                .await
                .with_context(|| format!("demo evaluation {quarter}"))?;
            (app.publish)(pool, &evaluation)
                .await
                .with_context(|| format!("demo publication {quarter}"))?;
        }
    }
    department_follow_up(pool, last.previous(), today).await
}

/// The departments' side of the published history: pushes acknowledged a
/// day or three after they came (except the latest of fire rescue and the
/// judicial office, still waiting, so the chief's home page shows them), and
/// coordinated actions on the red and some yellow enterprises.
async fn department_follow_up(
    pool: &PgPool,
    latest: Quarter,
    today: NaiveDate,
) -> anyhow::Result<()> {
    sqlx::query!(
        "update push p set acknowledged_at = p.created_at + interval '1 day' * (1 + p.push_id % 3)
                               + interval '1 hour' * (p.push_id % 7),
                           acknowledged_by = u.user_id
         from department d, app_user u
         where d.department_id = p.department_id and u.department_id = p.department_id
           and u.role = 'department'
           and not (p.quarter = $1 and d.code in ('fire-rescue', 'judicial'))",
        latest.to_string()
    )
    .execute(pool)
    .await?;
    sqlx::query!(
        "insert into coordinated_action (push_id, enterprise_id, department_id, station_id, kind,
                                         acted_on, note, recorded_by)
         select x.push_id, x.enterprise_id, x.department_id, x.station_id,
                (array['joint_inspection', 'rectification_notice', 'guidance_visit', 'other'])[x.k + 1]::action_kind,
                x.acted_on,
                (array['会同派出所开展联合检查，现场督促清理堵塞的消防通道。',
                       '联合检查危化品存储场所，已责令限期整改。',
                       '已下达责令限期整改通知书，整改期限十五日。',
                       '下达整改通知，要求完善安全生产责任制并报送整改情况。',
                       '上门指导企业完善安全管理制度和应急预案。',
                       '指导企业开展员工消防安全培训和应急疏散演练。',
                       '约谈企业负责人，督促落实安全生产主体责任。',
                       '将企业列入下季度重点检查名单。'])[x.k * 2 + x.v + 1],
                x.user_id
         from (select pi.push_id, pi.enterprise_id, p.department_id, p.station_id,
                      ((pi.enterprise_id + p.department_id) % 4)::int as k,
                      (pi.enterprise_id % 2)::int as v,
                      (p.acknowledged_at + interval '1 day' * (2 + pi.enterprise_id % 20))::date as acted_on,
                      u.user_id
               from push_item pi
               join push p using (push_id)
               join app_user u on u.department_id = p.department_id and u.role = 'department'
               where p.acknowledged_at is not null
                 and (pi.level = 'red' or (pi.level = 'yellow' and pi.enterprise_id % 3 = 0))) x
         where x.acted_on <= $1",
        today
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// [`seed_if_empty`] with a year of field-work history ending at `today`
/// (China time in production; tests fix it).
pub async fn seed_if_empty_on(pool: &PgPool, today: NaiveDate, app: &App) -> anyhow::Result<bool> {
    if !is_empty(pool).await? {
        return Ok(false);
    }

    // Every account has the one password; argon2 is deliberately slow.
    let hash_password = app.hash_password;
    let hash = tokio::task::spawn_blocking(move || hash_password(PASSWORD))
        .await
        .context("hashing the demo password")??;

    let mut tx = pool.begin().await?;
    // Any fixed key serves; it only has to be the same for every seeder.
    sqlx::query!(r#"select true as "locked!" from pg_advisory_xact_lock(7361524001)"#)
        .fetch_one(&mut *tx)
        .await?;
    if !is_empty(&mut *tx).await? {
        return Ok(false);
    }

    let branch_id = sqlx::query_scalar!(
        "insert into branch (name, name_en) values ($1, $2) returning branch_id",
        BRANCH_NAME,
        BRANCH_NAME_EN,
    )
    .fetch_one(&mut *tx)
    .await?;

    let station_codes: Vec<String> = STATIONS.iter().map(|s| s.code.to_owned()).collect();
    let station_names: Vec<String> = STATIONS.iter().map(|s| s.name.to_owned()).collect();
    let station_names_en: Vec<String> = STATIONS.iter().map(|s| s.name_en.to_owned()).collect();
    sqlx::query!(
        "insert into station (branch_id, code, name, name_en)
         select $1, code, name, name_en
         from unnest($2::text[], $3::text[], $4::text[]) as s(code, name, name_en)",
        branch_id,
        &station_codes,
        &station_names,
        &station_names_en,
    )
    .execute(&mut *tx)
    .await?;

    let department_codes: Vec<String> = DEPARTMENTS.iter().map(|d| d.0.to_owned()).collect();
    let department_names: Vec<String> = DEPARTMENTS.iter().map(|d| d.1.to_owned()).collect();
    let department_names_en: Vec<String> = DEPARTMENTS.iter().map(|d| d.2.to_owned()).collect();
    sqlx::query!(
        "insert into department (code, name, name_en)
         select code, name, name_en
         from unnest($1::text[], $2::text[], $3::text[]) as d(code, name, name_en)",
        &department_codes,
        &department_names,
        &department_names_en,
    )
    .execute(&mut *tx)
    .await?;

    // What each department receives (`SUBSCRIPTIONS`); the subdistrict
    // office's own station is Jiangnan.
    let sub_codes: Vec<String> = SUBSCRIPTIONS.iter().map(|s| s.0.to_owned()).collect();
    let own_station: Vec<bool> = SUBSCRIPTIONS.iter().map(|s| s.1).collect();
    let levels: Vec<String> = SUBSCRIPTIONS.iter().map(|s| s.2.to_owned()).collect();
    let industries: Vec<String> = SUBSCRIPTIONS.iter().map(|s| s.3.to_owned()).collect();
    sqlx::query!(
        "insert into subscription (department_id, station_id, levels, industries)
         select d.department_id, case when x.own then s.station_id end,
                x.levels::tier_level[], x.industries::text[]
         from unnest($1::text[], $2::bool[], $3::text[], $4::text[])
              as x(code, own, levels, industries)
         join department d on d.code = x.code
         cross join (select station_id from station where code = 'jiangnan') s",
        &sub_codes,
        &own_station,
        &levels,
        &industries,
    )
    .execute(&mut *tx)
    .await?;

    let mut usernames = Vec::new();
    let mut display_names = Vec::new();
    let mut roles = Vec::new();
    let mut scopes = Vec::new();
    let mut password_hashes = Vec::new();
    for a in ACCOUNTS.iter() {
        usernames.push(a.username.to_owned());
        display_names.push(a.display_name.to_owned());
        roles.push(a.role.to_owned());
        scopes.push(a.scope.to_owned());
        password_hashes.push(hash.clone());
    }
    let inserted = sqlx::query!(
        "insert into app_user (username, display_name, role, station_id, department_id,
                               password_hash, lang)
         select u.username, u.display_name, u.role::user_role,
                case when u.role in ('officer', 'chief') then s.station_id end,
                case when u.role = 'department' then d.department_id end,
                u.password_hash, 'zh'
         from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
              with ordinality as u(username, display_name, role, scope, password_hash, ord)
         left join station s on s.code = u.scope
         left join department d on d.code = u.scope
         order by u.ord",
        &usernames,
        &display_names,
        &roles,
        &scopes,
        &password_hashes,
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    anyhow::ensure!(
        inserted == ACCOUNTS.len() as u64,
        "inserted {inserted} demo users of {}",
        ACCOUNTS.len()
    );

    let register = enterprises();
    let mut e_station = Vec::new();
    let mut e_name = Vec::new();
    let mut e_code = Vec::new();
    let mut e_industry = Vec::new();
    let mut e_address = Vec::new();
    let mut e_legal_rep = Vec::new();
    let mut e_manager = Vec::new();
    let mut e_phone = Vec::new();
    let mut e_employees = Vec::new();
    let mut e_liaison = Vec::new();
    let mut e_status = Vec::new();
    for e in register {
        e_station.push(e.station.to_owned());
        e_name.push(e.name);
        e_code.push(e.credit_code.into_string());
        e_industry.push(e.industry.to_owned());
        e_address.push(e.address);
        e_legal_rep.push(e.legal_rep);
        e_manager.push(e.security_manager);
        e_phone.push(e.security_phone);
        e_employees.push(e.employee_count);
        e_liaison.push(e.liaison.to_owned());
        e_status.push(e.status.to_owned());
    }
    let inserted = sqlx::query!(
        "insert into enterprise (station_id, name, credit_code, industry_code, address,
                                 legal_rep, security_manager, security_phone, employee_count,
                                 liaison_officer_id, status)
         select s.station_id, e.name, e.credit_code, e.industry_code, e.address,
                e.legal_rep, e.security_manager, e.security_phone, e.employee_count,
                u.user_id, e.status::enterprise_status
         from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                     $7::text[], $8::text[], $9::int4[], $10::text[], $11::text[])
              with ordinality as e(station_code, name, credit_code, industry_code, address,
                                   legal_rep, security_manager, security_phone, employee_count,
                                   liaison, status, ord)
         join station s on s.code = e.station_code
         join app_user u on u.username = e.liaison
                        and u.station_id = s.station_id
                        and u.role = 'officer'
         order by e.ord",
        &e_station,
        &e_name,
        &e_code,
        &e_industry,
        &e_address,
        &e_legal_rep,
        &e_manager,
        &e_phone,
        &e_employees,
        &e_liaison,
        &e_status,
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    anyhow::ensure!(
        inserted == e_name.len() as u64,
        "inserted {inserted} demo enterprises of {}",
        e_name.len()
    );

    let history = seed_history(&mut tx, today).await?;

    sqlx::query!(
        "insert into audit_event (actor_label, action, entity, summary)
         values ('system', 'seed', 'demo', $1)",
        format!(
            "demo data: {} stations, {} departments, {} users, {inserted} enterprises; {history}",
            STATIONS.len(),
            DEPARTMENTS.len(),
            ACCOUNTS.len()
        ),
    )
    .execute(&mut *tx)
    .await?;

    tx.commit().await?;
    Ok(true)
}

async fn is_empty<'e, E>(executor: E) -> anyhow::Result<bool>
where
    E: sqlx::PgExecutor<'e>,
{
    let held = sqlx::query_scalar!(
        r#"select (exists(select 1 from station) or exists(select 1 from app_user)) as "held!""#
    )
    .fetch_one(executor)
    .await?;
    Ok(!held)
}

// ---------------------------------------------------------------------------
// A year of field work: the word lists.
// ---------------------------------------------------------------------------

/// A checklist item that was found wanting: its position, the note next to
/// the answer, and, when it is a hidden danger, the hazard recorded
/// (description, rectification note, percent of cases that are major).
struct Finding {
    item: i32,
    note: &'static str,
    hazard: Option<(&'static str, &'static str, u64)>,
}

/// How often each checklist item (by position) is the one that fails.
const FAIL_WEIGHTS: [u64; 10] = [2, 3, 6, 4, 9, 3, 4, 2, 3, 4];

/// (category, minor %, serious %, enterprise victim, industries or empty for any, summary)
type IncidentText = (
    &'static str,
    u64,
    u64,
    bool,
    Vec<&'static str>,
    &'static str,
);

// ---------------------------------------------------------------------------
// A year of field work: the generator (pure, deterministic).
// ---------------------------------------------------------------------------

const HISTORY_SEED: u64 = 0x5A45_5345_2026_0002;

/// How many days of history end at today (today included).
const HISTORY_DAYS: i64 = 365;

/// An enterprise as seeded, with what the history needs of it.
#[derive(Debug, Clone)]
struct Firm {
    id: i64,
    station_id: i64,
    liaison: i64,
    active: bool,
    industry: String,
    employees: i32,
}

/// The officers (by user id, ascending) and the chief of a station.
#[derive(Debug, Clone, Default)]
struct Crew {
    officers: Vec<i64>,
    chief: Option<i64>,
}

#[derive(Debug, Clone, PartialEq)]
struct VisitRow {
    station_id: i64,
    enterprise_id: i64,
    visited_on: NaiveDate,
    kind: &'static str,
    notes: String,
    suggestions: &'static str,
    liaison_contact: bool,
    officers: Vec<i64>,
    created_by: i64,
    at: DateTime<Utc>,
    /// (checklist item id, answer, note); only for inspections.
    checks: Vec<(i64, &'static str, &'static str)>,
}

#[derive(Debug, Clone, PartialEq)]
struct HazardRow {
    firm: usize,
    station_id: i64,
    enterprise_id: i64,
    /// Index into the visits.
    visit: Option<usize>,
    found_on: NaiveDate,
    severity: &'static str,
    description: &'static str,
    deadline: NaiveDate,
    rectified_on: Option<NaiveDate>,
    fix: &'static str,
    verified_by: Option<i64>,
    created_by: i64,
    at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
struct EventRow {
    from: Option<&'static str>,
    to: &'static str,
    reason: &'static str,
    at: DateTime<Utc>,
    by: i64,
}

#[derive(Debug, Clone, PartialEq)]
struct FollowUpRow {
    assigned_to: i64,
    due_on: NaiveDate,
    done_on: Option<NaiveDate>,
    method: Option<&'static str>,
    note: &'static str,
    at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
struct DisputeRow {
    station_id: i64,
    enterprise_id: i64,
    reported_on: NaiveDate,
    parties: String,
    kind: &'static str,
    people: i32,
    /// A PostgreSQL array literal of mediation forces, e.g. `{street,judicial}`.
    forces: String,
    status: &'static str,
    summary: String,
    resolution: &'static str,
    resolved_on: Option<NaiveDate>,
    closed_on: Option<NaiveDate>,
    created_by: i64,
    events: Vec<EventRow>,
    follow_ups: Vec<FollowUpRow>,
}

#[derive(Debug, Clone, PartialEq)]
struct IncidentRow {
    station_id: i64,
    enterprise_id: i64,
    occurred_on: NaiveDate,
    category: &'static str,
    severity: &'static str,
    victim: bool,
    summary: String,
    created_by: i64,
    at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
struct ExtensionRow {
    old_due_on: NaiveDate,
    new_due_on: NaiveDate,
    reason: &'static str,
    at: DateTime<Utc>,
    by: i64,
}

#[derive(Debug, Clone, PartialEq)]
struct DemandRow {
    firm: usize,
    station_id: i64,
    enterprise_id: i64,
    received_on: NaiveDate,
    kind: &'static str,
    content: &'static str,
    assignee: i64,
    due_on: NaiveDate,
    response: &'static str,
    responded_on: Option<NaiveDate>,
    resolved_on: Option<NaiveDate>,
    created_by: i64,
    at: DateTime<Utc>,
    extension: Option<ExtensionRow>,
}

impl DemandRow {
    fn status(&self) -> &'static str {
        match (self.responded_on, self.resolved_on) {
            (_, Some(_)) => "resolved",
            (Some(_), None) => "responded",
            (None, None) => "open",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
struct TrainingRow {
    station_id: i64,
    held_on: NaiveDate,
    kind: &'static str,
    topic: &'static str,
    attendees: i32,
    created_by: i64,
    at: DateTime<Utc>,
    enterprises: Vec<i64>,
}

/// Everything the year of field work adds, in insertion order per table.
#[derive(Debug, Clone, Default, PartialEq)]
struct History {
    visits: Vec<VisitRow>,
    hazards: Vec<HazardRow>,
    disputes: Vec<DisputeRow>,
    incidents: Vec<IncidentRow>,
    demands: Vec<DemandRow>,
    trainings: Vec<TrainingRow>,
}

/// What the generator decides once per enterprise.
#[derive(Debug, Clone)]
struct Profile {
    /// Last day of activity: today, or the day a closed enterprise stopped.
    end: NaiveDate,
    /// Fails several checklist items at most inspections.
    problem: bool,
    /// Fails a few items at most inspections: the yellow middle ground.
    middling: bool,
    never_inspected: bool,
    /// A full quarter (its first day) without an inspection.
    skipped_quarter: Option<NaiveDate>,
    /// Checklist positions answered "not applicable".
    not_applicable: Vec<i32>,
}

fn days(d: NaiveDate, n: i64) -> NaiveDate {
    d + Duration::days(n)
}

fn span(from: NaiveDate, to: NaiveDate) -> i64 {
    (to - from).num_days()
}

fn quarter_start(d: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(d.year(), d.month0() / 3 * 3 + 1, 1).unwrap_or(d)
}

fn next_quarter(q: NaiveDate) -> NaiveDate {
    let (year, month) = if q.month() >= 10 {
        (q.year() + 1, 1)
    } else {
        (q.year(), q.month() + 3)
    };
    NaiveDate::from_ymd_opt(year, month, 1).unwrap_or(q)
}

/// A moment during office hours (08:30–17:30 China time) on `d`.
fn office_time(rng: &mut Rng, d: NaiveDate) -> DateTime<Utc> {
    let seconds = rng.range(8 * 3600 + 1800, 17 * 3600 + 1800);
    (d.and_time(NaiveTime::MIN) + Duration::seconds(seconds) - Duration::hours(8)).and_utc()
}

/// Like [`office_time`], but never before `after` (plus a few minutes).
fn office_time_after(rng: &mut Rng, d: NaiveDate, after: DateTime<Utc>) -> DateTime<Utc> {
    let t = office_time(rng, d);
    if t > after {
        t
    } else {
        after + Duration::minutes(rng.range(5, 90))
    }
}

/// Appends a status change at office time on `on`, after the previous one;
/// returns its moment.
fn step(
    rng: &mut Rng,
    events: &mut Vec<EventRow>,
    on: NaiveDate,
    from: Option<&'static str>,
    to: &'static str,
    reason: &'static str,
    by: i64,
) -> DateTime<Utc> {
    let at = match events.last() {
        Some(last) => office_time_after(rng, on, last.at),
        None => office_time(rng, on),
    };
    events.push(EventRow {
        from,
        to,
        reason,
        at,
        by,
    });
    at
}

/// Whether a text that names a season or holiday fits the day.
fn in_season(text: &str, on: NaiveDate) -> bool {
    let month = on.month();
    let fits = |words: &[&str], months: &[u32]| {
        !words.iter().any(|w| text.contains(w)) || months.contains(&month)
    };
    fits(&["夏季"], &[5, 6, 7, 8, 9])
        && fits(&["冬季"], &[11, 12, 1, 2])
        && fits(&["汛期", "防汛"], &[4, 5, 6, 7, 8, 9])
        && fits(&["复工复产"], &[2, 3])
        && fits(&["节前", "停工放假"], &[1, 2, 4, 9, 10, 12])
}

/// A text of the list that fits the day (any when none does).
fn seasonal(rng: &mut Rng, texts: &[&'static str], on: NaiveDate) -> &'static str {
    let fitting: Vec<&'static str> = texts.iter().copied().filter(|t| in_season(t, on)).collect();
    if fitting.is_empty() {
        rng.pick(texts)
    } else {
        rng.pick(&fitting)
    }
}

fn amount_text(rng: &mut Rng, text: &str, lo: i64, hi: i64, step: i64) -> String {
    let amount = rng.range(lo / step, hi / step) * step;
    text.replace("{amount}", &amount.to_string())
}

struct Generator<'a> {
    rng: Rng,
    firms: &'a [Firm],
    crews: &'a HashMap<i64, Crew>,
    /// (checklist item id, position) of the checklist answered.
    items: &'a [(i64, i32)],
    today: NaiveDate,
    start: NaiveDate,
    profiles: Vec<Profile>,
    active: Vec<usize>,
    out: History,
}

/// A year of plausible field work ending at `today`, the same for the same
/// register and day.
fn history(
    firms: &[Firm],
    crews: &HashMap<i64, Crew>,
    items: &[(i64, i32)],
    today: NaiveDate,
) -> History {
    let mut g = Generator {
        rng: Rng::new(HISTORY_SEED),
        firms,
        crews,
        items,
        today,
        start: days(today, 1 - HISTORY_DAYS),
        profiles: Vec::new(),
        active: (0..firms.len()).filter(|&i| firms[i].active).collect(),
        out: History::default(),
    };
    g.profiles();
    let inspections = g.visits();
    g.hazards(&inspections);
    g.disputes();
    g.incidents();
    g.demands();
    g.trainings();
    g.out
}

/// An inspection as the hazard pass needs it.
struct Inspection {
    visit: usize,
    firm: usize,
    findings: Vec<&'static Finding>,
}

impl Generator<'_> {
    fn crew(&self, firm: usize) -> Crew {
        self.crews
            .get(&self.firms[firm].station_id)
            .cloned()
            .unwrap_or_default()
    }

    /// Another officer of the firm's station than `not`, if there is one.
    fn other_officer(&mut self, firm: usize, not: &[i64]) -> Option<i64> {
        let others: Vec<i64> = self
            .crew(firm)
            .officers
            .into_iter()
            .filter(|o| !not.contains(o))
            .collect();
        (!others.is_empty()).then(|| self.rng.pick(&others))
    }

    /// The liaison officer mostly, sometimes a colleague.
    fn recorder(&mut self, firm: usize, liaison_percent: u64) -> i64 {
        let liaison = self.firms[firm].liaison;
        if self.rng.percent(liaison_percent) {
            liaison
        } else {
            self.other_officer(firm, &[liaison]).unwrap_or(liaison)
        }
    }

    fn random_day(&mut self, from: NaiveDate, to: NaiveDate) -> NaiveDate {
        let n = span(from, to);
        days(from, self.rng.range(0, n))
    }

    /// An active enterprise, preferring the given industries when one fits,
    /// weighted by `weight`.
    fn pick_firm(&mut self, industries: &[&str], weight: impl Fn(&Firm) -> u64) -> usize {
        let mut candidates: Vec<usize> = self
            .active
            .iter()
            .copied()
            .filter(|&i| {
                industries.is_empty() || industries.contains(&self.firms[i].industry.as_str())
            })
            .collect();
        if candidates.is_empty() {
            candidates = self.active.clone();
        }
        let weights: Vec<u64> = candidates.iter().map(|&i| weight(&self.firms[i])).collect();
        candidates[self.rng.weighted(&weights)]
    }

    fn full_quarters(&self) -> Vec<NaiveDate> {
        let mut out = Vec::new();
        let mut q = quarter_start(self.start);
        while q <= self.today {
            if q >= self.start && days(next_quarter(q), -1) <= self.today {
                out.push(q);
            }
            q = next_quarter(q);
        }
        out
    }

    fn profiles(&mut self) {
        let full = self.full_quarters();
        let problems = (self.active.len() / 25).max(2);
        let mut problem = HashSet::new();
        let mut never = HashSet::new();
        if !self.active.is_empty() {
            while problem.len() < problems.min(self.active.len()) {
                problem.insert(self.rng.pick(&self.active));
            }
            let nevers = (self.active.len() / 35).max(2);
            let mut tries = 0;
            while never.len() < nevers && tries < 1000 {
                tries += 1;
                let i = self.rng.pick(&self.active);
                if !problem.contains(&i) {
                    never.insert(i);
                }
            }
        }
        // About a quarter of the rest keep failing a few items: a realistic
        // board has a real middle, not only green.
        let mut middling = HashSet::new();
        for &i in &self.active {
            if !problem.contains(&i) && !never.contains(&i) && self.rng.percent(28) {
                middling.insert(i);
            }
        }
        for (i, firm) in self.firms.iter().enumerate() {
            let end = if firm.active {
                self.today
            } else {
                days(self.start, self.rng.range(60, 240)).min(self.today)
            };
            let skipped_quarter = if !full.is_empty() && self.rng.percent(15) {
                Some(self.rng.pick(&full))
            } else {
                None
            };
            let mut not_applicable = Vec::new();
            let dangerous_goods_percent = match firm.industry.as_str() {
                "chemicals" | "construction" => 100,
                "manufacturing" | "healthcare" => 60,
                "logistics" | "catering" => 40,
                "other" | "property" | "entertainment" => 20,
                _ => 0,
            };
            if !self.rng.percent(dangerous_goods_percent) {
                not_applicable.push(6);
            }
            if firm.employees < 20 && self.rng.percent(30) {
                not_applicable.push(2);
            }
            self.profiles.push(Profile {
                end,
                problem: problem.contains(&i),
                middling: middling.contains(&i),
                never_inspected: never.contains(&i),
                skipped_quarter,
                not_applicable,
            });
        }
    }

    /// Visits of every enterprise; returns the inspections.
    fn visits(&mut self) -> Vec<Inspection> {
        let mut quarters = Vec::new();
        let mut q = quarter_start(self.start);
        while q <= self.today {
            quarters.push(q);
            q = next_quarter(q);
        }
        let mut inspections = Vec::new();
        for firm in 0..self.firms.len() {
            let profile = self.profiles[firm].clone();
            // Every one to three months.
            let mut dates: Vec<(NaiveDate, bool)> = Vec::new();
            let mut d = days(self.start, self.rng.range(0, 45));
            while d <= profile.end {
                dates.push((d, false));
                d = days(d, self.rng.range(30, 80));
            }
            // An inspection per quarter, unless skipped; partial quarters in
            // proportion to the days they have in the window.
            if !profile.never_inspected {
                for &q in &quarters {
                    let q_end = days(next_quarter(q), -1);
                    let a = q.max(self.start);
                    let b = q_end.min(profile.end);
                    if a > b || profile.skipped_quarter == Some(q) {
                        continue;
                    }
                    let have = span(a, b) + 1;
                    let whole = span(q, q_end) + 1;
                    if have < whole && self.rng.range(1, whole) > have {
                        continue;
                    }
                    let candidates: Vec<usize> = (0..dates.len())
                        .filter(|&i| !dates[i].1 && dates[i].0 >= a && dates[i].0 <= b)
                        .collect();
                    // Mostly an extra visit, sometimes a planned one turned
                    // into the inspection.
                    if !candidates.is_empty() && self.rng.percent(30) {
                        let i = self.rng.pick(&candidates);
                        dates[i].1 = true;
                    } else {
                        let d = self.random_day(a, b);
                        dates.push((d, true));
                    }
                }
            }
            dates.sort();
            dates.dedup_by(|later, kept| {
                if later.0 == kept.0 {
                    kept.1 |= later.1;
                    true
                } else {
                    false
                }
            });
            for (date, inspection) in dates {
                let kind = if inspection {
                    "inspection"
                } else {
                    ["routine", "legal", "policy"][self.rng.weighted(&[80, 8, 12])]
                };
                let index = self.out.visits.len();
                let findings = if inspection {
                    self.findings(&profile)
                } else {
                    Vec::new()
                };
                let checks = if inspection {
                    self.checks(&profile, &findings)
                } else {
                    Vec::new()
                };
                let notes = visit_notes(kind);
                let notes = seasonal(&mut self.rng, notes, date);
                self.push_visit(firm, date, kind, notes.to_owned(), None, checks);
                if inspection {
                    inspections.push(Inspection {
                        visit: index,
                        firm,
                        findings,
                    });
                }
            }
        }
        inspections
    }

    /// Adds a visit; `by` fixes the first officer (else mostly the liaison).
    fn push_visit(
        &mut self,
        firm: usize,
        date: NaiveDate,
        kind: &'static str,
        notes: String,
        by: Option<i64>,
        checks: Vec<(i64, &'static str, &'static str)>,
    ) {
        let f = &self.firms[firm];
        let (station_id, enterprise_id, liaison) = (f.station_id, f.id, f.liaison);
        let first = match by {
            Some(user) => user,
            None => self.recorder(firm, 93),
        };
        let mut officers = vec![first];
        let second_percent = if kind == "inspection" { 50 } else { 15 };
        if self.rng.percent(second_percent) {
            let chief = self.crew(firm).chief;
            let second = match chief {
                Some(chief) if kind == "inspection" && self.rng.percent(20) => Some(chief),
                _ => self.other_officer(firm, &officers),
            };
            officers.extend(second);
        }
        let suggestions = if kind != "follow_up" && self.rng.percent(15) {
            self.rng.pick(&SUGGESTIONS)
        } else {
            ""
        };
        let at = office_time(&mut self.rng, date);
        self.out.visits.push(VisitRow {
            station_id,
            enterprise_id,
            visited_on: date,
            kind,
            notes,
            suggestions,
            liaison_contact: officers.contains(&liaison),
            officers,
            created_by: first,
            at,
            checks,
        });
    }

    fn findings(&mut self, profile: &Profile) -> Vec<&'static Finding> {
        let applicable: Vec<i32> = self
            .items
            .iter()
            .map(|&(_, p)| p)
            .filter(|p| !profile.not_applicable.contains(p))
            .collect();
        let k = if profile.problem {
            if self.rng.percent(75) {
                self.rng.range(4, 6)
            } else {
                self.rng.range(2, 3)
            }
        } else if profile.middling {
            [2, 3, 4][self.rng.weighted(&[30, 40, 30])]
        } else {
            [0, 1, 2][self.rng.weighted(&[66, 26, 8])]
        };
        let mut pool = applicable;
        let mut out = Vec::new();
        while (out.len() as i64) < k && !pool.is_empty() {
            let weights: Vec<u64> = pool
                .iter()
                .map(|&p| FAIL_WEIGHTS.get((p - 1) as usize).copied().unwrap_or(1))
                .collect();
            let position = pool.swap_remove(self.rng.weighted(&weights));
            let choices: Vec<&'static Finding> =
                FINDINGS.iter().filter(|f| f.item == position).collect();
            if !choices.is_empty() {
                out.push(self.rng.pick(&choices));
            }
        }
        out
    }

    fn checks(
        &mut self,
        profile: &Profile,
        findings: &[&'static Finding],
    ) -> Vec<(i64, &'static str, &'static str)> {
        self.items
            .iter()
            .map(|&(id, position)| {
                if let Some(f) = findings.iter().find(|f| f.item == position) {
                    (id, "fail", f.note)
                } else if profile.not_applicable.contains(&position) {
                    let note = match position {
                        6 => "企业不涉及易燃易爆、剧毒等危险物品",
                        2 => "企业规模小，无独立财务室、仓库及机房",
                        _ => "",
                    };
                    (id, "na", note)
                } else {
                    (id, "pass", "")
                }
            })
            .collect()
    }

    fn hazard(
        &mut self,
        firm: usize,
        visit: Option<usize>,
        found_on: NaiveDate,
        created_by: i64,
        (description, fix, major_percent): (&'static str, &'static str, u64),
    ) {
        let profile = self.profiles[firm].clone();
        let major = self.rng.percent(major_percent);
        let deadline = days(
            found_on,
            if major {
                self.rng.range(7, 15)
            } else {
                self.rng.range(10, 30)
            },
        );
        let on_time = days(found_on, self.rng.range(1, span(found_on, deadline)));
        let (open, late) = if profile.problem { (20, 30) } else { (4, 12) };
        let roll = self.rng.below(100);
        let rectified_on = if !self.firms[firm].active {
            Some(on_time.min(profile.end).max(found_on))
        } else if roll < open {
            None
        } else if roll < open + late {
            Some(days(deadline, self.rng.range(1, 25)))
        } else {
            Some(on_time)
        }
        .filter(|d| *d <= self.today);
        let liaison = self.firms[firm].liaison;
        let verifier = if self.rng.percent(80) {
            liaison
        } else {
            created_by
        };
        let at = office_time(&mut self.rng, found_on);
        let f = &self.firms[firm];
        self.out.hazards.push(HazardRow {
            firm,
            station_id: f.station_id,
            enterprise_id: f.id,
            visit,
            found_on,
            severity: if major { "major" } else { "general" },
            description,
            deadline,
            rectified_on,
            fix,
            verified_by: rectified_on.map(|_| verifier),
            created_by,
            at,
        });
    }

    fn hazards(&mut self, inspections: &[Inspection]) {
        for inspection in inspections {
            let visit = &self.out.visits[inspection.visit];
            let (found_on, created_by) = (visit.visited_on, visit.created_by);
            let mut recorded = 0;
            for finding in &inspection.findings {
                if let Some(hazard) = finding.hazard {
                    let percent = if recorded == 0 { 85 } else { 50 };
                    if self.rng.percent(percent) {
                        recorded += 1;
                        self.hazard(
                            inspection.firm,
                            Some(inspection.visit),
                            found_on,
                            created_by,
                            hazard,
                        );
                    }
                }
            }
        }
        // A few reported outside visits.
        if !self.active.is_empty() {
            for _ in 0..14 {
                let firm = self.rng.pick(&self.active);
                let found_on = self.random_day(self.start, self.today);
                let created_by = self.recorder(firm, 80);
                let hazard = self.rng.pick(&REPORTED_HAZARDS);
                self.hazard(firm, None, found_on, created_by, hazard);
            }
        }
        // The dashboards need something overdue: keep at least three open
        // past their deadline (the latest deadlines, at active enterprises).
        let overdue =
            |h: &HazardRow, today: NaiveDate| h.rectified_on.is_none() && h.deadline < today;
        let have = self
            .out
            .hazards
            .iter()
            .filter(|h| overdue(h, self.today))
            .count();
        if have < 3 {
            let mut candidates: Vec<usize> = (0..self.out.hazards.len())
                .filter(|&i| {
                    let h = &self.out.hazards[i];
                    h.rectified_on.is_some() && h.deadline < self.today && self.firms[h.firm].active
                })
                .collect();
            candidates.sort_by_key(|&i| std::cmp::Reverse(self.out.hazards[i].deadline));
            for &i in candidates.iter().take(3 - have) {
                self.out.hazards[i].rectified_on = None;
                self.out.hazards[i].verified_by = None;
            }
        }
        // Half the rectifications were checked on a follow-up visit.
        for i in 0..self.out.hazards.len() {
            let h = self.out.hazards[i].clone();
            if let (Some(on), Some(by)) = (h.rectified_on, h.verified_by)
                && self.rng.percent(50)
            {
                let notes = format!("复查隐患“{}”整改情况：{}", h.description, h.fix);
                self.push_visit(h.firm, on, "follow_up", notes, Some(by), Vec::new());
            }
        }
    }

    fn disputes(&mut self) {
        if self.active.is_empty() {
            return;
        }
        #[derive(Clone, Copy, PartialEq)]
        enum Fate {
            Reported,
            Mediating,
            /// Resolved this many days ago (a range); follow-up pending.
            Resolved(i64, i64),
            Referred,
            Closed,
            Reopened,
        }
        // (age of the report in days, fate, mass dispute), newest first.
        let mut plans: Vec<((i64, i64), Fate, bool)> = vec![
            ((2, 5), Fate::Reported, false),
            ((6, 14), Fate::Mediating, false),
            ((15, 30), Fate::Mediating, true),
            ((10, 14), Fate::Resolved(2, 5), false),
            ((25, 35), Fate::Resolved(8, 12), false),
        ];
        for i in 0..20 {
            let age = 60 + i * 15;
            let fate = match i {
                7 => Fate::Referred,
                12 => Fate::Reopened,
                _ => Fate::Closed,
            };
            plans.push(((age, age + 9), fate, i == 15));
        }
        let max_age = HISTORY_DAYS - 1;
        for ((young, old), fate, mass) in plans {
            let kind = if mass {
                "wages"
            } else if fate == Fate::Referred {
                ["labour", "contract"][self.rng.index(2)]
            } else {
                ["wages", "labour", "contract", "neighbourhood", "other"]
                    [self.rng.weighted(&[45, 20, 15, 12, 8])]
            };
            let firm = if mass {
                self.pick_firm(&["construction"], |_| 1)
            } else {
                let industries: &[&str] = match kind {
                    "wages" | "labour" => {
                        &["construction", "manufacturing", "logistics", "catering"]
                    }
                    _ => &[],
                };
                self.pick_firm(industries, |f| 1 + (f.employees as u64) / 50)
            };
            let f = self.firms[firm].clone();
            let people: i32 = if mass {
                self.rng.range(32, 58) as i32
            } else {
                let most = match kind {
                    "wages" => 12,
                    "labour" => 8,
                    "contract" => 3,
                    "neighbourhood" => 20,
                    _ => 2,
                };
                let fewest = if kind == "contract" { 2 } else { 1 };
                (self.rng.range(fewest, most) as i32).min(29)
            };
            let surname = self.rng.pick(&SURNAMES);
            let parties = match kind {
                "wages" | "labour" if people == 1 => format!("员工{surname}某 与 公司"),
                "wages" if f.industry == "construction" => format!("{people}名务工人员 与 公司"),
                "wages" => format!("{people}名员工 与 公司"),
                "labour" => format!("员工{surname}某等{people}人 与 公司"),
                "contract" => format!(
                    "公司 与 临江{}{}有限公司",
                    self.rng.pick(&TRADE_NAMES),
                    self.rng
                        .pick(&["建材", "物资", "贸易", "机电设备", "包装", "物流"])
                ),
                "neighbourhood" => format!("周边居民{people}人 与 公司"),
                _ => format!("顾客{surname}某 与 公司"),
            };
            let texts: &[(&str, &str)] = DISPUTE_TEXTS
                .iter()
                .find(|(k, _)| *k == kind)
                .map_or(&[], |(_, t)| t.as_slice());
            // Texts that name a crowd only for a crowd, and subcontracted
            // labour only on building sites.
            let crowd = |s: &str| s.contains("{n}");
            let site = |s: &str| s.contains("劳务");
            let construction = f.industry == "construction";
            let fitting: Vec<(&str, &str)> = texts
                .iter()
                .copied()
                .filter(|(s, _)| {
                    let headcount = if people == 1 {
                        !crowd(s)
                    } else if kind == "wages" {
                        crowd(s)
                    } else {
                        // a gathering needs a few people
                        !crowd(s) || people >= 5
                    };
                    let place = if kind == "wages" && people > 1 && construction {
                        site(s)
                    } else {
                        construction || !site(s)
                    };
                    headcount && place
                })
                .collect();
            let (summary, resolution) = if fitting.is_empty() {
                self.rng.pick(texts)
            } else {
                self.rng.pick(&fitting)
            };
            // In 万元: wages of a few months per person; contracts anything.
            let amount = match kind {
                "wages" => (i64::from(people) * self.rng.range(4, 15) + 9) / 10,
                _ => self.rng.range(3, 40),
            };
            let summary = summary
                .replace("{n}", &people.to_string())
                .replace("{amount}", &amount.to_string());
            let parties = if summary.contains("快递网点") {
                format!("公司 与 {}快递营业网点", self.rng.pick(&TRADE_NAMES))
            } else {
                parties
            };

            let reported_on = days(self.today, -self.rng.range(young, old.min(max_age)));
            let by = f.liaison;
            let rng = &mut self.rng;
            let mut events = Vec::new();
            let mut follow_ups = Vec::new();
            step(rng, &mut events, reported_on, None, "reported", "", by);
            let mut status = "reported";
            let mut forces: Vec<&str> = Vec::new();
            let mut resolved_on = None;
            let mut closed_on = None;
            let mut follow_up_visit = None;
            if fate != Fate::Reported {
                let mediating = days(reported_on, rng.range(0, 2)).min(self.today);
                step(
                    rng,
                    &mut events,
                    mediating,
                    Some("reported"),
                    "mediating",
                    "",
                    by,
                );
                status = "mediating";
                forces = if mass {
                    vec!["street", "judicial", "enterprise", "mediator"]
                } else {
                    let all = ["street", "community", "judicial", "enterprise", "mediator"];
                    let n = rng.range(1, 3) as usize;
                    let mut chosen = rng.sample(&all, n);
                    chosen.sort_by_key(|c| all.iter().position(|a| a == c));
                    chosen
                };
                let mediation_days = if mass { (10, 25) } else { (2, 15) };
                match fate {
                    Fate::Resolved(a, b) => {
                        let on = days(self.today, -rng.range(a, b)).max(mediating);
                        let at = step(rng, &mut events, on, Some("mediating"), "resolved", "", by);
                        resolved_on = Some(on);
                        status = "resolved";
                        follow_ups.push(FollowUpRow {
                            assigned_to: by,
                            due_on: days(on, 7),
                            done_on: None,
                            method: None,
                            note: "",
                            at,
                        });
                    }
                    Fate::Referred => {
                        let on = days(mediating, rng.range(5, 15));
                        let reason = if kind == "contract" {
                            "双方争议金额较大、分歧明显，引导当事人通过诉讼途径解决"
                        } else {
                            "经多次调解双方分歧较大，引导当事人向区劳动人事争议仲裁委员会申请仲裁"
                        };
                        step(
                            rng,
                            &mut events,
                            on,
                            Some("mediating"),
                            "referred",
                            reason,
                            by,
                        );
                        status = "referred";
                    }
                    Fate::Closed | Fate::Reopened => {
                        let mut on = days(mediating, rng.range(mediation_days.0, mediation_days.1));
                        let mut at =
                            step(rng, &mut events, on, Some("mediating"), "resolved", "", by);
                        if fate == Fate::Reopened {
                            // The follow-up finds the agreement broken.
                            let done = days(on, rng.range(4, 7));
                            follow_ups.push(FollowUpRow {
                                assigned_to: by,
                                due_on: days(on, 7),
                                done_on: Some(done),
                                method: Some("phone"),
                                note: "电话回访发现企业未按协议支付第二期款项，当事人再次反映",
                                at,
                            });
                            step(
                                rng,
                                &mut events,
                                done,
                                Some("resolved"),
                                "mediating",
                                "企业未按调解协议按期支付剩余款项，当事人再次求助，重新组织调解",
                                by,
                            );
                            on = days(done, rng.range(5, 12));
                            at = step(rng, &mut events, on, Some("mediating"), "resolved", "", by);
                        }
                        let done = days(on, rng.range(3, 10)).min(self.today);
                        let (method, note) = rng.pick(&FOLLOW_UP_NOTES);
                        follow_ups.push(FollowUpRow {
                            assigned_to: by,
                            due_on: days(on, 7),
                            done_on: Some(done),
                            method: Some(method),
                            note,
                            at,
                        });
                        if method == "visit" {
                            follow_up_visit = Some((done, rng.pick(visit_notes("dispute"))));
                        }
                        step(
                            rng,
                            &mut events,
                            done,
                            Some("resolved"),
                            "closed",
                            "回访确认调解协议已履行完毕，结案",
                            by,
                        );
                        resolved_on = Some(on);
                        closed_on = Some(done);
                        status = "closed";
                    }
                    Fate::Reported | Fate::Mediating => {}
                }
            }
            if let Some((on, notes)) = follow_up_visit {
                self.push_visit(
                    firm,
                    on,
                    "follow_up",
                    notes.to_owned(),
                    Some(by),
                    Vec::new(),
                );
            }
            let resolution = if resolved_on.is_some() {
                resolution
            } else {
                ""
            };
            self.out.disputes.push(DisputeRow {
                station_id: f.station_id,
                enterprise_id: f.id,
                reported_on,
                parties,
                kind,
                people,
                forces: format!("{{{}}}", forces.join(",")),
                status,
                summary,
                resolution,
                resolved_on,
                closed_on,
                created_by: by,
                events,
                follow_ups,
            });
        }
        self.out.disputes.sort_by_key(|d| d.reported_on);
    }

    fn incidents(&mut self) {
        if self.active.is_empty() {
            return;
        }
        let plan: &[(&str, usize)] = &[
            ("theft", 12),
            ("fraud", 10),
            ("public_order", 8),
            ("fire_safety", 4),
            ("other", 3),
        ];
        let mut rows = Vec::new();
        for &(category, n) in plan {
            let texts: Vec<&'static IncidentText> =
                INCIDENT_TEXTS.iter().filter(|t| t.0 == category).collect();
            for _ in 0..n {
                let (_, minor, _, victim, industries, text) = self.rng.pick(&texts);
                let (minor, victim, text) = (*minor, *victim, *text);
                let industries: &'static [&'static str] = industries;
                let severity = if self.rng.percent(minor) {
                    "minor"
                } else {
                    "serious"
                };
                let (lo, hi) = match (category, severity) {
                    ("fraud", "minor") => (3_000, 30_000),
                    ("fraud", _) => (50_000, 300_000),
                    (_, "minor") => (1_500, 15_000),
                    _ => (20_000, 60_000),
                };
                let summary = amount_text(&mut self.rng, text, lo, hi, 100);
                let occurred_on = self.random_day(self.start, self.today);
                rows.push((category, severity, victim, industries, summary, occurred_on));
            }
        }
        for (severity, victim, industries, text) in CRIMINAL_CASES.iter() {
            let (severity, victim, text) = (*severity, *victim, *text);
            let industries: &'static [&'static str] = industries;
            let occurred_on = if severity == "major" {
                days(self.today, -self.rng.range(100, 160))
            } else {
                self.random_day(self.start, self.today)
            };
            let summary = amount_text(&mut self.rng, text, 50_000, 400_000, 1_000);
            rows.push((
                "criminal",
                severity,
                victim,
                industries,
                summary,
                occurred_on,
            ));
        }
        rows.sort_by_key(|r| r.5);
        for (category, severity, victim, industries, summary, occurred_on) in rows {
            let firm = self.pick_firm(industries, |_| 1);
            let created_by = self.recorder(firm, 70);
            let at = office_time(&mut self.rng, occurred_on);
            let f = &self.firms[firm];
            self.out.incidents.push(IncidentRow {
                station_id: f.station_id,
                enterprise_id: f.id,
                occurred_on,
                category,
                severity,
                victim,
                summary,
                created_by,
                at,
            });
        }
    }

    fn demands(&mut self) {
        if self.active.is_empty() {
            return;
        }
        let mut received: Vec<NaiveDate> = (0..60)
            .map(|_| self.random_day(self.start, days(self.today, -1)))
            .collect();
        received.sort();
        for (k, received_on) in received.into_iter().enumerate() {
            let firm = self.rng.pick(&self.active);
            let f = self.firms[firm].clone();
            let (kind, content, response) = self.rng.pick(&DEMAND_TEXTS);
            let first_due = days(received_on, 15);
            let mut due_on = first_due;
            let mut extension = None;
            let at = office_time(&mut self.rng, received_on);
            if days(received_on, 12) <= self.today && k % 9 == 4 {
                let new_due_on = days(first_due, self.rng.pick(&[10, 15, 30]));
                let on = days(received_on, self.rng.range(8, 12));
                let ext_at = office_time_after(&mut self.rng, on, at);
                extension = Some(ExtensionRow {
                    old_due_on: first_due,
                    new_due_on,
                    reason: self.rng.pick(&EXTENSION_REASONS),
                    at: ext_at,
                    by: f.liaison,
                });
                due_on = new_due_on;
            }
            let roll = self.rng.below(100);
            let responded_on = if roll < 8 {
                None
            } else if roll < 16 {
                Some(days(due_on, self.rng.range(1, 10)))
            } else {
                Some(days(
                    received_on,
                    self.rng.range(1, span(received_on, due_on) - 1),
                ))
            }
            .filter(|d| *d <= self.today);
            let resolved_on = responded_on
                .filter(|_| self.rng.percent(70))
                .map(|r| days(r, self.rng.range(0, 20)))
                .filter(|d| *d <= self.today);
            self.out.demands.push(DemandRow {
                firm,
                station_id: f.station_id,
                enterprise_id: f.id,
                received_on,
                kind,
                content,
                assignee: f.liaison,
                due_on,
                response: if responded_on.is_some() { response } else { "" },
                responded_on,
                resolved_on,
                created_by: f.liaison,
                at,
                extension,
            });
        }
        // Keep at least three open past their due date.
        let have = self
            .out
            .demands
            .iter()
            .filter(|d| d.responded_on.is_none() && d.due_on < self.today)
            .count();
        if have < 3 {
            let mut candidates: Vec<usize> = (0..self.out.demands.len())
                .filter(|&i| {
                    let d = &self.out.demands[i];
                    d.responded_on.is_some() && d.due_on < self.today
                })
                .collect();
            candidates.sort_by_key(|&i| std::cmp::Reverse(self.out.demands[i].due_on));
            for &i in candidates.iter().take(3 - have) {
                let d = &mut self.out.demands[i];
                d.responded_on = None;
                d.resolved_on = None;
                d.response = "";
            }
        }
    }

    fn trainings(&mut self) {
        let mut stations: Vec<i64> = self.crews.keys().copied().collect();
        stations.sort();
        for station_id in stations {
            let here: Vec<usize> = self
                .active
                .iter()
                .copied()
                .filter(|&i| self.firms[i].station_id == station_id)
                .collect();
            let officers = self.crews[&station_id].officers.clone();
            if here.len() < 3 || officers.is_empty() {
                continue;
            }
            for month in 0..12 {
                let held_on = days(self.start, month * 30 + self.rng.range(2, 26)).min(self.today);
                let kind = ["legal", "safety", "drill"][self.rng.weighted(&[40, 35, 25])];
                let topics: &[&'static str] = TRAINING_TOPICS
                    .iter()
                    .find(|(k, _)| *k == kind)
                    .map_or(&[], |(_, t)| t.as_slice());
                if topics.is_empty() {
                    continue;
                }
                let topic = seasonal(&mut self.rng, topics, held_on);
                let n = if kind == "drill" {
                    self.rng.range(3, 8)
                } else {
                    self.rng.range(3, 15)
                } as usize;
                let mut chosen = self.rng.sample(&here, n);
                chosen.sort();
                let mut attendees: i64 = 0;
                for &i in &chosen {
                    let each = if kind == "drill" {
                        self.rng.range(10, 40)
                    } else {
                        self.rng.range(2, 6)
                    };
                    attendees += each.min(i64::from(self.firms[i].employees));
                }
                let created_by = self.rng.pick(&officers);
                let at = office_time(&mut self.rng, held_on);
                self.out.trainings.push(TrainingRow {
                    station_id,
                    held_on,
                    kind,
                    topic,
                    attendees: attendees.clamp(0, 100_000) as i32,
                    created_by,
                    at,
                    enterprises: chosen.iter().map(|&i| self.firms[i].id).collect(),
                });
            }
        }
    }
}

// ---------------------------------------------------------------------------
// A year of field work: into the database, one statement per table.
// ---------------------------------------------------------------------------

/// 16:00 China time on `d`: when a record changed on that day, roughly.
fn afternoon(d: NaiveDate) -> DateTime<Utc> {
    (d.and_time(NaiveTime::MIN) + Duration::hours(16 - 8)).and_utc()
}

/// Generates the history for what was just seeded and inserts it; returns
/// a summary of the row counts for the audit log.
async fn seed_history(conn: &mut PgConnection, today: NaiveDate) -> anyhow::Result<String> {
    let firms: Vec<Firm> = sqlx::query!(
        r#"select enterprise_id, station_id, liaison_officer_id as "liaison!",
                  status = 'active' as "active!", industry_code, employee_count
           from enterprise
           where liaison_officer_id is not null
           order by enterprise_id"#
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| Firm {
        id: r.enterprise_id,
        station_id: r.station_id,
        liaison: r.liaison,
        active: r.active,
        industry: r.industry_code,
        employees: r.employee_count,
    })
    .collect();
    let mut crews: HashMap<i64, Crew> = HashMap::new();
    for u in sqlx::query!(
        r#"select user_id, station_id as "station_id!", role = 'chief' as "chief!"
           from app_user
           where role in ('officer', 'chief') and station_id is not null
           order by user_id"#
    )
    .fetch_all(&mut *conn)
    .await?
    {
        let crew = crews.entry(u.station_id).or_default();
        if u.chief {
            crew.chief.get_or_insert(u.user_id);
        } else {
            crew.officers.push(u.user_id);
        }
    }
    let template_id = sqlx::query_scalar!(
        "select checklist_template_id from checklist_template where version = 1"
    )
    .fetch_one(&mut *conn)
    .await
    .context("checklist template version 1")?;
    let items: Vec<(i64, i32)> = sqlx::query!(
        "select checklist_item_id, position from checklist_item
         where checklist_template_id = $1 order by position",
        template_id,
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| (r.checklist_item_id, r.position))
    .collect();

    let h = history(&firms, &crews, &items, today);

    // Visits, their officers and checklist answers.
    let visit_ids = sqlx::query_scalar!(
        r#"select nextval(pg_get_serial_sequence('visit', 'visit_id')) as "id!"
           from generate_series(1, $1::int)"#,
        i32::try_from(h.visits.len())?,
    )
    .fetch_all(&mut *conn)
    .await?;
    let v = &h.visits;
    let inserted = sqlx::query!(
        "insert into visit (visit_id, station_id, enterprise_id, visited_on, kind, notes,
                            suggestions, checklist_template_id, liaison_contact, created_by,
                            created_at, updated_at)
         overriding system value
         select v.id, v.station_id, v.enterprise_id, v.visited_on, v.kind, v.notes,
                v.suggestions, case when v.kind = 'inspection' then $11::bigint end,
                v.liaison_contact, v.created_by, least(v.at, now()), least(v.at, now())
         from unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::date[],
                     $5::text[]::visit_kind[], $6::text[], $7::text[], $8::bool[],
                     $9::bigint[], $10::timestamptz[])
              as v(id, station_id, enterprise_id, visited_on, kind, notes, suggestions,
                   liaison_contact, created_by, at)",
        &visit_ids,
        &v.iter().map(|r| r.station_id).collect::<Vec<_>>(),
        &v.iter().map(|r| r.enterprise_id).collect::<Vec<_>>(),
        &v.iter().map(|r| r.visited_on).collect::<Vec<_>>(),
        &v.iter().map(|r| r.kind.to_owned()).collect::<Vec<_>>(),
        &v.iter().map(|r| r.notes.clone()).collect::<Vec<_>>(),
        &v.iter()
            .map(|r| r.suggestions.to_owned())
            .collect::<Vec<_>>(),
        &v.iter().map(|r| r.liaison_contact).collect::<Vec<_>>(),
        &v.iter().map(|r| r.created_by).collect::<Vec<_>>(),
        &v.iter().map(|r| r.at).collect::<Vec<_>>(),
        template_id,
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    anyhow::ensure!(
        inserted == v.len() as u64,
        "inserted {inserted} visits of {}",
        v.len()
    );

    let (officer_visits, officer_users): (Vec<i64>, Vec<i64>) = v
        .iter()
        .zip(&visit_ids)
        .flat_map(|(r, &id)| r.officers.iter().map(move |&u| (id, u)))
        .unzip();
    sqlx::query!(
        "insert into visit_officer (visit_id, user_id)
         select * from unnest($1::bigint[], $2::bigint[])",
        &officer_visits,
        &officer_users,
    )
    .execute(&mut *conn)
    .await?;

    let mut check_visits = Vec::new();
    let mut check_items = Vec::new();
    let mut check_answers = Vec::new();
    let mut check_notes = Vec::new();
    for (r, &id) in v.iter().zip(&visit_ids) {
        for &(item, answer, note) in &r.checks {
            check_visits.push(id);
            check_items.push(item);
            check_answers.push(answer.to_owned());
            check_notes.push(note.to_owned());
        }
    }
    sqlx::query!(
        "insert into visit_check (visit_id, checklist_item_id, answer, note)
         select * from unnest($1::bigint[], $2::bigint[], $3::text[]::check_answer[], $4::text[])",
        &check_visits,
        &check_items,
        &check_answers,
        &check_notes,
    )
    .execute(&mut *conn)
    .await?;

    // Hazards.
    let z = &h.hazards;
    sqlx::query!(
        "insert into hazard (station_id, enterprise_id, visit_id, found_on, severity,
                             description, deadline, rectified_on, rectification_note,
                             verified_by, created_by, created_at, updated_at)
         select station_id, enterprise_id, visit_id, found_on, severity, description,
                deadline, rectified_on, note, verified_by, created_by,
                least(created_at, now()), least(updated_at, now())
         from unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::date[],
                     $5::text[]::hazard_severity[], $6::text[], $7::date[], $8::date[],
                     $9::text[], $10::bigint[], $11::bigint[], $12::timestamptz[],
                     $13::timestamptz[])
              as z(station_id, enterprise_id, visit_id, found_on, severity, description,
                   deadline, rectified_on, note, verified_by, created_by, created_at,
                   updated_at)",
        &z.iter().map(|r| r.station_id).collect::<Vec<_>>(),
        &z.iter().map(|r| r.enterprise_id).collect::<Vec<_>>(),
        &z.iter()
            .map(|r| r.visit.map(|i| visit_ids[i]))
            .collect::<Vec<_>>() as _,
        &z.iter().map(|r| r.found_on).collect::<Vec<_>>(),
        &z.iter().map(|r| r.severity.to_owned()).collect::<Vec<_>>(),
        &z.iter()
            .map(|r| r.description.to_owned())
            .collect::<Vec<_>>(),
        &z.iter().map(|r| r.deadline).collect::<Vec<_>>(),
        &z.iter().map(|r| r.rectified_on).collect::<Vec<_>>() as _,
        &z.iter()
            .map(|r| if r.rectified_on.is_some() { r.fix } else { "" }.to_owned())
            .collect::<Vec<_>>(),
        &z.iter().map(|r| r.verified_by).collect::<Vec<_>>() as _,
        &z.iter().map(|r| r.created_by).collect::<Vec<_>>(),
        &z.iter().map(|r| r.at).collect::<Vec<_>>(),
        &z.iter()
            .map(|r| r.rectified_on.map_or(r.at, |d| afternoon(d).max(r.at)))
            .collect::<Vec<_>>(),
    )
    .execute(&mut *conn)
    .await?;

    // Disputes, their status changes and follow-ups.
    let dispute_ids = sqlx::query_scalar!(
        r#"select nextval(pg_get_serial_sequence('dispute', 'dispute_id')) as "id!"
           from generate_series(1, $1::int)"#,
        i32::try_from(h.disputes.len())?,
    )
    .fetch_all(&mut *conn)
    .await?;
    let d = &h.disputes;
    let first_at = |r: &DisputeRow| {
        r.events
            .first()
            .map(|e| e.at)
            .unwrap_or_else(|| afternoon(r.reported_on))
    };
    let last_at = |r: &DisputeRow| {
        r.events
            .last()
            .map(|e| e.at)
            .unwrap_or_else(|| afternoon(r.reported_on))
    };
    sqlx::query!(
        "insert into dispute (dispute_id, station_id, enterprise_id, reported_on, parties, kind,
                              people_involved, mediation_forces, status, summary, resolution,
                              resolved_on, closed_on, created_by, created_at, updated_at)
         overriding system value
         select id, station_id, enterprise_id, reported_on, parties, kind, people,
                forces::mediation_force[], status, summary, resolution, resolved_on,
                closed_on, created_by, least(created_at, now()), least(updated_at, now())
         from unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::date[], $5::text[],
                     $6::text[]::dispute_kind[], $7::int[], $8::text[],
                     $9::text[]::dispute_status[], $10::text[], $11::text[], $12::date[],
                     $13::date[], $14::bigint[], $15::timestamptz[], $16::timestamptz[])
              as d(id, station_id, enterprise_id, reported_on, parties, kind, people, forces,
                   status, summary, resolution, resolved_on, closed_on, created_by,
                   created_at, updated_at)",
        &dispute_ids,
        &d.iter().map(|r| r.station_id).collect::<Vec<_>>(),
        &d.iter().map(|r| r.enterprise_id).collect::<Vec<_>>(),
        &d.iter().map(|r| r.reported_on).collect::<Vec<_>>(),
        &d.iter().map(|r| r.parties.clone()).collect::<Vec<_>>(),
        &d.iter().map(|r| r.kind.to_owned()).collect::<Vec<_>>(),
        &d.iter().map(|r| r.people).collect::<Vec<_>>(),
        &d.iter().map(|r| r.forces.clone()).collect::<Vec<_>>(),
        &d.iter().map(|r| r.status.to_owned()).collect::<Vec<_>>(),
        &d.iter().map(|r| r.summary.clone()).collect::<Vec<_>>(),
        &d.iter()
            .map(|r| r.resolution.to_owned())
            .collect::<Vec<_>>(),
        &d.iter().map(|r| r.resolved_on).collect::<Vec<_>>() as _,
        &d.iter().map(|r| r.closed_on).collect::<Vec<_>>() as _,
        &d.iter().map(|r| r.created_by).collect::<Vec<_>>(),
        &d.iter().map(first_at).collect::<Vec<_>>(),
        &d.iter().map(last_at).collect::<Vec<_>>(),
    )
    .execute(&mut *conn)
    .await?;

    let events: Vec<(i64, i64, &EventRow)> = d
        .iter()
        .zip(&dispute_ids)
        .flat_map(|(r, &id)| r.events.iter().map(move |e| (id, r.station_id, e)))
        .collect();
    sqlx::query!(
        "insert into dispute_event (station_id, dispute_id, from_status, to_status, reason, at,
                                    by_user)
         select station_id, dispute_id, from_status, to_status, reason, least(at, now()), by_user
         from unnest($1::bigint[], $2::bigint[], $3::text[]::dispute_status[],
                     $4::text[]::dispute_status[], $5::text[], $6::timestamptz[], $7::bigint[])
              as e(station_id, dispute_id, from_status, to_status, reason, at, by_user)
         order by at",
        &events.iter().map(|e| e.1).collect::<Vec<_>>(),
        &events.iter().map(|e| e.0).collect::<Vec<_>>(),
        &events
            .iter()
            .map(|e| e.2.from.map(str::to_owned))
            .collect::<Vec<_>>() as _,
        &events.iter().map(|e| e.2.to.to_owned()).collect::<Vec<_>>(),
        &events
            .iter()
            .map(|e| e.2.reason.to_owned())
            .collect::<Vec<_>>(),
        &events.iter().map(|e| e.2.at).collect::<Vec<_>>(),
        &events.iter().map(|e| e.2.by).collect::<Vec<_>>(),
    )
    .execute(&mut *conn)
    .await?;

    let follow_ups: Vec<(i64, i64, &FollowUpRow)> = d
        .iter()
        .zip(&dispute_ids)
        .flat_map(|(r, &id)| r.follow_ups.iter().map(move |f| (id, r.station_id, f)))
        .collect();
    sqlx::query!(
        "insert into dispute_follow_up (station_id, dispute_id, assigned_to, due_on, done_on,
                                        method, note, created_at)
         select station_id, dispute_id, assigned_to, due_on, done_on, method, note,
                least(created_at, now())
         from unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::date[], $5::date[],
                     $6::text[]::follow_up_method[], $7::text[], $8::timestamptz[])
              as f(station_id, dispute_id, assigned_to, due_on, done_on, method, note,
                   created_at)
         order by created_at",
        &follow_ups.iter().map(|f| f.1).collect::<Vec<_>>(),
        &follow_ups.iter().map(|f| f.0).collect::<Vec<_>>(),
        &follow_ups
            .iter()
            .map(|f| f.2.assigned_to)
            .collect::<Vec<_>>(),
        &follow_ups.iter().map(|f| f.2.due_on).collect::<Vec<_>>(),
        &follow_ups.iter().map(|f| f.2.done_on).collect::<Vec<_>>() as _,
        &follow_ups
            .iter()
            .map(|f| f.2.method.map(str::to_owned))
            .collect::<Vec<_>>() as _,
        &follow_ups
            .iter()
            .map(|f| f.2.note.to_owned())
            .collect::<Vec<_>>(),
        &follow_ups.iter().map(|f| f.2.at).collect::<Vec<_>>(),
    )
    .execute(&mut *conn)
    .await?;

    // Incidents.
    let n = &h.incidents;
    sqlx::query!(
        "insert into incident (station_id, enterprise_id, occurred_on, category, severity,
                               enterprise_victim, summary, created_by, created_at, updated_at)
         select station_id, enterprise_id, occurred_on, category, severity, victim, summary,
                created_by, least(at, now()), least(at, now())
         from unnest($1::bigint[], $2::bigint[], $3::date[], $4::text[]::incident_category[],
                     $5::text[]::incident_severity[], $6::bool[], $7::text[], $8::bigint[],
                     $9::timestamptz[])
              as i(station_id, enterprise_id, occurred_on, category, severity, victim, summary,
                   created_by, at)",
        &n.iter().map(|r| r.station_id).collect::<Vec<_>>(),
        &n.iter().map(|r| r.enterprise_id).collect::<Vec<_>>(),
        &n.iter().map(|r| r.occurred_on).collect::<Vec<_>>(),
        &n.iter().map(|r| r.category.to_owned()).collect::<Vec<_>>(),
        &n.iter().map(|r| r.severity.to_owned()).collect::<Vec<_>>(),
        &n.iter().map(|r| r.victim).collect::<Vec<_>>(),
        &n.iter().map(|r| r.summary.clone()).collect::<Vec<_>>(),
        &n.iter().map(|r| r.created_by).collect::<Vec<_>>(),
        &n.iter().map(|r| r.at).collect::<Vec<_>>(),
    )
    .execute(&mut *conn)
    .await?;

    // Demands and their extensions.
    let demand_ids = sqlx::query_scalar!(
        r#"select nextval(pg_get_serial_sequence('demand', 'demand_id')) as "id!"
           from generate_series(1, $1::int)"#,
        i32::try_from(h.demands.len())?,
    )
    .fetch_all(&mut *conn)
    .await?;
    let m = &h.demands;
    let demand_updated = |r: &DemandRow| {
        let mut at = r.at;
        if let Some(e) = &r.extension {
            at = at.max(e.at);
        }
        if let Some(on) = r.resolved_on.or(r.responded_on) {
            at = at.max(afternoon(on));
        }
        at
    };
    sqlx::query!(
        "insert into demand (demand_id, station_id, enterprise_id, received_on, kind, content,
                             assignee_id, due_on, status, response, responded_on, resolved_on,
                             created_by, created_at, updated_at)
         overriding system value
         select id, station_id, enterprise_id, received_on, kind, content, assignee_id, due_on,
                status, response, responded_on, resolved_on, created_by,
                least(created_at, now()), least(updated_at, now())
         from unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::date[],
                     $5::text[]::demand_kind[], $6::text[], $7::bigint[], $8::date[],
                     $9::text[]::demand_status[], $10::text[], $11::date[], $12::date[],
                     $13::bigint[], $14::timestamptz[], $15::timestamptz[])
              as m(id, station_id, enterprise_id, received_on, kind, content, assignee_id,
                   due_on, status, response, responded_on, resolved_on, created_by,
                   created_at, updated_at)",
        &demand_ids,
        &m.iter().map(|r| r.station_id).collect::<Vec<_>>(),
        &m.iter().map(|r| r.enterprise_id).collect::<Vec<_>>(),
        &m.iter().map(|r| r.received_on).collect::<Vec<_>>(),
        &m.iter().map(|r| r.kind.to_owned()).collect::<Vec<_>>(),
        &m.iter().map(|r| r.content.to_owned()).collect::<Vec<_>>(),
        &m.iter().map(|r| r.assignee).collect::<Vec<_>>(),
        &m.iter().map(|r| r.due_on).collect::<Vec<_>>(),
        &m.iter().map(|r| r.status().to_owned()).collect::<Vec<_>>(),
        &m.iter().map(|r| r.response.to_owned()).collect::<Vec<_>>(),
        &m.iter().map(|r| r.responded_on).collect::<Vec<_>>() as _,
        &m.iter().map(|r| r.resolved_on).collect::<Vec<_>>() as _,
        &m.iter().map(|r| r.created_by).collect::<Vec<_>>(),
        &m.iter().map(|r| r.at).collect::<Vec<_>>(),
        &m.iter().map(demand_updated).collect::<Vec<_>>(),
    )
    .execute(&mut *conn)
    .await?;

    let extensions: Vec<(i64, i64, &ExtensionRow)> = m
        .iter()
        .zip(&demand_ids)
        .filter_map(|(r, &id)| r.extension.as_ref().map(|e| (id, r.station_id, e)))
        .collect();
    sqlx::query!(
        "insert into demand_extension (station_id, demand_id, old_due_on, new_due_on, reason, at,
                                       by_user)
         select station_id, demand_id, old_due_on, new_due_on, reason, least(at, now()), by_user
         from unnest($1::bigint[], $2::bigint[], $3::date[], $4::date[], $5::text[],
                     $6::timestamptz[], $7::bigint[])
              as x(station_id, demand_id, old_due_on, new_due_on, reason, at, by_user)
         order by at",
        &extensions.iter().map(|x| x.1).collect::<Vec<_>>(),
        &extensions.iter().map(|x| x.0).collect::<Vec<_>>(),
        &extensions
            .iter()
            .map(|x| x.2.old_due_on)
            .collect::<Vec<_>>(),
        &extensions
            .iter()
            .map(|x| x.2.new_due_on)
            .collect::<Vec<_>>(),
        &extensions
            .iter()
            .map(|x| x.2.reason.to_owned())
            .collect::<Vec<_>>(),
        &extensions.iter().map(|x| x.2.at).collect::<Vec<_>>(),
        &extensions.iter().map(|x| x.2.by).collect::<Vec<_>>(),
    )
    .execute(&mut *conn)
    .await?;

    // Trainings and who attended.
    let training_ids = sqlx::query_scalar!(
        r#"select nextval(pg_get_serial_sequence('training', 'training_id')) as "id!"
           from generate_series(1, $1::int)"#,
        i32::try_from(h.trainings.len())?,
    )
    .fetch_all(&mut *conn)
    .await?;
    let t = &h.trainings;
    sqlx::query!(
        "insert into training (training_id, station_id, held_on, kind, topic, attendee_count,
                               created_by, created_at, updated_at)
         overriding system value
         select id, station_id, held_on, kind, topic, attendees, created_by,
                least(at, now()), least(at, now())
         from unnest($1::bigint[], $2::bigint[], $3::date[], $4::text[]::training_kind[],
                     $5::text[], $6::int[], $7::bigint[], $8::timestamptz[])
              as t(id, station_id, held_on, kind, topic, attendees, created_by, at)",
        &training_ids,
        &t.iter().map(|r| r.station_id).collect::<Vec<_>>(),
        &t.iter().map(|r| r.held_on).collect::<Vec<_>>(),
        &t.iter().map(|r| r.kind.to_owned()).collect::<Vec<_>>(),
        &t.iter().map(|r| r.topic.to_owned()).collect::<Vec<_>>(),
        &t.iter().map(|r| r.attendees).collect::<Vec<_>>(),
        &t.iter().map(|r| r.created_by).collect::<Vec<_>>(),
        &t.iter().map(|r| r.at).collect::<Vec<_>>(),
    )
    .execute(&mut *conn)
    .await?;
    let (attended_trainings, attending): (Vec<i64>, Vec<i64>) = t
        .iter()
        .zip(&training_ids)
        .flat_map(|(r, &id)| r.enterprises.iter().map(move |&e| (id, e)))
        .unzip();
    sqlx::query!(
        "insert into training_enterprise (training_id, enterprise_id)
         select * from unnest($1::bigint[], $2::bigint[])",
        &attended_trainings,
        &attending,
    )
    .execute(&mut *conn)
    .await?;

    Ok(format!(
        "{} visits ({} checklist answers), {} hazards, {} disputes ({} status changes, {} follow-ups), \
         {} incidents, {} demands ({} extensions), {} trainings, up to {today}",
        v.len(),
        check_visits.len(),
        z.len(),
        d.len(),
        events.len(),
        follow_ups.len(),
        n.len(),
        m.len(),
        extensions.len(),
        t.len(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_are_well_formed() {
        let mut seen = HashSet::new();
        for a in ACCOUNTS.iter() {
            assert!(seen.insert(a.username), "duplicate {}", a.username);
            assert!(
                a.username.len() >= 2
                    && a.username.bytes().all(|b| b.is_ascii_lowercase()
                        || b.is_ascii_digit()
                        || b"._-".contains(&b)),
                "{}",
                a.username
            );
            assert!(a.password.chars().count() >= 10);
            let scoped = match a.role {
                "officer" | "chief" => STATIONS.iter().any(|s| s.code == a.scope),
                "department" => DEPARTMENTS.iter().any(|d| d.0 == a.scope),
                "admin" => a.scope.is_empty(),
                other => panic!("unknown role {other}"),
            };
            assert!(scoped, "{} has scope {:?}", a.username, a.scope);
        }
        for station in STATIONS.iter() {
            let of = |role: &str| {
                ACCOUNTS
                    .iter()
                    .filter(|a| a.scope == station.code && a.role == role)
                    .count()
            };
            assert_eq!((of("chief"), of("officer")), (1, 3), "{}", station.code);
        }
        for d in DEPARTMENTS.iter() {
            assert_eq!(ACCOUNTS.iter().filter(|a| a.scope == d.0).count(), 1);
        }
    }

    #[test]
    fn register_is_deterministic_and_plausible() {
        let register = enterprises();
        assert_eq!(register.len(), 150);
        let again = enterprises();
        assert!(
            register
                .iter()
                .zip(&again)
                .all(|(a, b)| a.name == b.name && a.credit_code == b.credit_code)
        );
        let names: HashSet<_> = register.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names.len(), register.len(), "names are unique");
        let codes: HashSet<_> = register.iter().map(|e| e.credit_code.as_str()).collect();
        assert_eq!(codes.len(), register.len(), "codes are unique");
        for e in &register {
            assert_eq!(
                CreditCode::parse(e.credit_code.as_str()).as_ref(),
                Ok(&e.credit_code)
            );
            assert_eq!(e.credit_code.region(), REGION);
            assert!(
                (5..=2000).contains(&e.employee_count),
                "{}",
                e.employee_count
            );
            assert_eq!(e.security_phone.len(), 11);
            assert!(e.security_phone.bytes().all(|b| b.is_ascii_digit()));
            assert!(["13", "15", "18"].contains(&&e.security_phone[..2]));
            let len = e.name.chars().count();
            assert!((2..=100).contains(&len), "{}", e.name);
        }
        let small = register.iter().filter(|e| e.employee_count <= 100).count();
        assert!(
            small > register.len() / 2,
            "employee counts skew small: {small}"
        );
        let closed = register.iter().filter(|e| e.status == "closed").count();
        assert!((2..=15).contains(&closed), "about 5% closed: {closed}");
        for station in STATIONS.iter() {
            let here: Vec<_> = register
                .iter()
                .filter(|e| e.station == station.code)
                .collect();
            assert_eq!(here.len(), station.enterprises);
            for (industry, _, _) in INDUSTRIES.iter() {
                assert!(here.iter().any(|e| e.industry == *industry));
            }
        }
    }

    /// The demo register with made-up ids: stations 1.., users by their
    /// position in ACCOUNTS, enterprises 1...
    fn register_with_ids() -> (Vec<Firm>, HashMap<i64, Crew>) {
        let station_id = |code: &str| {
            STATIONS
                .iter()
                .position(|s| s.code == code)
                .map(|i| i as i64 + 1)
                .unwrap()
        };
        let user_id = |name: &str| {
            ACCOUNTS
                .iter()
                .position(|a| a.username == name)
                .map(|i| i as i64 + 100)
                .unwrap()
        };
        let mut crews: HashMap<i64, Crew> = HashMap::new();
        for a in ACCOUNTS.iter() {
            if a.role == "officer" || a.role == "chief" {
                let crew = crews.entry(station_id(a.scope)).or_default();
                if a.role == "chief" {
                    crew.chief = Some(user_id(a.username));
                } else {
                    crew.officers.push(user_id(a.username));
                }
            }
        }
        let firms = enterprises()
            .iter()
            .enumerate()
            .map(|(i, e)| Firm {
                id: i as i64 + 1000,
                station_id: station_id(e.station),
                liaison: user_id(e.liaison),
                active: e.status == "active",
                industry: e.industry.to_owned(),
                employees: e.employee_count,
            })
            .collect();
        (firms, crews)
    }

    fn checklist() -> Vec<(i64, i32)> {
        (1..=10).map(|p| (i64::from(p) + 50, p)).collect()
    }

    #[test]
    fn history_is_deterministic() {
        let (firms, crews) = register_with_ids();
        let today = NaiveDate::from_ymd_opt(2026, 5, 17).unwrap();
        let a = history(&firms, &crews, &checklist(), today);
        let b = history(&firms, &crews, &checklist(), today);
        assert_eq!(a, b);
        let later = history(&firms, &crews, &checklist(), days(today, 1));
        assert_ne!(a, later, "a day later is another history");
    }

    /// Every CHECK of the schema and every promise of the demo, for many
    /// different days.
    #[test]
    fn history_is_sound_whatever_the_day() {
        let (firms, crews) = register_with_ids();
        let items = checklist();
        let by_id: HashMap<i64, &Firm> = firms.iter().map(|f| (f.id, f)).collect();
        let station_of = |user: i64| {
            crews
                .iter()
                .find(|(_, c)| c.officers.contains(&user) || c.chief == Some(user))
                .map(|(s, _)| *s)
        };
        let officer = |user: i64, station: i64| {
            crews
                .get(&station)
                .is_some_and(|c| c.officers.contains(&user))
        };
        let first = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
        let mut days_tried: Vec<NaiveDate> = (0..150).map(|i| days(first, i * 5)).collect();
        for q in [
            "2025-12-31",
            "2026-01-01",
            "2026-03-31",
            "2026-04-01",
            "2028-02-29",
        ] {
            days_tried.push(q.parse().unwrap());
        }
        for today in days_tried {
            let h = history(&firms, &crews, &items, today);
            let start = days(today, 1 - HISTORY_DAYS);
            let within = |d: NaiveDate| d >= start && d <= today;
            let ctx = format!("history up to {today}");

            let mut inspected_lately = HashSet::new();
            for v in &h.visits {
                let f = by_id[&v.enterprise_id];
                assert!(within(v.visited_on), "{ctx}: visit on {}", v.visited_on);
                assert_eq!(v.station_id, f.station_id);
                assert_eq!((v.kind == "inspection"), !v.checks.is_empty(), "{ctx}");
                if v.kind == "inspection" {
                    assert_eq!(v.checks.len(), items.len());
                    if span(v.visited_on, today) < 90 {
                        inspected_lately.insert(v.enterprise_id);
                    }
                }
                assert!(officer(v.created_by, v.station_id), "{ctx}");
                assert_eq!(v.officers.first(), Some(&v.created_by));
                let distinct: HashSet<_> = v.officers.iter().collect();
                assert_eq!(distinct.len(), v.officers.len(), "{ctx}: officers repeat");
                assert!(
                    v.officers
                        .iter()
                        .all(|&o| station_of(o) == Some(v.station_id))
                );
                assert_eq!(v.liaison_contact, v.officers.contains(&f.liaison));
            }
            let active = firms.iter().filter(|f| f.active).count();
            assert!(
                inspected_lately.len() * 10 >= active * 6,
                "{ctx}: {} inspected in 90 days",
                inspected_lately.len()
            );

            let mut overdue_hazards = 0;
            for z in &h.hazards {
                let f = by_id[&z.enterprise_id];
                assert_eq!(z.station_id, f.station_id);
                assert!(within(z.found_on), "{ctx}");
                assert!((7..=30).contains(&span(z.found_on, z.deadline)), "{ctx}");
                assert_eq!(z.rectified_on.is_none(), z.verified_by.is_none(), "{ctx}");
                if let Some(on) = z.rectified_on {
                    assert!(on >= z.found_on && on <= today, "{ctx}");
                } else {
                    assert!(f.active, "{ctx}: open hazard at a closed enterprise");
                    if z.deadline < today {
                        overdue_hazards += 1;
                    }
                }
                if let Some(i) = z.visit {
                    let v = &h.visits[i];
                    assert_eq!(
                        (v.kind, v.visited_on, v.enterprise_id),
                        ("inspection", z.found_on, z.enterprise_id)
                    );
                }
                assert!(officer(z.created_by, z.station_id));
            }
            assert!(
                overdue_hazards >= 3,
                "{ctx}: {overdue_hazards} overdue hazards"
            );

            assert_eq!(h.disputes.len(), 25);
            for d in &h.disputes {
                assert!(within(d.reported_on), "{ctx}");
                assert!(by_id[&d.enterprise_id].active);
                assert!((1..=100_000).contains(&d.people));
                assert!(!d.parties.is_empty() && d.parties.chars().count() <= 500);
                assert!(!d.summary.contains('{'), "{ctx}: {}", d.summary);
                let last = d.events.last().map(|e| e.to);
                assert_eq!(last, Some(d.status), "{ctx}");
                assert!(
                    d.events
                        .windows(2)
                        .all(|w| w[0].at < w[1].at && w[1].from == Some(w[0].to))
                );
                assert_eq!(d.events[0].from, None);
                for e in &d.events {
                    let on = (e.at + Duration::hours(8)).date_naive();
                    assert!(within(on), "{ctx}: event on {on}");
                }
                for f in &d.follow_ups {
                    assert_eq!(f.done_on.is_none(), f.method.is_none());
                    assert!(f.done_on.is_none_or(within));
                }
                assert!(
                    d.resolved_on
                        .is_none_or(|r| r >= d.reported_on && r <= today)
                );
                assert!(d.closed_on.is_none_or(within));
            }
            assert_eq!(h.disputes.iter().filter(|d| d.people >= 30).count(), 2);

            assert_eq!(h.incidents.len(), 40);
            assert!(
                h.incidents
                    .iter()
                    .all(|n| within(n.occurred_on) && !n.summary.contains('{'))
            );

            assert_eq!(h.demands.len(), 60);
            let mut overdue_demands = 0;
            for m in &h.demands {
                assert!(within(m.received_on), "{ctx}");
                assert!(m.due_on >= m.received_on);
                assert!(
                    m.responded_on
                        .is_none_or(|r| r >= m.received_on && r <= today)
                );
                assert!(
                    m.resolved_on
                        .is_none_or(|r| Some(r) >= m.responded_on && r <= today)
                );
                assert_eq!(m.responded_on.is_none(), m.response.is_empty());
                if let Some(x) = &m.extension {
                    assert!(x.new_due_on > x.old_due_on && x.new_due_on == m.due_on);
                    assert!(within((x.at + Duration::hours(8)).date_naive()), "{ctx}");
                }
                if m.status() == "open" && m.due_on < today {
                    overdue_demands += 1;
                }
            }
            assert!(
                overdue_demands >= 3,
                "{ctx}: {overdue_demands} overdue demands"
            );
            let extended = h.demands.iter().filter(|m| m.extension.is_some()).count();
            assert!(extended >= 3, "{ctx}: {extended} extensions");

            for station in crews.keys() {
                let n = h
                    .trainings
                    .iter()
                    .filter(|t| t.station_id == *station)
                    .count();
                assert_eq!(n, 12, "{ctx}");
            }
            for t in &h.trainings {
                assert!(within(t.held_on), "{ctx}");
                assert!((3..=15).contains(&t.enterprises.len()));
                let distinct: HashSet<_> = t.enterprises.iter().collect();
                assert_eq!(distinct.len(), t.enterprises.len());
                assert!(
                    t.enterprises
                        .iter()
                        .all(|e| by_id[e].station_id == t.station_id)
                );
                assert!(t.attendees > 0 && officer(t.created_by, t.station_id));
                assert!(
                    in_season(t.topic, t.held_on),
                    "{ctx}: {} on {}",
                    t.topic,
                    t.held_on
                );
            }
        }
    }
}
