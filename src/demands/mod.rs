//! Enterprises' difficult demands, opinions and suggestions.
//!
//! Every demand gets an answer: the response is due a policy-set number of
//! days after the demand was received (computed, never typed); the due date
//! moves only with a recorded reason; the status goes open → responded →
//! resolved and nowhere else. Overdue (still open past the due date) is
//! derived, never stored.

mod queries;
mod text;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;

use crate::AppState;
use crate::audit::{self, Event};
use crate::auth::{Chief, Role, StationUser};
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::web::form::{self, FieldErrors, Fields};
use crate::web::paging::{PageQuery, Paging, query_string};
use crate::web::record::{
    EnterpriseBrief, Officer, OpenItem, TimelineEntry, enterprise_brief, snippet, station_officers,
};
use crate::web::{Flash, PageCtx, RequestCtx, parse_id, redirect_with_flash};

use queries::Extension;
pub use text::{DemandText, text};

/// The response period when no scoring policy says otherwise.
pub const DEFAULT_RESPONSE_DAYS: i32 = 15;
/// How far ahead an officer's home page looks for due demands.
const DUE_SOON_DAYS: u64 = 7;
const PER_PAGE: i64 = 25;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/demands", get(list))
        .route("/enterprises/{enterprise_id}/demands/new", get(new_form))
        .route("/enterprises/{enterprise_id}/demands", post(create))
        .route("/demands/{id}", get(show))
        .route("/demands/{id}/edit", get(edit_form).post(update))
        .route("/demands/{id}/respond", post(respond))
        .route("/demands/{id}/resolve", post(resolve))
        .route("/demands/{id}/extend", post(extend))
        .route("/demands/{id}/delete", post(delete))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type)]
#[sqlx(type_name = "demand_kind", rename_all = "lowercase")]
pub enum Kind {
    Difficulty,
    Opinion,
    Suggestion,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Difficulty, Kind::Opinion, Kind::Suggestion];

    pub fn code(self) -> &'static str {
        match self {
            Kind::Difficulty => "difficulty",
            Kind::Opinion => "opinion",
            Kind::Suggestion => "suggestion",
        }
    }

    pub fn label(self, lang: impl Into<Lang>) -> &'static str {
        let t = text(lang.into());
        match self {
            Kind::Difficulty => t.kind_difficulty,
            Kind::Opinion => t.kind_opinion,
            Kind::Suggestion => t.kind_suggestion,
        }
    }

    fn options() -> Vec<(&'static str, Kind)> {
        Kind::ALL.iter().map(|k| (k.code(), *k)).collect()
    }

    fn labels(lang: Lang) -> Vec<(&'static str, &'static str)> {
        Kind::ALL
            .iter()
            .map(|k| (k.code(), k.label(lang)))
            .collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type)]
#[sqlx(type_name = "demand_status", rename_all = "lowercase")]
pub enum Status {
    Open,
    Responded,
    Resolved,
}

impl Status {
    pub const ALL: [Status; 3] = [Status::Open, Status::Responded, Status::Resolved];

    pub fn code(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Responded => "responded",
            Status::Resolved => "resolved",
        }
    }

    pub fn label(self, lang: impl Into<Lang>) -> &'static str {
        let t = text(lang.into());
        match self {
            Status::Open => t.status_open,
            Status::Responded => t.status_responded,
            Status::Resolved => t.status_resolved,
        }
    }

    fn labels(lang: Lang) -> Vec<(&'static str, &'static str)> {
        Status::ALL
            .iter()
            .map(|s| (s.code(), s.label(lang)))
            .collect()
    }
}

/// Still waiting for its response after the due date.
pub fn is_overdue(status: Status, due_on: NaiveDate, today: NaiveDate) -> bool {
    status == Status::Open && due_on < today
}

/// The due date of a demand received on `received_on`.
fn due_date(received_on: NaiveDate, response_days: i32) -> NaiveDate {
    let days = u64::try_from(response_days.max(1)).unwrap_or(1);
    received_on
        .checked_add_days(Days::new(days))
        .unwrap_or(NaiveDate::MAX)
}

/// A demand as stored.
#[derive(Debug, Clone)]
pub struct Demand {
    pub demand_id: i64,
    pub enterprise_id: i64,
    pub enterprise_name: String,
    pub received_on: NaiveDate,
    pub kind: Kind,
    pub content: String,
    pub assignee_id: i64,
    pub assignee_name: String,
    pub due_on: NaiveDate,
    pub status: Status,
    pub response: String,
    pub responded_on: Option<NaiveDate>,
    pub resolved_on: Option<NaiveDate>,
    pub version: i32,
    pub created_by_name: String,
}

/// A new demand, validated.
#[derive(Debug, Clone)]
pub struct NewInput {
    pub received_on: NaiveDate,
    pub kind: Kind,
    pub content: String,
    pub assignee_id: i64,
}

/// What the edit form may change.
#[derive(Debug, Clone)]
pub struct EditInput {
    pub kind: Kind,
    pub content: String,
    pub assignee_id: i64,
}

/// The new/edit form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct DemandForm {
    #[serde(default)]
    pub received_on: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub content: String,
    #[serde(default)]
    pub assignee_id: String,
    #[serde(default)]
    pub form_token: String,
    #[serde(default)]
    pub version: String,
}

impl DemandForm {
    fn from_demand(d: &Demand) -> DemandForm {
        DemandForm {
            received_on: d.received_on.to_string(),
            kind: d.kind.code().to_owned(),
            content: d.content.clone(),
            assignee_id: d.assignee_id.to_string(),
            form_token: String::new(),
            version: d.version.to_string(),
        }
    }

    /// Kind, content and assignee (who must be an officer of the station).
    fn check_common(
        &self,
        lang: Lang,
        officers: &[Officer],
        e: &mut FieldErrors,
    ) -> Option<EditInput> {
        let f = Fields::new(lang);
        let kind = e.check("kind", f.choice(&self.kind, &Kind::options()));
        let content = e.check("content", f.text(&self.content, 2000));
        let assignee_id = e.check("assignee_id", f.id(&self.assignee_id));
        let assignee_id = match assignee_id {
            Some(id) if officers.iter().any(|o| o.user_id == id) => Some(id),
            Some(_) => {
                e.add("assignee_id", text(lang).err_assignee);
                None
            }
            None => None,
        };
        Some(EditInput {
            kind: kind?,
            content: content?,
            assignee_id: assignee_id?,
        })
    }

    fn validate_new(
        &self,
        lang: Lang,
        today: NaiveDate,
        officers: &[Officer],
    ) -> Result<NewInput, FieldErrors> {
        let f = Fields::new(lang);
        let mut e = FieldErrors::new();
        let received_on = e.check("received_on", f.date(&self.received_on));
        if received_on.is_some_and(|d| d > today) {
            e.add("received_on", text(lang).err_future);
        }
        let common = self.check_common(lang, officers, &mut e);
        match (received_on, common) {
            (Some(received_on), Some(c)) if e.is_empty() => Ok(NewInput {
                received_on,
                kind: c.kind,
                content: c.content,
                assignee_id: c.assignee_id,
            }),
            _ => Err(e),
        }
    }

    fn validate_edit(&self, lang: Lang, officers: &[Officer]) -> Result<EditInput, FieldErrors> {
        let mut e = FieldErrors::new();
        match self.check_common(lang, officers, &mut e) {
            Some(input) if e.is_empty() => Ok(input),
            _ => Err(e),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "demands/form.html")]
struct FormPage {
    ctx: PageCtx,
    tx: &'static DemandText,
    enterprise: EnterpriseBrief,
    /// The demand being edited; `None` for a new one.
    demand: Option<Demand>,
    form: DemandForm,
    errors: FieldErrors,
    /// The saved record when a save hit a newer version.
    conflict: Option<Demand>,
    officers: Vec<Officer>,
    response_days: i32,
}

impl FormPage {
    fn action(&self) -> String {
        match &self.demand {
            Some(d) => format!("/demands/{}/edit", d.demand_id),
            None => format!("/enterprises/{}/demands", self.enterprise.enterprise_id),
        }
    }

    fn kinds(&self) -> Vec<(&'static str, &'static str)> {
        Kind::labels(self.ctx.lang)
    }

    fn due_hint(&self) -> String {
        (self.tx.due_hint)(self.response_days)
    }

    fn is_assignee(&self, officer: &Officer) -> bool {
        self.form.assignee_id.trim() == officer.user_id.to_string()
    }
}

/// The station's officers to assign to; on an edit, the current assignee
/// stays choosable even if no longer active.
async fn assignable(
    db: &PgPool,
    station_id: i64,
    current: Option<&Demand>,
) -> sqlx::Result<Vec<Officer>> {
    let mut officers = station_officers(db, station_id).await?;
    if let Some(d) = current
        && !officers.iter().any(|o| o.user_id == d.assignee_id)
    {
        officers.push(Officer {
            user_id: d.assignee_id,
            display_name: d.assignee_name.clone(),
        });
    }
    Ok(officers)
}

async fn new_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: StationUser,
    Path(enterprise_id): Path<String>,
) -> AppResult<FormPage> {
    let enterprise = enterprise_brief(&state.db, me.scope.id(), parse_id(&enterprise_id)?)
        .await?
        .ok_or(AppError::NotFound)?;
    let officers = assignable(&state.db, me.scope.id(), None).await?;
    // The liaison officer answers for the enterprise; otherwise whoever records it.
    let assignee = enterprise
        .liaison_officer_id
        .filter(|id| officers.iter().any(|o| o.user_id == *id))
        .unwrap_or(me.user.user_id);
    let today = crate::web::record::today(&state.clock);
    Ok(FormPage {
        tx: text(ctx.lang),
        ctx,
        enterprise,
        demand: None,
        form: DemandForm {
            received_on: today.to_string(),
            assignee_id: assignee.to_string(),
            form_token: form::new_form_token(),
            ..DemandForm::default()
        },
        errors: FieldErrors::new(),
        conflict: None,
        officers,
        response_days: response_days(&state.db).await?,
    })
}

async fn create(
    State(state): State<AppState>,
    req: RequestCtx,
    me: StationUser,
    Path(enterprise_id): Path<String>,
    Form(form): Form<DemandForm>,
) -> AppResult<Response> {
    let enterprise = enterprise_brief(&state.db, me.scope.id(), parse_id(&enterprise_id)?)
        .await?
        .ok_or(AppError::NotFound)?;
    let today = crate::web::record::today(&state.clock);
    let officers = assignable(&state.db, me.scope.id(), None).await?;
    let days = response_days(&state.db).await?;
    let token_ok = form::valid_form_token(&form.form_token);
    let input = match form.validate_new(req.lang, today, &officers) {
        Ok(input) if token_ok => input,
        result => {
            let mut errors = result.err().unwrap_or_default();
            if !token_ok {
                errors.add("form", req.lang.t().error_bad_request);
            }
            let page = FormPage {
                ctx: PageCtx::new(&req),
                tx: text(req.lang),
                enterprise,
                demand: None,
                form,
                errors,
                conflict: None,
                officers,
                response_days: days,
            };
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };

    let mut tx = state.db.begin().await?;
    if let Some(existing) =
        form::already_submitted(&mut tx, me.scope.station(), &form.form_token, "demand").await?
    {
        return Ok(redirect_with_flash(
            &format!("/demands/{existing}"),
            Flash::Saved,
        ));
    }
    let due_on = due_date(input.received_on, days);
    let id = queries::insert(
        &mut tx,
        me.scope.id(),
        enterprise.enterprise_id,
        me.user.user_id,
        &input,
        due_on,
    )
    .await?;
    form::remember_submission(&mut tx, me.scope.station(), &form.form_token, "demand", id).await?;
    let summary = format!(
        "{} {} {} due {} assignee #{}: {}",
        enterprise.name,
        input.received_on,
        input.kind.code(),
        due_on,
        input.assignee_id,
        snippet(&input.content, 80)
    );
    let event = Event {
        summary: &summary,
        ..Event::by(&me.user, &req, "demand.create", "demand", Some(id))
    };
    crate::web::record::commit_audited(tx, event, &format!("/demands/{id}"), Flash::Saved).await
}

/// The respond / resolve / extend forms of the demand page, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ActionForm {
    #[serde(default)]
    pub response: String,
    #[serde(default)]
    pub responded_on: String,
    #[serde(default)]
    pub resolved_on: String,
    #[serde(default)]
    pub new_due_on: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub version: String,
}

impl ActionForm {
    fn fresh(d: &Demand, today: NaiveDate) -> ActionForm {
        ActionForm {
            responded_on: today.to_string(),
            resolved_on: today.to_string(),
            version: d.version.to_string(),
            ..ActionForm::default()
        }
    }

    fn version(&self) -> i32 {
        self.version.trim().parse().unwrap_or(0)
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "demands/show.html")]
struct ShowPage {
    ctx: PageCtx,
    tx: &'static DemandText,
    demand: Demand,
    extensions: Vec<Extension>,
    today: NaiveDate,
    can_delete: bool,
    action: ActionForm,
    errors: FieldErrors,
}

impl ShowPage {
    fn overdue(&self) -> bool {
        is_overdue(self.demand.status, self.demand.due_on, self.today)
    }

    fn is_open(&self) -> bool {
        self.demand.status == Status::Open
    }

    fn is_responded(&self) -> bool {
        self.demand.status == Status::Responded
    }

    fn original_due_on(&self) -> NaiveDate {
        self.extensions
            .first()
            .map_or(self.demand.due_on, |x| x.old_due_on)
    }
}

async fn show_page(
    state: &AppState,
    ctx: PageCtx,
    me: &StationUser,
    demand: Demand,
    action: Option<ActionForm>,
    errors: FieldErrors,
) -> AppResult<ShowPage> {
    let today = crate::web::record::today(&state.clock);
    let extensions = queries::extensions(&state.db, me.scope.id(), demand.demand_id).await?;
    let mut action = action.unwrap_or_else(|| ActionForm::fresh(&demand, today));
    // Whatever was typed, the next submit acts on the demand as now shown.
    action.version = demand.version.to_string();
    Ok(ShowPage {
        tx: text(ctx.lang),
        can_delete: me.user.role == Role::Chief,
        ctx,
        demand,
        extensions,
        today,
        action,
        errors,
    })
}

async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: StationUser,
    Path(id): Path<String>,
) -> AppResult<ShowPage> {
    let demand = queries::get(&state.db, me.scope.id(), parse_id(&id)?)
        .await?
        .ok_or(AppError::NotFound)?;
    show_page(&state, ctx, &me, demand, None, FieldErrors::new()).await
}

async fn edit_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: StationUser,
    Path(id): Path<String>,
) -> AppResult<FormPage> {
    let demand = queries::get(&state.db, me.scope.id(), parse_id(&id)?)
        .await?
        .ok_or(AppError::NotFound)?;
    let enterprise = enterprise_brief(&state.db, me.scope.id(), demand.enterprise_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let officers = assignable(&state.db, me.scope.id(), Some(&demand)).await?;
    Ok(FormPage {
        tx: text(ctx.lang),
        ctx,
        enterprise,
        form: DemandForm::from_demand(&demand),
        demand: Some(demand),
        errors: FieldErrors::new(),
        conflict: None,
        officers,
        response_days: response_days(&state.db).await?,
    })
}

async fn update(
    State(state): State<AppState>,
    req: RequestCtx,
    me: StationUser,
    Path(id): Path<String>,
    Form(form): Form<DemandForm>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let current = queries::get(&state.db, me.scope.id(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let enterprise = enterprise_brief(&state.db, me.scope.id(), current.enterprise_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let officers = assignable(&state.db, me.scope.id(), Some(&current)).await?;
    let days = response_days(&state.db).await?;
    let page = |form: DemandForm, errors: FieldErrors, conflict: Option<Demand>| FormPage {
        ctx: PageCtx::new(&req),
        tx: text(req.lang),
        enterprise: enterprise.clone(),
        demand: Some(current.clone()),
        form,
        errors,
        conflict,
        officers: officers.clone(),
        response_days: days,
    };
    let input = match form.validate_edit(req.lang, &officers) {
        Ok(input) => input,
        Err(errors) => {
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page(form, errors, None)).into_response());
        }
    };
    let version: i32 = form.version.trim().parse().unwrap_or(0);

    let mut tx = state.db.begin().await?;
    if !queries::update(&mut tx, me.scope.id(), id, version, &input).await? {
        drop(tx);
        let mut errors = FieldErrors::new();
        errors.add("form", req.lang.t().err_conflict);
        let mut form = form;
        form.version = current.version.to_string();
        let saved = current.clone();
        return Ok((StatusCode::CONFLICT, page(form, errors, Some(saved))).into_response());
    }
    let summary = audit::changes(&[
        ("kind", current.kind.code().into(), input.kind.code().into()),
        ("content", current.content.clone(), input.content.clone()),
        (
            "assignee",
            format!("#{}", current.assignee_id),
            format!("#{}", input.assignee_id),
        ),
    ]);
    let event = Event {
        summary: &summary,
        ..Event::by(&me.user, &req, "demand.update", "demand", Some(id))
    };
    crate::web::record::commit_audited(tx, event, &format!("/demands/{id}"), Flash::Saved).await
}

/// The demand page again, with the errors and what was typed kept.
async fn refuse(
    state: &AppState,
    req: &RequestCtx,
    me: &StationUser,
    status: StatusCode,
    demand: Demand,
    form: ActionForm,
    errors: FieldErrors,
) -> AppResult<Response> {
    let page = show_page(state, PageCtx::new(req), me, demand, Some(form), errors).await?;
    Ok((status, page).into_response())
}

/// The demand to act on, or the page that says why not: a stale version
/// (409) or a transition its status does not allow (422).
async fn load_for_action(
    state: &AppState,
    req: &RequestCtx,
    me: &StationUser,
    id: &str,
    form: &ActionForm,
    allowed_from: Status,
    not_allowed: &'static str,
) -> AppResult<Result<Demand, Response>> {
    let demand = queries::get(&state.db, me.scope.id(), parse_id(id)?)
        .await?
        .ok_or(AppError::NotFound)?;
    let refusal = if form.version() != demand.version {
        Some((StatusCode::CONFLICT, text(req.lang).err_stale))
    } else if demand.status != allowed_from {
        Some((StatusCode::UNPROCESSABLE_ENTITY, not_allowed))
    } else {
        None
    };
    match refusal {
        None => Ok(Ok(demand)),
        Some((status, message)) => {
            let mut errors = FieldErrors::new();
            errors.add("form", message);
            let page = refuse(state, req, me, status, demand, form.clone(), errors).await?;
            Ok(Err(page))
        }
    }
}

/// Someone changed the demand between loading and saving it.
async fn lost_race(
    state: &AppState,
    req: &RequestCtx,
    me: &StationUser,
    id: i64,
    form: ActionForm,
) -> AppResult<Response> {
    let demand = queries::get(&state.db, me.scope.id(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut errors = FieldErrors::new();
    errors.add("form", text(req.lang).err_stale);
    refuse(state, req, me, StatusCode::CONFLICT, demand, form, errors).await
}

/// An optional date that defaults to today, may not be in the future and
/// may not be before `not_before`.
fn action_date(
    e: &mut FieldErrors,
    lang: Lang,
    field: &'static str,
    value: &str,
    today: NaiveDate,
    not_before: NaiveDate,
    before_message: &'static str,
) -> Option<NaiveDate> {
    let date = e
        .check(field, Fields::new(lang).optional_date(value))?
        .unwrap_or(today);
    if date > today {
        e.add(field, text(lang).err_future);
        None
    } else if date < not_before {
        e.add(field, before_message);
        None
    } else {
        Some(date)
    }
}

async fn respond(
    State(state): State<AppState>,
    req: RequestCtx,
    me: StationUser,
    Path(id): Path<String>,
    Form(form): Form<ActionForm>,
) -> AppResult<Response> {
    let t = text(req.lang);
    let demand =
        match load_for_action(&state, &req, &me, &id, &form, Status::Open, t.err_not_open).await? {
            Ok(d) => d,
            Err(page) => return Ok(page),
        };
    let today = crate::web::record::today(&state.clock);
    let mut e = FieldErrors::new();
    let response = e.check("response", Fields::new(req.lang).text(&form.response, 2000));
    let responded_on = action_date(
        &mut e,
        req.lang,
        "responded_on",
        &form.responded_on,
        today,
        demand.received_on,
        t.err_before_received,
    );
    let (Some(response), Some(responded_on)) = (response, responded_on) else {
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return refuse(&state, &req, &me, status, demand, form, e).await;
    };

    let id = demand.demand_id;
    let mut tx = state.db.begin().await?;
    if !queries::respond(
        &mut tx,
        me.scope.id(),
        id,
        demand.version,
        &response,
        responded_on,
    )
    .await?
    {
        drop(tx);
        return lost_race(&state, &req, &me, id, form).await;
    }
    let summary = format!(
        "status: open → responded; responded_on: {responded_on}; response: {}",
        snippet(&response, 200)
    );
    let event = Event {
        summary: &summary,
        ..Event::by(&me.user, &req, "demand.respond", "demand", Some(id))
    };
    crate::web::record::commit_audited(tx, event, &format!("/demands/{id}"), Flash::Saved).await
}

async fn resolve(
    State(state): State<AppState>,
    req: RequestCtx,
    me: StationUser,
    Path(id): Path<String>,
    Form(form): Form<ActionForm>,
) -> AppResult<Response> {
    let t = text(req.lang);
    let demand = match load_for_action(
        &state,
        &req,
        &me,
        &id,
        &form,
        Status::Responded,
        t.err_not_responded,
    )
    .await?
    {
        Ok(d) => d,
        Err(page) => return Ok(page),
    };
    let today = crate::web::record::today(&state.clock);
    let mut e = FieldErrors::new();
    let resolved_on = action_date(
        &mut e,
        req.lang,
        "resolved_on",
        &form.resolved_on,
        today,
        demand.responded_on.unwrap_or(demand.received_on),
        t.err_before_responded,
    );
    let Some(resolved_on) = resolved_on else {
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return refuse(&state, &req, &me, status, demand, form, e).await;
    };

    let id = demand.demand_id;
    let mut tx = state.db.begin().await?;
    if !queries::resolve(&mut tx, me.scope.id(), id, demand.version, resolved_on).await? {
        drop(tx);
        return lost_race(&state, &req, &me, id, form).await;
    }
    let summary = format!("status: responded → resolved; resolved_on: {resolved_on}");
    let event = Event {
        summary: &summary,
        ..Event::by(&me.user, &req, "demand.resolve", "demand", Some(id))
    };
    crate::web::record::commit_audited(tx, event, &format!("/demands/{id}"), Flash::Saved).await
}

async fn extend(
    State(state): State<AppState>,
    req: RequestCtx,
    me: StationUser,
    Path(id): Path<String>,
    Form(form): Form<ActionForm>,
) -> AppResult<Response> {
    let t = text(req.lang);
    let demand = match load_for_action(
        &state,
        &req,
        &me,
        &id,
        &form,
        Status::Open,
        t.err_extend_not_open,
    )
    .await?
    {
        Ok(d) => d,
        Err(page) => return Ok(page),
    };
    let f = Fields::new(req.lang);
    let mut e = FieldErrors::new();
    let new_due_on = e.check("new_due_on", f.date(&form.new_due_on));
    let new_due_on = match new_due_on {
        Some(d) if d <= demand.due_on => {
            e.add("new_due_on", t.err_not_later);
            None
        }
        other => other,
    };
    let reason = e.check("reason", f.text(&form.reason, 500));
    let (Some(new_due_on), Some(reason)) = (new_due_on, reason) else {
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return refuse(&state, &req, &me, status, demand, form, e).await;
    };

    let id = demand.demand_id;
    let mut tx = state.db.begin().await?;
    let done = queries::extend(
        &mut tx,
        me.scope.id(),
        id,
        demand.version,
        demand.due_on,
        new_due_on,
        &reason,
        me.user.user_id,
    )
    .await?;
    if !done {
        drop(tx);
        return lost_race(&state, &req, &me, id, form).await;
    }
    let summary = format!(
        "due_on: {} → {new_due_on}; reason: {}",
        demand.due_on,
        snippet(&reason, 200)
    );
    let event = Event {
        summary: &summary,
        ..Event::by(&me.user, &req, "demand.extend", "demand", Some(id))
    };
    crate::web::record::commit_audited(tx, event, &format!("/demands/{id}"), Flash::Saved).await
}

async fn delete(
    State(state): State<AppState>,
    req: RequestCtx,
    me: Chief,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let mut tx = state.db.begin().await?;
    let Some(gone) = queries::soft_delete(&mut tx, me.scope.id(), id, me.user.user_id).await?
    else {
        return Err(AppError::NotFound);
    };
    let summary = format!(
        "{} {} {} ({}): {}",
        gone.enterprise_name,
        gone.received_on,
        gone.kind.code(),
        gone.status.code(),
        snippet(&gone.content, 200)
    );
    let event = Event {
        summary: &summary,
        ..Event::by(&me.user, &req, "demand.delete", "demand", Some(id))
    };
    crate::web::record::commit_audited(
        tx,
        event,
        &format!("/enterprises/{}", gone.enterprise_id),
        Flash::Deleted,
    )
    .await
}

/// `?status=`, `?kind=`, `?assignee=`, `?overdue=1`, `?enterprise=<id>`,
/// and `?from=`/`?to=` (inclusive) on the date `?on=` names: `received` (the
/// default), `responded` or `resolved`. Unknown or malformed values filter
/// nothing.
#[derive(Debug, Deserialize, Default)]
struct ListQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    assignee: String,
    #[serde(default)]
    overdue: String,
    #[serde(default)]
    enterprise: String,
    #[serde(default)]
    on: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(flatten)]
    page: PageQuery,
}

/// The dates a demand list can be ranged on; the first is the default.
const DATE_FIELDS: [&str; 3] = ["received", "responded", "resolved"];

#[derive(Template, WebTemplate)]
#[template(path = "demands/list.html")]
struct ListPage {
    ctx: PageCtx,
    tx: &'static DemandText,
    demands: Vec<Demand>,
    today: NaiveDate,
    status: String,
    kind: String,
    assignee: String,
    overdue_only: bool,
    officers: Vec<Officer>,
    /// The enterprise filtered to (its id), empty for all.
    enterprise: String,
    /// Its name, when it is an enterprise of the station.
    enterprise_name: Option<String>,
    /// This list without the enterprise filter.
    clear_enterprise: String,
    on: &'static str,
    from: String,
    to: String,
    errors: FieldErrors,
    paging: Paging,
}

impl ListPage {
    fn kinds(&self) -> Vec<(&'static str, &'static str)> {
        Kind::labels(self.ctx.lang)
    }

    fn statuses(&self) -> Vec<(&'static str, &'static str)> {
        Status::labels(self.ctx.lang)
    }

    fn overdue(&self, d: &Demand) -> bool {
        is_overdue(d.status, d.due_on, self.today)
    }

    fn is_on(&self, code: &str) -> bool {
        self.on == code
    }

    fn date_fields(&self) -> [(&'static str, &'static str); 3] {
        [
            (DATE_FIELDS[0], self.tx.received_on),
            (DATE_FIELDS[1], self.tx.responded_on),
            (DATE_FIELDS[2], self.tx.resolved_on),
        ]
    }

    fn is_assignee(&self, officer: &Officer) -> bool {
        self.assignee == officer.user_id.to_string()
    }
}

async fn list(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: StationUser,
    Query(q): Query<ListQuery>,
) -> AppResult<ListPage> {
    // Unknown filter values filter nothing rather than failing.
    let status = Status::ALL.into_iter().find(|s| s.code() == q.status);
    let kind = Kind::ALL.into_iter().find(|k| k.code() == q.kind);
    let officers = station_officers(&state.db, me.scope.id()).await?;
    let assignee_id = q.assignee.trim().parse::<i64>().ok().filter(|id| *id > 0);
    let overdue_only = matches!(q.overdue.as_str(), "1" | "on" | "true");
    let enterprise = q.enterprise.trim().parse::<i64>().ok().filter(|id| *id > 0);
    let on = DATE_FIELDS
        .into_iter()
        .find(|f| *f == q.on.trim())
        .unwrap_or(DATE_FIELDS[0]);
    // A date that is not one is said next to its field, and filters nothing.
    let fields = Fields::new(ctx.lang);
    let mut errors = FieldErrors::new();
    let from = errors
        .check("from", fields.optional_date(&q.from))
        .flatten();
    let to = errors.check("to", fields.optional_date(&q.to)).flatten();
    let today = crate::web::record::today(&state.clock);
    let filter = queries::Filter {
        status,
        kind,
        assignee_id,
        overdue_only,
        today,
        enterprise,
        on,
        from,
        to,
    };
    let total = queries::count(&state.db, me.scope.id(), filter).await?;
    let assignee = assignee_id.map(|id| id.to_string()).unwrap_or_default();
    let enterprise_code = enterprise.map(|id| id.to_string()).unwrap_or_default();
    let from_code = from.map(|d| d.to_string()).unwrap_or_default();
    let to_code = to.map(|d| d.to_string()).unwrap_or_default();
    let others = [
        ("status", status.map_or("", Status::code)),
        ("kind", kind.map_or("", Kind::code)),
        ("assignee", assignee.as_str()),
        ("overdue", if overdue_only { "1" } else { "" }),
        // The default date goes without saying.
        ("on", if on == DATE_FIELDS[0] { "" } else { on }),
        ("from", from_code.as_str()),
        ("to", to_code.as_str()),
    ];
    let paging = Paging::new(
        Paging::parse_page(q.page.page.as_deref()),
        PER_PAGE,
        total,
        query_string(&[&[("enterprise", enterprise_code.as_str())], &others[..]].concat()),
    );
    let (clear_enterprise, enterprise_name) = crate::web::record::enterprise_scope(
        &state.db,
        me.scope.id(),
        enterprise,
        "/demands",
        &others,
    )
    .await?;
    let demands =
        queries::list(&state.db, me.scope.id(), filter, PER_PAGE, paging.offset()).await?;
    Ok(ListPage {
        tx: text(ctx.lang),
        ctx,
        demands,
        today,
        status: status.map_or("", Status::code).to_owned(),
        kind: kind.map_or("", Kind::code).to_owned(),
        assignee,
        overdue_only,
        officers,
        enterprise: enterprise_code,
        enterprise_name,
        clear_enterprise,
        on,
        // What was typed stays, even when it is not a date.
        from: q.from.trim().to_owned(),
        to: q.to.trim().to_owned(),
        errors,
        paging,
    })
}

/// The response period in days of the policy in force (the newest version),
/// or [`DEFAULT_RESPONSE_DAYS`] when there is none.
pub async fn response_days(db: &PgPool) -> sqlx::Result<i32> {
    Ok(queries::response_days(db)
        .await?
        .filter(|d| *d > 0)
        .unwrap_or(DEFAULT_RESPONSE_DAYS))
}

fn open_item(row: queries::ItemRow, today: NaiveDate, lang: Lang) -> OpenItem {
    let t = text(lang);
    let open = row.status == Status::Open;
    let label = if open {
        format!("{} · {}", t.demand, row.kind.label(lang))
    } else {
        format!(
            "{} · {} · {}",
            t.demand,
            row.kind.label(lang),
            t.awaiting_resolution
        )
    };
    OpenItem {
        kind: "demand",
        label,
        summary: snippet(&row.content, 80),
        enterprise: row.enterprise_name,
        // After the response the due date no longer binds anyone.
        due: open.then_some(row.due_on),
        overdue: is_overdue(row.status, row.due_on, today),
        href: format!("/demands/{}", row.demand_id),
    }
}

/// The enterprise's demands for its timeline, newest first. An open demand
/// past its due date (today by the real clock) carries an "overdue" alert.
pub async fn timeline(
    db: &PgPool,
    station_id: i64,
    enterprise_id: i64,
    today: NaiveDate,
    lang: Lang,
) -> sqlx::Result<Vec<TimelineEntry>> {
    let rows = queries::for_enterprise(db, station_id, enterprise_id).await?;
    Ok(rows
        .into_iter()
        .map(|d| TimelineEntry {
            date: d.received_on,
            kind: "demand",
            label: format!("{} · {}", text(lang).demand, d.kind.label(lang)),
            summary: snippet(&d.content, 120),
            href: format!("/demands/{}", d.demand_id),
            alert: is_overdue(d.status, d.due_on, today).then(|| lang.t().overdue.to_owned()),
        })
        .collect())
}

/// The enterprise's demands still waiting for a response or a resolution.
pub async fn open_items(
    db: &PgPool,
    station_id: i64,
    enterprise_id: i64,
    today: NaiveDate,
    lang: Lang,
) -> sqlx::Result<Vec<OpenItem>> {
    let rows = queries::unfinished_for_enterprise(db, station_id, enterprise_id).await?;
    Ok(rows
        .into_iter()
        .map(|r| open_item(r, today, lang))
        .collect())
}

/// Open demands assigned to the officer that are overdue or due within a week.
pub async fn due_for_officer(
    db: &PgPool,
    station_id: i64,
    user_id: i64,
    today: NaiveDate,
    lang: Lang,
) -> sqlx::Result<Vec<OpenItem>> {
    let until = today
        .checked_add_days(Days::new(DUE_SOON_DAYS))
        .unwrap_or(today);
    let rows = queries::open_for_assignee(db, station_id, user_id, until).await?;
    Ok(rows
        .into_iter()
        .map(|r| open_item(r, today, lang))
        .collect())
}

/// Every overdue demand of the station, longest overdue first (for the
/// chief's home page).
pub async fn overdue_for_station(
    db: &PgPool,
    station_id: i64,
    today: NaiveDate,
    lang: Lang,
) -> sqlx::Result<Vec<OpenItem>> {
    let rows = queries::overdue_for_station(db, station_id, today).await?;
    Ok(rows
        .into_iter()
        .map(|r| open_item(r, today, lang))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        form::parse_date(s).expect("a test date")
    }

    #[test]
    fn due_dates_follow_the_period() {
        assert_eq!(due_date(day("2026-01-25"), 15), day("2026-02-09"));
        assert_eq!(due_date(day("2026-02-20"), 10), day("2026-03-02"));
    }

    #[test]
    fn only_open_demands_past_due_are_overdue() {
        let due = day("2026-03-10");
        assert!(!is_overdue(Status::Open, due, day("2026-03-10")));
        assert!(is_overdue(Status::Open, due, day("2026-03-11")));
        assert!(!is_overdue(Status::Responded, due, day("2026-03-11")));
        assert!(!is_overdue(Status::Resolved, due, day("2026-03-11")));
    }
}
