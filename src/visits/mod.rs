//! Visits to enterprises: routine visits, security inspections (with the
//! checklist), legal consultations, policy briefings and follow-ups.
//!
//! The visit form is made to be filled on a phone in the field and works
//! without JavaScript: the checklist is always on the form (answered only for
//! inspections), and hazards found can be added in the same form; they are
//! stored with the visit in one transaction.

mod queries;
mod text;

use std::collections::BTreeMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sqlx::PgPool;

use crate::AppState;
use crate::audit::{self, Event};
use crate::auth::{Chief, StationUser};
use crate::error::{AppError, AppResult};
use crate::hazards::{self, HazardBrief, HazardInput, HazardText};
use crate::i18n::Lang;
use crate::web::form::{self, FieldErrors, Fields};
use crate::web::paging::{PageQuery, Paging, query_string};
use crate::web::record::{
    EnterpriseBrief, Officer, OpenItem, TimelineEntry, enterprise_brief, snippet, station_officers,
};
use crate::web::{Flash, PageCtx, RequestCtx, parse_id, redirect_with_flash};

pub use text::{VisitText, text};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/visits", get(list))
        .route("/visits/new", get(picker))
        .route("/enterprises/{enterprise_id}/visits/new", get(new_form))
        .route("/enterprises/{enterprise_id}/visits", post(create))
        .route("/visits/{id}", get(show))
        .route("/visits/{id}/edit", get(edit_form).post(update))
        .route("/visits/{id}/delete", post(delete))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type)]
#[sqlx(type_name = "visit_kind", rename_all = "snake_case")]
pub enum VisitKind {
    Routine,
    Inspection,
    Legal,
    Policy,
    FollowUp,
}

impl VisitKind {
    pub const ALL: [VisitKind; 5] = [
        VisitKind::Routine,
        VisitKind::Inspection,
        VisitKind::Legal,
        VisitKind::Policy,
        VisitKind::FollowUp,
    ];

    pub fn code(self) -> &'static str {
        match self {
            VisitKind::Routine => "routine",
            VisitKind::Inspection => "inspection",
            VisitKind::Legal => "legal",
            VisitKind::Policy => "policy",
            VisitKind::FollowUp => "follow_up",
        }
    }

    pub fn label(self, lang: impl Into<Lang>) -> &'static str {
        let t = text(lang.into());
        match self {
            VisitKind::Routine => t.kind_routine,
            VisitKind::Inspection => t.kind_inspection,
            VisitKind::Legal => t.kind_legal,
            VisitKind::Policy => t.kind_policy,
            VisitKind::FollowUp => t.kind_follow_up,
        }
    }

    fn options() -> Vec<(&'static str, VisitKind)> {
        VisitKind::ALL.iter().map(|k| (k.code(), *k)).collect()
    }

    fn choices(lang: Lang) -> Vec<(&'static str, &'static str)> {
        VisitKind::ALL
            .iter()
            .map(|k| (k.code(), k.label(lang)))
            .collect()
    }
}

/// The answer to one checklist item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type)]
#[sqlx(type_name = "check_answer", rename_all = "lowercase")]
pub enum CheckAnswer {
    Pass,
    Fail,
    Na,
}

impl CheckAnswer {
    pub const ALL: [CheckAnswer; 3] = [CheckAnswer::Pass, CheckAnswer::Fail, CheckAnswer::Na];

    pub fn code(self) -> &'static str {
        match self {
            CheckAnswer::Pass => "pass",
            CheckAnswer::Fail => "fail",
            CheckAnswer::Na => "na",
        }
    }

    pub fn label(self, lang: impl Into<Lang>) -> &'static str {
        let t = text(lang.into());
        match self {
            CheckAnswer::Pass => t.answer_pass,
            CheckAnswer::Fail => t.answer_fail,
            CheckAnswer::Na => t.answer_na,
        }
    }

    /// One letter per answer, for compact audit lines.
    fn letter(self) -> char {
        match self {
            CheckAnswer::Pass => 'P',
            CheckAnswer::Fail => 'F',
            CheckAnswer::Na => 'N',
        }
    }

    fn options() -> Vec<(&'static str, CheckAnswer)> {
        CheckAnswer::ALL.iter().map(|a| (a.code(), *a)).collect()
    }
}

/// A version of the security checklist.
#[derive(Debug, Clone)]
pub struct ChecklistTemplate {
    pub checklist_template_id: i64,
    pub version: i32,
    pub title: String,
    pub title_en: String,
}

impl ChecklistTemplate {
    pub fn title_in(&self, lang: impl Into<Lang>) -> &str {
        match lang.into() {
            Lang::Zh => &self.title,
            Lang::En => &self.title_en,
        }
    }
}

/// One item of a checklist version.
#[derive(Debug, Clone)]
pub struct ChecklistItem {
    pub checklist_item_id: i64,
    pub position: i32,
    pub text: String,
    pub text_en: String,
}

impl ChecklistItem {
    pub fn text_in(&self, lang: impl Into<Lang>) -> &str {
        match lang.into() {
            Lang::Zh => &self.text,
            Lang::En => &self.text_en,
        }
    }
}

/// A stored answer with its item.
#[derive(Debug, Clone)]
pub struct CheckRow {
    pub checklist_item_id: i64,
    pub position: i32,
    pub text: String,
    pub text_en: String,
    pub answer: CheckAnswer,
    pub note: String,
}

impl CheckRow {
    pub fn text_in(&self, lang: impl Into<Lang>) -> &str {
        match lang.into() {
            Lang::Zh => &self.text,
            Lang::En => &self.text_en,
        }
    }

    pub fn failed(&self) -> bool {
        self.answer == CheckAnswer::Fail
    }
}

/// A visit as stored.
#[derive(Debug, Clone)]
pub struct Visit {
    pub visit_id: i64,
    pub enterprise_id: i64,
    pub enterprise_name: String,
    pub visited_on: NaiveDate,
    pub kind: VisitKind,
    pub notes: String,
    pub suggestions: String,
    pub checklist_template_id: Option<i64>,
    pub liaison_contact: bool,
    pub version: i32,
    pub created_by_name: String,
}

/// A visit with its officers and checklist answers.
#[derive(Debug, Clone)]
pub struct VisitDetail {
    pub visit: Visit,
    pub officers: Vec<Officer>,
    pub checks: Vec<CheckRow>,
}

impl VisitDetail {
    async fn load(db: &PgPool, station_id: i64, id: i64) -> sqlx::Result<Option<VisitDetail>> {
        let Some(visit) = queries::get(db, station_id, id).await? else {
            return Ok(None);
        };
        let officers = queries::officers_of(db, station_id, id).await?;
        let checks = queries::checks_of(db, station_id, id).await?;
        Ok(Some(VisitDetail {
            visit,
            officers,
            checks,
        }))
    }

    fn officer_names(&self, lang: Lang) -> String {
        join_names(self.officers.iter().map(|o| o.display_name.as_str()), lang)
    }

    fn failed_count(&self) -> usize {
        self.checks.iter().filter(|c| c.failed()).count()
    }

    /// The answers in checklist order, one letter each ("PPFN…"), for audit lines.
    fn answer_letters(&self) -> String {
        self.checks.iter().map(|c| c.answer.letter()).collect()
    }
}

fn join_names<'a>(names: impl Iterator<Item = &'a str>, lang: Lang) -> String {
    let sep = match lang {
        Lang::Zh => "、",
        Lang::En => ", ",
    };
    names.collect::<Vec<_>>().join(sep)
}

/// One row of the visit list.
#[derive(Debug, Clone)]
pub struct VisitRow {
    pub visit_id: i64,
    pub enterprise_id: i64,
    pub enterprise_name: String,
    pub visited_on: NaiveDate,
    pub kind: VisitKind,
    pub liaison_contact: bool,
    pub officer_names: Vec<String>,
    pub failed: i64,
    pub hazards: i64,
}

impl VisitRow {
    pub fn failed_label(&self, lang: impl Into<Lang>) -> String {
        (text(lang.into()).failed_items)(self.failed)
    }

    pub fn officers_text(&self, lang: impl Into<Lang>) -> String {
        join_names(self.officer_names.iter().map(String::as_str), lang.into())
    }
}

/// An enterprise offered by the visit picker.
#[derive(Debug, Clone)]
pub struct PickRow {
    pub enterprise_id: i64,
    pub name: String,
    pub credit_code: String,
    pub address: String,
}

/// A validated checklist answer.
#[derive(Debug, Clone)]
pub struct CheckInput {
    pub checklist_item_id: i64,
    pub answer: CheckAnswer,
    pub note: String,
}

/// The validated content of the visit form.
#[derive(Debug, Clone)]
pub struct VisitInput {
    pub visited_on: NaiveDate,
    pub kind: VisitKind,
    pub officers: Vec<i64>,
    pub notes: String,
    pub suggestions: String,
    /// Filled for inspections only.
    pub checks: Vec<CheckInput>,
    pub hazards: Vec<HazardInput>,
}

/// How many "hazard found" rows the visit form offers.
const HAZARD_ROWS: usize = 3;
/// Field names (and error keys) of the hazard rows: severity, description, deadline.
const HAZARD_FIELDS: [[&str; 3]; HAZARD_ROWS] = [
    [
        "hazard1_severity",
        "hazard1_description",
        "hazard1_deadline",
    ],
    [
        "hazard2_severity",
        "hazard2_description",
        "hazard2_deadline",
    ],
    [
        "hazard3_severity",
        "hazard3_description",
        "hazard3_deadline",
    ],
];

/// A "hazard found" row as typed.
#[derive(Debug, Clone, Default)]
pub struct HazardRow {
    pub severity: String,
    pub description: String,
    pub deadline: String,
}

impl HazardRow {
    fn is_empty(&self) -> bool {
        self.severity.trim().is_empty()
            && self.description.trim().is_empty()
            && self.deadline.trim().is_empty()
    }
}

/// A hazard row ready for the template.
#[derive(Debug, Clone)]
pub struct HazardRowView {
    pub n: usize,
    pub names: [&'static str; 3],
    pub row: HazardRow,
}

/// The form as typed; every field a string so that nothing is lost. It is
/// read from the raw pairs because officers repeat and checklist fields are
/// named by item.
#[derive(Debug, Clone, Default)]
pub struct VisitForm {
    pub visited_on: String,
    pub kind: String,
    pub officers: Vec<String>,
    pub notes: String,
    pub suggestions: String,
    /// Answer code per checklist item id (`check_<id>`).
    pub answers: BTreeMap<i64, String>,
    /// Note per checklist item id (`check_note_<id>`).
    pub check_notes: BTreeMap<i64, String>,
    pub hazards: [HazardRow; HAZARD_ROWS],
    pub form_token: String,
    pub version: String,
}

/// What is wrong with a visit form: per field, and per checklist item.
#[derive(Debug, Default, Clone)]
struct VisitErrors {
    fields: FieldErrors,
    items: BTreeMap<i64, String>,
}

impl VisitForm {
    fn from_pairs(pairs: Vec<(String, String)>) -> VisitForm {
        let mut f = VisitForm::default();
        for (key, value) in pairs {
            match key.as_str() {
                "visited_on" => f.visited_on = value,
                "kind" => f.kind = value,
                "officers" => f.officers.push(value),
                "notes" => f.notes = value,
                "suggestions" => f.suggestions = value,
                "form_token" => f.form_token = value,
                "version" => f.version = value,
                other => {
                    if let Some(id) = other
                        .strip_prefix("check_note_")
                        .and_then(|id| id.parse::<i64>().ok())
                    {
                        f.check_notes.insert(id, value);
                    } else if let Some(id) = other
                        .strip_prefix("check_")
                        .and_then(|id| id.parse::<i64>().ok())
                    {
                        f.answers.insert(id, value);
                    } else if let Some((row, col)) =
                        HAZARD_FIELDS.iter().enumerate().find_map(|(row, names)| {
                            names.iter().position(|n| *n == other).map(|c| (row, c))
                        })
                    {
                        let target = &mut f.hazards[row];
                        match col {
                            0 => target.severity = value,
                            1 => target.description = value,
                            _ => target.deadline = value,
                        }
                    }
                }
            }
        }
        f
    }

    fn from_detail(d: &VisitDetail) -> VisitForm {
        VisitForm {
            visited_on: d.visit.visited_on.to_string(),
            kind: d.visit.kind.code().to_owned(),
            officers: d.officers.iter().map(|o| o.user_id.to_string()).collect(),
            notes: d.visit.notes.clone(),
            suggestions: d.visit.suggestions.clone(),
            answers: d
                .checks
                .iter()
                .map(|c| (c.checklist_item_id, c.answer.code().to_owned()))
                .collect(),
            check_notes: d
                .checks
                .iter()
                .map(|c| (c.checklist_item_id, c.note.clone()))
                .collect(),
            hazards: Default::default(),
            form_token: String::new(),
            version: d.visit.version.to_string(),
        }
    }

    /// `fixed_kind`: the stored kind when editing (the form does not carry
    /// it); `items`: the checklist answered when the kind is an inspection;
    /// `with_hazards`: whether the hazard rows are part of this form.
    fn validate(
        &self,
        lang: Lang,
        today: NaiveDate,
        fixed_kind: Option<VisitKind>,
        officers: &[Officer],
        items: &[ChecklistItem],
        with_hazards: bool,
    ) -> Result<VisitInput, VisitErrors> {
        let f = Fields::new(lang);
        let t = text(lang);
        let mut e = VisitErrors::default();

        let visited_on = e.fields.check("visited_on", f.date(&self.visited_on));
        if visited_on.is_some_and(|d| d > today) {
            e.fields.add("visited_on", t.err_future);
        }
        let kind = match fixed_kind {
            Some(kind) => Some(kind),
            None => e
                .fields
                .check("kind", f.choice(&self.kind, &VisitKind::options())),
        };

        let mut chosen: Vec<i64> = Vec::new();
        for raw in self.officers.iter().filter(|v| !v.trim().is_empty()) {
            match f.id(raw) {
                Ok(id) if officers.iter().any(|o| o.user_id == id) => {
                    if !chosen.contains(&id) {
                        chosen.push(id);
                    }
                }
                _ => e.fields.add("officers", lang.t().err_choice),
            }
        }
        if chosen.is_empty() {
            e.fields.add("officers", t.err_officers_required);
        }

        let notes = e.fields.check("notes", f.optional_text(&self.notes, 4000));
        let suggestions = e
            .fields
            .check("suggestions", f.optional_text(&self.suggestions, 2000));

        // The checklist counts only for inspections; otherwise it is ignored.
        let mut checks = Vec::new();
        if kind == Some(VisitKind::Inspection) {
            if items.is_empty() {
                e.fields.add("checklist", t.err_no_checklist);
            }
            for item in items {
                let id = item.checklist_item_id;
                let raw = self.answers.get(&id).map_or("", String::as_str);
                let answer = if raw.trim().is_empty() {
                    e.items.insert(id, t.err_answer_required.to_owned());
                    None
                } else {
                    match f.choice(raw, &CheckAnswer::options()) {
                        Ok(a) => Some(a),
                        Err(message) => {
                            e.items.insert(id, message);
                            None
                        }
                    }
                };
                let note = self.check_notes.get(&id).map_or("", String::as_str);
                let note = match f.optional_text(note, 500) {
                    Ok(note) => note,
                    Err(message) => {
                        e.items.entry(id).or_insert(message);
                        String::new()
                    }
                };
                if let Some(answer) = answer {
                    checks.push(CheckInput {
                        checklist_item_id: id,
                        answer,
                        // A note belongs to a failed item only.
                        note: if answer == CheckAnswer::Fail {
                            note
                        } else {
                            String::new()
                        },
                    });
                }
            }
            if !e.items.is_empty() {
                e.fields.add("checklist", t.err_checklist_incomplete);
            }
        }

        let mut hazards = Vec::new();
        if with_hazards {
            for (row, names) in self.hazards.iter().zip(HAZARD_FIELDS) {
                if row.is_empty() {
                    continue;
                }
                let [sev_name, desc_name, deadline_name] = names;
                let severity = e.fields.check(
                    sev_name,
                    f.choice(&row.severity, &hazards::Severity::options()),
                );
                let description = e.fields.check(desc_name, f.text(&row.description, 2000));
                let deadline = e.fields.check(deadline_name, f.date(&row.deadline));
                if let (Some(found), Some(deadline)) = (visited_on, deadline)
                    && deadline < found
                {
                    e.fields.add(deadline_name, t.err_deadline_before_visit);
                }
                if let (Some(found_on), Some(severity), Some(description), Some(deadline)) =
                    (visited_on, severity, description, deadline)
                {
                    hazards.push(HazardInput {
                        found_on,
                        severity,
                        description,
                        deadline,
                    });
                }
            }
        }

        match (visited_on, kind, notes, suggestions) {
            (Some(visited_on), Some(kind), Some(notes), Some(suggestions))
                if e.fields.is_empty() && e.items.is_empty() =>
            {
                Ok(VisitInput {
                    visited_on,
                    kind,
                    officers: chosen,
                    notes,
                    suggestions,
                    checks,
                    hazards,
                })
            }
            _ => Err(e),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "visits/form.html")]
struct FormPage {
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

impl FormPage {
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
        CheckAnswer::ALL
            .iter()
            .map(|a| (a.code(), a.label(self.ctx.lang)))
            .collect()
    }

    fn severities(&self) -> Vec<(&'static str, &'static str)> {
        hazards::Severity::choices(self.ctx.lang)
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

async fn new_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: StationUser,
    Path(enterprise_id): Path<String>,
) -> AppResult<FormPage> {
    let enterprise = enterprise_brief(&state.db, me.scope.id(), parse_id(&enterprise_id)?)
        .await?
        .ok_or(AppError::NotFound)?;
    let today = crate::web::record::today(&state.clock);
    let officers = station_officers(&state.db, me.scope.id()).await?;
    let (template, items) = checklist_for(&state.db, None).await?;
    Ok(FormPage {
        tx: text(ctx.lang),
        htx: hazards::text(ctx.lang),
        ctx,
        enterprise,
        visit_id: None,
        fixed_kind: None,
        officers,
        template,
        items,
        form: VisitForm {
            visited_on: today.to_string(),
            officers: vec![me.user.user_id.to_string()],
            form_token: form::new_form_token(),
            ..VisitForm::default()
        },
        errors: FieldErrors::new(),
        item_errors: BTreeMap::new(),
        conflict: None,
    })
}

async fn create(
    State(state): State<AppState>,
    req: RequestCtx,
    me: StationUser,
    Path(enterprise_id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let enterprise = enterprise_brief(&state.db, me.scope.id(), parse_id(&enterprise_id)?)
        .await?
        .ok_or(AppError::NotFound)?;
    let form = VisitForm::from_pairs(pairs);
    let today = crate::web::record::today(&state.clock);
    let officers = station_officers(&state.db, me.scope.id()).await?;
    let (template, items) = checklist_for(&state.db, None).await?;
    let token_ok = form::valid_form_token(&form.form_token);
    let input = match form.validate(req.lang, today, None, &officers, &items, true) {
        Ok(input) if token_ok => input,
        result => {
            let mut errors = result.err().unwrap_or_default();
            if !token_ok {
                errors.fields.add("form", req.lang.t().error_bad_request);
            }
            let page = FormPage {
                ctx: PageCtx::new(&req),
                tx: text(req.lang),
                htx: hazards::text(req.lang),
                enterprise,
                visit_id: None,
                fixed_kind: None,
                officers,
                template,
                items,
                form,
                errors: errors.fields,
                item_errors: errors.items,
                conflict: None,
            };
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let template_id = match input.kind {
        VisitKind::Inspection => template.as_ref().map(|t| t.checklist_template_id),
        _ => None,
    };
    let liaison_contact = enterprise
        .liaison_officer_id
        .is_some_and(|l| input.officers.contains(&l));

    let mut tx = state.db.begin().await?;
    if let Some(existing) =
        form::already_submitted(&mut tx, me.scope.station(), &form.form_token, "visit").await?
    {
        // The same form again (double tap, reload): show what the first made.
        return Ok(redirect_with_flash(
            &format!("/visits/{existing}"),
            Flash::Saved,
        ));
    }
    let id = queries::insert(
        &mut tx,
        me.scope.id(),
        enterprise.enterprise_id,
        me.user.user_id,
        &input,
        template_id,
        liaison_contact,
    )
    .await?;
    queries::set_officers(&mut tx, id, &input.officers).await?;
    if template_id.is_some() {
        queries::set_checks(&mut tx, id, &input.checks).await?;
    }
    form::remember_submission(&mut tx, me.scope.station(), &form.form_token, "visit", id).await?;
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
    let event = Event {
        summary: &summary,
        ..Event::by(&me.user, &req, "visit.create", "visit", Some(id))
    };
    audit::record(&mut tx, event).await?;
    for hazard in &input.hazards {
        let hazard_id = hazards::insert(
            &mut tx,
            me.scope.id(),
            enterprise.enterprise_id,
            Some(id),
            me.user.user_id,
            hazard,
        )
        .await?;
        let summary = format!(
            "{} (visit #{id})",
            hazards::audit_summary(&enterprise.name, hazard)
        );
        let event = Event {
            summary: &summary,
            ..Event::by(&me.user, &req, "hazard.create", "hazard", Some(hazard_id))
        };
        audit::record(&mut tx, event).await?;
    }
    tx.commit().await?;
    Ok(redirect_with_flash(&format!("/visits/{id}"), Flash::Saved))
}

#[derive(Template, WebTemplate)]
#[template(path = "visits/show.html")]
struct ShowPage {
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

async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: StationUser,
    Path(id): Path<String>,
) -> AppResult<ShowPage> {
    let id = parse_id(&id)?;
    let detail = VisitDetail::load(&state.db, me.scope.id(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let template = match detail.visit.checklist_template_id {
        Some(t) => queries::template(&state.db, t).await?,
        None => None,
    };
    let hazards = hazards::found_on_visit(&state.db, me.scope.id(), id).await?;
    Ok(ShowPage {
        tx: text(ctx.lang),
        htx: hazards::text(ctx.lang),
        can_delete: me.user.role == crate::auth::Role::Chief,
        today: crate::web::record::today(&state.clock),
        ctx,
        detail,
        template,
        hazards,
    })
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

async fn edit_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: StationUser,
    Path(id): Path<String>,
) -> AppResult<FormPage> {
    let detail = VisitDetail::load(&state.db, me.scope.id(), parse_id(&id)?)
        .await?
        .ok_or(AppError::NotFound)?;
    let enterprise = enterprise_brief(&state.db, me.scope.id(), detail.visit.enterprise_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let officers = station_officers(&state.db, me.scope.id()).await?;
    let (template, items) = checklist_of(&state.db, &detail.visit).await?;
    Ok(FormPage {
        tx: text(ctx.lang),
        htx: hazards::text(ctx.lang),
        ctx,
        enterprise,
        visit_id: Some(detail.visit.visit_id),
        fixed_kind: Some(detail.visit.kind),
        officers,
        template,
        items,
        form: VisitForm::from_detail(&detail),
        errors: FieldErrors::new(),
        item_errors: BTreeMap::new(),
        conflict: None,
    })
}

async fn update(
    State(state): State<AppState>,
    req: RequestCtx,
    me: StationUser,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let current = VisitDetail::load(&state.db, me.scope.id(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let enterprise = enterprise_brief(&state.db, me.scope.id(), current.visit.enterprise_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let form = VisitForm::from_pairs(pairs);
    let today = crate::web::record::today(&state.clock);
    let officers = station_officers(&state.db, me.scope.id()).await?;
    let (template, items) = checklist_of(&state.db, &current.visit).await?;
    let kind = current.visit.kind;
    let page = |form: VisitForm, errors: VisitErrors, conflict: Option<VisitDetail>| FormPage {
        ctx: PageCtx::new(&req),
        tx: text(req.lang),
        htx: hazards::text(req.lang),
        enterprise: enterprise.clone(),
        visit_id: Some(id),
        fixed_kind: Some(kind),
        officers: officers.clone(),
        template: template.clone(),
        items: items.clone(),
        form,
        errors: errors.fields,
        item_errors: errors.items,
        conflict,
    };
    let input = match form.validate(req.lang, today, Some(kind), &officers, &items, false) {
        Ok(input) => input,
        Err(errors) => {
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page(form, errors, None)).into_response());
        }
    };
    let version: i32 = form.version.trim().parse().unwrap_or(0);
    let liaison_contact = enterprise
        .liaison_officer_id
        .is_some_and(|l| input.officers.contains(&l));

    let mut tx = state.db.begin().await?;
    let saved =
        queries::update(&mut tx, me.scope.id(), id, version, &input, liaison_contact).await?;
    if !saved {
        // Someone saved first: keep what this user typed, show what is saved,
        // and let a second save (with the current version) go through.
        drop(tx);
        let saved_now = VisitDetail::load(&state.db, me.scope.id(), id)
            .await?
            .ok_or(AppError::NotFound)?;
        let mut errors = VisitErrors::default();
        errors.fields.add("form", req.lang.t().err_conflict);
        let mut form = form;
        form.version = saved_now.visit.version.to_string();
        return Ok((StatusCode::CONFLICT, page(form, errors, Some(saved_now))).into_response());
    }
    queries::set_officers(&mut tx, id, &input.officers).await?;
    let new_letters: String = input.checks.iter().map(|c| c.answer.letter()).collect();
    if kind == VisitKind::Inspection {
        queries::set_checks(&mut tx, id, &input.checks).await?;
    }
    let new_names = join_names(
        input.officers.iter().filter_map(|id| {
            officers
                .iter()
                .find(|o| o.user_id == *id)
                .map(|o| o.display_name.as_str())
        }),
        Lang::Zh,
    );
    let summary = audit::changes(&[
        (
            "visited_on",
            current.visit.visited_on.to_string(),
            input.visited_on.to_string(),
        ),
        ("officers", current.officer_names(Lang::Zh), new_names),
        ("notes", current.visit.notes.clone(), input.notes.clone()),
        (
            "suggestions",
            current.visit.suggestions.clone(),
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
            current.visit.liaison_contact.to_string(),
            liaison_contact.to_string(),
        ),
    ]);
    let event = Event {
        summary: &summary,
        ..Event::by(&me.user, &req, "visit.update", "visit", Some(id))
    };
    crate::web::record::commit_audited(tx, event, &format!("/visits/{id}"), Flash::Saved).await
}

async fn delete(
    State(state): State<AppState>,
    req: RequestCtx,
    me: Chief,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let mut tx = state.db.begin().await?;
    let Some(gone) = queries::soft_delete(&mut tx, me.scope.id(), id, me.user.user_id).await?
    else {
        return Err(AppError::NotFound);
    };
    let summary = format!(
        "{} {} {}: {}",
        gone.enterprise_name,
        gone.visited_on,
        gone.kind.code(),
        snippet(&gone.notes, 200)
    );
    let event = Event {
        summary: &summary,
        ..Event::by(&me.user, &req, "visit.delete", "visit", Some(id))
    };
    crate::web::record::commit_audited(
        tx,
        event,
        &format!("/enterprises/{}", gone.enterprise_id),
        Flash::Deleted,
    )
    .await
}

#[derive(Debug, Deserialize, Default)]
struct PickerQuery {
    #[serde(default)]
    q: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "visits/picker.html")]
struct PickerPage {
    ctx: PageCtx,
    tx: &'static VisitText,
    q: String,
    /// Search results, or the user's liaison enterprises without a search.
    enterprises: Vec<PickRow>,
}

const PICKER_LIMIT: i64 = 30;

/// "One tap to log a visit": find the enterprise, tap it, fill the form.
async fn picker(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: StationUser,
    Query(query): Query<PickerQuery>,
) -> AppResult<PickerPage> {
    let q = crate::web::paging::search_text(&query.q);
    let enterprises = if q.is_empty() {
        queries::liaison_enterprises(&state.db, me.scope.id(), me.user.user_id, PICKER_LIMIT)
            .await?
    } else {
        queries::search_enterprises(&state.db, me.scope.id(), me.user.user_id, &q, PICKER_LIMIT)
            .await?
    };
    Ok(PickerPage {
        tx: text(ctx.lang),
        ctx,
        q,
        enterprises,
    })
}

/// `?kind=`, `?officer=`, `?enterprise=<id>` and `?from=`/`?to=`
/// (inclusive, on the date visited); unknown or malformed values filter
/// nothing.
#[derive(Debug, Deserialize, Default)]
struct ListQuery {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    officer: String,
    #[serde(default)]
    enterprise: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(flatten)]
    page: PageQuery,
}

#[derive(Template, WebTemplate)]
#[template(path = "visits/list.html")]
struct ListPage {
    ctx: PageCtx,
    tx: &'static VisitText,
    visits: Vec<VisitRow>,
    officers: Vec<Officer>,
    kind: String,
    officer: String,
    /// The enterprise filtered to (its id), empty for all.
    enterprise: String,
    /// Its name, when it is an enterprise of the station.
    enterprise_name: Option<String>,
    /// This list without the enterprise filter.
    clear_enterprise: String,
    from: String,
    to: String,
    errors: FieldErrors,
    paging: Paging,
}

impl ListPage {
    fn kinds(&self) -> Vec<(&'static str, &'static str)> {
        VisitKind::choices(self.ctx.lang)
    }
}

const PER_PAGE: i64 = 25;

async fn list(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: StationUser,
    Query(q): Query<ListQuery>,
) -> AppResult<ListPage> {
    let officers = station_officers(&state.db, me.scope.id()).await?;
    // Unknown filter values filter nothing rather than failing; a date that
    // is not one is said next to its field.
    let kind = VisitKind::ALL.into_iter().find(|k| k.code() == q.kind);
    let officer = q
        .officer
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|id| officers.iter().any(|o| o.user_id == *id));
    let enterprise = q.enterprise.trim().parse::<i64>().ok().filter(|id| *id > 0);
    let fields = Fields::new(ctx.lang);
    let mut errors = FieldErrors::new();
    let from = errors
        .check("from", fields.optional_date(&q.from))
        .flatten();
    let to = errors.check("to", fields.optional_date(&q.to)).flatten();
    let filter = queries::Filter {
        kind,
        officer,
        enterprise,
        from,
        to,
    };
    let total = queries::count(&state.db, me.scope.id(), filter).await?;
    let kind_code = kind.map_or("", VisitKind::code);
    let officer_code = officer.map(|id| id.to_string()).unwrap_or_default();
    let enterprise_code = enterprise.map(|id| id.to_string()).unwrap_or_default();
    let from_code = from.map(|d| d.to_string()).unwrap_or_default();
    let to_code = to.map(|d| d.to_string()).unwrap_or_default();
    let others = [
        ("kind", kind_code),
        ("officer", officer_code.as_str()),
        ("from", from_code.as_str()),
        ("to", to_code.as_str()),
    ];
    let paging = Paging::new(
        Paging::parse_page(q.page.page.as_deref()),
        PER_PAGE,
        total,
        query_string(&[&[("enterprise", enterprise_code.as_str())], &others[..]].concat()),
    );
    let (clear_enterprise, enterprise_name) = crate::web::record::enterprise_scope(
        &state.db,
        me.scope.id(),
        enterprise,
        "/visits",
        &others,
    )
    .await?;
    let visits = queries::list(&state.db, me.scope.id(), filter, PER_PAGE, paging.offset()).await?;
    Ok(ListPage {
        tx: text(ctx.lang),
        ctx,
        visits,
        officers,
        kind: kind_code.to_owned(),
        officer: officer_code,
        enterprise: enterprise_code,
        enterprise_name,
        clear_enterprise,
        // What was typed stays, even when it is not a date.
        from: q.from.trim().to_owned(),
        to: q.to.trim().to_owned(),
        errors,
        paging,
    })
}

/// The enterprise's visits for its timeline, newest first. An inspection
/// with failed items carries an alert ("3 项不合格").
pub async fn timeline(
    db: &PgPool,
    station_id: i64,
    enterprise_id: i64,
    lang: Lang,
) -> sqlx::Result<Vec<TimelineEntry>> {
    let rows = queries::for_enterprise(db, station_id, enterprise_id).await?;
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

/// Visits leave nothing open: the hazards found on them are the hazards
/// module's open items.
pub async fn open_items(
    _db: &PgPool,
    _station_id: i64,
    _enterprise_id: i64,
    _today: NaiveDate,
    _lang: Lang,
) -> sqlx::Result<Vec<OpenItem>> {
    Ok(Vec::new())
}

/// Nothing about visits falls due for an officer.
pub async fn due_for_officer(
    _db: &PgPool,
    _station_id: i64,
    _user_id: i64,
    _today: NaiveDate,
    _lang: Lang,
) -> sqlx::Result<Vec<OpenItem>> {
    Ok(Vec::new())
}

/// The failed items (in Chinese, the checklist's own words) of the
/// enterprise's latest security inspection; empty when it was never
/// inspected or nothing failed.
pub async fn latest_inspection_failures(
    db: &PgPool,
    station_id: i64,
    enterprise_id: i64,
) -> sqlx::Result<Vec<String>> {
    queries::latest_inspection_failures(db, station_id, enterprise_id).await
}
