//! The pages of one assessment: its page, the chief's override of its level
//! while the evaluation is a draft, and objections to a published level —
//! recorded by an officer within the policy's days, "under review" until
//! the chief decides; a changed level is published as a revision with its
//! reason.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;

use super::model::{
    DecisionForm, ObjectionForm, OverrideForm, last_objection_day, movement, movement_label,
};
use super::pages::evaluation;
use super::queries::objections::{self as oq, Objection, Override};
use super::queries::{self, AssessmentRow, EvaluationRow, HistoryRow};
use super::service;
use super::text::{EvalText, text};
use crate::AppState;
use crate::audit::{self, Event};
use crate::auth::{Chief, Role, StationScope, StationUser};
use crate::error::{AppError, AppResult};
use crate::ids::{EnterpriseId, ObjectionId};
use crate::level::{self, Level};
use crate::scoring::{Quarter, Reason};
use crate::web::form::{FieldErrors, Fields};
use crate::web::{Flash, IdPath, PageCtx, Parsed, RequestCtx, snippet};

/// What the forms of the page show: what was typed when a save was refused.
#[derive(Debug, Clone, Default)]
pub(super) struct Typed {
    level: String,
    reason: String,
    received_on: String,
    grounds: String,
    /// The objection whose decision was refused, with what was chosen.
    decision: Option<(i64, String, String, String)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "evaluations/assessment.html")]
pub(super) struct AssessmentPage {
    ctx: PageCtx,
    tx: &'static EvalText,
    evaluation: EvaluationRow,
    a: AssessmentRow,
    reasons: Vec<Reason>,
    history: Vec<HistoryRow>,
    objections: Vec<Objection>,
    /// An objection may still be recorded (published, within the policy's days).
    objection_open: bool,
    is_chief: bool,
    typed: Typed,
    today: NaiveDate,
    errors: FieldErrors,
}

impl AssessmentPage {
    fn badge(&self, level: &Option<Level>) -> level::Badge {
        level::badge(*level, self.ctx.lang)
    }

    fn reason_text(&self, r: &Reason) -> String {
        match self.ctx.lang {
            crate::i18n::Lang::Zh => r.text_zh(),
            crate::i18n::Lang::En => r.text_en(),
        }
    }

    fn movement_label(&self) -> &'static str {
        movement_label(self.tx, &self.a.movement)
    }

    fn objection_status(&self, status: &str) -> &'static str {
        match status {
            "upheld" => self.tx.upheld,
            "rejected" => self.tx.rejected,
            _ => self.tx.under_review,
        }
    }

    /// The date the objection form offers: what was typed, else today.
    fn received_on(&self) -> String {
        if self.typed.received_on.is_empty() {
            self.today.to_string()
        } else {
            self.typed.received_on.clone()
        }
    }

    /// What was chosen for objection `id` before its decision was refused:
    /// (decision, level, reason).
    fn decision_typed(&self, id: &i64) -> (&str, &str, &str) {
        match &self.typed.decision {
            Some((of, decision, level, reason)) if of == id => (decision, level, reason),
            _ => ("", "", ""),
        }
    }

    /// The name of a level code as typed ("" is "no override").
    fn level_label(&self, code: &str) -> &'static str {
        self.level_options()
            .into_iter()
            .find(|(c, _)| *c == code)
            .map_or(self.tx.override_clear, |(_, label)| label)
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

/// The assessment at `quarter`/`enterprise` of the station, as its page
/// shows it to `is_chief`; `typed` and `errors` are those of a refused save.
async fn page(
    state: &AppState,
    ctx: PageCtx,
    station: StationScope,
    (quarter, enterprise): (Quarter, EnterpriseId),
    is_chief: bool,
    typed: Typed,
    errors: FieldErrors,
) -> AppResult<AssessmentPage> {
    let db = &state.db;
    let evaluation = evaluation(db, station, quarter).await?;
    let a = queries::assessment(db, station, evaluation.id(), enterprise)
        .await?
        .ok_or(AppError::NotFound)?;
    let reasons: Vec<Reason> = serde_json::from_value(a.reasons.clone()).unwrap_or_default();
    let history = queries::history(db, station, enterprise).await?;
    let objections = oq::for_assessment(db, station, a.assessment_id).await?;
    let today = state.clock.today();
    let objection_open = match last_day(state, station, &evaluation).await? {
        Some(last) => today <= last,
        None => false,
    };
    Ok(AssessmentPage {
        tx: text(ctx.lang),
        ctx,
        evaluation,
        a,
        reasons,
        history,
        objections,
        // After a refused objection the form stays in view, with its message.
        objection_open: objection_open || !typed.grounds.is_empty() || errors.has("objection"),
        is_chief,
        typed,
        today,
        errors,
    })
}

/// The last day an objection to a published `evaluation` may be received
/// (`None` while it is a draft).
async fn last_day(
    state: &AppState,
    station: StationScope,
    evaluation: &EvaluationRow,
) -> AppResult<Option<NaiveDate>> {
    let Some(published_at) = evaluation.published_at.filter(|_| evaluation.published) else {
        return Ok(None);
    };
    let mut conn = state.db.acquire().await?;
    let policy = service::policy_of_evaluation(&mut conn, station, evaluation.id()).await?;
    Ok(Some(last_objection_day(
        published_at,
        policy.objection_days,
    )))
}

type At = IdPath<(Parsed<Quarter>, EnterpriseId)>;

pub(super) async fn assessment(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: StationUser,
    IdPath((Parsed(quarter), enterprise)): At,
) -> AppResult<AssessmentPage> {
    let is_chief = me.user.role == Role::Chief;
    let at = (quarter, enterprise);
    let mut page = page(
        &state,
        ctx,
        me.scope,
        at,
        is_chief,
        Typed::default(),
        FieldErrors::new(),
    )
    .await?;
    page.typed.level = page
        .a
        .override_level
        .map(|l| l.code().to_owned())
        .unwrap_or_default();
    page.typed.reason = page.a.override_reason.clone().unwrap_or_default();
    Ok(page)
}

/// The page again after a refused save, with `status`.
async fn refused(
    state: &AppState,
    req: &RequestCtx,
    station: StationScope,
    at: (Quarter, EnterpriseId),
    is_chief: bool,
    (typed, errors): (Typed, FieldErrors),
    status: StatusCode,
) -> AppResult<Response> {
    let ctx = PageCtx::new(req);
    let page = page(state, ctx, station, at, is_chief, typed, errors).await?;
    Ok((status, page).into_response())
}

fn level_code(l: Option<Level>) -> &'static str {
    l.map_or("unrated", Level::code)
}

pub(super) async fn override_level(
    State(state): State<AppState>,
    req: RequestCtx,
    me: Chief,
    IdPath((Parsed(quarter), enterprise)): At,
    Form(form): Form<OverrideForm>,
) -> AppResult<Response> {
    let at = (quarter, enterprise);
    let evaluation = evaluation(&state.db, me.scope, quarter).await?;
    let a = queries::assessment(&state.db, me.scope, evaluation.id(), enterprise)
        .await?
        .ok_or(AppError::NotFound)?;
    let t = text(req.lang);
    let typed = Typed {
        level: form.level.clone(),
        reason: form.reason.clone(),
        ..Typed::default()
    };
    let (level, reason) = match form.validate(req.lang, t) {
        Ok(valid) if !evaluation.published => valid,
        result => {
            let mut errors = result.err().unwrap_or_default();
            let status = if evaluation.published {
                errors.add("form", t.err_override_published);
                StatusCode::CONFLICT
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            let answer = (typed, errors);
            return refused(&state, &req, me.scope, at, true, answer, status).await;
        }
    };
    let mut tx = state.db.begin().await?;
    if oq::lock_draft(&mut tx, me.scope, evaluation.id()).await? != Some(true) {
        // Published while the chief was deciding: said, with what was typed.
        drop(tx);
        let mut errors = FieldErrors::new();
        errors.add("form", t.err_override_published);
        let answer = (typed, errors);
        return refused(
            &state,
            &req,
            me.scope,
            at,
            true,
            answer,
            StatusCode::CONFLICT,
        )
        .await;
    }
    let final_level = level.or(a.computed_level);
    let change = Override {
        level,
        reason: &reason,
        by: me.user.id(),
        final_level,
        movement: movement(a.previous_level, final_level),
    };
    oq::save_override(&mut tx, me.scope, a.assessment_id, &change).await?;
    let summary = match level {
        Some(l) => format!(
            "{} {}: {} → {} ({reason})",
            evaluation.quarter,
            a.name,
            level_code(a.computed_level),
            l.code()
        ),
        None => format!("{} {}: override removed", evaluation.quarter, a.name),
    };
    let event = Event::by(
        &me.user,
        &req,
        "assessment.override",
        "assessment",
        Some(a.assessment_id),
    )
    .with(&summary);
    let to = format!("/evaluations/{quarter}/{enterprise}");
    audit::commit(tx, event, &to, Flash::Saved).await
}

/// An officer records an enterprise's objection.
pub(super) async fn create_objection(
    State(state): State<AppState>,
    req: RequestCtx,
    me: StationUser,
    IdPath((Parsed(quarter), enterprise)): At,
    Form(form): Form<ObjectionForm>,
) -> AppResult<Response> {
    let at = (quarter, enterprise);
    let is_chief = me.user.role == Role::Chief;
    let evaluation = evaluation(&state.db, me.scope, quarter).await?;
    let a = queries::assessment(&state.db, me.scope, evaluation.id(), enterprise)
        .await?
        .ok_or(AppError::NotFound)?;
    let t = text(req.lang);
    let f = Fields::new(req.lang);
    let typed = Typed {
        received_on: form.received_on.clone(),
        grounds: form.grounds.clone(),
        ..Typed::default()
    };
    let mut errors = FieldErrors::new();
    let received_on = errors.check("received_on", f.date(&form.received_on));
    let grounds = errors.check("grounds", f.text(&form.grounds, 2000));
    let Some(last) = last_day(&state, me.scope, &evaluation).await? else {
        errors.add("objection", t.err_objection_unpublished);
        let answer = (typed, errors);
        return refused(
            &state,
            &req,
            me.scope,
            at,
            is_chief,
            answer,
            StatusCode::CONFLICT,
        )
        .await;
    };
    if let (Some(d), Some(published_at)) = (received_on, evaluation.published_at) {
        let published_on = super::model::china_day(published_at);
        if d > state.clock.today() {
            errors.add("received_on", t.err_future_date);
        } else if d < published_on || d > last {
            let days = (last - published_on).num_days();
            let days = i32::try_from(days).unwrap_or(i32::MAX);
            errors.add(
                "received_on",
                (t.err_objection_window)(days, &last.to_string()),
            );
        }
    }
    let (Some(received_on), Some(grounds)) = (received_on, grounds) else {
        let answer = (typed, errors);
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return refused(&state, &req, me.scope, at, is_chief, answer, status).await;
    };
    if !errors.is_empty() {
        let answer = (typed, errors);
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return refused(&state, &req, me.scope, at, is_chief, answer, status).await;
    }
    let mut tx = state.db.begin().await?;
    let id = oq::insert(
        &mut tx,
        me.scope,
        a.assessment_id,
        received_on,
        &grounds,
        me.user.id(),
    )
    .await?;
    let summary = format!(
        "{} {}: {}",
        evaluation.quarter,
        a.name,
        snippet(&grounds, 100)
    );
    let event = Event::by(
        &me.user,
        &req,
        "objection.create",
        "objection",
        Some(id.get()),
    )
    .with(&summary);
    let to = format!("/evaluations/{quarter}/{enterprise}");
    audit::commit(tx, event, &to, Flash::Saved).await
}

/// The chief decides an objection; a changed level is published as a
/// revision of the evaluation, with the reason.
pub(super) async fn decide_objection(
    State(state): State<AppState>,
    req: RequestCtx,
    me: Chief,
    IdPath((Parsed(quarter), enterprise, objection)): IdPath<(
        Parsed<Quarter>,
        EnterpriseId,
        ObjectionId,
    )>,
    Form(form): Form<DecisionForm>,
) -> AppResult<Response> {
    let at = (quarter, enterprise);
    let evaluation = evaluation(&state.db, me.scope, quarter).await?;
    let a = queries::assessment(&state.db, me.scope, evaluation.id(), enterprise)
        .await?
        .ok_or(AppError::NotFound)?;
    let t = text(req.lang);
    let typed = Typed {
        decision: Some((
            objection.get(),
            form.decision.clone(),
            form.level.clone(),
            form.reason.clone(),
        )),
        ..Typed::default()
    };
    let decision = form.validate(req.lang, t, a.final_level);
    let mut tx = state.db.begin().await?;
    let open = oq::lock(&mut tx, me.scope, objection, a.assessment_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let decision = match decision {
        Ok(decision) if open => decision,
        result => {
            drop(tx);
            let mut errors = result.err().unwrap_or_default();
            let status = if open {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                errors.add("objection", t.err_objection_decided);
                StatusCode::CONFLICT
            };
            return refused(&state, &req, me.scope, at, true, (typed, errors), status).await;
        }
    };
    let by = me.user.id();
    oq::decide(
        &mut tx,
        me.scope,
        (objection, a.assessment_id),
        &decision,
        by,
    )
    .await?;
    let (level, reason) = (decision.level, decision.reason.as_str());
    if let Some(level) = level {
        // The changed level is a revision of the published evaluation.
        let change = Override {
            level: Some(level),
            reason,
            by,
            final_level: Some(level),
            movement: movement(a.previous_level, Some(level)),
        };
        oq::save_override(&mut tx, me.scope, a.assessment_id, &change).await?;
        let id = evaluation.id();
        let revision = oq::next_revision(&mut tx, me.scope, id).await?;
        let revision_reason = format!("{}: {reason}", a.name);
        let now = state.clock.now();
        super::queries::runs::insert_revision(
            &mut tx,
            me.scope,
            id,
            revision,
            &revision_reason,
            now,
            by,
        )
        .await?;
        if !super::queries::runs::later_published(&mut tx, me.scope, quarter).await? {
            oq::set_current_level(&mut tx, me.scope, enterprise, level).await?;
        }
        // The revision goes to the departments whose lists it changes.
        crate::pushes::write_pushes(&mut tx, id.get(), revision, &revision_reason, by.get(), now)
            .await?;
    }
    let summary = match level {
        Some(l) => format!(
            "{} {}: upheld, {} → {} ({reason})",
            evaluation.quarter,
            a.name,
            level_code(a.final_level),
            l.code()
        ),
        None => format!("{} {}: rejected ({reason})", evaluation.quarter, a.name),
    };
    let event = Event::by(
        &me.user,
        &req,
        "objection.decide",
        "objection",
        Some(objection.get()),
    )
    .with(&summary);
    let to = format!("/evaluations/{quarter}/{enterprise}");
    audit::commit(tx, event, &to, Flash::Saved).await
}
