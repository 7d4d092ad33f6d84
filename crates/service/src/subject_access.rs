//! Subject access requests: everything held about one person, gathered from their case file (a child) or the
//! case files of the children they are related to (an adult), with every mention of someone else marked for
//! redaction (`domain::subject_access`), and who viewed the record. As JSON (`subject.json`), a printable
//! bundle (`bundle.pdf`, OFFICIAL-SENSITIVE, for review before disclosure) and the documents themselves.
//!
//! Information governance (or the command line, `frontdoor sar`) runs it; every case file read is audited as any
//! read is, and the request itself as an export.

use domain::audit::{Actor, AuditEvent};
use domain::codes::{AuditAction, AuditOutcome, RecordKind, Role};
use domain::datetime::Timestamp;
use domain::ids::{DocumentId, PersonId};
use domain::policy::{Action, Area};
use domain::records::{Person, RecordSet};
use domain::subject_access::{Item, ThirdParty, name_forms};
use print::{Block, Column, Document};
use serde::Serialize;
use store::{AuditFilter, Store};

use crate::{ServiceError, Services, authorize};

/// One view of the subject's record, from the audit trail.
#[derive(Clone, Debug, Serialize)]
pub struct Viewed {
    pub at: Timestamp,
    /// The member of staff (or the system) who viewed or changed it.
    pub by: String,
    pub action: AuditAction,
}

/// A document held about the subject: described in the bundle, its file written beside it.
#[derive(Clone, Debug, Serialize)]
pub struct HeldDocument {
    pub id: DocumentId,
    pub title: String,
    pub file_name: String,
    pub content_type: String,
    pub sha256: String,
    /// Where the file is, beside `subject.json`.
    pub path: String,
    #[serde(skip)]
    pub bytes: Vec<u8>,
}

/// Everything held about one person.
#[derive(Clone, Debug, Serialize)]
pub struct SubjectAccess {
    pub person_id: PersonId,
    pub name: String,
    pub date_of_birth: Option<domain::datetime::Date>,
    pub la: domain::identifiers::LaCode,
    pub is_child: bool,
    pub items: Vec<Item>,
    pub documents: Vec<HeldDocument>,
    pub viewed: Vec<Viewed>,
    /// Mentions of other people marked for redaction, over all items.
    pub marked: usize,
    pub prepared_by: String,
    pub prepared_at: Timestamp,
}

fn relation(kind: domain::codes::RelationshipKind) -> String {
    kind.label().to_lowercase()
}

/// Who the people of a case file are to `subject`, as third parties.
fn third_parties(file: &RecordSet, subject: &Person) -> Vec<ThirdParty> {
    let mut out = Vec::new();
    for p in file.people.iter().filter(|p| p.id != subject.id) {
        let who = file
            .relationships
            .iter()
            .find_map(|r| {
                if r.person_id == p.id && r.related_person_id == subject.id {
                    Some(relation(r.kind))
                } else if r.related_person_id == p.id && r.person_id == subject.id {
                    Some(format!("someone whose {} the subject is", relation(r.kind)))
                } else {
                    None
                }
            })
            .unwrap_or_else(|| {
                if p.is_child {
                    "another child".to_owned()
                } else {
                    "another person".to_owned()
                }
            });
        out.extend(name_forms(
            &p.first_name,
            &p.last_name,
            &who,
            &subject.first_name,
            &subject.last_name,
        ));
    }
    for c in &file.contacts {
        if !c.referrer.name.trim().is_empty() {
            out.push(ThirdParty {
                name: c.referrer.name.trim().to_owned(),
                who: "referrer".to_owned(),
            });
        }
    }
    out
}

fn identity(p: &Person) -> String {
    let mut lines = vec![format!("Name: {}", p.full_name())];
    if let Some(o) = &p.other_names {
        lines.push(format!("Other names: {o}"));
    }
    if let Some(d) = p.date_of_birth {
        lines.push(format!("Date of birth: {d}"));
    }
    lines.push(format!("Sex: {}", p.sex.label()));
    if let Some(e) = p.ethnicity {
        lines.push(format!("Ethnicity: {}", e.label()));
    }
    if let Some(n) = &p.nhs_number {
        lines.push(format!("NHS number: {n}"));
    }
    if let Some(u) = &p.upn {
        lines.push(format!("UPN: {u}"));
    }
    if let Some(l) = &p.first_language {
        lines.push(format!("First language: {l}"));
    }
    if let Some(r) = &p.religion {
        lines.push(format!("Religion: {r}"));
    }
    lines.join("\n")
}

/// The items of one case file about `subject` (`all`: every record of the file's child is about them; otherwise
/// only those that name them, and their relationships).
fn items_of(
    file: &RecordSet,
    chronology: &[domain::chronology::ChronologyEntry],
    subject: &Person,
    child: PersonId,
    all: bool,
) -> Vec<Item> {
    let parties = third_parties(file, subject);
    let mut items = Vec::new();
    for r in file
        .relationships
        .iter()
        .filter(|r| r.person_id == subject.id || r.related_person_id == subject.id)
    {
        let name_of = |id: PersonId| {
            file.people
                .iter()
                .find(|p| p.id == id)
                .map_or_else(String::new, Person::full_name)
        };
        let text = format!(
            "{} is {}'s {}{}{}",
            name_of(r.person_id),
            name_of(r.related_person_id),
            relation(r.kind),
            if r.parental_responsibility {
                ", with parental responsibility"
            } else {
                ""
            },
            r.ended_on
                .map_or_else(String::new, |d| format!(", until {d}")),
        );
        items.push(Item::new(
            "Family and relationships",
            (RecordKind::Person, r.id.uuid()),
            None,
            "Relationship".to_owned(),
            text,
            &parties,
        ));
    }
    let mut candidates = Vec::new();
    for c in file.contacts.iter().filter(|c| c.child_id == child) {
        let mut text = format!(
            "Referrer: {}{}\nConcerns: {}",
            c.referrer.name,
            c.referrer
                .organisation
                .as_deref()
                .map_or_else(String::new, |o| format!(" ({o})")),
            c.concerns
        );
        if let Some(r) = &c.screening.rag_rationale {
            text.push_str(&format!("\nScreening: {r}"));
        }
        if let Some(d) = &c.decision {
            text.push_str(&format!(
                "\nDecision: {} — {}",
                d.outcome.label(),
                d.rationale
            ));
        }
        candidates.push(Item::new(
            "Contacts",
            (RecordKind::Contact, c.id.uuid()),
            Some(c.received_at),
            format!(
                "Contact received {}",
                domain::datetime::london_date(c.received_at)
            ),
            text,
            &parties,
        ));
    }
    for n in file.case_notes.iter().filter(|n| n.child_id == child) {
        let mut text = n.text.clone();
        if let Some(who) = &n.involved {
            text = format!("Involved: {who}\n{text}");
        }
        candidates.push(Item::new(
            "Case notes",
            (RecordKind::CaseNote, n.id.uuid()),
            Some(n.at),
            format!("{} (version {})", n.kind.label(), n.revision),
            text,
            &parties,
        ));
    }
    for d in file.documents.iter().filter(|d| d.child_id == child) {
        candidates.push(Item::new(
            "Documents",
            (RecordKind::Document, d.id.uuid()),
            Some(d.uploaded_at),
            d.title.clone(),
            format!("{} ({}, {} bytes)", d.file_name, d.content_type, d.size),
            &parties,
        ));
    }
    for e in chronology {
        candidates.push(Item::new(
            "Chronology",
            (e.record_kind, e.record_id),
            Some(e.at),
            e.kind.to_owned(),
            e.summary.clone(),
            &parties,
        ));
    }
    let full = subject.full_name().to_lowercase();
    items.extend(
        candidates
            .into_iter()
            .filter(|i| all || i.text.to_lowercase().contains(&full)),
    );
    items
}

impl<S: Store> Services<S> {
    /// A case file read for a subject access request: audited like any read, a restriction set aside (the
    /// request must cover restricted records too), the role and LA checked as ever.
    async fn subject_access_file(
        &self,
        actor: &Actor,
        child: PersonId,
    ) -> Result<domain::records::RecordSet, ServiceError> {
        let check = crate::information_governance::unrestricted_view(actor)?;
        let file = crate::children::viewed(
            actor,
            self.store
                .view_child(actor, child, check, self.now())
                .await?,
        )?;
        Ok(file.record)
    }

    /// Everything held about `person` (information governance, in their LAs). Each case file read is audited.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), person = %person))]
    pub async fn subject_access(
        &self,
        actor: &Actor,
        person: PersonId,
    ) -> Result<SubjectAccess, ServiceError> {
        authorize(actor, Area::InformationGovernance, Action::View)?;
        let subject = self
            .store
            .person(person)
            .await?
            .filter(|p| actor.las.contains(&p.la))
            .ok_or(ServiceError::NotFound)?;
        // A child's own file; an adult's, the files of the children they are related to.
        let (children, all) = if subject.is_child {
            (vec![subject.id], true)
        } else {
            let own = self.subject_access_file(actor, subject.id).await?;
            let mut kids: Vec<PersonId> = own
                .relationships
                .iter()
                .filter(|r| r.person_id == subject.id || r.related_person_id == subject.id)
                .flat_map(|r| [r.person_id, r.related_person_id])
                .filter(|id| *id != subject.id)
                .collect();
            kids.sort();
            kids.dedup();
            (kids, false)
        };
        let mut items = vec![Item::new(
            "Identity",
            (RecordKind::Person, subject.id.uuid()),
            None,
            "Personal details".to_owned(),
            identity(&subject),
            &[],
        )];
        let mut documents = Vec::new();
        for child in children {
            let file = match self.subject_access_file(actor, child).await {
                Ok(f) => f,
                // An adult's relative who is not a child with a case file, or out of reach: nothing of theirs.
                Err(ServiceError::NotFound | ServiceError::Forbidden) if !all => continue,
                Err(e) => return Err(e),
            };
            let kept = file.people.first().map_or(child, |p| p.id);
            let record = self.record_of(&file, kept).await?;
            items.extend(items_of(&file, &record.chronology, &subject, kept, all));
            if all {
                for d in file.documents.iter().filter(|d| d.child_id == kept) {
                    let download = self.download_document(actor, d.id).await?;
                    let safe: String = d
                        .file_name
                        .chars()
                        .map(|c| {
                            if c.is_alphanumeric() || ".-_".contains(c) {
                                c
                            } else {
                                '_'
                            }
                        })
                        .collect();
                    documents.push(HeldDocument {
                        id: d.id,
                        title: d.title.clone(),
                        file_name: d.file_name.clone(),
                        content_type: d.content_type.clone(),
                        sha256: d.sha256.clone(),
                        path: format!("documents/{}-{safe}", d.id),
                        bytes: download.bytes,
                    });
                }
            }
        }
        let viewed = self
            .store
            .audit_entries(AuditFilter {
                las: Some(actor.las.clone()),
                child_id: subject.is_child.then_some(subject.id),
                record_id: (!subject.is_child).then_some(subject.id.uuid()),
                limit: Some(100_000),
                ..AuditFilter::default()
            })
            .await?
            .into_iter()
            .map(|e| Viewed {
                at: e.at,
                by: e.actor_label,
                action: e.event.action,
            })
            .collect();
        self.store
            .record_audit(
                actor,
                vec![AuditEvent {
                    action: AuditAction::Export,
                    record_kind: RecordKind::Person,
                    record_id: Some(subject.id.uuid()),
                    child_id: subject.is_child.then_some(subject.id),
                    la: Some(subject.la.clone()),
                    outcome: AuditOutcome::Allowed,
                }],
                self.now(),
            )
            .await?;
        let marked = items.iter().map(|i| i.redactions.len()).sum();
        Ok(SubjectAccess {
            person_id: subject.id,
            name: subject.full_name(),
            date_of_birth: subject.date_of_birth,
            la: subject.la.clone(),
            is_child: subject.is_child,
            items,
            documents,
            viewed,
            marked,
            prepared_by: actor.label.clone(),
            prepared_at: self.now(),
        })
    }

    /// The command line's actor for `frontdoor sar`: information governance for every LA served here.
    pub async fn subject_access_officer(&self, label: &str) -> Result<Actor, ServiceError> {
        let mut actor = Actor::system(label);
        actor.role = Some(Role::InformationGovernance);
        actor.las = self
            .local_authorities()
            .await?
            .into_iter()
            .map(|la| la.code)
            .collect();
        Ok(actor)
    }
}

impl SubjectAccess {
    /// The printable bundle: every item with its third parties marked, the documents, who viewed the record.
    pub fn document(&self) -> Document {
        let mut doc = Document::new(format!("Subject access request: {}", self.name))
            .with_subtitle(format!(
                "Prepared {} by {}. {} items; {} mentions of other people marked [REDACT …] for review before \
                 disclosure.",
                domain::datetime::london_date(self.prepared_at),
                self.prepared_by,
                self.items.len(),
                self.marked
            ))
            .with_footer("OFFICIAL-SENSITIVE: subject access request, not for disclosure until reviewed");
        let mut section = "";
        for item in &self.items {
            if item.section != section {
                section = item.section;
                doc = doc.push(Block::Heading(section.to_owned()));
            }
            let when = item
                .at
                .map(|t| format!("{} — ", domain::datetime::london_date(t)))
                .unwrap_or_default();
            doc = doc
                .push(Block::Subheading(format!("{when}{}", item.title)))
                .push(Block::Paragraph(item.marked_text()));
        }
        doc = doc.push(Block::Heading("Documents held".to_owned()));
        doc = if self.documents.is_empty() {
            doc.push(Block::Hint("None".to_owned()))
        } else {
            doc.push(Block::Table {
                columns: vec![
                    Column::new("Title", 3.0),
                    Column::new("File (beside this bundle)", 4.0),
                ],
                rows: self
                    .documents
                    .iter()
                    .map(|d| vec![d.title.clone(), d.path.clone()])
                    .collect(),
            })
        };
        doc = doc.push(Block::Heading(
            "Who viewed or changed the record".to_owned(),
        ));
        if self.viewed.is_empty() {
            doc.push(Block::Hint("No one".to_owned()))
        } else {
            doc.push(Block::Table {
                columns: vec![
                    Column::new("When", 2.0),
                    Column::new("Who", 2.0),
                    Column::new("What", 2.0),
                ],
                rows: self
                    .viewed
                    .iter()
                    .map(|v| {
                        vec![
                            domain::datetime::london_date(v.at).to_string(),
                            v.by.clone(),
                            v.action.label().to_owned(),
                        ]
                    })
                    .collect(),
            })
        }
    }

    /// The bundle as PDF.
    pub async fn pdf(&self) -> Result<Vec<u8>, ServiceError> {
        crate::summary::printed(self.document()).await
    }
}
