//! The figures the generator draws from, and the phrases its records are written in. See the crate
//! documentation for where the figures come from.

use domain::codes::{
    AbuseCategory, AssessmentFactor, ChildFlagKind, ContactOutcome, PrimaryNeed, ReferralSource,
};

// ---------------------------------------------------------------------------------------------------------------
// Families

/// Children known to children's social care per family, 1 to 5 (mean about 1.8).
pub(crate) const FAMILY_SIZE_WEIGHTS: &[u32] = &[50, 28, 13, 6, 3];
/// Share of families with a mother recorded, with a father recorded, and fathers living with the children.
pub(crate) const MOTHER_RECORDED: f64 = 0.96;
pub(crate) const FATHER_RECORDED: f64 = 0.52;
pub(crate) const FATHER_IN_HOUSEHOLD: f64 = 0.45;
/// Fathers named from another tradition than the mother (mixed-heritage children).
pub(crate) const MIXED_COUPLE: f64 = 0.14;
/// Children of a family with a surname other than the family's (half-siblings, mother's surname).
pub(crate) const OTHER_SURNAME: f64 = 0.12;
/// Children recorded with a disability (DfE CIN 2024: about 13% of children in need; a lower share of all
/// children ever referred).
pub(crate) const DISABLED: f64 = 0.08;
/// Age of the eldest child known at the family's first contact, by year 0 to 17 (skewed to adolescents, as
/// referrals are: CIN 2024 has 10-15-year-olds as the largest group).
pub(crate) const ELDEST_AGE_WEIGHTS: &[u32] =
    &[9, 5, 5, 5, 5, 5, 5, 5, 6, 6, 7, 7, 8, 8, 8, 7, 6, 4];
/// Share of families whose youngest child is unborn at some contact (pre-birth referrals).
pub(crate) const UNBORN_YOUNGEST: f64 = 0.05;

// ---------------------------------------------------------------------------------------------------------------
// Contacts

/// Incidents (occasions the family comes to the front door) per family, 1 to 8. Tuned so that children average
/// about 2.5 contacts over ten years.
pub(crate) const INCIDENT_WEIGHTS: &[u32] = &[11, 14, 14, 13, 12, 11, 10, 8, 4, 3];
/// The share of an incident's contacts about all the eligible siblings (otherwise about one child).
pub(crate) const WHOLE_FAMILY_CONTACT: f64 = 0.72;
/// Contacts received out of hours by the emergency duty team.
pub(crate) const OUT_OF_HOURS: f64 = 0.15;
/// Contact decisions made later than the 1-working-day clock.
pub(crate) const LATE_DECISION: f64 = 0.08;
/// Contacts whose referrer was told the outcome, and the share of those told later than the clock.
pub(crate) const FEEDBACK_GIVEN: f64 = 0.88;
pub(crate) const LATE_FEEDBACK: f64 = 0.10;
/// Partner information requests answered late, and never answered.
pub(crate) const LATE_PARTNER_REPLY: f64 = 0.10;
pub(crate) const NO_PARTNER_REPLY: f64 = 0.04;
/// A second RAG rating after new information.
pub(crate) const RAG_CHANGED: f64 = 0.12;
/// Siblings in one contact whose outcome follows the family's.
pub(crate) const SIBLING_SAME_OUTCOME: f64 = 0.85;
/// A new contact within 12 months of a referral that closed: more often referred again (repeat concerns).
pub(crate) const REPEAT_REFERRAL: f64 = 0.35;
pub(crate) const CONTACTS_PER_CHILD: f64 = 2.5;

// ---------------------------------------------------------------------------------------------------------------
// Casework

/// Referrals closed with no further action (ReferralNFA) among referrals for assessment.
pub(crate) const REFERRAL_NFA: f64 = 0.11;
/// Strategy discussions that decide on a section 47 enquiry.
pub(crate) const SD_TO_S47: f64 = 0.9;
/// Section 47 enquiries leading to an initial child protection conference.
pub(crate) const S47_TO_ICPC: f64 = 0.40;
/// Initial conferences that make a child protection plan.
pub(crate) const ICPC_TO_PLAN: f64 = 0.85;
/// Assessments authorised after the 45 working days; ICPCs held after the 15 working days.
pub(crate) const LATE_ASSESSMENT: f64 = 0.15;
pub(crate) const LATE_ICPC: f64 = 0.20;
/// Visits, core groups and review conferences later than due.
pub(crate) const LATE_VISIT: f64 = 0.14;
pub(crate) const LATE_MEETING: f64 = 0.12;
/// Plan and strategy actions completed after their due date.
pub(crate) const LATE_ACTION: f64 = 0.22;
/// A child on a CIN plan escalated to a strategy discussion.
pub(crate) const CIN_ESCALATION: f64 = 0.06;
/// Step-down of a CP plan to a CIN plan (otherwise the case closes).
pub(crate) const CP_STEP_DOWN_TO_CIN: f64 = 0.5;
/// Cases stepped down to early help when they close after a plan.
pub(crate) const STEP_DOWN_TO_EARLY_HELP: f64 = 0.3;
/// Chance that a CP plan ends at its 1st, 2nd, 3rd... review conference (a typical plan lasts about 9 months).
pub(crate) const CP_END_AT_REVIEW: &[f64] = &[0.18, 0.55, 0.6, 0.7, 0.8, 1.0];
/// CIN plan length in months.
pub(crate) const CIN_PLAN_MONTHS: &[i64] = &[3, 4, 5, 6, 6, 6, 7, 8, 9, 10, 12, 14];
/// Early help episode length in days.
pub(crate) const EARLY_HELP_DAYS: (i64, i64) = (60, 300);
/// Strategy discussions held with the police alone.
pub(crate) const POLICE_ONLY: f64 = 0.12;
/// Emergency protection among section 47 enquiries started at the front door.
pub(crate) const EMERGENCY_PROTECTION: f64 = 0.04;
/// Adolescents referred for extra-familial harm who are also worked with by the integrated gangs unit.
pub(crate) const GANGS_UNIT: f64 = 0.6;
/// Chance that a child allocated during a practice week has their file audited (about 2% of children).
pub(crate) const AUDIT_PER_PRACTICE_WEEK: f64 = 0.025;

// ---------------------------------------------------------------------------------------------------------------
// Workforce. Case days per child are measured from the generator itself (see the `generate` example).

pub(crate) const TARGET_CASELOAD: f64 = 17.5;
pub(crate) const EARLY_HELP_CASELOAD: f64 = 20.0;
pub(crate) const ASSESSMENT_CASE_DAYS_PER_CHILD: f64 = 46.0;
pub(crate) const SAFEGUARDING_CASE_DAYS_PER_CHILD: f64 = 102.0;
pub(crate) const EARLY_HELP_CASE_DAYS_PER_CHILD: f64 = 120.0;
pub(crate) const CP_PLAN_DAYS_PER_CHILD: f64 = 40.0;

// ---------------------------------------------------------------------------------------------------------------
// What the family comes to the front door about.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Concern {
    DomesticAbuse,
    Neglect,
    ParentalMentalHealth,
    SubstanceMisuse,
    PhysicalInjury,
    SexualAbuse,
    EmotionalHarm,
    Exploitation,
    Missing,
    ChildMentalHealth,
    Behaviour,
    Disability,
    Housing,
    SchoolAttendance,
    PreBirth,
}

/// Concerns about the whole family, by weight.
pub(crate) const FAMILY_CONCERNS: &[(Concern, u32)] = &[
    (Concern::DomesticAbuse, 28),
    (Concern::Neglect, 17),
    (Concern::ParentalMentalHealth, 12),
    (Concern::SubstanceMisuse, 9),
    (Concern::PhysicalInjury, 8),
    (Concern::SexualAbuse, 3),
    (Concern::EmotionalHarm, 7),
    (Concern::Housing, 6),
    (Concern::SchoolAttendance, 5),
    (Concern::Disability, 5),
];
/// Concerns about one adolescent.
pub(crate) const ADOLESCENT_CONCERNS: &[(Concern, u32)] = &[
    (Concern::Exploitation, 20),
    (Concern::Missing, 14),
    (Concern::ChildMentalHealth, 18),
    (Concern::Behaviour, 14),
    (Concern::PhysicalInjury, 10),
    (Concern::SexualAbuse, 8),
    (Concern::DomesticAbuse, 8),
    (Concern::SchoolAttendance, 8),
];

impl Concern {
    /// Decision weights for a contact about a child not open to social care: NFA, advice, early help, referral,
    /// strategy discussion, emergency accommodation.
    pub(crate) fn outcome_weights(self) -> [(ContactOutcome, u32); 6] {
        use ContactOutcome::*;
        let w = |n: u32, a: u32, e: u32, r: u32, s: u32, x: u32| {
            // Referral and strategy weights scaled to give about 40% referrals and 35% s47s overall.
            [
                (NoFurtherAction, n),
                (Advice, a),
                (EarlyHelp, e * 115 / 100),
                (Referral, r * 82 / 100),
                (StrategyDiscussion, s * 80 / 100),
                (EmergencyAccommodation, x),
            ]
        };
        match self {
            Concern::DomesticAbuse => w(16, 14, 18, 36, 15, 1),
            Concern::Neglect => w(13, 10, 22, 40, 14, 1),
            Concern::ParentalMentalHealth => w(16, 16, 22, 38, 8, 0),
            Concern::SubstanceMisuse => w(15, 12, 20, 38, 14, 1),
            Concern::PhysicalInjury => w(10, 8, 10, 32, 38, 2),
            Concern::SexualAbuse => w(8, 8, 6, 28, 48, 2),
            Concern::EmotionalHarm => w(18, 16, 22, 36, 8, 0),
            Concern::Exploitation => w(10, 10, 16, 34, 29, 1),
            Concern::Missing => w(20, 18, 20, 30, 12, 0),
            Concern::ChildMentalHealth => w(22, 24, 24, 26, 4, 0),
            Concern::Behaviour => w(24, 22, 30, 22, 2, 0),
            Concern::Disability => w(14, 18, 26, 42, 0, 0),
            Concern::Housing => w(28, 32, 26, 14, 0, 0),
            Concern::SchoolAttendance => w(26, 26, 34, 14, 0, 0),
            Concern::PreBirth => w(8, 6, 16, 50, 20, 0),
        }
    }

    /// Who tells the front door.
    pub(crate) fn sources(self) -> &'static [(ReferralSource, u32)] {
        use ReferralSource::*;
        match self {
            Concern::DomesticAbuse => &[
                (Police, 62),
                (Schools, 8),
                (HealthOther, 5),
                (IndividualFamily, 6),
                (LaSocialCare, 5),
                (Housing, 4),
                (Anonymous, 3),
                (Other, 7),
            ],
            Concern::Exploitation | Concern::Missing => &[
                (Police, 52),
                (Schools, 18),
                (LaOtherInternal, 8),
                (IndividualFamily, 8),
                (OtherLegalAgency, 6),
                (HealthOther, 4),
                (Other, 4),
            ],
            Concern::SchoolAttendance => {
                &[(Schools, 70), (EducationServices, 22), (LaEarlyHelp, 8)]
            }
            Concern::PreBirth => &[
                (OtherPrimaryHealth, 40),
                (HealthOther, 25),
                (HealthGp, 10),
                (LaSocialCare, 10),
                (Police, 10),
                (Housing, 5),
            ],
            Concern::Disability => &[
                (HealthGp, 18),
                (OtherPrimaryHealth, 14),
                (Schools, 24),
                (IndividualFamily, 26),
                (HealthOther, 10),
                (EducationServices, 8),
            ],
            Concern::Housing => &[
                (Housing, 45),
                (LaOtherInternal, 20),
                (IndividualSelf, 8),
                (IndividualFamily, 12),
                (Other, 15),
            ],
            Concern::ChildMentalHealth => &[
                (Schools, 30),
                (HealthOther, 22),
                (AccidentAndEmergency, 16),
                (HealthGp, 10),
                (IndividualFamily, 12),
                (SchoolNurse, 10),
            ],
            _ => &[
                (Police, 26),
                (Schools, 20),
                (HealthGp, 4),
                (HealthVisitor, 4),
                (SchoolNurse, 2),
                (OtherPrimaryHealth, 2),
                (AccidentAndEmergency, 3),
                (HealthOther, 3),
                (Housing, 3),
                (LaSocialCare, 5),
                (LaOtherInternal, 3),
                (LaExternal, 3),
                (LaEarlyHelp, 3),
                (IndividualFamily, 5),
                (IndividualAcquaintance, 2),
                (IndividualSelf, 1),
                (IndividualOther, 1),
                (OtherLegalAgency, 3),
                (Other, 4),
                (Anonymous, 2),
                (EducationServices, 1),
            ],
        }
    }

    /// RAG weights (red, amber, green).
    pub(crate) fn rag_weights(self) -> [u32; 3] {
        match self {
            Concern::PhysicalInjury | Concern::SexualAbuse | Concern::Exploitation => [45, 40, 15],
            Concern::DomesticAbuse
            | Concern::Neglect
            | Concern::SubstanceMisuse
            | Concern::PreBirth => [15, 50, 35],
            Concern::Missing => [25, 45, 30],
            _ => [6, 38, 56],
        }
    }

    pub(crate) fn primary_need(self) -> &'static [(PrimaryNeed, u32)] {
        use PrimaryNeed::*;
        match self {
            Concern::Disability => &[(ChildsDisability, 85), (FamilyInAcuteStress, 15)],
            Concern::Housing => &[
                (LowIncome, 20),
                (FamilyInAcuteStress, 60),
                (AbuseOrNeglect, 20),
            ],
            Concern::Behaviour | Concern::Exploitation | Concern::Missing => &[
                (SociallyUnacceptableBehaviour, 30),
                (AbuseOrNeglect, 45),
                (FamilyDysfunction, 20),
                (NotChildrenInNeed, 5),
            ],
            Concern::ParentalMentalHealth => &[
                (ParentalDisabilityOrIllness, 30),
                (AbuseOrNeglect, 45),
                (FamilyInAcuteStress, 25),
            ],
            Concern::ChildMentalHealth => &[
                (FamilyInAcuteStress, 35),
                (AbuseOrNeglect, 30),
                (FamilyDysfunction, 25),
                (NotChildrenInNeed, 10),
            ],
            Concern::SchoolAttendance => &[
                (FamilyDysfunction, 40),
                (AbuseOrNeglect, 35),
                (AbsentParenting, 10),
                (NotChildrenInNeed, 15),
            ],
            _ => &[
                (AbuseOrNeglect, 78),
                (FamilyDysfunction, 12),
                (FamilyInAcuteStress, 6),
                (AbsentParenting, 3),
                (NotStated, 1),
            ],
        }
    }

    /// Factors an assessment of this concern most often identifies.
    pub(crate) fn factors(self) -> &'static [AssessmentFactor] {
        use AssessmentFactor::*;
        match self {
            Concern::DomesticAbuse => &[
                DomesticAbuseParent,
                MentalHealthParent,
                EmotionalAbuse,
                AlcoholParent,
                DomesticAbuseChild,
            ],
            Concern::Neglect => &[
                Neglect,
                MentalHealthParent,
                DrugsParent,
                AlcoholParent,
                LearningDisabilityParent,
            ],
            Concern::ParentalMentalHealth => {
                &[MentalHealthParent, Neglect, EmotionalAbuse, YoungCarer]
            }
            Concern::SubstanceMisuse => &[DrugsParent, AlcoholParent, Neglect, DomesticAbuseParent],
            Concern::PhysicalInjury => &[
                PhysicalAbuseByAdult,
                DomesticAbuseParent,
                EmotionalAbuse,
                PhysicalAbuseByChild,
            ],
            Concern::SexualAbuse => &[
                SexualAbuseByAdult,
                SexualAbuseByChild,
                MentalHealthChild,
                EmotionalAbuse,
            ],
            Concern::EmotionalHarm => &[EmotionalAbuse, MentalHealthParent, DomesticAbuseParent],
            Concern::Exploitation => &[
                Gangs,
                CriminalExploitation,
                Missing,
                DrugsChild,
                SociallyUnacceptableBehaviour,
            ],
            Concern::Missing => &[
                Missing,
                SexualExploitation,
                MentalHealthChild,
                CriminalExploitation,
            ],
            Concern::ChildMentalHealth => &[MentalHealthChild, SelfHarm, AlcoholChild, DrugsChild],
            Concern::Behaviour => &[SociallyUnacceptableBehaviour, MentalHealthChild, DrugsChild],
            Concern::Disability => &[
                LearningDisabilityChild,
                PhysicalDisabilityChild,
                YoungCarer,
                PhysicalDisabilityParent,
            ],
            Concern::Housing => &[Other, MentalHealthParent, Neglect],
            Concern::SchoolAttendance => &[Neglect, MentalHealthChild, Other],
            Concern::PreBirth => &[
                DrugsParent,
                DomesticAbuseParent,
                MentalHealthParent,
                Neglect,
            ],
        }
    }

    /// Category of abuse of a child protection plan (England: neglect about half, emotional about a third).
    pub(crate) fn categories(self) -> &'static [(AbuseCategory, u32)] {
        use AbuseCategory::*;
        match self {
            Concern::PhysicalInjury => &[
                (Physical, 26),
                (Neglect, 34),
                (Emotional, 32),
                (Multiple, 8),
            ],
            Concern::SexualAbuse => &[(Sexual, 45), (Emotional, 25), (Neglect, 20), (Multiple, 10)],
            Concern::DomesticAbuse | Concern::EmotionalHarm => {
                &[(Emotional, 66), (Neglect, 28), (Multiple, 4), (Physical, 2)]
            }
            _ => &[
                (Neglect, 76),
                (Emotional, 19),
                (Physical, 2),
                (Multiple, 2),
                (Sexual, 1),
            ],
        }
    }

    pub(crate) fn flag(self) -> Option<ChildFlagKind> {
        match self {
            Concern::Exploitation => Some(ChildFlagKind::CriminalExploitation),
            Concern::Missing => Some(ChildFlagKind::MissingEpisodes),
            _ => None,
        }
    }

    pub(crate) fn text(self) -> &'static [&'static str] {
        match self {
            Concern::DomesticAbuse => &[
                "Police called to the home overnight after neighbours heard shouting and a child crying. Mother had a visible injury; the children were present.",
                "Third domestic abuse incident reported in four months. Father was arrested and released on bail; he is not to contact mother but has been seen at the address.",
                "Mother disclosed to her GP that her partner controls her finances and has threatened her. She is worried about the children hearing the arguments.",
                "MARAC referral shared: high-risk domestic abuse, DASH score 16. Children live at the address.",
            ],
            Concern::Neglect => &[
                "School reports the child often arrives hungry, in unwashed clothes, and has had untreated head lice for weeks. Attendance has fallen to 82%.",
                "Health visitor found the home cold and cluttered, little food in the kitchen, and the baby's weight has dropped two centiles.",
                "Missed health appointments (dental and audiology) and the child was left alone at home in the evening, according to a neighbour.",
            ],
            Concern::ParentalMentalHealth => &[
                "Mother admitted to hospital under section 2 of the Mental Health Act; the children are staying with a family friend and arrangements are unclear.",
                "GP is worried about father's low mood and suicidal thoughts; he is the main carer for the children.",
                "Perinatal mental health team report mother is struggling to bond with the baby and is not sleeping.",
            ],
            Concern::SubstanceMisuse => &[
                "Police found drug paraphernalia within reach of the children during a search of the flat.",
                "Mother attended school pick-up smelling of alcohol and unsteady; staff would not release the child until another adult came.",
                "Drug and alcohol service report that father has relapsed into heroin use and has sole care of the children on weekdays.",
            ],
            Concern::PhysicalInjury => &[
                "The child told a teacher that father hit them with a belt; bruising seen on the upper arm.",
                "Non-mobile baby brought to A&E with a bruise to the cheek; explanation inconsistent with the injury.",
                "Child arrived at school with a mark on the neck and said their mum's boyfriend grabbed them.",
            ],
            Concern::SexualAbuse => &[
                "Child disclosed to a school nurse that an adult family friend touched them inappropriately.",
                "Police received information that a young person has been sent indecent images by an older adult met online.",
                "Sexualised behaviour at school that staff describe as well beyond the child's age; the child mentioned an older cousin.",
            ],
            Concern::EmotionalHarm => &[
                "Child presents as withdrawn and frightened of going home; mother is said to call the child names and threaten to send them away.",
                "Ongoing parental conflict after separation; the children are caught in the middle and one has started self-harming.",
            ],
            Concern::Exploitation => &[
                "Young person found with £600 in cash and two phones in another county; police believe they are running drugs for a county line.",
                "Youth offending service and school report the young person is associating with older gang-involved males and carrying a knife.",
                "Young person stabbed in the leg; refuses to speak to police. Intelligence links them to a local group involved in robberies.",
            ],
            Concern::Missing => &[
                "Young person reported missing three times this month, returning after midnight with new clothes and no explanation.",
                "Missing for two nights; found at an address associated with adults suspected of exploiting children.",
            ],
            Concern::ChildMentalHealth => &[
                "Young person attended A&E after taking an overdose of paracetamol; discharged home with a CAMHS follow-up.",
                "School counsellor worried about escalating self-harm (cutting) and the young person saying they do not want to live.",
            ],
            Concern::Behaviour => &[
                "Parents say they can no longer manage the young person's aggression at home; holes punched in walls, younger siblings frightened.",
                "Permanent exclusion from school after repeated fights; the young person is out in the community all day.",
            ],
            Concern::Disability => &[
                "Parents of a child with autism and severe learning disability are exhausted and asking for short breaks; father has given up work.",
                "Child with complex health needs; mother is struggling to manage overnight care and a sibling is acting as a young carer.",
            ],
            Concern::Housing => &[
                "Family facing eviction from privately rented flat; mother and three children may be street homeless within two weeks.",
                "Family of five living in one room in a hostel; damp and mould, children's asthma worsening.",
            ],
            Concern::SchoolAttendance => &[
                "Attendance 61% this term despite support; parent not engaging with the school's attendance officer.",
                "Child has been absent for three weeks and the family cannot be contacted; not known to have moved.",
            ],
            Concern::PreBirth => &[
                "Pregnant mother, 24 weeks; two older children previously removed from her care. Ongoing drug use reported by midwife.",
                "Midwife concerned about domestic abuse during pregnancy; mother has missed several antenatal appointments.",
            ],
        }
    }
}

pub(crate) const DECISION_RATIONALE: &[(ContactOutcome, &[&str])] = &[
    (
        ContactOutcome::NoFurtherAction,
        &[
            "Checks show no previous involvement and no current safeguarding concern; the referrer's worry has been addressed by the school.",
            "Incident isolated; parents acted protectively and the child is safe. No further action, with advice to the referrer.",
        ],
    ),
    (
        ContactOutcome::Advice,
        &[
            "Needs can be met by universal services. Information and advice given to the parent about local support and to the referrer.",
            "Signposted to the family hub and the GP; the family agreed and the referrer will monitor.",
        ],
    ),
    (
        ContactOutcome::EarlyHelp,
        &[
            "Needs are at level 2: the family has agreed to an early help assessment with a family support worker.",
            "Parents consent to early help; the school will lead with a team around the family and the early help service will support.",
        ],
    ),
    (
        ContactOutcome::Referral,
        &[
            "Needs appear complex and at level 3; a child and family assessment is needed to understand the impact on the children.",
            "History of repeated contacts and escalating concerns; referral to the assessment team for a statutory assessment.",
        ],
    ),
    (
        ContactOutcome::StrategyDiscussion,
        &[
            "Reasonable cause to suspect the child is suffering or likely to suffer significant harm; strategy discussion to be convened today.",
            "Disclosure of harm by a carer; threshold for a strategy discussion met. Police and health to be invited.",
        ],
    ),
    (
        ContactOutcome::EmergencyAccommodation,
        &[
            "Child cannot safely return home tonight and no family member can care for them; police protection used and accommodation arranged.",
        ],
    ),
];

pub(crate) fn rationale(outcome: ContactOutcome) -> &'static [&'static str] {
    DECISION_RATIONALE
        .iter()
        .find(|(o, _)| *o == outcome)
        .map(|(_, t)| *t)
        .unwrap_or(&["Decision recorded."])
}

pub(crate) const OPEN_CASE_RATIONALE: &str = "Child is open to children's social care: information passed to the allocated social worker the same day.";
pub(crate) const OPEN_EARLY_HELP_RATIONALE: &str = "Family is working with early help: information passed to the lead practitioner, who will review the plan.";

pub(crate) const CONSENT_NOT_SOUGHT: &[&str] = &[
    "Seeking consent would place the child at risk of significant harm: the alleged perpetrator lives at the address.",
    "Seeking consent could prejudice a police investigation; police asked that parents are not told yet.",
    "Parents could not be reached out of hours and the concern could not wait.",
];
pub(crate) const CONSENT_REFUSED: &str = "Mother refused consent; proceeding without it because the information suggests a risk of significant harm.";

pub(crate) const RAG_RATIONALE: &[&str] = &[
    "Rated on the information from the referrer and a check of our records.",
    "Previous contacts about the family in the last year; pattern of similar concerns.",
    "Young child in the household and a recent incident: needs a prompt response.",
    "No immediate risk identified; partner checks needed before a decision.",
];
pub(crate) const RAG_CHANGE_RATIONALE: &[&str] = &[
    "Police information shows a history of violence at the address: rating raised.",
    "School confirms the child is safe and attending; rating lowered.",
    "Health information shows missed appointments for the baby: rating raised.",
];

pub(crate) const PARTNER_QUESTIONS: &[&str] = &[
    "Please share any involvement with the family in the last two years and any current concerns.",
    "Is the family known to you? Please share recent incidents, attendance or appointments.",
];
pub(crate) const PARTNER_REPLIES: &[&str] = &[
    "Known: two call-outs to the address in the last year, one domestic-related. No current bail conditions.",
    "Not known to this service.",
    "Attendance 88% this year; child presents as quiet but settled. No concerns raised until this week.",
    "Registered with the GP; immunisations up to date; one missed hospital appointment in March.",
    "Tenancy arrears; a notice seeking possession was served last month.",
];

pub(crate) const HISTORY_SUMMARY: &[&str] = &[
    "Two previous contacts (both advice). No previous CIN or CP involvement.",
    "Previous child in need episode closed 18 months ago after a CIN plan; domestic abuse was the main concern then.",
    "No previous involvement with children's social care in this or the neighbouring boroughs.",
    "Older sibling was subject to a CP plan for neglect four years ago.",
];

pub(crate) const STRATEGY_INFORMATION: &[&str] = &[
    "Police shared the incident log and previous call-outs; health shared the child's development checks; school described recent presentation.",
    "Information shared on the injury, the explanation given and the family's history; the child's views as given to the teacher.",
    "Police intelligence about the adults the young person is associating with; school and youth offending service information.",
];
pub(crate) const STRATEGY_ACTIONS: &[(&str, &str)] = &[
    (
        "Joint visit to see the child alone and speak to both parents",
        "Allocated social worker and police officer",
    ),
    (
        "Child protection medical at the hospital",
        "Community paediatrician",
    ),
    (
        "Police to complete checks on the mother's new partner",
        "Police (CAIT)",
    ),
    (
        "Share safety plan with the school and ask them to report any absence the same day",
        "Designated safeguarding lead",
    ),
    (
        "Health visitor to review the baby's growth and development",
        "Health visitor",
    ),
    ("Arrange a video-recorded (ABE) interview", "Police (CAIT)"),
    (
        "Complete a missing-from-home return interview",
        "Integrated gangs unit worker",
    ),
];
pub(crate) const ABSENCE_REASONS: &[&str] = &[
    "Held at short notice out of hours; health information to be gathered the next working day.",
    "School closed for the holidays; DSL unavailable.",
    "GP practice could not release a clinician in time; written information received instead.",
];

pub(crate) const PLAN_ACTIONS: &[(&str, &str)] = &[
    (
        "Attend the domestic abuse programme and complete all sessions",
        "Father",
    ),
    (
        "Engage with the drug and alcohol service and provide negative tests",
        "Mother",
    ),
    (
        "Register the child with a dentist and attend the appointment",
        "Mother",
    ),
    (
        "Weekly direct work sessions with the child about their worries",
        "Allocated social worker",
    ),
    (
        "Monitor attendance and report any absence the same day",
        "Designated safeguarding lead",
    ),
    (
        "Developmental review and growth monitoring",
        "Health visitor",
    ),
    (
        "Complete a family network meeting and agree a safety plan",
        "Allocated social worker",
    ),
    (
        "Refer to CAMHS and support the young person to attend",
        "School nurse",
    ),
    (
        "Apply for housing transfer on medical grounds",
        "Housing officer",
    ),
    (
        "Parenting course (Triple P) with the family support worker",
        "Family support worker",
    ),
];

pub(crate) const SUPERVISION_REFLECTION: &[&str] = &[
    "Reflected on the pace of change for the children and the worker's own anxiety about the case; discussed using a genogram with the family.",
    "Discussed caseload (manageable), training on contextual safeguarding, and the impact of the work on the worker.",
    "Explored the father's invisibility in the plans and how to engage him; hypotheses discussed.",
];
pub(crate) const SUPERVISION_DIRECTION: &[&str] = &[
    "Hold a family network meeting within four weeks and update the plan.",
    "Escalate to a strategy discussion if there is another incident.",
    "Close to social care with step-down to early help at the next review if progress continues.",
    "Complete the chronology and visit the child at school to gather their views.",
    "Legal planning meeting to be requested if no progress by the review.",
];
pub(crate) const SUPERVISION_ACTIONS: &[&str] = &[
    "Update the chronology and case summary",
    "Arrange a family network meeting",
    "Visit the child at school and record their wishes and feelings",
    "Request police checks on the new partner",
    "Write the step-down plan with the early help lead",
];

pub(crate) const WISHES: &[&str] = &[
    "Said they feel safer now dad is not living at home, but miss him and want to see him at weekends.",
    "Wants the arguing to stop and would like to go to football club again.",
    "Drew their family and put themselves next to their nan; said nan's house is where they feel happy.",
    "Does not want social workers to come any more; says things are better at home.",
    "Worried about mum being sad; wants someone to help her.",
];
pub(crate) const OBSERVATIONS: &[&str] = &[
    "Home warm and tidy; food in the cupboards; child's bedroom had a bed, clean bedding and toys.",
    "Home cluttered; mother receptive to advice; baby appeared well cared for and was feeding well.",
    "Child presented as relaxed and chatty with mother; positive interactions observed.",
    "Father present and hostile at first; calmer by the end of the visit.",
];

pub(crate) const AUDIT_STRENGTHS: &[&str] = &[
    "timely visits and the child's voice recorded in their own words",
    "clear management oversight at each key decision",
    "strong multi-agency working in core groups",
];
pub(crate) const AUDIT_DEVELOPMENT: &[&str] = &[
    "plans with SMART actions and timescales",
    "recording the impact of interventions rather than activity",
    "considering the father and wider family in assessments",
];
pub(crate) const LIVED_EXPERIENCE: &[&str] = &[
    "The record shows what a day is like for this child: school mornings are chaotic, but evenings with the grandmother are calm and predictable.",
    "The child's experience of living with domestic abuse is clear from direct work; their fear at night and wish for the shouting to stop are recorded.",
    "The young person's sense of belonging to a peer group and the risks of exploitation are described from their point of view.",
];
pub(crate) const IMPACT: &[&str] = &[
    "Visits and direct work have helped the child talk about their worries; attendance has improved from 80% to 94%.",
    "Plan actions are mostly activity; it is not clear that the child's circumstances have changed since the last review.",
    "The safety plan has reduced missing episodes from weekly to none in the last two months.",
];
pub(crate) const PRACTICE_WEEK_THEMES: &[&str] = &[
    "The child's lived experience",
    "Management oversight and supervision",
    "Multi-agency working at the front door",
    "Step-down and early help",
    "Neglect: seeing the cumulative harm",
    "Adolescents and extra-familial harm",
];

/// Actions re-dated at least once (most for a partner's delay), and of those, re-dated again.
pub(crate) const ACTION_REDATED: f64 = 0.10;
pub(crate) const ACTION_REDATED_TWICE: f64 = 0.25;
pub(crate) const ACTION_DONE_NOTES: &[&str] = &[
    "Done as agreed; confirmed with the family at the next visit.",
    "Completed. The outcome is recorded on the child's case notes.",
    "Done: the referral was accepted and a first appointment offered.",
    "Completed with the school's designated safeguarding lead.",
    "Done; the parent engaged well and the child's views were sought.",
];
pub(crate) const ACTION_REDATE_REASONS: &[&str] = &[
    "The partner agency could not offer an appointment sooner.",
    "The family were away; agreed a new date with mother.",
    "The worker was off sick; the team manager agreed the new date.",
    "Waiting for the school to return after the holidays.",
];
/// Visits after which the worker writes up direct work with the child, or telephones the school.
pub(crate) const DIRECT_WORK_AFTER_VISIT: f64 = 0.25;
pub(crate) const SCHOOL_CALL_AFTER_VISIT: f64 = 0.15;
pub(crate) const DIRECT_WORK_NOTES: &[&str] = &[
    "Direct work: three houses (worries, good things, dreams). The child drew the shouting in the worried house and grandma's flat in the good house.",
    "Direct work: wishes and feelings cards. The child chose 'safe' for school and 'scared' for weekends.",
    "Direct work: life story session; we looked at photographs of the child's early years with their aunt.",
    "Direct work: a walk to the park. The young person talked about the older boys at the chicken shop and said they feel respected there.",
];
pub(crate) const SCHOOL_CALL_NOTES: &[&str] = &[
    "Called the designated safeguarding lead: attendance this half term 91%, no new concerns, the child is eating breakfast club most days.",
    "Called the school: the child was late three times this week and seemed tired; the class teacher will keep a log.",
    "Telephone call with the school nurse: health check done, dental referral made.",
];

/// Police contacts that come with the police's notification (a PDF attached to the contact, shared with the
/// police), and conferences held whose minutes are on the child's record.
pub(crate) const POLICE_NOTIFICATION_ATTACHED: f64 = 0.6;
pub(crate) const CONFERENCE_MINUTES_ATTACHED: f64 = 0.8;
// ---------------------------------------------------------------------------------------------------------------
// Section 47 enquiries and meetings in full

/// Children seen during a section 47 enquiry (Working Together expects every child to be seen; the few not seen
/// are babies in hospital, children who moved away or families who refused), and of those seen, seen alone
/// (not babies and toddlers, who are seen with a carer).
pub(crate) const S47_CHILD_SEEN: f64 = 0.96;
pub(crate) const S47_SEEN_ALONE: f64 = 0.82;
pub(crate) const S47_FINDINGS: &[&str] = &[
    "The child gave a consistent account of being hit by a parent; marks seen and photographed at the medical.",
    "Neglect of the home and of the child's health confirmed by the health visitor and the school; no injuries.",
    "Police and school accounts agree: domestic abuse witnessed by the child, the parents have separated.",
    "The child's account was not consistent and no marks were seen; the school reports no further concerns.",
    "Medical found bruising consistent with a grip; the parent's explanation did not account for it.",
    "The child is missing school and out late with older young people; police intelligence links them to a county line.",
];
pub(crate) const S47_ANALYSIS: &[&str] = &[
    "Significant harm is likely without a plan: the parent does not accept the concern and the child is frightened.",
    "The harm is real but the other parent is protective and has agreed a safety plan: support as a child in need.",
    "Cumulative neglect over two years with no lasting change after early help: the child is at continuing risk.",
    "Concerns not substantiated; the family will accept help from the early help team.",
    "Risk outside the home: the parents are protective but cannot keep the child safe alone; a multi-agency plan is needed.",
];
pub(crate) const S47_NOT_SEEN_REASONS: &[&str] = &[
    "The family moved out of the area before the visit; the new authority was told.",
    "The parents refused access; the police were asked to check the child's safety.",
    "A baby in hospital, seen only with the ward staff present.",
];
pub(crate) const S47_NOT_ALONE_REASONS: &[&str] = &[
    "Too young to be seen apart from the parent.",
    "The child would not speak without the mother present.",
    "Seen with the school's designated safeguarding lead, at the child's request.",
];
/// Partners who came to a conference (the rest sent apologies), and partners who sent a report.
pub(crate) const MEETING_PARTNER_CAME: f64 = 0.8;
pub(crate) const CONFERENCE_REPORT: f64 = 0.75;
pub(crate) const CORE_GROUP_REPORT: f64 = 0.2;
pub(crate) const PLAN_REVIEW_REPORT: f64 = 0.35;
/// Reports shared with the family before the meeting.
pub(crate) const REPORT_SHARED: f64 = 0.7;
/// Parents who came to a conference, and plan reviews with the people recorded at all.
pub(crate) const PARENT_CAME: f64 = 0.85;
pub(crate) const PLAN_REVIEW_ATTENDANCE: f64 = 0.9;
/// Children with each professional involved on their record: a GP (most), a school (from the September after
/// they turn four), a health visitor (under fives).
pub(crate) const PROFESSIONAL_GP: f64 = 0.85;
pub(crate) const PROFESSIONAL_SCHOOL: f64 = 0.9;
pub(crate) const PROFESSIONAL_HEALTH_VISITOR: f64 = 0.8;
/// Children entered twice (a later contact did not find them and recorded a new person with the same name and
/// date of birth), and of those, the duplicates that carry the same NHS number.
pub(crate) const DUPLICATE_PERSON: f64 = 0.005;
pub(crate) const DUPLICATE_SAME_NHS: f64 = 0.4;
pub(crate) const GP_NAMES: &[&str] = &[
    "Dr Ngozi Adeyemi",
    "Dr Helen Marsh",
    "Dr Imran Qureshi",
    "Dr Sarah O'Neill",
    "Dr Tomasz Nowak",
    "Dr Priya Raman",
];
pub(crate) const HEALTH_VISITORS: &[&str] = &[
    "Jo Whitfield",
    "Amara Okafor",
    "Claire Benton",
    "Rukhsana Begum",
    "Kate Lindqvist",
];
pub(crate) const SCHOOL_CONTACTS: &[&str] = &[
    "Designated safeguarding lead",
    "Head teacher",
    "Deputy safeguarding lead",
    "Pastoral lead",
];
