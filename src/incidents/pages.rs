//! The incident pages: list, new, show, edit, delete; and the enterprise
//! page's timeline entries.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use sqlx::PgPool;

use super::model::{Category, Incident, IncidentForm, KIND, Severity};
use super::queries;
use super::text::{IncidentText, text};
use crate::AppState;
use crate::auth::{Chief, Role, StationScope, StationUser};
use crate::enterprises::{self, EnterpriseBrief, TimelineEntry};
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::ids::{EnterpriseId, IncidentId};
use crate::records::{self, ListFrame, RangeQuery, Write};
use crate::web::form::{self, FieldErrors};
use crate::web::{IdPath, PageCtx, RequestCtx, snippet};

#[derive(Template, WebTemplate)]
#[template(path = "incidents/form.html")]
pub(super) struct FormPage {
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
    fn new(ctx: PageCtx, enterprise: EnterpriseBrief, id: Option<i64>, form: IncidentForm) -> Self {
        FormPage {
            tx: text(ctx.lang),
            ctx,
            enterprise,
            incident_id: id,
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
        conflict: Option<Incident>,
    ) -> Response {
        self.errors = errors;
        self.conflict = conflict;
        (status, self).into_response()
    }

    fn action(&self) -> String {
        match self.incident_id {
            Some(id) => format!("/incidents/{id}/edit"),
            None => format!("/enterprises/{}/incidents", self.enterprise.enterprise_id),
        }
    }

    fn categories(&self) -> Vec<(&'static str, &'static str)> {
        Category::choices(self.ctx.lang)
    }

    fn severities(&self) -> Vec<(&'static str, &'static str)> {
        Severity::choices(self.ctx.lang)
    }
}

async fn incident(db: &PgPool, station: StationScope, id: IncidentId) -> AppResult<Incident> {
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
    let form = IncidentForm {
        occurred_on: state.clock.today().to_string(),
        form_token: form::new_form_token(),
        ..IncidentForm::default()
    };
    Ok(FormPage::new(ctx, enterprise, None, form))
}

pub(super) async fn create(
    State(state): State<AppState>,
    req: RequestCtx,
    me: StationUser,
    IdPath(enterprise_id): IdPath<EnterpriseId>,
    Form(form): Form<IncidentForm>,
) -> AppResult<Response> {
    let enterprise = enterprises::brief_or_not_found(&state.db, me.scope, enterprise_id).await?;
    let input = match records::new_input(
        &form.form_token,
        form.validate(req.lang, state.clock.today()),
        req.lang,
    ) {
        Ok(input) => input,
        Err(errors) => {
            let page = FormPage::new(PageCtx::new(&req), enterprise, None, form);
            return Ok(page.refused(StatusCode::UNPROCESSABLE_ENTITY, errors, None));
        }
    };
    records::create(&state, &req, &me, KIND, &form.form_token, async |tx| {
        let id =
            queries::insert(tx, me.scope, enterprise.enterprise_id, me.user.id(), &input).await?;
        Ok(Write::Done((id, input.summary(&enterprise.name))))
    })
    .await
}

#[derive(Template, WebTemplate)]
#[template(path = "incidents/show.html")]
pub(super) struct ShowPage {
    ctx: PageCtx,
    tx: &'static IncidentText,
    incident: Incident,
    can_delete: bool,
}

pub(super) async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: StationUser,
    IdPath(id): IdPath<IncidentId>,
) -> AppResult<ShowPage> {
    Ok(ShowPage {
        incident: incident(&state.db, me.scope, id).await?,
        tx: text(ctx.lang),
        can_delete: me.user.role == Role::Chief,
        ctx,
    })
}

pub(super) async fn edit_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: StationUser,
    IdPath(id): IdPath<IncidentId>,
) -> AppResult<FormPage> {
    let incident = incident(&state.db, me.scope, id).await?;
    let enterprise =
        enterprises::brief_or_not_found(&state.db, me.scope, EnterpriseId(incident.enterprise_id))
            .await?;
    let form = IncidentForm::from_incident(&incident);
    Ok(FormPage::new(
        ctx,
        enterprise,
        Some(incident.incident_id),
        form,
    ))
}

pub(super) async fn update(
    State(state): State<AppState>,
    req: RequestCtx,
    me: StationUser,
    IdPath(id): IdPath<IncidentId>,
    Form(form): Form<IncidentForm>,
) -> AppResult<Response> {
    let current = incident(&state.db, me.scope, id).await?;
    let enterprise =
        enterprises::brief_or_not_found(&state.db, me.scope, EnterpriseId(current.enterprise_id))
            .await?;
    let input = match form.validate(req.lang, state.clock.today()) {
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
        // Someone saved first: keep what this user typed, show what is
        // saved, and let a second save (with the current version) go through.
        let mut errors = FieldErrors::new();
        errors.add("form", req.lang.t().err_conflict);
        let form = IncidentForm {
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
    IdPath(id): IdPath<IncidentId>,
) -> AppResult<Response> {
    records::delete(&state, &req, &me, KIND, id.get(), async |tx| {
        Ok(queries::soft_delete(tx, me.scope, id, me.user.id())
            .await?
            .map(|gone| {
                let summary = format!(
                    "{} {} {}: {}",
                    gone.enterprise_name,
                    gone.occurred_on,
                    gone.category.code(),
                    snippet(&gone.summary, 200)
                );
                (records::enterprise_page(gone.enterprise_id), summary)
            }))
    })
    .await
}

/// `?category=` and the record lists' own filters (on the date it occurred).
#[derive(Debug, Deserialize, Default)]
pub(super) struct ListQuery {
    #[serde(default)]
    category: String,
    #[serde(flatten)]
    range: RangeQuery,
}

#[derive(Template, WebTemplate)]
#[template(path = "incidents/list.html")]
pub(super) struct ListPage {
    ctx: PageCtx,
    tx: &'static IncidentText,
    incidents: Vec<Incident>,
    category: String,
    frame: ListFrame,
}

impl ListPage {
    fn categories(&self) -> Vec<(&'static str, &'static str)> {
        Category::choices(self.ctx.lang)
    }
}

const PER_PAGE: i64 = 25;

pub(super) async fn list(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: StationUser,
    Query(q): Query<ListQuery>,
) -> AppResult<ListPage> {
    let category = Category::parse(&q.category);
    let range = q.range.parse(ctx.lang);
    let filter = queries::Filter {
        category,
        enterprise: range.enterprise,
        from: range.from,
        to: range.to,
    };
    let total = queries::count(&state.db, me.scope, filter).await?;
    let name = enterprises::name_of(&state.db, me.scope, range.enterprise).await?;
    let category = category.map_or("", Category::code);
    let others = [("category", category)];
    let frame = ListFrame::new(
        "/incidents",
        &q.range,
        range,
        &others,
        total,
        PER_PAGE,
        name,
    );
    let incidents =
        queries::list(&state.db, me.scope, filter, PER_PAGE, frame.paging.offset()).await?;
    Ok(ListPage {
        tx: text(ctx.lang),
        ctx,
        incidents,
        category: category.to_owned(),
        frame,
    })
}

/// The enterprise's incidents for its timeline.
pub async fn timeline(
    db: &PgPool,
    station: StationScope,
    enterprise: EnterpriseId,
    lang: Lang,
) -> sqlx::Result<Vec<TimelineEntry>> {
    let rows = queries::for_enterprise(db, station, enterprise).await?;
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
