//! Properties of the SFT parser over generated answers.
//!
//! - Valid envelopes with random plans, benefits and counters, whose fields are each
//!   drawn from a family with a known reading (numbers as numbers or text, whole floats,
//!   fractions, out-of-range values, junk, left out; dates in SFT or ISO form, unset or
//!   unreadable; lists or bare objects): the parser keeps exactly the readable items,
//!   attaches each benefit and counter to the instance it names, keeps the figures SFT
//!   sent, and counts everything it left out.
//! - Arbitrary JSON, truncated valid bodies and random bytes: never a panic, and
//!   whatever parses satisfies the model's invariants.

use std::collections::HashSet;

use addon_usage_core::model::{AddonInstance, BenefitKind};
use addon_usage_core::sft::{parse_addon_details, AddonDetails, SftError};
use addon_usage_core::status::{benefit_usable, instance_status, Status};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

/// A generated field: its JSON (`None` when left out) and what the parser should read.
type Field<T> = (Option<Value>, T);

/// What a date field should read as.
#[derive(Clone, Debug, PartialEq)]
enum DateReading {
    /// "Not set": left out, null, `-` or blank.
    Unset,
    /// This instant (the tests read in UTC).
    At(DateTime<Utc>),
    /// Not a date: the item is left out.
    Unreadable,
}

impl DateReading {
    fn readable(&self) -> Option<Option<DateTime<Utc>>> {
        match self {
            DateReading::Unset => Some(None),
            DateReading::At(at) => Some(Some(*at)),
            DateReading::Unreadable => None,
        }
    }
}

/// A generated plan, benefit or counter.
#[derive(Clone, Debug)]
struct Item<R> {
    json: Value,
    /// The canonical id it carries in `uniqueId`, if readable.
    unique_id: Option<String>,
    /// What the parser should read from its other fields; `None` when one is unreadable.
    reading: Option<R>,
}

impl<R> Item<R> {
    /// Whether a bare object of this item is recognised as an item at all (it needs a
    /// `uniqueId` key, whatever its value).
    fn has_id_key(&self) -> bool {
        self.json.get("uniqueId").is_some()
    }
}

/// What a plan should read as: plan id, start, expiry.
type PlanReading = (String, Option<DateTime<Utc>>, Option<DateTime<Utc>>);
/// What a benefit should read as: kind, start, expiry, total, remaining.
type BenefitReading = (
    BenefitKind,
    Option<DateTime<Utc>>,
    Option<DateTime<Utc>>,
    i64,
    i64,
);
/// What a counter should read as: counter id, threshold and current value in bytes.
type CounterReading = (String, i64, i64);

/// Surrounding whitespace SFT sometimes leaves in text values.
fn padding() -> impl Strategy<Value = &'static str> {
    prop_oneof![Just(""), Just(" "), Just("\t ")]
}

/// Whole amounts in every spelling, and things that are not whole amounts in range.
fn amount() -> BoxedStrategy<Field<Option<i64>>> {
    const EXACT: i64 = 1 << 53;
    prop_oneof![
        3 => any::<i64>().prop_map(|n| (Some(json!(n)), Some(n))),
        3 => (any::<i64>(), padding())
            .prop_map(|(n, pad)| (Some(json!(format!("{pad}{n}{pad}"))), Some(n))),
        3 => (-EXACT..EXACT).prop_map(|n| (Some(json!(n as f64)), Some(n))),
        3 => (-EXACT..EXACT).prop_map(|n| (Some(json!(format!("{n}.0"))), Some(n))),
        1 => (-1_000_000_i64..1_000_000).prop_map(|n| (Some(json!(n as f64 + 0.5)), None)),
        1 => (-1_000_000_i64..1_000_000).prop_map(|n| (Some(json!(format!("{n}.25"))), None)),
        1 => ((i64::MAX as u64 + 1)..=u64::MAX).prop_map(|n| (Some(json!(n)), None)),
        1 => "[1-9][0-9]{19,25}".prop_map(|digits| (Some(json!(digits)), None)),
        1 => "-[1-9][0-9]{19,25}".prop_map(|digits| (Some(json!(digits)), None)),
        1 => prop_oneof![
            Just(json!("abc")),
            Just(json!("")),
            Just(json!(true)),
            Just(Value::Null),
            Just(json!([])),
            Just(json!({})),
        ]
        .prop_map(|junk| (Some(junk), None)),
        1 => Just((None, None)),
    ]
    .boxed()
}

/// Dates in SFT's and ISO forms, unset markers, and text that is no date.
fn date() -> BoxedStrategy<Field<DateReading>> {
    let instant = (
        1971_i32..2100,
        1_u32..=12,
        1_u32..=28,
        0_u32..24,
        0_u32..60,
        0_u32..60,
    )
        .prop_map(|(y, mo, d, h, mi, s)| {
            let day = NaiveDate::from_ymd_opt(y, mo, d).unwrap();
            day.and_hms_opt(h, mi, s).unwrap().and_utc()
        });
    prop_oneof![
        3 => (instant.clone(), padding()).prop_map(|(at, pad)| {
            let text = format!("{pad}{}{pad}", at.format("%d/%m/%Y %H:%M:%S"));
            (Some(json!(text)), DateReading::At(at))
        }),
        3 => instant.prop_map(|at| {
            let text = at.format("%Y-%m-%dT%H:%M:%SZ").to_string();
            (Some(json!(text)), DateReading::At(at))
        }),
        2 => prop_oneof![
            Just(json!("-")),
            Just(json!("")),
            Just(json!("  ")),
            Just(Value::Null)
        ]
        .prop_map(|unset| (Some(unset), DateReading::Unset)),
        2 => Just((None, DateReading::Unset)),
        1 => prop_oneof![
            Just(json!("31/02/2026 10:00:00")),
            Just(json!("99/99/9999 99:99:99")),
            Just(json!("tomorrow")),
            Just(json!(20261204)),
            Just(json!(true)),
            Just(json!([])),
        ]
        .prop_map(|junk| (Some(junk), DateReading::Unreadable)),
    ]
    .boxed()
}

/// Ids from `pool`, as numbers or (padded) text, and ids that cannot be read.
fn id(pool: std::ops::RangeInclusive<u32>) -> BoxedStrategy<Field<Option<String>>> {
    prop_oneof![
        4 => pool.clone().prop_map(|n| (Some(json!(n)), Some(n.to_string()))),
        4 => (pool, padding()).prop_map(|(n, pad)| {
            (Some(json!(format!("{pad}{n}{pad}"))), Some(n.to_string()))
        }),
        1 => prop_oneof![Just(json!("")), Just(Value::Null), Just(json!([]))]
            .prop_map(|junk| (Some(junk), None)),
        1 => Just((None, None)),
    ]
    .boxed()
}

/// The instance a benefit or counter names: mostly one the plans may have, sometimes
/// one that no plan has.
fn owner_id() -> BoxedStrategy<Field<Option<String>>> {
    prop_oneof![5 => id(1..=4), 1 => id(5..=6)].boxed()
}

/// Benefit names, in any casing, and names that cannot be read.
fn kind() -> BoxedStrategy<Field<Option<BenefitKind>>> {
    let known = prop_oneof![
        Just(("DATA", BenefitKind::Data)),
        Just(("data", BenefitKind::Data)),
        Just((" Sms ", BenefitKind::Sms)),
        Just(("VOICE", BenefitKind::Voice)),
        Just(("CREDIT", BenefitKind::Credit)),
        Just(("money", BenefitKind::Credit)),
    ];
    prop_oneof![
        4 => known.prop_map(|(name, kind)| (Some(json!(name)), Some(kind))),
        1 => "x_[a-z]{1,6}".prop_map(|name| {
            let kind = BenefitKind::Other(name.to_ascii_uppercase());
            (Some(json!(name)), Some(kind))
        }),
        1 => prop_oneof![Just(json!("")), Just(json!("  ")), Just(Value::Null), Just(json!({}))]
            .prop_map(|junk| (Some(junk), None)),
        1 => Just((None, None)),
    ]
    .boxed()
}

/// Counter units with their size in bytes, and units this version does not know.
fn unit() -> BoxedStrategy<Field<Option<i64>>> {
    prop_oneof![
        Just((Some(json!("Bytes")), Some(1))),
        Just((Some(json!("b")), Some(1))),
        Just((Some(json!("KB")), Some(1 << 10))),
        Just((Some(json!("mb")), Some(1 << 20))),
        Just((Some(json!("GB")), Some(1 << 30))),
        Just((Some(Value::Null), Some(1))),
        Just((None, Some(1))),
        Just((Some(json!("TB")), None)),
        Just((Some(json!("furlongs")), None)),
        Just((Some(json!("")), None)),
        Just((Some(json!(5)), None)),
    ]
    .boxed()
}

/// Any JSON value for a field the parser reads only when it is text.
fn free_text() -> BoxedStrategy<Option<Value>> {
    prop_oneof![
        ".{0,20}".prop_map(|text| Some(json!(text))),
        Just(Some(json!(42))),
        Just(Some(json!([1]))),
        Just(None),
    ]
    .boxed()
}

/// A JSON object of the fields that are present.
fn object(fields: Vec<(&str, Option<Value>)>) -> Value {
    let map: Map<String, Value> = fields
        .into_iter()
        .filter_map(|(name, value)| Some((name.to_owned(), value?)))
        .collect();
    Value::Object(map)
}

fn plan() -> impl Strategy<Value = Item<PlanReading>> {
    (id(1..=4), id(3100..=3109), free_text(), date(), date()).prop_map(
        |((uid, unique_id), (pid, plan_id), name, (start, starts), (expiry, expires))| {
            let reading = match (plan_id, starts.readable(), expires.readable()) {
                (Some(plan_id), Some(starts), Some(expires)) => Some((plan_id, starts, expires)),
                _ => None,
            };
            Item {
                json: object(vec![
                    ("uniqueId", uid),
                    ("planId", pid),
                    ("planName", name),
                    ("planStartDate", start),
                    ("planExpiryDate", expiry),
                ]),
                unique_id,
                reading,
            }
        },
    )
}

fn benefit() -> impl Strategy<Value = Item<BenefitReading>> {
    (owner_id(), kind(), date(), date(), amount(), amount()).prop_map(
        |((uid, unique_id), (name, kind), (start, starts), (expiry, expires), total, left)| {
            let reading = match (kind, starts.readable(), expires.readable(), total.1, left.1) {
                (Some(kind), Some(starts), Some(expires), Some(total), Some(remaining)) => {
                    Some((kind, starts, expires, total, remaining))
                }
                _ => None,
            };
            Item {
                json: object(vec![
                    ("uniqueId", uid),
                    ("name", name),
                    ("startDate", start),
                    ("expiryDate", expiry),
                    ("actualBalance", total.0),
                    ("balance", left.0),
                ]),
                unique_id,
                reading,
            }
        },
    )
}

fn counter() -> impl Strategy<Value = Item<CounterReading>> {
    (
        owner_id(),
        id(900..=999),
        free_text(),
        unit(),
        amount(),
        amount(),
        free_text(),
    )
        .prop_map(
            |(
                (uid, unique_id),
                (cid, counter_id),
                name,
                (u, bytes),
                threshold,
                current,
                action,
            )| {
                let in_bytes = |amount: Option<i64>| bytes.and_then(|b| amount?.checked_mul(b));
                let reading = match (counter_id, in_bytes(threshold.1)) {
                    (Some(id), Some(threshold)) if bytes.is_some() => {
                        Some((id, threshold, in_bytes(current.1).unwrap_or(0)))
                    }
                    _ => None,
                };
                Item {
                    json: object(vec![
                        ("uniqueId", uid),
                        ("counterId", cid),
                        ("counterName", name),
                        ("thresholdUnit", u),
                        ("threshold", threshold.0),
                        ("currentValue", current.0),
                        ("action", action),
                    ]),
                    unique_id,
                    reading,
                }
            },
        )
}

/// How a list sits in the payload.
#[derive(Clone, Copy, Debug)]
enum Shape {
    /// `{"plan": [...]}`
    Wrapped,
    /// `[...]` directly under the container.
    Direct,
    /// `{"plan": {...}}`, for a list of one.
    WrappedBare,
    /// `{...}` directly as the container, for a list of one.
    DirectBare,
    /// No container at all, for an empty list.
    Absent,
}

fn shape() -> impl Strategy<Value = Shape> {
    prop_oneof![
        Just(Shape::Wrapped),
        Just(Shape::Direct),
        Just(Shape::WrappedBare),
        Just(Shape::DirectBare),
        Just(Shape::Absent),
    ]
}

/// What the parser gets to see of a placed list: the items, and how many unreadable
/// lists it should report.
type Seen<'a, R> = (Vec<&'a Item<R>>, usize);

/// Places `items` in the payload under `container` in `shape` (falling back to a
/// wrapped list when the shape does not fit the count).
fn place<'a, R>(
    payload: &mut Map<String, Value>,
    container: &str,
    item: &str,
    items: &'a [Item<R>],
    shape: Shape,
) -> Seen<'a, R> {
    let list = || Value::Array(items.iter().map(|i| i.json.clone()).collect());
    let all = || (items.iter().collect(), 0);
    let (value, seen) = match (shape, items) {
        (Shape::Absent, []) => return (Vec::new(), 0),
        (Shape::Direct, _) => (list(), all()),
        (Shape::WrappedBare, [one]) => (json!({ item: one.json }), bare(one, true)),
        (Shape::DirectBare, [one]) => (one.json.clone(), bare(one, one.has_id_key())),
        _ => (json!({ item: list() }), all()),
    };
    payload.insert(container.to_owned(), value);
    seen
}

/// A bare object: nothing when empty; else an item when it is under its item key or has
/// a `uniqueId` key; else an unreadable list.
fn bare<R>(one: &Item<R>, is_item: bool) -> Seen<'_, R> {
    match one.json.as_object() {
        Some(fields) if fields.is_empty() => (Vec::new(), 0),
        _ if is_item => (vec![one], 0),
        _ => (Vec::new(), 1),
    }
}

/// A generated answer and what the parser must make of it.
#[derive(Debug)]
struct Case {
    body: String,
    /// Instance ids in order, with plan reading, benefits and counters.
    expected: Vec<(
        String,
        PlanReading,
        Vec<BenefitReading>,
        Vec<CounterReading>,
    )>,
    skipped: usize,
}

fn answer() -> impl Strategy<Value = Case> {
    let lists = (
        prop::collection::vec(plan(), 0..8),
        prop::collection::vec(benefit(), 0..12),
        prop::collection::vec(counter(), 0..8),
    );
    let wrapping = (
        (shape(), shape(), shape()),
        prop_oneof![Just("responseParam"), Just("info")],
        prop_oneof![Just(json!("0")), Just(json!(0))],
        any::<bool>(),
        any::<bool>(),
    );
    (lists, wrapping).prop_map(
        |((plans, benefits, counters), (shapes, payload_key, code, detail, pretty))| {
            let mut payload = Map::new();
            let plans = place(&mut payload, "promotionalPlans", "plan", &plans, shapes.0);
            let benefits = place(&mut payload, "benefitInfo", "benefit", &benefits, shapes.1);
            let counters = place(&mut payload, "counterInfo", "counter", &counters, shapes.2);
            let mut envelope = json!({
                "resultCode": code,
                "responseTimestamp": "04/12/2026 09:12:44",
                payload_key: payload,
            });
            if detail {
                envelope["resultParam"] = json!({"resultCode": "1350", "resultDescription": "OK"});
            }
            let root = json!({ "Response": envelope });
            let body = if pretty {
                serde_json::to_string_pretty(&root).unwrap()
            } else {
                root.to_string()
            };
            let unreadable_lists = plans.1 + benefits.1 + counters.1;
            let mut case = expect(body, &plans.0, &benefits.0, &counters.0);
            case.skipped += unreadable_lists;
            case
        },
    )
}

/// The parser's contract, written plainly: the first readable plan of each id is an
/// instance; a readable benefit or counter joins the instance it names; everything
/// else seen is counted as skipped.
fn expect(
    body: String,
    plans: &[&Item<PlanReading>],
    benefits: &[&Item<BenefitReading>],
    counters: &[&Item<CounterReading>],
) -> Case {
    let mut expected: Vec<(String, PlanReading, Vec<_>, Vec<_>)> = Vec::new();
    let mut skipped = 0;
    for plan in plans {
        match (&plan.unique_id, &plan.reading) {
            (Some(id), Some(reading)) if !expected.iter().any(|e| &e.0 == id) => {
                expected.push((id.clone(), reading.clone(), Vec::new(), Vec::new()));
            }
            _ => skipped += 1,
        }
    }
    for benefit in benefits {
        let owner = expected
            .iter_mut()
            .find(|e| Some(&e.0) == benefit.unique_id.as_ref());
        match (owner, &benefit.reading) {
            (Some(owner), Some(reading)) => owner.2.push(reading.clone()),
            _ => skipped += 1,
        }
    }
    for counter in counters {
        let owner = expected
            .iter_mut()
            .find(|e| Some(&e.0) == counter.unique_id.as_ref());
        match (owner, &counter.reading) {
            (Some(owner), Some(reading)) => owner.3.push(reading.clone()),
            _ => skipped += 1,
        }
    }
    Case {
        body,
        expected,
        skipped,
    }
}

/// What any successful parse must satisfy, whatever the input.
fn assert_invariants(details: &AddonDetails) {
    let now = Utc.with_ymd_and_hms(2026, 12, 4, 9, 0, 0).unwrap();
    let ids: HashSet<&str> = details
        .instances
        .iter()
        .map(|i| i.unique_id.as_str())
        .collect();
    assert_eq!(ids.len(), details.instances.len(), "duplicate uniqueIds");

    for instance in &details.instances {
        assert!(!instance.unique_id.is_empty(), "an instance without an id");
        assert!(
            !instance.addon_id.is_empty(),
            "an instance without a plan id"
        );
        let usable = instance.benefits.iter().any(|b| benefit_usable(b, now));
        assert!(
            !(usable && instance_status(instance, now) == Status::UsedUp),
            "used up with a usable benefit: {instance:?}"
        );
    }
}

fn benefit_readings(instance: &AddonInstance) -> Vec<BenefitReading> {
    instance
        .benefits
        .iter()
        .map(|b| {
            (
                b.kind.clone(),
                b.starts_at,
                b.expires_at,
                b.total,
                b.remaining,
            )
        })
        .collect()
}

fn counter_readings(instance: &AddonInstance) -> Vec<CounterReading> {
    instance
        .counters
        .iter()
        .map(|c| (c.counter_id.clone(), c.threshold_bytes, c.current_bytes))
        .collect()
}

/// JSON of any shape, with keys mostly drawn from SFT's names so that the parser's
/// paths are reached.
fn junk() -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        ".{0,12}".prop_map(Value::from),
        "[0-9]{1,25}".prop_map(Value::from),
        Just(json!("-")),
        Just(json!("04/12/2026 09:12:44")),
        Just(json!("0")),
        Just(json!("1359")),
    ];
    let key = prop_oneof![
        4 => prop::sample::select(vec![
            "Response", "resultCode", "resultParam", "resultDescription", "responseParam",
            "info", "promotionalPlans", "plan", "uniqueId", "planId", "planStartDate",
            "planExpiryDate", "benefitInfo", "benefit", "name", "actualBalance", "balance",
            "startDate", "expiryDate", "counterInfo", "counter", "counterId", "threshold",
            "thresholdUnit", "currentValue", "action", "RESPONSE", "UNIQUEID",
        ])
        .prop_map(str::to_owned),
        1 => ".{0,8}",
    ];
    leaf.prop_recursive(5, 96, 8, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key.clone(), inner), 0..8)
                .prop_map(|fields| Value::Object(fields.into_iter().collect())),
        ]
    })
    .boxed()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn generated_answers_parse_to_exactly_their_readable_items(case in answer()) {
        let details = parse_addon_details(&case.body, chrono_tz::UTC)
            .map_err(|e| TestCaseError::fail(format!("{e}")))?;

        assert_invariants(&details);
        let got: Vec<_> = details
            .instances
            .iter()
            .map(|i| {
                let plan = (i.addon_id.clone(), i.starts_at, i.expires_at);
                (i.unique_id.clone(), plan, benefit_readings(i), counter_readings(i))
            })
            .collect();
        prop_assert_eq!(got, case.expected);
        prop_assert_eq!(details.skipped.len(), case.skipped, "{:?}", details.skipped);
    }

    #[test]
    fn truncated_answers_are_malformed_never_a_panic(
        case in answer(),
        cut in any::<prop::sample::Index>(),
    ) {
        let end = cut.index(case.body.len());
        let end = (0..=end).rev().find(|&i| case.body.is_char_boundary(i)).unwrap_or(0);

        let parsed = parse_addon_details(&case.body[..end], chrono_tz::UTC);

        prop_assert!(matches!(parsed, Err(SftError::Malformed(_))), "{:?}", parsed);
    }

    #[test]
    fn arbitrary_json_never_panics(payload in junk(), wrap in 0..3_u8) {
        let body = match wrap {
            0 => payload.to_string(),
            1 => json!({"Response": payload}).to_string(),
            _ => json!({"Response": {"resultCode": "0", "responseParam": payload}}).to_string(),
        };

        if let Ok(details) = parse_addon_details(&body, chrono_tz::UTC) {
            assert_invariants(&details);
        }
    }

    #[test]
    fn random_bytes_are_malformed_never_a_panic(
        bytes in prop::collection::vec(any::<u8>(), 0..512),
    ) {
        let body = String::from_utf8_lossy(&bytes);

        let parsed = parse_addon_details(&body, chrono_tz::UTC);

        prop_assert!(matches!(parsed, Err(SftError::Malformed(_))), "{:?}", parsed);
    }
}
