//! The answer cache: a TTL per answer, coalesced fetches, and stale-if-error.
//!
//! Each key has a slot behind an async lock. The first caller that finds no fresh answer
//! fetches while holding the lock; callers that arrive meanwhile wait on the lock and
//! then read what it stored. A failure is handed to the callers that waited for that
//! fetch, but is never kept for later callers: the next one tries again.
//!
//! When a fetch fails and the last good answer is younger than TTL + the stale bound,
//! that answer is served instead, marked stale with its age.
//!
//! With Redis ([`SharedStore`]) answers live there, and a short Redis lock coalesces the
//! fetches of every replica: one fetches, the others poll Redis for its answer.

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use addon_usage_core::AddonsSnapshot;
use serde::{Deserialize, Serialize};
use tokio::time::Instant;

use crate::metrics::Metrics;
use crate::sft_client::SftCallError;
use crate::shared::SharedStore;

/// Above this many keys, inserting a key first drops the slots nobody uses any more.
const PRUNE_ABOVE: usize = 4096;

/// How an answer was obtained, for the request log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CacheOutcome {
    /// A fresh stored answer.
    Hit,
    /// The answer of an identical request's fetch, here or on another replica.
    Coalesced,
    /// This caller fetched.
    Miss,
    /// The fetch failed and an older answer was served.
    Stale,
}

impl CacheOutcome {
    /// `hit`, `coalesced`, `miss` or `stale`.
    pub fn as_str(self) -> &'static str {
        match self {
            CacheOutcome::Hit => "hit",
            CacheOutcome::Coalesced => "coalesced",
            CacheOutcome::Miss => "miss",
            CacheOutcome::Stale => "stale",
        }
    }
}

/// An answer the caller may send.
#[derive(Clone, Debug, PartialEq)]
pub struct Served {
    /// The snapshot, as SFT answered it.
    pub snapshot: Arc<AddonsSnapshot>,
    /// For a stale answer, its age.
    pub stale_age: Option<Duration>,
}

/// An answer as Redis keeps it.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SharedAnswer {
    stored_at_ms: u64,
    snapshot: AddonsSnapshot,
}

/// The cache of SFT answers by key.
pub struct AnswerCache {
    ttl: Duration,
    stale_for: Duration,
    lock_ttl: Duration,
    shared: Option<SharedStore>,
    metrics: Arc<Metrics>,
    slots: Mutex<HashMap<String, Arc<Slot>>>,
    /// The key count at which the next pruning pass runs: twice what the last pass kept
    /// (at least [`PRUNE_ABOVE`]), so pruning costs O(1) per insert on average.
    prune_at: std::sync::atomic::AtomicUsize,
}

struct Slot {
    /// Completed fetches of this key; read before waiting to spot a fetch that ended
    /// while this caller waited.
    completed: AtomicU64,
    state: tokio::sync::Mutex<SlotState>,
}

#[derive(Default)]
struct SlotState {
    /// The last good answer, when it is kept in this process.
    value: Option<(Arc<AddonsSnapshot>, Instant)>,
    /// The last failed fetch, by its completion number.
    failure: Option<(u64, SftCallError)>,
}

impl AnswerCache {
    /// A cache whose answers are fresh for `ttl` and may be served stale for `stale_for`
    /// more when SFT fails. With `shared`, answers live in Redis and replicas hold a
    /// Redis lock for at most `lock_ttl` while fetching.
    pub fn new(
        ttl: Duration,
        stale_for: Duration,
        lock_ttl: Duration,
        shared: Option<SharedStore>,
        metrics: Arc<Metrics>,
    ) -> Self {
        Self {
            ttl,
            stale_for,
            lock_ttl,
            shared,
            metrics,
            slots: Mutex::new(HashMap::new()),
            prune_at: std::sync::atomic::AtomicUsize::new(PRUNE_ABOVE),
        }
    }

    /// The fresh answer for `key`, or the result of `fetch` (run by at most one caller at
    /// a time per key, across replicas with Redis), or a stale answer if `fetch` fails.
    pub async fn get_or_fetch<F, Fut>(
        &self,
        key: &str,
        fetch: F,
    ) -> (Result<Served, SftCallError>, CacheOutcome)
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<AddonsSnapshot, SftCallError>>,
    {
        let slot = self.slot(key);
        let seen = slot.completed.load(Ordering::Acquire);
        let (mut state, waited_here) = match slot.state.try_lock() {
            Ok(state) => (state, false),
            Err(_) => (slot.state.lock().await, true),
        };

        if let Some((snapshot, age)) = self.stored(key, &state).await {
            if age < self.ttl && waited_here {
                self.metrics.coalesced_wait();
                return (Ok(fresh(snapshot)), CacheOutcome::Coalesced);
            }
            if age < self.ttl {
                self.metrics.cache_hit();
                return (Ok(fresh(snapshot)), CacheOutcome::Hit);
            }
        }
        if let Some((completion, error)) = &state.failure {
            if *completion > seen {
                let error = error.clone();
                return self
                    .failed(key, &state, error, CacheOutcome::Coalesced)
                    .await;
            }
        }

        self.metrics.cache_miss();
        let (result, waited) = self.fetch(key, fetch).await;
        let completion = slot.completed.fetch_add(1, Ordering::AcqRel) + 1;
        match result {
            Ok(snapshot) => {
                if self.shared.is_none() {
                    state.value = Some((Arc::clone(&snapshot), Instant::now()));
                }
                state.failure = None;
                let outcome = if waited {
                    self.metrics.coalesced_wait();
                    CacheOutcome::Coalesced
                } else {
                    CacheOutcome::Miss
                };
                (Ok(fresh(snapshot)), outcome)
            }
            Err(error) => {
                state.failure = Some((completion, error.clone()));
                self.failed(key, &state, error, CacheOutcome::Miss).await
            }
        }
    }

    /// Fetches, through the Redis lock when there is one; says whether another replica's
    /// answer was taken instead.
    async fn fetch<F, Fut>(
        &self,
        key: &str,
        fetch: F,
    ) -> (Result<Arc<AddonsSnapshot>, SftCallError>, bool)
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<AddonsSnapshot, SftCallError>>,
    {
        let Some(shared) = &self.shared else {
            return (fetch().await.map(Arc::new), false);
        };
        let redis_key = answer_key(key);
        let check = || async {
            let found: SharedAnswer = shared.get_json(&redis_key).await?;
            (age_of(found.stored_at_ms) < self.ttl).then(|| Arc::new(found.snapshot))
        };
        let work = || async {
            let snapshot = fetch().await?;
            let stored = SharedAnswer {
                stored_at_ms: now_ms(),
                snapshot,
            };
            shared
                .put_json(&redis_key, &stored, self.ttl + self.stale_for)
                .await;
            Ok(Arc::new(stored.snapshot))
        };
        let (result, waited) = shared
            .single_flight(&format!("answer:{key}"), self.lock_ttl, check, work)
            .await;
        // `waited` with a result of our own `work` (the holder gave up) is still a miss.
        (result, waited)
    }

    /// The failure, or the last good answer marked stale when it is recent enough.
    async fn failed(
        &self,
        key: &str,
        state: &SlotState,
        error: SftCallError,
        outcome: CacheOutcome,
    ) -> (Result<Served, SftCallError>, CacheOutcome) {
        match self.stored(key, state).await {
            Some((snapshot, age)) if age <= self.ttl + self.stale_for => {
                self.metrics.stale_answer();
                let served = Served {
                    snapshot,
                    stale_age: Some(age),
                };
                (Ok(served), CacheOutcome::Stale)
            }
            _ => (Err(error), outcome),
        }
    }

    /// The last good answer for `key` and its age.
    async fn stored(
        &self,
        key: &str,
        state: &SlotState,
    ) -> Option<(Arc<AddonsSnapshot>, Duration)> {
        match &self.shared {
            None => state
                .value
                .as_ref()
                .map(|(snapshot, at)| (Arc::clone(snapshot), at.elapsed())),
            Some(shared) => {
                let found: SharedAnswer = shared.get_json(&answer_key(key)).await?;
                Some((Arc::new(found.snapshot), age_of(found.stored_at_ms)))
            }
        }
    }

    fn slot(&self, key: &str) -> Arc<Slot> {
        let mut slots = self
            .slots
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(slot) = slots.get(key) {
            return Arc::clone(slot);
        }

        let prune_at = self.prune_at.load(std::sync::atomic::Ordering::Relaxed);
        if slots.len() >= prune_at {
            let keep_for = self.ttl + self.stale_for;
            slots.retain(|_, slot| Arc::strong_count(slot) > 1 || slot.is_kept(keep_for));
            let next = (slots.len() * 2).max(PRUNE_ABOVE);
            self.prune_at
                .store(next, std::sync::atomic::Ordering::Relaxed);
        }
        let slot = Arc::new(Slot {
            completed: AtomicU64::new(0),
            state: tokio::sync::Mutex::new(SlotState::default()),
        });
        slots.insert(key.to_owned(), Arc::clone(&slot));
        slot
    }
}

impl Slot {
    /// Whether the slot holds an answer younger than `keep_for`; a busy slot is kept.
    fn is_kept(&self, keep_for: Duration) -> bool {
        match self.state.try_lock() {
            Ok(state) => state
                .value
                .as_ref()
                .is_some_and(|(_, at)| at.elapsed() < keep_for),
            Err(_) => true,
        }
    }
}

fn fresh(snapshot: Arc<AddonsSnapshot>) -> Served {
    Served {
        snapshot,
        stale_age: None,
    }
}

fn answer_key(key: &str) -> String {
    format!("answer:{key}")
}

fn now_ms() -> u64 {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    u64::try_from(since.as_millis()).unwrap_or(u64::MAX)
}

fn age_of(stored_at_ms: u64) -> Duration {
    Duration::from_millis(now_ms().saturating_sub(stored_at_ms))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    fn cache(ttl_secs: u64, stale_secs: u64) -> Arc<AnswerCache> {
        Arc::new(AnswerCache::new(
            Duration::from_secs(ttl_secs),
            Duration::from_secs(stale_secs),
            Duration::from_secs(5),
            None,
            Arc::new(Metrics::default()),
        ))
    }

    fn snapshot(marker: &str) -> AddonsSnapshot {
        AddonsSnapshot {
            endpoint_id: marker.into(),
            fetched_at: chrono::DateTime::UNIX_EPOCH,
            sft_time_zone: "UTC".into(),
            instances: Vec::new(),
            stale: false,
            age_secs: None,
        }
    }

    fn marker(result: &Result<Served, SftCallError>) -> Result<String, SftCallError> {
        result
            .as_ref()
            .map(|served| served.snapshot.endpoint_id.clone())
            .map_err(Clone::clone)
    }

    #[tokio::test]
    async fn concurrent_callers_of_one_key_share_one_fetch() {
        let cache = cache(60, 0);
        let fetches = Arc::new(AtomicUsize::new(0));

        let callers = (0..20).map(|_| {
            let (cache, fetches) = (Arc::clone(&cache), Arc::clone(&fetches));
            tokio::spawn(async move {
                let fetch = || async {
                    fetches.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    Ok(snapshot("a"))
                };
                cache.get_or_fetch("k", fetch).await
            })
        });
        let mut outcomes = Vec::new();
        for caller in callers.collect::<Vec<_>>() {
            outcomes.push(caller.await.unwrap());
        }

        assert_eq!(fetches.load(Ordering::SeqCst), 1);
        assert!(outcomes.iter().all(|(r, _)| marker(r) == Ok("a".into())));
        let misses = outcomes.iter().filter(|(_, o)| *o == CacheOutcome::Miss);
        assert_eq!(misses.count(), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn an_answer_is_reused_within_its_ttl_and_fetched_again_after() {
        let cache = cache(60, 0);
        let _ = cache
            .get_or_fetch("k", || async { Ok(snapshot("1")) })
            .await;

        tokio::time::advance(Duration::from_secs(59)).await;
        let (within, within_outcome) = cache
            .get_or_fetch("k", || async { Ok(snapshot("2")) })
            .await;
        tokio::time::advance(Duration::from_secs(2)).await;
        let (after, after_outcome) = cache
            .get_or_fetch("k", || async { Ok(snapshot("3")) })
            .await;

        assert_eq!(
            (marker(&within), within_outcome),
            (Ok("1".into()), CacheOutcome::Hit)
        );
        assert_eq!(
            (marker(&after), after_outcome),
            (Ok("3".into()), CacheOutcome::Miss)
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_failure_within_the_stale_bound_serves_the_last_answer_with_its_age() {
        let cache = cache(60, 600);
        let down = || async { Err(SftCallError::Unavailable("down".into())) };
        let _ = cache
            .get_or_fetch("k", || async { Ok(snapshot("old")) })
            .await;

        tokio::time::advance(Duration::from_secs(300)).await;
        let (within, within_outcome) = cache.get_or_fetch("k", down).await;
        tokio::time::advance(Duration::from_secs(400)).await;
        let (beyond, _) = cache.get_or_fetch("k", down).await;

        assert_eq!(within_outcome, CacheOutcome::Stale);
        let served = within.unwrap();
        assert_eq!(served.snapshot.endpoint_id, "old");
        assert_eq!(served.stale_age, Some(Duration::from_secs(300)));
        assert_eq!(beyond, Err(SftCallError::Unavailable("down".into())));
    }

    #[tokio::test]
    async fn a_failure_is_not_kept_for_later_callers() {
        let cache = cache(60, 0);

        let (failed, _) = cache
            .get_or_fetch("k", || async { Err(SftCallError::Timeout) })
            .await;
        let (retried, outcome) = cache
            .get_or_fetch("k", || async { Ok(snapshot("5")) })
            .await;

        assert_eq!(failed, Err(SftCallError::Timeout));
        assert_eq!(
            (marker(&retried), outcome),
            (Ok("5".into()), CacheOutcome::Miss)
        );
    }

    #[tokio::test]
    async fn callers_waiting_on_a_failed_fetch_get_its_failure_without_fetching_again() {
        let cache = cache(60, 0);
        let fetches = Arc::new(AtomicUsize::new(0));

        let callers = (0..5).map(|_| {
            let (cache, fetches) = (Arc::clone(&cache), Arc::clone(&fetches));
            tokio::spawn(async move {
                let fetch = || async {
                    fetches.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    Err(SftCallError::Timeout)
                };
                cache.get_or_fetch("k", fetch).await.0
            })
        });
        let mut results = Vec::new();
        for caller in callers.collect::<Vec<_>>() {
            results.push(caller.await.unwrap());
        }

        assert_eq!(fetches.load(Ordering::SeqCst), 1);
        assert!(results.iter().all(|r| r == &Err(SftCallError::Timeout)));
    }

    #[tokio::test]
    async fn different_keys_are_fetched_separately() {
        let cache = cache(60, 0);

        let (_, first) = cache
            .get_or_fetch("a", || async { Ok(snapshot("a")) })
            .await;
        let (_, second) = cache
            .get_or_fetch("b", || async { Ok(snapshot("b")) })
            .await;

        assert_eq!((first, second), (CacheOutcome::Miss, CacheOutcome::Miss));
    }
}
