//! Our codes as the Annex A template writes them ("a) Male", "a) WBRI", "q) 6: Police", "N1 - Abuse or
//! neglect"…). Every value written here is one of the column's allowed values in the catalogue (a test checks
//! each code of each list).

use domain::codes::{
    AbuseCategory, ClosureReason, Disability, Ethnicity, PrimaryNeed, ReferralSource, Sex,
};

/// Gender. The template's values are about gender; ours is the census's Sex item: unknown (or unborn) is
/// "not stated/recorded".
pub fn gender(sex: Sex) -> &'static str {
    match sex {
        Sex::Male => "a) Male",
        Sex::Female => "b) Female",
        Sex::Unknown => "c) Not stated/recorded",
    }
}

/// Ethnicity. Not recorded at all is written as "information not yet obtained" (NOBT), the census's own code
/// for that: the column may not be blank.
pub fn ethnicity(e: Option<Ethnicity>) -> &'static str {
    use Ethnicity::*;
    match e {
        Some(WhiteBritish) => "a) WBRI",
        Some(WhiteIrish) => "b) WIRI",
        Some(TravellerOfIrishHeritage) => "c) WIRT",
        Some(OtherWhite) => "d) WOTH",
        Some(GypsyRoma) => "e) WROM",
        Some(WhiteAndBlackCaribbean) => "f) MWBC",
        Some(WhiteAndBlackAfrican) => "g) MWBA",
        Some(WhiteAndAsian) => "h) MWAS",
        Some(OtherMixed) => "i) MOTH",
        Some(Indian) => "j) AIND",
        Some(Pakistani) => "k) APKN",
        Some(Bangladeshi) => "l) ABAN",
        Some(OtherAsian) => "m) AOTH",
        Some(Caribbean) => "n) BCRB",
        Some(African) => "o) BAFR",
        Some(OtherBlack) => "p) BOTH",
        Some(Chinese) => "q) CHNE",
        Some(OtherEthnicGroup) => "r) OOTH",
        Some(Refused) => "s) REFU",
        Some(NotYetObtained) | None => "s) NOBT",
    }
}

/// Contact or referral source. The census's 5D (LA early help), newer than the template, is written as 5B
/// (another LA service, other than social care): the nearest value the template has.
pub fn referral_source(s: ReferralSource) -> &'static str {
    use ReferralSource::*;
    match s {
        IndividualFamily => "a) 1A: Individual",
        IndividualAcquaintance => "b) 1B: Individual",
        IndividualSelf => "c) 1C: Individual",
        IndividualOther => "d) 1D: Individual",
        Schools => "e) 2A: Schools",
        EducationServices => "f) 2B: Education services",
        HealthGp => "g) 3A: Health services",
        HealthVisitor => "h) 3B: Health services",
        SchoolNurse => "i) 3C: Health services",
        OtherPrimaryHealth => "j) 3D: Health services",
        AccidentAndEmergency => "k) 3E: Health services",
        HealthOther => "l) 3F: Health services",
        Housing => "m) 4: Housing",
        LaSocialCare => "n) 5A: LA services",
        LaOtherInternal | LaEarlyHelp => "o) 5B: LA services",
        LaExternal => "p) 5C: LA services",
        Police => "q) 6: Police",
        OtherLegalAgency => "r) 7: Other legal agency",
        Other => "s) 8: Other",
        Anonymous => "t) 9: Anonymous",
        Unknown => "u) 10: Unknown",
    }
}

/// "a) Yes" / "b) No".
pub fn yes_no(b: bool) -> &'static str {
    if b { "a) Yes" } else { "b) No" }
}

/// The template's "unknown" answer to a yes/no question.
pub const UNKNOWN: &str = "c) Unknown";

/// Does the child have a disability: yes when any disability other than NONE is recorded, no when only NONE
/// is, unknown when nothing is recorded.
pub fn disability(d: &[Disability]) -> &'static str {
    if d.is_empty() {
        UNKNOWN
    } else {
        yes_no(d.iter().any(|x| *x != Disability::None))
    }
}

/// "N1 - Abuse or neglect"…
pub fn primary_need(n: PrimaryNeed) -> &'static str {
    use PrimaryNeed::*;
    match n {
        AbuseOrNeglect => "N1 - Abuse or neglect",
        ChildsDisability => "N2 - Child's disability",
        ParentalDisabilityOrIllness => "N3 - Parental disability or illness",
        FamilyInAcuteStress => "N4 - Family in acute stress",
        FamilyDysfunction => "N5 - Family dysfunction",
        SociallyUnacceptableBehaviour => "N6 - Socially unacceptable behaviour",
        LowIncome => "N7 - Low income",
        AbsentParenting => "N8 - Absent parenting",
        NotChildrenInNeed => "N9 - Cases other than children in need",
        NotStated => "N0 - Not stated",
    }
}

/// "RC1 - Adopted"… The census's RC9 (closed after assessment, referred to early help), newer than the
/// template, is written as RC8 (closed after assessment, no further action): the nearest value it has.
pub fn closure_reason(r: ClosureReason) -> &'static str {
    use ClosureReason::*;
    match r {
        Adopted => "RC1 - Adopted",
        Died => "RC2 - Died",
        ChildArrangementsOrder => "RC3 - Child arrangements order",
        SpecialGuardianshipOrder => "RC4 - Special guardianship order",
        TransferredToAnotherLa => "RC5 - Transferred to services of another local authority",
        TransferredToAdultServices => "RC6 - Transferred to adult social care services",
        ServicesCeased => {
            "RC7 - Services ceased for any other reason, including child no longer in need"
        }
        ClosedAfterAssessmentNoFurtherAction | ClosedAfterAssessmentReferredToEarlyHelp => {
            "RC8 - Case closed after assessment, no further action"
        }
    }
}

/// "a) Neglect"…
pub fn abuse_category(c: AbuseCategory) -> &'static str {
    match c {
        AbuseCategory::Neglect => "a) Neglect",
        AbuseCategory::Physical => "b) Physical abuse",
        AbuseCategory::Sexual => "c) Sexual abuse",
        AbuseCategory::Emotional => "d) Emotional abuse",
        AbuseCategory::Multiple => "e) Multiple/not recommended",
    }
}

/// List 6's case status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaseStatus {
    LookedAfter,
    ChildProtectionPlan,
    ChildInNeedPlan,
    OpenAssessment,
    Closed,
}

impl CaseStatus {
    pub fn label(self) -> &'static str {
        match self {
            CaseStatus::LookedAfter => "a) Looked after child",
            CaseStatus::ChildProtectionPlan => "b) Child Protection plan",
            CaseStatus::ChildInNeedPlan => "c) Child in need plan",
            CaseStatus::OpenAssessment => "d) Open assessment",
            CaseStatus::Closed => "e) Closed episode",
        }
    }
}
