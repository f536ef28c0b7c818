//! The SQL of the tier board and assessments. Every query takes the station.

use chrono::{DateTime, Utc};
use sqlx::{PgPool, Postgres, QueryBuilder};

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
                  (select coalesce(sum(t.n), 0)::bigint from evaluation_tally t
                   where t.evaluation_id = ev.evaluation_id) as "assessed!"
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
                  (select coalesce(sum(t.n), 0)::bigint from evaluation_tally t
                   where t.evaluation_id = ev.evaluation_id) as "assessed!"
           from evaluation ev join scoring_policy p using (scoring_policy_id)
           where ev.station_id = $1 and ev.quarter = $2"#,
        station_id,
        quarter
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

pub async fn tally(db: &PgPool, evaluation_id: i64) -> sqlx::Result<Tally> {
    let rows = sqlx::query_as!(
        TallyRow,
        "select previous_level, final_level, movement, vetoed, overridden, n
         from evaluation_tally where evaluation_id = $1 and n > 0",
        evaluation_id
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
fn push_board_where(qb: &mut QueryBuilder<Postgres>, evaluation_id: i64, f: &BoardFilter) {
    qb.push("\n           where a.evaluation_id = ");
    qb.push_bind(evaluation_id);
    push_search(qb, &f.text, &f.pattern, &["e.name", "e.credit_code"]);
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

/// LIMIT and OFFSET as literals (numbers the server computed): with
/// parameters there, PostgreSQL cannot cost a generic plan for a page and
/// plans every execution afresh; page 1 (no OFFSET) then runs one cached plan.
pub fn push_page(qb: &mut QueryBuilder<Postgres>, limit: i64, offset: i64) {
    qb.push(format_args!("\n           limit {limit}"));
    if offset > 0 {
        qb.push(format_args!(" offset {offset}"));
    }
}

/// Enterprises `e` whose `columns` hold the search text (nothing when it
/// is empty). An enterprise whose name, credit code or address holds the
/// text has all the text's character pairs: the GIN index of migration 0011
/// finds those, the ILIKE on the columns keeps the exact matches.
pub fn push_search(qb: &mut QueryBuilder<Postgres>, text: &str, pattern: &str, columns: &[&str]) {
    if text.is_empty() {
        return;
    }
    qb.push(
        "\n             and search_grams(e.name || ' ' || e.credit_code || ' ' || e.address)\n                 @> search_query_grams(",
    );
    qb.push_bind(text.to_owned());
    qb.push(")\n             and (");
    for (i, column) in columns.iter().enumerate() {
        if i > 0 {
            qb.push(" or ");
        }
        qb.push(column);
        qb.push(" ilike ");
        qb.push_bind(pattern.to_owned());
    }
    qb.push(")");
}

pub async fn board_count(db: &PgPool, evaluation_id: i64, f: &BoardFilter) -> sqlx::Result<i64> {
    let mut qb = QueryBuilder::new(
        "select count(*)
           from assessment a join enterprise e on e.enterprise_id = a.enterprise_id",
    );
    push_board_where(&mut qb, evaluation_id, f);
    qb.build_query_scalar().fetch_one(db).await
}

pub async fn board(
    db: &PgPool,
    evaluation_id: i64,
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
    push_board_where(&mut qb, evaluation_id, f);
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
    push_page(&mut qb, limit, offset);
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
