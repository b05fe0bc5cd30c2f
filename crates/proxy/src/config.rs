//! The proxy's configuration: the command line (every flag also an environment variable)
//! and the [`ProxyConfig`] it fills, which tests and `xtask` build directly.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;

/// Everything the proxy needs to start.
#[derive(Clone)]
pub struct ProxyConfig {
    /// Where the proxy listens for the widget and its API.
    pub listen: SocketAddr,
    /// The SFT base URL; `None` runs the SFT simulator in-process with demo data.
    pub sft_url: Option<String>,
    /// The SFT account's user name (required with [`ProxyConfig::sft_url`]).
    pub sft_username: Option<String>,
    /// The SFT account's password (required with [`ProxyConfig::sft_url`]). Never logged.
    pub sft_password: Option<String>,
    /// The SFT account's time zone, as an IANA name: SFT dates are wall-clock times in it.
    pub sft_time_zone: String,
    /// How long an SFT answer is reused for the same endpoint and query.
    pub cache_ttl: Duration,
    /// How long one SFT call may take before the proxy gives up on it.
    pub sft_timeout: Duration,
    /// The built widget (Trunk's `dist`), served for every path outside the API.
    pub widget_dir: PathBuf,
    /// Each traveler's endpoint labels and purchases by token `sub`, with a real SFT.
    pub purchases_file: Option<PathBuf>,
    /// Where the in-process simulator listens (simulator mode only).
    pub simulator_listen: SocketAddr,
    /// Whether the in-process simulator's clock starts frozen (tests use it).
    pub simulator_frozen_clock: bool,
    /// The HS256 secret traveler tokens are signed with. Never logged.
    pub jwt_hs256_secret: Option<String>,
    /// A PEM file with the RSA public key traveler tokens are signed with (RS256).
    pub jwt_rs256_public_key: Option<PathBuf>,
    /// The `aud` claim traveler tokens must carry.
    pub jwt_audience: String,
    /// The `iss` claim traveler tokens must carry.
    pub jwt_issuer: String,
    /// How long after its TTL an answer may still be served, marked stale, when SFT fails.
    pub stale_if_error: Duration,
    /// The pause before resending an SFT GET that timed out (sent once more at most).
    pub sft_retry_delay: Duration,
    /// The first pause after an SFT server error or time-out on an endpoint, doubled for
    /// each further failure (up to [`MAX_ERROR_BACKOFF`]); zero turns it off.
    pub sft_error_backoff: Duration,
    /// Browser origins allowed to call the API cross-origin; empty: same origin only.
    pub cors_origins: Vec<String>,
    /// Origins allowed to frame the widget's pages; empty: none.
    pub frame_ancestors: Vec<String>,
    /// API requests one traveler may make per minute (burst as large); 0: no limit.
    pub rate_limit_per_minute: u32,
    /// A Redis URL: share the answer cache and the SFT login between replicas. Never
    /// logged (it may hold a password).
    pub redis_url: Option<String>,
}

/// The longest pause [`ProxyConfig::sft_error_backoff`] grows to.
pub const MAX_ERROR_BACKOFF: Duration = Duration::from_secs(300);

impl Default for ProxyConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            sft_url: None,
            sft_username: None,
            sft_password: None,
            sft_time_zone: "UTC".into(),
            cache_ttl: Duration::from_secs(120),
            sft_timeout: Duration::from_secs(30),
            widget_dir: PathBuf::from("dist"),
            purchases_file: None,
            simulator_listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            simulator_frozen_clock: false,
            jwt_hs256_secret: None,
            jwt_rs256_public_key: None,
            jwt_audience: "addon-usage".into(),
            jwt_issuer: "portal".into(),
            stale_if_error: Duration::from_secs(3600),
            sft_retry_delay: Duration::from_millis(500),
            sft_error_backoff: Duration::from_secs(5),
            cors_origins: Vec::new(),
            frame_ancestors: Vec::new(),
            rate_limit_per_minute: 30,
            redis_url: None,
        }
    }
}

impl fmt::Debug for ProxyConfig {
    // Written by hand so that the password can never reach a log through `{:?}`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProxyConfig")
            .field("listen", &self.listen)
            .field("sft_url", &self.sft_url)
            .field("sft_username", &self.sft_username.as_ref().map(|_| "<set>"))
            .field("sft_password", &self.sft_password.as_ref().map(|_| "<set>"))
            .field("sft_time_zone", &self.sft_time_zone)
            .field("cache_ttl", &self.cache_ttl)
            .field("sft_timeout", &self.sft_timeout)
            .field("widget_dir", &self.widget_dir)
            .field("purchases_file", &self.purchases_file)
            .field("simulator_listen", &self.simulator_listen)
            .field("simulator_frozen_clock", &self.simulator_frozen_clock)
            .field(
                "jwt_hs256_secret",
                &self.jwt_hs256_secret.as_ref().map(|_| "<set>"),
            )
            .field("jwt_rs256_public_key", &self.jwt_rs256_public_key)
            .field("jwt_audience", &self.jwt_audience)
            .field("jwt_issuer", &self.jwt_issuer)
            .field("stale_if_error", &self.stale_if_error)
            .field("sft_retry_delay", &self.sft_retry_delay)
            .field("sft_error_backoff", &self.sft_error_backoff)
            .field("cors_origins", &self.cors_origins)
            .field("frame_ancestors", &self.frame_ancestors)
            .field("rate_limit_per_minute", &self.rate_limit_per_minute)
            .field("redis_url", &self.redis_url.as_ref().map(|_| "<set>"))
            .finish()
    }
}

/// The command line of `addon-usage-proxy`. Every flag can also be set by the
/// environment variable named in its help.
#[derive(Debug, Parser)]
#[command(
    name = "addon-usage-proxy",
    version,
    about = "Serves the addon-usage widget and its JSON API, the only part that talks to SFT.",
    long_about = LONG_ABOUT,
    after_long_help = AFTER_LONG_HELP
)]
pub struct Cli {
    /// Address to listen on for the widget and its API.
    #[arg(long, env = "ADDON_USAGE_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// SFT base URL, such as https://sft.example.com. Absent: run the SFT simulator
    /// in-process with demo data.
    #[arg(long, env = "SFT_URL")]
    pub sft_url: Option<String>,

    /// SFT account user name (required with --sft-url).
    #[arg(long, env = "SFT_USERNAME")]
    pub sft_username: Option<String>,

    /// SFT account password (required with --sft-url). Prefer the environment variable,
    /// so that the password does not show in the process list.
    #[arg(long, env = "SFT_PASSWORD", hide_env_values = true)]
    pub sft_password: Option<String>,

    /// The SFT account's time zone (IANA name such as Europe/Brussels): SFT sends dates as
    /// wall-clock times in it.
    #[arg(long, env = "SFT_TIME_ZONE", default_value = "UTC")]
    pub sft_time_zone: String,

    /// Seconds an SFT answer is reused for the same endpoint and query.
    #[arg(long, env = "ADDON_USAGE_CACHE_TTL_SECS", default_value_t = 120)]
    pub cache_ttl_secs: u64,

    /// Seconds one SFT call may take; a details GET that times out is sent once more
    /// before the widget gets a time-out error.
    #[arg(long, env = "SFT_TIMEOUT_SECS", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub sft_timeout_secs: u64,

    /// Directory of the built widget (Trunk's output), served for every non-API path.
    #[arg(long, env = "ADDON_USAGE_WIDGET_DIR", default_value = "dist")]
    pub widget_dir: PathBuf,

    /// JSON file with each traveler's endpoint labels and purchases, by token `sub` (see
    /// PURCHASES FILE below), used with a real SFT. The simulator brings its own demo
    /// traveler.
    #[arg(long, env = "ADDON_USAGE_PURCHASES_FILE")]
    pub purchases_file: Option<PathBuf>,

    /// Address of the in-process SFT simulator (simulator mode only; port 0 picks one).
    #[arg(
        long,
        env = "ADDON_USAGE_SIMULATOR_LISTEN",
        default_value = "127.0.0.1:0"
    )]
    pub simulator_listen: SocketAddr,

    /// Start the in-process simulator with its clock frozen (simulator mode only; for
    /// tests that need balances to stay put).
    #[arg(
        long,
        env = "ADDON_USAGE_SIMULATOR_FROZEN_CLOCK",
        default_value_t = false
    )]
    pub simulator_frozen_clock: bool,

    /// Secret (at least 32 bytes) that traveler tokens are signed with, HS256. Prefer the
    /// environment variable. With --sft-url, this or --jwt-rs256-public-key is required;
    /// in simulator mode a random one is made at start unless given.
    #[arg(long, env = "ADDON_USAGE_JWT_HS256_SECRET", hide_env_values = true)]
    pub jwt_hs256_secret: Option<String>,

    /// PEM file with the RSA public key that traveler tokens are signed with, RS256.
    #[arg(long, env = "ADDON_USAGE_JWT_RS256_PUBLIC_KEY")]
    pub jwt_rs256_public_key: Option<PathBuf>,

    /// The `aud` claim traveler tokens must carry.
    #[arg(long, env = "ADDON_USAGE_JWT_AUDIENCE", default_value = "addon-usage")]
    pub jwt_audience: String,

    /// The `iss` claim traveler tokens must carry.
    #[arg(long, env = "ADDON_USAGE_JWT_ISSUER", default_value = "portal")]
    pub jwt_issuer: String,

    /// Seconds after its TTL that an answer may still be served, marked stale, when SFT
    /// fails or is backing off (0: never serve stale answers).
    #[arg(long, env = "ADDON_USAGE_STALE_IF_ERROR_SECS", default_value_t = 3600)]
    pub stale_if_error_secs: u64,

    /// Milliseconds to wait before resending an SFT GET that timed out (sent once more).
    #[arg(long, env = "SFT_RETRY_DELAY_MS", default_value_t = 500)]
    pub sft_retry_delay_ms: u64,

    /// Seconds to leave an endpoint alone after an SFT server error or time-out, doubled
    /// for each further failure up to 300 (0: no back-off). A 429 waits for its
    /// Retry-After whatever this says.
    #[arg(long, env = "SFT_ERROR_BACKOFF_SECS", default_value_t = 5)]
    pub sft_error_backoff_secs: u64,

    /// A portal origin (such as https://portal.example) allowed to call the API from the
    /// browser; repeat for several, or give a comma-separated list in the environment.
    /// None: same origin only.
    #[arg(
        long = "cors-origin",
        env = "ADDON_USAGE_CORS_ORIGINS",
        value_delimiter = ','
    )]
    pub cors_origins: Vec<String>,

    /// An origin allowed to show the widget's pages in a frame; repeat for several, or
    /// give a comma-separated list in the environment. None: no framing.
    #[arg(
        long = "frame-ancestor",
        env = "ADDON_USAGE_FRAME_ANCESTORS",
        value_delimiter = ','
    )]
    pub frame_ancestors: Vec<String>,

    /// API requests one traveler (token `sub`) may make per minute, in bursts up to the
    /// same number; 0: no limit.
    #[arg(long, env = "ADDON_USAGE_RATE_LIMIT_PER_MIN", default_value_t = 30)]
    pub rate_limit_per_min: u32,

    /// Redis URL (redis://host:port/db): share the answer cache, the SFT login and the
    /// fetch locks between proxy replicas. Prefer the environment variable when it holds
    /// a password.
    #[arg(long, env = "ADDON_USAGE_REDIS_URL", hide_env_values = true)]
    pub redis_url: Option<String>,
}

const LONG_ABOUT: &str = "Serves the addon-usage widget and its JSON API, the only part \
that talks to SFT.

Without --sft-url it runs an SFT simulator in-process with a demo traveler, so that \
`addon-usage-proxy` alone is a working demo; GET /demo/token then hands out a token for \
the demo traveler.";

const AFTER_LONG_HELP: &str = "\
TRAVELER TOKENS
  Every /api/v1 call needs `Authorization: Bearer <JWT>`, issued by the portal: HS256
  (--jwt-hs256-secret) or RS256 (--jwt-rs256-public-key), with the claims
    sub        the traveler's id (1 to 128 characters)
    endpoints  the endPointIds (1 to 20 digits each, at most 64) the traveler may read
    exp        expiry (seconds since 1970); keep tokens short-lived
    aud, iss   as --jwt-audience and --jwt-issuer
  Errors: 401 token_missing | token_invalid | token_expired, 403 endpoint_not_allowed.

PURCHASES FILE (--purchases-file, with a real SFT)
  The portal's purchases, by token `sub`:
    {\"travelers\": {\"<sub>\": {
        \"endpoints\": [{\"id\": \"880154\", \"label\": \"Europe eSIM\"}],
        \"purchases\": [{\"orderId\": \"A-1\", \"productName\": \"Europe 10 GB\",
                        \"addonId\": \"3101\", \"endpointId\": \"880154\",
                        \"purchasedAt\": \"2026-11-20T18:40:05Z\", \"uniqueId\": \"5512001\"}]}}}
  GET /api/v1/traveler answers the token's endpoints (labelled from this file, else by
  their id) and only the purchases on them. Optional purchase fields: uniqueId,
  priceMinor, currency, topUpUrl, renewUrl.

ROUTES
  GET /api/v1/traveler                            the traveler's endpoints and purchases
  GET /api/v1/endpoints/{id}/addons[?uniqueId=N|?addonId=N]   the add-ons, from SFT
  GET /demo/token                                 simulator mode only: a demo token
  GET /healthz, /readyz, /metrics                 liveness, readiness, Prometheus text
  anything else                                   the widget's files

See crates/proxy/README.md for the error codes, headers and Redis mode.";

impl From<Cli> for ProxyConfig {
    fn from(cli: Cli) -> Self {
        Self {
            listen: cli.listen,
            sft_url: cli.sft_url.filter(|url| !url.trim().is_empty()),
            sft_username: cli.sft_username,
            sft_password: cli.sft_password,
            sft_time_zone: cli.sft_time_zone,
            cache_ttl: Duration::from_secs(cli.cache_ttl_secs),
            sft_timeout: Duration::from_secs(cli.sft_timeout_secs),
            widget_dir: cli.widget_dir,
            purchases_file: cli.purchases_file,
            simulator_listen: cli.simulator_listen,
            simulator_frozen_clock: cli.simulator_frozen_clock,
            jwt_hs256_secret: cli.jwt_hs256_secret.filter(|s| !s.is_empty()),
            jwt_rs256_public_key: cli.jwt_rs256_public_key,
            jwt_audience: cli.jwt_audience,
            jwt_issuer: cli.jwt_issuer,
            stale_if_error: Duration::from_secs(cli.stale_if_error_secs),
            sft_retry_delay: Duration::from_millis(cli.sft_retry_delay_ms),
            sft_error_backoff: Duration::from_secs(cli.sft_error_backoff_secs),
            cors_origins: cli.cors_origins,
            frame_ancestors: cli.frame_ancestors,
            rate_limit_per_minute: cli.rate_limit_per_min,
            redis_url: cli.redis_url.filter(|url| !url.trim().is_empty()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_the_documented_ones() {
        let cli = Cli::try_parse_from(["addon-usage-proxy"]).unwrap();

        let config = ProxyConfig::from(cli);

        let expected = ProxyConfig::default();
        assert_eq!(config.listen, expected.listen);
        assert_eq!(config.sft_url, None);
        assert_eq!(config.sft_time_zone, "UTC");
        assert_eq!(config.cache_ttl, Duration::from_secs(120));
        assert_eq!(config.sft_timeout, Duration::from_secs(30));
        assert_eq!(config.widget_dir, PathBuf::from("dist"));
        assert_eq!(config.simulator_listen, expected.simulator_listen);
        assert!(!config.simulator_frozen_clock);
        assert_eq!(config.jwt_audience, expected.jwt_audience);
        assert_eq!(config.jwt_issuer, expected.jwt_issuer);
        assert_eq!(config.stale_if_error, Duration::from_secs(3600));
        assert_eq!(config.sft_retry_delay, expected.sft_retry_delay);
        assert_eq!(config.sft_error_backoff, expected.sft_error_backoff);
        assert_eq!(config.rate_limit_per_minute, 30);
        assert!(config.cors_origins.is_empty() && config.frame_ancestors.is_empty());
        assert!(config.redis_url.is_none() && config.jwt_hs256_secret.is_none());
    }

    #[test]
    fn origins_repeat_on_the_command_line() {
        let cli = Cli::try_parse_from([
            "addon-usage-proxy",
            "--cors-origin",
            "https://a.example",
            "--cors-origin",
            "https://b.example",
        ])
        .unwrap();

        assert_eq!(
            ProxyConfig::from(cli).cors_origins,
            ["https://a.example", "https://b.example"]
        );
    }

    #[test]
    fn debug_output_never_shows_the_password() {
        let config = ProxyConfig {
            sft_username: Some("portal-user".into()),
            sft_password: Some("hunter2".into()),
            jwt_hs256_secret: Some("jwt-secret-value".into()),
            redis_url: Some("redis://:redis-pass@127.0.0.1/".into()),
            ..ProxyConfig::default()
        };

        let shown = format!("{config:?}");

        assert!(!shown.contains("hunter2"));
        assert!(!shown.contains("jwt-secret-value") && !shown.contains("redis-pass"));
        assert!(!shown.contains("portal-user"));
    }

    #[test]
    fn an_empty_sft_url_means_simulator_mode() {
        let cli = Cli::try_parse_from(["addon-usage-proxy", "--sft-url", " "]).unwrap();

        assert_eq!(ProxyConfig::from(cli).sft_url, None);
    }
}
