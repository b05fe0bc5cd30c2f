//! Every example answer in `fixtures/` (copied from the shared SFT examples) parses to
//! the values it holds, and every non-success answer becomes the right error.

use addon_usage_core::model::{BenefitKind, CounterAction};
use addon_usage_core::sft::{parse_addon_details, SftError};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn utc(text: &str) -> Option<DateTime<Utc>> {
    Some(
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc),
    )
}

#[test]
fn endpoint_answer_gives_every_instance_benefit_and_counter() {
    let body = fixture("endpoint-addons.json");

    let details = parse_addon_details(&body, chrono_tz::UTC).unwrap();

    let ids: Vec<&str> = details
        .instances
        .iter()
        .map(|i| i.unique_id.as_str())
        .collect();
    assert_eq!(ids, ["5512001", "5512077", "5511890", "5512150"]);
    assert!(details.skipped.is_empty(), "{:?}", details.skipped);
    assert_eq!(details.responded_at, utc("2026-12-04T09:12:44Z"));

    let europe = &details.instances[0];
    assert_eq!(europe.addon_id, "3101");
    assert_eq!(europe.plan_name, "Europe 10GB 30 days");
    assert_eq!(europe.starts_at, utc("2026-11-20T18:40:05Z"));
    assert_eq!(europe.expires_at, utc("2026-12-20T18:40:05Z"));
    assert_eq!(europe.benefits.len(), 2);
    assert_eq!(europe.benefits[0].kind, BenefitKind::Data);
    assert_eq!(europe.benefits[0].total, 10_737_418_240);
    assert_eq!(europe.benefits[0].remaining, 3_328_599_654);
    assert_eq!(europe.benefits[1].kind, BenefitKind::Sms);
    assert_eq!(
        (europe.benefits[1].remaining, europe.benefits[1].total),
        (41, 50)
    );
    assert_eq!(europe.benefits[1].expires_at, utc("2026-11-27T18:40:05Z"));

    let daily = &europe.counters[0];
    assert_eq!(daily.name, "Daily_Data");
    assert_eq!(daily.threshold_bytes, 2048 * 1024 * 1024);
    assert_eq!(daily.current_bytes, 1536 * 1024 * 1024);
    assert_eq!(daily.action, CounterAction::Throttle { kbps: 512 });
    assert_eq!(europe.counters[1].action, CounterAction::Redirect);

    let japan = &details.instances[1];
    assert_eq!((japan.starts_at, japan.expires_at), (None, None));
    assert_eq!(japan.benefits[0].remaining, 3_221_225_472);

    let used_up = &details.instances[2];
    assert_eq!(used_up.benefits[0].remaining, 0);
}

#[test]
fn dates_are_read_in_the_configured_account_zone() {
    let brussels: Tz = "Europe/Brussels".parse().unwrap();

    let details = parse_addon_details(&fixture("endpoint-addons.json"), brussels).unwrap();

    assert_eq!(details.instances[0].expires_at, utc("2026-12-20T17:40:05Z"));
}

#[test]
fn info_payload_bare_objects_and_string_numbers_are_accepted() {
    let body = fixture("single-instance-bare-object.json");

    let details = parse_addon_details(&body, chrono_tz::UTC).unwrap();

    assert_eq!(details.instances.len(), 1);
    let daily = &details.instances[0];
    assert_eq!(daily.unique_id, "5512150");
    assert_eq!(daily.benefits.len(), 1);
    assert_eq!(daily.benefits[0].total, 1_073_741_824);
    assert_eq!(daily.benefits[0].remaining, 912_680_550);
    assert_eq!(daily.expires_at, utc("2026-12-05T07:00:00Z"));
}

#[test]
fn no_data_is_an_empty_list_not_an_error() {
    let details = parse_addon_details(&fixture("no-data.json"), chrono_tz::UTC).unwrap();

    assert!(details.instances.is_empty());
}

#[test]
fn in_body_401_is_token_expired() {
    let error = parse_addon_details(&fixture("token-expired.json"), chrono_tz::UTC).unwrap_err();

    assert_eq!(error, SftError::TokenExpired);
}

#[test]
fn other_failures_keep_sft_code_and_description() {
    let body = r#"{"Response":{"resultCode":"1","resultParam":
        {"resultCode":"1204","resultDescription":"Invalid endPointId"}}}"#;

    let error = parse_addon_details(body, chrono_tz::UTC).unwrap_err();

    assert_eq!(
        error,
        SftError::Rejected {
            code: "1204".into(),
            description: "Invalid endPointId".into()
        }
    );
}

#[test]
fn answers_that_are_not_sft_answers_are_malformed() {
    let cases = [
        "<html><body>502 Bad Gateway</body></html>",
        r#"{"Response": {"resultCode": "0", "responsePar"#,
        r#"{"result": "ok"}"#,
        r#"{"Response": "0"}"#,
        r#"{"Response": {"responseId": "1"}}"#,
        "",
    ];

    for body in cases {
        let error = parse_addon_details(body, chrono_tz::UTC).unwrap_err();

        assert!(
            matches!(error, SftError::Malformed(_)),
            "{body:?} gave {error:?}"
        );
    }
}

#[test]
fn unreadable_items_are_skipped_and_reported_while_the_rest_is_kept() {
    let body = r#"{"Response":{"resultCode":"0","responseParam":{
        "promotionalPlans":{"plan":[
            {"uniqueId":1,"planId":"9","planName":"Good","planStartDate":"-","planExpiryDate":"-"},
            {"uniqueId":1,"planId":"9","planName":"Duplicate"},
            {"planId":"9","planName":"No id"},
            {"uniqueId":2,"planId":"9","planStartDate":"32/13/2026 00:00:00"}]},
        "benefitInfo":{"benefit":[
            {"uniqueId":1,"name":"DATA","actualBalance":"10","balance":"ten"},
            {"uniqueId":1,"name":"DATA","actualBalance":10,"balance":4},
            {"uniqueId":77,"name":"DATA","actualBalance":10,"balance":4}]}}}}"#;

    let details = parse_addon_details(body, chrono_tz::UTC).unwrap();

    assert_eq!(details.instances.len(), 1);
    assert_eq!(details.instances[0].plan_name, "Good");
    assert_eq!(details.instances[0].benefits.len(), 1);
    assert_eq!(details.instances[0].benefits[0].remaining, 4);
    assert_eq!(details.skipped.len(), 5, "{:?}", details.skipped);
}
