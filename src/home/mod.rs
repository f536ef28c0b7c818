//! The home page of each role. Later issues fill these dashboards; for now
//! they show what the foundation already knows.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use chrono::{DateTime, Utc};

use crate::AppState;
use crate::auth::{Admin, Chief, StationUser};
use crate::error::AppResult;
use crate::i18n::Lang;
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
    waiting_pushes: Vec<crate::pushes::queries::WaitingPush>,
    ack_days: i32,
    now: DateTime<Utc>,
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
    let now = state.clock.now();
    let ack_days = {
        let mut conn = state.db.acquire().await?;
        let quarter = crate::scoring::Quarter::containing(today(&state.clock));
        match crate::evaluations::service::policy_for(&mut conn, quarter).await {
            Ok((_, policy)) => policy.push_ack_days,
            Err(err) => {
                tracing::warn!(error = %err, "no policy for the acknowledgement period");
                crate::scoring::Policy::default_v1().push_ack_days
            }
        }
    };
    let waiting_pushes = crate::pushes::queries::unacknowledged(
        &state.db,
        me.station_id,
        now - chrono::Duration::days(i64::from(ack_days)),
    )
    .await?;
    Ok(ChiefHome {
        ctx,
        waiting_pushes,
        ack_days,
        now,
        overdue_demands,
        total: counts.total,
        active: counts.active,
        officers: counts.officers,
        by_industry,
    })
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
