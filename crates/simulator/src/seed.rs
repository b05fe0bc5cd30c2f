//! The demo traveler: two endpoints with add-ons in every state, placed relative to the
//! simulator's start instant, and the purchases the portal recorded for them.
//!
//! Unlike real SFT, which removes One Time add-ons when they expire or run out, the demo
//! keeps expired and used-up instances listed so the widget can show every state.
//! Recurring plans renew, up to their subscription count, when a period ends or when
//! every benefit is used up, whichever comes first (so a used-up pass sits beside its
//! active renewal until its own period ends); a renewal appears once the clock reaches
//! its start.

use addon_usage_core::{Endpoint, Purchase, Traveler};
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::usage::UsagePattern;

/// SFT counts counter values in MB of 2^20 bytes.
const MIB: i64 = 1024 * 1024;
/// Allowances are sold in decimal units: a "1 GB" pass grants 10^9 bytes.
const MB: i64 = 1_000_000;
const GB: i64 = 1_000 * MB;

/// One add-on instance as the simulator holds it at some instant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SimInstance {
    /// SFT `uniqueId`.
    pub unique_id: String,
    /// SFT `planId` (the portal's `addonId`).
    pub plan_id: String,
    /// SFT `planName`.
    pub plan_name: String,
    /// SFT `planServiceName`.
    pub service: String,
    /// Plan start; `None` for an On Usage add-on not used yet.
    pub start: Option<DateTime<Utc>>,
    /// Plan expiry; `None` when not set yet.
    pub expiry: Option<DateTime<Utc>>,
    /// The allowances, with their current balances.
    pub benefits: Vec<SimBenefit>,
    /// The usage counters, with their current values.
    pub counters: Vec<SimCounter>,
}

/// One allowance of a [`SimInstance`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SimBenefit {
    /// SFT benefit name: `DATA` (bytes), `SMS` (messages) or `VOICE` (seconds).
    pub name: String,
    /// When the allowance starts; `None` when not set.
    pub start: Option<DateTime<Utc>>,
    /// When the allowance expires; `None` when not set. May be before the plan's.
    pub expiry: Option<DateTime<Utc>>,
    /// What is left (SFT `balance`).
    pub remaining: i64,
    /// What was granted (SFT `actualBalance`).
    pub total: i64,
}

/// One usage counter of a [`SimInstance`], in megabytes as SFT sends them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SimCounter {
    /// SFT `counterId`.
    pub counter_id: String,
    /// SFT counter name, such as `Daily_Data`.
    pub name: String,
    /// `Daily` or `Monthly`.
    pub frequency: String,
    /// The threshold in MB.
    pub threshold_mb: i64,
    /// Data counted in the current period, in MB.
    pub current_mb: i64,
    /// SFT's action text at the threshold, such as `Throttle_512 Kbps`.
    pub action: String,
}

/// The demo data, anchored at the simulator's start.
pub(crate) struct Demo {
    endpoints: Vec<DemoEndpoint>,
    purchases: Vec<Purchase>,
}

struct DemoEndpoint {
    id: &'static str,
    label: &'static str,
    plans: Vec<PlanSeries>,
}

/// An add-on plan on an endpoint: one instance for a One Time plan, a chain of renewals
/// for a Recurring one.
struct PlanSeries {
    first_unique_id: u64,
    plan_id: &'static str,
    plan_name: &'static str,
    /// `None` for an On Usage add-on that has not started.
    start: Option<DateTime<Utc>>,
    period: Duration,
    /// 1 for One Time; the subscription count for Recurring.
    subscriptions: u32,
    benefits: Vec<BenefitSeed>,
    counters: Vec<CounterSeed>,
}

struct BenefitSeed {
    name: &'static str,
    total: i64,
    /// Shorter than the plan's period when set.
    validity: Option<Duration>,
    /// Average use per day of the first instance.
    per_day: f64,
    /// Average use per day of renewals.
    renewal_per_day: f64,
}

struct CounterSeed {
    counter_id: &'static str,
    name: &'static str,
    daily: bool,
    threshold_mb: i64,
    action: &'static str,
}

/// How far apart the unique ids of consecutive renewals are.
const RENEWAL_ID_STEP: u64 = 131;

impl Demo {
    /// The demo traveler, with every date relative to `start`.
    pub(crate) fn seeded_at(start: DateTime<Utc>) -> Self {
        let days = Duration::days;
        let hours = Duration::hours;
        let minutes = Duration::minutes;
        let gb = GB as f64;

        let europe = DemoEndpoint {
            id: "880154",
            label: "Europe eSIM",
            plans: vec![
                PlanSeries {
                    first_unique_id: 5512001,
                    plan_id: "3101",
                    plan_name: "Europe 10GB 30 days",
                    start: Some(start - days(6) - hours(12)),
                    period: days(30),
                    subscriptions: 1,
                    benefits: vec![
                        data(10 * GB, gb, gb),
                        BenefitSeed {
                            name: "SMS",
                            total: 50,
                            // Ends 12 hours after the simulator starts, long before the plan.
                            validity: Some(days(7)),
                            per_day: 1.5,
                            renewal_per_day: 1.5,
                        },
                    ],
                    counters: vec![
                        CounterSeed {
                            counter_id: "77",
                            name: "Daily_Data",
                            daily: true,
                            threshold_mb: 2048,
                            action: "Throttle_512 Kbps",
                        },
                        CounterSeed {
                            counter_id: "78",
                            name: "Monthly_Data",
                            daily: false,
                            threshold_mb: 9000,
                            action: "Redirect",
                        },
                    ],
                },
                PlanSeries {
                    first_unique_id: 5512077,
                    plan_id: "3105",
                    plan_name: "Europe 3GB 7 days",
                    start: None,
                    period: days(7),
                    subscriptions: 1,
                    benefits: vec![data(3 * GB, 0.4 * gb, 0.4 * gb)],
                    counters: vec![],
                },
                PlanSeries {
                    first_unique_id: 5511890,
                    plan_id: "3102",
                    plan_name: "Europe 1GB Daily Pass",
                    start: Some(start - hours(20)),
                    period: days(1),
                    subscriptions: 5,
                    // The first pass runs out about 7 hours before the simulator starts,
                    // which starts the first renewal; renewals are used gently.
                    benefits: vec![data(GB, 1.8 * gb, 0.4 * gb)],
                    counters: vec![],
                },
                PlanSeries {
                    first_unique_id: 5509800,
                    plan_id: "3104",
                    plan_name: "Europe 5GB 7 days",
                    start: Some(start - days(20)),
                    period: days(7),
                    subscriptions: 1,
                    benefits: vec![data(5 * GB, 0.5 * gb, 0.5 * gb)],
                    counters: vec![],
                },
            ],
        };
        let japan = DemoEndpoint {
            id: "880299",
            label: "Japan eSIM",
            plans: vec![
                PlanSeries {
                    first_unique_id: 5520388,
                    plan_id: "3202",
                    plan_name: "Japan 3GB 10 days",
                    start: Some(start - days(2) + hours(1)),
                    period: days(10),
                    subscriptions: 1,
                    benefits: vec![
                        data(3 * GB, 0.3 * gb, 0.3 * gb),
                        BenefitSeed {
                            name: "VOICE",
                            total: 30 * 60,
                            validity: None,
                            per_day: 240.0,
                            renewal_per_day: 240.0,
                        },
                    ],
                    counters: vec![CounterSeed {
                        counter_id: "91",
                        name: "Daily_Data",
                        daily: true,
                        threshold_mb: 1024,
                        action: "Block",
                    }],
                },
                PlanSeries {
                    first_unique_id: 5520001,
                    plan_id: "3900",
                    plan_name: "Welcome Bonus 500MB",
                    start: Some(start - days(2)),
                    period: days(30),
                    subscriptions: 1,
                    benefits: vec![data(500 * MB, 12.0 * MB as f64, 12.0 * MB as f64)],
                    counters: vec![],
                },
                PlanSeries {
                    first_unique_id: 5520410,
                    plan_id: "3201",
                    plan_name: "Japan 5GB 15 days",
                    start: Some(start + days(3)),
                    period: days(15),
                    subscriptions: 1,
                    benefits: vec![data(5 * GB, 0.4 * gb, 0.4 * gb)],
                    counters: vec![],
                },
            ],
        };

        let purchase = |order: &str, product: &str, addon: &str, endpoint: &str| Purchase {
            order_id: order.into(),
            product_name: product.into(),
            addon_id: addon.into(),
            endpoint_id: endpoint.into(),
            purchased_at: start,
            unique_id: None,
            price_minor: None,
            currency: Some("EUR".into()),
            top_up_url: None,
            renew_url: None,
        };
        let purchases = vec![
            Purchase {
                purchased_at: start - days(6) - hours(12) - minutes(3),
                unique_id: Some("5512001".into()),
                price_minor: Some(2900),
                top_up_url: Some("/portal.html#shop-3101".into()),
                ..purchase("ord-1001", "Europe 10 GB · 30 days", "3101", "880154")
            },
            Purchase {
                purchased_at: start - hours(20),
                unique_id: Some("5512077".into()),
                price_minor: Some(1200),
                ..purchase(
                    "ord-1007",
                    "Europe 3 GB · 7 days (starts on first use)",
                    "3105",
                    "880154",
                )
            },
            Purchase {
                purchased_at: start - hours(20) - minutes(5),
                unique_id: Some("5511890".into()),
                price_minor: Some(499),
                renew_url: Some("/portal.html#shop-3102".into()),
                ..purchase("ord-1004", "Europe Day Pass 1 GB", "3102", "880154")
            },
            Purchase {
                purchased_at: start - days(20) - minutes(11),
                unique_id: Some("5509800".into()),
                price_minor: Some(1900),
                ..purchase("ord-0950", "Europe 5 GB · 1 week", "3104", "880154")
            },
            // The portal did not store this one's uniqueId: it pairs by addonId and time.
            Purchase {
                purchased_at: start - days(2) + hours(1) - minutes(4),
                price_minor: Some(1500),
                ..purchase("ord-1005", "Japan 3 GB · 10 days", "3202", "880299")
            },
            Purchase {
                purchased_at: start - hours(9),
                unique_id: Some("5520410".into()),
                price_minor: Some(2200),
                ..purchase("ord-1009", "Japan 5 GB · 15 days", "3201", "880299")
            },
            // 5520001 (Welcome Bonus) was assigned by support: it has no purchase.
        ];

        Self {
            endpoints: vec![europe, japan],
            purchases,
        }
    }

    /// The traveler's endpoints and purchases.
    pub(crate) fn traveler(&self) -> Traveler {
        Traveler {
            endpoints: self
                .endpoints
                .iter()
                .map(|e| Endpoint {
                    id: e.id.into(),
                    label: e.label.into(),
                })
                .collect(),
            purchases: self.purchases.clone(),
        }
    }

    /// The instances of `endpoint_id` as they stand at `now`; `None` for an unknown
    /// endpoint. Daily counters reset at midnight in `zone`.
    pub(crate) fn instances_at(
        &self,
        endpoint_id: &str,
        now: DateTime<Utc>,
        zone: Tz,
    ) -> Option<Vec<SimInstance>> {
        let endpoint = self.endpoints.iter().find(|e| e.id == endpoint_id)?;
        let mut instances = Vec::new();
        for plan in &endpoint.plans {
            let mut start = plan.start;
            for renewal in 0..plan.subscriptions {
                if renewal > 0 && start.is_none_or(|s| s > now) {
                    break;
                }
                let (instance, used_up_at) = plan.instance(renewal, start, now, zone);
                start = match (instance.expiry, used_up_at) {
                    (Some(expiry), Some(used_up)) => Some(expiry.min(used_up)),
                    (expiry, _) => expiry,
                };
                instances.push(instance);
            }
        }
        Some(instances)
    }
}

impl PlanSeries {
    /// Renewal number `renewal` (0 for the first instance) at `now`, and when all its
    /// benefits are (or will be) used up, if they ever are.
    fn instance(
        &self,
        renewal: u32,
        start: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
        zone: Tz,
    ) -> (SimInstance, Option<DateTime<Utc>>) {
        let unique_id = self.first_unique_id + RENEWAL_ID_STEP * renewal as u64;
        let expiry = start.map(|s| s + self.period);

        let mut data_usage = None;
        let mut used_up_at = Some(start.unwrap_or(now));
        let benefits = self
            .benefits
            .iter()
            .enumerate()
            .map(|(index, seed)| {
                let benefit_expiry = match (start, seed.validity) {
                    (Some(s), Some(validity)) => Some(s + validity),
                    _ => expiry,
                };
                let usage = start.zip(benefit_expiry).map(|(from, until)| UsagePattern {
                    seed: unique_id.wrapping_mul(31).wrapping_add(index as u64),
                    from,
                    until,
                    per_day: if renewal == 0 {
                        seed.per_day
                    } else {
                        seed.renewal_per_day
                    },
                });
                if seed.name == "DATA" {
                    data_usage = usage.map(|u| (u, seed.total));
                }
                let exhausted = usage.and_then(|u| u.exhausted_at(seed.total));
                used_up_at = used_up_at.zip(exhausted).map(|(a, b)| a.max(b));
                SimBenefit {
                    name: seed.name.into(),
                    start,
                    expiry: benefit_expiry,
                    remaining: usage.map_or(seed.total, |u| u.remaining_at(seed.total, now)),
                    total: seed.total,
                }
            })
            .collect();

        let counters = self
            .counters
            .iter()
            .map(|seed| {
                let used = |at: DateTime<Utc>| {
                    data_usage.map_or(0, |(usage, total)| usage.rated_by(at).min(total))
                };
                let counted = if seed.daily {
                    used(now) - used(local_midnight(now, zone))
                } else {
                    used(now)
                };
                SimCounter {
                    counter_id: seed.counter_id.into(),
                    name: seed.name.into(),
                    frequency: if seed.daily { "Daily" } else { "Monthly" }.into(),
                    threshold_mb: seed.threshold_mb,
                    current_mb: counted / MIB,
                    action: seed.action.into(),
                }
            })
            .collect();

        let instance = SimInstance {
            unique_id: unique_id.to_string(),
            plan_id: self.plan_id.into(),
            plan_name: self.plan_name.into(),
            service: "DATA".into(),
            start,
            expiry,
            benefits,
            counters,
        };
        (instance, used_up_at)
    }
}

/// A data allowance valid as long as its plan.
fn data(total: i64, per_day: f64, renewal_per_day: f64) -> BenefitSeed {
    BenefitSeed {
        name: "DATA",
        total,
        validity: None,
        per_day,
        renewal_per_day,
    }
}

/// The last midnight in `zone` at or before `now`.
fn local_midnight(now: DateTime<Utc>, zone: Tz) -> DateTime<Utc> {
    let midnight = now
        .with_timezone(&zone)
        .date_naive()
        .and_time(chrono::NaiveTime::MIN);
    addon_usage_core::time::wall_time_to_instant(midnight, zone).min(now)
}
