//! A child's case summary and chronology to print: for a conference, a court bundle, a transfer. One audited
//! read of the record gives identity, family, open episodes and plans with their actions, the latest assessment
//! and the chronology (filtered by period and kind of event); the same summary prints as a page (HTML with print
//! styles) and as PDF.

use domain::audit::Actor;
use domain::chronology::{ChronologyFilter, uk_date};
use domain::codes::{ActionStatus, PlanKind};
use domain::datetime::{Date, Timestamp, london_date};
use domain::ids::PersonId;
use domain::records::{ActionParent, RecordSet};
use print::{Block, Column, Document};
use serde::Serialize;
use store::Store;

use crate::actions::ActionRow;
use crate::children::ChildRecord;
use crate::{ServiceError, Services};

/// An open plan, with its open actions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PlanSummary {
    pub kind: PlanKind,
    pub label: &'static str,
    pub since: Date,
    pub category: Option<&'static str>,
    pub next_review_on: Option<Date>,
    pub needs: String,
    pub desired_outcomes: String,
    pub actions: Vec<ActionRow>,
}

/// The latest child and family assessment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AssessmentSummary {
    pub started: Date,
    pub authorised_on: Option<Date>,
    pub child_seen: bool,
    pub child_seen_alone: bool,
    pub wishes_and_feelings: String,
    pub risk_factors: Option<String>,
    pub protective_factors: Option<String>,
    pub outcome: Option<&'static str>,
}

/// What a printed case summary holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CaseSummary {
    /// Identity, family, households, allocation, open episodes; its chronology is the filtered one.
    pub record: ChildRecord,
    pub plans: Vec<PlanSummary>,
    /// Open actions not on a plan (strategy discussions, supervision, audits), soonest due first.
    pub other_actions: Vec<ActionRow>,
    pub latest_assessment: Option<AssessmentSummary>,
    pub filter: ChronologyFilter,
    /// How many events the chronology has before filtering.
    pub events_in_all: usize,
    pub printed_by: String,
    pub printed_at: Timestamp,
}

impl<S: Store> Services<S> {
    /// The child's case summary, its chronology filtered (an audited read of the record).
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), child = %child))]
    pub async fn case_summary(
        &self,
        actor: &Actor,
        child: PersonId,
        filter: ChronologyFilter,
    ) -> Result<CaseSummary, ServiceError> {
        let file = self.case_file(actor, child).await?;
        // A person merged into another reads the record kept (the case file's first person).
        let child = file.people.first().map_or(child, |p| p.id);
        let mut record = self.record_of(&file, child).await?;
        let events_in_all = record.chronology.len();
        record.chronology.retain(|e| filter.keeps(e));
        let actions = self.action_rows(&file, child).await?;
        let printed_by = match actor.user_id {
            Some(id) => self
                .store
                .directory(vec![id], Vec::new())
                .await?
                .0
                .first()
                .map(|u| u.display_name.clone()),
            None => None,
        }
        .unwrap_or_else(|| actor.label.clone());
        Ok(CaseSummary {
            plans: open_plans(&file, child, &actions),
            other_actions: actions
                .into_iter()
                .filter(|a| a.status == ActionStatus::Open && a.from != "plan")
                .collect(),
            latest_assessment: latest_assessment(&file, child),
            record,
            filter,
            events_in_all,
            printed_by,
            printed_at: self.now(),
        })
    }

    /// The case summary as PDF.
    pub async fn case_summary_pdf(
        &self,
        actor: &Actor,
        child: PersonId,
        filter: ChronologyFilter,
    ) -> Result<Vec<u8>, ServiceError> {
        let summary = self.case_summary(actor, child, filter).await?;
        printed(summary.document()).await
    }

    /// The chronology alone as PDF.
    pub async fn chronology_pdf(
        &self,
        actor: &Actor,
        child: PersonId,
        filter: ChronologyFilter,
    ) -> Result<Vec<u8>, ServiceError> {
        let summary = self.case_summary(actor, child, filter).await?;
        printed(summary.chronology_document()).await
    }
}

/// A document as PDF, laid out off the async workers (a long chronology takes a while).
pub(crate) async fn printed(doc: Document) -> Result<Vec<u8>, ServiceError> {
    tokio::task::spawn_blocking(move || print::pdf(&doc))
        .await
        .map_err(|e| ServiceError::internal("printing a document", e))?
        .map_err(|e| ServiceError::internal("printing a document", e))
}

fn open_plans(file: &RecordSet, child: PersonId, actions: &[ActionRow]) -> Vec<PlanSummary> {
    let mut plans: Vec<PlanSummary> = file
        .plans
        .iter()
        .filter(|p| p.child_id == child && p.end_date.is_none())
        .map(|p| {
            let of_plan = |a: &&ActionRow| {
                a.status == ActionStatus::Open
                    && file
                        .actions
                        .iter()
                        .any(|r| r.id == a.id && r.parent == ActionParent::Plan(p.id))
            };
            PlanSummary {
                kind: p.kind,
                label: p.kind.label(),
                since: p.start_date,
                category: p.latest_category.map(|c| c.label()),
                next_review_on: p.next_review_on,
                needs: p.needs.clone(),
                desired_outcomes: p.desired_outcomes.clone(),
                actions: actions.iter().filter(of_plan).cloned().collect(),
            }
        })
        .collect();
    plans.sort_by_key(|p| std::cmp::Reverse(p.since));
    plans
}

fn latest_assessment(file: &RecordSet, child: PersonId) -> Option<AssessmentSummary> {
    let a = file
        .assessments
        .iter()
        .filter(|a| a.child_id == child)
        .max_by_key(|a| (a.start_date, a.id))?;
    Some(AssessmentSummary {
        started: a.start_date,
        authorised_on: a.authorised_on,
        child_seen: a.child_seen,
        child_seen_alone: a.child_seen_alone,
        wishes_and_feelings: a.wishes_and_feelings.clone(),
        risk_factors: a.risk_factors.clone(),
        protective_factors: a.protective_factors.clone(),
        outcome: a.outcome.map(|o| o.label()),
    })
}

fn yes_no(b: bool) -> String {
    if b { "Yes" } else { "No" }.to_owned()
}

fn or_none(s: &Option<String>) -> String {
    s.clone()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| "Not recorded".to_owned())
}

fn action_table(actions: &[ActionRow]) -> Block {
    Block::Table {
        columns: vec![
            Column::new("Action", 4.0),
            Column::new("Who", 1.6),
            Column::new("Due", 1.4),
            Column::new("Agreed at", 1.4),
        ],
        rows: actions
            .iter()
            .map(|a| {
                let mut due = uk_date(a.due_on);
                if a.times_redated > 0 {
                    due.push_str(&format!(" (re-dated {}×)", a.times_redated));
                }
                vec![
                    a.description.clone(),
                    a.owner.clone(),
                    due,
                    a.from_label.to_owned(),
                ]
            })
            .collect(),
    }
}

impl CaseSummary {
    fn heading(&self, what: &str) -> Document {
        let c = &self.record.child;
        let mut ids = Vec::new();
        if let Some(dob) = c.date_of_birth {
            let age = c.age.map(|a| format!(" (age {a})")).unwrap_or_default();
            ids.push(format!("Born {}{age}", uk_date(dob)));
        } else if let Some(edd) = c.expected_date_of_birth {
            ids.push(format!("Expected {}", uk_date(edd)));
        }
        if let Some(n) = &c.nhs_number {
            ids.push(format!("NHS number {n}"));
        }
        if let Some(id) = &c.la_child_id {
            ids.push(format!("LA child ID {id}"));
        }
        let la =
            c.la.name()
                .map(|n| format!("{n} ({})", c.la))
                .unwrap_or_else(|| c.la.to_string());
        let at = self.printed_at;
        let local = domain::datetime::london().to_datetime(at);
        Document::new(format!("{what}: {}", c.name))
            .with_subtitle(ids.join(" · "))
            .with_subtitle(format!("{la} · Chronology {}", self.filter.period()))
            .with_footer(format!(
                "Printed by {} on {} at {:02}:{:02}",
                self.printed_by,
                uk_date(london_date(at)),
                local.hour(),
                local.minute()
            ))
    }

    /// The chronology as a table, newest first, with what was left out said.
    fn chronology_blocks(&self) -> Vec<Block> {
        let mut blocks = Vec::new();
        let shown = self.record.chronology.len();
        let kinds = if self.filter.kinds.is_empty() {
            "all kinds of event".to_owned()
        } else {
            self.filter
                .kinds
                .iter()
                .map(|k| domain::chronology::kind_label(k))
                .collect::<Vec<_>>()
                .join(", ")
        };
        blocks.push(Block::Hint(format!(
            "{shown} of {} events: {}, {kinds}. Newest first.",
            self.events_in_all,
            self.filter.period()
        )));
        if shown > 0 {
            blocks.push(Block::Table {
                columns: vec![
                    Column::new("When", 1.3),
                    Column::new("Event", 1.5),
                    Column::new("What happened", 4.5),
                ],
                rows: self
                    .record
                    .chronology
                    .iter()
                    .map(|e| {
                        let local = domain::datetime::london().to_datetime(e.at);
                        let when = if e.date_only {
                            uk_date(london_date(e.at))
                        } else {
                            format!(
                                "{} {:02}:{:02}",
                                uk_date(london_date(e.at)),
                                local.hour(),
                                local.minute()
                            )
                        };
                        vec![
                            when,
                            domain::chronology::kind_label(e.kind).to_owned(),
                            e.summary.clone(),
                        ]
                    })
                    .collect(),
            });
        }
        blocks
    }

    /// The summary as a printed document.
    pub fn document(&self) -> Document {
        let r = &self.record;
        let c = &r.child;
        let mut doc = self.heading("Case summary");
        let mut identity = vec![("Name".to_owned(), c.name.clone())];
        if let Some(o) = &r.other_names {
            identity.push(("Other names".into(), o.clone()));
        }
        identity.push(("Sex".into(), c.sex.label().to_owned()));
        if let Some(g) = &r.gender_identity {
            identity.push(("Gender identity".into(), g.clone()));
        }
        identity.push(("Ethnicity".into(), or_none(&r.ethnicity)));
        identity.push(("First language".into(), or_none(&r.first_language)));
        identity.push(("Religion".into(), or_none(&r.religion)));
        identity.push((
            "Disabilities".into(),
            if r.disabilities.is_empty() {
                "None recorded".into()
            } else {
                r.disabilities.join(", ")
            },
        ));
        if let Some(upn) = &c.upn {
            identity.push(("UPN".into(), upn.clone()));
        }
        if let Some(h) = r.households.iter().find(|h| h.to.is_none()) {
            let postcode = h
                .postcode
                .as_ref()
                .map(|p| format!(" {p}"))
                .unwrap_or_default();
            identity.push((
                "Address".into(),
                format!("{}{postcode} (since {})", h.address, uk_date(h.from)),
            ));
        }
        if let Some(a) = &r.allocation {
            let team = a
                .team
                .as_ref()
                .map(|t| format!(", {t}"))
                .unwrap_or_default();
            identity.push((
                "Allocated worker".into(),
                format!("{}{team} (since {})", a.worker, uk_date(a.from)),
            ));
        }
        doc = doc
            .push(Block::Heading("Identity".into()))
            .push(Block::Facts(identity));

        doc = doc.push(Block::Heading("Family and household".into()));
        if r.family.is_empty() {
            doc = doc.push(Block::Hint("No relatives recorded.".into()));
        } else {
            doc = doc.push(Block::Bullets(
                r.family
                    .iter()
                    .map(|m| {
                        let born = m
                            .date_of_birth
                            .map(|d| format!(", born {}", uk_date(d)))
                            .unwrap_or_default();
                        let pr = if m.parental_responsibility {
                            " (parental responsibility)"
                        } else {
                            ""
                        };
                        format!("{}: {}{born}{pr}", m.relationship, m.name)
                    })
                    .collect(),
            ));
        }
        if let Some(h) = r.households.iter().find(|h| h.to.is_none())
            && !h.members.is_empty()
        {
            doc = doc.push(Block::Paragraph(format!(
                "Lives with: {}.",
                h.members.join(", ")
            )));
        }

        doc = doc.push(Block::Heading("Open episodes".into()));
        if r.open_episodes.is_empty() {
            doc = doc.push(Block::Hint("Nothing open.".into()));
        } else {
            doc = doc.push(Block::Facts(
                r.open_episodes
                    .iter()
                    .map(|e| {
                        let detail = e
                            .detail
                            .as_ref()
                            .map(|d| format!(". {d}"))
                            .unwrap_or_default();
                        (
                            e.label.clone(),
                            format!("Since {}{detail}", uk_date(e.since)),
                        )
                    })
                    .collect(),
            ));
        }

        for p in &self.plans {
            doc = doc.push(Block::Heading(format!(
                "{} (since {})",
                p.label,
                uk_date(p.since)
            )));
            let mut facts = Vec::new();
            if let Some(c) = p.category {
                facts.push(("Category".to_owned(), c.to_owned()));
            }
            if let Some(n) = p.next_review_on {
                facts.push(("Next review".into(), uk_date(n)));
            }
            facts.push(("Needs".into(), p.needs.clone()));
            facts.push(("Desired outcomes".into(), p.desired_outcomes.clone()));
            doc = doc
                .push(Block::Facts(facts))
                .push(Block::Subheading("Open actions".into()));
            doc = if p.actions.is_empty() {
                doc.push(Block::Hint("No open actions.".into()))
            } else {
                doc.push(action_table(&p.actions))
            };
        }
        if !self.other_actions.is_empty() {
            doc = doc
                .push(Block::Heading("Other open actions".into()))
                .push(action_table(&self.other_actions));
        }

        doc = doc.push(Block::Heading("Latest assessment".into()));
        doc = match &self.latest_assessment {
            None => doc.push(Block::Hint("No child and family assessment.".into())),
            Some(a) => doc.push(Block::Facts(vec![
                ("Started".into(), uk_date(a.started)),
                (
                    "Authorised".into(),
                    a.authorised_on
                        .map_or_else(|| "Not yet authorised".into(), uk_date),
                ),
                ("Child seen".into(), yes_no(a.child_seen)),
                ("Child seen alone".into(), yes_no(a.child_seen_alone)),
                ("Wishes and feelings".into(), a.wishes_and_feelings.clone()),
                ("Risk factors".into(), or_none(&a.risk_factors)),
                ("Protective factors".into(), or_none(&a.protective_factors)),
                (
                    "Outcome".into(),
                    a.outcome.unwrap_or("Not yet decided").to_owned(),
                ),
            ])),
        };

        doc = doc.push(Block::Heading("Chronology".into()));
        for block in self.chronology_blocks() {
            doc = doc.push(block);
        }
        doc
    }

    /// The chronology alone as a printed document.
    pub fn chronology_document(&self) -> Document {
        let mut doc = self.heading("Chronology");
        for block in self.chronology_blocks() {
            doc = doc.push(block);
        }
        doc
    }
}
