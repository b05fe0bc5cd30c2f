//! Correlation of SFT instances with the portal's purchases.
//!
//! In order:
//! 1. the same `uniqueId` (a purchase that names a `uniqueId` is matched by it only);
//! 2. else the same `addonId` on the same endpoint, oldest purchase first, each purchase
//!    paired with at most one instance: the one whose start is nearest after the purchase
//!    (an instance not started yet counts as starting after any purchase);
//! 3. renewals: a further instance of the same `addonId` that starts after a matched
//!    instance belongs to the purchase of the latest such instance (a Recurring plan
//!    re-subscribing), numbered in start order: the original is 1, renewals 2, 3, …
//!
//! An instance with no purchase is shown under its SFT plan name. A purchase with no
//! instance is being set up for a while after the purchase, then is ended history.

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::model::{AddonInstance, Purchase};

/// Which purchase, if any, each instance came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Correlation {
    /// For each instance (same order as given), the index of its purchase; a renewal
    /// points to the purchase that started its chain.
    pub purchase_of: Vec<Option<usize>>,
    /// Purchases for this endpoint that no instance matched.
    pub unmatched: Vec<usize>,
}

/// Pairs `instances` of `endpoint_id` with `purchases` (which may cover other endpoints).
///
/// The same pairing as [`correlate_all`], without the time-dependent split of purchases
/// with no instance into "being set up" and history.
pub fn correlate(
    endpoint_id: &str,
    instances: &[AddonInstance],
    purchases: &[Purchase],
) -> Correlation {
    let pairing = pair(
        endpoint_id,
        instances,
        purchases,
        CorrelateOptions::default().start_tolerance,
    );
    let unmatched = pairing.purchases_without_instance(purchases);
    Correlation {
        purchase_of: pairing.purchase_of,
        unmatched,
    }
}

/// Settings of the correlation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CorrelateOptions {
    /// How long after the purchase a purchase with no instance is "being set up"; after
    /// that it is history (the add-on is gone, or never came).
    pub setting_up_window: TimeDelta,
    /// How much earlier than the purchase an instance may start and still be paired by
    /// time: the portal and SFT clocks differ, and a portal may record the purchase only
    /// after SFT has activated the add-on.
    pub start_tolerance: TimeDelta,
}

impl Default for CorrelateOptions {
    /// 30 minutes of setting up; 5 minutes of clock tolerance.
    fn default() -> Self {
        Self {
            setting_up_window: TimeDelta::minutes(30),
            start_tolerance: TimeDelta::minutes(5),
        }
    }
}

/// How an entry of the correlated list came about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum CorrelationKind {
    /// The instance a purchase activated (renewal number 1).
    Matched,
    /// A later instance of the same plan that re-subscribed (renewal number 2, 3, …).
    Renewal,
    /// An instance no purchase accounts for (support-assigned, promotional): shown under
    /// its SFT plan name.
    Unpurchased,
    /// A recent purchase whose instance SFT does not list yet.
    SettingUp,
    /// An older purchase whose instance SFT no longer lists (ended, removed).
    PurchaseHistory,
}

/// One entry the widget shows: an instance, a purchase, or both.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Correlated {
    /// Index into the instances given, if this entry is an instance.
    pub instance: Option<usize>,
    /// Index into the purchases given, if a purchase accounts for this entry.
    pub purchase: Option<usize>,
    /// Position in the purchase's chain of instances: 1 for the original, 2, 3, … for
    /// renewals in start order; `None` without both an instance and a purchase.
    pub renewal_number: Option<u32>,
    /// How the entry came about.
    pub kind: CorrelationKind,
}

/// Correlates `instances` of `endpoint_id` with `purchases` (which may cover other
/// endpoints) at `now`.
///
/// Returns every instance exactly once, in the order given, then every purchase of the
/// endpoint that no instance came from, oldest purchase first. Purchases of other
/// endpoints never appear.
pub fn correlate_all(
    endpoint_id: &str,
    instances: &[AddonInstance],
    purchases: &[Purchase],
    now: DateTime<Utc>,
    options: &CorrelateOptions,
) -> Vec<Correlated> {
    let pairing = pair(endpoint_id, instances, purchases, options.start_tolerance);

    let mut entries: Vec<Correlated> = (0..instances.len())
        .map(|i| {
            let kind = match (pairing.purchase_of[i], pairing.renewal_number[i]) {
                (None, _) => CorrelationKind::Unpurchased,
                (Some(_), Some(1)) => CorrelationKind::Matched,
                (Some(_), _) => CorrelationKind::Renewal,
            };
            Correlated {
                instance: Some(i),
                purchase: pairing.purchase_of[i],
                renewal_number: pairing.renewal_number[i],
                kind,
            }
        })
        .collect();

    let mut waiting = pairing.purchases_without_instance(purchases);
    waiting.sort_by_key(|&p| (purchases[p].purchased_at, p));
    entries.extend(waiting.into_iter().map(|p| {
        let recent = now < purchases[p].purchased_at + options.setting_up_window;
        Correlated {
            instance: None,
            purchase: Some(p),
            renewal_number: None,
            kind: if recent {
                CorrelationKind::SettingUp
            } else {
                CorrelationKind::PurchaseHistory
            },
        }
    }));
    entries
}

/// The pairing of instances with purchases, before any time-dependent presentation.
struct Pairing {
    /// Indices of the purchases of the endpoint.
    mine: Vec<usize>,
    /// For each instance, its purchase (original or renewal).
    purchase_of: Vec<Option<usize>>,
    /// For each instance with a purchase, its number in the purchase's chain.
    renewal_number: Vec<Option<u32>>,
}

impl Pairing {
    /// Purchases of the endpoint that no instance came from, in the order given.
    fn purchases_without_instance(&self, purchases: &[Purchase]) -> Vec<usize> {
        let mut has_instance = vec![false; purchases.len()];
        for p in self.purchase_of.iter().flatten() {
            has_instance[*p] = true;
        }
        self.mine
            .iter()
            .copied()
            .filter(|&p| !has_instance[p])
            .collect()
    }
}

/// When an instance starts, for ordering: not started yet sorts after every start.
fn start_key(instance: &AddonInstance) -> (bool, Option<DateTime<Utc>>) {
    (instance.starts_at.is_none(), instance.starts_at)
}

fn pair(
    endpoint_id: &str,
    instances: &[AddonInstance],
    purchases: &[Purchase],
    start_tolerance: TimeDelta,
) -> Pairing {
    let mine: Vec<usize> = (0..purchases.len())
        .filter(|&p| purchases[p].endpoint_id == endpoint_id)
        .collect();
    let mut taken = vec![false; purchases.len()];
    let mut purchase_of = vec![None; instances.len()];

    for (i, instance) in instances.iter().enumerate() {
        let same_id = mine.iter().copied().find(|&p| {
            !taken[p] && purchases[p].unique_id.as_deref() == Some(instance.unique_id.as_str())
        });
        if let Some(p) = same_id {
            taken[p] = true;
            purchase_of[i] = Some(p);
        }
    }

    // Pair the rest by plan and time: oldest purchase first, nearest start after it.
    let mut by_time = mine.clone();
    by_time.sort_by_key(|&p| (purchases[p].purchased_at, p));
    for p in by_time {
        if taken[p] || purchases[p].unique_id.is_some() {
            continue;
        }
        let purchase = &purchases[p];
        let earliest_start = purchase.purchased_at - start_tolerance;
        let candidate = (0..instances.len())
            .filter(|&i| purchase_of[i].is_none() && instances[i].addon_id == purchase.addon_id)
            .filter(|&i| instances[i].starts_at.is_none_or(|s| s >= earliest_start))
            .min_by_key(|&i| (start_key(&instances[i]), i));
        if let Some(i) = candidate {
            taken[p] = true;
            purchase_of[i] = Some(p);
        }
    }

    // Renewals join the chain of the latest matched instance of their plan before them.
    let originals: Vec<usize> = (0..instances.len())
        .filter(|&i| purchase_of[i].is_some())
        .collect();
    for i in 0..instances.len() {
        if purchase_of[i].is_some() {
            continue;
        }
        let chain = originals
            .iter()
            .copied()
            .filter(|&o| instances[o].addon_id == instances[i].addon_id)
            .filter(|&o| {
                instances[o].starts_at.is_some()
                    && start_key(&instances[o]) < start_key(&instances[i])
            })
            .max_by_key(|&o| (start_key(&instances[o]), o));
        purchase_of[i] = chain.and_then(|o| purchase_of[o]);
    }

    let mut renewal_number = vec![None; instances.len()];
    for &p in &mine {
        let mut chain: Vec<usize> = (0..instances.len())
            .filter(|&i| purchase_of[i] == Some(p))
            .collect();
        // The original starts strictly before each of its renewals.
        chain.sort_by_key(|&i| (start_key(&instances[i]), i));
        for (number, &i) in (1..).zip(&chain) {
            renewal_number[i] = Some(number);
        }
    }

    Pairing {
        mine,
        purchase_of,
        renewal_number,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    const ENDPOINT: &str = "8802";

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, day, hour, 0, 0).unwrap()
    }

    fn instance(unique_id: &str, addon_id: &str, start: Option<DateTime<Utc>>) -> AddonInstance {
        AddonInstance {
            unique_id: unique_id.into(),
            addon_id: addon_id.into(),
            plan_name: format!("Plan {addon_id}"),
            service: "DATA".into(),
            starts_at: start,
            expires_at: None,
            benefits: Vec::new(),
            counters: Vec::new(),
        }
    }

    fn purchase(order_id: &str, addon_id: &str, bought: DateTime<Utc>) -> Purchase {
        Purchase {
            order_id: order_id.into(),
            product_name: format!("Product {order_id}"),
            addon_id: addon_id.into(),
            endpoint_id: ENDPOINT.into(),
            purchased_at: bought,
            unique_id: None,
            price_minor: None,
            currency: None,
            top_up_url: None,
            renew_url: None,
        }
    }

    fn naming(unique_id: &str, purchase: Purchase) -> Purchase {
        Purchase {
            unique_id: Some(unique_id.into()),
            ..purchase
        }
    }

    fn elsewhere(purchase: Purchase) -> Purchase {
        Purchase {
            endpoint_id: "other".into(),
            ..purchase
        }
    }

    /// Each entry as (instance unique id, purchase order id, renewal number, kind).
    type Row<'a> = (
        Option<&'a str>,
        Option<&'a str>,
        Option<u32>,
        CorrelationKind,
    );

    /// One rule's case: name, instances, purchases, expected entries.
    type Case = (
        &'static str,
        Vec<AddonInstance>,
        Vec<Purchase>,
        Vec<Row<'static>>,
    );

    fn rows<'a>(
        instances: &'a [AddonInstance],
        purchases: &'a [Purchase],
        now: DateTime<Utc>,
    ) -> Vec<Row<'a>> {
        let options = CorrelateOptions::default();
        let entries = correlate_all(ENDPOINT, instances, purchases, now, &options);

        entries
            .into_iter()
            .map(|entry| {
                (
                    entry.instance.map(|i| instances[i].unique_id.as_str()),
                    entry.purchase.map(|p| purchases[p].order_id.as_str()),
                    entry.renewal_number,
                    entry.kind,
                )
            })
            .collect()
    }

    #[test]
    fn each_rule_pairs_instances_and_purchases() {
        use CorrelationKind::*;
        let now = at(20, 12);
        let cases: Vec<Case> = vec![
            (
                "same uniqueId wins over time",
                vec![
                    instance("u1", "A", Some(at(2, 0))),
                    instance("u2", "A", Some(at(5, 0))),
                ],
                vec![naming("u2", purchase("o1", "A", at(1, 0)))],
                vec![
                    (Some("u1"), None, None, Unpurchased),
                    (Some("u2"), Some("o1"), Some(1), Matched),
                ],
            ),
            (
                "same addonId: nearest start after the purchase",
                vec![
                    instance("u1", "A", Some(at(9, 0))),
                    instance("u2", "A", Some(at(3, 0))),
                    instance("u3", "B", Some(at(2, 0))),
                ],
                vec![purchase("o1", "A", at(2, 0))],
                vec![
                    (Some("u1"), Some("o1"), Some(2), Renewal),
                    (Some("u2"), Some("o1"), Some(1), Matched),
                    (Some("u3"), None, None, Unpurchased),
                ],
            ),
            (
                "an instance started before the purchase is not its match",
                vec![instance("u1", "A", Some(at(1, 0)))],
                vec![purchase("o1", "A", at(2, 0))],
                vec![
                    (Some("u1"), None, None, Unpurchased),
                    (None, Some("o1"), None, PurchaseHistory),
                ],
            ),
            (
                "a start a few minutes before the purchase is clock skew",
                vec![instance("u1", "A", Some(at(2, 0) - TimeDelta::minutes(3)))],
                vec![purchase("o1", "A", at(2, 0))],
                vec![(Some("u1"), Some("o1"), Some(1), Matched)],
            ),
            (
                "not started counts as after every purchase",
                vec![
                    instance("u1", "A", None),
                    instance("u2", "A", Some(at(4, 0))),
                ],
                vec![
                    purchase("o1", "A", at(3, 0)),
                    purchase("o2", "A", at(10, 0)),
                ],
                vec![
                    (Some("u1"), Some("o2"), Some(1), Matched),
                    (Some("u2"), Some("o1"), Some(1), Matched),
                ],
            ),
            (
                "two purchases of one plan each get their own instance",
                vec![
                    instance("u1", "A", Some(at(2, 1))),
                    instance("u2", "A", Some(at(6, 1))),
                ],
                vec![purchase("o1", "A", at(2, 0)), purchase("o2", "A", at(6, 0))],
                vec![
                    (Some("u1"), Some("o1"), Some(1), Matched),
                    (Some("u2"), Some("o2"), Some(1), Matched),
                ],
            ),
            (
                "renewals are numbered in start order",
                vec![
                    instance("u3", "A", None),
                    instance("u2", "A", Some(at(8, 0))),
                    instance("u1", "A", Some(at(1, 0))),
                ],
                vec![naming("u1", purchase("o1", "A", at(1, 0)))],
                vec![
                    (Some("u3"), Some("o1"), Some(3), Renewal),
                    (Some("u2"), Some("o1"), Some(2), Renewal),
                    (Some("u1"), Some("o1"), Some(1), Matched),
                ],
            ),
            (
                "a renewal joins the latest purchase's chain before it",
                vec![
                    instance("u1", "A", Some(at(1, 0))),
                    instance("u2", "A", Some(at(5, 0))),
                    instance("u3", "A", Some(at(9, 0))),
                ],
                vec![
                    naming("u1", purchase("o1", "A", at(1, 0))),
                    naming("u2", purchase("o2", "A", at(5, 0))),
                ],
                vec![
                    (Some("u1"), Some("o1"), Some(1), Matched),
                    (Some("u2"), Some("o2"), Some(1), Matched),
                    (Some("u3"), Some("o2"), Some(2), Renewal),
                ],
            ),
            (
                "an instance before any match of its plan stays unpurchased",
                vec![
                    instance("u1", "A", Some(at(1, 0))),
                    instance("u2", "A", Some(at(5, 0))),
                ],
                vec![naming("u2", purchase("o1", "A", at(5, 0)))],
                vec![
                    (Some("u1"), None, None, Unpurchased),
                    (Some("u2"), Some("o1"), Some(1), Matched),
                ],
            ),
            (
                "a purchase naming a missing uniqueId is not paired by time",
                vec![instance("u1", "A", Some(at(20, 12)))],
                vec![naming("gone", purchase("o1", "A", at(20, 12)))],
                vec![
                    (Some("u1"), None, None, Unpurchased),
                    (None, Some("o1"), None, SettingUp),
                ],
            ),
            (
                "no instance: setting up within 30 minutes, then history",
                vec![],
                vec![
                    purchase("o2", "A", at(20, 11) + TimeDelta::minutes(40)),
                    purchase("o1", "B", at(20, 11)),
                    purchase("o3", "C", at(20, 11) + TimeDelta::minutes(30)),
                ],
                vec![
                    (None, Some("o1"), None, PurchaseHistory),
                    (None, Some("o3"), None, PurchaseHistory),
                    (None, Some("o2"), None, SettingUp),
                ],
            ),
            (
                "other endpoints' purchases never appear",
                vec![instance("u1", "A", Some(at(2, 0)))],
                vec![
                    elsewhere(naming("u1", purchase("o1", "A", at(1, 0)))),
                    elsewhere(purchase("o2", "A", at(1, 0))),
                ],
                vec![(Some("u1"), None, None, Unpurchased)],
            ),
        ];

        for (name, instances, purchases, expected) in cases {
            let got = rows(&instances, &purchases, now);

            assert_eq!(got, expected, "{name}");
        }
    }

    #[test]
    fn the_setting_up_window_is_configurable() {
        let purchases = [purchase("o1", "A", at(20, 10))];
        let options = CorrelateOptions {
            setting_up_window: TimeDelta::hours(3),
            ..CorrelateOptions::default()
        };

        let entries = correlate_all(ENDPOINT, &[], &purchases, at(20, 12), &options);

        assert_eq!(entries[0].kind, CorrelationKind::SettingUp);
    }

    #[test]
    fn the_plain_correlation_points_renewals_to_their_purchase() {
        let instances = [
            instance("u1", "A", Some(at(1, 0))),
            instance("u2", "A", Some(at(8, 0))),
            instance("u3", "B", Some(at(8, 0))),
        ];
        let purchases = [purchase("o1", "A", at(1, 0)), purchase("o2", "C", at(3, 0))];

        let correlation = correlate(ENDPOINT, &instances, &purchases);

        assert_eq!(correlation.purchase_of, [Some(0), Some(0), None]);
        assert_eq!(correlation.unmatched, [1]);
    }

    fn arb_instances() -> impl Strategy<Value = Vec<AddonInstance>> {
        prop::collection::vec((0..3u8, prop::option::of(0..200i64)), 0..10).prop_map(|specs| {
            specs
                .into_iter()
                .enumerate()
                .map(|(i, (addon, start))| {
                    let start = start.map(|h| at(1, 0) + TimeDelta::hours(h));
                    instance(&format!("u{i}"), &format!("A{addon}"), start)
                })
                .collect()
        })
    }

    fn arb_purchases() -> impl Strategy<Value = Vec<Purchase>> {
        let one = (
            0..3u8,
            0..200i64,
            prop::option::of(0..12usize),
            prop::bool::weighted(0.8),
        );
        prop::collection::vec(one, 0..10).prop_map(|specs| {
            specs
                .into_iter()
                .enumerate()
                .map(|(p, (addon, hour, unique, here))| {
                    let bought = at(1, 0) + TimeDelta::hours(hour);
                    let mut made = purchase(&format!("o{p}"), &format!("A{addon}"), bought);
                    made.unique_id = unique.map(|u| format!("u{u}"));
                    if !here {
                        made = elsewhere(made);
                    }
                    made
                })
                .collect()
        })
    }

    proptest! {
        #[test]
        fn no_instance_or_purchase_is_lost_or_shown_twice(
            instances in arb_instances(),
            purchases in arb_purchases(),
            now_hours in 0..250i64,
        ) {
            let now = at(1, 0) + TimeDelta::hours(now_hours);

            let entries = correlate_all(
                ENDPOINT,
                &instances,
                &purchases,
                now,
                &CorrelateOptions::default(),
            );

            for i in 0..instances.len() {
                let shown = entries.iter().filter(|e| e.instance == Some(i)).count();
                prop_assert_eq!(shown, 1, "instance {} shown {} times", i, shown);
            }
            for (p, bought) in purchases.iter().enumerate() {
                let entries_of_p: Vec<_> =
                    entries.iter().filter(|e| e.purchase == Some(p)).collect();
                if bought.endpoint_id != ENDPOINT {
                    prop_assert!(entries_of_p.is_empty(), "foreign purchase {} shown", p);
                    continue;
                }
                prop_assert!(!entries_of_p.is_empty(), "purchase {} lost", p);
                let originals =
                    entries_of_p.iter().filter(|e| e.kind == CorrelationKind::Matched).count();
                prop_assert!(originals <= 1, "purchase {} is the original of two", p);
                let mut numbers: Vec<u32> =
                    entries_of_p.iter().filter_map(|e| e.renewal_number).collect();
                numbers.sort_unstable();
                let expected: Vec<u32> = (1..=numbers.len() as u32).collect();
                prop_assert_eq!(numbers, expected, "renewals of {} numbered 1..n", p);
            }
        }

        #[test]
        fn every_entry_is_consistent_with_its_kind(
            instances in arb_instances(),
            purchases in arb_purchases(),
        ) {
            let entries = correlate_all(
                ENDPOINT,
                &instances,
                &purchases,
                at(5, 0),
                &CorrelateOptions::default(),
            );

            for entry in entries {
                let with_both = entry.instance.is_some() && entry.purchase.is_some();
                match entry.kind {
                    CorrelationKind::Matched => prop_assert_eq!(entry.renewal_number, Some(1)),
                    CorrelationKind::Renewal => {
                        prop_assert!(entry.renewal_number.is_some_and(|n| n >= 2));
                    }
                    CorrelationKind::Unpurchased => prop_assert!(entry.purchase.is_none()),
                    CorrelationKind::SettingUp | CorrelationKind::PurchaseHistory => {
                        prop_assert!(entry.instance.is_none());
                    }
                }
                // Only a uniqueId match may cross plans (the portal's id is trusted).
                if let (Some(i), Some(p)) = (entry.instance, entry.purchase) {
                    if purchases[p].unique_id.is_none() {
                        prop_assert_eq!(&instances[i].addon_id, &purchases[p].addon_id);
                    }
                }
                prop_assert_eq!(with_both, entry.renewal_number.is_some());
            }
        }
    }
}
