//! addon-usage: the widget a travel-eSIM portal embeds so a traveler sees, at a glance,
//! how much of each connectivity add-on is left, when it expires and which are active.
//!
//! Layout: [`element`] defines `<addon-usage>`, [`config`] reads its attributes, [`api`]
//! talks to the proxy, [`data`] holds what the widget knows, [`cache`] keeps it in
//! localStorage, [`clock`] is the one clock every countdown reads, [`routes`] moves between
//! views, [`components`] and [`pages`] render. Rules (status, deadlines, units,
//! correlation) live in the core crate.

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
pub mod routes;

use leptos::prelude::*;

use crate::api::Client;
use crate::components::RefreshBar;
use crate::config::WidgetConfig;
use crate::data::Data;
use crate::pages::{AddonPage, OverviewPage, PlanPage};
use crate::routes::{Navigator, View};

/// The whole widget for one traveler.
#[component]
pub fn App(config: WidgetConfig) -> impl IntoView {
    let now = clock::use_clock();
    let navigator = Navigator::start(config.route_mode.clone());
    let client = Client::new(&config);
    let data = Data::from_cache(config.endpoints.clone());
    let theme = config.theme.clone();
    provide_context(config);
    provide_context(now);
    provide_context(navigator.clone());
    provide_context(client);
    provide_context(data);

    leptos::task::spawn_local(async move {
        let _ = data.refresh(client).await;
    });

    view! {
        <div class="widget" data-theme=theme>
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

/// Registers `sw.js`, which keeps the page's own files for offline reloads. A failure
/// only costs offline reloads, so it is logged, not shown.
pub(crate) fn register_service_worker() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let promise = window.navigator().service_worker().register("sw.js");
    wasm_bindgen_futures::spawn_local(async move {
        if let Err(error) = wasm_bindgen_futures::JsFuture::from(promise).await {
            web_sys::console::warn_2(&"addon-usage: offline support unavailable".into(), &error);
        }
    });
}
