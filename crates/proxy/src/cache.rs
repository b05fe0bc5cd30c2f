//! A small TTL cache that coalesces concurrent fetches of the same key.
//!
//! Each key has a slot behind an async lock. The first caller that finds no fresh value
//! fetches while holding the lock; callers that arrive meanwhile wait on the lock and
//! then read what it stored. A failure is handed to the callers that waited for that
//! fetch, but is never kept for later callers: the next one tries again.

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;

/// Above this many keys, inserting a key first drops the slots nobody uses any more.
const PRUNE_ABOVE: usize = 4096;

/// How a value was obtained, for the request log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CacheOutcome {
    /// A fresh stored value, or one fetched by a concurrent caller.
    Hit,
    /// This caller fetched.
    Miss,
}

impl CacheOutcome {
    /// `hit` or `miss`.
    pub fn as_str(self) -> &'static str {
        match self {
            CacheOutcome::Hit => "hit",
            CacheOutcome::Miss => "miss",
        }
    }
}

/// A TTL cache of `V` by `K`, with coalesced fetches.
pub struct CoalescingCache<K, V, E> {
    ttl: Duration,
    slots: Mutex<HashMap<K, Arc<Slot<V, E>>>>,
}

struct Slot<V, E> {
    /// Completed fetches of this key; read before waiting to spot a fetch that ended
    /// while this caller waited.
    completed: AtomicU64,
    state: tokio::sync::Mutex<SlotState<V, E>>,
}

struct SlotState<V, E> {
    value: Option<(V, Instant)>,
    /// The last failed fetch, by its completion number.
    failure: Option<(u64, E)>,
}

impl<K, V, E> CoalescingCache<K, V, E>
where
    K: Eq + Hash + Clone,
    V: Clone,
    E: Clone,
{
    /// An empty cache whose values stay fresh for `ttl`.
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            slots: Mutex::new(HashMap::new()),
        }
    }

    /// The fresh value for `key`, or the result of `fetch` (run by at most one caller
    /// at a time per key). Only successes are stored.
    pub async fn get_or_fetch<F, Fut>(&self, key: K, fetch: F) -> (Result<V, E>, CacheOutcome)
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<V, E>>,
    {
        let slot = self.slot(key);
        let seen = slot.completed.load(Ordering::Acquire);
        let mut state = slot.state.lock().await;

        if let Some((value, stored_at)) = &state.value {
            if stored_at.elapsed() < self.ttl {
                return (Ok(value.clone()), CacheOutcome::Hit);
            }
        }
        if let Some((completion, error)) = &state.failure {
            if *completion > seen {
                return (Err(error.clone()), CacheOutcome::Hit);
            }
        }

        let result = fetch().await;
        let completion = slot.completed.fetch_add(1, Ordering::AcqRel) + 1;
        match &result {
            Ok(value) => {
                state.value = Some((value.clone(), Instant::now()));
                state.failure = None;
            }
            Err(error) => state.failure = Some((completion, error.clone())),
        }
        (result, CacheOutcome::Miss)
    }

    fn slot(&self, key: K) -> Arc<Slot<V, E>> {
        let mut slots = self
            .slots
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(slot) = slots.get(&key) {
            return Arc::clone(slot);
        }

        if slots.len() >= PRUNE_ABOVE {
            let ttl = self.ttl;
            slots.retain(|_, slot| Arc::strong_count(slot) > 1 || slot.is_fresh(ttl));
        }
        let slot = Arc::new(Slot {
            completed: AtomicU64::new(0),
            state: tokio::sync::Mutex::new(SlotState {
                value: None,
                failure: None,
            }),
        });
        slots.insert(key, Arc::clone(&slot));
        slot
    }
}

impl<V, E> Slot<V, E> {
    /// Whether the slot holds a fresh value; a slot busy fetching counts as fresh.
    fn is_fresh(&self, ttl: Duration) -> bool {
        match self.state.try_lock() {
            Ok(state) => state
                .value
                .as_ref()
                .is_some_and(|(_, at)| at.elapsed() < ttl),
            Err(_) => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    type TestCache = CoalescingCache<&'static str, u32, String>;

    #[tokio::test]
    async fn concurrent_callers_of_one_key_share_one_fetch() {
        let cache = Arc::new(TestCache::new(Duration::from_secs(60)));
        let fetches = Arc::new(AtomicUsize::new(0));

        let callers = (0..20).map(|_| {
            let (cache, fetches) = (Arc::clone(&cache), Arc::clone(&fetches));
            tokio::spawn(async move {
                let fetch = || async {
                    fetches.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    Ok(7)
                };
                cache.get_or_fetch("endpoint", fetch).await
            })
        });
        let mut outcomes = Vec::new();
        for caller in callers.collect::<Vec<_>>() {
            outcomes.push(caller.await.unwrap());
        }

        assert_eq!(fetches.load(Ordering::SeqCst), 1);
        assert!(outcomes.iter().all(|(value, _)| value == &Ok(7)));
        let misses = outcomes
            .iter()
            .filter(|(_, outcome)| *outcome == CacheOutcome::Miss);
        assert_eq!(misses.count(), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn a_value_is_reused_within_its_ttl_and_fetched_again_after() {
        let cache = TestCache::new(Duration::from_secs(60));
        cache
            .get_or_fetch("endpoint", || async { Ok(1) })
            .await
            .0
            .unwrap();

        tokio::time::advance(Duration::from_secs(59)).await;
        let within = cache.get_or_fetch("endpoint", || async { Ok(2) }).await;
        tokio::time::advance(Duration::from_secs(2)).await;
        let after = cache.get_or_fetch("endpoint", || async { Ok(3) }).await;

        assert_eq!(within, (Ok(1), CacheOutcome::Hit));
        assert_eq!(after, (Ok(3), CacheOutcome::Miss));
    }

    #[tokio::test]
    async fn a_failure_is_not_kept_for_later_callers() {
        let cache = TestCache::new(Duration::from_secs(60));

        let failed = cache
            .get_or_fetch("endpoint", || async { Err("down".to_owned()) })
            .await;
        let retried = cache.get_or_fetch("endpoint", || async { Ok(5) }).await;

        assert_eq!(failed, (Err("down".into()), CacheOutcome::Miss));
        assert_eq!(retried, (Ok(5), CacheOutcome::Miss));
    }

    #[tokio::test]
    async fn callers_waiting_on_a_failed_fetch_get_its_failure_without_fetching_again() {
        let cache = Arc::new(TestCache::new(Duration::from_secs(60)));
        let fetches = Arc::new(AtomicUsize::new(0));

        let callers = (0..5).map(|_| {
            let (cache, fetches) = (Arc::clone(&cache), Arc::clone(&fetches));
            tokio::spawn(async move {
                let fetch = || async {
                    fetches.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    Err::<u32, _>("timeout".to_owned())
                };
                cache.get_or_fetch("endpoint", fetch).await.0
            })
        });
        let mut results = Vec::new();
        for caller in callers.collect::<Vec<_>>() {
            results.push(caller.await.unwrap());
        }

        assert_eq!(fetches.load(Ordering::SeqCst), 1);
        assert!(results
            .iter()
            .all(|result| result == &Err("timeout".to_owned())));
    }

    #[tokio::test]
    async fn different_keys_are_fetched_separately() {
        let cache = TestCache::new(Duration::from_secs(60));

        let first = cache.get_or_fetch("a", || async { Ok(1) }).await;
        let second = cache.get_or_fetch("b", || async { Ok(2) }).await;

        assert_eq!(first, (Ok(1), CacheOutcome::Miss));
        assert_eq!(second, (Ok(2), CacheOutcome::Miss));
    }
}
