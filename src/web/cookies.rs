//! The cookies Sanse sets, read and written with axum-extra's cookie jar.

use axum::http::{HeaderMap, HeaderValue};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};

use crate::config::Config;

pub const SESSION_COOKIE: &str = "sanse_session";
pub const LANG_COOKIE: &str = "sanse_lang";
pub const FLASH_COOKIE: &str = "sanse_flash";
/// Anti-forgery token for forms shown before login (double-submit cookie).
pub const PRE_CSRF_COOKIE: &str = "sanse_csrf";
/// The token of a browser that signed in to an account before (see
/// `auth::throttle`).
pub const DEVICE_COOKIE: &str = "sanse_device";

/// A year, for cookies that remember a preference or a device.
pub const A_YEAR: i64 = 365 * 86400;

/// The value of the cookie `name` of a request.
pub fn read(headers: &HeaderMap, name: &str) -> Option<String> {
    CookieJar::from_headers(headers)
        .get(name)
        .map(|c| c.value().to_owned())
}

/// A `Set-Cookie` value, for the whole site, `SameSite=Lax`, `Secure` when
/// the configuration says so. `max_age` of `Some(0)` deletes the cookie.
pub fn set(
    config: &Config,
    name: &'static str,
    value: &str,
    max_age: Option<i64>,
    http_only: bool,
) -> HeaderValue {
    let mut cookie = Cookie::build((name, value.to_owned()))
        .path("/")
        .same_site(SameSite::Lax)
        .http_only(http_only)
        .secure(config.secure_cookies);
    if let Some(age) = max_age {
        cookie = cookie.max_age(cookie::time::Duration::seconds(age));
    }
    // Names and values are ours (hex tokens, fixed keys), never user input.
    HeaderValue::from_str(&cookie.build().encoded().to_string())
        .unwrap_or_else(|_| HeaderValue::from_static("invalid=; Max-Age=0"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::header;

    #[test]
    fn cookies_are_found_and_set() {
        let mut h = HeaderMap::new();
        h.append(
            header::COOKIE,
            HeaderValue::from_static("a=1; sanse_lang=en"),
        );
        h.append(header::COOKIE, HeaderValue::from_static("b=2"));
        assert_eq!(read(&h, LANG_COOKIE).as_deref(), Some("en"));
        assert_eq!(read(&h, "b").as_deref(), Some("2"));
        assert_eq!(read(&h, "c"), None);
        let secure = Config {
            secure_cookies: true,
            ..Config::default()
        };
        let v = set(&secure, SESSION_COOKIE, "abc", Some(0), true);
        let v = v.to_str().unwrap();
        for part in [
            "sanse_session=abc",
            "Path=/",
            "SameSite=Lax",
            "HttpOnly",
            "Secure",
            "Max-Age=0",
        ] {
            assert!(v.contains(part), "{v} has {part}");
        }
        let plain = set(&Config::default(), LANG_COOKIE, "zh", None, false);
        assert!(!plain.to_str().unwrap().contains("Secure"));
        assert!(!plain.to_str().unwrap().contains("HttpOnly"));
    }
}
