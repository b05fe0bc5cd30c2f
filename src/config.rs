//! What the host page tells a widget: the `<addon-usage>` element's attributes and JS
//! properties, read once per mount (a change of either remounts the widget).

use addon_usage_core::model::Purchase;
use addon_usage_core::units::UnitSystem;
use wasm_bindgen::JsValue;

/// Every attribute the element reads; a change to any of them remounts the widget.
pub const ATTRIBUTES: &[&str] = &[
    "api-base",
    "token-url",
    "traveler",
    "purchases-url",
    "endpoints",
    "locale",
    "units",
    "sft-time-zone",
    "warn-low",
    "warn-very-low",
    "refresh-minutes",
    "route-mode",
    "route-base",
    "theme",
    "offline-shell",
];

/// How the widget's views show in the URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RouteMode {
    /// Views live in the widget only; the host's URL never changes (the default).
    State,
    /// Views are paths under `base` in the page URL: deep links and the back button work.
    History {
        /// The path prefix the widget owns, such as `/usage`.
        base: String,
    },
}

/// The widget's configuration.
#[derive(Clone, Debug, PartialEq)]
pub struct WidgetConfig {
    /// Where the proxy's API lives; empty means the page's own origin.
    pub api_base: String,
    /// Where to fetch the traveler's token (`{"token": "..."}`), if any.
    pub token_url: Option<String>,
    /// A token the portal set on the element's `token` property.
    pub token: Option<String>,
    /// The portal's id of the traveler (only its hash is stored), which picks the cache.
    pub traveler: Option<String>,
    /// Where to fetch the traveler's purchases instead of the proxy, if anywhere.
    pub purchases_url: Option<String>,
    /// Purchases the portal set on the element's `purchases` property.
    pub purchases: Option<Vec<Purchase>>,
    /// Only these endpoints, when given.
    pub endpoints: Vec<String>,
    /// The locale asked for (`fr`, `de-CH`, ...), else the page's, else the browser's.
    pub locale: Option<String>,
    /// How data amounts are written.
    pub units: UnitSystem,
    /// The SFT account's zone, when the portal wants to override the proxy's.
    pub sft_time_zone: Option<String>,
    /// Low-balance warning threshold in percent.
    pub warn_low: u8,
    /// Very-low-balance warning threshold in percent.
    pub warn_very_low: u8,
    /// Automatic refresh interval in minutes (at least 5).
    pub refresh_minutes: u32,
    /// How views show in the URL.
    pub route_mode: RouteMode,
    /// `light` or `dark` to force a theme; otherwise the system preference.
    pub theme: Option<String>,
    /// Whether to register the offline service worker (the standalone page does).
    pub offline_shell: bool,
}

impl Default for WidgetConfig {
    fn default() -> Self {
        Self {
            api_base: String::new(),
            token_url: None,
            token: None,
            traveler: None,
            purchases_url: None,
            purchases: None,
            endpoints: Vec::new(),
            locale: None,
            units: UnitSystem::Decimal,
            sft_time_zone: None,
            warn_low: 20,
            warn_very_low: 10,
            refresh_minutes: 15,
            route_mode: RouteMode::State,
            theme: None,
            offline_shell: false,
        }
    }
}

impl WidgetConfig {
    /// Builds a configuration from attribute values (`lookup(name)`); unreadable values
    /// fall back to the defaults, and each problem is returned for the console.
    pub fn from_attributes(lookup: impl Fn(&str) -> Option<String>) -> (Self, Vec<String>) {
        let defaults = Self::default();
        let mut problems = Vec::new();
        let text = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let mut number =
            |name: &str, default: u32, range: std::ops::RangeInclusive<u32>| match text(name)
                .map(|v| v.parse::<u32>())
            {
                None => default,
                Some(Ok(value)) if range.contains(&value) => value,
                Some(Ok(value)) => {
                    let clamped = value.clamp(*range.start(), *range.end());
                    problems.push(format!("{name}={value} is out of range; using {clamped}"));
                    clamped
                }
                Some(Err(_)) => {
                    problems.push(format!("{name} is not a whole number; using {default}"));
                    default
                }
            };
        let warn_low = number("warn-low", defaults.warn_low.into(), 1..=99) as u8;
        let warn_very_low = number("warn-very-low", defaults.warn_very_low.into(), 0..=98) as u8;
        let refresh_minutes = number("refresh-minutes", defaults.refresh_minutes, 5..=1440);

        let (warn_low, warn_very_low) = if warn_very_low < warn_low {
            (warn_low, warn_very_low)
        } else {
            problems.push("warn-very-low must be below warn-low; using 20 and 10".into());
            (defaults.warn_low, defaults.warn_very_low)
        };
        let route_mode = match text("route-mode").as_deref() {
            Some("history") => RouteMode::History {
                base: text("route-base")
                    .map(|b| normalise_base(&b))
                    .unwrap_or_default(),
            },
            None | Some("state") => RouteMode::State,
            Some(other) => {
                problems.push(format!("route-mode={other} is unknown; using state"));
                RouteMode::State
            }
        };
        let config = Self {
            api_base: text("api-base")
                .map(|b| b.trim_end_matches('/').to_owned())
                .unwrap_or_default(),
            token_url: text("token-url"),
            traveler: text("traveler"),
            purchases_url: text("purchases-url"),
            endpoints: text("endpoints")
                .map(|list| {
                    list.split([',', ' '])
                        .filter(|e| !e.is_empty())
                        .map(String::from)
                        .collect()
                })
                .unwrap_or_default(),
            locale: text("locale"),
            units: match text("units").as_deref() {
                Some("binary") => UnitSystem::Binary,
                _ => UnitSystem::Decimal,
            },
            sft_time_zone: text("sft-time-zone"),
            warn_low,
            warn_very_low,
            refresh_minutes,
            route_mode,
            theme: text("theme").filter(|t| t == "light" || t == "dark"),
            offline_shell: lookup("offline-shell").is_some(),
            ..defaults
        };
        (config, problems)
    }

    /// Reads the element's attributes and its `purchases` and `token` properties.
    pub fn from_host(host: &web_sys::HtmlElement) -> Self {
        let (mut config, problems) = Self::from_attributes(|name| host.get_attribute(name));
        for problem in problems {
            web_sys::console::warn_1(&format!("addon-usage: {problem}").into());
        }
        let property = |name: &str| js_sys::Reflect::get(host, &JsValue::from_str(name)).ok();
        config.token = property("token").and_then(|t| t.as_string());
        config.purchases = property("purchases")
            .filter(|p| !p.is_undefined() && !p.is_null())
            .and_then(|p| match serde_wasm_purchases(&p) {
                Ok(list) => Some(list),
                Err(error) => {
                    web_sys::console::warn_1(
                        &format!("addon-usage: the purchases property is unreadable: {error}")
                            .into(),
                    );
                    None
                }
            });
        config
    }
}

/// `/usage/` and `usage` both become `/usage`; `/` becomes the empty base.
fn normalise_base(base: &str) -> String {
    let trimmed = base.trim().trim_matches('/');
    if trimmed.is_empty() {
        String::new()
    } else {
        format!("/{trimmed}")
    }
}

/// Reads purchases given as a JS array of objects, through JSON.
fn serde_wasm_purchases(value: &JsValue) -> Result<Vec<Purchase>, String> {
    let json = js_sys::JSON::stringify(value)
        .map_err(|_| "not serialisable".to_owned())?
        .as_string()
        .unwrap_or_default();
    serde_json::from_str(&json).map_err(|e| e.to_string())
}
