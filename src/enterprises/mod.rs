//! The enterprise register: list with search, filters, sorting and CSV
//! export; create and edit; CSV import; and the enterprise page that tells
//! an enterprise's story.

pub mod import;
mod model;
pub mod queries;
mod text;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;

use crate::AppState;
use crate::audit::{self, Event};
use crate::auth::{Chief, Role, StationUser};
use crate::credit_code::CreditCode;
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::level::{self, Level};
use crate::web::form::{self, FieldErrors, Fields};
use crate::web::paging::{Paging, query_string};
use crate::web::record::{station_officers, today};
use crate::web::{Flash, PageCtx, RequestCtx, parse_id, redirect_with_flash};

pub use model::{EnterpriseBrief, OpenItem, Status, TimelineEntry};
use queries::{Enterprise, Filter, Industry};
pub use queries::{brief, name_of};
pub use text::{EnterpriseText, text};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/enterprises", get(list).post(create))
        .route("/enterprises/export.csv", get(export))
        .route("/enterprises/new", get(new_form))
        .route(
            "/enterprises/import",
            get(import::upload_form)
                .post(import::upload)
                .layer(axum::extract::DefaultBodyLimit::max(4 * 1024 * 1024)),
        )
        .route(
            "/enterprises/import/{id}",
            get(import::preview).post(import::confirm),
        )
        .route("/enterprises/{id}", get(show))
        .route("/enterprises/{id}/edit", get(edit_form).post(update))
        .route("/enterprises/{id}/delete", post(delete))
}

/// A validated enterprise.
#[derive(Debug, Clone)]
pub struct EnterpriseInput {
    pub name: String,
    pub credit_code: CreditCode,
    pub industry_code: String,
    pub address: String,
    pub legal_rep: String,
    pub security_manager: String,
    pub security_phone: String,
    pub employee_count: i32,
    pub liaison_officer_id: Option<i64>,
    pub status: Status,
}

/// The enterprise form as typed (also one CSV row, once resolved).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct EnterpriseForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub credit_code: String,
    #[serde(default)]
    pub industry_code: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub legal_rep: String,
    #[serde(default)]
    pub security_manager: String,
    #[serde(default)]
    pub security_phone: String,
    #[serde(default)]
    pub employee_count: String,
    #[serde(default)]
    pub liaison_officer_id: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub form_token: String,
    #[serde(default)]
    pub version: String,
}

impl EnterpriseForm {
    fn from_enterprise(e: &Enterprise) -> EnterpriseForm {
        EnterpriseForm {
            name: e.name.clone(),
            credit_code: e.credit_code.clone(),
            industry_code: e.industry_code.clone(),
            address: e.address.clone(),
            legal_rep: e.legal_rep.clone(),
            security_manager: e.security_manager.clone(),
            security_phone: e.security_phone.clone(),
            employee_count: e.employee_count.to_string(),
            liaison_officer_id: e
                .liaison_officer_id
                .map(|i| i.to_string())
                .unwrap_or_default(),
            status: e.status.code().to_owned(),
            form_token: String::new(),
            version: e.version.to_string(),
        }
    }

    /// Check every field; `industries` and `officers` are the valid choices.
    pub fn validate(
        &self,
        lang: Lang,
        industries: &[Industry],
        officers: &[i64],
    ) -> Result<EnterpriseInput, FieldErrors> {
        let f = Fields::new(lang);
        let mut e = FieldErrors::new();
        let name = e.check("name", f.text(&self.name, 100));
        if name.as_ref().is_some_and(|n| n.chars().count() < 2) {
            e.add("name", (lang.t().err_too_long)(100).replace("100", "2–100"));
        }
        let credit_code = match CreditCode::parse(&self.credit_code) {
            Ok(code) => Some(code),
            Err(err) => {
                e.add(
                    "credit_code",
                    match lang {
                        Lang::Zh => err.message_zh(),
                        Lang::En => err.message_en(),
                    },
                );
                None
            }
        };
        let industry_code = if industries.iter().any(|i| i.code == self.industry_code) {
            Some(self.industry_code.clone())
        } else {
            let message = if self.industry_code.trim().is_empty() {
                lang.t().err_required
            } else {
                lang.t().err_choice
            };
            e.add("industry_code", message);
            None
        };
        let address = e.check("address", f.text(&self.address, 200));
        let legal_rep = e.check("legal_rep", f.text(&self.legal_rep, 50));
        let security_manager = e.check("security_manager", f.text(&self.security_manager, 50));
        let security_phone = e.check("security_phone", f.phone(&self.security_phone));
        let employee_count = e.check("employee_count", f.int(&self.employee_count, 0, 1_000_000));
        let liaison_officer_id = if self.liaison_officer_id.trim().is_empty() {
            Some(None)
        } else {
            match f.id(&self.liaison_officer_id) {
                Ok(id) if officers.contains(&id) => Some(Some(id)),
                _ => {
                    e.add("liaison_officer_id", lang.t().err_choice);
                    None
                }
            }
        };
        let status = match self.status.trim() {
            "" | "active" => Some(Status::Active),
            "closed" => Some(Status::Closed),
            _ => {
                e.add("status", lang.t().err_choice);
                None
            }
        };
        if !e.is_empty() {
            return Err(e);
        }
        match (
            name,
            credit_code,
            industry_code,
            address,
            legal_rep,
            security_manager,
            security_phone,
            employee_count,
            liaison_officer_id,
            status,
        ) {
            (
                Some(name),
                Some(credit_code),
                Some(industry_code),
                Some(address),
                Some(legal_rep),
                Some(security_manager),
                Some(security_phone),
                Some(employee_count),
                Some(liaison_officer_id),
                Some(status),
            ) => Ok(EnterpriseInput {
                name,
                credit_code,
                industry_code,
                address,
                legal_rep,
                security_manager,
                security_phone,
                employee_count: i32::try_from(employee_count).unwrap_or(i32::MAX),
                liaison_officer_id,
                status,
            }),
            _ => Err(e),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "enterprises/form.html")]
struct FormPage {
    ctx: PageCtx,
    tx: &'static EnterpriseText,
    enterprise_id: Option<i64>,
    form: EnterpriseForm,
    errors: FieldErrors,
    conflict: Option<Enterprise>,
    industries: Vec<Industry>,
    officers: Vec<crate::web::record::Officer>,
}

impl FormPage {
    fn industry_label(&self, code: &str) -> String {
        self.industries
            .iter()
            .find(|i| i.code == code)
            .map(|i| match self.ctx.lang {
                Lang::Zh => i.name.clone(),
                Lang::En => i.name_en.clone(),
            })
            .unwrap_or_default()
    }

    fn industry_name<'a>(&self, i: &'a Industry) -> &'a str {
        match self.ctx.lang {
            Lang::Zh => &i.name,
            Lang::En => &i.name_en,
        }
    }
}

async fn form_page(
    state: &AppState,
    ctx: PageCtx,
    station_id: i64,
    enterprise_id: Option<i64>,
    form: EnterpriseForm,
    errors: FieldErrors,
    conflict: Option<Enterprise>,
) -> AppResult<FormPage> {
    Ok(FormPage {
        tx: text(ctx.lang),
        ctx,
        enterprise_id,
        form,
        errors,
        conflict,
        industries: queries::industries(&state.db).await?,
        officers: station_officers(&state.db, station_id).await?,
    })
}

async fn new_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: StationUser,
) -> AppResult<FormPage> {
    let form = EnterpriseForm {
        form_token: form::new_form_token(),
        status: "active".into(),
        ..EnterpriseForm::default()
    };
    form_page(
        &state,
        ctx,
        me.scope.id(),
        None,
        form,
        FieldErrors::new(),
        None,
    )
    .await
}

/// Validate against the station's industries and officers.
async fn validate(
    state: &AppState,
    station_id: i64,
    lang: Lang,
    form: &EnterpriseForm,
) -> AppResult<Result<EnterpriseInput, FieldErrors>> {
    let industries = queries::industries(&state.db).await?;
    let officers: Vec<i64> = station_officers(&state.db, station_id)
        .await?
        .into_iter()
        .map(|o| o.user_id)
        .collect();
    Ok(form.validate(lang, &industries, &officers))
}

async fn create(
    State(state): State<AppState>,
    req: RequestCtx,
    me: StationUser,
    Form(form): Form<EnterpriseForm>,
) -> AppResult<Response> {
    let t = text(req.lang);
    let mut result = validate(&state, me.scope.id(), req.lang, &form).await?;
    if !form::valid_form_token(&form.form_token) {
        let mut errors = result.err().unwrap_or_default();
        errors.add("form", req.lang.t().error_bad_request);
        result = Err(errors);
    }
    let mut tx = state.db.begin().await?;
    if let Ok(input) = &result {
        if let Some(existing) =
            form::already_submitted(&mut tx, me.scope.station(), &form.form_token, "enterprise")
                .await?
        {
            return Ok(redirect_with_flash(
                &format!("/enterprises/{existing}"),
                Flash::Saved,
            ));
        }
        if let Some(holder) =
            queries::holder_of_code(&mut tx, me.scope.id(), input.credit_code.as_str(), None)
                .await?
        {
            let mut errors = FieldErrors::new();
            errors.add("credit_code", (t.err_code_taken)(&holder));
            result = Err(errors);
        }
    }
    let input = match result {
        Ok(input) => input,
        Err(errors) => {
            drop(tx);
            let page = form_page(
                &state,
                PageCtx::new(&req),
                me.scope.id(),
                None,
                form,
                errors,
                None,
            )
            .await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let id = queries::insert(&mut tx, me.scope.id(), &input).await?;
    form::remember_submission(
        &mut tx,
        me.scope.station(),
        &form.form_token,
        "enterprise",
        id,
    )
    .await?;
    let summary = format!("{} {}", input.name, input.credit_code);
    let event = Event {
        summary: &summary,
        ..Event::by(&me.user, &req, "enterprise.create", "enterprise", Some(id))
    };
    crate::web::record::commit_audited(tx, event, &format!("/enterprises/{id}"), Flash::Saved).await
}

async fn edit_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: StationUser,
    Path(id): Path<String>,
) -> AppResult<FormPage> {
    let e = queries::get(&state.db, me.scope.id(), parse_id(&id)?)
        .await?
        .ok_or(AppError::NotFound)?;
    let form = EnterpriseForm::from_enterprise(&e);
    form_page(
        &state,
        ctx,
        me.scope.id(),
        Some(e.enterprise_id),
        form,
        FieldErrors::new(),
        None,
    )
    .await
}

async fn update(
    State(state): State<AppState>,
    req: RequestCtx,
    me: StationUser,
    Path(id): Path<String>,
    Form(form): Form<EnterpriseForm>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let current = queries::get(&state.db, me.scope.id(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let t = text(req.lang);
    let mut result = validate(&state, me.scope.id(), req.lang, &form).await?;
    let mut tx = state.db.begin().await?;
    if let Ok(input) = &result
        && let Some(holder) =
            queries::holder_of_code(&mut tx, me.scope.id(), input.credit_code.as_str(), Some(id))
                .await?
    {
        let mut errors = FieldErrors::new();
        errors.add("credit_code", (t.err_code_taken)(&holder));
        result = Err(errors);
    }
    let input = match result {
        Ok(input) => input,
        Err(errors) => {
            drop(tx);
            let page = form_page(
                &state,
                PageCtx::new(&req),
                me.scope.id(),
                Some(id),
                form,
                errors,
                None,
            )
            .await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let version: i32 = form.version.trim().parse().unwrap_or(0);
    if !queries::update(&mut tx, me.scope.id(), id, version, &input).await? {
        drop(tx);
        let mut errors = FieldErrors::new();
        errors.add("form", req.lang.t().err_conflict);
        let mut form = form;
        form.version = current.version.to_string();
        let page = form_page(
            &state,
            PageCtx::new(&req),
            me.scope.id(),
            Some(id),
            form,
            errors,
            Some(current),
        )
        .await?;
        return Ok((StatusCode::CONFLICT, page).into_response());
    }
    let id_text = |v: Option<i64>| v.map(|i| i.to_string()).unwrap_or_default();
    let summary = audit::changes(&[
        ("name", current.name.clone(), input.name.clone()),
        (
            "credit_code",
            current.credit_code.clone(),
            input.credit_code.to_string(),
        ),
        (
            "industry",
            current.industry_code.clone(),
            input.industry_code.clone(),
        ),
        ("address", current.address.clone(), input.address.clone()),
        (
            "legal_rep",
            current.legal_rep.clone(),
            input.legal_rep.clone(),
        ),
        (
            "security_manager",
            current.security_manager.clone(),
            input.security_manager.clone(),
        ),
        (
            "security_phone",
            current.security_phone.clone(),
            input.security_phone.clone(),
        ),
        (
            "employees",
            current.employee_count.to_string(),
            input.employee_count.to_string(),
        ),
        (
            "liaison",
            id_text(current.liaison_officer_id),
            id_text(input.liaison_officer_id),
        ),
        (
            "status",
            current.status.code().into(),
            input.status.code().into(),
        ),
    ]);
    let event = Event {
        summary: &summary,
        ..Event::by(&me.user, &req, "enterprise.update", "enterprise", Some(id))
    };
    crate::web::record::commit_audited(tx, event, &format!("/enterprises/{id}"), Flash::Saved).await
}

async fn delete(
    State(state): State<AppState>,
    req: RequestCtx,
    me: Chief,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let mut tx = state.db.begin().await?;
    let Some((name, code)) =
        queries::soft_delete(&mut tx, me.scope.id(), id, me.user.user_id).await?
    else {
        return Err(AppError::NotFound);
    };
    let summary = format!("{name} {code}");
    let event = Event {
        summary: &summary,
        ..Event::by(&me.user, &req, "enterprise.delete", "enterprise", Some(id))
    };
    crate::web::record::commit_audited(tx, event, "/enterprises", Flash::Deleted).await
}

/// The list's query string, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    industry: String,
    #[serde(default)]
    level: String,
    #[serde(default)]
    liaison: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    sort: String,
    #[serde(default)]
    page: Option<String>,
}

impl ListQuery {
    /// Unknown values filter nothing rather than failing.
    fn filter(&self) -> Filter {
        let pattern = crate::web::paging::like_pattern(&self.q);
        let level = match self.level.as_str() {
            "green" | "yellow" | "red" | "unrated" => self.level.clone(),
            _ => String::new(),
        };
        let status = match self.status.as_str() {
            "closed" | "all" => self.status.clone(),
            _ => "active".to_owned(),
        };
        let sort = match self.sort.as_str() {
            "code" | "employees" | "level" | "updated" => self.sort.clone(),
            _ => "name".to_owned(),
        };
        Filter {
            text: crate::web::paging::search_text(&self.q),
            pattern,
            industry: crate::web::paging::code_param(&self.industry),
            level,
            liaison: self.liaison.trim().parse().ok(),
            status,
            sort,
        }
    }

    fn query_string(&self) -> String {
        query_string(&[
            ("q", self.q.trim()),
            ("industry", &self.industry),
            ("level", &self.level),
            ("liaison", &self.liaison),
            ("status", &self.status),
            ("sort", &self.sort),
        ])
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "enterprises/list.html")]
struct ListPage {
    ctx: PageCtx,
    tx: &'static EnterpriseText,
    enterprises: Vec<Enterprise>,
    query: ListQuery,
    paging: Paging,
    industries: Vec<Industry>,
    officers: Vec<crate::web::record::Officer>,
    export_query: String,
}

impl ListPage {
    fn badge(&self, level: &Option<Level>) -> level::Badge {
        level::badge(*level, self.ctx.lang)
    }

    fn industry_name<'a>(&self, i: &'a Industry) -> &'a str {
        match self.ctx.lang {
            Lang::Zh => &i.name,
            Lang::En => &i.name_en,
        }
    }

    fn row_industry<'a>(&self, e: &'a Enterprise) -> &'a str {
        match self.ctx.lang {
            Lang::Zh => &e.industry,
            Lang::En => &e.industry_en,
        }
    }

    fn levels(&self) -> Vec<(&'static str, &'static str)> {
        let t = self.ctx.t;
        vec![
            ("red", t.level_red),
            ("yellow", t.level_yellow),
            ("green", t.level_green),
            ("unrated", t.level_unrated),
        ]
    }

    fn results_label(&self) -> String {
        (self.tx.results)(self.paging.total)
    }

    fn sorts(&self) -> Vec<(&'static str, &'static str)> {
        let t = self.tx;
        vec![
            ("name", t.sort_name),
            ("code", t.sort_code),
            ("employees", t.sort_employees),
            ("level", t.sort_level),
            ("updated", t.sort_updated),
        ]
    }
}

const PER_PAGE: i64 = 25;

async fn list(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: StationUser,
    Query(query): Query<ListQuery>,
) -> AppResult<ListPage> {
    let filter = query.filter();
    let total = queries::count(&state.db, me.scope.id(), &filter).await?;
    let paging = Paging::new(
        Paging::parse_page(query.page.as_deref()),
        PER_PAGE,
        total,
        query.query_string(),
    );
    let enterprises =
        queries::list(&state.db, me.scope.id(), &filter, PER_PAGE, paging.offset()).await?;
    Ok(ListPage {
        tx: text(ctx.lang),
        ctx,
        enterprises,
        export_query: query.query_string(),
        query,
        paging,
        industries: queries::industries(&state.db).await?,
        officers: station_officers(&state.db, me.scope.id()).await?,
    })
}

/// The filtered list as CSV (UTF-8 with BOM, formulas neutralised).
async fn export(
    State(state): State<AppState>,
    req: RequestCtx,
    me: StationUser,
    Query(query): Query<ListQuery>,
) -> AppResult<Response> {
    let lang = req.lang;
    let t = text(lang);
    let filter = query.filter();
    let rows = queries::list(&state.db, me.scope.id(), &filter, 200_000, 0).await?;
    let headers = [
        t.name,
        t.credit_code,
        t.industry,
        t.address,
        t.legal_rep,
        t.security_manager,
        t.security_phone,
        t.employee_count,
        t.liaison_officer,
        t.status,
        lang.t().level,
    ];
    let body = crate::web::csv::write(
        &headers,
        rows.into_iter().map(|e| {
            vec![
                e.name,
                e.credit_code,
                match lang {
                    Lang::Zh => e.industry,
                    Lang::En => e.industry_en,
                },
                e.address,
                e.legal_rep,
                e.security_manager,
                e.security_phone,
                e.employee_count.to_string(),
                e.liaison_name.unwrap_or_default(),
                e.status.label(lang).to_owned(),
                level::badge(e.current_level, lang).label.to_owned(),
            ]
        }),
    );
    let event = Event {
        summary: &query.query_string(),
        ..Event::by(&me.user, &req, "enterprise.export", "enterprise", None)
    };
    let mut conn = state.db.acquire().await?;
    audit::record(&mut conn, event).await?;
    let filename = format!("enterprises-{}.csv", today(&state.clock));
    Ok(crate::web::csv::download(&filename, body))
}

#[derive(Template, WebTemplate)]
#[template(path = "enterprises/show.html")]
struct ShowPage {
    ctx: PageCtx,
    tx: &'static EnterpriseText,
    e: Enterprise,
    open_items: Vec<OpenItem>,
    timeline: Vec<TimelineEntry>,
    history: Vec<crate::evaluations::queries::HistoryRow>,
    /// The level timeline over the published quarters (from `history`).
    level_chart: crate::charts::Chart,
    actions: Vec<crate::pushes::queries::ActionRow>,
    can_delete: bool,
}

impl ShowPage {
    fn badge(&self) -> level::Badge {
        level::badge(self.e.current_level, self.ctx.lang)
    }

    fn industry(&self) -> &str {
        match self.ctx.lang {
            Lang::Zh => &self.e.industry,
            Lang::En => &self.e.industry_en,
        }
    }

    fn level_badge(&self, level: &Option<Level>) -> level::Badge {
        level::badge(*level, self.ctx.lang)
    }

    fn action_kind(&self, code: &str) -> &'static str {
        crate::pushes::dashboard::action_kind_label(crate::pushes::text(self.ctx.lang), code)
    }

    fn department(&self, a: &crate::pushes::queries::ActionRow) -> String {
        match self.ctx.lang {
            Lang::Zh => a.department_name.clone(),
            Lang::En => a.department_name_en.clone(),
        }
    }

    fn push_text(&self) -> &'static crate::pushes::PushText {
        crate::pushes::text(self.ctx.lang)
    }

    fn timeline_title(&self) -> &'static str {
        crate::charts::words(self.ctx.lang).timeline_title
    }

    /// The enterprise's level over its published quarters, oldest first.
    fn level_timeline(
        history: &[crate::evaluations::queries::HistoryRow],
        lang: Lang,
    ) -> crate::charts::Chart {
        use crate::charts::{Chart, LevelNames, Step, Text, words};
        let w = words(lang);
        let steps: Vec<Step> = history
            .iter()
            .rev()
            .map(|h| Step {
                label: h.quarter.clone(),
                level: h.final_level,
            })
            .collect();
        let desc = (w.timeline_desc)(steps.len());
        Chart::level_timeline(
            &steps,
            &LevelNames::from_messages(lang.t()),
            &Text {
                id: "level-timeline",
                title: w.timeline_title,
                desc: &desc,
                x_axis: w.quarter,
                y_axis: w.level,
                empty: w.timeline_empty,
            },
            w,
        )
    }
}

/// How many timeline entries the page shows.
const TIMELINE_LIMIT: usize = 200;

async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: StationUser,
    Path(id): Path<String>,
) -> AppResult<ShowPage> {
    let e = queries::get(&state.db, me.scope.id(), parse_id(&id)?)
        .await?
        .ok_or(AppError::NotFound)?;
    let (db, station, eid, lang) = (&state.db, me.scope.id(), e.enterprise_id, ctx.lang);
    let day = today(&state.clock);
    let (visits, hazards, disputes, incidents, demands, trainings) = tokio::try_join!(
        crate::visits::timeline(db, station, eid, lang),
        crate::hazards::timeline(db, station, eid, day, lang),
        crate::disputes::timeline(db, station, eid, lang),
        crate::incidents::timeline(db, me.scope, crate::ids::EnterpriseId(eid), lang),
        crate::demands::timeline(db, station, eid, day, lang),
        crate::trainings::timeline(db, station, eid, lang),
    )?;
    let mut timeline: Vec<TimelineEntry> =
        [visits, hazards, disputes, incidents, demands, trainings]
            .into_iter()
            .flatten()
            .collect();
    timeline.sort_by_key(|e| std::cmp::Reverse(e.date));
    timeline.truncate(TIMELINE_LIMIT);
    let (hazard_items, dispute_items, demand_items, reinspections) = tokio::try_join!(
        crate::hazards::open_items(db, station, eid, day, lang),
        crate::disputes::open_items(db, station, eid, day, lang),
        crate::demands::open_items(db, station, eid, day, lang),
        crate::evaluations::reinspection_open_items(db, station, eid, day, lang),
    )?;
    let mut open_items: Vec<OpenItem> = [reinspections, hazard_items, dispute_items, demand_items]
        .into_iter()
        .flatten()
        .collect();
    // Overdue first, then by due date, undated last.
    open_items.sort_by_key(|i| (!i.overdue, i.due.is_none(), i.due));
    let (history, actions) = tokio::try_join!(
        crate::evaluations::history(db, station, eid),
        crate::pushes::queries::actions(
            db,
            crate::pushes::queries::ActionsOf::Station(station),
            eid
        ),
    )?;
    let level_chart = ShowPage::level_timeline(&history, ctx.lang);
    Ok(ShowPage {
        tx: text(ctx.lang),
        history,
        level_chart,
        actions,
        can_delete: me.user.role == Role::Chief,
        ctx,
        e,
        open_items,
        timeline,
    })
}

/// Everything due or overdue for an officer, across the record modules.
pub async fn due_for_officer(
    state: &AppState,
    station_id: i64,
    user_id: i64,
    lang: Lang,
) -> sqlx::Result<Vec<OpenItem>> {
    let db = &state.db;
    let day = today(&state.clock);
    let (reinspections, hazards, disputes, demands) = tokio::try_join!(
        crate::evaluations::reinspections_due(db, station_id, user_id, day, lang),
        crate::hazards::due_for_officer(db, station_id, user_id, day, lang),
        crate::disputes::due_for_officer(db, station_id, user_id, day, lang),
        crate::demands::due_for_officer(db, station_id, user_id, day, lang),
    )?;
    let mut items: Vec<OpenItem> = [reinspections, hazards, disputes, demands]
        .into_iter()
        .flatten()
        .collect();
    items.sort_by_key(|i| (!i.overdue, i.due.is_none(), i.due));
    Ok(items)
}
