use addon_usage_core::model::{Benefit, BenefitKind};
use addon_usage_core::status::benefit_figures;
use addon_usage_core::units::{format_amount, kind_label, UnitSystem};
use leptos::prelude::*;

use crate::components::local_date_time;

fn kind_slug(kind: &BenefitKind) -> &'static str {
    match kind {
        BenefitKind::Data => "data",
        BenefitKind::Sms => "sms",
        BenefitKind::Voice => "voice",
        BenefitKind::Credit => "credit",
        BenefitKind::Other(_) => "other",
    }
}

/// One allowance: what is left of what was granted, as text and as a progress bar.
/// `own_expiry` is shown when the benefit's validity differs from its plan's.
#[component]
pub fn BenefitBar(
    benefit: Benefit,
    units: UnitSystem,
    /// Set when this benefit expires at another time than its plan.
    own_expiry: Option<chrono::DateTime<chrono::Utc>>,
    /// Whether the benefit can no longer be used (spent, or past its own expiry).
    #[prop(into)]
    spent: Signal<bool>,
    /// Where on the bar (0 to 1) a counter's limit takes effect, and what happens there.
    marker: Option<(f64, &'static str)>,
) -> impl IntoView {
    let figures = benefit_figures(&benefit);
    let label = kind_label(&benefit.kind).to_owned();
    let left = format_amount(&benefit.kind, figures.remaining, units);
    let total = format_amount(&benefit.kind, figures.total, units);
    let sentence = format!("{left} of {total} left");
    let percent = figures.bar_percent();

    view! {
        <div
            class="benefit"
            class:benefit--spent=move || spent.get()
            data-kind=kind_slug(&benefit.kind)
            data-remaining=figures.remaining.to_string()
            data-total=figures.total.to_string()
        >
            <div class="benefit-head">
                <span class="benefit-kind">{label.clone()}</span>
                <span class="benefit-figures">
                    <strong>{left}</strong>
                    " left of "
                    {total}
                </span>
            </div>
            <div
                class="bar"
                role="progressbar"
                aria-label=format!("{label} left")
                aria-valuemin="0"
                aria-valuemax="100"
                aria-valuenow=format!("{percent:.0}")
                aria-valuetext=sentence
            >
                <div class="bar-fill" style:width=format!("{percent:.1}%")></div>
                {marker.map(|(at, _)| view! {
                    <div class="bar-marker" style:left=format!("{:.1}%", at * 100.0)></div>
                })}
            </div>
            {marker.map(|(_, what)| view! {
                <p class="benefit-validity">{format!("At the mark on the bar, {what}.")}</p>
            })}
            {own_expiry.map(|expiry| view! {
                <p class="benefit-validity">
                    {format!("{label} valid until {}", local_date_time(expiry))}
                </p>
            })}
        </div>
    }
}
