//! Pieces every page shares: the per-request context, cookies, the page
//! context handed to templates, and the middleware stack.

pub mod assets;
pub mod csv;
pub mod form;
pub mod middleware;
pub mod paging;
pub mod record;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};

use crate::AppState;
use crate::auth::{Role, SessionUser};
use crate::config::Config;
use crate::error::AppError;
use crate::i18n::{Lang, Messages};

pub const SESSION_COOKIE: &str = "sanse_session";
pub const LANG_COOKIE: &str = "sanse_lang";
pub const FLASH_COOKIE: &str = "sanse_flash";
/// Anti-forgery token for forms shown before login (double-submit cookie).
pub const PRE_CSRF_COOKIE: &str = "sanse_csrf";
/// Name of the hidden form field (or `x-csrf-token` header) carrying the token.
pub const CSRF_FIELD: &str = "csrf";

/// A one-shot message shown on the next page; only a key travels in the
/// cookie, the text comes from the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flash {
    LoggedOut,
    SessionExpired,
    LanguageChanged,
    Saved,
    Deleted,
    PasswordChanged,
}

impl Flash {
    pub fn key(self) -> &'static str {
        match self {
            Flash::LoggedOut => "logged-out",
            Flash::SessionExpired => "session-expired",
            Flash::LanguageChanged => "lang",
            Flash::Saved => "saved",
            Flash::Deleted => "deleted",
            Flash::PasswordChanged => "password",
        }
    }

    pub fn parse(key: &str) -> Option<Flash> {
        match key {
            "logged-out" => Some(Flash::LoggedOut),
            "session-expired" => Some(Flash::SessionExpired),
            "lang" => Some(Flash::LanguageChanged),
            "saved" => Some(Flash::Saved),
            "deleted" => Some(Flash::Deleted),
            "password" => Some(Flash::PasswordChanged),
            _ => None,
        }
    }

    pub fn text(self, t: &Messages) -> &'static str {
        match self {
            Flash::LoggedOut => t.flash_logged_out,
            Flash::SessionExpired => t.flash_session_expired,
            Flash::LanguageChanged => t.flash_language_changed,
            Flash::Saved => t.saved,
            Flash::Deleted => t.deleted,
            Flash::PasswordChanged => t.flash_password_changed,
        }
    }
}

/// What the middleware learned about the request; read by extractors.
#[derive(Debug, Clone)]
pub struct RequestCtx {
    pub lang: Lang,
    pub request_id: String,
    pub addr: String,
    /// The token forms must echo back: the session's, or the pre-login one.
    pub csrf: String,
    pub user: Option<Arc<SessionUser>>,
    /// A session cookie came with the request but its session has ended.
    pub session_ended: bool,
    pub flash: Option<Flash>,
    pub path: String,
}

impl RequestCtx {
    pub fn audit_addr(&self) -> Option<&str> {
        Some(self.addr.as_str())
    }
}

impl FromRequestParts<AppState> for RequestCtx {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, AppError> {
        parts
            .extensions
            .get::<RequestCtx>()
            .cloned()
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("session middleware missing")))
    }
}

/// Cookie values of a request.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim())
}

/// A `Set-Cookie` value. `max_age` of `Some(0)` deletes the cookie.
pub fn set_cookie(
    config: &Config,
    name: &str,
    value: &str,
    max_age: Option<i64>,
    http_only: bool,
) -> HeaderValue {
    let mut s = format!("{name}={value}; Path=/; SameSite=Lax");
    if let Some(age) = max_age {
        s.push_str(&format!("; Max-Age={age}"));
    }
    if http_only {
        s.push_str("; HttpOnly");
    }
    if config.secure_cookies {
        s.push_str("; Secure");
    }
    // Names and values are ours (hex tokens, fixed keys), never user input.
    HeaderValue::from_str(&s).unwrap_or_else(|_| HeaderValue::from_static("invalid=; Max-Age=0"))
}

/// The language of a request before any session is known.
pub fn request_lang(headers: &HeaderMap) -> Lang {
    cookie(headers, LANG_COOKIE)
        .and_then(Lang::parse)
        .or_else(|| {
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .map(Lang::from_accept_language)
        })
        .unwrap_or(Lang::Zh)
}

/// The client's address: the socket peer, or, when configured to trust a
/// proxy, the last `X-Forwarded-For` entry. That is the one our proxy
/// wrote; entries before it come from the client (nginx's
/// `$proxy_add_x_forwarded_for` appends to what the client sent), so
/// trusting the first would let anyone pick an address and step around the
/// login throttling.
pub fn client_addr(
    headers: &HeaderMap,
    extensions: &axum::http::Extensions,
    config: &Config,
) -> String {
    if config.trust_forwarded_for
        && let Some(last) = headers
            .get_all("x-forwarded-for")
            .iter()
            .next_back()
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
    {
        let last = last.trim();
        if !last.is_empty() && last.len() <= 64 {
            return last.to_owned();
        }
    }
    extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip().to_string())
        .unwrap_or_else(|| "unknown".to_owned())
}

/// A redirect that shows `flash` on the next page.
pub fn redirect_with_flash(to: &str, flash: Flash) -> axum::response::Response {
    use axum::response::IntoResponse;
    let mut response = axum::response::Redirect::to(to).into_response();
    // Only a fixed key travels in this cookie.
    if let Ok(v) = HeaderValue::from_str(&format!(
        "{FLASH_COOKIE}={}; Path=/; SameSite=Lax; HttpOnly",
        flash.key()
    )) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

/// A record id from the path; anything else is a 404, like a missing record.
pub fn parse_id(raw: &str) -> Result<i64, crate::error::AppError> {
    raw.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or(crate::error::AppError::NotFound)
}

/// Only same-site relative paths may be redirect targets.
pub fn safe_next(next: Option<&str>) -> Option<String> {
    let next = next?.trim();
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && next.len() <= 512
        && !next.chars().any(|c| c.is_control() || c == '\\');
    ok.then(|| next.to_owned())
}

/// A time as read in China Standard Time (UTC+8), where every station is.
pub fn local_time(at: &chrono::DateTime<chrono::Utc>) -> String {
    let cst = chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset");
    at.with_timezone(&cst).format("%Y-%m-%d %H:%M").to_string()
}

/// A link in the top navigation.
#[derive(Debug)]
pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

/// Everything the base layout needs; every page template holds one.
#[derive(Debug, Clone)]
pub struct PageCtx {
    pub lang: Lang,
    pub t: &'static Messages,
    pub user: Option<Arc<SessionUser>>,
    pub csrf: String,
    pub flash: Option<&'static str>,
    pub request_id: String,
    pub path: String,
}

impl PageCtx {
    pub fn new(req: &RequestCtx) -> PageCtx {
        let t = req.lang.t();
        PageCtx {
            lang: req.lang,
            t,
            user: req.user.clone(),
            csrf: req.csrf.clone(),
            flash: req.flash.map(|f| f.text(t)),
            request_id: req.request_id.clone(),
            path: req.path.clone(),
        }
    }

    /// The language the switcher offers.
    pub fn other_lang(&self) -> Lang {
        match self.lang {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }

    pub fn role_label(&self) -> &'static str {
        match &self.user {
            Some(u) => u.role.label(self.t),
            None => "",
        }
    }

    pub fn scope_name(&self) -> &str {
        match &self.user {
            Some(u) => u.scope_name(self.lang),
            None => "",
        }
    }

    pub fn nav(&self) -> Vec<NavItem> {
        let Some(user) = &self.user else {
            return Vec::new();
        };
        let home = user.role.home();
        let mut items = vec![NavItem {
            href: home,
            label: self.t.nav_home,
            current: self.path == home,
        }];
        if user.role == Role::Admin {
            items[0].label = self.t.nav_admin;
        }
        if matches!(user.role, Role::Officer | Role::Chief) {
            for (href, label) in [
                ("/evaluations", self.t.nav_evaluations),
                ("/enterprises", self.t.nav_enterprises),
                ("/visits", self.t.nav_visits),
                ("/hazards", self.t.nav_hazards),
                ("/disputes", self.t.nav_disputes),
                ("/demands", self.t.nav_demands),
                ("/incidents", self.t.nav_incidents),
                ("/trainings", self.t.nav_trainings),
                ("/reports/monthly", self.t.nav_monthly),
            ] {
                items.push(NavItem {
                    href,
                    label,
                    current: self.path == href || self.path.starts_with(&format!("{href}/")),
                });
            }
        }
        items
    }
}

impl FromRequestParts<AppState> for PageCtx {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let req = RequestCtx::from_request_parts(parts, state).await?;
        Ok(PageCtx::new(&req))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_must_be_local() {
        assert_eq!(safe_next(Some("/chief")), Some("/chief".into()));
        assert_eq!(safe_next(Some("//evil.example")), None);
        assert_eq!(safe_next(Some("/\\evil.example")), None);
        assert_eq!(safe_next(Some("https://evil.example")), None);
        assert_eq!(safe_next(Some("/a\r\nSet-Cookie: x")), None);
        assert_eq!(safe_next(None), None);
    }

    #[test]
    fn cookies_are_found() {
        let mut h = HeaderMap::new();
        h.append(
            header::COOKIE,
            HeaderValue::from_static("a=1; sanse_lang=en"),
        );
        h.append(header::COOKIE, HeaderValue::from_static("b=2"));
        assert_eq!(cookie(&h, LANG_COOKIE), Some("en"));
        assert_eq!(cookie(&h, "b"), Some("2"));
        assert_eq!(cookie(&h, "c"), None);
        assert_eq!(request_lang(&h), Lang::En);
    }
}
