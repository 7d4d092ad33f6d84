//! Who came to a meeting and the partner reports received, on the forms of conferences, core groups and plan
//! reviews (rows like the action rows: `attendance[i].name|agency|role|attended`,
//! `partner_reports[i].agency|from|received_on|shared_with_family`) and on the pages that show them.

use domain::codes::{Agency, MeetingAgency};
use domain::meetings::{AttendeeInput, PartnerReportInput};
use domain::planning::ProgressInput;
use domain::records::{Attendee, PartnerReport};

use super::date;
use super::form::{Form, FormValues};

/// Spare rows of people invited on a blank form: chair, social worker, parents, police, school, health.
const ATTENDEE_ROWS: usize = 6;
/// Spare rows of partner reports on a blank form.
const REPORT_ROWS: usize = 3;

/// (value, text) options for a select.
type Options = Vec<(String, String)>;

/// The attendance and partner report rows of a meeting's form.
pub struct MeetingRows {
    pub attendees: usize,
    pub reports: usize,
    pub agencies: Options,
    pub report_agencies: Options,
    pub came: Options,
    pub shared: Options,
}

impl MeetingRows {
    /// As many rows as the form sent, with one spare (at least the blank form's).
    pub fn for_form(form: &Form) -> MeetingRows {
        let yes_no =
            |yes: &str, no: &str| vec![("yes".into(), yes.into()), ("no".into(), no.into())];
        MeetingRows {
            attendees: ATTENDEE_ROWS.max(form.values.rows("attendance") + 1),
            reports: REPORT_ROWS.max(form.values.rows("partner_reports") + 1),
            agencies: MeetingAgency::ALL
                .iter()
                .map(|a| (a.code().to_owned(), a.label().to_owned()))
                .collect(),
            report_agencies: Agency::ALL
                .iter()
                .filter(|a| **a != Agency::SocialCare)
                .map(|a| (a.code().to_owned(), a.label().to_owned()))
                .collect(),
            came: yes_no("Attended", "Sent apologies"),
            shared: yes_no("Shared with the family", "Not shared"),
        }
    }
}

/// A yes/no select: `yes`, `no`, or nothing chosen.
fn yes_no(v: &FormValues, name: &str) -> Option<bool> {
    match v.get(name).as_deref() {
        Some("yes") => Some(true),
        Some("no") => Some(false),
        _ => None,
    }
}

/// The attendance rows a form sent, as the domain takes them (blank rows are the domain's to skip).
pub fn attendance(v: &FormValues) -> Vec<AttendeeInput> {
    (0..v.rows("attendance"))
        .map(|i| AttendeeInput {
            name: v.get(&format!("attendance[{i}].name")),
            agency: v.get(&format!("attendance[{i}].agency")),
            role: v.get(&format!("attendance[{i}].role")),
            attended: yes_no(v, &format!("attendance[{i}].attended")),
        })
        .collect()
}

/// The partner report rows a form sent.
pub fn partner_reports(v: &FormValues) -> Vec<PartnerReportInput> {
    (0..v.rows("partner_reports"))
        .map(|i| PartnerReportInput {
            agency: v.get(&format!("partner_reports[{i}].agency")),
            from: v.get(&format!("partner_reports[{i}].from")),
            received_on: v.get(&format!("partner_reports[{i}].received_on")),
            shared_with_family: yes_no(v, &format!("partner_reports[{i}].shared_with_family")),
        })
        .collect()
}

/// The progress rows a review form sent (`progress[i].action_id|progress|status`).
pub fn progress(v: &FormValues) -> Vec<ProgressInput> {
    (0..v.rows("progress"))
        .map(|i| ProgressInput {
            action_id: v.get(&format!("progress[{i}].action_id")),
            progress: v.get(&format!("progress[{i}].progress")),
            status: v.get(&format!("progress[{i}].status")),
        })
        .collect()
}

/// Someone invited, as a page shows them.
pub struct AttendeeShown {
    pub name: String,
    pub role: String,
    pub agency: &'static str,
    pub attended: bool,
}

/// A partner report, as a page shows it.
pub struct ReportShown {
    pub agency: &'static str,
    pub from: String,
    pub received: String,
    pub shared: &'static str,
}

/// A meeting's attendance and partner reports, as a page shows them.
pub struct MeetingShown {
    pub attendance: Vec<AttendeeShown>,
    pub reports: Vec<ReportShown>,
}

impl MeetingShown {
    pub fn is_empty(&self) -> bool {
        self.attendance.is_empty() && self.reports.is_empty()
    }

    /// "5 attended, 2 sent apologies".
    pub fn counts(&self) -> String {
        let came = self.attendance.iter().filter(|a| a.attended).count();
        let apologies = self.attendance.len() - came;
        if apologies == 0 {
            format!("{came} attended")
        } else {
            format!("{came} attended, {apologies} sent apologies")
        }
    }
}

pub fn shown(attendance: &[Attendee], reports: &[PartnerReport]) -> MeetingShown {
    MeetingShown {
        attendance: attendance
            .iter()
            .map(|a| AttendeeShown {
                name: a.name.clone(),
                role: a.role.clone(),
                agency: a.agency.label(),
                attended: a.attended,
            })
            .collect(),
        reports: reports
            .iter()
            .map(|r| ReportShown {
                agency: r.agency.label(),
                from: r.from.clone(),
                received: date(&r.received_on),
                shared: match r.shared_with_family {
                    Some(true) => "Yes",
                    Some(false) => "No",
                    None => "Not recorded",
                },
            })
            .collect(),
    }
}
