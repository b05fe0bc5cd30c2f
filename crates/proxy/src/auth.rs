//! Who may read what: the portal's short-lived traveler token (a JWT), the purchases
//! book that answers `GET /api/v1/traveler`, and the demo token minted in simulator mode.
//!
//! A token names the traveler (`sub`) and the endpoints they own (`endpoints`); the proxy
//! checks its signature, expiry, audience and issuer, and then serves only those
//! endpoints. Tokens are never logged.

use std::collections::HashMap;
use std::fmt;
use std::time::Duration;

use addon_usage_core::{Endpoint, Traveler};
use axum::http::header::AUTHORIZATION;
use axum::http::HeaderMap;
use chrono::{DateTime, Utc};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::api::is_sft_id;

/// The longest `Authorization` header value read; anything longer is refused unread.
const MAX_TOKEN_BYTES: usize = 8 * 1024;
/// The most endpoints one token may list.
pub const MAX_TOKEN_ENDPOINTS: usize = 64;
/// The longest traveler id (`sub`).
const MAX_SUB_CHARS: usize = 128;
/// The shortest HS256 secret accepted: anything shorter can be brute-forced.
pub const MIN_HS256_SECRET_BYTES: usize = 32;
/// Clock skew tolerated on `exp`, in seconds.
const LEEWAY_SECS: u64 = 5;
/// How long a demo token lives.
pub const DEMO_TOKEN_TTL: Duration = Duration::from_secs(15 * 60);
/// The `sub` of the simulator's demo traveler.
pub const DEMO_TRAVELER: &str = "demo-traveler";

/// The traveler a verified token speaks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identity {
    /// The token's `sub`.
    pub traveler: String,
    /// The endpoints the traveler may read, in the token's order.
    pub endpoints: Vec<String>,
}

impl Identity {
    /// Whether the token lists `endpoint_id`.
    pub fn owns(&self, endpoint_id: &str) -> bool {
        self.endpoints.iter().any(|id| id == endpoint_id)
    }
}

/// Why a request carries no usable traveler token.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// No `Authorization: Bearer` header.
    #[error("no traveler token")]
    Missing,
    /// The token's time is over.
    #[error("the traveler token expired")]
    Expired,
    /// Forged, malformed, or for another audience or issuer; the reason is for the log.
    #[error("the traveler token is not valid: {0}")]
    Invalid(String),
}

/// The claims the proxy reads; `exp`, `aud` and `iss` are checked by the validation.
#[derive(Deserialize)]
struct TravelerClaims {
    sub: String,
    endpoints: Vec<String>,
}

/// The claims of a token the proxy mints (demo only).
#[derive(Serialize)]
struct MintedClaims<'a> {
    sub: &'a str,
    endpoints: &'a [String],
    iat: i64,
    exp: i64,
    aud: &'a str,
    iss: &'a str,
}

/// Checks traveler tokens against one key.
pub struct TokenVerifier {
    key: DecodingKey,
    validation: Validation,
}

impl fmt::Debug for TokenVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenVerifier")
            .field("algorithms", &self.validation.algorithms)
            .finish_non_exhaustive()
    }
}

impl TokenVerifier {
    /// Verifies HS256 tokens signed with `secret`, for `audience` from `issuer`.
    pub fn hs256(secret: &[u8], audience: &str, issuer: &str) -> Result<Self, String> {
        if secret.len() < MIN_HS256_SECRET_BYTES {
            return Err(format!(
                "the HS256 secret must be at least {MIN_HS256_SECRET_BYTES} bytes long"
            ));
        }
        let key = DecodingKey::from_secret(secret).map_err(|error| error.to_string())?;
        Ok(Self::with(key, Algorithm::HS256, audience, issuer))
    }

    /// Verifies RS256 tokens against the RSA public key in `pem`.
    pub fn rs256(pem: &[u8], audience: &str, issuer: &str) -> Result<Self, String> {
        let key = DecodingKey::from_rsa_pem(pem)
            .map_err(|error| format!("not an RSA public key in PEM form ({error})"))?;
        Ok(Self::with(key, Algorithm::RS256, audience, issuer))
    }

    fn with(key: DecodingKey, algorithm: Algorithm, audience: &str, issuer: &str) -> Self {
        let mut validation = Validation::new(algorithm);
        validation.set_audience(&[audience]);
        validation.set_issuer(&[issuer]);
        validation.set_required_spec_claims(&["exp", "sub", "aud", "iss"]);
        validation.leeway = LEEWAY_SECS;
        validation.validate_nbf = true;
        Self { key, validation }
    }

    /// The traveler named by the request's bearer token.
    pub fn identify(&self, headers: &HeaderMap) -> Result<Identity, TokenError> {
        let token = bearer_token(headers)?;
        let claims = jsonwebtoken::decode::<TravelerClaims>(token, &self.key, &self.validation)
            .map_err(|error| match error.kind() {
                ErrorKind::ExpiredSignature => TokenError::Expired,
                _ => TokenError::Invalid(error.to_string()),
            })?
            .claims;

        let sub_ok = (1..=MAX_SUB_CHARS).contains(&claims.sub.chars().count())
            && !claims.sub.chars().any(char::is_control);
        if !sub_ok {
            return Err(TokenError::Invalid("unusable sub claim".into()));
        }
        if claims.endpoints.len() > MAX_TOKEN_ENDPOINTS {
            return Err(TokenError::Invalid("too many endpoints".into()));
        }
        if !claims.endpoints.iter().all(|id| is_sft_id(id)) {
            return Err(TokenError::Invalid("an endpoint is not an SFT id".into()));
        }
        Ok(Identity {
            traveler: claims.sub,
            endpoints: claims.endpoints,
        })
    }
}

/// Reads `Authorization: Bearer <token>`; exactly one such header is accepted.
fn bearer_token(headers: &HeaderMap) -> Result<&str, TokenError> {
    let mut values = headers.get_all(AUTHORIZATION).iter();
    let (Some(value), None) = (values.next(), values.next()) else {
        return match headers.contains_key(AUTHORIZATION) {
            true => Err(TokenError::Invalid("several Authorization headers".into())),
            false => Err(TokenError::Missing),
        };
    };
    if value.len() > MAX_TOKEN_BYTES {
        return Err(TokenError::Invalid("token too long".into()));
    }
    let value = value
        .to_str()
        .map_err(|_| TokenError::Invalid("not ASCII".into()))?;
    let (scheme, token) = value.trim().split_once(' ').ok_or(TokenError::Missing)?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(TokenError::Missing);
    }
    Ok(token.trim())
}

/// Mints tokens for the simulator's demo traveler (simulator mode only).
pub struct DemoTokens {
    key: EncodingKey,
    audience: String,
    issuer: String,
    endpoints: Vec<String>,
}

impl fmt::Debug for DemoTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DemoTokens")
            .field("endpoints", &self.endpoints)
            .finish_non_exhaustive()
    }
}

/// A minted demo token, as `GET /demo/token` answers it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DemoToken {
    /// The JWT.
    pub token: String,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
}

impl DemoTokens {
    /// Mints HS256 tokens with `secret` for the demo traveler owning `endpoints`.
    pub fn new(
        secret: &[u8],
        audience: &str,
        issuer: &str,
        endpoints: Vec<String>,
    ) -> Result<Self, String> {
        let key = EncodingKey::from_secret(secret).map_err(|error| error.to_string())?;
        Ok(Self {
            key,
            audience: audience.to_owned(),
            issuer: issuer.to_owned(),
            endpoints,
        })
    }

    /// A token valid from `now` for [`DEMO_TOKEN_TTL`].
    pub fn mint(&self, now: DateTime<Utc>) -> Result<DemoToken, jsonwebtoken::errors::Error> {
        let ttl = chrono::Duration::from_std(DEMO_TOKEN_TTL).unwrap_or(chrono::Duration::zero());
        let expires_at = now + ttl;
        let claims = MintedClaims {
            sub: DEMO_TRAVELER,
            endpoints: &self.endpoints,
            iat: now.timestamp(),
            exp: expires_at.timestamp(),
            aud: &self.audience,
            iss: &self.issuer,
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.key)?;
        Ok(DemoToken { token, expires_at })
    }
}

/// What the portal knows about each traveler, by token `sub`: the `--purchases-file`
/// document (`{"travelers": {"<sub>": Traveler}}`), or the demo traveler.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PurchasesBook {
    travelers: HashMap<String, Traveler>,
}

impl PurchasesBook {
    /// A book with one traveler.
    pub fn single(sub: &str, traveler: Traveler) -> Self {
        Self {
            travelers: HashMap::from([(sub.to_owned(), traveler)]),
        }
    }

    /// What `identity` may see: the token's endpoints, labelled from the book (else by
    /// their id), and only the book's purchases on those endpoints.
    pub fn traveler_for(&self, identity: &Identity) -> Traveler {
        let known = self.travelers.get(&identity.traveler);
        let label = |id: &str| {
            known
                .and_then(|t| t.endpoints.iter().find(|e| e.id == id))
                .map_or_else(|| id.to_owned(), |e| e.label.clone())
        };
        let endpoints = identity
            .endpoints
            .iter()
            .map(|id| Endpoint {
                id: id.clone(),
                label: label(id),
            })
            .collect();
        let purchases = known
            .map(|t| t.purchases.as_slice())
            .unwrap_or_default()
            .iter()
            .filter(|p| identity.owns(&p.endpoint_id))
            .cloned()
            .collect();
        Traveler {
            endpoints,
            purchases,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    fn verifier() -> TokenVerifier {
        TokenVerifier::hs256(SECRET, "addon-usage", "portal").unwrap()
    }

    fn token(claims: serde_json::Value, secret: &[u8]) -> String {
        let key = EncodingKey::from_secret(secret).unwrap();
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &key).unwrap()
    }

    fn claims(change: impl FnOnce(&mut serde_json::Value)) -> serde_json::Value {
        let mut claims = serde_json::json!({
            "sub": "traveler-1",
            "endpoints": ["880154"],
            "exp": Utc::now().timestamp() + 600,
            "aud": "addon-usage",
            "iss": "portal",
        });
        change(&mut claims);
        claims
    }

    fn bearer(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn a_good_token_names_the_traveler_and_their_endpoints() {
        let headers = bearer(&format!("Bearer {}", token(claims(|_| {}), SECRET)));

        let identity = verifier().identify(&headers).unwrap();

        assert_eq!(identity.traveler, "traveler-1");
        assert_eq!(identity.endpoints, ["880154"]);
    }

    #[test]
    fn bad_tokens_are_refused_with_the_right_reason() {
        let past = Utc::now().timestamp() - 600;
        let other_secret = b"another-secret-another-secret-00";
        type Case = (&'static str, String, fn(&TokenError) -> bool);
        let invalid: fn(&TokenError) -> bool = |e| matches!(e, TokenError::Invalid(_));
        let cases: Vec<Case> = vec![
            ("no header", String::new(), |e| e == &TokenError::Missing),
            ("basic", "Basic dXNlcjpwYXNz".into(), |e| {
                e == &TokenError::Missing
            }),
            (
                "expired",
                format!(
                    "Bearer {}",
                    token(claims(|c| c["exp"] = past.into()), SECRET)
                ),
                |e| e == &TokenError::Expired,
            ),
            (
                "forged",
                format!("Bearer {}", token(claims(|_| {}), other_secret)),
                invalid,
            ),
            (
                "wrong audience",
                format!(
                    "Bearer {}",
                    token(claims(|c| c["aud"] = "x".into()), SECRET)
                ),
                invalid,
            ),
            (
                "wrong issuer",
                format!(
                    "Bearer {}",
                    token(claims(|c| c["iss"] = "x".into()), SECRET)
                ),
                invalid,
            ),
            (
                "no exp",
                format!(
                    "Bearer {}",
                    token(
                        claims(|c| {
                            c.as_object_mut().unwrap().remove("exp");
                        }),
                        SECRET
                    )
                ),
                invalid,
            ),
            (
                "endpoint not an id",
                format!(
                    "Bearer {}",
                    token(
                        claims(|c| c["endpoints"] = serde_json::json!(["1/2"])),
                        SECRET
                    )
                ),
                invalid,
            ),
            (
                "empty sub",
                format!("Bearer {}", token(claims(|c| c["sub"] = "".into()), SECRET)),
                invalid,
            ),
            ("garbage", "Bearer not.a.jwt".into(), invalid),
        ];

        for (name, header, expected) in cases {
            let headers = if header.is_empty() {
                HeaderMap::new()
            } else {
                bearer(&header)
            };

            let outcome = verifier().identify(&headers);

            let error = outcome.expect_err(name);
            assert!(expected(&error), "{name}: {error:?}");
        }
    }

    #[test]
    fn a_token_signed_with_none_is_refused() {
        let header = r#"{"alg":"none","typ":"JWT"}"#;
        let body = claims(|_| {}).to_string();
        let encode = |s: &str| {
            use base64::Engine;
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s)
        };
        let unsigned = format!("Bearer {}.{}.", encode(header), encode(&body));

        let outcome = verifier().identify(&bearer(&unsigned));

        assert!(
            matches!(outcome, Err(TokenError::Invalid(_))),
            "{outcome:?}"
        );
    }

    #[test]
    fn short_hs256_secrets_are_refused() {
        assert!(TokenVerifier::hs256(b"short", "a", "i").is_err());
    }

    #[test]
    fn a_minted_demo_token_verifies_for_the_demo_endpoints() {
        let minter = DemoTokens::new(SECRET, "addon-usage", "portal", vec!["1".into()]).unwrap();

        let minted = minter.mint(Utc::now()).unwrap();

        let headers = bearer(&format!("Bearer {}", minted.token));
        let identity = verifier().identify(&headers).unwrap();
        assert_eq!(identity.traveler, DEMO_TRAVELER);
        assert_eq!(identity.endpoints, ["1"]);
    }

    #[test]
    fn the_book_shows_only_the_tokens_endpoints_and_their_purchases() {
        let book: PurchasesBook = serde_json::from_value(serde_json::json!({
            "travelers": { "t1": {
                "endpoints": [{"id": "1", "label": "Europe"}, {"id": "2", "label": "Japan"}],
                "purchases": [
                    {"orderId": "A", "productName": "EU", "addonId": "9", "endpointId": "1",
                     "purchasedAt": "2026-01-01T00:00:00Z"},
                    {"orderId": "B", "productName": "JP", "addonId": "9", "endpointId": "2",
                     "purchasedAt": "2026-01-01T00:00:00Z"}
                ]
            }}
        }))
        .unwrap();
        let identity = |sub: &str, endpoints: &[&str]| Identity {
            traveler: sub.into(),
            endpoints: endpoints.iter().map(|e| e.to_string()).collect(),
        };

        let own = book.traveler_for(&identity("t1", &["1", "3"]));
        let stranger = book.traveler_for(&identity("t2", &["1"]));

        let labels: Vec<_> = own.endpoints.iter().map(|e| e.label.as_str()).collect();
        assert_eq!(labels, ["Europe", "3"]);
        let orders: Vec<_> = own.purchases.iter().map(|p| p.order_id.as_str()).collect();
        assert_eq!(orders, ["A"]);
        assert!(stranger.purchases.is_empty());
        assert_eq!(stranger.endpoints[0].label, "1");
    }
}
