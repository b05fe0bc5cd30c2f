//! Pace and forecast: a bounded history of a benefit's readings, the consumption rate
//! it shows, and when the benefit runs out at that pace compared with its expiry.
//!
//! SFT rates usage late, so balances fall in steps at irregular times. The rate is the
//! net consumption between the first and the last reading since the balance last went
//! up (a top-up or a renewal), divided by the time between them: steps and plateaus
//! both count, and a burst does not swing the line the way a least-squares fit would.
//! A run-out instant is projected only when that stretch of history holds at least
//! [`MIN_READINGS`] readings over at least [`MIN_SPAN`] with some consumption.

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

/// The most readings a history keeps; the oldest go first.
pub const MAX_READINGS: usize = 200;

/// The fewest readings (since the last top-up) a forecast is made from.
pub const MIN_READINGS: usize = 3;

/// The shortest time between the first and last reading (since the last top-up) a
/// forecast is made from: SFT rates traffic in batches, so a shorter window mostly
/// measures when a batch landed.
pub const MIN_SPAN: TimeDelta = TimeDelta::hours(1);

/// One balance reading of a benefit: what was left at an instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Reading {
    /// When the balance was read (the snapshot's fetch time).
    pub at: DateTime<Utc>,
    /// The balance left, in the benefit's base unit.
    pub remaining: i64,
}

/// A benefit's readings, oldest first, at most [`MAX_READINGS`]; stored by the widget.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct History {
    /// The readings, in time order, one per instant.
    pub readings: Vec<Reading>,
}

/// Adds `reading` to `history` and returns the tidied history: in time order, one
/// reading per instant (the newest report for an instant wins), nothing before
/// `instance_start` (when known), at most [`MAX_READINGS`], the newest kept.
///
/// Also repairs a history read back from storage (unordered or oversized).
pub fn record(
    history: History,
    reading: Reading,
    instance_start: Option<DateTime<Utc>>,
) -> History {
    let mut readings = history.readings;
    readings.retain(|r| r.at != reading.at);
    readings.push(reading);
    if let Some(start) = instance_start {
        readings.retain(|r| r.at >= start);
    }
    History {
        readings: tidy(readings),
    }
}

/// Sorts by time, keeps one reading per instant (the last given), keeps the newest
/// [`MAX_READINGS`].
fn tidy(mut readings: Vec<Reading>) -> Vec<Reading> {
    // A stable sort keeps equal instants in the order given; keep the last of each.
    readings.sort_by_key(|r| r.at);
    readings.reverse();
    readings.dedup_by_key(|r| r.at);
    readings.reverse();
    let excess = readings.len().saturating_sub(MAX_READINGS);
    readings.drain(..excess);
    readings
}

/// How fast a benefit is being used.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pace {
    /// Net consumption per hour, in the benefit's base unit (bytes for data); zero or
    /// more.
    pub per_hour: f64,
    /// The first reading the pace is measured from (the first since the last top-up).
    pub since: Reading,
    /// The latest reading, which projections start from.
    pub latest: Reading,
    /// How many readings the pace is measured over.
    pub readings: usize,
}

/// What the history says about running out.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Forecast {
    /// Too little history since the last top-up to project anything.
    NotEnoughHistory {
        /// Readings since the last top-up.
        readings: usize,
        /// Time between the first and the last of them.
        span: TimeDelta,
    },
    /// The latest reading shows nothing left.
    UsedUp,
    /// Enough history, but the balance has not gone down: no run-out in sight.
    NoUse {
        /// The (zero) pace and the readings it covers.
        pace: Pace,
    },
    /// At this pace the benefit runs out before it expires.
    RunsOutBefore {
        /// When it runs out (never before `now`).
        at: DateTime<Utc>,
        /// How long before the expiry.
        margin: TimeDelta,
        /// The pace projected.
        pace: Pace,
    },
    /// At this pace something is left at expiry.
    LastsUntilExpiry {
        /// The expiry it lasts until.
        expires_at: DateTime<Utc>,
        /// What is projected to be left then.
        left_at_expiry: i64,
        /// The pace projected.
        pace: Pace,
    },
    /// The benefit has no expiry known (On Usage, not set): when it runs out at this pace.
    RunsOut {
        /// When it runs out (never before `now`).
        at: DateTime<Utc>,
        /// The pace projected.
        pace: Pace,
    },
}

impl Forecast {
    /// The pace, when the history was enough to measure one.
    pub fn pace(&self) -> Option<&Pace> {
        match self {
            Forecast::NotEnoughHistory { .. } | Forecast::UsedUp => None,
            Forecast::NoUse { pace }
            | Forecast::RunsOutBefore { pace, .. }
            | Forecast::LastsUntilExpiry { pace, .. }
            | Forecast::RunsOut { pace, .. } => Some(pace),
        }
    }
}

/// Projects `history` at `now` against the benefit's `expires_at`.
pub fn forecast(
    history: &History,
    expires_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Forecast {
    let readings = tidy(history.readings.clone());
    let Some(&latest) = readings.last() else {
        return Forecast::NotEnoughHistory {
            readings: 0,
            span: TimeDelta::zero(),
        };
    };
    if latest.remaining <= 0 {
        return Forecast::UsedUp;
    }

    let segment = since_last_top_up(&readings);
    let since = segment[0];
    let span = latest.at - since.at;
    if segment.len() < MIN_READINGS || span < MIN_SPAN {
        return Forecast::NotEnoughHistory {
            readings: segment.len(),
            span,
        };
    }

    let consumed = since.remaining.saturating_sub(latest.remaining);
    let hours = span.num_seconds() as f64 / 3600.0;
    let pace = Pace {
        per_hour: consumed.max(0) as f64 / hours,
        since,
        latest,
        readings: segment.len(),
    };
    if consumed <= 0 {
        return Forecast::NoUse { pace };
    }

    let run_out = seconds(latest.remaining as f64 / pace.per_hour * 3600.0)
        .and_then(|ahead| latest.at.checked_add_signed(ahead))
        .map(|at| at.max(now));
    match (run_out, expires_at) {
        (Some(at), Some(expiry)) if at < expiry => Forecast::RunsOutBefore {
            at,
            margin: expiry - at,
            pace,
        },
        (_, Some(expiry)) => {
            let used_by_expiry = pace.per_hour * (expiry - latest.at).num_seconds() as f64 / 3600.0;
            Forecast::LastsUntilExpiry {
                expires_at: expiry,
                left_at_expiry: (latest.remaining as f64 - used_by_expiry.max(0.0)).max(0.0) as i64,
                pace,
            }
        }
        (Some(at), None) => Forecast::RunsOut { at, pace },
        // Too far ahead to write down: as good as never.
        (None, None) => Forecast::NoUse { pace },
    }
}

/// The readings since the balance last went up (all of them when it never did).
fn since_last_top_up(readings: &[Reading]) -> &[Reading] {
    let start = readings
        .windows(2)
        .rposition(|pair| pair[1].remaining > pair[0].remaining)
        .map_or(0, |i| i + 1);
    &readings[start..]
}

/// A span of `secs` seconds, if it fits a `TimeDelta`.
fn seconds(secs: f64) -> Option<TimeDelta> {
    if !secs.is_finite() || secs.abs() >= 1.0e15 {
        return None;
    }
    TimeDelta::try_seconds(secs as i64)
}

/// A small chart of the balance over time: the readings as a line, and the forecast as a
/// separate (dashed) segment from the latest reading. Coordinates are SVG's: x grows to
/// the right from 0 to `width`, y grows downwards, 0 at the top (the highest balance)
/// and `height` at the bottom (nothing left).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Sparkline {
    /// One point per reading, oldest first.
    pub history: Vec<(f64, f64)>,
    /// Two points (the latest reading, then the projection), or none without a forecast.
    pub forecast: Vec<(f64, f64)>,
}

impl Sparkline {
    /// The history as an SVG path (`M x,y L x,y …`); empty when there are no readings.
    pub fn history_path(&self) -> String {
        svg_path(&self.history)
    }

    /// The forecast as an SVG path, to be drawn dashed; empty without a forecast.
    pub fn forecast_path(&self) -> String {
        svg_path(&self.forecast)
    }
}

/// Draws `history` and `forecast` in a `width` × `height` box.
///
/// The time axis runs from the first reading to the end of the forecast: the run-out
/// instant, or the expiry when it lasts until then. So that the readings stay readable,
/// the forecast covers at most as much time as the history does; a longer one is cut
/// there, at the balance projected for that instant.
pub fn sparkline(history: &History, forecast: &Forecast, width: f64, height: f64) -> Sparkline {
    let readings = tidy(history.readings.clone());
    let (Some(first), Some(latest)) = (readings.first(), readings.last()) else {
        return Sparkline::default();
    };

    let end = match *forecast {
        Forecast::RunsOutBefore { at, pace, .. } | Forecast::RunsOut { at, pace } => {
            Some((at, 0, pace))
        }
        Forecast::LastsUntilExpiry {
            expires_at,
            left_at_expiry,
            pace,
        } => Some((expires_at, left_at_expiry, pace)),
        _ => None,
    };
    // Cut the forecast at the history's length, at the balance projected then.
    let history_span = latest.at - first.at;
    let end = end
        .filter(|(at, _, pace)| *at > pace.latest.at)
        .map(|(at, left, pace)| {
            let cut = pace.latest.at + history_span.max(MIN_SPAN);
            if at <= cut {
                return (at, left);
            }
            let used = pace.per_hour * (cut - pace.latest.at).num_seconds() as f64 / 3600.0;
            (cut, (pace.latest.remaining as f64 - used).max(0.0) as i64)
        });

    let right = end.map_or(latest.at, |(at, _)| at.max(latest.at));
    let span = (right - first.at).num_seconds() as f64;
    let top = readings
        .iter()
        .map(|r| r.remaining)
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let point = |at: DateTime<Utc>, remaining: i64| {
        let x = if span > 0.0 {
            (at - first.at).num_seconds() as f64 / span * width
        } else {
            width
        };
        let y = height - (remaining.max(0) as f64 / top).min(1.0) * height;
        (x, y)
    };

    Sparkline {
        history: readings.iter().map(|r| point(r.at, r.remaining)).collect(),
        forecast: end.map_or_else(Vec::new, |(at, left)| {
            vec![point(latest.at, latest.remaining), point(at, left)]
        }),
    }
}

fn svg_path(points: &[(f64, f64)]) -> String {
    points
        .iter()
        .enumerate()
        .map(|(i, (x, y))| format!("{}{x:.1},{y:.1}", if i == 0 { "M" } else { " L" }))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    const GB: i64 = 1_000_000_000;

    fn start() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 4, 8, 0, 0).unwrap()
    }

    /// `minutes` after the start.
    fn at(minutes: i64) -> DateTime<Utc> {
        start() + TimeDelta::minutes(minutes)
    }

    fn reading(minutes: i64, remaining: i64) -> Reading {
        Reading {
            at: at(minutes),
            remaining,
        }
    }

    /// A history from (minutes after the start, remaining) pairs, recorded in order.
    fn history(points: &[(i64, i64)]) -> History {
        points.iter().fold(History::default(), |h, &(m, r)| {
            record(h, reading(m, r), None)
        })
    }

    #[test]
    fn recording_keeps_readings_in_time_order_one_per_instant() {
        let cases = [
            ("in order", vec![(0, 9), (30, 8)], vec![(0, 9), (30, 8)]),
            ("late arrival", vec![(30, 8), (0, 9)], vec![(0, 9), (30, 8)]),
            (
                "identical again",
                vec![(0, 9), (30, 8), (30, 8)],
                vec![(0, 9), (30, 8)],
            ),
            (
                "same instant, newer wins",
                vec![(0, 9), (0, 7)],
                vec![(0, 7)],
            ),
            (
                "plateau kept",
                vec![(0, 9), (30, 9), (60, 9)],
                vec![(0, 9), (30, 9), (60, 9)],
            ),
        ];

        for (name, given, expected) in cases {
            let recorded = history(&given);

            let expected: Vec<Reading> = expected.iter().map(|&(m, r)| reading(m, r)).collect();
            assert_eq!(recorded.readings, expected, "{name}");
        }
    }

    #[test]
    fn recording_drops_readings_from_before_the_instance_started() {
        let before = history(&[(0, 9), (30, 8), (60, 20)]);

        let after = record(before, reading(90, 19), Some(at(60)));

        assert_eq!(after.readings, [reading(60, 20), reading(90, 19)]);
    }

    #[test]
    fn recording_keeps_only_the_newest_readings() {
        let full = history(
            &(0..MAX_READINGS as i64)
                .map(|m| (m, 1000 - m))
                .collect::<Vec<_>>(),
        );

        let more = record(full, reading(5000, 1), None);

        assert_eq!(more.readings.len(), MAX_READINGS);
        assert_eq!(more.readings[0], reading(1, 999));
        assert_eq!(more.readings.last(), Some(&reading(5000, 1)));
    }

    #[test]
    fn a_history_survives_storage_as_json() {
        let kept = history(&[(0, 9), (30, 8)]);

        let json = serde_json::to_string(&kept).unwrap();
        let back: History = serde_json::from_str(&json).unwrap();

        assert_eq!(back, kept);
        assert!(json.contains("\"remaining\":8"), "{json}");
    }

    /// Name, (minutes after the start, remaining) readings, expiry, expected forecast.
    type ForecastCase = (
        &'static str,
        Vec<(i64, i64)>,
        Option<DateTime<Utc>>,
        Forecast,
    );

    #[test]
    fn forecasts_follow_the_history_they_are_given() {
        let now = at(365);
        let expiry = Some(at(10 * 24 * 60));
        let cases: Vec<ForecastCase> = vec![
            (
                // 1 GB an hour from 10 GB: 4 GB left after 6 h, runs out 4 h later.
                "steady use runs out before expiry",
                (0..=6).map(|h| (h * 60, 10 * GB - h * GB)).collect(),
                expiry,
                Forecast::RunsOutBefore {
                    at: at(600),
                    margin: at(10 * 24 * 60) - at(600),
                    pace: pace(GB as f64, (0, 10 * GB), (360, 4 * GB), 7),
                },
            ),
            (
                "bursty steps use their average pace",
                vec![
                    (0, 10 * GB),
                    (60, 10 * GB),
                    (120, 8 * GB),
                    (180, 8 * GB),
                    (240, 6 * GB),
                ],
                expiry,
                // 4 GB in 4 h: 1 GB an hour, 6 GB left at 04:00 runs out 6 h later.
                Forecast::RunsOutBefore {
                    at: at(600),
                    margin: at(10 * 24 * 60) - at(600),
                    pace: pace(GB as f64, (0, 10 * GB), (240, 6 * GB), 5),
                },
            ),
            (
                "a top-up restarts the fit",
                vec![(0, 5 * GB), (60, 4 * GB), (120, 9 * GB), (150, 9 * GB)],
                expiry,
                Forecast::NotEnoughHistory {
                    readings: 2,
                    span: TimeDelta::minutes(30),
                },
            ),
            (
                "zero use is no use, not a run-out",
                vec![(0, 5 * GB), (60, 5 * GB), (120, 5 * GB)],
                expiry,
                Forecast::NoUse {
                    pace: pace(0.0, (0, 5 * GB), (120, 5 * GB), 3),
                },
            ),
            (
                "two readings are too few",
                vec![(0, 5 * GB), (180, 4 * GB)],
                expiry,
                Forecast::NotEnoughHistory {
                    readings: 2,
                    span: TimeDelta::hours(3),
                },
            ),
            (
                "three readings within the hour are too short",
                vec![(0, 5 * GB), (20, 4 * GB), (59, 3 * GB)],
                expiry,
                Forecast::NotEnoughHistory {
                    readings: 3,
                    span: TimeDelta::minutes(59),
                },
            ),
            (
                "nothing recorded",
                vec![],
                expiry,
                Forecast::NotEnoughHistory {
                    readings: 0,
                    span: TimeDelta::zero(),
                },
            ),
            ("spent", vec![(0, GB), (60, 0)], expiry, Forecast::UsedUp),
        ];

        for (name, points, expires_at, expected) in cases {
            let readings = history(&points);

            let got = forecast(&readings, expires_at, now);

            assert_eq!(got, expected, "{name}");
        }
    }

    fn pace(per_hour: f64, since: (i64, i64), latest: (i64, i64), readings: usize) -> Pace {
        Pace {
            per_hour,
            since: reading(since.0, since.1),
            latest: reading(latest.0, latest.1),
            readings,
        }
    }

    #[test]
    fn a_slow_pace_lasts_until_expiry_with_the_rest_projected() {
        // 100 MB an hour from 10 GB; expiry 24 h after the latest reading.
        let readings = history(&[(0, 10 * GB), (60, 9_900_000_000), (120, 9_800_000_000)]);
        let expires_at = at(120 + 24 * 60);

        let got = forecast(&readings, Some(expires_at), at(130));

        assert_eq!(
            got,
            Forecast::LastsUntilExpiry {
                expires_at,
                left_at_expiry: 7_400_000_000,
                pace: pace(1e8, (0, 10 * GB), (120, 9_800_000_000), 3),
            }
        );
    }

    #[test]
    fn without_an_expiry_the_run_out_instant_stands_alone() {
        let readings = history(&[(0, 3 * GB), (60, 2 * GB), (120, GB)]);

        let got = forecast(&readings, None, at(125));

        assert_eq!(
            got,
            Forecast::RunsOut {
                at: at(180),
                pace: pace(GB as f64, (0, 3 * GB), (120, GB), 3),
            }
        );
    }

    #[test]
    fn a_run_out_projected_into_the_past_is_now() {
        let readings = history(&[(0, 3 * GB), (60, 2 * GB), (120, GB)]);
        let now = at(600);

        let got = forecast(&readings, Some(at(6000)), now);

        assert!(
            matches!(got, Forecast::RunsOutBefore { at, .. } if at == now),
            "{got:?}"
        );
    }

    #[test]
    fn the_sparkline_draws_history_then_a_dashed_forecast_to_the_run_out() {
        let readings = history(&[(0, 4 * GB), (60, 3 * GB), (120, 2 * GB)]);
        let projected = forecast(&readings, Some(at(6000)), at(120));

        let chart = sparkline(&readings, &projected, 100.0, 20.0);

        assert_eq!(chart.history, [(0.0, 0.0), (25.0, 5.0), (50.0, 10.0)]);
        assert_eq!(chart.forecast, [(50.0, 10.0), (100.0, 20.0)]);
        assert_eq!(chart.history_path(), "M0.0,0.0 L25.0,5.0 L50.0,10.0");
        assert_eq!(chart.forecast_path(), "M50.0,10.0 L100.0,20.0");
    }

    #[test]
    fn a_far_forecast_is_cut_at_the_length_of_the_history() {
        // 10 MB an hour, 2 h of history; expiry a month away.
        let readings = history(&[(0, GB), (60, 990_000_000), (120, 980_000_000)]);
        let projected = forecast(&readings, Some(at(30 * 24 * 60)), at(120));

        let chart = sparkline(&readings, &projected, 100.0, 100.0);

        assert_eq!(rounded(&chart.forecast), [(50.0, 2.0), (100.0, 4.0)]);
    }

    fn rounded(points: &[(f64, f64)]) -> Vec<(f64, f64)> {
        let round = |v: f64| (v * 10.0).round() / 10.0;
        points.iter().map(|&(x, y)| (round(x), round(y))).collect()
    }

    #[test]
    fn the_sparkline_has_no_forecast_without_one() {
        let cases = [
            ("too little history", history(&[(0, GB), (10, GB)])),
            ("no use", history(&[(0, GB), (60, GB), (120, GB)])),
            ("one reading", history(&[(0, GB)])),
            ("no readings", History::default()),
        ];

        for (name, readings) in cases {
            let projected = forecast(&readings, None, at(130));

            let chart = sparkline(&readings, &projected, 100.0, 20.0);

            assert_eq!(chart.history.len(), readings.readings.len(), "{name}");
            assert!(chart.forecast.is_empty(), "{name}");
            assert!(chart.forecast_path().is_empty(), "{name}");
        }
    }

    #[test]
    fn a_single_reading_sits_at_the_right_edge() {
        let chart = sparkline(&history(&[(0, GB)]), &Forecast::UsedUp, 100.0, 20.0);

        assert_eq!(chart.history, [(100.0, 0.0)]);
    }

    proptest! {
        #[test]
        fn recorded_histories_stay_bounded_ordered_and_after_the_start(
            points in prop::collection::vec((0..2000i64, 0..100i64), 0..400),
            start_minute in prop::option::of(0..2000i64),
        ) {
            let began = start_minute.map(at);

            let recorded = points.iter().fold(History::default(), |h, &(m, r)| {
                record(h, reading(m, r), began)
            });

            prop_assert!(recorded.readings.len() <= MAX_READINGS);
            prop_assert!(recorded.readings.windows(2).all(|w| w[0].at < w[1].at));
            prop_assert!(recorded.readings.iter().all(|r| began.is_none_or(|s| r.at >= s)));
        }

        #[test]
        fn a_run_out_before_expiry_is_never_before_now(
            points in prop::collection::vec((0..3000i64, 1..100i64), 0..30),
            now_minute in 0..5000i64,
            expiry_minute in 0..10_000i64,
        ) {
            let readings = history(&points);
            let now = at(now_minute);

            let got = forecast(&readings, Some(at(expiry_minute)), now);

            if let Forecast::RunsOutBefore { at: out, margin, .. } = got {
                prop_assert!(out >= now);
                prop_assert!(margin > TimeDelta::zero());
            }
        }
    }
}
