//! The three colours, and a rating that may be "not yet evaluated".

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::coded::coded_enum;

coded_enum! {
    /// A tier. Ordered from best to worst: `Green < Yellow < Red`.
    pub enum Level {
        Green = "green", "绿色", "Green";
        Yellow = "yellow", "黄色", "Yellow";
        Red = "red", "红色", "Red";
    }
}

/// The computed outcome: a level, or "unrated" (never inspected, grey).
/// Unrated is not a fourth tier and is never green.
///
/// Serialised as one string: `"green"`, `"yellow"`, `"red"` or `"unrated"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum Rating {
    Rated(Level),
    Unrated,
}

impl Rating {
    pub fn code(self) -> &'static str {
        match self {
            Rating::Rated(level) => level.code(),
            Rating::Unrated => "unrated",
        }
    }

    pub fn parse(s: &str) -> Option<Rating> {
        match s {
            "unrated" => Some(Rating::Unrated),
            _ => Level::parse(s).map(Rating::Rated),
        }
    }

    /// The level, `None` when unrated.
    pub fn level(self) -> Option<Level> {
        match self {
            Rating::Rated(level) => Some(level),
            Rating::Unrated => None,
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Rating::Rated(level) => level.name_zh(),
            Rating::Unrated => "未评级",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            Rating::Rated(level) => level.code(),
            Rating::Unrated => "unrated",
        }
    }
}

impl From<Option<Level>> for Rating {
    fn from(level: Option<Level>) -> Rating {
        level.map_or(Rating::Unrated, Rating::Rated)
    }
}

impl From<Rating> for String {
    fn from(rating: Rating) -> String {
        rating.code().to_owned()
    }
}

impl TryFrom<String> for Rating {
    type Error = String;

    fn try_from(s: String) -> Result<Rating, String> {
        Rating::parse(&s).ok_or_else(|| format!("unknown rating {s:?}"))
    }
}

impl fmt::Display for Rating {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}
