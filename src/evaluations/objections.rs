//! Objections to a published level: recorded by an officer within the
//! policy's days, "under review" until the chief decides; a changed level
//! is published as a revision with its reason.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use sqlx::PgPool;

use super::{AssessmentPage, load_assessment, service, text};
use crate::AppState;
use crate::audit::Event;
use crate::auth::{Chief, Role, StationUser};
use crate::error::{AppError, AppResult};
use crate::level::Level;
use crate::web::form::{FieldErrors, Fields};
use crate::web::record::today;
use crate::web::{Flash, PageCtx, RequestCtx, parse_id};

#[derive(Debug, Clone)]
pub struct Objection {
    pub objection_id: i64,
    pub received_on: NaiveDate,
    pub grounds: String,
    pub recorded_by_name: String,
    pub status: String,
    pub decided_level: Option<Level>,
    pub decision_reason: Option<String>,
    pub decided_by_name: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
}

pub async fn for_assessment(
    db: &PgPool,
    station_id: i64,
    assessment_id: i64,
) -> sqlx::Result<Vec<Objection>> {
    sqlx::query_as!(
        Objection,
        r#"select o.objection_id, o.received_on, o.grounds, r.display_name as recorded_by_name,
                  o.status::text as "status!", o.decided_level as "decided_level: Level",
                  o.decision_reason, d.display_name as "decided_by_name?", o.decided_at
           from objection o
           join app_user r on r.user_id = o.recorded_by
           left join app_user d on d.user_id = o.decided_by
           where o.station_id = $1 and o.assessment_id = $2
           order by o.objection_id"#,
        station_id,
        assessment_id
    )
    .fetch_all(db)
    .await
}

#[derive(Debug, Deserialize)]
pub struct ObjectionForm {
    #[serde(default)]
    received_on: String,
    #[serde(default)]
    grounds: String,
}

/// The assessment page again, with `errors`. `who` is (station, is chief),
/// `at` the path's (quarter, enterprise id).
async fn rerender(
    state: &AppState,
    req: &RequestCtx,
    who: (i64, bool),
    at: (&str, &str),
    errors: FieldErrors,
    status: StatusCode,
) -> AppResult<Response> {
    let ((station_id, is_chief), (quarter, enterprise_id)) = (who, at);
    let (evaluation, a, reasons, history) =
        load_assessment(state, station_id, quarter, enterprise_id).await?;
    let objections = for_assessment(&state.db, station_id, a.assessment_id).await?;
    let page = AssessmentPage {
        ctx: PageCtx::new(req),
        tx: text(req.lang),
        form_level: String::new(),
        form_reason: String::new(),
        evaluation,
        a,
        reasons,
        history,
        objections,
        // The form stays in view after a refused attempt, with its message.
        objection_open: true,
        is_chief,
        errors,
    };
    let html = page.render().map_err(|e| AppError::Internal(e.into()))?;
    Ok((status, axum::response::Html(html)).into_response())
}

/// An officer records an enterprise's objection.
pub async fn create(
    State(state): State<AppState>,
    req: RequestCtx,
    me: StationUser,
    Path((quarter, enterprise_id)): Path<(String, String)>,
    Form(form): Form<ObjectionForm>,
) -> AppResult<Response> {
    let (evaluation, a, _, _) =
        load_assessment(&state, me.scope.id(), &quarter, &enterprise_id).await?;
    let t = text(req.lang);
    let f = Fields::new(req.lang);
    let day = today(&state.clock);
    let mut errors = FieldErrors::new();
    let received_on = errors.check("received_on", f.date(&form.received_on));
    let grounds = errors.check("grounds", f.text(&form.grounds, 2000));
    let is_chief = me.user.role == Role::Chief;
    let Some(published_at) = evaluation.published_at.filter(|_| evaluation.published) else {
        errors.add("objection", t.err_objection_unpublished);
        return rerender(
            &state,
            &req,
            (me.scope.id(), is_chief),
            (&quarter, &enterprise_id),
            errors,
            StatusCode::CONFLICT,
        )
        .await;
    };
    let mut conn = state.db.acquire().await?;
    let policy = service::policy_of_evaluation(&mut conn, evaluation.evaluation_id)
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!(e.to_string())))?;
    drop(conn);
    let published_on = (published_at + chrono::Duration::hours(8)).date_naive();
    let last_day = published_on + chrono::Duration::days(i64::from(policy.objection_days));
    if let Some(d) = received_on {
        if d > day {
            errors.add("received_on", t.err_future_date);
        } else if d < published_on || d > last_day {
            errors.add(
                "received_on",
                (t.err_objection_window)(policy.objection_days, &last_day.to_string()),
            );
        }
    }
    let (Some(received_on), Some(grounds)) = (received_on, grounds) else {
        return rerender(
            &state,
            &req,
            (me.scope.id(), is_chief),
            (&quarter, &enterprise_id),
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    if !errors.is_empty() {
        return rerender(
            &state,
            &req,
            (me.scope.id(), is_chief),
            (&quarter, &enterprise_id),
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let mut tx = state.db.begin().await?;
    let id = sqlx::query_scalar!(
        "insert into objection (station_id, assessment_id, received_on, grounds, recorded_by)
         values ($1, $2, $3, $4, $5) returning objection_id",
        me.scope.id(),
        a.assessment_id,
        received_on,
        grounds,
        me.user.user_id
    )
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query!(
        "update assessment set under_review = true where assessment_id = $1",
        a.assessment_id
    )
    .execute(&mut *tx)
    .await?;
    let summary = format!(
        "{} {}: {}",
        evaluation.quarter,
        a.name,
        crate::web::record::snippet(&grounds, 100)
    );
    let event = Event {
        summary: &summary,
        ..Event::by(&me.user, &req, "objection.create", "objection", Some(id))
    };
    crate::web::record::commit_audited(
        tx,
        event,
        &format!("/evaluations/{quarter}/{}", a.enterprise_id),
        Flash::Saved,
    )
    .await
}

#[derive(Debug, Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    level: String,
    #[serde(default)]
    reason: String,
}

/// The chief decides an objection; a changed level is published as a
/// revision of the evaluation, with the reason.
pub async fn decide(
    State(state): State<AppState>,
    req: RequestCtx,
    me: Chief,
    Path((quarter, enterprise_id, objection_id)): Path<(String, String, String)>,
    Form(form): Form<DecisionForm>,
) -> AppResult<Response> {
    let objection_id = parse_id(&objection_id)?;
    let (evaluation, a, _, _) =
        load_assessment(&state, me.scope.id(), &quarter, &enterprise_id).await?;
    let t = text(req.lang);
    let f = Fields::new(req.lang);
    let mut errors = FieldErrors::new();
    let upheld = match form.decision.as_str() {
        "upheld" => Some(true),
        "rejected" => Some(false),
        _ => {
            errors.add("decision", req.lang.t().err_choice);
            None
        }
    };
    let level = if upheld == Some(true) {
        match Level::parse(form.level.trim()) {
            Some(l) if Some(l) != a.final_level => Some(l),
            Some(_) => {
                errors.add("decided_level", t.err_same_level);
                None
            }
            None => {
                errors.add("decided_level", req.lang.t().err_choice);
                None
            }
        }
    } else {
        None
    };
    let reason = errors.check("decision_reason", f.text(&form.reason, 500));
    let mut tx = state.db.begin().await?;
    let open = sqlx::query_scalar!(
        r#"select status = 'open' as "open!" from objection
           where objection_id = $1 and station_id = $2 and assessment_id = $3 for update"#,
        objection_id,
        me.scope.id(),
        a.assessment_id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::NotFound)?;
    if !open {
        errors.add("objection", t.err_objection_decided);
    }
    let (Some(upheld), Some(reason)) = (upheld, reason) else {
        drop(tx);
        return rerender(
            &state,
            &req,
            (me.scope.id(), true),
            (&quarter, &enterprise_id),
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    if !errors.is_empty() {
        drop(tx);
        let status = if open {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::CONFLICT
        };
        return rerender(
            &state,
            &req,
            (me.scope.id(), true),
            (&quarter, &enterprise_id),
            errors,
            status,
        )
        .await;
    }
    sqlx::query!(
        "update objection set status = $2::text::objection_status, decided_level = $3,
                decision_reason = $4, decided_by = $5, decided_at = now()
         where objection_id = $1",
        objection_id,
        if upheld { "upheld" } else { "rejected" },
        level as Option<Level>,
        reason,
        me.user.user_id
    )
    .execute(&mut *tx)
    .await?;
    let still_open = sqlx::query_scalar!(
        r#"select exists(select 1 from objection where assessment_id = $1 and status = 'open') as "open!""#,
        a.assessment_id
    )
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query!(
        "update assessment set under_review = $2 where assessment_id = $1",
        a.assessment_id,
        still_open
    )
    .execute(&mut *tx)
    .await?;
    if let Some(level) = level {
        // The changed level is a revision of the published evaluation.
        let movement = service::movement(a.previous_level.map(Level::code), Some(level.code()));
        sqlx::query!(
            "update assessment set override_level = $2, override_reason = $3, override_by = $4,
                    override_at = now(), final_level = $2, movement = $5, version = version + 1
             where assessment_id = $1",
            a.assessment_id,
            level as Level,
            reason,
            me.user.user_id,
            movement
        )
        .execute(&mut *tx)
        .await?;
        let revision = sqlx::query_scalar!(
            "update evaluation set revision = revision + 1, version = version + 1
             where evaluation_id = $1 returning revision",
            evaluation.evaluation_id
        )
        .fetch_one(&mut *tx)
        .await?;
        let revision_reason = format!("{}: {reason}", a.name);
        sqlx::query!(
            "insert into evaluation_revision (station_id, evaluation_id, revision, reason, by_user)
             values ($1, $2, $3, $4, $5)",
            me.scope.id(),
            evaluation.evaluation_id,
            revision,
            revision_reason,
            me.user.user_id
        )
        .execute(&mut *tx)
        .await?;
        let quarter_value =
            crate::scoring::Quarter::parse(&evaluation.quarter).ok_or(AppError::NotFound)?;
        let later = sqlx::query_scalar!(
            r#"select exists(select 1 from evaluation where station_id = $1 and status = 'published'
                             and quarter > $2) as "later!""#,
            me.scope.id(),
            quarter_value.to_string()
        )
        .fetch_one(&mut *tx)
        .await?;
        if !later {
            sqlx::query!(
                "update enterprise set current_level = $2 where enterprise_id = $1 and station_id = $3",
                a.enterprise_id,
                level as Level,
                me.scope.id()
            )
            .execute(&mut *tx)
            .await?;
        }
        // The revision goes to the departments whose lists it changes.
        crate::pushes::write_pushes(
            &mut tx,
            evaluation.evaluation_id,
            revision,
            &revision_reason,
            me.user.user_id,
            state.clock.now(),
        )
        .await?;
    }
    let code = |l: Option<Level>| l.map_or("unrated", Level::code).to_owned();
    let summary = match level {
        Some(l) => format!(
            "{} {}: upheld, {} → {} ({reason})",
            evaluation.quarter,
            a.name,
            code(a.final_level),
            l.code()
        ),
        None => format!("{} {}: rejected ({reason})", evaluation.quarter, a.name),
    };
    let event = Event {
        summary: &summary,
        ..Event::by(
            &me.user,
            &req,
            "objection.decide",
            "objection",
            Some(objection_id),
        )
    };
    crate::web::record::commit_audited(
        tx,
        event,
        &format!("/evaluations/{quarter}/{}", a.enterprise_id),
        Flash::Saved,
    )
    .await
}
