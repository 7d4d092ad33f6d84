//! Every field of a request body that names a user, a team or an organisation is checked (issue 12, defect 3),
//! over real HTTP on a random port, against SQLite and PostgreSQL. One table row per field and kind of bad
//! value (an unknown id, a malformed one, a user or team of another LA, a partner-agency user, a user of an
//! unsuitable role, a disabled user, a worker outside the LA of a child discussed): each is a 422 naming the
//! field, and nothing is saved (the record counts and the record as read back are unchanged). Then one good
//! value per field, which saves.
//!
//! The fields: a conference's `chair`; a supervision's `supervisee`; an allocation's `worker` and `team`; a
//! specialist (gangs unit) involvement's `worker_id`; a contact's `la`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use domain::audit::Actor;
use domain::codes::{Agency, ConferenceKind, ReferralSource, Role, TeamKind};
use domain::ids::{ConferenceId, PersonId, ReferralId, TeamId, UserId};
use domain::records::{Conference, RecordCounts, RecordSet, Referral, Team};
use reqwest::StatusCode;
use serde_json::{Value, json};
use service::{Clock, NewUser};
use store::Store;
use support::{TestApp, TestDb, fields, la, new_user};

/// Everyone and everything the table names.
struct Fixture {
    /// A team manager of 213: records conferences, allocations, involvements, contacts and supervision.
    manager: String,
    /// A team manager of 205 and 213, who supervises a 205 child's case.
    manager_both: String,
    child: PersonId,
    child_205: PersonId,
    conference: ConferenceId,
    users: Vec<(&'static str, UserId)>,
    team_213: TeamId,
    team_205: TeamId,
}

impl Fixture {
    fn id(&self, name: &str) -> String {
        self.users
            .iter()
            .find(|(n, _)| *n == name)
            .unwrap_or_else(|| panic!("no user {name}"))
            .1
            .to_string()
    }
}

async fn fixture<S: Store>(app: &TestApp<S>) -> Fixture {
    let store = app.store();
    let system = Actor::system("test");
    let mut users = Vec::new();
    for (name, role, las, agency) in [
        ("tm-213", Role::TeamManager, &["213"][..], None),
        ("tm-205-213", Role::TeamManager, &["205", "213"][..], None),
        ("sw-213", Role::SocialWorker, &["213"][..], None),
        ("sw2-213", Role::SocialWorker, &["213"][..], None),
        ("sw-205", Role::SocialWorker, &["205"][..], None),
        ("ro-213", Role::ReviewingOfficer, &["213"][..], None),
        ("ro-205", Role::ReviewingOfficer, &["205"][..], None),
        (
            "police-213",
            Role::Partner,
            &["213"][..],
            Some(Agency::Police),
        ),
        (
            "health-213",
            Role::Partner,
            &["213"][..],
            Some(Agency::Health),
        ),
        ("edt-213", Role::Edt, &["213"][..], None),
        ("auditor-213", Role::Auditor, &["213"][..], None),
        ("admin-213", Role::Admin, &["213"][..], None),
        ("gone-sw-213", Role::SocialWorker, &["213"][..], None),
        ("gone-ro-213", Role::ReviewingOfficer, &["213"][..], None),
    ] {
        let u = app
            .create_user(NewUser {
                display_name: Some(format!("{name} (test)")),
                agency,
                ..new_user(name, role, las)
            })
            .await;
        users.push((name, u.id));
    }
    for gone in ["gone-sw-213", "gone-ro-213"] {
        store
            .set_user_disabled(&system, gone, true, app.services.now())
            .await
            .unwrap()
            .unwrap();
    }
    let team = |code: &str| Team {
        id: TeamId::new(),
        la: la(code),
        name: format!("Assessment team {code}"),
        kind: TeamKind::Assessment,
    };
    let (team_213, team_205) = (team("213"), team("205"));
    let mut child = store_tests::fixture::new_child("Rhea", "Referencetest", "2016-05-04");
    let mut child_205 = store_tests::fixture::new_child("Sol", "Referencetest", "2015-01-02");
    child.la = la("213");
    child_205.la = la("205");
    let at: domain::datetime::Timestamp = "2026-01-05T09:00:00Z".parse().unwrap();
    let referral = Referral {
        id: ReferralId::new(),
        la: child.la.clone(),
        child_id: child.id,
        contact_id: None,
        referral_date: "2026-01-05".parse().unwrap(),
        source: ReferralSource::Schools,
        primary_need: None,
        nfa: false,
        closure: None,
        created_at: at,
    };
    let conference = Conference {
        id: ConferenceId::new(),
        la: child.la.clone(),
        child_id: child.id,
        kind: ConferenceKind::Initial,
        section47_id: None,
        plan_id: None,
        due_on: "2026-02-20".parse().unwrap(),
        held_on: None,
        outcome: None,
        category: None,
        chair_id: None,
        created_at: at,
        attendance: Vec::new(),
        partner_reports: Vec::new(),
    };
    store
        .insert_records(
            &system,
            RecordSet {
                teams: vec![team_213.clone(), team_205.clone()],
                people: vec![child.clone(), child_205.clone()],
                referrals: vec![referral],
                conferences: vec![conference.clone()],
                ..RecordSet::default()
            },
            domain::datetime::now(),
        )
        .await
        .unwrap();
    Fixture {
        manager: app.api_token("tm-213").await,
        manager_both: app.api_token("tm-205-213").await,
        child: child.id,
        child_205: child_205.id,
        conference: conference.id,
        users,
        team_213: team_213.id,
        team_205: team_205.id,
    }
}

/// The fields that name a user, a team or an organisation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    Chair,
    Supervisee,
    /// A supervisee outside the LA of a child discussed (the supervisor works for both).
    SuperviseeOfChild205,
    AllocationWorker,
    AllocationTeam,
    SpecialistWorker,
    ContactLa,
}

impl Field {
    fn name(self) -> &'static str {
        match self {
            Field::Chair => "chair",
            Field::Supervisee | Field::SuperviseeOfChild205 => "supervisee",
            Field::AllocationWorker => "worker",
            Field::AllocationTeam => "team",
            Field::SpecialistWorker => "worker_id",
            Field::ContactLa => "la",
        }
    }

    /// Who sends it, where, and the body with `value` in the field.
    fn request<'f>(self, fx: &'f Fixture, value: &str) -> (&'f str, String, Value) {
        let child = fx.child;
        match self {
            Field::Chair => (
                &fx.manager,
                format!("/api/v1/children/{child}/conferences/{}", fx.conference),
                json!({"held_on": "2026-02-20", "outcome": "no-plan", "chair": value}),
            ),
            Field::Supervisee => (
                &fx.manager,
                "/api/v1/supervision".to_owned(),
                json!({"supervisee": value, "reflection": "How the visits are landing with the family",
                    "cases": [{"child_id": child.to_string(), "discussion": "School attendance",
                        "direction": "Visit weekly"}]}),
            ),
            Field::SuperviseeOfChild205 => (
                &fx.manager_both,
                "/api/v1/supervision".to_owned(),
                json!({"supervisee": value, "reflection": "Managing a caseload across two boroughs",
                    "cases": [{"child_id": fx.child_205.to_string(), "discussion": "Housing",
                        "direction": "Refer to housing"}]}),
            ),
            Field::AllocationWorker => (
                &fx.manager,
                format!("/api/v1/children/{child}/allocation"),
                json!({"worker": value}),
            ),
            Field::AllocationTeam => (
                &fx.manager,
                format!("/api/v1/children/{child}/allocation"),
                json!({"worker": fx.id("sw2-213"), "team": value}),
            ),
            Field::SpecialistWorker => (
                &fx.manager,
                format!("/api/v1/children/{child}/specialist-involvements"),
                json!({"worker_name": "DC Gang", "worker_id": value}),
            ),
            Field::ContactLa => (
                &fx.manager,
                "/api/v1/contacts".to_owned(),
                json!({"la": value, "received_at": "2026-03-02T10:00:00Z", "source": "2A",
                    "referrer": {"name": "Ms Head", "agency": "education"},
                    "child": {"first_name": "Tia", "last_name": "Referencetest", "date_of_birth": "2018-03-04"},
                    "concerns": "Tia said she is afraid to go home."}),
            ),
        }
    }
}

/// What must not change when a request is refused: every record count, and the records each field's request
/// would change, as read back.
async fn snapshot<S: Store>(app: &TestApp<S>, fx: &Fixture) -> (RecordCounts, Vec<Value>) {
    let child = fx.child;
    let reads = vec![
        app.read(&fx.manager, &format!("/api/v1/children/{child}/protection"))
            .await,
        app.read(
            &fx.manager,
            &format!("/api/v1/children/{child}/case-management"),
        )
        .await,
        app.read(&fx.manager, "/api/v1/supervision").await,
        app.read(&fx.manager_both, "/api/v1/supervision").await,
    ];
    (app.store().counts().await.unwrap().0, reads)
}

async fn references_story<S: Store>(db: TestDb<S>) {
    // Now: Monday 2 March 2026, noon.
    let now = "2026-03-02T12:00:00Z".parse().unwrap();
    let app = TestApp::spawn(db, Clock::Fixed(now)).await;
    let fx = fixture(&app).await;
    let unknown_user = UserId::new().to_string();
    let unknown_team = TeamId::new().to_string();

    // (field, kind of bad value, value)
    let bad: Vec<(Field, &str, String)> = vec![
        (Field::Chair, "unknown id", unknown_user.clone()),
        (Field::Chair, "malformed id", "not-an-id".into()),
        (Field::Chair, "user of another LA", fx.id("ro-205")),
        (Field::Chair, "police partner", fx.id("police-213")),
        (Field::Chair, "wrong role (social worker)", fx.id("sw-213")),
        (Field::Chair, "disabled user", fx.id("gone-ro-213")),
        (Field::Supervisee, "unknown id", unknown_user.clone()),
        (Field::Supervisee, "malformed id", "not-an-id".into()),
        (Field::Supervisee, "user of another LA", fx.id("sw-205")),
        (Field::Supervisee, "police partner", fx.id("police-213")),
        (
            Field::Supervisee,
            "wrong role (administrator)",
            fx.id("admin-213"),
        ),
        (Field::Supervisee, "disabled user", fx.id("gone-sw-213")),
        (Field::Supervisee, "the supervisor", fx.id("tm-213")),
        (
            Field::SuperviseeOfChild205,
            "not in the LA of a child discussed",
            fx.id("sw-213"),
        ),
        (Field::AllocationWorker, "unknown id", unknown_user.clone()),
        (Field::AllocationWorker, "malformed id", "not-an-id".into()),
        (
            Field::AllocationWorker,
            "user of another LA",
            fx.id("sw-205"),
        ),
        (
            Field::AllocationWorker,
            "police partner",
            fx.id("police-213"),
        ),
        (
            Field::AllocationWorker,
            "wrong role (EDT)",
            fx.id("edt-213"),
        ),
        (
            Field::AllocationWorker,
            "wrong role (auditor)",
            fx.id("auditor-213"),
        ),
        (
            Field::AllocationWorker,
            "disabled user",
            fx.id("gone-sw-213"),
        ),
        (Field::AllocationTeam, "unknown id", unknown_team),
        (Field::AllocationTeam, "malformed id", "not-an-id".into()),
        (
            Field::AllocationTeam,
            "team of another LA",
            fx.team_205.to_string(),
        ),
        (Field::SpecialistWorker, "unknown id", unknown_user.clone()),
        (Field::SpecialistWorker, "malformed id", "not-an-id".into()),
        (
            Field::SpecialistWorker,
            "user of another LA",
            fx.id("sw-205"),
        ),
        (
            Field::SpecialistWorker,
            "health partner",
            fx.id("health-213"),
        ),
        (
            Field::SpecialistWorker,
            "wrong role (auditor)",
            fx.id("auditor-213"),
        ),
        (
            Field::SpecialistWorker,
            "disabled user",
            fx.id("gone-sw-213"),
        ),
        (Field::ContactLa, "unknown LA", "999".into()),
        (Field::ContactLa, "malformed LA", "21x".into()),
        (Field::ContactLa, "another LA", "205".into()),
    ];
    // Every row is tried, and every row that is not refused as it should be is reported together.
    let mut wrong = Vec::new();
    for (field, kind, value) in &bad {
        let before = snapshot(&app, &fx).await;
        let (token, path, body) = field.request(&fx, value);
        let (status, problem) = app.post(token, &path, body).await.parts();
        if status != StatusCode::UNPROCESSABLE_ENTITY || fields(&problem) != [field.name()] {
            wrong.push(format!("{field:?}, {kind}: {status} {problem}"));
        }
        if snapshot(&app, &fx).await != before {
            wrong.push(format!("{field:?}, {kind}: something was saved"));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} bad values were not refused as they should be:\n{}",
        wrong.len(),
        bad.len(),
        wrong.join("\n")
    );
    let refused = bad.len();
    // Another LA's user or team is answered exactly as one that does not exist.
    for (field, foreign) in [
        (Field::Chair, fx.id("ro-205")),
        (Field::AllocationWorker, fx.id("sw-205")),
        (Field::AllocationTeam, fx.team_205.to_string()),
        (Field::SpecialistWorker, fx.id("sw-205")),
    ] {
        let ask = |v: String| {
            let (token, path, body) = field.request(&fx, &v);
            let (token, path) = (token.to_owned(), path.clone());
            let app = &app;
            async move { app.post(&token, &path, body).await.body["errors"].clone() }
        };
        let missing = if field == Field::AllocationTeam {
            TeamId::new().to_string()
        } else {
            UserId::new().to_string()
        };
        assert_eq!(ask(foreign).await, ask(missing).await, "{field:?}");
    }

    // One good value per field: saved.
    let good: Vec<(Field, String)> = vec![
        (Field::Chair, fx.id("ro-213")),
        (Field::Supervisee, fx.id("sw-213")),
        (Field::SuperviseeOfChild205, fx.id("sw-205")),
        (Field::AllocationWorker, fx.id("sw-213")),
        (Field::AllocationTeam, fx.team_213.to_string()),
        // The integrated gangs unit brings police into the team: a police officer may be its worker.
        (Field::SpecialistWorker, fx.id("police-213")),
        (Field::ContactLa, "213".into()),
    ];
    for (field, value) in &good {
        let before = snapshot(&app, &fx).await;
        let (token, path, body) = field.request(&fx, value);
        let (status, answer) = app.post(token, &path, body).await.parts();
        assert!(status.is_success(), "{field:?}: {status} {answer}");
        assert_ne!(snapshot(&app, &fx).await, before, "{field:?}: saved");
    }
    let protection = app
        .read(
            &fx.manager,
            &format!("/api/v1/children/{}/protection", fx.child),
        )
        .await;
    let held = protection["conferences"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == fx.conference.to_string())
        .unwrap();
    assert_eq!(held["chair_id"], fx.id("ro-213"), "{protection}");
    let cm = app
        .read(
            &fx.manager,
            &format!("/api/v1/children/{}/case-management", fx.child),
        )
        .await;
    let text = cm.to_string();
    assert!(text.contains(&fx.team_213.to_string()), "{cm}");
    assert!(text.contains(&fx.id("police-213")), "{cm}");
    println!(
        "references: {refused} bad values refused (422 naming the field, nothing saved) over {} fields, {} good values saved",
        good.len() - 1,
        good.len()
    );
}

#[tokio::test]
async fn references_on_sqlite() {
    references_story(TestDb::sqlite().await).await;
}

#[tokio::test]
async fn references_on_postgres() {
    if let Some(db) = TestDb::postgres("references_on_postgres").await {
        references_story(db).await;
    }
}
