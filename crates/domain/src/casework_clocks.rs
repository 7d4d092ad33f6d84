//! Every statutory clock of the open casework of some children, for worklists: initial child protection
//! conferences, core groups and review conferences not yet held, assessments not yet authorised, open actions,
//! visits, child in need plan reviews and supervision. Pure: the records come in a [`RecordSet`] (as the store
//! reads them for a worklist), the LAs' clock settings and calendars and today's date alongside.
//!
//! The conventions of the records (see `records::casework` and `records::protection`):
//! - A meeting due but not held is a row with `held_on: None`: initial conferences (kind `initial`, with the
//!   section 47 enquiry), review conferences (kind `review`, with the plan), core groups (with `due_on`). A
//!   section 47 enquiry that needs (or may need) an ICPC and has no initial conference row yet is an ICPC clock
//!   of its own, due `icpc_due_on`.
//! - Actions are open while `status` is open, due `due_on`.
//! - An assessment is due `due_on` until authorised. An open referral with no assessment at all: due 45 working
//!   days after the referral.
//! - Plans are open while they have no end date. A child in need plan is reviewed by `next_review_on`; child
//!   protection plans are reviewed at conferences (the scheduled review conference). Visits: the next is due
//!   every so many working days (by plan type, per LA) after the last visit since the plan started.
//! - Supervision: each open allocation, every so many working days after the last supervision that discussed
//!   the child or the last management oversight note on the child (or the allocation).
//!
//! Only children with an open referral (CIN episode) have clocks, and only for the work of their open referrals
//! and open plans: nothing is shown for held meetings, ended plans, closed cases or finished actions.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::calendar::Calendar;
use crate::clocks::{self, ClockSettings, ClockStatus, DayClock};
use crate::codes::{ActionStatus, ConferenceKind, PlanKind};
use crate::datetime::Date;
use crate::error::ValueError;
use crate::identifiers::LaCode;
use crate::ids::{ActionId, ChildId, PlanId, ReferralId};
use crate::records::{ActionParent, Plan, RecordSet};

/// The kinds of casework clock, with stable codes for the API.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ClockKind {
    Icpc,
    CoreGroup,
    ReviewConference,
    Assessment,
    Action,
    Visit,
    PlanReview,
    Supervision,
}

impl ClockKind {
    /// Every kind, in the order a worklist's filter lists them.
    pub const ALL: &'static [ClockKind] = &[
        ClockKind::Icpc,
        ClockKind::CoreGroup,
        ClockKind::ReviewConference,
        ClockKind::Assessment,
        ClockKind::Action,
        ClockKind::Visit,
        ClockKind::PlanReview,
        ClockKind::Supervision,
    ];
    /// The field name used in error messages.
    pub const FIELD: &'static str = "kind";

    /// The code as written in the API.
    pub fn code(self) -> &'static str {
        match self {
            ClockKind::Icpc => "icpc",
            ClockKind::CoreGroup => "core-group",
            ClockKind::ReviewConference => "review-conference",
            ClockKind::Assessment => "assessment",
            ClockKind::Action => "action",
            ClockKind::Visit => "visit",
            ClockKind::PlanReview => "plan-review",
            ClockKind::Supervision => "supervision",
        }
    }

    /// The kind in plain English (for a filter).
    pub fn label(self) -> &'static str {
        match self {
            ClockKind::Icpc => "Initial child protection conferences",
            ClockKind::CoreGroup => "Core groups",
            ClockKind::ReviewConference => "Review conferences",
            ClockKind::Assessment => "Assessments",
            ClockKind::Action => "Actions",
            ClockKind::Visit => "Visits",
            ClockKind::PlanReview => "Child in need plan reviews",
            ClockKind::Supervision => "Supervision",
        }
    }

    /// Parse a code (surrounding spaces ignored, letters in any case).
    pub fn parse(s: &str) -> Result<ClockKind, ValueError> {
        let t = s.trim();
        if let Some(k) = ClockKind::ALL
            .iter()
            .find(|k| t.eq_ignore_ascii_case(k.code()))
        {
            return Ok(*k);
        }
        if t.is_empty() {
            return Err(ValueError::new(ClockKind::FIELD, "choose a value"));
        }
        let shown: String = t.chars().take(40).collect();
        let codes: Vec<&str> = ClockKind::ALL.iter().map(|k| k.code()).collect();
        Err(ValueError::new(
            ClockKind::FIELD,
            format!(
                "'{shown}' is not a known code (expected one of {})",
                codes.join(", ")
            ),
        ))
    }
}

impl FromStr for ClockKind {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ClockKind::parse(s)
    }
}

impl fmt::Display for ClockKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for ClockKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for ClockKind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        ClockKind::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// One clock of a child's casework, on a worklist.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CaseClock {
    pub child_id: ChildId,
    pub la: LaCode,
    pub kind: ClockKind,
    pub due_on: Date,
    /// Working days left (0: due today), or working days overdue.
    pub status: ClockStatus<u32>,
    /// What is due, in words: "Initial child protection conference due".
    pub label: String,
    /// The page where the work is done.
    pub link: String,
    /// The action, for an action's clock.
    pub action: Option<ActionId>,
    /// How many times the action has been re-dated (twice or more: its manager should look).
    pub times_redated: usize,
}

impl CaseClock {
    pub fn is_overdue(&self) -> bool {
        self.status.is_overdue()
    }

    /// An action re-dated often enough that its manager should look at it.
    pub fn flagged_for_manager(&self) -> bool {
        self.times_redated >= crate::actions::REDATINGS_BEFORE_FLAG
    }

    /// "Overdue by 3 working days", "Due today", "Due in 1 working day".
    pub fn status_label(&self) -> String {
        status_label(&self.status)
    }
}

/// A day clock's status in words.
pub fn status_label(status: &ClockStatus<u32>) -> String {
    let days = |n: u32| {
        if n == 1 {
            "1 working day".to_owned()
        } else {
            format!("{n} working days")
        }
    };
    match *status {
        ClockStatus::Overdue { by } => format!("Overdue by {}", days(by)),
        ClockStatus::Due { remaining: 0 } => "Due today".to_owned(),
        ClockStatus::Due { remaining } => format!("Due in {}", days(remaining)),
    }
}

/// One LA's clock settings and working-day calendar.
#[derive(Clone, Copy, Debug)]
pub struct LaClocks<'a> {
    pub la: &'a LaCode,
    pub settings: &'a ClockSettings,
    pub calendar: &'a Calendar,
}

/// Where the work on a child is done.
fn protection_link(child: ChildId) -> String {
    format!("/children/{child}/protection")
}

fn plans_link(child: ChildId) -> String {
    format!("/children/{child}/plans")
}

fn child_link(child: ChildId) -> String {
    format!("/children/{child}")
}

fn supervision_link(child: ChildId) -> String {
    format!("/supervision/new?child={child}")
}

/// Every clock of the open casework in `set`, most overdue first (then by due date, child and kind). Records of
/// an LA not in `las` are left out.
pub fn case_clocks(set: &RecordSet, las: &[LaClocks<'_>], today: Date) -> Vec<CaseClock> {
    let la_of = |code: &LaCode| las.iter().find(|l| l.la == code).copied();
    // Open referrals, and the children they make in scope.
    let open_referrals: HashMap<ReferralId, &crate::records::Referral> = set
        .referrals
        .iter()
        .filter(|r| r.closure.is_none())
        .map(|r| (r.id, r))
        .collect();
    let open_children: HashSet<ChildId> = open_referrals.values().map(|r| r.child_id).collect();
    let open_plans: HashMap<PlanId, &Plan> = set
        .plans
        .iter()
        .filter(|p| {
            p.end_date.is_none()
                && open_children.contains(&p.child_id)
                && open_referrals.contains_key(&p.referral_id)
        })
        .map(|p| (p.id, p))
        .collect();
    let mut out = Vec::new();
    // An action's clock also carries the action (to mark it done from a worklist) and how often it was re-dated.
    let mut push_clock = |la: &LaCode,
                          child: ChildId,
                          kind: ClockKind,
                          due: Date,
                          label: String,
                          link: String,
                          action: Option<(ActionId, usize)>| {
        if !open_children.contains(&child) {
            return;
        }
        let Some(l) = la_of(la) else {
            return;
        };
        let clock = DayClock::new(l.calendar, due, today);
        out.push(CaseClock {
            child_id: child,
            la: la.clone(),
            kind,
            due_on: due,
            status: clock.status,
            label,
            link,
            action: action.map(|(id, _)| id),
            times_redated: action.map_or(0, |(_, n)| n),
        });
    };
    macro_rules! push {
        ($la:expr, $child:expr, $kind:expr, $due:expr, $label:expr, $link:expr $(,)?) => {
            push_clock($la, $child, $kind, $due, $label, $link, None)
        };
    }

    // Initial child protection conferences: scheduled and not held, or needed and not yet scheduled.
    let section47s: HashMap<_, _> = set.section47s.iter().map(|s| (s.id, s)).collect();
    for c in set.conferences.iter().filter(|c| c.held_on.is_none()) {
        match c.kind {
            ConferenceKind::Initial | ConferenceKind::TransferIn => {
                // The enquiry's referral must still be open (when the enquiry is known).
                let s47_open = c
                    .section47_id
                    .and_then(|id| section47s.get(&id))
                    .is_none_or(|s| open_referrals.contains_key(&s.referral_id));
                if s47_open {
                    let label = if c.kind == ConferenceKind::Initial {
                        "Initial child protection conference due"
                    } else {
                        "Transfer-in conference due"
                    };
                    push!(
                        &c.la,
                        c.child_id,
                        ClockKind::Icpc,
                        c.due_on,
                        label.to_owned(),
                        protection_link(c.child_id),
                    );
                }
            }
            ConferenceKind::Review => {
                // A review of a plan that has ended is not due.
                if c.plan_id.is_none_or(|p| open_plans.contains_key(&p)) {
                    push!(
                        &c.la,
                        c.child_id,
                        ClockKind::ReviewConference,
                        c.due_on,
                        "Review conference due".to_owned(),
                        protection_link(c.child_id),
                    );
                }
            }
        }
    }
    let with_initial: HashSet<_> = set
        .conferences
        .iter()
        .filter(|c| c.kind == ConferenceKind::Initial)
        .filter_map(|c| c.section47_id)
        .collect();
    for s in &set.section47s {
        let needs = s.icpc_required != Some(false)
            && (s.outcome.is_none() || s.icpc_required == Some(true));
        if needs && !with_initial.contains(&s.id) && open_referrals.contains_key(&s.referral_id) {
            push!(
                &s.la,
                s.child_id,
                ClockKind::Icpc,
                s.icpc_due_on,
                "Initial child protection conference due".to_owned(),
                protection_link(s.child_id),
            );
        }
    }

    // Core groups of open plans not yet held: the first (no core group of the plan held yet), or the next.
    let plans_with_a_core_group: HashSet<PlanId> = set
        .core_groups
        .iter()
        .filter(|g| g.held_on.is_some())
        .map(|g| g.plan_id)
        .collect();
    for g in set.core_groups.iter().filter(|g| g.held_on.is_none()) {
        if !open_plans.contains_key(&g.plan_id) {
            continue;
        }
        let label = if plans_with_a_core_group.contains(&g.plan_id) {
            "Core group due"
        } else {
            "First core group due"
        };
        push!(
            &g.la,
            g.child_id,
            ClockKind::CoreGroup,
            g.due_on,
            label.to_owned(),
            protection_link(g.child_id),
        );
    }

    // Assessments: not yet authorised; or an open referral without one.
    let assessed: HashSet<ReferralId> = set.assessments.iter().map(|a| a.referral_id).collect();
    for a in set.assessments.iter().filter(|a| a.authorised_on.is_none()) {
        if open_referrals.contains_key(&a.referral_id) {
            push!(
                &a.la,
                a.child_id,
                ClockKind::Assessment,
                a.due_on,
                "Assessment due".to_owned(),
                plans_link(a.child_id),
            );
        }
    }
    let mut referrals: Vec<_> = open_referrals.values().collect();
    referrals.sort_by_key(|r| (r.referral_date, r.id));
    for r in referrals {
        if r.nfa || assessed.contains(&r.id) {
            continue;
        }
        let Some(l) = la_of(&r.la) else {
            continue;
        };
        push!(
            &r.la,
            r.child_id,
            ClockKind::Assessment,
            clocks::assessment_due(l.calendar, r.referral_date),
            "Assessment due".to_owned(),
            plans_link(r.child_id),
        );
    }

    // Open actions (not those of a plan that has ended).
    for a in set
        .actions
        .iter()
        .filter(|a| a.status == ActionStatus::Open)
    {
        let Some(child) = a.child_id else {
            continue;
        };
        let (what, link) = match a.parent {
            ActionParent::StrategyDiscussion(_) => {
                ("Strategy discussion action due", protection_link(child))
            }
            ActionParent::Plan(plan) => {
                if set.plans.iter().any(|p| p.id == plan) && !open_plans.contains_key(&plan) {
                    continue;
                }
                ("Plan action due", plans_link(child))
            }
            ActionParent::Supervision(_) => ("Supervision action due", child_link(child)),
            ActionParent::CaseFileAudit(_) => ("Audit action due", child_link(child)),
        };
        push_clock(
            &a.la,
            child,
            ClockKind::Action,
            a.due_on,
            format!("{what}: {} ({})", a.description.trim(), a.owner.trim()),
            link,
            Some((
                a.id,
                crate::actions::times_redated(a.id, &set.action_updates),
            )),
        );
    }

    // Plans: CIN plan reviews, and visits.
    let mut last_visit: HashMap<ChildId, Vec<Date>> = HashMap::new();
    for v in &set.visits {
        last_visit.entry(v.child_id).or_default().push(v.visited_on);
    }
    let mut plans: Vec<&Plan> = open_plans.values().copied().collect();
    plans.sort_by_key(|p| (p.start_date, p.id));
    for p in plans {
        let Some(l) = la_of(&p.la) else {
            continue;
        };
        if p.kind == PlanKind::ChildInNeed
            && let Some(review) = p.next_review_on
        {
            push!(
                &p.la,
                p.child_id,
                ClockKind::PlanReview,
                review,
                "CIN plan review due".to_owned(),
                plans_link(p.child_id),
            );
        }
        let label = match p.kind {
            PlanKind::ChildProtection => "Child protection visit due",
            PlanKind::ChildInNeed => "Child in need visit due",
        };
        let visits = last_visit.get(&p.child_id).map_or(&[][..], Vec::as_slice);
        push!(
            &p.la,
            p.child_id,
            ClockKind::Visit,
            next_visit_due(l.calendar, l.settings, p, visits),
            label.to_owned(),
            plans_link(p.child_id),
        );
    }

    // Supervision of each open allocation.
    let mut last_supervision: HashMap<ChildId, Date> = HashMap::new();
    for s in &set.supervisions {
        for case in &s.cases {
            let e = last_supervision.entry(case.child_id).or_insert(s.held_on);
            if s.held_on > *e {
                *e = s.held_on;
            }
        }
    }
    // A manager's recorded oversight of the case (a management oversight note) is case direction given too.
    for n in set
        .case_notes
        .iter()
        .filter(|n| crate::case_notes::is_oversight(n))
    {
        let d = crate::datetime::london_date(n.at);
        let e = last_supervision.entry(n.child_id).or_insert(d);
        if d > *e {
            *e = d;
        }
    }
    let mut allocations: Vec<_> = set.allocations.iter().filter(|a| a.to.is_none()).collect();
    allocations.sort_by_key(|a| (a.from, a.id));
    for a in allocations {
        let Some(l) = la_of(&a.la) else {
            continue;
        };
        let since = last_supervision
            .get(&a.child_id)
            .copied()
            .filter(|d| *d >= a.from)
            .unwrap_or(a.from);
        push!(
            &a.la,
            a.child_id,
            ClockKind::Supervision,
            clocks::supervision_due(l.calendar, since, l.settings.supervision_every_wd),
            "Supervision due".to_owned(),
            supervision_link(a.child_id),
        );
    }

    sort_most_overdue_first(&mut out);
    out
}

/// When the next visit to a child on `plan` is due: every so many working days (by the plan's kind) after the
/// last of `visits` (days the child was visited) on or after the plan's start, or after the start.
pub fn next_visit_due(
    cal: &Calendar,
    settings: &ClockSettings,
    plan: &Plan,
    visits: &[Date],
) -> Date {
    let since = visits
        .iter()
        .filter(|d| **d >= plan.start_date)
        .max()
        .copied()
        .unwrap_or(plan.start_date);
    let every = match plan.kind {
        PlanKind::ChildProtection => settings.cp_visit_every_wd,
        PlanKind::ChildInNeed => settings.cin_visit_every_wd,
    };
    clocks::visit_due(cal, since, every)
}

/// Most overdue first: by due date, then by child, kind and label so the order is stable.
pub fn sort_most_overdue_first(clocks: &mut [CaseClock]) {
    clocks.sort_by(|a, b| {
        (a.due_on, a.child_id, a.kind, &a.label).cmp(&(b.due_on, b.child_id, b.kind, &b.label))
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::*;
    use crate::datetime::Timestamp;
    use crate::ids::*;
    use crate::records::*;
    use proptest::prelude::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn at() -> Timestamp {
        "2025-01-01T09:00:00Z".parse().unwrap()
    }

    fn la() -> LaCode {
        LaCode::parse("213").unwrap()
    }

    struct World {
        set: RecordSet,
        child: ChildId,
        referral: ReferralId,
    }

    fn world(referral_date: &str) -> World {
        let child = PersonId::new();
        let referral = Referral {
            id: ReferralId::new(),
            la: la(),
            child_id: child,
            contact_id: None,
            referral_date: d(referral_date),
            source: ReferralSource::Police,
            primary_need: None,
            nfa: false,
            closure: None,
            created_at: at(),
        };
        World {
            child,
            referral: referral.id,
            set: RecordSet {
                referrals: vec![referral],
                ..RecordSet::default()
            },
        }
    }

    fn plan(w: &World, kind: PlanKind, start: &str) -> Plan {
        Plan {
            id: PlanId::new(),
            la: la(),
            child_id: w.child,
            referral_id: w.referral,
            kind,
            start_date: d(start),
            end_date: None,
            end_reason: None,
            needs: "Safety".into(),
            desired_outcomes: "Safe".into(),
            initial_category: None,
            latest_category: None,
            next_review_on: None,
            previous_cp_plans: None,
            created_at: at(),
        }
    }

    fn assessment(w: &World, due: &str, authorised: Option<&str>) -> Assessment {
        Assessment {
            id: AssessmentId::new(),
            la: la(),
            child_id: w.child,
            referral_id: w.referral,
            start_date: d("2025-01-02"),
            due_on: d(due),
            child_seen: true,
            child_seen_alone: false,
            wishes_and_feelings: "Wants to stay at school".into(),
            identity_and_culture: None,
            sources_of_information: None,
            history_considered: None,
            risk_factors: None,
            protective_factors: None,
            safety_goals: None,
            scaling: None,
            factors: Vec::new(),
            outcome: None,
            authorised_by: None,
            authorised_on: authorised.map(d),
            created_at: at(),
        }
    }

    fn section47(w: &World, due: &str) -> Section47 {
        Section47 {
            id: Section47Id::new(),
            la: la(),
            child_id: w.child,
            referral_id: w.referral,
            strategy_discussion_id: StrategyDiscussionId::new(),
            start_date: d("2025-03-20"),
            icpc_due_on: d(due),
            outcome_date: None,
            outcome: None,
            icpc_required: None,
            created_at: at(),
            findings: None,
            child_seen: None,
            child_seen_alone: None,
            seen_on: None,
            not_seen_reason: None,
            analysis: None,
        }
    }

    fn conference(w: &World, kind: ConferenceKind, due: &str, held: Option<&str>) -> Conference {
        Conference {
            id: ConferenceId::new(),
            la: la(),
            child_id: w.child,
            kind,
            section47_id: None,
            plan_id: None,
            due_on: d(due),
            held_on: held.map(d),
            outcome: None,
            category: None,
            chair_id: None,
            created_at: at(),
            attendance: Vec::new(),
            partner_reports: Vec::new(),
        }
    }

    fn action(w: &World, parent: ActionParent, due: &str, status: ActionStatus) -> Action {
        Action {
            id: ActionId::new(),
            la: la(),
            child_id: Some(w.child),
            parent,
            description: "Health visitor to visit".into(),
            owner: "Health visitor".into(),
            owner_user_id: None,
            due_on: d(due),
            status,
            completed_on: None,
            created_at: at(),
        }
    }

    fn clocks_of(set: &RecordSet, today: &str) -> Vec<CaseClock> {
        let cal = Calendar::england_and_wales();
        let settings = ClockSettings::default();
        let code = la();
        case_clocks(
            set,
            &[LaClocks {
                la: &code,
                settings: &settings,
                calendar: &cal,
            }],
            d(today),
        )
    }

    fn kinds(clocks: &[CaseClock]) -> Vec<(ClockKind, String, String)> {
        clocks
            .iter()
            .map(|c| (c.kind, c.due_on.to_string(), c.label.clone()))
            .collect()
    }

    #[test]
    fn kinds_parse_print_and_serialise_as_their_codes() {
        for &k in ClockKind::ALL {
            assert_eq!(k.code().parse::<ClockKind>().unwrap(), k);
            assert_eq!(
                serde_json::to_string(&k).unwrap(),
                format!("\"{}\"", k.code())
            );
        }
        assert_eq!(
            ClockKind::parse(" Core-Group ").unwrap(),
            ClockKind::CoreGroup
        );
        let e = ClockKind::parse("lunch").unwrap_err();
        assert!(e.to_string().contains("expected one of icpc, core-group"));
        assert_eq!(ClockKind::parse("").unwrap_err().problem, "choose a value");
    }

    #[test]
    fn an_icpc_across_easter_is_overdue_by_working_days_only() {
        // The strategy discussion on Thursday 20 March 2025: ICPC due 15 working days later, Thursday 10
        // April. On Tuesday 22 April (after Good Friday 18 and Easter Monday 21 April) it is overdue by the
        // working days since: Fri 11, Mon 14, Tue 15, Wed 16, Thu 17, Tue 22 = 6.
        let mut w = world("2025-03-20");
        let cal = Calendar::england_and_wales();
        let due = clocks::icpc_due(&cal, d("2025-03-20"));
        assert_eq!(due, d("2025-04-10"));
        w.set.section47s.push(section47(&w, "2025-04-10"));
        w.set
            .assessments
            .push(assessment(&w, "2025-05-23", Some("2025-04-01")));
        let c = clocks_of(&w.set, "2025-04-22");
        assert_eq!(
            kinds(&c),
            [(
                ClockKind::Icpc,
                "2025-04-10".into(),
                "Initial child protection conference due".into()
            )]
        );
        assert_eq!(c[0].status, ClockStatus::Overdue { by: 6 });
        assert_eq!(c[0].status_label(), "Overdue by 6 working days");
        assert_eq!(c[0].link, format!("/children/{}/protection", w.child));
        // On Thursday 17 April it is overdue by 5; on the due date itself it is due today; the day before, due
        // in 1 working day; on Good Friday and Easter Monday still overdue by 5 (no working day has passed).
        assert_eq!(
            clocks_of(&w.set, "2025-04-17")[0].status,
            ClockStatus::Overdue { by: 5 }
        );
        assert_eq!(
            clocks_of(&w.set, "2025-04-21")[0].status,
            ClockStatus::Overdue { by: 5 }
        );
        assert_eq!(
            clocks_of(&w.set, "2025-04-10")[0].status_label(),
            "Due today"
        );
        assert_eq!(
            clocks_of(&w.set, "2025-04-09")[0].status_label(),
            "Due in 1 working day"
        );
    }

    #[test]
    fn a_scheduled_icpc_replaces_the_enquirys_own_clock_and_a_held_one_shows_nothing() {
        let mut w = world("2025-03-20");
        w.set
            .assessments
            .push(assessment(&w, "2025-05-23", Some("2025-04-01")));
        let s47 = section47(&w, "2025-04-10");
        let mut icpc = conference(&w, ConferenceKind::Initial, "2025-04-09", None);
        icpc.section47_id = Some(s47.id);
        w.set.section47s.push(s47.clone());
        w.set.conferences.push(icpc.clone());
        let c = clocks_of(&w.set, "2025-04-01");
        assert_eq!(
            kinds(&c),
            [(
                ClockKind::Icpc,
                "2025-04-09".into(),
                "Initial child protection conference due".into()
            )]
        );
        w.set.conferences[0].held_on = Some(d("2025-04-08"));
        assert!(clocks_of(&w.set, "2025-04-01").is_empty());
        // No ICPC needed, or an outcome without one: no clock.
        w.set.conferences.clear();
        w.set.section47s[0].icpc_required = Some(false);
        assert!(clocks_of(&w.set, "2025-04-01").is_empty());
        w.set.section47s[0].icpc_required = None;
        w.set.section47s[0].outcome = Some(Section47Outcome::NotSubstantiated);
        assert!(clocks_of(&w.set, "2025-04-01").is_empty());
        w.set.section47s[0].icpc_required = Some(true);
        assert_eq!(clocks_of(&w.set, "2025-04-01").len(), 1);
    }

    #[test]
    fn a_cp_plan_shows_its_first_core_group_review_conference_visit_and_open_actions() {
        let mut w = world("2025-03-20");
        w.set
            .assessments
            .push(assessment(&w, "2025-05-23", Some("2025-04-01")));
        let mut cp = plan(&w, PlanKind::ChildProtection, "2025-04-10");
        cp.initial_category = Some(AbuseCategory::Neglect);
        let g = CoreGroup {
            id: CoreGroupId::new(),
            la: la(),
            child_id: w.child,
            plan_id: cp.id,
            due_on: clocks::first_core_group_due(&Calendar::england_and_wales(), d("2025-04-10")),
            held_on: None,
            attendees: None,
            notes: None,
            attendance: Vec::new(),
            partner_reports: Vec::new(),
        };
        // 10 working days after Thursday 10 April, across Easter (18 and 21 April): Monday 28 April.
        assert_eq!(g.due_on, d("2025-04-28"));
        let mut review = conference(&w, ConferenceKind::Review, "2025-07-10", None);
        review.plan_id = Some(cp.id);
        let open = action(
            &w,
            ActionParent::Plan(cp.id),
            "2025-04-30",
            ActionStatus::Open,
        );
        let done = action(
            &w,
            ActionParent::Plan(cp.id),
            "2025-04-20",
            ActionStatus::Done,
        );
        let strategy = action(
            &w,
            ActionParent::StrategyDiscussion(StrategyDiscussionId::new()),
            "2025-03-25",
            ActionStatus::Open,
        );
        w.set.plans.push(cp.clone());
        w.set.core_groups.push(g.clone());
        w.set.conferences.push(review);
        w.set.actions = vec![open, done, strategy];
        // A visit on 14 April: the next CP visit is due 10 working days later, 30 April (Easter in between).
        w.set.visits.push(Visit {
            id: VisitId::new(),
            la: la(),
            child_id: w.child,
            plan_id: Some(cp.id),
            kind: VisitKind::ChildProtection,
            visited_on: d("2025-04-14"),
            worker_id: None,
            child_seen: true,
            seen_alone: true,
            bedroom_seen: true,
            wishes_and_feelings: None,
            observations: None,
            created_at: at(),
        });
        let c = clocks_of(&w.set, "2025-04-24");
        assert_eq!(
            kinds(&c),
            [
                (
                    ClockKind::Action,
                    "2025-03-25".into(),
                    "Strategy discussion action due: Health visitor to visit (Health visitor)"
                        .into()
                ),
                (
                    ClockKind::CoreGroup,
                    "2025-04-28".into(),
                    "First core group due".into()
                ),
                (
                    ClockKind::Action,
                    "2025-04-30".into(),
                    "Plan action due: Health visitor to visit (Health visitor)".into()
                ),
                (
                    ClockKind::Visit,
                    "2025-04-30".into(),
                    "Child protection visit due".into()
                ),
                (
                    ClockKind::ReviewConference,
                    "2025-07-10".into(),
                    "Review conference due".into()
                ),
            ]
        );
        // The strategy action is overdue by the working days from 25 March to 24 April (Good Friday and Easter
        // Monday come after); the first core group is due in 2 (Friday 25 and Monday 28 April).
        assert_eq!(c[0].status, ClockStatus::Overdue { by: 20 });
        assert_eq!(c[1].status, ClockStatus::Due { remaining: 2 });
        assert_eq!(c[1].link, format!("/children/{}/protection", w.child));
        assert_eq!(c[3].link, format!("/children/{}/plans", w.child));
        // A second core group after the first was held is "Core group due".
        let mut held = g.clone();
        held.held_on = Some(d("2025-04-24"));
        let mut next = g;
        next.id = CoreGroupId::new();
        next.due_on = d("2025-05-22");
        w.set.core_groups = vec![held, next];
        let c = clocks_of(&w.set, "2025-04-24");
        assert!(
            c.iter()
                .any(|c| c.kind == ClockKind::CoreGroup && c.label == "Core group due")
        );
        // The plan ends: its core group, review conference, visit and actions go; the strategy action stays.
        w.set.plans[0].end_date = Some(d("2025-04-24"));
        let c = clocks_of(&w.set, "2025-04-24");
        assert_eq!(
            c.iter().map(|c| c.kind).collect::<Vec<_>>(),
            [ClockKind::Action]
        );
        // The case closes: nothing at all.
        w.set.referrals[0].closure = Some(Closure {
            date: d("2025-04-24"),
            reason: ClosureReason::ServicesCeased,
        });
        assert!(clocks_of(&w.set, "2025-04-24").is_empty());
    }

    #[test]
    fn assessments_are_due_until_authorised_and_a_referral_without_one_has_a_clock() {
        let mut w = world("2025-03-20");
        // No assessment: 45 working days from Thursday 20 March 2025, skipping Good Friday, Easter Monday, the
        // early May and the spring bank holidays (5 and 26 May): Wednesday 28 May.
        let c = clocks_of(&w.set, "2025-04-01");
        let cal = Calendar::england_and_wales();
        assert_eq!(
            kinds(&c),
            [(
                ClockKind::Assessment,
                clocks::assessment_due(&cal, d("2025-03-20")).to_string(),
                "Assessment due".into()
            )]
        );
        assert_eq!(c[0].due_on, d("2025-05-28"));
        w.set.assessments.push(assessment(&w, "2025-05-23", None));
        let c = clocks_of(&w.set, "2025-04-01");
        assert_eq!(kinds(&c)[0].1, "2025-05-23");
        assert_eq!(c.len(), 1);
        w.set.assessments[0].authorised_on = Some(d("2025-04-01"));
        assert!(clocks_of(&w.set, "2025-04-01").is_empty());
        // A referral that led to no further action needs no assessment.
        w.set.assessments.clear();
        w.set.referrals[0].nfa = true;
        assert!(clocks_of(&w.set, "2025-04-01").is_empty());
    }

    #[test]
    fn cin_plans_have_reviews_and_visits_and_allocations_supervision() {
        let mut w = world("2024-09-02");
        w.set
            .assessments
            .push(assessment(&w, "2024-11-04", Some("2024-10-20")));
        let mut cin = plan(&w, PlanKind::ChildInNeed, "2024-11-01");
        cin.next_review_on = Some(d("2025-02-03"));
        w.set.plans.push(cin);
        let worker = UserId::new();
        w.set.allocations.push(Allocation {
            id: AllocationId::new(),
            la: la(),
            child_id: w.child,
            worker_id: worker,
            team_id: None,
            from: d("2024-09-02"),
            to: None,
        });
        let mut ended = w.set.allocations[0].clone();
        ended.id = AllocationId::new();
        ended.from = d("2024-01-02");
        ended.to = Some(d("2024-09-01"));
        w.set.allocations.push(ended);
        // A visit before the plan started does not count: the first CIN visit is due 20 working days after 1
        // November 2024, on 29 November.
        w.set.visits.push(Visit {
            id: VisitId::new(),
            la: la(),
            child_id: w.child,
            plan_id: None,
            kind: VisitKind::Assessment,
            visited_on: d("2024-10-01"),
            worker_id: None,
            child_seen: true,
            seen_alone: false,
            bedroom_seen: false,
            wishes_and_feelings: None,
            observations: None,
            created_at: at(),
        });
        // Supervision on 18 December 2024: the next is due 20 working days later, skipping Christmas, Boxing
        // Day and New Year's Day: 20 January 2025.
        w.set.supervisions.push(Supervision {
            id: SupervisionId::new(),
            la: la(),
            supervisor_id: UserId::new(),
            supervisee_id: worker,
            held_on: d("2024-12-18"),
            reflection: "Reflective".into(),
            cases: vec![SupervisionCase {
                child_id: w.child,
                discussion: "Progress".into(),
                direction: "Carry on".into(),
            }],
            created_at: at(),
        });
        let c = clocks_of(&w.set, "2025-01-06");
        assert_eq!(
            kinds(&c),
            [
                (
                    ClockKind::Visit,
                    "2024-11-29".into(),
                    "Child in need visit due".into()
                ),
                (
                    ClockKind::Supervision,
                    "2025-01-20".into(),
                    "Supervision due".into()
                ),
                (
                    ClockKind::PlanReview,
                    "2025-02-03".into(),
                    "CIN plan review due".into()
                ),
            ]
        );
        assert_eq!(c[1].link, format!("/supervision/new?child={}", w.child));
        // Overdue by the working days since Friday 29 November: December's 22 weekdays less Christmas Day and
        // Boxing Day, then 2, 3 and 6 January (1 January a bank holiday): 20 + 3 = 23.
        let cal = Calendar::england_and_wales();
        let by = u32::try_from(cal.working_days_between(d("2024-11-29"), d("2025-01-06"))).unwrap();
        assert_eq!(c[0].status, ClockStatus::Overdue { by });
        assert_eq!(by, 23);
        // Without supervision, it is due 20 working days after the allocation.
        w.set.supervisions.clear();
        let c = clocks_of(&w.set, "2025-01-06");
        let sup = c.iter().find(|c| c.kind == ClockKind::Supervision).unwrap();
        assert_eq!(
            sup.due_on,
            clocks::supervision_due(&cal, d("2024-09-02"), 20)
        );
        // A manager's management oversight note on 2 January 2025 is case direction given: the next is due 20
        // working days after it. Another kind of note is not.
        let note = |kind, on: &str| {
            CaseNote::new(
                CaseNoteId::new(),
                la(),
                w.child,
                kind,
                Some(UserId::new()),
                format!("{on}T11:00:00Z").parse().unwrap(),
                "Direction".into(),
            )
        };
        w.set
            .case_notes
            .push(note(CaseNoteKind::Telephone, "2025-01-03"));
        let c = clocks_of(&w.set, "2025-01-06");
        let sup = c.iter().find(|c| c.kind == ClockKind::Supervision).unwrap();
        assert_eq!(
            sup.due_on,
            clocks::supervision_due(&cal, d("2024-09-02"), 20)
        );
        w.set
            .case_notes
            .push(note(CaseNoteKind::ManagementOversight, "2025-01-02"));
        let c = clocks_of(&w.set, "2025-01-06");
        let sup = c.iter().find(|c| c.kind == ClockKind::Supervision).unwrap();
        assert_eq!(
            sup.due_on,
            clocks::supervision_due(&cal, d("2025-01-02"), 20)
        );
    }

    #[test]
    fn another_las_records_are_left_out() {
        let mut w = world("2025-03-20");
        w.set.referrals[0].la = LaCode::parse("205").unwrap();
        assert!(clocks_of(&w.set, "2025-04-01").is_empty());
    }

    proptest! {
        /// Whatever the dates, the clocks come most overdue first, every due date's status agrees with today,
        /// and only open work shows.
        #[test]
        fn clocks_are_sorted_and_their_status_agrees(
            offsets in proptest::collection::vec((0i64..400, 0u8..4), 1..12),
            today_offset in 0i64..500,
        ) {
            let start = d("2024-12-02");
            let cal = Calendar::england_and_wales();
            let mut w = world("2024-12-02");
            w.set.assessments.push(assessment(&w, "2025-02-10", Some("2025-01-20")));
            let cp = plan(&w, PlanKind::ChildProtection, "2024-12-20");
            w.set.plans.push(cp.clone());
            let mut open = 0usize;
            for (off, status) in &offsets {
                let due = start.checked_add(jiff::Span::new().days(*off)).unwrap();
                let status = match status {
                    0 | 1 => ActionStatus::Open,
                    2 => ActionStatus::Done,
                    _ => ActionStatus::Cancelled,
                };
                if status == ActionStatus::Open {
                    open += 1;
                }
                w.set.actions.push(action(&w, ActionParent::Plan(cp.id), &due.to_string(), status));
            }
            let today = start.checked_add(jiff::Span::new().days(today_offset)).unwrap();
            let c = clocks_of(&w.set, &today.to_string());
            // The open actions and the plan's visit.
            prop_assert_eq!(c.len(), open + 1);
            for pair in c.windows(2) {
                prop_assert!(pair[0].due_on <= pair[1].due_on);
            }
            for clock in &c {
                prop_assert_eq!(clock.status.is_overdue(), today > clock.due_on);
                prop_assert_eq!(clock.status, clocks::day_clock_status(&cal, clock.due_on, today));
                prop_assert!(cal.is_working_day(clock.due_on) || clock.kind == ClockKind::Action);
            }
        }
    }
}
