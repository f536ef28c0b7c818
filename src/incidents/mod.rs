//! Police incidents related to an enterprise.
//!
//! This module is the pattern for every record module: routes scoped by the
//! `StationUser` extractor, a typed form re-rendered with field errors (422),
//! a one-time token against double submits, a version against lost updates,
//! soft delete by chiefs, and an audit event for every write.

mod queries;
mod text;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::audit::{self, Event};
use crate::auth::{Chief, StationUser};
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::web::form::{self, FieldErrors, Fields};
use crate::web::paging::{PageQuery, Paging, query_string};
use crate::web::record::{EnterpriseBrief, TimelineEntry, enterprise_brief, snippet};
use crate::web::{Flash, PageCtx, RequestCtx, parse_id, redirect_with_flash};

pub use text::{IncidentText, text};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/incidents", get(list))
        .route("/enterprises/{enterprise_id}/incidents/new", get(new_form))
        .route("/enterprises/{enterprise_id}/incidents", post(create))
        .route("/incidents/{id}", get(show))
        .route("/incidents/{id}/edit", get(edit_form).post(update))
        .route("/incidents/{id}/delete", post(delete))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type)]
#[sqlx(type_name = "incident_category", rename_all = "snake_case")]
pub enum Category {
    Criminal,
    PublicOrder,
    FireSafety,
    Fraud,
    Theft,
    Other,
}

impl Category {
    pub const ALL: [Category; 6] = [
        Category::Criminal,
        Category::PublicOrder,
        Category::FireSafety,
        Category::Fraud,
        Category::Theft,
        Category::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Category::Criminal => "criminal",
            Category::PublicOrder => "public_order",
            Category::FireSafety => "fire_safety",
            Category::Fraud => "fraud",
            Category::Theft => "theft",
            Category::Other => "other",
        }
    }

    pub fn label(self, lang: impl Into<Lang>) -> &'static str {
        let t = text(lang.into());
        match self {
            Category::Criminal => t.cat_criminal,
            Category::PublicOrder => t.cat_public_order,
            Category::FireSafety => t.cat_fire_safety,
            Category::Fraud => t.cat_fraud,
            Category::Theft => t.cat_theft,
            Category::Other => t.cat_other,
        }
    }

    fn options() -> Vec<(&'static str, Category)> {
        Category::ALL.iter().map(|c| (c.code(), *c)).collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type)]
#[sqlx(type_name = "incident_severity", rename_all = "lowercase")]
pub enum Severity {
    Minor,
    Serious,
    Major,
}

impl Severity {
    pub const ALL: [Severity; 3] = [Severity::Minor, Severity::Serious, Severity::Major];

    pub fn code(self) -> &'static str {
        match self {
            Severity::Minor => "minor",
            Severity::Serious => "serious",
            Severity::Major => "major",
        }
    }

    pub fn label(self, lang: impl Into<Lang>) -> &'static str {
        let t = text(lang.into());
        match self {
            Severity::Minor => t.sev_minor,
            Severity::Serious => t.sev_serious,
            Severity::Major => t.sev_major,
        }
    }

    fn options() -> Vec<(&'static str, Severity)> {
        Severity::ALL.iter().map(|c| (c.code(), *c)).collect()
    }
}

/// An incident as stored.
#[derive(Debug, Clone)]
pub struct Incident {
    pub incident_id: i64,
    pub enterprise_id: i64,
    pub enterprise_name: String,
    pub occurred_on: NaiveDate,
    pub category: Category,
    pub severity: Severity,
    pub enterprise_victim: bool,
    pub summary: String,
    pub version: i32,
    pub created_by_name: String,
}

/// The validated content of the form.
#[derive(Debug, Clone)]
pub struct IncidentInput {
    pub occurred_on: NaiveDate,
    pub category: Category,
    pub severity: Severity,
    pub enterprise_victim: bool,
    pub summary: String,
}

/// The form as typed; every field a string so that nothing is lost.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct IncidentForm {
    #[serde(default)]
    pub occurred_on: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub severity: String,
    #[serde(default)]
    pub enterprise_victim: Option<String>,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub form_token: String,
    #[serde(default)]
    pub version: String,
}

impl IncidentForm {
    fn from_incident(i: &Incident) -> IncidentForm {
        IncidentForm {
            occurred_on: i.occurred_on.to_string(),
            category: i.category.code().to_owned(),
            severity: i.severity.code().to_owned(),
            enterprise_victim: i.enterprise_victim.then(|| "on".to_owned()),
            summary: i.summary.clone(),
            form_token: String::new(),
            version: i.version.to_string(),
        }
    }

    fn victim(&self) -> bool {
        self.enterprise_victim.is_some()
    }

    fn validate(&self, lang: Lang, today: NaiveDate) -> Result<IncidentInput, FieldErrors> {
        let f = Fields::new(lang);
        let mut e = FieldErrors::new();
        let occurred_on = e.check("occurred_on", f.date(&self.occurred_on));
        if occurred_on.is_some_and(|d| d > today) {
            e.add("occurred_on", text(lang).err_future);
        }
        let category = e.check("category", f.choice(&self.category, &Category::options()));
        let severity = e.check("severity", f.choice(&self.severity, &Severity::options()));
        let summary = e.check("summary", f.text(&self.summary, 2000));
        match (occurred_on, category, severity, summary) {
            (Some(occurred_on), Some(category), Some(severity), Some(summary)) if e.is_empty() => {
                Ok(IncidentInput {
                    occurred_on,
                    category,
                    severity,
                    enterprise_victim: self.victim(),
                    summary,
                })
            }
            _ => Err(e),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "incidents/form.html")]
struct FormPage {
    ctx: PageCtx,
    tx: &'static IncidentText,
    enterprise: EnterpriseBrief,
    /// `None` for a new incident.
    incident_id: Option<i64>,
    form: IncidentForm,
    errors: FieldErrors,
    /// The saved record when a save hit a newer version.
    conflict: Option<Incident>,
}

impl FormPage {
    fn action(&self) -> String {
        match self.incident_id {
            Some(id) => format!("/incidents/{id}/edit"),
            None => format!("/enterprises/{}/incidents", self.enterprise.enterprise_id),
        }
    }

    fn categories(&self) -> Vec<(&'static str, &'static str)> {
        Category::ALL
            .iter()
            .map(|c| (c.code(), c.label(self.ctx.lang)))
            .collect()
    }

    fn severities(&self) -> Vec<(&'static str, &'static str)> {
        Severity::ALL
            .iter()
            .map(|c| (c.code(), c.label(self.ctx.lang)))
            .collect()
    }
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
    Ok(FormPage {
        tx: text(ctx.lang),
        ctx,
        enterprise,
        incident_id: None,
        form: IncidentForm {
            occurred_on: today.to_string(),
            form_token: form::new_form_token(),
            ..IncidentForm::default()
        },
        errors: FieldErrors::new(),
        conflict: None,
    })
}

async fn create(
    State(state): State<AppState>,
    req: RequestCtx,
    me: StationUser,
    Path(enterprise_id): Path<String>,
    Form(form): Form<IncidentForm>,
) -> AppResult<Response> {
    let enterprise = enterprise_brief(&state.db, me.scope.id(), parse_id(&enterprise_id)?)
        .await?
        .ok_or(AppError::NotFound)?;
    let today = crate::web::record::today(&state.clock);
    let token_ok = form::valid_form_token(&form.form_token);
    let input = match form.validate(req.lang, today) {
        Ok(input) if token_ok => input,
        result => {
            let mut errors = result.err().unwrap_or_default();
            if !token_ok {
                errors.add("form", req.lang.t().error_bad_request);
            }
            let page = FormPage {
                ctx: PageCtx::new(&req),
                tx: text(req.lang),
                enterprise,
                incident_id: None,
                form,
                errors,
                conflict: None,
            };
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };

    let mut tx = state.db.begin().await?;
    if let Some(existing) =
        form::already_submitted(&mut tx, me.scope.id(), &form.form_token, "incident").await?
    {
        // The same form again (double click, reload): show what the first made.
        return Ok(redirect_with_flash(
            &format!("/incidents/{existing}"),
            Flash::Saved,
        ));
    }
    let id = queries::insert(
        &mut tx,
        me.scope.id(),
        enterprise.enterprise_id,
        me.user.user_id,
        &input,
    )
    .await?;
    form::remember_submission(&mut tx, me.scope.id(), &form.form_token, "incident", id).await?;
    let summary = format!(
        "{} {} {}: {}",
        enterprise.name,
        input.occurred_on,
        input.category.code(),
        snippet(&input.summary, 80)
    );
    let event = Event {
        summary: &summary,
        ..Event::by(&me.user, &req, "incident.create", "incident", Some(id))
    };
    crate::web::record::commit_audited(tx, event, &format!("/incidents/{id}"), Flash::Saved).await
}

#[derive(Template, WebTemplate)]
#[template(path = "incidents/show.html")]
struct ShowPage {
    ctx: PageCtx,
    tx: &'static IncidentText,
    incident: Incident,
    can_delete: bool,
}

async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: StationUser,
    Path(id): Path<String>,
) -> AppResult<ShowPage> {
    let incident = queries::get(&state.db, me.scope.id(), parse_id(&id)?)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(ShowPage {
        tx: text(ctx.lang),
        can_delete: me.user.role == crate::auth::Role::Chief,
        ctx,
        incident,
    })
}

async fn edit_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: StationUser,
    Path(id): Path<String>,
) -> AppResult<FormPage> {
    let incident = queries::get(&state.db, me.scope.id(), parse_id(&id)?)
        .await?
        .ok_or(AppError::NotFound)?;
    let enterprise = enterprise_brief(&state.db, me.scope.id(), incident.enterprise_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(FormPage {
        tx: text(ctx.lang),
        ctx,
        enterprise,
        incident_id: Some(incident.incident_id),
        form: IncidentForm::from_incident(&incident),
        errors: FieldErrors::new(),
        conflict: None,
    })
}

async fn update(
    State(state): State<AppState>,
    req: RequestCtx,
    me: StationUser,
    Path(id): Path<String>,
    Form(form): Form<IncidentForm>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let current = queries::get(&state.db, me.scope.id(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let enterprise = enterprise_brief(&state.db, me.scope.id(), current.enterprise_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let today = crate::web::record::today(&state.clock);
    let page = |form: IncidentForm, errors: FieldErrors, conflict: Option<Incident>| FormPage {
        ctx: PageCtx::new(&req),
        tx: text(req.lang),
        enterprise: enterprise.clone(),
        incident_id: Some(id),
        form,
        errors,
        conflict,
    };
    let input = match form.validate(req.lang, today) {
        Ok(input) => input,
        Err(errors) => {
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page(form, errors, None)).into_response());
        }
    };
    let version: i32 = form.version.trim().parse().unwrap_or(0);

    let mut tx = state.db.begin().await?;
    let saved = queries::update(&mut tx, me.scope.id(), id, version, &input).await?;
    if !saved {
        // Someone saved first: keep what this user typed, show what is saved,
        // and let a second save (with the current version) go through.
        drop(tx);
        let mut errors = FieldErrors::new();
        errors.add("form", req.lang.t().err_conflict);
        let mut form = form;
        form.version = current.version.to_string();
        return Ok((StatusCode::CONFLICT, page(form, errors, Some(current))).into_response());
    }
    let summary = audit::changes(&[
        (
            "occurred_on",
            current.occurred_on.to_string(),
            input.occurred_on.to_string(),
        ),
        (
            "category",
            current.category.code().into(),
            input.category.code().into(),
        ),
        (
            "severity",
            current.severity.code().into(),
            input.severity.code().into(),
        ),
        (
            "victim",
            current.enterprise_victim.to_string(),
            input.enterprise_victim.to_string(),
        ),
        ("summary", current.summary.clone(), input.summary.clone()),
    ]);
    let event = Event {
        summary: &summary,
        ..Event::by(&me.user, &req, "incident.update", "incident", Some(id))
    };
    crate::web::record::commit_audited(tx, event, &format!("/incidents/{id}"), Flash::Saved).await
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
        gone.occurred_on,
        gone.category.code(),
        snippet(&gone.summary, 200)
    );
    let event = Event {
        summary: &summary,
        ..Event::by(&me.user, &req, "incident.delete", "incident", Some(id))
    };
    crate::web::record::commit_audited(
        tx,
        event,
        &format!("/enterprises/{}", gone.enterprise_id),
        Flash::Deleted,
    )
    .await
}

/// `?category=`, `?enterprise=<id>` and `?from=`/`?to=` (inclusive, on the
/// date it occurred); unknown or malformed values filter nothing.
#[derive(Debug, Deserialize, Default)]
struct ListQuery {
    #[serde(default)]
    category: String,
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
#[template(path = "incidents/list.html")]
struct ListPage {
    ctx: PageCtx,
    tx: &'static IncidentText,
    incidents: Vec<Incident>,
    category: String,
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
    fn categories(&self) -> Vec<(&'static str, &'static str)> {
        Category::ALL
            .iter()
            .map(|c| (c.code(), c.label(self.ctx.lang)))
            .collect()
    }
}

const PER_PAGE: i64 = 25;

async fn list(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: StationUser,
    Query(q): Query<ListQuery>,
) -> AppResult<ListPage> {
    // Unknown filter values filter nothing rather than failing; a date that
    // is not one is said next to its field.
    let category = Category::ALL.into_iter().find(|c| c.code() == q.category);
    let enterprise = q.enterprise.trim().parse::<i64>().ok().filter(|id| *id > 0);
    let fields = Fields::new(ctx.lang);
    let mut errors = FieldErrors::new();
    let from = errors
        .check("from", fields.optional_date(&q.from))
        .flatten();
    let to = errors.check("to", fields.optional_date(&q.to)).flatten();
    let filter = queries::Filter {
        category,
        enterprise,
        from,
        to,
    };
    let total = queries::count(&state.db, me.scope.id(), filter).await?;
    let enterprise_code = enterprise.map(|id| id.to_string()).unwrap_or_default();
    let from_code = from.map(|d| d.to_string()).unwrap_or_default();
    let to_code = to.map(|d| d.to_string()).unwrap_or_default();
    let others = [
        ("category", category.map_or("", Category::code)),
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
        "/incidents",
        &others,
    )
    .await?;
    let incidents =
        queries::list(&state.db, me.scope.id(), filter, PER_PAGE, paging.offset()).await?;
    Ok(ListPage {
        tx: text(ctx.lang),
        ctx,
        incidents,
        category: category.map_or("", Category::code).to_owned(),
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

/// The enterprise's incidents for its timeline.
pub async fn timeline(
    db: &sqlx::PgPool,
    station_id: i64,
    enterprise_id: i64,
    lang: Lang,
) -> sqlx::Result<Vec<TimelineEntry>> {
    let rows = queries::for_enterprise(db, station_id, enterprise_id).await?;
    Ok(rows
        .into_iter()
        .map(|i| TimelineEntry {
            date: i.occurred_on,
            kind: "incident",
            label: format!("{} · {}", text(lang).incident, i.category.label(lang)),
            summary: snippet(&i.summary, 120),
            href: format!("/incidents/{}", i.incident_id),
            alert: (i.severity == Severity::Major).then(|| i.severity.label(lang).to_owned()),
        })
        .collect())
}
