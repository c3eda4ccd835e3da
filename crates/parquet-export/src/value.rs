//! Text values that the file stores typed: dates as day numbers, RFC 3339 instants as
//! milliseconds since 1970-01-01T00:00:00Z.

use interdict_core::Date;

/// `YYYY-MM-DD` → days since 1970-01-01.
pub(crate) fn date_days(text: &str) -> Result<i32, String> {
    if text.len() != 10 {
        return Err(format!(
            "`{}` is not a date in YYYY-MM-DD form",
            interdict_core::text::clip(text, 40)
        ));
    }
    let d = Date::parse(text)?;
    i32::try_from(d.day_number()).map_err(|_| format!("`{text}` is out of range"))
}

/// An RFC 3339 date-time (`2025-03-01T12:00:00Z`, `2025-03-01t12:00:00.5+01:00`,
/// `2025-03-01 12:00:00Z`) → milliseconds since the epoch, in UTC; digits of the fraction
/// past the millisecond are cut.
pub(crate) fn timestamp_ms(text: &str) -> Result<i64, String> {
    let bad = || {
        format!(
            "`{}` is not an RFC 3339 date-time (YYYY-MM-DDTHH:MM:SSZ, or with a fraction or an \
             offset)",
            interdict_core::text::clip(text, 40)
        )
    };
    let b = text.as_bytes();
    if b.len() < 20 || !b[..10].is_ascii() || !matches!(b[10], b'T' | b't' | b' ') {
        return Err(bad());
    }
    let days = i64::from(date_days(&text[..10]).map_err(|_| bad())?);
    let num = |r: std::ops::Range<usize>| -> Result<i64, String> {
        let part = b.get(r).ok_or_else(bad)?;
        if part.is_empty() || !part.iter().all(u8::is_ascii_digit) {
            return Err(bad());
        }
        Ok(part.iter().fold(0, |n, d| n * 10 + i64::from(d - b'0')))
    };
    if b[13] != b':' || b[16] != b':' {
        return Err(bad());
    }
    let (h, m, s) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if h > 23 || m > 59 || s > 59 {
        return Err(format!(
            "`{}`: no such time of day",
            interdict_core::text::clip(text, 40)
        ));
    }
    let mut at = 19;
    let mut millis = 0;
    if b[at] == b'.' {
        let start = at + 1;
        let mut end = start;
        while end < b.len() && b[end].is_ascii_digit() {
            end += 1;
        }
        if end == start {
            return Err(bad());
        }
        let kept = &b[start..end.min(start + 3)];
        millis = kept.iter().fold(0, |n, d| n * 10 + i64::from(d - b'0'));
        for _ in kept.len()..3 {
            millis *= 10;
        }
        at = end;
    }
    let offset_minutes = match b.get(at..) {
        Some(b"Z") | Some(b"z") => 0,
        Some([sign @ (b'+' | b'-'), _, _, b':', _, _]) => {
            let (oh, om) = (num(at + 1..at + 3)?, num(at + 4..at + 6)?);
            if oh > 23 || om > 59 {
                return Err(bad());
            }
            let minutes = oh * 60 + om;
            if *sign == b'-' {
                -minutes
            } else {
                minutes
            }
        }
        _ => return Err(bad()),
    };
    let seconds = days * 86_400 + h * 3600 + m * 60 + s - offset_minutes * 60;
    Ok(seconds * 1000 + millis)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_become_day_numbers() {
        assert_eq!(date_days("1970-01-01"), Ok(0));
        assert_eq!(date_days("2025-03-01"), Ok(20148));
        assert_eq!(date_days("1969-12-31"), Ok(-1));
        assert!(date_days("2025-02-30").is_err());
        assert!(date_days(" 2025-03-01").is_err());
        assert!(date_days("2025-03-01T00:00:00Z").is_err());
        assert!(date_days("yesterday").is_err());
    }

    #[test]
    fn instants_become_milliseconds_in_utc() {
        let base = 20148 * 86_400_000_i64;
        assert_eq!(timestamp_ms("2025-03-01T00:00:00Z"), Ok(base));
        assert_eq!(
            timestamp_ms("2025-03-01T12:34:56Z"),
            Ok(base + (12 * 3600 + 34 * 60 + 56) * 1000)
        );
        assert_eq!(timestamp_ms("2025-03-01t00:00:01.5z"), Ok(base + 1500));
        assert_eq!(timestamp_ms("2025-03-01 00:00:00.123456Z"), Ok(base + 123));
        assert_eq!(timestamp_ms("2025-03-01T01:00:00+01:00"), Ok(base));
        assert_eq!(timestamp_ms("2025-02-28T23:30:00-00:30"), Ok(base));
        assert_eq!(timestamp_ms("1969-12-31T23:59:59Z"), Ok(-1000));
        for bad in [
            "2025-03-01",
            "2025-03-01T24:00:00Z",
            "2025-03-01T12:00:00",
            "2025-03-01T12:00:00.Z",
            "2025-03-01T12:00:00+0100",
            "2025-03-01T12:00Z",
            "2025-02-30T12:00:00Z",
            "2025-03-01T12:00:00Zjunk",
            "2025-03-01T1é:00:00Z",
            "ééééééééééééééééééééééé",
        ] {
            assert!(timestamp_ms(bad).is_err(), "{bad} was accepted");
        }
    }
}
