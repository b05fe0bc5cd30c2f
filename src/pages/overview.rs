use leptos::prelude::*;

use crate::components::{locale, EndpointSection, LoadingNotice, SettingsPanel};
use crate::data::Data;
use crate::i18n::{t, Msg};

/// Every endpoint (eSIM) of the traveler with its add-ons.
#[component]
pub fn OverviewPage() -> impl IntoView {
    let data = use_context::<Data>().unwrap_or_else(|| Data::new(Vec::new()));
    let endpoints = Memo::new(move |_| data.endpoints());
    let locale = StoredValue::new(locale());
    let say = move |msg: Msg<'_>| locale.with_value(|l| t(l, msg));

    view! {
        <div class="overview">
            {move || {
                let endpoints = endpoints.get();
                if endpoints.is_empty() {
                    return match data.traveler.get() {
                        None if data.problem.get().is_none() => {
                            view! { <LoadingNotice text=say(Msg::LoadingEsims) /> }.into_any()
                        }
                        None => ().into_any(),
                        Some(_) => view! {
                            <p class="empty">{say(Msg::NoEsims)}</p>
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
