//! The widget's views and how they show in the URL.
//!
//! A widget lives in someone else's page, so it never listens to the host's links: only
//! its own links navigate, and in the default `state` mode the host's URL never changes.
//! In `history` mode, views are paths under the configured base, pushed to the history,
//! so deep links and the back button work.

use leptos::prelude::*;
use wasm_bindgen::JsValue;

use crate::config::RouteMode;

/// A view of the widget.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum View {
    /// Every endpoint with its add-ons.
    Overview,
    /// One add-on instance in detail.
    Addon {
        /// The endpoint the instance is on.
        endpoint: String,
        /// SFT `uniqueId`.
        unique_id: String,
    },
    /// Every instance of one add-on plan on an endpoint, as a timeline.
    Plan {
        /// The endpoint.
        endpoint: String,
        /// SFT `planId` (the portal's `addonId`).
        addon_id: String,
    },
}

impl View {
    /// The view's path below the widget's base: `/`, `/addon/880154/5512001`,
    /// `/plan/880154/3101`.
    pub fn path(&self) -> String {
        match self {
            View::Overview => "/".into(),
            View::Addon {
                endpoint,
                unique_id,
            } => format!("/addon/{endpoint}/{unique_id}"),
            View::Plan { endpoint, addon_id } => format!("/plan/{endpoint}/{addon_id}"),
        }
    }

    /// Reads a path below the base; anything unknown is the overview.
    pub fn parse(path: &str) -> View {
        let digits =
            |s: &str| !s.is_empty() && s.len() <= 20 && s.bytes().all(|b| b.is_ascii_digit());
        let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
        match parts.as_slice() {
            ["addon", endpoint, id] if digits(endpoint) && digits(id) => View::Addon {
                endpoint: (*endpoint).into(),
                unique_id: (*id).into(),
            },
            ["plan", endpoint, id] if digits(endpoint) && digits(id) => View::Plan {
                endpoint: (*endpoint).into(),
                addon_id: (*id).into(),
            },
            _ => View::Overview,
        }
    }
}

/// Moves between views; shared through context.
#[derive(Clone)]
pub struct Navigator {
    view: RwSignal<View>,
    mode: RouteMode,
}

impl Navigator {
    /// Starts navigation for one widget: reads the current view from the URL in history
    /// mode and follows the back and forward buttons until the widget unmounts.
    pub fn start(mode: RouteMode) -> Self {
        let initial = match &mode {
            RouteMode::State => View::Overview,
            RouteMode::History { base } => View::parse(&path_below(base).unwrap_or_default()),
        };
        let view = RwSignal::new(initial);
        if let RouteMode::History { base } = &mode {
            let base = base.clone();
            let listener = window_event_listener(leptos::ev::popstate, move |_| {
                if let Some(path) = path_below(&base) {
                    view.set(View::parse(&path));
                }
            });
            on_cleanup(move || listener.remove());
        }
        Self { view, mode }
    }

    /// The current view (tracked).
    pub fn current(&self) -> View {
        self.view.get()
    }

    /// The `href` for a link to `view`.
    pub fn href(&self, view: &View) -> String {
        match &self.mode {
            RouteMode::State => "#".into(),
            RouteMode::History { base } => format!("{base}{}", view.path()),
        }
    }

    /// Shows `view`, recording it in the page history in history mode.
    pub fn go(&self, view: View) {
        if let RouteMode::History { .. } = &self.mode {
            let url = self.href(&view);
            let history = web_sys::window().and_then(|w| w.history().ok());
            if let Some(history) = history {
                let _ = history.push_state_with_url(&JsValue::NULL, "", Some(&url));
            }
        }
        self.view.set(view);
    }
}

/// The page's path below `base`, if the page is under it.
fn path_below(base: &str) -> Option<String> {
    let path = web_sys::window()?.location().pathname().ok()?;
    let rest = path.strip_prefix(base)?;
    (rest.is_empty() || rest.starts_with('/')).then(|| rest.to_owned())
}

/// A link to another view of the widget: a real link (keyboard, middle click and copy
/// work in history mode), handled in the widget on a plain click.
#[component]
pub fn ViewLink(
    to: View,
    #[prop(optional, into)] class: String,
    children: Children,
) -> impl IntoView {
    let navigator = use_context::<Navigator>();
    let href = navigator
        .as_ref()
        .map(|n| n.href(&to))
        .unwrap_or_else(|| "#".into());
    let on_click = move |ev: leptos::ev::MouseEvent| {
        let modified = ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.alt_key();
        if ev.button() != 0 || modified {
            return;
        }
        if let Some(navigator) = &navigator {
            ev.prevent_default();
            navigator.go(to.clone());
        }
    };
    view! { <a href=href class=class on:click=on_click>{children()}</a> }
}

#[cfg(test)]
mod tests {
    use super::View;

    #[test]
    fn views_round_trip_through_their_paths() {
        let views = [
            View::Overview,
            View::Addon {
                endpoint: "880154".into(),
                unique_id: "5512001".into(),
            },
            View::Plan {
                endpoint: "880154".into(),
                addon_id: "3101".into(),
            },
        ];

        for view in views {
            assert_eq!(View::parse(&view.path()), view);
        }
    }

    #[test]
    fn unknown_or_malformed_paths_show_the_overview() {
        for path in [
            "",
            "/",
            "/addon",
            "/addon/88/x1",
            "/plan/1",
            "/elsewhere/1/2",
            "/addon/1/2/3",
        ] {
            assert_eq!(View::parse(path), View::Overview, "{path}");
        }
    }
}
