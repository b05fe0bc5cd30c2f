//! What the widget knows: the traveler, each endpoint's latest snapshot, every reading
//! kept as history (for pace and forecast), and what went wrong last. Views read it from
//! context; [`Data::refresh`] fills it from the proxy and keeps every answer in the cache.

use std::collections::BTreeMap;

use addon_usage_core::forecast::{forecast, record, Forecast, History, Reading};
use addon_usage_core::model::{AddonInstance, AddonsSnapshot, Endpoint, Purchase, Traveler};
use addon_usage_core::store::short_hash;
use addon_usage_core::warnings::Thresholds;
use chrono::{DateTime, Utc};
use leptos::prelude::*;

use crate::api::{ApiError, Client};
use crate::cache::{addons_slot, Cache, TRAVELER_SLOT};

/// Readings of one endpoint, by [`history_key`].
pub type EndpointHistory = BTreeMap<String, History>;

/// The key of a benefit's history: its instance and its position among the benefits.
pub fn history_key(unique_id: &str, benefit: usize) -> String {
    format!("{unique_id}:{benefit}")
}

/// The slot of the traveler's own warning thresholds.
pub const THRESHOLDS_SLOT: &str = "thresholds";

fn history_slot(endpoint_id: &str) -> String {
    format!("history-{}", short_hash(endpoint_id))
}

/// The widget's data, shared by every view.
#[derive(Clone, Copy)]
pub struct Data {
    /// The traveler's endpoints and purchases.
    pub traveler: RwSignal<Option<Traveler>>,
    /// The latest snapshot of each endpoint, by endpoint id.
    pub snapshots: RwSignal<BTreeMap<String, AddonsSnapshot>>,
    /// Every reading received, per endpoint, bounded.
    pub histories: RwSignal<BTreeMap<String, EndpointHistory>>,
    /// The last refresh's problem; views word it with [`ApiError::for_traveler`].
    pub problem: RwSignal<Option<ApiError>>,
    /// Whether a refresh is running.
    pub refreshing: RwSignal<bool>,
    /// When to warn about low balances: the portal's defaults or the traveler's choice.
    pub thresholds: RwSignal<Thresholds>,
    /// The cache of the current traveler, once known.
    pub cache: RwSignal<Option<Cache>>,
    /// Only these endpoints, when the host named some.
    only: StoredValue<Vec<String>>,
}

impl Data {
    /// Nothing known yet.
    pub fn new(only: Vec<String>) -> Self {
        Self {
            traveler: RwSignal::new(None),
            snapshots: RwSignal::new(BTreeMap::new()),
            histories: RwSignal::new(BTreeMap::new()),
            problem: RwSignal::new(None),
            refreshing: RwSignal::new(false),
            thresholds: RwSignal::new(Thresholds::default()),
            cache: RwSignal::new(None),
            only: StoredValue::new(only),
        }
    }

    /// Shows what `cache` holds (so cards show before the network answers) and keeps
    /// using it for every answer.
    pub fn adopt_cache(&self, cache: Cache) {
        let traveler: Option<Traveler> = cache.load(TRAVELER_SLOT);
        let ids: Vec<String> = traveler
            .iter()
            .flat_map(|t| t.endpoints.iter().map(|e| e.id.clone()))
            .collect();
        let snapshots = ids
            .iter()
            .filter_map(|id| cache.load::<AddonsSnapshot>(&addons_slot(id)))
            .map(|s| (s.endpoint_id.clone(), s))
            .collect();
        let histories = ids
            .iter()
            .filter_map(|id| {
                cache
                    .load::<EndpointHistory>(&history_slot(id))
                    .map(|h| (id.clone(), h))
            })
            .collect();
        if traveler.is_some() {
            self.traveler.set(traveler);
        }
        self.snapshots.set(snapshots);
        self.histories.set(histories);
        if let Some(mine) = cache
            .load::<Thresholds>(THRESHOLDS_SLOT)
            .filter(|t| t.validate().is_ok())
        {
            self.thresholds.set(mine);
        }
        self.cache.set(Some(cache));
    }

    /// Re-reads one endpoint's snapshot from the cache (another tab stored it); returns
    /// its reading time when it is newer than the one on screen.
    pub fn adopt_from_storage(&self, endpoint_id: &str) -> Option<DateTime<Utc>> {
        let cache = self.cache.get_untracked()?;
        let stored: AddonsSnapshot = cache.load(&addons_slot(endpoint_id))?;
        let shown = self
            .snapshots
            .with_untracked(|s| s.get(endpoint_id).map(|s| s.fetched_at));
        if shown.is_some_and(|at| at >= stored.fetched_at) {
            return None;
        }
        let at = stored.fetched_at;
        if let Some(history) = cache.load::<EndpointHistory>(&history_slot(endpoint_id)) {
            self.histories.update(|h| {
                h.insert(endpoint_id.to_owned(), history);
            });
        }
        self.snapshots.update(|s| {
            s.insert(endpoint_id.to_owned(), stored);
        });
        Some(at)
    }

    /// The endpoints to show, in the traveler's order (tracked).
    pub fn endpoints(&self) -> Vec<Endpoint> {
        let only = self.only.get_value();
        self.traveler
            .get()
            .map(|t| t.endpoints)
            .unwrap_or_default()
            .into_iter()
            .filter(|e| only.is_empty() || only.contains(&e.id))
            .collect()
    }

    /// The endpoints to show, without tracking.
    pub fn endpoints_untracked(&self) -> Vec<Endpoint> {
        untrack(|| self.endpoints())
    }

    /// The traveler's purchases (tracked).
    pub fn purchases(&self) -> Vec<Purchase> {
        self.traveler
            .with(|t| t.as_ref().map(|t| t.purchases.clone()).unwrap_or_default())
    }

    /// The oldest reading on screen, if any (tracked).
    pub fn oldest_reading(&self) -> Option<DateTime<Utc>> {
        self.snapshots
            .with(|s| s.values().map(|s| s.fetched_at).min())
    }

    /// The forecast of each benefit of `instance` on `endpoint_id` at `now` (tracked).
    pub fn forecasts(
        &self,
        endpoint_id: &str,
        instance: &AddonInstance,
        now: DateTime<Utc>,
    ) -> Vec<Forecast> {
        self.histories.with(|all| {
            let histories = all.get(endpoint_id);
            instance
                .benefits
                .iter()
                .enumerate()
                .map(|(i, benefit)| {
                    let history = histories
                        .and_then(|h| h.get(&history_key(&instance.unique_id, i)))
                        .cloned()
                        .unwrap_or_default();
                    forecast(&history, benefit.expires_at.or(instance.expires_at), now)
                })
                .collect()
        })
    }

    /// The history of one benefit (tracked).
    pub fn history(&self, endpoint_id: &str, unique_id: &str, benefit: usize) -> History {
        self.histories.with(|all| {
            all.get(endpoint_id)
                .and_then(|h| h.get(&history_key(unique_id, benefit)))
                .cloned()
                .unwrap_or_default()
        })
    }

    /// Fetches the traveler, then every endpoint's add-ons; keeps each answer. A failure
    /// keeps what is on screen and records the problem. Returns the reading time of the
    /// oldest answer, or the first error.
    pub async fn refresh(self, client: Client) -> Result<DateTime<Utc>, ApiError> {
        self.refreshing.set(true);
        let result = self.fetch_all(client).await;
        if !self.alive() {
            return result;
        }
        match &result {
            Ok(_) => self.problem.set(None),
            Err(error) => {
                web_sys::console::warn_1(&format!("addon-usage: refresh failed: {error}").into());
                self.problem.set(Some(error.clone()));
            }
        }
        self.refreshing.set(false);
        result
    }

    /// Whether the widget owning this data is still mounted (an answer may arrive after
    /// the element left the page; it is then dropped).
    fn alive(&self) -> bool {
        !self.snapshots.is_disposed()
    }

    async fn fetch_all(self, client: Client) -> Result<DateTime<Utc>, ApiError> {
        let gone = || ApiError::Network("the widget was removed".into());
        let traveler = client.traveler().await?;
        if !self.alive() {
            return Err(gone());
        }
        if let Some(cache) = self.cache.get_untracked() {
            cache.save(TRAVELER_SLOT, &traveler);
        }
        self.traveler.set(Some(traveler));

        let mut oldest: Option<DateTime<Utc>> = None;
        let mut first_error = None;
        for endpoint in self.endpoints() {
            let answer = client.addons(&endpoint.id).await;
            if !self.alive() {
                return Err(gone());
            }
            let snapshot = match answer {
                Ok(snapshot) => snapshot,
                Err(error) => {
                    first_error.get_or_insert(error);
                    continue;
                }
            };
            oldest = Some(oldest.map_or(snapshot.fetched_at, |o| o.min(snapshot.fetched_at)));
            self.record_readings(&snapshot);
            if let Some(cache) = self.cache.get_untracked() {
                cache.save(&addons_slot(&snapshot.endpoint_id), &snapshot);
            }
            self.snapshots.update(|all| {
                all.insert(snapshot.endpoint_id.clone(), snapshot);
            });
        }
        match first_error {
            Some(error) => Err(error),
            None => Ok(oldest.unwrap_or_else(Utc::now)),
        }
    }

    /// Adds the snapshot's balances to the reading history and keeps it.
    fn record_readings(&self, snapshot: &AddonsSnapshot) {
        let endpoint_id = snapshot.endpoint_id.clone();
        let mut histories = self
            .histories
            .with_untracked(|h| h.get(&endpoint_id).cloned().unwrap_or_default());
        // Only instances still listed keep a history; the rest would grow without bound.
        histories.retain(|key, _| {
            snapshot
                .instances
                .iter()
                .any(|i| key.starts_with(&format!("{}:", i.unique_id)))
        });
        for instance in &snapshot.instances {
            for (i, benefit) in instance.benefits.iter().enumerate() {
                let key = history_key(&instance.unique_id, i);
                let reading = Reading {
                    at: snapshot.fetched_at,
                    remaining: benefit.remaining,
                };
                let old = histories.remove(&key).unwrap_or_default();
                histories.insert(key, record(old, reading, instance.starts_at));
            }
        }
        if let Some(cache) = self.cache.get_untracked() {
            cache.save(&history_slot(&endpoint_id), &histories);
        }
        self.histories.update(|h| {
            h.insert(endpoint_id, histories);
        });
    }
}
