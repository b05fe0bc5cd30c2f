//! SFT's JSON on the wire: the `Response` envelope and the add-on details payload, with
//! the quirks real answers have (numbers sometimes sent as strings, a list of one sent as
//! a bare object, `"-"` for dates not set).

use addon_usage_core::time::format_sft_date;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde_json::{json, Map, Value};

use crate::seed::SimInstance;

/// Detailed result code of a successful answer.
pub(crate) const CODE_DETAIL_SUCCESS: &str = "1350";
/// Detailed result code for an endpoint SFT does not know.
pub(crate) const CODE_INVALID_ENDPOINT: &str = "1204";
/// Detailed result code for a missing mandatory parameter.
pub(crate) const CODE_MISSING_PARAMETER: &str = "1001";
/// Detailed result code for a parameter with an invalid value.
pub(crate) const CODE_INVALID_PARAMETER: &str = "1002";
/// Top-level result code of a failed answer.
pub(crate) const CODE_FAILURE: &str = "1";

/// Where the payload sits and how numbers are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PayloadStyle {
    /// An endpoint query: under `responseParam`, numbers mixed with numeric strings.
    Endpoint,
    /// A uniqueId query: under `info`, every number as a string.
    Instance,
}

/// One envelope around a result and an optional payload.
pub(crate) struct Envelope<'a> {
    /// `responseId`.
    pub(crate) response_id: u64,
    /// When the answer is made (written in the account zone).
    pub(crate) now: DateTime<Utc>,
    /// The account zone.
    pub(crate) zone: Tz,
    /// Top-level `resultCode`: `"0"` or `"1"`.
    pub(crate) result: &'a str,
    /// `resultParam.resultCode`.
    pub(crate) code: &'a str,
    /// `resultParam.resultDescription`.
    pub(crate) description: &'a str,
}

impl Envelope<'_> {
    /// The envelope with no payload (failures, no data).
    pub(crate) fn bare(&self) -> Value {
        self.with(None)
    }

    /// The envelope with `payload` under `key`.
    pub(crate) fn with(&self, payload: Option<(&str, Value)>) -> Value {
        let mut response = Map::new();
        response.insert("resultCode".into(), json!(self.result));
        response.insert("responseId".into(), json!(self.response_id.to_string()));
        response.insert(
            "responseTimestamp".into(),
            json!(format_sft_date(self.now, self.zone)),
        );
        response.insert(
            "resultParam".into(),
            json!({ "resultCode": self.code, "resultDescription": self.description }),
        );
        if let Some((key, payload)) = payload {
            response.insert(key.into(), payload);
        }
        json!({ "Response": response })
    }
}

/// The add-on details payload for `instances` (at least one) of `endpoint_id`.
pub(crate) fn details_payload(
    endpoint_id: &str,
    instances: &[SimInstance],
    zone: Tz,
    style: PayloadStyle,
) -> (&'static str, Value) {
    let all_text = style == PayloadStyle::Instance;
    let date =
        |at: Option<DateTime<Utc>>| json!(at.map_or("-".into(), |t| format_sft_date(t, zone)));

    let mut plans = Vec::new();
    let mut benefits = Vec::new();
    let mut counters = Vec::new();
    for (index, instance) in instances.iter().enumerate() {
        // Alternate numbers and numeric strings for ids, as real answers do.
        let id = number(&instance.unique_id, all_text || index % 2 == 1);
        plans.push(json!({
            "uniqueId": id,
            "planId": instance.plan_id,
            "planName": instance.plan_name,
            "planServiceName": instance.service,
            "planStartDate": date(instance.start),
            "planExpiryDate": date(instance.expiry),
        }));
        for benefit in &instance.benefits {
            let as_text = all_text || benefit.name != "DATA";
            benefits.push(json!({
                "uniqueId": id,
                "name": benefit.name,
                "startDate": date(benefit.start),
                "expiryDate": date(benefit.expiry),
                "actualBalance": number(&benefit.total.to_string(), as_text),
                "balance": number(&benefit.remaining.to_string(), as_text),
            }));
        }
        for counter in &instance.counters {
            counters.push(json!({
                "counterId": counter.counter_id,
                "uniqueId": id,
                "counterName": counter.name,
                "frequency": counter.frequency,
                "threshold": counter.threshold_mb.to_string(),
                "thresholdUnit": "MB",
                "currentValue": counter.current_mb.to_string(),
                "action": counter.action,
            }));
        }
    }

    let mut payload = Map::new();
    if style == PayloadStyle::Endpoint {
        payload.insert("endPointId".into(), json!(endpoint_id));
    }
    payload.insert("promotionalPlans".into(), json!({ "plan": list(plans) }));
    payload.insert("benefitInfo".into(), json!({ "benefit": list(benefits) }));
    if !counters.is_empty() {
        payload.insert("counterInfo".into(), json!({ "counter": list(counters) }));
    }
    let key = match style {
        PayloadStyle::Endpoint => "responseParam",
        PayloadStyle::Instance => "info",
    };
    (key, Value::Object(payload))
}

/// A list, or its only item bare, as SFT sends a list of one.
fn list(mut items: Vec<Value>) -> Value {
    if items.len() == 1 {
        items.remove(0)
    } else {
        Value::Array(items)
    }
}

/// Digits as a JSON number, or as a string when `as_text` (or when they do not fit).
fn number(digits: &str, as_text: bool) -> Value {
    match digits.parse::<i64>() {
        Ok(n) if !as_text => json!(n),
        _ => json!(digits),
    }
}
