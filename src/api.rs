//! The proxy's JSON API, as the widget uses it.

use addon_usage_core::model::{AddonsSnapshot, ProxyErrorBody, Purchase, Traveler};
use gloo_net::http::Request;
use leptos::prelude::*;
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::config::WidgetConfig;
use crate::i18n::{t, Locale, Msg};

/// Why a request to the proxy gave no answer the widget can use.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ApiError {
    /// The proxy could not be reached (offline, DNS, connection refused).
    #[error("network error: {0}")]
    Network(String),
    /// The proxy answered with an error body.
    #[error("proxy error {status} {code}: {message}")]
    Proxy {
        /// HTTP status.
        status: u16,
        /// The proxy's stable code.
        code: String,
        /// The proxy's sentence for people.
        message: String,
        /// Seconds to wait before asking again, from `Retry-After`.
        retry_after: Option<u64>,
    },
    /// The answer could not be read.
    #[error("unreadable answer: {0}")]
    Decode(String),
}

impl ApiError {
    /// A short sentence for the traveler, in their language, that says what to do.
    pub fn for_traveler(&self, locale: &Locale) -> String {
        match self {
            ApiError::Network(_) => t(locale, Msg::ErrorNetwork),
            ApiError::Proxy { status: 401, .. } => t(locale, Msg::ErrorSession),
            // TODO: the proxy words its errors in English only; give its stable codes
            // (rate limits, SFT unavailable) catalog messages so every language gets them.
            ApiError::Proxy { message, .. } if !message.is_empty() => message.clone(),
            ApiError::Proxy { .. } | ApiError::Decode(_) => t(locale, Msg::ErrorUnreadable),
        }
    }

    /// Seconds the proxy asked us to wait, if it did.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            ApiError::Proxy { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

#[derive(Deserialize)]
struct TokenAnswer {
    token: String,
}

/// Talks to the proxy for one widget: base URL and the traveler's token.
#[derive(Clone, Copy)]
pub struct Client {
    api_base: StoredValue<String>,
    token_url: StoredValue<Option<String>>,
    purchases_url: StoredValue<Option<String>>,
    purchases: StoredValue<Option<Vec<Purchase>>>,
    token: RwSignal<Option<String>>,
}

impl Client {
    /// A client for the widget's configuration.
    pub fn new(config: &WidgetConfig) -> Self {
        Self {
            api_base: StoredValue::new(config.api_base.clone()),
            token_url: StoredValue::new(config.token_url.clone()),
            purchases_url: StoredValue::new(config.purchases_url.clone()),
            purchases: StoredValue::new(config.purchases.clone()),
            token: RwSignal::new(config.token.clone()),
        }
    }

    /// Whose token this is (its `sub`), fetching a token first when there is none.
    pub async fn token_subject(self) -> Result<Option<String>, ApiError> {
        if self.token.try_get_untracked().flatten().is_none() {
            self.renew_token().await?;
        }
        Ok(self
            .token
            .try_get_untracked()
            .flatten()
            .as_deref()
            .and_then(crate::cache::token_subject))
    }

    /// The traveler's endpoints and purchases.
    pub async fn traveler(self) -> Result<Traveler, ApiError> {
        let mut traveler: Traveler = self.get("/api/v1/traveler").await?;
        // The portal's own list wins: first the `purchases` property, then its URL.
        if let Some(purchases) = self.purchases.try_get_value().flatten() {
            traveler.purchases = purchases;
        } else if let Some(url) = self.purchases_url.try_get_value().flatten() {
            traveler.purchases = get_json::<Vec<Purchase>>(&url, None).await?;
        }
        Ok(traveler)
    }

    /// Every add-on of one endpoint.
    pub async fn addons(self, endpoint_id: &str) -> Result<AddonsSnapshot, ApiError> {
        self.get(&format!("/api/v1/endpoints/{endpoint_id}/addons"))
            .await
    }

    /// A GET on the proxy with the traveler's token, fetching a new token once when the
    /// proxy says the current one is missing or expired.
    async fn get<T: DeserializeOwned>(self, path: &str) -> Result<T, ApiError> {
        // A widget removed from the page must not send anything (least of all without
        // its token).
        if self.token.is_disposed() {
            return Err(ApiError::Network("the widget was removed".into()));
        }
        let url = format!(
            "{}{path}",
            self.api_base.try_get_value().unwrap_or_default()
        );
        if self.token.try_get_untracked().flatten().is_none() {
            self.renew_token().await?;
        }
        if self.token.is_disposed() {
            return Err(ApiError::Network("the widget was removed".into()));
        }
        match get_json(&url, self.token.try_get_untracked().flatten().as_deref()).await {
            Err(ApiError::Proxy { status: 401, .. })
                if self.token_url.try_get_value().flatten().is_some() =>
            {
                self.renew_token().await?;
                get_json(&url, self.token.try_get_untracked().flatten().as_deref()).await
            }
            answer => answer,
        }
    }

    async fn renew_token(self) -> Result<(), ApiError> {
        let Some(url) = self.token_url.try_get_value().flatten() else {
            return Ok(());
        };
        let answer: TokenAnswer = get_json(&url, None).await?;
        self.token.try_set(Some(answer.token));
        Ok(())
    }
}

async fn get_json<T: DeserializeOwned>(url: &str, token: Option<&str>) -> Result<T, ApiError> {
    let mut request = Request::get(url).header("Accept", "application/json");
    if let Some(token) = token {
        request = request.header("Authorization", &format!("Bearer {token}"));
    }
    let response = request
        .send()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    let status = response.status();
    let retry_after = response
        .headers()
        .get("Retry-After")
        .and_then(|v| v.trim().parse().ok());
    let body = response
        .text()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;

    if !(200..300).contains(&status) {
        let error = serde_json::from_str::<ProxyErrorBody>(&body).unwrap_or(ProxyErrorBody {
            code: format!("http_{status}"),
            message: String::new(),
        });
        return Err(ApiError::Proxy {
            status,
            code: error.code,
            message: error.message,
            retry_after,
        });
    }
    serde_json::from_str(&body).map_err(|e| ApiError::Decode(e.to_string()))
}
