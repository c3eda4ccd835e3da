//! Calendar dates as the formats write them (`YYYY-MM-DD`), validated.

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// Parses `YYYY-MM-DD`, rejecting impossible days (`2025-02-30`).
    pub fn parse(s: &str) -> Result<Date, String> {
        let s = s.trim();
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
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
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
        assert!(Date::parse("2025-01-01").unwrap() < Date::parse("2025-01-02").unwrap());
    }
}
