//! The addon-usage proxy: the only part that talks to SFT.
//!
//! It holds the SFT credentials, checks that the traveler may read an endpoint, forwards
//! the add-on details query, caches and coalesces the answers, and serves the built
//! widget. Without an SFT URL it runs the SFT simulator in-process with demo data.
//!
//! Routes:
//! - `GET /api/v1/traveler`: the token's endpoints and the traveler's purchases (core
//!   `Traveler`);
//! - `GET /api/v1/endpoints/{endpointId}/addons[?uniqueId=N | ?addonId=N]`: core
//!   `AddonsSnapshot`;
//! - `GET /demo/token`: a demo traveler token (simulator mode only; 404 otherwise);
//! - `GET /healthz`, `GET /readyz`, `GET /metrics`;
//! - anything else: the widget's files, with `index.html` for page paths.
//!
//! Every `/api/v1` call needs the portal's traveler token (see [`auth`]). Errors are JSON
//! `ProxyErrorBody { code, message }`. `crates/proxy/README.md` lists flags, codes and
//! headers.

pub mod api;
pub mod auth;
pub mod cache;
pub mod config;
pub mod edges;
pub mod limits;
pub mod metrics;
pub mod request_log;
pub mod sft_client;
pub mod shared;
pub mod widget;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use addon_usage_core::time::parse_zone;
use addon_usage_simulator::{RunningSimulator, SimConfig, Simulator};
use axum::http::HeaderValue;
use axum::routing::get;
use axum::Router;
use chrono::Utc;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use config::{Cli, ProxyConfig};

use api::{ApiError, ApiState, Clock};
use auth::{DemoTokens, PurchasesBook, TokenVerifier, DEMO_TRAVELER};
use cache::AnswerCache;
use edges::SecurityHeaders;
use limits::{Backoff, RateLimiter};
use metrics::Metrics;
use request_log::Edge;
use sft_client::{SftClient, SftSettings};
use shared::SharedStore;
use widget::WidgetFiles;

/// The longest pause between two warm-up logins that failed.
const MAX_WARM_UP_PAUSE: Duration = Duration::from_secs(60);

/// Why the proxy could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The configuration is unusable; the message says what to change.
    #[error("invalid configuration: {0}")]
    Config(String),
    /// The purchases file could not be read or is not a purchases document.
    #[error("cannot read the purchases file {path}: {reason}")]
    PurchasesFile {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },
    /// A socket could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The cause.
        source: std::io::Error,
    },
    /// The HTTP client for SFT could not be built.
    #[error("cannot set up the SFT client: {0}")]
    Client(#[from] reqwest::Error),
    /// Redis could not be reached.
    #[error("cannot connect to Redis: {0}")]
    Redis(String),
}

impl StartError {
    /// Whether the error is the operator's configuration (exit code 2) rather than the
    /// environment.
    pub fn is_config(&self) -> bool {
        matches!(
            self,
            StartError::Config(_) | StartError::PurchasesFile { .. }
        )
    }
}

/// A proxy serving on a socket.
pub struct RunningProxy {
    /// The address the proxy listens on.
    pub addr: SocketAddr,
    /// The in-process SFT simulator, in simulator mode; tests drive its clock and faults.
    pub simulator: Option<Simulator>,
    running_simulator: Option<RunningSimulator>,
    warm_up: Option<JoinHandle<()>>,
    stop: oneshot::Sender<()>,
    task: JoinHandle<()>,
}

impl RunningProxy {
    /// The base URL, such as `http://127.0.0.1:8080`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops serving (letting requests in flight finish), then stops the simulator.
    pub async fn shutdown(self) {
        if let Some(warm_up) = &self.warm_up {
            warm_up.abort();
        }
        let _ = self.stop.send(());
        let _ = self.task.await;
        if let Some(simulator) = self.running_simulator {
            simulator.shutdown().await;
        }
    }
}

/// Where the proxy gets SFT answers from, once the configuration is checked.
struct SftSource {
    settings: SftSettings,
    book: PurchasesBook,
    clock: Clock,
    simulator: Option<(Simulator, RunningSimulator)>,
}

/// Checks `config`, starts the simulator in simulator mode, binds and serves.
///
/// In simulator mode the first thing logged says so, with the simulator's URL; then a
/// line gives the URL to open. With a real SFT a background task logs in at once (and
/// retries), so that `/readyz` turns ready without waiting for a traveler.
pub async fn start(config: ProxyConfig) -> Result<RunningProxy, StartError> {
    let zone = parse_zone(&config.sft_time_zone).map_err(StartError::Config)?;
    let cors_origins = origins(&config.cors_origins, "--cors-origin")?;
    origins(&config.frame_ancestors, "--frame-ancestor")?;
    let simulator_mode = config.sft_url.is_none();
    if !simulator_mode {
        tokens(&config, None)?;
    }
    let shared = match &config.redis_url {
        Some(url) => Some(connect_redis(url).await?),
        None => None,
    };
    let source = match &config.sft_url {
        Some(url) => real_sft(&config, url, zone)?,
        None => in_process_simulator(&config, zone).await?,
    };
    let demo_endpoints = source.simulator.as_ref().map(|(sim, _)| {
        sim.demo_traveler()
            .endpoints
            .into_iter()
            .map(|e| e.id)
            .collect()
    });
    let (verifier, demo) = tokens(&config, demo_endpoints)?;

    let metrics = Arc::new(Metrics::default());
    let sft = SftClient::new(source.settings, Arc::clone(&metrics), shared.clone())?;
    let cache = AnswerCache::new(
        config.cache_ttl,
        config.stale_if_error,
        sft.lock_ttl(),
        shared,
        Arc::clone(&metrics),
    );
    let state = Arc::new(ApiState {
        verifier,
        book: source.book,
        demo,
        sft,
        cache,
        backoff: Backoff::new(config.sft_error_backoff),
        limiter: RateLimiter::new(config.rate_limit_per_minute),
        metrics: Arc::clone(&metrics),
        simulator_mode,
        sft_time_zone: config.sft_time_zone.clone(),
        clock: source.clock,
    });
    let security = SecurityHeaders::new(&config.frame_ancestors);
    let widget = WidgetFiles::new(config.widget_dir.clone(), security.clone());
    let edge = Arc::new(Edge { metrics, security });
    let app = router(Arc::clone(&state), widget, edge, &cors_origins);

    let listener = TcpListener::bind(config.listen)
        .await
        .map_err(|source| StartError::Bind {
            addr: config.listen,
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| StartError::Bind {
        addr: config.listen,
        source,
    })?;
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let shutdown = async {
            let _ = stopped.await;
        };
        if let Err(error) = axum::serve(listener, app)
            .with_graceful_shutdown(shutdown)
            .await
        {
            tracing::error!(%error, "proxy server stopped");
        }
    });
    tracing::info!("addon-usage proxy listening on http://{addr}");
    let warm_up = (!simulator_mode).then(|| tokio::spawn(warm_up(state)));

    let (simulator, running_simulator) = source.simulator.unzip();
    Ok(RunningProxy {
        addr,
        simulator,
        running_simulator,
        warm_up,
        stop,
        task,
    })
}

/// Logs in to SFT until it works, pausing longer after each failure.
async fn warm_up(state: Arc<ApiState>) {
    let mut pause = Duration::from_secs(1);
    loop {
        match state.sft.warm_up().await {
            Ok(()) => {
                tracing::info!("SFT session ready");
                return;
            }
            Err(error) => {
                tracing::warn!(%error, retry_in_secs = pause.as_secs(), "SFT login failed");
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(MAX_WARM_UP_PAUSE);
            }
        }
    }
}

/// Checks a list of origins given with `flag`.
fn origins(given: &[String], flag: &str) -> Result<Vec<HeaderValue>, StartError> {
    given
        .iter()
        .map(|origin| edges::check_origin(origin.trim()))
        .collect::<Result<_, _>>()
        .map_err(|reason| StartError::Config(format!("{flag}: {reason}")))
}

async fn connect_redis(url: &str) -> Result<SharedStore, StartError> {
    let known_scheme = ["redis://", "rediss://", "unix://", "redis+unix://"]
        .iter()
        .any(|scheme| url.starts_with(scheme));
    if !known_scheme {
        return Err(StartError::Config(
            "--redis-url must start with redis:// (or rediss://, unix://)".into(),
        ));
    }
    let store = SharedStore::connect(url)
        .await
        .map_err(|error| StartError::Redis(error.to_string()))?;
    tracing::info!("sharing the answer cache and the SFT login through Redis");
    Ok(store)
}

/// The token verifier, and in simulator mode (when `demo_endpoints` are given) the demo
/// token minter. Without a configured key, simulator mode makes a random HS256 secret;
/// a real SFT refuses to start.
fn tokens(
    config: &ProxyConfig,
    demo_endpoints: Option<Vec<String>>,
) -> Result<(TokenVerifier, Option<DemoTokens>), StartError> {
    let (audience, issuer) = (&config.jwt_audience, &config.jwt_issuer);
    let invalid = |flag: &str, reason: String| StartError::Config(format!("{flag}: {reason}"));
    let secret = match (&config.jwt_hs256_secret, &config.jwt_rs256_public_key) {
        (Some(_), Some(_)) => {
            return Err(StartError::Config(
                "give --jwt-hs256-secret or --jwt-rs256-public-key, not both".into(),
            ))
        }
        (None, Some(path)) => {
            let pem = std::fs::read(path).map_err(|e| {
                invalid("--jwt-rs256-public-key", format!("{}: {e}", path.display()))
            })?;
            let verifier = TokenVerifier::rs256(&pem, audience, issuer)
                .map_err(|reason| invalid("--jwt-rs256-public-key", reason))?;
            if demo_endpoints.is_some() {
                tracing::info!("RS256 tokens configured: /demo/token is off");
            }
            return Ok((verifier, None));
        }
        (Some(secret), None) => secret.as_bytes().to_vec(),
        (None, None) if demo_endpoints.is_some() => edges::random_hex(32).into_bytes(),
        (None, None) => {
            return Err(StartError::Config(
                "with --sft-url, traveler tokens must be checkable: give the portal's \
                 --jwt-hs256-secret (or ADDON_USAGE_JWT_HS256_SECRET) or its \
                 --jwt-rs256-public-key"
                    .into(),
            ))
        }
    };
    let verifier = TokenVerifier::hs256(&secret, audience, issuer)
        .map_err(|reason| invalid("--jwt-hs256-secret", reason))?;
    let demo = demo_endpoints
        .map(|endpoints| DemoTokens::new(&secret, audience, issuer, endpoints))
        .transpose()
        .map_err(|reason| invalid("--jwt-hs256-secret", reason))?;
    Ok((verifier, demo))
}

/// The proxy's routes over its state.
fn router(
    state: Arc<ApiState>,
    widget: WidgetFiles,
    edge: Arc<Edge>,
    cors_origins: &[HeaderValue],
) -> Router {
    let api = Router::new()
        .route("/api/v1/traveler", get(api::traveler))
        .route("/api/v1/endpoints/{endpoint_id}/addons", get(api::addons))
        .route("/api/{*rest}", get(|| async { ApiError::not_found() }))
        .route("/demo/token", get(api::demo_token))
        .route("/healthz", get(api::health))
        .route("/readyz", get(api::ready))
        .route("/metrics", get(api::metrics))
        .method_not_allowed_fallback(|| async { ApiError::method_not_allowed() })
        .with_state(state);
    let widget = Router::new()
        .fallback(widget::serve)
        .with_state(Arc::new(widget));

    let mut app = api.merge(widget);
    if let Some(cors) = edges::cors(cors_origins) {
        app = app.layer(cors);
    }
    app.layer(axum::middleware::from_fn_with_state(
        edge,
        request_log::around_request,
    ))
}

fn real_sft(config: &ProxyConfig, url: &str, zone: chrono_tz::Tz) -> Result<SftSource, StartError> {
    let parsed = reqwest::Url::parse(url)
        .map_err(|error| StartError::Config(format!("--sft-url {url:?} is not a URL: {error}")))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(StartError::Config(
            "--sft-url must start with https://".into(),
        ));
    }
    let (Some(username), Some(password)) = (&config.sft_username, &config.sft_password) else {
        return Err(StartError::Config(
            "with --sft-url, give the SFT account with --sft-username and --sft-password \
             (or SFT_USERNAME and SFT_PASSWORD)"
                .into(),
        ));
    };
    let book = config
        .purchases_file
        .as_deref()
        .map(read_purchases)
        .transpose()?
        .unwrap_or_default();

    let mut shown = parsed.clone();
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    tracing::info!("using SFT at {shown}");
    Ok(SftSource {
        settings: SftSettings {
            base_url: url.trim_end_matches('/').to_owned(),
            username: username.clone(),
            password: password.clone(),
            time_zone: zone,
            timeout: config.sft_timeout,
            retry_delay: config.sft_retry_delay,
        },
        book,
        clock: Arc::new(Utc::now),
        simulator: None,
    })
}

async fn in_process_simulator(
    config: &ProxyConfig,
    zone: chrono_tz::Tz,
) -> Result<SftSource, StartError> {
    let sim_config = SimConfig {
        time_zone: zone,
        frozen: config.simulator_frozen_clock,
        ..SimConfig::default()
    };
    let (username, password) = (sim_config.username.clone(), sim_config.password.clone());
    let simulator = Simulator::new(sim_config);
    let running = simulator
        .clone()
        .serve(config.simulator_listen)
        .await
        .map_err(|source| StartError::Bind {
            addr: config.simulator_listen,
            source,
        })?;
    tracing::info!(
        "no --sft-url: running the SFT simulator in-process at {} (demo data)",
        running.url()
    );

    let clock_source = simulator.clone();
    Ok(SftSource {
        settings: SftSettings {
            base_url: running.url(),
            username,
            password,
            time_zone: zone,
            timeout: config.sft_timeout,
            retry_delay: config.sft_retry_delay,
        },
        book: PurchasesBook::single(DEMO_TRAVELER, simulator.demo_traveler()),
        clock: Arc::new(move || clock_source.now()),
        simulator: Some((simulator, running)),
    })
}

fn read_purchases(path: &std::path::Path) -> Result<PurchasesBook, StartError> {
    let failed = |reason: String| StartError::PurchasesFile {
        path: path.to_owned(),
        reason,
    };
    let text = std::fs::read_to_string(path).map_err(|error| failed(error.to_string()))?;
    serde_json::from_str(&text).map_err(|error| failed(error.to_string()))
}
