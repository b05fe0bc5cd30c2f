//! The tolerant parser for SFT's *Get Endpoint Add-on Details* answers.
//!
//! SFT sends numbers as JSON numbers or numeric strings, lists of one as bare objects,
//! the payload under `responseParam` or `info`, and field names whose casing varies.
//! Anything that is not a success keeps SFT's code and description. A single unreadable
//! plan, benefit or counter is left out and reported in [`AddonDetails::skipped`] rather
//! than failing the whole answer.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde_json::{Map, Value};

use crate::model::{AddonInstance, Benefit, BenefitKind, Counter, CounterAction};
use crate::names;
use crate::time::parse_sft_date;

/// Why an SFT answer gave no add-on list.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SftError {
    /// The access token expired (sent in the body as result code 401).
    #[error("SFT access token expired")]
    TokenExpired,
    /// SFT answered with a failure code.
    #[error("SFT refused the request: {code} {description}")]
    Rejected {
        /// SFT's detailed result code.
        code: String,
        /// SFT's description.
        description: String,
    },
    /// The answer is not an SFT answer at all (HTML, truncated JSON, no envelope).
    #[error("unreadable SFT answer: {0}")]
    Malformed(String),
}

/// A parsed add-on details answer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AddonDetails {
    /// The instances, in SFT's order, each with its benefits and counters.
    pub instances: Vec<AddonInstance>,
    /// SFT's own timestamp of the answer, when it sent a readable one.
    pub responded_at: Option<DateTime<Utc>>,
    /// Items that were left out, each with the reason (for the proxy's log).
    pub skipped: Vec<String>,
}

/// Parses an answer body, reading dates as wall time in `zone`.
pub fn parse_addon_details(body: &str, zone: Tz) -> Result<AddonDetails, SftError> {
    let root: Value = serde_json::from_str(body).map_err(|error| {
        let start: String = body.trim_start().chars().take(40).collect();
        SftError::Malformed(format!("not JSON ({error}); starts with {start:?}"))
    })?;
    let envelope = field(&root, names::RESPONSE)
        .filter(|value| value.is_object())
        .ok_or_else(|| SftError::Malformed("no Response envelope".into()))?;

    let outcome = check_result(envelope)?;

    let mut details = AddonDetails {
        responded_at: field(envelope, names::RESPONSE_TIMESTAMP)
            .and_then(text)
            .and_then(|stamp| parse_sft_date(&stamp, zone).ok().flatten()),
        ..AddonDetails::default()
    };
    let payload = field(envelope, names::PAYLOAD);
    let Some(payload) = payload.filter(|_| outcome == Outcome::Data) else {
        return Ok(details);
    };

    for plan in items(payload, names::PLANS, names::PLAN, &mut details.skipped) {
        match read_plan(plan, zone) {
            Ok(instance)
                if details
                    .instances
                    .iter()
                    .any(|i| i.unique_id == instance.unique_id) =>
            {
                details
                    .skipped
                    .push(format!("duplicate plan uniqueId {}", instance.unique_id));
            }
            Ok(instance) => details.instances.push(instance),
            Err(reason) => details.skipped.push(format!("plan: {reason}")),
        }
    }
    for benefit in items(
        payload,
        names::BENEFITS,
        names::BENEFIT,
        &mut details.skipped,
    ) {
        let attached = owner_id(benefit).and_then(|id| {
            let owner = details.instances.iter_mut().find(|i| i.unique_id == id);
            owner.ok_or(format!("benefit of unknown instance {id}"))
        });
        match attached.and_then(|owner| Ok((owner, read_benefit(benefit, zone)?))) {
            Ok((owner, benefit)) => owner.benefits.push(benefit),
            Err(reason) => details.skipped.push(format!("benefit: {reason}")),
        }
    }
    for counter in items(
        payload,
        names::COUNTERS,
        names::COUNTER,
        &mut details.skipped,
    ) {
        let attached = owner_id(counter).and_then(|id| {
            let owner = details.instances.iter_mut().find(|i| i.unique_id == id);
            owner.ok_or(format!("counter of unknown instance {id}"))
        });
        match attached.and_then(|owner| Ok((owner, read_counter(counter)?))) {
            Ok((owner, counter)) => owner.counters.push(counter),
            Err(reason) => details.skipped.push(format!("counter: {reason}")),
        }
    }
    Ok(details)
}

/// What a successful envelope holds.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    /// A payload to read.
    Data,
    /// SFT's "no data" (1359): an empty list.
    NoData,
}

/// Turns the envelope's result codes into an outcome or the matching error.
fn check_result(envelope: &Value) -> Result<Outcome, SftError> {
    let top = field(envelope, names::RESULT_CODE).and_then(text);
    let param = field(envelope, names::RESULT_PARAM);
    let detail = param
        .and_then(|p| field(p, names::RESULT_CODE))
        .and_then(text);
    let description = param
        .and_then(|p| field(p, names::RESULT_DESCRIPTION))
        .and_then(text)
        .unwrap_or_default();

    match (top.as_deref(), detail.as_deref()) {
        (_, Some(names::CODE_NO_DATA)) => Ok(Outcome::NoData),
        (_, Some(names::CODE_TOKEN_EXPIRED)) => Err(SftError::TokenExpired),
        (Some(names::CODE_SUCCESS), _) => Ok(Outcome::Data),
        (None, None) => Err(SftError::Malformed("no resultCode in the envelope".into())),
        (top, detail) => Err(SftError::Rejected {
            code: detail.or(top).unwrap_or_default().to_owned(),
            description,
        }),
    }
}

fn read_plan(plan: &Value, zone: Tz) -> Result<AddonInstance, String> {
    let unique_id = required_text(plan, names::UNIQUE_ID)?;
    let date = |names: &[&str]| optional_date(plan, names, zone);

    Ok(AddonInstance {
        addon_id: required_text(plan, names::PLAN_ID).map_err(|e| format!("{unique_id}: {e}"))?,
        plan_name: field(plan, names::PLAN_NAME)
            .and_then(text)
            .unwrap_or_default(),
        service: field(plan, names::PLAN_SERVICE_NAME)
            .and_then(text)
            .unwrap_or_default(),
        starts_at: date(names::PLAN_START).map_err(|e| format!("{unique_id}: {e}"))?,
        expires_at: date(names::PLAN_EXPIRY).map_err(|e| format!("{unique_id}: {e}"))?,
        benefits: Vec::new(),
        counters: Vec::new(),
        unique_id,
    })
}

fn read_benefit(benefit: &Value, zone: Tz) -> Result<Benefit, String> {
    let kind = match required_text(benefit, names::BENEFIT_NAME)?
        .to_ascii_uppercase()
        .as_str()
    {
        "DATA" => BenefitKind::Data,
        "SMS" => BenefitKind::Sms,
        "VOICE" => BenefitKind::Voice,
        "CREDIT" | "MONEY" => BenefitKind::Credit,
        other => BenefitKind::Other(other.to_owned()),
    };

    Ok(Benefit {
        kind,
        starts_at: optional_date(benefit, names::BENEFIT_START, zone)?,
        expires_at: optional_date(benefit, names::BENEFIT_EXPIRY, zone)?,
        total: required_amount(benefit, names::ACTUAL_BALANCE)?,
        remaining: required_amount(benefit, names::BALANCE)?,
    })
}

fn read_counter(counter: &Value) -> Result<Counter, String> {
    let unit = field(counter, names::THRESHOLD_UNIT)
        .and_then(text)
        .unwrap_or_else(|| "Bytes".into());
    let bytes_per_unit: i64 = match unit.to_ascii_uppercase().as_str() {
        "BYTES" | "BYTE" | "B" => 1,
        "KB" => 1024,
        "MB" => 1024 * 1024,
        "GB" => 1024 * 1024 * 1024,
        other => return Err(format!("unknown counter unit {other:?}")),
    };
    let in_bytes = |names: &[&str]| -> Result<i64, String> {
        required_amount(counter, names)?
            .checked_mul(bytes_per_unit)
            .ok_or_else(|| format!("{} out of range", names[0]))
    };

    Ok(Counter {
        counter_id: required_text(counter, names::COUNTER_ID)?,
        name: field(counter, names::COUNTER_NAME)
            .and_then(text)
            .unwrap_or_default(),
        frequency: field(counter, names::COUNTER_FREQUENCY).and_then(text),
        threshold_bytes: in_bytes(names::THRESHOLD)?,
        current_bytes: in_bytes(names::CURRENT_VALUE).unwrap_or(0),
        action: read_action(
            &field(counter, names::ACTION)
                .and_then(text)
                .unwrap_or_default(),
        ),
        // Needs `now`: the proxy fills it in with `counters::fill_next_resets`.
        resets_at: None,
    })
}

/// Reads `Block`, `Default`, `Redirect` or `Throttle_<n> Kbps` (any casing).
pub fn read_action(text: &str) -> CounterAction {
    let lower = text.trim().to_ascii_lowercase();
    if lower == "block" {
        return CounterAction::Block;
    }
    if lower == "default" {
        return CounterAction::Default;
    }
    if lower == "redirect" {
        return CounterAction::Redirect;
    }
    let throttle = lower
        .strip_prefix("throttle")
        .map(|rest| rest.trim_start_matches(['_', ' ', '-']))
        .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|digits| digits.parse::<u32>().ok());
    match throttle {
        Some(kbps) if lower.contains("mbps") => CounterAction::Throttle { kbps: kbps * 1000 },
        Some(kbps) => CounterAction::Throttle { kbps },
        None => CounterAction::Other {
            text: text.trim().to_owned(),
        },
    }
}

/// The id of the instance a benefit or counter belongs to.
fn owner_id(item: &Value) -> Result<String, String> {
    required_text(item, names::UNIQUE_ID)
}

/// The value of the first of `names` present in `object`, ignoring case.
fn field<'a>(object: &'a Value, names: &[&str]) -> Option<&'a Value> {
    let map: &Map<String, Value> = object.as_object()?;
    names.iter().find_map(|name| {
        map.get(*name).or_else(|| {
            map.iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v)
        })
    })
}

/// The items of `container.item` (or of `container` itself), where a list of one may be
/// a bare object. Null, blank or empty means none; a list that is there but cannot be
/// read is reported in `skipped` rather than passed over in silence.
fn items<'a>(
    payload: &'a Value,
    container: &[&str],
    item: &[&str],
    skipped: &mut Vec<String>,
) -> Vec<&'a Value> {
    let Some(outer) = field(payload, container) else {
        return Vec::new();
    };
    // A container without its item key is only a bare item when it looks like one.
    let (list, may_be_bare) = match field(outer, item) {
        Some(inner) => (inner, true),
        None => (outer, field(outer, names::UNIQUE_ID).is_some()),
    };
    match list {
        Value::Array(values) => values.iter().collect(),
        Value::Null => Vec::new(),
        Value::String(text) if text.trim().is_empty() => Vec::new(),
        Value::Object(map) if map.is_empty() => Vec::new(),
        Value::Object(_) if may_be_bare => vec![list],
        other => {
            let shown: String = other.to_string().chars().take(60).collect();
            skipped.push(format!("{}: not a list: {shown}", container[0]));
            Vec::new()
        }
    }
}

/// A string, or a number written as text.
fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn required_text(object: &Value, names: &[&str]) -> Result<String, String> {
    field(object, names)
        .and_then(text)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| format!("missing {}", names[0]))
}

/// A whole amount, from a JSON number or a numeric string.
fn required_amount(object: &Value, names: &[&str]) -> Result<i64, String> {
    let value = field(object, names).ok_or_else(|| format!("missing {}", names[0]))?;
    let parsed = match value {
        Value::Number(n) => n.as_i64().or_else(|| whole(n.as_f64()?)),
        Value::String(s) => s
            .trim()
            .parse::<i64>()
            .ok()
            .or_else(|| whole(s.trim().parse().ok()?)),
        _ => None,
    };
    parsed.ok_or_else(|| format!("{} is not a whole number in range: {value}", names[0]))
}

/// A float that is a whole number within `i64`.
fn whole(number: f64) -> Option<i64> {
    let in_range = number.is_finite() && number.abs() < 9.0e18 && number.fract() == 0.0;
    in_range.then_some(number as i64)
}

fn optional_date(
    object: &Value,
    names: &[&str],
    zone: Tz,
) -> Result<Option<DateTime<Utc>>, String> {
    match field(object, names) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => {
            let raw = text(value).ok_or_else(|| format!("{} is not a date: {value}", names[0]))?;
            parse_sft_date(&raw, zone).map_err(|e| e.to_string())
        }
    }
}
