use leptos::prelude::*;

use crate::components::{EndpointSection, ErrorNotice, LoadingNotice};
use crate::config::WidgetConfig;
use crate::{api, cache};

/// Every endpoint (eSIM) of the traveler with its add-ons.
#[component]
pub fn OverviewPage() -> impl IntoView {
    let config = use_context::<WidgetConfig>().unwrap_or_default();
    let cached = cache::load_traveler();
    let traveler = LocalResource::new(move || {
        let base = config.api_base.clone();
        async move {
            let answer = api::fetch_traveler(&base).await;
            match &answer {
                Ok(traveler) => cache::save_traveler(traveler),
                Err(error) => {
                    web_sys::console::warn_1(&format!("addon-usage: traveler: {error}").into())
                }
            }
            answer
        }
    });
    let shown = Memo::new(move |_| match traveler.get() {
        Some(Ok(fresh)) => Some(fresh),
        _ => cached.clone(),
    });
    let error = Memo::new(move |_| match traveler.get() {
        Some(Err(error)) => Some(error.for_traveler()),
        _ => None,
    });

    view! {
        <main class="overview">
            <h1 class="overview-title">"Your add-ons"</h1>
            {move || error.get().map(|message| view! {
                <ErrorNotice message on_retry=Callback::new(move |_| traveler.refetch()) />
            })}
            {move || match shown.get() {
                None if error.get().is_none() => {
                    view! { <LoadingNotice text="Loading your eSIMs…" /> }.into_any()
                }
                None => ().into_any(),
                Some(t) => t
                    .endpoints
                    .into_iter()
                    .map(|endpoint| {
                        let purchases = t.purchases.clone();
                        view! { <EndpointSection endpoint purchases /> }
                    })
                    .collect_view()
                    .into_any(),
            }}
        </main>
    }
}
