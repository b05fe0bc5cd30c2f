//! Status rules: what state an add-on instance is in at `now`, which deadline governs
//! its card, and each benefit's figures.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::model::{AddonInstance, Benefit};

/// Where an add-on instance stands, as a traveler would put it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Status {
    /// An On Usage add-on: its validity starts when the endpoint first uses data.
    NotStarted,
    /// It starts at a known future time.
    Scheduled,
    /// Usable now.
    Active,
    /// Still within its validity, but nothing is left to use.
    UsedUp,
    /// Its validity is over.
    Expired,
}

impl Status {
    /// Whether the add-on still matters for the traveler's next hours (shown first).
    pub fn is_current(self) -> bool {
        matches!(self, Status::Active | Status::UsedUp)
    }
}

/// What the card's countdown counts to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Deadline {
    /// The add-on starts at this instant.
    StartsAt(DateTime<Utc>),
    /// The add-on stops being usable at this instant (plan expiry, or the last usable
    /// benefit's expiry when that comes first).
    EndsAt(DateTime<Utc>),
    /// The add-on ended at this instant.
    EndedAt(DateTime<Utc>),
}

impl Deadline {
    /// The instant itself.
    pub fn at(self) -> DateTime<Utc> {
        match self {
            Deadline::StartsAt(at) | Deadline::EndsAt(at) | Deadline::EndedAt(at) => at,
        }
    }
}

/// Whether a benefit can still be used at `now`: something left and not expired.
pub fn benefit_usable(benefit: &Benefit, now: DateTime<Utc>) -> bool {
    let valid = benefit.expires_at.is_none_or(|expiry| expiry > now);
    let started = benefit.starts_at.is_none_or(|start| start <= now);
    benefit.remaining > 0 && valid && started
}

/// Whether a benefit's own validity is over at `now`.
pub fn benefit_expired(benefit: &Benefit, now: DateTime<Utc>) -> bool {
    benefit.expires_at.is_some_and(|expiry| expiry <= now)
}

/// The instance's status at `now`.
///
/// Rules, in order: plan expiry passed → expired; no start date → not started (On
/// Usage); start in the future → scheduled; no benefit usable (all spent or all past
/// their own expiry) → used up; otherwise active. An instance with no benefits at all is
/// active while its plan is valid.
pub fn instance_status(instance: &AddonInstance, now: DateTime<Utc>) -> Status {
    if instance.expires_at.is_some_and(|expiry| expiry <= now) {
        return Status::Expired;
    }
    let Some(start) = instance.starts_at else {
        return Status::NotStarted;
    };
    if start > now {
        return Status::Scheduled;
    }
    let any_usable = instance.benefits.iter().any(|b| benefit_usable(b, now));
    if !instance.benefits.is_empty() && !any_usable {
        return Status::UsedUp;
    }
    Status::Active
}

/// The deadline the card counts down to, if any.
///
/// Active: the plan's expiry, or earlier if every usable benefit expires before it.
/// Scheduled: the start. Used up: the plan's expiry (when it is removed or renews).
/// Expired: when it ended. Not started: none, since the clock starts on first use.
pub fn governing_deadline(instance: &AddonInstance, now: DateTime<Utc>) -> Option<Deadline> {
    match instance_status(instance, now) {
        Status::NotStarted => None,
        Status::Scheduled => instance.starts_at.map(Deadline::StartsAt),
        Status::Expired => instance.expires_at.map(Deadline::EndedAt),
        Status::UsedUp => instance.expires_at.map(Deadline::EndsAt),
        Status::Active => {
            let usable: Vec<&Benefit> = instance
                .benefits
                .iter()
                .filter(|b| benefit_usable(b, now))
                .collect();
            // Usable benefits without their own expiry last as long as the plan.
            let last_benefit = if usable.iter().any(|b| b.expires_at.is_none()) {
                None
            } else {
                usable.iter().filter_map(|b| b.expires_at).max()
            };
            let end = match (instance.expires_at, last_benefit) {
                (Some(plan), Some(benefit)) => Some(plan.min(benefit)),
                (plan, benefit) => plan.or(benefit),
            };
            end.map(Deadline::EndsAt)
        }
    }
}

/// The figures a benefit's bar and text show.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BenefitFigures {
    /// Amount left, as SFT reports it.
    pub remaining: i64,
    /// Amount granted.
    pub total: i64,
    /// Amount used: total minus remaining, never below zero.
    pub used: i64,
    /// Share left in percent, unclamped (above 100 when SFT reports more than granted);
    /// `None` when nothing was granted (no division by zero).
    pub percent_left: Option<f64>,
}

impl BenefitFigures {
    /// The bar's fill in percent, clamped to 0..=100 for drawing only.
    pub fn bar_percent(&self) -> f64 {
        self.percent_left.unwrap_or(0.0).clamp(0.0, 100.0)
    }
}

/// Computes a benefit's figures.
pub fn benefit_figures(benefit: &Benefit) -> BenefitFigures {
    let percent_left =
        (benefit.total > 0).then(|| benefit.remaining as f64 * 100.0 / benefit.total as f64);
    BenefitFigures {
        remaining: benefit.remaining,
        total: benefit.total,
        used: benefit.total.saturating_sub(benefit.remaining).max(0),
        percent_left,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::BenefitKind;
    use chrono::TimeZone;

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, day, hour, 0, 0).unwrap()
    }

    fn data(remaining: i64, total: i64, expires: Option<DateTime<Utc>>) -> Benefit {
        Benefit {
            kind: BenefitKind::Data,
            starts_at: None,
            expires_at: expires,
            total,
            remaining,
        }
    }

    fn instance(
        start: Option<DateTime<Utc>>,
        expiry: Option<DateTime<Utc>>,
        benefits: Vec<Benefit>,
    ) -> AddonInstance {
        AddonInstance {
            unique_id: "1".into(),
            addon_id: "3101".into(),
            plan_name: "Plan".into(),
            service: "DATA".into(),
            starts_at: start,
            expires_at: expiry,
            benefits,
            counters: Vec::new(),
        }
    }

    #[test]
    fn status_follows_plan_and_benefit_dates() {
        let now = at(10, 12);
        let cases = [
            (
                "partly used, valid",
                Some(at(1, 0)),
                Some(at(20, 0)),
                vec![data(5, 10, None)],
                Status::Active,
            ),
            (
                "On Usage, no dates",
                None,
                None,
                vec![data(10, 10, None)],
                Status::NotStarted,
            ),
            (
                "starts tomorrow",
                Some(at(11, 0)),
                Some(at(18, 0)),
                vec![data(10, 10, None)],
                Status::Scheduled,
            ),
            (
                "balance zero",
                Some(at(1, 0)),
                Some(at(20, 0)),
                vec![data(0, 10, None)],
                Status::UsedUp,
            ),
            (
                "negative balance",
                Some(at(1, 0)),
                Some(at(20, 0)),
                vec![data(-3, 10, None)],
                Status::UsedUp,
            ),
            (
                "plan expired",
                Some(at(1, 0)),
                Some(at(10, 12)),
                vec![data(5, 10, None)],
                Status::Expired,
            ),
            (
                "expired beats used up",
                Some(at(1, 0)),
                Some(at(9, 0)),
                vec![data(0, 10, None)],
                Status::Expired,
            ),
            (
                "benefit expired before plan",
                Some(at(1, 0)),
                Some(at(20, 0)),
                vec![data(5, 10, Some(at(5, 0)))],
                Status::UsedUp,
            ),
            (
                "one benefit left of two",
                Some(at(1, 0)),
                Some(at(20, 0)),
                vec![data(5, 10, Some(at(5, 0))), data(1, 10, None)],
                Status::Active,
            ),
            (
                "no benefits, plan valid",
                Some(at(1, 0)),
                Some(at(20, 0)),
                vec![],
                Status::Active,
            ),
            (
                "no expiry set",
                Some(at(1, 0)),
                None,
                vec![data(5, 10, None)],
                Status::Active,
            ),
        ];

        for (name, start, expiry, benefits, expected) in cases {
            let addon = instance(start, expiry, benefits);

            assert_eq!(instance_status(&addon, now), expected, "{name}");
        }
    }

    #[test]
    fn the_governing_deadline_is_when_the_card_changes_state() {
        let now = at(10, 12);
        let cases = [
            (
                "active: plan expiry",
                Some(at(1, 0)),
                Some(at(20, 0)),
                vec![data(5, 10, Some(at(20, 0)))],
                Some(Deadline::EndsAt(at(20, 0))),
            ),
            (
                "active: only benefit ends first",
                Some(at(1, 0)),
                Some(at(20, 0)),
                vec![data(5, 10, Some(at(15, 0)))],
                Some(Deadline::EndsAt(at(15, 0))),
            ),
            (
                "active: a benefit without expiry lasts the plan",
                Some(at(1, 0)),
                Some(at(20, 0)),
                vec![data(5, 10, Some(at(15, 0))), data(5, 10, None)],
                Some(Deadline::EndsAt(at(20, 0))),
            ),
            (
                "active: spent benefit ignored",
                Some(at(1, 0)),
                Some(at(20, 0)),
                vec![data(0, 10, Some(at(25, 0))), data(5, 10, Some(at(15, 0)))],
                Some(Deadline::EndsAt(at(15, 0))),
            ),
            (
                "scheduled: the start",
                Some(at(11, 0)),
                Some(at(18, 0)),
                vec![data(10, 10, None)],
                Some(Deadline::StartsAt(at(11, 0))),
            ),
            (
                "not started: none",
                None,
                None,
                vec![data(10, 10, None)],
                None,
            ),
            (
                "used up: plan expiry",
                Some(at(1, 0)),
                Some(at(20, 0)),
                vec![data(0, 10, None)],
                Some(Deadline::EndsAt(at(20, 0))),
            ),
            (
                "expired: when it ended",
                Some(at(1, 0)),
                Some(at(9, 0)),
                vec![data(5, 10, None)],
                Some(Deadline::EndedAt(at(9, 0))),
            ),
        ];

        for (name, start, expiry, benefits, expected) in cases {
            let addon = instance(start, expiry, benefits);

            assert_eq!(governing_deadline(&addon, now), expected, "{name}");
        }
    }

    #[test]
    fn benefit_figures_never_divide_by_zero_or_clamp_the_text() {
        let cases = [
            // (remaining, total, used, percent_left, bar)
            (
                3_328_599_654,
                10_737_418_240,
                7_408_818_586,
                Some(31.0),
                31.0,
            ),
            (10, 10, 0, Some(100.0), 100.0),
            (0, 10, 10, Some(0.0), 0.0),
            (0, 0, 0, None, 0.0),
            (5, 0, 0, None, 0.0),
            (15, 10, 0, Some(150.0), 100.0),
            (-5, 10, 15, Some(-50.0), 0.0),
        ];

        for (remaining, total, used, percent, bar) in cases {
            let figures = benefit_figures(&data(remaining, total, None));

            assert_eq!(figures.remaining, remaining);
            assert_eq!(figures.total, total);
            assert_eq!(figures.used, used, "used of {remaining}/{total}");
            assert_eq!(
                figures.percent_left.map(f64::round),
                percent,
                "{remaining}/{total}"
            );
            assert_eq!(
                figures.bar_percent().round(),
                bar,
                "bar of {remaining}/{total}"
            );
        }
    }
}
