//! Scoring: an enterprise's indicators for a quarter and a policy in, the
//! assessment with its reasons out.
//!
//! Plain Rust: no I/O, no async, no database or web types, no clock, and
//! nothing from the rest of the crate (only std, chrono and serde). Scores are
//! exact integers. The evaluation service gathers [`Inputs`], calls
//! [`assess`] and stores both the inputs and the [`Assessment`] (all JSON
//! serialisable) so that an evaluation can be re-scored and audited later.
//!
//! The default policy ([`Policy::default_v1`]) is DESIGN.md's version 1:
//!
//! | indicator | points | from |
//! |---|---|---|
//! | safety management | 40 | the latest security inspection in the quarter: `40 × passed ÷ applicable`, rounded half up (no applicable item: 40); none in the quarter: the latest earlier one ("stale"); never inspected: 0 and unrated |
//! | hazard governance | 30 | 30 minus, per hazard found by quarter end and open at quarter end or rectified within the quarter: on time 0, late −3/−8, open not yet due −1/−4, open and overdue −6/−15 (general/major); floor 0 |
//! | case situation | 30 | 30 minus, per incident in the quarter: criminal −10, public order −5, fire or safety −8, fraud −2, theft −2, other 0 (halved, rounded down, when the enterprise was the victim of a criminal or public-order case); per dispute unresolved at quarter end −4, mass (≥ 30 people) −10; floor 0 |
//!
//! Green ≥ 85, yellow 70–84, red < 70. Vetoes force red: a major hazard open
//! and overdue at quarter end, a major criminal case in the quarter, a mass
//! dispute unresolved at quarter end. A previous published red rises at most
//! to yellow.
//!
//! Every point lost is a [`Reason`] line, and so is every rule applied; when
//! an indicator's deductions exceed its points, a floor line gives the excess
//! back. The points of all lines add up to exactly `total - 100`.

mod assess;
mod inputs;
mod level;
mod policy;
mod quarter;
mod reason;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

pub use assess::{Assessment, assess};
pub use inputs::{
    DisputeIn, HazardIn, HazardSeverity, IncidentCategory, IncidentIn, IncidentSeverity, Inputs,
    Inspection,
};
pub use level::{Level, Rating};
pub use policy::{Policy, PolicyError, PolicyErrorKind};
pub use quarter::{InvalidQuarter, Quarter};
pub use reason::{Indicator, Reason, ReasonKind, VetoRule};
