//! Component tests in headless Chromium (`cargo test --target wasm32-unknown-unknown`).
#![cfg(target_arch = "wasm32")]

use addon_usage::cache::{self, addons_slot, Cache};
use addon_usage::components::AddonCard;
use addon_usage_core::model::{AddonInstance, AddonsSnapshot, Benefit, BenefitKind};
use addon_usage_core::units::UnitSystem;
use chrono::{Duration, Utc};
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
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
        view! { <AddonCard instance=europe(3_328_599_654) title="Europe 10 GB · 30 days" units=UnitSystem::Decimal purchase=None renewal=None /> }
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
        view! { <AddonCard instance title="Europe 10GB 30 days" units=UnitSystem::Decimal purchase=None renewal=None /> }
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
        view! { <AddonCard instance title="Japan 3 GB" units=UnitSystem::Binary purchase=None renewal=None /> }
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

fn snapshot(endpoint: &str) -> AddonsSnapshot {
    serde_json::from_value(serde_json::json!({
        "endpointId": endpoint,
        "fetchedAt": Utc::now(),
        "sftTimeZone": "UTC",
        "instances": [europe(42)],
    }))
    .unwrap()
}

fn local_storage() -> web_sys::Storage {
    web_sys::window().unwrap().local_storage().unwrap().unwrap()
}

#[wasm_bindgen_test]
fn cached_add_ons_survive_a_round_trip_under_a_namespaced_versioned_key() {
    let cache = Cache::new("traveler-a");
    let stored = snapshot("880154");

    cache.save(&addons_slot("880154"), &stored);
    let loaded: Option<AddonsSnapshot> = cache.load(&addons_slot("880154"));

    assert_eq!(loaded, Some(stored));
    let key = cache.key(&addons_slot("880154"));
    assert!(key.starts_with("addon-usage.v1."), "{key}");
    assert!(
        !key.contains("traveler-a"),
        "no raw traveler id in keys: {key}"
    );
}

#[wasm_bindgen_test]
fn corrupt_foreign_version_and_other_traveler_entries_are_dropped_not_shown() {
    let storage = local_storage();
    let alice = Cache::new("alice");
    let bob = Cache::new("bob");
    alice.save("addons-x", &snapshot("1"));
    let alice_raw = storage.get_item(&alice.key("addons-x")).unwrap().unwrap();
    let cases = [
        ("corrupt", "{not json".to_owned()),
        (
            "foreign version",
            alice_raw.replace("\"version\":1", "\"version\":99"),
        ),
        ("other traveler", alice_raw.clone()),
    ];

    for (name, raw) in cases {
        storage.set_item(&bob.key("addons-x"), &raw).unwrap();

        let loaded: Option<AddonsSnapshot> = bob.load("addons-x");

        assert_eq!(loaded, None, "{name} must not be shown");
        assert_eq!(
            storage.get_item(&bob.key("addons-x")).unwrap(),
            None,
            "{name} is removed"
        );
    }
}

#[wasm_bindgen_test]
fn forgetting_a_traveler_removes_only_their_entries() {
    let storage = local_storage();
    storage.set_item("host-app.session", "keep me").unwrap();
    Cache::new("carol").save("addons-y", &snapshot("2"));
    Cache::new("dave").save("addons-y", &snapshot("3"));

    let removed = cache::forget_traveler("carol");

    assert_eq!(removed, 1);
    assert_eq!(Cache::new("carol").load::<AddonsSnapshot>("addons-y"), None);
    assert!(Cache::new("dave")
        .load::<AddonsSnapshot>("addons-y")
        .is_some());
    assert_eq!(
        storage.get_item("host-app.session").unwrap().as_deref(),
        Some("keep me")
    );
}

#[wasm_bindgen_test]
fn a_full_or_throwing_storage_degrades_to_memory_without_losing_the_answer() {
    let break_storage = js_sys::Function::new_no_args(
        "window.__realSetItem = Storage.prototype.setItem;\
         Storage.prototype.setItem = function () { throw new DOMException('full', 'QuotaExceededError'); };",
    );
    let repair_storage =
        js_sys::Function::new_no_args("Storage.prototype.setItem = window.__realSetItem;");
    let cache = Cache::new("erin");
    break_storage.call0(&JsValue::NULL).unwrap();

    cache.save("addons-z", &snapshot("4"));
    let loaded: Option<AddonsSnapshot> = cache.load("addons-z");

    repair_storage.call0(&JsValue::NULL).unwrap();
    assert_eq!(loaded.map(|s| s.endpoint_id), Some("4".to_owned()));
}

#[wasm_bindgen_test]
async fn each_element_runs_its_own_widget_and_removing_it_stops_everything() {
    addon_usage::start();
    let document = web_sys::window().unwrap().document().unwrap();
    let before = addon_usage::element::mounted_count();
    let make = |traveler: &str| {
        let element = document.create_element("addon-usage").unwrap();
        element.set_attribute("traveler", traveler).unwrap();
        element
            .set_attribute("api-base", "http://127.0.0.1:9")
            .unwrap();
        document.body().unwrap().append_child(&element).unwrap();
        element
    };

    let first = make("frank");
    let second = make("grace");
    leptos::task::tick().await;
    let mounted = addon_usage::element::mounted_count();
    let rendered = [&first, &second].map(|e| {
        let root = e.shadow_root().expect("a shadow root");
        root.query_selector(".addon-usage").unwrap().is_some()
    });
    first.remove();
    second.remove();
    leptos::task::tick().await;

    assert_eq!(mounted, before + 2);
    assert_eq!(rendered, [true, true]);
    assert_eq!(
        addon_usage::element::mounted_count(),
        before,
        "unmounted on removal"
    );
}

/// `text` with the no-break spaces `Intl` and French typography use as plain ones.
fn plain(text: &str) -> String {
    text.replace(['\u{a0}', '\u{202f}'], " ")
}

#[wasm_bindgen_test]
async fn a_card_speaks_the_locale_from_context() {
    let (root, _handle) = mount(|| {
        let french = addon_usage::i18n::Locale::from_tag("fr").expect("French has a catalog");
        provide_context(french);
        view! { <AddonCard instance=europe(3_328_599_654) title="Europe 10 Go · 30 jours" units=UnitSystem::Decimal purchase=None renewal=None /> }
    });

    leptos::task::tick().await;

    let bar = ".benefit[data-kind=data] [role=progressbar]";
    assert_eq!(text(&root, ".status-badge"), "Active");
    assert_eq!(
        text(&root, ".addon-plan"),
        "Forfait SFT\u{a0}: Europe 10GB 30 days"
    );
    assert_eq!(
        text(&root, ".benefit[data-kind=data] .benefit-kind"),
        "Données"
    );
    assert_eq!(
        plain(&text(&root, ".benefit[data-kind=data] .benefit-figures")),
        "Il reste 3,3 Go sur 10,7 Go"
    );
    assert_eq!(
        attribute(&root, bar, "aria-label")
            .map(|l| plain(&l))
            .as_deref(),
        Some("Données : solde restant")
    );
    assert_eq!(
        attribute(&root, bar, "aria-valuetext")
            .map(|t| plain(&t))
            .as_deref(),
        Some("Il reste 3,3 Go sur 10,7 Go")
    );
    assert_eq!(
        plain(&text(&root, ".benefit[data-kind=sms] .benefit-figures")),
        "Il reste 41 SMS sur 50 SMS"
    );
    assert!(
        plain(&text(&root, ".countdown")).starts_with("Expire dans 16 jours 3 h"),
        "{}",
        text(&root, ".countdown")
    );
    assert!(
        plain(&text(&root, ".visually-hidden"))
            .starts_with("Europe 10 Go · 30 jours : il reste 3,3 Go sur 10,7 Go, "),
        "{}",
        text(&root, ".visually-hidden")
    );
}

/// Data for one eSIM holding the Europe add-on, bought as "Europe 10 GB · 30 days".
fn europe_data() -> addon_usage::data::Data {
    let data = addon_usage::data::Data::new(Vec::new());
    let traveler = serde_json::from_value(serde_json::json!({
        "endpoints": [{"id": "880154", "label": "Europe eSIM"}],
        "purchases": [{
            "orderId": "ord-1001", "productName": "Europe 10 GB · 30 days", "addonId": "3101",
            "endpointId": "880154", "purchasedAt": Utc::now() - Duration::days(15),
            "uniqueId": "5512001"
        }]
    }))
    .unwrap();
    data.traveler.set(Some(traveler));
    data.snapshots.update(|s| {
        s.insert("880154".into(), snapshot("880154"));
    });
    data
}

#[wasm_bindgen_test]
async fn the_overview_labels_each_esim_and_groups_its_add_ons() {
    let (root, _handle) = mount(|| {
        provide_context(europe_data());
        view! { <addon_usage::pages::OverviewPage /> }
    });

    leptos::task::tick().await;

    assert_eq!(text(&root, ".endpoint-name"), "Europe eSIM");
    assert!(
        text(&root, ".summary-line").starts_with("1 active add-on"),
        "{}",
        text(&root, ".summary-line")
    );
    assert_eq!(text(&root, ".group-title"), "Active");
    assert_eq!(
        text(&root, ".addon-card .addon-name"),
        "Europe 10 GB · 30 days"
    );
    let bar = ".addon-card .benefit[data-kind=data] [role=progressbar]";
    assert_eq!(
        attribute(&root, bar, "aria-valuetext").as_deref(),
        Some("42 B of 10.7 GB left")
    );
    let section = root.query_selector("section.endpoint").unwrap().unwrap();
    let heading = section.get_attribute("aria-labelledby").unwrap();
    assert!(
        root.query_selector(&format!("#{heading}"))
            .unwrap()
            .is_some(),
        "section is labelled"
    );
}

#[wasm_bindgen_test]
async fn the_detail_view_shows_validity_side_by_side_with_the_governing_one_marked() {
    let (root, _handle) = mount(|| {
        provide_context(europe_data());
        view! { <addon_usage::pages::AddonPage endpoint="880154".to_string() unique_id="5512001".to_string() /> }
    });

    leptos::task::tick().await;

    assert_eq!(
        text(&root, ".addon-detail .addon-name"),
        "Europe 10 GB · 30 days"
    );
    let headers: Vec<String> = (0..3)
        .map(|i| {
            text(
                &root,
                &format!(".validity-table thead th:nth-child({})", i + 1),
            )
        })
        .collect();
    assert_eq!(headers, ["Allowance", "Starts", "Ends"]);
    assert!(text(&root, ".validity-table tr.governs th").starts_with("Plan"));
    assert!(root.query_selector(".validity-note").unwrap().is_some());
    assert!(text(&root, ".purchase").contains("ord-1001"));
    assert!(root
        .query_selector("[role=progressbar][aria-valuetext]")
        .unwrap()
        .is_some());
}

#[wasm_bindgen_test]
async fn the_plan_history_lists_every_instance_of_the_plan_as_a_timeline() {
    let (root, _handle) = mount(|| {
        provide_context(europe_data());
        view! { <addon_usage::pages::PlanPage endpoint="880154".to_string() addon_id="3101".to_string() /> }
    });

    leptos::task::tick().await;

    let items = root.query_selector_all(".timeline-item").unwrap();
    assert_eq!(items.length(), 1);
    assert_eq!(
        attribute(&root, ".timeline-item", "data-unique-id").as_deref(),
        Some("5512001")
    );
    assert!(text(&root, ".timeline-item").contains("ord-1001"));
    assert_eq!(text(&root, ".timeline-item .status-badge"), "Active");
}

#[wasm_bindgen_test]
fn a_page_without_storage_keeps_working_from_memory() {
    let hide = js_sys::Function::new_no_args(
        "window.__realStorage = Object.getOwnPropertyDescriptor(window, 'localStorage');\
         Object.defineProperty(window, 'localStorage', { configurable: true,\
           get() { throw new DOMException('denied', 'SecurityError'); } });",
    );
    let restore = js_sys::Function::new_no_args(
        "Object.defineProperty(window, 'localStorage', window.__realStorage);",
    );
    let cache = Cache::new("henry");
    hide.call0(&JsValue::NULL).unwrap();

    cache.save("addons-w", &snapshot("5"));
    let loaded: Option<AddonsSnapshot> = cache.load("addons-w");

    restore.call0(&JsValue::NULL).unwrap();
    assert_eq!(loaded.map(|s| s.endpoint_id), Some("5".to_owned()));
    assert_eq!(
        local_storage().get_item(&cache.key("addons-w")).unwrap(),
        None
    );
}

#[wasm_bindgen_test]
fn oversized_storage_is_trimmed_oldest_first_and_never_touches_other_keys() {
    let storage = local_storage();
    storage
        .set_item("host-app.big", &"x".repeat(10_000))
        .unwrap();
    let cache = Cache::new("iris");
    let filler = "y".repeat(60_000);

    for n in 0..6 {
        cache.save(&format!("blob-{n}"), &filler);
    }

    let kept: Vec<bool> = (0..6)
        .map(|n| cache.load::<String>(&format!("blob-{n}")).is_some())
        .collect();
    assert!(!kept[0], "the oldest entry went first: {kept:?}");
    assert!(kept[5], "the newest entry stays: {kept:?}");
    assert_eq!(
        storage.get_item("host-app.big").unwrap().map(|v| v.len()),
        Some(10_000)
    );
    cache::forget_traveler("iris");
}
