//! An enterprise's level over its quarters: a dot per quarter on the row of
//! its level, joined by a step line.

use super::draw::{self, FONT, SMALL, WIDTH, axis_label, clean_id, n, open, text_width, x_labels};
use super::{LevelNames, Step, Style, Text, escape};
use crate::level::Level;

const ROW: f64 = 30.0;
const DOT: f64 = 9.0;

/// The row of a level, top to bottom: green, yellow, red, then (apart)
/// not yet evaluated.
fn row(level: Option<Level>) -> f64 {
    match level {
        Some(Level::Green) => 0.0,
        Some(Level::Yellow) => 1.0,
        Some(Level::Red) => 2.0,
        None => 3.3,
    }
}

/// The level timeline: one dot per step (oldest first) on its level's row,
/// carrying the level's letter and pattern, with a `<title>` "quarter:
/// level (letter)"; consecutive rated quarters are joined by a step line,
/// broken where a quarter is unrated.
pub fn level_timeline(steps: &[Step], names: &LevelNames<'_>, text: &Text<'_>) -> String {
    if steps.is_empty() {
        return draw::empty(text);
    }
    let id = clean_id(text.id);
    let rows: [Option<Level>; 4] = [
        Some(Level::Green),
        Some(Level::Yellow),
        Some(Level::Red),
        None,
    ];
    let row_label = |l: Option<Level>| match l {
        Some(level) => format!("{} {}", level.letter(), names.name(l)),
        None => format!("– {}", names.unrated),
    };
    let widest = rows
        .iter()
        .map(|&l| text_width(&row_label(l), FONT))
        .fold(0.0, f64::max);
    let left = 8.0 + widest.min(WIDTH * 0.42) + 10.0;
    let right = WIDTH - 8.0;
    let plot_top = 26.0;
    let y_of = |l: Option<Level>| plot_top + ROW * (row(l) + 0.5);
    let bottom = y_of(None) + ROW / 2.0;
    let slot = (right - left) / steps.len() as f64;
    let x_of = |i: usize| left + slot * (i as f64 + 0.5);
    let labels: Vec<String> = steps.iter().map(|s| s.label.clone()).collect();
    let (x_text, labels_h) = x_labels(&labels, left, slot, bottom);
    let x_label_y = bottom + labels_h + 14.0;
    let height = x_label_y + 8.0;

    let mut out = open(text, height);
    out.push_str(&draw::level_defs(&id));
    out.push_str(&axis_label(8.0, 14.0, "start", text.y_axis));
    // Rows: a guide line and the level's name with its letter.
    out.push_str("<g class=\"chart-grid\" aria-hidden=\"true\">");
    for l in rows {
        let y = y_of(l);
        out.push_str(&format!(
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#e3e7ed\"{}/>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"end\" dominant-baseline=\"central\">{}</text>",
            n(left),
            n(y),
            n(right),
            n(y),
            if l.is_none() {
                " stroke-dasharray=\"3 3\""
            } else {
                ""
            },
            n(left - 8.0),
            n(y),
            escape(&row_label(l))
        ));
    }
    out.push_str("</g>");
    // The step line, broken at unrated quarters.
    let mut d = String::new();
    for (i, pair) in steps.windows(2).enumerate() {
        if let (Some(_), Some(_)) = (pair[0].level, pair[1].level) {
            let (x0, x1) = (x_of(i), x_of(i + 1));
            let mid = (x0 + x1) / 2.0;
            d.push_str(&format!(
                "M{} {}H{}V{}H{}",
                n(x0),
                n(y_of(pair[0].level)),
                n(mid),
                n(y_of(pair[1].level)),
                n(x1)
            ));
        }
    }
    if !d.is_empty() {
        out.push_str(&format!(
            "<path d=\"{d}\" fill=\"none\" stroke=\"#556070\" stroke-width=\"2\" aria-hidden=\"true\"/>"
        ));
    }
    out.push_str("<g class=\"chart-marks\">");
    for (i, s) in steps.iter().enumerate() {
        let (x, y) = (x_of(i), y_of(s.level));
        let style = Style::of_level(s.level);
        out.push_str(&format!(
            "<g class=\"mark\"><title>{}: {}</title><circle cx=\"{}\" cy=\"{}\" r=\"{DOT}\" {}/>{}</g>",
            escape(&s.label),
            escape(&names.with_letter(s.level)),
            n(x),
            n(y),
            style.area_attrs(&id),
            style
                .letter()
                .map(|l| draw::letter(x, y, l, SMALL))
                .unwrap_or_default()
        ));
    }
    out.push_str("</g>");
    out.push_str(&x_text);
    out.push_str(&axis_label(
        left + (right - left) / 2.0,
        x_label_y,
        "middle",
        text.x_axis,
    ));
    out.push_str("</svg>");
    out
}
