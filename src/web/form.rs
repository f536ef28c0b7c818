//! Form handling shared by every module: field errors, parsing of the common
//! field types, one-time tokens against double submits, and the version
//! check against lost updates.
//!
//! Validation failures are not errors: a handler collects them in
//! [`FieldErrors`] and re-renders the form (status 422) with what the user
//! typed and a message next to each field.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use sqlx::PgConnection;

use crate::i18n::{Lang, Messages};
use crate::ids::StationId;
use crate::random::token_hex;

/// Messages per field name; empty when the form is valid.
#[derive(Debug, Default, Clone)]
pub struct FieldErrors {
    fields: BTreeMap<&'static str, String>,
}

impl FieldErrors {
    pub fn new() -> FieldErrors {
        FieldErrors::default()
    }

    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        // The first problem with a field is the one worth telling.
        self.fields.entry(field).or_insert_with(|| message.into());
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// The message for `field`, for templates.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.fields.get(field).map(String::as_str)
    }

    pub fn has(&self, field: &str) -> bool {
        self.fields.contains_key(field)
    }

    pub fn len(&self) -> usize {
        self.fields.len()
    }

    /// Keep the value when there was no error, else remember the error.
    pub fn check<T>(&mut self, field: &'static str, result: Result<T, String>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(message) => {
                self.add(field, message);
                None
            }
        }
    }
}

/// Whether `value` holds a control character other than a line break or a
/// tab: a NUL (which PostgreSQL text cannot hold) or another that has no
/// business in a form. Every form value and CSV cell is checked for them.
pub fn has_control_chars(value: &str) -> bool {
    value
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

/// Parsers for the common field types; each returns the message to show.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    pub lang: Lang,
}

impl Fields {
    pub fn new(lang: Lang) -> Fields {
        Fields { lang }
    }

    fn t(self) -> &'static Messages {
        self.lang.t()
    }

    /// A required text of at most `max` characters, trimmed.
    pub fn text(self, value: &str, max: usize) -> Result<String, String> {
        let v = value.trim();
        if v.is_empty() {
            return Err(self.t().err_required.to_owned());
        }
        self.optional_text(v, max)
    }

    /// An optional text of at most `max` characters, trimmed; control
    /// characters other than line breaks and tabs are refused.
    pub fn optional_text(self, value: &str, max: usize) -> Result<String, String> {
        let v = value.trim();
        if v.chars().count() > max {
            return Err((self.t().err_too_long)(max));
        }
        if has_control_chars(v) {
            return Err(self.t().err_control_chars.to_owned());
        }
        Ok(v.replace("\r\n", "\n"))
    }

    /// A date in `YYYY-MM-DD` form (what `<input type=date>` sends).
    pub fn date(self, value: &str) -> Result<NaiveDate, String> {
        let v = value.trim();
        if v.is_empty() {
            return Err(self.t().err_required.to_owned());
        }
        parse_date(v).ok_or_else(|| self.t().err_date.to_owned())
    }

    pub fn optional_date(self, value: &str) -> Result<Option<NaiveDate>, String> {
        if value.trim().is_empty() {
            Ok(None)
        } else {
            self.date(value).map(Some)
        }
    }

    /// A whole number within `min..=max`.
    pub fn int(self, value: &str, min: i64, max: i64) -> Result<i64, String> {
        let v = value.trim();
        if v.is_empty() {
            return Err(self.t().err_required.to_owned());
        }
        let n: i64 = v.parse().map_err(|_| self.t().err_number.to_owned())?;
        if n < min || n > max {
            return Err((self.t().err_number_range)(min, max));
        }
        Ok(n)
    }

    /// A Chinese phone number: an 11-digit mobile number (1[3-9]…) or a
    /// landline with area code (0xx-xxxxxxx[x], dash optional).
    pub fn phone(self, value: &str) -> Result<String, String> {
        let v = value.trim();
        if v.is_empty() {
            return Err(self.t().err_required.to_owned());
        }
        normalise_phone(v).ok_or_else(|| self.t().err_phone.to_owned())
    }

    /// One of a fixed set of codes.
    pub fn choice<T: Copy>(self, value: &str, options: &[(&str, T)]) -> Result<T, String> {
        let v = value.trim();
        if v.is_empty() {
            return Err(self.t().err_required.to_owned());
        }
        options
            .iter()
            .find(|(code, _)| *code == v)
            .map(|(_, t)| *t)
            .ok_or_else(|| self.t().err_choice.to_owned())
    }

    /// A record id chosen from a list.
    pub fn id(self, value: &str) -> Result<i64, String> {
        let v = value.trim();
        if v.is_empty() {
            return Err(self.t().err_required.to_owned());
        }
        v.parse::<i64>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| self.t().err_choice.to_owned())
    }
}

/// `YYYY-MM-DD`, a real calendar date, in a plausible range.
pub fn parse_date(value: &str) -> Option<NaiveDate> {
    let v = value.trim();
    if v.len() != 10 {
        return None;
    }
    NaiveDate::parse_from_str(v, "%Y-%m-%d")
        .ok()
        .filter(|d| (1990..=2100).contains(&chrono::Datelike::year(d)))
}

/// The phone number in a canonical form, or `None` when it is not one.
pub fn normalise_phone(value: &str) -> Option<String> {
    let compact: String = value.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    let digits = compact.strip_prefix("+86").unwrap_or(&compact);
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let b = digits.as_bytes();
    if b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1]) {
        return Some(digits.to_owned());
    }
    // landline: 0 + 2-3 digit area code + 7-8 digit number
    if b.first() == Some(&b'0') && (10..=12).contains(&b.len()) {
        let area = if matches!(b.get(1), Some(b'1' | b'2')) {
            3
        } else {
            4
        };
        return Some(format!("{}-{}", &digits[..area], &digits[area..]));
    }
    None
}

/// A fresh one-time token for a "new record" form.
pub fn new_form_token() -> String {
    token_hex(16)
}

/// If the station's form of this kind with `token` was already submitted,
/// the record it made (the ledger of form tokens is keyed by the station the
/// record belongs to, also when a department writes it). Call inside the creating transaction, before
/// inserting.
pub async fn already_submitted(
    conn: &mut PgConnection,
    station: StationId,
    token: &str,
    entity: &str,
) -> sqlx::Result<Option<i64>> {
    super::queries::submitted(conn, station, entity, token).await
}

/// Remember that `token` created `entity_id`. A concurrent duplicate fails
/// here on the key, and its transaction rolls back.
pub async fn remember_submission(
    conn: &mut PgConnection,
    station: StationId,
    token: &str,
    entity: &str,
    entity_id: i64,
) -> sqlx::Result<()> {
    super::queries::remember(conn, station, entity, token, entity_id).await
}

/// Whether a token looks like one of ours (so junk is not stored).
pub fn valid_form_token(token: &str) -> bool {
    token.len() == 32 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(
            parse_date("2026-02-28"),
            NaiveDate::from_ymd_opt(2026, 2, 28)
        );
        assert_eq!(parse_date("2025-02-30"), None);
        assert_eq!(parse_date("2026-2-3"), None);
        assert_eq!(parse_date("28/02/2026"), None);
        assert_eq!(parse_date("9999-01-01"), None);
        assert_eq!(parse_date(""), None);
    }

    #[test]
    fn phones() {
        assert_eq!(
            normalise_phone("138 0013 8000").as_deref(),
            Some("13800138000")
        );
        assert_eq!(
            normalise_phone("+86 13800138000").as_deref(),
            Some("13800138000")
        );
        assert_eq!(
            normalise_phone("0571-88886666").as_deref(),
            Some("0571-88886666")
        );
        assert_eq!(
            normalise_phone("01088886666").as_deref(),
            Some("010-88886666")
        );
        assert_eq!(normalise_phone("12800138000"), None);
        assert_eq!(normalise_phone("1380013800"), None);
        assert_eq!(normalise_phone("abc"), None);
        assert_eq!(normalise_phone("1380013800x"), None);
    }

    #[test]
    fn field_messages_in_both_languages() {
        let zh = Fields::new(Lang::Zh);
        let en = Fields::new(Lang::En);
        assert_eq!(zh.text("  ", 10).unwrap_err(), "此项为必填项。");
        assert!(en.text("abcdef", 3).unwrap_err().contains('3'));
        assert!(zh.int("5", 1, 3).unwrap_err().contains('3'));
        assert!(en.date("2025-02-30").unwrap_err().contains("YYYY-MM-DD"));
        assert_eq!(zh.choice("b", &[("a", 1), ("b", 2)]), Ok(2));
        assert!(zh.choice("c", &[("a", 1)]).is_err());
        assert!(zh.optional_text("a\u{0}b", 10).is_err());
        assert_eq!(zh.optional_text(" a\r\nb ", 10).unwrap(), "a\nb");
    }
}
