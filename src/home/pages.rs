//! The home page of each role. The chief's is the station dashboard:
//! enterprises per level now and over the last eight quarters, this month's
//! activity against the last twelve, what is overdue or waiting, and visits
//! per officer this month.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};

use crate::AppState;
use crate::audit::AuditRow;
use crate::auth::{Admin, Chief, StationUser};
use crate::charts::{self, Chart, LevelNames};
use crate::enterprises::OpenItem;
use crate::error::AppResult;
use crate::i18n::Lang;
use crate::scoring::Quarter;
use crate::web::PageCtx;

use super::charts::{
    QUARTERS, activity_chart, levels_by_quarter_chart, levels_now_chart, visits_chart,
};
use super::queries::{self, EnterpriseRow, IndustryCount};
use super::text::{DashboardText, dashboard_text};

#[derive(Template, WebTemplate)]
#[template(path = "home/officer.html")]
pub(super) struct OfficerHome {
    ctx: PageCtx,
    enterprises: Vec<EnterpriseRow>,
    due: Vec<OpenItem>,
}

pub(super) async fn officer(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: StationUser,
) -> AppResult<OfficerHome> {
    let enterprises = queries::liaison_enterprises(&state.db, me.scope, me.user.id()).await?;
    let due = crate::profile::due_for_officer(&state, me.scope, me.user.id(), ctx.lang).await?;
    Ok(OfficerHome {
        ctx,
        enterprises,
        due,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "home/chief.html")]
pub(super) struct ChiefHome {
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

/// How many months the activity chart covers (this one and the twelve before).
const MONTHS: u32 = 13;

/// The first day of the month `back` months before `day`'s month.
fn month_start(day: NaiveDate, back: u32) -> NaiveDate {
    let first = day.with_day(1).unwrap_or(day);
    first.checked_sub_months(Months::new(back)).unwrap_or(first)
}

pub(super) async fn chief(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: Chief,
) -> AppResult<ChiefHome> {
    let (db, station) = (&state.db, me.scope);
    let day = state.clock.today();
    let now = state.clock.now();
    let this_month = month_start(day, 0);
    let first_month = month_start(day, MONTHS - 1);
    let next_month = this_month
        .checked_add_months(Months::new(1))
        .unwrap_or(this_month);
    let month = (this_month, next_month);
    let current_quarter = Quarter::containing(day);
    // Published quarters from eight back (the window ends at the later of
    // the last complete quarter and the latest published one).
    let mut oldest = current_quarter;
    for _ in 0..QUARTERS {
        oldest = oldest.previous();
    }

    let counts = queries::counts(db, station, day, month);
    let by_industry = queries::by_industry(db, station);
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
    let levels_now = queries::levels_now(db, station);
    let levels_by_quarter = queries::levels_by_quarter(db, station, oldest);
    let activity = queries::activity(db, station, first_month, month);
    let visits_by_officer = queries::visits_by_officer(db, station, month);
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
        crate::demands::overdue_for_station(db, me.scope, day, ctx.lang),
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

#[derive(Template, WebTemplate)]
#[template(path = "home/admin.html")]
pub(super) struct AdminHome {
    ctx: PageCtx,
    stations: i64,
    departments: i64,
    users: i64,
    audit: Vec<AuditRow>,
}

pub(super) async fn admin(
    State(state): State<AppState>,
    ctx: PageCtx,
    _me: Admin,
) -> AppResult<AdminHome> {
    let counts = queries::totals(&state.db).await?;
    let audit = crate::audit::recent(&state.db, 20).await?;
    Ok(AdminHome {
        ctx,
        stations: counts.stations,
        departments: counts.departments,
        users: counts.users,
        audit,
    })
}
