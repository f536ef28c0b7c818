//! Typed record ids: an enterprise's id is an [`EnterpriseId`], never a
//! bare `i64` that could be a visit's. In a URL path an id is a positive
//! whole number; anything else does not name a record (the path extractor
//! answers 404, like a record that is not there).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize};

macro_rules! ids {
    ($($(#[$meta:meta])* $name:ident;)+) => {$(
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, sqlx::Type,
        )]
        #[serde(transparent)]
        #[sqlx(transparent)]
        pub struct $name(pub i64);

        impl $name {
            /// The number, for SQL.
            pub fn get(self) -> i64 {
                self.0
            }
        }

        impl FromStr for $name {
            type Err = InvalidId;

            fn from_str(s: &str) -> Result<Self, InvalidId> {
                positive(s).map($name)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    )+};
}

/// Not a record id: not a whole number, or not positive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a record id")]
pub struct InvalidId;

fn positive(s: &str) -> Result<i64, InvalidId> {
    // Digits only: no sign, no spaces, no leading `+`.
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(InvalidId);
    }
    s.parse::<i64>().ok().filter(|n| *n > 0).ok_or(InvalidId)
}

ids! {
    StationId;
    DepartmentId;
    UserId;
    EnterpriseId;
    VisitId;
    HazardId;
    DisputeId;
    FollowUpId;
    IncidentId;
    DemandId;
    TrainingId;
    ImportId;
    EvaluationId;
    ObjectionId;
    PushId;
    SubscriptionId;
    TokenId;
    DeliveryId;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_positive_whole_numbers_are_ids() {
        assert_eq!("42".parse::<VisitId>(), Ok(VisitId(42)));
        for junk in [
            "",
            "0",
            "-1",
            "+1",
            " 1",
            "1.0",
            "1e3",
            "abc",
            "99999999999999999999",
        ] {
            assert_eq!(junk.parse::<VisitId>(), Err(InvalidId), "{junk:?}");
        }
        let id: EnterpriseId = serde_json::from_str("\"7\"").unwrap();
        assert_eq!(
            (id, id.get(), id.to_string()),
            (EnterpriseId(7), 7, "7".into())
        );
        assert_eq!(serde_json::to_string(&id).unwrap(), "7");
    }
}
