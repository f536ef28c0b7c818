//! The sections of a department's page that reach its people and systems:
//! its users (accounts of the department role), API tokens, the webhook
//! and its deliveries. The records are kept by `users` and `pushes`
//! (`pushes::receivers`); these are the administrator's handlers.

use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::audit::Event;
use crate::audit::commit as commit_audited;
use crate::auth::Admin;
use crate::error::{AppError, AppResult};
use crate::ids::{DeliveryId, DepartmentId, TokenId, UserId};
use crate::pushes::receivers;
use crate::web::form::{FieldErrors, Fields};
use crate::web::{Flash, IdPath, RequestCtx};

use super::model::*;
use super::pages::{ShowPage, page_url, reveal, unprocessable};
use super::queries;
use super::text::text;

/// Add a user to the department. The account is made here rather than by
/// `users::create`, whose audit event names the command line as the
/// actor: this one is the admin's.
pub(super) async fn add_user(
    State(state): State<AppState>,
    req: RequestCtx,
    me: Admin,
    IdPath(id): IdPath<DepartmentId>,
    Form(form): Form<UserForm>,
) -> AppResult<Response> {
    let id = id.get();
    let lang = req.lang;
    let refuse = async |form: UserForm, e: FieldErrors| -> AppResult<Response> {
        let mut page = ShowPage::load(&state, &req, id).await?;
        page.user_form = UserForm {
            password: String::new(),
            ..form
        };
        page.errors = e;
        Ok(unprocessable(page))
    };
    let (username, display_name) = match check_user(&form, lang) {
        Ok(ok) => ok,
        Err(e) => return refuse(form, e).await,
    };
    let taken = |e: &mut FieldErrors| e.add("username", (text(lang).err_username_taken)(&username));
    if crate::users::username_taken(&state.db, &username).await? {
        let mut e = FieldErrors::new();
        taken(&mut e);
        return refuse(form, e).await;
    }
    let hash = state
        .passwords
        .hash(form.password.clone())
        .await
        .map_err(AppError::Internal)?;
    let mut tx = state.db.begin().await?;
    let dept = queries::lock_department(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let Some(user_id) =
        crate::users::insert_department_user(&mut tx, id, &username, &display_name, &hash).await?
    else {
        drop(tx);
        let mut e = FieldErrors::new();
        taken(&mut e);
        return refuse(form, e).await;
    };
    let summary = format!("{username} (department {})", dept.code);
    let event = Event {
        summary: &summary,
        ..Event::by(&me.user, &req, "user.create", "user", Some(user_id))
    };
    commit_audited(tx, event, &page_url(id, "users"), Flash::Saved).await
}

pub(super) async fn set_user_disabled(
    state: &AppState,
    req: &RequestCtx,
    me: &Admin,
    ids: (DepartmentId, UserId),
    disable: bool,
) -> AppResult<Response> {
    let (id, user_id) = (ids.0.get(), ids.1.get());
    let mut tx = state.db.begin().await?;
    let at = disable.then(|| state.clock.now());
    let username = crate::users::set_department_user_disabled(&mut tx, id, user_id, at)
        .await?
        .ok_or(AppError::NotFound)?;
    // Either way the account starts afresh: no device of its is trusted,
    // and no hold on unknown devices stays.
    crate::auth::throttle::forget_devices(&mut tx, user_id).await?;
    let action = if disable {
        // Their sessions end with the account.
        crate::auth::session::delete_all_for_user(&mut tx, user_id, None).await?;
        "user.disable"
    } else {
        "user.enable"
    };
    let event = Event {
        summary: &username,
        ..Event::by(&me.user, req, action, "user", Some(user_id))
    };
    commit_audited(tx, event, &page_url(id, "users"), Flash::Saved).await
}

pub(super) async fn disable_user(
    State(state): State<AppState>,
    req: RequestCtx,
    me: Admin,
    IdPath(ids): IdPath<(DepartmentId, UserId)>,
) -> AppResult<Response> {
    set_user_disabled(&state, &req, &me, ids, true).await
}

pub(super) async fn enable_user(
    State(state): State<AppState>,
    req: RequestCtx,
    me: Admin,
    IdPath(ids): IdPath<(DepartmentId, UserId)>,
) -> AppResult<Response> {
    set_user_disabled(&state, &req, &me, ids, false).await
}

/// Create an API token and show it, once, in this response.
pub(super) async fn create_token(
    State(state): State<AppState>,
    req: RequestCtx,
    me: Admin,
    IdPath(id): IdPath<DepartmentId>,
    Form(form): Form<TokenForm>,
) -> AppResult<Response> {
    let id = id.get();
    let mut e = FieldErrors::new();
    let label = e.check("label", Fields::new(req.lang).text(&form.label, LABEL_MAX));
    let Some(label) = label else {
        let mut page = ShowPage::load(&state, &req, id).await?;
        page.token_form = form;
        page.errors = e;
        return Ok(unprocessable(page));
    };
    let mut tx = state.db.begin().await?;
    let dept = queries::lock_department(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let token = crate::pushes::token::generate();
    let token_id = receivers::insert_token(
        &mut tx,
        id,
        &label,
        &token.hash,
        &token.prefix,
        me.user.user_id,
    )
    .await?;
    let summary = format!("{}: {label} ({}…)", dept.code, token.prefix);
    let event = Event {
        summary: &summary,
        ..Event::by(
            &me.user,
            &req,
            "api_token.create",
            "api_token",
            Some(token_id),
        )
    };
    crate::audit::record(&mut tx, event).await?;
    tx.commit().await?;
    reveal(&state, &req, id, |tx| tx.token_shown_title, token.plain).await
}

pub(super) async fn revoke_token(
    State(state): State<AppState>,
    req: RequestCtx,
    me: Admin,
    IdPath((id, token)): IdPath<(DepartmentId, TokenId)>,
) -> AppResult<Response> {
    let (id, token_id) = (id.get(), token.get());
    let mut tx = state.db.begin().await?;
    let (label, prefix, revoked) = receivers::lock_token(&mut tx, id, token_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if revoked {
        drop(tx);
        return Ok(crate::web::redirect_with_flash(
            &page_url(id, "tokens"),
            Flash::Saved,
        ));
    }
    receivers::revoke_token(&mut tx, id, token_id, me.user.user_id, state.clock.now()).await?;
    let summary = format!("{label} ({prefix}…)");
    let event = Event {
        summary: &summary,
        ..Event::by(
            &me.user,
            &req,
            "api_token.revoke",
            "api_token",
            Some(token_id),
        )
    };
    commit_audited(tx, event, &page_url(id, "tokens"), Flash::Saved).await
}

/// Set or change the webhook address; a new secret is made and shown once.
pub(super) async fn set_webhook(
    State(state): State<AppState>,
    req: RequestCtx,
    me: Admin,
    IdPath(id): IdPath<DepartmentId>,
    Form(form): Form<WebhookForm>,
) -> AppResult<Response> {
    let id = id.get();
    let checked = if form.url.trim().is_empty() {
        Err(req.lang.t().err_required)
    } else {
        let guard = &state.config.webhook_guard;
        guard
            .target(&form.url)
            .await
            .map_err(|r| r.message(req.lang))
    };
    let url = match checked {
        Ok(target) => target.url.to_string(),
        Err(message) => {
            let mut page = ShowPage::load(&state, &req, id).await?;
            page.webhook_form = form;
            page.errors.add("url", message);
            return Ok(unprocessable(page));
        }
    };
    let mut tx = state.db.begin().await?;
    let dept = queries::lock_department(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let secret = crate::pushes::token::webhook_secret();
    receivers::set_webhook(&mut tx, id, Some(&url), Some(&secret)).await?;
    let summary = format!(
        "{}: {} → {url} (new secret)",
        dept.code,
        dept.webhook_url.as_deref().unwrap_or("none")
    );
    let event = Event {
        summary: &summary,
        ..Event::by(&me.user, &req, "webhook.set", "department", Some(id))
    };
    crate::audit::record(&mut tx, event).await?;
    tx.commit().await?;
    reveal(&state, &req, id, |tx| tx.secret_shown_title, secret).await
}

/// A new secret for the webhook, shown once.
pub(super) async fn rotate_secret(
    State(state): State<AppState>,
    req: RequestCtx,
    me: Admin,
    IdPath(id): IdPath<DepartmentId>,
) -> AppResult<Response> {
    let id = id.get();
    let mut tx = state.db.begin().await?;
    let dept = queries::lock_department(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let Some(url) = dept.webhook_url.as_deref() else {
        drop(tx);
        let mut page = ShowPage::load(&state, &req, id).await?;
        page.errors.add("webhook", page.tx.err_no_webhook);
        return Ok((StatusCode::CONFLICT, page).into_response());
    };
    let secret = crate::pushes::token::webhook_secret();
    receivers::set_webhook(&mut tx, id, Some(url), Some(&secret)).await?;
    let event = Event {
        summary: &dept.code,
        ..Event::by(&me.user, &req, "webhook.rotate", "department", Some(id))
    };
    crate::audit::record(&mut tx, event).await?;
    tx.commit().await?;
    reveal(&state, &req, id, |tx| tx.secret_shown_title, secret).await
}

/// Remove the webhook; deliveries not yet accepted are cancelled.
pub(super) async fn remove_webhook(
    State(state): State<AppState>,
    req: RequestCtx,
    me: Admin,
    IdPath(id): IdPath<DepartmentId>,
) -> AppResult<Response> {
    let id = id.get();
    let mut tx = state.db.begin().await?;
    let dept = queries::lock_department(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let Some(url) = dept.webhook_url.as_deref() else {
        // Already removed (a second click).
        drop(tx);
        return Ok(crate::web::redirect_with_flash(
            &page_url(id, "webhook"),
            Flash::Deleted,
        ));
    };
    receivers::set_webhook(&mut tx, id, None, None).await?;
    let cancelled = receivers::cancel_pending(&mut tx, id).await?;
    let summary = format!(
        "{}: {url} removed, {cancelled} pending deliveries cancelled",
        dept.code
    );
    let event = Event {
        summary: &summary,
        ..Event::by(&me.user, &req, "webhook.remove", "department", Some(id))
    };
    commit_audited(tx, event, &page_url(id, "webhook"), Flash::Deleted).await
}

/// Make a pending delivery due now.
pub(super) async fn retry_delivery(
    State(state): State<AppState>,
    req: RequestCtx,
    me: Admin,
    IdPath((id, delivery)): IdPath<(DepartmentId, DeliveryId)>,
) -> AppResult<Response> {
    let (id, delivery_id) = (id.get(), delivery.get());
    let mut tx = state.db.begin().await?;
    let (event_id, status) = receivers::lock_delivery(&mut tx, id, delivery_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !matches!(
        DeliveryStatus::parse(&status),
        DeliveryStatus::Pending | DeliveryStatus::Dead
    ) {
        // Delivered or cancelled meanwhile: nothing to retry.
        drop(tx);
        return Ok(crate::web::redirect_with_flash(
            &page_url(id, "deliveries"),
            Flash::Saved,
        ));
    }
    receivers::retry_now(&mut tx, id, delivery_id, state.clock.now()).await?;
    let summary = format!("event {event_id}");
    let event = Event {
        summary: &summary,
        ..Event::by(
            &me.user,
            &req,
            "webhook_delivery.retry",
            "webhook_delivery",
            Some(delivery_id),
        )
    };
    commit_audited(tx, event, &page_url(id, "deliveries"), Flash::Saved).await
}
