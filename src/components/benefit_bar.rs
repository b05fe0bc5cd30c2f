use addon_usage_core::model::{Benefit, BenefitKind};
use addon_usage_core::status::benefit_figures;
use addon_usage_core::units::UnitSystem;
use leptos::prelude::*;

use crate::components::{around_slot, local_date_time, locale, SLOT};
use crate::i18n::{self, t, Msg};

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
    /// Where on the bar (0 to 1) a counter's limit takes effect, and what happens there
    /// as a sentence.
    marker: Option<(f64, String)>,
) -> impl IntoView {
    let locale = locale();
    let figures = benefit_figures(&benefit);
    let label = i18n::kind_label(&locale, &benefit.kind);
    let left = i18n::amount(&locale, &benefit.kind, figures.remaining, units);
    let total = i18n::amount(&locale, &benefit.kind, figures.total, units);
    let sentence = t(
        &locale,
        Msg::AmountLeft {
            left: &left,
            total: &total,
        },
    );
    let (before, after) = around_slot(&t(
        &locale,
        Msg::FiguresLeftOf {
            left: SLOT,
            total: &total,
        },
    ));
    let bar_label = t(&locale, Msg::AllowanceLeft { kind: &label });
    let own_validity = own_expiry.map(|expiry| {
        let time = local_date_time(expiry);
        t(
            &locale,
            Msg::ValidUntil {
                kind: &label,
                time: &time,
            },
        )
    });
    let percent = figures.bar_percent();
    let (marker_at, marker_note) = marker.unzip();

    view! {
        <div
            class="benefit"
            class:benefit--spent=move || spent.get()
            data-kind=kind_slug(&benefit.kind)
            data-remaining=figures.remaining.to_string()
            data-total=figures.total.to_string()
        >
            <div class="benefit-head">
                <span class="benefit-kind">{label}</span>
                <span class="benefit-figures">{before}<strong>{left}</strong>{after}</span>
            </div>
            <div
                class="bar"
                role="progressbar"
                aria-label=bar_label
                aria-valuemin="0"
                aria-valuemax="100"
                aria-valuenow=format!("{percent:.0}")
                aria-valuetext=sentence
            >
                <div class="bar-fill" style:width=format!("{percent:.1}%")></div>
                {marker_at.map(|at| view! {
                    <div class="bar-marker" style:left=format!("{:.1}%", at * 100.0)></div>
                })}
            </div>
            {marker_note.map(|note| view! { <p class="benefit-validity">{note}</p> })}
            {own_validity.map(|text| view! { <p class="benefit-validity">{text}</p> })}
        </div>
    }
}
