//! The home page of each role. The chief's is the station dashboard:
//! enterprises per level now and over the last eight quarters, this month's
//! activity against the last twelve, what is overdue or waiting, and visits
//! per officer this month, each chart drawn by [`crate::charts`].

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};

use crate::AppState;
use crate::auth::{Admin, Chief, StationUser};
use crate::charts::{self, Bar, Chart, ChartWords, Grid, LevelNames, Series, Style, Text};
use crate::error::AppResult;
use crate::i18n::Lang;
use crate::level::Level;
use crate::scoring::Quarter;
use crate::web::PageCtx;
use crate::web::record::{OpenItem, today};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/officer", get(officer))
        .route("/chief", get(chief))
        .route("/admin", get(admin))
}

#[derive(Debug)]
pub struct EnterpriseRow {
    pub enterprise_id: i64,
    pub name: String,
    pub credit_code: String,
    pub industry: String,
    pub industry_en: String,
    pub address: String,
    pub closed: bool,
}

impl EnterpriseRow {
    pub fn industry_name(&self, lang: &Lang) -> &str {
        match lang {
            Lang::Zh => &self.industry,
            Lang::En => &self.industry_en,
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "home/officer.html")]
struct OfficerHome {
    ctx: PageCtx,
    enterprises: Vec<EnterpriseRow>,
    due: Vec<OpenItem>,
}

async fn officer(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: StationUser,
) -> AppResult<OfficerHome> {
    let enterprises = sqlx::query_as!(
        EnterpriseRow,
        r#"select e.enterprise_id, e.name, e.credit_code, i.name as industry,
                  i.name_en as industry_en, e.address, e.status = 'closed' as "closed!"
           from enterprise e join industry i on i.code = e.industry_code
           where e.station_id = $1 and e.liaison_officer_id = $2
           order by e.status, e.name
           limit 200"#,
        me.scope.id(),
        me.user.user_id
    )
    .fetch_all(&state.db)
    .await?;
    let due = crate::enterprises::due_for_officer(&state, me.scope.id(), me.user.user_id, ctx.lang)
        .await?;
    Ok(OfficerHome {
        ctx,
        enterprises,
        due,
    })
}

#[derive(Debug)]
pub struct IndustryCount {
    pub name: String,
    pub name_en: String,
    pub n: i64,
}

impl IndustryCount {
    pub fn label(&self, lang: &Lang) -> &str {
        match lang {
            Lang::Zh => &self.name,
            Lang::En => &self.name_en,
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "home/chief.html")]
struct ChiefHome {
    ctx: PageCtx,
    dx: &'static DashboardText,
    overdue_demands: Vec<OpenItem>,
    total: i64,
    active: i64,
    officers: i64,
    overdue_hazards: i64,
    disputes_awaiting: i64,
    visits_this_month: i64,
    by_industry: Vec<IndustryCount>,
    waiting_pushes: Vec<crate::pushes::queries::WaitingPush>,
    ack_days: i32,
    now: DateTime<Utc>,
    levels_now: Chart,
    levels_by_quarter: Chart,
    activity: Chart,
    visits_by_officer: Chart,
    /// The month the activity chart shades, e.g. "2026-04".
    this_month: String,
}

impl ChiefHome {
    fn push_text(&self) -> &'static crate::pushes::PushText {
        crate::pushes::text(self.ctx.lang)
    }

    fn waiting_department(&self, p: &crate::pushes::queries::WaitingPush) -> String {
        match self.ctx.lang {
            Lang::Zh => p.department_name.clone(),
            Lang::En => p.department_name_en.clone(),
        }
    }

    fn days_waiting(&self, p: &crate::pushes::queries::WaitingPush) -> i64 {
        (self.now - p.created_at).num_days()
    }

    fn waiting_hint(&self) -> String {
        (self.push_text().unacknowledged_hint)(self.ack_days)
    }

    fn pushed_at(&self, p: &crate::pushes::queries::WaitingPush) -> String {
        crate::web::local_time(&p.created_at)
    }

    fn activity_note(&self) -> String {
        (self.dx.activity_note)(&self.this_month)
    }
}

/// How many quarters the levels chart covers.
const QUARTERS: usize = 8;
/// How many months the activity chart covers (this one and the twelve before).
const MONTHS: u32 = 13;

/// Active enterprises per current level (`None` = not yet evaluated).
struct LevelCount {
    level: Option<Level>,
    n: i64,
}

/// Final levels of a published quarter.
struct QuarterLevelCount {
    quarter: String,
    level: Option<Level>,
    n: i64,
}

/// The station's records of one month.
struct MonthActivity {
    month: NaiveDate,
    visits: i64,
    hazards: i64,
    disputes: i64,
    incidents: i64,
    demands: i64,
}

struct OfficerVisits {
    name: String,
    n: i64,
}

/// The counts the dashboard shows as numbers.
struct Counts {
    total: i64,
    active: i64,
    officers: i64,
    overdue_hazards: i64,
    disputes_awaiting: i64,
    visits_this_month: i64,
}

/// The first day of the month `back` months before `day`'s month.
fn month_start(day: NaiveDate, back: u32) -> NaiveDate {
    let first = day.with_day(1).unwrap_or(day);
    first.checked_sub_months(Months::new(back)).unwrap_or(first)
}

async fn chief(State(state): State<AppState>, ctx: PageCtx, me: Chief) -> AppResult<ChiefHome> {
    let (db, station) = (&state.db, me.scope.id());
    let day = today(&state.clock);
    let now = state.clock.now();
    let this_month = month_start(day, 0);
    let first_month = month_start(day, MONTHS - 1);
    let next_month = this_month
        .checked_add_months(Months::new(1))
        .unwrap_or(this_month);
    let current_quarter = Quarter::containing(day);
    // Published quarters from eight back (the window ends at the later of
    // the last complete quarter and the latest published one).
    let mut oldest = current_quarter;
    for _ in 0..QUARTERS {
        oldest = oldest.previous();
    }

    let counts = async {
        sqlx::query_as!(
            Counts,
            r#"select
                 (select count(*) from enterprise
                   where station_id = $1 and deleted_at is null) as "total!",
                 (select count(*) from enterprise
                   where station_id = $1 and deleted_at is null and status = 'active') as "active!",
                 (select count(*) from app_user
                   where station_id = $1 and role in ('officer', 'chief')
                     and disabled_at is null) as "officers!",
                 (select count(*) from hazard
                   where station_id = $1 and deleted_at is null
                     and rectified_on is null and deadline < $2) as "overdue_hazards!",
                 (select count(*) from dispute d
                   where d.station_id = $1 and d.deleted_at is null and d.status = 'resolved'
                     and exists(select 1 from dispute_follow_up fu
                                where fu.dispute_id = d.dispute_id and fu.station_id = d.station_id
                                  and fu.done_on is null and fu.cancelled_at is null))
                   as "disputes_awaiting!",
                 (select count(*) from visit
                   where station_id = $1 and deleted_at is null
                     and visited_on >= $3 and visited_on < $4) as "visits_this_month!""#,
            station,
            day,
            this_month,
            next_month
        )
        .fetch_one(db)
        .await
    };
    let by_industry = async {
        sqlx::query_as!(
            IndustryCount,
            r#"select i.name, i.name_en, count(*) as "n!"
               from enterprise e join industry i on i.code = e.industry_code
               where e.station_id = $1 and e.deleted_at is null
               group by i.code, i.name, i.name_en, i.sort_order
               order by count(*) desc, i.sort_order"#,
            station
        )
        .fetch_all(db)
        .await
    };
    let pushes = async {
        let ack_days = {
            let mut conn = db.acquire().await?;
            match crate::evaluations::service::policy_for(&mut conn, current_quarter).await {
                Ok((_, policy)) => policy.push_ack_days,
                Err(err) => {
                    tracing::warn!(error = %err, "no policy for the acknowledgement period");
                    crate::scoring::Policy::default_v1().push_ack_days
                }
            }
        };
        let waiting = crate::pushes::queries::unacknowledged(
            db,
            station,
            now - chrono::Duration::days(i64::from(ack_days)),
        )
        .await?;
        sqlx::Result::Ok((ack_days, waiting))
    };
    let levels_now = async {
        sqlx::query_as!(
            LevelCount,
            r#"select current_level as "level: Level", count(*) as "n!"
               from enterprise
               where station_id = $1 and deleted_at is null and status = 'active'
               group by current_level"#,
            station
        )
        .fetch_all(db)
        .await
    };
    let levels_by_quarter = async {
        sqlx::query_as!(
            QuarterLevelCount,
            r#"select ev.quarter, a.final_level as "level: Level", count(*) as "n!"
               from evaluation ev
               join assessment a on a.evaluation_id = ev.evaluation_id and a.station_id = ev.station_id
               where ev.station_id = $1 and ev.status = 'published' and ev.quarter >= $2
               group by ev.quarter, a.final_level"#,
            station,
            oldest.to_string()
        )
        .fetch_all(db)
        .await
    };
    let activity = async {
        sqlx::query_as!(
            MonthActivity,
            r#"with months as (
                   select m::date as month
                   from generate_series($2::date::timestamp, $3::date::timestamp, interval '1 month') m
               ), events as (
                   select 'visit' as kind, date_trunc('month', visited_on)::date as month
                     from visit
                    where station_id = $1 and deleted_at is null
                      and visited_on >= $2 and visited_on < $4
                   union all
                   select 'hazard', date_trunc('month', found_on)::date
                     from hazard
                    where station_id = $1 and deleted_at is null
                      and found_on >= $2 and found_on < $4
                   union all
                   select 'dispute', date_trunc('month', reported_on)::date
                     from dispute
                    where station_id = $1 and deleted_at is null
                      and reported_on >= $2 and reported_on < $4
                   union all
                   select 'incident', date_trunc('month', occurred_on)::date
                     from incident
                    where station_id = $1 and deleted_at is null
                      and occurred_on >= $2 and occurred_on < $4
                   union all
                   select 'demand', date_trunc('month', received_on)::date
                     from demand
                    where station_id = $1 and deleted_at is null
                      and received_on >= $2 and received_on < $4
               )
               select mo.month as "month!",
                      count(ev.kind) filter (where ev.kind = 'visit') as "visits!",
                      count(ev.kind) filter (where ev.kind = 'hazard') as "hazards!",
                      count(ev.kind) filter (where ev.kind = 'dispute') as "disputes!",
                      count(ev.kind) filter (where ev.kind = 'incident') as "incidents!",
                      count(ev.kind) filter (where ev.kind = 'demand') as "demands!"
               from months mo
               left join events ev on ev.month = mo.month
               group by mo.month
               order by mo.month"#,
            station,
            first_month,
            this_month,
            next_month
        )
        .fetch_all(db)
        .await
    };
    let visits_by_officer = async {
        sqlx::query_as!(
            OfficerVisits,
            r#"select u.display_name as name, coalesce(c.n, 0) as "n!"
               from app_user u
               left join (
                   select vo.user_id, count(*) as n
                   from visit v join visit_officer vo on vo.visit_id = v.visit_id
                   where v.station_id = $1 and v.deleted_at is null
                     and v.visited_on >= $2 and v.visited_on < $3
                   group by vo.user_id
               ) c on c.user_id = u.user_id
               where u.station_id = $1
                 and (c.n > 0 or (u.role = 'officer' and u.disabled_at is null))
               order by coalesce(c.n, 0) desc, u.display_name, u.user_id"#,
            station,
            this_month,
            next_month
        )
        .fetch_all(db)
        .await
    };
    let (
        counts,
        by_industry,
        overdue_demands,
        (ack_days, waiting_pushes),
        levels_now,
        levels_by_quarter,
        activity,
        visits_by_officer,
    ) = tokio::try_join!(
        counts,
        by_industry,
        crate::demands::overdue_for_station(db, station, day, ctx.lang),
        pushes,
        levels_now,
        levels_by_quarter,
        activity,
        visits_by_officer,
    )?;

    let dx = dashboard_text(ctx.lang);
    let words = charts::words(ctx.lang);
    let names = LevelNames::from_messages(ctx.t);
    let this_month_label = this_month.format("%Y-%m").to_string();
    let levels_now = levels_now_chart(&levels_now, dx, words, &names);
    let levels_by_quarter =
        levels_by_quarter_chart(&levels_by_quarter, current_quarter, dx, words, &names);
    let activity = activity_chart(&activity, &this_month_label, dx, words);
    let visits_by_officer = visits_chart(&visits_by_officer, &this_month_label, dx, words);
    Ok(ChiefHome {
        dx,
        waiting_pushes,
        ack_days,
        now,
        overdue_demands,
        total: counts.total,
        active: counts.active,
        officers: counts.officers,
        overdue_hazards: counts.overdue_hazards,
        disputes_awaiting: counts.disputes_awaiting,
        visits_this_month: counts.visits_this_month,
        by_industry,
        levels_now,
        levels_by_quarter,
        activity,
        visits_by_officer,
        this_month: this_month_label,
        ctx,
    })
}

const LEVEL_ROWS: [Option<Level>; 4] = [
    Some(Level::Green),
    Some(Level::Yellow),
    Some(Level::Red),
    None,
];

fn levels_now_chart(
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

fn levels_by_quarter_chart(
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

fn activity_chart(
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

fn visits_chart(
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

#[derive(Debug)]
pub struct AuditRow {
    pub at: DateTime<Utc>,
    pub actor_label: String,
    pub action: String,
    pub summary: String,
}

impl AuditRow {
    pub fn when(&self) -> String {
        crate::web::local_time(&self.at)
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "home/admin.html")]
struct AdminHome {
    ctx: PageCtx,
    stations: i64,
    departments: i64,
    users: i64,
    audit: Vec<AuditRow>,
}

async fn admin(State(state): State<AppState>, ctx: PageCtx, _me: Admin) -> AppResult<AdminHome> {
    let counts = sqlx::query!(
        r#"select (select count(*) from station) as "stations!",
                  (select count(*) from department) as "departments!",
                  (select count(*) from app_user) as "users!""#
    )
    .fetch_one(&state.db)
    .await?;
    let audit = sqlx::query_as!(
        AuditRow,
        "select at, actor_label, action, summary from audit_event
         order by audit_event_id desc limit 20"
    )
    .fetch_all(&state.db)
    .await?;
    Ok(AdminHome {
        ctx,
        stations: counts.stations,
        departments: counts.departments,
        users: counts.users,
        audit,
    })
}
