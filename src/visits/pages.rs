//! The visit pages: the picker ("one tap to log a visit"), the form (with
//! the checklist and the hazards found), show, edit, delete, the list; and
//! what other pages show of visits.
//!
//! The form is made to be filled on a phone in the field and works without
//! JavaScript: the checklist is always on the form (answered only for
//! inspections), and hazards found can be added in the same form; they are
//! stored with the visit in one transaction.

use std::collections::BTreeMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::Deserialize;
use sqlx::PgPool;

use super::model::{
    CheckAnswer, ChecklistItem, ChecklistTemplate, HAZARD_FIELDS, HazardRowView, KIND, PickRow,
    Visit, VisitDetail, VisitErrors, VisitForm, VisitKind, VisitRow, join_names,
};
use super::queries;
use super::text::{VisitText, text};
use crate::AppState;
use crate::audit::{self, Event};
use crate::auth::{Chief, Role, StationScope, StationUser};
use crate::enterprises::{self, EnterpriseBrief, TimelineEntry};
use crate::error::{AppError, AppResult};
use crate::hazards::{self, HazardBrief, HazardText, Severity};
use crate::i18n::Lang;
use crate::ids::{EnterpriseId, VisitId};
use crate::records::{self, ListFrame, RangeQuery, Write};
use crate::users::{self, Officer};
use crate::web::form::{self, FieldErrors};
use crate::web::{IdPath, PageCtx, RequestCtx, snippet};

#[derive(Template, WebTemplate)]
#[template(path = "visits/form.html")]
pub(super) struct FormPage {
    ctx: PageCtx,
    tx: &'static VisitText,
    htx: &'static HazardText,
    enterprise: EnterpriseBrief,
    /// `None` for a new visit.
    visit_id: Option<i64>,
    /// The stored kind when editing (it cannot change).
    fixed_kind: Option<VisitKind>,
    officers: Vec<Officer>,
    /// The checklist shown: the latest version for a new visit, the visit's
    /// own for an inspection being edited, none for other visits.
    template: Option<ChecklistTemplate>,
    items: Vec<ChecklistItem>,
    form: VisitForm,
    errors: FieldErrors,
    item_errors: BTreeMap<i64, String>,
    /// The saved record when a save hit a newer version.
    conflict: Option<VisitDetail>,
}

/// What a visit form is shown with, besides what was typed.
#[derive(Clone)]
struct FormParts {
    enterprise: EnterpriseBrief,
    visit_id: Option<i64>,
    fixed_kind: Option<VisitKind>,
    officers: Vec<Officer>,
    template: Option<ChecklistTemplate>,
    items: Vec<ChecklistItem>,
}

impl FormPage {
    fn new(ctx: PageCtx, parts: FormParts, form: VisitForm) -> FormPage {
        FormPage {
            tx: text(ctx.lang),
            htx: hazards::text(ctx.lang),
            ctx,
            enterprise: parts.enterprise,
            visit_id: parts.visit_id,
            fixed_kind: parts.fixed_kind,
            officers: parts.officers,
            template: parts.template,
            items: parts.items,
            form,
            errors: FieldErrors::new(),
            item_errors: BTreeMap::new(),
            conflict: None,
        }
    }

    /// The page again, with what is wrong (and the saved record).
    fn refused(
        mut self,
        status: StatusCode,
        errors: VisitErrors,
        conflict: Option<VisitDetail>,
    ) -> Response {
        self.errors = errors.fields;
        self.item_errors = errors.items;
        self.conflict = conflict;
        (status, self).into_response()
    }

    fn action(&self) -> String {
        match self.visit_id {
            Some(id) => format!("/visits/{id}/edit"),
            None => format!("/enterprises/{}/visits", self.enterprise.enterprise_id),
        }
    }

    fn kinds(&self) -> Vec<(&'static str, &'static str)> {
        VisitKind::choices(self.ctx.lang)
    }

    fn answers(&self) -> Vec<(&'static str, &'static str)> {
        CheckAnswer::choices(self.ctx.lang)
    }

    fn severities(&self) -> Vec<(&'static str, &'static str)> {
        Severity::choices(self.ctx.lang)
    }

    fn officer_checked(&self, user_id: &i64) -> bool {
        let id = user_id.to_string();
        self.form.officers.iter().any(|o| o.trim() == id)
    }

    fn is_liaison(&self, user_id: &i64) -> bool {
        self.enterprise.liaison_officer_id == Some(*user_id)
    }

    fn answered(&self, item_id: &i64, code: &str) -> bool {
        self.form
            .answers
            .get(item_id)
            .is_some_and(|a| a.trim() == code)
    }

    fn check_note(&self, item_id: &i64) -> &str {
        self.form
            .check_notes
            .get(item_id)
            .map_or("", String::as_str)
    }

    fn item_error(&self, item_id: &i64) -> Option<&str> {
        self.item_errors.get(item_id).map(String::as_str)
    }

    fn hazard_rows(&self) -> Vec<HazardRowView> {
        self.form
            .hazards
            .iter()
            .zip(HAZARD_FIELDS)
            .enumerate()
            .map(|(i, (row, names))| HazardRowView {
                n: i + 1,
                names,
                row: row.clone(),
            })
            .collect()
    }

    fn conflict_officers(&self) -> Option<String> {
        self.conflict
            .as_ref()
            .map(|c| c.officer_names(self.ctx.lang))
    }

    fn conflict_answer(&self, item_id: &i64) -> Option<&'static str> {
        let c = self.conflict.as_ref()?;
        c.checks
            .iter()
            .find(|r| r.checklist_item_id == *item_id)
            .map(|r| r.answer.label(self.ctx.lang))
    }
}

/// The visit with its officers and checklist answers.
async fn detail(db: &PgPool, station: StationScope, id: VisitId) -> AppResult<VisitDetail> {
    let visit = queries::get(db, station, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let officers = queries::officers_of(db, station, id).await?;
    let checks = queries::checks_of(db, station, id).await?;
    Ok(VisitDetail {
        visit,
        officers,
        checks,
    })
}

/// The checklist a form shows, and its items.
async fn checklist_for(
    db: &PgPool,
    template_id: Option<i64>,
) -> sqlx::Result<(Option<ChecklistTemplate>, Vec<ChecklistItem>)> {
    let template = match template_id {
        Some(id) => queries::template(db, id).await?,
        None => queries::latest_template(db).await?,
    };
    let items = match &template {
        Some(t) => queries::template_items(db, t.checklist_template_id).await?,
        None => Vec::new(),
    };
    Ok((template, items))
}

/// The checklist an existing visit is edited with: its own version, for
/// inspections only.
async fn checklist_of(
    db: &PgPool,
    visit: &Visit,
) -> sqlx::Result<(Option<ChecklistTemplate>, Vec<ChecklistItem>)> {
    match visit.checklist_template_id {
        Some(id) if visit.kind == VisitKind::Inspection => checklist_for(db, Some(id)).await,
        _ => Ok((None, Vec::new())),
    }
}

/// The parts of a new visit's form at the enterprise.
async fn new_parts(
    state: &AppState,
    me: &StationUser,
    enterprise_id: EnterpriseId,
) -> AppResult<FormParts> {
    let enterprise = enterprises::brief_or_not_found(&state.db, me.scope, enterprise_id).await?;
    let officers = users::officers(&state.db, me.scope).await?;
    let (template, items) = checklist_for(&state.db, None).await?;
    Ok(FormParts {
        enterprise,
        visit_id: None,
        fixed_kind: None,
        officers,
        template,
        items,
    })
}

/// The parts of a stored visit's form.
async fn edit_parts(state: &AppState, me: &StationUser, visit: &Visit) -> AppResult<FormParts> {
    let enterprise =
        enterprises::brief_or_not_found(&state.db, me.scope, EnterpriseId(visit.enterprise_id))
            .await?;
    let officers = users::officers(&state.db, me.scope).await?;
    let (template, items) = checklist_of(&state.db, visit).await?;
    Ok(FormParts {
        enterprise,
        visit_id: Some(visit.visit_id),
        fixed_kind: Some(visit.kind),
        officers,
        template,
        items,
    })
}

pub(super) async fn new_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: StationUser,
    IdPath(enterprise_id): IdPath<EnterpriseId>,
) -> AppResult<FormPage> {
    let parts = new_parts(&state, &me, enterprise_id).await?;
    let form = VisitForm {
        visited_on: state.clock.today().to_string(),
        officers: vec![me.user.user_id.to_string()],
        form_token: form::new_form_token(),
        ..VisitForm::default()
    };
    Ok(FormPage::new(ctx, parts, form))
}

pub(super) async fn create(
    State(state): State<AppState>,
    req: RequestCtx,
    me: StationUser,
    IdPath(enterprise_id): IdPath<EnterpriseId>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let parts = new_parts(&state, &me, enterprise_id).await?;
    let form = VisitForm::from_pairs(pairs);
    let token_ok = form::valid_form_token(&form.form_token);
    let today = state.clock.today();
    let input = match form.validate(req.lang, today, None, &parts.officers, &parts.items, true) {
        Ok(input) if token_ok => input,
        result => {
            let mut errors = result.err().unwrap_or_default();
            if !token_ok {
                errors.fields.add("form", req.lang.t().error_bad_request);
            }
            let page = FormPage::new(PageCtx::new(&req), parts, form);
            return Ok(page.refused(StatusCode::UNPROCESSABLE_ENTITY, errors, None));
        }
    };
    let template_id = match input.kind {
        VisitKind::Inspection => parts.template.as_ref().map(|t| t.checklist_template_id),
        _ => None,
    };
    let enterprise = parts.enterprise;
    let liaison_contact = enterprise
        .liaison_officer_id
        .is_some_and(|l| input.officers.contains(&l));
    records::create(&state, &req, &me, KIND, &form.form_token, async |tx| {
        let id = queries::insert(
            tx,
            me.scope,
            enterprise.enterprise_id,
            me.user.id(),
            &input,
            template_id,
            liaison_contact,
        )
        .await?;
        queries::set_officers(tx, id, &input.officers).await?;
        if template_id.is_some() {
            queries::set_checks(tx, id, &input.checks).await?;
        }
        for hazard in &input.hazards {
            let hazard_id = hazards::insert(
                tx,
                me.scope,
                enterprise.enterprise_id,
                Some(id),
                me.user.id(),
                hazard,
            )
            .await?;
            let summary = format!("{} (visit #{id})", hazard.summary(&enterprise.name));
            let event = Event::by(&me.user, &req, "hazard.create", "hazard", Some(hazard_id))
                .with(&summary);
            audit::record(tx, event).await?;
        }
        let failed = input
            .checks
            .iter()
            .filter(|c| c.answer == CheckAnswer::Fail)
            .count();
        let summary = format!(
            "{} {} {}{}: {}",
            enterprise.name,
            input.visited_on,
            input.kind.code(),
            if template_id.is_some() {
                format!(" (failed {failed})")
            } else {
                String::new()
            },
            snippet(&input.notes, 80)
        );
        Ok(Write::Done((id, summary)))
    })
    .await
}

#[derive(Template, WebTemplate)]
#[template(path = "visits/show.html")]
pub(super) struct ShowPage {
    ctx: PageCtx,
    tx: &'static VisitText,
    htx: &'static HazardText,
    detail: VisitDetail,
    template: Option<ChecklistTemplate>,
    hazards: Vec<HazardBrief>,
    today: NaiveDate,
    can_delete: bool,
}

impl ShowPage {
    fn officer_names(&self) -> String {
        self.detail.officer_names(self.ctx.lang)
    }

    fn failed_label(&self) -> Option<String> {
        let n = self.detail.failed_count();
        (n > 0).then(|| (self.tx.failed_items)(n as i64))
    }

    fn hazard_overdue(&self, h: &HazardBrief) -> bool {
        h.is_overdue(self.today)
    }
}

pub(super) async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: StationUser,
    IdPath(id): IdPath<VisitId>,
) -> AppResult<ShowPage> {
    let detail = detail(&state.db, me.scope, id).await?;
    let template = match detail.visit.checklist_template_id {
        Some(t) => queries::template(&state.db, t).await?,
        None => None,
    };
    let hazards = hazards::found_on_visit(&state.db, me.scope, id).await?;
    Ok(ShowPage {
        tx: text(ctx.lang),
        htx: hazards::text(ctx.lang),
        can_delete: me.user.role == Role::Chief,
        today: state.clock.today(),
        ctx,
        detail,
        template,
        hazards,
    })
}

pub(super) async fn edit_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: StationUser,
    IdPath(id): IdPath<VisitId>,
) -> AppResult<FormPage> {
    let detail = detail(&state.db, me.scope, id).await?;
    let parts = edit_parts(&state, &me, &detail.visit).await?;
    Ok(FormPage::new(ctx, parts, VisitForm::from_detail(&detail)))
}

pub(super) async fn update(
    State(state): State<AppState>,
    req: RequestCtx,
    me: StationUser,
    IdPath(id): IdPath<VisitId>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let current = detail(&state.db, me.scope, id).await?;
    let parts = edit_parts(&state, &me, &current.visit).await?;
    let form = VisitForm::from_pairs(pairs);
    let kind = current.visit.kind;
    let today = state.clock.today();
    let input = match form.validate(
        req.lang,
        today,
        Some(kind),
        &parts.officers,
        &parts.items,
        false,
    ) {
        Ok(input) => input,
        Err(errors) => {
            let page = FormPage::new(PageCtx::new(&req), parts, form);
            return Ok(page.refused(StatusCode::UNPROCESSABLE_ENTITY, errors, None));
        }
    };
    let version = records::version(&form.version);
    let liaison_contact = parts
        .enterprise
        .liaison_officer_id
        .is_some_and(|l| input.officers.contains(&l));
    let new_names = join_names(
        input.officers.iter().filter_map(|id| {
            parts
                .officers
                .iter()
                .find(|o| o.user_id == *id)
                .map(|o| o.display_name.as_str())
        }),
        Lang::Zh,
    );
    records::update(&state, &req, &me, KIND, id.get(), async |tx| {
        if !queries::update(tx, me.scope, id, version, &input, liaison_contact).await? {
            // Someone saved first: keep what this user typed, show what is
            // saved, and let a second save (with the current version) go
            // through.
            let saved_now = detail(&state.db, me.scope, id).await?;
            let mut errors = VisitErrors::default();
            errors.fields.add("form", req.lang.t().err_conflict);
            let form = VisitForm {
                version: saved_now.visit.version.to_string(),
                ..form.clone()
            };
            let page = FormPage::new(PageCtx::new(&req), parts.clone(), form);
            return Ok(Write::Answer(page.refused(
                StatusCode::CONFLICT,
                errors,
                Some(saved_now),
            )));
        }
        queries::set_officers(tx, id.get(), &input.officers).await?;
        let new_letters: String = input.checks.iter().map(|c| c.answer.letter()).collect();
        if kind == VisitKind::Inspection {
            queries::set_checks(tx, id.get(), &input.checks).await?;
        }
        let v = &current.visit;
        Ok(Write::Done(audit::changes(&[
            (
                "visited_on",
                v.visited_on.to_string(),
                input.visited_on.to_string(),
            ),
            ("officers", current.officer_names(Lang::Zh), new_names),
            ("notes", v.notes.clone(), input.notes.clone()),
            (
                "suggestions",
                v.suggestions.clone(),
                input.suggestions.clone(),
            ),
            (
                "checklist",
                current.answer_letters(),
                if kind == VisitKind::Inspection {
                    new_letters
                } else {
                    current.answer_letters()
                },
            ),
            (
                "liaison_contact",
                v.liaison_contact.to_string(),
                liaison_contact.to_string(),
            ),
        ])))
    })
    .await
}

pub(super) async fn delete(
    State(state): State<AppState>,
    req: RequestCtx,
    me: Chief,
    IdPath(id): IdPath<VisitId>,
) -> AppResult<Response> {
    records::delete(&state, &req, &me, KIND, id.get(), async |tx| {
        Ok(queries::soft_delete(tx, me.scope, id, me.user.id())
            .await?
            .map(|gone| {
                let summary = format!(
                    "{} {} {}: {}",
                    gone.enterprise_name,
                    gone.visited_on,
                    gone.kind.code(),
                    snippet(&gone.notes, 200)
                );
                (records::enterprise_page(gone.enterprise_id), summary)
            }))
    })
    .await
}

#[derive(Debug, Deserialize, Default)]
pub(super) struct PickerQuery {
    #[serde(default)]
    q: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "visits/picker.html")]
pub(super) struct PickerPage {
    ctx: PageCtx,
    tx: &'static VisitText,
    q: String,
    /// Search results, or the user's liaison enterprises without a search.
    enterprises: Vec<PickRow>,
}

const PICKER_LIMIT: i64 = 30;

/// "One tap to log a visit": find the enterprise, tap it, fill the form.
pub(super) async fn picker(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: StationUser,
    Query(query): Query<PickerQuery>,
) -> AppResult<PickerPage> {
    let q = crate::web::paging::search_text(&query.q);
    let enterprises = if q.is_empty() {
        queries::liaison_enterprises(&state.db, me.scope, me.user.id(), PICKER_LIMIT).await?
    } else {
        queries::search_enterprises(&state.db, me.scope, me.user.id(), &q, PICKER_LIMIT).await?
    };
    Ok(PickerPage {
        tx: text(ctx.lang),
        ctx,
        q,
        enterprises,
    })
}

/// `?kind=`, `?officer=` and the record lists' own filters (on the date
/// visited).
#[derive(Debug, Deserialize, Default)]
pub(super) struct ListQuery {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    officer: String,
    #[serde(flatten)]
    range: RangeQuery,
}

#[derive(Template, WebTemplate)]
#[template(path = "visits/list.html")]
pub(super) struct ListPage {
    ctx: PageCtx,
    tx: &'static VisitText,
    visits: Vec<VisitRow>,
    officers: Vec<Officer>,
    kind: String,
    officer: String,
    frame: ListFrame,
}

impl ListPage {
    fn kinds(&self) -> Vec<(&'static str, &'static str)> {
        VisitKind::choices(self.ctx.lang)
    }
}

const PER_PAGE: i64 = 25;

pub(super) async fn list(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: StationUser,
    Query(q): Query<ListQuery>,
) -> AppResult<ListPage> {
    let officers = users::officers(&state.db, me.scope).await?;
    let kind = VisitKind::parse(&q.kind);
    let officer = q
        .officer
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|id| officers.iter().any(|o| o.user_id == *id));
    let range = q.range.parse(ctx.lang);
    let filter = queries::Filter {
        kind,
        officer,
        enterprise: range.enterprise,
        from: range.from,
        to: range.to,
    };
    let total = queries::count(&state.db, me.scope, filter).await?;
    let name = enterprises::name_of(&state.db, me.scope, range.enterprise).await?;
    let kind_code = kind.map_or("", VisitKind::code);
    let officer_code = officer.map(|id| id.to_string()).unwrap_or_default();
    let others = [("kind", kind_code), ("officer", officer_code.as_str())];
    let frame = ListFrame::new("/visits", &q.range, range, &others, total, PER_PAGE, name);
    let visits =
        queries::list(&state.db, me.scope, filter, PER_PAGE, frame.paging.offset()).await?;
    Ok(ListPage {
        tx: text(ctx.lang),
        ctx,
        visits,
        officers,
        kind: kind_code.to_owned(),
        officer: officer_code,
        frame,
    })
}

/// The enterprise's visits for its timeline, newest first. An inspection
/// with failed items carries an alert ("3 项不合格").
pub async fn timeline(
    db: &PgPool,
    station: StationScope,
    enterprise: EnterpriseId,
    lang: Lang,
) -> sqlx::Result<Vec<TimelineEntry>> {
    let rows = queries::for_enterprise(db, station, enterprise).await?;
    Ok(rows
        .into_iter()
        .map(|v| TimelineEntry {
            date: v.visited_on,
            kind: "visit",
            label: v.kind.label(lang).to_owned(),
            summary: snippet(&v.notes, 120),
            href: format!("/visits/{}", v.visit_id),
            alert: (v.kind == VisitKind::Inspection && v.failed > 0)
                .then(|| (text(lang).failed_items)(v.failed)),
        })
        .collect())
}

/// The failed items (in Chinese, the checklist's own words) of the
/// enterprise's latest security inspection; empty when it was never
/// inspected or nothing failed.
pub async fn latest_inspection_failures(
    db: &PgPool,
    station: StationScope,
    enterprise: EnterpriseId,
) -> sqlx::Result<Vec<String>> {
    queries::latest_inspection_failures(db, station, enterprise).await
}
