//! Frontdoor's persistence. [`Store`] is the one trait of use cases that the service layer calls. [`SqlStore`] is
//! its implementation, written once against the small SQL facade in [`sql`]; the `store-sqlite` and
//! `store-postgres` crates provide the [`sql::Backend`]s it runs on, with their own migrations and durability
//! checks. Every method that changes data writes its audit rows in the same transaction.

mod access;
pub mod administration;
mod annex_a;
pub mod audit_log;
mod case_clocks;
pub mod case_files;
mod casework;
mod census;
mod documents;
pub mod error;
mod front_door;
pub mod information_governance;
pub mod people;
mod performance;
pub mod quality;
mod queries;
mod retention;
pub mod row;
pub mod search_index;
pub mod second_factor;
pub mod single_sign_on;
pub mod sql;
mod supervision;
pub mod tables;

use std::future::Future;

use domain::audit::{Actor, AuditEntry, AuditEvent};
use domain::audit_chain::Head;
use domain::codes::Agency;
use domain::datetime::{Date, Timestamp};
use domain::identifiers::LaCode;
use domain::ids::{ApiTokenId, ContactId, PersonId, UserId};
use domain::policy::Decision;
use domain::records::{
    Contact, InformationRequest, LocalAuthority, Person, RecordCounts, RecordSet, User,
};
use serde::Serialize;

pub use administration::{AdminChange, AdminTeam, AdminUser, Administered, Organisation, Spell};
pub use audit_log::AuditFilter;
pub use case_clocks::{DueDate, QueuedChild};
pub use casework::{CaseworkQuery, CaseworkRecords, DueOrder};
pub use error::StoreError;
pub use information_governance::{BreakGlass, Restriction};
pub use quality::{QualityQuery, QualityRecords};
pub use queries::SqlStore;
pub use retention::{LegalHold, RetentionDeletion, RetentionFile};
pub use second_factor::{SecondFactor, SecondFactorChange, SecondFactorPending, SecondFactorUse};
pub use single_sign_on::{SsoFinish, SsoPending};

/// A contact to record, with the new child it is about when the child is not yet known.
#[derive(Clone, Debug)]
pub struct NewContact {
    pub contact: Contact,
    pub new_child: Option<Person>,
    /// The client's key for this request: a retry with the same key returns the first result.
    pub idempotency_key: Option<String>,
}

/// The result of a create: the record, and whether it was created now or by an earlier request with the same
/// idempotency key.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Recorded<T> {
    pub record: T,
    pub replayed: bool,
}

/// A user with the hash of their password (if they sign in with one).
#[derive(Clone, Debug)]
pub struct UserCredentials {
    pub user: User,
    pub password_hash: Option<String>,
    /// Access ends after this date (time-limited access).
    pub valid_until: Option<Date>,
}

/// A session to start: the hash of the cookie token, the user, the CSRF token for its forms.
#[derive(Clone, Debug)]
pub struct NewSession {
    pub id_hash: String,
    pub user_id: UserId,
    pub csrf_token: String,
    pub at: Timestamp,
}

/// A session as stored, with its user.
#[derive(Clone, Debug, PartialEq)]
pub struct Session {
    pub id_hash: String,
    pub user: User,
    /// The user's access ends after this date (time-limited access, e.g. an inspector).
    pub user_valid_until: Option<Date>,
    pub csrf_token: String,
    pub created_at: Timestamp,
    pub last_seen_at: Timestamp,
    pub ended_at: Option<Timestamp>,
}

/// An API token to store: only its hash is kept.
#[derive(Clone, Debug)]
pub struct NewApiToken {
    pub user_id: UserId,
    pub token_hash: String,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
}

/// An API token as listed (never the token, nor its hash).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiTokenInfo {
    pub id: ApiTokenId,
    pub user_id: UserId,
    pub created_at: Timestamp,
    pub expires_at: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
}

/// A sign-in attempt about to be checked against the throttle ([`Store::start_sign_in`]).
#[derive(Clone, Debug)]
pub struct SignInQuery {
    /// The username tried, normalised (lower case).
    pub username: String,
    /// The client's address bucket (or `unknown`).
    pub client: String,
    /// The hash of the browser's known-device token, if it sent one.
    pub device_hash: Option<String>,
    /// Now: when the attempt is recorded.
    pub at: Timestamp,
    /// Failures before this are forgotten.
    pub since: Timestamp,
    /// A device token counts as known for the username if it signed in successfully as them since this.
    pub device_since: Timestamp,
}

/// A run of failed sign-ins in one scope: how many, and when the last was.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FailureRun {
    pub failures: u32,
    pub last: Option<Timestamp>,
}

/// The failed sign-ins that bear on an attempt, by scope.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SignInHistory {
    /// The username's failures since its last success (attempts not made from a browser known for it).
    pub account: FailureRun,
    /// The client address's failures (any username; attempts not made from a known browser).
    pub client: FailureRun,
    /// `Some` when the browser's token is known for the username: its failures for the username since its
    /// last success there.
    pub device: Option<FailureRun>,
}

/// Decides, from the history, whether a sign-in attempt is refused for now: `Some(until)` refuses it.
pub type ThrottleCheck = Box<dyn FnOnce(&SignInHistory) -> Option<Timestamp> + Send>;

/// What [`Store::start_sign_in`] decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignInStart {
    /// Refused until then; nothing was recorded.
    Refused { until: Timestamp },
    /// Recorded as a failure until [`Store::finish_sign_in`] says otherwise.
    Started {
        attempt: i64,
        history: SignInHistory,
    },
}

/// What the password check found, for [`Store::finish_sign_in`].
#[derive(Clone, Debug)]
pub enum SignInOutcome {
    /// Signed in: the browser's known-device token hash from now on.
    Succeeded { device_hash: String },
    /// Refused: the audit entries to write (a failed sign-in, any lockout it starts).
    Failed { events: Vec<AuditEvent> },
}

/// What the permission check needs to know about a record before anyone sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessFacts {
    pub la: LaCode,
    /// `Some(users)` when the child's record is restricted to the named users.
    pub restricted_to: Option<Vec<UserId>>,
    /// For a partner information request: the agency it is addressed to.
    pub addressed_to: Option<Agency>,
}

/// The permission check an audited read runs inside its transaction.
pub type AccessCheck = Box<dyn FnOnce(&AccessFacts) -> Decision + Send>;

/// The permission check an audited read of a document runs inside its transaction: on its child's facts and on
/// the document itself (a partner sees only what is shared with their agency).
pub type DocumentCheck =
    Box<dyn FnOnce(&AccessFacts, &domain::records::Document) -> Decision + Send>;

/// A document as an audited read gives it: what it is, and its bytes when they were asked for.
pub type DocumentRead = (domain::records::Document, Option<Vec<u8>>);

/// Makes the permission check for each of several records read in one transaction (a supervision's children).
/// How a sample is drawn from the candidates' ids ([`Store::audit_sample`]).
pub type SamplePick = Box<dyn FnOnce(&[uuid::Uuid]) -> Vec<uuid::Uuid> + Send>;

pub type AccessCheckFactory = Box<dyn Fn() -> AccessCheck + Send + Sync>;

/// The result of an audited read.
#[derive(Clone, Debug, PartialEq)]
pub enum Viewed<T> {
    Allowed(T),
    /// The record exists and the check said no.
    Denied(Decision),
    /// There is no such record.
    Missing,
}

/// What a search compares of a person, borrowed from the store's search index for as long as ranking takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SearchCandidate<'a> {
    pub id: PersonId,
    pub person: domain::search::Candidate<'a>,
    /// The last and first names as search compares them ([`domain::search::normalise_name`]).
    pub normalised_last_name: &'a str,
    pub normalised_first_name: &'a str,
}

impl domain::search::AsCandidate for SearchCandidate<'_> {
    fn as_candidate(&self) -> domain::search::Candidate<'_> {
        self.person
    }
    fn normalised_names(&self) -> Option<(&str, &str)> {
        Some((self.normalised_last_name, self.normalised_first_name))
    }
}

/// Orders search candidates best first and keeps the ones to show. It runs while the index is read, and is
/// given the candidates one at a time, in id order, borrowed rather than copied.
pub type RankCandidates =
    Box<dyn for<'a> FnOnce(&mut dyn Iterator<Item = SearchCandidate<'a>>) -> Vec<PersonId> + Send>;

/// A person search, already narrowed to what the user may see.
#[derive(Clone, Debug, Default)]
pub struct PersonSearch {
    pub las: Vec<LaCode>,
    /// Restricted records named for this user are included; other restricted records never are.
    pub user_id: Option<UserId>,
    /// Phonetic keys of first or last names to match.
    pub keys: Vec<String>,
    /// Normalised first- or last-name prefixes to match.
    pub prefixes: Vec<String>,
    pub date_of_birth: Option<Date>,
    pub nhs_number: Option<String>,
    pub upn: Option<String>,
    pub la_child_id: Option<String>,
    pub limit: u32,
}

/// A change to one child's records: what is created and what is updated (whole rows, by id), written in one
/// transaction with one audit entry per record.
#[derive(Clone, Debug)]
pub struct CaseChange {
    pub child: PersonId,
    pub created: RecordSet,
    pub updated: RecordSet,
    /// The version of the child's records the user saw ([`CaseFile::version`]): if anyone has changed them
    /// since, the change is refused with [`StoreError::Stale`] rather than overwrite theirs.
    pub seen_version: Option<i64>,
    /// The version of one record the change is based on, checked the same way (a partner's answer to an
    /// information request: partners do not see the child's other records, nor their version).
    pub seen_record: Option<(uuid::Uuid, i64)>,
}

/// A record as read with the version of its child's records: the audit sequence number of the latest change to
/// any of them, read in the same snapshot. A change saved with this version ([`CaseChange::seen_version`]) is
/// refused if anyone has changed the child's records since.
#[derive(Clone, Debug, PartialEq)]
pub struct Versioned<T> {
    pub record: T,
    pub version: i64,
}

/// Every record about one child, with their version.
pub type CaseFile = Versioned<RecordSet>;

pub use domain::front_door::WorklistStage;

/// A front-door worklist, already narrowed to what the user may see.
#[derive(Clone, Debug, Default)]
pub struct WorklistQuery {
    pub las: Vec<LaCode>,
    /// Restricted records named for this user are included; other restricted records never are.
    pub user_id: Option<UserId>,
    pub stage: WorklistStage,
    pub limit: u32,
}

/// A contact on a worklist, with the child it is about.
#[derive(Clone, Debug, PartialEq)]
pub struct WorklistRow {
    pub contact: Contact,
    pub child: Person,
}

/// A partner agency's queue of information requests.
#[derive(Clone, Debug)]
pub struct PartnerQueueQuery {
    pub las: Vec<LaCode>,
    /// Restricted records named for this user are included; other restricted records never are.
    pub user_id: Option<UserId>,
    pub agency: Agency,
    /// Only requests not yet answered.
    pub open_only: bool,
    pub limit: u32,
}

/// An information request with the child it is about (what the partner is told: name and date of birth).
#[derive(Clone, Debug, PartialEq)]
pub struct PartnerRequestRow {
    pub request: InformationRequest,
    pub child: Person,
}

/// The use cases Frontdoor's persistence offers. Callers (the service layer) have already checked permissions.
/// A method that writes audit entries (every change, every audited read) takes `at`, the time they record: the
/// caller's clock (`Services::now`), never the store's own, so that a service run on a fixed or moved clock
/// audits at that time.
pub trait Store: Clone + Send + Sync + 'static {
    /// `sqlite` or `postgres`.
    fn backend_name(&self) -> &'static str;

    /// Answer when the database can be reached and written.
    fn ping(&self) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The database's own integrity check: the problems found (none when healthy).
    fn integrity_check(&self) -> impl Future<Output = Result<Vec<String>, StoreError>> + Send;

    /// Bring the query planner's statistics up to date after a bulk load. On PostgreSQL a planner without them
    /// (autovacuum off, or not yet round to the new rows) chose plans that took 20 s for what takes milliseconds.
    fn refresh_statistics(&self) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Create or update an LA and its settings.
    fn save_local_authority(
        &self,
        actor: &Actor,
        la: &LocalAuthority,
        at: Timestamp,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    fn local_authorities(
        &self,
    ) -> impl Future<Output = Result<Vec<LocalAuthority>, StoreError>> + Send;

    /// Put `template` in place of the LA's template of its kind, if that is still at `expected_revision`
    /// (`Stale` with the revision found when someone saved it meanwhile; nothing written); audited as an update
    /// of the LA.
    fn save_letter_template(
        &self,
        actor: &Actor,
        la: &LaCode,
        template: &domain::letters::LetterTemplate,
        expected_revision: i64,
        at: Timestamp,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Add a user; `Conflict` when the username is taken.
    fn add_user(
        &self,
        actor: &Actor,
        user: &User,
        password_hash: Option<String>,
        at: Timestamp,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    fn user_credentials(
        &self,
        username: &str,
    ) -> impl Future<Output = Result<Option<UserCredentials>, StoreError>> + Send;

    /// Store a new API token (its hash only) for a user; audited.
    fn add_api_token(
        &self,
        actor: &Actor,
        token: NewApiToken,
    ) -> impl Future<Output = Result<ApiTokenId, StoreError>> + Send;

    /// The enabled user a live token belongs to (not revoked, not expired at `now`), if their access still runs
    /// on `now`'s date in London.
    fn user_for_api_token(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> impl Future<Output = Result<Option<User>, StoreError>> + Send;

    /// A user's API tokens, newest first.
    fn api_tokens(
        &self,
        user_id: UserId,
    ) -> impl Future<Output = Result<Vec<ApiTokenInfo>, StoreError>> + Send;

    /// Revoke one API token (audited if it was live); `None` when there is no such token.
    fn revoke_api_token(
        &self,
        actor: &Actor,
        id: ApiTokenId,
        at: Timestamp,
    ) -> impl Future<Output = Result<Option<ApiTokenInfo>, StoreError>> + Send;

    /// Record a contact (and its new child), or return the earlier result for a repeated idempotency key.
    fn record_contact(
        &self,
        actor: &Actor,
        new: NewContact,
        at: Timestamp,
    ) -> impl Future<Output = Result<Recorded<Contact>, StoreError>> + Send;

    fn contact(
        &self,
        id: ContactId,
    ) -> impl Future<Output = Result<Option<Contact>, StoreError>> + Send;

    fn person(
        &self,
        id: PersonId,
    ) -> impl Future<Output = Result<Option<Person>, StoreError>> + Send;

    /// Write a whole set of records (synthetic data, an import) in one transaction: all or nothing.
    fn insert_records(
        &self,
        actor: &Actor,
        set: RecordSet,
        at: Timestamp,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// For the CIN census and the data-quality page: every child of `la` with a CIN episode open at some point
    /// from `from` to `to`, with their referrals, assessments, section 47 enquiries, conferences, plans and
    /// allocations, and the LA's teams. Audited as `action`: an export one entry per child and one for the
    /// dataset; any other read one for the dataset (the caller audits the children it shows).
    fn census_records(
        &self,
        actor: &Actor,
        action: domain::codes::AuditAction,
        la: LaCode,
        from: Date,
        to: Date,
        at: Timestamp,
    ) -> impl Future<Output = Result<RecordSet, StoreError>> + Send;

    /// Which of these LA child IDs are already taken in `la` (an import must not create a child twice).
    fn taken_la_child_ids(
        &self,
        la: LaCode,
        ids: Vec<String>,
    ) -> impl Future<Output = Result<Vec<String>, StoreError>> + Send;

    /// Every record about one child: the child, family and households, and the whole journey.
    fn case_file(
        &self,
        child: PersonId,
    ) -> impl Future<Output = Result<Option<RecordSet>, StoreError>> + Send;

    /// The records Ofsted's Annex A Lists 1–7 are built from, for one LA and the period `from..=to`, read in a
    /// few bulk queries (see `annex_a.rs`). Not audited here: the caller audits the export.
    fn annex_a_records(
        &self,
        la: LaCode,
        from: Date,
        to: Date,
    ) -> impl Future<Output = Result<RecordSet, StoreError>> + Send;

    /// How many records of each kind the database holds, and how many audit entries.
    fn counts(&self) -> impl Future<Output = Result<(RecordCounts, u64), StoreError>> + Send;

    /// Audit entries, oldest first.
    fn audit_entries(
        &self,
        filter: AuditFilter,
    ) -> impl Future<Output = Result<Vec<AuditEntry>, StoreError>> + Send;

    /// Whether any child records exist in an LA (or at all): `serve --demo` seeds only an empty database.
    fn has_people(
        &self,
        la: Option<LaCode>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    // --- sign-in and sessions -----------------------------------------------------------------------------

    /// Start a session (audited as a sign-in).
    fn create_session(
        &self,
        actor: &Actor,
        session: NewSession,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// A session by the hash of its token, whether live or ended.
    fn session(
        &self,
        id_hash: &str,
    ) -> impl Future<Output = Result<Option<Session>, StoreError>> + Send;

    /// Note that the session was used now.
    fn touch_session(
        &self,
        id_hash: &str,
        at: Timestamp,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// End a session (sign-out, timeout); audited.
    fn end_session(
        &self,
        actor: &Actor,
        id_hash: &str,
        reason: &str,
        at: Timestamp,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// In one transaction: read the failed sign-ins that bear on an attempt, ask `check` whether it is refused
    /// for now, and if not record it (as failed, until [`Store::finish_sign_in`]), so that attempts racing it
    /// count it. A refused attempt records nothing.
    fn start_sign_in(
        &self,
        query: SignInQuery,
        check: ThrottleCheck,
    ) -> impl Future<Output = Result<SignInStart, StoreError>> + Send;

    /// Record how a started attempt ended: a success (with the browser's device token hash), or a failure with
    /// its audit entries (written by `actor`, the attempt's label, in the same transaction).
    fn finish_sign_in(
        &self,
        actor: &Actor,
        attempt: i64,
        outcome: SignInOutcome,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Disable or enable a user; disabling ends all their sessions and revokes their API tokens. `None` when
    /// there is no such user.
    fn set_user_disabled(
        &self,
        actor: &Actor,
        username: &str,
        disabled: bool,
        at: Timestamp,
    ) -> impl Future<Output = Result<Option<User>, StoreError>> + Send;

    /// Revoke every live API token of a user; how many were revoked.
    fn revoke_api_tokens(
        &self,
        actor: &Actor,
        user_id: UserId,
        at: Timestamp,
    ) -> impl Future<Output = Result<u32, StoreError>> + Send;

    /// Restrict a child's record to the named users (or lift the restriction with `None`).
    fn restrict_person(
        &self,
        actor: &Actor,
        person: PersonId,
        named: Option<Vec<UserId>>,
        at: Timestamp,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    // --- audited reads ------------------------------------------------------------------------------------

    /// A child's whole case file with its version, if `check` allows; the view (or the refusal) is audited in
    /// the same transaction, so no data leaves without its audit entry.
    fn view_child(
        &self,
        actor: &Actor,
        child: PersonId,
        check: AccessCheck,
        at: Timestamp,
    ) -> impl Future<Output = Result<Viewed<CaseFile>, StoreError>> + Send;

    /// One contact, if `check` (on its child) allows; audited like [`Store::view_child`].
    fn view_contact(
        &self,
        actor: &Actor,
        id: ContactId,
        check: AccessCheck,
        at: Timestamp,
    ) -> impl Future<Output = Result<Viewed<Versioned<Contact>>, StoreError>> + Send;

    /// Children matching the search's keys, within its scope, as `rank` orders and cuts them (it sees only
    /// the few fields a search compares; the whole record is read for the ones it keeps). The search is
    /// audited (not what was typed).
    fn search_people(
        &self,
        actor: &Actor,
        search: PersonSearch,
        rank: RankCandidates,
        at: Timestamp,
    ) -> impl Future<Output = Result<Vec<Person>, StoreError>> + Send;

    /// A user's second factor: secret, last step used, recovery codes left.
    fn second_factor_of(
        &self,
        user: UserId,
    ) -> impl Future<Output = Result<SecondFactor, StoreError>> + Send;

    /// Keep a sign-in that passed the password and waits for the second factor (forgetting those started
    /// before `forget_before`).
    fn begin_second_factor(
        &self,
        token_hash: String,
        user: UserId,
        at: Timestamp,
        forget_before: Timestamp,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The sign-in waiting for the second factor under this token's hash.
    fn second_factor_pending(
        &self,
        token_hash: String,
    ) -> impl Future<Output = Result<Option<SecondFactorPending>, StoreError>> + Send;

    /// Count a wrong code (ending the wait at `max`), audited.
    fn second_factor_failed(
        &self,
        actor: &Actor,
        token_hash: String,
        user: UserId,
        max: u32,
        at: Timestamp,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Pass the second factor: end the wait, use the code (`Conflict` when used already), start the session.
    fn finish_second_factor(
        &self,
        actor: &Actor,
        token_hash: String,
        user: UserId,
        used: SecondFactorUse,
        session: NewSession,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Change a user's second factor, if they are still at the version `expected` (when given); audited.
    fn change_second_factor(
        &self,
        actor: &Actor,
        user: UserId,
        change: SecondFactorChange,
        expected: Option<i64>,
        at: Timestamp,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Keep a sign-in sent to the identity provider (forgetting those started before `forget_before`).
    fn begin_sso_sign_in(
        &self,
        pending: SsoPending,
        forget_before: Timestamp,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Take the sign-in under way with this state's hash: it is gone once taken, so a state works once.
    fn take_sso_sign_in(
        &self,
        state_hash: String,
    ) -> impl Future<Output = Result<Option<SsoPending>, StoreError>> + Send;

    /// The users a person signed in by the identity provider may be: the one their subject is recorded on, and
    /// any with their email (normalised).
    fn sso_candidates(
        &self,
        subject: String,
        email: Option<String>,
    ) -> impl Future<
        Output = Result<Vec<domain::single_sign_on::Candidate<UserCredentials>>, StoreError>,
    > + Send;

    /// The user whose email (normalised) this is.
    fn user_with_email(
        &self,
        email: String,
    ) -> impl Future<Output = Result<Option<UserId>, StoreError>> + Send;

    /// Finish a sign-in through the identity provider: record the subject, apply the groups' role and LAs (both
    /// audited as a change to the user), and start the session, all in one transaction.
    fn finish_sso_sign_in(
        &self,
        actor: &Actor,
        finish: SsoFinish,
        at: Timestamp,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Write audit entries for something that read or changed no single record (a search, an export).
    fn record_audit(
        &self,
        actor: &Actor,
        events: Vec<AuditEvent>,
        at: Timestamp,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Users and teams by id (names for pages: who a child is allocated to).
    fn directory(
        &self,
        users: Vec<UserId>,
        teams: Vec<domain::ids::TeamId>,
    ) -> impl Future<Output = Result<(Vec<User>, Vec<domain::records::Team>), StoreError>> + Send;

    /// What the permission check needs to know about each of these children (the ones that exist), read
    /// without an audit entry: only for checks made before an audited change decides, e.g. that a supervisee
    /// works for the LA of each child discussed. Nothing read here may reach the user.
    fn access_facts(
        &self,
        children: Vec<PersonId>,
    ) -> impl Future<Output = Result<Vec<(PersonId, AccessFacts)>, StoreError>> + Send;

    /// The child an action is about, to find the child whose records a change to it then reads through an
    /// audited view (`None` for an action that does not exist or is about no child: that attempt is audited
    /// here).
    fn action_child(
        &self,
        actor: &Actor,
        action: domain::ids::ActionId,
        at: Timestamp,
    ) -> impl Future<Output = Result<Option<PersonId>, StoreError>> + Send;

    // --- documents ----------------------------------------------------------------------------------------

    /// One document, with its bytes if `content`, if `check` allows; the view (or the refusal) is audited before
    /// anything leaves, like [`Store::view_child`].
    fn view_document(
        &self,
        actor: &Actor,
        id: domain::ids::DocumentId,
        content: bool,
        check: DocumentCheck,
        at: Timestamp,
    ) -> impl Future<Output = Result<Viewed<DocumentRead>, StoreError>> + Send;

    /// The child a document is about, to find the child whose records a change to it then reads through an
    /// audited view (`None` for a document that does not exist: that attempt is audited here).
    fn document_child(
        &self,
        actor: &Actor,
        id: domain::ids::DocumentId,
        at: Timestamp,
    ) -> impl Future<Output = Result<Option<PersonId>, StoreError>> + Send;

    /// The documents about a child shared with `agency`, newest first. Not audited here: only for a view the
    /// caller has just made through an audited read that allowed it (a partner's information request).
    fn shared_documents(
        &self,
        child: PersonId,
        agency: Agency,
    ) -> impl Future<Output = Result<Vec<domain::records::Document>, StoreError>> + Send;
    // --- people over time -----------------------------------------------------------------------------------

    /// People who may be the same as `person` (same NHS number, or same name and date of birth, in its LA);
    /// audited as a search about the person.
    fn possible_duplicates(
        &self,
        actor: &Actor,
        person: Person,
        at: Timestamp,
    ) -> impl Future<Output = Result<Vec<Person>, StoreError>> + Send;

    /// Merge two records of one person, each checked (`checks`: the kept, then the merged) in the same
    /// transaction; audited either way.
    fn merge_people(
        &self,
        actor: &Actor,
        merge: people::NewMerge,
        checks: (AccessCheck, AccessCheck),
        at: Timestamp,
    ) -> impl Future<Output = Result<Viewed<people::PersonMerge>, StoreError>> + Send;

    /// Undo a merge (for an administrator: the service checks), audited.
    fn undo_merge(
        &self,
        actor: &Actor,
        merge: domain::ids::PersonMergeId,
        reason: String,
        seen_version: Option<i64>,
        at: Timestamp,
    ) -> impl Future<Output = Result<people::PersonMerge, StoreError>> + Send;

    /// One merge, for checks made before an audited change (nothing read here may reach the user unaudited).
    fn person_merge(
        &self,
        merge: domain::ids::PersonMergeId,
    ) -> impl Future<Output = Result<Option<people::PersonMerge>, StoreError>> + Send;

    /// The merges that kept or merged away a person (read with the person's audited record).
    fn merges_of(
        &self,
        person: PersonId,
    ) -> impl Future<Output = Result<Vec<people::PersonMerge>, StoreError>> + Send;

    // --- the front door -----------------------------------------------------------------------------------

    /// Write a change to a child's records if `check` allows (the child's LA and restriction are read in the
    /// same transaction) and nobody has changed them since `seen_version`; audited either way.
    fn save_case_change(
        &self,
        actor: &Actor,
        change: CaseChange,
        check: AccessCheck,
        at: Timestamp,
    ) -> impl Future<Output = Result<Viewed<i64>, StoreError>> + Send;

    /// Write changes to several children's records (one entry about a household's children) all or nothing:
    /// each checked as [`Store::save_case_change`] checks one, every check made before anything is written; if
    /// any refuses, that refusal is audited and answered and nothing is written. The new versions, in order.
    fn save_case_changes(
        &self,
        actor: &Actor,
        changes: Vec<(CaseChange, AccessCheck)>,
        at: Timestamp,
    ) -> impl Future<Output = Result<Viewed<Vec<i64>>, StoreError>> + Send;

    /// Contacts at one stage of the front door, oldest first; the listing is audited (as a search).
    fn front_door_worklist(
        &self,
        actor: &Actor,
        query: WorklistQuery,
        at: Timestamp,
    ) -> impl Future<Output = Result<Vec<WorklistRow>, StoreError>> + Send;

    /// Information requests addressed to one agency, oldest due first; the listing is audited.
    fn partner_queue(
        &self,
        actor: &Actor,
        query: PartnerQueueQuery,
        at: Timestamp,
    ) -> impl Future<Output = Result<Vec<PartnerRequestRow>, StoreError>> + Send;

    /// One information request, if `check` (on its child) allows; audited like [`Store::view_child`].
    fn view_information_request(
        &self,
        actor: &Actor,
        id: domain::ids::InformationRequestId,
        check: AccessCheck,
        at: Timestamp,
    ) -> impl Future<Output = Result<Viewed<Versioned<InformationRequest>>, StoreError>> + Send;

    // --- the audit chain ----------------------------------------------------------------------------------

    /// Chained entries after the place `after_seq` in the chain, in chain order: for verifying the chain page by
    /// page (on SQLite an entry's place is its `seq`; see `audit_log.rs`).
    fn audit_chain_page(
        &self,
        after_seq: i64,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<AuditEntry>, StoreError>> + Send;

    /// The chain head: the last chained entry's place and hash.
    fn audit_head(&self) -> impl Future<Output = Result<Option<Head>, StoreError>> + Send;

    /// Chain every committed entry not yet chained (PostgreSQL; nothing to do on SQLite): those of a server
    /// that stopped between a commit and its chaining. Verification runs it first.
    fn chain_audit(&self) -> impl Future<Output = Result<(), StoreError>> + Send;

    // --- supervision ----------------------------------------------------------------------------------------

    /// Save a supervision session with its actions in one transaction: each case's child is checked with a
    /// fresh `check()` inside it (any refused or missing child: nothing written, the refusals audited); one
    /// audit entry for the supervision, one per child discussed, one per action. Each action takes its
    /// child's LA.
    fn save_supervision(
        &self,
        actor: &Actor,
        supervision: domain::records::Supervision,
        actions: Vec<domain::records::Action>,
        check: AccessCheckFactory,
        at: Timestamp,
    ) -> impl Future<Output = Result<Viewed<()>, StoreError>> + Send;

    /// The supervisions a user took part in (as supervisor or supervisee), newest first, with only the cases
    /// (and actions) whose child `check()` allows, and those children (`people`); audited (one listing entry,
    /// one view per child shown).
    fn supervisions_of(
        &self,
        actor: &Actor,
        user: UserId,
        check: AccessCheckFactory,
        at: Timestamp,
    ) -> impl Future<Output = Result<RecordSet, StoreError>> + Send;

    /// The enabled users working for an LA, by display name (for choosing a supervisee or a worker).
    fn users_of_la(&self, la: LaCode)
    -> impl Future<Output = Result<Vec<User>, StoreError>> + Send;

    // --- casework worklists and caseloads ---

    /// The open casework of the children in scope (see `casework.rs`), for their statutory clocks; the listing
    /// is audited.
    fn casework_worklist(
        &self,
        actor: &Actor,
        query: CaseworkQuery,
        at: Timestamp,
    ) -> impl Future<Output = Result<CaseworkRecords, StoreError>> + Send;

    /// Up to `limit` children queued for their due dates to be worked out (of `las`, when given), and their open
    /// casework (`case_clocks.rs`). Not audited, like the search index's reading of the people it indexes: the
    /// system reads the records only to keep an index of due dates and shows them to no one; the worklist that
    /// shows a child's clocks audits its listing.
    fn stale_case_clocks(
        &self,
        las: Option<Vec<LaCode>>,
        limit: u32,
    ) -> impl Future<Output = Result<(Vec<QueuedChild>, RecordSet), StoreError>> + Send;

    /// Store the due dates worked out for `done`, and take each off the queue unless it was queued again since.
    fn store_case_clocks(
        &self,
        done: Vec<QueuedChild>,
        due: Vec<DueDate>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    // --- performance ---

    /// The facts the dashboard and the workload report count, for `las` and `window`
    /// (`domain::performance`); audited as a performance listing per LA.
    fn performance_facts(
        &self,
        actor: &Actor,
        las: Vec<LaCode>,
        window: domain::performance::FactWindow,
        at: Timestamp,
    ) -> impl Future<Output = Result<domain::performance::Facts, StoreError>> + Send;

    /// The people with these ids in these LAs (the children behind a figure), without restricted records not
    /// named for `user`; each one listed is audited.
    fn listed_people(
        &self,
        actor: &Actor,
        las: Vec<LaCode>,
        user: Option<UserId>,
        ids: Vec<PersonId>,
        at: Timestamp,
    ) -> impl Future<Output = Result<Vec<Person>, StoreError>> + Send;

    /// The LAs' open allocations, open plans and practice records since `since` (strategy discussions, open
    /// actions overdue on `today`, the latest visits of children on plans), for caseloads; audited.
    fn caseloads(
        &self,
        actor: &Actor,
        las: Vec<LaCode>,
        since: Date,
        today: Date,
        at: Timestamp,
    ) -> impl Future<Output = Result<RecordSet, StoreError>> + Send;

    // --- quality assurance ---

    /// Case-file audits (with their actions and children), practice weeks, observations and teams of the query's
    /// LAs; audited as a search of each LA.
    fn quality_records(
        &self,
        actor: &Actor,
        query: QualityQuery,
        at: Timestamp,
    ) -> impl Future<Output = Result<QualityRecords, StoreError>> + Send;

    /// A random sample of cases to audit: the children of `la` (of `team`, if given) with a referral open or
    /// closed on or after `closed_since` that the user may see (ids in order), narrowed by `pick`; audited as a
    /// search. The children picked, in `pick`'s order.
    fn audit_sample(
        &self,
        actor: &Actor,
        la: LaCode,
        team: Option<domain::ids::TeamId>,
        closed_since: Date,
        pick: SamplePick,
        at: Timestamp,
    ) -> impl Future<Output = Result<Vec<Person>, StoreError>> + Send;

    /// Save practice weeks and practice observations with their audit entries, in one transaction.
    fn save_quality(
        &self,
        actor: &Actor,
        weeks: Vec<domain::records::PracticeWeek>,
        observations: Vec<domain::records::PracticeObservation>,
        at: Timestamp,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    // --- administration ---

    /// The users working for any of `las`, by name, each with its version.
    fn admin_users(
        &self,
        las: Vec<LaCode>,
    ) -> impl Future<Output = Result<Vec<AdminUser>, StoreError>> + Send;

    /// One user with its version, if there is such a user.
    fn admin_user(
        &self,
        id: UserId,
    ) -> impl Future<Output = Result<Option<AdminUser>, StoreError>> + Send;

    /// The teams of `las` (open and closed), each with its manager, version and membership over time.
    fn admin_teams(
        &self,
        las: Vec<LaCode>,
    ) -> impl Future<Output = Result<Vec<AdminTeam>, StoreError>> + Send;

    /// The partner organisations of `las` (active and not), by LA and name.
    fn admin_organisations(
        &self,
        las: Vec<LaCode>,
    ) -> impl Future<Output = Result<Vec<Organisation>, StoreError>> + Send;

    /// An LA with its settings and their version, if it is served here.
    fn admin_local_authority(
        &self,
        la: LaCode,
    ) -> impl Future<Output = Result<Option<(LocalAuthority, i64)>, StoreError>> + Send;

    // --- information governance ---

    /// Every child's file of `la` with what its retention depends on: its deepest involvement, date of birth,
    /// last activity, and the legal hold on it now.
    fn retention_files(
        &self,
        la: LaCode,
    ) -> impl Future<Output = Result<Vec<RetentionFile>, StoreError>> + Send;

    /// The legal holds of `las`, those in force first, newest first (at most 1,000).
    fn legal_holds(
        &self,
        las: Vec<LaCode>,
    ) -> impl Future<Output = Result<Vec<LegalHold>, StoreError>> + Send;

    /// One legal hold.
    fn legal_hold(
        &self,
        id: uuid::Uuid,
    ) -> impl Future<Output = Result<Option<LegalHold>, StoreError>> + Send;

    /// Place a legal hold, audited.
    fn place_legal_hold(
        &self,
        actor: &Actor,
        hold: LegalHold,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Lift a legal hold with a reason if it is still at `expected` (`Stale` otherwise; `Conflict` if already
    /// lifted), audited. The hold as it now stands.
    fn lift_legal_hold(
        &self,
        actor: &Actor,
        id: uuid::Uuid,
        reason: String,
        expected: Option<i64>,
        at: Timestamp,
    ) -> impl Future<Output = Result<LegalHold, StoreError>> + Send;

    /// The deletions under the retention schedule in `las`, newest first (at most 1,000).
    fn retention_deletions(
        &self,
        las: Vec<LaCode>,
    ) -> impl Future<Output = Result<Vec<RetentionDeletion>, StoreError>> + Send;

    /// Delete a child's whole file if, decided again in the same transaction under `schedule` on `today`, it is
    /// still due and not held (`Conflict` otherwise, nothing deleted): the records merged into it, the adults
    /// related to no one else and the households left empty go with it; a stub naming the `report` it was decided
    /// on and an audit entry stay. The audit log itself is not touched.
    #[allow(clippy::too_many_arguments)]
    fn delete_due_file(
        &self,
        actor: &Actor,
        child: PersonId,
        schedule: Vec<domain::retention::Period>,
        today: Date,
        report: String,
        at: Timestamp,
    ) -> impl Future<Output = Result<RetentionDeletion, StoreError>> + Send;

    /// A child's restriction as it stands (whether restricted, who is named, why), if there is such a child.
    fn restriction_of(
        &self,
        child: PersonId,
    ) -> impl Future<Output = Result<Option<Restriction>, StoreError>> + Send;

    /// Restrict a child's record to `allowed` (or lift the restriction with `None`), for `reason`, if the
    /// restriction is still at `expected` (`Stale` otherwise, nothing written); audited. The new version.
    #[allow(clippy::too_many_arguments)]
    fn set_restriction(
        &self,
        actor: &Actor,
        child: PersonId,
        allowed: Option<Vec<UserId>>,
        reason: String,
        expected: Option<i64>,
        at: Timestamp,
    ) -> impl Future<Output = Result<i64, StoreError>> + Send;

    /// Record a break-glass access with its audit entry (before the record is read).
    fn record_break_glass(
        &self,
        actor: &Actor,
        access: BreakGlass,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// For each user who opened a child's record of `las` in [`from`, `to`): how many children's records they
    /// opened outside their caseload (never allocated to them), and how many in all.
    fn record_access(
        &self,
        las: Vec<LaCode>,
        from: Timestamp,
        to: Timestamp,
    ) -> impl Future<Output = Result<Vec<(UserId, u32, u32)>, StoreError>> + Send;

    /// The restricted records and the break-glass uses (newest first, at most 500) of `las`.
    fn information_governance(
        &self,
        las: Vec<LaCode>,
    ) -> impl Future<Output = Result<(Vec<Restriction>, Vec<BreakGlass>), StoreError>> + Send;

    /// Apply an administrator's change with its audit entries in one transaction: `Stale` (nothing written) when
    /// the record has moved on from the version they saw, `NotFound` when it does not exist, `Conflict` when it
    /// cannot be made (a team that still has members cannot close).
    fn administer(
        &self,
        actor: &Actor,
        change: AdminChange,
        at: Timestamp,
    ) -> impl Future<Output = Result<Administered, StoreError>> + Send;
}

#[cfg(feature = "sqlx")]
pub mod sqlx_errors;
