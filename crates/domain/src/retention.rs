//! Records retention for children's social care: how long a child's case file is kept, by the deepest involvement
//! it records (looked after, child protection, child in need, or a contact that went no further), each default
//! period with its published source; an LA may set its own periods. A legal hold (an inquiry, litigation, a
//! subject access request under way) keeps a file whatever its period says.
//!
//! Pure rules: which files are due is worked out here from dates; finding them, the dry-run report and the
//! deletion (which leaves an audit stub) are the store's and the service's. Not yet wired to either: the
//! schedule, its sources and the decision are ready for them.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// The deepest involvement a child's case file records, which decides how long it is kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RetentionClass {
    /// Contacts only, none of which became a referral (advice, signposting, no further action, early help).
    ContactOnly,
    /// A referral, assessment or child-in-need plan, never a child protection conference.
    ChildInNeed,
    /// A child protection conference or plan.
    ChildProtection,
    /// Looked after by the local authority at some time.
    LookedAfter,
}

/// What a period counts from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum From {
    /// The child's date of birth.
    Birth,
    /// The last thing recorded on the file (its last activity).
    LastActivity,
}

/// How long a class of file is kept, and on whose authority.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub class: RetentionClass,
    pub years: u16,
    pub from: From,
    /// Also at least this many years after the last activity (a file still in use is not due because of a
    /// birthday).
    pub inactive_years: u16,
    /// Where the period comes from: the regulation, or the published schedule followed.
    pub source: String,
}

/// The default schedule. The periods follow published retention schedules of English local authorities and the
/// regulation for looked-after children; an LA replaces any of them with its own (and names its source).
pub fn default_schedule() -> Vec<Period> {
    vec![
        Period {
            class: RetentionClass::LookedAfter,
            years: 75,
            from: From::Birth,
            inactive_years: 0,
            source: "Care Planning, Placement and Case Review (England) Regulations 2010, regulation 50: until \
                     the 75th anniversary of the child's birth (15 years from death for a child who dies before \
                     18)"
                .to_owned(),
        },
        Period {
            class: RetentionClass::ChildProtection,
            years: 35,
            from: From::LastActivity,
            inactive_years: 0,
            source: "35 years after the last contact, as Blackpool Council's children's services retention \
                     schedule; a 35-year policy was held lawful in R (C) v Northumberland County Council \
                     (Administrative Court, 2015)"
                .to_owned(),
        },
        Period {
            class: RetentionClass::ChildInNeed,
            years: 21,
            from: From::Birth,
            inactive_years: 3,
            source: "Until the child is 18 plus a further three years of inactivity, as Devon County Council's \
                     children's social care retention schedule"
                .to_owned(),
        },
        Period {
            class: RetentionClass::ContactOnly,
            years: 6,
            from: From::LastActivity,
            inactive_years: 0,
            source: "Six years after the last contact: the Limitation Act 1980's six years for claims, the usual \
                     minimum of local authority retention schedules"
                .to_owned(),
        },
    ]
}

/// What a file's retention depends on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileFacts {
    pub class: RetentionClass,
    pub date_of_birth: Option<Date>,
    pub date_of_death: Option<Date>,
    pub last_activity: Date,
}

/// What to do with a file today.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Disposition {
    /// Kept until this date (inclusive); due the day after.
    Keep { until: Date },
    /// Its period has passed: it may be deleted.
    Due { since: Date },
    /// Its period has passed or not, a legal hold keeps it.
    Held { reason: String },
}

fn plus_years(d: Date, years: u16) -> Date {
    d.checked_add(jiff::Span::new().years(i64::from(years)))
        .unwrap_or(Date::MAX)
}

/// The last day a file is kept under one period.
fn under(p: &Period, facts: &FileFacts) -> Date {
    let from = match p.from {
        // Without a date of birth, the period runs from the last activity: never shorter than the record's use.
        From::Birth => facts.date_of_birth.unwrap_or(facts.last_activity),
        From::LastActivity => facts.last_activity,
    };
    plus_years(from, p.years).max(plus_years(facts.last_activity, p.inactive_years))
}

/// The last day a file is kept under `schedule` (`None` when the schedule has no period for its class: kept). A
/// file is kept at least as long as a shallower involvement's period would keep it (a child-in-need file is never
/// deleted before a contact-only file of the same dates would be).
pub fn kept_until(schedule: &[Period], facts: &FileFacts) -> Option<Date> {
    schedule.iter().find(|p| p.class == facts.class)?;
    // A looked-after child who died before 18: 15 years from the death.
    if facts.class == RetentionClass::LookedAfter
        && let (Some(born), Some(died)) = (facts.date_of_birth, facts.date_of_death)
        && died < plus_years(born, 18)
    {
        return Some(plus_years(died, 15));
    }
    schedule
        .iter()
        .filter(|p| p.class <= facts.class)
        .map(|p| under(p, facts))
        .max()
}

/// What to do with a file on `today`: a hold first, then the schedule.
pub fn disposition(
    schedule: &[Period],
    facts: &FileFacts,
    hold: Option<&str>,
    today: Date,
) -> Disposition {
    if let Some(reason) = hold {
        return Disposition::Held {
            reason: reason.to_owned(),
        };
    }
    match kept_until(schedule, facts) {
        None => Disposition::Keep { until: Date::MAX },
        Some(until) if today > until => Disposition::Due {
            since: until.tomorrow().unwrap_or(until),
        },
        Some(until) => Disposition::Keep { until },
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use jiff::civil::date;
    use proptest::prelude::*;

    fn facts(class: RetentionClass, born: Date, last: Date) -> FileFacts {
        FileFacts {
            class,
            date_of_birth: Some(born),
            date_of_death: None,
            last_activity: last,
        }
    }

    #[test]
    fn every_default_names_its_source_and_every_class_has_one() {
        let s = default_schedule();
        for class in [
            RetentionClass::ContactOnly,
            RetentionClass::ChildInNeed,
            RetentionClass::ChildProtection,
            RetentionClass::LookedAfter,
        ] {
            let p = s.iter().find(|p| p.class == class).unwrap();
            assert!(p.source.len() > 40, "{class:?}");
        }
    }

    #[test]
    fn periods_count_from_birth_or_last_activity() {
        let s = default_schedule();
        let born = date(2010, 5, 1);
        let last = date(2020, 1, 31);
        let f = facts(RetentionClass::LookedAfter, born, last);
        assert_eq!(kept_until(&s, &f), Some(date(2085, 5, 1)));
        let f = facts(RetentionClass::ChildProtection, born, last);
        assert_eq!(kept_until(&s, &f), Some(date(2055, 1, 31)));
        let f = facts(RetentionClass::ChildInNeed, born, last);
        assert_eq!(kept_until(&s, &f), Some(date(2031, 5, 1)));
        // Still in use at 20: never sooner than a contact-only file of the same dates (six years after).
        let f = facts(RetentionClass::ChildInNeed, born, date(2030, 9, 1));
        assert_eq!(kept_until(&s, &f), Some(date(2036, 9, 1)));
        let f = facts(RetentionClass::ContactOnly, born, last);
        assert_eq!(kept_until(&s, &f), Some(date(2026, 1, 31)));
        let died = FileFacts {
            date_of_death: Some(date(2015, 3, 1)),
            ..facts(RetentionClass::LookedAfter, born, last)
        };
        assert_eq!(kept_until(&s, &died), Some(date(2030, 3, 1)));
    }

    #[test]
    fn a_hold_keeps_a_file_that_is_due() {
        let s = default_schedule();
        let f = facts(
            RetentionClass::ContactOnly,
            date(2001, 1, 1),
            date(2010, 1, 1),
        );
        assert_eq!(
            disposition(&s, &f, None, date(2026, 12, 6)),
            Disposition::Due {
                since: date(2016, 1, 2)
            }
        );
        assert_eq!(
            disposition(&s, &f, Some("inquiry"), date(2026, 12, 6)),
            Disposition::Held {
                reason: "inquiry".into()
            }
        );
        assert_eq!(
            disposition(&s, &f, None, date(2016, 1, 1)),
            Disposition::Keep {
                until: date(2016, 1, 1)
            }
        );
    }

    proptest! {
        /// A deeper involvement is never kept for less time than a shallower one of the same child and dates
        /// (under the default schedule), and nothing is due before its last activity.
        #[test]
        fn deeper_involvement_is_kept_at_least_as_long(
            born_days in 0i64..20_000,
            after in 0i64..10_000,
        ) {
            let s = default_schedule();
            let born = date(1990, 1, 1).checked_add(jiff::Span::new().days(born_days)).unwrap();
            let last = born.checked_add(jiff::Span::new().days(after)).unwrap();
            let until = |c| kept_until(&s, &facts(c, born, last)).unwrap();
            prop_assert!(until(RetentionClass::ContactOnly) >= last);
            prop_assert!(until(RetentionClass::ChildProtection) >= until(RetentionClass::ContactOnly));
            prop_assert!(until(RetentionClass::LookedAfter) >= until(RetentionClass::ChildInNeed));
            prop_assert!(until(RetentionClass::ChildInNeed) >= until(RetentionClass::ContactOnly));
        }
    }
}
