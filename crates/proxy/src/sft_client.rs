//! The SFT client: logs in once, keeps the token pair, renews it when SFT says it expired
//! (HTTP 401 or the in-body 401) and retries the call once, so callers never notice.
//!
//! Renewal is single-flight: the session sits behind one async lock, and a caller that
//! saw an expired token renews only if nobody renewed since it read that token.

use std::fmt;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use addon_usage_core::sft::{parse_addon_details, AddonDetails, SftError};
use chrono_tz::Tz;
use reqwest::header::{HeaderMap, HeaderValue, RETRY_AFTER};
use reqwest::{Client, StatusCode};
use serde::Deserialize;
use tokio::sync::Mutex;

/// SFT's login path.
const LOGIN_PATH: &str = "/api/login";
/// SFT's token refresh path.
const REFRESH_PATH: &str = "/api/RefreshToken";
/// SFT's add-on details path.
const DETAILS_PATH: &str = "/api/GetEndpointAddonDetails";
/// The header SFT reads the bearer token from (not `Authorization`).
const TOKEN_HEADER: &str = "X-Authorization";

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
}

impl fmt::Debug for SftSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SftSettings")
            .field("base_url", &self.base_url)
            .field("time_zone", &self.time_zone)
            .field("timeout", &self.timeout)
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
#[derive(Debug)]
struct Session {
    access: Token,
    refresh: Token,
    generation: u64,
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
}

impl SftClient {
    /// Creates a client; it logs in on its first call.
    pub fn new(settings: SftSettings) -> Result<Self, reqwest::Error> {
        let http = Client::builder()
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout)
            .user_agent(concat!("addon-usage-proxy/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self {
            http,
            settings,
            session: Mutex::new(None),
        })
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
        match self.details_once(&access, endpoint_id, query, calls).await {
            Err(Expired::Token) => {}
            Err(Expired::No(error)) => return Err(error),
            Ok(details) => return Ok(details),
        }

        tracing::info!("SFT access token expired; renewing it");
        let access = self.renew(generation, calls).await?;
        match self.details_once(&access, endpoint_id, query, calls).await {
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

        let pair = self.login(calls).await?;
        let fresh = Session {
            access: pair.0,
            refresh: pair.1,
            generation: 0,
        };
        let answer = (fresh.access.clone(), fresh.generation);
        *session = Some(fresh);
        Ok(answer)
    }

    /// Renews the session whose access token of `seen_generation` expired: with the
    /// refresh token, else with a fresh login. A caller that finds the session already
    /// renewed by someone else takes the new token without calling SFT.
    async fn renew(&self, seen_generation: u64, calls: &CallCount) -> Result<Token, SftCallError> {
        let mut session = self.session.lock().await;
        let (refresh, generation) = match session.as_ref() {
            Some(current) if current.generation != seen_generation => {
                return Ok(current.access.clone());
            }
            Some(current) => (Some(current.refresh.clone()), current.generation + 1),
            None => (None, seen_generation + 1),
        };

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
            None => self.login(calls).await.inspect_err(|_| *session = None)?,
        };
        *session = Some(Session {
            access: access.clone(),
            refresh,
            generation,
        });
        Ok(access)
    }

    async fn login(&self, calls: &CallCount) -> Result<(Token, Token), SftCallError> {
        let credentials = serde_json::json!({
            "username": self.settings.username,
            "password": self.settings.password,
        });
        calls.add_one();
        let response = self
            .http
            .post(self.url(LOGIN_PATH))
            .header("X-Requested-With", "XMLHttpRequest")
            .json(&credentials)
            .send()
            .await
            .map_err(transport_error)?;

        let pair = read_token_pair(response)
            .await
            .map_err(|error| match error {
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
        let response = self
            .http
            .get(self.url(REFRESH_PATH))
            .headers(auth_headers(refresh)?)
            .send()
            .await
            .map_err(transport_error)?;

        let pair = read_token_pair(response).await?;
        tracing::info!("renewed the SFT token pair");
        Ok(pair)
    }

    /// One details call, telling an expired token apart from every other failure.
    async fn details_once(
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
        };

        let shown = format!("{settings:?}");

        assert!(
            !shown.contains("hunter2") && !shown.contains("portal-user"),
            "{shown}"
        );
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
