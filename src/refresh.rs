//! Drives the core refresh policy for one widget: turns page events (opening, the tab
//! becoming visible or hidden, going online or offline, another tab storing an answer,
//! the refresh button) into policy events, runs the fetches it orders, and arms the one
//! timer it asks for. Everything is released when the widget unmounts.

use addon_usage_core::policy::{step, ManualOutcome, RefreshConfig, RefreshEvent, RefreshState};
use addon_usage_core::store::{addons_slot, CacheKey};
use chrono::{Duration, Utc};
use gloo_timers::callback::Timeout;
use leptos::prelude::*;

use crate::api::Client;
use crate::data::Data;

/// The refresh driver of one widget, shared through context.
#[derive(Clone, Copy)]
pub struct Refresher {
    state: StoredValue<RefreshState, LocalStorage>,
    timer: StoredValue<Option<Timeout>, LocalStorage>,
    data: Data,
    client: Client,
    /// Whether the browser says it is online (for the offline banner).
    pub online: RwSignal<bool>,
    /// The answer to the last manual refresh, for the button's message.
    pub last_manual: RwSignal<Option<ManualOutcome>>,
}

impl Refresher {
    /// Starts the policy for `data` with an interval of `interval_minutes`.
    pub fn start(data: Data, client: Client, interval_minutes: u32) -> Self {
        let config = RefreshConfig {
            interval: Duration::minutes(interval_minutes.into()),
            ..RefreshConfig::default()
        };
        let visible = document_visible();
        let online = browser_online();
        let fetched_at = cached_reading(&data);
        let refresher = Self {
            state: StoredValue::new_local(RefreshState::new(config, fetched_at, visible, online)),
            timer: StoredValue::new_local(None),
            data,
            client,
            online: RwSignal::new(online),
            last_manual: RwSignal::new(None),
        };

        let on_visibility = window_event_listener_untyped("visibilitychange", move |_| {
            refresher.send(RefreshEvent::VisibilityChanged(document_visible()));
        });
        let on_online = window_event_listener(leptos::ev::online, move |_| {
            refresher.online.set(true);
            refresher.send(RefreshEvent::OnlineChanged(true));
        });
        let on_offline = window_event_listener(leptos::ev::offline, move |_| {
            refresher.online.set(false);
            refresher.send(RefreshEvent::OnlineChanged(false));
        });
        let on_storage = window_event_listener(leptos::ev::storage, move |event| {
            refresher.adopt(event.key());
        });
        on_cleanup(move || {
            on_visibility.remove();
            on_online.remove();
            on_offline.remove();
            on_storage.remove();
            refresher.timer.try_update_value(|timer| timer.take());
        });

        refresher.send(RefreshEvent::Opened);
        refresher
    }

    /// The traveler pressed refresh; says what happened.
    pub fn manual(self) -> ManualOutcome {
        let outcome = self
            .send(RefreshEvent::ManualRefresh)
            .unwrap_or(ManualOutcome::AlreadyRefreshing);
        self.last_manual.set(Some(outcome));
        outcome
    }

    /// Applies one event and carries out the decision.
    fn send(self, event: RefreshEvent) -> Option<ManualOutcome> {
        let jitter = js_sys::Math::random();
        // A fetch may end after the widget left the page: then there is nothing to do.
        let current = self.state.try_get_value()?;
        let (state, decision) = step(current, event, Utc::now(), jitter);
        self.state.try_set_value(state);

        let next = decision.next_check.map(|at| {
            let wait = (at - Utc::now())
                .num_milliseconds()
                .clamp(0, i64::from(u32::MAX)) as u32;
            Timeout::new(wait, move || {
                self.send(RefreshEvent::Tick);
            })
        });
        // Replacing the timer cancels the earlier one.
        self.timer.try_update_value(|timer| *timer = next);
        if decision.fetch {
            leptos::task::spawn_local(async move {
                let event = match self.data.refresh(self.client).await {
                    Ok(fetched_at) => RefreshEvent::FetchSucceeded { fetched_at },
                    Err(error) => RefreshEvent::FetchFailed {
                        retry_after: error.retry_after().map(|s| Duration::seconds(s as i64)),
                    },
                };
                self.send(event);
            });
        }
        decision.manual
    }

    /// Another tab stored something: adopt a fresher answer of one of our endpoints.
    fn adopt(self, key: Option<String>) {
        let Some(key) = key else {
            return;
        };
        let Some(cache) = self.data.cache.get_untracked() else {
            return;
        };
        let Some(parsed) = CacheKey::parse(&key) else {
            return;
        };
        let ours = CacheKey::parse(&cache.key("_")).is_some_and(|k| k.owner == parsed.owner);
        let endpoint = self
            .data
            .endpoints_untracked()
            .into_iter()
            .find(|e| addons_slot(&e.id) == parsed.what);
        if let (true, Some(endpoint)) = (ours, endpoint) {
            if let Some(fetched_at) = self.data.adopt_from_storage(&endpoint.id) {
                self.send(RefreshEvent::Adopted { fetched_at });
            }
        }
    }
}

/// The reading time of the cached data, for the policy: `None` (fetch now) when an
/// endpoint has no cached answer, or when a reading claims to be from the future (a clock
/// behind, or a simulator ahead) and so cannot be judged.
fn cached_reading(data: &Data) -> Option<chrono::DateTime<Utc>> {
    let endpoints = data.endpoints_untracked();
    data.snapshots.with_untracked(|snapshots| {
        let complete = endpoints.iter().all(|e| snapshots.contains_key(&e.id));
        let oldest = snapshots.values().map(|s| s.fetched_at).min()?;
        let believable = oldest <= Utc::now() + Duration::minutes(5);
        (complete && believable).then_some(oldest)
    })
}

fn document_visible() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .map(|d| d.visibility_state() != web_sys::VisibilityState::Hidden)
        .unwrap_or(true)
}

fn browser_online() -> bool {
    web_sys::window()
        .map(|w| w.navigator().on_line())
        .unwrap_or(true)
}
