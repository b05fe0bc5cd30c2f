//! The `<addon-usage>` custom element: one widget per element, rendered in the element's
//! shadow root with its own styles, configured by attributes and JS properties, and
//! stopped (timers, listeners, requests) when the element leaves the page.
//!
//! `element.forgetTraveler(id?)` is the portal's logout: it stops the widget and removes
//! every cached entry of that traveler (default: the `traveler` attribute), returning how
//! many were removed; a new `traveler` attribute or `token` starts it again.
//!
//! The element class itself is a few lines of JavaScript shipped as a wasm-bindgen snippet
//! (a separate module file, so no `eval` and no inline script is needed under a CSP).

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::config::{WidgetConfig, ATTRIBUTES};
use crate::App;

/// The element's tag name.
pub const TAG: &str = "addon-usage";

/// The widget's stylesheet, adopted by every shadow root.
const STYLESHEET: &str = include_str!("../style/widget.css");

#[wasm_bindgen(inline_js = r#"
export function defineAddonUsage(tag, attributes, mount, unmount, forget) {
  if (customElements.get(tag)) return;
  class AddonUsageElement extends HTMLElement {
    static get observedAttributes() { return attributes; }
    constructor() {
      super();
      this.attachShadow({ mode: "open" });
      this._mounted = 0;
      this._purchases = undefined;
      this._token = undefined;
    }
    connectedCallback() { this._restart(); }
    disconnectedCallback() { this._stop(); }
    attributeChangedCallback() {
      if (this.isConnected && (this._mounted || this._forgotten)) this._restart();
    }
    get purchases() { return this._purchases; }
    set purchases(value) { this._purchases = value; if (this._mounted) this._restart(); }
    get token() { return this._token; }
    set token(value) {
      this._token = value;
      if (this._mounted || this._forgotten) this._restart();
    }
    forgetTraveler(traveler) {
      // Logout: stop first (no request may write the cache again), then forget. A new
      // traveler's attribute or token starts the widget again.
      this._stop();
      this._forgotten = this.isConnected;
      return forget(traveler ?? this.getAttribute("traveler") ?? "");
    }
    _restart() {
      this._stop();
      this._forgotten = false;
      this._mounted = mount(this, this.shadowRoot);
    }
    _stop() { if (this._mounted) { unmount(this._mounted); this._mounted = 0; } }
  }
  customElements.define(tag, AddonUsageElement);
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = defineAddonUsage)]
    fn define_addon_usage(
        tag: &str,
        attributes: js_sys::Array,
        mount: &Closure<dyn Fn(web_sys::HtmlElement, web_sys::ShadowRoot) -> u32>,
        unmount: &Closure<dyn Fn(u32)>,
        forget: &Closure<dyn Fn(String) -> u32>,
    );
}

thread_local! {
    static MOUNTED: RefCell<HashMap<u32, Box<dyn std::any::Any>>> = RefCell::new(HashMap::new());
    static NEXT_ID: Cell<u32> = const { Cell::new(1) };
    static SHEET: RefCell<Option<web_sys::CssStyleSheet>> = const { RefCell::new(None) };
}

/// The element hosting a widget, for dispatching events to the portal.
#[derive(Clone)]
pub struct Host(pub web_sys::HtmlElement);

/// Defines `<addon-usage>` (once per page).
pub fn define() {
    let attributes: js_sys::Array = ATTRIBUTES.iter().map(|a| JsValue::from_str(a)).collect();
    let mount = Closure::<dyn Fn(web_sys::HtmlElement, web_sys::ShadowRoot) -> u32>::new(mount);
    let unmount = Closure::<dyn Fn(u32)>::new(|id: u32| {
        // Dropping the handle unmounts the view and runs every cleanup (timers, listeners).
        let handle = MOUNTED.with(|m| m.borrow_mut().remove(&id));
        drop(handle);
    });
    let forget = Closure::<dyn Fn(String) -> u32>::new(|traveler: String| {
        crate::cache::forget_traveler(&traveler) as u32
    });
    define_addon_usage(TAG, attributes, &mount, &unmount, &forget);
    // The element class lives as long as the page; so do its callbacks.
    mount.forget();
    unmount.forget();
    forget.forget();
}

/// Mounts one widget into `root` for `host`; returns the id to unmount it with.
fn mount(host: web_sys::HtmlElement, root: web_sys::ShadowRoot) -> u32 {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return 0;
    };
    root.set_inner_html("");
    adopt_stylesheet(&root);
    let Ok(container) = document.create_element("div") else {
        return 0;
    };
    container.set_class_name("addon-usage");
    if root.append_child(&container).is_err() {
        return 0;
    }
    let Ok(container) = container.dyn_into::<web_sys::HtmlElement>() else {
        return 0;
    };

    let config = WidgetConfig::from_host(&host);
    if config.offline_shell {
        // Relative to the widget's base, not to the page: a deep link such as
        // /addon/880154/5512001 must not look for /addon/880154/sw.js.
        let script = match &config.route_mode {
            crate::config::RouteMode::History { base } => format!("{base}/sw.js"),
            crate::config::RouteMode::State => "sw.js".to_owned(),
        };
        crate::register_service_worker(&script);
    }
    let host_for_app = Host(host);
    let handle = leptos::mount::mount_to(container, move || {
        provide_context(host_for_app.clone());
        view! { <App config=config.clone() /> }
    });

    let id = NEXT_ID.with(|n| {
        let id = n.get();
        n.set(id.wrapping_add(1).max(1));
        id
    });
    MOUNTED.with(|m| m.borrow_mut().insert(id, Box::new(handle)));
    id
}

/// Gives the shadow root the widget's stylesheet, parsed once per page. Constructed
/// stylesheets need no `'unsafe-inline'` in the host's CSP.
fn adopt_stylesheet(root: &web_sys::ShadowRoot) {
    let sheet = SHEET.with(|cell| {
        let mut cell = cell.borrow_mut();
        if cell.is_none() {
            *cell = web_sys::CssStyleSheet::new().ok().inspect(|s| {
                let _ = s.replace_sync(STYLESHEET);
            });
        }
        cell.clone()
    });
    match sheet {
        Some(sheet) => {
            let sheets = js_sys::Array::of1(&sheet);
            let _ = js_sys::Reflect::set(root, &"adoptedStyleSheets".into(), &sheets);
        }
        None => web_sys::console::warn_1(&"addon-usage: styles could not be applied".into()),
    }
}

/// The number of widgets currently mounted on the page (for leak tests).
pub fn mounted_count() -> usize {
    MOUNTED.with(|m| m.borrow().len())
}
