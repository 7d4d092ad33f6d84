//! Planning use cases: child and family assessments (and a manager's authorisation), child in need plans, the
//! later life of any plan (actions, reviews with progress on every open action, the end), visits, and the
//! planning overview a child's page and the API read. Each starts with the audited read of the child's case
//! file ([`Services::case_for`]), finds the record the request names, validates with `domain::planning`, and
//! saves in one transaction with one audit entry per record. Nothing is saved on a refusal.

use domain::audit::Actor;
use domain::clocks::{ClockStatus, DayClock};
use domain::codes::PlanKind;
use domain::datetime::Date;
use domain::ids::{AssessmentId, PersonId, PlanId, ReferralId, UserId};
use domain::planning::{
    self, AssessmentInput, EndPlanInput, PlanActionsInput, PlanInput, ReviewInput, VisitInput,
};
use domain::policy::Action as Act;
use domain::records::{Action, Assessment, Plan, PlanReview, RecordSet, Visit};
use serde::Serialize;
use store::Store;

use crate::casework::CaseContext;
use crate::{ServiceError, Services};

/// An assessment with its 45-working-day clock (stopped once authorised).
#[derive(Clone, Debug, Serialize)]
pub struct AssessmentView {
    #[serde(flatten)]
    pub assessment: Assessment,
    /// Due (authorised) 45 working days from the referral; `null` status once authorised.
    pub clock: Option<DayClock>,
    pub overdue: bool,
    pub authorised: bool,
    /// The authorising manager's name, when known.
    pub authorised_by_name: Option<String>,
}

/// An action of a plan, and whether it is overdue (open after its due date).
#[derive(Clone, Debug, Serialize)]
pub struct ActionView {
    #[serde(flatten)]
    pub action: Action,
    pub overdue: bool,
}

/// When the next visit under an open plan is due, at the LA's frequency for the plan's kind.
#[derive(Clone, Debug, Serialize)]
pub struct VisitClock {
    pub plan_id: PlanId,
    pub kind: PlanKind,
    pub every_wd: u32,
    pub last_visit_on: Option<Date>,
    pub due: Date,
    pub status: ClockStatus<u32>,
    pub overdue: bool,
}

/// A visit recorded, and when the next one under its plan is due.
#[derive(Clone, Debug, Serialize)]
pub struct RecordedVisit {
    #[serde(flatten)]
    pub visit: Visit,
    pub next_visit: Option<VisitClock>,
}

/// The next review of an open plan.
#[derive(Clone, Debug, Serialize)]
pub struct ReviewClock {
    pub due: Date,
    pub status: ClockStatus<u32>,
    pub overdue: bool,
}

/// A plan with its actions, reviews, visits and clocks.
#[derive(Clone, Debug, Serialize)]
pub struct PlanView {
    #[serde(flatten)]
    pub plan: Plan,
    pub open: bool,
    pub actions: Vec<ActionView>,
    pub overdue_actions: usize,
    /// Newest first.
    pub reviews: Vec<PlanReview>,
    /// Newest first.
    pub visits: Vec<Visit>,
    pub next_visit: Option<VisitClock>,
    pub next_review: Option<ReviewClock>,
}

/// A child's assessments, plans and visits, with every clock (`GET /api/v1/children/{id}/plans`).
#[derive(Clone, Debug, Serialize)]
pub struct PlanningOverview {
    pub child_id: PersonId,
    pub child_name: String,
    pub today: Date,
    /// The version of the child's records read.
    pub version: i64,
    /// The open child in need episode, if any.
    pub open_referral_id: Option<ReferralId>,
    pub open_referral_date: Option<Date>,
    /// Newest first.
    pub assessments: Vec<AssessmentView>,
    /// Open plans first, then newest first.
    pub plans: Vec<PlanView>,
    /// Every visit, newest first.
    pub visits: Vec<Visit>,
    /// The next visit due under the open plan visits default to (child protection before child in need).
    pub next_visit: Option<VisitClock>,
    /// The earliest next review of an open plan.
    pub next_review: Option<ReviewClock>,
}

fn review_clock(ctx: &CaseContext, due: Date) -> ReviewClock {
    let clock = DayClock::new(&ctx.calendar, due, ctx.today);
    ReviewClock {
        due,
        status: clock.status,
        overdue: clock.is_overdue(),
    }
}

fn visit_clock(ctx: &CaseContext, plan: &Plan) -> VisitClock {
    let settings = &ctx.la.settings.clocks;
    let due = planning::next_visit_due(plan, &ctx.file.visits, settings, &ctx.calendar);
    let clock = DayClock::new(&ctx.calendar, due, ctx.today);
    VisitClock {
        plan_id: plan.id,
        kind: plan.kind,
        every_wd: planning::visit_every_wd(plan.kind, settings),
        last_visit_on: planning::last_visit(plan, &ctx.file.visits).map(|v| v.visited_on),
        due,
        status: clock.status,
        overdue: clock.is_overdue(),
    }
}

/// The plan named in the path, among the child's: 404 otherwise.
fn find_plan(ctx: &CaseContext, plan: Option<PlanId>) -> Result<&Plan, ServiceError> {
    plan.and_then(|id| ctx.file.plans.iter().find(|p| p.id == id))
        .ok_or(ServiceError::NotFound)
}

fn find_assessment(
    ctx: &CaseContext,
    assessment: Option<AssessmentId>,
) -> Result<&Assessment, ServiceError> {
    assessment
        .and_then(|id| ctx.file.assessments.iter().find(|a| a.id == id))
        .ok_or(ServiceError::NotFound)
}

/// The plan's actions as the review form lists them (open ones, due first).
pub fn open_actions_of(overview: &PlanningOverview, plan: PlanId) -> Vec<ActionView> {
    overview
        .plans
        .iter()
        .find(|p| p.plan.id == plan)
        .map(|p| {
            p.actions
                .iter()
                .filter(|a| a.action.status == domain::codes::ActionStatus::Open)
                .cloned()
                .collect()
        })
        .unwrap_or_default()
}

impl<S: Store> Services<S> {
    /// The child's assessments, plans (with actions, reviews and visits) and every clock; audited as a view.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), child = %child))]
    pub async fn planning(
        &self,
        actor: &Actor,
        child: PersonId,
    ) -> Result<PlanningOverview, ServiceError> {
        self.planning_as(actor, child, Act::View).await
    }

    /// The overview read for a form that will take `action` (403 for a role never granted it); audited.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), child = %child))]
    pub async fn planning_as(
        &self,
        actor: &Actor,
        child: PersonId,
        action: Act,
    ) -> Result<PlanningOverview, ServiceError> {
        let ctx = self.case_for(actor, child, action).await?;
        let authorisers: Vec<UserId> = ctx
            .file
            .assessments
            .iter()
            .filter_map(|a| a.authorised_by)
            .collect();
        let names = if authorisers.is_empty() {
            Vec::new()
        } else {
            self.store.directory(authorisers, Vec::new()).await?.0
        };
        Ok(overview(&ctx, &names))
    }

    /// Record a child and family assessment on the child's open referral (or the one named).
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), child = %child))]
    pub async fn record_assessment(
        &self,
        actor: &Actor,
        child: PersonId,
        input: &AssessmentInput,
        version: Option<i64>,
    ) -> Result<Assessment, ServiceError> {
        let ctx = self.change_for(actor, child, Act::Create, version).await?;
        let a = planning::assessment(
            input,
            &ctx.file.referrals,
            None,
            &ctx.la.code,
            child,
            &ctx.calendar,
            ctx.today,
            ctx.now,
        )?;
        let created = RecordSet {
            assessments: vec![a.clone()],
            ..RecordSet::default()
        };
        self.save_case(actor, &ctx, created, RecordSet::default(), Act::Create)
            .await?;
        Ok(a)
    }

    /// Change an assessment (the whole assessment again); an authorised one cannot be changed.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), child = %child, assessment = assessment.map(tracing::field::display)))]
    pub async fn update_assessment(
        &self,
        actor: &Actor,
        child: PersonId,
        assessment: Option<AssessmentId>,
        input: &AssessmentInput,
        version: Option<i64>,
    ) -> Result<Assessment, ServiceError> {
        let ctx = self.change_for(actor, child, Act::Update, version).await?;
        let existing = find_assessment(&ctx, assessment)?;
        let a = planning::assessment(
            input,
            &ctx.file.referrals,
            Some(existing),
            &ctx.la.code,
            child,
            &ctx.calendar,
            ctx.today,
            ctx.now,
        )?;
        let updated = RecordSet {
            assessments: vec![a.clone()],
            ..RecordSet::default()
        };
        self.save_case(actor, &ctx, RecordSet::default(), updated, Act::Update)
            .await?;
        Ok(a)
    }

    /// A team manager authorises an assessment whose outcome is recorded.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), child = %child, assessment = assessment.map(tracing::field::display)))]
    pub async fn authorise_assessment(
        &self,
        actor: &Actor,
        child: PersonId,
        assessment: Option<AssessmentId>,
        version: Option<i64>,
    ) -> Result<Assessment, ServiceError> {
        let ctx = self.change_for(actor, child, Act::Approve, version).await?;
        let existing = find_assessment(&ctx, assessment)?;
        let manager = actor.user_id.ok_or(ServiceError::Forbidden)?;
        let a = planning::authorise(existing, manager, ctx.today)?;
        let updated = RecordSet {
            assessments: vec![a.clone()],
            ..RecordSet::default()
        };
        self.save_case(actor, &ctx, RecordSet::default(), updated, Act::Approve)
            .await?;
        Ok(a)
    }

    /// Make a child in need plan with its dated actions.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), child = %child))]
    pub async fn create_plan(
        &self,
        actor: &Actor,
        child: PersonId,
        input: &PlanInput,
        version: Option<i64>,
    ) -> Result<planning::NewPlan, ServiceError> {
        let ctx = self.change_for(actor, child, Act::Create, version).await?;
        let made = planning::cin_plan(
            input,
            &ctx.file.referrals,
            &ctx.file.plans,
            &ctx.la.code,
            child,
            ctx.today,
            ctx.now,
        )?;
        let created = RecordSet {
            plans: vec![made.plan.clone()],
            actions: made.actions.clone(),
            ..RecordSet::default()
        };
        self.save_case(actor, &ctx, created, RecordSet::default(), Act::Create)
            .await?;
        Ok(made)
    }

    /// Add dated actions to an open plan (child in need or child protection).
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), child = %child, plan = plan.map(tracing::field::display)))]
    pub async fn add_plan_actions(
        &self,
        actor: &Actor,
        child: PersonId,
        plan: Option<PlanId>,
        input: &PlanActionsInput,
        version: Option<i64>,
    ) -> Result<Vec<Action>, ServiceError> {
        let ctx = self.change_for(actor, child, Act::Create, version).await?;
        let plan = find_plan(&ctx, plan)?;
        let actions = planning::add_actions(plan, input, ctx.today, ctx.now)?;
        let created = RecordSet {
            actions: actions.clone(),
            ..RecordSet::default()
        };
        self.save_case(actor, &ctx, created, RecordSet::default(), Act::Create)
            .await?;
        Ok(actions)
    }

    /// Review a plan: progress on every open action, the next review (or the plan's end), new actions.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), child = %child, plan = plan.map(tracing::field::display)))]
    pub async fn review_plan(
        &self,
        actor: &Actor,
        child: PersonId,
        plan: Option<PlanId>,
        input: &ReviewInput,
        version: Option<i64>,
    ) -> Result<planning::ReviewChange, ServiceError> {
        let ctx = self.change_for(actor, child, Act::Create, version).await?;
        let plan = find_plan(&ctx, plan)?;
        let change = planning::review(plan, &ctx.file.actions, input, ctx.today, ctx.now)?;
        let created = RecordSet {
            plan_reviews: vec![change.review.clone()],
            actions: change.new_actions.clone(),
            ..RecordSet::default()
        };
        let updated = RecordSet {
            plans: vec![change.plan.clone()],
            actions: change.updated_actions.clone(),
            ..RecordSet::default()
        };
        self.save_case(actor, &ctx, created, updated, Act::Create)
            .await?;
        Ok(change)
    }

    /// End a plan (child in need or child protection); its open actions are cancelled with it.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), child = %child, plan = plan.map(tracing::field::display)))]
    pub async fn end_plan(
        &self,
        actor: &Actor,
        child: PersonId,
        plan: Option<PlanId>,
        input: &EndPlanInput,
        version: Option<i64>,
    ) -> Result<planning::EndedPlan, ServiceError> {
        let ctx = self.change_for(actor, child, Act::Update, version).await?;
        let plan = find_plan(&ctx, plan)?;
        let ended = planning::end_plan(plan, &ctx.file.actions, input, ctx.today)?;
        let updated = RecordSet {
            plans: vec![ended.plan.clone()],
            actions: ended.cancelled.clone(),
            ..RecordSet::default()
        };
        self.save_case(actor, &ctx, RecordSet::default(), updated, Act::Update)
            .await?;
        Ok(ended)
    }

    /// Record a visit to the child, under the open plan unless another is named.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), child = %child))]
    pub async fn record_visit(
        &self,
        actor: &Actor,
        child: PersonId,
        input: &VisitInput,
        version: Option<i64>,
    ) -> Result<RecordedVisit, ServiceError> {
        let ctx = self.change_for(actor, child, Act::Create, version).await?;
        let v = planning::visit(
            input,
            &ctx.file.plans,
            &ctx.la.code,
            child,
            actor.user_id,
            ctx.today,
            ctx.now,
        )?;
        let created = RecordSet {
            visits: vec![v.clone()],
            ..RecordSet::default()
        };
        self.save_case(actor, &ctx, created, RecordSet::default(), Act::Create)
            .await?;
        let mut ctx = ctx;
        ctx.file.visits.push(v.clone());
        let next_visit = v
            .plan_id
            .and_then(|id| ctx.file.plans.iter().find(|p| p.id == id))
            .filter(|p| planning::is_open(p))
            .map(|p| visit_clock(&ctx, p));
        Ok(RecordedVisit {
            visit: v,
            next_visit,
        })
    }
}

/// The overview of a case file read for it.
fn overview(ctx: &CaseContext, users: &[domain::records::User]) -> PlanningOverview {
    let f = &ctx.file;
    let today = ctx.today;
    let mut assessments: Vec<AssessmentView> = f
        .assessments
        .iter()
        .map(|a| {
            let authorised = a.authorised_on.is_some();
            let clock = (!authorised).then(|| DayClock::new(&ctx.calendar, a.due_on, today));
            AssessmentView {
                assessment: a.clone(),
                overdue: clock.is_some_and(|c| c.is_overdue()),
                clock,
                authorised,
                authorised_by_name: a.authorised_by.and_then(|id| {
                    users
                        .iter()
                        .find(|u| u.id == id)
                        .map(|u| u.display_name.clone())
                }),
            }
        })
        .collect();
    assessments.sort_by(|a, b| {
        (b.assessment.start_date, b.assessment.created_at)
            .cmp(&(a.assessment.start_date, a.assessment.created_at))
    });
    let mut visits = f.visits.clone();
    visits.sort_by_key(|v| std::cmp::Reverse((v.visited_on, v.created_at)));
    let mut plans: Vec<PlanView> = f
        .plans
        .iter()
        .map(|p| {
            let open = planning::is_open(p);
            let actions: Vec<ActionView> = planning::plan_actions(p, &f.actions)
                .into_iter()
                .map(|a| ActionView {
                    action: a.clone(),
                    overdue: planning::action_overdue(a, today),
                })
                .collect();
            let mut reviews: Vec<PlanReview> = f
                .plan_reviews
                .iter()
                .filter(|r| r.plan_id == p.id)
                .cloned()
                .collect();
            reviews.sort_by_key(|r| std::cmp::Reverse(r.held_on));
            PlanView {
                plan: p.clone(),
                open,
                overdue_actions: actions.iter().filter(|a| a.overdue).count(),
                actions,
                reviews,
                visits: visits
                    .iter()
                    .filter(|v| v.plan_id == Some(p.id))
                    .cloned()
                    .collect(),
                next_visit: open.then(|| visit_clock(ctx, p)),
                next_review: p
                    .next_review_on
                    .filter(|_| open)
                    .map(|d| review_clock(ctx, d)),
            }
        })
        .collect();
    plans.sort_by(|a, b| {
        (b.open, b.plan.start_date, b.plan.created_at).cmp(&(
            a.open,
            a.plan.start_date,
            a.plan.created_at,
        ))
    });
    let referral = planning::open_referral(&f.referrals);
    PlanningOverview {
        child_id: ctx.child.id,
        child_name: ctx.child.full_name(),
        today,
        version: ctx.version,
        open_referral_id: referral.map(|r| r.id),
        open_referral_date: referral.map(|r| r.referral_date),
        assessments,
        next_visit: planning::open_plan(&f.plans).map(|p| visit_clock(ctx, p)),
        next_review: f
            .plans
            .iter()
            .filter(|p| planning::is_open(p))
            .filter_map(|p| p.next_review_on)
            .min()
            .map(|d| review_clock(ctx, d)),
        plans,
        visits,
    }
}
