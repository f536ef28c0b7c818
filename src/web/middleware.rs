//! The middleware stack: request ids, sessions and CSRF tokens, security
//! headers, and error pages in the user's language.

use std::any::Any;
use std::sync::Arc;

use super::cookies;
use super::{
    CSRF_FIELD, FLASH_COOKIE, Flash, PRE_CSRF_COOKIE, PageCtx, RequestCtx, SESSION_COOKIE,
    client_addr, request_lang,
};
use crate::AppState;
use crate::auth::{Identity, session};
use crate::error::{AppError, ErrorKind, error_response};
use crate::random::{constant_time_eq, token_hex};
use askama::Template;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};

pub const REQUEST_ID_HEADER: &str = "x-request-id";
/// A request id the client sent, kept beside ours in the log.
pub const CLIENT_REQUEST_ID_HEADER: &str = "x-client-request-id";
/// The longest client request id kept.
const CLIENT_ID_MAX: usize = 64;

/// The id the client gave, or `None`: at most [`CLIENT_ID_MAX`] characters
/// of letters, digits and `-_.:`, so that nothing it sends can break a log
/// line or pass for one of ours.
fn client_request_id(req: &Request) -> Option<String> {
    let raw = req.headers().get(REQUEST_ID_HEADER)?.to_str().ok()?;
    let kept: String = raw
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
        .take(CLIENT_ID_MAX)
        .collect();
    (!kept.is_empty()).then_some(kept)
}

/// Gives every request an id made here (random, short enough to read out
/// over the phone), whatever the client sent: the client's own id, if any,
/// moves to `x-client-request-id`, sanitised. The response carries ours.
pub async fn request_id(mut req: Request, next: Next) -> Response {
    let client = client_request_id(&req);
    let ours = HeaderValue::from_str(&token_hex(8)).unwrap_or(HeaderValue::from_static("-"));
    let headers = req.headers_mut();
    headers.insert(REQUEST_ID_HEADER, ours.clone());
    headers.remove(CLIENT_REQUEST_ID_HEADER);
    if let Some(client) = client.and_then(|c| HeaderValue::from_str(&c).ok()) {
        headers.insert(CLIENT_REQUEST_ID_HEADER, client);
    }
    let mut response = next.run(req).await;
    response.headers_mut().insert(REQUEST_ID_HEADER, ours);
    response
}

fn request_id_of(req: &Request) -> String {
    req.headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-")
        .to_owned()
}

fn is_token(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Loads the session (one query), provides the form token, checks it on
/// every state-changing request, and hands a [`RequestCtx`] to the handlers.
pub async fn session(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let headers = req.headers();
    let mut lang = request_lang(headers);
    let addr = client_addr(headers, req.extensions(), &state.config);
    let flash = cookies::read(headers, FLASH_COOKIE).and_then(|code| Flash::parse(&code));

    let mut user = None;
    let mut session_ended = false;
    if let Some(token) = cookies::read(headers, SESSION_COOKIE) {
        match session::lookup(&state.db, &token, state.clock.now(), &state.config).await {
            Ok(Some(found)) => {
                lang = found.lang;
                user = Some(Arc::new(found));
            }
            Ok(None) => session_ended = true,
            Err(err) => return AppError::from(err).into_response(),
        }
    }

    let pre_token = cookies::read(headers, PRE_CSRF_COOKIE).filter(|t| is_token(t));
    let new_pre_token = match (&user, &pre_token) {
        (None, None) => Some(token_hex(32)),
        _ => None,
    };
    let csrf = match (&user, &pre_token, &new_pre_token) {
        (Some(u), _, _) => u.csrf_token.clone(),
        (None, Some(t), _) => t.clone(),
        (None, None, Some(t)) => t.clone(),
        (None, None, None) => String::new(),
    };

    if !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        let is_login = req.uri().path() == "/login";
        let (submitted, rebuilt) = match submitted_token(req, state.config.body_limit).await {
            Ok(pair) => pair,
            Err(response) => return response,
        };
        req = rebuilt;
        let valid = match submitted {
            // Checked by the upload extractor, against `RequestCtx::csrf`,
            // before it reads a file; without a token to check against it
            // is refused here.
            Submitted::InFirstPart => !csrf.is_empty(),
            Submitted::Token(submitted) => {
                let matches = |expected: &str| {
                    submitted.as_deref().is_some_and(|s| {
                        !expected.is_empty() && constant_time_eq(s.as_bytes(), expected.as_bytes())
                    })
                };
                // A login form opened before another tab signed in still
                // carries the pre-login token; it stays valid for the login.
                matches(&csrf) || (is_login && pre_token.as_deref().is_some_and(matches))
            }
        };
        if !valid {
            if session_ended {
                // The form was fine; the session behind it has expired.
                return crate::auth::AuthRejection::Login {
                    next: String::new(),
                    expired: true,
                }
                .into_response();
            }
            tracing::info!("form token missing or wrong");
            return error_response(ErrorKind::Csrf);
        }
    }

    req.extensions_mut().insert(Identity {
        user: user.clone(),
        session_ended,
    });
    let ctx = RequestCtx {
        lang,
        request_id: request_id_of(&req),
        addr,
        csrf,
        user,
        session_ended,
        flash,
        path: req.uri().path().to_owned(),
    };
    req.extensions_mut().insert(ctx);
    let mut response = next.run(req).await;

    let config = &state.config;
    let set = response.headers_mut();
    if let Some(token) = new_pre_token {
        set.append(
            header::SET_COOKIE,
            cookies::set(config, PRE_CSRF_COOKIE, &token, None, true),
        );
    }
    if session_ended {
        set.append(
            header::SET_COOKIE,
            cookies::set(config, SESSION_COOKIE, "", Some(0), true),
        );
    }
    // A flash is shown once: clear it on the page that displayed it.
    if flash.is_some() && response.status().is_success() {
        response.headers_mut().append(
            header::SET_COOKIE,
            cookies::set(config, FLASH_COOKIE, "", Some(0), true),
        );
    }
    if config.secure_cookies {
        secure_flash_cookie(response.headers_mut());
    }
    response
}

/// Handlers set the flash with `redirect_with_flash`, which does not know
/// the configuration: mark it Secure here when cookies must be (wapiti's
/// finding, bench/scan.sh).
fn secure_flash_cookie(headers: &mut axum::http::HeaderMap) {
    let prefix = format!("{FLASH_COOKIE}=");
    let values: Vec<axum::http::HeaderValue> = headers
        .get_all(header::SET_COOKIE)
        .iter()
        .cloned()
        .collect();
    if !values.iter().any(|v| {
        v.to_str()
            .is_ok_and(|s| s.starts_with(&prefix) && !s.contains("; Secure"))
    }) {
        return;
    }
    headers.remove(header::SET_COOKIE);
    for v in values {
        let fixed = match v.to_str() {
            Ok(s) if s.starts_with(&prefix) && !s.contains("; Secure") => {
                axum::http::HeaderValue::from_str(&format!("{s}; Secure")).unwrap_or(v)
            }
            _ => v,
        };
        headers.append(header::SET_COOKIE, fixed);
    }
}

/// Where a state-changing request's form token is.
enum Submitted {
    /// In the `x-csrf-token` header or the form body's `csrf` field (or
    /// nowhere).
    Token(Option<String>),
    /// A multipart form's first part.
    InFirstPart,
}

/// The token from the `x-csrf-token` header or the form body's `csrf` field.
/// Reading the body means rebuilding the request from the buffered bytes.
async fn submitted_token(req: Request, limit: usize) -> Result<(Submitted, Request), Response> {
    if let Some(h) = req
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
    {
        let token = h.to_owned();
        return Ok((Submitted::Token(Some(token)), req));
    }
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if content_type.starts_with("multipart/form-data") {
        // An upload's token is its first part, which the upload extractor
        // (`web::upload`) checks before it reads any file: the body is not
        // buffered here.
        return Ok((Submitted::InFirstPart, req));
    }
    if !content_type.starts_with("application/x-www-form-urlencoded") {
        return Ok((Submitted::Token(None), req));
    }
    let (parts, body) = req.into_parts();
    let bytes = to_bytes(body, limit)
        .await
        .map_err(|_| error_response(ErrorKind::TooLarge))?;
    let token = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
        .ok()
        .and_then(|pairs| {
            pairs
                .into_iter()
                .find(|(k, _)| k == CSRF_FIELD)
                .map(|(_, v)| v)
        });
    Ok((
        Submitted::Token(token),
        Request::from_parts(parts, Body::from(bytes)),
    ))
}

/// Headers every response carries; with secure cookies (Sanse behind
/// HTTPS), browsers are also told to use HTTPS only, for a year.
pub async fn security_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let is_static = req.uri().path().starts_with("/static/");
    let mut response = next.run(req).await;
    let h = response.headers_mut();
    if state.config.secure_cookies {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; \
             base-uri 'none'",
        ),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=()"),
    );
    if is_static {
        if response.status().is_success() {
            response.headers_mut().insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=86400"),
            );
        }
    } else {
        // Pages hold police data: never keep them in a cache.
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    ctx: PageCtx,
    status: u16,
    message: &'static str,
}

/// Turns bare error responses (ours, and those of axum and tower-http
/// layers) into a page in the user's language with the request id.
pub async fn error_pages(req: Request, next: Next) -> Response {
    let lang = request_lang(req.headers());
    let request_id = request_id_of(&req);
    // The language switch posts with the pre-login token; a signed-in user's
    // token is not known out here, so their error pages go without it.
    let signed_in = cookies::read(req.headers(), SESSION_COOKIE).is_some();
    let pre_token =
        cookies::read(req.headers(), PRE_CSRF_COOKIE).filter(|t| is_token(t) && !signed_in);
    let path = req.uri().path().to_owned();
    let response = next.run(req).await;

    let status = response.status();
    if status.as_u16() < 400 {
        return response;
    }
    let marked = response.extensions().get::<ErrorKind>().copied();
    let kind = match marked {
        Some(kind) => kind,
        None => {
            // Unmarked: render only if nobody rendered a page already.
            let plain = response
                .headers()
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_none_or(|ct| ct.starts_with("text/plain"));
            let csrf_layer = response
                .extensions()
                .get::<tower_http::csrf::ProtectionError>()
                .is_some();
            match ErrorKind::from_status(status) {
                Some(_) if csrf_layer => ErrorKind::Csrf,
                Some(kind) if plain => kind,
                _ => return response,
            }
        }
    };
    if kind == ErrorKind::Internal {
        tracing::error!(%request_id, status = status.as_u16(), "error response");
    }
    if crate::pushes::api::is_api_path(&path) {
        // A partner system reads JSON, whatever answered.
        return crate::pushes::api::layer_error(kind, lang);
    }
    let t = lang.t();
    let message = match kind {
        ErrorKind::BadRequest => t.error_bad_request,
        ErrorKind::Forbidden => t.error_forbidden,
        ErrorKind::Csrf => t.error_csrf,
        ErrorKind::NotFound => t.error_not_found,
        ErrorKind::Conflict => t.error_conflict,
        ErrorKind::TooLarge => t.error_too_large,
        ErrorKind::Timeout => t.error_timeout,
        ErrorKind::Unavailable => t.error_unavailable,
        ErrorKind::Internal => t.error_internal,
    };
    let page = ErrorPage {
        ctx: PageCtx {
            lang,
            t,
            user: None,
            csrf: pre_token.unwrap_or_default(),
            flash: None,
            request_id,
            path,
        },
        status: status.as_u16(),
        message,
    };
    let body = match page.render() {
        Ok(html) => html,
        Err(err) => {
            tracing::error!(error = %err, "rendering the error page");
            message.to_owned()
        }
    };
    let (mut parts, _) = response.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    let mut response = Response::from_parts(parts, Body::from(Html(body).0));
    *response.status_mut() = if kind == ErrorKind::Csrf {
        StatusCode::FORBIDDEN
    } else {
        status
    };
    response
}

/// A panic in a handler becomes a 500 page; the panic text goes to the log only.
pub fn panic_response(err: Box<dyn Any + Send + 'static>) -> Response {
    let detail = err
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| err.downcast_ref::<&str>().copied())
        .unwrap_or("(non-string panic)");
    tracing::error!(panic = detail, "handler panicked");
    error_response(ErrorKind::Internal)
}
