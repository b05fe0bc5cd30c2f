//! The widget's building blocks, one component per file.

mod addon_card;
mod benefit_bar;
mod countdown;
mod endpoint_section;
mod notice;
mod refresh_bar;
mod settings_panel;
mod status_badge;
mod summary_line;
mod usage_chart;
mod warning_list;
mod zoned_time;

pub use addon_card::{limit_marker, AddonCard};
pub use benefit_bar::BenefitBar;
pub use countdown::Countdown;
pub use endpoint_section::EndpointSection;
pub use notice::{ErrorNotice, LoadingNotice};
pub use refresh_bar::RefreshBar;
pub use settings_panel::SettingsPanel;
pub use status_badge::{status_slug, StatusBadge};
pub use summary_line::SummaryLine;
pub use usage_chart::UsageChart;
pub use warning_list::{WarningList, RENEW_EVENT, TOP_UP_EVENT};
pub use zoned_time::ZonedTime;

use chrono::{DateTime, Utc};
use leptos::prelude::*;

use crate::config::WidgetConfig;
use crate::format;
use crate::i18n::Locale;

/// The widget's configuration from context (defaults when rendered alone in a test).
pub fn widget_config() -> WidgetConfig {
    use_context::<WidgetConfig>().unwrap_or_default()
}

/// The widget's locale from context (English when rendered alone in a test).
pub fn locale() -> Locale {
    use_context::<Locale>().unwrap_or_default()
}

/// Stands in for a text parameter that a component renders instead (a `<time>`, a bold
/// amount); [`around_slot`] splits the worded message there.
pub const SLOT: &str = "\u{e000}";

/// The text before and after [`SLOT`] in a worded message: `("Bought ", "")` for
/// "Bought {when}". Without the slot, all of it comes before.
pub fn around_slot(text: &str) -> (String, String) {
    match text.split_once(SLOT) {
        Some((before, after)) => (before.to_owned(), after.to_owned()),
        None => (text.to_owned(), String::new()),
    }
}

/// Writes an instant as the traveler's local date and time: "Sun 20 Dec, 18:40".
pub fn local_date_time(instant: DateTime<Utc>) -> String {
    format::date_time(instant, Some(&locale().tag))
}

/// Writes an instant as the traveler's local clock time: "18:40".
pub fn local_time(instant: DateTime<Utc>) -> String {
    format::time(instant, Some(&locale().tag))
}
