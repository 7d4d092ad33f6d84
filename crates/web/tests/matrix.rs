//! RELIABILITY.md A1, A5 and U1: the authorisation matrix. Every route of the router (from `routes::table`,
//! which the router is built from) is requested by every kind of principal — each role, with its LAs the same
//! as the record's, different, or a shared MASH across all three; named or not on a restricted record; each
//! partner agency; anonymous — against records in and out of scope, restricted, and missing. The expected
//! answer comes from a reference model written here, independently of `domain::policy`. A route the model
//! does not know fails the test. Also: a foreign record answers exactly like a missing one (A5), and every
//! request for a child's record by a signed-in user leaves exactly one audit entry (U1).
//!
//! What comes back is checked too. A4, the tenant canary scan: every text of every LA's records (names, notes,
//! titles, file names) carries a canary of its LA, and their ids are known (`support::canary`); every answer of the
//! run (headers, body, the text inside its PDF or XLSX export, error pages) is scanned, and a canary of an LA the
//! caller does not work for (or of a restricted record they are not named on, or, for a partner agency, anything
//! not shown to their agency) is a leak; so is any name or text in a line the app logged meanwhile. A2, field-level
//! filters: every field of every JSON answer is compared with `docs/response-fields.md`, the fields each role may
//! receive per kind of record (`support::response_fields`). Because the run walks the route table, a new route is
//! scanned and checked without being listed here.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use std::collections::{BTreeMap, BTreeSet};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use domain::audit::Actor;
use domain::codes::{ActionStatus, Agency, Role, Sex, StrategyDecision};
use domain::identifiers::LaCode;
use domain::ids::{
    ActionId, ContactId, DocumentId, InformationRequestId, MashEnquiryId, PersonId,
    StrategyDiscussionId, UserId,
};
use domain::policy::{Action as RouteAction, Area};
use domain::records::{
    Action, ActionParent, Document, DocumentContent, InformationRequest, MashEnquiry, Person,
    RecordSet, StrategyDiscussion,
};
use service::{NewUser, Services};
use store::{AuditFilter, Store};
use support::canary::{self, Canaries, Canary, Class, Log, Scope, Tally};
use support::response_fields::{self, FieldList};
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
    agency: Option<Agency>,
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
            | SeniorLeader
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

fn may_update_cases(role: Role) -> bool {
    may_create_cases(role)
}

fn may_approve(role: Role) -> bool {
    role == Role::TeamManager
}

/// Performance data and the census data-quality page: managers, auditors, senior leaders and inspectors.
fn may_see_performance(role: Role) -> bool {
    matches!(
        role,
        Role::TeamManager | Role::Auditor | Role::SeniorLeader | Role::Inspector
    )
}

/// Case-file audits and practice weeks, to read: auditors, managers, senior leaders and inspectors.
fn may_see_quality(role: Role) -> bool {
    matches!(
        role,
        Role::Auditor | Role::TeamManager | Role::SeniorLeader | Role::Inspector
    )
}

/// Statutory returns (Annex A): senior leaders and inspectors.
fn may_export_returns(role: Role) -> bool {
    matches!(role, Role::SeniorLeader | Role::Inspector)
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

/// The API route a page stands for, when it has one.
fn api_twin(route: &str) -> Option<&'static str> {
    Some(match route {
        "front-door-page" => "api-worklist",
        "contact-page" => "api-contact-case",
        "screening-form" => "api-screening",
        "consent-approval-form" => "api-consent-approval",
        "request-information-form" => "api-request-information",
        "decision-form" => "api-decision",
        "oversight-form" => "api-oversight",
        "feedback-form" => "api-feedback",
        "partner-queue-page" => "api-partner-queue",
        "partner-request-page" => "api-information-request",
        "respond-form" => "api-respond",
        _ => return None,
    })
}

/// The expected status of `route` for `p` on `t` (`t` is ignored by routes about no record).
fn expected(route: &str, p: &Principal, t: Target) -> StatusCode {
    let page = !route.starts_with("api-");
    let Some(role) = p.role else {
        return match route {
            "healthz" | "assets" | "sign-in-form" | "api-openapi" => StatusCode::OK,
            "sign-in" | "sign-in-second-factor" => StatusCode::FORBIDDEN,
            "sign-out" => StatusCode::SEE_OTHER,
            // No identity provider in this deployment.
            "sign-in-sso" | "sign-in-sso-callback" => StatusCode::NOT_FOUND,
            // No sign-in waiting for a second factor: back to the password.
            "sign-in-second-factor-form" => StatusCode::SEE_OTHER,
            "account-page"
            | "account-second-factor-form"
            | "account-recovery-codes-form"
            | "account-second-factor-removal-form" => anonymous(true),
            "home"
            | "search-page"
            | "child-page"
            | "audit-page"
            | "returns-page"
            | "annex-a-download"
            | "data-quality-page"
            | "front-door-page"
            | "contact-page"
            | "screening-form"
            | "consent-approval-form"
            | "request-information-form"
            | "decision-form"
            | "oversight-form"
            | "feedback-form"
            | "partner-queue-page"
            | "partner-request-page"
            | "respond-form"
            | "new-contact-page"
            | "record-contact-form"
            | "contact-document-upload-form"
            | "document-download"
            | "document-sharing-form" => anonymous(true),
            "api-search-children"
            | "api-child"
            | "api-child-chronology"
            | "api-record-contact"
            | "api-contact"
            | "api-audit"
            | "api-annex-a"
            | "api-data-quality"
            | "api-worklist"
            | "api-mash-worklist"
            | "api-contact-case"
            | "api-screening"
            | "api-consent-approval"
            | "api-request-information"
            | "api-decision"
            | "api-oversight"
            | "api-feedback"
            | "api-partner-queue"
            | "api-information-request"
            | "api-respond"
            | "api-attach-contact-document"
            | "api-document"
            | "api-share-document"
            | "api-merge"
            | "api-merge-undo" => anonymous(false),
            other => generic(other, p, t),
        };
    };
    // A page answers as its API twin does, except that a change that worked sends the browser back to the
    // contact (303) or the queue.
    if let Some(twin) = api_twin(route) {
        let want = expected(twin, p, t);
        return if page && route.ends_with("-form") && want == StatusCode::OK {
            StatusCode::SEE_OTHER
        } else {
            want
        };
    }
    match route {
        "healthz" | "assets" | "api-openapi" => StatusCode::OK,
        // Signed in already: the sign-in page sends you on; posting it needs the form's CSRF token.
        "sign-in-form" | "sign-in-sso" | "sign-in-second-factor-form" => StatusCode::SEE_OTHER,
        "sign-in" | "sign-in-second-factor" => StatusCode::FORBIDDEN,
        "sign-out" => StatusCode::SEE_OTHER,
        // No identity provider in this deployment.
        "sign-in-sso-callback" => StatusCode::NOT_FOUND,
        // Everyone's own account: the page; setting up with no code, or new recovery codes with no second
        // factor, is refused naming the field; removing none removes none.
        "account-page" => StatusCode::OK,
        "account-second-factor-form" | "account-recovery-codes-form" => {
            StatusCode::UNPROCESSABLE_ENTITY
        }
        "account-second-factor-removal-form" => StatusCode::SEE_OTHER,
        "home" => StatusCode::OK,
        "search-page" | "api-search-children" => {
            if may_view_cases(role) {
                StatusCode::OK
            } else {
                StatusCode::FORBIDDEN
            }
        }
        // The page shows the caller's own (first) LA; the API asks for 213, another LA's data being hidden.
        "data-quality-page" | "api-data-quality" => {
            if !may_see_performance(role) {
                StatusCode::FORBIDDEN
            } else if route == "data-quality-page" || p.relation.las().contains(&la("213")) {
                StatusCode::OK
            } else {
                StatusCode::NOT_FOUND
            }
        }
        // The form is the caller's own; the download asks for 213's lists: another LA's are hidden (404).
        "returns-page" | "annex-a-download" | "api-annex-a" => {
            if !may_export_returns(role) {
                StatusCode::FORBIDDEN
            } else if route == "returns-page" || p.relation.las().contains(&la("213")) {
                StatusCode::OK
            } else {
                StatusCode::NOT_FOUND
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
        "new-contact-page" | "record-contact-form" => {
            if !may_create_cases(role) {
                StatusCode::FORBIDDEN
            } else if route == "new-contact-page" {
                StatusCode::OK
            } else {
                // An empty form: every problem named, nothing recorded.
                StatusCode::UNPROCESSABLE_ENTITY
            }
        }
        "api-worklist" | "api-mash-worklist" => {
            if may_view_cases(role) {
                StatusCode::OK
            } else {
                StatusCode::FORBIDDEN
            }
        }
        // Changes sent with an empty body: a screening with nothing in it is a valid (empty) screening; the
        // others name their missing fields. Approvals have nothing to approve on these contacts.
        "api-screening" | "api-request-information" | "api-decision" | "api-feedback" => {
            if !may_update_cases(role) {
                StatusCode::FORBIDDEN
            } else if sees(p, t) {
                if route == "api-screening" {
                    StatusCode::OK
                } else {
                    StatusCode::UNPROCESSABLE_ENTITY
                }
            } else {
                StatusCode::NOT_FOUND
            }
        }
        "api-consent-approval" | "api-oversight" => {
            if !may_approve(role) {
                StatusCode::FORBIDDEN
            } else if sees(p, t) {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                StatusCode::NOT_FOUND
            }
        }
        "api-partner-queue" => {
            if role == Role::Partner {
                StatusCode::OK
            } else {
                StatusCode::FORBIDDEN
            }
        }
        // The requests in the world are all addressed to the police.
        "api-information-request" => {
            let visible = if role == Role::Partner {
                p.agency == Some(Agency::Police) && sees(p, t)
            } else {
                may_view_cases(role) && sees(p, t)
            };
            if role != Role::Partner && !may_view_cases(role) {
                StatusCode::FORBIDDEN
            } else if visible {
                StatusCode::OK
            } else {
                StatusCode::NOT_FOUND
            }
        }
        "api-respond" => {
            if role != Role::Partner {
                StatusCode::FORBIDDEN
            } else if p.agency == Some(Agency::Police) && sees(p, t) {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                StatusCode::NOT_FOUND
            }
        }
        // Documents. A contact's upload sent empty names the missing file and title; every document in the world
        // is shared with the police, whose practitioners may download it (as may anyone who reads the child's
        // record); the page's sharing form sends the police again (a change that changes nothing), the API's sends
        // nothing (its field is required).
        "contact-document-upload-form" | "api-attach-contact-document" => {
            if !may_create_cases(role) {
                StatusCode::FORBIDDEN
            } else if sees(p, t) {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                StatusCode::NOT_FOUND
            }
        }
        "api-document" | "document-download" => {
            let visible = if role == Role::Partner {
                p.agency == Some(Agency::Police) && sees(p, t)
            } else {
                may_view_cases(role) && sees(p, t)
            };
            if role != Role::Partner && !may_view_cases(role) {
                StatusCode::FORBIDDEN
            } else if visible {
                StatusCode::OK
            } else {
                StatusCode::NOT_FOUND
            }
        }
        "api-share-document" | "document-sharing-form" => {
            if !may_update_cases(role) {
                StatusCode::FORBIDDEN
            } else if !sees(p, t) {
                StatusCode::NOT_FOUND
            } else if page {
                StatusCode::SEE_OTHER
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            }
        }
        // An LA's letter templates: its administrators; another LA's are answered as ones that do not exist.
        "letter-template-form" | "api-letter-template" => {
            if !grants(role, Area::Administration, RouteAction::Update) {
                StatusCode::FORBIDDEN
            } else if p.relation.las().contains(&la("213")) {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                StatusCode::NOT_FOUND
            }
        }
        "child-page"
        | "api-child"
        | "api-child-chronology"
        | "api-contact"
        | "api-contact-case" => {
            if !may_view_cases(role) {
                StatusCode::FORBIDDEN
            } else if sees(p, t) {
                StatusCode::OK
            } else {
                StatusCode::NOT_FOUND
            }
        }
        // An LA's settings: its administrators (the page's form sent empty names every blank field; the API's
        // sent empty changes nothing); another LA's are answered as ones that do not exist.
        "admin-settings-form" | "api-admin-settings" | "api-admin-save-settings" => {
            if !grants(role, Area::Administration, RouteAction::Update) {
                StatusCode::FORBIDDEN
            } else if !p.relation.las().contains(&la("213")) {
                StatusCode::NOT_FOUND
            } else if route == "admin-settings-form" {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                StatusCode::OK
            }
        }
        // A merge, for an administrator of its LA: the one in the path does not exist.
        "api-merge" | "api-merge-undo" => {
            if role == Role::Admin {
                StatusCode::NOT_FOUND
            } else {
                StatusCode::FORBIDDEN
            }
        }
        // The children behind a figure, with no figure named: refused as incomplete (422, naming `measure`) to
        // those who may see performance data.
        "dashboard-children-page" | "dashboard-children-csv" | "api-dashboard-children" => {
            if may_see_performance(role) {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                StatusCode::FORBIDDEN
            }
        }
        other => generic(other, p, t),
    }
}

/// How a route after the front door is registered: its method, path and access rule.
#[derive(Clone, Copy, Debug)]
struct RouteFacts {
    method: &'static str,
    path: &'static str,
    access: Access,
}

thread_local! {
    /// The casework routes (strategy discussions onwards), by name, filled in by [`matrix`] from the table.
    static CASEWORK: std::cell::RefCell<BTreeMap<&'static str, RouteFacts>> =
        const { std::cell::RefCell::new(BTreeMap::new()) };
}

fn grants(role: Role, area: Area, action: RouteAction) -> bool {
    match (area, action) {
        (Area::CaseRecords, RouteAction::View | RouteAction::Search) => may_view_cases(role),
        (Area::CaseRecords, RouteAction::Create) => may_create_cases(role),
        (Area::CaseRecords, RouteAction::Update) => may_update_cases(role),
        (Area::CaseRecords, RouteAction::Approve) => may_approve(role),
        (Area::Performance, RouteAction::View) => may_see_performance(role),
        (Area::QualityAssurance, RouteAction::View | RouteAction::Search) => may_see_quality(role),
        (
            Area::QualityAssurance,
            RouteAction::Create | RouteAction::Update | RouteAction::Approve,
        ) => role == Role::Auditor,
        (Area::Administration, RouteAction::View | RouteAction::Create | RouteAction::Update) => {
            role == Role::Admin
        }
        (Area::InformationGovernance, RouteAction::View | RouteAction::Search) => {
            role == Role::InformationGovernance
        }
        (Area::Retention, RouteAction::View | RouteAction::Update) => {
            role == Role::InformationGovernance
        }
        // Restricting a record: information governance officers and team managers.
        (Area::InformationGovernance, RouteAction::Update) => {
            matches!(role, Role::InformationGovernance | Role::TeamManager)
        }
        (area, action) => panic!("the matrix does not model {action:?} in {area:?}"),
    }
}

/// The reference model for the casework routes, which follow one pattern (see `web::api_protection` and its
/// siblings). A route about a child (`{id}` in the path) is the child's record: 403 for a role never granted
/// the action, 404 for a child out of scope or missing (the same answer), and otherwise 200 for a page or
/// listing, 422 for a change sent empty (every problem named, nothing saved). A path with a second record id is
/// requested with an id that does not exist: 404 for everyone who may take the action. Routes about no single
/// record (a worklist, a caseload, a change naming its child in the body) answer 200, or 422 when sent empty,
/// to the roles granted the action, 403 to the rest.
fn generic(route: &str, p: &Principal, t: Target) -> StatusCode {
    let facts = CASEWORK
        .with(|c| c.borrow().get(route).copied())
        .unwrap_or_else(|| panic!("route {route} is missing from the matrix's reference model"));
    let page = !route.starts_with("api-");
    let change = facts.method == "POST";
    let Some(role) = p.role else {
        return anonymous(page);
    };
    let (area, action, about_child) = match facts.access {
        // An action is its child's record.
        Access::Child(action) | Access::CaseAction(action) => (Area::CaseRecords, action, true),
        Access::Grant(area, action) => (area, action, false),
        other => panic!("route {route}: the matrix does not model {other:?} for casework routes"),
    };
    if !grants(role, area, action) {
        return StatusCode::FORBIDDEN;
    }
    let second_id = facts.path.matches('{').count() > 1;
    if about_child && (!sees(p, t) || second_id) {
        return StatusCode::NOT_FOUND;
    }
    // A record of an area by its id in the path (a case-file audit, a practice week): one that does not exist.
    if !about_child && facts.path.contains('{') {
        return StatusCode::NOT_FOUND;
    }
    if change {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    }
}

// --- the world -------------------------------------------------------------------------------------------------

struct World {
    children: BTreeMap<Target, PersonId>,
    contacts: BTreeMap<Target, ContactId>,
    requests: BTreeMap<Target, InformationRequestId>,
    /// An open action on each child (agreed at a strategy discussion).
    actions: BTreeMap<Target, ActionId>,
    /// A document on each child's record, shared with the police.
    documents: BTreeMap<Target, DocumentId>,
    principals: Vec<Principal>,
    /// A4: what each LA's records carry to be found again (names, texts, ids).
    canaries: Canaries,
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
    let mut all = RecordSet::default();
    let mut children = BTreeMap::new();
    let mut contacts = BTreeMap::new();
    let mut requests = BTreeMap::new();
    let mut actions = BTreeMap::new();
    let mut documents = BTreeMap::new();
    let mut canaries = Canaries::new();
    for (t, code, name) in [
        (Target::In213, "213", "Amelia"),
        (Target::Restricted213, "213", "Bella"),
        (Target::In205, "205", "Chloe"),
        (Target::In207, "207", "Daisy"),
    ] {
        let mut set = RecordSet::default();
        let c = child(code, name);
        let mut contact = store_tests::fixture::contact(c.id, None);
        contact.la = la(code);
        let enquiry = MashEnquiry {
            id: MashEnquiryId::new(),
            la: la(code),
            contact_id: contact.id,
            child_id: c.id,
            started_at: contact.received_at,
            started_by: None,
            history_summary: None,
            completed_at: None,
        };
        let request = InformationRequest {
            id: InformationRequestId::new(),
            la: la(code),
            mash_enquiry_id: enquiry.id,
            contact_id: contact.id,
            child_id: c.id,
            agency: Agency::Police,
            question: "Any police history at the address?".into(),
            requested_by: None,
            requested_at: contact.received_at,
            due_at: contact.received_at,
            response: None,
            responded_by: None,
            responded_at: None,
        };
        let strategy = StrategyDiscussion {
            id: StrategyDiscussionId::new(),
            la: la(code),
            child_id: c.id,
            referral_id: None,
            contact_id: Some(contact.id),
            held_at: contact.received_at,
            out_of_hours: false,
            participants: Vec::new(),
            absent_agencies: Vec::new(),
            information_shared: "Matrix strategy discussion".into(),
            decision: StrategyDecision::NoSection47,
            alternative: Some("Single assessment".into()),
            review_of: None,
            recorded_by: None,
            created_at: contact.received_at,
            progress: Vec::new(),
        };
        let action = Action {
            id: ActionId::new(),
            la: la(code),
            child_id: Some(c.id),
            parent: ActionParent::StrategyDiscussion(strategy.id),
            description: "Matrix action".into(),
            owner: "Social worker".into(),
            owner_user_id: None,
            due_on: "2030-01-01".parse().unwrap(),
            status: ActionStatus::Open,
            completed_on: None,
            created_at: contact.received_at,
        };
        let document = Document {
            id: DocumentId::new(),
            la: la(code),
            child_id: c.id,
            contact_id: Some(contact.id),
            title: "Matrix police notification".into(),
            kind: None,
            file_name: "Matrix police notification.pdf".into(),
            content_type: "application/pdf".into(),
            size: 0,
            sha256: String::new(),
            shared_with: vec![Agency::Police],
            uploaded_by: None,
            uploaded_at: contact.received_at,
        };
        documents.insert(t, document.id);
        children.insert(t, c.id);
        contacts.insert(t, contact.id);
        requests.insert(t, request.id);
        actions.insert(t, action.id);
        set.people.push(c);
        set.contacts.push(contact);
        set.mash_enquiries.push(enquiry);
        set.information_requests.push(request);
        set.strategy_discussions.push(strategy);
        set.actions.push(action);
        set.documents.push(document);
        set.case_notes.push(domain::records::CaseNote::new(
            domain::ids::CaseNoteId::new(),
            la(code),
            children[&t],
            domain::codes::CaseNoteKind::Telephone,
            None,
            "2024-05-03T16:00:00Z".parse().unwrap(),
            "Matrix case note".into(),
        ));
        // A4: every text of the child's records carries a canary of its LA (the restricted child's, one of its
        // own), except the surname every search of the matrix looks for.
        let scope = if t == Target::Restricted213 {
            Scope::restricted(code)
        } else {
            Scope::of(code)
        };
        canaries.plant(&mut set, &scope, |key, _| key == "last_name");
        // The document's file holds its title and file name (canaries and all).
        for document in &mut set.documents {
            let pdf = domain::documents::minimal_pdf(&[&document.title, &document.file_name]);
            document.size = pdf.len() as u64;
            document.sha256 = domain::documents::sha256_hex(&pdf);
            set.document_contents.push(DocumentContent {
                document_id: document.id,
                bytes: pdf,
            });
        }
        all.append(&mut set);
    }
    // Each LA also has a child with a record of every kind (store_tests' journey: family, referral, assessment,
    // plans, conferences, visits, supervision, case-file audit, practice week, their team and staff), canaries in all
    // its texts, for the lists, worklists, dashboards and reports to carry. In 205 that child is the one the matrix
    // requests, so that its pages, case file, chronology and printed summary (which the shared MASH's principals of
    // every role may read) carry every kind too; elsewhere it is a child of its own, so that only the shared MASH
    // pays for reading whole case files.
    for code in ["213", "205", "207"] {
        let (mut set, journey_child) = store_tests::fixture::journey();
        if code == "205" {
            let text = serde_json::to_string(&set).unwrap().replace(
                &journey_child.to_string(),
                &children[&Target::In205].to_string(),
            );
            set = serde_json::from_str(&text).unwrap();
            set.people.retain(|p| p.id != children[&Target::In205]);
        }
        canary::move_to_la(&mut set, code);
        canaries.plant(&mut set, &Scope::of(code), |_, _| false);
        all.append(&mut set);
    }
    canaries.share_with_partners(&all);
    services
        .store()
        .insert_records(&system, all, domain::datetime::now())
        .await
        .unwrap();
    children.insert(Target::Missing, PersonId::new());
    contacts.insert(Target::Missing, ContactId::new());
    requests.insert(Target::Missing, InformationRequestId::new());
    actions.insert(Target::Missing, ActionId::new());
    documents.insert(Target::Missing, DocumentId::new());

    let mut principals = vec![Principal {
        name: "anonymous".into(),
        role: None,
        agency: None,
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
                    agency: *agency,
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
        requests,
        actions,
        documents,
        principals,
        canaries,
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
/// Whether a route is about one record, by an id in its path.
fn is_record(access: Access) -> bool {
    matches!(
        access,
        Access::Child(_)
            | Access::Contact(_)
            | Access::InformationRequest(_)
            | Access::CaseAction(_)
            | Access::Document(_)
    )
}

fn request(
    route: &routes::RouteSpec<impl Sized>,
    w: &World,
    t: Target,
    token: Option<&str>,
    request_id: &str,
) -> Option<Request<Body>> {
    let record = is_record(route.access);
    if !record && t != Target::In213 {
        return None;
    }
    let path = match route.access {
        Access::Child(_) => route.path.replace("{id}", &w.children[&t].to_string()),
        Access::Contact(_) => route.path.replace("{id}", &w.contacts[&t].to_string()),
        Access::InformationRequest(_) => route.path.replace("{id}", &w.requests[&t].to_string()),
        Access::CaseAction(_) => route.path.replace("{id}", &w.actions[&t].to_string()),
        Access::Document(_) => route.path.replace("{id}", &w.documents[&t].to_string()),
        _ => route
            .path
            .replace("{*path}", "js/init.js")
            .replace("{la}/{kind}", "213/referrer-outcome")
            .replace("{la}", "213"),
    };
    // A second record id in the path (a plan, a conference): one that does not exist.
    let path = match path.find('{') {
        Some(start) => {
            let end = path[start..]
                .find('}')
                .map_or(path.len(), |e| start + e + 1);
            format!(
                "{}{}{}",
                &path[..start],
                "00000000-0000-4000-8000-000000000000",
                &path[end..]
            )
        }
        None => path,
    };
    let path = match route.name {
        "search-page" | "api-search-children" => format!("{path}?q=Matrixchild"),
        "annex-a-download" | "api-annex-a" => {
            format!("{path}?la=213&from=2024-01-01&to=2024-06-30")
        }
        "api-data-quality" => format!("{path}?la=213"),
        _ => path,
    };
    let mut b = Request::builder()
        .method(route.method.clone())
        .uri(path)
        .header(header::HOST, "frontdoor.test")
        .header("x-request-id", request_id);
    if let Some(token) = token {
        b = b.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    let body = match route.name {
        "api-record-contact" => {
            b = b.header(header::CONTENT_TYPE, "application/json");
            Body::from(contact_body())
        }
        "api-screening"
        | "api-request-information"
        | "api-decision"
        | "api-feedback"
        | "api-respond" => {
            b = b.header(header::CONTENT_TYPE, "application/json");
            Body::from("{}")
        }
        name if name.starts_with("api-")
            && (route.method == axum::http::Method::POST
                || route.method == axum::http::Method::PUT) =>
        {
            b = b.header(header::CONTENT_TYPE, "application/json");
            Body::from("{}")
        }
        "document-sharing-form" => {
            b = b.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
            Body::from("shared_with=police")
        }
        "sign-in" => {
            b = b.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
            Body::from("username=nobody&password=nothing")
        }
        name if name.ends_with("-form") => {
            b = b.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
            Body::empty()
        }
        _ => Body::empty(),
    };
    Some(b.body(body).unwrap())
}

/// Routes after the front door: about a child's casework (under `/children/{id}/` beyond the record and its
/// chronology's API), or the casework worklists, supervision and caseloads.
fn is_casework(name: &str, path: &str) -> bool {
    let about_child = (path.starts_with("/children/{id}/")
        || path.starts_with("/api/v1/children/{id}/"))
        && path != "/api/v1/children/{id}/chronology";
    let lists = [
        "/casework",
        "/worklists/casework",
        "/caseloads",
        "/supervision",
        "/strategy-discussions",
        "/actions",
        "/letter-templates",
        "/people",
        "/dashboard",
        "/workload",
        "/quality",
        "/case-file-audit",
        "/practice-weeks",
        "/admin",
        "/information-governance",
    ];
    about_child
        || lists
            .iter()
            .any(|l| path.starts_with(l) || path.starts_with(&format!("/api/v1{l}")))
        || name.starts_with("casework-")
}

/// The request ids of every audit entry.
async fn audited_request_ids<S: Store>(store: &S) -> BTreeSet<String> {
    store
        .audit_entries(AuditFilter {
            limit: Some(1_000_000),
            ..AuditFilter::default()
        })
        .await
        .unwrap()
        .into_iter()
        .filter_map(|e| e.request_id)
        .collect()
}

/// A response's status and body.
type Answer = (StatusCode, Vec<u8>);

/// A4: whether `p` may see what `c` marks in an answer of a route with `access`: a canary of one of their LAs, and
/// for a partner agency's practitioner only what is shown to their agency. A restricted record's canaries only if
/// they are named on it, except where restrictions are looked after: information governance's and retention's
/// pages (whose roles review and lift restrictions); and ids in the audit trail (which says what record each entry
/// is about, restricted or not: that is what it is for) and in statutory returns (which count every child of the
/// LA: a restriction limits who opens the record, not what the LA returns to the DfE and Ofsted).
fn may_see(p: &Principal, access: Access, c: &Canary) -> bool {
    let Some(role) = p.role else {
        return false;
    };
    let restriction_kept = match access {
        Access::Grant(Area::InformationGovernance | Area::Retention, _) => true,
        Access::Grant(Area::Audit | Area::Returns, _) => c.class == Class::Id,
        _ => false,
    };
    p.relation.las().iter().any(|l| l.as_ref() == c.scope.la)
        && (!c.scope.restricted || p.named || restriction_kept)
        && (role != Role::Partner || p.agency.is_some_and(|a| c.agencies.contains(&a)))
}

/// One request of the run and its answer, for the A4 scan.
struct Exchange<'a> {
    /// The route's access rule.
    access: Access,
    /// The request's path and query.
    asked: &'a str,
    /// The request as the failure message names it.
    what: &'a str,
    headers: &'a axum::http::HeaderMap,
    body: &'a [u8],
}

/// A4: scan one answer (its headers, its body, and what an export holds) for canaries `p` may not see.
fn scan_answer(canaries: &Canaries, p: &Principal, x: &Exchange<'_>, tally: &mut Tally) {
    let Exchange {
        access,
        asked,
        what,
        headers,
        body,
    } = *x;
    // What the request itself named (a record's id in its path, which a redirect to sign-in or a "not found"
    // page may repeat) is not the app's to leak.
    let asked = asked.to_ascii_lowercase();
    let mut hits = Vec::new();
    canaries.scan(&canary::headers_text(headers), &mut hits);
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let reading = std::time::Instant::now();
    let (texts, export) = canary::readable(content_type, body);
    tally.export_time += reading.elapsed();
    if let Some(kind) = export {
        *tally.exports.entry(kind).or_default() += 1;
    }
    for text in &texts {
        tally.bytes += text.len() as u64;
        canaries.scan(text, &mut hits);
    }
    tally.responses += 1;
    let mut seen = BTreeSet::new();
    for hit in hits {
        if !seen.insert(hit.text.clone()) || asked.contains(&hit.text) {
            continue;
        }
        let c = hit.canary;
        if may_see(p, access, c) {
            *tally.seen_allowed.entry(c.class.label()).or_default() += 1;
            if let Some(kind) = export {
                *tally.seen_in_exports.entry(kind).or_default() += 1;
            }
        } else {
            tally.leaks.push(format!(
                "{what}: {} ({} of {}{}, in {})",
                hit.text,
                c.class.label(),
                c.scope.la,
                if c.scope.restricted {
                    ", restricted"
                } else {
                    ""
                },
                c.field
            ));
        }
    }
}

/// A2: what kind of record a JSON answer of `route` to `p` is about, as `docs/response-fields.md` names it: the
/// area of the policy the route serves (a partner's information requests and documents are theirs, not case
/// records), or an error document.
fn answer_kind(access: Access, p: &Principal, status: StatusCode) -> &'static str {
    if !status.is_success() {
        return "Problem";
    }
    let partner = p.role == Some(Role::Partner);
    let area = match access {
        Access::Public => return "Public",
        Access::SignedIn => return "Account",
        Access::Grant(area, _) => area,
        Access::Child(_) | Access::Contact(_) | Access::CaseAction(_) => Area::CaseRecords,
        Access::InformationRequest(_) | Access::Document(_) if partner => Area::PartnerRequests,
        Access::InformationRequest(_) | Access::Document(_) => Area::CaseRecords,
    };
    match area {
        Area::CaseRecords => "Case records",
        Area::PartnerRequests => "Partner information requests",
        Area::Audit => "Audit trail",
        Area::Administration => "Administration",
        Area::Returns => "Statutory returns",
        Area::Performance => "Performance",
        Area::QualityAssurance => "Quality assurance",
        Area::InformationGovernance => "Information governance",
        Area::Retention => "Retention",
    }
}

/// What the A2 and A4 checks found over the run.
#[derive(Default)]
struct Filters {
    tally: Tally,
    json_answers: u64,
    fields_checked: u64,
    pairs: BTreeSet<(String, &'static str)>,
    extra: BTreeSet<response_fields::Extra>,
    /// An extra field's first sighting, for the failure message.
    extra_where: BTreeMap<response_fields::Extra, String>,
    /// Every field seen, by kind and role (left in the reports for review: `a2-fields-seen-BACKEND.json`).
    observed: response_fields::Observed,
    /// Time spent scanning and checking.
    time: std::time::Duration,
}

async fn matrix<S: Store>(store: S) -> Reports {
    let log = Log::capture();
    let log_from = log.len();
    let field_list = FieldList::load();
    let mut filters = Filters::default();
    let services = Services::new(store.clone());
    let w = world(&services).await;
    let app = web::router(
        services.clone(),
        web::admission::AdmissionSettings::default(),
    );
    let table = routes::table::<S>();
    CASEWORK.with(|c| {
        let mut c = c.borrow_mut();
        c.clear();
        for r in table.iter().filter(|r| is_casework(r.name, r.path)) {
            c.insert(
                r.name,
                RouteFacts {
                    method: if r.method == axum::http::Method::POST
                        || r.method == axum::http::Method::PUT
                    {
                        "POST"
                    } else {
                        "GET"
                    },
                    path: r.path,
                    access: r.access,
                },
            );
        }
    });
    let mut cases = 0u64;
    let mut wrong = Vec::new();
    // Requests about one record by a signed-in principal, by request id.
    let mut record_requests: BTreeSet<String> = BTreeSet::new();
    // (principal, route) → (status, body) per target, for the existence-oracle check.
    let mut answers: BTreeMap<(String, &str), BTreeMap<Target, Answer>> = BTreeMap::new();
    for p in &w.principals {
        for route in &table {
            for t in TARGETS {
                let request_id = format!("matrix-{cases:06}");
                let Some(req) = request(route, &w, t, p.token.as_deref(), &request_id) else {
                    continue;
                };
                let asked = req.uri().to_string();
                let response = app.clone().oneshot(req).await.unwrap();
                let status = response.status();
                let headers = response.headers().clone();
                // The server gives every request its own id (the one sent is only echoed): the audit trail
                // and error pages carry the server's.
                let request_id = response
                    .headers()
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or(&request_id)
                    .to_owned();
                let body = axum::body::to_bytes(response.into_body(), 64 << 20)
                    .await
                    .unwrap()
                    .to_vec();
                let scanning = std::time::Instant::now();
                let what = format!(
                    "{} {} as {} on {t:?} ({status})",
                    route.method, route.path, p.name
                );
                let exchange = Exchange {
                    access: route.access,
                    asked: &asked,
                    what: &what,
                    headers: &headers,
                    body: &body,
                };
                scan_answer(&w.canaries, p, &exchange, &mut filters.tally);
                let json = headers
                    .get(header::CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok())
                    .is_some_and(|c| {
                        c.starts_with("application/json")
                            || c.starts_with("application/problem+json")
                    });
                // The OpenAPI document describes the API (the same for everyone); it holds no records.
                if json && route.name != "api-openapi" {
                    let answer: serde_json::Value = serde_json::from_slice(&body).unwrap();
                    let kind = answer_kind(route.access, p, status);
                    response_fields::observe(p.role, kind, &answer, &mut filters.observed);
                    let before = filters.extra.len();
                    filters.fields_checked +=
                        field_list.check(p.role, kind, &answer, &mut filters.extra);
                    filters.json_answers += 1;
                    filters
                        .pairs
                        .insert((p.role.map_or("anonymous", |r| r.label()).to_owned(), kind));
                    if filters.extra.len() > before {
                        for e in filters.extra.iter() {
                            filters
                                .extra_where
                                .entry(e.clone())
                                .or_insert_with(|| what.clone());
                        }
                    }
                }
                filters.time += scanning.elapsed();
                // Error pages show the request id; take it out so that answers can be compared.
                let body = String::from_utf8_lossy(&body).replace(&request_id, "REQUEST-ID");
                cases += 1;
                let want = expected(route.name, p, t);
                if status != want {
                    wrong.push(format!(
                        "{} {} as {} on {t:?}: got {status}, expected {want}",
                        route.method, route.path, p.name
                    ));
                }
                if is_record(route.access) {
                    if p.role.is_some() {
                        record_requests.insert(request_id);
                    }
                    answers
                        .entry((p.name.clone(), route.name))
                        .or_default()
                        .insert(t, (status, body.into_bytes()));
                }
            }
        }
    }
    // A5: a record the caller may not touch answers exactly like a missing one: status and body.
    let mut oracle_leaks = Vec::new();
    for ((who, route), by_target) in &answers {
        let missing = &by_target[&Target::Missing];
        let p = w.principals.iter().find(|p| &p.name == who).unwrap();
        for (t, answer) in by_target {
            let refused = matches!(
                expected(route, p, *t),
                StatusCode::NOT_FOUND | StatusCode::FORBIDDEN
            );
            if refused && answer != missing {
                oracle_leaks.push(format!(
                    "{route} as {who}: {t:?} answers differently from a missing record"
                ));
            }
        }
    }
    let scanning = std::time::Instant::now();
    // A4: the log of the run (everything the process logged meanwhile): no canary's text at all (names, notes,
    // titles, file names; ids are what logs are for).
    let (log_lines, log_leaks) = w.canaries.scan_log(&log.since(log_from));
    filters.time += scanning.elapsed();
    // U1: every request about a child's record by a signed-in user, allowed or not, is in the audit trail
    // (under its request id); and nothing else claims to be one.
    let audited = audited_request_ids(&store).await;
    let unaudited: Vec<&String> = record_requests.difference(&audited).collect();
    let views = record_requests.len() - unaudited.len();
    let record_requests = record_requests.len();
    let report = format!(
        "authorisation matrix ({}): {} routes, {} principals, {cases} cases, {} wrong decisions; existence oracle: {} \
         differences; audit completeness: {record_requests} child-record requests, {views} of them in the audit trail",
        store.backend_name(),
        table.len(),
        w.principals.len(),
        wrong.len(),
        oracle_leaks.len(),
    );
    let (names, texts, ids) = w.canaries.counts();
    let t = &filters.tally;
    let exports = t
        .exports
        .iter()
        .map(|(k, n)| format!("{n} {k}"))
        .collect::<Vec<_>>()
        .join(", ");
    let seen = t
        .seen_allowed
        .iter()
        .map(|(k, n)| format!("{n} {k}s"))
        .chain(
            t.seen_in_exports
                .iter()
                .map(|(k, n)| format!("{n} of them in {k}s")),
        )
        .collect::<Vec<_>>()
        .join(", ");
    let canary_report = format!(
        "A4 canary scan ({}): {} canaries planted in 3 LAs ({names} names, {texts} texts, {ids} ids), {} responses \
         (headers and bodies, {:.0} MB, exports: {exports}) and {log_lines} log lines scanned, {} leaks ({} in \
         responses, {} in the log); canaries found where the caller may see them: {seen}; {:.1} s of scanning ({:.1} s reading exports)",
        store.backend_name(),
        w.canaries.len(),
        t.responses,
        t.bytes as f64 / 1e6,
        t.leaks.len() + log_leaks.len(),
        t.leaks.len(),
        log_leaks.len(),
        filters.time.as_secs_f64(),
        t.export_time.as_secs_f64(),
    );
    // Every (role, kind) the list names was answered in JSON in the run, so every section was checked.
    let seen_pairs: BTreeSet<(String, String)> = filters
        .pairs
        .iter()
        .map(|(r, k)| (r.clone(), (*k).to_owned()))
        .collect();
    let listed = field_list.pairs();
    let unchecked: Vec<_> = listed.difference(&seen_pairs).collect();
    let (fields_listed, unseen) = field_list.unseen(&filters.observed);
    let fields_report = format!(
        "A2 field-level filters ({}): {} JSON answers, {} fields checked against docs/response-fields.md; \
         (role × record kind) pairs: {} answered, {} of the list's {} checked; {} of the list's {} fields sent; \
         {} extra fields",
        store.backend_name(),
        filters.json_answers,
        filters.fields_checked,
        seen_pairs.len(),
        listed.len() - unchecked.len(),
        listed.len(),
        fields_listed - unseen.len(),
        fields_listed,
        filters.extra.len(),
    );
    support::leave(
        &format!("a2-fields-seen-{}.json", store.backend_name()),
        &serde_json::to_string_pretty(&filters.observed).unwrap(),
    );
    support::leave(
        &format!("a4-leaks-{}.txt", store.backend_name()),
        &t.leaks
            .iter()
            .chain(&log_leaks)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n"),
    );
    let mut problems = Vec::new();
    if !wrong.is_empty() {
        problems.push(
            wrong
                .iter()
                .take(40)
                .cloned()
                .collect::<Vec<_>>()
                .join("\n"),
        );
    }
    if !oracle_leaks.is_empty() {
        problems.push(oracle_leaks.join("\n"));
    }
    if !unaudited.is_empty() {
        problems.push(format!(
            "not audited: {:?}",
            unaudited.iter().take(20).collect::<Vec<_>>()
        ));
    }
    if !t.leaks.is_empty() || !log_leaks.is_empty() {
        problems.push(format!(
            "A4 leaks (the first 60 of the responses', the first 20 of the log's):\n{}\n{}",
            t.leaks
                .iter()
                .take(60)
                .cloned()
                .collect::<Vec<_>>()
                .join("\n"),
            log_leaks
                .iter()
                .take(20)
                .cloned()
                .collect::<Vec<_>>()
                .join("\n")
        ));
    }
    if !unchecked.is_empty() {
        problems.push(format!(
            "A2: (role, kind) pairs docs/response-fields.md lists that no JSON answer of the run was: {unchecked:?}"
        ));
    }
    if !unseen.is_empty() {
        problems.push(format!(
            "A2: fields docs/response-fields.md gives that no JSON answer of the run carried (take them out): \
             {unseen:?}"
        ));
    }
    if !filters.extra.is_empty() {
        problems.push(format!(
            "A2: fields docs/response-fields.md does not give (where each was first seen):\n{}\n\nas rows:\n{}",
            filters
                .extra_where
                .iter()
                .take(60)
                .map(|(e, at)| format!("{e:?} at {at}"))
                .collect::<Vec<_>>()
                .join("\n"),
            response_fields::as_rows(&filters.extra)
        ));
    }
    assert!(
        problems.is_empty(),
        "{report}\n{canary_report}\n{fields_report}\n{}",
        problems.join("\n\n")
    );
    Reports {
        matrix: report,
        canaries: canary_report,
        fields: fields_report,
    }
}

/// A2: the list itself gives a partner agency's practitioner nothing of the child's case, only the request and
/// what was shared with their agency: none of the case file's parts, the contact's, or the child's identifiers
/// beyond name and date of birth is among their fields (a row added to the list later fails here too).
#[test]
fn partners_are_given_nothing_of_the_case() {
    const CASE: [&str; 40] = [
        "concerns",
        "referrer",
        "screening",
        "decision",
        "feedback",
        "rag",
        "rag_history",
        "enquiry",
        "history",
        "history_summary",
        "history_flags",
        "chronology",
        "family",
        "households",
        "relationships",
        "professionals",
        "referrals",
        "cin_episodes",
        "open_episodes",
        "assessments",
        "latest_assessment",
        "plans",
        "conferences",
        "core_groups",
        "visits",
        "strategy_discussions",
        "section47s",
        "early_help",
        "flags",
        "specialist_involvements",
        "notes",
        "text",
        "wishes_and_feelings",
        "information_shared",
        "findings",
        "analysis",
        "nhs_number",
        "upn",
        "ethnicity",
        "religion",
    ];
    let given = FieldList::load().given_to(Role::Partner);
    assert!(
        given
            .iter()
            .any(|(kind, _, f)| kind == "Partner information requests" && f == "question"),
        "the list gives partners their requests"
    );
    let case: Vec<_> = given
        .iter()
        .filter(|(kind, object, field)| {
            kind != "Partner information requests"
                || CASE.contains(&field.as_str())
                || object.split('.').any(|o| CASE.contains(&o))
        })
        .collect();
    assert!(
        case.is_empty(),
        "docs/response-fields.md gives partners {case:?}"
    );
}

/// The figures of one run.
struct Reports {
    matrix: String,
    canaries: String,
    fields: String,
}

impl Reports {
    fn print(&self, backend: &str) {
        support::report(&format!("matrix-{backend}"), &self.matrix);
        support::report(&format!("canary-scan-{backend}"), &self.canaries);
        support::report(&format!("field-filters-{backend}"), &self.fields);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn authorisation_matrix_on_sqlite() {
    let db = store_tests::sqlite().await;
    matrix(db.store.clone()).await.print("sqlite");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn authorisation_matrix_on_postgres() {
    if !store_tests::pg_configured("authorisation_matrix_on_postgres") {
        return;
    }
    let db = store_tests::PgTestDb::create().await.unwrap();
    matrix(db.open().await).await.print("postgres");
}
