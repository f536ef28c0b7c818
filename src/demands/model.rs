//! A demand, its forms and their validation, and the rules of its status:
//! open → responded → resolved, and overdue derived, never stored.

use chrono::{Days, NaiveDate};
use serde::Deserialize;

use super::text::text;
use crate::coded::coded_enum;
use crate::i18n::Lang;
use crate::records::Kind as RecordKind;
use crate::users::Officer;
use crate::web::form::{FieldErrors, Fields};

coded_enum! {
    /// What the enterprise asked.
    pub enum Kind {
        Difficulty = "difficulty", "困难诉求", "Difficulty";
        Opinion = "opinion", "意见", "Opinion";
        Suggestion = "suggestion", "建议", "Suggestion";
    }
}

coded_enum! {
    /// Where a demand stands.
    pub enum Status {
        Open = "open", "待答复", "Open";
        Responded = "responded", "已答复", "Responded";
        Resolved = "resolved", "已办结", "Resolved";
    }
}

crate::db::types::pg_enum! {
    Kind => "demand_kind";
    Status => "demand_status";
}

pub(super) const KIND: RecordKind = RecordKind {
    entity: "demand",
    path: "/demands",
};

/// The response period when no scoring policy says otherwise.
pub const DEFAULT_RESPONSE_DAYS: i32 = 15;

/// Still waiting for its response after the due date.
pub fn is_overdue(status: Status, due_on: NaiveDate, today: NaiveDate) -> bool {
    status == Status::Open && due_on < today
}

/// The due date of a demand received on `received_on`.
pub(super) fn due_date(received_on: NaiveDate, response_days: i32) -> NaiveDate {
    let days = u64::try_from(response_days.max(1)).unwrap_or(1);
    received_on
        .checked_add_days(Days::new(days))
        .unwrap_or(NaiveDate::MAX)
}

/// A demand as stored.
#[derive(Debug, Clone)]
pub(super) struct Demand {
    pub demand_id: i64,
    pub enterprise_id: i64,
    pub enterprise_name: String,
    pub received_on: NaiveDate,
    pub kind: Kind,
    pub content: String,
    pub assignee_id: i64,
    pub assignee_name: String,
    pub due_on: NaiveDate,
    pub status: Status,
    pub response: String,
    pub responded_on: Option<NaiveDate>,
    pub resolved_on: Option<NaiveDate>,
    pub version: i32,
    pub created_by_name: String,
}

/// A new demand, validated.
#[derive(Debug, Clone)]
pub(super) struct NewInput {
    pub received_on: NaiveDate,
    pub kind: Kind,
    pub content: String,
    pub assignee_id: i64,
}

/// What the edit form may change.
#[derive(Debug, Clone)]
pub(super) struct EditInput {
    pub kind: Kind,
    pub content: String,
    pub assignee_id: i64,
}

/// The new/edit form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub(super) struct DemandForm {
    #[serde(default)]
    pub received_on: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub content: String,
    #[serde(default)]
    pub assignee_id: String,
    #[serde(default)]
    pub form_token: String,
    #[serde(default)]
    pub version: String,
}

impl DemandForm {
    pub(super) fn from_demand(d: &Demand) -> DemandForm {
        DemandForm {
            received_on: d.received_on.to_string(),
            kind: d.kind.code().to_owned(),
            content: d.content.clone(),
            assignee_id: d.assignee_id.to_string(),
            form_token: String::new(),
            version: d.version.to_string(),
        }
    }

    /// Kind, content and assignee (who must be an officer of the station).
    fn check_common(
        &self,
        lang: Lang,
        officers: &[Officer],
        e: &mut FieldErrors,
    ) -> Option<EditInput> {
        let f = Fields::new(lang);
        let kind = e.check("kind", f.choice(&self.kind, &Kind::options()));
        let content = e.check("content", f.text(&self.content, 2000));
        let assignee_id = e.check("assignee_id", f.id(&self.assignee_id));
        let assignee_id = match assignee_id {
            Some(id) if officers.iter().any(|o| o.user_id == id) => Some(id),
            Some(_) => {
                e.add("assignee_id", text(lang).err_assignee);
                None
            }
            None => None,
        };
        Some(EditInput {
            kind: kind?,
            content: content?,
            assignee_id: assignee_id?,
        })
    }

    pub(super) fn validate_new(
        &self,
        lang: Lang,
        today: NaiveDate,
        officers: &[Officer],
    ) -> Result<NewInput, FieldErrors> {
        let f = Fields::new(lang);
        let mut e = FieldErrors::new();
        let received_on = e.check("received_on", f.date(&self.received_on));
        if received_on.is_some_and(|d| d > today) {
            e.add("received_on", text(lang).err_future);
        }
        let common = self.check_common(lang, officers, &mut e);
        match (received_on, common) {
            (Some(received_on), Some(c)) if e.is_empty() => Ok(NewInput {
                received_on,
                kind: c.kind,
                content: c.content,
                assignee_id: c.assignee_id,
            }),
            _ => Err(e),
        }
    }

    pub(super) fn validate_edit(
        &self,
        lang: Lang,
        officers: &[Officer],
    ) -> Result<EditInput, FieldErrors> {
        let mut e = FieldErrors::new();
        match self.check_common(lang, officers, &mut e) {
            Some(input) if e.is_empty() => Ok(input),
            _ => Err(e),
        }
    }
}

/// The respond / resolve / extend forms of the demand page, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub(super) struct ActionForm {
    #[serde(default)]
    pub response: String,
    #[serde(default)]
    pub responded_on: String,
    #[serde(default)]
    pub resolved_on: String,
    #[serde(default)]
    pub new_due_on: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub version: String,
}

impl ActionForm {
    pub(super) fn fresh(d: &Demand, today: NaiveDate) -> ActionForm {
        ActionForm {
            responded_on: today.to_string(),
            resolved_on: today.to_string(),
            version: d.version.to_string(),
            ..ActionForm::default()
        }
    }

    pub(super) fn version(&self) -> i32 {
        self.version.trim().parse().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        crate::web::form::parse_date(s).expect("a test date")
    }

    #[test]
    fn due_dates_follow_the_period() {
        assert_eq!(due_date(day("2026-01-25"), 15), day("2026-02-09"));
        assert_eq!(due_date(day("2026-02-20"), 10), day("2026-03-02"));
    }

    #[test]
    fn only_open_demands_past_due_are_overdue() {
        let due = day("2026-03-10");
        assert!(!is_overdue(Status::Open, due, day("2026-03-10")));
        assert!(is_overdue(Status::Open, due, day("2026-03-11")));
        assert!(!is_overdue(Status::Responded, due, day("2026-03-11")));
        assert!(!is_overdue(Status::Resolved, due, day("2026-03-11")));
    }
}
