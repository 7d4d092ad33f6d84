//! The casework worklist's and the caseloads' reads ([`Store::casework_worklist`], [`Store::caseloads`]) on
//! every back end: which children are in scope (an open referral, visible to the user, in the LAs, allocated as
//! asked, at most the limit), which of their records come back (open work only, plus what tells held meetings
//! apart), and that the listings are audited.

use domain::audit::Actor;
use domain::codes::{AuditAction, RecordKind, ReferralSource};
use domain::identifiers::LaCode;
use domain::ids::{AllocationId, PersonId, ReferralId, TeamId, UserId};
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
            by_due: None,
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
        .unwrap()
        .set;
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
        .unwrap()
        .set;
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
            .unwrap()
            .set;
        assert_eq!(people(&mine), vec![yusuf.uuid()]);
    }
    let nobody = store
        .casework_worklist(
            &admin,
            query(None, Some(UserId::new()), None, 100),
            domain::datetime::now(),
        )
        .await
        .unwrap()
        .set;
    assert!(nobody.is_empty());
    // The limit, and no LAs at all.
    let one = store
        .casework_worklist(&admin, query(None, None, None, 1), domain::datetime::now())
        .await
        .unwrap()
        .set;
    assert_eq!(one.people.len(), 1);
    let none = store
        .casework_worklist(&admin, CaseworkQuery::default(), domain::datetime::now())
        .await
        .unwrap()
        .set;
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
        .unwrap()
        .set;
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

    due_dates(store, &admin, (yusuf, zara, omar, rhea, finn), named).await;
}

/// The stored due dates behind the "all cases" worklist's order (`case_clocks.rs`): every child written is
/// queued; a batch of the queue comes with its open casework; due dates stored take the children off the queue
/// (unless queued again meanwhile); the children of an LA come in order of their earliest due date, filtered
/// by kind and by date, a page at a time, without restricted records not named for the user.
async fn due_dates<S: Store>(
    store: &S,
    admin: &Actor,
    (yusuf, zara, omar, rhea, finn): (PersonId, PersonId, PersonId, PersonId, PersonId),
    named: UserId,
) {
    use domain::casework_clocks::ClockKind;
    use store::{DueDate, DueOrder};
    let la213 = LaCode::parse("213").unwrap();
    let la205 = LaCode::parse("205").unwrap();
    let now = domain::datetime::now;
    let queued = |q: &[store::QueuedChild]| {
        let mut v: Vec<_> = q.iter().map(|q| q.child_id.uuid()).collect();
        v.sort();
        v
    };

    // Everyone written is queued; a batch of one LA's queue comes with the open casework of its children.
    let (batch, set) = store
        .stale_case_clocks(Some(vec![la213.clone()]), 100)
        .await
        .unwrap();
    // (Yusuf's family are queued too: a write about anyone queues them, and they simply have no clocks.)
    let in_batch = queued(&batch);
    for child in [yusuf, zara, omar, rhea] {
        assert!(in_batch.contains(&child.uuid()), "{child} queued");
    }
    assert!(
        !in_batch.contains(&finn.uuid()),
        "another LA's child is not in 213's batch"
    );
    assert_eq!(set.plans.len(), 1, "Yusuf's open plan");
    assert_eq!(set.referrals.len(), 3, "the open referrals: not Omar's");

    let due = |child, la: &LaCode, kind, on: &str| DueDate {
        child_id: child,
        la: la.clone(),
        kind,
        due_on: d(on),
    };
    store
        .store_case_clocks(
            batch.clone(),
            vec![
                due(yusuf, &la213, ClockKind::Action, "2025-01-10"),
                due(yusuf, &la213, ClockKind::Visit, "2025-02-01"),
                due(zara, &la213, ClockKind::Assessment, "2025-01-05"),
                due(rhea, &la213, ClockKind::Icpc, "2024-12-01"),
            ],
        )
        .await
        .unwrap();
    let (left, _) = store
        .stale_case_clocks(Some(vec![la213.clone()]), 100)
        .await
        .unwrap();
    assert!(left.is_empty(), "{left:?}");
    let (left, _) = store.stale_case_clocks(None, 100).await.unwrap();
    assert_eq!(queued(&left), vec![finn.uuid()]);

    // All cases of 213, earliest due first: Zara, then Yusuf (Rhea's record is restricted; Omar has no clock).
    let page = |user: Option<UserId>, order: DueOrder, limit: u32| {
        let las = vec![la213.clone()];
        async move {
            store
                .casework_worklist(
                    admin,
                    CaseworkQuery {
                        las,
                        user_id: user,
                        limit,
                        by_due: Some(order),
                        ..CaseworkQuery::default()
                    },
                    now(),
                )
                .await
                .unwrap()
        }
    };
    let order_of = |r: &store::CaseworkRecords| {
        let mut people: Vec<_> = r.set.people.iter().map(|p| p.id).collect();
        // The records come by id; the page's order is the stored due dates' (checked through `first`).
        people.sort_by_key(|p| p.uuid());
        people
    };
    let all = page(None, DueOrder::default(), 10).await;
    assert_eq!(all.in_scope, Some(2));
    assert_eq!(all.awaiting_clocks, 0);
    assert_eq!(order_of(&all), {
        let mut v = vec![zara, yusuf];
        v.sort_by_key(|p| p.uuid());
        v
    });
    let first = page(None, DueOrder::default(), 1).await;
    assert_eq!(order_of(&first), vec![zara], "the earliest due first");
    assert_eq!(first.in_scope, Some(2), "the count is of all pages");
    let second = page(
        None,
        DueOrder {
            offset: 1,
            ..DueOrder::default()
        },
        1,
    )
    .await;
    assert_eq!(order_of(&second), vec![yusuf]);
    let for_named = page(Some(named), DueOrder::default(), 1).await;
    assert_eq!(order_of(&for_named), vec![rhea], "named on Rhea's record");
    let actions = page(
        None,
        DueOrder {
            kind: Some(ClockKind::Action),
            ..DueOrder::default()
        },
        10,
    )
    .await;
    assert_eq!(
        (order_of(&actions), actions.in_scope),
        (vec![yusuf], Some(1))
    );
    let overdue = page(
        None,
        DueOrder {
            due_before: Some(d("2025-01-07")),
            ..DueOrder::default()
        },
        10,
    )
    .await;
    assert_eq!(
        (order_of(&overdue), overdue.in_scope),
        (vec![zara], Some(1))
    );
    let in_205 = store
        .casework_worklist(
            admin,
            CaseworkQuery {
                las: vec![la205.clone()],
                limit: 10,
                by_due: Some(DueOrder::default()),
                ..CaseworkQuery::default()
            },
            now(),
        )
        .await
        .unwrap();
    assert_eq!(
        (in_205.in_scope, in_205.awaiting_clocks),
        (Some(0), 1),
        "Finn is still queued"
    );

    // A child changed while its due dates were being worked out stays queued: storing what was worked out from
    // the older records does not take it off.
    store
        .restrict_person(admin, zara, Some(vec![named]), now())
        .await
        .unwrap();
    let (again, _) = store
        .stale_case_clocks(Some(vec![la213.clone()]), 100)
        .await
        .unwrap();
    assert_eq!(queued(&again), vec![zara.uuid()]);
    let older: Vec<_> = batch
        .iter()
        .filter(|q| q.child_id == zara)
        .copied()
        .collect();
    assert!(again[0].generation > older[0].generation);
    store.store_case_clocks(older, Vec::new()).await.unwrap();
    let (still, _) = store
        .stale_case_clocks(Some(vec![la213.clone()]), 100)
        .await
        .unwrap();
    assert_eq!(queued(&still), vec![zara.uuid()], "queued again since");
    store.store_case_clocks(still, Vec::new()).await.unwrap();
    let (none, _) = store
        .stale_case_clocks(Some(vec![la213.clone()]), 100)
        .await
        .unwrap();
    assert!(none.is_empty());
    let rest = page(None, DueOrder::default(), 10).await;
    assert_eq!(
        order_of(&rest),
        vec![yusuf],
        "Zara's case has no clock left"
    );
}
