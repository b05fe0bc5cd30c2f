//! The JSON API the widget calls: the traveler's purchases and an endpoint's add-ons.

use std::sync::Arc;

use addon_usage_core::{AddonInstance, AddonsSnapshot, ProxyErrorBody, Traveler};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};

use crate::cache::{CacheOutcome, CoalescingCache};
use crate::request_log::RequestNote;
use crate::sft_client::{AddonQuery, CallCount, SftCallError, SftClient};

/// Where the proxy reads "now" from: the simulator's clock in simulator mode, so that
/// `fetchedAt` agrees with the dates in the data; the system clock otherwise.
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// What every API handler shares.
pub struct ApiState {
    /// The traveler whose endpoints may be read; `None` when none is configured.
    pub traveler: Option<Traveler>,
    /// The SFT client.
    pub sft: SftClient,
    /// Answers by endpoint and query.
    pub cache: CoalescingCache<(String, AddonQuery), Arc<AddonsSnapshot>, SftCallError>,
    /// The SFT account's time zone name, echoed in every snapshot.
    pub sft_time_zone: String,
    /// The proxy's clock.
    pub clock: Clock,
}

/// The longest id SFT uses for endpoints, instances and plans.
const MAX_ID_DIGITS: usize = 20;

/// An API failure: an HTTP status and the JSON body the widget reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    status: StatusCode,
    body: ProxyErrorBody,
    retry_after: Option<String>,
}

impl ApiError {
    fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
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
                let wait = match &retry_after {
                    Some(seconds) if seconds.bytes().all(|b| b.is_ascii_digit()) => {
                        format!("try again in {seconds} seconds")
                    }
                    _ => "try again in a minute".to_owned(),
                };
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
        let mut response = (self.status, Json(self.body)).into_response();
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

/// `GET /api/v1/traveler`: the traveler's endpoints and purchases.
pub async fn traveler(State(state): State<Arc<ApiState>>) -> Result<Json<Traveler>, ApiError> {
    // TODO: identify the traveler by the portal's short-lived token (DESIGN.md, contracts)
    // instead of serving the one configured traveler to every caller.
    match &state.traveler {
        Some(traveler) => Ok(Json(traveler.clone())),
        None => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "no_traveler",
            "No traveler is configured on this proxy; start it with --purchases-file.",
        )),
    }
}

/// `GET /api/v1/endpoints/{endpointId}/addons[?uniqueId=N | ?addonId=N]`: the endpoint's
/// add-on instances, from the cache or from SFT.
pub async fn addons(
    State(state): State<Arc<ApiState>>,
    Path(endpoint_id): Path<String>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    let outcome = serve_addons(&state, endpoint_id, query).await;
    let (mut response, note) = match outcome {
        Ok((snapshot, note)) => (Json(snapshot.as_ref()).into_response(), note),
        Err((error, note)) => (error.into_response(), note),
    };
    response.extensions_mut().insert(note);
    response
}

type Answer = Result<(Arc<AddonsSnapshot>, RequestNote), (ApiError, RequestNote)>;

async fn serve_addons(
    state: &ApiState,
    endpoint_id: String,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Answer {
    let not_forwarded = |error| (error, RequestNote::default());
    check_id("endpointId", &endpoint_id).map_err(not_forwarded)?;
    let Query(pairs) = query.map_err(|_| not_forwarded(bad_query()))?;
    let filter = read_filter(&pairs).map_err(not_forwarded)?;
    let allowed = state
        .traveler
        .as_ref()
        .is_some_and(|t| t.endpoints.iter().any(|e| e.id == endpoint_id));
    if !allowed {
        return Err(not_forwarded(ApiError::new(
            StatusCode::FORBIDDEN,
            "endpoint_not_allowed",
            "This eSIM is not one of yours; open the widget from your own account.",
        )));
    }

    let calls = CallCount::default();
    let fetch = || fetch_snapshot(state, &endpoint_id, &filter, &calls);
    let (result, outcome) = state
        .cache
        .get_or_fetch((endpoint_id.clone(), filter.clone()), fetch)
        .await;
    let note = RequestNote {
        cache: Some(outcome),
        sft_calls: calls.get(),
    };
    match result {
        Ok(snapshot) => Ok((snapshot, note)),
        Err(error) => {
            if outcome == CacheOutcome::Miss {
                tracing::warn!(%error, endpoint_id, "SFT call failed");
            }
            Err((ApiError::from(error), note))
        }
    }
}

async fn fetch_snapshot(
    state: &ApiState,
    endpoint_id: &str,
    filter: &AddonQuery,
    calls: &CallCount,
) -> Result<Arc<AddonsSnapshot>, SftCallError> {
    let details = state.sft.addon_details(endpoint_id, filter, calls).await?;
    let fetched_at = (state.clock)();

    let instances = details
        .instances
        .into_iter()
        .filter(|i| matches_filter(i, filter))
        .collect();
    Ok(Arc::new(AddonsSnapshot {
        endpoint_id: endpoint_id.to_owned(),
        fetched_at,
        sft_time_zone: state.sft_time_zone.clone(),
        instances,
    }))
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

fn bad_query() -> ApiError {
    ApiError::bad_request(
        "Ask for all add-ons, or add one uniqueId or one addonId parameter, nothing else.",
    )
}

/// SFT ids are 1 to 20 ASCII digits; anything else never reaches SFT.
fn check_id(name: &str, value: &str) -> Result<(), ApiError> {
    let valid =
        (1..=MAX_ID_DIGITS).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_digit());
    if valid {
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
