//! The three colours, and a rating that may be "not yet evaluated".

use std::fmt;

use serde::{Deserialize, Serialize};

/// A tier. Ordered from best to worst: `Green < Yellow < Red`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Green,
    Yellow,
    Red,
}

impl Level {
    pub const ALL: [Level; 3] = [Level::Green, Level::Yellow, Level::Red];

    pub fn code(self) -> &'static str {
        match self {
            Level::Green => "green",
            Level::Yellow => "yellow",
            Level::Red => "red",
        }
    }

    pub fn parse(s: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.code() == s)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Level::Green => "绿色",
            Level::Yellow => "黄色",
            Level::Red => "红色",
        }
    }

    pub fn name_en(self) -> &'static str {
        self.code()
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
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
            Rating::Rated(level) => level.name_en(),
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
