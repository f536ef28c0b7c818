//! The enterprise page and the officer's due list.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;

use crate::AppState;
use crate::auth::{Role, StationScope, StationUser};
use crate::charts::{Chart, LevelNames, Step, Text, words};
use crate::enterprises::{self, Enterprise, EnterpriseText, OpenItem, TimelineEntry, text};
use crate::error::{AppError, AppResult};
use crate::evaluations::HistoryRow;
use crate::i18n::Lang;
use crate::ids::{EnterpriseId, UserId};
use crate::level::{self, Level};
use crate::pushes::queries::{ActionRow, ActionsOf};
use crate::web::{IdPath, PageCtx};

#[derive(Template, WebTemplate)]
#[template(path = "profile/show.html")]
pub(super) struct ShowPage {
    ctx: PageCtx,
    tx: &'static EnterpriseText,
    e: Enterprise,
    open_items: Vec<OpenItem>,
    timeline: Vec<TimelineEntry>,
    history: Vec<HistoryRow>,
    /// The level timeline over the published quarters (from `history`).
    level_chart: Chart,
    actions: Vec<ActionRow>,
    can_delete: bool,
}

impl ShowPage {
    fn badge(&self) -> level::Badge {
        level::badge(self.e.current_level, self.ctx.lang)
    }

    fn level_badge(&self, level: &Option<Level>) -> level::Badge {
        level::badge(*level, self.ctx.lang)
    }

    fn action_kind(&self, code: &str) -> &'static str {
        crate::pushes::dashboard::action_kind_label(crate::pushes::text(self.ctx.lang), code)
    }

    fn department(&self, a: &ActionRow) -> String {
        self.ctx
            .lang
            .pick(&a.department_name, &a.department_name_en)
            .to_owned()
    }

    fn push_text(&self) -> &'static crate::pushes::PushText {
        crate::pushes::text(self.ctx.lang)
    }

    fn timeline_title(&self) -> &'static str {
        words(self.ctx.lang).timeline_title
    }
}

/// The enterprise's level over its published quarters, oldest first.
fn level_timeline(history: &[HistoryRow], lang: Lang) -> Chart {
    let w = words(lang);
    let steps: Vec<Step> = history
        .iter()
        .rev()
        .map(|h| Step {
            label: h.quarter.clone(),
            level: h.final_level,
        })
        .collect();
    let desc = (w.timeline_desc)(steps.len());
    Chart::level_timeline(
        &steps,
        &LevelNames::from_messages(lang.t()),
        &Text {
            id: "level-timeline",
            title: w.timeline_title,
            desc: &desc,
            x_axis: w.quarter,
            y_axis: w.level,
            empty: w.timeline_empty,
        },
        w,
    )
}

/// How many timeline entries the page shows.
const TIMELINE_LIMIT: usize = 200;

/// Overdue first, then by due date, undated last.
fn sort_open(items: &mut [OpenItem]) {
    items.sort_by_key(|i| (!i.overdue, i.due.is_none(), i.due));
}

pub(super) async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: StationUser,
    IdPath(id): IdPath<EnterpriseId>,
) -> AppResult<ShowPage> {
    let e = enterprises::find(&state.db, me.scope, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (db, station, lang) = (&state.db, me.scope, ctx.lang);
    let day = state.clock.today();
    let (visits, hazards, disputes, incidents, demands, trainings) = tokio::try_join!(
        crate::visits::timeline(db, station, id, lang),
        crate::hazards::timeline(db, station, id, day, lang),
        crate::disputes::timeline(db, station, id, lang),
        crate::incidents::timeline(db, station, id, lang),
        crate::demands::timeline(db, station, id, day, lang),
        crate::trainings::timeline(db, station, id, lang),
    )?;
    let mut timeline: Vec<TimelineEntry> =
        [visits, hazards, disputes, incidents, demands, trainings]
            .into_iter()
            .flatten()
            .collect();
    timeline.sort_by_key(|e| std::cmp::Reverse(e.date));
    timeline.truncate(TIMELINE_LIMIT);
    let (hazard_items, dispute_items, demand_items, reinspections) = tokio::try_join!(
        crate::hazards::open_items(db, station, id, day, lang),
        crate::disputes::open_items(db, station, id, day, lang),
        crate::demands::open_items(db, station, id, day, lang),
        crate::evaluations::reinspection_open_items(db, station, id, day, lang),
    )?;
    let mut open_items: Vec<OpenItem> = [reinspections, hazard_items, dispute_items, demand_items]
        .into_iter()
        .flatten()
        .collect();
    sort_open(&mut open_items);
    let (history, actions) = tokio::try_join!(
        crate::evaluations::history(db, station, id),
        crate::pushes::queries::actions(db, ActionsOf::Station(station), id.get()),
    )?;
    Ok(ShowPage {
        tx: text(ctx.lang),
        level_chart: level_timeline(&history, ctx.lang),
        history,
        actions,
        can_delete: me.user.role == Role::Chief,
        ctx,
        e,
        open_items,
        timeline,
    })
}

/// Everything due or overdue for an officer, across the record modules.
pub async fn due_for_officer(
    state: &AppState,
    station: StationScope,
    officer: UserId,
    lang: Lang,
) -> sqlx::Result<Vec<OpenItem>> {
    let db = &state.db;
    let day = state.clock.today();
    let (reinspections, hazards, disputes, demands) = tokio::try_join!(
        crate::evaluations::reinspections_due(db, station, officer, day, lang),
        crate::hazards::due_for_officer(db, station, officer, day, lang),
        crate::disputes::due_for_officer(db, station, officer, day, lang),
        crate::demands::due_for_officer(db, station, officer, day, lang),
    )?;
    let mut items: Vec<OpenItem> = [reinspections, hazards, disputes, demands]
        .into_iter()
        .flatten()
        .collect();
    sort_open(&mut items);
    Ok(items)
}
