//! A training, its form and the form's validation.
//!
//! The attending enterprises come as a repeated `enterprise_id` field, so the
//! form is read from the raw body rather than through `Form`; an id that is
//! not one of the station's enterprises is a field error, never dropped.

use std::collections::BTreeSet;

use axum::body::Bytes;
use chrono::NaiveDate;

use super::text::text;
use crate::audit;
use crate::coded::coded_enum;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::records::Kind as RecordKind;
use crate::web::form::{FieldErrors, Fields};
use crate::web::snippet;

pub(super) const KIND: RecordKind = RecordKind {
    entity: "training",
    path: "/trainings",
};

coded_enum! {
    /// What kind of session a training is.
    pub enum Kind {
        Legal = "legal", "法制教育", "Legal education";
        Safety = "safety", "安全培训", "Safety training";
        Drill = "drill", "应急演练", "Emergency drill";
    }
}

crate::db::types::pg_enum! {
    Kind => "training_kind";
}

/// A training as stored, with the enterprises attending (by name).
#[derive(Debug, Clone)]
pub struct Training {
    pub training_id: i64,
    pub held_on: NaiveDate,
    pub kind: Kind,
    pub topic: String,
    pub attendee_count: i32,
    pub version: i32,
    pub created_by_name: String,
    pub enterprise_names: Vec<String>,
    /// In the order of `enterprise_names`.
    pub enterprise_ids: Vec<i64>,
}

impl Training {
    /// (id, name) of each enterprise attending.
    pub fn attendees(&self) -> Vec<(i64, &str)> {
        self.enterprise_ids
            .iter()
            .copied()
            .zip(self.enterprise_names.iter().map(String::as_str))
            .collect()
    }

    pub(super) fn names_joined(&self) -> String {
        self.enterprise_names.join("、")
    }
}

/// The validated content of the form.
#[derive(Debug, Clone)]
pub(super) struct TrainingInput {
    pub held_on: NaiveDate,
    pub kind: Kind,
    pub topic: String,
    pub attendee_count: i32,
    /// Distinct, all of the station, at least one.
    pub enterprise_ids: Vec<i64>,
}

/// `#1,#5`: the enterprises of an audit line.
fn attendee_ids(ids: &[i64]) -> String {
    ids.iter()
        .map(|id| format!("#{id}"))
        .collect::<Vec<_>>()
        .join(",")
}

impl TrainingInput {
    /// The audit line of a new training.
    pub(super) fn summary(&self) -> String {
        format!(
            "{} {} {}; {} attendees; enterprises {}",
            self.held_on,
            self.kind.code(),
            snippet(&self.topic, 80),
            self.attendee_count,
            attendee_ids(&self.enterprise_ids)
        )
    }

    /// The audit line of an edit of `current`.
    pub(super) fn changes(&self, current: &Training) -> String {
        let mut old_ids = current.enterprise_ids.clone();
        old_ids.sort_unstable();
        audit::changes(&[
            (
                "held_on",
                current.held_on.to_string(),
                self.held_on.to_string(),
            ),
            ("kind", current.kind.code().into(), self.kind.code().into()),
            ("topic", current.topic.clone(), self.topic.clone()),
            (
                "attendee_count",
                current.attendee_count.to_string(),
                self.attendee_count.to_string(),
            ),
            (
                "enterprises",
                attendee_ids(&old_ids),
                attendee_ids(&self.enterprise_ids),
            ),
        ])
    }
}

/// An enterprise that may be ticked as attending.
#[derive(Debug, Clone)]
pub(super) struct Choosable {
    pub enterprise_id: i64,
    pub name: String,
    pub closed: bool,
}

/// The form as typed; the enterprises are every `enterprise_id` value sent.
#[derive(Debug, Clone, Default)]
pub(super) struct TrainingForm {
    pub held_on: String,
    pub kind: String,
    pub topic: String,
    pub attendee_count: String,
    pub enterprise_ids: Vec<String>,
    pub form_token: String,
    pub version: String,
}

impl TrainingForm {
    /// Read a urlencoded body; repeated `enterprise_id` fields are kept.
    pub(super) fn parse(body: &Bytes) -> Result<TrainingForm, AppError> {
        let pairs: Vec<(String, String)> =
            serde_urlencoded::from_bytes(body).map_err(|_| AppError::BadRequest)?;
        let mut form = TrainingForm::default();
        for (name, value) in pairs {
            match name.as_str() {
                "held_on" => form.held_on = value,
                "kind" => form.kind = value,
                "topic" => form.topic = value,
                "attendee_count" => form.attendee_count = value,
                "enterprise_id" => form.enterprise_ids.push(value),
                "form_token" => form.form_token = value,
                "version" => form.version = value,
                _ => {}
            }
        }
        Ok(form)
    }

    pub(super) fn from_training(t: &Training) -> TrainingForm {
        TrainingForm {
            held_on: t.held_on.to_string(),
            kind: t.kind.code().to_owned(),
            topic: t.topic.clone(),
            attendee_count: t.attendee_count.to_string(),
            enterprise_ids: t.enterprise_ids.iter().map(i64::to_string).collect(),
            form_token: String::new(),
            version: t.version.to_string(),
        }
    }

    fn has(&self, enterprise_id: i64) -> bool {
        let id = enterprise_id.to_string();
        self.enterprise_ids.iter().any(|v| v.trim() == id)
    }

    /// `choosable` is what the station allows for this training.
    pub(super) fn validate(
        &self,
        lang: Lang,
        today: NaiveDate,
        choosable: &[Choosable],
    ) -> Result<TrainingInput, FieldErrors> {
        let f = Fields::new(lang);
        let t = text(lang);
        let mut e = FieldErrors::new();
        let held_on = e.check("held_on", f.date(&self.held_on));
        if held_on.is_some_and(|d| d > today) {
            e.add("held_on", t.err_future);
        }
        let kind = e.check("kind", f.choice(&self.kind, &Kind::options()));
        let topic = e.check("topic", f.text(&self.topic, 200));
        let attendee_count = e
            .check("attendee_count", f.int(&self.attendee_count, 0, 100_000))
            .and_then(|n| i32::try_from(n).ok());
        let mut ids = BTreeSet::new();
        let mut foreign = false;
        for raw in self.enterprise_ids.iter().filter(|v| !v.trim().is_empty()) {
            match raw.trim().parse::<i64>() {
                Ok(id) if choosable.iter().any(|c| c.enterprise_id == id) => {
                    ids.insert(id);
                }
                _ => foreign = true,
            }
        }
        if foreign {
            e.add("enterprise_ids", t.err_foreign_enterprise);
        } else if ids.is_empty() {
            e.add("enterprise_ids", t.err_no_enterprise);
        }
        match (held_on, kind, topic, attendee_count) {
            (Some(held_on), Some(kind), Some(topic), Some(attendee_count)) if e.is_empty() => {
                Ok(TrainingInput {
                    held_on,
                    kind,
                    topic,
                    attendee_count,
                    enterprise_ids: ids.into_iter().collect(),
                })
            }
            _ => Err(e),
        }
    }
}

/// One checkbox of the enterprise picker.
#[derive(Debug, Clone)]
pub(super) struct Choice {
    pub enterprise_id: i64,
    pub name: String,
    pub closed: bool,
    pub checked: bool,
}

/// The picker's checkboxes: ticked ones first, then those whose name
/// contains `q` (all when `q` is empty).
pub(super) fn choices(choosable: &[Choosable], form: &TrainingForm, q: &str) -> Vec<Choice> {
    let q = q.trim().to_lowercase();
    let (mut ticked, mut rest): (Vec<Choice>, Vec<Choice>) = choosable
        .iter()
        .map(|c| Choice {
            enterprise_id: c.enterprise_id,
            name: c.name.clone(),
            closed: c.closed,
            checked: form.has(c.enterprise_id),
        })
        .partition(|c| c.checked);
    rest.retain(|c| q.is_empty() || c.name.to_lowercase().contains(&q));
    ticked.append(&mut rest);
    ticked
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::form;

    fn choosable() -> Vec<Choosable> {
        vec![
            Choosable {
                enterprise_id: 1,
                name: "甲机械厂".into(),
                closed: false,
            },
            Choosable {
                enterprise_id: 2,
                name: "乙物流公司".into(),
                closed: false,
            },
            Choosable {
                enterprise_id: 3,
                name: "丙机械公司".into(),
                closed: false,
            },
        ]
    }

    #[test]
    fn ticked_enterprises_come_first_and_survive_the_filter() {
        let form = TrainingForm {
            enterprise_ids: vec!["2".into()],
            ..TrainingForm::default()
        };
        let shown: Vec<i64> = choices(&choosable(), &form, "机械")
            .iter()
            .map(|c| c.enterprise_id)
            .collect();
        assert_eq!(shown, [2, 1, 3]);
        assert_eq!(choices(&choosable(), &form, "").len(), 3);
    }

    #[test]
    fn repeated_fields_are_all_kept() {
        let body = Bytes::from_static(b"topic=a&enterprise_id=1&enterprise_id=3&version=2");
        let form = TrainingForm::parse(&body).expect("a valid body");
        assert_eq!(form.enterprise_ids, ["1", "3"]);
        assert_eq!(form.version, "2");
    }

    #[test]
    fn kinds_keep_their_codes_and_names() {
        assert_eq!(Kind::parse("drill"), Some(Kind::Drill));
        assert_eq!(Kind::Legal.label(Lang::Zh), "法制教育");
        assert_eq!(Kind::Safety.label(Lang::En), "Safety training");
    }

    #[test]
    fn enterprises_must_be_choosable() {
        let today = form::parse_date("2026-03-01").expect("a date");
        let mut form = TrainingForm {
            held_on: "2026-02-01".into(),
            kind: "drill".into(),
            topic: "消防疏散演练".into(),
            attendee_count: "40".into(),
            enterprise_ids: vec!["3".into(), "1".into(), "3".into()],
            ..TrainingForm::default()
        };
        let ok = form.validate(Lang::Zh, today, &choosable()).expect("valid");
        assert_eq!(ok.enterprise_ids, [1, 3], "distinct, sorted");
        form.enterprise_ids.push("99".into());
        let errors = form.validate(Lang::Zh, today, &choosable()).unwrap_err();
        assert!(errors.has("enterprise_ids"));
        form.enterprise_ids.clear();
        let errors = form.validate(Lang::En, today, &choosable()).unwrap_err();
        assert_eq!(
            errors.get("enterprise_ids"),
            Some(text(Lang::En).err_no_enterprise)
        );
    }
}
