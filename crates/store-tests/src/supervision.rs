//! Supervision in the store: one transaction that checks every child discussed (all or nothing, refusals
//! audited), read back by the people who took part with only the children they may see; an LA's users.

use domain::audit::Actor;
use domain::codes::{ActionStatus, AuditOutcome, RecordKind, Role};
use domain::identifiers::LaCode;
use domain::ids::{ActionId, SupervisionId};
use domain::policy::Decision;
use domain::records::{Action, ActionParent, RecordSet, Supervision, SupervisionCase};
use store::{AccessCheck, AccessCheckFactory, AuditFilter, Store, Viewed};

use crate::fixture;

/// A check that allows the records of one LA and hides the rest.
fn only(la: &str) -> AccessCheckFactory {
    let la = LaCode::parse(la).unwrap();
    Box::new(move || {
        let la = la.clone();
        let check: AccessCheck = Box::new(move |f: &store::AccessFacts| {
            if f.la == la {
                Decision::Allow
            } else {
                Decision::Hidden
            }
        });
        check
    })
}

pub async fn supervision_story<S: Store>(store: &S) {
    let system = Actor::system("test");
    let backend = store.backend_name();
    for (code, name) in [("213", "Westminster"), ("205", "Hammersmith and Fulham")] {
        store
            .save_local_authority(
                &system,
                &fixture::local_authority(code, name),
                domain::datetime::now(),
            )
            .await
            .unwrap();
    }
    let manager = fixture::user("sup-manager", Role::TeamManager, None);
    let worker = fixture::user("sup-worker", Role::SocialWorker, None);
    let mut gone = fixture::user("sup-gone", Role::SocialWorker, None);
    gone.disabled = true;
    for u in [&manager, &worker, &gone] {
        store
            .add_user(&system, u, None, domain::datetime::now())
            .await
            .unwrap();
    }
    let ava = fixture::new_child("Ava", "Supervised", "2014-01-01");
    let mut cara = fixture::new_child("Cara", "Supervised", "2014-01-01");
    cara.la = LaCode::parse("205").unwrap();
    store
        .insert_records(
            &system,
            RecordSet {
                people: vec![ava.clone(), cara.clone()],
                ..RecordSet::default()
            },
            domain::datetime::now(),
        )
        .await
        .unwrap();
    let at: domain::datetime::Timestamp = "2024-06-10T10:00:00Z".parse().unwrap();
    let id = SupervisionId::new();
    let sup = Supervision {
        id,
        la: fixture::la(),
        supervisor_id: manager.id,
        supervisee_id: worker.id,
        held_on: "2024-06-07".parse().unwrap(),
        reflection: "Reflective discussion".into(),
        cases: vec![
            SupervisionCase {
                child_id: ava.id,
                discussion: "Attendance".into(),
                direction: "Convene a review".into(),
            },
            SupervisionCase {
                child_id: cara.id,
                discussion: "Missing".into(),
                direction: "Return home interview".into(),
            },
        ],
        created_at: at,
    };
    let action = |child| Action {
        id: ActionId::new(),
        // The store gives each action its child's LA.
        la: fixture::la(),
        child_id: Some(child),
        parent: ActionParent::Supervision(id),
        description: "Visit".into(),
        owner: "Social worker".into(),
        owner_user_id: None,
        due_on: "2024-06-14".parse().unwrap(),
        status: ActionStatus::Open,
        completed_on: None,
        created_at: at,
    };
    let actor = Actor::user(&manager);

    // One child the check hides: nothing written, the refusal audited against that child.
    let before = store.counts().await.unwrap();
    let v = store
        .save_supervision(
            &actor,
            sup.clone(),
            vec![action(ava.id), action(cara.id)],
            only("213"),
            domain::datetime::now(),
        )
        .await
        .unwrap();
    assert_eq!(v, Viewed::Denied(Decision::Hidden), "{backend}");
    let after = store.counts().await.unwrap();
    assert_eq!(after.0, before.0, "{backend}: nothing written");
    let entries = store
        .audit_entries(AuditFilter {
            limit: Some(10_000),
            ..AuditFilter::default()
        })
        .await
        .unwrap();
    assert!(entries.iter().any(|e| e.event.child_id == Some(cara.id)
        && e.event.record_kind == RecordKind::Supervision
        && e.event.outcome == AuditOutcome::Denied));

    // Both allowed: written together, one entry for the session and one per child.
    let v = store
        .save_supervision(
            &actor,
            sup.clone(),
            vec![action(ava.id), action(cara.id)],
            Box::new(|| Box::new(|_: &store::AccessFacts| Decision::Allow)),
            domain::datetime::now(),
        )
        .await
        .unwrap();
    assert_eq!(v, Viewed::Allowed(()), "{backend}");
    let entries = store
        .audit_entries(AuditFilter {
            limit: Some(10_000),
            ..AuditFilter::default()
        })
        .await
        .unwrap();
    let per_child = entries
        .iter()
        .filter(|e| {
            e.event.record_kind == RecordKind::Supervision
                && e.event.outcome == AuditOutcome::Allowed
                && e.event.record_id == Some(id.uuid())
        })
        .count();
    assert_eq!(per_child, 3, "{backend}: the session and each child");

    // Read back by the supervisee, seeing only the children of 213.
    let set = store
        .supervisions_of(
            &Actor::user(&worker),
            worker.id,
            only("213"),
            domain::datetime::now(),
        )
        .await
        .unwrap();
    assert_eq!(set.supervisions.len(), 1);
    assert_eq!(set.supervisions[0].cases.len(), 1);
    assert_eq!(set.supervisions[0].cases[0].child_id, ava.id);
    assert_eq!(set.actions.len(), 1);
    assert_eq!(set.actions[0].la, fixture::la());
    assert_eq!(set.people.len(), 1);
    // Cara's action took her LA.
    let cara_file = store.case_file(cara.id).await.unwrap().unwrap();
    assert_eq!(cara_file.actions[0].la, cara.la);
    assert_eq!(cara_file.supervisions.len(), 1);
    // Nobody else's supervisions.
    let none = store
        .supervisions_of(
            &system,
            domain::ids::UserId::new(),
            only("213"),
            domain::datetime::now(),
        )
        .await
        .unwrap();
    assert!(none.supervisions.is_empty());

    // The LA's enabled users, with their LAs.
    let users = store.users_of_la(fixture::la()).await.unwrap();
    let names: Vec<&str> = users.iter().map(|u| u.username.as_str()).collect();
    assert_eq!(names, ["sup-manager", "sup-worker"], "{backend}");
    assert_eq!(users[0].las, vec![fixture::la()]);
    assert!(
        store
            .users_of_la(LaCode::parse("205").unwrap())
            .await
            .unwrap()
            .is_empty()
    );
}
