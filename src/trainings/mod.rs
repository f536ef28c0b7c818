//! Legal-education classes, safety trainings and emergency drills, each
//! attended by one or more of the station's enterprises. The shape of every
//! record module (see `incidents`).

mod model;
mod pages;
mod queries;
mod text;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;

pub use model::{Kind, Training};
pub use pages::timeline;
pub use text::{TrainingText, text};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/trainings", get(pages::list).post(pages::create))
        .route("/trainings/new", get(pages::new_form))
        .route(
            "/enterprises/{enterprise_id}/trainings/new",
            get(pages::new_for_enterprise),
        )
        .route("/trainings/{id}", get(pages::show))
        .route(
            "/trainings/{id}/edit",
            get(pages::edit_form).post(pages::update),
        )
        .route("/trainings/{id}/delete", post(pages::delete))
}
