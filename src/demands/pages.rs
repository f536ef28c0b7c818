//! The demand pages: list, new, show (with the respond, resolve and extend
//! forms), edit, the three actions, delete; and what other pages show of
//! demands.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{Days, NaiveDate};
use serde::Deserialize;
use sqlx::PgPool;

use super::model::{
    ActionForm, DEFAULT_RESPONSE_DAYS, Demand, DemandForm, KIND, Kind, Status, due_date, is_overdue,
};
use super::queries::{self, Extension};
use super::text::{DemandText, text};
use crate::AppState;
use crate::auth::{Chief, Role, StationScope, StationUser};
use crate::enterprises::{self, EnterpriseBrief, OpenItem, TimelineEntry};
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::ids::{DemandId, EnterpriseId, UserId};
use crate::records::{self, ListFrame, RangeQuery, Write};
use crate::users::{self, Officer};
use crate::web::form::{self, FieldErrors};
use crate::web::{IdPath, PageCtx, RequestCtx, snippet};

/// How far ahead an officer's home page looks for due demands.
const DUE_SOON_DAYS: u64 = 7;
const PER_PAGE: i64 = 25;

#[derive(Template, WebTemplate)]
#[template(path = "demands/form.html")]
pub(super) struct FormPage {
    ctx: PageCtx,
    tx: &'static DemandText,
    enterprise: EnterpriseBrief,
    /// The demand being edited; `None` for a new one.
    demand: Option<Demand>,
    form: DemandForm,
    errors: FieldErrors,
    /// The saved record when a save hit a newer version.
    conflict: Option<Demand>,
    officers: Vec<Officer>,
    response_days: i32,
}

/// What a demand form is shown with, besides what was typed.
#[derive(Clone)]
struct FormParts {
    enterprise: EnterpriseBrief,
    demand: Option<Demand>,
    officers: Vec<Officer>,
    response_days: i32,
}

impl FormPage {
    fn new(ctx: PageCtx, parts: FormParts, form: DemandForm) -> FormPage {
        FormPage {
            tx: text(ctx.lang),
            ctx,
            enterprise: parts.enterprise,
            demand: parts.demand,
            form,
            errors: FieldErrors::new(),
            conflict: None,
            officers: parts.officers,
            response_days: parts.response_days,
        }
    }

    /// The page again, with what is wrong (and the saved record).
    fn refused(
        mut self,
        status: StatusCode,
        errors: FieldErrors,
        conflict: Option<Demand>,
    ) -> Response {
        self.errors = errors;
        self.conflict = conflict;
        (status, self).into_response()
    }

    fn action(&self) -> String {
        match &self.demand {
            Some(d) => format!("/demands/{}/edit", d.demand_id),
            None => format!("/enterprises/{}/demands", self.enterprise.enterprise_id),
        }
    }

    fn kinds(&self) -> Vec<(&'static str, &'static str)> {
        Kind::choices(self.ctx.lang)
    }

    fn due_hint(&self) -> String {
        (self.tx.due_hint)(self.response_days)
    }

    fn is_assignee(&self, officer: &Officer) -> bool {
        self.form.assignee_id.trim() == officer.user_id.to_string()
    }
}

pub(super) async fn demand(db: &PgPool, station: StationScope, id: DemandId) -> AppResult<Demand> {
    queries::get(db, station, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// What a form of the demand (or a new one at the enterprise) needs: the
/// enterprise, the station's officers to assign to (on an edit, the current
/// assignee stays choosable even if no longer active), the response period.
async fn parts(
    state: &AppState,
    station: StationScope,
    enterprise_id: EnterpriseId,
    current: Option<Demand>,
) -> AppResult<FormParts> {
    let enterprise = enterprises::brief(&state.db, station, enterprise_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut officers = users::officers(&state.db, station).await?;
    if let Some(d) = &current
        && !officers.iter().any(|o| o.user_id == d.assignee_id)
    {
        officers.push(Officer {
            user_id: d.assignee_id,
            display_name: d.assignee_name.clone(),
        });
    }
    Ok(FormParts {
        enterprise,
        demand: current,
        officers,
        response_days: response_days(&state.db).await?,
    })
}

pub(super) async fn new_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: StationUser,
    IdPath(enterprise_id): IdPath<EnterpriseId>,
) -> AppResult<FormPage> {
    let parts = parts(&state, me.scope, enterprise_id, None).await?;
    // The liaison officer answers for the enterprise; otherwise whoever records it.
    let assignee = parts
        .enterprise
        .liaison_officer_id
        .filter(|id| parts.officers.iter().any(|o| o.user_id == *id))
        .unwrap_or(me.user.user_id);
    let form = DemandForm {
        received_on: state.clock.today().to_string(),
        assignee_id: assignee.to_string(),
        form_token: form::new_form_token(),
        ..DemandForm::default()
    };
    Ok(FormPage::new(ctx, parts, form))
}

pub(super) async fn create(
    State(state): State<AppState>,
    req: RequestCtx,
    me: StationUser,
    IdPath(enterprise_id): IdPath<EnterpriseId>,
    Form(form): Form<DemandForm>,
) -> AppResult<Response> {
    let parts = parts(&state, me.scope, enterprise_id, None).await?;
    let input = match records::new_input(
        &form.form_token,
        form.validate_new(req.lang, state.clock.today(), &parts.officers),
        req.lang,
    ) {
        Ok(input) => input,
        Err(errors) => {
            let page = FormPage::new(PageCtx::new(&req), parts, form);
            return Ok(page.refused(StatusCode::UNPROCESSABLE_ENTITY, errors, None));
        }
    };
    let enterprise = &parts.enterprise;
    let due_on = due_date(input.received_on, parts.response_days);
    records::create(&state, &req, &me, KIND, &form.form_token, async |tx| {
        let id = queries::insert(
            tx,
            me.scope,
            EnterpriseId(enterprise.enterprise_id),
            me.user.id(),
            &input,
            due_on,
        )
        .await?;
        let summary = format!(
            "{} {} {} due {} assignee #{}: {}",
            enterprise.name,
            input.received_on,
            input.kind.code(),
            due_on,
            input.assignee_id,
            snippet(&input.content, 80)
        );
        Ok(Write::Done((id, summary)))
    })
    .await
}

#[derive(Template, WebTemplate)]
#[template(path = "demands/show.html")]
pub(super) struct ShowPage {
    ctx: PageCtx,
    tx: &'static DemandText,
    demand: Demand,
    extensions: Vec<Extension>,
    today: NaiveDate,
    can_delete: bool,
    action: ActionForm,
    errors: FieldErrors,
}

impl ShowPage {
    fn overdue(&self) -> bool {
        is_overdue(self.demand.status, self.demand.due_on, self.today)
    }

    fn is_open(&self) -> bool {
        self.demand.status == Status::Open
    }

    fn is_responded(&self) -> bool {
        self.demand.status == Status::Responded
    }

    fn original_due_on(&self) -> NaiveDate {
        self.extensions
            .first()
            .map_or(self.demand.due_on, |x| x.old_due_on)
    }
}

pub(super) async fn show_page(
    state: &AppState,
    ctx: PageCtx,
    me: &StationUser,
    demand: Demand,
    action: Option<ActionForm>,
    errors: FieldErrors,
) -> AppResult<ShowPage> {
    let today = state.clock.today();
    let extensions = queries::extensions(&state.db, me.scope, DemandId(demand.demand_id)).await?;
    let mut action = action.unwrap_or_else(|| ActionForm::fresh(&demand, today));
    // Whatever was typed, the next submit acts on the demand as now shown.
    action.version = demand.version.to_string();
    Ok(ShowPage {
        tx: text(ctx.lang),
        can_delete: me.user.role == Role::Chief,
        ctx,
        demand,
        extensions,
        today,
        action,
        errors,
    })
}

pub(super) async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: StationUser,
    IdPath(id): IdPath<DemandId>,
) -> AppResult<ShowPage> {
    let demand = demand(&state.db, me.scope, id).await?;
    show_page(&state, ctx, &me, demand, None, FieldErrors::new()).await
}

pub(super) async fn edit_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: StationUser,
    IdPath(id): IdPath<DemandId>,
) -> AppResult<FormPage> {
    let demand = demand(&state.db, me.scope, id).await?;
    let form = DemandForm::from_demand(&demand);
    let enterprise_id = EnterpriseId(demand.enterprise_id);
    let parts = parts(&state, me.scope, enterprise_id, Some(demand)).await?;
    Ok(FormPage::new(ctx, parts, form))
}

pub(super) async fn update(
    State(state): State<AppState>,
    req: RequestCtx,
    me: StationUser,
    IdPath(id): IdPath<DemandId>,
    Form(form): Form<DemandForm>,
) -> AppResult<Response> {
    let current = demand(&state.db, me.scope, id).await?;
    let enterprise_id = EnterpriseId(current.enterprise_id);
    let parts = parts(&state, me.scope, enterprise_id, Some(current.clone())).await?;
    let input = match form.validate_edit(req.lang, &parts.officers) {
        Ok(input) => input,
        Err(errors) => {
            let page = FormPage::new(PageCtx::new(&req), parts, form);
            return Ok(page.refused(StatusCode::UNPROCESSABLE_ENTITY, errors, None));
        }
    };
    let version = records::version(&form.version);
    records::update(&state, &req, &me, KIND, id.get(), async |tx| {
        if !queries::update(tx, me.scope, id, version, &input).await? {
            let mut errors = FieldErrors::new();
            errors.add("form", req.lang.t().err_conflict);
            let form = DemandForm {
                version: current.version.to_string(),
                ..form.clone()
            };
            let page = FormPage::new(PageCtx::new(&req), parts.clone(), form);
            let saved = Some(current.clone());
            return Ok(Write::Answer(page.refused(
                StatusCode::CONFLICT,
                errors,
                saved,
            )));
        }
        Ok(Write::Done(crate::audit::changes(&[
            ("kind", current.kind.code().into(), input.kind.code().into()),
            ("content", current.content.clone(), input.content.clone()),
            (
                "assignee",
                format!("#{}", current.assignee_id),
                format!("#{}", input.assignee_id),
            ),
        ])))
    })
    .await
}

pub(super) async fn delete(
    State(state): State<AppState>,
    req: RequestCtx,
    me: Chief,
    IdPath(id): IdPath<DemandId>,
) -> AppResult<Response> {
    records::delete(&state, &req, &me, KIND, id.get(), async |tx| {
        Ok(queries::soft_delete(tx, me.scope, id, me.user.id())
            .await?
            .map(|gone| {
                let summary = format!(
                    "{} {} {} ({}): {}",
                    gone.enterprise_name,
                    gone.received_on,
                    gone.kind.code(),
                    gone.status.code(),
                    snippet(&gone.content, 200)
                );
                (records::enterprise_page(gone.enterprise_id), summary)
            }))
    })
    .await
}

/// `?status=`, `?kind=`, `?assignee=`, `?overdue=1`, and the record lists'
/// own filters on the date `?on=` names: `received` (the default),
/// `responded` or `resolved`.
#[derive(Debug, Deserialize, Default)]
pub(super) struct ListQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    assignee: String,
    #[serde(default)]
    overdue: String,
    #[serde(default)]
    on: String,
    #[serde(flatten)]
    range: RangeQuery,
}

/// The dates a demand list can be ranged on; the first is the default.
const DATE_FIELDS: [&str; 3] = ["received", "responded", "resolved"];

#[derive(Template, WebTemplate)]
#[template(path = "demands/list.html")]
pub(super) struct ListPage {
    ctx: PageCtx,
    tx: &'static DemandText,
    demands: Vec<Demand>,
    today: NaiveDate,
    status: String,
    kind: String,
    assignee: String,
    overdue_only: bool,
    officers: Vec<Officer>,
    on: &'static str,
    frame: ListFrame,
}

impl ListPage {
    fn kinds(&self) -> Vec<(&'static str, &'static str)> {
        Kind::choices(self.ctx.lang)
    }

    fn statuses(&self) -> Vec<(&'static str, &'static str)> {
        Status::choices(self.ctx.lang)
    }

    fn overdue(&self, d: &Demand) -> bool {
        is_overdue(d.status, d.due_on, self.today)
    }

    fn is_on(&self, code: &str) -> bool {
        self.on == code
    }

    fn date_fields(&self) -> [(&'static str, &'static str); 3] {
        [
            (DATE_FIELDS[0], self.tx.received_on),
            (DATE_FIELDS[1], self.tx.responded_on),
            (DATE_FIELDS[2], self.tx.resolved_on),
        ]
    }

    fn is_assignee(&self, officer: &Officer) -> bool {
        self.assignee == officer.user_id.to_string()
    }
}

pub(super) async fn list(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: StationUser,
    Query(q): Query<ListQuery>,
) -> AppResult<ListPage> {
    let status = Status::parse(&q.status);
    let kind = Kind::parse(&q.kind);
    let officers = users::officers(&state.db, me.scope).await?;
    let assignee_id = q.assignee.trim().parse::<i64>().ok().filter(|id| *id > 0);
    let overdue_only = matches!(q.overdue.as_str(), "1" | "on" | "true");
    let on = DATE_FIELDS
        .into_iter()
        .find(|f| *f == q.on.trim())
        .unwrap_or(DATE_FIELDS[0]);
    let range = q.range.parse(ctx.lang);
    let today = state.clock.today();
    let filter = queries::Filter {
        status,
        kind,
        assignee_id,
        overdue_only,
        today,
        enterprise: range.enterprise,
        on,
        from: range.from,
        to: range.to,
    };
    let total = queries::count(&state.db, me.scope, filter).await?;
    let name = enterprises::name_of(&state.db, me.scope, range.enterprise).await?;
    let assignee = assignee_id.map(|id| id.to_string()).unwrap_or_default();
    let others = [
        ("status", status.map_or("", Status::code)),
        ("kind", kind.map_or("", Kind::code)),
        ("assignee", assignee.as_str()),
        ("overdue", if overdue_only { "1" } else { "" }),
        // The default date goes without saying.
        ("on", if on == DATE_FIELDS[0] { "" } else { on }),
    ];
    let frame = ListFrame::new("/demands", &q.range, range, &others, total, PER_PAGE, name);
    let demands =
        queries::list(&state.db, me.scope, filter, PER_PAGE, frame.paging.offset()).await?;
    Ok(ListPage {
        tx: text(ctx.lang),
        ctx,
        demands,
        today,
        status: status.map_or("", Status::code).to_owned(),
        kind: kind.map_or("", Kind::code).to_owned(),
        assignee,
        overdue_only,
        officers,
        on,
        frame,
    })
}

/// The response period in days of the policy in force (the newest version),
/// or [`DEFAULT_RESPONSE_DAYS`] when there is none.
pub async fn response_days(db: &PgPool) -> sqlx::Result<i32> {
    Ok(queries::response_days(db)
        .await?
        .filter(|d| *d > 0)
        .unwrap_or(DEFAULT_RESPONSE_DAYS))
}

fn open_item(row: queries::ItemRow, today: NaiveDate, lang: Lang) -> OpenItem {
    let t = text(lang);
    let open = row.status == Status::Open;
    let label = if open {
        format!("{} · {}", t.demand, row.kind.label(lang))
    } else {
        format!(
            "{} · {} · {}",
            t.demand,
            row.kind.label(lang),
            t.awaiting_resolution
        )
    };
    OpenItem {
        kind: "demand",
        label,
        summary: snippet(&row.content, 80),
        enterprise: row.enterprise_name,
        // After the response the due date no longer binds anyone.
        due: open.then_some(row.due_on),
        overdue: is_overdue(row.status, row.due_on, today),
        href: format!("/demands/{}", row.demand_id),
    }
}

fn open_items_of(rows: Vec<queries::ItemRow>, today: NaiveDate, lang: Lang) -> Vec<OpenItem> {
    rows.into_iter()
        .map(|r| open_item(r, today, lang))
        .collect()
}

/// The enterprise's demands for its timeline, newest first. An open demand
/// past its due date carries an "overdue" alert.
pub async fn timeline(
    db: &PgPool,
    station: StationScope,
    enterprise: EnterpriseId,
    today: NaiveDate,
    lang: Lang,
) -> sqlx::Result<Vec<TimelineEntry>> {
    let rows = queries::for_enterprise(db, station, enterprise).await?;
    Ok(rows
        .into_iter()
        .map(|d| TimelineEntry {
            date: d.received_on,
            kind: "demand",
            label: format!("{} · {}", text(lang).demand, d.kind.label(lang)),
            summary: snippet(&d.content, 120),
            href: format!("/demands/{}", d.demand_id),
            alert: is_overdue(d.status, d.due_on, today).then(|| lang.t().overdue.to_owned()),
        })
        .collect())
}

/// The enterprise's demands still waiting for a response or a resolution.
pub async fn open_items(
    db: &PgPool,
    station: StationScope,
    enterprise: EnterpriseId,
    today: NaiveDate,
    lang: Lang,
) -> sqlx::Result<Vec<OpenItem>> {
    let rows = queries::unfinished_for_enterprise(db, station, enterprise).await?;
    Ok(open_items_of(rows, today, lang))
}

/// Open demands assigned to the officer that are overdue or due within a week.
pub async fn due_for_officer(
    db: &PgPool,
    station: StationScope,
    officer: UserId,
    today: NaiveDate,
    lang: Lang,
) -> sqlx::Result<Vec<OpenItem>> {
    let until = today
        .checked_add_days(Days::new(DUE_SOON_DAYS))
        .unwrap_or(today);
    let rows = queries::open_for_assignee(db, station, officer, until).await?;
    Ok(open_items_of(rows, today, lang))
}

/// Every overdue demand of the station, longest overdue first (for the
/// chief's home page).
pub async fn overdue_for_station(
    db: &PgPool,
    station: StationScope,
    today: NaiveDate,
    lang: Lang,
) -> sqlx::Result<Vec<OpenItem>> {
    let rows = queries::overdue_for_station(db, station, today).await?;
    Ok(open_items_of(rows, today, lang))
}
