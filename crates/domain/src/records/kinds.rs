//! The registry of record kinds: every kind of record a [`RecordSet`](super::RecordSet) holds, named once.
//!
//! [`record_kinds!`](crate::record_kinds) is the one list. From it come [`RecordSet`](super::RecordSet) (a field per
//! kind), its counts, `append` and `is_empty`, the [`Record`] trait of each kind, and the kinds of
//! [`RecordKind`] that are records. Code that does something to every kind (bulk writes, the case file, a case
//! change's audit entries, counting tables, renumbering the demo's ids, a child's chronology) iterates the
//! registry instead of listing the kinds again:
//!
//! ```
//! use domain::records::{Record, RecordSet};
//!
//! fn kinds_present(set: &RecordSet) -> Vec<&'static str> {
//!     let mut out = Vec::new();
//!     macro_rules! each {
//!         ($($t:ty),*) => { $( if !<$t as Record>::of(set).is_empty() { out.push(<$t as Record>::FIELD); } )* };
//!     }
//!     domain::record_kinds!(each);
//!     out
//! }
//! assert!(kinds_present(&RecordSet::default()).is_empty());
//! ```
//!
//! Adding a kind is one line here (and its place in the write order), plus what each layer must know of it: its
//! table mapping in `store::tables` (the compiler asks for it wherever the registry is iterated).

use crate::codes::RecordKind;

use super::RecordSet;

/// A kind of record in the registry.
pub trait Record: Clone + std::fmt::Debug + PartialEq + Send + Sync + 'static {
    /// The [`RecordSet`] field holding records of this kind, e.g. `"case_file_audits"`.
    const FIELD: &'static str;
    /// What [`RecordSet::counts`] calls them, e.g. `"case-file audits"`.
    const COUNTED_AS: &'static str;
    /// How the audit log names the kind; `None` for rows that are not audited on their own (a household's
    /// members are written with the household).
    const KIND: Option<RecordKind>;

    /// What tells two records of the kind apart: the id (a household member: household, person and start).
    fn key(&self) -> impl Ord + Copy + std::fmt::Debug + use<Self>;
    /// The records of this kind in `set`.
    fn of(set: &RecordSet) -> &Vec<Self>;
    /// The records of this kind in `set`, to change.
    fn of_mut(set: &mut RecordSet) -> &mut Vec<Self>;
}

/// The registry of record kinds, and the ways to iterate it.
///
/// - `record_kinds!(m)` calls `m!(T1, T2, …)` with every kind's type (paths into `domain::records`), in
///   [`RecordSet`](crate::records::RecordSet)'s order: the order counts are printed in.
/// - `record_kinds!(write_order: m)` does the same in the order records must be written so that every foreign key
///   points at a row already written (parents first). It cannot be the same order: counts print a plan's review
///   beside the plan, but a review refers to the plan's actions, which refer to supervisions and case-file audits.
///   A compile-time check makes sure it names every kind exactly once.
///
/// Each line of the registry: the field, the type, what counts call the kind, the fields that identify one record,
/// and, for a kind audited on its own, its audit code and label (the [`RecordKind`](crate::codes::RecordKind)
/// variant is named after the type). The `@…` forms are internal.
#[macro_export]
macro_rules! record_kinds {
    ($callback:ident) => {
        $crate::record_kinds!(@registry types [$callback]);
    };
    (write_order: $callback:ident) => {
        $crate::record_kinds!(@registry write_order [$callback]);
    };

    // --- the registry --------------------------------------------------------------------------------------
    (@registry $form:ident [$($args:tt)*]) => {
        $crate::record_kinds! { @$form [$($args)*]
            {
                teams: Team, "teams", (id), ["team" => "Team"];
                users: User, "users", (id), ["user" => "User"];
                people: Person, "people", (id), ["person" => "Person"];
                households: Household, "households", (id), ["household" => "Household"];
                household_members: HouseholdMember, "household members", (household_id, person_id, from), [];
                relationships: Relationship, "relationships", (id), ["relationship" => "Relationship"];
                person_revisions: PersonRevision, "person revisions", (id),
                    ["person-revision" => "Change of details"];
                professionals: Professional, "professionals involved", (id),
                    ["professional" => "Professional involved"];
                contacts: Contact, "contacts", (id), ["contact" => "Contact"];
                rag_changes: RagChange, "RAG changes", (id), ["rag-change" => "RAG rating"];
                mash_enquiries: MashEnquiry, "MASH enquiries", (id), ["mash-enquiry" => "MASH enquiry"];
                information_requests: InformationRequest, "information requests", (id),
                    ["information-request" => "Partner information request"];
                referrals: Referral, "referrals", (id), ["referral" => "Referral (CIN episode)"];
                early_help_episodes: EarlyHelpEpisode, "early help episodes", (id),
                    ["early-help-episode" => "Early help episode"];
                strategy_discussions: StrategyDiscussion, "strategy discussions", (id),
                    ["strategy-discussion" => "Strategy discussion"];
                section47s: Section47, "section 47 enquiries", (id), ["section-47" => "Section 47 enquiry"];
                conferences: Conference, "conferences", (id), ["conference" => "Child protection conference"];
                assessments: Assessment, "assessments", (id), ["assessment" => "Child and family assessment"];
                plans: Plan, "plans", (id), ["plan" => "Plan"];
                plan_reviews: PlanReview, "plan reviews", (id), ["plan-review" => "Plan review"];
                core_groups: CoreGroup, "core groups", (id), ["core-group" => "Core group"];
                visits: Visit, "visits", (id), ["visit" => "Visit"];
                supervisions: Supervision, "supervisions", (id), ["supervision" => "Supervision"];
                actions: Action, "actions", (id), ["action" => "Action"];
                action_updates: ActionUpdate, "action updates", (id), ["action-update" => "Action update"];
                case_notes: CaseNote, "case notes", (id), ["case-note" => "Case note"];
                allocations: Allocation, "allocations", (id), ["allocation" => "Allocation"];
                child_flags: ChildFlag, "flags", (id), ["child-flag" => "Flag"];
                specialist_involvements: SpecialistInvolvement, "specialist involvements", (id),
                    ["specialist-involvement" => "Specialist involvement"];
                emergency_protections: EmergencyProtection, "emergency protections", (id),
                    ["emergency-protection" => "Emergency protection"];
                practice_weeks: PracticeWeek, "practice weeks", (id), ["practice-week" => "Practice week"];
                case_file_audits: CaseFileAudit, "case-file audits", (id), ["case-file-audit" => "Case-file audit"];
                documents: Document, "documents", (id), ["document" => "Document"];
                document_contents: DocumentContent, "document contents", (document_id), [];
            }
            // The write order: parents before the records that refer to them.
            [
                Team, User, Person, Household, HouseholdMember, Relationship, PersonRevision, Professional, Contact, RagChange, MashEnquiry,
                InformationRequest, Referral, EarlyHelpEpisode, StrategyDiscussion, Section47, Assessment, Plan,
                Conference, CoreGroup, Visit, Supervision, PracticeWeek, CaseFileAudit, Action, ActionUpdate, PlanReview,
                CaseNote, Allocation, ChildFlag, SpecialistInvolvement, EmergencyProtection, Document, DocumentContent,
            ]
        }
    };

    // --- what the registry gives -------------------------------------------------------------------------
    (@types [$callback:ident] {
        $($field:ident: $ty:ident, $counted:literal, ($($key:ident),+), [$($code:literal => $label:literal)?];)*
    } [$($w:ident),* $(,)?]) => {
        $callback!($($crate::records::$ty),*);
    };
    (@write_order [$callback:ident] {
        $($field:ident: $ty:ident, $counted:literal, ($($key:ident),+), [$($code:literal => $label:literal)?];)*
    } [$($w:ident),* $(,)?]) => {
        $callback!($($crate::records::$w),*);
    };
    // The whole registry, for the definitions in this crate (`RecordSet`, `RecordKind`).
    (@full [$callback:ident] $($registry:tt)*) => {
        $callback! { $($registry)* }
    };
}

/// `RecordSet`, its methods, and `Record` for every kind, from the registry.
macro_rules! define_record_set {
    (
        {
            $(
                $field:ident: $ty:ident, $counted:literal, ($($key:ident),+),
                [$($code:literal => $label:literal)?];
            )*
        }
        [$($w:ident),* $(,)?]
    ) => {
        /// A set of records of every kind: what the synthetic-data generator and imports write in one go, and what a
        /// child's case file reads back. Households, supervisions and practice weeks belong to no one child. Its
        /// fields come from the registry ([`record_kinds!`](crate::record_kinds)).
        #[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
        pub struct RecordSet {
            $(pub $field: Vec<$ty>,)*
        }

        impl RecordSet {
            /// Count the records of each kind (sub-records such as participants are counted with their parent).
            pub fn counts(&self) -> RecordCounts {
                RecordCounts(vec![$(($counted, self.$field.len() as u64)),*])
            }

            /// Move every record of `other` into this set.
            pub fn append(&mut self, other: &mut RecordSet) {
                $(self.$field.append(&mut other.$field);)*
            }

            pub fn is_empty(&self) -> bool {
                true $(&& self.$field.is_empty())*
            }
        }

        $(
            impl $crate::records::Record for $ty {
                const FIELD: &'static str = stringify!($field);
                const COUNTED_AS: &'static str = $counted;
                const KIND: Option<$crate::codes::RecordKind> =
                    $crate::records::kinds::define_record_set!(@kind $ty [$($code => $label)?]);

                fn key(&self) -> impl Ord + Copy + std::fmt::Debug + use<> {
                    ($(self.$key),+)
                }
                fn of(set: &RecordSet) -> &Vec<Self> {
                    &set.$field
                }
                fn of_mut(set: &mut RecordSet) -> &mut Vec<Self> {
                    &mut set.$field
                }
            }
        )*

        // The write order names every kind exactly once.
        const _: () = {
            let kinds: &[&str] = &[$(stringify!($ty)),*];
            let order: &[&str] = &[$(stringify!($w)),*];
            assert!(
                $crate::records::kinds::each_once(kinds, order),
                "the registry's write order must name every kind exactly once"
            );
        };
    };
    (@kind $ty:ident [$code:literal => $label:literal]) => {
        Some($crate::codes::RecordKind::$ty)
    };
    (@kind $ty:ident []) => {
        None
    };
}
pub(crate) use define_record_set;

/// Whether `order` holds every name of `kinds` exactly once, and nothing else (a `const fn`, for the check above).
pub(crate) const fn each_once(kinds: &[&str], order: &[&str]) -> bool {
    if kinds.len() != order.len() {
        return false;
    }
    let mut ks = kinds;
    while let [k, rest @ ..] = ks {
        let mut found = 0;
        let mut os = order;
        while let [o, more @ ..] = os {
            if same(k, o) {
                found += 1;
            }
            os = more;
        }
        if found != 1 {
            return false;
        }
        ks = rest;
    }
    true
}

const fn same(a: &str, b: &str) -> bool {
    let (mut a, mut b) = (a.as_bytes(), b.as_bytes());
    loop {
        match (a, b) {
            ([], []) => return true,
            ([x, ra @ ..], [y, rb @ ..]) if *x == *y => {
                a = ra;
                b = rb;
            }
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::*;

    #[test]
    fn each_once_finds_a_missing_or_repeated_kind() {
        assert!(each_once(&["A", "B"], &["B", "A"]));
        assert!(!each_once(&["A", "B"], &["A", "A"]));
        assert!(!each_once(&["A", "B"], &["A"]));
        assert!(!each_once(&["A", "B"], &["A", "C"]));
    }

    #[test]
    fn every_kind_is_counted_once_in_both_orders() {
        let mut set_order = Vec::new();
        let mut write_order = Vec::new();
        macro_rules! names {
            ($out:ident: $($t:ty),*) => { $( $out.push(<$t as Record>::FIELD); )* };
        }
        macro_rules! set_names {
            ($($t:ty),*) => { names!(set_order: $($t),*) };
        }
        macro_rules! write_names {
            ($($t:ty),*) => { names!(write_order: $($t),*) };
        }
        crate::record_kinds!(set_names);
        crate::record_kinds!(write_order: write_names);
        let counted: Vec<&str> = RecordSet::default()
            .counts()
            .0
            .iter()
            .map(|(k, _)| *k)
            .collect();
        assert_eq!(counted.len(), set_order.len());
        write_order.sort_unstable();
        let mut sorted = set_order.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, write_order);
        // The audited kinds are the record kinds of the audit log, apart from what is not a record of a set.
        let mut audited = Vec::new();
        macro_rules! kinds {
            ($($t:ty),*) => { $( audited.extend(<$t as Record>::KIND); )* };
        }
        crate::record_kinds!(kinds);
        let others = [
            RecordKind::LocalAuthority,
            RecordKind::ApiToken,
            RecordKind::Dataset,
            RecordKind::PersonMerge,
            RecordKind::PracticeObservation,
            RecordKind::Performance,
            RecordKind::Organisation,
            RecordKind::LegalHold,
        ];
        assert_eq!(audited.len() + others.len(), RecordKind::ALL.len());
    }
}
