//! What the pages of every station record share, written once: the end of
//! a create (a form submitted twice makes one record), of an update (a
//! stale version is answered, not overwritten), of a soft delete, and the
//! list filters every record list takes.
//!
//! A record module says what its record is ([`Kind`]) and does its own SQL
//! through closures; this module only sequences the transaction, the form
//! token, the audit event and the answer.

use axum::response::Response;
use chrono::NaiveDate;
use serde::Deserialize;
use sqlx::PgConnection;

use crate::AppState;
use crate::audit::{self, Event};
use crate::auth::{Chief, StationUser};
use crate::db::DbConflict;
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::ids::EnterpriseId;
use crate::web::form::{self, FieldErrors, Fields};
use crate::web::paging::{PageQuery, Paging, query_string};
use crate::web::{Flash, RequestCtx, redirect_with_flash};

/// A kind of station record.
#[derive(Debug, Clone, Copy)]
pub struct Kind {
    /// The audit log's entity (`incident`), also the form tokens' kind.
    pub entity: &'static str,
    /// Where its pages live (`/incidents`).
    pub path: &'static str,
}

impl Kind {
    /// The record's page.
    pub fn page(self, id: i64) -> String {
        format!("{}/{id}", self.path)
    }

    fn action(self, verb: &str) -> String {
        format!("{}.{verb}", self.entity)
    }
}

/// What a write's own step did: its result, or an answer of its own (a form
/// shown again, with what a constraint or a newer version says), after
/// which nothing is kept.
#[derive(Debug)]
pub enum Write<T> {
    Done(T),
    Answer(Response),
}

/// A new record's input as validated, or the errors to show again: the
/// form's own, and a word on the form when its one-time token is not one
/// this server made.
pub fn new_input<I>(
    token: &str,
    validated: Result<I, FieldErrors>,
    lang: Lang,
) -> Result<I, FieldErrors> {
    let token_ok = form::valid_form_token(token);
    match validated {
        Ok(input) if token_ok => Ok(input),
        result => {
            let mut errors = result.err().unwrap_or_default();
            if !token_ok {
                errors.add("form", lang.t().error_bad_request);
            }
            Err(errors)
        }
    }
}

/// The end of a "new record" form whose input is valid: `insert` stores the
/// record in the transaction and returns its id and the audit line. The
/// same form again (a double tap, a reload, two at once) shows the record
/// the first made instead of making another.
pub async fn create(
    state: &AppState,
    req: &RequestCtx,
    me: &StationUser,
    kind: Kind,
    token: &str,
    insert: impl AsyncFnOnce(&mut PgConnection) -> AppResult<Write<(i64, String)>>,
) -> AppResult<Response> {
    let station = me.scope.station();
    let mut tx = state.db.begin().await?;
    if let Some(existing) = form::already_submitted(&mut tx, station, token, kind.entity).await? {
        return Ok(redirect_with_flash(&kind.page(existing), Flash::Saved));
    }
    let (id, summary) = match insert(&mut tx).await? {
        Write::Done(made) => made,
        Write::Answer(response) => return Ok(response),
    };
    if let Err(err) = form::remember_submission(&mut tx, station, token, kind.entity, id).await {
        if DbConflict::of(&err).is_none() {
            return Err(err.into());
        }
        // The same form, submitted twice at once: the other one saved it
        // first (this one waited for it on the key), and this one's record
        // goes with the rollback.
        drop(tx);
        let mut conn = state.db.acquire().await?;
        let first = form::already_submitted(&mut conn, station, token, kind.entity)
            .await?
            .ok_or_else(|| {
                AppError::Internal(anyhow::anyhow!("form token clash without a record"))
            })?;
        return Ok(redirect_with_flash(&kind.page(first), Flash::Saved));
    }
    let action = kind.action("create");
    let event = Event::by(&me.user, req, &action, kind.entity, Some(id)).with(&summary);
    audit::commit(tx, event, &kind.page(id), Flash::Saved).await
}

/// The end of an edit whose input is valid: `save` writes it if the version
/// the form was loaded with is still the stored one and returns the audit
/// line, or answers itself (someone saved first: their record beside what
/// this user typed).
pub async fn update(
    state: &AppState,
    req: &RequestCtx,
    me: &StationUser,
    kind: Kind,
    id: i64,
    save: impl AsyncFnOnce(&mut PgConnection) -> AppResult<Write<String>>,
) -> AppResult<Response> {
    act(state, req, me, kind, "update", id, save).await
}

/// The end of any other change of a record (`verb`: its audit action, as
/// in `demand.respond`), written by `save` as in [`update`].
pub async fn act(
    state: &AppState,
    req: &RequestCtx,
    me: &StationUser,
    kind: Kind,
    verb: &str,
    id: i64,
    save: impl AsyncFnOnce(&mut PgConnection) -> AppResult<Write<String>>,
) -> AppResult<Response> {
    let mut tx = state.db.begin().await?;
    let summary = match save(&mut tx).await? {
        Write::Done(summary) => summary,
        Write::Answer(response) => return Ok(response),
    };
    let action = kind.action(verb);
    let event = Event::by(&me.user, req, &action, kind.entity, Some(id)).with(&summary);
    audit::commit(tx, event, &kind.page(id), Flash::Saved).await
}

/// A chief's soft delete: `gone` marks the record deleted and returns the
/// page to go to next (its enterprise's, mostly) and the audit line
/// (`None`: no such record at the station).
pub async fn delete(
    state: &AppState,
    req: &RequestCtx,
    me: &Chief,
    kind: Kind,
    id: i64,
    gone: impl AsyncFnOnce(&mut PgConnection) -> AppResult<Option<(String, String)>>,
) -> AppResult<Response> {
    let mut tx = state.db.begin().await?;
    let Some((next, summary)) = gone(&mut tx).await? else {
        return Err(AppError::NotFound);
    };
    let action = kind.action("delete");
    let event = Event::by(&me.user, req, &action, kind.entity, Some(id)).with(&summary);
    audit::commit(tx, event, &next, Flash::Deleted).await
}

/// The page of the enterprise `id`.
pub fn enterprise_page(id: i64) -> String {
    format!("/enterprises/{id}")
}

/// The version a form was loaded with (0, which never matches, for junk).
pub fn version(typed: &str) -> i32 {
    typed.trim().parse().unwrap_or(0)
}

/// The filters of every record list: `?enterprise=<id>`, `?from=`/`?to=`
/// (inclusive, on the list's date) and `?page=`. Unknown or malformed values
/// filter nothing; a date that is not one is said next to its field.
#[derive(Debug, Deserialize, Default)]
pub struct RangeQuery {
    #[serde(default)]
    pub enterprise: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(flatten)]
    pub page: PageQuery,
}

/// The parsed [`RangeQuery`].
#[derive(Debug, Clone)]
pub struct Range {
    pub enterprise: Option<EnterpriseId>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub errors: FieldErrors,
}

impl RangeQuery {
    pub fn parse(&self, lang: Lang) -> Range {
        let fields = Fields::new(lang);
        let mut errors = FieldErrors::new();
        let from = errors
            .check("from", fields.optional_date(&self.from))
            .flatten();
        let to = errors.check("to", fields.optional_date(&self.to)).flatten();
        Range {
            enterprise: self.enterprise.trim().parse().ok(),
            from,
            to,
            errors,
        }
    }
}

/// What a record list's page shows around its rows: the enterprise it is
/// narrowed to (with the link that clears that), the dates as typed, their
/// errors, and the pages.
#[derive(Debug, Clone)]
pub struct ListFrame {
    /// The enterprise filtered to (its id), empty for all.
    pub enterprise: String,
    /// Its name, when it is an enterprise of the station.
    pub enterprise_name: Option<String>,
    /// This list without the enterprise filter.
    pub clear_enterprise: String,
    pub from: String,
    pub to: String,
    pub errors: FieldErrors,
    pub paging: Paging,
}

impl ListFrame {
    /// The frame of a list at `path` with `total` rows, `per_page` a page;
    /// `others` are the list's own filters (code, value) kept in its links.
    /// `enterprise_name` is the name of the enterprise filtered to, when it
    /// is one of the station's.
    pub fn new(
        path: &str,
        q: &RangeQuery,
        range: Range,
        others: &[(&str, &str)],
        total: i64,
        per_page: i64,
        enterprise_name: Option<String>,
    ) -> ListFrame {
        let enterprise = range
            .enterprise
            .map(|id| id.to_string())
            .unwrap_or_default();
        let from = range.from.map(|d| d.to_string()).unwrap_or_default();
        let to = range.to.map(|d| d.to_string()).unwrap_or_default();
        let mut kept: Vec<(&str, &str)> = others.to_vec();
        kept.push(("from", &from));
        kept.push(("to", &to));
        let clear_enterprise = match query_string(&kept) {
            rest if rest.is_empty() => path.to_owned(),
            rest => format!("{path}?{rest}"),
        };
        let with_enterprise = [&[("enterprise", enterprise.as_str())], &kept[..]].concat();
        let paging = Paging::new(
            Paging::parse_page(q.page.page.as_deref()),
            per_page,
            total,
            query_string(&with_enterprise),
        );
        ListFrame {
            enterprise,
            enterprise_name,
            clear_enterprise,
            // What was typed stays, even when it is not a date.
            from: q.from.trim().to_owned(),
            to: q.to.trim().to_owned(),
            errors: range.errors,
            paging,
        }
    }
}
