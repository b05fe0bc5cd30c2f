use addon_usage_core::counters::{counter_status, fill_at_threshold};
use addon_usage_core::model::{AddonInstance, BenefitKind, CounterAction, Purchase};
use addon_usage_core::status::{benefit_expired, governing_deadline, instance_status};
use addon_usage_core::units::UnitSystem;
use leptos::prelude::*;

use crate::clock::now_from_context;
use crate::components::{
    local_time, locale, status_slug, BenefitBar, Countdown, StatusBadge, WarningList,
};
use crate::i18n::{self, t, Locale, Msg};
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
    let minute = crate::clock::minute_from_context();
    let locale = locale();
    let shared = StoredValue::new(instance.clone());
    let status = Memo::new(move |_| shared.with_value(|i| instance_status(i, now.get())));
    let deadline = Memo::new(move |_| shared.with_value(|i| governing_deadline(i, now.get())));
    let title_id = format!("addon-{}-title", instance.unique_id);
    let labelled_by = title_id.clone();
    let plan = t(
        &locale,
        Msg::PlanNote {
            plan: &instance.plan_name,
        },
    );
    let plan_note = match renewal {
        Some(n) if n > 1 => Some(format!(
            "{} · {plan}",
            t(&locale, Msg::Renewal { number: n - 1 })
        )),
        _ => (instance.plan_name != title && !instance.plan_name.is_empty()).then_some(plan),
    };
    let marker_for = |benefit: &addon_usage_core::model::Benefit| {
        limit_marker(&locale, &instance, benefit, chrono::Utc::now())
    };

    let summary = {
        let instance = instance.clone();
        let title = title.clone();
        let locale = locale.clone();
        move || spoken_summary(&locale, &title, &instance, units, minute.get(), read_at)
    };
    let plan_expiry = instance.expires_at;
    let warning_title = title.clone();
    let benefits = instance
        .benefits
        .iter()
        .cloned()
        .map(|benefit| {
            let own_expiry = benefit.expires_at.filter(|e| Some(*e) != plan_expiry);
            let marker = marker_for(&benefit);
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
            <WarningList instance=instance.clone() title=warning_title endpoint=endpoint.clone() purchase />
            {move || deadline.get().map(|deadline| view! { <Countdown deadline /> })}
        </article>
    }
}

/// The card as one sentence for screen readers: "Europe 10 GB: 3.3 GB of 10.7 GB left,
/// 41 SMS of 50 SMS left, expires in 16 days 9 h, as of 09:12."
fn spoken_summary(
    locale: &Locale,
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
            let left = i18n::amount(locale, &b.kind, b.remaining, units);
            let total = i18n::amount(locale, &b.kind, b.total, units);
            t(
                locale,
                Msg::AmountLeft {
                    left: &left,
                    total: &total,
                },
            )
        })
        .collect();
    if let Some(deadline) = governing_deadline(instance, now) {
        parts.push(i18n::countdown(locale, deadline, now));
    } else if instance.starts_at.is_none() {
        parts.push(t(locale, Msg::StatusNotStarted));
    }
    if let Some(at) = read_at {
        parts.push(t(
            locale,
            Msg::AsOf {
                time: &local_time(at),
            },
        ));
    }
    let clauses: Vec<String> = parts
        .iter()
        .map(|part| i18n::continue_sentence(locale, part))
        .collect();
    let text = t(
        locale,
        Msg::Labelled {
            label: title,
            text: &clauses.join(", "),
        },
    );
    format!("{text}.")
}

/// Where on a data benefit's bar (0 to 1) a counter's limit takes effect, and what
/// happens there, for the first counter that slows, stops or redirects.
pub fn limit_marker(
    locale: &Locale,
    instance: &AddonInstance,
    benefit: &addon_usage_core::model::Benefit,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<(f64, String)> {
    if benefit.kind != BenefitKind::Data {
        return None;
    }
    instance.counters.iter().find_map(|c| {
        let status = counter_status(c, now);
        let what = match status.action {
            CounterAction::Throttle { .. } => Msg::MarkSlowsDown,
            CounterAction::Block => Msg::MarkStopsData,
            CounterAction::Redirect => Msg::MarkOpensShop,
            CounterAction::Default | CounterAction::Other { .. } => return None,
        };
        fill_at_threshold(&status, benefit).map(|at| (at, t(locale, what)))
    })
}
