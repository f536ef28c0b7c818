//! The quarterly evaluation: running it, the tier board, assessments with
//! their reasons, overrides and publication.

mod gather;
pub mod objections;
pub mod queries;
pub mod service;
mod text;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::Utc;
use serde::Deserialize;

use crate::AppState;
use crate::audit::Event;
use crate::auth::{Chief, Role, StationUser};
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::level::{self, Level};
use crate::scoring::{Quarter, Reason};
use crate::web::form::FieldErrors;
use crate::web::paging::{Paging, query_string};
use crate::web::record::{Officer, station_officers, today};
use crate::web::{Flash, PageCtx, RequestCtx, parse_id, redirect_with_flash};

use queries::{AssessmentRow, BoardFilter, BoardRow, EvaluationRow, HistoryRow, Tally};
use service::EvalError;
pub use text::{EvalText, text};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/evaluations", get(list).post(run))
        .route("/evaluations/{quarter}", get(board))
        .route("/evaluations/{quarter}/export.csv", get(export))
        .route("/evaluations/{quarter}/publish", post(publish))
        .route("/evaluations/{quarter}/{enterprise_id}", get(assessment))
        .route(
            "/evaluations/{quarter}/{enterprise_id}/override",
            post(override_level),
        )
        .route(
            "/evaluations/{quarter}/{enterprise_id}/objections",
            post(objections::create),
        )
        .route(
            "/evaluations/{quarter}/{enterprise_id}/objections/{objection_id}/decide",
            post(objections::decide),
        )
}

fn parse_quarter(raw: &str) -> Result<Quarter, AppError> {
    Quarter::parse(raw).ok_or(AppError::NotFound)
}

fn error_text(err: &EvalError, t: &EvalText) -> Option<&'static str> {
    match err {
        EvalError::Published => Some(t.err_published),
        EvalError::NotRun => Some(t.err_not_run),
        EvalError::FutureQuarter => Some(t.err_future),
        EvalError::BadPolicy(_) | EvalError::Db(_) => None,
    }
}

fn into_app_error(err: EvalError) -> AppError {
    match err {
        EvalError::Db(e) => AppError::from(e),
        other => AppError::Internal(anyhow::anyhow!(other.to_string())),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "evaluations/list.html")]
struct ListPage {
    ctx: PageCtx,
    tx: &'static EvalText,
    evaluations: Vec<EvaluationRow>,
    is_chief: bool,
    quarter: String,
    errors: FieldErrors,
}

impl ListPage {
    fn assessed(&self, n: &i64) -> String {
        (self.tx.assessed)(usize::try_from(*n).unwrap_or(0))
    }
}

async fn list_page(
    state: &AppState,
    ctx: PageCtx,
    station_id: i64,
    is_chief: bool,
    quarter: String,
    errors: FieldErrors,
) -> AppResult<ListPage> {
    Ok(ListPage {
        tx: text(ctx.lang),
        ctx,
        evaluations: queries::list(&state.db, station_id).await?,
        is_chief,
        quarter,
        errors,
    })
}

async fn list(State(state): State<AppState>, ctx: PageCtx, me: StationUser) -> AppResult<ListPage> {
    // Suggest the last complete quarter.
    let suggested = Quarter::containing(today(&state.clock))
        .previous()
        .to_string();
    let is_chief = me.user.role == Role::Chief;
    list_page(
        &state,
        ctx,
        me.scope.id(),
        is_chief,
        suggested,
        FieldErrors::new(),
    )
    .await
}

#[derive(Debug, Deserialize)]
struct RunForm {
    #[serde(default)]
    quarter: String,
}

async fn run(
    State(state): State<AppState>,
    req: RequestCtx,
    me: Chief,
    Form(form): Form<RunForm>,
) -> AppResult<Response> {
    let t = text(req.lang);
    let now = state.clock.now();
    let (message, status) = match Quarter::parse(form.quarter.trim()) {
        None => (t.err_quarter, StatusCode::UNPROCESSABLE_ENTITY),
        Some(quarter) => {
            let result = service::run(
                &state.db,
                me.scope.id(),
                quarter,
                Some(me.user.user_id),
                now,
                today(&state.clock),
            )
            .await;
            match result {
                Ok(_) => {
                    return Ok(redirect_with_flash(
                        &format!("/evaluations/{quarter}"),
                        Flash::Saved,
                    ));
                }
                Err(err) => match error_text(&err, t) {
                    Some(message) => (message, StatusCode::CONFLICT),
                    None => return Err(into_app_error(err)),
                },
            }
        }
    };
    let mut errors = FieldErrors::new();
    errors.add("quarter", message);
    let page = list_page(
        &state,
        PageCtx::new(&req),
        me.scope.id(),
        true,
        form.quarter,
        errors,
    )
    .await?;
    Ok((status, page).into_response())
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct BoardQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    level: String,
    #[serde(default)]
    industry: String,
    #[serde(default)]
    liaison: String,
    #[serde(default)]
    changed: String,
    #[serde(default)]
    vetoed: String,
    #[serde(default)]
    overridden: String,
    #[serde(default)]
    sort: String,
    #[serde(default)]
    page: Option<String>,
}

impl BoardQuery {
    fn filter(&self) -> BoardFilter {
        BoardFilter {
            text: crate::web::paging::search_text(&self.q),
            pattern: crate::web::paging::like_pattern(&self.q),
            level: match self.level.as_str() {
                "green" | "yellow" | "red" | "unrated" => self.level.clone(),
                _ => String::new(),
            },
            industry: crate::web::paging::code_param(&self.industry),
            liaison: self.liaison.trim().parse().ok(),
            changed: self.changed == "1",
            vetoed: self.vetoed == "1",
            overridden: self.overridden == "1",
            sort: match self.sort.as_str() {
                "total_desc" | "level" | "name" => self.sort.clone(),
                _ => "total".to_owned(),
            },
        }
    }

    fn query_string(&self) -> String {
        query_string(&[
            ("q", self.q.trim()),
            ("level", &self.level),
            ("industry", &self.industry),
            ("liaison", &self.liaison),
            ("changed", &self.changed),
            ("vetoed", &self.vetoed),
            ("overridden", &self.overridden),
            ("sort", &self.sort),
        ])
    }
}

const LEVELS: [&str; 4] = ["red", "yellow", "green", "unrated"];

#[derive(Template, WebTemplate)]
#[template(path = "evaluations/board.html")]
struct BoardPage {
    ctx: PageCtx,
    tx: &'static EvalText,
    evaluation: EvaluationRow,
    rows: Vec<BoardRow>,
    tally: Tally,
    query: BoardQuery,
    paging: Paging,
    industries: Vec<crate::enterprises::queries::Industry>,
    officers: Vec<Officer>,
    is_chief: bool,
    notice: Option<&'static str>,
}

impl BoardPage {
    fn badge(&self, level: &Option<Level>) -> level::Badge {
        level::badge(*level, self.ctx.lang)
    }

    fn level_badge(&self, code: &str) -> level::Badge {
        level::badge(Level::parse(code), self.ctx.lang)
    }

    fn levels(&self) -> [&'static str; 4] {
        LEVELS
    }

    fn level_count(&self, code: &str) -> i64 {
        self.tally.level(code)
    }

    fn movement_count(&self, code: &str) -> i64 {
        self.tally.movement(code)
    }

    fn cell(&self, from: &str, to: &str) -> i64 {
        self.tally.cell(from, to)
    }

    fn movement_label(&self, m: &str) -> &'static str {
        match m {
            "up" => self.tx.up,
            "down" => self.tx.down,
            "new" => self.tx.new,
            _ => self.tx.same,
        }
    }

    fn movement_arrow(&self, m: &str) -> &'static str {
        match m {
            "up" => "↑",
            "down" => "↓",
            "new" => "＋",
            _ => "＝",
        }
    }

    fn industry_name<'a>(&self, i: &'a crate::enterprises::queries::Industry) -> &'a str {
        match self.ctx.lang {
            Lang::Zh => &i.name,
            Lang::En => &i.name_en,
        }
    }

    fn row_industry<'a>(&self, r: &'a BoardRow) -> &'a str {
        match self.ctx.lang {
            Lang::Zh => &r.industry,
            Lang::En => &r.industry_en,
        }
    }

    fn sorts(&self) -> Vec<(&'static str, &'static str)> {
        vec![
            ("total", self.tx.sort_total_asc),
            ("total_desc", self.tx.sort_total_desc),
            ("level", self.tx.sort_level),
            ("name", self.tx.sort_name),
        ]
    }

    fn export_link(&self) -> String {
        let q = self.query.query_string();
        if q.is_empty() {
            format!("/evaluations/{}/export.csv", self.evaluation.quarter)
        } else {
            format!("/evaluations/{}/export.csv?{q}", self.evaluation.quarter)
        }
    }
}

const PER_PAGE: i64 = 50;

async fn board_page(
    state: &AppState,
    ctx: PageCtx,
    me: &StationUser,
    evaluation: EvaluationRow,
    query: BoardQuery,
    notice: Option<&'static str>,
) -> AppResult<BoardPage> {
    let db = &state.db;
    let id = evaluation.evaluation_id;
    let filter = query.filter();
    let tally = queries::tally(db, id).await?;
    let total = match tally.count(&filter) {
        Some(n) => n,
        None => queries::board_count(db, id, &filter).await?,
    };
    let paging = Paging::new(
        Paging::parse_page(query.page.as_deref()),
        PER_PAGE,
        total,
        query.query_string(),
    );
    let rows = if total == 0 {
        Vec::new()
    } else {
        queries::board(db, id, &filter, PER_PAGE, paging.offset()).await?
    };
    Ok(BoardPage {
        tx: text(ctx.lang),
        ctx,
        evaluation,
        rows,
        tally,
        query,
        paging,
        industries: crate::enterprises::queries::industries(db).await?,
        officers: station_officers(db, me.scope.id()).await?,
        is_chief: me.user.role == Role::Chief,
        notice,
    })
}

async fn board(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: StationUser,
    Path(quarter): Path<String>,
    Query(query): Query<BoardQuery>,
) -> AppResult<BoardPage> {
    let quarter = parse_quarter(&quarter)?;
    let evaluation = queries::get(&state.db, me.scope.id(), &quarter.to_string())
        .await?
        .ok_or(AppError::NotFound)?;
    board_page(&state, ctx, &me, evaluation, query, None).await
}

async fn export(
    State(state): State<AppState>,
    req: RequestCtx,
    me: StationUser,
    Path(quarter): Path<String>,
    Query(query): Query<BoardQuery>,
) -> AppResult<Response> {
    let quarter = parse_quarter(&quarter)?;
    let evaluation = queries::get(&state.db, me.scope.id(), &quarter.to_string())
        .await?
        .ok_or(AppError::NotFound)?;
    let (lang, t) = (req.lang, text(req.lang));
    let rows = queries::board(
        &state.db,
        evaluation.evaluation_id,
        &query.filter(),
        500_000,
        0,
    )
    .await?;
    let level_label = |l: Option<Level>| level::badge(l, lang.t()).label.to_owned();
    let headers = [
        t.enterprise,
        crate::enterprises::text(lang).credit_code,
        crate::enterprises::text(lang).industry,
        t.safety,
        t.hazards,
        t.cases,
        t.total,
        t.computed_level,
        t.final_level,
        t.movement,
        t.vetoed,
        t.overridden,
    ];
    let yes_no = |b: bool| if b { lang.t().yes } else { lang.t().no }.to_owned();
    let body = crate::web::csv::write(
        &headers,
        rows.into_iter().map(|r| {
            vec![
                r.name,
                r.credit_code,
                match lang {
                    Lang::Zh => r.industry,
                    Lang::En => r.industry_en,
                },
                r.safety.to_string(),
                r.hazards.to_string(),
                r.cases.to_string(),
                r.total.to_string(),
                level_label(r.computed_level),
                level_label(r.final_level),
                r.movement,
                yes_no(r.vetoed),
                yes_no(r.overridden),
            ]
        }),
    );
    Ok(crate::web::csv::download(
        &format!("tier-board-{quarter}.csv"),
        body,
    ))
}

async fn publish(
    State(state): State<AppState>,
    req: RequestCtx,
    me: Chief,
    Path(quarter): Path<String>,
) -> AppResult<Response> {
    let quarter = parse_quarter(&quarter)?;
    let evaluation = queries::get(&state.db, me.scope.id(), &quarter.to_string())
        .await?
        .ok_or(AppError::NotFound)?;
    let result = service::publish(
        &state.db,
        me.scope.id(),
        quarter,
        me.user.user_id,
        state.clock.now(),
        today(&state.clock),
    )
    .await;
    match result {
        Ok(_) => Ok(redirect_with_flash(
            &format!("/evaluations/{quarter}"),
            Flash::Saved,
        )),
        Err(err) => match error_text(&err, text(req.lang)) {
            Some(message) => {
                let station_user = StationUser {
                    user: me.user.clone(),
                    scope: me.scope,
                };
                let page = board_page(
                    &state,
                    PageCtx::new(&req),
                    &station_user,
                    evaluation,
                    BoardQuery::default(),
                    Some(message),
                )
                .await?;
                Ok((StatusCode::CONFLICT, page).into_response())
            }
            None => Err(into_app_error(err)),
        },
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "evaluations/assessment.html")]
struct AssessmentPage {
    ctx: PageCtx,
    tx: &'static EvalText,
    evaluation: EvaluationRow,
    a: AssessmentRow,
    reasons: Vec<Reason>,
    history: Vec<HistoryRow>,
    objections: Vec<objections::Objection>,
    /// An objection may still be recorded (published, within the policy's days).
    objection_open: bool,
    is_chief: bool,
    form_level: String,
    form_reason: String,
    errors: FieldErrors,
}

impl AssessmentPage {
    fn badge(&self, level: &Option<Level>) -> level::Badge {
        level::badge(*level, self.ctx.lang)
    }

    fn reason_text(&self, r: &Reason) -> String {
        match self.ctx.lang {
            Lang::Zh => r.text_zh(),
            Lang::En => r.text_en(),
        }
    }

    fn movement_label(&self) -> &'static str {
        match self.a.movement.as_str() {
            "up" => self.tx.up,
            "down" => self.tx.down,
            "new" => self.tx.new,
            _ => self.tx.same,
        }
    }

    fn objection_status(&self, status: &str) -> &'static str {
        match status {
            "upheld" => self.tx.upheld,
            "rejected" => self.tx.rejected,
            _ => self.tx.under_review,
        }
    }

    fn today(&self) -> String {
        (Utc::now() + chrono::Duration::hours(8))
            .date_naive()
            .to_string()
    }

    fn level_options(&self) -> Vec<(&'static str, &'static str)> {
        let t = self.ctx.t;
        vec![
            ("green", t.level_green),
            ("yellow", t.level_yellow),
            ("red", t.level_red),
        ]
    }
}

async fn load_assessment(
    state: &AppState,
    station_id: i64,
    quarter: &str,
    enterprise_id: &str,
) -> AppResult<(EvaluationRow, AssessmentRow, Vec<Reason>, Vec<HistoryRow>)> {
    let quarter = parse_quarter(quarter)?;
    let enterprise_id = parse_id(enterprise_id)?;
    let evaluation = queries::get(&state.db, station_id, &quarter.to_string())
        .await?
        .ok_or(AppError::NotFound)?;
    let a = queries::assessment(
        &state.db,
        station_id,
        evaluation.evaluation_id,
        enterprise_id,
    )
    .await?
    .ok_or(AppError::NotFound)?;
    let reasons: Vec<Reason> = serde_json::from_value(a.reasons.clone()).unwrap_or_default();
    let history = queries::history(&state.db, station_id, enterprise_id).await?;
    Ok((evaluation, a, reasons, history))
}

async fn assessment(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: StationUser,
    Path((quarter, enterprise_id)): Path<(String, String)>,
) -> AppResult<AssessmentPage> {
    let (evaluation, a, reasons, history) =
        load_assessment(&state, me.scope.id(), &quarter, &enterprise_id).await?;
    let objections = objections::for_assessment(&state.db, me.scope.id(), a.assessment_id).await?;
    let objection_open = objection_window_open(&state, &evaluation).await?;
    Ok(AssessmentPage {
        tx: text(ctx.lang),
        objections,
        objection_open,
        ctx,
        form_level: a
            .override_level
            .map(|l| l.code().to_owned())
            .unwrap_or_default(),
        form_reason: a.override_reason.clone().unwrap_or_default(),
        evaluation,
        a,
        reasons,
        history,
        is_chief: me.user.role == Role::Chief,
        errors: FieldErrors::new(),
    })
}

#[derive(Debug, Deserialize)]
struct OverrideForm {
    #[serde(default)]
    level: String,
    #[serde(default)]
    reason: String,
}

async fn override_level(
    State(state): State<AppState>,
    req: RequestCtx,
    me: Chief,
    Path((quarter, enterprise_id)): Path<(String, String)>,
    Form(form): Form<OverrideForm>,
) -> AppResult<Response> {
    let (evaluation, a, reasons, history) =
        load_assessment(&state, me.scope.id(), &quarter, &enterprise_id).await?;
    let t = text(req.lang);
    let f = crate::web::form::Fields::new(req.lang);
    let mut errors = FieldErrors::new();
    let level = match form.level.trim() {
        "" => None,
        code => match Level::parse(code) {
            Some(l) => Some(l),
            None => {
                errors.add("level", req.lang.t().err_choice);
                None
            }
        },
    };
    let reason = match f.optional_text(&form.reason, 500) {
        Ok(r) => r,
        Err(message) => {
            errors.add("reason", message);
            String::new()
        }
    };
    if level.is_some() && reason.is_empty() && !errors.has("reason") {
        errors.add("reason", t.err_reason_required);
    }
    if evaluation.published {
        errors.add("form", t.err_override_published);
    }
    if !errors.is_empty() {
        let status = if evaluation.published {
            StatusCode::CONFLICT
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        let objections =
            objections::for_assessment(&state.db, me.scope.id(), a.assessment_id).await?;
        let page = AssessmentPage {
            ctx: PageCtx::new(&req),
            tx: t,
            evaluation,
            a,
            reasons,
            history,
            objections,
            objection_open: false,
            is_chief: true,
            form_level: form.level,
            form_reason: form.reason,
            errors,
        };
        return Ok((status, page).into_response());
    }
    let mut tx = state.db.begin().await?;
    // Lock the evaluation so that a concurrent publish cannot slip between.
    let still_draft = sqlx::query_scalar!(
        r#"select status = 'draft' as "draft!" from evaluation where evaluation_id = $1 for update"#,
        evaluation.evaluation_id
    )
    .fetch_one(&mut *tx)
    .await?;
    if !still_draft {
        return Err(AppError::Internal(anyhow::anyhow!("published meanwhile")));
    }
    let final_level = level.or(a.computed_level);
    let movement = service::movement(
        a.previous_level.map(Level::code),
        final_level.map(Level::code),
    );
    sqlx::query!(
        "update assessment set override_level = $2, override_reason = $3,
                override_by = case when $2::tier_level is null then null else $4::bigint end,
                override_at = case when $2::tier_level is null then null else now() end,
                final_level = $5, movement = $6, version = version + 1
         where assessment_id = $1",
        a.assessment_id,
        level as Option<Level>,
        level.map(|_| reason.clone()),
        me.user.user_id,
        final_level as Option<Level>,
        movement
    )
    .execute(&mut *tx)
    .await?;
    let code = |l: Option<Level>| l.map_or("unrated", Level::code).to_owned();
    let summary = match level {
        Some(l) => format!(
            "{} {}: {} → {} ({reason})",
            evaluation.quarter,
            a.name,
            code(a.computed_level),
            l.code()
        ),
        None => format!("{} {}: override removed", evaluation.quarter, a.name),
    };
    let event = Event {
        summary: &summary,
        ..Event::by(
            &me.user,
            &req,
            "assessment.override",
            "assessment",
            Some(a.assessment_id),
        )
    };
    crate::web::record::commit_audited(
        tx,
        event,
        &format!("/evaluations/{}/{}", evaluation.quarter, a.enterprise_id),
        Flash::Saved,
    )
    .await
}

/// Whether an objection to `evaluation` may still be recorded today.
async fn objection_window_open(state: &AppState, evaluation: &EvaluationRow) -> AppResult<bool> {
    let Some(published_at) = evaluation.published_at.filter(|_| evaluation.published) else {
        return Ok(false);
    };
    let mut conn = state.db.acquire().await?;
    let policy = service::policy_of_evaluation(&mut conn, evaluation.evaluation_id)
        .await
        .map_err(into_app_error)?;
    let published_on = (published_at + chrono::Duration::hours(8)).date_naive();
    let last_day = published_on + chrono::Duration::days(i64::from(policy.objection_days));
    Ok(today(&state.clock) <= last_day)
}

/// The enterprise's published level history, for its page.
pub async fn history(
    db: &sqlx::PgPool,
    station_id: i64,
    enterprise_id: i64,
) -> sqlx::Result<Vec<HistoryRow>> {
    queries::history(db, station_id, enterprise_id).await
}

fn reinspection_item(
    lang: Lang,
    today: chrono::NaiveDate,
    enterprise_id: i64,
    enterprise: String,
    due_on: chrono::NaiveDate,
    failed_items: &[String],
) -> crate::web::record::OpenItem {
    crate::web::record::OpenItem {
        kind: "visit",
        label: text(lang).reinspection.to_owned(),
        summary: failed_items.join("；"),
        enterprise,
        due: Some(due_on),
        overdue: due_on < today,
        href: format!("/enterprises/{enterprise_id}/visits/new"),
    }
}

/// Re-inspections not yet done for this officer (or for enterprises without
/// a liaison officer, for the chief).
pub async fn reinspections_due(
    db: &sqlx::PgPool,
    station_id: i64,
    user_id: i64,
    today: chrono::NaiveDate,
    lang: Lang,
) -> sqlx::Result<Vec<crate::web::record::OpenItem>> {
    let rows = sqlx::query!(
        "select r.enterprise_id, e.name, r.due_on, r.failed_items
         from reinspection r join enterprise e on e.enterprise_id = r.enterprise_id
         where r.station_id = $1 and r.assigned_to = $2 and r.done_visit_id is null
           and e.deleted_at is null
           and not exists (select 1 from visit v where v.station_id = r.station_id and v.enterprise_id = r.enterprise_id
                           and v.kind = 'inspection' and v.deleted_at is null
                           and v.created_at > r.created_at)
         order by r.due_on",
        station_id,
        user_id
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            reinspection_item(
                lang,
                today,
                r.enterprise_id,
                r.name,
                r.due_on,
                &r.failed_items,
            )
        })
        .collect())
}

/// The enterprise's pending re-inspection, for its page.
pub async fn reinspection_open_items(
    db: &sqlx::PgPool,
    station_id: i64,
    enterprise_id: i64,
    today: chrono::NaiveDate,
    lang: Lang,
) -> sqlx::Result<Vec<crate::web::record::OpenItem>> {
    let rows = sqlx::query!(
        "select r.enterprise_id, e.name, r.due_on, r.failed_items
         from reinspection r join enterprise e on e.enterprise_id = r.enterprise_id
         where r.station_id = $1 and r.enterprise_id = $2 and r.done_visit_id is null
           and not exists (select 1 from visit v where v.station_id = r.station_id and v.enterprise_id = r.enterprise_id
                           and v.kind = 'inspection' and v.deleted_at is null
                           and v.created_at > r.created_at)",
        station_id,
        enterprise_id
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            reinspection_item(
                lang,
                today,
                r.enterprise_id,
                r.name,
                r.due_on,
                &r.failed_items,
            )
        })
        .collect())
}
