//! The simulator's clock: real time shifted by an offset, or frozen at an instant.
//! Real time is passed in, so the rules are testable without waiting.

use chrono::{DateTime, Duration, Utc};

/// A controllable clock.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Clock {
    /// Added to real time while running.
    offset: Duration,
    /// The instant the clock stands still at, while frozen.
    frozen_at: Option<DateTime<Utc>>,
}

impl Clock {
    /// A clock that reads `start` at real time `real_now`, running or frozen.
    pub(crate) fn starting_at(start: DateTime<Utc>, frozen: bool, real_now: DateTime<Utc>) -> Self {
        Self {
            offset: start - real_now,
            frozen_at: frozen.then_some(start),
        }
    }

    /// The simulated time at real time `real_now`.
    pub(crate) fn now(&self, real_now: DateTime<Utc>) -> DateTime<Utc> {
        self.frozen_at.unwrap_or(real_now + self.offset)
    }

    /// Whether the clock stands still.
    pub(crate) fn is_frozen(&self) -> bool {
        self.frozen_at.is_some()
    }

    /// Moves the clock by `by`, frozen or not.
    pub(crate) fn advance(&mut self, by: Duration) {
        match &mut self.frozen_at {
            Some(at) => *at += by,
            None => self.offset += by,
        }
    }

    /// Stops the clock at its current reading, or lets it run on from there.
    pub(crate) fn set_frozen(&mut self, frozen: bool, real_now: DateTime<Utc>) {
        match (self.frozen_at, frozen) {
            (None, true) => self.frozen_at = Some(real_now + self.offset),
            (Some(at), false) => {
                self.offset = at - real_now;
                self.frozen_at = None;
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn a_running_clock_keeps_its_offset_from_real_time() {
        let clock = Clock::starting_at(
            at("2026-12-04T09:00:00Z"),
            false,
            at("2030-01-01T00:00:00Z"),
        );

        let later = clock.now(at("2030-01-01T00:10:00Z"));

        assert_eq!(later, at("2026-12-04T09:10:00Z"));
    }

    #[test]
    fn a_frozen_clock_stands_still_until_advanced() {
        let mut clock =
            Clock::starting_at(at("2026-12-04T09:00:00Z"), true, at("2030-01-01T00:00:00Z"));

        let still = clock.now(at("2030-01-01T05:00:00Z"));
        clock.advance(Duration::hours(6));

        assert_eq!(still, at("2026-12-04T09:00:00Z"));
        assert_eq!(
            clock.now(at("2030-01-02T00:00:00Z")),
            at("2026-12-04T15:00:00Z")
        );
    }

    #[test]
    fn freezing_and_resuming_continue_from_the_current_reading() {
        let mut clock = Clock::starting_at(
            at("2026-12-04T09:00:00Z"),
            false,
            at("2030-01-01T00:00:00Z"),
        );

        clock.set_frozen(true, at("2030-01-01T01:00:00Z"));
        let frozen = clock.now(at("2030-01-01T03:00:00Z"));
        clock.set_frozen(false, at("2030-01-01T03:00:00Z"));
        let resumed = clock.now(at("2030-01-01T03:30:00Z"));

        assert!(!clock.is_frozen());
        assert_eq!(frozen, at("2026-12-04T10:00:00Z"));
        assert_eq!(resumed, at("2026-12-04T10:30:00Z"));
    }

    #[test]
    fn advancing_a_running_clock_shifts_it() {
        let mut clock = Clock::starting_at(
            at("2026-12-04T09:00:00Z"),
            false,
            at("2030-01-01T00:00:00Z"),
        );

        clock.advance(Duration::minutes(90));

        assert_eq!(
            clock.now(at("2030-01-01T00:00:00Z")),
            at("2026-12-04T10:30:00Z")
        );
    }
}
