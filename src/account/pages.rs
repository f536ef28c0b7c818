//! The sign-in, sign-out, language and password pages.
//!
//! Signing in follows `auth::throttle`: an attempt it refuses computes no
//! password hash; only failures count; a browser that signed in before gets
//! a device token and is held back by its own failures only.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sqlx::PgConnection;

use crate::AppState;
use crate::audit::{self, Event};
use crate::auth::throttle::{self, Attempt};
use crate::auth::{self, CurrentUser, password, session};
use crate::error::AppResult;
use crate::i18n::{Lang, Messages};
use crate::web::cookies::{self, A_YEAR, DEVICE_COOKIE, LANG_COOKIE, SESSION_COOKIE};
use crate::web::flash::flash_cookie;
use crate::web::form::has_control_chars;
use crate::web::{Flash, PageCtx, RequestCtx, redirect_with_flash, safe_next};

/// Longest user name accepted by the form (the schema allows 40).
pub(super) const MAX_USERNAME_CHARS: usize = 40;

pub(super) async fn root(req: RequestCtx) -> Redirect {
    match &req.user {
        Some(user) => Redirect::to(user.role.home()),
        None => Redirect::to("/login"),
    }
}

#[derive(Debug, Default)]
pub(super) struct LoginErrors {
    form: Option<&'static str>,
    username: Option<&'static str>,
    password: Option<&'static str>,
}

#[derive(Template, WebTemplate)]
#[template(path = "account/login.html")]
struct LoginPage {
    ctx: PageCtx,
    username: String,
    next: String,
    errors: LoginErrors,
}

#[derive(Debug, Deserialize)]
pub(super) struct NextQuery {
    next: Option<String>,
}

pub(super) async fn login_page(req: RequestCtx, Query(q): Query<NextQuery>) -> Response {
    if let Some(user) = &req.user {
        return Redirect::to(user.role.home()).into_response();
    }
    LoginPage {
        ctx: PageCtx::new(&req),
        username: String::new(),
        next: safe_next(q.next.as_deref()).unwrap_or_default(),
        errors: LoginErrors::default(),
    }
    .into_response()
}

#[derive(Debug, Deserialize)]
pub(super) struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: Option<String>,
}

/// What is wrong with the login form as typed, before any database work.
fn check_login_form(form: &LoginForm, username: &str, t: &'static Messages) -> LoginErrors {
    let mut errors = LoginErrors::default();
    if username.is_empty() {
        errors.username = Some(t.err_username_required);
    } else if has_control_chars(username) {
        errors.username = Some(t.err_control_chars);
    } else if username.chars().count() > MAX_USERNAME_CHARS {
        errors.username = Some(t.err_username_too_long);
    }
    if form.password.is_empty() {
        errors.password = Some(t.err_password_required);
    } else if form.password.chars().count() > password::MAX_PASSWORD_CHARS {
        errors.password = Some(t.err_password_too_long);
    }
    if errors.username.is_some() || errors.password.is_some() {
        errors.form = Some(t.form_has_errors);
    }
    errors
}

/// The account's failure, counted, in the audit log and the transaction.
async fn failed_attempt(
    conn: &mut PgConnection,
    req: &RequestCtx,
    attempt: Attempt<'_>,
    label: &str,
    reason: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<()> {
    let held = throttle::record_failure(conn, attempt, now).await?;
    let summary = if held {
        format!(
            "{reason}; sign-ins from unknown devices held for {} minutes",
            throttle::HOLD_MINUTES
        )
    } else {
        reason.to_owned()
    };
    audit::record(
        conn,
        Event {
            actor_user_id: attempt.user_id,
            actor_label: label,
            action: "login.failed",
            entity: "user",
            entity_id: attempt.user_id,
            summary: &summary,
            addr: req.audit_addr(),
            request_id: Some(&req.request_id),
            ..Event::default()
        },
    )
    .await?;
    tracing::info!(reason, "login failed");
    Ok(())
}

pub(super) async fn login(
    State(state): State<AppState>,
    req: RequestCtx,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> AppResult<Response> {
    let t = req.lang.t();
    let username = form.username.trim().to_lowercase();
    let next = safe_next(form.next.as_deref());
    let page = |errors: LoginErrors| LoginPage {
        ctx: PageCtx::new(&req),
        username: form
            .username
            .chars()
            .filter(|c| *c != '\0')
            .take(200)
            .collect(),
        next: next.clone().unwrap_or_default(),
        errors,
    };
    let errors = check_login_form(&form, &username, t);
    if errors.form.is_some() {
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page(errors)).into_response());
    }

    let now = state.clock.now();
    let device_token = cookies::read(&headers, DEVICE_COOKIE);
    let mut tx = state.db.begin().await?;
    let account = auth::account(&mut tx, &username).await?;
    let device_id = match &account {
        Some(a) => throttle::known_device(&mut tx, a.user_id, device_token.as_deref()).await?,
        None => None,
    };
    let attempt = Attempt {
        addr: &req.addr,
        user_id: account.as_ref().map(|a| a.user_id),
        device_id,
        held_until: account.as_ref().and_then(|a| a.unknown_devices_held_until),
    };
    let failure = match throttle::refusal(&mut tx, attempt, now).await? {
        // Refused at once: no password hash is computed.
        Some(refusal) => Some(refusal.reason()),
        None => {
            let usable = account.as_ref().filter(|a| !a.disabled);
            // Always one verification, so that every outcome takes as long.
            let verified = state
                .passwords
                .verify(
                    form.password.clone(),
                    usable.map(|u| u.password_hash.clone()),
                )
                .await;
            match (&account, usable, verified) {
                (None, _, _) => Some("unknown user"),
                (Some(_), None, _) => Some("user disabled"),
                (Some(_), Some(_), false) => Some("wrong password"),
                (Some(_), Some(_), true) => None,
            }
        }
    };
    let (Some(user), None) = (account, failure) else {
        failed_attempt(
            &mut tx,
            &req,
            attempt,
            &username,
            failure.unwrap_or("failed"),
            now,
        )
        .await?;
        tx.commit().await?;
        let errors = LoginErrors {
            form: Some(t.login_failed),
            ..LoginErrors::default()
        };
        return Ok((StatusCode::UNAUTHORIZED, page(errors)).into_response());
    };

    // A fresh session at every login: whatever token came in is dropped.
    if let Some(old) = cookies::read(&headers, SESSION_COOKIE) {
        session::delete_by_token(&mut tx, &old).await?;
    }
    let token = session::create(&mut tx, user.user_id, now).await?;
    let device = throttle::signed_in(
        &mut tx,
        user.user_id,
        device_id,
        device_token.as_deref(),
        now,
    )
    .await?;
    audit::record(
        &mut tx,
        Event {
            actor_user_id: Some(user.user_id),
            actor_label: &user.username,
            station_id: user.station_id,
            action: "login",
            entity: "user",
            entity_id: Some(user.user_id),
            summary: if device_id.is_some() {
                "known device"
            } else {
                "new device"
            },
            addr: req.audit_addr(),
            request_id: Some(&req.request_id),
        },
    )
    .await?;
    tx.commit().await?;

    let target = next.unwrap_or_else(|| user.role.home().to_owned());
    let mut response = Redirect::to(&target).into_response();
    let config = &state.config;
    let h = response.headers_mut();
    h.append(
        header::SET_COOKIE,
        cookies::set(config, SESSION_COOKIE, &token, None, true),
    );
    h.append(
        header::SET_COOKIE,
        cookies::set(config, LANG_COOKIE, user.lang.code(), Some(A_YEAR), false),
    );
    h.append(
        header::SET_COOKIE,
        cookies::set(config, DEVICE_COOKIE, &device, Some(A_YEAR), true),
    );
    Ok(response)
}

pub(super) async fn logout(
    State(state): State<AppState>,
    req: RequestCtx,
    CurrentUser(user): CurrentUser,
) -> AppResult<Response> {
    let mut tx = state.db.begin().await?;
    session::delete(&mut tx, user.session_id).await?;
    let event = Event::by(&user, &req, "logout", "user", Some(user.user_id));
    audit::record(&mut tx, event).await?;
    tx.commit().await?;
    let mut response = Redirect::to("/login").into_response();
    let h = response.headers_mut();
    h.append(
        header::SET_COOKIE,
        cookies::set(&state.config, SESSION_COOKIE, "", Some(0), true),
    );
    h.append(header::SET_COOKIE, flash_cookie(Flash::LoggedOut));
    Ok(response)
}

#[derive(Debug, Deserialize)]
pub(super) struct LangForm {
    #[serde(default)]
    lang: String,
    #[serde(default)]
    next: Option<String>,
}

pub(super) async fn switch_lang(
    State(state): State<AppState>,
    req: RequestCtx,
    Form(form): Form<LangForm>,
) -> AppResult<Response> {
    let Some(lang) = Lang::parse(form.lang.trim()) else {
        return Err(crate::error::AppError::BadRequest);
    };
    if let Some(user) = &req.user {
        let mut tx = state.db.begin().await?;
        auth::set_lang(&mut tx, user.user_id, lang).await?;
        let summary = format!("{} -> {}", user.lang, lang);
        let event = Event {
            summary: &summary,
            ..Event::by(user, &req, "user.lang", "user", Some(user.user_id))
        };
        audit::record(&mut tx, event).await?;
        tx.commit().await?;
    }
    let target = safe_next(form.next.as_deref()).unwrap_or_else(|| "/".to_owned());
    let mut response = redirect_with_flash(&target, Flash::LanguageChanged);
    response.headers_mut().append(
        header::SET_COOKIE,
        cookies::set(&state.config, LANG_COOKIE, lang.code(), Some(A_YEAR), false),
    );
    Ok(response)
}

#[derive(Debug, Default)]
pub(super) struct PasswordErrors {
    form: Option<&'static str>,
    current: Option<&'static str>,
    new: Option<String>,
    repeat: Option<&'static str>,
}

impl PasswordErrors {
    fn any(&self) -> bool {
        self.current.is_some() || self.new.is_some() || self.repeat.is_some()
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "account/password.html")]
pub(super) struct PasswordPage {
    ctx: PageCtx,
    errors: PasswordErrors,
    hint: String,
}

fn hint(t: &Messages) -> String {
    (t.password_rule)(password::MIN_PASSWORD_CHARS, password::MAX_PASSWORD_CHARS)
}

pub(super) async fn password_form(req: RequestCtx, _user: CurrentUser) -> PasswordPage {
    PasswordPage {
        hint: hint(req.lang.t()),
        ctx: PageCtx::new(&req),
        errors: PasswordErrors::default(),
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    repeat: String,
}

fn check_password_form(f: &PasswordForm, t: &'static Messages) -> PasswordErrors {
    let mut errors = PasswordErrors::default();
    if f.current.is_empty() {
        errors.current = Some(t.err_password_required);
    } else if f.current.chars().count() > password::MAX_PASSWORD_CHARS {
        errors.current = Some(t.err_password_too_long);
    }
    let chars = f.new.chars().count();
    if !(password::MIN_PASSWORD_CHARS..=password::MAX_PASSWORD_CHARS).contains(&chars) {
        errors.new = Some(hint(t));
    } else if has_control_chars(&f.new) {
        errors.new = Some(t.err_control_chars.to_owned());
    } else if f.new == f.current {
        errors.new = Some(t.err_password_unchanged.to_owned());
    } else if f.repeat != f.new {
        errors.repeat = Some(t.err_password_mismatch);
    }
    errors
}

/// Every signed-in user changes their own password. The current one is
/// checked under the sign-in throttling (a stolen session cannot guess it
/// freely); on success the account's other sessions and devices end, this
/// session goes on and this browser becomes the account's device.
pub(super) async fn change_password(
    State(state): State<AppState>,
    req: RequestCtx,
    headers: HeaderMap,
    CurrentUser(user): CurrentUser,
    Form(f): Form<PasswordForm>,
) -> AppResult<Response> {
    let t = req.lang.t();
    let now = state.clock.now();
    let mut errors = check_password_form(&f, t);
    let mut tx = state.db.begin().await?;
    if !errors.any() {
        let account = auth::account(&mut tx, &user.username).await?;
        let device_token = cookies::read(&headers, DEVICE_COOKIE);
        let device_id =
            throttle::known_device(&mut tx, user.user_id, device_token.as_deref()).await?;
        let attempt = Attempt {
            addr: &req.addr,
            user_id: Some(user.user_id),
            device_id,
            held_until: account.and_then(|a| a.unknown_devices_held_until),
        };
        let wrong = match throttle::refusal(&mut tx, attempt, now).await? {
            Some(refusal) => {
                errors.current = Some(t.err_too_many_attempts);
                Some(refusal.reason())
            }
            None => {
                let stored = auth::password_hash(&mut tx, user.user_id).await?;
                let right = state.passwords.verify(f.current.clone(), stored).await;
                if !right {
                    errors.current = Some(t.err_password_current_wrong);
                }
                (!right).then_some("wrong current password")
            }
        };
        if let Some(reason) = wrong {
            failed_attempt(&mut tx, &req, attempt, &user.username, reason, now).await?;
        }
    }
    if errors.any() {
        tx.commit().await?;
        // Passwords are never sent back into the form.
        errors.form = Some(t.form_has_errors);
        let page = PasswordPage {
            hint: hint(t),
            ctx: PageCtx::new(&req),
            errors,
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }

    let hash = state.passwords.hash(f.new).await?;
    auth::set_password(&mut tx, user.user_id, &hash).await?;
    let ended = session::delete_all_for_user(&mut tx, user.user_id, Some(user.session_id)).await?;
    let device = throttle::new_device(&mut tx, user.user_id, now).await?;
    let summary = format!("other sessions ended: {ended}; devices revoked");
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
    let mut response = redirect_with_flash(user.role.home(), Flash::PasswordChanged);
    response.headers_mut().append(
        header::SET_COOKIE,
        cookies::set(&state.config, DEVICE_COOKIE, &device, Some(A_YEAR), true),
    );
    Ok(response)
}
