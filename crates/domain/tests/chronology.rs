//! The child's chronology: every event on one child's records, newest first, and nothing of a sibling's.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::collections::HashSet;

use domain::chronology::{
    ChronologyEntry, FREE_TEXT_LIMIT, KINDS, chronology, chronology_as_of, chronology_order,
    kind_label, kinds,
};
use domain::clocks::Rag;
use domain::codes::*;
use domain::datetime::{Date, Timestamp};
use domain::identifiers::{LaCode, Postcode};
use domain::ids::*;
use domain::records::*;
use proptest::prelude::*;

fn d(s: &str) -> Date {
    s.parse().unwrap()
}

fn t(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn la() -> LaCode {
    LaCode::parse("213").unwrap()
}

fn person(first: &str, dob: &str) -> Person {
    Person {
        id: PersonId::new(),
        la: la(),
        is_child: true,
        la_child_id: None,
        first_name: first.to_owned(),
        last_name: "Testchild".to_owned(),
        other_names: None,
        date_of_birth: Some(d(dob)),
        expected_date_of_birth: None,
        date_of_death: None,
        sex: Sex::Unknown,
        gender_identity: None,
        ethnicity: None,
        disabilities: Vec::new(),
        upn: None,
        former_upn: None,
        upn_unknown: None,
        nhs_number: None,
        first_language: None,
        religion: None,
        restricted: false,
        created_at: t("2024-03-01T17:01:00Z"),
    }
}

fn user(username: &str, role: Role, team: Option<TeamId>) -> User {
    User {
        id: UserId::new(),
        username: username.to_owned(),
        display_name: username.to_owned(),
        role,
        agency: None,
        las: vec![la()],
        team_id: team,
        disabled: false,
        created_at: t("2024-01-02T09:00:00Z"),
    }
}

fn contact(child: PersonId) -> Contact {
    Contact {
        id: ContactId::new(),
        la: la(),
        child_id: child,
        sibling_group: None,
        received_at: t("2024-03-01T16:55:00Z"),
        out_of_hours: false,
        source: ReferralSource::Schools,
        referrer: Referrer {
            name: "Designated safeguarding lead".into(),
            role: Some("DSL".into()),
            agency: Some(Agency::Education),
            organisation: Some("Test Primary School".into()),
            contact_details: Some("020 7946 0000".into()),
        },
        concerns: "Child arrived hungry and with a bruise on the arm.".into(),
        immediate_risk: false,
        recorded_by: None,
        recorded_at: t("2024-03-01T17:01:00Z"),
        assigned_to: None,
        screening: Screening::default(),
        decision: None,
        feedback: None,
    }
}

const LONG_NOTE: &str = "Spoke to the class teacher at length about the morning routine, the breakfast club, \
    the walk to school with the older cousin, the missed reading books and the times Yusuf has asked to stay \
    late because home is noisy; agreed a daily check-in.";

/// The story's ids that the tests look for.
struct Story {
    set: RecordSet,
    child: PersonId,
    sibling: PersonId,
    contact: Contact,
    rag_change: RagChange,
    sibling_contact: ContactId,
    /// Every record id that belongs to the sibling alone.
    sibling_records: Vec<uuid::Uuid>,
}

/// Yusuf's journey with a record of every kind, plus his sister Leila's records (a contact in the same
/// sibling group, a referral, a visit, a plan and its actions, her own part of the same supervision).
fn story() -> Story {
    let team = Team {
        id: TeamId::new(),
        la: la(),
        name: "Westminster assessment team".into(),
        kind: TeamKind::Assessment,
    };
    let worker = user("worker", Role::SocialWorker, Some(team.id));
    let manager = user("manager", Role::TeamManager, Some(team.id));
    let chair = user("chair", Role::ReviewingOfficer, None);
    let auditor = user("auditor", Role::Auditor, None);

    let child = person("Yusuf", "2016-02-29");
    let sister = person("Leila", "2019-06-10");
    let mother = Person {
        id: PersonId::new(),
        is_child: false,
        first_name: "Amira".into(),
        date_of_birth: Some(d("1990-07-14")),
        ..child.clone()
    };
    let old_home = Household {
        id: HouseholdId::new(),
        la: la(),
        address: Address {
            line1: "9 Old Road".into(),
            line2: None,
            town: "Harrow".into(),
            postcode: Some(Postcode::parse("ha1 1aa").unwrap()),
        },
        created_at: t("2024-03-01T17:01:00Z"),
    };
    let home = Household {
        id: HouseholdId::new(),
        la: la(),
        address: Address {
            line1: "1 Fixture Mews".into(),
            line2: None,
            town: "London".into(),
            postcode: Some(Postcode::parse("w2 1aa").unwrap()),
        },
        created_at: t("2024-03-01T17:01:00Z"),
    };
    let members = vec![
        HouseholdMember {
            household_id: old_home.id,
            person_id: child.id,
            from: d("2016-03-10"),
            to: Some(d("2019-04-30")),
        },
        HouseholdMember {
            household_id: home.id,
            person_id: child.id,
            from: d("2019-05-01"),
            to: None,
        },
        HouseholdMember {
            household_id: home.id,
            person_id: sister.id,
            from: d("2019-06-15"),
            to: None,
        },
        HouseholdMember {
            household_id: home.id,
            person_id: mother.id,
            from: d("2019-05-01"),
            to: None,
        },
    ];
    let relationships = vec![Relationship {
        id: RelationshipId::new(),
        la: la(),
        person_id: mother.id,
        related_person_id: child.id,
        kind: RelationshipKind::Mother,
        parental_responsibility: true,
        ended_on: None,
    }];

    // The front door.
    let mut c = contact(child.id);
    c.screening = Screening {
        threshold: Some(ThresholdLevel::Level4),
        rag: Some(Rag::Red),
        rag_rationale: Some("Injury explained inconsistently".into()),
        consent: Some(Consent::NotSought),
        consent_rationale: Some("Seeking consent may place the child at risk".into()),
        consent_approved_by: Some(manager.id),
        consent_approved_at: Some(t("2024-03-01T17:30:00Z")),
    };
    c.decision = Some(ContactDecision {
        outcome: ContactOutcome::StrategyDiscussion,
        rationale: "Reasonable cause to suspect significant harm".into(),
        decided_by: Some(manager.id),
        decided_at: t("2024-03-04T11:00:00Z"),
        out_of_hours: false,
        next_steps: None,
        receiving_service: None,
        manager_oversight_by: Some(manager.id),
        manager_oversight_at: Some(t("2024-03-04T11:05:00Z")),
    });
    c.feedback = Some(ReferrerFeedback {
        method: FeedbackMethod::Phone,
        given_at: t("2024-03-04T14:00:00Z"),
        given_by: Some(worker.id),
        summary: Some("DSL told a strategy discussion is being held".into()),
    });
    let rag_change = RagChange {
        id: RagChangeId::new(),
        la: la(),
        contact_id: c.id,
        child_id: child.id,
        rag: Rag::Amber,
        rationale: "Injury explained inconsistently".into(),
        changed_by: Some(manager.id),
        changed_at: t("2024-03-01T17:20:00Z"),
    };
    let rag_raised = RagChange {
        id: RagChangeId::new(),
        rag: Rag::Red,
        rationale: "Health report of earlier injuries".into(),
        changed_at: t("2024-03-04T09:30:00Z"),
        ..rag_change.clone()
    };
    let enquiry = MashEnquiry {
        id: MashEnquiryId::new(),
        la: la(),
        contact_id: c.id,
        child_id: child.id,
        started_at: t("2024-03-01T17:25:00Z"),
        started_by: Some(worker.id),
        history_summary: Some("One previous contact in 2022 (advice)".into()),
        completed_at: Some(t("2024-03-04T10:00:00Z")),
    };
    let request = InformationRequest {
        id: InformationRequestId::new(),
        la: la(),
        mash_enquiry_id: enquiry.id,
        contact_id: c.id,
        child_id: child.id,
        agency: Agency::Health,
        question: "Any attendances at A&E?".into(),
        requested_by: Some(worker.id),
        requested_at: t("2024-03-01T17:26:00Z"),
        due_at: t("2024-03-05T17:26:00Z"),
        response: Some("Two attendances in 2023".into()),
        responded_by: None,
        responded_at: Some(t("2024-03-04T09:00:00Z")),
    };
    let referral = Referral {
        id: ReferralId::new(),
        la: la(),
        child_id: child.id,
        contact_id: Some(c.id),
        referral_date: d("2024-03-04"),
        source: ReferralSource::Schools,
        primary_need: Some(PrimaryNeed::AbuseOrNeglect),
        nfa: false,
        closure: Some(Closure {
            date: d("2025-01-31"),
            reason: ClosureReason::ServicesCeased,
        }),
        created_at: t("2024-03-04T11:00:00Z"),
    };
    let earlier_help = EarlyHelpEpisode {
        id: EarlyHelpEpisodeId::new(),
        la: la(),
        child_id: child.id,
        contact_id: None,
        stepped_down_from: None,
        lead_practitioner: "School family worker".into(),
        lead_agency: Agency::Education,
        reason: "Attendance and hygiene".into(),
        start_date: d("2023-01-09"),
        end_date: Some(d("2023-07-14")),
        end_reason: Some(EarlyHelpEndReason::NeedsMet),
        next_steps: None,
        oversight_by: None,
        oversight_at: None,
        stepped_up_to: None,
        created_at: t("2023-01-09T10:00:00Z"),
    };
    let strategy = StrategyDiscussion {
        id: StrategyDiscussionId::new(),
        la: la(),
        child_id: child.id,
        referral_id: Some(referral.id),
        contact_id: Some(c.id),
        held_at: t("2024-03-04T15:00:00Z"),
        out_of_hours: false,
        participants: vec![
            Participant {
                name: "DC Test".into(),
                agency: Agency::Police,
                role: "Detective constable".into(),
            },
            Participant {
                name: "Nurse Test".into(),
                agency: Agency::Health,
                role: "Named nurse".into(),
            },
            Participant {
                name: "Head Test".into(),
                agency: Agency::Education,
                role: "Headteacher".into(),
            },
            Participant {
                name: "Manager Test".into(),
                agency: Agency::SocialCare,
                role: "Team manager (chair)".into(),
            },
        ],
        absent_agencies: Vec::new(),
        information_shared: "Police: no records. Health: two A&E attendances.".into(),
        decision: StrategyDecision::Section47,
        alternative: None,
        review_of: None,
        recorded_by: Some(manager.id),
        created_at: t("2024-03-04T16:00:00Z"),
        progress: Vec::new(),
    };
    let s47 = Section47 {
        id: Section47Id::new(),
        la: la(),
        child_id: child.id,
        referral_id: referral.id,
        strategy_discussion_id: strategy.id,
        start_date: d("2024-03-04"),
        icpc_due_on: d("2024-03-25"),
        outcome_date: Some(d("2024-03-15")),
        outcome: Some(Section47Outcome::SubstantiatedAtRisk),
        icpc_required: Some(true),
        created_at: t("2024-03-04T16:00:00Z"),
        findings: None,
        child_seen: None,
        child_seen_alone: None,
        seen_on: None,
        not_seen_reason: None,
        analysis: None,
    };
    let assessment = Assessment {
        id: AssessmentId::new(),
        la: la(),
        child_id: child.id,
        referral_id: referral.id,
        start_date: d("2024-03-05"),
        due_on: d("2024-05-09"),
        child_seen: true,
        child_seen_alone: true,
        wishes_and_feelings: "Yusuf says he wants his mum to stop shouting.".into(),
        identity_and_culture: None,
        sources_of_information: None,
        history_considered: None,
        risk_factors: None,
        protective_factors: None,
        safety_goals: None,
        scaling: Some(4),
        factors: vec![AssessmentFactor::DomesticAbuseParent],
        outcome: Some(AssessmentOutcome::ChildInNeedPlan),
        authorised_by: Some(manager.id),
        authorised_on: Some(d("2024-04-20")),
        created_at: t("2024-03-05T09:00:00Z"),
    };
    let cp_plan = Plan {
        id: PlanId::new(),
        la: la(),
        child_id: child.id,
        referral_id: referral.id,
        kind: PlanKind::ChildProtection,
        start_date: d("2024-03-22"),
        end_date: Some(d("2024-09-20")),
        end_reason: Some("Risk reduced; stepped down to child in need".into()),
        needs: "Safety at home".into(),
        desired_outcomes: "No further injuries".into(),
        initial_category: Some(AbuseCategory::Physical),
        latest_category: Some(AbuseCategory::Emotional),
        next_review_on: Some(d("2024-12-20")),
        previous_cp_plans: None,
        created_at: t("2024-03-22T12:00:00Z"),
    };
    let cin_plan = Plan {
        id: PlanId::new(),
        kind: PlanKind::ChildInNeed,
        start_date: d("2024-09-20"),
        end_date: Some(d("2025-01-31")),
        end_reason: Some("Needs met".into()),
        initial_category: None,
        latest_category: None,
        next_review_on: None,
        previous_cp_plans: None,
        created_at: t("2024-09-20T12:00:00Z"),
        ..cp_plan.clone()
    };
    let icpc = Conference {
        id: ConferenceId::new(),
        la: la(),
        child_id: child.id,
        kind: ConferenceKind::Initial,
        section47_id: Some(s47.id),
        plan_id: Some(cp_plan.id),
        due_on: d("2024-03-25"),
        held_on: Some(d("2024-03-22")),
        outcome: Some(ConferenceOutcome::ChildProtectionPlan),
        category: Some(AbuseCategory::Physical),
        chair_id: Some(chair.id),
        created_at: t("2024-03-22T12:00:00Z"),
        attendance: Vec::new(),
        partner_reports: Vec::new(),
    };
    let review = Conference {
        id: ConferenceId::new(),
        kind: ConferenceKind::Review,
        section47_id: None,
        due_on: d("2024-06-21"),
        held_on: Some(d("2024-06-20")),
        outcome: Some(ConferenceOutcome::ContinuePlan),
        category: Some(AbuseCategory::Emotional),
        created_at: t("2024-06-20T12:00:00Z"),
        ..icpc.clone()
    };
    let transfer_in = Conference {
        id: ConferenceId::new(),
        kind: ConferenceKind::TransferIn,
        section47_id: None,
        plan_id: None,
        due_on: d("2021-11-01"),
        held_on: Some(d("2021-10-28")),
        outcome: Some(ConferenceOutcome::NoPlan),
        category: None,
        created_at: t("2021-10-28T12:00:00Z"),
        ..icpc.clone()
    };
    // Due but not yet held: not an event.
    let next_review = Conference {
        id: ConferenceId::new(),
        kind: ConferenceKind::Review,
        section47_id: None,
        due_on: d("2024-09-19"),
        held_on: None,
        outcome: None,
        category: None,
        created_at: t("2024-06-20T12:00:00Z"),
        ..icpc.clone()
    };
    let core_group = CoreGroup {
        id: CoreGroupId::new(),
        la: la(),
        child_id: child.id,
        plan_id: cp_plan.id,
        due_on: d("2024-04-08"),
        held_on: Some(d("2024-04-05")),
        attendees: Some("Mother, school, health visitor, social worker".into()),
        notes: Some("Plan actions on track".into()),
        attendance: Vec::new(),
        partner_reports: Vec::new(),
    };
    let unheld_core_group = CoreGroup {
        id: CoreGroupId::new(),
        due_on: d("2024-05-03"),
        held_on: None,
        attendees: None,
        notes: None,
        ..core_group.clone()
    };
    let visit = Visit {
        id: VisitId::new(),
        la: la(),
        child_id: child.id,
        plan_id: Some(cp_plan.id),
        kind: VisitKind::ChildProtection,
        visited_on: d("2024-04-02"),
        worker_id: Some(worker.id),
        child_seen: true,
        seen_alone: true,
        bedroom_seen: true,
        wishes_and_feelings: Some("Happy about the new football club".into()),
        observations: Some("Home warm and clean".into()),
        created_at: t("2024-04-02T15:00:00Z"),
    };
    let supervision = Supervision {
        id: SupervisionId::new(),
        la: la(),
        supervisor_id: manager.id,
        supervisee_id: worker.id,
        held_on: d("2024-04-10"),
        reflection: "Worker reflected on the mother's engagement".into(),
        cases: vec![
            SupervisionCase {
                child_id: sister.id,
                discussion: "Leila's nursery place".into(),
                direction: "Ask the health visitor about Leila".into(),
            },
            SupervisionCase {
                child_id: child.id,
                discussion: "Progress against the plan".into(),
                direction: "Complete the school observation".into(),
            },
        ],
        created_at: t("2024-04-10T10:00:00Z"),
    };
    let practice_week = PracticeWeek {
        id: PracticeWeekId::new(),
        la: la(),
        title: "Spring practice week".into(),
        theme: "The child's lived experience".into(),
        starts_on: d("2024-05-13"),
        ends_on: d("2024-05-17"),
        report: None,
        created_at: t("2024-05-01T09:00:00Z"),
        scope: Default::default(),
    };
    let audit = CaseFileAudit {
        id: CaseFileAuditId::new(),
        la: la(),
        child_id: child.id,
        auditor_id: Some(auditor.id),
        practice_week_id: Some(practice_week.id),
        audited_on: d("2024-05-14"),
        grade: AuditGrade::Good,
        lived_experience: "Yusuf's worries are recorded in his own words".into(),
        impact_of_practice: "Injuries stopped after the plan began".into(),
        strengths: None,
        areas_for_development: None,
        moderated_by: Some(manager.id),
        moderated_grade: Some(AuditGrade::RequiresImprovement),
        created_at: t("2024-05-14T16:00:00Z"),
        detail: Default::default(),
    };
    let action = |parent, description: &str, due: &str| Action {
        id: ActionId::new(),
        la: la(),
        child_id: Some(child.id),
        parent,
        description: description.to_owned(),
        owner: "Health visitor".into(),
        owner_user_id: None,
        due_on: d(due),
        status: ActionStatus::Open,
        completed_on: None,
        created_at: t("2024-03-22T13:00:00Z"),
    };
    let mut plan_action = action(
        ActionParent::Plan(cp_plan.id),
        "Weekly school check-in",
        "2024-04-30",
    );
    plan_action.status = ActionStatus::Done;
    plan_action.completed_on = Some(d("2024-04-29"));
    let mut strategy_action = action(
        ActionParent::StrategyDiscussion(strategy.id),
        "Police to check records",
        "2024-03-07",
    );
    // An action with no child of its own, on the child's strategy discussion: still his.
    strategy_action.child_id = None;
    strategy_action.created_at = t("2024-03-04T15:30:00Z");
    let plan_review = PlanReview {
        id: PlanReviewId::new(),
        la: la(),
        child_id: child.id,
        plan_id: cp_plan.id,
        held_on: d("2024-06-20"),
        summary: "Good progress".into(),
        progress: vec![ActionProgress {
            action_id: plan_action.id,
            progress: "Done every week".into(),
            status: ActionStatus::Done,
        }],
        attendance: Vec::new(),
        partner_reports: Vec::new(),
    };
    let step_down = EarlyHelpEpisode {
        id: EarlyHelpEpisodeId::new(),
        la: la(),
        child_id: child.id,
        contact_id: None,
        stepped_down_from: Some(referral.id),
        lead_practitioner: "Family support worker".into(),
        lead_agency: Agency::SocialCare,
        reason: "Stepped down after the CIN plan".into(),
        start_date: d("2025-02-01"),
        end_date: None,
        end_reason: None,
        next_steps: Some("Parenting programme".into()),
        oversight_by: Some(manager.id),
        oversight_at: Some(t("2025-01-31T15:00:00Z")),
        stepped_up_to: None,
        created_at: t("2025-01-31T15:00:00Z"),
    };
    let note = CaseNote::new(
        CaseNoteId::new(),
        la(),
        child.id,
        CaseNoteKind::Telephone,
        Some(worker.id),
        t("2024-03-06T10:15:00Z"),
        LONG_NOTE.into(),
    );

    // Leila's own records.
    let mut sister_contact = contact(sister.id);
    sister_contact.sibling_group = Some(c.id);
    sister_contact.concerns = "Leila's nappy rash untreated".into();
    let sister_rag = RagChange {
        id: RagChangeId::new(),
        contact_id: sister_contact.id,
        child_id: sister.id,
        rag: Rag::Green,
        rationale: "Low risk".into(),
        ..rag_change.clone()
    };
    let sister_referral = Referral {
        id: ReferralId::new(),
        child_id: sister.id,
        contact_id: Some(sister_contact.id),
        closure: None,
        ..referral.clone()
    };
    let sister_plan = Plan {
        id: PlanId::new(),
        child_id: sister.id,
        referral_id: sister_referral.id,
        kind: PlanKind::ChildInNeed,
        initial_category: None,
        latest_category: None,
        end_date: None,
        end_reason: None,
        ..cp_plan.clone()
    };
    let mut sister_action = action(
        ActionParent::Plan(sister_plan.id),
        "Register Leila with a GP",
        "2024-04-30",
    );
    sister_action.child_id = None;
    let sister_visit = Visit {
        id: VisitId::new(),
        child_id: sister.id,
        plan_id: Some(sister_plan.id),
        kind: VisitKind::ChildInNeed,
        ..visit.clone()
    };
    let sister_note = CaseNote {
        id: CaseNoteId::new(),
        child_id: sister.id,
        text: "Leila seen at nursery".into(),
        ..note.clone()
    };
    let sister_records = vec![
        sister.id.uuid(),
        sister_contact.id.uuid(),
        sister_rag.id.uuid(),
        sister_referral.id.uuid(),
        sister_plan.id.uuid(),
        sister_action.id.uuid(),
        sister_visit.id.uuid(),
        sister_note.id.uuid(),
    ];

    let set = RecordSet {
        teams: vec![team],
        users: vec![worker.clone(), manager, chair, auditor],
        people: vec![child.clone(), mother, sister.clone()],
        households: vec![old_home, home],
        household_members: members,
        relationships,
        contacts: vec![c.clone(), sister_contact.clone()],
        rag_changes: vec![rag_change.clone(), rag_raised, sister_rag],
        mash_enquiries: vec![enquiry],
        information_requests: vec![request],
        referrals: vec![referral, sister_referral],
        early_help_episodes: vec![earlier_help, step_down],
        strategy_discussions: vec![strategy],
        section47s: vec![s47],
        conferences: vec![icpc, review, transfer_in, next_review],
        assessments: vec![assessment],
        plans: vec![cp_plan.clone(), cin_plan, sister_plan],
        plan_reviews: vec![plan_review],
        core_groups: vec![core_group, unheld_core_group],
        visits: vec![visit, sister_visit],
        supervisions: vec![supervision],
        actions: vec![strategy_action, plan_action, sister_action],
        action_updates: vec![],
        // The police's notification, on the child's record.
        documents: vec![Document {
            id: DocumentId::new(),
            la: la(),
            child_id: child.id,
            contact_id: Some(c.id),
            title: "Police notification".into(),
            kind: Some(DocumentKind::PoliceNotification),
            file_name: "Police notification.pdf".into(),
            content_type: "application/pdf".into(),
            size: 700,
            sha256: "0".repeat(64),
            shared_with: vec![Agency::Police],
            uploaded_by: None,
            uploaded_at: t("2024-03-05T10:00:00Z"),
        }],
        document_contents: vec![],
        person_revisions: vec![PersonRevision {
            id: PersonRevisionId::new(),
            la: la(),
            person_id: child.id,
            changed: vec!["date_of_birth".into(), "address".into()],
            previous: None,
            reason: None,
            by: Some(worker.id),
            at: t("2024-03-05T11:00:00Z"),
        }],
        professionals: vec![Professional {
            id: ProfessionalId::new(),
            la: la(),
            child_id: child.id,
            role: ProfessionalRole::HealthVisitor,
            name: Some("Jo Whitfield".into()),
            organisation: Some("Health visiting team".into()),
            phone: None,
            email: None,
            address: None,
            from: d("2019-01-10"),
            to: Some(d("2021-01-10")),
            recorded_by: None,
            created_at: t("2024-03-05T11:00:00Z"),
        }],
        case_notes: vec![note, sister_note],
        allocations: vec![Allocation {
            id: AllocationId::new(),
            la: la(),
            child_id: child.id,
            worker_id: worker.id,
            team_id: Some(worker.team_id.unwrap()),
            from: d("2024-03-04"),
            to: Some(d("2025-01-31")),
        }],
        child_flags: vec![ChildFlag {
            id: ChildFlagId::new(),
            la: la(),
            child_id: child.id,
            kind: ChildFlagKind::MissingEpisodes,
            from: d("2024-08-01"),
            to: Some(d("2024-12-01")),
            notes: Some("Missing overnight twice".into()),
        }],
        specialist_involvements: vec![SpecialistInvolvement {
            id: SpecialistInvolvementId::new(),
            la: la(),
            child_id: child.id,
            unit: "Integrated gangs unit".into(),
            worker_name: "IGU Test Worker".into(),
            worker_id: None,
            from: d("2024-08-05"),
            to: Some(d("2024-11-29")),
        }],
        emergency_protections: vec![EmergencyProtection {
            id: EmergencyProtectionId::new(),
            la: la(),
            child_id: child.id,
            kind: EmergencyProtectionKind::PolicePowers,
            start_date: d("2024-03-01"),
            end_date: Some(d("2024-03-02")),
        }],
        practice_weeks: vec![practice_week],
        case_file_audits: vec![audit],
    };
    Story {
        set,
        child: child.id,
        sibling: sister.id,
        contact: c,
        rag_change,
        sibling_contact: sister_contact.id,
        sibling_records: sister_records,
    }
}

fn of_kind<'a>(entries: &'a [ChronologyEntry], kind: &str) -> Vec<&'a ChronologyEntry> {
    entries.iter().filter(|e| e.kind == kind).collect()
}

fn one<'a>(entries: &'a [ChronologyEntry], kind: &str) -> &'a ChronologyEntry {
    let found = of_kind(entries, kind);
    assert_eq!(found.len(), 1, "expected one {kind}: {found:#?}");
    found[0]
}

fn assert_sorted(entries: &[ChronologyEntry]) {
    for w in entries.windows(2) {
        assert_ne!(
            chronology_order(&w[0], &w[1]),
            std::cmp::Ordering::Greater,
            "out of order: {:#?}",
            w
        );
        assert!(w[0].at >= w[1].at, "not newest first: {w:#?}");
    }
}

#[test]
fn every_kind_appears() {
    let mut s = story();
    // Leave Yusuf alive for the other tests; only here does the record carry a date of death.
    s.set.people[0].date_of_death = Some(d("2025-06-01"));
    let entries = chronology(s.child, &s.set);
    let present: HashSet<&str> = entries.iter().map(|e| e.kind).collect();
    let missing: Vec<&str> = KINDS
        .iter()
        .map(|(k, _)| *k)
        .filter(|k| !present.contains(k))
        .collect();
    assert!(missing.is_empty(), "kinds missing: {missing:?}");
    for e in &entries {
        assert_ne!(kind_label(e.kind), "Event", "{} has no label", e.kind);
    }
    // Every kind of record about the child shows up as a source.
    let sources: HashSet<RecordKind> = entries.iter().map(|e| e.record_kind).collect();
    for k in [
        RecordKind::Person,
        RecordKind::Household,
        RecordKind::Contact,
        RecordKind::RagChange,
        RecordKind::MashEnquiry,
        RecordKind::InformationRequest,
        RecordKind::Referral,
        RecordKind::EarlyHelpEpisode,
        RecordKind::StrategyDiscussion,
        RecordKind::Section47,
        RecordKind::Conference,
        RecordKind::Assessment,
        RecordKind::Plan,
        RecordKind::PlanReview,
        RecordKind::Action,
        RecordKind::CoreGroup,
        RecordKind::Visit,
        RecordKind::Supervision,
        RecordKind::CaseNote,
        RecordKind::Allocation,
        RecordKind::ChildFlag,
        RecordKind::SpecialistInvolvement,
        RecordKind::EmergencyProtection,
        RecordKind::CaseFileAudit,
        RecordKind::Document,
        RecordKind::PersonRevision,
        RecordKind::Professional,
    ] {
        assert!(sources.contains(&k), "no entry from a {k} record");
    }
    // A police notification, a change of details, and a health visitor from and until.
    assert_eq!(entries.len(), 53, "{entries:#?}");
}

#[test]
fn summaries_read_as_plain_english() {
    let s = story();
    let entries = chronology(s.child, &s.set);
    let summary = |kind: &str| one(&entries, kind).summary.clone();
    assert_eq!(summary(kinds::BORN), "Born");
    assert_eq!(
        summary(kinds::HOUSEHOLD_LEFT),
        "Left household at Harrow, HA1"
    );
    let joined: Vec<&str> = of_kind(&entries, kinds::HOUSEHOLD)
        .iter()
        .map(|e| e.summary.as_str())
        .collect();
    assert_eq!(
        joined,
        [
            "Joined household at London, W2",
            "Joined household at Harrow, HA1"
        ]
    );
    assert_eq!(
        summary(kinds::MASH_ENQUIRY_COMPLETED),
        "MASH enquiry completed: One previous contact in 2022 (advice)"
    );
    assert_eq!(summary(kinds::MASH_ENQUIRY), "MASH enquiry started");
    assert_eq!(
        summary(kinds::INFORMATION_REQUESTED),
        "Information requested from health: Any attendances at A&E?"
    );
    assert_eq!(
        summary(kinds::INFORMATION_RECEIVED),
        "Information received from health: Two attendances in 2023"
    );
    assert_eq!(
        summary(kinds::REFERRAL),
        "Referral (CIN episode) from Schools (2A); primary need: abuse or neglect"
    );
    assert_eq!(
        summary(kinds::REFERRAL_CLOSED),
        "Referral closed: Services ceased for any other reason, including child no longer in need (RC7)"
    );
    assert_eq!(
        summary(kinds::STRATEGY_DISCUSSION),
        "Strategy discussion held with police, health and education; decision: section 47 enquiry"
    );
    assert_eq!(
        summary(kinds::SECTION_47_STARTED),
        "Section 47 enquiry started"
    );
    assert_eq!(
        summary(kinds::SECTION_47_OUTCOME),
        "Section 47 outcome: concerns substantiated, child judged at continuing risk of significant harm; \
         initial child protection conference needed"
    );
    assert_eq!(
        summary(kinds::ICPC),
        "ICPC held: child protection plan (physical abuse)"
    );
    assert_eq!(
        summary(kinds::REVIEW_CONFERENCE),
        "Review conference held: continue the child protection plan (emotional abuse)"
    );
    assert_eq!(
        summary(kinds::TRANSFER_IN_CONFERENCE),
        "Transfer-in conference held: no child protection plan"
    );
    assert_eq!(
        summary(kinds::ASSESSMENT_STARTED),
        "Child and family assessment started"
    );
    assert_eq!(
        summary(kinds::ASSESSMENT_AUTHORISED),
        "Assessment authorised: child in need plan; child seen alone; factors: Domestic abuse: the parent(s) \
         or carer(s) are the subject"
    );
    assert_eq!(
        summary(kinds::CP_PLAN_STARTED),
        "Child protection plan started (physical abuse): Safety at home"
    );
    assert_eq!(
        summary(kinds::CIN_PLAN_STARTED),
        "Child in need plan started: Safety at home"
    );
    let ended: Vec<&str> = of_kind(&entries, kinds::PLAN_ENDED)
        .iter()
        .map(|e| e.summary.as_str())
        .collect();
    assert_eq!(
        ended,
        [
            "Child in need plan ended: Needs met",
            "Child protection plan ended: Risk reduced; stepped down to child in need"
        ]
    );
    assert_eq!(
        summary(kinds::PLAN_REVIEW),
        "Child protection plan reviewed: Good progress (1 of 1 actions done)"
    );
    assert_eq!(
        summary(kinds::CORE_GROUP),
        "Core group meeting held with Mother, school, health visitor, social worker: Plan actions on track"
    );
    assert_eq!(
        summary(kinds::VISIT),
        "Child protection visit: child seen alone, bedroom seen. Wishes and feelings: Happy about the new \
         football club"
    );
    assert_eq!(
        summary(kinds::SUPERVISION),
        "Supervision: Progress against the plan. Direction: Complete the school observation"
    );
    let set: Vec<&str> = of_kind(&entries, kinds::ACTION_SET)
        .iter()
        .map(|e| e.summary.as_str())
        .collect();
    assert_eq!(
        set,
        [
            "Action agreed in the plan: Weekly school check-in (owner: Health visitor; due 30 April 2024)",
            "Action agreed at a strategy discussion: Police to check records (owner: Health visitor; due 7 \
             March 2024)"
        ]
    );
    assert_eq!(
        summary(kinds::ACTION_COMPLETED),
        "Action completed: Weekly school check-in"
    );
    assert_eq!(
        summary(kinds::ALLOCATED),
        "Allocated to a social worker in Westminster assessment team"
    );
    assert_eq!(
        summary(kinds::ALLOCATION_ENDED),
        "Allocation to a social worker in Westminster assessment team ended"
    );
    assert_eq!(
        summary(kinds::FLAG),
        "Flag added: Missing episodes — Missing overnight twice"
    );
    assert_eq!(
        summary(kinds::FLAG_REMOVED),
        "Flag removed: Missing episodes"
    );
    assert_eq!(
        summary(kinds::SPECIALIST_INVOLVEMENT),
        "Involvement of Integrated gangs unit began; worker: IGU Test Worker"
    );
    assert_eq!(
        summary(kinds::SPECIALIST_INVOLVEMENT_ENDED),
        "Involvement of Integrated gangs unit ended"
    );
    assert_eq!(
        summary(kinds::EMERGENCY_PROTECTION),
        "Police protection (Children Act 1989 s46) began"
    );
    assert_eq!(
        summary(kinds::EMERGENCY_PROTECTION_ENDED),
        "Police protection (Children Act 1989 s46) ended"
    );
    assert_eq!(
        summary(kinds::CASE_FILE_AUDIT),
        "Case-file audit graded Good, moderated to Requires improvement (Spring practice week). Lived \
         experience: Yusuf's worries are recorded in his own words"
    );
    let eh: Vec<&str> = of_kind(&entries, kinds::EARLY_HELP_STARTED)
        .iter()
        .map(|e| e.summary.as_str())
        .collect();
    assert_eq!(
        eh,
        [
            "Stepped down to early help, led by Family support worker (children's social care): Stepped down \
             after the CIN plan",
            "Early help started, led by School family worker (education): Attendance and hygiene"
        ]
    );
    assert_eq!(
        summary(kinds::EARLY_HELP_ENDED),
        "Early help ended: needs met"
    );

    // No summary prints a record or user id.
    let ids: Vec<String> = s
        .set
        .users
        .iter()
        .map(|u| u.id.to_string())
        .chain(entries.iter().map(|e| e.record_id.to_string()))
        .chain([s.child.to_string()])
        .collect();
    for e in &entries {
        for id in &ids {
            assert!(
                !e.summary.contains(id.as_str()),
                "{} prints an id",
                e.summary
            );
        }
        assert!(!e.summary.contains("fixture"), "{}", e.summary);
        assert_eq!(e.la, la());
    }
}

#[test]
fn a_contact_yields_received_rated_decided_and_referrer_told() {
    let s = story();
    let entries = chronology(s.child, &s.set);
    let contact_id = s.contact.id.uuid();
    let from_contact: Vec<(&str, String, Timestamp)> = entries
        .iter()
        .filter(|e| e.record_id == contact_id)
        .map(|e| (e.kind, e.summary.clone(), e.at))
        .collect();
    assert_eq!(
        from_contact,
        [
            (
                kinds::REFERRER_TOLD,
                "Referrer told the outcome (telephone): DSL told a strategy discussion is being held".to_owned(),
                t("2024-03-04T14:00:00Z")
            ),
            (
                kinds::DECISION,
                "Decision: strategy discussion — Reasonable cause to suspect significant harm".to_owned(),
                t("2024-03-04T11:00:00Z")
            ),
            (
                kinds::CONSENT_DISPENSED,
                "Manager approved proceeding without seeking consent: Seeking consent may place the child at \
                 risk"
                    .to_owned(),
                t("2024-03-01T17:30:00Z")
            ),
            (
                kinds::CONTACT,
                "Contact from Schools (2A), Test Primary School: Child arrived hungry and with a bruise on the \
                 arm."
                    .to_owned(),
                t("2024-03-01T16:55:00Z")
            ),
        ]
    );
    assert!(
        entries
            .iter()
            .filter(|e| e.record_id == contact_id)
            .all(|e| e.record_kind == RecordKind::Contact && !e.date_only)
    );
    // The RAG ratings are their own records, linked to the contact: first rated, then changed.
    let rag: Vec<(String, Timestamp, RecordKind)> = of_kind(&entries, kinds::RAG_RATED)
        .iter()
        .map(|e| (e.summary.clone(), e.at, e.record_kind))
        .collect();
    assert_eq!(
        rag,
        [
            (
                "RAG changed from Amber to Red: Health report of earlier injuries".to_owned(),
                t("2024-03-04T09:30:00Z"),
                RecordKind::RagChange
            ),
            (
                "RAG rated Amber: Injury explained inconsistently".to_owned(),
                s.rag_change.changed_at,
                RecordKind::RagChange
            ),
        ]
    );
    // Received, rated, decided, told: in that order reading up the page.
    let position = |kind: &str| entries.iter().position(|e| e.kind == kind).unwrap();
    assert!(position(kinds::REFERRER_TOLD) < position(kinds::DECISION));
    assert!(position(kinds::DECISION) < position(kinds::CONTACT));
    assert!(
        entries
            .iter()
            .position(|e| e.record_id == s.rag_change.id.uuid())
            .unwrap()
            < position(kinds::CONTACT)
    );
}

#[test]
fn an_undecided_contact_is_only_received() {
    let mut s = story();
    let c = &mut s.set.contacts[0];
    c.decision = None;
    c.feedback = None;
    c.screening = Screening::default();
    c.out_of_hours = true;
    c.immediate_risk = true;
    c.referrer.organisation = None;
    let entries = chronology(s.child, &s.set);
    let kinds_from_contact: Vec<&str> = entries
        .iter()
        .filter(|e| e.record_id == s.contact.id.uuid())
        .map(|e| e.kind)
        .collect();
    assert_eq!(kinds_from_contact, [kinds::CONTACT]);
    assert_eq!(
        one(&entries, kinds::CONTACT).summary,
        "Out-of-hours contact from Schools (2A), immediate risk: Child arrived hungry and with a bruise on the \
         arm."
    );
}

#[test]
fn newest_first_with_a_stable_tie_break() {
    let s = story();
    let entries = chronology(s.child, &s.set);
    assert_sorted(&entries);
    assert_eq!(entries.first().unwrap().kind, kinds::EARLY_HELP_STARTED);
    assert_eq!(entries.last().unwrap().kind, kinds::BORN);
    // Same input, same output; reversed input vectors, same output.
    assert_eq!(chronology(s.child, &s.set), entries);
    let mut reversed = s.set.clone();
    reverse_all(&mut reversed);
    assert_eq!(chronology(s.child, &reversed), entries);

    // On the day the CP plan ended and the CIN plan began (both date-only, so both at noon), the CIN plan
    // reads above the end of the CP plan.
    let day: Vec<&str> = entries
        .iter()
        .filter(|e| e.at == t("2024-09-20T11:00:00Z"))
        .map(|e| e.kind)
        .collect();
    assert_eq!(day, [kinds::CIN_PLAN_STARTED, kinds::PLAN_ENDED]);
    // The ICPC and the plan it made.
    let day: Vec<&str> = entries
        .iter()
        .filter(|e| e.at == t("2024-03-22T12:00:00Z"))
        .map(|e| e.kind)
        .collect();
    assert_eq!(day, [kinds::CP_PLAN_STARTED, kinds::ICPC]);
    // Closure day: the CIN plan ends, the allocation ends, the referral closes — newest first.
    let day: Vec<&str> = entries
        .iter()
        .filter(|e| e.at == t("2025-01-31T12:00:00Z"))
        .map(|e| e.kind)
        .collect();
    assert_eq!(
        day,
        [
            kinds::REFERRAL_CLOSED,
            kinds::ALLOCATION_ENDED,
            kinds::PLAN_ENDED
        ]
    );
}

#[test]
fn the_siblings_events_are_excluded() {
    let s = story();
    let entries = chronology(s.child, &s.set);
    for e in &entries {
        assert!(
            !s.sibling_records.contains(&e.record_id),
            "sibling's record in the child's chronology: {e:#?}"
        );
        assert!(!e.summary.contains("Leila"), "{}", e.summary);
    }
    // The supervision that discussed both children: one entry, about this child's part.
    assert_eq!(of_kind(&entries, kinds::SUPERVISION).len(), 1);
    // The sibling's household membership is not the child's.
    assert_eq!(of_kind(&entries, kinds::HOUSEHOLD).len(), 2);

    // And the other way round: the sister's chronology has her own events and none of his.
    let hers = chronology(s.sibling, &s.set);
    let child_ids: HashSet<uuid::Uuid> = entries.iter().map(|e| e.record_id).collect();
    let shared: HashSet<uuid::Uuid> = [
        s.set.supervisions[0].id.uuid(),
        s.set.households[1].id.uuid(),
    ]
    .into_iter()
    .collect();
    for e in &hers {
        assert!(
            !child_ids.contains(&e.record_id) || shared.contains(&e.record_id),
            "child's record in the sibling's chronology: {e:#?}"
        );
    }
    let her_kinds: Vec<&str> = hers.iter().map(|e| e.kind).collect();
    assert_eq!(
        her_kinds,
        [
            kinds::SUPERVISION,
            kinds::VISIT,
            kinds::ACTION_SET,
            kinds::CIN_PLAN_STARTED,
            kinds::CASE_NOTE,
            kinds::REFERRAL,
            kinds::RAG_RATED,
            kinds::CONTACT,
            kinds::HOUSEHOLD,
            kinds::BORN,
        ]
    );
    assert_eq!(
        one(&hers, kinds::SUPERVISION).summary,
        "Supervision: Leila's nursery place. Direction: Ask the health visitor about Leila"
    );
    assert!(
        hers.iter()
            .any(|e| e.record_id == s.sibling_contact.uuid() && e.kind == kinds::CONTACT)
    );
    // Someone with no records has an empty chronology.
    assert!(chronology(PersonId::new(), &s.set).is_empty());
}

#[test]
fn date_only_events_sit_at_noon_in_london() {
    let s = story();
    let entries = chronology(s.child, &s.set);
    // 2 April 2024 is in British Summer Time: noon in London is 11:00 UTC.
    let visit = one(&entries, kinds::VISIT);
    assert!(visit.date_only);
    assert_eq!(visit.at, t("2024-04-02T11:00:00Z"));
    // 4 March 2024 is GMT.
    let referral = one(&entries, kinds::REFERRAL);
    assert!(referral.date_only);
    assert_eq!(referral.at, t("2024-03-04T12:00:00Z"));
    for kind in [
        kinds::CONTACT,
        kinds::DECISION,
        kinds::STRATEGY_DISCUSSION,
        kinds::CASE_NOTE,
        kinds::MASH_ENQUIRY,
        kinds::INFORMATION_RECEIVED,
    ] {
        assert!(!one(&entries, kind).date_only, "{kind}");
    }
    for e in &entries {
        let noon =
            domain::datetime::london().to_datetime(e.at).time() == jiff::civil::time(12, 0, 0, 0);
        if e.date_only {
            assert!(noon, "{e:#?}");
        }
    }
    let json = serde_json::to_value(visit).unwrap();
    assert_eq!(json["at"], "2024-04-02T11:00:00Z");
    assert_eq!(json["date_only"], true);
    assert_eq!(json["kind"], "visit");
    assert_eq!(json["record_kind"], "visit");
    assert_eq!(json["la"], "213");
}

#[test]
fn due_dates_are_not_events() {
    let s = story();
    let entries = chronology(s.child, &s.set);
    // The review conference due in September and the core group due in May were never held.
    let unheld = [
        s.set.conferences[3].id.uuid(),
        s.set.core_groups[1].id.uuid(),
    ];
    assert!(entries.iter().all(|e| !unheld.contains(&e.record_id)));
    // No entry sits on a due date: the ICPC due date, the assessment's, the information request's, an
    // action's, the plan's next review.
    let due = [
        domain::chronology::noon_in_london(d("2024-03-25")),
        domain::chronology::noon_in_london(d("2024-05-09")),
        domain::chronology::noon_in_london(d("2024-04-30")),
        domain::chronology::noon_in_london(d("2024-03-07")),
        domain::chronology::noon_in_london(d("2024-12-20")),
        t("2024-03-05T17:26:00Z"),
    ];
    for e in &entries {
        assert!(!due.contains(&e.at), "an entry on a due date: {e:#?}");
    }
    // What had happened by a given moment.
    let as_of = t("2024-03-04T12:00:00Z");
    let then = chronology_as_of(s.child, &s.set, as_of);
    assert!(then.iter().all(|e| e.at <= as_of));
    assert_eq!(then.len(), entries.iter().filter(|e| e.at <= as_of).count());
    assert_eq!(then.first().unwrap().kind, kinds::SECTION_47_STARTED);
    // Early that morning, the day's events known only by their date have happened already; its timed events
    // after that moment have not.
    let early = t("2024-03-04T07:30:00Z");
    let morning = chronology_as_of(s.child, &s.set, early);
    let happened = |e: &domain::chronology::ChronologyEntry| {
        if e.date_only {
            domain::datetime::london_date(e.at) <= d("2024-03-04")
        } else {
            e.at <= early
        }
    };
    assert_eq!(
        morning.len(),
        entries.iter().filter(|e| happened(e)).count()
    );
    assert!(
        morning.iter().any(|e| e.kind == kinds::SECTION_47_STARTED),
        "the section 47 started that day shows in the morning"
    );
}

#[test]
fn long_text_is_cut_at_a_word_boundary() {
    let s = story();
    let entries = chronology(s.child, &s.set);
    let note = one(&entries, kinds::CASE_NOTE);
    let prefix = "Telephone call: ";
    assert!(note.summary.starts_with(prefix), "{}", note.summary);
    let text = note.summary.strip_prefix(prefix).unwrap();
    assert!(text.ends_with('…'), "{text}");
    let kept = text.strip_suffix('…').unwrap();
    assert!(kept.chars().count() <= FREE_TEXT_LIMIT);
    assert!(
        kept.chars().count() > FREE_TEXT_LIMIT - 20,
        "cut too short: {kept}"
    );
    let original = LONG_NOTE.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(original.starts_with(kept), "{kept}");
    // The cut falls between words: the original goes on with a space.
    assert_eq!(original[kept.len()..].chars().next(), Some(' '));
    assert!(!kept.ends_with(' '));
    assert_eq!(
        kept,
        "Spoke to the class teacher at length about the morning routine, the breakfast club, the walk to \
         school with the older cousin, the missed reading books and the"
    );

    // Short text is left whole, and new lines are folded into one line.
    let mut s = story();
    s.set.case_notes[0].text = "Mother rang.\n\nShe will call back.".into();
    let entries = chronology(s.child, &s.set);
    assert_eq!(
        one(&entries, kinds::CASE_NOTE).summary,
        "Telephone call: Mother rang. She will call back."
    );
}

#[test]
fn kind_labels_for_headings() {
    assert_eq!(kind_label("icpc"), "Initial child protection conference");
    assert_eq!(kind_label("contact"), "Contact");
    assert_eq!(kind_label("rag-rated"), "RAG rating");
    assert_eq!(kind_label("no-such-kind"), "Event");
    for (k, label) in KINDS {
        assert_eq!(kind_label(k), *label);
        assert!(
            k.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{k} is not kebab-case"
        );
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------------------------

fn reverse_all(set: &mut RecordSet) {
    shuffle_all(set, &mut |n| (0..n).rev().collect());
}

/// Reorder every vector of the set by the permutation `order(len)` gives.
fn shuffle_all(set: &mut RecordSet, order: &mut dyn FnMut(usize) -> Vec<usize>) {
    fn apply<T: Clone>(v: &mut Vec<T>, order: &mut dyn FnMut(usize) -> Vec<usize>) {
        let perm = order(v.len());
        *v = perm.iter().map(|&i| v[i].clone()).collect();
    }
    macro_rules! each_kind {
        ($($t:ty),*) => { $( apply(<$t as domain::records::Record>::of_mut(set), order); )* };
    }
    domain::record_kinds!(each_kind);
}

/// A Fisher–Yates permutation from a seed (xorshift), so proptest can replay it.
fn permutation(seed: &mut u64, n: usize) -> Vec<usize> {
    let mut v: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        let j = (*seed % (i as u64 + 1)) as usize;
        v.swap(i, j);
    }
    v
}

fn any_date() -> impl Strategy<Value = Date> {
    (-9999i16..=9999, 1i8..=12, 1i8..=31).prop_map(|(y, m, day)| {
        jiff::civil::Date::new(y, m, day).unwrap_or_else(|_| jiff::civil::date(y, m, 28))
    })
}

fn any_timestamp() -> impl Strategy<Value = Timestamp> {
    (Timestamp::MIN.as_second()..=Timestamp::MAX.as_second())
        .prop_map(|s| Timestamp::from_second(s).unwrap())
}

/// One arbitrary change to the story: a record of some kind gets arbitrary dates, text and child.
#[derive(Clone, Debug)]
struct Mutation {
    which: usize,
    index: usize,
    to_sibling: bool,
    date: Date,
    other_date: Option<Date>,
    at: Timestamp,
    text: String,
}

fn any_mutation() -> impl Strategy<Value = Mutation> {
    (
        0usize..16,
        0usize..4,
        any::<bool>(),
        any_date(),
        proptest::option::of(any_date()),
        any_timestamp(),
        prop_oneof![".{0,400}", "[a-z ]{0,400}", Just(String::new())],
    )
        .prop_map(
            |(which, index, to_sibling, date, other_date, at, text)| Mutation {
                which,
                index,
                to_sibling,
                date,
                other_date,
                at,
                text,
            },
        )
}

fn mutate(set: &mut RecordSet, child: PersonId, sibling: PersonId, m: &Mutation) {
    let who = if m.to_sibling { sibling } else { child };
    macro_rules! pick {
        ($v:expr) => {{
            let n = $v.len();
            if n == 0 {
                return;
            }
            &mut $v[m.index % n]
        }};
    }
    match m.which {
        0 => {
            let c = pick!(set.contacts);
            c.child_id = who;
            c.received_at = m.at;
            c.concerns = m.text.clone();
            if let Some(dec) = &mut c.decision {
                dec.rationale = m.text.clone();
                dec.decided_at = m.at;
            }
        }
        1 => {
            let r = pick!(set.rag_changes);
            r.child_id = who;
            r.changed_at = m.at;
            r.rationale = m.text.clone();
        }
        2 => {
            let r = pick!(set.referrals);
            r.child_id = who;
            r.referral_date = m.date;
            r.closure = m.other_date.map(|date| Closure {
                date,
                reason: ClosureReason::Adopted,
            });
        }
        3 => {
            let p = pick!(set.plans);
            p.child_id = who;
            p.start_date = m.date;
            p.end_date = m.other_date;
            p.needs = m.text.clone();
        }
        4 => {
            let v = pick!(set.visits);
            v.child_id = who;
            v.visited_on = m.date;
            v.wishes_and_feelings = Some(m.text.clone());
        }
        5 => {
            let n = pick!(set.case_notes);
            n.child_id = who;
            n.at = m.at;
            n.text = m.text.clone();
        }
        6 => {
            let c = pick!(set.conferences);
            c.child_id = who;
            c.held_on = m.other_date;
        }
        7 => {
            let s = pick!(set.supervisions);
            s.held_on = m.date;
            for case in &mut s.cases {
                case.discussion = m.text.clone();
            }
        }
        8 => {
            let a = pick!(set.actions);
            a.child_id = m.to_sibling.then_some(sibling);
            a.created_at = m.at;
            a.completed_on = m.other_date;
            a.description = m.text.clone();
        }
        9 => {
            let h = pick!(set.household_members);
            h.person_id = who;
            h.from = m.date;
            h.to = m.other_date;
        }
        10 => {
            let s = pick!(set.strategy_discussions);
            s.child_id = who;
            s.held_at = m.at;
            s.participants.truncate(m.index);
            s.alternative = Some(m.text.clone());
            s.decision = StrategyDecision::NoSection47;
        }
        11 => {
            let e = pick!(set.early_help_episodes);
            e.child_id = who;
            e.start_date = m.date;
            e.end_date = m.other_date;
            e.reason = m.text.clone();
            e.lead_practitioner = m.text.chars().take(20).collect();
        }
        12 => {
            let i = pick!(set.information_requests);
            i.child_id = who;
            i.requested_at = m.at;
            i.response = Some(m.text.clone());
        }
        13 => {
            let a = pick!(set.allocations);
            a.child_id = who;
            a.from = m.date;
            a.to = m.other_date;
            a.worker_id = UserId::new();
        }
        14 => {
            let p = pick!(set.people);
            p.date_of_birth = Some(m.date);
            p.date_of_death = m.other_date;
        }
        _ => {
            let a = pick!(set.case_file_audits);
            a.child_id = who;
            a.audited_on = m.date;
            a.lived_experience = m.text.clone();
        }
    }
}

/// Whether the record `id` in `set` is about `who` (for the kinds the property test moves between children).
fn belongs_to(set: &RecordSet, who: PersonId, id: uuid::Uuid) -> bool {
    set.contacts
        .iter()
        .any(|r| r.id.uuid() == id && r.child_id == who)
        || set
            .rag_changes
            .iter()
            .any(|r| r.id.uuid() == id && r.child_id == who)
        || set
            .referrals
            .iter()
            .any(|r| r.id.uuid() == id && r.child_id == who)
        || set
            .plans
            .iter()
            .any(|r| r.id.uuid() == id && r.child_id == who)
        || set
            .visits
            .iter()
            .any(|r| r.id.uuid() == id && r.child_id == who)
        || set
            .case_notes
            .iter()
            .any(|r| r.id.uuid() == id && r.child_id == who)
        || set
            .conferences
            .iter()
            .any(|r| r.id.uuid() == id && r.child_id == who)
        || set
            .actions
            .iter()
            .any(|r| r.id.uuid() == id && r.child_id == Some(who))
        || set
            .strategy_discussions
            .iter()
            .any(|r| r.id.uuid() == id && r.child_id == who)
        || set
            .early_help_episodes
            .iter()
            .any(|r| r.id.uuid() == id && r.child_id == who)
        || set
            .information_requests
            .iter()
            .any(|r| r.id.uuid() == id && r.child_id == who)
        || set
            .allocations
            .iter()
            .any(|r| r.id.uuid() == id && r.child_id == who)
        || set
            .case_file_audits
            .iter()
            .any(|r| r.id.uuid() == id && r.child_id == who)
        || set.people.iter().any(|r| r.id.uuid() == id && r.id == who)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Shuffling every input vector changes nothing: the output is the same, sorted, list.
    #[test]
    fn sorted_and_stable_under_shuffles(seed in any::<u64>()) {
        let s = story();
        let expected = chronology(s.child, &s.set);
        let mut shuffled = s.set.clone();
        let mut state = seed | 1;
        shuffle_all(&mut shuffled, &mut |n| permutation(&mut state, n));
        let got = chronology(s.child, &shuffled);
        assert_sorted(&got);
        prop_assert_eq!(got, expected);
    }

    /// Arbitrary dates (from year -9999 to 9999), instants, free text and children never make it panic; the
    /// output stays sorted, every entry is the child's, and free text never runs past the limit.
    #[test]
    fn never_panics_and_stays_sorted(
        mutations in proptest::collection::vec(any_mutation(), 0..24),
        seed in any::<u64>(),
    ) {
        let s = story();
        let mut set = s.set.clone();
        for m in &mutations {
            mutate(&mut set, s.child, s.sibling, m);
        }
        let mut state = seed | 1;
        shuffle_all(&mut set, &mut |n| permutation(&mut state, n));
        let got = chronology(s.child, &set);
        assert_sorted(&got);
        for e in &got {
            prop_assert!(!belongs_to(&set, s.sibling, e.record_id), "sibling's record: {:?}", e);
            prop_assert!(!e.summary.contains('\n'));
            prop_assert!(e.summary.chars().count() < 800, "{}", e.summary);
        }
        // Deterministic: the same set gives the same list.
        prop_assert_eq!(chronology(s.child, &set), got);
    }
}

#[test]
fn a_document_added_is_on_the_chronology_under_its_title() {
    let s = story();
    let entries = chronology(s.child, &s.set);
    let e = one(&entries, kinds::DOCUMENT);
    assert_eq!(e.summary, "Document added: Police notification");
    assert_eq!(e.record_kind, RecordKind::Document);
    assert_eq!(e.at, t("2024-03-05T10:00:00Z"));
    assert!(!e.date_only);
}
