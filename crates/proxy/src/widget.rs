//! Serves the built widget: files from the widget directory, and its `index.html` for
//! every other page path so that deep links such as `/addon/123` load the app.
//!
//! `index.html` and `sw.js` must be revalidated on every load; every other file carries
//! a content hash in its name (Trunk adds it) and may be cached for good.
//!
//! Pages carry a Content-Security-Policy that allows the widget's own files, WebAssembly,
//! and exactly the inline scripts of the served `index.html` (Trunk's module loader), by
//! their SHA-256: hashed at start and again whenever the file changes.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

use crate::api::ApiError;
use crate::edges::{inline_script_hashes, SecurityHeaders};

/// For files that must be checked on every load.
const NO_CACHE: &str = "no-cache";
/// For content-hashed files.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// The widget directory, a file server over it, and its pages' policy.
#[derive(Debug)]
pub struct WidgetFiles {
    dir: PathBuf,
    files: ServeDir,
    security: SecurityHeaders,
    /// The page policy and the `index.html` modification time it was computed for.
    page_policy: Mutex<Option<(SystemTime, String)>>,
}

impl WidgetFiles {
    /// Serves `dir`, which need not exist yet (it is checked on every request).
    pub fn new(dir: PathBuf, security: SecurityHeaders) -> Self {
        let files = ServeDir::new(&dir);
        let widget = Self {
            dir,
            files,
            security,
            page_policy: Mutex::new(None),
        };
        let _ = widget.page_policy();
        widget
    }

    fn index(&self) -> PathBuf {
        self.dir.join("index.html")
    }

    /// The policy for pages, from the current `index.html`'s inline scripts.
    fn page_policy(&self) -> String {
        let modified = std::fs::metadata(self.index()).and_then(|m| m.modified());
        let Ok(modified) = modified else {
            return self.security.page_policy(&[]);
        };
        let mut cached = self
            .page_policy
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((at, policy)) = cached.as_ref() {
            if *at == modified {
                return policy.clone();
            }
        }
        let html = std::fs::read_to_string(self.index()).unwrap_or_default();
        let hashes = inline_script_hashes(&html);
        tracing::info!(
            inline_scripts = hashes.len(),
            "hashed the widget page's inline scripts"
        );
        let policy = self.security.page_policy(&hashes);
        *cached = Some((modified, policy.clone()));
        policy
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
    let mut response = with_cache_control(&path, response);
    // A 304 has no content type, but the browser keeps the headers it brings with the
    // page it revalidated: a page path must get the page policy either way.
    let revalidated_page = response.status() == StatusCode::NOT_MODIFIED
        && (is_page_path(&path) || path.ends_with(".html"));
    let policy = if is_html(&response) || revalidated_page {
        Some(widget.page_policy())
    } else if path.ends_with(".js") {
        // A script may run as a worker (sw.js), whose fetches follow its own policy.
        Some(widget.security.page_policy(&[]))
    } else {
        None
    };
    if let Some(value) = policy.and_then(|p| HeaderValue::from_str(&p).ok()) {
        response
            .headers_mut()
            .insert(CONTENT_SECURITY_POLICY, value);
    }
    response
}

fn is_html(response: &Response) -> bool {
    response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/html"))
}

/// A path with no file extension in its last segment is a page of the app.
fn is_page_path(path: &str) -> bool {
    let last = path.rsplit('/').next().unwrap_or_default();
    !last.contains('.')
}

/// Whether a path names a file whose name carries Trunk's content hash (`-` and 12 to 16
/// hex digits in a segment; Trunk drops leading zeros): only those may be cached for
/// good. Stable names such as `embed.js`, `sw.js` or `portal.css` are revalidated on
/// every load.
fn content_hashed(path: &str) -> bool {
    path.split('/').any(|segment| {
        let stem = segment.split(['.', '_']).next().unwrap_or_default();
        stem.rsplit_once('-').is_some_and(|(_, hash)| {
            (12..=16).contains(&hash.len()) && hash.bytes().all(|b| b.is_ascii_hexdigit())
        })
    })
}

fn with_cache_control(path: &str, mut response: Response) -> Response {
    if !response.status().is_success() {
        return response;
    }
    let policy = if !is_html(&response) && content_hashed(path) {
        IMMUTABLE
    } else {
        NO_CACHE
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

    #[test]
    fn only_content_hashed_files_are_cached_for_good() {
        let cases = [
            ("/addon-usage-85731baf6822e6f7.js", true),
            ("/addon-usage-85731baf6822e6f7_bg.wasm", true),
            ("/addon-usage-ef423d0bb82669a.js", true),
            ("/addon-usage-ef423d0bb82669a_bg.wasm", true),
            ("/page-a73b24b271a08d73.css", true),
            ("/snippets/addon-usage-b0b370ad24fe665e/inline0.js", true),
            ("/embed.js", false),
            ("/sw.js", false),
            ("/portal.css", false),
            ("/addon-usage-3f2a.js", false),
        ];

        for (path, hashed) in cases {
            assert_eq!(content_hashed(path), hashed, "{path}");
        }
    }
}
