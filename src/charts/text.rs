//! The words charts share, in both languages.

use crate::i18n::Lang;

#[derive(Debug)]
pub struct ChartWords {
    /// The label of a chart's data table disclosure.
    pub data_table: &'static str,
    pub total: &'static str,
    pub quarter: &'static str,
    pub month: &'static str,
    pub level: &'static str,
    pub enterprises: &'static str,
    // The enterprise page's level timeline.
    pub timeline_title: &'static str,
    pub timeline_desc: fn(usize) -> String,
    pub timeline_empty: &'static str,
}

pub fn words(lang: Lang) -> &'static ChartWords {
    match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    }
}

static ZH: ChartWords = ChartWords {
    data_table: "数据表",
    total: "合计",
    quarter: "季度",
    month: "月份",
    level: "等级",
    enterprises: "企业数",
    timeline_title: "等级变化",
    timeline_desc: |n| format!("该企业已发布的 {n} 个季度的评定等级，按时间先后排列。"),
    timeline_empty: "尚无已发布的季度等级。",
};

static EN: ChartWords = ChartWords {
    data_table: "Data table",
    total: "Total",
    quarter: "Quarter",
    month: "Month",
    level: "Level",
    enterprises: "Enterprises",
    timeline_title: "Level timeline",
    timeline_desc: |n| {
        format!(
            "The enterprise's level in its {n} published quarter{}, oldest first.",
            if n == 1 { "" } else { "s" }
        )
    },
    timeline_empty: "No published quarter yet.",
};
