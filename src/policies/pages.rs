//! The administrator's policy pages: the list of versions, one version's
//! page, and the form that saves the next version.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::audit::Event;
use crate::auth::Admin;
use crate::error::{AppError, AppResult};
use crate::scoring::{Policy, Quarter};
use crate::web::form::FieldErrors;
use crate::web::{Flash, IdPath, PageCtx, RequestCtx, redirect_with_flash};

use super::model::*;
use super::queries;
use super::text::{ParamWords, PolicyText, text};

#[derive(Template, WebTemplate)]
#[template(path = "policies/form.html")]
pub(super) struct FormPage {
    ctx: PageCtx,
    tx: &'static PolicyText,
    form: PolicyForm,
    errors: FieldErrors,
    /// The newest version when a save came after it (shown per field).
    conflict: Option<StoredPolicy>,
}

impl FormPage {
    fn new(req: &RequestCtx, form: PolicyForm, errors: FieldErrors) -> FormPage {
        FormPage {
            ctx: PageCtx::new(req),
            tx: text(req.lang),
            form,
            errors,
            conflict: None,
        }
    }

    fn groups(&self) -> Vec<GroupView<FieldView>> {
        let lang = self.ctx.lang;
        grouped(lang, |p| {
            let newest = self.conflict.as_ref().and_then(|c| {
                let differs = if p.is_flag() {
                    p.form_value(&c.policy) != self.form.checked(p.name).to_string()
                } else {
                    p.form_value(&c.policy) != self.form.value(p.name).trim()
                };
                differs.then(|| p.display(&c.policy, lang))
            });
            FieldView {
                name: p.name,
                words: self.tx.param(p.name),
                flag: p.is_flag(),
                value: self.form.value(p.name).to_owned(),
                checked: self.form.checked(p.name),
                newest,
            }
        })
    }

    fn intro(&self) -> String {
        (self.tx.new_version_intro)(self.form.base_version().unwrap_or(0))
    }
}

pub(super) async fn new_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    _me: Admin,
) -> AppResult<FormPage> {
    let current = Quarter::containing(state.clock.today());
    let newest = queries::newest(&state.db).await?;
    let rules = QuarterRules::new(current, newest.as_ref());
    let form = match &newest {
        Some(n) => PolicyForm::from_policy(&n.policy, rules.default_quarter(), n.version),
        None => PolicyForm::from_policy(&Policy::default_v1(), rules.default_quarter(), 0),
    };
    Ok(FormPage {
        tx: text(ctx.lang),
        ctx,
        form,
        errors: FieldErrors::new(),
        conflict: None,
    })
}

pub(super) async fn create(
    State(state): State<AppState>,
    req: RequestCtx,
    me: Admin,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let form = PolicyForm::from_pairs(pairs);
    let lang = req.lang;
    let current = Quarter::containing(state.clock.today());
    let newest = queries::newest(&state.db).await?;
    let newest_version = newest.as_ref().map_or(0, |n| n.version);
    let validated = form.validate(lang, QuarterRules::new(current, newest.as_ref()));

    if form.base_version() != Some(newest_version) {
        return Ok(stale(&req, &me, form, validated, newest));
    }
    let mut input = match validated {
        Ok(input) => input,
        Err(errors) => {
            let page = FormPage::new(&req, form, errors);
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    if let Some(n) = &newest
        && same_parameters(&n.policy, &input.policy)
    {
        let mut errors = FieldErrors::new();
        errors.add("form", (text(lang).err_no_change)(n.version));
        let page = FormPage::new(&req, form, errors);
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }

    let mut tx = state.db.begin().await?;
    // Saves based on the same version take turns here; the second then sees
    // the first one's version and stops.
    queries::lock_newest(&mut tx).await?;
    let locked = queries::newest(&mut *tx).await?;
    if locked.as_ref().map_or(0, |n| n.version) != newest_version {
        drop(tx);
        return Ok(stale(&req, &me, form, Ok(input), locked));
    }
    let version = newest_version + 1;
    input.policy.version = version;
    let params = serde_json::to_value(&input.policy)
        .map_err(|e| AppError::Internal(anyhow::Error::new(e)))?;
    let id = queries::insert(
        &mut tx,
        &input.policy,
        input.effective_from,
        params,
        me.user.user_id,
    )
    .await?;
    let summary = match &newest {
        Some(n) => {
            let mut changes = differences(&n.policy, &input.policy);
            if n.effective_from != input.effective_from {
                changes = format!(
                    "effective_from: {} → {}; {changes}",
                    n.effective_from, input.effective_from
                );
            }
            format!(
                "v{version} ({}) vs v{}: {changes}",
                input.effective_from, n.version
            )
        }
        None => format!("v{version} ({})", input.effective_from),
    };
    let event = Event {
        summary: &summary,
        ..Event::by(&me.user, &req, "policy.create", "scoring_policy", Some(id))
    };
    crate::audit::commit(
        tx,
        event,
        &format!("/admin/policies/{version}"),
        Flash::Saved,
    )
    .await
}

/// A save based on a version that is no longer the newest. When the newest
/// is exactly what this user is saving (a second click, a reload), show it;
/// otherwise keep what was typed, show the newest values per field (409),
/// and base the form on the newest so that a second save goes through.
pub(super) fn stale(
    req: &RequestCtx,
    me: &Admin,
    mut form: PolicyForm,
    validated: Result<PolicyInput, FieldErrors>,
    newest: Option<StoredPolicy>,
) -> Response {
    if let (Some(n), Ok(input)) = (&newest, &validated)
        && n.created_by == Some(me.user.user_id)
        && n.effective_from == input.effective_from
        && same_parameters(&n.policy, &input.policy)
    {
        return redirect_with_flash(&format!("/admin/policies/{}", n.version), Flash::Saved);
    }
    let mut errors = validated.err().unwrap_or_default();
    let newest_version = newest.as_ref().map_or(0, |n| n.version);
    errors.add("form", (text(req.lang).err_stale)(newest_version));
    form.base_version = newest_version.to_string();
    let page = FormPage {
        conflict: newest,
        ..FormPage::new(req, form, errors)
    };
    (StatusCode::CONFLICT, page).into_response()
}

/// One version in the list.
#[derive(Debug)]
pub struct ListRow {
    pub stored: StoredPolicy,
    pub status: Status,
    pub title: String,
    pub thresholds: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "policies/list.html")]
pub(super) struct ListPage {
    ctx: PageCtx,
    tx: &'static PolicyText,
    rows: Vec<ListRow>,
}

pub(super) async fn list(
    State(state): State<AppState>,
    ctx: PageCtx,
    _me: Admin,
) -> AppResult<ListPage> {
    // A handful of versions a year: one page holds them all.
    let all = queries::all(&state.db).await?;
    let current = Quarter::containing(state.clock.today());
    let t = text(ctx.lang);
    let rows = all
        .iter()
        .map(|p| ListRow {
            status: Status::of(p, &all, current),
            title: (t.policy_version)(p.version),
            thresholds: (t.thresholds_value)(p.policy.green_min, p.policy.yellow_min),
            stored: p.clone(),
        })
        .collect();
    Ok(ListPage { tx: t, ctx, rows })
}

/// One parameter's value on a version's page.
#[derive(Debug)]
pub struct ValueView {
    pub name: &'static str,
    pub words: &'static ParamWords,
    pub value: String,
    /// The previous version's value, when it differs.
    pub previous: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "policies/show.html")]
pub(super) struct ShowPage {
    ctx: PageCtx,
    tx: &'static PolicyText,
    stored: StoredPolicy,
    status: Status,
    previous: Option<StoredPolicy>,
    groups: Vec<GroupView<ValueView>>,
    changed: usize,
}

impl ShowPage {
    fn title(&self) -> String {
        (self.tx.policy_version)(self.stored.version)
    }

    /// How this version differs from the previous one, in a sentence.
    fn changes_note(&self) -> Option<String> {
        let previous = self.previous.as_ref()?.version;
        Some(if self.changed > 0 {
            (self.tx.changed_from_previous)(self.changed, previous)
        } else {
            (self.tx.unchanged_from_previous)(previous)
        })
    }
}

pub(super) async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    _me: Admin,
    IdPath(version): IdPath<i32>,
) -> AppResult<ShowPage> {
    let all = queries::all(&state.db).await?;
    let stored = all
        .iter()
        .find(|p| p.version == version)
        .cloned()
        .ok_or(AppError::NotFound)?;
    // `all` is newest first: the first older one is the previous version.
    let previous = all.iter().find(|p| p.version < version).cloned();
    let current = Quarter::containing(state.clock.today());
    let status = Status::of(&stored, &all, current);
    let lang = ctx.lang;
    let t = text(lang);
    let mut changed = 0;
    let groups = grouped(lang, |p| {
        let previous = previous
            .as_ref()
            .filter(|prev| p.form_value(&prev.policy) != p.form_value(&stored.policy))
            .map(|prev| p.display(&prev.policy, lang));
        changed += usize::from(previous.is_some());
        ValueView {
            name: p.name,
            words: t.param(p.name),
            value: p.display(&stored.policy, lang),
            previous,
        }
    });
    Ok(ShowPage {
        tx: t,
        ctx,
        stored,
        status,
        previous,
        groups,
        changed,
    })
}
