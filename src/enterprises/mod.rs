//! The enterprise register: the list with search, filters, sorting and CSV
//! export; create, edit and delete; CSV import. Its types (an enterprise as
//! record pages name it, timeline and open-item entries) are what the
//! record modules build on; the enterprise's own page is `profile`'s.

mod import;
mod model;
mod pages;
mod queries;
mod text;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;

pub use model::{
    Enterprise, EnterpriseBrief, EnterpriseForm, EnterpriseInput, Industry, OpenItem, Status,
    TimelineEntry,
};
pub use pages::brief_or_not_found;
pub use queries::{brief, get as find, industries, name_of};
pub use text::{EnterpriseText, text};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/enterprises", get(pages::list).post(pages::create))
        .route("/enterprises/export.csv", get(pages::export))
        .route("/enterprises/new", get(pages::new_form))
        .route(
            "/enterprises/import",
            get(import::upload_form)
                .post(import::upload)
                .layer(axum::extract::DefaultBodyLimit::max(4 * 1024 * 1024)),
        )
        .route(
            "/enterprises/import/{id}",
            get(import::preview).post(import::confirm),
        )
        .route(
            "/enterprises/{id}/edit",
            get(pages::edit_form).post(pages::update),
        )
        .route("/enterprises/{id}/delete", post(pages::delete))
}
