//! The corpus of malformed SFT answers: each named case with the exact outcome the
//! parser must give, either a clear error or which instances, benefits and counters
//! survive and which items were left out (and why).
//!
//! One test walks the whole table, collects every mismatch, prints
//! `corpus: N cases, M failed`, and fails when M is not zero.

use std::io::Write;

use addon_usage_core::sft::{parse_addon_details, AddonDetails, SftError};
use chrono_tz::Tz;
use serde_json::{json, Value};

/// What the parser must make of an answer.
#[derive(Debug)]
enum Outcome {
    /// `SftError::Malformed` whose message contains this.
    Malformed(&'static str),
    /// `SftError::Rejected` with this code.
    Rejected(&'static str),
    /// `SftError::TokenExpired`.
    TokenExpired,
    /// A parsed answer, exactly.
    Parsed(Survivors),
}

/// What survives parsing, in order.
#[derive(Debug, Default)]
struct Survivors {
    /// Instance ids.
    ids: Vec<String>,
    /// Every benefit: owner id, total, remaining.
    benefits: Vec<(String, i64, i64)>,
    /// Every counter: owner id, threshold and current value in bytes.
    counters: Vec<(String, i64, i64)>,
    /// One fragment of each skip reason, in order.
    skipped: Vec<&'static str>,
}

impl Survivors {
    fn ids(ids: &[&str]) -> Self {
        Survivors {
            ids: ids.iter().map(|id| id.to_string()).collect(),
            ..Survivors::default()
        }
    }

    fn benefits(mut self, benefits: &[(&str, i64, i64)]) -> Self {
        self.benefits = benefits
            .iter()
            .map(|(id, total, left)| (id.to_string(), *total, *left))
            .collect();
        self
    }

    fn counters(mut self, counters: &[(&str, i64, i64)]) -> Self {
        self.counters = counters
            .iter()
            .map(|(id, threshold, current)| (id.to_string(), *threshold, *current))
            .collect();
        self
    }

    fn skipped(mut self, reasons: &[&'static str]) -> Self {
        self.skipped = reasons.to_vec();
        self
    }
}

fn parsed(survivors: Survivors) -> Outcome {
    Outcome::Parsed(survivors)
}

/// One named case.
struct Case {
    name: &'static str,
    body: String,
    zone: Tz,
    expected: Outcome,
}

fn case(name: &'static str, body: impl Into<String>, expected: Outcome) -> Case {
    Case {
        name,
        body: body.into(),
        zone: chrono_tz::UTC,
        expected,
    }
}

fn in_zone(mut case: Case, zone: &str) -> Case {
    case.zone = zone.parse().unwrap();
    case
}

fn corpus_file(name: &str) -> String {
    let path = format!("{}/tests/corpus/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A successful envelope around `payload`.
fn envelope(payload: Value) -> String {
    json!({
        "Response": {
            "resultCode": "0",
            "responseId": "7730021",
            "responseTimestamp": "04/12/2026 09:12:44",
            "resultParam": { "resultCode": "1350", "resultDescription": "Success" },
            "responseParam": payload,
        }
    })
    .to_string()
}

/// A failed envelope with SFT's detailed code.
fn failure(top: &str, detail: Option<&str>) -> String {
    let mut response = json!({ "resultCode": top, "responseTimestamp": "04/12/2026 09:12:44" });
    if let Some(code) = detail {
        response["resultParam"] = json!({ "resultCode": code, "resultDescription": "Refused" });
    }
    json!({ "Response": response }).to_string()
}

/// A successful answer with these plans, benefits and counters as lists.
fn answer(plans: Vec<Value>, benefits: Vec<Value>, counters: Vec<Value>) -> String {
    envelope(json!({
        "endPointId": "880154",
        "promotionalPlans": { "plan": plans },
        "benefitInfo": { "benefit": benefits },
        "counterInfo": { "counter": counters },
    }))
}

/// A valid 30-day plan.
fn plan(unique_id: Value) -> Value {
    json!({
        "uniqueId": unique_id,
        "planId": "3101",
        "planName": "Europe 10GB 30 days",
        "planServiceName": "DATA",
        "planStartDate": "20/11/2026 18:40:05",
        "planExpiryDate": "20/12/2026 18:40:05",
    })
}

/// A plan with one field replaced.
fn plan_with(unique_id: Value, field: &str, value: Value) -> Value {
    let mut plan = plan(unique_id);
    plan[field] = value;
    plan
}

/// A DATA benefit.
fn data(unique_id: Value, total: Value, balance: Value) -> Value {
    json!({
        "uniqueId": unique_id,
        "name": "DATA",
        "startDate": "20/11/2026 18:40:05",
        "expiryDate": "20/12/2026 18:40:05",
        "actualBalance": total,
        "balance": balance,
    })
}

/// A daily counter.
fn counter(unique_id: Value, unit: &str, threshold: Value, current: Value) -> Value {
    json!({
        "counterId": "901",
        "uniqueId": unique_id,
        "counterName": "Daily_Data",
        "frequency": "Daily",
        "threshold": threshold,
        "thresholdUnit": unit,
        "currentValue": current,
        "action": "Throttle_512 Kbps",
    })
}

/// One plan `1` with one DATA benefit whose balance is `balance`.
fn one_balance(balance: Value) -> String {
    answer(
        vec![plan(json!(1))],
        vec![data(json!(1), json!(1000), balance)],
        vec![],
    )
}

/// One plan `1` (with a benefit) whose `field` is `value`.
fn one_plan_field(field: &str, value: Value) -> String {
    let plan = plan_with(json!(1), field, value);
    answer(
        vec![plan],
        vec![data(json!(1), json!(10), json!(5))],
        vec![],
    )
}

/// The reference answer: two plans, three benefits, one counter.
fn reference() -> String {
    answer(
        vec![plan(json!(1)), plan(json!("2"))],
        vec![
            data(
                json!(1),
                json!(10_737_418_240_i64),
                json!(3_328_599_654_i64),
            ),
            data(json!("1"), json!("50"), json!("41")),
            data(json!(2), json!(1000), json!(0)),
        ],
        vec![counter(json!(1), "MB", json!(2048), json!(1536))],
    )
}

fn reference_survivors() -> Survivors {
    Survivors::ids(&["1", "2"])
        .benefits(&[
            ("1", 10_737_418_240, 3_328_599_654),
            ("1", 50, 41),
            ("2", 1000, 0),
        ])
        .counters(&[("1", 2048 << 20, 1536 << 20)])
}

fn cases() -> Vec<Case> {
    let mib = 1_i64 << 20;
    let many: Vec<String> = (1..=500).map(|n| n.to_string()).collect();
    let many_ids: Vec<&str> = many.iter().map(String::as_str).collect();
    let many_benefits: Vec<(&str, i64, i64)> = many_ids.iter().map(|id| (*id, 100, 50)).collect();
    let reference = reference();

    vec![
        // The reference itself, so that every mutation below starts from a good answer.
        case(
            "reference answer",
            reference.clone(),
            parsed(reference_survivors()),
        ),
        // Not JSON at all.
        case(
            "HTML maintenance page sent with 200",
            corpus_file("html-200-maintenance.html"),
            Outcome::Malformed("not JSON"),
        ),
        case(
            "HTML 502 Bad Gateway page",
            corpus_file("html-502-bad-gateway.html"),
            Outcome::Malformed("not JSON"),
        ),
        case("empty body", "", Outcome::Malformed("not JSON")),
        case("blank body", " \r\n ", Outcome::Malformed("not JSON")),
        case(
            "plain text error",
            "Service Unavailable",
            Outcome::Malformed("not JSON"),
        ),
        case(
            "JSON behind a byte-order mark",
            format!("\u{feff}{reference}"),
            Outcome::Malformed("not JSON"),
        ),
        case(
            "truncated in the middle of the plans",
            &reference[..reference.len() / 3],
            Outcome::Malformed("not JSON"),
        ),
        case(
            "truncated by the last brace",
            &reference[..reference.len() - 1],
            Outcome::Malformed("not JSON"),
        ),
        case(
            "two answers glued together",
            format!("{reference}{reference}"),
            Outcome::Malformed("not JSON"),
        ),
        case(
            "nesting deeper than any answer",
            format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)),
            Outcome::Malformed("not JSON"),
        ),
        // JSON, but no envelope.
        case(
            "JSON null",
            "null",
            Outcome::Malformed("no Response envelope"),
        ),
        case(
            "a JSON list",
            "[1, 2]",
            Outcome::Malformed("no Response envelope"),
        ),
        case(
            "payload without the Response envelope",
            json!({ "resultCode": "0", "responseParam": { "promotionalPlans": [] } }).to_string(),
            Outcome::Malformed("no Response envelope"),
        ),
        case(
            "Response is text",
            r#"{"Response": "OK"}"#,
            Outcome::Malformed("no Response envelope"),
        ),
        case(
            "Response without result codes",
            r#"{"Response": {}}"#,
            Outcome::Malformed("no resultCode"),
        ),
        case(
            "envelope key in other casing",
            reference.replace("\"Response\"", "\"RESPONSE\""),
            parsed(reference_survivors()),
        ),
        // Result codes.
        case(
            "failure with a detailed code",
            failure("1", Some("5001")),
            Outcome::Rejected("5001"),
        ),
        case(
            "failure without a detailed code",
            failure("1", None),
            Outcome::Rejected("1"),
        ),
        case(
            "token expired in the body",
            failure("1", Some("401")),
            Outcome::TokenExpired,
        ),
        case(
            "no data (1359) is an empty list",
            failure("1", Some("1359")),
            parsed(Survivors::default()),
        ),
        case(
            "success as a JSON number",
            reference.replace("\"resultCode\":\"0\"", "\"resultCode\":0"),
            parsed(reference_survivors()),
        ),
        case(
            "success without a payload",
            failure("0", None),
            parsed(Survivors::default()),
        ),
        // Wrong types.
        case(
            "plan list is text",
            envelope(json!({ "promotionalPlans": "none" })),
            parsed(Survivors::default().skipped(&["promotionalPlans: not a list: \"none\""])),
        ),
        case(
            "plan list is a number",
            envelope(json!({ "promotionalPlans": { "plan": 3 } })),
            parsed(Survivors::default().skipped(&["promotionalPlans: not a list: 3"])),
        ),
        case(
            "empty lists in every spelling",
            envelope(json!({
                "promotionalPlans": { "plan": null },
                "benefitInfo": "",
                "counterInfo": {},
            })),
            parsed(Survivors::default()),
        ),
        case(
            "a single plan without an id, as a bare object",
            envelope(json!({ "promotionalPlans": { "plan": { "planId": "3101" } } })),
            parsed(Survivors::default().skipped(&["plan: missing uniqueId"])),
        ),
        case(
            "balance is an object",
            one_balance(json!({ "value": 5 })),
            parsed(Survivors::ids(&["1"]).skipped(&["benefit: balance is not a whole number"])),
        ),
        case(
            "uniqueId is a list",
            answer(vec![plan(json!([1])), plan(json!(2))], vec![], vec![]),
            parsed(Survivors::ids(&["2"]).skipped(&["plan: missing uniqueId"])),
        ),
        case(
            "planId is a boolean",
            one_plan_field("planId", json!(true)),
            parsed(Survivors::default().skipped(&[
                "plan: 1: missing planId",
                "benefit: benefit of unknown instance 1",
            ])),
        ),
        case(
            "benefit without a name",
            answer(
                vec![plan(json!(1))],
                vec![json!({ "uniqueId": 1, "actualBalance": 1, "balance": 1 })],
                vec![],
            ),
            parsed(Survivors::ids(&["1"]).skipped(&["benefit: missing name"])),
        ),
        case(
            "every number written as text, payload under info, lists of one bare",
            json!({ "Response": {
                "resultCode": "0",
                "info": {
                    "promotionalPlans": { "plan": plan(json!("7")) },
                    "benefitInfo": { "benefit": data(json!("7"), json!("100"), json!(" 60 ")) },
                    "counterInfo": counter(json!("7"), "KB", json!("4"), json!("1")),
                },
            }})
            .to_string(),
            parsed(
                Survivors::ids(&["7"])
                    .benefits(&[("7", 100, 60)])
                    .counters(&[("7", 4096, 1024)]),
            ),
        ),
        // Balances.
        case(
            "negative balance is kept as sent",
            one_balance(json!(-5)),
            parsed(Survivors::ids(&["1"]).benefits(&[("1", 1000, -5)])),
        ),
        case(
            "balance above the amount granted is kept as sent",
            one_balance(json!(1500)),
            parsed(Survivors::ids(&["1"]).benefits(&[("1", 1000, 1500)])),
        ),
        case(
            "balance of exactly i64::MAX",
            one_balance(json!(i64::MAX)),
            parsed(Survivors::ids(&["1"]).benefits(&[("1", 1000, i64::MAX)])),
        ),
        case(
            "balance just above i64 as a number",
            one_balance(json!(i64::MAX as u64 + 1)),
            parsed(Survivors::ids(&["1"]).skipped(&["balance is not a whole number in range"])),
        ),
        case(
            "balance far above i64 as text",
            one_balance(json!("99999999999999999999")),
            parsed(Survivors::ids(&["1"]).skipped(&["balance is not a whole number in range"])),
        ),
        case(
            "balance of 1e300",
            one_balance(json!(1e300)),
            parsed(Survivors::ids(&["1"]).skipped(&["balance is not a whole number in range"])),
        ),
        case(
            "counter threshold overflowing i64 once in bytes",
            answer(
                vec![plan(json!(1))],
                vec![],
                vec![counter(json!(1), "MB", json!(i64::MAX / 2), json!(0))],
            ),
            parsed(Survivors::ids(&["1"]).skipped(&["counter: threshold out of range"])),
        ),
        // Numbers with decimals.
        case(
            "whole balance written with .0 as text",
            one_balance(json!("1073741824.0")),
            parsed(Survivors::ids(&["1"]).benefits(&[("1", 1000, 1_073_741_824)])),
        ),
        case(
            "whole balance written as a float",
            one_balance(json!(1_073_741_824.0)),
            parsed(Survivors::ids(&["1"]).benefits(&[("1", 1000, 1_073_741_824)])),
        ),
        case(
            "large whole float read exactly",
            answer(
                vec![plan(json!(1))],
                vec![data(json!(1), json!(1000), json!(0))],
                vec![],
            )
            .replace("\"balance\":0", "\"balance\":1858097624869465.0"),
            parsed(Survivors::ids(&["1"]).benefits(&[("1", 1000, 1_858_097_624_869_465)])),
        ),
        case(
            "balance in exponent form",
            one_balance(json!(1e3)),
            parsed(Survivors::ids(&["1"]).benefits(&[("1", 1000, 1000)])),
        ),
        case(
            "fractional balance",
            one_balance(json!(1.5)),
            parsed(
                Survivors::ids(&["1"]).skipped(&["balance is not a whole number in range: 1.5"]),
            ),
        ),
        case(
            "balance with a decimal comma",
            one_balance(json!("12,5")),
            parsed(Survivors::ids(&["1"]).skipped(&["balance is not a whole number in range"])),
        ),
        // Dates.
        case(
            "expiry on the 32nd of the 13th month",
            one_plan_field("planExpiryDate", json!("32/13/2026 10:00:00")),
            parsed(Survivors::default().skipped(&[
                "plan: 1: unreadable SFT date \"32/13/2026 10:00:00\"",
                "benefit: benefit of unknown instance 1",
            ])),
        ),
        case(
            "29 February of a common year",
            one_plan_field("planStartDate", json!("29/02/2027 00:00:00")),
            parsed(Survivors::default().skipped(&["plan: 1: unreadable", "benefit: "])),
        ),
        case(
            "year 10000",
            one_plan_field("planExpiryDate", json!("01/01/10000 00:00:00")),
            parsed(Survivors::default().skipped(&["plan: 1: unreadable", "benefit: "])),
        ),
        in_zone(
            case(
                "year -262143 in Brussels (used to panic)",
                one_plan_field("planStartDate", json!("01/01/-262143 00:00:00")),
                parsed(Survivors::default().skipped(&["plan: 1: unreadable", "benefit: "])),
            ),
            "Europe/Brussels",
        ),
        case(
            "benefit expiry 'tomorrow'",
            answer(
                vec![plan(json!(1))],
                vec![{
                    let mut benefit = data(json!(1), json!(10), json!(5));
                    benefit["expiryDate"] = json!("tomorrow");
                    benefit
                }],
                vec![],
            ),
            parsed(Survivors::ids(&["1"]).skipped(&["benefit: unreadable SFT date \"tomorrow\""])),
        ),
        case(
            "unset dates as '-', blank and null",
            answer(
                vec![
                    plan_with(json!(1), "planStartDate", json!("-")),
                    plan_with(json!(2), "planExpiryDate", json!("")),
                    plan_with(json!(3), "planStartDate", Value::Null),
                ],
                vec![],
                vec![],
            ),
            parsed(Survivors::ids(&["1", "2", "3"])),
        ),
        case(
            "unreadable response timestamp",
            reference.replace("04/12/2026 09:12:44", "soon"),
            parsed(reference_survivors()),
        ),
        // Sizes and ids.
        case(
            "500 instances, all parsed",
            answer(
                many_ids.iter().map(|id| plan(json!(id))).collect(),
                many_ids
                    .iter()
                    .map(|id| data(json!(id), json!(100), json!(50)))
                    .collect(),
                vec![],
            ),
            parsed(Survivors::ids(&many_ids).benefits(&many_benefits)),
        ),
        case(
            "duplicate uniqueIds: the first wins and gets the benefits",
            answer(
                vec![plan(json!(1)), plan(json!("1")), plan(json!(2))],
                vec![data(json!(1), json!(10), json!(4))],
                vec![],
            ),
            parsed(
                Survivors::ids(&["1", "2"])
                    .benefits(&[("1", 10, 4)])
                    .skipped(&["duplicate plan uniqueId 1"]),
            ),
        ),
        case(
            "benefit and counter of an unknown instance",
            answer(
                vec![plan(json!(1))],
                vec![data(json!(99), json!(10), json!(4))],
                vec![counter(json!(98), "Bytes", json!(10), json!(1))],
            ),
            parsed(Survivors::ids(&["1"]).skipped(&[
                "benefit: benefit of unknown instance 99",
                "counter: counter of unknown instance 98",
            ])),
        ),
        case(
            "benefit without an owner",
            answer(
                vec![plan(json!(1))],
                vec![json!({ "name": "DATA", "actualBalance": 1, "balance": 1 })],
                vec![],
            ),
            parsed(Survivors::ids(&["1"]).skipped(&["benefit: missing uniqueId"])),
        ),
        // Counters.
        case(
            "counter in an unknown unit",
            answer(
                vec![plan(json!(1))],
                vec![],
                vec![
                    counter(json!(1), "TB", json!(1), json!(0)),
                    counter(json!(1), "furlongs", json!(1), json!(0)),
                    counter(json!(1), "mb", json!(1), json!(0)),
                ],
            ),
            parsed(Survivors::ids(&["1"]).counters(&[("1", mib, 0)]).skipped(&[
                "unknown counter unit \"TB\"",
                "unknown counter unit \"FURLONGS\"",
            ])),
        ),
        case(
            "counter with an unreadable current value counts from zero",
            answer(
                vec![plan(json!(1))],
                vec![],
                vec![counter(json!(1), "KB", json!(2), json!("lots"))],
            ),
            parsed(Survivors::ids(&["1"]).counters(&[("1", 2048, 0)])),
        ),
    ]
}

/// What differs between the parse and the expected outcome, if anything.
fn mismatch(parsed: &Result<AddonDetails, SftError>, expected: &Outcome) -> Option<String> {
    match (parsed, expected) {
        (Err(SftError::Malformed(message)), Outcome::Malformed(fragment))
            if message.contains(fragment) =>
        {
            None
        }
        (Err(SftError::Rejected { code, .. }), Outcome::Rejected(expected)) if code == expected => {
            None
        }
        (Err(SftError::TokenExpired), Outcome::TokenExpired) => None,
        (Ok(details), Outcome::Parsed(survivors)) => survivors_mismatch(details, survivors),
        (parsed, expected) => Some(format!("expected {expected:?}, got {parsed:?}")),
    }
}

fn survivors_mismatch(details: &AddonDetails, expected: &Survivors) -> Option<String> {
    let ids: Vec<String> = details
        .instances
        .iter()
        .map(|i| i.unique_id.clone())
        .collect();
    let benefits: Vec<(String, i64, i64)> = details
        .instances
        .iter()
        .flat_map(|i| {
            i.benefits
                .iter()
                .map(|b| (i.unique_id.clone(), b.total, b.remaining))
        })
        .collect();
    let counters: Vec<(String, i64, i64)> = details
        .instances
        .iter()
        .flat_map(|i| {
            let id = &i.unique_id;
            i.counters
                .iter()
                .map(|c| (id.clone(), c.threshold_bytes, c.current_bytes))
        })
        .collect();
    let skipped_match = details.skipped.len() == expected.skipped.len()
        && details
            .skipped
            .iter()
            .zip(&expected.skipped)
            .all(|(reason, fragment)| reason.contains(fragment));

    if ids != expected.ids {
        return Some(format!("instances {ids:?}, expected {:?}", expected.ids));
    }
    if benefits != expected.benefits {
        return Some(format!(
            "benefits {benefits:?}, expected {:?}",
            expected.benefits
        ));
    }
    if counters != expected.counters {
        return Some(format!(
            "counters {counters:?}, expected {:?}",
            expected.counters
        ));
    }
    if !skipped_match {
        return Some(format!(
            "skipped {:?}, expected {:?}",
            details.skipped, expected.skipped
        ));
    }
    None
}

#[test]
fn every_malformed_answer_gives_its_exact_outcome() {
    let cases = cases();

    let failures: Vec<String> = cases
        .iter()
        .filter_map(|case| {
            let parsed = parse_addon_details(&case.body, case.zone);
            mismatch(&parsed, &case.expected).map(|why| format!("{}: {why}", case.name))
        })
        .collect();

    // Written to stderr directly, past the test harness's capture, so that the summary
    // shows in every run.
    let mut stderr = std::io::stderr();
    for failure in &failures {
        let _ = writeln!(stderr, "corpus case failed: {failure}");
    }
    let _ = writeln!(
        stderr,
        "corpus: {} cases, {} failed",
        cases.len(),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} corpus cases failed",
        failures.len()
    );
}
