//! A hidden danger, the forms that record and rectify it, and their
//! validation. The severity is the scoring module's own type.

use chrono::NaiveDate;
use serde::Deserialize;

use super::text::text;
use crate::coded::coded_enum;
use crate::enterprises::OpenItem;
use crate::i18n::Lang;
use crate::records::Kind;
use crate::users::Officer;
use crate::web::form::{FieldErrors, Fields};
use crate::web::snippet;

pub use crate::scoring::HazardSeverity as Severity;

crate::db::types::pg_enum! {
    Severity => "hazard_severity";
}

pub(super) const KIND: Kind = Kind {
    entity: "hazard",
    path: "/hazards",
};

coded_enum! {
    /// The list's status filter. "Open" is every hazard not yet rectified,
    /// overdue ones included; "overdue" is the open ones past their deadline.
    pub(super) enum StatusFilter {
        Open = "open", "待整改", "Open";
        Overdue = "overdue", "已逾期", "Overdue";
        Rectified = "rectified", "已整改", "Rectified";
    }
}

/// A hazard as stored.
#[derive(Debug, Clone)]
pub(super) struct Hazard {
    pub hazard_id: i64,
    pub enterprise_id: i64,
    pub enterprise_name: String,
    /// The visit it was found on, while that visit exists.
    pub visit_id: Option<i64>,
    pub visited_on: Option<NaiveDate>,
    pub found_on: NaiveDate,
    pub severity: Severity,
    pub description: String,
    pub deadline: NaiveDate,
    pub rectified_on: Option<NaiveDate>,
    pub rectification_note: String,
    pub verified_by_name: Option<String>,
    pub version: i32,
    pub created_by_name: String,
}

impl Hazard {
    pub(super) fn is_overdue(&self, today: NaiveDate) -> bool {
        self.rectified_on.is_none() && self.deadline < today
    }
}

/// The few facts about a hazard that other pages list.
#[derive(Debug, Clone)]
pub struct HazardBrief {
    pub hazard_id: i64,
    pub enterprise_name: String,
    pub found_on: NaiveDate,
    pub severity: Severity,
    pub description: String,
    pub deadline: NaiveDate,
    pub rectified_on: Option<NaiveDate>,
}

impl HazardBrief {
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.rectified_on.is_none() && self.deadline < today
    }

    pub(super) fn open_item(&self, today: NaiveDate, lang: Lang) -> OpenItem {
        OpenItem {
            kind: "hazard",
            label: format!("{} · {}", text(lang).hazard, self.severity.label(lang)),
            summary: snippet(&self.description, 120),
            enterprise: self.enterprise_name.clone(),
            due: Some(self.deadline),
            overdue: self.is_overdue(today),
            href: format!("/hazards/{}", self.hazard_id),
        }
    }
}

/// The validated content of the hazard form.
#[derive(Debug, Clone)]
pub struct HazardInput {
    pub found_on: NaiveDate,
    pub severity: Severity,
    pub description: String,
    pub deadline: NaiveDate,
}

impl HazardInput {
    /// The audit line of a new hazard.
    pub fn summary(&self, enterprise: &str) -> String {
        format!(
            "{enterprise} {} {} → {}: {}",
            self.severity.code(),
            self.found_on,
            self.deadline,
            snippet(&self.description, 80)
        )
    }

    /// The audit line of an edit: what changed.
    pub(super) fn changes(&self, was: &Hazard) -> String {
        crate::audit::changes(&[
            (
                "found_on",
                was.found_on.to_string(),
                self.found_on.to_string(),
            ),
            (
                "severity",
                was.severity.code().into(),
                self.severity.code().into(),
            ),
            (
                "description",
                was.description.clone(),
                self.description.clone(),
            ),
            (
                "deadline",
                was.deadline.to_string(),
                self.deadline.to_string(),
            ),
        ])
    }
}

/// The form as typed; every field a string so that nothing is lost.
#[derive(Debug, Clone, Default, Deserialize)]
pub(super) struct HazardForm {
    #[serde(default)]
    pub found_on: String,
    #[serde(default)]
    pub severity: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub deadline: String,
    #[serde(default)]
    pub form_token: String,
    #[serde(default)]
    pub version: String,
}

impl HazardForm {
    pub(super) fn from_hazard(h: &Hazard) -> HazardForm {
        HazardForm {
            found_on: h.found_on.to_string(),
            severity: h.severity.code().to_owned(),
            description: h.description.clone(),
            deadline: h.deadline.to_string(),
            form_token: String::new(),
            version: h.version.to_string(),
        }
    }

    /// `rectified_on`: when editing a rectified hazard, the date it was
    /// rectified, which the found date may not pass.
    pub(super) fn validate(
        &self,
        lang: Lang,
        today: NaiveDate,
        rectified_on: Option<NaiveDate>,
    ) -> Result<HazardInput, FieldErrors> {
        let f = Fields::new(lang);
        let t = text(lang);
        let mut e = FieldErrors::new();
        let found_on = e.check("found_on", f.date(&self.found_on));
        if found_on.is_some_and(|d| d > today) {
            e.add("found_on", t.err_future);
        }
        if let (Some(found), Some(rectified)) = (found_on, rectified_on)
            && found > rectified
        {
            e.add("found_on", t.err_found_after_rectified);
        }
        let severity = e.check("severity", f.choice(&self.severity, &Severity::options()));
        let description = e.check("description", f.text(&self.description, 2000));
        let deadline = e.check("deadline", f.date(&self.deadline));
        if let (Some(found), Some(deadline)) = (found_on, deadline)
            && deadline < found
        {
            e.add("deadline", t.err_deadline_before_found);
        }
        match (found_on, severity, description, deadline) {
            (Some(found_on), Some(severity), Some(description), Some(deadline)) if e.is_empty() => {
                Ok(HazardInput {
                    found_on,
                    severity,
                    description,
                    deadline,
                })
            }
            _ => Err(e),
        }
    }
}

/// The rectification form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub(super) struct RectifyForm {
    #[serde(default)]
    pub rectified_on: String,
    #[serde(default)]
    pub rectification_note: String,
    #[serde(default)]
    pub verified_by: String,
}

#[derive(Debug, Clone)]
pub(super) struct RectifyInput {
    pub rectified_on: NaiveDate,
    pub note: String,
    pub verified_by: i64,
}

impl RectifyForm {
    pub(super) fn validate(
        &self,
        lang: Lang,
        today: NaiveDate,
        found_on: NaiveDate,
        officers: &[Officer],
    ) -> Result<RectifyInput, FieldErrors> {
        let f = Fields::new(lang);
        let t = text(lang);
        let mut e = FieldErrors::new();
        let rectified_on = e.check("rectified_on", f.date(&self.rectified_on));
        if let Some(d) = rectified_on {
            if d > today {
                e.add("rectified_on", t.err_future);
            } else if d < found_on {
                e.add("rectified_on", t.err_rectified_before_found);
            }
        }
        let note = e.check(
            "rectification_note",
            f.optional_text(&self.rectification_note, 2000),
        );
        let verified_by = e.check("verified_by", f.id(&self.verified_by));
        if verified_by.is_some_and(|id| !officers.iter().any(|o| o.user_id == id)) {
            e.add("verified_by", lang.t().err_choice);
        }
        match (rectified_on, note, verified_by) {
            (Some(rectified_on), Some(note), Some(verified_by)) if e.is_empty() => {
                Ok(RectifyInput {
                    rectified_on,
                    note,
                    verified_by,
                })
            }
            _ => Err(e),
        }
    }
}
