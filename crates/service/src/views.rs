//! The shapes use cases return: records with their clocks worked out, ready for the API and the pages.

use domain::calendar::Calendar;
use domain::clocks::{self, ClockStatus};
use domain::codes::{Agency, ContactOutcome, ReferralSource};
use domain::datetime::Timestamp;
use domain::identifiers::LaCode;
use domain::ids::{ContactId, PersonId};
use domain::records::{Contact, LaSettings};
use serde::Serialize;

/// A contact as the API shows it (DESIGN.md: `{"id","child_id","received_at","source","decision"?,…}`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ContactView {
    pub id: ContactId,
    pub la: LaCode,
    pub child_id: PersonId,
    pub received_at: Timestamp,
    pub out_of_hours: bool,
    pub source: ReferralSource,
    pub source_label: &'static str,
    pub referrer: ReferrerView,
    pub concerns: String,
    pub immediate_risk: bool,
    pub recorded_at: Timestamp,
    /// When the decision on next steps is due (1 working day, or the RAG clock once rated).
    pub decision_due_at: Timestamp,
    pub overdue: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rag: Option<domain::clocks::Rag>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision: Option<DecisionView>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReferrerView {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agency: Option<Agency>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DecisionView {
    pub outcome: ContactOutcome,
    pub rationale: String,
    pub decided_at: Timestamp,
    pub out_of_hours: bool,
}

impl ContactView {
    pub fn new(
        c: &Contact,
        settings: &LaSettings,
        calendar: &Calendar,
        now: Timestamp,
    ) -> ContactView {
        let decision_due_at = match c.screening.rag {
            Some(rag) => clocks::rag_due(calendar, &settings.clocks, rag, c.received_at),
            None => clocks::contact_decision_due(calendar, &settings.clocks, c.received_at),
        };
        let overdue = match &c.decision {
            Some(d) => d.decided_at > decision_due_at,
            None => matches!(
                clocks::time_clock_status(
                    calendar,
                    &settings.clocks.working_hours,
                    decision_due_at,
                    now
                ),
                ClockStatus::Overdue { .. }
            ),
        };
        ContactView {
            id: c.id,
            la: c.la.clone(),
            child_id: c.child_id,
            received_at: c.received_at,
            out_of_hours: c.out_of_hours,
            source: c.source,
            source_label: c.source.label(),
            referrer: ReferrerView {
                name: c.referrer.name.clone(),
                role: c.referrer.role.clone(),
                agency: c.referrer.agency,
                organisation: c.referrer.organisation.clone(),
            },
            concerns: c.concerns.clone(),
            immediate_risk: c.immediate_risk,
            recorded_at: c.recorded_at,
            decision_due_at,
            overdue,
            rag: c.screening.rag,
            decision: c.decision.as_ref().map(|d| DecisionView {
                outcome: d.outcome,
                rationale: d.rationale.clone(),
                decided_at: d.decided_at,
                out_of_hours: d.out_of_hours,
            }),
        }
    }
}
