//! The department pages' forms and their checks, and the rows as shown.

use serde::Deserialize;

use crate::auth::password;
use crate::i18n::Lang;
use crate::level::Level;
use crate::pushes::receivers::{self, AttemptRow};
use crate::users::DeptUser;
use crate::web::form::{FieldErrors, Fields};

use super::queries::{self, Choice, Department};
use super::text::text;

/// How many deliveries the department page lists.
pub(super) const DELIVERIES_SHOWN: i64 = 50;
/// How many attempts of each delivery it lists.
pub(super) const ATTEMPTS_SHOWN: i64 = 20;
pub(super) const NAME_MAX: usize = 100;
pub(super) const DISPLAY_NAME_MAX: usize = 80;
pub(super) const LABEL_MAX: usize = 80;

pub(super) fn pick<'a>(lang: Lang, zh: &'a str, en: &'a str) -> &'a str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

impl Department {
    pub fn name_in(&self, lang: Lang) -> &str {
        pick(lang, &self.name, &self.name_en)
    }

    pub fn created(&self) -> String {
        crate::web::local_time(&self.created_at)
    }

    pub fn disabled(&self) -> Option<String> {
        self.disabled_at.as_ref().map(crate::web::local_time)
    }
}

impl Choice {
    pub fn name_in(&self, lang: Lang) -> &str {
        pick(lang, &self.name, &self.name_en)
    }
}

impl DeptUser {
    pub fn is_disabled(&self) -> bool {
        self.disabled_at.is_some()
    }
}

/// Levels from the most to the least serious, as lists show them.
pub(super) fn sort_levels(levels: &mut [Level]) {
    levels.sort_by_key(|l| match l {
        Level::Red => 0,
        Level::Yellow => 1,
        Level::Green => 2,
    });
}

/// A subscription, ready to show in the reader's language.
#[derive(Debug, Clone)]
pub struct SubscriptionView {
    pub subscription_id: i64,
    pub station: String,
    pub levels: Vec<Level>,
    pub industries: String,
    pub created: String,
}

impl SubscriptionView {
    pub(super) fn new(
        raw: &queries::SubscriptionRaw,
        industries: &[Choice],
        lang: Lang,
    ) -> SubscriptionView {
        let t = text(lang);
        let station = match (&raw.station_name, &raw.station_name_en) {
            (Some(zh), Some(en)) => pick(lang, zh, en).to_owned(),
            _ => t.all_stations.to_owned(),
        };
        let mut levels: Vec<Level> = raw.levels.iter().filter_map(|l| Level::parse(l)).collect();
        sort_levels(&mut levels);
        let industries = if raw.industries.is_empty() {
            t.all_industries.to_owned()
        } else {
            raw.industries
                .iter()
                .map(|code| {
                    industries
                        .iter()
                        .find(|c| c.value == *code)
                        .map_or(code.as_str(), |c| c.name_in(lang))
                })
                .collect::<Vec<_>>()
                .join(t.list_separator)
        };
        SubscriptionView {
            subscription_id: raw.subscription_id,
            station,
            levels,
            industries,
            created: crate::web::local_time(&raw.created_at),
        }
    }

    /// "All stations · Red, Yellow · All industries", for the list page.
    pub(super) fn summary(&self, lang: Lang) -> String {
        let t = text(lang);
        let levels = self
            .levels
            .iter()
            .map(|l| l.label(lang.t()))
            .collect::<Vec<_>>()
            .join(t.list_separator);
        format!("{} · {} · {}", self.station, levels, self.industries)
    }
}

// ---------------------------------------------------------------------------
// The list of departments, and creating one

/// The create form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct DepartmentForm {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub name_en: String,
}

/// A valid department code: what the database accepts.
pub(super) fn valid_code(code: &str) -> bool {
    (2..=40).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Both names, required, or the messages.
pub(super) fn check_names(
    f: Fields,
    e: &mut FieldErrors,
    name: &str,
    name_en: &str,
) -> Option<(String, String)> {
    let name = e.check("name", f.text(name, NAME_MAX));
    let name_en = e.check("name_en", f.text(name_en, NAME_MAX));
    name.zip(name_en)
}

/// The subscription form as typed.
#[derive(Debug, Clone, Default)]
pub struct SubscriptionForm {
    pub station: String,
    pub levels: Vec<String>,
    pub industries: Vec<String>,
}

impl SubscriptionForm {
    pub(super) fn from_pairs(pairs: Vec<(String, String)>) -> SubscriptionForm {
        let mut form = SubscriptionForm::default();
        for (name, value) in pairs {
            match name.as_str() {
                "station" => form.station = value,
                "level" => form.levels.push(value),
                "industry" => form.industries.push(value),
                _ => {}
            }
        }
        form
    }
}

/// A valid subscription.
#[derive(Debug, Clone)]
pub(super) struct SubscriptionInput {
    pub(super) station_id: Option<i64>,
    pub(super) levels: Vec<Level>,
    pub(super) industries: Vec<String>,
}

impl SubscriptionInput {
    pub(super) fn level_codes(&self) -> Vec<String> {
        self.levels.iter().map(|l| l.code().to_owned()).collect()
    }

    /// Whether `raw` selects exactly what this does.
    pub(super) fn same_as(&self, raw: &queries::SubscriptionRaw) -> bool {
        let mut levels: Vec<Level> = raw.levels.iter().filter_map(|l| Level::parse(l)).collect();
        sort_levels(&mut levels);
        let mut industries = raw.industries.clone();
        industries.sort();
        industries.dedup();
        let mut mine = self.industries.clone();
        mine.sort();
        raw.station_id == self.station_id && levels == self.levels && industries == mine
    }
}

pub(super) fn check_subscription(
    form: &SubscriptionForm,
    lang: Lang,
    stations: &[Choice],
    industries: &[Choice],
    existing: &[queries::SubscriptionRaw],
) -> Result<SubscriptionInput, FieldErrors> {
    let t = text(lang);
    let mut e = FieldErrors::new();
    let station = form.station.trim();
    let station_id = if station.is_empty() {
        None
    } else {
        match stations.iter().find(|s| s.value == station) {
            Some(s) => s.value.parse::<i64>().ok(),
            None => {
                e.add("station", t.err_unknown_station);
                None
            }
        }
    };
    let mut levels = Vec::new();
    for code in &form.levels {
        match Level::parse(code.trim()) {
            Some(l) if !levels.contains(&l) => levels.push(l),
            Some(_) => {}
            None => e.add("levels", t.err_unknown_level),
        }
    }
    if levels.is_empty() {
        e.add("levels", t.err_no_level);
    }
    sort_levels(&mut levels);
    // In the list's order, each once.
    let mut chosen = Vec::new();
    for code in &form.industries {
        if !industries.iter().any(|i| i.value == code.trim()) {
            e.add("industries", t.err_unknown_industry);
        }
    }
    for i in industries {
        if form.industries.iter().any(|c| c.trim() == i.value) {
            chosen.push(i.value.clone());
        }
    }
    if !e.is_empty() {
        return Err(e);
    }
    let input = SubscriptionInput {
        station_id,
        levels,
        industries: chosen,
    };
    if existing.iter().any(|s| input.same_as(s)) {
        e.add("subscription", t.err_duplicate_subscription);
        return Err(e);
    }
    Ok(input)
}

/// The names form, the user form, the token form and the webhook form.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct NamesForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub name_en: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct UserForm {
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub display_name: String,
    /// Never shown again on the page.
    #[serde(default)]
    pub password: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    pub label: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct WebhookForm {
    #[serde(default)]
    pub url: String,
}

/// What a page shows once: a new token or a new webhook secret.
#[derive(Debug, Clone)]
pub struct Revealed {
    pub title: &'static str,
    pub value: String,
}

/// A delivery's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryStatus {
    Pending,
    Delivered,
    Cancelled,
    /// Every attempt of its allowance failed; tried again only on request.
    Dead,
}

impl DeliveryStatus {
    pub(super) fn parse(code: &str) -> DeliveryStatus {
        match code {
            "delivered" => DeliveryStatus::Delivered,
            "cancelled" => DeliveryStatus::Cancelled,
            "dead" => DeliveryStatus::Dead,
            _ => DeliveryStatus::Pending,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Cancelled => "cancelled",
            DeliveryStatus::Dead => "dead",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        let t = text(lang);
        match self {
            DeliveryStatus::Pending => t.status_pending,
            DeliveryStatus::Delivered => t.status_delivered,
            DeliveryStatus::Cancelled => t.status_cancelled,
            DeliveryStatus::Dead => t.status_dead,
        }
    }
}

/// A delivery, ready to show.
#[derive(Debug, Clone)]
pub struct DeliveryView {
    pub webhook_delivery_id: i64,
    pub event_id: String,
    pub push: String,
    pub status: DeliveryStatus,
    pub attempts: i32,
    pub next_attempt: Option<String>,
    pub last_attempt: Option<String>,
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub delivered: Option<String>,
    pub attempt_rows: Vec<AttemptRow>,
    /// Attempts made but not listed.
    pub older: i32,
}

impl DeliveryView {
    pub(super) fn new(
        raw: receivers::DeliveryRaw,
        attempts: Vec<AttemptRow>,
        lang: Lang,
    ) -> DeliveryView {
        let t = text(lang);
        let status = DeliveryStatus::parse(&raw.status);
        let mut push = format!(
            "{} · {}",
            raw.quarter,
            pick(lang, &raw.station_name, &raw.station_name_en)
        );
        let revision = (t.revision)(raw.revision);
        if !revision.is_empty() {
            push = format!("{push} · {revision}");
        }
        let listed = i32::try_from(attempts.len()).unwrap_or(i32::MAX);
        DeliveryView {
            webhook_delivery_id: raw.webhook_delivery_id,
            event_id: raw.event_id,
            push,
            status,
            attempts: raw.attempts,
            next_attempt: (status == DeliveryStatus::Pending)
                .then(|| crate::web::local_time(&raw.next_attempt_at)),
            last_attempt: raw.last_attempt_at.as_ref().map(crate::web::local_time),
            last_status: raw.last_status,
            last_error: raw.last_error,
            delivered: raw.delivered_at.as_ref().map(crate::web::local_time),
            older: (raw.attempts - listed).max(0),
            attempt_rows: attempts,
        }
    }
}

/// The user form's content, or the messages (the user name's availability
/// is checked apart).
pub(super) fn check_user(form: &UserForm, lang: Lang) -> Result<(String, String), FieldErrors> {
    let t = text(lang);
    let f = Fields::new(lang);
    let mut e = FieldErrors::new();
    let username = form.username.trim().to_lowercase();
    if username.is_empty() {
        e.add("username", lang.t().err_required);
    } else if !((2..=40).contains(&username.len())
        && username
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b)))
    {
        e.add("username", t.err_username);
    }
    let display_name = e.check("display_name", f.text(&form.display_name, DISPLAY_NAME_MAX));
    let chars = form.password.chars().count();
    if form.password.is_empty() {
        e.add("password", lang.t().err_required);
    } else if !(password::MIN_PASSWORD_CHARS..=password::MAX_PASSWORD_CHARS).contains(&chars) {
        e.add(
            "password",
            (t.err_password_length)(password::MIN_PASSWORD_CHARS, password::MAX_PASSWORD_CHARS),
        );
    }
    match display_name {
        Some(display_name) if e.is_empty() => Ok((username, display_name)),
        _ => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes() {
        assert!(valid_code("fire-rescue"));
        assert!(valid_code("x1"));
        assert!(!valid_code("x"));
        assert!(!valid_code("Fire"));
        assert!(!valid_code("fire rescue"));
        assert!(!valid_code("fire_rescue"));
        assert!(!valid_code(&"a".repeat(41)));
    }
}
