use addon_usage_core::correlate::correlate;
use addon_usage_core::model::{AddonsSnapshot, Endpoint, Purchase};
use addon_usage_core::status::{governing_deadline, instance_status, Status};
use leptos::prelude::*;

use crate::components::{local_time, AddonCard, ErrorNotice, LoadingNotice};
use crate::config::WidgetConfig;
use crate::{api, cache};

/// Order on screen: what can be used now, then what is spent but still running, then
/// what comes next, then history.
fn group_rank(status: Status) -> u8 {
    match status {
        Status::Active => 0,
        Status::UsedUp => 1,
        Status::Scheduled => 2,
        Status::NotStarted => 3,
        Status::Expired => 4,
    }
}

/// One endpoint (eSIM): its cached add-ons at once, then the proxy's fresh answer.
#[component]
pub fn EndpointSection(endpoint: Endpoint, purchases: Vec<Purchase>) -> impl IntoView {
    let config = use_context::<WidgetConfig>().unwrap_or_default();
    let endpoint_id = endpoint.id.clone();
    let cached = RwSignal::new(cache::load_addons(&endpoint_id));

    let fresh = LocalResource::new({
        let (base, id) = (config.api_base.clone(), endpoint_id.clone());
        move || {
            let (base, id) = (base.clone(), id.clone());
            async move {
                let answer = api::fetch_addons(&base, &id).await;
                match &answer {
                    Ok(snapshot) => cache::save_addons(snapshot),
                    Err(error) => web_sys::console::warn_1(
                        &format!("addon-usage: add-ons of endpoint {id}: {error}").into(),
                    ),
                }
                answer
            }
        }
    });
    let shown = Memo::new(move |_| match fresh.get() {
        Some(Ok(snapshot)) => Some(snapshot),
        _ => cached.get(),
    });
    let error = Memo::new(move |_| match fresh.get() {
        Some(Err(error)) => Some(error.for_traveler()),
        _ => None,
    });
    let heading_id = format!("endpoint-{endpoint_id}-heading");
    let labelled_by = heading_id.clone();
    let units = config.units;

    let cards = move || {
        shown.get().map(|snapshot: AddonsSnapshot| {
            let now = chrono::Utc::now();
            let matches = correlate(&snapshot.endpoint_id, &snapshot.instances, &purchases);
            let mut order: Vec<usize> = (0..snapshot.instances.len()).collect();
            order.sort_by_key(|&i| {
                let instance = &snapshot.instances[i];
                let deadline = governing_deadline(instance, now).map(|d| d.at());
                (
                    group_rank(instance_status(instance, now)),
                    deadline.is_none(),
                    deadline,
                )
            });
            if order.is_empty() {
                return view! { <p class="empty">"No add-ons on this eSIM yet."</p> }.into_any();
            }
            order
                .into_iter()
                .map(|i| {
                    let instance = snapshot.instances[i].clone();
                    let title = matches.purchase_of[i]
                        .map(|p| purchases[p].product_name.clone())
                        .unwrap_or_else(|| instance.plan_name.clone());
                    view! { <AddonCard instance title units /> }
                })
                .collect_view()
                .into_any()
        })
    };

    view! {
        <section class="endpoint" data-endpoint-id=endpoint_id aria-labelledby=labelled_by>
            <header class="endpoint-head">
                <h2 id=heading_id>{endpoint.label}</h2>
                {move || shown.get().map(|s| view! {
                    <p class="as-of" data-testid="as-of">
                        {format!("As of {}", local_time(s.fetched_at))}
                    </p>
                })}
            </header>
            {move || error.get().map(|message| view! {
                <ErrorNotice message on_retry=Callback::new(move |_| fresh.refetch()) />
            })}
            {move || (shown.get().is_none() && fresh.get().is_none())
                .then(|| view! { <LoadingNotice text="Loading your add-ons…" /> })}
            <div class="addon-grid">{cards}</div>
        </section>
    }
}
