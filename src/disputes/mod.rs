//! Disputes (矛盾纠纷) at an enterprise: reported, mediated, resolved or
//! referred, followed up after resolution, and closed once every follow-up
//! is done.
//!
//! The record itself follows the incidents pattern (`pages`). Its status
//! moves only along `Status::step_to`; every move is a `dispute_event` row
//! and an audit event. The dispute page and the actions posted from it
//! (status steps, follow-ups) live in `workflow`.

mod model;
mod pages;
mod queries;
mod text;
mod workflow;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;

pub use model::{Kind, Status};
pub use pages::{due_for_officer, mass_threshold, open_items, timeline};
pub use text::{DisputeText, text};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/disputes", get(pages::list))
        .route(
            "/enterprises/{enterprise_id}/disputes/new",
            get(pages::new_form),
        )
        .route("/enterprises/{enterprise_id}/disputes", post(pages::create))
        .route("/disputes/{id}", get(workflow::show))
        .route(
            "/disputes/{id}/edit",
            get(pages::edit_form).post(pages::update),
        )
        .route("/disputes/{id}/transition", post(workflow::transition))
        .route(
            "/disputes/{id}/follow-ups",
            post(workflow::schedule_follow_up),
        )
        .route(
            "/disputes/{id}/follow-ups/{follow_up_id}/done",
            post(workflow::record_follow_up),
        )
        .route("/disputes/{id}/delete", post(pages::delete))
}
