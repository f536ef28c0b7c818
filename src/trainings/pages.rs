//! The training pages: list, new, show, edit, delete; and the enterprise
//! page's timeline entries.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, RawForm, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Datelike;
use serde::Deserialize;
use sqlx::PgPool;

use super::model::{Choice, Choosable, KIND, Kind, Training, TrainingForm, choices};
use super::queries;
use super::text::{TrainingText, text};
use crate::AppState;
use crate::auth::{Chief, Role, StationScope, StationUser};
use crate::enterprises::{self, TimelineEntry};
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::ids::{EnterpriseId, TrainingId};
use crate::records::{self, ListFrame, RangeQuery, Write};
use crate::web::form::{self, FieldErrors};
use crate::web::paging::search_text;
use crate::web::{IdPath, PageCtx, RequestCtx, snippet};

#[derive(Template, WebTemplate)]
#[template(path = "trainings/form.html")]
pub(super) struct FormPage {
    ctx: PageCtx,
    tx: &'static TrainingText,
    /// `None` for a new training.
    training_id: Option<i64>,
    form: TrainingForm,
    errors: FieldErrors,
    /// The saved record when a save hit a newer version.
    conflict: Option<Training>,
    choices: Vec<Choice>,
    /// The name filter of the new form.
    q: String,
}

impl FormPage {
    fn new(
        ctx: PageCtx,
        id: Option<TrainingId>,
        choosable: &[Choosable],
        form: TrainingForm,
        q: String,
    ) -> Self {
        FormPage {
            tx: text(ctx.lang),
            ctx,
            training_id: id.map(TrainingId::get),
            choices: choices(choosable, &form, &q),
            form,
            errors: FieldErrors::new(),
            conflict: None,
            q,
        }
    }

    /// The page again, with what is wrong (and the saved record).
    fn refused(
        mut self,
        status: StatusCode,
        errors: FieldErrors,
        conflict: Option<Training>,
    ) -> Response {
        self.errors = errors;
        self.conflict = conflict;
        (status, self).into_response()
    }

    fn action(&self) -> String {
        match self.training_id {
            Some(id) => format!("/trainings/{id}/edit"),
            None => "/trainings".to_owned(),
        }
    }

    fn kinds(&self) -> Vec<(&'static str, &'static str)> {
        Kind::choices(self.ctx.lang)
    }

    fn enterprises_described_by(&self) -> String {
        if self.errors.has("enterprise_ids") {
            "enterprise_ids-error enterprise_ids-hint".to_owned()
        } else {
            "enterprise_ids-hint".to_owned()
        }
    }
}

async fn training(db: &PgPool, station: StationScope, id: TrainingId) -> AppResult<Training> {
    queries::get(db, station, id)
        .await?
        .ok_or(AppError::NotFound)
}

pub(super) async fn new_for_enterprise(
    State(state): State<AppState>,
    me: StationUser,
    IdPath(enterprise_id): IdPath<EnterpriseId>,
) -> AppResult<Redirect> {
    let enterprise = enterprises::brief(&state.db, me.scope, enterprise_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Redirect::to(&format!(
        "/trainings/new?enterprise_id={}",
        enterprise.enterprise_id
    )))
}

pub(super) async fn new_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: StationUser,
    Query(query): Query<Vec<(String, String)>>,
) -> AppResult<FormPage> {
    let choosable = queries::choosable(&state.db, me.scope, None).await?;
    let mut q = String::new();
    let mut preselected = Vec::new();
    for (name, value) in query {
        match name.as_str() {
            "q" => q = search_text(&value),
            "enterprise_id" if !value.trim().is_empty() => {
                // Another station's (or a junk) id is not found, like its page.
                let id: EnterpriseId = value.trim().parse().map_err(|_| AppError::NotFound)?;
                if !choosable.iter().any(|c| c.enterprise_id == id.get()) {
                    return Err(AppError::NotFound);
                }
                preselected.push(id.to_string());
            }
            _ => {}
        }
    }
    let form = TrainingForm {
        held_on: state.clock.today().to_string(),
        enterprise_ids: preselected,
        form_token: form::new_form_token(),
        ..TrainingForm::default()
    };
    Ok(FormPage::new(ctx, None, &choosable, form, q))
}

/// The answer when an enterprise ticked was closed or removed between the
/// check and the save: the form again, with the picker as it is now.
async fn attendees_changed(
    conn: &mut sqlx::PgConnection,
    req: &RequestCtx,
    me: &StationUser,
    id: Option<TrainingId>,
    form: TrainingForm,
) -> AppResult<Response> {
    let choosable = queries::choosable(&mut *conn, me.scope, id).await?;
    let mut errors = FieldErrors::new();
    errors.add("enterprise_ids", text(req.lang).err_foreign_enterprise);
    let page = FormPage::new(PageCtx::new(req), id, &choosable, form, String::new());
    Ok(page.refused(StatusCode::CONFLICT, errors, None))
}

pub(super) async fn create(
    State(state): State<AppState>,
    req: RequestCtx,
    me: StationUser,
    RawForm(body): RawForm,
) -> AppResult<Response> {
    let form = TrainingForm::parse(&body)?;
    let choosable = queries::choosable(&state.db, me.scope, None).await?;
    let input = match records::new_input(
        &form.form_token,
        form.validate(req.lang, state.clock.today(), &choosable),
        req.lang,
    ) {
        Ok(input) => input,
        Err(errors) => {
            let page = FormPage::new(PageCtx::new(&req), None, &choosable, form, String::new());
            return Ok(page.refused(StatusCode::UNPROCESSABLE_ENTITY, errors, None));
        }
    };
    let token = form.form_token.clone();
    records::create(&state, &req, &me, KIND, &token, async |tx| {
        let id = TrainingId(queries::insert(tx, me.scope, me.user.id(), &input).await?);
        let written = queries::set_attendees(tx, me.scope, id, &input.enterprise_ids).await?;
        if written != input.enterprise_ids.len() as u64 {
            let answer = attendees_changed(tx, &req, &me, None, form).await?;
            return Ok(Write::Answer(answer));
        }
        Ok(Write::Done((id.get(), input.summary())))
    })
    .await
}

#[derive(Template, WebTemplate)]
#[template(path = "trainings/show.html")]
pub(super) struct ShowPage {
    ctx: PageCtx,
    tx: &'static TrainingText,
    training: Training,
    can_delete: bool,
}

pub(super) async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: StationUser,
    IdPath(id): IdPath<TrainingId>,
) -> AppResult<ShowPage> {
    Ok(ShowPage {
        training: training(&state.db, me.scope, id).await?,
        tx: text(ctx.lang),
        can_delete: me.user.role == Role::Chief,
        ctx,
    })
}

pub(super) async fn edit_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: StationUser,
    IdPath(id): IdPath<TrainingId>,
) -> AppResult<FormPage> {
    let training = training(&state.db, me.scope, id).await?;
    let choosable = queries::choosable(&state.db, me.scope, Some(id)).await?;
    let form = TrainingForm::from_training(&training);
    Ok(FormPage::new(
        ctx,
        Some(id),
        &choosable,
        form,
        String::new(),
    ))
}

pub(super) async fn update(
    State(state): State<AppState>,
    req: RequestCtx,
    me: StationUser,
    IdPath(id): IdPath<TrainingId>,
    RawForm(body): RawForm,
) -> AppResult<Response> {
    let current = training(&state.db, me.scope, id).await?;
    let form = TrainingForm::parse(&body)?;
    let choosable = queries::choosable(&state.db, me.scope, Some(id)).await?;
    let input = match form.validate(req.lang, state.clock.today(), &choosable) {
        Ok(input) => input,
        Err(errors) => {
            let page = FormPage::new(
                PageCtx::new(&req),
                Some(id),
                &choosable,
                form,
                String::new(),
            );
            return Ok(page.refused(StatusCode::UNPROCESSABLE_ENTITY, errors, None));
        }
    };
    let version = records::version(&form.version);
    records::update(&state, &req, &me, KIND, id.get(), async |tx| {
        if !queries::update(tx, me.scope, id, version, &input).await? {
            // Someone saved first: keep what this user typed, show what is
            // saved, and let a second save (with the current version) go
            // through.
            let mut errors = FieldErrors::new();
            errors.add("form", req.lang.t().err_conflict);
            let form = TrainingForm {
                version: current.version.to_string(),
                ..form
            };
            let page = FormPage::new(
                PageCtx::new(&req),
                Some(id),
                &choosable,
                form,
                String::new(),
            );
            return Ok(Write::Answer(page.refused(
                StatusCode::CONFLICT,
                errors,
                Some(current),
            )));
        }
        let written = queries::set_attendees(tx, me.scope, id, &input.enterprise_ids).await?;
        if written != input.enterprise_ids.len() as u64 {
            let answer = attendees_changed(tx, &req, &me, Some(id), form).await?;
            return Ok(Write::Answer(answer));
        }
        Ok(Write::Done(input.changes(&current)))
    })
    .await
}

pub(super) async fn delete(
    State(state): State<AppState>,
    req: RequestCtx,
    me: Chief,
    IdPath(id): IdPath<TrainingId>,
) -> AppResult<Response> {
    let current = training(&state.db, me.scope, id).await?;
    records::delete(&state, &req, &me, KIND, id.get(), async |tx| {
        Ok(queries::soft_delete(tx, me.scope, id, me.user.id())
            .await?
            .map(|gone| {
                let summary = format!(
                    "{} {} {}; {} attendees; enterprises: {}",
                    gone.held_on,
                    gone.kind.code(),
                    snippet(&gone.topic, 120),
                    gone.attendee_count,
                    snippet(&current.names_joined(), 200)
                );
                (KIND.path.to_owned(), summary)
            }))
    })
    .await
}

/// `?kind=`, `?year=` and the record lists' own filters (`?enterprise=`:
/// trainings it attended; the dates on the day held).
#[derive(Debug, Deserialize, Default)]
pub(super) struct ListQuery {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    year: String,
    #[serde(flatten)]
    range: RangeQuery,
}

#[derive(Template, WebTemplate)]
#[template(path = "trainings/list.html")]
pub(super) struct ListPage {
    ctx: PageCtx,
    tx: &'static TrainingText,
    trainings: Vec<Training>,
    kind: String,
    year: String,
    years: Vec<i32>,
    frame: ListFrame,
}

impl ListPage {
    fn kinds(&self) -> Vec<(&'static str, &'static str)> {
        Kind::choices(self.ctx.lang)
    }

    fn is_year(&self, year: &i32) -> bool {
        self.year == year.to_string()
    }
}

const PER_PAGE: i64 = 25;

pub(super) async fn list(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: StationUser,
    Query(q): Query<ListQuery>,
) -> AppResult<ListPage> {
    let kind = Kind::parse(&q.kind);
    let year = q
        .year
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|y| (1990..=2100).contains(y));
    let range = q.range.parse(ctx.lang);
    let mut years = queries::years(&state.db, me.scope).await?;
    let this_year = state.clock.today().year();
    if !years.contains(&this_year) {
        years.insert(0, this_year);
    }
    let filter = queries::Filter {
        kind,
        year,
        enterprise: range.enterprise,
        from: range.from,
        to: range.to,
    };
    let total = queries::count(&state.db, me.scope, filter).await?;
    let name = enterprises::name_of(&state.db, me.scope, range.enterprise).await?;
    let year_text = year.map(|y| y.to_string()).unwrap_or_default();
    let kind = kind.map_or("", Kind::code);
    let others = [("kind", kind), ("year", year_text.as_str())];
    let frame = ListFrame::new(KIND.path, &q.range, range, &others, total, PER_PAGE, name);
    let trainings =
        queries::list(&state.db, me.scope, filter, PER_PAGE, frame.paging.offset()).await?;
    Ok(ListPage {
        tx: text(ctx.lang),
        ctx,
        trainings,
        kind: kind.to_owned(),
        year: year_text,
        years,
        frame,
    })
}

/// The trainings the enterprise attended, newest first.
pub async fn timeline(
    db: &PgPool,
    station: StationScope,
    enterprise: EnterpriseId,
    lang: Lang,
) -> sqlx::Result<Vec<TimelineEntry>> {
    let rows = queries::for_enterprise(db, station, enterprise).await?;
    Ok(rows
        .into_iter()
        .map(|t| TimelineEntry {
            date: t.held_on,
            kind: "training",
            label: format!("{} · {}", text(lang).training, t.kind.label(lang)),
            summary: snippet(&t.topic, 120),
            href: format!("/trainings/{}", t.training_id),
            alert: None,
        })
        .collect())
}
