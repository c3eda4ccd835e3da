//! Calendar dates as the formats write them (`YYYY-MM-DD`), validated; day numbers and ISO weeks.
//!
//! A [`Date`] is parsed once at the edge; everything after it works with the typed value or its
//! day number (days since 1970-01-01, proleptic Gregorian), which the weekly series count in.

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

/// The earliest and latest years a date of a record may have: year 0000 or 9999 is a typing
/// error or a probe, and would stretch a weekly series over millennia.
pub const MIN_YEAR: i32 = 1900;
pub const MAX_YEAR: i32 = 2200;

impl Date {
    /// Parses `YYYY-MM-DD`, rejecting impossible days (`2025-02-30`).
    pub fn parse(s: &str) -> Result<Date, String> {
        let s = s.trim();
        if s.len() > 10 {
            return Err(format!(
                "`{}` is not a date in YYYY-MM-DD form",
                crate::text::clip(s, 20)
            ));
        }
        let b = s.as_bytes();
        let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
        if b.len() != 10
            || b[4] != b'-'
            || b[7] != b'-'
            || !digits(0..4)
            || !digits(5..7)
            || !digits(8..10)
        {
            return Err(format!("`{s}` is not a date in YYYY-MM-DD form"));
        }
        let year: i32 = s[0..4].parse().map_err(|_| format!("`{s}`: bad year"))?;
        let month: u8 = s[5..7].parse().map_err(|_| format!("`{s}`: bad month"))?;
        let day: u8 = s[8..10].parse().map_err(|_| format!("`{s}`: bad day"))?;
        if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
            return Err(format!(
                "`{s}`: year {year} is outside {MIN_YEAR}..{MAX_YEAR}, the years a record can be of"
            ));
        }
        if !(1..=12).contains(&month) {
            return Err(format!("`{s}`: month {month} does not exist"));
        }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = [
            31,
            if leap { 29 } else { 28 },
            31,
            30,
            31,
            30,
            31,
            31,
            30,
            31,
            30,
            31,
        ][month as usize - 1];
        if day == 0 || day > days {
            return Err(format!("`{s}`: day {day} does not exist in that month"));
        }
        Ok(Date { year, month, day })
    }

    /// Days since 1970-01-01.
    pub fn day_number(self) -> i64 {
        days_from_civil(self.year, u32::from(self.month), u32::from(self.day))
    }

    /// The date of a day number.
    pub fn from_day_number(day: i64) -> Date {
        let (year, month, day) = civil_from_days(day);
        Date {
            year,
            month: month as u8,
            day: day as u8,
        }
    }

    /// The ISO week this date falls in.
    pub fn iso_week(self) -> IsoWeek {
        IsoWeek::containing(self.day_number())
    }
}

impl std::str::FromStr for Date {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Date::parse(s)
    }
}

impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Date::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// A calendar day as days since 1970-01-01 (proleptic Gregorian).
pub fn days_from_civil(year: i32, month: u32, day: u32) -> i64 {
    let y = i64::from(year) - i64::from(month <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date (year, month, day) of a day number.
pub fn civil_from_days(z: i64) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    ((yoe + era * 400 + i64::from(m <= 2)) as i32, m, d)
}

/// The Monday starting the ISO week of a day number.
pub fn week_start(day: i64) -> i64 {
    // 1970-01-01 was a Thursday: Monday-based weekday = (day + 3) mod 7.
    day - (day + 3).rem_euclid(7)
}

/// `2025-W23` for the ISO week starting on a Monday day number.
pub fn iso_week_label(monday: i64) -> String {
    IsoWeek::containing(monday).to_string()
}

/// An ISO 8601 week, kept as the day number of its Monday.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IsoWeek {
    monday: i64,
}

impl IsoWeek {
    /// The week a day number falls in.
    pub fn containing(day: i64) -> IsoWeek {
        IsoWeek {
            monday: week_start(day),
        }
    }

    /// The day number of the week's Monday.
    pub fn monday(self) -> i64 {
        self.monday
    }

    /// The ISO year and week number (`2025-W01` may start in December 2024).
    pub fn year_week(self) -> (i32, i64) {
        let (year, _, _) = civil_from_days(self.monday + 3);
        let week1 = week_start(days_from_civil(year, 1, 4));
        (year, (self.monday - week1) / 7 + 1)
    }
}

impl fmt::Display for IsoWeek {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (year, week) = self.year_week();
        write!(f, "{year}-W{week:02}")
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Unix seconds as RFC 3339 UTC (`2025-03-01T12:00:00Z`), the platform's time format.
pub fn rfc3339(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let d = Date::from_day_number(days);
    format!(
        "{d}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_rejects() {
        assert_eq!(Date::parse("2024-02-29").unwrap().to_string(), "2024-02-29");
        assert!(Date::parse("2025-02-29").is_err());
        assert!(Date::parse("2025-13-01").is_err());
        assert!(Date::parse("25-01-01").is_err());
        assert!(Date::parse("2025/01/01").is_err());
        assert!(Date::parse("").is_err());
        // Issue 18: year 0000 and 9999 are refused, and a long value is not echoed whole.
        assert!(Date::parse("0000-01-01").unwrap_err().contains("year 0"));
        assert!(Date::parse("9999-12-31").is_err());
        assert!(Date::parse(&"2".repeat(1 << 20)).unwrap_err().len() < 80);
        assert!(Date::parse("2025-01-01").unwrap() < Date::parse("2025-01-02").unwrap());
        // Multi-byte text of the right length is refused, not sliced through a character.
        assert!(Date::parse("2025-01-\u{e9}").is_err());
        assert!(Date::parse("\u{20ac}025-01-01").is_err());
    }

    #[test]
    fn day_numbers_and_iso_weeks() {
        let d = Date::parse("2025-06-16").unwrap();
        assert_eq!(Date::from_day_number(d.day_number()), d);
        assert_eq!(Date::parse("1970-01-01").unwrap().day_number(), 0);
        assert_eq!(d.iso_week().to_string(), "2025-W25");
        // 2024-12-30 is in ISO week 1 of 2025; 2021-01-03 in week 53 of 2020.
        let week = |s: &str| Date::parse(s).unwrap().iso_week().to_string();
        assert_eq!(week("2024-12-30"), "2025-W01");
        assert_eq!(week("2021-01-03"), "2020-W53");
        assert_eq!(iso_week_label(week_start(d.day_number())), "2025-W25");
    }

    #[test]
    fn calendar_and_iso_weeks() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(civil_from_days(days_from_civil(2024, 2, 29)), (2024, 2, 29));
        // 2025-06-16 is a Monday in ISO week 25; 2021-01-03 (Sunday) belongs to 2020-W53.
        let d = days_from_civil(2025, 6, 18);
        assert_eq!(civil_from_days(week_start(d)), (2025, 6, 16));
        assert_eq!(iso_week_label(week_start(d)), "2025-W25");
        assert_eq!(
            iso_week_label(week_start(days_from_civil(2021, 1, 3))),
            "2020-W53"
        );
    }
}
