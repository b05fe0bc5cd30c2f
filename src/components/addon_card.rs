use addon_usage_core::model::AddonInstance;
use addon_usage_core::status::{benefit_expired, governing_deadline, instance_status};
use addon_usage_core::units::UnitSystem;
use leptos::prelude::*;

use crate::clock::now_from_context;
use crate::components::{status_slug, BenefitBar, Countdown, StatusBadge};
use crate::routes::{View, ViewLink};

/// One add-on instance: its name, status, every benefit and the deadline that governs it.
#[component]
pub fn AddonCard(
    instance: AddonInstance,
    /// The purchase's product name, or the SFT plan name when no purchase matches.
    #[prop(into)]
    title: String,
    units: UnitSystem,
    /// The endpoint the instance is on, for the link to its detail view.
    #[prop(optional, into)]
    endpoint: String,
) -> impl IntoView {
    let now = now_from_context().0;
    let shared = StoredValue::new(instance.clone());
    let status = Memo::new(move |_| shared.with_value(|i| instance_status(i, now.get())));
    let deadline = Memo::new(move |_| shared.with_value(|i| governing_deadline(i, now.get())));
    let title_id = format!("addon-{}-title", instance.unique_id);
    let labelled_by = title_id.clone();
    let plan_note = (instance.plan_name != title && !instance.plan_name.is_empty())
        .then(|| format!("SFT plan: {}", instance.plan_name));

    let plan_expiry = instance.expires_at;
    let benefits = instance
        .benefits
        .iter()
        .cloned()
        .map(|benefit| {
            let own_expiry = benefit.expires_at.filter(|e| Some(*e) != plan_expiry);
            let probe = benefit.clone();
            let spent =
                Signal::derive(move || probe.remaining <= 0 || benefit_expired(&probe, now.get()));
            view! { <BenefitBar benefit units own_expiry spent /> }
        })
        .collect_view();

    view! {
        <article
            class="addon-card"
            data-unique-id=instance.unique_id.clone()
            data-status=move || status_slug(status.get())
            aria-labelledby=labelled_by
        >
            <header class="addon-card-head">
                <h5 class="addon-name" id=title_id>
                    <ViewLink to=View::Addon { endpoint, unique_id: instance.unique_id.clone() }>
                        {title}
                    </ViewLink>
                </h5>
                <StatusBadge status=status />
            </header>
            {plan_note.map(|note| view! { <p class="addon-plan">{note}</p> })}
            <div class="benefits">{benefits}</div>
            {move || deadline.get().map(|deadline| view! { <Countdown deadline /> })}
        </article>
    }
}
