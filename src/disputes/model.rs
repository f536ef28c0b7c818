//! A dispute, its status rule (the only status changes there are), the
//! forms that record it and move it on, and their validation.

use chrono::NaiveDate;
use serde::Deserialize;

use super::text::text;
use crate::coded::coded_enum;
use crate::i18n::Lang;
use crate::records::Kind as RecordKind;
use crate::web::form::{FieldErrors, Fields};

pub(super) const KIND: RecordKind = RecordKind {
    entity: "dispute",
    path: "/disputes",
};

/// Used when no scoring policy exists yet (the default policy's value).
pub(super) const DEFAULT_MASS_THRESHOLD: i32 = 30;

/// Days from resolution to the follow-up scheduled with it.
pub(super) const FOLLOW_UP_DAYS: i64 = 7;

coded_enum! {
    /// What the dispute is about.
    pub enum Kind {
        Wages = "wages", "工资报酬", "Wages";
        Contract = "contract", "合同", "Contract";
        Labour = "labour", "劳动关系", "Labour relations";
        Neighbourhood = "neighbourhood", "邻里", "Neighbourhood";
        Other = "other", "其他", "Other";
    }
}

coded_enum! {
    /// Where a dispute stands.
    pub enum Status {
        Reported = "reported", "已上报", "Reported";
        Mediating = "mediating", "调解中", "Mediating";
        Resolved = "resolved", "已化解", "Resolved";
        Referred = "referred", "已移交", "Referred";
        Closed = "closed", "已结案", "Closed";
    }
}

coded_enum! {
    /// A change of status, as the user sees it (the code names its form).
    pub(super) enum Step {
        Mediate = "mediate", "开始调解", "Start mediation";
        Resolve = "resolve", "登记化解", "Mark resolved";
        Close = "close", "结案", "Close";
        Refer = "refer", "移交其他部门", "Refer to another body";
        Reopen = "reopen", "重新调解", "Reopen";
    }
}

coded_enum! {
    /// Who took part in the mediation.
    pub(super) enum Force {
        Street = "street", "街道", "Street office";
        Community = "community", "社区", "Community";
        Judicial = "judicial", "司法所人员", "Judicial staff";
        Enterprise = "enterprise", "企业负责人", "Enterprise leaders";
        Mediator = "mediator", "人民调解员", "Mediators";
    }
}

coded_enum! {
    /// How a follow-up was made.
    pub(super) enum Method {
        Visit = "visit", "上门回访", "Visit";
        Phone = "phone", "电话回访", "Phone call";
        Survey = "survey", "问卷回访", "Survey";
    }
}

crate::db::types::pg_enum! {
    Kind => "dispute_kind";
    Status => "dispute_status";
    Force => "mediation_force";
    Method => "follow_up_method";
}

impl Status {
    /// Still to be settled (counts against the enterprise in scoring).
    pub fn is_unresolved(self) -> bool {
        matches!(self, Status::Reported | Status::Mediating)
    }

    /// The step that takes a dispute from `self` to `to`, if there is one.
    /// These are the only status changes there are.
    pub(super) fn step_to(self, to: Status) -> Option<Step> {
        use Status::{Closed, Mediating, Referred, Reported, Resolved};
        match (self, to) {
            (Reported, Mediating) => Some(Step::Mediate),
            (Reported | Mediating, Referred) => Some(Step::Refer),
            (Mediating, Resolved) => Some(Step::Resolve),
            (Resolved, Closed) => Some(Step::Close),
            (Resolved | Referred | Closed, Mediating) => Some(Step::Reopen),
            _ => None,
        }
    }

    /// The steps open from `self`, forward ones first.
    pub(super) fn steps(self) -> Vec<Step> {
        Step::ALL
            .iter()
            .copied()
            .filter(|step| self.step_to(step.to()) == Some(*step))
            .collect()
    }
}

impl Step {
    /// Where the step leads.
    pub(super) fn to(self) -> Status {
        match self {
            Step::Mediate | Step::Reopen => Status::Mediating,
            Step::Refer => Status::Referred,
            Step::Resolve => Status::Resolved,
            Step::Close => Status::Closed,
        }
    }

    pub(super) fn audit_action(self) -> &'static str {
        match self {
            Step::Mediate => "dispute.mediate",
            Step::Refer => "dispute.refer",
            Step::Resolve => "dispute.resolve",
            Step::Close => "dispute.close",
            Step::Reopen => "dispute.reopen",
        }
    }

    /// The label of the step's free-text note, when it has one.
    pub(super) fn reason_label(self, lang: impl Into<Lang>) -> Option<&'static str> {
        let t = text(lang.into());
        match self {
            Step::Refer => Some(t.referral_note),
            Step::Close => Some(t.closing_note),
            Step::Reopen => Some(t.reopen_reason),
            Step::Mediate | Step::Resolve => None,
        }
    }

    pub(super) fn reason_required(self) -> bool {
        self == Step::Reopen
    }

    /// The label of the step's date, when it has one (default today).
    pub(super) fn date_label(self, lang: impl Into<Lang>) -> Option<&'static str> {
        let t = text(lang.into());
        match self {
            Step::Resolve => Some(t.resolved_on),
            Step::Close => Some(t.closed_on),
            Step::Mediate | Step::Refer | Step::Reopen => None,
        }
    }

    pub(super) fn needs_resolution(self) -> bool {
        self == Step::Resolve
    }

    pub(super) fn hint(self, lang: impl Into<Lang>) -> Option<&'static str> {
        let t = text(lang.into());
        match self {
            Step::Resolve => Some(t.resolve_hint),
            Step::Close => Some(t.close_hint),
            Step::Reopen => Some(t.reopen_hint),
            Step::Mediate | Step::Refer => None,
        }
    }

    /// The main way forward is the primary button; going back is not.
    pub(super) fn button_class(self) -> &'static str {
        match self {
            Step::Mediate | Step::Resolve | Step::Close => "btn btn-primary",
            Step::Refer | Step::Reopen => "btn",
        }
    }
}

/// The forces' labels, joined; "none recorded" when there are none.
pub(super) fn forces_text(forces: &[Force], lang: Lang) -> String {
    let t = text(lang);
    if forces.is_empty() {
        return t.no_forces.to_owned();
    }
    forces
        .iter()
        .map(|f| f.label(lang))
        .collect::<Vec<_>>()
        .join(t.list_sep)
}

/// The dispute as an action finds it, its row locked.
#[derive(Debug, Clone)]
pub(super) struct Locked {
    pub status: Status,
    pub version: i32,
    pub reported_on: NaiveDate,
    pub resolution: String,
    pub resolved_on: Option<NaiveDate>,
}

/// A dispute as stored.
#[derive(Debug, Clone)]
pub(super) struct Dispute {
    pub dispute_id: i64,
    pub enterprise_id: i64,
    pub enterprise_name: String,
    pub liaison_officer_id: Option<i64>,
    pub reported_on: NaiveDate,
    pub parties: String,
    pub kind: Kind,
    pub people_involved: i32,
    pub mediation_forces: Vec<Force>,
    pub status: Status,
    pub summary: String,
    pub resolution: String,
    pub resolved_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    pub version: i32,
    pub created_by_name: String,
}

/// The validated content of the form.
#[derive(Debug, Clone)]
pub(super) struct DisputeInput {
    pub reported_on: NaiveDate,
    pub parties: String,
    pub kind: Kind,
    pub people_involved: i32,
    pub forces: Vec<Force>,
    pub summary: String,
}

/// The form as typed; every field a string so that nothing is lost.
/// `forces` repeats (one checkbox each), so it is read from the pairs.
#[derive(Debug, Clone, Default)]
pub(super) struct DisputeForm {
    pub reported_on: String,
    pub parties: String,
    pub kind: String,
    pub people_involved: String,
    pub forces: Vec<String>,
    pub summary: String,
    pub form_token: String,
    pub version: String,
}

impl DisputeForm {
    pub(super) fn from_pairs(pairs: Vec<(String, String)>) -> DisputeForm {
        let mut form = DisputeForm::default();
        for (name, value) in pairs {
            match name.as_str() {
                "reported_on" => form.reported_on = value,
                "parties" => form.parties = value,
                "kind" => form.kind = value,
                "people_involved" => form.people_involved = value,
                "forces" => form.forces.push(value),
                "summary" => form.summary = value,
                "form_token" => form.form_token = value,
                "version" => form.version = value,
                _ => {}
            }
        }
        form
    }

    pub(super) fn from_dispute(d: &Dispute) -> DisputeForm {
        DisputeForm {
            reported_on: d.reported_on.to_string(),
            parties: d.parties.clone(),
            kind: d.kind.code().to_owned(),
            people_involved: d.people_involved.to_string(),
            forces: d
                .mediation_forces
                .iter()
                .map(|f| f.code().to_owned())
                .collect(),
            summary: d.summary.clone(),
            form_token: String::new(),
            version: d.version.to_string(),
        }
    }

    pub(super) fn has_force(&self, code: &str) -> bool {
        self.forces.iter().any(|f| f.trim() == code)
    }

    /// `resolved_on`: when editing a resolved dispute, the reported date may
    /// not move past it.
    pub(super) fn validate(
        &self,
        lang: Lang,
        today: NaiveDate,
        resolved_on: Option<NaiveDate>,
    ) -> Result<DisputeInput, FieldErrors> {
        let f = Fields::new(lang);
        let t = text(lang);
        let mut e = FieldErrors::new();
        let reported_on = e.check("reported_on", f.date(&self.reported_on));
        if reported_on.is_some_and(|d| d > today) {
            e.add("reported_on", t.err_future);
        }
        if let (Some(reported), Some(resolved)) = (reported_on, resolved_on)
            && reported > resolved
        {
            e.add("reported_on", (t.err_after_resolved)(&resolved.to_string()));
        }
        let parties = e.check("parties", f.text(&self.parties, 500));
        let kind = e.check("kind", f.choice(&self.kind, &Kind::options()));
        let people = e
            .check("people_involved", f.int(&self.people_involved, 1, 100_000))
            .and_then(|n| i32::try_from(n).ok());
        let forces = e.check("forces", self.parse_forces(lang));
        let summary = e.check("summary", f.optional_text(&self.summary, 2000));
        match (reported_on, parties, kind, people, forces, summary) {
            (
                Some(reported_on),
                Some(parties),
                Some(kind),
                Some(people_involved),
                Some(forces),
                Some(summary),
            ) if e.is_empty() => Ok(DisputeInput {
                reported_on,
                parties,
                kind,
                people_involved,
                forces,
                summary,
            }),
            _ => Err(e),
        }
    }

    /// The ticked forces, in the catalogue's order, each once.
    pub(super) fn parse_forces(&self, lang: Lang) -> Result<Vec<Force>, String> {
        let known = self
            .forces
            .iter()
            .map(|code| code.trim())
            .filter(|code| !code.is_empty())
            .all(|code| Force::ALL.iter().any(|f| f.code() == code));
        if !known {
            return Err(lang.t().err_choice.to_owned());
        }
        Ok(Force::ALL
            .iter()
            .copied()
            .filter(|f| self.has_force(f.code()))
            .collect())
    }
}

/// A status step as posted. `reason` is the step's note (required to
/// reopen); `resolution` and `date` serve resolving (and `date` closing).
#[derive(Debug, Clone, Default, Deserialize)]
pub(super) struct StepForm {
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub resolution: String,
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub version: String,
}

/// A step that passed its checks.
pub(super) struct ValidStep {
    pub step: Step,
    pub reason: String,
    pub resolution: String,
    pub date: NaiveDate,
}

impl StepForm {
    pub(super) fn validate(
        &self,
        cur: &Locked,
        lang: Lang,
        today: NaiveDate,
    ) -> Result<ValidStep, FieldErrors> {
        let f = Fields::new(lang);
        let t = text(lang);
        let mut e = FieldErrors::new();
        let Some(to) = Status::parse(&self.to) else {
            e.add("form", lang.t().err_choice);
            return Err(e);
        };
        let Some(step) = cur.status.step_to(to) else {
            let open: Vec<&str> = cur.status.steps().iter().map(|s| s.label(lang)).collect();
            e.add(
                "form",
                (t.err_transition)(
                    cur.status.label(lang),
                    to.label(lang),
                    &open.join(t.list_sep),
                ),
            );
            return Err(e);
        };
        let reason = e
            .check("reason", f.optional_text(&self.reason, 1000))
            .unwrap_or_default();
        if step.reason_required() && reason.is_empty() {
            e.add("reason", t.err_reopen_reason);
        }
        let mut resolution = String::new();
        if step.needs_resolution() {
            resolution = e
                .check("resolution", f.optional_text(&self.resolution, 2000))
                .unwrap_or_default();
            if resolution.is_empty() {
                e.add("resolution", t.err_resolution);
            }
        }
        let mut date = today;
        if step.date_label(lang).is_some() && !self.date.trim().is_empty() {
            match e.check("date", f.date(&self.date)) {
                Some(d) if d > today => e.add("date", t.err_future),
                Some(d) => date = d,
                None => {}
            }
        }
        match step {
            Step::Resolve if date < cur.reported_on => {
                e.add(
                    "date",
                    (t.err_before_reported)(&cur.reported_on.to_string()),
                );
            }
            Step::Close => {
                if let Some(resolved) = cur.resolved_on
                    && date < resolved
                {
                    e.add("date", (t.err_before_resolved)(&resolved.to_string()));
                }
            }
            _ => {}
        }
        if e.is_empty() {
            Ok(ValidStep {
                step,
                reason,
                resolution,
                date,
            })
        } else {
            Err(e)
        }
    }
}

/// Another follow-up, as posted.
#[derive(Debug, Clone, Default, Deserialize)]
pub(super) struct ScheduleForm {
    #[serde(default)]
    pub due_on: String,
    #[serde(default)]
    pub assigned_to: String,
}

/// A follow-up done, as posted.
#[derive(Debug, Clone, Default, Deserialize)]
pub(super) struct RecordForm {
    #[serde(default)]
    pub method: String,
    #[serde(default)]
    pub done_on: String,
    #[serde(default)]
    pub note: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_listed_status_changes_exist() {
        use Status::*;
        let allowed = [
            (Reported, Mediating, Step::Mediate),
            (Reported, Referred, Step::Refer),
            (Mediating, Resolved, Step::Resolve),
            (Mediating, Referred, Step::Refer),
            (Resolved, Closed, Step::Close),
            (Resolved, Mediating, Step::Reopen),
            (Referred, Mediating, Step::Reopen),
            (Closed, Mediating, Step::Reopen),
        ];
        for &from in Status::ALL {
            for &to in Status::ALL {
                let expected = allowed
                    .iter()
                    .find(|(f, t, _)| *f == from && *t == to)
                    .map(|(_, _, s)| *s);
                assert_eq!(from.step_to(to), expected, "{from:?} → {to:?}");
                if let Some(step) = expected {
                    assert_eq!(step.to(), to);
                }
            }
        }
        assert_eq!(Reported.steps(), [Step::Mediate, Step::Refer]);
        assert_eq!(Mediating.steps(), [Step::Resolve, Step::Refer]);
        assert_eq!(Resolved.steps(), [Step::Close, Step::Reopen]);
        assert_eq!(Closed.steps(), [Step::Reopen]);
    }

    #[test]
    fn forces_are_parsed_once_in_order_and_unknown_ones_refused() {
        let form = DisputeForm {
            forces: vec!["mediator".into(), "street".into(), "street".into()],
            ..DisputeForm::default()
        };
        assert_eq!(
            form.parse_forces(Lang::Zh),
            Ok(vec![Force::Street, Force::Mediator])
        );
        let form = DisputeForm {
            forces: vec!["police".into()],
            ..DisputeForm::default()
        };
        assert!(form.parse_forces(Lang::En).is_err());
    }
}
