//! A visit, its checklist, the form that records both (with the hazards
//! found) and its validation.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::text::text;
use crate::coded::coded_enum;
use crate::hazards::{HazardInput, Severity};
use crate::i18n::Lang;
use crate::records::Kind;
use crate::users::Officer;
use crate::web::form::{FieldErrors, Fields};

coded_enum! {
    /// How a visit was made.
    pub enum VisitKind {
        Routine = "routine", "日常走访", "Routine visit";
        Inspection = "inspection", "安全检查", "Security inspection";
        Legal = "legal", "法律咨询", "Legal consultation";
        Policy = "policy", "政策宣讲", "Policy briefing";
        FollowUp = "follow_up", "回访", "Follow-up";
    }
}

coded_enum! {
    /// The answer to one checklist item.
    pub enum CheckAnswer {
        Pass = "pass", "合格", "Pass";
        Fail = "fail", "不合格", "Fail";
        Na = "na", "不适用", "Not applicable";
    }
}

crate::db::types::pg_enum! {
    VisitKind => "visit_kind";
    CheckAnswer => "check_answer";
}

impl CheckAnswer {
    /// One letter per answer, for compact audit lines.
    pub(super) fn letter(self) -> char {
        match self {
            CheckAnswer::Pass => 'P',
            CheckAnswer::Fail => 'F',
            CheckAnswer::Na => 'N',
        }
    }
}

pub(super) const KIND: Kind = Kind {
    entity: "visit",
    path: "/visits",
};

/// A version of the security checklist.
#[derive(Debug, Clone)]
pub(super) struct ChecklistTemplate {
    pub checklist_template_id: i64,
    pub title: String,
    pub title_en: String,
}

impl ChecklistTemplate {
    pub(super) fn title_in(&self, lang: impl Into<Lang>) -> &str {
        match lang.into() {
            Lang::Zh => &self.title,
            Lang::En => &self.title_en,
        }
    }
}

/// One item of a checklist version.
#[derive(Debug, Clone)]
pub(super) struct ChecklistItem {
    pub checklist_item_id: i64,
    pub position: i32,
    pub text: String,
    pub text_en: String,
}

impl ChecklistItem {
    pub(super) fn text_in(&self, lang: impl Into<Lang>) -> &str {
        match lang.into() {
            Lang::Zh => &self.text,
            Lang::En => &self.text_en,
        }
    }
}

/// A stored answer with its item.
#[derive(Debug, Clone)]
pub(super) struct CheckRow {
    pub checklist_item_id: i64,
    pub position: i32,
    pub text: String,
    pub text_en: String,
    pub answer: CheckAnswer,
    pub note: String,
}

impl CheckRow {
    pub(super) fn text_in(&self, lang: impl Into<Lang>) -> &str {
        match lang.into() {
            Lang::Zh => &self.text,
            Lang::En => &self.text_en,
        }
    }

    pub(super) fn failed(&self) -> bool {
        self.answer == CheckAnswer::Fail
    }
}

/// A visit as stored.
#[derive(Debug, Clone)]
pub(super) struct Visit {
    pub visit_id: i64,
    pub enterprise_id: i64,
    pub enterprise_name: String,
    pub visited_on: NaiveDate,
    pub kind: VisitKind,
    pub notes: String,
    pub suggestions: String,
    pub checklist_template_id: Option<i64>,
    pub liaison_contact: bool,
    pub version: i32,
    pub created_by_name: String,
}

/// A visit with its officers and checklist answers.
#[derive(Debug, Clone)]
pub(super) struct VisitDetail {
    pub visit: Visit,
    pub officers: Vec<Officer>,
    pub checks: Vec<CheckRow>,
}

impl VisitDetail {
    pub(super) fn officer_names(&self, lang: Lang) -> String {
        join_names(self.officers.iter().map(|o| o.display_name.as_str()), lang)
    }

    pub(super) fn failed_count(&self) -> usize {
        self.checks.iter().filter(|c| c.failed()).count()
    }

    /// The answers in checklist order, one letter each ("PPFN…"), for audit lines.
    pub(super) fn answer_letters(&self) -> String {
        self.checks.iter().map(|c| c.answer.letter()).collect()
    }
}

pub(super) fn join_names<'a>(names: impl Iterator<Item = &'a str>, lang: Lang) -> String {
    let sep = match lang {
        Lang::Zh => "、",
        Lang::En => ", ",
    };
    names.collect::<Vec<_>>().join(sep)
}

/// One row of the visit list.
#[derive(Debug, Clone)]
pub(super) struct VisitRow {
    pub visit_id: i64,
    pub enterprise_id: i64,
    pub enterprise_name: String,
    pub visited_on: NaiveDate,
    pub kind: VisitKind,
    pub liaison_contact: bool,
    pub officer_names: Vec<String>,
    pub failed: i64,
    pub hazards: i64,
}

impl VisitRow {
    pub(super) fn failed_label(&self, lang: impl Into<Lang>) -> String {
        (text(lang.into()).failed_items)(self.failed)
    }

    pub(super) fn officers_text(&self, lang: impl Into<Lang>) -> String {
        join_names(self.officer_names.iter().map(String::as_str), lang.into())
    }
}

/// An enterprise offered by the visit picker.
#[derive(Debug, Clone)]
pub(super) struct PickRow {
    pub enterprise_id: i64,
    pub name: String,
    pub credit_code: String,
    pub address: String,
}

/// A validated checklist answer.
#[derive(Debug, Clone)]
pub(super) struct CheckInput {
    pub checklist_item_id: i64,
    pub answer: CheckAnswer,
    pub note: String,
}

/// The validated content of the visit form.
#[derive(Debug, Clone)]
pub(super) struct VisitInput {
    pub visited_on: NaiveDate,
    pub kind: VisitKind,
    pub officers: Vec<i64>,
    pub notes: String,
    pub suggestions: String,
    /// Filled for inspections only.
    pub checks: Vec<CheckInput>,
    pub hazards: Vec<HazardInput>,
}

/// How many "hazard found" rows the visit form offers.
pub(super) const HAZARD_ROWS: usize = 3;
/// Field names (and error keys) of the hazard rows: severity, description, deadline.
pub(super) const HAZARD_FIELDS: [[&str; 3]; HAZARD_ROWS] = [
    [
        "hazard1_severity",
        "hazard1_description",
        "hazard1_deadline",
    ],
    [
        "hazard2_severity",
        "hazard2_description",
        "hazard2_deadline",
    ],
    [
        "hazard3_severity",
        "hazard3_description",
        "hazard3_deadline",
    ],
];

/// A "hazard found" row as typed.
#[derive(Debug, Clone, Default)]
pub(super) struct HazardRow {
    pub severity: String,
    pub description: String,
    pub deadline: String,
}

impl HazardRow {
    pub(super) fn is_empty(&self) -> bool {
        self.severity.trim().is_empty()
            && self.description.trim().is_empty()
            && self.deadline.trim().is_empty()
    }
}

/// A hazard row ready for the template.
#[derive(Debug, Clone)]
pub(super) struct HazardRowView {
    pub n: usize,
    pub names: [&'static str; 3],
    pub row: HazardRow,
}

/// The form as typed; every field a string so that nothing is lost. It is
/// read from the raw pairs because officers repeat and checklist fields are
/// named by item.
#[derive(Debug, Clone, Default)]
pub(super) struct VisitForm {
    pub visited_on: String,
    pub kind: String,
    pub officers: Vec<String>,
    pub notes: String,
    pub suggestions: String,
    /// Answer code per checklist item id (`check_<id>`).
    pub answers: BTreeMap<i64, String>,
    /// Note per checklist item id (`check_note_<id>`).
    pub check_notes: BTreeMap<i64, String>,
    pub hazards: [HazardRow; HAZARD_ROWS],
    pub form_token: String,
    pub version: String,
}

/// What is wrong with a visit form: per field, and per checklist item.
#[derive(Debug, Default, Clone)]
pub(super) struct VisitErrors {
    pub fields: FieldErrors,
    pub items: BTreeMap<i64, String>,
}

impl VisitForm {
    pub(super) fn from_pairs(pairs: Vec<(String, String)>) -> VisitForm {
        let mut f = VisitForm::default();
        for (key, value) in pairs {
            match key.as_str() {
                "visited_on" => f.visited_on = value,
                "kind" => f.kind = value,
                "officers" => f.officers.push(value),
                "notes" => f.notes = value,
                "suggestions" => f.suggestions = value,
                "form_token" => f.form_token = value,
                "version" => f.version = value,
                other => {
                    if let Some(id) = other
                        .strip_prefix("check_note_")
                        .and_then(|id| id.parse::<i64>().ok())
                    {
                        f.check_notes.insert(id, value);
                    } else if let Some(id) = other
                        .strip_prefix("check_")
                        .and_then(|id| id.parse::<i64>().ok())
                    {
                        f.answers.insert(id, value);
                    } else if let Some((row, col)) =
                        HAZARD_FIELDS.iter().enumerate().find_map(|(row, names)| {
                            names.iter().position(|n| *n == other).map(|c| (row, c))
                        })
                    {
                        let target = &mut f.hazards[row];
                        match col {
                            0 => target.severity = value,
                            1 => target.description = value,
                            _ => target.deadline = value,
                        }
                    }
                }
            }
        }
        f
    }

    pub(super) fn from_detail(d: &VisitDetail) -> VisitForm {
        VisitForm {
            visited_on: d.visit.visited_on.to_string(),
            kind: d.visit.kind.code().to_owned(),
            officers: d.officers.iter().map(|o| o.user_id.to_string()).collect(),
            notes: d.visit.notes.clone(),
            suggestions: d.visit.suggestions.clone(),
            answers: d
                .checks
                .iter()
                .map(|c| (c.checklist_item_id, c.answer.code().to_owned()))
                .collect(),
            check_notes: d
                .checks
                .iter()
                .map(|c| (c.checklist_item_id, c.note.clone()))
                .collect(),
            hazards: Default::default(),
            form_token: String::new(),
            version: d.visit.version.to_string(),
        }
    }

    /// `fixed_kind`: the stored kind when editing (the form does not carry
    /// it); `items`: the checklist answered when the kind is an inspection;
    /// `with_hazards`: whether the hazard rows are part of this form.
    pub(super) fn validate(
        &self,
        lang: Lang,
        today: NaiveDate,
        fixed_kind: Option<VisitKind>,
        officers: &[Officer],
        items: &[ChecklistItem],
        with_hazards: bool,
    ) -> Result<VisitInput, VisitErrors> {
        let f = Fields::new(lang);
        let t = text(lang);
        let mut e = VisitErrors::default();

        let visited_on = e.fields.check("visited_on", f.date(&self.visited_on));
        if visited_on.is_some_and(|d| d > today) {
            e.fields.add("visited_on", t.err_future);
        }
        let kind = match fixed_kind {
            Some(kind) => Some(kind),
            None => e
                .fields
                .check("kind", f.choice(&self.kind, &VisitKind::options())),
        };

        let mut chosen: Vec<i64> = Vec::new();
        for raw in self.officers.iter().filter(|v| !v.trim().is_empty()) {
            match f.id(raw) {
                Ok(id) if officers.iter().any(|o| o.user_id == id) => {
                    if !chosen.contains(&id) {
                        chosen.push(id);
                    }
                }
                _ => e.fields.add("officers", lang.t().err_choice),
            }
        }
        if chosen.is_empty() {
            e.fields.add("officers", t.err_officers_required);
        }

        let notes = e.fields.check("notes", f.optional_text(&self.notes, 4000));
        let suggestions = e
            .fields
            .check("suggestions", f.optional_text(&self.suggestions, 2000));

        // The checklist counts only for inspections; otherwise it is ignored.
        let mut checks = Vec::new();
        if kind == Some(VisitKind::Inspection) {
            if items.is_empty() {
                e.fields.add("checklist", t.err_no_checklist);
            }
            for item in items {
                let id = item.checklist_item_id;
                let raw = self.answers.get(&id).map_or("", String::as_str);
                let answer = if raw.trim().is_empty() {
                    e.items.insert(id, t.err_answer_required.to_owned());
                    None
                } else {
                    match f.choice(raw, &CheckAnswer::options()) {
                        Ok(a) => Some(a),
                        Err(message) => {
                            e.items.insert(id, message);
                            None
                        }
                    }
                };
                let note = self.check_notes.get(&id).map_or("", String::as_str);
                let note = match f.optional_text(note, 500) {
                    Ok(note) => note,
                    Err(message) => {
                        // Both said when the answer is missing too.
                        e.items
                            .entry(id)
                            .and_modify(|said| {
                                said.push(' ');
                                said.push_str(&message);
                            })
                            .or_insert(message);
                        String::new()
                    }
                };
                if let Some(answer) = answer {
                    checks.push(CheckInput {
                        checklist_item_id: id,
                        answer,
                        // A note belongs to a failed item only.
                        note: if answer == CheckAnswer::Fail {
                            note
                        } else {
                            String::new()
                        },
                    });
                }
            }
            if !e.items.is_empty() {
                e.fields.add("checklist", t.err_checklist_incomplete);
            }
        }

        let mut hazards = Vec::new();
        if with_hazards {
            for (row, names) in self.hazards.iter().zip(HAZARD_FIELDS) {
                if row.is_empty() {
                    continue;
                }
                let [sev_name, desc_name, deadline_name] = names;
                let severity = e
                    .fields
                    .check(sev_name, f.choice(&row.severity, &Severity::options()));
                let description = e.fields.check(desc_name, f.text(&row.description, 2000));
                let deadline = e.fields.check(deadline_name, f.date(&row.deadline));
                if let (Some(found), Some(deadline)) = (visited_on, deadline)
                    && deadline < found
                {
                    e.fields.add(deadline_name, t.err_deadline_before_visit);
                }
                if let (Some(found_on), Some(severity), Some(description), Some(deadline)) =
                    (visited_on, severity, description, deadline)
                {
                    hazards.push(HazardInput {
                        found_on,
                        severity,
                        description,
                        deadline,
                    });
                }
            }
        }

        match (visited_on, kind, notes, suggestions) {
            (Some(visited_on), Some(kind), Some(notes), Some(suggestions))
                if e.fields.is_empty() && e.items.is_empty() =>
            {
                Ok(VisitInput {
                    visited_on,
                    kind,
                    officers: chosen,
                    notes,
                    suggestions,
                    checks,
                    hazards,
                })
            }
            _ => Err(e),
        }
    }
}
