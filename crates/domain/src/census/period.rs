//! The collection period of a census: 1 April to 31 March, ending on the header's ReferenceDate.

use serde::Serialize;

use crate::datetime::Date;

/// The census year a return covers: `start` (1 April) to `end` (the reference date, 31 March), both inclusive.
///
/// For year-round validation of a child's records, `end` may be today: the return as it would stand if the year
/// closed now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct CensusPeriod {
    pub start: Date,
    pub end: Date,
}

impl CensusPeriod {
    /// The census year ending 31 March `year` (2025 for 2024/25).
    pub fn for_year(year: i16) -> Option<CensusPeriod> {
        let end = Date::new(year, 3, 31).ok()?;
        let start = Date::new(year - 1, 4, 1).ok()?;
        Some(CensusPeriod { start, end })
    }

    /// The period as the DfE's rules compute it from a reference date: the day after the same date a year
    /// earlier, to the reference date.
    pub fn from_reference_date(reference_date: Date) -> Option<CensusPeriod> {
        let year_before = reference_date
            .checked_sub(jiff::Span::new().years(1))
            .ok()?;
        let start = year_before.tomorrow().ok()?;
        Some(CensusPeriod {
            start,
            end: reference_date,
        })
    }

    /// The census year containing `day` (1 April to 31 March), its end year.
    pub fn year_containing(day: Date) -> i16 {
        if day.month() >= 4 {
            day.year() + 1
        } else {
            day.year()
        }
    }

    /// Whether `day` falls in the period, both ends included.
    pub fn contains(&self, day: Date) -> bool {
        self.start <= day && day <= self.end
    }
}
