//! Quality assurance: case-file audits and practice weeks.

use serde::{Deserialize, Serialize};

use crate::codes::AuditGrade;
use crate::datetime::{Date, Timestamp};
use crate::identifiers::LaCode;
use crate::ids::{CaseFileAuditId, ChildId, PracticeWeekId, UserId};

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
}
