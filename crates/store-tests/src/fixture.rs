//! One child's complete journey, with a record of every kind: what the conformance story writes and expects
//! to read back unchanged on every back end.

use domain::clocks::Rag;
use domain::codes::*;
use domain::datetime::{Date, Timestamp};
use domain::identifiers::{LaChildId, LaCode, NhsNumber, Postcode, Upn};
use domain::ids::*;
use domain::records::*;

fn d(s: &str) -> Date {
    s.parse().unwrap()
}

fn t(s: &str) -> Timestamp {
    s.parse().unwrap()
}

pub fn la() -> LaCode {
    LaCode::parse("213").unwrap()
}

pub fn local_authority(code: &str, name: &str) -> LocalAuthority {
    LocalAuthority {
        code: LaCode::parse(code).unwrap(),
        name: name.to_owned(),
        settings: LaSettings::default(),
    }
}

/// A user of the given role in LA 213.
pub fn user(username: &str, role: Role, team: Option<TeamId>) -> User {
    User {
        id: UserId::new(),
        username: username.to_owned(),
        display_name: format!("{username} (test)"),
        role,
        agency: (role == Role::Partner).then_some(Agency::Police),
        las: vec![la()],
        team_id: team,
        disabled: false,
        created_at: t("2024-01-02T09:00:00Z"),
    }
}

/// A child not yet known to Frontdoor.
pub fn new_child(first: &str, last: &str, dob: &str) -> Person {
    Person {
        id: PersonId::new(),
        la: la(),
        is_child: true,
        la_child_id: None,
        first_name: first.to_owned(),
        last_name: last.to_owned(),
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
        created_at: t("2024-03-01T16:55:00Z"),
    }
}

/// A contact about `child`, undecided.
pub fn contact(child: PersonId, recorded_by: Option<UserId>) -> Contact {
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
        recorded_by,
        recorded_at: t("2024-03-01T17:01:00.123456Z"),
        assigned_to: None,
        screening: Screening::default(),
        decision: None,
        feedback: None,
    }
}

/// Every record about one child (Yusuf), his mother and his sister, plus the team, users, supervision and
/// practice week around them. Returns the set and Yusuf's id.
pub fn journey() -> (RecordSet, PersonId) {
    let la = la();
    let team = Team {
        id: TeamId::new(),
        la: la.clone(),
        name: "Westminster MASH".into(),
        kind: TeamKind::Mash,
    };
    let worker = user("fixture-worker", Role::SocialWorker, Some(team.id));
    let manager = user("fixture-manager", Role::TeamManager, Some(team.id));
    let chair = user("fixture-chair", Role::ReviewingOfficer, None);
    let auditor = user("fixture-auditor", Role::Auditor, None);

    let child = Person {
        id: PersonId::new(),
        la: la.clone(),
        is_child: true,
        la_child_id: Some(LaChildId::parse("WCC0001234").unwrap()),
        first_name: "Yusuf".into(),
        last_name: "Testchild".into(),
        other_names: Some("Joe".into()),
        date_of_birth: Some(d("2016-02-29")),
        expected_date_of_birth: None,
        date_of_death: None,
        sex: Sex::Male,
        gender_identity: None,
        ethnicity: Some(Ethnicity::OtherMixed),
        disabilities: vec![Disability::Communication, Disability::Learning],
        upn: Some(Upn::with_check_letter("213101234567").unwrap()),
        former_upn: None,
        upn_unknown: None,
        nhs_number: Some(
            NhsNumber::with_check_digit("999000001")
                .unwrap_or_else(|_| NhsNumber::with_check_digit("999000002").unwrap()),
        ),
        first_language: Some("English".into()),
        religion: Some("Muslim".into()),
        restricted: false,
        created_at: t("2024-03-01T17:01:00Z"),
    };
    let mother = Person {
        id: PersonId::new(),
        is_child: false,
        la_child_id: None,
        first_name: "Amira".into(),
        last_name: "Testchild".into(),
        other_names: None,
        date_of_birth: Some(d("1990-07-14")),
        sex: Sex::Female,
        ethnicity: Some(Ethnicity::OtherWhite),
        disabilities: Vec::new(),
        upn: None,
        nhs_number: None,
        religion: None,
        ..child.clone()
    };
    let sister = Person {
        id: PersonId::new(),
        la_child_id: Some(LaChildId::parse("WCC0001235").unwrap()),
        first_name: "Leila".into(),
        other_names: None,
        date_of_birth: None,
        expected_date_of_birth: Some(d("2024-09-01")),
        sex: Sex::Unknown,
        disabilities: Vec::new(),
        upn: None,
        upn_unknown: Some(UpnUnknown::Un1),
        nhs_number: None,
        ..child.clone()
    };
    let household = Household {
        id: HouseholdId::new(),
        la: la.clone(),
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
            household_id: household.id,
            person_id: child.id,
            from: d("2019-05-01"),
            to: None,
        },
        HouseholdMember {
            household_id: household.id,
            person_id: mother.id,
            from: d("2019-05-01"),
            to: None,
        },
    ];
    let relationships = vec![
        Relationship {
            id: RelationshipId::new(),
            la: la.clone(),
            person_id: mother.id,
            related_person_id: child.id,
            kind: RelationshipKind::Mother,
            parental_responsibility: true,
            ended_on: None,
        },
        Relationship {
            id: RelationshipId::new(),
            la: la.clone(),
            person_id: sister.id,
            related_person_id: child.id,
            kind: RelationshipKind::Sibling,
            parental_responsibility: false,
            ended_on: None,
        },
    ];
    let mut c = contact(child.id, Some(worker.id));
    c.screening = Screening {
        threshold: Some(ThresholdLevel::Level4),
        rag: Some(Rag::Amber),
        rag_rationale: Some("Injury explained inconsistently".into()),
        consent: Some(Consent::NotSought),
        consent_rationale: Some("Seeking consent may place the child at risk".into()),
        consent_approved_by: Some(manager.id),
        consent_approved_at: Some(t("2024-03-01T17:30:00Z")),
    };
    c.assigned_to = Some(worker.id);
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
        la: la.clone(),
        contact_id: c.id,
        child_id: child.id,
        rag: Rag::Amber,
        rationale: "Injury explained inconsistently".into(),
        changed_by: Some(manager.id),
        changed_at: t("2024-03-01T17:20:00Z"),
    };
    let enquiry = MashEnquiry {
        id: MashEnquiryId::new(),
        la: la.clone(),
        contact_id: c.id,
        child_id: child.id,
        started_at: t("2024-03-01T17:25:00Z"),
        started_by: Some(worker.id),
        history_summary: Some("One previous contact in 2022 (advice)".into()),
        completed_at: Some(t("2024-03-04T10:00:00Z")),
    };
    let request = InformationRequest {
        id: InformationRequestId::new(),
        la: la.clone(),
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
        la: la.clone(),
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
    let strategy = StrategyDiscussion {
        id: StrategyDiscussionId::new(),
        la: la.clone(),
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
                name: "Fixture Manager".into(),
                agency: Agency::SocialCare,
                role: "Team manager (chair)".into(),
            },
        ],
        absent_agencies: vec![AbsentAgency {
            agency: Agency::Education,
            reason: "School closed for half term; DSL sent a written report".into(),
        }],
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
        la: la.clone(),
        child_id: child.id,
        referral_id: referral.id,
        strategy_discussion_id: strategy.id,
        start_date: d("2024-03-04"),
        icpc_due_on: d("2024-03-25"),
        outcome_date: Some(d("2024-03-15")),
        outcome: Some(Section47Outcome::SubstantiatedAtRisk),
        icpc_required: Some(true),
        created_at: t("2024-03-04T16:00:00Z"),
        findings: Some("Bruising to the arm; Yusuf said his father pushed him.".into()),
        child_seen: Some(true),
        child_seen_alone: Some(false),
        seen_on: Some(d("2024-03-05")),
        not_seen_reason: Some("He would not speak without his mother present.".into()),
        analysis: Some("Physical harm by a carer; the mother is protective.".into()),
    };
    let assessment = Assessment {
        id: AssessmentId::new(),
        la: la.clone(),
        child_id: child.id,
        referral_id: referral.id,
        start_date: d("2024-03-05"),
        due_on: d("2024-05-09"),
        child_seen: true,
        child_seen_alone: true,
        wishes_and_feelings: "Yusuf says he wants his mum to stop shouting.".into(),
        identity_and_culture: Some("Mixed heritage; attends mosque with his mother".into()),
        sources_of_information: Some("School, health visitor, police".into()),
        history_considered: Some("2022 contact about neglect".into()),
        risk_factors: Some("Unexplained injuries".into()),
        protective_factors: Some("Close to his grandmother".into()),
        safety_goals: Some("Yusuf is safe at home every day".into()),
        scaling: Some(4),
        factors: vec![
            AssessmentFactor::DomesticAbuseParent,
            AssessmentFactor::PhysicalAbuseByAdult,
        ],
        outcome: Some(AssessmentOutcome::StrategyDiscussion),
        authorised_by: Some(manager.id),
        authorised_on: Some(d("2024-04-20")),
        created_at: t("2024-03-05T09:00:00Z"),
    };
    let cp_plan = Plan {
        id: PlanId::new(),
        la: la.clone(),
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
        next_review_on: None,
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
        la: la.clone(),
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
        attendance: vec![
            Attendee {
                name: "Ruth Chairwoman".into(),
                agency: MeetingAgency::SocialCare,
                role: "Chair".into(),
                attended: true,
            },
            Attendee {
                name: "DC O'Neill".into(),
                agency: MeetingAgency::Police,
                role: "Police officer".into(),
                attended: false,
            },
        ],
        partner_reports: vec![PartnerReport {
            agency: Agency::Police,
            from: "DC O'Neill".into(),
            received_on: d("2024-03-20"),
            shared_with_family: Some(false),
        }],
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
    let core_group = CoreGroup {
        id: CoreGroupId::new(),
        la: la.clone(),
        child_id: child.id,
        plan_id: cp_plan.id,
        due_on: d("2024-04-08"),
        held_on: Some(d("2024-04-05")),
        attendees: Some("Mother, school, health visitor, social worker".into()),
        notes: Some("Plan actions on track".into()),
        attendance: vec![Attendee {
            name: "Amina \"Mum\" Storyparent".into(),
            agency: MeetingAgency::Family,
            role: "Mother".into(),
            attended: true,
        }],
        partner_reports: vec![PartnerReport {
            agency: Agency::Health,
            from: "Health visitor".into(),
            received_on: d("2024-04-04"),
            shared_with_family: None,
        }],
    };
    let visit = Visit {
        id: VisitId::new(),
        la: la.clone(),
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
        la: la.clone(),
        supervisor_id: manager.id,
        supervisee_id: worker.id,
        held_on: d("2024-04-10"),
        reflection: "Worker reflected on the mother's engagement".into(),
        cases: vec![SupervisionCase {
            child_id: child.id,
            discussion: "Progress against the plan".into(),
            direction: "Complete the school observation".into(),
        }],
        created_at: t("2024-04-10T10:00:00Z"),
    };
    let practice_week = PracticeWeek {
        id: PracticeWeekId::new(),
        la: la.clone(),
        title: "Spring practice week".into(),
        theme: "The child's lived experience".into(),
        starts_on: d("2024-05-13"),
        ends_on: d("2024-05-17"),
        report: Some("Audits showed children's voices recorded in 8 of 10 files".into()),
        created_at: t("2024-05-01T09:00:00Z"),
        scope: PracticeWeekScope {
            las: vec![la.clone()],
            ..PracticeWeekScope::default()
        },
    };
    let audit = CaseFileAudit {
        id: CaseFileAuditId::new(),
        la: la.clone(),
        child_id: child.id,
        auditor_id: Some(auditor.id),
        practice_week_id: Some(practice_week.id),
        audited_on: d("2024-05-14"),
        grade: AuditGrade::Good,
        lived_experience: "Yusuf's worries are recorded in his own words".into(),
        impact_of_practice: "Injuries stopped after the plan began".into(),
        strengths: Some("Timely strategy discussion".into()),
        areas_for_development: Some("Education was not in the strategy discussion".into()),
        moderated_by: Some(manager.id),
        moderated_grade: Some(AuditGrade::Good),
        created_at: t("2024-05-14T16:00:00Z"),
        detail: AuditDetail {
            themes: vec!["voice of the child".into()],
            assessment: Rating {
                grade: Some(AuditGrade::Good),
                comment: Some("Analysis of risk is clear".into()),
            },
            worker_reflection: Some("I will bring education in earlier".into()),
            moderation_agreed: Some(true),
            moderated_at: Some(t("2024-05-20T10:00:00Z")),
            ..AuditDetail::default()
        },
    };
    let action = |parent, description: &str, due: &str| Action {
        id: ActionId::new(),
        la: la.clone(),
        child_id: Some(child.id),
        parent,
        description: description.to_owned(),
        owner: "Fixture Worker".into(),
        owner_user_id: Some(worker.id),
        due_on: d(due),
        status: ActionStatus::Open,
        completed_on: None,
        created_at: t("2024-03-04T16:00:00Z"),
    };
    let mut plan_action = action(
        ActionParent::Plan(cp_plan.id),
        "Weekly school check-in",
        "2024-04-30",
    );
    plan_action.status = ActionStatus::Done;
    plan_action.completed_on = Some(d("2024-04-29"));
    let plan_action_id = plan_action.id;
    let actions = vec![
        action(
            ActionParent::StrategyDiscussion(strategy.id),
            "Police to check records",
            "2024-03-05",
        ),
        plan_action.clone(),
        action(
            ActionParent::Supervision(supervision.id),
            "School observation",
            "2024-04-24",
        ),
        action(
            ActionParent::CaseFileAudit(audit.id),
            "Invite education to strategy discussions",
            "2024-06-14",
        ),
    ];
    let plan_review = PlanReview {
        id: PlanReviewId::new(),
        la: la.clone(),
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
    let early_help = EarlyHelpEpisode {
        id: EarlyHelpEpisodeId::new(),
        la: la.clone(),
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
    // The plan action was done; what was done is its history.
    let action_update = ActionUpdate {
        id: ActionUpdateId::new(),
        la: la.clone(),
        child_id: Some(child.id),
        action_id: plan_action_id,
        kind: ActionUpdateKind::Done,
        by: Some(worker.id),
        at: t("2024-04-29T17:00:00Z"),
        on: d("2024-04-29"),
        previous_due_on: None,
        text: "Checked in with the school each week".into(),
    };
    let contact_id = c.id;
    let set = RecordSet {
        teams: vec![team.clone()],
        users: vec![worker.clone(), manager.clone(), chair, auditor],
        people: vec![child.clone(), mother, sister],
        households: vec![household],
        household_members: members,
        relationships,
        // The child's date of birth was corrected, and the GP is on the record.
        person_revisions: vec![PersonRevision {
            id: PersonRevisionId::new(),
            la: la.clone(),
            person_id: child.id,
            changed: vec!["date_of_birth".into(), "nhs_number".into()],
            previous: Some("date of birth: 2016-05-13; NHS number: none".into()),
            reason: Some("Birth certificate seen".into()),
            by: Some(worker.id),
            at: t("2024-03-05T11:00:00Z"),
        }],
        professionals: vec![Professional {
            id: ProfessionalId::new(),
            la: la.clone(),
            child_id: child.id,
            role: ProfessionalRole::Gp,
            name: Some("Dr Ngozi Adeyemi".into()),
            organisation: Some("Park Surgery".into()),
            phone: Some("0113 496 0000".into()),
            email: Some("park.surgery@nhs.example".into()),
            address: None,
            from: d("2016-06-01"),
            to: None,
            recorded_by: Some(worker.id),
            created_at: t("2024-03-05T11:05:00Z"),
        }],
        contacts: vec![c],
        rag_changes: vec![rag_change],
        mash_enquiries: vec![enquiry],
        information_requests: vec![request],
        referrals: vec![referral],
        early_help_episodes: vec![early_help],
        strategy_discussions: vec![strategy],
        section47s: vec![s47],
        conferences: vec![icpc, review],
        assessments: vec![assessment],
        plans: vec![cp_plan.clone(), cin_plan],
        plan_reviews: vec![plan_review],
        core_groups: vec![core_group],
        visits: vec![visit],
        supervisions: vec![supervision],
        actions,
        action_updates: vec![action_update],
        // What is known of a police notification; its bytes are read only on download, never with the case file.
        documents: vec![Document {
            id: DocumentId::new(),
            la: la.clone(),
            child_id: child.id,
            contact_id: Some(contact_id),
            title: "Police notification".into(),
            kind: Some(DocumentKind::PoliceNotification),
            file_name: "Police notification.pdf".into(),
            content_type: "application/pdf".into(),
            size: 1234,
            sha256: "0".repeat(64),
            shared_with: vec![Agency::Police, Agency::Health],
            uploaded_by: Some(worker.id),
            uploaded_at: t("2024-03-01T10:00:00Z"),
        }],
        document_contents: Vec::new(),
        case_notes: vec![CaseNote::new(
            CaseNoteId::new(),
            la.clone(),
            child.id,
            CaseNoteKind::Telephone,
            Some(worker.id),
            t("2024-03-06T10:15:00Z"),
            "Spoke to the school; attendance improving".into(),
        )],
        allocations: vec![Allocation {
            id: AllocationId::new(),
            la: la.clone(),
            child_id: child.id,
            worker_id: worker.id,
            team_id: Some(team.id),
            from: d("2024-03-04"),
            to: Some(d("2025-01-31")),
        }],
        child_flags: vec![ChildFlag {
            id: ChildFlagId::new(),
            la: la.clone(),
            child_id: child.id,
            kind: ChildFlagKind::MissingEpisodes,
            from: d("2024-08-01"),
            to: None,
            notes: Some("Missing overnight twice".into()),
        }],
        specialist_involvements: vec![SpecialistInvolvement {
            id: SpecialistInvolvementId::new(),
            la: la.clone(),
            child_id: child.id,
            unit: "Integrated gangs unit".into(),
            worker_name: "IGU Test Worker".into(),
            worker_id: None,
            from: d("2024-08-05"),
            to: None,
        }],
        emergency_protections: vec![EmergencyProtection {
            id: EmergencyProtectionId::new(),
            la,
            child_id: child.id,
            kind: EmergencyProtectionKind::PolicePowers,
            start_date: d("2024-03-01"),
            end_date: Some(d("2024-03-02")),
        }],
        practice_weeks: vec![practice_week],
        case_file_audits: vec![audit],
    };
    (set, child.id)
}
