//! CSV import of an enterprise register: upload, check every row, show the
//! result, and write only what the user then chooses — all rows (when all
//! are valid) or only the valid ones. Nothing is written before that choice.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::model::{EnterpriseForm, EnterpriseInput, Industry, KIND};
use super::queries::{self, OfficerName};
use super::text::{EnterpriseText, text};
use crate::AppState;
use crate::audit::{self, Event};
use crate::auth::StationUser;
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::ids::ImportId;
use crate::web::{Flash, IdPath, PageCtx, RequestCtx};

/// Most data rows one file may hold.
pub(super) const MAX_ROWS: usize = 5000;

/// The columns, by field: the accepted headers (Chinese, English).
const COLUMNS: [(&str, &str, &str, bool); 10] = [
    ("name", "企业名称", "name", true),
    ("credit_code", "统一社会信用代码", "credit_code", true),
    ("industry_code", "行业", "industry", true),
    ("address", "地址", "address", true),
    ("legal_rep", "法定代表人", "legal_rep", true),
    (
        "security_manager",
        "安全保卫负责人",
        "security_manager",
        true,
    ),
    ("security_phone", "负责人电话", "security_phone", true),
    ("employee_count", "员工人数", "employee_count", true),
    ("liaison_officer_id", "联络民警", "liaison", false),
    ("status", "状态", "status", false),
];

/// One problem in one cell (or with the whole row when `column` is 0).
#[derive(Debug, Clone)]
pub(super) struct CellError {
    pub line: usize,
    pub column: usize,
    pub column_name: String,
    pub message: String,
}

#[derive(Debug, Default)]
pub(super) struct Checked {
    pub valid: Vec<EnterpriseInput>,
    pub invalid_rows: usize,
    pub errors: Vec<CellError>,
    /// A problem with the file as a whole (no header, too many rows…).
    pub file_error: Option<String>,
}

fn norm(s: &str) -> String {
    s.trim().trim_start_matches('\u{feff}').to_lowercase()
}

/// Check every row of an uploaded file against the station's data.
pub(super) fn check(
    rows: &[Vec<String>],
    lang: Lang,
    industries: &[Industry],
    officers: &[OfficerName],
    existing_codes: &HashMap<String, String>,
) -> Checked {
    let t = text(lang);
    let mut out = Checked::default();
    let Some((header, data)) = rows.split_first() else {
        out.file_error = Some(t.import_err_empty.to_owned());
        return out;
    };
    let data: Vec<&Vec<String>> = data
        .iter()
        .filter(|r| r.iter().any(|c| !c.trim().is_empty()))
        .collect();
    if data.is_empty() {
        out.file_error = Some(t.import_err_empty.to_owned());
        return out;
    }
    if data.len() > MAX_ROWS {
        out.file_error = Some((t.import_err_too_many)(MAX_ROWS));
        return out;
    }
    // field -> column index
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (field, zh, en, required) in COLUMNS {
        match header
            .iter()
            .position(|h| norm(h) == norm(zh) || norm(h) == norm(en))
        {
            Some(i) => {
                index.insert(field, i);
            }
            None if required => {
                let name = match lang {
                    Lang::Zh => zh,
                    Lang::En => en,
                };
                out.file_error = Some((t.import_err_header)(name));
                return out;
            }
            None => {}
        }
    }
    let officer_ids: Vec<i64> = officers.iter().map(|o| o.user_id).collect();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (n, row) in rows.iter().enumerate().skip(1) {
        if !row.iter().any(|c| !c.trim().is_empty()) {
            continue;
        }
        let line = n + 1;
        let cell = |field: &str| -> String {
            index
                .get(field)
                .and_then(|i| row.get(*i))
                .map(|c| c.trim().to_owned())
                .unwrap_or_default()
        };
        let mut row_errors: Vec<(&str, String)> = Vec::new();
        let industry_raw = cell("industry_code");
        let industry = industries.iter().find(|i| {
            norm(&i.code) == norm(&industry_raw)
                || norm(&i.name) == norm(&industry_raw)
                || norm(&i.name_en) == norm(&industry_raw)
        });
        if industry.is_none() && !industry_raw.is_empty() {
            row_errors.push(("industry_code", t.import_err_unknown_industry.to_owned()));
        }
        let liaison_raw = cell("liaison_officer_id");
        let liaison = officers
            .iter()
            .find(|o| o.username == liaison_raw.to_lowercase() || o.display_name == liaison_raw);
        if liaison.is_none() && !liaison_raw.is_empty() {
            row_errors.push((
                "liaison_officer_id",
                t.import_err_unknown_officer.to_owned(),
            ));
        }
        let status_raw = cell("status");
        let status = match norm(&status_raw).as_str() {
            "" | "active" | "在营" => "active",
            "closed" | "已关闭" | "关闭" => "closed",
            _ => {
                row_errors.push(("status", t.import_err_unknown_status.to_owned()));
                "active"
            }
        };
        let form = EnterpriseForm {
            name: cell("name"),
            credit_code: cell("credit_code"),
            industry_code: industry
                .map(|i| i.code.clone())
                .unwrap_or_else(|| industry_raw.clone()),
            address: cell("address"),
            legal_rep: cell("legal_rep"),
            security_manager: cell("security_manager"),
            security_phone: cell("security_phone"),
            employee_count: cell("employee_count"),
            liaison_officer_id: liaison.map(|o| o.user_id.to_string()).unwrap_or_default(),
            status: status.to_owned(),
            ..EnterpriseForm::default()
        };
        let result = form.validate(lang, industries, &officer_ids);
        let input = match result {
            Ok(input) => Some(input),
            Err(errors) => {
                for (field, _, _, _) in COLUMNS {
                    if let Some(message) = errors.get(field)
                        && !row_errors.iter().any(|(f, _)| *f == field)
                    {
                        row_errors.push((field, message.to_owned()));
                    }
                }
                None
            }
        };
        if let Some(input) = &input {
            let code = input.credit_code.as_str().to_owned();
            if let Some(first) = seen.get(&code) {
                row_errors.push(("credit_code", (t.import_err_duplicate_in_file)(*first)));
            } else if let Some(holder) = existing_codes.get(&code) {
                row_errors.push(("credit_code", (t.err_code_taken)(holder)));
            }
            seen.entry(code).or_insert(line);
        }
        if row_errors.is_empty()
            && let Some(input) = input
        {
            out.valid.push(input);
            continue;
        }
        out.invalid_rows += 1;
        for (field, message) in row_errors {
            let column = index.get(field).map_or(0, |i| i + 1);
            let column_name = index
                .get(field)
                .and_then(|i| header.get(*i))
                .map(|h| h.trim().trim_start_matches('\u{feff}').to_owned())
                .unwrap_or_default();
            out.errors.push(CellError {
                line,
                column,
                column_name,
                message,
            });
        }
    }
    out.errors.sort_by_key(|e| (e.line, e.column));
    out
}

#[derive(Template, WebTemplate)]
#[template(path = "enterprises/import.html")]
pub(super) struct UploadPage {
    ctx: PageCtx,
    tx: &'static EnterpriseText,
    error: Option<String>,
}

pub(super) async fn upload_form(ctx: PageCtx, _me: StationUser) -> UploadPage {
    UploadPage {
        tx: text(ctx.lang),
        ctx,
        error: None,
    }
}

pub(super) async fn upload(
    State(state): State<AppState>,
    req: RequestCtx,
    me: StationUser,
    mut upload: crate::web::upload::Upload,
) -> AppResult<Response> {
    let t = text(req.lang);
    let refuse = |message: String| {
        let page = UploadPage {
            ctx: PageCtx::new(&req),
            tx: t,
            error: Some(message),
        };
        Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
    };
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        let Some(field) = upload.next_field().await? else {
            break;
        };
        if field.name() == Some("file") {
            let filename: String = field
                .file_name()
                .unwrap_or("upload.csv")
                .chars()
                .filter(|c| !c.is_control())
                .take(100)
                .collect();
            let bytes = field
                .bytes()
                .await
                .map_err(|e| crate::web::upload::error(&e))?;
            file = Some((filename, bytes.to_vec()));
        }
    }
    let Some((filename, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return refuse(t.import_err_no_file.to_owned());
    };
    let rows = match crate::web::csv::read(&bytes) {
        Ok(rows) => rows,
        Err(crate::web::csv::ReadError::NotUtf8) => {
            return refuse(t.import_err_not_utf8.to_owned());
        }
        Err(crate::web::csv::ReadError::Malformed { line }) => {
            return refuse((t.import_err_malformed)(line));
        }
        Err(crate::web::csv::ReadError::ControlChar { line, column }) => {
            return refuse((t.import_err_control)(line, column));
        }
    };
    if rows.len() > MAX_ROWS + 1 {
        return refuse((t.import_err_too_many)(MAX_ROWS));
    }
    let json = serde_json::to_value(&rows).map_err(|e| AppError::Internal(e.into()))?;
    let id = queries::stage_import(&state.db, me.scope, me.user.id(), &filename, &json).await?;
    Ok(Redirect::to(&format!("/enterprises/import/{id}")).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "enterprises/import_preview.html")]
pub(super) struct PreviewPage {
    ctx: PageCtx,
    tx: &'static EnterpriseText,
    import_id: i64,
    filename: String,
    checked: Checked,
    notice: Option<&'static str>,
}

impl PreviewPage {
    fn summary(&self) -> String {
        (self.tx.import_summary)(self.checked.valid.len(), self.checked.invalid_rows)
    }

    fn all_label(&self) -> String {
        (self.tx.import_all)(self.checked.valid.len())
    }

    fn valid_label(&self) -> String {
        (self.tx.import_valid_only)(self.checked.valid.len())
    }

    fn all_valid_text(&self) -> String {
        (self.tx.import_all_valid)(self.checked.valid.len())
    }
}

async fn check_staged(
    state: &AppState,
    conn: &mut sqlx::PgConnection,
    me: &StationUser,
    id: ImportId,
    lang: Lang,
) -> AppResult<Option<(String, Checked)>> {
    let Some(staged) = queries::staged_import(conn, me.scope, me.user.id(), id).await? else {
        return Ok(None);
    };
    let rows: Vec<Vec<String>> =
        serde_json::from_value(staged.rows).map_err(|e| AppError::Internal(e.into()))?;
    let industries = queries::industries(&state.db).await?;
    let officers = queries::officer_names(&state.db, me.scope).await?;
    let existing: HashMap<String, String> = queries::station_codes(&state.db, me.scope)
        .await?
        .into_iter()
        .collect();
    Ok(Some((
        staged.filename,
        check(&rows, lang, &industries, &officers, &existing),
    )))
}

pub(super) async fn preview(
    State(state): State<AppState>,
    ctx: PageCtx,
    me: StationUser,
    IdPath(id): IdPath<ImportId>,
) -> AppResult<Response> {
    let mut conn = state.db.acquire().await?;
    let Some((filename, checked)) = check_staged(&state, &mut conn, &me, id, ctx.lang).await?
    else {
        return Err(AppError::NotFound);
    };
    let status = if checked.file_error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = PreviewPage {
        tx: text(ctx.lang),
        ctx,
        import_id: id.get(),
        filename,
        checked,
        notice: None,
    };
    Ok((status, page).into_response())
}

#[derive(Debug, Deserialize)]
pub(super) struct ConfirmForm {
    #[serde(default)]
    mode: String,
}

pub(super) async fn confirm(
    State(state): State<AppState>,
    req: RequestCtx,
    me: StationUser,
    IdPath(id): IdPath<ImportId>,
    Form(form): Form<ConfirmForm>,
) -> AppResult<Response> {
    let t = text(req.lang);
    let mut tx = state.db.begin().await?;
    let Some((filename, checked)) = check_staged(&state, &mut tx, &me, id, req.lang).await? else {
        return Err(AppError::NotFound);
    };
    if form.mode == "cancel" {
        queries::drop_import(&mut tx, me.scope, id).await?;
        tx.commit().await?;
        return Ok(Redirect::to("/enterprises/import").into_response());
    }
    let allowed = match form.mode.as_str() {
        "all" => checked.file_error.is_none() && checked.invalid_rows == 0,
        "valid" => checked.file_error.is_none() && !checked.valid.is_empty(),
        _ => false,
    };
    if !allowed {
        drop(tx);
        let page = PreviewPage {
            ctx: PageCtx::new(&req),
            tx: t,
            import_id: id.get(),
            filename,
            checked,
            notice: Some(t.import_changed),
        };
        return Ok((StatusCode::CONFLICT, page).into_response());
    }
    let ids = queries::insert_many(&mut tx, me.scope, &checked.valid).await?;
    queries::drop_import(&mut tx, me.scope, id).await?;
    let summary = format!(
        "{filename}: {} imported, {} rows skipped",
        ids.len(),
        checked.invalid_rows
    );
    let event = Event::by(&me.user, &req, "enterprise.import", KIND.entity, None).with(&summary);
    audit::commit(tx, event, "/enterprises?sort=updated", Flash::Saved).await
}
