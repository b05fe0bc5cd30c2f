//! The SFT client: logs in once, keeps the token pair, renews it when SFT says it expired
//! (HTTP 401 or the in-body 401) and retries the call once, so callers never notice.
//!
//! Renewal is single-flight: the session sits behind one async lock, and a caller that
//! saw an expired token renews only if nobody renewed since it read that token. With
//! Redis the token pair is shared by every replica: one logs in or renews under a Redis
//! lock, the others adopt what it stored.
//!
//! A details GET that times out is sent once more after a short pause. An answer that
//! names another endpoint than the one asked for is refused.

use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use addon_usage_core::sft::{parse_addon_details, AddonDetails, SftError};
use chrono_tz::Tz;
use reqwest::header::{HeaderMap, HeaderValue, RETRY_AFTER};
use reqwest::{Client, StatusCode};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::sync::Mutex;

use crate::metrics::{Metrics, SftCall};
use crate::shared::SharedStore;

/// SFT's login path.
const LOGIN_PATH: &str = "/api/login";
/// SFT's token refresh path.
const REFRESH_PATH: &str = "/api/RefreshToken";
/// SFT's add-on details path.
const DETAILS_PATH: &str = "/api/GetEndpointAddonDetails";
/// The header SFT reads the bearer token from (not `Authorization`).
const TOKEN_HEADER: &str = "X-Authorization";
/// The Redis key of the shared token pair.
const SESSION_KEY: &str = "sft-session";
/// How long Redis keeps the shared token pair; an older one is replaced by a new login.
const SESSION_TTL: Duration = Duration::from_secs(12 * 3600);

/// Why an SFT call gave no answer the widget can use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SftCallError {
    /// SFT did not answer within the configured time-out.
    #[error("SFT did not answer within the time-out")]
    Timeout,
    /// SFT could not be reached, or answered with a server error.
    #[error("SFT unavailable: {0}")]
    Unavailable(String),
    /// SFT asked the proxy to slow down (HTTP 429).
    #[error("SFT is busy (HTTP 429)")]
    Busy {
        /// SFT's `Retry-After` value, passed on as it came.
        retry_after: Option<String>,
    },
    /// SFT's answer could not be read (HTML, truncated JSON, no envelope).
    #[error("unreadable SFT answer: {0}")]
    Unreadable(String),
    /// SFT refused the request, with its result code and description.
    #[error("SFT refused the request: {code} {description}")]
    Rejected {
        /// SFT's result code (or the HTTP status when SFT gave none).
        code: String,
        /// SFT's description.
        description: String,
    },
}

/// Which add-on instances of an endpoint to ask SFT for.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum AddonQuery {
    /// Every instance on the endpoint.
    All,
    /// One instance, by SFT `uniqueId`.
    UniqueId(String),
    /// Every instance of one add-on plan, by `addonId` (SFT `planId`).
    AddonId(String),
}

/// Where and as whom the client talks to SFT.
#[derive(Clone)]
pub struct SftSettings {
    /// SFT's base URL, without a trailing path.
    pub base_url: String,
    /// The account's user name.
    pub username: String,
    /// The account's password. Never logged.
    pub password: String,
    /// The account's time zone, for reading SFT dates.
    pub time_zone: Tz,
    /// How long one HTTP call may take.
    pub timeout: Duration,
    /// The pause before a details GET that timed out is sent once more.
    pub retry_delay: Duration,
}

impl fmt::Debug for SftSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SftSettings")
            .field("base_url", &self.base_url)
            .field("time_zone", &self.time_zone)
            .field("timeout", &self.timeout)
            .field("retry_delay", &self.retry_delay)
            .finish_non_exhaustive()
    }
}

/// A bearer token. Its `Debug` never shows the value.
#[derive(Clone, PartialEq, Eq)]
struct Token(String);

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

/// The token pair of a logged-in session, with a counter of renewals.
#[derive(Debug, Clone)]
struct Session {
    access: Token,
    refresh: Token,
    generation: u64,
}

/// A session as Redis keeps it.
#[derive(Serialize, Deserialize)]
struct SharedSession {
    access: String,
    refresh: String,
    generation: u64,
}

impl From<&Session> for SharedSession {
    fn from(session: &Session) -> Self {
        Self {
            access: session.access.0.clone(),
            refresh: session.refresh.0.clone(),
            generation: session.generation,
        }
    }
}

impl From<SharedSession> for Session {
    fn from(shared: SharedSession) -> Self {
        Self {
            access: Token(shared.access),
            refresh: Token(shared.refresh),
            generation: shared.generation,
        }
    }
}

/// SFT's login and refresh answer.
#[derive(Deserialize)]
struct TokenPair {
    #[serde(rename = "AccessToken", alias = "accessToken", alias = "access_token")]
    access: String,
    #[serde(
        rename = "RefreshToken",
        alias = "refreshToken",
        alias = "refresh_token"
    )]
    refresh: String,
}

/// Counts the SFT HTTP calls made on behalf of one proxy request, for its log line.
#[derive(Debug, Default)]
pub struct CallCount(AtomicU32);

impl CallCount {
    /// How many calls were made.
    pub fn get(&self) -> u32 {
        self.0.load(Ordering::Relaxed)
    }

    fn add_one(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
}

/// A client for one SFT account, shared by every request of the proxy.
#[derive(Debug)]
pub struct SftClient {
    http: Client,
    settings: SftSettings,
    session: Mutex<Option<Session>>,
    shared: Option<SharedStore>,
    metrics: Arc<Metrics>,
    logged_in: AtomicBool,
}

impl SftClient {
    /// Creates a client; it logs in on its first call (or adopts the pair in `shared`).
    pub fn new(
        settings: SftSettings,
        metrics: Arc<Metrics>,
        shared: Option<SharedStore>,
    ) -> Result<Self, reqwest::Error> {
        let http = Client::builder()
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout)
            .user_agent(concat!("addon-usage-proxy/", env!("CARGO_PKG_VERSION")))
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(Self {
            http,
            settings,
            session: Mutex::new(None),
            shared,
            metrics,
            logged_in: AtomicBool::new(false),
        })
    }

    /// Whether the client has held a working SFT session (its own login, a renewal, or a
    /// pair another replica stored).
    pub fn has_logged_in(&self) -> bool {
        self.logged_in.load(Ordering::Relaxed)
    }

    /// Logs in now unless a session exists, so that readiness does not wait for the
    /// first traveler.
    pub async fn warm_up(&self) -> Result<(), SftCallError> {
        self.access_token(&CallCount::default()).await.map(|_| ())
    }

    /// How long a Redis lock around one SFT exchange may be held.
    pub fn lock_ttl(&self) -> Duration {
        self.settings.timeout * 2 + self.settings.retry_delay + Duration::from_secs(1)
    }

    /// The SFT account's time zone.
    pub fn time_zone(&self) -> Tz {
        self.settings.time_zone
    }

    /// Asks SFT for the add-on details of `endpoint_id`, renewing the token once if SFT
    /// says it expired. Every HTTP call made is added to `calls`.
    pub async fn addon_details(
        &self,
        endpoint_id: &str,
        query: &AddonQuery,
        calls: &CallCount,
    ) -> Result<AddonDetails, SftCallError> {
        let (access, generation) = self.access_token(calls).await?;
        match self
            .details_retrying(&access, endpoint_id, query, calls)
            .await
        {
            Err(Expired::Token) => {}
            Err(Expired::No(error)) => return Err(error),
            Ok(details) => return Ok(details),
        }

        tracing::info!("SFT access token expired; renewing it");
        let access = self.renew(generation, calls).await?;
        match self
            .details_retrying(&access, endpoint_id, query, calls)
            .await
        {
            Ok(details) => Ok(details),
            Err(Expired::No(error)) => Err(error),
            Err(Expired::Token) => Err(SftCallError::Rejected {
                code: "401".into(),
                description: "SFT refused a token it had just issued".into(),
            }),
        }
    }

    /// The current access token and its generation, logging in first if needed.
    async fn access_token(&self, calls: &CallCount) -> Result<(Token, u64), SftCallError> {
        let mut session = self.session.lock().await;
        if let Some(current) = session.as_ref() {
            return Ok((current.access.clone(), current.generation));
        }

        let login = || async {
            let (access, refresh) = self.login(calls).await?;
            // A generation no replica has seen, so that none mistakes it for its own.
            let generation = u64::from(getrandom::u32().unwrap_or_default()) << 32;
            Ok(Session {
                access,
                refresh,
                generation,
            })
        };
        let fresh = match &self.shared {
            None => login().await?,
            Some(shared) => {
                let adopt = || async {
                    let stored: SharedSession = shared.get_json(SESSION_KEY).await?;
                    Some(Session::from(stored))
                };
                let store = || async {
                    let fresh = login().await?;
                    let stored = SharedSession::from(&fresh);
                    shared.put_json(SESSION_KEY, &stored, SESSION_TTL).await;
                    Ok::<_, SftCallError>(fresh)
                };
                let lock_ttl = self.lock_ttl();
                shared
                    .single_flight(SESSION_KEY, lock_ttl, adopt, store)
                    .await
                    .0?
            }
        };
        self.logged_in.store(true, Ordering::Relaxed);
        let answer = (fresh.access.clone(), fresh.generation);
        *session = Some(fresh);
        Ok(answer)
    }

    /// Renews the session whose access token of `seen_generation` expired: with the
    /// refresh token, else with a fresh login. A caller that finds the session already
    /// renewed by someone else takes the new token without calling SFT.
    async fn renew(&self, seen_generation: u64, calls: &CallCount) -> Result<Token, SftCallError> {
        let mut session = self.session.lock().await;
        let refresh = match session.as_ref() {
            Some(current) if current.generation != seen_generation => {
                return Ok(current.access.clone());
            }
            Some(current) => Some(current.refresh.clone()),
            None => None,
        };
        let generation = seen_generation.wrapping_add(1);

        let renewed = match &self.shared {
            None => self.renewed_session(refresh, generation, calls).await,
            Some(shared) => {
                let adopt = || async {
                    let stored: SharedSession = shared.get_json(SESSION_KEY).await?;
                    (stored.generation != seen_generation).then(|| Session::from(stored))
                };
                let store = || async {
                    let fresh = self.renewed_session(refresh, generation, calls).await?;
                    let stored = SharedSession::from(&fresh);
                    shared.put_json(SESSION_KEY, &stored, SESSION_TTL).await;
                    Ok(fresh)
                };
                let lock_ttl = self.lock_ttl();
                shared
                    .single_flight(SESSION_KEY, lock_ttl, adopt, store)
                    .await
                    .0
            }
        };
        match renewed {
            Ok(fresh) => {
                self.logged_in.store(true, Ordering::Relaxed);
                let access = fresh.access.clone();
                *session = Some(fresh);
                Ok(access)
            }
            Err(error) => {
                *session = None;
                Err(error)
            }
        }
    }

    /// A new session from the refresh token when it still works, else from a new login.
    async fn renewed_session(
        &self,
        refresh: Option<Token>,
        generation: u64,
        calls: &CallCount,
    ) -> Result<Session, SftCallError> {
        let refreshed = match refresh {
            Some(refresh) => match self.refresh(&refresh, calls).await {
                Ok(pair) => Some(pair),
                Err(error) => {
                    tracing::info!(%error, "SFT token refresh failed; logging in again");
                    None
                }
            },
            None => None,
        };
        let (access, refresh) = match refreshed {
            Some(pair) => pair,
            None => self.login(calls).await?,
        };
        Ok(Session {
            access,
            refresh,
            generation,
        })
    }

    async fn login(&self, calls: &CallCount) -> Result<(Token, Token), SftCallError> {
        let credentials = serde_json::json!({
            "username": self.settings.username,
            "password": self.settings.password,
        });
        calls.add_one();
        let started = Instant::now();
        let answer = async {
            let response = self
                .http
                .post(self.url(LOGIN_PATH))
                .header("X-Requested-With", "XMLHttpRequest")
                .json(&credentials)
                .send()
                .await
                .map_err(transport_error)?;
            read_token_pair(response).await
        }
        .await;
        self.metrics
            .sft_call(SftCall::Login, answer.is_ok(), started.elapsed());

        let pair = answer.map_err(|error| match error {
            SftCallError::Rejected { code, .. } => SftCallError::Rejected {
                code,
                description: "SFT refused the proxy's login; check its SFT credentials".into(),
            },
            other => other,
        })?;
        tracing::info!("logged in to SFT");
        Ok(pair)
    }

    async fn refresh(
        &self,
        refresh: &Token,
        calls: &CallCount,
    ) -> Result<(Token, Token), SftCallError> {
        calls.add_one();
        let started = Instant::now();
        let answer = async {
            let response = self
                .http
                .get(self.url(REFRESH_PATH))
                .headers(auth_headers(refresh)?)
                .send()
                .await
                .map_err(transport_error)?;
            read_token_pair(response).await
        }
        .await;
        self.metrics
            .sft_call(SftCall::Refresh, answer.is_ok(), started.elapsed());

        let pair = answer?;
        tracing::info!("renewed the SFT token pair");
        Ok(pair)
    }

    /// One details call, sent once more after a pause if it timed out.
    async fn details_retrying(
        &self,
        access: &Token,
        endpoint_id: &str,
        query: &AddonQuery,
        calls: &CallCount,
    ) -> Result<AddonDetails, Expired> {
        match self.details_once(access, endpoint_id, query, calls).await {
            Err(Expired::No(SftCallError::Timeout)) => {
                tracing::info!(
                    endpoint_id,
                    "SFT details call timed out; sending it once more"
                );
                tokio::time::sleep(self.settings.retry_delay).await;
                self.details_once(access, endpoint_id, query, calls).await
            }
            other => other,
        }
    }

    /// One details call, timed for the metrics.
    async fn details_once(
        &self,
        access: &Token,
        endpoint_id: &str,
        query: &AddonQuery,
        calls: &CallCount,
    ) -> Result<AddonDetails, Expired> {
        let started = Instant::now();
        let answer = self.details_call(access, endpoint_id, query, calls).await;
        self.metrics
            .sft_call(SftCall::Details, answer.is_ok(), started.elapsed());
        answer
    }

    /// One details call, telling an expired token apart from every other failure.
    async fn details_call(
        &self,
        access: &Token,
        endpoint_id: &str,
        query: &AddonQuery,
        calls: &CallCount,
    ) -> Result<AddonDetails, Expired> {
        let mut params = vec![("endPointId", endpoint_id)];
        match query {
            AddonQuery::All => {}
            AddonQuery::UniqueId(id) => params.push(("uniqueId", id)),
            AddonQuery::AddonId(id) => params.push(("addonId", id)),
        }

        calls.add_one();
        let response = self
            .http
            .get(self.url(DETAILS_PATH))
            .headers(auth_headers(access)?)
            .query(&params)
            .send()
            .await
            .map_err(transport_error)?;
        let status = response.status();
        if status == StatusCode::UNAUTHORIZED {
            return Err(Expired::Token);
        }
        check_status(status, response.headers())?;
        let body = response.text().await.map_err(transport_error)?;

        match parse_addon_details(&body, self.settings.time_zone) {
            Ok(_) if !answers_for(&body, endpoint_id) => {
                tracing::warn!(endpoint_id, "SFT answered for another endpoint; dropped");
                Err(SftCallError::Unreadable("the answer names another endpoint".into()).into())
            }
            Ok(details) => {
                for reason in &details.skipped {
                    tracing::warn!(endpoint_id, reason, "left out an unreadable SFT item");
                }
                Ok(details)
            }
            Err(SftError::TokenExpired) => Err(Expired::Token),
            Err(SftError::Rejected { code, description }) if status.is_success() => {
                Err(SftCallError::Rejected { code, description }.into())
            }
            Err(SftError::Rejected { code, description }) => Err(SftCallError::Rejected {
                code: format!("{code} (HTTP {})", status.as_u16()),
                description,
            }
            .into()),
            Err(SftError::Malformed(reason)) if status.is_success() => {
                Err(SftCallError::Unreadable(reason).into())
            }
            Err(SftError::Malformed(_)) => Err(SftCallError::Rejected {
                code: format!("HTTP {}", status.as_u16()),
                description: status.canonical_reason().unwrap_or_default().into(),
            }
            .into()),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.settings.base_url.trim_end_matches('/'))
    }
}

/// A details call's failure: an expired token (worth one renewal) or anything else.
enum Expired {
    Token,
    No(SftCallError),
}

impl From<SftCallError> for Expired {
    fn from(error: SftCallError) -> Self {
        Expired::No(error)
    }
}

/// Whether an answer that names its endpoint names `endpoint_id` (an answer that names
/// none is taken as the endpoint's).
fn answers_for(body: &str, endpoint_id: &str) -> bool {
    let Ok(root) = serde_json::from_str::<Value>(body) else {
        return true;
    };
    let named = field(&root, "Response")
        .and_then(|envelope| field(envelope, "responseParam").or_else(|| field(envelope, "info")))
        .and_then(|payload| field(payload, "endPointId"));
    match named {
        Some(Value::String(id)) => id.trim() == endpoint_id,
        Some(Value::Number(id)) => id.to_string() == endpoint_id,
        Some(Value::Null) | None => true,
        Some(_) => false,
    }
}

/// A member of a JSON object by name, ignoring ASCII case as SFT's casing varies.
fn field<'a>(value: &'a Value, name: &str) -> Option<&'a Value> {
    let object = value.as_object()?;
    object.get(name).or_else(|| {
        object
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value)
    })
}

/// The two headers every authenticated SFT call needs.
fn auth_headers(token: &Token) -> Result<HeaderMap, SftCallError> {
    let mut value = HeaderValue::from_str(&format!("Bearer {}", token.0))
        .map_err(|_| SftCallError::Unreadable("SFT issued a token that is not a header".into()))?;
    value.set_sensitive(true);

    let mut headers = HeaderMap::new();
    headers.insert(TOKEN_HEADER, value);
    headers.insert(
        "X-Requested-With",
        HeaderValue::from_static("XMLHttpRequest"),
    );
    Ok(headers)
}

/// Maps the HTTP statuses that are not SFT's own answer: 429 and server errors.
fn check_status(status: StatusCode, headers: &HeaderMap) -> Result<(), SftCallError> {
    if status == StatusCode::TOO_MANY_REQUESTS {
        let retry_after = headers
            .get(RETRY_AFTER)
            .and_then(|value| value.to_str().ok())
            .map(|value| value.trim().to_owned())
            .filter(|value| !value.is_empty());
        return Err(SftCallError::Busy { retry_after });
    }
    if status == StatusCode::GATEWAY_TIMEOUT || status == StatusCode::REQUEST_TIMEOUT {
        return Err(SftCallError::Timeout);
    }
    if status.is_server_error() {
        return Err(SftCallError::Unavailable(format!(
            "SFT answered HTTP {}",
            status.as_u16()
        )));
    }
    Ok(())
}

/// Reads a login or refresh answer into a token pair.
async fn read_token_pair(response: reqwest::Response) -> Result<(Token, Token), SftCallError> {
    let status = response.status();
    check_status(status, response.headers())?;
    if status.is_client_error() {
        return Err(SftCallError::Rejected {
            code: status.as_u16().to_string(),
            description: "SFT refused the credentials".into(),
        });
    }
    let body = response.text().await.map_err(transport_error)?;

    let pair: TokenPair = serde_json::from_str(&body).map_err(|error| {
        let start: String = body.trim_start().chars().take(40).collect();
        SftCallError::Unreadable(format!("no token pair ({error}); starts with {start:?}"))
    })?;
    Ok((Token(pair.access), Token(pair.refresh)))
}

/// Classifies a transport failure; the message never holds a URL with credentials.
fn transport_error(error: reqwest::Error) -> SftCallError {
    if error.is_timeout() {
        return SftCallError::Timeout;
    }
    let error = error.without_url();
    if error.is_decode() || error.is_body() {
        return SftCallError::Unreadable(error.to_string());
    }
    SftCallError::Unavailable(error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_never_show_in_debug_output() {
        let session = Session {
            access: Token("access-secret".into()),
            refresh: Token("refresh-secret".into()),
            generation: 3,
        };

        let shown = format!("{session:?}");

        assert!(!shown.contains("secret"), "{shown}");
    }

    #[test]
    fn settings_never_show_credentials_in_debug_output() {
        let settings = SftSettings {
            base_url: "https://sft.example".into(),
            username: "portal-user".into(),
            password: "hunter2".into(),
            time_zone: chrono_tz::UTC,
            timeout: Duration::from_secs(1),
            retry_delay: Duration::from_millis(1),
        };

        let shown = format!("{settings:?}");

        assert!(
            !shown.contains("hunter2") && !shown.contains("portal-user"),
            "{shown}"
        );
    }

    #[test]
    fn an_answer_naming_another_endpoint_is_not_the_endpoints() {
        let answer = |payload: &str| {
            format!(r#"{{"Response": {{"resultCode": "0", "responseParam": {payload}}}}}"#)
        };
        let cases = [
            (answer(r#"{"endPointId": "880154"}"#), true),
            (answer(r#"{"endPointId": 880154}"#), true),
            (answer(r#"{"ENDPOINTID": "880154"}"#), true),
            (answer("{}"), true),
            (answer(r#"{"endPointId": "880155"}"#), false),
            (answer(r#"{"endPointId": ["880154"]}"#), false),
        ];

        for (body, expected) in cases {
            assert_eq!(answers_for(&body, "880154"), expected, "{body}");
        }
    }

    #[test]
    fn http_statuses_outside_sft_answers_map_to_call_errors() {
        let with_retry = |value: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert(RETRY_AFTER, HeaderValue::from_static(value));
            headers
        };
        let cases = [
            (200, HeaderMap::new(), Ok(())),
            (
                429,
                with_retry(" 7 "),
                Err(SftCallError::Busy {
                    retry_after: Some("7".into()),
                }),
            ),
            (
                429,
                HeaderMap::new(),
                Err(SftCallError::Busy { retry_after: None }),
            ),
            (504, HeaderMap::new(), Err(SftCallError::Timeout)),
            (
                503,
                HeaderMap::new(),
                Err(SftCallError::Unavailable("SFT answered HTTP 503".into())),
            ),
            (400, HeaderMap::new(), Ok(())),
        ];

        for (status, headers, expected) in cases {
            let status = StatusCode::from_u16(status).unwrap();

            let outcome = check_status(status, &headers);

            assert_eq!(outcome, expected, "HTTP {status}");
        }
    }
}
