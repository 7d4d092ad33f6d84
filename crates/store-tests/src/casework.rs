//! The casework worklist's and the caseloads' reads ([`Store::casework_worklist`], [`Store::caseloads`]) on
//! every back end: which children are in scope (an open referral, visible to the user, in the LAs, allocated as
//! asked, at most the limit), which of their records come back (open work only, plus what tells held meetings
//! apart), and that the listings are audited.

use domain::audit::Actor;
use domain::codes::{AuditAction, RecordKind, ReferralSource};
use domain::identifiers::LaCode;
use domain::ids::{AllocationId, ReferralId, TeamId, UserId};
use domain::records::{Allocation, Closure, Person, RecordSet, Referral};
use store::{AuditFilter, CaseworkQuery, Store};

use crate::fixture;

fn d(s: &str) -> domain::datetime::Date {
    s.parse().unwrap()
}

fn referral(child: &Person, closed: bool) -> Referral {
    Referral {
        id: ReferralId::new(),
        la: child.la.clone(),
        child_id: child.id,
        contact_id: None,
        referral_date: d("2024-11-04"),
        source: ReferralSource::Schools,
        primary_need: None,
        nfa: false,
        closure: closed.then(|| Closure {
            date: d("2024-12-20"),
            reason: domain::codes::ClosureReason::ServicesCeased,
        }),
        created_at: "2024-11-04T10:00:00Z".parse().unwrap(),
    }
}

fn ids<T>(rows: &[T], id: impl Fn(&T) -> uuid::Uuid) -> Vec<uuid::Uuid> {
    let mut v: Vec<_> = rows.iter().map(id).collect();
    v.sort();
    v
}

/// Run the casework reads against `store`, which must be empty.
pub async fn casework_reads<S: Store>(store: &S) {
    let admin = Actor::system("test");
    for (code, name) in [("213", "Westminster"), ("205", "Hammersmith and Fulham")] {
        store
            .save_local_authority(
                &admin,
                &fixture::local_authority(code, name),
                domain::datetime::now(),
            )
            .await
            .unwrap();
    }
    // Yusuf's journey, with his case open again: the referral, the child protection plan (its core group not
    // yet held) and his allocation. His child in need plan stays ended; the review conference stays held.
    let (mut set, yusuf) = fixture::journey();
    set.referrals[0].closure = None;
    let cp = set.plans[0].id;
    set.plans[0].end_date = None;
    set.plans[0].end_reason = None;
    set.allocations[0].to = None;
    set.core_groups[0].held_on = None;
    let worker = set.users[0].clone();
    let team = set.teams[0].id;
    // Others: Zara (open, unallocated), Omar (closed), Rhea (restricted, open), Finn (LA 205, open).
    let mut others = Vec::new();
    for (name, code, closed) in [
        ("Zara", "213", false),
        ("Omar", "213", true),
        ("Rhea", "213", false),
        ("Finn", "205", false),
    ] {
        let mut p = fixture::new_child(name, "Caseworkstore", "2015-01-01");
        p.la = LaCode::parse(code).unwrap();
        set.referrals.push(referral(&p, closed));
        others.push(p.id);
        set.people.push(p);
    }
    let (zara, omar, rhea, finn) = (others[0], others[1], others[2], others[3]);
    // Omar's allocation is open though his case is closed: he is still not on the worklist.
    set.allocations.push(Allocation {
        id: AllocationId::new(),
        la: fixture::la(),
        child_id: omar,
        worker_id: worker.id,
        team_id: Some(team),
        from: d("2024-11-04"),
        to: None,
    });
    store
        .insert_records(&admin, set.clone(), domain::datetime::now())
        .await
        .unwrap();
    let named = set.users[1].id;
    store
        .restrict_person(
            &admin,
            rhea,
            Some(vec![named]),
            "2025-01-01T00:00:00Z".parse().unwrap(),
        )
        .await
        .unwrap();
    let la213 = vec![fixture::la()];
    let query =
        |user: Option<UserId>, worker: Option<UserId>, team: Option<TeamId>, limit| CaseworkQuery {
            las: la213.clone(),
            user_id: user,
            allocated_to: worker,
            team,
            limit,
        };
    let people = |s: &RecordSet| ids(&s.people, |p| p.id.uuid());
    let sorted = |mut v: Vec<uuid::Uuid>| {
        v.sort();
        v
    };

    // The LA: Yusuf and Zara; not Omar (closed), Rhea (restricted), Finn (another LA).
    let all = store
        .casework_worklist(
            &admin,
            query(None, None, None, 100),
            domain::datetime::now(),
        )
        .await
        .unwrap();
    assert_eq!(people(&all), sorted(vec![yusuf.uuid(), zara.uuid()]));
    assert_eq!(all.referrals.len(), 2);
    assert!(all.referrals.iter().all(|r| r.closure.is_none()));
    // Yusuf's open work: his section 47 enquiry and assessment (of the open referral), the initial conference
    // (held: it tells the enquiry's conference apart) but not the held review, the open plan and its core
    // group, the open actions (not the done plan action), his latest visit, the open allocation with its
    // worker and team, and his latest supervision with its cases.
    assert_eq!(all.section47s.len(), 1);
    assert_eq!(all.assessments.len(), 1);
    assert_eq!(all.conferences.len(), 1);
    assert_eq!(
        all.conferences[0].kind,
        domain::codes::ConferenceKind::Initial
    );
    assert_eq!(ids(&all.plans, |p| p.id.uuid()), vec![cp.uuid()]);
    assert_eq!(all.core_groups.len(), 1);
    assert_eq!(all.core_groups[0].held_on, None);
    assert_eq!(all.actions.len(), 3);
    assert!(
        all.actions
            .iter()
            .all(|a| a.status == domain::codes::ActionStatus::Open)
    );
    assert_eq!(all.visits.len(), 1);
    assert_eq!(all.allocations.len(), 1);
    assert_eq!(all.allocations[0].child_id, yusuf);
    assert_eq!(ids(&all.users, |u| u.id.uuid()), vec![worker.id.uuid()]);
    assert_eq!(ids(&all.teams, |t| t.id.uuid()), vec![team.uuid()]);
    assert_eq!(all.supervisions.len(), 1);
    assert_eq!(all.supervisions[0].cases.len(), 1);
    assert_eq!(all.supervisions[0].cases[0].child_id, yusuf);

    // The restricted child for the user named on her record.
    let named_sees = store
        .casework_worklist(
            &admin,
            query(Some(named), None, None, 100),
            domain::datetime::now(),
        )
        .await
        .unwrap();
    assert_eq!(
        people(&named_sees),
        sorted(vec![yusuf.uuid(), zara.uuid(), rhea.uuid()])
    );
    // Allocated to the worker, or to the team: Yusuf (Omar's case is closed). To someone else: nobody.
    for q in [
        query(None, Some(worker.id), None, 100),
        query(None, None, Some(team), 100),
        query(None, Some(worker.id), Some(team), 100),
    ] {
        let mine = store
            .casework_worklist(&admin, q, domain::datetime::now())
            .await
            .unwrap();
        assert_eq!(people(&mine), vec![yusuf.uuid()]);
    }
    let nobody = store
        .casework_worklist(
            &admin,
            query(None, Some(UserId::new()), None, 100),
            domain::datetime::now(),
        )
        .await
        .unwrap();
    assert!(nobody.is_empty());
    // The limit, and no LAs at all.
    let one = store
        .casework_worklist(&admin, query(None, None, None, 1), domain::datetime::now())
        .await
        .unwrap();
    assert_eq!(one.people.len(), 1);
    let none = store
        .casework_worklist(&admin, CaseworkQuery::default(), domain::datetime::now())
        .await
        .unwrap();
    assert!(none.is_empty());
    // LA 205: Finn.
    let theirs = store
        .casework_worklist(
            &admin,
            CaseworkQuery {
                las: vec![LaCode::parse("205").unwrap()],
                limit: 100,
                ..CaseworkQuery::default()
            },
            domain::datetime::now(),
        )
        .await
        .unwrap();
    assert_eq!(people(&theirs), vec![finn.uuid()]);

    // Caseloads of 213: the open allocations (Yusuf's and Omar's), the open plan, the team; since 1 January
    // 2024 the strategy discussion with its participants; the open actions overdue on 15 January 2025 of open
    // cases (Yusuf's three); Yusuf's latest visit.
    let loads = store
        .caseloads(
            &admin,
            la213.clone(),
            d("2024-01-01"),
            d("2025-01-15"),
            domain::datetime::now(),
        )
        .await
        .unwrap();
    assert_eq!(loads.allocations.len(), 2);
    assert_eq!(ids(&loads.plans, |p| p.id.uuid()), vec![cp.uuid()]);
    assert!(loads.teams.iter().any(|t| t.id == team));
    assert_eq!(ids(&loads.users, |u| u.id.uuid()), vec![worker.id.uuid()]);
    assert_eq!(loads.strategy_discussions.len(), 1);
    assert_eq!(loads.strategy_discussions[0].participants.len(), 3);
    assert_eq!(loads.strategy_discussions[0].absent_agencies.len(), 1);
    assert_eq!(loads.actions.len(), 3);
    assert_eq!(loads.visits.len(), 1);
    // Later than the discussion, or before the actions fall due: none.
    let later = store
        .caseloads(
            &admin,
            la213.clone(),
            d("2024-06-01"),
            d("2024-03-01"),
            domain::datetime::now(),
        )
        .await
        .unwrap();
    assert!(later.strategy_discussions.is_empty());
    assert!(later.actions.is_empty());

    // Every listing is audited: one search per worklist, one view per LA's caseloads.
    let entries = store
        .audit_entries(AuditFilter {
            limit: Some(100_000),
            ..AuditFilter::default()
        })
        .await
        .unwrap();
    let searches = entries
        .iter()
        .filter(|e| {
            e.event.action == AuditAction::Search && e.event.record_kind == RecordKind::Plan
        })
        .count();
    assert_eq!(searches, 9);
    let views = entries
        .iter()
        .filter(|e| {
            e.event.action == AuditAction::View && e.event.record_kind == RecordKind::Allocation
        })
        .count();
    assert_eq!(views, 2);
}
