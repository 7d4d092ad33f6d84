//! Frontdoor's persistence. [`Store`] is the one trait of use cases that the service layer calls. [`SqlStore`] is
//! its implementation, written once against the small SQL facade in [`sql`]; the `store-sqlite` and
//! `store-postgres` crates provide the [`sql::Backend`]s it runs on, with their own migrations and durability
//! checks. Every method that changes data writes its audit rows in the same transaction.

pub mod error;
mod queries;
pub mod row;
pub mod sql;
pub mod tables;

use std::future::Future;

use domain::audit::{Actor, AuditEntry};
use domain::identifiers::LaCode;
use domain::ids::{ApiTokenId, ContactId, PersonId, UserId};
use domain::records::{Contact, LocalAuthority, Person, RecordCounts, RecordSet, User};
use serde::Serialize;
use uuid::Uuid;

pub use error::StoreError;
pub use queries::SqlStore;

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
}

/// Which audit entries to read.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    pub record_id: Option<Uuid>,
    pub child_id: Option<PersonId>,
    pub actor_id: Option<UserId>,
    pub limit: Option<u32>,
}

/// The use cases Frontdoor's persistence offers. Callers (the service layer) have already checked permissions.
pub trait Store: Clone + Send + Sync + 'static {
    /// `sqlite` or `postgres`.
    fn backend_name(&self) -> &'static str;

    /// Answer when the database can be reached and written.
    fn ping(&self) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The database's own integrity check: the problems found (none when healthy).
    fn integrity_check(&self) -> impl Future<Output = Result<Vec<String>, StoreError>> + Send;

    /// Create or update an LA and its settings.
    fn save_local_authority(
        &self,
        actor: &Actor,
        la: &LocalAuthority,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    fn local_authorities(
        &self,
    ) -> impl Future<Output = Result<Vec<LocalAuthority>, StoreError>> + Send;

    /// Add a user; `Conflict` when the username is taken.
    fn add_user(
        &self,
        actor: &Actor,
        user: &User,
        password_hash: Option<String>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    fn user_credentials(
        &self,
        username: &str,
    ) -> impl Future<Output = Result<Option<UserCredentials>, StoreError>> + Send;

    /// Store a new API token (its hash only) for a user.
    fn add_api_token(
        &self,
        actor: &Actor,
        user_id: UserId,
        token_hash: String,
    ) -> impl Future<Output = Result<ApiTokenId, StoreError>> + Send;

    /// The enabled user a live (unrevoked) token belongs to.
    fn user_for_api_token(
        &self,
        token_hash: &str,
    ) -> impl Future<Output = Result<Option<User>, StoreError>> + Send;

    /// Record a contact (and its new child), or return the earlier result for a repeated idempotency key.
    fn record_contact(
        &self,
        actor: &Actor,
        new: NewContact,
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
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Every record about one child: the child, family and households, and the whole journey.
    fn case_file(
        &self,
        child: PersonId,
    ) -> impl Future<Output = Result<Option<RecordSet>, StoreError>> + Send;

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
}

#[cfg(feature = "sqlx")]
pub mod sqlx_errors;
