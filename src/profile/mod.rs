//! An enterprise's own page, which tells its story: what is open about it,
//! its details, its levels, what partner departments did, and the timeline
//! of every record module's entries; and what is due for an officer across
//! those modules (the officer's home page).
//!
//! This module sits above the record modules it gathers from, so they can
//! name `enterprises` without a circle.

mod pages;

use axum::Router;
use axum::routing::get;

use crate::AppState;

pub use pages::due_for_officer;

pub fn router() -> Router<AppState> {
    Router::new().route("/enterprises/{id}", get(pages::show))
}
