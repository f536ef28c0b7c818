//! The dispute page and what is posted from it: status steps (each checked
//! against [`Status::step_to`], recorded as a `dispute_event` and audited)
//! and follow-ups (scheduled on resolution, recorded, required before
//! closing).
//!
//! Every action locks the dispute row first, scoped to the station: a
//! dispute of another station is a 404, and a close cannot cross a new
//! follow-up.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;

use super::model::{
    Dispute, FOLLOW_UP_DAYS, KIND, Method, RecordForm, ScheduleForm, Status, Step, StepForm,
    forces_text,
};
use super::pages::{dispute, mass_threshold};
use super::queries::{self, EventRow, FollowUpRow, NewEvent, NewState};
use super::text::{DisputeText, text};
use crate::AppState;
use crate::audit::{self, Event};
use crate::auth::{Role, StationUser};
use crate::error::{AppError, AppResult};
use crate::ids::{DisputeId, FollowUpId, UserId};
use crate::users::{self, Officer};
use crate::web::form::{FieldErrors, Fields};
use crate::web::{Flash, IdPath, PageCtx, RequestCtx, local_time, redirect_with_flash, snippet};

#[derive(Template, WebTemplate)]
#[template(path = "disputes/show.html")]
pub(super) struct ShowPage {
    ctx: PageCtx,
    tx: &'static DisputeText,
    dispute: Dispute,
    threshold: i32,
    today: NaiveDate,
    events: Vec<EventRow>,
    follow_ups: Vec<FollowUpRow>,
    officers: Vec<Officer>,
    can_delete: bool,
    /// What was typed into a step form (its `to` says which), and its errors.
    step_form: StepForm,
    step_errors: FieldErrors,
    schedule: ScheduleForm,
    schedule_errors: FieldErrors,
    /// The follow-up whose record form was posted, what was typed, errors.
    record_for: Option<i64>,
    record: RecordForm,
    record_errors: FieldErrors,
}

impl ShowPage {
    async fn load(
        state: &AppState,
        ctx: PageCtx,
        me: &StationUser,
        id: DisputeId,
    ) -> AppResult<ShowPage> {
        let dispute = dispute(&state.db, me.scope, id).await?;
        let today = state.clock.today();
        let events = queries::events(&state.db, me.scope, id).await?;
        let follow_ups = queries::follow_ups(&state.db, me.scope, id).await?;
        let officers = users::officers(&state.db, me.scope).await?;
        let assignee = dispute.liaison_officer_id.unwrap_or(me.user.user_id);
        Ok(ShowPage {
            tx: text(ctx.lang),
            threshold: mass_threshold(&state.db).await?,
            can_delete: me.user.role == Role::Chief,
            step_form: StepForm {
                date: today.to_string(),
                version: dispute.version.to_string(),
                ..StepForm::default()
            },
            step_errors: FieldErrors::new(),
            schedule: ScheduleForm {
                due_on: (today + chrono::Duration::days(FOLLOW_UP_DAYS)).to_string(),
                assigned_to: assignee.to_string(),
            },
            schedule_errors: FieldErrors::new(),
            record_for: None,
            record: RecordForm::default(),
            record_errors: FieldErrors::new(),
            ctx,
            dispute,
            today,
            events,
            follow_ups,
            officers,
        })
    }

    fn is_mass(&self) -> bool {
        self.dispute.people_involved >= self.threshold
    }

    fn steps(&self) -> Vec<Step> {
        self.dispute.status.steps()
    }

    fn forces_text(&self) -> String {
        forces_text(&self.dispute.mediation_forces, self.ctx.lang)
    }

    /// Whether the step form that was posted is this one.
    fn posted(&self, step: &Step) -> bool {
        Status::parse(&self.step_form.to) == Some(step.to())
    }

    fn step_error(&self, step: &Step, field: &str) -> Option<&str> {
        if self.posted(step) {
            self.step_errors.get(field)
        } else {
            None
        }
    }

    fn reason_value(&self, step: &Step) -> &str {
        if self.posted(step) {
            &self.step_form.reason
        } else {
            ""
        }
    }

    fn resolution_value(&self, step: &Step) -> &str {
        if self.posted(step) {
            &self.step_form.resolution
        } else {
            ""
        }
    }

    /// The typed date; today when none was typed (the step's default).
    fn date_value(&self, step: &Step) -> String {
        if self.posted(step) && !self.step_form.date.trim().is_empty() {
            self.step_form.date.clone()
        } else {
            self.today.to_string()
        }
    }

    /// Follow-ups are scheduled and recorded while the dispute is resolved.
    fn can_follow_up(&self) -> bool {
        self.dispute.status == Status::Resolved
    }

    fn show_follow_ups(&self) -> bool {
        self.can_follow_up()
            || !self.follow_ups.is_empty()
            || !self.record_errors.is_empty()
            || !self.schedule_errors.is_empty()
    }

    fn is_overdue(&self, f: &FollowUpRow) -> bool {
        f.is_pending() && f.due_on < self.today
    }

    fn methods(&self) -> Vec<(&'static str, &'static str)> {
        Method::choices(self.ctx.lang)
    }

    fn record_error(&self, follow_up_id: &i64, field: &str) -> Option<&str> {
        if self.record_for == Some(*follow_up_id) {
            self.record_errors.get(field)
        } else {
            None
        }
    }

    /// What was typed into this follow-up's record form, else nothing.
    fn typed(&self, follow_up_id: &i64) -> Option<&RecordForm> {
        (self.record_for == Some(*follow_up_id)).then_some(&self.record)
    }

    fn method_value(&self, follow_up_id: &i64) -> &str {
        self.typed(follow_up_id).map_or("", |r| r.method.as_str())
    }

    fn done_on_value(&self, follow_up_id: &i64) -> String {
        self.typed(follow_up_id)
            .map_or_else(|| self.today.to_string(), |r| r.done_on.clone())
    }

    fn note_value(&self, follow_up_id: &i64) -> &str {
        self.typed(follow_up_id).map_or("", |r| r.note.as_str())
    }

    fn when(&self, at: &chrono::DateTime<chrono::Utc>) -> String {
        local_time(at)
    }
}

pub(super) async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: StationUser,
    IdPath(id): IdPath<DisputeId>,
) -> AppResult<ShowPage> {
    ShowPage::load(&state, ctx, &me, id).await
}

/// The dispute page again, with what was posted and what is wrong with it.
async fn show_again(
    state: &AppState,
    req: &RequestCtx,
    me: &StationUser,
    id: DisputeId,
    status: StatusCode,
    fill: impl FnOnce(&mut ShowPage),
) -> AppResult<Response> {
    let mut page = ShowPage::load(state, PageCtx::new(req), me, id).await?;
    fill(&mut page);
    Ok((status, page).into_response())
}

pub(super) async fn transition(
    State(state): State<AppState>,
    req: RequestCtx,
    me: StationUser,
    IdPath(id): IdPath<DisputeId>,
    Form(form): Form<StepForm>,
) -> AppResult<Response> {
    let lang = req.lang;
    let t = text(lang);
    let mut tx = state.db.begin().await?;
    let Some(cur) = queries::lock(&mut tx, me.scope, id).await? else {
        return Err(AppError::NotFound);
    };
    // The version first: a step chosen on an outdated page may no longer
    // make sense, and the user should see the dispute as it is now.
    let version = crate::records::version(&form.version);
    let outcome = if version == cur.version {
        form.validate(&cur, lang, state.clock.today())
            .map_err(|e| (StatusCode::UNPROCESSABLE_ENTITY, e))
    } else {
        let mut e = FieldErrors::new();
        e.add("form", (t.err_stale)(cur.status.label(lang)));
        Err((StatusCode::CONFLICT, e))
    };
    let valid = match outcome {
        Ok(valid) if valid.step == Step::Close => {
            let pending = queries::count_pending(&mut tx, me.scope, id).await?;
            if pending > 0 {
                let mut e = FieldErrors::new();
                e.add("form", (t.err_follow_ups_pending)(pending));
                Err((StatusCode::UNPROCESSABLE_ENTITY, e))
            } else {
                Ok(valid)
            }
        }
        other => other,
    };
    let valid = match valid {
        Ok(valid) => valid,
        Err((status, errors)) => {
            drop(tx);
            return show_again(&state, &req, &me, id, status, |page| {
                page.step_form = StepForm {
                    version: page.dispute.version.to_string(),
                    ..form
                };
                page.step_errors = errors;
            })
            .await;
        }
    };

    let step = valid.step;
    let new_state = match step {
        Step::Mediate | Step::Refer => NewState {
            status: step.to(),
            resolution: &cur.resolution,
            resolved_on: cur.resolved_on,
            closed_on: None,
        },
        Step::Resolve => NewState {
            status: Status::Resolved,
            resolution: &valid.resolution,
            resolved_on: Some(valid.date),
            closed_on: None,
        },
        Step::Close => NewState {
            status: Status::Closed,
            resolution: &cur.resolution,
            resolved_on: cur.resolved_on,
            closed_on: Some(valid.date),
        },
        // Back to mediation: the earlier resolution stays in the history
        // (its event) but no longer describes the dispute.
        Step::Reopen => NewState {
            status: Status::Mediating,
            resolution: "",
            resolved_on: None,
            closed_on: None,
        },
    };
    // The row is locked and its version checked, so this cannot miss.
    if !queries::set_state(&mut tx, me.scope, id, version, &new_state).await? {
        return Err(AppError::Internal(anyhow::anyhow!(
            "locked dispute {id} changed under its lock"
        )));
    }
    // The history keeps the resolution text with the step that set it.
    let event_text = if step == Step::Resolve {
        &valid.resolution
    } else {
        &valid.reason
    };
    let event = NewEvent {
        from: Some(cur.status),
        to: step.to(),
        note: event_text,
        by: me.user.id(),
    };
    queries::insert_event(&mut tx, me.scope, id, &event).await?;

    let mut summary = format!("status: {} → {}", cur.status.code(), step.to().code());
    if matches!(step, Step::Resolve | Step::Close) {
        summary.push_str(&format!("; date: {}", valid.date));
    }
    if !event_text.is_empty() {
        summary.push_str(&format!("; {}", snippet(event_text, 200)));
    }
    let mut follow_up = None;
    match step {
        Step::Resolve => {
            let assignee = queries::liaison_officer(&mut tx, me.scope, id)
                .await?
                .map_or(me.user.id(), UserId);
            let due = valid.date + chrono::Duration::days(FOLLOW_UP_DAYS);
            let fid = queries::insert_follow_up(&mut tx, me.scope, id, assignee, due).await?;
            summary.push_str(&format!(
                "; follow-up #{fid} due {due} for user #{assignee}"
            ));
            follow_up = Some((
                fid,
                format!("due {due} for user #{assignee} (on resolution)"),
            ));
        }
        Step::Reopen => {
            let cancelled = queries::cancel_pending(&mut tx, me.scope, id).await?;
            if cancelled > 0 {
                summary.push_str(&format!("; pending follow-ups cancelled: {cancelled}"));
            }
        }
        Step::Mediate | Step::Refer | Step::Close => {}
    }
    let event = Event::by(
        &me.user,
        &req,
        step.audit_action(),
        "dispute",
        Some(id.get()),
    )
    .with(&summary);
    audit::record(&mut tx, event).await?;
    if let Some((fid, summary)) = follow_up {
        let event = Event {
            summary: &summary,
            ..Event::by(
                &me.user,
                &req,
                "dispute_follow_up.schedule",
                "dispute_follow_up",
                Some(fid),
            )
        };
        audit::record(&mut tx, event).await?;
    }
    tx.commit().await?;
    Ok(redirect_with_flash(&KIND.page(id.get()), Flash::Saved))
}

pub(super) async fn schedule_follow_up(
    State(state): State<AppState>,
    req: RequestCtx,
    me: StationUser,
    IdPath(id): IdPath<DisputeId>,
    Form(form): Form<ScheduleForm>,
) -> AppResult<Response> {
    let lang = req.lang;
    let t = text(lang);
    let f = Fields::new(lang);
    let mut tx = state.db.begin().await?;
    let Some(cur) = queries::lock(&mut tx, me.scope, id).await? else {
        return Err(AppError::NotFound);
    };
    let mut e = FieldErrors::new();
    let mut valid = None;
    if cur.status == Status::Resolved {
        let due = e.check("due_on", f.date(&form.due_on));
        if let (Some(due), Some(resolved)) = (due, cur.resolved_on)
            && due < resolved
        {
            e.add("due_on", (t.err_before_resolved)(&resolved.to_string()));
        }
        let assignee = e.check("assigned_to", f.id(&form.assigned_to));
        if let Some(user_id) = assignee
            && !users::is_officer(&state.db, me.scope, user_id).await?
        {
            e.add("assigned_to", t.err_assignee);
        }
        valid = due.zip(assignee);
    } else {
        e.add("form", t.err_follow_up_state);
    }
    let (due, assignee) = match valid {
        Some(v) if e.is_empty() => v,
        _ => {
            drop(tx);
            return show_again(
                &state,
                &req,
                &me,
                id,
                StatusCode::UNPROCESSABLE_ENTITY,
                |page| {
                    page.schedule = form;
                    page.schedule_errors = e;
                },
            )
            .await;
        }
    };
    let fid = queries::insert_follow_up(&mut tx, me.scope, id, UserId(assignee), due).await?;
    let summary = format!("dispute #{id}: due {due} for user #{assignee}");
    let event = Event {
        summary: &summary,
        ..Event::by(
            &me.user,
            &req,
            "dispute_follow_up.schedule",
            "dispute_follow_up",
            Some(fid),
        )
    };
    audit::commit(tx, event, &KIND.page(id.get()), Flash::Saved).await
}

pub(super) async fn record_follow_up(
    State(state): State<AppState>,
    req: RequestCtx,
    me: StationUser,
    IdPath((id, fid)): IdPath<(DisputeId, FollowUpId)>,
    Form(form): Form<RecordForm>,
) -> AppResult<Response> {
    let lang = req.lang;
    let t = text(lang);
    let f = Fields::new(lang);
    let mut tx = state.db.begin().await?;
    let Some(cur) = queries::lock(&mut tx, me.scope, id).await? else {
        return Err(AppError::NotFound);
    };
    if !queries::follow_up_exists(&mut tx, me.scope, id, fid).await? {
        return Err(AppError::NotFound);
    }
    let mut e = FieldErrors::new();
    if cur.status != Status::Resolved {
        e.add("form", t.err_follow_up_state);
    }
    let method = e.check("method", f.choice(&form.method, &Method::options()));
    let done_on = e.check("done_on", f.date(&form.done_on));
    if done_on.is_some_and(|d| d > state.clock.today()) {
        e.add("done_on", t.err_future);
    }
    if let (Some(done), Some(resolved)) = (done_on, cur.resolved_on)
        && done < resolved
    {
        e.add("done_on", (t.err_before_resolved)(&resolved.to_string()));
    }
    let note = e.check("note", f.optional_text(&form.note, 2000));
    let done = match (method, done_on, note) {
        (Some(method), Some(done_on), Some(note)) if e.is_empty() => Some(queries::Done {
            method,
            done_on,
            note,
            user_id: me.user.user_id,
        }),
        _ => None,
    };
    if let Some(done) = &done
        && !queries::record_done(&mut tx, me.scope, id, fid, done).await?
    {
        // Recorded (or cancelled by a reopening) since the page was shown.
        e.add("form", t.err_follow_up_done);
    }
    let Some(done) = done.filter(|_| e.is_empty()) else {
        drop(tx);
        return show_again(
            &state,
            &req,
            &me,
            id,
            StatusCode::UNPROCESSABLE_ENTITY,
            |page| {
                page.record_for = Some(fid.get());
                page.record = form;
                page.record_errors = e;
            },
        )
        .await;
    };
    let summary = format!(
        "dispute #{id}: {} on {}; {}",
        done.method.code(),
        done.done_on,
        snippet(&done.note, 200)
    );
    let event = Event {
        summary: &summary,
        ..Event::by(
            &me.user,
            &req,
            "dispute_follow_up.done",
            "dispute_follow_up",
            Some(fid.get()),
        )
    };
    audit::commit(tx, event, &KIND.page(id.get()), Flash::Saved).await
}
