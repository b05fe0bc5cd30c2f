//! Component tests in headless Chromium (`cargo test --target wasm32-unknown-unknown`).
#![cfg(target_arch = "wasm32")]

use addon_usage::cache;
use addon_usage::components::AddonCard;
use addon_usage_core::model::{AddonInstance, AddonsSnapshot, Benefit, BenefitKind};
use addon_usage_core::units::UnitSystem;
use chrono::{Duration, Utc};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn benefit(kind: BenefitKind, remaining: i64, total: i64) -> Benefit {
    Benefit {
        kind,
        starts_at: None,
        expires_at: None,
        total,
        remaining,
    }
}

fn europe(data_left: i64) -> AddonInstance {
    let now = Utc::now();
    AddonInstance {
        unique_id: "5512001".into(),
        addon_id: "3101".into(),
        plan_name: "Europe 10GB 30 days".into(),
        service: "DATA".into(),
        starts_at: Some(now - Duration::days(14)),
        expires_at: Some(now + Duration::days(16) + Duration::hours(3) + Duration::minutes(30)),
        benefits: vec![
            benefit(BenefitKind::Data, data_left, 10_737_418_240),
            benefit(BenefitKind::Sms, 41, 50),
        ],
        counters: Vec::new(),
    }
}

/// Mounts a view into a fresh element and returns the element with the mount handle.
fn mount<V: IntoView + 'static>(
    view: impl FnOnce() -> V + 'static,
) -> (web_sys::HtmlElement, impl Drop) {
    let document = web_sys::window().unwrap().document().unwrap();
    let parent: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&parent).unwrap();
    let handle = leptos::mount::mount_to(parent.clone(), view);
    (parent, handle)
}

fn text(root: &web_sys::HtmlElement, selector: &str) -> String {
    let element = root.query_selector(selector).unwrap();
    element
        .unwrap_or_else(|| panic!("no {selector}"))
        .text_content()
        .unwrap_or_default()
}

fn attribute(root: &web_sys::HtmlElement, selector: &str, name: &str) -> Option<String> {
    root.query_selector(selector)
        .unwrap()
        .and_then(|e| e.get_attribute(name))
}

#[wasm_bindgen_test]
async fn a_card_shows_what_is_left_of_each_benefit_with_an_accessible_bar() {
    let (root, _handle) = mount(|| {
        view! { <AddonCard instance=europe(3_328_599_654) title="Europe 10 GB · 30 days" units=UnitSystem::Decimal /> }
    });

    leptos::task::tick().await;

    assert_eq!(text(&root, ".addon-name"), "Europe 10 GB · 30 days");
    assert_eq!(text(&root, ".addon-plan"), "SFT plan: Europe 10GB 30 days");
    assert_eq!(
        attribute(&root, ".addon-card", "data-status").as_deref(),
        Some("active")
    );
    assert_eq!(text(&root, ".status-badge"), "Active");
    assert_eq!(
        text(&root, ".benefit[data-kind=data] .benefit-figures"),
        "3.3 GB left of 10.7 GB"
    );
    let bar = ".benefit[data-kind=data] [role=progressbar]";
    assert_eq!(attribute(&root, bar, "aria-valuemin").as_deref(), Some("0"));
    assert_eq!(
        attribute(&root, bar, "aria-valuemax").as_deref(),
        Some("100")
    );
    assert_eq!(
        attribute(&root, bar, "aria-valuenow").as_deref(),
        Some("31")
    );
    assert_eq!(
        attribute(&root, bar, "aria-valuetext").as_deref(),
        Some("3.3 GB of 10.7 GB left")
    );
    assert_eq!(
        text(&root, ".benefit[data-kind=sms] .benefit-figures"),
        "41 SMS left of 50 SMS"
    );
    assert!(text(&root, ".countdown").starts_with("Expires in 16 days 3 h"));
}

#[wasm_bindgen_test]
async fn a_spent_add_on_says_used_up_and_its_bar_is_empty() {
    let mut instance = europe(0);
    instance.benefits.truncate(1);
    let (root, _handle) = mount(move || {
        view! { <AddonCard instance title="Europe 10GB 30 days" units=UnitSystem::Decimal /> }
    });

    leptos::task::tick().await;

    assert_eq!(
        attribute(&root, ".addon-card", "data-status").as_deref(),
        Some("used-up")
    );
    assert_eq!(text(&root, ".status-badge"), "Used up");
    assert_eq!(
        attribute(&root, "[role=progressbar]", "aria-valuenow").as_deref(),
        Some("0")
    );
    assert!(
        root.query_selector(".addon-plan").unwrap().is_none(),
        "no plan note when same name"
    );
}

#[wasm_bindgen_test]
async fn an_on_usage_add_on_has_no_countdown_until_first_use() {
    let mut instance = europe(3_221_225_472);
    instance.starts_at = None;
    instance.expires_at = None;
    let (root, _handle) = mount(move || {
        view! { <AddonCard instance title="Japan 3 GB" units=UnitSystem::Binary /> }
    });

    leptos::task::tick().await;

    assert_eq!(
        attribute(&root, ".addon-card", "data-status").as_deref(),
        Some("not-started")
    );
    assert_eq!(text(&root, ".status-badge"), "Starts on first use");
    assert!(root.query_selector(".countdown").unwrap().is_none());
    assert_eq!(
        text(&root, ".benefit[data-kind=data] .benefit-figures"),
        "3 GiB left of 10 GiB"
    );
}

#[wasm_bindgen_test]
fn cached_add_ons_survive_a_round_trip_and_corrupt_entries_are_dropped() {
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    let snapshot = AddonsSnapshot {
        endpoint_id: "880154".into(),
        fetched_at: Utc::now(),
        sft_time_zone: "UTC".into(),
        instances: vec![europe(42)],
        stale: false,
        age_secs: None,
    };

    cache::save_addons(&snapshot);
    let loaded = cache::load_addons("880154");
    storage
        .set_item(&cache::addons_key("777"), "{not json")
        .unwrap();
    storage
        .set_item(&cache::addons_key("778"), r#"{"version":99,"value":{}}"#)
        .unwrap();

    assert_eq!(loaded, Some(snapshot));
    assert_eq!(cache::load_addons("777"), None);
    assert_eq!(
        storage.get_item(&cache::addons_key("777")).unwrap(),
        None,
        "corrupt entry removed"
    );
    assert_eq!(cache::load_addons("778"), None);
    assert_eq!(
        storage.get_item(&cache::addons_key("778")).unwrap(),
        None,
        "foreign version removed"
    );
    assert!(cache::addons_key("880154").starts_with("addon-usage.v1."));
}
