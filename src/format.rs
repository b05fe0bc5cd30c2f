//! Dates and times for the traveler, through the browser's Intl API: in the traveler's
//! own zone, and in the SFT account's zone when the two differ.

use chrono::{DateTime, Utc};
use wasm_bindgen::JsValue;

/// The locale every formatter uses: the widget's, else the page's, else the browser's.
pub fn locale_list(locale: Option<&str>) -> js_sys::Array {
    let list = js_sys::Array::new();
    if let Some(locale) = locale {
        list.push(&JsValue::from_str(locale));
    }
    list
}

thread_local! {
    /// Every distinct formatter, built once per page: countdowns format every second.
    static FORMATTERS: std::cell::RefCell<std::collections::HashMap<String, Option<JsValue>>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

/// An `Intl.DateTimeFormat`, built once per locale and options; `None` when the browser
/// refuses the options (an unknown time zone throws, and that must not abort the widget).
fn formatter(
    locale: Option<&str>,
    options: &[(&str, &str)],
) -> Option<(js_sys::Function, JsValue)> {
    let key = format!("{locale:?}{options:?}");
    let instance = FORMATTERS.with(|cache| {
        let mut cache = cache.borrow_mut();
        if cache.len() > 256 {
            cache.clear();
        }
        cache
            .entry(key)
            .or_insert_with(|| build_formatter(locale, options))
            .clone()
    })?;
    let format = js_sys::Reflect::get(&instance, &"format".into()).ok()?;
    Some((format.into(), instance))
}

fn build_formatter(locale: Option<&str>, options: &[(&str, &str)]) -> Option<JsValue> {
    let opts = js_sys::Object::new();
    for (key, value) in options {
        let _ = js_sys::Reflect::set(&opts, &(*key).into(), &(*value).into());
    }
    let intl = js_sys::Reflect::get(&js_sys::global(), &"Intl".into()).ok()?;
    let constructor: js_sys::Function = js_sys::Reflect::get(&intl, &"DateTimeFormat".into())
        .ok()?
        .into();
    let arguments = js_sys::Array::of2(&locale_list(locale), &opts);
    js_sys::Reflect::construct(&constructor, &arguments).ok()
}

fn format_with(instant: DateTime<Utc>, locale: Option<&str>, options: &[(&str, &str)]) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(instant.timestamp_millis() as f64));
    formatter(locale, options)
        .and_then(|(format, instance)| format.call1(&instance, &date).ok())
        .and_then(|text| text.as_string())
        .unwrap_or_default()
}

/// The fields of a date with its time ("Sun 20 Dec, 18:40").
const DATE_TIME: &[(&str, &str)] = &[
    ("weekday", "short"),
    ("day", "numeric"),
    ("month", "short"),
    ("hour", "2-digit"),
    ("minute", "2-digit"),
];
/// The fields of a clock time ("18:40").
const TIME: &[(&str, &str)] = &[("hour", "2-digit"), ("minute", "2-digit")];

/// "Sun 20 Dec, 18:40" in the traveler's zone.
pub fn date_time(instant: DateTime<Utc>, locale: Option<&str>) -> String {
    format_with(instant, locale, DATE_TIME)
}

/// "18:40" in the traveler's zone.
pub fn time(instant: DateTime<Utc>, locale: Option<&str>) -> String {
    format_with(instant, locale, TIME)
}

/// "18:40" in `zone` (an IANA name); empty if the browser does not know the zone.
pub fn time_in_zone(instant: DateTime<Utc>, zone: &str, locale: Option<&str>) -> String {
    in_zone(instant, zone, locale, TIME)
}

/// "Sun 20 Dec, 18:40" in `zone`; empty if the browser does not know the zone.
pub fn date_time_in_zone(instant: DateTime<Utc>, zone: &str, locale: Option<&str>) -> String {
    in_zone(instant, zone, locale, DATE_TIME)
}

fn in_zone(
    instant: DateTime<Utc>,
    zone: &str,
    locale: Option<&str>,
    fields: &[(&str, &str)],
) -> String {
    if !zone_known(zone) {
        return String::new();
    }
    let mut options = fields.to_vec();
    options.push(("timeZone", zone));
    format_with(instant, locale, &options)
}

/// The traveler's own IANA zone, as the browser reports it.
pub fn traveler_zone() -> String {
    let formatter =
        js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new());
    let options = formatter.resolved_options();
    js_sys::Reflect::get(&options, &"timeZone".into())
        .ok()
        .and_then(|z| z.as_string())
        .unwrap_or_else(|| "UTC".into())
}

/// Whether the traveler's zone differs from `zone` at `instant` (same offset counts as
/// the same, so "Europe/Paris" and "Europe/Brussels" are not shown twice).
pub fn zone_differs(instant: DateTime<Utc>, zone: &str) -> bool {
    zone_known(zone) && time_in_zone(instant, zone, Some("en-GB")) != time(instant, Some("en-GB"))
}

/// The city part of a zone name for people: "Europe/Brussels" → "Brussels".
pub fn zone_city(zone: &str) -> String {
    zone.rsplit('/').next().unwrap_or(zone).replace('_', " ")
}

fn zone_known(zone: &str) -> bool {
    formatter(None, &[("timeZone", zone)]).is_some()
}
