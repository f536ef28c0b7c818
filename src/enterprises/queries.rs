//! The SQL of the enterprise register. Every query takes the station.

use sqlx::{PgConnection, PgExecutor, PgPool, Postgres, QueryBuilder};

use super::model::{Enterprise, EnterpriseBrief, EnterpriseInput, Industry, Status};
use crate::auth::StationScope;
use crate::ids::{EnterpriseId, ImportId, UserId};
use crate::level::Level;

/// The list's filters, already parsed.
#[derive(Debug, Clone, Default)]
pub(super) struct Filter {
    /// The search text (trimmed, at most 100 characters), or empty.
    pub text: String,
    /// `%…%` pattern with LIKE wildcards escaped, or empty.
    pub pattern: String,
    pub industry: String,
    /// "", "green", "yellow", "red" or "unrated".
    pub level: String,
    pub liaison: Option<i64>,
    /// "active", "closed" or "all".
    pub status: String,
    /// "name", "code", "employees", "level" or "updated".
    pub sort: String,
}

pub async fn get(
    db: &PgPool,
    station: StationScope,
    id: EnterpriseId,
) -> sqlx::Result<Option<Enterprise>> {
    sqlx::query_as!(
        Enterprise,
        r#"select e.enterprise_id, e.name, e.credit_code, e.industry_code, i.name as industry,
                  i.name_en as industry_en, e.address, e.legal_rep, e.security_manager,
                  e.security_phone, e.employee_count, e.liaison_officer_id,
                  u.display_name as "liaison_name?", e.status as "status: Status",
                  e.current_level as "current_level: Level", e.version, e.updated_at
           from enterprise e
           join industry i on i.code = e.industry_code
           left join app_user u on u.user_id = e.liaison_officer_id
           where e.enterprise_id = $1 and e.station_id = $2 and e.deleted_at is null"#,
        id.get(),
        station.id()
    )
    .fetch_optional(db)
    .await
}

/// The list's conditions, only those the filter uses (each combination
/// gets a plan of its own; see the tier board's). Codes are
/// validated and go in as literals; what the user typed is bound.
fn push_list_where(qb: &mut QueryBuilder<Postgres>, station: StationScope, f: &Filter) {
    qb.push("\n           where e.station_id = ");
    qb.push_bind(station.id());
    qb.push(" and e.deleted_at is null");
    crate::db::list::push_search(
        qb,
        &f.text,
        &f.pattern,
        &["e.name", "e.credit_code", "e.address"],
    );
    if !f.industry.is_empty() {
        qb.push("\n             and e.industry_code = ");
        qb.push_bind(f.industry.clone());
    }
    qb.push(match f.level.as_str() {
        "unrated" => "\n             and e.current_level is null",
        "red" => "\n             and e.current_level = 'red'",
        "yellow" => "\n             and e.current_level = 'yellow'",
        "green" => "\n             and e.current_level = 'green'",
        _ => "",
    });
    if let Some(liaison) = f.liaison {
        qb.push("\n             and e.liaison_officer_id = ");
        qb.push_bind(liaison);
    }
    qb.push(match f.status.as_str() {
        "all" => "",
        "closed" => "\n             and e.status = 'closed'",
        _ => "\n             and e.status = 'active'",
    });
}

pub(super) async fn count(db: &PgPool, station: StationScope, f: &Filter) -> sqlx::Result<i64> {
    let mut qb = QueryBuilder::new("select count(*) from enterprise e");
    push_list_where(&mut qb, station, f);
    qb.build_query_scalar().fetch_one(db).await
}

pub(super) async fn list(
    db: &PgPool,
    station: StationScope,
    f: &Filter,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<Enterprise>> {
    let mut qb = QueryBuilder::new(
        "select e.enterprise_id, e.name, e.credit_code, e.industry_code, i.name as industry,
                  i.name_en as industry_en, e.address, e.legal_rep, e.security_manager,
                  e.security_phone, e.employee_count, e.liaison_officer_id,
                  u.display_name as liaison_name, e.status, e.current_level, e.version,
                  e.updated_at
           from enterprise e
           join industry i on i.code = e.industry_code
           left join app_user u on u.user_id = e.liaison_officer_id",
    );
    push_list_where(&mut qb, station, f);
    qb.push(match f.sort.as_str() {
        "code" => "\n           order by e.credit_code, e.name, e.enterprise_id",
        "employees" => "\n           order by e.employee_count desc, e.name, e.enterprise_id",
        "level" => "\n           order by e.current_level desc nulls last, e.name, e.enterprise_id",
        "updated" => "\n           order by e.updated_at desc, e.name, e.enterprise_id",
        _ => "\n           order by e.name, e.enterprise_id",
    });
    crate::db::list::push_page(&mut qb, limit, offset);
    qb.build_query_as().fetch_all(db).await
}

/// The enterprise holding `credit_code` in the station, if any (not `except_id`).
pub(super) async fn holder_of_code(
    db: impl PgExecutor<'_>,
    station: StationScope,
    credit_code: &str,
    except_id: Option<EnterpriseId>,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar!(
        "select name from enterprise
         where station_id = $1 and credit_code = $2 and enterprise_id <> coalesce($3::bigint, 0)",
        station.id(),
        credit_code,
        except_id.map(EnterpriseId::get)
    )
    .fetch_optional(db)
    .await
}

pub(super) async fn insert(
    conn: &mut PgConnection,
    station: StationScope,
    e: &EnterpriseInput,
) -> sqlx::Result<EnterpriseId> {
    sqlx::query_scalar!(
        r#"insert into enterprise (station_id, name, credit_code, industry_code, address, legal_rep,
                                 security_manager, security_phone, employee_count,
                                 liaison_officer_id, status)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         returning enterprise_id as "id: EnterpriseId""#,
        station.id(),
        e.name,
        e.credit_code.as_str(),
        e.industry_code,
        e.address,
        e.legal_rep,
        e.security_manager,
        e.security_phone,
        e.employee_count,
        e.liaison_officer_id,
        e.status as Status
    )
    .fetch_one(conn)
    .await
}

/// Many at once (CSV import): one statement.
pub(super) async fn insert_many(
    conn: &mut PgConnection,
    station: StationScope,
    rows: &[EnterpriseInput],
) -> sqlx::Result<Vec<i64>> {
    let col = |f: fn(&EnterpriseInput) -> String| rows.iter().map(f).collect::<Vec<_>>();
    let names = col(|e| e.name.clone());
    let codes = col(|e| e.credit_code.as_str().to_owned());
    let industries = col(|e| e.industry_code.clone());
    let addresses = col(|e| e.address.clone());
    let reps = col(|e| e.legal_rep.clone());
    let managers = col(|e| e.security_manager.clone());
    let phones = col(|e| e.security_phone.clone());
    let statuses = col(|e| e.status.code().to_owned());
    let employees: Vec<i32> = rows.iter().map(|e| e.employee_count).collect();
    let liaisons: Vec<Option<i64>> = rows.iter().map(|e| e.liaison_officer_id).collect();
    sqlx::query_scalar!(
        r#"insert into enterprise (station_id, name, credit_code, industry_code, address, legal_rep,
                                  security_manager, security_phone, employee_count,
                                  liaison_officer_id, status)
           select $1, * from unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                                    $7::text[], $8::text[], $9::int[], $10::bigint[],
                                    $11::text[]::enterprise_status[])
           returning enterprise_id"#,
        station.id(),
        &names,
        &codes,
        &industries,
        &addresses,
        &reps,
        &managers,
        &phones,
        &employees,
        &liaisons as &[Option<i64>],
        &statuses
    )
    .fetch_all(conn)
    .await
}

pub(super) async fn update(
    conn: &mut PgConnection,
    station: StationScope,
    id: EnterpriseId,
    version: i32,
    e: &EnterpriseInput,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update enterprise set name = $4, credit_code = $5, industry_code = $6, address = $7,
                legal_rep = $8, security_manager = $9, security_phone = $10,
                employee_count = $11, liaison_officer_id = $12, status = $13,
                version = version + 1
         where enterprise_id = $1 and station_id = $2 and version = $3 and deleted_at is null",
        id.get(),
        station.id(),
        version,
        e.name,
        e.credit_code.as_str(),
        e.industry_code,
        e.address,
        e.legal_rep,
        e.security_manager,
        e.security_phone,
        e.employee_count,
        e.liaison_officer_id,
        e.status as Status
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub(super) async fn soft_delete(
    conn: &mut PgConnection,
    station: StationScope,
    id: EnterpriseId,
    user_id: UserId,
) -> sqlx::Result<Option<(String, String)>> {
    let row = sqlx::query!(
        "update enterprise set deleted_at = now(), deleted_by = $3
         where enterprise_id = $1 and station_id = $2 and deleted_at is null
         returning name, credit_code",
        id.get(),
        station.id(),
        user_id.get()
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| (r.name, r.credit_code)))
}

/// The industries, read once per process: they are reference data that
/// only migrations write.
pub async fn industries(db: &PgPool) -> sqlx::Result<Vec<Industry>> {
    static INDUSTRIES: tokio::sync::OnceCell<Vec<Industry>> = tokio::sync::OnceCell::const_new();
    INDUSTRIES
        .get_or_try_init(|| async {
            sqlx::query_as!(
                Industry,
                "select code, name, name_en from industry order by sort_order"
            )
            .fetch_all(db)
            .await
        })
        .await
        .cloned()
}

/// Officers with their user names, for matching the import's liaison column.
pub(super) struct OfficerName {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
}

pub(super) async fn officer_names(
    db: &PgPool,
    station: StationScope,
) -> sqlx::Result<Vec<OfficerName>> {
    sqlx::query_as!(
        OfficerName,
        "select user_id, username, display_name from app_user
         where station_id = $1 and role in ('officer', 'chief') and disabled_at is null",
        station.id()
    )
    .fetch_all(db)
    .await
}

/// Credit codes already registered in the station.
pub(super) async fn station_codes(
    db: &PgPool,
    station: StationScope,
) -> sqlx::Result<Vec<(String, String)>> {
    let rows = sqlx::query!(
        "select credit_code, name from enterprise where station_id = $1",
        station.id()
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.credit_code, r.name)).collect())
}

pub(super) async fn stage_import(
    db: &PgPool,
    station: StationScope,
    user_id: UserId,
    filename: &str,
    rows: &serde_json::Value,
) -> sqlx::Result<i64> {
    // Uploads nobody confirmed within a day are dropped.
    sqlx::query!("delete from enterprise_import where created_at < now() - interval '1 day'")
        .execute(db)
        .await?;
    sqlx::query_scalar!(
        "insert into enterprise_import (station_id, user_id, filename, rows)
         values ($1, $2, $3, $4) returning enterprise_import_id",
        station.id(),
        user_id.get(),
        filename,
        rows
    )
    .fetch_one(db)
    .await
}

pub(super) struct StagedImport {
    pub filename: String,
    pub rows: serde_json::Value,
}

/// A staged upload of this user in this station.
pub(super) async fn staged_import(
    conn: &mut PgConnection,
    station: StationScope,
    user_id: UserId,
    id: ImportId,
) -> sqlx::Result<Option<StagedImport>> {
    sqlx::query_as!(
        StagedImport,
        "select filename, rows from enterprise_import
         where enterprise_import_id = $1 and station_id = $2 and user_id = $3
         for update",
        id.get(),
        station.id(),
        user_id.get()
    )
    .fetch_optional(conn)
    .await
}

pub(super) async fn drop_import(
    conn: &mut PgConnection,
    station: StationScope,
    id: ImportId,
) -> sqlx::Result<()> {
    sqlx::query!(
        "delete from enterprise_import where enterprise_import_id = $1 and station_id = $2",
        id.get(),
        station.id()
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The enterprise of the station, if it exists there and is not deleted.
/// Every record route starts here, so a record of another station's
/// enterprise is a 404.
pub async fn brief(
    db: &PgPool,
    station: StationScope,
    id: EnterpriseId,
) -> sqlx::Result<Option<EnterpriseBrief>> {
    sqlx::query_as!(
        EnterpriseBrief,
        r#"select enterprise_id, name, credit_code, liaison_officer_id,
                  current_level as "current_level: Level"
           from enterprise
           where enterprise_id = $1 and station_id = $2 and deleted_at is null"#,
        id.get(),
        station.id()
    )
    .fetch_optional(db)
    .await
}

/// The name of the station's enterprise a list is narrowed to (none for
/// another station's id: it lists nothing and names nothing).
pub async fn name_of(
    db: &PgPool,
    station: StationScope,
    id: Option<EnterpriseId>,
) -> sqlx::Result<Option<String>> {
    match id {
        Some(id) => Ok(brief(db, station, id).await?.map(|e| e.name)),
        None => Ok(None),
    }
}
