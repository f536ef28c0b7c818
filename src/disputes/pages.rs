//! The dispute record's pages: list, new, edit, delete; and what other
//! pages show of disputes. The dispute's own page and its actions are in
//! `workflow`.

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
    DEFAULT_MASS_THRESHOLD, Dispute, DisputeForm, Force, KIND, Kind, Status, forces_text,
};
use super::queries;
use super::text::{DisputeText, text};
use crate::AppState;
use crate::auth::{Chief, StationScope, StationUser};
use crate::enterprises::{self, EnterpriseBrief, OpenItem, TimelineEntry};
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::ids::{DisputeId, EnterpriseId, UserId};
use crate::records::{self, ListFrame, RangeQuery, Write};
use crate::web::form::{self, FieldErrors};
use crate::web::{IdPath, PageCtx, RequestCtx, snippet};

/// People involved from which a dispute is a mass dispute (群体性纠纷), from
/// the newest scoring policy.
pub async fn mass_threshold(db: &PgPool) -> sqlx::Result<i32> {
    Ok(queries::mass_threshold(db)
        .await?
        .unwrap_or(DEFAULT_MASS_THRESHOLD))
}

#[derive(Template, WebTemplate)]
#[template(path = "disputes/form.html")]
pub(super) struct FormPage {
    ctx: PageCtx,
    tx: &'static DisputeText,
    enterprise: EnterpriseBrief,
    /// `None` for a new dispute.
    dispute_id: Option<i64>,
    form: DisputeForm,
    errors: FieldErrors,
    /// The saved record when a save hit a newer version.
    conflict: Option<Dispute>,
    threshold: i32,
}

impl FormPage {
    async fn new(
        state: &AppState,
        ctx: PageCtx,
        enterprise: EnterpriseBrief,
        id: Option<i64>,
        form: DisputeForm,
    ) -> AppResult<FormPage> {
        Ok(FormPage {
            tx: text(ctx.lang),
            threshold: mass_threshold(&state.db).await?,
            ctx,
            enterprise,
            dispute_id: id,
            form,
            errors: FieldErrors::new(),
            conflict: None,
        })
    }

    /// The page again, with what is wrong (and the saved record).
    fn refused(
        mut self,
        status: StatusCode,
        errors: FieldErrors,
        conflict: Option<Dispute>,
    ) -> Response {
        self.errors = errors;
        self.conflict = conflict;
        (status, self).into_response()
    }

    fn action(&self) -> String {
        match self.dispute_id {
            Some(id) => format!("/disputes/{id}/edit"),
            None => format!("/enterprises/{}/disputes", self.enterprise.enterprise_id),
        }
    }

    fn kinds(&self) -> Vec<(&'static str, &'static str)> {
        Kind::choices(self.ctx.lang)
    }

    /// (code, label, ticked)
    fn forces(&self) -> Vec<(&'static str, &'static str, bool)> {
        Force::ALL
            .iter()
            .map(|f| {
                (
                    f.code(),
                    f.label(self.ctx.lang),
                    self.form.has_force(f.code()),
                )
            })
            .collect()
    }

    fn people_hint(&self) -> String {
        (self.tx.people_hint)(self.threshold)
    }

    fn forces_text(&self, forces: &[Force]) -> String {
        forces_text(forces, self.ctx.lang)
    }
}

pub(super) async fn dispute(
    db: &PgPool,
    station: StationScope,
    id: DisputeId,
) -> AppResult<Dispute> {
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
    let form = DisputeForm {
        reported_on: state.clock.today().to_string(),
        form_token: form::new_form_token(),
        ..DisputeForm::default()
    };
    FormPage::new(&state, ctx, enterprise, None, form).await
}

pub(super) async fn create(
    State(state): State<AppState>,
    req: RequestCtx,
    me: StationUser,
    IdPath(enterprise_id): IdPath<EnterpriseId>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let form = DisputeForm::from_pairs(pairs);
    let enterprise = enterprises::brief_or_not_found(&state.db, me.scope, enterprise_id).await?;
    let input = match records::new_input(
        &form.form_token,
        form.validate(req.lang, state.clock.today(), None),
        req.lang,
    ) {
        Ok(input) => input,
        Err(errors) => {
            let page = FormPage::new(&state, PageCtx::new(&req), enterprise, None, form).await?;
            return Ok(page.refused(StatusCode::UNPROCESSABLE_ENTITY, errors, None));
        }
    };
    records::create(&state, &req, &me, KIND, &form.form_token, async |tx| {
        let eid = EnterpriseId(enterprise.enterprise_id);
        let id = queries::insert(tx, me.scope, eid, me.user.id(), &input).await?;
        let event = queries::NewEvent {
            from: None,
            to: Status::Reported,
            note: "",
            by: me.user.id(),
        };
        queries::insert_event(tx, me.scope, DisputeId(id), &event).await?;
        let summary = format!(
            "{} {} {} ({} people): {}",
            enterprise.name,
            input.reported_on,
            input.kind.code(),
            input.people_involved,
            snippet(&input.parties, 80)
        );
        Ok(Write::Done((id, summary)))
    })
    .await
}

pub(super) async fn edit_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: StationUser,
    IdPath(id): IdPath<DisputeId>,
) -> AppResult<FormPage> {
    let dispute = dispute(&state.db, me.scope, id).await?;
    let enterprise =
        enterprises::brief_or_not_found(&state.db, me.scope, EnterpriseId(dispute.enterprise_id))
            .await?;
    let form = DisputeForm::from_dispute(&dispute);
    FormPage::new(&state, ctx, enterprise, Some(dispute.dispute_id), form).await
}

pub(super) async fn update(
    State(state): State<AppState>,
    req: RequestCtx,
    me: StationUser,
    IdPath(id): IdPath<DisputeId>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let form = DisputeForm::from_pairs(pairs);
    let current = dispute(&state.db, me.scope, id).await?;
    let enterprise =
        enterprises::brief_or_not_found(&state.db, me.scope, EnterpriseId(current.enterprise_id))
            .await?;
    let page = FormPage::new(
        &state,
        PageCtx::new(&req),
        enterprise,
        Some(id.get()),
        form.clone(),
    )
    .await?;
    let input = match form.validate(req.lang, state.clock.today(), current.resolved_on) {
        Ok(input) => input,
        Err(errors) => return Ok(page.refused(StatusCode::UNPROCESSABLE_ENTITY, errors, None)),
    };
    let version = records::version(&form.version);
    records::update(&state, &req, &me, KIND, id.get(), async |tx| {
        if !queries::update(tx, me.scope, id, version, &input).await? {
            // Someone saved first: keep what this user typed, show what is
            // saved, and let a second save (with the current version) go
            // through.
            let mut errors = FieldErrors::new();
            errors.add("form", req.lang.t().err_conflict);
            let mut page = page;
            page.form.version = current.version.to_string();
            return Ok(Write::Answer(page.refused(
                StatusCode::CONFLICT,
                errors,
                Some(current.clone()),
            )));
        }
        let codes = |forces: &[Force]| {
            forces
                .iter()
                .map(|f| f.code())
                .collect::<Vec<_>>()
                .join(",")
        };
        Ok(Write::Done(crate::audit::changes(&[
            (
                "reported_on",
                current.reported_on.to_string(),
                input.reported_on.to_string(),
            ),
            ("parties", current.parties.clone(), input.parties.clone()),
            ("kind", current.kind.code().into(), input.kind.code().into()),
            (
                "people_involved",
                current.people_involved.to_string(),
                input.people_involved.to_string(),
            ),
            (
                "forces",
                codes(&current.mediation_forces),
                codes(&input.forces),
            ),
            ("summary", current.summary.clone(), input.summary.clone()),
        ])))
    })
    .await
}

pub(super) async fn delete(
    State(state): State<AppState>,
    req: RequestCtx,
    me: Chief,
    IdPath(id): IdPath<DisputeId>,
) -> AppResult<Response> {
    records::delete(&state, &req, &me, KIND, id.get(), async |tx| {
        Ok(queries::soft_delete(tx, me.scope, id, me.user.id())
            .await?
            .map(|gone| {
                let summary = format!(
                    "{} {} {} {} ({} people): {}",
                    gone.enterprise_name,
                    gone.reported_on,
                    gone.kind.code(),
                    gone.status.code(),
                    gone.people_involved,
                    snippet(&gone.parties, 200)
                );
                (records::enterprise_page(gone.enterprise_id), summary)
            }))
    })
    .await
}

/// `?status=` takes a status code or `open` (reported or mediating);
/// `?mass=1` keeps mass disputes; `?awaiting=1` keeps resolved disputes
/// with a follow-up still to do; and the record lists' own filters on the
/// date `?on=` names: `reported` (the default) or `resolved`.
#[derive(Debug, Deserialize, Default)]
pub(super) struct ListQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    mass: String,
    #[serde(default)]
    awaiting: String,
    #[serde(default)]
    on: String,
    #[serde(flatten)]
    range: RangeQuery,
}

/// The dates a dispute list can be ranged on; the first is the default.
const DATE_FIELDS: [&str; 2] = ["reported", "resolved"];

#[derive(Template, WebTemplate)]
#[template(path = "disputes/list.html")]
pub(super) struct ListPage {
    ctx: PageCtx,
    tx: &'static DisputeText,
    disputes: Vec<queries::ListRow>,
    status: String,
    kind: String,
    mass: bool,
    awaiting: bool,
    on: &'static str,
    threshold: i32,
    today: NaiveDate,
    frame: ListFrame,
}

impl ListPage {
    fn statuses(&self) -> Vec<(&'static str, &'static str)> {
        let mut all = vec![("open", self.tx.status_open)];
        all.extend(Status::choices(self.ctx.lang));
        all
    }

    fn kinds(&self) -> Vec<(&'static str, &'static str)> {
        Kind::choices(self.ctx.lang)
    }

    fn is_on(&self, code: &str) -> bool {
        self.on == code
    }

    fn date_fields(&self) -> [(&'static str, &'static str); 2] {
        [
            (DATE_FIELDS[0], self.tx.reported_on),
            (DATE_FIELDS[1], self.tx.resolved_on),
        ]
    }

    /// Whether any filter is set, for the "clear filters" link.
    fn filtered(&self) -> bool {
        !self.status.is_empty()
            || !self.kind.is_empty()
            || self.mass
            || self.awaiting
            || !self.frame.enterprise.is_empty()
            || !self.frame.from.is_empty()
            || !self.frame.to.is_empty()
    }

    fn is_mass(&self, people_involved: &i32) -> bool {
        *people_involved >= self.threshold
    }
}

const PER_PAGE: i64 = 25;

pub(super) async fn list(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: StationUser,
    Query(q): Query<ListQuery>,
) -> AppResult<ListPage> {
    let threshold = mass_threshold(&state.db).await?;
    let (status, statuses) = match q.status.trim() {
        "open" => ("open", vec![Status::Reported, Status::Mediating]),
        code => match Status::parse(code) {
            Some(s) => (s.code(), vec![s]),
            None => ("", Vec::new()),
        },
    };
    let kind = Kind::parse(q.kind.trim());
    let mass = !q.mass.trim().is_empty();
    let awaiting = !q.awaiting.trim().is_empty();
    let on = DATE_FIELDS
        .into_iter()
        .find(|f| *f == q.on.trim())
        .unwrap_or(DATE_FIELDS[0]);
    let range = q.range.parse(ctx.lang);
    let filter = queries::Filter {
        statuses,
        kind,
        min_people: mass.then_some(threshold),
        awaiting_follow_up: awaiting,
        enterprise: range.enterprise,
        on,
        from: range.from,
        to: range.to,
    };
    let total = queries::count(&state.db, me.scope, &filter).await?;
    let name = enterprises::name_of(&state.db, me.scope, range.enterprise).await?;
    let others = [
        ("status", status),
        ("kind", kind.map_or("", Kind::code)),
        ("mass", if mass { "1" } else { "" }),
        ("awaiting", if awaiting { "1" } else { "" }),
        // The default date goes without saying.
        ("on", if on == DATE_FIELDS[0] { "" } else { on }),
    ];
    let frame = ListFrame::new("/disputes", &q.range, range, &others, total, PER_PAGE, name);
    let disputes = queries::list(
        &state.db,
        me.scope,
        &filter,
        PER_PAGE,
        frame.paging.offset(),
    )
    .await?;
    Ok(ListPage {
        tx: text(ctx.lang),
        ctx,
        disputes,
        status: status.to_owned(),
        kind: kind.map_or("", Kind::code).to_owned(),
        mass,
        awaiting,
        on,
        threshold,
        today: state.clock.today(),
        frame,
    })
}

/// "群体性 · 调解中": the tags a dispute carries in one-line views.
pub(super) fn alert_text(lang: Lang, mass: bool, status: Option<Status>) -> Option<String> {
    let t = text(lang);
    let parts: Vec<&str> = [mass.then_some(t.mass_short), status.map(|s| s.label(lang))]
        .into_iter()
        .flatten()
        .collect();
    (!parts.is_empty()).then(|| parts.join(" · "))
}

/// The enterprise's disputes for its timeline.
pub async fn timeline(
    db: &PgPool,
    station: StationScope,
    enterprise: EnterpriseId,
    lang: Lang,
) -> sqlx::Result<Vec<TimelineEntry>> {
    let threshold = mass_threshold(db).await?;
    let rows = queries::for_enterprise(db, station, enterprise).await?;
    Ok(rows
        .into_iter()
        .map(|d| TimelineEntry {
            date: d.reported_on,
            kind: "dispute",
            label: format!("{} · {}", text(lang).dispute, d.kind.label(lang)),
            summary: snippet(&d.parties, 120),
            href: format!("/disputes/{}", d.dispute_id),
            alert: alert_text(
                lang,
                d.people_involved >= threshold,
                (d.status != Status::Closed).then_some(d.status),
            ),
        })
        .collect())
}

/// What is still open about the enterprise: unresolved disputes, and
/// follow-ups still to do (with their due dates).
pub async fn open_items(
    db: &PgPool,
    station: StationScope,
    enterprise: EnterpriseId,
    today: NaiveDate,
    lang: Lang,
) -> sqlx::Result<Vec<OpenItem>> {
    let t = text(lang);
    let threshold = mass_threshold(db).await?;
    let mut items: Vec<OpenItem> = queries::unresolved(db, station, enterprise)
        .await?
        .into_iter()
        .map(|d| {
            let tags = alert_text(lang, d.people_involved >= threshold, Some(d.status));
            OpenItem {
                kind: "dispute",
                label: format!(
                    "{} · {} · {}",
                    t.dispute,
                    d.kind.label(lang),
                    tags.unwrap_or_default()
                ),
                summary: format!("{} · {}", d.reported_on, snippet(&d.parties, 100)),
                enterprise: d.enterprise_name,
                due: None,
                overdue: false,
                href: format!("/disputes/{}", d.dispute_id),
            }
        })
        .collect();
    let pending = queries::pending_for_enterprise(db, station, enterprise).await?;
    items.extend(
        pending
            .into_iter()
            .map(|f| follow_up_item(f, today, threshold, lang)),
    );
    Ok(items)
}

fn follow_up_item(
    f: queries::PendingRow,
    today: NaiveDate,
    threshold: i32,
    lang: Lang,
) -> OpenItem {
    let t = text(lang);
    let mut label = format!("{} · {}", t.follow_up, f.kind.label(lang));
    if f.people_involved >= threshold {
        label.push_str(" · ");
        label.push_str(t.mass_short);
    }
    OpenItem {
        kind: "dispute",
        label,
        summary: (t.follow_up_summary)(&snippet(&f.parties, 100), &f.assigned_to_name),
        enterprise: f.enterprise_name,
        due: Some(f.due_on),
        overdue: f.due_on < today,
        href: format!("/disputes/{}#follow-ups", f.dispute_id),
    }
}

/// Follow-ups assigned to this officer, not yet done, due within the next
/// seven days or overdue.
pub async fn due_for_officer(
    db: &PgPool,
    station: StationScope,
    officer: UserId,
    today: NaiveDate,
    lang: Lang,
) -> sqlx::Result<Vec<OpenItem>> {
    let threshold = mass_threshold(db).await?;
    let until = today + chrono::Duration::days(7);
    let rows = queries::pending_for_officer(db, station, officer, until).await?;
    Ok(rows
        .into_iter()
        .map(|f| follow_up_item(f, today, threshold, lang))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alerts_join_mass_and_status() {
        assert_eq!(
            alert_text(Lang::Zh, true, Some(Status::Mediating)).as_deref(),
            Some("群体性 · 调解中")
        );
        assert_eq!(alert_text(Lang::En, false, None), None);
        assert_eq!(alert_text(Lang::En, true, None).as_deref(), Some("Mass"));
    }
}
