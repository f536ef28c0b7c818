//! The home page of each role. Later issues fill these dashboards; for now
//! they show what the foundation already knows.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use chrono::{DateTime, Utc};

use crate::AppState;
use crate::auth::{Admin, Chief, DepartmentUser, StationUser};
use crate::error::AppResult;
use crate::i18n::Lang;
use crate::web::PageCtx;
use crate::web::record::{OpenItem, today};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/officer", get(officer))
        .route("/chief", get(chief))
        .route("/department", get(department))
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
        me.station_id,
        me.user.user_id
    )
    .fetch_all(&state.db)
    .await?;
    let due = crate::enterprises::due_for_officer(&state, me.station_id, me.user.user_id, ctx.lang)
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
    overdue_demands: Vec<OpenItem>,
    total: i64,
    active: i64,
    officers: i64,
    by_industry: Vec<IndustryCount>,
}

async fn chief(State(state): State<AppState>, ctx: PageCtx, me: Chief) -> AppResult<ChiefHome> {
    let counts = sqlx::query!(
        r#"select count(*) as "total!",
                  count(*) filter (where status = 'active') as "active!",
                  (select count(*) from app_user
                    where station_id = $1 and role in ('officer', 'chief')
                      and disabled_at is null) as "officers!"
           from enterprise where station_id = $1"#,
        me.station_id
    )
    .fetch_one(&state.db)
    .await?;
    let by_industry = sqlx::query_as!(
        IndustryCount,
        r#"select i.name, i.name_en, count(*) as "n!"
           from enterprise e join industry i on i.code = e.industry_code
           where e.station_id = $1
           group by i.code, i.name, i.name_en, i.sort_order
           order by count(*) desc, i.sort_order"#,
        me.station_id
    )
    .fetch_all(&state.db)
    .await?;
    let overdue_demands = crate::demands::overdue_for_station(
        &state.db,
        me.station_id,
        today(&state.clock),
        ctx.lang,
    )
    .await?;
    Ok(ChiefHome {
        ctx,
        overdue_demands,
        total: counts.total,
        active: counts.active,
        officers: counts.officers,
        by_industry,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "home/department.html")]
struct DepartmentHome {
    ctx: PageCtx,
}

async fn department(ctx: PageCtx, _me: DepartmentUser) -> DepartmentHome {
    DepartmentHome { ctx }
}

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
