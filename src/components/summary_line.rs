use addon_usage_core::model::{AddonsSnapshot, BenefitKind};
use addon_usage_core::status::{
    benefit_usable, governing_deadline, instance_status, Deadline, Status,
};
use addon_usage_core::units::format_bytes;
use leptos::prelude::*;

use crate::clock::now_from_context;
use crate::components::widget_config;

/// One line for an endpoint: how many add-ons are active, how much data is left in
/// all of them, and the next deadline.
#[component]
pub fn SummaryLine(#[prop(into)] snapshot: Signal<Option<AddonsSnapshot>>) -> impl IntoView {
    let now = now_from_context().0;
    let units = widget_config().units;

    let text = move || {
        let at = now.get();
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
            let mut parts = vec![match active.len() {
                1 => "1 active add-on".to_owned(),
                n => format!("{n} active add-ons"),
            }];
            if data_left > 0 {
                parts.push(format!("{} of data left", format_bytes(data_left, units)));
            }
            if let Some(next) = next {
                let span = addon_usage_core::countdown::short_span((next - at).num_seconds());
                parts.push(format!("next change in {span}"));
            }
            parts.join(" · ")
        })
    };

    view! { <p class="summary-line">{text}</p> }
}
