//! The seed's word lists (`data/seed/`), read once: fewer and shorter than
//! the demo's, so that rows are cheap.

use std::sync::LazyLock;

use crate::tables::{column, grouped, list, members, number, rows, table};

table!(
    /// Places the stations are named after: (name, English name).
    STATION_PLACES: Vec<(&'static str, &'static str)> = "seed/station_places.tsv",
    |name, text| rows::<2>(name, text).into_iter().map(|[a, b]| (a, b)).collect()
);
table!(STREETS: Vec<&'static str> = "seed/streets.tsv", column);
table!(PLACE_PREFIXES: Vec<&'static str> = "seed/place_prefixes.tsv", column);
table!(TRADE_FIRST: Vec<&'static str> = "seed/trade_first.tsv", column);
table!(TRADE_SECOND: Vec<&'static str> = "seed/trade_second.tsv", column);

table!(
    /// Industry code, relative frequency, trade words of a company name.
    INDUSTRIES: Vec<(&'static str, u64, Vec<&'static str>)> = "seed/industries.tsv",
    |name, text| {
        rows::<3>(name, text)
            .into_iter()
            .map(|[code, weight, words]| (code, number(name, weight), list(words)))
            .collect()
    }
);
pub(super) static INDUSTRY_WEIGHTS: LazyLock<Vec<u64>> =
    LazyLock::new(|| INDUSTRIES.iter().map(|i| i.1).collect());

table!(SURNAMES: Vec<&'static str> = "seed/surnames.tsv", column);
table!(GIVEN_NAMES: Vec<&'static str> = "seed/given_names.tsv", column);
table!(MOBILE_PREFIXES: Vec<&'static str> = "seed/mobile_prefixes.tsv", column);

table!(
    /// Notes per visit kind.
    VISIT_NOTES: Vec<(&'static str, Vec<&'static str>)> = "seed/visit_notes.tsv",
    |name, text| {
        grouped(rows::<2>(name, text))
            .into_iter()
            .map(|(kind, rows)| (kind, rows.into_iter().map(|[_, note]| note).collect()))
            .collect()
    }
);
table!(SUGGESTIONS: Vec<&'static str> = "seed/suggestions.tsv", column);

/// Per checklist position: the note of a failed answer, and when it is a
/// hidden danger, the hazard (description, rectification, percent major).
pub(super) type Finding = (&'static str, Option<(&'static str, &'static str, u64)>);

table!(
    FINDINGS: Vec<Finding> = "seed/findings.tsv",
    |name, text| {
        rows::<4>(name, text)
            .into_iter()
            .map(|[note, hazard, fix, major]| {
                (note, (!hazard.is_empty()).then(|| (hazard, fix, number(name, major))))
            })
            .collect()
    }
);

table!(
    /// Category, percent with the enterprise as victim, relative frequency,
    /// summaries.
    INCIDENTS: Vec<(&'static str, u64, u64, Vec<&'static str>)> = "seed/incidents.tsv",
    |name, text| {
        rows::<4>(name, text)
            .into_iter()
            .map(|[category, victim, weight, summaries]| {
                (category, number(name, victim), number(name, weight), list(summaries))
            })
            .collect()
    }
);
pub(super) static INCIDENT_WEIGHTS: LazyLock<Vec<u64>> =
    LazyLock::new(|| INCIDENTS.iter().map(|i| i.2).collect());

table!(
    /// Kind, parties, summary with {n} people, resolution, relative frequency.
    DISPUTES: Vec<(&'static str, &'static str, &'static str, &'static str, u64)> =
        "seed/disputes.tsv",
    |name, text| {
        rows::<5>(name, text)
            .into_iter()
            .map(|[kind, parties, summary, resolution, weight]| {
                (kind, parties, summary, resolution, number(name, weight))
            })
            .collect()
    }
);
pub(super) static DISPUTE_WEIGHTS: LazyLock<Vec<u64>> =
    LazyLock::new(|| DISPUTES.iter().map(|d| d.4).collect());

table!(FORCES: Vec<&'static str> = "seed/forces.tsv", column);
table!(
    FOLLOW_UP_NOTES: Vec<(&'static str, &'static str)> = "seed/follow_up_notes.tsv",
    |name, text| rows::<2>(name, text).into_iter().map(|[a, b]| (a, b)).collect()
);
table!(
    /// (kind, content, response)
    DEMANDS: Vec<(&'static str, &'static str, &'static str)> = "seed/demands.tsv",
    |name, text| rows::<3>(name, text).into_iter().map(|[a, b, c]| (a, b, c)).collect()
);
table!(EXTENSION_REASONS: Vec<&'static str> = "seed/extension_reasons.tsv", column);
table!(
    /// Per training kind: topics.
    TRAININGS: Vec<(&'static str, Vec<&'static str>)> = "seed/trainings.tsv",
    |name, text| {
        rows::<2>(name, text)
            .into_iter()
            .map(|[kind, topics]| (kind, list(topics)))
            .collect()
    }
);

/// The names the seed's people are drawn from.
pub(super) fn names() -> crate::rng::Names<'static> {
    crate::rng::Names {
        surnames: &SURNAMES,
        given_names: &GIVEN_NAMES,
        mobile_prefixes: &MOBILE_PREFIXES,
    }
}

/// The notes of visits of `kind` (routine notes for any other kind).
pub(super) fn visit_notes(kind: &str) -> &'static [&'static str] {
    members(&VISIT_NOTES, kind, "routine")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_reads_and_has_rows() {
        let sizes = [
            STATION_PLACES.len(),
            STREETS.len(),
            PLACE_PREFIXES.len(),
            TRADE_FIRST.len(),
            TRADE_SECOND.len(),
            INDUSTRY_WEIGHTS.len(),
            SURNAMES.len(),
            GIVEN_NAMES.len(),
            MOBILE_PREFIXES.len(),
            VISIT_NOTES.len(),
            SUGGESTIONS.len(),
            FINDINGS.len(),
            INCIDENT_WEIGHTS.len(),
            DISPUTE_WEIGHTS.len(),
            FORCES.len(),
            FOLLOW_UP_NOTES.len(),
            DEMANDS.len(),
            EXTENSION_REASONS.len(),
            TRAININGS.len(),
        ];
        assert!(sizes.iter().all(|n| *n > 0), "{sizes:?}");
        // Ten checklist positions, thirteen industries.
        assert_eq!((FINDINGS.len(), INDUSTRIES.len()), (10, 13));
        for kind in ["routine", "inspection", "legal", "policy", "follow_up"] {
            assert!(!visit_notes(kind).is_empty(), "{kind}");
        }
    }
}
