//! Prometheus metrics in the text exposition format, written by hand: a few counters and
//! one histogram are all the proxy needs.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds, in seconds, of the SFT latency histogram's buckets.
const LATENCY_BUCKETS: [f64; 10] = [0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0];

/// Which SFT call a measurement is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum SftCall {
    /// `POST /api/login`.
    Login,
    /// `GET /api/RefreshToken`.
    Refresh,
    /// `GET /api/GetEndpointAddonDetails`.
    Details,
}

impl SftCall {
    fn label(self) -> &'static str {
        match self {
            SftCall::Login => "login",
            SftCall::Refresh => "refresh",
            SftCall::Details => "details",
        }
    }
}

/// The proxy's counters, shared by every request.
#[derive(Debug, Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, u16), u64>>,
    sft_calls: Mutex<BTreeMap<(SftCall, bool), u64>>,
    cache_hits: AtomicU64,
    cache_misses: AtomicU64,
    coalesced_waits: AtomicU64,
    stale_answers: AtomicU64,
    latency: Mutex<Histogram>,
}

#[derive(Debug, Default)]
struct Histogram {
    buckets: [u64; LATENCY_BUCKETS.len()],
    count: u64,
    sum: f64,
}

impl Metrics {
    /// Counts one answered request by route (a route template, never a raw path) and
    /// status.
    pub fn request(&self, route: &str, status: u16) {
        let mut requests = lock(&self.requests);
        *requests.entry((route.to_owned(), status)).or_default() += 1;
    }

    /// Counts one SFT HTTP call and its latency; `ok` when SFT gave a usable answer.
    pub fn sft_call(&self, call: SftCall, ok: bool, took: Duration) {
        *lock(&self.sft_calls).entry((call, ok)).or_default() += 1;

        let seconds = took.as_secs_f64();
        let mut latency = lock(&self.latency);
        for (bucket, bound) in latency.buckets.iter_mut().zip(LATENCY_BUCKETS) {
            if seconds <= bound {
                *bucket += 1;
            }
        }
        latency.count += 1;
        latency.sum += seconds;
    }

    /// An answer served fresh from the cache.
    pub fn cache_hit(&self) {
        self.cache_hits.fetch_add(1, Ordering::Relaxed);
    }

    /// An answer that had to be fetched.
    pub fn cache_miss(&self) {
        self.cache_misses.fetch_add(1, Ordering::Relaxed);
    }

    /// A request that waited for another request's fetch (here or on another replica).
    pub fn coalesced_wait(&self) {
        self.coalesced_waits.fetch_add(1, Ordering::Relaxed);
    }

    /// An old answer served because SFT failed.
    pub fn stale_answer(&self) {
        self.stale_answers.fetch_add(1, Ordering::Relaxed);
    }

    /// The text exposition of every metric.
    pub fn render(&self) -> String {
        let mut out = String::new();

        out.push_str("# HELP addon_usage_requests_total Requests answered, by route and status.\n");
        out.push_str("# TYPE addon_usage_requests_total counter\n");
        for ((route, status), count) in lock(&self.requests).iter() {
            let _ = writeln!(
                out,
                "addon_usage_requests_total{{route=\"{}\",status=\"{status}\"}} {count}",
                escape(route)
            );
        }

        out.push_str("# HELP addon_usage_sft_calls_total SFT HTTP calls, by call and outcome.\n");
        out.push_str("# TYPE addon_usage_sft_calls_total counter\n");
        for ((call, ok), count) in lock(&self.sft_calls).iter() {
            let outcome = if *ok { "ok" } else { "error" };
            let _ = writeln!(
                out,
                "addon_usage_sft_calls_total{{call=\"{}\",outcome=\"{outcome}\"}} {count}",
                call.label()
            );
        }

        let counters = [
            (
                "addon_usage_cache_hits_total",
                "Answers served fresh from the cache.",
                &self.cache_hits,
            ),
            (
                "addon_usage_cache_misses_total",
                "Answers that had to be fetched from SFT.",
                &self.cache_misses,
            ),
            (
                "addon_usage_coalesced_waits_total",
                "Requests that waited for an identical request's SFT call.",
                &self.coalesced_waits,
            ),
            (
                "addon_usage_stale_answers_total",
                "Old answers served because SFT failed.",
                &self.stale_answers,
            ),
        ];
        for (name, help, value) in counters {
            let _ = writeln!(out, "# HELP {name} {help}");
            let _ = writeln!(out, "# TYPE {name} counter");
            let _ = writeln!(out, "{name} {}", value.load(Ordering::Relaxed));
        }

        let latency = lock(&self.latency);
        let name = "addon_usage_sft_latency_seconds";
        let _ = writeln!(out, "# HELP {name} SFT HTTP call latency.");
        let _ = writeln!(out, "# TYPE {name} histogram");
        for (count, bound) in latency.buckets.iter().zip(LATENCY_BUCKETS) {
            let _ = writeln!(out, "{name}_bucket{{le=\"{bound}\"}} {count}");
        }
        let _ = writeln!(out, "{name}_bucket{{le=\"+Inf\"}} {}", latency.count);
        let _ = writeln!(out, "{name}_sum {}", latency.sum);
        let _ = writeln!(out, "{name}_count {}", latency.count);
        out
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // Counters stay usable after a panic elsewhere.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Escapes a label value as the exposition format requires.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_exposition_counts_requests_calls_and_latency() {
        let metrics = Metrics::default();
        metrics.request("/api/v1/traveler", 200);
        metrics.request("/api/v1/traveler", 200);
        metrics.sft_call(SftCall::Details, true, Duration::from_millis(30));
        metrics.cache_hit();

        let text = metrics.render();

        let expected = [
            "addon_usage_requests_total{route=\"/api/v1/traveler\",status=\"200\"} 2",
            "addon_usage_sft_calls_total{call=\"details\",outcome=\"ok\"} 1",
            "addon_usage_cache_hits_total 1",
            "addon_usage_sft_latency_seconds_bucket{le=\"0.025\"} 0",
            "addon_usage_sft_latency_seconds_bucket{le=\"0.05\"} 1",
            "addon_usage_sft_latency_seconds_bucket{le=\"+Inf\"} 1",
            "addon_usage_sft_latency_seconds_count 1",
        ];
        for line in expected {
            assert!(
                text.lines().any(|l| l == line),
                "{line} missing from\n{text}"
            );
        }
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
