//! Casework after the front door: referrals (CIN episodes), early help, assessments, plans, reviews, core groups,
//! visits, actions, supervision, case notes, allocation and flags.

use serde::{Deserialize, Serialize};

use crate::codes::{
    AbuseCategory, ActionStatus, ActionUpdateKind, Agency, AssessmentFactor, AssessmentOutcome,
    CaseNoteKind, ChildFlagKind, ClosureReason, EarlyHelpEndReason, PlanKind, PrimaryNeed,
    RecordKind, ReferralSource, VisitKind,
};
use crate::datetime::{Date, Timestamp};
use crate::identifiers::LaCode;
use crate::ids::{
    ActionId, ActionUpdateId, AllocationId, AssessmentId, CaseFileAuditId, CaseNoteId, ChildFlagId,
    ChildId, ContactId, CoreGroupId, EarlyHelpEpisodeId, PlanId, PlanReviewId, ReferralId,
    SpecialistInvolvementId, StrategyDiscussionId, SupervisionId, TeamId, UserId, VisitId,
};

/// A referral to children's social care: one CIN episode in the census (CINdetails).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Referral {
    pub id: ReferralId,
    pub la: LaCode,
    pub child_id: ChildId,
    pub contact_id: Option<ContactId>,
    pub referral_date: Date,
    pub source: ReferralSource,
    /// Set at assessment; required unless the referral led to no further action.
    pub primary_need: Option<PrimaryNeed>,
    /// The referral led to no further action (ReferralNFA).
    pub nfa: bool,
    pub closure: Option<Closure>,
    pub created_at: Timestamp,
}

/// How a CIN episode ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Closure {
    pub date: Date,
    pub reason: ClosureReason,
}

/// An early help episode, perhaps stepped down from a CIN case or stepped up into a referral.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EarlyHelpEpisode {
    pub id: EarlyHelpEpisodeId,
    pub la: LaCode,
    pub child_id: ChildId,
    pub contact_id: Option<ContactId>,
    pub stepped_down_from: Option<ReferralId>,
    pub lead_practitioner: String,
    pub lead_agency: Agency,
    pub reason: String,
    pub start_date: Date,
    pub end_date: Option<Date>,
    pub end_reason: Option<EarlyHelpEndReason>,
    pub next_steps: Option<String>,
    pub oversight_by: Option<UserId>,
    pub oversight_at: Option<Timestamp>,
    pub stepped_up_to: Option<ReferralId>,
    pub created_at: Timestamp,
}

/// A child and family assessment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    pub id: AssessmentId,
    pub la: LaCode,
    pub child_id: ChildId,
    pub referral_id: ReferralId,
    pub start_date: Date,
    /// 45 working days from the referral.
    pub due_on: Date,
    pub child_seen: bool,
    pub child_seen_alone: bool,
    pub wishes_and_feelings: String,
    pub identity_and_culture: Option<String>,
    pub sources_of_information: Option<String>,
    pub history_considered: Option<String>,
    pub risk_factors: Option<String>,
    pub protective_factors: Option<String>,
    pub safety_goals: Option<String>,
    /// Safety scaling, 0 (no safety) to 10 (safe enough to close).
    pub scaling: Option<u8>,
    pub factors: Vec<AssessmentFactor>,
    pub outcome: Option<AssessmentOutcome>,
    pub authorised_by: Option<UserId>,
    /// The census's AssessmentAuthorisationDate.
    pub authorised_on: Option<Date>,
    pub created_at: Timestamp,
}

/// A child in need plan or a child protection plan. Actions are [`Action`]s whose parent is the plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    pub id: PlanId,
    pub la: LaCode,
    pub child_id: ChildId,
    pub referral_id: ReferralId,
    pub kind: PlanKind,
    pub start_date: Date,
    pub end_date: Option<Date>,
    pub end_reason: Option<String>,
    pub needs: String,
    pub desired_outcomes: String,
    /// Child protection plans: the categories of abuse (the ICPC that made the plan points to it).
    pub initial_category: Option<AbuseCategory>,
    pub latest_category: Option<AbuseCategory>,
    pub next_review_on: Option<Date>,
    /// Child protection plans brought over from another system (a census import): how many plans the child had
    /// before this one there. `None` for our own plans, whose earlier plans are our records.
    pub previous_cp_plans: Option<u32>,
    pub created_at: Timestamp,
}

/// A review of a plan, recording progress against each of its actions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanReview {
    pub id: PlanReviewId,
    pub la: LaCode,
    pub child_id: ChildId,
    pub plan_id: PlanId,
    pub held_on: Date,
    pub summary: String,
    pub progress: Vec<ActionProgress>,
    /// Who was invited and whether they came.
    pub attendance: Vec<super::Attendee>,
    /// Reports partner agencies sent for the review.
    pub partner_reports: Vec<super::PartnerReport>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionProgress {
    pub action_id: ActionId,
    pub progress: String,
    pub status: ActionStatus,
}

/// A core group meeting of a child protection plan (the first due 10 working days after the ICPC).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoreGroup {
    pub id: CoreGroupId,
    pub la: LaCode,
    pub child_id: ChildId,
    pub plan_id: PlanId,
    pub due_on: Date,
    pub held_on: Option<Date>,
    /// Who attended, as written (older records, and anything the attendance list does not say).
    pub attendees: Option<String>,
    pub notes: Option<String>,
    /// Who was invited and whether they came.
    pub attendance: Vec<super::Attendee>,
    /// Reports partner agencies sent for the meeting.
    pub partner_reports: Vec<super::PartnerReport>,
}

/// A visit to the child.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Visit {
    pub id: VisitId,
    pub la: LaCode,
    pub child_id: ChildId,
    pub plan_id: Option<PlanId>,
    pub kind: VisitKind,
    pub visited_on: Date,
    pub worker_id: Option<UserId>,
    pub child_seen: bool,
    pub seen_alone: bool,
    pub bedroom_seen: bool,
    pub wishes_and_feelings: Option<String>,
    pub observations: Option<String>,
    pub created_at: Timestamp,
}

/// What an action belongs to. Actions in strategy discussions, plans, supervision and audits are one kind of
/// record, so overdue ones surface on the same worklists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "kebab-case")]
pub enum ActionParent {
    StrategyDiscussion(StrategyDiscussionId),
    Plan(PlanId),
    Supervision(SupervisionId),
    CaseFileAudit(CaseFileAuditId),
}

/// An action with an owner and a due date: neither may be missing (the Ofsted letter's "actions without
/// timescales").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Action {
    pub id: ActionId,
    pub la: LaCode,
    pub child_id: Option<ChildId>,
    pub parent: ActionParent,
    pub description: String,
    /// Who is responsible, as written (a person or role, e.g. "Health visitor").
    pub owner: String,
    pub owner_user_id: Option<UserId>,
    pub due_on: Date,
    pub status: ActionStatus,
    pub completed_on: Option<Date>,
    pub created_at: Timestamp,
}

/// Something done to an action after it was set: marked done (when, and what was done) or re-dated (the new due
/// date, and why). An action's history; the action itself carries its status, completion date and due date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionUpdate {
    pub id: ActionUpdateId,
    pub la: LaCode,
    pub child_id: Option<ChildId>,
    pub action_id: ActionId,
    pub kind: ActionUpdateKind,
    pub by: Option<UserId>,
    pub at: Timestamp,
    /// Done: the day it was done. Re-dated: the new due date.
    pub on: Date,
    /// Re-dated: the due date before.
    pub previous_due_on: Option<Date>,
    /// Done: what was done. Re-dated: why.
    pub text: String,
}

/// A supervision session between a supervisor and a worker.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Supervision {
    pub id: SupervisionId,
    pub la: LaCode,
    pub supervisor_id: UserId,
    pub supervisee_id: UserId,
    pub held_on: Date,
    pub reflection: String,
    pub cases: Vec<SupervisionCase>,
    pub created_at: Timestamp,
}

/// A case discussed in supervision, with the case direction given.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupervisionCase {
    pub child_id: ChildId,
    pub discussion: String,
    pub direction: String,
}

/// A case note on one child's record (see [`crate::case_notes`]): never deleted or overwritten; a correction
/// is a new note, the next revision, that supersedes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseNote {
    pub id: CaseNoteId,
    pub la: LaCode,
    pub child_id: ChildId,
    pub kind: CaseNoteKind,
    /// Who wrote this revision.
    pub written_by: Option<UserId>,
    /// When what it records happened.
    pub at: Timestamp,
    pub text: String,
    /// Who was involved (people and agencies), as the worker put it.
    pub involved: Option<String>,
    /// The entry this note belongs to: one entry about several children is a note on each one's record, all
    /// with the first note's id here (a note about one child has its own id).
    pub entry_id: CaseNoteId,
    /// The other children the entry is about.
    pub also_about: Vec<ChildId>,
    /// The plan, assessment, section 47 enquiry or strategy discussion it is about.
    pub about: Option<(RecordKind, uuid::Uuid)>,
    /// 1 as first written; each correction the next.
    pub revision: i32,
    /// The revision this one corrects.
    pub supersedes: Option<CaseNoteId>,
    /// Why it was corrected.
    pub correction_reason: Option<String>,
    /// When this revision was written.
    pub recorded_at: Timestamp,
}

impl CaseNote {
    /// A note about one child, as first written at `at`, linked to no other record.
    pub fn new(
        id: CaseNoteId,
        la: LaCode,
        child_id: ChildId,
        kind: CaseNoteKind,
        written_by: Option<UserId>,
        at: Timestamp,
        text: String,
    ) -> CaseNote {
        CaseNote {
            id,
            la,
            child_id,
            kind,
            written_by,
            at,
            text,
            involved: None,
            entry_id: id,
            also_about: Vec::new(),
            about: None,
            revision: 1,
            supersedes: None,
            correction_reason: None,
            recorded_at: at,
        }
    }
}

/// A child's case allocated to a worker for a period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Allocation {
    pub id: AllocationId,
    pub la: LaCode,
    pub child_id: ChildId,
    pub worker_id: UserId,
    pub team_id: Option<TeamId>,
    pub from: Date,
    pub to: Option<Date>,
}

/// A flag on a child for extra-familial harm (gangs, exploitation, missing episodes).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChildFlag {
    pub id: ChildFlagId,
    pub la: LaCode,
    pub child_id: ChildId,
    pub kind: ChildFlagKind,
    pub from: Date,
    pub to: Option<Date>,
    pub notes: Option<String>,
}

/// A specialist unit's involvement with a child (e.g. the integrated gangs unit), with its own worker.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpecialistInvolvement {
    pub id: SpecialistInvolvementId,
    pub la: LaCode,
    pub child_id: ChildId,
    pub unit: String,
    pub worker_name: String,
    pub worker_id: Option<UserId>,
    pub from: Date,
    pub to: Option<Date>,
}
