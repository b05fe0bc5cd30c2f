//! Around every request: a request id (the caller's when sane, else a new one), the
//! security headers, the request metrics, and one log line with method, path, route,
//! status, latency, cache outcome and the number of SFT calls it took.
//!
//! Headers and query strings are never logged, so no token or credential can reach the
//! log; the request id is logged on every line written while the request is served.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

use crate::cache::CacheOutcome;
use crate::edges::{self, SecurityHeaders, REQUEST_ID};
use crate::metrics::Metrics;

/// What a handler tells the request log about its work, as a response extension.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RequestNote {
    /// How the cache answered; `None` when the cache was not involved.
    pub cache: Option<CacheOutcome>,
    /// SFT HTTP calls made for this request (logins and refreshes included).
    pub sft_calls: u32,
}

/// What the middleware needs.
#[derive(Debug)]
pub struct Edge {
    /// Request counters.
    pub metrics: Arc<Metrics>,
    /// The headers every answer gets.
    pub security: SecurityHeaders,
}

/// The middleware.
pub async fn around_request(
    State(edge): State<Arc<Edge>>,
    request: Request,
    next: Next,
) -> Response {
    let request_id = edges::request_id(request.headers());
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let route = match request.extensions().get::<MatchedPath>() {
        Some(matched) => matched.as_str().to_owned(),
        None if path.starts_with("/api/") => "/api/unknown".to_owned(),
        None => "widget".to_owned(),
    };
    let started = Instant::now();
    let span = tracing::info_span!("request", id = %request_id);

    let mut response = next.run(request).instrument(span.clone()).await;

    let status = response.status().as_u16();
    let note = response
        .extensions()
        .get::<RequestNote>()
        .copied()
        .unwrap_or_default();
    edge.metrics.request(&route, status);
    edge.security.apply(response.headers_mut());
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    span.in_scope(|| {
        tracing::info!(
            %method,
            path,
            route,
            status,
            latency_ms = started.elapsed().as_millis() as u64,
            cache = note.cache.map_or("-", CacheOutcome::as_str),
            sft_calls = note.sft_calls,
            "request"
        );
    });
    response
}
