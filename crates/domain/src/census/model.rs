//! A CIN census return, element by element, in the 2024/25 shape (`cin-census-structure.md`).
//!
//! Every struct carries the `line` of its element in the file it was read from (0 when built from our records),
//! so that findings can name the line. Vectors keep the file's order.

use serde::Serialize;

use crate::datetime::Date;

/// A whole return: the header and the children.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CensusReturn {
    pub header: Header,
    pub children: Vec<Child>,
}

/// `Message/Header`: the collection and the source.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Header {
    /// `Collection`, "CIN".
    pub collection: Option<String>,
    /// `Year`: the census end year (2025 for 2024/25).
    pub year: Option<String>,
    /// `ReferenceDate`: the census end date, 31 March of `year`.
    pub reference_date: Option<Date>,
    /// `SourceLevel`, "L".
    pub source_level: Option<String>,
    /// `LEA`: the three-digit LA code.
    pub lea: Option<String>,
    pub software_code: Option<String>,
    pub release: Option<String>,
    pub serial_no: Option<String>,
    /// `DateTime`: when the file was made (xs:dateTime, as written).
    pub date_time: Option<String>,
    pub line: u32,
}

/// `Children/Child`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Child {
    /// `LAchildID` (N00097).
    pub la_child_id: Option<String>,
    /// `UPN` (N00001).
    pub upn: Option<String>,
    /// `FormerUPN` (N00002).
    pub former_upn: Option<String>,
    /// `UPNunknown` (N00135): UN1..UN7.
    pub upn_unknown: Option<String>,
    /// `PersonBirthDate` (N00066).
    pub birth_date: Option<Date>,
    /// `ExpectedPersonBirthDate` (N00098), for an unborn child.
    pub expected_birth_date: Option<Date>,
    /// `Sex` (N00783): M, F or U, from 2024/25.
    pub sex: Option<String>,
    /// `GenderCurrent` (N00065): the pre-2024/25 item (1, 2, 0, 9), read from older files.
    pub gender_current: Option<String>,
    /// `PersonDeathDate` (N00108).
    pub death_date: Option<Date>,
    /// `Ethnicity` (N00177).
    pub ethnicity: Option<String>,
    /// `Disabilities/Disability` (N00099), in file order (duplicates kept, for rule 8794).
    pub disabilities: Vec<String>,
    /// `CINdetails`: one per CIN episode (referral).
    pub cin_details: Vec<CinDetails>,
    pub line: u32,
}

/// `CINdetails`: one CIN episode.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CinDetails {
    /// `CINreferralDate` (N00100).
    pub referral_date: Option<Date>,
    /// `ReferralSource` (N00152).
    pub referral_source: Option<String>,
    /// `PrimaryNeedCode` (N00101).
    pub primary_need: Option<String>,
    /// `CINclosureDate` (N00102).
    pub closure_date: Option<Date>,
    /// `ReasonForClosure` (N00103).
    pub reason_for_closure: Option<String>,
    /// `DateOfInitialCPC` at this level (N00110): the old place for the ICPC date.
    pub date_of_initial_cpc: Option<Date>,
    pub assessments: Vec<Assessment>,
    pub cin_plans: Vec<CinPlan>,
    pub section47s: Vec<Section47>,
    /// `ReferralNFA` (N00112): "true"/"false"/"1"/"0" as written.
    pub referral_nfa: Option<String>,
    pub cp_plans: Vec<CpPlan>,
    pub line: u32,
}

/// `Assessments`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Assessment {
    /// `AssessmentActualStartDate` (N00159).
    pub start_date: Option<Date>,
    /// `AssessmentInternalReviewDate`.
    pub internal_review_date: Option<Date>,
    /// `AssessmentAuthorisationDate` (N00160): the completion date.
    pub authorisation_date: Option<Date>,
    /// `FactorsIdentifiedAtAssessment/AssessmentFactors` (N00181), in file order.
    pub factors: Vec<String>,
    pub line: u32,
}

/// `CINPlanDates`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CinPlan {
    /// `CINPlanStartDate` (N00689).
    pub start_date: Option<Date>,
    /// `CINPlanEndDate` (N00690).
    pub end_date: Option<Date>,
    pub line: u32,
}

/// `Section47`: a section 47 enquiry.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Section47 {
    /// `S47ActualStartDate` (N00148).
    pub start_date: Option<Date>,
    /// `InitialCPCtarget` (N00109).
    pub icpc_target: Option<Date>,
    /// `DateOfInitialCPC` (N00110).
    pub date_of_initial_cpc: Option<Date>,
    /// `ICPCnotRequired` (N00111): "true"/"false"/"1"/"0" as written.
    pub icpc_not_required: Option<String>,
    pub line: u32,
}

/// `ChildProtectionPlans`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CpPlan {
    /// `CPPstartDate` (N00105).
    pub start_date: Option<Date>,
    /// `CPPendDate` (N00115).
    pub end_date: Option<Date>,
    /// `InitialCategoryOfAbuse` (N00113).
    pub initial_category: Option<String>,
    /// `LatestCategoryOfAbuse` (N00114).
    pub latest_category: Option<String>,
    /// `NumberOfPreviousCPP` (N00106), as written.
    pub number_of_previous_cpp: Option<String>,
    /// `Reviews/CPPreviewDate` (N00116); `None` for a review element with no (valid) date.
    pub reviews: Vec<Option<Date>>,
    pub line: u32,
}

impl CensusReturn {
    /// The return with every `line` set to 0: what a return built from records looks like, so that one read from a
    /// file can be compared with one built or written.
    pub fn without_lines(&self) -> CensusReturn {
        let mut out = self.clone();
        out.header.line = 0;
        for child in &mut out.children {
            child.line = 0;
            for cin in &mut child.cin_details {
                cin.line = 0;
                cin.assessments.iter_mut().for_each(|a| a.line = 0);
                cin.cin_plans.iter_mut().for_each(|p| p.line = 0);
                cin.section47s.iter_mut().for_each(|s| s.line = 0);
                cin.cp_plans.iter_mut().for_each(|p| p.line = 0);
            }
        }
        out
    }
}

/// A census boolean ("true", "false", "1" or "0"), or `None` when missing or anything else.
pub fn flag(value: Option<&str>) -> Option<bool> {
    match value.map(str::trim) {
        Some("true" | "1") => Some(true),
        Some("false" | "0") => Some(false),
        _ => None,
    }
}

impl CinDetails {
    /// The referral led to no further action (`ReferralNFA` true or 1).
    pub fn is_nfa(&self) -> bool {
        flag(self.referral_nfa.as_deref()) == Some(true)
    }
}

impl Section47 {
    /// `ICPCnotRequired` is true or 1.
    pub fn icpc_not_required(&self) -> bool {
        flag(self.icpc_not_required.as_deref()) == Some(true)
    }
}
