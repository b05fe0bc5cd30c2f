//! The rules of the widget's localStorage cache, as pure functions; the widget's thin
//! storage layer does the reading, writing and removing.
//!
//! - Keys are `addon-usage.v<version>.<traveler tag>.<what>`: namespaced, versioned,
//!   and per traveler. The tag is a hash of the traveler id ([`TravelerTag`]), so no
//!   raw id appears in key listings; `<what>` is sanitised to `[A-Za-z0-9_-]`.
//! - Every value is an [`Envelope`] with its schema version, owner and save time.
//!   [`decode`] accepts an entry only when it is readable, of this version, of the
//!   expected traveler and not older than the maximum age; otherwise it says why
//!   ([`Rejected`]) and the caller removes the entry. Nothing rejected is ever shown.
//! - Size is bounded: [`plan_trim`] picks the oldest entries to remove; [`plan_sweep`]
//!   adds everything unreadable, foreign or too old. Keys outside the namespace are
//!   never picked, so the host page's own entries are safe.

use std::fmt;

use chrono::{DateTime, Duration, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The prefix of every key the widget owns (the namespace followed by a dot).
pub const PREFIX: &str = "addon-usage.";

/// The schema version of keys and envelopes written by this build.
pub const VERSION: u32 = 1;

/// The default size budget for all the widget's entries, in bytes as browsers count
/// them (see [`stored_size`]). The widget shares the host page's storage quota.
pub const DEFAULT_BUDGET_BYTES: usize = 256 * 1024;

/// The default maximum age of an entry: personal data older than this is dropped.
pub const DEFAULT_MAX_AGE: Duration = Duration::days(30);

/// How far in the future an entry's save time may be (a clock set back) before the
/// entry is distrusted.
pub const FUTURE_TOLERANCE: Duration = Duration::days(1);

/// The `<what>` of the traveler's endpoints and purchases.
pub const TRAVELER_SLOT: &str = "traveler";

/// A traveler as named in keys and envelopes: a 64-bit FNV-1a hash of the traveler id,
/// as 16 lowercase hex digits. It keeps ids out of key listings; it is not a secret (a
/// guessable id can be confirmed from its tag).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TravelerTag(String);

impl TravelerTag {
    /// The tag of a traveler id.
    pub fn of(traveler_id: &str) -> Self {
        TravelerTag(short_hash(traveler_id))
    }

    /// The tag as written in keys.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Reads a tag from a key segment: exactly 16 lowercase hex digits.
    fn parse(text: &str) -> Option<Self> {
        let hex = |c: char| c.is_ascii_digit() || ('a'..='f').contains(&c);
        (text.len() == 16 && text.chars().all(hex)).then(|| TravelerTag(text.to_owned()))
    }
}

impl fmt::Display for TravelerTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A 64-bit FNV-1a hash of `text`, as 16 lowercase hex digits.
pub fn short_hash(text: &str) -> String {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let hash = text.bytes().fold(OFFSET, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(PRIME)
    });
    format!("{hash:016x}")
}

/// The `<what>` of an endpoint's add-ons, with the endpoint id hashed like the traveler.
pub fn addons_slot(endpoint_id: &str) -> String {
    format!("addons-{}", short_hash(endpoint_id))
}

/// A key of the widget's namespace, taken apart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CacheKey {
    /// The schema version the key was written with.
    pub version: u32,
    /// Whose entry it is.
    pub owner: TravelerTag,
    /// What it holds, such as [`TRAVELER_SLOT`] or an [`addons_slot`].
    pub what: String,
}

impl CacheKey {
    /// The key of this build for `traveler_id`'s `what`. Characters of `what` outside
    /// `[A-Za-z0-9_-]` become `_` (an empty `what` becomes `_`).
    pub fn new(traveler_id: &str, what: &str) -> Self {
        let sanitised: String = what
            .chars()
            .map(|c| if allowed_in_what(c) { c } else { '_' })
            .collect();
        CacheKey {
            version: VERSION,
            owner: TravelerTag::of(traveler_id),
            what: if sanitised.is_empty() {
                "_".to_owned()
            } else {
                sanitised
            },
        }
    }

    /// Takes a key apart; `None` when it is not of the form this module writes (of any
    /// version).
    pub fn parse(key: &str) -> Option<Self> {
        let rest = key.strip_prefix(PREFIX)?.strip_prefix('v')?;
        let (version, rest) = rest.split_once('.')?;
        let (owner, what) = rest.split_once('.')?;
        let digits_only = !version.is_empty() && version.chars().all(|c| c.is_ascii_digit());
        let what_ok = !what.is_empty() && what.chars().all(allowed_in_what);
        if !digits_only || !what_ok {
            return None;
        }
        Some(CacheKey {
            version: version.parse().ok()?,
            owner: TravelerTag::parse(owner)?,
            what: what.to_owned(),
        })
    }
}

impl fmt::Display for CacheKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{PREFIX}v{}.{}.{}", self.version, self.owner, self.what)
    }
}

fn allowed_in_what(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// Whether a storage key is in the widget's namespace: the only keys it may touch.
pub fn is_ours(key: &str) -> bool {
    key.starts_with(PREFIX)
}

/// A stored value with what it takes to trust it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Envelope<T> {
    /// The schema version it was written with.
    pub version: u32,
    /// Whose data it is.
    pub owner: TravelerTag,
    /// When it was saved (the widget's clock).
    pub saved_at: DateTime<Utc>,
    /// The data.
    pub value: T,
}

impl<T> Envelope<T> {
    /// Wraps `value` as `owner`'s, saved at `saved_at`, in this build's version.
    pub fn new(owner: TravelerTag, saved_at: DateTime<Utc>, value: T) -> Self {
        Envelope {
            version: VERSION,
            owner,
            saved_at,
            value,
        }
    }
}

impl<T: Serialize> Envelope<T> {
    /// The text to store.
    pub fn encode(&self) -> Result<String, serde_json::Error> {
        serde_json::to_string(self)
    }
}

/// Why a stored entry was not accepted. Whatever the reason, the caller removes it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Rejected {
    /// Not an envelope, or its value is not of the expected shape.
    #[error("corrupt cache entry: {0}")]
    Corrupt(String),
    /// Written by a build with another schema version.
    #[error("cache entry of schema version {found}, this build reads {VERSION}")]
    OtherVersion {
        /// The version the entry carries.
        found: u64,
    },
    /// Another traveler's data.
    #[error("cache entry of another traveler")]
    OtherOwner,
    /// Older than the maximum age.
    #[error("cache entry older than the maximum age")]
    TooOld,
    /// Saved further in the future than [`FUTURE_TOLERANCE`]: a clock cannot be trusted.
    #[error("cache entry saved in the future")]
    FromTheFuture,
}

/// Reads a stored entry, accepting it only if it is an envelope of this version,
/// belongs to `expected_owner`, and is at most `max_age` old at `now`. The checks run in
/// that order and the first that fails is the reason given.
pub fn decode<T: DeserializeOwned>(
    raw: &str,
    expected_owner: &TravelerTag,
    now: DateTime<Utc>,
    max_age: Duration,
) -> Result<T, Rejected> {
    let header = Header::read(raw)?;

    if &header.owner != expected_owner {
        return Err(Rejected::OtherOwner);
    }
    check_age(header.saved_at, now, max_age)?;
    serde_json::from_value(header.value)
        .map_err(|error| Rejected::Corrupt(format!("unexpected value: {error}")))
}

/// When an entry was saved, if it is an envelope of this version; for [`plan_trim`].
pub fn saved_at_of(raw: &str) -> Option<DateTime<Utc>> {
    Header::read(raw).ok().map(|header| header.saved_at)
}

/// An envelope of this version, with its value not yet read.
struct Header {
    owner: TravelerTag,
    saved_at: DateTime<Utc>,
    value: Value,
}

impl Header {
    fn read(raw: &str) -> Result<Self, Rejected> {
        let corrupt = |why: &str| Rejected::Corrupt(why.to_owned());
        let root: Value = serde_json::from_str(raw)
            .map_err(|error| Rejected::Corrupt(format!("not JSON: {error}")))?;
        let Value::Object(mut fields) = root else {
            return Err(corrupt("not a JSON object"));
        };

        let version = fields
            .get("version")
            .and_then(Value::as_u64)
            .ok_or_else(|| corrupt("no version"))?;
        if version != u64::from(VERSION) {
            return Err(Rejected::OtherVersion { found: version });
        }
        let owner = fields
            .get("owner")
            .and_then(Value::as_str)
            .and_then(TravelerTag::parse)
            .ok_or_else(|| corrupt("no owner"))?;
        let saved_at = fields
            .remove("savedAt")
            .and_then(|at| serde_json::from_value(at).ok())
            .ok_or_else(|| corrupt("no readable savedAt"))?;
        let value = fields.remove("value").ok_or_else(|| corrupt("no value"))?;
        Ok(Header {
            owner,
            saved_at,
            value,
        })
    }
}

fn check_age(
    saved_at: DateTime<Utc>,
    now: DateTime<Utc>,
    max_age: Duration,
) -> Result<(), Rejected> {
    if saved_at - now > FUTURE_TOLERANCE {
        return Err(Rejected::FromTheFuture);
    }
    if now - saved_at > max_age {
        return Err(Rejected::TooOld);
    }
    Ok(())
}

/// The size of an entry as browsers count it against the quota: key and value in
/// UTF-16, two bytes a code unit.
pub fn stored_size(key: &str, raw: &str) -> usize {
    (key.encode_utf16().count() + raw.encode_utf16().count()) * 2
}

/// The keys to remove so that the widget's entries fit in `budget_bytes`: oldest saved
/// first (ties by key), until the rest fit. `entries` are `(key, bytes, saved_at)`;
/// keys outside the namespace neither count nor are ever picked. To make room for a
/// new entry, pass the budget minus its size.
pub fn plan_trim(entries: &[(&str, usize, DateTime<Utc>)], budget_bytes: usize) -> Vec<String> {
    let mut ours: Vec<&(&str, usize, DateTime<Utc>)> =
        entries.iter().filter(|(key, _, _)| is_ours(key)).collect();
    ours.sort_by_key(|&&(key, _, saved_at)| (saved_at, key));

    let mut total: usize = ours.iter().map(|(_, bytes, _)| bytes).sum();
    let mut removed = Vec::new();
    for (key, bytes, _) in ours {
        if total <= budget_bytes {
            break;
        }
        total -= bytes;
        removed.push((*key).to_owned());
    }
    removed
}

/// The keys to remove from storage holding `entries` (`(key, raw value)`, all of the
/// storage or just our part): every key of the namespace that this build cannot use (a
/// malformed key, another version, a value that is not a matching envelope, or saved
/// more than `max_age` before `now`), then the oldest of the rest until they fit in
/// `budget_bytes`. Other travelers' valid entries are kept (two widgets may share a
/// page); see [`plan_forget`] to drop a traveler.
pub fn plan_sweep(
    entries: &[(&str, &str)],
    now: DateTime<Utc>,
    max_age: Duration,
    budget_bytes: usize,
) -> Vec<String> {
    let mut removed = Vec::new();
    let mut kept = Vec::new();
    for &(key, raw) in entries.iter().filter(|(key, _)| is_ours(key)) {
        let usable = CacheKey::parse(key)
            .filter(|parsed| parsed.version == VERSION)
            .and_then(|parsed| {
                let header = Header::read(raw).ok()?;
                let matches = header.owner == parsed.owner;
                let fresh = check_age(header.saved_at, now, max_age).is_ok();
                (matches && fresh).then_some(header.saved_at)
            });
        match usable {
            Some(saved_at) => kept.push((key, stored_size(key, raw), saved_at)),
            None => removed.push(key.to_owned()),
        }
    }
    removed.extend(plan_trim(&kept, budget_bytes));
    removed
}

/// The keys holding `traveler_id`'s data, of any version: what the portal's logout
/// removes. Keys of other travelers and outside the namespace are never picked.
pub fn plan_forget<'a>(keys: impl IntoIterator<Item = &'a str>, traveler_id: &str) -> Vec<String> {
    let owner = TravelerTag::of(traveler_id);
    keys.into_iter()
        .filter(|key| CacheKey::parse(key).is_some_and(|parsed| parsed.owner == owner))
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use serde_json::json;

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, day, hour, 0, 0).unwrap()
    }

    fn alice() -> TravelerTag {
        TravelerTag::of("alice@example.com")
    }

    /// A stored envelope, written as raw JSON so that any part can be wrong.
    fn raw(version: Value, owner: &str, saved_at: &str, value: Value) -> String {
        json!({ "version": version, "owner": owner, "savedAt": saved_at, "value": value })
            .to_string()
    }

    type Decoded = Result<Vec<i64>, Rejected>;

    /// `(key, bytes, saved_at)`, as [`plan_trim`] takes them.
    type Stored = (&'static str, usize, DateTime<Utc>);

    fn key(traveler_id: &str, what: &str) -> String {
        CacheKey::new(traveler_id, what).to_string()
    }

    #[test]
    fn short_hash_is_fnv1a_64() {
        let cases = [
            ("", "cbf29ce484222325"),
            ("a", "af63dc4c8601ec8c"),
            ("foobar", "85944171f73967e8"),
        ];

        for (text, expected) in cases {
            assert_eq!(short_hash(text), expected, "{text:?}");
        }
    }

    #[test]
    fn keys_are_namespaced_versioned_and_hold_no_raw_ids() {
        let cases = [
            ("alice@example.com", TRAVELER_SLOT, "traveler"),
            ("alice@example.com", "addons.880154/x", "addons_880154_x"),
            ("bob", "", "_"),
            ("bob", "état", "_tat"),
        ];

        for (traveler_id, what, expected_what) in cases {
            let key = CacheKey::new(traveler_id, what).to_string();

            let tag = short_hash(traveler_id);
            assert_eq!(key, format!("addon-usage.v1.{tag}.{expected_what}"));
            assert!(!key.contains(traveler_id), "{key}");
            assert_eq!(
                CacheKey::parse(&key),
                Some(CacheKey::new(traveler_id, what))
            );
        }
    }

    #[test]
    fn an_endpoint_slot_hides_the_endpoint_id() {
        let slot = addons_slot("880154");

        assert_eq!(slot, format!("addons-{}", short_hash("880154")));
        assert!(!key("alice", &slot).contains("880154"));
    }

    #[test]
    fn keys_not_written_by_this_module_do_not_parse() {
        let tag = short_hash("alice");
        let cases = [
            "addon-usage.v1.endpoint.880154".to_owned(),
            "addon-usage.v1.traveler".to_owned(),
            format!("addon-usage.v.{tag}.traveler"),
            format!("addon-usage.vX.{tag}.traveler"),
            format!("addon-usage.v1.{tag}."),
            format!("addon-usage.v1.{tag}.a.b"),
            format!("addon-usage.v1.{}.traveler", tag.to_uppercase()),
            format!("addon-usage.v99999999999.{tag}.traveler"),
            format!("other.v1.{tag}.traveler"),
            String::new(),
        ];

        for key in cases {
            assert_eq!(CacheKey::parse(&key), None, "{key}");
        }
    }

    #[test]
    fn keys_of_other_versions_parse_with_their_version() {
        let tag = short_hash("alice");

        let parsed = CacheKey::parse(&format!("addon-usage.v2.{tag}.traveler"));

        assert_eq!(parsed.map(|k| k.version), Some(2));
    }

    #[test]
    fn only_keys_of_the_namespace_are_ours() {
        let cases = [
            ("addon-usage.v1.0123456789abcdef.traveler", true),
            ("addon-usage.v0.anything", true),
            ("addon-usage.", true),
            ("addon-usage", false),
            ("addon-usage-other.v1", false),
            ("portal.session", false),
            ("", false),
        ];

        for (key, expected) in cases {
            assert_eq!(is_ours(key), expected, "{key}");
        }
    }

    #[test]
    fn an_encoded_envelope_decodes_to_its_value() {
        let envelope = Envelope::new(alice(), at(4, 9), vec![1_i64, 2, 3]);
        let text = envelope.encode().unwrap();

        let value: Result<Vec<i64>, Rejected> = decode(&text, &alice(), at(4, 10), DEFAULT_MAX_AGE);

        assert_eq!(value, Ok(vec![1, 2, 3]));
        assert_eq!(saved_at_of(&text), Some(at(4, 9)));
    }

    #[test]
    fn entries_that_cannot_be_trusted_are_rejected_with_the_reason() {
        let now = at(10, 12);
        let max_age = Duration::days(2);
        let owner = alice().to_string();
        let bob = TravelerTag::of("bob").to_string();
        let good = |saved_at: &str| raw(json!(1), &owner, saved_at, json!([1, 2]));
        let corrupt = |why: &str| Err(Rejected::Corrupt(why.to_owned()));
        // Corrupt with serde's own wording, which is not specified here.
        let corrupt_per_serde = || Err(Rejected::Corrupt(String::new()));
        let cases: Vec<(&str, String, Decoded)> = vec![
            ("valid", good("2026-12-10T11:00:00Z"), Ok(vec![1, 2])),
            (
                "exactly max_age old",
                good("2026-12-08T12:00:00Z"),
                Ok(vec![1, 2]),
            ),
            ("not JSON", "<html>".to_owned(), corrupt_per_serde()),
            (
                "truncated",
                good("2026-12-10T11:00:00Z")[..30].to_owned(),
                corrupt_per_serde(),
            ),
            (
                "a JSON array",
                "[1,2]".to_owned(),
                corrupt("not a JSON object"),
            ),
            (
                "the old unowned format",
                r#"{"version":1,"value":[1]}"#.to_owned(),
                corrupt("no owner"),
            ),
            (
                "no version",
                json!({"owner": owner, "value": 1}).to_string(),
                corrupt("no version"),
            ),
            (
                "version as text",
                raw(json!("1"), &owner, "2026-12-10T11:00:00Z", json!([])),
                corrupt("no version"),
            ),
            (
                "raw id as owner",
                raw(
                    json!(1),
                    "alice@example.com",
                    "2026-12-10T11:00:00Z",
                    json!([]),
                ),
                corrupt("no owner"),
            ),
            (
                "unreadable savedAt",
                good("yesterday"),
                corrupt("no readable savedAt"),
            ),
            (
                "no value",
                json!({"version": 1, "owner": owner, "savedAt": "2026-12-10T11:00:00Z"})
                    .to_string(),
                corrupt("no value"),
            ),
            (
                "value of another shape",
                raw(json!(1), &owner, "2026-12-10T11:00:00Z", json!({"a": 1})),
                corrupt_per_serde(),
            ),
            (
                "an older version",
                raw(json!(0), &owner, "2026-12-10T11:00:00Z", json!([])),
                Err(Rejected::OtherVersion { found: 0 }),
            ),
            (
                "a newer version",
                raw(json!(2), "who", "?", json!(null)),
                Err(Rejected::OtherVersion { found: 2 }),
            ),
            (
                "another traveler",
                raw(json!(1), &bob, "2026-12-10T11:00:00Z", json!([])),
                Err(Rejected::OtherOwner),
            ),
            (
                "another traveler, too old",
                raw(json!(1), &bob, "2026-01-01T00:00:00Z", json!([])),
                Err(Rejected::OtherOwner),
            ),
            (
                "older than max_age",
                good("2026-12-08T11:59:59Z"),
                Err(Rejected::TooOld),
            ),
            (
                "a little in the future",
                good("2026-12-11T11:00:00Z"),
                Ok(vec![1, 2]),
            ),
            (
                "far in the future",
                good("2027-12-10T11:00:00Z"),
                Err(Rejected::FromTheFuture),
            ),
        ];

        for (name, text, expected) in cases {
            let decoded: Result<Vec<i64>, Rejected> = decode(&text, &alice(), now, max_age);

            match (&decoded, &expected) {
                (Err(Rejected::Corrupt(_)), Err(Rejected::Corrupt(why))) if why.is_empty() => {}
                _ => assert_eq!(decoded, expected, "{name}"),
            }
        }
    }

    #[test]
    fn trimming_removes_the_oldest_of_ours_until_under_budget() {
        let cases: Vec<(&str, Vec<Stored>, usize, Vec<&str>)> = vec![
            (
                "under budget: nothing",
                vec![
                    ("addon-usage.a", 100, at(1, 0)),
                    ("addon-usage.b", 100, at(2, 0)),
                ],
                200,
                vec![],
            ),
            (
                "over budget: oldest first until it fits",
                vec![
                    ("addon-usage.new", 100, at(3, 0)),
                    ("addon-usage.old", 100, at(1, 0)),
                    ("addon-usage.mid", 100, at(2, 0)),
                ],
                150,
                vec!["addon-usage.old", "addon-usage.mid"],
            ),
            (
                "other keys neither count nor go",
                vec![
                    ("portal.big", 10_000, at(1, 0)),
                    ("addon-usage.a", 100, at(2, 0)),
                    ("addon-usage.b", 100, at(3, 0)),
                ],
                100,
                vec!["addon-usage.a"],
            ),
            (
                "same save time: by key",
                vec![
                    ("addon-usage.b", 100, at(1, 0)),
                    ("addon-usage.a", 100, at(1, 0)),
                ],
                100,
                vec!["addon-usage.a"],
            ),
            (
                "zero budget: all of ours",
                vec![("addon-usage.a", 1, at(1, 0)), ("portal.x", 1, at(1, 0))],
                0,
                vec!["addon-usage.a"],
            ),
            ("nothing stored", vec![], 0, vec![]),
        ];

        for (name, entries, budget, expected) in cases {
            let removed = plan_trim(&entries, budget);

            assert_eq!(removed, expected, "{name}");
        }
    }

    #[test]
    fn a_sweep_removes_what_this_build_cannot_use_then_trims() {
        let now = at(10, 12);
        let alice_key = key("alice", "traveler");
        let alice_old_key = key("alice", "addons-1");
        let bob_key = key("bob", "traveler");
        let mislabelled_key = key("carol", "traveler");
        let v2_key = alice_key.replace(".v1.", ".v2.");
        let envelope = |who: &str, saved_at: DateTime<Utc>| {
            Envelope::new(TravelerTag::of(who), saved_at, "x".repeat(100))
                .encode()
                .unwrap()
        };
        let alice_value = envelope("alice", at(10, 11));
        let alice_old_value = envelope("alice", at(1, 0));
        let bob_value = envelope("bob", at(9, 11));
        let entries = [
            (alice_key.as_str(), alice_value.as_str()),
            (alice_old_key.as_str(), alice_old_value.as_str()),
            (bob_key.as_str(), bob_value.as_str()),
            (mislabelled_key.as_str(), alice_value.as_str()),
            (v2_key.as_str(), alice_value.as_str()),
            ("addon-usage.v1.endpoint.880154", alice_value.as_str()),
            ("addon-usage.v1.0123456789abcdef.x", "{not json"),
            ("portal.session", "{not json"),
        ];
        let budget = stored_size(&alice_key, &alice_value) + 10;

        let removed = plan_sweep(&entries, now, Duration::days(7), budget);

        assert_eq!(
            removed,
            [
                alice_old_key.as_str(),
                &mislabelled_key,
                &v2_key,
                "addon-usage.v1.endpoint.880154",
                "addon-usage.v1.0123456789abcdef.x",
                &bob_key,
            ]
        );
    }

    #[test]
    fn forgetting_a_traveler_picks_only_their_keys() {
        let alice_traveler = key("alice", "traveler");
        let alice_addons = key("alice", &addons_slot("880154"));
        let alice_v2 = alice_traveler.replace(".v1.", ".v2.");
        let bob_traveler = key("bob", "traveler");
        let keys = [
            alice_traveler.as_str(),
            &bob_traveler,
            &alice_addons,
            &alice_v2,
            "portal.alice",
            "addon-usage.v1.traveler",
        ];

        let removed = plan_forget(keys, "alice");

        assert_eq!(removed, [alice_traveler, alice_addons, alice_v2]);
    }

    #[test]
    fn stored_size_counts_utf16_code_units_twice() {
        assert_eq!(stored_size("ab", "é€"), 8);
        assert_eq!(stored_size("", "😀"), 4);
    }
}
