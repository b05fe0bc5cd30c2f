use chrono::{DateTime, Utc};
use leptos::prelude::*;

use crate::components::widget_config;
use crate::format;

/// An instant in the traveler's time, with the SFT account's time beside it when the
/// two zones differ: "Sun 20 Dec, 18:40 your time (19:40 Brussels time)".
#[component]
pub fn ZonedTime(instant: DateTime<Utc>, #[prop(into)] sft_zone: String) -> impl IntoView {
    let locale = widget_config().locale;
    let local = format::date_time(instant, locale.as_deref());
    let sft = format::zone_differs(instant, &sft_zone).then(|| {
        let same_day = format::date_time_in_zone(instant, &sft_zone, Some("en-GB"))
            .split(',')
            .next()
            == format::date_time(instant, Some("en-GB")).split(',').next();
        let text = if same_day {
            format::time_in_zone(instant, &sft_zone, locale.as_deref())
        } else {
            format::date_time_in_zone(instant, &sft_zone, locale.as_deref())
        };
        format!(" ({text} {} time)", format::zone_city(&sft_zone))
    });

    view! {
        <time class="zoned-time" datetime=instant.to_rfc3339()>
            {local}
            " your time"
            {sft.map(|text| view! { <span class="sft-time">{text}</span> })}
        </time>
    }
}
