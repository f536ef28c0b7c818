//! The SQL of disputes. Every query takes the station it is scoped to.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgConnection, PgPool};

use super::model::{Dispute, DisputeInput, Force, Kind, Locked, Method, Status};
use crate::auth::StationScope;
use crate::ids::{DisputeId, EnterpriseId, FollowUpId, UserId};

/// The mass-dispute threshold of the newest scoring policy.
pub(super) async fn mass_threshold(db: &PgPool) -> sqlx::Result<Option<i32>> {
    sqlx::query_scalar!(
        "select mass_dispute_threshold from scoring_policy order by version desc limit 1"
    )
    .fetch_optional(db)
    .await
}

pub(super) async fn insert(
    conn: &mut PgConnection,
    station: StationScope,
    enterprise_id: EnterpriseId,
    user_id: UserId,
    d: &DisputeInput,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        "insert into dispute (station_id, enterprise_id, reported_on, parties, kind,
                              people_involved, mediation_forces, summary, created_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         returning dispute_id",
        station.id(),
        enterprise_id.get(),
        d.reported_on,
        d.parties,
        d.kind as Kind,
        d.people_involved,
        &d.forces as &[Force],
        d.summary,
        user_id.get()
    )
    .fetch_one(conn)
    .await
}

pub(super) async fn get(
    db: &PgPool,
    station: StationScope,
    id: DisputeId,
) -> sqlx::Result<Option<Dispute>> {
    sqlx::query_as!(
        Dispute,
        r#"select d.dispute_id, d.enterprise_id, e.name as enterprise_name,
                  e.liaison_officer_id, d.reported_on, d.parties, d.kind as "kind: Kind",
                  d.people_involved, d.mediation_forces as "mediation_forces: Vec<Force>",
                  d.status as "status: Status", d.summary, d.resolution, d.resolved_on,
                  d.closed_on, d.version, u.display_name as created_by_name
           from dispute d
           join enterprise e on e.enterprise_id = d.enterprise_id
           join app_user u on u.user_id = d.created_by
           where d.dispute_id = $1 and d.station_id = $2 and d.deleted_at is null"#,
        id.get(),
        station.id()
    )
    .fetch_optional(db)
    .await
}

/// Save if `version` is still the stored one; false when it is not (or the
/// dispute is gone).
pub(super) async fn update(
    conn: &mut PgConnection,
    station: StationScope,
    id: DisputeId,
    version: i32,
    d: &DisputeInput,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update dispute set reported_on = $4, parties = $5, kind = $6, people_involved = $7,
                mediation_forces = $8, summary = $9, version = version + 1
         where dispute_id = $1 and station_id = $2 and version = $3 and deleted_at is null",
        id.get(),
        station.id(),
        version,
        d.reported_on,
        d.parties,
        d.kind as Kind,
        d.people_involved,
        &d.forces as &[Force],
        d.summary
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub(super) struct Deleted {
    pub enterprise_id: i64,
    pub enterprise_name: String,
    pub reported_on: NaiveDate,
    pub kind: Kind,
    pub status: Status,
    pub parties: String,
    pub people_involved: i32,
}

pub(super) async fn soft_delete(
    conn: &mut PgConnection,
    station: StationScope,
    id: DisputeId,
    user_id: UserId,
) -> sqlx::Result<Option<Deleted>> {
    sqlx::query_as!(
        Deleted,
        r#"update dispute d set deleted_at = now(), deleted_by = $3
           from enterprise e
           where d.dispute_id = $1 and d.station_id = $2 and d.deleted_at is null
             and e.enterprise_id = d.enterprise_id
           returning d.enterprise_id, e.name as enterprise_name, d.reported_on,
                     d.kind as "kind: Kind", d.status as "status: Status", d.parties,
                     d.people_involved"#,
        id.get(),
        station.id(),
        user_id.get()
    )
    .fetch_optional(conn)
    .await
}

pub(super) async fn lock(
    conn: &mut PgConnection,
    station: StationScope,
    id: DisputeId,
) -> sqlx::Result<Option<Locked>> {
    sqlx::query_as!(
        Locked,
        r#"select status as "status: Status", version, reported_on, resolved_on, resolution
           from dispute
           where dispute_id = $1 and station_id = $2 and deleted_at is null
           for update"#,
        id.get(),
        station.id()
    )
    .fetch_optional(conn)
    .await
}

/// The dispute's new state after a step.
pub(super) struct NewState<'a> {
    pub status: Status,
    pub resolution: &'a str,
    pub resolved_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
}

pub(super) async fn set_state(
    conn: &mut PgConnection,
    station: StationScope,
    id: DisputeId,
    version: i32,
    s: &NewState<'_>,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update dispute set status = $4, resolution = $5, resolved_on = $6, closed_on = $7,
                version = version + 1
         where dispute_id = $1 and station_id = $2 and version = $3 and deleted_at is null",
        id.get(),
        station.id(),
        version,
        s.status as Status,
        s.resolution,
        s.resolved_on,
        s.closed_on
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A status change for the dispute's history.
pub(super) struct NewEvent<'a> {
    pub from: Option<Status>,
    pub to: Status,
    /// The step's note (the resolution, for a resolve).
    pub note: &'a str,
    pub by: UserId,
}

pub(super) async fn insert_event(
    conn: &mut PgConnection,
    station: StationScope,
    dispute_id: DisputeId,
    e: &NewEvent<'_>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into dispute_event (station_id, dispute_id, from_status, to_status, reason, by_user)
         values ($1, $2, $3, $4, $5, $6)",
        station.id(),
        dispute_id.get(),
        e.from as Option<Status>,
        e.to as Status,
        e.note,
        e.by.get()
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub(super) struct EventRow {
    pub from_status: Option<Status>,
    pub to_status: Status,
    pub reason: String,
    pub at: DateTime<Utc>,
    pub by_name: String,
}

pub(super) async fn events(
    db: &PgPool,
    station: StationScope,
    dispute_id: DisputeId,
) -> sqlx::Result<Vec<EventRow>> {
    sqlx::query_as!(
        EventRow,
        r#"select ev.from_status as "from_status: Status", ev.to_status as "to_status: Status",
                  ev.reason, ev.at, u.display_name as by_name
           from dispute_event ev
           join app_user u on u.user_id = ev.by_user
           where ev.dispute_id = $1 and ev.station_id = $2
           order by ev.at desc, ev.dispute_event_id desc"#,
        dispute_id.get(),
        station.id()
    )
    .fetch_all(db)
    .await
}

/// The liaison officer of the dispute's enterprise, if it has an active one
/// in the station.
pub(super) async fn liaison_officer(
    conn: &mut PgConnection,
    station: StationScope,
    dispute_id: DisputeId,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!(
        "select u.user_id
         from dispute d
         join enterprise e on e.enterprise_id = d.enterprise_id
         join app_user u on u.user_id = e.liaison_officer_id
         where d.dispute_id = $1 and d.station_id = $2
           and u.station_id = $2 and u.role in ('officer', 'chief') and u.disabled_at is null",
        dispute_id.get(),
        station.id()
    )
    .fetch_optional(conn)
    .await
}

pub(super) async fn insert_follow_up(
    conn: &mut PgConnection,
    station: StationScope,
    dispute_id: DisputeId,
    assigned_to: UserId,
    due_on: NaiveDate,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        "insert into dispute_follow_up (station_id, dispute_id, assigned_to, due_on)
         values ($1, $2, $3, $4)
         returning dispute_follow_up_id",
        station.id(),
        dispute_id.get(),
        assigned_to.get(),
        due_on
    )
    .fetch_one(conn)
    .await
}

/// Follow-ups neither done nor cancelled.
pub(super) async fn count_pending(
    conn: &mut PgConnection,
    station: StationScope,
    dispute_id: DisputeId,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"select count(*) as "n!" from dispute_follow_up
           where dispute_id = $1 and station_id = $2
             and done_on is null and cancelled_at is null"#,
        dispute_id.get(),
        station.id()
    )
    .fetch_one(conn)
    .await
}

/// Cancel the pending follow-ups (the dispute was reopened); how many.
pub(super) async fn cancel_pending(
    conn: &mut PgConnection,
    station: StationScope,
    dispute_id: DisputeId,
) -> sqlx::Result<u64> {
    let done = sqlx::query!(
        "update dispute_follow_up set cancelled_at = now(), version = version + 1
         where dispute_id = $1 and station_id = $2 and done_on is null and cancelled_at is null",
        dispute_id.get(),
        station.id()
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

pub(super) struct FollowUpRow {
    pub follow_up_id: i64,
    pub assigned_to_name: String,
    pub due_on: NaiveDate,
    pub done_on: Option<NaiveDate>,
    pub method: Option<Method>,
    pub note: String,
    pub cancelled: bool,
    pub done_by_name: Option<String>,
}

impl FollowUpRow {
    pub(super) fn is_pending(&self) -> bool {
        self.done_on.is_none() && !self.cancelled
    }
}

pub(super) async fn follow_ups(
    db: &PgPool,
    station: StationScope,
    dispute_id: DisputeId,
) -> sqlx::Result<Vec<FollowUpRow>> {
    sqlx::query_as!(
        FollowUpRow,
        r#"select f.dispute_follow_up_id as follow_up_id,
                  a.display_name as assigned_to_name, f.due_on, f.done_on,
                  f.method as "method: Method", f.note,
                  f.cancelled_at is not null as "cancelled!",
                  b.display_name as "done_by_name?"
           from dispute_follow_up f
           join app_user a on a.user_id = f.assigned_to
           left join app_user b on b.user_id = f.done_by
           where f.dispute_id = $1 and f.station_id = $2
           order by f.due_on, f.dispute_follow_up_id"#,
        dispute_id.get(),
        station.id()
    )
    .fetch_all(db)
    .await
}

/// Whether the follow-up belongs to this dispute of this station.
pub(super) async fn follow_up_exists(
    conn: &mut PgConnection,
    station: StationScope,
    dispute_id: DisputeId,
    follow_up_id: FollowUpId,
) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"select exists(select 1 from dispute_follow_up
                         where dispute_follow_up_id = $1 and dispute_id = $2 and station_id = $3)
           as "found!""#,
        follow_up_id.get(),
        dispute_id.get(),
        station.id()
    )
    .fetch_one(conn)
    .await
}

pub(super) struct Done {
    pub method: Method,
    pub done_on: NaiveDate,
    pub note: String,
    pub user_id: i64,
}

/// Record a pending follow-up as done; false when it no longer is pending.
pub(super) async fn record_done(
    conn: &mut PgConnection,
    station: StationScope,
    dispute_id: DisputeId,
    follow_up_id: FollowUpId,
    d: &Done,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update dispute_follow_up
         set done_on = $4, method = $5, note = $6, done_by = $7, version = version + 1
         where dispute_follow_up_id = $1 and dispute_id = $2 and station_id = $3
           and done_on is null and cancelled_at is null",
        follow_up_id.get(),
        dispute_id.get(),
        station.id(),
        d.done_on,
        d.method as Method,
        d.note,
        d.user_id
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The list's filters, already parsed.
#[derive(Debug, Clone, Default)]
pub(super) struct Filter {
    /// Any of these statuses; empty = all.
    pub statuses: Vec<Status>,
    pub kind: Option<Kind>,
    /// Only disputes with at least this many people.
    pub min_people: Option<i32>,
    /// Only resolved disputes with a pending follow-up.
    pub awaiting_follow_up: bool,
    pub enterprise: Option<EnterpriseId>,
    /// Which date `from`/`to` apply to: `reported` or `resolved`.
    pub on: &'static str,
    /// Inclusive range on that date.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

pub(super) async fn count(db: &PgPool, station: StationScope, f: &Filter) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"select count(*) as "n!" from dispute d
           where d.station_id = $1 and d.deleted_at is null
             and (cardinality($2::dispute_status[]) = 0 or d.status = any($2))
             and ($3::dispute_kind is null or d.kind = $3)
             and ($4::integer is null or d.people_involved >= $4)
             and (not $5 or (d.status = 'resolved' and exists(
                    select 1 from dispute_follow_up fu
                    where fu.dispute_id = d.dispute_id and fu.station_id = d.station_id
                      and fu.done_on is null and fu.cancelled_at is null)))
             and ($6::bigint is null or d.enterprise_id = $6)
             and ($8::date is null
                  or (case when $7 = 'resolved' then d.resolved_on else d.reported_on end) >= $8)
             and ($9::date is null
                  or (case when $7 = 'resolved' then d.resolved_on else d.reported_on end) <= $9)"#,
        station.id(),
        &f.statuses as &[Status],
        f.kind as Option<Kind>,
        f.min_people,
        f.awaiting_follow_up,
        f.enterprise.map(EnterpriseId::get),
        f.on,
        f.from,
        f.to
    )
    .fetch_one(db)
    .await
}

pub(super) struct ListRow {
    pub dispute_id: i64,
    pub enterprise_id: i64,
    pub enterprise_name: String,
    pub reported_on: NaiveDate,
    pub parties: String,
    pub kind: Kind,
    pub people_involved: i32,
    pub status: Status,
    /// The earliest pending follow-up.
    pub next_follow_up: Option<NaiveDate>,
}

pub(super) async fn list(
    db: &PgPool,
    station: StationScope,
    f: &Filter,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<ListRow>> {
    sqlx::query_as!(
        ListRow,
        r#"select d.dispute_id, d.enterprise_id, e.name as enterprise_name, d.reported_on,
                  d.parties, d.kind as "kind: Kind", d.people_involved,
                  d.status as "status: Status", fu.next_follow_up
           from dispute d
           join enterprise e on e.enterprise_id = d.enterprise_id
           left join lateral (
               select min(due_on) as next_follow_up from dispute_follow_up p
               where p.dispute_id = d.dispute_id and p.station_id = d.station_id
                 and p.done_on is null and p.cancelled_at is null
           ) fu on true
           where d.station_id = $1 and d.deleted_at is null
             and (cardinality($2::dispute_status[]) = 0 or d.status = any($2))
             and ($3::dispute_kind is null or d.kind = $3)
             and ($4::integer is null or d.people_involved >= $4)
             and (not $5 or (d.status = 'resolved' and fu.next_follow_up is not null))
             and ($6::bigint is null or d.enterprise_id = $6)
             and ($8::date is null
                  or (case when $7 = 'resolved' then d.resolved_on else d.reported_on end) >= $8)
             and ($9::date is null
                  or (case when $7 = 'resolved' then d.resolved_on else d.reported_on end) <= $9)
           order by d.reported_on desc, d.dispute_id desc
           limit $10 offset $11"#,
        station.id(),
        &f.statuses as &[Status],
        f.kind as Option<Kind>,
        f.min_people,
        f.awaiting_follow_up,
        f.enterprise.map(EnterpriseId::get),
        f.on,
        f.from,
        f.to,
        limit,
        offset
    )
    .fetch_all(db)
    .await
}

pub(super) struct TimelineRow {
    pub dispute_id: i64,
    pub reported_on: NaiveDate,
    pub kind: Kind,
    pub parties: String,
    pub people_involved: i32,
    pub status: Status,
}

pub(super) async fn for_enterprise(
    db: &PgPool,
    station: StationScope,
    enterprise_id: EnterpriseId,
) -> sqlx::Result<Vec<TimelineRow>> {
    sqlx::query_as!(
        TimelineRow,
        r#"select dispute_id, reported_on, kind as "kind: Kind", parties, people_involved,
                  status as "status: Status"
           from dispute
           where station_id = $1 and enterprise_id = $2 and deleted_at is null
           order by reported_on desc, dispute_id desc"#,
        station.id(),
        enterprise_id.get()
    )
    .fetch_all(db)
    .await
}

pub(super) struct OpenRow {
    pub dispute_id: i64,
    pub enterprise_name: String,
    pub reported_on: NaiveDate,
    pub kind: Kind,
    pub parties: String,
    pub people_involved: i32,
    pub status: Status,
}

/// The enterprise's disputes still reported or mediating.
pub(super) async fn unresolved(
    db: &PgPool,
    station: StationScope,
    enterprise_id: EnterpriseId,
) -> sqlx::Result<Vec<OpenRow>> {
    sqlx::query_as!(
        OpenRow,
        r#"select d.dispute_id, e.name as enterprise_name, d.reported_on, d.kind as "kind: Kind",
                  d.parties, d.people_involved, d.status as "status: Status"
           from dispute d
           join enterprise e on e.enterprise_id = d.enterprise_id
           where d.station_id = $1 and d.enterprise_id = $2 and d.deleted_at is null
             and d.status in ('reported', 'mediating')
           order by d.reported_on, d.dispute_id"#,
        station.id(),
        enterprise_id.get()
    )
    .fetch_all(db)
    .await
}

pub(super) struct PendingRow {
    pub dispute_id: i64,
    pub enterprise_name: String,
    pub parties: String,
    pub kind: Kind,
    pub people_involved: i32,
    pub due_on: NaiveDate,
    pub assigned_to_name: String,
}

/// Pending follow-ups of the enterprise's disputes.
pub(super) async fn pending_for_enterprise(
    db: &PgPool,
    station: StationScope,
    enterprise_id: EnterpriseId,
) -> sqlx::Result<Vec<PendingRow>> {
    sqlx::query_as!(
        PendingRow,
        r#"select d.dispute_id, e.name as enterprise_name, d.parties, d.kind as "kind: Kind",
                  d.people_involved, f.due_on, a.display_name as assigned_to_name
           from dispute_follow_up f
           join dispute d on d.dispute_id = f.dispute_id
           join enterprise e on e.enterprise_id = d.enterprise_id
           join app_user a on a.user_id = f.assigned_to
           where f.station_id = $1 and d.station_id = $1 and d.enterprise_id = $2
             and d.deleted_at is null and d.status = 'resolved'
             and f.done_on is null and f.cancelled_at is null
           order by f.due_on, f.dispute_follow_up_id"#,
        station.id(),
        enterprise_id.get()
    )
    .fetch_all(db)
    .await
}

/// Pending follow-ups assigned to `user_id` due on or before `until`.
pub(super) async fn pending_for_officer(
    db: &PgPool,
    station: StationScope,
    user_id: UserId,
    until: NaiveDate,
) -> sqlx::Result<Vec<PendingRow>> {
    sqlx::query_as!(
        PendingRow,
        r#"select d.dispute_id, e.name as enterprise_name, d.parties, d.kind as "kind: Kind",
                  d.people_involved, f.due_on, a.display_name as assigned_to_name
           from dispute_follow_up f
           join dispute d on d.dispute_id = f.dispute_id
           join enterprise e on e.enterprise_id = d.enterprise_id
           join app_user a on a.user_id = f.assigned_to
           where f.station_id = $1 and d.station_id = $1 and f.assigned_to = $2
             and f.due_on <= $3
             and d.deleted_at is null and e.deleted_at is null and d.status = 'resolved'
             and f.done_on is null and f.cancelled_at is null
           order by f.due_on, f.dispute_follow_up_id"#,
        station.id(),
        user_id.get(),
        until
    )
    .fetch_all(db)
    .await
}
