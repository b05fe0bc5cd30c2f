//! What the proxy adds at its edge: request ids, security headers, the widget page's
//! Content-Security-Policy, and the CORS allowlist.

use std::time::Duration;

use axum::http::header::{
    AUTHORIZATION, CONTENT_SECURITY_POLICY, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS,
    X_FRAME_OPTIONS,
};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method};
use base64::Engine;
use sha2::{Digest, Sha256};
use tower_http::cors::{AllowOrigin, CorsLayer};

/// The request id header, accepted from a caller when sane and always answered.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
/// Set on a stale-if-error answer.
pub const CACHE_STALE: HeaderName = HeaderName::from_static("x-cache-stale");
/// The longest request id accepted from a caller.
const MAX_REQUEST_ID: usize = 64;

/// `n` random bytes as lowercase hex; falls back to the clock if the OS has no entropy,
/// since ids and lock tokens only need to be unlikely to collide.
pub fn random_hex(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    if getrandom::fill(&mut bytes).is_err() {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos()
            .to_le_bytes();
        for (byte, seed) in bytes.iter_mut().zip(nanos.iter().cycle()) {
            *byte = *seed;
        }
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The caller's `X-Request-Id` when it is 1 to 64 letters, digits, `-`, `_` or `.`;
/// otherwise a new random id.
pub fn request_id(headers: &HeaderMap) -> String {
    let given = headers
        .get(REQUEST_ID)
        .and_then(|value| value.to_str().ok())
        .filter(|id| {
            (1..=MAX_REQUEST_ID).contains(&id.len())
                && id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        });
    given.map_or_else(|| random_hex(16), str::to_owned)
}

/// The headers the proxy puts on every answer, and the policies they carry.
#[derive(Clone, Debug)]
pub struct SecurityHeaders {
    /// `frame-ancestors` sources: `'none'` or the configured origins.
    frame_ancestors: String,
    /// Whether framing is allowed at all (then `X-Frame-Options` is left out, since it
    /// cannot name origins).
    framing_allowed: bool,
}

impl SecurityHeaders {
    /// Headers for a proxy whose pages may be framed by `frame_ancestors` (none if empty).
    pub fn new(frame_ancestors: &[String]) -> Self {
        Self {
            frame_ancestors: if frame_ancestors.is_empty() {
                "'none'".into()
            } else {
                frame_ancestors.join(" ")
            },
            framing_allowed: !frame_ancestors.is_empty(),
        }
    }

    /// The policy of the widget's pages, allowing the inline scripts whose hashes are
    /// given (Trunk's module loader) and nothing else inline.
    pub fn page_policy(&self, script_hashes: &[String]) -> String {
        let mut scripts = String::from("'self' 'wasm-unsafe-eval'");
        for hash in script_hashes {
            scripts.push_str(&format!(" '{hash}'"));
        }
        format!(
            "default-src 'self'; script-src {scripts}; style-src 'self'; \
             img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
             form-action 'none'; frame-ancestors {}",
            self.frame_ancestors
        )
    }

    /// The policy of everything that is not a page: nothing may load from it.
    pub fn resource_policy(&self) -> String {
        format!(
            "default-src 'none'; frame-ancestors {}",
            self.frame_ancestors
        )
    }

    /// Adds the headers every answer carries, and `policy` unless the answer has a CSP
    /// already.
    pub fn apply(&self, headers: &mut HeaderMap) {
        headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
        headers.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
        headers.insert(
            HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=()"),
        );
        headers.insert(
            HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        );
        if !self.framing_allowed {
            headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        }
        if !headers.contains_key(CONTENT_SECURITY_POLICY) {
            if let Ok(value) = HeaderValue::from_str(&self.resource_policy()) {
                headers.insert(CONTENT_SECURITY_POLICY, value);
            }
        }
    }
}

/// The `sha256-…` CSP sources of the inline scripts (those without `src`) in `html`.
pub fn inline_script_hashes(html: &str) -> Vec<String> {
    // ASCII lowercasing keeps byte offsets, so positions found in `lower` index `html`.
    let lower = html.to_ascii_lowercase();
    let mut hashes = Vec::new();
    let mut from = 0;
    while let Some(found) = lower[from..].find("<script") {
        let tag_start = from + found;
        let Some(tag_len) = lower[tag_start..].find('>') else {
            break;
        };
        let body_start = tag_start + tag_len + 1;
        let Some(body_len) = lower[body_start..].find("</script") else {
            break;
        };
        let tag = &lower[tag_start + "<script".len()..body_start - 1];
        let has_src = tag
            .split(|c: char| c.is_ascii_whitespace())
            .any(|attribute| attribute.starts_with("src=") || attribute == "src");
        if !has_src {
            let digest = Sha256::digest(&html.as_bytes()[body_start..body_start + body_len]);
            let encoded = base64::engine::general_purpose::STANDARD.encode(digest);
            hashes.push(format!("sha256-{encoded}"));
        }
        from = body_start + body_len;
    }
    hashes
}

/// Checks that `origin` is a bare origin such as `https://portal.example[:8443]`.
pub fn check_origin(origin: &str) -> Result<HeaderValue, String> {
    let parsed = reqwest::Url::parse(origin).map_err(|e| format!("{origin:?}: {e}"))?;
    let bare = matches!(parsed.scheme(), "http" | "https")
        && parsed.host_str().is_some()
        && parsed.username().is_empty()
        && parsed.password().is_none()
        && parsed.path() == "/"
        && parsed.query().is_none()
        && parsed.fragment().is_none()
        && !origin.ends_with('/');
    if !bare {
        return Err(format!(
            "{origin:?} is not an origin; give scheme, host and optional port, such as \
             https://portal.example"
        ));
    }
    HeaderValue::from_str(origin).map_err(|e| format!("{origin:?}: {e}"))
}

/// CORS for the configured portal origins, or `None` when there are none (then browsers
/// only let the proxy's own pages call it).
pub fn cors(origins: &[HeaderValue]) -> Option<CorsLayer> {
    if origins.is_empty() {
        return None;
    }
    let layer = CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins.iter().cloned()))
        .allow_methods([Method::GET])
        .allow_headers([AUTHORIZATION, REQUEST_ID])
        .expose_headers([
            REQUEST_ID,
            CACHE_STALE,
            axum::http::header::RETRY_AFTER,
            axum::http::header::WARNING,
            axum::http::header::AGE,
        ])
        .max_age(Duration::from_secs(600));
    Some(layer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_are_taken_only_when_sane() {
        let cases = [
            ("abc-123_x.y", true),
            ("", false),
            ("has space", false),
            ("line\u{7f}", false),
            (&"x".repeat(65), false),
        ];

        for (given, kept) in cases {
            let mut headers = HeaderMap::new();
            if let Ok(value) = HeaderValue::from_str(given) {
                headers.insert(REQUEST_ID, value);
            }

            let id = request_id(&headers);

            assert_eq!(id == given, kept, "{given:?} gave {id:?}");
            assert!(!id.is_empty());
        }
    }

    #[test]
    fn only_inline_scripts_are_hashed_exactly_as_written() {
        let html = "<head><SCRIPT type=\"module\">\nimport init from '/a.js';\n</SCRIPT>\
                    <script src=\"/b.js\"></script><script data-src=\"x\">go()</script></head>";

        let hashes = inline_script_hashes(html);

        let expect = |body: &str| {
            let digest = Sha256::digest(body.as_bytes());
            format!(
                "sha256-{}",
                base64::engine::general_purpose::STANDARD.encode(digest)
            )
        };
        assert_eq!(
            hashes,
            [expect("\nimport init from '/a.js';\n"), expect("go()")]
        );
    }

    #[test]
    fn origins_must_be_bare() {
        let cases = [
            ("https://portal.example", true),
            ("http://127.0.0.1:8080", true),
            ("https://portal.example/", false),
            ("https://portal.example/path", false),
            ("*", false),
            ("portal.example", false),
            ("ftp://portal.example", false),
        ];

        for (origin, ok) in cases {
            assert_eq!(check_origin(origin).is_ok(), ok, "{origin}");
        }
    }

    #[test]
    fn the_page_policy_allows_hashed_scripts_and_wasm_but_no_inline_code() {
        let headers = SecurityHeaders::new(&[]);

        let policy = headers.page_policy(&["sha256-abc".into()]);

        assert!(policy.contains("script-src 'self' 'wasm-unsafe-eval' 'sha256-abc';"));
        assert!(!policy.contains("unsafe-inline") && !policy.contains("'unsafe-eval'"));
        assert!(policy.ends_with("frame-ancestors 'none'"));
    }
}
