//! People and households over time (issue 13, part 3): a person's details changed (each change a new revision,
//! the earlier kept, on the chronology as "Details changed: …"), a move to a new address, relationships added,
//! changed and ended, the professionals involved (GP, school, health visitor, …), possible duplicates, and a
//! manager's merge of two records of one person into one, which an administrator can undo. The rules are
//! `domain::people`; every read is through the child's audited view, every change carries the version the user
//! saw.

use domain::audit::{Actor, AuditEvent};
use domain::codes::{AuditAction, AuditOutcome, RecordKind};
use domain::datetime::{Date, Timestamp};
use domain::error::{ValueError, ValueErrors};
use domain::ids::{PersonId, PersonMergeId, ProfessionalId, RelationshipId, UserId};
use domain::people::{
    self as rules, AddressInput, DetailsInput, ProfessionalEndInput, ProfessionalInput,
    RelationshipChangeInput, RelationshipInput,
};
use domain::policy::{Action, Area};
use domain::records::{Person, Professional, RecordSet, User};
use domain::validation::{MAX_TEXT, present, required_text};
use serde::{Deserialize, Serialize};
use store::Store;
use store::people::{NewMerge, PersonMerge};

use crate::case_management::Saved;
use crate::children::{ChildSummary, answered};
use crate::{ServiceError, Services, case_record_check};

/// A person's details and everything about them over time, as the details page and the API show them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PersonView {
    pub child: ChildSummary,
    /// The details as they are now.
    pub person: Person,
    /// The version of the child's records read (what a change sends back, as `If-Match` or the form's version).
    pub version: i64,
    /// The changes of details, newest first.
    pub revisions: Vec<RevisionView>,
    /// Where they have lived, latest first.
    pub addresses: Vec<AddressView>,
    pub relationships: Vec<RelationshipView>,
    /// The professionals involved, current ones first.
    pub professionals: Vec<ProfessionalView>,
    /// Other records that may be the same person.
    pub duplicates: Vec<DuplicateView>,
    /// Merges into or out of this record.
    pub merges: Vec<PersonMerge>,
}

/// One change of a person's details.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RevisionView {
    pub at: Timestamp,
    pub by: String,
    /// The fields changed, as the API names them.
    pub changed: Vec<String>,
    /// How the chronology names them: "date of birth, address".
    pub summary: String,
    pub previous: Option<String>,
    pub reason: Option<String>,
}

/// One address the person lived at.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AddressView {
    pub household_id: domain::ids::HouseholdId,
    pub address: String,
    pub postcode: Option<String>,
    pub from: Date,
    pub to: Option<Date>,
}

/// One relationship of the person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RelationshipView {
    pub id: RelationshipId,
    pub person_id: PersonId,
    pub name: String,
    /// What the other person is to this one.
    pub kind: domain::codes::RelationshipKind,
    pub kind_label: &'static str,
    /// Whether the other person has parental responsibility for this one.
    pub parental_responsibility: bool,
    pub ended_on: Option<Date>,
    /// The relationship names this person as the other one's relative (this person is the mother): shown but
    /// changed from the other's record.
    pub reversed: bool,
}

/// A professional involved.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ProfessionalView {
    #[serde(flatten)]
    pub professional: Professional,
    pub role_label: &'static str,
}

/// A record that may be the same person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DuplicateView {
    pub id: PersonId,
    pub name: String,
    pub date_of_birth: Option<Date>,
    pub la_child_id: Option<String>,
    /// Why it matches: "NHS number", "name and date of birth".
    pub matches_on: &'static str,
}

/// A merge asked for: the record to keep (`into`) and why.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MergeInput {
    /// The id of the record that stays; this one (in the path) is merged into it.
    pub into: Option<String>,
    pub reason: Option<String>,
}

/// An undo asked for.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UndoMergeInput {
    pub reason: Option<String>,
}

fn user_name(users: &[User], id: Option<UserId>) -> String {
    id.and_then(|id| users.iter().find(|u| u.id == id))
        .map_or_else(|| "Unknown user".to_owned(), |u| u.display_name.clone())
}

fn address_line(a: &domain::records::Address) -> String {
    [
        Some(a.line1.as_str()),
        a.line2.as_deref(),
        Some(a.town.as_str()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(", ")
}

impl<S: Store> Services<S> {
    /// The person's details and their history (an audited read of the child's record), with possible duplicates.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), child = %child))]
    pub async fn person_details(
        &self,
        actor: &Actor,
        child: PersonId,
    ) -> Result<PersonView, ServiceError> {
        let ctx = self.case_for(actor, child, Action::View).await?;
        let child = ctx.child.id;
        let f = &ctx.file;
        let mut user_ids: Vec<UserId> = f.person_revisions.iter().filter_map(|r| r.by).collect();
        user_ids.sort();
        user_ids.dedup();
        let users = if user_ids.is_empty() {
            Vec::new()
        } else {
            self.store.directory(user_ids, Vec::new()).await?.0
        };
        let mut revisions: Vec<RevisionView> = f
            .person_revisions
            .iter()
            .filter(|r| r.person_id == child)
            .map(|r| RevisionView {
                at: r.at,
                by: user_name(&users, r.by),
                changed: r.changed.clone(),
                summary: r
                    .changed
                    .iter()
                    .map(|c| rules::field_label(c))
                    .collect::<Vec<_>>()
                    .join(", "),
                previous: r.previous.clone(),
                reason: r.reason.clone(),
            })
            .collect();
        revisions.sort_by_key(|r| std::cmp::Reverse(r.at));
        let mut addresses: Vec<AddressView> = f
            .household_members
            .iter()
            .filter(|m| m.person_id == child)
            .filter_map(|m| {
                let h = f.households.iter().find(|h| h.id == m.household_id)?;
                Some(AddressView {
                    household_id: h.id,
                    address: address_line(&h.address),
                    postcode: h.address.postcode.as_ref().map(ToString::to_string),
                    from: m.from,
                    to: m.to,
                })
            })
            .collect();
        addresses.sort_by(|a, b| (a.to.is_some(), b.from).cmp(&(b.to.is_some(), a.from)));
        let name_of = |id: PersonId| {
            f.people
                .iter()
                .find(|p| p.id == id)
                .map_or_else(|| "Unknown person".to_owned(), Person::full_name)
        };
        let mut relationships: Vec<RelationshipView> = f
            .relationships
            .iter()
            .filter(|r| r.related_person_id == child || r.person_id == child)
            .map(|r| {
                let reversed = r.related_person_id != child;
                let other = if reversed {
                    r.related_person_id
                } else {
                    r.person_id
                };
                RelationshipView {
                    id: r.id,
                    person_id: other,
                    name: name_of(other),
                    kind: r.kind,
                    kind_label: r.kind.label(),
                    parental_responsibility: r.parental_responsibility,
                    ended_on: r.ended_on,
                    reversed,
                }
            })
            .collect();
        relationships
            .sort_by(|a, b| (a.ended_on.is_some(), &a.name).cmp(&(b.ended_on.is_some(), &b.name)));
        let mut professionals: Vec<ProfessionalView> = f
            .professionals
            .iter()
            .filter(|p| p.child_id == child)
            .map(|p| ProfessionalView {
                professional: p.clone(),
                role_label: p.role.label(),
            })
            .collect();
        professionals.sort_by(|a, b| {
            (
                a.professional.to.is_some(),
                a.professional.role.code(),
                b.professional.from,
            )
                .cmp(&(
                    b.professional.to.is_some(),
                    b.professional.role.code(),
                    a.professional.from,
                ))
        });
        let duplicates = self.duplicates_of(actor, &ctx.child).await?;
        let merges = self.store.merges_of(child).await?;
        Ok(PersonView {
            child: ChildSummary::of(&ctx.child, ctx.today),
            person: ctx.child.clone(),
            version: ctx.version,
            revisions,
            addresses,
            relationships,
            professionals,
            duplicates,
            merges,
        })
    }

    async fn duplicates_of(
        &self,
        actor: &Actor,
        person: &Person,
    ) -> Result<Vec<DuplicateView>, ServiceError> {
        let found = self
            .store
            .possible_duplicates(actor, person.clone(), self.now())
            .await?;
        Ok(found
            .into_iter()
            .filter(|p| rules::possible_duplicate(person, p))
            .map(|p| DuplicateView {
                id: p.id,
                name: p.full_name(),
                date_of_birth: p.date_of_birth,
                la_child_id: p.la_child_id.as_ref().map(ToString::to_string),
                matches_on: if p.nhs_number.is_some() && p.nhs_number == person.nhs_number {
                    "NHS number"
                } else {
                    "name and date of birth"
                },
            })
            .collect())
    }

    /// Other records that may be the same person (an audited read of the child's record and a search).
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), child = %child))]
    pub async fn possible_duplicates(
        &self,
        actor: &Actor,
        child: PersonId,
    ) -> Result<Vec<DuplicateView>, ServiceError> {
        let ctx = self.case_for(actor, child, Action::View).await?;
        self.duplicates_of(actor, &ctx.child).await
    }

    /// Change the person's details: a new revision (what changed, what it said before, who, when, why). A
    /// change that changes nothing is refused (422 naming the form).
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), child = %child))]
    pub async fn change_details(
        &self,
        actor: &Actor,
        child: PersonId,
        input: &DetailsInput,
        version: Option<i64>,
    ) -> Result<Saved, ServiceError> {
        let ctx = self
            .change_for(actor, child, Action::Update, version)
            .await?;
        let (person, changed) = rules::details(input, &ctx.child, ctx.today)?;
        if changed.is_empty() {
            return Err(ValueErrors(vec![ValueError::new(
                "details",
                "Nothing has changed: change a detail, or go back",
            )])
            .into());
        }
        let previous = rules::previous_values(&ctx.child, &changed);
        let revision = rules::revision(
            &person,
            &changed,
            Some(previous),
            input.reason.as_deref(),
            actor.user_id,
            ctx.now,
        );
        let id = Some(revision.id.to_string());
        let v = self
            .save_case(
                actor,
                &ctx,
                RecordSet {
                    person_revisions: vec![revision],
                    ..RecordSet::default()
                },
                RecordSet {
                    people: vec![person],
                    ..RecordSet::default()
                },
                Action::Update,
            )
            .await?;
        Ok(Saved { id, version: v })
    }

    /// A move: the household they lived in left on the day, a new one (or one on the record) joined.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), child = %child))]
    pub async fn move_address(
        &self,
        actor: &Actor,
        child: PersonId,
        input: &AddressInput,
        version: Option<i64>,
    ) -> Result<Saved, ServiceError> {
        let ctx = self
            .change_for(actor, child, Action::Update, version)
            .await?;
        let m = rules::move_address(input, &ctx.child, &ctx.file, ctx.today, ctx.now)?;
        let revision = rules::revision(
            &ctx.child,
            &["address"],
            None,
            input.reason.as_deref(),
            actor.user_id,
            ctx.now,
        );
        let id = Some(m.joined.household_id.to_string());
        let created = RecordSet {
            households: m.new_household.into_iter().collect(),
            household_members: vec![m.joined],
            person_revisions: vec![revision],
            ..RecordSet::default()
        };
        let updated = RecordSet {
            household_members: m.ended,
            ..RecordSet::default()
        };
        let v = self
            .save_case(actor, &ctx, created, updated, Action::Update)
            .await?;
        Ok(Saved { id, version: v })
    }

    /// A relationship of the child: to someone on the record, or a new adult.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), child = %child))]
    pub async fn add_relationship(
        &self,
        actor: &Actor,
        child: PersonId,
        input: &RelationshipInput,
        version: Option<i64>,
    ) -> Result<Saved, ServiceError> {
        let ctx = self
            .change_for(actor, child, Action::Update, version)
            .await?;
        let (rel, new_person) =
            rules::relationship(input, &ctx.child, &ctx.file, ctx.today, ctx.now)?;
        let revision = rules::revision(
            &ctx.child,
            &["relationships"],
            None,
            input.reason.as_deref(),
            actor.user_id,
            ctx.now,
        );
        let id = Some(rel.id.to_string());
        let created = RecordSet {
            people: new_person.into_iter().collect(),
            relationships: vec![rel],
            person_revisions: vec![revision],
            ..RecordSet::default()
        };
        let v = self
            .save_case(actor, &ctx, created, RecordSet::default(), Action::Update)
            .await?;
        Ok(Saved { id, version: v })
    }

    /// Change a relationship of the child: what they are to the child, parental responsibility, or its end.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), child = %child, relationship = %relationship))]
    pub async fn change_relationship(
        &self,
        actor: &Actor,
        child: PersonId,
        relationship: RelationshipId,
        input: &RelationshipChangeInput,
        version: Option<i64>,
    ) -> Result<Saved, ServiceError> {
        let ctx = self
            .change_for(actor, child, Action::Update, version)
            .await?;
        let existing = ctx
            .file
            .relationships
            .iter()
            .find(|r| r.id == relationship && r.related_person_id == ctx.child.id)
            .ok_or(ServiceError::NotFound)?;
        let changed = rules::change_relationship(input, existing, ctx.today)?;
        let revision = rules::revision(
            &ctx.child,
            &["relationships"],
            None,
            input.reason.as_deref(),
            actor.user_id,
            ctx.now,
        );
        let v = self
            .save_case(
                actor,
                &ctx,
                RecordSet {
                    person_revisions: vec![revision],
                    ..RecordSet::default()
                },
                RecordSet {
                    relationships: vec![changed],
                    ..RecordSet::default()
                },
                Action::Update,
            )
            .await?;
        Ok(Saved {
            id: Some(relationship.to_string()),
            version: v,
        })
    }

    /// A professional involved with the child.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), child = %child))]
    pub async fn add_professional(
        &self,
        actor: &Actor,
        child: PersonId,
        input: &ProfessionalInput,
        version: Option<i64>,
    ) -> Result<Saved, ServiceError> {
        let ctx = self
            .change_for(actor, child, Action::Update, version)
            .await?;
        let p = rules::professional(input, &ctx.child, actor.user_id, ctx.today, ctx.now)?;
        let id = Some(p.id.to_string());
        let v = self
            .save_case(
                actor,
                &ctx,
                RecordSet {
                    professionals: vec![p],
                    ..RecordSet::default()
                },
                RecordSet::default(),
                Action::Update,
            )
            .await?;
        Ok(Saved { id, version: v })
    }

    /// A professional no longer involved.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), child = %child, professional = %professional))]
    pub async fn end_professional(
        &self,
        actor: &Actor,
        child: PersonId,
        professional: ProfessionalId,
        input: &ProfessionalEndInput,
        version: Option<i64>,
    ) -> Result<Saved, ServiceError> {
        let ctx = self
            .change_for(actor, child, Action::Update, version)
            .await?;
        let existing = ctx
            .file
            .professionals
            .iter()
            .find(|p| p.id == professional && p.child_id == ctx.child.id)
            .ok_or(ServiceError::NotFound)?;
        let ended = rules::end_professional(input, existing, ctx.today)?;
        let v = self
            .save_case(
                actor,
                &ctx,
                RecordSet::default(),
                RecordSet {
                    professionals: vec![ended],
                    ..RecordSet::default()
                },
                Action::Update,
            )
            .await?;
        Ok(Saved {
            id: Some(professional.to_string()),
            version: v,
        })
    }

    /// Merge the person (`merged`, in the path) into another record of them (`into`): a manager's decision
    /// (others 403), within one LA (else 422 naming `into`), every record moved, audited.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), child = %merged))]
    pub async fn merge_person(
        &self,
        actor: &Actor,
        merged: PersonId,
        input: &MergeInput,
        version: Option<i64>,
    ) -> Result<PersonMerge, ServiceError> {
        let ctx = self
            .change_for(actor, merged, Action::Approve, version)
            .await?;
        if ctx.child.id != merged {
            return Err(ServiceError::Conflict(
                "this record has already been merged into another".into(),
            ));
        }
        let mut e = ValueErrors::new();
        let reason = e.take(required_text(
            "reason",
            input.reason.as_deref(),
            MAX_TEXT,
            "Say why these are the same person",
        ));
        let into = match present(input.into.as_deref()) {
            None => {
                e.push(ValueError::new("into", "Choose the record to keep"));
                None
            }
            Some(s) => match s.parse::<PersonId>() {
                Ok(id) => Some(id),
                Err(_) => {
                    e.push(ValueError::new("into", "is not a person id"));
                    None
                }
            },
        };
        e.into_result()?;
        let (Some(into), Some(reason)) = (into, reason) else {
            return Err(ServiceError::NotFound);
        };
        // The record kept, read as the user may read it: one they may not see is one that does not exist.
        let kept = match self.case_for(actor, into, Action::Approve).await {
            Ok(k) => k,
            Err(ServiceError::NotFound | ServiceError::Forbidden) => {
                return Err(ValueErrors(vec![ValueError::new(
                    "into",
                    "is not a person you can merge records into",
                )])
                .into());
            }
            Err(other) => return Err(other),
        };
        if kept.child.id != into {
            return Err(ValueErrors(vec![ValueError::new(
                "into",
                "has been merged into another record: merge into that one",
            )])
            .into());
        }
        rules::check_merge(&kept.child, &ctx.child)?;
        let v = self
            .store
            .merge_people(
                actor,
                NewMerge {
                    id: PersonMergeId::new(),
                    kept: into,
                    merged,
                    reason,
                    by: actor.user_id,
                    seen_version: Some(ctx.version),
                },
                (
                    case_record_check(actor, Action::Approve),
                    case_record_check(actor, Action::Approve),
                ),
                self.now(),
            )
            .await?;
        answered(actor, Area::CaseRecords, Action::Approve, v)
    }

    /// One merge, for an administrator of its LA (others 403; another LA's, or none, 404), audited as a view.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), merge = %merge))]
    pub async fn person_merge(
        &self,
        actor: &Actor,
        merge: PersonMergeId,
    ) -> Result<PersonMerge, ServiceError> {
        let event = |la, outcome| AuditEvent {
            action: AuditAction::View,
            record_kind: RecordKind::PersonMerge,
            record_id: Some(merge.uuid()),
            child_id: None,
            la,
            outcome,
        };
        if crate::authorize(actor, Area::Administration, Action::View).is_err() {
            self.store
                .record_audit(actor, vec![event(None, AuditOutcome::Denied)], self.now())
                .await?;
            return Err(ServiceError::Forbidden);
        }
        let found = self.store.person_merge(merge).await?;
        match found.filter(|m| actor.las.contains(&m.la)) {
            Some(m) => {
                self.store
                    .record_audit(
                        actor,
                        vec![event(Some(m.la.clone()), AuditOutcome::Allowed)],
                        self.now(),
                    )
                    .await?;
                Ok(m)
            }
            None => {
                self.store
                    .record_audit(actor, vec![event(None, AuditOutcome::Denied)], self.now())
                    .await?;
                Err(ServiceError::NotFound)
            }
        }
    }

    /// Undo a merge: an administrator of the merge's LA (others 403; a merge in another LA, or none, 404).
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), merge = %merge))]
    pub async fn undo_merge(
        &self,
        actor: &Actor,
        merge: PersonMergeId,
        input: &UndoMergeInput,
        version: Option<i64>,
    ) -> Result<PersonMerge, ServiceError> {
        let denied = |la| AuditEvent {
            action: AuditAction::Update,
            record_kind: RecordKind::PersonMerge,
            record_id: Some(merge.uuid()),
            child_id: None,
            la,
            outcome: AuditOutcome::Denied,
        };
        if crate::authorize(actor, Area::Administration, Action::Administer).is_err() {
            self.store
                .record_audit(actor, vec![denied(None)], self.now())
                .await?;
            return Err(ServiceError::Forbidden);
        }
        let found = self.store.person_merge(merge).await?;
        let Some(m) = found.filter(|m| actor.las.contains(&m.la)) else {
            self.store
                .record_audit(actor, vec![denied(None)], self.now())
                .await?;
            return Err(ServiceError::NotFound);
        };
        let reason = required_text(
            "reason",
            input.reason.as_deref(),
            MAX_TEXT,
            "Say why the merge is undone",
        )
        .map_err(|e| ValueErrors(vec![e]))?;
        if m.undone_at.is_some() {
            return Err(ServiceError::Conflict(
                "this merge has already been undone".into(),
            ));
        }
        Ok(self
            .store
            .undo_merge(actor, merge, reason, version, self.now())
            .await?)
    }
}
