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
    /// A JSON `Traveler` document (endpoints and purchases) used with a real SFT.
    pub purchases_file: Option<PathBuf>,
    /// Where the in-process simulator listens (simulator mode only).
    pub simulator_listen: SocketAddr,
    /// Whether the in-process simulator's clock starts frozen (tests use it).
    pub simulator_frozen_clock: bool,
}

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
    long_about = "Serves the addon-usage widget and its JSON API, the only part that talks to \
                  SFT.\n\nWithout --sft-url it runs an SFT simulator in-process with a demo \
                  traveler, so that `addon-usage-proxy` alone is a working demo."
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

    /// Seconds one SFT call may take before the widget gets a time-out error.
    #[arg(long, env = "SFT_TIMEOUT_SECS", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub sft_timeout_secs: u64,

    /// Directory of the built widget (Trunk's output), served for every non-API path.
    #[arg(long, env = "ADDON_USAGE_WIDGET_DIR", default_value = "dist")]
    pub widget_dir: PathBuf,

    /// JSON file with the traveler's endpoints and purchases (the core `Traveler`
    /// document), used with a real SFT. The simulator brings its own demo traveler.
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
}

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
    }

    #[test]
    fn debug_output_never_shows_the_password() {
        let config = ProxyConfig {
            sft_username: Some("portal-user".into()),
            sft_password: Some("hunter2".into()),
            ..ProxyConfig::default()
        };

        let shown = format!("{config:?}");

        assert!(!shown.contains("hunter2"));
        assert!(!shown.contains("portal-user"));
    }

    #[test]
    fn an_empty_sft_url_means_simulator_mode() {
        let cli = Cli::try_parse_from(["addon-usage-proxy", "--sft-url", " "]).unwrap();

        assert_eq!(ProxyConfig::from(cli).sft_url, None);
    }
}
