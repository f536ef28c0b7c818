//! The department list and a department's page: its names and status and
//! its subscriptions (the users, tokens and webhook sections post to
//! `access`).

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use crate::AppState;
use crate::audit::Event;
use crate::audit::commit as commit_audited;
use crate::auth::{Admin, password};
use crate::error::{AppError, AppResult};
use crate::ids::{DepartmentId, SubscriptionId};
use crate::level::{self, Level};
use crate::pushes::receivers;
use crate::web::form::{FieldErrors, Fields};
use crate::web::{Flash, IdPath, PageCtx, RequestCtx};

use super::model::*;
use super::queries::{self, Choice, Department};
use super::text::DeptText;
use super::text::text;
use crate::pushes::receivers::{AttemptRow, TokenRow};
use crate::users::DeptUser;

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
pub(super) struct ListPage {
    ctx: PageCtx,
    tx: &'static DeptText,
    rows: Vec<ListRow>,
    form: DepartmentForm,
    errors: FieldErrors,
}

pub(super) async fn list_page(
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

pub(super) async fn list(
    State(state): State<AppState>,
    req: RequestCtx,
    _me: Admin,
) -> AppResult<ListPage> {
    list_page(&state, &req, DepartmentForm::default(), FieldErrors::new()).await
}

pub(super) async fn create(
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

#[derive(Template, WebTemplate)]
#[template(path = "departments/show.html")]
pub(super) struct ShowPage {
    pub(super) ctx: PageCtx,
    pub(super) tx: &'static DeptText,
    pub(super) dept: Department,
    pub(super) subscriptions: Vec<SubscriptionView>,
    pub(super) users: Vec<DeptUser>,
    pub(super) tokens: Vec<TokenRow>,
    pub(super) deliveries: Vec<DeliveryView>,
    pub(super) stations: Vec<Choice>,
    pub(super) industries: Vec<Choice>,
    pub(super) names: NamesForm,
    pub(super) sub_form: SubscriptionForm,
    pub(super) user_form: UserForm,
    pub(super) token_form: TokenForm,
    pub(super) webhook_form: WebhookForm,
    pub(super) errors: FieldErrors,
    pub(super) revealed: Option<Revealed>,
}

impl ShowPage {
    /// The page of department `id` as stored, with empty forms; a 404 when
    /// there is no such department.
    pub(super) async fn load(state: &AppState, req: &RequestCtx, id: i64) -> AppResult<ShowPage> {
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
        let raw_deliveries = receivers::deliveries(db, id, DELIVERIES_SHOWN).await?;
        let ids: Vec<i64> = raw_deliveries
            .iter()
            .map(|d| d.webhook_delivery_id)
            .collect();
        let mut attempts: HashMap<i64, Vec<AttemptRow>> = HashMap::new();
        for a in receivers::attempts(db, &ids, ATTEMPTS_SHOWN).await? {
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
            users: crate::users::department_users(db, id).await?,
            tokens: receivers::tokens(db, id).await?,
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

    pub(super) fn name(&self) -> &str {
        self.dept.name_in(self.ctx.lang)
    }

    pub(super) fn badge(&self, level: &Level) -> level::Badge {
        level::badge(Some(*level), self.ctx.lang)
    }

    /// The level boxes of the subscription form: code, badge, ticked.
    pub(super) fn level_boxes(&self) -> Vec<(&'static str, level::Badge, bool)> {
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

    pub(super) fn station_selected(&self, value: &str) -> bool {
        self.sub_form.station.trim() == value
    }

    pub(super) fn industry_checked(&self, code: &str) -> bool {
        self.sub_form.industries.iter().any(|c| c.trim() == code)
    }

    pub(super) fn choice_name<'a>(&self, c: &'a Choice) -> &'a str {
        c.name_in(self.ctx.lang)
    }

    pub(super) fn status_label(&self, status: &DeliveryStatus) -> &'static str {
        status.label(self.ctx.lang)
    }

    pub(super) fn password_hint(&self) -> String {
        (self.tx.password_hint)(password::MIN_PASSWORD_CHARS, password::MAX_PASSWORD_CHARS)
    }

    pub(super) fn attempt_list(&self, d: &DeliveryView) -> String {
        (self.tx.attempt_list)(usize::try_from(d.attempts).unwrap_or(0))
    }

    pub(super) fn older_attempts(&self, d: &DeliveryView) -> String {
        (self.tx.older_attempts)(d.older)
    }

    pub(super) fn active_tokens(&self) -> usize {
        self.tokens
            .iter()
            .filter(|t| t.revoked_at.is_none())
            .count()
    }
}

pub(super) fn unprocessable(page: ShowPage) -> Response {
    (StatusCode::UNPROCESSABLE_ENTITY, page).into_response()
}

pub(super) fn page_url(id: i64, section: &str) -> String {
    format!("/admin/departments/{id}#{section}")
}

pub(super) async fn show(
    State(state): State<AppState>,
    req: RequestCtx,
    _me: Admin,
    IdPath(id): IdPath<DepartmentId>,
) -> AppResult<ShowPage> {
    ShowPage::load(&state, &req, id.get()).await
}

/// A form route opened as a page (a reload after the language switch, a
/// bookmark): the department page.
pub(super) async fn back_to_page(
    _me: Admin,
    IdPath(id): IdPath<DepartmentId>,
) -> AppResult<Redirect> {
    let id = id.get();
    Ok(Redirect::to(&format!("/admin/departments/{id}")))
}

pub(super) async fn update_names(
    State(state): State<AppState>,
    req: RequestCtx,
    me: Admin,
    IdPath(id): IdPath<DepartmentId>,
    Form(form): Form<NamesForm>,
) -> AppResult<Response> {
    let id = id.get();
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

pub(super) async fn set_disabled(
    state: &AppState,
    req: &RequestCtx,
    me: &Admin,
    id: DepartmentId,
    disable: bool,
) -> AppResult<Response> {
    let id = id.get();
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

pub(super) async fn disable(
    State(state): State<AppState>,
    req: RequestCtx,
    me: Admin,
    IdPath(id): IdPath<DepartmentId>,
) -> AppResult<Response> {
    set_disabled(&state, &req, &me, id, true).await
}

pub(super) async fn enable(
    State(state): State<AppState>,
    req: RequestCtx,
    me: Admin,
    IdPath(id): IdPath<DepartmentId>,
) -> AppResult<Response> {
    set_disabled(&state, &req, &me, id, false).await
}

pub(super) async fn add_subscription(
    State(state): State<AppState>,
    req: RequestCtx,
    me: Admin,
    IdPath(id): IdPath<DepartmentId>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let id = id.get();
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

pub(super) async fn remove_subscription(
    State(state): State<AppState>,
    req: RequestCtx,
    me: Admin,
    IdPath((id, sub)): IdPath<(DepartmentId, SubscriptionId)>,
) -> AppResult<Response> {
    let (id, sub) = (id.get(), sub.get());
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

/// The department page showing a new token or secret, once.
pub(super) async fn reveal(
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
