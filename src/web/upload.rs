//! File uploads (multipart forms). The form token travels as the form's
//! first part (`<input type="hidden" name="csrf">` first in the form), never
//! in the URL; [`Upload`] checks it before it reads anything else, so no
//! file is read for a forged request. Every upload goes through it
//! (clippy.toml refuses axum's `Multipart` elsewhere).

// The one place axum's own `Multipart` is used.
#![allow(clippy::disallowed_types)]

use axum::extract::multipart::{Field, MultipartError};
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::StatusCode;

use super::{CSRF_FIELD, RequestCtx};
use crate::AppState;
use crate::error::AppError;
use crate::random::constant_time_eq;

/// The longest form token read.
const TOKEN_MAX: usize = 128;

/// A multipart form whose first part, the form token, was right.
#[derive(Debug)]
pub struct Upload {
    multipart: Multipart,
}

impl FromRequest<AppState> for Upload {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, AppError> {
        let expected = req
            .extensions()
            .get::<RequestCtx>()
            .map(|ctx| ctx.csrf.clone())
            .unwrap_or_default();
        let mut multipart = Multipart::from_request(req, state)
            .await
            .map_err(|_| AppError::BadRequest)?;
        let mut first = multipart
            .next_field()
            .await
            .map_err(|e| error(&e))?
            .ok_or(AppError::Csrf)?;
        if first.name() != Some(CSRF_FIELD) {
            tracing::info!("upload without its form token first");
            return Err(AppError::Csrf);
        }
        let mut token = Vec::new();
        while let Some(chunk) = first.chunk().await.map_err(|e| error(&e))? {
            token.extend_from_slice(&chunk);
            if token.len() > TOKEN_MAX {
                return Err(AppError::Csrf);
            }
        }
        if expected.is_empty() || !constant_time_eq(&token, expected.as_bytes()) {
            tracing::info!("upload with a wrong form token");
            return Err(AppError::Csrf);
        }
        drop(first);
        Ok(Upload { multipart })
    }
}

impl Upload {
    /// The next part of the form, after the token.
    pub async fn next_field(&mut self) -> Result<Option<Field<'_>>, AppError> {
        self.multipart.next_field().await.map_err(|e| error(&e))
    }
}

/// An upload over the limit is 413, like any other body over it; anything
/// else wrong with the multipart body is a bad request.
pub fn error(e: &MultipartError) -> AppError {
    // The body limit's error reaches the multipart parser as a failed read,
    // which axum does not always recognise as one: look down the causes.
    let mut over_limit = e.status() == StatusCode::PAYLOAD_TOO_LARGE;
    let mut cause: Option<&dyn std::error::Error> = Some(e);
    while let Some(c) = cause {
        over_limit |= c.to_string().contains("length limit exceeded");
        cause = c.source();
    }
    if over_limit {
        AppError::TooLarge
    } else {
        AppError::BadRequest
    }
}
