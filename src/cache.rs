//! The last answers, kept in localStorage so a reload shows them at once.
//!
//! Keys are namespaced and versioned (`addon-usage.v1.<what>`); each entry carries its
//! schema version. An entry that is corrupt or from another version is removed and
//! never rendered. Storage that is missing or throws only costs the cache: the widget
//! works from memory and says so once in the console.

use addon_usage_core::model::{AddonsSnapshot, Traveler};
use serde::{de::DeserializeOwned, Deserialize, Serialize};

/// The prefix of every key the widget owns.
pub const NAMESPACE: &str = "addon-usage.";
/// The schema version of entries written by this build.
pub const VERSION: u32 = 1;

/// A stored value with the schema version it was written with.
#[derive(Serialize, Deserialize)]
struct Entry<T> {
    version: u32,
    value: T,
}

/// The key of an endpoint's add-ons.
pub fn addons_key(endpoint_id: &str) -> String {
    format!("{NAMESPACE}v{VERSION}.endpoint.{endpoint_id}")
}

/// The key of the traveler's endpoints and purchases.
pub fn traveler_key() -> String {
    format!("{NAMESPACE}v{VERSION}.traveler")
}

/// The cached add-ons of an endpoint, if a valid entry exists.
pub fn load_addons(endpoint_id: &str) -> Option<AddonsSnapshot> {
    load(&addons_key(endpoint_id)).filter(|s: &AddonsSnapshot| s.endpoint_id == endpoint_id)
}

/// Keeps an endpoint's add-ons.
pub fn save_addons(snapshot: &AddonsSnapshot) {
    save(&addons_key(&snapshot.endpoint_id), snapshot);
}

/// The cached traveler, if a valid entry exists.
pub fn load_traveler() -> Option<Traveler> {
    load(&traveler_key())
}

/// Keeps the traveler.
pub fn save_traveler(traveler: &Traveler) {
    save(&traveler_key(), traveler);
}

fn storage() -> Option<web_sys::Storage> {
    let storage = web_sys::window().and_then(|w| w.local_storage().ok().flatten());
    if storage.is_none() {
        warn_once("localStorage is unavailable; figures are kept in memory only");
    }
    storage
}

fn load<T: DeserializeOwned>(key: &str) -> Option<T> {
    let storage = storage()?;
    let raw = storage.get_item(key).ok().flatten()?;
    match serde_json::from_str::<Entry<T>>(&raw) {
        Ok(entry) if entry.version == VERSION => Some(entry.value),
        _ => {
            // Corrupt, foreign or old: drop it rather than trust it.
            let _ = storage.remove_item(key);
            None
        }
    }
}

fn save<T: Serialize>(key: &str, value: &T) {
    let Some(storage) = storage() else {
        return;
    };
    let Ok(text) = serde_json::to_string(&Entry {
        version: VERSION,
        value,
    }) else {
        return;
    };
    if storage.set_item(key, &text).is_err() {
        warn_once("localStorage refused the write (full or disabled); using memory only");
    }
}

fn warn_once(message: &str) {
    use std::sync::atomic::{AtomicBool, Ordering};
    static WARNED: AtomicBool = AtomicBool::new(false);
    if !WARNED.swap(true, Ordering::Relaxed) {
        web_sys::console::warn_1(&format!("addon-usage: {message}").into());
    }
}
