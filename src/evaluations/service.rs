//! Running, overriding and publishing an evaluation. Each is one
//! transaction; the web handlers and the command line both call these.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;
use sqlx::{PgConnection, PgPool};

use super::gather::gather;
use crate::scoring::{self, Assessment, Inputs, Level, Policy, Quarter, Rating};

#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("the evaluation of this quarter is published and locked")]
    Published,
    #[error("the evaluation of this quarter has not been run")]
    NotRun,
    #[error("this quarter has not started yet")]
    FutureQuarter,
    #[error("the stored policy is not valid: {0}")]
    BadPolicy(String),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// The policy version in force for `quarter`: the newest version whose
/// first quarter is not after it.
pub async fn policy_for(
    conn: &mut PgConnection,
    quarter: Quarter,
) -> Result<(i64, Policy), EvalError> {
    let row = sqlx::query!(
        "select scoring_policy_id, version, params, mass_dispute_threshold, demand_response_days
         from scoring_policy where effective_from <= $1
         order by effective_from desc, version desc limit 1",
        quarter.to_string()
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else {
        return Err(EvalError::BadPolicy(format!(
            "no policy in force for {quarter}"
        )));
    };
    let policy = policy_from_row(
        row.params,
        row.version,
        row.mass_dispute_threshold,
        row.demand_response_days,
    )?;
    Ok((row.scoring_policy_id, policy))
}

/// A stored policy row as a `Policy`. Version 1 predates stored parameters:
/// it is DESIGN.md's defaults with the row's field-work parameters.
pub fn policy_from_row(
    params: Option<Value>,
    version: i32,
    mass_dispute_threshold: i32,
    demand_response_days: i32,
) -> Result<Policy, EvalError> {
    match params {
        Some(params) => {
            serde_json::from_value(params).map_err(|e| EvalError::BadPolicy(e.to_string()))
        }
        None => {
            let mut p = Policy::default_v1();
            p.version = version;
            p.mass_dispute_threshold = mass_dispute_threshold;
            p.demand_response_days = demand_response_days;
            Ok(p)
        }
    }
}

/// The policy an evaluation was scored with.
pub async fn policy_of_evaluation(
    conn: &mut PgConnection,
    evaluation_id: i64,
) -> Result<Policy, EvalError> {
    let row = sqlx::query!(
        "select p.version, p.params, p.mass_dispute_threshold, p.demand_response_days
         from evaluation e join scoring_policy p using (scoring_policy_id)
         where e.evaluation_id = $1",
        evaluation_id
    )
    .fetch_one(&mut *conn)
    .await?;
    policy_from_row(
        row.params,
        row.version,
        row.mass_dispute_threshold,
        row.demand_response_days,
    )
}

fn level_code(rating: Rating) -> Option<&'static str> {
    match rating {
        Rating::Rated(level) => Some(level.code()),
        Rating::Unrated => None,
    }
}

fn rank(level: Option<&str>) -> i32 {
    match level {
        Some("green") => 3,
        Some("yellow") => 2,
        Some("red") => 1,
        _ => 0,
    }
}

/// up, down, same or new, against the previous quarter's final level.
pub fn movement(previous: Option<&str>, now: Option<&str>) -> &'static str {
    match (rank(previous), rank(now)) {
        (0, 0) => "same",
        (0, _) => "new",
        (p, n) if n > p => "up",
        (p, n) if n < p => "down",
        _ => "same",
    }
}

#[derive(Debug, Clone)]
pub struct RunSummary {
    pub evaluation_id: i64,
    pub assessed: usize,
    pub policy_version: i32,
}

/// Score every active enterprise of the station for `quarter` and store the
/// draft, replacing an earlier draft. A published evaluation is locked.
pub async fn run(
    db: &PgPool,
    station_id: i64,
    quarter: Quarter,
    user_id: Option<i64>,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Result<RunSummary, EvalError> {
    if quarter.start() > today {
        return Err(EvalError::FutureQuarter);
    }
    let mut tx = db.begin().await?;
    let existing = sqlx::query!(
        r#"select evaluation_id, status::text as "status!" from evaluation
           where station_id = $1 and quarter = $2 for update"#,
        station_id,
        quarter.to_string()
    )
    .fetch_optional(&mut *tx)
    .await?;
    if existing.as_ref().is_some_and(|e| e.status == "published") {
        return Err(EvalError::Published);
    }
    let (policy_id, policy) = policy_for(&mut tx, quarter).await?;
    let inputs = gather(&mut tx, station_id, quarter).await?;
    let scored: Vec<(i64, Inputs, Assessment)> = inputs
        .into_iter()
        .map(|(id, inputs)| {
            let assessment = scoring::assess(&inputs, &policy);
            (id, inputs, assessment)
        })
        .collect();

    let evaluation_id = match existing {
        Some(e) => {
            sqlx::query!(
                "delete from assessment where evaluation_id = $1",
                e.evaluation_id
            )
            .execute(&mut *tx)
            .await?;
            sqlx::query!(
                "update evaluation set run_at = $2, run_by = $3, scoring_policy_id = $4,
                        version = version + 1
                 where evaluation_id = $1",
                e.evaluation_id,
                now,
                user_id,
                policy_id
            )
            .execute(&mut *tx)
            .await?;
            e.evaluation_id
        }
        None => {
            sqlx::query_scalar!(
                "insert into evaluation (station_id, quarter, scoring_policy_id, run_at, run_by)
                 values ($1, $2, $3, $4, $5) returning evaluation_id",
                station_id,
                quarter.to_string(),
                policy_id,
                now,
                user_id
            )
            .fetch_one(&mut *tx)
            .await?
        }
    };
    insert_assessments(&mut tx, station_id, evaluation_id, &scored).await?;
    crate::audit::record(
        &mut tx,
        crate::audit::Event {
            actor_user_id: user_id,
            actor_label: if user_id.is_some() {
                "chief"
            } else {
                "command line"
            },
            station_id: Some(station_id),
            action: "evaluation.run",
            entity: "evaluation",
            entity_id: Some(evaluation_id),
            summary: &format!(
                "{quarter}: {} enterprises, policy v{}",
                scored.len(),
                policy.version
            ),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    // A quarter's assessments are a fresh share of the table that the
    // planner knows nothing of until autovacuum gets round to it; publishing
    // right after a run then joined them row by row (30 s instead of 0.7 s
    // at 20,000 enterprises, bench/load.sh). Sampling costs a fraction of
    // a second.
    sqlx::query!("analyze assessment").execute(db).await?;
    Ok(RunSummary {
        evaluation_id,
        assessed: scored.len(),
        policy_version: policy.version,
    })
}

/// One statement for all assessments.
async fn insert_assessments(
    conn: &mut PgConnection,
    station_id: i64,
    evaluation_id: i64,
    scored: &[(i64, Inputs, Assessment)],
) -> sqlx::Result<()> {
    let n = scored.len();
    let mut ids = Vec::with_capacity(n);
    let (mut safety, mut hazards, mut cases, mut total) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    let (mut computed, mut vetoed, mut stale, mut previous, mut movements) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    // JSON travels as text: binding large jsonb[] arrays is far slower.
    let (mut reasons, mut inputs): (Vec<String>, Vec<String>) =
        (Vec::with_capacity(n), Vec::with_capacity(n));
    for (id, input, a) in scored {
        ids.push(*id);
        safety.push(a.safety);
        hazards.push(a.hazards);
        cases.push(a.cases);
        total.push(a.total);
        let level = level_code(a.computed);
        let prev = input.previous_level.map(Level::code);
        computed.push(level.map(str::to_owned));
        vetoed.push(a.vetoed);
        stale.push(a.stale_inspection);
        previous.push(prev.map(str::to_owned));
        movements.push(movement(prev, level).to_owned());
        reasons.push(serde_json::to_string(&a.reasons).unwrap_or_else(|_| "null".to_owned()));
        inputs.push(serde_json::to_string(input).unwrap_or_else(|_| "null".to_owned()));
    }
    sqlx::query!(
        r#"insert into assessment (station_id, evaluation_id, enterprise_id, safety, hazards, cases,
                                  total, computed_level, vetoed, stale, previous_level, final_level,
                                  movement, reasons, inputs)
           select $1, $2, u.id, u.safety, u.hazards, u.cases, u.total, u.computed::tier_level,
                  u.vetoed, u.stale, u.previous::tier_level, u.computed::tier_level, u.movement,
                  u.reasons::jsonb, u.inputs::jsonb
           from unnest($3::bigint[], $4::int[], $5::int[], $6::int[], $7::int[], $8::text[],
                       $9::bool[], $10::bool[], $11::text[], $12::text[], $13::text[], $14::text[])
                as u(id, safety, hazards, cases, total, computed, vetoed, stale, previous,
                     movement, reasons, inputs)"#,
        station_id,
        evaluation_id,
        &ids,
        &safety,
        &hazards,
        &cases,
        &total,
        &computed as _,
        &vetoed,
        &stale,
        &previous as _,
        &movements,
        &reasons,
        &inputs
    )
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(Debug, Clone)]
pub struct Published {
    pub evaluation_id: i64,
    pub current_levels_set: u64,
    pub reinspections: u64,
    pub pushes: Vec<crate::pushes::Written>,
}

/// Lock the draft, set each enterprise's current level (when this is the
/// station's latest published quarter), and schedule re-inspections for
/// every enterprise that ends red or moved down.
pub async fn publish(
    db: &PgPool,
    station_id: i64,
    quarter: Quarter,
    user_id: i64,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Result<Published, EvalError> {
    let mut tx = db.begin().await?;
    let evaluation = sqlx::query!(
        r#"select evaluation_id, status::text as "status!" from evaluation
           where station_id = $1 and quarter = $2 for update"#,
        station_id,
        quarter.to_string()
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(EvalError::NotRun)?;
    if evaluation.status == "published" {
        return Err(EvalError::Published);
    }
    let id = evaluation.evaluation_id;
    sqlx::query!(
        "update evaluation set status = 'published', published_at = $2, published_by = $3,
                version = version + 1
         where evaluation_id = $1",
        id,
        now,
        user_id
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "insert into evaluation_revision (station_id, evaluation_id, revision, reason, at, by_user)
         values ($1, $2, 0, '', $3, $4)",
        station_id,
        id,
        now,
        user_id
    )
    .execute(&mut *tx)
    .await?;
    let current_levels_set = set_current_levels(&mut tx, station_id, id, quarter).await?;
    let reinspections = sqlx::query!(
        r#"insert into reinspection (station_id, enterprise_id, evaluation_id, assigned_to, due_on, failed_items)
           select a.station_id, a.enterprise_id, a.evaluation_id, e.liaison_officer_id, $2::date + 30,
                  coalesce((select array_agg(ci.text order by ci.position)
                            from visit_check vc join checklist_item ci using (checklist_item_id)
                            where vc.answer = 'fail' and vc.visit_id = (
                                select v.visit_id from visit v
                                where v.station_id = a.station_id and v.enterprise_id = a.enterprise_id
                                  and v.kind = 'inspection'
                                  and v.deleted_at is null
                                order by v.visited_on desc, v.visit_id desc limit 1)), '{}')
           from assessment a join enterprise e on e.enterprise_id = a.enterprise_id
           where a.evaluation_id = $1 and (a.final_level = 'red' or a.movement = 'down')
           on conflict (evaluation_id, enterprise_id) do nothing"#,
        id,
        today
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    // The pushes to subscribed departments, in this same transaction.
    let pushes = crate::pushes::write_pushes(&mut tx, id, 0, "", user_id, now).await?;
    crate::audit::record(
        &mut tx,
        crate::audit::Event {
            actor_user_id: Some(user_id),
            actor_label: "chief",
            station_id: Some(station_id),
            action: "evaluation.publish",
            entity: "evaluation",
            entity_id: Some(id),
            summary: &format!(
                "{quarter}: {reinspections} re-inspections scheduled, {} pushes",
                pushes.len()
            ),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    // The same for the pushes just written: the departments' dashboards
    // compare them with the last ones at once (30 s instead of milliseconds
    // with no statistics on them, bench/load.sh).
    sqlx::query!("analyze push, push_item").execute(db).await?;
    Ok(Published {
        evaluation_id: id,
        current_levels_set,
        reinspections,
        pushes,
    })
}

/// Copy the final levels to the enterprises, unless a later quarter of the
/// station is already published. Only enterprises whose level changes are
/// written (most keep theirs from one quarter to the next). Returns how many.
pub async fn set_current_levels(
    conn: &mut PgConnection,
    station_id: i64,
    evaluation_id: i64,
    quarter: Quarter,
) -> sqlx::Result<u64> {
    let later = sqlx::query_scalar!(
        r#"select exists(select 1 from evaluation where station_id = $1 and status = 'published'
                         and quarter > $2) as "later!""#,
        station_id,
        quarter.to_string()
    )
    .fetch_one(&mut *conn)
    .await?;
    if later {
        return Ok(0);
    }
    let done = sqlx::query!(
        "update enterprise e set current_level = a.final_level
         from assessment a
         where a.evaluation_id = $1 and a.enterprise_id = e.enterprise_id and e.station_id = $2
           and e.current_level is distinct from a.final_level",
        evaluation_id,
        station_id
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// One assessment whose stored result differs from re-scoring its stored
/// inputs with its policy version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub enterprise_id: i64,
    pub what: String,
}

/// Re-score every assessment of the station's `quarter` from the inputs and
/// policy version stored with it; there must be no difference.
pub async fn rescore(
    db: &PgPool,
    station_id: i64,
    quarter: Quarter,
) -> Result<Vec<Difference>, EvalError> {
    let mut conn = db.acquire().await?;
    let evaluation = sqlx::query!(
        "select e.evaluation_id, p.version, p.params, p.mass_dispute_threshold, p.demand_response_days
         from evaluation e join scoring_policy p using (scoring_policy_id)
         where e.station_id = $1 and e.quarter = $2",
        station_id,
        quarter.to_string()
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(EvalError::NotRun)?;
    let policy = match evaluation.params {
        Some(params) => {
            serde_json::from_value(params).map_err(|e| EvalError::BadPolicy(e.to_string()))?
        }
        None => {
            let mut p = Policy::default_v1();
            p.version = evaluation.version;
            p.mass_dispute_threshold = evaluation.mass_dispute_threshold;
            p.demand_response_days = evaluation.demand_response_days;
            p
        }
    };
    let rows = sqlx::query!(
        r#"select enterprise_id, safety, hazards, cases, total, computed_level::text as computed,
                  vetoed, reasons, inputs
           from assessment where evaluation_id = $1 order by enterprise_id"#,
        evaluation.evaluation_id
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut differences = Vec::new();
    for row in rows {
        let inputs: Inputs = match serde_json::from_value(row.inputs) {
            Ok(inputs) => inputs,
            Err(e) => {
                differences.push(Difference {
                    enterprise_id: row.enterprise_id,
                    what: format!("stored inputs unreadable: {e}"),
                });
                continue;
            }
        };
        let a = scoring::assess(&inputs, &policy);
        let mut what = Vec::new();
        for (name, stored, now) in [
            ("safety", row.safety, a.safety),
            ("hazards", row.hazards, a.hazards),
            ("cases", row.cases, a.cases),
            ("total", row.total, a.total),
        ] {
            if stored != now {
                what.push(format!("{name} {stored} ≠ {now}"));
            }
        }
        if row.computed.as_deref() != level_code(a.computed) {
            what.push(format!(
                "level {:?} ≠ {:?}",
                row.computed,
                level_code(a.computed)
            ));
        }
        if row.vetoed != a.vetoed {
            what.push("veto differs".to_owned());
        }
        if serde_json::to_value(&a.reasons).ok().as_ref() != Some(&row.reasons) {
            what.push("reasons differ".to_owned());
        }
        if !what.is_empty() {
            differences.push(Difference {
                enterprise_id: row.enterprise_id,
                what: what.join("; "),
            });
        }
    }
    Ok(differences)
}

/// [`run`] for a caller outside a request (the demo and the seed), as the
/// chief `chief_id` of `station_id`: how many enterprises were assessed.
pub async fn run_as_chief(
    db: &PgPool,
    station_id: i64,
    chief_id: i64,
    quarter: &str,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> anyhow::Result<u64> {
    let quarter = Quarter::parse(quarter).ok_or_else(|| anyhow::anyhow!("no quarter {quarter}"))?;
    let run = run(db, station_id, quarter, Some(chief_id), now, today).await?;
    Ok(run.assessed as u64)
}

/// [`publish`] for a caller outside a request: how many re-inspections were
/// scheduled and pushes written.
pub async fn publish_as_chief(
    db: &PgPool,
    station_id: i64,
    chief_id: i64,
    quarter: &str,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> anyhow::Result<(u64, u64)> {
    let quarter = Quarter::parse(quarter).ok_or_else(|| anyhow::anyhow!("no quarter {quarter}"))?;
    let published = publish(db, station_id, quarter, chief_id, now, today).await?;
    Ok((published.reinspections, published.pushes.len() as u64))
}
