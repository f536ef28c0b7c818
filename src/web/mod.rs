//! Pieces every page shares: the request and page context, cookies, flash
//! messages, forms, paging, CSV, the static files and the middleware stack.

pub mod assets;
pub mod cookies;
pub mod csv;
mod ctx;
pub mod flash;
pub mod form;
pub mod middleware;
pub mod paging;
pub mod path;
mod queries;
pub mod upload;

use std::net::SocketAddr;

use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, header};

use crate::config::Config;
use crate::i18n::Lang;

pub use cookies::{FLASH_COOKIE, LANG_COOKIE, PRE_CSRF_COOKIE, SESSION_COOKIE};
pub use ctx::{NavItem, PageCtx, RequestCtx};
pub use flash::{Flash, redirect_with_flash};
pub use path::{IdPath, Parsed};

/// Name of the hidden form field (or `x-csrf-token` header) carrying the token.
pub const CSRF_FIELD: &str = "csrf";

/// The language of a request before any session is known.
pub fn request_lang(headers: &HeaderMap) -> Lang {
    cookies::read(headers, LANG_COOKIE)
        .and_then(|code| Lang::parse(&code))
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

/// A text cut to `max_chars` (with an ellipsis) on one line, for summaries.
pub fn snippet(text: &str, max_chars: usize) -> String {
    let text = text.trim();
    let mut out: String = text.chars().take(max_chars).collect();
    if text.chars().count() > max_chars {
        out.push('…');
    }
    out.replace('\n', " ")
}

/// A time as read in China Standard Time (UTC+8), where every station is.
pub fn local_time(at: &chrono::DateTime<chrono::Utc>) -> String {
    let cst = chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset");
    at.with_timezone(&cst).format("%Y-%m-%d %H:%M").to_string()
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
}
