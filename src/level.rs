//! The three colours as pages show them. The level itself is the scoring
//! module's [`Level`]; `None` means "not yet evaluated" — not a fourth tier.

use crate::i18n::Lang;
pub use crate::scoring::Level;

crate::db::types::pg_enum! {
    Level => "tier_level";
}

impl Level {
    /// A letter that tells the level without colour.
    pub fn letter(self) -> &'static str {
        match self {
            Level::Green => "G",
            Level::Yellow => "Y",
            Level::Red => "R",
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

pub fn badge(level: Option<Level>, lang: impl Into<Lang>) -> Badge {
    let lang = lang.into();
    match level {
        Some(l) => Badge {
            class: match l {
                Level::Green => "level level-green",
                Level::Yellow => "level level-yellow",
                Level::Red => "level level-red",
            },
            letter: l.letter(),
            label: l.label(lang),
        },
        None => Badge {
            class: "level level-unrated",
            letter: "–",
            label: lang.t().level_unrated,
        },
    }
}
