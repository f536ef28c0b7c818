//! Our own small chart module: SVG drawn on the server, with no JavaScript
//! and nothing from a CDN.
//!
//! Every function here is pure (no I/O, no async): it takes the numbers and
//! the words (in the page's language, from the caller) and returns SVG
//! markup as a `String` that a template inserts with `|safe`. Every text put
//! into the markup goes through [`escape`].
//!
//! What every chart does:
//! - scales to its container (`viewBox` and `width="100%"`), on a phone and
//!   on paper;
//! - is an image with a name (`role="img"`, `<title>` and `<desc>`), and each
//!   mark (bar segment, point) carries a `<title>` with its value; the page
//!   shows the same numbers in a data table ([`Chart::table`], rendered by
//!   `templates/charts/macros.html`);
//! - never tells by colour alone: the levels carry their letter (G/Y/R) and a
//!   pattern (green solid, yellow dotted, red hatched, unrated grey with a
//!   dashed edge); series lines differ by dash pattern and marker shape;
//! - shows a message instead of an empty chart when there is nothing to
//!   draw, and copes with a maximum of zero.

mod bars;
mod draw;
mod lines;
mod text;
mod timeline;

#[cfg(test)]
mod tests;

pub use bars::{horizontal_bars, stacked_bars};
pub use lines::lines;
pub use text::{ChartWords, words};
pub use timeline::level_timeline;

use crate::level::Level;

/// Escapes text for SVG and HTML, in element content and in attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// How a series or a bar is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// A level: its colour, its pattern and its letter.
    Level(Level),
    /// Not yet evaluated: light grey with a dashed edge.
    Unrated,
    /// The n-th series of a chart: colour, dash pattern and marker shape
    /// (all three cycle together).
    Series(usize),
}

impl Style {
    /// The letter a level carries, so that colour is never the only cue.
    pub fn letter(self) -> Option<&'static str> {
        match self {
            Style::Level(l) => Some(l.letter()),
            Style::Unrated => Some("–"),
            Style::Series(_) => None,
        }
    }

    /// The style of an optional level.
    pub fn of_level(level: Option<Level>) -> Style {
        level.map_or(Style::Unrated, Style::Level)
    }
}

/// The words of one chart, in the page's language.
#[derive(Debug, Clone, Copy)]
pub struct Text<'a> {
    /// Unique on the page; used for the element ids inside the SVG.
    pub id: &'a str,
    /// The chart's name, read by screen readers.
    pub title: &'a str,
    /// What the chart shows, in a sentence.
    pub desc: &'a str,
    /// The label of the categories (e.g. "Quarter").
    pub x_axis: &'a str,
    /// The label of the values (e.g. "Enterprises").
    pub y_axis: &'a str,
    /// Shown instead of the chart when there is nothing to draw.
    pub empty: &'a str,
}

/// One series of a category chart: a value per category.
#[derive(Debug, Clone)]
pub struct Series {
    pub label: String,
    pub style: Style,
    /// One per category; missing values count as zero, negative ones as zero.
    pub values: Vec<i64>,
}

impl Series {
    pub fn value(&self, i: usize) -> i64 {
        self.values.get(i).copied().unwrap_or(0).max(0)
    }
}

/// Categories (e.g. quarters or months) by series (e.g. levels or kinds).
#[derive(Debug, Clone, Default)]
pub struct Grid {
    pub categories: Vec<String>,
    pub series: Vec<Series>,
}

impl Grid {
    /// Nothing to draw: no category or no series.
    pub fn is_empty(&self) -> bool {
        self.categories.is_empty() || self.series.is_empty()
    }

    /// The sum of the series in category `i`.
    pub fn total(&self, i: usize) -> i64 {
        self.series.iter().map(|s| s.value(i)).sum()
    }
}

/// One bar of a horizontal bar chart.
#[derive(Debug, Clone)]
pub struct Bar {
    pub label: String,
    pub value: i64,
    pub style: Style,
}

/// One point of a level timeline: a quarter and its level (or unrated).
#[derive(Debug, Clone)]
pub struct Step {
    pub label: String,
    pub level: Option<Level>,
}

/// The names of the levels, in the page's language.
#[derive(Debug, Clone, Copy)]
pub struct LevelNames<'a> {
    pub green: &'a str,
    pub yellow: &'a str,
    pub red: &'a str,
    pub unrated: &'a str,
}

impl<'a> LevelNames<'a> {
    pub fn from_messages(t: &'a crate::i18n::Messages) -> LevelNames<'a> {
        LevelNames {
            green: t.level_green,
            yellow: t.level_yellow,
            red: t.level_red,
            unrated: t.level_unrated,
        }
    }

    pub fn name(&self, level: Option<Level>) -> &'a str {
        match level {
            Some(Level::Green) => self.green,
            Some(Level::Yellow) => self.yellow,
            Some(Level::Red) => self.red,
            None => self.unrated,
        }
    }

    /// "Green (G)", "Not yet evaluated".
    pub fn with_letter(&self, level: Option<Level>) -> String {
        match level {
            Some(l) => format!("{} ({})", self.name(level), l.letter()),
            None => self.unrated.to_owned(),
        }
    }
}

/// The numbers of a chart as a table, for screen readers and for anyone who
/// wants the exact values. The first cell of each row names the row.
#[derive(Debug, Clone)]
pub struct DataTable {
    pub caption: String,
    pub head: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// A chart ready for a page: the SVG (or the "no data" message) and its
/// data table. Render it with the `chart` macro of
/// `templates/charts/macros.html`.
#[derive(Debug, Clone)]
pub struct Chart {
    /// The id of the `<figure>`; the table is `{id}-table`, its rows
    /// `{id}-row-{n}`.
    pub id: String,
    pub svg: String,
    /// None when there was nothing to draw.
    pub table: Option<DataTable>,
    /// The label of the table's disclosure ("Data table").
    pub summary: String,
}

impl Chart {
    /// Stacked bars with a table of categories × series and a total column.
    pub fn stacked_bars(data: &Grid, text: &Text<'_>, words: &ChartWords) -> Chart {
        let svg = stacked_bars(data, text);
        let table = (!data.is_empty()).then(|| {
            let mut head = vec![text.x_axis.to_owned()];
            head.extend(data.series.iter().map(|s| s.label.clone()));
            head.push(words.total.to_owned());
            let rows = (0..data.categories.len())
                .map(|i| {
                    let mut row = vec![data.categories[i].clone()];
                    row.extend(data.series.iter().map(|s| s.value(i).to_string()));
                    row.push(data.total(i).to_string());
                    row
                })
                .collect();
            DataTable {
                caption: text.title.to_owned(),
                head,
                rows,
            }
        });
        Chart::new(text, svg, table, words)
    }

    /// Lines with a table of categories × series.
    pub fn lines(
        data: &Grid,
        highlight: Option<usize>,
        text: &Text<'_>,
        words: &ChartWords,
    ) -> Chart {
        let svg = lines(data, highlight, text);
        let table = (!data.is_empty()).then(|| {
            let mut head = vec![text.x_axis.to_owned()];
            head.extend(data.series.iter().map(|s| s.label.clone()));
            let rows = (0..data.categories.len())
                .map(|i| {
                    let mut row = vec![data.categories[i].clone()];
                    row.extend(data.series.iter().map(|s| s.value(i).to_string()));
                    row
                })
                .collect();
            DataTable {
                caption: text.title.to_owned(),
                head,
                rows,
            }
        });
        Chart::new(text, svg, table, words)
    }

    /// Horizontal bars with a table of label → value.
    pub fn horizontal_bars(bars: &[Bar], text: &Text<'_>, words: &ChartWords) -> Chart {
        let svg = horizontal_bars(bars, text);
        let table = (!bars.is_empty()).then(|| DataTable {
            caption: text.title.to_owned(),
            head: vec![text.x_axis.to_owned(), text.y_axis.to_owned()],
            rows: bars
                .iter()
                .map(|b| vec![b.label.clone(), b.value.max(0).to_string()])
                .collect(),
        });
        Chart::new(text, svg, table, words)
    }

    /// A level timeline with a table of quarter → level.
    pub fn level_timeline(
        steps: &[Step],
        names: &LevelNames<'_>,
        text: &Text<'_>,
        words: &ChartWords,
    ) -> Chart {
        let svg = level_timeline(steps, names, text);
        let table = (!steps.is_empty()).then(|| DataTable {
            caption: text.title.to_owned(),
            head: vec![text.x_axis.to_owned(), text.y_axis.to_owned()],
            rows: steps
                .iter()
                .map(|s| vec![s.label.clone(), names.with_letter(s.level)])
                .collect(),
        });
        Chart::new(text, svg, table, words)
    }

    fn new(text: &Text<'_>, svg: String, table: Option<DataTable>, words: &ChartWords) -> Chart {
        Chart {
            id: draw::clean_id(text.id),
            svg,
            table,
            summary: words.data_table.to_owned(),
        }
    }
}
