//! Scoring policy versions, for administrators: the list of versions, a
//! read-only page per version, and a form that creates the next version.
//!
//! A saved version never changes (there is no edit route): a change is a new
//! version that applies from a chosen quarter onward, and the evaluation
//! service scores a quarter with the newest version whose first quarter is
//! not after it. So versions only apply forward: a new version's first
//! quarter is neither before the current quarter nor before the newest
//! version's. The typed columns `mass_dispute_threshold` and
//! `demand_response_days` stay equal to the parameters, for the field-work
//! modules that read them.

mod model;
mod pages;
mod queries;
mod text;

use axum::Router;
use axum::routing::get;

use crate::AppState;

pub use model::{FieldView, Group, GroupView, PolicyForm, PolicyInput, Status, StoredPolicy};
pub use pages::{ListRow, ValueView};
pub use text::{ParamWords, PolicyText, text};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/policies", get(pages::list).post(pages::create))
        .route("/admin/policies/new", get(pages::new_form))
        .route("/admin/policies/{version}", get(pages::show))
}
