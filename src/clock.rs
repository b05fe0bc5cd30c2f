//! The one clock every countdown reads: a signal holding `now`, ticking once a second,
//! and the same clock to the minute for work that need not run every second (warnings,
//! grouping, summaries, forecasts).

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use std::time::Duration;

/// The current instant, shared through context.
#[derive(Clone, Copy)]
pub struct Now(pub ReadSignal<DateTime<Utc>>);

/// The shared clock truncated to the minute: changes once a minute.
#[derive(Clone, Copy)]
pub struct Minute(pub Memo<DateTime<Utc>>);

/// Starts the shared clock for the current owner and stops it when the owner is dropped
/// (the widget unmounts).
pub fn use_clock() -> Now {
    let (now, set_now) = signal(Utc::now());
    let ticker = set_interval_with_handle(move || set_now.set(Utc::now()), Duration::from_secs(1));
    match ticker {
        Ok(handle) => on_cleanup(move || handle.clear()),
        Err(error) => web_sys::console::warn_2(&"addon-usage: clock not running".into(), &error),
    }
    provide_context(Minute(Memo::new(move |_| to_minute(now.get()))));
    Now(now)
}

fn to_minute(at: DateTime<Utc>) -> DateTime<Utc> {
    let seconds = at.timestamp() - at.timestamp().rem_euclid(60);
    DateTime::from_timestamp(seconds, 0).unwrap_or(at)
}

/// The minute clock from context, or a still one (components rendered alone).
pub fn minute_from_context() -> Memo<DateTime<Utc>> {
    use_context::<Minute>()
        .map(|m| m.0)
        .unwrap_or_else(|| Memo::new(|_| Utc::now()))
}

/// The shared clock from context, or a still clock at the current instant (tests that
/// render a component alone).
pub fn now_from_context() -> Now {
    use_context::<Now>().unwrap_or_else(|| Now(signal(Utc::now()).0))
}
