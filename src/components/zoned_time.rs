use chrono::{DateTime, Utc};
use leptos::prelude::*;

use crate::components::locale;
use crate::format;
use crate::i18n::{t, Msg};

/// An instant in the traveler's time, with the SFT account's time beside it when the
/// two zones differ: "Sun 20 Dec, 18:40 your time (19:40 Brussels time)".
#[component]
pub fn ZonedTime(instant: DateTime<Utc>, #[prop(into)] sft_zone: String) -> impl IntoView {
    let locale = locale();
    let tag = Some(locale.tag.as_str());
    let local = format::date_time(instant, tag);
    let sft = format::zone_differs(instant, &sft_zone).then(|| {
        let same_day = format::date_time_in_zone(instant, &sft_zone, Some("en-GB"))
            .split(',')
            .next()
            == format::date_time(instant, Some("en-GB")).split(',').next();
        let time = if same_day {
            format::time_in_zone(instant, &sft_zone, tag)
        } else {
            format::date_time_in_zone(instant, &sft_zone, tag)
        };
        let city = format::zone_city(&sft_zone);
        // Together these read as `Msg::BothTimes`; the SFT part keeps its own style.
        format!(
            " ({})",
            t(
                &locale,
                Msg::ZoneTime {
                    time: &time,
                    city: &city
                }
            )
        )
    });

    view! {
        <time class="zoned-time" datetime=instant.to_rfc3339()>
            {t(&locale, Msg::YourTime { time: &local })}
            {sft.map(|text| view! { <span class="sft-time">{text}</span> })}
        </time>
    }
}
