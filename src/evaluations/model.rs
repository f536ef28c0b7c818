//! What evaluations are made of beyond their rows: why a run or a
//! publication is refused, an assessment's movement, and the forms and
//! filters of the pages, with their validation.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;

use super::queries::BoardFilter;
use super::text::EvalText;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::level::Level;
use crate::scoring::Rating;
use crate::web::form::{FieldErrors, Fields};
use crate::web::paging::{code_param, like_pattern, query_string, search_text};

/// Why a run, a publication or a re-score did not happen.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("the evaluation of this quarter is published and locked")]
    Published,
    #[error("the evaluation of this quarter has not been run")]
    NotRun,
    #[error("this quarter has not started yet")]
    FutureQuarter,
    #[error("no scoring policy was in force in this quarter")]
    NoPolicy,
    #[error("the stored policy is not valid")]
    BadPolicy(#[source] serde_json::Error),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

impl EvalError {
    /// What to tell the user, for the refusals a user can act on.
    pub(super) fn message(&self, t: &EvalText) -> Option<&'static str> {
        match self {
            EvalError::Published => Some(t.err_published),
            EvalError::NotRun => Some(t.err_not_run),
            EvalError::FutureQuarter => Some(t.err_future),
            EvalError::NoPolicy => Some(t.err_no_policy),
            EvalError::BadPolicy(_) | EvalError::Db(_) => None,
        }
    }
}

impl From<EvalError> for AppError {
    fn from(err: EvalError) -> AppError {
        match err {
            EvalError::Db(e) => AppError::from(e),
            other => AppError::Internal(anyhow::Error::new(other)),
        }
    }
}

/// The level a rating gives, if any.
pub(super) fn rated(rating: Rating) -> Option<Level> {
    match rating {
        Rating::Rated(level) => Some(level),
        Rating::Unrated => None,
    }
}

fn rank(level: Option<Level>) -> i32 {
    match level {
        Some(Level::Green) => 3,
        Some(Level::Yellow) => 2,
        Some(Level::Red) => 1,
        None => 0,
    }
}

/// up, down, same or new, against the previous quarter's final level.
pub fn movement(previous: Option<Level>, now: Option<Level>) -> &'static str {
    match (rank(previous), rank(now)) {
        (0, 0) => "same",
        (0, _) => "new",
        (p, n) if n > p => "up",
        (p, n) if n < p => "down",
        _ => "same",
    }
}

/// The day in China Standard Time of an instant.
pub(super) fn china_day(at: DateTime<Utc>) -> NaiveDate {
    (at + chrono::Duration::hours(8)).date_naive()
}

/// The last day an objection to an evaluation published at `published_at`
/// may be received, with `days` allowed.
pub(super) fn last_objection_day(published_at: DateTime<Utc>, days: i32) -> NaiveDate {
    china_day(published_at) + chrono::Duration::days(i64::from(days))
}

/// The movement's name.
pub(super) fn movement_label(t: &EvalText, m: &str) -> &'static str {
    match m {
        "up" => t.up,
        "down" => t.down,
        "new" => t.new,
        _ => t.same,
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct RunForm {
    #[serde(default)]
    pub quarter: String,
}

/// A chief's override of an assessment's level, as typed.
#[derive(Debug, Deserialize)]
pub(super) struct OverrideForm {
    #[serde(default)]
    pub level: String,
    #[serde(default)]
    pub reason: String,
}

impl OverrideForm {
    /// The level (`None` removes the override) and its reason.
    pub(super) fn validate(
        &self,
        lang: Lang,
        t: &EvalText,
    ) -> Result<(Option<Level>, String), FieldErrors> {
        let mut errors = FieldErrors::new();
        let level = match self.level.trim() {
            "" => None,
            code => {
                let level = Level::parse(code);
                if level.is_none() {
                    errors.add("level", lang.t().err_choice);
                }
                level
            }
        };
        let reason = errors
            .check("reason", Fields::new(lang).optional_text(&self.reason, 500))
            .unwrap_or_default();
        if level.is_some() && reason.is_empty() && !errors.has("reason") {
            errors.add("reason", t.err_reason_required);
        }
        if errors.is_empty() {
            Ok((level, reason))
        } else {
            Err(errors)
        }
    }
}

/// An enterprise's objection, as typed.
#[derive(Debug, Deserialize)]
pub(super) struct ObjectionForm {
    #[serde(default)]
    pub received_on: String,
    #[serde(default)]
    pub grounds: String,
}

/// The chief's decision on an objection, as typed.
#[derive(Debug, Deserialize)]
pub(super) struct DecisionForm {
    #[serde(default)]
    pub decision: String,
    #[serde(default)]
    pub level: String,
    #[serde(default)]
    pub reason: String,
}

/// A decision: upheld with the new level, or rejected; and the reason.
pub(super) struct Decision {
    pub level: Option<Level>,
    pub reason: String,
}

impl DecisionForm {
    /// `current` is the assessment's final level: an upheld objection
    /// changes it.
    pub(super) fn validate(
        &self,
        lang: Lang,
        t: &EvalText,
        current: Option<Level>,
    ) -> Result<Decision, FieldErrors> {
        let mut errors = FieldErrors::new();
        let upheld = match self.decision.as_str() {
            "upheld" => Some(true),
            "rejected" => Some(false),
            _ => {
                errors.add("decision", lang.t().err_choice);
                None
            }
        };
        let level = if upheld == Some(true) {
            match Level::parse(self.level.trim()) {
                Some(l) if Some(l) != current => Some(l),
                Some(_) => {
                    errors.add("decided_level", t.err_same_level);
                    None
                }
                None => {
                    errors.add("decided_level", lang.t().err_choice);
                    None
                }
            }
        } else {
            None
        };
        let reason = errors.check("decision_reason", Fields::new(lang).text(&self.reason, 500));
        match reason {
            Some(reason) if errors.is_empty() => Ok(Decision { level, reason }),
            _ => Err(errors),
        }
    }
}

/// The tier board's query string, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct BoardQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub level: String,
    #[serde(default)]
    pub industry: String,
    #[serde(default)]
    pub liaison: String,
    #[serde(default)]
    pub changed: String,
    #[serde(default)]
    pub vetoed: String,
    #[serde(default)]
    pub overridden: String,
    #[serde(default)]
    pub sort: String,
    #[serde(default)]
    pub page: Option<String>,
}

impl BoardQuery {
    /// Unknown values filter nothing rather than failing.
    pub(super) fn filter(&self) -> BoardFilter {
        BoardFilter {
            text: search_text(&self.q),
            pattern: like_pattern(&self.q),
            level: match self.level.as_str() {
                "green" | "yellow" | "red" | "unrated" => self.level.clone(),
                _ => String::new(),
            },
            industry: code_param(&self.industry),
            liaison: self.liaison.trim().parse().ok(),
            changed: self.changed == "1",
            vetoed: self.vetoed == "1",
            overridden: self.overridden == "1",
            sort: match self.sort.as_str() {
                "total_desc" | "level" | "name" => self.sort.clone(),
                _ => "total".to_owned(),
            },
        }
    }

    pub(super) fn query_string(&self) -> String {
        query_string(&[
            ("q", self.q.trim()),
            ("level", &self.level),
            ("industry", &self.industry),
            ("liaison", &self.liaison),
            ("changed", &self.changed),
            ("vetoed", &self.vetoed),
            ("overridden", &self.overridden),
            ("sort", &self.sort),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn movement_compares_with_the_previous_quarter() {
        use Level::*;
        assert_eq!(movement(None, None), "same");
        assert_eq!(movement(None, Some(Red)), "new");
        assert_eq!(movement(Some(Red), Some(Green)), "up");
        assert_eq!(movement(Some(Green), Some(Yellow)), "down");
        assert_eq!(movement(Some(Yellow), Some(Yellow)), "same");
    }

    #[test]
    fn an_override_needs_a_reason_and_a_known_level() {
        let t = super::super::text(Lang::En);
        let form = |level: &str, reason: &str| OverrideForm {
            level: level.into(),
            reason: reason.into(),
        };
        assert_eq!(
            form("red", "现场复核").validate(Lang::En, t).unwrap(),
            (Some(Level::Red), "现场复核".to_owned())
        );
        assert_eq!(
            form("", "").validate(Lang::En, t).unwrap(),
            (None, String::new())
        );
        let e = form("red", " ").validate(Lang::En, t).unwrap_err();
        assert_eq!(e.get("reason"), Some(t.err_reason_required));
        assert!(
            form("purple", "x")
                .validate(Lang::En, t)
                .unwrap_err()
                .has("level")
        );
        assert!(
            form("red", "a\0b")
                .validate(Lang::En, t)
                .unwrap_err()
                .has("reason")
        );
    }
}
