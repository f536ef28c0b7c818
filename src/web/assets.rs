//! The static files (`static/`), compiled into the binary by `build.rs`:
//! the server needs no folder of its own to serve them from, and their
//! version is fixed when the binary is built.

use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};

use crate::error::{ErrorKind, error_response};

include!(concat!(env!("OUT_DIR"), "/assets.rs"));

/// A short fingerprint of the static files, appended to their URLs (`?v=`)
/// so that a new release is fetched at once despite the long cache lifetime.
pub fn version() -> &'static str {
    VERSION
}

/// The contents of `static/<path>`, if there is such a file.
pub fn file(path: &str) -> Option<&'static [u8]> {
    FILES
        .binary_search_by(|(name, _)| (*name).cmp(path))
        .ok()
        .map(|i| FILES[i].1)
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, ext)| ext) {
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("woff2") => "font/woff2",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    }
}

/// `GET /static/{*path}`. The files change only with the binary, so the
/// version is their entity tag.
pub async fn serve(uri: Uri, headers: HeaderMap) -> Response {
    let path = uri.path().strip_prefix("/static/").unwrap_or_default();
    let Some(body) = file(path) else {
        return error_response(ErrorKind::NotFound);
    };
    let etag = format!("\"{VERSION}\"");
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|tag| tag.trim() == etag));
    let mut response = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static(content_type(path)),
            )],
            body,
        )
            .into_response()
    };
    if let Ok(value) = HeaderValue::from_str(&etag) {
        response.headers_mut().insert(header::ETAG, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_files_are_in_the_binary() {
        let css = file("app.css").expect("app.css is embedded");
        assert!(!css.is_empty());
        assert!(file("live.js").is_some() && file("favicon.svg").is_some());
        assert!(file("../Cargo.toml").is_none() && file("").is_none());
        assert!(
            FILES.windows(2).all(|w| w[0].0 < w[1].0),
            "sorted for the search"
        );
        assert_eq!(version().len(), 12);
        assert_eq!(content_type("a/b.css"), "text/css; charset=utf-8");
    }
}
