use addon_usage_core::status::Status;
use leptos::prelude::*;

use crate::components::locale;
use crate::i18n::{t, Msg};

/// The stable name of a status, used in `data-status` and CSS classes.
pub fn status_slug(status: Status) -> &'static str {
    match status {
        Status::NotStarted => "not-started",
        Status::Scheduled => "scheduled",
        Status::Active => "active",
        Status::UsedUp => "used-up",
        Status::Expired => "expired",
    }
}

/// A short coloured label saying where an add-on stands.
#[component]
pub fn StatusBadge(#[prop(into)] status: Signal<Status>) -> impl IntoView {
    let locale = locale();

    view! {
        <span class=move || format!("status-badge status-badge--{}", status_slug(status.get()))>
            {move || t(&locale, Msg::status(status.get()))}
        </span>
    }
}
