//! The hazard pages: list, new, show (with the rectification form), edit,
//! rectify, delete; and what other pages show of hazards.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::Deserialize;
use sqlx::PgPool;

use super::model::{Hazard, HazardBrief, HazardForm, KIND, RectifyForm, Severity, StatusFilter};
use super::queries;
use super::text::{HazardText, text};
use crate::AppState;
use crate::auth::{Chief, Role, StationScope, StationUser};
use crate::enterprises::{self, EnterpriseBrief, OpenItem, TimelineEntry};
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::ids::{EnterpriseId, HazardId, UserId, VisitId};
use crate::records::{self, ListFrame, RangeQuery, Write};
use crate::users::{self, Officer};
use crate::web::form::{self, FieldErrors};
use crate::web::{IdPath, PageCtx, RequestCtx, snippet};

/// How far ahead an officer's home page looks for hazard deadlines.
const DUE_SOON_DAYS: i64 = 14;

#[derive(Template, WebTemplate)]
#[template(path = "hazards/form.html")]
pub(super) struct FormPage {
    ctx: PageCtx,
    tx: &'static HazardText,
    enterprise: EnterpriseBrief,
    /// `None` for a new hazard.
    hazard_id: Option<i64>,
    form: HazardForm,
    errors: FieldErrors,
    /// The saved record when a save hit a newer version.
    conflict: Option<Hazard>,
}

impl FormPage {
    fn new(ctx: PageCtx, enterprise: EnterpriseBrief, id: Option<i64>, form: HazardForm) -> Self {
        FormPage {
            tx: text(ctx.lang),
            ctx,
            enterprise,
            hazard_id: id,
            form,
            errors: FieldErrors::new(),
            conflict: None,
        }
    }

    /// The page again, with what is wrong (and the saved record).
    fn refused(
        mut self,
        status: StatusCode,
        errors: FieldErrors,
        conflict: Option<Hazard>,
    ) -> Response {
        self.errors = errors;
        self.conflict = conflict;
        (status, self).into_response()
    }

    fn action(&self) -> String {
        match self.hazard_id {
            Some(id) => format!("/hazards/{id}/edit"),
            None => format!("/enterprises/{}/hazards", self.enterprise.enterprise_id),
        }
    }

    fn severities(&self) -> Vec<(&'static str, &'static str)> {
        Severity::choices(self.ctx.lang)
    }
}

async fn hazard(db: &PgPool, station: StationScope, id: HazardId) -> AppResult<Hazard> {
    queries::get(db, station, id)
        .await?
        .ok_or(AppError::NotFound)
}

pub(super) async fn new_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: StationUser,
    IdPath(enterprise_id): IdPath<EnterpriseId>,
) -> AppResult<FormPage> {
    let enterprise = enterprises::brief_or_not_found(&state.db, me.scope, enterprise_id).await?;
    let form = HazardForm {
        found_on: state.clock.today().to_string(),
        form_token: form::new_form_token(),
        ..HazardForm::default()
    };
    Ok(FormPage::new(ctx, enterprise, None, form))
}

pub(super) async fn create(
    State(state): State<AppState>,
    req: RequestCtx,
    me: StationUser,
    IdPath(enterprise_id): IdPath<EnterpriseId>,
    Form(form): Form<HazardForm>,
) -> AppResult<Response> {
    let enterprise = enterprises::brief_or_not_found(&state.db, me.scope, enterprise_id).await?;
    let input = match records::new_input(
        &form.form_token,
        form.validate(req.lang, state.clock.today(), None),
        req.lang,
    ) {
        Ok(input) => input,
        Err(errors) => {
            let page = FormPage::new(PageCtx::new(&req), enterprise, None, form);
            return Ok(page.refused(StatusCode::UNPROCESSABLE_ENTITY, errors, None));
        }
    };
    records::create(&state, &req, &me, KIND, &form.form_token, async |tx| {
        let id = queries::insert(
            tx,
            me.scope,
            enterprise.enterprise_id,
            None,
            me.user.id(),
            &input,
        )
        .await?;
        Ok(Write::Done((id, input.summary(&enterprise.name))))
    })
    .await
}

#[derive(Template, WebTemplate)]
#[template(path = "hazards/show.html")]
pub(super) struct ShowPage {
    ctx: PageCtx,
    tx: &'static HazardText,
    hazard: Hazard,
    today: NaiveDate,
    can_delete: bool,
    /// For the rectification form's "verified by".
    officers: Vec<Officer>,
    rectify: RectifyForm,
    errors: FieldErrors,
}

impl ShowPage {
    fn overdue(&self) -> bool {
        self.hazard.is_overdue(self.today)
    }
}

async fn show_page(
    state: &AppState,
    ctx: PageCtx,
    me: &StationUser,
    hazard: Hazard,
    rectify: Option<RectifyForm>,
    errors: FieldErrors,
) -> AppResult<ShowPage> {
    let today = state.clock.today();
    let rectify = rectify.unwrap_or_else(|| RectifyForm {
        rectified_on: today.to_string(),
        rectification_note: String::new(),
        verified_by: me.user.user_id.to_string(),
    });
    Ok(ShowPage {
        tx: text(ctx.lang),
        ctx,
        hazard,
        today,
        can_delete: me.user.role == Role::Chief,
        officers: users::officers(&state.db, me.scope).await?,
        rectify,
        errors,
    })
}

pub(super) async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: StationUser,
    IdPath(id): IdPath<HazardId>,
) -> AppResult<ShowPage> {
    let hazard = hazard(&state.db, me.scope, id).await?;
    show_page(&state, ctx, &me, hazard, None, FieldErrors::new()).await
}

pub(super) async fn rectify(
    State(state): State<AppState>,
    req: RequestCtx,
    me: StationUser,
    IdPath(id): IdPath<HazardId>,
    Form(form): Form<RectifyForm>,
) -> AppResult<Response> {
    let hazard = hazard(&state.db, me.scope, id).await?;
    let lang = req.lang;
    let refuse =
        async |hazard: Hazard, form: RectifyForm, status: StatusCode, errors: FieldErrors| {
            let page =
                show_page(&state, PageCtx::new(&req), &me, hazard, Some(form), errors).await?;
            AppResult::Ok((status, page).into_response())
        };
    let already = |on: NaiveDate| {
        let mut errors = FieldErrors::new();
        errors.add("form", (text(lang).err_already_rectified)(&on.to_string()));
        errors
    };
    if let Some(on) = hazard.rectified_on {
        return refuse(hazard, form, StatusCode::CONFLICT, already(on)).await;
    }
    let officers = users::officers(&state.db, me.scope).await?;
    let input = match form.validate(lang, state.clock.today(), hazard.found_on, &officers) {
        Ok(input) => input,
        Err(errors) => return refuse(hazard, form, StatusCode::UNPROCESSABLE_ENTITY, errors).await,
    };
    let mut tx = state.db.begin().await?;
    let verifier = UserId(input.verified_by);
    if !queries::rectify(
        &mut tx,
        me.scope,
        id,
        input.rectified_on,
        &input.note,
        verifier,
    )
    .await?
    {
        // Rectified (or changed) by someone else since the page was loaded.
        drop(tx);
        let current = self::hazard(&state.db, me.scope, id).await?;
        let errors = match current.rectified_on {
            Some(on) => already(on),
            None => {
                let mut errors = FieldErrors::new();
                errors.add("form", lang.t().err_conflict);
                errors
            }
        };
        return refuse(current, form, StatusCode::CONFLICT, errors).await;
    }
    let verifier = officers
        .iter()
        .find(|o| o.user_id == input.verified_by)
        .map_or("", |o| o.display_name.as_str());
    let summary = format!(
        "{} #{id}: {} ({verifier}) {}",
        hazard.enterprise_name,
        input.rectified_on,
        snippet(&input.note, 80)
    );
    let event = crate::audit::Event::by(&me.user, &req, "hazard.rectify", "hazard", Some(id.get()))
        .with(&summary);
    crate::audit::commit(tx, event, &KIND.page(id.get()), crate::web::Flash::Saved).await
}

pub(super) async fn edit_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: StationUser,
    IdPath(id): IdPath<HazardId>,
) -> AppResult<FormPage> {
    let hazard = hazard(&state.db, me.scope, id).await?;
    let enterprise =
        enterprises::brief_or_not_found(&state.db, me.scope, EnterpriseId(hazard.enterprise_id))
            .await?;
    let form = HazardForm::from_hazard(&hazard);
    Ok(FormPage::new(ctx, enterprise, Some(hazard.hazard_id), form))
}

pub(super) async fn update(
    State(state): State<AppState>,
    req: RequestCtx,
    me: StationUser,
    IdPath(id): IdPath<HazardId>,
    Form(form): Form<HazardForm>,
) -> AppResult<Response> {
    let current = hazard(&state.db, me.scope, id).await?;
    let enterprise =
        enterprises::brief_or_not_found(&state.db, me.scope, EnterpriseId(current.enterprise_id))
            .await?;
    let input = match form.validate(req.lang, state.clock.today(), current.rectified_on) {
        Ok(input) => input,
        Err(errors) => {
            let page = FormPage::new(PageCtx::new(&req), enterprise, Some(id.get()), form);
            return Ok(page.refused(StatusCode::UNPROCESSABLE_ENTITY, errors, None));
        }
    };
    let version = records::version(&form.version);
    records::update(&state, &req, &me, KIND, id.get(), async |tx| {
        if queries::update(tx, me.scope, id, version, &input).await? {
            return Ok(Write::Done(input.changes(&current)));
        }
        // Someone saved first: keep what this user typed, show what is saved.
        let current = self::hazard(&state.db, me.scope, id).await?;
        let mut errors = FieldErrors::new();
        errors.add("form", req.lang.t().err_conflict);
        let form = HazardForm {
            version: current.version.to_string(),
            ..form
        };
        let page = FormPage::new(PageCtx::new(&req), enterprise, Some(id.get()), form);
        Ok(Write::Answer(page.refused(
            StatusCode::CONFLICT,
            errors,
            Some(current),
        )))
    })
    .await
}

pub(super) async fn delete(
    State(state): State<AppState>,
    req: RequestCtx,
    me: Chief,
    IdPath(id): IdPath<HazardId>,
) -> AppResult<Response> {
    records::delete(&state, &req, &me, KIND, id.get(), async |tx| {
        Ok(queries::soft_delete(tx, me.scope, id, me.user.id())
            .await?
            .map(|gone| {
                let summary = format!(
                    "{} {} {}: {}",
                    gone.enterprise_name,
                    gone.found_on,
                    gone.severity.code(),
                    snippet(&gone.description, 200)
                );
                (records::enterprise_page(gone.enterprise_id), summary)
            }))
    })
    .await
}

/// `?status=`, `?severity=`, and the record lists' own filters on the date
/// `?on=` names: `found` (the default) or `rectified`.
#[derive(Debug, Deserialize, Default)]
pub(super) struct ListQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    severity: String,
    #[serde(default)]
    on: String,
    #[serde(flatten)]
    range: RangeQuery,
}

/// The dates a hazard list can be ranged on; the first is the default.
const DATE_FIELDS: [&str; 2] = ["found", "rectified"];

#[derive(Template, WebTemplate)]
#[template(path = "hazards/list.html")]
pub(super) struct ListPage {
    ctx: PageCtx,
    tx: &'static HazardText,
    hazards: Vec<Hazard>,
    today: NaiveDate,
    status: String,
    severity: String,
    on: &'static str,
    frame: ListFrame,
}

impl ListPage {
    fn statuses(&self) -> Vec<(&'static str, &'static str)> {
        StatusFilter::choices(self.ctx.lang)
    }

    fn severities(&self) -> Vec<(&'static str, &'static str)> {
        Severity::choices(self.ctx.lang)
    }

    fn is_on(&self, code: &str) -> bool {
        self.on == code
    }

    fn date_fields(&self) -> [(&'static str, &'static str); 2] {
        [
            (DATE_FIELDS[0], self.tx.found_on),
            (DATE_FIELDS[1], self.tx.rectified_on),
        ]
    }
}

const PER_PAGE: i64 = 25;

pub(super) async fn list(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: StationUser,
    Query(q): Query<ListQuery>,
) -> AppResult<ListPage> {
    let status = StatusFilter::parse(&q.status);
    let severity = Severity::parse(&q.severity);
    let on = DATE_FIELDS
        .into_iter()
        .find(|f| *f == q.on.trim())
        .unwrap_or(DATE_FIELDS[0]);
    let range = q.range.parse(ctx.lang);
    let today = state.clock.today();
    let filter = queries::Filter {
        status,
        severity,
        enterprise: range.enterprise,
        on,
        from: range.from,
        to: range.to,
        today,
    };
    let total = queries::count(&state.db, me.scope, filter).await?;
    let name = enterprises::name_of(&state.db, me.scope, range.enterprise).await?;
    let status_code = status.map_or("", StatusFilter::code);
    let severity_code = severity.map_or("", Severity::code);
    let others = [
        ("status", status_code),
        ("severity", severity_code),
        // The default date goes without saying.
        ("on", if on == DATE_FIELDS[0] { "" } else { on }),
    ];
    let frame = ListFrame::new("/hazards", &q.range, range, &others, total, PER_PAGE, name);
    let hazards =
        queries::list(&state.db, me.scope, filter, PER_PAGE, frame.paging.offset()).await?;
    Ok(ListPage {
        tx: text(ctx.lang),
        ctx,
        hazards,
        today,
        status: status_code.to_owned(),
        severity: severity_code.to_owned(),
        on,
        frame,
    })
}

/// The hazards found on a visit of the station.
pub async fn found_on_visit(
    db: &PgPool,
    station: StationScope,
    visit: VisitId,
) -> sqlx::Result<Vec<HazardBrief>> {
    queries::for_visit(db, station, visit).await
}

/// The enterprise's hazards for its timeline, newest first.
pub async fn timeline(
    db: &PgPool,
    station: StationScope,
    enterprise: EnterpriseId,
    today: NaiveDate,
    lang: Lang,
) -> sqlx::Result<Vec<TimelineEntry>> {
    let t = text(lang);
    let rows = queries::for_enterprise(db, station, enterprise).await?;
    Ok(rows
        .into_iter()
        .map(|h| {
            let state = match h.rectified_on {
                Some(on) => format!("{} {on}", t.status_rectified),
                None => (t.deadline_label)(&h.deadline.to_string()),
            };
            TimelineEntry {
                date: h.found_on,
                kind: "hazard",
                label: format!("{} · {}", t.hazard, h.severity.label(lang)),
                summary: format!("{} ({state})", snippet(&h.description, 100)),
                href: format!("/hazards/{}", h.hazard_id),
                alert: h.is_overdue(today).then(|| lang.t().overdue.to_owned()),
            }
        })
        .collect())
}

/// The enterprise's hazards not yet rectified, soonest deadline first.
pub async fn open_items(
    db: &PgPool,
    station: StationScope,
    enterprise: EnterpriseId,
    today: NaiveDate,
    lang: Lang,
) -> sqlx::Result<Vec<OpenItem>> {
    let rows = queries::open_for_enterprise(db, station, enterprise).await?;
    Ok(rows.iter().map(|h| h.open_item(today, lang)).collect())
}

/// Open hazards at the officer's liaison enterprises that are overdue or due
/// within two weeks, soonest deadline first.
pub async fn due_for_officer(
    db: &PgPool,
    station: StationScope,
    officer: UserId,
    today: NaiveDate,
    lang: Lang,
) -> sqlx::Result<Vec<OpenItem>> {
    let until = today + chrono::Duration::days(DUE_SOON_DAYS);
    let rows = queries::due_at_liaison_enterprises(db, station, officer, until).await?;
    Ok(rows.iter().map(|h| h.open_item(today, lang)).collect())
}
