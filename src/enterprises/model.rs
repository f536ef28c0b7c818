//! The register's types: an enterprise as stored and as other pages name
//! it, what record modules contribute to its page, its status, and the form
//! (also one row of a CSV import) with its validation.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;

use crate::audit;
use crate::coded::coded_enum;
use crate::credit_code::CreditCode;
use crate::i18n::Lang;
use crate::level::Level;
use crate::records::Kind;
use crate::web::form::{FieldErrors, Fields};

pub(super) const KIND: Kind = Kind {
    entity: "enterprise",
    path: "/enterprises",
};

coded_enum! {
    /// Whether the enterprise still operates.
    pub enum Status {
        Active = "active", "在营", "Active";
        Closed = "closed", "已关闭", "Closed";
    }
}

crate::db::types::pg_enum! {
    Status => "enterprise_status";
}

/// The few facts about an enterprise that record pages show.
#[derive(Debug, Clone)]
pub struct EnterpriseBrief {
    pub enterprise_id: i64,
    pub name: String,
    pub credit_code: String,
    pub liaison_officer_id: Option<i64>,
    pub current_level: Option<Level>,
}

/// One line of an enterprise's timeline.
#[derive(Debug, Clone)]
pub struct TimelineEntry {
    pub date: NaiveDate,
    /// CSS modifier and icon: visit, hazard, dispute, incident, demand, training.
    pub kind: &'static str,
    /// What it is, in the reader's language ("Security inspection").
    pub label: String,
    /// One line about it.
    pub summary: String,
    pub href: String,
    /// Shown as a warning tag (e.g. "Overdue").
    pub alert: Option<String>,
}

/// Something still open about an enterprise or for an officer.
#[derive(Debug, Clone)]
pub struct OpenItem {
    pub kind: &'static str,
    pub label: String,
    pub summary: String,
    pub enterprise: String,
    pub due: Option<NaiveDate>,
    pub overdue: bool,
    pub href: String,
}

#[derive(Debug, Clone)]
/// An industry of the national classification the register uses.
pub struct Industry {
    pub code: String,
    pub name: String,
    pub name_en: String,
}

impl Industry {
    /// Its name in `lang`.
    pub fn name_in(&self, lang: impl Into<Lang>) -> &str {
        lang.into().pick(&self.name, &self.name_en)
    }
}

/// An enterprise as stored, with its names resolved.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Enterprise {
    pub enterprise_id: i64,
    pub name: String,
    pub credit_code: String,
    pub industry_code: String,
    pub industry: String,
    pub industry_en: String,
    pub address: String,
    pub legal_rep: String,
    pub security_manager: String,
    pub security_phone: String,
    pub employee_count: i32,
    pub liaison_officer_id: Option<i64>,
    pub liaison_name: Option<String>,
    pub status: Status,
    pub current_level: Option<Level>,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
}

impl Enterprise {
    /// Its industry's name in `lang`.
    pub fn industry_in(&self, lang: impl Into<Lang>) -> &str {
        lang.into().pick(&self.industry, &self.industry_en)
    }
}

/// A validated enterprise.
#[derive(Debug, Clone)]
pub struct EnterpriseInput {
    pub name: String,
    pub credit_code: CreditCode,
    pub industry_code: String,
    pub address: String,
    pub legal_rep: String,
    pub security_manager: String,
    pub security_phone: String,
    pub employee_count: i32,
    pub liaison_officer_id: Option<i64>,
    pub status: Status,
}

/// The enterprise form as typed (also one CSV row, once resolved).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct EnterpriseForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub credit_code: String,
    #[serde(default)]
    pub industry_code: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub legal_rep: String,
    #[serde(default)]
    pub security_manager: String,
    #[serde(default)]
    pub security_phone: String,
    #[serde(default)]
    pub employee_count: String,
    #[serde(default)]
    pub liaison_officer_id: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub form_token: String,
    #[serde(default)]
    pub version: String,
}

impl EnterpriseForm {
    pub(super) fn from_enterprise(e: &Enterprise) -> EnterpriseForm {
        EnterpriseForm {
            name: e.name.clone(),
            credit_code: e.credit_code.clone(),
            industry_code: e.industry_code.clone(),
            address: e.address.clone(),
            legal_rep: e.legal_rep.clone(),
            security_manager: e.security_manager.clone(),
            security_phone: e.security_phone.clone(),
            employee_count: e.employee_count.to_string(),
            liaison_officer_id: e
                .liaison_officer_id
                .map(|i| i.to_string())
                .unwrap_or_default(),
            status: e.status.code().to_owned(),
            form_token: String::new(),
            version: e.version.to_string(),
        }
    }

    /// Check every field; `industries` and `officers` are the valid choices.
    pub fn validate(
        &self,
        lang: Lang,
        industries: &[Industry],
        officers: &[i64],
    ) -> Result<EnterpriseInput, FieldErrors> {
        let f = Fields::new(lang);
        let mut e = FieldErrors::new();
        let name = e.check("name", f.text(&self.name, 100));
        if name.as_ref().is_some_and(|n| n.chars().count() < 2) {
            e.add("name", (lang.t().err_too_long)(100).replace("100", "2–100"));
        }
        let credit_code = match CreditCode::parse(&self.credit_code) {
            Ok(code) => Some(code),
            Err(_) if crate::web::form::has_control_chars(&self.credit_code) => {
                e.add("credit_code", lang.t().err_control_chars);
                None
            }
            Err(err) => {
                e.add(
                    "credit_code",
                    match lang {
                        Lang::Zh => err.message_zh(),
                        Lang::En => err.message_en(),
                    },
                );
                None
            }
        };
        let industry_code = if industries.iter().any(|i| i.code == self.industry_code) {
            Some(self.industry_code.clone())
        } else {
            let message = if self.industry_code.trim().is_empty() {
                lang.t().err_required
            } else {
                lang.t().err_choice
            };
            e.add("industry_code", message);
            None
        };
        let address = e.check("address", f.text(&self.address, 200));
        let legal_rep = e.check("legal_rep", f.text(&self.legal_rep, 50));
        let security_manager = e.check("security_manager", f.text(&self.security_manager, 50));
        let security_phone = e.check("security_phone", f.phone(&self.security_phone));
        let employee_count = e.check("employee_count", f.int(&self.employee_count, 0, 1_000_000));
        let liaison_officer_id = if self.liaison_officer_id.trim().is_empty() {
            Some(None)
        } else {
            match f.id(&self.liaison_officer_id) {
                Ok(id) if officers.contains(&id) => Some(Some(id)),
                _ => {
                    e.add("liaison_officer_id", lang.t().err_choice);
                    None
                }
            }
        };
        let status = match self.status.trim() {
            "" => Some(Status::Active),
            code => Status::parse(code),
        };
        if status.is_none() {
            e.add("status", lang.t().err_choice);
        }
        if !e.is_empty() {
            return Err(e);
        }
        match (
            name,
            credit_code,
            industry_code,
            address,
            legal_rep,
            security_manager,
            security_phone,
            employee_count,
            liaison_officer_id,
            status,
        ) {
            (
                Some(name),
                Some(credit_code),
                Some(industry_code),
                Some(address),
                Some(legal_rep),
                Some(security_manager),
                Some(security_phone),
                Some(employee_count),
                Some(liaison_officer_id),
                Some(status),
            ) => Ok(EnterpriseInput {
                name,
                credit_code,
                industry_code,
                address,
                legal_rep,
                security_manager,
                security_phone,
                employee_count: i32::try_from(employee_count).unwrap_or(i32::MAX),
                liaison_officer_id,
                status,
            }),
            _ => Err(e),
        }
    }
}

impl EnterpriseInput {
    /// The audit line of a new enterprise.
    pub(super) fn summary(&self) -> String {
        format!("{} {}", self.name, self.credit_code)
    }

    /// The audit line of an edit of `current`.
    pub(super) fn changes(&self, current: &Enterprise) -> String {
        let id_text = |v: Option<i64>| v.map(|i| i.to_string()).unwrap_or_default();
        audit::changes(&[
            ("name", current.name.clone(), self.name.clone()),
            (
                "credit_code",
                current.credit_code.clone(),
                self.credit_code.to_string(),
            ),
            (
                "industry",
                current.industry_code.clone(),
                self.industry_code.clone(),
            ),
            ("address", current.address.clone(), self.address.clone()),
            (
                "legal_rep",
                current.legal_rep.clone(),
                self.legal_rep.clone(),
            ),
            (
                "security_manager",
                current.security_manager.clone(),
                self.security_manager.clone(),
            ),
            (
                "security_phone",
                current.security_phone.clone(),
                self.security_phone.clone(),
            ),
            (
                "employees",
                current.employee_count.to_string(),
                self.employee_count.to_string(),
            ),
            (
                "liaison",
                id_text(current.liaison_officer_id),
                id_text(self.liaison_officer_id),
            ),
            (
                "status",
                current.status.code().into(),
                self.status.code().into(),
            ),
        ])
    }
}
