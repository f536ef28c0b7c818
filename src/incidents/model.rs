//! An incident, its form and the form's validation. The category and
//! severity are the scoring module's own types: what is recorded is what is
//! scored.

use chrono::NaiveDate;
use serde::Deserialize;

use crate::i18n::Lang;
use crate::records::Kind;
use crate::web::form::{FieldErrors, Fields};

pub(super) use crate::scoring::{IncidentCategory as Category, IncidentSeverity as Severity};

crate::db::types::pg_enum! {
    Category => "incident_category";
    Severity => "incident_severity";
}

pub(super) const KIND: Kind = Kind {
    entity: "incident",
    path: "/incidents",
};

/// An incident as stored.
#[derive(Debug, Clone)]
pub struct Incident {
    pub incident_id: i64,
    pub enterprise_id: i64,
    pub enterprise_name: String,
    pub occurred_on: NaiveDate,
    pub category: Category,
    pub severity: Severity,
    pub enterprise_victim: bool,
    pub summary: String,
    pub version: i32,
    pub created_by_name: String,
}

/// The validated content of the form.
#[derive(Debug, Clone)]
pub(super) struct IncidentInput {
    pub occurred_on: NaiveDate,
    pub category: Category,
    pub severity: Severity,
    pub enterprise_victim: bool,
    pub summary: String,
}

/// The form as typed; every field a string so that nothing is lost.
#[derive(Debug, Clone, Default, Deserialize)]
pub(super) struct IncidentForm {
    #[serde(default)]
    pub occurred_on: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub severity: String,
    #[serde(default)]
    pub enterprise_victim: Option<String>,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub form_token: String,
    #[serde(default)]
    pub version: String,
}

impl IncidentForm {
    pub(super) fn from_incident(i: &Incident) -> IncidentForm {
        IncidentForm {
            occurred_on: i.occurred_on.to_string(),
            category: i.category.code().to_owned(),
            severity: i.severity.code().to_owned(),
            enterprise_victim: i.enterprise_victim.then(|| "on".to_owned()),
            summary: i.summary.clone(),
            form_token: String::new(),
            version: i.version.to_string(),
        }
    }

    pub(super) fn validate(
        &self,
        lang: Lang,
        today: NaiveDate,
    ) -> Result<IncidentInput, FieldErrors> {
        let f = Fields::new(lang);
        let mut e = FieldErrors::new();
        let occurred_on = e.check("occurred_on", f.date(&self.occurred_on));
        if occurred_on.is_some_and(|d| d > today) {
            e.add("occurred_on", super::text(lang).err_future);
        }
        let category = e.check("category", f.choice(&self.category, &Category::options()));
        let severity = e.check("severity", f.choice(&self.severity, &Severity::options()));
        let summary = e.check("summary", f.text(&self.summary, 2000));
        match (occurred_on, category, severity, summary) {
            (Some(occurred_on), Some(category), Some(severity), Some(summary)) if e.is_empty() => {
                Ok(IncidentInput {
                    occurred_on,
                    category,
                    severity,
                    enterprise_victim: self.enterprise_victim.is_some(),
                    summary,
                })
            }
            _ => Err(e),
        }
    }
}

impl IncidentInput {
    /// The audit line of a new incident.
    pub(super) fn summary(&self, enterprise: &str) -> String {
        format!(
            "{enterprise} {} {}: {}",
            self.occurred_on,
            self.category.code(),
            crate::web::snippet(&self.summary, 80)
        )
    }

    /// The audit line of an edit: what changed.
    pub(super) fn changes(&self, was: &Incident) -> String {
        crate::audit::changes(&[
            (
                "occurred_on",
                was.occurred_on.to_string(),
                self.occurred_on.to_string(),
            ),
            (
                "category",
                was.category.code().into(),
                self.category.code().into(),
            ),
            (
                "severity",
                was.severity.code().into(),
                self.severity.code().into(),
            ),
            (
                "victim",
                was.enterprise_victim.to_string(),
                self.enterprise_victim.to_string(),
            ),
            ("summary", was.summary.clone(), self.summary.clone()),
        ])
    }
}
