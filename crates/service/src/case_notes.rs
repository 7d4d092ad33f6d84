//! Case notes: reading a child's notes (audited, like any read of the record), writing one about a child and
//! the other children of a household at once (all or nothing), and correcting one (a new revision; the earlier
//! stays, readable to those who audit case files). The rules are `domain::case_notes`.

use domain::audit::Actor;
use domain::case_notes::{self as notes, CorrectionInput, NoteInput};
use domain::codes::{CaseNoteKind, RecordKind};
use domain::datetime::Timestamp;
use domain::ids::{CaseNoteId, PersonId, UserId};
use domain::policy::{Action, Area};
use domain::records::{CaseNote, Person, RecordSet, User};
use serde::Serialize;
use store::{AccessCheck, CaseChange, Store};

use crate::case_management::Saved;
use crate::casework::CaseContext;
use crate::children::{ChildSummary, answered};
use crate::{ServiceError, Services, case_record_check};

/// A child's case notes, as the notes page and the API show them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NotesView {
    pub child: ChildSummary,
    /// The version of the child's records read.
    pub version: i64,
    /// The current notes (no correction supersedes them), newest first.
    pub notes: Vec<NoteView>,
    /// Whether the reader may see what corrected notes said before (`earlier` is filled).
    pub history_visible: bool,
    /// The other children of the child's family on the record, whom a note may also be about: (id, name).
    pub family_children: Vec<(PersonId, String)>,
    /// The plans, assessments, section 47 enquiries and strategy discussions a note may be about: (id, label).
    pub records: Vec<(uuid::Uuid, String)>,
}

/// One case note.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NoteView {
    pub id: CaseNoteId,
    /// The entry it belongs to (shared by the notes one entry wrote on each child's record).
    pub entry_id: CaseNoteId,
    pub kind: CaseNoteKind,
    pub kind_label: &'static str,
    pub at: Timestamp,
    pub text: String,
    pub involved: Option<String>,
    /// Who wrote this version.
    pub author: String,
    pub author_id: Option<UserId>,
    /// The other children the entry is about.
    pub also_about: Vec<PersonId>,
    /// The plan, assessment, section 47 enquiry or strategy discussion it is about.
    pub about: Option<NoteAbout>,
    /// 1 as first written; one more for each correction.
    pub revision: i32,
    pub recorded_at: Timestamp,
    /// Why this version corrected the last (none for a note as first written).
    pub correction_reason: Option<String>,
    /// What the note said before, newest first: only for those who may read it (`NotesView::history_visible`).
    pub earlier: Vec<EarlierVersion>,
}

/// The record a note is about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NoteAbout {
    pub kind: RecordKind,
    pub id: uuid::Uuid,
    pub label: &'static str,
}

/// A version a correction superseded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EarlierVersion {
    pub id: CaseNoteId,
    pub revision: i32,
    pub kind: CaseNoteKind,
    pub kind_label: &'static str,
    pub at: Timestamp,
    pub text: String,
    pub involved: Option<String>,
    pub author: String,
    pub recorded_at: Timestamp,
    pub correction_reason: Option<String>,
}

fn author_name(users: &[User], id: Option<UserId>) -> String {
    id.and_then(|id| users.iter().find(|u| u.id == id))
        .map_or_else(|| "Unknown user".to_owned(), |u| u.display_name.clone())
}

impl<S: Store> Services<S> {
    /// The child's case notes (an audited read of the record): current notes newest first, with what corrected
    /// ones said before for those who audit case files.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), child = %child))]
    pub async fn case_notes(
        &self,
        actor: &Actor,
        child: PersonId,
    ) -> Result<NotesView, ServiceError> {
        let ctx = self.case_for(actor, child, Action::View).await?;
        let history_visible = notes::may_read_history(actor.role);
        let current = notes::current_notes(&ctx.file, child);
        let mut user_ids: Vec<UserId> = ctx
            .file
            .case_notes
            .iter()
            .filter_map(|n| n.written_by)
            .collect();
        user_ids.sort();
        user_ids.dedup();
        let (users, _) = if user_ids.is_empty() {
            (Vec::new(), Vec::new())
        } else {
            self.store.directory(user_ids, Vec::new()).await?
        };
        let notes = current
            .into_iter()
            .map(|n| NoteView {
                id: n.id,
                entry_id: n.entry_id,
                kind: n.kind,
                kind_label: n.kind.label(),
                at: n.at,
                text: n.text.clone(),
                involved: n.involved.clone(),
                author: author_name(&users, n.written_by),
                author_id: n.written_by,
                also_about: n.also_about.clone(),
                about: n.about.map(|(kind, id)| NoteAbout {
                    kind,
                    id,
                    label: kind.label(),
                }),
                revision: n.revision,
                recorded_at: n.recorded_at,
                correction_reason: n.correction_reason.clone(),
                earlier: if history_visible {
                    notes::earlier_versions(&ctx.file, n)
                        .into_iter()
                        .map(|e| EarlierVersion {
                            id: e.id,
                            revision: e.revision,
                            kind: e.kind,
                            kind_label: e.kind.label(),
                            at: e.at,
                            text: e.text.clone(),
                            involved: e.involved.clone(),
                            author: author_name(&users, e.written_by),
                            recorded_at: e.recorded_at,
                            correction_reason: e.correction_reason.clone(),
                        })
                        .collect()
                } else {
                    Vec::new()
                },
            })
            .collect();
        let f = &ctx.file;
        let family_children = f
            .people
            .iter()
            .filter(|p| p.id != child && p.is_child && p.la == ctx.child.la)
            .map(|p| (p.id, p.full_name()))
            .collect();
        let day = domain::chronology::uk_date;
        let mut records: Vec<(uuid::Uuid, String)> = Vec::new();
        for p in f.plans.iter().filter(|p| p.child_id == child) {
            records.push((
                p.id.uuid(),
                format!("{} from {}", p.kind.label(), day(p.start_date)),
            ));
        }
        for a in f.assessments.iter().filter(|a| a.child_id == child) {
            records.push((
                a.id.uuid(),
                format!("Assessment started {}", day(a.start_date)),
            ));
        }
        for s in f.section47s.iter().filter(|s| s.child_id == child) {
            records.push((
                s.id.uuid(),
                format!("Section 47 enquiry started {}", day(s.start_date)),
            ));
        }
        for s in f
            .strategy_discussions
            .iter()
            .filter(|s| s.child_id == child)
        {
            records.push((
                s.id.uuid(),
                format!(
                    "Strategy discussion held {}",
                    day(domain::datetime::london_date(s.held_at))
                ),
            ));
        }
        Ok(NotesView {
            child: ChildSummary::of(&ctx.child, ctx.today),
            version: ctx.version,
            notes,
            history_visible,
            family_children,
            records,
        })
    }

    /// Write a case note about the child and, with `also_about`, the other children of the household: a note
    /// on each child's record, all saved or none. A child of `also_about` the user may not write to is
    /// answered as one that does not exist (422 naming the field).
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), child = %child))]
    pub async fn add_case_note(
        &self,
        actor: &Actor,
        child: PersonId,
        input: &NoteInput,
        version: Option<i64>,
    ) -> Result<Saved, ServiceError> {
        let ctx = self
            .change_for(actor, child, Action::Create, version)
            .await?;
        let others = self
            .readable_children(actor, notes::also_about_ids(input), Action::Create)
            .await?;
        let people: Vec<Person> = others.iter().map(|o| o.child.clone()).collect();
        let valid = notes::note(input, &ctx.child, &ctx.file, &people, actor.role, ctx.now)?;
        let rows = notes::notes_of_entry(
            &valid,
            &ctx.child,
            &people,
            actor.user_id,
            ctx.now,
            CaseNoteId::new,
        );
        let id = rows.first().map(|n| n.id.to_string());
        let v = self
            .save_notes(actor, &ctx, &others, rows, Action::Create)
            .await?;
        Ok(Saved { id, version: v })
    }

    /// Correct a case note: a new revision of the note on the child's record (and of its copies on the other
    /// children's records of the entry that the user may change), the earlier kept.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), child = %child, note = %note))]
    pub async fn correct_case_note(
        &self,
        actor: &Actor,
        child: PersonId,
        note: CaseNoteId,
        input: &CorrectionInput,
        version: Option<i64>,
    ) -> Result<Saved, ServiceError> {
        let ctx = self
            .change_for(actor, child, Action::Update, version)
            .await?;
        let id = note;
        let current = ctx
            .file
            .case_notes
            .iter()
            .find(|n| n.id == id && n.child_id == child)
            .ok_or(ServiceError::NotFound)?;
        if ctx.file.case_notes.iter().any(|n| n.supersedes == Some(id)) {
            return Err(ServiceError::Conflict(
                "This note has been corrected since: correct its latest version".to_owned(),
            ));
        }
        let valid = notes::correction(input, current, actor.role, ctx.now)?;
        let others = self
            .readable_children(actor, current.also_about.clone(), Action::Update)
            .await?;
        let latest_of_entry = |file: &RecordSet, c: PersonId| -> Option<CaseNote> {
            notes::current_notes(file, c)
                .into_iter()
                .find(|n| n.entry_id == current.entry_id)
                .cloned()
        };
        let mut rows = vec![notes::corrected(
            current,
            &valid,
            actor.user_id,
            ctx.now,
            CaseNoteId::new(),
        )];
        let mut corrected_others = Vec::new();
        for o in others {
            if let Some(copy) = latest_of_entry(&o.file, o.child.id) {
                rows.push(notes::corrected(
                    &copy,
                    &valid,
                    actor.user_id,
                    ctx.now,
                    CaseNoteId::new(),
                ));
                corrected_others.push(o);
            }
        }
        let id = rows.first().map(|n| n.id.to_string());
        let v = self
            .save_notes(actor, &ctx, &corrected_others, rows, Action::Update)
            .await?;
        Ok(Saved { id, version: v })
    }

    /// The case files of `children` that the user may take `action` on (each an audited read); the others (not
    /// found, another LA's, restricted) are left out, for the rule to name.
    async fn readable_children(
        &self,
        actor: &Actor,
        children: Vec<PersonId>,
        action: Action,
    ) -> Result<Vec<CaseContext>, ServiceError> {
        let mut out: Vec<CaseContext> = Vec::new();
        for c in children {
            if out.iter().any(|o| o.child.id == c) {
                continue;
            }
            match self.case_for(actor, c, action).await {
                Ok(ctx) => out.push(ctx),
                Err(ServiceError::NotFound) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    }

    /// Save notes on several children's records at once: each checked and versioned as the file read.
    async fn save_notes(
        &self,
        actor: &Actor,
        ctx: &CaseContext,
        others: &[CaseContext],
        rows: Vec<CaseNote>,
        action: Action,
    ) -> Result<i64, ServiceError> {
        let version_of = |c: PersonId| {
            if c == ctx.child.id {
                Some(ctx.version)
            } else {
                others.iter().find(|o| o.child.id == c).map(|o| o.version)
            }
        };
        let changes: Vec<(CaseChange, AccessCheck)> = rows
            .into_iter()
            .map(|n| {
                (
                    CaseChange {
                        child: n.child_id,
                        seen_version: version_of(n.child_id),
                        created: RecordSet {
                            case_notes: vec![n],
                            ..RecordSet::default()
                        },
                        updated: RecordSet::default(),
                        seen_record: None,
                    },
                    case_record_check(actor, action),
                )
            })
            .collect();
        let v = self
            .store
            .save_case_changes(actor, changes, self.now())
            .await?;
        let versions = answered(actor, Area::CaseRecords, action, v)?;
        Ok(versions.first().copied().unwrap_or(ctx.version))
    }
}
