//! The SQL of the home pages: the officer's enterprises, the station
//! dashboard's counts (each one set-based query) and the admin's totals.

use chrono::NaiveDate;
use sqlx::PgPool;

use crate::auth::StationScope;
use crate::i18n::Lang;
use crate::ids::UserId;
use crate::level::Level;
use crate::scoring::Quarter;

/// An enterprise an officer is liaison for.
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

/// The enterprises of the station `officer` is liaison for (active first).
pub(super) async fn liaison_enterprises(
    db: &PgPool,
    station: StationScope,
    officer: UserId,
) -> sqlx::Result<Vec<EnterpriseRow>> {
    sqlx::query_as!(
        EnterpriseRow,
        r#"select e.enterprise_id, e.name, e.credit_code, i.name as industry,
                  i.name_en as industry_en, e.address, e.status = 'closed' as "closed!"
           from enterprise e join industry i on i.code = e.industry_code
           where e.station_id = $1 and e.liaison_officer_id = $2
           order by e.status, e.name
           limit 200"#,
        station.id(),
        officer.get()
    )
    .fetch_all(db)
    .await
}

/// Enterprises of one industry.
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

/// Active enterprises per current level (`None` = not yet evaluated).
pub(super) struct LevelCount {
    pub level: Option<Level>,
    pub n: i64,
}

/// Final levels of a published quarter.
pub(super) struct QuarterLevelCount {
    pub quarter: String,
    pub level: Option<Level>,
    pub n: i64,
}

/// The station's records of one month.
pub(super) struct MonthActivity {
    pub month: NaiveDate,
    pub visits: i64,
    pub hazards: i64,
    pub disputes: i64,
    pub incidents: i64,
    pub demands: i64,
}

pub(super) struct OfficerVisits {
    pub name: String,
    pub n: i64,
}

/// The counts the dashboard shows as numbers.
pub(super) struct Counts {
    pub total: i64,
    pub active: i64,
    pub officers: i64,
    pub overdue_hazards: i64,
    pub disputes_awaiting: i64,
    pub visits_this_month: i64,
}

/// A month as `[first, next)`.
pub(super) type Month = (NaiveDate, NaiveDate);

/// The dashboard's numbers on `day`, within `month`.
pub(super) async fn counts(
    db: &PgPool,
    station: StationScope,
    day: NaiveDate,
    (this_month, next_month): Month,
) -> sqlx::Result<Counts> {
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
        station.id(),
        day,
        this_month,
        next_month
    )
    .fetch_one(db)
    .await
}

/// The station's enterprises per industry, most first.
pub(super) async fn by_industry(
    db: &PgPool,
    station: StationScope,
) -> sqlx::Result<Vec<IndustryCount>> {
    sqlx::query_as!(
        IndustryCount,
        r#"select i.name, i.name_en, count(*) as "n!"
           from enterprise e join industry i on i.code = e.industry_code
           where e.station_id = $1 and e.deleted_at is null
           group by i.code, i.name, i.name_en, i.sort_order
           order by count(*) desc, i.sort_order"#,
        station.id()
    )
    .fetch_all(db)
    .await
}

pub(super) async fn levels_now(
    db: &PgPool,
    station: StationScope,
) -> sqlx::Result<Vec<LevelCount>> {
    sqlx::query_as!(
        LevelCount,
        r#"select current_level as "level: Level", count(*) as "n!"
           from enterprise
           where station_id = $1 and deleted_at is null and status = 'active'
           group by current_level"#,
        station.id()
    )
    .fetch_all(db)
    .await
}

/// Final levels of the station's published quarters from `oldest` on.
pub(super) async fn levels_by_quarter(
    db: &PgPool,
    station: StationScope,
    oldest: Quarter,
) -> sqlx::Result<Vec<QuarterLevelCount>> {
    sqlx::query_as!(
        QuarterLevelCount,
        r#"select ev.quarter, a.final_level as "level: Level", count(*) as "n!"
           from evaluation ev
           join assessment a on a.evaluation_id = ev.evaluation_id and a.station_id = ev.station_id
           where ev.station_id = $1 and ev.status = 'published' and ev.quarter >= $2
           group by ev.quarter, a.final_level"#,
        station.id(),
        oldest.to_string()
    )
    .fetch_all(db)
    .await
}

/// The station's records per month from `first_month` to `this_month`.
pub(super) async fn activity(
    db: &PgPool,
    station: StationScope,
    first_month: NaiveDate,
    (this_month, next_month): Month,
) -> sqlx::Result<Vec<MonthActivity>> {
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
        station.id(),
        first_month,
        this_month,
        next_month
    )
    .fetch_all(db)
    .await
}

/// Visits per officer in `month` (officers without any too, chiefs only
/// when they visited).
pub(super) async fn visits_by_officer(
    db: &PgPool,
    station: StationScope,
    (this_month, next_month): Month,
) -> sqlx::Result<Vec<OfficerVisits>> {
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
        station.id(),
        this_month,
        next_month
    )
    .fetch_all(db)
    .await
}

/// Stations, departments and accounts in all.
pub(super) struct Totals {
    pub stations: i64,
    pub departments: i64,
    pub users: i64,
}

pub(super) async fn totals(db: &PgPool) -> sqlx::Result<Totals> {
    sqlx::query_as!(
        Totals,
        r#"select (select count(*) from station) as "stations!",
                  (select count(*) from department) as "departments!",
                  (select count(*) from app_user) as "users!""#
    )
    .fetch_one(db)
    .await
}
