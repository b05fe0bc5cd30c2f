//! Late-rated usage: consumption lands in rating batches at irregular intervals with
//! irregular amounts, the way SFT balances move when traffic is rated. Everything is a
//! pure function of a seed and the clock, so the same instant always gives the same
//! balance and advancing the clock moves balances in steps.

use chrono::{DateTime, Duration, Utc};

/// The shortest gap between two rating batches, in minutes.
const MIN_GAP_MINUTES: u64 = 10;
/// The longest gap between two rating batches, in minutes.
const MAX_GAP_MINUTES: u64 = 90;

/// How one allowance is used: from when, until when, and how fast on average.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct UsagePattern {
    /// Makes each allowance's batches differ from every other's.
    pub(crate) seed: u64,
    /// When usage may begin (the allowance's start).
    pub(crate) from: DateTime<Utc>,
    /// When usage stops (the allowance's expiry); batches after it are not rated.
    pub(crate) until: DateTime<Utc>,
    /// Average consumption per day, in the allowance's unit.
    pub(crate) per_day: f64,
}

impl UsagePattern {
    /// Everything rated up to and including `at` (0 before the first batch). Not capped:
    /// callers cap at the allowance's total.
    pub(crate) fn rated_by(&self, at: DateTime<Utc>) -> i64 {
        self.batches()
            .take_while(|(batch_at, _)| *batch_at <= at)
            .last()
            .map_or(0, |(_, r)| r)
    }

    /// What is left of `total` at `at`: never below zero.
    pub(crate) fn remaining_at(&self, total: i64, at: DateTime<Utc>) -> i64 {
        (total - self.rated_by(at)).max(0)
    }

    /// The batch that uses up `total`, if one does before the allowance expires.
    pub(crate) fn exhausted_at(&self, total: i64) -> Option<DateTime<Utc>> {
        self.batches()
            .find(|(_, rated)| *rated >= total)
            .map(|(at, _)| at)
    }

    /// Every rating batch up to the expiry: when it lands and the total rated so far.
    fn batches(&self) -> impl Iterator<Item = (DateTime<Utc>, i64)> + '_ {
        let per_minute = self.per_day / (24.0 * 60.0);
        let span = MAX_GAP_MINUTES - MIN_GAP_MINUTES + 1;

        (0u64..).scan((self.from, 0.0_f64), move |(batch_at, rated), index| {
            let gap = MIN_GAP_MINUTES + draw(self.seed, index, 1) % span;
            *batch_at += Duration::minutes(gap as i64);
            if *batch_at > self.until {
                return None;
            }
            // 0.1x to 1.9x of the average, so some batches are nearly empty and some large.
            let factor = 0.1 + (draw(self.seed, index, 2) % 1801) as f64 / 1000.0;
            *rated += per_minute * gap as f64 * factor;
            // Whole units only: small allowances (SMS) move once enough fractions add up.
            Some((*batch_at, rated.floor() as i64))
        })
    }
}

/// A well-mixed 64-bit value from a seed, a batch index and a purpose.
pub(crate) fn draw(seed: u64, index: u64, purpose: u64) -> u64 {
    mix(seed ^ mix(index.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ purpose))
}

/// SplitMix64's finaliser: a cheap, well-distributed scramble.
fn mix(mut value: u64) -> u64 {
    value = value.wrapping_add(0x9E37_79B9_7F4A_7C15);
    value = (value ^ (value >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    value = (value ^ (value >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    value ^ (value >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GIB: f64 = 1024.0 * 1024.0 * 1024.0;

    fn pattern(per_day: f64) -> UsagePattern {
        let from: DateTime<Utc> = "2026-12-01T00:00:00Z".parse().unwrap();
        UsagePattern {
            seed: 5512001,
            from,
            until: from + Duration::days(30),
            per_day,
        }
    }

    #[test]
    fn nothing_is_rated_before_the_start_or_after_the_expiry() {
        let usage = pattern(GIB);

        let before = usage.rated_by(usage.from - Duration::hours(5));
        let at_expiry = usage.rated_by(usage.until);
        let long_after = usage.rated_by(usage.until + Duration::days(9));

        assert_eq!(before, 0);
        assert_eq!(at_expiry, long_after);
    }

    #[test]
    fn balances_move_in_irregular_steps_not_every_minute() {
        let usage = pattern(GIB);
        let minutes: Vec<i64> = (0..24 * 60)
            .map(|m| usage.rated_by(usage.from + Duration::minutes(m)))
            .collect();

        let steps: Vec<i64> = minutes
            .windows(2)
            .map(|w| w[1] - w[0])
            .filter(|d| *d != 0)
            .collect();

        assert!(
            steps.len() >= 24 * 60 / 90,
            "a batch at least every 90 minutes"
        );
        assert!(
            steps.len() <= 24 * 60 / 10,
            "a batch at most every 10 minutes"
        );
        assert!(steps.iter().all(|step| *step > 0), "usage only grows");
        assert!(
            steps.len() < minutes.len() / 5,
            "most minutes see no change"
        );
        let smallest = steps.iter().min().unwrap();
        let largest = steps.iter().max().unwrap();
        assert!(
            largest > &(smallest * 3),
            "amounts vary: {smallest}..{largest}"
        );
    }

    #[test]
    fn daily_average_is_near_the_configured_rate() {
        let usage = pattern(GIB);

        let ten_days = usage.rated_by(usage.from + Duration::days(10)) as f64;

        assert!(
            (ten_days / 10.0 - GIB).abs() < 0.2 * GIB,
            "{}",
            ten_days / 10.0 / GIB
        );
    }

    #[test]
    fn remaining_never_goes_below_zero() {
        let usage = pattern(5.0 * GIB);

        let remaining = usage.remaining_at(GIB as i64, usage.from + Duration::days(3));

        assert_eq!(remaining, 0);
    }

    #[test]
    fn exhaustion_is_the_batch_that_uses_up_the_total() {
        let usage = pattern(5.0 * GIB);

        let exhausted = usage.exhausted_at(GIB as i64).unwrap();

        assert!(usage.rated_by(exhausted) >= GIB as i64);
        assert!(usage.rated_by(exhausted - Duration::seconds(1)) < GIB as i64);
        assert_eq!(
            pattern(0.01 * GIB).exhausted_at(GIB as i64),
            None,
            "30 days at 1% a day"
        );
    }

    #[test]
    fn the_same_seed_and_instant_always_give_the_same_usage() {
        let at = pattern(GIB).from + Duration::hours(37);

        assert_eq!(pattern(GIB).rated_by(at), pattern(GIB).rated_by(at));
        let other = UsagePattern {
            seed: 77,
            ..pattern(GIB)
        };
        assert_ne!(other.rated_by(at), pattern(GIB).rated_by(at));
    }
}
