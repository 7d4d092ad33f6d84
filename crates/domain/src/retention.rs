//! Records retention for children's social care: how long a child's case file is kept, by the deepest involvement
//! it records (looked after, child protection, child in need, or a contact that went no further), each default
//! period with its published source; an LA may set its own periods. A legal hold (an inquiry, litigation, a
//! subject access request under way) keeps a file whatever its period says.
//!
//! Pure rules: which files are due is worked out here from dates, an LA's schedule and a hold are checked here;
//! finding the files, the dry-run report and the deletion (which leaves an audit stub) are the store's and the
//! service's.

use std::borrow::Cow;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{ValueError, ValueErrors};
use crate::ids::PersonId;
use crate::validation::{MAX_TEXT, required_text};

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

impl RetentionClass {
    pub const ALL: [RetentionClass; 4] = [
        RetentionClass::ContactOnly,
        RetentionClass::ChildInNeed,
        RetentionClass::ChildProtection,
        RetentionClass::LookedAfter,
    ];

    /// The deepest involvement of a file: looked after, else a child protection conference or plan, else a
    /// referral (assessment, child-in-need plan, section 47), else contacts only.
    pub fn of(looked_after: bool, child_protection: bool, child_in_need: bool) -> RetentionClass {
        if looked_after {
            RetentionClass::LookedAfter
        } else if child_protection {
            RetentionClass::ChildProtection
        } else if child_in_need {
            RetentionClass::ChildInNeed
        } else {
            RetentionClass::ContactOnly
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            RetentionClass::ContactOnly => "contact-only",
            RetentionClass::ChildInNeed => "child-in-need",
            RetentionClass::ChildProtection => "child-protection",
            RetentionClass::LookedAfter => "looked-after",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            RetentionClass::ContactOnly => "Contacts only",
            RetentionClass::ChildInNeed => "Child in need",
            RetentionClass::ChildProtection => "Child protection",
            RetentionClass::LookedAfter => "Looked after",
        }
    }
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

impl From {
    pub fn code(self) -> &'static str {
        match self {
            From::Birth => "birth",
            From::LastActivity => "last-activity",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            From::Birth => "the child's date of birth",
            From::LastActivity => "the last activity on the file",
        }
    }
}

/// The longest period an LA may set, in years.
pub const MAX_YEARS: u16 = 120;
/// The longest source text.
pub const MAX_SOURCE: usize = 1_000;

/// An LA's schedule: its own period for each class it set, the default for the others, deepest class first.
pub fn schedule_of(own: &[Period]) -> Vec<Period> {
    let mut out = default_schedule();
    for p in own {
        if let Some(slot) = out.iter_mut().find(|d| d.class == p.class) {
            *slot = p.clone();
        }
    }
    out
}

/// One row of a schedule as an administrator sends it (the settings page or API, a settings file).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeriodInput {
    pub class: Option<String>,
    pub years: Option<String>,
    pub from: Option<String>,
    pub inactive_years: Option<String>,
    pub source: Option<String>,
}

fn years_in(field: String, v: Option<&str>, min: u16) -> Result<u16, ValueError> {
    match v.map(str::trim).unwrap_or("").parse::<u16>() {
        Ok(n) if (min..=MAX_YEARS).contains(&n) => Ok(n),
        _ => Err(ValueError::new(
            field,
            format!("Enter a whole number of years from {min} to {MAX_YEARS}"),
        )),
    }
}

/// A schedule as sent, checked: every problem named by its row (`retention[i].years`), each class at most once.
pub fn periods(rows: &[PeriodInput]) -> Result<Vec<Period>, ValueErrors> {
    let mut errors = ValueErrors::new();
    let mut out: Vec<Period> = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let f = |name: &str| format!("retention[{i}].{name}");
        let class = match row.class.as_deref().map(str::trim) {
            Some(c) => RetentionClass::ALL.into_iter().find(|k| k.code() == c),
            None => None,
        };
        let Some(class) = class else {
            errors.push(ValueError::new(
                f("class"),
                "Choose contact-only, child-in-need, child-protection or looked-after",
            ));
            continue;
        };
        if out.iter().any(|p| p.class == class) {
            errors.push(ValueError::new(
                f("class"),
                format!("{} is already in the schedule", class.label()),
            ));
            continue;
        }
        let years = errors.take(years_in(f("years"), row.years.as_deref(), 1));
        let from = match row.from.as_deref().map(str::trim) {
            Some("birth") => Some(From::Birth),
            Some("last-activity") => Some(From::LastActivity),
            _ => {
                errors.push(ValueError::new(
                    f("from"),
                    "Choose whether the period counts from the child's birth or the last activity",
                ));
                None
            }
        };
        let inactive = match row.inactive_years.as_deref().map(str::trim) {
            None | Some("") => Some(0),
            Some(v) => errors.take(years_in(f("inactive_years"), Some(v), 0)),
        };
        let source = errors.take(required_text(
            Cow::Owned(f("source")),
            row.source.as_deref(),
            MAX_SOURCE,
            "Name the source of the period: the regulation or the published schedule followed",
        ));
        if let (Some(years), Some(from), Some(inactive_years), Some(source)) =
            (years, from, inactive, source)
        {
            out.push(Period {
                class,
                years,
                from,
                inactive_years,
                source,
            });
        }
    }
    errors.into_result()?;
    Ok(out)
}

/// A schedule read from a settings file, checked as the settings page checks it.
pub fn check_schedule(periods_read: &[Period]) -> Result<(), ValueErrors> {
    let rows: Vec<PeriodInput> = periods_read.iter().map(Period::input).collect();
    periods(&rows).map(|_| ())
}

impl Period {
    /// The period as the settings form shows it.
    pub fn input(&self) -> PeriodInput {
        PeriodInput {
            class: Some(self.class.code().to_owned()),
            years: Some(self.years.to_string()),
            from: Some(self.from.code().to_owned()),
            inactive_years: Some(self.inactive_years.to_string()),
            source: Some(self.source.clone()),
        }
    }
}

/// A legal hold as sent: `POST /api/v1/information-governance/retention/holds {"child_id", "reason"}`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HoldInput {
    pub child_id: Option<String>,
    pub reason: Option<String>,
}

/// A legal hold as checked: whose file, and why (an inquiry, litigation, a subject access request).
pub fn hold(input: &HoldInput) -> Result<(PersonId, String), ValueErrors> {
    let mut errors = ValueErrors::new();
    let child = match input.child_id.as_deref().map(str::trim) {
        None | Some("") => {
            errors.push(ValueError::new(
                "child_id",
                "Enter the child's record number",
            ));
            None
        }
        Some(v) => errors.take(v.parse::<PersonId>().map_err(|_| {
            ValueError::new(
                "child_id",
                "Enter a child's record number as shown on their record",
            )
        })),
    };
    let reason = errors.take(required_text(
        "reason",
        input.reason.as_deref(),
        MAX_TEXT,
        "Say why the file must be kept: the inquiry, claim or request it is held for",
    ));
    errors.into_result()?;
    match (child, reason) {
        (Some(c), Some(r)) => Ok((c, r)),
        _ => Err(ValueErrors::from(ValueError::new(
            "child_id",
            "Enter the child's record number",
        ))),
    }
}

/// The version of a dry-run report: a digest of the day and the files due, in order. A deletion names the
/// report it was decided on; if the files due have changed since (a hold placed, a record added), it is refused.
pub fn report_version(today: Date, due: &[PersonId]) -> String {
    let mut ids: Vec<PersonId> = due.to_vec();
    ids.sort();
    let mut h = Sha256::new();
    h.update(today.to_string().as_bytes());
    for id in ids {
        h.update(id.uuid().as_bytes());
    }
    let digest = h.finalize();
    digest.iter().take(12).map(|b| format!("{b:02x}")).collect()
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

    #[test]
    fn an_la_replaces_a_period_and_names_its_source() {
        let rows = vec![PeriodInput {
            class: Some("contact-only".into()),
            years: Some("10".into()),
            from: Some("last-activity".into()),
            inactive_years: Some(String::new()),
            source: Some("Westminster retention schedule, section 4.2".into()),
        }];
        let own = periods(&rows).unwrap();
        let s = schedule_of(&own);
        assert_eq!(s.len(), 4);
        let p = s
            .iter()
            .find(|p| p.class == RetentionClass::ContactOnly)
            .unwrap();
        assert_eq!((p.years, p.inactive_years), (10, 0));
        assert!(
            s.iter()
                .any(|p| p.class == RetentionClass::LookedAfter && p.years == 75)
        );
        for p in &s {
            assert_eq!(
                periods(&[p.input()]).unwrap(),
                vec![p.clone()],
                "a period reads back as itself"
            );
        }
    }

    #[test]
    fn every_problem_with_a_schedule_is_named_by_its_row() {
        let rows = vec![
            PeriodInput {
                class: Some("child-in-need".into()),
                years: Some("0".into()),
                from: Some("sometime".into()),
                inactive_years: Some("x".into()),
                source: Some(" ".into()),
            },
            PeriodInput {
                class: Some("nonsense".into()),
                ..PeriodInput::default()
            },
            PeriodInput {
                class: Some("child-in-need".into()),
                years: Some("25".into()),
                from: Some("birth".into()),
                inactive_years: None,
                source: Some("Our schedule".into()),
            },
        ];
        let errors = periods(&rows).unwrap_err();
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_ref()).collect();
        assert_eq!(
            fields,
            vec![
                "retention[0].years",
                "retention[0].from",
                "retention[0].inactive_years",
                "retention[0].source",
                "retention[1].class",
            ]
        );
        let twice = periods(&[rows[2].clone(), rows[2].clone()]).unwrap_err();
        assert_eq!(twice.0[0].field, "retention[1].class");
    }

    #[test]
    fn a_hold_needs_a_child_and_a_reason() {
        let errors = hold(&HoldInput::default()).unwrap_err();
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_ref()).collect();
        assert_eq!(fields, vec!["child_id", "reason"]);
        let id = PersonId::new();
        let (child, reason) = hold(&HoldInput {
            child_id: Some(format!(" {id} ")),
            reason: Some("Public inquiry".into()),
        })
        .unwrap();
        assert_eq!((child, reason.as_str()), (id, "Public inquiry"));
    }

    #[test]
    fn a_report_version_changes_with_the_files_due_and_the_day() {
        let (a, b) = (PersonId::new(), PersonId::new());
        let day = date(2026, 12, 6);
        assert_eq!(report_version(day, &[a, b]), report_version(day, &[b, a]));
        assert_ne!(report_version(day, &[a, b]), report_version(day, &[a]));
        assert_ne!(
            report_version(day, &[a]),
            report_version(date(2026, 12, 7), &[a])
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
