//! The dispute pages' words, per language.

use crate::i18n::Lang;

#[derive(Debug)]
pub struct DisputeText {
    pub dispute: &'static str,
    pub disputes: &'static str,
    pub new_dispute: &'static str,
    pub edit_dispute: &'static str,
    pub reported_on: &'static str,
    pub parties: &'static str,
    pub parties_hint: &'static str,
    pub kind: &'static str,
    pub people_involved: &'static str,
    pub people_hint: fn(i32) -> String,
    pub forces: &'static str,
    pub forces_hint: &'static str,
    pub no_forces: &'static str,
    pub summary: &'static str,
    pub status: &'static str,
    pub resolution: &'static str,
    pub resolved_on: &'static str,
    pub closed_on: &'static str,
    pub enterprise: &'static str,
    /// Which date the list's range applies to.
    pub date_on: &'static str,
    pub recorded_by: &'static str,
    pub mass_dispute: &'static str,
    pub mass_short: &'static str,
    pub delete_question: &'static str,

    // the next steps
    pub next_steps: &'static str,
    pub referral_note: &'static str,
    pub closing_note: &'static str,
    pub reopen_reason: &'static str,
    pub resolve_hint: &'static str,
    pub close_hint: &'static str,
    pub reopen_hint: &'static str,
    pub optional: &'static str,
    pub list_sep: &'static str,

    // history
    pub history: &'static str,
    pub col_when: &'static str,
    pub col_who: &'static str,
    pub col_change: &'static str,
    pub col_note: &'static str,

    // follow-ups
    pub follow_ups: &'static str,
    pub follow_up: &'static str,
    pub follow_ups_intro: &'static str,
    pub due_on: &'static str,
    pub assigned_to: &'static str,
    pub method: &'static str,
    pub done_on: &'static str,
    pub note: &'static str,
    pub record_follow_up: &'static str,
    pub schedule_follow_up: &'static str,
    pub schedule: &'static str,
    pub pending: &'static str,
    pub done: &'static str,
    pub cancelled: &'static str,
    pub no_follow_ups: &'static str,
    pub next_follow_up: &'static str,
    pub follow_up_summary: fn(&str, &str) -> String,

    // list filters
    pub status_open: &'static str,
    pub mass_only: &'static str,
    pub awaiting_follow_up: &'static str,

    // messages
    pub err_future: &'static str,
    pub err_before_reported: fn(&str) -> String,
    pub err_before_resolved: fn(&str) -> String,
    pub err_after_resolved: fn(&str) -> String,
    pub err_transition: fn(&str, &str, &str) -> String,
    pub err_stale: fn(&str) -> String,
    pub err_resolution: &'static str,
    pub err_reopen_reason: &'static str,
    pub err_follow_ups_pending: fn(i64) -> String,
    pub err_follow_up_state: &'static str,
    pub err_follow_up_done: &'static str,
    pub err_assignee: &'static str,
}

pub fn text(lang: Lang) -> &'static DisputeText {
    match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    }
}

static ZH: DisputeText = DisputeText {
    dispute: "纠纷",
    disputes: "矛盾纠纷",
    new_dispute: "登记纠纷",
    edit_dispute: "编辑纠纷",
    reported_on: "上报日期",
    parties: "当事各方",
    parties_hint: "例如：20 名工人 与 公司；甲公司 与 乙公司。",
    kind: "纠纷类型",
    people_involved: "涉及人数",
    people_hint: |n| format!("涉及 {n} 人及以上为群体性纠纷。"),
    forces: "参与调解力量",
    forces_hint: "勾选已参与调解的力量，可多选。",
    no_forces: "尚未登记",
    summary: "简要情况",
    status: "状态",
    resolution: "化解情况",
    resolved_on: "化解日期",
    closed_on: "结案日期",
    enterprise: "企业",
    date_on: "日期类型",
    recorded_by: "登记人",
    mass_dispute: "群体性纠纷",
    mass_short: "群体性",
    delete_question: "删除这条纠纷？删除记录会保留在审计日志中。",

    next_steps: "办理",
    referral_note: "移交说明（移交何部门、原因）",
    closing_note: "结案说明",
    reopen_reason: "重新调解的原因",
    resolve_hint: "登记化解后，系统为企业联系民警安排 7 天后的回访。",
    close_hint: "所有回访完成后方可结案。",
    reopen_hint: "纠纷再次出现或化解未落实时，说明原因后重新调解；未完成的回访将取消。",
    optional: "选填",
    list_sep: "、",

    history: "办理记录",
    col_when: "时间",
    col_who: "办理人",
    col_change: "变更",
    col_note: "说明",

    follow_ups: "回访",
    follow_up: "纠纷回访",
    follow_ups_intro: "纠纷化解后进行回访，回访全部完成后方可结案。",
    due_on: "应回访日期",
    assigned_to: "回访民警",
    method: "回访方式",
    done_on: "回访日期",
    note: "回访情况",
    record_follow_up: "登记回访",
    schedule_follow_up: "再安排一次回访",
    schedule: "安排回访",
    pending: "待回访",
    done: "已回访",
    cancelled: "已取消（纠纷重新调解）",
    no_follow_ups: "暂无回访。",
    next_follow_up: "下次回访",
    follow_up_summary: |parties, officer| format!("{parties} · 回访民警：{officer}"),

    status_open: "未化解（已上报、调解中）",
    mass_only: "只看群体性纠纷",
    awaiting_follow_up: "只看待回访（已化解、回访未完成）",

    err_future: "日期不能晚于今天。",
    err_before_reported: |d| format!("日期不能早于上报日期（{d}）。"),
    err_before_resolved: |d| format!("日期不能早于化解日期（{d}）。"),
    err_after_resolved: |d| format!("上报日期不能晚于化解日期（{d}）。"),
    err_transition: |from, to, allowed| {
        format!("纠纷当前为“{from}”，不能变为“{to}”。当前可以：{allowed}。")
    },
    err_stale: |status| {
        format!("提交前，这条纠纷已被他人办理（当前状态：{status}）。请核对后重新操作。")
    },
    err_resolution: "登记化解须填写化解情况。",
    err_reopen_reason: "重新调解须填写原因。",
    err_follow_ups_pending: |n| format!("还有 {n} 次回访未完成，不能结案。请先登记回访。"),
    err_follow_up_state: "只有已化解的纠纷才能安排或登记回访。",
    err_follow_up_done: "这次回访已经登记或已取消。",
    err_assignee: "请选择本所的民警。",
};

static EN: DisputeText = DisputeText {
    dispute: "Dispute",
    disputes: "Disputes",
    new_dispute: "Report a dispute",
    edit_dispute: "Edit dispute",
    reported_on: "Reported on",
    parties: "Parties",
    parties_hint: "For example: 20 workers vs the company; company A vs company B.",
    kind: "Kind",
    people_involved: "People involved",
    people_hint: |n| format!("{n} or more people make it a mass dispute."),
    forces: "Mediation forces engaged",
    forces_hint: "Tick every force that has taken part in the mediation.",
    no_forces: "None recorded yet",
    summary: "Summary",
    status: "Status",
    resolution: "Resolution",
    resolved_on: "Resolved on",
    closed_on: "Closed on",
    enterprise: "Enterprise",
    date_on: "Dates by",
    recorded_by: "Recorded by",
    mass_dispute: "Mass dispute",
    mass_short: "Mass",
    delete_question: "Delete this dispute? The deletion stays in the audit log.",

    next_steps: "Next step",
    referral_note: "Referral note (to whom, and why)",
    closing_note: "Closing note",
    reopen_reason: "Reason for reopening",
    resolve_hint: "Resolving schedules a follow-up for the enterprise's liaison officer 7 days later.",
    close_hint: "Every follow-up must be done before the dispute is closed.",
    reopen_hint: "When the dispute flares up again or the settlement is not kept, give the reason and reopen it; pending follow-ups are cancelled.",
    optional: "optional",
    list_sep: ", ",

    history: "History",
    col_when: "When",
    col_who: "By",
    col_change: "Change",
    col_note: "Note",

    follow_ups: "Follow-ups",
    follow_up: "Dispute follow-up",
    follow_ups_intro: "A resolved dispute is followed up; it can be closed once every follow-up is done.",
    due_on: "Due",
    assigned_to: "Assigned to",
    method: "Method",
    done_on: "Done on",
    note: "What was found",
    record_follow_up: "Record follow-up",
    schedule_follow_up: "Schedule another follow-up",
    schedule: "Schedule",
    pending: "Pending",
    done: "Done",
    cancelled: "Cancelled (dispute reopened)",
    no_follow_ups: "No follow-ups yet.",
    next_follow_up: "Next follow-up",
    follow_up_summary: |parties, officer| format!("{parties} · assigned to {officer}"),

    status_open: "Unresolved (reported, mediating)",
    mass_only: "Mass disputes only",
    awaiting_follow_up: "Awaiting follow-up only (resolved, follow-up pending)",

    err_future: "The date cannot be after today.",
    err_before_reported: |d| format!("The date cannot be before the reported date ({d})."),
    err_before_resolved: |d| format!("The date cannot be before the resolution date ({d})."),
    err_after_resolved: |d| format!("The reported date cannot be after the resolution date ({d})."),
    err_transition: |from, to, allowed| {
        format!(
            "A dispute in status “{from}” cannot become “{to}”. From here it can become: {allowed}."
        )
    },
    err_stale: |status| {
        format!(
            "Someone acted on this dispute before you (it is now: {status}). Check it and try again."
        )
    },
    err_resolution: "Describe how the dispute was resolved.",
    err_reopen_reason: "Give the reason for reopening.",
    err_follow_ups_pending: |n| {
        if n == 1 {
            "1 follow-up is still pending: record it before closing.".to_owned()
        } else {
            format!("{n} follow-ups are still pending: record them before closing.")
        }
    },
    err_follow_up_state: "Follow-ups are scheduled and recorded only for resolved disputes.",
    err_follow_up_done: "This follow-up was already recorded or cancelled.",
    err_assignee: "Choose an officer of this station.",
};
