//! The three colours. `None` means "not yet evaluated" — not a fourth tier.

use serde::{Deserialize, Serialize};

use crate::i18n::Messages;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, sqlx::Type,
)]
#[sqlx(type_name = "tier_level", rename_all = "lowercase")]
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

    /// A letter that tells the level without colour.
    pub fn letter(self) -> &'static str {
        match self {
            Level::Green => "G",
            Level::Yellow => "Y",
            Level::Red => "R",
        }
    }

    pub fn label(self, t: &Messages) -> &'static str {
        match self {
            Level::Green => t.level_green,
            Level::Yellow => t.level_yellow,
            Level::Red => t.level_red,
        }
    }
}

/// What a badge shows for an optional level.
#[derive(Debug, Clone, Copy)]
pub struct Badge {
    pub class: &'static str,
    pub letter: &'static str,
    pub label: &'static str,
}

pub fn badge(level: Option<Level>, t: &Messages) -> Badge {
    match level {
        Some(l) => Badge {
            class: match l {
                Level::Green => "level level-green",
                Level::Yellow => "level level-yellow",
                Level::Red => "level level-red",
            },
            letter: l.letter(),
            label: l.label(t),
        },
        None => Badge {
            class: "level level-unrated",
            letter: "–",
            label: t.level_unrated,
        },
    }
}
