//! The normalised add-on model: what the proxy sends the widget, whatever SFT's wire
//! format looked like. Instants are UTC; amounts are in the benefit's base unit.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One add-on instance on an endpoint: a purchase activation or a renewal of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AddonInstance {
    /// SFT's `uniqueId`: identifies this instance.
    pub unique_id: String,
    /// SFT's `planId`: the add-on plan this instance belongs to (the portal's `addonId`).
    pub addon_id: String,
    /// SFT's plan name, used when no purchase names the instance.
    pub plan_name: String,
    /// SFT's service name (`DATA`, ...), informative only.
    pub service: String,
    /// When the plan started; `None` for an On Usage add-on not used yet.
    pub starts_at: Option<DateTime<Utc>>,
    /// When the plan expires; `None` when not set yet.
    pub expires_at: Option<DateTime<Utc>>,
    /// What the instance grants.
    pub benefits: Vec<Benefit>,
    /// Usage counters with thresholds (speed caps, blocks, redirects).
    pub counters: Vec<Counter>,
}

/// What kind of allowance a benefit is, which decides its unit.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind", content = "name")]
pub enum BenefitKind {
    /// Data, in bytes.
    Data,
    /// Text messages, as a count.
    Sms,
    /// Voice, in seconds.
    Voice,
    /// Monetary credit, in the account's minor unit.
    Credit,
    /// Anything else SFT may send, by its SFT name; shown as a plain count.
    Other(String),
}

/// One allowance of an instance, with its own validity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Benefit {
    /// What the allowance is.
    pub kind: BenefitKind,
    /// When the allowance became usable, if known.
    pub starts_at: Option<DateTime<Utc>>,
    /// When the allowance stops being usable, if set. May be earlier than the plan's.
    pub expires_at: Option<DateTime<Utc>>,
    /// Amount granted at activation (SFT `actualBalance`).
    pub total: i64,
    /// Amount left (SFT `balance`). Shown as-is even when above `total` or negative.
    pub remaining: i64,
}

/// What SFT does when a counter reaches its threshold.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum CounterAction {
    /// Traffic stops.
    Block,
    /// Traffic goes on, charged out of bundle.
    Default,
    /// The traveler is sent to a purchase page.
    Redirect,
    /// Speed drops to the given rate.
    Throttle {
        /// The reduced speed in kbit/s.
        kbps: u32,
    },
    /// An action this version does not know, by its SFT text.
    Other {
        /// SFT's text for the action.
        text: String,
    },
}

/// A usage counter of an instance (for example a daily full-speed allowance).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Counter {
    /// SFT's counter id.
    pub counter_id: String,
    /// SFT's counter name, such as `Daily_Data`.
    pub name: String,
    /// How often the counter resets (`Daily`, `Monthly`), when SFT says.
    pub frequency: Option<String>,
    /// The threshold, in bytes.
    pub threshold_bytes: i64,
    /// The current value, in bytes.
    pub current_bytes: i64,
    /// What happens at the threshold.
    pub action: CounterAction,
    /// When the counter next resets to zero, if known: set by the proxy from the
    /// counter's period and the SFT account's zone (`counters::next_reset`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resets_at: Option<DateTime<Utc>>,
}

/// The proxy's answer for one endpoint: the instances and when they were read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AddonsSnapshot {
    /// The endpoint (eSIM) these add-ons belong to.
    pub endpoint_id: String,
    /// When the proxy received this answer from SFT.
    pub fetched_at: DateTime<Utc>,
    /// The SFT account's time zone (IANA name), for showing SFT-side times.
    pub sft_time_zone: String,
    /// The add-on instances, in SFT's order.
    pub instances: Vec<AddonInstance>,
    /// Whether this is an older answer served because SFT could not be asked just now
    /// (stale-if-error). Absent from the JSON when false.
    #[serde(default, skip_serializing_if = "is_false")]
    pub stale: bool,
    /// For a stale answer, how many seconds ago the proxy got it from SFT.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age_secs: Option<u64>,
}

fn is_false(value: &bool) -> bool {
    !value
}

/// A purchase recorded by the portal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Purchase {
    /// The portal's order id.
    pub order_id: String,
    /// The product name the traveler bought, as the portal shows it.
    pub product_name: String,
    /// The add-on plan (SFT `planId`).
    pub addon_id: String,
    /// The endpoint the add-on was bought for.
    pub endpoint_id: String,
    /// When the traveler bought it.
    pub purchased_at: DateTime<Utc>,
    /// The SFT instance, when the portal stored it.
    #[serde(default)]
    pub unique_id: Option<String>,
    /// Price in minor units, if the portal gives it.
    #[serde(default)]
    pub price_minor: Option<i64>,
    /// ISO 4217 currency of the price.
    #[serde(default)]
    pub currency: Option<String>,
    /// Where the traveler can top this add-on up.
    #[serde(default)]
    pub top_up_url: Option<String>,
    /// Where the traveler can renew this add-on.
    #[serde(default)]
    pub renew_url: Option<String>,
}

/// An endpoint (eSIM) of the traveler, with a label the traveler recognises.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Endpoint {
    /// SFT's `endPointId`.
    pub id: String,
    /// The portal's name for it ("Europe eSIM").
    pub label: String,
}

/// What the widget learns about the traveler: their endpoints and purchases.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Traveler {
    /// The endpoints the traveler may read.
    pub endpoints: Vec<Endpoint>,
    /// Everything the traveler bought.
    pub purchases: Vec<Purchase>,
}

/// The body of every proxy error: a stable code and a sentence for people.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProxyErrorBody {
    /// Stable machine-readable code, such as `sft_timeout`.
    pub code: String,
    /// A short human sentence.
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_snapshot_without_the_staleness_fields_still_parses_as_fresh() {
        let json = r#"{"endpointId":"880154","fetchedAt":"2026-12-04T09:12:44Z",
                       "sftTimeZone":"UTC","instances":[]}"#;

        let snapshot: AddonsSnapshot = serde_json::from_str(json).unwrap();

        assert!(!snapshot.stale);
        assert_eq!(snapshot.age_secs, None);
    }

    #[test]
    fn only_a_stale_snapshot_carries_the_staleness_fields() {
        let fresh: AddonsSnapshot = serde_json::from_str(
            r#"{"endpointId":"1","fetchedAt":"2026-12-04T09:12:44Z","sftTimeZone":"UTC",
                "instances":[]}"#,
        )
        .unwrap();
        let stale = AddonsSnapshot {
            stale: true,
            age_secs: Some(90),
            ..fresh.clone()
        };

        let fresh_json = serde_json::to_value(&fresh).unwrap();
        let stale_json = serde_json::to_value(&stale).unwrap();

        assert!(fresh_json.get("stale").is_none() && fresh_json.get("ageSecs").is_none());
        assert_eq!(stale_json["stale"], true);
        assert_eq!(stale_json["ageSecs"], 90);
    }
}
