//! Enterprises' difficult demands, opinions and suggestions.
//!
//! Every demand gets an answer: the response is due a policy-set number of
//! days after the demand was received (computed, never typed); the due date
//! moves only with a recorded reason; the status goes open → responded →
//! resolved and nowhere else. Overdue (still open past the due date) is
//! derived, never stored.

mod actions;
mod model;
mod pages;
mod queries;
mod text;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;

pub use model::{DEFAULT_RESPONSE_DAYS, Kind, Status, is_overdue};
pub use pages::{due_for_officer, open_items, overdue_for_station, response_days, timeline};
pub use text::{DemandText, text};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/demands", get(pages::list))
        .route(
            "/enterprises/{enterprise_id}/demands/new",
            get(pages::new_form),
        )
        .route("/enterprises/{enterprise_id}/demands", post(pages::create))
        .route("/demands/{id}", get(pages::show))
        .route(
            "/demands/{id}/edit",
            get(pages::edit_form).post(pages::update),
        )
        .route("/demands/{id}/respond", post(actions::respond))
        .route("/demands/{id}/resolve", post(actions::resolve))
        .route("/demands/{id}/extend", post(actions::extend))
        .route("/demands/{id}/delete", post(pages::delete))
}
