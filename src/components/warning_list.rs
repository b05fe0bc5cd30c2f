use addon_usage_core::countdown::short_span;
use addon_usage_core::model::{AddonInstance, Purchase};
use addon_usage_core::units::kind_label;
use addon_usage_core::warnings::{
    warnings, BalanceLevel, Severity, SuggestedAction, Warning, WarningKind,
};
use leptos::prelude::*;
use wasm_bindgen::JsValue;

use crate::clock::now_from_context;
use crate::components::local_date_time;
use crate::data::Data;
use crate::element::Host;

/// The event names the widget dispatches on its element for the portal.
pub const TOP_UP_EVENT: &str = "addon-usage:top-up";
/// See [`TOP_UP_EVENT`].
pub const RENEW_EVENT: &str = "addon-usage:renew";

fn sentence(warning: &Warning, now: chrono::DateTime<chrono::Utc>) -> String {
    let until = |at: Option<chrono::DateTime<chrono::Utc>>| {
        at.map(|at| format!(" until {}", local_date_time(at)))
            .unwrap_or_default()
    };
    match &warning.kind {
        WarningKind::LowBalance {
            kind,
            percent_left,
            level,
            ..
        } => {
            let prefix = match level {
                BalanceLevel::VeryLow => "Very low",
                BalanceLevel::Low => "Running low",
            };
            format!(
                "{prefix}: {:.0}% of your {} left.",
                percent_left.max(0.0),
                kind_label(kind).to_lowercase()
            )
        }
        WarningKind::RunsOutBeforeExpiry {
            kind, at, margin, ..
        } => format!(
            "At this pace your {} runs out {}, {} before it expires.",
            kind_label(kind).to_lowercase(),
            local_date_time(*at),
            short_span(margin.num_seconds())
        ),
        WarningKind::ExpiresSoon { at } => {
            format!(
                "Expires within 24 hours (in {}).",
                short_span((*at - now).num_seconds())
            )
        }
        WarningKind::ThrottledNow {
            kbps, resets_at, ..
        } => {
            format!("Speed reduced to {kbps} kbps{}.", until(*resets_at))
        }
        WarningKind::BlockedNow { resets_at, .. } => format!("Data blocked{}.", until(*resets_at)),
        WarningKind::RedirectedNow { resets_at, .. } => {
            format!(
                "Limit reached: browsing opens the shop{}.",
                until(*resets_at)
            )
        }
        WarningKind::OutOfBundleNow { resets_at, .. } => {
            format!(
                "Limit reached: use is now charged outside this add-on{}.",
                until(*resets_at)
            )
        }
    }
}

/// Tells the portal the traveler wants to top up or renew, and opens the purchase's link
/// when the portal gave one.
fn act(
    host: Option<Host>,
    action: SuggestedAction,
    endpoint: &str,
    instance: &AddonInstance,
    purchase: Option<&Purchase>,
) {
    let (name, link) = match action {
        SuggestedAction::TopUp => (TOP_UP_EVENT, purchase.and_then(|p| p.top_up_url.clone())),
        SuggestedAction::Renew => (RENEW_EVENT, purchase.and_then(|p| p.renew_url.clone())),
    };
    let detail = js_sys::Object::new();
    let fields = [
        ("endpointId", Some(endpoint.to_owned())),
        ("addonId", Some(instance.addon_id.clone())),
        ("uniqueId", Some(instance.unique_id.clone())),
        ("orderId", purchase.map(|p| p.order_id.clone())),
    ];
    for (key, value) in fields {
        let value = value.map(JsValue::from).unwrap_or(JsValue::NULL);
        let _ = js_sys::Reflect::set(&detail, &key.into(), &value);
    }
    let init = web_sys::CustomEventInit::new();
    init.set_bubbles(true);
    init.set_composed(true);
    init.set_detail(&detail);
    if let (Some(Host(host)), Ok(event)) = (
        host,
        web_sys::CustomEvent::new_with_event_init_dict(name, &init),
    ) {
        let _ = host.dispatch_event(&event);
    }
    if let (Some(link), Some(window)) = (link, web_sys::window()) {
        let _ = window.open_with_url_and_target_and_features(&link, "_blank", "noopener");
    }
}

/// The warnings of one add-on, most urgent first, each with its Top up or Renew action.
#[component]
pub fn WarningList(
    instance: AddonInstance,
    #[prop(into)] endpoint: String,
    purchase: Option<Purchase>,
) -> impl IntoView {
    let data = use_context::<Data>().unwrap_or_else(|| Data::new(Vec::new()));
    let host = use_context::<Host>();
    let now = now_from_context().0;
    let probe = instance.clone();
    let ep = endpoint.clone();
    let found = Memo::new(move |_| {
        let at = now.get();
        let forecasts = data.forecasts(&ep, &probe, at);
        warnings(&probe, &forecasts, &data.thresholds.get(), at)
    });

    view! {
        <Show when=move || !found.get().is_empty()>
            <ul class="warnings">
                {
                    let instance = instance.clone();
                    let endpoint = endpoint.clone();
                    let purchase = purchase.clone();
                    let host = host.clone();
                    move || found.get().into_iter().map(|warning| {
                        let urgent = warning.severity() == Severity::Urgent;
                        let text = sentence(&warning, now.get_untracked());
                        let label = match warning.action {
                            SuggestedAction::TopUp => "Top up",
                            SuggestedAction::Renew => "Renew",
                        };
                        let (instance, endpoint, purchase, host) = (instance.clone(), endpoint.clone(), purchase.clone(), host.clone());
                        let action = warning.action;
                        view! {
                            <li class="warning" class:warning--urgent=urgent>
                                <span>{text}</span>
                                <button type="button" class="button button--small" on:click=move |_| {
                                    act(host.clone(), action, &endpoint, &instance, purchase.as_ref())
                                }>{label}</button>
                            </li>
                        }
                    }).collect_view()
                }
            </ul>
        </Show>
    }
}
