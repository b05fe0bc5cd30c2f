use addon_usage_core::policy::{ManualOutcome, Refusal};
use leptos::prelude::*;

use crate::clock::now_from_context;
use crate::components::{local_time, locale, ErrorNotice};
use crate::data::Data;
use crate::i18n::{t, Msg};
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
    let locale = StoredValue::new(locale());
    let say = move |msg: Msg<'_>| locale.with_value(|l| t(l, msg));
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
        let wait = |allowed_at: chrono::DateTime<chrono::Utc>| {
            let seconds = (allowed_at - now.get_untracked()).num_seconds().max(1);
            u32::try_from(seconds).unwrap_or(u32::MAX)
        };
        let text = match refresher.manual() {
            ManualOutcome::Started | ManualOutcome::AlreadyRefreshing => String::new(),
            ManualOutcome::Refused(Refusal::CoolingDown { allowed_at }) => {
                let seconds = wait(allowed_at);
                let again = say(Msg::RefreshAgainIn { seconds });
                format!("{}. {again}.", say(Msg::UpdatedJustNow))
            }
            ManualOutcome::Refused(Refusal::ServerAskedToWait { allowed_at }) => {
                say(Msg::AskedToWait {
                    seconds: wait(allowed_at),
                })
            }
            ManualOutcome::Refused(Refusal::Offline) => say(Msg::OfflineRefreshLater),
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
                None => format!("{}.", say(Msg::UpdatedJustNow)),
                Some(problem) => locale.with_value(|l| problem.for_traveler(l)),
            };
            set_message.set(text);
        }
        refreshing
    });
    let as_of = move || {
        data.oldest_reading().map(|at| {
            say(Msg::AsOf {
                time: &local_time(at),
            })
        })
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
                    Some(at) => say(Msg::Offline { time: &local_time(at) }),
                    None => say(Msg::OfflineNothingYet),
                }}
            </p>
        </Show>
        <div class="refresh-bar">
            <p class="as-of" data-testid="as-of">{as_of}</p>
            <button type="button" class="button button--quiet" on:click=refresh disabled=move || data.refreshing.get()>
                {move || say(if data.refreshing.get() { Msg::Refreshing } else { Msg::Refresh })}
            </button>
        </div>
        <p class="refresh-message" role="status" aria-live="polite">{message}</p>
        <Show when=move || !lag_note_read.get() && data.oldest_reading().is_some()>
            <div class="notice notice--info">
                <p>{say(Msg::RatingLag)}</p>
                <button type="button" class="button button--quiet" on:click=dismiss>{say(Msg::GotIt)}</button>
            </div>
        </Show>
        {move || data.problem.get().map(|problem| {
            let message = locale.with_value(|l| problem.for_traveler(l));
            view! { <ErrorNotice message /> }
        })}
    }
    .into_any()
}
