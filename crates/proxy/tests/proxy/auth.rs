//! Who may read what: traveler tokens, other travelers, id guessing, the demo token.

use std::path::Path;

use addon_usage_core::{AddonsSnapshot, Traveler};
use addon_usage_proxy::start;
use reqwest::StatusCode;

use crate::support::*;

#[tokio::test]
async fn requests_without_a_good_token_are_401_and_never_reach_sft() {
    let other_secret = "another-secret-that-is-long-enough-too";
    let claims = |change: fn(&mut serde_json::Value)| {
        let mut claims = serde_json::json!({
            "sub": DEMO, "endpoints": [EUROPE], "exp": chrono::Utc::now().timestamp() + 600,
            "aud": "addon-usage", "iss": "portal",
        });
        change(&mut claims);
        sign(SECRET, &claims)
    };
    let cases = [
        ("no token", None, "token_missing"),
        (
            "forged",
            Some(token_with(other_secret, DEMO, &[EUROPE], 600)),
            "token_invalid",
        ),
        (
            "expired",
            Some(token_with(SECRET, DEMO, &[EUROPE], -600)),
            "token_expired",
        ),
        (
            "wrong audience",
            Some(claims(|c| c["aud"] = "other-app".into())),
            "token_invalid",
        ),
        (
            "wrong issuer",
            Some(claims(|c| c["iss"] = "someone".into())),
            "token_invalid",
        ),
        ("not a JWT", Some("abc.def.ghi".to_owned()), "token_invalid"),
    ];
    let proxy = uncached_proxy().await;

    for (name, token, code) in cases {
        for path in ["/api/v1/traveler", "/api/v1/endpoints/880154/addons"] {
            let response = get_as(&proxy, path, token.as_deref()).await;

            let challenge = response.headers().get("www-authenticate").cloned();
            let (status, body) = error(response).await;
            assert_eq!(
                (status, body.code.as_str()),
                (StatusCode::UNAUTHORIZED, code),
                "{name} {path}"
            );
            assert!(challenge.is_some(), "{name} {path}");
        }
    }
    assert_eq!(simulator(&proxy).calls(), calls(0, 0, 0));
    proxy.shutdown().await;
}

#[tokio::test]
async fn another_traveler_sees_only_their_own_endpoints_and_none_of_the_demo_purchases() {
    let proxy = uncached_proxy().await;
    let stranger = token("traveler-2", &["880155"]);

    let traveler = get_as(&proxy, "/api/v1/traveler", Some(&stranger)).await;
    let europe = get_as(&proxy, "/api/v1/endpoints/880154/addons", Some(&stranger)).await;

    let traveler: Traveler = traveler.json().await.unwrap();
    let ids: Vec<_> = traveler.endpoints.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["880155"]);
    assert!(traveler.purchases.is_empty());
    let (status, body) = error(europe).await;
    assert_eq!(
        (status, body.code.as_str()),
        (StatusCode::FORBIDDEN, "endpoint_not_allowed")
    );
    assert_eq!(simulator(&proxy).calls(), calls(0, 0, 0));
    proxy.shutdown().await;
}

#[tokio::test]
async fn the_demo_traveler_with_one_endpoint_sees_only_its_purchases() {
    let proxy = uncached_proxy().await;
    let japan_only = token(DEMO, &[JAPAN]);

    let response = get_as(&proxy, "/api/v1/traveler", Some(&japan_only)).await;

    let traveler: Traveler = response.json().await.unwrap();
    assert_eq!(traveler.endpoints.len(), 1);
    assert_eq!(traveler.endpoints[0].label, "Japan eSIM");
    assert!(!traveler.purchases.is_empty());
    assert!(traveler.purchases.iter().all(|p| p.endpoint_id == JAPAN));
    proxy.shutdown().await;
}

#[tokio::test]
async fn guessing_another_endpoints_ids_never_returns_its_add_ons() {
    let proxy = uncached_proxy().await;
    let europe = simulator(&proxy).endpoint_instances(EUROPE).unwrap();
    let japan_only = token(DEMO, &[JAPAN]);
    let guesses = [
        format!(
            "/api/v1/endpoints/880299/addons?uniqueId={}",
            europe[0].unique_id
        ),
        format!(
            "/api/v1/endpoints/880299/addons?addonId={}",
            europe[0].plan_id
        ),
    ];

    for path in &guesses {
        let response = get_as(&proxy, path, Some(&japan_only)).await;

        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let snapshot: AddonsSnapshot = response.json().await.unwrap();
        assert!(
            snapshot
                .instances
                .iter()
                .all(|i| europe.iter().all(|e| e.unique_id != i.unique_id)),
            "{path}: {snapshot:?}"
        );
    }
    let direct = format!(
        "/api/v1/endpoints/880154/addons?uniqueId={}",
        europe[0].unique_id
    );
    let (status, _) = error(get_as(&proxy, &direct, Some(&japan_only)).await).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    proxy.shutdown().await;
}

#[tokio::test]
async fn instances_sft_sends_outside_the_query_or_for_another_endpoint_are_dropped() {
    let instances = |endpoint: &str, ids: &[&str]| Scripted::Instances {
        endpoint: endpoint.into(),
        unique_ids: ids.iter().map(|id| id.to_string()).collect(),
    };
    let sft = FakeSft::start(vec![
        instances(EUROPE, &["5512001", "9999999"]),
        instances("880155", &["5512001"]),
    ])
    .await;
    let proxy = start(real_sft_config(sft.url.clone(), "pw", None))
        .await
        .unwrap();

    let filtered = addons(&proxy, "/api/v1/endpoints/880154/addons?uniqueId=5512001").await;
    let foreign = get(&proxy, "/api/v1/endpoints/880154/addons?addonId=3101").await;

    let ids: Vec<_> = filtered
        .instances
        .iter()
        .map(|i| i.unique_id.as_str())
        .collect();
    assert_eq!(ids, ["5512001"]);
    let (status, body) = error(foreign).await;
    assert_eq!(
        (status, body.code.as_str()),
        (StatusCode::BAD_GATEWAY, "sft_unreadable")
    );
    proxy.shutdown().await;
}

#[tokio::test]
async fn the_demo_token_opens_both_demo_endpoints_for_fifteen_minutes() {
    let proxy = proxy_with(Path::new("/nonexistent"), |c| c.jwt_hs256_secret = None).await;

    let response = get_as(&proxy, "/demo/token", None).await;

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let body: serde_json::Value = response.json().await.unwrap();
    let token = body["token"].as_str().unwrap();
    let expires_at: chrono::DateTime<chrono::Utc> =
        body["expiresAt"].as_str().unwrap().parse().unwrap();
    let lifetime = expires_at - chrono::Utc::now();
    assert!(
        lifetime > chrono::Duration::minutes(14) && lifetime <= chrono::Duration::minutes(15),
        "{lifetime}"
    );
    for endpoint in [EUROPE, JAPAN] {
        let path = format!("/api/v1/endpoints/{endpoint}/addons");
        let response = get_as(&proxy, &path, Some(token)).await;
        assert_eq!(response.status(), StatusCode::OK, "{endpoint}");
    }
    let forged = get_as(&proxy, "/api/v1/traveler", Some(&demo_token())).await;
    assert_eq!(
        forged.status(),
        StatusCode::UNAUTHORIZED,
        "the generated secret is not the test one"
    );
    proxy.shutdown().await;
}

#[tokio::test]
async fn with_a_real_sft_there_is_no_demo_token() {
    let config = real_sft_config("http://127.0.0.1:9".into(), "pw", None);
    let proxy = start(config).await.unwrap();

    let (status, body) = error(get_as(&proxy, "/demo/token", None).await).await;

    assert_eq!(
        (status, body.code.as_str()),
        (StatusCode::NOT_FOUND, "not_found")
    );
    proxy.shutdown().await;
}

#[tokio::test]
async fn no_token_or_credential_ever_reaches_the_log() {
    let (_sim, running) = standalone_simulator().await;
    let password = addon_usage_simulator::SimConfig::default().password;
    let proxy = start(real_sft_config(running.url(), &password, None))
        .await
        .unwrap();
    let token = demo_token();

    let response = get_as(&proxy, "/api/v1/endpoints/880154/addons", Some(&token)).await;
    let request_id = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    proxy.shutdown().await;
    running.shutdown().await;

    let logs = logs();
    assert!(logs.contains(&request_id), "the request line names its id");
    assert!(!logs.contains(&token));
    assert!(!logs.contains(SECRET));
    assert!(!logs.contains(&password));
}
