use addon_usage_core::model::{AddonsSnapshot, BenefitKind};
use addon_usage_core::status::{
    benefit_usable, governing_deadline, instance_status, Deadline, Status,
};
use leptos::prelude::*;

use crate::components::{locale, widget_config};
use crate::i18n::{self, t, Msg};

/// One line for an endpoint: how many add-ons are active, how much data is left in
/// all of them, and the next deadline.
#[component]
pub fn SummaryLine(#[prop(into)] snapshot: Signal<Option<AddonsSnapshot>>) -> impl IntoView {
    let minute = crate::clock::minute_from_context();
    let units = widget_config().units;
    let locale = locale();

    let text = move || {
        let at = minute.get();
        snapshot.with(|s| {
            let Some(s) = s else { return String::new() };
            let active: Vec<_> = s
                .instances
                .iter()
                .filter(|i| instance_status(i, at) == Status::Active)
                .collect();
            let data_left: i64 = active
                .iter()
                .flat_map(|i| i.benefits.iter())
                .filter(|b| b.kind == BenefitKind::Data && benefit_usable(b, at))
                .map(|b| b.remaining)
                .sum();
            let next = s
                .instances
                .iter()
                .filter_map(|i| governing_deadline(i, at))
                .filter(|d| !matches!(d, Deadline::EndedAt(_)))
                .map(|d| d.at())
                .min();
            let count = u32::try_from(active.len()).unwrap_or(u32::MAX);
            let mut parts = vec![t(&locale, Msg::ActiveAddons { count })];
            if data_left > 0 {
                let amount = i18n::data_amount(&locale, data_left, units);
                parts.push(t(&locale, Msg::DataLeftInAll { amount: &amount }));
            }
            if let Some(next) = next {
                let span = i18n::span(&locale, (next - at).num_seconds());
                parts.push(t(&locale, Msg::NextChangeIn { span: &span }));
            }
            parts.join(" · ")
        })
    };

    view! { <p class="summary-line">{text}</p> }
}
