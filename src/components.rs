//! The widget's building blocks, one component per file.

mod addon_card;
mod benefit_bar;
mod countdown;
mod endpoint_section;
mod notice;
mod status_badge;

pub use addon_card::AddonCard;
pub use benefit_bar::BenefitBar;
pub use countdown::Countdown;
pub use endpoint_section::EndpointSection;
pub use notice::{ErrorNotice, LoadingNotice};
pub use status_badge::{status_slug, StatusBadge};

/// Writes an instant as the traveler's local wall time: "Sun 20 Dec, 18:40".
pub fn local_date_time(instant: chrono::DateTime<chrono::Utc>) -> String {
    instant
        .with_timezone(&chrono::Local)
        .format("%a %-d %b, %H:%M")
        .to_string()
}

/// Writes an instant as the traveler's local clock time: "18:40".
pub fn local_time(instant: chrono::DateTime<chrono::Utc>) -> String {
    instant
        .with_timezone(&chrono::Local)
        .format("%H:%M")
        .to_string()
}
