//! One-shot messages shown on the next page (only a code travels in the
//! cookie; the text is the code's name in the reader's language), and the
//! responses of the authentication extractors' refusals.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use super::cookies::FLASH_COOKIE;
use crate::auth::AuthRejection;
use crate::coded::coded_enum;
use crate::error::AppError;

coded_enum! {
    /// A message for the next page.
    pub enum Flash {
        LoggedOut = "logged-out", "您已安全退出。", "You have logged out.";
        SessionExpired = "session-expired", "登录已过期，请重新登录。",
            "Your session has expired. Please log in again.";
        LanguageChanged = "lang", "界面语言已切换为中文。", "The interface is now in English.";
        Saved = "saved", "已保存。", "Saved.";
        Deleted = "deleted", "已删除。", "Deleted.";
        PasswordChanged = "password", "密码已修改，其他设备上的登录已退出。",
            "Your password is changed; you are logged out on every other device.";
    }
}

/// The `Set-Cookie` value that shows `flash` on the next page. Only a fixed
/// code travels in it; the session middleware marks it `Secure` when
/// cookies must be.
pub fn flash_cookie(flash: Flash) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{FLASH_COOKIE}={}; Path=/; SameSite=Lax; HttpOnly",
        flash.code()
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("sanse_flash=; Max-Age=0"))
}

/// A redirect (303) that shows `flash` on the next page.
pub fn redirect_with_flash(to: &str, flash: Flash) -> Response {
    let mut response = Redirect::to(to).into_response();
    response
        .headers_mut()
        .append(header::SET_COOKIE, flash_cookie(flash));
    response
}

/// Everything but letters, digits and `/-_.~` is escaped in the login
/// page's `next`.
const NEXT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'/')
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

impl IntoResponse for AuthRejection {
    fn into_response(self) -> Response {
        match self {
            AuthRejection::Login { next, expired } => {
                let target = if next == "/" || next.is_empty() {
                    "/login".to_owned()
                } else {
                    format!("/login?next={}", utf8_percent_encode(&next, NEXT))
                };
                if expired {
                    redirect_with_flash(&target, Flash::SessionExpired)
                } else {
                    Redirect::to(&target).into_response()
                }
            }
            AuthRejection::Forbidden => AppError::Forbidden.into_response(),
            AuthRejection::Internal => {
                AppError::Internal(anyhow::anyhow!("request context missing")).into_response()
            }
        }
    }
}
