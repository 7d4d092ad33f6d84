//! A version check on every change (issue 12), on a random port, against SQLite and PostgreSQL. Every change
//! route of `routes::table` (every POST) is sent twice by a user who read the record before someone else
//! changed it: based on the version they read (stale), it is refused with 409 and nothing changes (the version,
//! the record as read back, every record count); based on the version as it is now, it is saved (2xx for the
//! API, 303 for a page) and the version moves on. The API sends the version in `If-Match`; a page sends it as
//! the form field `version` (a bearer token stands in for the session, so no CSRF token).
//!
//! The table is checked against the router: a POST route that is neither walked here nor listed as changing no
//! existing record fails the test. Each route is walked on a record of its own (a fresh child or contact),
//! brought through the API to the point the change needs.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use domain::audit::Actor;
use domain::codes::{Agency, CaseNoteKind, ReferralSource, Role};
use domain::datetime::Timestamp;
use domain::ids::{CaseNoteId, InformationRequestId, PersonId, ReferralId, UserId};
use domain::policy::Decision;
use domain::records::{CaseNote, RecordCounts, RecordSet, Referral};
use reqwest::StatusCode;
use serde_json::{Value, json};
use service::{Clock, NewUser};
use store::{CaseChange, Store};
use support::{TestApp, TestDb, la, new_user};

/// Now: Wednesday 10 September 2025, 11:00 BST.
const NOW: &str = "2025-09-10T10:00:00Z";
const TODAY: &str = "2025-09-10";

/// What a change route changes; each is walked on a record brought to the point the change needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    // The front door: a contact (its version: `GET /api/v1/contacts/{id}/case`).
    Screen,
    ApproveConsent,
    RequestInformation,
    Decide,
    Oversee,
    Feedback,
    // A partner's answer (the request's own version: `GET /api/v1/information-requests/{id}`).
    Respond,
    // Child protection (`GET /api/v1/children/{id}/protection`).
    StrategyNamingChild,
    Strategy,
    Section47Outcome,
    Conference,
    CoreGroup,
    // Planning (`GET /api/v1/children/{id}/plans`).
    RecordAssessment,
    UpdateAssessment,
    AuthoriseAssessment,
    CreatePlan,
    AddPlanActions,
    ReviewPlan,
    EndPlan,
    RecordVisit,
    // Case management (`GET /api/v1/children/{id}/case-management`).
    RaiseFlag,
    EndFlag,
    AddInvolvement,
    EndInvolvement,
    StepDown,
    OverseeEarlyHelp,
    StepUp,
    EndEarlyHelp,
    Allocate,
    Close,
    // Case notes (the note is counted; the version read from `GET /api/v1/children/{id}/case-management`).
    AddNote,
    CorrectNote,
    // Actions (`GET /api/v1/children/{id}/plans`): the API names the action alone, a page the child and action.
    ActionDone,
    ActionDoneOnPage,
    ActionRedate,
    ActionRedateOnPage,
    // Documents (`GET /api/v1/children/{id}/case-management` for the child's version): a file attached to the
    // child's record or a contact (multipart), and who a document is shared with.
    AttachDocument,
    AttachContactDocument,
    ShareDocument,
    // Letters (`GET /api/v1/children/{id}/case-management` for the child's version): a letter kept on the file.
    MakeLetter,
    // People over time (`GET /api/v1/people/{id}`; a merge's undo: `GET /api/v1/merges/{id}`).
    ChangeDetails,
    MoveAddress,
    AddRelationship,
    ChangeRelationship,
    AddProfessional,
    EndProfessional,
    Merge,
    UndoMerge,
    // Quality assurance (the child's version: `GET /api/v1/children/{id}/case-management`, or the audit's read,
    // `GET /api/v1/case-file-audits/{id}`, for its moderation).
    RecordAudit,
    ModerateAudit,
    ReflectOnAudit,
}

/// Every change route, by its name in `routes::table`: the API's, then the page's.
const CHANGES: &[(Op, &[&str])] = &[
    (Op::Screen, &["api-screening", "screening-form"]),
    (
        Op::ApproveConsent,
        &["api-consent-approval", "consent-approval-form"],
    ),
    (
        Op::RequestInformation,
        &["api-request-information", "request-information-form"],
    ),
    (Op::Decide, &["api-decision", "decision-form"]),
    (Op::Oversee, &["api-oversight", "oversight-form"]),
    (Op::Feedback, &["api-feedback", "feedback-form"]),
    (Op::Respond, &["api-respond", "respond-form"]),
    (Op::StrategyNamingChild, &["api-record-strategy-discussion"]),
    (
        Op::Strategy,
        &["api-child-strategy-discussion", "strategy-discussion-form"],
    ),
    (
        Op::Section47Outcome,
        &["api-section47-outcome", "section47-outcome-form"],
    ),
    (Op::Conference, &["api-conference", "conference-form"]),
    (Op::CoreGroup, &["api-core-group", "core-group-form"]),
    (
        Op::RecordAssessment,
        &["api-record-assessment", "assessment-form"],
    ),
    (
        Op::UpdateAssessment,
        &["api-update-assessment", "update-assessment-form"],
    ),
    (
        Op::AuthoriseAssessment,
        &["api-authorise-assessment", "authorise-assessment-form"],
    ),
    (Op::CreatePlan, &["api-create-plan", "plan-form"]),
    (
        Op::AddPlanActions,
        &["api-plan-actions", "plan-actions-form"],
    ),
    (Op::ReviewPlan, &["api-plan-review", "plan-review-form"]),
    (Op::EndPlan, &["api-end-plan", "end-plan-form"]),
    (Op::RecordVisit, &["api-record-visit", "visit-form"]),
    (Op::RaiseFlag, &["api-raise-flag", "case-flag-form"]),
    (Op::EndFlag, &["api-end-flag", "case-flag-end-form"]),
    (
        Op::AddInvolvement,
        &["api-specialist-involvement", "case-involvement-form"],
    ),
    (
        Op::EndInvolvement,
        &[
            "api-end-specialist-involvement",
            "case-involvement-end-form",
        ],
    ),
    (Op::StepDown, &["api-early-help", "case-early-help-form"]),
    (
        Op::OverseeEarlyHelp,
        &["api-early-help-oversight", "case-early-help-oversight-form"],
    ),
    (
        Op::StepUp,
        &["api-early-help-step-up", "case-early-help-step-up-form"],
    ),
    (
        Op::EndEarlyHelp,
        &["api-early-help-end", "case-early-help-end-form"],
    ),
    (Op::Allocate, &["api-allocation", "case-allocation-form"]),
    (Op::Close, &["api-closure", "case-closure-form"]),
    (Op::AddNote, &["api-add-case-note", "case-note-form"]),
    (
        Op::CorrectNote,
        &["api-correct-case-note", "case-note-correction-form"],
    ),
    (Op::ActionDone, &["api-action-done"]),
    (Op::ActionDoneOnPage, &["action-done-form"]),
    (Op::ActionRedate, &["api-action-redate"]),
    (Op::ActionRedateOnPage, &["action-redate-form"]),
    (
        Op::AttachDocument,
        &["api-attach-document", "document-upload-form"],
    ),
    (
        Op::AttachContactDocument,
        &[
            "api-attach-contact-document",
            "contact-document-upload-form",
        ],
    ),
    (
        Op::ShareDocument,
        &["api-share-document", "document-sharing-form"],
    ),
    (Op::MakeLetter, &["api-letters", "letter-form"]),
    (
        Op::ChangeDetails,
        &["api-person-change", "person-details-form"],
    ),
    (
        Op::MoveAddress,
        &["api-person-address", "person-address-form"],
    ),
    (
        Op::AddRelationship,
        &["api-person-relationship", "person-relationship-form"],
    ),
    (
        Op::ChangeRelationship,
        &[
            "api-person-relationship-change",
            "person-relationship-change-form",
        ],
    ),
    (
        Op::AddProfessional,
        &["api-person-professional", "person-professional-form"],
    ),
    (
        Op::EndProfessional,
        &[
            "api-person-professional-end",
            "person-professional-end-form",
        ],
    ),
    (Op::Merge, &["api-person-merge", "person-merge-form"]),
    (Op::UndoMerge, &["api-merge-undo"]),
    (
        Op::RecordAudit,
        &["api-record-case-file-audit", "quality-audit-form"],
    ),
    (
        Op::ModerateAudit,
        &["api-case-file-audit-moderation", "quality-moderation-form"],
    ),
    (
        Op::ReflectOnAudit,
        &[
            "api-child-case-file-audit-reflection",
            "child-audit-reflection-form",
        ],
    ),
];

/// POST routes that change no existing record, so have no version to check, and why; or whose version is not a
/// child's (said so, with where it is checked).
const NO_EXISTING_RECORD: &[(&str, &str)] = &[
    (
        "letter-template-form",
        "an LA's letter template, not a child's record: its revision is checked, a stale edit refused with \
         nothing overwritten, in tests/letters.rs",
    ),
    (
        "api-letter-template",
        "an LA's letter template, not a child's record: its revision is checked, a stale edit refused with \
         nothing overwritten, in tests/letters.rs",
    ),
    ("admin-user-create-form", "adds a user: creates it only"),
    ("api-admin-create-user", "adds a user: creates it only"),
    ("admin-team-create-form", "creates a team: creates it only"),
    ("api-admin-create-team", "creates a team: creates it only"),
    (
        "admin-user-form",
        "a user, not a child's record: the user's version is checked, a stale change refused with nothing \
         changed, in tests/admin.rs",
    ),
    (
        "admin-user-access-form",
        "a user, not a child's record: the user's version is checked, a stale change refused with nothing \
         changed, in tests/admin.rs",
    ),
    (
        "admin-user-password-form",
        "a user, not a child's record: the user's version is checked, a stale change refused with nothing \
         changed, in tests/admin.rs",
    ),
    (
        "api-admin-update-user",
        "a user, not a child's record: the user's version is checked, a stale change refused with nothing \
         changed, in tests/admin.rs",
    ),
    (
        "api-admin-user-disabled",
        "a user, not a child's record: the user's version is checked, a stale change refused with nothing \
         changed, in tests/admin.rs",
    ),
    (
        "api-admin-user-password",
        "a user, not a child's record: the user's version is checked, a stale change refused with nothing \
         changed, in tests/admin.rs",
    ),
    (
        "admin-team-form",
        "a team, not a child's record: the team's version is checked, a stale change refused with nothing \
         changed, in tests/admin.rs",
    ),
    (
        "admin-team-closure-form",
        "a team, not a child's record: the team's version is checked, a stale change refused with nothing \
         changed, in tests/admin.rs",
    ),
    (
        "api-admin-update-team",
        "a team, not a child's record: the team's version is checked, a stale change refused with nothing \
         changed, in tests/admin.rs",
    ),
    (
        "api-admin-close-team",
        "a team, not a child's record: the team's version is checked, a stale change refused with nothing \
         changed, in tests/admin.rs",
    ),
    (
        "admin-settings-form",
        "an LA's settings, not a child's record: their version is checked, a stale change refused with \
         nothing changed, in tests/admin.rs",
    ),
    (
        "api-admin-save-settings",
        "an LA's settings, not a child's record: their version is checked, a stale change refused with \
         nothing changed, in tests/admin.rs",
    ),
    (
        "admin-user-tokens-form",
        "revokes a user's API tokens: each token is revoked once, whatever version was seen",
    ),
    (
        "api-admin-user-tokens-revoke",
        "revokes a user's API tokens: each token is revoked once, whatever version was seen",
    ),
    (
        "restriction-form",
        "a child's restriction, not the case file: its own version is checked, a stale change refused with \
         nothing changed, in tests/information_governance.rs",
    ),
    (
        "restriction-lift-form",
        "a child's restriction, not the case file: its own version is checked, a stale change refused with \
         nothing changed, in tests/information_governance.rs",
    ),
    (
        "api-child-restriction",
        "a child's restriction, not the case file: its own version is checked, a stale change refused with \
         nothing changed, in tests/information_governance.rs",
    ),
    (
        "api-child-restriction-lift",
        "a child's restriction, not the case file: its own version is checked, a stale change refused with \
         nothing changed, in tests/information_governance.rs",
    ),
    ("legal-hold-form", "places a legal hold: creates it only"),
    (
        "api-legal-hold-create",
        "places a legal hold: creates it only",
    ),
    (
        "legal-hold-lift-form",
        "a legal hold, not a child's record: its version is checked, a stale lift refused with nothing \
         changed, in tests/retention.rs",
    ),
    (
        "api-legal-hold-lift",
        "a legal hold, not a child's record: its version is checked, a stale lift refused with nothing \
         changed, in tests/retention.rs",
    ),
    (
        "retention-deletion-form",
        "deletes the files a dry-run report listed: the report's version is checked, a deletion naming an \
         out-of-date report refused with 409 and nothing deleted, in tests/retention.rs",
    ),
    (
        "api-retention-deletions",
        "deletes the files a dry-run report listed: the report's version is checked, a deletion naming an \
         out-of-date report refused with 409 and nothing deleted, in tests/retention.rs",
    ),
    (
        "break-glass-form",
        "opens a restricted record in an emergency: records the access, changes no record",
    ),
    (
        "api-break-glass",
        "opens a restricted record in an emergency: records the access, changes no record",
    ),
    (
        "admin-organisation-create-form",
        "adds a partner organisation: creates it only",
    ),
    (
        "api-admin-create-organisation",
        "adds a partner organisation: creates it only",
    ),
    (
        "admin-organisation-form",
        "a partner organisation, not a child's record: its version is checked, a stale change refused with \
         nothing changed, in tests/admin.rs",
    ),
    (
        "api-admin-update-organisation",
        "a partner organisation, not a child's record: its version is checked, a stale change refused with \
         nothing changed, in tests/admin.rs",
    ),
    ("sign-in", "signs in: a session, no record"),
    (
        "sign-in-second-factor",
        "the second step of signing in: a session, no record (a code works once, whatever was seen)",
    ),
    (
        "account-second-factor-form",
        "the user's own second factor, not a child's record: the user's version is checked, a stale change \
         refused with nothing changed, in tests/second_factor.rs",
    ),
    (
        "account-recovery-codes-form",
        "the user's own recovery codes: the user's version is checked, in tests/second_factor.rs",
    ),
    (
        "account-second-factor-removal-form",
        "the user's own second factor: the user's version is checked, in tests/second_factor.rs",
    ),
    (
        "admin-user-second-factor-form",
        "a user's second factor, not a child's record: the user's version is checked, a stale change refused \
         with nothing changed, in tests/second_factor.rs",
    ),
    (
        "api-admin-user-second-factor-removal",
        "a user's second factor, not a child's record: the user's version is checked, a stale change refused \
         with nothing changed, in tests/second_factor.rs",
    ),
    ("sign-out", "signs out: ends the session, no record"),
    (
        "record-contact-form",
        "records a contact: it creates records only",
    ),
    (
        "api-record-contact",
        "records a contact: it creates records only",
    ),
    (
        "supervision-form",
        "records a supervision and its actions: creates them only, each child checked when saved",
    ),
    (
        "api-record-supervision",
        "records a supervision and its actions: creates them only, each child checked when saved",
    ),
    (
        "api-create-practice-week",
        "creates a practice week: no child's record, nothing existing changed",
    ),
    (
        "quality-week-form",
        "creates a practice week: no child's record, nothing existing changed",
    ),
    (
        "api-practice-week-observation",
        "records a practice observation: creates it only, about a practitioner, not a child",
    ),
    (
        "quality-observation-form",
        "records a practice observation: creates it only, about a practitioner, not a child",
    ),
];

fn op_of(route: &str) -> Option<Op> {
    CHANGES
        .iter()
        .find(|(_, names)| names.contains(&route))
        .map(|(op, _)| *op)
}

/// What someone else changes while the first user has the record open.
enum Meanwhile {
    /// A colleague's case note on the child: the child's records move on.
    CaseNote(PersonId),
    /// The MASH rewords an information request: the request itself moves on (a partner sees only that).
    Request(PersonId, InformationRequestId),
}

/// A record ready for one change: the ids its path names, who sends what, and where its version is read.
struct Target {
    /// `{id}` in the path: the contact, the information request or the child.
    id: String,
    /// The path's second id (`{s47}`, `{plan}`, `{episode}`, …), when it has one.
    record: Option<String>,
    token: String,
    /// The change as the API takes it; a page sends the same fields as a form.
    body: Value,
    /// The `GET` that gives the version the change is based on (and the record to compare).
    read: String,
    meanwhile: Meanwhile,
    /// A file to send with the body's fields as multipart/form-data (an upload).
    file: Option<Vec<u8>>,
}

/// What a stale attempt must leave as it was.
#[derive(PartialEq)]
struct Snapshot {
    record: Value,
    counts: RecordCounts,
}

impl Snapshot {
    fn version(&self) -> i64 {
        version(&self.record)
    }
}

fn version(read: &Value) -> i64 {
    read["version"]
        .as_i64()
        .unwrap_or_else(|| panic!("no version in {read}"))
}

/// The figures of one back end.
#[derive(Default)]
struct Tally {
    api: usize,
    pages: usize,
    refused: usize,
    saved: usize,
    failures: Vec<String>,
}

struct World<S> {
    app: TestApp<S>,
    now: Timestamp,
    worker: String,
    worker_id: UserId,
    manager: String,
    chair: String,
    police: String,
    admin: String,
    auditor: String,
    second_auditor: String,
}

/// A user of LA 213 with a display name and, for a partner, an agency: their API token and id.
async fn user<S: Store>(
    app: &TestApp<S>,
    username: &str,
    role: Role,
    agency: Option<Agency>,
) -> (String, UserId) {
    let (token, u) = app
        .add_user(NewUser {
            display_name: Some(format!("{username} (test)")),
            agency,
            ..new_user(username, role, &["213"])
        })
        .await;
    (token, u.id)
}

/// A JSON body as a page form sends it: `actions[0].owner`, a list of codes as the same name repeated, a
/// ticked box as `yes`.
fn form_fields(name: &str, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(m) => {
            for (k, v) in m {
                let field = if name.is_empty() {
                    k.clone()
                } else {
                    format!("{name}.{k}")
                };
                form_fields(&field, v, out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                if v.is_object() {
                    form_fields(&format!("{name}[{i}]"), v, out);
                } else {
                    form_fields(name, v, out);
                }
            }
        }
        Value::Bool(b) => out.push((name.to_owned(), if *b { "yes" } else { "no" }.to_owned())),
        Value::Number(n) => out.push((name.to_owned(), n.to_string())),
        Value::String(s) => out.push((name.to_owned(), s.clone())),
        Value::Null => {}
    }
}

const BOUNDARY: &str = "frontdoor-versions-boundary";

/// A multipart/form-data body: the fields, then the file as `file`.
fn multipart(fields: &[(String, String)], file: Option<&[u8]>) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, value) in fields {
        out.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    if let Some(bytes) = file {
        out.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"notification.pdf\"\r\n\r\n"
            )
            .as_bytes(),
        );
        out.extend_from_slice(bytes);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    out
}

/// A route's path with the target's ids: `{id}`, then the record's (whatever the route calls it).
fn fill(template: &str, t: &Target) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let close = open + rest[open..].find('}').unwrap();
        out.push_str(&rest[..open]);
        match &rest[open + 1..close] {
            "id" => out.push_str(&t.id),
            other => out.push_str(
                t.record
                    .as_deref()
                    .unwrap_or_else(|| panic!("{template}: nothing seeded for {{{other}}}")),
            ),
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

/// What an answer said, briefly: a page's title and error summary, or the start of a problem document.
fn said(text: &str) -> String {
    if !text.starts_with("<!DOCTYPE") {
        return text.chars().take(300).collect();
    }
    let between = |from: &str, open: &str, close: &str| -> Vec<String> {
        from.split(open)
            .skip(1)
            .filter_map(|s| {
                s.split_once(close)
                    .map(|(inner, _)| inner.trim().to_owned())
            })
            .collect()
    };
    let title = between(text, "<title>", "</title>").join("");
    let summary = text
        .split_once("govuk-error-summary__list")
        .map(|(_, rest)| between(rest.split("</ul>").next().unwrap_or(""), "\">", "</a>"))
        .unwrap_or_default();
    format!("page '{title}' {summary:?}")
}

/// The record counts that differ.
fn changed(before: &RecordCounts, after: &RecordCounts) -> Vec<String> {
    before
        .0
        .iter()
        .zip(&after.0)
        .filter(|(b, a)| b != a)
        .map(|((name, b), (_, a))| format!("{name} {b} → {a}"))
        .collect()
}

// --- the bodies, as the existing tests send them ---------------------------------------------------------------

fn screening(consent: &str) -> Value {
    let mut b = json!({"threshold": "4", "rag": "amber",
        "rag_rationale": "Domestic abuse, children present", "consent": consent});
    if consent != "given" {
        b["consent_rationale"] = json!("Asking would alert the alleged perpetrator");
    }
    b
}

fn decision() -> Value {
    json!({"outcome": "referral", "primary_need": "N1",
        "rationale": "Police history and an injury: a child and family assessment is needed"})
}

fn strategy() -> Value {
    json!({
        "held_at": "2025-08-01T10:00",
        "participants": [
            {"name": "DC Hughes", "agency": "police", "role": "Child abuse investigation team"},
            {"name": "Dr Patel", "agency": "health", "role": "Named GP"},
            {"name": "Ms Rowe", "agency": "education", "role": "Designated safeguarding lead"},
            {"name": "Sam Okoro", "agency": "social-care", "role": "Social worker"}
        ],
        "information_shared": "Police: two call-outs in July. Health: missed appointments. School: bruising seen.",
        "decision": "section-47",
        "actions": [{"description": "See the child alone at school", "owner": "Sam Okoro", "due_on": "2025-08-05"}]
    })
}

fn assessment() -> Value {
    json!({
        "start_date": "2025-08-22",
        "child_seen": true,
        "child_seen_alone": true,
        "wishes_and_feelings": "She says she feels safe with her nan and wants to see her dad at weekends",
        "identity_and_culture": "Dual heritage; attends church with her nan",
        "sources_of_information": "School, health visitor, police",
        "history_considered": "Two previous contacts about domestic abuse",
        "risk_factors": "Domestic abuse between the adults",
        "protective_factors": "Nan lives nearby",
        "safety_goals": "She sleeps at home without arguments waking her",
        "scaling": 4,
        "factors": ["3B", "13A"]
    })
}

fn with_outcome(mut body: Value) -> Value {
    body["outcome"] = json!("cin-plan");
    body
}

fn plan() -> Value {
    json!({
        "start_date": "2025-08-22",
        "needs": "A calm home and school every day",
        "desired_outcomes": "No police call-outs; attendance above 95%",
        "next_review_on": "2025-10-03",
        "actions": [
            {"description": "Refer mum to the domestic abuse service", "owner": "Social worker", "due_on": "2025-09-19"},
            {"description": "Health check", "owner": "School nurse", "due_on": "2025-09-26"}
        ]
    })
}

fn early_help() -> Value {
    json!({"lead_practitioner": "Jo Family-Worker", "lead_agency": "education",
        "reason": "Support with routines and school attendance", "start_date": "2025-09-01"})
}

impl<S: Store> World<S> {
    /// A change made through the API to set the scene; it must be saved.
    async fn ok(&self, token: &str, path: &str, body: Value) -> Value {
        let (status, body) = self.app.post(token, path, body).await.parts();
        assert!(status.is_success(), "setting up, {path}: {status} {body}");
        body
    }

    /// A fresh child of LA 213, with an open referral from `referred` when given.
    async fn child(&self, referred: Option<&str>) -> PersonId {
        let c = store_tests::fixture::new_child("Vera", "Versiontest", "2015-06-01");
        let referrals = referred
            .map(|d| Referral {
                id: ReferralId::new(),
                la: la("213"),
                child_id: c.id,
                contact_id: None,
                referral_date: d.parse().unwrap(),
                source: ReferralSource::Schools,
                primary_need: None,
                nfa: false,
                closure: None,
                created_at: format!("{d}T09:00:00Z").parse().unwrap(),
            })
            .into_iter()
            .collect();
        let id = c.id;
        self.app
            .store()
            .insert_records(
                &Actor::system("test"),
                RecordSet {
                    people: vec![c],
                    referrals,
                    ..RecordSet::default()
                },
                domain::datetime::now(),
            )
            .await
            .unwrap();
        id
    }

    /// A fresh child with a contact about them received this morning, not yet screened.
    async fn contact(&self) -> (PersonId, String) {
        let child = store_tests::fixture::new_child("Cora", "Versiontest", "2016-02-02");
        let mut contact = store_tests::fixture::contact(child.id, None);
        contact.received_at = "2025-09-10T08:00:00Z".parse().unwrap();
        contact.recorded_at = "2025-09-10T08:05:00Z".parse().unwrap();
        let ids = (child.id, contact.id.to_string());
        self.app
            .store()
            .insert_records(
                &Actor::system("test"),
                RecordSet {
                    people: vec![child],
                    contacts: vec![contact],
                    ..RecordSet::default()
                },
                domain::datetime::now(),
            )
            .await
            .unwrap();
        ids
    }

    /// A contact about a new child, decided (its referrer may be told the outcome).
    async fn decided_contact(&self) -> (PersonId, String) {
        let child = store_tests::fixture::new_child("Dora", "Versiontest", "2016-02-02");
        let mut contact = store_tests::fixture::contact(child.id, None);
        contact.received_at = "2025-09-10T08:00:00Z".parse().unwrap();
        contact.recorded_at = "2025-09-10T08:05:00Z".parse().unwrap();
        contact.decision = Some(domain::records::ContactDecision {
            outcome: domain::codes::ContactOutcome::Advice,
            rationale: "Advice to the school on supporting the family".into(),
            decided_by: None,
            decided_at: "2025-09-10T09:00:00Z".parse().unwrap(),
            out_of_hours: false,
            next_steps: None,
            receiving_service: None,
            manager_oversight_by: None,
            manager_oversight_at: None,
        });
        let ids = (child.id, contact.id.to_string());
        self.app
            .store()
            .insert_records(
                &Actor::system("test"),
                RecordSet {
                    people: vec![child],
                    contacts: vec![contact],
                    ..RecordSet::default()
                },
                domain::datetime::now(),
            )
            .await
            .unwrap();
        ids
    }

    /// A change to the child's records, whose version `GET /api/v1/children/{child}/{area}` gives.
    fn target(
        &self,
        child: PersonId,
        area: &str,
        token: &str,
        record: Option<&Value>,
        body: Value,
    ) -> Target {
        Target {
            id: child.to_string(),
            record: record.map(|r| {
                r.as_str()
                    .unwrap_or_else(|| panic!("no id: {r}"))
                    .to_owned()
            }),
            token: token.to_owned(),
            body,
            read: format!("/api/v1/children/{child}/{area}"),
            meanwhile: Meanwhile::CaseNote(child),
            file: None,
        }
    }

    /// Bring a fresh record to the point `op` needs, and say what the change sends.
    async fn seed(&self, op: Op) -> Target {
        use Op::*;
        match op {
            Screen | ApproveConsent | RequestInformation | Decide | Oversee | Feedback
            | Respond => self.front_door(op).await,
            StrategyNamingChild | Strategy | Section47Outcome | Conference | CoreGroup => {
                self.protection(op).await
            }
            RecordAssessment | UpdateAssessment | AuthoriseAssessment | CreatePlan
            | AddPlanActions | ReviewPlan | EndPlan | RecordVisit => self.planning(op).await,
            RaiseFlag | EndFlag | AddInvolvement | EndInvolvement | StepDown | OverseeEarlyHelp
            | StepUp | EndEarlyHelp | Allocate | Close => self.case_management(op).await,
            AddNote | CorrectNote => self.case_notes(op).await,
            ActionDone | ActionDoneOnPage | ActionRedate | ActionRedateOnPage => {
                self.actions(op).await
            }
            AttachDocument | AttachContactDocument | ShareDocument => self.documents(op).await,
            MakeLetter => {
                let (child, contact) = self.decided_contact().await;
                self.target(
                    child,
                    "case-management",
                    &self.worker,
                    None,
                    json!({"letter": "referrer-outcome", "contact": contact}),
                )
            }
            ChangeDetails | MoveAddress | AddRelationship | ChangeRelationship
            | AddProfessional | EndProfessional | Merge | UndoMerge => self.people(op).await,
            RecordAudit | ModerateAudit | ReflectOnAudit => self.quality(op).await,
        }
    }

    /// A case-file audit recorded (by an auditor of the child's LA), moderated (by a second auditor) or reflected
    /// on (by the worker).
    async fn quality(&self, op: Op) -> Target {
        let child = self.child(None).await;
        let audit = json!({"child_id": child.to_string(),
            "lived_experience": "She says home is calmer since her dad moved out",
            "impact": "She is back at school every day", "grade": "good"});
        if op == Op::RecordAudit {
            return self.target(child, "case-management", &self.auditor, None, audit);
        }
        let a = self
            .ok(&self.auditor, "/api/v1/case-file-audits", audit)
            .await;
        if op == Op::ReflectOnAudit {
            return self.target(
                child,
                "case-management",
                &self.worker,
                Some(&a["id"]),
                json!({"reflection": "I will see her alone at school next time"}),
            );
        }
        let id = a["id"].as_str().unwrap().to_owned();
        Target {
            read: format!("/api/v1/case-file-audits/{id}"),
            id,
            record: None,
            token: self.second_auditor.clone(),
            body: json!({"agree": false, "grade": "requires-improvement",
                         "reason": "The plan's impact is not yet evidenced"}),
            meanwhile: Meanwhile::CaseNote(child),
            file: None,
        }
    }

    /// A change to a person's details, address, relationships, professionals, or a merge (read from
    /// `GET /api/v1/people/{id}`); a merge's undo (read from `GET /api/v1/merges/{id}`).
    async fn people(&self, op: Op) -> Target {
        let child = self.child(None).await;
        let person = |token: &str, record: Option<String>, body: Value| Target {
            id: child.to_string(),
            record,
            token: token.to_owned(),
            body,
            read: format!("/api/v1/people/{child}"),
            meanwhile: Meanwhile::CaseNote(child),
            file: None,
        };
        let p = format!("/api/v1/people/{child}");
        match op {
            Op::ChangeDetails => person(
                &self.worker,
                None,
                json!({"first_name": "Vera", "last_name": "Versiontest", "date_of_birth": "2015-06-02",
                       "sex": "F", "disabilities": ["NONE"], "nhs_number": "9434765919",
                       "reason": "Birth certificate seen"}),
            ),
            Op::MoveAddress => person(
                &self.worker,
                None,
                json!({"line1": "4 Mill Lane", "town": "Leeds", "postcode": "LS2 7EW", "moved_on": TODAY}),
            ),
            Op::AddRelationship => person(
                &self.worker,
                None,
                json!({"first_name": "Grace", "last_name": "Versiontest", "kind": "mother",
                       "parental_responsibility": true}),
            ),
            Op::ChangeRelationship => {
                let r = self
                    .ok(
                        &self.worker,
                        &format!("{p}/relationships"),
                        json!({"first_name": "Grace", "last_name": "Versiontest", "kind": "carer"}),
                    )
                    .await;
                person(
                    &self.worker,
                    r["id"].as_str().map(str::to_owned),
                    json!({"kind": "mother", "parental_responsibility": true}),
                )
            }
            Op::AddProfessional => person(
                &self.worker,
                None,
                json!({"role": "gp", "name": "Dr Adeyemi", "organisation": "Park Surgery",
                       "phone": "0113 496 0000"}),
            ),
            Op::EndProfessional => {
                let r = self
                    .ok(
                        &self.worker,
                        &format!("{p}/professionals"),
                        json!({"role": "school", "organisation": "Park Primary School"}),
                    )
                    .await;
                person(
                    &self.worker,
                    r["id"].as_str().map(str::to_owned),
                    json!({"to": TODAY}),
                )
            }
            Op::Merge => {
                let kept = self.child(None).await;
                person(
                    &self.manager,
                    None,
                    json!({"into": kept.to_string(), "reason": "Entered twice by two contacts"}),
                )
            }
            Op::UndoMerge => {
                let kept = self.child(None).await;
                let m = self
                    .ok(
                        &self.manager,
                        &format!("{p}/merge"),
                        json!({"into": kept.to_string(), "reason": "Entered twice"}),
                    )
                    .await;
                let id = m["id"].as_str().unwrap().to_owned();
                Target {
                    id: id.clone(),
                    record: None,
                    token: self.admin.clone(),
                    body: json!({"reason": "Twins, not one child"}),
                    read: format!("/api/v1/merges/{id}"),
                    meanwhile: Meanwhile::CaseNote(kept),
                    file: None,
                }
            }
            _ => unreachable!("{op:?} is not a change to a person"),
        }
    }

    async fn front_door(&self, op: Op) -> Target {
        let (child, contact) = self.contact().await;
        let c = format!("/api/v1/contacts/{contact}");
        let (token, body) = match op {
            Op::Screen => (&self.manager, screening("given")),
            Op::ApproveConsent => {
                self.ok(
                    &self.worker,
                    &format!("{c}/screening"),
                    screening("not-sought"),
                )
                .await;
                (&self.manager, json!({}))
            }
            Op::RequestInformation => {
                self.ok(&self.worker, &format!("{c}/screening"), screening("given"))
                    .await;
                (
                    &self.worker,
                    json!({"agency": "health", "question": "Is the child registered with a GP?"}),
                )
            }
            Op::Decide => (&self.manager, decision()),
            Op::Oversee => {
                // A social worker's decision waits for a manager's oversight.
                self.ok(&self.worker, &format!("{c}/decision"), decision())
                    .await;
                (&self.manager, json!({}))
            }
            Op::Feedback => {
                self.ok(&self.manager, &format!("{c}/decision"), decision())
                    .await;
                (
                    &self.worker,
                    json!({"method": "phone", "given_at": "2025-09-10T11:00:00+01:00",
                        "summary": "Told the school the outcome"}),
                )
            }
            Op::Respond => {
                self.ok(&self.worker, &format!("{c}/screening"), screening("given"))
                    .await;
                let r = self
                    .ok(
                        &self.worker,
                        &format!("{c}/information-requests"),
                        json!({"agency": "police", "question": "Any call-outs to the address this year?"}),
                    )
                    .await;
                let request = r["id"].as_str().unwrap().to_owned();
                return Target {
                    read: format!("/api/v1/information-requests/{request}"),
                    meanwhile: Meanwhile::Request(
                        child,
                        InformationRequestId::parse(&request).unwrap(),
                    ),
                    id: request,
                    record: None,
                    token: self.police.clone(),
                    body: json!({"response": "Two call-outs in March; the child was seen and well."}),
                    file: None,
                };
            }
            _ => unreachable!("{op:?} is not a front door change"),
        };
        Target {
            id: contact.clone(),
            record: None,
            token: token.clone(),
            body,
            read: format!("{c}/case"),
            meanwhile: Meanwhile::CaseNote(child),
            file: None,
        }
    }

    /// Strategy discussion (a section 47 enquiry) → its outcome (the ICPC scheduled) → the ICPC (a plan and its
    /// first core group) → the core group: as far as `op` needs.
    async fn protection(&self, op: Op) -> Target {
        let child = self.child(Some("2025-07-28")).await;
        let base = format!("/api/v1/children/{child}");
        let at = |token: &str, record: Option<&Value>, body| {
            self.target(child, "protection", token, record, body)
        };
        match op {
            Op::StrategyNamingChild => {
                let mut body = strategy();
                body["child_id"] = json!(child.to_string());
                return at(&self.worker, None, body);
            }
            Op::Strategy => return at(&self.worker, None, strategy()),
            _ => {}
        }
        let r = self
            .ok(
                &self.worker,
                &format!("{base}/strategy-discussions"),
                strategy(),
            )
            .await;
        let s47 = &r["section47_id"];
        let outcome = json!({"outcome_date": "2025-08-08", "outcome": "substantiated-at-risk", "icpc_required": true,
                             "findings": "Bruising seen; an account given", "child_seen": true, "child_seen_alone": true,
                             "analysis": "At continuing risk"});
        if op == Op::Section47Outcome {
            return at(&self.worker, Some(s47), outcome);
        }
        let r = self
            .ok(
                &self.worker,
                &format!("{base}/section47s/{}/outcome", s47.as_str().unwrap()),
                outcome,
            )
            .await;
        let conference = &r["conference_id"];
        let icpc = json!({
            "held_on": "2025-08-15", "outcome": "cp-plan", "category": "NEG",
            "needs": "Regular meals, clean clothes, school and health appointments kept.",
            "desired_outcomes": "Fed, at school every day and seen by the GP.",
            "actions": [{"description": "Referral to family support", "owner": "Sam Okoro", "due_on": "2025-08-22"}]
        });
        if op == Op::Conference {
            return at(&self.chair, Some(conference), icpc);
        }
        let r = self
            .ok(
                &self.chair,
                &format!("{base}/conferences/{}", conference.as_str().unwrap()),
                icpc,
            )
            .await;
        assert_eq!(op, Op::CoreGroup);
        at(
            &self.worker,
            Some(&r["core_group_id"]),
            json!({"held_on": "2025-09-01", "attendees": "Mother, Sam Okoro, Ms Rowe, health visitor",
                "notes": "Actions on track."}),
        )
    }

    async fn planning(&self, op: Op) -> Target {
        let child = self.child(Some("2025-08-20")).await;
        let base = format!("/api/v1/children/{child}");
        let at = |token: &str, record: Option<&Value>, body| {
            self.target(child, "plans", token, record, body)
        };
        match op {
            Op::RecordAssessment => at(&self.worker, None, assessment()),
            Op::UpdateAssessment => {
                let a = self
                    .ok(&self.worker, &format!("{base}/assessments"), assessment())
                    .await;
                at(&self.worker, Some(&a["id"]), with_outcome(assessment()))
            }
            Op::AuthoriseAssessment => {
                let a = self
                    .ok(
                        &self.worker,
                        &format!("{base}/assessments"),
                        with_outcome(assessment()),
                    )
                    .await;
                at(&self.manager, Some(&a["id"]), json!({}))
            }
            Op::CreatePlan => at(&self.worker, None, plan()),
            _ => {
                let p = self
                    .ok(&self.worker, &format!("{base}/plans"), plan())
                    .await;
                let plan = &p["id"];
                match op {
                    Op::AddPlanActions => at(
                        &self.worker,
                        Some(plan),
                        json!({"actions": [{"description": "Call the GP", "owner": "Social worker", "due_on": "2025-09-30"}]}),
                    ),
                    Op::ReviewPlan => {
                        let progress: Vec<Value> = p["actions"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .map(|a| json!({"action_id": a["id"], "progress": "Under way", "status": "open"}))
                            .collect();
                        at(
                            &self.worker,
                            Some(plan),
                            json!({"held_on": TODAY, "summary": "Attendance is up; mum has started the programme",
                                "progress": progress, "next_review_on": "2025-11-03"}),
                        )
                    }
                    Op::EndPlan => at(
                        &self.worker,
                        Some(plan),
                        json!({"end_date": TODAY, "end_reason": "Stepped down to early help"}),
                    ),
                    Op::RecordVisit => at(
                        &self.worker,
                        None,
                        json!({"visited_on": TODAY, "child_seen": true, "seen_alone": true, "bedroom_seen": true,
                            "wishes_and_feelings": "Showed me her drawings; says home is quieter",
                            "observations": "Home warm and tidy; food in the fridge"}),
                    ),
                    _ => unreachable!("{op:?} is not a planning change"),
                }
            }
        }
    }

    async fn case_management(&self, op: Op) -> Target {
        // Closing needs an open episode with no open plan; stepping up needs no open referral.
        let child = self.child((op == Op::Close).then_some("2025-06-02")).await;
        let base = format!("/api/v1/children/{child}");
        let at = |token: &str, record: Option<&Value>, body| {
            self.target(child, "case-management", token, record, body)
        };
        let flag = json!({"kind": "gang-involvement", "from": "2025-09-01", "notes": "Seen with older youths"});
        let involvement = json!({"worker_name": "Dee Outreach", "from": "2025-09-01"});
        match op {
            Op::RaiseFlag => at(&self.worker, None, flag),
            Op::EndFlag => {
                let f = self.ok(&self.worker, &format!("{base}/flags"), flag).await;
                at(&self.worker, Some(&f["id"]), json!({"to": TODAY}))
            }
            Op::AddInvolvement => at(&self.worker, None, involvement),
            Op::EndInvolvement => {
                let i = self
                    .ok(
                        &self.worker,
                        &format!("{base}/specialist-involvements"),
                        involvement,
                    )
                    .await;
                at(&self.worker, Some(&i["id"]), json!({"to": TODAY}))
            }
            Op::StepDown => at(&self.worker, None, early_help()),
            Op::Allocate => at(
                &self.manager,
                None,
                json!({"worker": self.worker_id.to_string()}),
            ),
            Op::Close => at(&self.worker, None, json!({"date": TODAY, "reason": "RC7"})),
            _ => {
                // An episode stepped down by a social worker waits for a manager's oversight.
                let e = self
                    .ok(&self.worker, &format!("{base}/early-help"), early_help())
                    .await;
                let episode = Some(&e["id"]);
                match op {
                    Op::OverseeEarlyHelp => at(&self.manager, episode, json!({})),
                    Op::StepUp => at(
                        &self.worker,
                        episode,
                        json!({"source": "5D", "reason": "Missing from home twice this week"}),
                    ),
                    Op::EndEarlyHelp => {
                        at(&self.worker, episode, json!({"end_reason": "needs-met"}))
                    }
                    _ => unreachable!("{op:?} is not a case management change"),
                }
            }
        }
    }

    async fn actions(&self, op: Op) -> Target {
        let child = self.child(Some("2025-08-20")).await;
        let p = self
            .ok(
                &self.worker,
                &format!("/api/v1/children/{child}/plans"),
                plan(),
            )
            .await;
        let action = p["actions"][0]["id"].clone();
        let body = match op {
            Op::ActionDone | Op::ActionDoneOnPage => {
                json!({"note": "Called the GP: the children are registered."})
            }
            _ => {
                json!({"due_on": "2025-11-28", "reason": "The GP surgery is closed for a fortnight"})
            }
        };
        let mut t = self.target(child, "plans", &self.worker, Some(&action), body);
        if matches!(op, Op::ActionDone | Op::ActionRedate) {
            // `/api/v1/actions/{id}/…`: the action is the only id.
            t.id = t.record.take().unwrap();
        }
        t
    }

    async fn case_notes(&self, op: Op) -> Target {
        let child = self.child(None).await;
        let note = json!({"kind": "telephone", "at": "2025-09-10T09:30:00Z",
                          "text": "Spoke to the school: attendance is improving."});
        match op {
            Op::AddNote => self.target(child, "case-management", &self.worker, None, note),
            Op::CorrectNote => {
                let n = self
                    .ok(
                        &self.worker,
                        &format!("/api/v1/children/{child}/notes"),
                        note,
                    )
                    .await;
                self.target(
                    child,
                    "case-management",
                    &self.worker,
                    Some(&n["id"]),
                    json!({"kind": "telephone", "at": "2025-09-10T09:30:00Z",
                           "text": "Spoke to the school nurse: attendance is improving.",
                           "reason": "It was the nurse, not the office"}),
                )
            }
            _ => unreachable!("{op:?} is not a case note change"),
        }
    }

    async fn documents(&self, op: Op) -> Target {
        let pdf = domain::documents::minimal_pdf(&["Police notification"]);
        let details = json!({"title": "Police notification", "shared_with": ["police"]});
        match op {
            Op::AttachDocument => {
                let child = self.child(None).await;
                let mut t = self.target(child, "case-management", &self.worker, None, details);
                t.file = Some(pdf);
                t
            }
            Op::AttachContactDocument => {
                let (child, contact) = self.contact().await;
                let mut t = self.target(child, "case-management", &self.worker, None, details);
                t.id = contact;
                t.file = Some(pdf);
                t
            }
            Op::ShareDocument => {
                let child = self.child(None).await;
                let path = format!("/api/v1/children/{child}/documents");
                let body = multipart(&[("title".into(), "Partner report".into())], Some(&pdf));
                let r = self
                    .app
                    .send(
                        self.app
                            .request(reqwest::Method::POST, &path)
                            .bearer_auth(&self.worker)
                            .header(
                                "content-type",
                                format!("multipart/form-data; boundary={BOUNDARY}"),
                            )
                            .body(body),
                    )
                    .await;
                assert_eq!(
                    r.status,
                    StatusCode::CREATED,
                    "setting up, {path}: {}",
                    r.body
                );
                let mut t = self.target(
                    child,
                    "case-management",
                    &self.worker,
                    None,
                    json!({"shared_with": ["police", "health"]}),
                );
                t.id = r.body["id"].as_str().unwrap().to_owned();
                t
            }
            _ => unreachable!("{op:?} is not a document change"),
        }
    }

    /// Someone else changes the record while the first user has it open.
    async fn meanwhile(&self, m: &Meanwhile) {
        let system = Actor::system("test");
        let (child, created, updated) = match m {
            Meanwhile::CaseNote(child) => (
                *child,
                RecordSet {
                    case_notes: vec![CaseNote::new(
                        CaseNoteId::new(),
                        la("213"),
                        *child,
                        CaseNoteKind::Other,
                        None,
                        self.now,
                        "Phoned the school: the child is in class today.".into(),
                    )],
                    ..RecordSet::default()
                },
                RecordSet::default(),
            ),
            Meanwhile::Request(child, id) => {
                let file = self.app.store().case_file(*child).await.unwrap().unwrap();
                let mut request = file
                    .information_requests
                    .into_iter()
                    .find(|r| r.id == *id)
                    .unwrap();
                request.question.push_str(" And since January?");
                (
                    *child,
                    RecordSet::default(),
                    RecordSet {
                        information_requests: vec![request],
                        ..RecordSet::default()
                    },
                )
            }
        };
        let saved = self
            .app
            .store()
            .save_case_change(
                &system,
                CaseChange {
                    child,
                    created,
                    updated,
                    seen_version: None,
                    seen_record: None,
                },
                Box::new(|_| Decision::Allow),
                domain::datetime::now(),
            )
            .await
            .unwrap();
        assert!(matches!(saved, store::Viewed::Allowed(_)));
    }

    async fn snapshot(&self, t: &Target) -> Snapshot {
        let r = self.app.get(&t.token, &t.read).await;
        assert_eq!(r.status, StatusCode::OK, "GET {}", t.read);
        let record = r.body;
        assert_eq!(
            r.etag,
            Some(format!("\"{}\"", version(&record))),
            "GET {}: the ETag is the version the read shows, for If-Match",
            t.read
        );
        Snapshot {
            record,
            counts: self.app.store().counts().await.unwrap().0,
        }
    }

    /// Send the change based on `version`: `If-Match` for the API, the form's `version` field for a page. The
    /// status and what it answered (a problem document, or a page).
    async fn send(
        &self,
        t: &Target,
        (method, path): (&str, &str),
        version: i64,
    ) -> (StatusCode, String) {
        if path.starts_with("/api/") && method == "PUT" {
            let r = self
                .app
                .send(
                    self.app
                        .request(reqwest::Method::PUT, path)
                        .bearer_auth(&t.token)
                        .header("If-Match", format!("\"{version}\""))
                        .json(&t.body),
                )
                .await;
            return (r.status, r.body.to_string());
        }
        if let Some(file) = &t.file {
            // An upload: the fields and the file as multipart/form-data; the version as for any change.
            let mut fields = Vec::new();
            form_fields("", &t.body, &mut fields);
            let api = path.starts_with("/api/");
            if !api {
                fields.insert(0, ("version".to_owned(), version.to_string()));
            }
            let mut request = self
                .app
                .request(reqwest::Method::POST, path)
                .bearer_auth(&t.token)
                .header(
                    "content-type",
                    format!("multipart/form-data; boundary={BOUNDARY}"),
                )
                .body(multipart(&fields, Some(file)));
            if api {
                request = request.header("If-Match", format!("\"{version}\""));
            }
            let (status, _, body) = self.app.exchange(request).await;
            return (status, String::from_utf8_lossy(&body).into_owned());
        }
        if path.starts_with("/api/") {
            let r = self
                .app
                .post_if_match(&t.token, path, t.body.clone(), &format!("\"{version}\""))
                .await;
            return (r.status, r.body.to_string());
        }
        let mut fields = Vec::new();
        form_fields("", &t.body, &mut fields);
        fields.push(("version".to_owned(), version.to_string()));
        let fields: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let (status, _, html) = self.app.submit(&t.token, path, &fields).await;
        (status, html)
    }

    /// One change route: stale → 409 and nothing changed; current → saved and the version moves on.
    async fn walk(&self, (name, method): (&str, &str), template: &str, op: Op, tally: &mut Tally) {
        let t = self.seed(op).await;
        let path = fill(template, &t);
        let page = !path.starts_with("/api/");
        if page {
            tally.pages += 1;
        } else {
            tally.api += 1;
        }
        let mut fail = |what: String| {
            tally
                .failures
                .push(format!("{name} ({method} {template}): {what}"))
        };
        // The user opens the record; meanwhile someone else changes it.
        let seen = self.snapshot(&t).await.version();
        self.meanwhile(&t.meanwhile).await;
        let before = self.snapshot(&t).await;
        let current = before.version();
        assert_ne!(
            seen, current,
            "{name}: the other change moved the version on"
        );

        // Based on what they saw: refused, and nothing changes.
        let (status, text) = self.send(&t, (method, &path), seen).await;
        let after = self.snapshot(&t).await;
        let mut refused = true;
        if status != StatusCode::CONFLICT {
            refused = false;
            fail(format!(
                "based on a stale version, answered {status}, not 409: {}",
                said(&text)
            ));
        }
        if after.version() != current {
            refused = false;
            fail(format!(
                "a stale attempt moved the version on ({current} → {})",
                after.version()
            ));
        } else if after.record != before.record {
            refused = false;
            fail(format!(
                "a stale attempt changed the record as read back ({})",
                t.read
            ));
        }
        if after.counts != before.counts {
            refused = false;
            fail(format!(
                "a stale attempt changed the record counts: {}",
                changed(&before.counts, &after.counts).join(", ")
            ));
        }

        // Based on the version as it is now: saved, and the version moves on.
        let (status, text) = self.send(&t, (method, &path), current).await;
        let answered = if page {
            status == StatusCode::SEE_OTHER
        } else {
            status.is_success()
        };
        if !answered {
            fail(format!(
                "based on the current version, answered {status}, not {}: {}",
                if page { "303" } else { "2xx" },
                said(&text)
            ));
        }
        let moved = self.snapshot(&t).await.version();
        if moved == current {
            fail(format!("saved, but the version is still {current}"));
        }
        if refused {
            tally.refused += 1;
        }
        if answered && moved != current {
            tally.saved += 1;
        }
    }
}

/// Every change route of the router, walked; the figures, and what failed.
async fn story<S: Store>(db: TestDb<S>) -> (String, Vec<String>) {
    let now: Timestamp = NOW.parse().unwrap();
    let app = TestApp::spawn(db, Clock::Fixed(now)).await;
    app.ensure_las(&["213"]).await;
    let (worker, worker_id) = user(&app, "v-worker", Role::SocialWorker, None).await;
    let (manager, _) = user(&app, "v-manager", Role::TeamManager, None).await;
    let (chair, _) = user(&app, "v-chair", Role::ReviewingOfficer, None).await;
    let (police, _) = user(&app, "v-police", Role::Partner, Some(Agency::Police)).await;
    let (admin, _) = user(&app, "v-admin", Role::Admin, None).await;
    let (auditor, _) = user(&app, "v-auditor", Role::Auditor, None).await;
    let (second_auditor, _) = user(&app, "v-second-auditor", Role::Auditor, None).await;
    let world = World {
        app,
        now,
        worker,
        worker_id,
        manager,
        chair,
        police,
        admin,
        auditor,
        second_auditor,
    };

    // The table against the router: every route that is not a GET is walked or says why not.
    let table = web::routes::table::<S>();
    let changes: Vec<_> = table
        .iter()
        .filter(|r| r.method.as_str() != "GET")
        .collect();
    let unlisted: Vec<String> = changes
        .iter()
        .filter(|r| {
            op_of(r.name).is_none() && !NO_EXISTING_RECORD.iter().any(|(n, _)| *n == r.name)
        })
        .map(|r| format!("{} {} ({})", r.method, r.path, r.name))
        .collect();
    assert!(
        unlisted.is_empty(),
        "change routes with no version check walked here (add each to CHANGES, or to NO_EXISTING_RECORD with \
         its reason): {unlisted:?}"
    );
    let listed = CHANGES
        .iter()
        .flat_map(|(_, names)| names.iter().copied())
        .chain(NO_EXISTING_RECORD.iter().map(|(n, _)| *n));
    for name in listed {
        assert!(
            changes.iter().any(|r| r.name == name),
            "{name} is listed here but is no change route of the router"
        );
    }

    // The walk, in the router's order.
    let mut tally = Tally::default();
    for r in &changes {
        if let Some(op) = op_of(r.name) {
            world
                .walk((r.name, r.method.as_str()), r.path, op, &mut tally)
                .await;
        }
    }
    let walked = tally.api + tally.pages;
    let summary = format!(
        "versions ({}): {walked} change routes walked ({} API, {} pages); {} stale attempts refused with 409 and \
         nothing changed; {} current attempts saved, the version moved on; {} POST routes change no child's \
         existing record (sign-in, sign-out, recording a contact, supervision; letter templates, whose revision \
         tests/letters.rs checks)",
        world.app.store().backend_name(),
        tally.api,
        tally.pages,
        tally.refused,
        tally.saved,
        NO_EXISTING_RECORD.len(),
    );
    (summary, tally.failures)
}

fn check(name: &str, (summary, failures): (String, Vec<String>)) {
    support::report(name, &summary);
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn versions_on_sqlite() {
    check("versions-sqlite", story(TestDb::sqlite().await).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn versions_on_postgres() {
    if let Some(db) = TestDb::postgres("versions_on_postgres").await {
        check("versions-postgres", story(db).await);
    }
}
