//! The SQL of the tier board and assessments. Every query takes the station.

use chrono::{DateTime, Utc};
use sqlx::PgPool;

use crate::level::Level;

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

pub async fn list(db: &PgPool, station_id: i64) -> sqlx::Result<Vec<EvaluationRow>> {
    sqlx::query_as!(
        EvaluationRow,
        r#"select ev.evaluation_id, ev.quarter, ev.status = 'published' as "published!", ev.revision,
                  p.version as policy_version, ev.run_at, ev.published_at,
                  (select count(*) from assessment a where a.evaluation_id = ev.evaluation_id) as "assessed!"
           from evaluation ev join scoring_policy p using (scoring_policy_id)
           where ev.station_id = $1
           order by ev.quarter desc"#,
        station_id
    )
    .fetch_all(db)
    .await
}

pub async fn get(
    db: &PgPool,
    station_id: i64,
    quarter: &str,
) -> sqlx::Result<Option<EvaluationRow>> {
    sqlx::query_as!(
        EvaluationRow,
        r#"select ev.evaluation_id, ev.quarter, ev.status = 'published' as "published!", ev.revision,
                  p.version as policy_version, ev.run_at, ev.published_at,
                  (select count(*) from assessment a where a.evaluation_id = ev.evaluation_id) as "assessed!"
           from evaluation ev join scoring_policy p using (scoring_policy_id)
           where ev.station_id = $1 and ev.quarter = $2"#,
        station_id,
        quarter
    )
    .fetch_optional(db)
    .await
}

/// (level code or "unrated", count) per final level.
pub async fn level_counts(db: &PgPool, evaluation_id: i64) -> sqlx::Result<Vec<(String, i64)>> {
    let rows = sqlx::query!(
        r#"select coalesce(final_level::text, 'unrated') as "level!", count(*) as "n!"
           from assessment where evaluation_id = $1 group by 1"#,
        evaluation_id
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.level, r.n)).collect())
}

pub async fn movement_counts(db: &PgPool, evaluation_id: i64) -> sqlx::Result<Vec<(String, i64)>> {
    let rows = sqlx::query!(
        r#"select movement, count(*) as "n!" from assessment where evaluation_id = $1 group by 1"#,
        evaluation_id
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.movement, r.n)).collect())
}

/// (previous level, final level, count); levels as codes or "unrated".
pub async fn matrix(db: &PgPool, evaluation_id: i64) -> sqlx::Result<Vec<(String, String, i64)>> {
    let rows = sqlx::query!(
        r#"select coalesce(previous_level::text, 'unrated') as "from!",
                  coalesce(final_level::text, 'unrated') as "to!", count(*) as "n!"
           from assessment where evaluation_id = $1 group by 1, 2"#,
        evaluation_id
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.from, r.to, r.n)).collect())
}

#[derive(Debug, Clone, Default)]
pub struct BoardFilter {
    pub pattern: String,
    pub level: String,
    pub industry: String,
    pub liaison: Option<i64>,
    pub changed: bool,
    pub vetoed: bool,
    pub overridden: bool,
    pub sort: String,
}

#[derive(Debug, Clone)]
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

pub async fn board_count(db: &PgPool, evaluation_id: i64, f: &BoardFilter) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"select count(*) as "n!"
           from assessment a join enterprise e on e.enterprise_id = a.enterprise_id
           where a.evaluation_id = $1
             and ($2 = '' or e.name ilike $2 or e.credit_code ilike $2)
             and ($3 = '' or ($3 = 'unrated' and a.final_level is null) or a.final_level::text = $3)
             and ($4 = '' or e.industry_code = $4)
             and ($5::bigint is null or e.liaison_officer_id = $5)
             and (not $6 or a.movement in ('up', 'down'))
             and (not $7 or a.vetoed)
             and (not $8 or a.override_level is not null)"#,
        evaluation_id,
        f.pattern,
        f.level,
        f.industry,
        f.liaison,
        f.changed,
        f.vetoed,
        f.overridden
    )
    .fetch_one(db)
    .await
}

pub async fn board(
    db: &PgPool,
    evaluation_id: i64,
    f: &BoardFilter,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<BoardRow>> {
    sqlx::query_as!(
        BoardRow,
        r#"select a.enterprise_id, e.name, e.credit_code, i.name as industry, i.name_en as industry_en,
                  u.display_name as "liaison_name?", a.safety, a.hazards, a.cases, a.total,
                  a.computed_level as "computed_level: Level", a.final_level as "final_level: Level",
                  a.previous_level as "previous_level: Level", a.movement, a.vetoed,
                  a.override_level is not null as "overridden!", a.under_review
           from assessment a
           join enterprise e on e.enterprise_id = a.enterprise_id
           join industry i on i.code = e.industry_code
           left join app_user u on u.user_id = e.liaison_officer_id
           where a.evaluation_id = $1
             and ($2 = '' or e.name ilike $2 or e.credit_code ilike $2)
             and ($3 = '' or ($3 = 'unrated' and a.final_level is null) or a.final_level::text = $3)
             and ($4 = '' or e.industry_code = $4)
             and ($5::bigint is null or e.liaison_officer_id = $5)
             and (not $6 or a.movement in ('up', 'down'))
             and (not $7 or a.vetoed)
             and (not $8 or a.override_level is not null)
           order by
             case when $9 = 'level' then case a.final_level when 'red' then 0 when 'yellow' then 1
                  when 'green' then 2 else 3 end end,
             case when $9 = 'total_desc' then a.total end desc,
             case when $9 = 'name' then e.name end,
             a.total, e.name, a.enterprise_id
           limit $10 offset $11"#,
        evaluation_id,
        f.pattern,
        f.level,
        f.industry,
        f.liaison,
        f.changed,
        f.vetoed,
        f.overridden,
        f.sort,
        limit,
        offset
    )
    .fetch_all(db)
    .await
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
    station_id: i64,
    evaluation_id: i64,
    enterprise_id: i64,
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
        station_id,
        evaluation_id,
        enterprise_id
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
    station_id: i64,
    enterprise_id: i64,
) -> sqlx::Result<Vec<HistoryRow>> {
    sqlx::query_as!(
        HistoryRow,
        r#"select ev.quarter, a.total, a.computed_level as "computed_level: Level",
                  a.final_level as "final_level: Level", a.override_level is not null as "overridden!",
                  a.vetoed
           from assessment a join evaluation ev on ev.evaluation_id = a.evaluation_id
           where a.station_id = $1 and a.enterprise_id = $2 and ev.status = 'published'
           order by ev.quarter desc"#,
        station_id,
        enterprise_id
    )
    .fetch_all(db)
    .await
}
