//! The report pages' words, per language.

use crate::i18n::Lang;

#[derive(Debug)]
pub struct ReportText {
    pub monthly_title: &'static str,
    pub monthly_intro: &'static str,
    pub station: &'static str,
    /// "：" / ": " after a label.
    pub colon: &'static str,
    pub month: &'static str,
    pub printed_on: &'static str,
    pub show: &'static str,
    pub prev_month: &'static str,
    pub next_month: &'static str,
    pub this_month: &'static str,
    pub print_hint: &'static str,
    pub enterprise: &'static str,
    pub liaison_officer: &'static str,
    pub no_liaison: &'static str,
    pub closed: &'static str,
    pub col_visits: &'static str,
    pub col_inspections: &'static str,
    pub col_hazards_found: &'static str,
    pub col_hazards_rectified: &'static str,
    pub col_disputes_resolved: &'static str,
    pub col_incidents: &'static str,
    pub col_demands_received: &'static str,
    pub col_demands_resolved: &'static str,
    pub col_trainings: &'static str,
    pub col_total: &'static str,
    pub col_change: &'static str,
    pub totals: &'static str,
    pub total_hint: &'static str,
    pub sort_hint: &'static str,
    pub nothing_this_month: &'static str,
    /// "12 enterprises served"
    pub served: fn(usize) -> String,
    /// "3 active enterprises had no recorded service this month"
    pub quiet_active: fn(i64) -> String,
    /// The notice when the `month` parameter cannot be shown.
    pub bad_month: fn(&str) -> String,
    /// Screen-reader text of a change against the previous month.
    pub change_more: fn(i64, &str) -> String,
    pub change_less: fn(i64, &str) -> String,
    pub change_same: fn(&str) -> String,
    /// "March 2026"
    pub month_label: fn(i32, u32) -> String,
    /// Link title of a count: "Visits of X in March 2026 (open the list)".
    pub open_records: &'static str,
    pub csv_change: &'static str,
    pub credit_code: &'static str,
    pub level: &'static str,
}

pub fn text(lang: Lang) -> &'static ReportText {
    match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    }
}

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn month_en(year: i32, month: u32) -> String {
    let name = MONTHS_EN
        .get(month.saturating_sub(1) as usize)
        .copied()
        .unwrap_or("");
    format!("{name} {year}")
}

static ZH: ReportText = ReportText {
    monthly_title: "月度服务清单",
    monthly_intro: "本月为辖区企业开展的走访检查、隐患排查整改、矛盾纠纷化解、涉企警情、诉求办理和培训，一目了然。点击数字可查看对应记录。",
    station: "派出所",
    colon: "：",
    month: "月份",
    printed_on: "打印时间",
    show: "查看",
    prev_month: "上个月",
    next_month: "下个月",
    this_month: "本月",
    print_hint: "打印：使用浏览器的打印功能，清单按 A4 横向排版。",
    enterprise: "企业",
    liaison_officer: "联络民警",
    no_liaison: "未指定",
    closed: "已注销",
    col_visits: "走访",
    col_inspections: "其中安全检查",
    col_hazards_found: "发现隐患",
    col_hazards_rectified: "整改隐患",
    col_disputes_resolved: "化解纠纷",
    col_incidents: "涉企警情",
    col_demands_received: "受理诉求",
    col_demands_resolved: "办结诉求",
    col_trainings: "参加培训",
    col_total: "服务合计",
    col_change: "较上月",
    totals: "合计",
    total_hint: "服务合计 = 走访 + 发现隐患 + 整改隐患 + 化解纠纷 + 涉企警情 + 受理诉求 + 办结诉求 + 参加培训（安全检查已含在走访中）。",
    sort_hint: "点击列标题排序。",
    nothing_this_month: "本月没有登记任何服务记录。",
    served: |n| format!("本月服务企业 {n} 家"),
    quiet_active: |n| format!("另有 {n} 家在营企业本月没有服务记录。"),
    bad_month: |raw| format!("无法显示月份“{raw}”（格式应为 年-月，且不晚于本月），已显示本月。"),
    change_more: |n, month| format!("比{month}多 {n}"),
    change_less: |n, month| format!("比{month}少 {n}"),
    change_same: |month| format!("与{month}持平"),
    month_label: |y, m| format!("{y}年{m}月"),
    open_records: "查看这些记录",
    csv_change: "服务合计较上月",
    credit_code: "统一社会信用代码",
    level: "当前等级",
};

static EN: ReportText = ReportText {
    monthly_title: "Monthly service list",
    monthly_intro: "The month's work at the station's enterprises — visits and inspections, hazards found and rectified, disputes resolved, police incidents, demands and trainings — at a glance. Each number opens the records behind it.",
    station: "Station",
    colon: ": ",
    month: "Month",
    printed_on: "Printed on",
    show: "Show",
    prev_month: "Previous month",
    next_month: "Next month",
    this_month: "This month",
    print_hint: "To print, use the browser's print command: the list is laid out for A4 landscape.",
    enterprise: "Enterprise",
    liaison_officer: "Liaison officer",
    no_liaison: "None",
    closed: "Closed",
    col_visits: "Visits",
    col_inspections: "of which inspections",
    col_hazards_found: "Hazards found",
    col_hazards_rectified: "Hazards rectified",
    col_disputes_resolved: "Disputes resolved",
    col_incidents: "Incidents",
    col_demands_received: "Demands received",
    col_demands_resolved: "Demands resolved",
    col_trainings: "Trainings attended",
    col_total: "Total service",
    col_change: "vs previous month",
    totals: "Total",
    total_hint: "Total service = visits + hazards found + hazards rectified + disputes resolved + incidents + demands received + demands resolved + trainings attended (inspections are already among the visits).",
    sort_hint: "Select a column heading to sort.",
    nothing_this_month: "No service was recorded this month.",
    served: |n| {
        if n == 1 {
            "1 enterprise served this month".to_owned()
        } else {
            format!("{n} enterprises served this month")
        }
    },
    quiet_active: |n| {
        if n == 1 {
            "1 more active enterprise had no recorded service this month.".to_owned()
        } else {
            format!("{n} more active enterprises had no recorded service this month.")
        }
    },
    bad_month: |raw| {
        format!(
            "“{raw}” is not a month that can be shown (use year-month, not after this month); showing this month."
        )
    },
    change_more: |n, month| format!("{n} more than in {month}"),
    change_less: |n, month| format!("{n} fewer than in {month}"),
    change_same: |month| format!("the same as in {month}"),
    month_label: month_en,
    open_records: "Open these records",
    csv_change: "Total service vs previous month",
    credit_code: "Unified social credit code",
    level: "Current level",
};
