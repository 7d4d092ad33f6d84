//! Quality assurance: case-file audits and practice weeks.

use serde::{Deserialize, Serialize};

use crate::codes::AuditGrade;
use crate::datetime::{Date, Timestamp};
use crate::identifiers::LaCode;
use crate::ids::{CaseFileAuditId, ChildId, PracticeObservationId, PracticeWeekId, TeamId, UserId};

/// An audit of one child's case file. The child's lived experience and the impact of practice are required:
/// the Ofsted letter found audits that missed both. Its actions are [`super::Action`]s.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseFileAudit {
    pub id: CaseFileAuditId,
    pub la: LaCode,
    pub child_id: ChildId,
    pub auditor_id: Option<UserId>,
    pub practice_week_id: Option<PracticeWeekId>,
    pub audited_on: Date,
    pub grade: AuditGrade,
    pub lived_experience: String,
    pub impact_of_practice: String,
    pub strengths: Option<String>,
    pub areas_for_development: Option<String>,
    pub moderated_by: Option<UserId>,
    pub moderated_grade: Option<AuditGrade>,
    pub created_at: Timestamp,
    /// The rest of the form: the quality of each area of practice, themes, the worker's reflection and the
    /// moderation (issue 14).
    pub detail: AuditDetail,
}

/// What a case-file audit records besides its grade, lived experience and impact.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditDetail {
    /// The quality of the assessment, the planning, management oversight and supervision: each rated on the
    /// four-point scale, with a comment.
    pub assessment: Rating,
    pub planning: Rating,
    pub oversight: Rating,
    pub supervision: Rating,
    /// Tags for the practice week's report ("voice of the child", "neglect"...), lower case.
    pub themes: Vec<String>,
    /// The auditor's judgement: does the case file evidence the child's lived experience, and the impact of
    /// practice on the child's outcomes? (The audit describes both either way.)
    pub lived_experience_evidenced: Option<bool>,
    pub impact_evidenced: Option<bool>,
    /// The allocated worker's reflection on the audit, added after.
    pub worker_reflection: Option<String>,
    /// The second auditor's moderation: agreed (or not), why, and when.
    pub moderation_agreed: Option<bool>,
    pub moderation_reason: Option<String>,
    pub moderated_at: Option<Timestamp>,
}

/// A rating of one area of practice, with the auditor's comment.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rating {
    pub grade: Option<AuditGrade>,
    pub comment: Option<String>,
}

/// A practice week: a themed week of audits and observation whose report compares with the last one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PracticeWeek {
    pub id: PracticeWeekId,
    pub la: LaCode,
    pub title: String,
    pub theme: String,
    pub starts_on: Date,
    pub ends_on: Date,
    pub report: Option<String>,
    pub created_at: Timestamp,
    /// Who it covers (issue 14): the LAs and teams whose audits and observations it holds, and who set it up.
    pub scope: PracticeWeekScope,
}

/// A practice week's scope: its LAs (the record's own `la` first) and, optionally, teams within them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PracticeWeekScope {
    pub las: Vec<LaCode>,
    pub teams: Vec<TeamId>,
    pub created_by: Option<UserId>,
}

/// A practice observation in a practice week: who observed whom, when, what, a grade, strengths and development.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PracticeObservation {
    pub id: PracticeObservationId,
    pub la: LaCode,
    pub practice_week_id: PracticeWeekId,
    pub observer_id: Option<UserId>,
    pub observed_id: UserId,
    pub observed_on: Date,
    pub observed: String,
    pub grade: AuditGrade,
    pub strengths: Option<String>,
    pub development: Option<String>,
    pub created_at: Timestamp,
}
