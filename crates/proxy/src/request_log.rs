//! One log line per request: method, path, status, latency, cache outcome and the number
//! of SFT calls it took. Headers and query strings are never logged, so no token or
//! credential can reach the log.

use std::time::Instant;

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;

use crate::cache::CacheOutcome;

/// What a handler tells the request log about its work, as a response extension.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RequestNote {
    /// Whether the answer came from the cache; `None` when the cache was not involved.
    pub cache: Option<CacheOutcome>,
    /// SFT HTTP calls made for this request (logins and refreshes included).
    pub sft_calls: u32,
}

/// The middleware that writes the line.
pub async fn log_request(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let started = Instant::now();

    let response = next.run(request).await;

    let note = response
        .extensions()
        .get::<RequestNote>()
        .copied()
        .unwrap_or_default();
    tracing::info!(
        %method,
        path,
        status = response.status().as_u16(),
        latency_ms = started.elapsed().as_millis() as u64,
        cache = note.cache.map_or("-", CacheOutcome::as_str),
        sft_calls = note.sft_calls,
        "request"
    );
    response
}
