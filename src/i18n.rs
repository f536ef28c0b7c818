//! Languages and the typed message catalogs.
//!
//! Every string a person reads is a field of [`Messages`]; each language is a
//! `static` value of that struct, so a string missing from one language is a
//! compile error rather than a blank on a page.

pub use crate::coded::Lang;

impl Lang {
    /// The value for `<html lang>`.
    pub fn html_tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// The language's own name, for the switcher.
    pub fn native_name(self) -> &'static str {
        self.label(self)
    }

    /// The best match for an `Accept-Language` header; Chinese when nothing
    /// matches, since the users are Chinese police stations.
    pub fn from_accept_language(header: &str) -> Lang {
        let mut best: Option<(u16, Lang)> = None;
        for item in header.split(',') {
            let mut parts = item.trim().split(';');
            let tag = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            let lang = if tag == "zh" || tag.starts_with("zh-") {
                Lang::Zh
            } else if tag == "en" || tag.starts_with("en-") {
                Lang::En
            } else {
                continue;
            };
            // q in [0, 1] with up to three decimals: compare as integers
            let q = (q.clamp(0.0, 1.0) * 1000.0).round() as u16;
            if q > 0 && best.is_none_or(|(bq, _)| q > bq) {
                best = Some((q, lang));
            }
        }
        best.map_or(Lang::Zh, |(_, lang)| lang)
    }

    pub fn t(self) -> &'static Messages {
        match self {
            Lang::Zh => &ZH,
            Lang::En => &EN,
        }
    }
}

/// A catalog stands for its language where a coded value is labelled.
impl From<&Messages> for Lang {
    fn from(t: &Messages) -> Lang {
        t.lang
    }
}

impl From<&&Messages> for Lang {
    fn from(t: &&Messages) -> Lang {
        t.lang
    }
}

/// Every user-facing string, per language.
#[derive(Debug)]
pub struct Messages {
    /// The catalog's language.
    pub lang: Lang,
    pub app_name: &'static str,
    pub app_tagline: &'static str,
    pub skip_to_content: &'static str,
    pub language: &'static str,
    pub switch_language: &'static str,
    pub signed_in_as: &'static str,
    pub nav_label: &'static str,
    pub nav_home: &'static str,
    pub nav_enterprises: &'static str,
    pub nav_evaluations: &'static str,
    pub nav_visits: &'static str,
    pub nav_hazards: &'static str,
    pub nav_disputes: &'static str,
    pub nav_demands: &'static str,
    pub nav_incidents: &'static str,
    pub nav_trainings: &'static str,
    pub nav_monthly: &'static str,
    pub nav_admin: &'static str,
    pub logout: &'static str,

    // roles
    pub role_officer: &'static str,
    pub role_chief: &'static str,
    pub role_department: &'static str,
    pub role_admin: &'static str,

    // login
    pub login_title: &'static str,
    pub login_intro: &'static str,
    pub username: &'static str,
    pub password: &'static str,
    pub login_submit: &'static str,
    pub login_failed: &'static str,
    pub err_username_required: &'static str,
    pub err_username_too_long: &'static str,
    pub err_password_required: &'static str,
    pub err_password_too_long: &'static str,
    pub form_has_errors: &'static str,

    // changing one's password
    pub change_password: &'static str,
    pub password_change_title: &'static str,
    pub password_change_intro: &'static str,
    pub password_current: &'static str,
    pub password_new: &'static str,
    pub password_repeat: &'static str,
    pub password_change_submit: &'static str,
    pub password_rule: fn(usize, usize) -> String,
    pub err_password_unchanged: &'static str,
    pub err_password_mismatch: &'static str,
    pub err_password_current_wrong: &'static str,
    pub err_too_many_attempts: &'static str,
    pub flash_password_changed: &'static str,

    // flash messages
    pub flash_logged_out: &'static str,
    pub flash_session_expired: &'static str,
    pub flash_language_changed: &'static str,

    // home pages
    pub home_officer_title: &'static str,
    pub home_chief_title: &'static str,
    pub home_admin_title: &'static str,
    pub my_liaison_enterprises: &'static str,
    pub no_liaison_enterprises: &'static str,
    pub station_overview: &'static str,
    pub enterprises_total: &'static str,
    pub enterprises_active: &'static str,
    pub officers_total: &'static str,
    pub by_industry: &'static str,
    pub admin_overview: &'static str,
    pub stations: &'static str,
    pub departments: &'static str,
    pub users: &'static str,
    pub recent_audit: &'static str,
    pub scoring_policies: &'static str,
    pub col_name: &'static str,
    pub col_credit_code: &'static str,
    pub col_industry: &'static str,
    pub col_address: &'static str,
    pub col_status: &'static str,
    pub col_count: &'static str,
    pub col_when: &'static str,
    pub col_who: &'static str,
    pub col_action: &'static str,
    pub col_summary: &'static str,
    pub status_active: &'static str,
    pub status_closed: &'static str,
    pub coming_next: &'static str,
    pub log_a_visit: &'static str,
    pub due_for_me: &'static str,
    pub nothing_due: &'static str,
    pub overdue_demands: &'static str,
    pub no_overdue_demands: &'static str,

    // form validation
    pub err_required: &'static str,
    pub err_too_long: fn(usize) -> String,
    pub err_control_chars: &'static str,
    pub err_date: &'static str,
    pub err_number: &'static str,
    pub err_number_range: fn(i64, i64) -> String,
    pub err_phone: &'static str,
    pub err_choice: &'static str,
    pub err_conflict: &'static str,
    pub conflict_current_value: &'static str,

    // common words of lists and forms
    pub save: &'static str,
    pub cancel: &'static str,
    pub edit: &'static str,
    pub delete: &'static str,
    pub delete_confirm: &'static str,
    pub back: &'static str,
    pub search: &'static str,
    pub filter: &'static str,
    pub clear_filters: &'static str,
    pub export_csv: &'static str,
    pub all: &'static str,
    pub any: &'static str,
    pub none_yet: &'static str,
    pub prev_page: &'static str,
    pub next_page: &'static str,
    pub pagination: &'static str,
    pub page_of: fn(i64, i64, i64) -> String,
    pub sort_by: &'static str,
    pub saved: &'static str,
    pub deleted: &'static str,
    pub overdue: &'static str,
    pub due: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub optional: &'static str,
    pub level_green: &'static str,
    pub level_yellow: &'static str,
    pub level_red: &'static str,
    pub level_unrated: &'static str,
    pub level: &'static str,

    // error pages
    pub error_title: &'static str,
    pub error_not_found: &'static str,
    pub error_conflict: &'static str,

    // the filters of record lists
    pub date_from: &'static str,
    pub date_to: &'static str,
    /// "企业：" before the name of the enterprise a list is filtered to.
    pub enterprise_scope: &'static str,
    pub clear_enterprise: &'static str,
    pub error_forbidden: &'static str,
    pub error_csrf: &'static str,
    pub error_bad_request: &'static str,
    pub error_too_large: &'static str,
    pub error_timeout: &'static str,
    pub error_unavailable: &'static str,
    pub error_internal: &'static str,
    pub error_request_id: &'static str,
    pub error_back_home: &'static str,
}

pub static ZH: Messages = Messages {
    lang: Lang::Zh,
    app_name: "三色预警",
    app_tagline: "企业治安“三色预警”管理系统",
    skip_to_content: "跳到正文",
    language: "语言",
    switch_language: "切换语言",
    signed_in_as: "当前用户",
    nav_label: "主导航",
    nav_home: "首页",
    nav_enterprises: "企业",
    nav_evaluations: "评定",
    nav_visits: "走访",
    nav_hazards: "隐患",
    nav_disputes: "纠纷",
    nav_demands: "诉求",
    nav_incidents: "警情",
    nav_trainings: "培训",
    nav_monthly: "月度清单",
    nav_admin: "系统管理",
    logout: "退出登录",

    role_officer: "社区民警",
    role_chief: "所长",
    role_department: "联动部门",
    role_admin: "系统管理员",

    login_title: "登录",
    login_intro: "请使用本单位分配的账号登录。",
    username: "用户名",
    password: "密码",
    login_submit: "登录",
    login_failed: "用户名或密码不正确，或账号已被暂时锁定。请稍后再试。",
    err_username_required: "请输入用户名。",
    err_username_too_long: "用户名过长（最多 40 个字符）。",
    err_password_required: "请输入密码。",
    err_password_too_long: "密码过长（最多 256 个字符）。",
    form_has_errors: "请更正下面标出的内容。",

    change_password: "修改密码",
    password_change_title: "修改密码",
    password_change_intro: "修改后，您在其他设备上的登录会立即退出。",
    password_current: "当前密码",
    password_new: "新密码",
    password_repeat: "再次输入新密码",
    password_change_submit: "修改密码",
    password_rule: |min, max| format!("新密码需 {min}–{max} 个字符。"),
    err_password_unchanged: "新密码不能与当前密码相同。",
    err_password_mismatch: "两次输入的新密码不一致。",
    err_password_current_wrong: "当前密码不正确。",
    err_too_many_attempts: "尝试次数过多，请稍后再试。",
    flash_password_changed: "密码已修改，其他设备上的登录已退出。",

    flash_logged_out: "您已安全退出。",
    flash_session_expired: "登录已过期，请重新登录。",
    flash_language_changed: "界面语言已切换为中文。",

    home_officer_title: "我的工作台",
    home_chief_title: "所长工作台",
    home_admin_title: "系统管理",
    my_liaison_enterprises: "我联系的企业",
    no_liaison_enterprises: "您目前没有被指定为任何企业的联络民警。",
    station_overview: "本所概况",
    enterprises_total: "企业总数",
    enterprises_active: "在营企业",
    officers_total: "民警人数",
    by_industry: "按行业",
    admin_overview: "系统概况",
    stations: "派出所",
    departments: "联动部门",
    users: "用户",
    recent_audit: "最近的审计记录",
    scoring_policies: "评分规则",
    col_name: "名称",
    col_credit_code: "统一社会信用代码",
    col_industry: "行业",
    col_address: "地址",
    col_status: "状态",
    col_count: "数量",
    col_when: "时间",
    col_who: "操作人",
    col_action: "操作",
    col_summary: "摘要",
    status_active: "在营",
    status_closed: "已关闭",
    coming_next: "更多功能正在建设中。",
    log_a_visit: "登记走访",
    due_for_me: "我的待办",
    nothing_due: "近期没有到期或逾期的事项。",
    overdue_demands: "逾期未答复的诉求",
    no_overdue_demands: "没有逾期的诉求。",

    err_required: "此项为必填项。",
    err_too_long: |max| format!("内容过长（最多 {max} 个字符）。"),
    err_control_chars: "含有不允许的控制字符。",
    err_date: "日期格式应为 YYYY-MM-DD，且须是有效日期。",
    err_number: "请输入整数。",
    err_number_range: |min, max| format!("请输入 {min} 到 {max} 之间的整数。"),
    err_phone: "请输入有效的手机号（11 位）或带区号的固定电话。",
    err_choice: "请从列表中选择。",
    err_conflict: "保存前，这条记录已被他人修改。您填写的内容仍保留在下面；每项旁边显示了当前保存的值，请核对后再次保存。",
    conflict_current_value: "当前保存的值",

    save: "保存",
    cancel: "取消",
    edit: "编辑",
    delete: "删除",
    delete_confirm: "确认删除",
    back: "返回",
    search: "搜索",
    filter: "筛选",
    clear_filters: "清除筛选",
    export_csv: "导出 CSV",
    all: "全部",
    any: "不限",
    none_yet: "暂无记录。",
    prev_page: "上一页",
    next_page: "下一页",
    pagination: "分页",
    page_of: |page, pages, total| format!("第 {page} / {pages} 页，共 {total} 条"),
    sort_by: "排序",
    saved: "已保存。",
    deleted: "已删除。",
    overdue: "已逾期",
    due: "到期",
    yes: "是",
    no: "否",
    optional: "选填",
    level_green: "绿色",
    level_yellow: "黄色",
    level_red: "红色",
    level_unrated: "未评定",
    level: "等级",
    error_title: "出错了",
    error_not_found: "找不到您要访问的页面。",
    error_conflict: "这项内容已存在，或刚被他人更改。请返回，刷新页面后再试。",
    date_from: "起始日期",
    date_to: "截止日期",
    enterprise_scope: "企业：",
    clear_enterprise: "显示全部企业",
    error_forbidden: "您没有权限访问此页面。",
    error_csrf: "表单已过期或来源不可信，请返回后重新提交。",
    error_bad_request: "请求无效。",
    error_too_large: "提交的内容过大。",
    error_timeout: "请求处理超时，请稍后再试。",
    error_unavailable: "系统暂时无法访问数据库，请稍后再试。",
    error_internal: "系统内部错误，我们已记录此问题。",
    error_request_id: "请求编号",
    error_back_home: "返回首页",
};

pub static EN: Messages = Messages {
    lang: Lang::En,
    app_name: "Sanse",
    app_tagline: "Three-colour warning management of enterprises",
    skip_to_content: "Skip to content",
    language: "Language",
    switch_language: "Switch language",
    signed_in_as: "Signed in as",
    nav_label: "Main navigation",
    nav_home: "Home",
    nav_enterprises: "Enterprises",
    nav_evaluations: "Evaluations",
    nav_visits: "Visits",
    nav_hazards: "Hazards",
    nav_disputes: "Disputes",
    nav_demands: "Demands",
    nav_incidents: "Incidents",
    nav_trainings: "Trainings",
    nav_monthly: "Monthly list",
    nav_admin: "Administration",
    logout: "Log out",

    role_officer: "Officer",
    role_chief: "Station chief",
    role_department: "Partner department",
    role_admin: "Administrator",

    login_title: "Log in",
    login_intro: "Log in with the account your unit gave you.",
    username: "User name",
    password: "Password",
    login_submit: "Log in",
    login_failed: "Wrong user name or password, or the account is temporarily locked. Please try again later.",
    err_username_required: "Enter your user name.",
    err_username_too_long: "The user name is too long (at most 40 characters).",
    err_password_required: "Enter your password.",
    err_password_too_long: "The password is too long (at most 256 characters).",
    form_has_errors: "Please correct the fields marked below.",

    change_password: "Change password",
    password_change_title: "Change your password",
    password_change_intro: "Once it is changed, you are logged out on every other device.",
    password_current: "Current password",
    password_new: "New password",
    password_repeat: "New password again",
    password_change_submit: "Change password",
    password_rule: |min, max| format!("The new password needs {min} to {max} characters."),
    err_password_unchanged: "The new password must differ from the current one.",
    err_password_mismatch: "The two new passwords differ.",
    err_password_current_wrong: "The current password is wrong.",
    err_too_many_attempts: "Too many attempts. Please try again later.",
    flash_password_changed: "Your password is changed; you are logged out on every other device.",

    flash_logged_out: "You have logged out.",
    flash_session_expired: "Your session has expired. Please log in again.",
    flash_language_changed: "The interface is now in English.",

    home_officer_title: "My work",
    home_chief_title: "Station chief's desk",
    home_admin_title: "Administration",
    my_liaison_enterprises: "My liaison enterprises",
    no_liaison_enterprises: "You are not the liaison officer of any enterprise yet.",
    station_overview: "Station overview",
    enterprises_total: "Enterprises",
    enterprises_active: "Active enterprises",
    officers_total: "Officers",
    by_industry: "By industry",
    admin_overview: "System overview",
    stations: "Stations",
    departments: "Departments",
    users: "Users",
    recent_audit: "Recent audit events",
    scoring_policies: "Scoring policy",
    col_name: "Name",
    col_credit_code: "Credit code",
    col_industry: "Industry",
    col_address: "Address",
    col_status: "Status",
    col_count: "Count",
    col_when: "When",
    col_who: "Who",
    col_action: "Action",
    col_summary: "Summary",
    status_active: "Active",
    status_closed: "Closed",
    coming_next: "More is being built.",
    log_a_visit: "Log a visit",
    due_for_me: "Due for me",
    nothing_due: "Nothing due or overdue soon.",
    overdue_demands: "Overdue demands",
    no_overdue_demands: "No overdue demands.",

    err_required: "This field is required.",
    err_too_long: |max| format!("Too long (at most {max} characters)."),
    err_control_chars: "Contains control characters that are not allowed.",
    err_date: "Enter a real date as YYYY-MM-DD.",
    err_number: "Enter a whole number.",
    err_number_range: |min, max| format!("Enter a whole number from {min} to {max}."),
    err_phone: "Enter a valid mobile number (11 digits) or a landline with its area code.",
    err_choice: "Choose one from the list.",
    err_conflict: "Someone changed this record before you saved. What you typed is kept below; the saved value is shown beside each field. Check them and save again.",
    conflict_current_value: "Saved value",

    save: "Save",
    cancel: "Cancel",
    edit: "Edit",
    delete: "Delete",
    delete_confirm: "Yes, delete",
    back: "Back",
    search: "Search",
    filter: "Filter",
    clear_filters: "Clear filters",
    export_csv: "Export CSV",
    all: "All",
    any: "Any",
    none_yet: "Nothing recorded yet.",
    prev_page: "Previous",
    next_page: "Next",
    pagination: "Pages",
    page_of: |page, pages, total| format!("Page {page} of {pages}, {total} in all"),
    sort_by: "Sort by",
    saved: "Saved.",
    deleted: "Deleted.",
    overdue: "Overdue",
    due: "Due",
    yes: "Yes",
    no: "No",
    optional: "optional",
    level_green: "Green",
    level_yellow: "Yellow",
    level_red: "Red",
    level_unrated: "Not yet evaluated",
    level: "Level",
    error_title: "Something went wrong",
    error_not_found: "The page you asked for does not exist.",
    error_conflict: "This already exists or was just changed by someone else. Go back, reload the page and try again.",
    date_from: "From",
    date_to: "To",
    enterprise_scope: "Enterprise: ",
    clear_enterprise: "Show all enterprises",
    error_forbidden: "You are not allowed to open this page.",
    error_csrf: "This form has expired or did not come from Sanse. Go back and submit it again.",
    error_bad_request: "The request is not valid.",
    error_too_large: "What you sent is too large.",
    error_timeout: "The request took too long. Please try again.",
    error_unavailable: "The database cannot be reached right now. Please try again shortly.",
    error_internal: "An internal error occurred; it has been logged.",
    error_request_id: "Request id",
    error_back_home: "Back to the home page",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_negotiation() {
        assert_eq!(Lang::from_accept_language("en-US,en;q=0.9"), Lang::En);
        assert_eq!(
            Lang::from_accept_language("zh-CN,zh;q=0.9,en;q=0.8"),
            Lang::Zh
        );
        assert_eq!(
            Lang::from_accept_language("en;q=0.5, zh-TW;q=0.8"),
            Lang::Zh
        );
        assert_eq!(Lang::from_accept_language("fr-FR, en;q=0.3"), Lang::En);
        assert_eq!(Lang::from_accept_language("fr-FR"), Lang::Zh);
        assert_eq!(Lang::from_accept_language(""), Lang::Zh);
        assert_eq!(Lang::from_accept_language("en;q=0, zh;q=0"), Lang::Zh);
        assert_eq!(Lang::from_accept_language("en;q=abc"), Lang::En);
    }

    #[test]
    fn catalogs_differ_and_are_filled() {
        assert_ne!(ZH.login_title, EN.login_title);
        assert!(!ZH.login_failed.is_empty() && !EN.login_failed.is_empty());
    }
}
