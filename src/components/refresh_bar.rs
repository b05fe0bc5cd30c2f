use leptos::prelude::*;

use crate::api::Client;
use crate::clock::now_from_context;
use crate::components::{local_time, ErrorNotice};
use crate::data::Data;

/// Seconds between two refreshes the traveler asks for.
const MANUAL_COOLDOWN_SECS: i64 = 60;

/// The data's age, the refresh button, and what went wrong with the last refresh.
#[component]
pub fn RefreshBar() -> impl IntoView {
    let Some(data) = use_context::<Data>() else {
        return ().into_any();
    };
    let client = use_context::<Client>();
    let now = now_from_context().0;
    let (announcement, set_announcement) = signal(String::new());

    let cooling_down = move || {
        data.refreshed_at
            .get()
            .is_some_and(|at| (now.get() - at).num_seconds() < MANUAL_COOLDOWN_SECS)
    };
    let refresh = move |_| {
        let Some(client) = client else {
            return;
        };
        if data.refreshing.get_untracked() {
            return;
        }
        set_announcement.set("Refreshing…".into());
        leptos::task::spawn_local(async move {
            let text = match data.refresh(client).await {
                Ok(()) => "Updated just now.".to_owned(),
                Err(error) => error.for_traveler(),
            };
            set_announcement.set(text);
        });
    };
    let as_of = move || {
        data.oldest_reading()
            .map(|at| format!("As of {}", local_time(at)))
    };

    view! {
        <div class="refresh-bar">
            <p class="as-of" data-testid="as-of">{as_of}</p>
            <button
                type="button"
                class="button button--quiet"
                on:click=refresh
                disabled=move || data.refreshing.get() || cooling_down()
            >
                {move || if data.refreshing.get() { "Refreshing…" } else { "Refresh" }}
            </button>
            <p class="visually-hidden" role="status" aria-live="polite">{announcement}</p>
        </div>
        {move || data.problem.get().map(|message| view! { <ErrorNotice message /> })}
    }
    .into_any()
}
