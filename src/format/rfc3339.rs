//! RFC 3339 timestamps in UTC (`2026-11-22T10:19:57Z`) for the JSON dumps.

/// `secs` since the epoch as RFC 3339 UTC text; 0 (an unset time in PF_KEY) is `None`.
pub fn utc(secs: u64) -> Option<String> {
    if secs == 0 {
        return None;
    }
    let days = i64::try_from(secs / 86_400).ok()?;
    let rest = secs % 86_400;
    let (year, month, day) = civil_from_days(days);
    Some(format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    ))
}

/// The proleptic Gregorian date of a day count from 1970-01-01 (Howard Hinnant's
/// `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_instants() {
        assert_eq!(utc(0), None);
        assert_eq!(utc(1).as_deref(), Some("1970-01-01T00:00:01Z"));
        assert_eq!(utc(951_782_400).as_deref(), Some("2000-02-29T00:00:00Z"));
        assert_eq!(utc(1_795_342_797).as_deref(), Some("2026-11-22T10:19:57Z"));
        assert_eq!(utc(4_102_444_799).as_deref(), Some("2099-12-31T23:59:59Z"));
    }
}
