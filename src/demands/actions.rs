//! What is posted from the demand page: the response, the resolution and
//! an extension of the due date, each checked against the status and the
//! version the page was loaded with.

use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use sqlx::PgConnection;

use super::model::{ActionForm, Demand, KIND, Status};
use super::pages::{demand, show_page};
use super::queries;
use super::text::text;
use crate::AppState;
use crate::auth::StationUser;
use crate::error::AppResult;
use crate::i18n::Lang;
use crate::ids::DemandId;
use crate::records::{self, Write};
use crate::web::form::{FieldErrors, Fields};
use crate::web::{IdPath, PageCtx, RequestCtx, snippet};

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
    id: DemandId,
    form: &ActionForm,
    allowed_from: Status,
    not_allowed: &'static str,
) -> AppResult<Result<Demand, Response>> {
    let demand = demand(&state.db, me.scope, id).await?;
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

/// One of the demand page's actions, checked: `save` writes it and says
/// whether the demand was still as loaded; when someone changed it in
/// between, the page says so with what was typed kept.
#[allow(clippy::too_many_arguments)]
async fn act(
    state: &AppState,
    req: &RequestCtx,
    me: &StationUser,
    verb: &str,
    id: DemandId,
    form: ActionForm,
    summary: String,
    save: impl AsyncFnOnce(&mut PgConnection) -> AppResult<bool>,
) -> AppResult<Response> {
    records::act(state, req, me, KIND, verb, id.get(), async |tx| {
        if save(tx).await? {
            return Ok(Write::Done(summary));
        }
        let demand = demand(&state.db, me.scope, id).await?;
        let mut errors = FieldErrors::new();
        errors.add("form", text(req.lang).err_stale);
        let page = refuse(state, req, me, StatusCode::CONFLICT, demand, form, errors).await?;
        Ok(Write::Answer(page))
    })
    .await
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

pub(super) async fn respond(
    State(state): State<AppState>,
    req: RequestCtx,
    me: StationUser,
    IdPath(id): IdPath<DemandId>,
    Form(form): Form<ActionForm>,
) -> AppResult<Response> {
    let t = text(req.lang);
    let demand =
        match load_for_action(&state, &req, &me, id, &form, Status::Open, t.err_not_open).await? {
            Ok(d) => d,
            Err(page) => return Ok(page),
        };
    let mut e = FieldErrors::new();
    let response = e.check("response", Fields::new(req.lang).text(&form.response, 2000));
    let responded_on = action_date(
        &mut e,
        req.lang,
        "responded_on",
        &form.responded_on,
        state.clock.today(),
        demand.received_on,
        t.err_before_received,
    );
    let (Some(response), Some(responded_on)) = (response, responded_on) else {
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return refuse(&state, &req, &me, status, demand, form, e).await;
    };
    let summary = format!(
        "status: open → responded; responded_on: {responded_on}; response: {}",
        snippet(&response, 200)
    );
    act(
        &state,
        &req,
        &me,
        "respond",
        id,
        form,
        summary,
        async |tx| {
            Ok(queries::respond(tx, me.scope, id, demand.version, &response, responded_on).await?)
        },
    )
    .await
}

pub(super) async fn resolve(
    State(state): State<AppState>,
    req: RequestCtx,
    me: StationUser,
    IdPath(id): IdPath<DemandId>,
    Form(form): Form<ActionForm>,
) -> AppResult<Response> {
    let t = text(req.lang);
    let from = Status::Responded;
    let demand =
        match load_for_action(&state, &req, &me, id, &form, from, t.err_not_responded).await? {
            Ok(d) => d,
            Err(page) => return Ok(page),
        };
    let mut e = FieldErrors::new();
    let resolved_on = action_date(
        &mut e,
        req.lang,
        "resolved_on",
        &form.resolved_on,
        state.clock.today(),
        demand.responded_on.unwrap_or(demand.received_on),
        t.err_before_responded,
    );
    let Some(resolved_on) = resolved_on else {
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return refuse(&state, &req, &me, status, demand, form, e).await;
    };
    let summary = format!("status: responded → resolved; resolved_on: {resolved_on}");
    act(
        &state,
        &req,
        &me,
        "resolve",
        id,
        form,
        summary,
        async |tx| Ok(queries::resolve(tx, me.scope, id, demand.version, resolved_on).await?),
    )
    .await
}

pub(super) async fn extend(
    State(state): State<AppState>,
    req: RequestCtx,
    me: StationUser,
    IdPath(id): IdPath<DemandId>,
    Form(form): Form<ActionForm>,
) -> AppResult<Response> {
    let t = text(req.lang);
    let from = Status::Open;
    let demand =
        match load_for_action(&state, &req, &me, id, &form, from, t.err_extend_not_open).await? {
            Ok(d) => d,
            Err(page) => return Ok(page),
        };
    let f = Fields::new(req.lang);
    let mut e = FieldErrors::new();
    let new_due_on = match e.check("new_due_on", f.date(&form.new_due_on)) {
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
    let summary = format!(
        "due_on: {} → {new_due_on}; reason: {}",
        demand.due_on,
        snippet(&reason, 200)
    );
    act(&state, &req, &me, "extend", id, form, summary, async |tx| {
        let change = queries::Extend {
            version: demand.version,
            old_due_on: demand.due_on,
            new_due_on,
            reason: &reason,
            by: me.user.id(),
        };
        Ok(queries::extend(tx, me.scope, id, &change).await?)
    })
    .await
}
