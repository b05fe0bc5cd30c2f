use addon_usage_core::model::{AddonInstance, Counter, CounterAction};
use addon_usage_core::status::{benefit_expired, governing_deadline, instance_status, Deadline};
use addon_usage_core::units::{format_bytes, kind_label};
use leptos::prelude::*;

use crate::clock::now_from_context;
use crate::components::{
    widget_config, BenefitBar, Countdown, StatusBadge, UsageChart, WarningList, ZonedTime,
};
use crate::data::Data;
use crate::pages::locate;
use crate::routes::{View, ViewLink};

/// One add-on in full: every benefit, plan and benefit validity side by side with the
/// one that governs marked, its counters, and the purchase it came from.
#[component]
pub fn AddonPage(endpoint: String, unique_id: String) -> impl IntoView {
    let data = use_context::<Data>().unwrap_or_else(|| Data::new(Vec::new()));
    let now = now_from_context().0;
    let units = widget_config().units;
    let zone_override = widget_config().sft_time_zone;
    let (ep, id) = (endpoint.clone(), unique_id.clone());
    let found = Memo::new(move |_| {
        let snapshot = data.snapshots.with(|s| s.get(&ep).cloned());
        locate(snapshot, &data.purchases(), &id).map(|l| {
            (
                zone_override.clone().unwrap_or(l.snapshot.sft_time_zone),
                l.instance,
                l.purchase,
            )
        })
    });

    view! {
        <div class="detail">
            <ViewLink to=View::Overview class="back-link">"← All add-ons"</ViewLink>
            {move || match found.get() {
                None => view! {
                    <p class="empty">"This add-on is not on this eSIM any more. It may have ended and been removed."</p>
                }.into_any(),
                Some((zone, instance, purchase)) => {
                    let title = purchase.as_ref().map(|p| p.product_name.clone())
                        .unwrap_or_else(|| instance.plan_name.clone());
                    let probe = instance.clone();
                    let status = Signal::derive(move || instance_status(&probe, now.get()));
                    let probe = instance.clone();
                    let deadline = Memo::new(move |_| governing_deadline(&probe, now.get()));
                    let plan_link = View::Plan { endpoint: endpoint.clone(), addon_id: instance.addon_id.clone() };
                    let benefits = instance.benefits.iter().cloned().map(|benefit| {
                        let probe = benefit.clone();
                        let spent = Signal::derive(move || probe.remaining <= 0 || benefit_expired(&probe, now.get()));
                        view! { <BenefitBar benefit units own_expiry=None spent marker=None /> }
                    }).collect_view();
                    view! {
                        <article class="addon-detail" data-unique-id=instance.unique_id.clone()>
                            <header class="addon-card-head">
                                <h2 class="addon-name">{title}</h2>
                                <StatusBadge status />
                            </header>
                            <p class="addon-plan">{format!("SFT plan: {} (add-on {}, instance {})", instance.plan_name, instance.addon_id, instance.unique_id)}</p>
                            <div class="benefits">{benefits}</div>
                            <WarningList instance=instance.clone() endpoint=endpoint.clone() purchase=purchase.clone() />
                            {move || deadline.get().map(|deadline| view! { <Countdown deadline /> })}
                            <ValidityTable instance=instance.clone() zone=zone.clone() deadline=Signal::derive(move || deadline.get()) />
                            <section class="pace" aria-label="Pace and forecast">
                                <h3>"Pace and forecast"</h3>
                                {instance.benefits.iter().cloned().enumerate().map(|(index, benefit)| view! {
                                    <UsageChart endpoint=endpoint.clone() unique_id=instance.unique_id.clone() index benefit plan_expiry=instance.expires_at units />
                                }).collect_view()}
                            </section>
                            <CounterList counters=instance.counters.clone() units />
                            {purchase.map(|p| view! {
                                <section class="purchase" aria-label="Purchase">
                                    <h3>"Your purchase"</h3>
                                    <p>{format!("Order {} · {}", p.order_id, p.product_name)}</p>
                                    <p>"Bought " <ZonedTime instant=p.purchased_at sft_zone=zone.clone() /></p>
                                </section>
                            })}
                            <ViewLink to=plan_link class="plan-link">"Every purchase and renewal of this plan →"</ViewLink>
                        </article>
                    }.into_any()
                }
            }}
        </div>
    }
}

/// Plan and benefit validity side by side; the row whose end governs the card is
/// marked and the reason given.
#[component]
fn ValidityTable(
    instance: AddonInstance,
    zone: String,
    #[prop(into)] deadline: Signal<Option<Deadline>>,
) -> impl IntoView {
    let mut rows = vec![("Plan".to_owned(), instance.starts_at, instance.expires_at)];
    rows.extend(
        instance
            .benefits
            .iter()
            .map(|b| (kind_label(&b.kind).to_owned(), b.starts_at, b.expires_at)),
    );
    let governs = move |end: Option<chrono::DateTime<chrono::Utc>>| matches!(deadline.get(), Some(Deadline::EndsAt(at)) | Some(Deadline::EndedAt(at)) if Some(at) == end);
    let plan_end = instance.expires_at;
    let explanation = move || {
        match deadline.get() {
        Some(Deadline::EndsAt(at)) if Some(at) != plan_end => {
            "The marked allowance ends before the plan does, so that is when this add-on stops being useful."
        }
        Some(Deadline::EndsAt(_)) | Some(Deadline::EndedAt(_)) => "The plan's end governs this add-on.",
        Some(Deadline::StartsAt(_)) => "This add-on has not started yet.",
        None => "Validity starts when the eSIM first uses data.",
    }
    };
    let cell = move |at: Option<chrono::DateTime<chrono::Utc>>, zone: String| match at {
        Some(instant) => view! { <ZonedTime instant sft_zone=zone /> }.into_any(),
        None => view! { <span>"Not set yet"</span> }.into_any(),
    };

    view! {
        <section class="validity" aria-label="Validity">
            <h3>"Validity"</h3>
            <table class="validity-table">
                <thead><tr><th scope="col">"Allowance"</th><th scope="col">"Starts"</th><th scope="col">"Ends"</th></tr></thead>
                <tbody>
                    {rows.into_iter().map(|(name, start, end)| {
                        let zone = zone.clone();
                        view! {
                            <tr class:governs=move || governs(end)>
                                <th scope="row">
                                    {name}
                                    {move || governs(end).then(|| view! { <span class="governs-mark">" (governs)"</span> })}
                                </th>
                                <td>{cell(start, zone.clone())}</td>
                                <td>{cell(end, zone)}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            <p class="validity-note">{explanation}</p>
        </section>
    }
}

/// The counters as sentences.
#[component]
fn CounterList(
    counters: Vec<Counter>,
    units: addon_usage_core::units::UnitSystem,
) -> impl IntoView {
    if counters.is_empty() {
        return ().into_any();
    }
    let sentence = move |c: &Counter| {
        let left = format_bytes((c.threshold_bytes - c.current_bytes).max(0), units);
        let limit = format_bytes(c.threshold_bytes, units);
        let period = match c.frequency.as_deref() {
            Some("Daily") => " today",
            Some("Monthly") => " this month",
            _ => "",
        };
        let then = match &c.action {
            CounterAction::Throttle { kbps } => format!("speed drops to {kbps} kbps"),
            CounterAction::Block => "data stops".into(),
            CounterAction::Redirect => "you are asked to buy more".into(),
            CounterAction::Default => "use is charged outside the bundle".into(),
            CounterAction::Other { text } => text.clone(),
        };
        if c.current_bytes >= c.threshold_bytes {
            format!("{limit} limit reached{period}: {then}.")
        } else {
            format!("{left} left{period} before {then} (limit {limit}).")
        }
    };
    view! {
        <section class="counters" aria-label="Limits">
            <h3>"Limits"</h3>
            <ul>{counters.iter().map(|c| view! { <li>{sentence(c)}</li> }).collect_view()}</ul>
        </section>
    }
    .into_any()
}
