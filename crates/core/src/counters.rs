//! Counters: how much can be used before a threshold (a speed drop, a block, a redirect
//! to a purchase page, out-of-bundle charging), whether it is reached now, and when the
//! counter resets.
//!
//! Reset instants are wall-clock midnights in the SFT account's zone, so computing them
//! needs the time-zone database: [`next_reset`] lives behind the `sft` feature and the
//! proxy stores its result in [`Counter::resets_at`]. Everything else here works from
//! that field and `now`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::model::{Benefit, Counter, CounterAction};

/// How often a counter starts again from zero.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum CounterPeriod {
    /// At every midnight, SFT time.
    Daily,
    /// At midnight starting the 1st of every month, SFT time.
    Monthly,
    /// Some other or unknown period: no reset instant is computed.
    Other,
}

impl CounterPeriod {
    /// The period of `counter`: from its frequency when SFT sends one, else from its name
    /// (`Daily_Data`, `Monthly_Data`).
    pub fn of(counter: &Counter) -> Self {
        let from_text = |text: &str| {
            let lower = text.trim().to_ascii_lowercase();
            if lower.starts_with("daily") || lower == "day" {
                Some(Self::Daily)
            } else if lower.starts_with("monthly") || lower == "month" {
                Some(Self::Monthly)
            } else {
                None
            }
        };
        counter
            .frequency
            .as_deref()
            .and_then(from_text)
            .or_else(|| from_text(&counter.name))
            .unwrap_or(Self::Other)
    }
}

/// Where a counter stands at `now`, in bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CounterStatus {
    /// How often the counter resets.
    pub period: CounterPeriod,
    /// What happens at the threshold.
    pub action: CounterAction,
    /// The threshold.
    pub threshold: i64,
    /// Counted so far in this period (zero once the counter has reset since the reading).
    pub used: i64,
    /// What can still be used before the threshold; never negative.
    pub remaining: i64,
    /// Whether the threshold is reached, so the action applies now.
    pub reached: bool,
    /// Whether the reading predates the counter's reset: the figures are then those of
    /// a fresh period, and the next reset is unknown until the next reading.
    pub reset_since_reading: bool,
    /// When the counter next resets, if known and still ahead.
    pub resets_at: Option<DateTime<Utc>>,
}

impl CounterStatus {
    /// The action in force now: `Some` only when the threshold is reached.
    pub fn action_now(&self) -> Option<&CounterAction> {
        self.reached.then_some(&self.action)
    }
}

/// Reads `counter` at `now`.
///
/// A counter whose `resets_at` has passed was read before it reset: it counts as a fresh
/// period (nothing used, not reached).
pub fn counter_status(counter: &Counter, now: DateTime<Utc>) -> CounterStatus {
    let reset_since_reading = counter.resets_at.is_some_and(|reset| reset <= now);
    let used = if reset_since_reading {
        0
    } else {
        counter.current_bytes.max(0)
    };

    CounterStatus {
        period: CounterPeriod::of(counter),
        action: counter.action.clone(),
        threshold: counter.threshold_bytes,
        used,
        remaining: counter.threshold_bytes.saturating_sub(used).max(0),
        reached: used >= counter.threshold_bytes,
        reset_since_reading,
        resets_at: counter.resets_at.filter(|_| !reset_since_reading),
    }
}

/// Where the threshold sits on the benefit's bar, as a fraction (0..=1) of the benefit's
/// total, measured from the bar's start. `None` when the benefit has no total or the
/// threshold does not fit on the bar (zero, negative, or above the total).
pub fn threshold_marker(counter: &Counter, benefit: &Benefit) -> Option<f64> {
    let fits = benefit.total > 0 && counter.threshold_bytes > 0;
    (fits && counter.threshold_bytes <= benefit.total)
        .then(|| counter.threshold_bytes as f64 / benefit.total as f64)
}

/// Where the bar's fill (the share of the benefit left) will stand when this period's
/// threshold is reached, as a fraction (0..=1) of the benefit's total. `None` when the
/// benefit has no total or the threshold is already reached.
pub fn fill_at_threshold(status: &CounterStatus, benefit: &Benefit) -> Option<f64> {
    if benefit.total <= 0 || status.reached {
        return None;
    }
    let left_then = benefit.remaining.saturating_sub(status.remaining).max(0);
    Some((left_then as f64 / benefit.total as f64).clamp(0.0, 1.0))
}

#[cfg(feature = "sft")]
pub use zoned::{fill_next_resets, next_reset};

#[cfg(feature = "sft")]
mod zoned {
    use chrono::{DateTime, Datelike, LocalResult, NaiveDate, TimeZone, Utc};
    use chrono_tz::Tz;

    use super::CounterPeriod;
    use crate::model::AddonInstance;
    use crate::time::wall_time_to_instant;

    /// The first reset of a `period` counter strictly after `now`: the next local midnight
    /// (Daily) or the next 1st of the month at 00:00 (Monthly) in the SFT account's
    /// `zone`. `None` for [`CounterPeriod::Other`].
    ///
    /// DST-safe: a midnight that a clock change skips is read by
    /// [`wall_time_to_instant`]'s rule (the instant the clocks jump to); a midnight that
    /// occurs twice resets at whichever occurrence comes first after `now`.
    pub fn next_reset(
        period: CounterPeriod,
        now: DateTime<Utc>,
        zone: Tz,
    ) -> Option<DateTime<Utc>> {
        let today = now.with_timezone(&zone).date_naive();
        let next_day = |date: NaiveDate| date.succ_opt();
        let next_month = |date: NaiveDate| {
            let (year, month) = match date.month() {
                12 => (date.year() + 1, 1),
                month => (date.year(), month + 1),
            };
            NaiveDate::from_ymd_opt(year, month, 1)
        };
        let step: &dyn Fn(NaiveDate) -> Option<NaiveDate> = match period {
            CounterPeriod::Daily => &next_day,
            CounterPeriod::Monthly => &next_month,
            CounterPeriod::Other => return None,
        };

        // Two candidates are enough: only a repeated midnight can put the first behind us.
        let first = step(today)?;
        let second = step(first)?;
        [first, second]
            .into_iter()
            .flat_map(|date| midnights(date, zone))
            .find(|&instant| instant > now)
    }

    /// Sets [`crate::model::Counter::resets_at`] on every counter of `instances` from its
    /// period, for a reading taken at `now`.
    pub fn fill_next_resets(instances: &mut [AddonInstance], now: DateTime<Utc>, zone: Tz) {
        for counter in instances.iter_mut().flat_map(|i| i.counters.iter_mut()) {
            counter.resets_at = next_reset(CounterPeriod::of(counter), now, zone);
        }
    }

    /// The instants at which `date` starts in `zone`, earliest first.
    fn midnights(date: NaiveDate, zone: Tz) -> Vec<DateTime<Utc>> {
        let naive = date.and_time(chrono::NaiveTime::MIN);
        match zone.from_local_datetime(&naive) {
            LocalResult::Ambiguous(earlier, later) => {
                vec![earlier.with_timezone(&Utc), later.with_timezone(&Utc)]
            }
            _ => vec![wall_time_to_instant(naive, zone)],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::BenefitKind;
    use chrono::{TimeDelta, TimeZone};

    const MB: i64 = 1024 * 1024;

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, day, hour, 0, 0).unwrap()
    }

    fn counter(threshold: i64, current: i64, action: CounterAction) -> Counter {
        Counter {
            counter_id: "c1".into(),
            name: "Daily_Data".into(),
            frequency: Some("Daily".into()),
            threshold_bytes: threshold,
            current_bytes: current,
            action,
            resets_at: None,
        }
    }

    fn named(name: &str, frequency: Option<&str>) -> Counter {
        Counter {
            name: name.into(),
            frequency: frequency.map(String::from),
            ..counter(1, 0, CounterAction::Block)
        }
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

    #[test]
    fn the_period_comes_from_the_frequency_then_the_name() {
        let cases = [
            (named("Daily_Data", Some("Daily")), CounterPeriod::Daily),
            (named("x", Some("MONTHLY")), CounterPeriod::Monthly),
            (named("Monthly_Data", None), CounterPeriod::Monthly),
            (named("daily_sms", Some("")), CounterPeriod::Daily),
            (named("Weekly_Data", Some("Weekly")), CounterPeriod::Other),
            (named("", None), CounterPeriod::Other),
        ];

        for (counter, expected) in cases {
            assert_eq!(CounterPeriod::of(&counter), expected, "{counter:?}");
        }
    }

    #[test]
    fn remaining_before_the_threshold_and_whether_it_is_reached() {
        let throttle = CounterAction::Throttle { kbps: 512 };
        let cases = [
            // (threshold, current, action, remaining, reached, action now)
            (
                2048 * MB,
                1536 * MB,
                throttle.clone(),
                512 * MB,
                false,
                None,
            ),
            (
                2048 * MB,
                2048 * MB,
                throttle.clone(),
                0,
                true,
                Some(throttle.clone()),
            ),
            (
                2048 * MB,
                2100 * MB,
                throttle.clone(),
                0,
                true,
                Some(throttle),
            ),
            (500 * 1024, 0, CounterAction::Block, 500 * 1024, false, None),
            (
                500 * 1024,
                600 * 1024,
                CounterAction::Block,
                0,
                true,
                Some(CounterAction::Block),
            ),
            (700, 699, CounterAction::Redirect, 1, false, None),
            (
                700,
                700,
                CounterAction::Redirect,
                0,
                true,
                Some(CounterAction::Redirect),
            ),
            (
                100,
                250,
                CounterAction::Default,
                0,
                true,
                Some(CounterAction::Default),
            ),
            (100, -5, CounterAction::Default, 100, false, None),
        ];

        for (threshold, current, action, remaining, reached, now_action) in cases {
            let status = counter_status(&counter(threshold, current, action), at(4, 9));

            assert_eq!(status.remaining, remaining, "{threshold}/{current}");
            assert_eq!(status.reached, reached, "{threshold}/{current}");
            assert_eq!(
                status.action_now().cloned(),
                now_action,
                "{threshold}/{current}"
            );
        }
    }

    #[test]
    fn a_reading_from_before_the_reset_counts_as_a_fresh_period() {
        let mut spent = counter(2048 * MB, 2048 * MB, CounterAction::Block);
        spent.resets_at = Some(at(5, 0));

        let before = counter_status(&spent, at(4, 23));
        let after = counter_status(&spent, at(5, 0));

        assert!(before.reached);
        assert_eq!(before.resets_at, Some(at(5, 0)));
        assert!(!before.reset_since_reading);
        assert!(!after.reached);
        assert_eq!(after.remaining, 2048 * MB);
        assert_eq!(after.resets_at, None);
        assert!(after.reset_since_reading);
    }

    #[test]
    fn the_threshold_marker_is_a_share_of_the_benefit_total() {
        let cases = [
            // (threshold, benefit total, marker)
            (2 * MB, 10 * MB, Some(0.2)),
            (10 * MB, 10 * MB, Some(1.0)),
            (11 * MB, 10 * MB, None),
            (0, 10 * MB, None),
            (2 * MB, 0, None),
        ];

        for (threshold, total, expected) in cases {
            let daily = counter(threshold, 0, CounterAction::Block);

            let marker = threshold_marker(&daily, &data(total, total));

            assert_eq!(marker, expected, "{threshold} of {total}");
        }
    }

    #[test]
    fn the_fill_at_the_threshold_is_where_the_bar_drains_to_today() {
        let cases = [
            // (threshold, current, benefit remaining, total, fill)
            (2 * MB, MB, 8 * MB, 10 * MB, Some(0.7)),
            (2 * MB, 0, MB, 10 * MB, Some(0.0)),
            (2 * MB, 2 * MB, 8 * MB, 10 * MB, None),
            (2 * MB, 0, 8 * MB, 0, None),
        ];

        for (threshold, current, remaining, total, expected) in cases {
            let status =
                counter_status(&counter(threshold, current, CounterAction::Block), at(4, 9));

            let fill = fill_at_threshold(&status, &data(remaining, total));

            assert_eq!(fill.map(|f| (f * 100.0).round() / 100.0), expected);
        }
    }

    #[test]
    fn time_passing_does_not_change_a_counter_with_no_reset_known() {
        let spent = counter(MB, 2 * MB, CounterAction::Redirect);

        let later = counter_status(&spent, at(4, 9) + TimeDelta::days(40));

        assert!(later.reached);
        assert_eq!(later.resets_at, None);
    }

    #[cfg(feature = "sft")]
    mod zoned {
        use super::*;
        use crate::counters::{fill_next_resets, next_reset};
        use crate::sft::parse_addon_details;
        use chrono_tz::Tz;

        fn utc(text: &str) -> DateTime<Utc> {
            DateTime::parse_from_rfc3339(text)
                .unwrap()
                .with_timezone(&Utc)
        }

        fn zone(name: &str) -> Tz {
            name.parse().unwrap()
        }

        #[test]
        fn resets_are_the_next_midnight_or_first_of_month_in_the_sft_zone() {
            let cases = [
                // (period, zone, now, next reset)
                (
                    "daily winter",
                    CounterPeriod::Daily,
                    "Europe/Brussels",
                    "2026-12-04T09:00:00Z",
                    Some("2026-12-04T23:00:00Z"),
                ),
                (
                    "daily summer",
                    CounterPeriod::Daily,
                    "Europe/Brussels",
                    "2026-07-04T09:00:00Z",
                    Some("2026-07-04T22:00:00Z"),
                ),
                (
                    "daily exactly at midnight",
                    CounterPeriod::Daily,
                    "Europe/Brussels",
                    "2026-12-04T23:00:00Z",
                    Some("2026-12-05T23:00:00Z"),
                ),
                (
                    "daily, a second before midnight in Tokyo",
                    CounterPeriod::Daily,
                    "Asia/Tokyo",
                    "2026-12-04T14:59:59Z",
                    Some("2026-12-04T15:00:00Z"),
                ),
                (
                    "daily, the day clocks go forward",
                    CounterPeriod::Daily,
                    "Europe/Brussels",
                    "2026-03-29T09:00:00Z",
                    Some("2026-03-29T22:00:00Z"),
                ),
                (
                    "daily, the day before clocks go forward",
                    CounterPeriod::Daily,
                    "Europe/Brussels",
                    "2026-03-28T12:00:00Z",
                    Some("2026-03-28T23:00:00Z"),
                ),
                (
                    "daily, the day clocks go back",
                    CounterPeriod::Daily,
                    "Europe/Brussels",
                    "2026-10-25T09:00:00Z",
                    Some("2026-10-25T23:00:00Z"),
                ),
                // Chile skips 00:00 on 6 September 2026: the day starts at 01:00 -03.
                (
                    "daily, a skipped midnight",
                    CounterPeriod::Daily,
                    "America/Santiago",
                    "2026-09-05T12:00:00Z",
                    Some("2026-09-06T04:00:00Z"),
                ),
                (
                    "monthly mid-month",
                    CounterPeriod::Monthly,
                    "Europe/Brussels",
                    "2026-12-04T09:00:00Z",
                    Some("2026-12-31T23:00:00Z"),
                ),
                (
                    "monthly on the 31st",
                    CounterPeriod::Monthly,
                    "Europe/Brussels",
                    "2026-01-31T12:00:00Z",
                    Some("2026-01-31T23:00:00Z"),
                ),
                (
                    "monthly exactly at the reset",
                    CounterPeriod::Monthly,
                    "Europe/Brussels",
                    "2026-01-31T23:00:00Z",
                    Some("2026-02-28T23:00:00Z"),
                ),
                (
                    "monthly across the spring change",
                    CounterPeriod::Monthly,
                    "Europe/Brussels",
                    "2026-03-15T12:00:00Z",
                    Some("2026-03-31T22:00:00Z"),
                ),
                (
                    "monthly, UTC",
                    CounterPeriod::Monthly,
                    "UTC",
                    "2026-02-28T23:59:59Z",
                    Some("2026-03-01T00:00:00Z"),
                ),
                (
                    "other period",
                    CounterPeriod::Other,
                    "UTC",
                    "2026-02-28T23:59:59Z",
                    None,
                ),
            ];

            for (name, period, zone_name, now, expected) in cases {
                let reset = next_reset(period, utc(now), zone(zone_name));

                assert_eq!(reset, expected.map(utc), "{name}");
            }
        }

        #[test]
        fn a_repeated_midnight_resets_once_at_its_first_occurrence() {
            // Havana goes back from 01:00 to 00:00 on 1 November 2026: 00:00 occurs at
            // 04:00 and again at 05:00 UTC.
            let havana = zone("America/Havana");
            let cases = [
                ("2026-10-31T12:00:00Z", "2026-11-01T04:00:00Z"),
                ("2026-11-01T04:30:00Z", "2026-11-02T05:00:00Z"),
                ("2026-11-01T05:30:00Z", "2026-11-02T05:00:00Z"),
            ];

            for (now, expected) in cases {
                let reset = next_reset(CounterPeriod::Daily, utc(now), havana);

                assert_eq!(reset, Some(utc(expected)), "{now}");
            }
        }

        #[test]
        fn a_daily_reset_is_always_ahead_and_at_most_a_day_and_an_hour_away() {
            let cases = [
                ("Europe/Brussels", "2026-03-28T00:00:00Z"),
                ("Europe/Brussels", "2026-10-24T00:00:00Z"),
                ("America/Santiago", "2026-04-03T00:00:00Z"),
                ("America/Santiago", "2026-09-04T00:00:00Z"),
                ("America/Havana", "2026-10-30T00:00:00Z"),
            ];

            for (zone_name, from) in cases {
                for hour in 0..96 {
                    let now = utc(from) + TimeDelta::minutes(30 * hour);

                    let reset = next_reset(CounterPeriod::Daily, now, zone(zone_name));

                    let ahead = reset.map(|r| r - now);
                    assert!(
                        ahead.is_some_and(|a| a > TimeDelta::zero() && a <= TimeDelta::hours(25)),
                        "{zone_name} at {now}: {ahead:?}"
                    );
                }
            }
        }

        fn answer_with_counter(unit: &str, threshold: &str, current: &str) -> String {
            format!(
                r#"{{"Response":{{"resultCode":"0","resultParam":{{"resultCode":"0"}},
                "responseParam":{{
                  "promotionalPlans":{{"plan":[{{"uniqueId":"u1","planId":"3101",
                    "planStartDate":"01/12/2026 00:00:00","planExpiryDate":"-"}}]}},
                  "counterInfo":{{"counter":[{{"counterId":"c1","uniqueId":"u1",
                    "counterName":"Daily_Data","frequency":"Daily",
                    "threshold":"{threshold}","thresholdUnit":"{unit}",
                    "currentValue":"{current}","action":"Throttle_512 Kbps"}}]}}}}}}}}"#
            )
        }

        #[test]
        fn parsed_counters_in_bytes_kb_and_mb_read_the_same_way() {
            let now = utc("2026-12-04T09:00:00Z");
            let cases = [
                // (unit, threshold, current, remaining bytes, reached)
                ("Bytes", "1048576", "524288", 524_288, false),
                ("KB", "1024", "512", 524_288, false),
                ("MB", "1", "0", 1_048_576, false),
                ("MB", "2048", "2048", 0, true),
                ("KB", "100", "150", 0, true),
            ];

            for (unit, threshold, current, remaining, reached) in cases {
                let body = answer_with_counter(unit, threshold, current);
                let mut details = parse_addon_details(&body, chrono_tz::UTC).unwrap();
                fill_next_resets(&mut details.instances, now, chrono_tz::UTC);

                let status = counter_status(&details.instances[0].counters[0], now);

                assert_eq!(status.remaining, remaining, "{threshold} {unit}");
                assert_eq!(status.reached, reached, "{threshold} {unit}");
                assert_eq!(status.action, CounterAction::Throttle { kbps: 512 });
                assert_eq!(status.resets_at, Some(utc("2026-12-05T00:00:00Z")));
            }
        }
    }
}
