//! The station dashboard's charts, drawn by [`crate::charts`] from the
//! counts of [`super::queries`].

use crate::charts::{Bar, Chart, ChartWords, Grid, LevelNames, Series, Style, Text};
use crate::level::Level;
use crate::scoring::Quarter;

use super::queries::{LevelCount, MonthActivity, OfficerVisits, QuarterLevelCount};
use super::text::DashboardText;

/// How many quarters the levels chart covers.
pub(super) const QUARTERS: usize = 8;

const LEVEL_ROWS: [Option<Level>; 4] = [
    Some(Level::Green),
    Some(Level::Yellow),
    Some(Level::Red),
    None,
];

pub(super) fn levels_now_chart(
    rows: &[LevelCount],
    dx: &DashboardText,
    words: &ChartWords,
    names: &LevelNames<'_>,
) -> Chart {
    let count = |l: Option<Level>| {
        rows.iter()
            .filter(|r| r.level == l)
            .map(|r| r.n)
            .sum::<i64>()
    };
    let counts = LEVEL_ROWS.map(count);
    let bars: Vec<Bar> = if counts.iter().all(|&n| n == 0) {
        Vec::new()
    } else {
        LEVEL_ROWS
            .iter()
            .zip(counts)
            .map(|(&l, n)| Bar {
                label: names.name(l).to_owned(),
                value: n,
                style: Style::of_level(l),
            })
            .collect()
    };
    let desc = (dx.levels_now_desc)(&counts);
    Chart::horizontal_bars(
        &bars,
        &Text {
            id: "levels-now",
            title: dx.levels_now,
            desc: &desc,
            x_axis: words.level,
            y_axis: words.enterprises,
            empty: dx.no_enterprises,
        },
        words,
    )
}

pub(super) fn levels_by_quarter_chart(
    rows: &[QuarterLevelCount],
    current: Quarter,
    dx: &DashboardText,
    words: &ChartWords,
    names: &LevelNames<'_>,
) -> Chart {
    // The window ends at the last complete quarter, or at a later one
    // already published.
    let latest = rows.iter().filter_map(|r| Quarter::parse(&r.quarter)).max();
    let end = latest.map_or(current.previous(), |q| q.max(current.previous()));
    let mut quarters = vec![end];
    while quarters.len() < QUARTERS {
        let before = quarters[quarters.len() - 1].previous();
        quarters.push(before);
    }
    quarters.reverse();
    let labels: Vec<String> = quarters.iter().map(ToString::to_string).collect();
    let data = if rows.is_empty() {
        Grid::default()
    } else {
        Grid {
            series: LEVEL_ROWS
                .iter()
                .map(|&l| Series {
                    label: names.name(l).to_owned(),
                    style: Style::of_level(l),
                    values: labels
                        .iter()
                        .map(|q| {
                            rows.iter()
                                .filter(|r| &r.quarter == q && r.level == l)
                                .map(|r| r.n)
                                .sum()
                        })
                        .collect(),
                })
                .collect(),
            categories: labels.clone(),
        }
    };
    let first = labels.first().cloned().unwrap_or_default();
    let last = labels.last().cloned().unwrap_or_default();
    let desc = (dx.levels_by_quarter_desc)(&first, &last);
    Chart::stacked_bars(
        &data,
        &Text {
            id: "levels-by-quarter",
            title: dx.levels_by_quarter,
            desc: &desc,
            x_axis: words.quarter,
            y_axis: words.enterprises,
            empty: dx.no_published,
        },
        words,
    )
}

pub(super) fn activity_chart(
    rows: &[MonthActivity],
    this_month: &str,
    dx: &DashboardText,
    words: &ChartWords,
) -> Chart {
    type Count = fn(&MonthActivity) -> i64;
    let kinds: [(&str, Count); 5] = [
        (dx.series_visits, |m| m.visits),
        (dx.series_hazards, |m| m.hazards),
        (dx.series_disputes, |m| m.disputes),
        (dx.series_incidents, |m| m.incidents),
        (dx.series_demands, |m| m.demands),
    ];
    let data = Grid {
        categories: rows
            .iter()
            .map(|m| m.month.format("%Y-%m").to_string())
            .collect(),
        series: kinds
            .iter()
            .enumerate()
            .map(|(i, (label, value))| Series {
                label: (*label).to_owned(),
                style: Style::Series(i),
                values: rows.iter().map(value).collect(),
            })
            .collect(),
    };
    let highlight = data.categories.iter().position(|c| c == this_month);
    let desc = (dx.activity_desc)(this_month);
    Chart::lines(
        &data,
        highlight,
        &Text {
            id: "activity",
            title: dx.activity,
            desc: &desc,
            x_axis: words.month,
            y_axis: dx.records,
            empty: dx.no_activity,
        },
        words,
    )
}

pub(super) fn visits_chart(
    rows: &[OfficerVisits],
    this_month: &str,
    dx: &DashboardText,
    words: &ChartWords,
) -> Chart {
    let bars: Vec<Bar> = rows
        .iter()
        .map(|r| Bar {
            label: r.name.clone(),
            value: r.n,
            style: Style::Series(0),
        })
        .collect();
    let total: i64 = rows.iter().map(|r| r.n).sum();
    let desc = (dx.visits_by_officer_desc)(this_month, total);
    Chart::horizontal_bars(
        &bars,
        &Text {
            id: "visits-by-officer",
            title: dx.visits_by_officer,
            desc: &desc,
            x_axis: dx.officer,
            y_axis: dx.visits,
            empty: dx.no_officers,
        },
        words,
    )
}
