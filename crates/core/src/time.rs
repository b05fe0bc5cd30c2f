//! SFT date handling. SFT sends `dd/mm/yyyy hh:mm:ss` as wall-clock time in the SFT
//! account's time zone, with no offset; `"-"` or an empty string means "not set".
//! ISO-8601 with an offset (or `Z`) is accepted too.
//!
//! Wall times that a DST change makes ambiguous or impossible resolve by one rule:
//! - a time that exists twice (clocks go back) is the **earlier** instant;
//! - a time that does not exist (clocks go forward) is read with the offset in force
//!   **before** the change, so it lands as far after the change as it was written after
//!   the last valid wall time (Brussels `29/03/2026 02:30` is 03:30 CEST).

use chrono::{DateTime, Datelike, Duration, LocalResult, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;

/// SFT's wall-clock format.
pub const SFT_DATE_FORMAT: &str = "%d/%m/%Y %H:%M:%S";

/// Why a date from SFT could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unreadable SFT date {text:?}: expected dd/mm/yyyy hh:mm:ss or ISO-8601")]
pub struct DateError {
    /// The text SFT sent.
    pub text: String,
}

/// The years a date may have. Others are unreadable: no SFT date is that far off, and
/// near chrono's limits turning a wall time into an instant would overflow.
pub const SFT_YEARS: std::ops::RangeInclusive<i32> = 1..=9999;

/// Reads an SFT date in the account's zone. `Ok(None)` means "not set".
pub fn parse_sft_date(text: &str, zone: Tz) -> Result<Option<DateTime<Utc>>, DateError> {
    let text = text.trim();
    if text.is_empty() || text == "-" {
        return Ok(None);
    }
    let in_range = |naive: &NaiveDateTime| SFT_YEARS.contains(&naive.year());

    if let Ok(naive) = NaiveDateTime::parse_from_str(text, SFT_DATE_FORMAT) {
        if in_range(&naive) {
            return Ok(Some(wall_time_to_instant(naive, zone)));
        }
    } else if let Ok(exact) = DateTime::parse_from_rfc3339(text) {
        if in_range(&exact.naive_utc()) {
            return Ok(Some(exact.with_timezone(&Utc)));
        }
    } else {
        // ISO-8601 without an offset is wall time in the account's zone, like SFT's format.
        for format in [
            "%Y-%m-%dT%H:%M:%S",
            "%Y-%m-%dT%H:%M:%S%.f",
            "%Y-%m-%d %H:%M:%S",
        ] {
            match NaiveDateTime::parse_from_str(text, format) {
                Ok(naive) if in_range(&naive) => {
                    return Ok(Some(wall_time_to_instant(naive, zone)))
                }
                Ok(_) => break,
                Err(_) => {}
            }
        }
    }
    Err(DateError {
        text: text.to_owned(),
    })
}

/// Turns a wall-clock time in `zone` into an instant, by the module's DST rule.
pub fn wall_time_to_instant(naive: NaiveDateTime, zone: Tz) -> DateTime<Utc> {
    match zone.from_local_datetime(&naive) {
        LocalResult::Single(local) => local.with_timezone(&Utc),
        LocalResult::Ambiguous(earlier, _later) => earlier.with_timezone(&Utc),
        LocalResult::None => {
            let before_gap = zone
                .offset_from_utc_datetime(&(naive - Duration::days(1)))
                .fix();
            DateTime::from_naive_utc_and_offset(naive - before_gap, Utc)
        }
    }
}

/// Writes an instant the way SFT does: wall-clock time in the account's zone.
pub fn format_sft_date(instant: DateTime<Utc>, zone: Tz) -> String {
    instant
        .with_timezone(&zone)
        .format(SFT_DATE_FORMAT)
        .to_string()
}

/// Reads an IANA zone name such as `Europe/Brussels`.
pub fn parse_zone(name: &str) -> Result<Tz, String> {
    name.parse::<Tz>().map_err(|_| {
        format!("unknown time zone {name:?}: use an IANA name such as Europe/Brussels")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn sft_dates_become_instants_in_the_account_zone() {
        let brussels: Tz = "Europe/Brussels".parse().unwrap();
        let cases = [
            // (zone, text, expected instant) -- winter, summer, UTC, ISO forms
            (
                chrono_tz::UTC,
                "20/12/2026 18:40:05",
                Some("2026-12-20T18:40:05Z"),
            ),
            (
                brussels,
                "20/12/2026 18:40:05",
                Some("2026-12-20T17:40:05Z"),
            ),
            (
                brussels,
                "20/07/2026 18:40:05",
                Some("2026-07-20T16:40:05Z"),
            ),
            (
                brussels,
                "2026-07-20T18:40:05",
                Some("2026-07-20T16:40:05Z"),
            ),
            (
                brussels,
                "2026-07-20T18:40:05+00:00",
                Some("2026-07-20T18:40:05Z"),
            ),
            (
                brussels,
                "2026-07-20T18:40:05Z",
                Some("2026-07-20T18:40:05Z"),
            ),
            (brussels, "-", None),
            (brussels, "", None),
            (brussels, "  ", None),
        ];

        for (zone, text, expected) in cases {
            let parsed = parse_sft_date(text, zone).unwrap();

            assert_eq!(parsed, expected.map(utc), "{text} in {zone}");
        }
    }

    #[test]
    fn dst_gap_and_overlap_follow_the_documented_rule() {
        let brussels: Tz = "Europe/Brussels".parse().unwrap();
        let cases = [
            // Clocks go forward 02:00 -> 03:00 on 29 March 2026: 02:30 does not exist and
            // is read with the winter offset (+01:00), i.e. 03:30 CEST.
            ("29/03/2026 02:30:00", "2026-03-29T01:30:00Z"),
            ("29/03/2026 01:59:59", "2026-03-29T00:59:59Z"),
            ("29/03/2026 03:00:00", "2026-03-29T01:00:00Z"),
            // Clocks go back 03:00 -> 02:00 on 25 October 2026: 02:30 exists twice and
            // is the earlier one (still summer time, +02:00).
            ("25/10/2026 02:30:00", "2026-10-25T00:30:00Z"),
            ("25/10/2026 03:00:00", "2026-10-25T02:00:00Z"),
        ];

        for (text, expected) in cases {
            let parsed = parse_sft_date(text, brussels).unwrap();

            assert_eq!(parsed, Some(utc(expected)), "{text}");
        }
    }

    #[test]
    fn unreadable_dates_are_errors_that_keep_the_text() {
        for text in [
            "31/02/2026 10:00:00",
            "tomorrow",
            "2026/12/20 18:40:05",
            "20/12/26 18:40",
        ] {
            let error = parse_sft_date(text, chrono_tz::UTC).unwrap_err();

            assert_eq!(error.text, text);
        }
    }

    #[test]
    fn dates_beyond_years_1_to_9999_are_unreadable_not_a_panic() {
        let brussels: Tz = "Europe/Brussels".parse().unwrap();
        let cases = [
            "01/01/-262143 00:00:00",
            "-262143-01-01T00:00:00",
            "01/01/0000 00:00:00",
            "01/01/10000 00:00:00",
            "+10000-01-01T00:00:00Z",
            "-0001-12-31T23:00:00Z",
        ];

        for text in cases {
            let error = parse_sft_date(text, brussels).unwrap_err();

            assert_eq!(error.text, text);
        }
        assert!(parse_sft_date("01/01/0001 00:00:00", brussels).is_ok());
        assert!(parse_sft_date("31/12/9999 23:59:59", brussels).is_ok());
    }

    #[test]
    fn formatting_round_trips_through_the_account_zone() {
        let tokyo: Tz = "Asia/Tokyo".parse().unwrap();
        let instant = utc("2026-12-04T09:12:44Z");

        let text = format_sft_date(instant, tokyo);

        assert_eq!(text, "04/12/2026 18:12:44");
        assert_eq!(parse_sft_date(&text, tokyo).unwrap(), Some(instant));
    }

    #[test]
    fn unknown_zone_names_are_refused_with_a_hint() {
        assert!(parse_zone("Europe/Brussels").is_ok());
        assert!(parse_zone("Mars/Olympus").unwrap_err().contains("IANA"));
    }
}
