//! The DfE Children in Need census: the return as the DfE's XML describes it ([`model`]), the collection period,
//! and every validation rule of the 2024/25 catalogue ([`rules`], from `reference/dfe/cin-rules.csv`).
//!
//! The same rules run on an imported or exported file (`frontdoor validate cin-census`) and on one child's records
//! as they change (the child record and the data-quality page), so a return is right first time.
//!
//! The model keeps what a file says *as written* (codes and flags are strings, so that a rule can report an
//! invalid code); only dates are parsed, and a date that is not one is `None` here (the file reader reports it).

pub mod model;
pub mod period;
pub mod records;
pub mod rules;

pub use model::*;
pub use period::CensusPeriod;
pub use rules::{Finding, Rule, RuleKind, Severity, catalogue, validate, validate_child};

/// A census field (`Table.Field`) in plain words, for the child record and the data-quality page.
pub fn field_label(field: &str) -> &'static str {
    match field.rsplit('.').next().unwrap_or(field) {
        "ReferenceDate" => "census reference date",
        "Year" => "census year",
        "LAchildID" => "LA child ID",
        "UPN" => "unique pupil number (UPN)",
        "FormerUPN" => "former UPN",
        "UPNunknown" => "reason the UPN is unknown",
        "PersonBirthDate" => "date of birth",
        "ExpectedPersonBirthDate" => "expected date of birth",
        "Sex" | "GenderCurrent" => "sex",
        "PersonDeathDate" => "date of death",
        "Ethnicity" => "ethnicity",
        "Disability" | "Disabilities" => "disability",
        "CINreferralDate" => "referral date",
        "ReferralSource" => "referral source",
        "PrimaryNeedCode" => "primary need",
        "CINclosureDate" => "case closure date",
        "ReasonForClosure" => "reason for closure",
        "DateOfInitialCPC" => "initial child protection conference date",
        "ReferralNFA" => "referral with no further action",
        "AssessmentActualStartDate" => "assessment start date",
        "AssessmentInternalReviewDate" => "assessment internal review date",
        "AssessmentAuthorisationDate" => "assessment authorisation date",
        "AssessmentFactors" | "AssessmentFactor" => "factors identified at assessment",
        "CINPlanStartDate" => "child in need plan start date",
        "CINPlanEndDate" => "child in need plan end date",
        "S47ActualStartDate" => "section 47 enquiry start date",
        "InitialCPCtarget" => "initial conference target date",
        "ICPCnotRequired" => "initial conference not required",
        "CPPstartDate" => "child protection plan start date",
        "CPPendDate" => "child protection plan end date",
        "InitialCategoryOfAbuse" => "initial category of abuse",
        "LatestCategoryOfAbuse" => "latest category of abuse",
        "NumberOfPreviousCPP" => "number of previous child protection plans",
        "CPPreviewDate" => "child protection review date",
        _ => "census record",
    }
}
