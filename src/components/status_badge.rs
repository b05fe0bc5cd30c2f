use addon_usage_core::status::Status;
use leptos::prelude::*;

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

/// The badge text of a status.
pub fn status_label(status: Status) -> &'static str {
    match status {
        Status::NotStarted => "Starts on first use",
        Status::Scheduled => "Scheduled",
        Status::Active => "Active",
        Status::UsedUp => "Used up",
        Status::Expired => "Expired",
    }
}

/// A short coloured label saying where an add-on stands.
#[component]
pub fn StatusBadge(#[prop(into)] status: Signal<Status>) -> impl IntoView {
    view! {
        <span class=move || format!("status-badge status-badge--{}", status_slug(status.get()))>
            {move || status_label(status.get())}
        </span>
    }
}
