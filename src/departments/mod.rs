//! Partner departments, for administrators: departments, their users, their
//! subscriptions, API tokens and webhook.
//!
//! One list page (with the form that creates a department) and one page per
//! department holding every section: names and status, subscriptions, users,
//! API tokens, the webhook and its latest deliveries. Each section's form
//! posts to its own route; bad input re-renders the department page (422)
//! with the message next to the field and what was typed. A new API token or
//! webhook secret is shown once, in the response to the POST that made it,
//! and never again (only a token's SHA-256 is kept).

mod queries;
mod text;

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;

use crate::AppState;
use crate::audit::Event;
use crate::audit::commit as commit_audited;
use crate::auth::{Admin, password};
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::level::{self, Level};
use crate::web::form::{FieldErrors, Fields};
use crate::web::{Flash, PageCtx, RequestCtx, parse_id};

pub use queries::{AttemptRow, Choice, Department, DeptUser, TokenRow};
pub use text::{DeptText, text};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/departments", get(list).post(create))
        .route("/admin/departments/{id}", get(show))
        .route(
            "/admin/departments/{id}/names",
            get(back_to_page).post(update_names),
        )
        .route("/admin/departments/{id}/disable", post(disable))
        .route("/admin/departments/{id}/enable", post(enable))
        .route(
            "/admin/departments/{id}/subscriptions",
            get(back_to_page).post(add_subscription),
        )
        .route(
            "/admin/departments/{id}/subscriptions/{sub}/delete",
            post(remove_subscription),
        )
        .route(
            "/admin/departments/{id}/users",
            get(back_to_page).post(add_user),
        )
        .route(
            "/admin/departments/{id}/users/{user}/disable",
            post(disable_user),
        )
        .route(
            "/admin/departments/{id}/users/{user}/enable",
            post(enable_user),
        )
        .route(
            "/admin/departments/{id}/tokens",
            get(back_to_page).post(create_token),
        )
        .route(
            "/admin/departments/{id}/tokens/{token}/revoke",
            post(revoke_token),
        )
        .route(
            "/admin/departments/{id}/webhook",
            get(back_to_page).post(set_webhook),
        )
        .route(
            "/admin/departments/{id}/webhook/rotate",
            get(back_to_page).post(rotate_secret),
        )
        .route(
            "/admin/departments/{id}/webhook/delete",
            post(remove_webhook),
        )
        .route(
            "/admin/departments/{id}/deliveries/{delivery}/retry",
            post(retry_delivery),
        )
}

/// How many deliveries the department page lists.
const DELIVERIES_SHOWN: i64 = 50;
/// How many attempts of each delivery it lists.
const ATTEMPTS_SHOWN: i64 = 20;
const NAME_MAX: usize = 100;
const DISPLAY_NAME_MAX: usize = 80;
const LABEL_MAX: usize = 80;

fn pick<'a>(lang: Lang, zh: &'a str, en: &'a str) -> &'a str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

impl Department {
    pub fn name_in(&self, lang: Lang) -> &str {
        pick(lang, &self.name, &self.name_en)
    }

    pub fn created(&self) -> String {
        crate::web::local_time(&self.created_at)
    }

    pub fn disabled(&self) -> Option<String> {
        self.disabled_at.as_ref().map(crate::web::local_time)
    }
}

impl Choice {
    pub fn name_in(&self, lang: Lang) -> &str {
        pick(lang, &self.name, &self.name_en)
    }
}

impl DeptUser {
    pub fn is_disabled(&self) -> bool {
        self.disabled_at.is_some()
    }
}

/// Levels from the most to the least serious, as lists show them.
fn sort_levels(levels: &mut [Level]) {
    levels.sort_by_key(|l| match l {
        Level::Red => 0,
        Level::Yellow => 1,
        Level::Green => 2,
    });
}

/// A subscription, ready to show in the reader's language.
#[derive(Debug, Clone)]
pub struct SubscriptionView {
    pub subscription_id: i64,
    pub station: String,
    pub levels: Vec<Level>,
    pub industries: String,
    pub created: String,
}

impl SubscriptionView {
    fn new(raw: &queries::SubscriptionRaw, industries: &[Choice], lang: Lang) -> SubscriptionView {
        let t = text(lang);
        let station = match (&raw.station_name, &raw.station_name_en) {
            (Some(zh), Some(en)) => pick(lang, zh, en).to_owned(),
            _ => t.all_stations.to_owned(),
        };
        let mut levels: Vec<Level> = raw.levels.iter().filter_map(|l| Level::parse(l)).collect();
        sort_levels(&mut levels);
        let industries = if raw.industries.is_empty() {
            t.all_industries.to_owned()
        } else {
            raw.industries
                .iter()
                .map(|code| {
                    industries
                        .iter()
                        .find(|c| c.value == *code)
                        .map_or(code.as_str(), |c| c.name_in(lang))
                })
                .collect::<Vec<_>>()
                .join(t.list_separator)
        };
        SubscriptionView {
            subscription_id: raw.subscription_id,
            station,
            levels,
            industries,
            created: crate::web::local_time(&raw.created_at),
        }
    }

    /// "All stations · Red, Yellow · All industries", for the list page.
    fn summary(&self, lang: Lang) -> String {
        let t = text(lang);
        let levels = self
            .levels
            .iter()
            .map(|l| l.label(lang.t()))
            .collect::<Vec<_>>()
            .join(t.list_separator);
        format!("{} · {} · {}", self.station, levels, self.industries)
    }
}

// ---------------------------------------------------------------------------
// The list of departments, and creating one

/// The create form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct DepartmentForm {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub name_en: String,
}

/// A valid department code: what the database accepts.
fn valid_code(code: &str) -> bool {
    (2..=40).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Both names, required, or the messages.
fn check_names(
    f: Fields,
    e: &mut FieldErrors,
    name: &str,
    name_en: &str,
) -> Option<(String, String)> {
    let name = e.check("name", f.text(name, NAME_MAX));
    let name_en = e.check("name_en", f.text(name_en, NAME_MAX));
    name.zip(name_en)
}

/// One department of the list.
#[derive(Debug)]
pub struct ListRow {
    pub department_id: i64,
    pub code: String,
    pub name: String,
    pub users: i64,
    pub tokens: i64,
    pub webhook: bool,
    pub disabled: bool,
    pub subscriptions: Vec<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "departments/list.html")]
struct ListPage {
    ctx: PageCtx,
    tx: &'static DeptText,
    rows: Vec<ListRow>,
    form: DepartmentForm,
    errors: FieldErrors,
}

async fn list_page(
    state: &AppState,
    req: &RequestCtx,
    form: DepartmentForm,
    errors: FieldErrors,
) -> AppResult<ListPage> {
    let lang = req.lang;
    let departments = queries::list(&state.db).await?;
    let industries = queries::industries(&state.db).await?;
    let mut subs: HashMap<i64, Vec<String>> = HashMap::new();
    for raw in queries::subscriptions(&state.db, None).await? {
        subs.entry(raw.department_id)
            .or_default()
            .push(SubscriptionView::new(&raw, &industries, lang).summary(lang));
    }
    let rows = departments
        .into_iter()
        .map(|d| ListRow {
            department_id: d.department_id,
            name: pick(lang, &d.name, &d.name_en).to_owned(),
            code: d.code,
            users: d.users,
            tokens: d.tokens,
            webhook: d.webhook,
            disabled: d.disabled,
            subscriptions: subs.remove(&d.department_id).unwrap_or_default(),
        })
        .collect();
    Ok(ListPage {
        ctx: PageCtx::new(req),
        tx: text(lang),
        rows,
        form,
        errors,
    })
}

async fn list(State(state): State<AppState>, req: RequestCtx, _me: Admin) -> AppResult<ListPage> {
    list_page(&state, &req, DepartmentForm::default(), FieldErrors::new()).await
}

async fn create(
    State(state): State<AppState>,
    req: RequestCtx,
    me: Admin,
    Form(form): Form<DepartmentForm>,
) -> AppResult<Response> {
    let lang = req.lang;
    let t = text(lang);
    let f = Fields::new(lang);
    let mut e = FieldErrors::new();
    let code = form.code.trim().to_owned();
    if code.is_empty() {
        e.add("code", lang.t().err_required);
    } else if !valid_code(&code) {
        e.add("code", t.err_code);
    }
    let names = check_names(f, &mut e, &form.name, &form.name_en);
    let refuse = async |e: FieldErrors| -> AppResult<Response> {
        let page = list_page(&state, &req, form.clone(), e).await?;
        Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
    };
    let Some((name, name_en)) = names.filter(|_| e.is_empty()) else {
        return refuse(e).await;
    };

    let mut tx = state.db.begin().await?;
    let Some(id) = queries::insert_department(&mut tx, &code, &name, &name_en).await? else {
        drop(tx);
        e.add("code", (t.err_code_taken)(&code));
        return refuse(e).await;
    };
    let summary = format!("{code}: {name} / {name_en}");
    let event = Event {
        summary: &summary,
        ..Event::by(&me.user, &req, "department.create", "department", Some(id))
    };
    commit_audited(tx, event, &format!("/admin/departments/{id}"), Flash::Saved).await
}

// ---------------------------------------------------------------------------
// The department page

/// The subscription form as typed.
#[derive(Debug, Clone, Default)]
pub struct SubscriptionForm {
    pub station: String,
    pub levels: Vec<String>,
    pub industries: Vec<String>,
}

impl SubscriptionForm {
    fn from_pairs(pairs: Vec<(String, String)>) -> SubscriptionForm {
        let mut form = SubscriptionForm::default();
        for (name, value) in pairs {
            match name.as_str() {
                "station" => form.station = value,
                "level" => form.levels.push(value),
                "industry" => form.industries.push(value),
                _ => {}
            }
        }
        form
    }
}

/// A valid subscription.
#[derive(Debug, Clone)]
struct SubscriptionInput {
    station_id: Option<i64>,
    levels: Vec<Level>,
    industries: Vec<String>,
}

impl SubscriptionInput {
    fn level_codes(&self) -> Vec<String> {
        self.levels.iter().map(|l| l.code().to_owned()).collect()
    }

    /// Whether `raw` selects exactly what this does.
    fn same_as(&self, raw: &queries::SubscriptionRaw) -> bool {
        let mut levels: Vec<Level> = raw.levels.iter().filter_map(|l| Level::parse(l)).collect();
        sort_levels(&mut levels);
        let mut industries = raw.industries.clone();
        industries.sort();
        industries.dedup();
        let mut mine = self.industries.clone();
        mine.sort();
        raw.station_id == self.station_id && levels == self.levels && industries == mine
    }
}

fn check_subscription(
    form: &SubscriptionForm,
    lang: Lang,
    stations: &[Choice],
    industries: &[Choice],
    existing: &[queries::SubscriptionRaw],
) -> Result<SubscriptionInput, FieldErrors> {
    let t = text(lang);
    let mut e = FieldErrors::new();
    let station = form.station.trim();
    let station_id = if station.is_empty() {
        None
    } else {
        match stations.iter().find(|s| s.value == station) {
            Some(s) => s.value.parse::<i64>().ok(),
            None => {
                e.add("station", t.err_unknown_station);
                None
            }
        }
    };
    let mut levels = Vec::new();
    for code in &form.levels {
        match Level::parse(code.trim()) {
            Some(l) if !levels.contains(&l) => levels.push(l),
            Some(_) => {}
            None => e.add("levels", t.err_unknown_level),
        }
    }
    if levels.is_empty() {
        e.add("levels", t.err_no_level);
    }
    sort_levels(&mut levels);
    // In the list's order, each once.
    let mut chosen = Vec::new();
    for code in &form.industries {
        if !industries.iter().any(|i| i.value == code.trim()) {
            e.add("industries", t.err_unknown_industry);
        }
    }
    for i in industries {
        if form.industries.iter().any(|c| c.trim() == i.value) {
            chosen.push(i.value.clone());
        }
    }
    if !e.is_empty() {
        return Err(e);
    }
    let input = SubscriptionInput {
        station_id,
        levels,
        industries: chosen,
    };
    if existing.iter().any(|s| input.same_as(s)) {
        e.add("subscription", t.err_duplicate_subscription);
        return Err(e);
    }
    Ok(input)
}

/// The names form, the user form, the token form and the webhook form.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct NamesForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub name_en: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct UserForm {
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub display_name: String,
    /// Never shown again on the page.
    #[serde(default)]
    pub password: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    pub label: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct WebhookForm {
    #[serde(default)]
    pub url: String,
}

/// What a page shows once: a new token or a new webhook secret.
#[derive(Debug, Clone)]
pub struct Revealed {
    pub title: &'static str,
    pub value: String,
}

/// A delivery's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryStatus {
    Pending,
    Delivered,
    Cancelled,
    /// Every attempt of its allowance failed; tried again only on request.
    Dead,
}

impl DeliveryStatus {
    fn parse(code: &str) -> DeliveryStatus {
        match code {
            "delivered" => DeliveryStatus::Delivered,
            "cancelled" => DeliveryStatus::Cancelled,
            "dead" => DeliveryStatus::Dead,
            _ => DeliveryStatus::Pending,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Cancelled => "cancelled",
            DeliveryStatus::Dead => "dead",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        let t = text(lang);
        match self {
            DeliveryStatus::Pending => t.status_pending,
            DeliveryStatus::Delivered => t.status_delivered,
            DeliveryStatus::Cancelled => t.status_cancelled,
            DeliveryStatus::Dead => t.status_dead,
        }
    }
}

/// A delivery, ready to show.
#[derive(Debug, Clone)]
pub struct DeliveryView {
    pub webhook_delivery_id: i64,
    pub event_id: String,
    pub push: String,
    pub status: DeliveryStatus,
    pub attempts: i32,
    pub next_attempt: Option<String>,
    pub last_attempt: Option<String>,
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub delivered: Option<String>,
    pub attempt_rows: Vec<AttemptRow>,
    /// Attempts made but not listed.
    pub older: i32,
}

impl DeliveryView {
    fn new(raw: queries::DeliveryRaw, attempts: Vec<AttemptRow>, lang: Lang) -> DeliveryView {
        let t = text(lang);
        let status = DeliveryStatus::parse(&raw.status);
        let mut push = format!(
            "{} · {}",
            raw.quarter,
            pick(lang, &raw.station_name, &raw.station_name_en)
        );
        let revision = (t.revision)(raw.revision);
        if !revision.is_empty() {
            push = format!("{push} · {revision}");
        }
        let listed = i32::try_from(attempts.len()).unwrap_or(i32::MAX);
        DeliveryView {
            webhook_delivery_id: raw.webhook_delivery_id,
            event_id: raw.event_id,
            push,
            status,
            attempts: raw.attempts,
            next_attempt: (status == DeliveryStatus::Pending)
                .then(|| crate::web::local_time(&raw.next_attempt_at)),
            last_attempt: raw.last_attempt_at.as_ref().map(crate::web::local_time),
            last_status: raw.last_status,
            last_error: raw.last_error,
            delivered: raw.delivered_at.as_ref().map(crate::web::local_time),
            older: (raw.attempts - listed).max(0),
            attempt_rows: attempts,
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "departments/show.html")]
struct ShowPage {
    ctx: PageCtx,
    tx: &'static DeptText,
    dept: Department,
    subscriptions: Vec<SubscriptionView>,
    users: Vec<DeptUser>,
    tokens: Vec<TokenRow>,
    deliveries: Vec<DeliveryView>,
    stations: Vec<Choice>,
    industries: Vec<Choice>,
    names: NamesForm,
    sub_form: SubscriptionForm,
    user_form: UserForm,
    token_form: TokenForm,
    webhook_form: WebhookForm,
    errors: FieldErrors,
    revealed: Option<Revealed>,
}

impl ShowPage {
    /// The page of department `id` as stored, with empty forms; a 404 when
    /// there is no such department.
    async fn load(state: &AppState, req: &RequestCtx, id: i64) -> AppResult<ShowPage> {
        let db = &state.db;
        let lang = req.lang;
        let dept = queries::department(db, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let industries = queries::industries(db).await?;
        let subscriptions = queries::subscriptions(db, Some(id))
            .await?
            .iter()
            .map(|raw| SubscriptionView::new(raw, &industries, lang))
            .collect();
        let raw_deliveries = queries::deliveries(db, id, DELIVERIES_SHOWN).await?;
        let ids: Vec<i64> = raw_deliveries
            .iter()
            .map(|d| d.webhook_delivery_id)
            .collect();
        let mut attempts: HashMap<i64, Vec<AttemptRow>> = HashMap::new();
        for a in queries::attempts(db, &ids, ATTEMPTS_SHOWN).await? {
            attempts.entry(a.webhook_delivery_id).or_default().push(a);
        }
        let deliveries = raw_deliveries
            .into_iter()
            .map(|d| {
                let rows = attempts.remove(&d.webhook_delivery_id).unwrap_or_default();
                DeliveryView::new(d, rows, lang)
            })
            .collect();
        Ok(ShowPage {
            ctx: PageCtx::new(req),
            tx: text(lang),
            names: NamesForm {
                name: dept.name.clone(),
                name_en: dept.name_en.clone(),
            },
            webhook_form: WebhookForm {
                url: dept.webhook_url.clone().unwrap_or_default(),
            },
            users: queries::users(db, id).await?,
            tokens: queries::tokens(db, id).await?,
            stations: queries::stations(db).await?,
            dept,
            subscriptions,
            deliveries,
            industries,
            sub_form: SubscriptionForm::default(),
            user_form: UserForm::default(),
            token_form: TokenForm::default(),
            errors: FieldErrors::new(),
            revealed: None,
        })
    }

    fn name(&self) -> &str {
        self.dept.name_in(self.ctx.lang)
    }

    fn badge(&self, level: &Level) -> level::Badge {
        level::badge(Some(*level), self.ctx.lang)
    }

    /// The level boxes of the subscription form: code, badge, ticked.
    fn level_boxes(&self) -> Vec<(&'static str, level::Badge, bool)> {
        [Level::Red, Level::Yellow, Level::Green]
            .into_iter()
            .map(|l| {
                (
                    l.code(),
                    level::badge(Some(l), self.ctx.lang),
                    self.sub_form.levels.iter().any(|c| c == l.code()),
                )
            })
            .collect()
    }

    fn station_selected(&self, value: &str) -> bool {
        self.sub_form.station.trim() == value
    }

    fn industry_checked(&self, code: &str) -> bool {
        self.sub_form.industries.iter().any(|c| c.trim() == code)
    }

    fn choice_name<'a>(&self, c: &'a Choice) -> &'a str {
        c.name_in(self.ctx.lang)
    }

    fn status_label(&self, status: &DeliveryStatus) -> &'static str {
        status.label(self.ctx.lang)
    }

    fn password_hint(&self) -> String {
        (self.tx.password_hint)(password::MIN_PASSWORD_CHARS, password::MAX_PASSWORD_CHARS)
    }

    fn attempt_list(&self, d: &DeliveryView) -> String {
        (self.tx.attempt_list)(usize::try_from(d.attempts).unwrap_or(0))
    }

    fn older_attempts(&self, d: &DeliveryView) -> String {
        (self.tx.older_attempts)(d.older)
    }

    fn active_tokens(&self) -> usize {
        self.tokens
            .iter()
            .filter(|t| t.revoked_at.is_none())
            .count()
    }
}

fn unprocessable(page: ShowPage) -> Response {
    (StatusCode::UNPROCESSABLE_ENTITY, page).into_response()
}

fn page_url(id: i64, section: &str) -> String {
    format!("/admin/departments/{id}#{section}")
}

async fn show(
    State(state): State<AppState>,
    req: RequestCtx,
    _me: Admin,
    Path(id): Path<String>,
) -> AppResult<ShowPage> {
    ShowPage::load(&state, &req, parse_id(&id)?).await
}

/// A form route opened as a page (a reload after the language switch, a
/// bookmark): the department page.
async fn back_to_page(_me: Admin, Path(id): Path<String>) -> AppResult<Redirect> {
    let id = parse_id(&id)?;
    Ok(Redirect::to(&format!("/admin/departments/{id}")))
}

async fn update_names(
    State(state): State<AppState>,
    req: RequestCtx,
    me: Admin,
    Path(id): Path<String>,
    Form(form): Form<NamesForm>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let mut e = FieldErrors::new();
    let names = check_names(Fields::new(req.lang), &mut e, &form.name, &form.name_en);
    let Some((name, name_en)) = names.filter(|_| e.is_empty()) else {
        let mut page = ShowPage::load(&state, &req, id).await?;
        page.names = form;
        page.errors = e;
        return Ok(unprocessable(page));
    };
    let mut tx = state.db.begin().await?;
    let dept = queries::lock_department(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    queries::update_names(&mut tx, id, &name, &name_en).await?;
    let summary = format!(
        "{}: {}",
        dept.code,
        crate::audit::changes(&[
            ("name", dept.name.clone(), name.clone()),
            ("name_en", dept.name_en.clone(), name_en.clone()),
        ])
    );
    let event = Event {
        summary: &summary,
        ..Event::by(&me.user, &req, "department.update", "department", Some(id))
    };
    commit_audited(tx, event, &page_url(id, "department"), Flash::Saved).await
}

async fn set_disabled(
    state: &AppState,
    req: &RequestCtx,
    me: &Admin,
    id: &str,
    disable: bool,
) -> AppResult<Response> {
    let id = parse_id(id)?;
    let mut tx = state.db.begin().await?;
    let dept = queries::lock_department(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if dept.disabled_at.is_some() == disable {
        // Already so (a second click): nothing to change.
        drop(tx);
        return Ok(crate::web::redirect_with_flash(
            &page_url(id, "department"),
            Flash::Saved,
        ));
    }
    let at = disable.then(|| state.clock.now());
    queries::set_department_disabled(&mut tx, id, at).await?;
    let action = if disable {
        "department.disable"
    } else {
        "department.enable"
    };
    let event = Event {
        summary: &dept.code,
        ..Event::by(&me.user, req, action, "department", Some(id))
    };
    commit_audited(tx, event, &page_url(id, "department"), Flash::Saved).await
}

async fn disable(
    State(state): State<AppState>,
    req: RequestCtx,
    me: Admin,
    Path(id): Path<String>,
) -> AppResult<Response> {
    set_disabled(&state, &req, &me, &id, true).await
}

async fn enable(
    State(state): State<AppState>,
    req: RequestCtx,
    me: Admin,
    Path(id): Path<String>,
) -> AppResult<Response> {
    set_disabled(&state, &req, &me, &id, false).await
}

async fn add_subscription(
    State(state): State<AppState>,
    req: RequestCtx,
    me: Admin,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let form = SubscriptionForm::from_pairs(pairs);
    let db = &state.db;
    let stations = queries::stations(db).await?;
    let industries = queries::industries(db).await?;

    let mut tx = db.begin().await?;
    // Adds to one department take turns, so that the duplicate check holds.
    let dept = queries::lock_department(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let existing = queries::subscriptions(db, Some(id)).await?;
    let input = match check_subscription(&form, req.lang, &stations, &industries, &existing) {
        Ok(input) => input,
        Err(errors) => {
            drop(tx);
            let mut page = ShowPage::load(&state, &req, id).await?;
            page.sub_form = form;
            page.errors = errors;
            return Ok(unprocessable(page));
        }
    };
    let sub_id = queries::insert_subscription(
        &mut tx,
        id,
        input.station_id,
        &input.level_codes(),
        &input.industries,
        me.user.user_id,
    )
    .await?;
    let summary = format!(
        "{}: station {}, levels {}, industries {}",
        dept.code,
        input
            .station_id
            .map_or_else(|| "all".to_owned(), |s| s.to_string()),
        input.level_codes().join(","),
        if input.industries.is_empty() {
            "all".to_owned()
        } else {
            input.industries.join(",")
        }
    );
    let event = Event {
        summary: &summary,
        ..Event::by(
            &me.user,
            &req,
            "subscription.create",
            "subscription",
            Some(sub_id),
        )
    };
    commit_audited(tx, event, &page_url(id, "subscriptions"), Flash::Saved).await
}

async fn remove_subscription(
    State(state): State<AppState>,
    req: RequestCtx,
    me: Admin,
    Path((id, sub)): Path<(String, String)>,
) -> AppResult<Response> {
    let (id, sub) = (parse_id(&id)?, parse_id(&sub)?);
    let mut tx = state.db.begin().await?;
    let dept = queries::lock_department(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !queries::delete_subscription(&mut tx, id, sub).await? {
        return Err(AppError::NotFound);
    }
    let event = Event {
        summary: &dept.code,
        ..Event::by(
            &me.user,
            &req,
            "subscription.delete",
            "subscription",
            Some(sub),
        )
    };
    commit_audited(tx, event, &page_url(id, "subscriptions"), Flash::Deleted).await
}

/// The user form's content, or the messages (the user name's availability
/// is checked apart).
fn check_user(form: &UserForm, lang: Lang) -> Result<(String, String), FieldErrors> {
    let t = text(lang);
    let f = Fields::new(lang);
    let mut e = FieldErrors::new();
    let username = form.username.trim().to_lowercase();
    if username.is_empty() {
        e.add("username", lang.t().err_required);
    } else if !((2..=40).contains(&username.len())
        && username
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b)))
    {
        e.add("username", t.err_username);
    }
    let display_name = e.check("display_name", f.text(&form.display_name, DISPLAY_NAME_MAX));
    let chars = form.password.chars().count();
    if form.password.is_empty() {
        e.add("password", lang.t().err_required);
    } else if !(password::MIN_PASSWORD_CHARS..=password::MAX_PASSWORD_CHARS).contains(&chars) {
        e.add(
            "password",
            (t.err_password_length)(password::MIN_PASSWORD_CHARS, password::MAX_PASSWORD_CHARS),
        );
    }
    match display_name {
        Some(display_name) if e.is_empty() => Ok((username, display_name)),
        _ => Err(e),
    }
}

/// Add a user to the department. The account is made here rather than by
/// `users::create`, whose audit event names the command line as the
/// actor: this one is the admin's.
async fn add_user(
    State(state): State<AppState>,
    req: RequestCtx,
    me: Admin,
    Path(id): Path<String>,
    Form(form): Form<UserForm>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let lang = req.lang;
    let refuse = async |form: UserForm, e: FieldErrors| -> AppResult<Response> {
        let mut page = ShowPage::load(&state, &req, id).await?;
        page.user_form = UserForm {
            password: String::new(),
            ..form
        };
        page.errors = e;
        Ok(unprocessable(page))
    };
    let (username, display_name) = match check_user(&form, lang) {
        Ok(ok) => ok,
        Err(e) => return refuse(form, e).await,
    };
    let taken = |e: &mut FieldErrors| e.add("username", (text(lang).err_username_taken)(&username));
    if queries::username_taken(&state.db, &username).await? {
        let mut e = FieldErrors::new();
        taken(&mut e);
        return refuse(form, e).await;
    }
    let hash = state
        .passwords
        .hash(form.password.clone())
        .await
        .map_err(AppError::Internal)?;
    let mut tx = state.db.begin().await?;
    let dept = queries::lock_department(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let Some(user_id) = queries::insert_user(&mut tx, id, &username, &display_name, &hash).await?
    else {
        drop(tx);
        let mut e = FieldErrors::new();
        taken(&mut e);
        return refuse(form, e).await;
    };
    let summary = format!("{username} (department {})", dept.code);
    let event = Event {
        summary: &summary,
        ..Event::by(&me.user, &req, "user.create", "user", Some(user_id))
    };
    commit_audited(tx, event, &page_url(id, "users"), Flash::Saved).await
}

async fn set_user_disabled(
    state: &AppState,
    req: &RequestCtx,
    me: &Admin,
    ids: (String, String),
    disable: bool,
) -> AppResult<Response> {
    let (id, user_id) = (parse_id(&ids.0)?, parse_id(&ids.1)?);
    let mut tx = state.db.begin().await?;
    let at = disable.then(|| state.clock.now());
    let username = queries::set_user_disabled(&mut tx, id, user_id, at)
        .await?
        .ok_or(AppError::NotFound)?;
    // Either way the account starts afresh: no device of its is trusted,
    // and no hold on unknown devices stays.
    crate::auth::throttle::forget_devices(&mut tx, user_id).await?;
    let action = if disable {
        // Their sessions end with the account.
        crate::auth::session::delete_all_for_user(&mut tx, user_id, None).await?;
        "user.disable"
    } else {
        "user.enable"
    };
    let event = Event {
        summary: &username,
        ..Event::by(&me.user, req, action, "user", Some(user_id))
    };
    commit_audited(tx, event, &page_url(id, "users"), Flash::Saved).await
}

async fn disable_user(
    State(state): State<AppState>,
    req: RequestCtx,
    me: Admin,
    Path(ids): Path<(String, String)>,
) -> AppResult<Response> {
    set_user_disabled(&state, &req, &me, ids, true).await
}

async fn enable_user(
    State(state): State<AppState>,
    req: RequestCtx,
    me: Admin,
    Path(ids): Path<(String, String)>,
) -> AppResult<Response> {
    set_user_disabled(&state, &req, &me, ids, false).await
}

/// Create an API token and show it, once, in this response.
async fn create_token(
    State(state): State<AppState>,
    req: RequestCtx,
    me: Admin,
    Path(id): Path<String>,
    Form(form): Form<TokenForm>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let mut e = FieldErrors::new();
    let label = e.check("label", Fields::new(req.lang).text(&form.label, LABEL_MAX));
    let Some(label) = label else {
        let mut page = ShowPage::load(&state, &req, id).await?;
        page.token_form = form;
        page.errors = e;
        return Ok(unprocessable(page));
    };
    let mut tx = state.db.begin().await?;
    let dept = queries::lock_department(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let token = crate::pushes::token::generate();
    let token_id = queries::insert_token(
        &mut tx,
        id,
        &label,
        &token.hash,
        &token.prefix,
        me.user.user_id,
    )
    .await?;
    let summary = format!("{}: {label} ({}…)", dept.code, token.prefix);
    let event = Event {
        summary: &summary,
        ..Event::by(
            &me.user,
            &req,
            "api_token.create",
            "api_token",
            Some(token_id),
        )
    };
    crate::audit::record(&mut tx, event).await?;
    tx.commit().await?;
    reveal(&state, &req, id, |tx| tx.token_shown_title, token.plain).await
}

async fn revoke_token(
    State(state): State<AppState>,
    req: RequestCtx,
    me: Admin,
    Path((id, token)): Path<(String, String)>,
) -> AppResult<Response> {
    let (id, token_id) = (parse_id(&id)?, parse_id(&token)?);
    let mut tx = state.db.begin().await?;
    let (label, prefix, revoked) = queries::lock_token(&mut tx, id, token_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if revoked {
        drop(tx);
        return Ok(crate::web::redirect_with_flash(
            &page_url(id, "tokens"),
            Flash::Saved,
        ));
    }
    queries::revoke_token(&mut tx, token_id, me.user.user_id, state.clock.now()).await?;
    let summary = format!("{label} ({prefix}…)");
    let event = Event {
        summary: &summary,
        ..Event::by(
            &me.user,
            &req,
            "api_token.revoke",
            "api_token",
            Some(token_id),
        )
    };
    commit_audited(tx, event, &page_url(id, "tokens"), Flash::Saved).await
}

/// Set or change the webhook address; a new secret is made and shown once.
async fn set_webhook(
    State(state): State<AppState>,
    req: RequestCtx,
    me: Admin,
    Path(id): Path<String>,
    Form(form): Form<WebhookForm>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let checked = if form.url.trim().is_empty() {
        Err(req.lang.t().err_required)
    } else {
        let guard = &state.config.webhook_guard;
        guard
            .target(&form.url)
            .await
            .map_err(|r| r.message(req.lang))
    };
    let url = match checked {
        Ok(target) => target.url.to_string(),
        Err(message) => {
            let mut page = ShowPage::load(&state, &req, id).await?;
            page.webhook_form = form;
            page.errors.add("url", message);
            return Ok(unprocessable(page));
        }
    };
    let mut tx = state.db.begin().await?;
    let dept = queries::lock_department(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let secret = crate::pushes::token::webhook_secret();
    queries::set_webhook(&mut tx, id, Some(&url), Some(&secret)).await?;
    let summary = format!(
        "{}: {} → {url} (new secret)",
        dept.code,
        dept.webhook_url.as_deref().unwrap_or("none")
    );
    let event = Event {
        summary: &summary,
        ..Event::by(&me.user, &req, "webhook.set", "department", Some(id))
    };
    crate::audit::record(&mut tx, event).await?;
    tx.commit().await?;
    reveal(&state, &req, id, |tx| tx.secret_shown_title, secret).await
}

/// A new secret for the webhook, shown once.
async fn rotate_secret(
    State(state): State<AppState>,
    req: RequestCtx,
    me: Admin,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let mut tx = state.db.begin().await?;
    let dept = queries::lock_department(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let Some(url) = dept.webhook_url.as_deref() else {
        drop(tx);
        let mut page = ShowPage::load(&state, &req, id).await?;
        page.errors.add("webhook", page.tx.err_no_webhook);
        return Ok((StatusCode::CONFLICT, page).into_response());
    };
    let secret = crate::pushes::token::webhook_secret();
    queries::set_webhook(&mut tx, id, Some(url), Some(&secret)).await?;
    let event = Event {
        summary: &dept.code,
        ..Event::by(&me.user, &req, "webhook.rotate", "department", Some(id))
    };
    crate::audit::record(&mut tx, event).await?;
    tx.commit().await?;
    reveal(&state, &req, id, |tx| tx.secret_shown_title, secret).await
}

/// Remove the webhook; deliveries not yet accepted are cancelled.
async fn remove_webhook(
    State(state): State<AppState>,
    req: RequestCtx,
    me: Admin,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let mut tx = state.db.begin().await?;
    let dept = queries::lock_department(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let Some(url) = dept.webhook_url.as_deref() else {
        // Already removed (a second click).
        drop(tx);
        return Ok(crate::web::redirect_with_flash(
            &page_url(id, "webhook"),
            Flash::Deleted,
        ));
    };
    queries::set_webhook(&mut tx, id, None, None).await?;
    let cancelled = queries::cancel_pending(&mut tx, id).await?;
    let summary = format!(
        "{}: {url} removed, {cancelled} pending deliveries cancelled",
        dept.code
    );
    let event = Event {
        summary: &summary,
        ..Event::by(&me.user, &req, "webhook.remove", "department", Some(id))
    };
    commit_audited(tx, event, &page_url(id, "webhook"), Flash::Deleted).await
}

/// Make a pending delivery due now.
async fn retry_delivery(
    State(state): State<AppState>,
    req: RequestCtx,
    me: Admin,
    Path((id, delivery)): Path<(String, String)>,
) -> AppResult<Response> {
    let (id, delivery_id) = (parse_id(&id)?, parse_id(&delivery)?);
    let mut tx = state.db.begin().await?;
    let (event_id, status) = queries::lock_delivery(&mut tx, id, delivery_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !matches!(
        DeliveryStatus::parse(&status),
        DeliveryStatus::Pending | DeliveryStatus::Dead
    ) {
        // Delivered or cancelled meanwhile: nothing to retry.
        drop(tx);
        return Ok(crate::web::redirect_with_flash(
            &page_url(id, "deliveries"),
            Flash::Saved,
        ));
    }
    queries::retry_now(&mut tx, delivery_id, state.clock.now()).await?;
    let summary = format!("event {event_id}");
    let event = Event {
        summary: &summary,
        ..Event::by(
            &me.user,
            &req,
            "webhook_delivery.retry",
            "webhook_delivery",
            Some(delivery_id),
        )
    };
    commit_audited(tx, event, &page_url(id, "deliveries"), Flash::Saved).await
}

/// The department page showing a new token or secret, once.
async fn reveal(
    state: &AppState,
    req: &RequestCtx,
    id: i64,
    title: fn(&DeptText) -> &'static str,
    value: String,
) -> AppResult<Response> {
    let mut page = ShowPage::load(state, req, id).await?;
    page.revealed = Some(Revealed {
        title: title(page.tx),
        value,
    });
    Ok(page.into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes() {
        assert!(valid_code("fire-rescue"));
        assert!(valid_code("x1"));
        assert!(!valid_code("x"));
        assert!(!valid_code("Fire"));
        assert!(!valid_code("fire rescue"));
        assert!(!valid_code("fire_rescue"));
        assert!(!valid_code(&"a".repeat(41)));
    }
}
