#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::draw::{n, scale};
use super::*;
use crate::level::Level;

fn text(id: &'static str) -> Text<'static> {
    Text {
        id,
        title: "Levels",
        desc: "Enterprises per level",
        x_axis: "Quarter",
        y_axis: "Enterprises",
        empty: "Nothing yet",
    }
}

fn marks(svg: &str) -> usize {
    svg.matches("class=\"mark\"").count()
}

/// The texts of the `<title>` elements inside marks, in order.
fn mark_titles(svg: &str) -> Vec<String> {
    svg.split("class=\"mark\"")
        .skip(1)
        .map(|rest| {
            let start = rest.find("<title>").expect("a title in each mark") + 7;
            let end = rest[start..].find("</title>").expect("closed") + start;
            rest[start..end].to_owned()
        })
        .collect()
}

fn levels_grid() -> Grid {
    Grid {
        categories: vec!["2026-Q1".into(), "2026-Q2".into()],
        series: vec![
            Series {
                label: "Green".into(),
                style: Style::Level(Level::Green),
                values: vec![10, 0],
            },
            Series {
                label: "Yellow".into(),
                style: Style::Level(Level::Yellow),
                values: vec![3, 4],
            },
            Series {
                label: "Red".into(),
                style: Style::Level(Level::Red),
                values: vec![1, 2],
            },
        ],
    }
}

fn assert_well_formed(svg: &str) {
    assert!(svg.starts_with("<svg "), "{svg}");
    assert!(svg.ends_with("</svg>"));
    assert!(svg.contains("viewBox=\"0 0 "));
    assert!(svg.contains("width=\"100%\""));
    assert!(svg.contains("role=\"img\""));
    assert!(svg.contains("<title id="));
    assert!(svg.contains("<desc id="));
    assert!(!svg.contains("<script"));
    assert!(!svg.contains("NaN") && !svg.contains("inf"), "{svg}");
    // Tags balance for the elements that have content.
    for tag in ["svg", "title", "desc", "g", "text", "pattern", "defs"] {
        let opened =
            svg.matches(&format!("<{tag} ")).count() + svg.matches(&format!("<{tag}>")).count();
        let closed = svg.matches(&format!("</{tag}>")).count();
        assert_eq!(opened, closed, "<{tag}> balanced in {svg}");
    }
}

#[test]
fn escape_covers_markup_and_quotes() {
    assert_eq!(
        escape("<script>alert(\"x\" & 'y')</script>"),
        "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;"
    );
    assert_eq!(escape("临江 · Q1"), "临江 · Q1");
}

#[test]
fn every_text_is_escaped() {
    let evil = "<script>alert('x')</script>\"";
    let t = Text {
        id: "x\"><script>",
        title: evil,
        desc: evil,
        x_axis: evil,
        y_axis: evil,
        empty: evil,
    };
    let grid = Grid {
        categories: vec![evil.into()],
        series: vec![Series {
            label: evil.into(),
            style: Style::Series(0),
            values: vec![3],
        }],
    };
    let bars = [Bar {
        label: evil.into(),
        value: 2,
        style: Style::Series(0),
    }];
    let steps = [Step {
        label: evil.into(),
        level: Some(Level::Red),
    }];
    let names = LevelNames {
        green: evil,
        yellow: evil,
        red: evil,
        unrated: evil,
    };
    for svg in [
        stacked_bars(&grid, &t),
        lines(&grid, Some(0), &t),
        horizontal_bars(&bars, &t),
        level_timeline(&steps, &names, &t),
        stacked_bars(&Grid::default(), &t),
    ] {
        assert!(!svg.contains("<script"), "{svg}");
        assert!(!svg.contains("'x'"), "{svg}");
        assert!(svg.contains("&lt;script&gt;"), "{svg}");
    }
    let chart = Chart::lines(&grid, None, &t, words(crate::i18n::Lang::En));
    assert_eq!(chart.id, "x---script-");
}

#[test]
fn empty_data_gives_a_message() {
    let t = text("empty");
    for svg in [
        stacked_bars(&Grid::default(), &t),
        lines(
            &Grid {
                categories: vec!["a".into()],
                series: vec![],
            },
            None,
            &t,
        ),
        horizontal_bars(&[], &t),
        level_timeline(
            &[],
            &LevelNames::from_messages(crate::i18n::Lang::En.t()),
            &t,
        ),
    ] {
        assert_eq!(
            svg,
            "<p class=\"chart-empty\" id=\"empty-empty\">Nothing yet</p>"
        );
    }
    let chart = Chart::stacked_bars(&Grid::default(), &t, words(crate::i18n::Lang::Zh));
    assert!(chart.table.is_none());
    assert_eq!(chart.summary, "数据表");
}

#[test]
fn zero_maxima_draw_without_dividing_by_zero() {
    assert_eq!(scale(0), (1, 1));
    let grid = Grid {
        categories: vec!["a".into(), "b".into()],
        series: vec![Series {
            label: "s".into(),
            style: Style::Series(0),
            values: vec![0, 0],
        }],
    };
    let t = text("zero");
    let svg = stacked_bars(&grid, &t);
    assert_well_formed(&svg);
    assert_eq!(marks(&svg), 0, "no segment for zero values");
    let svg = lines(&grid, None, &t);
    assert_well_formed(&svg);
    assert_eq!(marks(&svg), 2, "a point per category, on the baseline");
    let bars = [
        Bar {
            label: "王警官".into(),
            value: 0,
            style: Style::Series(0),
        },
        Bar {
            label: "李警官".into(),
            value: 0,
            style: Style::Series(0),
        },
    ];
    let svg = horizontal_bars(&bars, &t);
    assert_well_formed(&svg);
    assert_eq!(mark_titles(&svg), ["王警官: 0", "李警官: 0"]);
}

#[test]
fn scales_are_round_and_cover_the_maximum() {
    assert_eq!(scale(1), (1, 1));
    assert_eq!(scale(4), (4, 1));
    assert_eq!(scale(7), (8, 2));
    assert_eq!(scale(10), (10, 2));
    assert_eq!(scale(23), (25, 5));
    assert_eq!(scale(140), (150, 50));
    for max in 1..2000 {
        let (top, step) = scale(max);
        assert!(
            top >= max && top % step == 0 && top / step <= 5,
            "{max}: {top}/{step}"
        );
    }
    assert_eq!(n(1.25), "1.3");
    assert_eq!(n(-0.01), "0");
    assert_eq!(n(f64::NAN), "0");
}

#[test]
fn stacked_bars_mark_each_nonzero_segment_with_its_value() {
    let svg = stacked_bars(&levels_grid(), &text("levels"));
    assert_well_formed(&svg);
    assert_eq!(
        mark_titles(&svg),
        [
            "2026-Q1 · Green: 10",
            "2026-Q1 · Yellow: 3",
            "2026-Q1 · Red: 1",
            "2026-Q2 · Yellow: 4",
            "2026-Q2 · Red: 2",
        ]
    );
    // Patterns with this chart's ids, and the letters in the legend.
    assert!(svg.contains("id=\"levels-red\"") && svg.contains("url(#levels-red)"));
    assert!(svg.contains("id=\"levels-yellow\"") && svg.contains("url(#levels-yellow)"));
    for letter in [">G</text>", ">Y</text>", ">R</text>"] {
        assert!(svg.contains(letter), "{letter}");
    }
    // Totals above the bars.
    assert!(svg.contains(">14</text>") && svg.contains(">6</text>"));
}

#[test]
fn stacked_bars_table_has_totals() {
    let chart = Chart::stacked_bars(
        &levels_grid(),
        &text("levels"),
        words(crate::i18n::Lang::En),
    );
    let table = chart.table.expect("a table");
    assert_eq!(table.head, ["Quarter", "Green", "Yellow", "Red", "Total"]);
    assert_eq!(table.rows[0], ["2026-Q1", "10", "3", "1", "14"]);
    assert_eq!(table.rows[1], ["2026-Q2", "0", "4", "2", "6"]);
    assert_eq!(chart.summary, "Data table");
}

#[test]
fn lines_mark_every_point_and_differ_by_dash_and_marker() {
    let grid = Grid {
        categories: (1..=13).map(|m| format!("m{m}")).collect(),
        series: (0..5)
            .map(|k| Series {
                label: format!("kind {k}"),
                style: Style::Series(k),
                values: (0..13).map(|m| (m * (k as i64 + 1)) % 7).collect(),
            })
            .collect(),
    };
    let svg = lines(&grid, Some(12), &text("activity"));
    assert_well_formed(&svg);
    assert_eq!(marks(&svg), 13 * 5);
    let titles = mark_titles(&svg);
    assert_eq!(titles[0], "m1 · kind 0: 0");
    assert_eq!(titles[13 + 3], "m4 · kind 1: 6");
    assert!(svg.contains("chart-highlight"));
    // Five lines: five distinct dash patterns (one solid) and marker shapes.
    assert_eq!(svg.matches("<polyline").count(), 5);
    for dash in ["8 4", "2 3", "10 3 2 3", "5 2"] {
        assert!(
            svg.contains(&format!("stroke-dasharray=\"{dash}\"")),
            "{dash}"
        );
    }
    assert!(svg.contains("<circle class=\"mark\""));
    assert!(svg.contains("<rect class=\"mark\""));
    assert!(svg.contains("<path class=\"mark\""));
    // Long labels are rotated to fit.
    let long = Grid {
        categories: (1..=13).map(|m| format!("2026-{m:02}")).collect(),
        ..grid
    };
    assert!(lines(&long, None, &text("a")).contains("rotate(-40"));
}

#[test]
fn horizontal_bars_mark_each_bar() {
    let bars = [
        Bar {
            label: "Green".into(),
            value: 12,
            style: Style::Level(Level::Green),
        },
        Bar {
            label: "Red".into(),
            value: 3,
            style: Style::Level(Level::Red),
        },
        Bar {
            label: "Unrated".into(),
            value: 0,
            style: Style::Unrated,
        },
    ];
    let svg = horizontal_bars(&bars, &text("now"));
    assert_well_formed(&svg);
    assert_eq!(mark_titles(&svg), ["Green: 12", "Red: 3", "Unrated: 0"]);
    assert!(svg.contains(">G</text>") && svg.contains(">R</text>") && svg.contains(">–</text>"));
    assert!(
        svg.contains("stroke-dasharray=\"3 2\""),
        "unrated has a dashed edge"
    );
    // A very long label is cut, the title keeps it whole.
    let long = [Bar {
        label: "一个名字非常非常非常非常非常非常非常长的民警".into(),
        value: 1,
        style: Style::Series(0),
    }];
    let svg = horizontal_bars(&long, &text("long"));
    assert!(svg.contains('…'));
    assert_eq!(
        mark_titles(&svg),
        ["一个名字非常非常非常非常非常非常非常长的民警: 1"]
    );
}

#[test]
fn level_timeline_marks_each_quarter() {
    let steps = [
        Step {
            label: "2025-Q4".into(),
            level: None,
        },
        Step {
            label: "2026-Q1".into(),
            level: Some(Level::Red),
        },
        Step {
            label: "2026-Q2".into(),
            level: Some(Level::Yellow),
        },
        Step {
            label: "2026-Q3".into(),
            level: Some(Level::Green),
        },
    ];
    let names = LevelNames::from_messages(crate::i18n::Lang::En.t());
    let svg = level_timeline(&steps, &names, &text("timeline"));
    assert_well_formed(&svg);
    assert_eq!(
        mark_titles(&svg),
        [
            "2025-Q4: Not yet evaluated",
            "2026-Q1: Red (R)",
            "2026-Q2: Yellow (Y)",
            "2026-Q3: Green (G)",
        ]
    );
    // One step line with two steps (the unrated quarter breaks it).
    assert_eq!(svg.matches("<path d=\"M").count(), 1);
    let chart = Chart::level_timeline(
        &steps,
        &names,
        &text("timeline"),
        words(crate::i18n::Lang::En),
    );
    let table = chart.table.expect("a table");
    assert_eq!(table.rows[1], ["2026-Q1", "Red (R)"]);
}
