//! The SQL of trainings. Every query takes the station it is scoped to.

use chrono::NaiveDate;
use sqlx::{PgConnection, PgExecutor, PgPool};

use super::model::{Choosable, Kind, Training, TrainingInput};
use crate::auth::StationScope;
use crate::ids::{EnterpriseId, TrainingId, UserId};

pub(super) async fn insert(
    conn: &mut PgConnection,
    station: StationScope,
    user_id: UserId,
    t: &TrainingInput,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        "insert into training (station_id, held_on, kind, topic, attendee_count, created_by)
         values ($1, $2, $3, $4, $5, $6)
         returning training_id",
        station.id(),
        t.held_on,
        t.kind as Kind,
        t.topic,
        t.attendee_count,
        user_id.get()
    )
    .fetch_one(conn)
    .await
}

/// Replace the enterprises attending; only the station's enterprises are
/// written, each held (`for share`) until the save ends so that none is
/// removed under it. Returns how many were: fewer than asked when one went
/// away since the form was checked.
pub(super) async fn set_attendees(
    conn: &mut PgConnection,
    station: StationScope,
    training_id: TrainingId,
    enterprise_ids: &[i64],
) -> sqlx::Result<u64> {
    sqlx::query!(
        "delete from training_enterprise te using training t
         where te.training_id = t.training_id and t.training_id = $1 and t.station_id = $2",
        training_id.get(),
        station.id()
    )
    .execute(&mut *conn)
    .await?;
    let done = sqlx::query!(
        "insert into training_enterprise (training_id, enterprise_id)
         select $1, e.enterprise_id from enterprise e
         where e.enterprise_id = any($2) and e.station_id = $3 and e.deleted_at is null
         for share of e",
        training_id.get(),
        enterprise_ids,
        station.id()
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

pub(super) async fn get(
    db: &PgPool,
    station: StationScope,
    id: TrainingId,
) -> sqlx::Result<Option<Training>> {
    sqlx::query_as!(
        Training,
        r#"select t.training_id, t.held_on, t.kind as "kind: Kind", t.topic, t.attendee_count,
                  t.version, u.display_name as created_by_name,
                  array(select e.name from training_enterprise te
                        join enterprise e on e.enterprise_id = te.enterprise_id
                        where te.training_id = t.training_id and e.deleted_at is null
                        order by e.name) as "enterprise_names!",
                  array(select e.enterprise_id from training_enterprise te
                        join enterprise e on e.enterprise_id = te.enterprise_id
                        where te.training_id = t.training_id and e.deleted_at is null
                        order by e.name) as "enterprise_ids!"
           from training t
           join app_user u on u.user_id = t.created_by
           where t.training_id = $1 and t.station_id = $2 and t.deleted_at is null"#,
        id.get(),
        station.id()
    )
    .fetch_optional(db)
    .await
}

/// Save if `version` is still the stored one; false when it is not.
pub(super) async fn update(
    conn: &mut PgConnection,
    station: StationScope,
    id: TrainingId,
    version: i32,
    t: &TrainingInput,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update training set held_on = $4, kind = $5, topic = $6, attendee_count = $7,
                version = version + 1
         where training_id = $1 and station_id = $2 and version = $3 and deleted_at is null",
        id.get(),
        station.id(),
        version,
        t.held_on,
        t.kind as Kind,
        t.topic,
        t.attendee_count
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub(super) struct Deleted {
    pub held_on: NaiveDate,
    pub kind: Kind,
    pub topic: String,
    pub attendee_count: i32,
}

pub(super) async fn soft_delete(
    conn: &mut PgConnection,
    station: StationScope,
    id: TrainingId,
    user_id: UserId,
) -> sqlx::Result<Option<Deleted>> {
    sqlx::query_as!(
        Deleted,
        r#"update training set deleted_at = now(), deleted_by = $3
           where training_id = $1 and station_id = $2 and deleted_at is null
           returning held_on, kind as "kind: Kind", topic, attendee_count"#,
        id.get(),
        station.id(),
        user_id.get()
    )
    .fetch_optional(conn)
    .await
}

/// The station's active enterprises, and (when editing) those already
/// attending `training_id` even if closed since.
pub(super) async fn choosable(
    db: impl PgExecutor<'_>,
    station: StationScope,
    training_id: Option<TrainingId>,
) -> sqlx::Result<Vec<Choosable>> {
    sqlx::query_as!(
        Choosable,
        r#"select e.enterprise_id, e.name, e.status = 'closed' as "closed!"
           from enterprise e
           where e.station_id = $1 and e.deleted_at is null
             and (e.status = 'active'
                  or exists(select 1 from training_enterprise te
                            where te.training_id = $2 and te.enterprise_id = e.enterprise_id))
           order by e.name, e.enterprise_id"#,
        station.id(),
        training_id.map(TrainingId::get)
    )
    .fetch_all(db)
    .await
}

/// The list's filters, already parsed; `None` filters nothing.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Filter {
    pub kind: Option<Kind>,
    pub year: Option<i32>,
    /// Only trainings this enterprise attended.
    pub enterprise: Option<EnterpriseId>,
    /// Inclusive range on `held_on`.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

pub(super) async fn count(db: &PgPool, station: StationScope, f: Filter) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"select count(*) as "n!" from training t
           where t.station_id = $1 and t.deleted_at is null
             and ($2::training_kind is null or t.kind = $2)
             and ($3::int is null or extract(year from t.held_on)::int = $3)
             and ($4::bigint is null or exists(select 1 from training_enterprise te
                                               where te.training_id = t.training_id
                                                 and te.enterprise_id = $4))
             and ($5::date is null or t.held_on >= $5)
             and ($6::date is null or t.held_on <= $6)"#,
        station.id(),
        f.kind as Option<Kind>,
        f.year,
        f.enterprise.map(EnterpriseId::get),
        f.from,
        f.to
    )
    .fetch_one(db)
    .await
}

pub(super) async fn list(
    db: &PgPool,
    station: StationScope,
    f: Filter,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<Training>> {
    sqlx::query_as!(
        Training,
        r#"select t.training_id, t.held_on, t.kind as "kind: Kind", t.topic, t.attendee_count,
                  t.version, u.display_name as created_by_name,
                  array(select e.name from training_enterprise te
                        join enterprise e on e.enterprise_id = te.enterprise_id
                        where te.training_id = t.training_id and e.deleted_at is null
                        order by e.name) as "enterprise_names!",
                  array(select e.enterprise_id from training_enterprise te
                        join enterprise e on e.enterprise_id = te.enterprise_id
                        where te.training_id = t.training_id and e.deleted_at is null
                        order by e.name) as "enterprise_ids!"
           from training t
           join app_user u on u.user_id = t.created_by
           where t.station_id = $1 and t.deleted_at is null
             and ($2::training_kind is null or t.kind = $2)
             and ($3::int is null or extract(year from t.held_on)::int = $3)
             and ($4::bigint is null or exists(select 1 from training_enterprise te
                                               where te.training_id = t.training_id
                                                 and te.enterprise_id = $4))
             and ($5::date is null or t.held_on >= $5)
             and ($6::date is null or t.held_on <= $6)
           order by t.held_on desc, t.training_id desc
           limit $7 offset $8"#,
        station.id(),
        f.kind as Option<Kind>,
        f.year,
        f.enterprise.map(EnterpriseId::get),
        f.from,
        f.to,
        limit,
        offset
    )
    .fetch_all(db)
    .await
}

/// The years with trainings, newest first, for the list's filter.
pub(super) async fn years(db: &PgPool, station: StationScope) -> sqlx::Result<Vec<i32>> {
    sqlx::query_scalar!(
        r#"select distinct extract(year from held_on)::int as "year!" from training
           where station_id = $1 and deleted_at is null
           order by 1 desc"#,
        station.id()
    )
    .fetch_all(db)
    .await
}

pub(super) struct TimelineRow {
    pub training_id: i64,
    pub held_on: NaiveDate,
    pub kind: Kind,
    pub topic: String,
}

/// The trainings `enterprise_id` attended.
pub(super) async fn for_enterprise(
    db: &PgPool,
    station: StationScope,
    enterprise_id: EnterpriseId,
) -> sqlx::Result<Vec<TimelineRow>> {
    sqlx::query_as!(
        TimelineRow,
        r#"select t.training_id, t.held_on, t.kind as "kind: Kind", t.topic
           from training t
           join training_enterprise te on te.training_id = t.training_id
           where t.station_id = $1 and te.enterprise_id = $2 and t.deleted_at is null
           order by t.held_on desc, t.training_id desc"#,
        station.id(),
        enterprise_id.get()
    )
    .fetch_all(db)
    .await
}
