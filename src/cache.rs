//! The widget's own corner of localStorage: the last answers, per traveler.
//!
//! Keys are namespaced, versioned and tagged with a hash of the traveler id
//! (`addon-usage.v1.<tag>.<what>`); every entry carries its schema version, owner and
//! save time. An entry that is corrupt, from another version, of another traveler or
//! older than the maximum age is removed and never rendered. The total is bounded: the
//! oldest entries go first. When storage is missing, full or throwing, the widget keeps
//! working from memory and says so once in the console. It never calls `clear()` and only
//! ever touches its own keys. The rules live in `addon_usage_core::store`.

use std::cell::RefCell;
use std::collections::HashMap;

use addon_usage_core::store::{self, CacheKey, Envelope, TravelerTag};
use chrono::{Duration, Utc};
use serde::{de::DeserializeOwned, Serialize};

pub use addon_usage_core::store::{addons_slot, TRAVELER_SLOT};

/// Entries older than this are personal data kept too long: dropped on sight.
pub const MAX_AGE: Duration = store::DEFAULT_MAX_AGE;

thread_local! {
    /// Used when localStorage is unavailable: lasts as long as the page.
    static MEMORY: RefCell<HashMap<String, String>> = RefCell::new(HashMap::new());
}

/// One traveler's cache.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cache {
    traveler_id: String,
}

impl Cache {
    /// The cache of `traveler_id` (the portal's id for the traveler; only its hash is
    /// written to storage).
    pub fn new(traveler_id: &str) -> Self {
        Self {
            traveler_id: traveler_id.to_owned(),
        }
    }

    /// The storage key of `what` for this traveler.
    pub fn key(&self, what: &str) -> String {
        CacheKey::new(&self.traveler_id, what).to_string()
    }

    /// A valid entry, or `None` (an invalid one is removed).
    pub fn load<T: DeserializeOwned>(&self, what: &str) -> Option<T> {
        let key = self.key(what);
        let raw = read(&key)?;
        let owner = TravelerTag::of(&self.traveler_id);
        match store::decode(&raw, &owner, Utc::now(), MAX_AGE) {
            Ok(value) => Some(value),
            Err(rejected) => {
                web_sys::console::info_1(&format!("addon-usage: dropped {key}: {rejected}").into());
                remove(&key);
                None
            }
        }
    }

    /// Keeps `value`, trimming the oldest entries when over budget.
    pub fn save<T: Serialize>(&self, what: &str, value: &T) {
        let envelope = Envelope::new(TravelerTag::of(&self.traveler_id), Utc::now(), value);
        let Ok(raw) = envelope.encode() else {
            return;
        };
        write(&self.key(what), &raw);
        sweep();
    }
}

/// Removes every entry of `traveler_id` (for the portal's logout). Other travelers'
/// entries and every key outside the widget's namespace are left alone.
pub fn forget_traveler(traveler_id: &str) -> usize {
    let keys = all_keys();
    let doomed = store::plan_forget(keys.iter().map(String::as_str), traveler_id);
    for key in &doomed {
        remove(key);
    }
    doomed.len()
}

/// Drops entries that are corrupt, foreign, too old or over the size budget.
pub fn sweep() {
    let entries: Vec<(String, String)> = all_keys()
        .into_iter()
        .filter_map(|k| read(&k).map(|raw| (k, raw)))
        .collect();
    let borrowed: Vec<(&str, &str)> = entries
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    for key in store::plan_sweep(&borrowed, Utc::now(), MAX_AGE, store::DEFAULT_BUDGET_BYTES) {
        remove(&key);
    }
}

fn storage() -> Option<web_sys::Storage> {
    let storage = web_sys::window().and_then(|w| w.local_storage().ok().flatten());
    if storage.is_none() {
        warn_once("localStorage is unavailable; figures are kept in memory only");
    }
    storage
}

fn all_keys() -> Vec<String> {
    let Some(storage) = storage() else {
        return MEMORY.with(|m| m.borrow().keys().cloned().collect());
    };
    let count = storage.length().unwrap_or(0);
    (0..count)
        .filter_map(|i| storage.key(i).ok().flatten())
        .filter(|k| store::is_ours(k))
        .collect()
}

fn read(key: &str) -> Option<String> {
    match storage() {
        Some(storage) => match storage.get_item(key) {
            Ok(Some(value)) => Some(value),
            Ok(None) => MEMORY.with(|m| m.borrow().get(key).cloned()),
            Err(_) => {
                warn_once("localStorage refused a read; using memory only");
                MEMORY.with(|m| m.borrow().get(key).cloned())
            }
        },
        None => MEMORY.with(|m| m.borrow().get(key).cloned()),
    }
}

fn write(key: &str, raw: &str) {
    let stored = storage().is_some_and(|s| s.set_item(key, raw).is_ok());
    if !stored {
        warn_once("localStorage refused the write (full or disabled); using memory only");
        MEMORY.with(|m| m.borrow_mut().insert(key.to_owned(), raw.to_owned()));
    }
}

fn remove(key: &str) {
    if let Some(storage) = storage() {
        let _ = storage.remove_item(key);
    }
    MEMORY.with(|m| m.borrow_mut().remove(key));
}

fn warn_once(message: &str) {
    use std::sync::atomic::{AtomicBool, Ordering};
    static WARNED: AtomicBool = AtomicBool::new(false);
    if !WARNED.swap(true, Ordering::Relaxed) {
        web_sys::console::warn_1(&format!("addon-usage: {message}").into());
    }
}

/// The `sub` claim of a JWT, read without verifying it: only used to pick the cache.
pub fn token_subject(token: &str) -> Option<String> {
    let payload = token.split('.').nth(1)?;
    let mut base64: String = payload
        .chars()
        .map(|c| match c {
            '-' => '+',
            '_' => '/',
            c => c,
        })
        .collect();
    while !base64.len().is_multiple_of(4) {
        base64.push('=');
    }
    let json = web_sys::window()?.atob(&base64).ok()?;
    let claims: serde_json::Value = serde_json::from_str(&json).ok()?;
    claims.get("sub")?.as_str().map(str::to_owned)
}
