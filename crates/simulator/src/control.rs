//! The control routes under `/sim/`: not part of SFT, for demos and tests to move the
//! clock, inject faults and read what the simulator holds.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use crate::api::json_answer;
use crate::{Faults, Simulator};

/// The `/sim/` routes.
pub(crate) fn routes() -> Router<Simulator> {
    Router::new()
        .route("/sim/clock", get(clock))
        .route("/sim/clock/advance", post(advance))
        .route("/sim/clock/freeze", post(freeze))
        .route("/sim/clock/resume", post(resume))
        .route("/sim/faults", get(faults).post(set_faults))
        .route("/sim/calls", get(calls))
        .route("/sim/endpoints/{id}", get(endpoint))
        .route("/sim/traveler", get(traveler))
}

fn clock_answer(sim: &Simulator) -> Response {
    Json(json!({ "now": sim.now().to_rfc3339(), "frozen": sim.is_frozen() })).into_response()
}

async fn clock(State(sim): State<Simulator>) -> Response {
    clock_answer(&sim)
}

/// Body of `POST /sim/clock/advance`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Advance {
    minutes: i64,
}

async fn advance(State(sim): State<Simulator>, Json(by): Json<Advance>) -> Response {
    sim.advance(chrono::Duration::minutes(by.minutes));
    clock_answer(&sim)
}

async fn freeze(State(sim): State<Simulator>) -> Response {
    sim.set_frozen(true);
    clock_answer(&sim)
}

async fn resume(State(sim): State<Simulator>) -> Response {
    sim.set_frozen(false);
    clock_answer(&sim)
}

/// Body of `POST /sim/faults`: every field optional; `{}` clears all faults.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FaultsRequest {
    #[serde(default)]
    stall_ms: Option<u64>,
    #[serde(default)]
    status: Option<u16>,
    #[serde(default)]
    retry_after_secs: Option<u64>,
    #[serde(default)]
    html: bool,
    #[serde(default)]
    expire_tokens: bool,
}

async fn faults(State(sim): State<Simulator>) -> Response {
    Json(sim.faults()).into_response()
}

async fn set_faults(State(sim): State<Simulator>, Json(request): Json<FaultsRequest>) -> Response {
    if let Some(status) = request.status.filter(|s| !(100..=599).contains(s)) {
        let message = format!("status {status} is not an HTTP status (100-599)");
        return json_answer(StatusCode::BAD_REQUEST, json!({ "error": message }));
    }
    sim.set_faults(Faults {
        stall_ms: request.stall_ms,
        status: request.status,
        retry_after_secs: request.retry_after_secs,
        html: request.html,
    });
    if request.expire_tokens {
        sim.expire_tokens();
    }
    Json(sim.faults()).into_response()
}

async fn calls(State(sim): State<Simulator>) -> Response {
    Json(sim.calls()).into_response()
}

async fn endpoint(State(sim): State<Simulator>, Path(id): Path<String>) -> Response {
    match sim.endpoint_instances(&id) {
        Some(instances) => Json(instances).into_response(),
        None => json_answer(
            StatusCode::NOT_FOUND,
            json!({ "error": format!("no endpoint {id}") }),
        ),
    }
}

async fn traveler(State(sim): State<Simulator>) -> Response {
    Json(sim.demo_traveler()).into_response()
}
