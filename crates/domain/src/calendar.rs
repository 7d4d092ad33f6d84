//! The England-and-Wales working-day calendar that every statutory clock counts in.
//!
//! A working day is a Monday to Friday that is neither an England-and-Wales bank holiday nor one of the local
//! authority's own closure days (e.g. the days between Christmas and New Year that some councils close).
//!
//! Bank holidays are computed by rule for any year ([`Calendar::bank_holidays`]): New Year's Day, Good Friday and
//! Easter Monday (Easter by the anonymous Gregorian algorithm), the early May, spring and summer bank holidays,
//! Christmas Day and Boxing Day, each with the substitute days the Banking and Financial Dealings Act 1971 gives
//! when they fall at a weekend. One-off changes made by royal proclamation (jubilees, royal weddings, the state
//! funeral, the coronation, the VE Day anniversaries) are data in this module. The rules are those in force
//! since 1978 (earlier years are projected, not historical); 2010–2035 is checked day by day against the
//! published gov.uk lists in the tests. A change announced after this release (a new one-off holiday, or a
//! holiday moved) is configuration: [`Calendar::with_closure_days`] adds days, [`Calendar::with_open_days`]
//! cancels a bank holiday.
//!
//! The calendar precomputes its working days for 2000–2050 when it is built, so that the synthetic-data
//! generator and the worklists can ask millions of questions cheaply: every question is answered without
//! allocating, by a table look-up inside that range and by the rules outside it.
//!
//! # Counting working days, and how our due dates relate to the DfE CIN census rules
//!
//! A clock of *n* working days that starts on date *s* is due on [`Calendar::add_working_days`]`(s, n)`: the
//! *n*-th working day strictly after *s*. The start date is day 0 whatever kind of day it is, so a referral on
//! Monday with a 1-working-day clock is due on Tuesday, and so is one received on the Saturday or Sunday before
//! (the first working day after the start is day 1). The matching count is
//! [`Calendar::working_days_between`]`(s, e)`: the working days *d* with *s* < *d* ≤ *e*, so that
//! `working_days_between(s, add_working_days(s, n)) == n`.
//!
//! The DfE's rules count with numpy: `numpy.busday_count(start, end)` is the number of working days in
//! [start, end), which [`Calendar::busday_count`] reproduces exactly (negative when end < start, as numpy ≥ 1.25
//! does: minus the working days in (end, start]). For a start `s` and a completion date `e ≥ s`:
//!
//! * when `s` is a working day, `busday_count(s, e) > n` exactly when `e > add_working_days(s, n)`: "more than
//!   45 working days after the referral" in the DfE's count is precisely "later than our due date";
//! * when `s` is not a working day (a weekend or bank-holiday referral), numpy does not count the first working
//!   day after `s`, so the DfE count allows one working day more than our clock: `busday_count(s, due) == n - 1`.
//!   Our clock is the stricter of the two, and never reports on time what the DfE would query.
//!
//! The reference validator (csc-validator-be-cin, rules 8569Q, 8670Q and 8675Q of the 2022/23–2026/27
//! rulesets) does not call `busday_count` itself: it compares a start date with the census `ReferenceDate`
//! minus pandas' `CustomBusinessDay(n - 1)`, which is `numpy.busday_offset(reference_date, -(n - 1),
//! roll='forward')`. 8670Q queries an assessment with no authorisation date whose start is earlier than that
//! date for n = 45; 8675Q does the same for an S47 enquiry with no ICPC, for n = 15; 8569Q uses n = 1 from the
//! collection start. [`Calendar::busday_offset`] with [`BusdayRoll::Forward`] reproduces that arithmetic
//! exactly, including its roll forward when the reference date is not a working day. (The reference's holiday
//! list covers only 2022–2027; ours covers every year.)

use std::fmt;
use std::sync::{Arc, OnceLock};

use jiff::civil::{Date, date};

/// The first year whose working days are precomputed.
const TABLE_FIRST_YEAR: i32 = 2000;
/// The last year whose working days are precomputed.
const TABLE_LAST_YEAR: i32 = 2050;

/// At most this many bank holidays in one year (2022 had ten).
const MAX_HOLIDAYS_PER_YEAR: usize = 16;

// ---------------------------------------------------------------------------------------------------------------
// Day numbers: days since 1970-01-01, the calendar's working currency (cheap to compare and step).

/// The day number of a civil date (days since 1970-01-01), for any year; months and days are not checked.
/// Howard Hinnant's `days_from_civil`.
const fn days_from_civil(year: i32, month: i32, day: i32) -> i32 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (month + 9) % 12; // March = 0 … February = 11
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil (year, month, day) of a day number. Howard Hinnant's `civil_from_days`.
const fn civil_from_days(n: i32) -> (i32, i32, i32) {
    let z = n + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + if month <= 2 { 1 } else { 0 };
    (year, month, day)
}

/// The day number of a date.
fn day_number(d: Date) -> i32 {
    days_from_civil(
        i32::from(d.year()),
        i32::from(d.month()),
        i32::from(d.day()),
    )
}

/// Day numbers of the first and last dates jiff can represent.
const MIN_DAY: i32 = days_from_civil(-9999, 1, 1);
const MAX_DAY: i32 = days_from_civil(9999, 12, 31);

/// The date of a day number, saturating at jiff's range.
fn date_of(n: i32) -> Date {
    let (y, m, d) = civil_from_days(n);
    let built = match (i16::try_from(y), i8::try_from(m), i8::try_from(d)) {
        (Ok(y), Ok(m), Ok(d)) => Date::new(y, m, d).ok(),
        _ => None,
    };
    built.unwrap_or(if n < 0 { Date::MIN } else { Date::MAX })
}

/// Monday = 0 … Sunday = 6 (1970-01-01 was a Thursday).
const fn weekday_index(n: i32) -> i32 {
    (n + 3).rem_euclid(7)
}

const fn is_weekend(n: i32) -> bool {
    weekday_index(n) >= 5
}

const fn year_of(n: i32) -> i32 {
    civil_from_days(n).0
}

// ---------------------------------------------------------------------------------------------------------------
// Bank holidays by rule, and the one-off changes.

/// A bank holiday moved by proclamation from the day the rules give to another day.
struct Moved {
    from: Date,
    to: Date,
    name: &'static str,
}

/// Bank holidays moved from their usual day.
const MOVED: &[Moved] = &[
    // The May Day holiday moved to the 50th anniversary of VE Day.
    Moved {
        from: date(1995, 5, 1),
        to: date(1995, 5, 8),
        name: "Early May bank holiday (VE day)",
    },
    // Golden Jubilee: the spring holiday moved to Tuesday 4 June (Monday 3 June was the extra day).
    Moved {
        from: date(2002, 5, 27),
        to: date(2002, 6, 4),
        name: "Spring bank holiday",
    },
    // Diamond Jubilee: the spring holiday moved to Monday 4 June (Tuesday 5 June was the extra day).
    Moved {
        from: date(2012, 5, 28),
        to: date(2012, 6, 4),
        name: "Spring bank holiday",
    },
    // The early May holiday moved to Friday 8 May for the 75th anniversary of VE Day.
    Moved {
        from: date(2020, 5, 4),
        to: date(2020, 5, 8),
        name: "Early May bank holiday (VE day)",
    },
    // Platinum Jubilee: the spring holiday moved to Thursday 2 June (Friday 3 June was the extra day).
    Moved {
        from: date(2022, 5, 30),
        to: date(2022, 6, 2),
        name: "Spring bank holiday",
    },
];

/// Extra one-off bank holidays.
const EXTRA: &[(Date, &str)] = &[
    (date(1999, 12, 31), "Millennium celebrations"),
    (date(2002, 6, 3), "Golden Jubilee bank holiday"),
    (date(2011, 4, 29), "Royal wedding"),
    (date(2012, 6, 5), "Queen's Diamond Jubilee"),
    (date(2022, 6, 3), "Platinum Jubilee bank holiday"),
    (
        date(2022, 9, 19),
        "Bank holiday for the State Funeral of Queen Elizabeth II",
    ),
    (
        date(2023, 5, 8),
        "Bank holiday for the coronation of King Charles III",
    ),
];

/// One year's bank holidays, held without allocating.
#[derive(Clone, Copy)]
struct YearHolidays {
    days: [(i32, &'static str); MAX_HOLIDAYS_PER_YEAR],
    len: usize,
}

impl YearHolidays {
    /// The bank holidays of `year` (day numbers, sorted).
    fn of(year: i32) -> Self {
        let mut h = Self {
            days: [(0, ""); MAX_HOLIDAYS_PER_YEAR],
            len: 0,
        };

        let new_year = days_from_civil(year, 1, 1);
        match weekday_index(new_year) {
            5 => h.push_rule(new_year + 2, "New Year's Day (substitute day)"),
            6 => h.push_rule(new_year + 1, "New Year's Day (substitute day)"),
            _ => h.push_rule(new_year, "New Year's Day"),
        }

        let easter = easter_sunday(year);
        h.push_rule(easter - 2, "Good Friday");
        h.push_rule(easter + 1, "Easter Monday");

        h.push_rule(first_monday(year, 5), "Early May bank holiday");
        h.push_rule(last_monday(year, 5), "Spring bank holiday");
        h.push_rule(last_monday(year, 8), "Summer bank holiday");

        let christmas = days_from_civil(year, 12, 25);
        match weekday_index(christmas) {
            // Friday: Boxing Day (Saturday) moves to Monday 28th.
            4 => {
                h.push_rule(christmas, "Christmas Day");
                h.push_rule(christmas + 3, "Boxing Day (substitute day)");
            }
            // Saturday: Christmas Day moves to Monday 27th, Boxing Day to Tuesday 28th.
            5 => {
                h.push_rule(christmas + 2, "Christmas Day (substitute day)");
                h.push_rule(christmas + 3, "Boxing Day (substitute day)");
            }
            // Sunday: Boxing Day is Monday 26th; Christmas Day moves to Tuesday 27th.
            6 => {
                h.push_rule(christmas + 1, "Boxing Day");
                h.push_rule(christmas + 2, "Christmas Day (substitute day)");
            }
            _ => {
                h.push_rule(christmas, "Christmas Day");
                h.push_rule(christmas + 1, "Boxing Day");
            }
        }

        for &(day, name) in EXTRA {
            if i32::from(day.year()) == year {
                h.push(day_number(day), name);
            }
        }
        if let Some(days) = h.days.get_mut(..h.len) {
            days.sort_unstable_by_key(|&(day, _)| day);
        }
        h
    }

    fn push(&mut self, day: i32, name: &'static str) {
        if let Some(slot) = self.days.get_mut(self.len) {
            *slot = (day, name);
            self.len += 1;
        }
    }

    /// Add a holiday the rules give, unless a proclamation moved it.
    fn push_rule(&mut self, day: i32, name: &'static str) {
        match MOVED.iter().find(|m| day_number(m.from) == day) {
            Some(m) => self.push(day_number(m.to), m.name),
            None => self.push(day, name),
        }
    }

    fn as_slice(&self) -> &[(i32, &'static str)] {
        self.days.get(..self.len).unwrap_or(&[])
    }

    fn name_of(&self, day: i32) -> Option<&'static str> {
        self.as_slice()
            .iter()
            .find(|&&(d, _)| d == day)
            .map(|&(_, name)| name)
    }
}

/// Easter Sunday of `year` (Gregorian), by the anonymous Gregorian ("Meeus/Jones/Butcher") algorithm.
const fn easter_sunday(year: i32) -> i32 {
    let a = year.rem_euclid(19);
    let b = year.div_euclid(100);
    let c = year.rem_euclid(100);
    let d = b.div_euclid(4);
    let e = b.rem_euclid(4);
    let f = (b + 8).div_euclid(25);
    let g = (b - f + 1).div_euclid(3);
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    days_from_civil(year, month, day)
}

const fn first_monday(year: i32, month: i32) -> i32 {
    let first = days_from_civil(year, month, 1);
    first + (7 - weekday_index(first)) % 7
}

/// The last Monday of `month` (January to November).
const fn last_monday(year: i32, month: i32) -> i32 {
    let last = days_from_civil(year, month + 1, 1) - 1;
    last - weekday_index(last)
}

// ---------------------------------------------------------------------------------------------------------------
// The calendar.

/// How [`Calendar::busday_offset`] treats a start date that is not a working day, as numpy's `roll`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BusdayRoll {
    /// Move to the next working day first (numpy `'forward'` / `'following'`).
    Forward,
    /// Move to the previous working day first (numpy `'backward'` / `'preceding'`).
    Backward,
}

/// The England-and-Wales working-day calendar, with a local authority's own closure days.
///
/// Cloning is cheap (the precomputed table is shared).
#[derive(Clone)]
pub struct Calendar {
    table: Arc<Table>,
}

/// The precomputed working days of [`TABLE_FIRST_YEAR`]–[`TABLE_LAST_YEAR`], plus the configuration.
struct Table {
    /// Day number of the first day in the table.
    first: i32,
    /// Day number of the last day in the table (`first - 1` when the table is empty).
    last: i32,
    /// The table's working days, as sorted day numbers.
    working: Vec<i32>,
    /// `before[i]` = the number of working days in `[first, first + i)`; one longer than the table.
    before: Vec<u32>,
    /// The local authority's closure days (sorted, unique day numbers).
    closures: Vec<i32>,
    /// Bank holidays the local authority works (sorted, unique day numbers).
    open: Vec<i32>,
}

impl Table {
    fn build(first_year: i32, last_year: i32, closures: Vec<i32>, open: Vec<i32>) -> Self {
        let first = days_from_civil(first_year, 1, 1);
        let last = days_from_civil(last_year, 12, 31).max(first - 1);
        let len = usize::try_from(last - first + 1).unwrap_or(0);
        let mut holiday = vec![false; len];
        for year in first_year..=last_year {
            for &(day, _) in YearHolidays::of(year).as_slice() {
                if let Some(flag) = usize::try_from(day - first)
                    .ok()
                    .and_then(|i| holiday.get_mut(i))
                {
                    *flag = true;
                }
            }
        }
        let mut working = Vec::with_capacity(len);
        let mut before = Vec::with_capacity(len + 1);
        let mut count = 0u32;
        for (day, &is_holiday) in (first..=last).zip(holiday.iter()) {
            before.push(count);
            let works = !is_weekend(day)
                && (!is_holiday || open.binary_search(&day).is_ok())
                && closures.binary_search(&day).is_err();
            if works {
                working.push(day);
                count += 1;
            }
        }
        before.push(count);
        Self {
            first,
            last,
            working,
            before,
            closures,
            open,
        }
    }

    /// `before[i]` for a day number inside `[first, last + 1]`.
    fn before(&self, day: i32) -> Option<u32> {
        usize::try_from(day - self.first)
            .ok()
            .and_then(|i| self.before.get(i))
            .copied()
    }

    fn is_working(&self, day: i32) -> bool {
        if self.first <= day
            && day <= self.last
            && let (Some(a), Some(b)) = (self.before(day), self.before(day + 1))
        {
            return b > a;
        }
        self.is_working_by_rule(day, None)
    }

    /// Working-day test outside the table; `year` may carry that year's bank holidays already computed.
    fn is_working_by_rule(&self, day: i32, year: Option<&YearHolidays>) -> bool {
        if is_weekend(day) || self.closures.binary_search(&day).is_ok() {
            return false;
        }
        let holiday = match year {
            Some(h) => h.name_of(day).is_some(),
            None => YearHolidays::of(year_of(day)).name_of(day).is_some(),
        };
        !holiday || self.open.binary_search(&day).is_ok()
    }

    /// The number of working days in `[lo, hi]` outside the table, day by day.
    fn count_by_rule(&self, lo: i32, hi: i32) -> i64 {
        let mut count = 0i64;
        let mut day = lo;
        while day <= hi {
            let year = year_of(day);
            let holidays = YearHolidays::of(year);
            let year_end = days_from_civil(year, 12, 31).min(hi);
            while day <= year_end {
                if self.is_working_by_rule(day, Some(&holidays)) {
                    count += 1;
                }
                day += 1;
            }
        }
        count
    }

    /// The number of working days in `[lo, hi]` (0 when `lo > hi`).
    fn count(&self, lo: i32, hi: i32) -> i64 {
        if lo > hi {
            return 0;
        }
        let mut total = 0;
        if lo < self.first {
            total += self.count_by_rule(lo, hi.min(self.first - 1));
        }
        let (a, b) = (lo.max(self.first), hi.min(self.last));
        if a <= b
            && let (Some(x), Some(y)) = (self.before(a), self.before(b + 1))
        {
            total += i64::from(y) - i64::from(x);
        }
        if hi > self.last {
            total += self.count_by_rule(lo.max(self.last + 1), hi);
        }
        total
    }

    /// The `n`-th working day strictly after `from` (`n ≥ 1`), saturating at the last date jiff knows.
    fn nth_after(&self, mut from: i32, mut n: u32) -> i32 {
        loop {
            if self.first - 1 <= from
                && from < self.last
                && let Some(k) = self.before(from + 1)
            {
                let k = k as usize;
                if let Some(&day) = self.working.get(k + n as usize - 1) {
                    return day;
                }
                // Past the end of the table: use up its remaining working days (fewer than n), then go on by rule.
                let used = u32::try_from(self.working.len().saturating_sub(k)).unwrap_or(0);
                n = n.saturating_sub(used).max(1);
                from = self.last;
                continue;
            }
            if from >= MAX_DAY {
                return MAX_DAY;
            }
            from += 1;
            if self.is_working_by_rule(from, None) {
                n -= 1;
                if n == 0 {
                    return from;
                }
            }
        }
    }

    /// The `n`-th working day strictly before `from` (`n ≥ 1`), saturating at the first date jiff knows.
    fn nth_before(&self, mut from: i32, mut n: u32) -> i32 {
        loop {
            if self.first < from
                && from <= self.last + 1
                && let Some(k) = self.before(from)
            {
                if k >= n
                    && let Some(&day) = self.working.get((k - n) as usize)
                {
                    return day;
                }
                // Before the start of the table: use up its working days (fewer than n), then go on by rule.
                n = n.saturating_sub(k).max(1);
                from = self.first;
                continue;
            }
            if from <= MIN_DAY {
                return MIN_DAY;
            }
            from -= 1;
            if self.is_working_by_rule(from, None) {
                n -= 1;
                if n == 0 {
                    return from;
                }
            }
        }
    }
}

fn sorted_days(days: impl IntoIterator<Item = i32>) -> Vec<i32> {
    let mut v: Vec<i32> = days.into_iter().collect();
    v.sort_unstable();
    v.dedup();
    v
}

fn saturate_i32(n: i64) -> i32 {
    i32::try_from(n).unwrap_or(if n < 0 { i32::MIN } else { i32::MAX })
}

impl Calendar {
    /// The national calendar: England-and-Wales bank holidays and weekends, no local closures.
    pub fn england_and_wales() -> Calendar {
        static NATIONAL: OnceLock<Calendar> = OnceLock::new();
        NATIONAL
            .get_or_init(|| Calendar {
                table: Arc::new(Table::build(
                    TABLE_FIRST_YEAR,
                    TABLE_LAST_YEAR,
                    Vec::new(),
                    Vec::new(),
                )),
            })
            .clone()
    }

    /// The same calendar with a precomputed table for `first_year..=last_year` only (the tests compare the
    /// table with the rules through it).
    #[cfg(test)]
    fn with_table_years(self, first_year: i16, last_year: i16) -> Calendar {
        Calendar {
            table: Arc::new(Table::build(
                i32::from(first_year),
                i32::from(last_year),
                self.table.closures.clone(),
                self.table.open.clone(),
            )),
        }
    }

    fn rebuilt(&self, closures: Vec<i32>, open: Vec<i32>) -> Calendar {
        let first_year = year_of(self.table.first);
        let last_year = if self.table.last < self.table.first {
            first_year - 1
        } else {
            year_of(self.table.last)
        };
        Calendar {
            table: Arc::new(Table::build(first_year, last_year, closures, open)),
        }
    }

    /// This calendar plus the local authority's own closure days (added to any it already has).
    #[must_use]
    pub fn with_closure_days(self, days: impl IntoIterator<Item = Date>) -> Calendar {
        let closures = sorted_days(
            self.table
                .closures
                .iter()
                .copied()
                .chain(days.into_iter().map(day_number)),
        );
        self.rebuilt(closures, self.table.open.clone())
    }

    /// This calendar with some bank holidays worked as ordinary days: for a holiday moved or cancelled after
    /// this release. Days that are not bank holidays are unaffected (a weekend cannot be opened).
    #[must_use]
    pub fn with_open_days(self, days: impl IntoIterator<Item = Date>) -> Calendar {
        let open = sorted_days(
            self.table
                .open
                .iter()
                .copied()
                .chain(days.into_iter().map(day_number)),
        );
        self.rebuilt(self.table.closures.clone(), open)
    }

    /// The local authority's closure days, in date order.
    pub fn closure_days(&self) -> impl Iterator<Item = Date> + '_ {
        self.table.closures.iter().map(|&d| date_of(d))
    }

    /// The England-and-Wales bank holidays of `year`, named and in date order (national; no local closures).
    pub fn bank_holidays(year: i16) -> Vec<(Date, &'static str)> {
        YearHolidays::of(i32::from(year))
            .as_slice()
            .iter()
            .map(|&(day, name)| (date_of(day), name))
            .collect()
    }

    /// The name of the England-and-Wales bank holiday on `day`, if it is one (national; no local closures).
    pub fn bank_holiday(day: Date) -> Option<&'static str> {
        YearHolidays::of(i32::from(day.year())).name_of(day_number(day))
    }

    /// Whether `day` is a closure day of this local authority.
    pub fn is_closure_day(&self, day: Date) -> bool {
        self.table.closures.binary_search(&day_number(day)).is_ok()
    }

    /// Whether `day` is a working day: Monday to Friday, not a bank holiday (unless opened), not a closure day.
    pub fn is_working_day(&self, day: Date) -> bool {
        self.table.is_working(day_number(day))
    }

    /// The first working day strictly after `day`.
    pub fn next_working_day(&self, day: Date) -> Date {
        date_of(self.table.nth_after(day_number(day), 1))
    }

    /// The last working day strictly before `day`.
    pub fn previous_working_day(&self, day: Date) -> Date {
        date_of(self.table.nth_before(day_number(day), 1))
    }

    /// `day` itself if it is a working day, otherwise the next one.
    pub fn working_day_on_or_after(&self, day: Date) -> Date {
        if self.is_working_day(day) {
            day
        } else {
            self.next_working_day(day)
        }
    }

    /// `day` itself if it is a working day, otherwise the one before.
    pub fn working_day_on_or_before(&self, day: Date) -> Date {
        if self.is_working_day(day) {
            day
        } else {
            self.previous_working_day(day)
        }
    }

    /// The `n`-th working day strictly after `from` (`from` is day 0, whatever kind of day it is); for `n = 0`,
    /// [`Calendar::working_day_on_or_after`]. The result is always a working day.
    pub fn add_working_days(&self, from: Date, n: u32) -> Date {
        if n == 0 {
            return self.working_day_on_or_after(from);
        }
        date_of(self.table.nth_after(day_number(from), n))
    }

    /// The `n`-th working day strictly before `from`; for `n = 0`, [`Calendar::working_day_on_or_before`].
    pub fn subtract_working_days(&self, from: Date, n: u32) -> Date {
        if n == 0 {
            return self.working_day_on_or_before(from);
        }
        date_of(self.table.nth_before(day_number(from), n))
    }

    /// The number of working days `d` with `from < d <= to`; when `to < from`, minus the number with
    /// `to < d <= from`. So `working_days_between(d, add_working_days(d, n)) == n` for every `n ≥ 1`, and
    /// `working_days_between(a, b) == -working_days_between(b, a)`.
    pub fn working_days_between(&self, from: Date, to: Date) -> i32 {
        let (f, t) = (day_number(from), day_number(to));
        let n = if f <= t {
            self.table.count(f + 1, t)
        } else {
            -self.table.count(t + 1, f)
        };
        saturate_i32(n)
    }

    /// numpy's `busday_count(start, end)` with this calendar: the working days in `[start, end)`; when
    /// `end < start`, minus the working days in `(end, start]` (numpy ≥ 1.25). See the module documentation for
    /// how this relates to our due dates and the DfE census rules.
    pub fn busday_count(&self, start: Date, end: Date) -> i32 {
        let (s, e) = (day_number(start), day_number(end));
        let n = if s <= e {
            self.table.count(s, e - 1)
        } else {
            -self.table.count(e + 1, s)
        };
        saturate_i32(n)
    }

    /// numpy's `busday_offset(day, offset, roll)` with this calendar: roll `day` to a working day as `roll` says,
    /// then move `offset` working days (backwards when negative). pandas' `date - CustomBusinessDay(n)` is
    /// `busday_offset(date, -n, Forward)`, and `date + CustomBusinessDay(n)` for `n > 0` is
    /// `busday_offset(date, n, Backward)`.
    pub fn busday_offset(&self, day: Date, offset: i32, roll: BusdayRoll) -> Date {
        let rolled = match roll {
            BusdayRoll::Forward => self.working_day_on_or_after(day),
            BusdayRoll::Backward => self.working_day_on_or_before(day),
        };
        if offset >= 0 {
            self.add_working_days(rolled, offset.unsigned_abs())
        } else {
            self.subtract_working_days(rolled, offset.unsigned_abs())
        }
    }
}

impl fmt::Debug for Calendar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = &self.table;
        f.debug_struct("Calendar")
            .field(
                "precomputed",
                &format_args!("{}..={}", date_of(t.first), date_of(t.last)),
            )
            .field(
                "closure_days",
                &t.closures.iter().map(|&d| date_of(d)).collect::<Vec<_>>(),
            )
            .field(
                "open_days",
                &t.open.iter().map(|&d| date_of(d)).collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl Default for Calendar {
    fn default() -> Self {
        Calendar::england_and_wales()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::Weekday;

    #[test]
    fn day_numbers_agree_with_jiff() {
        let epoch = date(1970, 1, 1);
        for d in [
            date(1970, 1, 1),
            date(2000, 2, 29),
            date(2024, 12, 31),
            date(1600, 3, 1),
            Date::MIN,
            Date::MAX,
        ] {
            let n = day_number(d);
            assert_eq!(date_of(n), d);
            let days = (d.duration_since(epoch).as_secs() / 86_400) as i32;
            assert_eq!(n, days, "{d}");
            let wd = d.weekday().to_monday_zero_offset();
            assert_eq!(weekday_index(n), i32::from(wd), "{d}");
        }
        assert_eq!(date(2024, 3, 31).weekday(), Weekday::Sunday);
        assert!(is_weekend(day_number(date(2024, 3, 31))));
    }

    #[test]
    fn easter_sundays_are_right() {
        // Well-known Easter Sundays, including the earliest (22 March) and latest (25 April) possible.
        for (y, m, d) in [
            (1818, 3, 22),
            (1943, 4, 25),
            (2008, 3, 23),
            (2019, 4, 21),
            (2024, 3, 31),
            (2025, 4, 20),
            (2038, 4, 25),
        ] {
            assert_eq!(date_of(easter_sunday(y)), date(y as i16, m, d));
        }
    }

    #[test]
    fn table_agrees_with_rules_day_by_day() {
        let cal = Calendar::england_and_wales()
            .with_closure_days([date(2024, 12, 27), date(2060, 12, 29)]);
        let by_rule = cal.clone().with_table_years(1, 0);
        let (lo, hi) = (days_from_civil(1995, 1, 1), days_from_civil(2060, 12, 31));
        for n in lo..=hi {
            assert_eq!(
                cal.table.is_working(n),
                by_rule.table.is_working(n),
                "{}",
                date_of(n)
            );
        }
        assert_eq!(cal.table.count(lo, hi), by_rule.table.count(lo, hi));
        for n in (lo..hi).step_by(97) {
            for k in [1, 2, 5, 45, 400] {
                assert_eq!(cal.table.nth_after(n, k), by_rule.table.nth_after(n, k));
                assert_eq!(cal.table.nth_before(n, k), by_rule.table.nth_before(n, k));
            }
        }
    }

    #[test]
    fn edges_of_jiffs_range_saturate() {
        let cal = Calendar::england_and_wales();
        assert_eq!(cal.add_working_days(Date::MAX, 3), Date::MAX);
        assert_eq!(cal.subtract_working_days(Date::MIN, 3), Date::MIN);
        assert!(cal.is_working_day(cal.add_working_days(date(9999, 12, 1), 5)));
    }
}
