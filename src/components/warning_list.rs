use addon_usage_core::model::{AddonInstance, BenefitKind, Purchase};
use addon_usage_core::warnings::{
    warnings, BalanceLevel, Severity, SuggestedAction, Warning, WarningKind,
};
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use wasm_bindgen::JsValue;

use crate::clock::now_from_context;
use crate::components::{local_date_time, locale};
use crate::data::Data;
use crate::element::Host;
use crate::i18n::{self, t, Locale, Msg};

/// The event names the widget dispatches on its element for the portal.
pub const TOP_UP_EVENT: &str = "addon-usage:top-up";
/// See [`TOP_UP_EVENT`].
pub const RENEW_EVENT: &str = "addon-usage:renew";

/// A warning as a sentence. A low balance names the add-on (`title`) when the benefit is
/// its data or its only allowance, else the benefit's kind ("SMS").
fn sentence(
    locale: &Locale,
    warning: &Warning,
    instance: &AddonInstance,
    title: &str,
    now: DateTime<Utc>,
) -> String {
    let until = |at: Option<DateTime<Utc>>| at.map(local_date_time);
    match &warning.kind {
        WarningKind::LowBalance {
            kind,
            percent_left,
            level,
            ..
        } => {
            let whole = *kind == BenefitKind::Data || instance.benefits.len() == 1;
            let benefit = match whole {
                true => title.to_owned(),
                false => i18n::kind_label(locale, kind),
            };
            let (percent, benefit) = (percent_left.max(0.0), benefit.as_str());
            match level {
                BalanceLevel::VeryLow => t(locale, Msg::VeryLow { percent, benefit }),
                BalanceLevel::Low => t(locale, Msg::RunningLow { percent, benefit }),
            }
        }
        WarningKind::RunsOutBeforeExpiry { at, margin, .. } => {
            let when = i18n::relative_time(locale, (*at - now).num_seconds());
            let margin = i18n::span(locale, margin.num_seconds());
            t(
                locale,
                Msg::RunsOutBeforeExpiry {
                    when: &when,
                    margin: &margin,
                },
            )
        }
        WarningKind::ExpiresSoon { .. } => t(locale, Msg::ExpiresWithinDay),
        WarningKind::ThrottledNow {
            kbps, resets_at, ..
        } => {
            let until = until(*resets_at);
            let msg = Msg::SpeedReduced {
                kbps: *kbps,
                until: until.as_deref(),
            };
            t(locale, msg)
        }
        WarningKind::BlockedNow { resets_at, .. } => {
            let until = until(*resets_at);
            t(
                locale,
                Msg::DataBlocked {
                    until: until.as_deref(),
                },
            )
        }
        WarningKind::RedirectedNow { resets_at, .. } => {
            let until = until(*resets_at);
            t(
                locale,
                Msg::LimitRedirects {
                    until: until.as_deref(),
                },
            )
        }
        WarningKind::OutOfBundleNow { resets_at, .. } => {
            let until = until(*resets_at);
            t(
                locale,
                Msg::ChargedOutOfBundle {
                    until: until.as_deref(),
                },
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
    if let (Some(link), Some(window)) = (link.filter(|l| safe_link(l)), web_sys::window()) {
        let _ = window.open_with_url_and_target_and_features(&link, "_blank", "noopener");
    }
}

/// Only web links (absolute `http(s)` or a path on the page's site) are opened; anything
/// else in a purchase (`javascript:`, `data:`) is ignored.
fn safe_link(link: &str) -> bool {
    let lower = link.trim().to_ascii_lowercase();
    lower.starts_with("https://")
        || lower.starts_with("http://")
        || (lower.starts_with('/') && !lower.starts_with("//"))
}

/// The warnings of one add-on, most urgent first, each with its Top up or Renew action.
#[component]
pub fn WarningList(
    instance: AddonInstance,
    /// The add-on's name as the card shows it, for low-balance sentences.
    #[prop(into)]
    title: String,
    #[prop(into)] endpoint: String,
    purchase: Option<Purchase>,
) -> impl IntoView {
    let locale = locale();
    let data = use_context::<Data>().unwrap_or_else(|| Data::new(Vec::new()));
    let host = use_context::<Host>();
    let now = now_from_context().0;
    let minute = crate::clock::minute_from_context();
    let probe = instance.clone();
    let ep = endpoint.clone();
    let found = Memo::new(move |_| {
        let at = minute.get();
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
                    let (locale, title) = (locale.clone(), title.clone());
                    move || found.get().into_iter().map(|warning| {
                        let urgent = warning.severity() == Severity::Urgent;
                        let text = sentence(&locale, &warning, &instance, &title, now.get_untracked());
                        let label = match warning.action {
                            SuggestedAction::TopUp => t(&locale, Msg::TopUp),
                            SuggestedAction::Renew => t(&locale, Msg::Renew),
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

#[cfg(test)]
mod tests {
    use super::safe_link;

    #[test]
    fn only_web_links_from_a_purchase_are_opened() {
        let cases = [
            ("https://shop.example.com/top-up?addon=3101", true),
            ("http://shop.example.com/", true),
            ("/portal.html#shop-3101", true),
            ("  HTTPS://SHOP.EXAMPLE.COM ", true),
            ("javascript:alert(document.domain)", false),
            ("JavaScript:alert(1)", false),
            ("data:text/html,<script>alert(1)</script>", false),
            ("//evil.example.com/", false),
            ("", false),
        ];

        for (link, opened) in cases {
            assert_eq!(safe_link(link), opened, "{link}");
        }
    }
}
