//! Sanse: three-colour warning management of enterprises for a police station.
//!
//! The library holds the whole application; `main.rs` only reads the command
//! line. Tests build the same router with [`router`].

pub mod account;
pub mod audit;
pub mod auth;
pub mod charts;
pub mod clock;
pub mod coded;
pub mod config;
pub use credit_code;
pub mod db;
pub mod demands;
pub mod departments;
pub mod disputes;
pub mod enterprises;
pub mod error;
pub mod evaluations;
pub mod hazards;
pub mod home;
pub mod i18n;
pub mod ids;
pub mod incidents;
pub mod level;
pub mod policies;
pub mod profile;
pub mod pushes;
pub mod random;
pub mod records;
pub mod reports;
pub mod scoring;
pub mod trainings;
pub mod users;
pub mod visits;
pub mod web;

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use sqlx::PgPool;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::csrf::CsrfLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};

use crate::clock::Clock;
use crate::config::Config;
use crate::error::{ErrorKind, error_response};
use crate::web::middleware::{self as mw, REQUEST_ID_HEADER};

/// What every handler can reach.
#[derive(Debug, Clone)]
pub struct AppState {
    pub db: PgPool,
    pub config: Arc<Config>,
    pub clock: Clock,
    /// Live push announcements of this instance (see `pushes::live`).
    pub live: pushes::Live,
    /// Password hashing, a few at a time.
    pub passwords: auth::password::Passwords,
}

impl AppState {
    pub fn new(db: PgPool, config: Config) -> AppState {
        AppState {
            db,
            config: Arc::new(config),
            clock: Clock::default(),
            live: pushes::Live::new(),
            passwords: auth::password::Passwords::default(),
        }
    }
}

/// The whole application: routes, static files and the middleware stack.
pub fn router(state: AppState) -> anyhow::Result<Router> {
    let pages = Router::new()
        .merge(account::router())
        .merge(home::router())
        .merge(incidents::router())
        .merge(enterprises::router())
        .merge(profile::router())
        .merge(visits::router())
        .merge(hazards::router())
        .merge(disputes::router())
        .merge(demands::router())
        .merge(trainings::router())
        .merge(evaluations::router())
        .merge(policies::router())
        .merge(departments::router())
        .merge(pushes::router())
        .merge(reports::router())
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            mw::session,
        ));

    let mut csrf = CsrfLayer::new();
    for origin in &state.config.trusted_origins {
        csrf = csrf.add_trusted_origin(origin)?;
    }

    let app = pages
        .merge(pushes::api::router())
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/static/{*path}", get(web::assets::serve))
        .fallback(not_found)
        .with_state(state.clone())
        .layer(
            ServiceBuilder::new()
                .layer(axum::middleware::from_fn(mw::request_id))
                .layer(
                    TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
                        let header = |name: &str| {
                            req.headers()
                                .get(name)
                                .and_then(|v| v.to_str().ok())
                                .unwrap_or("-")
                                .to_owned()
                        };
                        let id = header(REQUEST_ID_HEADER);
                        // The client's own id only beside ours (sanitised).
                        let client_id = header(mw::CLIENT_REQUEST_ID_HEADER);
                        // The path only: query strings may carry search terms.
                        tracing::info_span!("request", method = %req.method(), path = req.uri().path(), id, client_id)
                    })
                    // One line per request, with status and latency; never headers or bodies.
                    .on_request(())
                    .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
                )
                .layer(axum::middleware::from_fn_with_state(
                    state.clone(),
                    mw::security_headers,
                ))
                .layer(axum::middleware::from_fn(mw::error_pages))
                .layer(CatchPanicLayer::custom(mw::panic_response))
                .layer(TimeoutLayer::with_status_code(
                    StatusCode::GATEWAY_TIMEOUT,
                    state.config.request_timeout,
                ))
                .layer(RequestBodyLimitLayer::new(state.config.upload_limit))
                .layer(csrf),
        );
    Ok(app)
}

async fn not_found() -> impl IntoResponse {
    error_response(ErrorKind::NotFound)
}

/// The process is up.
async fn healthz() -> &'static str {
    "ok"
}

/// The database answers.
async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    match db::ping(&state.db).await {
        Ok(_) => (StatusCode::OK, "ready").into_response(),
        Err(err) => {
            tracing::warn!(error = %err, "readiness check failed");
            error_response(ErrorKind::Unavailable)
        }
    }
}
