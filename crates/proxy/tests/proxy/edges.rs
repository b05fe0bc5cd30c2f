//! The proxy's edge: CORS allowlist, security headers and the page CSP, request ids,
//! the per-traveler rate limit.

use std::path::Path;

use base64::Engine;
use reqwest::StatusCode;
use sha2::{Digest, Sha256};

use crate::support::*;

const PORTAL: &str = "https://portal.example";

async fn preflight(proxy: &addon_usage_proxy::RunningProxy, origin: &str) -> reqwest::Response {
    reqwest::Client::new()
        .request(
            reqwest::Method::OPTIONS,
            format!("{}/api/v1/traveler", proxy.url()),
        )
        .header("origin", origin)
        .header("access-control-request-method", "GET")
        .header("access-control-request-headers", "authorization")
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn only_configured_portal_origins_may_call_the_api_from_a_browser() {
    let open = proxy_with(Path::new("/nonexistent"), |c| {
        c.cors_origins = vec![PORTAL.into()];
    })
    .await;
    let closed = proxy_with(Path::new("/nonexistent"), |_| {}).await;
    let allowed_origin = |response: &reqwest::Response| {
        response
            .headers()
            .get("access-control-allow-origin")
            .map(|v| v.to_str().unwrap().to_owned())
    };

    let portal = preflight(&open, PORTAL).await;
    let stranger = preflight(&open, "https://evil.example").await;
    let same_origin_only = preflight(&closed, PORTAL).await;
    let simple = reqwest::Client::new()
        .get(format!("{}/api/v1/traveler", open.url()))
        .header("origin", PORTAL)
        .bearer_auth(demo_token())
        .send()
        .await
        .unwrap();

    assert!(portal.status().is_success());
    assert_eq!(allowed_origin(&portal).as_deref(), Some(PORTAL));
    let allowed_headers = portal.headers()["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    assert!(
        allowed_headers.contains("authorization"),
        "{allowed_headers}"
    );
    assert_eq!(allowed_origin(&stranger), None);
    assert_eq!(allowed_origin(&same_origin_only), None);
    assert_eq!(allowed_origin(&simple).as_deref(), Some(PORTAL));
    open.shutdown().await;
    closed.shutdown().await;
}

fn header(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
}

#[tokio::test]
async fn every_answer_carries_security_headers() {
    let proxy = proxy_with(Path::new("/nonexistent"), |_| {}).await;
    let paths = [
        "/api/v1/traveler",
        "/api/v1/endpoints/1/addons",
        "/healthz",
        "/nope",
    ];

    for path in paths {
        let response = get(&proxy, path).await;

        assert_eq!(
            header(&response, "x-content-type-options").as_deref(),
            Some("nosniff")
        );
        assert_eq!(
            header(&response, "referrer-policy").as_deref(),
            Some("no-referrer")
        );
        assert_eq!(
            header(&response, "x-frame-options").as_deref(),
            Some("DENY")
        );
        let csp = header(&response, "content-security-policy").unwrap();
        assert!(csp.starts_with("default-src 'none'"), "{path}: {csp}");
    }
    proxy.shutdown().await;
}

#[tokio::test]
async fn widget_pages_get_a_csp_with_the_hashes_of_their_inline_scripts() {
    let dir = tempfile::tempdir().unwrap();
    let loader = "\nimport init from '/app-1.js';\nawait init();\n";
    let page = format!(
        "<!doctype html><head><script type=\"module\">{loader}</script>\
         <script src=\"/other.js\"></script></head>"
    );
    std::fs::write(dir.path().join("index.html"), page).unwrap();
    std::fs::write(dir.path().join("sw.js"), "self.onfetch = null;").unwrap();
    let proxy = proxy_with(dir.path(), |c| {
        c.frame_ancestors = vec![PORTAL.into()];
    })
    .await;
    let expected_hash = format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(Sha256::digest(loader.as_bytes()))
    );

    let index = get(&proxy, "/").await;
    let deep_link = get(&proxy, "/addon/5512001").await;
    let worker = get(&proxy, "/sw.js").await;

    for response in [&index, &deep_link] {
        let csp = header(response, "content-security-policy").unwrap();
        assert!(
            csp.contains(&format!(
                "script-src 'self' 'wasm-unsafe-eval' {expected_hash};"
            )),
            "{csp}"
        );
        assert!(
            !csp.contains("unsafe-inline") && !csp.contains("'unsafe-eval'"),
            "{csp}"
        );
        assert!(csp.contains(&format!("frame-ancestors {PORTAL}")), "{csp}");
        assert_eq!(
            header(response, "x-frame-options"),
            None,
            "framing is configured"
        );
    }
    let worker_csp = header(&worker, "content-security-policy").unwrap();
    assert!(worker_csp.contains("connect-src 'self'"), "{worker_csp}");
    proxy.shutdown().await;
}

#[tokio::test]
async fn a_revalidated_page_keeps_the_page_csp_so_it_still_runs_from_the_browser_cache() {
    let dir = tempfile::tempdir().unwrap();
    for (name, title) in [("index.html", "w"), ("portal.html", "p")] {
        let page = format!("<!doctype html><title>{title}</title>");
        std::fs::write(dir.path().join(name), page).unwrap();
    }
    let proxy = proxy_with(dir.path(), |_| {}).await;

    for page in ["/", "/portal.html"] {
        let first = get(&proxy, page).await;
        let last_modified = header(&first, "last-modified").expect("pages carry Last-Modified");

        let revalidated = reqwest::Client::new()
            .get(format!("{}{page}", proxy.url()))
            .header("If-Modified-Since", last_modified)
            .send()
            .await
            .unwrap();

        assert_eq!(
            revalidated.status(),
            reqwest::StatusCode::NOT_MODIFIED,
            "{page}"
        );
        let csp = header(&revalidated, "content-security-policy").unwrap();
        assert!(
            csp.contains("script-src 'self' 'wasm-unsafe-eval'"),
            "{page}: {csp}"
        );
        assert!(!csp.starts_with("default-src 'none'"), "{page}: {csp}");
    }
    proxy.shutdown().await;
}

#[tokio::test]
async fn request_ids_are_echoed_when_sane_and_made_up_otherwise() {
    let proxy = proxy_with(Path::new("/nonexistent"), |_| {}).await;
    let with_id = |id: &str| {
        reqwest::Client::new()
            .get(format!("{}/healthz", proxy.url()))
            .header("x-request-id", id)
            .send()
    };

    let sane = with_id("portal-abc.123").await.unwrap();
    let insane = with_id("<script>").await.unwrap();
    let none = get_as(&proxy, "/healthz", None).await;

    assert_eq!(
        header(&sane, "x-request-id").as_deref(),
        Some("portal-abc.123")
    );
    for response in [&insane, &none] {
        let id = header(response, "x-request-id").unwrap();
        assert_eq!(id.len(), 32, "{id}");
        assert!(id.bytes().all(|b| b.is_ascii_hexdigit()), "{id}");
    }
    proxy.shutdown().await;
}

#[tokio::test]
async fn a_traveler_over_the_rate_limit_gets_429_with_retry_after() {
    let proxy = proxy_with(Path::new("/nonexistent"), |c| c.rate_limit_per_minute = 3).await;
    let busy = token("busy-traveler", &[EUROPE]);
    let calm = token("calm-traveler", &[EUROPE]);

    let mut statuses = Vec::new();
    for _ in 0..3 {
        statuses.push(
            get_as(&proxy, "/api/v1/traveler", Some(&busy))
                .await
                .status(),
        );
    }
    let over = get_as(&proxy, "/api/v1/traveler", Some(&busy)).await;
    let other = get_as(&proxy, "/api/v1/traveler", Some(&calm)).await;

    assert!(
        statuses.iter().all(|s| *s == StatusCode::OK),
        "{statuses:?}"
    );
    let retry_after: u64 = header(&over, "retry-after").unwrap().parse().unwrap();
    assert!((1..=20).contains(&retry_after), "{retry_after}");
    let (status, body) = error(over).await;
    assert_eq!(
        (status, body.code.as_str()),
        (StatusCode::TOO_MANY_REQUESTS, "rate_limited")
    );
    assert_eq!(other.status(), StatusCode::OK);
    proxy.shutdown().await;
}

#[tokio::test]
async fn a_path_that_is_not_utf8_is_400_json() {
    let proxy = uncached_proxy().await;

    let (status, body) = error(get(&proxy, "/api/v1/endpoints/%FF%FE/addons").await).await;

    assert_eq!(
        (status, body.code.as_str()),
        (StatusCode::BAD_REQUEST, "bad_request")
    );
    assert_eq!(simulator(&proxy).calls(), calls(0, 0, 0));
    proxy.shutdown().await;
}
