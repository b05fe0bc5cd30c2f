//! What the host page tells the widget, read from the mount element's data attributes.

use addon_usage_core::units::UnitSystem;

/// The widget's configuration.
#[derive(Clone, Debug, PartialEq)]
pub struct WidgetConfig {
    /// Where the proxy's API lives; empty means the page's own origin.
    pub api_base: String,
    /// How data amounts are written.
    pub units: UnitSystem,
    /// Whether to register the offline service worker (the standalone page does).
    pub offline_shell: bool,
}

impl Default for WidgetConfig {
    fn default() -> Self {
        Self {
            api_base: String::new(),
            units: UnitSystem::Decimal,
            offline_shell: true,
        }
    }
}

impl WidgetConfig {
    /// Reads `data-api-base`, `data-units` (`decimal` or `binary`) and `data-offline`
    /// (`false` to skip the service worker) from the mount element.
    pub fn from_element(element: &web_sys::Element) -> Self {
        let defaults = Self::default();
        let attribute = |name: &str| element.get_attribute(name).map(|v| v.trim().to_owned());
        Self {
            api_base: attribute("data-api-base")
                .map(|base| base.trim_end_matches('/').to_owned())
                .unwrap_or(defaults.api_base),
            units: match attribute("data-units").as_deref() {
                Some("binary") => UnitSystem::Binary,
                _ => UnitSystem::Decimal,
            },
            offline_shell: attribute("data-offline").as_deref() != Some("false"),
        }
    }
}
