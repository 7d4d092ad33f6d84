//! The census rules all year, as a manager and a social worker meet them: the data-quality page finds the child
//! whose record breaks a rule, by team and by rule; the child's record shows the same problem; only the roles
//! that see performance data, in their own LA, see the page; and each child the page shows is in the audit trail.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use domain::audit::Actor;
use domain::codes::{AuditAction, Role};
use domain::datetime::Timestamp;
use domain::identifiers::LaCode;
use service::{Clock, NewUser, ServiceError, Services};
use store::{AuditFilter, Store};

async fn user<S: Store>(services: &Services<S>, name: &str, role: Role, la: &str) -> Actor {
    let system = Actor::system("test");
    let user = services
        .add_user(
            &system,
            NewUser {
                username: name.into(),
                display_name: None,
                role,
                las: vec![LaCode::parse(la).unwrap()],
                agency: None,
                password: None,
            },
        )
        .await
        .unwrap();
    Actor::user(&user)
}

#[tokio::test]
async fn a_rule_broken_in_the_records_shows_on_the_data_quality_page_and_the_childs_record() {
    let db = store_tests::sqlite().await;
    // 1 March 2025: the generated 2024/25 return is this year's records so far.
    let at: Timestamp = "2025-03-01T12:00:00Z".parse().unwrap();
    let clock = Clock::manual(at);
    let services = Services::new(db.store.clone()).with_clock(clock.clone());
    let system = Actor::system("test");

    // A generated year, with one referral that went on to further action but has no primary need (rule 8610).
    let mut census = returns::cin_synth::generate(200, 11);
    let (index, episode) = census
        .children
        .iter()
        .enumerate()
        .find_map(|(i, c)| {
            c.cin_details
                .iter()
                .position(|e| {
                    !e.is_nfa()
                        && e.primary_need.is_some()
                        && e.closure_date.is_none()
                        && e.referral_date < "2025-01-01".parse().ok()
                })
                .map(|e| (i, e))
        })
        .unwrap();
    census.children[index].cin_details[episode].primary_need = None;
    let la_child_id = census.children[index].la_child_id.clone().unwrap();
    services.import_cin_census(&system, &census).await.unwrap();

    let manager = user(&services, "manager-873", Role::TeamManager, "873").await;
    let la = LaCode::parse("873").unwrap();
    let dq = services.data_quality(&manager, &la).await.unwrap();
    assert!(dq.children > 100, "{} children", dq.children);
    let errors: Vec<_> = dq
        .problems
        .iter()
        .filter(|p| p.finding.severity == domain::census::Severity::Error)
        .collect();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0].finding.code, "8610");
    assert_eq!(errors[0].la_child_id.as_deref(), Some(la_child_id.as_str()));
    assert_eq!(errors[0].field, "primary need");
    assert_eq!(
        errors[0].team, "Not allocated",
        "imported children have no worker yet"
    );
    assert_eq!(dq.errors, 1);
    assert!(dq.by_rule.iter().any(|r| r.code == "8610" && r.count == 1));
    assert!(
        dq.by_team
            .iter()
            .any(|t| t.team == "Not allocated" && t.errors == 1)
    );

    // Each child the page shows is audited as viewed by the manager; the others are not.
    let child = errors[0].child_id.unwrap();
    let shown: std::collections::BTreeSet<_> =
        dq.problems.iter().filter_map(|p| p.child_id).collect();
    let entries = services
        .store()
        .audit_entries(AuditFilter {
            actor_id: manager.user_id,
            ..AuditFilter::default()
        })
        .await
        .unwrap();
    let viewed: std::collections::BTreeSet<_> = entries
        .iter()
        .filter(|e| e.event.action == AuditAction::View)
        .filter_map(|e| e.event.child_id)
        .collect();
    assert_eq!(viewed, shown);
    assert!(viewed.contains(&child));

    // The check is kept: a second look within two minutes reads no records (the system's read of the LA's
    // dataset happened once) but is audited as the manager's view all the same.
    let dataset_reads = || async {
        let entries = services
            .store()
            .audit_entries(AuditFilter::default())
            .await
            .unwrap();
        let of = |label: &str| {
            entries
                .iter()
                .filter(|e| e.actor_label == label)
                .filter(|e| e.event.record_kind == domain::codes::RecordKind::Dataset)
                .count()
        };
        (of("system:data-quality"), of(&manager.label))
    };
    assert_eq!(dataset_reads().await, (1, 1));
    clock.advance(std::time::Duration::from_secs(60));
    let again = services.data_quality(&manager, &la).await.unwrap();
    assert_eq!(again.checked_at, dq.checked_at);
    assert_eq!(dataset_reads().await, (1, 2));

    // After two minutes a look still answers at once with the last check, and starts a new one; the next look
    // shows it.
    clock.advance(std::time::Duration::from_secs(90));
    let stale = services.data_quality(&manager, &la).await.unwrap();
    assert_eq!(stale.checked_at, dq.checked_at);
    let mut fresh = stale;
    for _ in 0..200 {
        if fresh.checked_at != dq.checked_at {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        fresh = services.data_quality(&manager, &la).await.unwrap();
    }
    assert_eq!(
        fresh.checked_at,
        at.checked_add(jiff::SignedDuration::from_secs(150))
            .unwrap()
    );
    assert_eq!(fresh.errors, 1);
    assert_eq!(dataset_reads().await.0, 2);

    // The social worker opening the child's record sees the same problem there, in plain words.
    let worker = user(&services, "worker-873", Role::SocialWorker, "873").await;
    let record = services.child_record(&worker, child).await.unwrap();
    let problem = record
        .census_problems
        .iter()
        .find(|p| p.code == "8610")
        .unwrap();
    assert!(problem.is_error);
    assert_eq!(problem.field, "primary need");
    assert!(problem.message.contains("Primary Need code is missing"));

    // Only roles that see performance data, and only in their own LA.
    assert!(matches!(
        services.data_quality(&worker, &la).await,
        Err(ServiceError::Forbidden)
    ));
    let elsewhere = user(&services, "manager-213", Role::TeamManager, "213").await;
    assert!(matches!(
        services.data_quality(&elsewhere, &la).await,
        Err(ServiceError::NotFound)
    ));
}
