//! The quarterly evaluation: a chief runs it for a quarter (every active
//! enterprise scored by `scoring` with the policy in force), reviews and
//! overrides the tier board, and publishes it; objections to a published
//! level are decided as revisions.
//!
//! `service` is the run, publication and re-score that the pages, the
//! command line and the demo share; `gather` assembles the scoring inputs;
//! the SQL is in `queries/` by what it serves.

mod assessment;
mod gather;
mod model;
mod pages;
pub mod queries;
pub mod service;
mod text;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;

pub use model::{BoardQuery, EvalError, movement};
pub use pages::{history, reinspection_open_items, reinspections_due};
pub use queries::HistoryRow;
pub use text::{EvalText, text};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/evaluations", get(pages::list).post(pages::run))
        .route("/evaluations/{quarter}", get(pages::board))
        .route("/evaluations/{quarter}/export.csv", get(pages::export))
        .route("/evaluations/{quarter}/publish", post(pages::publish))
        .route(
            "/evaluations/{quarter}/{enterprise_id}",
            get(assessment::assessment),
        )
        .route(
            "/evaluations/{quarter}/{enterprise_id}/override",
            post(assessment::override_level),
        )
        .route(
            "/evaluations/{quarter}/{enterprise_id}/objections",
            post(assessment::create_objection),
        )
        .route(
            "/evaluations/{quarter}/{enterprise_id}/objections/{objection_id}/decide",
            post(assessment::decide_objection),
        )
}
