//! Countdown wording: how long until (or since) a deadline, computed from the absolute
//! instant and `now` so that every tick is exact and a sleeping tab catches up at once.

use chrono::{DateTime, Utc};

use crate::status::Deadline;

/// A span written the short way a traveler glances at: "16 days 9 h", "5 h 12 min",
/// "4 min 05 s". Negative spans are written as zero.
pub fn short_span(seconds: i64) -> String {
    let seconds = seconds.max(0);
    let (days, hours) = (seconds / 86_400, (seconds % 86_400) / 3_600);
    let (minutes, secs) = ((seconds % 3_600) / 60, seconds % 60);
    match (days, hours, minutes) {
        (2.., _, _) => format!("{days} days {hours} h"),
        (1, _, _) => format!("1 day {hours} h"),
        (0, 1.., _) => format!("{hours} h {minutes} min"),
        _ => format!("{minutes} min {secs:02} s"),
    }
}

/// The sentence a card's countdown shows for `deadline` at `now`.
pub fn countdown_text(deadline: Deadline, now: DateTime<Utc>) -> String {
    let until = (deadline.at() - now).num_seconds();
    match deadline {
        Deadline::StartsAt(_) if until > 0 => format!("Starts in {}", short_span(until)),
        Deadline::StartsAt(_) => "Starting now".to_owned(),
        Deadline::EndsAt(_) if until > 0 => format!("Expires in {}", short_span(until)),
        Deadline::EndsAt(_) | Deadline::EndedAt(_) => {
            format!("Ended {} ago", short_span(-until))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn spans_shrink_their_unit_as_the_deadline_nears() {
        let cases = [
            (16 * 86_400 + 9 * 3_600 + 59, "16 days 9 h"),
            (2 * 86_400, "2 days 0 h"),
            (86_400 + 3_600, "1 day 1 h"),
            (5 * 3_600 + 12 * 60 + 7, "5 h 12 min"),
            (3_600, "1 h 0 min"),
            (4 * 60 + 5, "4 min 05 s"),
            (0, "0 min 00 s"),
            (-30, "0 min 00 s"),
        ];

        for (seconds, expected) in cases {
            assert_eq!(short_span(seconds), expected, "{seconds} s");
        }
    }

    #[test]
    fn countdown_says_what_happens_at_the_deadline() {
        let now = Utc.with_ymd_and_hms(2026, 12, 4, 9, 0, 0).unwrap();
        let later = Utc.with_ymd_and_hms(2026, 12, 4, 11, 30, 0).unwrap();
        let earlier = Utc.with_ymd_and_hms(2026, 12, 4, 7, 0, 0).unwrap();
        let cases = [
            (Deadline::EndsAt(later), "Expires in 2 h 30 min"),
            (Deadline::StartsAt(later), "Starts in 2 h 30 min"),
            (Deadline::StartsAt(earlier), "Starting now"),
            (Deadline::EndedAt(earlier), "Ended 2 h 0 min ago"),
            // A deadline passing while the card is open reads as ended, not negative.
            (Deadline::EndsAt(earlier), "Ended 2 h 0 min ago"),
        ];

        for (deadline, expected) in cases {
            assert_eq!(countdown_text(deadline, now), expected);
        }
    }
}
