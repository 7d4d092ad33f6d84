//! How each record maps to its table: columns, bound values and reading back. Bulk inserts, the case file and
//! the conformance story all go through these, so a column added here is written and read everywhere.

use std::borrow::Cow;
use std::future::Future;

use domain::audit::AuditEvent;
use domain::codes::{Agency, Disability, RecordKind};
use domain::ids::PersonId;
use domain::records::*;

use crate::error::StoreError;
use crate::queries::{insert_rows_with, insert_values, select_by_child, select_where};
use crate::row::{RowExt, code_list_value, json_list_value};
use crate::sql::{SqlConn, SqlRow, ToValue, Value};

/// A record stored as one row of one table.
pub trait Table: Sized + Send + Sync + 'static {
    const NAME: &'static str;
    const COLUMNS: &'static [&'static str];
    /// The column holding the child the record is about, when it has one.
    const CHILD_COLUMN: Option<&'static str> = Some("child_id");
    /// The columns that identify one row, for an update of the others (a household member: its household, person
    /// and start).
    const KEY: &'static [&'static str] = &["id"];
    /// Columns besides [`Table::CHILD_COLUMN`] that name a person (a relationship's other person): a merge of
    /// two records of one person moves these too.
    const OTHER_PERSON_COLUMNS: &'static [&'static str] = &[];

    fn values<'a>(&'a self, out: &mut Vec<Value<'a>>);
    fn from_row<R: SqlRow + ?Sized>(r: &R) -> Result<Self, StoreError>;
}

/// A kind of record of the registry ([`domain::record_kinds!`]) as stored: the audit entry its creation leaves,
/// how a child's case file selects it, and the rows of other tables that belong to it. Bulk writes, case changes,
/// the case file and the counts iterate the registry and use this, so every kind is written, audited, read and
/// counted alike; a kind added to the registry without it does not compile.
pub trait RecordTable: Table + Record {
    /// The entry creating this record leaves in the audit log; `None` for a kind not audited on its own
    /// ([`Record::KIND`] is `None`).
    fn created(&self) -> Option<AuditEvent>;

    /// Which rows of this table a child's case file holds: a filter, `$1` being the child's id. By default the
    /// rows whose [`Table::CHILD_COLUMN`] is the child; `None`: the case file holds none (or reads them itself).
    fn case_file_filter() -> Option<Cow<'static, str>> {
        Self::CHILD_COLUMN.map(|col| Cow::Owned(format!("{col} = $1 ORDER BY 1")))
    }

    /// Whether these rows of one child's case file can be changed without an audited change naming that child:
    /// rows that several files hold (a household, a relationship, a supervision, a practice week), read afresh
    /// for each view rather than kept in the case-file cache (`case_files.rs`). A kind whose
    /// [`RecordTable::case_file_filter`] is other than its child column must say `true` (a test checks).
    const SHARED_BETWEEN_FILES: bool = false;

    /// Whether rows of other tables belong to these records ([`RecordTable::write_parts`]). A case change cannot
    /// update such records one by one.
    const HAS_PARTS: bool = false;

    /// The parts' columns naming a person, as `(table, column, the column naming the parent)`: a merge moves
    /// these too.
    const PERSON_PARTS: &'static [(&'static str, &'static str, &'static str)] = &[];

    /// Write the rows of other tables that belong to `rows` (just written), with `verb` (`INSERT INTO` or the
    /// back end's bulk verb).
    fn write_parts<'a, C: SqlConn>(
        c: &'a mut C,
        max_params: usize,
        verb: &'a str,
        rows: &'a [Self],
    ) -> impl Future<Output = Result<(), StoreError>> + Send + 'a {
        let _ = (c, max_params, verb, rows);
        std::future::ready(Ok(()))
    }

    /// Read back into `rows` (a child's case file) the rows of other tables that belong to them.
    fn read_parts<'a, C: SqlConn>(
        c: &'a mut C,
        child: PersonId,
        rows: &'a mut [Self],
    ) -> impl Future<Output = Result<(), StoreError>> + Send + 'a {
        let _ = (c, child, rows);
        std::future::ready(Ok(()))
    }
}

fn v<'a>(out: &mut Vec<Value<'a>>, x: impl ToValue<'a>) {
    out.push(x.to_value());
}

/// [`RecordTable`] for a kind audited as [`AuditEvent::created`] about the child `$child`, with any other items
/// of the trait that differ from its defaults.
macro_rules! record_table {
    ($t:ty, child = |$s:ident| $child:expr $(; $($item:item)*)?) => {
        impl RecordTable for $t {
            fn created(&self) -> Option<AuditEvent> {
                let $s = self;
                let child: Option<PersonId> = $child;
                Self::KIND.map(|kind| AuditEvent::created(kind, $s.id, child, &$s.la))
            }
            $($($item)*)?
        }
    };
}

// --- organisation ----------------------------------------------------------------------------------------------

impl Table for Team {
    const NAME: &'static str = "team";
    const COLUMNS: &'static [&'static str] = &["id", "la", "name", "kind"];
    const CHILD_COLUMN: Option<&'static str> = None;
    fn values<'a>(&'a self, o: &mut Vec<Value<'a>>) {
        v(o, self.id);
        v(o, &self.la);
        v(o, &self.name);
        v(o, self.kind);
    }
    fn from_row<R: SqlRow + ?Sized>(r: &R) -> Result<Self, StoreError> {
        Ok(Team {
            id: r.id("id")?,
            la: r.la("la")?,
            name: r.req_text("name")?,
            kind: r.parsed("kind")?,
        })
    }
}
record_table!(Team, child = |_s| None);

// --- people ----------------------------------------------------------------------------------------------------

impl Table for Person {
    const NAME: &'static str = "person";
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "la",
        "is_child",
        "la_child_id",
        "first_name",
        "last_name",
        "other_names",
        "date_of_birth",
        "expected_date_of_birth",
        "date_of_death",
        "sex",
        "gender_identity",
        "ethnicity",
        "disabilities",
        "upn",
        "former_upn",
        "upn_unknown",
        "nhs_number",
        "first_language",
        "religion",
        "restricted",
        "created_at",
        "search_first",
        "search_last",
        "search_first_key",
        "search_last_key",
    ];
    const CHILD_COLUMN: Option<&'static str> = Some("id");
    fn values<'a>(&'a self, o: &mut Vec<Value<'a>>) {
        v(o, self.id);
        v(o, &self.la);
        v(o, self.is_child);
        v(o, self.la_child_id.as_ref());
        v(o, &self.first_name);
        v(o, &self.last_name);
        v(o, self.other_names.as_ref());
        v(o, self.date_of_birth);
        v(o, self.expected_date_of_birth);
        v(o, self.date_of_death);
        v(o, self.sex);
        v(o, self.gender_identity.as_ref());
        v(o, self.ethnicity);
        o.push(code_list_value(&self.disabilities, Disability::code));
        v(o, self.upn.as_ref());
        v(o, self.former_upn.as_ref());
        v(o, self.upn_unknown);
        v(o, self.nhs_number.as_ref());
        v(o, self.first_language.as_ref());
        v(o, self.religion.as_ref());
        v(o, self.restricted);
        v(o, self.created_at);
        // What person search matches on (derived, never read back).
        let first = domain::search::normalise_name(&self.first_name);
        let last = domain::search::normalise_name(&self.last_name);
        let first_key = domain::search::name_key(&first);
        let last_key = domain::search::name_key(&last);
        o.push(Value::Text(Cow::Owned(first)));
        o.push(Value::Text(Cow::Owned(last)));
        o.push(Value::Text(Cow::Owned(first_key)));
        o.push(Value::Text(Cow::Owned(last_key)));
    }
    fn from_row<R: SqlRow + ?Sized>(r: &R) -> Result<Self, StoreError> {
        Ok(Person {
            id: r.id("id")?,
            la: r.la("la")?,
            is_child: r.req_bool("is_child")?,
            la_child_id: r.opt_parsed("la_child_id")?,
            first_name: r.req_text("first_name")?,
            last_name: r.req_text("last_name")?,
            other_names: r.text("other_names")?,
            date_of_birth: r.date("date_of_birth")?,
            expected_date_of_birth: r.date("expected_date_of_birth")?,
            date_of_death: r.date("date_of_death")?,
            sex: r.parsed("sex")?,
            gender_identity: r.text("gender_identity")?,
            ethnicity: r.opt_parsed("ethnicity")?,
            disabilities: r.code_list("disabilities")?,
            upn: r.opt_parsed("upn")?,
            former_upn: r.opt_parsed("former_upn")?,
            upn_unknown: r.opt_parsed("upn_unknown")?,
            nhs_number: r.opt_parsed("nhs_number")?,
            first_language: r.text("first_language")?,
            religion: r.text("religion")?,
            restricted: r.req_bool("restricted")?,
            created_at: r.req_timestamp("created_at")?,
        })
    }
}
record_table!(Person, child = |s| s.is_child.then_some(s.id);
    /// Read first, with the people related to the child (see `read_case_file`).
    fn case_file_filter() -> Option<Cow<'static, str>> {
        None
    }
);

impl Table for Household {
    const NAME: &'static str = "household";
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "la",
        "address_line1",
        "address_line2",
        "town",
        "postcode",
        "created_at",
    ];
    const CHILD_COLUMN: Option<&'static str> = None;
    fn values<'a>(&'a self, o: &mut Vec<Value<'a>>) {
        v(o, self.id);
        v(o, &self.la);
        v(o, &self.address.line1);
        v(o, self.address.line2.as_ref());
        v(o, &self.address.town);
        v(o, self.address.postcode.as_ref());
        v(o, self.created_at);
    }
    fn from_row<R: SqlRow + ?Sized>(r: &R) -> Result<Self, StoreError> {
        Ok(Household {
            id: r.id("id")?,
            la: r.la("la")?,
            address: Address {
                line1: r.req_text("address_line1")?,
                line2: r.text("address_line2")?,
                town: r.req_text("town")?,
                postcode: r.opt_parsed("postcode")?,
            },
            created_at: r.req_timestamp("created_at")?,
        })
    }
}
record_table!(Household, child = |_s| None;
    const SHARED_BETWEEN_FILES: bool = true;
    /// The households the child lived in.
    fn case_file_filter() -> Option<Cow<'static, str>> {
        Some(Cow::Borrowed(
            "id IN (SELECT household_id FROM household_member WHERE person_id = $1) ORDER BY id",
        ))
    }
);

impl Table for HouseholdMember {
    const NAME: &'static str = "household_member";
    const COLUMNS: &'static [&'static str] = &["household_id", "person_id", "from_date", "to_date"];
    const CHILD_COLUMN: Option<&'static str> = Some("person_id");
    const KEY: &'static [&'static str] = &["household_id", "person_id", "from_date"];
    fn values<'a>(&'a self, o: &mut Vec<Value<'a>>) {
        v(o, self.household_id);
        v(o, self.person_id);
        v(o, self.from);
        v(o, self.to);
    }
    fn from_row<R: SqlRow + ?Sized>(r: &R) -> Result<Self, StoreError> {
        Ok(HouseholdMember {
            household_id: r.id("household_id")?,
            person_id: r.id("person_id")?,
            from: r.req_date("from_date")?,
            to: r.date("to_date")?,
        })
    }
}

/// Written with its household, and not audited on its own.
impl RecordTable for HouseholdMember {
    fn created(&self) -> Option<AuditEvent> {
        None
    }
    const SHARED_BETWEEN_FILES: bool = true;
    /// Everyone who lived in the child's households.
    fn case_file_filter() -> Option<Cow<'static, str>> {
        Some(Cow::Borrowed(
            "household_id IN (SELECT household_id FROM household_member WHERE person_id = $1) \
             ORDER BY household_id, person_id, from_date",
        ))
    }
}

impl Table for Relationship {
    const NAME: &'static str = "relationship";
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "la",
        "person_id",
        "related_person_id",
        "kind",
        "parental_responsibility",
        "ended_on",
    ];
    const CHILD_COLUMN: Option<&'static str> = Some("related_person_id");
    const OTHER_PERSON_COLUMNS: &'static [&'static str] = &["person_id"];
    fn values<'a>(&'a self, o: &mut Vec<Value<'a>>) {
        v(o, self.id);
        v(o, &self.la);
        v(o, self.person_id);
        v(o, self.related_person_id);
        v(o, self.kind);
        v(o, self.parental_responsibility);
        v(o, self.ended_on);
    }
    fn from_row<R: SqlRow + ?Sized>(r: &R) -> Result<Self, StoreError> {
        Ok(Relationship {
            id: r.id("id")?,
            la: r.la("la")?,
            person_id: r.id("person_id")?,
            related_person_id: r.id("related_person_id")?,
            kind: r.parsed("kind")?,
            parental_responsibility: r.req_bool("parental_responsibility")?,
            ended_on: r.date("ended_on")?,
        })
    }
}
record_table!(Relationship, child = |s| Some(s.related_person_id);
    const SHARED_BETWEEN_FILES: bool = true;
    /// The child's relationships either way round.
    fn case_file_filter() -> Option<Cow<'static, str>> {
        Some(Cow::Borrowed("related_person_id = $1 OR person_id = $1 ORDER BY id"))
    }
);

impl Table for PersonRevision {
    const NAME: &'static str = "person_revision";
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "la",
        "person_id",
        "changed",
        "previous",
        "reason",
        "by_user_id",
        "at",
    ];
    const CHILD_COLUMN: Option<&'static str> = Some("person_id");
    fn values<'a>(&'a self, o: &mut Vec<Value<'a>>) {
        v(o, self.id);
        v(o, &self.la);
        v(o, self.person_id);
        o.push(Value::Text(Cow::Owned(self.changed.join(" "))));
        v(o, self.previous.as_ref());
        v(o, self.reason.as_ref());
        v(o, self.by);
        v(o, self.at);
    }
    fn from_row<R: SqlRow + ?Sized>(r: &R) -> Result<Self, StoreError> {
        Ok(PersonRevision {
            id: r.id("id")?,
            la: r.la("la")?,
            person_id: r.id("person_id")?,
            changed: r
                .req_text("changed")?
                .split_whitespace()
                .map(str::to_owned)
                .collect(),
            previous: r.text("previous")?,
            reason: r.text("reason")?,
            by: r.opt_id("by_user_id")?,
            at: r.req_timestamp("at")?,
        })
    }
}
record_table!(PersonRevision, child = |s| Some(s.person_id));

impl Table for Professional {
    const NAME: &'static str = "professional";
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "la",
        "child_id",
        "role",
        "name",
        "organisation",
        "phone",
        "email",
        "address",
        "from_date",
        "to_date",
        "recorded_by",
        "created_at",
    ];
    fn values<'a>(&'a self, o: &mut Vec<Value<'a>>) {
        v(o, self.id);
        v(o, &self.la);
        v(o, self.child_id);
        v(o, self.role);
        v(o, self.name.as_ref());
        v(o, self.organisation.as_ref());
        v(o, self.phone.as_ref());
        v(o, self.email.as_ref());
        v(o, self.address.as_ref());
        v(o, self.from);
        v(o, self.to);
        v(o, self.recorded_by);
        v(o, self.created_at);
    }
    fn from_row<R: SqlRow + ?Sized>(r: &R) -> Result<Self, StoreError> {
        Ok(Professional {
            id: r.id("id")?,
            la: r.la("la")?,
            child_id: r.id("child_id")?,
            role: r.parsed("role")?,
            name: r.text("name")?,
            organisation: r.text("organisation")?,
            phone: r.text("phone")?,
            email: r.text("email")?,
            address: r.text("address")?,
            from: r.req_date("from_date")?,
            to: r.date("to_date")?,
            recorded_by: r.opt_id("recorded_by")?,
            created_at: r.req_timestamp("created_at")?,
        })
    }
}
record_table!(Professional, child = |s| Some(s.child_id));

// --- front door ------------------------------------------------------------------------------------------------

impl Table for Contact {
    const NAME: &'static str = "contact";
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "la",
        "child_id",
        "sibling_group",
        "received_at",
        "out_of_hours",
        "source",
        "referrer_name",
        "referrer_role",
        "referrer_agency",
        "referrer_organisation",
        "referrer_contact_details",
        "concerns",
        "immediate_risk",
        "recorded_by",
        "recorded_at",
        "assigned_to",
        "threshold",
        "rag",
        "rag_rationale",
        "consent",
        "consent_rationale",
        "consent_approved_by",
        "consent_approved_at",
        "decision_outcome",
        "decision_rationale",
        "decided_by",
        "decided_at",
        "decision_out_of_hours",
        "decision_next_steps",
        "decision_receiving_service",
        "manager_oversight_by",
        "manager_oversight_at",
        "feedback_method",
        "feedback_given_at",
        "feedback_given_by",
        "feedback_summary",
    ];
    fn values<'a>(&'a self, o: &mut Vec<Value<'a>>) {
        v(o, self.id);
        v(o, &self.la);
        v(o, self.child_id);
        v(o, self.sibling_group);
        v(o, self.received_at);
        v(o, self.out_of_hours);
        v(o, self.source);
        v(o, &self.referrer.name);
        v(o, self.referrer.role.as_ref());
        v(o, self.referrer.agency);
        v(o, self.referrer.organisation.as_ref());
        v(o, self.referrer.contact_details.as_ref());
        v(o, &self.concerns);
        v(o, self.immediate_risk);
        v(o, self.recorded_by);
        v(o, self.recorded_at);
        v(o, self.assigned_to);
        let s = &self.screening;
        v(o, s.threshold);
        v(o, s.rag);
        v(o, s.rag_rationale.as_ref());
        v(o, s.consent);
        v(o, s.consent_rationale.as_ref());
        v(o, s.consent_approved_by);
        v(o, s.consent_approved_at);
        let d = self.decision.as_ref();
        v(o, d.map(|d| d.outcome));
        v(o, d.map(|d| &d.rationale));
        v(o, d.and_then(|d| d.decided_by));
        v(o, d.map(|d| d.decided_at));
        v(o, d.map(|d| d.out_of_hours));
        v(o, d.and_then(|d| d.next_steps.as_ref()));
        v(o, d.and_then(|d| d.receiving_service.as_ref()));
        v(o, d.and_then(|d| d.manager_oversight_by));
        v(o, d.and_then(|d| d.manager_oversight_at));
        let f = self.feedback.as_ref();
        v(o, f.map(|f| f.method));
        v(o, f.map(|f| f.given_at));
        v(o, f.and_then(|f| f.given_by));
        v(o, f.and_then(|f| f.summary.as_ref()));
    }
    fn from_row<R: SqlRow + ?Sized>(r: &R) -> Result<Self, StoreError> {
        let decision = match r.opt_parsed("decision_outcome")? {
            None => None,
            Some(outcome) => Some(ContactDecision {
                outcome,
                rationale: r.req_text("decision_rationale")?,
                decided_by: r.opt_id("decided_by")?,
                decided_at: r.req_timestamp("decided_at")?,
                out_of_hours: r.req_bool("decision_out_of_hours")?,
                next_steps: r.text("decision_next_steps")?,
                receiving_service: r.text("decision_receiving_service")?,
                manager_oversight_by: r.opt_id("manager_oversight_by")?,
                manager_oversight_at: r.timestamp("manager_oversight_at")?,
            }),
        };
        let feedback = match r.opt_parsed("feedback_method")? {
            None => None,
            Some(method) => Some(ReferrerFeedback {
                method,
                given_at: r.req_timestamp("feedback_given_at")?,
                given_by: r.opt_id("feedback_given_by")?,
                summary: r.text("feedback_summary")?,
            }),
        };
        Ok(Contact {
            id: r.id("id")?,
            la: r.la("la")?,
            child_id: r.id("child_id")?,
            sibling_group: r.opt_id("sibling_group")?,
            received_at: r.req_timestamp("received_at")?,
            out_of_hours: r.req_bool("out_of_hours")?,
            source: r.parsed("source")?,
            referrer: Referrer {
                name: r.req_text("referrer_name")?,
                role: r.text("referrer_role")?,
                agency: r.opt_parsed("referrer_agency")?,
                organisation: r.text("referrer_organisation")?,
                contact_details: r.text("referrer_contact_details")?,
            },
            concerns: r.req_text("concerns")?,
            immediate_risk: r.req_bool("immediate_risk")?,
            recorded_by: r.opt_id("recorded_by")?,
            recorded_at: r.req_timestamp("recorded_at")?,
            assigned_to: r.opt_id("assigned_to")?,
            screening: Screening {
                threshold: r.opt_parsed("threshold")?,
                rag: r.opt_parsed("rag")?,
                rag_rationale: r.text("rag_rationale")?,
                consent: r.opt_parsed("consent")?,
                consent_rationale: r.text("consent_rationale")?,
                consent_approved_by: r.opt_id("consent_approved_by")?,
                consent_approved_at: r.timestamp("consent_approved_at")?,
            },
            decision,
            feedback,
        })
    }
}
record_table!(Contact, child = |s| Some(s.child_id));

impl Table for RagChange {
    const NAME: &'static str = "rag_change";
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "la",
        "contact_id",
        "child_id",
        "rag",
        "rationale",
        "changed_by",
        "changed_at",
    ];
    fn values<'a>(&'a self, o: &mut Vec<Value<'a>>) {
        v(o, self.id);
        v(o, &self.la);
        v(o, self.contact_id);
        v(o, self.child_id);
        v(o, self.rag);
        v(o, &self.rationale);
        v(o, self.changed_by);
        v(o, self.changed_at);
    }
    fn from_row<R: SqlRow + ?Sized>(r: &R) -> Result<Self, StoreError> {
        Ok(RagChange {
            id: r.id("id")?,
            la: r.la("la")?,
            contact_id: r.id("contact_id")?,
            child_id: r.id("child_id")?,
            rag: r.parsed("rag")?,
            rationale: r.req_text("rationale")?,
            changed_by: r.opt_id("changed_by")?,
            changed_at: r.req_timestamp("changed_at")?,
        })
    }
}
record_table!(RagChange, child = |s| Some(s.child_id));

impl Table for MashEnquiry {
    const NAME: &'static str = "mash_enquiry";
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "la",
        "contact_id",
        "child_id",
        "started_at",
        "started_by",
        "history_summary",
        "completed_at",
    ];
    fn values<'a>(&'a self, o: &mut Vec<Value<'a>>) {
        v(o, self.id);
        v(o, &self.la);
        v(o, self.contact_id);
        v(o, self.child_id);
        v(o, self.started_at);
        v(o, self.started_by);
        v(o, self.history_summary.as_ref());
        v(o, self.completed_at);
    }
    fn from_row<R: SqlRow + ?Sized>(r: &R) -> Result<Self, StoreError> {
        Ok(MashEnquiry {
            id: r.id("id")?,
            la: r.la("la")?,
            contact_id: r.id("contact_id")?,
            child_id: r.id("child_id")?,
            started_at: r.req_timestamp("started_at")?,
            started_by: r.opt_id("started_by")?,
            history_summary: r.text("history_summary")?,
            completed_at: r.timestamp("completed_at")?,
        })
    }
}
record_table!(MashEnquiry, child = |s| Some(s.child_id));

impl Table for InformationRequest {
    const NAME: &'static str = "information_request";
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "la",
        "mash_enquiry_id",
        "contact_id",
        "child_id",
        "agency",
        "question",
        "requested_by",
        "requested_at",
        "due_at",
        "response",
        "responded_by",
        "responded_at",
    ];
    fn values<'a>(&'a self, o: &mut Vec<Value<'a>>) {
        v(o, self.id);
        v(o, &self.la);
        v(o, self.mash_enquiry_id);
        v(o, self.contact_id);
        v(o, self.child_id);
        v(o, self.agency);
        v(o, &self.question);
        v(o, self.requested_by);
        v(o, self.requested_at);
        v(o, self.due_at);
        v(o, self.response.as_ref());
        v(o, self.responded_by);
        v(o, self.responded_at);
    }
    fn from_row<R: SqlRow + ?Sized>(r: &R) -> Result<Self, StoreError> {
        Ok(InformationRequest {
            id: r.id("id")?,
            la: r.la("la")?,
            mash_enquiry_id: r.id("mash_enquiry_id")?,
            contact_id: r.id("contact_id")?,
            child_id: r.id("child_id")?,
            agency: r.parsed("agency")?,
            question: r.req_text("question")?,
            requested_by: r.opt_id("requested_by")?,
            requested_at: r.req_timestamp("requested_at")?,
            due_at: r.req_timestamp("due_at")?,
            response: r.text("response")?,
            responded_by: r.opt_id("responded_by")?,
            responded_at: r.timestamp("responded_at")?,
        })
    }
}
record_table!(InformationRequest, child = |s| Some(s.child_id));

// --- casework --------------------------------------------------------------------------------------------------

impl Table for Referral {
    const NAME: &'static str = "referral";
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "la",
        "child_id",
        "contact_id",
        "referral_date",
        "source",
        "primary_need",
        "nfa",
        "closure_date",
        "closure_reason",
        "created_at",
    ];
    fn values<'a>(&'a self, o: &mut Vec<Value<'a>>) {
        v(o, self.id);
        v(o, &self.la);
        v(o, self.child_id);
        v(o, self.contact_id);
        v(o, self.referral_date);
        v(o, self.source);
        v(o, self.primary_need);
        v(o, self.nfa);
        v(o, self.closure.as_ref().map(|c| c.date));
        v(o, self.closure.as_ref().map(|c| c.reason));
        v(o, self.created_at);
    }
    fn from_row<R: SqlRow + ?Sized>(r: &R) -> Result<Self, StoreError> {
        let closure = match r.date("closure_date")? {
            Some(date) => Some(Closure {
                date,
                reason: r.parsed("closure_reason")?,
            }),
            None => None,
        };
        Ok(Referral {
            id: r.id("id")?,
            la: r.la("la")?,
            child_id: r.id("child_id")?,
            contact_id: r.opt_id("contact_id")?,
            referral_date: r.req_date("referral_date")?,
            source: r.parsed("source")?,
            primary_need: r.opt_parsed("primary_need")?,
            nfa: r.req_bool("nfa")?,
            closure,
            created_at: r.req_timestamp("created_at")?,
        })
    }
}
record_table!(Referral, child = |s| Some(s.child_id));

impl Table for EarlyHelpEpisode {
    const NAME: &'static str = "early_help_episode";
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "la",
        "child_id",
        "contact_id",
        "stepped_down_from",
        "lead_practitioner",
        "lead_agency",
        "reason",
        "start_date",
        "end_date",
        "end_reason",
        "next_steps",
        "oversight_by",
        "oversight_at",
        "stepped_up_to",
        "created_at",
    ];
    fn values<'a>(&'a self, o: &mut Vec<Value<'a>>) {
        v(o, self.id);
        v(o, &self.la);
        v(o, self.child_id);
        v(o, self.contact_id);
        v(o, self.stepped_down_from);
        v(o, &self.lead_practitioner);
        v(o, self.lead_agency);
        v(o, &self.reason);
        v(o, self.start_date);
        v(o, self.end_date);
        v(o, self.end_reason);
        v(o, self.next_steps.as_ref());
        v(o, self.oversight_by);
        v(o, self.oversight_at);
        v(o, self.stepped_up_to);
        v(o, self.created_at);
    }
    fn from_row<R: SqlRow + ?Sized>(r: &R) -> Result<Self, StoreError> {
        Ok(EarlyHelpEpisode {
            id: r.id("id")?,
            la: r.la("la")?,
            child_id: r.id("child_id")?,
            contact_id: r.opt_id("contact_id")?,
            stepped_down_from: r.opt_id("stepped_down_from")?,
            lead_practitioner: r.req_text("lead_practitioner")?,
            lead_agency: r.parsed("lead_agency")?,
            reason: r.req_text("reason")?,
            start_date: r.req_date("start_date")?,
            end_date: r.date("end_date")?,
            end_reason: r.opt_parsed("end_reason")?,
            next_steps: r.text("next_steps")?,
            oversight_by: r.opt_id("oversight_by")?,
            oversight_at: r.timestamp("oversight_at")?,
            stepped_up_to: r.opt_id("stepped_up_to")?,
            created_at: r.req_timestamp("created_at")?,
        })
    }
}
record_table!(EarlyHelpEpisode, child = |s| Some(s.child_id));

impl Table for Assessment {
    const NAME: &'static str = "assessment";
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "la",
        "child_id",
        "referral_id",
        "start_date",
        "due_on",
        "child_seen",
        "child_seen_alone",
        "wishes_and_feelings",
        "identity_and_culture",
        "sources_of_information",
        "history_considered",
        "risk_factors",
        "protective_factors",
        "safety_goals",
        "scaling",
        "factors",
        "outcome",
        "authorised_by",
        "authorised_on",
        "created_at",
    ];
    fn values<'a>(&'a self, o: &mut Vec<Value<'a>>) {
        v(o, self.id);
        v(o, &self.la);
        v(o, self.child_id);
        v(o, self.referral_id);
        v(o, self.start_date);
        v(o, self.due_on);
        v(o, self.child_seen);
        v(o, self.child_seen_alone);
        v(o, &self.wishes_and_feelings);
        v(o, self.identity_and_culture.as_ref());
        v(o, self.sources_of_information.as_ref());
        v(o, self.history_considered.as_ref());
        v(o, self.risk_factors.as_ref());
        v(o, self.protective_factors.as_ref());
        v(o, self.safety_goals.as_ref());
        v(o, self.scaling.map(i64::from));
        o.push(code_list_value(
            &self.factors,
            domain::codes::AssessmentFactor::code,
        ));
        v(o, self.outcome);
        v(o, self.authorised_by);
        v(o, self.authorised_on);
        v(o, self.created_at);
    }
    fn from_row<R: SqlRow + ?Sized>(r: &R) -> Result<Self, StoreError> {
        let scaling = match r.int("scaling")? {
            Some(n) => Some(
                u8::try_from(n).map_err(|_| StoreError::corrupt("column scaling out of range"))?,
            ),
            None => None,
        };
        Ok(Assessment {
            id: r.id("id")?,
            la: r.la("la")?,
            child_id: r.id("child_id")?,
            referral_id: r.id("referral_id")?,
            start_date: r.req_date("start_date")?,
            due_on: r.req_date("due_on")?,
            child_seen: r.req_bool("child_seen")?,
            child_seen_alone: r.req_bool("child_seen_alone")?,
            wishes_and_feelings: r.req_text("wishes_and_feelings")?,
            identity_and_culture: r.text("identity_and_culture")?,
            sources_of_information: r.text("sources_of_information")?,
            history_considered: r.text("history_considered")?,
            risk_factors: r.text("risk_factors")?,
            protective_factors: r.text("protective_factors")?,
            safety_goals: r.text("safety_goals")?,
            scaling,
            factors: r.code_list("factors")?,
            outcome: r.opt_parsed("outcome")?,
            authorised_by: r.opt_id("authorised_by")?,
            authorised_on: r.date("authorised_on")?,
            created_at: r.req_timestamp("created_at")?,
        })
    }
}
record_table!(Assessment, child = |s| Some(s.child_id));

impl Table for Plan {
    const NAME: &'static str = "plan";
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "la",
        "child_id",
        "referral_id",
        "kind",
        "start_date",
        "end_date",
        "end_reason",
        "needs",
        "desired_outcomes",
        "initial_category",
        "latest_category",
        "next_review_on",
        "previous_cp_plans",
        "created_at",
    ];
    fn values<'a>(&'a self, o: &mut Vec<Value<'a>>) {
        v(o, self.id);
        v(o, &self.la);
        v(o, self.child_id);
        v(o, self.referral_id);
        v(o, self.kind);
        v(o, self.start_date);
        v(o, self.end_date);
        v(o, self.end_reason.as_ref());
        v(o, &self.needs);
        v(o, &self.desired_outcomes);
        v(o, self.initial_category);
        v(o, self.latest_category);
        v(o, self.next_review_on);
        v(o, self.previous_cp_plans.map(i64::from));
        v(o, self.created_at);
    }
    fn from_row<R: SqlRow + ?Sized>(r: &R) -> Result<Self, StoreError> {
        Ok(Plan {
            id: r.id("id")?,
            la: r.la("la")?,
            child_id: r.id("child_id")?,
            referral_id: r.id("referral_id")?,
            kind: r.parsed("kind")?,
            start_date: r.req_date("start_date")?,
            end_date: r.date("end_date")?,
            end_reason: r.text("end_reason")?,
            needs: r.req_text("needs")?,
            desired_outcomes: r.req_text("desired_outcomes")?,
            initial_category: r.opt_parsed("initial_category")?,
            latest_category: r.opt_parsed("latest_category")?,
            next_review_on: r.date("next_review_on")?,
            previous_cp_plans: r
                .int("previous_cp_plans")?
                .map(|n| {
                    u32::try_from(n)
                        .map_err(|_| StoreError::corrupt("column previous_cp_plans out of range"))
                })
                .transpose()?,
            created_at: r.req_timestamp("created_at")?,
        })
    }
}
record_table!(Plan, child = |s| Some(s.child_id));

impl Table for PlanReview {
    const NAME: &'static str = "plan_review";
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "la",
        "child_id",
        "plan_id",
        "held_on",
        "summary",
        "attendance",
        "partner_reports",
    ];
    fn values<'a>(&'a self, o: &mut Vec<Value<'a>>) {
        v(o, self.id);
        v(o, &self.la);
        v(o, self.child_id);
        v(o, self.plan_id);
        v(o, self.held_on);
        v(o, &self.summary);
        o.push(json_list_value(&self.attendance));
        o.push(json_list_value(&self.partner_reports));
    }
    fn from_row<R: SqlRow + ?Sized>(r: &R) -> Result<Self, StoreError> {
        Ok(PlanReview {
            id: r.id("id")?,
            la: r.la("la")?,
            child_id: r.id("child_id")?,
            plan_id: r.id("plan_id")?,
            held_on: r.req_date("held_on")?,
            summary: r.req_text("summary")?,
            progress: Vec::new(),
            attendance: r.json_list("attendance")?,
            partner_reports: r.json_list("partner_reports")?,
        })
    }
}
record_table!(PlanReview, child = |s| Some(s.child_id);
    /// Its progress against each action.
    const HAS_PARTS: bool = true;
    async fn write_parts<C: SqlConn>(
        c: &mut C,
        max_params: usize,
        verb: &str,
        rows: &[Self],
    ) -> Result<(), StoreError> {
        let progress: Vec<PlanReviewProgressRow> = rows
            .iter()
            .flat_map(|rev| {
                rev.progress.iter().map(|p| PlanReviewProgressRow {
                    plan_review_id: rev.id,
                    child_id: rev.child_id,
                    progress: p.clone(),
                })
            })
            .collect();
        insert_rows_with(c, max_params, verb, &progress).await
    }
    async fn read_parts<C: SqlConn>(
        c: &mut C,
        child: PersonId,
        rows: &mut [Self],
    ) -> Result<(), StoreError> {
        let progress: Vec<PlanReviewProgressRow> = select_by_child(c, child).await?;
        for rev in rows {
            rev.progress = progress
                .iter()
                .filter(|p| p.plan_review_id == rev.id)
                .map(|p| p.progress.clone())
                .collect();
            rev.progress.sort_by_key(|p| p.action_id);
        }
        Ok(())
    }
);

/// One row of a plan review's progress against an action.
pub struct PlanReviewProgressRow {
    pub plan_review_id: domain::ids::PlanReviewId,
    pub child_id: PersonId,
    pub progress: ActionProgress,
}

impl Table for PlanReviewProgressRow {
    const NAME: &'static str = "plan_review_action";
    const COLUMNS: &'static [&'static str] = &[
        "plan_review_id",
        "child_id",
        "action_id",
        "progress",
        "status",
    ];
    fn values<'a>(&'a self, o: &mut Vec<Value<'a>>) {
        v(o, self.plan_review_id);
        v(o, self.child_id);
        v(o, self.progress.action_id);
        v(o, &self.progress.progress);
        v(o, self.progress.status);
    }
    fn from_row<R: SqlRow + ?Sized>(r: &R) -> Result<Self, StoreError> {
        Ok(PlanReviewProgressRow {
            plan_review_id: r.id("plan_review_id")?,
            child_id: r.id("child_id")?,
            progress: ActionProgress {
                action_id: r.id("action_id")?,
                progress: r.req_text("progress")?,
                status: r.parsed("status")?,
            },
        })
    }
}

impl Table for CoreGroup {
    const NAME: &'static str = "core_group";
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "la",
        "child_id",
        "plan_id",
        "due_on",
        "held_on",
        "attendees",
        "notes",
        "attendance",
        "partner_reports",
    ];
    fn values<'a>(&'a self, o: &mut Vec<Value<'a>>) {
        v(o, self.id);
        v(o, &self.la);
        v(o, self.child_id);
        v(o, self.plan_id);
        v(o, self.due_on);
        v(o, self.held_on);
        v(o, self.attendees.as_ref());
        v(o, self.notes.as_ref());
        o.push(json_list_value(&self.attendance));
        o.push(json_list_value(&self.partner_reports));
    }
    fn from_row<R: SqlRow + ?Sized>(r: &R) -> Result<Self, StoreError> {
        Ok(CoreGroup {
            id: r.id("id")?,
            la: r.la("la")?,
            child_id: r.id("child_id")?,
            plan_id: r.id("plan_id")?,
            due_on: r.req_date("due_on")?,
            held_on: r.date("held_on")?,
            attendees: r.text("attendees")?,
            notes: r.text("notes")?,
            attendance: r.json_list("attendance")?,
            partner_reports: r.json_list("partner_reports")?,
        })
    }
}
record_table!(CoreGroup, child = |s| Some(s.child_id));

impl Table for Visit {
    const NAME: &'static str = "visit";
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "la",
        "child_id",
        "plan_id",
        "kind",
        "visited_on",
        "worker_id",
        "child_seen",
        "seen_alone",
        "bedroom_seen",
        "wishes_and_feelings",
        "observations",
        "created_at",
    ];
    fn values<'a>(&'a self, o: &mut Vec<Value<'a>>) {
        v(o, self.id);
        v(o, &self.la);
        v(o, self.child_id);
        v(o, self.plan_id);
        v(o, self.kind);
        v(o, self.visited_on);
        v(o, self.worker_id);
        v(o, self.child_seen);
        v(o, self.seen_alone);
        v(o, self.bedroom_seen);
        v(o, self.wishes_and_feelings.as_ref());
        v(o, self.observations.as_ref());
        v(o, self.created_at);
    }
    fn from_row<R: SqlRow + ?Sized>(r: &R) -> Result<Self, StoreError> {
        Ok(Visit {
            id: r.id("id")?,
            la: r.la("la")?,
            child_id: r.id("child_id")?,
            plan_id: r.opt_id("plan_id")?,
            kind: r.parsed("kind")?,
            visited_on: r.req_date("visited_on")?,
            worker_id: r.opt_id("worker_id")?,
            child_seen: r.req_bool("child_seen")?,
            seen_alone: r.req_bool("seen_alone")?,
            bedroom_seen: r.req_bool("bedroom_seen")?,
            wishes_and_feelings: r.text("wishes_and_feelings")?,
            observations: r.text("observations")?,
            created_at: r.req_timestamp("created_at")?,
        })
    }
}
record_table!(Visit, child = |s| Some(s.child_id));

impl Table for Action {
    const NAME: &'static str = "case_action";
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "la",
        "child_id",
        "strategy_discussion_id",
        "plan_id",
        "supervision_id",
        "case_file_audit_id",
        "description",
        "owner",
        "owner_user_id",
        "due_on",
        "status",
        "completed_on",
        "created_at",
    ];
    fn values<'a>(&'a self, o: &mut Vec<Value<'a>>) {
        v(o, self.id);
        v(o, &self.la);
        v(o, self.child_id);
        let (sd, plan, sup, audit) = match self.parent {
            ActionParent::StrategyDiscussion(id) => (Some(id), None, None, None),
            ActionParent::Plan(id) => (None, Some(id), None, None),
            ActionParent::Supervision(id) => (None, None, Some(id), None),
            ActionParent::CaseFileAudit(id) => (None, None, None, Some(id)),
        };
        v(o, sd);
        v(o, plan);
        v(o, sup);
        v(o, audit);
        v(o, &self.description);
        v(o, &self.owner);
        v(o, self.owner_user_id);
        v(o, self.due_on);
        v(o, self.status);
        v(o, self.completed_on);
        v(o, self.created_at);
    }
    fn from_row<R: SqlRow + ?Sized>(r: &R) -> Result<Self, StoreError> {
        let parent = if let Some(id) = r.opt_id("strategy_discussion_id")? {
            ActionParent::StrategyDiscussion(id)
        } else if let Some(id) = r.opt_id("plan_id")? {
            ActionParent::Plan(id)
        } else if let Some(id) = r.opt_id("supervision_id")? {
            ActionParent::Supervision(id)
        } else if let Some(id) = r.opt_id("case_file_audit_id")? {
            ActionParent::CaseFileAudit(id)
        } else {
            return Err(StoreError::corrupt("case_action has no parent"));
        };
        Ok(Action {
            id: r.id("id")?,
            la: r.la("la")?,
            child_id: r.opt_id("child_id")?,
            parent,
            description: r.req_text("description")?,
            owner: r.req_text("owner")?,
            owner_user_id: r.opt_id("owner_user_id")?,
            due_on: r.req_date("due_on")?,
            status: r.parsed("status")?,
            completed_on: r.date("completed_on")?,
            created_at: r.req_timestamp("created_at")?,
        })
    }
}
record_table!(Action, child = |s| s.child_id);

impl Table for ActionUpdate {
    const NAME: &'static str = "action_update";
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "la",
        "child_id",
        "action_id",
        "kind",
        "by_user_id",
        "at",
        "on_date",
        "previous_due_on",
        "text",
    ];
    fn values<'a>(&'a self, o: &mut Vec<Value<'a>>) {
        v(o, self.id);
        v(o, &self.la);
        v(o, self.child_id);
        v(o, self.action_id);
        v(o, self.kind);
        v(o, self.by);
        v(o, self.at);
        v(o, self.on);
        v(o, self.previous_due_on);
        v(o, &self.text);
    }
    fn from_row<R: SqlRow + ?Sized>(r: &R) -> Result<Self, StoreError> {
        Ok(ActionUpdate {
            id: r.id("id")?,
            la: r.la("la")?,
            child_id: r.opt_id("child_id")?,
            action_id: r.id("action_id")?,
            kind: r.parsed("kind")?,
            by: r.opt_id("by_user_id")?,
            at: r.req_timestamp("at")?,
            on: r.req_date("on_date")?,
            previous_due_on: r.date("previous_due_on")?,
            text: r.req_text("text")?,
        })
    }
}
record_table!(ActionUpdate, child = |s| s.child_id);

impl Table for Supervision {
    const NAME: &'static str = "supervision";
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "la",
        "supervisor_id",
        "supervisee_id",
        "held_on",
        "reflection",
        "created_at",
    ];
    const CHILD_COLUMN: Option<&'static str> = None;
    fn values<'a>(&'a self, o: &mut Vec<Value<'a>>) {
        v(o, self.id);
        v(o, &self.la);
        v(o, self.supervisor_id);
        v(o, self.supervisee_id);
        v(o, self.held_on);
        v(o, &self.reflection);
        v(o, self.created_at);
    }
    fn from_row<R: SqlRow + ?Sized>(r: &R) -> Result<Self, StoreError> {
        Ok(Supervision {
            id: r.id("id")?,
            la: r.la("la")?,
            supervisor_id: r.id("supervisor_id")?,
            supervisee_id: r.id("supervisee_id")?,
            held_on: r.req_date("held_on")?,
            reflection: r.req_text("reflection")?,
            cases: Vec::new(),
            created_at: r.req_timestamp("created_at")?,
        })
    }
}
record_table!(Supervision, child = |_s| None;
    const SHARED_BETWEEN_FILES: bool = true;
    /// The supervisions that discussed the child.
    fn case_file_filter() -> Option<Cow<'static, str>> {
        Some(Cow::Borrowed(
            "id IN (SELECT supervision_id FROM supervision_case WHERE child_id = $1) ORDER BY id",
        ))
    }
    /// The cases it discussed.
    const HAS_PARTS: bool = true;
    const PERSON_PARTS: &'static [(&'static str, &'static str, &'static str)] =
        &[("supervision_case", "child_id", "supervision_id")];
    async fn write_parts<C: SqlConn>(
        c: &mut C,
        max_params: usize,
        verb: &str,
        rows: &[Self],
    ) -> Result<(), StoreError> {
        let cases: Vec<SupervisionCaseRow> = rows
            .iter()
            .flat_map(|sup| {
                sup.cases.iter().map(|case| SupervisionCaseRow {
                    supervision_id: sup.id,
                    case: case.clone(),
                })
            })
            .collect();
        insert_rows_with(c, max_params, verb, &cases).await
    }
    /// Every case a supervision discussed, not only the child's (one query for all the child's supervisions).
    async fn read_parts<C: SqlConn>(
        c: &mut C,
        child: PersonId,
        rows: &mut [Self],
    ) -> Result<(), StoreError> {
        let cases: Vec<SupervisionCaseRow> = select_where(
            c,
            "supervision_id IN (SELECT supervision_id FROM supervision_case WHERE child_id = $1) \
             ORDER BY supervision_id, child_id",
            child.to_value(),
        )
        .await?;
        for sup in rows {
            sup.cases = cases
                .iter()
                .filter(|r| r.supervision_id == sup.id)
                .map(|r| r.case.clone())
                .collect();
        }
        Ok(())
    }
);

/// One case discussed in a supervision.
pub struct SupervisionCaseRow {
    pub supervision_id: domain::ids::SupervisionId,
    pub case: SupervisionCase,
}

impl Table for SupervisionCaseRow {
    const NAME: &'static str = "supervision_case";
    const COLUMNS: &'static [&'static str] =
        &["supervision_id", "child_id", "discussion", "direction"];
    fn values<'a>(&'a self, o: &mut Vec<Value<'a>>) {
        v(o, self.supervision_id);
        v(o, self.case.child_id);
        v(o, &self.case.discussion);
        v(o, &self.case.direction);
    }
    fn from_row<R: SqlRow + ?Sized>(r: &R) -> Result<Self, StoreError> {
        Ok(SupervisionCaseRow {
            supervision_id: r.id("supervision_id")?,
            case: SupervisionCase {
                child_id: r.id("child_id")?,
                discussion: r.req_text("discussion")?,
                direction: r.req_text("direction")?,
            },
        })
    }
}

impl Table for CaseNote {
    const NAME: &'static str = "case_note";
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "la",
        "child_id",
        "kind",
        "written_by",
        "at",
        "text",
        "involved",
        "entry_id",
        "also_about",
        "about_kind",
        "about_id",
        "revision",
        "supersedes",
        "correction_reason",
        "recorded_at",
    ];
    fn values<'a>(&'a self, o: &mut Vec<Value<'a>>) {
        v(o, self.id);
        v(o, &self.la);
        v(o, self.child_id);
        v(o, self.kind);
        v(o, self.written_by);
        v(o, self.at);
        v(o, &self.text);
        v(o, self.involved.as_ref());
        v(o, self.entry_id);
        v(
            o,
            (!self.also_about.is_empty()).then(|| {
                self.also_about
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(" ")
            }),
        );
        v(o, self.about.map(|(kind, _)| kind));
        v(o, self.about.map(|(_, id)| id));
        v(o, i64::from(self.revision));
        v(o, self.supersedes);
        v(o, self.correction_reason.as_ref());
        v(o, self.recorded_at);
    }
    fn from_row<R: SqlRow + ?Sized>(r: &R) -> Result<Self, StoreError> {
        let also_about = r
            .text("also_about")?
            .unwrap_or_default()
            .split_whitespace()
            .map(|s| {
                domain::ids::PersonId::parse(s)
                    .map_err(|e| StoreError::Corrupt(format!("case_note.also_about: {e}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let about = match (r.opt_parsed("about_kind")?, r.opt_id("about_id")?) {
            (Some(kind), Some(id)) => Some((kind, id)),
            _ => None,
        };
        Ok(CaseNote {
            id: r.id("id")?,
            la: r.la("la")?,
            child_id: r.id("child_id")?,
            kind: r.parsed("kind")?,
            written_by: r.opt_id("written_by")?,
            at: r.req_timestamp("at")?,
            text: r.req_text("text")?,
            involved: r.text("involved")?,
            entry_id: r.id("entry_id")?,
            also_about,
            about,
            revision: i32::try_from(r.req_int("revision")?)
                .map_err(|_| StoreError::Corrupt("case_note.revision out of range".into()))?,
            supersedes: r.opt_id("supersedes")?,
            correction_reason: r.text("correction_reason")?,
            recorded_at: r.req_timestamp("recorded_at")?,
        })
    }
}
record_table!(CaseNote, child = |s| Some(s.child_id));

impl Table for Allocation {
    const NAME: &'static str = "allocation";
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "la",
        "child_id",
        "worker_id",
        "team_id",
        "from_date",
        "to_date",
    ];
    fn values<'a>(&'a self, o: &mut Vec<Value<'a>>) {
        v(o, self.id);
        v(o, &self.la);
        v(o, self.child_id);
        v(o, self.worker_id);
        v(o, self.team_id);
        v(o, self.from);
        v(o, self.to);
    }
    fn from_row<R: SqlRow + ?Sized>(r: &R) -> Result<Self, StoreError> {
        Ok(Allocation {
            id: r.id("id")?,
            la: r.la("la")?,
            child_id: r.id("child_id")?,
            worker_id: r.id("worker_id")?,
            team_id: r.opt_id("team_id")?,
            from: r.req_date("from_date")?,
            to: r.date("to_date")?,
        })
    }
}
record_table!(Allocation, child = |s| Some(s.child_id));

impl Table for ChildFlag {
    const NAME: &'static str = "child_flag";
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "la",
        "child_id",
        "kind",
        "from_date",
        "to_date",
        "notes",
    ];
    fn values<'a>(&'a self, o: &mut Vec<Value<'a>>) {
        v(o, self.id);
        v(o, &self.la);
        v(o, self.child_id);
        v(o, self.kind);
        v(o, self.from);
        v(o, self.to);
        v(o, self.notes.as_ref());
    }
    fn from_row<R: SqlRow + ?Sized>(r: &R) -> Result<Self, StoreError> {
        Ok(ChildFlag {
            id: r.id("id")?,
            la: r.la("la")?,
            child_id: r.id("child_id")?,
            kind: r.parsed("kind")?,
            from: r.req_date("from_date")?,
            to: r.date("to_date")?,
            notes: r.text("notes")?,
        })
    }
}
record_table!(ChildFlag, child = |s| Some(s.child_id));

impl Table for SpecialistInvolvement {
    const NAME: &'static str = "specialist_involvement";
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "la",
        "child_id",
        "unit",
        "worker_name",
        "worker_id",
        "from_date",
        "to_date",
    ];
    fn values<'a>(&'a self, o: &mut Vec<Value<'a>>) {
        v(o, self.id);
        v(o, &self.la);
        v(o, self.child_id);
        v(o, &self.unit);
        v(o, &self.worker_name);
        v(o, self.worker_id);
        v(o, self.from);
        v(o, self.to);
    }
    fn from_row<R: SqlRow + ?Sized>(r: &R) -> Result<Self, StoreError> {
        Ok(SpecialistInvolvement {
            id: r.id("id")?,
            la: r.la("la")?,
            child_id: r.id("child_id")?,
            unit: r.req_text("unit")?,
            worker_name: r.req_text("worker_name")?,
            worker_id: r.opt_id("worker_id")?,
            from: r.req_date("from_date")?,
            to: r.date("to_date")?,
        })
    }
}
record_table!(SpecialistInvolvement, child = |s| Some(s.child_id));

// --- protection ------------------------------------------------------------------------------------------------

impl Table for StrategyDiscussion {
    const NAME: &'static str = "strategy_discussion";
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "la",
        "child_id",
        "referral_id",
        "contact_id",
        "held_at",
        "out_of_hours",
        "information_shared",
        "decision",
        "alternative",
        "review_of",
        "recorded_by",
        "created_at",
    ];
    fn values<'a>(&'a self, o: &mut Vec<Value<'a>>) {
        v(o, self.id);
        v(o, &self.la);
        v(o, self.child_id);
        v(o, self.referral_id);
        v(o, self.contact_id);
        v(o, self.held_at);
        v(o, self.out_of_hours);
        v(o, &self.information_shared);
        v(o, self.decision);
        v(o, self.alternative.as_ref());
        v(o, self.review_of);
        v(o, self.recorded_by);
        v(o, self.created_at);
    }
    fn from_row<R: SqlRow + ?Sized>(r: &R) -> Result<Self, StoreError> {
        Ok(StrategyDiscussion {
            id: r.id("id")?,
            la: r.la("la")?,
            child_id: r.id("child_id")?,
            referral_id: r.opt_id("referral_id")?,
            contact_id: r.opt_id("contact_id")?,
            held_at: r.req_timestamp("held_at")?,
            out_of_hours: r.req_bool("out_of_hours")?,
            participants: Vec::new(),
            absent_agencies: Vec::new(),
            progress: Vec::new(),
            information_shared: r.req_text("information_shared")?,
            decision: r.parsed("decision")?,
            alternative: r.text("alternative")?,
            review_of: r.opt_id("review_of")?,
            recorded_by: r.opt_id("recorded_by")?,
            created_at: r.req_timestamp("created_at")?,
        })
    }
}
record_table!(StrategyDiscussion, child = |s| Some(s.child_id);
    /// Its participants and the agencies absent.
    const HAS_PARTS: bool = true;
    async fn write_parts<C: SqlConn>(
        c: &mut C,
        max_params: usize,
        verb: &str,
        rows: &[Self],
    ) -> Result<(), StoreError> {
        let participants: Vec<ParticipantRow> = rows
            .iter()
            .flat_map(|sd| {
                sd.participants
                    .iter()
                    .enumerate()
                    .map(|(i, p)| ParticipantRow {
                        strategy_discussion_id: sd.id,
                        child_id: sd.child_id,
                        position: i64::try_from(i).unwrap_or(i64::MAX),
                        participant: p.clone(),
                    })
            })
            .collect();
        insert_rows_with(c, max_params, verb, &participants).await?;
        let absent: Vec<AbsentAgencyRow> = rows
            .iter()
            .flat_map(|sd| {
                sd.absent_agencies.iter().map(|a| AbsentAgencyRow {
                    strategy_discussion_id: sd.id,
                    child_id: sd.child_id,
                    absent: a.clone(),
                })
            })
            .collect();
        insert_rows_with(c, max_params, verb, &absent).await?;
        let progress: Vec<StrategyProgressRow> = rows
            .iter()
            .flat_map(|sd| {
                sd.progress.iter().map(|p| StrategyProgressRow {
                    strategy_discussion_id: sd.id,
                    child_id: sd.child_id,
                    progress: p.clone(),
                })
            })
            .collect();
        insert_rows_with(c, max_params, verb, &progress).await
    }
    async fn read_parts<C: SqlConn>(
        c: &mut C,
        child: PersonId,
        rows: &mut [Self],
    ) -> Result<(), StoreError> {
        let mut participants: Vec<ParticipantRow> = select_by_child(c, child).await?;
        participants.sort_by_key(|p| p.position);
        let absent: Vec<AbsentAgencyRow> = select_by_child(c, child).await?;
        let progress: Vec<StrategyProgressRow> = select_by_child(c, child).await?;
        for sd in rows {
            sd.progress = progress
                .iter()
                .filter(|p| p.strategy_discussion_id == sd.id)
                .map(|p| p.progress.clone())
                .collect();
            sd.progress.sort_by_key(|p| p.action_id);
            sd.participants = participants
                .iter()
                .filter(|p| p.strategy_discussion_id == sd.id)
                .map(|p| p.participant.clone())
                .collect();
            sd.absent_agencies = absent
                .iter()
                .filter(|a| a.strategy_discussion_id == sd.id)
                .map(|a| a.absent.clone())
                .collect();
        }
        Ok(())
    }
);

/// A participant row of a strategy discussion (its position keeps the order they were recorded in).
pub struct ParticipantRow {
    pub strategy_discussion_id: domain::ids::StrategyDiscussionId,
    pub child_id: PersonId,
    pub position: i64,
    pub participant: Participant,
}

impl Table for ParticipantRow {
    const NAME: &'static str = "strategy_participant";
    const COLUMNS: &'static [&'static str] = &[
        "strategy_discussion_id",
        "child_id",
        "position",
        "name",
        "agency",
        "role",
    ];
    fn values<'a>(&'a self, o: &mut Vec<Value<'a>>) {
        v(o, self.strategy_discussion_id);
        v(o, self.child_id);
        v(o, self.position);
        v(o, &self.participant.name);
        v(o, self.participant.agency);
        v(o, &self.participant.role);
    }
    fn from_row<R: SqlRow + ?Sized>(r: &R) -> Result<Self, StoreError> {
        Ok(ParticipantRow {
            strategy_discussion_id: r.id("strategy_discussion_id")?,
            child_id: r.id("child_id")?,
            position: r.req_int("position")?,
            participant: Participant {
                name: r.req_text("name")?,
                agency: r.parsed("agency")?,
                role: r.req_text("role")?,
            },
        })
    }
}

/// One row of a review strategy meeting's progress against an action of the discussion it reviews.
pub struct StrategyProgressRow {
    pub strategy_discussion_id: domain::ids::StrategyDiscussionId,
    pub child_id: PersonId,
    pub progress: ActionProgress,
}

impl Table for StrategyProgressRow {
    const NAME: &'static str = "strategy_action_progress";
    const COLUMNS: &'static [&'static str] = &[
        "strategy_discussion_id",
        "child_id",
        "action_id",
        "progress",
        "status",
    ];
    fn values<'a>(&'a self, o: &mut Vec<Value<'a>>) {
        v(o, self.strategy_discussion_id);
        v(o, self.child_id);
        v(o, self.progress.action_id);
        v(o, &self.progress.progress);
        v(o, self.progress.status);
    }
    fn from_row<R: SqlRow + ?Sized>(r: &R) -> Result<Self, StoreError> {
        Ok(StrategyProgressRow {
            strategy_discussion_id: r.id("strategy_discussion_id")?,
            child_id: r.id("child_id")?,
            progress: ActionProgress {
                action_id: r.id("action_id")?,
                progress: r.req_text("progress")?,
                status: r.parsed("status")?,
            },
        })
    }
}

/// An absent agency row of a strategy discussion.
pub struct AbsentAgencyRow {
    pub strategy_discussion_id: domain::ids::StrategyDiscussionId,
    pub child_id: PersonId,
    pub absent: AbsentAgency,
}

impl Table for AbsentAgencyRow {
    const NAME: &'static str = "strategy_absent_agency";
    const COLUMNS: &'static [&'static str] =
        &["strategy_discussion_id", "child_id", "agency", "reason"];
    fn values<'a>(&'a self, o: &mut Vec<Value<'a>>) {
        v(o, self.strategy_discussion_id);
        v(o, self.child_id);
        v(o, self.absent.agency);
        v(o, &self.absent.reason);
    }
    fn from_row<R: SqlRow + ?Sized>(r: &R) -> Result<Self, StoreError> {
        Ok(AbsentAgencyRow {
            strategy_discussion_id: r.id("strategy_discussion_id")?,
            child_id: r.id("child_id")?,
            absent: AbsentAgency {
                agency: r.parsed("agency")?,
                reason: r.req_text("reason")?,
            },
        })
    }
}

impl Table for Section47 {
    const NAME: &'static str = "section47";
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "la",
        "child_id",
        "referral_id",
        "strategy_discussion_id",
        "start_date",
        "icpc_due_on",
        "outcome_date",
        "outcome",
        "icpc_required",
        "findings",
        "child_seen",
        "child_seen_alone",
        "seen_on",
        "not_seen_reason",
        "analysis",
        "created_at",
    ];
    fn values<'a>(&'a self, o: &mut Vec<Value<'a>>) {
        v(o, self.id);
        v(o, &self.la);
        v(o, self.child_id);
        v(o, self.referral_id);
        v(o, self.strategy_discussion_id);
        v(o, self.start_date);
        v(o, self.icpc_due_on);
        v(o, self.outcome_date);
        v(o, self.outcome);
        v(o, self.icpc_required);
        v(o, self.findings.as_ref());
        v(o, self.child_seen);
        v(o, self.child_seen_alone);
        v(o, self.seen_on);
        v(o, self.not_seen_reason.as_ref());
        v(o, self.analysis.as_ref());
        v(o, self.created_at);
    }
    fn from_row<R: SqlRow + ?Sized>(r: &R) -> Result<Self, StoreError> {
        Ok(Section47 {
            id: r.id("id")?,
            la: r.la("la")?,
            child_id: r.id("child_id")?,
            referral_id: r.id("referral_id")?,
            strategy_discussion_id: r.id("strategy_discussion_id")?,
            start_date: r.req_date("start_date")?,
            icpc_due_on: r.req_date("icpc_due_on")?,
            outcome_date: r.date("outcome_date")?,
            outcome: r.opt_parsed("outcome")?,
            icpc_required: r.bool("icpc_required")?,
            findings: r.text("findings")?,
            child_seen: r.bool("child_seen")?,
            child_seen_alone: r.bool("child_seen_alone")?,
            seen_on: r.date("seen_on")?,
            not_seen_reason: r.text("not_seen_reason")?,
            analysis: r.text("analysis")?,
            created_at: r.req_timestamp("created_at")?,
        })
    }
}
record_table!(Section47, child = |s| Some(s.child_id));

impl Table for Conference {
    const NAME: &'static str = "conference";
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "la",
        "child_id",
        "kind",
        "section47_id",
        "plan_id",
        "due_on",
        "held_on",
        "outcome",
        "category",
        "chair_id",
        "attendance",
        "partner_reports",
        "created_at",
    ];
    fn values<'a>(&'a self, o: &mut Vec<Value<'a>>) {
        v(o, self.id);
        v(o, &self.la);
        v(o, self.child_id);
        v(o, self.kind);
        v(o, self.section47_id);
        v(o, self.plan_id);
        v(o, self.due_on);
        v(o, self.held_on);
        v(o, self.outcome);
        v(o, self.category);
        v(o, self.chair_id);
        o.push(json_list_value(&self.attendance));
        o.push(json_list_value(&self.partner_reports));
        v(o, self.created_at);
    }
    fn from_row<R: SqlRow + ?Sized>(r: &R) -> Result<Self, StoreError> {
        Ok(Conference {
            id: r.id("id")?,
            la: r.la("la")?,
            child_id: r.id("child_id")?,
            kind: r.parsed("kind")?,
            section47_id: r.opt_id("section47_id")?,
            plan_id: r.opt_id("plan_id")?,
            due_on: r.req_date("due_on")?,
            held_on: r.date("held_on")?,
            outcome: r.opt_parsed("outcome")?,
            category: r.opt_parsed("category")?,
            chair_id: r.opt_id("chair_id")?,
            attendance: r.json_list("attendance")?,
            partner_reports: r.json_list("partner_reports")?,
            created_at: r.req_timestamp("created_at")?,
        })
    }
}
record_table!(Conference, child = |s| Some(s.child_id));

impl Table for EmergencyProtection {
    const NAME: &'static str = "emergency_protection";
    const COLUMNS: &'static [&'static str] =
        &["id", "la", "child_id", "kind", "start_date", "end_date"];
    fn values<'a>(&'a self, o: &mut Vec<Value<'a>>) {
        v(o, self.id);
        v(o, &self.la);
        v(o, self.child_id);
        v(o, self.kind);
        v(o, self.start_date);
        v(o, self.end_date);
    }
    fn from_row<R: SqlRow + ?Sized>(r: &R) -> Result<Self, StoreError> {
        Ok(EmergencyProtection {
            id: r.id("id")?,
            la: r.la("la")?,
            child_id: r.id("child_id")?,
            kind: r.parsed("kind")?,
            start_date: r.req_date("start_date")?,
            end_date: r.date("end_date")?,
        })
    }
}
record_table!(EmergencyProtection, child = |s| Some(s.child_id));

// --- quality ---------------------------------------------------------------------------------------------------

impl Table for PracticeWeek {
    const NAME: &'static str = "practice_week";
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "la",
        "title",
        "theme",
        "starts_on",
        "ends_on",
        "report",
        "created_at",
        "scope_las",
        "scope_teams",
        "created_by",
    ];
    const CHILD_COLUMN: Option<&'static str> = None;
    fn values<'a>(&'a self, o: &mut Vec<Value<'a>>) {
        v(o, self.id);
        v(o, &self.la);
        v(o, &self.title);
        v(o, &self.theme);
        v(o, self.starts_on);
        v(o, self.ends_on);
        v(o, self.report.as_ref());
        v(o, self.created_at);
        o.push(json_list_value(&self.scope.las));
        o.push(json_list_value(&self.scope.teams));
        v(o, self.scope.created_by);
    }
    fn from_row<R: SqlRow + ?Sized>(r: &R) -> Result<Self, StoreError> {
        Ok(PracticeWeek {
            id: r.id("id")?,
            la: r.la("la")?,
            title: r.req_text("title")?,
            theme: r.req_text("theme")?,
            starts_on: r.req_date("starts_on")?,
            ends_on: r.req_date("ends_on")?,
            report: r.text("report")?,
            created_at: r.req_timestamp("created_at")?,
            scope: PracticeWeekScope {
                las: r.json_list("scope_las")?,
                teams: r.json_list("scope_teams")?,
                created_by: r.opt_id("created_by")?,
            },
        })
    }
}
record_table!(PracticeWeek, child = |_s| None;
    const SHARED_BETWEEN_FILES: bool = true;
    /// The practice weeks in which the child's case file was audited.
    fn case_file_filter() -> Option<Cow<'static, str>> {
        Some(Cow::Borrowed(
            "id IN (SELECT practice_week_id FROM case_file_audit WHERE child_id = $1) ORDER BY id",
        ))
    }
);

impl Table for CaseFileAudit {
    const NAME: &'static str = "case_file_audit";
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "la",
        "child_id",
        "auditor_id",
        "practice_week_id",
        "audited_on",
        "grade",
        "lived_experience",
        "impact_of_practice",
        "strengths",
        "areas_for_development",
        "moderated_by",
        "moderated_grade",
        "created_at",
        "assessment_grade",
        "assessment_comment",
        "planning_grade",
        "planning_comment",
        "oversight_grade",
        "oversight_comment",
        "supervision_grade",
        "supervision_comment",
        "themes",
        "lived_experience_evidenced",
        "impact_evidenced",
        "worker_reflection",
        "moderation_agreed",
        "moderation_reason",
        "moderated_at",
    ];
    fn values<'a>(&'a self, o: &mut Vec<Value<'a>>) {
        v(o, self.id);
        v(o, &self.la);
        v(o, self.child_id);
        v(o, self.auditor_id);
        v(o, self.practice_week_id);
        v(o, self.audited_on);
        v(o, self.grade);
        v(o, &self.lived_experience);
        v(o, &self.impact_of_practice);
        v(o, self.strengths.as_ref());
        v(o, self.areas_for_development.as_ref());
        v(o, self.moderated_by);
        v(o, self.moderated_grade);
        v(o, self.created_at);
        let d = &self.detail;
        for r in [&d.assessment, &d.planning, &d.oversight, &d.supervision] {
            v(o, r.grade);
            v(o, r.comment.as_ref());
        }
        o.push(json_list_value(&d.themes));
        v(o, d.lived_experience_evidenced);
        v(o, d.impact_evidenced);
        v(o, d.worker_reflection.as_ref());
        v(o, d.moderation_agreed);
        v(o, d.moderation_reason.as_ref());
        v(o, d.moderated_at);
    }
    fn from_row<R: SqlRow + ?Sized>(r: &R) -> Result<Self, StoreError> {
        Ok(CaseFileAudit {
            id: r.id("id")?,
            la: r.la("la")?,
            child_id: r.id("child_id")?,
            auditor_id: r.opt_id("auditor_id")?,
            practice_week_id: r.opt_id("practice_week_id")?,
            audited_on: r.req_date("audited_on")?,
            grade: r.parsed("grade")?,
            lived_experience: r.req_text("lived_experience")?,
            impact_of_practice: r.req_text("impact_of_practice")?,
            strengths: r.text("strengths")?,
            areas_for_development: r.text("areas_for_development")?,
            moderated_by: r.opt_id("moderated_by")?,
            moderated_grade: r.opt_parsed("moderated_grade")?,
            created_at: r.req_timestamp("created_at")?,
            detail: AuditDetail {
                assessment: rating(r, "assessment")?,
                planning: rating(r, "planning")?,
                oversight: rating(r, "oversight")?,
                supervision: rating(r, "supervision")?,
                themes: r.json_list("themes")?,
                lived_experience_evidenced: r.bool("lived_experience_evidenced")?,
                impact_evidenced: r.bool("impact_evidenced")?,
                worker_reflection: r.text("worker_reflection")?,
                moderation_agreed: r.bool("moderation_agreed")?,
                moderation_reason: r.text("moderation_reason")?,
                moderated_at: r.timestamp("moderated_at")?,
            },
        })
    }
}
record_table!(CaseFileAudit, child = |s| Some(s.child_id));

fn rating<R: SqlRow + ?Sized>(r: &R, area: &str) -> Result<Rating, StoreError> {
    Ok(Rating {
        grade: r.opt_parsed(&format!("{area}_grade"))?,
        comment: r.text(&format!("{area}_comment"))?,
    })
}

impl Table for PracticeObservation {
    const NAME: &'static str = "practice_observation";
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "la",
        "practice_week_id",
        "observer_id",
        "observed_id",
        "observed_on",
        "observed",
        "grade",
        "strengths",
        "development",
        "created_at",
    ];
    const CHILD_COLUMN: Option<&'static str> = None;
    fn values<'a>(&'a self, o: &mut Vec<Value<'a>>) {
        v(o, self.id);
        v(o, &self.la);
        v(o, self.practice_week_id);
        v(o, self.observer_id);
        v(o, self.observed_id);
        v(o, self.observed_on);
        v(o, &self.observed);
        v(o, self.grade);
        v(o, self.strengths.as_ref());
        v(o, self.development.as_ref());
        v(o, self.created_at);
    }
    fn from_row<R: SqlRow + ?Sized>(r: &R) -> Result<Self, StoreError> {
        Ok(PracticeObservation {
            id: r.id("id")?,
            la: r.la("la")?,
            practice_week_id: r.id("practice_week_id")?,
            observer_id: r.opt_id("observer_id")?,
            observed_id: r.id("observed_id")?,
            observed_on: r.req_date("observed_on")?,
            observed: r.req_text("observed")?,
            grade: r.parsed("grade")?,
            strengths: r.text("strengths")?,
            development: r.text("development")?,
            created_at: r.req_timestamp("created_at")?,
        })
    }
}

// --- users -----------------------------------------------------------------------------------------------------

impl Table for domain::records::User {
    const NAME: &'static str = "app_user";
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "username",
        "display_name",
        "role",
        "agency",
        "team_id",
        "disabled",
        "created_at",
    ];
    const CHILD_COLUMN: Option<&'static str> = None;
    fn values<'a>(&'a self, o: &mut Vec<Value<'a>>) {
        v(o, self.id);
        v(o, &self.username);
        v(o, &self.display_name);
        v(o, self.role);
        v(o, self.agency);
        v(o, self.team_id);
        v(o, self.disabled);
        v(o, self.created_at);
    }
    /// Reads everything but the LAs, which live in `user_la`.
    fn from_row<R: SqlRow + ?Sized>(r: &R) -> Result<Self, StoreError> {
        Ok(User {
            id: r.id("id")?,
            username: r.req_text("username")?,
            display_name: r.req_text("display_name")?,
            role: r.parsed("role")?,
            agency: r.opt_parsed("agency")?,
            las: Vec::new(),
            team_id: r.opt_id("team_id")?,
            disabled: r.req_bool("disabled")?,
            created_at: r.req_timestamp("created_at")?,
        })
    }
}

impl RecordTable for domain::records::User {
    fn created(&self) -> Option<AuditEvent> {
        Some(AuditEvent {
            action: domain::codes::AuditAction::Create,
            record_kind: RecordKind::User,
            record_id: Some(self.id.uuid()),
            child_id: None,
            la: self.las.first().cloned(),
            outcome: domain::codes::AuditOutcome::Allowed,
        })
    }

    /// The LAs the user works for (`user_la`).
    const HAS_PARTS: bool = true;
    async fn write_parts<C: SqlConn>(
        c: &mut C,
        max_params: usize,
        verb: &str,
        rows: &[Self],
    ) -> Result<(), StoreError> {
        let las: Vec<Vec<Value<'_>>> = rows
            .iter()
            .flat_map(|u| {
                u.las
                    .iter()
                    .map(move |la| vec![u.id.to_value(), la.to_value()])
            })
            .collect();
        let columns = ["user_id", "la"];
        insert_values(c, max_params, verb, "user_la", &columns, las.into_iter()).await
    }
}

// --- documents -------------------------------------------------------------------------------------------------

impl Table for Document {
    const NAME: &'static str = "document";
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "la",
        "child_id",
        "contact_id",
        "title",
        "kind",
        "file_name",
        "content_type",
        "size",
        "sha256",
        "shared_with",
        "uploaded_by",
        "uploaded_at",
    ];
    fn values<'a>(&'a self, o: &mut Vec<Value<'a>>) {
        v(o, self.id);
        v(o, &self.la);
        v(o, self.child_id);
        v(o, self.contact_id);
        v(o, &self.title);
        v(o, self.kind);
        v(o, &self.file_name);
        v(o, &self.content_type);
        v(o, i64::try_from(self.size).unwrap_or(i64::MAX));
        v(o, &self.sha256);
        o.push(code_list_value(&self.shared_with, Agency::code));
        v(o, self.uploaded_by);
        v(o, self.uploaded_at);
    }
    fn from_row<R: SqlRow + ?Sized>(r: &R) -> Result<Self, StoreError> {
        Ok(Document {
            id: r.id("id")?,
            la: r.la("la")?,
            child_id: r.id("child_id")?,
            contact_id: r.opt_id("contact_id")?,
            title: r.req_text("title")?,
            kind: r.opt_parsed("kind")?,
            file_name: r.req_text("file_name")?,
            content_type: r.req_text("content_type")?,
            size: u64::try_from(r.req_int("size")?)
                .map_err(|_| StoreError::corrupt("document.size is negative"))?,
            sha256: r.req_text("sha256")?,
            shared_with: r.code_list("shared_with")?,
            uploaded_by: r.opt_id("uploaded_by")?,
            uploaded_at: r.req_timestamp("uploaded_at")?,
        })
    }
}
record_table!(Document, child = |s| Some(s.child_id));

impl Table for DocumentContent {
    const NAME: &'static str = "document_content";
    const COLUMNS: &'static [&'static str] = &["document_id", "bytes"];
    const CHILD_COLUMN: Option<&'static str> = None;
    fn values<'a>(&'a self, o: &mut Vec<Value<'a>>) {
        v(o, self.document_id);
        o.push(Value::Bytes(Cow::Borrowed(&self.bytes)));
    }
    fn from_row<R: SqlRow + ?Sized>(r: &R) -> Result<Self, StoreError> {
        Ok(DocumentContent {
            document_id: r.id("document_id")?,
            bytes: r
                .bytes("bytes")?
                .ok_or_else(|| StoreError::corrupt("document_content.bytes is NULL"))?,
        })
    }
}

/// Written with its document, not audited on its own (the document is), and never part of a case file: the bytes
/// are read only when someone downloads them.
impl RecordTable for DocumentContent {
    fn created(&self) -> Option<AuditEvent> {
        None
    }
    fn case_file_filter() -> Option<Cow<'static, str>> {
        None
    }
}
