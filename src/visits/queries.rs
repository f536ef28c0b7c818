//! The SQL of visits. Every query takes the station it is scoped to.

use chrono::NaiveDate;
use sqlx::{PgConnection, PgPool};

use super::model::{
    CheckAnswer, CheckInput, CheckRow, ChecklistItem, ChecklistTemplate, PickRow, Visit,
    VisitInput, VisitKind, VisitRow,
};
use crate::auth::StationScope;
use crate::ids::{EnterpriseId, UserId, VisitId};
use crate::users::Officer;

/// The checklist version new inspections are filled with.
pub(super) async fn latest_template(db: &PgPool) -> sqlx::Result<Option<ChecklistTemplate>> {
    sqlx::query_as!(
        ChecklistTemplate,
        "select checklist_template_id, title, title_en from checklist_template
         order by version desc limit 1"
    )
    .fetch_optional(db)
    .await
}

pub(super) async fn template(
    db: &PgPool,
    checklist_template_id: i64,
) -> sqlx::Result<Option<ChecklistTemplate>> {
    sqlx::query_as!(
        ChecklistTemplate,
        "select checklist_template_id, title, title_en from checklist_template
         where checklist_template_id = $1",
        checklist_template_id
    )
    .fetch_optional(db)
    .await
}

pub(super) async fn template_items(
    db: &PgPool,
    checklist_template_id: i64,
) -> sqlx::Result<Vec<ChecklistItem>> {
    sqlx::query_as!(
        ChecklistItem,
        "select checklist_item_id, position, text, text_en from checklist_item
         where checklist_template_id = $1 order by position",
        checklist_template_id
    )
    .fetch_all(db)
    .await
}

pub(super) async fn insert(
    conn: &mut PgConnection,
    station: StationScope,
    enterprise_id: i64,
    user: UserId,
    v: &VisitInput,
    checklist_template_id: Option<i64>,
    liaison_contact: bool,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        "insert into visit (station_id, enterprise_id, visited_on, kind, notes, suggestions,
                            checklist_template_id, liaison_contact, created_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         returning visit_id",
        station.id(),
        enterprise_id,
        v.visited_on,
        v.kind as VisitKind,
        v.notes,
        v.suggestions,
        checklist_template_id,
        liaison_contact,
        user.get()
    )
    .fetch_one(conn)
    .await
}

/// Replace the visit's officers. The visit was just loaded or inserted
/// within the station; the officers were checked against the station's.
pub(super) async fn set_officers(
    conn: &mut PgConnection,
    visit_id: i64,
    officers: &[i64],
) -> sqlx::Result<()> {
    sqlx::query!("delete from visit_officer where visit_id = $1", visit_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query!(
        "insert into visit_officer (visit_id, user_id) select $1, unnest($2::bigint[])",
        visit_id,
        officers
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Replace the visit's checklist answers (items of its template, checked by
/// the caller).
pub(super) async fn set_checks(
    conn: &mut PgConnection,
    visit_id: i64,
    checks: &[CheckInput],
) -> sqlx::Result<()> {
    sqlx::query!("delete from visit_check where visit_id = $1", visit_id)
        .execute(&mut *conn)
        .await?;
    let items: Vec<i64> = checks.iter().map(|c| c.checklist_item_id).collect();
    let answers: Vec<String> = checks.iter().map(|c| c.answer.code().to_owned()).collect();
    let notes: Vec<String> = checks.iter().map(|c| c.note.clone()).collect();
    sqlx::query!(
        "insert into visit_check (visit_id, checklist_item_id, answer, note)
         select $1, t.item, t.answer::check_answer, t.note
         from unnest($2::bigint[], $3::text[], $4::text[]) as t(item, answer, note)",
        visit_id,
        &items,
        &answers,
        &notes
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub(super) async fn get(
    db: &PgPool,
    station: StationScope,
    id: VisitId,
) -> sqlx::Result<Option<Visit>> {
    sqlx::query_as!(
        Visit,
        r#"select v.visit_id, v.enterprise_id, e.name as enterprise_name, v.visited_on,
                  v.kind as "kind: VisitKind", v.notes, v.suggestions, v.checklist_template_id,
                  v.liaison_contact, v.version, u.display_name as created_by_name
           from visit v
           join enterprise e on e.enterprise_id = v.enterprise_id
           join app_user u on u.user_id = v.created_by
           where v.visit_id = $1 and v.station_id = $2 and v.deleted_at is null"#,
        id.get(),
        station.id()
    )
    .fetch_optional(db)
    .await
}

pub(super) async fn officers_of(
    db: &PgPool,
    station: StationScope,
    visit: VisitId,
) -> sqlx::Result<Vec<Officer>> {
    sqlx::query_as!(
        Officer,
        "select u.user_id, u.display_name
         from visit_officer vo
         join visit v on v.visit_id = vo.visit_id
         join app_user u on u.user_id = vo.user_id
         where vo.visit_id = $1 and v.station_id = $2
         order by u.display_name",
        visit.get(),
        station.id()
    )
    .fetch_all(db)
    .await
}

pub(super) async fn checks_of(
    db: &PgPool,
    station: StationScope,
    visit: VisitId,
) -> sqlx::Result<Vec<CheckRow>> {
    sqlx::query_as!(
        CheckRow,
        r#"select c.checklist_item_id, i.position, i.text, i.text_en,
                  c.answer as "answer: CheckAnswer", c.note
           from visit_check c
           join visit v on v.visit_id = c.visit_id
           join checklist_item i on i.checklist_item_id = c.checklist_item_id
           where c.visit_id = $1 and v.station_id = $2
           order by i.position"#,
        visit.get(),
        station.id()
    )
    .fetch_all(db)
    .await
}

/// Save if `version` is still the stored one; false when it is not (or the
/// visit is gone). The kind never changes.
pub(super) async fn update(
    conn: &mut PgConnection,
    station: StationScope,
    id: VisitId,
    version: i32,
    v: &VisitInput,
    liaison_contact: bool,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update visit set visited_on = $4, notes = $5, suggestions = $6, liaison_contact = $7,
                version = version + 1
         where visit_id = $1 and station_id = $2 and version = $3 and deleted_at is null",
        id.get(),
        station.id(),
        version,
        v.visited_on,
        v.notes,
        v.suggestions,
        liaison_contact
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub(super) struct Deleted {
    pub enterprise_id: i64,
    pub enterprise_name: String,
    pub visited_on: NaiveDate,
    pub kind: VisitKind,
    pub notes: String,
}

pub(super) async fn soft_delete(
    conn: &mut PgConnection,
    station: StationScope,
    id: VisitId,
    user: UserId,
) -> sqlx::Result<Option<Deleted>> {
    sqlx::query_as!(
        Deleted,
        r#"update visit v set deleted_at = now(), deleted_by = $3
           from enterprise e
           where v.visit_id = $1 and v.station_id = $2 and v.deleted_at is null
             and e.enterprise_id = v.enterprise_id
           returning v.enterprise_id, e.name as enterprise_name, v.visited_on,
                     v.kind as "kind: VisitKind", v.notes"#,
        id.get(),
        station.id(),
        user.get()
    )
    .fetch_optional(conn)
    .await
}

/// The list's filters, already parsed.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Filter {
    pub kind: Option<VisitKind>,
    pub officer: Option<i64>,
    pub enterprise: Option<EnterpriseId>,
    /// Inclusive range on `visited_on`.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

pub(super) async fn count(db: &PgPool, station: StationScope, f: Filter) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"select count(*) as "n!" from visit v
           where v.station_id = $1 and v.deleted_at is null
             and ($2::visit_kind is null or v.kind = $2)
             and ($3::bigint is null or exists (select 1 from visit_officer vo
                                                where vo.visit_id = v.visit_id and vo.user_id = $3))
             and ($4::date is null or v.visited_on >= $4)
             and ($5::date is null or v.visited_on <= $5)
             and ($6::bigint is null or v.enterprise_id = $6)"#,
        station.id(),
        f.kind as Option<VisitKind>,
        f.officer,
        f.from,
        f.to,
        f.enterprise.map(EnterpriseId::get)
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
) -> sqlx::Result<Vec<VisitRow>> {
    sqlx::query_as!(
        VisitRow,
        r#"select v.visit_id, v.enterprise_id, e.name as enterprise_name, v.visited_on,
                  v.kind as "kind: VisitKind", v.liaison_contact,
                  array(select u.display_name from visit_officer vo
                        join app_user u on u.user_id = vo.user_id
                        where vo.visit_id = v.visit_id order by u.display_name) as "officer_names!",
                  (select count(*) from visit_check c
                   where c.visit_id = v.visit_id and c.answer = 'fail') as "failed!",
                  (select count(*) from hazard h
                   where h.visit_id = v.visit_id and h.station_id = v.station_id
                     and h.deleted_at is null) as "hazards!"
           from visit v
           join enterprise e on e.enterprise_id = v.enterprise_id
           where v.station_id = $1 and v.deleted_at is null
             and ($2::visit_kind is null or v.kind = $2)
             and ($3::bigint is null or exists (select 1 from visit_officer vo
                                                where vo.visit_id = v.visit_id and vo.user_id = $3))
             and ($4::date is null or v.visited_on >= $4)
             and ($5::date is null or v.visited_on <= $5)
             and ($6::bigint is null or v.enterprise_id = $6)
           order by v.visited_on desc, v.visit_id desc
           limit $7 offset $8"#,
        station.id(),
        f.kind as Option<VisitKind>,
        f.officer,
        f.from,
        f.to,
        f.enterprise.map(EnterpriseId::get),
        limit,
        offset
    )
    .fetch_all(db)
    .await
}

pub(super) struct TimelineRow {
    pub visit_id: i64,
    pub visited_on: NaiveDate,
    pub kind: VisitKind,
    pub notes: String,
    pub failed: i64,
}

pub(super) async fn for_enterprise(
    db: &PgPool,
    station: StationScope,
    enterprise: EnterpriseId,
) -> sqlx::Result<Vec<TimelineRow>> {
    sqlx::query_as!(
        TimelineRow,
        r#"select v.visit_id, v.visited_on, v.kind as "kind: VisitKind", v.notes,
                  (select count(*) from visit_check c
                   where c.visit_id = v.visit_id and c.answer = 'fail') as "failed!"
           from visit v
           where v.station_id = $1 and v.enterprise_id = $2 and v.deleted_at is null
           order by v.visited_on desc, v.visit_id desc"#,
        station.id(),
        enterprise.get()
    )
    .fetch_all(db)
    .await
}

/// The failed items (in the checklist's own words) of the enterprise's
/// latest security inspection, in checklist order.
pub(super) async fn latest_inspection_failures(
    db: &PgPool,
    station: StationScope,
    enterprise: EnterpriseId,
) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar!(
        "select i.text
         from visit_check c
         join checklist_item i on i.checklist_item_id = c.checklist_item_id
         where c.answer = 'fail'
           and c.visit_id = (select v.visit_id from visit v
                             where v.station_id = $1 and v.enterprise_id = $2
                               and v.kind = 'inspection' and v.deleted_at is null
                             order by v.visited_on desc, v.visit_id desc
                             limit 1)
         order by i.position",
        station.id(),
        enterprise.get()
    )
    .fetch_all(db)
    .await
}

/// `q` with the `LIKE` wildcards escaped, so it matches literally.
fn escape_like(q: &str) -> String {
    let mut out = String::with_capacity(q.len() + 2);
    for c in q.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Active enterprises of the station whose name contains `q` or whose
/// credit code starts with it; the user's own liaison enterprises first.
/// `q` is not empty (the index of migration 0011 narrows the search).
pub(super) async fn search_enterprises(
    db: &PgPool,
    station: StationScope,
    user: UserId,
    q: &str,
    limit: i64,
) -> sqlx::Result<Vec<PickRow>> {
    let name = format!("%{}%", escape_like(q));
    let code = format!("{}%", escape_like(&q.to_uppercase()));
    sqlx::query_as!(
        PickRow,
        r#"select enterprise_id, name, credit_code, address
           from enterprise
           where station_id = $1 and deleted_at is null and status = 'active'
             and search_grams(name || ' ' || credit_code || ' ' || address)
                 @> search_query_grams($6)
             and (name ilike $2 or credit_code like $3)
           order by (liaison_officer_id is not distinct from $4) desc, name
           limit $5"#,
        station.id(),
        name,
        code,
        user.get(),
        limit,
        q
    )
    .fetch_all(db)
    .await
}

/// The user's active liaison enterprises.
pub(super) async fn liaison_enterprises(
    db: &PgPool,
    station: StationScope,
    user: UserId,
    limit: i64,
) -> sqlx::Result<Vec<PickRow>> {
    sqlx::query_as!(
        PickRow,
        r#"select enterprise_id, name, credit_code, address
           from enterprise
           where station_id = $1 and liaison_officer_id = $2 and deleted_at is null
             and status = 'active'
           order by name
           limit $3"#,
        station.id(),
        user.get(),
        limit
    )
    .fetch_all(db)
    .await
}
