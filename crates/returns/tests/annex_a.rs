//! Annex A Lists 1–7: the columns are Ofsted's, exactly; a small hand-built record set gives the golden CSV
//! files in `tests/golden/annex-a/` (regenerate with `UPDATE_GOLDEN=1`); the XLSX reads back.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::Cursor;
use std::path::PathBuf;
use std::str::FromStr;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use domain::codes::*;
use domain::datetime::{Date, Timestamp};
use domain::identifiers::{LaChildId, LaCode};
use domain::ids::*;
use domain::records::*;
use returns::annex_a::{self, Cell, ColumnSpec, ColumnType};

fn d(s: &str) -> Date {
    s.parse().unwrap()
}

fn t(s: &str) -> Timestamp {
    s.parse().unwrap()
}

/// A reproducible identifier: `n` in the last digits.
fn id<T: FromStr>(n: u32) -> T
where
    T::Err: std::fmt::Debug,
{
    format!("00000000-0000-7000-8000-{n:012}").parse().unwrap()
}

fn la() -> LaCode {
    LaCode::parse("213").unwrap()
}

fn reference_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../reference/dfe")
}

// --- the columns -----------------------------------------------------------------------------------------------

#[test]
fn columns_are_the_reference_catalogues_lists_1_to_7_in_order() {
    let reference = std::fs::read_to_string(reference_dir().join("annexa-lists.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(reference.as_bytes());
    let mut want: Vec<(u8, Vec<String>)> = Vec::new();
    for r in reader.records() {
        let r = r.unwrap();
        let list: u8 = r[0].trim_start_matches("List ").parse().unwrap();
        if list > 7 {
            continue;
        }
        let position: usize = r[1].parse().unwrap();
        match want.iter_mut().find(|(l, _)| *l == list) {
            Some((_, cols)) => {
                assert_eq!(position, cols.len() + 1, "List {list} positions in order");
                cols.push(r[2].to_owned());
            }
            None => {
                assert_eq!(position, 1);
                want.push((list, vec![r[2].to_owned()]));
            }
        }
    }
    assert_eq!(want.len(), 7);
    let annex = annex_a::build(&RecordSet::default(), d("2024-04-01"), d("2024-09-30")).unwrap();
    assert_eq!(annex.lists.len(), 7);
    for (list, (number, names)) in annex.lists.iter().zip(&want) {
        assert_eq!(list.number, *number);
        let got: Vec<&str> = list.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(got, *names, "List {number} columns");
    }
    // The embedded copy is the reference file's rows for Lists 1–7, whole (types, blanks, allowed values).
    assert_eq!(
        annex_a::columns().unwrap(),
        annex_a::parse_columns(&reference).unwrap()
    );
}

#[test]
fn sheet_and_file_names() {
    let annex = annex_a::build(&RecordSet::default(), d("2024-04-01"), d("2024-09-30")).unwrap();
    let files: Vec<&str> = annex.lists.iter().map(|l| l.file_name).collect();
    assert_eq!(
        files,
        [
            "list-1-contacts.csv",
            "list-2-early-help.csv",
            "list-3-referrals.csv",
            "list-4-assessments.csv",
            "list-5-section-47.csv",
            "list-6-children-in-need.csv",
            "list-7-child-protection.csv"
        ]
    );
    assert_eq!(annex.lists[0].sheet_name(), "List 1");
    assert_eq!(annex.lists[6].sheet_name(), "List 7");
}

/// Every value each code list can produce is one the template allows in that column.
#[test]
fn every_code_is_written_as_an_allowed_value() {
    let columns = annex_a::columns().unwrap();
    let allowed = |list: u8, name: &str| -> Vec<String> {
        columns
            .iter()
            .find(|c| c.list == list && c.name == name)
            .unwrap_or_else(|| panic!("List {list} has no column {name}"))
            .allowed
            .clone()
    };
    let check = |list: u8, name: &str, values: Vec<&str>| {
        let ok = allowed(list, name);
        assert!(!ok.is_empty(), "List {list} {name} has allowed values");
        for v in values {
            assert!(
                ok.iter().any(|a| a == v),
                "List {list} {name}: '{v}' not allowed"
            );
        }
    };
    for list in 1..=7 {
        check(
            list,
            "Gender",
            Sex::ALL.iter().map(|s| annex_a::gender(*s)).collect(),
        );
        check(
            list,
            "Ethnicity",
            Ethnicity::ALL
                .iter()
                .map(|e| annex_a::ethnicity(Some(*e)))
                .chain([annex_a::ethnicity(None)])
                .collect(),
        );
    }
    let sources: Vec<&str> = ReferralSource::ALL
        .iter()
        .map(|s| annex_a::referral_source(*s))
        .collect();
    check(1, "Contact Source", sources.clone());
    check(3, "Referral Source", sources);
    let yes_no = vec![annex_a::yes_no(true), annex_a::yes_no(false), "c) Unknown"];
    check(3, "Referral NFA?", yes_no.clone());
    for list in 4..=7 {
        check(
            list,
            "Does the Child have a Disability",
            vec![
                annex_a::disability(&[]),
                annex_a::disability(&[Disability::None]),
                annex_a::disability(&[Disability::Autism]),
            ],
        );
    }
    check(4, "Child Seen During Continuous Assessment", yes_no.clone());
    check(
        4,
        "Was the child assessed as requiring LA children's social care support?",
        yes_no.clone(),
    );
    check(
        5,
        "Was an Initial Child Protection Conference deemed unnecessary?",
        yes_no.clone(),
    );
    check(
        5,
        "Did the Initial Child Protection Conference Result in a Child Protection Plan",
        yes_no.clone(),
    );
    check(
        6,
        "Primary Need Code",
        PrimaryNeed::ALL
            .iter()
            .map(|n| annex_a::primary_need(*n))
            .collect(),
    );
    check(
        6,
        "Reason for Closure",
        ClosureReason::ALL
            .iter()
            .map(|r| annex_a::closure_reason(*r))
            .collect(),
    );
    let categories: Vec<&str> = AbuseCategory::ALL
        .iter()
        .map(|c| annex_a::abuse_category(*c))
        .collect();
    check(7, "Initial Category of Abuse", categories.clone());
    check(7, "Latest Category of Abuse", categories);
    check(7, "Was the Child Seen Alone?", yes_no.clone());
    check(
        7,
        "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months (Y/N)",
        yes_no,
    );
}

// --- a small hand-built LA -------------------------------------------------------------------------------------

fn child(n: u32, la_child_id: Option<&str>, sex: Sex, dob: Option<&str>) -> Person {
    Person {
        id: id(n),
        la: la(),
        is_child: true,
        la_child_id: la_child_id.map(|s| LaChildId::parse(s).unwrap()),
        first_name: format!("Child{n}"),
        last_name: "Annex".into(),
        other_names: None,
        date_of_birth: dob.map(d),
        expected_date_of_birth: None,
        date_of_death: None,
        sex,
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
        created_at: t("2023-01-01T09:00:00Z"),
    }
}

fn contact(n: u32, child: PersonId, at: &str, source: ReferralSource) -> Contact {
    Contact {
        id: id(n),
        la: la(),
        child_id: child,
        sibling_group: None,
        received_at: t(at),
        out_of_hours: false,
        source,
        referrer: Referrer::default(),
        concerns: "Concerns".into(),
        immediate_risk: false,
        recorded_by: None,
        recorded_at: t(at),
        assigned_to: None,
        screening: Screening::default(),
        decision: None,
        feedback: None,
    }
}

fn referral(
    n: u32,
    child: PersonId,
    date: &str,
    source: ReferralSource,
    need: Option<PrimaryNeed>,
    nfa: bool,
    closure: Option<(&str, ClosureReason)>,
) -> Referral {
    Referral {
        id: id(n),
        la: la(),
        child_id: child,
        contact_id: None,
        referral_date: d(date),
        source,
        primary_need: need,
        nfa,
        closure: closure.map(|(date, reason)| Closure {
            date: d(date),
            reason,
        }),
        created_at: t("2023-01-01T09:00:00Z"),
    }
}

fn visit(n: u32, child: PersonId, plan: Option<PlanId>, kind: VisitKind, on: &str) -> Visit {
    Visit {
        id: id(n),
        la: la(),
        child_id: child,
        plan_id: plan,
        kind,
        visited_on: d(on),
        worker_id: None,
        child_seen: true,
        seen_alone: true,
        bedroom_seen: false,
        wishes_and_feelings: None,
        observations: None,
        created_at: t("2023-01-01T09:00:00Z"),
    }
}

#[allow(clippy::too_many_arguments)]
fn conference(
    n: u32,
    child: PersonId,
    kind: ConferenceKind,
    s47: Option<Section47Id>,
    plan: Option<PlanId>,
    held: &str,
    outcome: ConferenceOutcome,
    category: AbuseCategory,
) -> Conference {
    Conference {
        id: id(n),
        la: la(),
        child_id: child,
        kind,
        section47_id: s47,
        plan_id: plan,
        due_on: d(held),
        held_on: Some(d(held)),
        outcome: Some(outcome),
        category: Some(category),
        chair_id: None,
        created_at: t("2023-01-01T09:00:00Z"),
        attendance: Vec::new(),
        partner_reports: Vec::new(),
    }
}

fn plan(
    n: u32,
    child: PersonId,
    referral: ReferralId,
    kind: PlanKind,
    start: &str,
    end: Option<&str>,
    categories: Option<(AbuseCategory, AbuseCategory)>,
) -> Plan {
    Plan {
        id: id(n),
        la: la(),
        child_id: child,
        referral_id: referral,
        kind,
        start_date: d(start),
        end_date: end.map(d),
        end_reason: None,
        needs: "Needs".into(),
        desired_outcomes: "Outcomes".into(),
        initial_category: categories.map(|c| c.0),
        latest_category: categories.map(|c| c.1),
        next_review_on: None,
        previous_cp_plans: None,
        created_at: t("2023-01-01T09:00:00Z"),
    }
}

fn user(n: u32, name: &str, team: Option<TeamId>) -> User {
    User {
        id: id(n),
        username: name.to_lowercase().replace(' ', "."),
        display_name: name.into(),
        role: Role::SocialWorker,
        agency: None,
        las: vec![la()],
        team_id: team,
        disabled: false,
        created_at: t("2023-01-01T09:00:00Z"),
    }
}

/// Three children in LA 213, for the period 1 April to 30 September 2024.
///
/// * Amelia (A001): contacts before and in the period; a referral the year before (closed) and one in the
///   period; an assessment, a section 47 enquiry, an ICPC, a child protection plan with a review conference and
///   visits (one after the period, ignored); police protection in May; allocated to Priya Shah (Assessment team).
/// * Ben (B002): no ethnicity, date of birth or disabilities recorded; contacts either side of midnight at each
///   end of the period (London time); early help from April to July; a CIN episode from February closed at the
///   end of April (seen on a visit in April); a referral with no further action in June (5D source); an earlier
///   child protection plan in 2022 (so one previous plan) and another from August with no categories recorded;
///   allocated to Tom Reed, whose allocation names no team (his own team is used).
/// * Cara (no LA child id): born in July 2024; a contact in June, before she was born (no age).
fn records() -> RecordSet {
    let amelia = child(1, Some("A001"), Sex::Female, Some("2015-06-10"));
    let mut amelia = Person {
        ethnicity: Some(Ethnicity::WhiteBritish),
        disabilities: vec![Disability::None],
        ..amelia.clone()
    };
    amelia.first_name = "Amelia".into();
    let ben = Person {
        first_name: "Ben".into(),
        ..child(2, Some("B002"), Sex::Male, None)
    };
    let cara = Person {
        first_name: "Cara".into(),
        ethnicity: Some(Ethnicity::Indian),
        disabilities: vec![Disability::Autism],
        ..child(3, None, Sex::Unknown, Some("2024-07-01"))
    };
    let (a, b, c) = (amelia.id, ben.id, cara.id);
    let assessment_team = Team {
        id: id(901),
        la: la(),
        name: "Assessment team".into(),
        kind: TeamKind::Assessment,
    };
    let cp_team = Team {
        id: id(902),
        la: la(),
        name: "Child protection team 2".into(),
        kind: TeamKind::Safeguarding,
    };
    let priya = user(801, "Priya Shah", Some(assessment_team.id));
    let tom = user(802, "Tom Reed", Some(cp_team.id));

    let r_old = referral(
        101,
        a,
        "2023-09-01",
        ReferralSource::Police,
        Some(PrimaryNeed::FamilyDysfunction),
        false,
        Some((
            "2023-10-01",
            ClosureReason::ClosedAfterAssessmentNoFurtherAction,
        )),
    );
    let r_a = referral(
        102,
        a,
        "2024-05-03",
        ReferralSource::Schools,
        Some(PrimaryNeed::AbuseOrNeglect),
        false,
        None,
    );
    let r_b_cin = referral(
        103,
        b,
        "2024-02-01",
        ReferralSource::HealthVisitor,
        Some(PrimaryNeed::FamilyInAcuteStress),
        false,
        Some(("2024-04-30", ClosureReason::ServicesCeased)),
    );
    let r_b_nfa = referral(
        104,
        b,
        "2024-06-01",
        ReferralSource::LaEarlyHelp,
        None,
        true,
        Some((
            "2024-06-01",
            ClosureReason::ClosedAfterAssessmentReferredToEarlyHelp,
        )),
    );
    let r_b_cp = referral(
        105,
        b,
        "2024-08-01",
        ReferralSource::Police,
        Some(PrimaryNeed::AbuseOrNeglect),
        false,
        None,
    );
    let r_b_2022 = referral(
        106,
        b,
        "2022-01-10",
        ReferralSource::Police,
        Some(PrimaryNeed::AbuseOrNeglect),
        false,
        Some(("2022-09-01", ClosureReason::ServicesCeased)),
    );
    let assessment = Assessment {
        id: id(201),
        la: la(),
        child_id: a,
        referral_id: r_a.id,
        start_date: d("2024-05-03"),
        due_on: d("2024-07-05"),
        child_seen: true,
        child_seen_alone: true,
        wishes_and_feelings: "Wishes".into(),
        identity_and_culture: None,
        sources_of_information: None,
        history_considered: None,
        risk_factors: None,
        protective_factors: None,
        safety_goals: None,
        scaling: None,
        factors: vec![AssessmentFactor::Neglect],
        outcome: Some(AssessmentOutcome::StrategyDiscussion),
        authorised_by: None,
        authorised_on: Some(d("2024-06-20")),
        created_at: t("2024-05-03T09:00:00Z"),
    };
    let late_assessment = Assessment {
        id: id(202),
        child_id: b,
        referral_id: r_b_cp.id,
        start_date: d("2024-08-01"),
        child_seen: false,
        outcome: Some(AssessmentOutcome::ChildInNeedPlan),
        // Authorised after the period: not shown.
        authorised_on: Some(d("2024-10-10")),
        ..assessment.clone()
    };
    let s47 = Section47 {
        id: id(301),
        la: la(),
        child_id: a,
        referral_id: r_a.id,
        strategy_discussion_id: id(302),
        start_date: d("2024-05-10"),
        icpc_due_on: d("2024-05-31"),
        outcome_date: Some(d("2024-05-20")),
        outcome: Some(Section47Outcome::SubstantiatedAtRisk),
        icpc_required: Some(true),
        created_at: t("2024-05-10T09:00:00Z"),
        findings: None,
        child_seen: None,
        child_seen_alone: None,
        seen_on: None,
        not_seen_reason: None,
        analysis: None,
    };
    let cp_a = plan(
        401,
        a,
        r_a.id,
        PlanKind::ChildProtection,
        "2024-05-28",
        None,
        Some((AbuseCategory::Neglect, AbuseCategory::Emotional)),
    );
    let cp_b_2022 = plan(
        402,
        b,
        r_b_2022.id,
        PlanKind::ChildProtection,
        "2022-02-01",
        Some("2022-08-01"),
        Some((AbuseCategory::Physical, AbuseCategory::Physical)),
    );
    let cp_b = plan(
        403,
        b,
        r_b_cp.id,
        PlanKind::ChildProtection,
        "2024-08-20",
        None,
        None,
    );
    let cin_b = plan(
        404,
        b,
        r_b_cin.id,
        PlanKind::ChildInNeed,
        "2024-03-01",
        Some("2024-04-30"),
        None,
    );
    RecordSet {
        teams: vec![assessment_team.clone(), cp_team],
        users: vec![priya.clone(), tom.clone()],
        people: vec![amelia, ben, cara],
        contacts: vec![
            contact(11, a, "2024-03-01T10:00:00Z", ReferralSource::Police),
            contact(12, a, "2024-05-02T10:00:00Z", ReferralSource::Schools),
            // 00:30 on 1 April in London (BST): in the period.
            contact(13, b, "2024-03-31T23:30:00Z", ReferralSource::Anonymous),
            // 23:30 on 30 September in London: in the period.
            contact(
                14,
                b,
                "2024-09-30T22:30:00Z",
                ReferralSource::IndividualFamily,
            ),
            // 00:30 on 1 October in London: after the period.
            contact(
                15,
                b,
                "2024-09-30T23:30:00Z",
                ReferralSource::IndividualFamily,
            ),
            contact(16, c, "2024-06-01T10:00:00Z", ReferralSource::HealthGp),
        ],
        referrals: vec![
            r_old,
            r_a.clone(),
            r_b_cin.clone(),
            r_b_nfa,
            r_b_cp.clone(),
            r_b_2022,
        ],
        early_help_episodes: vec![EarlyHelpEpisode {
            id: id(501),
            la: la(),
            child_id: b,
            contact_id: None,
            stepped_down_from: None,
            lead_practitioner: "Family support worker".into(),
            lead_agency: Agency::Health,
            reason: "Parenting".into(),
            start_date: d("2024-04-15"),
            end_date: Some(d("2024-07-01")),
            end_reason: Some(EarlyHelpEndReason::NeedsMet),
            next_steps: None,
            oversight_by: None,
            oversight_at: None,
            stepped_up_to: None,
            created_at: t("2024-04-15T09:00:00Z"),
        }],
        section47s: vec![s47.clone()],
        conferences: vec![
            conference(
                601,
                a,
                ConferenceKind::Initial,
                Some(s47.id),
                Some(cp_a.id),
                "2024-05-28",
                ConferenceOutcome::ChildProtectionPlan,
                AbuseCategory::Neglect,
            ),
            conference(
                602,
                a,
                ConferenceKind::Review,
                None,
                Some(cp_a.id),
                "2024-08-28",
                ConferenceOutcome::ContinuePlan,
                AbuseCategory::Emotional,
            ),
        ],
        assessments: vec![assessment, late_assessment],
        plans: vec![cp_a.clone(), cp_b_2022, cp_b, cin_b],
        visits: vec![
            visit(
                701,
                a,
                Some(cp_a.id),
                VisitKind::ChildProtection,
                "2024-09-10",
            ),
            Visit {
                seen_alone: false,
                ..visit(
                    702,
                    a,
                    Some(cp_a.id),
                    VisitKind::ChildProtection,
                    "2024-10-05",
                )
            },
            visit(703, b, None, VisitKind::ChildInNeed, "2024-04-10"),
        ],
        allocations: vec![
            Allocation {
                id: id(1001),
                la: la(),
                child_id: a,
                worker_id: priya.id,
                team_id: Some(assessment_team.id),
                from: d("2024-05-03"),
                to: None,
            },
            Allocation {
                id: id(1002),
                la: la(),
                child_id: b,
                worker_id: tom.id,
                team_id: None,
                from: d("2024-02-02"),
                to: Some(d("2024-04-30")),
            },
        ],
        emergency_protections: vec![EmergencyProtection {
            id: id(1101),
            la: la(),
            child_id: a,
            kind: EmergencyProtectionKind::PolicePowers,
            start_date: d("2024-05-04"),
            end_date: Some(d("2024-05-06")),
        }],
        ..RecordSet::default()
    }
}

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden/annex-a")
}

#[test]
fn golden_csv_files() {
    let annex = annex_a::build(&records(), d("2024-04-01"), d("2024-09-30")).unwrap();
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let dir = golden_dir();
    if update {
        std::fs::create_dir_all(&dir).unwrap();
    }
    let mut stale = Vec::new();
    for list in &annex.lists {
        let got = String::from_utf8(annex_a::csv_bytes(list).unwrap()).unwrap();
        let path = dir.join(list.file_name);
        if update {
            std::fs::write(&path, &got).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (run with UPDATE_GOLDEN=1)", path.display()));
        if got != want {
            stale.push(format!(
                "{}:\n--- want\n{want}--- got\n{got}",
                list.file_name
            ));
        }
    }
    assert!(
        stale.is_empty(),
        "golden files differ (UPDATE_GOLDEN=1 to accept):\n{}",
        stale.join("\n")
    );
}

/// A few facts checked directly, so the golden files are not the only word on them.
#[test]
fn derived_columns() {
    let annex = annex_a::build(&records(), d("2024-04-01"), d("2024-09-30")).unwrap();
    let list = |n: usize| &annex.lists[n - 1];
    let col = |n: usize, name: &str| {
        list(n)
            .columns
            .iter()
            .position(|c: &ColumnSpec| c.name == name)
            .unwrap()
    };
    let cell = |n: usize, row: usize, name: &str| list(n).rows[row][col(n, name)].clone();
    let text = |s: &str| Cell::Text(s.into());

    // List 1: the London day decides; Cara was not born at her contact.
    assert_eq!(list(1).rows.len(), 4);
    assert_eq!(cell(1, 0, "Date of Contact"), Cell::Date(d("2024-04-01")));
    assert_eq!(cell(1, 3, "Date of Contact"), Cell::Date(d("2024-09-30")));
    let cara = list(1)
        .rows
        .iter()
        .find(|r| r[3] == Cell::Date(d("2024-07-01")))
        .unwrap();
    assert_eq!(cara[4], Cell::Blank);
    assert_eq!(cara[0], text("00000000-0000-7000-8000-000000000003"));

    // List 3: Amelia's earlier referral was within 12 months; Ben's NFA referral says so.
    let amelia = list(3).rows.iter().find(|r| r[0] == text("A001")).unwrap();
    assert_eq!(
        amelia[col(3, "Number of Referrals in Last 12 Months")],
        Cell::Number(1)
    );
    assert_eq!(amelia[col(3, "Allocated Worker")], text("Priya Shah"));
    let nfa = list(3)
        .rows
        .iter()
        .find(|r| r[col(3, "Date of referral")] == Cell::Date(d("2024-06-01")))
        .unwrap();
    assert_eq!(nfa[col(3, "Referral NFA?")], text("a) Yes"));
    assert_eq!(nfa[col(3, "Referral Source")], text("o) 5B: LA services"));

    // List 4: the late authorisation is not shown.
    let late = list(4).rows.iter().find(|r| r[0] == text("B002")).unwrap();
    assert_eq!(
        late[col(4, "Continuous Assessment Date of Authorisation")],
        Cell::Blank
    );
    assert_eq!(
        late[col(4, "Does the Child have a Disability")],
        text("c) Unknown")
    );

    // List 6: Ben's closed episode, his open one, Amelia's; not the NFA referral.
    assert_eq!(list(6).rows.len(), 3);
    let closed = list(6)
        .rows
        .iter()
        .find(|r| r[col(6, "CIN Closure Date")] == Cell::Date(d("2024-04-30")))
        .unwrap();
    assert_eq!(closed[col(6, "Case Status")], text("e) Closed episode"));
    assert_eq!(
        closed[col(6, "Date Child Was Last Seen")],
        Cell::Date(d("2024-04-10"))
    );
    assert_eq!(
        closed[col(6, "Allocated Team")],
        text("Child protection team 2")
    );
    let amelia = list(6).rows.iter().find(|r| r[0] == text("A001")).unwrap();
    assert_eq!(
        amelia[col(6, "Case Status")],
        text("b) Child Protection plan")
    );

    // List 7: Amelia's plan (review, visit in the period, police protection) and Ben's (one previous plan).
    assert_eq!(list(7).rows.len(), 2);
    let amelia = list(7).rows.iter().find(|r| r[0] == text("A001")).unwrap();
    assert_eq!(
        amelia[col(7, "Date of the Last Statutory Visit")],
        Cell::Date(d("2024-09-10"))
    );
    assert_eq!(amelia[col(7, "Was the Child Seen Alone?")], text("a) Yes"));
    assert_eq!(
        amelia[col(7, "Date of latest review conference")],
        Cell::Date(d("2024-08-28"))
    );
    assert_eq!(
        amelia[col(
            7,
            "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months (Y/N)"
        )],
        text("a) Yes")
    );
    assert_eq!(
        amelia[col(7, "Number of Previous Child Protection Plans")],
        Cell::Number(0)
    );
    let ben = list(7).rows.iter().find(|r| r[0] == text("B002")).unwrap();
    assert_eq!(
        ben[col(7, "Number of Previous Child Protection Plans")],
        Cell::Number(1)
    );
    assert_eq!(ben[col(7, "Initial Category of Abuse")], Cell::Blank);
}

#[test]
fn xlsx_reads_back() {
    let annex = annex_a::build(&records(), d("2024-04-01"), d("2024-09-30")).unwrap();
    let bytes = annex_a::xlsx_bytes(&annex).unwrap();
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    assert_eq!(
        wb.sheet_names(),
        [
            "List 1", "List 2", "List 3", "List 4", "List 5", "List 6", "List 7"
        ]
    );
    for list in &annex.lists {
        let range = wb.worksheet_range(&list.sheet_name()).unwrap();
        assert_eq!(range.start(), Some((0, 0)), "{}", list.sheet_name());
        let header: Vec<String> = range
            .rows()
            .next()
            .unwrap()
            .iter()
            .map(|c| c.to_string())
            .collect();
        let want: Vec<&str> = list.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(header, want, "{} header", list.sheet_name());
        assert_eq!(
            range.height(),
            list.rows.len() + 1,
            "{} rows",
            list.sheet_name()
        );
        for (r, row) in list.rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let got = range.get((r + 1, c)).unwrap_or(&Data::Empty);
                match (cell, got) {
                    (Cell::Blank, Data::Empty) => {}
                    (Cell::Text(s), Data::String(g)) => assert_eq!(s, g),
                    (Cell::Number(n), Data::Float(g)) => assert_eq!(*n as f64, *g),
                    (Cell::Date(dt), Data::DateTime(g)) => {
                        let serial = dt.since(d("1899-12-30")).unwrap().get_days();
                        assert_eq!(g.as_f64(), f64::from(serial));
                    }
                    (want, got) => panic!(
                        "{} row {} column {}: {want:?} written, {got:?} read",
                        list.sheet_name(),
                        r + 1,
                        list.columns[c].name
                    ),
                }
            }
        }
        // Dates are typed as dates by the catalogue.
        for (c, spec) in list.columns.iter().enumerate() {
            if spec.kind == ColumnType::Date {
                assert!(
                    list.rows
                        .iter()
                        .all(|r| matches!(r[c], Cell::Date(_) | Cell::Blank))
                );
            }
        }
    }
    // A first cell, spelled out.
    let list1 = wb.worksheet_range("List 1").unwrap();
    assert_eq!(list1.get((1, 0)), Some(&Data::String("B002".into())));
    assert_eq!(
        list1.get((1, 6)),
        Some(&Data::String("t) 9: Anonymous".into()))
    );
}
