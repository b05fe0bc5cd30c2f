//! Serves the built widget: files from the widget directory, and its `index.html` for
//! every other page path so that deep links such as `/addon/123` load the app.
//!
//! `index.html` and `sw.js` must be revalidated on every load; every other file carries
//! a content hash in its name (Trunk adds it) and may be cached for good.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

use crate::api::ApiError;

/// For files that must be checked on every load.
const NO_CACHE: &str = "no-cache";
/// For content-hashed files.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// The widget directory and a file server over it.
#[derive(Clone, Debug)]
pub struct WidgetFiles {
    dir: PathBuf,
    files: ServeDir,
}

impl WidgetFiles {
    /// Serves `dir`, which need not exist yet (it is checked on every request).
    pub fn new(dir: PathBuf) -> Self {
        let files = ServeDir::new(&dir);
        Self { dir, files }
    }

    fn index(&self) -> PathBuf {
        self.dir.join("index.html")
    }
}

/// The fallback handler: a widget file, `index.html` for a page path, or an error.
pub async fn serve(State(widget): State<Arc<WidgetFiles>>, request: Request) -> Response {
    if tokio::fs::metadata(widget.index()).await.is_err() {
        return ApiError::widget_missing(&widget.dir).into_response();
    }
    let path = request.uri().path().to_owned();
    let (parts, _) = request.into_parts();
    let retry = Request::from_parts(parts.clone(), Body::empty());

    let found = match widget.files.clone().oneshot(retry).await {
        Ok(response) => response.map(Body::new),
        Err(never) => match never {},
    };
    let response = if found.status() == StatusCode::NOT_FOUND && is_page_path(&path) {
        let page = Request::from_parts(parts, Body::empty());
        match ServeFile::new(widget.index()).oneshot(page).await {
            Ok(response) => response.map(Body::new),
            Err(never) => match never {},
        }
    } else {
        found
    };
    with_cache_control(&path, response)
}

/// A path with no file extension in its last segment is a page of the app.
fn is_page_path(path: &str) -> bool {
    let last = path.rsplit('/').next().unwrap_or_default();
    !last.contains('.')
}

fn with_cache_control(path: &str, mut response: Response) -> Response {
    if !response.status().is_success() {
        return response;
    }
    let is_html = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/html"));
    let policy = if is_html
        || Path::new(path)
            .file_name()
            .is_some_and(|name| name == "sw.js")
    {
        NO_CACHE
    } else {
        IMMUTABLE
    };
    response
        .headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static(policy));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_paths_have_no_extension_in_their_last_segment() {
        let cases = [
            ("/", true),
            ("/addon/123", true),
            ("/endpoints/880154/", true),
            ("/index.html", false),
            ("/addon-usage-3f2a.wasm", false),
            ("/v1.2/page", true),
        ];

        for (path, page) in cases {
            assert_eq!(is_page_path(path), page, "{path}");
        }
    }
}
