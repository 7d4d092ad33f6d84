//! Who came to a meeting and what partners sent for it: the attendance and partner reports a child protection
//! conference, a core group and a plan review record alike. Rows a form left wholly blank are skipped; every
//! other row needs each of its fields, and a problem names the row and the field (`attendance[2].role`).

use serde::Deserialize;

use crate::codes::{Agency, MeetingAgency};
use crate::datetime::{Date, DateRange, parse_input_date};
use crate::error::{ValueError, ValueErrors};
use crate::records::{Attendee, PartnerReport};
use crate::validation::{MAX_NAME, bounded, present, required_code, required_text};

/// People invited to one meeting: a large conference has twenty.
pub const MAX_ATTENDEES: usize = 60;
/// Partner reports received for one meeting.
pub const MAX_PARTNER_REPORTS: usize = 30;

/// Someone invited to a meeting, as typed.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttendeeInput {
    pub name: Option<String>,
    /// `social-care`, `family`, `child`, `police`, `health`, `education`, `probation`, `housing`,
    /// `youth-justice`, `other`.
    pub agency: Option<String>,
    /// "Chair", "Social worker", "Mother", "GP", "Class teacher", "Police officer", "Health visitor"…
    pub role: Option<String>,
    /// `false`: sent apologies. Default: attended.
    pub attended: Option<bool>,
}

impl AttendeeInput {
    /// Nothing typed: a spare row of a form.
    pub fn is_blank(&self) -> bool {
        present(self.name.as_deref()).is_none()
            && present(self.agency.as_deref()).is_none()
            && present(self.role.as_deref()).is_none()
    }
}

/// A report a partner agency sent for a meeting, as typed.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartnerReportInput {
    /// `police`, `health`, `education`, `probation`, `housing`, `youth-justice`, `social-care`, `other`.
    pub agency: Option<String>,
    /// Who wrote or sent it.
    pub from: Option<String>,
    /// `YYYY-MM-DD`: on or before the meeting.
    pub received_on: Option<String>,
    /// Whether it was shared with the family before the meeting (optional).
    pub shared_with_family: Option<bool>,
}

impl PartnerReportInput {
    /// Nothing typed: a spare row of a form.
    pub fn is_blank(&self) -> bool {
        present(self.agency.as_deref()).is_none()
            && present(self.from.as_deref()).is_none()
            && present(self.received_on.as_deref()).is_none()
    }
}

/// Check who was invited to a meeting (the list `attendance`): each row needs a name, who they were there for and
/// their role; `attended` defaults to yes.
pub fn validate_attendance(inputs: &[AttendeeInput], errors: &mut ValueErrors) -> Vec<Attendee> {
    let Some(rows) = bounded(
        "attendance",
        inputs,
        MAX_ATTENDEES,
        "people invited",
        errors,
    ) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        if row.is_blank() {
            continue;
        }
        let name = errors.take(required_text(
            format!("attendance[{i}].name"),
            row.name.as_deref(),
            MAX_NAME,
            "Enter the name of the person invited",
        ));
        let agency = errors.take(required_code(
            format!("attendance[{i}].agency"),
            row.agency.as_deref(),
            MeetingAgency::parse,
            "Select who the person was there for: an agency, the family or the child",
        ));
        let role = errors.take(required_text(
            format!("attendance[{i}].role"),
            row.role.as_deref(),
            MAX_NAME,
            "Enter the person's role, for example chair, parent, GP or class teacher",
        ));
        if let (Some(name), Some(agency), Some(role)) = (name, agency, role) {
            out.push(Attendee {
                name,
                agency,
                role,
                attended: row.attended.unwrap_or(true),
            });
        }
    }
    out
}

/// Check the reports partners sent for a meeting held on `held_on` (the list `partner_reports`): each row needs
/// the agency, who it was from and when it arrived (not after the meeting).
pub fn validate_reports(
    inputs: &[PartnerReportInput],
    held_on: Date,
    errors: &mut ValueErrors,
) -> Vec<PartnerReport> {
    let Some(rows) = bounded(
        "partner_reports",
        inputs,
        MAX_PARTNER_REPORTS,
        "partner reports",
        errors,
    ) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        if row.is_blank() {
            continue;
        }
        let agency = errors.take(required_code(
            format!("partner_reports[{i}].agency"),
            row.agency.as_deref(),
            Agency::parse,
            "Select the agency that sent the report",
        ));
        let from = errors.take(required_text(
            format!("partner_reports[{i}].from"),
            row.from.as_deref(),
            MAX_NAME,
            "Enter who the report is from",
        ));
        let field = format!("partner_reports[{i}].received_on");
        let received_on = errors.take(match present(row.received_on.as_deref()) {
            None => Err(ValueError::new(
                field,
                "Enter the date the report was received",
            )),
            Some(s) => parse_input_date(field.clone(), s, DateRange::Happened { today: held_on })
                .and_then(|d| {
                    if d > held_on {
                        Err(ValueError::new(
                            field,
                            "A report received for the meeting arrives on or before the day it is held",
                        ))
                    } else {
                        Ok(d)
                    }
                }),
        });
        if let (Some(agency), Some(from), Some(received_on)) = (agency, from, received_on) {
            out.push(PartnerReport {
                agency,
                from,
                received_on,
                shared_with_family: row.shared_with_family,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn attendee(name: &str, agency: &str, role: &str) -> AttendeeInput {
        AttendeeInput {
            name: Some(name.into()),
            agency: Some(agency.into()),
            role: Some(role.into()),
            attended: None,
        }
    }

    fn fields(e: &ValueErrors) -> Vec<String> {
        e.0.iter().map(|e| e.field.to_string()).collect()
    }

    #[test]
    fn attendance_skips_blank_rows_and_names_each_missing_field() {
        let mut errors = ValueErrors::new();
        let rows = [
            attendee("Sam Patel", "social-care", "Chair"),
            AttendeeInput::default(),
            AttendeeInput {
                attended: Some(false),
                ..attendee("Dr Jones", "health", "GP")
            },
            AttendeeInput {
                role: None,
                ..attendee("Lee Smith", "family", "")
            },
            attendee("Kim", "school", "Teacher"),
        ];
        let out = validate_attendance(&rows, &mut errors);
        assert_eq!(
            fields(&errors),
            ["attendance[3].role", "attendance[4].agency"]
        );
        assert_eq!(out.len(), 2);
        assert!(out[0].attended, "attended unless apologies were sent");
        assert!(!out[1].attended);
        assert_eq!(out[1].agency, MeetingAgency::Health);
    }

    #[test]
    fn too_many_invited_is_one_problem() {
        let mut errors = ValueErrors::new();
        let rows = vec![attendee("A", "police", "Officer"); MAX_ATTENDEES + 1];
        assert!(validate_attendance(&rows, &mut errors).is_empty());
        assert_eq!(fields(&errors), ["attendance"]);
    }

    #[test]
    fn a_report_arrives_by_the_meeting_from_someone_of_an_agency() {
        let mut errors = ValueErrors::new();
        let rows = [
            PartnerReportInput {
                agency: Some("education".into()),
                from: Some("Head teacher".into()),
                received_on: Some("2025-05-01".into()),
                shared_with_family: Some(true),
            },
            PartnerReportInput {
                agency: Some("health".into()),
                from: None,
                received_on: Some("2025-05-09".into()),
                shared_with_family: None,
            },
        ];
        let out = validate_reports(&rows, day("2025-05-08"), &mut errors);
        assert_eq!(
            fields(&errors),
            ["partner_reports[1].from", "partner_reports[1].received_on"]
        );
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].agency, Agency::Education);
        assert_eq!(out[0].shared_with_family, Some(true));
    }
}
