//! Warnings and calls to action for an add-on instance: a low balance, a projected
//! run-out before expiry, an expiry within a day, a counter that slows, blocks,
//! redirects or charges the traveler now. Each carries the action to suggest: Top up for
//! balance problems, Renew for expiry. The widget words them through its catalogs.

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::counters::counter_status;
use crate::forecast::Forecast;
use crate::model::{AddonInstance, BenefitKind, CounterAction};
use crate::status::{
    benefit_expired, benefit_figures, governing_deadline, instance_status, Deadline,
};

/// How close an expiry must be to warn about it.
pub const EXPIRES_SOON_WITHIN: TimeDelta = TimeDelta::hours(24);

/// When a balance counts as low, in percent of what was granted. Set by the portal,
/// adjustable by the traveler (and stored), so check it with [`Thresholds::validate`].
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Thresholds {
    /// At or below this share left, the balance is low.
    pub low_percent: f64,
    /// At or below this share left, the balance is very low; below `low_percent`.
    pub very_low_percent: f64,
}

impl Default for Thresholds {
    /// Low at 20 %, very low at 10 %.
    fn default() -> Self {
        Self {
            low_percent: 20.0,
            very_low_percent: 10.0,
        }
    }
}

/// Why low-balance thresholds were refused.
#[derive(Clone, Copy, Debug, PartialEq, thiserror::Error)]
pub enum ThresholdError {
    /// A threshold is not a percentage between 0 and 100.
    #[error("a low-balance threshold must be between 0 and 100 percent, not {0}")]
    OutOfRange(f64),
    /// The very-low threshold is not below the low one.
    #[error("the very-low threshold ({very_low}%) must be below the low one ({low}%)")]
    NotOrdered {
        /// The low threshold given.
        low: f64,
        /// The very-low threshold given.
        very_low: f64,
    },
}

impl Thresholds {
    /// Thresholds in percent, checked: both within 0..=100, very low below low.
    pub fn new(low_percent: f64, very_low_percent: f64) -> Result<Self, ThresholdError> {
        let thresholds = Self {
            low_percent,
            very_low_percent,
        };
        thresholds.validate().map(|()| thresholds)
    }

    /// Checks thresholds that came from configuration or storage.
    pub fn validate(&self) -> Result<(), ThresholdError> {
        for value in [self.low_percent, self.very_low_percent] {
            if !(0.0..=100.0).contains(&value) {
                return Err(ThresholdError::OutOfRange(value));
            }
        }
        if self.very_low_percent >= self.low_percent {
            return Err(ThresholdError::NotOrdered {
                low: self.low_percent,
                very_low: self.very_low_percent,
            });
        }
        Ok(())
    }

    /// The level of a balance with `percent_left`, if it is low at all.
    pub fn level(&self, percent_left: f64) -> Option<BalanceLevel> {
        if percent_left <= self.very_low_percent {
            Some(BalanceLevel::VeryLow)
        } else if percent_left <= self.low_percent {
            Some(BalanceLevel::Low)
        } else {
            None
        }
    }
}

/// How low a balance is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum BalanceLevel {
    /// At or below the low threshold.
    Low,
    /// At or below the very-low threshold.
    VeryLow,
}

/// What the warning's button offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum SuggestedAction {
    /// Buy more of the same add-on (balance problems).
    TopUp,
    /// Buy the add-on again (expiry).
    Renew,
}

/// How much a warning matters, most urgent first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The traveler cannot use the add-on (or hardly) now.
    Urgent,
    /// Something changes soon or already limits the add-on.
    Warning,
    /// Worth knowing.
    Notice,
}

/// What a warning is about, with the figures its sentence needs.
#[derive(Clone, Debug, PartialEq)]
pub enum WarningKind {
    /// A counter's threshold is reached and traffic is blocked.
    BlockedNow {
        /// Index into the instance's counters.
        counter: usize,
        /// When the counter resets, if known.
        resets_at: Option<DateTime<Utc>>,
    },
    /// A counter's threshold is reached and traffic goes to a purchase page.
    RedirectedNow {
        /// Index into the instance's counters.
        counter: usize,
        /// When the counter resets, if known.
        resets_at: Option<DateTime<Utc>>,
    },
    /// A benefit's balance is low.
    LowBalance {
        /// Index into the instance's benefits.
        benefit: usize,
        /// What the benefit is.
        kind: BenefitKind,
        /// Share left in percent, 0 or more.
        percent_left: f64,
        /// How low.
        level: BalanceLevel,
    },
    /// A counter's threshold is reached and speed is reduced.
    ThrottledNow {
        /// Index into the instance's counters.
        counter: usize,
        /// The reduced speed in kbit/s.
        kbps: u32,
        /// When the counter resets, if known.
        resets_at: Option<DateTime<Utc>>,
    },
    /// A counter's threshold is reached and traffic is charged out of bundle.
    OutOfBundleNow {
        /// Index into the instance's counters.
        counter: usize,
        /// When the counter resets, if known.
        resets_at: Option<DateTime<Utc>>,
    },
    /// The add-on stops being usable within [`EXPIRES_SOON_WITHIN`].
    ExpiresSoon {
        /// When.
        at: DateTime<Utc>,
    },
    /// At the current pace a benefit runs out before it expires.
    RunsOutBeforeExpiry {
        /// Index into the instance's benefits.
        benefit: usize,
        /// What the benefit is.
        kind: BenefitKind,
        /// When it runs out.
        at: DateTime<Utc>,
        /// How long before the expiry.
        margin: TimeDelta,
    },
}

/// One warning with its call to action.
#[derive(Clone, Debug, PartialEq)]
pub struct Warning {
    /// What it is about.
    pub kind: WarningKind,
    /// What to offer the traveler.
    pub action: SuggestedAction,
}

impl Warning {
    /// How much it matters.
    pub fn severity(&self) -> Severity {
        match self.kind {
            WarningKind::BlockedNow { .. } | WarningKind::RedirectedNow { .. } => Severity::Urgent,
            WarningKind::LowBalance {
                level: BalanceLevel::VeryLow,
                ..
            } => Severity::Urgent,
            WarningKind::ThrottledNow { .. }
            | WarningKind::OutOfBundleNow { .. }
            | WarningKind::ExpiresSoon { .. }
            | WarningKind::RunsOutBeforeExpiry { .. } => Severity::Warning,
            WarningKind::LowBalance { .. } => Severity::Notice,
        }
    }

    /// Order within the same severity: by kind as listed in [`WarningKind`], then the
    /// lowest balance or the earliest instant first.
    fn sort_key(&self) -> (Severity, u8, i64) {
        let (rank, detail) = match &self.kind {
            WarningKind::BlockedNow { counter, .. } => (0, *counter as i64),
            WarningKind::RedirectedNow { counter, .. } => (1, *counter as i64),
            WarningKind::LowBalance { percent_left, .. } => (2, (percent_left * 1000.0) as i64),
            WarningKind::ThrottledNow { counter, .. } => (3, *counter as i64),
            WarningKind::OutOfBundleNow { counter, .. } => (4, *counter as i64),
            WarningKind::ExpiresSoon { at } => (5, at.timestamp()),
            WarningKind::RunsOutBeforeExpiry { at, .. } => (6, at.timestamp()),
        };
        (self.severity(), rank, detail)
    }
}

/// The warnings for `instance` at `now`, most severe first.
///
/// `forecasts` holds each benefit's forecast, by the benefit's index (missing entries
/// mean no forecast). Only an add-on in use (active, or used up but still valid) gets
/// warnings; benefits with nothing granted (unlimited or unknown) or past their own
/// expiry get no low-balance warning.
pub fn warnings(
    instance: &AddonInstance,
    forecasts: &[Forecast],
    thresholds: &Thresholds,
    now: DateTime<Utc>,
) -> Vec<Warning> {
    if !instance_status(instance, now).is_current() {
        return Vec::new();
    }
    let mut found = Vec::new();
    let top_up = |kind| Warning {
        kind,
        action: SuggestedAction::TopUp,
    };

    for (index, benefit) in instance.benefits.iter().enumerate() {
        if benefit_expired(benefit, now) || benefit.starts_at.is_some_and(|s| s > now) {
            continue;
        }
        let percent_left = benefit_figures(benefit).percent_left.map(|p| p.max(0.0));
        if let Some((percent_left, level)) =
            percent_left.and_then(|p| Some((p, thresholds.level(p)?)))
        {
            found.push(top_up(WarningKind::LowBalance {
                benefit: index,
                kind: benefit.kind.clone(),
                percent_left,
                level,
            }));
        }
        if let Some(Forecast::RunsOutBefore { at, margin, .. }) = forecasts.get(index) {
            if benefit.remaining > 0 {
                found.push(top_up(WarningKind::RunsOutBeforeExpiry {
                    benefit: index,
                    kind: benefit.kind.clone(),
                    at: *at,
                    margin: *margin,
                }));
            }
        }
    }

    for (counter, reading) in instance.counters.iter().enumerate() {
        let status = counter_status(reading, now);
        let resets_at = status.resets_at;
        let kind = match status.action_now() {
            Some(CounterAction::Block) => WarningKind::BlockedNow { counter, resets_at },
            Some(CounterAction::Redirect) => WarningKind::RedirectedNow { counter, resets_at },
            Some(CounterAction::Default) => WarningKind::OutOfBundleNow { counter, resets_at },
            Some(CounterAction::Throttle { kbps }) => WarningKind::ThrottledNow {
                counter,
                kbps: *kbps,
                resets_at,
            },
            Some(CounterAction::Other { .. }) | None => continue,
        };
        found.push(top_up(kind));
    }

    if let Some(Deadline::EndsAt(at)) = governing_deadline(instance, now) {
        if at - now <= EXPIRES_SOON_WITHIN {
            found.push(Warning {
                kind: WarningKind::ExpiresSoon { at },
                action: SuggestedAction::Renew,
            });
        }
    }

    found.sort_by_key(Warning::sort_key);
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forecast::{Pace, Reading};
    use crate::model::{Benefit, Counter};
    use chrono::TimeZone;

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, day, hour, 0, 0).unwrap()
    }

    fn now() -> DateTime<Utc> {
        at(10, 12)
    }

    fn data(remaining: i64, total: i64) -> Benefit {
        Benefit {
            kind: BenefitKind::Data,
            starts_at: None,
            expires_at: None,
            total,
            remaining,
        }
    }

    fn sms(remaining: i64, total: i64) -> Benefit {
        Benefit {
            kind: BenefitKind::Sms,
            ..data(remaining, total)
        }
    }

    fn expiring(benefit: Benefit, expiry: DateTime<Utc>) -> Benefit {
        Benefit {
            expires_at: Some(expiry),
            ..benefit
        }
    }

    fn counter(current: i64, action: CounterAction) -> Counter {
        Counter {
            counter_id: "c".into(),
            name: "Daily_Data".into(),
            frequency: Some("Daily".into()),
            threshold_bytes: 100,
            current_bytes: current,
            action,
            resets_at: Some(at(11, 0)),
        }
    }

    /// An instance valid from the 1st to `expiry`.
    fn addon(
        expiry: DateTime<Utc>,
        benefits: Vec<Benefit>,
        counters: Vec<Counter>,
    ) -> AddonInstance {
        AddonInstance {
            unique_id: "u1".into(),
            addon_id: "3101".into(),
            plan_name: "Plan".into(),
            service: "DATA".into(),
            starts_at: Some(at(1, 0)),
            expires_at: Some(expiry),
            benefits,
            counters,
        }
    }

    fn runs_out(at: DateTime<Utc>, margin_hours: i64) -> Forecast {
        let reading = Reading { at, remaining: 1 };
        Forecast::RunsOutBefore {
            at,
            margin: TimeDelta::hours(margin_hours),
            pace: Pace {
                per_hour: 1.0,
                since: reading,
                latest: reading,
                readings: 3,
            },
        }
    }

    fn low(benefit: usize, kind: BenefitKind, percent_left: f64, level: BalanceLevel) -> Warning {
        Warning {
            kind: WarningKind::LowBalance {
                benefit,
                kind,
                percent_left,
                level,
            },
            action: SuggestedAction::TopUp,
        }
    }

    fn top_up(kind: WarningKind) -> Warning {
        Warning {
            kind,
            action: SuggestedAction::TopUp,
        }
    }

    /// Name, instance, forecasts by benefit, expected warnings in order.
    type Case = (&'static str, AddonInstance, Vec<Forecast>, Vec<Warning>);

    #[test]
    fn each_rule_raises_its_warning_with_its_action() {
        use BalanceLevel::*;
        let far = at(30, 0);
        let cases: Vec<Case> = vec![
            (
                "plenty left, far expiry",
                addon(far, vec![data(50, 100)], vec![]),
                vec![],
                vec![],
            ),
            (
                "20 % is low",
                addon(far, vec![data(20, 100)], vec![]),
                vec![],
                vec![low(0, BenefitKind::Data, 20.0, Low)],
            ),
            (
                "10 % is very low",
                addon(far, vec![data(10, 100)], vec![]),
                vec![],
                vec![low(0, BenefitKind::Data, 10.0, VeryLow)],
            ),
            (
                "nothing left is very low at 0 %",
                addon(far, vec![data(-5, 100)], vec![]),
                vec![],
                vec![low(0, BenefitKind::Data, 0.0, VeryLow)],
            ),
            (
                "nothing granted never warns",
                addon(far, vec![data(0, 0)], vec![]),
                vec![],
                vec![],
            ),
            (
                "a benefit past its own expiry does not warn",
                addon(
                    far,
                    vec![expiring(data(1, 100), at(9, 0)), data(90, 100)],
                    vec![],
                ),
                vec![],
                vec![],
            ),
            (
                "a projected run-out before expiry",
                addon(far, vec![data(60, 100)], vec![]),
                vec![runs_out(at(12, 0), 18 * 24)],
                vec![top_up(WarningKind::RunsOutBeforeExpiry {
                    benefit: 0,
                    kind: BenefitKind::Data,
                    at: at(12, 0),
                    margin: TimeDelta::hours(18 * 24),
                })],
            ),
            (
                "expiry within 24 h suggests renewing",
                addon(at(11, 11), vec![data(60, 100)], vec![]),
                vec![],
                vec![Warning {
                    kind: WarningKind::ExpiresSoon { at: at(11, 11) },
                    action: SuggestedAction::Renew,
                }],
            ),
            (
                "expiry in 25 h is not soon",
                addon(at(11, 13), vec![data(60, 100)], vec![]),
                vec![],
                vec![],
            ),
            (
                "a benefit ending first governs the expiry",
                addon(far, vec![expiring(data(60, 100), at(10, 20))], vec![]),
                vec![],
                vec![Warning {
                    kind: WarningKind::ExpiresSoon { at: at(10, 20) },
                    action: SuggestedAction::Renew,
                }],
            ),
            (
                "throttled now",
                addon(
                    far,
                    vec![data(60, 100)],
                    vec![counter(100, CounterAction::Throttle { kbps: 512 })],
                ),
                vec![],
                vec![top_up(WarningKind::ThrottledNow {
                    counter: 0,
                    kbps: 512,
                    resets_at: Some(at(11, 0)),
                })],
            ),
            (
                "blocked, redirected and out of bundle now",
                addon(
                    far,
                    vec![data(60, 100)],
                    vec![
                        counter(150, CounterAction::Default),
                        counter(100, CounterAction::Redirect),
                        counter(100, CounterAction::Block),
                    ],
                ),
                vec![],
                vec![
                    top_up(WarningKind::BlockedNow {
                        counter: 2,
                        resets_at: Some(at(11, 0)),
                    }),
                    top_up(WarningKind::RedirectedNow {
                        counter: 1,
                        resets_at: Some(at(11, 0)),
                    }),
                    top_up(WarningKind::OutOfBundleNow {
                        counter: 0,
                        resets_at: Some(at(11, 0)),
                    }),
                ],
            ),
            (
                "a counter below its threshold is silent",
                addon(
                    far,
                    vec![data(60, 100)],
                    vec![counter(99, CounterAction::Block)],
                ),
                vec![],
                vec![],
            ),
            (
                "an expired add-on gets no warnings",
                addon(
                    at(10, 0),
                    vec![data(1, 100)],
                    vec![counter(100, CounterAction::Block)],
                ),
                vec![runs_out(at(12, 0), 1)],
                vec![],
            ),
        ];

        for (name, instance, forecasts, expected) in cases {
            let got = warnings(&instance, &forecasts, &Thresholds::default(), now());

            assert_eq!(got, expected, "{name}");
        }
    }

    #[test]
    fn warnings_come_most_severe_first() {
        let instance = addon(
            at(11, 0),
            vec![data(15, 100), sms(5, 100), data(30, 100)],
            vec![counter(100, CounterAction::Throttle { kbps: 256 })],
        );
        let forecasts = vec![
            runs_out(at(10, 18), 6),
            Forecast::UsedUp,
            runs_out(at(10, 16), 8),
        ];

        let got = warnings(&instance, &forecasts, &Thresholds::default(), now());

        let severities: Vec<Severity> = got.iter().map(Warning::severity).collect();
        let kinds: Vec<&str> = got
            .iter()
            .map(|w| match &w.kind {
                WarningKind::LowBalance { kind, .. } if *kind == BenefitKind::Sms => "sms very low",
                WarningKind::LowBalance { .. } => "data low",
                WarningKind::ThrottledNow { .. } => "throttled",
                WarningKind::ExpiresSoon { .. } => "expires soon",
                WarningKind::RunsOutBeforeExpiry { benefit, .. } => {
                    if *benefit == 2 {
                        "runs out 16:00"
                    } else {
                        "runs out 18:00"
                    }
                }
                other => panic!("unexpected {other:?}"),
            })
            .collect();
        assert_eq!(
            kinds,
            [
                "sms very low",
                "throttled",
                "expires soon",
                "runs out 16:00",
                "runs out 18:00",
                "data low"
            ]
        );
        assert!(
            severities.windows(2).all(|w| w[0] <= w[1]),
            "{severities:?}"
        );
    }

    #[test]
    fn thresholds_are_configurable() {
        let generous = Thresholds::new(50.0, 30.0).unwrap();
        let instance = addon(at(30, 0), vec![data(40, 100)], vec![]);

        let got = warnings(&instance, &[], &generous, now());

        assert_eq!(got, [low(0, BenefitKind::Data, 40.0, BalanceLevel::Low)]);
    }

    #[test]
    fn thresholds_must_be_percentages_with_very_low_below_low() {
        let cases = [
            (20.0, 10.0, Ok(())),
            (100.0, 0.0, Ok(())),
            (
                10.0,
                10.0,
                Err(ThresholdError::NotOrdered {
                    low: 10.0,
                    very_low: 10.0,
                }),
            ),
            (
                10.0,
                20.0,
                Err(ThresholdError::NotOrdered {
                    low: 10.0,
                    very_low: 20.0,
                }),
            ),
            (120.0, 10.0, Err(ThresholdError::OutOfRange(120.0))),
            (20.0, -1.0, Err(ThresholdError::OutOfRange(-1.0))),
            (f64::NAN, 10.0, Err(ThresholdError::OutOfRange(f64::NAN))),
        ];

        for (low, very_low, expected) in cases {
            let checked = Thresholds::new(low, very_low).map(|_| ());

            // NaN never equals itself: compare the error's text instead.
            assert_eq!(
                checked.map_err(|e| e.to_string()),
                expected.map_err(|e| e.to_string()),
                "{low}/{very_low}"
            );
        }
    }

    #[test]
    fn thresholds_default_to_20_and_10_percent_and_survive_storage() {
        let json = serde_json::to_string(&Thresholds::default()).unwrap();

        let back: Thresholds = serde_json::from_str(&json).unwrap();

        assert_eq!(json, r#"{"lowPercent":20.0,"veryLowPercent":10.0}"#);
        assert_eq!(back, Thresholds::default());
        assert!(back.validate().is_ok());
    }
}
