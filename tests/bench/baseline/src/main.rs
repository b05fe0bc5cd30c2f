//! The size baseline: one list fetched as JSON, dates formatted with chrono, a clock
//! ticking once a second, the last answer kept in localStorage. Just enough to pull in
//! each dependency the widget uses, so that the difference to the widget is its own code.

use std::time::Duration;

use chrono::{DateTime, Utc};
use gloo_net::http::Request;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One item of the list.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Item {
    name: String,
    remaining: i64,
    expires_at: Option<DateTime<Utc>>,
}

/// Why the list could not be shown.
#[derive(Clone, Debug, thiserror::Error)]
enum LoadError {
    #[error("request failed: {0}")]
    Request(String),
    #[error("HTTP {0}")]
    Status(u16),
}

async fn load() -> Result<Vec<Item>, LoadError> {
    // Lets the loading text paint before the request starts.
    gloo_timers::future::TimeoutFuture::new(0).await;
    let response = Request::get("/api/items")
        .send()
        .await
        .map_err(|e| LoadError::Request(e.to_string()))?;
    if !response.ok() {
        return Err(LoadError::Status(response.status()));
    }
    let items: Vec<Item> = response
        .json()
        .await
        .map_err(|e| LoadError::Request(e.to_string()))?;
    if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        if let Ok(text) = serde_json::to_string(&items) {
            let _ = storage.set_item("bench-baseline", &text);
        }
    }
    Ok(items)
}

#[component]
fn App() -> impl IntoView {
    let (now, set_now) = signal(Utc::now());
    let ticker = set_interval_with_handle(move || set_now.set(Utc::now()), Duration::from_secs(1));
    if let Ok(handle) = ticker {
        on_cleanup(move || handle.clear());
    }
    let items = LocalResource::new(load);

    view! {
        <p>{move || now.get().format("%H:%M:%S").to_string()}</p>
        <Suspense fallback=|| view! { <p>"Loading"</p> }>
            {move || items.get().map(|result| match result {
                Ok(items) => view! {
                    <ul>
                        {items.into_iter().map(|item| view! {
                            <li>
                                {item.name} " " {item.remaining} " "
                                {item.expires_at.map(|at| (at - now.get()).num_minutes())}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any(),
                Err(error) => {
                    web_sys::console::error_1(&error.to_string().into());
                    view! { <p role="alert">{error.to_string()}</p> }.into_any()
                }
            })}
        </Suspense>
    }
}

fn main() {
    console_error_panic_hook::set_once();
    mount_to_body(App);
}
