//! Letters: an LA's administrators edit its templates (each edit a new revision, a stale one refused); a worker
//! makes a letter from one, filled from the child's record, printed as PDF and kept as a document on the child's
//! file. The rules (which fields each letter fills, what a template may name) are `domain::letters`.

use domain::audit::Actor;
use domain::codes::LetterKind;
use domain::datetime::Timestamp;
use domain::identifiers::LaCode;
use domain::ids::PersonId;
use domain::letters::{self, LetterInput, LetterTemplate, Signatory, TemplateInput};
use domain::policy::{Action, Area};
use print::{Block, Document};
use serde::Serialize;
use store::Store;

use crate::{ServiceError, Services, authorize};

/// One of an LA's templates, as the administration page and the API show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TemplateView {
    pub la: LaCode,
    pub kind: LetterKind,
    pub label: &'static str,
    pub subject: String,
    pub body: String,
    /// 0: the built-in template, never edited. A change carries it as its version.
    pub revision: i64,
    pub updated_by: Option<String>,
    pub updated_at: Option<Timestamp>,
    /// The fields the template may use: (name, what it holds).
    pub fields: Vec<(&'static str, &'static str)>,
}

/// A letter made and kept on the child's file: the document (`id`, `sha256`, `content_type`, `size`, the child's
/// new `version`), its title and the letter's subject.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MadeLetter {
    #[serde(flatten)]
    pub document: crate::documents::Attached,
    pub letter: LetterKind,
    pub title: String,
    pub subject: String,
}

/// What the letters page offers for a child: the contacts whose referrer may be told the outcome, the
/// conferences an invitation may be to, and the letters already made.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LettersView {
    pub child: crate::children::ChildSummary,
    pub version: i64,
    /// Decided contacts, newest first: (id, label).
    pub contacts: Vec<(domain::ids::ContactId, String)>,
    /// Conferences, the latest due first: (id, label).
    pub conferences: Vec<(domain::ids::ConferenceId, String)>,
    /// Letters on the file, newest first.
    pub letters: Vec<crate::documents::DocumentView>,
}

const KINDS: [LetterKind; 2] = [
    LetterKind::ReferrerOutcome,
    LetterKind::ConferenceInvitation,
];

impl<S: Store> Services<S> {
    /// The LA must be one of the administrator's: any other is answered as one that does not exist.
    fn administered(&self, actor: &Actor, la: &LaCode, action: Action) -> Result<(), ServiceError> {
        authorize(actor, Area::Administration, action)?;
        if !actor.las.contains(la) {
            return Err(ServiceError::NotFound);
        }
        Ok(())
    }

    /// The LA's letter templates (its own where edited, else the built-in ones).
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), la = %la))]
    pub async fn letter_templates(
        &self,
        actor: &Actor,
        la: &LaCode,
    ) -> Result<Vec<TemplateView>, ServiceError> {
        self.administered(actor, la, Action::View)?;
        let authority = self.fresh_local_authority(la).await?;
        let editors: Vec<_> = authority
            .settings
            .letters
            .iter()
            .filter_map(|t| t.updated_by)
            .collect();
        let (users, _) = if editors.is_empty() {
            (Vec::new(), Vec::new())
        } else {
            self.store.directory(editors, Vec::new()).await?
        };
        Ok(KINDS
            .iter()
            .map(|kind| {
                let t = authority.settings.letter_template(*kind);
                TemplateView {
                    la: la.clone(),
                    kind: *kind,
                    label: kind.label(),
                    updated_by: t.updated_by.map(|id| {
                        users
                            .iter()
                            .find(|u| u.id == id)
                            .map_or_else(|| "Unknown user".into(), |u| u.display_name.clone())
                    }),
                    updated_at: t.updated_at,
                    fields: letters::fields_of(*kind),
                    subject: t.subject,
                    body: t.body,
                    revision: t.revision,
                }
            })
            .collect())
    }

    /// Save an edit of one of the LA's templates, based on the revision the editor saw (`version`; the current
    /// one if not given): every problem named; a revision someone else has replaced meanwhile is refused
    /// (stale) with nothing written.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), la = %la))]
    pub async fn save_letter_template(
        &self,
        actor: &Actor,
        la: &LaCode,
        kind: LetterKind,
        input: &TemplateInput,
        version: Option<i64>,
    ) -> Result<TemplateView, ServiceError> {
        self.administered(actor, la, Action::Update)?;
        let authority = self.fresh_local_authority(la).await?;
        let current = authority.settings.letter_template(kind);
        // Without a version, the edit is based on the template as read now.
        if version.is_some_and(|v| v != current.revision) {
            return Err(ServiceError::Stale);
        }
        let edited: LetterTemplate = input.apply(&current, actor.user_id, self.now())?;
        self.store
            .save_letter_template(actor, la, &edited, current.revision, self.now())
            .await
            .map_err(|e| match e {
                store::StoreError::Stale { .. } => ServiceError::Stale,
                other => other.into(),
            })?;
        self.letter_templates(actor, la)
            .await?
            .into_iter()
            .find(|t| t.kind == kind)
            .ok_or(ServiceError::NotFound)
    }

    /// What the letters page offers for the child (an audited read of the record).
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), child = %child))]
    pub async fn letters_view(
        &self,
        actor: &Actor,
        child: PersonId,
    ) -> Result<LettersView, ServiceError> {
        use domain::chronology::uk_date;
        let ctx = self.case_for(actor, child, Action::Create).await?;
        let mut contacts: Vec<_> = ctx
            .file
            .contacts
            .iter()
            .filter(|c| c.child_id == child)
            .filter_map(|c| {
                let d = c.decision.as_ref()?;
                Some((
                    c.received_at,
                    c.id,
                    format!(
                        "{} from {}: {}",
                        uk_date(domain::datetime::london_date(c.received_at)),
                        c.referrer.name,
                        d.outcome.label()
                    ),
                ))
            })
            .collect();
        contacts.sort_by_key(|c| std::cmp::Reverse(c.0));
        let mut conferences: Vec<_> = ctx
            .file
            .conferences
            .iter()
            .filter(|c| c.child_id == child)
            .map(|c| {
                let when = match c.held_on {
                    Some(d) => format!("held {}", uk_date(d)),
                    None => format!("due {}", uk_date(c.due_on)),
                };
                (c.due_on, c.id, format!("{}, {when}", c.kind.label()))
            })
            .collect();
        conferences.sort_by_key(|c| std::cmp::Reverse(c.0));
        let documents = self.documents_view(&ctx).await?;
        Ok(LettersView {
            child: documents.child.clone(),
            version: ctx.version,
            contacts: contacts.into_iter().map(|(_, id, l)| (id, l)).collect(),
            conferences: conferences.into_iter().map(|(_, id, l)| (id, l)).collect(),
            letters: documents
                .documents
                .into_iter()
                .filter(|d| d.kind == Some(domain::codes::DocumentKind::Letter))
                .collect(),
        })
    }

    /// A letter about the child from the LA's template, filled from the record (an audited read), printed as
    /// PDF and kept as a document on the child's file (a change based on `version` when given).
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), child = %child))]
    pub async fn make_letter(
        &self,
        actor: &Actor,
        child: PersonId,
        input: &LetterInput,
        version: Option<i64>,
    ) -> Result<MadeLetter, ServiceError> {
        let ctx = self.case_for(actor, child, Action::Create).await?;
        let (name, role) = match actor.user_id {
            Some(id) => {
                let (users, _) = self.store.directory(vec![id], Vec::new()).await?;
                let user = users.first();
                (
                    user.map_or_else(|| actor.label.clone(), |u| u.display_name.clone()),
                    user.map_or("Social worker", |u| u.role.label()).to_owned(),
                )
            }
            None => (actor.label.clone(), "Children's services".to_owned()),
        };
        let request = letters::request(
            input,
            &ctx.child,
            &ctx.file,
            &ctx.la.name,
            &Signatory {
                name: &name,
                role: &role,
            },
            ctx.now,
        )?;
        let template = self
            .fresh_local_authority(&ctx.la.code)
            .await?
            .settings
            .letter_template(request.kind);
        let letter = letters::fill(&template, &request.values);
        let today = domain::chronology::uk_date(ctx.today);
        let mut doc = Document::new(letter.subject.clone())
            .with_subtitle(format!("{}, children's services", ctx.la.name))
            .with_subtitle(today.clone())
            .with_footer(format!(
                "Made by {name} on {today} from the LA's template ({})",
                request.kind.label()
            ));
        doc = doc.push(Block::Paragraph(format!("To: {}", request.recipient)));
        for paragraph in letter.body.split("\n\n") {
            doc = doc.push(Block::Paragraph(paragraph.to_owned()));
        }
        let pdf = crate::summary::printed(doc).await?;
        let title = format!(
            "{} to {} ({today})",
            request.kind.label(),
            request.recipient
        );
        let (_, document) = self
            .attach_generated_document(
                actor,
                child,
                crate::documents::Generated {
                    title: &title,
                    kind: Some(domain::codes::DocumentKind::Letter),
                    content_type: "application/pdf",
                    bytes: pdf,
                },
                version,
            )
            .await?;
        Ok(MadeLetter {
            document,
            letter: request.kind,
            title,
            subject: letter.subject,
        })
    }
}
