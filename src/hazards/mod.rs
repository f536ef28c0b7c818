//! Hidden dangers (隐患) found at an enterprise, on a visit or reported on
//! their own, and their rectification.
//!
//! A hazard is open until it is rectified (date, note, verifying officer);
//! overdue is derived (open and past its deadline), never stored.

mod queries;
mod text;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, PgPool};

use crate::AppState;
use crate::audit::{self, Event};
use crate::auth::{Chief, StationUser};
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::web::form::{self, FieldErrors, Fields};
use crate::web::paging::{PageQuery, Paging, query_string};
use crate::web::record::{
    EnterpriseBrief, Officer, OpenItem, TimelineEntry, enterprise_brief, snippet, station_officers,
};
use crate::web::{Flash, PageCtx, RequestCtx, parse_id, redirect_with_flash};

pub use text::{HazardText, text};

/// How far ahead an officer's home page looks for hazard deadlines.
const DUE_SOON_DAYS: i64 = 14;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/hazards", get(list))
        .route("/enterprises/{enterprise_id}/hazards/new", get(new_form))
        .route("/enterprises/{enterprise_id}/hazards", post(create))
        .route("/hazards/{id}", get(show))
        .route("/hazards/{id}/edit", get(edit_form).post(update))
        .route("/hazards/{id}/rectify", post(rectify))
        .route("/hazards/{id}/delete", post(delete))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type)]
#[sqlx(type_name = "hazard_severity", rename_all = "lowercase")]
pub enum Severity {
    General,
    Major,
}

impl Severity {
    pub const ALL: [Severity; 2] = [Severity::General, Severity::Major];

    pub fn code(self) -> &'static str {
        match self {
            Severity::General => "general",
            Severity::Major => "major",
        }
    }

    pub fn label(self, lang: impl Into<Lang>) -> &'static str {
        let t = text(lang.into());
        match self {
            Severity::General => t.sev_general,
            Severity::Major => t.sev_major,
        }
    }

    /// Codes and values, for [`Fields::choice`].
    pub fn options() -> Vec<(&'static str, Severity)> {
        Severity::ALL.iter().map(|s| (s.code(), *s)).collect()
    }

    /// Codes and labels, for a `<select>`.
    pub fn choices(lang: Lang) -> Vec<(&'static str, &'static str)> {
        Severity::ALL
            .iter()
            .map(|s| (s.code(), s.label(lang)))
            .collect()
    }
}

/// The list's status filter. "Open" is every hazard not yet rectified,
/// overdue ones included; "overdue" is the open ones past their deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusFilter {
    Open,
    Overdue,
    Rectified,
}

impl StatusFilter {
    pub const ALL: [StatusFilter; 3] = [
        StatusFilter::Open,
        StatusFilter::Overdue,
        StatusFilter::Rectified,
    ];

    pub fn code(self) -> &'static str {
        match self {
            StatusFilter::Open => "open",
            StatusFilter::Overdue => "overdue",
            StatusFilter::Rectified => "rectified",
        }
    }

    pub fn label(self, lang: impl Into<Lang>) -> &'static str {
        let t = text(lang.into());
        match self {
            StatusFilter::Open => t.status_open,
            StatusFilter::Overdue => t.status_overdue,
            StatusFilter::Rectified => t.status_rectified,
        }
    }
}

/// A hazard as stored.
#[derive(Debug, Clone)]
pub struct Hazard {
    pub hazard_id: i64,
    pub enterprise_id: i64,
    pub enterprise_name: String,
    /// The visit it was found on, while that visit exists.
    pub visit_id: Option<i64>,
    pub visited_on: Option<NaiveDate>,
    pub found_on: NaiveDate,
    pub severity: Severity,
    pub description: String,
    pub deadline: NaiveDate,
    pub rectified_on: Option<NaiveDate>,
    pub rectification_note: String,
    pub verified_by: Option<i64>,
    pub verified_by_name: Option<String>,
    pub version: i32,
    pub created_by_name: String,
}

impl Hazard {
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.rectified_on.is_none() && self.deadline < today
    }
}

/// The few facts about a hazard that other pages list.
#[derive(Debug, Clone)]
pub struct HazardBrief {
    pub hazard_id: i64,
    pub enterprise_name: String,
    pub found_on: NaiveDate,
    pub severity: Severity,
    pub description: String,
    pub deadline: NaiveDate,
    pub rectified_on: Option<NaiveDate>,
}

impl HazardBrief {
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.rectified_on.is_none() && self.deadline < today
    }

    fn open_item(&self, today: NaiveDate, lang: Lang) -> OpenItem {
        OpenItem {
            kind: "hazard",
            label: format!("{} · {}", text(lang).hazard, self.severity.label(lang)),
            summary: snippet(&self.description, 120),
            enterprise: self.enterprise_name.clone(),
            due: Some(self.deadline),
            overdue: self.is_overdue(today),
            href: format!("/hazards/{}", self.hazard_id),
        }
    }
}

/// The validated content of the hazard form.
#[derive(Debug, Clone)]
pub struct HazardInput {
    pub found_on: NaiveDate,
    pub severity: Severity,
    pub description: String,
    pub deadline: NaiveDate,
}

/// Store a hazard of the enterprise, found on `visit_id` when given. The
/// caller has checked that the enterprise (and visit) belong to the station,
/// and records the audit event in the same transaction.
pub async fn insert(
    conn: &mut PgConnection,
    station_id: i64,
    enterprise_id: i64,
    visit_id: Option<i64>,
    user_id: i64,
    input: &HazardInput,
) -> sqlx::Result<i64> {
    queries::insert(conn, station_id, enterprise_id, visit_id, user_id, input).await
}

/// The hazards found on a visit of the station.
pub async fn found_on_visit(
    db: &PgPool,
    station_id: i64,
    visit_id: i64,
) -> sqlx::Result<Vec<HazardBrief>> {
    queries::for_visit(db, station_id, visit_id).await
}

/// The audit line for a new hazard.
pub fn audit_summary(enterprise_name: &str, input: &HazardInput) -> String {
    format!(
        "{enterprise_name} {} {} → {}: {}",
        input.severity.code(),
        input.found_on,
        input.deadline,
        snippet(&input.description, 80)
    )
}

/// The form as typed; every field a string so that nothing is lost.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct HazardForm {
    #[serde(default)]
    pub found_on: String,
    #[serde(default)]
    pub severity: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub deadline: String,
    #[serde(default)]
    pub form_token: String,
    #[serde(default)]
    pub version: String,
}

impl HazardForm {
    fn from_hazard(h: &Hazard) -> HazardForm {
        HazardForm {
            found_on: h.found_on.to_string(),
            severity: h.severity.code().to_owned(),
            description: h.description.clone(),
            deadline: h.deadline.to_string(),
            form_token: String::new(),
            version: h.version.to_string(),
        }
    }

    /// `rectified_on`: when editing a rectified hazard, the date it was
    /// rectified, which the found date may not pass.
    fn validate(
        &self,
        lang: Lang,
        today: NaiveDate,
        rectified_on: Option<NaiveDate>,
    ) -> Result<HazardInput, FieldErrors> {
        let f = Fields::new(lang);
        let t = text(lang);
        let mut e = FieldErrors::new();
        let found_on = e.check("found_on", f.date(&self.found_on));
        if found_on.is_some_and(|d| d > today) {
            e.add("found_on", t.err_future);
        }
        if let (Some(found), Some(rectified)) = (found_on, rectified_on)
            && found > rectified
        {
            e.add("found_on", t.err_found_after_rectified);
        }
        let severity = e.check("severity", f.choice(&self.severity, &Severity::options()));
        let description = e.check("description", f.text(&self.description, 2000));
        let deadline = e.check("deadline", f.date(&self.deadline));
        if let (Some(found), Some(deadline)) = (found_on, deadline)
            && deadline < found
        {
            e.add("deadline", t.err_deadline_before_found);
        }
        match (found_on, severity, description, deadline) {
            (Some(found_on), Some(severity), Some(description), Some(deadline)) if e.is_empty() => {
                Ok(HazardInput {
                    found_on,
                    severity,
                    description,
                    deadline,
                })
            }
            _ => Err(e),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "hazards/form.html")]
struct FormPage {
    ctx: PageCtx,
    tx: &'static HazardText,
    enterprise: EnterpriseBrief,
    /// `None` for a new hazard.
    hazard_id: Option<i64>,
    form: HazardForm,
    errors: FieldErrors,
    /// The saved record when a save hit a newer version.
    conflict: Option<Hazard>,
}

impl FormPage {
    fn action(&self) -> String {
        match self.hazard_id {
            Some(id) => format!("/hazards/{id}/edit"),
            None => format!("/enterprises/{}/hazards", self.enterprise.enterprise_id),
        }
    }

    fn severities(&self) -> Vec<(&'static str, &'static str)> {
        Severity::choices(self.ctx.lang)
    }
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
    let today = crate::web::record::today(&state.clock);
    Ok(FormPage {
        tx: text(ctx.lang),
        ctx,
        enterprise,
        hazard_id: None,
        form: HazardForm {
            found_on: today.to_string(),
            form_token: form::new_form_token(),
            ..HazardForm::default()
        },
        errors: FieldErrors::new(),
        conflict: None,
    })
}

async fn create(
    State(state): State<AppState>,
    req: RequestCtx,
    me: StationUser,
    Path(enterprise_id): Path<String>,
    Form(form): Form<HazardForm>,
) -> AppResult<Response> {
    let enterprise = enterprise_brief(&state.db, me.scope.id(), parse_id(&enterprise_id)?)
        .await?
        .ok_or(AppError::NotFound)?;
    let today = crate::web::record::today(&state.clock);
    let token_ok = form::valid_form_token(&form.form_token);
    let input = match form.validate(req.lang, today, None) {
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
                hazard_id: None,
                form,
                errors,
                conflict: None,
            };
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };

    let mut tx = state.db.begin().await?;
    if let Some(existing) =
        form::already_submitted(&mut tx, me.scope.station(), &form.form_token, "hazard").await?
    {
        return Ok(redirect_with_flash(
            &format!("/hazards/{existing}"),
            Flash::Saved,
        ));
    }
    let id = queries::insert(
        &mut tx,
        me.scope.id(),
        enterprise.enterprise_id,
        None,
        me.user.user_id,
        &input,
    )
    .await?;
    form::remember_submission(&mut tx, me.scope.station(), &form.form_token, "hazard", id).await?;
    let summary = audit_summary(&enterprise.name, &input);
    let event = Event {
        summary: &summary,
        ..Event::by(&me.user, &req, "hazard.create", "hazard", Some(id))
    };
    crate::web::record::commit_audited(tx, event, &format!("/hazards/{id}"), Flash::Saved).await
}

/// The rectification form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RectifyForm {
    #[serde(default)]
    pub rectified_on: String,
    #[serde(default)]
    pub rectification_note: String,
    #[serde(default)]
    pub verified_by: String,
}

#[derive(Debug, Clone)]
struct RectifyInput {
    rectified_on: NaiveDate,
    note: String,
    verified_by: i64,
}

impl RectifyForm {
    fn validate(
        &self,
        lang: Lang,
        today: NaiveDate,
        found_on: NaiveDate,
        officers: &[Officer],
    ) -> Result<RectifyInput, FieldErrors> {
        let f = Fields::new(lang);
        let t = text(lang);
        let mut e = FieldErrors::new();
        let rectified_on = e.check("rectified_on", f.date(&self.rectified_on));
        if let Some(d) = rectified_on {
            if d > today {
                e.add("rectified_on", t.err_future);
            } else if d < found_on {
                e.add("rectified_on", t.err_rectified_before_found);
            }
        }
        let note = e.check(
            "rectification_note",
            f.optional_text(&self.rectification_note, 2000),
        );
        let verified_by = e.check("verified_by", f.id(&self.verified_by));
        if verified_by.is_some_and(|id| !officers.iter().any(|o| o.user_id == id)) {
            e.add("verified_by", lang.t().err_choice);
        }
        match (rectified_on, note, verified_by) {
            (Some(rectified_on), Some(note), Some(verified_by)) if e.is_empty() => {
                Ok(RectifyInput {
                    rectified_on,
                    note,
                    verified_by,
                })
            }
            _ => Err(e),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "hazards/show.html")]
struct ShowPage {
    ctx: PageCtx,
    tx: &'static HazardText,
    hazard: Hazard,
    today: NaiveDate,
    can_delete: bool,
    /// For the rectification form's "verified by".
    officers: Vec<Officer>,
    rectify: RectifyForm,
    errors: FieldErrors,
}

impl ShowPage {
    fn overdue(&self) -> bool {
        self.hazard.is_overdue(self.today)
    }
}

async fn show_page(
    state: &AppState,
    ctx: PageCtx,
    me: &StationUser,
    hazard: Hazard,
    rectify: Option<RectifyForm>,
    errors: FieldErrors,
) -> AppResult<ShowPage> {
    let today = crate::web::record::today(&state.clock);
    let officers = station_officers(&state.db, me.scope.id()).await?;
    let rectify = rectify.unwrap_or_else(|| RectifyForm {
        rectified_on: today.to_string(),
        rectification_note: String::new(),
        verified_by: me.user.user_id.to_string(),
    });
    Ok(ShowPage {
        tx: text(ctx.lang),
        ctx,
        hazard,
        today,
        can_delete: me.user.role == crate::auth::Role::Chief,
        officers,
        rectify,
        errors,
    })
}

async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: StationUser,
    Path(id): Path<String>,
) -> AppResult<ShowPage> {
    let hazard = queries::get(&state.db, me.scope.id(), parse_id(&id)?)
        .await?
        .ok_or(AppError::NotFound)?;
    show_page(&state, ctx, &me, hazard, None, FieldErrors::new()).await
}

async fn rectify(
    State(state): State<AppState>,
    req: RequestCtx,
    me: StationUser,
    Path(id): Path<String>,
    Form(form): Form<RectifyForm>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let hazard = queries::get(&state.db, me.scope.id(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let lang = req.lang;
    if let Some(on) = hazard.rectified_on {
        let mut errors = FieldErrors::new();
        errors.add("form", (text(lang).err_already_rectified)(&on.to_string()));
        let page = show_page(&state, PageCtx::new(&req), &me, hazard, Some(form), errors).await?;
        return Ok((StatusCode::CONFLICT, page).into_response());
    }
    let today = crate::web::record::today(&state.clock);
    let officers = station_officers(&state.db, me.scope.id()).await?;
    let input = match form.validate(lang, today, hazard.found_on, &officers) {
        Ok(input) => input,
        Err(errors) => {
            let page =
                show_page(&state, PageCtx::new(&req), &me, hazard, Some(form), errors).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };

    let mut tx = state.db.begin().await?;
    let done = queries::rectify(
        &mut tx,
        me.scope.id(),
        id,
        input.rectified_on,
        &input.note,
        input.verified_by,
    )
    .await?;
    if !done {
        // Rectified (or changed) by someone else since the page was loaded.
        drop(tx);
        let current = queries::get(&state.db, me.scope.id(), id)
            .await?
            .ok_or(AppError::NotFound)?;
        let mut errors = FieldErrors::new();
        match current.rectified_on {
            Some(on) => errors.add("form", (text(lang).err_already_rectified)(&on.to_string())),
            None => errors.add("form", lang.t().err_conflict),
        }
        let page = show_page(&state, PageCtx::new(&req), &me, current, Some(form), errors).await?;
        return Ok((StatusCode::CONFLICT, page).into_response());
    }
    let verifier = officers
        .iter()
        .find(|o| o.user_id == input.verified_by)
        .map_or("", |o| o.display_name.as_str());
    let summary = format!(
        "{} #{id}: {} ({verifier}) {}",
        hazard.enterprise_name,
        input.rectified_on,
        snippet(&input.note, 80)
    );
    let event = Event {
        summary: &summary,
        ..Event::by(&me.user, &req, "hazard.rectify", "hazard", Some(id))
    };
    crate::web::record::commit_audited(tx, event, &format!("/hazards/{id}"), Flash::Saved).await
}

async fn edit_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: StationUser,
    Path(id): Path<String>,
) -> AppResult<FormPage> {
    let hazard = queries::get(&state.db, me.scope.id(), parse_id(&id)?)
        .await?
        .ok_or(AppError::NotFound)?;
    let enterprise = enterprise_brief(&state.db, me.scope.id(), hazard.enterprise_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(FormPage {
        tx: text(ctx.lang),
        ctx,
        enterprise,
        hazard_id: Some(hazard.hazard_id),
        form: HazardForm::from_hazard(&hazard),
        errors: FieldErrors::new(),
        conflict: None,
    })
}

async fn update(
    State(state): State<AppState>,
    req: RequestCtx,
    me: StationUser,
    Path(id): Path<String>,
    Form(form): Form<HazardForm>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let current = queries::get(&state.db, me.scope.id(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let enterprise = enterprise_brief(&state.db, me.scope.id(), current.enterprise_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let today = crate::web::record::today(&state.clock);
    let page = |form: HazardForm, errors: FieldErrors, conflict: Option<Hazard>| FormPage {
        ctx: PageCtx::new(&req),
        tx: text(req.lang),
        enterprise: enterprise.clone(),
        hazard_id: Some(id),
        form,
        errors,
        conflict,
    };
    let input = match form.validate(req.lang, today, current.rectified_on) {
        Ok(input) => input,
        Err(errors) => {
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page(form, errors, None)).into_response());
        }
    };
    let version: i32 = form.version.trim().parse().unwrap_or(0);

    let mut tx = state.db.begin().await?;
    let saved = queries::update(&mut tx, me.scope.id(), id, version, &input).await?;
    if !saved {
        // Someone saved first: keep what this user typed, show what is saved.
        drop(tx);
        let current = queries::get(&state.db, me.scope.id(), id)
            .await?
            .ok_or(AppError::NotFound)?;
        let mut errors = FieldErrors::new();
        errors.add("form", req.lang.t().err_conflict);
        let mut form = form;
        form.version = current.version.to_string();
        return Ok((StatusCode::CONFLICT, page(form, errors, Some(current))).into_response());
    }
    let summary = audit::changes(&[
        (
            "found_on",
            current.found_on.to_string(),
            input.found_on.to_string(),
        ),
        (
            "severity",
            current.severity.code().into(),
            input.severity.code().into(),
        ),
        (
            "description",
            current.description.clone(),
            input.description.clone(),
        ),
        (
            "deadline",
            current.deadline.to_string(),
            input.deadline.to_string(),
        ),
    ]);
    let event = Event {
        summary: &summary,
        ..Event::by(&me.user, &req, "hazard.update", "hazard", Some(id))
    };
    crate::web::record::commit_audited(tx, event, &format!("/hazards/{id}"), Flash::Saved).await
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
        "{} {} {}: {}",
        gone.enterprise_name,
        gone.found_on,
        gone.severity.code(),
        snippet(&gone.description, 200)
    );
    let event = Event {
        summary: &summary,
        ..Event::by(&me.user, &req, "hazard.delete", "hazard", Some(id))
    };
    crate::web::record::commit_audited(
        tx,
        event,
        &format!("/enterprises/{}", gone.enterprise_id),
        Flash::Deleted,
    )
    .await
}

/// `?status=`, `?severity=`, `?enterprise=<id>`, and `?from=`/`?to=`
/// (inclusive) on the date `?on=` names: `found` (the default) or
/// `rectified`. Unknown or malformed values filter nothing.
#[derive(Debug, Deserialize, Default)]
struct ListQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    severity: String,
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

/// The dates a hazard list can be ranged on; the first is the default.
const DATE_FIELDS: [&str; 2] = ["found", "rectified"];

#[derive(Template, WebTemplate)]
#[template(path = "hazards/list.html")]
struct ListPage {
    ctx: PageCtx,
    tx: &'static HazardText,
    hazards: Vec<Hazard>,
    today: NaiveDate,
    status: String,
    severity: String,
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
    fn statuses(&self) -> Vec<(&'static str, &'static str)> {
        StatusFilter::ALL
            .iter()
            .map(|s| (s.code(), s.label(self.ctx.lang)))
            .collect()
    }

    fn severities(&self) -> Vec<(&'static str, &'static str)> {
        Severity::choices(self.ctx.lang)
    }

    fn is_on(&self, code: &str) -> bool {
        self.on == code
    }

    fn date_fields(&self) -> [(&'static str, &'static str); 2] {
        [
            (DATE_FIELDS[0], self.tx.found_on),
            (DATE_FIELDS[1], self.tx.rectified_on),
        ]
    }
}

const PER_PAGE: i64 = 25;

async fn list(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: StationUser,
    Query(q): Query<ListQuery>,
) -> AppResult<ListPage> {
    // Unknown filter values filter nothing rather than failing; a date that
    // is not one is said next to its field.
    let status = StatusFilter::ALL.into_iter().find(|s| s.code() == q.status);
    let severity = Severity::ALL.into_iter().find(|s| s.code() == q.severity);
    let enterprise = q.enterprise.trim().parse::<i64>().ok().filter(|id| *id > 0);
    let on = DATE_FIELDS
        .into_iter()
        .find(|f| *f == q.on.trim())
        .unwrap_or(DATE_FIELDS[0]);
    let fields = Fields::new(ctx.lang);
    let mut errors = FieldErrors::new();
    let from = errors
        .check("from", fields.optional_date(&q.from))
        .flatten();
    let to = errors.check("to", fields.optional_date(&q.to)).flatten();
    let today = crate::web::record::today(&state.clock);
    let filter = queries::Filter {
        status,
        severity,
        enterprise,
        on,
        from,
        to,
        today,
    };
    let total = queries::count(&state.db, me.scope.id(), filter).await?;
    let status_code = status.map_or("", StatusFilter::code);
    let severity_code = severity.map_or("", Severity::code);
    let enterprise_code = enterprise.map(|id| id.to_string()).unwrap_or_default();
    let from_code = from.map(|d| d.to_string()).unwrap_or_default();
    let to_code = to.map(|d| d.to_string()).unwrap_or_default();
    let others = [
        ("status", status_code),
        ("severity", severity_code),
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
        "/hazards",
        &others,
    )
    .await?;
    let hazards =
        queries::list(&state.db, me.scope.id(), filter, PER_PAGE, paging.offset()).await?;
    Ok(ListPage {
        tx: text(ctx.lang),
        ctx,
        hazards,
        today,
        status: status_code.to_owned(),
        severity: severity_code.to_owned(),
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

/// The enterprise's hazards for its timeline, newest first.
///
/// The signature carries no date, so "overdue" here is judged against the
/// real clock (China time).
pub async fn timeline(
    db: &PgPool,
    station_id: i64,
    enterprise_id: i64,
    today: NaiveDate,
    lang: Lang,
) -> sqlx::Result<Vec<TimelineEntry>> {
    let t = text(lang);
    let rows = queries::for_enterprise(db, station_id, enterprise_id).await?;
    Ok(rows
        .into_iter()
        .map(|h| {
            let state = match h.rectified_on {
                Some(on) => format!("{} {on}", t.status_rectified),
                None => (t.deadline_label)(&h.deadline.to_string()),
            };
            TimelineEntry {
                date: h.found_on,
                kind: "hazard",
                label: format!("{} · {}", t.hazard, h.severity.label(lang)),
                summary: format!("{} ({state})", snippet(&h.description, 100)),
                href: format!("/hazards/{}", h.hazard_id),
                alert: h.is_overdue(today).then(|| lang.t().overdue.to_owned()),
            }
        })
        .collect())
}

/// The enterprise's hazards not yet rectified, soonest deadline first.
pub async fn open_items(
    db: &PgPool,
    station_id: i64,
    enterprise_id: i64,
    today: NaiveDate,
    lang: Lang,
) -> sqlx::Result<Vec<OpenItem>> {
    let rows = queries::open_for_enterprise(db, station_id, enterprise_id).await?;
    Ok(rows.iter().map(|h| h.open_item(today, lang)).collect())
}

/// Open hazards at the officer's liaison enterprises that are overdue or due
/// within two weeks, soonest deadline first.
pub async fn due_for_officer(
    db: &PgPool,
    station_id: i64,
    user_id: i64,
    today: NaiveDate,
    lang: Lang,
) -> sqlx::Result<Vec<OpenItem>> {
    let until = today + chrono::Duration::days(DUE_SOON_DAYS);
    let rows = queries::due_at_liaison_enterprises(db, station_id, user_id, until).await?;
    Ok(rows.iter().map(|h| h.open_item(today, lang)).collect())
}
