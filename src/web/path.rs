//! Typed path parameters that answer 404 for junk.

// The one place axum's own `Path` is used: clippy.toml steers everyone else here.
#![allow(clippy::disallowed_types)]

use axum::extract::rejection::PathRejection;
use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::error::AppError;

/// The route's path parameters as `T`: one typed id (`IdPath<VisitId>`) or
/// a tuple of them (`IdPath<(Quarter, EnterpriseId)>`). Unlike axum's
/// `Path`, which answers 400, a segment that does not parse answers 404, as
/// a record that is not there would, so that junk and a missing record look
/// the same to whoever is probing.
#[derive(Debug, Clone, Copy)]
pub struct IdPath<T>(pub T);

impl<S, T> FromRequestParts<S> for IdPath<T>
where
    S: Send + Sync,
    T: DeserializeOwned + Send,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let found = Path::<T>::from_request_parts(parts, state).await;
        match found {
            Ok(Path(value)) => Ok(IdPath(value)),
            Err(PathRejection::FailedToDeserializePathParams(err)) => {
                tracing::debug!(error = %err, "path parameter is not an id");
                Err(AppError::NotFound)
            }
            Err(err) => Err(AppError::Internal(anyhow::anyhow!(
                "route without the parameters its handler takes: {err}"
            ))),
        }
    }
}

/// A path segment read by its type's `FromStr`, for values that are not
/// ids: `IdPath<(Parsed<Quarter>, EnterpriseId)>` reads `2026-Q3/17`, and a
/// segment that does not parse answers 404 like a junk id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parsed<T>(pub T);

impl<'de, T> serde::Deserialize<'de> for Parsed<T>
where
    T: std::str::FromStr,
{
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
        s.parse()
            .map(Parsed)
            .map_err(|_| serde::de::Error::custom("not a valid path segment"))
    }
}
