//! Multi-series line charts (e.g. thirteen months × kinds of activity).

use super::draw::{
    self, LegendItem, SMALL, WIDTH, axis_label, clean_id, legend, legend_height, n, open, scale,
    text_width, x_labels, y_grid,
};
use super::{Grid, Text};

const PLOT_HEIGHT: f64 = 180.0;
const MARKER: f64 = 4.0;

/// One line per series over the categories. Lines differ by colour, dash
/// pattern and marker shape; every point is a mark with a `<title>`
/// "category · series: value". `highlight` shades one category (e.g. this
/// month) behind the lines.
pub fn lines(data: &Grid, highlight: Option<usize>, text: &Text<'_>) -> String {
    if data.is_empty() {
        return draw::empty(text);
    }
    let id = clean_id(text.id);
    let cats = data.categories.len();
    let max = data
        .series
        .iter()
        .flat_map(|s| (0..cats).map(|i| s.value(i)))
        .max()
        .unwrap_or(0);
    let (top, step) = scale(max);

    let left = (text_width(&top.to_string(), SMALL) + 12.0).max(30.0);
    let right = WIDTH - 8.0;
    let plot_top = 28.0;
    let bottom = plot_top + PLOT_HEIGHT;
    let slot = (right - left) / cats as f64;
    let y_of = |v: i64| bottom - PLOT_HEIGHT * v as f64 / top as f64;
    let x_of = |i: usize| left + slot * (i as f64 + 0.5);

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
    if let Some(h) = highlight.filter(|&h| h < cats) {
        out.push_str(&format!(
            "<rect class=\"chart-highlight\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#e8eef7\" aria-hidden=\"true\"/>",
            n(left + slot * h as f64),
            n(plot_top - 6.0),
            n(slot),
            n(PLOT_HEIGHT + 6.0)
        ));
    }
    out.push_str(&axis_label(8.0, 14.0, "start", text.y_axis));
    out.push_str(&y_grid(top, step, left, right, y_of));
    out.push_str("<g class=\"chart-marks\">");
    for series in &data.series {
        let (colour, dash) = series.style.line();
        let points: Vec<String> = (0..cats)
            .map(|i| format!("{},{}", n(x_of(i)), n(y_of(series.value(i)))))
            .collect();
        let dash = if dash.is_empty() {
            String::new()
        } else {
            format!(" stroke-dasharray=\"{dash}\"")
        };
        out.push_str(&format!(
            "<polyline points=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2.5\" \
             stroke-linejoin=\"round\"{dash} aria-hidden=\"true\"/>",
            points.join(" ")
        ));
        for (i, category) in data.categories.iter().enumerate() {
            let v = series.value(i);
            out.push_str(&draw::marker(
                series.style.marker(),
                x_of(i),
                y_of(v),
                MARKER,
                colour,
                "#fff",
                &format!("{category} · {}: {v}", series.label),
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
