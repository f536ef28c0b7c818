//! The home page of each role: the officer's enterprises and what is due,
//! the chief's station dashboard, the admin's totals and latest audit rows.

mod charts;
mod pages;
mod queries;
mod text;

use axum::Router;
use axum::routing::get;

use crate::AppState;

pub use queries::{EnterpriseRow, IndustryCount};
pub use text::{DashboardText, dashboard_text};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/officer", get(pages::officer))
        .route("/chief", get(pages::chief))
        .route("/admin", get(pages::admin))
}
