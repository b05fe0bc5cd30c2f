//! addon-usage: the widget a travel-eSIM portal embeds so a traveler sees, at a glance,
//! how much of each connectivity add-on is left, when it expires and which are active.
//!
//! Layout: [`element`] defines `<addon-usage>`, [`config`] reads its attributes, [`api`]
//! talks to the proxy, [`data`] holds what the widget knows, [`cache`] keeps it in
//! localStorage, [`refresh`] decides when to ask again, [`clock`] is the one clock every
//! countdown reads, [`routes`] moves between views, [`components`] and [`pages`] render.
//! Rules (status, deadlines, units, correlation, forecasts, refresh policy) live in the
//! core crate.

pub mod api;
pub mod cache;
pub mod clock;
pub mod components;
pub mod config;
pub mod data;
pub mod element;
pub mod format;
pub mod i18n;
pub mod pages;
pub mod refresh;
pub mod routes;

use leptos::prelude::*;

use addon_usage_core::warnings::Thresholds;

use crate::api::Client;
use crate::cache::Cache;
use crate::components::RefreshBar;
use crate::config::WidgetConfig;
use crate::data::Data;
use crate::pages::{AddonPage, OverviewPage, PlanPage};
use crate::refresh::Refresher;
use crate::routes::{Navigator, View};

/// The whole widget for one traveler.
#[component]
pub fn App(config: WidgetConfig) -> impl IntoView {
    let now = clock::use_clock();
    let navigator = Navigator::start(config.route_mode.clone());
    let client = Client::new(&config);
    let data = Data::new(config.endpoints.clone());
    if let Ok(defaults) = Thresholds::new(config.warn_low.into(), config.warn_very_low.into()) {
        data.thresholds.set(defaults);
    }
    let refresh_minutes = config.refresh_minutes;
    let known_traveler = config
        .traveler
        .clone()
        .or_else(|| config.token.as_deref().and_then(cache::token_subject));
    let theme = config.theme.clone();
    let locale = i18n::resolve_locale(config.locale.as_deref());
    let lang = locale.tag.clone();
    let title = i18n::t(&locale, i18n::Msg::YourAddons);
    provide_context(locale);
    provide_context(config);
    provide_context(now);
    provide_context(navigator.clone());
    provide_context(client);
    provide_context(data);

    // The cache is per traveler: show it at once when the page says who the traveler is,
    // else as soon as the token does. Only then may the policy decide to fetch.
    let refresher = RwSignal::new(None::<Refresher>);
    let start = move |traveler: String| {
        data.adopt_cache(Cache::new(&traveler));
        refresher.set(Some(Refresher::start(data, client, refresh_minutes)));
    };
    match known_traveler {
        Some(traveler) => start(traveler),
        None => leptos::task::spawn_local(async move {
            match client.token_subject().await {
                Ok(traveler) => start(traveler.unwrap_or_else(|| "anonymous".into())),
                Err(error) => data.problem.set(Some(error)),
            }
        }),
    }
    provide_context(refresher);

    view! {
        <div class="widget" data-theme=theme lang=lang>
            <h2 class="widget-title">{title}</h2>
            <RefreshBar />
            {move || match navigator.current() {
                View::Overview => view! { <OverviewPage /> }.into_any(),
                View::Addon { endpoint, unique_id } => {
                    view! { <AddonPage endpoint unique_id /> }.into_any()
                }
                View::Plan { endpoint, addon_id } => {
                    view! { <PlanPage endpoint addon_id /> }.into_any()
                }
            }}
        </div>
    }
}

/// Defines the `<addon-usage>` element; called once when the module loads.
pub fn start() {
    element::define();
}

/// Registers the service worker at `script` (`sw.js` beside the page's files), which keeps
/// them for offline reloads. A failure only costs offline reloads, so it is logged, not
/// shown.
pub(crate) fn register_service_worker(script: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let promise = window.navigator().service_worker().register(script);
    wasm_bindgen_futures::spawn_local(async move {
        if let Err(error) = wasm_bindgen_futures::JsFuture::from(promise).await {
            web_sys::console::warn_2(&"addon-usage: offline support unavailable".into(), &error);
        }
    });
}
