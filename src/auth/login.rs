//! `/login`, `/logout`, `/lang` and `/`.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::{CurrentUser, Role, password, session};
use crate::AppState;
use crate::audit::{self, Event};
use crate::error::AppResult;
use crate::i18n::Lang;
use crate::web::{
    FLASH_COOKIE, Flash, LANG_COOKIE, PageCtx, RequestCtx, SESSION_COOKIE, cookie, safe_next,
    set_cookie,
};

/// Failed attempts after which an account is locked.
pub const MAX_FAILED_LOGINS: i32 = 10;
/// How long a locked account stays locked.
pub const LOCKOUT_MINUTES: i64 = 15;
/// Attempts one address may make per window.
pub const MAX_ATTEMPTS_PER_ADDR: i64 = 25;
pub const ADDR_WINDOW_MINUTES: i64 = 5;
/// Longest user name accepted by the form (the schema allows 40).
pub const MAX_USERNAME_CHARS: usize = 40;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(root))
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
        .route("/lang", post(switch_lang))
}

async fn root(req: RequestCtx) -> Redirect {
    match &req.user {
        Some(user) => Redirect::to(user.role.home()),
        None => Redirect::to("/login"),
    }
}

#[derive(Debug, Default)]
pub struct LoginErrors {
    pub form: Option<&'static str>,
    pub username: Option<&'static str>,
    pub password: Option<&'static str>,
}

#[derive(Template, WebTemplate)]
#[template(path = "auth/login.html")]
struct LoginPage {
    ctx: PageCtx,
    username: String,
    next: String,
    errors: LoginErrors,
}

#[derive(Debug, Deserialize)]
struct NextQuery {
    next: Option<String>,
}

async fn login_page(req: RequestCtx, Query(q): Query<NextQuery>) -> Response {
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
struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: Option<String>,
}

struct UserRow {
    user_id: i64,
    username: String,
    password_hash: String,
    role: Role,
    lang: Lang,
    station_id: Option<i64>,
    disabled_at: Option<DateTime<Utc>>,
    locked_until: Option<DateTime<Utc>>,
}

async fn login(
    State(state): State<AppState>,
    req: RequestCtx,
    headers: axum::http::HeaderMap,
    Form(form): Form<LoginForm>,
) -> AppResult<Response> {
    let t = req.lang.t();
    let username = form.username.trim().to_lowercase();
    let next = safe_next(form.next.as_deref());
    let mut errors = LoginErrors::default();
    if username.is_empty() {
        errors.username = Some(t.err_username_required);
    } else if username.chars().count() > MAX_USERNAME_CHARS {
        errors.username = Some(t.err_username_too_long);
    }
    if form.password.is_empty() {
        errors.password = Some(t.err_password_required);
    } else if form.password.chars().count() > password::MAX_PASSWORD_CHARS {
        errors.password = Some(t.err_password_too_long);
    }
    let page = |errors: LoginErrors| LoginPage {
        ctx: PageCtx::new(&req),
        username: form.username.chars().take(200).collect(),
        next: next.clone().unwrap_or_default(),
        errors,
    };
    if errors.username.is_some() || errors.password.is_some() {
        errors.form = Some(t.form_has_errors);
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page(errors)).into_response());
    }

    let now = state.clock.now();
    let db = &state.db;
    let window_start = now - chrono::Duration::minutes(ADDR_WINDOW_MINUTES);
    // The attempt itself is not visible to the count in the same statement.
    let earlier = sqlx::query_scalar!(
        r#"with attempt as (insert into login_attempt (addr, attempted_at) values ($1, $2))
           select count(*) as "n!" from login_attempt where addr = $1 and attempted_at > $3"#,
        req.addr,
        now,
        window_start
    )
    .fetch_one(db)
    .await?;
    let addr_throttled = earlier + 1 > MAX_ATTEMPTS_PER_ADDR;

    let user = sqlx::query_as!(
        UserRow,
        r#"select u.user_id, u.username, u.password_hash, u.role as "role: Role",
                  u.lang as "lang: Lang", u.station_id,
                  -- a user of a disabled department is disabled with it
                  coalesce(u.disabled_at, d.disabled_at) as disabled_at, u.locked_until
           from app_user u left join department d using (department_id)
           where u.username = $1"#,
        username
    )
    .fetch_optional(db)
    .await?;

    // Always run one verification, so every outcome takes the same time.
    let usable = user.as_ref().filter(|u| u.disabled_at.is_none());
    let verified = password::verify(
        form.password.clone(),
        usable.map(|u| u.password_hash.clone()),
    )
    .await;
    let locked = user
        .as_ref()
        .and_then(|u| u.locked_until)
        .is_some_and(|until| until > now);

    let failure = if addr_throttled {
        Some("address throttled")
    } else if user.is_none() {
        Some("unknown user")
    } else if usable.is_none() {
        Some("user disabled")
    } else if locked {
        Some("account locked")
    } else if !verified {
        Some("wrong password")
    } else {
        None
    };

    let mut tx = db.begin().await?;
    if let Some(reason) = failure {
        let mut summary = reason.to_owned();
        if let (Some(u), "wrong password") = (&user, reason) {
            let locked_now = sqlx::query_scalar!(
                r#"update app_user set
                       failed_logins = case when failed_logins + 1 >= $2 then 0 else failed_logins + 1 end,
                       locked_until = case when failed_logins + 1 >= $2 then $3 else locked_until end
                   where user_id = $1
                   returning coalesce(locked_until = $3, false) as "locked!""#,
                u.user_id,
                MAX_FAILED_LOGINS,
                now + chrono::Duration::minutes(LOCKOUT_MINUTES),
            )
            .fetch_one(&mut *tx)
            .await?;
            if locked_now {
                summary = format!("wrong password; account locked for {LOCKOUT_MINUTES} minutes");
            }
        }
        audit::record(
            &mut tx,
            Event {
                actor_user_id: user.as_ref().map(|u| u.user_id),
                actor_label: &username,
                action: "login.failed",
                entity: "user",
                entity_id: user.as_ref().map(|u| u.user_id),
                summary: &summary,
                addr: req.audit_addr(),
                request_id: Some(&req.request_id),
                ..Event::default()
            },
        )
        .await?;
        tx.commit().await?;
        tracing::info!(reason, "login failed");
        let errors = LoginErrors {
            form: Some(t.login_failed),
            ..LoginErrors::default()
        };
        return Ok((StatusCode::UNAUTHORIZED, page(errors)).into_response());
    }

    let Some(user) = user else {
        // `failure` is set whenever there is no user.
        return Err(anyhow::anyhow!("login succeeded without a user").into());
    };
    sqlx::query!(
        "update app_user set failed_logins = 0, locked_until = null where user_id = $1",
        user.user_id
    )
    .execute(&mut *tx)
    .await?;
    // A fresh session at every login: whatever token came in is dropped.
    if let Some(old) = cookie(&headers, SESSION_COOKIE) {
        session::delete_by_token(&mut tx, old).await?;
    }
    let token = session::create(&mut tx, user.user_id, now).await?;
    audit::record(
        &mut tx,
        Event {
            actor_user_id: Some(user.user_id),
            actor_label: &user.username,
            station_id: user.station_id,
            action: "login",
            entity: "user",
            entity_id: Some(user.user_id),
            addr: req.audit_addr(),
            request_id: Some(&req.request_id),
            ..Event::default()
        },
    )
    .await?;
    tx.commit().await?;

    let target = next.unwrap_or_else(|| user.role.home().to_owned());
    let mut response = Redirect::to(&target).into_response();
    let h = response.headers_mut();
    h.append(
        header::SET_COOKIE,
        set_cookie(&state.config, SESSION_COOKIE, &token, None, true),
    );
    h.append(
        header::SET_COOKIE,
        set_cookie(
            &state.config,
            LANG_COOKIE,
            user.lang.code(),
            Some(365 * 86400),
            false,
        ),
    );
    Ok(response)
}

async fn logout(
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
        set_cookie(&state.config, SESSION_COOKIE, "", Some(0), true),
    );
    h.append(
        header::SET_COOKIE,
        set_cookie(
            &state.config,
            FLASH_COOKIE,
            Flash::LoggedOut.key(),
            None,
            true,
        ),
    );
    Ok(response)
}

#[derive(Debug, Deserialize)]
struct LangForm {
    #[serde(default)]
    lang: String,
    #[serde(default)]
    next: Option<String>,
}

async fn switch_lang(
    State(state): State<AppState>,
    req: RequestCtx,
    Form(form): Form<LangForm>,
) -> AppResult<Response> {
    let Some(lang) = Lang::parse(&form.lang) else {
        return Err(crate::error::AppError::BadRequest);
    };
    if let Some(user) = &req.user {
        let mut tx = state.db.begin().await?;
        sqlx::query!(
            "update app_user set lang = $2 where user_id = $1",
            user.user_id,
            lang as Lang
        )
        .execute(&mut *tx)
        .await?;
        let summary = format!("{} -> {}", user.lang, lang);
        let event = Event {
            summary: &summary,
            ..Event::by(user, &req, "user.lang", "user", Some(user.user_id))
        };
        audit::record(&mut tx, event).await?;
        tx.commit().await?;
    }
    let target = safe_next(form.next.as_deref()).unwrap_or_else(|| "/".to_owned());
    let mut response = Redirect::to(&target).into_response();
    let h = response.headers_mut();
    h.append(
        header::SET_COOKIE,
        set_cookie(
            &state.config,
            LANG_COOKIE,
            lang.code(),
            Some(365 * 86400),
            false,
        ),
    );
    h.append(
        header::SET_COOKIE,
        set_cookie(
            &state.config,
            FLASH_COOKIE,
            Flash::LanguageChanged.key(),
            None,
            true,
        ),
    );
    Ok(response)
}
