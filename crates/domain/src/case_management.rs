//! Case management after the front door: supervision (reflective, with the case direction and dated actions),
//! extra-familial harm flags and the integrated gangs unit, early help step-down and step-up, allocation, and
//! the closure of a child in need episode. Each rule takes what was typed and the child's case file, and either
//! gives the records to create and update or names every problem by its API field.

use serde::Deserialize;

use crate::actions::{ActionInput, ValidAction, validate_actions};
use crate::chronology::uk_date;
use crate::codes::{
    Agency, CaseNoteKind, ChildFlagKind, ClosureReason, EarlyHelpEndReason, PrimaryNeed,
    ReferralSource, Role,
};
use crate::datetime::{Date, DateRange, Timestamp, parse_input_date};
use crate::error::{ValueError, ValueErrors};
use crate::identifiers::LaCode;
use crate::ids::{
    AllocationId, CaseNoteId, ChildFlagId, EarlyHelpEpisodeId, PersonId, ReferralId,
    SpecialistInvolvementId, SupervisionId, TeamId, UserId,
};
use crate::records::{
    Action, ActionParent, Allocation, CaseNote, ChildFlag, Closure, EarlyHelpEpisode, Person,
    RecordSet, Referral, SpecialistInvolvement, Supervision, SupervisionCase, Team, User,
};
use crate::references::{Purpose, TeamRef, UserRef, check_team, check_user};
use crate::validation::{
    MAX_NAME, MAX_SUPERVISION_CASES, MAX_TEXT, bounded, optional_code, optional_text, present,
    required_code, required_text,
};

/// The unit a specialist involvement is with when none is named.
pub const GANGS_UNIT: &str = "Integrated gangs unit";

/// Roles that hold cases: a case can be allocated to them.
pub fn is_case_holding(role: Role) -> bool {
    matches!(
        role,
        Role::SocialWorker | Role::TeamManager | Role::MashWorker | Role::EarlyHelp
    )
}

/// A date that may be left blank for today; never in the future.
fn date_or_today(
    field: &'static str,
    v: Option<&str>,
    today: Date,
    what: &str,
    errors: &mut ValueErrors,
) -> Option<Date> {
    let d = match present(v) {
        None => today,
        Some(s) => match parse_input_date(field, s, DateRange::Happened { today }) {
            Ok(d) => d,
            Err(e) => {
                errors.push(e);
                return None;
            }
        },
    };
    if d > today {
        errors.push(ValueError::new(
            field,
            format!("The {what} cannot be in the future"),
        ));
        return None;
    }
    Some(d)
}

/// An id typed into a field: blank is `None`; anything else must be an identifier.
fn optional_id<T>(
    field: &'static str,
    v: Option<&str>,
    parse: fn(&str) -> Result<T, ValueError>,
    errors: &mut ValueErrors,
) -> Option<Option<T>> {
    match present(v) {
        None => Some(None),
        Some(s) => match parse(s) {
            Ok(id) => Some(Some(id)),
            Err(e) => {
                errors.push(e.for_field(field));
                None
            }
        },
    }
}

/// The records a change creates and updates.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CaseChanges {
    pub created: RecordSet,
    pub updated: RecordSet,
}

// --- supervision -------------------------------------------------------------------------------------------

/// A supervision session as typed. The supervisor is whoever records it.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SupervisionInput {
    /// The supervisee's user id.
    pub supervisee: Option<String>,
    /// `YYYY-MM-DD`; blank for today.
    pub held_on: Option<String>,
    /// The reflective part of the session: required.
    pub reflection: Option<String>,
    #[serde(default)]
    pub cases: Vec<SupervisionCaseInput>,
}

/// One case discussed in supervision.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SupervisionCaseInput {
    pub child_id: Option<String>,
    pub discussion: Option<String>,
    /// The case direction given: required.
    pub direction: Option<String>,
    #[serde(default)]
    pub actions: Vec<ActionInput>,
}

impl SupervisionCaseInput {
    /// Nothing typed: a spare row of the form.
    pub fn is_blank(&self) -> bool {
        present(self.child_id.as_deref()).is_none()
            && present(self.discussion.as_deref()).is_none()
            && present(self.direction.as_deref()).is_none()
            && self.actions.iter().all(ActionInput::is_blank)
    }
}

/// The children a supervision input names (the ones that parse), for the permission checks.
pub fn supervision_children(input: &SupervisionInput) -> Vec<PersonId> {
    let mut ids: Vec<PersonId> = input
        .cases
        .iter()
        .filter_map(|c| present(c.child_id.as_deref()).and_then(|s| PersonId::parse(s).ok()))
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

/// Check a supervision recorded by `supervisor` (who works for `supervisor_las`); `users` holds the supervisee
/// if they exist; `child_las` the LAs of the children discussed (those the supervisor may see), every one of
/// which the supervisee must work for. Gives the supervision (in the LA both work for) and its actions, each
/// action about its case's child (its `la` is the supervision's; the store gives each the child's own).
pub fn supervision(
    input: &SupervisionInput,
    supervisor: UserId,
    supervisor_las: &[LaCode],
    child_las: &[LaCode],
    users: &[User],
    now: Timestamp,
    today: Date,
) -> Result<(Supervision, Vec<Action>), ValueErrors> {
    let mut errors = ValueErrors::new();
    let supervisee_ref = UserRef {
        field: "supervisee".into(),
        value: input.supervisee.as_deref(),
        purpose: Purpose::Supervisee,
        any_of: supervisor_las.to_vec(),
        all_of: child_las.to_vec(),
    };
    let supervisee = match check_user(&supervisee_ref, users) {
        Ok(None) => {
            errors.push(ValueError::new(
                "supervisee",
                "Select the worker you supervised",
            ));
            None
        }
        Ok(Some(u)) if u.id == supervisor => {
            errors.push(ValueError::new(
                "supervisee",
                "Select the worker you supervised: you cannot record supervision of yourself",
            ));
            None
        }
        Ok(Some(u)) => supervisor_las
            .iter()
            .find(|la| u.las.contains(la))
            .map(|la| (u.id, la.clone())),
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let held_on = date_or_today(
        "held_on",
        input.held_on.as_deref(),
        today,
        "supervision date",
        &mut errors,
    );
    let reflection = errors.take(required_text(
        "reflection",
        input.reflection.as_deref(),
        MAX_TEXT,
        "Enter the reflective discussion: supervision is reflective, not only case direction",
    ));
    let id = SupervisionId::new();
    let mut cases = Vec::new();
    let mut actions = Vec::new();
    let mut seen: Vec<PersonId> = Vec::new();
    let case_rows = bounded(
        "cases",
        &input.cases,
        MAX_SUPERVISION_CASES,
        "cases",
        &mut errors,
    );
    for (i, case) in case_rows.unwrap_or_default().iter().enumerate() {
        if case.is_blank() {
            continue;
        }
        let at = format!("cases[{i}]");
        let child = match present(case.child_id.as_deref()) {
            None => {
                errors.push(ValueError::new(
                    format!("{at}.child_id"),
                    "Enter the child's id",
                ));
                None
            }
            Some(s) => match PersonId::parse(s) {
                Err(e) => {
                    errors.push(e.for_field(format!("{at}.child_id")));
                    None
                }
                Ok(id) if seen.contains(&id) => {
                    errors.push(ValueError::new(
                        format!("{at}.child_id"),
                        "This child is already discussed above: record each case once",
                    ));
                    None
                }
                Ok(id) => {
                    seen.push(id);
                    Some(id)
                }
            },
        };
        let discussion = errors.take(required_text(
            format!("{at}.discussion"),
            case.discussion.as_deref(),
            MAX_TEXT,
            "Enter what was discussed about this case",
        ));
        let direction = errors.take(required_text(
            format!("{at}.direction"),
            case.direction.as_deref(),
            MAX_TEXT,
            "Enter the case direction given",
        ));
        let valid = validate_actions(
            &format!("{at}.actions"),
            &case.actions,
            held_on.unwrap_or(today),
            &mut errors,
        );
        if let (Some(child_id), Some(discussion), Some(direction)) = (child, discussion, direction)
        {
            cases.push(SupervisionCase {
                child_id,
                discussion,
                direction,
            });
            for a in valid {
                actions.push((child_id, a));
            }
        }
    }
    if case_rows.is_some() && input.cases.iter().all(SupervisionCaseInput::is_blank) {
        errors.push(ValueError::new(
            "cases",
            "Add at least one case discussed, with its case direction",
        ));
    }
    errors.into_result()?;
    let (Some((supervisee, la)), Some(held_on), Some(reflection)) =
        (supervisee, held_on, reflection)
    else {
        return Err(ValueError::new("supervisee", "Select the worker you supervised").into());
    };
    let actions = actions
        .into_iter()
        .map(|(child, a): (PersonId, ValidAction)| {
            a.into_record(la.clone(), Some(child), ActionParent::Supervision(id), now)
        })
        .collect();
    Ok((
        Supervision {
            id,
            la,
            supervisor_id: supervisor,
            supervisee_id: supervisee,
            held_on,
            reflection,
            cases,
            created_at: now,
        },
        actions,
    ))
}

// --- extra-familial harm and the gangs unit ---------------------------------------------------------------

/// A flag to raise on a child.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlagInput {
    /// gang-involvement | criminal-exploitation | sexual-exploitation | missing-episodes
    pub kind: Option<String>,
    /// `YYYY-MM-DD`; blank for today.
    pub from: Option<String>,
    pub notes: Option<String>,
}

/// The end of a flag or an involvement.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EndInput {
    /// `YYYY-MM-DD`; blank for today.
    pub to: Option<String>,
}

/// Raise a flag: one open flag of each kind.
pub fn raise_flag(
    input: &FlagInput,
    child: &Person,
    file: &RecordSet,
    today: Date,
) -> Result<ChildFlag, ValueErrors> {
    let mut errors = ValueErrors::new();
    let kind = errors.take(required_code(
        "kind",
        input.kind.as_deref(),
        ChildFlagKind::parse,
        "Select the kind of harm",
    ));
    if let Some(k) = kind
        && let Some(open) = file
            .child_flags
            .iter()
            .find(|f| f.child_id == child.id && f.kind == k && f.to.is_none())
    {
        errors.push(ValueError::new(
            "kind",
            format!(
                "{} is already flagged (since {}): end that flag before raising another",
                k.label(),
                uk_date(open.from)
            ),
        ));
    }
    let from = date_or_today("from", input.from.as_deref(), today, "date", &mut errors);
    let notes = errors.take(optional_text("notes", input.notes.as_deref(), MAX_TEXT));
    errors.into_result()?;
    match (kind, from, notes) {
        (Some(kind), Some(from), Some(notes)) => Ok(ChildFlag {
            id: ChildFlagId::new(),
            la: child.la.clone(),
            child_id: child.id,
            kind,
            from,
            to: None,
            notes,
        }),
        _ => Err(ValueError::new("kind", "Select the kind of harm").into()),
    }
}

/// The end date of something open since `from`: on or after it, not in the future, and not already ended.
pub fn end_date(
    input: &EndInput,
    from: Date,
    ended: Option<Date>,
    today: Date,
) -> Result<Date, ValueErrors> {
    let mut errors = ValueErrors::new();
    if let Some(to) = ended {
        errors.push(ValueError::new(
            "to",
            format!("This already ended on {}", uk_date(to)),
        ));
    }
    let to = date_or_today("to", input.to.as_deref(), today, "end date", &mut errors);
    if let Some(to) = to
        && to < from
    {
        errors.push(ValueError::new(
            "to",
            format!("The end date must be on or after {}", uk_date(from)),
        ));
    }
    errors.into_result()?;
    to.ok_or_else(|| ValueError::new("to", "Enter the end date").into())
}

/// A specialist unit's involvement (the integrated gangs unit by default).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpecialistInvolvementInput {
    /// Blank for the integrated gangs unit.
    pub unit: Option<String>,
    /// The unit's worker, as named: required.
    pub worker_name: Option<String>,
    /// The unit's worker's user id, if they use Frontdoor.
    pub worker_id: Option<String>,
    /// `YYYY-MM-DD`; blank for today.
    pub from: Option<String>,
}

/// The worker id a specialist involvement names, if it parses (for looking them up).
pub fn involvement_worker(input: &SpecialistInvolvementInput) -> Option<UserId> {
    present(input.worker_id.as_deref()).and_then(|s| UserId::parse(s).ok())
}

/// Check a specialist involvement; `users` holds its worker if they exist.
pub fn specialist_involvement(
    input: &SpecialistInvolvementInput,
    child: &Person,
    users: &[User],
    today: Date,
) -> Result<SpecialistInvolvement, ValueErrors> {
    let mut errors = ValueErrors::new();
    let unit = errors
        .take(optional_text("unit", input.unit.as_deref(), MAX_NAME))
        .map(|u| u.unwrap_or_else(|| GANGS_UNIT.to_owned()));
    let worker_name = errors.take(required_text(
        "worker_name",
        input.worker_name.as_deref(),
        MAX_NAME,
        "Enter the name of the unit's worker",
    ));
    let worker_id = errors
        .take(check_user(
            &UserRef::in_la(
                "worker_id",
                input.worker_id.as_deref(),
                Purpose::SpecialistWorker,
                &child.la,
            ),
            users,
        ))
        .map(|u| u.map(|u| u.id));
    let from = date_or_today(
        "from",
        input.from.as_deref(),
        today,
        "start date",
        &mut errors,
    );
    errors.into_result()?;
    match (unit, worker_name, worker_id, from) {
        (Some(unit), Some(worker_name), Some(worker_id), Some(from)) => Ok(SpecialistInvolvement {
            id: SpecialistInvolvementId::new(),
            la: child.la.clone(),
            child_id: child.id,
            unit,
            worker_name,
            worker_id,
            from,
            to: None,
        }),
        _ => Err(ValueError::new("worker_name", "Enter the name of the unit's worker").into()),
    }
}

// --- closure -----------------------------------------------------------------------------------------------

/// Why a CIN episode cannot close on `date`: open plans (`plans`), unfinished section 47 enquiries
/// (`section47`), an episode already closed (`referral_id`), or a date before the episode or its records
/// (`date_field`).
pub fn closure_problems(
    file: &RecordSet,
    referral: &Referral,
    date: Date,
    today: Date,
    date_field: &'static str,
) -> Vec<ValueError> {
    let mut out = Vec::new();
    if let Some(c) = &referral.closure {
        out.push(ValueError::new(
            "referral_id",
            format!(
                "This child in need episode already closed on {}",
                uk_date(c.date)
            ),
        ));
    }
    if date > today {
        out.push(ValueError::new(
            date_field,
            "The closure date cannot be in the future",
        ));
    }
    if date < referral.referral_date {
        out.push(ValueError::new(
            date_field,
            format!(
                "The case cannot close before the referral on {}",
                uk_date(referral.referral_date)
            ),
        ));
    }
    let mut plans: Vec<_> = file
        .plans
        .iter()
        .filter(|p| p.referral_id == referral.id)
        .collect();
    plans.sort_by_key(|p| p.start_date);
    for p in plans {
        let what = p.kind.label().to_lowercase();
        match p.end_date {
            None => out.push(ValueError::new(
                "plans",
                format!(
                    "End the {what} (started {}) before closing the case",
                    uk_date(p.start_date)
                ),
            )),
            Some(end) if end > date => out.push(ValueError::new(
                date_field,
                format!(
                    "The case cannot close before the {what} ended on {}",
                    uk_date(end)
                ),
            )),
            Some(_) => {}
        }
    }
    for s in file
        .section47s
        .iter()
        .filter(|s| s.referral_id == referral.id)
    {
        match (s.outcome, s.outcome_date) {
            (None, _) => out.push(ValueError::new(
                "section47",
                format!(
                    "Record the outcome of the section 47 enquiry (started {}) before closing the case",
                    uk_date(s.start_date)
                ),
            )),
            (Some(_), Some(d)) if d > date => out.push(ValueError::new(
                date_field,
                format!(
                    "The case cannot close before the section 47 enquiry's outcome on {}",
                    uk_date(d)
                ),
            )),
            _ => {}
        }
    }
    for a in file
        .assessments
        .iter()
        .filter(|a| a.referral_id == referral.id && a.start_date > date)
    {
        out.push(ValueError::new(
            date_field,
            format!(
                "The case cannot close before the assessment started on {}",
                uk_date(a.start_date)
            ),
        ));
    }
    out
}

/// The child's open CIN episode (the latest, if the records hold more than one).
pub fn open_referral(file: &RecordSet, child: PersonId) -> Option<&Referral> {
    file.referrals
        .iter()
        .filter(|r| r.child_id == child && r.closure.is_none())
        .max_by_key(|r| (r.referral_date, r.created_at))
}

/// The open allocations of a child, ended on `date` (as updated rows).
fn end_allocations(file: &RecordSet, child: PersonId, date: Date) -> Vec<Allocation> {
    file.allocations
        .iter()
        .filter(|a| a.child_id == child && a.to.is_none())
        .map(|a| Allocation {
            to: Some(date.max(a.from)),
            ..a.clone()
        })
        .collect()
}

/// Closing a CIN episode.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClosureInput {
    /// Blank for the child's open episode.
    pub referral_id: Option<String>,
    /// `YYYY-MM-DD`; blank for today.
    pub date: Option<String>,
    /// DfE reason for closure, RC1–RC9.
    pub reason: Option<String>,
}

/// Close a CIN episode: refused while it has an open plan or an unfinished section 47 enquiry. The open
/// allocation ends on the closure date.
pub fn close_episode(
    input: &ClosureInput,
    child: &Person,
    file: &RecordSet,
    today: Date,
) -> Result<CaseChanges, ValueErrors> {
    let mut errors = ValueErrors::new();
    let referral = match present(input.referral_id.as_deref()) {
        None => {
            let r = open_referral(file, child.id);
            if r.is_none() {
                errors.push(ValueError::new(
                    "referral_id",
                    "The child has no open child in need episode to close",
                ));
            }
            r
        }
        Some(s) => {
            let r = ReferralId::parse(s)
                .ok()
                .and_then(|id| file.referrals.iter().find(|r| r.id == id));
            if r.is_none() {
                errors.push(ValueError::new(
                    "referral_id",
                    "Select one of the child's child in need episodes",
                ));
            }
            r
        }
    };
    let date = match present(input.date.as_deref()) {
        None => Some(today),
        Some(s) => errors.take(parse_input_date("date", s, DateRange::Happened { today })),
    };
    let reason = errors.take(required_code(
        "reason",
        input.reason.as_deref(),
        ClosureReason::parse,
        "Select the reason for closure",
    ));
    if let (Some(r), Some(d)) = (referral, date) {
        for e in closure_problems(file, r, d, today, "date") {
            errors.push(e);
        }
    }
    errors.into_result()?;
    match (referral, date, reason) {
        (Some(r), Some(date), Some(reason)) => Ok(CaseChanges {
            created: RecordSet::default(),
            updated: RecordSet {
                referrals: vec![Referral {
                    closure: Some(Closure { date, reason }),
                    ..r.clone()
                }],
                allocations: end_allocations(file, child.id, date),
                ..RecordSet::default()
            },
        }),
        _ => Err(ValueError::new("reason", "Select the reason for closure").into()),
    }
}

// --- early help ------------------------------------------------------------------------------------------

/// An early help episode, perhaps stepped down from a CIN case.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EarlyHelpInput {
    pub lead_practitioner: Option<String>,
    /// Agency code: police | health | education | probation | housing | youth-justice | social-care | other.
    pub lead_agency: Option<String>,
    pub reason: Option<String>,
    /// `YYYY-MM-DD`; blank for today.
    pub start_date: Option<String>,
    /// Required when stepping down from a CIN case.
    pub next_steps: Option<String>,
    /// The CIN episode (referral id) stepped down from.
    pub stepped_down_from: Option<String>,
    /// Close that CIN episode ("case closed after assessment, referred to early help", RC9) on the start date.
    pub close_episode: Option<bool>,
}

/// Start an early help episode. Stepped down from a CIN case, it needs next steps, and may close the CIN
/// episode (RC9) under the closure rule. It waits for a manager's oversight (a manager's own carries it).
pub fn step_down(
    input: &EarlyHelpInput,
    child: &Person,
    file: &RecordSet,
    by: Option<UserId>,
    role: Role,
    now: Timestamp,
    today: Date,
) -> Result<CaseChanges, ValueErrors> {
    let mut errors = ValueErrors::new();
    let lead_practitioner = errors.take(required_text(
        "lead_practitioner",
        input.lead_practitioner.as_deref(),
        MAX_NAME,
        "Enter the lead practitioner",
    ));
    let lead_agency = errors.take(required_code(
        "lead_agency",
        input.lead_agency.as_deref(),
        Agency::parse,
        "Select the lead practitioner's agency",
    ));
    let reason = errors.take(required_text(
        "reason",
        input.reason.as_deref(),
        MAX_TEXT,
        "Enter why the family needs early help",
    ));
    let start_date = date_or_today(
        "start_date",
        input.start_date.as_deref(),
        today,
        "start date",
        &mut errors,
    );
    let from = optional_id(
        "stepped_down_from",
        input.stepped_down_from.as_deref(),
        ReferralId::parse,
        &mut errors,
    )
    .and_then(|id| match id {
        None => Some(None),
        Some(id) => match file
            .referrals
            .iter()
            .find(|r| r.id == id && r.child_id == child.id)
        {
            Some(r) => Some(Some(r)),
            None => {
                errors.push(ValueError::new(
                    "stepped_down_from",
                    "Select one of the child's child in need episodes",
                ));
                None
            }
        },
    });
    let stepping_down = matches!(from, Some(Some(_)));
    let next_steps = if stepping_down {
        errors.take(
            required_text(
                "next_steps",
                input.next_steps.as_deref(),
                MAX_TEXT,
                "Enter the next steps for the family: they are required when stepping down from a child in need case",
            )
            .map(Some),
        )
    } else {
        errors.take(optional_text(
            "next_steps",
            input.next_steps.as_deref(),
            MAX_TEXT,
        ))
    };
    if let Some(open) = file
        .early_help_episodes
        .iter()
        .find(|e| e.child_id == child.id && e.end_date.is_none())
    {
        errors.push(ValueError::new(
            "start_date",
            format!(
                "The child already has an open early help episode (started {}): end it first",
                uk_date(open.start_date)
            ),
        ));
    }
    let close = input.close_episode.unwrap_or(false);
    let mut updated = RecordSet::default();
    if close {
        match (from, start_date) {
            (Some(None), _) => errors.push(ValueError::new(
                "close_episode",
                "Select the child in need episode stepped down from, to close it",
            )),
            (Some(Some(r)), Some(d)) => {
                for e in closure_problems(file, r, d, today, "start_date") {
                    let e = if e.field == "referral_id" {
                        e.for_field("close_episode")
                    } else {
                        e
                    };
                    errors.push(e);
                }
                updated.referrals.push(Referral {
                    closure: Some(Closure {
                        date: d,
                        reason: ClosureReason::ClosedAfterAssessmentReferredToEarlyHelp,
                    }),
                    ..r.clone()
                });
                updated.allocations = end_allocations(file, child.id, d);
            }
            _ => {}
        }
    }
    errors.into_result()?;
    let oversight = crate::front_door::is_manager(role)
        .then_some(by)
        .flatten()
        .map(|u| (u, now));
    match (
        lead_practitioner,
        lead_agency,
        reason,
        start_date,
        from,
        next_steps,
    ) {
        (
            Some(lead_practitioner),
            Some(lead_agency),
            Some(reason),
            Some(start_date),
            Some(from),
            Some(next_steps),
        ) => Ok(CaseChanges {
            created: RecordSet {
                early_help_episodes: vec![EarlyHelpEpisode {
                    id: EarlyHelpEpisodeId::new(),
                    la: child.la.clone(),
                    child_id: child.id,
                    contact_id: None,
                    stepped_down_from: from.map(|r| r.id),
                    lead_practitioner,
                    lead_agency,
                    reason,
                    start_date,
                    end_date: None,
                    end_reason: None,
                    next_steps,
                    oversight_by: oversight.map(|(u, _)| u),
                    oversight_at: oversight.map(|(_, t)| t),
                    stepped_up_to: None,
                    created_at: now,
                }],
                ..RecordSet::default()
            },
            updated,
        }),
        _ => Err(ValueError::new("lead_practitioner", "Enter the lead practitioner").into()),
    }
}

/// A manager's oversight of an early help episode (once).
pub fn oversee_early_help(
    episode: &EarlyHelpEpisode,
    by: UserId,
    now: Timestamp,
) -> Result<EarlyHelpEpisode, ValueErrors> {
    if let Some(at) = episode.oversight_at {
        return Err(ValueError::new(
            "oversight",
            format!(
                "Management oversight was already recorded on {}",
                uk_date(crate::datetime::london_date(at))
            ),
        )
        .into());
    }
    Ok(EarlyHelpEpisode {
        oversight_by: Some(by),
        oversight_at: Some(now),
        ..episode.clone()
    })
}

/// Stepping an early help episode up to children's social care.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepUpInput {
    /// `YYYY-MM-DD`; blank for today.
    pub referral_date: Option<String>,
    /// DfE referral source code (e.g. 5D: LA early help).
    pub source: Option<String>,
    /// Why risk has risen: required.
    pub reason: Option<String>,
    /// DfE N-code, if known now.
    pub primary_need: Option<String>,
}

/// Step up: a new referral (CIN episode), the episode ended (`stepped-up`, pointing to it), and a case note
/// carrying the early help history. Refused while the child has an open referral.
pub fn step_up(
    input: &StepUpInput,
    episode: &EarlyHelpEpisode,
    child: &Person,
    file: &RecordSet,
    by: Option<UserId>,
    now: Timestamp,
    today: Date,
) -> Result<CaseChanges, ValueErrors> {
    let mut errors = ValueErrors::new();
    if let Some(end) = episode.end_date {
        errors.push(ValueError::new(
            "episode",
            format!("This early help episode already ended on {}", uk_date(end)),
        ));
    }
    if let Some(open) = open_referral(file, child.id) {
        errors.push(ValueError::new(
            "referral",
            format!(
                "The child already has an open child in need episode (referred {}): record the new concerns there",
                uk_date(open.referral_date)
            ),
        ));
    }
    let referral_date = date_or_today(
        "referral_date",
        input.referral_date.as_deref(),
        today,
        "referral date",
        &mut errors,
    );
    if let Some(d) = referral_date
        && d < episode.start_date
    {
        errors.push(ValueError::new(
            "referral_date",
            format!(
                "The referral date must be on or after the early help episode started, {}",
                uk_date(episode.start_date)
            ),
        ));
    }
    let source = errors.take(required_code(
        "source",
        input.source.as_deref(),
        ReferralSource::parse,
        "Select the referral source",
    ));
    let reason = errors.take(required_text(
        "reason",
        input.reason.as_deref(),
        MAX_TEXT,
        "Enter why the case is stepping up: what has changed",
    ));
    let primary_need = errors.take(optional_code(
        "primary_need",
        input.primary_need.as_deref(),
        PrimaryNeed::parse,
    ));
    errors.into_result()?;
    let (Some(referral_date), Some(source), Some(reason), Some(primary_need)) =
        (referral_date, source, reason, primary_need)
    else {
        return Err(ValueError::new("reason", "Enter why the case is stepping up").into());
    };
    let referral = Referral {
        id: ReferralId::new(),
        la: child.la.clone(),
        child_id: child.id,
        contact_id: None,
        referral_date,
        source,
        primary_need,
        nfa: false,
        closure: None,
        created_at: now,
    };
    let note = CaseNote::new(
        CaseNoteId::new(),
        child.la.clone(),
        child.id,
        CaseNoteKind::Other,
        by,
        now,
        step_up_history(episode, &reason, referral_date),
    );
    let ended = EarlyHelpEpisode {
        end_date: Some(referral_date),
        end_reason: Some(EarlyHelpEndReason::SteppedUp),
        stepped_up_to: Some(referral.id),
        ..episode.clone()
    };
    Ok(CaseChanges {
        created: RecordSet {
            referrals: vec![referral],
            case_notes: vec![note],
            ..RecordSet::default()
        },
        updated: RecordSet {
            early_help_episodes: vec![ended],
            ..RecordSet::default()
        },
    })
}

/// The case note a step-up leaves on the new referral: why, and the early help that came before.
pub fn step_up_history(episode: &EarlyHelpEpisode, reason: &str, on: Date) -> String {
    let mut t = format!(
        "Stepped up from early help to children's social care on {}.\nReason for stepping up: {reason}\n\n\
         Early help episode: {} to {}.\nLead practitioner: {} ({}).\nReason for early help: {}",
        uk_date(on),
        uk_date(episode.start_date),
        uk_date(on),
        episode.lead_practitioner,
        episode.lead_agency.label(),
        episode.reason,
    );
    if let Some(n) = &episode.next_steps {
        t.push_str(&format!("\nNext steps agreed: {n}"));
    }
    if episode.stepped_down_from.is_some() {
        t.push_str("\nThe episode was stepped down from an earlier child in need case.");
    }
    t
}

/// Ending an early help episode.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EndEarlyHelpInput {
    /// `YYYY-MM-DD`; blank for today.
    pub end_date: Option<String>,
    /// needs-met | declined | moved | other (stepping up has its own action).
    pub end_reason: Option<String>,
}

/// End an early help episode (not by stepping up: that has its own action).
pub fn end_early_help(
    input: &EndEarlyHelpInput,
    episode: &EarlyHelpEpisode,
    today: Date,
) -> Result<EarlyHelpEpisode, ValueErrors> {
    let mut errors = ValueErrors::new();
    if let Some(end) = episode.end_date {
        errors.push(ValueError::new(
            "end_date",
            format!("This episode already ended on {}", uk_date(end)),
        ));
    }
    let end_date = date_or_today(
        "end_date",
        input.end_date.as_deref(),
        today,
        "end date",
        &mut errors,
    );
    if let Some(d) = end_date
        && d < episode.start_date
    {
        errors.push(ValueError::new(
            "end_date",
            format!(
                "The end date must be on or after the episode started, {}",
                uk_date(episode.start_date)
            ),
        ));
    }
    let reason = errors.take(required_code(
        "end_reason",
        input.end_reason.as_deref(),
        EarlyHelpEndReason::parse,
        "Select why the episode ended",
    ));
    if reason == Some(EarlyHelpEndReason::SteppedUp) {
        errors.push(ValueError::new(
            "end_reason",
            "To step up to children's social care, use \"Step up\": it starts the referral",
        ));
    }
    errors.into_result()?;
    match (end_date, reason) {
        (Some(end_date), Some(reason)) => Ok(EarlyHelpEpisode {
            end_date: Some(end_date),
            end_reason: Some(reason),
            ..episode.clone()
        }),
        _ => Err(ValueError::new("end_reason", "Select why the episode ended").into()),
    }
}

// --- allocation ------------------------------------------------------------------------------------------

/// Allocating the child's case to a worker.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllocationInput {
    /// The worker's user id.
    pub worker: Option<String>,
    /// A team id; blank for the worker's team.
    pub team: Option<String>,
    /// `YYYY-MM-DD`; blank for today.
    pub from: Option<String>,
}

/// The worker and team an allocation names, if they parse (for looking them up).
pub fn allocation_refs(input: &AllocationInput) -> (Option<UserId>, Option<TeamId>) {
    (
        present(input.worker.as_deref()).and_then(|s| UserId::parse(s).ok()),
        present(input.team.as_deref()).and_then(|s| TeamId::parse(s).ok()),
    )
}

/// Allocate the case: the current allocation ends (`to` = the new one's `from`) and the new one starts. The
/// worker must hold cases in the child's LA; the team (the worker's, unless named) must be the LA's.
pub fn allocate(
    input: &AllocationInput,
    child: &Person,
    file: &RecordSet,
    users: &[User],
    teams: &[Team],
    today: Date,
) -> Result<CaseChanges, ValueErrors> {
    let mut errors = ValueErrors::new();
    let worker = match check_user(
        &UserRef::in_la(
            "worker",
            input.worker.as_deref(),
            Purpose::AllocatedWorker,
            &child.la,
        ),
        users,
    ) {
        Ok(Some(u)) => Some(u),
        Ok(None) => {
            errors.push(ValueError::new(
                "worker",
                "Select the worker to allocate the case to",
            ));
            None
        }
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let team = match check_team(
        &TeamRef {
            field: "team".into(),
            value: input.team.as_deref(),
            la: child.la.clone(),
        },
        teams,
    ) {
        Ok(Some(t)) => Some(Some(t.id)),
        Ok(None) => Some(worker.and_then(|w| w.team_id)),
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let from = date_or_today(
        "from",
        input.from.as_deref(),
        today,
        "allocation date",
        &mut errors,
    );
    let current: Vec<&Allocation> = file
        .allocations
        .iter()
        .filter(|a| a.child_id == child.id && a.to.is_none())
        .collect();
    if let Some(from) = from
        && let Some(latest) = current.iter().map(|a| a.from).max()
        && from < latest
    {
        errors.push(ValueError::new(
            "from",
            format!(
                "The allocation must start on or after the current one started, {}",
                uk_date(latest)
            ),
        ));
    }
    if let Some(w) = worker
        && current.iter().any(|a| a.worker_id == w.id)
    {
        errors.push(ValueError::new(
            "worker",
            format!("The case is already allocated to {}", w.display_name),
        ));
    }
    errors.into_result()?;
    match (worker, team, from) {
        (Some(w), Some(team_id), Some(from)) => Ok(CaseChanges {
            created: RecordSet {
                allocations: vec![Allocation {
                    id: AllocationId::new(),
                    la: child.la.clone(),
                    child_id: child.id,
                    worker_id: w.id,
                    team_id,
                    from,
                    to: None,
                }],
                ..RecordSet::default()
            },
            updated: RecordSet {
                allocations: end_allocations(file, child.id, from),
                ..RecordSet::default()
            },
        }),
        _ => Err(ValueError::new("worker", "Select the worker to allocate the case to").into()),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

    use super::*;
    use crate::codes::{PlanKind, Section47Outcome};
    use crate::ids::{PlanId, Section47Id, StrategyDiscussionId};
    use crate::records::{Plan, Section47};
    use proptest::prelude::*;

    fn day(s: &str) -> Date {
        crate::datetime::parse_date("test", s).unwrap()
    }

    fn now() -> Timestamp {
        "2024-06-10T10:00:00Z".parse().unwrap()
    }

    fn child() -> Person {
        let mut p: Person = serde_json::from_value(serde_json::json!({
            "id": PersonId::new(), "la": "213", "is_child": true, "la_child_id": null,
            "first_name": "Ava", "last_name": "Test", "other_names": null, "date_of_birth": "2015-01-01",
            "expected_date_of_birth": null, "date_of_death": null, "sex": "F", "gender_identity": null,
            "ethnicity": null, "disabilities": [], "upn": null, "former_upn": null, "upn_unknown": null,
            "nhs_number": null, "first_language": null, "religion": null, "restricted": false,
            "created_at": "2024-01-01T00:00:00Z"
        }))
        .unwrap();
        p.la = LaCode::parse("213").unwrap();
        p
    }

    fn user(role: Role) -> User {
        User {
            id: UserId::new(),
            username: format!("u{}", UserId::new()),
            display_name: "Sam Worker".into(),
            role,
            agency: None,
            las: vec![LaCode::parse("213").unwrap()],
            team_id: Some(TeamId::new()),
            disabled: false,
            created_at: now(),
        }
    }

    fn referral(child: &Person, on: &str) -> Referral {
        Referral {
            id: ReferralId::new(),
            la: child.la.clone(),
            child_id: child.id,
            contact_id: None,
            referral_date: day(on),
            source: ReferralSource::Schools,
            primary_need: Some(PrimaryNeed::AbuseOrNeglect),
            nfa: false,
            closure: None,
            created_at: now(),
        }
    }

    fn plan(child: &Person, r: &Referral, start: &str, end: Option<&str>) -> Plan {
        Plan {
            id: PlanId::new(),
            la: child.la.clone(),
            child_id: child.id,
            referral_id: r.id,
            kind: PlanKind::ChildInNeed,
            start_date: day(start),
            end_date: end.map(day),
            end_reason: None,
            needs: "Needs".into(),
            desired_outcomes: "Outcomes".into(),
            initial_category: None,
            latest_category: None,
            next_review_on: None,
            previous_cp_plans: None,
            created_at: now(),
        }
    }

    fn fields(e: &ValueErrors) -> Vec<String> {
        e.0.iter().map(|e| e.field.to_string()).collect()
    }

    fn action(d: &str, o: &str, due: &str) -> ActionInput {
        ActionInput {
            description: Some(d.into()),
            owner: Some(o.into()),
            due_on: Some(due.into()),
        }
    }

    #[test]
    fn supervision_needs_reflection_a_direction_and_dated_actions() {
        let me = user(Role::TeamManager);
        let worker = user(Role::SocialWorker);
        let c1 = PersonId::new();
        let c2 = PersonId::new();
        let input = SupervisionInput {
            supervisee: Some(worker.id.to_string()),
            held_on: Some("2024-06-07".into()),
            reflection: Some("Talked about the impact of the work".into()),
            cases: vec![
                SupervisionCaseInput {
                    child_id: Some(c1.to_string()),
                    discussion: Some("School attendance".into()),
                    direction: Some("Visit weekly".into()),
                    actions: vec![
                        action("Visit at school", "Social worker", "2024-06-14"),
                        ActionInput::default(),
                    ],
                },
                SupervisionCaseInput {
                    child_id: Some(c2.to_string()),
                    discussion: Some("Mother's health".into()),
                    direction: Some("Ask the GP".into()),
                    actions: vec![action("Call the GP", "Social worker", "2024-06-11")],
                },
                SupervisionCaseInput::default(),
            ],
        };
        let (sup, actions) = supervision(
            &input,
            me.id,
            &me.las,
            &me.las,
            std::slice::from_ref(&worker),
            now(),
            day("2024-06-10"),
        )
        .unwrap();
        assert_eq!(sup.cases.len(), 2);
        assert_eq!(sup.supervisee_id, worker.id);
        assert_eq!(actions.len(), 2);
        assert_eq!(actions[0].child_id, Some(c1));
        assert_eq!(actions[1].parent, ActionParent::Supervision(sup.id));

        let mut bad = input.clone();
        bad.reflection = None;
        bad.cases[0].actions[0].owner = None;
        bad.cases[1].actions[0].due_on = None;
        bad.cases[1].direction = Some(" ".into());
        let e = supervision(
            &bad,
            me.id,
            &me.las,
            &me.las,
            std::slice::from_ref(&worker),
            now(),
            day("2024-06-10"),
        )
        .unwrap_err();
        assert_eq!(
            fields(&e),
            [
                "reflection",
                "cases[0].actions[0].owner",
                "cases[1].direction",
                "cases[1].actions[0].due_on"
            ]
        );
    }

    #[test]
    fn supervision_refuses_an_unknown_supervisee_a_repeated_child_and_no_cases() {
        let me = user(Role::TeamManager);
        let c = PersonId::new().to_string();
        let row = |id: &str| SupervisionCaseInput {
            child_id: Some(id.into()),
            discussion: Some("d".into()),
            direction: Some("d".into()),
            actions: vec![],
        };
        let input = SupervisionInput {
            supervisee: Some(UserId::new().to_string()),
            held_on: Some("2024-06-11".into()),
            reflection: Some("r".into()),
            cases: vec![row(&c), row(&c)],
        };
        let e =
            supervision(&input, me.id, &me.las, &[], &[], now(), day("2024-06-10")).unwrap_err();
        assert_eq!(fields(&e), ["supervisee", "held_on", "cases[1].child_id"]);
        let e = supervision(
            &SupervisionInput::default(),
            me.id,
            &me.las,
            &[],
            &[],
            now(),
            day("2024-06-10"),
        )
        .unwrap_err();
        assert_eq!(fields(&e), ["supervisee", "reflection", "cases"]);
    }

    #[test]
    fn a_closure_is_refused_while_a_plan_is_open() {
        let c = child();
        let r = referral(&c, "2024-05-01");
        let mut file = RecordSet {
            referrals: vec![r.clone()],
            plans: vec![plan(&c, &r, "2024-05-03", None)],
            ..RecordSet::default()
        };
        let input = ClosureInput {
            referral_id: None,
            date: Some("2024-06-07".into()),
            reason: Some("RC7".into()),
        };
        let e = close_episode(&input, &c, &file, day("2024-06-10")).unwrap_err();
        assert_eq!(fields(&e), ["plans"]);
        assert_eq!(
            e.0[0].problem,
            "End the child in need plan (started 3 May 2024) before closing the case"
        );
        file.plans[0].end_date = Some(day("2024-06-05"));
        file.section47s.push(Section47 {
            id: Section47Id::new(),
            la: c.la.clone(),
            child_id: c.id,
            referral_id: r.id,
            strategy_discussion_id: StrategyDiscussionId::new(),
            start_date: day("2024-05-02"),
            icpc_due_on: day("2024-05-23"),
            outcome_date: None,
            outcome: None,
            icpc_required: None,
            created_at: now(),
            findings: None,
            child_seen: None,
            child_seen_alone: None,
            seen_on: None,
            not_seen_reason: None,
            analysis: None,
        });
        let e = close_episode(&input, &c, &file, day("2024-06-10")).unwrap_err();
        assert_eq!(fields(&e), ["section47"]);
        file.section47s[0].outcome = Some(Section47Outcome::ALL[0]);
        file.section47s[0].outcome_date = Some(day("2024-05-20"));
        file.allocations.push(Allocation {
            id: AllocationId::new(),
            la: c.la.clone(),
            child_id: c.id,
            worker_id: UserId::new(),
            team_id: None,
            from: day("2024-05-01"),
            to: None,
        });
        let ok = close_episode(&input, &c, &file, day("2024-06-10")).unwrap();
        assert_eq!(
            ok.updated.referrals[0].closure,
            Some(Closure {
                date: day("2024-06-07"),
                reason: ClosureReason::ServicesCeased
            })
        );
        assert_eq!(ok.updated.allocations[0].to, Some(day("2024-06-07")));
        // Not before the plan ended.
        let early = ClosureInput {
            date: Some("2024-06-04".into()),
            ..input
        };
        let e = close_episode(&early, &c, &file, day("2024-06-10")).unwrap_err();
        assert_eq!(fields(&e), ["date"]);
    }

    #[test]
    fn step_down_needs_next_steps_and_step_up_carries_the_history() {
        let c = child();
        let r = referral(&c, "2024-04-01");
        let file = RecordSet {
            referrals: vec![r.clone()],
            ..RecordSet::default()
        };
        let worker = user(Role::SocialWorker);
        let mut input = EarlyHelpInput {
            lead_practitioner: Some("Jo Family Worker".into()),
            lead_agency: Some("education".into()),
            reason: Some("Support with routines".into()),
            start_date: Some("2024-06-03".into()),
            next_steps: None,
            stepped_down_from: Some(r.id.to_string()),
            close_episode: Some(true),
        };
        let e = step_down(
            &input,
            &c,
            &file,
            Some(worker.id),
            worker.role,
            now(),
            day("2024-06-10"),
        )
        .unwrap_err();
        assert_eq!(fields(&e), ["next_steps"]);
        input.next_steps = Some("Parenting course; review in 6 weeks".into());
        let ch = step_down(
            &input,
            &c,
            &file,
            Some(worker.id),
            worker.role,
            now(),
            day("2024-06-10"),
        )
        .unwrap();
        let ep = ch.created.early_help_episodes[0].clone();
        assert!(
            ep.oversight_at.is_none(),
            "a worker's step-down waits for oversight"
        );
        assert_eq!(
            ch.updated.referrals[0].closure.as_ref().unwrap().reason,
            ClosureReason::ClosedAfterAssessmentReferredToEarlyHelp
        );
        let manager = user(Role::TeamManager);
        let ep = oversee_early_help(&ep, manager.id, now()).unwrap();
        assert!(oversee_early_help(&ep, manager.id, now()).is_err());

        // Step-up while the CIN episode is still open is refused.
        let up = StepUpInput {
            referral_date: Some("2024-06-10".into()),
            source: Some("5D".into()),
            reason: Some("Missing from home twice".into()),
            primary_need: None,
        };
        let e = step_up(
            &up,
            &ep,
            &c,
            &file,
            Some(worker.id),
            now(),
            day("2024-06-10"),
        )
        .unwrap_err();
        assert_eq!(fields(&e), ["referral"]);
        let closed = RecordSet {
            referrals: ch.updated.referrals.clone(),
            early_help_episodes: vec![ep.clone()],
            ..RecordSet::default()
        };
        let ch = step_up(
            &up,
            &ep,
            &c,
            &closed,
            Some(worker.id),
            now(),
            day("2024-06-10"),
        )
        .unwrap();
        let new = &ch.created.referrals[0];
        let ended = &ch.updated.early_help_episodes[0];
        assert_eq!(ended.stepped_up_to, Some(new.id));
        assert_eq!(ended.end_reason, Some(EarlyHelpEndReason::SteppedUp));
        let note = &ch.created.case_notes[0].text;
        assert!(note.contains("Jo Family Worker"), "{note}");
        assert!(note.contains("Parenting course"), "{note}");
        assert!(note.contains("3 June 2024"), "{note}");
    }

    #[test]
    fn allocation_ends_the_current_one_and_needs_a_case_holder() {
        let c = child();
        let old = user(Role::SocialWorker);
        let new = user(Role::SocialWorker);
        let auditor = user(Role::Auditor);
        let file = RecordSet {
            allocations: vec![Allocation {
                id: AllocationId::new(),
                la: c.la.clone(),
                child_id: c.id,
                worker_id: old.id,
                team_id: old.team_id,
                from: day("2024-01-01"),
                to: None,
            }],
            ..RecordSet::default()
        };
        let users = [old.clone(), new.clone(), auditor.clone()];
        let input = AllocationInput {
            worker: Some(new.id.to_string()),
            team: None,
            from: Some("2024-06-03".into()),
        };
        let ch = allocate(&input, &c, &file, &users, &[], day("2024-06-10")).unwrap();
        assert_eq!(ch.created.allocations[0].team_id, new.team_id);
        assert_eq!(ch.updated.allocations[0].to, Some(day("2024-06-03")));
        let bad = AllocationInput {
            worker: Some(auditor.id.to_string()),
            ..input.clone()
        };
        assert_eq!(
            fields(&allocate(&bad, &c, &file, &users, &[], day("2024-06-10")).unwrap_err()),
            ["worker"]
        );
        let same = AllocationInput {
            worker: Some(old.id.to_string()),
            ..input
        };
        assert_eq!(
            fields(&allocate(&same, &c, &file, &users, &[], day("2024-06-10")).unwrap_err()),
            ["worker"]
        );
    }

    #[test]
    fn one_open_flag_of_each_kind() {
        let c = child();
        let input = FlagInput {
            kind: Some("gang-involvement".into()),
            from: Some("2024-06-01".into()),
            notes: None,
        };
        let f = raise_flag(&input, &c, &RecordSet::default(), day("2024-06-10")).unwrap();
        let file = RecordSet {
            child_flags: vec![f.clone()],
            ..RecordSet::default()
        };
        assert_eq!(
            fields(&raise_flag(&input, &c, &file, day("2024-06-10")).unwrap_err()),
            ["kind"]
        );
        let other = FlagInput {
            kind: Some("missing-episodes".into()),
            ..input
        };
        assert!(raise_flag(&other, &c, &file, day("2024-06-10")).is_ok());
        assert_eq!(
            end_date(
                &EndInput {
                    to: Some("2024-05-31".into())
                },
                f.from,
                None,
                day("2024-06-10")
            )
            .map_err(|e| fields(&e)),
            Err(vec!["to".to_owned()])
        );
    }

    proptest! {
        /// Any closure date in range is accepted exactly when it falls between the referral (or the plan's end)
        /// and today.
        #[test]
        fn closure_dates_between_the_episode_and_today(offset in -400i64..400) {
            let c = child();
            let r = referral(&c, "2024-01-10");
            let mut p = plan(&c, &r, "2024-01-20", Some("2024-03-01"));
            p.kind = PlanKind::ChildInNeed;
            let file = RecordSet { referrals: vec![r.clone()], plans: vec![p], ..RecordSet::default() };
            let today = day("2024-06-10");
            let date = today.checked_add(jiff::Span::new().days(offset)).unwrap();
            let problems = closure_problems(&file, &r, date, today, "date");
            let ok = date >= day("2024-03-01") && date <= today;
            prop_assert_eq!(problems.is_empty(), ok);
        }
    }
}
