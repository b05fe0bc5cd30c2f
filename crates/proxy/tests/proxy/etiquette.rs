//! SFT etiquette: unreadable answers, a time-out resent once, back-off after 429 and
//! server errors, and stale-if-error.

use std::path::Path;
use std::time::Duration;

use addon_usage_core::AddonsSnapshot;
use addon_usage_proxy::start;
use addon_usage_simulator::Faults;
use reqwest::StatusCode;

use crate::support::*;

#[tokio::test]
async fn html_and_truncated_json_are_sft_unreadable() {
    let whole = details_body(EUROPE, &["5512001"]);
    let truncated = whole[..whole.len() / 2].to_owned();
    let cases = [
        (
            "gateway page",
            "<html><body>Bad gateway</body></html>".to_owned(),
        ),
        ("truncated JSON", truncated),
        ("empty body", String::new()),
        ("JSON without envelope", r#"{"hello": "world"}"#.to_owned()),
    ];

    for (name, body) in cases {
        let sft = FakeSft::start(vec![Scripted::Raw(200, body)]).await;
        let proxy = start(real_sft_config(sft.url.clone(), "pw", None))
            .await
            .unwrap();

        let (status, error) = error(get(&proxy, "/api/v1/endpoints/880154/addons").await).await;

        assert_eq!(
            (status, error.code.as_str()),
            (StatusCode::BAD_GATEWAY, "sft_unreadable"),
            "{name}"
        );
        proxy.shutdown().await;
    }
}

#[tokio::test]
async fn a_get_that_times_out_once_is_resent_and_answers() {
    let sft = FakeSft::start(vec![Scripted::Stall(Duration::from_secs(2))]).await;
    let mut config = real_sft_config(sft.url.clone(), "pw", None);
    config.sft_timeout = Duration::from_millis(300);
    config.sft_retry_delay = Duration::from_millis(20);
    let proxy = start(config).await.unwrap();

    let snapshot = addons(&proxy, "/api/v1/endpoints/880154/addons").await;

    assert_eq!(snapshot.instances.len(), 2);
    assert_eq!(sft.details_calls(), 2);
    proxy.shutdown().await;
}

#[tokio::test]
async fn after_a_429_the_endpoint_is_left_alone_until_its_retry_after() {
    let proxy = uncached_proxy().await;
    let sim = simulator(&proxy);
    addons(&proxy, "/api/v1/endpoints/880154/addons").await;
    sim.set_faults(Faults {
        status: Some(429),
        retry_after_secs: Some(42),
        ..Faults::default()
    });

    let first = get(&proxy, "/api/v1/endpoints/880154/addons").await;
    let calls_after_first = sim.calls().details;
    let second = get(&proxy, "/api/v1/endpoints/880154/addons").await;
    let other_endpoint = get(&proxy, "/api/v1/endpoints/880299/addons").await;

    let first_wait = first.headers()["retry-after"].clone();
    let (status, body) = error(first).await;
    assert_eq!(
        (status, body.code.as_str()),
        (StatusCode::SERVICE_UNAVAILABLE, "sft_busy")
    );
    assert_eq!(first_wait, "42");
    let second_wait: u64 = second.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let (status, body) = error(second).await;
    assert_eq!(
        (status, body.code.as_str()),
        (StatusCode::SERVICE_UNAVAILABLE, "sft_busy")
    );
    assert!((40..=42).contains(&second_wait), "{second_wait}");
    assert_eq!(
        sim.calls().details,
        calls_after_first + 1,
        "only the other endpoint"
    );
    assert_eq!(other_endpoint.status(), StatusCode::SERVICE_UNAVAILABLE);
    proxy.shutdown().await;
}

#[tokio::test]
async fn after_a_server_error_the_endpoint_is_left_alone_for_the_back_off() {
    let proxy = proxy_with(Path::new("/nonexistent"), |c| {
        c.cache_ttl = Duration::ZERO;
        c.stale_if_error = Duration::ZERO;
        c.sft_error_backoff = Duration::from_secs(5);
    })
    .await;
    let sim = simulator(&proxy);
    addons(&proxy, "/api/v1/endpoints/880154/addons").await;
    sim.set_faults(Faults {
        status: Some(503),
        ..Faults::default()
    });

    let first = get(&proxy, "/api/v1/endpoints/880154/addons").await;
    let details_after_first = sim.calls().details;
    let second = get(&proxy, "/api/v1/endpoints/880154/addons").await;

    assert_eq!(first.headers()["retry-after"], "5");
    let (status, body) = error(first).await;
    assert_eq!(
        (status, body.code.as_str()),
        (StatusCode::BAD_GATEWAY, "sft_unavailable")
    );
    assert!(second.headers().contains_key("retry-after"));
    let (status, body) = error(second).await;
    assert_eq!(
        (status, body.code.as_str()),
        (StatusCode::SERVICE_UNAVAILABLE, "sft_busy")
    );
    assert_eq!(
        sim.calls().details,
        details_after_first,
        "SFT was not asked again"
    );
    proxy.shutdown().await;
}

#[tokio::test]
async fn when_sft_fails_the_last_good_answer_is_served_marked_stale() {
    let proxy = proxy_with(Path::new("/nonexistent"), |c| {
        c.cache_ttl = Duration::from_millis(100);
        c.stale_if_error = Duration::from_secs(3600);
    })
    .await;
    let sim = simulator(&proxy);
    let good = addons(&proxy, "/api/v1/endpoints/880154/addons").await;
    tokio::time::sleep(Duration::from_millis(150)).await;
    sim.set_faults(Faults {
        status: Some(500),
        ..Faults::default()
    });

    let response = get(&proxy, "/api/v1/endpoints/880154/addons").await;

    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    assert_eq!(headers["x-cache-stale"], "true");
    assert!(headers["warning"].to_str().unwrap().starts_with("110"));
    assert!(headers.contains_key("age"));
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["stale"], true);
    assert!(body["ageSecs"].is_u64(), "{body}");
    let stale: AddonsSnapshot = serde_json::from_value(body).unwrap();
    assert_eq!(stale.instances, good.instances);
    assert_eq!(sim.calls().details, 2);
    proxy.shutdown().await;
}

#[tokio::test]
async fn a_fresh_answer_carries_no_staleness_marks() {
    let proxy = uncached_proxy().await;

    let response = get(&proxy, "/api/v1/endpoints/880154/addons").await;

    assert!(!response.headers().contains_key("x-cache-stale"));
    let body: serde_json::Value = response.json().await.unwrap();
    assert!(body.get("stale").is_none() && body.get("ageSecs").is_none());
    proxy.shutdown().await;
}

#[tokio::test]
async fn beyond_the_stale_bound_a_failure_is_an_error() {
    let proxy = proxy_with(Path::new("/nonexistent"), |c| {
        c.cache_ttl = Duration::from_millis(50);
        c.stale_if_error = Duration::from_millis(50);
    })
    .await;
    addons(&proxy, "/api/v1/endpoints/880154/addons").await;
    tokio::time::sleep(Duration::from_millis(150)).await;
    simulator(&proxy).set_faults(Faults {
        status: Some(500),
        ..Faults::default()
    });

    let (status, body) = error(get(&proxy, "/api/v1/endpoints/880154/addons").await).await;

    assert_eq!(
        (status, body.code.as_str()),
        (StatusCode::BAD_GATEWAY, "sft_unavailable")
    );
    proxy.shutdown().await;
}
