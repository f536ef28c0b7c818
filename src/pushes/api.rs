//! The read-only JSON API for partner systems, under `/api/v1/`.
//!
//! A partner system authenticates with one of its department's API tokens
//! (`Authorization: Bearer …`, looked up by hash) and reads that
//! department's pushes and their enterprises — nothing else: every query
//! takes the department, so another department's push is simply not found.
//! Everything answered here is JSON, errors included
//! (`{"error":{"code":…,"message":…}}`), and is described by the OpenAPI
//! document served at `/api/v1/openapi.json`.
//!
//! The push and enterprise objects are built by [`push`], [`pushes`] and
//! [`enterprises`]; the webhook deliveries send the very same objects.

use axum::Router;
use axum::extract::{FromRequestParts, RawQuery, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;

use crate::AppState;
use crate::auth::DepartmentScope;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::ids::DepartmentId;
use crate::ids::PushId;
use crate::level::Level;
use crate::web::IdPath;
use crate::web::request_lang;

use super::queries::api::{self as queries, ItemRow, PushRow};
use super::token;

/// Items per page unless `per_page` says otherwise.
pub const PER_PAGE_DEFAULT: i64 = 50;
/// The largest `per_page` accepted.
pub const PER_PAGE_MAX: i64 = 200;
/// The largest `page` accepted (keeps offsets sane).
pub const PAGE_MAX: i64 = 1_000_000;
/// A token's `last_used_at` is written at most this often.
const LAST_USED_EVERY_SECS: f64 = 60.0;

/// The OpenAPI 3.1 document describing this API (and the webhook).
pub const OPENAPI: &str = include_str!("openapi.json");

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/openapi.json",
            get(openapi).fallback(method_not_allowed),
        )
        .route(
            "/api/v1/pushes",
            get(list_pushes).fallback(method_not_allowed),
        )
        .route(
            "/api/v1/pushes/{id}",
            get(show_push).fallback(method_not_allowed),
        )
        .route(
            "/api/v1/pushes/{id}/enterprises",
            get(list_enterprises).fallback(method_not_allowed),
        )
        // Anything else under /api answers in JSON too.
        .route("/api", any(not_found))
        .route("/api/", any(not_found))
        .route("/api/{*rest}", any(not_found))
}

// ---------------------------------------------------------------------------
// The objects of the API (and of the webhook body)

/// A push as the API and the webhook show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiPush {
    pub id: i64,
    pub quarter: String,
    pub station: Station,
    /// 0 for the first publication of the quarter.
    pub revision: i32,
    /// Why the revision was published; empty for revision 0.
    pub reason: String,
    pub created_at: String,
    pub counts: Counts,
    pub changes: Changes,
    pub acknowledged_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Station {
    pub code: String,
    pub name: String,
    pub name_en: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub green: i32,
    pub yellow: i32,
    pub red: i32,
}

/// Against the department's previous push from the station.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Changes {
    pub added: i32,
    pub changed: i32,
    pub removed: i32,
}

/// An enterprise of a push: the data-minimised view (no people, phone
/// numbers or narratives).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiEnterprise {
    pub enterprise_id: i64,
    pub name: String,
    pub credit_code: String,
    pub address: String,
    pub industry: Industry,
    pub level: Level,
    pub previous_level: Option<Level>,
    pub scores: Scores,
    pub reasons: Vec<ReasonLine>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Industry {
    pub code: String,
    pub name: String,
    pub name_en: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scores {
    pub safety: i32,
    pub hazards: i32,
    pub cases: i32,
    pub total: i32,
}

/// One summary line of the assessment, in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReasonLine {
    pub zh: String,
    pub en: String,
}

/// A page of a list.
#[derive(Debug, Clone, Serialize)]
pub struct Page<T> {
    pub data: Vec<T>,
    pub page: i64,
    pub per_page: i64,
    pub total: i64,
    /// The next page's path and query, or null on the last page.
    pub next: Option<String>,
}

pub fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The summary of an assessment's reason lines: those that moved points,
/// plus the veto and step-limit notes that decided the level.
pub fn reason_lines(reasons: &serde_json::Value) -> Vec<ReasonLine> {
    super::reason_summary(reasons)
        .iter()
        .map(|r| ReasonLine {
            zh: r.text_zh(),
            en: r.text_en(),
        })
        .collect()
}

impl From<PushRow> for ApiPush {
    fn from(r: PushRow) -> ApiPush {
        ApiPush {
            id: r.push_id,
            quarter: r.quarter,
            station: Station {
                code: r.station_code,
                name: r.station_name,
                name_en: r.station_name_en,
            },
            revision: r.revision,
            reason: r.reason,
            created_at: timestamp(r.created_at),
            counts: Counts {
                green: r.green,
                yellow: r.yellow,
                red: r.red,
            },
            changes: Changes {
                added: r.added,
                changed: r.changed,
                removed: r.removed,
            },
            acknowledged_at: r.acknowledged_at.map(timestamp),
        }
    }
}

impl From<ItemRow> for ApiEnterprise {
    fn from(r: ItemRow) -> ApiEnterprise {
        ApiEnterprise {
            enterprise_id: r.enterprise_id,
            name: r.name,
            credit_code: r.credit_code,
            address: r.address,
            industry: Industry {
                code: r.industry_code,
                name: r.industry_name,
                name_en: r.industry_name_en,
            },
            level: r.level,
            previous_level: r.previous_level,
            scores: Scores {
                safety: r.safety,
                hazards: r.hazards,
                cases: r.cases,
                total: r.total,
            },
            reasons: reason_lines(&r.reasons),
        }
    }
}

/// One push of the department, or None (unknown, or another department's).
pub async fn push(
    db: &PgPool,
    department: DepartmentScope,
    push_id: i64,
) -> sqlx::Result<Option<ApiPush>> {
    Ok(queries::push(db, department, push_id)
        .await?
        .map(ApiPush::from))
}

/// A page of the department's pushes, newest first, and how many it has.
pub async fn pushes(
    db: &PgPool,
    department: DepartmentScope,
    limit: i64,
    offset: i64,
) -> sqlx::Result<(Vec<ApiPush>, i64)> {
    let (rows, total) = queries::pushes(db, department, limit, offset).await?;
    Ok((rows.into_iter().map(ApiPush::from).collect(), total))
}

pub use queries::enterprise_count;

/// A push's enterprises (of `level`, if given): red, yellow, green, then by
/// name; `limit` None for all of them. The caller has checked that the push
/// is the department's.
pub async fn enterprises(
    db: &PgPool,
    push_id: i64,
    level: Option<Level>,
    limit: Option<i64>,
    offset: i64,
) -> sqlx::Result<Vec<ApiEnterprise>> {
    let rows = queries::items(db, push_id, level, limit, offset).await?;
    Ok(rows.into_iter().map(ApiEnterprise::from).collect())
}

// ---------------------------------------------------------------------------
// Errors

/// What went wrong, as the client is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiErrorKind {
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    TooLarge,
    Internal,
    Unavailable,
    Timeout,
}

impl ApiErrorKind {
    pub fn code(self) -> &'static str {
        match self {
            ApiErrorKind::BadRequest => "bad_request",
            ApiErrorKind::Unauthorized => "unauthorized",
            ApiErrorKind::NotFound => "not_found",
            ApiErrorKind::Forbidden => "forbidden",
            ApiErrorKind::MethodNotAllowed => "method_not_allowed",
            ApiErrorKind::TooLarge => "too_large",
            ApiErrorKind::Internal => "internal",
            ApiErrorKind::Unavailable => "unavailable",
            ApiErrorKind::Timeout => "timeout",
        }
    }

    pub fn status(self) -> StatusCode {
        match self {
            ApiErrorKind::BadRequest => StatusCode::BAD_REQUEST,
            ApiErrorKind::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiErrorKind::NotFound => StatusCode::NOT_FOUND,
            ApiErrorKind::Forbidden => StatusCode::FORBIDDEN,
            ApiErrorKind::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiErrorKind::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            ApiErrorKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ApiErrorKind::Timeout => StatusCode::GATEWAY_TIMEOUT,
        }
    }

    fn message(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (ApiErrorKind::BadRequest, Lang::Zh) => "请求参数有误。",
            (ApiErrorKind::BadRequest, Lang::En) => "The request's parameters are not valid.",
            (ApiErrorKind::Unauthorized, Lang::Zh) => {
                "缺少 API 令牌，或令牌无效、已撤销（请求头 Authorization: Bearer <令牌>）。"
            }
            (ApiErrorKind::Unauthorized, Lang::En) => {
                "The API token is missing, invalid or revoked (header Authorization: Bearer <token>)."
            }
            (ApiErrorKind::NotFound, Lang::Zh) => "没有这个资源。",
            (ApiErrorKind::NotFound, Lang::En) => "No such resource.",
            (ApiErrorKind::MethodNotAllowed, Lang::Zh) => "此接口只读，只支持 GET 请求。",
            (ApiErrorKind::MethodNotAllowed, Lang::En) => {
                "This API is read-only: only GET is allowed."
            }
            (ApiErrorKind::Internal, Lang::Zh) => "服务器内部错误，请稍后重试。",
            (ApiErrorKind::Internal, Lang::En) => "Internal server error; please try again later.",
            (ApiErrorKind::Unavailable, Lang::Zh) => "服务暂时不可用，请稍后重试。",
            (ApiErrorKind::Unavailable, Lang::En) => {
                "The service is unavailable right now; please try again later."
            }
            (ApiErrorKind::Forbidden, Lang::Zh) => "无权执行此请求。",
            (ApiErrorKind::Forbidden, Lang::En) => "This request is not allowed.",
            (ApiErrorKind::TooLarge, Lang::Zh) => "请求内容过大。",
            (ApiErrorKind::TooLarge, Lang::En) => "The request is too large.",
            (ApiErrorKind::Timeout, Lang::Zh) => "处理超时，请稍后重试。",
            (ApiErrorKind::Timeout, Lang::En) => {
                "The request took too long; please try again later."
            }
        }
    }
}

/// An error answered as `{"error":{"code":…,"message":…}}`, in the
/// language of `Accept-Language` (Chinese unless English is preferred).
#[derive(Debug, Clone)]
pub struct ApiError {
    pub kind: ApiErrorKind,
    pub message: String,
    /// A token was presented (and refused): say so in `WWW-Authenticate`.
    token_refused: bool,
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: ErrorDetail<'a>,
}

#[derive(Serialize)]
struct ErrorDetail<'a> {
    code: &'a str,
    message: &'a str,
}

impl ApiError {
    pub fn new(kind: ApiErrorKind, lang: Lang) -> ApiError {
        ApiError {
            kind,
            message: kind.message(lang).to_owned(),
            token_refused: false,
        }
    }

    fn bad_param(lang: Lang, zh: String, en: String) -> ApiError {
        ApiError {
            kind: ApiErrorKind::BadRequest,
            message: match lang {
                Lang::Zh => zh,
                Lang::En => en,
            },
            token_refused: false,
        }
    }

    fn db(err: sqlx::Error, lang: Lang) -> ApiError {
        if crate::error::is_unavailable(&err) {
            tracing::warn!(error = %err, "database unavailable");
            ApiError::new(ApiErrorKind::Unavailable, lang)
        } else {
            tracing::error!(error = ?err, "internal error in the API");
            ApiError::new(ApiErrorKind::Internal, lang)
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.kind.code(),
                message: &self.message,
            },
        };
        let mut response = json_response(self.kind.status(), &body);
        let headers = response.headers_mut();
        match self.kind {
            ApiErrorKind::Unauthorized => {
                let challenge = if self.token_refused {
                    "Bearer realm=\"sanse\", error=\"invalid_token\""
                } else {
                    "Bearer realm=\"sanse\""
                };
                headers.insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static(challenge),
                );
            }
            ApiErrorKind::MethodNotAllowed => {
                headers.insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
            }
            ApiErrorKind::Unavailable | ApiErrorKind::Timeout => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
            }
            _ => {}
        }
        response
    }
}

fn json_response<T: Serialize>(status: StatusCode, body: &T) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => (
            status,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            bytes,
        )
            .into_response(),
        Err(err) => {
            tracing::error!(error = %err, "serialising an API response");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                [(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                )],
                r#"{"error":{"code":"internal","message":"Internal server error."}}"#,
            )
                .into_response()
        }
    }
}

/// Whether a path belongs to the API, whose errors are JSON, never pages.
pub fn is_api_path(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

/// The API's answer for an error that a layer gave (a timeout, a caught
/// panic, a refused body) before or instead of an API handler.
pub fn layer_error(kind: crate::error::ErrorKind, lang: Lang) -> Response {
    use crate::error::ErrorKind;
    let kind = match kind {
        ErrorKind::BadRequest => ApiErrorKind::BadRequest,
        ErrorKind::Forbidden | ErrorKind::Csrf => ApiErrorKind::Forbidden,
        ErrorKind::NotFound => ApiErrorKind::NotFound,
        ErrorKind::TooLarge => ApiErrorKind::TooLarge,
        ErrorKind::Timeout => ApiErrorKind::Timeout,
        ErrorKind::Unavailable => ApiErrorKind::Unavailable,
        // The API only reads; a write conflict would be a fault of ours.
        ErrorKind::Internal | ErrorKind::Conflict => ApiErrorKind::Internal,
    };
    ApiError::new(kind, lang).into_response()
}

async fn not_found(headers: HeaderMap) -> ApiError {
    ApiError::new(ApiErrorKind::NotFound, request_lang(&headers))
}

async fn method_not_allowed(headers: HeaderMap) -> ApiError {
    ApiError::new(ApiErrorKind::MethodNotAllowed, request_lang(&headers))
}

// ---------------------------------------------------------------------------
// Authentication

/// The department a valid API token belongs to.
#[derive(Debug, Clone, Copy)]
pub struct ApiClient {
    pub department: DepartmentScope,
    pub lang: Lang,
}

/// The token of an `Authorization: Bearer <token>` header.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty() && token.len() <= 200)
        .then_some(token)
}

impl FromRequestParts<AppState> for ApiClient {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let lang = request_lang(&parts.headers);
        let refused = |token_refused| ApiError {
            token_refused,
            ..ApiError::new(ApiErrorKind::Unauthorized, lang)
        };
        let presented = parts.headers.contains_key(header::AUTHORIZATION);
        let Some(plain) = bearer(&parts.headers) else {
            return Err(refused(presented));
        };
        let hash = token::hash(plain);
        let now = state.clock.now();
        // The token is found by its hash (no comparison to time); its
        // last use is written at most once a minute, in the same statement.
        let department_id = queries::token_department(&state.db, &hash, now, LAST_USED_EVERY_SECS)
            .await
            .map_err(|err| ApiError::db(err, lang))?;
        match department_id {
            Some(department_id) => Ok(ApiClient {
                // The token was found by its hash: this is its department.
                #[allow(clippy::disallowed_methods)]
                department: DepartmentScope::verified(DepartmentId(department_id)),
                lang,
            }),
            None => Err(refused(true)),
        }
    }
}

// ---------------------------------------------------------------------------
// Parameters

/// The query string as name/value pairs; later values win.
fn query_pairs(raw: Option<&str>, lang: Lang) -> Result<Vec<(String, String)>, ApiError> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(raw.unwrap_or("")).map_err(|_| {
        ApiError::bad_param(
            lang,
            "查询字符串格式有误。".to_owned(),
            "The query string is malformed.".to_owned(),
        )
    })
}

fn param<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn whole_number(
    pairs: &[(String, String)],
    name: &str,
    default: i64,
    max: i64,
    lang: Lang,
) -> Result<i64, ApiError> {
    match param(pairs, name) {
        None => Ok(default),
        Some(raw) => raw
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=max).contains(n))
            .ok_or_else(|| {
                ApiError::bad_param(
                    lang,
                    format!("参数 {name} 必须是 1 到 {max} 之间的整数。"),
                    format!("Parameter {name} must be a whole number from 1 to {max}."),
                )
            }),
    }
}

/// `page` and `per_page`.
#[derive(Debug, Clone, Copy)]
struct Paging {
    page: i64,
    per_page: i64,
}

impl Paging {
    fn parse(pairs: &[(String, String)], lang: Lang) -> Result<Paging, ApiError> {
        Ok(Paging {
            page: whole_number(pairs, "page", 1, PAGE_MAX, lang)?,
            per_page: whole_number(pairs, "per_page", PER_PAGE_DEFAULT, PER_PAGE_MAX, lang)?,
        })
    }

    fn offset(self) -> i64 {
        (self.page - 1) * self.per_page
    }

    /// The page of `data`, with the link to the next page if there is one.
    fn page<T>(self, data: Vec<T>, total: i64, path: &str, extra: &str) -> Page<T> {
        let next = (self.page * self.per_page < total).then(|| {
            format!(
                "{path}?page={}&per_page={}{extra}",
                self.page + 1,
                self.per_page
            )
        });
        Page {
            data,
            page: self.page,
            per_page: self.per_page,
            total,
            next,
        }
    }
}

/// A push id from the path; anything but a positive whole number is
/// simply not found.
fn push_id(path: Result<IdPath<PushId>, AppError>, lang: Lang) -> Result<i64, ApiError> {
    path.ok()
        .map(|IdPath(id)| id.get())
        .filter(|id| *id > 0)
        .ok_or_else(|| ApiError::new(ApiErrorKind::NotFound, lang))
}

// ---------------------------------------------------------------------------
// Handlers

async fn openapi() -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        OPENAPI,
    )
        .into_response()
}

async fn list_pushes(
    State(state): State<AppState>,
    client: ApiClient,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let lang = client.lang;
    let pairs = query_pairs(raw.as_deref(), lang)?;
    let paging = Paging::parse(&pairs, lang)?;
    let (data, total) = pushes(
        &state.db,
        client.department,
        paging.per_page,
        paging.offset(),
    )
    .await
    .map_err(|err| ApiError::db(err, lang))?;
    let page = paging.page(data, total, "/api/v1/pushes", "");
    Ok(json_response(StatusCode::OK, &page))
}

async fn show_push(
    State(state): State<AppState>,
    client: ApiClient,
    path: Result<IdPath<PushId>, AppError>,
) -> Result<Response, ApiError> {
    let lang = client.lang;
    let id = push_id(path, lang)?;
    let found = push(&state.db, client.department, id)
        .await
        .map_err(|err| ApiError::db(err, lang))?
        .ok_or_else(|| ApiError::new(ApiErrorKind::NotFound, lang))?;
    Ok(json_response(StatusCode::OK, &found))
}

async fn list_enterprises(
    State(state): State<AppState>,
    client: ApiClient,
    path: Result<IdPath<PushId>, AppError>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let lang = client.lang;
    let id = push_id(path, lang)?;
    let pairs = query_pairs(raw.as_deref(), lang)?;
    let paging = Paging::parse(&pairs, lang)?;
    let level = match param(&pairs, "level") {
        None => None,
        Some(raw) => Some(Level::parse(raw.trim()).ok_or_else(|| {
            ApiError::bad_param(
                lang,
                "参数 level 必须是 red、yellow 或 green。".to_owned(),
                "Parameter level must be red, yellow or green.".to_owned(),
            )
        })?),
    };
    let db = &state.db;
    let db_err = |err| ApiError::db(err, lang);
    // The department's push, or nothing: never say that it exists.
    push(db, client.department, id)
        .await
        .map_err(db_err)?
        .ok_or_else(|| ApiError::new(ApiErrorKind::NotFound, lang))?;
    let total = enterprise_count(db, id, level).await.map_err(db_err)?;
    let data = enterprises(db, id, level, Some(paging.per_page), paging.offset())
        .await
        .map_err(db_err)?;
    let extra = level
        .map(|l| format!("&level={}", l.code()))
        .unwrap_or_default();
    let page = paging.page(
        data,
        total,
        &format!("/api/v1/pushes/{id}/enterprises"),
        &extra,
    );
    Ok(json_response(StatusCode::OK, &page))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_openapi_document_is_json() {
        let doc: serde_json::Value = serde_json::from_str(OPENAPI).unwrap();
        assert_eq!(doc["openapi"], "3.1.0");
    }

    #[test]
    fn bearer_tokens_are_read_strictly() {
        let mut h = HeaderMap::new();
        assert_eq!(bearer(&h), None);
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer abc"),
        );
        assert_eq!(bearer(&h), Some("abc"));
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("bearer  abc "),
        );
        assert_eq!(bearer(&h), Some("abc"));
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic abc"));
        assert_eq!(bearer(&h), None);
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer "));
        assert_eq!(bearer(&h), None);
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer"));
        assert_eq!(bearer(&h), None);
    }

    #[test]
    fn reason_summary_keeps_points_vetoes_and_step_limits() {
        let reasons = serde_json::json!([
            {"indicator": "safety", "points": 0, "kind": {"type": "never_inspected"}},
            {"indicator": "safety", "points": -20, "kind": {"type": "inspection_score",
              "visit_id": 7, "date": "2026-08-11", "passed": 5, "applicable": 10,
              "score": 20, "max": 40}},
            {"indicator": "level", "points": 0, "kind": {"type": "veto",
              "rule": "major_hazard_overdue", "record_id": 3}},
            {"indicator": "level", "points": 0, "kind": {"type": "threshold", "total": 80,
              "level": "yellow", "green_min": 85, "yellow_min": 70}}
        ]);
        let lines = reason_lines(&reasons);
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(lines[0].en.starts_with("\u{2212}20"), "{lines:?}");
        assert!(lines[1].zh.contains("一票否决"), "{lines:?}");
        assert!(reason_lines(&serde_json::json!({"junk": 1})).is_empty());
    }
}
