//! The front door: the MASH worklist, screening (threshold, RAG, consent), MASH enquiries with partner
//! information requests, the decision on next steps with manager oversight, and feedback to the referrer.
//!
//! Every use case reads the contact through an audited view first (so a record the user may not see answers
//! 404 before anything else is said about it), works out the change with the pure rules in
//! `domain::front_door`, and saves it with [`Store::save_case_change`]: the permission check again, the version
//! the user saw, and one audit entry per record, in one transaction.

use domain::audit::Actor;
use std::sync::Arc;

use domain::calendar::Calendar;
use domain::chronology::{self, ChronologyEntry};
use domain::clocks::Rag;
use domain::codes::{Agency, ContactOutcome, RelationshipKind, Role};
use domain::datetime::{Timestamp, london_date};
use domain::front_door::{
    self as rules, DecisionInput, FeedbackInput, HistoryFlag, InformationRequestInput,
    ResponseInput, ScreeningInput, WorklistClock,
};
use domain::ids::{
    ContactId, EarlyHelpEpisodeId, InformationRequestId, MashEnquiryId, PersonId, RagChangeId,
    ReferralId, RelationshipId, UserId,
};
use domain::policy::{self, Action, Area, Decision, Target};
use domain::records::{
    Contact, EarlyHelpEpisode, InformationRequest, LocalAuthority, MashEnquiry, Person, RagChange,
    RecordSet, Referral, Relationship,
};
use serde::Serialize;
use store::{
    AccessCheck, CaseChange, PartnerQueueQuery, Store, Viewed, WorklistQuery, WorklistStage,
};

use crate::children::{answered, viewed};
use crate::{ServiceError, Services, authorize, case_record_check, subject};

/// How many rows a worklist shows at most.
const WORKLIST_LIMIT: u32 = 500;

/// A contact on a worklist, with its clock.
#[derive(Clone, Debug, Serialize)]
pub struct WorklistItem {
    pub contact_id: ContactId,
    pub child_id: PersonId,
    pub la: String,
    pub child_name: String,
    pub received_at: Timestamp,
    pub out_of_hours: bool,
    pub rag: Option<Rag>,
    pub source_label: &'static str,
    pub assigned_to: Option<String>,
    pub clock: WorklistClock,
    pub outcome: Option<ContactOutcome>,
}

/// Worklist filters as the page or the API gives them.
#[derive(Clone, Debug, Default)]
pub struct WorklistFilter {
    pub stage: WorklistStage,
    pub la: Option<String>,
    pub rag: Option<Rag>,
    /// Only overdue contacts.
    pub overdue_only: bool,
}

/// An information request with its clock, as the MASH or the partner sees it.
#[derive(Clone, Debug, Serialize)]
pub struct RequestItem {
    pub request: InformationRequest,
    pub child_name: String,
    pub child_date_of_birth: Option<domain::datetime::Date>,
    pub clock: WorklistClock,
    pub answered: bool,
    /// The request's version, when one request is read: what its answer sends back (`If-Match`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
    /// For a partner reading one request: the documents about the child shared with their agency.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub shared_documents: Vec<crate::documents::DocumentView>,
}

/// Everything the screening page shows about one contact.
#[derive(Clone, Debug, Serialize)]
pub struct ContactCase {
    pub contact: Contact,
    pub child: Person,
    pub la_name: String,
    /// The version the user saw; saving needs it (see [`CaseChange::seen_version`]).
    pub version: i64,
    pub clock: WorklistClock,
    pub threshold_names: [String; 4],
    pub rag_history: Vec<RagChange>,
    pub enquiry: Option<MashEnquiry>,
    pub requests: Vec<RequestItem>,
    pub history_flags: Vec<HistoryFlag>,
    /// Earlier contacts, referrals, enquiries and plans about the child and the household's other children.
    pub history: Vec<ChronologyEntry>,
    /// Contacts about the child's siblings recorded with this one.
    pub linked_contacts: Vec<(ContactId, String)>,
    pub consent_needs_approval: bool,
    pub may_request_information: Option<String>,
    pub decision_needs_oversight: bool,
    pub feedback_due: Option<Timestamp>,
    /// Display names of the users the page mentions.
    pub names: Vec<(UserId, String)>,
    /// The documents attached to the contact (a police notification), newest first.
    pub documents: Vec<domain::records::Document>,
}

impl ContactCase {
    /// A user's display name, or "Unknown user".
    pub fn name_of(&self, id: Option<UserId>) -> String {
        id.and_then(|id| self.names.iter().find(|(u, _)| *u == id))
            .map_or_else(|| "Unknown user".to_owned(), |(_, n)| n.clone())
    }
}

fn full_name(p: &Person) -> String {
    format!("{} {}", p.first_name, p.last_name)
}

/// The check for a partner working on a request addressed to `agency`.
fn partner_check(actor: &Actor, action: Action, agency: Agency) -> AccessCheck {
    let role = actor.role;
    let las = actor.las.clone();
    let user_agency = actor.agency;
    let user_id = actor.user_id;
    Box::new(move |facts: &store::AccessFacts| match role {
        None => Decision::Forbidden,
        Some(role) => policy::decide(
            &policy::Subject {
                role,
                las: &las,
                agency: user_agency,
                user_id,
            },
            action,
            &Target {
                area: Area::PartnerRequests,
                la: Some(&facts.la),
                restricted_to: facts.restricted_to.as_deref(),
                agency: Some(agency),
            },
        ),
    })
}

/// The answer to a save: the new version, or why not.
fn saved(actor: &Actor, v: Viewed<i64>) -> Result<i64, ServiceError> {
    viewed(actor, v)
}

impl<S: Store> Services<S> {
    /// The contact a change is about and the version of its child's records (one snapshot), read through an
    /// audited view that checks `action` (so that every attempt, allowed or not, is in the audit trail, and a
    /// role that may never do this gets 403). 409 at once if the user based the change on an older version.
    async fn contact_for_change(
        &self,
        actor: &Actor,
        id: ContactId,
        action: Action,
        seen: Option<i64>,
    ) -> Result<(Contact, LocalAuthority, i64), ServiceError> {
        subject(actor)?;
        let v = self
            .store
            .view_contact(actor, id, case_record_check(actor, action), self.now())
            .await?;
        let store::Versioned {
            record: contact,
            version,
        } = answered(actor, Area::CaseRecords, action, v)?;
        if seen.is_some_and(|s| s != version) {
            return Err(ServiceError::Stale);
        }
        let la = self.local_authority(&contact.la).await?;
        Ok((contact, la, version))
    }

    async fn save(
        &self,
        actor: &Actor,
        child: PersonId,
        version: Option<i64>,
        created: RecordSet,
        updated: RecordSet,
        check: AccessCheck,
    ) -> Result<i64, ServiceError> {
        let v = self
            .store
            .save_case_change(
                actor,
                CaseChange {
                    child,
                    created,
                    updated,
                    seen_version: version,
                    seen_record: None,
                },
                check,
                self.now(),
            )
            .await?;
        saved(actor, v)
    }

    /// Save a changed contact (with any records the change creates), checking `action` on its child, if its
    /// child's records are still at `version`.
    async fn save_contact(
        &self,
        actor: &Actor,
        contact: Contact,
        version: i64,
        created: RecordSet,
        action: Action,
    ) -> Result<i64, ServiceError> {
        self.save(
            actor,
            contact.child_id,
            Some(version),
            created,
            RecordSet {
                contacts: vec![contact],
                ..RecordSet::default()
            },
            case_record_check(actor, action),
        )
        .await
    }

    /// The front-door worklist at one stage, most overdue first.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id()))]
    pub async fn worklist(
        &self,
        actor: &Actor,
        filter: WorklistFilter,
    ) -> Result<Vec<WorklistItem>, ServiceError> {
        authorize(actor, Area::CaseRecords, Action::Search)?;
        let mut las = actor.las.clone();
        if let Some(code) = filter.la.as_deref().filter(|c| !c.is_empty()) {
            las.retain(|la| la.as_ref() == code);
        }
        let rows = self
            .store
            .front_door_worklist(
                actor,
                WorklistQuery {
                    las,
                    user_id: actor.user_id,
                    stage: filter.stage,
                    limit: WORKLIST_LIMIT,
                },
                self.now(),
            )
            .await?;
        let now = self.now();
        let authorities = self.local_authorities().await?;
        // Each LA's calendar, built once for the whole list.
        let calendars: Vec<(&LocalAuthority, Arc<Calendar>)> = authorities
            .iter()
            .map(|a| (a, self.calendar(&a.settings)))
            .collect();
        let assignees: Vec<UserId> = rows.iter().filter_map(|r| r.contact.assigned_to).collect();
        let (users, _) = self.store.directory(assignees, Vec::new()).await?;
        let mut items = Vec::with_capacity(rows.len());
        for row in rows {
            let c = &row.contact;
            if filter.rag.is_some() && c.screening.rag != filter.rag {
                continue;
            }
            let Some((la, cal)) = calendars.iter().find(|(a, _)| a.code == c.la) else {
                continue;
            };
            let clocks = &la.settings.clocks;
            let due = match filter.stage {
                WorklistStage::AwaitingDecision => rules::contact_due_on(cal, clocks, c),
                WorklistStage::AwaitingFeedback | WorklistStage::AwaitingOversight => {
                    let decided = c.decision.as_ref().map_or(c.received_at, |d| d.decided_at);
                    domain::clocks::referrer_feedback_due(cal, clocks, decided)
                }
            };
            let clock = rules::worklist_clock_on(cal, clocks, due, now);
            if filter.overdue_only && !clock.overdue {
                continue;
            }
            items.push(WorklistItem {
                contact_id: c.id,
                child_id: c.child_id,
                la: c.la.to_string(),
                child_name: full_name(&row.child),
                received_at: c.received_at,
                out_of_hours: c.out_of_hours,
                rag: c.screening.rag,
                source_label: c.source.label(),
                assigned_to: c.assigned_to.and_then(|id| {
                    users
                        .iter()
                        .find(|u| u.id == id)
                        .map(|u| u.display_name.clone())
                }),
                clock,
                outcome: c.decision.as_ref().map(|d| d.outcome),
            });
        }
        rules::sort_most_overdue_first(&mut items, |i| i.clock.due);
        Ok(items)
    }

    /// Everything the screening page needs about one contact. Reads the contact, the child's records and
    /// those of the household's other children, each audited.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), id = %id))]
    pub async fn contact_case(
        &self,
        actor: &Actor,
        id: ContactId,
    ) -> Result<ContactCase, ServiceError> {
        subject(actor)?;
        let v = self
            .store
            .view_contact(
                actor,
                id,
                case_record_check(actor, Action::View),
                self.now(),
            )
            .await?;
        let first_read = viewed(actor, v)?.record;
        // The version comes with the records, from one snapshot (the contact too is taken from it): a change
        // after this read makes a later save stale (409), never a silent overwrite.
        let store::CaseFile {
            record: file,
            version,
        } = viewed(
            actor,
            self.store
                .view_child(
                    actor,
                    first_read.child_id,
                    case_record_check(actor, Action::View),
                    self.now(),
                )
                .await?,
        )?;
        let contact = file
            .contacts
            .iter()
            .find(|c| c.id == first_read.id)
            .cloned()
            .unwrap_or(first_read);
        let la = self.local_authority(&contact.la).await?;
        let calendar = self.calendar(&la.settings);
        let now = self.now();
        let today = london_date(now);
        let child = file
            .people
            .iter()
            .find(|p| p.id == contact.child_id)
            .cloned()
            .ok_or(ServiceError::NotFound)?;
        // The household's other children: their records count in the family history when the user may see them.
        let siblings: Vec<&Person> = file
            .people
            .iter()
            .filter(|p| p.is_child && p.id != child.id)
            .collect();
        let mut records = file.clone();
        let mut sibling_names = Vec::new();
        for s in &siblings {
            sibling_names.push((s.id, Some(s.first_name.as_str())));
            let v = self
                .store
                .view_child(
                    actor,
                    s.id,
                    case_record_check(actor, Action::View),
                    self.now(),
                )
                .await?;
            if let Viewed::Allowed(theirs) = v {
                merge(&mut records, theirs.record);
            }
        }
        let history_flags = rules::family_history_flags(child.id, &sibling_names, &records, today);
        let mut history: Vec<ChronologyEntry> = std::iter::once(child.id)
            .chain(siblings.iter().map(|s| s.id))
            .flat_map(|id| chronology::chronology_as_of(id, &records, now))
            .filter(|e| {
                use chronology::kinds::*;
                [
                    CONTACT,
                    DECISION,
                    REFERRAL,
                    REFERRAL_CLOSED,
                    STRATEGY_DISCUSSION,
                    SECTION_47_STARTED,
                    SECTION_47_OUTCOME,
                    CP_PLAN_STARTED,
                    CIN_PLAN_STARTED,
                    PLAN_ENDED,
                    EARLY_HELP_STARTED,
                ]
                .contains(&e.kind)
                    && e.record_id != contact.id.uuid()
            })
            .collect();
        history.sort_by(chronology::chronology_order);
        history.dedup_by(|a, b| a.record_id == b.record_id && a.kind == b.kind);
        let mut rag_history: Vec<RagChange> = file
            .rag_changes
            .iter()
            .filter(|r| r.contact_id == contact.id)
            .cloned()
            .collect();
        rag_history.sort_by_key(|r| std::cmp::Reverse(r.changed_at));
        let enquiry = file
            .mash_enquiries
            .iter()
            .filter(|e| e.contact_id == contact.id)
            .max_by_key(|e| e.started_at)
            .cloned();
        let mut requests: Vec<RequestItem> = file
            .information_requests
            .iter()
            .filter(|r| r.contact_id == contact.id)
            .map(|r| request_item(r, &child, (&la, &calendar), now))
            .collect();
        requests.sort_by_key(|r| r.request.requested_at);
        // Contacts recorded together about siblings share a group: the first contact's id.
        let group = contact.sibling_group.unwrap_or(contact.id);
        let linked_contacts = records
            .contacts
            .iter()
            .filter(|c| c.id != contact.id && (c.sibling_group == Some(group) || c.id == group))
            .filter_map(|c| {
                records
                    .people
                    .iter()
                    .find(|p| p.id == c.child_id)
                    .map(|p| (c.id, full_name(p)))
            })
            .collect();
        let mut ids: Vec<UserId> = rag_history.iter().filter_map(|r| r.changed_by).collect();
        ids.extend(requests.iter().filter_map(|r| r.request.requested_by));
        ids.extend(requests.iter().filter_map(|r| r.request.responded_by));
        ids.extend(contact.recorded_by);
        ids.extend(contact.assigned_to);
        ids.extend(contact.screening.consent_approved_by);
        if let Some(d) = &contact.decision {
            ids.extend(d.decided_by);
            ids.extend(d.manager_oversight_by);
        }
        if let Some(f) = &contact.feedback {
            ids.extend(f.given_by);
        }
        let (users, _) = self.store.directory(ids, Vec::new()).await?;
        let names = users.into_iter().map(|u| (u.id, u.display_name)).collect();
        let clock = rules::worklist_clock_on(
            &calendar,
            &la.settings.clocks,
            rules::contact_due_on(&calendar, &la.settings.clocks, &contact),
            now,
        );
        let feedback_due = contact.decision.as_ref().map(|d| {
            domain::clocks::referrer_feedback_due(&calendar, &la.settings.clocks, d.decided_at)
        });
        let mut documents: Vec<domain::records::Document> = file
            .documents
            .iter()
            .filter(|d| d.contact_id == Some(contact.id))
            .cloned()
            .collect();
        documents.sort_by_key(|d| std::cmp::Reverse(d.uploaded_at));
        Ok(ContactCase {
            documents,
            consent_needs_approval: rules::proceeds_without_consent(&contact.screening)
                && !rules::consent_approved(&contact.screening),
            may_request_information: rules::may_request_information(&contact.screening)
                .err()
                .map(|e| e.problem),
            decision_needs_oversight: contact
                .decision
                .as_ref()
                .is_some_and(|d| rules::decision_needs_oversight(d, &la.settings)),
            feedback_due,
            threshold_names: la.settings.threshold_names.clone(),
            la_name: la.name.clone(),
            contact,
            child,
            version,
            clock,
            rag_history,
            enquiry,
            requests,
            history_flags,
            history,
            linked_contacts,
            names,
        })
    }

    /// Record the screening: threshold, RAG (each change kept with its reason) and consent.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), id = %id))]
    pub async fn screen_contact(
        &self,
        actor: &Actor,
        id: ContactId,
        input: &ScreeningInput,
        version: Option<i64>,
    ) -> Result<i64, ServiceError> {
        let (contact, _, version) = self
            .contact_for_change(actor, id, Action::Update, version)
            .await?;
        let change = rules::screen(&contact.screening, input)?;
        let now = self.now();
        let mut created = RecordSet::default();
        if let Some((rag, rationale)) = change.rag_change {
            created.rag_changes.push(RagChange {
                id: RagChangeId::new(),
                la: contact.la.clone(),
                contact_id: contact.id,
                child_id: contact.child_id,
                rag,
                rationale,
                changed_by: actor.user_id,
                changed_at: now,
            });
        }
        let updated_contact = Contact {
            screening: change.screening,
            assigned_to: contact.assigned_to.or(actor.user_id),
            ..contact.clone()
        };
        self.save_contact(actor, updated_contact, version, created, Action::Update)
            .await
    }

    /// Record that two children are siblings (when a contact about both is recorded), unless the record
    /// already relates them.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), child = %child, sibling = %sibling))]
    pub async fn link_siblings(
        &self,
        actor: &Actor,
        child: PersonId,
        sibling: PersonId,
    ) -> Result<(), ServiceError> {
        let file = self
            .store
            .case_file(child)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let related = file.relationships.iter().any(|r| {
            (r.person_id == sibling && r.related_person_id == child)
                || (r.person_id == child && r.related_person_id == sibling)
        });
        if related {
            return Ok(());
        }
        let la = file
            .people
            .iter()
            .find(|p| p.id == child)
            .map(|p| p.la.clone())
            .ok_or(ServiceError::NotFound)?;
        let relationship = Relationship {
            id: RelationshipId::new(),
            la,
            person_id: sibling,
            related_person_id: child,
            kind: RelationshipKind::Sibling,
            parental_responsibility: false,
            ended_on: None,
        };
        self.save(
            actor,
            child,
            None,
            RecordSet {
                relationships: vec![relationship],
                ..RecordSet::default()
            },
            RecordSet::default(),
            case_record_check(actor, Action::Update),
        )
        .await?;
        Ok(())
    }

    /// A manager approves going ahead without consent.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), id = %id))]
    pub async fn approve_consent(
        &self,
        actor: &Actor,
        id: ContactId,
        version: Option<i64>,
    ) -> Result<i64, ServiceError> {
        let (contact, _, version) = self
            .contact_for_change(actor, id, Action::Approve, version)
            .await?;
        let (Some(user), Some(role)) = (actor.user_id, actor.role) else {
            return Err(ServiceError::Forbidden);
        };
        let screening = rules::approve_consent(
            &contact.screening,
            user,
            role,
            contact.recorded_by,
            self.now(),
        )?;
        let changed = Contact {
            screening,
            ..contact
        };
        self.save_contact(
            actor,
            changed,
            version,
            RecordSet::default(),
            Action::Approve,
        )
        .await
    }

    /// Ask a partner agency for information (starting the MASH enquiry if it has not started).
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), id = %id))]
    pub async fn request_information(
        &self,
        actor: &Actor,
        id: ContactId,
        input: &InformationRequestInput,
        version: Option<i64>,
    ) -> Result<InformationRequestId, ServiceError> {
        let (contact, la, version) = self
            .contact_for_change(actor, id, Action::Update, version)
            .await?;
        let now = self.now();
        let new = rules::information_request(input, &contact.screening, now, &la.settings)?;
        let file = self
            .store
            .case_file(contact.child_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let mut created = RecordSet::default();
        let enquiry_id = match file
            .mash_enquiries
            .iter()
            .find(|e| e.contact_id == contact.id && e.completed_at.is_none())
        {
            Some(e) => e.id,
            None => {
                let e = MashEnquiry {
                    id: MashEnquiryId::new(),
                    la: contact.la.clone(),
                    contact_id: contact.id,
                    child_id: contact.child_id,
                    started_at: now,
                    started_by: actor.user_id,
                    history_summary: None,
                    completed_at: None,
                };
                let id = e.id;
                created.mash_enquiries.push(e);
                id
            }
        };
        let request = InformationRequest {
            id: InformationRequestId::new(),
            la: contact.la.clone(),
            mash_enquiry_id: enquiry_id,
            contact_id: contact.id,
            child_id: contact.child_id,
            agency: new.agency,
            question: new.question,
            requested_by: actor.user_id,
            requested_at: now,
            due_at: new.due_at,
            response: None,
            responded_by: None,
            responded_at: None,
        };
        let request_id = request.id;
        created.information_requests.push(request);
        self.save(
            actor,
            contact.child_id,
            Some(version),
            created,
            RecordSet::default(),
            case_record_check(actor, Action::Update),
        )
        .await?;
        Ok(request_id)
    }

    /// Record the decision on next steps. A referral (or a strategy discussion, or emergency accommodation)
    /// opens a child-in-need episode; early help opens an early help episode.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), id = %id))]
    pub async fn decide_contact(
        &self,
        actor: &Actor,
        id: ContactId,
        input: &DecisionInput,
        version: Option<i64>,
    ) -> Result<i64, ServiceError> {
        let (contact, la, version) = self
            .contact_for_change(actor, id, Action::Update, version)
            .await?;
        if contact.decision.is_some() {
            return Err(ServiceError::invalid(
                "outcome",
                "A decision has already been recorded for this contact",
            ));
        }
        let (Some(user), Some(role)) = (actor.user_id, actor.role) else {
            return Err(ServiceError::Forbidden);
        };
        let now = self.now();
        let decision = rules::decide(input, user, role, now, &la.settings)?;
        let primary_need = rules::primary_need(input)?;
        let mut created = RecordSet::default();
        let today = london_date(now);
        if decision.outcome.opens_referral() {
            created.referrals.push(Referral {
                id: ReferralId::new(),
                la: contact.la.clone(),
                child_id: contact.child_id,
                contact_id: Some(contact.id),
                referral_date: today,
                source: contact.source,
                primary_need,
                nfa: false,
                closure: None,
                created_at: now,
            });
        }
        if decision.outcome == ContactOutcome::EarlyHelp {
            created.early_help_episodes.push(EarlyHelpEpisode {
                id: EarlyHelpEpisodeId::new(),
                la: contact.la.clone(),
                child_id: contact.child_id,
                contact_id: Some(contact.id),
                stepped_down_from: None,
                lead_practitioner: decision.receiving_service.clone().unwrap_or_default(),
                lead_agency: Agency::Other,
                reason: decision.rationale.clone(),
                start_date: today,
                end_date: None,
                end_reason: None,
                next_steps: decision.next_steps.clone(),
                oversight_by: decision.manager_oversight_by,
                oversight_at: decision.manager_oversight_at,
                stepped_up_to: None,
                created_at: now,
            });
        }
        let updated_contact = Contact {
            decision: Some(decision),
            ..contact.clone()
        };
        self.save_contact(actor, updated_contact, version, created, Action::Update)
            .await
    }

    /// A manager records oversight of a worker's decision.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), id = %id))]
    pub async fn oversee_decision(
        &self,
        actor: &Actor,
        id: ContactId,
        version: Option<i64>,
    ) -> Result<i64, ServiceError> {
        let (contact, _, version) = self
            .contact_for_change(actor, id, Action::Approve, version)
            .await?;
        let (Some(user), Some(role)) = (actor.user_id, actor.role) else {
            return Err(ServiceError::Forbidden);
        };
        let Some(decision) = &contact.decision else {
            return Err(ServiceError::invalid(
                "oversight",
                "There is no decision to oversee yet",
            ));
        };
        let decision = rules::record_oversight(decision, user, role, self.now())?;
        let changed = Contact {
            decision: Some(decision),
            ..contact
        };
        self.save_contact(
            actor,
            changed,
            version,
            RecordSet::default(),
            Action::Approve,
        )
        .await
    }

    /// Record how and when the referrer was told the outcome.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), id = %id))]
    pub async fn record_feedback(
        &self,
        actor: &Actor,
        id: ContactId,
        input: &FeedbackInput,
        version: Option<i64>,
    ) -> Result<i64, ServiceError> {
        let (contact, _, version) = self
            .contact_for_change(actor, id, Action::Update, version)
            .await?;
        let Some(user) = actor.user_id else {
            return Err(ServiceError::Forbidden);
        };
        let feedback = rules::feedback(input, contact.decision.as_ref(), user, self.now())?;
        let changed = Contact {
            feedback: Some(feedback),
            ..contact
        };
        self.save_contact(
            actor,
            changed,
            version,
            RecordSet::default(),
            Action::Update,
        )
        .await
    }

    /// A partner agency's queue: the requests addressed to it, unanswered first, oldest due first.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id()))]
    pub async fn partner_queue(
        &self,
        actor: &Actor,
        open_only: bool,
    ) -> Result<Vec<RequestItem>, ServiceError> {
        authorize(actor, Area::PartnerRequests, Action::Search)?;
        let Some(agency) = actor.agency else {
            return Err(ServiceError::Forbidden);
        };
        let rows = self
            .store
            .partner_queue(
                actor,
                PartnerQueueQuery {
                    las: actor.las.clone(),
                    user_id: actor.user_id,
                    agency,
                    open_only,
                    limit: WORKLIST_LIMIT,
                },
                self.now(),
            )
            .await?;
        let authorities = self.local_authorities().await?;
        let calendars: Vec<(&LocalAuthority, Arc<Calendar>)> = authorities
            .iter()
            .map(|a| (a, self.calendar(&a.settings)))
            .collect();
        let now = self.now();
        Ok(rows
            .iter()
            .filter_map(|row| {
                let (la, cal) = calendars.iter().find(|(a, _)| a.code == row.request.la)?;
                Some(request_item(&row.request, &row.child, (la, cal), now))
            })
            .collect())
    }

    /// One information request, as its partner agency sees it.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), id = %id))]
    pub async fn information_request(
        &self,
        actor: &Actor,
        id: InformationRequestId,
    ) -> Result<RequestItem, ServiceError> {
        let (request, child, la, version) = self.request_for(actor, id, Action::View).await?;
        let shared_documents = match (actor.role, actor.agency) {
            (Some(Role::Partner), Some(agency)) => {
                self.documents_shared_with(child.id, agency).await?
            }
            _ => Vec::new(),
        };
        Ok(RequestItem {
            version: Some(version),
            shared_documents,
            ..request_item(
                &request,
                &child,
                (&la, &self.calendar(&la.settings)),
                self.now(),
            )
        })
    }

    async fn request_for(
        &self,
        actor: &Actor,
        id: InformationRequestId,
        action: Action,
    ) -> Result<(InformationRequest, Person, LocalAuthority, i64), ServiceError> {
        subject(actor)?;
        // The agency is known only once the request is read; the check inside the read needs it, so it runs
        // on what the store passes in.
        let role = actor.role;
        let las = actor.las.clone();
        let user_agency = actor.agency;
        let user_id = actor.user_id;
        let check: AccessCheck = Box::new(move |facts: &store::AccessFacts| match role {
            None => Decision::Forbidden,
            Some(role) => {
                let area = if role == Role::Partner {
                    Area::PartnerRequests
                } else {
                    Area::CaseRecords
                };
                policy::decide(
                    &policy::Subject {
                        role,
                        las: &las,
                        agency: user_agency,
                        user_id,
                    },
                    action,
                    &Target {
                        area,
                        la: Some(&facts.la),
                        restricted_to: facts.restricted_to.as_deref(),
                        agency: facts.addressed_to,
                    },
                )
            }
        });
        let v = self
            .store
            .view_information_request(actor, id, check, self.now())
            .await?;
        let area = if actor.role == Some(Role::Partner) {
            Area::PartnerRequests
        } else {
            Area::CaseRecords
        };
        let store::Versioned {
            record: request,
            version,
        } = answered(actor, area, action, v)?;
        let child = self
            .store
            .person(request.child_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let la = self.local_authority(&request.la).await?;
        Ok((request, child, la, version))
    }

    /// A partner answers an information request addressed to their agency.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), id = %id))]
    pub async fn respond_to_request(
        &self,
        actor: &Actor,
        id: InformationRequestId,
        input: &ResponseInput,
        version: Option<i64>,
    ) -> Result<(), ServiceError> {
        if actor.role != Some(Role::Partner) {
            // Only the agency asked answers; the MASH reads the answer. The attempt is still audited, and the
            // answer is the same whether or not the request exists.
            return match self.request_for(actor, id, Action::Update).await {
                Err(e @ (ServiceError::Unavailable(_) | ServiceError::Internal(_))) => Err(e),
                _ => Err(ServiceError::Forbidden),
            };
        }
        let (request, _, _, current) = self.request_for(actor, id, Action::Update).await?;
        if version.is_some_and(|v| v != current) {
            return Err(ServiceError::Stale);
        }
        let Some(user) = actor.user_id else {
            return Err(ServiceError::Forbidden);
        };
        let answered = rules::respond(&request, input, user, actor.agency, self.now())?;
        let v = self
            .store
            .save_case_change(
                actor,
                CaseChange {
                    child: request.child_id,
                    created: RecordSet::default(),
                    updated: RecordSet {
                        information_requests: vec![answered],
                        ..RecordSet::default()
                    },
                    seen_version: None,
                    seen_record: Some((id.uuid(), current)),
                },
                partner_check(actor, Action::Update, request.agency),
                self.now(),
            )
            .await?;
        saved(actor, v)?;
        Ok(())
    }
}

fn request_item(
    r: &InformationRequest,
    child: &Person,
    (la, cal): (&LocalAuthority, &Calendar),
    now: Timestamp,
) -> RequestItem {
    let clock_now = r.responded_at.unwrap_or(now);
    RequestItem {
        request: r.clone(),
        child_name: full_name(child),
        child_date_of_birth: child.date_of_birth,
        clock: rules::worklist_clock_on(cal, &la.settings.clocks, r.due_at, clock_now),
        answered: r.response.is_some(),
        version: None,
        shared_documents: Vec::new(),
    }
}

/// Add another child's records to a set (family history), without repeating any.
fn merge(into: &mut RecordSet, other: RecordSet) {
    fn add<T: Clone, K: PartialEq>(into: &mut Vec<T>, from: Vec<T>, key: impl Fn(&T) -> K) {
        for r in from {
            if !into.iter().any(|x| key(x) == key(&r)) {
                into.push(r);
            }
        }
    }
    add(&mut into.people, other.people, |r| r.id);
    add(&mut into.contacts, other.contacts, |r| r.id);
    add(&mut into.referrals, other.referrals, |r| r.id);
    add(&mut into.section47s, other.section47s, |r| r.id);
    add(
        &mut into.strategy_discussions,
        other.strategy_discussions,
        |r| r.id,
    );
    add(&mut into.plans, other.plans, |r| r.id);
    add(&mut into.conferences, other.conferences, |r| r.id);
}
