//! Pushes to partner departments: the outbox written at publication, the
//! department's dashboard, acknowledgements and coordinated actions, the
//! live updates, the read-only API and the webhook deliveries.

pub mod api;
pub mod dashboard;
pub mod guard;
pub mod live;
pub mod token;
pub mod webhook;

pub use live::{Live, LiveEvent, spawn_listener};
pub use queries::outbox::{PUSH_CHANNEL, WEBHOOK_CHANNEL, Written, write_pushes};
pub use queries::receivers;

pub fn router() -> axum::Router<crate::AppState> {
    dashboard::router()
}

pub mod queries;
pub mod text;

pub use text::{PushText, text};

use crate::i18n::Lang;
use serde::Deserialize;

use crate::scoring::{Reason, ReasonKind};

/// The lines of a pushed enterprise's reasons a department needs: every
/// line that moved the score, and the veto and step-limit rules. Record ids
/// and narratives stay with the station.
pub fn reason_summary(reasons: &serde_json::Value) -> Vec<Reason> {
    let reasons = match Vec::<Reason>::deserialize(reasons) {
        Ok(reasons) => reasons,
        Err(err) => {
            tracing::warn!(error = %err, "pushed reasons unreadable");
            return Vec::new();
        }
    };
    reasons
        .into_iter()
        .filter(|r| {
            r.points != 0
                || matches!(
                    r.kind,
                    ReasonKind::Veto { .. } | ReasonKind::StepLimit { .. }
                )
        })
        .collect()
}

/// The summary lines in one language.
pub fn reason_lines(reasons: &serde_json::Value, lang: Lang) -> Vec<String> {
    reason_summary(reasons)
        .iter()
        .map(|r| match lang {
            Lang::Zh => r.text_zh(),
            Lang::En => r.text_en(),
        })
        .collect()
}
