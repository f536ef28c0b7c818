//! The station dashboard's words.

use crate::i18n::Lang;

/// The station dashboard's words.
#[derive(Debug)]
pub struct DashboardText {
    pub levels_now: &'static str,
    /// Counts green, yellow, red, not yet evaluated.
    pub levels_now_desc: fn(&[i64; 4]) -> String,
    pub no_enterprises: &'static str,
    pub levels_by_quarter: &'static str,
    pub levels_by_quarter_desc: fn(&str, &str) -> String,
    pub no_published: &'static str,
    pub activity: &'static str,
    pub activity_desc: fn(&str) -> String,
    pub activity_note: fn(&str) -> String,
    pub no_activity: &'static str,
    pub records: &'static str,
    pub series_visits: &'static str,
    pub series_hazards: &'static str,
    pub series_disputes: &'static str,
    pub series_incidents: &'static str,
    pub series_demands: &'static str,
    pub visits_by_officer: &'static str,
    pub visits_by_officer_desc: fn(&str, i64) -> String,
    pub officer: &'static str,
    pub visits: &'static str,
    pub no_officers: &'static str,
    pub overdue_hazards: &'static str,
    pub disputes_awaiting: &'static str,
    pub visits_this_month: &'static str,
    pub overdue_demands_count: &'static str,
}

pub fn dashboard_text(lang: Lang) -> &'static DashboardText {
    match lang {
        Lang::Zh => &DASHBOARD_ZH,
        Lang::En => &DASHBOARD_EN,
    }
}

static DASHBOARD_ZH: DashboardText = DashboardText {
    levels_now: "当前各等级企业数",
    levels_now_desc: |c| {
        format!(
            "在营企业按当前等级：绿色 {} 家，黄色 {} 家，红色 {} 家，未评定 {} 家。",
            c[0], c[1], c[2], c[3]
        )
    },
    no_enterprises: "尚无在营企业。",
    levels_by_quarter: "近八个季度等级分布",
    levels_by_quarter_desc: |first, last| {
        format!(
            "{first} 至 {last} 各季度已发布评定的最终等级企业数（堆叠柱状图）；未发布的季度无柱。"
        )
    },
    no_published: "近八个季度尚无已发布的评定。",
    activity: "本月工作与近十二个月对比",
    activity_desc: |m| {
        format!(
            "近十三个月每月的走访、发现隐患、受理纠纷、警情和受理诉求数（折线图），阴影列为本月（{m}）。"
        )
    },
    activity_note: |m| format!("阴影列为本月（{m}），本月尚未结束。"),
    no_activity: "暂无记录。",
    records: "记录数",
    series_visits: "走访",
    series_hazards: "发现隐患",
    series_disputes: "受理纠纷",
    series_incidents: "警情",
    series_demands: "受理诉求",
    visits_by_officer: "本月各民警走访次数",
    visits_by_officer_desc: |m, n| format!("{m} 各民警参与的走访次数，合计 {n} 人次。"),
    officer: "民警",
    visits: "走访次数",
    no_officers: "本所暂无民警。",
    overdue_hazards: "逾期未整改隐患",
    disputes_awaiting: "待回访纠纷",
    visits_this_month: "本月走访",
    overdue_demands_count: "逾期诉求",
};

static DASHBOARD_EN: DashboardText = DashboardText {
    levels_now: "Enterprises per level now",
    levels_now_desc: |c| {
        format!(
            "Active enterprises by current level: {} green, {} yellow, {} red, {} not yet evaluated.",
            c[0], c[1], c[2], c[3]
        )
    },
    no_enterprises: "No active enterprise yet.",
    levels_by_quarter: "Levels over the last eight quarters",
    levels_by_quarter_desc: |first, last| {
        format!(
            "Enterprises per final level in each published quarter from {first} to {last} (stacked bars); a quarter not published has no bar."
        )
    },
    no_published: "No evaluation published in the last eight quarters.",
    activity: "This month's activity against the last twelve months",
    activity_desc: |m| {
        format!(
            "Visits, hazards found, disputes reported, incidents and demands received per month over thirteen months (lines); the shaded column is this month ({m})."
        )
    },
    activity_note: |m| format!("The shaded column is this month ({m}), not yet over."),
    no_activity: "No records yet.",
    records: "Records",
    series_visits: "Visits",
    series_hazards: "Hazards found",
    series_disputes: "Disputes reported",
    series_incidents: "Incidents",
    series_demands: "Demands received",
    visits_by_officer: "Visits per officer this month",
    visits_by_officer_desc: |m, n| {
        format!("Visits each officer took part in during {m}; {n} officer visits in all.")
    },
    officer: "Officer",
    visits: "Visits",
    no_officers: "No officer at this station yet.",
    overdue_hazards: "Overdue hazards",
    disputes_awaiting: "Disputes awaiting follow-up",
    visits_this_month: "Visits this month",
    overdue_demands_count: "Overdue demands",
};
