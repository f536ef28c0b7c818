//! What a page knows of its request: [`RequestCtx`] (from the session
//! middleware) and [`PageCtx`], the part every template holds.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use super::flash::Flash;
use crate::AppState;
use crate::auth::{Role, SessionUser};
use crate::error::AppError;
use crate::i18n::{Lang, Messages};

/// What the middleware learned about the request; read by extractors.
#[derive(Debug, Clone)]
pub struct RequestCtx {
    pub lang: Lang,
    /// Made by the server for every request.
    pub request_id: String,
    pub addr: String,
    /// The token forms must echo back: the session's, or the pre-login one.
    pub csrf: String,
    pub user: Option<Arc<SessionUser>>,
    /// A session cookie came with the request but its session has ended.
    pub session_ended: bool,
    pub flash: Option<Flash>,
    pub path: String,
}

impl RequestCtx {
    pub fn audit_addr(&self) -> Option<&str> {
        Some(self.addr.as_str())
    }
}

impl FromRequestParts<AppState> for RequestCtx {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, AppError> {
        parts
            .extensions
            .get::<RequestCtx>()
            .cloned()
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("session middleware missing")))
    }
}

/// A link in the top navigation.
#[derive(Debug)]
pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

/// Everything the base layout needs; every page template holds one.
#[derive(Debug, Clone)]
pub struct PageCtx {
    pub lang: Lang,
    pub t: &'static Messages,
    pub user: Option<Arc<SessionUser>>,
    pub csrf: String,
    pub flash: Option<&'static str>,
    pub request_id: String,
    pub path: String,
}

impl PageCtx {
    pub fn new(req: &RequestCtx) -> PageCtx {
        PageCtx {
            lang: req.lang,
            t: req.lang.t(),
            user: req.user.clone(),
            csrf: req.csrf.clone(),
            flash: req.flash.map(|f| f.label(req.lang)),
            request_id: req.request_id.clone(),
            path: req.path.clone(),
        }
    }

    /// The language the switcher offers.
    pub fn other_lang(&self) -> Lang {
        match self.lang {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }

    pub fn role_label(&self) -> &'static str {
        match &self.user {
            Some(u) => u.role.label(self.lang),
            None => "",
        }
    }

    pub fn scope_name(&self) -> &str {
        match &self.user {
            Some(u) => u.scope_name(self.lang),
            None => "",
        }
    }

    pub fn nav(&self) -> Vec<NavItem> {
        let Some(user) = &self.user else {
            return Vec::new();
        };
        let home = user.role.home();
        let mut items = vec![NavItem {
            href: home,
            label: self.t.nav_home,
            current: self.path == home,
        }];
        if user.role == Role::Admin {
            items[0].label = self.t.nav_admin;
        }
        if matches!(user.role, Role::Officer | Role::Chief) {
            for (href, label) in [
                ("/evaluations", self.t.nav_evaluations),
                ("/enterprises", self.t.nav_enterprises),
                ("/visits", self.t.nav_visits),
                ("/hazards", self.t.nav_hazards),
                ("/disputes", self.t.nav_disputes),
                ("/demands", self.t.nav_demands),
                ("/incidents", self.t.nav_incidents),
                ("/trainings", self.t.nav_trainings),
                ("/reports/monthly", self.t.nav_monthly),
            ] {
                items.push(NavItem {
                    href,
                    label,
                    current: self.path == href || self.path.starts_with(&format!("{href}/")),
                });
            }
        }
        items
    }
}

impl FromRequestParts<AppState> for PageCtx {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let req = RequestCtx::from_request_parts(parts, state).await?;
        Ok(PageCtx::new(&req))
    }
}
