//! Child protection's rules: strategy discussions (who took part, who did not and why, the decision and its
//! dated actions), the section 47 enquiry a discussion starts and its outcome, initial and review child
//! protection conferences (the child protection plan they make, continue or end) and core groups.
//!
//! Pure functions over the child's case file as read ([`CaseFacts`]): each takes what a user typed (an input
//! struct of optional text, so every problem is reported together against its API field name) and returns the
//! records to create and the whole rows to update. A meeting that is due but not held is a row with
//! `held_on: None` and its `due_on` set: the worklists read those rows, so every change here keeps them right.
//!
//! | event | schedules |
//! |---|---|
//! | strategy discussion decides on a section 47 enquiry | the enquiry, its ICPC due 15 working days after the discussion |
//! | section 47 outcome: ICPC required | the initial conference (kind `initial`), due on the enquiry's ICPC date |
//! | ICPC makes a child protection plan | the plan; the first core group (10 working days); the first review conference (3 months) |
//! | review conference continues the plan | the next review conference (6 months) |
//! | core group held (plan still open) | the next core group, `core_group_every_wd` working days later |

use serde::Deserialize;

use crate::actions::{ActionInput, validate_actions};
use crate::calendar::Calendar;
use crate::chronology::uk_date;
use crate::clocks;
use crate::codes::{
    AbuseCategory, Agency, ConferenceKind, ConferenceOutcome, PlanKind, Section47Outcome,
    StrategyDecision,
};
use crate::datetime::{Date, Timestamp, london_date, parse_date};
use crate::error::{ValueError, ValueErrors};
use crate::front_door::{is_out_of_hours, parse_date_time};
use crate::identifiers::LaCode;
use crate::ids::{
    ChildId, ConferenceId, CoreGroupId, PlanId, ReferralId, Section47Id, StrategyDiscussionId,
    UserId,
};
use crate::records::{
    AbsentAgency, Action, ActionParent, Conference, CoreGroup, LaSettings, Participant, Plan,
    RecordSet, Referral, Section47, StrategyDiscussion,
};
use crate::validation::{
    MAX_NAME, MAX_TEXT, optional_text, present, required_code, required_text,
};

/// How far ahead of the server's clock a time the user entered may be (clocks differ), as for contacts.
const FUTURE_LEEWAY_SECONDS: i64 = 300;

/// What the rules need to know about the child's case: the child, the LA, the calendar, every record about the
/// child, the time and who is recording.
#[derive(Clone, Copy, Debug)]
pub struct CaseFacts<'a> {
    pub child_id: ChildId,
    pub la: &'a LaCode,
    pub settings: &'a LaSettings,
    pub calendar: &'a Calendar,
    pub file: &'a RecordSet,
    pub now: Timestamp,
    pub recorded_by: Option<UserId>,
}

impl CaseFacts<'_> {
    fn today(&self) -> Date {
        london_date(self.now)
    }

    /// The child's open referral (CIN episode with no closure), the latest if several.
    pub fn open_referral(&self) -> Option<&Referral> {
        open_referral(self.file, self.child_id)
    }
}

/// The child's open referral (a CIN episode not closed), the latest if there are several.
pub fn open_referral(file: &RecordSet, child: ChildId) -> Option<&Referral> {
    file.referrals
        .iter()
        .filter(|r| r.child_id == child && r.closure.is_none())
        .max_by_key(|r| (r.referral_date, r.created_at))
}

/// How an agency is named in a sentence: "the police", "health".
pub fn agency_in_sentence(a: Agency) -> &'static str {
    match a {
        Agency::Police => "the police",
        Agency::Health => "health",
        Agency::Education => "education",
        Agency::Probation => "probation",
        Agency::Housing => "housing",
        Agency::YouthJustice => "youth justice",
        Agency::SocialCare => "children's social care",
        Agency::Other => "the other agency",
    }
}

/// A required date, not in the future.
fn past_date(
    field: &'static str,
    v: Option<&str>,
    missing: &str,
    today: Date,
    future: &str,
) -> Result<Date, ValueError> {
    let s = present(v).ok_or_else(|| ValueError::new(field, missing))?;
    let d = parse_date(field, s)?;
    if d > today {
        return Err(ValueError::new(field, future));
    }
    Ok(d)
}

// ---------------------------------------------------------------------------------------------------------------
// 1. Strategy discussions.

/// Someone who took part, as typed.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParticipantInput {
    pub name: Option<String>,
    /// `police`, `health`, `education`, `probation`, `housing`, `youth-justice`, `social-care`, `other`.
    pub agency: Option<String>,
    pub role: Option<String>,
}

impl ParticipantInput {
    /// Nothing typed: a spare row of a form.
    pub fn is_blank(&self) -> bool {
        present(self.name.as_deref()).is_none()
            && present(self.agency.as_deref()).is_none()
            && present(self.role.as_deref()).is_none()
    }
}

/// An expected agency that did not take part, and why, as typed.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AbsentAgencyInput {
    pub agency: Option<String>,
    pub reason: Option<String>,
}

/// A strategy discussion as typed (the API body; the form is turned into one).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StrategyInput {
    /// Only on `POST /api/v1/strategy-discussions` (the child's path gives it otherwise).
    pub child_id: Option<String>,
    /// RFC 3339, or London local `YYYY-MM-DDTHH:MM`.
    pub held_at: Option<String>,
    /// Default: worked out from the time and the LA's working hours.
    pub out_of_hours: Option<bool>,
    #[serde(default)]
    pub participants: Vec<ParticipantInput>,
    #[serde(default)]
    pub absent_agencies: Vec<AbsentAgencyInput>,
    pub information_shared: Option<String>,
    /// `section-47` | `no-section-47`.
    pub decision: Option<String>,
    /// Required without a section 47 enquiry: what happens instead.
    pub alternative: Option<String>,
    #[serde(default)]
    pub actions: Vec<ActionInput>,
    /// A review strategy meeting: the first discussion's id.
    pub review_of: Option<String>,
    /// Default: the child's open referral.
    pub referral_id: Option<String>,
}

/// A strategy discussion that passed every check: the records to create.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewStrategyDiscussion {
    pub discussion: StrategyDiscussion,
    pub actions: Vec<Action>,
    /// The section 47 enquiry the discussion started, if it decided on one.
    pub section47: Option<Section47>,
}

/// Check a strategy discussion and make its records. Every problem is reported together:
///
/// - `held_at` required, not in the future; `out_of_hours` defaults to the LA's working hours.
/// - at least one participant; each with a name and an agency (role optional).
/// - police, health and education each took part or have a reason they did not (`absent_agencies.<agency>`);
///   a discussion held with the police alone, with reasons for the others, saves but is flagged
///   ([`StrategyDiscussion::partner_flag`]).
/// - `information_shared` and `decision` required; `alternative` required when there is no section 47 enquiry.
/// - actions: each with an owner and a due date on or after the discussion.
/// - `review_of`: another strategy discussion of this child, held before this one.
/// - `referral_id`: one of the child's referrals (default: the open one); a section 47 enquiry needs it open.
pub fn record_strategy_discussion(
    input: &StrategyInput,
    facts: &CaseFacts<'_>,
) -> Result<NewStrategyDiscussion, ValueErrors> {
    let mut errors = ValueErrors::new();
    let held_at = errors.take(
        match present(input.held_at.as_deref()) {
            None => Err(ValueError::new(
                "held_at",
                "Enter when the strategy discussion was held",
            )),
            Some(s) => parse_date_time("held_at", s),
        }
        .and_then(|t| {
            if t.as_second() > facts.now.as_second() + FUTURE_LEEWAY_SECONDS {
                Err(ValueError::new(
                    "held_at",
                    "The strategy discussion cannot be in the future",
                ))
            } else {
                Ok(t)
            }
        }),
    );
    let day = held_at.map(london_date);

    // Participants.
    let mut participants = Vec::new();
    for (i, p) in input.participants.iter().enumerate() {
        if p.is_blank() {
            continue;
        }
        let name = errors.take(required_text(
            format!("participants[{i}].name"),
            p.name.as_deref(),
            MAX_NAME,
            "Enter the name of the person who took part",
        ));
        let agency = errors.take(required_code(
            format!("participants[{i}].agency"),
            p.agency.as_deref(),
            Agency::parse,
            "Select the agency of the person who took part",
        ));
        let role = errors.take(optional_text(
            format!("participants[{i}].role"),
            p.role.as_deref(),
            MAX_NAME,
        ));
        if let (Some(name), Some(agency), Some(role)) = (name, agency, role) {
            participants.push(Participant {
                name,
                agency,
                role: role.unwrap_or_default(),
            });
        }
    }
    let participants_complete = errors.is_empty();
    if input.participants.iter().all(ParticipantInput::is_blank) {
        errors.push(ValueError::new(
            "participants",
            "Add the people who took part in the strategy discussion",
        ));
    }

    // Agencies that did not take part.
    let mut absent: Vec<AbsentAgency> = Vec::new();
    let mut absent_ok = true;
    for (i, a) in input.absent_agencies.iter().enumerate() {
        if present(a.agency.as_deref()).is_none() && present(a.reason.as_deref()).is_none() {
            continue;
        }
        let agency = errors.take(required_code(
            format!("absent_agencies[{i}].agency"),
            a.agency.as_deref(),
            Agency::parse,
            "Select the agency that did not take part",
        ));
        let reason = errors.take(required_text(
            format!("absent_agencies[{i}].reason"),
            a.reason.as_deref(),
            MAX_TEXT,
            "Enter why the agency did not take part",
        ));
        match (agency, reason) {
            (Some(agency), Some(reason)) => {
                if participants.iter().any(|p| p.agency == agency) {
                    errors.push(ValueError::new(
                        format!("absent_agencies.{}", agency.code()),
                        format!(
                            "Someone from {} took part, so do not give a reason it did not",
                            agency_in_sentence(agency)
                        ),
                    ));
                } else if absent.iter().any(|x| x.agency == agency) {
                    errors.push(ValueError::new(
                        format!("absent_agencies[{i}].agency"),
                        format!(
                            "Give one reason why {} did not take part",
                            agency_in_sentence(agency)
                        ),
                    ));
                } else {
                    absent.push(AbsentAgency { agency, reason });
                }
            }
            _ => absent_ok = false,
        }
    }
    // Each expected agency: present or a reason (only judged once the rows themselves are readable).
    if participants_complete && absent_ok {
        let probe = StrategyDiscussion {
            participants: participants.clone(),
            absent_agencies: absent.clone(),
            ..placeholder_discussion(facts)
        };
        for agency in probe.unexplained_absences() {
            errors.push(ValueError::new(
                format!("absent_agencies.{}", agency.code()),
                format!(
                    "Record why {} did not take part in the strategy discussion",
                    agency_in_sentence(agency)
                ),
            ));
        }
    }

    let information_shared = errors.take(required_text(
        "information_shared",
        input.information_shared.as_deref(),
        MAX_TEXT,
        "Enter the information shared",
    ));
    let decision = errors.take(required_code(
        "decision",
        input.decision.as_deref(),
        StrategyDecision::parse,
        "Select whether a section 47 enquiry will start",
    ));
    let alternative = match decision {
        Some(StrategyDecision::NoSection47) => errors
            .take(required_text(
                "alternative",
                input.alternative.as_deref(),
                MAX_TEXT,
                "Enter what will happen instead of a section 47 enquiry",
            ))
            .map(Some),
        _ => Some(None),
    };
    let actions = match day {
        Some(day) => validate_actions("actions", &input.actions, day, &mut errors),
        None => {
            // Still report rows without an owner or a due date.
            validate_actions("actions", &input.actions, Date::MIN, &mut errors);
            Vec::new()
        }
    };

    // The review of an earlier discussion.
    let review_of = match present(input.review_of.as_deref()) {
        None => Some(None),
        Some(s) => {
            let first = StrategyDiscussionId::parse(s).ok().and_then(|id| {
                facts
                    .file
                    .strategy_discussions
                    .iter()
                    .find(|d| d.id == id && d.child_id == facts.child_id)
            });
            match first {
                None => {
                    errors.push(ValueError::new(
                        "review_of",
                        "Choose an earlier strategy discussion about this child",
                    ));
                    None
                }
                Some(first) if held_at.is_some_and(|t| t <= first.held_at) => {
                    errors.push(ValueError::new(
                        "review_of",
                        format!(
                            "A review strategy meeting is held after the discussion it reviews ({})",
                            uk_date(london_date(first.held_at))
                        ),
                    ));
                    None
                }
                Some(first) => Some(Some(first.id)),
            }
        }
    };

    // The referral (CIN episode).
    let referral = match present(input.referral_id.as_deref()) {
        None => Some(facts.open_referral()),
        Some(s) => {
            let r = ReferralId::parse(s).ok().and_then(|id| {
                facts
                    .file
                    .referrals
                    .iter()
                    .find(|r| r.id == id && r.child_id == facts.child_id)
            });
            if r.is_none() {
                errors.push(ValueError::new(
                    "referral_id",
                    "Choose one of this child's referrals",
                ));
                None
            } else {
                Some(r)
            }
        }
    };
    if decision == Some(StrategyDecision::Section47) {
        match referral {
            Some(None) => errors.push(ValueError::new(
                "decision",
                "There is no open referral for this child: a section 47 enquiry starts from a referral",
            )),
            Some(Some(r)) if r.closure.is_some() => errors.push(ValueError::new(
                "referral_id",
                "That referral is closed: a section 47 enquiry starts from an open referral",
            )),
            _ => {}
        }
    }

    match (
        held_at,
        day,
        information_shared,
        decision,
        alternative,
        review_of,
        referral,
    ) {
        (
            Some(held_at),
            Some(day),
            Some(information_shared),
            Some(decision),
            Some(alternative),
            Some(review_of),
            Some(referral),
        ) if errors.is_empty() => {
            let out_of_hours = input
                .out_of_hours
                .unwrap_or_else(|| is_out_of_hours(held_at, facts.settings));
            let discussion = StrategyDiscussion {
                id: StrategyDiscussionId::new(),
                la: facts.la.clone(),
                child_id: facts.child_id,
                referral_id: referral.map(|r| r.id),
                contact_id: referral.and_then(|r| r.contact_id),
                held_at,
                out_of_hours,
                participants,
                absent_agencies: absent,
                information_shared,
                decision,
                alternative,
                review_of,
                recorded_by: facts.recorded_by,
                created_at: facts.now,
            };
            let section47 = match (decision, referral) {
                (StrategyDecision::Section47, Some(r)) => Some(Section47 {
                    id: Section47Id::new(),
                    la: facts.la.clone(),
                    child_id: facts.child_id,
                    referral_id: r.id,
                    strategy_discussion_id: discussion.id,
                    start_date: day,
                    icpc_due_on: clocks::icpc_due(facts.calendar, day),
                    outcome_date: None,
                    outcome: None,
                    icpc_required: None,
                    created_at: facts.now,
                }),
                _ => None,
            };
            let actions = actions
                .into_iter()
                .map(|a| {
                    a.into_record(
                        facts.la.clone(),
                        Some(facts.child_id),
                        ActionParent::StrategyDiscussion(discussion.id),
                        facts.now,
                    )
                })
                .collect();
            Ok(NewStrategyDiscussion {
                discussion,
                actions,
                section47,
            })
        }
        _ => Err(errors),
    }
}

/// A discussion with nothing in it, for asking the record's own questions of typed participants.
fn placeholder_discussion(facts: &CaseFacts<'_>) -> StrategyDiscussion {
    StrategyDiscussion {
        id: StrategyDiscussionId::new(),
        la: facts.la.clone(),
        child_id: facts.child_id,
        referral_id: None,
        contact_id: None,
        held_at: facts.now,
        out_of_hours: false,
        participants: Vec::new(),
        absent_agencies: Vec::new(),
        information_shared: String::new(),
        decision: StrategyDecision::NoSection47,
        alternative: None,
        review_of: None,
        recorded_by: None,
        created_at: facts.now,
    }
}

// ---------------------------------------------------------------------------------------------------------------
// 2. The outcome of a section 47 enquiry.

/// A section 47 enquiry's outcome as typed.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section47OutcomeInput {
    /// `YYYY-MM-DD`.
    pub outcome_date: Option<String>,
    /// `not-substantiated` | `substantiated-not-at-risk` | `substantiated-at-risk`.
    pub outcome: Option<String>,
    /// Whether an initial child protection conference is needed (required).
    pub icpc_required: Option<bool>,
}

/// The outcome recorded: the enquiry's whole row, and the initial conference it schedules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section47Change {
    pub section47: Section47,
    /// The initial conference scheduled (created), due on the enquiry's ICPC date.
    pub initial_conference: Option<Conference>,
}

/// Check and record the outcome of a section 47 enquiry. The outcome is recorded once; its date is not before
/// the enquiry started nor in the future. When an ICPC is required, the initial conference is scheduled (unless
/// one already is).
pub fn record_section47_outcome(
    s47: &Section47,
    input: &Section47OutcomeInput,
    facts: &CaseFacts<'_>,
) -> Result<Section47Change, ValueErrors> {
    let mut errors = ValueErrors::new();
    if s47.outcome.is_some() || s47.icpc_required.is_some() {
        errors.push(ValueError::new(
            "outcome",
            "The outcome of this section 47 enquiry has already been recorded",
        ));
    }
    let outcome_date = errors.take(
        past_date(
            "outcome_date",
            input.outcome_date.as_deref(),
            "Enter the date of the outcome of the section 47 enquiry",
            facts.today(),
            "The outcome date cannot be in the future",
        )
        .and_then(|d| {
            if d < s47.start_date {
                Err(ValueError::new(
                    "outcome_date",
                    format!(
                        "The outcome date must be on or after {}, when the enquiry started",
                        uk_date(s47.start_date)
                    ),
                ))
            } else {
                Ok(d)
            }
        }),
    );
    let outcome = errors.take(required_code(
        "outcome",
        input.outcome.as_deref(),
        Section47Outcome::parse,
        "Select the outcome of the section 47 enquiry",
    ));
    let icpc_required = input.icpc_required;
    if icpc_required.is_none() {
        errors.push(ValueError::new(
            "icpc_required",
            "Select whether an initial child protection conference is needed",
        ));
    }
    match (outcome_date, outcome, icpc_required) {
        (Some(outcome_date), Some(outcome), Some(icpc_required)) if errors.is_empty() => {
            let section47 = Section47 {
                outcome_date: Some(outcome_date),
                outcome: Some(outcome),
                icpc_required: Some(icpc_required),
                ..s47.clone()
            };
            let scheduled = facts.file.conferences.iter().any(|c| {
                c.kind == ConferenceKind::Initial && c.section47_id == Some(s47.id)
            });
            let initial_conference = (icpc_required && !scheduled).then(|| Conference {
                id: ConferenceId::new(),
                la: s47.la.clone(),
                child_id: s47.child_id,
                kind: ConferenceKind::Initial,
                section47_id: Some(s47.id),
                plan_id: None,
                due_on: s47.icpc_due_on,
                held_on: None,
                outcome: None,
                category: None,
                chair_id: None,
                created_at: facts.now,
            });
            Ok(Section47Change {
                section47,
                initial_conference,
            })
        }
        _ => Err(errors),
    }
}

// ---------------------------------------------------------------------------------------------------------------
// 3. Conferences.

/// A conference as recorded (initial or review).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConferenceInput {
    /// `YYYY-MM-DD`; required, not in the future.
    pub held_on: Option<String>,
    /// Initial: `cp-plan` | `no-plan`; review: `continue-plan` | `end-plan`.
    pub outcome: Option<String>,
    /// Category of abuse (`NEG`, `PHY`, `SAB`, `EMO`, `MUL`): required for `cp-plan` and `continue-plan`.
    pub category: Option<String>,
    /// The chair's user id (default: whoever records the conference).
    pub chair: Option<String>,
    /// `cp-plan`: the plan's needs (required).
    pub needs: Option<String>,
    /// `cp-plan`: the plan's desired outcomes (required).
    pub desired_outcomes: Option<String>,
    /// `cp-plan`: the plan's actions, each with an owner and a due date.
    #[serde(default)]
    pub actions: Vec<ActionInput>,
    /// `end-plan`: why the plan ends (required).
    pub end_reason: Option<String>,
}

/// A conference recorded: the records to create and the whole rows to update.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConferenceChange {
    /// The conference's row, now held.
    pub conference: Option<Conference>,
    /// An initial conference's new child protection plan.
    pub new_plan: Option<Plan>,
    /// A review conference's plan, continued or ended.
    pub updated_plan: Option<Plan>,
    /// The new plan's actions.
    pub actions: Vec<Action>,
    /// The new plan's first core group, scheduled.
    pub core_group: Option<CoreGroup>,
    /// The next review conference, scheduled.
    pub next_review: Option<Conference>,
}

/// Check and record a scheduled conference.
///
/// An initial conference's outcome is `cp-plan` or `no-plan`. A plan needs a category of abuse, its needs and
/// desired outcomes, and takes dated actions; it starts on the conference date, its first core group is due 10
/// working days later and its first review conference within 3 months (both scheduled).
///
/// A review conference's outcome is `continue-plan` (with the latest category; the next review is due within 6
/// months and is scheduled) or `end-plan` (with a reason; the plan ends on the conference date).
pub fn record_conference(
    conference: &Conference,
    input: &ConferenceInput,
    facts: &CaseFacts<'_>,
) -> Result<ConferenceChange, ValueErrors> {
    let mut errors = ValueErrors::new();
    if conference.held_on.is_some() {
        errors.push(ValueError::new(
            "held_on",
            "This conference has already been recorded",
        ));
    }
    let plan = conference
        .plan_id
        .and_then(|id| facts.file.plans.iter().find(|p| p.id == id));
    let s47 = conference
        .section47_id
        .and_then(|id| facts.file.section47s.iter().find(|s| s.id == id));
    let not_before = match conference.kind {
        ConferenceKind::Review => plan.map(|p| p.start_date),
        _ => s47.map(|s| s.start_date),
    };
    let held_on = errors.take(
        past_date(
            "held_on",
            input.held_on.as_deref(),
            "Enter the date the conference was held",
            facts.today(),
            "The conference date cannot be in the future",
        )
        .and_then(|d| match not_before {
            Some(n) if d < n => Err(ValueError::new(
                "held_on",
                format!(
                    "The conference date must be on or after {}",
                    uk_date(n)
                ),
            )),
            _ => Ok(d),
        }),
    );
    let allowed: &[ConferenceOutcome] = match conference.kind {
        ConferenceKind::Review => &[ConferenceOutcome::ContinuePlan, ConferenceOutcome::EndPlan],
        _ => &[ConferenceOutcome::ChildProtectionPlan, ConferenceOutcome::NoPlan],
    };
    let missing_outcome = match conference.kind {
        ConferenceKind::Review => "Select whether the child protection plan continues or ends",
        _ => "Select whether the conference made a child protection plan",
    };
    let outcome = errors.take(
        required_code(
            "outcome",
            input.outcome.as_deref(),
            ConferenceOutcome::parse,
            missing_outcome,
        )
        .and_then(|o| {
            if allowed.contains(&o) {
                Ok(o)
            } else {
                Err(ValueError::new("outcome", missing_outcome))
            }
        }),
    );
    let needs_category = matches!(
        outcome,
        Some(ConferenceOutcome::ChildProtectionPlan | ConferenceOutcome::ContinuePlan)
    );
    let category = errors.take(match present(input.category.as_deref()) {
        None if needs_category => Err(ValueError::new(
            "category",
            "Select the category of abuse",
        )),
        None => Ok(None),
        Some(s) => AbuseCategory::parse(s)
            .map(Some)
            .map_err(|e| e.for_field("category")),
    });
    let chair = errors.take(match present(input.chair.as_deref()) {
        None => Ok(facts.recorded_by),
        Some(s) => UserId::parse(s)
            .map(Some)
            .map_err(|_| ValueError::new("chair", "Choose the conference chair")),
    });

    // What the outcome needs.
    let mut plan_text = None;
    let mut actions = Vec::new();
    let mut end_reason = None;
    let mut referral_id = None;
    match outcome {
        Some(ConferenceOutcome::ChildProtectionPlan) => {
            let needs = errors.take(required_text(
                "needs",
                input.needs.as_deref(),
                MAX_TEXT,
                "Enter the child's needs the plan addresses",
            ));
            let desired = errors.take(required_text(
                "desired_outcomes",
                input.desired_outcomes.as_deref(),
                MAX_TEXT,
                "Enter the outcomes the plan is to achieve for the child",
            ));
            plan_text = needs.zip(desired);
            actions = validate_actions(
                "actions",
                &input.actions,
                held_on.unwrap_or(Date::MIN),
                &mut errors,
            );
            referral_id = s47
                .map(|s| s.referral_id)
                .or_else(|| facts.open_referral().map(|r| r.id));
            if referral_id.is_none() {
                errors.push(ValueError::new(
                    "outcome",
                    "There is no open referral for this child: a child protection plan belongs to a referral",
                ));
            }
        }
        Some(ConferenceOutcome::EndPlan) => {
            end_reason = errors.take(required_text(
                "end_reason",
                input.end_reason.as_deref(),
                MAX_TEXT,
                "Enter why the child protection plan is ending",
            ));
        }
        _ => {}
    }
    if conference.kind == ConferenceKind::Review
        && !plan.is_some_and(|p| p.end_date.is_none())
    {
        errors.push(ValueError::new(
            "outcome",
            "This review conference has no open child protection plan to review",
        ));
    }

    let (Some(held_on), Some(outcome), Some(category), Some(chair)) =
        (held_on, outcome, category, chair)
    else {
        return Err(errors);
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut change = ConferenceChange::default();
    let mut held = Conference {
        held_on: Some(held_on),
        outcome: Some(outcome),
        category,
        chair_id: chair,
        ..conference.clone()
    };
    match outcome {
        ConferenceOutcome::ChildProtectionPlan => {
            let (Some((needs, desired_outcomes)), Some(referral_id)) = (plan_text, referral_id)
            else {
                return Err(errors);
            };
            let first_review = clocks::first_review_conference_due(facts.calendar, held_on);
            let plan = Plan {
                id: PlanId::new(),
                la: facts.la.clone(),
                child_id: facts.child_id,
                referral_id,
                kind: PlanKind::ChildProtection,
                start_date: held_on,
                end_date: None,
                end_reason: None,
                needs,
                desired_outcomes,
                initial_category: category,
                latest_category: category,
                next_review_on: Some(first_review),
                previous_cp_plans: None,
                created_at: facts.now,
            };
            held.plan_id = Some(plan.id);
            change.actions = actions
                .into_iter()
                .map(|a| {
                    a.into_record(
                        facts.la.clone(),
                        Some(facts.child_id),
                        ActionParent::Plan(plan.id),
                        facts.now,
                    )
                })
                .collect();
            change.core_group = Some(CoreGroup {
                id: CoreGroupId::new(),
                la: facts.la.clone(),
                child_id: facts.child_id,
                plan_id: plan.id,
                due_on: clocks::first_core_group_due(facts.calendar, held_on),
                held_on: None,
                attendees: None,
                notes: None,
            });
            change.next_review = Some(review_conference(facts, plan.id, first_review));
            change.new_plan = Some(plan);
        }
        ConferenceOutcome::ContinuePlan => {
            let Some(plan) = plan else {
                return Err(errors);
            };
            let next = clocks::next_review_conference_due(facts.calendar, held_on);
            change.updated_plan = Some(Plan {
                latest_category: category.or(plan.latest_category),
                next_review_on: Some(next),
                ..plan.clone()
            });
            change.next_review = Some(review_conference(facts, plan.id, next));
        }
        ConferenceOutcome::EndPlan => {
            let Some(plan) = plan else {
                return Err(errors);
            };
            change.updated_plan = Some(Plan {
                end_date: Some(held_on),
                end_reason: end_reason.clone(),
                latest_category: category.or(plan.latest_category),
                next_review_on: None,
                ..plan.clone()
            });
        }
        ConferenceOutcome::NoPlan => {}
    }
    change.conference = Some(held);
    Ok(change)
}

/// A review conference of `plan`, scheduled for `due_on`.
fn review_conference(facts: &CaseFacts<'_>, plan: PlanId, due_on: Date) -> Conference {
    Conference {
        id: ConferenceId::new(),
        la: facts.la.clone(),
        child_id: facts.child_id,
        kind: ConferenceKind::Review,
        section47_id: None,
        plan_id: Some(plan),
        due_on,
        held_on: None,
        outcome: None,
        category: None,
        chair_id: None,
        created_at: facts.now,
    }
}

// ---------------------------------------------------------------------------------------------------------------
// 4. Core groups.

/// A core group meeting as recorded.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CoreGroupInput {
    /// `YYYY-MM-DD`; required, not in the future.
    pub held_on: Option<String>,
    /// Who attended (required).
    pub attendees: Option<String>,
    pub notes: Option<String>,
}

/// A core group recorded: its row, now held, and the next one scheduled (none once the plan has ended).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CoreGroupChange {
    pub core_group: CoreGroup,
    pub next: Option<CoreGroup>,
}

/// Check and record a scheduled core group meeting; schedule the next, `core_group_every_wd` working days after
/// it, while the plan is open.
pub fn record_core_group(
    core_group: &CoreGroup,
    input: &CoreGroupInput,
    facts: &CaseFacts<'_>,
) -> Result<CoreGroupChange, ValueErrors> {
    let mut errors = ValueErrors::new();
    if core_group.held_on.is_some() {
        errors.push(ValueError::new(
            "held_on",
            "This core group meeting has already been recorded",
        ));
    }
    let plan = facts.file.plans.iter().find(|p| p.id == core_group.plan_id);
    let held_on = errors.take(
        past_date(
            "held_on",
            input.held_on.as_deref(),
            "Enter the date the core group met",
            facts.today(),
            "The core group date cannot be in the future",
        )
        .and_then(|d| match plan {
            Some(p) if d < p.start_date => Err(ValueError::new(
                "held_on",
                format!(
                    "The core group date must be on or after {}, when the plan started",
                    uk_date(p.start_date)
                ),
            )),
            _ => Ok(d),
        }),
    );
    let attendees = errors.take(required_text(
        "attendees",
        input.attendees.as_deref(),
        MAX_TEXT,
        "Enter who attended the core group",
    ));
    let notes = errors.take(optional_text("notes", input.notes.as_deref(), MAX_TEXT));
    match (held_on, attendees, notes) {
        (Some(held_on), Some(attendees), Some(notes)) if errors.is_empty() => {
            let open = plan.is_some_and(|p| p.end_date.is_none());
            let next = open.then(|| CoreGroup {
                id: CoreGroupId::new(),
                la: core_group.la.clone(),
                child_id: core_group.child_id,
                plan_id: core_group.plan_id,
                due_on: facts
                    .calendar
                    .add_working_days(held_on, facts.settings.clocks.core_group_every_wd),
                held_on: None,
                attendees: None,
                notes: None,
            });
            Ok(CoreGroupChange {
                core_group: CoreGroup {
                    held_on: Some(held_on),
                    attendees: Some(attendees),
                    notes,
                    ..core_group.clone()
                },
                next,
            })
        }
        _ => Err(errors),
    }
}

