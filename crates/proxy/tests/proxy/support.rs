//! Fixtures: proxies on free ports, traveler tokens, a standalone simulator, a scripted
//! fake SFT, and a log capture.

use std::collections::VecDeque;
use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Once};
use std::time::Duration;

use addon_usage_core::{AddonsSnapshot, ProxyErrorBody};
use addon_usage_proxy::{start, ProxyConfig, RunningProxy};
use addon_usage_simulator::{RunningSimulator, SimCalls, SimConfig, Simulator};
use axum::extract::Query;
use axum::response::{IntoResponse, Response};
use axum::routing::{self, post};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::StatusCode;

pub const EUROPE: &str = "880154";
pub const JAPAN: &str = "880299";
/// The HS256 secret every test proxy checks tokens with.
pub const SECRET: &str = "test-secret-that-is-long-enough-for-hs256";
/// The demo traveler's `sub`.
pub const DEMO: &str = "demo-traveler";

/// A proxy in simulator mode on a free port, serving `widget_dir`, checking tokens with
/// [`SECRET`], with no rate limit and no error back-off unless `tweak` sets them.
pub async fn proxy_with(widget_dir: &Path, tweak: impl FnOnce(&mut ProxyConfig)) -> RunningProxy {
    capture_logs();
    let mut config = ProxyConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        widget_dir: widget_dir.to_owned(),
        simulator_frozen_clock: true,
        jwt_hs256_secret: Some(SECRET.into()),
        rate_limit_per_minute: 0,
        sft_error_backoff: Duration::ZERO,
        ..ProxyConfig::default()
    };
    tweak(&mut config);
    start(config).await.unwrap()
}

/// A proxy whose cache never holds an answer, so every request reaches SFT.
pub async fn uncached_proxy() -> RunningProxy {
    proxy_with(Path::new("/nonexistent"), |c| {
        c.cache_ttl = Duration::ZERO;
        c.stale_if_error = Duration::ZERO;
    })
    .await
}

pub fn simulator(proxy: &RunningProxy) -> &Simulator {
    proxy.simulator.as_ref().unwrap()
}

/// A token signed with `secret` for `sub` owning `endpoints`, expiring in `expires_in`
/// seconds (negative: expired), with the default audience and issuer.
pub fn token_with(secret: &str, sub: &str, endpoints: &[&str], expires_in: i64) -> String {
    let claims = serde_json::json!({
        "sub": sub,
        "endpoints": endpoints,
        "exp": chrono::Utc::now().timestamp() + expires_in,
        "aud": "addon-usage",
        "iss": "portal",
    });
    sign(secret, &claims)
}

/// `claims` signed HS256 with `secret`.
pub fn sign(secret: &str, claims: &serde_json::Value) -> String {
    let key = EncodingKey::from_secret(secret.as_bytes()).unwrap();
    jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &key).unwrap()
}

/// A good token for `sub` owning `endpoints`.
pub fn token(sub: &str, endpoints: &[&str]) -> String {
    token_with(SECRET, sub, endpoints, 600)
}

/// A good token for the demo traveler (both demo endpoints).
pub fn demo_token() -> String {
    token(DEMO, &[EUROPE, JAPAN])
}

/// GET `path` as the demo traveler.
pub async fn get(proxy: &RunningProxy, path: &str) -> reqwest::Response {
    get_as(proxy, path, Some(&demo_token())).await
}

/// GET `path` with `token` as bearer (or no `Authorization` at all).
pub async fn get_as(proxy: &RunningProxy, path: &str, token: Option<&str>) -> reqwest::Response {
    let mut request = reqwest::Client::new().get(format!("{}{path}", proxy.url()));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}

pub async fn addons(proxy: &RunningProxy, path: &str) -> AddonsSnapshot {
    let response = get(proxy, path).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    response.json().await.unwrap()
}

pub async fn error(response: reqwest::Response) -> (StatusCode, ProxyErrorBody) {
    let status = response.status();
    (status, response.json().await.unwrap())
}

pub fn calls(login: u64, refresh: u64, details: u64) -> SimCalls {
    SimCalls {
        login,
        refresh,
        details,
    }
}

/// GETs every path at once as the demo traveler, each on its own task, and returns the
/// answers in order.
pub async fn get_all(
    proxy: &RunningProxy,
    paths: impl IntoIterator<Item = String>,
) -> Vec<reqwest::Response> {
    let client = reqwest::Client::new();
    let token = demo_token();
    let mut requests = tokio::task::JoinSet::new();
    for path in paths {
        let request = client
            .get(format!("{}{path}", proxy.url()))
            .bearer_auth(&token);
        requests.spawn(async move { request.send().await.unwrap() });
    }
    requests.join_all().await
}

/// A standalone simulator, as a real SFT would be: reached by URL with credentials.
pub async fn standalone_simulator() -> (Simulator, RunningSimulator) {
    let config = SimConfig {
        frozen: true,
        ..SimConfig::default()
    };
    let simulator = Simulator::new(config);
    let running = simulator
        .clone()
        .serve("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    (simulator, running)
}

/// A proxy configuration for a real SFT at `url`, with the simulator's user name.
pub fn real_sft_config(url: String, password: &str, purchases: Option<&Path>) -> ProxyConfig {
    capture_logs();
    ProxyConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        sft_url: Some(url),
        sft_username: Some(SimConfig::default().username),
        sft_password: Some(password.to_owned()),
        purchases_file: purchases.map(Path::to_owned),
        jwt_hs256_secret: Some(SECRET.into()),
        rate_limit_per_minute: 0,
        sft_error_backoff: Duration::ZERO,
        widget_dir: "/nonexistent".into(),
        ..ProxyConfig::default()
    }
}

/// A purchases file giving the demo traveler the Europe endpoint and one purchase on
/// each demo endpoint, kept until the handle drops.
pub fn write_purchases_file() -> tempfile::NamedTempFile {
    let purchase = |order: &str, endpoint: &str| {
        serde_json::json!({
            "orderId": order, "productName": "Pass", "addonId": "3101",
            "endpointId": endpoint, "purchasedAt": "2026-11-20T18:40:05Z"
        })
    };
    let book = serde_json::json!({
        "travelers": {
            DEMO: {
                "endpoints": [{ "id": EUROPE, "label": "Europe eSIM" }],
                "purchases": [purchase("EU-1", EUROPE), purchase("JP-1", JAPAN)],
            }
        }
    });
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), book.to_string()).unwrap();
    file
}

/// One scripted details answer of the [`FakeSft`].
#[derive(Clone, Debug)]
pub enum Scripted {
    /// Wait this long, then answer normally.
    Stall(Duration),
    /// Answer with this status and body.
    Raw(u16, String),
    /// A success naming `endpoint` and holding instances with these uniqueIds.
    Instances {
        endpoint: String,
        unique_ids: Vec<String>,
    },
}

/// A fake SFT whose details answers follow a script (then a normal answer).
pub struct FakeSft {
    pub url: String,
    details: Arc<AtomicU64>,
    task: tokio::task::JoinHandle<()>,
}

impl FakeSft {
    pub async fn start(script: Vec<Scripted>) -> Self {
        let details = Arc::new(AtomicU64::new(0));
        let script = Arc::new(Mutex::new(VecDeque::from(script)));
        let (counter, queue) = (Arc::clone(&details), Arc::clone(&script));
        let app = axum::Router::new()
            .route(
                "/api/login",
                post(|| async {
                    axum::Json(serde_json::json!({"AccessToken": "a", "RefreshToken": "r"}))
                }),
            )
            .route(
                "/api/GetEndpointAddonDetails",
                routing::get(move |Query(params): Query<Vec<(String, String)>>| {
                    let (counter, queue) = (Arc::clone(&counter), Arc::clone(&queue));
                    async move {
                        counter.fetch_add(1, Ordering::SeqCst);
                        let endpoint = params
                            .iter()
                            .find(|(name, _)| name == "endPointId")
                            .map(|(_, value)| value.clone())
                            .unwrap_or_default();
                        let next = queue.lock().unwrap().pop_front();
                        answer(next, &endpoint).await
                    }
                }),
            );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self { url, details, task }
    }

    pub fn details_calls(&self) -> u64 {
        self.details.load(Ordering::SeqCst)
    }
}

impl Drop for FakeSft {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn answer(scripted: Option<Scripted>, endpoint: &str) -> Response {
    let normal = || details_body(endpoint, &["5512001", "5512002"]);
    match scripted {
        None => normal().into_response(),
        Some(Scripted::Stall(pause)) => {
            tokio::time::sleep(pause).await;
            normal().into_response()
        }
        Some(Scripted::Raw(status, body)) => {
            (StatusCode::from_u16(status).unwrap(), body).into_response()
        }
        Some(Scripted::Instances {
            endpoint,
            unique_ids,
        }) => {
            let ids: Vec<&str> = unique_ids.iter().map(String::as_str).collect();
            details_body(&endpoint, &ids).into_response()
        }
    }
}

/// An SFT details success for `endpoint` with one data plan per uniqueId.
pub fn details_body(endpoint: &str, unique_ids: &[&str]) -> String {
    let plans: Vec<_> = unique_ids
        .iter()
        .map(|id| {
            serde_json::json!({
                "uniqueId": id, "planId": "3101", "planName": "Europe 10GB",
                "planServiceName": "DATA", "planStartDate": "20/11/2026 18:40:05",
                "planExpiryDate": "20/12/2026 18:40:05"
            })
        })
        .collect();
    serde_json::json!({
        "Response": {
            "resultCode": "0", "responseId": "1", "responseTimestamp": "04/12/2026 09:12:44",
            "resultParam": { "resultCode": "1350", "resultDescription": "Success" },
            "responseParam": { "endPointId": endpoint, "promotionalPlans": { "plan": plans } }
        }
    })
    .to_string()
}

/// Everything the proxies of this test binary log.
static LOGS: Mutex<Vec<u8>> = Mutex::new(Vec::new());

struct LogSink;

impl Write for LogSink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        LOGS.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Sends every log line of this test binary to [`logs`].
pub fn capture_logs() {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        let _ = tracing_subscriber::fmt()
            .with_env_filter("info")
            .with_ansi(false)
            .with_writer(|| LogSink)
            .try_init();
    });
}

/// What has been logged so far.
pub fn logs() -> String {
    String::from_utf8_lossy(&LOGS.lock().unwrap()).into_owned()
}
