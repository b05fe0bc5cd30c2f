use addon_usage_core::countdown::countdown_text;
use addon_usage_core::counters::{counter_status, fill_at_threshold};
use addon_usage_core::model::{AddonInstance, BenefitKind, CounterAction, Purchase};
use addon_usage_core::status::{benefit_expired, governing_deadline, instance_status};
use addon_usage_core::units::{format_amount, UnitSystem};
use leptos::prelude::*;

use crate::clock::now_from_context;
use crate::components::{local_time, status_slug, BenefitBar, Countdown, StatusBadge, WarningList};
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
    /// The purchase it came from, for the Top up and Renew actions.
    purchase: Option<Purchase>,
    /// Which renewal of its purchase this is (2 for the first renewal), if one.
    renewal: Option<u32>,
    /// When the figures were read, for the card's spoken summary.
    #[prop(optional)]
    read_at: Option<chrono::DateTime<chrono::Utc>>,
) -> impl IntoView {
    let now = now_from_context().0;
    let shared = StoredValue::new(instance.clone());
    let status = Memo::new(move |_| shared.with_value(|i| instance_status(i, now.get())));
    let deadline = Memo::new(move |_| shared.with_value(|i| governing_deadline(i, now.get())));
    let title_id = format!("addon-{}-title", instance.unique_id);
    let labelled_by = title_id.clone();
    let plan_note = match renewal {
        Some(n) if n > 1 => Some(format!(
            "Renewal {} · SFT plan: {}",
            n - 1,
            instance.plan_name
        )),
        _ => (instance.plan_name != title && !instance.plan_name.is_empty())
            .then(|| format!("SFT plan: {}", instance.plan_name)),
    };
    let now_at = chrono::Utc::now();
    let marker_for = |benefit: &addon_usage_core::model::Benefit| {
        instance.counters.iter().find_map(|c| {
            let status = counter_status(c, now_at);
            let what = match status.action {
                CounterAction::Throttle { .. } => "your speed is reduced",
                CounterAction::Block => "data stops until the limit resets",
                CounterAction::Redirect => "browsing opens the shop",
                CounterAction::Default | CounterAction::Other { .. } => return None,
            };
            fill_at_threshold(&status, benefit).map(|at| (at, what))
        })
    };

    let summary = {
        let instance = instance.clone();
        let title = title.clone();
        move || spoken_summary(&title, &instance, units, now.get(), read_at)
    };
    let plan_expiry = instance.expires_at;
    let benefits = instance
        .benefits
        .iter()
        .cloned()
        .map(|benefit| {
            let own_expiry = benefit.expires_at.filter(|e| Some(*e) != plan_expiry);
            let marker = (benefit.kind == BenefitKind::Data)
                .then(|| marker_for(&benefit))
                .flatten();
            let probe = benefit.clone();
            let spent =
                Signal::derive(move || probe.remaining <= 0 || benefit_expired(&probe, now.get()));
            view! { <BenefitBar benefit units own_expiry spent marker /> }
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
                    <ViewLink to=View::Addon { endpoint: endpoint.clone(), unique_id: instance.unique_id.clone() }>
                        {title}
                    </ViewLink>
                </h5>
                <StatusBadge status=status />
            </header>
            {plan_note.map(|note| view! { <p class="addon-plan">{note}</p> })}
            <p class="visually-hidden">{summary}</p>
            <div class="benefits">{benefits}</div>
            <WarningList instance=instance.clone() endpoint=endpoint.clone() purchase />
            {move || deadline.get().map(|deadline| view! { <Countdown deadline /> })}
        </article>
    }
}

/// The card as one sentence for screen readers: "Europe 10 GB: 3.3 GB of 10.7 GB left,
/// 41 SMS of 50 SMS left, expires in 16 days 9 h, as of 09:12."
fn spoken_summary(
    title: &str,
    instance: &AddonInstance,
    units: UnitSystem,
    now: chrono::DateTime<chrono::Utc>,
    read_at: Option<chrono::DateTime<chrono::Utc>>,
) -> String {
    let mut parts: Vec<String> = instance
        .benefits
        .iter()
        .map(|b| {
            let left = format_amount(&b.kind, b.remaining, units);
            let total = format_amount(&b.kind, b.total, units);
            format!("{left} of {total} left")
        })
        .collect();
    if let Some(deadline) = governing_deadline(instance, now) {
        parts.push(countdown_text(deadline, now).to_lowercase());
    } else if instance.starts_at.is_none() {
        parts.push("starts on first use".into());
    }
    if let Some(at) = read_at {
        parts.push(format!("as of {}", local_time(at)));
    }
    format!("{title}: {}.", parts.join(", "))
}
