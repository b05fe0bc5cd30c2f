//! The simulator as its clients see it: SFT calls and `/sim/` control routes over HTTP,
//! with a frozen clock so every answer is deterministic.

use std::collections::HashSet;
use std::time::{Duration as StdDuration, Instant};

use addon_usage_core::correlate::correlate;
use addon_usage_core::sft::{parse_addon_details, AddonDetails, SftError};
use addon_usage_core::status::{instance_status, Status};
use addon_usage_core::BenefitKind;
use addon_usage_simulator::{Faults, SimConfig, SimInstance, Simulator, TokenExpiryForm};
use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use serde_json::{json, Value};
use tower::ServiceExt;

const EUROPE: &str = "880154";
const JAPAN: &str = "880299";
const MIB: i64 = 1024 * 1024;

fn zone() -> Tz {
    "Europe/Brussels".parse().unwrap()
}

fn start() -> DateTime<Utc> {
    "2026-12-04T09:12:44Z".parse().unwrap()
}

fn frozen_simulator() -> Simulator {
    Simulator::new(SimConfig {
        time_zone: zone(),
        start: start(),
        frozen: true,
        ..SimConfig::default()
    })
}

/// An answer: status, headers and body text.
struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap()
    }

    fn details(&self) -> Result<AddonDetails, SftError> {
        parse_addon_details(&self.body, zone())
    }

    fn result_code(&self) -> String {
        self.json()["Response"]["resultParam"]["resultCode"]
            .as_str()
            .unwrap()
            .to_owned()
    }
}

async fn send(sim: &Simulator, request: Request<Body>) -> Answer {
    let response = sim.router().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    Answer {
        status,
        headers,
        body: String::from_utf8(bytes.to_vec()).unwrap(),
    }
}

async fn post_json(sim: &Simulator, path: &str, body: Value) -> Answer {
    let request = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    send(sim, request).await
}

async fn get(sim: &Simulator, path: &str) -> Answer {
    send(sim, Request::get(path).body(Body::empty()).unwrap()).await
}

async fn login_answer(sim: &Simulator, username: &str, password: &str) -> Answer {
    post_json(
        sim,
        "/api/login",
        json!({ "username": username, "password": password }),
    )
    .await
}

/// Logs in with the default credentials: (access, refresh).
async fn login(sim: &Simulator) -> (String, String) {
    let answer = login_answer(sim, "demo", "demo-password").await;
    let tokens = answer.json();
    (
        tokens["AccessToken"].as_str().unwrap().to_owned(),
        tokens["RefreshToken"].as_str().unwrap().to_owned(),
    )
}

async fn refresh(sim: &Simulator, refresh_token: &str) -> Answer {
    let request = Request::get("/api/RefreshToken")
        .header("X-Authorization", format!("Bearer {refresh_token}"))
        .body(Body::empty())
        .unwrap();
    send(sim, request).await
}

async fn details(sim: &Simulator, access: &str, query: &str) -> Answer {
    let request = Request::get(format!("/api/GetEndpointAddonDetails?{query}"))
        .header("X-Authorization", format!("Bearer {access}"))
        .header("X-Requested-With", "XMLHttpRequest")
        .body(Body::empty())
        .unwrap();
    send(sim, request).await
}

fn data_remaining(instances: &[SimInstance]) -> Vec<(String, i64)> {
    let data = instances.iter().flat_map(|i| {
        i.benefits
            .iter()
            .filter(|b| b.name == "DATA")
            .map(|b| (i.unique_id.clone(), b.remaining))
    });
    data.collect()
}

// --- login and tokens -------------------------------------------------------------

#[tokio::test]
async fn login_with_the_configured_credentials_returns_a_jwt_shaped_pair() {
    let sim = frozen_simulator();

    let answer = login_answer(&sim, "demo", "demo-password").await;

    assert_eq!(answer.status, StatusCode::OK);
    let tokens = answer.json();
    for key in ["AccessToken", "RefreshToken"] {
        assert_eq!(tokens[key].as_str().unwrap().split('.').count(), 3, "{key}");
    }
}

#[tokio::test]
async fn login_with_wrong_credentials_is_refused_with_401_and_an_sft_envelope() {
    let sim = frozen_simulator();

    let answer = login_answer(&sim, "demo", "guess").await;

    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(answer.json()["Response"]["resultCode"], "1");
    assert_eq!(answer.result_code(), "401");
}

#[tokio::test]
async fn an_expired_access_token_is_answered_as_http_401_and_in_body_in_turn() {
    let sim = frozen_simulator();
    let (access, _) = login(&sim).await;
    sim.advance(Duration::seconds(301));

    let first = details(&sim, &access, "endPointId=880154").await;
    let second = details(&sim, &access, "endPointId=880154").await;

    assert_eq!(first.status, StatusCode::UNAUTHORIZED);
    assert_eq!(second.status, StatusCode::OK);
    assert_eq!(second.details(), Err(SftError::TokenExpired));
    assert_eq!(
        first.details(),
        Err(SftError::TokenExpired),
        "the 401 carries the envelope too"
    );
}

#[tokio::test]
async fn the_expiry_form_can_be_fixed() {
    let cases = [
        (TokenExpiryForm::Http401, StatusCode::UNAUTHORIZED),
        (TokenExpiryForm::InBody, StatusCode::OK),
    ];

    for (form, expected) in cases {
        let sim = frozen_simulator();
        let (access, _) = login(&sim).await;
        sim.set_token_expiry_form(form);
        sim.advance(Duration::minutes(6));

        let answers = [
            details(&sim, &access, "endPointId=880154").await,
            details(&sim, &access, "endPointId=880154").await,
        ];

        for answer in answers {
            assert_eq!(answer.status, expected, "{form:?}");
            assert_eq!(answer.details(), Err(SftError::TokenExpired), "{form:?}");
        }
    }
}

#[tokio::test]
async fn an_access_token_works_until_its_ttl() {
    let sim = frozen_simulator();
    let (access, _) = login(&sim).await;
    sim.advance(Duration::seconds(299));

    let answer = details(&sim, &access, "endPointId=880154").await;

    assert!(answer.details().is_ok());
}

#[tokio::test]
async fn refreshing_gives_a_new_working_pair() {
    let sim = frozen_simulator();
    let (_, refresh_token) = login(&sim).await;
    sim.advance(Duration::hours(2));

    let answer = refresh(&sim, &refresh_token).await;
    let access = answer.json()["AccessToken"].as_str().unwrap().to_owned();
    let after = details(&sim, &access, "endPointId=880154").await;

    assert_eq!(answer.status, StatusCode::OK);
    assert!(answer.json()["RefreshToken"].is_string());
    assert!(after.details().is_ok());
}

#[tokio::test]
async fn refreshing_with_an_expired_unknown_or_access_token_is_http_401() {
    let sim = frozen_simulator();
    let (access, refresh_token) = login(&sim).await;

    let with_access = refresh(&sim, &access).await;
    let with_garbage = refresh(&sim, "not-a-token").await;
    sim.advance(Duration::days(1) + Duration::seconds(1));
    let with_expired = refresh(&sim, &refresh_token).await;

    for answer in [with_access, with_garbage, with_expired] {
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    }
}

#[tokio::test]
async fn details_without_token_or_xhr_header_are_refused() {
    let sim = frozen_simulator();
    let (access, _) = login(&sim).await;
    let no_token = Request::get("/api/GetEndpointAddonDetails?endPointId=880154")
        .header("X-Requested-With", "XMLHttpRequest")
        .body(Body::empty())
        .unwrap();
    let no_xhr = Request::get("/api/GetEndpointAddonDetails?endPointId=880154")
        .header("X-Authorization", format!("Bearer {access}"))
        .body(Body::empty())
        .unwrap();
    let plain_authorization = Request::get("/api/GetEndpointAddonDetails?endPointId=880154")
        .header("Authorization", format!("Bearer {access}"))
        .header("X-Requested-With", "XMLHttpRequest")
        .body(Body::empty())
        .unwrap();

    let no_token = send(&sim, no_token).await;
    let no_xhr = send(&sim, no_xhr).await;
    let plain_authorization = send(&sim, plain_authorization).await;

    assert_eq!(no_token.status, StatusCode::UNAUTHORIZED);
    assert_eq!(no_xhr.status, StatusCode::FORBIDDEN);
    assert_eq!(plain_authorization.status, StatusCode::UNAUTHORIZED);
}

// --- add-on details ----------------------------------------------------------------

#[tokio::test]
async fn endpoint_details_parse_to_exactly_what_the_simulator_holds() {
    let sim = frozen_simulator();
    let (access, _) = login(&sim).await;

    for endpoint in [EUROPE, JAPAN] {
        let answer = details(&sim, &access, &format!("endPointId={endpoint}")).await;
        let parsed = answer.details().unwrap();
        let held = sim.endpoint_instances(endpoint).unwrap();

        assert_eq!(
            answer.json()["Response"]["responseParam"]["endPointId"],
            endpoint
        );
        assert!(parsed.skipped.is_empty(), "{:?}", parsed.skipped);
        assert_eq!(parsed.responded_at, Some(start()));
        assert_eq!(parsed.instances.len(), held.len());
        for (got, want) in parsed.instances.iter().zip(&held) {
            assert_eq!(got.unique_id, want.unique_id);
            assert_eq!(got.addon_id, want.plan_id);
            assert_eq!(got.plan_name, want.plan_name);
            assert_eq!((got.starts_at, got.expires_at), (want.start, want.expiry));
            let got_benefits: Vec<_> = got
                .benefits
                .iter()
                .map(|b| (b.starts_at, b.expires_at, b.remaining, b.total))
                .collect();
            let want_benefits: Vec<_> = want
                .benefits
                .iter()
                .map(|b| (b.start, b.expiry, b.remaining, b.total))
                .collect();
            assert_eq!(got_benefits, want_benefits, "{}", want.unique_id);
            let got_counters: Vec<_> = got
                .counters
                .iter()
                .map(|c| (c.name.clone(), c.current_bytes, c.threshold_bytes))
                .collect();
            let want_counters: Vec<_> = want
                .counters
                .iter()
                .map(|c| (c.name.clone(), c.current_mb * MIB, c.threshold_mb * MIB))
                .collect();
            assert_eq!(got_counters, want_counters, "{}", want.unique_id);
        }
    }
}

#[tokio::test]
async fn the_demo_holds_an_add_on_in_every_state() {
    let sim = frozen_simulator();
    let (access, _) = login(&sim).await;

    let europe = details(&sim, &access, "endPointId=880154")
        .await
        .details()
        .unwrap();
    let japan = details(&sim, &access, "endPointId=880299")
        .await
        .details()
        .unwrap();

    let status_of = |instances: &[addon_usage_core::AddonInstance]| -> Vec<(String, Status)> {
        instances
            .iter()
            .map(|i| (i.unique_id.clone(), instance_status(i, start())))
            .collect()
    };
    let europe = status_of(&europe.instances);
    let japan = status_of(&japan.instances);
    let expected_europe = [
        ("5512001", Status::Active),
        ("5512077", Status::NotStarted),
        ("5511890", Status::UsedUp),
        ("5512021", Status::Active),
        ("5509800", Status::Expired),
    ];
    let expected_japan = [
        ("5520388", Status::Active),
        ("5520001", Status::Active),
        ("5520410", Status::Scheduled),
    ];
    let owned = |list: &[(&str, Status)]| {
        list.iter()
            .map(|(id, s)| (id.to_string(), *s))
            .collect::<Vec<_>>()
    };
    assert_eq!(europe, owned(&expected_europe));
    assert_eq!(japan, owned(&expected_japan));
}

#[tokio::test]
async fn the_big_data_add_on_has_a_short_lived_sms_benefit_and_two_counters() {
    let sim = frozen_simulator();
    let (access, _) = login(&sim).await;

    let parsed = details(&sim, &access, "endPointId=880154&uniqueId=5512001")
        .await
        .details()
        .unwrap();

    let plan = &parsed.instances[0];
    let sms = plan
        .benefits
        .iter()
        .find(|b| b.kind == BenefitKind::Sms)
        .unwrap();
    assert!(sms.expires_at.unwrap() < plan.expires_at.unwrap());
    assert!(
        sms.expires_at.unwrap() > start(),
        "still usable for a few hours"
    );
    let actions: Vec<_> = plan
        .counters
        .iter()
        .map(|c| (c.name.as_str(), c.action.clone()))
        .collect();
    assert_eq!(
        actions,
        [
            (
                "Daily_Data",
                addon_usage_core::CounterAction::Throttle { kbps: 512 }
            ),
            ("Monthly_Data", addon_usage_core::CounterAction::Redirect),
        ]
    );
    assert_eq!(plan.counters[0].threshold_bytes, 2048 * MIB);
}

#[tokio::test]
async fn a_unique_id_query_answers_one_instance_under_info_with_bare_objects() {
    let sim = frozen_simulator();
    let (access, _) = login(&sim).await;

    let answer = details(&sim, &access, "endPointId=880154&uniqueId=5512021").await;

    let payload = &answer.json()["Response"]["info"];
    assert!(payload["promotionalPlans"]["plan"].is_object());
    assert!(payload["benefitInfo"]["benefit"].is_object());
    assert_eq!(payload["promotionalPlans"]["plan"]["uniqueId"], "5512021");
    let parsed = answer.details().unwrap();
    assert_eq!(parsed.instances.len(), 1);
    assert_eq!(parsed.instances[0].addon_id, "3102");
}

#[tokio::test]
async fn an_addon_id_query_answers_every_instance_of_that_plan() {
    let sim = frozen_simulator();
    let (access, _) = login(&sim).await;

    let parsed = details(&sim, &access, "endPointId=880154&addonId=3102")
        .await
        .details()
        .unwrap();

    let ids: Vec<_> = parsed
        .instances
        .iter()
        .map(|i| i.unique_id.as_str())
        .collect();
    assert_eq!(ids, ["5511890", "5512021"]);
}

#[tokio::test]
async fn endpoint_answers_mix_numbers_and_numeric_strings() {
    let sim = frozen_simulator();
    let (access, _) = login(&sim).await;

    let answer = details(&sim, &access, "endPointId=880154").await.json();

    let plans = answer["Response"]["responseParam"]["promotionalPlans"]["plan"]
        .as_array()
        .unwrap()
        .clone();
    assert!(plans.iter().any(|p| p["uniqueId"].is_number()));
    assert!(plans.iter().any(|p| p["uniqueId"].is_string()));
    assert!(plans.iter().any(|p| p["planStartDate"] == "-"));
}

#[tokio::test]
async fn an_unknown_endpoint_is_an_sft_failure_with_its_code() {
    let sim = frozen_simulator();
    let (access, _) = login(&sim).await;

    let answer = details(&sim, &access, "endPointId=999999").await;

    assert_eq!(answer.status, StatusCode::OK);
    assert!(matches!(answer.details(), Err(SftError::Rejected { code, .. }) if code == "1204"));
}

#[tokio::test]
async fn nothing_matching_is_the_1359_no_data_answer_and_an_empty_list() {
    let sim = frozen_simulator();
    let (access, _) = login(&sim).await;

    for query in [
        "endPointId=880154&addonId=9999",
        "endPointId=880299&uniqueId=5512001",
    ] {
        let answer = details(&sim, &access, query).await;

        assert_eq!(answer.result_code(), "1359", "{query}");
        assert_eq!(answer.details().unwrap().instances, vec![], "{query}");
    }
}

#[tokio::test]
async fn malformed_queries_are_sft_failures_with_http_400() {
    let sim = frozen_simulator();
    let (access, _) = login(&sim).await;
    let cases = [
        ("", "1001"),
        ("uniqueId=5512001", "1001"),
        ("endPointId=abc", "1002"),
        ("endPointId=880154&uniqueId=55-12", "1002"),
        ("endPointId=880154&addonId=x", "1002"),
    ];

    for (query, code) in cases {
        let answer = details(&sim, &access, query).await;

        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(answer.result_code(), code, "{query}");
    }
}

// --- balances over time ------------------------------------------------------------

#[tokio::test]
async fn balances_fall_in_irregular_steps_as_the_clock_advances() {
    let sim = frozen_simulator();
    let before = data_remaining(&sim.endpoint_instances(EUROPE).unwrap());
    let mut seen: Vec<Vec<(String, i64)>> = Vec::new();

    for _ in 0..6 * 60 {
        sim.advance(Duration::minutes(1));
        seen.push(data_remaining(&sim.endpoint_instances(EUROPE).unwrap()));
    }

    let after = seen.last().unwrap();
    let big_plan = |list: &[(String, i64)]| list.iter().find(|(id, _)| id == "5512001").unwrap().1;
    assert!(
        big_plan(after) < big_plan(&before),
        "the active plan was used"
    );
    let values: HashSet<i64> = seen.iter().map(|list| big_plan(list)).collect();
    assert!(values.len() > 3, "several rating batches in 6 hours");
    assert!(
        values.len() < 6 * 60 / 10,
        "not every minute: {}",
        values.len()
    );
    assert!(seen.iter().flatten().all(|(_, remaining)| *remaining >= 0));
    let not_started =
        |list: &[(String, i64)]| list.iter().find(|(id, _)| id == "5512077").unwrap().1;
    assert_eq!(
        not_started(after),
        not_started(&before),
        "an On Usage add-on is not used"
    );
}

#[tokio::test]
async fn a_details_answer_six_hours_later_shows_lower_balances() {
    let sim = frozen_simulator();
    let (access, refresh_token) = login(&sim).await;
    let before = details(&sim, &access, "endPointId=880299&uniqueId=5520388")
        .await
        .details()
        .unwrap();

    sim.advance(Duration::hours(6));
    let renewed = refresh(&sim, &refresh_token).await.json();
    let access = renewed["AccessToken"].as_str().unwrap();
    let after = details(&sim, access, "endPointId=880299&uniqueId=5520388")
        .await
        .details()
        .unwrap();

    let data = |d: &AddonDetails| d.instances[0].benefits[0].remaining;
    assert!(
        data(&after) < data(&before),
        "{} -> {}",
        data(&before),
        data(&after)
    );
}

#[tokio::test]
async fn active_add_ons_last_through_the_first_two_days_and_nothing_goes_negative() {
    let sim = frozen_simulator();

    sim.advance(Duration::days(2));
    let europe = sim.endpoint_instances(EUROPE).unwrap();
    let now = sim.now();

    let active = europe
        .iter()
        .filter(|i| i.start.is_some_and(|s| s <= now) && i.expiry.is_some_and(|e| e > now));
    for instance in active {
        let data = instance.benefits.iter().find(|b| b.name == "DATA").unwrap();
        assert!(data.remaining > 0, "{} ran out", instance.unique_id);
    }
    sim.advance(Duration::days(60));
    for endpoint in [EUROPE, JAPAN] {
        let all = sim.endpoint_instances(endpoint).unwrap();
        assert!(all
            .iter()
            .flat_map(|i| &i.benefits)
            .all(|b| b.remaining >= 0 && b.remaining <= b.total));
    }
}

#[tokio::test]
async fn recurring_passes_renew_as_the_clock_passes_each_period() {
    let sim = frozen_simulator();
    let count = |sim: &Simulator| {
        sim.endpoint_instances(EUROPE)
            .unwrap()
            .iter()
            .filter(|i| i.plan_id == "3102")
            .count()
    };

    let at_start = count(&sim);
    sim.advance(Duration::days(1));
    let next_day = count(&sim);
    sim.advance(Duration::days(30));
    let much_later = count(&sim);

    assert_eq!(at_start, 2);
    assert_eq!(next_day, 3);
    assert_eq!(much_later, 5, "up to the subscription count");
    let ids: HashSet<String> = sim
        .endpoint_instances(EUROPE)
        .unwrap()
        .into_iter()
        .map(|i| i.unique_id)
        .collect();
    assert_eq!(ids.len(), 4 + 4, "unique ids stay unique");
}

// --- faults --------------------------------------------------------------------------

#[tokio::test]
async fn a_status_fault_answers_every_sft_call_with_it_and_retry_after() {
    let sim = frozen_simulator();
    sim.set_faults(Faults {
        status: Some(429),
        retry_after_secs: Some(7),
        ..Faults::default()
    });

    let answer = login_answer(&sim, "demo", "demo-password").await;
    let control = get(&sim, "/sim/clock").await;

    assert_eq!(answer.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(answer.headers[header::RETRY_AFTER], "7");
    assert_eq!(
        control.status,
        StatusCode::OK,
        "control routes are not faulted"
    );
}

#[tokio::test]
async fn an_html_fault_answers_200_with_a_page_the_parser_refuses() {
    let sim = frozen_simulator();
    let (access, _) = login(&sim).await;
    sim.set_faults(Faults {
        html: true,
        ..Faults::default()
    });

    let answer = details(&sim, &access, "endPointId=880154").await;

    assert_eq!(answer.status, StatusCode::OK);
    assert!(answer.headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(matches!(answer.details(), Err(SftError::Malformed(_))));
}

#[tokio::test]
async fn a_stall_fault_delays_sft_answers() {
    let sim = frozen_simulator();
    sim.set_faults(Faults {
        stall_ms: Some(300),
        ..Faults::default()
    });

    let started = Instant::now();
    let answer = login_answer(&sim, "demo", "demo-password").await;

    assert!(started.elapsed() >= StdDuration::from_millis(300));
    assert_eq!(answer.status, StatusCode::OK);
}

#[tokio::test]
async fn expiring_tokens_invalidates_access_tokens_but_not_refresh_tokens() {
    let sim = frozen_simulator();
    let (access, refresh_token) = login(&sim).await;

    let answer = post_json(&sim, "/sim/faults", json!({ "expire_tokens": true })).await;
    let expired = details(&sim, &access, "endPointId=880154").await;
    let renewed = refresh(&sim, &refresh_token).await;

    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(expired.status, StatusCode::UNAUTHORIZED);
    assert_eq!(renewed.status, StatusCode::OK);
}

#[tokio::test]
async fn posting_empty_faults_clears_them() {
    let sim = frozen_simulator();
    post_json(
        &sim,
        "/sim/faults",
        json!({ "status": 500, "html": true, "stall_ms": 5 }),
    )
    .await;

    let cleared = post_json(&sim, "/sim/faults", json!({})).await;
    let answer = login_answer(&sim, "demo", "demo-password").await;

    assert_eq!(cleared.status, StatusCode::OK);
    assert_eq!(sim.faults(), Faults::default());
    assert_eq!(answer.status, StatusCode::OK);
}

#[tokio::test]
async fn faults_with_an_impossible_status_or_unknown_field_are_refused() {
    let sim = frozen_simulator();

    let bad_status = post_json(&sim, "/sim/faults", json!({ "status": 42 })).await;
    let typo = post_json(&sim, "/sim/faults", json!({ "stal_ms": 100 })).await;

    assert_eq!(bad_status.status, StatusCode::BAD_REQUEST);
    assert!(typo.status.is_client_error());
    assert_eq!(sim.faults(), Faults::default());
}

// --- counting and control routes ----------------------------------------------------

#[tokio::test]
async fn every_sft_call_is_counted_including_faulted_ones() {
    let sim = frozen_simulator();
    let (access, refresh_token) = login(&sim).await;
    details(&sim, &access, "endPointId=880154").await;
    details(&sim, &access, "endPointId=880299").await;
    refresh(&sim, &refresh_token).await;
    sim.set_faults(Faults {
        status: Some(500),
        ..Faults::default()
    });
    details(&sim, &access, "endPointId=880154").await;
    get(&sim, "/sim/clock").await;

    let over_http = get(&sim, "/sim/calls").await.json();

    assert_eq!(over_http, json!({ "login": 1, "refresh": 1, "details": 3 }));
    assert_eq!(sim.calls().details, 3);
}

#[tokio::test]
async fn clock_routes_advance_freeze_and_resume() {
    let sim = frozen_simulator();

    let advanced = post_json(&sim, "/sim/clock/advance", json!({ "minutes": 90 }))
        .await
        .json();
    let resumed = send(
        &sim,
        Request::post("/sim/clock/resume")
            .body(Body::empty())
            .unwrap(),
    )
    .await
    .json();
    let frozen = send(
        &sim,
        Request::post("/sim/clock/freeze")
            .body(Body::empty())
            .unwrap(),
    )
    .await
    .json();
    let read = get(&sim, "/sim/clock").await.json();

    assert_eq!(
        advanced["now"],
        (start() + Duration::minutes(90)).to_rfc3339()
    );
    assert_eq!(resumed["frozen"], false);
    assert_eq!(frozen["frozen"], true);
    assert_eq!(read["now"], frozen["now"]);
}

#[tokio::test]
async fn the_endpoint_route_returns_raw_values_and_404_for_unknown_endpoints() {
    let sim = frozen_simulator();

    let known = get(&sim, "/sim/endpoints/880154").await;
    let unknown = get(&sim, "/sim/endpoints/123").await;

    let raw: Vec<SimInstance> = serde_json::from_str(&known.body).unwrap();
    assert_eq!(raw, sim.endpoint_instances(EUROPE).unwrap());
    assert_eq!(known.json()[1]["start"], Value::Null, "the On Usage add-on");
    assert!(known.json()[0]["benefits"][0]["remaining"].is_i64());
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

// --- the demo traveler --------------------------------------------------------------

#[tokio::test]
async fn the_demo_traveler_has_two_endpoints_and_purchases_that_correlate() {
    let sim = frozen_simulator();
    let (access, _) = login(&sim).await;

    let traveler = sim.demo_traveler();
    let japan = details(&sim, &access, "endPointId=880299")
        .await
        .details()
        .unwrap()
        .instances;
    let pairing = correlate(JAPAN, &japan, &traveler.purchases);

    let labels: Vec<_> = traveler
        .endpoints
        .iter()
        .map(|e| (e.id.as_str(), e.label.as_str()))
        .collect();
    assert_eq!(labels, [(EUROPE, "Europe eSIM"), (JAPAN, "Japan eSIM")]);
    let product =
        |i: usize| pairing.purchase_of[i].map(|p| traveler.purchases[p].product_name.as_str());
    assert_eq!(
        product(0),
        Some("Japan 3 GB · 10 days"),
        "paired by addonId and time"
    );
    assert_eq!(
        product(1),
        None,
        "the support-assigned bonus has no purchase"
    );
    assert_eq!(product(2), Some("Japan 5 GB · 15 days"));
    assert!(traveler.purchases.iter().any(|p| p.unique_id.is_none()));
    assert!(traveler
        .purchases
        .iter()
        .all(|p| !japan.iter().any(|i| i.plan_name == p.product_name)));
}

// --- serving over a socket ----------------------------------------------------------

#[tokio::test]
async fn a_served_simulator_answers_on_its_url_until_shut_down() {
    let sim = frozen_simulator();
    let running = sim
        .clone()
        .serve("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let url = running.url();
    let client = reqwest::Client::new();

    let login = client
        .post(format!("{url}/api/login"))
        .json(&json!({ "username": "demo", "password": "demo-password" }))
        .send()
        .await
        .unwrap();
    let status = login.status();
    running.shutdown().await;
    let after = client.post(format!("{url}/api/login")).send().await;

    assert!(url.starts_with("http://127.0.0.1:"));
    assert_eq!(status.as_u16(), 200);
    assert!(after.is_err(), "nothing listens after shutdown");
    assert_eq!(sim.calls().login, 1);
}
