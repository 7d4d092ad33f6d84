//! Actions carried to completion: any action (of a strategy discussion, a plan, a supervision or a case-file
//! audit) marked done, with what was done, or re-dated, with why, by someone who may change the child's
//! records. Each is an update of the action and an [`ActionUpdate`](domain::records::ActionUpdate) of its
//! history, saved as one change to the child's records. The rules are `domain::actions`.

use domain::actions::{self, DoneInput, RedateInput};
use domain::audit::Actor;
use domain::ids::{ActionId, ActionUpdateId, PersonId};
use domain::policy::Action as Act;
use domain::records::{Action, ActionUpdate, RecordSet};
use store::Store;

use crate::case_management::Saved;
use crate::casework::CaseContext;
use crate::{ServiceError, Services};

/// What to do to an action.
enum Change<'a> {
    Done(&'a DoneInput),
    Redate(&'a RedateInput),
}

impl<S: Store> Services<S> {
    /// The child an action is about. An action that does not exist (or is about no child) is answered as a
    /// child the user may not see: 403 for a role that may never change case records, else 404 (the attempt is
    /// audited). Nothing of the child is read here: the change reads the child's records through an audited
    /// view.
    async fn child_of_action(
        &self,
        actor: &Actor,
        action: ActionId,
    ) -> Result<PersonId, ServiceError> {
        match self.store.action_child(actor, action, self.now()).await? {
            Some(child) => Ok(child),
            None if actor.role.is_some_and(|r| {
                domain::policy::grants(r, domain::policy::Area::CaseRecords, Act::Update)
            }) =>
            {
                Err(ServiceError::NotFound)
            }
            None => Err(ServiceError::Forbidden),
        }
    }

    /// Mark an action done (`POST /api/v1/actions/{id}/done`): what was done, and when (today unless said).
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), action = %action))]
    pub async fn mark_action_done(
        &self,
        actor: &Actor,
        action: ActionId,
        input: &DoneInput,
        version: Option<i64>,
    ) -> Result<Saved, ServiceError> {
        let child = self.child_of_action(actor, action).await?;
        self.change_action(actor, child, action, Change::Done(input), version)
            .await
    }

    /// Mark an action of the child done (from the child's pages and the casework worklist).
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), child = %child, action = %action))]
    pub async fn complete_child_action(
        &self,
        actor: &Actor,
        child: PersonId,
        action: ActionId,
        input: &DoneInput,
        version: Option<i64>,
    ) -> Result<Saved, ServiceError> {
        self.change_action(actor, child, action, Change::Done(input), version)
            .await
    }

    /// Move an action's due date, with the reason (`POST /api/v1/actions/{id}/redate`).
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), action = %action))]
    pub async fn redate_action(
        &self,
        actor: &Actor,
        action: ActionId,
        input: &RedateInput,
        version: Option<i64>,
    ) -> Result<Saved, ServiceError> {
        let child = self.child_of_action(actor, action).await?;
        self.change_action(actor, child, action, Change::Redate(input), version)
            .await
    }

    /// Move the due date of an action of the child (from the child's pages and the casework worklist).
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), child = %child, action = %action))]
    pub async fn redate_child_action(
        &self,
        actor: &Actor,
        child: PersonId,
        action: ActionId,
        input: &RedateInput,
        version: Option<i64>,
    ) -> Result<Saved, ServiceError> {
        self.change_action(actor, child, action, Change::Redate(input), version)
            .await
    }

    async fn change_action(
        &self,
        actor: &Actor,
        child: PersonId,
        action: ActionId,
        change: Change<'_>,
        version: Option<i64>,
    ) -> Result<Saved, ServiceError> {
        let ctx: CaseContext = self.change_for(actor, child, Act::Update, version).await?;
        let current: &Action = ctx
            .file
            .actions
            .iter()
            .find(|a| a.id == action && a.child_id == Some(child))
            .ok_or(ServiceError::NotFound)?;
        let id = ActionUpdateId::new();
        let (updated, update): (Action, ActionUpdate) = match change {
            Change::Done(input) => actions::complete(current, input, actor.user_id, ctx.now, id)?,
            Change::Redate(input) => actions::redate(current, input, actor.user_id, ctx.now, id)?,
        };
        let version = self
            .save_case(
                actor,
                &ctx,
                RecordSet {
                    action_updates: vec![update],
                    ..RecordSet::default()
                },
                RecordSet {
                    actions: vec![updated],
                    ..RecordSet::default()
                },
                Act::Update,
            )
            .await?;
        Ok(Saved {
            id: Some(action.to_string()),
            version,
        })
    }
}

/// A child's actions, as the actions page and `GET /api/v1/children/{id}/actions` show them.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ActionsView {
    pub child: crate::children::ChildSummary,
    /// The version of the child's records read.
    pub version: i64,
    /// Open actions first (soonest due first), then done and cancelled ones (latest first).
    pub actions: Vec<ActionRow>,
}

/// One action, with its history.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ActionRow {
    pub id: ActionId,
    /// Where it was agreed: strategy-discussion | plan | supervision | case-file-audit.
    pub from: &'static str,
    pub from_label: &'static str,
    pub description: String,
    pub owner: String,
    pub due_on: domain::datetime::Date,
    pub status: domain::codes::ActionStatus,
    pub completed_on: Option<domain::datetime::Date>,
    pub times_redated: usize,
    /// Re-dated twice or more: its manager should look at it.
    pub flagged_for_manager: bool,
    /// Marked done and re-dated, oldest first.
    pub history: Vec<ActionHistoryRow>,
}

/// One thing done to an action.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ActionHistoryRow {
    pub kind: domain::codes::ActionUpdateKind,
    pub by: String,
    pub at: domain::datetime::Timestamp,
    pub on: domain::datetime::Date,
    pub previous_due_on: Option<domain::datetime::Date>,
    pub text: String,
}

impl<S: Store> Services<S> {
    /// The child's actions with their history (an audited read of the record).
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), child = %child))]
    pub async fn child_actions(
        &self,
        actor: &Actor,
        child: PersonId,
    ) -> Result<ActionsView, ServiceError> {
        let ctx = self.case_for(actor, child, Act::View).await?;
        let rows = self.action_rows(&ctx.file, child).await?;
        Ok(ActionsView {
            child: crate::children::ChildSummary::of(&ctx.child, ctx.today),
            version: ctx.version,
            actions: rows,
        })
    }

    /// The child's actions in a case file already read (and audited): open ones first (soonest due first),
    /// then done and cancelled ones (latest first), each with its history.
    pub(crate) async fn action_rows(
        &self,
        f: &domain::records::RecordSet,
        child: PersonId,
    ) -> Result<Vec<ActionRow>, ServiceError> {
        use domain::codes::ActionStatus;
        use domain::records::ActionParent;
        let mut user_ids: Vec<_> = f.action_updates.iter().filter_map(|u| u.by).collect();
        user_ids.sort();
        user_ids.dedup();
        let (users, _) = if user_ids.is_empty() {
            (Vec::new(), Vec::new())
        } else {
            self.store.directory(user_ids, Vec::new()).await?
        };
        let name = |id: Option<domain::ids::UserId>| {
            id.and_then(|id| users.iter().find(|u| u.id == id))
                .map_or_else(|| "Unknown user".to_owned(), |u| u.display_name.clone())
        };
        let mut rows: Vec<ActionRow> = f
            .actions
            .iter()
            .filter(|a| a.child_id == Some(child))
            .map(|a| {
                let (from, from_label) = match a.parent {
                    ActionParent::StrategyDiscussion(_) => {
                        ("strategy-discussion", "Strategy discussion")
                    }
                    ActionParent::Plan(_) => ("plan", "Plan"),
                    ActionParent::Supervision(_) => ("supervision", "Supervision"),
                    ActionParent::CaseFileAudit(_) => ("case-file-audit", "Case-file audit"),
                };
                let mut history: Vec<ActionHistoryRow> = f
                    .action_updates
                    .iter()
                    .filter(|u| u.action_id == a.id)
                    .map(|u| ActionHistoryRow {
                        kind: u.kind,
                        by: name(u.by),
                        at: u.at,
                        on: u.on,
                        previous_due_on: u.previous_due_on,
                        text: u.text.clone(),
                    })
                    .collect();
                history.sort_by_key(|h| h.at);
                let times_redated = actions::times_redated(a.id, &f.action_updates);
                ActionRow {
                    id: a.id,
                    from,
                    from_label,
                    description: a.description.clone(),
                    owner: a.owner.clone(),
                    due_on: a.due_on,
                    status: a.status,
                    completed_on: a.completed_on,
                    times_redated,
                    flagged_for_manager: a.status == ActionStatus::Open
                        && times_redated >= actions::REDATINGS_BEFORE_FLAG,
                    history,
                }
            })
            .collect();
        rows.sort_by(|a, b| {
            let open = |r: &ActionRow| r.status != ActionStatus::Open;
            open(a).cmp(&open(b)).then_with(|| {
                if a.status == ActionStatus::Open {
                    (a.due_on, a.id).cmp(&(b.due_on, b.id))
                } else {
                    (b.completed_on, b.id).cmp(&(a.completed_on, a.id))
                }
            })
        });
        Ok(rows)
    }
}
