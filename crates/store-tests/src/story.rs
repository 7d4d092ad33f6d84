//! The conformance story: what every [`Store`] must do, told once and run against each back end. Every
//! `Store` method is exercised here.

use domain::audit::Actor;
use domain::codes::{AuditAction, RecordKind, Role};
use domain::records::{Record, RecordSet};
use store::{AuditFilter, NewContact, Store, StoreError};

use crate::fixture;

/// Sort each kind of record by its key so two sets can be compared whatever order they were read in.
fn normalise(mut s: RecordSet) -> RecordSet {
    s.teams.clear();
    s.users.clear();
    macro_rules! each_kind {
        ($($t:ty),*) => { $( <$t as Record>::of_mut(&mut s).sort_by_key(Record::key); )* };
    }
    domain::record_kinds!(each_kind);
    s
}

/// A search ranking that keeps every candidate, in the order found.
fn keep_all() -> store::RankCandidates {
    Box::new(|found| found.into_iter().map(|c| c.id).collect())
}

/// Noon on [`today`]: API tokens are live or not at an instant.
fn now() -> domain::datetime::Timestamp {
    "2025-01-15T12:00:00Z".parse().unwrap()
}

fn token(
    user: domain::ids::UserId,
    hash: &str,
    created: &str,
    expires: &str,
) -> store::NewApiToken {
    store::NewApiToken {
        user_id: user,
        token_hash: hash.into(),
        created_at: created.parse().unwrap(),
        expires_at: expires.parse().unwrap(),
    }
}

/// Run the whole story against `store`, which must be empty.
pub async fn story<S: Store>(store: &S) {
    let admin = Actor::system("test");
    let backend = store.backend_name();

    // An empty, healthy database.
    store.ping().await.unwrap();
    assert!(
        store.integrity_check().await.unwrap().is_empty(),
        "{backend}: integrity"
    );
    assert!(!store.has_people(None).await.unwrap());
    let (counts, audit_rows) = store.counts().await.unwrap();
    assert_eq!(counts.total(), 0, "{backend}: a new database is empty");
    assert_eq!(audit_rows, 0);

    // Local authorities: created, listed, updated.
    for (code, name) in [
        ("205", "Hammersmith and Fulham"),
        ("207", "Kensington and Chelsea"),
        ("213", "Westminster"),
    ] {
        store
            .save_local_authority(
                &admin,
                &fixture::local_authority(code, name),
                domain::datetime::now(),
            )
            .await
            .unwrap();
    }
    let mut wcc = fixture::local_authority("213", "Westminster City Council");
    wcc.settings.decision_needs_manager = false;
    wcc.settings.closure_days = vec!["2024-12-27".parse().unwrap()];
    store
        .save_local_authority(&admin, &wcc, domain::datetime::now())
        .await
        .unwrap();
    let las = store.local_authorities().await.unwrap();
    assert_eq!(las.len(), 3);
    assert_eq!(las[2], wcc, "{backend}: LA settings round-trip");

    // Users and API tokens.
    let worker = fixture::user("story-worker", Role::MashWorker, None);
    store
        .add_user(
            &admin,
            &worker,
            Some("$argon2id$fake-hash".into()),
            domain::datetime::now(),
        )
        .await
        .unwrap();
    let again = fixture::user("story-worker", Role::Admin, None);
    assert!(
        matches!(
            store
                .add_user(&admin, &again, None, domain::datetime::now())
                .await,
            Err(StoreError::Conflict(_))
        ),
        "{backend}: duplicate usernames are refused"
    );
    let creds = store
        .user_credentials("story-worker")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(creds.user, worker);
    assert_eq!(creds.password_hash.as_deref(), Some("$argon2id$fake-hash"));
    assert!(store.user_credentials("nobody").await.unwrap().is_none());
    // Usernames are case-insensitive: found in any case, and taken in any case.
    assert_eq!(
        store
            .user_credentials(" Story-WORKER")
            .await
            .unwrap()
            .map(|c| c.user.id),
        Some(worker.id),
        "{backend}: usernames are found whatever their case"
    );
    let shouting = fixture::user("STORY-WORKER", Role::Admin, None);
    assert!(
        matches!(
            store
                .add_user(&admin, &shouting, None, domain::datetime::now())
                .await,
            Err(StoreError::Conflict(_))
        ),
        "{backend}: a username taken in another case is refused"
    );
    let first = store
        .add_api_token(
            &admin,
            token(
                worker.id,
                "token-hash-1",
                "2025-01-01T08:00:00Z",
                "2025-04-01T08:00:00Z",
            ),
        )
        .await
        .unwrap();
    assert_eq!(
        store
            .user_for_api_token("token-hash-1", now())
            .await
            .unwrap(),
        Some(worker.clone())
    );
    assert_eq!(
        store
            .user_for_api_token("token-hash-2", now())
            .await
            .unwrap(),
        None
    );
    let expired = store
        .add_api_token(
            &admin,
            token(
                worker.id,
                "token-hash-old",
                "2024-10-01T08:00:00Z",
                "2025-01-15T11:59:59Z",
            ),
        )
        .await
        .unwrap();
    assert_eq!(
        store
            .user_for_api_token("token-hash-old", now())
            .await
            .unwrap(),
        None,
        "{backend}: an expired token lets nobody in"
    );
    let listed = store.api_tokens(worker.id).await.unwrap();
    assert_eq!(
        listed.iter().map(|t| t.id).collect::<Vec<_>>(),
        vec![first, expired],
        "{backend}: tokens newest first"
    );
    assert_eq!(
        listed[0].expires_at,
        Some("2025-04-01T08:00:00Z".parse().unwrap())
    );
    assert_eq!(listed[0].revoked_at, None);

    // A whole journey written in one go reads back unchanged, every field of every record.
    let (journey, child) = fixture::journey();
    // One import entry for each of the two children (Yusuf and his unborn sister), and one create entry for each
    // record about no child: the team, four users, the mother, the household, the supervision, the practice week.
    let expected_audits = 2 + 1 + 4 + 1 + 1 + 1 + 1;
    let before = store.counts().await.unwrap().1;
    store
        .insert_records(&admin, journey.clone(), domain::datetime::now())
        .await
        .unwrap();
    let file = store
        .case_file(child)
        .await
        .unwrap()
        .expect("the child's case file");
    let expected = normalise(journey.clone());
    let actual = normalise(file);
    assert_eq!(actual.people, expected.people, "{backend}: people");
    assert_eq!(
        actual.households, expected.households,
        "{backend}: households"
    );
    assert_eq!(actual.contacts, expected.contacts, "{backend}: contacts");
    assert_eq!(
        actual.strategy_discussions, expected.strategy_discussions,
        "{backend}: strategy discussions"
    );
    assert_eq!(
        actual.plan_reviews, expected.plan_reviews,
        "{backend}: plan reviews"
    );
    assert_eq!(
        actual.supervisions, expected.supervisions,
        "{backend}: supervisions"
    );
    assert_eq!(actual, expected, "{backend}: the whole case file");
    assert!(
        store
            .case_file(domain::ids::PersonId::new())
            .await
            .unwrap()
            .is_none()
    );
    let (counts, audit_rows) = store.counts().await.unwrap();
    assert_eq!(counts.get("contacts"), 1);
    assert_eq!(counts.get("actions"), 4);
    assert_eq!(counts.get("people"), 3);
    assert_eq!(
        audit_rows - before,
        expected_audits,
        "{backend}: the import is audited child by child"
    );
    assert!(store.has_people(Some(fixture::la())).await.unwrap());
    let child_audit = store
        .audit_entries(AuditFilter {
            child_id: Some(child),
            ..AuditFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(
        child_audit.len(),
        1,
        "{backend}: one import entry for the child"
    );
    assert_eq!(child_audit[0].event.action, AuditAction::Import);
    assert_eq!(child_audit[0].event.record_kind, RecordKind::Person);
    assert_eq!(child_audit[0].event.record_id, Some(child.uuid()));
    assert_eq!(child_audit[0].actor_label, "system:test");

    // A contact about a new child, with an idempotency key: recorded once, however often it is sent.
    let actor = Actor::user(&worker).with_request_id("req-1");
    let new_child = fixture::new_child("Maya", "Storychild", "2019-11-30");
    let contact = fixture::contact(new_child.id, Some(worker.id));
    let request = NewContact {
        contact: contact.clone(),
        new_child: Some(new_child.clone()),
        idempotency_key: Some("key-1".into()),
    };
    let first = store
        .record_contact(&actor, request.clone(), domain::datetime::now())
        .await
        .unwrap();
    assert!(!first.replayed);
    assert_eq!(first.record, contact);
    let mut retry = request.clone();
    retry.contact.id = domain::ids::ContactId::new();
    let second = store
        .record_contact(&actor, retry, domain::datetime::now())
        .await
        .unwrap();
    assert!(
        second.replayed,
        "{backend}: a repeated key is answered from the first request"
    );
    assert_eq!(second.record.id, contact.id);
    assert_eq!(
        store.contact(contact.id).await.unwrap(),
        Some(contact.clone())
    );
    assert_eq!(
        store.person(new_child.id).await.unwrap(),
        Some(new_child.clone())
    );
    let trail = store
        .audit_entries(AuditFilter {
            record_id: Some(contact.id.uuid()),
            ..AuditFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(
        trail.len(),
        1,
        "{backend}: exactly one audit entry for the contact"
    );
    assert_eq!(trail[0].event.action, AuditAction::Create);
    assert_eq!(trail[0].actor_id, Some(worker.id));
    assert_eq!(trail[0].request_id.as_deref(), Some("req-1"));
    assert_eq!(trail[0].event.child_id, Some(new_child.id));

    // All or nothing: a contact about a child who does not exist writes nothing, not even its audit entry.
    let (counts_before, audit_before) = store.counts().await.unwrap();
    let orphan = NewContact {
        contact: fixture::contact(domain::ids::PersonId::new(), Some(worker.id)),
        new_child: None,
        idempotency_key: Some("key-2".into()),
    };
    assert!(
        matches!(
            store
                .record_contact(&actor, orphan, domain::datetime::now())
                .await,
            Err(StoreError::Rejected(_))
        ),
        "{backend}: a missing child is rejected"
    );
    let mut broken_set = fixture::journey().0;
    broken_set.contacts[0].child_id = domain::ids::PersonId::new();
    assert!(
        store
            .insert_records(&admin, broken_set, domain::datetime::now())
            .await
            .is_err()
    );
    assert_eq!(
        store.counts().await.unwrap(),
        (counts_before.clone(), audit_before),
        "{backend}: nothing written"
    );

    // Many writers at once: every one acknowledged is stored once, with its audit entry.
    let writes = (0..100).map(|i| {
        let child = fixture::new_child("Concurrent", &format!("Child{i}"), "2020-01-01");
        let request = NewContact {
            contact: fixture::contact(child.id, Some(worker.id)),
            new_child: Some(child),
            idempotency_key: Some(format!("concurrent-{i}")),
        };
        let store = store.clone();
        let actor = actor.clone();
        async move {
            store
                .record_contact(&actor, request, domain::datetime::now())
                .await
        }
    });
    let results = futures::future::join_all(writes).await;
    assert!(
        results
            .iter()
            .all(|r| r.as_ref().is_ok_and(|r| !r.replayed))
    );
    let (counts_after, audit_after) = store.counts().await.unwrap();
    assert_eq!(
        counts_after.get("contacts"),
        counts_before.get("contacts") + 100
    );
    assert_eq!(
        audit_after,
        audit_before + 200,
        "{backend}: a contact and a child each"
    );

    // The same key sent many times at once (a retry racing its original): one contact, the rest replays.
    let racing = (0..10).map(|_| {
        let child = fixture::new_child("Racing", "Child", "2020-01-01");
        let request = NewContact {
            contact: fixture::contact(child.id, Some(worker.id)),
            new_child: Some(child),
            idempotency_key: Some("the-same-key".into()),
        };
        let store = store.clone();
        let actor = actor.clone();
        async move {
            store
                .record_contact(&actor, request, domain::datetime::now())
                .await
        }
    });
    let results: Vec<_> = futures::future::join_all(racing)
        .await
        .into_iter()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(
        results.iter().filter(|r| !r.replayed).count(),
        1,
        "{backend}: one created"
    );
    assert!(
        results.iter().all(|r| r.record.id == results[0].record.id),
        "{backend}: all the same contact"
    );

    assert!(
        store.integrity_check().await.unwrap().is_empty(),
        "{backend}: integrity at the end"
    );
    quality_story(store, &worker, &journey, child).await;
    access_story(store, &worker, child).await;
    front_door_story(store, &worker).await;
    audit_scope_story(store, &worker).await;
}

/// Quality assurance: the journey's audit (with its actions and child) and practice week listed for its LA and not
/// another's; a practice week and an observation saved and listed; a sample drawn from the children with a case
/// open or closed since a date.
async fn quality_story<S: Store>(
    store: &S,
    worker: &domain::records::User,
    journey: &RecordSet,
    child: domain::ids::PersonId,
) {
    use domain::records::{PracticeObservation, PracticeWeek, PracticeWeekScope};
    let backend = store.backend_name();
    let actor = Actor::system("quality-story");
    let now = domain::datetime::now();
    let audit = journey.case_file_audits[0].clone();
    let query = |las: Vec<domain::identifiers::LaCode>| store::QualityQuery {
        las,
        limit: 100,
        ..store::QualityQuery::default()
    };
    let q = store
        .quality_records(&actor, query(vec![fixture::la()]), now)
        .await
        .unwrap();
    let found = q.audits.iter().find(|a| a.id == audit.id);
    assert_eq!(found, Some(&audit), "{backend}: the audit, every field");
    assert!(
        q.practice_weeks
            .iter()
            .any(|w| Some(w.id) == audit.practice_week_id)
    );
    assert!(q.children.iter().any(|c| c.id == child));
    assert!(
        q.actions
            .iter()
            .any(|a| a.parent == domain::records::ActionParent::CaseFileAudit(audit.id)),
        "{backend}: the audit's actions"
    );
    let other = store
        .quality_records(
            &actor,
            query(vec![domain::identifiers::LaCode::parse("207").unwrap()]),
            now,
        )
        .await
        .unwrap();
    assert!(
        other.audits.is_empty() && other.practice_weeks.is_empty(),
        "{backend}: another LA's"
    );
    let week = PracticeWeek {
        id: domain::ids::PracticeWeekId::new(),
        la: fixture::la(),
        title: "Story practice week".into(),
        theme: String::new(),
        starts_on: "2025-06-02".parse().unwrap(),
        ends_on: "2025-06-06".parse().unwrap(),
        report: None,
        created_at: now,
        scope: PracticeWeekScope {
            las: vec![fixture::la()],
            teams: Vec::new(),
            created_by: Some(worker.id),
        },
    };
    let observation = PracticeObservation {
        id: domain::ids::PracticeObservationId::new(),
        la: fixture::la(),
        practice_week_id: week.id,
        observer_id: None,
        observed_id: worker.id,
        observed_on: "2025-06-03".parse().unwrap(),
        observed: "A strategy discussion".into(),
        grade: domain::codes::AuditGrade::Good,
        strengths: Some("Clear chairing".into()),
        development: None,
        created_at: now,
    };
    store
        .save_quality(&actor, vec![week.clone()], vec![observation.clone()], now)
        .await
        .unwrap();
    let q = store
        .quality_records(
            &actor,
            store::QualityQuery {
                practice_weeks: vec![week.id],
                ..query(vec![fixture::la()])
            },
            now,
        )
        .await
        .unwrap();
    assert!(
        q.practice_weeks.contains(&week),
        "{backend}: the week, every field"
    );
    assert_eq!(
        q.observations,
        vec![observation],
        "{backend}: the observation"
    );
    assert!(q.audits.is_empty(), "{backend}: no audit in the new week");
    // The journey's child's case closed on 31 January 2025.
    let drawn = |since: &str| {
        store.audit_sample(
            &actor,
            fixture::la(),
            None,
            since.parse().unwrap(),
            Box::new(|ids: &[uuid::Uuid]| ids.to_vec()),
            now,
        )
    };
    let sample = drawn("2025-01-01").await.unwrap();
    assert!(
        sample.iter().any(|p| p.id == child),
        "{backend}: recently closed"
    );
    let sample = drawn("2025-02-01").await.unwrap();
    assert!(
        !sample.iter().any(|p| p.id == child),
        "{backend}: closed too long ago"
    );
}

/// Reading the audit trail for some LAs only ([`AuditFilter::las`]): an entry with an LA by that LA; one with
/// none by its child's LA, or (about no child that exists) by its actor's LAs; the limit counts entries in
/// scope only.
async fn audit_scope_story<S: Store>(store: &S, worker_213: &domain::records::User) {
    use domain::audit::AuditEvent;
    use domain::codes::AuditOutcome;
    use domain::identifiers::LaCode;
    use domain::ids::PersonId;

    let backend = store.backend_name();
    let system = Actor::system("test");
    let (la205, la213) = (LaCode::parse("205").unwrap(), LaCode::parse("213").unwrap());
    let mut user_205 = fixture::user("story-worker-205", Role::SocialWorker, None);
    user_205.las = vec![la205.clone()];
    store
        .add_user(&system, &user_205, None, domain::datetime::now())
        .await
        .unwrap();
    let mut child_205 = fixture::new_child("Ada", "Scope", "2017-04-05");
    child_205.la = la205.clone();
    store
        .insert_records(
            &system,
            RecordSet {
                people: vec![child_205.clone()],
                ..RecordSet::default()
            },
            domain::datetime::now(),
        )
        .await
        .unwrap();
    // What the permission check needs about children, read unaudited (only the ones that exist).
    let facts = store
        .access_facts(vec![child_205.id, PersonId::new()])
        .await
        .unwrap();
    assert_eq!(
        facts.len(),
        1,
        "{backend}: access facts of existing children"
    );
    assert_eq!(facts[0].0, child_205.id);
    assert_eq!(facts[0].1.la, la205);
    assert_eq!(facts[0].1.restricted_to, None);
    // Each entry is marked by its record id.
    let marked = |child: Option<PersonId>, la: Option<&LaCode>| {
        let marker = uuid::Uuid::now_v7();
        (
            marker,
            AuditEvent {
                action: AuditAction::Search,
                record_kind: RecordKind::Dataset,
                record_id: Some(marker),
                child_id: child,
                la: la.cloned(),
                outcome: AuditOutcome::Allowed,
            },
        )
    };
    let cases = [
        // (actor, child, la, seen by 205, seen by 213)
        (Actor::user(&user_205), None, Some(&la205), true, false),
        (
            Actor::user(&user_205),
            Some(child_205.id),
            Some(&la205),
            true,
            false,
        ),
        (Actor::user(&user_205), None, None, true, false),
        (system.clone(), Some(child_205.id), None, true, false),
        (
            Actor::user(&user_205),
            Some(PersonId::new()),
            None,
            true,
            false,
        ),
        (Actor::user(worker_213), None, None, false, true),
        (
            Actor::user(worker_213),
            Some(child_205.id),
            None,
            true,
            false,
        ),
        (Actor::user(worker_213), None, Some(&la213), false, true),
        (system.clone(), None, None, false, false),
    ];
    let mut markers = Vec::new();
    for (actor, child, la, by_205, by_213) in cases {
        let (marker, event) = marked(child, la);
        store
            .record_audit(&actor, vec![event], domain::datetime::now())
            .await
            .unwrap();
        markers.push((marker, by_205, by_213));
    }
    let seen = |las: Option<Vec<LaCode>>, limit: u32| {
        let store = store.clone();
        async move {
            store
                .audit_entries(AuditFilter {
                    las,
                    limit: Some(limit),
                    ..AuditFilter::default()
                })
                .await
                .unwrap()
                .into_iter()
                .filter_map(|e| e.event.record_id)
                .collect::<Vec<_>>()
        }
    };
    for (name, las, pick) in [
        ("205", vec![la205.clone()], 0usize),
        ("213", vec![la213.clone()], 1),
        ("205 and 213", vec![la205.clone(), la213.clone()], 2),
    ] {
        let got = seen(Some(las), 100_000).await;
        for (i, (marker, by_205, by_213)) in markers.iter().enumerate() {
            let expected = match pick {
                0 => *by_205,
                1 => *by_213,
                _ => *by_205 || *by_213,
            };
            assert_eq!(
                got.contains(marker),
                expected,
                "{backend}: entry {i} for a reader of {name}"
            );
        }
    }
    assert!(
        seen(Some(Vec::new()), 100_000).await.is_empty(),
        "{backend}: no LAs, no entries"
    );
    let everything = seen(None, 100_000).await;
    assert!(
        markers.iter().all(|(m, _, _)| everything.contains(m)),
        "{backend}: unscoped"
    );
    // The limit counts entries in scope: 205's two newest are its last two marked entries.
    let newest_205: Vec<_> = markers
        .iter()
        .filter(|m| m.1)
        .map(|m| m.0)
        .rev()
        .take(2)
        .collect();
    assert_eq!(
        seen(Some(vec![la205]), 2).await,
        newest_205,
        "{backend}: limit after scope"
    );
}

/// Saving changes to a child's records (checked, versioned, audited) and the front-door worklists.
async fn front_door_story<S: Store>(store: &S, worker: &domain::records::User) {
    use domain::clocks::Rag;
    use domain::codes::{Agency, ContactOutcome};
    use domain::ids::{InformationRequestId, MashEnquiryId, RagChangeId};
    use domain::policy::Decision;
    use domain::records::{ContactDecision, InformationRequest, MashEnquiry, RagChange};
    use store::{CaseChange, PartnerQueueQuery, Viewed, WorklistQuery, WorklistStage};

    let backend = store.backend_name();
    let admin = Actor::system("test");
    let actor = Actor::user(worker);
    let t: domain::datetime::Timestamp = "2025-02-03T10:00:00Z".parse().unwrap();
    let child = fixture::new_child("Frida", "Frontdoor", "2016-04-04");
    let other = fixture::new_child("Oscar", "Otherchild", "2017-05-05");
    let contact = fixture::contact(child.id, Some(worker.id));
    store
        .insert_records(
            &admin,
            RecordSet {
                people: vec![child.clone(), other.clone()],
                contacts: vec![contact.clone()],
                ..RecordSet::default()
            },
            domain::datetime::now(),
        )
        .await
        .unwrap();
    let allow = || -> store::AccessCheck { Box::new(|_| Decision::Allow) };
    let worklist = |stage| WorklistQuery {
        las: vec![fixture::la()],
        user_id: Some(worker.id),
        stage,
        limit: 1000,
    };
    let on = |rows: &[store::WorklistRow]| rows.iter().any(|r| r.contact.id == contact.id);
    let awaiting = store
        .front_door_worklist(
            &actor,
            worklist(WorklistStage::AwaitingDecision),
            domain::datetime::now(),
        )
        .await
        .unwrap();
    assert!(on(&awaiting), "{backend}: a new contact awaits a decision");
    let row = awaiting
        .iter()
        .find(|r| r.contact.id == contact.id)
        .unwrap();
    assert_eq!(
        row.child, child,
        "{backend}: the worklist row carries its child"
    );
    let none = store
        .front_door_worklist(
            &actor,
            WorklistQuery {
                las: vec![domain::identifiers::LaCode::parse("205").unwrap()],
                ..worklist(WorklistStage::AwaitingDecision)
            },
            domain::datetime::now(),
        )
        .await
        .unwrap();
    assert!(
        !on(&none),
        "{backend}: another LA's worklist does not show it"
    );

    // Screening: the contact rated amber, with the change kept; versions move on.
    // The version comes with the case file, from the same snapshot.
    let version_now = || async {
        match store
            .view_child(&actor, child.id, allow(), domain::datetime::now())
            .await
            .unwrap()
        {
            Viewed::Allowed(f) => f.version,
            other => panic!("{backend}: the child's file was not read: {other:?}"),
        }
    };
    let v0 = version_now().await;
    assert!(v0 > 0, "{backend}: creating the records was a change");
    let mut rated = contact.clone();
    rated.screening.rag = Some(Rag::Amber);
    rated.screening.rag_rationale = Some("Bruising explained; needs checks today".into());
    let rag_change = RagChange {
        id: RagChangeId::new(),
        la: fixture::la(),
        contact_id: contact.id,
        child_id: child.id,
        rag: Rag::Amber,
        rationale: "Bruising explained; needs checks today".into(),
        changed_by: Some(worker.id),
        changed_at: t,
    };
    let change = |updated: RecordSet, created: RecordSet, seen| CaseChange {
        child: child.id,
        created,
        updated,
        seen_version: seen,
        seen_record: None,
    };
    let v1 = store
        .save_case_change(
            &actor,
            change(
                RecordSet {
                    contacts: vec![rated.clone()],
                    ..RecordSet::default()
                },
                RecordSet {
                    rag_changes: vec![rag_change.clone()],
                    ..RecordSet::default()
                },
                Some(v0),
            ),
            allow(),
            domain::datetime::now(),
        )
        .await
        .unwrap();
    let Viewed::Allowed(v1) = v1 else {
        panic!("{backend}: the change was refused: {v1:?}")
    };
    assert!(v1 > v0);
    assert_eq!(version_now().await, v1);
    assert_eq!(
        store.contact(contact.id).await.unwrap(),
        Some(rated.clone())
    );
    let file = store.case_file(child.id).await.unwrap().unwrap();
    assert_eq!(file.rag_changes, vec![rag_change.clone()]);

    // A form opened before that change is refused rather than overwrite it.
    let mut stale = contact.clone();
    stale.screening.rag = Some(Rag::Green);
    let r = store
        .save_case_change(
            &actor,
            change(
                RecordSet {
                    contacts: vec![stale],
                    ..RecordSet::default()
                },
                RecordSet::default(),
                Some(v0),
            ),
            allow(),
            domain::datetime::now(),
        )
        .await;
    assert!(
        matches!(r, Err(StoreError::Stale { current }) if current == v1),
        "{backend}: a stale change is refused: {r:?}"
    );
    // So is one based on an older version of the one record it changes (a partner's answer).
    let r = store
        .save_case_change(
            &actor,
            CaseChange {
                seen_record: Some((contact.id.uuid(), v0)),
                ..change(
                    RecordSet {
                        contacts: vec![contact.clone()],
                        ..RecordSet::default()
                    },
                    RecordSet::default(),
                    None,
                )
            },
            allow(),
            domain::datetime::now(),
        )
        .await;
    assert!(
        matches!(r, Err(StoreError::Stale { .. })),
        "{backend}: a change based on an older version of the record is refused: {r:?}"
    );
    // A refused change writes nothing but its audit entry.
    let before = store.counts().await.unwrap().1;
    let r = store
        .save_case_change(
            &actor,
            change(
                RecordSet {
                    contacts: vec![contact.clone()],
                    ..RecordSet::default()
                },
                RecordSet::default(),
                None,
            ),
            Box::new(|_| Decision::Hidden),
            domain::datetime::now(),
        )
        .await
        .unwrap();
    assert_eq!(r, Viewed::Denied(Decision::Hidden));
    assert_eq!(
        store.contact(contact.id).await.unwrap(),
        Some(rated.clone())
    );
    assert_eq!(
        store.counts().await.unwrap().1,
        before + 1,
        "{backend}: one entry for the refusal"
    );
    // One permission check never covers another child's records.
    let r = store
        .save_case_change(
            &actor,
            change(
                RecordSet::default(),
                RecordSet {
                    contacts: vec![fixture::contact(other.id, None)],
                    ..RecordSet::default()
                },
                None,
            ),
            allow(),
            domain::datetime::now(),
        )
        .await;
    assert!(
        matches!(r, Err(StoreError::Rejected(_))),
        "{backend}: {r:?}"
    );

    // A MASH enquiry asks the police; the police queue shows it, the health queue does not.
    let enquiry = MashEnquiry {
        id: MashEnquiryId::new(),
        la: fixture::la(),
        contact_id: contact.id,
        child_id: child.id,
        started_at: t,
        started_by: Some(worker.id),
        history_summary: None,
        completed_at: None,
    };
    let request = InformationRequest {
        id: InformationRequestId::new(),
        la: fixture::la(),
        mash_enquiry_id: enquiry.id,
        contact_id: contact.id,
        child_id: child.id,
        agency: Agency::Police,
        question: "Any callouts to the address in the last year?".into(),
        requested_by: Some(worker.id),
        requested_at: t,
        due_at: "2025-02-04T10:00:00Z".parse().unwrap(),
        response: None,
        responded_by: None,
        responded_at: None,
    };
    let r = store
        .save_case_change(
            &actor,
            change(
                RecordSet::default(),
                RecordSet {
                    mash_enquiries: vec![enquiry.clone()],
                    information_requests: vec![request.clone()],
                    ..RecordSet::default()
                },
                None,
            ),
            allow(),
            domain::datetime::now(),
        )
        .await
        .unwrap();
    assert!(matches!(r, Viewed::Allowed(_)));
    let queue = |agency, open_only| PartnerQueueQuery {
        las: vec![fixture::la()],
        user_id: None,
        agency,
        open_only,
        limit: 100,
    };
    let police = store
        .partner_queue(&actor, queue(Agency::Police, true), domain::datetime::now())
        .await
        .unwrap();
    let police: Vec<_> = police
        .into_iter()
        .filter(|r| r.child.id == child.id)
        .collect();
    assert_eq!(police.len(), 1, "{backend}: the police queue");
    assert_eq!((&police[0].request, &police[0].child), (&request, &child));
    assert!(
        store
            .partner_queue(
                &actor,
                queue(Agency::Health, false),
                domain::datetime::now()
            )
            .await
            .unwrap()
            .iter()
            .all(|r| r.request.agency == Agency::Health && r.child.id != child.id),
        "{backend}: health sees only its own requests, none about this child"
    );
    let seen = store
        .view_information_request(
            &actor,
            request.id,
            Box::new(|f| {
                if f.addressed_to == Some(Agency::Police) {
                    Decision::Allow
                } else {
                    Decision::Hidden
                }
            }),
            domain::datetime::now(),
        )
        .await
        .unwrap();
    assert!(
        matches!(&seen, Viewed::Allowed(v) if v.record == request && v.version > 0),
        "{backend}: facts carry the agency, and the request comes with its own version: {seen:?}"
    );
    assert_eq!(
        store
            .view_information_request(
                &actor,
                InformationRequestId::new(),
                allow(),
                domain::datetime::now()
            )
            .await
            .unwrap(),
        Viewed::Missing
    );
    // The police answer: the queue of open requests empties.
    let mut answered = request.clone();
    answered.response = Some("Two callouts, both domestic, in March.".into());
    answered.responded_at = Some(t);
    store
        .save_case_change(
            &actor,
            change(
                RecordSet {
                    information_requests: vec![answered.clone()],
                    ..RecordSet::default()
                },
                RecordSet::default(),
                None,
            ),
            allow(),
            domain::datetime::now(),
        )
        .await
        .unwrap();
    let about = |rows: Vec<store::PartnerRequestRow>| -> Vec<InformationRequest> {
        rows.into_iter()
            .filter(|r| r.child.id == child.id)
            .map(|r| r.request)
            .collect()
    };
    assert!(
        about(
            store
                .partner_queue(&actor, queue(Agency::Police, true), domain::datetime::now())
                .await
                .unwrap()
        )
        .is_empty()
    );
    assert_eq!(
        about(
            store
                .partner_queue(
                    &actor,
                    queue(Agency::Police, false),
                    domain::datetime::now()
                )
                .await
                .unwrap()
        ),
        vec![answered]
    );

    // The decision moves the contact from the decision worklist to the feedback and oversight ones.
    let mut decided = rated.clone();
    decided.decision = Some(ContactDecision {
        outcome: ContactOutcome::StrategyDiscussion,
        rationale: "Injury and police history".into(),
        decided_by: Some(worker.id),
        decided_at: t,
        out_of_hours: false,
        next_steps: None,
        receiving_service: None,
        manager_oversight_by: None,
        manager_oversight_at: None,
    });
    store
        .save_case_change(
            &actor,
            change(
                RecordSet {
                    contacts: vec![decided.clone()],
                    ..RecordSet::default()
                },
                RecordSet::default(),
                None,
            ),
            allow(),
            domain::datetime::now(),
        )
        .await
        .unwrap();
    for (stage, expected) in [
        (WorklistStage::AwaitingDecision, false),
        (WorklistStage::AwaitingFeedback, true),
        (WorklistStage::AwaitingOversight, true),
    ] {
        let rows = store
            .front_door_worklist(&actor, worklist(stage), domain::datetime::now())
            .await
            .unwrap();
        assert_eq!(on(&rows), expected, "{backend}: {stage:?}");
    }
    // Each change left one entry per record: the contact was rated, then decided (its creation, by bulk
    // import, is audited once per child).
    let trail = store
        .audit_entries(AuditFilter {
            record_id: Some(contact.id.uuid()),
            oldest_first: true,
            ..AuditFilter::default()
        })
        .await
        .unwrap();
    let actions: Vec<_> = trail
        .iter()
        .filter(|e| e.event.outcome == domain::codes::AuditOutcome::Allowed)
        .map(|e| e.event.action)
        .collect();
    assert_eq!(
        actions,
        vec![AuditAction::Update, AuditAction::Update],
        "{backend}: the contact's trail"
    );
}

/// The throttle's history as the store reads it: by account, client address and known browser.
async fn sign_in_story<S: Store>(
    store: &S,
    worker: &domain::records::User,
    t0: domain::datetime::Timestamp,
) {
    use store::{FailureRun, SignInHistory, SignInOutcome, SignInQuery, SignInStart};

    let backend = store.backend_name();
    let la = worker.las.first().cloned();
    let at = move |minutes: i64| {
        t0.checked_add(jiff::SignedDuration::from_mins(minutes))
            .unwrap()
    };
    let query = |minute: i64, device: Option<&str>| SignInQuery {
        username: "story-worker".into(),
        client: "192.0.2.1".into(),
        device_hash: device.map(Into::into),
        at: at(minute),
        since: at(-60),
        device_since: at(-60),
    };
    let run = |failures: u32, last: i64| FailureRun {
        failures,
        last: Some(at(last)),
    };
    // Start an attempt that the throttle lets in, checking the history it saw.
    let start = |minute: i64, device: Option<&'static str>, expect: SignInHistory| async move {
        let seen = std::sync::Arc::new(std::sync::Mutex::new(None));
        let seen2 = seen.clone();
        let started = store
            .start_sign_in(
                query(minute, device),
                Box::new(move |h| {
                    *seen2.lock().unwrap() = Some(*h);
                    None
                }),
            )
            .await
            .unwrap();
        assert_eq!(
            *seen.lock().unwrap(),
            Some(expect),
            "{backend}: at minute {minute}"
        );
        match started {
            SignInStart::Started { attempt, history } => {
                assert_eq!(history, expect);
                attempt
            }
            SignInStart::Refused { .. } => panic!("{backend}: refused"),
        }
    };
    let attempt_actor = Actor::unidentified("story-worker");
    let failed = || SignInOutcome::Failed {
        events: vec![domain::audit::AuditEvent {
            action: AuditAction::SignInFailed,
            record_kind: RecordKind::User,
            record_id: Some(worker.id.uuid()),
            child_id: None,
            la: la.clone(),
            outcome: domain::codes::AuditOutcome::Denied,
        }],
    };

    // Two failures count for the account and the client.
    let a = start(0, None, SignInHistory::default()).await;
    store
        .finish_sign_in(&attempt_actor, a, failed())
        .await
        .unwrap();
    let a = start(
        1,
        None,
        SignInHistory {
            account: run(1, 0),
            client: run(1, 0),
            device: None,
        },
    )
    .await;
    store
        .finish_sign_in(&attempt_actor, a, failed())
        .await
        .unwrap();
    // A refused attempt records nothing.
    let refused = store
        .start_sign_in(query(2, None), Box::new(move |_| Some(at(10))))
        .await
        .unwrap();
    assert_eq!(refused, SignInStart::Refused { until: at(10) });
    // A success resets the account's run but not the client's, and makes the browser known.
    let a = start(
        3,
        None,
        SignInHistory {
            account: run(2, 1),
            client: run(2, 1),
            device: None,
        },
    )
    .await;
    store
        .finish_sign_in(
            &Actor::user(worker),
            a,
            SignInOutcome::Succeeded {
                device_hash: "device-1".into(),
            },
        )
        .await
        .unwrap();
    // The known browser is counted on its own, and its failures count neither for the account nor the client.
    let a = start(
        4,
        Some("device-1"),
        SignInHistory {
            account: FailureRun::default(),
            client: run(2, 1),
            device: Some(FailureRun::default()),
        },
    )
    .await;
    store
        .finish_sign_in(&attempt_actor, a, failed())
        .await
        .unwrap();
    start(
        5,
        Some("device-1"),
        SignInHistory {
            account: FailureRun::default(),
            client: run(2, 1),
            device: Some(run(1, 4)),
        },
    )
    .await;
    // A browser token that never signed in as this user is no known browser. (The attempt at minute 5, never
    // finished, stays a failure: an attempt counts from the moment it starts.)
    start(
        6,
        Some("device-unknown"),
        SignInHistory {
            account: FailureRun::default(),
            client: run(2, 1),
            device: None,
        },
    )
    .await;
    // Failures older than the window are forgotten.
    let later = store
        .start_sign_in(
            SignInQuery {
                since: at(6),
                ..query(8, None)
            },
            Box::new(move |h| {
                assert_eq!(
                    h.client,
                    FailureRun {
                        failures: 1,
                        last: Some(at(6))
                    }
                );
                Some(at(8))
            }),
        )
        .await
        .unwrap();
    assert!(matches!(later, SignInStart::Refused { .. }));
    let audited = store
        .audit_entries(AuditFilter {
            action: Some(AuditAction::SignInFailed),
            ..AuditFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(audited.len(), 3, "{backend}: each failure audited");
    assert!(
        audited
            .iter()
            .all(|e| e.event.la == la && e.actor_label == "story-worker" && e.actor_id.is_none())
    );
}

/// Sessions, sign-in attempts, disabling users, restricted records, audited reads, search and the audit chain.
async fn access_story<S: Store>(
    store: &S,
    worker: &domain::records::User,
    child: domain::ids::PersonId,
) {
    use domain::audit_chain::{self, GENESIS, StoredEntry};
    use domain::policy::Decision;
    use store::{AccessFacts, NewSession, PersonSearch, Viewed};

    let backend = store.backend_name();
    let admin = Actor::system("test");
    let actor = Actor::user(worker);
    let t0: domain::datetime::Timestamp = "2025-01-15T09:00:00Z".parse().unwrap();

    // Sessions.
    store
        .create_session(
            &actor,
            NewSession {
                id_hash: "session-hash".into(),
                user_id: worker.id,
                csrf_token: "csrf".into(),
                at: t0,
            },
        )
        .await
        .unwrap();
    let s = store.session("session-hash").await.unwrap().unwrap();
    assert_eq!(s.user, *worker, "{backend}: the session's user");
    assert_eq!((s.created_at, s.last_seen_at, s.ended_at), (t0, t0, None));
    let t1: domain::datetime::Timestamp = "2025-01-15T09:10:00Z".parse().unwrap();
    store.touch_session("session-hash", t1).await.unwrap();
    assert_eq!(
        store
            .session("session-hash")
            .await
            .unwrap()
            .unwrap()
            .last_seen_at,
        t1
    );
    store
        .end_session(&actor, "session-hash", "signed out", t1)
        .await
        .unwrap();
    assert_eq!(
        store
            .session("session-hash")
            .await
            .unwrap()
            .unwrap()
            .ended_at,
        Some(t1)
    );
    assert!(store.session("no-such-session").await.unwrap().is_none());

    // Sign-in attempts: checked and recorded in one go, finished as a success or a failure.
    sign_in_story(store, worker, t0).await;

    // Disabling a user ends their sessions and stops their tokens.
    store
        .create_session(
            &actor,
            NewSession {
                id_hash: "session-2".into(),
                user_id: worker.id,
                csrf_token: "csrf".into(),
                at: t1,
            },
        )
        .await
        .unwrap();
    let disabled = store
        .set_user_disabled(&admin, "story-worker", true, t1)
        .await
        .unwrap()
        .unwrap();
    assert!(disabled.disabled);
    assert!(
        store
            .session("session-2")
            .await
            .unwrap()
            .unwrap()
            .ended_at
            .is_some(),
        "{backend}: session ended"
    );
    assert_eq!(
        store
            .user_for_api_token("token-hash-1", now())
            .await
            .unwrap(),
        None
    );
    store
        .set_user_disabled(&admin, "Story-Worker", false, t1)
        .await
        .unwrap();
    assert_eq!(
        store
            .user_for_api_token("token-hash-1", now())
            .await
            .unwrap(),
        None,
        "{backend}: disabling revoked the tokens, so enabling does not bring them back"
    );
    assert!(
        store
            .api_tokens(worker.id)
            .await
            .unwrap()
            .iter()
            .all(|t| t.revoked_at == Some(t1)),
        "{backend}: every token revoked at the disable"
    );
    assert!(
        store
            .set_user_disabled(&admin, "nobody", true, t1)
            .await
            .unwrap()
            .is_none()
    );
    store
        .add_api_token(
            &admin,
            token(
                worker.id,
                "token-hash-3",
                "2025-01-15T09:00:00Z",
                "2025-04-15T09:00:00Z",
            ),
        )
        .await
        .unwrap();
    assert_eq!(
        store
            .revoke_api_tokens(&admin, worker.id, t1)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        store
            .user_for_api_token("token-hash-3", now())
            .await
            .unwrap(),
        None,
        "{backend}: revoked"
    );
    // One token revoked by its id; revoking it again changes nothing; an unknown id is `None`.
    let single = store
        .add_api_token(
            &admin,
            token(
                worker.id,
                "token-hash-4",
                "2025-01-15T09:05:00Z",
                "2025-04-15T09:05:00Z",
            ),
        )
        .await
        .unwrap();
    let revoked = store
        .revoke_api_token(&admin, single, t1)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((revoked.id, revoked.revoked_at), (single, Some(t1)));
    let t2: domain::datetime::Timestamp = "2025-01-15T09:20:00Z".parse().unwrap();
    assert_eq!(
        store
            .revoke_api_token(&admin, single, t2)
            .await
            .unwrap()
            .unwrap()
            .revoked_at,
        Some(t1),
        "{backend}: revoking twice keeps the first time"
    );
    assert!(
        store
            .revoke_api_token(&admin, domain::ids::ApiTokenId::new(), t1)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        store
            .user_for_api_token("token-hash-4", now())
            .await
            .unwrap(),
        None
    );

    // Audited reads: the check sees the child's LA and restriction; every request leaves one entry.
    let seen = std::sync::Arc::new(std::sync::Mutex::new(None));
    let seen2 = seen.clone();
    let viewed = store
        .view_child(
            &actor,
            child,
            Box::new(move |f: &AccessFacts| {
                *seen2.lock().unwrap() = Some(f.clone());
                Decision::Allow
            }),
            domain::datetime::now(),
        )
        .await
        .unwrap();
    assert!(
        matches!(viewed, Viewed::Allowed(ref file) if file.record.people.iter().any(|p| p.id == child))
    );
    assert_eq!(seen.lock().unwrap().clone().unwrap().restricted_to, None);
    let denied = store
        .view_child(
            &actor,
            child,
            Box::new(|_| Decision::Hidden),
            domain::datetime::now(),
        )
        .await
        .unwrap();
    assert_eq!(denied, Viewed::Denied(Decision::Hidden));
    let missing = store
        .view_child(
            &actor,
            domain::ids::PersonId::new(),
            Box::new(|_| Decision::Allow),
            domain::datetime::now(),
        )
        .await
        .unwrap();
    assert_eq!(missing, Viewed::Missing);
    let views = store
        .audit_entries(AuditFilter {
            child_id: Some(child),
            action: Some(AuditAction::View),
            ..AuditFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(
        views.len(),
        2,
        "{backend}: one entry per view, allowed or not"
    );
    assert_eq!(
        views[0].event.outcome,
        domain::codes::AuditOutcome::Denied,
        "newest first"
    );

    // Restriction: named users only.
    store
        .restrict_person(&admin, child, Some(vec![worker.id]), t1)
        .await
        .unwrap();
    let seen3 = std::sync::Arc::new(std::sync::Mutex::new(None));
    let seen4 = seen3.clone();
    store
        .view_child(
            &actor,
            child,
            Box::new(move |f: &AccessFacts| {
                *seen4.lock().unwrap() = Some(f.clone());
                Decision::Allow
            }),
            domain::datetime::now(),
        )
        .await
        .unwrap();
    assert_eq!(
        seen3.lock().unwrap().clone().unwrap().restricted_to,
        Some(vec![worker.id])
    );
    let contact_id = store.case_file(child).await.unwrap().unwrap().contacts[0].id;
    assert!(matches!(
        store
            .view_contact(
                &actor,
                contact_id,
                Box::new(|_| Decision::Allow),
                domain::datetime::now()
            )
            .await
            .unwrap(),
        Viewed::Allowed(_)
    ));
    assert_eq!(
        store
            .view_contact(
                &actor,
                domain::ids::ContactId::new(),
                Box::new(|_| Decision::Allow),
                domain::datetime::now()
            )
            .await
            .unwrap(),
        Viewed::Missing
    );

    // Search: keys, prefixes and identifiers, within scope; a restricted child only for the named user.
    let mut search = PersonSearch {
        las: vec![fixture::la()],
        user_id: Some(worker.id),
        prefixes: vec!["te".into()],
        limit: 100,
        ..PersonSearch::default()
    };
    let found = store
        .search_people(&actor, search.clone(), keep_all(), domain::datetime::now())
        .await
        .unwrap();
    assert!(
        found.iter().any(|p| p.id == child),
        "{backend}: found by surname prefix"
    );
    search.user_id = None;
    let found = store
        .search_people(&actor, search.clone(), keep_all(), domain::datetime::now())
        .await
        .unwrap();
    assert!(
        !found.iter().any(|p| p.id == child),
        "{backend}: restricted children are hidden"
    );
    search.las = vec![domain::identifiers::LaCode::parse("205").unwrap()];
    assert!(
        store
            .search_people(&actor, search, keep_all(), domain::datetime::now())
            .await
            .unwrap()
            .is_empty(),
        "{backend}: other LAs are out of scope"
    );
    let yusuf = store.person(child).await.unwrap().unwrap();
    let by_key = store
        .search_people(
            &actor,
            PersonSearch {
                las: vec![fixture::la()],
                user_id: Some(worker.id),
                keys: vec![domain::search::name_key(&domain::search::normalise_name(
                    &yusuf.first_name,
                ))],
                limit: 10,
                ..PersonSearch::default()
            },
            keep_all(),
            domain::datetime::now(),
        )
        .await
        .unwrap();
    assert!(
        by_key.iter().any(|p| p.id == child),
        "{backend}: found by phonetic key"
    );
    store
        .restrict_person(&admin, child, None, t1)
        .await
        .unwrap();

    // Names for pages.
    let (users, teams) = store.directory(vec![worker.id], Vec::new()).await.unwrap();
    assert_eq!(users, vec![worker.clone()]);
    assert!(teams.is_empty());

    // An audit entry for something about no single record, at the caller's time; then the whole chain verifies.
    let exported_at: domain::datetime::Timestamp = "2025-01-15T10:30:00.123456Z".parse().unwrap();
    store
        .record_audit(
            &actor,
            vec![domain::audit::AuditEvent {
                action: AuditAction::Export,
                record_kind: RecordKind::Dataset,
                record_id: None,
                child_id: None,
                la: None,
                outcome: domain::codes::AuditOutcome::Allowed,
            }],
            exported_at,
        )
        .await
        .unwrap();
    let mut all = Vec::new();
    let mut after = 0;
    loop {
        let page = store.audit_chain_page(after, 50).await.unwrap();
        let Some(last) = page.last() else { break };
        after = last.chain_position.expect("a chained entry has its place");
        all.extend(page);
    }
    let exported = all.last().unwrap();
    assert_eq!(exported.event.record_kind, RecordKind::Dataset);
    assert_eq!(
        exported.at, exported_at,
        "{backend}: audited at the caller's time"
    );
    let v = audit_chain::verify(all.iter().map(StoredEntry::from), GENESIS, None);
    assert!(
        v.problems.is_empty(),
        "{backend}: chain intact: {:?}",
        v.problems
    );
    assert_eq!(v.checked, all.len() as u64);
    assert_eq!(
        store.audit_head().await.unwrap(),
        v.head,
        "{backend}: the stored head is the last entry"
    );
    // Places in the chain follow one another (on SQLite they are the seqs; on PostgreSQL seqs come from a
    // sequence, in the order transactions asked, while places are given in the order they committed).
    assert!(
        all.windows(2)
            .all(|w| w[1].chain_position == w[0].chain_position.map(|p| p + 1)),
        "{backend}: the chain has no gaps"
    );
}

/// Person search's in-memory index sees every change to a person, made through this store or through another
/// one on the same database (another server process), by the next search: `writer` writes, `searcher` searches.
/// Both must be on one empty database.
pub async fn search_sees_changes_from_another_store<S: Store>(writer: &S, searcher: &S) {
    use domain::ids::PersonId;
    use store::PersonSearch;

    let admin = Actor::system("test");
    let backend = writer.backend_name();
    writer
        .save_local_authority(
            &admin,
            &fixture::local_authority("213", "Westminster"),
            domain::datetime::now(),
        )
        .await
        .unwrap();
    let worker = fixture::user("fresh-worker", Role::MashWorker, None);
    writer
        .add_user(&admin, &worker, None, domain::datetime::now())
        .await
        .unwrap();
    let actor = Actor::user(&worker);
    let record = |first: &str| {
        let child = fixture::new_child(first, "Freshchild", "2019-11-30");
        let contact = fixture::contact(child.id, Some(worker.id));
        (
            child.id,
            NewContact {
                contact,
                new_child: Some(child),
                idempotency_key: None,
            },
        )
    };
    let search = |user: Option<domain::ids::UserId>| PersonSearch {
        las: vec![fixture::la()],
        user_id: user,
        keys: vec![domain::search::name_key("freshchild")],
        limit: 100,
        ..PersonSearch::default()
    };
    let found = |people: Vec<domain::records::Person>| -> Vec<PersonId> {
        let mut ids: Vec<PersonId> = people.into_iter().map(|p| p.id).collect();
        ids.sort();
        ids
    };

    let (maya, new_contact) = record("Maya");
    writer
        .record_contact(&actor, new_contact, domain::datetime::now())
        .await
        .unwrap();
    let first = searcher
        .search_people(&actor, search(None), keep_all(), domain::datetime::now())
        .await
        .unwrap();
    assert_eq!(
        found(first),
        vec![maya],
        "{backend}: the index is built with Maya in it"
    );

    let (noah, new_contact) = record("Noah");
    writer
        .record_contact(&actor, new_contact, domain::datetime::now())
        .await
        .unwrap();
    let mut both = vec![maya, noah];
    both.sort();
    assert_eq!(
        found(
            searcher
                .search_people(&actor, search(None), keep_all(), domain::datetime::now())
                .await
                .unwrap()
        ),
        both,
        "{backend}: a child recorded after the index was built is found by the next search"
    );

    writer
        .restrict_person(&admin, noah, Some(vec![worker.id]), domain::datetime::now())
        .await
        .unwrap();
    assert_eq!(
        found(
            searcher
                .search_people(&actor, search(None), keep_all(), domain::datetime::now())
                .await
                .unwrap()
        ),
        vec![maya],
        "{backend}: a child restricted a moment ago is hidden from everyone not named"
    );
    assert_eq!(
        found(
            searcher
                .search_people(
                    &actor,
                    search(Some(worker.id)),
                    keep_all(),
                    domain::datetime::now()
                )
                .await
                .unwrap()
        ),
        both,
        "{backend}: and found by the user named"
    );
    writer
        .restrict_person(&admin, noah, None, domain::datetime::now())
        .await
        .unwrap();
    assert_eq!(
        found(
            searcher
                .search_people(&actor, search(None), keep_all(), domain::datetime::now())
                .await
                .unwrap()
        ),
        both,
        "{backend}: the restriction lifted, the child is found again"
    );
}
