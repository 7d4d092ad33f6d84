//! Dates and instants as the domain uses them, and their parsers.
//!
//! Instants are UTC [`Timestamp`]s, truncated to whole microseconds so that they round-trip exactly through
//! both databases. Civil dates ([`Date`]) carry no zone. Working hours and "what day is it" questions are asked in
//! `Europe/London`, the zone every English local authority works in.

pub use jiff::Timestamp;
pub use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;

use crate::error::ValueError;

/// The zone English local authorities work in (GMT in winter, BST in summer).
pub fn london() -> TimeZone {
    jiff::tz::get!("Europe/London")
}

/// Coordinated Universal Time.
pub fn utc() -> TimeZone {
    TimeZone::UTC
}

/// The London calendar date of an instant.
pub fn london_date(at: Timestamp) -> Date {
    london().to_datetime(at).date()
}

/// Drop sub-microsecond precision, the finest both databases store.
pub fn to_micros(at: Timestamp) -> Timestamp {
    let micros = at.as_microsecond();
    Timestamp::from_microsecond(micros).unwrap_or(at)
}

/// Now, to the microsecond.
pub fn now() -> Timestamp {
    to_micros(Timestamp::now())
}

/// Parse a calendar date written `YYYY-MM-DD`, naming `field` when it is not one.
pub fn parse_date(field: &'static str, s: &str) -> Result<Date, ValueError> {
    let s = s.trim();
    if s.is_empty() {
        return Err(ValueError::new(field, "enter a date"));
    }
    let shape_ok = s.len() == 10
        && s.char_indices().all(|(i, c)| {
            if i == 4 || i == 7 {
                c == '-'
            } else {
                c.is_ascii_digit()
            }
        });
    if !shape_ok {
        return Err(ValueError::new(
            field,
            format!("'{s}' is not a date in the form YYYY-MM-DD"),
        ));
    }
    s.parse::<Date>()
        .map_err(|_| ValueError::new(field, format!("'{s}' is not a real date")))
}

/// Parse an RFC 3339 instant (`2024-03-01T16:55:00Z`, or with an offset), naming `field` when it is not one.
pub fn parse_timestamp(field: &'static str, s: &str) -> Result<Timestamp, ValueError> {
    let s = s.trim();
    if s.is_empty() {
        return Err(ValueError::new(field, "enter a date and time"));
    }
    s.parse::<Timestamp>().map(to_micros).map_err(|_| {
        ValueError::new(
            field,
            format!("'{s}' is not a date and time in RFC 3339 form, e.g. 2024-03-01T16:55:00Z"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_and_name_the_field() {
        assert_eq!(
            parse_date("date of birth", "2019-02-28").unwrap(),
            jiff::civil::date(2019, 2, 28)
        );
        let e = parse_date("date of birth", "2019-02-30").unwrap_err();
        assert_eq!(
            e.to_string(),
            "date of birth: '2019-02-30' is not a real date"
        );
        let e = parse_date("date of birth", "28/02/2019").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("date of birth: '28/02/2019' is not a date in the form")
        );
        let e = parse_date("date of birth", " ").unwrap_err();
        assert_eq!(e.to_string(), "date of birth: enter a date");
    }

    #[test]
    fn timestamps_parse_with_offsets_and_name_the_field() {
        let t = parse_timestamp("received_at", "2024-03-01T16:55:00+01:00").unwrap();
        assert_eq!(t.to_string(), "2024-03-01T15:55:00Z");
        let e = parse_timestamp("received_at", "yesterday").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("received_at: 'yesterday' is not a date and time")
        );
    }

    #[test]
    fn london_dates_follow_british_summer_time() {
        // 23:30 UTC on 30 June is already 1 July in London (BST); in January it is not.
        let summer: Timestamp = "2024-06-30T23:30:00Z".parse().unwrap();
        assert_eq!(london_date(summer), jiff::civil::date(2024, 7, 1));
        let winter: Timestamp = "2024-01-30T23:30:00Z".parse().unwrap();
        assert_eq!(london_date(winter), jiff::civil::date(2024, 1, 30));
    }
}
