//! Pagination of lists, and the query string that keeps a list's filters.

use serde::Deserialize;

/// The page asked for; `?page=` that is missing, zero, negative or junk means 1.
#[derive(Debug, Deserialize, Default)]
pub struct PageQuery {
    #[serde(default)]
    pub page: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Paging {
    pub page: i64,
    pub per_page: i64,
    pub total: i64,
    /// The list's filters as a query string (without `page`), to build links.
    pub query: String,
}

impl Paging {
    pub const MAX_PAGE: i64 = 1_000_000;

    pub fn parse_page(raw: Option<&str>) -> i64 {
        raw.and_then(|p| p.trim().parse::<i64>().ok())
            .filter(|p| *p >= 1)
            .unwrap_or(1)
            .min(Self::MAX_PAGE)
    }

    pub fn new(page: i64, per_page: i64, total: i64, query: String) -> Paging {
        let mut paging = Paging {
            page,
            per_page,
            total,
            query,
        };
        // Past the end (e.g. after filtering): show the last page.
        paging.page = paging.page.min(paging.pages()).max(1);
        paging
    }

    pub fn offset(&self) -> i64 {
        (self.page - 1) * self.per_page
    }

    pub fn pages(&self) -> i64 {
        ((self.total + self.per_page - 1) / self.per_page).max(1)
    }

    pub fn has_prev(&self) -> bool {
        self.page > 1
    }

    pub fn has_next(&self) -> bool {
        self.page < self.pages()
    }

    /// "Page 2 of 5, 112 in all"
    pub fn label(&self, t: &crate::i18n::Messages) -> String {
        (t.page_of)(self.page, self.pages(), self.total)
    }

    /// `?<filters>&page=n`
    pub fn link(&self, page: i64) -> String {
        if self.query.is_empty() {
            format!("?page={page}")
        } else {
            format!("?{}&page={page}", self.query)
        }
    }

    pub fn prev_link(&self) -> String {
        self.link(self.page - 1)
    }

    pub fn next_link(&self) -> String {
        self.link(self.page + 1)
    }
}

/// Encode `(name, value)` pairs, skipping empty values.
pub fn query_string(pairs: &[(&str, &str)]) -> String {
    let kept: Vec<(&str, &str)> = pairs
        .iter()
        .copied()
        .filter(|(_, v)| !v.is_empty())
        .collect();
    serde_urlencoded::to_string(kept).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_and_links() {
        let p = Paging::new(3, 25, 60, "q=abc".into());
        assert_eq!((p.page, p.pages(), p.offset()), (3, 3, 50));
        assert!(p.has_prev() && !p.has_next());
        assert_eq!(p.prev_link(), "?q=abc&page=2");
        let p = Paging::new(9, 25, 60, String::new());
        assert_eq!(p.page, 3, "past the end shows the last page");
        let p = Paging::new(1, 25, 0, String::new());
        assert_eq!((p.pages(), p.offset()), (1, 0));
        assert_eq!(Paging::parse_page(Some("-4")), 1);
        assert_eq!(Paging::parse_page(Some("x")), 1);
        assert_eq!(Paging::parse_page(Some("99999999999")), Paging::MAX_PAGE);
        assert_eq!(query_string(&[("q", "a b"), ("x", "")]), "q=a+b");
    }
}

/// A search box's text as searched: trimmed, without control characters
/// (PostgreSQL text cannot hold NUL), at most 100 characters.
pub fn search_text(q: &str) -> String {
    q.trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(100)
        .collect()
}

/// A code chosen in a filter (an industry, say): without control
/// characters, at most 40 characters; an unknown code simply matches nothing.
pub fn code_param(raw: &str) -> String {
    raw.chars().filter(|c| !c.is_control()).take(40).collect()
}

/// A search box's text as an ILIKE pattern matching it anywhere: at most 100
/// characters, wildcards escaped; empty when nothing was typed.
pub fn like_pattern(q: &str) -> String {
    let q = search_text(q);
    if q.is_empty() {
        return String::new();
    }
    let escaped = q
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

#[cfg(test)]
mod like_tests {
    use super::like_pattern;

    #[test]
    fn wildcards_are_escaped() {
        assert_eq!(like_pattern("  "), "");
        assert_eq!(like_pattern(" 50%_a\\b "), "%50\\%\\_a\\\\b%");
        assert_eq!(like_pattern(&"字".repeat(150)).chars().count(), 102);
        assert_eq!(like_pattern("a\u{0}b\r\n"), "%ab%", "no control characters");
        assert_eq!(super::code_param("manu\u{0}facturing"), "manufacturing");
    }
}
