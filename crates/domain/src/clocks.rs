//! The statutory clocks (DESIGN.md, "Statutory clocks"), as pure functions over a [`Calendar`].
//!
//! | clock | timescale | function |
//! |---|---|---|
//! | contact → decision on next steps (and acknowledgement to the referrer) | 1 working day (configurable) | [`contact_decision_due`] |
//! | decision → referrer told the outcome | configurable (1 working day) | [`referrer_feedback_due`] |
//! | MASH RAG response, partner information requests | red 4 working hours, amber 1, green 3 working days (configurable) | [`rag_due`], [`partner_request_due`] |
//! | referral → child and family assessment authorised | 45 working days | [`assessment_due`] |
//! | strategy discussion (s47 start) → initial child protection conference | 15 working days | [`icpc_due`] |
//! | ICPC → first core group | 10 working days | [`first_core_group_due`] |
//! | ICPC → first review conference; then each review → the next | within 3 months; then within 6 months | [`first_review_conference_due`], [`next_review_conference_due`] |
//! | CP visits, CIN visits, supervision | configurable (CP every 10, CIN every 20, supervision every 20 working days) | [`visit_due`], [`supervision_due`] |
//!
//! Day clocks return a [`Date`] that is always a working day. A clock of *n* working days that starts on date
//! *s* is due on the *n*-th working day after *s* ([`Calendar::add_working_days`]; see the [`calendar`](crate::calendar)
//! module for how that relates to the DfE's census count). A clock of calendar months is due *within* the months,
//! so when the month arithmetic lands on a weekend, bank holiday or closure day the due date moves *earlier*, to
//! the last working day before it.
//!
//! Timestamp clocks count working time in London local time, within the local authority's [`WorkingHours`]: a
//! clock started outside working hours or on a non-working day starts at the next opening, and one working day
//! is the length of the working day. A contact received at 16:55 on a Friday, with 09:00–17:00 hours and a 1
//! working day clock, is due at 16:55 on the next working day. The arithmetic is done on the local clock, so the
//! change between GMT and BST never moves a due time.

use std::fmt;
use std::str::FromStr;

use jiff::SignedDuration;
use jiff::civil::time;
use serde::{Deserialize, Serialize};

use crate::calendar::Calendar;
use crate::datetime::{Date, DateTime, Time, Timestamp, london};
use crate::error::ValueError;

/// Referral → child and family assessment authorised (Working Together; CIN census).
pub const ASSESSMENT_WORKING_DAYS: u32 = 45;
/// Strategy discussion (start of the section 47 enquiry) → initial child protection conference.
pub const ICPC_WORKING_DAYS: u32 = 15;
/// Initial child protection conference → first core group meeting.
pub const FIRST_CORE_GROUP_WORKING_DAYS: u32 = 10;
/// Initial child protection conference → first review conference, in calendar months.
pub const FIRST_REVIEW_CONFERENCE_MONTHS: i32 = 3;
/// Review conference → next review conference, in calendar months.
pub const NEXT_REVIEW_CONFERENCE_MONTHS: i32 = 6;

// ---------------------------------------------------------------------------------------------------------------
// Configuration: working hours, durations and the clock settings of one local authority.

/// A local authority's working hours, in Europe/London local time. The default is 09:00–17:00.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "WorkingHoursFields")]
pub struct WorkingHours {
    pub start: Time,
    pub end: Time,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WorkingHoursFields {
    start: Time,
    end: Time,
}

impl TryFrom<WorkingHoursFields> for WorkingHours {
    type Error = ValueError;
    fn try_from(f: WorkingHoursFields) -> Result<Self, Self::Error> {
        WorkingHours::new(f.start, f.end)
    }
}

impl Default for WorkingHours {
    fn default() -> Self {
        Self {
            start: time(9, 0, 0, 0),
            end: time(17, 0, 0, 0),
        }
    }
}

impl WorkingHours {
    /// Working hours from `start` to `end`, which must be later the same day.
    pub fn new(start: Time, end: Time) -> Result<Self, ValueError> {
        if end <= start {
            return Err(ValueError::new(
                "working hours",
                format!(
                    "the working day must end after it starts, not {} to {}",
                    start.strftime("%H:%M"),
                    end.strftime("%H:%M")
                ),
            ));
        }
        Ok(Self { start, end })
    }

    /// These hours if they are valid, otherwise the default (the fields are public, so a caller can build
    /// hours that end before they start; the clocks never loop or panic on them).
    fn valid(self) -> Self {
        if self.end > self.start {
            self
        } else {
            Self::default()
        }
    }

    /// The length of one working day.
    pub fn day_length(&self) -> SignedDuration {
        let h = self.valid();
        h.end.duration_since(h.start)
    }

    /// Whether a local time of day is within working hours (`start` ≤ t < `end`).
    pub fn contains(&self, t: Time) -> bool {
        let h = self.valid();
        h.start <= t && t < h.end
    }
}

/// A timescale in working time: hours, or days of [`WorkingHours::day_length`] each.
/// Serialised as `{"hours": 4}` or `{"days": 1}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WorkingDuration {
    Hours(u32),
    Days(u32),
}

impl WorkingDuration {
    /// The working time this stands for with the given hours.
    pub fn to_duration(self, hours: &WorkingHours) -> SignedDuration {
        match self {
            WorkingDuration::Hours(h) => SignedDuration::from_hours(i64::from(h)),
            WorkingDuration::Days(d) => {
                let day = hours.day_length();
                i32::try_from(d)
                    .ok()
                    .and_then(|d| day.checked_mul(d))
                    .unwrap_or(SignedDuration::MAX)
            }
        }
    }
}

impl fmt::Display for WorkingDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            WorkingDuration::Hours(1) => f.write_str("1 working hour"),
            WorkingDuration::Hours(n) => write!(f, "{n} working hours"),
            WorkingDuration::Days(1) => f.write_str("1 working day"),
            WorkingDuration::Days(n) => write!(f, "{n} working days"),
        }
    }
}

/// One local authority's clock configuration. Missing fields take their defaults when deserialised.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClockSettings {
    /// The working day the timestamp clocks count in.
    pub working_hours: WorkingHours,
    /// MASH response to a red-rated contact, and partner information requests rated red (default 4 working hours).
    pub rag_red: WorkingDuration,
    /// … rated amber (default 1 working day).
    pub rag_amber: WorkingDuration,
    /// … rated green (default 3 working days).
    pub rag_green: WorkingDuration,
    /// Contact → decision on next steps, and acknowledgement to the referrer (default 1 working day).
    pub contact_decision: WorkingDuration,
    /// Decision → the referrer told the outcome (default 1 working day).
    pub referrer_feedback: WorkingDuration,
    /// A child on a child protection plan is visited at least every this many working days (default 10).
    pub cp_visit_every_wd: u32,
    /// A child in need is visited at least every this many working days (default 20).
    pub cin_visit_every_wd: u32,
    /// Case supervision at least every this many working days (default 20).
    pub supervision_every_wd: u32,
    /// After the first core group of a child protection plan, the next is due this many working days after the
    /// last (default 30, about six weeks).
    pub core_group_every_wd: u32,
}

impl Default for ClockSettings {
    fn default() -> Self {
        Self {
            working_hours: WorkingHours::default(),
            rag_red: WorkingDuration::Hours(4),
            rag_amber: WorkingDuration::Days(1),
            rag_green: WorkingDuration::Days(3),
            contact_decision: WorkingDuration::Days(1),
            referrer_feedback: WorkingDuration::Days(1),
            cp_visit_every_wd: 10,
            cin_visit_every_wd: 20,
            supervision_every_wd: 20,
            core_group_every_wd: 30,
        }
    }
}

impl ClockSettings {
    /// The response timescale for a RAG rating.
    pub fn rag_timescale(&self, rag: Rag) -> WorkingDuration {
        match rag {
            Rag::Red => self.rag_red,
            Rag::Amber => self.rag_amber,
            Rag::Green => self.rag_green,
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// RAG rating.

/// The MASH red/amber/green rating of how urgently a contact (or a partner information request) needs a response.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Rag {
    Red,
    Amber,
    Green,
}

impl Rag {
    /// Every rating, most urgent first.
    pub const ALL: &'static [Rag] = &[Rag::Red, Rag::Amber, Rag::Green];
    /// The field name used in error messages.
    pub const FIELD: &'static str = "RAG rating";

    /// The code as written in the API and the database.
    pub fn code(self) -> &'static str {
        match self {
            Rag::Red => "red",
            Rag::Amber => "amber",
            Rag::Green => "green",
        }
    }

    /// The rating in plain English.
    pub fn label(self) -> &'static str {
        match self {
            Rag::Red => "Red",
            Rag::Amber => "Amber",
            Rag::Green => "Green",
        }
    }

    /// Parse a code (surrounding spaces ignored, letters in any case).
    pub fn parse(s: &str) -> Result<Rag, ValueError> {
        let t = s.trim();
        if let Some(rag) = Rag::ALL.iter().find(|r| t.eq_ignore_ascii_case(r.code())) {
            return Ok(*rag);
        }
        if t.is_empty() {
            return Err(ValueError::new(Rag::FIELD, "choose a value"));
        }
        let shown: String = t.chars().take(40).collect();
        Err(ValueError::new(
            Rag::FIELD,
            format!("'{shown}' is not a known code (expected one of red, amber, green)"),
        ))
    }
}

impl FromStr for Rag {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Rag::parse(s)
    }
}

impl fmt::Display for Rag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Working-time arithmetic in London local time.

fn local(at: Timestamp) -> DateTime {
    london().to_datetime(at)
}

/// The instant of a London local time. Working hours never touch a clock change (they happen early on a Sunday
/// morning), but if one did, a time in the spring gap is read as the time after it and a time in the autumn
/// fold as its first occurrence. Saturates at the ends of the representable range.
fn instant(dt: DateTime) -> Timestamp {
    london()
        .to_ambiguous_timestamp(dt)
        .compatible()
        .unwrap_or(if dt.year() < 1970 {
            Timestamp::MIN
        } else {
            Timestamp::MAX
        })
}

/// Where a working-time clock started at `at` really starts: the working day, and how far into it.
fn start_point(cal: &Calendar, hours: &WorkingHours, at: Timestamp) -> (Date, SignedDuration) {
    let dt = local(at);
    let (day, t) = (dt.date(), dt.time());
    if cal.is_working_day(day) {
        if t < hours.start {
            return (day, SignedDuration::ZERO);
        }
        if t < hours.end {
            return (day, t.duration_since(hours.start));
        }
    }
    (cal.next_working_day(day), SignedDuration::ZERO)
}

/// The working time elapsed on `at`'s local day by `at` (0 on a non-working day, the day's length after closing).
fn position_in_day(cal: &Calendar, hours: &WorkingHours, at: Timestamp) -> (Date, SignedDuration) {
    let dt = local(at);
    let (day, t) = (dt.date(), dt.time());
    if !cal.is_working_day(day) || t <= hours.start {
        (day, SignedDuration::ZERO)
    } else if t >= hours.end {
        (day, hours.end.duration_since(hours.start))
    } else {
        (day, t.duration_since(hours.start))
    }
}

/// The instant a working-time clock started at `at` really starts counting: `at` itself during working hours,
/// otherwise the next opening.
pub fn clock_starts_at(cal: &Calendar, hours: &WorkingHours, at: Timestamp) -> Timestamp {
    let hours = hours.valid();
    let (day, offset) = start_point(cal, &hours, at);
    instant(day.to_datetime(hours.start.wrapping_add(offset)))
}

/// `from` plus `d` of working time, in London local time within `hours`.
///
/// If `from` is outside working hours or on a non-working day, the clock starts at the next opening. The
/// result is always within working hours on a working day, or exactly at closing time: with 09:00–17:00, one
/// working day from 08:00 on a working day is 17:00 that day, and from exactly 17:00 it is 17:00 the next
/// working day.
pub fn add_working_time(
    cal: &Calendar,
    hours: &WorkingHours,
    from: Timestamp,
    d: WorkingDuration,
) -> Timestamp {
    let hours = hours.valid();
    let (day, offset) = start_point(cal, &hours, from);
    let len = hours.day_length().as_nanos();
    // Working time from the opening of `day` to the due time.
    let total = offset.as_nanos() + d.to_duration(&hours).as_nanos();
    let (whole, rest) = (total / len, total % len);
    let (days_after, into_day) = if rest == 0 && whole > 0 {
        // Exactly a whole number of working days: due at closing time, not at the next opening.
        (whole - 1, len)
    } else {
        (whole, rest)
    };
    let due_day = cal.add_working_days(day, u32::try_from(days_after).unwrap_or(u32::MAX));
    let into_day = SignedDuration::from_nanos(i64::try_from(into_day).unwrap_or(0));
    instant(due_day.to_datetime(hours.start.wrapping_add(into_day)))
}

/// The working time from `from` to `to` (negative when `to` is before `from`): for "time remaining" and
/// "overdue by". Only time within `hours` on working days counts.
pub fn working_time_between(
    cal: &Calendar,
    hours: &WorkingHours,
    from: Timestamp,
    to: Timestamp,
) -> SignedDuration {
    if to < from {
        return -working_time_between(cal, hours, to, from);
    }
    let hours = hours.valid();
    let (from_day, from_pos) = position_in_day(cal, &hours, from);
    let (to_day, to_pos) = position_in_day(cal, &hours, to);
    // Whole working days from the opening of `from_day` to the opening of `to_day`.
    let days = cal.busday_count(from_day, to_day);
    hours
        .day_length()
        .checked_mul(days)
        .unwrap_or(SignedDuration::MAX)
        .saturating_add(to_pos)
        .saturating_sub(from_pos)
}

// ---------------------------------------------------------------------------------------------------------------
// Timestamp clocks.

/// When the decision on next steps for a contact received at `received_at` is due (and the acknowledgement to
/// the referrer): `settings.contact_decision` of working time (1 working day by default).
pub fn contact_decision_due(
    cal: &Calendar,
    settings: &ClockSettings,
    received_at: Timestamp,
) -> Timestamp {
    add_working_time(
        cal,
        &settings.working_hours,
        received_at,
        settings.contact_decision,
    )
}

/// When the referrer must have been told the outcome of a decision made at `decided_at`.
pub fn referrer_feedback_due(
    cal: &Calendar,
    settings: &ClockSettings,
    decided_at: Timestamp,
) -> Timestamp {
    add_working_time(
        cal,
        &settings.working_hours,
        decided_at,
        settings.referrer_feedback,
    )
}

/// When the MASH response to a contact rated `rag` at `from` is due.
pub fn rag_due(cal: &Calendar, settings: &ClockSettings, rag: Rag, from: Timestamp) -> Timestamp {
    add_working_time(
        cal,
        &settings.working_hours,
        from,
        settings.rag_timescale(rag),
    )
}

/// When a partner agency's reply to an information request sent at `requested_at` is due: partner requests
/// follow the contact's RAG timescales.
pub fn partner_request_due(
    cal: &Calendar,
    settings: &ClockSettings,
    rag: Rag,
    requested_at: Timestamp,
) -> Timestamp {
    rag_due(cal, settings, rag, requested_at)
}

// ---------------------------------------------------------------------------------------------------------------
// Day clocks.

/// The child and family assessment for a referral on `referral_date` is due (authorised) 45 working days later.
pub fn assessment_due(cal: &Calendar, referral_date: Date) -> Date {
    cal.add_working_days(referral_date, ASSESSMENT_WORKING_DAYS)
}

/// The initial child protection conference is due 15 working days after the strategy discussion that started
/// the section 47 enquiry.
pub fn icpc_due(cal: &Calendar, strategy_discussion_date: Date) -> Date {
    cal.add_working_days(strategy_discussion_date, ICPC_WORKING_DAYS)
}

/// The first core group meeting is due 10 working days after the initial child protection conference.
pub fn first_core_group_due(cal: &Calendar, icpc_date: Date) -> Date {
    cal.add_working_days(icpc_date, FIRST_CORE_GROUP_WORKING_DAYS)
}

/// The first review child protection conference is due within 3 months of the initial conference: on the last
/// working day on or before the date 3 calendar months later.
pub fn first_review_conference_due(cal: &Calendar, icpc_date: Date) -> Date {
    within_months(cal, icpc_date, FIRST_REVIEW_CONFERENCE_MONTHS)
}

/// Each later review conference is due within 6 months of the previous one: on the last working day on or
/// before the date 6 calendar months later.
pub fn next_review_conference_due(cal: &Calendar, previous_conference_date: Date) -> Date {
    within_months(cal, previous_conference_date, NEXT_REVIEW_CONFERENCE_MONTHS)
}

/// The next review conference for a child protection plan that started at the ICPC on `icpc_date`, given the
/// last review conference held, if any.
pub fn review_conference_due(cal: &Calendar, icpc_date: Date, last_review: Option<Date>) -> Date {
    match last_review {
        Some(review) => next_review_conference_due(cal, review),
        None => first_review_conference_due(cal, icpc_date),
    }
}

/// A visit is due `every_wd` working days after the last visit (or the plan's start, before the first visit).
pub fn visit_due(cal: &Calendar, last_visit_or_plan_start: Date, every_wd: u32) -> Date {
    cal.add_working_days(last_visit_or_plan_start, every_wd)
}

/// Supervision is due `every_wd` working days after the last supervision (or the allocation).
pub fn supervision_due(
    cal: &Calendar,
    last_supervision_or_allocation: Date,
    every_wd: u32,
) -> Date {
    cal.add_working_days(last_supervision_or_allocation, every_wd)
}

/// `months` calendar months after `from`, moved earlier to a working day.
fn within_months(cal: &Calendar, from: Date, months: i32) -> Date {
    cal.working_day_on_or_before(add_months(from, months))
}

/// `months` calendar months after `day`, the day of the month clamped to the length of the month (31 January
/// plus one month is 29 February in a leap year). Saturates at the ends of the representable range.
pub fn add_months(day: Date, months: i32) -> Date {
    let index = i32::from(day.year()) * 12 + i32::from(day.month()) - 1 + months;
    let (year, month) = (index.div_euclid(12), index.rem_euclid(12) + 1);
    let first = match (i16::try_from(year), i8::try_from(month)) {
        (Ok(y), Ok(m)) => Date::new(y, m, 1).ok(),
        _ => None,
    };
    match first {
        Some(first) => {
            let d = day.day().min(first.days_in_month());
            Date::new(first.year(), first.month(), d).unwrap_or(first)
        }
        None if year < 0 => Date::MIN,
        None => Date::MAX,
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Status: due (with what remains) or overdue (by how much).

/// Where a clock stands: still due, with the working time (or days) remaining, or overdue, by how much.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", tag = "state")]
pub enum ClockStatus<T> {
    /// Not yet past its due date or time. For a day clock, `remaining: 0` means due today.
    Due { remaining: T },
    /// Past its due date or time.
    Overdue { by: T },
}

impl<T> ClockStatus<T> {
    pub fn is_overdue(&self) -> bool {
        matches!(self, ClockStatus::Overdue { .. })
    }
}

impl ClockStatus<u32> {
    /// A day clock due today (not yet overdue).
    pub fn is_due_today(&self) -> bool {
        matches!(self, ClockStatus::Due { remaining: 0 })
    }
}

/// Whether something due at `due` is overdue at `now` (strictly after it): for dates and instants alike.
pub fn is_overdue<T: PartialOrd>(due: T, now: T) -> bool {
    now > due
}

/// A day clock on `today`: working days remaining (0 on the due date itself), or working days overdue. A clock
/// becomes overdue the day after its due date; `by` counts the working days since the due date, and is at least
/// 1 (on the weekend after a Friday due date it is 1, as on the Monday).
pub fn day_clock_status(cal: &Calendar, due: Date, today: Date) -> ClockStatus<u32> {
    if today <= due {
        let remaining = cal.working_days_between(today, due);
        ClockStatus::Due {
            remaining: u32::try_from(remaining).unwrap_or(0),
        }
    } else {
        let by = cal.working_days_between(due, today);
        ClockStatus::Overdue {
            by: u32::try_from(by).unwrap_or(0).max(1),
        }
    }
}

/// A timestamp clock at `now`: the working time remaining, or the working time it has been overdue. Outside
/// working hours no working time passes, so a clock that fell due at closing time is `Overdue { by: 0 }` until
/// the next opening.
pub fn time_clock_status(
    cal: &Calendar,
    hours: &WorkingHours,
    due: Timestamp,
    now: Timestamp,
) -> ClockStatus<SignedDuration> {
    if now <= due {
        ClockStatus::Due {
            remaining: working_time_between(cal, hours, now, due),
        }
    } else {
        ClockStatus::Overdue {
            by: working_time_between(cal, hours, due, now),
        }
    }
}

/// A day clock for a worklist: its due date and where it stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayClock {
    pub due: Date,
    pub status: ClockStatus<u32>,
}

impl DayClock {
    pub fn new(cal: &Calendar, due: Date, today: Date) -> Self {
        Self {
            due,
            status: day_clock_status(cal, due, today),
        }
    }

    pub fn is_overdue(&self) -> bool {
        self.status.is_overdue()
    }
}

/// A timestamp clock for a worklist: its due time and where it stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeClock {
    pub due: Timestamp,
    pub status: ClockStatus<SignedDuration>,
}

impl TimeClock {
    pub fn new(cal: &Calendar, hours: &WorkingHours, due: Timestamp, now: Timestamp) -> Self {
        Self {
            due,
            status: time_clock_status(cal, hours, due, now),
        }
    }

    pub fn is_overdue(&self) -> bool {
        self.status.is_overdue()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn settings_default_and_round_trip_through_json() {
        let s = ClockSettings::default();
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(
            json,
            r#"{"working_hours":{"start":"09:00:00","end":"17:00:00"},"rag_red":{"hours":4},"rag_amber":{"days":1},"rag_green":{"days":3},"contact_decision":{"days":1},"referrer_feedback":{"days":1},"cp_visit_every_wd":10,"cin_visit_every_wd":20,"supervision_every_wd":20,"core_group_every_wd":30}"#
        );
        assert_eq!(serde_json::from_str::<ClockSettings>(&json).unwrap(), s);
        // Partial configuration keeps the defaults for the rest.
        let partial: ClockSettings = serde_json::from_str(
            r#"{"working_hours":{"start":"08:30","end":"16:30"},"rag_red":{"hours":2}}"#,
        )
        .unwrap();
        assert_eq!(partial.working_hours.start, time(8, 30, 0, 0));
        assert_eq!(partial.rag_red, WorkingDuration::Hours(2));
        assert_eq!(partial.rag_green, WorkingDuration::Days(3));
        // Hours that end before they start, and unknown fields, are refused.
        let bad = serde_json::from_str::<ClockSettings>(
            r#"{"working_hours":{"start":"17:00","end":"09:00"}}"#,
        );
        assert!(
            bad.unwrap_err()
                .to_string()
                .contains("must end after it starts")
        );
        assert!(serde_json::from_str::<ClockSettings>(r#"{"rag_purple":{"days":1}}"#).is_err());
    }

    #[test]
    fn rag_parses_prints_and_serialises_as_its_code() {
        for &r in Rag::ALL {
            assert_eq!(r.to_string().parse::<Rag>().unwrap(), r);
            assert_eq!(r.label().parse::<Rag>().unwrap(), r);
            let json = serde_json::to_string(&r).unwrap();
            assert_eq!(json, format!("\"{}\"", r.code()));
            assert_eq!(serde_json::from_str::<Rag>(&json).unwrap(), r);
        }
        assert_eq!(" AMBER ".parse::<Rag>().unwrap(), Rag::Amber);
        let e = "purple".parse::<Rag>().unwrap_err();
        assert_eq!(e.field, "RAG rating");
        assert_eq!(
            e.to_string(),
            "RAG rating: 'purple' is not a known code (expected one of red, amber, green)"
        );
        assert_eq!(
            "".parse::<Rag>().unwrap_err().to_string(),
            "RAG rating: choose a value"
        );
    }

    #[test]
    fn working_durations_read_well() {
        assert_eq!(WorkingDuration::Hours(4).to_string(), "4 working hours");
        assert_eq!(WorkingDuration::Days(1).to_string(), "1 working day");
        assert_eq!(
            WorkingDuration::Days(3).to_duration(&WorkingHours::default()),
            SignedDuration::from_hours(24)
        );
    }

    #[test]
    fn invalid_hours_fall_back_to_the_default_rather_than_loop() {
        let cal = Calendar::england_and_wales();
        let bad = WorkingHours {
            start: time(17, 0, 0, 0),
            end: time(9, 0, 0, 0),
        };
        assert!(WorkingHours::new(bad.start, bad.end).is_err());
        // Friday 10 May 2024 10:00 BST + 1 WD with the default hours: Monday 13 May 10:00 BST.
        let due = add_working_time(
            &cal,
            &bad,
            ts("2024-05-10T09:00:00Z"),
            WorkingDuration::Days(1),
        );
        assert_eq!(due, ts("2024-05-13T09:00:00Z"));
    }

    #[test]
    fn month_arithmetic_clamps() {
        assert_eq!(add_months(date(2024, 1, 31), 1), date(2024, 2, 29));
        assert_eq!(add_months(date(2023, 1, 31), 1), date(2023, 2, 28));
        assert_eq!(add_months(date(2024, 8, 31), 6), date(2025, 2, 28));
        assert_eq!(add_months(date(2024, 11, 30), 3), date(2025, 2, 28));
        assert_eq!(add_months(date(2024, 12, 15), -12), date(2023, 12, 15));
        assert_eq!(add_months(date(9999, 12, 1), 1), Date::MAX);
    }

    #[test]
    fn statuses() {
        let cal = Calendar::england_and_wales();
        // Due Friday 3 May 2024; Monday 6 May is a bank holiday.
        let due = date(2024, 5, 3);
        assert_eq!(
            day_clock_status(&cal, due, date(2024, 5, 1)),
            ClockStatus::Due { remaining: 2 }
        );
        assert!(day_clock_status(&cal, due, due).is_due_today());
        assert_eq!(
            day_clock_status(&cal, due, date(2024, 5, 4)),
            ClockStatus::Overdue { by: 1 }
        );
        assert_eq!(
            day_clock_status(&cal, due, date(2024, 5, 7)),
            ClockStatus::Overdue { by: 1 }
        );
        assert_eq!(
            day_clock_status(&cal, due, date(2024, 5, 8)),
            ClockStatus::Overdue { by: 2 }
        );
        let json = serde_json::to_string(&DayClock::new(&cal, due, date(2024, 5, 8))).unwrap();
        assert_eq!(
            json,
            r#"{"due":"2024-05-03","status":{"state":"overdue","by":2}}"#
        );
    }
}
