//! An SFT ("SIM for Things") look-alike for development, demos and tests.
//!
//! It speaks the three SFT calls the proxy uses with SFT's envelope, field names, date
//! format (`dd/mm/yyyy hh:mm:ss`, wall time in the configured zone) and result codes,
//! over a seeded demo traveler whose balances fall in irregular steps as the simulator's
//! clock passes (traffic rated late). Run it in-process ([`Simulator::serve`] or
//! [`Simulator::router`]) or as the `addon-usage-simulator` binary.
//!
//! # SFT routes
//!
//! | Route | Answer |
//! |---|---|
//! | `POST /api/login` `{"username","password"}` | `{"AccessToken","RefreshToken"}`; wrong credentials: HTTP 401, envelope code `401` |
//! | `GET /api/RefreshToken` (`X-Authorization: Bearer <refresh>`) | a new pair; expired or unknown: HTTP 401 |
//! | `GET /api/GetEndpointAddonDetails?endPointId=..[&uniqueId=..][&addonId=..]` | the envelope with the payload under `responseParam` (under `info` for a `uniqueId` query) |
//!
//! Details need `X-Authorization: Bearer <access>` and `X-Requested-With: XMLHttpRequest`
//! (else HTTP 401 / 403). An expired access token is answered as HTTP 401 or as HTTP 200
//! with result code `401` in the body, alternately by default ([`TokenExpiryForm`]).
//! Other outcomes: unknown endpoint → code `1204` (HTTP 200); nothing matching → `1359`
//! "No data available" (HTTP 200); no or non-numeric `endPointId`, non-numeric `uniqueId`
//! or `addonId` → code `1001` / `1002` with HTTP 400.
//!
//! # Control routes (not SFT)
//!
//! | Route | Effect |
//! |---|---|
//! | `GET /sim/clock` | `{"now": RFC 3339, "frozen": bool}` |
//! | `POST /sim/clock/advance` `{"minutes": N}` | moves the clock; answers like `GET /sim/clock` |
//! | `POST /sim/clock/freeze`, `POST /sim/clock/resume` | stops or restarts the clock |
//! | `GET /sim/faults`, `POST /sim/faults` `{"stall_ms","status","retry_after_secs","html","expire_tokens"}` | reads or replaces the [`Faults`]; `{}` clears them; `expire_tokens: true` invalidates every access token now |
//! | `GET /sim/calls` | [`SimCalls`] |
//! | `GET /sim/endpoints/{id}` | the endpoint's [`SimInstance`]s with exact balances; 404 when unknown |
//! | `GET /sim/traveler` | [`Simulator::demo_traveler`] |
//!
//! # Demo data
//!
//! Endpoint `880154` ("Europe eSIM"): an active, partly used 30-day 10 GiB plan with an
//! SMS benefit expiring 12 hours after the start and two counters (`Daily_Data` with
//! `Throttle_512 Kbps`, `Monthly_Data` with `Redirect`); an On Usage plan not started; a
//! used-up daily pass beside its active renewal; an expired plan. Endpoint `880299`
//! ("Japan eSIM"): an active plan with data and voice, a support-assigned bonus with no
//! purchase, and a plan scheduled to start three days in. See the `seed` module's source
//! for the figures and the choices that differ from real SFT.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

mod api;
mod clock;
mod control;
mod seed;
mod tokens;
mod usage;
mod wire;

pub use seed::{SimBenefit, SimCounter, SimInstance};

use clock::Clock;
use seed::Demo;
use tokens::{TokenCheck, TokenKind, Tokens};
use wire::Envelope;

/// How a simulator is set up.
#[derive(Clone)]
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

impl std::fmt::Debug for SimConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimConfig")
            .field("time_zone", &self.time_zone)
            .field("username", &self.username)
            .field("password", &"<hidden>")
            .field("access_ttl", &self.access_ttl)
            .field("refresh_ttl", &self.refresh_ttl)
            .field("start", &self.start)
            .field("frozen", &self.frozen)
            .finish()
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

/// How an expired access token is answered. Real SFT has been seen to use both forms, so
/// clients must handle both.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenExpiryForm {
    /// Alternate: HTTP 401 first, then HTTP 200 with the in-body 401, and so on.
    #[default]
    Alternate,
    /// Always HTTP 401.
    Http401,
    /// Always HTTP 200 with `resultCode "1"` and `resultParam.resultCode "401"`.
    InBody,
}

/// A running SFT look-alike. Cheap to clone: clones share one state.
#[derive(Clone)]
pub struct Simulator {
    inner: Arc<Inner>,
}

struct Inner {
    config: SimConfig,
    demo: Demo,
    state: Mutex<State>,
}

struct State {
    clock: Clock,
    tokens: Tokens,
    calls: SimCalls,
    faults: Faults,
    last_response_id: u64,
    expiry_form: TokenExpiryForm,
    expired_answers: u64,
}

/// Which SFT call was served.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CallKind {
    Login,
    Refresh,
    Details,
}

impl Simulator {
    /// Creates a simulator with its demo traveler seeded relative to `config.start`
    /// (truncated to whole seconds, as SFT dates have no fractions).
    pub fn new(mut config: SimConfig) -> Self {
        let start = config.start.timestamp();
        config.start = DateTime::from_timestamp(start, 0).unwrap_or(config.start);
        let state = State {
            clock: Clock::starting_at(config.start, config.frozen, Utc::now()),
            tokens: Tokens::new(start as u64 ^ u64::from(Utc::now().timestamp_subsec_nanos())),
            calls: SimCalls::default(),
            faults: Faults::default(),
            last_response_id: 7_730_000,
            expiry_form: TokenExpiryForm::default(),
            expired_answers: 0,
        };
        let demo = Demo::seeded_at(config.start);
        Self {
            inner: Arc::new(Inner {
                config,
                demo,
                state: Mutex::new(state),
            }),
        }
    }

    /// The SFT routes under `/api/` and the control routes under `/sim/`, each request
    /// logged on one line (method, path, status, latency; never headers or bodies).
    pub fn router(&self) -> axum::Router {
        api::routes(self)
            .merge(control::routes())
            .layer(axum::middleware::from_fn(log_request))
            .with_state(self.clone())
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
        self.lock().clock.now(Utc::now())
    }

    /// Whether the clock is frozen.
    pub fn is_frozen(&self) -> bool {
        self.lock().clock.is_frozen()
    }

    /// Moves the simulator's clock forward (or back, with a negative duration), frozen or
    /// not. Balances, token lifetimes and renewals all follow it.
    pub fn advance(&self, by: chrono::Duration) {
        self.lock().clock.advance(by);
    }

    /// Freezes the clock at its current time, or lets it run again from there.
    pub fn set_frozen(&self, frozen: bool) {
        self.lock().clock.set_frozen(frozen, Utc::now());
    }

    /// Replaces the injected faults; `Faults::default()` clears them.
    pub fn set_faults(&self, faults: Faults) {
        self.lock().faults = faults;
    }

    /// The faults currently injected.
    pub fn faults(&self) -> Faults {
        self.lock().faults.clone()
    }

    /// Invalidates every access token issued so far; refresh tokens keep working.
    pub fn expire_tokens(&self) {
        let mut state = self.lock();
        let now = state.clock.now(Utc::now());
        state.tokens.expire_access(now);
    }

    /// Chooses how expired access tokens are answered (alternating by default).
    pub fn set_token_expiry_form(&self, form: TokenExpiryForm) {
        let mut state = self.lock();
        state.expiry_form = form;
        state.expired_answers = 0;
    }

    /// How many SFT calls have been received, by kind. Every call counts, including
    /// those answered by an injected fault or refused.
    pub fn calls(&self) -> SimCalls {
        self.lock().calls
    }

    /// The demo traveler's endpoints and purchases, as the portal would know them.
    pub fn demo_traveler(&self) -> addon_usage_core::Traveler {
        self.inner.demo.traveler()
    }

    /// The instances of an endpoint as they stand now, with exact balances (what
    /// `GET /sim/endpoints/{id}` returns); `None` for an unknown endpoint.
    pub fn endpoint_instances(&self, endpoint_id: &str) -> Option<Vec<SimInstance>> {
        self.inner
            .demo
            .instances_at(endpoint_id, self.now(), self.time_zone())
    }

    /// The SFT account's time zone.
    pub fn time_zone(&self) -> chrono_tz::Tz {
        self.inner.config.time_zone
    }

    /// The instant the simulator started at and seeded its data from (whole seconds).
    pub fn start(&self) -> DateTime<Utc> {
        self.inner.config.start
    }

    pub(crate) fn count(&self, kind: CallKind) {
        let calls = &mut self.lock().calls;
        match kind {
            CallKind::Login => calls.login += 1,
            CallKind::Refresh => calls.refresh += 1,
            CallKind::Details => calls.details += 1,
        }
    }

    pub(crate) fn credentials_match(&self, username: &str, password: &str) -> bool {
        username == self.inner.config.username && password == self.inner.config.password
    }

    pub(crate) fn issue_tokens(&self) -> (String, String) {
        let config = &self.inner.config;
        let ttl = |d: StdDuration| chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX);
        let mut state = self.lock();
        let now = state.clock.now(Utc::now());
        let (access, refresh) = (ttl(config.access_ttl), ttl(config.refresh_ttl));
        state
            .tokens
            .issue_pair(&config.username, now, access, refresh)
    }

    pub(crate) fn check_token(&self, token: &str, kind: TokenKind) -> TokenCheck {
        let state = self.lock();
        state.tokens.check(token, kind, state.clock.now(Utc::now()))
    }

    /// The answer to a call with an expired access token, in the form due next.
    pub(crate) fn token_expired(&self) -> Response {
        let in_body = {
            let mut state = self.lock();
            state.expired_answers += 1;
            match state.expiry_form {
                TokenExpiryForm::Alternate => state.expired_answers.is_multiple_of(2),
                TokenExpiryForm::Http401 => false,
                TokenExpiryForm::InBody => true,
            }
        };
        let status = if in_body {
            StatusCode::OK
        } else {
            StatusCode::UNAUTHORIZED
        };
        self.failure(
            status,
            addon_usage_core::names::CODE_TOKEN_EXPIRED,
            "Token expired",
        )
    }

    /// An SFT failure envelope with `status`.
    pub(crate) fn failure(&self, status: StatusCode, code: &str, description: &str) -> Response {
        let body = self
            .envelope(self.now(), wire::CODE_FAILURE, code, description)
            .bare();
        api::json_answer(status, body)
    }

    /// An envelope stamped `now` with the next response id.
    pub(crate) fn envelope<'a>(
        &self,
        now: DateTime<Utc>,
        result: &'a str,
        code: &'a str,
        description: &'a str,
    ) -> Envelope<'a> {
        let response_id = {
            let mut state = self.lock();
            state.last_response_id += 1;
            state.last_response_id
        };
        Envelope {
            response_id,
            now,
            zone: self.time_zone(),
            result,
            code,
            description,
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

/// Logs one line per request; never headers, query strings or bodies.
async fn log_request(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let started = std::time::Instant::now();

    let response = next.run(request).await;

    let latency_ms = started.elapsed().as_millis() as u64;
    tracing::info!(%method, %path, status = response.status().as_u16(), latency_ms, "sim request");
    response
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
