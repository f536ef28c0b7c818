//! `/account/password`: every signed-in user changes their own password.
//! The other sessions of the account end at once (a stolen session does not
//! outlive the change); the one in use goes on.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Form, Router};
use serde::Deserialize;

use super::{CurrentUser, password};
use crate::AppState;
use crate::audit::{self, Event};
use crate::error::AppResult;
use crate::web::{Flash, PageCtx, RequestCtx, redirect_with_flash};

pub fn router() -> Router<AppState> {
    Router::new().route("/account/password", get(form).post(change))
}

#[derive(Debug, Default)]
pub struct PasswordErrors {
    pub form: Option<&'static str>,
    pub current: Option<&'static str>,
    pub new: Option<String>,
    pub repeat: Option<&'static str>,
}

#[derive(Template, WebTemplate)]
#[template(path = "auth/password.html")]
struct PasswordPage {
    ctx: PageCtx,
    errors: PasswordErrors,
    hint: String,
}

fn hint(t: &crate::i18n::Messages) -> String {
    (t.password_rule)(password::MIN_PASSWORD_CHARS, password::MAX_PASSWORD_CHARS)
}

async fn form(req: RequestCtx, _user: CurrentUser) -> PasswordPage {
    PasswordPage {
        hint: hint(req.lang.t()),
        ctx: PageCtx::new(&req),
        errors: PasswordErrors::default(),
    }
}

#[derive(Debug, Deserialize)]
struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    repeat: String,
}

async fn change(
    State(state): State<AppState>,
    req: RequestCtx,
    CurrentUser(user): CurrentUser,
    Form(f): Form<PasswordForm>,
) -> AppResult<Response> {
    let t = req.lang.t();
    let mut errors = PasswordErrors::default();
    let chars = f.new.chars().count();
    if f.current.is_empty() {
        errors.current = Some(t.err_password_required);
    } else if f.current.chars().count() > password::MAX_PASSWORD_CHARS {
        errors.current = Some(t.err_password_too_long);
    }
    if !(password::MIN_PASSWORD_CHARS..=password::MAX_PASSWORD_CHARS).contains(&chars) {
        errors.new = Some(hint(t));
    } else if f.new == f.current {
        errors.new = Some(t.err_password_unchanged.to_owned());
    } else if f.repeat != f.new {
        errors.repeat = Some(t.err_password_mismatch);
    }
    if errors.current.is_none() && errors.new.is_none() && errors.repeat.is_none() {
        let stored: String = sqlx::query_scalar!(
            "select password_hash from app_user where user_id = $1",
            user.user_id
        )
        .fetch_one(&state.db)
        .await?;
        if !password::verify(f.current.clone(), Some(stored)).await {
            errors.current = Some(t.err_password_current_wrong);
        }
    }
    if errors.current.is_some() || errors.new.is_some() || errors.repeat.is_some() {
        // Passwords are never sent back into the form.
        errors.form = Some(t.form_has_errors);
        let page = PasswordPage {
            hint: hint(t),
            ctx: PageCtx::new(&req),
            errors,
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }

    let hash = password::hash(f.new).await?;
    let mut tx = state.db.begin().await?;
    sqlx::query!(
        "update app_user set password_hash = $2, failed_logins = 0, locked_until = null
         where user_id = $1",
        user.user_id,
        hash
    )
    .execute(&mut *tx)
    .await?;
    let ended = sqlx::query!(
        "delete from session where user_id = $1 and session_id <> $2",
        user.user_id,
        user.session_id
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    let summary = format!("other sessions ended: {ended}");
    let event = Event {
        summary: &summary,
        ..Event::by(
            &user,
            &req,
            "user.password_change",
            "user",
            Some(user.user_id),
        )
    };
    audit::record(&mut tx, event).await?;
    tx.commit().await?;
    Ok(redirect_with_flash(
        user.role.home(),
        Flash::PasswordChanged,
    ))
}
