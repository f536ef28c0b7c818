//! The department's dashboard: its pushes (the latest quarter's first),
//! filters, search and CSV; acknowledgement; coordinated actions on red and
//! yellow enterprises; and the live stream that brings a new push in
//! without a reload.
//!
//! Every query takes the department of the signed-in user: another
//! department's push is not found (404), never forbidden.

use std::convert::Infallible;
use std::time::Duration;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Form, Router};
use chrono::NaiveDate;
use futures_util::stream::{self, Stream};
use serde::Deserialize;
use tokio::sync::broadcast::error::RecvError;

use super::live::LiveEvent;
use super::queries::{self, ActionRow, ItemFilter, ItemRow, PushRow, RemovedRow};
use super::text::{PushText, text};
use crate::AppState;
use crate::audit::Event;
use crate::auth::DepartmentUser;
use crate::enterprises::Industry;
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::ids::{EnterpriseId, PushId};
use crate::level::{self, Level};
use crate::scoring::Quarter;
use crate::web::form::{self, FieldErrors, Fields};
use crate::web::paging::Paging;
use crate::web::{Flash, IdPath, PageCtx, RequestCtx, redirect_with_flash};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/department", get(home))
        .route("/department/live", get(live))
        .route("/department/pushes/{push_id}", get(show))
        .route("/department/pushes/{push_id}/export.csv", get(export))
        .route(
            "/department/pushes/{push_id}/acknowledge",
            axum::routing::post(acknowledge),
        )
        .route(
            "/department/pushes/{push_id}/enterprises/{enterprise_id}",
            get(item_page).post(record_action),
        )
}

const PER_PAGE: i64 = 50;
/// Earlier pushes listed beside the current one.
const PUSH_LIST: i64 = 40;

pub const ACTION_KINDS: [&str; 4] = [
    "joint_inspection",
    "rectification_notice",
    "guidance_visit",
    "other",
];

pub fn action_kind_label(tx: &PushText, code: &str) -> &'static str {
    match code {
        "joint_inspection" => tx.kind_joint_inspection,
        "rectification_notice" => tx.kind_rectification_notice,
        "guidance_visit" => tx.kind_guidance_visit,
        _ => tx.kind_other,
    }
}

#[derive(Debug, Deserialize, Default)]
pub struct ItemQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    level: String,
    #[serde(default)]
    industry: String,
    #[serde(default)]
    change: String,
    #[serde(default)]
    page: Option<String>,
}

impl ItemQuery {
    fn filter(&self) -> ItemFilter {
        ItemFilter {
            pattern: crate::web::paging::like_pattern(&self.q),
            level: Level::parse(&self.level),
            industry: crate::web::paging::code_param(&self.industry),
            change: match self.change.as_str() {
                "new" | "changed" | "same" => self.change.clone(),
                _ => String::new(),
            },
        }
    }

    fn query_string(&self) -> String {
        let pairs: Vec<(&str, &str)> = [
            ("q", self.q.trim()),
            ("level", self.level.as_str()),
            ("industry", self.industry.as_str()),
            ("change", self.change.as_str()),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .collect();
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }
}

/// The pieces of a push every view of it shows.
struct PushView {
    push: PushRow,
    is_latest: bool,
    removed: Vec<RemovedRow>,
}

#[derive(Template, WebTemplate)]
#[template(path = "pushes/dashboard.html")]
struct DashboardPage {
    ctx: PageCtx,
    tx: &'static PushText,
    view: Option<PushView>,
    pushes: Vec<PushRow>,
    items: Vec<ItemRow>,
    query: ItemQuery,
    paging: Paging,
    industries: Vec<Industry>,
}

impl DashboardPage {
    fn badge(&self, level: &Level) -> level::Badge {
        level::badge(Some(*level), self.ctx.lang)
    }

    fn levels(&self) -> [Level; 3] {
        [Level::Red, Level::Yellow, Level::Green]
    }

    fn count(&self, level: &Level) -> i32 {
        match (&self.view, level) {
            (Some(v), Level::Green) => v.push.green,
            (Some(v), Level::Yellow) => v.push.yellow,
            (Some(v), Level::Red) => v.push.red,
            (None, _) => 0,
        }
    }

    fn station(&self, p: &PushRow) -> String {
        match self.ctx.lang {
            Lang::Zh => p.station_name.clone(),
            Lang::En => p.station_name_en.clone(),
        }
    }

    fn row_industry(&self, r: &ItemRow) -> String {
        match self.ctx.lang {
            Lang::Zh => r.industry.clone(),
            Lang::En => r.industry_en.clone(),
        }
    }

    fn change_of(&self, r: &ItemRow) -> String {
        change_text(self.tx, self.ctx.t, r)
    }

    fn export_link(&self) -> String {
        let id = self.view.as_ref().map_or(0, |v| v.push.push_id);
        let q = self.query.query_string();
        if q.is_empty() {
            format!("/department/pushes/{id}/export.csv")
        } else {
            format!("/department/pushes/{id}/export.csv?{q}")
        }
    }

    fn filter_action(&self) -> String {
        match &self.view {
            Some(v) if !v.is_latest => format!("/department/pushes/{}", v.push.push_id),
            _ => "/department".to_owned(),
        }
    }

    fn changes(&self) -> [(&'static str, &'static str); 3] {
        [
            ("new", self.tx.new_in_list),
            ("changed", self.tx.level_changed),
            ("same", self.tx.unchanged),
        ]
    }
}

fn change_text(tx: &PushText, t: &crate::i18n::Messages, r: &ItemRow) -> String {
    match r.previous_level {
        None => tx.new_in_list.to_owned(),
        Some(p) if p == r.level => tx.unchanged.to_owned(),
        Some(p) => {
            let arrow = if r.level < p { "↑" } else { "↓" };
            format!("{arrow} {} → {}", p.label(t), r.level.label(t))
        }
    }
}

fn local(at: &chrono::DateTime<chrono::Utc>) -> String {
    crate::web::local_time(at)
}

async fn dashboard(
    state: &AppState,
    ctx: PageCtx,
    me: &DepartmentUser,
    push_id: Option<i64>,
    query: ItemQuery,
) -> AppResult<DashboardPage> {
    let db = &state.db;
    let latest = queries::latest_push_id(db, me.scope).await?;
    let wanted = push_id.or(latest);
    let (pushes, industries) = tokio::try_join!(
        queries::pushes(db, me.scope, PUSH_LIST),
        crate::enterprises::industries(db),
    )?;
    let mut page = DashboardPage {
        tx: text(ctx.lang),
        ctx,
        view: None,
        pushes,
        items: Vec::new(),
        paging: Paging::new(1, PER_PAGE, 0, query.query_string()),
        query,
        industries,
    };
    let Some(wanted) = wanted else {
        return Ok(page);
    };
    let push = queries::push(db, me.scope, wanted)
        .await?
        .ok_or(AppError::NotFound)?;
    let filter = page.query.filter();
    let total = queries::items_count(db, push.push_id, &filter).await?;
    page.paging = Paging::new(
        Paging::parse_page(page.query.page.as_deref()),
        PER_PAGE,
        total,
        page.query.query_string(),
    );
    let (items, removed) = tokio::try_join!(
        queries::items(
            db,
            push.push_id,
            &filter,
            Some(PER_PAGE),
            page.paging.offset()
        ),
        queries::removed(db, push.push_id),
    )?;
    page.items = items;
    page.view = Some(PushView {
        is_latest: Some(push.push_id) == latest,
        push,
        removed,
    });
    Ok(page)
}

async fn home(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: DepartmentUser,
    Query(query): Query<ItemQuery>,
) -> AppResult<DashboardPage> {
    dashboard(&state, ctx, &me, None, query).await
}

async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: DepartmentUser,
    IdPath(push_id): IdPath<PushId>,
    Query(query): Query<ItemQuery>,
) -> AppResult<DashboardPage> {
    let push_id = push_id.get();
    dashboard(&state, ctx, &me, Some(push_id), query).await
}

async fn export(
    State(state): State<AppState>,
    req: RequestCtx,
    me: DepartmentUser,
    IdPath(push_id): IdPath<PushId>,
    Query(query): Query<ItemQuery>,
) -> AppResult<Response> {
    let push = queries::push(&state.db, me.scope, push_id.get())
        .await?
        .ok_or(AppError::NotFound)?;
    let rows = queries::items(&state.db, push.push_id, &query.filter(), None, 0).await?;
    let (tx, t) = (text(req.lang), req.lang.t());
    let headers = [
        tx.enterprise,
        tx.credit_code,
        tx.address,
        tx.industry,
        tx.level,
        tx.previous_level,
        tx.change,
        tx.safety,
        tx.hazards,
        tx.cases,
        tx.total,
        tx.reasons,
    ];
    let body = crate::web::csv::write(
        &headers,
        rows.iter().map(|r| {
            vec![
                r.name.clone(),
                r.credit_code.clone(),
                r.address.clone(),
                match req.lang {
                    Lang::Zh => r.industry.clone(),
                    Lang::En => r.industry_en.clone(),
                },
                r.level.label(t).to_owned(),
                r.previous_level.map_or("", |l| l.label(t)).to_owned(),
                change_text(tx, t, r),
                r.safety.to_string(),
                r.hazards.to_string(),
                r.cases.to_string(),
                r.total.to_string(),
                super::reason_lines(&r.reasons, req.lang).join("; "),
            ]
        }),
    );
    let filename = format!(
        "push-{}-{}-r{}.csv",
        push.quarter, push.push_id, push.revision
    );
    Ok(crate::web::csv::download(&filename, body))
}

async fn acknowledge(
    State(state): State<AppState>,
    req: RequestCtx,
    me: DepartmentUser,
    IdPath(push_id): IdPath<PushId>,
) -> AppResult<Response> {
    let push = queries::push(&state.db, me.scope, push_id.get())
        .await?
        .ok_or(AppError::NotFound)?;
    let mut tx = state.db.begin().await?;
    let to = format!("/department/pushes/{}", push.push_id);
    let done = queries::acknowledge(
        &mut tx,
        me.scope,
        push.push_id,
        me.user.user_id,
        state.clock.now(),
    )
    .await?;
    if !done {
        // Acknowledged already (another tab, a colleague): nothing to do.
        return Ok(redirect_with_flash(&to, Flash::Saved));
    }
    let summary = format!("{} rev {} acknowledged", push.quarter, push.revision);
    let event = Event {
        summary: &summary,
        ..Event::by(
            &me.user,
            &req,
            "push.acknowledge",
            "push",
            Some(push.push_id),
        )
    };
    crate::audit::commit(tx, event, &to, Flash::Saved).await
}

#[derive(Debug, Deserialize, Default, Clone)]
pub struct ActionForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    acted_on: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    form_token: String,
}

struct ActionInput {
    kind: &'static str,
    acted_on: NaiveDate,
    note: String,
}

impl ActionForm {
    fn validate(
        &self,
        lang: Lang,
        today: NaiveDate,
        earliest: NaiveDate,
    ) -> Result<ActionInput, FieldErrors> {
        let f = Fields::new(lang);
        let tx = text(lang);
        let mut errors = FieldErrors::new();
        let options: Vec<(&str, &'static str)> = ACTION_KINDS.iter().map(|k| (*k, *k)).collect();
        let kind = errors.check("kind", f.choice(&self.kind, &options));
        let acted_on = errors.check(
            "acted_on",
            f.date(&self.acted_on).and_then(|d| {
                if d > today {
                    Err(tx.err_future.to_owned())
                } else if d < earliest {
                    Err(tx.err_before_push.to_owned())
                } else {
                    Ok(d)
                }
            }),
        );
        let note = errors.check("note", f.optional_text(&self.note, 2000));
        if kind == Some("other") && note.as_deref().is_some_and(str::is_empty) {
            errors.add("note", tx.err_note_for_other);
        }
        match (kind, acted_on, note) {
            (Some(kind), Some(acted_on), Some(note)) if errors.is_empty() => Ok(ActionInput {
                kind,
                acted_on,
                note,
            }),
            _ => Err(errors),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "pushes/item.html")]
struct ItemPage {
    ctx: PageCtx,
    tx: &'static PushText,
    push: PushRow,
    item: ItemRow,
    reasons: Vec<String>,
    actions: Vec<ActionRow>,
    form: ActionForm,
    errors: FieldErrors,
    today: NaiveDate,
}

impl ItemPage {
    fn badge(&self, level: &Level) -> level::Badge {
        level::badge(Some(*level), self.ctx.lang)
    }

    fn can_act(&self) -> bool {
        matches!(self.item.level, Level::Red | Level::Yellow)
    }

    fn industry(&self) -> &str {
        match self.ctx.lang {
            Lang::Zh => &self.item.industry,
            Lang::En => &self.item.industry_en,
        }
    }

    fn station(&self) -> &str {
        match self.ctx.lang {
            Lang::Zh => &self.push.station_name,
            Lang::En => &self.push.station_name_en,
        }
    }

    fn change(&self) -> String {
        change_text(self.tx, self.ctx.t, &self.item)
    }

    fn kinds(&self) -> Vec<(&'static str, &'static str)> {
        ACTION_KINDS
            .iter()
            .map(|k| (*k, action_kind_label(self.tx, k)))
            .collect()
    }

    fn kind_label(&self, code: &str) -> &'static str {
        action_kind_label(self.tx, code)
    }
}

/// The first day an action may carry: the start of the pushed quarter.
fn earliest_action_day(push: &PushRow) -> NaiveDate {
    Quarter::parse(&push.quarter).map_or(NaiveDate::MIN, Quarter::start)
}

async fn load_item(
    state: &AppState,
    me: &DepartmentUser,
    push_id: PushId,
    enterprise_id: EnterpriseId,
) -> AppResult<(PushRow, ItemRow, Vec<ActionRow>)> {
    let (push_id, enterprise_id) = (push_id.get(), enterprise_id.get());
    let (push, item, actions) = tokio::try_join!(
        queries::push(&state.db, me.scope, push_id),
        queries::item(&state.db, me.scope, push_id, enterprise_id),
        queries::actions(
            &state.db,
            queries::ActionsOf::Department(me.scope),
            enterprise_id
        ),
    )?;
    match (push, item) {
        (Some(push), Some(item)) => Ok((push, item, actions)),
        _ => Err(AppError::NotFound),
    }
}

async fn item_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: DepartmentUser,
    IdPath((push_id, enterprise_id)): IdPath<(PushId, EnterpriseId)>,
) -> AppResult<ItemPage> {
    let (push, item, actions) = load_item(&state, &me, push_id, enterprise_id).await?;
    let today = state.clock.today();
    Ok(ItemPage {
        tx: text(ctx.lang),
        reasons: super::reason_lines(&item.reasons, ctx.lang),
        form: ActionForm {
            acted_on: today.to_string(),
            form_token: form::new_form_token(),
            ..ActionForm::default()
        },
        ctx,
        push,
        item,
        actions,
        errors: FieldErrors::new(),
        today,
    })
}

async fn record_action(
    State(state): State<AppState>,
    req: RequestCtx,
    me: DepartmentUser,
    IdPath((push_id, enterprise_id)): IdPath<(PushId, EnterpriseId)>,
    Form(form): Form<ActionForm>,
) -> AppResult<Response> {
    let (push, item, actions) = load_item(&state, &me, push_id, enterprise_id).await?;
    let today = state.clock.today();
    let tx_text = text(req.lang);
    let token_ok = form::valid_form_token(&form.form_token);
    let allowed = matches!(item.level, Level::Red | Level::Yellow);
    let input = match form.validate(req.lang, today, earliest_action_day(&push)) {
        Ok(input) if token_ok && allowed => input,
        result => {
            let mut errors = result.err().unwrap_or_default();
            if !token_ok {
                errors.add("form", req.lang.t().error_bad_request);
            }
            if !allowed {
                errors.add("form", tx_text.actions_only_red_yellow);
            }
            let page = ItemPage {
                ctx: PageCtx::new(&req),
                tx: tx_text,
                reasons: super::reason_lines(&item.reasons, req.lang),
                push,
                item,
                actions,
                form,
                errors,
                today,
            };
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let to = format!(
        "/department/pushes/{}/enterprises/{}",
        push.push_id, item.enterprise_id
    );
    let mut tx = state.db.begin().await?;
    let station_id = queries::station_of_push(&mut tx, me.scope, push.push_id).await?;
    if form::already_submitted(
        &mut tx,
        crate::ids::StationId(station_id),
        &form.form_token,
        "coordinated_action",
    )
    .await?
    .is_some()
    {
        return Ok(redirect_with_flash(&to, Flash::Saved));
    }
    let action = queries::NewAction {
        push_id: push.push_id,
        enterprise_id: item.enterprise_id,
        department_id: me.scope.id(),
        station_id,
        kind: input.kind,
        acted_on: input.acted_on,
        note: &input.note,
        recorded_by: me.user.user_id,
    };
    let id = queries::insert_action(&mut tx, &action).await?;
    form::remember_submission(
        &mut tx,
        crate::ids::StationId(station_id),
        &form.form_token,
        "coordinated_action",
        id,
    )
    .await?;
    let summary = format!(
        "{} {} {}: {}",
        item.name,
        input.acted_on,
        input.kind,
        crate::web::snippet(&input.note, 80)
    );
    let event = Event {
        summary: &summary,
        station_id: Some(station_id),
        ..Event::by(
            &me.user,
            &req,
            "coordinated_action.create",
            "coordinated_action",
            Some(id),
        )
    };
    crate::audit::commit(tx, event, &to, Flash::Saved).await
}

/// How often a live stream checks that its session is still live.
pub const SESSION_CHECK: Duration = Duration::from_secs(2);

/// Server-Sent Events: `push` (data: the push id) when a push for this
/// department is written on any instance, `resync` when announcements may
/// have been missed, and `session-ended` (then the stream ends) once the
/// session is over — logged out, expired or disabled — checked every
/// [`SESSION_CHECK`]. Ends when the server shuts down; the browser
/// reconnects by itself.
async fn live(
    State(state): State<AppState>,
    me: DepartmentUser,
) -> Sse<impl Stream<Item = Result<SseEvent, Infallible>>> {
    let events = state.live.subscribe();
    let closing = state.live.closing();
    let department_id = me.scope.id();
    let session_id = me.user.session_id;
    let mut check = tokio::time::interval(SESSION_CHECK);
    check.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // Every event carries data: a browser's EventSource drops an event whose
    // data is empty, and the dashboard waits for "ready" to show it is live.
    let hello = stream::once(async { Ok(SseEvent::default().event("ready").data("ready")) });
    let updates = stream::unfold(Some((events, closing, check)), move |open| {
        let state = state.clone();
        async move {
            let (mut events, mut closing, mut check) = open?;
            loop {
                let next = tokio::select! {
                    next = events.recv() => Some(next),
                    _ = check.tick() => None,
                    _ = closing.wait_for(|c| *c) => return None,
                };
                let Some(next) = next else {
                    let now = state.clock.now();
                    let live =
                        crate::auth::session::is_live(&state.db, session_id, now, &state.config)
                            .await
                            // A failed check ends nothing: the next one decides.
                            .unwrap_or(true);
                    if live {
                        continue;
                    }
                    let ended = SseEvent::default()
                        .event("session-ended")
                        .data("signed out");
                    return Some((Ok(ended), None));
                };
                let event = match next {
                    Ok(LiveEvent::Push {
                        push_id,
                        department_id: d,
                    }) if d == department_id => {
                        SseEvent::default().event("push").data(push_id.to_string())
                    }
                    Ok(LiveEvent::Push { .. }) => continue,
                    Ok(LiveEvent::Resync) | Err(RecvError::Lagged(_)) => {
                        SseEvent::default().event("resync").data("resync")
                    }
                    Err(RecvError::Closed) => return None,
                };
                return Some((Ok(event), Some((events, closing, check))));
            }
        }
    });
    Sse::new(futures_util::StreamExt::chain(hello, updates))
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(20)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(kind: &str, on: &str, note: &str) -> ActionForm {
        ActionForm {
            kind: kind.into(),
            acted_on: on.into(),
            note: note.into(),
            form_token: String::new(),
        }
    }

    #[test]
    fn actions_are_checked() {
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default();
        let (today, earliest) = (day("2026-11-29"), day("2026-07-01"));
        assert!(
            form("joint_inspection", "2026-11-20", "")
                .validate(Lang::Zh, today, earliest)
                .is_ok()
        );
        let errors = form("other", "2026-12-01", "")
            .validate(Lang::En, today, earliest)
            .err()
            .unwrap_or_default();
        assert!(errors.has("acted_on") && errors.has("note"));
        let errors = form("bribe", "2026-06-30", "x")
            .validate(Lang::Zh, today, earliest)
            .err()
            .unwrap_or_default();
        assert!(errors.has("kind") && errors.has("acted_on"));
        assert!(
            form("other", "2025-02-30", "x")
                .validate(Lang::Zh, today, earliest)
                .is_err()
        );
    }
}
