//! Partner departments, for administrators: departments, their users, their
//! subscriptions, API tokens and webhook.
//!
//! One list page (with the form that creates a department) and one page per
//! department holding every section: names and status, subscriptions, users,
//! API tokens, the webhook and its latest deliveries. Each section's form
//! posts to its own route; bad input re-renders the department page (422)
//! with the message next to the field and what was typed. A new API token or
//! webhook secret is shown once, in the response to the POST that made it,
//! and never again (only a token's SHA-256 is kept).

mod access;
mod model;
mod pages;
mod queries;
mod text;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;

pub use crate::pushes::receivers::{AttemptRow, TokenRow};
pub use crate::users::DeptUser;
pub use model::{
    DeliveryStatus, DeliveryView, DepartmentForm, NamesForm, Revealed, SubscriptionForm,
    SubscriptionView, TokenForm, UserForm, WebhookForm,
};
pub use pages::ListRow;
pub use queries::{Choice, Department};
pub use text::{DeptText, text};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/departments", get(pages::list).post(pages::create))
        .route("/admin/departments/{id}", get(pages::show))
        .route(
            "/admin/departments/{id}/names",
            get(pages::back_to_page).post(pages::update_names),
        )
        .route("/admin/departments/{id}/disable", post(pages::disable))
        .route("/admin/departments/{id}/enable", post(pages::enable))
        .route(
            "/admin/departments/{id}/subscriptions",
            get(pages::back_to_page).post(pages::add_subscription),
        )
        .route(
            "/admin/departments/{id}/subscriptions/{sub}/delete",
            post(pages::remove_subscription),
        )
        .route(
            "/admin/departments/{id}/users",
            get(pages::back_to_page).post(access::add_user),
        )
        .route(
            "/admin/departments/{id}/users/{user}/disable",
            post(access::disable_user),
        )
        .route(
            "/admin/departments/{id}/users/{user}/enable",
            post(access::enable_user),
        )
        .route(
            "/admin/departments/{id}/tokens",
            get(pages::back_to_page).post(access::create_token),
        )
        .route(
            "/admin/departments/{id}/tokens/{token}/revoke",
            post(access::revoke_token),
        )
        .route(
            "/admin/departments/{id}/webhook",
            get(pages::back_to_page).post(access::set_webhook),
        )
        .route(
            "/admin/departments/{id}/webhook/rotate",
            get(pages::back_to_page).post(access::rotate_secret),
        )
        .route(
            "/admin/departments/{id}/webhook/delete",
            post(access::remove_webhook),
        )
        .route(
            "/admin/departments/{id}/deliveries/{delivery}/retry",
            post(access::retry_delivery),
        )
}
