//! Child protection's use cases: record a strategy discussion (and the section 47 enquiry it starts), the
//! outcome of a section 47 enquiry (scheduling the initial conference), a conference (making, continuing or
//! ending a child protection plan, scheduling the first core group and the review conferences) and a core group
//! (scheduling the next); and the child's protection record with its clocks.
//!
//! Each change follows the casework order: the audited read of the child's case file checked for the action
//! (403/404), then the record the request names (404 if it is not the child's), then the rules
//! (`domain::protection`, 422 with every problem), then one transaction with an audit entry per record.

use domain::audit::Actor;
use domain::clocks::DayClock;
use domain::codes::{Agency, ConferenceKind, PlanKind};
use domain::datetime::{Date, Timestamp};
use domain::ids::{
    ActionId, ConferenceId, CoreGroupId, PersonId, PlanId, ReferralId, Section47Id,
    StrategyDiscussionId,
};
use domain::policy::{Action, Area};
use domain::protection::{
    self as rules, CaseFacts, ConferenceInput, CoreGroupInput, Section47OutcomeInput, StrategyInput,
};
use domain::records::{
    Action as CaseAction, ActionParent, Conference, CoreGroup, PartnerFlag, Plan, RecordSet,
    Section47, StrategyDiscussion,
};
use domain::{ValueError, ValueErrors};
use serde::Serialize;
use store::Store;

use crate::casework::CaseContext;
use crate::{ServiceError, Services, authorize};

/// A strategy discussion recorded (the API's 201 body).
#[derive(Clone, Debug, Serialize)]
pub struct StrategyRecorded {
    pub id: StrategyDiscussionId,
    pub child_id: PersonId,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub section47_id: Option<Section47Id>,
    /// The initial child protection conference is due: 15 working days after the discussion.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub icpc_due_on: Option<Date>,
    /// `police-only` or `no-partners` when the discussion lacked partner information; otherwise null.
    pub partner_flag: Option<PartnerFlag>,
    pub partner_flag_label: Option<&'static str>,
    pub out_of_hours: bool,
    pub action_ids: Vec<ActionId>,
    /// The version of the child's records after the change.
    pub version: i64,
}

/// A section 47 enquiry's outcome recorded.
#[derive(Clone, Debug, Serialize)]
pub struct Section47Recorded {
    pub section47_id: Section47Id,
    /// The initial conference scheduled, when one is required.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conference_id: Option<ConferenceId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub icpc_due_on: Option<Date>,
    pub version: i64,
}

/// A conference recorded, with what it made and scheduled.
#[derive(Clone, Debug, Serialize)]
pub struct ConferenceRecorded {
    pub conference_id: ConferenceId,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan_id: Option<PlanId>,
    pub action_ids: Vec<ActionId>,
    /// The plan's first core group, scheduled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub core_group_id: Option<CoreGroupId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub core_group_due_on: Option<Date>,
    /// The next review conference, scheduled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_review_conference_id: Option<ConferenceId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_review_on: Option<Date>,
    /// An ended plan's end date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan_ended_on: Option<Date>,
    pub version: i64,
}

/// A core group recorded, and the next one scheduled.
#[derive(Clone, Debug, Serialize)]
pub struct CoreGroupRecorded {
    pub core_group_id: CoreGroupId,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_core_group_id: Option<CoreGroupId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_due_on: Option<Date>,
    pub version: i64,
}

/// A strategy discussion as read, with its flag and actions.
#[derive(Clone, Debug, Serialize)]
pub struct StrategyView {
    #[serde(flatten)]
    pub discussion: StrategyDiscussion,
    pub partner_flag: Option<PartnerFlag>,
    pub partner_flag_label: Option<&'static str>,
    /// Expected agencies neither present nor with a reason (only older records can have any).
    pub unexplained_absences: Vec<Agency>,
    pub actions: Vec<CaseAction>,
    /// The section 47 enquiry it started.
    pub section47_id: Option<Section47Id>,
    /// A review strategy meeting: the progress it recorded against each action of the discussion it reviewed.
    pub reviewed_actions: Vec<ReviewedAction>,
    /// Its actions still open: a review strategy meeting records progress on each.
    pub open_actions: usize,
}

/// An action of an earlier discussion, with the progress a review strategy meeting recorded against it.
#[derive(Clone, Debug, Serialize)]
pub struct ReviewedAction {
    pub action_id: ActionId,
    pub description: String,
    pub owner: String,
    pub due_on: Date,
    pub progress: String,
    pub status: domain::codes::ActionStatus,
}

/// A section 47 enquiry with its ICPC clock (while the conference is still to be held).
#[derive(Clone, Debug, Serialize)]
pub struct Section47View {
    #[serde(flatten)]
    pub section47: Section47,
    pub icpc_clock: Option<DayClock>,
    pub initial_conference_id: Option<ConferenceId>,
}

/// A conference; one not yet held has its clock.
#[derive(Clone, Debug, Serialize)]
pub struct ConferenceView {
    #[serde(flatten)]
    pub conference: Conference,
    pub clock: Option<DayClock>,
}

/// A core group; one not yet held has its clock.
#[derive(Clone, Debug, Serialize)]
pub struct CoreGroupView {
    #[serde(flatten)]
    pub core_group: CoreGroup,
    pub clock: Option<DayClock>,
}

/// A child protection plan with its core groups, actions and the clock of its next review.
#[derive(Clone, Debug, Serialize)]
pub struct PlanView {
    #[serde(flatten)]
    pub plan: Plan,
    pub review_clock: Option<DayClock>,
    pub core_groups: Vec<CoreGroupView>,
    pub actions: Vec<CaseAction>,
}

/// The child's protection record: `GET /api/v1/children/{id}/protection`.
#[derive(Clone, Debug, Serialize)]
pub struct ProtectionView {
    pub child_id: PersonId,
    pub child_name: String,
    pub today: Date,
    pub now: Timestamp,
    pub version: i64,
    /// The child's open referral (CIN episode), if any: a section 47 enquiry starts from it.
    pub open_referral_id: Option<ReferralId>,
    /// Newest first.
    pub strategy_discussions: Vec<StrategyView>,
    pub section47s: Vec<Section47View>,
    pub conferences: Vec<ConferenceView>,
    /// Child protection plans, newest first.
    pub plans: Vec<PlanView>,
}

impl ProtectionView {
    fn new(ctx: &CaseContext) -> ProtectionView {
        let file = &ctx.file;
        let cal = &ctx.calendar;
        let today = ctx.today;
        let child = ctx.child.id;
        let actions_of = |parent: ActionParent| -> Vec<CaseAction> {
            let mut a: Vec<CaseAction> = file
                .actions
                .iter()
                .filter(|a| a.parent == parent)
                .cloned()
                .collect();
            a.sort_by_key(|a| (a.due_on, a.created_at));
            a
        };
        let mut strategy_discussions: Vec<StrategyView> = file
            .strategy_discussions
            .iter()
            .filter(|d| d.child_id == child)
            .map(|d| {
                let flag = d.partner_flag();
                let mut reviewed_actions: Vec<ReviewedAction> = d
                    .progress
                    .iter()
                    .filter_map(|p| {
                        let a = file.actions.iter().find(|a| a.id == p.action_id)?;
                        Some(ReviewedAction {
                            action_id: a.id,
                            description: a.description.clone(),
                            owner: a.owner.clone(),
                            due_on: a.due_on,
                            progress: p.progress.clone(),
                            status: p.status,
                        })
                    })
                    .collect();
                reviewed_actions.sort_by_key(|r| (r.due_on, r.action_id));
                StrategyView {
                    reviewed_actions,
                    open_actions: rules::actions_under_review(file, d.id).len(),
                    partner_flag: flag,
                    partner_flag_label: flag.map(PartnerFlag::label),
                    unexplained_absences: d.unexplained_absences(),
                    actions: actions_of(ActionParent::StrategyDiscussion(d.id)),
                    section47_id: file
                        .section47s
                        .iter()
                        .find(|s| s.strategy_discussion_id == d.id)
                        .map(|s| s.id),
                    discussion: d.clone(),
                }
            })
            .collect();
        strategy_discussions.sort_by_key(|d| std::cmp::Reverse(d.discussion.held_at));
        let mut section47s: Vec<Section47View> =
            file.section47s
                .iter()
                .filter(|s| s.child_id == child)
                .map(|s| {
                    let initial = file.conferences.iter().find(|c| {
                        c.kind == ConferenceKind::Initial && c.section47_id == Some(s.id)
                    });
                    let held = initial.is_some_and(|c| c.held_on.is_some());
                    let open = s.icpc_required != Some(false) && !held;
                    Section47View {
                        icpc_clock: open.then(|| DayClock::new(cal, s.icpc_due_on, today)),
                        initial_conference_id: initial.map(|c| c.id),
                        section47: s.clone(),
                    }
                })
                .collect();
        section47s
            .sort_by_key(|s| std::cmp::Reverse((s.section47.start_date, s.section47.created_at)));
        let mut conferences: Vec<ConferenceView> = file
            .conferences
            .iter()
            .filter(|c| c.child_id == child)
            .map(|c| ConferenceView {
                clock: c
                    .held_on
                    .is_none()
                    .then(|| DayClock::new(cal, c.due_on, today)),
                conference: c.clone(),
            })
            .collect();
        conferences
            .sort_by_key(|c| std::cmp::Reverse((c.conference.due_on, c.conference.created_at)));
        let mut plans: Vec<PlanView> = file
            .plans
            .iter()
            .filter(|p| p.child_id == child && p.kind == PlanKind::ChildProtection)
            .map(|p| {
                let mut core_groups: Vec<CoreGroupView> = file
                    .core_groups
                    .iter()
                    .filter(|g| g.plan_id == p.id)
                    .map(|g| CoreGroupView {
                        clock: (g.held_on.is_none() && p.end_date.is_none())
                            .then(|| DayClock::new(cal, g.due_on, today)),
                        core_group: g.clone(),
                    })
                    .collect();
                core_groups.sort_by_key(|g| g.core_group.due_on);
                PlanView {
                    review_clock: p
                        .next_review_on
                        .filter(|_| p.end_date.is_none())
                        .map(|d| DayClock::new(cal, d, today)),
                    core_groups,
                    actions: actions_of(ActionParent::Plan(p.id)),
                    plan: p.clone(),
                }
            })
            .collect();
        plans.sort_by_key(|p| std::cmp::Reverse((p.plan.start_date, p.plan.created_at)));
        ProtectionView {
            child_id: child,
            child_name: ctx.child.full_name(),
            today,
            now: ctx.now,
            version: ctx.version,
            open_referral_id: rules::open_referral(file, child).map(|r| r.id),
            strategy_discussions,
            section47s,
            conferences,
            plans,
        }
    }
}

fn facts<'a>(ctx: &'a CaseContext, actor: &Actor) -> CaseFacts<'a> {
    CaseFacts {
        child_id: ctx.child.id,
        la: &ctx.child.la,
        settings: &ctx.la.settings,
        calendar: &ctx.calendar,
        file: &ctx.file,
        now: ctx.now,
        recorded_by: actor.user_id,
    }
}

impl<S: Store> Services<S> {
    /// The child's protection record (strategy discussions, section 47 enquiries, conferences, child protection
    /// plans with core groups), with its clocks; audited as a view.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), child = %child))]
    pub async fn protection(
        &self,
        actor: &Actor,
        child: PersonId,
    ) -> Result<ProtectionView, ServiceError> {
        self.protection_for(actor, child, Action::View).await
    }

    /// The protection record read for `action` (a form page reads it as the change it offers: 403 for a role
    /// that may not make it).
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), child = %child))]
    pub async fn protection_for(
        &self,
        actor: &Actor,
        child: PersonId,
        action: Action,
    ) -> Result<ProtectionView, ServiceError> {
        let ctx = self.case_for(actor, child, action).await?;
        Ok(ProtectionView::new(&ctx))
    }

    /// `POST /api/v1/strategy-discussions`: the child named in the body. The role is checked first, then the
    /// child's id (422 naming `child_id`), then the child (404 if the caller may not see it).
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id()))]
    pub async fn record_strategy_discussion_for_child_in_body(
        &self,
        actor: &Actor,
        input: &StrategyInput,
        version: Option<i64>,
    ) -> Result<StrategyRecorded, ServiceError> {
        authorize(actor, Area::CaseRecords, Action::Create)?;
        let child = match domain::validation::present(input.child_id.as_deref()) {
            None => Err(ValueError::new(
                "child_id",
                "Say which child the strategy discussion is about",
            )),
            Some(s) => PersonId::parse(s).map_err(|e| e.for_field("child_id")),
        }
        .map_err(|e| ServiceError::Invalid(ValueErrors(vec![e])))?;
        self.record_strategy_discussion(actor, child, input, version)
            .await
    }

    /// Record a strategy discussion about `child`, with its actions and any section 47 enquiry it starts.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), child = %child))]
    pub async fn record_strategy_discussion(
        &self,
        actor: &Actor,
        child: PersonId,
        input: &StrategyInput,
        version: Option<i64>,
    ) -> Result<StrategyRecorded, ServiceError> {
        let ctx = self
            .change_for(actor, child, Action::Create, version)
            .await?;
        if let Some(named) = domain::validation::present(input.child_id.as_deref())
            && PersonId::parse(named).ok() != Some(child)
        {
            return Err(ServiceError::invalid(
                "child_id",
                "The strategy discussion is about another child than this one",
            ));
        }
        let new = rules::record_strategy_discussion(input, &facts(&ctx, actor))?;
        let flag = new.discussion.partner_flag();
        let recorded = StrategyRecorded {
            id: new.discussion.id,
            child_id: child,
            section47_id: new.section47.as_ref().map(|s| s.id),
            icpc_due_on: new.section47.as_ref().map(|s| s.icpc_due_on),
            partner_flag: flag,
            partner_flag_label: flag.map(PartnerFlag::label),
            out_of_hours: new.discussion.out_of_hours,
            action_ids: new.actions.iter().map(|a| a.id).collect(),
            version: 0,
        };
        let created = RecordSet {
            strategy_discussions: vec![new.discussion],
            section47s: new.section47.into_iter().collect(),
            actions: new.actions,
            ..RecordSet::default()
        };
        // A review strategy meeting marks the reviewed discussion's actions done or cancelled.
        let updated = RecordSet {
            actions: new.updated_actions,
            ..RecordSet::default()
        };
        let version = self
            .save_case(actor, &ctx, created, updated, Action::Create)
            .await?;
        Ok(StrategyRecorded {
            version,
            ..recorded
        })
    }

    /// Record the outcome of a section 47 enquiry of `child`; an ICPC required schedules the initial conference.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), child = %child, section47 = section47.map(tracing::field::display)))]
    pub async fn record_section47_outcome(
        &self,
        actor: &Actor,
        child: PersonId,
        section47: Option<Section47Id>,
        input: &Section47OutcomeInput,
        version: Option<i64>,
    ) -> Result<Section47Recorded, ServiceError> {
        let ctx = self
            .change_for(actor, child, Action::Update, version)
            .await?;
        let s47 = ctx
            .file
            .section47s
            .iter()
            .find(|s| Some(s.id) == section47 && s.child_id == child)
            .ok_or(ServiceError::NotFound)?;
        let s47_id = s47.id;
        let change = rules::record_section47_outcome(s47, input, &facts(&ctx, actor))?;
        let conference = change.initial_conference.as_ref().map(|c| (c.id, c.due_on));
        let version = self
            .save_case(
                actor,
                &ctx,
                RecordSet {
                    conferences: change.initial_conference.into_iter().collect(),
                    ..RecordSet::default()
                },
                RecordSet {
                    section47s: vec![change.section47],
                    ..RecordSet::default()
                },
                Action::Update,
            )
            .await?;
        Ok(Section47Recorded {
            section47_id: s47_id,
            conference_id: conference.map(|c| c.0),
            icpc_due_on: conference.map(|c| c.1),
            version,
        })
    }

    /// Record a scheduled conference of `child` (initial or review).
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), child = %child, conference = conference.map(tracing::field::display)))]
    pub async fn record_conference(
        &self,
        actor: &Actor,
        child: PersonId,
        conference: Option<ConferenceId>,
        input: &ConferenceInput,
        version: Option<i64>,
    ) -> Result<ConferenceRecorded, ServiceError> {
        let ctx = self
            .change_for(actor, child, Action::Update, version)
            .await?;
        self.check_references(&[rules::chair_reference(input, &ctx.child.la)], &[])
            .await?;
        let found = ctx
            .file
            .conferences
            .iter()
            .find(|c| Some(c.id) == conference && c.child_id == child)
            .ok_or(ServiceError::NotFound)?;
        let change = rules::record_conference(found, input, &facts(&ctx, actor))?;
        let mut recorded = ConferenceRecorded {
            conference_id: found.id,
            plan_id: change
                .new_plan
                .as_ref()
                .or(change.updated_plan.as_ref())
                .map(|p| p.id),
            action_ids: change.actions.iter().map(|a| a.id).collect(),
            core_group_id: change.core_group.as_ref().map(|g| g.id),
            core_group_due_on: change.core_group.as_ref().map(|g| g.due_on),
            next_review_conference_id: change.next_review.as_ref().map(|c| c.id),
            next_review_on: change.next_review.as_ref().map(|c| c.due_on),
            plan_ended_on: change.updated_plan.as_ref().and_then(|p| p.end_date),
            version: 0,
        };
        let created = RecordSet {
            plans: change.new_plan.into_iter().collect(),
            actions: change.actions,
            core_groups: change.core_group.into_iter().collect(),
            conferences: change.next_review.into_iter().collect(),
            ..RecordSet::default()
        };
        let updated = RecordSet {
            conferences: change.conference.into_iter().collect(),
            plans: change.updated_plan.into_iter().collect(),
            ..RecordSet::default()
        };
        recorded.version = self
            .save_case(actor, &ctx, created, updated, Action::Update)
            .await?;
        Ok(recorded)
    }

    /// Record a scheduled core group of `child`'s child protection plan, and schedule the next.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), child = %child, core_group = core_group.map(tracing::field::display)))]
    pub async fn record_core_group(
        &self,
        actor: &Actor,
        child: PersonId,
        core_group: Option<CoreGroupId>,
        input: &CoreGroupInput,
        version: Option<i64>,
    ) -> Result<CoreGroupRecorded, ServiceError> {
        let ctx = self
            .change_for(actor, child, Action::Update, version)
            .await?;
        let found = ctx
            .file
            .core_groups
            .iter()
            .find(|g| Some(g.id) == core_group && g.child_id == child)
            .ok_or(ServiceError::NotFound)?;
        let group_id = found.id;
        let change = rules::record_core_group(found, input, &facts(&ctx, actor))?;
        let next = change.next.as_ref().map(|g| (g.id, g.due_on));
        let version = self
            .save_case(
                actor,
                &ctx,
                RecordSet {
                    core_groups: change.next.into_iter().collect(),
                    ..RecordSet::default()
                },
                RecordSet {
                    core_groups: vec![change.core_group],
                    ..RecordSet::default()
                },
                Action::Update,
            )
            .await?;
        Ok(CoreGroupRecorded {
            core_group_id: group_id,
            next_core_group_id: next.map(|n| n.0),
            next_due_on: next.map(|n| n.1),
            version,
        })
    }
}
