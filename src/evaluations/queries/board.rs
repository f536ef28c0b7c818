//! The SQL of the evaluations list, the tier board, one assessment and an
//! enterprise's history. Every query takes the station.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgPool, Postgres, QueryBuilder};

use crate::auth::StationScope;
use crate::ids::{EnterpriseId, EvaluationId, UserId};
use crate::level::Level;
use crate::scoring::Quarter;

#[derive(Debug, Clone)]
pub struct EvaluationRow {
    pub evaluation_id: i64,
    pub quarter: String,
    pub published: bool,
    pub revision: i32,
    pub policy_version: i32,
    pub run_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
    pub assessed: i64,
}

impl EvaluationRow {
    pub fn id(&self) -> EvaluationId {
        EvaluationId(self.evaluation_id)
    }
}

pub async fn list(db: &PgPool, station: StationScope) -> sqlx::Result<Vec<EvaluationRow>> {
    sqlx::query_as!(
        EvaluationRow,
        r#"select ev.evaluation_id, ev.quarter, ev.status = 'published' as "published!", ev.revision,
                  p.version as policy_version, ev.run_at, ev.published_at,
                  (select coalesce(sum(t.n), 0)::bigint from evaluation_tally t
                   where t.evaluation_id = ev.evaluation_id) as "assessed!"
           from evaluation ev join scoring_policy p using (scoring_policy_id)
           where ev.station_id = $1
           order by ev.quarter desc"#,
        station.id()
    )
    .fetch_all(db)
    .await
}

pub async fn get(
    db: &PgPool,
    station: StationScope,
    quarter: Quarter,
) -> sqlx::Result<Option<EvaluationRow>> {
    sqlx::query_as!(
        EvaluationRow,
        r#"select ev.evaluation_id, ev.quarter, ev.status = 'published' as "published!", ev.revision,
                  p.version as policy_version, ev.run_at, ev.published_at,
                  (select coalesce(sum(t.n), 0)::bigint from evaluation_tally t
                   where t.evaluation_id = ev.evaluation_id) as "assessed!"
           from evaluation ev join scoring_policy p using (scoring_policy_id)
           where ev.station_id = $1 and ev.quarter = $2"#,
        station.id(),
        quarter.to_string()
    )
    .fetch_optional(db)
    .await
}

/// One group of an evaluation's assessments, kept by the database
/// (`evaluation_tally`, migration 0011) as assessments change; levels are
/// codes or "unrated".
#[derive(Debug, Clone)]
pub struct TallyRow {
    pub previous_level: String,
    pub final_level: String,
    pub movement: String,
    pub vetoed: bool,
    pub overridden: bool,
    pub n: i64,
}

/// The evaluation's counts: per level, per movement, the level matrix.
#[derive(Debug, Clone, Default)]
pub struct Tally(pub Vec<TallyRow>);

impl Tally {
    fn sum(&self, keep: impl Fn(&TallyRow) -> bool) -> i64 {
        self.0.iter().filter(|r| keep(r)).map(|r| r.n).sum()
    }

    pub fn level(&self, code: &str) -> i64 {
        self.sum(|r| r.final_level == code)
    }

    pub fn movement(&self, code: &str) -> i64 {
        self.sum(|r| r.movement == code)
    }

    pub fn cell(&self, from: &str, to: &str) -> i64 {
        self.sum(|r| r.previous_level == from && r.final_level == to)
    }

    /// How many rows the board shows for `f`, when the tally can tell
    /// (no search, industry or liaison filter).
    pub fn count(&self, f: &BoardFilter) -> Option<i64> {
        if !f.text.is_empty() || !f.industry.is_empty() || f.liaison.is_some() {
            return None;
        }
        Some(self.sum(|r| {
            (f.level.is_empty() || r.final_level == f.level)
                && (!f.changed || r.movement == "up" || r.movement == "down")
                && (!f.vetoed || r.vetoed)
                && (!f.overridden || r.overridden)
        }))
    }
}

pub async fn tally(
    db: &PgPool,
    station: StationScope,
    evaluation: EvaluationId,
) -> sqlx::Result<Tally> {
    let rows = sqlx::query_as!(
        TallyRow,
        "select t.previous_level, t.final_level, t.movement, t.vetoed, t.overridden, t.n
         from evaluation_tally t join evaluation ev on ev.evaluation_id = t.evaluation_id
         where t.evaluation_id = $1 and ev.station_id = $2 and t.n > 0",
        evaluation.get(),
        station.id()
    )
    .fetch_all(db)
    .await?;
    Ok(Tally(rows))
}

#[derive(Debug, Clone, Default)]
pub struct BoardFilter {
    /// The search text (trimmed, at most 100 characters), or empty.
    pub text: String,
    /// `text` as an ILIKE pattern.
    pub pattern: String,
    /// A level code, "unrated", or empty.
    pub level: String,
    pub industry: String,
    pub liaison: Option<i64>,
    pub changed: bool,
    pub vetoed: bool,
    pub overridden: bool,
    /// "total", "total_desc", "level" or "name".
    pub sort: String,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BoardRow {
    pub enterprise_id: i64,
    pub name: String,
    pub credit_code: String,
    pub industry: String,
    pub industry_en: String,
    pub liaison_name: Option<String>,
    pub safety: i32,
    pub hazards: i32,
    pub cases: i32,
    pub total: i32,
    pub computed_level: Option<Level>,
    pub final_level: Option<Level>,
    pub previous_level: Option<Level>,
    pub movement: String,
    pub vetoed: bool,
    pub overridden: bool,
    pub under_review: bool,
}

/// The board's conditions, only those the filter uses, so that each
/// combination gets a plan of its own (a generic plan covering every
/// filter scans the whole evaluation). Levels are validated codes and go in
/// as literals; everything the user typed is bound.
fn push_board_where(
    qb: &mut QueryBuilder<Postgres>,
    station: StationScope,
    evaluation: EvaluationId,
    f: &BoardFilter,
) {
    qb.push("\n           where a.evaluation_id = ");
    qb.push_bind(evaluation.get());
    qb.push(" and a.station_id = ");
    qb.push_bind(station.id());
    crate::db::list::push_search(qb, &f.text, &f.pattern, &["e.name", "e.credit_code"]);
    match f.level.as_str() {
        "unrated" => {
            qb.push("\n             and a.final_level is null");
        }
        "red" => {
            qb.push("\n             and a.final_level = 'red'");
        }
        "yellow" => {
            qb.push("\n             and a.final_level = 'yellow'");
        }
        "green" => {
            qb.push("\n             and a.final_level = 'green'");
        }
        _ => {}
    }
    if !f.industry.is_empty() {
        qb.push("\n             and e.industry_code = ");
        qb.push_bind(f.industry.clone());
    }
    if let Some(liaison) = f.liaison {
        qb.push("\n             and e.liaison_officer_id = ");
        qb.push_bind(liaison);
    }
    if f.changed {
        qb.push("\n             and a.movement in ('up', 'down')");
    }
    if f.vetoed {
        qb.push("\n             and a.vetoed");
    }
    if f.overridden {
        qb.push("\n             and a.override_level is not null");
    }
}

pub async fn board_count(
    db: &PgPool,
    station: StationScope,
    evaluation: EvaluationId,
    f: &BoardFilter,
) -> sqlx::Result<i64> {
    let mut qb = QueryBuilder::new(
        "select count(*)
           from assessment a join enterprise e on e.enterprise_id = a.enterprise_id",
    );
    push_board_where(&mut qb, station, evaluation, f);
    qb.build_query_scalar().fetch_one(db).await
}

pub async fn board(
    db: &PgPool,
    station: StationScope,
    evaluation: EvaluationId,
    f: &BoardFilter,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<BoardRow>> {
    let mut qb = QueryBuilder::new(
        "select a.enterprise_id, e.name, e.credit_code, i.name as industry, i.name_en as industry_en,
                  u.display_name as liaison_name, a.safety, a.hazards, a.cases, a.total,
                  a.computed_level, a.final_level, a.previous_level, a.movement, a.vetoed,
                  a.override_level is not null as overridden, a.under_review
           from assessment a
           join enterprise e on e.enterprise_id = a.enterprise_id
           join industry i on i.code = e.industry_code
           left join app_user u on u.user_id = e.liaison_officer_id",
    );
    push_board_where(&mut qb, station, evaluation, f);
    // Served by assessment_total_idx and assessment_level_idx; the name
    // breaks ties in an incremental sort.
    qb.push(match f.sort.as_str() {
        "total_desc" => "\n           order by a.total desc, e.name, a.enterprise_id",
        "level" => {
            "\n           order by a.final_level desc nulls last, a.total, e.name, a.enterprise_id"
        }
        "name" => "\n           order by e.name, a.enterprise_id",
        _ => "\n           order by a.total, e.name, a.enterprise_id",
    });
    crate::db::list::push_page(&mut qb, limit, offset);
    qb.build_query_as().fetch_all(db).await
}

#[derive(Debug, Clone)]
pub struct AssessmentRow {
    pub assessment_id: i64,
    pub enterprise_id: i64,
    pub name: String,
    pub credit_code: String,
    pub safety: i32,
    pub hazards: i32,
    pub cases: i32,
    pub total: i32,
    pub computed_level: Option<Level>,
    pub final_level: Option<Level>,
    pub previous_level: Option<Level>,
    pub override_level: Option<Level>,
    pub override_reason: Option<String>,
    pub override_by_name: Option<String>,
    pub movement: String,
    pub vetoed: bool,
    pub stale: bool,
    pub under_review: bool,
    pub reasons: serde_json::Value,
    pub version: i32,
}

pub async fn assessment(
    db: &PgPool,
    station: StationScope,
    evaluation: EvaluationId,
    enterprise: EnterpriseId,
) -> sqlx::Result<Option<AssessmentRow>> {
    sqlx::query_as!(
        AssessmentRow,
        r#"select a.assessment_id, a.enterprise_id, e.name, e.credit_code, a.safety, a.hazards,
                  a.cases, a.total, a.computed_level as "computed_level: Level",
                  a.final_level as "final_level: Level", a.previous_level as "previous_level: Level",
                  a.override_level as "override_level: Level", a.override_reason,
                  u.display_name as "override_by_name?", a.movement, a.vetoed, a.stale,
                  a.under_review, a.reasons, a.version
           from assessment a
           join enterprise e on e.enterprise_id = a.enterprise_id
           left join app_user u on u.user_id = a.override_by
           where a.station_id = $1 and a.evaluation_id = $2 and a.enterprise_id = $3"#,
        station.id(),
        evaluation.get(),
        enterprise.get()
    )
    .fetch_optional(db)
    .await
}

#[derive(Debug, Clone)]
pub struct HistoryRow {
    pub quarter: String,
    pub total: i32,
    pub computed_level: Option<Level>,
    pub final_level: Option<Level>,
    pub overridden: bool,
    pub vetoed: bool,
}

/// The enterprise's published levels, newest quarter first.
pub async fn history(
    db: &PgPool,
    station: StationScope,
    enterprise: EnterpriseId,
) -> sqlx::Result<Vec<HistoryRow>> {
    sqlx::query_as!(
        HistoryRow,
        r#"select ev.quarter, a.total, a.computed_level as "computed_level: Level",
                  a.final_level as "final_level: Level", a.override_level is not null as "overridden!",
                  a.vetoed
           from assessment a join evaluation ev on ev.evaluation_id = a.evaluation_id
           where a.station_id = $1 and a.enterprise_id = $2 and ev.status = 'published'
           order by ev.quarter desc"#,
        station.id(),
        enterprise.get()
    )
    .fetch_all(db)
    .await
}

/// A re-inspection not yet done.
#[derive(Debug, Clone)]
pub struct ReinspectionRow {
    pub enterprise_id: i64,
    pub name: String,
    pub due_on: NaiveDate,
    pub failed_items: Vec<String>,
}

/// Re-inspections not yet done that are assigned to `officer`.
pub async fn reinspections_due(
    db: &PgPool,
    station: StationScope,
    officer: UserId,
) -> sqlx::Result<Vec<ReinspectionRow>> {
    sqlx::query_as!(
        ReinspectionRow,
        "select r.enterprise_id, e.name, r.due_on, r.failed_items
         from reinspection r join enterprise e on e.enterprise_id = r.enterprise_id
         where r.station_id = $1 and r.assigned_to = $2 and r.done_visit_id is null
           and e.deleted_at is null
           and not exists (select 1 from visit v where v.station_id = r.station_id and v.enterprise_id = r.enterprise_id
                           and v.kind = 'inspection' and v.deleted_at is null
                           and v.created_at > r.created_at)
         order by r.due_on",
        station.id(),
        officer.get()
    )
    .fetch_all(db)
    .await
}

/// The enterprise's re-inspection not yet done.
pub async fn reinspections_of(
    db: &PgPool,
    station: StationScope,
    enterprise: EnterpriseId,
) -> sqlx::Result<Vec<ReinspectionRow>> {
    sqlx::query_as!(
        ReinspectionRow,
        "select r.enterprise_id, e.name, r.due_on, r.failed_items
         from reinspection r join enterprise e on e.enterprise_id = r.enterprise_id
         where r.station_id = $1 and r.enterprise_id = $2 and r.done_visit_id is null
           and not exists (select 1 from visit v where v.station_id = r.station_id and v.enterprise_id = r.enterprise_id
                           and v.kind = 'inspection' and v.deleted_at is null
                           and v.created_at > r.created_at)",
        station.id(),
        enterprise.get()
    )
    .fetch_all(db)
    .await
}
