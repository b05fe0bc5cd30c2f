use addon_usage_core::countdown::short_span;
use addon_usage_core::forecast::{sparkline, Forecast, MIN_READINGS, MIN_SPAN};
use addon_usage_core::model::Benefit;
use addon_usage_core::units::{format_amount, kind_label, UnitSystem};
use leptos::prelude::*;

use crate::clock::now_from_context;
use crate::components::local_date_time;
use crate::data::Data;

const WIDTH: f64 = 320.0;
const HEIGHT: f64 = 90.0;

/// What the pace says, as a sentence.
fn forecast_sentence(forecast: &Forecast, benefit: &Benefit, units: UnitSystem) -> String {
    let amount = |n: f64| format_amount(&benefit.kind, n.round() as i64, units);
    match forecast {
        Forecast::NotEnoughHistory { readings, span } => format!(
            "Not enough history for a forecast yet: we need at least {MIN_READINGS} readings over {} (have {readings} over {}).",
            short_span(MIN_SPAN.num_seconds()),
            short_span(span.num_seconds()),
        ),
        Forecast::UsedUp => "Nothing left to forecast.".into(),
        Forecast::NoUse { .. } => "No use since the readings began: it lasts until expiry.".into(),
        Forecast::RunsOutBefore { at, margin, pace } => format!(
            "At this pace ({} an hour) it runs out {}, {} before it expires.",
            amount(pace.per_hour),
            local_date_time(*at),
            short_span(margin.num_seconds())
        ),
        Forecast::LastsUntilExpiry { left_at_expiry, pace, .. } => format!(
            "At this pace ({} an hour) it lasts until expiry, with about {} left.",
            amount(pace.per_hour),
            format_amount(&benefit.kind, *left_at_expiry, units)
        ),
        Forecast::RunsOut { at, pace } => format!(
            "At this pace ({} an hour) it runs out {}.",
            amount(pace.per_hour),
            local_date_time(*at)
        ),
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
    let now = now_from_context().0;
    let label = kind_label(&benefit.kind).to_owned();
    let expires = benefit.expires_at.or(plan_expiry);
    let history = Memo::new(move |_| data.history(&endpoint, &unique_id, index));
    let forecast = Memo::new(move |_| {
        addon_usage_core::forecast::forecast(&history.get(), expires, now.get())
    });
    let lines = move || sparkline(&history.get(), &forecast.get(), WIDTH, HEIGHT);
    let sentence = {
        let benefit = benefit.clone();
        move || forecast_sentence(&forecast.get(), &benefit, units)
    };

    view! {
        <div class="usage-chart">
            <h4>{format!("{label}: pace and forecast")}</h4>
            <svg class="sparkline" viewBox=format!("0 0 {WIDTH} {HEIGHT}") aria-hidden="true" focusable="false">
                <path class="history-line" d=move || lines().history_path()></path>
                <path class="forecast-line" d=move || lines().forecast_path()></path>
            </svg>
            <p class="forecast-text">{sentence}</p>
        </div>
    }
}
