//! One's own account: signing in and out (`/login`, `/logout`), the
//! interface language (`/lang`), one's password (`/account/password`), and
//! `/`, which sends each role home.

mod pages;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(pages::root))
        .route("/login", get(pages::login_page).post(pages::login))
        .route("/logout", post(pages::logout))
        .route("/lang", post(pages::switch_lang))
        .route(
            "/account/password",
            get(pages::password_form).post(pages::change_password),
        )
}
