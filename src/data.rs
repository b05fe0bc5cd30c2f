//! What the widget knows: the traveler, each endpoint's latest snapshot, and what went
//! wrong last. Views read it from context; [`Data::refresh`] fills it from the proxy and
//! keeps every answer in the cache.

use std::collections::BTreeMap;

use addon_usage_core::model::{AddonsSnapshot, Purchase, Traveler};
use chrono::{DateTime, Utc};
use leptos::prelude::*;

use crate::api::{ApiError, Client};
use crate::cache;

/// The widget's data, shared by every view.
#[derive(Clone, Copy)]
pub struct Data {
    /// The traveler's endpoints and purchases.
    pub traveler: RwSignal<Option<Traveler>>,
    /// The latest snapshot of each endpoint, by endpoint id.
    pub snapshots: RwSignal<BTreeMap<String, AddonsSnapshot>>,
    /// The last refresh's problem, as a sentence for the traveler.
    pub problem: RwSignal<Option<String>>,
    /// Whether a refresh is running.
    pub refreshing: RwSignal<bool>,
    /// When the last refresh completed without error.
    pub refreshed_at: RwSignal<Option<DateTime<Utc>>>,
    /// Only these endpoints, when the host named some.
    only: StoredValue<Vec<String>>,
}

impl Data {
    /// Starts from what the cache holds, so cards show before the network answers.
    pub fn from_cache(only: Vec<String>) -> Self {
        let traveler = cache::load_traveler();
        let snapshots = traveler
            .iter()
            .flat_map(|t| t.endpoints.iter())
            .filter_map(|e| cache::load_addons(&e.id))
            .map(|s| (s.endpoint_id.clone(), s))
            .collect();
        Self {
            traveler: RwSignal::new(traveler),
            snapshots: RwSignal::new(snapshots),
            problem: RwSignal::new(None),
            refreshing: RwSignal::new(false),
            refreshed_at: RwSignal::new(None),
            only: StoredValue::new(only),
        }
    }

    /// The endpoints to show, in the traveler's order.
    pub fn endpoints(&self) -> Vec<addon_usage_core::model::Endpoint> {
        let only = self.only.get_value();
        self.traveler
            .get()
            .map(|t| t.endpoints)
            .unwrap_or_default()
            .into_iter()
            .filter(|e| only.is_empty() || only.contains(&e.id))
            .collect()
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

    /// Fetches the traveler, then every endpoint's add-ons; keeps each answer. A failure
    /// keeps what is on screen and records the problem. Returns the first error.
    pub async fn refresh(self, client: Client) -> Result<(), ApiError> {
        self.refreshing.set(true);
        let result = self.fetch_all(client).await;
        match &result {
            Ok(()) => {
                self.problem.set(None);
                self.refreshed_at.set(Some(Utc::now()));
            }
            Err(error) => {
                web_sys::console::warn_1(&format!("addon-usage: refresh failed: {error}").into());
                self.problem.set(Some(error.for_traveler()));
            }
        }
        self.refreshing.set(false);
        result
    }

    async fn fetch_all(self, client: Client) -> Result<(), ApiError> {
        let traveler = client.traveler().await?;
        cache::save_traveler(&traveler);
        self.traveler.set(Some(traveler));

        let mut first_error = None;
        for endpoint in self.endpoints() {
            match client.addons(&endpoint.id).await {
                Ok(snapshot) => {
                    cache::save_addons(&snapshot);
                    self.snapshots.update(|all| {
                        all.insert(snapshot.endpoint_id.clone(), snapshot);
                    });
                }
                Err(error) => {
                    first_error.get_or_insert(error);
                }
            }
        }
        first_error.map_or(Ok(()), Err)
    }
}
