//! Stacked bars (categories × series) and simple horizontal bars.

use super::draw::{
    self, FONT, LegendItem, SMALL, WIDTH, axis_label, clean_id, legend, legend_height, n, open,
    scale, text_width, x_labels, y_grid,
};
use super::{Bar, Grid, Style, Text, escape};

const PLOT_HEIGHT: f64 = 180.0;
/// A letter goes on a segment at least this large both ways.
const LETTER_ROOM: f64 = 14.0;

/// Stacked bars: one bar per category, one segment per series (the first
/// series at the bottom), the total above each bar. Each non-empty segment
/// is a mark with a `<title>` "category · series: value"; level segments
/// large enough carry the level's letter.
pub fn stacked_bars(data: &Grid, text: &Text<'_>) -> String {
    if data.is_empty() {
        return draw::empty(text);
    }
    let id = clean_id(text.id);
    let cats = data.categories.len();
    let max = (0..cats).map(|i| data.total(i)).max().unwrap_or(0);
    let (top, step) = scale(max);

    let left = (text_width(&top.to_string(), SMALL) + 12.0).max(30.0);
    let right = WIDTH - 8.0;
    let plot_top = 34.0;
    let bottom = plot_top + PLOT_HEIGHT;
    let slot = (right - left) / cats as f64;
    let bar_w = (slot * 0.62).min(46.0);
    let y_of = |v: i64| bottom - PLOT_HEIGHT * v as f64 / top as f64;

    let (labels, labels_h) = x_labels(&data.categories, left, slot, bottom);
    let x_label_y = bottom + labels_h + 14.0;
    let items: Vec<LegendItem<'_>> = data
        .series
        .iter()
        .map(|s| LegendItem {
            label: &s.label,
            style: s.style,
        })
        .collect();
    let legend_y = x_label_y + 10.0;
    let height = legend_y + legend_height(&items, WIDTH - 16.0) + 6.0;

    let mut out = open(text, height);
    out.push_str(&draw::level_defs(&id));
    out.push_str(&axis_label(8.0, 14.0, "start", text.y_axis));
    out.push_str(&y_grid(top, step, left, right, y_of));
    out.push_str("<g class=\"chart-marks\">");
    for (i, category) in data.categories.iter().enumerate() {
        let x = left + slot * (i as f64 + 0.5) - bar_w / 2.0;
        let mut base = 0;
        for series in &data.series {
            let v = series.value(i);
            if v == 0 {
                continue;
            }
            let (y0, y1) = (y_of(base + v), y_of(base));
            let h = y1 - y0;
            out.push_str(&format!(
                "<rect class=\"mark\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" {}>\
                 <title>{} · {}: {v}</title></rect>",
                n(x),
                n(y0),
                n(bar_w),
                n(h),
                series.style.area_attrs(&id),
                escape(category),
                escape(&series.label),
            ));
            if let Some(l) = series.style.letter()
                && h >= LETTER_ROOM
                && bar_w >= LETTER_ROOM
            {
                out.push_str(&draw::letter(x + bar_w / 2.0, y0 + h / 2.0, l, SMALL));
            }
            base += v;
        }
        if base > 0 {
            out.push_str(&format!(
                "<text class=\"chart-total\" x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"{SMALL}\" font-weight=\"600\" aria-hidden=\"true\">{base}</text>",
                n(x + bar_w / 2.0),
                n(y_of(base) - 4.0)
            ));
        }
    }
    out.push_str("</g>");
    out.push_str(&labels);
    out.push_str(&axis_label(
        left + (right - left) / 2.0,
        x_label_y,
        "middle",
        text.x_axis,
    ));
    out.push_str(&legend(&id, &items, 8.0, legend_y, WIDTH - 16.0));
    out.push_str("</svg>");
    out
}

const ROW: f64 = 26.0;
const BAR_H: f64 = 16.0;
/// The swatch with a level's letter before a level bar.
const SWATCH: f64 = 18.0;

/// Horizontal bars: one row per bar, its label on the left and its value at
/// its end. Every bar is a mark with a `<title>` "label: value" (a bar of
/// zero keeps its title and value, with no width); level bars start with a
/// swatch carrying the level's letter.
pub fn horizontal_bars(bars: &[Bar], text: &Text<'_>) -> String {
    if bars.is_empty() {
        return draw::empty(text);
    }
    let id = clean_id(text.id);
    let max = bars.iter().map(|b| b.value.max(0)).max().unwrap_or(0);
    let (top, _) = scale(max);
    let widest = bars
        .iter()
        .map(|b| text_width(&b.label, FONT))
        .fold(0.0, f64::max);
    // Labels take at most 40% of the width; longer ones are cut with "…".
    let label_w = widest.min(WIDTH * 0.4) + 8.0;
    let any_swatch = bars.iter().any(|b| b.style.letter().is_some());
    let bar_x = 8.0 + label_w + if any_swatch { SWATCH + 4.0 } else { 0.0 };
    let value_room = text_width(&max.to_string(), FONT) + 10.0;
    let bar_room = (WIDTH - 8.0 - value_room - bar_x).max(10.0);
    let plot_top = 26.0;

    let height = plot_top + ROW * bars.len() as f64 + 8.0;
    let mut out = open(text, height);
    out.push_str(&draw::level_defs(&id));
    out.push_str(&axis_label(8.0, 14.0, "start", text.x_axis));
    out.push_str(&axis_label(WIDTH - 8.0, 14.0, "end", text.y_axis));
    out.push_str("<g class=\"chart-marks\">");
    for (i, bar) in bars.iter().enumerate() {
        let v = bar.value.max(0);
        let y = plot_top + ROW * i as f64;
        let mid = y + ROW / 2.0;
        out.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" dominant-baseline=\"central\">{}</text>",
            n(8.0 + label_w - 6.0),
            n(mid),
            escape(&cut(&bar.label, label_w - 8.0))
        ));
        if let Some(l) = bar.style.letter() {
            let sx = bar_x - SWATCH - 4.0;
            out.push_str(&format!(
                "<rect x=\"{}\" y=\"{}\" width=\"{SWATCH}\" height=\"{SWATCH}\" rx=\"3\" {}/>",
                n(sx),
                n(mid - SWATCH / 2.0),
                bar.style.area_attrs(&id)
            ));
            out.push_str(&draw::letter(sx + SWATCH / 2.0, mid, l, SMALL));
        }
        let w = bar_room * v as f64 / top as f64;
        out.push_str(&format!(
            "<rect class=\"mark\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{BAR_H}\" {}>\
             <title>{}: {v}</title></rect>",
            n(bar_x),
            n(mid - BAR_H / 2.0),
            n(w),
            match bar.style {
                // A plain bar: one colour for every row.
                Style::Series(_) => format!("fill=\"{}\"", bar.style.fill(&id)),
                level => level.area_attrs(&id),
            },
            escape(&bar.label),
        ));
        out.push_str(&format!(
            "<text class=\"chart-value\" x=\"{}\" y=\"{}\" dominant-baseline=\"central\" font-weight=\"600\" aria-hidden=\"true\">{v}</text>",
            n(bar_x + w + 5.0),
            n(mid)
        ));
    }
    out.push_str("</g>");
    // The baseline.
    out.push_str(&format!(
        "<line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"#7a8596\" aria-hidden=\"true\"/>",
        n(plot_top),
        n(plot_top + ROW * bars.len() as f64),
        x = n(bar_x),
    ));
    out.push_str("</svg>");
    out
}

/// `s` cut to about `width` units, with "…" when cut.
fn cut(s: &str, width: f64) -> String {
    if text_width(s, FONT) <= width {
        return s.to_owned();
    }
    let mut out = String::new();
    for c in s.chars() {
        out.push(c);
        if text_width(&out, FONT) + FONT > width {
            break;
        }
    }
    out.push('…');
    out
}
