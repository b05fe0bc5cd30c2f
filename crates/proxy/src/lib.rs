//! The addon-usage proxy: the only part that talks to SFT.
//!
//! It holds the SFT credentials, checks that the traveler may read an endpoint, forwards
//! the add-on details query, caches and coalesces the answers, and serves the built
//! widget. Without an SFT URL it runs the SFT simulator in-process with demo data.
//!
//! Routes:
//! - `GET /api/v1/traveler`: the traveler's endpoints and purchases (core `Traveler`);
//! - `GET /api/v1/endpoints/{endpointId}/addons[?uniqueId=N | ?addonId=N]`: core
//!   `AddonsSnapshot`;
//! - `GET /healthz`: `{"status":"ok"}`;
//! - anything else: the widget's files, with `index.html` for page paths.
//!
//! Errors are JSON `ProxyErrorBody { code, message }`.

pub mod api;
pub mod cache;
pub mod config;
pub mod request_log;
pub mod sft_client;
pub mod widget;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use addon_usage_core::time::parse_zone;
use addon_usage_core::Traveler;
use addon_usage_simulator::{RunningSimulator, SimConfig, Simulator};
use axum::routing::get;
use axum::Router;
use chrono::Utc;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use config::{Cli, ProxyConfig};

use api::{ApiError, ApiState, Clock};
use cache::CoalescingCache;
use sft_client::{SftClient, SftSettings};
use widget::WidgetFiles;

/// Why the proxy could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The configuration is unusable; the message says what to change.
    #[error("invalid configuration: {0}")]
    Config(String),
    /// The purchases file could not be read or is not a `Traveler` document.
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
    traveler: Option<Traveler>,
    clock: Clock,
    simulator: Option<(Simulator, RunningSimulator)>,
}

/// Checks `config`, starts the simulator in simulator mode, binds and serves.
///
/// In simulator mode the first thing logged says so, with the simulator's URL; then a
/// line gives the URL to open.
pub async fn start(config: ProxyConfig) -> Result<RunningProxy, StartError> {
    let zone = parse_zone(&config.sft_time_zone).map_err(StartError::Config)?;
    let source = match &config.sft_url {
        Some(url) => real_sft(&config, url, zone)?,
        None => in_process_simulator(&config, zone).await?,
    };

    let sft = SftClient::new(source.settings)?;
    let state = Arc::new(ApiState {
        traveler: source.traveler,
        sft,
        cache: CoalescingCache::new(config.cache_ttl),
        sft_time_zone: config.sft_time_zone.clone(),
        clock: source.clock,
    });
    let app = router(state, WidgetFiles::new(config.widget_dir.clone()));

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

    let (simulator, running_simulator) = source.simulator.unzip();
    Ok(RunningProxy {
        addr,
        simulator,
        running_simulator,
        stop,
        task,
    })
}

/// The proxy's routes over its state.
fn router(state: Arc<ApiState>, widget: WidgetFiles) -> Router {
    let api = Router::new()
        .route("/api/v1/traveler", get(api::traveler))
        .route("/api/v1/endpoints/{endpoint_id}/addons", get(api::addons))
        .route("/api/{*rest}", get(|| async { ApiError::not_found() }))
        .route("/healthz", get(api::health))
        .method_not_allowed_fallback(|| async { ApiError::method_not_allowed() })
        .with_state(state);
    let widget = Router::new()
        .fallback(widget::serve)
        .with_state(Arc::new(widget));

    api.merge(widget)
        .layer(axum::middleware::from_fn(request_log::log_request))
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
    let traveler = config
        .purchases_file
        .as_deref()
        .map(read_traveler)
        .transpose()?;

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
        },
        traveler,
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
        },
        traveler: Some(simulator.demo_traveler()),
        clock: Arc::new(move || clock_source.now()),
        simulator: Some((simulator, running)),
    })
}

fn read_traveler(path: &std::path::Path) -> Result<Traveler, StartError> {
    let failed = |reason: String| StartError::PurchasesFile {
        path: path.to_owned(),
        reason,
    };
    let text = std::fs::read_to_string(path).map_err(|error| failed(error.to_string()))?;
    serde_json::from_str(&text).map_err(|error| failed(error.to_string()))
}
