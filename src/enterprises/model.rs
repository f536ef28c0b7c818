//! The register's types: an enterprise as other pages name it, what record
//! modules contribute to its page, and its status.

use chrono::NaiveDate;

use crate::coded::coded_enum;
use crate::level::Level;

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
