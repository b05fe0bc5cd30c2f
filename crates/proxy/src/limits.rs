//! Two ways of not asking too much: a per-endpoint back-off after SFT says "busy" or
//! fails (so that SFT is left alone for a while), and a per-traveler token bucket (so
//! that one traveler cannot keep the proxy busy).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use crate::config::MAX_ERROR_BACKOFF;
use crate::sft_client::SftCallError;

/// Above this many entries, adding one first drops those no longer in use.
const PRUNE_ABOVE: usize = 10_000;
/// How long to leave SFT alone after a 429 without a readable `Retry-After`.
const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(30);
/// The longest `Retry-After` honoured, so that a wild value cannot stop an endpoint for
/// days.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(3600);

/// Per-endpoint pauses after SFT failures.
#[derive(Debug)]
pub struct Backoff {
    base: Duration,
    pauses: Mutex<HashMap<String, Pause>>,
}

#[derive(Debug, Clone, Copy)]
struct Pause {
    until: Instant,
    failures: u32,
}

impl Backoff {
    /// Pauses of `base` after a first server error or time-out, doubling after each
    /// further one; a zero `base` pauses only for 429s.
    pub fn new(base: Duration) -> Self {
        Self {
            base,
            pauses: Mutex::new(HashMap::new()),
        }
    }

    /// How long `endpoint_id` must still be left alone, if at all.
    pub fn remaining(&self, endpoint_id: &str) -> Option<Duration> {
        let pauses = self.lock();
        let pause = pauses.get(endpoint_id)?;
        let left = pause.until.saturating_duration_since(Instant::now());
        (!left.is_zero()).then_some(left)
    }

    /// Learns from the outcome of an SFT call for `endpoint_id`.
    pub fn record(&self, endpoint_id: &str, outcome: Result<(), &SftCallError>) {
        let mut pauses = self.lock();
        let failures = pauses.get(endpoint_id).map_or(0, |p| p.failures) + 1;
        let pause = match outcome {
            Ok(()) => None,
            Err(SftCallError::Busy { retry_after }) => {
                Some(retry_after_duration(retry_after.as_deref()))
            }
            Err(SftCallError::Unavailable(_) | SftCallError::Timeout) if !self.base.is_zero() => {
                let factor = 2u32.saturating_pow(failures.saturating_sub(1).min(16));
                Some(self.base.saturating_mul(factor).min(MAX_ERROR_BACKOFF))
            }
            Err(_) => None,
        };
        match pause {
            None => {
                pauses.remove(endpoint_id);
            }
            Some(pause) => {
                if pauses.len() >= PRUNE_ABOVE {
                    let now = Instant::now();
                    pauses.retain(|_, p| p.until > now);
                }
                let until = Instant::now() + pause;
                pauses.insert(endpoint_id.to_owned(), Pause { until, failures });
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Pause>> {
        self.pauses
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Reads a `Retry-After` in seconds; an HTTP date or nonsense counts as the default.
pub fn retry_after_duration(value: Option<&str>) -> Duration {
    value
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map_or(DEFAULT_RETRY_AFTER, Duration::from_secs)
        .min(MAX_RETRY_AFTER)
}

/// A token bucket per traveler: `per_minute` requests a minute, in bursts up to as many.
#[derive(Debug)]
pub struct RateLimiter {
    per_minute: u32,
    buckets: Mutex<HashMap<String, Bucket>>,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl RateLimiter {
    /// A limiter of `per_minute` requests a minute per traveler; 0 lets everything pass.
    pub fn new(per_minute: u32) -> Self {
        Self {
            per_minute,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one request from `traveler`'s bucket, or says how long until one is free.
    pub fn take(&self, traveler: &str) -> Result<(), Duration> {
        if self.per_minute == 0 {
            return Ok(());
        }
        let capacity = f64::from(self.per_minute);
        let per_second = capacity / 60.0;
        let now = Instant::now();
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if buckets.len() >= PRUNE_ABOVE && !buckets.contains_key(traveler) {
            // A bucket that has refilled completely is the same as no bucket.
            buckets.retain(|_, b| {
                b.tokens + now.duration_since(b.at).as_secs_f64() * per_second < capacity
            });
        }

        let bucket = buckets.entry(traveler.to_owned()).or_insert(Bucket {
            tokens: capacity,
            at: now,
        });
        let refilled = now.duration_since(bucket.at).as_secs_f64() * per_second;
        bucket.tokens = (bucket.tokens + refilled).min(capacity);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - bucket.tokens) / per_second))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_traveler_gets_a_burst_then_one_request_per_refill() {
        let limiter = RateLimiter::new(3);

        let burst: Vec<_> = (0..4).map(|_| limiter.take("t1").is_ok()).collect();
        let other = limiter.take("t2");
        let wait = limiter.take("t1").unwrap_err();
        tokio::time::advance(Duration::from_secs(20)).await;
        let after_refill = limiter.take("t1");

        assert_eq!(burst, [true, true, true, false]);
        assert!(other.is_ok());
        assert!(
            wait <= Duration::from_secs(20) && wait > Duration::from_secs(19),
            "{wait:?}"
        );
        assert!(after_refill.is_ok());
    }

    #[test]
    fn a_zero_limit_lets_everything_pass() {
        let limiter = RateLimiter::new(0);

        assert!((0..1000).all(|_| limiter.take("t").is_ok()));
    }

    #[tokio::test(start_paused = true)]
    async fn busy_and_failing_endpoints_are_left_alone_for_a_while() {
        let backoff = Backoff::new(Duration::from_secs(5));
        let busy = SftCallError::Busy {
            retry_after: Some("42".into()),
        };
        let down = SftCallError::Unavailable("503".into());

        backoff.record("1", Err(&busy));
        backoff.record("2", Err(&down));
        backoff.record("2", Err(&down));
        backoff.record("3", Err(&SftCallError::Unreadable("html".into())));

        assert_eq!(backoff.remaining("1"), Some(Duration::from_secs(42)));
        assert_eq!(backoff.remaining("2"), Some(Duration::from_secs(10)));
        assert_eq!(backoff.remaining("3"), None);
        backoff.record("2", Ok(()));
        assert_eq!(backoff.remaining("2"), None);
        tokio::time::advance(Duration::from_secs(43)).await;
        assert_eq!(backoff.remaining("1"), None);
    }

    #[test]
    fn retry_after_values_are_read_as_seconds_within_bounds() {
        let cases = [
            (Some("7"), 7),
            (Some(" 12 "), 12),
            (Some("Wed, 21 Oct 2026 07:28:00 GMT"), 30),
            (None, 30),
            (Some("999999"), 3600),
        ];

        for (value, seconds) in cases {
            assert_eq!(
                retry_after_duration(value),
                Duration::from_secs(seconds),
                "{value:?}"
            );
        }
    }
}
