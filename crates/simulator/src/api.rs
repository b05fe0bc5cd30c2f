//! The SFT routes: login, token refresh and add-on details, behind fault injection and
//! call counting.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::tokens::{TokenCheck, TokenKind};
use crate::wire::{self, PayloadStyle};
use crate::{CallKind, Simulator};

/// Path of the login call.
pub(crate) const LOGIN: &str = "/api/login";
/// Path of the token refresh call.
pub(crate) const REFRESH: &str = "/api/RefreshToken";
/// Path of the add-on details query.
pub(crate) const DETAILS: &str = "/api/GetEndpointAddonDetails";

/// The page a misconfigured gateway answers with when the `html` fault is on.
const GATEWAY_PAGE: &str = "<!DOCTYPE html>\n<html><head><title>Maintenance</title></head>\
<body><h1>Service temporarily unavailable</h1><p>Please try again later.</p></body></html>\n";

/// The SFT routes, counted and subject to the injected faults.
pub(crate) fn routes(sim: &Simulator) -> Router<Simulator> {
    Router::new()
        .route(LOGIN, post(login))
        .route(REFRESH, get(refresh))
        .route(DETAILS, get(details))
        .route_layer(middleware::from_fn_with_state(
            sim.clone(),
            count_and_inject_faults,
        ))
}

/// Counts the call, then stalls or replaces the answer as the faults say.
async fn count_and_inject_faults(
    State(sim): State<Simulator>,
    request: Request,
    next: Next,
) -> Response {
    let kind = match request.uri().path() {
        LOGIN => Some(CallKind::Login),
        REFRESH => Some(CallKind::Refresh),
        DETAILS => Some(CallKind::Details),
        _ => None,
    };
    if let Some(kind) = kind {
        sim.count(kind);
    }
    let faults = sim.faults();

    if let Some(stall) = faults.stall_ms {
        tokio::time::sleep(std::time::Duration::from_millis(stall)).await;
    }
    if let Some(status) = faults.status {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let reason = status.canonical_reason().unwrap_or("Injected fault");
        let mut answer = sim.failure(status, status.as_str(), reason);
        if let Some(seconds) = faults.retry_after_secs {
            answer
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        return answer;
    }
    if faults.html {
        return (
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            GATEWAY_PAGE,
        )
            .into_response();
    }
    next.run(request).await
}

/// What `POST /api/login` expects.
#[derive(Deserialize)]
struct LoginRequest {
    username: String,
    password: String,
}

async fn login(State(sim): State<Simulator>, body: Bytes) -> Response {
    let Ok(request) = serde_json::from_slice::<LoginRequest>(&body) else {
        return sim.failure(
            StatusCode::BAD_REQUEST,
            wire::CODE_MISSING_PARAMETER,
            "Body must be JSON with username and password",
        );
    };
    if !sim.credentials_match(&request.username, &request.password) {
        return sim.failure(
            StatusCode::UNAUTHORIZED,
            "401",
            "Invalid username or password",
        );
    }
    token_pair(sim.issue_tokens())
}

async fn refresh(State(sim): State<Simulator>, headers: HeaderMap) -> Response {
    let check = bearer(&headers).map(|token| sim.check_token(token, TokenKind::Refresh));
    match check {
        Some(TokenCheck::Valid) => token_pair(sim.issue_tokens()),
        Some(TokenCheck::Expired) => {
            sim.failure(StatusCode::UNAUTHORIZED, "401", "Refresh token expired")
        }
        _ => sim.failure(StatusCode::UNAUTHORIZED, "401", "Invalid refresh token"),
    }
}

async fn details(
    State(sim): State<Simulator>,
    headers: HeaderMap,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Response {
    let xhr = headers
        .get("x-requested-with")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("XMLHttpRequest"));
    if !xhr {
        return sim.failure(
            StatusCode::FORBIDDEN,
            "403",
            "X-Requested-With: XMLHttpRequest required",
        );
    }
    match bearer(&headers).map(|token| sim.check_token(token, TokenKind::Access)) {
        Some(TokenCheck::Valid) => {}
        Some(TokenCheck::Expired) => return sim.token_expired(),
        _ => return sim.failure(StatusCode::UNAUTHORIZED, "401", "Invalid token"),
    }

    let params = query.map(|Query(params)| params).unwrap_or_default();
    let filter = match DetailsQuery::read(&params) {
        Ok(filter) => filter,
        Err((code, description)) => {
            return sim.failure(StatusCode::BAD_REQUEST, code, &description)
        }
    };

    let now = sim.now();
    let Some(instances) = sim.endpoint_instances(&filter.endpoint_id) else {
        return sim.failure(
            StatusCode::OK,
            wire::CODE_INVALID_ENDPOINT,
            "Invalid endPointId",
        );
    };
    let matching: Vec<_> = instances
        .into_iter()
        .filter(|i| {
            filter
                .unique_id
                .as_ref()
                .is_none_or(|id| *id == i.unique_id)
        })
        .filter(|i| filter.addon_id.as_ref().is_none_or(|id| *id == i.plan_id))
        .collect();
    if matching.is_empty() {
        return sim.failure(
            StatusCode::OK,
            addon_usage_core::names::CODE_NO_DATA,
            "No data available",
        );
    }

    let style = if filter.unique_id.is_some() {
        PayloadStyle::Instance
    } else {
        PayloadStyle::Endpoint
    };
    let payload = wire::details_payload(&filter.endpoint_id, &matching, sim.time_zone(), style);
    let body = sim
        .envelope(
            now,
            addon_usage_core::names::CODE_SUCCESS,
            wire::CODE_DETAIL_SUCCESS,
            "Success",
        )
        .with(Some(payload));
    Json(body).into_response()
}

/// The parameters of a details query, checked.
#[derive(Debug, PartialEq, Eq)]
struct DetailsQuery {
    endpoint_id: String,
    unique_id: Option<String>,
    addon_id: Option<String>,
}

impl DetailsQuery {
    /// Reads the parameters (names compared without regard to case); an error is an SFT
    /// result code and description.
    fn read(params: &HashMap<String, String>) -> Result<Self, (&'static str, String)> {
        let get = |name: &str| -> Result<Option<String>, (&'static str, String)> {
            let value = params
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v);
            match value.map(|v| v.trim()) {
                None | Some("") => Ok(None),
                Some(v) if v.bytes().all(|b| b.is_ascii_digit()) => Ok(Some(v.to_owned())),
                Some(_) => Err((
                    wire::CODE_INVALID_PARAMETER,
                    format!("Invalid value for {name}"),
                )),
            }
        };

        let endpoint_id = get("endPointId")?.ok_or((
            wire::CODE_MISSING_PARAMETER,
            "Mandatory parameter endPointId is missing".to_owned(),
        ))?;
        Ok(Self {
            endpoint_id,
            unique_id: get("uniqueId")?,
            addon_id: get("addonId")?,
        })
    }
}

/// The token in `X-Authorization: Bearer <token>`.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get("x-authorization")?.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("Bearer")
        .then_some(token.trim())
        .filter(|t| !t.is_empty())
}

fn token_pair((access, refresh): (String, String)) -> Response {
    Json(json!({ "AccessToken": access, "RefreshToken": refresh })).into_response()
}

/// A JSON answer with `status`.
pub(crate) fn json_answer(status: StatusCode, body: Value) -> Response {
    (status, Json(body)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    /// The (endPointId, uniqueId, addonId) read, or the SFT code of the refusal.
    type Expected =
        Result<(&'static str, Option<&'static str>, Option<&'static str>), &'static str>;

    #[test]
    fn details_queries_are_checked_like_sft_does() {
        let cases: [(&[(&str, &str)], Expected); 7] = [
            (&[("endPointId", "880154")], Ok(("880154", None, None))),
            (
                &[("endpointid", "880154"), ("uniqueId", "5512001")],
                Ok(("880154", Some("5512001"), None)),
            ),
            (
                &[("endPointId", "880154"), ("addonId", "3102")],
                Ok(("880154", None, Some("3102"))),
            ),
            (
                &[("endPointId", "880154"), ("uniqueId", "")],
                Ok(("880154", None, None)),
            ),
            (&[], Err(wire::CODE_MISSING_PARAMETER)),
            (
                &[("endPointId", "88o154")],
                Err(wire::CODE_INVALID_PARAMETER),
            ),
            (
                &[("endPointId", "880154"), ("addonId", "31-02")],
                Err(wire::CODE_INVALID_PARAMETER),
            ),
        ];

        for (pairs, expected) in cases {
            let read = DetailsQuery::read(&params(pairs));

            let read = read
                .map(|q| (q.endpoint_id, q.unique_id, q.addon_id))
                .map_err(|e| e.0);
            let expected = expected
                .map(|(e, u, a)| (e.to_owned(), u.map(str::to_owned), a.map(str::to_owned)));
            assert_eq!(read, expected, "{pairs:?}");
        }
    }

    #[test]
    fn bearer_tokens_are_read_from_x_authorization_only() {
        let cases = [
            (Some(("x-authorization", "Bearer abc.def")), Some("abc.def")),
            (Some(("x-authorization", "bearer abc")), Some("abc")),
            (Some(("x-authorization", "Basic abc")), None),
            (Some(("x-authorization", "Bearer ")), None),
            (Some(("authorization", "Bearer abc")), None),
            (None, None),
        ];

        for (header, expected) in cases {
            let mut headers = HeaderMap::new();
            if let Some((name, value)) = header {
                headers.insert(name, HeaderValue::from_static(value));
            }

            assert_eq!(bearer(&headers), expected, "{header:?}");
        }
    }
}
