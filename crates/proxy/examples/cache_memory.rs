//! Resident memory of the proxy's answer cache holding many endpoints, for
//! `cargo xtask bench`.
//!
//! ```text
//! cargo run -p addon-usage-proxy --release --example cache_memory -- \
//!     <answer.json> <count> <cache|plain> [max-seconds]
//! ```
//!
//! `answer.json` is one real `/api/v1/endpoints/{id}/addons` answer. Each of `count`
//! endpoints gets its own copy, parsed from that text (so nothing is shared, as with real
//! SFT answers), under its own endpoint id. `cache` stores them through
//! [`AnswerCache::get_or_fetch`] exactly as the proxy does on a miss; `plain` keeps the
//! same snapshots in a `Vec`, the floor any cache of them must pay. Filling stops after
//! `max-seconds` (default 300) whatever the count reached.
//!
//! Prints `key value` lines: `rss_before_kib`, `rss_after_kib`, `entries`,
//! `answer_bytes`, `fill_secs`, and `fill_secs_at_<n>` every 10,000 entries.

use std::sync::Arc;
use std::time::{Duration, Instant};

use addon_usage_core::AddonsSnapshot;
use addon_usage_proxy::cache::AnswerCache;
use addon_usage_proxy::metrics::Metrics;

/// How the copies are held.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Holder {
    Cache,
    Plain,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [file, count, holder, rest @ ..] = args.as_slice() else {
        return Err("usage: cache_memory <answer.json> <count> <cache|plain> [max-seconds]".into());
    };
    let text = std::fs::read_to_string(file).map_err(|e| format!("{file}: {e}"))?;
    let count: usize = count.parse().map_err(|_| format!("count `{count}`"))?;
    let holder = match holder.as_str() {
        "cache" => Holder::Cache,
        "plain" => Holder::Plain,
        other => return Err(format!("holder `{other}`: cache or plain")),
    };
    let max_secs: u64 = match rest.first() {
        Some(value) => value
            .parse()
            .map_err(|_| format!("max-seconds `{value}`"))?,
        None => 300,
    };
    // Checked once, so that a wrong file fails before anything is measured.
    serde_json::from_str::<AddonsSnapshot>(&text).map_err(|e| format!("{file}: {e}"))?;

    let cache = AnswerCache::new(
        Duration::from_secs(24 * 3600),
        Duration::ZERO,
        Duration::from_secs(5),
        None,
        Arc::new(Metrics::default()),
    );
    let mut plain: Vec<AddonsSnapshot> = Vec::new();
    let rss_before = rss_kib()?;
    let started = Instant::now();
    let deadline = started + Duration::from_secs(max_secs);

    let mut entries = 0;
    while entries < count && Instant::now() < deadline {
        let endpoint_id = format!("{}", 8_000_000_000u64 + entries as u64);
        let mut snapshot: AddonsSnapshot =
            serde_json::from_str(&text).map_err(|e| e.to_string())?;
        snapshot.endpoint_id.clone_from(&endpoint_id);

        match holder {
            Holder::Cache => {
                let key = format!("{endpoint_id}/all");
                let (stored, _) = cache.get_or_fetch(&key, || async { Ok(snapshot) }).await;
                stored.map_err(|e| e.to_string())?;
            }
            Holder::Plain => plain.push(snapshot),
        }

        entries += 1;
        if entries % 10_000 == 0 {
            println!(
                "fill_secs_at_{entries} {:.3}",
                started.elapsed().as_secs_f64()
            );
        }
    }
    let fill_secs = started.elapsed().as_secs_f64();
    let rss_after = rss_kib()?;

    println!("rss_before_kib {rss_before}");
    println!("rss_after_kib {rss_after}");
    println!("entries {entries}");
    println!("answer_bytes {}", text.len());
    println!("fill_secs {fill_secs:.3}");
    // Both holders stay alive until the figures are read.
    drop((cache, plain));
    Ok(())
}

/// This process's resident set size (`VmRSS` in /proc/self/status), in KiB.
fn rss_kib() -> Result<u64, String> {
    let status = std::fs::read_to_string("/proc/self/status").map_err(|e| e.to_string())?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| "no VmRSS in /proc/self/status".to_string())
}
