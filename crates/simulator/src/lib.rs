//! An SFT ("SIM for Things") look-alike for development, demos and tests.
//!
//! It speaks the three SFT calls the proxy uses (`POST /api/login`,
//! `GET /api/RefreshToken`, `GET /api/GetEndpointAddonDetails`) with SFT's envelope,
//! field names, date format and result codes, over a seeded demo traveler whose balances
//! fall in irregular steps as the simulator's clock passes. Control routes under `/sim/`
//! move the clock, inject faults and report what was served; they are not part of SFT.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// How a simulator is set up.
#[derive(Clone, Debug)]
pub struct SimConfig {
    /// The SFT account's time zone: dates on the wire are wall-clock times in it.
    pub time_zone: chrono_tz::Tz,
    /// The only user name `POST /api/login` accepts.
    pub username: String,
    /// The password that goes with [`SimConfig::username`].
    pub password: String,
    /// How long an access token works, on the simulator's clock.
    pub access_ttl: StdDuration,
    /// How long a refresh token works, on the simulator's clock.
    pub refresh_ttl: StdDuration,
    /// The simulator's start instant: the clock starts here and the demo data is seeded
    /// relative to it.
    pub start: DateTime<Utc>,
    /// Whether the clock starts frozen at [`SimConfig::start`].
    pub frozen: bool,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            time_zone: chrono_tz::UTC,
            username: "demo".into(),
            password: "demo-password".into(),
            access_ttl: StdDuration::from_secs(300),
            refresh_ttl: StdDuration::from_secs(86_400),
            start: Utc::now(),
            frozen: false,
        }
    }
}

/// Faults to inject into every SFT answer (not into `/sim/` routes).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Faults {
    /// Delay every SFT answer by this many milliseconds (real time).
    #[serde(default)]
    pub stall_ms: Option<u64>,
    /// Answer every SFT call with this HTTP status instead.
    #[serde(default)]
    pub status: Option<u16>,
    /// With [`Faults::status`], send `Retry-After` with this many seconds.
    #[serde(default)]
    pub retry_after_secs: Option<u64>,
    /// Answer every SFT call with 200 and an HTML page, as a misconfigured gateway would.
    #[serde(default)]
    pub html: bool,
}

/// How many SFT calls the simulator has served, by kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimCalls {
    /// `POST /api/login` calls.
    pub login: u64,
    /// `GET /api/RefreshToken` calls.
    pub refresh: u64,
    /// `GET /api/GetEndpointAddonDetails` calls.
    pub details: u64,
}

/// A running SFT look-alike. Cheap to clone: clones share one state.
#[derive(Clone)]
pub struct Simulator {
    inner: Arc<Inner>,
}

struct Inner {
    config: SimConfig,
    state: Mutex<State>,
}

struct State {
    calls: SimCalls,
    faults: Faults,
}

impl Simulator {
    /// Creates a simulator with its demo traveler seeded relative to `config.start`.
    pub fn new(config: SimConfig) -> Self {
        let state = State {
            calls: SimCalls::default(),
            faults: Faults::default(),
        };
        Self {
            inner: Arc::new(Inner {
                config,
                state: Mutex::new(state),
            }),
        }
    }

    /// The SFT routes under `/api/` and the control routes under `/sim/`.
    pub fn router(&self) -> axum::Router {
        axum::Router::new()
    }

    /// Binds `addr` and serves [`Simulator::router`] until [`RunningSimulator::shutdown`].
    pub async fn serve(self, addr: SocketAddr) -> std::io::Result<RunningSimulator> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let app = self.router();
        let task = tokio::spawn(async move {
            let shutdown = async {
                let _ = stopped.await;
            };
            if let Err(error) = axum::serve(listener, app)
                .with_graceful_shutdown(shutdown)
                .await
            {
                tracing::error!(%error, "simulator server stopped");
            }
        });
        Ok(RunningSimulator { addr, stop, task })
    }

    /// The simulator's current time.
    pub fn now(&self) -> DateTime<Utc> {
        self.inner.config.start
    }

    /// Moves the simulator's clock forward (or back, with a negative duration).
    pub fn advance(&self, _by: chrono::Duration) {}

    /// Freezes the clock at its current time, or lets it run again from there.
    pub fn set_frozen(&self, _frozen: bool) {}

    /// Replaces the injected faults; `Faults::default()` clears them.
    pub fn set_faults(&self, faults: Faults) {
        self.lock().faults = faults;
    }

    /// Invalidates every access token issued so far; refresh tokens keep working.
    pub fn expire_tokens(&self) {}

    /// How many SFT calls have been served.
    pub fn calls(&self) -> SimCalls {
        self.lock().calls
    }

    /// The demo traveler's endpoints and purchases, as the portal would know them.
    pub fn demo_traveler(&self) -> addon_usage_core::Traveler {
        addon_usage_core::Traveler {
            endpoints: Vec::new(),
            purchases: Vec::new(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic while holding the lock leaves plain data behind; keep serving it.
        self.inner
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A simulator listening on a socket.
pub struct RunningSimulator {
    /// The address it listens on.
    pub addr: SocketAddr,
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

impl RunningSimulator {
    /// The base URL, such as `http://127.0.0.1:9090`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops serving and waits for the server task to end.
    pub async fn shutdown(self) {
        let _ = self.stop.send(());
        let _ = self.task.await;
    }
}
