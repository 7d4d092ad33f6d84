//! The casework worklist and caseloads over HTTP, on a random port, against SQLite and PostgreSQL. A world of
//! casework is put in the store (children in two LAs; a section 47 enquiry whose ICPC, due across Easter 2025,
//! has not been held; a child protection plan with its first core group and first review conference
//! scheduled; open and done actions; a child in need plan whose last visit was long ago; an allocation with no
//! supervision; a restricted child; a closed case), then we check what workers and a manager see: each clock
//! with its due date and status (worked out by hand in the comments), nothing for held meetings, ended plans,
//! closed cases or done actions, nothing of another LA or of the restricted child, the "mine", "team" and "la"
//! scopes, and the caseload counts.
//!
//! Today is Wednesday 23 April 2025. Good Friday (18 April) and Easter Monday (21 April) are bank holidays, as
//! are 5 and 26 May; 25 and 26 December 2024 and 1 January 2025.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use domain::audit::Actor;
use domain::calendar::Calendar;
use domain::clocks;
use domain::codes::*;
use domain::datetime::{Date, Timestamp};
use domain::ids::*;
use domain::records::*;
use reqwest::StatusCode;
use serde_json::Value;
use service::{Clock, Services};
use store::Store;
use store_tests::fixture;
use support::{TestApp, TestDb, la};

fn d(s: &str) -> Date {
    s.parse().unwrap()
}

fn at() -> Timestamp {
    "2025-01-02T09:00:00Z".parse().unwrap()
}

/// Records about one child, built up.
struct Case {
    child: Person,
    referral: Referral,
}

impl Case {
    fn new(first: &str, code: &str, referred: &str) -> Case {
        let mut child = fixture::new_child(first, "Caseworktest", "2014-05-01");
        child.la = la(code);
        let referral = Referral {
            id: ReferralId::new(),
            la: la(code),
            child_id: child.id,
            contact_id: None,
            referral_date: d(referred),
            source: ReferralSource::Police,
            primary_need: Some(PrimaryNeed::AbuseOrNeglect),
            nfa: false,
            closure: None,
            created_at: at(),
        };
        Case { child, referral }
    }

    fn id(&self) -> PersonId {
        self.child.id
    }

    fn assessment(&self, due: &str, authorised: Option<&str>) -> Assessment {
        Assessment {
            id: AssessmentId::new(),
            la: self.child.la.clone(),
            child_id: self.id(),
            referral_id: self.referral.id,
            start_date: self.referral.referral_date,
            due_on: d(due),
            child_seen: true,
            child_seen_alone: true,
            wishes_and_feelings: "Wants things to be calm at home".into(),
            identity_and_culture: None,
            sources_of_information: None,
            history_considered: None,
            risk_factors: None,
            protective_factors: None,
            safety_goals: None,
            scaling: None,
            factors: Vec::new(),
            outcome: None,
            authorised_by: None,
            authorised_on: authorised.map(d),
            created_at: at(),
        }
    }

    fn strategy(&self, held_at: &str, agencies: &[Agency]) -> StrategyDiscussion {
        StrategyDiscussion {
            id: StrategyDiscussionId::new(),
            la: self.child.la.clone(),
            child_id: self.id(),
            referral_id: Some(self.referral.id),
            contact_id: None,
            held_at: held_at.parse().unwrap(),
            out_of_hours: false,
            participants: agencies
                .iter()
                .map(|a| Participant {
                    name: format!("{} participant", a.label()),
                    agency: *a,
                    role: "Practitioner".into(),
                })
                .collect(),
            absent_agencies: Vec::new(),
            information_shared: "Shared".into(),
            decision: StrategyDecision::Section47,
            alternative: None,
            review_of: None,
            recorded_by: None,
            created_at: at(),
            progress: Vec::new(),
        }
    }

    fn plan(&self, kind: PlanKind, start: &str) -> Plan {
        Plan {
            id: PlanId::new(),
            la: self.child.la.clone(),
            child_id: self.id(),
            referral_id: self.referral.id,
            kind,
            start_date: d(start),
            end_date: None,
            end_reason: None,
            needs: "Safety at home".into(),
            desired_outcomes: "Safe and well".into(),
            initial_category: (kind == PlanKind::ChildProtection).then_some(AbuseCategory::Neglect),
            latest_category: (kind == PlanKind::ChildProtection).then_some(AbuseCategory::Neglect),
            next_review_on: None,
            previous_cp_plans: None,
            created_at: at(),
        }
    }

    fn action(&self, parent: ActionParent, what: &str, due: &str, done: bool) -> Action {
        Action {
            id: ActionId::new(),
            la: self.child.la.clone(),
            child_id: Some(self.id()),
            parent,
            description: what.into(),
            owner: "Health visitor".into(),
            owner_user_id: None,
            due_on: d(due),
            status: if done {
                ActionStatus::Done
            } else {
                ActionStatus::Open
            },
            completed_on: done.then(|| d("2025-04-01")),
            created_at: at(),
        }
    }

    fn visit(&self, plan: Option<PlanId>, on: &str) -> Visit {
        Visit {
            id: VisitId::new(),
            la: self.child.la.clone(),
            child_id: self.id(),
            plan_id: plan,
            kind: VisitKind::ChildProtection,
            visited_on: d(on),
            worker_id: None,
            child_seen: true,
            seen_alone: true,
            bedroom_seen: false,
            wishes_and_feelings: None,
            observations: None,
            created_at: at(),
        }
    }

    fn allocation(&self, worker: &User, from: &str) -> Allocation {
        Allocation {
            id: AllocationId::new(),
            la: self.child.la.clone(),
            child_id: self.id(),
            worker_id: worker.id,
            team_id: worker.team_id,
            from: d(from),
            to: None,
        }
    }

    fn conference(&self, kind: ConferenceKind, due: &str, held: Option<&str>) -> Conference {
        Conference {
            id: ConferenceId::new(),
            la: self.child.la.clone(),
            child_id: self.id(),
            kind,
            section47_id: None,
            plan_id: None,
            due_on: d(due),
            held_on: held.map(d),
            outcome: None,
            category: None,
            chair_id: None,
            created_at: at(),
            attendance: Vec::new(),
            partner_reports: Vec::new(),
        }
    }

    fn core_group(&self, plan: PlanId, due: &str, held: Option<&str>) -> CoreGroup {
        CoreGroup {
            id: CoreGroupId::new(),
            la: self.child.la.clone(),
            child_id: self.id(),
            plan_id: plan,
            due_on: d(due),
            held_on: held.map(d),
            attendees: None,
            notes: None,
            attendance: Vec::new(),
            partner_reports: Vec::new(),
        }
    }

    fn section47(&self, sd: &StrategyDiscussion, icpc_due: &str) -> Section47 {
        Section47 {
            id: Section47Id::new(),
            la: self.child.la.clone(),
            child_id: self.id(),
            referral_id: self.referral.id,
            strategy_discussion_id: sd.id,
            start_date: domain::datetime::london_date(sd.held_at),
            icpc_due_on: d(icpc_due),
            outcome_date: None,
            outcome: None,
            icpc_required: None,
            created_at: at(),
            findings: None,
            child_seen: None,
            child_seen_alone: None,
            seen_on: None,
            not_seen_reason: None,
            analysis: None,
        }
    }
}

fn user(name: &str, role: Role, team: Option<TeamId>, code: &str) -> User {
    let mut u = fixture::user(name, role, team);
    u.las = vec![la(code)];
    u.display_name = name.replace('-', " ");
    u
}

struct World {
    worker1: String,
    worker2: String,
    manager: String,
    worker205: String,
    ava: PersonId,
    ben: PersonId,
    cara: PersonId,
    dan: PersonId,
    eve: PersonId,
    finn: PersonId,
    gus: PersonId,
}

async fn world<S: Store>(services: &Services<S>) -> World {
    let system = Actor::system("test");
    services
        .ensure_local_authorities(&system, &[la("213"), la("205")])
        .await
        .unwrap();
    let cal = Calendar::england_and_wales();
    let team = Team {
        id: TeamId::new(),
        la: la("213"),
        name: "Westminster child in need team A".into(),
        kind: TeamKind::Safeguarding,
    };
    let worker1 = user("cw-worker-one", Role::SocialWorker, Some(team.id), "213");
    let worker2 = user("cw-worker-two", Role::SocialWorker, Some(team.id), "213");
    let manager = user("cw-manager", Role::TeamManager, Some(team.id), "213");
    let worker205 = user("cw-worker-205", Role::SocialWorker, None, "205");
    let mut set = RecordSet {
        teams: vec![team],
        users: vec![
            worker1.clone(),
            worker2.clone(),
            manager.clone(),
            worker205.clone(),
        ],
        ..RecordSet::default()
    };

    // Ava (worker 1): the strategy discussion on Thursday 20 March 2025 (police, health and education there)
    // started a section 47 enquiry; the ICPC is due 15 working days later, Thursday 10 April, and is
    // scheduled but not held. Her assessment is not yet authorised; one strategy action is open, one done.
    let ava = Case::new("Ava", "213", "2025-03-20");
    let sd = ava.strategy(
        "2025-03-20T10:00:00Z",
        &[Agency::Police, Agency::Health, Agency::Education],
    );
    assert_eq!(clocks::icpc_due(&cal, d("2025-03-20")), d("2025-04-10"));
    let s47 = ava.section47(&sd, "2025-04-10");
    let mut icpc = ava.conference(ConferenceKind::Initial, "2025-04-10", None);
    icpc.section47_id = Some(s47.id);
    // 45 working days from 20 March (Good Friday, Easter Monday and 5 and 26 May skipped): 28 May.
    assert_eq!(
        clocks::assessment_due(&cal, d("2025-03-20")),
        d("2025-05-28")
    );
    set.assessments.push(ava.assessment("2025-05-28", None));
    set.actions.push(ava.action(
        ActionParent::StrategyDiscussion(sd.id),
        "Police to check records",
        "2025-03-27",
        false,
    ));
    set.actions.push(ava.action(
        ActionParent::StrategyDiscussion(sd.id),
        "School to send attendance",
        "2025-03-24",
        true,
    ));
    set.allocations.push(ava.allocation(&worker1, "2025-03-20"));
    set.strategy_discussions.push(sd);
    set.section47s.push(s47);
    set.conferences.push(icpc);

    // Ben (worker 2): the ICPC was held on Thursday 3 April and made a child protection plan. The first core
    // group is due 10 working days later, Thursday 17 April (scheduled, not held); the first review conference
    // within 3 months, by Thursday 3 July (scheduled). Visited on 10 April: the next CP visit is due 10
    // working days later, Monday 28 April (Easter in between). Supervised on Monday 14 April: next due 20
    // working days later, Thursday 15 May. His strategy discussion was held with the police alone.
    let ben = Case::new("Ben", "213", "2025-01-06");
    let sd = ben.strategy(
        "2025-03-13T10:00:00Z",
        &[Agency::Police, Agency::SocialCare],
    );
    let mut s47 = ben.section47(&sd, "2025-04-03");
    s47.outcome = Some(Section47Outcome::SubstantiatedAtRisk);
    s47.icpc_required = Some(true);
    let cp = ben.plan(PlanKind::ChildProtection, "2025-04-03");
    let mut held_icpc = ben.conference(ConferenceKind::Initial, "2025-04-03", Some("2025-04-03"));
    held_icpc.section47_id = Some(s47.id);
    held_icpc.plan_id = Some(cp.id);
    assert_eq!(
        clocks::first_core_group_due(&cal, d("2025-04-03")),
        d("2025-04-17")
    );
    assert_eq!(
        clocks::first_review_conference_due(&cal, d("2025-04-03")),
        d("2025-07-03")
    );
    let mut review = ben.conference(ConferenceKind::Review, "2025-07-03", None);
    review.plan_id = Some(cp.id);
    set.core_groups
        .push(ben.core_group(cp.id, "2025-04-17", None));
    set.assessments
        .push(ben.assessment("2025-03-11", Some("2025-03-10")));
    set.actions.push(ben.action(
        ActionParent::Plan(cp.id),
        "Health visitor to check weight",
        "2025-04-30",
        false,
    ));
    set.actions.push(ben.action(
        ActionParent::Plan(cp.id),
        "Register with a GP",
        "2025-04-11",
        true,
    ));
    set.visits.push(ben.visit(Some(cp.id), "2025-04-10"));
    set.allocations.push(ben.allocation(&worker2, "2025-01-06"));
    set.supervisions.push(Supervision {
        id: SupervisionId::new(),
        la: la("213"),
        supervisor_id: manager.id,
        supervisee_id: worker2.id,
        held_on: d("2025-04-14"),
        reflection: "Reflected on the family's engagement".into(),
        cases: vec![SupervisionCase {
            child_id: ben.id(),
            discussion: "The plan".into(),
            direction: "Keep visiting weekly".into(),
        }],
        created_at: at(),
    });
    set.strategy_discussions.push(sd);
    set.section47s.push(s47);
    set.conferences.push(held_icpc);
    set.conferences.push(review);
    set.plans.push(cp);

    // Cara (worker 1, never supervised since her allocation on Monday 2 September 2024: supervision was due 20
    // working days later, Monday 30 September). A child in need plan since 1 October 2024, last visited on
    // Monday 2 December 2024: the next visit was due 20 working days later, Thursday 2 January 2025
    // (Christmas Day, Boxing Day and New Year's Day skipped). Her plan review was due on 1 April. An earlier
    // child protection plan ended, with a core group never held and an action left open: neither shows.
    let cara = Case::new("Cara", "213", "2024-09-02");
    let mut cin = cara.plan(PlanKind::ChildInNeed, "2024-10-01");
    cin.next_review_on = Some(d("2025-04-01"));
    let mut old_cp = cara.plan(PlanKind::ChildProtection, "2024-09-10");
    old_cp.end_date = Some(d("2024-10-01"));
    old_cp.end_reason = Some("Stepped down to child in need".into());
    assert_eq!(
        clocks::visit_due(&cal, d("2024-12-02"), 20),
        d("2025-01-02")
    );
    assert_eq!(
        clocks::supervision_due(&cal, d("2024-09-02"), 20),
        d("2024-09-30")
    );
    set.core_groups
        .push(cara.core_group(old_cp.id, "2024-09-24", None));
    set.actions.push(cara.action(
        ActionParent::Plan(old_cp.id),
        "Old plan action",
        "2024-09-30",
        false,
    ));
    set.visits.push(cara.visit(Some(cin.id), "2024-12-02"));
    set.visits.push(cara.visit(None, "2024-09-20"));
    set.assessments
        .push(cara.assessment("2024-11-04", Some("2024-09-27")));
    set.allocations
        .push(cara.allocation(&worker1, "2024-09-02"));
    // An old strategy discussion held with the police alone, before the 3 months the counts look at.
    set.strategy_discussions
        .push(cara.strategy("2024-12-02T10:00:00Z", &[Agency::Police]));
    set.plans.push(cin);
    set.plans.push(old_cp);

    // Dan (worker 1) is restricted to the manager: worker 1 does not see his clocks.
    let dan = Case::new("Dan", "213", "2025-04-01");
    set.allocations.push(dan.allocation(&worker1, "2025-04-01"));

    // Eve's case is closed: her review conference, open action and ended allocation show nothing.
    let mut eve = Case::new("Eve", "213", "2024-06-03");
    eve.referral.closure = Some(Closure {
        date: d("2025-02-28"),
        reason: ClosureReason::ServicesCeased,
    });
    let eve_plan = {
        let mut p = eve.plan(PlanKind::ChildInNeed, "2024-08-01");
        p.end_date = Some(d("2025-02-28"));
        p
    };
    set.conferences
        .push(eve.conference(ConferenceKind::Review, "2025-04-15", None));
    set.actions.push(eve.action(
        ActionParent::Plan(eve_plan.id),
        "Closed case action",
        "2025-03-01",
        false,
    ));
    let mut eve_alloc = eve.allocation(&worker1, "2024-06-03");
    eve_alloc.to = Some(d("2025-02-28"));
    set.allocations.push(eve_alloc);
    set.plans.push(eve_plan);

    // Finn is in LA 205, allocated to its worker.
    let finn = Case::new("Finn", "205", "2025-04-14");
    set.allocations
        .push(finn.allocation(&worker205, "2025-04-14"));

    // Gus: referred on Tuesday 22 April, not yet allocated or assessed: his assessment is due 45 working days
    // later, Thursday 26 June. A strategy discussion the same day had no partner agency.
    let gus = Case::new("Gus", "213", "2025-04-22");
    assert_eq!(
        clocks::assessment_due(&cal, d("2025-04-22")),
        d("2025-06-26")
    );
    let mut sd = gus.strategy("2025-04-22T10:00:00Z", &[Agency::SocialCare]);
    sd.decision = StrategyDecision::NoSection47;
    sd.alternative = Some("Child in need assessment".into());
    set.strategy_discussions.push(sd);

    let ids = World {
        worker1: worker1.username.clone(),
        worker2: worker2.username.clone(),
        manager: manager.username.clone(),
        worker205: worker205.username.clone(),
        ava: ava.id(),
        ben: ben.id(),
        cara: cara.id(),
        dan: dan.id(),
        eve: eve.id(),
        finn: finn.id(),
        gus: gus.id(),
    };
    for c in [ava, ben, cara, dan, eve, finn, gus] {
        set.people.push(c.child);
        set.referrals.push(c.referral);
    }
    services
        .store()
        .insert_records(&system, set, domain::datetime::now())
        .await
        .unwrap();
    services
        .store()
        .restrict_person(&system, ids.dan, Some(vec![manager.id]), services.now())
        .await
        .unwrap();
    let mut tokens = Vec::new();
    for name in [&ids.worker1, &ids.worker2, &ids.manager, &ids.worker205] {
        tokens.push(services.create_api_token(&system, name).await.unwrap());
    }
    World {
        worker1: tokens[0].clone(),
        worker2: tokens[1].clone(),
        manager: tokens[2].clone(),
        worker205: tokens[3].clone(),
        ..ids
    }
}

/// (child, kind, label, due date, overdue, working days) of each row, in order.
fn rows(body: &Value) -> Vec<(String, String, String, String, bool, u64)> {
    body.as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["child_id"].as_str().unwrap().to_owned(),
                r["kind"].as_str().unwrap().to_owned(),
                r["label"].as_str().unwrap().to_owned(),
                r["due_on"].as_str().unwrap().to_owned(),
                r["overdue"].as_bool().unwrap(),
                r["working_days"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn row(
    child: PersonId,
    kind: &str,
    label: &str,
    due: &str,
    overdue: bool,
    days: u64,
) -> (String, String, String, String, bool, u64) {
    (
        child.to_string(),
        kind.into(),
        label.into(),
        due.into(),
        overdue,
        days,
    )
}

fn children(body: &Value) -> std::collections::BTreeSet<String> {
    body.as_array()
        .unwrap()
        .iter()
        .map(|r| r["child_id"].as_str().unwrap().to_owned())
        .collect()
}

async fn story<S: Store>(db: TestDb<S>) -> String {
    // Wednesday 23 April 2025, 11:00 BST.
    let now: Timestamp = "2025-04-23T10:00:00Z".parse().unwrap();
    let app = TestApp::spawn(db, Clock::Fixed(now)).await;
    let store = app.store().clone();
    let w = world(&app.services).await;

    // Worker 1's own cases (the default scope): Ava and Cara, most overdue first.
    let (status, mine) = app
        .get(&w.worker1, "/api/v1/worklists/casework")
        .await
        .parts();
    assert_eq!(status, StatusCode::OK, "{mine}");
    assert_eq!(
        rows(&mine),
        [
            // Cara's supervision, due Monday 30 September 2024: overdue by the working days since: October
            // 23, November 21, December 20 (Christmas Day and Boxing Day are not), January 22 (New Year's Day
            // is not), February 20, March 21, April 15 (1–4, 7–11, 14–17, 22, 23): 142.
            row(
                w.cara,
                "supervision",
                "Supervision due",
                "2024-09-30",
                true,
                142
            ),
            // Cara's visit, due Thursday 2 January: January 21 more (3, 6–10, 13–17, 20–24, 27–31), then 20 +
            // 21 + 15: 77.
            row(
                w.cara,
                "visit",
                "Child in need visit due",
                "2025-01-02",
                true,
                77
            ),
            // Ava's strategy action, due Thursday 27 March: 28 and 31 March, 1–4, 7–11, 14–17, 22 and 23 April:
            // 2 + 4 + 5 + 4 + 2 = 17.
            row(
                w.ava,
                "action",
                "Strategy discussion action due: Police to check records (Health visitor)",
                "2025-03-27",
                true,
                17
            ),
            // Cara's plan review, due Tuesday 1 April: 2–4, 7–11, 14–17, 22, 23 April: 3 + 5 + 4 + 2 = 14.
            row(
                w.cara,
                "plan-review",
                "CIN plan review due",
                "2025-04-01",
                true,
                14
            ),
            // Ava's ICPC, due Thursday 10 April: 11, 14–17, 22, 23 April: 7 (not Good Friday or Easter Monday).
            row(
                w.ava,
                "icpc",
                "Initial child protection conference due",
                "2025-04-10",
                true,
                7
            ),
            // Ava's supervision, due 20 working days after her allocation on 20 March: 21, 24–28, 31 March,
            // 1–4, 7–11, 14–17 April = 1 + 5 + 1 + 4 + 5 + 4 = 20: Thursday 17 April; overdue by 22 and 23: 2.
            row(
                w.ava,
                "supervision",
                "Supervision due",
                "2025-04-17",
                true,
                2
            ),
            // Ava's assessment, due Wednesday 28 May: 24, 25, 28–30 April (5), 1, 2, 6–9 (6), 12–16 (5), 19–23
            // (5), 27, 28 May (2): due in 23 working days.
            row(
                w.ava,
                "assessment",
                "Assessment due",
                "2025-05-28",
                false,
                23
            ),
        ]
    );
    let first = &mine[0];
    assert_eq!(first["child_name"], "Cara Caseworktest");
    assert_eq!(first["la"], "213");
    assert_eq!(first["worker"], "cw worker one");
    assert_eq!(first["status"], "Overdue by 142 working days");
    assert_eq!(first["link"], format!("/supervision/new?child={}", w.cara));
    assert_eq!(mine[4]["link"], format!("/children/{}/protection", w.ava));
    assert_eq!(mine[6]["link"], format!("/children/{}/plans", w.ava));
    assert_eq!(mine[6]["status"], "Due in 23 working days");

    // Filters: one kind; overdue only.
    let (_, icpc) = app
        .get(
            &w.worker1,
            "/api/v1/worklists/casework?scope=mine&kind=icpc",
        )
        .await
        .parts();
    assert_eq!(rows(&icpc), [rows(&mine)[4].clone()]);
    let (_, overdue) = app
        .get(&w.worker1, "/api/v1/worklists/casework?overdue=true")
        .await
        .parts();
    assert_eq!(rows(&overdue), rows(&mine)[..6].to_vec());
    let (status, bad) = app
        .get(&w.worker1, "/api/v1/worklists/casework?kind=lunch")
        .await
        .parts();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad["errors"][0]["field"], "kind");
    let (status, bad) = app
        .get(&w.worker1, "/api/v1/worklists/casework?scope=county")
        .await
        .parts();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad["errors"][0]["field"], "scope");

    // Worker 2's own: Ben. The ICPC was held (no clock); the first core group, Thursday 17 April, is overdue by
    // 2 (22, 23 April); the CP visit is due Monday 28 April, in 3 (24, 25, 28); the plan action on 30 April in
    // 5; supervision on Thursday 15 May in 15 (24, 25, 28–30 April, 1, 2, 6–9, 12–15 May); the review
    // conference on Thursday 3 July in 49 (5 in April, 20 in May, 21 in June, 3 in July). The done action
    // shows nothing.
    let (_, bens) = app
        .get(&w.worker2, "/api/v1/worklists/casework")
        .await
        .parts();
    assert_eq!(
        rows(&bens),
        [
            row(
                w.ben,
                "core-group",
                "First core group due",
                "2025-04-17",
                true,
                2
            ),
            row(
                w.ben,
                "visit",
                "Child protection visit due",
                "2025-04-28",
                false,
                3
            ),
            row(
                w.ben,
                "action",
                "Plan action due: Health visitor to check weight (Health visitor)",
                "2025-04-30",
                false,
                5
            ),
            row(
                w.ben,
                "supervision",
                "Supervision due",
                "2025-05-15",
                false,
                15
            ),
            row(
                w.ben,
                "review-conference",
                "Review conference due",
                "2025-07-03",
                false,
                49
            ),
        ]
    );

    // The team: Ava, Ben and Cara (not Dan, restricted; not Eve, closed; not Gus, unallocated; not Finn).
    let (_, team) = app
        .get(&w.worker1, "/api/v1/worklists/casework?scope=team")
        .await
        .parts();
    let ids = |xs: &[PersonId]| {
        xs.iter()
            .map(|x| x.to_string())
            .collect::<std::collections::BTreeSet<_>>()
    };
    assert_eq!(children(&team), ids(&[w.ava, w.ben, w.cara]));
    assert_eq!(team.as_array().unwrap().len(), 12);

    // All cases in the LA: Gus too (his assessment is due 45 working days after his referral: Thursday 26
    // June, in 44); still not Dan, Eve or Finn.
    let (_, all) = app
        .get(&w.worker1, "/api/v1/worklists/casework?scope=la")
        .await
        .parts();
    assert_eq!(children(&all), ids(&[w.ava, w.ben, w.cara, w.gus]));
    let gus: Vec<_> = rows(&all)
        .into_iter()
        .filter(|r| r.0 == w.gus.to_string())
        .collect();
    assert_eq!(
        gus,
        [row(
            w.gus,
            "assessment",
            "Assessment due",
            "2025-06-26",
            false,
            44
        )]
    );
    assert!(
        all.as_array()
            .unwrap()
            .iter()
            .any(|r| r["child_id"] == w.gus.to_string() && r["worker"].is_null())
    );
    // The manager is named on Dan's record: Dan's assessment clock (no assessment yet) shows for them.
    let (_, managers) = app
        .get(&w.manager, "/api/v1/worklists/casework?scope=la")
        .await
        .parts();
    assert!(children(&managers).contains(&w.dan.to_string()));
    // Another LA's worker sees Finn only; 213's never see Finn, nor Eve (closed).
    let (_, theirs) = app
        .get(&w.worker205, "/api/v1/worklists/casework?scope=la")
        .await
        .parts();
    assert_eq!(children(&theirs), ids(&[w.finn]));
    for list in [&mine, &team, &all, &managers] {
        assert!(!children(list).contains(&w.finn.to_string()));
        assert!(!children(list).contains(&w.eve.to_string()));
    }
    // Asking for an LA the worker does not work for gives nothing.
    let (_, none) = app
        .get(&w.worker1, "/api/v1/worklists/casework?scope=la&la=205")
        .await
        .parts();
    assert_eq!(none.as_array().unwrap().len(), 0);

    // The page: the same clocks as tags.
    let (status, html) = app.page(&w.worker1, "/casework").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("govuk-tag govuk-tag--red\">Overdue by 7 working days"));
    assert!(html.contains("govuk-tag govuk-tag--blue\">Due in 23 working days"));
    assert!(html.contains("Initial child protection conference due"));
    assert!(html.contains("10 April 2025"));
    assert!(!html.contains("Ben Caseworktest"));
    let (_, html) = app
        .page(&w.worker1, "/casework?scope=team&kind=core-group")
        .await;
    assert!(html.contains("Ben Caseworktest") && html.contains("First core group due"));
    assert!(!html.contains("Cara Caseworktest"));

    // Caseloads: worker 1 has Ava (no plan), Cara (child in need plan) and Dan (no plan); worker 2 has Ben
    // (child protection plan). In the 3 months since 23 January: 3 strategy discussions, Ben's with the police
    // alone and Gus's with no partner agency (Cara's in December is too old). Overdue open actions of open
    // cases: Ava's. Visits overdue: Cara's.
    let (status, caseloads) = app.get(&w.manager, "/api/v1/caseloads").await.parts();
    assert_eq!(status, StatusCode::OK, "{caseloads}");
    assert_eq!(caseloads["la"], "213");
    assert_eq!(caseloads["since"], "2025-01-23");
    let teams = caseloads["teams"].as_array().unwrap();
    assert_eq!(teams.len(), 1);
    assert_eq!(teams[0]["team"], "Westminster child in need team A");
    let workers: Vec<(String, u64, u64, u64, u64)> = teams[0]["workers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["worker"].as_str().unwrap().to_owned(),
                w["children"].as_u64().unwrap(),
                w["child_protection"].as_u64().unwrap(),
                w["child_in_need"].as_u64().unwrap(),
                w["other"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        workers,
        [
            ("cw worker one".to_owned(), 3, 0, 1, 2),
            ("cw worker two".to_owned(), 1, 1, 0, 0)
        ]
    );
    let practice: Vec<(String, u64)> = caseloads["practice"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["id"].as_str().unwrap().to_owned(),
                p["value"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        practice,
        [
            ("strategy-discussions".to_owned(), 3),
            ("strategy-police-alone".to_owned(), 1),
            ("strategy-no-partner".to_owned(), 1),
            ("overdue-actions".to_owned(), 1),
            ("overdue-visits".to_owned(), 1),
        ]
    );
    let (status, html) = app.page(&w.manager, "/caseloads").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Strategy discussions held with the police alone"));
    assert!(html.contains("cw worker one"));
    // Another LA's caseloads are hidden; a worker without the performance grant is refused.
    let (status, _) = app
        .get(&w.manager, "/api/v1/caseloads?la=205")
        .await
        .parts();
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app.get(&w.worker1, "/api/v1/caseloads").await.parts();
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Every listing is in the audit trail, as a search.
    let entries = store
        .audit_entries(store::AuditFilter {
            limit: Some(100_000),
            ..store::AuditFilter::default()
        })
        .await
        .unwrap();
    let listings = entries
        .iter()
        .filter(|e| e.event.action == AuditAction::Search && e.actor_label == "cw-worker-one")
        .count();
    assert!(listings >= 8, "{listings} listings audited");

    format!(
        "casework worklist ({}): worker 1 {} clocks, team {}, LA {}; caseloads checked",
        store.backend_name(),
        mine.as_array().unwrap().len(),
        team.as_array().unwrap().len(),
        all.as_array().unwrap().len()
    )
}

/// "All cases" across more cases than a page holds (issue 16): the order is every case's earliest due date,
/// decided in the database, so the most overdue case is on the first page however late it was recorded; the
/// pages follow on without overlap, with their count and links; a case changed a moment ago is in its place at
/// once.
async fn paging_story<S: Store>(db: TestDb<S>) -> String {
    let now: Timestamp = "2025-04-23T10:00:00Z".parse().unwrap();
    let app = TestApp::spawn(db, Clock::Fixed(now)).await;
    let system = Actor::system("test");
    app.ensure_las(&["213"]).await;
    let worker = app
        .with_user("cw-pager", Role::SocialWorker, &["213"])
        .await;
    // 250 children referred on the days from 1 January 2025 (an assessment is due 45 working days after
    // referral), recorded latest referral first; then one referred in 2024, recorded last: the most overdue.
    let mut days = vec![d("2025-01-01")];
    while days.len() < 250 {
        let next = days.last().unwrap().tomorrow().unwrap();
        days.push(next);
    }
    let mut set = RecordSet::default();
    for (i, referred) in days.iter().enumerate().rev() {
        let case = Case::new(&format!("Pager{i:03}"), "213", &referred.to_string());
        set.people.push(case.child);
        set.referrals.push(case.referral);
    }
    app.store().insert_records(&system, set, now).await.unwrap();
    let oldest = Case::new("Pagerold", "213", "2024-10-01");
    let oldest_id = oldest.id();
    app.store()
        .insert_records(
            &system,
            RecordSet {
                people: vec![oldest.child],
                referrals: vec![oldest.referral],
                ..RecordSet::default()
            },
            now,
        )
        .await
        .unwrap();

    let page = |n: u32| {
        let (app, worker) = (&app, &worker);
        async move {
            app.get(
                worker,
                &format!("/api/v1/worklists/casework?scope=la&kind=assessment&page={n}"),
            )
            .await
        }
    };
    let one = page(1).await;
    assert_eq!(one.status, StatusCode::OK, "{}", one.body);
    assert_eq!(one.headers["x-total-count"], "251");
    let link = one.headers["link"].to_str().unwrap();
    assert_eq!(
        link,
        "</api/v1/worklists/casework?scope=la&kind=assessment&page=2>; rel=\"next\""
    );
    let one_rows = rows(&one.body);
    assert_eq!(one_rows.len(), 200, "a page is 200 cases");
    assert_eq!(
        one_rows[0].0,
        oldest_id.to_string(),
        "the most overdue first"
    );
    let two = page(2).await;
    let two_rows = rows(&two.body);
    assert_eq!(two_rows.len(), 51);
    assert!(
        two.headers["link"]
            .to_str()
            .unwrap()
            .contains("page=1>; rel=\"prev\"")
    );
    assert!(!two.headers["link"].to_str().unwrap().contains("next"));
    let last_of_one = one_rows.iter().map(|r| r.3.clone()).max().unwrap();
    let first_of_two = two_rows.iter().map(|r| r.3.clone()).min().unwrap();
    assert!(
        last_of_one <= first_of_two,
        "{last_of_one} then {first_of_two}"
    );
    let on_one = children(&one.body);
    assert!(children(&two.body).iter().all(|c| !on_one.contains(c)));
    // Page 3 is empty; page 0 and words are refused, naming the field.
    assert_eq!(rows(&page(3).await.body).len(), 0);
    let bad = app
        .get(&worker, "/api/v1/worklists/casework?scope=la&page=zero")
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(support::fields(&bad.body), ["page"]);

    // The case with the latest due date is given an assessment due long ago: at once it heads the first page.
    let latest = two_rows.last().unwrap().0.clone();
    let latest_id: PersonId = latest.parse().unwrap();
    let file = app.store().case_file(latest_id).await.unwrap().unwrap();
    let case = Case {
        child: file.people[0].clone(),
        referral: file.referrals[0].clone(),
    };
    let assessment = case.assessment("2024-09-20", None);
    app.store()
        .insert_records(
            &system,
            RecordSet {
                assessments: vec![assessment],
                ..RecordSet::default()
            },
            now,
        )
        .await
        .unwrap();
    let again = rows(&page(1).await.body);
    assert_eq!(again[0].0, latest, "{:?}", &again[..3]);
    assert_eq!(again[0].3, "2024-09-20");

    // The page: its count, where it is, and a link to the next.
    let (status, html) = app
        .page(&worker, "/casework?scope=la&kind=assessment")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("251 cases, most overdue first: page 1 of 2"),
        "{html}"
    );
    let nav = html
        .split("aria-label=\"Pages of cases\"")
        .nth(1)
        .and_then(|n| n.split("</nav>").next())
        .unwrap_or_default();
    assert!(nav.contains("page=2\" rel=\"next\""), "{nav}");
    assert!(!nav.contains("rel=\"prev\""), "{nav}");
    format!(
        "casework paging ({}): 251 cases, pages of {} and {}",
        app.store().backend_name(),
        one_rows.len(),
        two_rows.len()
    )
}

#[tokio::test]
async fn casework_paging_on_sqlite() {
    let text = paging_story(TestDb::sqlite().await).await;
    support::report("casework-paging-sqlite", &text);
}

#[tokio::test]
async fn casework_paging_on_postgres() {
    if let Some(db) = TestDb::postgres("casework_paging_on_postgres").await {
        let text = paging_story(db).await;
        support::report("casework-paging-postgres", &text);
    }
}

#[tokio::test]
async fn casework_worklist_on_sqlite() {
    let text = story(TestDb::sqlite().await).await;
    support::report("casework-worklist-sqlite", &text);
}

#[tokio::test]
async fn casework_worklist_on_postgres() {
    if let Some(db) = TestDb::postgres("casework_worklist_on_postgres").await {
        let text = story(db).await;
        support::report("casework-worklist-postgres", &text);
    }
}
