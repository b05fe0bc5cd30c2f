use leptos::prelude::*;

use crate::components::locale;
use crate::i18n::{t, Msg};

/// Shown while the first answer is on its way and nothing is cached.
#[component]
pub fn LoadingNotice(#[prop(into)] text: String) -> impl IntoView {
    view! {
        <p class="notice notice--loading" data-testid="loading" role="status">
            <span class="spinner" aria-hidden="true"></span>
            {text}
        </p>
    }
}

/// A problem the traveler should know about, with what to do next.
#[component]
pub fn ErrorNotice(
    #[prop(into)] message: String,
    /// Offered as a "Try again" button when given.
    #[prop(optional)]
    on_retry: Option<Callback<()>>,
) -> impl IntoView {
    let try_again = t(&locale(), Msg::TryAgain);

    view! {
        <div class="notice notice--error" role="alert">
            <p>{message}</p>
            {on_retry.map(|retry| view! {
                <button type="button" class="button" on:click=move |_| retry.run(())>
                    {try_again}
                </button>
            })}
        </div>
    }
}
