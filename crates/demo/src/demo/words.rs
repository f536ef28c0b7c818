//! The demo's word lists (`data/demo/`), read once.

use super::{DemoAccount, DemoStation, Finding, IncidentText, PASSWORD};
use crate::tables::{column, flag, grouped, list, members, number, rows, table};

table!(
    /// Every account the demo creates.
    ACCOUNTS: Vec<DemoAccount> = "demo/accounts.tsv",
    |name, text| {
        rows::<6>(name, text)
            .into_iter()
            .map(|[username, role, scope, display_name, description_zh, description_en]| {
                DemoAccount {
                    username,
                    password: PASSWORD,
                    role,
                    description_zh,
                    description_en,
                    display_name,
                    scope,
                }
            })
            .collect()
    }
);

table!(
    STATIONS: Vec<DemoStation> = "demo/stations.tsv",
    |name, text| {
        rows::<5>(name, text)
            .into_iter()
            .map(|[code, zh, en, enterprises, streets]| DemoStation {
                code,
                name: zh,
                name_en: en,
                enterprises: number(name, enterprises) as usize,
                streets: list(streets),
            })
            .collect()
    }
);

table!(
    /// (code, name, English name) of the partner departments (also seeded
    /// by `sanse seed`).
    DEPARTMENTS: Vec<(&'static str, &'static str, &'static str)> = "demo/departments.tsv",
    |name, text| rows::<3>(name, text).into_iter().map(|[a, b, c]| (a, b, c)).collect()
);

table!(
    /// What each department receives (also seeded by `sanse seed`):
    /// department code, whether only its own station (the first: Jiangnan
    /// in the demo, `s001` in the seed), levels and industries (empty: every
    /// industry) as PostgreSQL array literals. Market regulation gets the red
    /// and yellow enterprises of its trades, fire rescue every red and yellow
    /// one, emergency management the red ones of the dangerous trades, the
    /// subdistrict office every level of its own station, the judicial
    /// office the red ones.
    SUBSCRIPTIONS: Vec<(&'static str, bool, &'static str, &'static str)> =
        "demo/subscriptions.tsv",
    |name, text| {
        rows::<4>(name, text)
            .into_iter()
            .map(|[code, own, levels, industries]| (code, flag(name, own), levels, industries))
            .collect()
    }
);

table!(
    /// Industry code, relative frequency, and the trade words of a company name.
    INDUSTRIES: Vec<(&'static str, u64, Vec<&'static str>)> = "demo/industries.tsv",
    |name, text| {
        rows::<3>(name, text)
            .into_iter()
            .map(|[code, weight, words]| (code, number(name, weight), list(words)))
            .collect()
    }
);

table!(TRADE_NAMES: Vec<&'static str> = "demo/trade_names.tsv", column);
table!(PLACE_PREFIXES: Vec<&'static str> = "demo/place_prefixes.tsv", column);
table!(SURNAMES: Vec<&'static str> = "demo/surnames.tsv", column);
table!(GIVEN_NAMES: Vec<&'static str> = "demo/given_names.tsv", column);
table!(MOBILE_PREFIXES: Vec<&'static str> = "demo/mobile_prefixes.tsv", column);

table!(
    /// Notes per visit kind (`dispute`: a visit about a dispute).
    VISIT_NOTES: Vec<(&'static str, Vec<&'static str>)> = "demo/visit_notes.tsv",
    |name, text| {
        grouped(rows::<2>(name, text))
            .into_iter()
            .map(|(kind, rows)| (kind, rows.into_iter().map(|[_, note]| note).collect()))
            .collect()
    }
);

table!(SUGGESTIONS: Vec<&'static str> = "demo/suggestions.tsv", column);

table!(
    FINDINGS: Vec<Finding> = "demo/findings.tsv",
    |name, text| {
        rows::<5>(name, text)
            .into_iter()
            .map(|[item, note, hazard, fix, major]| Finding {
                item: number(name, item) as i32,
                note,
                hazard: (!hazard.is_empty()).then(|| (hazard, fix, number(name, major))),
            })
            .collect()
    }
);

table!(
    /// Hazards reported outside a visit: (description, rectification, major %).
    REPORTED_HAZARDS: Vec<(&'static str, &'static str, u64)> = "demo/reported_hazards.tsv",
    |name, text| {
        rows::<3>(name, text)
            .into_iter()
            .map(|[hazard, fix, major]| (hazard, fix, number(name, major)))
            .collect()
    }
);

table!(
    /// Per dispute kind: (summary with {n} people and {amount}, resolution).
    DISPUTE_TEXTS: Vec<(&'static str, Vec<(&'static str, &'static str)>)> =
        "demo/disputes.tsv",
    |name, text| {
        grouped(rows::<3>(name, text))
            .into_iter()
            .map(|(kind, rows)| (kind, rows.into_iter().map(|[_, s, r]| (s, r)).collect()))
            .collect()
    }
);

table!(
    FOLLOW_UP_NOTES: Vec<(&'static str, &'static str)> = "demo/follow_up_notes.tsv",
    |name, text| rows::<2>(name, text).into_iter().map(|[a, b]| (a, b)).collect()
);

table!(
    /// (category, minor %, serious %, enterprise victim, industries or empty
    /// for any, summary)
    INCIDENT_TEXTS: Vec<IncidentText> = "demo/incidents.tsv",
    |name, text| {
        rows::<6>(name, text)
            .into_iter()
            .map(|[category, minor, serious, victim, industries, summary]| {
                (
                    category,
                    number(name, minor),
                    number(name, serious),
                    flag(name, victim),
                    list(industries),
                    summary,
                )
            })
            .collect()
    }
);

table!(
    /// The three criminal cases: (severity, victim, industries, summary).
    CRIMINAL_CASES: Vec<(&'static str, bool, Vec<&'static str>, &'static str)> =
        "demo/criminal_cases.tsv",
    |name, text| {
        rows::<4>(name, text)
            .into_iter()
            .map(|[severity, victim, industries, summary]| {
                (severity, flag(name, victim), list(industries), summary)
            })
            .collect()
    }
);

table!(
    /// (kind, content, response)
    DEMAND_TEXTS: Vec<(&'static str, &'static str, &'static str)> = "demo/demands.tsv",
    |name, text| rows::<3>(name, text).into_iter().map(|[a, b, c]| (a, b, c)).collect()
);

table!(EXTENSION_REASONS: Vec<&'static str> = "demo/extension_reasons.tsv", column);

table!(
    /// Per training kind: topics.
    TRAINING_TOPICS: Vec<(&'static str, Vec<&'static str>)> = "demo/trainings.tsv",
    |name, text| {
        grouped(rows::<2>(name, text))
            .into_iter()
            .map(|(kind, rows)| (kind, rows.into_iter().map(|[_, topic]| topic).collect()))
            .collect()
    }
);

/// The names the demo's people are drawn from.
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
            ACCOUNTS.len(),
            STATIONS.len(),
            DEPARTMENTS.len(),
            SUBSCRIPTIONS.len(),
            INDUSTRIES.len(),
            TRADE_NAMES.len(),
            PLACE_PREFIXES.len(),
            SURNAMES.len(),
            GIVEN_NAMES.len(),
            MOBILE_PREFIXES.len(),
            VISIT_NOTES.len(),
            SUGGESTIONS.len(),
            FINDINGS.len(),
            REPORTED_HAZARDS.len(),
            DISPUTE_TEXTS.len(),
            FOLLOW_UP_NOTES.len(),
            INCIDENT_TEXTS.len(),
            CRIMINAL_CASES.len(),
            DEMAND_TEXTS.len(),
            EXTENSION_REASONS.len(),
            TRAINING_TOPICS.len(),
        ];
        assert!(sizes.iter().all(|n| *n > 0), "{sizes:?}");
        assert_eq!(
            (ACCOUNTS.len(), STATIONS.len(), INDUSTRIES.len()),
            (14, 2, 13)
        );
        for kind in ["routine", "inspection", "legal", "policy", "dispute"] {
            assert!(!visit_notes(kind).is_empty(), "{kind}");
        }
        assert!(SURNAMES.iter().all(|s| s.chars().count() == 1));
    }
}
