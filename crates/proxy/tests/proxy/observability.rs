//! Readiness and metrics.

use std::path::Path;
use std::time::{Duration, Instant};

use addon_usage_proxy::{start, RunningProxy};
use addon_usage_simulator::SimConfig;
use reqwest::StatusCode;

use crate::support::*;

async fn wait_ready(proxy: &RunningProxy, within: Duration) -> StatusCode {
    let started = Instant::now();
    loop {
        let status = get_as(proxy, "/readyz", None).await.status();
        if status == StatusCode::OK || started.elapsed() > within {
            return status;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn in_simulator_mode_the_proxy_is_ready_at_once() {
    let proxy = uncached_proxy().await;

    let response = get_as(&proxy, "/readyz", None).await;

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(simulator(&proxy).calls(), calls(0, 0, 0));
    proxy.shutdown().await;
}

#[tokio::test]
async fn with_a_real_sft_the_proxy_is_ready_only_after_logging_in() {
    let (sim, running) = standalone_simulator().await;
    let password = SimConfig::default().password;
    let unreachable = start(real_sft_config("http://127.0.0.1:9".into(), "pw", None))
        .await
        .unwrap();
    let wrong = start(real_sft_config(running.url(), "wrong", None))
        .await
        .unwrap();
    let right = start(real_sft_config(running.url(), &password, None))
        .await
        .unwrap();

    let right_status = wait_ready(&right, Duration::from_secs(3)).await;
    let (status, body) = error(get_as(&unreachable, "/readyz", None).await).await;
    let wrong_status = get_as(&wrong, "/readyz", None).await.status();

    assert_eq!(
        right_status,
        StatusCode::OK,
        "logged in without a traveler's request"
    );
    assert_eq!(
        (status, body.code.as_str()),
        (StatusCode::SERVICE_UNAVAILABLE, "not_ready")
    );
    assert_eq!(wrong_status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(sim.calls().details, 0);
    for proxy in [unreachable, wrong, right] {
        proxy.shutdown().await;
    }
    running.shutdown().await;
}

#[tokio::test]
async fn metrics_count_requests_sft_calls_cache_outcomes_and_latency() {
    let proxy = proxy_with(Path::new("/nonexistent"), |_| {}).await;
    let path = || "/api/v1/endpoints/880154/addons".to_owned();
    get_all(&proxy, (0..10).map(|_| path())).await;
    get(&proxy, &path()).await;
    get_as(&proxy, "/api/v1/traveler", None).await;

    let response = get_as(&proxy, "/metrics", None).await;

    assert_eq!(response.status(), StatusCode::OK);
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        content_type.starts_with("text/plain; version=0.0.4"),
        "{content_type}"
    );
    let text = response.text().await.unwrap();
    let value = |series: &str| -> f64 {
        text.lines()
            .find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
            .unwrap_or_else(|| panic!("{series} missing from\n{text}"))
    };
    let addons_route = "route=\"/api/v1/endpoints/{endpoint_id}/addons\"";
    assert_eq!(
        value(&format!(
            "addon_usage_requests_total{{{addons_route},status=\"200\"}}"
        )),
        11.0
    );
    assert_eq!(
        value("addon_usage_requests_total{route=\"/api/v1/traveler\",status=\"401\"}"),
        1.0
    );
    assert_eq!(
        value("addon_usage_sft_calls_total{call=\"login\",outcome=\"ok\"}"),
        1.0
    );
    assert_eq!(
        value("addon_usage_sft_calls_total{call=\"details\",outcome=\"ok\"}"),
        1.0
    );
    assert_eq!(value("addon_usage_cache_misses_total"), 1.0);
    assert_eq!(
        value("addon_usage_cache_hits_total") + value("addon_usage_coalesced_waits_total"),
        10.0
    );
    assert_eq!(value("addon_usage_sft_latency_seconds_count"), 2.0);
    assert_eq!(
        value("addon_usage_sft_latency_seconds_bucket{le=\"+Inf\"}"),
        2.0
    );
    proxy.shutdown().await;
}
