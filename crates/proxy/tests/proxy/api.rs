//! The API the widget relies on: the traveler, add-ons with the simulator's figures,
//! token renewal, coalescing, SFT failures, id checks, and serving the widget.

use std::path::Path;
use std::time::{Duration, Instant};

use addon_usage_core::{BenefitKind, Traveler};
use addon_usage_proxy::{start, ProxyConfig, StartError};
use addon_usage_simulator::{Faults, SimConfig, TokenExpiryForm};
use reqwest::StatusCode;

use crate::support::*;

#[tokio::test]
async fn traveler_lists_the_demo_endpoints_and_purchases() {
    let proxy = uncached_proxy().await;

    let response = get(&proxy, "/api/v1/traveler").await;

    assert_eq!(response.status(), StatusCode::OK);
    let traveler: Traveler = response.json().await.unwrap();
    assert_eq!(traveler, simulator(&proxy).demo_traveler());
    let ids: Vec<&str> = traveler.endpoints.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, [EUROPE, JAPAN]);
    assert!(!traveler.purchases.is_empty());
    proxy.shutdown().await;
}

#[tokio::test]
async fn addons_carry_the_simulators_figures() {
    let proxy = uncached_proxy().await;
    let sim = simulator(&proxy);

    let snapshot = addons(&proxy, "/api/v1/endpoints/880154/addons").await;

    let expected = sim.endpoint_instances(EUROPE).unwrap();
    assert_eq!(snapshot.endpoint_id, EUROPE);
    assert_eq!(snapshot.fetched_at, sim.now());
    assert_eq!(snapshot.sft_time_zone, "UTC");
    assert_eq!(snapshot.instances.len(), expected.len());
    for (got, want) in snapshot.instances.iter().zip(&expected) {
        assert_eq!(got.unique_id, want.unique_id);
        assert_eq!(got.addon_id, want.plan_id);
        assert_eq!(got.plan_name, want.plan_name);
        assert_eq!((got.starts_at, got.expires_at), (want.start, want.expiry));
        let figures: Vec<_> = got
            .benefits
            .iter()
            .map(|b| (b.remaining, b.total))
            .collect();
        let wanted: Vec<_> = want
            .benefits
            .iter()
            .map(|b| (b.remaining, b.total))
            .collect();
        assert_eq!(figures, wanted, "benefits of {}", got.unique_id);
        let thresholds: Vec<_> = got.counters.iter().map(|c| c.threshold_bytes).collect();
        let wanted: Vec<_> = want.counters.iter().map(|c| c.threshold_mb << 20).collect();
        assert_eq!(thresholds, wanted, "counters of {}", got.unique_id);
    }
    assert!(snapshot
        .instances
        .iter()
        .any(|i| i.benefits.iter().any(|b| b.kind == BenefitKind::Data)));
    proxy.shutdown().await;
}

#[tokio::test]
async fn counters_say_when_they_reset_at_the_next_sft_midnight_or_month_start() {
    let proxy = uncached_proxy().await;
    let now = simulator(&proxy).now();

    let snapshot = addons(&proxy, "/api/v1/endpoints/880154/addons").await;

    let counters: Vec<_> = snapshot
        .instances
        .iter()
        .flat_map(|i| &i.counters)
        .collect();
    assert!(!counters.is_empty());
    for counter in counters {
        let reset = counter.resets_at.expect("every demo counter has a period");
        let next_midnight = (now.date_naive() + chrono::Days::new(1))
            .and_hms_opt(0, 0, 0)
            .unwrap();
        match counter.frequency.as_deref() {
            Some("Daily") => assert_eq!(reset.naive_utc(), next_midnight, "{}", counter.name),
            Some("Monthly") => {
                assert!(
                    reset > now && reset.naive_utc().format("%d %H:%M").to_string() == "01 00:00"
                )
            }
            other => panic!("unexpected frequency {other:?}"),
        }
    }
    proxy.shutdown().await;
}

#[tokio::test]
async fn addons_in_another_time_zone_keep_the_same_instants() {
    let proxy = proxy_with(Path::new("/nonexistent"), |c| {
        c.sft_time_zone = "Europe/Brussels".into();
    })
    .await;
    let sim = simulator(&proxy);

    let snapshot = addons(&proxy, "/api/v1/endpoints/880154/addons").await;

    let expected = sim.endpoint_instances(EUROPE).unwrap();
    assert_eq!(snapshot.sft_time_zone, "Europe/Brussels");
    let starts: Vec<_> = snapshot.instances.iter().map(|i| i.starts_at).collect();
    assert_eq!(starts, expected.iter().map(|i| i.start).collect::<Vec<_>>());
    proxy.shutdown().await;
}

#[tokio::test]
async fn a_unique_id_or_addon_id_query_keeps_only_matching_instances() {
    let proxy = uncached_proxy().await;
    let expected = simulator(&proxy).endpoint_instances(EUROPE).unwrap();
    let first = &expected[0];

    let by_unique = addons(
        &proxy,
        &format!(
            "/api/v1/endpoints/880154/addons?uniqueId={}",
            first.unique_id
        ),
    )
    .await;
    let by_addon = addons(
        &proxy,
        &format!("/api/v1/endpoints/880154/addons?addonId={}", first.plan_id),
    )
    .await;
    let unknown = addons(&proxy, "/api/v1/endpoints/880154/addons?uniqueId=1").await;

    let unique_ids: Vec<_> = by_unique
        .instances
        .iter()
        .map(|i| i.unique_id.as_str())
        .collect();
    assert_eq!(unique_ids, [first.unique_id.as_str()]);
    assert!(!by_addon.instances.is_empty());
    assert!(by_addon
        .instances
        .iter()
        .all(|i| i.addon_id == first.plan_id));
    assert!(unknown.instances.is_empty());
    proxy.shutdown().await;
}

#[tokio::test]
async fn an_expired_token_is_renewed_without_the_widget_noticing_in_either_form() {
    for form in [TokenExpiryForm::Http401, TokenExpiryForm::InBody] {
        let proxy = uncached_proxy().await;
        let sim = simulator(&proxy);
        sim.set_token_expiry_form(form);
        addons(&proxy, "/api/v1/endpoints/880154/addons").await;

        sim.expire_tokens();
        let response = get(&proxy, "/api/v1/endpoints/880154/addons").await;

        assert_eq!(response.status(), StatusCode::OK, "{form:?}");
        // login, details, details (refused), refresh, details
        assert_eq!(sim.calls(), calls(1, 1, 3), "{form:?}");
        proxy.shutdown().await;
    }
}

#[tokio::test]
async fn a_token_outlived_by_the_clock_is_renewed() {
    let proxy = uncached_proxy().await;
    let sim = simulator(&proxy);
    addons(&proxy, "/api/v1/endpoints/880154/addons").await;

    sim.advance(chrono::Duration::minutes(30));
    let response = get(&proxy, "/api/v1/endpoints/880154/addons").await;

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(sim.calls(), calls(1, 1, 3));
    proxy.shutdown().await;
}

#[tokio::test]
async fn when_the_refresh_token_has_expired_too_the_proxy_logs_in_again() {
    let proxy = uncached_proxy().await;
    let sim = simulator(&proxy);
    addons(&proxy, "/api/v1/endpoints/880154/addons").await;

    sim.advance(chrono::Duration::days(3));
    let response = get(&proxy, "/api/v1/endpoints/880154/addons").await;

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(sim.calls(), calls(2, 1, 3));
    proxy.shutdown().await;
}

#[tokio::test]
async fn concurrent_callers_that_meet_an_expired_token_renew_it_once() {
    let proxy = uncached_proxy().await;
    let sim = simulator(&proxy);
    addons(&proxy, "/api/v1/endpoints/880154/addons").await;
    let paths: Vec<String> = (1..=10)
        .flat_map(|n| [EUROPE, JAPAN].map(|e| format!("/api/v1/endpoints/{e}/addons?uniqueId={n}")))
        .collect();

    sim.expire_tokens();
    let responses = get_all(&proxy, paths).await;

    assert!(responses.iter().all(|r| r.status() == StatusCode::OK));
    let seen = sim.calls();
    assert_eq!((seen.login, seen.refresh), (1, 1));
    proxy.shutdown().await;
}

#[tokio::test]
async fn fifty_concurrent_requests_make_one_sft_call_and_a_second_round_makes_none() {
    let dir = tempfile::tempdir().unwrap();
    let proxy = proxy_with(dir.path(), |_| {}).await;
    let sim = simulator(&proxy);
    let path = || "/api/v1/endpoints/880154/addons".to_owned();

    let first = get_all(&proxy, (0..50).map(|_| path())).await;
    let after_first = sim.calls();
    let second = get_all(&proxy, (0..50).map(|_| path())).await;

    assert!(first
        .iter()
        .chain(&second)
        .all(|r| r.status() == StatusCode::OK));
    assert_eq!(after_first, calls(1, 0, 1));
    assert_eq!(sim.calls(), calls(1, 0, 1));
    proxy.shutdown().await;
}

#[tokio::test]
async fn a_stalled_sft_is_asked_once_more_then_answers_504_sft_timeout_in_bounded_time() {
    let proxy = proxy_with(Path::new("/nonexistent"), |c| {
        c.cache_ttl = Duration::ZERO;
        c.stale_if_error = Duration::ZERO;
        c.sft_timeout = Duration::from_millis(300);
        c.sft_retry_delay = Duration::from_millis(50);
    })
    .await;
    let sim = simulator(&proxy);
    addons(&proxy, "/api/v1/endpoints/880154/addons").await;
    sim.set_faults(Faults {
        stall_ms: Some(5_000),
        ..Faults::default()
    });

    let started = Instant::now();
    let response = get(&proxy, "/api/v1/endpoints/880154/addons").await;
    let took = started.elapsed();

    let (status, body) = error(response).await;
    assert_eq!(status, StatusCode::GATEWAY_TIMEOUT);
    assert_eq!(body.code, "sft_timeout");
    assert!(body.message.contains("try again"), "{}", body.message);
    assert!(took < Duration::from_millis(1_500), "took {took:?}");
    assert_eq!(sim.calls().details, 1 + 2, "the time-out was resent once");
    proxy.shutdown().await;
}

#[tokio::test]
async fn sft_failures_become_stable_json_errors() {
    let fault = |status: u16| Faults {
        status: Some(status),
        ..Faults::default()
    };
    let cases = [
        (fault(500), StatusCode::BAD_GATEWAY, "sft_unavailable"),
        (fault(503), StatusCode::BAD_GATEWAY, "sft_unavailable"),
        (
            Faults {
                html: true,
                ..Faults::default()
            },
            StatusCode::BAD_GATEWAY,
            "sft_unreadable",
        ),
        (fault(403), StatusCode::BAD_GATEWAY, "sft_rejected"),
    ];
    let proxy = uncached_proxy().await;
    let sim = simulator(&proxy);
    addons(&proxy, "/api/v1/endpoints/880154/addons").await;

    for (faults, expected_status, expected_code) in cases {
        sim.set_faults(faults.clone());
        let response = get(&proxy, "/api/v1/endpoints/880154/addons").await;

        let (status, body) = error(response).await;
        assert_eq!(
            (status, body.code.as_str()),
            (expected_status, expected_code),
            "{faults:?}"
        );
    }
    proxy.shutdown().await;
}

#[tokio::test]
async fn sft_429_becomes_503_sft_busy_with_its_retry_after() {
    let proxy = uncached_proxy().await;
    let sim = simulator(&proxy);
    addons(&proxy, "/api/v1/endpoints/880154/addons").await;
    sim.set_faults(Faults {
        status: Some(429),
        retry_after_secs: Some(42),
        ..Faults::default()
    });

    let response = get(&proxy, "/api/v1/endpoints/880154/addons").await;

    let retry_after = response.headers().get("retry-after").cloned();
    let (status, body) = error(response).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(body.code, "sft_busy");
    assert_eq!(retry_after.unwrap(), "42");
    proxy.shutdown().await;
}

#[tokio::test]
async fn an_unreachable_sft_is_sft_unavailable() {
    let config = real_sft_config("http://127.0.0.1:9".into(), "secret", None);
    let proxy = start(config).await.unwrap();

    let (status, body) = error(get(&proxy, "/api/v1/endpoints/880154/addons").await).await;

    assert_eq!(
        (status, body.code.as_str()),
        (StatusCode::BAD_GATEWAY, "sft_unavailable")
    );
    assert!(proxy.simulator.is_none());
    proxy.shutdown().await;
}

#[tokio::test]
async fn with_an_sft_url_the_proxy_logs_in_with_its_credentials_and_reads_the_purchases_file() {
    let (sim, running) = standalone_simulator().await;
    let purchases = write_purchases_file();
    let password = SimConfig::default().password;
    let config = real_sft_config(running.url(), &password, Some(purchases.path()));
    let proxy = start(config).await.unwrap();

    let traveler: Traveler = get(&proxy, "/api/v1/traveler").await.json().await.unwrap();
    let snapshot = addons(&proxy, "/api/v1/endpoints/880154/addons").await;

    assert!(proxy.simulator.is_none());
    let labels: Vec<_> = traveler
        .endpoints
        .iter()
        .map(|e| e.label.as_str())
        .collect();
    assert_eq!(
        labels,
        ["Europe eSIM", JAPAN],
        "labelled from the file, else by id"
    );
    let orders: Vec<_> = traveler
        .purchases
        .iter()
        .map(|p| p.order_id.as_str())
        .collect();
    assert_eq!(orders, ["EU-1", "JP-1"]);
    assert_eq!(
        snapshot.instances.len(),
        sim.endpoint_instances(EUROPE).unwrap().len()
    );
    assert_eq!(sim.calls(), calls(1, 0, 1));
    proxy.shutdown().await;
    running.shutdown().await;
}

#[tokio::test]
async fn wrong_sft_credentials_are_sft_rejected_telling_to_check_them() {
    let (_sim, running) = standalone_simulator().await;
    let proxy = start(real_sft_config(running.url(), "wrong", None))
        .await
        .unwrap();

    let (status, body) = error(get(&proxy, "/api/v1/endpoints/880154/addons").await).await;

    assert_eq!(
        (status, body.code.as_str()),
        (StatusCode::BAD_GATEWAY, "sft_rejected")
    );
    assert!(body.message.contains("credentials"), "{}", body.message);
    proxy.shutdown().await;
    running.shutdown().await;
}

#[tokio::test]
async fn malformed_ids_and_queries_are_400_and_never_reach_sft() {
    let paths = [
        "/api/v1/endpoints/88o154/addons",
        "/api/v1/endpoints/123456789012345678901/addons",
        "/api/v1/endpoints/%20880154/addons",
        "/api/v1/endpoints/880154/addons?uniqueId=abc",
        "/api/v1/endpoints/880154/addons?uniqueId=",
        "/api/v1/endpoints/880154/addons?addonId=1;2",
        "/api/v1/endpoints/880154/addons?uniqueId=1&addonId=2",
        "/api/v1/endpoints/880154/addons?uniqueId=1&uniqueId=2",
        "/api/v1/endpoints/880154/addons?planId=3101",
    ];
    let proxy = uncached_proxy().await;

    for path in paths {
        let (status, body) = error(get(&proxy, path).await).await;

        assert_eq!(
            (status, body.code.as_str()),
            (StatusCode::BAD_REQUEST, "bad_request"),
            "{path}"
        );
    }
    assert_eq!(simulator(&proxy).calls(), calls(0, 0, 0));
    proxy.shutdown().await;
}

#[tokio::test]
async fn an_endpoint_that_is_not_the_travelers_is_403_and_never_reaches_sft() {
    let proxy = uncached_proxy().await;

    let (status, body) = error(get(&proxy, "/api/v1/endpoints/880155/addons").await).await;

    assert_eq!(
        (status, body.code.as_str()),
        (StatusCode::FORBIDDEN, "endpoint_not_allowed")
    );
    assert_eq!(simulator(&proxy).calls(), calls(0, 0, 0));
    proxy.shutdown().await;
}

#[tokio::test]
async fn health_and_unknown_api_paths_answer_json() {
    let proxy = uncached_proxy().await;

    let health = get(&proxy, "/healthz").await;
    let unknown = get(&proxy, "/api/v2/anything").await;
    let post = reqwest::Client::new()
        .post(format!("{}/api/v1/traveler", proxy.url()))
        .send();
    let post = post.await.unwrap();

    assert_eq!(health.status(), StatusCode::OK);
    assert_eq!(
        health.json::<serde_json::Value>().await.unwrap(),
        serde_json::json!({"status": "ok"})
    );
    let (status, body) = error(unknown).await;
    assert_eq!(
        (status, body.code.as_str()),
        (StatusCode::NOT_FOUND, "not_found")
    );
    let (status, body) = error(post).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(body.code, "method_not_allowed");
    proxy.shutdown().await;
}

#[tokio::test]
async fn the_widget_is_served_with_a_fallback_to_index_html_for_page_paths() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("index.html"),
        "<!doctype html><title>widget</title>",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("app-85731baf6822e6f7.js"),
        "console.log('app')",
    )
    .unwrap();
    std::fs::write(dir.path().join("embed.js"), "import './app.js'").unwrap();
    std::fs::write(
        dir.path().join("sw.js"),
        "self.addEventListener('fetch', () => {})",
    )
    .unwrap();
    let proxy = proxy_with(dir.path(), |_| {}).await;
    let cases = [
        (
            "/",
            StatusCode::OK,
            Some("no-cache"),
            Some("<title>widget</title>"),
        ),
        (
            "/index.html",
            StatusCode::OK,
            Some("no-cache"),
            Some("<title>widget</title>"),
        ),
        (
            "/addon/123",
            StatusCode::OK,
            Some("no-cache"),
            Some("<title>widget</title>"),
        ),
        (
            "/app-85731baf6822e6f7.js",
            StatusCode::OK,
            Some("public, max-age=31536000, immutable"),
            None,
        ),
        ("/embed.js", StatusCode::OK, Some("no-cache"), None),
        ("/sw.js", StatusCode::OK, Some("no-cache"), None),
        ("/missing-1234.wasm", StatusCode::NOT_FOUND, None, None),
    ];

    for (path, expected_status, expected_cache, expected_text) in cases {
        let response = get(&proxy, path).await;

        assert_eq!(response.status(), expected_status, "{path}");
        let cache = response
            .headers()
            .get("cache-control")
            .map(|v| v.to_str().unwrap().to_owned());
        assert_eq!(cache.as_deref(), expected_cache, "{path}");
        let text = response.text().await.unwrap();
        if let Some(expected_text) = expected_text {
            assert!(text.contains(expected_text), "{path}: {text}");
        }
    }
    proxy.shutdown().await;
}

#[tokio::test]
async fn a_missing_widget_dir_is_503_telling_to_run_the_demo_command() {
    let proxy = uncached_proxy().await;

    let (status, body) = error(get(&proxy, "/").await).await;

    assert_eq!(
        (status, body.code.as_str()),
        (StatusCode::SERVICE_UNAVAILABLE, "widget_missing")
    );
    assert!(
        body.message.contains("cargo xtask demo"),
        "{}",
        body.message
    );
    proxy.shutdown().await;
}

#[tokio::test]
async fn a_real_sft_without_a_purchases_file_lists_the_tokens_endpoints_without_purchases() {
    let config = real_sft_config("http://127.0.0.1:9".into(), "secret", None);
    let proxy = start(config).await.unwrap();

    let response = get_as(&proxy, "/api/v1/traveler", Some(&token("t-9", &[EUROPE]))).await;

    assert_eq!(response.status(), StatusCode::OK);
    let traveler: Traveler = response.json().await.unwrap();
    assert_eq!(traveler.endpoints.len(), 1);
    assert_eq!(traveler.endpoints[0].label, EUROPE);
    assert!(traveler.purchases.is_empty());
    proxy.shutdown().await;
}

#[tokio::test]
async fn unusable_configurations_are_refused_as_configuration_errors() {
    let real = |tweak: fn(&mut ProxyConfig)| {
        let mut config = ProxyConfig {
            listen: "127.0.0.1:0".parse().unwrap(),
            sft_url: Some("https://sft.example".into()),
            sft_username: Some("user".into()),
            sft_password: Some("pw-hunter2".into()),
            jwt_hs256_secret: Some(SECRET.into()),
            ..ProxyConfig::default()
        };
        tweak(&mut config);
        config
    };
    let cases = [
        (
            "bad zone",
            real(|c| c.sft_time_zone = "Mars/Olympus".into()),
        ),
        ("no username", real(|c| c.sft_username = None)),
        ("no password", real(|c| c.sft_password = None)),
        (
            "not a URL",
            real(|c| c.sft_url = Some("sft.example".into())),
        ),
        (
            "missing purchases",
            real(|c| c.purchases_file = Some("/nonexistent.json".into())),
        ),
        ("no token key", real(|c| c.jwt_hs256_secret = None)),
        (
            "short token secret",
            real(|c| c.jwt_hs256_secret = Some("short".into())),
        ),
        (
            "two token keys",
            real(|c| c.jwt_rs256_public_key = Some("/nonexistent.pem".into())),
        ),
        (
            "unreadable RS256 key",
            real(|c| {
                c.jwt_hs256_secret = None;
                c.jwt_rs256_public_key = Some("/nonexistent.pem".into());
            }),
        ),
        (
            "CORS origin with a path",
            real(|c| c.cors_origins = vec!["https://portal.example/app".into()]),
        ),
        (
            "not a Redis URL",
            real(|c| c.redis_url = Some("http://127.0.0.1:6379".into())),
        ),
    ];

    for (name, config) in cases {
        let outcome = start(config).await;

        let error = outcome.err().unwrap_or_else(|| panic!("{name}: started"));
        assert!(error.is_config(), "{name}: {error}");
        assert!(!error.to_string().contains("pw-hunter2"), "{name}: {error}");
        assert!(!error.to_string().contains(SECRET), "{name}: {error}");
    }
    assert!(matches!(
        start(real(|c| c.sft_time_zone = "Nowhere".into())).await,
        Err(StartError::Config(_))
    ));
}
