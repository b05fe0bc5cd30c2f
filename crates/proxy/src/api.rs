//! The JSON API the widget calls (the traveler's purchases, an endpoint's add-ons), the
//! demo token, and the health, readiness and metrics routes.

use std::sync::Arc;
use std::time::Duration;

use addon_usage_core::{AddonInstance, AddonsSnapshot, ProxyErrorBody, Traveler};
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::header::{
    AGE, CACHE_CONTROL, CONTENT_TYPE, RETRY_AFTER, WARNING, WWW_AUTHENTICATE,
};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};

use crate::auth::{DemoTokens, Identity, PurchasesBook, TokenError, TokenVerifier};
use crate::cache::{AnswerCache, CacheOutcome, Served};
use crate::edges::CACHE_STALE;
use crate::limits::{Backoff, RateLimiter};
use crate::metrics::Metrics;
use crate::request_log::RequestNote;
use crate::sft_client::{AddonQuery, CallCount, SftCallError, SftClient};

/// Where the proxy reads "now" from: the simulator's clock in simulator mode, so that
/// `fetchedAt` agrees with the dates in the data; the system clock otherwise.
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// What every API handler shares.
pub struct ApiState {
    /// Checks traveler tokens.
    pub verifier: TokenVerifier,
    /// The portal's endpoint labels and purchases, by traveler.
    pub book: PurchasesBook,
    /// Mints demo tokens; only in simulator mode.
    pub demo: Option<DemoTokens>,
    /// The SFT client.
    pub sft: SftClient,
    /// Answers by endpoint and query.
    pub cache: AnswerCache,
    /// Endpoints SFT asked to be left alone for a while.
    pub backoff: Backoff,
    /// Requests per traveler.
    pub limiter: RateLimiter,
    /// The proxy's counters.
    pub metrics: Arc<Metrics>,
    /// Whether SFT is the in-process simulator (always ready).
    pub simulator_mode: bool,
    /// The SFT account's time zone name, echoed in every snapshot.
    pub sft_time_zone: String,
    /// The proxy's clock.
    pub clock: Clock,
}

/// The longest id SFT uses for endpoints, instances and plans.
const MAX_ID_DIGITS: usize = 20;

/// Whether `value` is an SFT id: 1 to 20 ASCII digits.
pub fn is_sft_id(value: &str) -> bool {
    (1..=MAX_ID_DIGITS).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_digit())
}

/// An API failure: an HTTP status and the JSON body the widget reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    status: StatusCode,
    body: ProxyErrorBody,
    retry_after: Option<String>,
}

impl ApiError {
    /// An error with a status, a stable code and a sentence for the traveler.
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        let body = ProxyErrorBody {
            code: code.into(),
            message: message.into(),
        };
        Self {
            status,
            body,
            retry_after: None,
        }
    }

    /// A request the proxy does not forward.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    /// An API path that does not exist.
    pub fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "There is no such API path; the widget and the proxy may be different versions.",
        )
    }

    /// An API path called with a method it does not take.
    pub fn method_not_allowed() -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "This API path only answers GET requests.",
        )
    }

    /// The token is missing, forged or expired.
    pub fn unauthorized(error: &TokenError) -> Self {
        let (code, message) = match error {
            TokenError::Missing => (
                "token_missing",
                "Sign in to your account again to see your add-ons.",
            ),
            TokenError::Expired => (
                "token_expired",
                "Your session has ended; reload the page to see your add-ons.",
            ),
            TokenError::Invalid(_) => (
                "token_invalid",
                "Your session could not be checked; sign in again to see your add-ons.",
            ),
        };
        Self::new(StatusCode::UNAUTHORIZED, code, message)
    }

    /// The traveler asked too often.
    pub fn rate_limited(wait: Duration) -> Self {
        let seconds = whole_seconds(wait);
        let mut error = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            format!("Too many requests; try again in {seconds} seconds."),
        );
        error.retry_after = Some(seconds.to_string());
        error
    }

    /// The endpoint is not one of the traveler's.
    pub fn endpoint_not_allowed() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "endpoint_not_allowed",
            "This eSIM is not one of yours; open the widget from your own account.",
        )
    }

    /// The widget is not built into the widget directory.
    pub fn widget_missing(dir: &std::path::Path) -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "widget_missing",
            format!(
                "The widget is not built: {} has no index.html. Run `cargo xtask demo` to \
                 build it and start the proxy.",
                dir.display()
            ),
        )
    }
}

impl From<SftCallError> for ApiError {
    fn from(error: SftCallError) -> Self {
        match error {
            SftCallError::Timeout => Self::new(
                StatusCode::GATEWAY_TIMEOUT,
                "sft_timeout",
                "The usage service did not answer in time. Your add-ons are unchanged; try \
                 again in a minute.",
            ),
            SftCallError::Unavailable(_) => Self::new(
                StatusCode::BAD_GATEWAY,
                "sft_unavailable",
                "The usage service cannot be reached right now. Your add-ons are unchanged; \
                 try again in a few minutes.",
            ),
            SftCallError::Busy { retry_after } => {
                // SFT's own wait, within the proxy's bounds (an hour at most).
                let seconds = crate::limits::retry_after_duration(retry_after.as_deref()).as_secs();
                let retry_after = Some(seconds.to_string());
                let wait = format!("try again in {seconds} seconds");
                let mut error = Self::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "sft_busy",
                    format!("The usage service is busy; {wait}."),
                );
                error.retry_after = retry_after;
                error
            }
            SftCallError::Unreadable(_) => Self::new(
                StatusCode::BAD_GATEWAY,
                "sft_unreadable",
                "The usage service sent an answer the proxy cannot read. Try again later; if \
                 it persists, tell support.",
            ),
            SftCallError::Rejected { code, description } => {
                let said = if description.is_empty() {
                    String::new()
                } else {
                    format!(": {description}")
                };
                Self::new(
                    StatusCode::BAD_GATEWAY,
                    "sft_rejected",
                    format!(
                        "The usage service refused the request (SFT code {code}{said}). Try \
                         again later; if it persists, tell support with this code."
                    ),
                )
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let unauthorized = self.status == StatusCode::UNAUTHORIZED;
        let mut response = (self.status, Json(self.body)).into_response();
        if unauthorized {
            response.headers_mut().insert(
                WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"addon-usage\""),
            );
        }
        let retry_after = self
            .retry_after
            .and_then(|value| HeaderValue::from_str(&value).ok());
        if let Some(value) = retry_after {
            response.headers_mut().insert(RETRY_AFTER, value);
        }
        response
    }
}

/// `GET /healthz`: the proxy is up (SFT is not checked).
pub async fn health() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok" }))
}

/// `GET /readyz`: 200 once the proxy has logged in to SFT (always in simulator mode).
pub async fn ready(State(state): State<Arc<ApiState>>) -> Response {
    if state.simulator_mode || state.sft.has_logged_in() {
        return Json(serde_json::json!({ "status": "ready" })).into_response();
    }
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "not_ready",
        "The proxy has not logged in to the usage service yet.",
    )
    .into_response()
}

/// `GET /metrics`: Prometheus text exposition.
pub async fn metrics(State(state): State<Arc<ApiState>>) -> Response {
    let headers = [(CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")];
    (headers, state.metrics.render()).into_response()
}

/// `GET /demo/token`: a short-lived token for the demo traveler (simulator mode only).
pub async fn demo_token(State(state): State<Arc<ApiState>>) -> Response {
    let Some(demo) = &state.demo else {
        return ApiError::not_found().into_response();
    };
    match demo.mint(Utc::now()) {
        Ok(token) => ([(CACHE_CONTROL, "no-store")], Json(token)).into_response(),
        Err(error) => {
            tracing::error!(%error, "cannot mint a demo token");
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "The demo could not start a session; see the proxy's log.",
            )
            .into_response()
        }
    }
}

/// The traveler the request's token names, within their rate limit.
fn authorize(state: &ApiState, headers: &HeaderMap) -> Result<Identity, ApiError> {
    let identity = state.verifier.identify(headers).map_err(|error| {
        if let TokenError::Invalid(reason) = &error {
            tracing::info!(reason, "refused a traveler token");
        }
        ApiError::unauthorized(&error)
    })?;
    state
        .limiter
        .take(&identity.traveler)
        .map_err(ApiError::rate_limited)?;
    Ok(identity)
}

/// `GET /api/v1/traveler`: the token's endpoints and the traveler's purchases on them.
pub async fn traveler(
    State(state): State<Arc<ApiState>>,
    headers: HeaderMap,
) -> Result<Json<Traveler>, ApiError> {
    let identity = authorize(&state, &headers)?;
    Ok(Json(state.book.traveler_for(&identity)))
}

/// `GET /api/v1/endpoints/{endpointId}/addons[?uniqueId=N | ?addonId=N]`: the endpoint's
/// add-on instances, from the cache or from SFT.
pub async fn addons(
    State(state): State<Arc<ApiState>>,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    let outcome = serve_addons(&state, &headers, path, query).await;
    let (mut response, note) = match outcome {
        Ok((served, note)) => (snapshot_response(served), note),
        Err((error, note)) => (error.into_response(), note),
    };
    response.extensions_mut().insert(note);
    response
}

/// The snapshot as JSON; a stale one says so in its body and headers.
fn snapshot_response(served: Served) -> Response {
    let Some(age) = served.stale_age else {
        return Json(served.snapshot.as_ref()).into_response();
    };
    let mut snapshot = served.snapshot.as_ref().clone();
    snapshot.stale = true;
    snapshot.age_secs = Some(age.as_secs());
    let mut response = Json(snapshot).into_response();
    let headers = response.headers_mut();
    headers.insert(
        WARNING,
        HeaderValue::from_static("110 - \"Response is Stale\""),
    );
    headers.insert(CACHE_STALE, HeaderValue::from_static("true"));
    headers.insert(AGE, HeaderValue::from(age.as_secs()));
    response
}

type Answer = Result<(Served, RequestNote), (ApiError, RequestNote)>;

async fn serve_addons(
    state: &ApiState,
    headers: &HeaderMap,
    path: Result<Path<String>, PathRejection>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Answer {
    let not_forwarded = |error| (error, RequestNote::default());
    let identity = authorize(state, headers).map_err(not_forwarded)?;
    let Path(endpoint_id) = path.map_err(|_| not_forwarded(bad_path()))?;
    check_id("endpointId", &endpoint_id).map_err(not_forwarded)?;
    let Query(pairs) = query.map_err(|_| not_forwarded(bad_query()))?;
    let filter = read_filter(&pairs).map_err(not_forwarded)?;
    if !identity.owns(&endpoint_id) {
        return Err(not_forwarded(ApiError::endpoint_not_allowed()));
    }

    let calls = CallCount::default();
    let fetch = || async {
        if let Some(left) = state.backoff.remaining(&endpoint_id) {
            let retry_after = Some(whole_seconds(left).to_string());
            return Err(SftCallError::Busy { retry_after });
        }
        let fetched = fetch_snapshot(state, &endpoint_id, &filter, &calls).await;
        state
            .backoff
            .record(&endpoint_id, fetched.as_ref().map(|_| ()));
        fetched
    };
    let key = cache_key(&endpoint_id, &filter);
    let (result, outcome) = state.cache.get_or_fetch(&key, fetch).await;
    let note = RequestNote {
        cache: Some(outcome),
        sft_calls: calls.get(),
    };
    match result {
        Ok(served) => {
            if served.stale_age.is_some() {
                tracing::warn!(endpoint_id, "SFT failed; served a stale answer");
            }
            Ok((served, note))
        }
        Err(error) => {
            if outcome == CacheOutcome::Miss {
                tracing::warn!(%error, endpoint_id, "SFT call failed");
            }
            let mut api = ApiError::from(error);
            if api.retry_after.is_none() {
                api.retry_after = state
                    .backoff
                    .remaining(&endpoint_id)
                    .map(|left| whole_seconds(left).to_string());
            }
            Err((api, note))
        }
    }
}

/// The cache key of one endpoint and query.
fn cache_key(endpoint_id: &str, filter: &AddonQuery) -> String {
    match filter {
        AddonQuery::All => format!("{endpoint_id}/all"),
        AddonQuery::UniqueId(id) => format!("{endpoint_id}/uniqueId/{id}"),
        AddonQuery::AddonId(id) => format!("{endpoint_id}/addonId/{id}"),
    }
}

/// A duration as whole seconds, rounded up, at least 1.
fn whole_seconds(duration: Duration) -> u64 {
    let seconds = duration.as_secs() + u64::from(duration.subsec_nanos() > 0);
    seconds.max(1)
}

async fn fetch_snapshot(
    state: &ApiState,
    endpoint_id: &str,
    filter: &AddonQuery,
    calls: &CallCount,
) -> Result<AddonsSnapshot, SftCallError> {
    let details = state.sft.addon_details(endpoint_id, filter, calls).await?;
    let fetched_at = (state.clock)();

    let total = details.instances.len();
    let mut instances: Vec<_> = details
        .instances
        .into_iter()
        .filter(|i| matches_filter(i, filter))
        .collect();
    // When each counter resets (next local midnight or 1st of the month in the SFT
    // account's zone), so the widget can say "resets at 00:00 SFT time".
    if let Ok(zone) = addon_usage_core::time::parse_zone(&state.sft_time_zone) {
        addon_usage_core::counters::fill_next_resets(&mut instances, fetched_at, zone);
    }
    if instances.len() < total {
        tracing::warn!(
            endpoint_id,
            dropped = total - instances.len(),
            "SFT sent instances outside the query; dropped"
        );
    }
    Ok(AddonsSnapshot {
        endpoint_id: endpoint_id.to_owned(),
        fetched_at,
        sft_time_zone: state.sft_time_zone.clone(),
        instances,
        stale: false,
        age_secs: None,
    })
}

/// Whether an instance SFT sent belongs in the answer to `filter`.
fn matches_filter(instance: &AddonInstance, filter: &AddonQuery) -> bool {
    match filter {
        AddonQuery::All => true,
        AddonQuery::UniqueId(id) => &instance.unique_id == id,
        AddonQuery::AddonId(id) => &instance.addon_id == id,
    }
}

/// Reads the optional `uniqueId` or `addonId` parameter; anything else is refused.
fn read_filter(pairs: &[(String, String)]) -> Result<AddonQuery, ApiError> {
    let mut filter = AddonQuery::All;
    for (name, value) in pairs {
        let next = match name.as_str() {
            "uniqueId" => AddonQuery::UniqueId(value.clone()),
            "addonId" => AddonQuery::AddonId(value.clone()),
            _ => return Err(bad_query()),
        };
        check_id(name, value)?;
        if filter != AddonQuery::All {
            return Err(bad_query());
        }
        filter = next;
    }
    Ok(filter)
}

fn bad_path() -> ApiError {
    ApiError::bad_request("The endpoint id in the path cannot be read.")
}

fn bad_query() -> ApiError {
    ApiError::bad_request(
        "Ask for all add-ons, or add one uniqueId or one addonId parameter, nothing else.",
    )
}

/// SFT ids are 1 to 20 ASCII digits; anything else never reaches SFT.
fn check_id(name: &str, value: &str) -> Result<(), ApiError> {
    if is_sft_id(value) {
        Ok(())
    } else {
        Err(ApiError::bad_request(format!(
            "{name} must be 1 to {MAX_ID_DIGITS} digits."
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn ids_are_one_to_twenty_ascii_digits() {
        let cases = [
            ("880154", true),
            ("1", true),
            ("12345678901234567890", true),
            ("", false),
            ("123456789012345678901", false),
            ("12a4", false),
            ("-1", false),
            ("1 2", false),
            ("١٢٣", false),
            ("880154/../1", false),
        ];

        for (id, valid) in cases {
            assert_eq!(check_id("endpointId", id).is_ok(), valid, "{id:?}");
        }
    }

    #[test]
    fn query_parameters_choose_the_filter() {
        type Case = (&'static [(&'static str, &'static str)], Option<AddonQuery>);
        let cases: [Case; 7] = [
            (&[], Some(AddonQuery::All)),
            (
                &[("uniqueId", "42")],
                Some(AddonQuery::UniqueId("42".into())),
            ),
            (&[("addonId", "7")], Some(AddonQuery::AddonId("7".into()))),
            (&[("uniqueId", "42"), ("addonId", "7")], None),
            (&[("uniqueId", "42"), ("uniqueId", "43")], None),
            (&[("uniqueId", "x")], None),
            (&[("planId", "7")], None),
        ];

        for (query, expected) in cases {
            let filter = read_filter(&pairs(query)).ok();

            assert_eq!(filter, expected, "{query:?}");
        }
    }

    #[test]
    fn sft_failures_map_to_stable_codes_and_statuses() {
        let rejected = SftCallError::Rejected {
            code: "1204".into(),
            description: "x".into(),
        };
        let cases = [
            (SftCallError::Timeout, 504, "sft_timeout"),
            (
                SftCallError::Unavailable("refused".into()),
                502,
                "sft_unavailable",
            ),
            (
                SftCallError::Busy {
                    retry_after: Some("30".into()),
                },
                503,
                "sft_busy",
            ),
            (
                SftCallError::Unreadable("html".into()),
                502,
                "sft_unreadable",
            ),
            (rejected, 502, "sft_rejected"),
        ];

        for (error, status, code) in cases {
            let api = ApiError::from(error);

            assert_eq!(
                (api.status.as_u16(), api.body.code.as_str()),
                (status, code)
            );
        }
    }

    #[test]
    fn a_rejection_message_carries_the_sft_code() {
        let error = SftCallError::Rejected {
            code: "1204".into(),
            description: "bad".into(),
        };

        let api = ApiError::from(error);

        assert!(api.body.message.contains("1204"), "{}", api.body.message);
    }

    #[test]
    fn a_busy_answer_passes_retry_after_on() {
        let error = SftCallError::Busy {
            retry_after: Some("30".into()),
        };

        let response = ApiError::from(error).into_response();

        assert_eq!(response.headers()[RETRY_AFTER], "30");
    }
}
