use addon_usage_core::policy::{ManualOutcome, Refusal};
use leptos::prelude::*;

use crate::clock::now_from_context;
use crate::components::{local_time, ErrorNotice};
use crate::data::Data;
use crate::refresh::Refresher;

/// The slot remembering that the traveler read the note on late figures.
const LAG_NOTE_SLOT: &str = "lag-note-read";

/// The data's age, the offline banner, the refresh button with its answer, the one-time
/// note on late figures, and what went wrong with the last refresh.
#[component]
pub fn RefreshBar() -> impl IntoView {
    let Some(data) = use_context::<Data>() else {
        return ().into_any();
    };
    let refresher = use_context::<RwSignal<Option<Refresher>>>();
    let now = now_from_context().0;
    let (message, set_message) = signal(String::new());
    let online = move || {
        refresher
            .and_then(|r| r.get())
            .is_none_or(|r| r.online.get())
    };
    let lag_note_read = RwSignal::new(true);
    Effect::new(move |_| {
        if let Some(cache) = data.cache.get() {
            lag_note_read.set(cache.load::<bool>(LAG_NOTE_SLOT).unwrap_or(false));
        }
    });

    let refresh = move |_| {
        let Some(refresher) = refresher.and_then(|r| r.get_untracked()) else {
            return;
        };
        let text = match refresher.manual() {
            ManualOutcome::Started | ManualOutcome::AlreadyRefreshing => String::new(),
            ManualOutcome::Refused(Refusal::CoolingDown { allowed_at }) => {
                let wait = (allowed_at - now.get_untracked()).num_seconds().max(1);
                format!("Updated just now. You can refresh again in {wait} s.")
            }
            ManualOutcome::Refused(Refusal::ServerAskedToWait { allowed_at }) => {
                let wait = (allowed_at - now.get_untracked()).num_seconds().max(1);
                format!("The usage service asked us to wait. Try again in {wait} s.")
            }
            ManualOutcome::Refused(Refusal::Offline) => {
                "You're offline. We'll refresh when you're back online.".into()
            }
        };
        set_message.set(text);
    };
    // Announce the end of a refresh the traveler asked for.
    Effect::new(move |was_refreshing: Option<bool>| {
        let refreshing = data.refreshing.get();
        let asked = refresher
            .and_then(|r| r.get_untracked())
            .is_some_and(|r| r.last_manual.get_untracked() == Some(ManualOutcome::Started));
        if was_refreshing == Some(true) && !refreshing && asked {
            let text = match data.problem.get_untracked() {
                None => "Updated just now.".to_owned(),
                Some(problem) => problem,
            };
            set_message.set(text);
        }
        refreshing
    });
    let as_of = move || {
        data.oldest_reading()
            .map(|at| format!("As of {}", local_time(at)))
    };
    let dismiss = move |_| {
        lag_note_read.set(true);
        if let Some(cache) = data.cache.get_untracked() {
            cache.save(LAG_NOTE_SLOT, &true);
        }
    };

    view! {
        <Show when=move || !online()>
            <p class="notice notice--offline" role="status">
                {move || match data.oldest_reading() {
                    Some(at) => format!("You're offline. Showing figures as of {}.", local_time(at)),
                    None => "You're offline. Your add-ons will show when you're back online.".into(),
                }}
            </p>
        </Show>
        <div class="refresh-bar">
            <p class="as-of" data-testid="as-of">{as_of}</p>
            <button type="button" class="button button--quiet" on:click=refresh disabled=move || data.refreshing.get()>
                {move || if data.refreshing.get() { "Refreshing…" } else { "Refresh" }}
            </button>
        </div>
        <p class="refresh-message" role="status" aria-live="polite">{message}</p>
        <Show when=move || !lag_note_read.get() && data.oldest_reading().is_some()>
            <div class="notice notice--info">
                <p>"Usage is counted after your traffic is rated, so figures can lag by up to a few hours."</p>
                <button type="button" class="button button--quiet" on:click=dismiss>"Got it"</button>
            </div>
        </Show>
        {move || data.problem.get().map(|message| view! { <ErrorNotice message /> })}
    }
    .into_any()
}
