//! Visits to enterprises: routine visits, security inspections (with the
//! versioned checklist), legal consultations, policy briefings and
//! follow-ups, and the hazards found on them.

mod model;
mod pages;
mod queries;
mod text;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;

pub use model::{CheckAnswer, VisitKind};
pub use pages::{latest_inspection_failures, timeline};
pub use text::{VisitText, text};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/visits", get(pages::list))
        .route("/visits/new", get(pages::picker))
        .route(
            "/enterprises/{enterprise_id}/visits/new",
            get(pages::new_form),
        )
        .route("/enterprises/{enterprise_id}/visits", post(pages::create))
        .route("/visits/{id}", get(pages::show))
        .route(
            "/visits/{id}/edit",
            get(pages::edit_form).post(pages::update),
        )
        .route("/visits/{id}/delete", post(pages::delete))
}
