//! `addon-usage-simulator`: runs the SFT look-alike on a local port.
//!
//! ```text
//! cargo run -p addon-usage-simulator -- --listen 127.0.0.1:9090 --time-zone Europe/Brussels
//! ```

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use addon_usage_simulator::{SimConfig, Simulator};
use clap::Parser;

/// An SFT look-alike for developing and demonstrating addon-usage.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// Address to listen on.
    #[arg(long, env = "SIM_LISTEN", default_value = "127.0.0.1:9090")]
    listen: SocketAddr,
    /// The SFT account's time zone (IANA name); dates on the wire are wall time in it.
    #[arg(long, env = "SIM_TIME_ZONE", default_value = "UTC")]
    time_zone: String,
    /// The user name `POST /api/login` accepts.
    #[arg(long, env = "SIM_USERNAME", default_value = "demo")]
    username: String,
    /// The password `POST /api/login` accepts.
    #[arg(
        long,
        env = "SIM_PASSWORD",
        default_value = "demo-password",
        hide_env_values = true
    )]
    password: String,
    /// Access token lifetime in seconds, on the simulator's clock.
    #[arg(long, env = "SIM_ACCESS_TTL_SECS", default_value_t = 300)]
    access_ttl_secs: u64,
    /// Refresh token lifetime in seconds, on the simulator's clock.
    #[arg(long, env = "SIM_REFRESH_TTL_SECS", default_value_t = 86_400)]
    refresh_ttl_secs: u64,
    /// Start with the clock frozen (move it with `POST /sim/clock/advance`).
    #[arg(long, env = "SIM_FROZEN")]
    frozen: bool,
}

/// Why the simulator could not start.
#[derive(Debug, thiserror::Error)]
enum StartError {
    #[error("{0}")]
    TimeZone(String),
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("addon-usage-simulator: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), StartError> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let args = Args::parse();
    let time_zone =
        addon_usage_core::time::parse_zone(&args.time_zone).map_err(StartError::TimeZone)?;
    let config = SimConfig {
        time_zone,
        username: args.username,
        password: args.password,
        access_ttl: Duration::from_secs(args.access_ttl_secs),
        refresh_ttl: Duration::from_secs(args.refresh_ttl_secs),
        frozen: args.frozen,
        ..SimConfig::default()
    };

    let simulator = Simulator::new(config);
    let running = simulator
        .clone()
        .serve(args.listen)
        .await
        .map_err(|source| StartError::Listen {
            addr: args.listen,
            source,
        })?;
    tracing::info!(
        url = %running.url(),
        time_zone = %time_zone,
        start = %simulator.start().to_rfc3339(),
        frozen = args.frozen,
        "SFT simulator listening (demo endpoints 880154, 880299; control routes under /sim/)"
    );

    if let Err(error) = tokio::signal::ctrl_c().await {
        tracing::warn!(%error, "cannot wait for Ctrl-C; stopping");
    }
    running.shutdown().await;
    Ok(())
}
