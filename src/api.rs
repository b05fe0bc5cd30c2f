//! The proxy's JSON API, as the widget uses it.

use addon_usage_core::model::{AddonsSnapshot, ProxyErrorBody, Traveler};
use gloo_net::http::Request;
use serde::de::DeserializeOwned;

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
    },
    /// The answer could not be read.
    #[error("unreadable answer: {0}")]
    Decode(String),
}

impl ApiError {
    /// A short sentence for the traveler that says what to do.
    pub fn for_traveler(&self) -> String {
        match self {
            ApiError::Network(_) => {
                "Can't reach the usage service. Check your connection; we'll try again.".into()
            }
            ApiError::Proxy { message, .. } if !message.is_empty() => message.clone(),
            ApiError::Proxy { .. } | ApiError::Decode(_) => {
                "The usage service sent an answer we couldn't read. Please try again later.".into()
            }
        }
    }
}

/// Reads the traveler's endpoints and purchases.
pub async fn fetch_traveler(api_base: &str) -> Result<Traveler, ApiError> {
    get_json(&format!("{api_base}/api/v1/traveler")).await
}

/// Reads every add-on of one endpoint.
pub async fn fetch_addons(api_base: &str, endpoint_id: &str) -> Result<AddonsSnapshot, ApiError> {
    get_json(&format!("{api_base}/api/v1/endpoints/{endpoint_id}/addons")).await
}

async fn get_json<T: DeserializeOwned>(url: &str) -> Result<T, ApiError> {
    let response = Request::get(url)
        .header("Accept", "application/json")
        .send()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    let status = response.status();
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
        });
    }
    serde_json::from_str(&body).map_err(|e| ApiError::Decode(e.to_string()))
}
