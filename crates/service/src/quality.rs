//! Quality assurance: case-file audits (recorded by an auditor of the child's LA after an audited read of the case
//! file, saved as a change to the child's records with its actions, so that they are carried to completion like
//! every other action), moderation by a second auditor, the worker's reflection, random samples of cases to
//! audit, practice weeks with practice observations, and each practice week's report compared with the previous
//! one of the same scope. The rules are `domain::quality`.

use domain::ValueErrors;
use domain::audit::Actor;
use domain::codes::AuditGrade;
use domain::datetime::{Date, Timestamp, london_date};
use domain::identifiers::LaCode;
use domain::ids::{CaseFileAuditId, PersonId, PracticeWeekId, TeamId, UserId};
use domain::policy::{self, Action, Area, Decision, Subject, Target};
use domain::quality::{
    self as qa, AuditInput, Measure, ModerationInput, ObservationInput, PracticeWeekInput,
    ReflectionInput, WeekFigures,
};
use domain::records::{
    Action as CaseAction, ActionParent, CaseFileAudit, Person, PracticeObservation, PracticeWeek,
    RecordSet, User,
};
use domain::references::{Purpose, UserRef, check_user};
use domain::validation::present;
use serde::Serialize;
use store::{AccessCheck, CaseChange, QualityQuery, QualityRecords, Store};

use crate::case_management::Saved;
use crate::children::{ChildSummary, answered};
use crate::{ServiceError, Services, authorize, subject};

/// The check a change to an audit makes on the child's record inside its transaction: the role's grant in
/// quality assurance, the child's LA and any restriction.
fn quality_check(actor: &Actor, action: Action) -> AccessCheck {
    let role = actor.role;
    let las = actor.las.clone();
    let agency = actor.agency;
    let user_id = actor.user_id;
    Box::new(move |facts: &store::AccessFacts| match role {
        None => Decision::Forbidden,
        Some(role) => policy::decide(
            &Subject {
                role,
                las: &las,
                agency,
                user_id,
            },
            action,
            &Target {
                area: Area::QualityAssurance,
                la: Some(&facts.la),
                restricted_to: facts.restricted_to.as_deref(),
                agency: None,
            },
        ),
    })
}

/// A rating of one area of practice, as pages and the API show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RatingView {
    pub area: &'static str,
    pub label: &'static str,
    pub grade: Option<AuditGrade>,
    pub grade_label: Option<&'static str>,
    pub comment: Option<String>,
}

/// An audit's action with its progress.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AuditActionView {
    pub id: domain::ids::ActionId,
    pub description: String,
    pub owner: String,
    pub owner_user_id: Option<UserId>,
    pub due_on: Date,
    pub status: domain::codes::ActionStatus,
    pub overdue: bool,
    pub completed_on: Option<Date>,
}

/// A case-file audit, as pages and the API show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AuditView {
    pub id: CaseFileAuditId,
    pub la: LaCode,
    pub child_id: PersonId,
    pub child_name: String,
    pub auditor_id: Option<UserId>,
    pub auditor: String,
    pub audited_on: Date,
    pub grade: AuditGrade,
    pub grade_label: &'static str,
    /// The grade it stands at: the moderator's where the moderation did not agree.
    pub final_grade: AuditGrade,
    pub final_grade_label: &'static str,
    pub lived_experience: String,
    pub lived_experience_evidenced: Option<bool>,
    pub impact: String,
    pub impact_evidenced: Option<bool>,
    pub strengths: Option<String>,
    pub improve: Option<String>,
    pub ratings: Vec<RatingView>,
    pub themes: Vec<String>,
    pub worker_reflection: Option<String>,
    pub practice_week_id: Option<PracticeWeekId>,
    pub practice_week: Option<String>,
    pub moderation: Option<ModerationView>,
    pub actions: Vec<AuditActionView>,
    /// The version of the child's records this was read with (for a moderation's or reflection's `If-Match`).
    pub version: Option<i64>,
}

/// An audit's moderation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ModerationView {
    pub moderator_id: Option<UserId>,
    pub moderator: String,
    pub agree: bool,
    pub grade: Option<AuditGrade>,
    pub grade_label: Option<&'static str>,
    pub reason: Option<String>,
    pub at: Option<Timestamp>,
}

fn name_of(users: &[User], id: Option<UserId>) -> String {
    id.and_then(|id| users.iter().find(|u| u.id == id))
        .map_or_else(|| "Unknown user".to_owned(), |u| u.display_name.clone())
}

fn audit_view(
    a: &CaseFileAudit,
    child: Option<&Person>,
    actions: &[CaseAction],
    users: &[User],
    weeks: &[PracticeWeek],
    today: Date,
    version: Option<i64>,
) -> AuditView {
    let d = &a.detail;
    let rating =
        |area: &'static str, label: &'static str, r: &domain::records::Rating| RatingView {
            area,
            label,
            grade: r.grade,
            grade_label: r.grade.map(AuditGrade::label),
            comment: r.comment.clone(),
        };
    let final_grade = qa::final_grade(a);
    AuditView {
        id: a.id,
        la: a.la.clone(),
        child_id: a.child_id,
        child_name: child.map_or_else(|| "Unknown child".to_owned(), Person::full_name),
        auditor_id: a.auditor_id,
        auditor: name_of(users, a.auditor_id),
        audited_on: a.audited_on,
        grade: a.grade,
        grade_label: a.grade.label(),
        final_grade,
        final_grade_label: final_grade.label(),
        lived_experience: a.lived_experience.clone(),
        lived_experience_evidenced: d.lived_experience_evidenced,
        impact: a.impact_of_practice.clone(),
        impact_evidenced: d.impact_evidenced,
        strengths: a.strengths.clone(),
        improve: a.areas_for_development.clone(),
        ratings: vec![
            rating("assessment", "Quality of assessment", &d.assessment),
            rating("planning", "Quality of planning", &d.planning),
            rating("oversight", "Management oversight", &d.oversight),
            rating("supervision", "Supervision", &d.supervision),
        ],
        themes: d.themes.clone(),
        worker_reflection: d.worker_reflection.clone(),
        practice_week_id: a.practice_week_id,
        practice_week: a
            .practice_week_id
            .and_then(|id| weeks.iter().find(|w| w.id == id))
            .map(|w| w.title.clone()),
        moderation: d
            .moderation_agreed
            .or(a.moderated_by.map(|_| true))
            .map(|agree| ModerationView {
                moderator_id: a.moderated_by,
                moderator: name_of(users, a.moderated_by),
                agree,
                grade: a.moderated_grade,
                grade_label: a.moderated_grade.map(AuditGrade::label),
                reason: d.moderation_reason.clone(),
                at: d.moderated_at,
            }),
        actions: actions
            .iter()
            .filter(|x| x.parent == ActionParent::CaseFileAudit(a.id))
            .map(|x| AuditActionView {
                id: x.id,
                description: x.description.clone(),
                owner: x.owner.clone(),
                owner_user_id: x.owner_user_id,
                due_on: x.due_on,
                status: x.status,
                overdue: domain::planning::action_overdue(x, today),
                completed_on: x.completed_on,
            })
            .collect(),
        version,
    }
}

/// A sample of cases to audit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SampleView {
    pub la: LaCode,
    pub team_id: Option<TeamId>,
    pub size: usize,
    /// Draw again with this seed for the same sample (while the cases open and closed are the same).
    pub seed: u64,
    pub children: Vec<ChildSummary>,
}

/// A practice week, as lists show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PracticeWeekView {
    pub id: PracticeWeekId,
    pub la: LaCode,
    pub title: String,
    pub theme: String,
    pub starts_on: Date,
    pub ends_on: Date,
    pub las: Vec<LaCode>,
    pub teams: Vec<(TeamId, String)>,
    pub created_by: Option<String>,
}

/// A practice observation, as the report shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ObservationView {
    pub id: domain::ids::PracticeObservationId,
    pub observer: String,
    pub observed_id: UserId,
    pub observed: String,
    pub observed_on: Date,
    pub what: String,
    pub grade: AuditGrade,
    pub grade_label: &'static str,
    pub strengths: Option<String>,
    pub development: Option<String>,
}

/// A count beside the previous week's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CountRow {
    pub id: String,
    pub label: String,
    pub count: i64,
    pub previous: Option<i64>,
}

/// A practice week's report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PracticeWeekReport {
    pub practice_week: PracticeWeekView,
    pub previous: Option<PracticeWeekView>,
    pub measures: Vec<Measure>,
    pub grades: Vec<CountRow>,
    pub themes: Vec<CountRow>,
    pub figures: WeekFigures,
    pub audits: Vec<AuditView>,
    pub observations: Vec<ObservationView>,
}

/// The practice weeks and what a page needs to choose among them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct QualityOverview {
    pub audits: Vec<AuditView>,
    pub practice_weeks: Vec<PracticeWeekView>,
    /// The teams of the user's LAs: (id, LA, name).
    pub teams: Vec<(TeamId, LaCode, String)>,
    pub las: Vec<LaCode>,
}

fn week_view(w: &PracticeWeek, q: &QualityRecords) -> PracticeWeekView {
    PracticeWeekView {
        id: w.id,
        la: w.la.clone(),
        title: w.title.clone(),
        theme: w.theme.clone(),
        starts_on: w.starts_on,
        ends_on: w.ends_on,
        las: if w.scope.las.is_empty() {
            vec![w.la.clone()]
        } else {
            w.scope.las.clone()
        },
        teams: w
            .scope
            .teams
            .iter()
            .map(|t| {
                (
                    *t,
                    q.teams
                        .iter()
                        .find(|x| x.id == *t)
                        .map_or_else(|| "Unknown team".to_owned(), |x| x.name.clone()),
                )
            })
            .collect(),
        created_by: w.scope.created_by.map(|u| name_of(&q.users, Some(u))),
    }
}

/// Parse an id sent in a body: malformed or unknown are the same problem.
fn body_id<T>(
    field: &'static str,
    v: Option<&str>,
    parse: fn(&str) -> Result<T, domain::ValueError>,
    problem: &'static str,
) -> Result<T, ServiceError> {
    present(v)
        .and_then(|s| parse(s).ok())
        .ok_or_else(|| ServiceError::invalid(field, problem))
}

impl<S: Store> Services<S> {
    fn quality_query(actor: &Actor, las: Vec<LaCode>) -> QualityQuery {
        QualityQuery {
            las,
            user_id: actor.user_id,
            limit: 500,
            ..QualityQuery::default()
        }
    }

    /// The LAs asked for: the user's own, or one of them (another LA is answered as one that does not exist).
    fn las_asked(actor: &Actor, la: Option<&str>) -> Result<Vec<LaCode>, ServiceError> {
        match present(la) {
            None => Ok(actor.las.clone()),
            Some(code) => match LaCode::parse(code) {
                Ok(la) if actor.las.contains(&la) => Ok(vec![la]),
                _ => Err(ServiceError::NotFound),
            },
        }
    }

    /// Audits and practice weeks in the user's LAs (or one of them), newest first; audited as a search.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id()))]
    pub async fn quality_overview(
        &self,
        actor: &Actor,
        la: Option<&str>,
        practice_week: Option<&str>,
    ) -> Result<QualityOverview, ServiceError> {
        authorize(actor, Area::QualityAssurance, Action::Search)?;
        let las = Self::las_asked(actor, la)?;
        let mut query = Self::quality_query(actor, las.clone());
        if let Some(w) = present(practice_week) {
            query.practice_weeks =
                vec![PracticeWeekId::parse(w).map_err(|_| ServiceError::NotFound)?];
        }
        let q = self.store.quality_records(actor, query, self.now()).await?;
        if !q.practice_weeks.is_empty()
            && let Some(w) = present(practice_week)
            && !q.practice_weeks.iter().any(|x| x.id.to_string() == w)
        {
            return Err(ServiceError::NotFound);
        }
        let today = london_date(self.now());
        let audits = q
            .audits
            .iter()
            .map(|a| {
                let child = q.children.iter().find(|p| p.id == a.child_id);
                audit_view(
                    a,
                    child,
                    &q.actions,
                    &q.users,
                    &q.practice_weeks,
                    today,
                    None,
                )
            })
            .collect();
        let practice_weeks = q.practice_weeks.iter().map(|w| week_view(w, &q)).collect();
        Ok(QualityOverview {
            audits,
            practice_weeks,
            teams: q
                .teams
                .iter()
                .map(|t| (t.id, t.la.clone(), t.name.clone()))
                .collect(),
            las,
        })
    }

    /// A random sample of `size` children of `la` (or of one of its teams) with a case open or closed in the
    /// last [`qa::RECENTLY_CLOSED_DAYS`] days; the same user asking the same on the same day gets the same
    /// sample (or give `seed`). Audited as a search.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id()))]
    pub async fn audit_sample(
        &self,
        actor: &Actor,
        la: Option<&str>,
        team: Option<&str>,
        size: Option<&str>,
        seed: Option<&str>,
    ) -> Result<SampleView, ServiceError> {
        authorize(actor, Area::QualityAssurance, Action::Create)?;
        let la = match present(la) {
            None => return Err(ServiceError::invalid("la", "Choose a local authority")),
            Some(code) => match LaCode::parse(code) {
                Ok(la) if actor.las.contains(&la) => la,
                _ => return Err(ServiceError::NotFound),
            },
        };
        let size: usize = match present(size).map(str::parse::<usize>) {
            Some(Ok(n)) if (1..=qa::MAX_SAMPLE).contains(&n) => n,
            _ => {
                return Err(ServiceError::invalid(
                    "size",
                    format!("Enter how many cases to sample: 1 to {}", qa::MAX_SAMPLE),
                ));
            }
        };
        let team_id = match present(team) {
            None => None,
            Some(t) => {
                let id = TeamId::parse(t).ok();
                let found = match id {
                    Some(id) => self.store.directory(Vec::new(), vec![id]).await?.1,
                    None => Vec::new(),
                };
                match found.into_iter().find(|x| Some(x.id) == id && x.la == la) {
                    Some(t) => Some(t.id),
                    None => {
                        return Err(ServiceError::invalid(
                            "team",
                            "Choose a team of the local authority",
                        ));
                    }
                }
            }
        };
        let now = self.now();
        let today = london_date(now);
        let seed = match present(seed) {
            Some(s) => s
                .parse::<u64>()
                .map_err(|_| ServiceError::invalid("seed", "Enter the seed as a whole number"))?,
            None => qa::sample_seed(&[
                &actor.user_id.map(|u| u.to_string()).unwrap_or_default(),
                la.as_ref(),
                &team_id.map(|t| t.to_string()).unwrap_or_default(),
                &size.to_string(),
                &today.to_string(),
            ]),
        };
        let closed_since = today
            .checked_sub(jiff::Span::new().days(qa::RECENTLY_CLOSED_DAYS))
            .unwrap_or(today);
        let people = self
            .store
            .audit_sample(
                actor,
                la.clone(),
                team_id,
                closed_since,
                Box::new(move |ids| qa::draw_sample(ids, seed, size)),
                now,
            )
            .await?;
        Ok(SampleView {
            la,
            team_id,
            size,
            seed,
            children: people.iter().map(|p| ChildSummary::of(p, today)).collect(),
        })
    }

    /// Record a case-file audit of a child of the auditor's LAs: the case file is read first (audited), the
    /// audit and its actions saved as one change to the child's records, or refused with every problem named
    /// and nothing saved.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id()))]
    pub async fn record_audit(
        &self,
        actor: &Actor,
        input: &AuditInput,
        version: Option<i64>,
    ) -> Result<Saved, ServiceError> {
        authorize(actor, Area::QualityAssurance, Action::Create)?;
        let child = body_id(
            "child_id",
            input.child_id.as_deref(),
            PersonId::parse,
            "Choose a child of your local authorities",
        )?;
        let ctx = match self.case_for(actor, child, Action::View).await {
            Ok(ctx) => ctx,
            Err(ServiceError::NotFound) => {
                return Err(ServiceError::invalid(
                    "child_id",
                    "Choose a child of your local authorities",
                ));
            }
            Err(e) => return Err(e),
        };
        if version.is_some_and(|v| v != ctx.version) {
            return Err(ServiceError::Stale);
        }
        let week = match present(input.practice_week_id.as_deref()) {
            None => None,
            Some(w) => {
                let q = self
                    .store
                    .quality_records(
                        actor,
                        QualityQuery {
                            las: vec![ctx.child.la.clone()],
                            user_id: actor.user_id,
                            limit: 1,
                            ..QualityQuery::default()
                        },
                        ctx.now,
                    )
                    .await?;
                q.practice_weeks
                    .into_iter()
                    .find(|x| x.id.to_string() == w.to_lowercase())
            }
        };
        // Owners named by user id: each a practitioner or manager of the child's LA.
        let mut owner_errors = ValueErrors::new();
        let refs: Vec<(usize, UserRef<'_>)> = input
            .actions
            .iter()
            .enumerate()
            .filter(|(_, a)| !a.is_blank())
            .filter_map(|(i, a)| {
                let v = present(a.owner.as_deref())?;
                UserId::parse(v).ok()?;
                Some((
                    i,
                    UserRef::in_la(
                        format!("actions[{i}].owner"),
                        Some(v),
                        Purpose::Supervisee,
                        &ctx.child.la,
                    ),
                ))
            })
            .collect();
        let ids: Vec<UserId> = refs.iter().filter_map(|(_, r)| r.id()).collect();
        let users = if ids.is_empty() {
            Vec::new()
        } else {
            self.store.directory(ids, Vec::new()).await?.0
        };
        let mut owners: Vec<(usize, User)> = Vec::new();
        for (i, r) in &refs {
            match check_user(r, &users) {
                Ok(Some(u)) => owners.push((*i, u.clone())),
                Ok(None) => {}
                Err(e) => owner_errors.push(e),
            }
        }
        let valid = qa::audit(
            input,
            &ctx.child,
            week.as_ref(),
            actor.user_id,
            ctx.today,
            ctx.now,
        );
        let valid = match (valid, owner_errors.is_empty()) {
            (Ok(v), true) => v,
            (Ok(_), false) => return Err(ServiceError::Invalid(owner_errors)),
            (Err(mut e), _) => {
                e.0.extend(owner_errors.0);
                return Err(ServiceError::Invalid(e));
            }
        };
        let rows: Vec<usize> = input
            .actions
            .iter()
            .enumerate()
            .filter(|(_, a)| !a.is_blank())
            .map(|(i, _)| i)
            .collect();
        let audit = valid.audit;
        let actions: Vec<CaseAction> = valid
            .actions
            .into_iter()
            .zip(rows)
            .map(|(a, i)| {
                let mut r = a.into_record(
                    ctx.child.la.clone(),
                    Some(ctx.child.id),
                    ActionParent::CaseFileAudit(audit.id),
                    ctx.now,
                );
                if let Some((_, u)) = owners.iter().find(|(j, _)| *j == i) {
                    r.owner = u.display_name.clone();
                    r.owner_user_id = Some(u.id);
                }
                r
            })
            .collect();
        let id = audit.id.to_string();
        let v = self
            .store
            .save_case_change(
                actor,
                CaseChange {
                    child: ctx.child.id,
                    created: RecordSet {
                        case_file_audits: vec![audit],
                        actions,
                        ..RecordSet::default()
                    },
                    updated: RecordSet::default(),
                    seen_version: Some(ctx.version),
                    seen_record: None,
                },
                quality_check(actor, Action::Create),
                self.now(),
            )
            .await?;
        let version = answered(actor, Area::QualityAssurance, Action::Create, v)?;
        Ok(Saved {
            id: Some(id),
            version,
        })
    }

    /// The child an audit is about, if it is in the user's LAs (and not restricted from them).
    async fn audit_child(
        &self,
        actor: &Actor,
        id: CaseFileAuditId,
    ) -> Result<(PersonId, QualityRecords), ServiceError> {
        let q = self
            .store
            .quality_records(
                actor,
                QualityQuery {
                    audits: vec![id],
                    limit: 1,
                    ..Self::quality_query(actor, actor.las.clone())
                },
                self.now(),
            )
            .await?;
        let child = q
            .audits
            .first()
            .map(|a| a.child_id)
            .ok_or(ServiceError::NotFound)?;
        Ok((child, q))
    }

    /// One audit (the child's case file read through an audited view), with the version of the child's records.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), audit = %id))]
    pub async fn case_file_audit(
        &self,
        actor: &Actor,
        id: CaseFileAuditId,
    ) -> Result<AuditView, ServiceError> {
        authorize(actor, Area::QualityAssurance, Action::View)?;
        let (child, q) = self.audit_child(actor, id).await?;
        let ctx = self.case_for(actor, child, Action::View).await?;
        let a = ctx
            .file
            .case_file_audits
            .iter()
            .find(|a| a.id == id)
            .ok_or(ServiceError::NotFound)?;
        let users = self.audit_users(&ctx.file, &q).await?;
        Ok(audit_view(
            a,
            Some(&ctx.child),
            &ctx.file.actions,
            &users,
            &q.practice_weeks,
            ctx.today,
            Some(ctx.version),
        ))
    }

    async fn audit_users(
        &self,
        file: &RecordSet,
        q: &QualityRecords,
    ) -> Result<Vec<User>, ServiceError> {
        let mut ids: Vec<UserId> = file
            .case_file_audits
            .iter()
            .flat_map(|a| [a.auditor_id, a.moderated_by])
            .flatten()
            .collect();
        ids.sort();
        ids.dedup();
        ids.retain(|id| !q.users.iter().any(|u| u.id == *id));
        let mut users = q.users.clone();
        if !ids.is_empty() {
            users.extend(self.store.directory(ids, Vec::new()).await?.0);
        }
        Ok(users)
    }

    /// The audits of a child's case file, newest first: for anyone who may read the child's record (a worker
    /// sees the audits of their own cases). An audited read of the record.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), child = %child))]
    pub async fn child_audits(
        &self,
        actor: &Actor,
        child: PersonId,
    ) -> Result<(ChildSummary, i64, Vec<AuditView>), ServiceError> {
        let ctx = self.case_for(actor, child, Action::View).await?;
        let users = self
            .audit_users(&ctx.file, &QualityRecords::default())
            .await?;
        let mut audits: Vec<&CaseFileAudit> = ctx.file.case_file_audits.iter().collect();
        audits.sort_by_key(|a| std::cmp::Reverse((a.audited_on, a.created_at)));
        let views = audits
            .into_iter()
            .map(|a| {
                audit_view(
                    a,
                    Some(&ctx.child),
                    &ctx.file.actions,
                    &users,
                    &ctx.file.practice_weeks,
                    ctx.today,
                    Some(ctx.version),
                )
            })
            .collect();
        Ok((ChildSummary::of(&ctx.child, ctx.today), ctx.version, views))
    }

    /// Moderate an audit: a second auditor agrees, or disagrees with a grade and a reason. Saved as a change to
    /// the child's records based on `version`.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), audit = %id))]
    pub async fn moderate_audit(
        &self,
        actor: &Actor,
        id: CaseFileAuditId,
        input: &ModerationInput,
        version: Option<i64>,
    ) -> Result<Saved, ServiceError> {
        authorize(actor, Area::QualityAssurance, Action::Approve)?;
        let (child, _) = self.audit_child(actor, id).await?;
        let ctx = self.change_for(actor, child, Action::View, version).await?;
        let a = ctx
            .file
            .case_file_audits
            .iter()
            .find(|a| a.id == id)
            .ok_or(ServiceError::NotFound)?;
        let moderated = qa::moderate(a, input, actor.user_id, ctx.now)?;
        let v = self
            .store
            .save_case_change(
                actor,
                CaseChange {
                    child: ctx.child.id,
                    created: RecordSet::default(),
                    updated: RecordSet {
                        case_file_audits: vec![moderated],
                        ..RecordSet::default()
                    },
                    seen_version: Some(ctx.version),
                    seen_record: None,
                },
                quality_check(actor, Action::Approve),
                self.now(),
            )
            .await?;
        let version = answered(actor, Area::QualityAssurance, Action::Approve, v)?;
        Ok(Saved {
            id: Some(id.to_string()),
            version,
        })
    }

    /// The worker's reflection on an audit of a child whose record they may change.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), child = %child, audit = %id))]
    pub async fn reflect_on_audit(
        &self,
        actor: &Actor,
        child: PersonId,
        id: CaseFileAuditId,
        input: &ReflectionInput,
        version: Option<i64>,
    ) -> Result<Saved, ServiceError> {
        let ctx = self
            .change_for(actor, child, Action::Update, version)
            .await?;
        let a = ctx
            .file
            .case_file_audits
            .iter()
            .find(|a| a.id == id && a.child_id == ctx.child.id)
            .ok_or(ServiceError::NotFound)?;
        let reflected = qa::reflect(a, input)?;
        let version = self
            .save_case(
                actor,
                &ctx,
                RecordSet::default(),
                RecordSet {
                    case_file_audits: vec![reflected],
                    ..RecordSet::default()
                },
                Action::Update,
            )
            .await?;
        Ok(Saved {
            id: Some(id.to_string()),
            version,
        })
    }

    /// The practitioners of `las` (those of the user's) who may be observed in a practice week: (id, "name (role)").
    pub async fn practitioners(
        &self,
        actor: &Actor,
        las: &[LaCode],
    ) -> Result<Vec<(UserId, String)>, ServiceError> {
        authorize(actor, Area::QualityAssurance, Action::Create)?;
        let mut out: Vec<(UserId, String)> = Vec::new();
        for la in las.iter().filter(|l| actor.las.contains(l)) {
            for u in self.store.users_of_la(la.clone()).await? {
                if Purpose::Supervisee.allows(u.role, u.agency)
                    && !out.iter().any(|(id, _)| *id == u.id)
                {
                    out.push((u.id, format!("{} ({})", u.display_name, u.role.label())));
                }
            }
        }
        Ok(out)
    }

    /// Create a practice week over LAs (and teams) of the user's.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id()))]
    pub async fn create_practice_week(
        &self,
        actor: &Actor,
        input: &PracticeWeekInput,
    ) -> Result<Saved, ServiceError> {
        authorize(actor, Area::QualityAssurance, Action::Create)?;
        subject(actor)?;
        let now = self.now();
        let today = london_date(now);
        let mut team_errors = ValueErrors::new();
        let mut teams = Vec::new();
        let wanted: Vec<Option<TeamId>> = input
            .teams
            .iter()
            .filter(|t| present(Some(t.as_str())).is_some())
            .map(|t| TeamId::parse(t.trim()).ok())
            .collect();
        let found = {
            let ids: Vec<TeamId> = wanted.iter().flatten().copied().collect();
            if ids.is_empty() {
                Vec::new()
            } else {
                self.store.directory(Vec::new(), ids).await?.1
            }
        };
        let las: Vec<LaCode> = input
            .las
            .iter()
            .filter_map(|l| LaCode::parse(l.trim()).ok())
            .filter(|l| actor.las.contains(l))
            .collect();
        for (i, t) in wanted.iter().enumerate() {
            match t.and_then(|t| found.iter().find(|x| x.id == t && las.contains(&x.la))) {
                Some(x) => {
                    if !teams.contains(&x.id) {
                        teams.push(x.id);
                    }
                }
                None => team_errors.push(domain::ValueError::new(
                    format!("teams[{i}]"),
                    "Choose a team of the practice week's local authorities",
                )),
            }
        }
        let week = qa::practice_week(input, &actor.las, teams, actor.user_id, today, now);
        let week = match (week, team_errors.is_empty()) {
            (Ok(w), true) => w,
            (Ok(_), false) => return Err(ServiceError::Invalid(team_errors)),
            (Err(mut e), _) => {
                e.0.extend(team_errors.0);
                return Err(ServiceError::Invalid(e));
            }
        };
        let id = week.id.to_string();
        self.store
            .save_quality(actor, vec![week], Vec::new(), now)
            .await?;
        Ok(Saved {
            id: Some(id),
            version: 1,
        })
    }

    async fn practice_week_records(
        &self,
        actor: &Actor,
        id: PracticeWeekId,
    ) -> Result<(PracticeWeek, Option<PracticeWeek>, QualityRecords), ServiceError> {
        let all = self
            .store
            .quality_records(
                actor,
                QualityQuery {
                    limit: 1,
                    ..Self::quality_query(actor, actor.las.clone())
                },
                self.now(),
            )
            .await?;
        let week = all
            .practice_weeks
            .iter()
            .find(|w| w.id == id)
            .cloned()
            .ok_or(ServiceError::NotFound)?;
        let previous = qa::previous_week(&week, &all.practice_weeks).cloned();
        let mut weeks = vec![week.id];
        weeks.extend(previous.as_ref().map(|p| p.id));
        let q = self
            .store
            .quality_records(
                actor,
                QualityQuery {
                    practice_weeks: weeks,
                    limit: 5_000,
                    ..Self::quality_query(actor, actor.las.clone())
                },
                self.now(),
            )
            .await?;
        Ok((week, previous, q))
    }

    /// Add a practice observation to a practice week: the practitioner observed must work for one of its LAs.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), practice_week = %id))]
    pub async fn add_observation(
        &self,
        actor: &Actor,
        id: PracticeWeekId,
        input: &ObservationInput,
    ) -> Result<Saved, ServiceError> {
        authorize(actor, Area::QualityAssurance, Action::Create)?;
        let (week, _, _) = self.practice_week_records(actor, id).await?;
        let las = if week.scope.las.is_empty() {
            vec![week.la.clone()]
        } else {
            week.scope.las.clone()
        };
        let r = UserRef {
            field: "observed_id".into(),
            value: input.observed_id.as_deref(),
            purpose: Purpose::Supervisee,
            any_of: las.clone(),
            all_of: Vec::new(),
        };
        let users = match r.id() {
            Some(u) => self.store.directory(vec![u], Vec::new()).await?.0,
            None => Vec::new(),
        };
        let mut errors = ValueErrors::new();
        let observed = match check_user(&r, &users) {
            Ok(Some(u)) => {
                let la = u
                    .las
                    .iter()
                    .find(|l| las.contains(l))
                    .cloned()
                    .unwrap_or_else(|| week.la.clone());
                Some((u.id, la))
            }
            Ok(None) => None,
            Err(e) => {
                errors.push(e);
                None
            }
        };
        let now = self.now();
        let o = qa::observation(input, &week, observed, actor.user_id, london_date(now), now);
        let o = match (o, errors.is_empty()) {
            (Ok(o), true) => o,
            (Ok(_), false) => return Err(ServiceError::Invalid(errors)),
            (Err(mut e), _) => {
                // The observed user's own problem says more than "choose one".
                if !errors.is_empty() {
                    e.0.retain(|x| x.field != "observed_id");
                }
                e.0.extend(errors.0);
                return Err(ServiceError::Invalid(e));
            }
        };
        let oid = o.id.to_string();
        self.store
            .save_quality(actor, Vec::new(), vec![o], now)
            .await?;
        Ok(Saved {
            id: Some(oid),
            version: 1,
        })
    }

    /// A practice week's report: its audits (grades, themes, evidence, moderation), their actions and its
    /// observations, each measure beside the previous practice week of the same scope's.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), practice_week = %id))]
    pub async fn practice_week_report(
        &self,
        actor: &Actor,
        id: PracticeWeekId,
    ) -> Result<PracticeWeekReport, ServiceError> {
        authorize(actor, Area::QualityAssurance, Action::View)?;
        let (week, previous, q) = self.practice_week_records(actor, id).await?;
        let today = london_date(self.now());
        let of_week = |w: PracticeWeekId| {
            let audits: Vec<&CaseFileAudit> = q
                .audits
                .iter()
                .filter(|a| a.practice_week_id == Some(w))
                .collect();
            let actions: Vec<&CaseAction> = q
                .actions
                .iter()
                .filter(|x| {
                    audits
                        .iter()
                        .any(|a| x.parent == ActionParent::CaseFileAudit(a.id))
                })
                .collect();
            let obs: Vec<&PracticeObservation> = q
                .observations
                .iter()
                .filter(|o| o.practice_week_id == w)
                .collect();
            qa::figures(&audits, &actions, &obs, today)
        };
        let now_f = of_week(week.id);
        let before = previous.as_ref().map(|p| of_week(p.id));
        let measures = qa::measures(&now_f, before.as_ref());
        let grades = now_f
            .grades
            .iter()
            .map(|(g, n)| CountRow {
                id: g.code().to_owned(),
                label: g.label().to_owned(),
                count: *n,
                previous: before
                    .as_ref()
                    .map(|b| b.grades.iter().find(|(x, _)| x == g).map_or(0, |(_, n)| *n)),
            })
            .collect();
        let mut theme_names: Vec<&String> = now_f.themes.keys().collect();
        if let Some(b) = &before {
            theme_names.extend(b.themes.keys());
        }
        theme_names.sort();
        theme_names.dedup();
        let themes = theme_names
            .into_iter()
            .map(|t| CountRow {
                id: t.clone(),
                label: t.clone(),
                count: now_f.themes.get(t).copied().unwrap_or(0),
                previous: before
                    .as_ref()
                    .map(|b| b.themes.get(t).copied().unwrap_or(0)),
            })
            .collect();
        let audits = q
            .audits
            .iter()
            .filter(|a| a.practice_week_id == Some(week.id))
            .map(|a| {
                let child = q.children.iter().find(|p| p.id == a.child_id);
                audit_view(
                    a,
                    child,
                    &q.actions,
                    &q.users,
                    &q.practice_weeks,
                    today,
                    None,
                )
            })
            .collect();
        let observations = q
            .observations
            .iter()
            .filter(|o| o.practice_week_id == week.id)
            .map(|o| ObservationView {
                id: o.id,
                observer: name_of(&q.users, o.observer_id),
                observed_id: o.observed_id,
                observed: name_of(&q.users, Some(o.observed_id)),
                observed_on: o.observed_on,
                what: o.observed.clone(),
                grade: o.grade,
                grade_label: o.grade.label(),
                strengths: o.strengths.clone(),
                development: o.development.clone(),
            })
            .collect();
        Ok(PracticeWeekReport {
            practice_week: week_view(&week, &q),
            previous: previous.as_ref().map(|p| week_view(p, &q)),
            measures,
            grades,
            themes,
            figures: now_f,
            audits,
            observations,
        })
    }
}

/// The report as CSV: one row per measure, grade and theme, with the previous week's figure and the comparison.
pub fn report_csv(r: &PracticeWeekReport) -> String {
    use domain::export::csv_cell;
    let mut out = String::from("section,measure,value,unit,previous,comparison\r\n");
    let opt = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
    for m in &r.measures {
        out.push_str(&format!(
            "measures,{},{},{},{},{}\r\n",
            csv_cell(m.label),
            m.value,
            m.unit,
            opt(m.previous),
            m.comparison
                .map(domain::performance::Change::label)
                .unwrap_or_default()
        ));
    }
    for g in &r.grades {
        out.push_str(&format!(
            "grades,{},{},count,{},\r\n",
            csv_cell(&g.label),
            g.count,
            opt(g.previous)
        ));
    }
    for t in &r.themes {
        out.push_str(&format!(
            "themes,{},{},count,{},\r\n",
            csv_cell(&t.label),
            t.count,
            opt(t.previous)
        ));
    }
    out
}
