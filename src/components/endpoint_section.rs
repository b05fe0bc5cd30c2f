use addon_usage_core::correlate::{correlate_all, CorrelateOptions, CorrelationKind};
use addon_usage_core::model::{AddonInstance, Endpoint};
use addon_usage_core::status::{governing_deadline, instance_status, Status};
use chrono::{DateTime, Utc};
use leptos::prelude::*;

use crate::components::{
    local_date_time, locale, widget_config, AddonCard, LoadingNotice, SummaryLine,
};
use crate::data::Data;
use crate::i18n::{t, Msg};

/// Where a card goes on the overview.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Group {
    /// Usable now, or used up but still within its validity.
    Current,
    /// Scheduled, or starting on first use.
    Waiting,
    /// Expired: history.
    Ended,
}

fn group_of(status: Status) -> Group {
    match status {
        Status::Active | Status::UsedUp => Group::Current,
        Status::Scheduled | Status::NotStarted => Group::Waiting,
        Status::Expired => Group::Ended,
    }
}

/// Active before used up, then by deadline (soonest first, none last).
fn order_key(instance: &AddonInstance, now: DateTime<Utc>) -> (u8, bool, Option<DateTime<Utc>>) {
    let deadline = governing_deadline(instance, now).map(|d| d.at());
    let used_up = instance_status(instance, now) == Status::UsedUp;
    (u8::from(used_up), deadline.is_none(), deadline)
}

/// One endpoint (eSIM): a summary, then its add-ons in three groups.
#[component]
pub fn EndpointSection(endpoint: Endpoint) -> impl IntoView {
    let data = use_context::<Data>().unwrap_or_else(|| Data::new(Vec::new()));
    let minute = crate::clock::minute_from_context();
    let units = widget_config().units;
    let locale = StoredValue::new(locale());
    let say = move |msg: Msg<'_>| locale.with_value(|l| t(l, msg));
    let id = endpoint.id.clone();
    let snapshot = Memo::new(move |_| data.snapshots.with(|s| s.get(&id).cloned()));
    let heading_id = format!("endpoint-{}-heading", endpoint.id);
    let labelled_by = heading_id.clone();

    // Status changes with time, so the grouping is recomputed on the clock; the cards
    // themselves are only rebuilt when the membership of a group changes.
    let group = move |wanted: Group| {
        Memo::new(move |_| {
            let at = minute.get();
            snapshot.with(|s| {
                let Some(s) = s else { return Vec::new() };
                let mut members: Vec<&AddonInstance> = s
                    .instances
                    .iter()
                    .filter(|i| group_of(instance_status(i, at)) == wanted)
                    .collect();
                members.sort_by_key(|i| order_key(i, at));
                members
                    .into_iter()
                    .map(|i| i.unique_id.clone())
                    .collect::<Vec<_>>()
            })
        })
    };
    let correlation = Memo::new(move |_| {
        let purchases = data.purchases();
        snapshot.with(|s| {
            s.as_ref().map(|s| {
                correlate_all(
                    &s.endpoint_id,
                    &s.instances,
                    &purchases,
                    Utc::now(),
                    &CorrelateOptions::default(),
                )
            })
        })
    });
    let cards = move |ids: Vec<String>| {
        let (Some(s), Some(links)) = (snapshot.get(), correlation.get()) else {
            return ().into_any();
        };
        let purchases = data.purchases();
        ids.into_iter()
            .filter_map(|id| s.instances.iter().position(|i| i.unique_id == id))
            .map(|index| {
                let instance = s.instances[index].clone();
                let link = links.iter().find(|c| c.instance == Some(index));
                let purchase = link.and_then(|c| c.purchase).map(|p| purchases[p].clone());
                let renewal = link.and_then(|c| c.renewal_number);
                let title = purchase
                    .as_ref()
                    .map(|p| p.product_name.clone())
                    .unwrap_or_else(|| instance.plan_name.clone());
                let endpoint = s.endpoint_id.clone();
                let purchase_for_card = purchase.clone();
                view! {
                    <AddonCard instance title units endpoint purchase=purchase_for_card renewal read_at=s.fetched_at />
                }
            })
            .collect_view()
            .into_any()
    };
    let setting_up = Memo::new(move |_| {
        let purchases = data.purchases();
        correlation
            .get()
            .unwrap_or_default()
            .into_iter()
            .filter(|c| c.kind == CorrelationKind::SettingUp)
            .filter_map(|c| c.purchase.map(|p| purchases[p].clone()))
            .collect::<Vec<_>>()
    });
    let (current, waiting, ended) = (
        group(Group::Current),
        group(Group::Waiting),
        group(Group::Ended),
    );

    view! {
        <section class="endpoint" data-endpoint-id=endpoint.id.clone() aria-labelledby=labelled_by>
            <h3 class="endpoint-name" id=heading_id>{endpoint.label}</h3>
            {move || snapshot.get().map(|s| {
                let stale = s.stale.then(|| format!(" {}", say(Msg::StaleFigures)));
                let time = local_date_time(s.fetched_at);
                view! {
                    <p class="endpoint-as-of" class:stale=s.stale>
                        {say(Msg::FiguresAsOf { time: &time })}
                        {stale}
                    </p>
                }
            })}
            {move || match snapshot.get() {
                None => view! { <LoadingNotice text=say(Msg::LoadingAddons) /> }.into_any(),
                Some(s) if s.instances.is_empty() => {
                    view! { <p class="empty">{say(Msg::NoAddonsOnEsim)}</p> }.into_any()
                }
                Some(_) => view! { <SummaryLine snapshot /> }.into_any(),
            }}
            <Show when=move || !current.get().is_empty()>
                <h4 class="group-title">{say(Msg::GroupActive)}</h4>
                <div class="addon-grid">{move || cards(current.get())}</div>
            </Show>
            <Show when=move || !setting_up.get().is_empty()>
                <h4 class="group-title">{say(Msg::BeingSetUp)}</h4>
                <ul class="setting-up">
                    {move || setting_up.get().into_iter().map(|p| view! {
                        <li>{say(Msg::BeingActivated { product: &p.product_name })}</li>
                    }).collect_view()}
                </ul>
            </Show>
            <Show when=move || !waiting.get().is_empty()>
                <h4 class="group-title">{say(Msg::GroupWaiting)}</h4>
                <div class="addon-grid">{move || cards(waiting.get())}</div>
            </Show>
            <Show when=move || !ended.get().is_empty()>
                <details class="history">
                    <summary>{move || {
                        let count = u32::try_from(ended.get().len()).unwrap_or(u32::MAX);
                        say(Msg::GroupEnded { count })
                    }}</summary>
                    <div class="addon-grid">{move || cards(ended.get())}</div>
                </details>
            </Show>
        </section>
    }
}
