//! The one error type of the web layer.
//!
//! An `AppError` becomes a bare response carrying an [`ErrorKind`] marker;
//! the error-page middleware (which knows the language and request id) turns
//! it into a page. Internal detail is logged here and never sent.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// What kind of error page to show; stored in the response extensions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    BadRequest,
    Forbidden,
    Csrf,
    NotFound,
    Conflict,
    TooLarge,
    Timeout,
    Unavailable,
    Internal,
}

impl ErrorKind {
    pub fn status(self) -> StatusCode {
        match self {
            ErrorKind::BadRequest => StatusCode::BAD_REQUEST,
            ErrorKind::Forbidden | ErrorKind::Csrf => StatusCode::FORBIDDEN,
            ErrorKind::NotFound => StatusCode::NOT_FOUND,
            ErrorKind::Conflict => StatusCode::CONFLICT,
            ErrorKind::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ErrorKind::Timeout => StatusCode::GATEWAY_TIMEOUT,
            ErrorKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The kind an unmarked error response of this status stands for.
    pub fn from_status(status: StatusCode) -> Option<ErrorKind> {
        Some(match status {
            StatusCode::BAD_REQUEST | StatusCode::UNSUPPORTED_MEDIA_TYPE => ErrorKind::BadRequest,
            StatusCode::UNPROCESSABLE_ENTITY => ErrorKind::BadRequest,
            StatusCode::FORBIDDEN => ErrorKind::Forbidden,
            StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED => ErrorKind::NotFound,
            StatusCode::CONFLICT => ErrorKind::Conflict,
            StatusCode::PAYLOAD_TOO_LARGE => ErrorKind::TooLarge,
            StatusCode::REQUEST_TIMEOUT | StatusCode::GATEWAY_TIMEOUT => ErrorKind::Timeout,
            StatusCode::SERVICE_UNAVAILABLE => ErrorKind::Unavailable,
            s if s.is_server_error() => ErrorKind::Internal,
            _ => return None,
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    #[error("csrf token missing or wrong")]
    Csrf,
    #[error("bad request")]
    BadRequest,
    #[error("request body too large")]
    TooLarge,
    /// A write refused by a unique constraint that the handler did not
    /// answer itself (it answers the ones its form can explain).
    #[error(transparent)]
    Conflict(crate::db::DbConflict),
    #[error("database unavailable: {0}")]
    Unavailable(#[source] sqlx::Error),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    pub fn kind(&self) -> ErrorKind {
        match self {
            AppError::NotFound => ErrorKind::NotFound,
            AppError::Forbidden => ErrorKind::Forbidden,
            AppError::Csrf => ErrorKind::Csrf,
            AppError::BadRequest => ErrorKind::BadRequest,
            AppError::TooLarge => ErrorKind::TooLarge,
            AppError::Conflict(_) => ErrorKind::Conflict,
            AppError::Unavailable(_) => ErrorKind::Unavailable,
            AppError::Internal(_) => ErrorKind::Internal,
        }
    }
}

/// Whether a database error means "the server is not reachable right now"
/// (so 503 and retry) rather than a fault in our code or data.
pub fn is_unavailable(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => true,
        sqlx::Error::Tls(_) | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(db) => {
            // admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections
            matches!(
                db.code().as_deref(),
                Some("57P01" | "57P02" | "57P03" | "53300")
            )
        }
        _ => false,
    }
}

impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        if is_unavailable(&err) {
            AppError::Unavailable(err)
        } else if let Some(conflict) = crate::db::DbConflict::of(&err) {
            AppError::Conflict(conflict)
        } else {
            AppError::Internal(anyhow::Error::new(err))
        }
    }
}

impl From<crate::db::WriteError> for AppError {
    fn from(err: crate::db::WriteError) -> Self {
        match err {
            crate::db::WriteError::Conflict(conflict) => AppError::Conflict(conflict),
            crate::db::WriteError::Db(err) => err.into(),
        }
    }
}

impl crate::db::AsDbError for AppError {
    fn db_error(&self) -> Option<&sqlx::Error> {
        match self {
            AppError::Unavailable(err) => Some(err),
            AppError::Internal(err) => err.downcast_ref::<sqlx::Error>(),
            _ => None,
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let kind = self.kind();
        match &self {
            AppError::Internal(err) => tracing::error!(error = ?err, "internal error"),
            AppError::Unavailable(err) => tracing::warn!(error = %err, "database unavailable"),
            AppError::Conflict(err) => {
                tracing::info!(error = %err, "write refused by a constraint")
            }
            _ => tracing::debug!(error = %self, "request refused"),
        }
        error_response(kind)
    }
}

/// A bare error response for `kind`, rendered into a page further out.
pub fn error_response(kind: ErrorKind) -> Response {
    let mut response = kind.status().into_response();
    if kind == ErrorKind::Unavailable {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
    }
    response.extensions_mut().insert(kind);
    response
}

pub type AppResult<T> = Result<T, AppError>;
