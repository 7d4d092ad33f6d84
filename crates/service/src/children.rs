//! Finding a child and reading their record: person search, the child record and the chronology. Every one of
//! these is audited; a child's record never leaves without its audit entry.

use domain::audit::Actor;
use domain::chronology::{self, ChronologyEntry};
use domain::codes::{ActionStatus, PlanKind, RelationshipKind, Sex};
use domain::datetime::{Date, Timestamp, london_date};
use domain::identifiers::LaCode;
use domain::ids::PersonId;
use domain::policy::{Action, Area, Decision};
use domain::records::{Person, RecordSet};
use domain::search;
use serde::Serialize;
use store::{PersonSearch, Store, Viewed};

use crate::{ServiceError, Services, authorize, case_record_check};

/// How many candidates the store may return for ranking, and how many results a search shows.
const CANDIDATES: u32 = 5_000;

const RESULTS: usize = 50;

/// A child as a search result or a record heading (API: `{"id","la","name","date_of_birth",…}`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ChildSummary {
    pub id: PersonId,
    pub la: LaCode,
    pub name: String,
    pub first_name: String,
    pub last_name: String,
    pub date_of_birth: Option<Date>,
    pub expected_date_of_birth: Option<Date>,
    pub age: Option<i16>,
    pub sex: Sex,
    pub la_child_id: Option<String>,
    pub nhs_number: Option<String>,
    pub upn: Option<String>,
}

impl ChildSummary {
    pub fn of(p: &Person, today: Date) -> ChildSummary {
        ChildSummary {
            id: p.id,
            la: p.la.clone(),
            name: p.full_name(),
            first_name: p.first_name.clone(),
            last_name: p.last_name.clone(),
            date_of_birth: p.date_of_birth,
            expected_date_of_birth: p.expected_date_of_birth,
            age: p.age_on(today),
            sex: p.sex,
            la_child_id: p.la_child_id.as_ref().map(|i| i.as_ref().to_owned()),
            nhs_number: p.nhs_number.as_ref().map(ToString::to_string),
            upn: p.upn.as_ref().map(|u| u.as_ref().to_owned()),
        }
    }
}

/// A relative of the child.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FamilyMember {
    pub id: PersonId,
    pub name: String,
    /// How they are related to the child, e.g. "Mother".
    pub relationship: String,
    pub parental_responsibility: bool,
    pub is_child: bool,
    pub date_of_birth: Option<Date>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HouseholdView {
    pub address: String,
    pub postcode: Option<String>,
    pub from: Date,
    pub to: Option<Date>,
    /// The other people living there (names).
    pub members: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AllocationView {
    pub worker: String,
    pub team: Option<String>,
    pub from: Date,
}

/// Something open on the child's record: a referral, an assessment, a plan, an enquiry, early help.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OpenEpisode {
    pub kind: &'static str,
    pub label: String,
    pub since: Date,
    pub detail: Option<String>,
}

/// The read-only child record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ChildRecord {
    pub child: ChildSummary,
    pub other_names: Option<String>,
    pub gender_identity: Option<String>,
    pub ethnicity: Option<String>,
    pub disabilities: Vec<String>,
    pub upn_unknown: Option<String>,
    pub first_language: Option<String>,
    pub religion: Option<String>,
    pub restricted: bool,
    pub family: Vec<FamilyMember>,
    pub households: Vec<HouseholdView>,
    pub allocation: Option<AllocationView>,
    pub open_episodes: Vec<OpenEpisode>,
    pub open_actions: usize,
    pub chronology: Vec<ChronologyEntry>,
    /// What the DfE's CIN census rules find wrong in the child's records for the census year so far, errors
    /// first: put right now, the return is right first time.
    pub census_problems: Vec<CensusProblem>,
}

/// One census problem on a child's record, in plain words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CensusProblem {
    /// The DfE rule code, e.g. "8610" or "8670Q" (Q: a query to check, not an error).
    pub code: &'static str,
    pub is_error: bool,
    /// The DfE's message.
    pub message: &'static str,
    /// The field at fault, in plain words.
    pub field: &'static str,
}

/// The answer to an audited read. A role that may never see case records gets 403 whether or not the record
/// exists; everyone else gets the same 404 for a missing record and for one they may not see.
pub(crate) fn viewed<T>(actor: &Actor, v: Viewed<T>) -> Result<T, ServiceError> {
    answered(actor, Area::CaseRecords, Action::View, v)
}

/// [`viewed`] for any area and action: a role never granted `action` in `area` gets 403 whether or not the
/// record exists; everyone else the same 404 for a missing record and for one they may not touch.
pub(crate) fn answered<T>(
    actor: &Actor,
    area: Area,
    action: Action,
    v: Viewed<T>,
) -> Result<T, ServiceError> {
    let role_may = actor
        .role
        .is_some_and(|r| domain::policy::grants(r, area, action));
    match v {
        Viewed::Allowed(t) => Ok(t),
        _ if !role_may => Err(ServiceError::Forbidden),
        Viewed::Denied(Decision::Forbidden) => Err(ServiceError::Forbidden),
        Viewed::Denied(_) | Viewed::Missing => Err(ServiceError::NotFound),
    }
}

fn relationship_label(kind: RelationshipKind, child_is_subject: bool) -> String {
    if child_is_subject {
        // The record says "the child is X of them": show what they are to the child.
        match kind {
            RelationshipKind::Mother | RelationshipKind::Father | RelationshipKind::StepParent => {
                "Child".into()
            }
            RelationshipKind::Grandparent => "Grandchild".into(),
            RelationshipKind::AuntOrUncle => "Niece or nephew".into(),
            other => other.label().into(),
        }
    } else {
        kind.label().into()
    }
}

impl<S: Store> Services<S> {
    /// Children matching what was typed (name with typos, date of birth, NHS number, UPN, LA child ID), within the
    /// user's LAs, never showing a restricted record to anyone not named on it. Best matches first.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id()))]
    pub async fn search_children(
        &self,
        actor: &Actor,
        q: &str,
    ) -> Result<Vec<ChildSummary>, ServiceError> {
        authorize(actor, Area::CaseRecords, Action::Search)?;
        let query = search::parse_query(q)?;
        let keys = search::candidate_keys(&query);
        // The store reads a few fields of every candidate; `rank` scores them (preparing the query once),
        // best first, and keeps the ones to show, whose whole records are then read.
        let ranking = query.clone();
        let rank: store::RankCandidates = Box::new(move |candidates| {
            // Ties keep the order they come in (by id), so that the same search gives the same list.
            search::best(&ranking, candidates, RESULTS)
                .into_iter()
                .map(|r| r.item.id)
                .collect()
        });
        let found = self
            .store
            .search_people(
                actor,
                PersonSearch {
                    las: actor.las.clone(),
                    user_id: actor.user_id,
                    keys: keys.keys,
                    prefixes: keys.prefixes,
                    date_of_birth: query.date_of_birth,
                    nhs_number: query.nhs_number.as_ref().map(|n| n.as_ref().to_owned()),
                    upn: query.upn.as_ref().map(|u| u.as_ref().to_owned()),
                    la_child_id: query.la_child_id.clone(),
                    limit: CANDIDATES,
                },
                rank,
                self.now(),
            )
            .await?;
        let today = london_date(self.now());
        Ok(found.iter().map(|p| ChildSummary::of(p, today)).collect())
    }

    /// The child's whole case file, if the actor may see it; audited either way (even a role that may never
    /// see case records leaves an entry when it tries).
    pub(crate) async fn case_file(
        &self,
        actor: &Actor,
        child: PersonId,
    ) -> Result<RecordSet, ServiceError> {
        crate::subject(actor)?;
        let file = viewed(
            actor,
            self.store
                .view_child(
                    actor,
                    child,
                    case_record_check(actor, Action::View),
                    self.now(),
                )
                .await?,
        )?;
        Ok(file.record)
    }

    /// The read-only child record: identity, family and household, allocation, open episodes, chronology.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), child = %child))]
    pub async fn child_record(
        &self,
        actor: &Actor,
        child: PersonId,
    ) -> Result<ChildRecord, ServiceError> {
        let file = self.case_file(actor, child).await?;
        // A person merged into another reads the record kept (the case file's first person).
        let child = file.people.first().map_or(child, |p| p.id);
        self.record_of(&file, child).await
    }

    /// The child record from a case file already read (and audited).
    pub(crate) async fn record_of(
        &self,
        file: &RecordSet,
        child: PersonId,
    ) -> Result<ChildRecord, ServiceError> {
        let now = self.now();
        let person = file
            .people
            .iter()
            .find(|p| p.id == child)
            .ok_or(ServiceError::NotFound)?;
        let calendar = self.calendar(&self.local_authority(&person.la).await?.settings);
        let today = london_date(now);
        let name_of = |id: PersonId| {
            file.people
                .iter()
                .find(|p| p.id == id)
                .map(Person::full_name)
                .unwrap_or_else(|| "Unknown person".to_owned())
        };
        let mut family: Vec<FamilyMember> = file
            .relationships
            .iter()
            .filter_map(|r| {
                let (other, child_is_subject) = if r.related_person_id == child {
                    (r.person_id, false)
                } else if r.person_id == child {
                    (r.related_person_id, true)
                } else {
                    return None;
                };
                let p = file.people.iter().find(|p| p.id == other)?;
                Some(FamilyMember {
                    id: other,
                    name: p.full_name(),
                    relationship: relationship_label(r.kind, child_is_subject),
                    parental_responsibility: r.parental_responsibility && !child_is_subject,
                    is_child: p.is_child,
                    date_of_birth: p.date_of_birth,
                })
            })
            .collect();
        family.sort_by(|a, b| {
            a.is_child
                .cmp(&b.is_child)
                .then_with(|| a.name.cmp(&b.name))
        });
        let mut households: Vec<HouseholdView> = file
            .household_members
            .iter()
            .filter(|m| m.person_id == child)
            .filter_map(|m| {
                let h = file.households.iter().find(|h| h.id == m.household_id)?;
                let members = file
                    .household_members
                    .iter()
                    .filter(|o| o.household_id == h.id && o.person_id != child && o.to.is_none())
                    .map(|o| name_of(o.person_id))
                    .collect();
                let a = &h.address;
                let address = [
                    Some(a.line1.as_str()),
                    a.line2.as_deref(),
                    Some(a.town.as_str()),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(", ");
                Some(HouseholdView {
                    address,
                    postcode: a.postcode.as_ref().map(ToString::to_string),
                    from: m.from,
                    to: m.to,
                    members,
                })
            })
            .collect();
        households.sort_by(|a, b| {
            a.to.is_some()
                .cmp(&b.to.is_some())
                .then_with(|| b.from.cmp(&a.from))
        });
        let current_allocation = file
            .allocations
            .iter()
            .filter(|a| a.to.is_none_or(|to| to >= today))
            .max_by_key(|a| a.from);
        let allocation = match current_allocation {
            Some(a) => {
                let (users, teams) = self
                    .store
                    .directory(vec![a.worker_id], a.team_id.into_iter().collect())
                    .await?;
                Some(AllocationView {
                    worker: users
                        .first()
                        .map(|u| u.display_name.clone())
                        .unwrap_or_else(|| "Unknown worker".into()),
                    team: teams.first().map(|t| t.name.clone()),
                    from: a.from,
                })
            }
            None => None,
        };
        let mut open_episodes = Vec::new();
        for r in file
            .referrals
            .iter()
            .filter(|r| r.child_id == child && r.closure.is_none())
        {
            // The 45-working-day clock for the child and family assessment runs from the referral until an
            // assessment for it is authorised.
            let assessed = file
                .assessments
                .iter()
                .any(|a| a.referral_id == r.id && a.authorised_on.is_some());
            let mut detail: Vec<String> = r
                .primary_need
                .map(|n| format!("Primary need: {}", n.label()))
                .into_iter()
                .collect();
            if !assessed {
                let due = domain::clocks::assessment_due(&calendar, r.referral_date);
                detail.push(format!("Assessment due {}", chronology::uk_date(due)));
            }
            open_episodes.push(OpenEpisode {
                kind: "referral",
                label: "Child in need episode (referral)".into(),
                since: r.referral_date,
                detail: (!detail.is_empty()).then(|| detail.join(". ")),
            });
        }
        for a in file
            .assessments
            .iter()
            .filter(|a| a.child_id == child && a.authorised_on.is_none())
        {
            open_episodes.push(OpenEpisode {
                kind: "assessment",
                label: "Child and family assessment".into(),
                since: a.start_date,
                detail: Some(format!("Due {}", chronology::uk_date(a.due_on))),
            });
        }
        for s in file
            .section47s
            .iter()
            .filter(|s| s.child_id == child && s.outcome_date.is_none())
        {
            open_episodes.push(OpenEpisode {
                kind: "section-47",
                label: "Section 47 enquiry".into(),
                since: s.start_date,
                detail: Some(format!(
                    "Initial child protection conference due {}",
                    chronology::uk_date(s.icpc_due_on)
                )),
            });
        }
        for p in file
            .plans
            .iter()
            .filter(|p| p.child_id == child && p.end_date.is_none())
        {
            open_episodes.push(OpenEpisode {
                kind: p.kind.code(),
                label: p.kind.label().into(),
                since: p.start_date,
                detail: match p.kind {
                    PlanKind::ChildProtection => p
                        .latest_category
                        .map(|c| format!("Category: {}", c.label())),
                    PlanKind::ChildInNeed => None,
                },
            });
        }
        for e in file
            .early_help_episodes
            .iter()
            .filter(|e| e.child_id == child && e.end_date.is_none())
        {
            open_episodes.push(OpenEpisode {
                kind: "early-help",
                label: "Early help".into(),
                since: e.start_date,
                detail: Some(format!(
                    "Lead: {} ({})",
                    e.lead_practitioner,
                    e.lead_agency.label()
                )),
            });
        }
        open_episodes.sort_by_key(|e| std::cmp::Reverse(e.since));
        let open_actions = file
            .actions
            .iter()
            .filter(|a| a.child_id == Some(child) && a.status == ActionStatus::Open)
            .count();
        Ok(ChildRecord {
            child: ChildSummary::of(person, today),
            other_names: person.other_names.clone(),
            gender_identity: person.gender_identity.clone(),
            ethnicity: person.ethnicity.map(|e| e.label().to_owned()),
            disabilities: person
                .disabilities
                .iter()
                .map(|d| d.label().to_owned())
                .collect(),
            upn_unknown: person.upn_unknown.map(|u| u.label().to_owned()),
            first_language: person.first_language.clone(),
            religion: person.religion.clone(),
            restricted: person.restricted,
            family,
            households,
            allocation,
            open_episodes,
            open_actions,
            chronology: chronology::chronology_as_of(child, file, now),
            census_problems: census_problems(file, child, today),
        })
    }

    /// Every event on the child's records, newest first; audited.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), child = %child))]
    pub async fn child_chronology(
        &self,
        actor: &Actor,
        child: PersonId,
    ) -> Result<Vec<ChronologyEntry>, ServiceError> {
        let file = self.case_file(actor, child).await?;
        // A person merged into another reads the record kept (the case file's first person).
        let child = file.people.first().map_or(child, |p| p.id);
        Ok(chronology::chronology_as_of(child, &file, self.now()))
    }

    /// When the record was last read (for pages that show "as at").
    pub fn as_at(&self) -> Timestamp {
        self.now()
    }
}

/// The census problems of a child's records for the year so far, errors first, each once.
fn census_problems(file: &RecordSet, child: PersonId, today: Date) -> Vec<CensusProblem> {
    let mut problems: Vec<CensusProblem> = crate::census::child_census_problems(file, child, today)
        .into_iter()
        .map(|f| CensusProblem {
            code: f.code,
            is_error: f.severity == domain::census::Severity::Error,
            message: f.message,
            field: domain::census::field_label(f.field),
        })
        .collect();
    problems.sort_by_key(|p| (!p.is_error, p.code));
    problems.dedup_by(|a, b| a.code == b.code && a.field == b.field);
    problems
}
