//! addon-usage: the widget a travel-eSIM portal embeds so a traveler sees, at a glance,
//! how much of each connectivity add-on is left, when it expires and which are active.
//!
//! Layout: [`api`] talks to the proxy, [`cache`] keeps the last answers in localStorage,
//! [`clock`] is the one clock every countdown reads, [`components`] and [`pages`] render.
//! Rules (status, deadlines, units, correlation) live in the core crate.

pub mod api;
pub mod cache;
pub mod clock;
pub mod components;
pub mod config;
pub mod pages;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::config::WidgetConfig;
use crate::pages::OverviewPage;

/// The element id the standalone page mounts into.
pub const MOUNT_ID: &str = "addon-usage";

/// The whole widget for one traveler.
#[component]
pub fn App(config: WidgetConfig) -> impl IntoView {
    let now = clock::use_clock();
    provide_context(config);
    provide_context(now);

    view! {
        <div class="addon-usage">
            <OverviewPage />
        </div>
    }
}

/// Mounts the widget into `#addon-usage` (or the body) with the element's configuration,
/// and registers the service worker that keeps the page available offline.
pub fn mount() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let host = document.get_element_by_id(MOUNT_ID);
    let config = host
        .as_ref()
        .map(WidgetConfig::from_element)
        .unwrap_or_default();
    let parent = host
        .and_then(|h| h.dyn_into::<web_sys::HtmlElement>().ok())
        .or_else(|| document.body());
    let Some(parent) = parent else {
        web_sys::console::error_1(&"addon-usage: no element to mount into".into());
        return;
    };
    if config.offline_shell {
        register_service_worker();
    }

    leptos::mount::mount_to(parent, move || view! { <App config=config.clone() /> }).forget();
}

/// Registers `sw.js`, which keeps the page's own files for offline reloads. A failure
/// only costs offline reloads, so it is logged, not shown.
fn register_service_worker() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let container = window.navigator().service_worker();
    let promise = container.register("sw.js");
    wasm_bindgen_futures::spawn_local(async move {
        if let Err(error) = wasm_bindgen_futures::JsFuture::from(promise).await {
            web_sys::console::warn_2(&"addon-usage: offline support unavailable".into(), &error);
        }
    });
}
