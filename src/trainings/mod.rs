//! Legal-education classes, safety trainings and emergency drills, each
//! attended by one or more of the station's enterprises.
//!
//! The attending enterprises come as a repeated `enterprise_id` field, so the
//! form is read from the raw body rather than through `Form`; an id that is
//! not one of the station's enterprises is a field error, never dropped.

mod queries;
mod text;

use std::collections::BTreeSet;

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, RawForm, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;

use crate::AppState;
use crate::audit::{self, Event};
use crate::auth::{Chief, Role, StationUser};
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::web::form::{self, FieldErrors, Fields};
use crate::web::paging::{PageQuery, Paging, query_string};
use crate::web::record::{OpenItem, TimelineEntry, enterprise_brief, snippet};
use crate::web::{Flash, PageCtx, RequestCtx, parse_id, redirect_with_flash};

use queries::Choosable;
pub use text::{TrainingText, text};

const PER_PAGE: i64 = 25;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/trainings", get(list).post(create))
        .route("/trainings/new", get(new_form))
        .route(
            "/enterprises/{enterprise_id}/trainings/new",
            get(new_for_enterprise),
        )
        .route("/trainings/{id}", get(show))
        .route("/trainings/{id}/edit", get(edit_form).post(update))
        .route("/trainings/{id}/delete", post(delete))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type)]
#[sqlx(type_name = "training_kind", rename_all = "lowercase")]
pub enum Kind {
    Legal,
    Safety,
    Drill,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Legal, Kind::Safety, Kind::Drill];

    pub fn code(self) -> &'static str {
        match self {
            Kind::Legal => "legal",
            Kind::Safety => "safety",
            Kind::Drill => "drill",
        }
    }

    pub fn label(self, lang: impl Into<Lang>) -> &'static str {
        let t = text(lang.into());
        match self {
            Kind::Legal => t.kind_legal,
            Kind::Safety => t.kind_safety,
            Kind::Drill => t.kind_drill,
        }
    }

    fn options() -> Vec<(&'static str, Kind)> {
        Kind::ALL.iter().map(|k| (k.code(), *k)).collect()
    }

    fn labels(lang: Lang) -> Vec<(&'static str, &'static str)> {
        Kind::ALL
            .iter()
            .map(|k| (k.code(), k.label(lang)))
            .collect()
    }
}

/// A training as stored, with the enterprises attending (by name).
#[derive(Debug, Clone)]
pub struct Training {
    pub training_id: i64,
    pub held_on: NaiveDate,
    pub kind: Kind,
    pub topic: String,
    pub attendee_count: i32,
    pub version: i32,
    pub created_by_name: String,
    pub enterprise_names: Vec<String>,
    /// In the order of `enterprise_names`.
    pub enterprise_ids: Vec<i64>,
}

impl Training {
    /// (id, name) of each enterprise attending.
    pub fn attendees(&self) -> Vec<(i64, &str)> {
        self.enterprise_ids
            .iter()
            .copied()
            .zip(self.enterprise_names.iter().map(String::as_str))
            .collect()
    }

    fn names_joined(&self) -> String {
        self.enterprise_names.join("、")
    }
}

/// The validated content of the form.
#[derive(Debug, Clone)]
pub struct TrainingInput {
    pub held_on: NaiveDate,
    pub kind: Kind,
    pub topic: String,
    pub attendee_count: i32,
    /// Distinct, all of the station, at least one.
    pub enterprise_ids: Vec<i64>,
}

/// The form as typed; the enterprises are every `enterprise_id` value sent.
#[derive(Debug, Clone, Default)]
pub struct TrainingForm {
    pub held_on: String,
    pub kind: String,
    pub topic: String,
    pub attendee_count: String,
    pub enterprise_ids: Vec<String>,
    pub form_token: String,
    pub version: String,
}

impl TrainingForm {
    /// Read a urlencoded body; repeated `enterprise_id` fields are kept.
    fn parse(body: &Bytes) -> Result<TrainingForm, AppError> {
        let pairs: Vec<(String, String)> =
            serde_urlencoded::from_bytes(body).map_err(|_| AppError::BadRequest)?;
        let mut form = TrainingForm::default();
        for (name, value) in pairs {
            match name.as_str() {
                "held_on" => form.held_on = value,
                "kind" => form.kind = value,
                "topic" => form.topic = value,
                "attendee_count" => form.attendee_count = value,
                "enterprise_id" => form.enterprise_ids.push(value),
                "form_token" => form.form_token = value,
                "version" => form.version = value,
                _ => {}
            }
        }
        Ok(form)
    }

    fn from_training(t: &Training) -> TrainingForm {
        TrainingForm {
            held_on: t.held_on.to_string(),
            kind: t.kind.code().to_owned(),
            topic: t.topic.clone(),
            attendee_count: t.attendee_count.to_string(),
            enterprise_ids: t.enterprise_ids.iter().map(i64::to_string).collect(),
            form_token: String::new(),
            version: t.version.to_string(),
        }
    }

    fn has(&self, enterprise_id: i64) -> bool {
        let id = enterprise_id.to_string();
        self.enterprise_ids.iter().any(|v| v.trim() == id)
    }

    /// `choosable` is what the station allows for this training.
    fn validate(
        &self,
        lang: Lang,
        today: NaiveDate,
        choosable: &[Choosable],
    ) -> Result<TrainingInput, FieldErrors> {
        let f = Fields::new(lang);
        let t = text(lang);
        let mut e = FieldErrors::new();
        let held_on = e.check("held_on", f.date(&self.held_on));
        if held_on.is_some_and(|d| d > today) {
            e.add("held_on", t.err_future);
        }
        let kind = e.check("kind", f.choice(&self.kind, &Kind::options()));
        let topic = e.check("topic", f.text(&self.topic, 200));
        let attendee_count = e
            .check("attendee_count", f.int(&self.attendee_count, 0, 100_000))
            .and_then(|n| i32::try_from(n).ok());
        let mut ids = BTreeSet::new();
        let mut foreign = false;
        for raw in self.enterprise_ids.iter().filter(|v| !v.trim().is_empty()) {
            match raw.trim().parse::<i64>() {
                Ok(id) if choosable.iter().any(|c| c.enterprise_id == id) => {
                    ids.insert(id);
                }
                _ => foreign = true,
            }
        }
        if foreign {
            e.add("enterprise_ids", t.err_foreign_enterprise);
        } else if ids.is_empty() {
            e.add("enterprise_ids", t.err_no_enterprise);
        }
        match (held_on, kind, topic, attendee_count) {
            (Some(held_on), Some(kind), Some(topic), Some(attendee_count)) if e.is_empty() => {
                Ok(TrainingInput {
                    held_on,
                    kind,
                    topic,
                    attendee_count,
                    enterprise_ids: ids.into_iter().collect(),
                })
            }
            _ => Err(e),
        }
    }
}

/// One checkbox of the enterprise picker.
#[derive(Debug, Clone)]
struct Choice {
    enterprise_id: i64,
    name: String,
    closed: bool,
    checked: bool,
}

/// The picker's checkboxes: ticked ones first, then those whose name
/// contains `q` (all when `q` is empty).
fn choices(choosable: &[Choosable], form: &TrainingForm, q: &str) -> Vec<Choice> {
    let q = q.trim().to_lowercase();
    let (mut ticked, mut rest): (Vec<Choice>, Vec<Choice>) = choosable
        .iter()
        .map(|c| Choice {
            enterprise_id: c.enterprise_id,
            name: c.name.clone(),
            closed: c.closed,
            checked: form.has(c.enterprise_id),
        })
        .partition(|c| c.checked);
    rest.retain(|c| q.is_empty() || c.name.to_lowercase().contains(&q));
    ticked.append(&mut rest);
    ticked
}

#[derive(Template, WebTemplate)]
#[template(path = "trainings/form.html")]
struct FormPage {
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
    fn action(&self) -> String {
        match self.training_id {
            Some(id) => format!("/trainings/{id}/edit"),
            None => "/trainings".to_owned(),
        }
    }

    fn kinds(&self) -> Vec<(&'static str, &'static str)> {
        Kind::labels(self.ctx.lang)
    }

    fn enterprises_described_by(&self) -> String {
        if self.errors.has("enterprise_ids") {
            "enterprise_ids-error enterprise_ids-hint".to_owned()
        } else {
            "enterprise_ids-hint".to_owned()
        }
    }
}

async fn new_for_enterprise(
    State(state): State<AppState>,
    me: StationUser,
    Path(enterprise_id): Path<String>,
) -> AppResult<Redirect> {
    let enterprise = enterprise_brief(&state.db, me.scope.id(), parse_id(&enterprise_id)?)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Redirect::to(&format!(
        "/trainings/new?enterprise_id={}",
        enterprise.enterprise_id
    )))
}

async fn new_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: StationUser,
    Query(query): Query<Vec<(String, String)>>,
) -> AppResult<FormPage> {
    let choosable = queries::choosable(&state.db, me.scope.id(), None).await?;
    let mut q = String::new();
    let mut preselected = Vec::new();
    for (name, value) in query {
        match name.as_str() {
            "q" => q = crate::web::paging::search_text(&value),
            "enterprise_id" if !value.trim().is_empty() => {
                // Another station's (or a junk) id is not found, like its page.
                let id = parse_id(value.trim())?;
                if !choosable.iter().any(|c| c.enterprise_id == id) {
                    return Err(AppError::NotFound);
                }
                preselected.push(id.to_string());
            }
            _ => {}
        }
    }
    let today = crate::web::record::today(&state.clock);
    let form = TrainingForm {
        held_on: today.to_string(),
        enterprise_ids: preselected,
        form_token: form::new_form_token(),
        ..TrainingForm::default()
    };
    Ok(FormPage {
        tx: text(ctx.lang),
        ctx,
        training_id: None,
        choices: choices(&choosable, &form, &q),
        form,
        errors: FieldErrors::new(),
        conflict: None,
        q,
    })
}

fn attendee_ids(ids: &[i64]) -> String {
    ids.iter()
        .map(|id| format!("#{id}"))
        .collect::<Vec<_>>()
        .join(",")
}

async fn create(
    State(state): State<AppState>,
    req: RequestCtx,
    me: StationUser,
    RawForm(body): RawForm,
) -> AppResult<Response> {
    let form = TrainingForm::parse(&body)?;
    let choosable = queries::choosable(&state.db, me.scope.id(), None).await?;
    let today = crate::web::record::today(&state.clock);
    let token_ok = form::valid_form_token(&form.form_token);
    let input = match form.validate(req.lang, today, &choosable) {
        Ok(input) if token_ok => input,
        result => {
            let mut errors = result.err().unwrap_or_default();
            if !token_ok {
                errors.add("form", req.lang.t().error_bad_request);
            }
            let page = FormPage {
                ctx: PageCtx::new(&req),
                tx: text(req.lang),
                training_id: None,
                choices: choices(&choosable, &form, ""),
                form,
                errors,
                conflict: None,
                q: String::new(),
            };
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };

    let mut tx = state.db.begin().await?;
    if let Some(existing) =
        form::already_submitted(&mut tx, me.scope.station(), &form.form_token, "training").await?
    {
        return Ok(redirect_with_flash(
            &format!("/trainings/{existing}"),
            Flash::Saved,
        ));
    }
    let id = queries::insert(&mut tx, me.scope.id(), me.user.user_id, &input).await?;
    let written = queries::set_attendees(&mut tx, me.scope.id(), id, &input.enterprise_ids).await?;
    if written != input.enterprise_ids.len() as u64 {
        // An enterprise went away between the check and the insert.
        return Err(AppError::Internal(anyhow::anyhow!(
            "training attendees changed while saving"
        )));
    }
    form::remember_submission(
        &mut tx,
        me.scope.station(),
        &form.form_token,
        "training",
        id,
    )
    .await?;
    let summary = format!(
        "{} {} {}; {} attendees; enterprises {}",
        input.held_on,
        input.kind.code(),
        snippet(&input.topic, 80),
        input.attendee_count,
        attendee_ids(&input.enterprise_ids)
    );
    let event = Event {
        summary: &summary,
        ..Event::by(&me.user, &req, "training.create", "training", Some(id))
    };
    crate::web::record::commit_audited(tx, event, &format!("/trainings/{id}"), Flash::Saved).await
}

#[derive(Template, WebTemplate)]
#[template(path = "trainings/show.html")]
struct ShowPage {
    ctx: PageCtx,
    tx: &'static TrainingText,
    training: Training,
    can_delete: bool,
}

async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: StationUser,
    Path(id): Path<String>,
) -> AppResult<ShowPage> {
    let training = queries::get(&state.db, me.scope.id(), parse_id(&id)?)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(ShowPage {
        tx: text(ctx.lang),
        can_delete: me.user.role == Role::Chief,
        ctx,
        training,
    })
}

async fn edit_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: StationUser,
    Path(id): Path<String>,
) -> AppResult<FormPage> {
    let training = queries::get(&state.db, me.scope.id(), parse_id(&id)?)
        .await?
        .ok_or(AppError::NotFound)?;
    let choosable =
        queries::choosable(&state.db, me.scope.id(), Some(training.training_id)).await?;
    let form = TrainingForm::from_training(&training);
    Ok(FormPage {
        tx: text(ctx.lang),
        ctx,
        training_id: Some(training.training_id),
        choices: choices(&choosable, &form, ""),
        form,
        errors: FieldErrors::new(),
        conflict: None,
        q: String::new(),
    })
}

async fn update(
    State(state): State<AppState>,
    req: RequestCtx,
    me: StationUser,
    Path(id): Path<String>,
    RawForm(body): RawForm,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let current = queries::get(&state.db, me.scope.id(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let form = TrainingForm::parse(&body)?;
    let choosable = queries::choosable(&state.db, me.scope.id(), Some(id)).await?;
    let today = crate::web::record::today(&state.clock);
    let page = |form: TrainingForm, errors: FieldErrors, conflict: Option<Training>| FormPage {
        ctx: PageCtx::new(&req),
        tx: text(req.lang),
        training_id: Some(id),
        choices: choices(&choosable, &form, ""),
        form,
        errors,
        conflict,
        q: String::new(),
    };
    let input = match form.validate(req.lang, today, &choosable) {
        Ok(input) => input,
        Err(errors) => {
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page(form, errors, None)).into_response());
        }
    };
    let version: i32 = form.version.trim().parse().unwrap_or(0);

    let mut tx = state.db.begin().await?;
    if !queries::update(&mut tx, me.scope.id(), id, version, &input).await? {
        drop(tx);
        let mut errors = FieldErrors::new();
        errors.add("form", req.lang.t().err_conflict);
        let mut form = form;
        form.version = current.version.to_string();
        let saved = current.clone();
        return Ok((StatusCode::CONFLICT, page(form, errors, Some(saved))).into_response());
    }
    let written = queries::set_attendees(&mut tx, me.scope.id(), id, &input.enterprise_ids).await?;
    if written != input.enterprise_ids.len() as u64 {
        return Err(AppError::Internal(anyhow::anyhow!(
            "training attendees changed while saving"
        )));
    }
    let mut old_ids = current.enterprise_ids.clone();
    old_ids.sort_unstable();
    let summary = audit::changes(&[
        (
            "held_on",
            current.held_on.to_string(),
            input.held_on.to_string(),
        ),
        ("kind", current.kind.code().into(), input.kind.code().into()),
        ("topic", current.topic.clone(), input.topic.clone()),
        (
            "attendee_count",
            current.attendee_count.to_string(),
            input.attendee_count.to_string(),
        ),
        (
            "enterprises",
            attendee_ids(&old_ids),
            attendee_ids(&input.enterprise_ids),
        ),
    ]);
    let event = Event {
        summary: &summary,
        ..Event::by(&me.user, &req, "training.update", "training", Some(id))
    };
    crate::web::record::commit_audited(tx, event, &format!("/trainings/{id}"), Flash::Saved).await
}

async fn delete(
    State(state): State<AppState>,
    req: RequestCtx,
    me: Chief,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let Some(current) = queries::get(&state.db, me.scope.id(), id).await? else {
        return Err(AppError::NotFound);
    };
    let mut tx = state.db.begin().await?;
    let Some(gone) = queries::soft_delete(&mut tx, me.scope.id(), id, me.user.user_id).await?
    else {
        return Err(AppError::NotFound);
    };
    let summary = format!(
        "{} {} {}; {} attendees; enterprises: {}",
        gone.held_on,
        gone.kind.code(),
        snippet(&gone.topic, 120),
        gone.attendee_count,
        snippet(&current.names_joined(), 200)
    );
    let event = Event {
        summary: &summary,
        ..Event::by(&me.user, &req, "training.delete", "training", Some(id))
    };
    crate::web::record::commit_audited(tx, event, "/trainings", Flash::Deleted).await
}

/// `?kind=`, `?year=`, `?enterprise=<id>` (trainings it attended) and
/// `?from=`/`?to=` (inclusive, on the date held); unknown or malformed values
/// filter nothing.
#[derive(Debug, Deserialize, Default)]
struct ListQuery {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    year: String,
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
#[template(path = "trainings/list.html")]
struct ListPage {
    ctx: PageCtx,
    tx: &'static TrainingText,
    trainings: Vec<Training>,
    kind: String,
    year: String,
    years: Vec<i32>,
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
        Kind::labels(self.ctx.lang)
    }

    fn is_year(&self, year: &i32) -> bool {
        self.year == year.to_string()
    }
}

async fn list(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: StationUser,
    Query(q): Query<ListQuery>,
) -> AppResult<ListPage> {
    // Unknown filter values filter nothing rather than failing; a date that
    // is not one is said next to its field.
    let kind = Kind::ALL.into_iter().find(|k| k.code() == q.kind);
    let year = q
        .year
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|y| (1990..=2100).contains(y));
    let enterprise = q.enterprise.trim().parse::<i64>().ok().filter(|id| *id > 0);
    let fields = Fields::new(ctx.lang);
    let mut errors = FieldErrors::new();
    let from = errors
        .check("from", fields.optional_date(&q.from))
        .flatten();
    let to = errors.check("to", fields.optional_date(&q.to)).flatten();
    let mut years = queries::years(&state.db, me.scope.id()).await?;
    let this_year = crate::web::record::today(&state.clock).year();
    if !years.contains(&this_year) {
        years.insert(0, this_year);
    }
    let filter = queries::Filter {
        kind,
        year,
        enterprise,
        from,
        to,
    };
    let total = queries::count(&state.db, me.scope.id(), filter).await?;
    let year_text = year.map(|y| y.to_string()).unwrap_or_default();
    let enterprise_code = enterprise.map(|id| id.to_string()).unwrap_or_default();
    let from_code = from.map(|d| d.to_string()).unwrap_or_default();
    let to_code = to.map(|d| d.to_string()).unwrap_or_default();
    let others = [
        ("kind", kind.map_or("", Kind::code)),
        ("year", year_text.as_str()),
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
        "/trainings",
        &others,
    )
    .await?;
    let trainings =
        queries::list(&state.db, me.scope.id(), filter, PER_PAGE, paging.offset()).await?;
    Ok(ListPage {
        tx: text(ctx.lang),
        ctx,
        trainings,
        kind: kind.map_or("", Kind::code).to_owned(),
        year: year_text,
        years,
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

/// The trainings the enterprise attended, newest first.
pub async fn timeline(
    db: &PgPool,
    station_id: i64,
    enterprise_id: i64,
    lang: Lang,
) -> sqlx::Result<Vec<TimelineEntry>> {
    let rows = queries::for_enterprise(db, station_id, enterprise_id).await?;
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

/// Nothing about a training stays open.
pub async fn open_items(
    _db: &PgPool,
    _station_id: i64,
    _enterprise_id: i64,
    _today: NaiveDate,
    _lang: Lang,
) -> sqlx::Result<Vec<OpenItem>> {
    Ok(Vec::new())
}

/// Nothing about a training falls due.
pub async fn due_for_officer(
    _db: &PgPool,
    _station_id: i64,
    _user_id: i64,
    _today: NaiveDate,
    _lang: Lang,
) -> sqlx::Result<Vec<OpenItem>> {
    Ok(Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choosable() -> Vec<Choosable> {
        vec![
            Choosable {
                enterprise_id: 1,
                name: "甲机械厂".into(),
                closed: false,
            },
            Choosable {
                enterprise_id: 2,
                name: "乙物流公司".into(),
                closed: false,
            },
            Choosable {
                enterprise_id: 3,
                name: "丙机械公司".into(),
                closed: false,
            },
        ]
    }

    #[test]
    fn ticked_enterprises_come_first_and_survive_the_filter() {
        let form = TrainingForm {
            enterprise_ids: vec!["2".into()],
            ..TrainingForm::default()
        };
        let shown: Vec<i64> = choices(&choosable(), &form, "机械")
            .iter()
            .map(|c| c.enterprise_id)
            .collect();
        assert_eq!(shown, [2, 1, 3]);
        assert_eq!(choices(&choosable(), &form, "").len(), 3);
    }

    #[test]
    fn repeated_fields_are_all_kept() {
        let body = Bytes::from_static(b"topic=a&enterprise_id=1&enterprise_id=3&version=2");
        let form = TrainingForm::parse(&body).expect("a valid body");
        assert_eq!(form.enterprise_ids, ["1", "3"]);
        assert_eq!(form.version, "2");
    }

    #[test]
    fn enterprises_must_be_choosable() {
        let today = form::parse_date("2026-03-01").expect("a date");
        let mut form = TrainingForm {
            held_on: "2026-02-01".into(),
            kind: "drill".into(),
            topic: "消防疏散演练".into(),
            attendee_count: "40".into(),
            enterprise_ids: vec!["3".into(), "1".into(), "3".into()],
            ..TrainingForm::default()
        };
        let ok = form.validate(Lang::Zh, today, &choosable()).expect("valid");
        assert_eq!(ok.enterprise_ids, [1, 3], "distinct, sorted");
        form.enterprise_ids.push("99".into());
        let errors = form.validate(Lang::Zh, today, &choosable()).unwrap_err();
        assert!(errors.has("enterprise_ids"));
        form.enterprise_ids.clear();
        let errors = form.validate(Lang::En, today, &choosable()).unwrap_err();
        assert_eq!(
            errors.get("enterprise_ids"),
            Some(text(Lang::En).err_no_enterprise)
        );
    }
}
