//! The register's pages: the list (search, filters, sorting, CSV export),
//! new, edit and delete. The enterprise's own page is `profile`'s.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use sqlx::PgPool;

use super::model::{Enterprise, EnterpriseForm, Industry, KIND};
use super::queries::{self, Filter};
use super::text::{EnterpriseText, text};
use crate::AppState;
use crate::audit::{self, Event};
use crate::auth::{Chief, StationScope, StationUser};
use crate::db::DbConflict;
use crate::error::{AppError, AppResult};
use crate::ids::EnterpriseId;
use crate::level::{self, Level};
use crate::records::{self, Write};
use crate::users::Officer;
use crate::web::form::{self, FieldErrors};
use crate::web::paging::{Paging, code_param, like_pattern, query_string, search_text};
use crate::web::{IdPath, PageCtx, RequestCtx};

/// The unique key that holds one credit code per station.
const CREDIT_CODE_KEY: &str = "enterprise_station_credit_code_key";

/// What the form lets the user choose from.
#[derive(Debug, Clone)]
struct Choices {
    industries: Vec<Industry>,
    officers: Vec<Officer>,
}

impl Choices {
    async fn load(db: &PgPool, station: StationScope) -> AppResult<Choices> {
        Ok(Choices {
            industries: queries::industries(db).await?,
            officers: crate::users::officers(db, station).await?,
        })
    }

    fn officer_ids(&self) -> Vec<i64> {
        self.officers.iter().map(|o| o.user_id).collect()
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "enterprises/form.html")]
pub(super) struct FormPage {
    ctx: PageCtx,
    tx: &'static EnterpriseText,
    enterprise_id: Option<i64>,
    form: EnterpriseForm,
    errors: FieldErrors,
    conflict: Option<Enterprise>,
    industries: Vec<Industry>,
    officers: Vec<Officer>,
}

impl FormPage {
    fn new(
        ctx: PageCtx,
        id: Option<EnterpriseId>,
        form: EnterpriseForm,
        choices: Choices,
    ) -> FormPage {
        FormPage {
            tx: text(ctx.lang),
            ctx,
            enterprise_id: id.map(EnterpriseId::get),
            form,
            errors: FieldErrors::new(),
            conflict: None,
            industries: choices.industries,
            officers: choices.officers,
        }
    }

    /// The page again, with what is wrong (and the saved record).
    fn refused(
        mut self,
        status: StatusCode,
        errors: FieldErrors,
        conflict: Option<Enterprise>,
    ) -> Response {
        self.errors = errors;
        self.conflict = conflict;
        (status, self).into_response()
    }

    /// The page again, saying which enterprise holds the credit code.
    fn code_taken(self, status: StatusCode, holder: &str) -> Response {
        let mut errors = FieldErrors::new();
        errors.add("credit_code", (self.tx.err_code_taken)(holder));
        self.refused(status, errors, None)
    }

    fn industry_label(&self, code: &str) -> String {
        self.industries
            .iter()
            .find(|i| i.code == code)
            .map(|i| i.name_in(self.ctx.lang).to_owned())
            .unwrap_or_default()
    }
}

/// The station's enterprise `id` as record pages name it, or a 404: every
/// record route of an enterprise starts here.
pub async fn brief_or_not_found(
    db: &PgPool,
    station: StationScope,
    id: EnterpriseId,
) -> AppResult<super::EnterpriseBrief> {
    queries::brief(db, station, id)
        .await?
        .ok_or(AppError::NotFound)
}

async fn enterprise(db: &PgPool, station: StationScope, id: EnterpriseId) -> AppResult<Enterprise> {
    queries::get(db, station, id)
        .await?
        .ok_or(AppError::NotFound)
}

pub(super) async fn new_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: StationUser,
) -> AppResult<FormPage> {
    let form = EnterpriseForm {
        form_token: form::new_form_token(),
        status: "active".into(),
        ..EnterpriseForm::default()
    };
    let choices = Choices::load(&state.db, me.scope).await?;
    Ok(FormPage::new(ctx, None, form, choices))
}

/// The enterprise that holds the code after a write hit the station's
/// unique key: another registration committed first while this one waited.
async fn clash_holder(
    db: &PgPool,
    station: StationScope,
    err: &sqlx::Error,
    code: &str,
    except: Option<EnterpriseId>,
) -> AppResult<Option<String>> {
    match DbConflict::of(err) {
        Some(conflict) if conflict.constraint == CREDIT_CODE_KEY => {
            let holder = queries::holder_of_code(db, station, code, except).await?;
            Ok(Some(holder.unwrap_or_default()))
        }
        _ => Ok(None),
    }
}

pub(super) async fn create(
    State(state): State<AppState>,
    req: RequestCtx,
    me: StationUser,
    Form(form): Form<EnterpriseForm>,
) -> AppResult<Response> {
    let choices = Choices::load(&state.db, me.scope).await?;
    let input = match records::new_input(
        &form.form_token,
        form.validate(req.lang, &choices.industries, &choices.officer_ids()),
        req.lang,
    ) {
        Ok(input) => input,
        Err(errors) => {
            let page = FormPage::new(PageCtx::new(&req), None, form, choices);
            return Ok(page.refused(StatusCode::UNPROCESSABLE_ENTITY, errors, None));
        }
    };
    let token = form.form_token.clone();
    let code = input.credit_code.as_str();
    records::create(&state, &req, &me, KIND, &token, async |tx| {
        let page = || FormPage::new(PageCtx::new(&req), None, form.clone(), choices.clone());
        if let Some(holder) = queries::holder_of_code(&mut *tx, me.scope, code, None).await? {
            let answer = page().code_taken(StatusCode::UNPROCESSABLE_ENTITY, &holder);
            return Ok(Write::Answer(answer));
        }
        match queries::insert(tx, me.scope, &input).await {
            Ok(id) => Ok(Write::Done((id.get(), input.summary()))),
            Err(err) => match clash_holder(&state.db, me.scope, &err, code, None).await? {
                Some(holder) => Ok(Write::Answer(
                    page().code_taken(StatusCode::CONFLICT, &holder),
                )),
                None => Err(err.into()),
            },
        }
    })
    .await
}

pub(super) async fn edit_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: StationUser,
    IdPath(id): IdPath<EnterpriseId>,
) -> AppResult<FormPage> {
    let e = enterprise(&state.db, me.scope, id).await?;
    let choices = Choices::load(&state.db, me.scope).await?;
    Ok(FormPage::new(
        ctx,
        Some(id),
        EnterpriseForm::from_enterprise(&e),
        choices,
    ))
}

pub(super) async fn update(
    State(state): State<AppState>,
    req: RequestCtx,
    me: StationUser,
    IdPath(id): IdPath<EnterpriseId>,
    Form(form): Form<EnterpriseForm>,
) -> AppResult<Response> {
    let current = enterprise(&state.db, me.scope, id).await?;
    let choices = Choices::load(&state.db, me.scope).await?;
    let page =
        |form: EnterpriseForm| FormPage::new(PageCtx::new(&req), Some(id), form, choices.clone());
    let input = match form.validate(req.lang, &choices.industries, &choices.officer_ids()) {
        Ok(input) => input,
        Err(errors) => {
            return Ok(page(form).refused(StatusCode::UNPROCESSABLE_ENTITY, errors, None));
        }
    };
    let version = records::version(&form.version);
    let code = input.credit_code.as_str();
    records::update(&state, &req, &me, KIND, id.get(), async |tx| {
        if let Some(holder) = queries::holder_of_code(&mut *tx, me.scope, code, Some(id)).await? {
            let answer = page(form).code_taken(StatusCode::UNPROCESSABLE_ENTITY, &holder);
            return Ok(Write::Answer(answer));
        }
        let saved = match queries::update(tx, me.scope, id, version, &input).await {
            Ok(saved) => saved,
            Err(err) => {
                return match clash_holder(&state.db, me.scope, &err, code, Some(id)).await? {
                    Some(holder) => Ok(Write::Answer(
                        page(form).code_taken(StatusCode::CONFLICT, &holder),
                    )),
                    None => Err(err.into()),
                };
            }
        };
        if saved {
            return Ok(Write::Done(input.changes(&current)));
        }
        // Someone saved first: keep what this user typed, show what is
        // saved, and let a second save (with the current version) go through.
        let mut errors = FieldErrors::new();
        errors.add("form", req.lang.t().err_conflict);
        let form = EnterpriseForm {
            version: current.version.to_string(),
            ..form
        };
        Ok(Write::Answer(page(form).refused(
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
    IdPath(id): IdPath<EnterpriseId>,
) -> AppResult<Response> {
    records::delete(&state, &req, &me, KIND, id.get(), async |tx| {
        Ok(queries::soft_delete(tx, me.scope, id, me.user.id())
            .await?
            .map(|(name, code)| (KIND.path.to_owned(), format!("{name} {code}"))))
    })
    .await
}

/// The list's query string, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub(super) struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    industry: String,
    #[serde(default)]
    level: String,
    #[serde(default)]
    liaison: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    sort: String,
    #[serde(default)]
    page: Option<String>,
}

impl ListQuery {
    /// Unknown values filter nothing rather than failing.
    fn filter(&self) -> Filter {
        let level = match self.level.as_str() {
            "green" | "yellow" | "red" | "unrated" => self.level.clone(),
            _ => String::new(),
        };
        let status = match self.status.as_str() {
            "closed" | "all" => self.status.clone(),
            _ => "active".to_owned(),
        };
        let sort = match self.sort.as_str() {
            "code" | "employees" | "level" | "updated" => self.sort.clone(),
            _ => "name".to_owned(),
        };
        Filter {
            text: search_text(&self.q),
            pattern: like_pattern(&self.q),
            industry: code_param(&self.industry),
            level,
            liaison: self.liaison.trim().parse().ok(),
            status,
            sort,
        }
    }

    fn query_string(&self) -> String {
        query_string(&[
            ("q", self.q.trim()),
            ("industry", &self.industry),
            ("level", &self.level),
            ("liaison", &self.liaison),
            ("status", &self.status),
            ("sort", &self.sort),
        ])
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "enterprises/list.html")]
pub(super) struct ListPage {
    ctx: PageCtx,
    tx: &'static EnterpriseText,
    enterprises: Vec<Enterprise>,
    query: ListQuery,
    paging: Paging,
    industries: Vec<Industry>,
    officers: Vec<Officer>,
    export_query: String,
}

impl ListPage {
    fn badge(&self, level: &Option<Level>) -> level::Badge {
        level::badge(*level, self.ctx.lang)
    }

    fn levels(&self) -> Vec<(&'static str, &'static str)> {
        let t = self.ctx.t;
        vec![
            ("red", t.level_red),
            ("yellow", t.level_yellow),
            ("green", t.level_green),
            ("unrated", t.level_unrated),
        ]
    }

    fn results_label(&self) -> String {
        (self.tx.results)(self.paging.total)
    }

    fn sorts(&self) -> Vec<(&'static str, &'static str)> {
        let t = self.tx;
        vec![
            ("name", t.sort_name),
            ("code", t.sort_code),
            ("employees", t.sort_employees),
            ("level", t.sort_level),
            ("updated", t.sort_updated),
        ]
    }
}

const PER_PAGE: i64 = 25;

pub(super) async fn list(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: StationUser,
    Query(query): Query<ListQuery>,
) -> AppResult<ListPage> {
    let filter = query.filter();
    let total = queries::count(&state.db, me.scope, &filter).await?;
    let paging = Paging::new(
        Paging::parse_page(query.page.as_deref()),
        PER_PAGE,
        total,
        query.query_string(),
    );
    let enterprises =
        queries::list(&state.db, me.scope, &filter, PER_PAGE, paging.offset()).await?;
    let choices = Choices::load(&state.db, me.scope).await?;
    Ok(ListPage {
        tx: text(ctx.lang),
        ctx,
        enterprises,
        export_query: query.query_string(),
        query,
        paging,
        industries: choices.industries,
        officers: choices.officers,
    })
}

/// The filtered list as CSV (UTF-8 with BOM, formulas neutralised).
pub(super) async fn export(
    State(state): State<AppState>,
    req: RequestCtx,
    me: StationUser,
    Query(query): Query<ListQuery>,
) -> AppResult<Response> {
    let lang = req.lang;
    let t = text(lang);
    let filter = query.filter();
    let rows = queries::list(&state.db, me.scope, &filter, 200_000, 0).await?;
    let headers = [
        t.name,
        t.credit_code,
        t.industry,
        t.address,
        t.legal_rep,
        t.security_manager,
        t.security_phone,
        t.employee_count,
        t.liaison_officer,
        t.status,
        lang.t().level,
    ];
    let body = crate::web::csv::write(
        &headers,
        rows.into_iter().map(|e| {
            let industry = e.industry_in(lang).to_owned();
            vec![
                e.name,
                e.credit_code,
                industry,
                e.address,
                e.legal_rep,
                e.security_manager,
                e.security_phone,
                e.employee_count.to_string(),
                e.liaison_name.unwrap_or_default(),
                e.status.label(lang).to_owned(),
                level::badge(e.current_level, lang).label.to_owned(),
            ]
        }),
    );
    let query_text = query.query_string();
    let event = Event::by(&me.user, &req, "enterprise.export", KIND.entity, None).with(&query_text);
    let mut conn = state.db.acquire().await?;
    audit::record(&mut conn, event).await?;
    let filename = format!("enterprises-{}.csv", state.clock.today());
    Ok(crate::web::csv::download(&filename, body))
}
