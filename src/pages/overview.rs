use leptos::prelude::*;

use crate::components::{EndpointSection, LoadingNotice, SettingsPanel};
use crate::data::Data;

/// Every endpoint (eSIM) of the traveler with its add-ons.
#[component]
pub fn OverviewPage() -> impl IntoView {
    let data = use_context::<Data>().unwrap_or_else(|| Data::new(Vec::new()));
    let endpoints = Memo::new(move |_| data.endpoints());

    view! {
        <div class="overview">
            <h2 class="widget-title">"Your add-ons"</h2>
            {move || {
                let endpoints = endpoints.get();
                if endpoints.is_empty() {
                    return match data.traveler.get() {
                        None if data.problem.get().is_none() => {
                            view! { <LoadingNotice text="Loading your eSIMs…" /> }.into_any()
                        }
                        None => ().into_any(),
                        Some(_) => view! {
                            <p class="empty">"You have no eSIMs with add-ons yet."</p>
                        }
                        .into_any(),
                    };
                }
                endpoints
                    .into_iter()
                    .map(|endpoint| view! { <EndpointSection endpoint /> })
                    .collect_view()
                    .into_any()
            }}
            <SettingsPanel />
        </div>
    }
}
