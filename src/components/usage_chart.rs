use addon_usage_core::forecast::{sparkline, Forecast, MIN_READINGS, MIN_SPAN};
use addon_usage_core::model::Benefit;
use addon_usage_core::units::UnitSystem;
use leptos::prelude::*;

use crate::components::{local_date_time, locale};
use crate::data::Data;
use crate::i18n::{self, t, Locale, Msg};

const WIDTH: f64 = 320.0;
const HEIGHT: f64 = 90.0;

/// What the pace says, as a sentence.
fn forecast_sentence(
    locale: &Locale,
    forecast: &Forecast,
    benefit: &Benefit,
    units: UnitSystem,
) -> String {
    let amount = |n: f64| i18n::amount(locale, &benefit.kind, n.round() as i64, units);
    let span = |d: &chrono::TimeDelta| i18n::span(locale, d.num_seconds());
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    match forecast {
        Forecast::NotEnoughHistory {
            readings,
            span: during,
        } => {
            let (over, during) = (span(&MIN_SPAN), span(during));
            let msg = Msg::ForecastNeedsHistory {
                need: count(MIN_READINGS),
                over: &over,
                have: count(*readings),
                during: &during,
            };
            t(locale, msg)
        }
        Forecast::UsedUp => t(locale, Msg::ForecastNothingLeft),
        Forecast::NoUse { .. } => t(locale, Msg::ForecastNoUse),
        Forecast::RunsOutBefore { at, margin, pace } => {
            let (pace, at, margin) = (amount(pace.per_hour), local_date_time(*at), span(margin));
            let msg = Msg::ForecastRunsOutBefore {
                pace: &pace,
                at: &at,
                margin: &margin,
            };
            t(locale, msg)
        }
        Forecast::LastsUntilExpiry {
            left_at_expiry,
            pace,
            ..
        } => {
            let (pace, left) = (amount(pace.per_hour), amount(*left_at_expiry as f64));
            t(
                locale,
                Msg::ForecastLasts {
                    pace: &pace,
                    left: &left,
                },
            )
        }
        Forecast::RunsOut { at, pace } => {
            let (pace, at) = (amount(pace.per_hour), local_date_time(*at));
            t(
                locale,
                Msg::ForecastRunsOut {
                    pace: &pace,
                    at: &at,
                },
            )
        }
    }
}

/// A benefit's balance over time as a sparkline, the forecast dashed, with the forecast
/// in words (the chart is decorative for screen readers; the sentence says it all).
#[component]
pub fn UsageChart(
    #[prop(into)] endpoint: String,
    #[prop(into)] unique_id: String,
    index: usize,
    benefit: Benefit,
    plan_expiry: Option<chrono::DateTime<chrono::Utc>>,
    units: UnitSystem,
) -> impl IntoView {
    let data = use_context::<Data>().unwrap_or_else(|| Data::new(Vec::new()));
    let minute = crate::clock::minute_from_context();
    let locale = locale();
    let label = i18n::kind_label(&locale, &benefit.kind);
    let heading = t(&locale, Msg::PaceAndForecastOf { kind: &label });
    let expires = benefit.expires_at.or(plan_expiry);
    let history = Memo::new(move |_| data.history(&endpoint, &unique_id, index));
    let forecast = Memo::new(move |_| {
        addon_usage_core::forecast::forecast(&history.get(), expires, minute.get())
    });
    let lines = move || sparkline(&history.get(), &forecast.get(), WIDTH, HEIGHT);
    let sentence = {
        let benefit = benefit.clone();
        move || forecast_sentence(&locale, &forecast.get(), &benefit, units)
    };

    view! {
        <div class="usage-chart">
            <h4>{heading}</h4>
            <Show when=move || { history.with(|h| h.readings.len() >= 2) }>
                <svg class="sparkline" viewBox=format!("0 0 {WIDTH} {HEIGHT}") aria-hidden="true" focusable="false">
                    <path class="history-line" d=move || lines().history_path()></path>
                    <path class="forecast-line" d=move || lines().forecast_path()></path>
                </svg>
            </Show>
            <p class="forecast-text">{sentence}</p>
        </div>
    }
}
