//! The case-file cache (`store/src/case_files.rs`) against the writes that change a child's file, on either
//! database: one store writes, another (an app server of its own, with its own cache) views, and after every
//! write each child's file as the viewing store shows it must be the file as the database holds it. The writes are
//! the ones that change a file without naming its child as well as the ones that do: a sibling's details, a
//! relationship recorded from the other side, a household joined and its address changed through another child,
//! a supervision discussing two children, a restriction, a merge and its undoing.

use domain::audit::Actor;
use domain::codes::{RelationshipKind, Role};
use domain::ids::{PersonId, PersonMergeId, RelationshipId, SupervisionId};
use domain::policy::Decision;
use domain::records::{
    HouseholdMember, Person, RecordSet, Relationship, Supervision, SupervisionCase,
};
use store::people::NewMerge;
use store::sql::Backend;
use store::{AccessCheck, AccessCheckFactory, CaseChange, NewContact, SqlStore, Store, Viewed};

use crate::fixture;

fn allow() -> AccessCheck {
    Box::new(|_| Decision::Allow)
}

fn allow_all() -> AccessCheckFactory {
    Box::new(allow)
}

fn at() -> domain::datetime::Timestamp {
    domain::datetime::now()
}

/// What the viewing store shows of one child, and whether it came from its cache.
async fn view<B: Backend>(reader: &SqlStore<B>, child: PersonId) -> (RecordSet, bool) {
    let before = reader.case_file_cache_counts().hits;
    let viewed = reader
        .view_child(&Actor::system("test"), child, allow(), at())
        .await
        .unwrap();
    let Viewed::Allowed(file) = viewed else {
        panic!("{child}: not shown ({viewed:?})");
    };
    (file.record, reader.case_file_cache_counts().hits > before)
}

/// After `step`: each of `children` as the viewing store shows it is the file as the database holds it (read
/// without any cache). Returns whether each view came from the cache.
async fn same<B: Backend>(
    step: &str,
    writer: &SqlStore<B>,
    reader: &SqlStore<B>,
    children: &[PersonId],
) -> Vec<bool> {
    let mut hits = Vec::new();
    for &child in children {
        let (shown, hit) = view(reader, child).await;
        let held = writer.case_file(child).await.unwrap().unwrap();
        assert_eq!(
            shown,
            held,
            "{}: after {step}, child {child}'s file as shown differs from the database's",
            B::NAME
        );
        hits.push(hit);
    }
    hits
}

async fn change<B: Backend>(
    writer: &SqlStore<B>,
    child: PersonId,
    created: RecordSet,
    updated: RecordSet,
) {
    let v = writer
        .save_case_change(
            &Actor::system("test"),
            CaseChange {
                child,
                created,
                updated,
                seen_version: None,
                seen_record: None,
            },
            allow(),
            at(),
        )
        .await
        .unwrap();
    assert!(matches!(v, Viewed::Allowed(_)), "{v:?}");
}

pub async fn case_file_cache_story<B: Backend>(writer: &SqlStore<B>, reader: &SqlStore<B>) {
    let system = Actor::system("test");
    let backend = B::NAME;
    writer
        .save_local_authority(
            &system,
            &fixture::local_authority("213", "Westminster"),
            at(),
        )
        .await
        .unwrap();
    let (journey, yusuf) = fixture::journey();
    let leila = journey
        .people
        .iter()
        .find(|p| p.is_child && p.id != yusuf)
        .unwrap()
        .clone();
    let household = journey.households.first().unwrap().clone();
    let manager = journey
        .users
        .iter()
        .find(|u| u.role == Role::TeamManager)
        .unwrap()
        .clone();
    let worker = journey
        .users
        .iter()
        .find(|u| u.role == Role::SocialWorker)
        .unwrap()
        .clone();
    writer.insert_records(&system, journey, at()).await.unwrap();

    // Viewed twice with nothing changed between: the second view is the cache's, and the same.
    assert_eq!(
        same("loading", writer, reader, &[yusuf]).await,
        [false],
        "{backend}"
    );
    assert_eq!(
        same("nothing", writer, reader, &[yusuf]).await,
        [true],
        "{backend}"
    );

    // A contact about Yusuf, through the other store: his file is read again.
    writer
        .record_contact(
            &system,
            NewContact {
                contact: fixture::contact(yusuf, Some(worker.id)),
                new_child: None,
                idempotency_key: None,
            },
            at(),
        )
        .await
        .unwrap();
    assert_eq!(
        same("a contact", writer, reader, &[yusuf]).await,
        [false],
        "{backend}"
    );

    // His sister's name changed through her own record: his file names her afresh, though his own part is kept.
    same("before the sister's change", writer, reader, &[leila.id]).await;
    let renamed = Person {
        first_name: "Layla".into(),
        ..leila.clone()
    };
    change(
        writer,
        leila.id,
        RecordSet::default(),
        RecordSet {
            people: vec![renamed],
            ..RecordSet::default()
        },
    )
    .await;
    assert_eq!(
        same("the sister's new name", writer, reader, &[yusuf, leila.id]).await,
        [true, false],
        "{backend}: Yusuf's own part is unchanged, Leila's is not"
    );

    // A new child, Zara, recorded as Yusuf's half-sister from her side, joining his household, whose address is
    // then changed, all through changes to Zara's record.
    let zara = fixture::new_child("Zara", "Testchild", "2020-06-01");
    writer
        .record_contact(
            &system,
            NewContact {
                contact: fixture::contact(zara.id, Some(worker.id)),
                new_child: Some(zara.clone()),
                idempotency_key: None,
            },
            at(),
        )
        .await
        .unwrap();
    same("Zara's contact", writer, reader, &[yusuf, zara.id]).await;
    change(
        writer,
        zara.id,
        RecordSet {
            relationships: vec![Relationship {
                id: RelationshipId::new(),
                la: fixture::la(),
                person_id: yusuf,
                related_person_id: zara.id,
                kind: RelationshipKind::HalfSibling,
                parental_responsibility: false,
                ended_on: None,
            }],
            household_members: vec![HouseholdMember {
                household_id: household.id,
                person_id: zara.id,
                from: "2025-01-01".parse().unwrap(),
                to: None,
            }],
            ..RecordSet::default()
        },
        RecordSet::default(),
    )
    .await;
    let shown = same(
        "Zara's relationship and move",
        writer,
        reader,
        &[yusuf, zara.id],
    )
    .await;
    assert!(shown[0], "{backend}: Yusuf's own part is kept: {shown:?}");
    let (file, _) = view(reader, yusuf).await;
    assert!(
        file.relationships
            .iter()
            .any(|r| r.person_id == yusuf && r.related_person_id == zara.id),
        "{backend}: Yusuf's file shows the relationship recorded from Zara's side"
    );
    assert!(
        file.people.iter().any(|p| p.id == zara.id),
        "{backend}: and Zara"
    );
    let mut moved = household.clone();
    moved.address.line1 = "2 Fixture Mews".into();
    change(
        writer,
        zara.id,
        RecordSet::default(),
        RecordSet {
            households: vec![moved],
            ..RecordSet::default()
        },
    )
    .await;
    same(
        "the household's new address",
        writer,
        reader,
        &[yusuf, leila.id, zara.id],
    )
    .await;

    // A supervision discussing Yusuf and his sister.
    let supervision = Supervision {
        id: SupervisionId::new(),
        la: fixture::la(),
        supervisor_id: manager.id,
        supervisee_id: worker.id,
        held_on: "2025-01-10".parse().unwrap(),
        reflection: "Both children seen".into(),
        cases: [yusuf, leila.id]
            .iter()
            .map(|&child_id| SupervisionCase {
                child_id,
                discussion: "Discussed".into(),
                direction: "Visit weekly".into(),
            })
            .collect(),
        created_at: at(),
    };
    let saved = writer
        .save_supervision(&system, supervision, Vec::new(), allow_all(), at())
        .await
        .unwrap();
    assert_eq!(saved, Viewed::Allowed(()), "{backend}");
    same("a supervision", writer, reader, &[yusuf, leila.id, zara.id]).await;

    // Yusuf's record restricted.
    writer
        .restrict_person(&system, yusuf, Some(vec![manager.id]), at())
        .await
        .unwrap();
    let shown = same("a restriction", writer, reader, &[yusuf]).await;
    assert_eq!(shown, [false], "{backend}");

    // Zara merged into Yusuf (her id then reads his file), and the merge undone.
    let merge = writer
        .merge_people(
            &system,
            NewMerge {
                id: PersonMergeId::new(),
                kept: yusuf,
                merged: zara.id,
                reason: "The same child recorded twice".into(),
                by: None,
                seen_version: None,
            },
            (allow(), allow()),
            at(),
        )
        .await
        .unwrap();
    let Viewed::Allowed(merge) = merge else {
        panic!("{backend}: merge refused: {merge:?}");
    };
    same("the merge", writer, reader, &[yusuf, leila.id]).await;
    let (through_zara, _) = view(reader, zara.id).await;
    assert_eq!(
        through_zara,
        writer.case_file(yusuf).await.unwrap().unwrap(),
        "{backend}: Zara's id reads Yusuf's file"
    );
    writer
        .undo_merge(&system, merge.id, "Not the same child".into(), None, at())
        .await
        .unwrap();
    same(
        "the merge undone",
        writer,
        reader,
        &[yusuf, leila.id, zara.id],
    )
    .await;

    let counts = reader.case_file_cache_counts();
    assert!(
        counts.hits >= 5 && counts.misses >= 5 && counts.files >= 3,
        "{backend}: {counts:?}"
    );
}
