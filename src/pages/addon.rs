use addon_usage_core::counters::counter_status;
use addon_usage_core::model::{AddonInstance, Counter, CounterAction};
use addon_usage_core::status::{benefit_expired, governing_deadline, instance_status, Deadline};
use addon_usage_core::units::UnitSystem;
use chrono::{DateTime, Utc};
use leptos::prelude::*;

use crate::clock::now_from_context;
use crate::components::{
    around_slot, limit_marker, locale, widget_config, BenefitBar, Countdown, StatusBadge,
    UsageChart, WarningList, ZonedTime, SLOT,
};
use crate::data::Data;
use crate::format;
use crate::i18n::{self, t, CounterOutcome, CounterPeriod, Locale, Msg};
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
    let locale = StoredValue::new(locale());
    let say = move |msg: Msg<'_>| locale.with_value(|l| t(l, msg));
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
            <ViewLink to=View::Overview class="back-link">{say(Msg::BackToAll)}</ViewLink>
            {move || match found.get() {
                None => view! { <p class="empty">{say(Msg::AddonGone)}</p> }.into_any(),
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
                        let marker = locale.with_value(|l| limit_marker(l, &instance, &benefit, chrono::Utc::now()));
                        view! { <BenefitBar benefit units own_expiry=None spent marker /> }
                    }).collect_view();
                    let plan = say(Msg::PlanDetails {
                        plan: &instance.plan_name,
                        addon: &instance.addon_id,
                        instance: &instance.unique_id,
                    });
                    let bought = around_slot(&say(Msg::Bought { when: SLOT }));
                    view! {
                        <article class="addon-detail" data-unique-id=instance.unique_id.clone()>
                            <header class="addon-card-head">
                                <h2 class="addon-name">{title.clone()}</h2>
                                <StatusBadge status />
                            </header>
                            <p class="addon-plan">{plan}</p>
                            <div class="benefits">{benefits}</div>
                            <WarningList instance=instance.clone() title=title.clone() endpoint=endpoint.clone() purchase=purchase.clone() />
                            {move || deadline.get().map(|deadline| view! { <Countdown deadline /> })}
                            <ValidityTable instance=instance.clone() zone=zone.clone() deadline=Signal::derive(move || deadline.get()) />
                            <section class="pace" aria-label=say(Msg::PaceAndForecast)>
                                <h3>{say(Msg::PaceAndForecast)}</h3>
                                {instance.benefits.iter().cloned().enumerate().map(|(index, benefit)| view! {
                                    <UsageChart endpoint=endpoint.clone() unique_id=instance.unique_id.clone() index benefit plan_expiry=instance.expires_at units />
                                }).collect_view()}
                            </section>
                            <CounterList counters=instance.counters.clone() units zone=zone.clone() />
                            {purchase.map(|p| view! {
                                <section class="purchase" aria-label=say(Msg::PurchaseRegion)>
                                    <h3>{say(Msg::YourPurchase)}</h3>
                                    <p>{say(Msg::OrderLine { order: &p.order_id, product: &p.product_name })}</p>
                                    <p>{bought.0} <ZonedTime instant=p.purchased_at sft_zone=zone.clone() /> {bought.1}</p>
                                </section>
                            })}
                            <ViewLink to=plan_link class="plan-link">{say(Msg::EveryPurchaseOfPlan)}</ViewLink>
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
    let locale = StoredValue::new(locale());
    let say = move |msg: Msg<'_>| locale.with_value(|l| t(l, msg));
    let mut rows = vec![(say(Msg::RowPlan), instance.starts_at, instance.expires_at)];
    rows.extend(instance.benefits.iter().map(|b| {
        let name = locale.with_value(|l| i18n::kind_label(l, &b.kind));
        (name, b.starts_at, b.expires_at)
    }));
    let governs = move |end: Option<DateTime<Utc>>| matches!(deadline.get(), Some(Deadline::EndsAt(at)) | Some(Deadline::EndedAt(at)) if Some(at) == end);
    let plan_end = instance.expires_at;
    let explanation = move || {
        say(match deadline.get() {
            Some(Deadline::EndsAt(at)) if Some(at) != plan_end => Msg::ValidityBenefitFirst,
            Some(Deadline::EndsAt(_)) | Some(Deadline::EndedAt(_)) => Msg::ValidityPlanGoverns,
            Some(Deadline::StartsAt(_)) => Msg::ValidityNotStarted,
            None => Msg::ValidityOnFirstUse,
        })
    };
    let cell = move |at: Option<DateTime<Utc>>, zone: String| match at {
        Some(instant) => view! { <ZonedTime instant sft_zone=zone /> }.into_any(),
        None => view! { <span>{say(Msg::NotSetYet)}</span> }.into_any(),
    };

    view! {
        <section class="validity" aria-label=say(Msg::Validity)>
            <h3>{say(Msg::Validity)}</h3>
            <table class="validity-table">
                <thead>
                    <tr>
                        <th scope="col">{say(Msg::ColumnAllowance)}</th>
                        <th scope="col">{say(Msg::ColumnStarts)}</th>
                        <th scope="col">{say(Msg::ColumnEnds)}</th>
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|(name, start, end)| {
                        let zone = zone.clone();
                        view! {
                            <tr class:governs=move || governs(end)>
                                <th scope="row">
                                    {name}
                                    {move || governs(end).then(|| view! {
                                        <span class="governs-mark">{format!(" {}", say(Msg::Governs))}</span>
                                    })}
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

/// When a counter resets, on SFT's clock first (resets happen at its midnight) with the
/// traveler's time beside it when the zones differ; the date too when it is not today.
fn reset_time(locale: &Locale, at: DateTime<Utc>, zone: &str, now: DateTime<Utc>) -> String {
    let tag = Some(locale.tag.as_str());
    let soon = at - now < chrono::TimeDelta::hours(20);
    let local = match soon {
        true => format::time(at, tag),
        false => format::date_time(at, tag),
    };
    if !format::zone_differs(at, zone) {
        return local;
    }
    let sft = match soon {
        true => format::time_in_zone(at, zone, tag),
        false => format::date_time_in_zone(at, zone, tag),
    };
    let city = format::zone_city(zone);
    t(
        locale,
        Msg::ZoneTimeFirst {
            sft: &sft,
            city: &city,
            local: &local,
        },
    )
}

/// A counter as one sentence: "Full speed: 800 MB left today before speed drops to
/// 256 kbps (limit 1 GB); resets at 00:00 Brussels time (23:00 your time)".
fn counter_sentence(
    locale: &Locale,
    counter: &Counter,
    units: UnitSystem,
    zone: &str,
    now: DateTime<Utc>,
) -> String {
    let status = counter_status(counter, now);
    let (period, outcome) = (
        CounterPeriod::from(status.period),
        CounterOutcome::from(&status.action),
    );
    let limit = i18n::data_amount(locale, status.threshold, units);
    let clause = match status.reached {
        true => t(
            locale,
            Msg::CounterReached {
                limit: &limit,
                period,
                outcome,
            },
        ),
        false => {
            let left = i18n::data_amount(locale, status.remaining, units);
            let left = t(
                locale,
                Msg::CounterLeft {
                    left: &left,
                    period,
                    outcome,
                },
            );
            format!("{left} {}", t(locale, Msg::CounterLimit { limit: &limit }))
        }
    };
    let clause = match status.resets_at {
        Some(at) => {
            let time = reset_time(locale, at, zone, now);
            let resets = t(locale, Msg::CounterResetsAt { time: &time });
            t(
                locale,
                Msg::Joined {
                    first: &clause,
                    second: &resets,
                },
            )
        }
        None => clause,
    };
    match (&status.action, status.reached) {
        (CounterAction::Throttle { .. }, false) => {
            let label = t(locale, Msg::FullSpeed);
            t(
                locale,
                Msg::Labelled {
                    label: &label,
                    text: &clause,
                },
            )
        }
        _ => clause,
    }
}

/// The counters as sentences.
#[component]
fn CounterList(counters: Vec<Counter>, units: UnitSystem, zone: String) -> impl IntoView {
    if counters.is_empty() {
        return ().into_any();
    }
    let now = now_from_context().0;
    let locale = locale();
    let (title, name) = (t(&locale, Msg::Limits), t(&locale, Msg::Limits));
    let sentences = move || {
        let at = now.get();
        counters
            .iter()
            .map(|c| view! { <li>{counter_sentence(&locale, c, units, &zone, at)}</li> })
            .collect_view()
    };

    view! {
        <section class="counters" aria-label=name>
            <h3>{title}</h3>
            <ul>{sentences}</ul>
        </section>
    }
    .into_any()
}

// In the browser only: the sentences go through `Intl`.
#[cfg(all(test, target_arch = "wasm32"))]
mod tests {
    use chrono::TimeZone;
    use wasm_bindgen_test::*;

    use super::*;

    wasm_bindgen_test_configure!(run_in_browser);

    const BRUSSELS: &str = "Europe/Brussels";

    fn daily_throttle(current_bytes: i64, resets_at: Option<DateTime<Utc>>) -> Counter {
        Counter {
            counter_id: "77".into(),
            name: "Daily_Data".into(),
            frequency: Some("Daily".into()),
            threshold_bytes: 2_000_000_000,
            current_bytes,
            action: CounterAction::Throttle { kbps: 512 },
            resets_at,
        }
    }

    #[wasm_bindgen_test]
    fn a_counter_says_what_is_left_what_happens_and_when_it_resets_on_sft_time() {
        let now = Utc.with_ymd_and_hms(2026, 12, 4, 16, 0, 0).unwrap();
        let midnight_in_brussels = Utc.with_ymd_and_hms(2026, 12, 4, 23, 0, 0).unwrap();
        let counter = daily_throttle(800_000_000, Some(midnight_in_brussels));
        let en = Locale::default();

        let line = counter_sentence(&en, &counter, UnitSystem::Decimal, BRUSSELS, now);

        let local = format::time(midnight_in_brussels, Some("en"));
        let resets = match format::zone_differs(midnight_in_brussels, BRUSSELS) {
            true => {
                let sft = format::time_in_zone(midnight_in_brussels, BRUSSELS, Some("en"));
                format!("{sft} Brussels time ({local} your time)")
            }
            false => local,
        };
        assert_eq!(
            line,
            format!(
                "Full speed: 1.2 GB left today before speed drops to 512 kbps (limit 2 GB); \
                 resets at {resets}"
            )
        );
    }

    #[wasm_bindgen_test]
    fn a_reached_counter_says_what_happens_now_in_the_travelers_language() {
        let now = Utc.with_ymd_and_hms(2026, 12, 4, 16, 0, 0).unwrap();
        let counter = daily_throttle(2_500_000_000, None);
        let fr = Locale::from_tag("fr").expect("French has a catalog");

        let line = counter_sentence(&fr, &counter, UnitSystem::Decimal, BRUSSELS, now);

        assert_eq!(
            line.replace('\u{a0}', " "),
            "Plafond de 2 Go atteint aujourd'hui : débit réduit à 512 kbit/s"
        );
    }
}
