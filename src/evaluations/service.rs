//! Running, publishing and re-scoring an evaluation. Each is one
//! transaction; the web handlers, the command line and the demo call these.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgConnection, PgPool};

use super::gather::gather;
use super::model::{movement, rated};
use super::queries::runs::{self, AssessmentColumns, PolicyRow};
use crate::audit::{self, Event};
use crate::auth::StationScope;
use crate::ids::{EvaluationId, StationId, UserId};
use crate::scoring::{self, Assessment, Inputs, Level, Policy, Quarter};

pub use super::model::EvalError;

/// A stored policy row as a `Policy`. Version 1 predates stored parameters:
/// it is DESIGN.md's defaults with the row's field-work parameters.
pub fn policy_from_row(row: PolicyRow) -> Result<Policy, EvalError> {
    match row.params {
        Some(params) => serde_json::from_value(params).map_err(EvalError::BadPolicy),
        None => {
            let mut p = Policy::default_v1();
            p.version = row.version;
            p.mass_dispute_threshold = row.mass_dispute_threshold;
            p.demand_response_days = row.demand_response_days;
            Ok(p)
        }
    }
}

/// The policy version in force for `quarter` (its id and the policy): the
/// newest version whose first quarter is not after it.
pub async fn policy_for(
    conn: &mut PgConnection,
    quarter: Quarter,
) -> Result<(i64, Policy), EvalError> {
    let row = runs::policy_in_force(conn, quarter)
        .await?
        .ok_or(EvalError::NoPolicy)?;
    let id = row.scoring_policy_id;
    Ok((id, policy_from_row(row)?))
}

/// The policy an evaluation of the station was scored with.
pub async fn policy_of_evaluation(
    conn: &mut PgConnection,
    station: StationScope,
    evaluation: EvaluationId,
) -> Result<Policy, EvalError> {
    let row = runs::policy_of_evaluation(conn, station, evaluation)
        .await?
        .ok_or(EvalError::NotRun)?;
    policy_from_row(row)
}

#[derive(Debug, Clone)]
pub struct RunSummary {
    pub evaluation_id: i64,
    pub assessed: usize,
    pub policy_version: i32,
}

/// The audit event of a run or a publication: by the chief, or (no user)
/// by the command line.
fn event<'a>(
    station: StationScope,
    by: Option<UserId>,
    action: &'a str,
    evaluation: EvaluationId,
    summary: &'a str,
) -> Event<'a> {
    Event {
        actor_user_id: by.map(UserId::get),
        actor_label: if by.is_some() {
            "chief"
        } else {
            "command line"
        },
        station_id: Some(station.id()),
        action,
        entity: "evaluation",
        entity_id: Some(evaluation.get()),
        summary,
        ..Default::default()
    }
}

/// The assessments' columns for one insert.
fn columns(scored: &[(i64, Inputs, Assessment)]) -> AssessmentColumns {
    let mut c = AssessmentColumns::default();
    for (id, input, a) in scored {
        let level = rated(a.computed);
        c.enterprise_ids.push(*id);
        c.safety.push(a.safety);
        c.hazards.push(a.hazards);
        c.cases.push(a.cases);
        c.total.push(a.total);
        c.computed.push(level);
        c.vetoed.push(a.vetoed);
        c.stale.push(a.stale_inspection);
        c.previous.push(input.previous_level);
        c.movements
            .push(movement(input.previous_level, level).to_owned());
        c.reasons
            .push(serde_json::to_string(&a.reasons).unwrap_or_else(|_| "null".to_owned()));
        c.inputs
            .push(serde_json::to_string(input).unwrap_or_else(|_| "null".to_owned()));
    }
    c
}

/// Score every active enterprise of the station for `quarter` and store the
/// draft, replacing an earlier draft. A published evaluation is locked. Two
/// runs of one quarter at once make one evaluation: the second waits for
/// the first and then replaces its draft.
pub async fn run(
    db: &PgPool,
    station: StationScope,
    quarter: Quarter,
    by: Option<UserId>,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Result<RunSummary, EvalError> {
    if quarter.start() > today {
        return Err(EvalError::FutureQuarter);
    }
    let mut tx = db.begin().await?;
    let (policy_id, policy) = policy_for(&mut tx, quarter).await?;
    let claimed = runs::claim(&mut tx, station, quarter, policy_id, now, by).await?;
    if claimed.published {
        return Err(EvalError::Published);
    }
    let evaluation = claimed.evaluation;
    if !claimed.fresh {
        runs::restart(&mut tx, station, evaluation, policy_id, now, by).await?;
    }
    let scored: Vec<(i64, Inputs, Assessment)> = gather(&mut tx, station, quarter)
        .await?
        .into_iter()
        .map(|(id, inputs)| {
            let assessment = scoring::assess(&inputs, &policy);
            (id, inputs, assessment)
        })
        .collect();
    runs::insert_assessments(&mut tx, station, evaluation, &columns(&scored)).await?;
    let summary = format!(
        "{quarter}: {} enterprises, policy v{}",
        scored.len(),
        policy.version
    );
    let audited = event(station, by, "evaluation.run", evaluation, &summary);
    audit::record(&mut tx, audited).await?;
    tx.commit().await?;
    runs::analyze_assessments(db).await?;
    Ok(RunSummary {
        evaluation_id: evaluation.get(),
        assessed: scored.len(),
        policy_version: policy.version,
    })
}

#[derive(Debug, Clone)]
pub struct Published {
    pub evaluation_id: i64,
    pub current_levels_set: u64,
    pub reinspections: u64,
    pub pushes: Vec<crate::pushes::Written>,
}

/// Lock the draft, set each enterprise's current level (when this is the
/// station's latest published quarter), schedule re-inspections for every
/// enterprise that ends red or moved down, and write the pushes to the
/// subscribed departments.
pub async fn publish(
    db: &PgPool,
    station: StationScope,
    quarter: Quarter,
    by: UserId,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Result<Published, EvalError> {
    let mut tx = db.begin().await?;
    let (id, published) = runs::lock(&mut tx, station, quarter)
        .await?
        .ok_or(EvalError::NotRun)?;
    if published {
        return Err(EvalError::Published);
    }
    runs::mark_published(&mut tx, station, id, now, by).await?;
    runs::insert_revision(&mut tx, station, id, 0, "", now, by).await?;
    let current_levels_set = set_current_levels(&mut tx, station, id, quarter).await?;
    let reinspections = runs::schedule_reinspections(&mut tx, station, id, today).await?;
    let pushes = crate::pushes::write_pushes(&mut tx, id.get(), 0, "", by.get(), now).await?;
    let summary = format!(
        "{quarter}: {reinspections} re-inspections scheduled, {} pushes",
        pushes.len()
    );
    let audited = event(station, Some(by), "evaluation.publish", id, &summary);
    audit::record(&mut tx, audited).await?;
    tx.commit().await?;
    runs::analyze_pushes(db).await?;
    Ok(Published {
        evaluation_id: id.get(),
        current_levels_set,
        reinspections,
        pushes,
    })
}

/// Copy the final levels to the enterprises, unless a later quarter of the
/// station is already published. Returns how many changed.
pub async fn set_current_levels(
    conn: &mut PgConnection,
    station: StationScope,
    evaluation: EvaluationId,
    quarter: Quarter,
) -> sqlx::Result<u64> {
    if runs::later_published(conn, station, quarter).await? {
        return Ok(0);
    }
    runs::copy_final_levels(conn, station, evaluation).await
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
    station: StationScope,
    quarter: Quarter,
) -> Result<Vec<Difference>, EvalError> {
    let mut conn = db.acquire().await?;
    let (evaluation, policy) = runs::evaluation_policy(&mut conn, station, quarter)
        .await?
        .ok_or(EvalError::NotRun)?;
    let policy = policy_from_row(policy)?;
    let rows = runs::stored_assessments(&mut conn, station, evaluation).await?;
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
        let level = rated(a.computed);
        if row.computed != level {
            let code = |l: Option<Level>| l.map(Level::code);
            what.push(format!(
                "level {:?} ≠ {:?}",
                code(row.computed),
                code(level)
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

/// The scope of the station a caller outside a request (the command line,
/// the demo, the seed) names.
fn operator_scope(station_id: i64) -> StationScope {
    #[allow(clippy::disallowed_methods)]
    StationScope::for_operator(StationId(station_id))
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
    let station = operator_scope(station_id);
    let run = run(db, station, quarter, Some(UserId(chief_id)), now, today).await?;
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
    let station = operator_scope(station_id);
    let published = publish(db, station, quarter, UserId(chief_id), now, today).await?;
    Ok((published.reinspections, published.pushes.len() as u64))
}
