//! What the caller gathers for one enterprise and one quarter.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::level::Level;
use super::quarter::Quarter;

use crate::coded::coded_enum;

coded_enum! {
    /// A hidden danger's severity.
    pub enum HazardSeverity {
        General = "general", "一般隐患", "General";
        Major = "major", "重大隐患", "Major";
    }
}

coded_enum! {
    /// What kind of police incident it was.
    pub enum IncidentCategory {
        Criminal = "criminal", "刑事案件", "Criminal case";
        PublicOrder = "public_order", "治安案件", "Public-order case";
        FireSafety = "fire_safety", "火灾或安全事故", "Fire or safety accident";
        Fraud = "fraud", "诈骗", "Fraud";
        Theft = "theft", "盗窃", "Theft";
        Other = "other", "其他", "Other";
    }
}

coded_enum! {
    /// How serious an incident was.
    pub enum IncidentSeverity {
        Minor = "minor", "一般", "Minor";
        Serious = "serious", "较重", "Serious";
        Major = "major", "重大", "Major";
    }
}

/// A security inspection's checklist result.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Inspection {
    pub visit_id: i64,
    pub date: NaiveDate,
    /// Items answered "pass".
    pub passed: i32,
    /// Items answered "pass" or "fail" ("not applicable" excluded).
    pub applicable: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct HazardIn {
    pub hazard_id: i64,
    pub severity: HazardSeverity,
    pub found_on: NaiveDate,
    /// Last day for rectification; rectifying on this day is on time.
    pub deadline: NaiveDate,
    pub rectified_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct IncidentIn {
    pub incident_id: i64,
    pub occurred_on: NaiveDate,
    pub category: IncidentCategory,
    pub severity: IncidentSeverity,
    /// The enterprise was the victim.
    pub victim: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct DisputeIn {
    pub dispute_id: i64,
    pub reported_on: NaiveDate,
    pub people_involved: i32,
    /// Still unresolved on the quarter's last day.
    pub unresolved_at_quarter_end: bool,
}

/// An enterprise's indicators for a quarter: everything [`assess`](super::assess)
/// looks at. Stored as JSON with the assessment so that it can be re-scored.
///
/// What the caller passes, and what the module does with it (records outside
/// these windows may be passed; they are ignored, never an error):
///
/// - `inspection_in_quarter`: the latest security inspection dated within the
///   quarter; `earlier_inspection`: the latest one dated before the quarter.
///   The module looks at both by date: the latest one within the quarter is
///   used; failing that, the latest one before it ("stale"); one dated after
///   the quarter is ignored.
/// - `hazards`: every hazard found by quarter end that was not rectified
///   before the quarter began (passing more is harmless). Counted: found on or
///   before the quarter's last day, and open at quarter end (no rectification
///   date, or one after the quarter) or rectified within the quarter.
/// - `incidents`: the incidents in the quarter; counted by `occurred_on`
///   within the quarter.
/// - `disputes`: disputes reported by quarter end that were unresolved at
///   quarter end; counted when `reported_on` is on or before the quarter's
///   last day and `unresolved_at_quarter_end` is set.
/// - `previous_level`: the previous published *final* level (after any
///   override); `None` when there is none or it was unrated.
///
/// Inspection counts are expected to satisfy `0 <= passed <= applicable`;
/// other values are clamped into that range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inputs {
    pub quarter: Quarter,
    #[serde(default)]
    pub inspection_in_quarter: Option<Inspection>,
    #[serde(default)]
    pub earlier_inspection: Option<Inspection>,
    #[serde(default)]
    pub hazards: Vec<HazardIn>,
    #[serde(default)]
    pub incidents: Vec<IncidentIn>,
    #[serde(default)]
    pub disputes: Vec<DisputeIn>,
    #[serde(default)]
    pub previous_level: Option<Level>,
}

impl Inputs {
    /// Inputs for a quarter with nothing recorded (never inspected).
    pub fn empty(quarter: Quarter) -> Inputs {
        Inputs {
            quarter,
            inspection_in_quarter: None,
            earlier_inspection: None,
            hazards: Vec::new(),
            incidents: Vec::new(),
            disputes: Vec::new(),
            previous_level: None,
        }
    }
}
