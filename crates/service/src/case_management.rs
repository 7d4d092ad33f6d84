//! Case management: supervision, extra-familial harm flags and the integrated gangs unit, early help
//! step-down and step-up, allocation and closure. Each change reads the child's case file through the audited
//! [`Services::case_for`] (403 for a role never granted the action, 404 for a child out of scope), finds the
//! record the path names (404), checks the input with the rules in `domain::case_management` (422, every
//! problem named, nothing saved) and saves in one transaction with [`Services::save_case`]. Supervision, about
//! several children at once, is saved by the store's own transaction that checks each child.

use domain::audit::Actor;
use domain::case_management::{
    self as cm, AllocationInput, CaseChanges, ClosureInput, EarlyHelpInput, EndEarlyHelpInput,
    EndInput, FlagInput, SpecialistInvolvementInput, StepUpInput, SupervisionInput,
};
use domain::clocks;
use domain::codes::{ChildFlagKind, ClosureReason, EarlyHelpEndReason};
use domain::datetime::{Date, Timestamp, london_date};
use domain::identifiers::LaCode;
use domain::ids::{
    AllocationId, ChildFlagId, EarlyHelpEpisodeId, PersonId, ReferralId, SpecialistInvolvementId,
    SupervisionId, TeamId, UserId,
};
use domain::policy::{Action, Area};
use domain::records::{Action as CaseAction, RecordSet, Team, User};
use domain::references::Purpose;
use serde::Serialize;
use store::Store;

use crate::casework::CaseContext;
use crate::children::{ChildSummary, answered};
use crate::{ServiceError, Services, authorize, case_record_check};

/// What a change answers: the new version of the child's records, and the record it created (if one).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Saved {
    pub id: Option<String>,
    pub version: i64,
}

/// One allocation of the child's case, with names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AllocationRow {
    pub id: AllocationId,
    pub worker_id: UserId,
    pub worker: String,
    pub team_id: Option<TeamId>,
    pub team: Option<String>,
    pub from: Date,
    pub to: Option<Date>,
}

/// An extra-familial harm flag.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FlagRow {
    pub id: ChildFlagId,
    pub kind: ChildFlagKind,
    pub label: &'static str,
    pub from: Date,
    pub to: Option<Date>,
    pub notes: Option<String>,
    pub open: bool,
}

/// A specialist unit's involvement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InvolvementRow {
    pub id: SpecialistInvolvementId,
    pub unit: String,
    pub worker_name: String,
    pub worker_id: Option<UserId>,
    pub from: Date,
    pub to: Option<Date>,
    pub open: bool,
}

/// An early help episode.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EarlyHelpRow {
    pub id: EarlyHelpEpisodeId,
    pub lead_practitioner: String,
    pub lead_agency: domain::codes::Agency,
    pub lead_agency_label: &'static str,
    pub reason: String,
    pub start_date: Date,
    pub end_date: Option<Date>,
    pub end_reason: Option<EarlyHelpEndReason>,
    pub end_reason_label: Option<&'static str>,
    pub next_steps: Option<String>,
    pub stepped_down_from: Option<ReferralId>,
    pub stepped_up_to: Option<ReferralId>,
    pub oversight_by: Option<UserId>,
    pub oversight_by_name: Option<String>,
    pub oversight_at: Option<Timestamp>,
    pub awaiting_oversight: bool,
    pub open: bool,
}

/// A CIN episode (a referral) and how it closed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EpisodeRow {
    pub id: ReferralId,
    pub referral_date: Date,
    pub source: domain::codes::ReferralSource,
    pub primary_need: Option<domain::codes::PrimaryNeed>,
    pub open: bool,
    pub closure_date: Option<Date>,
    pub closure_reason: Option<ClosureReason>,
    pub closure_reason_label: Option<&'static str>,
    /// Plans on the episode not yet ended (they stop it closing).
    pub open_plans: Vec<String>,
}

/// When the child's case was last discussed in supervision, and when it next should be.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SupervisionClock {
    pub last: Option<Date>,
    /// `supervision_every_wd` working days after the last supervision (or the allocation, before the first).
    pub next_due: Option<Date>,
    pub overdue: bool,
}

/// `GET /api/v1/children/{id}/case-management`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CaseManagementView {
    pub child: ChildSummary,
    pub version: i64,
    pub allocations: Vec<AllocationRow>,
    pub flags: Vec<FlagRow>,
    pub specialist_involvements: Vec<InvolvementRow>,
    pub early_help: Vec<EarlyHelpRow>,
    pub cin_episodes: Vec<EpisodeRow>,
    pub closures: Vec<EpisodeRow>,
    pub supervision: SupervisionClock,
}

/// A case discussed in supervision, with its actions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SupervisionCaseView {
    pub child_id: PersonId,
    pub child_name: String,
    pub discussion: String,
    pub direction: String,
    pub actions: Vec<CaseAction>,
    pub next_supervision_due: Date,
}

/// A supervision session as its participants read it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SupervisionView {
    pub id: SupervisionId,
    pub la: LaCode,
    pub supervisor_id: UserId,
    pub supervisor: String,
    pub supervisee_id: UserId,
    pub supervisee: String,
    pub held_on: Date,
    pub reflection: String,
    pub cases: Vec<SupervisionCaseView>,
    pub created_at: Timestamp,
}

/// A user to choose (a supervisee, a worker to allocate).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UserChoice {
    pub id: UserId,
    pub name: String,
    pub role: &'static str,
    pub team_id: Option<TeamId>,
}

fn name_of(users: &[User], id: UserId) -> String {
    users
        .iter()
        .find(|u| u.id == id)
        .map_or_else(|| "Unknown user".to_owned(), |u| u.display_name.clone())
}

fn saved(id: Option<String>, version: i64) -> Saved {
    Saved { id, version }
}

/// A record id from a path: one that does not parse is a record that does not exist.
fn path_id<T>(s: &str, parse: fn(&str) -> Result<T, domain::ValueError>) -> Option<T> {
    parse(s).ok()
}

impl<S: Store> Services<S> {
    async fn save_changes(
        &self,
        actor: &Actor,
        ctx: &CaseContext,
        changes: CaseChanges,
        action: Action,
    ) -> Result<i64, ServiceError> {
        self.save_case(actor, ctx, changes.created, changes.updated, action)
            .await
    }

    // --- reads ------------------------------------------------------------------------------------------

    /// The child's allocation history, flags, specialist involvements, early help, CIN episodes and closures,
    /// and the supervision clock (an audited read).
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), child = %child))]
    pub async fn case_management(
        &self,
        actor: &Actor,
        child: PersonId,
    ) -> Result<CaseManagementView, ServiceError> {
        let ctx = self.case_for(actor, child, Action::View).await?;
        let f = &ctx.file;
        let mut user_ids: Vec<UserId> = f.allocations.iter().map(|a| a.worker_id).collect();
        user_ids.extend(f.early_help_episodes.iter().filter_map(|e| e.oversight_by));
        let team_ids: Vec<TeamId> = f.allocations.iter().filter_map(|a| a.team_id).collect();
        let (users, teams) = self.store.directory(user_ids, team_ids).await?;
        let mut allocations: Vec<AllocationRow> = f
            .allocations
            .iter()
            .filter(|a| a.child_id == child)
            .map(|a| AllocationRow {
                id: a.id,
                worker_id: a.worker_id,
                worker: name_of(&users, a.worker_id),
                team_id: a.team_id,
                team: a
                    .team_id
                    .and_then(|t| teams.iter().find(|x| x.id == t))
                    .map(|t| t.name.clone()),
                from: a.from,
                to: a.to,
            })
            .collect();
        allocations.sort_by_key(|a| std::cmp::Reverse((a.to.is_none(), a.from)));
        let mut flags: Vec<FlagRow> = f
            .child_flags
            .iter()
            .map(|x| FlagRow {
                id: x.id,
                kind: x.kind,
                label: x.kind.label(),
                from: x.from,
                to: x.to,
                notes: x.notes.clone(),
                open: x.to.is_none(),
            })
            .collect();
        flags.sort_by_key(|a| std::cmp::Reverse((a.open, a.from)));
        let mut specialist_involvements: Vec<InvolvementRow> = f
            .specialist_involvements
            .iter()
            .map(|s| InvolvementRow {
                id: s.id,
                unit: s.unit.clone(),
                worker_name: s.worker_name.clone(),
                worker_id: s.worker_id,
                from: s.from,
                to: s.to,
                open: s.to.is_none(),
            })
            .collect();
        specialist_involvements.sort_by_key(|a| std::cmp::Reverse((a.open, a.from)));
        let mut early_help: Vec<EarlyHelpRow> = f
            .early_help_episodes
            .iter()
            .map(|e| EarlyHelpRow {
                id: e.id,
                lead_practitioner: e.lead_practitioner.clone(),
                lead_agency: e.lead_agency,
                lead_agency_label: e.lead_agency.label(),
                reason: e.reason.clone(),
                start_date: e.start_date,
                end_date: e.end_date,
                end_reason: e.end_reason,
                end_reason_label: e.end_reason.map(EarlyHelpEndReason::label),
                next_steps: e.next_steps.clone(),
                stepped_down_from: e.stepped_down_from,
                stepped_up_to: e.stepped_up_to,
                oversight_by: e.oversight_by,
                oversight_by_name: e.oversight_by.map(|u| name_of(&users, u)),
                oversight_at: e.oversight_at,
                awaiting_oversight: e.oversight_at.is_none(),
                open: e.end_date.is_none(),
            })
            .collect();
        early_help.sort_by_key(|a| std::cmp::Reverse(a.start_date));
        let mut cin_episodes: Vec<EpisodeRow> = f
            .referrals
            .iter()
            .filter(|r| r.child_id == child)
            .map(|r| EpisodeRow {
                id: r.id,
                referral_date: r.referral_date,
                source: r.source,
                primary_need: r.primary_need,
                open: r.closure.is_none(),
                closure_date: r.closure.as_ref().map(|c| c.date),
                closure_reason: r.closure.as_ref().map(|c| c.reason),
                closure_reason_label: r.closure.as_ref().map(|c| c.reason.label()),
                open_plans: f
                    .plans
                    .iter()
                    .filter(|p| p.referral_id == r.id && p.end_date.is_none())
                    .map(|p| {
                        format!(
                            "{} (started {})",
                            p.kind.label(),
                            domain::chronology::uk_date(p.start_date)
                        )
                    })
                    .collect(),
            })
            .collect();
        cin_episodes.sort_by_key(|a| std::cmp::Reverse(a.referral_date));
        let closures = cin_episodes.iter().filter(|e| !e.open).cloned().collect();
        let supervision = self.supervision_clock(&ctx);
        Ok(CaseManagementView {
            child: ChildSummary::of(&ctx.child, ctx.today),
            version: ctx.version,
            allocations,
            flags,
            specialist_involvements,
            early_help,
            cin_episodes,
            closures,
            supervision,
        })
    }

    fn supervision_clock(&self, ctx: &CaseContext) -> SupervisionClock {
        let last = ctx.file.supervisions.iter().map(|s| s.held_on).max();
        let allocated = ctx
            .file
            .allocations
            .iter()
            .filter(|a| a.child_id == ctx.child.id && a.to.is_none())
            .map(|a| a.from)
            .max();
        let every = ctx.la.settings.clocks.supervision_every_wd;
        let next_due = match (last, allocated) {
            (Some(l), Some(a)) => Some(l.max(a)),
            (Some(l), None) => Some(l),
            (None, a) => a,
        }
        .filter(|_| allocated.is_some())
        .map(|from| clocks::supervision_due(&ctx.calendar, from, every));
        SupervisionClock {
            last,
            next_due,
            overdue: next_due.is_some_and(|d| d < ctx.today),
        }
    }

    /// The workers of an LA who may hold cases, and its teams (for the allocation form).
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id()))]
    pub async fn allocation_choices(
        &self,
        actor: &Actor,
        la: &LaCode,
    ) -> Result<(Vec<UserChoice>, Vec<Team>), ServiceError> {
        authorize(actor, Area::CaseRecords, Action::View)?;
        let users = self.store.users_of_la(la.clone()).await?;
        let team_ids: Vec<TeamId> = users.iter().filter_map(|u| u.team_id).collect();
        let (_, mut teams) = self.store.directory(Vec::new(), team_ids).await?;
        // A worker may serve several LAs (a shared MASH, an emergency duty team) from a team of another LA: a
        // case is held by a team of its own LA, and another LA's teams are not this LA's to see.
        teams.retain(|t| &t.la == la);
        teams.sort_by(|a, b| a.name.cmp(&b.name));
        teams.dedup_by_key(|t| t.id);
        Ok((
            users
                .into_iter()
                .filter(|u| cm::is_case_holding(u.role))
                .map(|u| UserChoice {
                    id: u.id,
                    name: u.display_name,
                    role: u.role.label(),
                    team_id: u.team_id,
                })
                .collect(),
            teams,
        ))
    }

    // --- supervision ------------------------------------------------------------------------------------

    /// The workers the caller may record supervision of: the users of the caller's LAs whom
    /// [`Purpose::Supervisee`] allows, the caller aside.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id()))]
    pub async fn supervisees(&self, actor: &Actor) -> Result<Vec<UserChoice>, ServiceError> {
        authorize(actor, Area::CaseRecords, Action::Create)?;
        let mut out: Vec<UserChoice> = Vec::new();
        for la in &actor.las {
            for u in self.store.users_of_la(la.clone()).await? {
                if Some(u.id) != actor.user_id
                    && Purpose::Supervisee.allows(u.role, u.agency)
                    && !out.iter().any(|c| c.id == u.id)
                {
                    out.push(UserChoice {
                        id: u.id,
                        name: u.display_name,
                        role: u.role.label(),
                        team_id: u.team_id,
                    });
                }
            }
        }
        Ok(out)
    }

    /// Record a supervision session held by the caller: every child discussed must be one the caller may
    /// update (404 otherwise, nothing saved); the session, its cases and actions are saved together.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id()))]
    pub async fn record_supervision(
        &self,
        actor: &Actor,
        input: &SupervisionInput,
    ) -> Result<SupervisionId, ServiceError> {
        authorize(actor, Area::CaseRecords, Action::Create)?;
        let supervisor = actor.user_id.ok_or(ServiceError::Forbidden)?;
        let now = self.now();
        let today = london_date(now);
        let users = match input
            .supervisee
            .as_deref()
            .and_then(|s| UserId::parse(s).ok())
        {
            Some(id) => self.store.directory(vec![id], Vec::new()).await?.0,
            None => Vec::new(),
        };
        let child_las = self
            .updatable_child_las(actor, cm::supervision_children(input))
            .await?;
        let (supervision, actions) = cm::supervision(
            input, supervisor, &actor.las, &child_las, &users, now, today,
        )?;
        let id = supervision.id;
        let a = actor.clone();
        let v = self
            .store
            .save_supervision(
                actor,
                supervision,
                actions,
                Box::new(move || case_record_check(&a, Action::Update)),
                self.now(),
            )
            .await?;
        answered(actor, Area::CaseRecords, Action::Update, v)?;
        Ok(id)
    }

    /// The supervisions the caller took part in, newest first, with the cases (and actions) of children the
    /// caller may see, and when each case's next supervision is due.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id()))]
    pub async fn supervisions(&self, actor: &Actor) -> Result<Vec<SupervisionView>, ServiceError> {
        authorize(actor, Area::CaseRecords, Action::View)?;
        let Some(me) = actor.user_id else {
            return Ok(Vec::new());
        };
        let a = actor.clone();
        let set: RecordSet = self
            .store
            .supervisions_of(
                actor,
                me,
                Box::new(move || case_record_check(&a, Action::View)),
                self.now(),
            )
            .await?;
        let mut ids: Vec<UserId> = set
            .supervisions
            .iter()
            .flat_map(|s| [s.supervisor_id, s.supervisee_id])
            .collect();
        ids.sort();
        ids.dedup();
        let (users, _) = self.store.directory(ids, Vec::new()).await?;
        let mut out = Vec::new();
        for s in &set.supervisions {
            let la = self.local_authority(&s.la).await?;
            let cal = self.calendar(&la.settings);
            let every = la.settings.clocks.supervision_every_wd;
            let cases = s
                .cases
                .iter()
                .map(|c| SupervisionCaseView {
                    child_id: c.child_id,
                    child_name: set
                        .people
                        .iter()
                        .find(|p| p.id == c.child_id)
                        .map(domain::records::Person::full_name)
                        .unwrap_or_default(),
                    discussion: c.discussion.clone(),
                    direction: c.direction.clone(),
                    actions: set
                        .actions
                        .iter()
                        .filter(|x| {
                            x.child_id == Some(c.child_id)
                                && x.parent == domain::records::ActionParent::Supervision(s.id)
                        })
                        .cloned()
                        .collect(),
                    next_supervision_due: clocks::supervision_due(&cal, s.held_on, every),
                })
                .collect();
            out.push(SupervisionView {
                id: s.id,
                la: s.la.clone(),
                supervisor_id: s.supervisor_id,
                supervisor: name_of(&users, s.supervisor_id),
                supervisee_id: s.supervisee_id,
                supervisee: name_of(&users, s.supervisee_id),
                held_on: s.held_on,
                reflection: s.reflection.clone(),
                cases,
                created_at: s.created_at,
            });
        }
        Ok(out)
    }

    // --- flags and the gangs unit -------------------------------------------------------------------------

    /// Raise an extra-familial harm flag (one open flag of each kind).
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), child = %child))]
    pub async fn raise_flag(
        &self,
        actor: &Actor,
        child: PersonId,
        input: &FlagInput,
        version: Option<i64>,
    ) -> Result<Saved, ServiceError> {
        let ctx = self
            .change_for(actor, child, Action::Create, version)
            .await?;
        let flag = cm::raise_flag(input, &ctx.child, &ctx.file, ctx.today)?;
        let id = flag.id.to_string();
        let changes = CaseChanges {
            created: RecordSet {
                child_flags: vec![flag],
                ..RecordSet::default()
            },
            updated: RecordSet::default(),
        };
        let v = self
            .save_changes(actor, &ctx, changes, Action::Create)
            .await?;
        Ok(saved(Some(id), v))
    }

    /// End a flag.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), child = %child))]
    pub async fn end_flag(
        &self,
        actor: &Actor,
        child: PersonId,
        flag: &str,
        input: &EndInput,
        version: Option<i64>,
    ) -> Result<Saved, ServiceError> {
        let ctx = self
            .change_for(actor, child, Action::Update, version)
            .await?;
        let id = path_id(flag, ChildFlagId::parse);
        let found = ctx
            .file
            .child_flags
            .iter()
            .find(|f| Some(f.id) == id)
            .ok_or(ServiceError::NotFound)?;
        let to = cm::end_date(input, found.from, found.to, ctx.today)?;
        let mut ended = found.clone();
        ended.to = Some(to);
        let changes = CaseChanges {
            created: RecordSet::default(),
            updated: RecordSet {
                child_flags: vec![ended],
                ..RecordSet::default()
            },
        };
        let v = self
            .save_changes(actor, &ctx, changes, Action::Update)
            .await?;
        Ok(saved(None, v))
    }

    /// Record a specialist unit's involvement (the integrated gangs unit unless named).
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), child = %child))]
    pub async fn add_specialist_involvement(
        &self,
        actor: &Actor,
        child: PersonId,
        input: &SpecialistInvolvementInput,
        version: Option<i64>,
    ) -> Result<Saved, ServiceError> {
        let ctx = self
            .change_for(actor, child, Action::Create, version)
            .await?;
        let users = match cm::involvement_worker(input) {
            Some(id) => self.store.directory(vec![id], Vec::new()).await?.0,
            None => Vec::new(),
        };
        let inv = cm::specialist_involvement(input, &ctx.child, &users, ctx.today)?;
        let id = inv.id.to_string();
        let changes = CaseChanges {
            created: RecordSet {
                specialist_involvements: vec![inv],
                ..RecordSet::default()
            },
            updated: RecordSet::default(),
        };
        let v = self
            .save_changes(actor, &ctx, changes, Action::Create)
            .await?;
        Ok(saved(Some(id), v))
    }

    /// End a specialist unit's involvement.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), child = %child))]
    pub async fn end_specialist_involvement(
        &self,
        actor: &Actor,
        child: PersonId,
        involvement: &str,
        input: &EndInput,
        version: Option<i64>,
    ) -> Result<Saved, ServiceError> {
        let ctx = self
            .change_for(actor, child, Action::Update, version)
            .await?;
        let id = path_id(involvement, SpecialistInvolvementId::parse);
        let found = ctx
            .file
            .specialist_involvements
            .iter()
            .find(|s| Some(s.id) == id)
            .ok_or(ServiceError::NotFound)?;
        let to = cm::end_date(input, found.from, found.to, ctx.today)?;
        let mut ended = found.clone();
        ended.to = Some(to);
        let changes = CaseChanges {
            created: RecordSet::default(),
            updated: RecordSet {
                specialist_involvements: vec![ended],
                ..RecordSet::default()
            },
        };
        let v = self
            .save_changes(actor, &ctx, changes, Action::Update)
            .await?;
        Ok(saved(None, v))
    }

    // --- early help -------------------------------------------------------------------------------------

    /// Start an early help episode, perhaps stepped down from a CIN case (closing it with RC9 if asked).
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), child = %child))]
    pub async fn step_down(
        &self,
        actor: &Actor,
        child: PersonId,
        input: &EarlyHelpInput,
        version: Option<i64>,
    ) -> Result<Saved, ServiceError> {
        let ctx = self
            .change_for(actor, child, Action::Create, version)
            .await?;
        let role = actor.role.ok_or(ServiceError::Unauthenticated)?;
        let changes = cm::step_down(
            input,
            &ctx.child,
            &ctx.file,
            actor.user_id,
            role,
            ctx.now,
            ctx.today,
        )?;
        let id = changes
            .created
            .early_help_episodes
            .first()
            .map(|e| e.id.to_string());
        let v = self
            .save_changes(actor, &ctx, changes, Action::Create)
            .await?;
        Ok(saved(id, v))
    }

    fn episode<'a>(
        ctx: &'a CaseContext,
        episode: &str,
    ) -> Result<&'a domain::records::EarlyHelpEpisode, ServiceError> {
        let id = path_id(episode, EarlyHelpEpisodeId::parse);
        ctx.file
            .early_help_episodes
            .iter()
            .find(|e| Some(e.id) == id)
            .ok_or(ServiceError::NotFound)
    }

    /// A manager's oversight of an early help episode.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), child = %child))]
    pub async fn oversee_early_help(
        &self,
        actor: &Actor,
        child: PersonId,
        episode: &str,
        version: Option<i64>,
    ) -> Result<Saved, ServiceError> {
        let ctx = self
            .change_for(actor, child, Action::Approve, version)
            .await?;
        let found = Self::episode(&ctx, episode)?;
        let by = actor.user_id.ok_or(ServiceError::Forbidden)?;
        let overseen = cm::oversee_early_help(found, by, ctx.now)?;
        let changes = CaseChanges {
            created: RecordSet::default(),
            updated: RecordSet {
                early_help_episodes: vec![overseen],
                ..RecordSet::default()
            },
        };
        let v = self
            .save_changes(actor, &ctx, changes, Action::Approve)
            .await?;
        Ok(saved(None, v))
    }

    /// Step an early help episode up to a referral, carrying its history in a case note.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), child = %child))]
    pub async fn step_up(
        &self,
        actor: &Actor,
        child: PersonId,
        episode: &str,
        input: &StepUpInput,
        version: Option<i64>,
    ) -> Result<Saved, ServiceError> {
        let ctx = self
            .change_for(actor, child, Action::Create, version)
            .await?;
        let found = Self::episode(&ctx, episode)?;
        let changes = cm::step_up(
            input,
            found,
            &ctx.child,
            &ctx.file,
            actor.user_id,
            ctx.now,
            ctx.today,
        )?;
        let id = changes.created.referrals.first().map(|r| r.id.to_string());
        let v = self
            .save_changes(actor, &ctx, changes, Action::Create)
            .await?;
        Ok(saved(id, v))
    }

    /// End an early help episode (needs met, declined, moved, other).
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), child = %child))]
    pub async fn end_early_help(
        &self,
        actor: &Actor,
        child: PersonId,
        episode: &str,
        input: &EndEarlyHelpInput,
        version: Option<i64>,
    ) -> Result<Saved, ServiceError> {
        let ctx = self
            .change_for(actor, child, Action::Update, version)
            .await?;
        let found = Self::episode(&ctx, episode)?;
        let ended = cm::end_early_help(input, found, ctx.today)?;
        let changes = CaseChanges {
            created: RecordSet::default(),
            updated: RecordSet {
                early_help_episodes: vec![ended],
                ..RecordSet::default()
            },
        };
        let v = self
            .save_changes(actor, &ctx, changes, Action::Update)
            .await?;
        Ok(saved(None, v))
    }

    // --- allocation and closure ---------------------------------------------------------------------------

    /// Allocate the child's case to a worker, ending the current allocation.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), child = %child))]
    pub async fn allocate(
        &self,
        actor: &Actor,
        child: PersonId,
        input: &AllocationInput,
        version: Option<i64>,
    ) -> Result<Saved, ServiceError> {
        let ctx = self
            .change_for(actor, child, Action::Update, version)
            .await?;
        let (worker, team) = cm::allocation_refs(input);
        let (users, teams) = self
            .store
            .directory(worker.into_iter().collect(), team.into_iter().collect())
            .await?;
        let changes = cm::allocate(input, &ctx.child, &ctx.file, &users, &teams, ctx.today)?;
        let id = changes
            .created
            .allocations
            .first()
            .map(|a| a.id.to_string());
        let v = self
            .save_changes(actor, &ctx, changes, Action::Update)
            .await?;
        Ok(saved(id, v))
    }

    /// Close a CIN episode with its DfE reason: refused while a plan or a section 47 enquiry is open; the open
    /// allocation ends on the closure date.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), child = %child))]
    pub async fn close_case(
        &self,
        actor: &Actor,
        child: PersonId,
        input: &ClosureInput,
        version: Option<i64>,
    ) -> Result<Saved, ServiceError> {
        let ctx = self
            .change_for(actor, child, Action::Update, version)
            .await?;
        let changes = cm::close_episode(input, &ctx.child, &ctx.file, ctx.today)?;
        let id = changes.updated.referrals.first().map(|r| r.id.to_string());
        let v = self
            .save_changes(actor, &ctx, changes, Action::Update)
            .await?;
        Ok(saved(id, v))
    }
}
