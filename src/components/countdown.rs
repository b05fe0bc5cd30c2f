use addon_usage_core::status::Deadline;
use leptos::prelude::*;

use crate::clock::now_from_context;
use crate::components::{local_date_time, locale};
use crate::i18n;

/// Time left to (or since) a deadline, ticking from the absolute instant on the shared
/// clock, with the deadline's local date and time beside it.
#[component]
pub fn Countdown(#[prop(into)] deadline: Signal<Deadline>) -> impl IntoView {
    let now = now_from_context().0;
    let locale = locale();
    let text = move || i18n::countdown(&locale, deadline.get(), now.get());
    let iso = move || deadline.get().at().to_rfc3339();
    let absolute = move || local_date_time(deadline.get().at());

    view! {
        <p class="countdown-line">
            <time class="countdown" datetime=iso>{text}</time>
            <span class="countdown-at">{absolute}</span>
        </p>
    }
}
