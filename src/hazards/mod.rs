//! Hidden dangers (隐患) found at an enterprise, on a visit or reported on
//! their own, and their rectification.
//!
//! A hazard is open until it is rectified (date, note, verifying officer);
//! overdue is derived (open and past its deadline), never stored. Visits
//! record the hazards found on them through [`insert`], in their own
//! transaction.

mod model;
mod pages;
mod queries;
mod text;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;

pub use model::{HazardBrief, HazardInput, Severity};
pub use pages::{due_for_officer, found_on_visit, open_items, timeline};
pub use queries::insert;
pub use text::{HazardText, text};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/hazards", get(pages::list))
        .route(
            "/enterprises/{enterprise_id}/hazards/new",
            get(pages::new_form),
        )
        .route("/enterprises/{enterprise_id}/hazards", post(pages::create))
        .route("/hazards/{id}", get(pages::show))
        .route(
            "/hazards/{id}/edit",
            get(pages::edit_form).post(pages::update),
        )
        .route("/hazards/{id}/rectify", post(pages::rectify))
        .route("/hazards/{id}/delete", post(pages::delete))
}
