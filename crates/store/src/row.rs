//! Typed reading of rows and binding of domain values, shared by every table mapping.

use std::borrow::Cow;
use std::str::FromStr;

use domain::ValueError;
use domain::datetime::{Date, Timestamp};
use domain::identifiers::LaCode;
use uuid::Uuid;

use crate::error::StoreError;
use crate::sql::{SqlRow, SqlType, ToValue, Value};

fn missing(col: &str) -> StoreError {
    StoreError::corrupt(format_args!("column {col} is NULL"))
}

fn bad(col: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::corrupt(format_args!("column {col}: {e}"))
}

/// Typed getters over [`SqlRow`]: required (`NULL` is corrupt data) and optional forms.
pub trait RowExt: SqlRow {
    fn req_bool(&self, col: &str) -> Result<bool, StoreError> {
        self.bool(col)?.ok_or_else(|| missing(col))
    }
    fn req_int(&self, col: &str) -> Result<i64, StoreError> {
        self.int(col)?.ok_or_else(|| missing(col))
    }
    fn req_text(&self, col: &str) -> Result<String, StoreError> {
        self.text(col)?.ok_or_else(|| missing(col))
    }
    fn req_date(&self, col: &str) -> Result<Date, StoreError> {
        self.date(col)?.ok_or_else(|| missing(col))
    }
    fn req_timestamp(&self, col: &str) -> Result<Timestamp, StoreError> {
        self.timestamp(col)?.ok_or_else(|| missing(col))
    }
    fn id<T: From<Uuid>>(&self, col: &str) -> Result<T, StoreError> {
        self.uuid(col)?.map(T::from).ok_or_else(|| missing(col))
    }
    fn opt_id<T: From<Uuid>>(&self, col: &str) -> Result<Option<T>, StoreError> {
        Ok(self.uuid(col)?.map(T::from))
    }
    /// A code or identifier stored as its text form.
    fn parsed<T: FromStr<Err = ValueError>>(&self, col: &str) -> Result<T, StoreError> {
        let s = self.req_text(col)?;
        s.parse().map_err(|e| bad(col, e))
    }
    fn opt_parsed<T: FromStr<Err = ValueError>>(&self, col: &str) -> Result<Option<T>, StoreError> {
        match self.text(col)? {
            Some(s) => s.parse().map(Some).map_err(|e| bad(col, e)),
            None => Ok(None),
        }
    }
    fn la(&self, col: &str) -> Result<LaCode, StoreError> {
        self.parsed(col)
    }
    /// A list of codes stored space-separated.
    fn code_list<T: FromStr<Err = ValueError>>(&self, col: &str) -> Result<Vec<T>, StoreError> {
        let s = self.text(col)?.unwrap_or_default();
        s.split_whitespace()
            .map(|c| c.parse().map_err(|e| bad(col, e)))
            .collect()
    }

    /// A list stored as JSON text (NULL: empty), such as who attended a meeting.
    fn json_list<T: serde::de::DeserializeOwned>(&self, col: &str) -> Result<Vec<T>, StoreError> {
        match self.text(col)? {
            None => Ok(Vec::new()),
            Some(s) => serde_json::from_str(&s).map_err(|e| bad(col, e)),
        }
    }
}

impl<R: SqlRow + ?Sized> RowExt for R {}

/// A list as bound to a JSON text column: an empty list is NULL, so rows written before the column existed and
/// rows with nothing in it read alike. (Serialising plain records cannot fail; were it to, the empty text written
/// is refused when read back, never taken for an empty list.)
pub(crate) fn json_list_value<'a, T: serde::Serialize>(items: &[T]) -> Value<'a> {
    if items.is_empty() {
        Value::Null(SqlType::Text)
    } else {
        Value::Text(Cow::Owned(serde_json::to_string(items).unwrap_or_default()))
    }
}

macro_rules! id_values {
    ($($t:ty),+ $(,)?) => {$(
        impl<'a> ToValue<'a> for $t {
            const TYPE: SqlType = SqlType::Uuid;
            fn to_value(self) -> Value<'a> {
                Value::Uuid(self.uuid())
            }
        }
    )+};
}

id_values!(
    domain::ids::PersonId,
    domain::ids::HouseholdId,
    domain::ids::RelationshipId,
    domain::ids::TeamId,
    domain::ids::OrganisationId,
    domain::ids::UserId,
    domain::ids::ApiTokenId,
    domain::ids::ContactId,
    domain::ids::RagChangeId,
    domain::ids::InformationRequestId,
    domain::ids::ReferralId,
    domain::ids::EarlyHelpEpisodeId,
    domain::ids::StrategyDiscussionId,
    domain::ids::Section47Id,
    domain::ids::ConferenceId,
    domain::ids::AssessmentId,
    domain::ids::PlanId,
    domain::ids::PlanReviewId,
    domain::ids::ActionId,
    domain::ids::ActionUpdateId,
    domain::ids::PersonRevisionId,
    domain::ids::ProfessionalId,
    domain::ids::PersonMergeId,
    domain::ids::CoreGroupId,
    domain::ids::VisitId,
    domain::ids::SupervisionId,
    domain::ids::CaseNoteId,
    domain::ids::AllocationId,
    domain::ids::ChildFlagId,
    domain::ids::EmergencyProtectionId,
    domain::ids::CaseFileAuditId,
    domain::ids::PracticeWeekId,
    domain::ids::PracticeObservationId,
    domain::ids::MashEnquiryId,
    domain::ids::SpecialistInvolvementId,
    domain::ids::DocumentId,
);

macro_rules! code_values {
    ($($t:ty),+ $(,)?) => {$(
        impl<'a> ToValue<'a> for $t {
            const TYPE: SqlType = SqlType::Text;
            fn to_value(self) -> Value<'a> {
                Value::Text(Cow::Borrowed(self.code()))
            }
        }
    )+};
}

code_values!(
    domain::codes::Sex,
    domain::codes::Ethnicity,
    domain::codes::Disability,
    domain::codes::UpnUnknown,
    domain::codes::ReferralSource,
    domain::codes::PrimaryNeed,
    domain::codes::ClosureReason,
    domain::codes::AbuseCategory,
    domain::codes::AssessmentFactor,
    domain::codes::Agency,
    domain::codes::Role,
    domain::codes::ThresholdLevel,
    domain::codes::Consent,
    domain::codes::ContactOutcome,
    domain::codes::FeedbackMethod,
    domain::codes::StrategyDecision,
    domain::codes::Section47Outcome,
    domain::codes::ConferenceKind,
    domain::codes::ConferenceOutcome,
    domain::codes::PlanKind,
    domain::codes::ActionStatus,
    domain::codes::ActionUpdateKind,
    domain::codes::ProfessionalRole,
    domain::codes::AssessmentOutcome,
    domain::codes::RelationshipKind,
    domain::codes::CaseNoteKind,
    domain::codes::DocumentKind,
    domain::codes::VisitKind,
    domain::codes::ChildFlagKind,
    domain::codes::EmergencyProtectionKind,
    domain::codes::EarlyHelpEndReason,
    domain::codes::AuditGrade,
    domain::codes::TeamKind,
    domain::codes::AuditAction,
    domain::codes::AuditOutcome,
    domain::codes::RecordKind,
    domain::clocks::Rag,
);

macro_rules! text_values {
    ($($t:ty),+ $(,)?) => {$(
        impl<'a> ToValue<'a> for &'a $t {
            const TYPE: SqlType = SqlType::Text;
            fn to_value(self) -> Value<'a> {
                Value::Text(Cow::Borrowed(self.as_ref()))
            }
        }
    )+};
}

text_values!(
    domain::identifiers::LaCode,
    domain::identifiers::Upn,
    domain::identifiers::NhsNumber,
    domain::identifiers::LaChildId,
    domain::identifiers::Postcode,
);

/// Codes stored space-separated in one column (e.g. disabilities).
pub fn code_list_value<'a, T: Copy>(codes: &[T], code: fn(T) -> &'static str) -> Value<'a> {
    if codes.is_empty() {
        return Value::Null(SqlType::Text);
    }
    Value::Text(Cow::Owned(
        codes.iter().map(|c| code(*c)).collect::<Vec<_>>().join(" "),
    ))
}
