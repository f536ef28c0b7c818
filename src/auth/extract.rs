//! The extractors that tell every handler who is asking and for which
//! station or department. They are the only makers of a scope from a
//! session; a handler that takes `StationUser` can only reach its station.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::Method;
use axum::http::request::Parts;

use super::model::{DepartmentScope, Identity, Role, SessionUser, StationScope};

/// Why an authenticated extractor refused. It becomes a response in the web
/// layer (a redirect to the login page, or the forbidden page).
#[derive(Debug)]
pub enum AuthRejection {
    /// No live session: go to the login page, then come back to `next`.
    Login { next: String, expired: bool },
    /// Signed in, but not in a role allowed here.
    Forbidden,
    /// The session middleware did not run (a routing mistake).
    Internal,
}

/// Any signed-in user.
#[derive(Debug, Clone)]
pub struct CurrentUser(pub Arc<SessionUser>);

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = AuthRejection;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AuthRejection> {
        let identity = parts
            .extensions
            .get::<Identity>()
            .ok_or(AuthRejection::Internal)?;
        match &identity.user {
            Some(user) => Ok(CurrentUser(user.clone())),
            None => Err(AuthRejection::Login {
                // Only a page can be returned to; a form post cannot be replayed.
                next: if parts.method == Method::GET {
                    parts
                        .uri
                        .path_and_query()
                        .map(|p| p.as_str().to_owned())
                        .unwrap_or_default()
                } else {
                    String::new()
                },
                expired: identity.session_ended,
            }),
        }
    }
}

/// The signed-in user, if their role is one of `roles`.
async fn in_role<S: Send + Sync>(
    parts: &mut Parts,
    state: &S,
    roles: &[Role],
) -> Result<Arc<SessionUser>, AuthRejection> {
    let CurrentUser(user) = CurrentUser::from_request_parts(parts, state).await?;
    if roles.contains(&user.role) {
        Ok(user)
    } else {
        Err(AuthRejection::Forbidden)
    }
}

macro_rules! station_extractor {
    ($(#[$doc:meta])* $name:ident, [$($role:path),+]) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub struct $name {
            pub user: Arc<SessionUser>,
            pub scope: StationScope,
        }

        impl<S: Send + Sync> FromRequestParts<S> for $name {
            type Rejection = AuthRejection;

            async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AuthRejection> {
                let user = in_role(parts, state, &[$($role),+]).await?;
                let scope = user.scope.station().ok_or(AuthRejection::Forbidden)?;
                Ok($name { user, scope })
            }
        }
    };
}

station_extractor!(
    /// An officer or chief, with the station every query is scoped to.
    StationUser,
    [Role::Officer, Role::Chief]
);
station_extractor!(
    /// The chief of a station.
    Chief,
    [Role::Chief]
);

impl Chief {
    /// The chief as the station user they also are.
    pub fn as_station_user(&self) -> StationUser {
        StationUser {
            user: self.user.clone(),
            scope: self.scope,
        }
    }
}

/// A partner department's user, with their department.
#[derive(Debug, Clone)]
pub struct DepartmentUser {
    pub user: Arc<SessionUser>,
    pub scope: DepartmentScope,
}

impl<S: Send + Sync> FromRequestParts<S> for DepartmentUser {
    type Rejection = AuthRejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AuthRejection> {
        let user = in_role(parts, state, &[Role::Department]).await?;
        let scope = user.scope.department().ok_or(AuthRejection::Forbidden)?;
        Ok(DepartmentUser { user, scope })
    }
}

/// A system administrator.
#[derive(Debug, Clone)]
pub struct Admin {
    pub user: Arc<SessionUser>,
}

impl<S: Send + Sync> FromRequestParts<S> for Admin {
    type Rejection = AuthRejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AuthRejection> {
        let user = in_role(parts, state, &[Role::Admin]).await?;
        Ok(Admin { user })
    }
}
