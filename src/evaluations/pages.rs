//! The evaluation pages: the list with the run form, the tier board with
//! its CSV export, and publishing; and what the enterprise and home pages
//! show of evaluations (history, re-inspections).

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use sqlx::PgPool;

use super::model::{BoardQuery, RunForm, movement_label};
use super::queries::{self, BoardRow, EvaluationRow, HistoryRow, ReinspectionRow, Tally};
use super::service;
use super::text::{EvalText, text};
use crate::AppState;
use crate::auth::{Chief, Role, StationScope, StationUser};
use crate::enterprises::{Industry, OpenItem};
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::ids::{EnterpriseId, UserId};
use crate::level::{self, Level};
use crate::scoring::Quarter;
use crate::users::Officer;
use crate::web::form::FieldErrors;
use crate::web::paging::Paging;
use crate::web::{Flash, IdPath, PageCtx, Parsed, RequestCtx, redirect_with_flash};

/// The station's evaluation of `quarter`, or 404.
pub(super) async fn evaluation(
    db: &PgPool,
    station: StationScope,
    quarter: Quarter,
) -> AppResult<EvaluationRow> {
    queries::get(db, station, quarter)
        .await?
        .ok_or(AppError::NotFound)
}

#[derive(Template, WebTemplate)]
#[template(path = "evaluations/list.html")]
pub(super) struct ListPage {
    ctx: PageCtx,
    tx: &'static EvalText,
    evaluations: Vec<EvaluationRow>,
    is_chief: bool,
    quarter: String,
    errors: FieldErrors,
}

impl ListPage {
    async fn new(
        db: &PgPool,
        ctx: PageCtx,
        me: &StationUser,
        quarter: String,
        errors: FieldErrors,
    ) -> AppResult<ListPage> {
        Ok(ListPage {
            tx: text(ctx.lang),
            ctx,
            evaluations: queries::list(db, me.scope).await?,
            is_chief: me.user.role == Role::Chief,
            quarter,
            errors,
        })
    }

    fn assessed(&self, n: &i64) -> String {
        (self.tx.assessed)(usize::try_from(*n).unwrap_or(0))
    }
}

pub(super) async fn list(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: StationUser,
) -> AppResult<ListPage> {
    // Suggest the last complete quarter.
    let suggested = Quarter::containing(state.clock.today())
        .previous()
        .to_string();
    ListPage::new(&state.db, ctx, &me, suggested, FieldErrors::new()).await
}

pub(super) async fn run(
    State(state): State<AppState>,
    req: RequestCtx,
    me: Chief,
    Form(form): Form<RunForm>,
) -> AppResult<Response> {
    let t = text(req.lang);
    let (message, status) = match Quarter::parse(form.quarter.trim()) {
        None => (t.err_quarter, StatusCode::UNPROCESSABLE_ENTITY),
        Some(quarter) => {
            let now = state.clock.now();
            let today = state.clock.today();
            let by = Some(me.user.id());
            match service::run(&state.db, me.scope, quarter, by, now, today).await {
                Ok(_) => {
                    let to = format!("/evaluations/{quarter}");
                    return Ok(redirect_with_flash(&to, Flash::Saved));
                }
                Err(err) => match err.message(t) {
                    Some(message) => (message, StatusCode::CONFLICT),
                    None => return Err(err.into()),
                },
            }
        }
    };
    let mut errors = FieldErrors::new();
    errors.add("quarter", message);
    let me = me.as_station_user();
    let page = ListPage::new(&state.db, PageCtx::new(&req), &me, form.quarter, errors).await?;
    Ok((status, page).into_response())
}

const LEVELS: [&str; 4] = ["red", "yellow", "green", "unrated"];

#[derive(Template, WebTemplate)]
#[template(path = "evaluations/board.html")]
pub(super) struct BoardPage {
    ctx: PageCtx,
    tx: &'static EvalText,
    evaluation: EvaluationRow,
    rows: Vec<BoardRow>,
    tally: Tally,
    query: BoardQuery,
    paging: Paging,
    industries: Vec<Industry>,
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
        movement_label(self.tx, m)
    }

    fn movement_arrow(&self, m: &str) -> &'static str {
        match m {
            "up" => "↑",
            "down" => "↓",
            "new" => "＋",
            _ => "＝",
        }
    }

    fn row_industry<'a>(&self, r: &'a BoardRow) -> &'a str {
        self.ctx.lang.pick(&r.industry, &r.industry_en)
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
    let id = evaluation.id();
    let filter = query.filter();
    let tally = queries::tally(db, me.scope, id).await?;
    let total = match tally.count(&filter) {
        Some(n) => n,
        None => queries::board_count(db, me.scope, id, &filter).await?,
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
        queries::board(db, me.scope, id, &filter, PER_PAGE, paging.offset()).await?
    };
    Ok(BoardPage {
        tx: text(ctx.lang),
        ctx,
        evaluation,
        rows,
        tally,
        query,
        paging,
        industries: crate::enterprises::industries(db).await?,
        officers: crate::users::officers(db, me.scope).await?,
        is_chief: me.user.role == Role::Chief,
        notice,
    })
}

pub(super) async fn board(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: StationUser,
    IdPath(Parsed(quarter)): IdPath<Parsed<Quarter>>,
    Query(query): Query<BoardQuery>,
) -> AppResult<BoardPage> {
    let evaluation = evaluation(&state.db, me.scope, quarter).await?;
    board_page(&state, ctx, &me, evaluation, query, None).await
}

pub(super) async fn export(
    State(state): State<AppState>,
    req: RequestCtx,
    me: StationUser,
    IdPath(Parsed(quarter)): IdPath<Parsed<Quarter>>,
    Query(query): Query<BoardQuery>,
) -> AppResult<Response> {
    let evaluation = evaluation(&state.db, me.scope, quarter).await?;
    let (lang, t) = (req.lang, text(req.lang));
    let filter = query.filter();
    let rows = queries::board(&state.db, me.scope, evaluation.id(), &filter, 500_000, 0).await?;
    let level_label = |l: Option<Level>| level::badge(l, lang).label.to_owned();
    let et = crate::enterprises::text(lang);
    let headers = [
        t.enterprise,
        et.credit_code,
        et.industry,
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
            let industry = lang.pick(&r.industry, &r.industry_en).to_owned();
            vec![
                r.name,
                r.credit_code,
                industry,
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
    let filename = format!("tier-board-{quarter}.csv");
    Ok(crate::web::csv::download(&filename, body))
}

pub(super) async fn publish(
    State(state): State<AppState>,
    req: RequestCtx,
    me: Chief,
    IdPath(Parsed(quarter)): IdPath<Parsed<Quarter>>,
) -> AppResult<Response> {
    let evaluation = evaluation(&state.db, me.scope, quarter).await?;
    let (now, today) = (state.clock.now(), state.clock.today());
    match service::publish(&state.db, me.scope, quarter, me.user.id(), now, today).await {
        Ok(_) => {
            let to = format!("/evaluations/{quarter}");
            Ok(redirect_with_flash(&to, Flash::Saved))
        }
        Err(err) => match err.message(text(req.lang)) {
            Some(message) => {
                let me = me.as_station_user();
                let ctx = PageCtx::new(&req);
                let query = BoardQuery::default();
                let page = board_page(&state, ctx, &me, evaluation, query, Some(message)).await?;
                Ok((StatusCode::CONFLICT, page).into_response())
            }
            None => Err(err.into()),
        },
    }
}

/// The enterprise's published level history, for its page.
pub async fn history(
    db: &PgPool,
    station: StationScope,
    enterprise: EnterpriseId,
) -> sqlx::Result<Vec<HistoryRow>> {
    queries::history(db, station, enterprise).await
}

fn reinspection_item(lang: Lang, today: NaiveDate, r: ReinspectionRow) -> OpenItem {
    OpenItem {
        kind: "visit",
        label: text(lang).reinspection.to_owned(),
        summary: r.failed_items.join("；"),
        enterprise: r.name,
        due: Some(r.due_on),
        overdue: r.due_on < today,
        href: format!("/enterprises/{}/visits/new", r.enterprise_id),
    }
}

/// Re-inspections not yet done that are assigned to `officer`.
pub async fn reinspections_due(
    db: &PgPool,
    station: StationScope,
    officer: UserId,
    today: NaiveDate,
    lang: Lang,
) -> sqlx::Result<Vec<OpenItem>> {
    let rows = queries::reinspections_due(db, station, officer).await?;
    Ok(rows
        .into_iter()
        .map(|r| reinspection_item(lang, today, r))
        .collect())
}

/// The enterprise's pending re-inspection, for its page.
pub async fn reinspection_open_items(
    db: &PgPool,
    station: StationScope,
    enterprise: EnterpriseId,
    today: NaiveDate,
    lang: Lang,
) -> sqlx::Result<Vec<OpenItem>> {
    let rows = queries::reinspections_of(db, station, enterprise).await?;
    Ok(rows
        .into_iter()
        .map(|r| reinspection_item(lang, today, r))
        .collect())
}
