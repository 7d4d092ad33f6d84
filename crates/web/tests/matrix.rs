//! RELIABILITY.md A1, A5 and U1: the authorisation matrix. Every route of the router (from `routes::table`,
//! which the router is built from) is requested by every kind of principal — each role, with its LAs the same
//! as the record's, different, or a shared MASH across all three; named or not on a restricted record; each
//! partner agency; anonymous — against records in and out of scope, restricted, and missing. The expected
//! answer comes from a reference model written here, independently of `domain::policy`. A route the model
//! does not know fails the test. Also: a foreign record answers exactly like a missing one (A5), and every
//! request for a child's record by a signed-in user leaves exactly one audit entry (U1).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeMap;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use domain::audit::Actor;
use domain::codes::{Agency, AuditAction, RecordKind, Role, Sex};
use domain::identifiers::LaCode;
use domain::ids::{ContactId, PersonId, UserId};
use domain::records::{Person, RecordSet};
use service::{NewUser, Services};
use store::{AuditFilter, Store};
use tower::ServiceExt;
use web::routes::{self, Access};

fn la(code: &str) -> LaCode {
    LaCode::parse(code).unwrap()
}

/// Where a principal works, relative to the records (which live in 213, 205 and 207).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Relation {
    /// Works for 213 only.
    Own,
    /// Works for 207 only.
    Other,
    /// A shared MASH: 205, 207 and 213.
    Shared,
}

impl Relation {
    fn las(self) -> Vec<LaCode> {
        match self {
            Relation::Own => vec![la("213")],
            Relation::Other => vec![la("207")],
            Relation::Shared => vec![la("205"), la("207"), la("213")],
        }
    }
}

#[derive(Clone, Debug)]
struct Principal {
    name: String,
    role: Option<Role>,
    relation: Relation,
    named: bool,
    token: Option<String>,
    user_id: Option<UserId>,
}

/// The records requested, by where they are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Target {
    In213,
    Restricted213,
    In205,
    In207,
    Missing,
}

const TARGETS: [Target; 5] = [
    Target::In213,
    Target::Restricted213,
    Target::In205,
    Target::In207,
    Target::Missing,
];

impl Target {
    fn la(self) -> Option<&'static str> {
        match self {
            Target::In213 | Target::Restricted213 => Some("213"),
            Target::In205 => Some("205"),
            Target::In207 => Some("207"),
            Target::Missing => None,
        }
    }
}

// --- the reference model ---------------------------------------------------------------------------------------

fn may_view_cases(role: Role) -> bool {
    use Role::*;
    matches!(
        role,
        MashWorker
            | SocialWorker
            | TeamManager
            | Edt
            | EarlyHelp
            | ReviewingOfficer
            | Auditor
            | Inspector
            | InformationGovernance
    )
}

fn may_create_cases(role: Role) -> bool {
    use Role::*;
    matches!(
        role,
        MashWorker | SocialWorker | TeamManager | Edt | EarlyHelp | ReviewingOfficer
    )
}

fn may_read_audit(role: Role) -> bool {
    matches!(role, Role::Admin | Role::InformationGovernance)
}

fn sees(p: &Principal, t: Target) -> bool {
    match t.la() {
        None => false,
        Some(code) => {
            p.relation.las().contains(&la(code)) && (t != Target::Restricted213 || p.named)
        }
    }
}

/// What a page answers when the caller is not signed in (a redirect to sign-in) or the API does (401).
fn anonymous(page: bool) -> StatusCode {
    if page {
        StatusCode::SEE_OTHER
    } else {
        StatusCode::UNAUTHORIZED
    }
}

/// The expected status of `route` for `p` on `t` (`t` is ignored by routes about no record).
fn expected(route: &str, p: &Principal, t: Target) -> StatusCode {
    let page = !route.starts_with("api-");
    let Some(role) = p.role else {
        return match route {
            "healthz" | "assets" | "sign-in-form" => StatusCode::OK,
            "sign-in" => StatusCode::FORBIDDEN,
            "sign-out" => StatusCode::SEE_OTHER,
            "home" | "search-page" | "child-page" | "audit-page" => anonymous(true),
            "api-search-children"
            | "api-child"
            | "api-child-chronology"
            | "api-record-contact"
            | "api-contact"
            | "api-audit" => anonymous(false),
            other => panic!("route {other} is missing from the matrix's reference model"),
        };
    };
    let _ = page;
    match route {
        "healthz" | "assets" => StatusCode::OK,
        // Signed in already: the sign-in page sends you on; posting it needs the form's CSRF token.
        "sign-in-form" => StatusCode::SEE_OTHER,
        "sign-in" => StatusCode::FORBIDDEN,
        "sign-out" => StatusCode::SEE_OTHER,
        "home" => StatusCode::OK,
        "search-page" | "api-search-children" => {
            if may_view_cases(role) {
                StatusCode::OK
            } else {
                StatusCode::FORBIDDEN
            }
        }
        "audit-page" | "api-audit" => {
            if may_read_audit(role) {
                StatusCode::OK
            } else {
                StatusCode::FORBIDDEN
            }
        }
        "api-record-contact" => {
            if !may_create_cases(role) {
                StatusCode::FORBIDDEN
            } else if p.relation.las().contains(&la("213")) {
                StatusCode::CREATED
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            }
        }
        "child-page" | "api-child" | "api-child-chronology" | "api-contact" => {
            if !may_view_cases(role) {
                StatusCode::FORBIDDEN
            } else if sees(p, t) {
                StatusCode::OK
            } else {
                StatusCode::NOT_FOUND
            }
        }
        other => panic!("route {other} is missing from the matrix's reference model"),
    }
}

// --- the world -------------------------------------------------------------------------------------------------

struct World {
    children: BTreeMap<Target, PersonId>,
    contacts: BTreeMap<Target, ContactId>,
    principals: Vec<Principal>,
}

fn child(code: &str, name: &str) -> Person {
    let mut p = store_tests::fixture::new_child(name, "Matrixchild", "2015-06-01");
    p.la = la(code);
    p.sex = Sex::Female;
    p
}

async fn world<S: Store>(services: &Services<S>) -> World {
    let system = Actor::system("matrix");
    services
        .ensure_local_authorities(&system, &[la("205"), la("207"), la("213")])
        .await
        .unwrap();
    let mut set = RecordSet::default();
    let mut children = BTreeMap::new();
    let mut contacts = BTreeMap::new();
    for (t, code, name) in [
        (Target::In213, "213", "Amelia"),
        (Target::Restricted213, "213", "Bella"),
        (Target::In205, "205", "Chloe"),
        (Target::In207, "207", "Daisy"),
    ] {
        let c = child(code, name);
        let mut contact = store_tests::fixture::contact(c.id, None);
        contact.la = la(code);
        children.insert(t, c.id);
        contacts.insert(t, contact.id);
        set.people.push(c);
        set.contacts.push(contact);
    }
    services.store().insert_records(&system, set).await.unwrap();
    children.insert(Target::Missing, PersonId::new());
    contacts.insert(Target::Missing, ContactId::new());

    let mut principals = vec![Principal {
        name: "anonymous".into(),
        role: None,
        relation: Relation::Own,
        named: false,
        token: None,
        user_id: None,
    }];
    let relations = [Relation::Own, Relation::Other, Relation::Shared];
    for role in Role::ALL.iter().copied() {
        let variants: Vec<(Option<Agency>, bool)> = if role == Role::Partner {
            [
                Agency::Police,
                Agency::Health,
                Agency::Education,
                Agency::Probation,
                Agency::Housing,
                Agency::YouthJustice,
                Agency::Other,
            ]
            .into_iter()
            .map(|a| (Some(a), false))
            .collect()
        } else {
            vec![(None, false), (None, true)]
        };
        for relation in relations {
            for (agency, named) in &variants {
                let username = format!(
                    "m-{}-{:?}-{}-{}",
                    role,
                    relation,
                    agency.map_or("none", |a| a.code()),
                    if *named { "named" } else { "unnamed" }
                )
                .to_lowercase();
                let user = services
                    .add_user(
                        &system,
                        NewUser {
                            username: username.clone(),
                            display_name: None,
                            role,
                            las: relation.las(),
                            agency: *agency,
                            password: None,
                        },
                    )
                    .await
                    .unwrap();
                let token = services.create_api_token(&system, &username).await.unwrap();
                principals.push(Principal {
                    name: username,
                    role: Some(role),
                    relation,
                    named: *named,
                    token: Some(token),
                    user_id: Some(user.id),
                });
            }
        }
    }
    let named: Vec<UserId> = principals
        .iter()
        .filter(|p| p.named)
        .filter_map(|p| p.user_id)
        .collect();
    services
        .store()
        .restrict_person(
            &system,
            children[&Target::Restricted213],
            Some(named),
            services.now(),
        )
        .await
        .unwrap();
    World {
        children,
        contacts,
        principals,
    }
}

fn contact_body() -> String {
    serde_json::json!({
        "la": "213",
        "received_at": "2024-05-03T15:55:00Z",
        "source": "2A",
        "referrer": {"name": "Matrix referrer"},
        "child": {"first_name": "New", "last_name": "Matrixchild", "date_of_birth": "2019-01-01"},
        "concerns": "Matrix test contact"
    })
    .to_string()
}

/// The request for `route` about `t`, or `None` when the route is about no record and `t` is not the first.
fn request(
    route: &routes::RouteSpec<impl Sized>,
    w: &World,
    t: Target,
    token: Option<&str>,
) -> Option<Request<Body>> {
    let record = matches!(route.access, Access::Child(_) | Access::Contact(_));
    if !record && t != Target::In213 {
        return None;
    }
    let path = match route.access {
        Access::Child(_) => route.path.replace("{id}", &w.children[&t].to_string()),
        Access::Contact(_) => route.path.replace("{id}", &w.contacts[&t].to_string()),
        _ => route.path.replace("{*path}", "js/init.js"),
    };
    let path = match route.name {
        "search-page" | "api-search-children" => format!("{path}?q=Matrixchild"),
        _ => path,
    };
    let mut b = Request::builder()
        .method(route.method.clone())
        .uri(path)
        .header(header::HOST, "frontdoor.test")
        // One request id for all, so that error pages (which show it) can be compared byte for byte.
        .header("x-request-id", "matrix");
    if let Some(token) = token {
        b = b.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    let body = match route.name {
        "api-record-contact" => {
            b = b.header(header::CONTENT_TYPE, "application/json");
            Body::from(contact_body())
        }
        "sign-in" => {
            b = b.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
            Body::from("username=nobody&password=nothing")
        }
        _ => Body::empty(),
    };
    Some(b.body(body).unwrap())
}

async fn view_entries<S: Store>(store: &S) -> u64 {
    let mut n = 0;
    for kind in [RecordKind::Person, RecordKind::Contact] {
        let entries = store
            .audit_entries(AuditFilter {
                action: Some(AuditAction::View),
                limit: Some(100_000),
                ..AuditFilter::default()
            })
            .await
            .unwrap();
        n += entries
            .iter()
            .filter(|e| e.event.record_kind == kind)
            .count() as u64;
    }
    n
}

/// A response's status and body.
type Answer = (StatusCode, Vec<u8>);

async fn matrix<S: Store>(store: S) -> String {
    let services = Services::new(store.clone());
    let w = world(&services).await;
    let app = web::router(services.clone());
    let table = routes::table::<S>();
    let views_before = view_entries(&store).await;
    let mut cases = 0u64;
    let mut wrong = Vec::new();
    let mut record_requests = 0u64;
    // (principal, route) → (status, body) per target, for the existence-oracle check.
    let mut answers: BTreeMap<(String, &str), BTreeMap<Target, Answer>> = BTreeMap::new();
    for p in &w.principals {
        for route in &table {
            for t in TARGETS {
                let Some(req) = request(route, &w, t, p.token.as_deref()) else {
                    continue;
                };
                let response = app.clone().oneshot(req).await.unwrap();
                let status = response.status();
                let body = axum::body::to_bytes(response.into_body(), 1 << 20)
                    .await
                    .unwrap()
                    .to_vec();
                cases += 1;
                let want = expected(route.name, p, t);
                if status != want {
                    wrong.push(format!(
                        "{} {} as {} on {t:?}: got {status}, expected {want}",
                        route.method, route.path, p.name
                    ));
                }
                if matches!(route.access, Access::Child(_) | Access::Contact(_)) {
                    if p.role.is_some() {
                        record_requests += 1;
                    }
                    answers
                        .entry((p.name.clone(), route.name))
                        .or_default()
                        .insert(t, (status, body));
                }
            }
        }
    }
    // A5: a record the caller may not see answers exactly like a missing one: status and body.
    let mut oracle_leaks = Vec::new();
    for ((who, route), by_target) in &answers {
        let missing = &by_target[&Target::Missing];
        for (t, answer) in by_target {
            if answer.0 != StatusCode::OK && answer != missing {
                oracle_leaks.push(format!(
                    "{route} as {who}: {t:?} answers differently from a missing record"
                ));
            }
        }
    }
    // U1: one audit entry per request for a child's record by a signed-in user, allowed or not.
    let views = view_entries(&store).await - views_before;
    let report = format!(
        "authorisation matrix ({}): {} routes, {} principals, {cases} cases, {} wrong decisions; existence oracle: {} \
         differences; audit completeness: {record_requests} child-record requests, {views} audit entries",
        store.backend_name(),
        table.len(),
        w.principals.len(),
        wrong.len(),
        oracle_leaks.len(),
    );
    assert!(
        wrong.is_empty(),
        "{report}\n{}",
        wrong
            .iter()
            .take(40)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(
        oracle_leaks.is_empty(),
        "{report}\n{}",
        oracle_leaks.join("\n")
    );
    assert_eq!(views, record_requests, "{report}");
    report
}

fn report(name: &str, text: &str) {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("..")
        .join("reports");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("{name}.txt")), format!("{text}\n")).unwrap();
    println!("{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn authorisation_matrix_on_sqlite() {
    let db = store_tests::sqlite().await;
    let text = matrix(db.store.clone()).await;
    report("matrix-sqlite", &text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn authorisation_matrix_on_postgres() {
    if !store_tests::pg_configured("authorisation_matrix_on_postgres") {
        return;
    }
    let db = store_tests::PgTestDb::create().await.unwrap();
    let text = matrix(db.open().await).await;
    report("matrix-postgres", &text);
}
