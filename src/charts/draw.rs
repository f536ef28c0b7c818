//! What the charts share: the frame, scales, colours and patterns, legends.

use super::{Style, Text, escape};
use crate::level::Level;

/// The width of every chart's drawing, in SVG units. Narrow enough that the
/// 13-unit text stays readable when a phone shrinks the chart to 340 pixels.
pub(super) const WIDTH: f64 = 420.0;
pub(super) const FONT: f64 = 13.0;
pub(super) const SMALL: f64 = 11.5;

/// An id safe in an attribute and in `url(#…)`: ASCII letters, digits and
/// dashes only.
pub(super) fn clean_id(id: &str) -> String {
    let id: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    if id.is_empty() {
        "chart".to_owned()
    } else {
        id
    }
}

/// A coordinate with at most one decimal.
pub(super) fn n(x: f64) -> String {
    let x = if x.is_finite() { x } else { 0.0 };
    let s = format!("{:.1}", (x * 10.0).round() / 10.0);
    match s.strip_suffix(".0") {
        Some("-0") => "0".to_owned(),
        Some(whole) => whole.to_owned(),
        None => s,
    }
}

/// The width a text takes, estimated: Latin characters about 0.6 em, CJK
/// and other wide characters a full em.
pub(super) fn text_width(s: &str, size: f64) -> f64 {
    s.chars()
        .map(|c| if c.is_ascii() { 0.6 } else { 1.0 })
        .sum::<f64>()
        * size
}

/// The message shown instead of an empty chart.
pub(super) fn empty(text: &Text<'_>) -> String {
    format!(
        "<p class=\"chart-empty\" id=\"{}-empty\">{}</p>",
        clean_id(text.id),
        escape(text.empty)
    )
}

/// The opening tag with the chart's name and description.
pub(super) fn open(text: &Text<'_>, height: f64) -> String {
    let id = clean_id(text.id);
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart-svg\" viewBox=\"0 0 {w} {h}\" \
         width=\"100%\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" \
         font-size=\"{FONT}\" fill=\"#1c2430\">\
         <title id=\"{id}-title\">{title}</title><desc id=\"{id}-desc\">{desc}</desc>",
        w = n(WIDTH),
        h = n(height),
        title = escape(text.title),
        desc = escape(text.desc),
    )
}

/// A scale for counts: the top of the axis and the step between ticks, both
/// whole numbers; a maximum of zero gives the scale 0–1.
pub(super) fn scale(max: i64) -> (i64, i64) {
    if max <= 0 {
        return (1, 1);
    }
    let mut magnitude: i64 = 1;
    loop {
        for m in [1, 2, 5] {
            let step = m * magnitude;
            if step.saturating_mul(5) >= max {
                let top = (max / step + i64::from(max % step != 0)).saturating_mul(step);
                return (top, step);
            }
        }
        magnitude = magnitude.saturating_mul(10);
    }
}

// Level colours: an Okabe–Ito based palette that stays apart for the common
// colour-vision deficiencies, each with a pattern and a darker edge.
const GREEN: &str = "#00785a";
const GREEN_EDGE: &str = "#003d2e";
const YELLOW: &str = "#f0c53c";
const YELLOW_EDGE: &str = "#7a5c00";
const RED: &str = "#c8421b";
const RED_EDGE: &str = "#5c1405";
const UNRATED: &str = "#dde1e7";
const UNRATED_EDGE: &str = "#5c6675";

/// Series colours (Okabe–Ito), dash patterns and markers cycle together.
const SERIES_COLOURS: [&str; 6] = [
    "#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#000000",
];
const SERIES_DASHES: [&str; 6] = ["", "8 4", "2 3", "10 3 2 3", "5 2", "1 3"];

/// Marker shapes of the series, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Marker {
    Circle,
    Square,
    Triangle,
    Diamond,
    Cross,
    Star,
}

const MARKERS: [Marker; 6] = [
    Marker::Circle,
    Marker::Square,
    Marker::Triangle,
    Marker::Diamond,
    Marker::Cross,
    Marker::Star,
];

impl Style {
    /// The fill: a colour or one of the chart's patterns.
    pub(super) fn fill(self, id: &str) -> String {
        match self {
            Style::Level(Level::Green) => GREEN.to_owned(),
            Style::Level(Level::Yellow) => format!("url(#{id}-yellow)"),
            Style::Level(Level::Red) => format!("url(#{id}-red)"),
            Style::Unrated => UNRATED.to_owned(),
            Style::Series(i) => SERIES_COLOURS[i % SERIES_COLOURS.len()].to_owned(),
        }
    }

    /// The edge: stroke colour and dash pattern.
    pub(super) fn edge(self) -> (&'static str, &'static str) {
        match self {
            Style::Level(Level::Green) => (GREEN_EDGE, ""),
            Style::Level(Level::Yellow) => (YELLOW_EDGE, ""),
            Style::Level(Level::Red) => (RED_EDGE, ""),
            Style::Unrated => (UNRATED_EDGE, "3 2"),
            Style::Series(i) => (SERIES_COLOURS[i % SERIES_COLOURS.len()], ""),
        }
    }

    /// A line's colour and dash pattern.
    pub(super) fn line(self) -> (&'static str, &'static str) {
        match self {
            Style::Series(i) => (
                SERIES_COLOURS[i % SERIES_COLOURS.len()],
                SERIES_DASHES[i % SERIES_DASHES.len()],
            ),
            other => (other.edge().0, ""),
        }
    }

    pub(super) fn marker(self) -> Marker {
        match self {
            Style::Series(i) => MARKERS[i % MARKERS.len()],
            _ => Marker::Circle,
        }
    }

    /// Attributes of a filled area: fill, edge, dashes.
    pub(super) fn area_attrs(self, id: &str) -> String {
        let (stroke, dash) = self.edge();
        let dash = if dash.is_empty() {
            String::new()
        } else {
            format!(" stroke-dasharray=\"{dash}\"")
        };
        format!(
            "fill=\"{}\" stroke=\"{stroke}\" stroke-width=\"1.5\"{dash}",
            self.fill(id)
        )
    }
}

/// The patterns the level styles use, with ids of this chart.
pub(super) fn level_defs(id: &str) -> String {
    format!(
        "<defs>\
         <pattern id=\"{id}-yellow\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\">\
         <rect width=\"6\" height=\"6\" fill=\"{YELLOW}\"/>\
         <circle cx=\"3\" cy=\"3\" r=\"1.2\" fill=\"{YELLOW_EDGE}\"/></pattern>\
         <pattern id=\"{id}-red\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" \
         patternTransform=\"rotate(45)\">\
         <rect width=\"6\" height=\"6\" fill=\"{RED}\"/>\
         <rect width=\"2\" height=\"6\" fill=\"{RED_EDGE}\"/></pattern>\
         </defs>"
    )
}

/// A letter drawn on a mark, readable on any fill (a dark halo behind
/// white); the unrated dash is drawn dark on its light grey.
pub(super) fn letter(x: f64, y: f64, letter: &str, size: f64) -> String {
    let paint = if letter == "–" {
        "fill=\"#1c2430\""
    } else {
        "fill=\"#fff\" stroke=\"#1c2430\" stroke-width=\"3\" paint-order=\"stroke\""
    };
    format!(
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" dominant-baseline=\"central\" \
         font-size=\"{}\" font-weight=\"700\" {paint} aria-hidden=\"true\">{}</text>",
        n(x),
        n(y),
        n(size),
        escape(letter)
    )
}

/// A marker shape centred on (x, y), with a title; `r` is its half size.
pub(super) fn marker(
    shape: Marker,
    x: f64,
    y: f64,
    r: f64,
    fill: &str,
    stroke: &str,
    title: &str,
) -> String {
    let title = format!("<title>{}</title>", escape(title));
    let paint = format!("fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"1.5\"");
    let path = |d: String| format!("<path class=\"mark\" d=\"{d}\" {paint}>{title}</path>");
    match shape {
        Marker::Circle => format!(
            "<circle class=\"mark\" cx=\"{}\" cy=\"{}\" r=\"{}\" {paint}>{title}</circle>",
            n(x),
            n(y),
            n(r)
        ),
        Marker::Square => format!(
            "<rect class=\"mark\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" {paint}>{title}</rect>",
            n(x - r * 0.85),
            n(y - r * 0.85),
            n(r * 1.7),
            n(r * 1.7)
        ),
        Marker::Triangle => path(format!(
            "M{} {}L{} {}L{} {}Z",
            n(x),
            n(y - r * 1.1),
            n(x + r),
            n(y + r * 0.8),
            n(x - r),
            n(y + r * 0.8)
        )),
        Marker::Diamond => path(format!(
            "M{} {}L{} {}L{} {}L{} {}Z",
            n(x),
            n(y - r * 1.2),
            n(x + r),
            n(y),
            n(x),
            n(y + r * 1.2),
            n(x - r),
            n(y)
        )),
        Marker::Cross => {
            let a = r * 0.35;
            path(format!(
                "M{} {}L{} {}L{} {}L{} {}L{} {}L{} {}L{} {}L{} {}L{} {}L{} {}L{} {}L{} {}Z",
                n(x - a),
                n(y - r),
                n(x + a),
                n(y - r),
                n(x + a),
                n(y - a),
                n(x + r),
                n(y - a),
                n(x + r),
                n(y + a),
                n(x + a),
                n(y + a),
                n(x + a),
                n(y + r),
                n(x - a),
                n(y + r),
                n(x - a),
                n(y + a),
                n(x - r),
                n(y + a),
                n(x - r),
                n(y - a),
                n(x - a),
                n(y - a)
            ))
        }
        Marker::Star => {
            // A five-pointed star.
            let mut d = String::new();
            for k in 0..10 {
                let radius = if k % 2 == 0 { r * 1.2 } else { r * 0.5 };
                let angle = std::f64::consts::PI * (f64::from(k) / 5.0 - 0.5);
                let (px, py) = (x + radius * angle.cos(), y + radius * angle.sin());
                d.push_str(&format!(
                    "{}{} {}",
                    if k == 0 { 'M' } else { 'L' },
                    n(px),
                    n(py)
                ));
            }
            d.push('Z');
            path(d)
        }
    }
}

/// One entry of a legend.
pub(super) struct LegendItem<'a> {
    pub label: &'a str,
    pub style: Style,
}

const LEGEND_ROW: f64 = 20.0;

/// How the legend's items wrap into rows within `width`: (x of each item,
/// row of each item), and the number of rows.
fn legend_layout(items: &[LegendItem<'_>], width: f64) -> (Vec<(f64, usize)>, usize) {
    let mut at = Vec::with_capacity(items.len());
    let (mut x, mut row) = (0.0, 0);
    for item in items {
        let w = 30.0 + text_width(item.label, FONT) + 14.0;
        if x > 0.0 && x + w > width {
            x = 0.0;
            row += 1;
        }
        at.push((x, row));
        x += w;
    }
    let rows = if items.is_empty() { 0 } else { row + 1 };
    (at, rows)
}

/// The height a legend needs.
pub(super) fn legend_height(items: &[LegendItem<'_>], width: f64) -> f64 {
    let (_, rows) = legend_layout(items, width);
    rows as f64 * LEGEND_ROW
}

/// The legend from (x, y): a swatch (with the level's letter and pattern, or
/// the series' dash and marker) and the label of each item.
pub(super) fn legend(id: &str, items: &[LegendItem<'_>], x0: f64, y0: f64, width: f64) -> String {
    let (at, _) = legend_layout(items, width);
    let mut out = String::from("<g class=\"chart-legend\">");
    for (item, (dx, row)) in items.iter().zip(at) {
        let x = x0 + dx;
        let y = y0 + row as f64 * LEGEND_ROW;
        match item.style {
            Style::Series(_) => {
                let (colour, dash) = item.style.line();
                let dash = if dash.is_empty() {
                    String::new()
                } else {
                    format!(" stroke-dasharray=\"{dash}\"")
                };
                out.push_str(&format!(
                    "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{colour}\" stroke-width=\"2.5\"{dash}/>",
                    n(x),
                    n(y + 7.0),
                    n(x + 24.0),
                    n(y + 7.0)
                ));
                out.push_str(&marker_plain(
                    item.style.marker(),
                    x + 12.0,
                    y + 7.0,
                    4.0,
                    colour,
                ));
            }
            style => {
                out.push_str(&format!(
                    "<rect x=\"{}\" y=\"{}\" width=\"24\" height=\"15\" {}/>",
                    n(x),
                    n(y),
                    style.area_attrs(id)
                ));
                if let Some(l) = style.letter() {
                    out.push_str(&letter(x + 12.0, y + 7.5, l, SMALL));
                }
            }
        }
        out.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" dominant-baseline=\"central\">{}</text>",
            n(x + 30.0),
            n(y + 7.5),
            escape(item.label)
        ));
    }
    out.push_str("</g>");
    out
}

/// A marker without a title or mark class (for legends).
fn marker_plain(shape: Marker, x: f64, y: f64, r: f64, colour: &str) -> String {
    marker(shape, x, y, r, colour, "#fff", "")
        .replacen(" class=\"mark\"", " aria-hidden=\"true\"", 1)
        .replace("<title></title>", "")
}

/// Horizontal grid lines with their values, for a vertical value axis.
pub(super) fn y_grid(
    top: i64,
    step: i64,
    left: f64,
    right: f64,
    y_of: impl Fn(i64) -> f64,
) -> String {
    let mut out = String::from("<g class=\"chart-grid\" aria-hidden=\"true\">");
    let mut v = 0;
    while v <= top {
        let y = y_of(v);
        out.push_str(&format!(
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"1\"/>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"end\" dominant-baseline=\"central\" fill=\"#556070\" font-size=\"{SMALL}\">{v}</text>",
            n(left),
            n(y),
            n(right),
            n(y),
            if v == 0 { "#7a8596" } else { "#e3e7ed" },
            n(left - 6.0),
            n(y),
        ));
        v += step;
    }
    out.push_str("</g>");
    out
}

/// Category labels under the plot, centred on each slot; rotated when they
/// do not fit side by side. Returns the markup and the height taken.
pub(super) fn x_labels(labels: &[String], left: f64, slot: f64, y: f64) -> (String, f64) {
    let widest = labels
        .iter()
        .map(|l| text_width(l, SMALL))
        .fold(0.0, f64::max);
    let rotate = widest > slot - 4.0;
    let mut out = String::from("<g class=\"chart-x-labels\" aria-hidden=\"true\">");
    for (i, label) in labels.iter().enumerate() {
        let x = left + slot * (i as f64 + 0.5);
        if rotate {
            out.push_str(&format!(
                "<text x=\"{x}\" y=\"{y}\" text-anchor=\"end\" font-size=\"{SMALL}\" \
                 transform=\"rotate(-40 {x} {y})\" fill=\"#556070\">{}</text>",
                escape(label),
                x = n(x + 4.0),
                y = n(y + 10.0),
            ));
        } else {
            out.push_str(&format!(
                "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"{SMALL}\" fill=\"#556070\">{}</text>",
                n(x),
                n(y + 12.0),
                escape(label)
            ));
        }
    }
    out.push_str("</g>");
    // sin 40° ≈ 0.64
    let height = if rotate { widest * 0.65 + 14.0 } else { 18.0 };
    (out, height)
}

/// An axis label, in small muted type.
pub(super) fn axis_label(x: f64, y: f64, anchor: &str, label: &str) -> String {
    format!(
        "<text class=\"chart-axis-label\" x=\"{}\" y=\"{}\" text-anchor=\"{anchor}\" font-size=\"{SMALL}\" fill=\"#556070\">{}</text>",
        n(x),
        n(y),
        escape(label)
    )
}
