//! Police incidents related to an enterprise.
//!
//! This module is the pattern for every record module: `mod.rs` the routes,
//! `model.rs` the record and its form's validation, `queries.rs` its SQL
//! (every query takes the station's scope), `pages.rs` the handlers and
//! page structs, `text.rs` the words. Routes are scoped by the
//! `StationUser` extractor; the writes end through `crate::records`.

mod model;
mod pages;
mod queries;
mod text;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;

pub use model::Incident;
pub use pages::timeline;
pub use text::{IncidentText, text};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/incidents", get(pages::list))
        .route(
            "/enterprises/{enterprise_id}/incidents/new",
            get(pages::new_form),
        )
        .route(
            "/enterprises/{enterprise_id}/incidents",
            post(pages::create),
        )
        .route("/incidents/{id}", get(pages::show))
        .route(
            "/incidents/{id}/edit",
            get(pages::edit_form).post(pages::update),
        )
        .route("/incidents/{id}/delete", post(pages::delete))
}
