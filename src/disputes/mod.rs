//! Disputes (矛盾纠纷) at an enterprise: reported, mediated, resolved or
//! referred, followed up after resolution, and closed once every follow-up
//! is done.
//!
//! The record itself follows the incidents pattern (typed form, one-time
//! token, version, soft delete, audit). Its status moves only along
//! [`Status::step_to`]; every move is a `dispute_event` row and an audit
//! event. The dispute page and the actions posted from it (status steps,
//! follow-ups) live in `workflow`.

mod queries;
mod text;
mod workflow;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::NaiveDate;
use serde::Deserialize;
use sqlx::PgPool;

use crate::AppState;
use crate::audit::{self, Event};
use crate::auth::{Chief, StationUser};
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::web::form::{self, FieldErrors, Fields};
use crate::web::paging::{PageQuery, Paging, query_string};
use crate::web::record::{
    EnterpriseBrief, OpenItem, TimelineEntry, enterprise_brief, snippet, today,
};
use crate::web::{Flash, PageCtx, RequestCtx, parse_id, redirect_with_flash};

pub use text::{DisputeText, text};

/// Used when no scoring policy exists yet (the default policy's value).
const DEFAULT_MASS_THRESHOLD: i32 = 30;

/// Days from resolution to the follow-up scheduled with it.
const FOLLOW_UP_DAYS: i64 = 7;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/disputes", get(list))
        .route("/enterprises/{enterprise_id}/disputes/new", get(new_form))
        .route("/enterprises/{enterprise_id}/disputes", post(create))
        .route("/disputes/{id}", get(workflow::show))
        .route("/disputes/{id}/edit", get(edit_form).post(update))
        .route("/disputes/{id}/transition", post(workflow::transition))
        .route(
            "/disputes/{id}/follow-ups",
            post(workflow::schedule_follow_up),
        )
        .route(
            "/disputes/{id}/follow-ups/{follow_up_id}/done",
            post(workflow::record_follow_up),
        )
        .route("/disputes/{id}/delete", post(delete))
}

/// People involved from which a dispute is a mass dispute (群体性纠纷), from
/// the newest scoring policy.
pub async fn mass_threshold(db: &PgPool) -> sqlx::Result<i32> {
    Ok(queries::mass_threshold(db)
        .await?
        .unwrap_or(DEFAULT_MASS_THRESHOLD))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "dispute_kind", rename_all = "lowercase")]
pub enum Kind {
    Wages,
    Contract,
    Labour,
    Neighbourhood,
    Other,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::Wages,
        Kind::Contract,
        Kind::Labour,
        Kind::Neighbourhood,
        Kind::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Kind::Wages => "wages",
            Kind::Contract => "contract",
            Kind::Labour => "labour",
            Kind::Neighbourhood => "neighbourhood",
            Kind::Other => "other",
        }
    }

    pub fn label(self, lang: impl Into<Lang>) -> &'static str {
        let t = text(lang.into());
        match self {
            Kind::Wages => t.kind_wages,
            Kind::Contract => t.kind_contract,
            Kind::Labour => t.kind_labour,
            Kind::Neighbourhood => t.kind_neighbourhood,
            Kind::Other => t.kind_other,
        }
    }

    fn options() -> Vec<(&'static str, Kind)> {
        Kind::ALL.iter().map(|k| (k.code(), *k)).collect()
    }

    fn parse(code: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.code() == code.trim())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "dispute_status", rename_all = "lowercase")]
pub enum Status {
    Reported,
    Mediating,
    Resolved,
    Referred,
    Closed,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Reported,
        Status::Mediating,
        Status::Resolved,
        Status::Referred,
        Status::Closed,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Status::Reported => "reported",
            Status::Mediating => "mediating",
            Status::Resolved => "resolved",
            Status::Referred => "referred",
            Status::Closed => "closed",
        }
    }

    pub fn label(self, lang: impl Into<Lang>) -> &'static str {
        let t = text(lang.into());
        match self {
            Status::Reported => t.status_reported,
            Status::Mediating => t.status_mediating,
            Status::Resolved => t.status_resolved,
            Status::Referred => t.status_referred,
            Status::Closed => t.status_closed,
        }
    }

    fn parse(code: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.code() == code.trim())
    }

    /// Still to be settled (counts against the enterprise in scoring).
    pub fn is_unresolved(self) -> bool {
        matches!(self, Status::Reported | Status::Mediating)
    }

    /// The step that takes a dispute from `self` to `to`, if there is one.
    /// These are the only status changes there are.
    pub fn step_to(self, to: Status) -> Option<Step> {
        use Status::{Closed, Mediating, Referred, Reported, Resolved};
        match (self, to) {
            (Reported, Mediating) => Some(Step::Mediate),
            (Reported | Mediating, Referred) => Some(Step::Refer),
            (Mediating, Resolved) => Some(Step::Resolve),
            (Resolved, Closed) => Some(Step::Close),
            (Resolved | Referred | Closed, Mediating) => Some(Step::Reopen),
            _ => None,
        }
    }

    /// The steps open from `self`, forward ones first.
    pub fn steps(self) -> Vec<Step> {
        Step::ALL
            .into_iter()
            .filter(|step| self.step_to(step.to()) == Some(*step))
            .collect()
    }
}

/// A change of status, as the user sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Mediate,
    Refer,
    Resolve,
    Close,
    Reopen,
}

impl Step {
    pub const ALL: [Step; 5] = [
        Step::Mediate,
        Step::Resolve,
        Step::Close,
        Step::Refer,
        Step::Reopen,
    ];

    /// Where the step leads.
    pub fn to(self) -> Status {
        match self {
            Step::Mediate | Step::Reopen => Status::Mediating,
            Step::Refer => Status::Referred,
            Step::Resolve => Status::Resolved,
            Step::Close => Status::Closed,
        }
    }

    /// For element ids.
    pub fn code(self) -> &'static str {
        match self {
            Step::Mediate => "mediate",
            Step::Refer => "refer",
            Step::Resolve => "resolve",
            Step::Close => "close",
            Step::Reopen => "reopen",
        }
    }

    fn audit_action(self) -> &'static str {
        match self {
            Step::Mediate => "dispute.mediate",
            Step::Refer => "dispute.refer",
            Step::Resolve => "dispute.resolve",
            Step::Close => "dispute.close",
            Step::Reopen => "dispute.reopen",
        }
    }

    pub fn label(self, lang: impl Into<Lang>) -> &'static str {
        let t = text(lang.into());
        match self {
            Step::Mediate => t.step_mediate,
            Step::Refer => t.step_refer,
            Step::Resolve => t.step_resolve,
            Step::Close => t.step_close,
            Step::Reopen => t.step_reopen,
        }
    }

    /// The label of the step's free-text note, when it has one.
    pub fn reason_label(self, lang: impl Into<Lang>) -> Option<&'static str> {
        let t = text(lang.into());
        match self {
            Step::Refer => Some(t.referral_note),
            Step::Close => Some(t.closing_note),
            Step::Reopen => Some(t.reopen_reason),
            Step::Mediate | Step::Resolve => None,
        }
    }

    pub fn reason_required(self) -> bool {
        self == Step::Reopen
    }

    /// The label of the step's date, when it has one (default today).
    pub fn date_label(self, lang: impl Into<Lang>) -> Option<&'static str> {
        let t = text(lang.into());
        match self {
            Step::Resolve => Some(t.resolved_on),
            Step::Close => Some(t.closed_on),
            Step::Mediate | Step::Refer | Step::Reopen => None,
        }
    }

    pub fn needs_resolution(self) -> bool {
        self == Step::Resolve
    }

    pub fn hint(self, lang: impl Into<Lang>) -> Option<&'static str> {
        let t = text(lang.into());
        match self {
            Step::Resolve => Some(t.resolve_hint),
            Step::Close => Some(t.close_hint),
            Step::Reopen => Some(t.reopen_hint),
            Step::Mediate | Step::Refer => None,
        }
    }

    /// The main way forward is the primary button; going back is not.
    pub fn button_class(self) -> &'static str {
        match self {
            Step::Mediate | Step::Resolve | Step::Close => "btn btn-primary",
            Step::Refer | Step::Reopen => "btn",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "mediation_force", rename_all = "lowercase")]
pub enum Force {
    Street,
    Community,
    Judicial,
    Enterprise,
    Mediator,
}

impl Force {
    pub const ALL: [Force; 5] = [
        Force::Street,
        Force::Community,
        Force::Judicial,
        Force::Enterprise,
        Force::Mediator,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Force::Street => "street",
            Force::Community => "community",
            Force::Judicial => "judicial",
            Force::Enterprise => "enterprise",
            Force::Mediator => "mediator",
        }
    }

    pub fn label(self, lang: impl Into<Lang>) -> &'static str {
        let t = text(lang.into());
        match self {
            Force::Street => t.force_street,
            Force::Community => t.force_community,
            Force::Judicial => t.force_judicial,
            Force::Enterprise => t.force_enterprise,
            Force::Mediator => t.force_mediator,
        }
    }
}

/// The forces' labels, joined; "none recorded" when there are none.
fn forces_text(forces: &[Force], lang: Lang) -> String {
    let t = text(lang);
    if forces.is_empty() {
        return t.no_forces.to_owned();
    }
    forces
        .iter()
        .map(|f| f.label(lang))
        .collect::<Vec<_>>()
        .join(t.list_sep)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "follow_up_method", rename_all = "lowercase")]
pub enum Method {
    Visit,
    Phone,
    Survey,
}

impl Method {
    pub const ALL: [Method; 3] = [Method::Visit, Method::Phone, Method::Survey];

    pub fn code(self) -> &'static str {
        match self {
            Method::Visit => "visit",
            Method::Phone => "phone",
            Method::Survey => "survey",
        }
    }

    pub fn label(self, lang: impl Into<Lang>) -> &'static str {
        let t = text(lang.into());
        match self {
            Method::Visit => t.method_visit,
            Method::Phone => t.method_phone,
            Method::Survey => t.method_survey,
        }
    }

    fn options() -> Vec<(&'static str, Method)> {
        Method::ALL.iter().map(|m| (m.code(), *m)).collect()
    }
}

/// A dispute as stored.
#[derive(Debug, Clone)]
pub struct Dispute {
    pub dispute_id: i64,
    pub enterprise_id: i64,
    pub enterprise_name: String,
    pub liaison_officer_id: Option<i64>,
    pub reported_on: NaiveDate,
    pub parties: String,
    pub kind: Kind,
    pub people_involved: i32,
    pub mediation_forces: Vec<Force>,
    pub status: Status,
    pub summary: String,
    pub resolution: String,
    pub resolved_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    pub version: i32,
    pub created_by_name: String,
}

/// The validated content of the form.
#[derive(Debug, Clone)]
pub struct DisputeInput {
    pub reported_on: NaiveDate,
    pub parties: String,
    pub kind: Kind,
    pub people_involved: i32,
    pub forces: Vec<Force>,
    pub summary: String,
}

/// The form as typed; every field a string so that nothing is lost.
/// `forces` repeats (one checkbox each), so it is read from the pairs.
#[derive(Debug, Clone, Default)]
pub struct DisputeForm {
    pub reported_on: String,
    pub parties: String,
    pub kind: String,
    pub people_involved: String,
    pub forces: Vec<String>,
    pub summary: String,
    pub form_token: String,
    pub version: String,
}

impl DisputeForm {
    fn from_pairs(pairs: Vec<(String, String)>) -> DisputeForm {
        let mut form = DisputeForm::default();
        for (name, value) in pairs {
            match name.as_str() {
                "reported_on" => form.reported_on = value,
                "parties" => form.parties = value,
                "kind" => form.kind = value,
                "people_involved" => form.people_involved = value,
                "forces" => form.forces.push(value),
                "summary" => form.summary = value,
                "form_token" => form.form_token = value,
                "version" => form.version = value,
                _ => {}
            }
        }
        form
    }

    fn from_dispute(d: &Dispute) -> DisputeForm {
        DisputeForm {
            reported_on: d.reported_on.to_string(),
            parties: d.parties.clone(),
            kind: d.kind.code().to_owned(),
            people_involved: d.people_involved.to_string(),
            forces: d
                .mediation_forces
                .iter()
                .map(|f| f.code().to_owned())
                .collect(),
            summary: d.summary.clone(),
            form_token: String::new(),
            version: d.version.to_string(),
        }
    }

    pub fn has_force(&self, code: &str) -> bool {
        self.forces.iter().any(|f| f.trim() == code)
    }

    /// `resolved_on`: when editing a resolved dispute, the reported date may
    /// not move past it.
    fn validate(
        &self,
        lang: Lang,
        today: NaiveDate,
        resolved_on: Option<NaiveDate>,
    ) -> Result<DisputeInput, FieldErrors> {
        let f = Fields::new(lang);
        let t = text(lang);
        let mut e = FieldErrors::new();
        let reported_on = e.check("reported_on", f.date(&self.reported_on));
        if reported_on.is_some_and(|d| d > today) {
            e.add("reported_on", t.err_future);
        }
        if let (Some(reported), Some(resolved)) = (reported_on, resolved_on)
            && reported > resolved
        {
            e.add("reported_on", (t.err_after_resolved)(&resolved.to_string()));
        }
        let parties = e.check("parties", f.text(&self.parties, 500));
        let kind = e.check("kind", f.choice(&self.kind, &Kind::options()));
        let people = e
            .check("people_involved", f.int(&self.people_involved, 1, 100_000))
            .and_then(|n| i32::try_from(n).ok());
        let forces = e.check("forces", self.parse_forces(lang));
        let summary = e.check("summary", f.optional_text(&self.summary, 2000));
        match (reported_on, parties, kind, people, forces, summary) {
            (
                Some(reported_on),
                Some(parties),
                Some(kind),
                Some(people_involved),
                Some(forces),
                Some(summary),
            ) if e.is_empty() => Ok(DisputeInput {
                reported_on,
                parties,
                kind,
                people_involved,
                forces,
                summary,
            }),
            _ => Err(e),
        }
    }

    /// The ticked forces, in the catalogue's order, each once.
    fn parse_forces(&self, lang: Lang) -> Result<Vec<Force>, String> {
        let known = self
            .forces
            .iter()
            .map(|code| code.trim())
            .filter(|code| !code.is_empty())
            .all(|code| Force::ALL.iter().any(|f| f.code() == code));
        if !known {
            return Err(lang.t().err_choice.to_owned());
        }
        Ok(Force::ALL
            .into_iter()
            .filter(|f| self.has_force(f.code()))
            .collect())
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "disputes/form.html")]
struct FormPage {
    ctx: PageCtx,
    tx: &'static DisputeText,
    enterprise: EnterpriseBrief,
    /// `None` for a new dispute.
    dispute_id: Option<i64>,
    form: DisputeForm,
    errors: FieldErrors,
    /// The saved record when a save hit a newer version.
    conflict: Option<Dispute>,
    threshold: i32,
}

impl FormPage {
    fn action(&self) -> String {
        match self.dispute_id {
            Some(id) => format!("/disputes/{id}/edit"),
            None => format!("/enterprises/{}/disputes", self.enterprise.enterprise_id),
        }
    }

    fn kinds(&self) -> Vec<(&'static str, &'static str)> {
        Kind::ALL
            .iter()
            .map(|k| (k.code(), k.label(self.ctx.lang)))
            .collect()
    }

    /// (code, label, ticked)
    fn forces(&self) -> Vec<(&'static str, &'static str, bool)> {
        Force::ALL
            .iter()
            .map(|f| {
                (
                    f.code(),
                    f.label(self.ctx.lang),
                    self.form.has_force(f.code()),
                )
            })
            .collect()
    }

    fn people_hint(&self) -> String {
        (self.tx.people_hint)(self.threshold)
    }

    fn forces_text(&self, forces: &[Force]) -> String {
        forces_text(forces, self.ctx.lang)
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
    Ok(FormPage {
        tx: text(ctx.lang),
        threshold: mass_threshold(&state.db).await?,
        ctx,
        enterprise,
        dispute_id: None,
        form: DisputeForm {
            reported_on: today(&state.clock).to_string(),
            form_token: form::new_form_token(),
            ..DisputeForm::default()
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
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let form = DisputeForm::from_pairs(pairs);
    let enterprise = enterprise_brief(&state.db, me.scope.id(), parse_id(&enterprise_id)?)
        .await?
        .ok_or(AppError::NotFound)?;
    let token_ok = form::valid_form_token(&form.form_token);
    let input = match form.validate(req.lang, today(&state.clock), None) {
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
                dispute_id: None,
                form,
                errors,
                conflict: None,
                threshold: mass_threshold(&state.db).await?,
            };
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };

    let mut tx = state.db.begin().await?;
    if let Some(existing) =
        form::already_submitted(&mut tx, me.scope.station(), &form.form_token, "dispute").await?
    {
        // The same form again (double click, reload): show what the first made.
        return Ok(redirect_with_flash(
            &format!("/disputes/{existing}"),
            Flash::Saved,
        ));
    }
    let id = queries::insert(
        &mut tx,
        me.scope.id(),
        enterprise.enterprise_id,
        me.user.user_id,
        &input,
    )
    .await?;
    queries::insert_event(
        &mut tx,
        me.scope.id(),
        id,
        None,
        Status::Reported,
        "",
        me.user.user_id,
    )
    .await?;
    form::remember_submission(&mut tx, me.scope.station(), &form.form_token, "dispute", id).await?;
    let summary = format!(
        "{} {} {} ({} people): {}",
        enterprise.name,
        input.reported_on,
        input.kind.code(),
        input.people_involved,
        snippet(&input.parties, 80)
    );
    let event = Event {
        summary: &summary,
        ..Event::by(&me.user, &req, "dispute.create", "dispute", Some(id))
    };
    crate::web::record::commit_audited(tx, event, &format!("/disputes/{id}"), Flash::Saved).await
}

async fn edit_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: StationUser,
    Path(id): Path<String>,
) -> AppResult<FormPage> {
    let dispute = queries::get(&state.db, me.scope.id(), parse_id(&id)?)
        .await?
        .ok_or(AppError::NotFound)?;
    let enterprise = enterprise_brief(&state.db, me.scope.id(), dispute.enterprise_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(FormPage {
        tx: text(ctx.lang),
        threshold: mass_threshold(&state.db).await?,
        ctx,
        enterprise,
        dispute_id: Some(dispute.dispute_id),
        form: DisputeForm::from_dispute(&dispute),
        errors: FieldErrors::new(),
        conflict: None,
    })
}

async fn update(
    State(state): State<AppState>,
    req: RequestCtx,
    me: StationUser,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let form = DisputeForm::from_pairs(pairs);
    let id = parse_id(&id)?;
    let current = queries::get(&state.db, me.scope.id(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let enterprise = enterprise_brief(&state.db, me.scope.id(), current.enterprise_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let threshold = mass_threshold(&state.db).await?;
    let page = |form: DisputeForm, errors: FieldErrors, conflict: Option<Dispute>| FormPage {
        ctx: PageCtx::new(&req),
        tx: text(req.lang),
        enterprise: enterprise.clone(),
        dispute_id: Some(id),
        form,
        errors,
        conflict,
        threshold,
    };
    let input = match form.validate(req.lang, today(&state.clock), current.resolved_on) {
        Ok(input) => input,
        Err(errors) => {
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page(form, errors, None)).into_response());
        }
    };
    let version: i32 = form.version.trim().parse().unwrap_or(0);

    let mut tx = state.db.begin().await?;
    let saved = queries::update(&mut tx, me.scope.id(), id, version, &input).await?;
    if !saved {
        // Someone saved first: keep what this user typed, show what is saved,
        // and let a second save (with the current version) go through.
        drop(tx);
        let mut errors = FieldErrors::new();
        errors.add("form", req.lang.t().err_conflict);
        let mut form = form;
        form.version = current.version.to_string();
        return Ok((StatusCode::CONFLICT, page(form, errors, Some(current))).into_response());
    }
    let codes = |forces: &[Force]| {
        forces
            .iter()
            .map(|f| f.code())
            .collect::<Vec<_>>()
            .join(",")
    };
    let summary = audit::changes(&[
        (
            "reported_on",
            current.reported_on.to_string(),
            input.reported_on.to_string(),
        ),
        ("parties", current.parties.clone(), input.parties.clone()),
        ("kind", current.kind.code().into(), input.kind.code().into()),
        (
            "people_involved",
            current.people_involved.to_string(),
            input.people_involved.to_string(),
        ),
        (
            "forces",
            codes(&current.mediation_forces),
            codes(&input.forces),
        ),
        ("summary", current.summary.clone(), input.summary.clone()),
    ]);
    let event = Event {
        summary: &summary,
        ..Event::by(&me.user, &req, "dispute.update", "dispute", Some(id))
    };
    crate::web::record::commit_audited(tx, event, &format!("/disputes/{id}"), Flash::Saved).await
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
        "{} {} {} {} ({} people): {}",
        gone.enterprise_name,
        gone.reported_on,
        gone.kind.code(),
        gone.status.code(),
        gone.people_involved,
        snippet(&gone.parties, 200)
    );
    let event = Event {
        summary: &summary,
        ..Event::by(&me.user, &req, "dispute.delete", "dispute", Some(id))
    };
    crate::web::record::commit_audited(
        tx,
        event,
        &format!("/enterprises/{}", gone.enterprise_id),
        Flash::Deleted,
    )
    .await
}

/// `?status=` takes a status code or `open` (reported or mediating);
/// `?mass=1` keeps mass disputes; `?awaiting=1` keeps resolved disputes
/// with a follow-up still to do; `?enterprise=<id>` keeps one enterprise's;
/// `?from=`/`?to=` (inclusive) range the date `?on=` names: `reported` (the
/// default) or `resolved`. Unknown or malformed values filter nothing.
#[derive(Debug, Deserialize, Default)]
struct ListQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    mass: String,
    #[serde(default)]
    awaiting: String,
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

/// The dates a dispute list can be ranged on; the first is the default.
const DATE_FIELDS: [&str; 2] = ["reported", "resolved"];

#[derive(Template, WebTemplate)]
#[template(path = "disputes/list.html")]
struct ListPage {
    ctx: PageCtx,
    tx: &'static DisputeText,
    disputes: Vec<queries::ListRow>,
    status: String,
    kind: String,
    mass: bool,
    awaiting: bool,
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
    threshold: i32,
    today: NaiveDate,
    paging: Paging,
}

impl ListPage {
    fn statuses(&self) -> Vec<(&'static str, &'static str)> {
        let mut all = vec![("open", self.tx.status_open)];
        all.extend(
            Status::ALL
                .iter()
                .map(|s| (s.code(), s.label(self.ctx.lang))),
        );
        all
    }

    fn kinds(&self) -> Vec<(&'static str, &'static str)> {
        Kind::ALL
            .iter()
            .map(|k| (k.code(), k.label(self.ctx.lang)))
            .collect()
    }

    fn is_on(&self, code: &str) -> bool {
        self.on == code
    }

    fn date_fields(&self) -> [(&'static str, &'static str); 2] {
        [
            (DATE_FIELDS[0], self.tx.reported_on),
            (DATE_FIELDS[1], self.tx.resolved_on),
        ]
    }

    /// Whether any filter is set, for the "clear filters" link.
    fn filtered(&self) -> bool {
        !self.status.is_empty()
            || !self.kind.is_empty()
            || self.mass
            || self.awaiting
            || !self.enterprise.is_empty()
            || !self.from.is_empty()
            || !self.to.is_empty()
    }

    fn is_mass(&self, people_involved: &i32) -> bool {
        *people_involved >= self.threshold
    }
}

const PER_PAGE: i64 = 25;

async fn list(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: StationUser,
    Query(q): Query<ListQuery>,
) -> AppResult<ListPage> {
    let threshold = mass_threshold(&state.db).await?;
    // Unknown filter values filter nothing rather than failing.
    let (status, statuses) = match q.status.trim() {
        "open" => ("open", vec![Status::Reported, Status::Mediating]),
        code => match Status::parse(code) {
            Some(s) => (s.code(), vec![s]),
            None => ("", Vec::new()),
        },
    };
    let kind = Kind::parse(&q.kind);
    let mass = !q.mass.trim().is_empty();
    let awaiting = !q.awaiting.trim().is_empty();
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
    let filter = queries::Filter {
        statuses,
        kind,
        min_people: mass.then_some(threshold),
        awaiting_follow_up: awaiting,
        enterprise,
        on,
        from,
        to,
    };
    let total = queries::count(&state.db, me.scope.id(), &filter).await?;
    let enterprise_code = enterprise.map(|id| id.to_string()).unwrap_or_default();
    let from_code = from.map(|d| d.to_string()).unwrap_or_default();
    let to_code = to.map(|d| d.to_string()).unwrap_or_default();
    let others = [
        ("status", status),
        ("kind", kind.map_or("", Kind::code)),
        ("mass", if mass { "1" } else { "" }),
        ("awaiting", if awaiting { "1" } else { "" }),
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
        "/disputes",
        &others,
    )
    .await?;
    let disputes =
        queries::list(&state.db, me.scope.id(), &filter, PER_PAGE, paging.offset()).await?;
    Ok(ListPage {
        tx: text(ctx.lang),
        ctx,
        disputes,
        status: status.to_owned(),
        kind: kind.map_or("", Kind::code).to_owned(),
        mass,
        awaiting,
        enterprise: enterprise_code,
        enterprise_name,
        clear_enterprise,
        on,
        // What was typed stays, even when it is not a date.
        from: q.from.trim().to_owned(),
        to: q.to.trim().to_owned(),
        errors,
        threshold,
        today: today(&state.clock),
        paging,
    })
}

/// "群体性 · 调解中": the tags a dispute carries in one-line views.
fn alert_text(lang: Lang, mass: bool, status: Option<Status>) -> Option<String> {
    let t = text(lang);
    let parts: Vec<&str> = [mass.then_some(t.mass_short), status.map(|s| s.label(lang))]
        .into_iter()
        .flatten()
        .collect();
    (!parts.is_empty()).then(|| parts.join(" · "))
}

/// The enterprise's disputes for its timeline.
pub async fn timeline(
    db: &PgPool,
    station_id: i64,
    enterprise_id: i64,
    lang: Lang,
) -> sqlx::Result<Vec<TimelineEntry>> {
    let threshold = mass_threshold(db).await?;
    let rows = queries::for_enterprise(db, station_id, enterprise_id).await?;
    Ok(rows
        .into_iter()
        .map(|d| TimelineEntry {
            date: d.reported_on,
            kind: "dispute",
            label: format!("{} · {}", text(lang).dispute, d.kind.label(lang)),
            summary: snippet(&d.parties, 120),
            href: format!("/disputes/{}", d.dispute_id),
            alert: alert_text(
                lang,
                d.people_involved >= threshold,
                (d.status != Status::Closed).then_some(d.status),
            ),
        })
        .collect())
}

/// What is still open about the enterprise: unresolved disputes, and
/// follow-ups still to do (with their due dates).
pub async fn open_items(
    db: &PgPool,
    station_id: i64,
    enterprise_id: i64,
    today: NaiveDate,
    lang: Lang,
) -> sqlx::Result<Vec<OpenItem>> {
    let t = text(lang);
    let threshold = mass_threshold(db).await?;
    let mut items: Vec<OpenItem> = queries::unresolved(db, station_id, enterprise_id)
        .await?
        .into_iter()
        .map(|d| {
            let tags = alert_text(lang, d.people_involved >= threshold, Some(d.status));
            OpenItem {
                kind: "dispute",
                label: format!(
                    "{} · {} · {}",
                    t.dispute,
                    d.kind.label(lang),
                    tags.unwrap_or_default()
                ),
                summary: format!("{} · {}", d.reported_on, snippet(&d.parties, 100)),
                enterprise: d.enterprise_name,
                due: None,
                overdue: false,
                href: format!("/disputes/{}", d.dispute_id),
            }
        })
        .collect();
    let pending = queries::pending_for_enterprise(db, station_id, enterprise_id).await?;
    items.extend(
        pending
            .into_iter()
            .map(|f| follow_up_item(f, today, threshold, lang)),
    );
    Ok(items)
}

fn follow_up_item(
    f: queries::PendingRow,
    today: NaiveDate,
    threshold: i32,
    lang: Lang,
) -> OpenItem {
    let t = text(lang);
    let mut label = format!("{} · {}", t.follow_up, f.kind.label(lang));
    if f.people_involved >= threshold {
        label.push_str(" · ");
        label.push_str(t.mass_short);
    }
    OpenItem {
        kind: "dispute",
        label,
        summary: (t.follow_up_summary)(&snippet(&f.parties, 100), &f.assigned_to_name),
        enterprise: f.enterprise_name,
        due: Some(f.due_on),
        overdue: f.due_on < today,
        href: format!("/disputes/{}#follow-ups", f.dispute_id),
    }
}

/// Follow-ups assigned to this officer, not yet done, due within the next
/// seven days or overdue.
pub async fn due_for_officer(
    db: &PgPool,
    station_id: i64,
    user_id: i64,
    today: NaiveDate,
    lang: Lang,
) -> sqlx::Result<Vec<OpenItem>> {
    let threshold = mass_threshold(db).await?;
    let until = today + chrono::Duration::days(7);
    let rows = queries::pending_for_officer(db, station_id, user_id, until).await?;
    Ok(rows
        .into_iter()
        .map(|f| follow_up_item(f, today, threshold, lang))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_listed_status_changes_exist() {
        use Status::*;
        let allowed = [
            (Reported, Mediating, Step::Mediate),
            (Reported, Referred, Step::Refer),
            (Mediating, Resolved, Step::Resolve),
            (Mediating, Referred, Step::Refer),
            (Resolved, Closed, Step::Close),
            (Resolved, Mediating, Step::Reopen),
            (Referred, Mediating, Step::Reopen),
            (Closed, Mediating, Step::Reopen),
        ];
        for from in Status::ALL {
            for to in Status::ALL {
                let expected = allowed
                    .iter()
                    .find(|(f, t, _)| *f == from && *t == to)
                    .map(|(_, _, s)| *s);
                assert_eq!(from.step_to(to), expected, "{from:?} → {to:?}");
                if let Some(step) = expected {
                    assert_eq!(step.to(), to);
                }
            }
        }
        assert_eq!(Reported.steps(), [Step::Mediate, Step::Refer]);
        assert_eq!(Mediating.steps(), [Step::Resolve, Step::Refer]);
        assert_eq!(Resolved.steps(), [Step::Close, Step::Reopen]);
        assert_eq!(Closed.steps(), [Step::Reopen]);
    }

    #[test]
    fn forces_are_parsed_once_in_order_and_unknown_ones_refused() {
        let form = DisputeForm {
            forces: vec!["mediator".into(), "street".into(), "street".into()],
            ..DisputeForm::default()
        };
        assert_eq!(
            form.parse_forces(Lang::Zh),
            Ok(vec![Force::Street, Force::Mediator])
        );
        let form = DisputeForm {
            forces: vec!["police".into()],
            ..DisputeForm::default()
        };
        assert!(form.parse_forces(Lang::En).is_err());
    }

    #[test]
    fn alerts_join_mass_and_status() {
        assert_eq!(
            alert_text(Lang::Zh, true, Some(Status::Mediating)).as_deref(),
            Some("群体性 · 调解中")
        );
        assert_eq!(alert_text(Lang::En, false, None), None);
        assert_eq!(alert_text(Lang::En, true, None).as_deref(), Some("Mass"));
    }
}
