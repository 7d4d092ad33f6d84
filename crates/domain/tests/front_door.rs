//! The front door's rules: screening and consent, the decision and its oversight, referrer feedback, partner
//! information requests, the contact's worklist clock (across bank holidays and out of hours), and the
//! family-history flags.

// The helpers and proptest strategies below are test code outside `#[test]` functions, where clippy.toml's test
// allowances do not reach.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use domain::ValueErrors;
use domain::clocks::{self, Rag};
use domain::codes::*;
use domain::datetime::{Date, Timestamp, london};
use domain::front_door::*;
use domain::identifiers::LaCode;
use domain::ids::*;
use domain::records::*;
use jiff::ToSpan;
use jiff::civil::date;
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

fn settings() -> LaSettings {
    LaSettings::default()
}

fn fields(e: &ValueErrors) -> Vec<&str> {
    e.0.iter().map(|e| e.field.as_ref()).collect()
}

fn problem<'a>(e: &'a ValueErrors, field: &str) -> &'a str {
    &e.0.iter().find(|e| e.field == field).unwrap().problem
}

fn some(s: &str) -> Option<String> {
    Some(s.to_owned())
}

/// A London local date and time as an instant.
fn local(s: &str) -> Timestamp {
    let dt: jiff::civil::DateTime = s.parse().unwrap();
    london().to_ambiguous_timestamp(dt).compatible().unwrap()
}

fn contact(received_at: Timestamp, rag: Option<Rag>) -> Contact {
    Contact {
        id: ContactId::new(),
        la: la(),
        child_id: PersonId::new(),
        sibling_group: None,
        received_at,
        out_of_hours: false,
        source: ReferralSource::Schools,
        referrer: Referrer {
            name: "Ms Head".into(),
            ..Referrer::default()
        },
        concerns: "Bruising".into(),
        immediate_risk: false,
        recorded_by: None,
        recorded_at: received_at,
        assigned_to: None,
        screening: Screening {
            rag,
            rag_rationale: rag.map(|_| "reason".to_owned()),
            ..Screening::default()
        },
        decision: None,
        feedback: None,
    }
}

// ------------------------------------------------------------------------------------------------------------------
// 1. Screening

fn input(
    threshold: Option<&str>,
    rag: Option<&str>,
    rag_rationale: Option<&str>,
    consent: Option<&str>,
    consent_rationale: Option<&str>,
) -> ScreeningInput {
    ScreeningInput {
        threshold: threshold.map(Into::into),
        rag: rag.map(Into::into),
        rag_rationale: rag_rationale.map(Into::into),
        consent: consent.map(Into::into),
        consent_rationale: consent_rationale.map(Into::into),
    }
}

#[test]
fn a_first_screening_reports_every_problem_by_field() {
    let e = screen(
        &Screening::default(),
        &input(Some("5"), Some("red"), Some("  "), Some("not-sought"), None),
    )
    .unwrap_err();
    assert_eq!(
        fields(&e),
        ["threshold", "rag_rationale", "consent_rationale"]
    );
    assert_eq!(
        problem(&e, "rag_rationale"),
        "Enter the reason for the RAG rating"
    );
    assert_eq!(
        problem(&e, "consent_rationale"),
        "Enter why consent was not sought"
    );
    assert!(problem(&e, "threshold").contains("'5' is not a known code"));

    let e = screen(
        &Screening::default(),
        &input(None, Some("purple"), None, Some("maybe"), None),
    )
    .unwrap_err();
    assert_eq!(fields(&e), ["rag", "consent"]);
}

#[test]
fn a_first_rating_is_a_rag_change() {
    let c = screen(
        &Screening::default(),
        &input(
            Some("3"),
            Some("Amber"),
            Some(" Repeat DA "),
            Some("given"),
            Some("ignored"),
        ),
    )
    .unwrap();
    assert_eq!(c.rag_change, Some((Rag::Amber, "Repeat DA".to_owned())));
    assert_eq!(c.screening.threshold, Some(ThresholdLevel::Level3));
    assert_eq!(c.screening.rag_rationale.as_deref(), Some("Repeat DA"));
    assert_eq!(c.screening.consent, Some(Consent::Given));
    // A reason for consent is kept only where it means something.
    assert_eq!(c.screening.consent_rationale, None);
    assert!(!c.consent_needs_approval);
    // Nothing at all is a valid (empty) screening.
    let empty = screen(&Screening::default(), &ScreeningInput::default()).unwrap();
    assert_eq!(empty.screening, Screening::default());
    assert_eq!(empty.rag_change, None);
}

#[test]
fn a_rag_rating_cannot_be_cleared_and_a_change_needs_a_reason() {
    let current = Screening {
        rag: Some(Rag::Green),
        rag_rationale: some("Low level"),
        ..Screening::default()
    };
    let e = screen(&current, &input(None, Some(" "), None, None, None)).unwrap_err();
    assert_eq!(fields(&e), ["rag"]);
    assert_eq!(problem(&e, "rag"), "Select a RAG rating");

    // The old reason does not carry over to a new rating.
    let e = screen(&current, &input(None, Some("red"), None, None, None)).unwrap_err();
    assert_eq!(fields(&e), ["rag_rationale"]);
    let c = screen(
        &current,
        &input(None, Some("red"), Some("Disclosure"), None, None),
    )
    .unwrap();
    assert_eq!(c.rag_change, Some((Rag::Red, "Disclosure".to_owned())));

    // Unchanged rating: a blank reason keeps the current one; a rewritten reason is a re-rating.
    let c = screen(&current, &input(None, Some("green"), None, None, None)).unwrap();
    assert_eq!(c.rag_change, None);
    assert_eq!(c.screening.rag_rationale.as_deref(), Some("Low level"));
    let c = screen(
        &current,
        &input(None, Some("green"), Some("Low level"), None, None),
    )
    .unwrap();
    assert_eq!(c.rag_change, None);
    let c = screen(
        &current,
        &input(None, Some("green"), Some("Checked with school"), None, None),
    )
    .unwrap();
    assert_eq!(
        c.rag_change,
        Some((Rag::Green, "Checked with school".to_owned()))
    );
}

#[test]
fn going_ahead_without_consent_needs_approval_and_a_change_clears_it() {
    let manager = UserId::new();
    let at = t("2025-08-26T10:00:00Z");
    // Not sought: needs approval.
    let c = screen(
        &Screening::default(),
        &input(
            None,
            None,
            None,
            Some("not-sought"),
            Some("Would place child at risk"),
        ),
    )
    .unwrap();
    assert!(c.consent_needs_approval);
    let approved = approve_consent(&c.screening, manager, Role::TeamManager, None, at).unwrap();
    assert_eq!(approved.consent_approved_by, Some(manager));
    assert_eq!(approved.consent_approved_at, Some(at));

    // Submitting the same consent again keeps the approval.
    let again = screen(&approved, &ScreeningInput::from_screening(&approved)).unwrap();
    assert!(!again.consent_needs_approval);
    assert_eq!(again.screening, approved);

    // A new reason, or a new consent decision, clears it.
    let reworded = screen(
        &approved,
        &input(
            None,
            None,
            None,
            Some("not-sought"),
            Some("Parent is the alleged abuser"),
        ),
    )
    .unwrap();
    assert!(reworded.consent_needs_approval);
    assert_eq!(reworded.screening.consent_approved_by, None);
    let refused = screen(
        &approved,
        &input(
            None,
            None,
            None,
            Some("refused"),
            Some("Proceeding: risk of significant harm"),
        ),
    )
    .unwrap();
    assert!(refused.consent_needs_approval);
    assert_eq!(refused.screening.consent_approved_at, None);

    // Refused without a reason: the MASH does not go ahead, so there is nothing to approve.
    let not_proceeding =
        screen(&approved, &input(None, None, None, Some("refused"), None)).unwrap();
    assert!(!not_proceeding.consent_needs_approval);
    assert_eq!(not_proceeding.screening.consent_approved_by, None);
    assert!(!proceeds_without_consent(&not_proceeding.screening));

    // Given, after an approval: nothing to approve, the approval is gone.
    let given = screen(&approved, &input(None, None, None, Some("given"), None)).unwrap();
    assert!(!given.consent_needs_approval);
    assert_eq!(given.screening.consent_approved_by, None);
}

#[test]
fn only_a_manager_approves_and_only_what_needs_approving() {
    let at = t("2025-08-26T10:00:00Z");
    let not_sought = Screening {
        consent: Some(Consent::NotSought),
        consent_rationale: some("Risk to child"),
        ..Screening::default()
    };
    let worker = UserId::new();
    let e = approve_consent(&not_sought, worker, Role::MashWorker, Some(worker), at).unwrap_err();
    assert_eq!(fields(&e), ["approval"]);
    assert!(problem(&e, "approval").starts_with("Only a team manager or senior leader"));
    // A senior leader may approve, even a reason they recorded themselves.
    let leader = UserId::new();
    assert!(approve_consent(&not_sought, leader, Role::SeniorLeader, Some(leader), at).is_ok());

    let cases = [
        (Screening::default(), "Record whether consent was sought"),
        (
            Screening {
                consent: Some(Consent::Given),
                ..Screening::default()
            },
            "Consent was given, so there is nothing to approve",
        ),
        (
            Screening {
                consent: Some(Consent::Refused),
                ..Screening::default()
            },
            "Consent was refused and no reason to go ahead without it is recorded",
        ),
        (
            Screening {
                consent_approved_by: Some(leader),
                consent_approved_at: Some(at),
                ..not_sought.clone()
            },
            "already been approved",
        ),
    ];
    for (s, expected) in cases {
        let e = approve_consent(&s, leader, Role::TeamManager, None, at).unwrap_err();
        assert_eq!(fields(&e), ["approval"]);
        assert!(problem(&e, "approval").contains(expected), "{e}");
    }
    // Both problems at once.
    let e = approve_consent(&Screening::default(), worker, Role::Partner, None, at).unwrap_err();
    assert_eq!(fields(&e), ["approval", "approval"]);
}

#[test]
fn partners_are_asked_only_with_consent_or_an_approved_reason() {
    let at = t("2025-08-26T10:00:00Z");
    let approved = |c: Consent, reason: Option<&str>| Screening {
        consent: Some(c),
        consent_rationale: reason.map(Into::into),
        consent_approved_by: Some(UserId::new()),
        consent_approved_at: Some(at),
        ..Screening::default()
    };
    let unapproved = |c: Consent, reason: Option<&str>| Screening {
        consent: Some(c),
        consent_rationale: reason.map(Into::into),
        ..Screening::default()
    };
    assert!(may_request_information(&unapproved(Consent::Given, None)).is_ok());
    assert!(may_request_information(&approved(Consent::NotSought, Some("r"))).is_ok());
    assert!(may_request_information(&approved(Consent::Refused, Some("r"))).is_ok());
    for (s, expected) in [
        (Screening::default(), "Record whether consent was sought"),
        (
            unapproved(Consent::NotSought, Some("r")),
            "A manager must approve",
        ),
        (
            unapproved(Consent::Refused, Some("r")),
            "A manager must approve",
        ),
        (unapproved(Consent::Refused, None), "Consent was refused"),
        // An approval without a reason to go ahead is no approval.
        (approved(Consent::Refused, None), "Consent was refused"),
    ] {
        let e = may_request_information(&s).unwrap_err();
        assert_eq!(e.field, "consent");
        assert!(e.problem.starts_with(expected), "{e}");
    }
}

#[test]
fn forms_refuse_unknown_fields() {
    assert!(serde_json::from_str::<ScreeningInput>(r#"{"rag":"red","colour":"x"}"#).is_err());
    assert!(serde_json::from_str::<DecisionInput>(r#"{"outcome":"nfa","why":"x"}"#).is_err());
    assert!(serde_json::from_str::<FeedbackInput>(r#"{"method":"phone","by":"x"}"#).is_err());
    assert!(serde_json::from_str::<InformationRequestInput>(r#"{"to":"police"}"#).is_err());
    assert!(serde_json::from_str::<ResponseInput>(r#"{"answer":"x"}"#).is_err());
    let s: ScreeningInput =
        serde_json::from_str(r#"{"threshold":"2","rag":"green","rag_rationale":"low"}"#).unwrap();
    assert_eq!(s.threshold.as_deref(), Some("2"));
}

// ------------------------------------------------------------------------------------------------------------------
// 2. Decision

fn decision_input(outcome: Option<&str>, rationale: Option<&str>) -> DecisionInput {
    DecisionInput {
        outcome: outcome.map(Into::into),
        rationale: rationale.map(Into::into),
        primary_need: Some("N1".into()),
        ..DecisionInput::default()
    }
}

#[test]
fn a_decision_opening_a_cin_episode_needs_the_primary_need() {
    for outcome in ["referral", "strategy-discussion", "emergency-accommodation"] {
        let input = DecisionInput {
            primary_need: None,
            ..decision_input(Some(outcome), Some("Reason"))
        };
        let e = decide(
            &input,
            UserId::new(),
            Role::MashWorker,
            t("2025-08-26T09:00:00Z"),
            &settings(),
        )
        .unwrap_err();
        assert_eq!(fields(&e), ["primary_need"], "{outcome}");
        assert_eq!(
            problem(&e, "primary_need"),
            "Select the child's primary need"
        );
    }
    let input = DecisionInput {
        primary_need: Some("N9".into()),
        ..decision_input(Some("referral"), Some("Reason"))
    };
    assert_eq!(
        domain::front_door::primary_need(&input).unwrap(),
        Some(domain::codes::PrimaryNeed::parse("N9").unwrap())
    );
    // Outcomes that open no episode ignore it.
    let input = DecisionInput {
        primary_need: None,
        ..decision_input(Some("advice"), Some("Reason"))
    };
    assert_eq!(domain::front_door::primary_need(&input).unwrap(), None);
}

#[test]
fn a_decision_needs_an_outcome_and_a_rationale() {
    let e = decide(
        &DecisionInput::default(),
        UserId::new(),
        Role::MashWorker,
        t("2025-08-26T09:00:00Z"),
        &settings(),
    )
    .unwrap_err();
    assert_eq!(fields(&e), ["outcome", "rationale"]);
    assert_eq!(problem(&e, "outcome"), "Select the decision");
    assert_eq!(
        problem(&e, "rationale"),
        "Enter the rationale for the decision"
    );
    let e = decide(
        &decision_input(Some("maybe"), Some("x".repeat(20_001).as_str())),
        UserId::new(),
        Role::MashWorker,
        t("2025-08-26T09:00:00Z"),
        &settings(),
    )
    .unwrap_err();
    assert_eq!(fields(&e), ["outcome", "rationale"]);
    assert!(problem(&e, "rationale").contains("20000 characters or fewer"));
}

#[test]
fn early_help_needs_next_steps_and_the_receiving_service() {
    let at = t("2025-08-26T09:00:00Z");
    let e = decide(
        &decision_input(Some("early-help"), Some("Needs support")),
        UserId::new(),
        Role::MashWorker,
        at,
        &settings(),
    )
    .unwrap_err();
    assert_eq!(fields(&e), ["next_steps", "receiving_service"]);
    let d = decide(
        &DecisionInput {
            next_steps: some("Family support worker to visit"),
            receiving_service: some(" Family Hub North "),
            ..decision_input(Some("early-help"), Some(" Needs support "))
        },
        UserId::new(),
        Role::MashWorker,
        at,
        &settings(),
    )
    .unwrap();
    assert_eq!(d.outcome, ContactOutcome::EarlyHelp);
    assert_eq!(d.rationale, "Needs support");
    assert_eq!(d.receiving_service.as_deref(), Some("Family Hub North"));
    // Other outcomes do not need them.
    assert!(
        decide(
            &decision_input(Some("nfa"), Some("No concerns")),
            UserId::new(),
            Role::MashWorker,
            at,
            &settings(),
        )
        .is_ok()
    );
}

#[test]
fn out_of_hours_follows_the_las_hours_and_calendar() {
    let mut s = settings();
    s.closure_days = vec![d("2025-12-29")];
    for (at, expected) in [
        ("2025-08-26T10:00", false), // Tuesday
        ("2025-08-26T09:00", false),
        ("2025-08-26T08:59", true),
        ("2025-08-26T16:59", false),
        ("2025-08-26T17:00", true),
        ("2025-08-23T11:00", true), // Saturday
        ("2025-08-25T11:00", true), // August bank holiday
        ("2025-12-29T11:00", true), // the LA's closure day
        ("2025-12-30T11:00", false),
    ] {
        assert_eq!(is_out_of_hours(local(at), &s), expected, "{at}");
    }
    let d = decide(
        &decision_input(Some("strategy-discussion"), Some("Disclosure")),
        UserId::new(),
        Role::Edt,
        local("2025-08-23T02:00"),
        &s,
    )
    .unwrap();
    assert!(d.out_of_hours);
}

#[test]
fn a_managers_decision_carries_oversight_and_a_workers_waits_for_it() {
    let at = t("2025-08-26T09:00:00Z");
    let manager = UserId::new();
    let d = decide(
        &decision_input(Some("referral"), Some("Assessment needed")),
        manager,
        Role::TeamManager,
        at,
        &settings(),
    )
    .unwrap();
    assert_eq!(d.manager_oversight_by, Some(manager));
    assert_eq!(d.manager_oversight_at, Some(at));
    assert!(!decision_needs_oversight(&d, &settings()));

    let worker = UserId::new();
    let d = decide(
        &decision_input(Some("referral"), Some("Assessment needed")),
        worker,
        Role::MashWorker,
        at,
        &settings(),
    )
    .unwrap();
    assert_eq!(d.decided_by, Some(worker));
    assert_eq!(d.manager_oversight_by, None);
    assert!(decision_needs_oversight(&d, &settings()));
    let relaxed = LaSettings {
        decision_needs_manager: false,
        ..settings()
    };
    assert!(!decision_needs_oversight(&d, &relaxed));

    let e = record_oversight(&d, worker, Role::SocialWorker, at).unwrap_err();
    assert_eq!(fields(&e), ["oversight"]);
    let e =
        record_oversight(&d, manager, Role::TeamManager, t("2025-08-26T08:00:00Z")).unwrap_err();
    assert!(problem(&e, "oversight").contains("before the decision"));
    let later = t("2025-08-26T11:00:00Z");
    let overseen = record_oversight(&d, manager, Role::TeamManager, later).unwrap();
    assert_eq!(overseen.manager_oversight_by, Some(manager));
    assert_eq!(overseen.manager_oversight_at, Some(later));
    assert!(!decision_needs_oversight(&overseen, &settings()));
    let e = record_oversight(&overseen, manager, Role::TeamManager, later).unwrap_err();
    assert!(problem(&e, "oversight").contains("already been recorded"));
}

// ------------------------------------------------------------------------------------------------------------------
// 3. Referrer feedback

fn a_decision(at: Timestamp) -> ContactDecision {
    decide(
        &decision_input(Some("advice"), Some("Advice given")),
        UserId::new(),
        Role::TeamManager,
        at,
        &settings(),
    )
    .unwrap()
}

fn feedback_input(method: Option<&str>, given_at: Option<&str>) -> FeedbackInput {
    FeedbackInput {
        method: method.map(Into::into),
        given_at: given_at.map(Into::into),
        summary: None,
    }
}

#[test]
fn feedback_needs_a_decision_a_method_and_a_time() {
    let now = t("2024-05-03T12:00:00Z");
    let e = feedback(&FeedbackInput::default(), None, UserId::new(), now).unwrap_err();
    assert_eq!(fields(&e), ["decision", "method", "given_at"]);
    assert_eq!(
        problem(&e, "decision"),
        "Record the decision before the feedback"
    );
    let e = feedback(
        &feedback_input(Some("pigeon"), Some("yesterday")),
        Some(&a_decision(t("2024-05-03T10:30:45Z"))),
        UserId::new(),
        now,
    )
    .unwrap_err();
    assert_eq!(fields(&e), ["method", "given_at"]);
    assert!(problem(&e, "given_at").contains("enter it like 2024-03-01T16:55"));
}

#[test]
fn feedback_times_are_local_or_rfc3339_after_the_decision_and_not_in_the_future() {
    // Decided at 11:30:45 BST; now 13:00 BST.
    let decision = a_decision(t("2024-05-03T10:30:45Z"));
    let now = t("2024-05-03T12:00:00Z");
    let by = UserId::new();
    let given = |s: &str| {
        feedback(
            &FeedbackInput {
                summary: some("Told the school: referral"),
                ..feedback_input(Some("phone"), Some(s))
            },
            Some(&decision),
            by,
            now,
        )
    };
    // A datetime-local input has no seconds: the minute of the decision is allowed.
    let f = given("2024-05-03T11:30").unwrap();
    assert_eq!(f.given_at, t("2024-05-03T10:30:00Z"));
    assert_eq!(f.method, FeedbackMethod::Phone);
    assert_eq!(f.given_by, Some(by));
    assert_eq!(f.summary.as_deref(), Some("Told the school: referral"));
    assert_eq!(
        given("2024-05-03T10:45:00Z").unwrap().given_at,
        t("2024-05-03T10:45:00Z")
    );
    assert_eq!(
        given("2024-05-03T11:45:00+01:00").unwrap().given_at,
        t("2024-05-03T10:45:00Z")
    );
    assert_eq!(
        given("2024-05-03T12:59:30").unwrap().given_at,
        t("2024-05-03T11:59:30Z")
    );

    let e = given("2024-05-03T11:29").unwrap_err();
    assert_eq!(fields(&e), ["given_at"]);
    assert_eq!(
        problem(&e, "given_at"),
        "The referrer cannot have been told before the decision was made (11:30 on 3 May 2024)"
    );
    let e = given("2024-05-03T14:00").unwrap_err();
    assert_eq!(
        problem(&e, "given_at"),
        "The time the referrer was told must be in the past"
    );
    assert!(given("2024-05-03").is_err());
    assert!(given("2024-02-30T10:00").is_err());
}

#[test]
fn local_times_follow_gmt_and_bst() {
    assert_eq!(
        parse_date_time("given_at", "2024-01-15T16:55").unwrap(),
        t("2024-01-15T16:55:00Z")
    );
    assert_eq!(
        parse_date_time("given_at", " 2024-07-15T16:55 ").unwrap(),
        t("2024-07-15T15:55:00Z")
    );
    // 01:30 on 30 March 2025 never happened in London: read as the time after the gap.
    assert_eq!(
        parse_date_time("given_at", "2025-03-30T01:30").unwrap(),
        t("2025-03-30T01:30:00Z")
    );
    // 01:30 on 26 October 2025 happened twice: the first (BST) one.
    assert_eq!(
        parse_date_time("given_at", "2025-10-26T01:30").unwrap(),
        t("2025-10-26T00:30:00Z")
    );
    let e = parse_date_time("given_at", "").unwrap_err();
    assert_eq!(e.to_string(), "given_at: Enter a date and time");
}

// ------------------------------------------------------------------------------------------------------------------
// 4. Information requests

fn consent_given() -> Screening {
    Screening {
        consent: Some(Consent::Given),
        ..Screening::default()
    }
}

#[test]
fn an_information_request_needs_an_agency_a_question_and_consent() {
    let at = t("2025-08-26T09:00:00Z");
    let e = information_request(
        &InformationRequestInput::default(),
        &Screening::default(),
        at,
        &settings(),
    )
    .unwrap_err();
    assert_eq!(fields(&e), ["consent", "agency", "question"]);
    assert_eq!(problem(&e, "agency"), "Select the agency to ask");
    assert_eq!(
        problem(&e, "question"),
        "Enter what you want to ask the agency"
    );
    let e = information_request(
        &InformationRequestInput {
            agency: some("fire-brigade"),
            question: some("Any callouts?"),
        },
        &consent_given(),
        at,
        &settings(),
    )
    .unwrap_err();
    assert_eq!(fields(&e), ["agency"]);
}

#[test]
fn a_partners_reply_is_due_on_the_contacts_rag_timescale() {
    // Tuesday 26 August 2025, 10:00 BST.
    let at = local("2025-08-26T10:00");
    let ask = InformationRequestInput {
        agency: some("police"),
        question: some(" Any DA call-outs to the address? "),
    };
    let due = |rag: Option<Rag>| {
        let screening = Screening {
            rag,
            ..consent_given()
        };
        information_request(&ask, &screening, at, &settings()).unwrap()
    };
    let unrated = due(None);
    assert_eq!(unrated.agency, Agency::Police);
    assert_eq!(unrated.question, "Any DA call-outs to the address?");
    // Unrated counts as amber: 1 working day.
    assert_eq!(unrated.due_at, local("2025-08-27T10:00"));
    assert_eq!(due(Some(Rag::Amber)).due_at, local("2025-08-27T10:00"));
    assert_eq!(due(Some(Rag::Red)).due_at, local("2025-08-26T14:00"));
    assert_eq!(due(Some(Rag::Green)).due_at, local("2025-08-29T10:00"));
}

fn a_request(agency: Agency) -> InformationRequest {
    let at = t("2025-08-26T09:00:00Z");
    InformationRequest {
        id: InformationRequestId::new(),
        la: la(),
        mash_enquiry_id: MashEnquiryId::new(),
        contact_id: ContactId::new(),
        child_id: PersonId::new(),
        agency,
        question: "Known to you?".into(),
        requested_by: None,
        requested_at: at,
        due_at: t("2025-08-27T09:00:00Z"),
        response: None,
        responded_by: None,
        responded_at: None,
    }
}

#[test]
fn only_the_agency_asked_responds_and_only_once() {
    let req = a_request(Agency::Health);
    let officer = UserId::new();
    let at = t("2025-08-26T13:00:00Z");
    let answer = ResponseInput {
        response: some(" Known to the health visitor "),
    };
    let e = respond(
        &req,
        &ResponseInput::default(),
        officer,
        Some(Agency::Police),
        at,
    )
    .unwrap_err();
    assert_eq!(fields(&e), ["agency", "response"]);
    assert_eq!(
        problem(&e, "agency"),
        "Only the agency the request was sent to (Health) can respond"
    );
    assert_eq!(problem(&e, "response"), "Enter the response");
    let e = respond(&req, &answer, officer, None, at).unwrap_err();
    assert_eq!(fields(&e), ["agency"]);

    let answered = respond(&req, &answer, officer, Some(Agency::Health), at).unwrap();
    assert_eq!(
        answered.response.as_deref(),
        Some("Known to the health visitor")
    );
    assert_eq!(answered.responded_by, Some(officer));
    assert_eq!(answered.responded_at, Some(at));
    assert_eq!(answered.question, req.question);
    let e = respond(&answered, &answer, officer, Some(Agency::Health), at).unwrap_err();
    assert_eq!(fields(&e), ["response"]);
    assert_eq!(
        problem(&e, "response"),
        "This request has already been answered"
    );
}

// ------------------------------------------------------------------------------------------------------------------
// 5. Worklist clock

/// The acceptance table: 09:00–17:00, a 1 working day decision clock.
#[test]
fn contact_clocks_skip_weekends_bank_holidays_and_the_night() {
    let s = settings();
    for (received, rag, due, why) in [
        (
            "2025-08-22T16:55",
            None,
            "2025-08-26T16:55",
            "Friday before the August bank holiday: due Tuesday",
        ),
        (
            "2024-05-03T16:55",
            None,
            "2024-05-07T16:55",
            "Friday before the early May bank holiday: due Tuesday",
        ),
        (
            // clocks.rs: a clock started out of hours starts at the next opening (Monday 09:00), and a whole
            // working day from an opening ends at that day's closing time, not at the next opening.
            "2025-03-01T02:00",
            None,
            "2025-03-03T17:00",
            "EDT contact early on Saturday: the clock starts Monday 09:00",
        ),
        (
            "2025-08-22T16:55",
            Some(Rag::Red),
            "2025-08-26T12:55",
            "red: 4 working hours, earlier than the decision clock",
        ),
        (
            "2025-08-22T16:55",
            Some(Rag::Amber),
            "2025-08-26T16:55",
            "amber: 1 working day, the same as the decision clock",
        ),
        (
            "2025-08-22T16:55",
            Some(Rag::Green),
            "2025-08-26T16:55",
            "green: 3 working days, so the decision clock comes first",
        ),
        (
            "2025-08-26T10:00",
            None,
            "2025-08-27T10:00",
            "an ordinary Tuesday",
        ),
    ] {
        let c = contact(local(received), rag);
        assert_eq!(contact_due(&c, &s), local(due), "{why}");
        assert_eq!(
            contact_due_on(&s.calendar(), &s.clocks, &c),
            local(due),
            "{why}"
        );
    }
    assert_eq!(
        clocks::clock_starts_at(
            &s.calendar(),
            &s.clocks.working_hours,
            local("2025-03-01T02:00")
        ),
        local("2025-03-03T09:00")
    );
}

#[test]
fn worklist_labels_read_plainly() {
    let s = settings();
    // Due Tuesday 26 August 2025 at 16:55 BST (Monday 25 is the bank holiday).
    let due = local("2025-08-26T16:55");
    for (now, overdue, remaining, label) in [
        (
            "2025-08-22T17:00",
            false,
            475,
            "Due on Tuesday 26 August at 16:55",
        ),
        (
            "2025-08-23T10:00",
            false,
            475,
            "Due on Tuesday 26 August at 16:55",
        ),
        ("2025-08-25T12:00", false, 475, "Due tomorrow at 16:55"),
        ("2025-08-26T10:00", false, 415, "Due today at 16:55"),
        ("2025-08-26T15:55", false, 60, "Due today at 16:55"),
        ("2025-08-26T16:30", false, 25, "Due in 25 minutes"),
        ("2025-08-26T16:54", false, 1, "Due in 1 minute"),
        ("2025-08-26T16:55", false, 0, "Due now"),
        ("2025-08-26T16:56", true, -1, "Overdue since today at 16:55"),
        ("2025-08-26T22:00", true, -5, "Overdue since today at 16:55"),
        (
            "2025-08-27T09:30",
            true,
            -35,
            "Overdue since yesterday at 16:55",
        ),
        ("2025-08-27T17:00", true, -485, "Overdue by 1 working day"),
        ("2025-08-28T12:00", true, -665, "Overdue by 1 working day"),
        ("2025-08-30T12:00", true, -1445, "Overdue by 3 working days"),
        ("2025-09-01T12:00", true, -1625, "Overdue by 3 working days"),
    ] {
        let c = worklist_clock(due, local(now), &s);
        assert_eq!(
            (c.overdue, c.remaining_minutes, c.label.as_str()),
            (overdue, remaining, label),
            "at {now}"
        );
        assert_eq!(c.due, due);
    }
    // Less than a working day overdue, but days ago by the calendar.
    let c = worklist_clock(local("2025-08-22T16:55"), local("2025-08-26T09:30"), &s);
    assert_eq!(c.label, "Overdue since Friday 22 August at 16:55");
    // Another year.
    let c = worklist_clock(local("2026-01-02T09:00"), local("2025-12-30T10:00"), &s);
    assert_eq!(c.label, "Due on Friday 2 January 2026 at 09:00");
    assert_eq!(
        serde_json::to_value(&c).unwrap()["label"],
        "Due on Friday 2 January 2026 at 09:00"
    );
}

#[test]
fn sorting_by_due_puts_the_most_overdue_first() {
    let s = settings();
    let now = local("2025-08-27T12:00");
    let mut rows = vec![
        (
            "green",
            contact(local("2025-08-26T10:00"), Some(Rag::Green)),
        ),
        ("red", contact(local("2025-08-26T10:00"), Some(Rag::Red))),
        ("old", contact(local("2025-08-20T10:00"), None)),
        ("new", contact(local("2025-08-27T11:00"), None)),
    ];
    sort_most_overdue_first(&mut rows, |(_, c)| contact_due(c, &s));
    let order: Vec<&str> = rows.iter().map(|(name, _)| *name).collect();
    assert_eq!(order, ["old", "red", "green", "new"]);
    let labels: Vec<String> = rows
        .iter()
        .map(|(_, c)| worklist_clock(contact_due(c, &s), now, &s).label)
        .collect();
    assert_eq!(
        labels,
        [
            "Overdue by 3 working days",
            "Overdue since yesterday at 14:00",
            "Overdue since today at 10:00",
            "Due tomorrow at 11:00"
        ]
    );
}

// ------------------------------------------------------------------------------------------------------------------
// 6. Family history

fn referral(child: ChildId, referred: &str, closed: Option<&str>) -> Referral {
    Referral {
        id: ReferralId::new(),
        la: la(),
        child_id: child,
        contact_id: None,
        referral_date: d(referred),
        source: ReferralSource::Police,
        primary_need: None,
        nfa: false,
        closure: closed.map(|c| Closure {
            date: d(c),
            reason: ClosureReason::ServicesCeased,
        }),
        created_at: t("2020-01-01T00:00:00Z"),
    }
}

fn plan(child: ChildId, kind: PlanKind, start: Date, end: Option<Date>) -> Plan {
    Plan {
        id: PlanId::new(),
        la: la(),
        child_id: child,
        referral_id: ReferralId::new(),
        kind,
        start_date: start,
        end_date: end,
        end_reason: None,
        needs: "Needs".into(),
        desired_outcomes: "Outcomes".into(),
        initial_category: None,
        latest_category: None,
        next_review_on: None,
        previous_cp_plans: None,
        created_at: t("2020-01-01T00:00:00Z"),
    }
}

fn section47(child: ChildId, start: &str) -> Section47 {
    Section47 {
        id: Section47Id::new(),
        la: la(),
        child_id: child,
        referral_id: ReferralId::new(),
        strategy_discussion_id: StrategyDiscussionId::new(),
        start_date: d(start),
        icpc_due_on: d(start),
        outcome_date: None,
        outcome: None,
        icpc_required: None,
        created_at: t("2020-01-01T00:00:00Z"),
        findings: None,
        child_seen: None,
        child_seen_alone: None,
        seen_on: None,
        not_seen_reason: None,
        analysis: None,
    }
}

fn contact_of(child: ChildId, on: Date) -> Contact {
    let at = london()
        .to_ambiguous_timestamp(on.at(12, 0, 0, 0))
        .compatible()
        .unwrap();
    Contact {
        child_id: child,
        ..contact(at, None)
    }
}

#[test]
fn a_familys_history_in_plain_words() {
    let today = d("2025-08-26");
    let (child, amy, ben, cal) = (
        PersonId::new(),
        PersonId::new(),
        PersonId::new(),
        PersonId::new(),
    );
    let records = RecordSet {
        contacts: vec![
            contact_of(child, d("2024-08-26")), // exactly 12 months ago: counts
            contact_of(child, d("2025-01-10")),
            contact_of(child, d("2025-06-01")),
            contact_of(child, d("2025-08-26")),
            contact_of(child, d("2024-08-25")), // too old
            contact_of(child, d("2025-08-27")), // not yet
            contact_of(amy, d("2025-08-01")),   // a sibling's
        ],
        plans: vec![
            plan(
                child,
                PlanKind::ChildProtection,
                d("2022-09-01"),
                Some(d("2023-03-03")),
            ),
            plan(
                child,
                PlanKind::ChildInNeed,
                d("2023-03-03"),
                Some(d("2023-09-01")),
            ),
            plan(amy, PlanKind::ChildInNeed, d("2025-01-01"), None),
            plan(amy, PlanKind::ChildProtection, d("2025-05-01"), None),
            plan(ben, PlanKind::ChildInNeed, d("2025-01-01"), None),
            plan(
                cal,
                PlanKind::ChildProtection,
                d("2024-01-01"),
                Some(d("2025-01-01")),
            ),
        ],
        section47s: vec![section47(child, "2022-08-01"), section47(amy, "2025-04-01")],
        referrals: vec![
            referral(child, "2022-07-01", Some("2023-09-01")),
            referral(child, "2024-05-05", Some("2025-02-01")),
        ],
        ..RecordSet::default()
    };
    let flags = family_history_flags(
        child,
        &[
            (amy, Some("Amy")),
            (ben, None),
            (cal, Some("Cal")),
            (child, None),
        ],
        &records,
        today,
    );
    let texts: Vec<&str> = flags.iter().map(|f| f.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "4 contacts in the last 12 months",
            "Previous child protection plan (ended 3 March 2023)",
            "Previous section 47 enquiry (started 1 August 2022)",
            "Re-referred on 5 May 2024, within 12 months of a referral that closed on 1 September 2023",
            "A referral closed on 1 February 2025, in the last 12 months: a new referral would be a re-referral",
            "A sibling, Amy, is on a child protection plan",
            "A sibling is on a child in need plan",
        ]
    );
    assert_eq!(
        flags[0].kind,
        HistoryFlagKind::ThreeOrMoreContactsIn12Months { count: 4 }
    );
    assert_eq!(
        flags[5].kind,
        HistoryFlagKind::SiblingOnPlan {
            sibling: amy,
            plan: PlanKind::ChildProtection
        }
    );
    let json = serde_json::to_value(&flags[1]).unwrap();
    assert_eq!(json["kind"], "previous-cp-plan");
    assert_eq!(json["last_ended"], "2023-03-03");
    assert_eq!(json["text"], flags[1].text);
    let json = serde_json::to_value(&flags[0]).unwrap();
    assert_eq!(json["kind"], "three-or-more-contacts-in-12-months");
    assert_eq!(json["count"], 4);

    // A child with no history has no flags; several plans and enquiries are counted.
    assert!(family_history_flags(cal, &[], &RecordSet::default(), today).is_empty());
    let more = RecordSet {
        plans: vec![
            plan(
                child,
                PlanKind::ChildProtection,
                d("2019-01-01"),
                Some(d("2019-06-01")),
            ),
            plan(
                child,
                PlanKind::ChildProtection,
                d("2022-01-01"),
                Some(d("2023-03-03")),
            ),
            plan(child, PlanKind::ChildProtection, d("2025-01-01"), None), // current, not previous
        ],
        section47s: vec![
            section47(child, "2019-01-01"),
            section47(child, "2022-01-01"),
            section47(child, "2030-01-01"), // dated after today: ignored
        ],
        referrals: vec![
            referral(child, "2019-01-01", Some("2019-06-01")),
            referral(child, "2020-07-01", None), // 13 months after the closure: not a re-referral
        ],
        ..RecordSet::default()
    };
    let texts: Vec<String> = family_history_flags(child, &[], &more, today)
        .into_iter()
        .map(|f| f.text)
        .collect();
    assert_eq!(
        texts,
        [
            "2 previous child protection plans (the last ended 3 March 2023)",
            "2 previous section 47 enquiries (the last started 1 January 2022)",
        ]
    );
}

// ------------------------------------------------------------------------------------------------------------------
// Properties

fn any_day() -> impl Strategy<Value = Date> {
    (0i32..4000).prop_map(|n| date(2018, 1, 1).checked_add(n.days()).unwrap())
}

fn any_rag() -> impl Strategy<Value = Option<Rag>> {
    prop::option::of(prop::sample::select(Rag::ALL.to_vec()))
}

fn any_screening() -> impl Strategy<Value = Screening> {
    (
        prop::option::of(prop::sample::select(ThresholdLevel::ALL.to_vec())),
        any_rag(),
        "[a-z][a-z ]{0,20}[a-z]",
        prop::option::of(prop::sample::select(Consent::ALL.to_vec())),
        prop::option::of("[a-z][a-z ]{0,20}[a-z]"),
        any::<bool>(),
    )
        .prop_map(
            |(threshold, rag, reason, consent, consent_reason, approved)| {
                let mut s = Screening {
                    threshold,
                    rag,
                    rag_rationale: rag.map(|_| reason),
                    consent,
                    consent_rationale: match consent {
                        Some(Consent::NotSought) => Some(consent_reason.unwrap_or("why".into())),
                        Some(Consent::Refused) => consent_reason,
                        _ => None,
                    },
                    ..Screening::default()
                };
                if approved && proceeds_without_consent(&s) {
                    s.consent_approved_by = Some(UserId::from_uuid(uuid_of(1)));
                    s.consent_approved_at = Some(t("2025-08-26T10:00:00Z"));
                }
                s
            },
        )
}

fn uuid_of(n: u128) -> uuid::Uuid {
    uuid::Uuid::from_u128(n)
}

fn any_instant() -> impl Strategy<Value = Timestamp> {
    // 2018–2030, to the minute.
    (0i64..6_000_000).prop_map(|m| t("2018-01-01T00:00:00Z") + jiff::SignedDuration::from_mins(m))
}

proptest! {
    /// A contact flag appears exactly when there are at least 3 contacts about the child in the 12 calendar
    /// months up to and including today, and it counts them; a sibling's contacts never count.
    #[test]
    fn the_contact_flag_counts_the_last_12_months(
        today in any_day(),
        offsets in prop::collection::vec(-800i32..40, 0..12),
        sibling_offsets in prop::collection::vec(-300i32..0, 0..6),
    ) {
        let (child, sibling) = (PersonId::new(), PersonId::new());
        let day = |o: i32| today.checked_add(o.days()).unwrap();
        let mut contacts: Vec<Contact> = offsets.iter().map(|&o| contact_of(child, day(o))).collect();
        contacts.extend(sibling_offsets.iter().map(|&o| contact_of(sibling, day(o))));
        let records = RecordSet { contacts, ..RecordSet::default() };
        let from = today.checked_sub(1.year()).unwrap();
        let expected = offsets.iter().map(|&o| day(o)).filter(|d| from <= *d && *d <= today).count();
        let flag = family_history_flags(child, &[(sibling, None)], &records, today)
            .into_iter()
            .find(|f| matches!(f.kind, HistoryFlagKind::ThreeOrMoreContactsIn12Months { .. }));
        match flag {
            Some(f) => {
                prop_assert!(expected >= 3);
                prop_assert_eq!(f.kind, HistoryFlagKind::ThreeOrMoreContactsIn12Months { count: expected });
                prop_assert_eq!(f.text, format!("{expected} contacts in the last 12 months"));
            }
            None => prop_assert!(expected < 3),
        }
    }

    /// A sibling is flagged exactly when one of their plans is open today, and as child protection when any
    /// open plan is.
    #[test]
    fn a_sibling_is_flagged_while_a_plan_is_open(
        today in any_day(),
        plans in prop::collection::vec((any::<bool>(), -400i32..60, prop::option::of(0i32..400)), 0..4),
    ) {
        let (child, sibling) = (PersonId::new(), PersonId::new());
        let day = |o: i32| today.checked_add(o.days()).unwrap();
        let plans: Vec<Plan> = plans
            .iter()
            .map(|&(cp, start, length)| {
                let kind = if cp { PlanKind::ChildProtection } else { PlanKind::ChildInNeed };
                plan(sibling, kind, day(start), length.map(|l| day(start + l)))
            })
            .collect();
        let open: Vec<PlanKind> = plans
            .iter()
            .filter(|p| p.start_date <= today && p.end_date.is_none_or(|e| e > today))
            .map(|p| p.kind)
            .collect();
        let records = RecordSet { plans, ..RecordSet::default() };
        let flags = family_history_flags(child, &[(sibling, Some("Amy"))], &records, today);
        let expected = if open.contains(&PlanKind::ChildProtection) {
            Some(PlanKind::ChildProtection)
        } else if open.is_empty() {
            None
        } else {
            Some(PlanKind::ChildInNeed)
        };
        let got = flags.iter().find_map(|f| match f.kind {
            HistoryFlagKind::SiblingOnPlan { sibling: s, plan } if s == sibling => Some(plan),
            _ => None,
        });
        prop_assert_eq!(got, expected);
        // The sibling's plans say nothing about the child's own history.
        prop_assert_eq!(flags.len(), usize::from(expected.is_some()));
    }

    /// Sending the current screening back unchanged changes nothing and records no RAG change.
    #[test]
    fn an_unchanged_screening_changes_nothing(s in any_screening()) {
        let c = screen(&s, &ScreeningInput::from_screening(&s)).unwrap();
        prop_assert_eq!(c.rag_change, None);
        prop_assert_eq!(c.consent_needs_approval, proceeds_without_consent(&s) && !consent_approved(&s));
        prop_assert_eq!(c.screening, s);
    }

    /// A contact's due time is within working hours, after it was received, never later than the decision
    /// clock; and a worklist clock is overdue exactly when now is past it, with the sign of its minutes to match.
    #[test]
    fn contact_clocks_and_worklist_clocks_agree(received in any_instant(), rag in any_rag(), now in any_instant()) {
        let s = settings();
        let cal = s.calendar();
        let due = contact_due(&contact(received, rag), &s);
        prop_assert!(due > received);
        prop_assert!(due <= clocks::contact_decision_due(&cal, &s.clocks, received));
        let local_due = london().to_datetime(due);
        prop_assert!(cal.is_working_day(local_due.date()));
        prop_assert!(local_due.time() > s.clocks.working_hours.start);
        prop_assert!(local_due.time() <= s.clocks.working_hours.end);

        let c = worklist_clock_on(&cal, &s.clocks, due, now);
        prop_assert_eq!(c.overdue, now > due);
        prop_assert_eq!(c.label.starts_with("Overdue"), c.overdue);
        if c.overdue {
            prop_assert!(c.remaining_minutes <= 0);
        } else {
            prop_assert!(c.remaining_minutes >= 0);
        }
    }
}
