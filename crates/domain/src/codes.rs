//! Code lists: the DfE CIN census enumerations (from `shared/reference/dfe/cin-codelists.csv`) and Frontdoor's own
//! lists for what the census does not cover (agencies, roles, RAG, consent, outcomes…). Each list is an enum that
//! parses and prints its code, has a plain-English label, and (de)serialises as its code.

use std::fmt;
use std::str::FromStr;

use crate::error::ValueError;

/// Declares a code list: an enum whose variants carry a code (as written in returns and the API) and a label.
macro_rules! code_list {
    (
        $(#[$meta:meta])*
        $name:ident, field = $field:literal,
        { $( $(#[$vmeta:meta])* $variant:ident = $code:literal => $label:literal ),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        impl $name {
            /// Every value, in the list's own order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];
            /// The field name used in error messages.
            pub const FIELD: &'static str = $field;

            /// The code as written in statutory returns and the API.
            pub fn code(self) -> &'static str {
                match self { $(Self::$variant => $code),+ }
            }

            /// The code's meaning in plain English.
            pub fn label(self) -> &'static str {
                match self { $(Self::$variant => $label),+ }
            }

            /// Parse a code (surrounding spaces ignored, letters in any case).
            pub fn parse(s: &str) -> Result<Self, ValueError> {
                let t = s.trim();
                $( if t.eq_ignore_ascii_case($code) { return Ok(Self::$variant); } )+
                Err(unknown_code(Self::FIELD, t, &[$($code),+]))
            }
        }

        impl FromStr for $name {
            type Err = ValueError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.code())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                Self::parse(&s).map_err(serde::de::Error::custom)
            }
        }
    };
}

fn unknown_code(field: &'static str, given: &str, codes: &[&str]) -> ValueError {
    if given.is_empty() {
        return ValueError::new(field, "choose a value");
    }
    let shown: String = given.chars().take(40).collect();
    let expected = if codes.len() <= 12 {
        format!("one of {}", codes.join(", "))
    } else {
        format!("one of the {} codes in the list", codes.len())
    };
    ValueError::new(
        field,
        format!("'{shown}' is not a known code (expected {expected})"),
    )
}

// ---------------------------------------------------------------------------------------------------------------
// DfE CIN census code lists
// ---------------------------------------------------------------------------------------------------------------

code_list! {
    /// Sex (N00783), the CIN census item from 2024/25 (replacing GenderCurrent).
    Sex, field = "sex", {
        Male = "M" => "Male",
        Female = "F" => "Female",
        Unknown = "U" => "Unknown or unborn",
    }
}

impl Sex {
    /// The pre-2024/25 GenderCurrent code (N00065) for the same value.
    pub fn gender_current(self) -> &'static str {
        match self {
            Sex::Male => "1",
            Sex::Female => "2",
            Sex::Unknown => "0",
        }
    }

    /// Read a pre-2024/25 GenderCurrent code (1 male, 2 female, 0 not recorded or unborn, 9 indeterminate).
    pub fn from_gender_current(s: &str) -> Result<Sex, ValueError> {
        match s.trim() {
            "1" => Ok(Sex::Male),
            "2" => Ok(Sex::Female),
            "0" | "9" => Ok(Sex::Unknown),
            other => Err(unknown_code("GenderCurrent", other, &["1", "2", "0", "9"])),
        }
    }
}

code_list! {
    /// Ethnicity (N00177).
    Ethnicity, field = "ethnicity", {
        WhiteBritish = "WBRI" => "White British",
        WhiteIrish = "WIRI" => "White Irish",
        TravellerOfIrishHeritage = "WIRT" => "Traveller of Irish heritage",
        OtherWhite = "WOTH" => "Any other White background",
        GypsyRoma = "WROM" => "Gypsy/Roma",
        WhiteAndBlackCaribbean = "MWBC" => "White and Black Caribbean",
        WhiteAndBlackAfrican = "MWBA" => "White and Black African",
        WhiteAndAsian = "MWAS" => "White and Asian",
        OtherMixed = "MOTH" => "Any other mixed background",
        Indian = "AIND" => "Indian",
        Pakistani = "APKN" => "Pakistani",
        Bangladeshi = "ABAN" => "Bangladeshi",
        OtherAsian = "AOTH" => "Any other Asian background",
        Caribbean = "BCRB" => "Caribbean",
        African = "BAFR" => "African",
        OtherBlack = "BOTH" => "Any other Black background",
        Chinese = "CHNE" => "Chinese",
        OtherEthnicGroup = "OOTH" => "Any other ethnic group",
        Refused = "REFU" => "Refused",
        NotYetObtained = "NOBT" => "Information not yet obtained",
    }
}

code_list! {
    /// Disability (N00099).
    Disability, field = "disability", {
        None = "NONE" => "No disability",
        Mobility = "MOB" => "Mobility",
        HandFunction = "HAND" => "Hand function",
        PersonalCare = "PC" => "Personal care",
        Incontinence = "INC" => "Incontinence",
        Communication = "COMM" => "Communication",
        Learning = "LD" => "Learning",
        Hearing = "HEAR" => "Hearing",
        Vision = "VIS" => "Vision",
        Behaviour = "BEH" => "Behaviour",
        Consciousness = "CON" => "Consciousness",
        Autism = "AUT" => "Autism",
        Other = "DDA" => "Other",
    }
}

code_list! {
    /// UPN unknown reason (N00135).
    UpnUnknown, field = "UPN unknown reason", {
        Un1 = "UN1" => "Child is aged under 6 and not yet attending school",
        Un2 = "UN2" => "Child has never attended a school in England",
        Un3 = "UN3" => "Child is educated outside England",
        Un4 = "UN4" => "Child is newly arrived and awaiting a UPN",
        Un5 = "UN5" => "Sources that hold UPNs do not hold one for this child",
        Un6 = "UN6" => "Child is aged 6 or over and the UPN is not yet known",
        Un7 = "UN7" => "Referral with no further action",
    }
}

code_list! {
    /// Source of referral (N00152).
    ReferralSource, field = "source", {
        IndividualFamily = "1A" => "Individual: family member, relative or carer",
        IndividualAcquaintance = "1B" => "Individual: acquaintance (including neighbours and childminders)",
        IndividualSelf = "1C" => "Individual: self",
        IndividualOther = "1D" => "Individual: other (including strangers)",
        Schools = "2A" => "Schools",
        EducationServices = "2B" => "Education services",
        HealthGp = "3A" => "Health services: GP",
        HealthVisitor = "3B" => "Health services: health visitor",
        SchoolNurse = "3C" => "Health services: school nurse",
        OtherPrimaryHealth = "3D" => "Health services: other primary health services",
        AccidentAndEmergency = "3E" => "Health services: A&E",
        HealthOther = "3F" => "Health services: other (for example hospice)",
        Housing = "4" => "Housing: LA housing or housing association",
        LaSocialCare = "5A" => "LA services: social care (for example adult social care)",
        LaOtherInternal = "5B" => "LA services: other internal (another council department)",
        LaExternal = "5C" => "LA services: external (for example another LA's social care)",
        LaEarlyHelp = "5D" => "LA services: early help",
        Police = "6" => "Police",
        OtherLegalAgency = "7" => "Other legal agency (courts, probation, immigration, CAFCASS, prison)",
        Other = "8" => "Other (children's centres, independent agencies, faith groups)",
        Anonymous = "9" => "Anonymous",
        Unknown = "10" => "Unknown",
    }
}

code_list! {
    /// Primary need at assessment (N00101).
    PrimaryNeed, field = "primary need", {
        AbuseOrNeglect = "N1" => "Abuse or neglect",
        ChildsDisability = "N2" => "Child's disability",
        ParentalDisabilityOrIllness = "N3" => "Parental disability or illness",
        FamilyInAcuteStress = "N4" => "Family in acute stress",
        FamilyDysfunction = "N5" => "Family dysfunction",
        SociallyUnacceptableBehaviour = "N6" => "Socially unacceptable behaviour",
        LowIncome = "N7" => "Low income",
        AbsentParenting = "N8" => "Absent parenting",
        NotChildrenInNeed = "N9" => "Cases other than children in need",
        NotStated = "N0" => "Not stated",
    }
}

code_list! {
    /// Reason for closure of a CIN episode (N00103).
    ClosureReason, field = "reason for closure", {
        Adopted = "RC1" => "Adopted",
        Died = "RC2" => "Died",
        ChildArrangementsOrder = "RC3" => "Child arrangements order",
        SpecialGuardianshipOrder = "RC4" => "Special guardianship order",
        TransferredToAnotherLa = "RC5" => "Transferred to services of another local authority",
        TransferredToAdultServices = "RC6" => "Transferred to adult social care services",
        ServicesCeased = "RC7" => "Services ceased for any other reason, including child no longer in need",
        ClosedAfterAssessmentNoFurtherAction = "RC8" => "Case closed after assessment, no further action",
        ClosedAfterAssessmentReferredToEarlyHelp = "RC9" => "Case closed after assessment, referred to early help",
    }
}

code_list! {
    /// Category of abuse of a child protection plan (N00113 initial, N00114 latest).
    AbuseCategory, field = "category of abuse", {
        Neglect = "NEG" => "Neglect",
        Physical = "PHY" => "Physical abuse",
        Sexual = "SAB" => "Sexual abuse",
        Emotional = "EMO" => "Emotional abuse",
        Multiple = "MUL" => "Multiple/not recommended",
    }
}

code_list! {
    /// Factors identified at the end of assessment (N00181). 18A and 19A are retired: the census now wants
    /// 18B/18C and 19B/19C, but they are still read from older files.
    AssessmentFactor, field = "assessment factor", {
        AlcoholChild = "1A" => "Alcohol misuse by the child",
        AlcoholParent = "1B" => "Alcohol misuse by the parent(s) or carer(s)",
        AlcoholOther = "1C" => "Alcohol misuse by another person in the household",
        DrugsChild = "2A" => "Drug misuse by the child",
        DrugsParent = "2B" => "Drug misuse by the parent(s) or carer(s)",
        DrugsOther = "2C" => "Drug misuse by another person in the household",
        DomesticAbuseChild = "3A" => "Domestic abuse: the child is the subject",
        DomesticAbuseParent = "3B" => "Domestic abuse: the parent(s) or carer(s) are the subject",
        DomesticAbuseOther = "3C" => "Domestic abuse: another person in the household is the subject",
        MentalHealthChild = "4A" => "Mental health of the child",
        MentalHealthParent = "4B" => "Mental health of the parent(s) or carer(s)",
        MentalHealthOther = "4C" => "Mental health of another person in the family or household",
        LearningDisabilityChild = "5A" => "Learning disability of the child",
        LearningDisabilityParent = "5B" => "Learning disability of the parent(s) or carer(s)",
        LearningDisabilityOther = "5C" => "Learning disability of another person in the family or household",
        PhysicalDisabilityChild = "6A" => "Physical disability or illness of the child",
        PhysicalDisabilityParent = "6B" => "Physical disability or illness of the parent(s) or carer(s)",
        PhysicalDisabilityOther = "6C" => "Physical disability or illness of another person in the family or household",
        YoungCarer = "7A" => "Young carer",
        PrivatelyFosteredOverseasReturn = "8B" => "Privately fostered: overseas child who intends to return",
        PrivatelyFosteredOverseasStay = "8C" => "Privately fostered: overseas child who intends to stay",
        PrivatelyFosteredEducational = "8D" => "Privately fostered: UK child in an educational placement",
        PrivatelyFosteredFamily = "8E" => "Privately fostered: UK child in an alternative family arrangement",
        PrivatelyFosteredOther = "8F" => "Privately fostered: other",
        UnaccompaniedAsylumSeeking = "9A" => "Unaccompanied asylum-seeking child",
        Missing = "10A" => "Going or being missing",
        SexualExploitation = "11A" => "Child sexual exploitation",
        Trafficking = "12A" => "Trafficking",
        Gangs = "13A" => "Involvement in or with gangs",
        SociallyUnacceptableBehaviour = "14A" => "Socially unacceptable behaviour",
        SelfHarm = "15A" => "Self-harm",
        Neglect = "16A" => "Abuse or neglect: neglect",
        EmotionalAbuse = "17A" => "Abuse or neglect: emotional abuse",
        /// Retired; use 18B or 18C.
        PhysicalAbuseRetired = "18A" => "Abuse or neglect: physical abuse (retired code)",
        PhysicalAbuseByChild = "18B" => "Abuse or neglect: physical abuse, child on child",
        PhysicalAbuseByAdult = "18C" => "Abuse or neglect: physical abuse, adult on child",
        /// Retired; use 19B or 19C.
        SexualAbuseRetired = "19A" => "Abuse or neglect: sexual abuse (retired code)",
        SexualAbuseByChild = "19B" => "Abuse or neglect: sexual abuse, child on child",
        SexualAbuseByAdult = "19C" => "Abuse or neglect: sexual abuse, adult on child",
        Other = "20" => "Other",
        NoFactors = "21" => "No factors identified",
        FemaleGenitalMutilation = "22A" => "Female genital mutilation",
        FaithOrBelief = "23A" => "Abuse linked to faith or belief",
        CriminalExploitation = "24A" => "Child criminal exploitation",
    }
}

impl AssessmentFactor {
    /// Codes the census no longer accepts for new assessments.
    pub fn is_retired(self) -> bool {
        matches!(self, Self::PhysicalAbuseRetired | Self::SexualAbuseRetired)
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Frontdoor's own code lists
// ---------------------------------------------------------------------------------------------------------------

code_list! {
    /// An agency that works with children's social care.
    Agency, field = "agency", {
        Police = "police" => "Police",
        Health = "health" => "Health",
        Education = "education" => "Education",
        Probation = "probation" => "Probation",
        Housing = "housing" => "Housing",
        YouthJustice = "youth-justice" => "Youth justice",
        SocialCare = "social-care" => "Children's social care",
        Other = "other" => "Other agency",
    }
}

code_list! {
    /// Who someone at a meeting (conference, core group, plan review) was there for: the partner agencies, the
    /// family and the child themselves.
    MeetingAgency, field = "agency", {
        SocialCare = "social-care" => "Children's social care",
        Family = "family" => "Family",
        Child = "child" => "The child",
        Police = "police" => "Police",
        Health = "health" => "Health",
        Education = "education" => "Education",
        Probation = "probation" => "Probation",
        Housing = "housing" => "Housing",
        YouthJustice = "youth-justice" => "Youth justice",
        Other = "other" => "Other agency",
    }
}

code_list! {
    /// What a user of Frontdoor does, which decides what they may see and do.
    Role, field = "role", {
        MashWorker = "mash-worker" => "MASH or duty social worker",
        SocialWorker = "social-worker" => "Social worker",
        TeamManager = "team-manager" => "Team manager",
        Partner = "partner" => "Partner agency practitioner",
        Edt = "edt" => "Emergency duty team",
        EarlyHelp = "early-help" => "Early help practitioner",
        ReviewingOfficer = "reviewing-officer" => "Conference chair or reviewing officer",
        Auditor = "auditor" => "Quality assurance officer or auditor",
        SeniorLeader = "senior-leader" => "Senior leader",
        Admin = "admin" => "Administrator",
        Inspector = "inspector" => "Inspector",
        InformationGovernance = "information-governance" => "Information governance officer",
    }
}

code_list! {
    /// The level of need on the LA's continuum of need (its four levels; names are configurable per LA).
    ThresholdLevel, field = "threshold level", {
        Level1 = "1" => "Level 1: universal",
        Level2 = "2" => "Level 2: early help",
        Level3 = "3" => "Level 3: child in need",
        Level4 = "4" => "Level 4: child protection",
    }
}

code_list! {
    /// Consent to share information and make enquiries about a family.
    Consent, field = "consent", {
        Given = "given" => "Sought and given",
        Refused = "refused" => "Sought and refused",
        NotSought = "not-sought" => "Not sought",
    }
}

code_list! {
    /// The decision on next steps for a contact.
    ContactOutcome, field = "outcome", {
        NoFurtherAction = "nfa" => "No further action",
        Advice = "advice" => "Information and advice",
        EarlyHelp = "early-help" => "Early help",
        Referral = "referral" => "Referral for a child and family assessment",
        StrategyDiscussion = "strategy-discussion" => "Strategy discussion",
        EmergencyAccommodation = "emergency-accommodation" => "Emergency accommodation",
    }
}

impl ContactOutcome {
    /// Whether this outcome opens a child-in-need episode (a referral in the census's sense).
    pub fn opens_referral(self) -> bool {
        matches!(
            self,
            Self::Referral | Self::StrategyDiscussion | Self::EmergencyAccommodation
        )
    }
}

code_list! {
    /// How the referrer was told the outcome of their contact.
    FeedbackMethod, field = "feedback method", {
        Phone = "phone" => "Telephone",
        Email = "email" => "Secure email",
        Letter = "letter" => "Letter",
        InPerson = "in-person" => "In person",
    }
}

code_list! {
    /// The decision of a strategy discussion.
    StrategyDecision, field = "decision", {
        Section47 = "section-47" => "Section 47 enquiry",
        NoSection47 = "no-section-47" => "No section 47 enquiry",
    }
}

code_list! {
    /// The outcome of a section 47 enquiry.
    Section47Outcome, field = "section 47 outcome", {
        NotSubstantiated = "not-substantiated" => "Concerns not substantiated",
        SubstantiatedNotAtRisk = "substantiated-not-at-risk" => "Concerns substantiated, child not judged at continuing risk of significant harm",
        SubstantiatedAtRisk = "substantiated-at-risk" => "Concerns substantiated, child judged at continuing risk of significant harm",
    }
}

code_list! {
    /// The kind of child protection conference.
    ConferenceKind, field = "conference kind", {
        Initial = "initial" => "Initial child protection conference",
        Review = "review" => "Review child protection conference",
        TransferIn = "transfer-in" => "Transfer-in conference",
    }
}

code_list! {
    /// What a child protection conference decided.
    ConferenceOutcome, field = "conference outcome", {
        ChildProtectionPlan = "cp-plan" => "Child protection plan",
        NoPlan = "no-plan" => "No child protection plan",
        ContinuePlan = "continue-plan" => "Continue the child protection plan",
        EndPlan = "end-plan" => "End the child protection plan",
    }
}

code_list! {
    /// Child in need or child protection.
    PlanKind, field = "plan kind", {
        ChildInNeed = "cin" => "Child in need plan",
        ChildProtection = "cp" => "Child protection plan",
    }
}

code_list! {
    /// Where an action stands.
    ActionStatus, field = "action status", {
        Open = "open" => "Open",
        Done = "done" => "Done",
        Cancelled = "cancelled" => "Cancelled",
    }
}

code_list! {
    /// What was done to an action after it was set.
    ActionUpdateKind, field = "action update", {
        Done = "done" => "Done",
        Redated = "redated" => "Re-dated",
    }
}

code_list! {
    /// What a document on a child's record or a contact is (optional: a document may be just "a document").
    DocumentKind, field = "kind", {
        PoliceNotification = "police-notification" => "Police notification",
        PartnerReport = "partner-report" => "Partner agency report",
        SignedConsent = "signed-consent" => "Signed consent",
        ConferenceMinutes = "conference-minutes" => "Conference minutes",
        Letter = "letter" => "Letter",
        Other = "other" => "Other document",
    }
}

code_list! {
    /// What an assessment concluded.
    AssessmentOutcome, field = "assessment outcome", {
        NoFurtherAction = "nfa" => "No further action",
        EarlyHelp = "early-help" => "Step down to early help",
        ChildInNeedPlan = "cin-plan" => "Child in need plan",
        StrategyDiscussion = "strategy-discussion" => "Strategy discussion",
        LookedAfter = "looked-after" => "Child to become looked after",
        OtherService = "other-service" => "Referred to another service",
    }
}

code_list! {
    /// How one person is related to another ("A is B's …").
    RelationshipKind, field = "relationship", {
        Mother = "mother" => "Mother",
        Father = "father" => "Father",
        StepParent = "step-parent" => "Step-parent",
        ParentsPartner = "parents-partner" => "Parent's partner",
        Sibling = "sibling" => "Sibling",
        HalfSibling = "half-sibling" => "Half-sibling",
        Grandparent = "grandparent" => "Grandparent",
        AuntOrUncle = "aunt-uncle" => "Aunt or uncle",
        Carer = "carer" => "Carer",
        Other = "other" => "Other",
    }
}

code_list! {
    /// The role of a professional involved with a child.
    ProfessionalRole, field = "professional role", {
        Gp = "gp" => "GP",
        School = "school" => "School",
        HealthVisitor = "health-visitor" => "Health visitor",
        SchoolNurse = "school-nurse" => "School nurse",
        Other = "other" => "Other",
    }
}

code_list! {
    /// The kind of a case note.
    CaseNoteKind, field = "case note kind", {
        Visit = "visit" => "Visit",
        Telephone = "telephone" => "Telephone call",
        Email = "email" => "Email",
        Meeting = "meeting" => "Meeting",
        DirectWork = "direct-work" => "Direct work with the child",
        ManagementOversight = "management-oversight" => "Management oversight",
        Other = "other" => "Other",
    }
}

code_list! {
    /// A kind of letter made from an LA's template.
    LetterKind, field = "letter", {
        ReferrerOutcome = "referrer-outcome" => "Outcome letter to the referrer",
        ConferenceInvitation = "icpc-invitation" => "Invitation to an initial child protection conference",
    }
}

code_list! {
    /// Why a visit took place.
    VisitKind, field = "visit kind", {
        ChildProtection = "cp" => "Child protection visit",
        ChildInNeed = "cin" => "Child in need visit",
        Assessment = "assessment" => "Assessment visit",
        Section47 = "section-47" => "Section 47 visit",
        Other = "other" => "Other visit",
    }
}

code_list! {
    /// Extra-familial harm and related flags on a child.
    ChildFlagKind, field = "flag", {
        GangInvolvement = "gang-involvement" => "Gang involvement",
        CriminalExploitation = "criminal-exploitation" => "Criminal exploitation",
        SexualExploitation = "sexual-exploitation" => "Sexual exploitation",
        MissingEpisodes = "missing-episodes" => "Missing episodes",
    }
}

code_list! {
    /// Emergency legal protection (Annex A List 7 asks about the last six months).
    EmergencyProtectionKind, field = "emergency protection", {
        PolicePowers = "police-protection" => "Police protection (Children Act 1989 s46)",
        EmergencyProtectionOrder = "epo" => "Emergency protection order (s44)",
    }
}

code_list! {
    /// Why an early help episode ended.
    EarlyHelpEndReason, field = "end reason", {
        NeedsMet = "needs-met" => "Needs met",
        SteppedUp = "stepped-up" => "Stepped up to children's social care",
        Declined = "declined" => "Family declined or disengaged",
        Moved = "moved" => "Family moved away",
        Other = "other" => "Other",
    }
}

code_list! {
    /// A case-file audit's grade, in Ofsted's four-point scale.
    AuditGrade, field = "grade", {
        Outstanding = "outstanding" => "Outstanding",
        Good = "good" => "Good",
        RequiresImprovement = "requires-improvement" => "Requires improvement",
        Inadequate = "inadequate" => "Inadequate",
    }
}

code_list! {
    /// What a team does.
    TeamKind, field = "team kind", {
        Mash = "mash" => "Multi-agency safeguarding hub",
        Assessment = "assessment" => "Assessment team",
        Safeguarding = "safeguarding" => "Child in need and child protection team",
        EarlyHelp = "early-help" => "Early help team",
        EmergencyDuty = "edt" => "Emergency duty team",
        GangsUnit = "gangs-unit" => "Integrated gangs unit",
        ConferenceAndReview = "conference-review" => "Conference and review service",
        QualityAssurance = "quality-assurance" => "Quality assurance",
        Partner = "partner" => "Partner agency",
    }
}

code_list! {
    /// What happened to a record, as the audit log records it.
    AuditAction, field = "audit action", {
        Create = "create" => "Created",
        Update = "update" => "Updated",
        View = "view" => "Viewed",
        Search = "search" => "Searched",
        Export = "export" => "Exported",
        Import = "import" => "Imported",
        SignIn = "sign-in" => "Signed in",
        SignOut = "sign-out" => "Signed out",
        /// A sign-in refused for a wrong username or password (or a disabled user): never the password tried.
        SignInFailed = "sign-in-failed" => "Sign-in failed",
        /// Failed sign-ins started a wait before the next attempt (an account, a known browser or a client).
        LockedOut = "locked-out" => "Locked out of signing in",
        Admin = "admin" => "Administration",
        /// A restricted record opened in an emergency by someone not named on it, with a reason.
        BreakGlass = "break-glass" => "Break-glass access",
        /// A record deleted at the end of its retention period (the entry is the stub left behind).
        Delete = "delete" => "Deleted under the retention schedule",
    }
}

code_list! {
    /// Whether the audited request was allowed.
    AuditOutcome, field = "audit outcome", {
        Allowed = "allowed" => "Allowed",
        Denied = "denied" => "Denied",
    }
}

/// `RecordKind`: the kinds of the record registry that are audited on their own, and the few audited kinds that
/// are not records of a set.
macro_rules! record_kind_list {
    (
        {
            $(
                $field:ident: $ty:ident, $counted:literal, ($($key:ident),+),
                [$($code:literal => $label:literal)?];
            )*
        }
        [$($w:ident),* $(,)?]
    ) => {
        code_list! {
            /// The kinds of record Frontdoor keeps (used by the audit log and the permission policy): every kind of
            /// the registry ([`record_kinds!`](crate::record_kinds)) audited on its own, and a few that are not
            /// records of a set.
            RecordKind, field = "record kind", {
                LocalAuthority = "local-authority" => "Local authority",
                ApiToken = "api-token" => "API token",
                Dataset = "dataset" => "Dataset",
                PersonMerge = "person-merge" => "Merge of two records of one person",
                /// Performance figures (a dashboard, a workload report): a listing, no one record.
                Performance = "performance" => "Performance data",
                PracticeObservation = "practice-observation" => "Practice observation",
                /// A partner organisation of an LA's directory.
                Organisation = "partner-organisation" => "Partner organisation",
                /// A legal hold keeping a child's file past its retention period.
                LegalHold = "legal-hold" => "Legal hold",
                $($($ty = $code => $label,)?)*
            }
        }
    };
}

crate::record_kinds!(@registry full [record_kind_list]);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_are_unique() {
        fn check<
            T: Copy + PartialEq + std::fmt::Debug + FromStr<Err = ValueError> + fmt::Display,
        >(
            all: &[T],
        ) {
            let mut seen = std::collections::HashSet::new();
            for v in all {
                let code = v.to_string();
                assert!(seen.insert(code.clone()), "duplicate code {code}");
                assert_eq!(code.parse::<T>().unwrap(), *v);
            }
        }
        check(Sex::ALL);
        check(Ethnicity::ALL);
        check(Disability::ALL);
        check(UpnUnknown::ALL);
        check(ReferralSource::ALL);
        check(PrimaryNeed::ALL);
        check(ClosureReason::ALL);
        check(AbuseCategory::ALL);
        check(AssessmentFactor::ALL);
        check(Agency::ALL);
        check(Role::ALL);
        check(ContactOutcome::ALL);
        check(RelationshipKind::ALL);
    }

    #[test]
    fn bad_codes_name_the_field() {
        let e = ReferralSource::parse("11").unwrap_err();
        assert_eq!(
            e.to_string(),
            "source: '11' is not a known code (expected one of the 22 codes in the list)"
        );
        let e = AbuseCategory::parse("ABC").unwrap_err();
        assert_eq!(
            e.to_string(),
            "category of abuse: 'ABC' is not a known code (expected one of NEG, PHY, SAB, EMO, MUL)"
        );
        assert_eq!(
            Sex::parse("").unwrap_err().to_string(),
            "sex: choose a value"
        );
        assert_eq!(
            ReferralSource::parse(" 1a ").unwrap(),
            ReferralSource::IndividualFamily
        );
    }

    #[test]
    fn serde_uses_codes() {
        assert_eq!(
            serde_json::to_string(&PrimaryNeed::AbuseOrNeglect).unwrap(),
            "\"N1\""
        );
        let r: Role = serde_json::from_str("\"mash-worker\"").unwrap();
        assert_eq!(r, Role::MashWorker);
        let e = serde_json::from_str::<Role>("\"boss\"").unwrap_err();
        assert!(e.to_string().contains("role: 'boss' is not a known code"));
    }
}
