use addon_usage_core::correlate::{correlate_all, CorrelateOptions};
use addon_usage_core::status::instance_status;
use leptos::prelude::*;

use crate::clock::now_from_context;
use crate::components::{around_slot, locale, widget_config, StatusBadge, ZonedTime, SLOT};
use crate::data::Data;
use crate::i18n::{t, Msg};
use crate::routes::{View, ViewLink};

/// Every instance of one add-on plan on an endpoint as a timeline: what was bought, what
/// renewed, what runs now and what waits.
#[component]
pub fn PlanPage(endpoint: String, addon_id: String) -> impl IntoView {
    let data = use_context::<Data>().unwrap_or_else(|| Data::new(Vec::new()));
    let now = now_from_context().0;
    let zone_override = widget_config().sft_time_zone;
    let locale = StoredValue::new(locale());
    let say = move |msg: Msg<'_>| locale.with_value(|l| t(l, msg));
    let from = around_slot(&say(Msg::FromTime { time: SLOT }));
    let until = around_slot(&say(Msg::UntilTime { time: SLOT }));
    let (ep, plan) = (endpoint.clone(), addon_id.clone());
    let timeline = Memo::new(move |_| {
        let snapshot = data.snapshots.with(|s| s.get(&ep).cloned())?;
        let purchases = data.purchases();
        let links = correlate_all(
            &snapshot.endpoint_id,
            &snapshot.instances,
            &purchases,
            chrono::Utc::now(),
            &CorrelateOptions::default(),
        );
        let mut rows: Vec<_> = snapshot
            .instances
            .iter()
            .enumerate()
            .filter(|(_, i)| i.addon_id == plan)
            .map(|(index, i)| {
                let link = links.iter().find(|c| c.instance == Some(index));
                let purchase = link.and_then(|c| c.purchase).map(|p| purchases[p].clone());
                let renewal = link.and_then(|c| c.renewal_number).unwrap_or(1);
                (i.clone(), purchase, renewal)
            })
            .collect();
        rows.sort_by_key(|(i, _, _)| (i.starts_at.is_none(), i.starts_at));
        Some((
            zone_override.clone().unwrap_or(snapshot.sft_time_zone),
            rows,
        ))
    });

    view! {
        <div class="plan-history">
            <ViewLink to=View::Overview class="back-link">{say(Msg::BackToAll)}</ViewLink>
            <h2>{say(Msg::PlanHistory)}</h2>
            {move || match timeline.get() {
                None => view! { <p class="empty">{say(Msg::NothingForPlan)}</p> }.into_any(),
                Some((zone, rows)) => {
                    let name = rows.first().map(|(i, _, _)| i.plan_name.clone()).unwrap_or_default();
                    view! {
                        <p class="addon-plan">{say(Msg::PlanHeading { plan: &name, addon: &addon_id })}</p>
                        <ol class="timeline">
                            {rows.into_iter().map(|(instance, purchase, renewal)| {
                                let probe = instance.clone();
                                let status = Signal::derive(move || instance_status(&probe, now.get()));
                                // Numbered like the cards: the first renewal is "Renewal 1".
                                let label = match (&purchase, renewal) {
                                    (_, n) if n > 1 => say(Msg::Renewal { number: n - 1 }),
                                    (Some(p), _) => say(Msg::BoughtAs { product: &p.product_name, order: &p.order_id }),
                                    (None, _) => say(Msg::AddedByOperator),
                                };
                                let ((from_before, from_after), (until_before, until_after)) = (from.clone(), until.clone());
                                let link = View::Addon { endpoint: endpoint.clone(), unique_id: instance.unique_id.clone() };
                                view! {
                                    <li class="timeline-item" data-unique-id=instance.unique_id.clone()>
                                        <StatusBadge status />
                                        <ViewLink to=link>{label}</ViewLink>
                                        <p>
                                            {instance.starts_at.map(|at| view! { {from_before} <ZonedTime instant=at sft_zone=zone.clone() /> {from_after} })}
                                            {instance.expires_at.map(|at| view! { " " {until_before} <ZonedTime instant=at sft_zone=zone.clone() /> {until_after} })}
                                            {instance.starts_at.is_none().then(|| say(Msg::StatusNotStarted))}
                                        </p>
                                    </li>
                                }
                            }).collect_view()}
                        </ol>
                    }.into_any()
                }
            }}
        </div>
    }
}
