//! Amounts as a traveler reads them: data in decimal units (GB = 10^9 bytes) by default
//! or binary units (GiB) on request, SMS as counts, voice as minutes.

use serde::{Deserialize, Serialize};

use crate::model::BenefitKind;

/// How data amounts are written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum UnitSystem {
    /// kB, MB, GB: powers of 1000 (what shops and phones show).
    #[default]
    Decimal,
    /// KiB, MiB, GiB: powers of 1024.
    Binary,
}

/// Writes a data amount in bytes, with at most one decimal ("3.3 GB", "512 MB").
pub fn format_bytes(bytes: i64, units: UnitSystem) -> String {
    let (base, names) = match units {
        UnitSystem::Decimal => (1000.0, ["B", "kB", "MB", "GB", "TB"]),
        UnitSystem::Binary => (1024.0, ["B", "KiB", "MiB", "GiB", "TiB"]),
    };
    let sign = if bytes < 0 { "-" } else { "" };
    let mut value = bytes.unsigned_abs() as f64;
    let mut unit = 0;
    while value >= base && unit < names.len() - 1 {
        value /= base;
        unit += 1;
    }
    format!("{sign}{} {}", one_decimal(value, unit > 0), names[unit])
}

/// Writes an amount of a benefit in the unit its kind calls for.
pub fn format_amount(kind: &BenefitKind, amount: i64, units: UnitSystem) -> String {
    match kind {
        BenefitKind::Data => format_bytes(amount, units),
        BenefitKind::Sms => format!("{amount} SMS"),
        BenefitKind::Voice => format!("{} min", amount.div_euclid(60)),
        BenefitKind::Credit => format!("{}.{:02}", amount / 100, (amount % 100).abs()),
        BenefitKind::Other(_) => amount.to_string(),
    }
}

/// The traveler-facing name of a benefit kind.
pub fn kind_label(kind: &BenefitKind) -> &str {
    match kind {
        BenefitKind::Data => "Data",
        BenefitKind::Sms => "SMS",
        BenefitKind::Voice => "Calls",
        BenefitKind::Credit => "Credit",
        BenefitKind::Other(name) => name,
    }
}

/// One decimal below 100 (dropping a trailing ".0"), none above.
fn one_decimal(value: f64, fractional: bool) -> String {
    if !fractional || value >= 99.95 {
        return format!("{value:.0}");
    }
    let text = format!("{value:.1}");
    text.strip_suffix(".0").map(str::to_owned).unwrap_or(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_amounts_read_like_a_phone_shows_them() {
        let cases = [
            (0, UnitSystem::Decimal, "0 B"),
            (999, UnitSystem::Decimal, "999 B"),
            (1_000, UnitSystem::Decimal, "1 kB"),
            (912_680_550, UnitSystem::Decimal, "913 MB"),
            (91_268_055, UnitSystem::Decimal, "91.3 MB"),
            (1_073_741_824, UnitSystem::Decimal, "1.1 GB"),
            (3_328_599_654, UnitSystem::Decimal, "3.3 GB"),
            (10_737_418_240, UnitSystem::Decimal, "10.7 GB"),
            (10_737_418_240, UnitSystem::Binary, "10 GiB"),
            (1_073_741_824, UnitSystem::Binary, "1 GiB"),
            (536_870_912, UnitSystem::Binary, "512 MiB"),
            (-2_500_000, UnitSystem::Decimal, "-2.5 MB"),
            (123_456_789_012, UnitSystem::Decimal, "123 GB"),
        ];

        for (bytes, units, expected) in cases {
            assert_eq!(format_bytes(bytes, units), expected, "{bytes} {units:?}");
        }
    }

    #[test]
    fn other_kinds_use_their_own_units() {
        let cases = [
            (BenefitKind::Sms, 41, "41 SMS"),
            (BenefitKind::Voice, 600, "10 min"),
            (BenefitKind::Voice, 59, "0 min"),
            (BenefitKind::Credit, 1250, "12.50"),
            (BenefitKind::Other("POINTS".into()), 7, "7"),
        ];

        for (kind, amount, expected) in cases {
            assert_eq!(format_amount(&kind, amount, UnitSystem::Decimal), expected);
        }
    }
}
