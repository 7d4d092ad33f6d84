//! Determinism, rates and invariants of the synthetic data.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::cast_precision_loss,
    clippy::too_many_lines
)]

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use domain::calendar::Calendar;
use domain::clocks::{self, ClockSettings};
use domain::codes::{
    AbuseCategory, ActionStatus, AssessmentFactor, ClosureReason, ConferenceKind, ContactOutcome,
    Disability, PlanKind, Sex, UpnUnknown,
};
use domain::datetime::{Date, Timestamp};
use domain::identifiers::{LaCode, Upn};
use domain::records::{ActionParent, PartnerFlag, RecordSet};
use synth::{Demo, DemoConfig};
use uuid::Uuid;

fn date(y: i16, m: i8, d: i8) -> Date {
    Date::new(y, m, d).unwrap()
}

fn config(children: u32, years: u32, seed: u64) -> DemoConfig {
    DemoConfig {
        children,
        years,
        seed,
        until: date(2026, 11, 26),
        las: ["205", "207", "213"]
            .iter()
            .map(|c| LaCode::parse(c).unwrap())
            .collect(),
    }
}

/// The organisation and every batch.
fn run(config: &DemoConfig, batch: u32) -> (RecordSet, Vec<RecordSet>) {
    let mut demo = Demo::new(config);
    let org = demo.organisation();
    let mut batches = Vec::new();
    let mut last = 0;
    while let Some(b) = demo.next_batch(batch) {
        assert!(demo.children_done() > last, "progress");
        last = demo.children_done();
        batches.push(b);
    }
    assert_eq!(demo.children_done(), config.children);
    assert!(demo.next_batch(batch).is_none());
    (org, batches)
}

struct Fixture {
    config: DemoConfig,
    org: RecordSet,
    batches: Vec<RecordSet>,
    all: RecordSet,
}

/// A few thousand children over ten years, in batches of 500.
fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let config = config(4_000, 10, 7);
        let (org, batches) = run(&config, 500);
        let mut all = org.clone();
        for b in &batches {
            all.append(&mut b.clone());
        }
        Fixture {
            config,
            org,
            batches,
            all,
        }
    })
}

/// The children entered twice: the later of two children of one LA with the same name and date of birth (a
/// later contact that did not find the child).
fn entered_twice(all: &RecordSet) -> BTreeSet<domain::ids::PersonId> {
    let mut children: Vec<_> = all
        .people
        .iter()
        .filter(|p| p.is_child && p.date_of_birth.is_some())
        .collect();
    children.sort_by_key(|p| (p.created_at, p.id));
    let mut seen = BTreeSet::new();
    let mut twice = BTreeSet::new();
    for p in children {
        let key = (
            p.la.clone(),
            p.first_name.clone(),
            p.last_name.clone(),
            p.date_of_birth,
        );
        if !seen.insert(key) {
            twice.insert(p.id);
        }
    }
    twice
}

fn now(config: &DemoConfig) -> Timestamp {
    domain::datetime::london()
        .to_ambiguous_timestamp(config.until.at(17, 30, 0, 0))
        .compatible()
        .unwrap()
}

// -------------------------------------------------------------------------------------------------------------
// Determinism

#[test]
fn same_config_same_bytes_and_other_seed_differs() {
    let c = config(400, 3, 42);
    let (org1, b1) = run(&c, 150);
    let (org2, b2) = run(&c, 150);
    assert_eq!(org1, org2);
    assert_eq!(b1, b2);
    let j1 = serde_json::to_vec(&(&org1, &b1)).unwrap();
    let j2 = serde_json::to_vec(&(&org2, &b2)).unwrap();
    assert_eq!(j1, j2, "byte-identical");

    let (_, other) = run(&config(400, 3, 43), 150);
    assert_ne!(b1, other);
    assert_ne!(b1[0].people, other[0].people);
}

/// The JSON of a record set with every UUID replaced by `<id>`: ids are given in write order (see
/// `renumber`), so they depend on where a record falls; everything else must not.
fn without_ids(rs: &RecordSet) -> String {
    let json = serde_json::to_string(rs).unwrap();
    let mut out = String::with_capacity(json.len());
    let mut rest = json.as_str();
    while let Some(c) = rest.chars().next() {
        if rest
            .get(..36)
            .is_some_and(|s| s.len() == 36 && uuid::Uuid::try_parse(s).is_ok())
        {
            out.push_str("<id>");
            rest = &rest[36..];
        } else {
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

#[test]
fn families_do_not_depend_on_batch_sizes() {
    let c = config(500, 4, 9);
    let concat = |batches: Vec<RecordSet>| {
        let mut all = RecordSet::default();
        for mut b in batches {
            all.append(&mut b);
        }
        // Supervisions (and their actions) are written with the first batch that holds a worker's case.
        all.supervisions.clear();
        all.actions
            .retain(|a| !matches!(a.parent, ActionParent::Supervision(_)));
        all
    };
    let (_, small) = run(&c, 37);
    let (_, large) = run(&c, 2_000);
    assert!(small.len() > large.len());
    assert_eq!(without_ids(&concat(small)), without_ids(&concat(large)));
}

#[test]
fn batches_hold_whole_families_up_to_the_limit() {
    let f = fixture();
    let twice = entered_twice(&f.all);
    for b in &f.batches {
        let children = b
            .people
            .iter()
            .filter(|p| p.is_child && !twice.contains(&p.id))
            .count();
        assert!(children <= 500 && children > 0);
    }
    let total: usize = f
        .batches
        .iter()
        .map(|b| b.people.iter().filter(|p| p.is_child).count())
        .sum();
    assert!(
        !twice.is_empty() && twice.len() * 100 < f.config.children as usize,
        "about one child in two hundred entered twice: {}",
        twice.len()
    );
    assert_eq!(total, f.config.children as usize + twice.len());
    // A family's relationships never cross batches.
    for b in &f.batches {
        let people: BTreeSet<_> = b.people.iter().map(|p| p.id).collect();
        for r in &b.relationships {
            assert!(people.contains(&r.person_id) && people.contains(&r.related_person_id));
        }
    }
}

// -------------------------------------------------------------------------------------------------------------
// Foreign keys and organisation

fn record_ids(rs: &RecordSet) -> BTreeSet<Uuid> {
    let mut s = BTreeSet::new();
    s.extend(rs.teams.iter().map(|x| x.id.uuid()));
    s.extend(rs.users.iter().map(|x| x.id.uuid()));
    s.extend(rs.people.iter().map(|x| x.id.uuid()));
    s.extend(rs.households.iter().map(|x| x.id.uuid()));
    s.extend(rs.contacts.iter().map(|x| x.id.uuid()));
    s.extend(rs.mash_enquiries.iter().map(|x| x.id.uuid()));
    s.extend(rs.referrals.iter().map(|x| x.id.uuid()));
    s.extend(rs.strategy_discussions.iter().map(|x| x.id.uuid()));
    s.extend(rs.section47s.iter().map(|x| x.id.uuid()));
    s.extend(rs.plans.iter().map(|x| x.id.uuid()));
    s.extend(rs.supervisions.iter().map(|x| x.id.uuid()));
    s.extend(rs.actions.iter().map(|x| x.id.uuid()));
    s.extend(rs.case_file_audits.iter().map(|x| x.id.uuid()));
    s.extend(rs.practice_weeks.iter().map(|x| x.id.uuid()));
    s
}

/// Every reference a set's records make, named.
fn references(rs: &RecordSet) -> Vec<(&'static str, Uuid)> {
    let mut v: Vec<(&'static str, Uuid)> = Vec::new();
    let mut push = |name: &'static str, id: Option<Uuid>| {
        if let Some(id) = id {
            v.push((name, id));
        }
    };
    for u in &rs.users {
        push("user.team", u.team_id.map(|x| x.uuid()));
    }
    for m in &rs.household_members {
        push("member.household", Some(m.household_id.uuid()));
        push("member.person", Some(m.person_id.uuid()));
    }
    for r in &rs.relationships {
        push("relationship.person", Some(r.person_id.uuid()));
        push("relationship.related", Some(r.related_person_id.uuid()));
    }
    for c in &rs.contacts {
        push("contact.child", Some(c.child_id.uuid()));
        push("contact.group", c.sibling_group.map(|x| x.uuid()));
        push("contact.recorded_by", c.recorded_by.map(|x| x.uuid()));
        push("contact.assigned_to", c.assigned_to.map(|x| x.uuid()));
        push(
            "contact.consent_by",
            c.screening.consent_approved_by.map(|x| x.uuid()),
        );
        if let Some(d) = &c.decision {
            push("decision.by", d.decided_by.map(|x| x.uuid()));
            push(
                "decision.oversight",
                d.manager_oversight_by.map(|x| x.uuid()),
            );
        }
        if let Some(f) = &c.feedback {
            push("feedback.by", f.given_by.map(|x| x.uuid()));
        }
    }
    for r in &rs.rag_changes {
        push("rag.contact", Some(r.contact_id.uuid()));
        push("rag.child", Some(r.child_id.uuid()));
        push("rag.by", r.changed_by.map(|x| x.uuid()));
    }
    for m in &rs.mash_enquiries {
        push("mash.contact", Some(m.contact_id.uuid()));
        push("mash.child", Some(m.child_id.uuid()));
        push("mash.by", m.started_by.map(|x| x.uuid()));
    }
    for i in &rs.information_requests {
        push("request.mash", Some(i.mash_enquiry_id.uuid()));
        push("request.contact", Some(i.contact_id.uuid()));
        push("request.child", Some(i.child_id.uuid()));
        push("request.by", i.requested_by.map(|x| x.uuid()));
        push("request.responder", i.responded_by.map(|x| x.uuid()));
    }
    for r in &rs.referrals {
        push("referral.child", Some(r.child_id.uuid()));
        push("referral.contact", r.contact_id.map(|x| x.uuid()));
    }
    for e in &rs.early_help_episodes {
        push("eh.child", Some(e.child_id.uuid()));
        push("eh.contact", e.contact_id.map(|x| x.uuid()));
        push("eh.down", e.stepped_down_from.map(|x| x.uuid()));
        push("eh.up", e.stepped_up_to.map(|x| x.uuid()));
        push("eh.oversight", e.oversight_by.map(|x| x.uuid()));
    }
    for s in &rs.strategy_discussions {
        push("sd.child", Some(s.child_id.uuid()));
        push("sd.referral", s.referral_id.map(|x| x.uuid()));
        push("sd.contact", s.contact_id.map(|x| x.uuid()));
        push("sd.review_of", s.review_of.map(|x| x.uuid()));
        push("sd.recorded_by", s.recorded_by.map(|x| x.uuid()));
    }
    for s in &rs.section47s {
        push("s47.child", Some(s.child_id.uuid()));
        push("s47.referral", Some(s.referral_id.uuid()));
        push("s47.sd", Some(s.strategy_discussion_id.uuid()));
    }
    for c in &rs.conferences {
        push("conference.child", Some(c.child_id.uuid()));
        push("conference.s47", c.section47_id.map(|x| x.uuid()));
        push("conference.plan", c.plan_id.map(|x| x.uuid()));
        push("conference.chair", c.chair_id.map(|x| x.uuid()));
    }
    for a in &rs.assessments {
        push("assessment.child", Some(a.child_id.uuid()));
        push("assessment.referral", Some(a.referral_id.uuid()));
        push("assessment.by", a.authorised_by.map(|x| x.uuid()));
    }
    for p in &rs.plans {
        push("plan.child", Some(p.child_id.uuid()));
        push("plan.referral", Some(p.referral_id.uuid()));
    }
    for r in &rs.plan_reviews {
        push("review.child", Some(r.child_id.uuid()));
        push("review.plan", Some(r.plan_id.uuid()));
        for p in &r.progress {
            push("review.action", Some(p.action_id.uuid()));
        }
    }
    for c in &rs.core_groups {
        push("core.child", Some(c.child_id.uuid()));
        push("core.plan", Some(c.plan_id.uuid()));
    }
    for v in &rs.visits {
        push("visit.child", Some(v.child_id.uuid()));
        push("visit.plan", v.plan_id.map(|x| x.uuid()));
        push("visit.worker", v.worker_id.map(|x| x.uuid()));
    }
    for s in &rs.supervisions {
        push("supervision.supervisor", Some(s.supervisor_id.uuid()));
        push("supervision.supervisee", Some(s.supervisee_id.uuid()));
        for c in &s.cases {
            push("supervision.child", Some(c.child_id.uuid()));
        }
    }
    for a in &rs.actions {
        push("action.child", a.child_id.map(|x| x.uuid()));
        push("action.owner", a.owner_user_id.map(|x| x.uuid()));
        let parent = match a.parent {
            ActionParent::StrategyDiscussion(x) => x.uuid(),
            ActionParent::Plan(x) => x.uuid(),
            ActionParent::Supervision(x) => x.uuid(),
            ActionParent::CaseFileAudit(x) => x.uuid(),
        };
        push("action.parent", Some(parent));
    }
    for n in &rs.case_notes {
        push("note.child", Some(n.child_id.uuid()));
        push("note.by", n.written_by.map(|x| x.uuid()));
    }
    for a in &rs.allocations {
        push("allocation.child", Some(a.child_id.uuid()));
        push("allocation.worker", Some(a.worker_id.uuid()));
        push("allocation.team", a.team_id.map(|x| x.uuid()));
    }
    for f in &rs.child_flags {
        push("flag.child", Some(f.child_id.uuid()));
    }
    for s in &rs.specialist_involvements {
        push("specialist.child", Some(s.child_id.uuid()));
        push("specialist.worker", s.worker_id.map(|x| x.uuid()));
    }
    for e in &rs.emergency_protections {
        push("emergency.child", Some(e.child_id.uuid()));
    }
    for a in &rs.case_file_audits {
        push("audit.child", Some(a.child_id.uuid()));
        push("audit.auditor", a.auditor_id.map(|x| x.uuid()));
        push("audit.week", a.practice_week_id.map(|x| x.uuid()));
        push("audit.moderator", a.moderated_by.map(|x| x.uuid()));
    }
    v
}

#[test]
fn every_reference_resolves_within_its_batch_or_the_organisation() {
    let f = fixture();
    let org_ids = record_ids(&f.org);
    for (name, id) in references(&f.org) {
        assert!(org_ids.contains(&id), "organisation {name} {id}");
    }
    for b in &f.batches {
        let ids = record_ids(b);
        for (name, id) in references(b) {
            assert!(
                ids.contains(&id) || org_ids.contains(&id),
                "{name} {id} does not resolve"
            );
        }
        // Plan-review progress points at actions of the reviewed plan.
        let plan_of: BTreeMap<_, _> = b
            .actions
            .iter()
            .filter_map(|a| match a.parent {
                ActionParent::Plan(p) => Some((a.id, p)),
                _ => None,
            })
            .collect();
        for r in &b.plan_reviews {
            for p in &r.progress {
                assert_eq!(plan_of.get(&p.action_id), Some(&r.plan_id));
            }
        }
    }
    // Ids are unique.
    let mut seen = BTreeSet::new();
    let all = &f.all;
    for id in record_ids(all) {
        assert!(seen.insert(id));
    }
    let n = all.teams.len()
        + all.users.len()
        + all.people.len()
        + all.households.len()
        + all.contacts.len()
        + all.mash_enquiries.len()
        + all.referrals.len()
        + all.strategy_discussions.len()
        + all.section47s.len()
        + all.plans.len()
        + all.supervisions.len()
        + all.actions.len()
        + all.case_file_audits.len()
        + all.practice_weeks.len();
    assert_eq!(seen.len(), n, "no id is used twice");
}

#[test]
fn every_record_belongs_to_a_configured_la() {
    let f = fixture();
    let las: BTreeSet<_> = f.config.las.iter().cloned().collect();
    let a = &f.all;
    // Every record of every kind of the registry: its `la`, or a user's `las`.
    let mut all_las: Vec<LaCode> = Vec::new();
    macro_rules! each_kind {
        ($($t:ty),*) => { $(
            for r in <$t as domain::records::Record>::of(a) {
                let v = serde_json::to_value(r).unwrap();
                let named = v.get("la").into_iter().chain(v.get("las").and_then(|l| l.as_array()).into_iter().flatten());
                all_las.extend(named.map(|la| serde_json::from_value::<LaCode>(la.clone()).unwrap()));
            }
        )* };
    }
    domain::record_kinds!(each_kind);
    assert!(!all_las.is_empty());
    for la in &all_las {
        assert!(las.contains(la), "{la}");
    }
    // Records about a child carry the child's LA.
    let child_la: BTreeMap<_, _> = a.people.iter().map(|p| (p.id, p.la.clone())).collect();
    for c in &a.contacts {
        assert_eq!(child_la[&c.child_id], c.la);
    }
    for r in &a.referrals {
        assert_eq!(child_la[&r.child_id], r.la);
    }
}

#[test]
fn organisation_has_every_team_and_unique_demo_usernames() {
    let f = fixture();
    let org = &f.org;
    assert_eq!(org.teams.len(), 9 * 3);
    let mut names = BTreeSet::new();
    for u in &org.users {
        assert!(u.username.starts_with("demo."), "{}", u.username);
        assert!(names.insert(u.username.clone()), "duplicate {}", u.username);
        assert!(!u.display_name.is_empty());
    }
    for role in [
        "mash-worker",
        "social-worker",
        "team-manager",
        "edt",
        "early-help",
        "reviewing-officer",
        "auditor",
        "senior-leader",
        "partner",
    ] {
        assert!(org.users.iter().any(|u| u.role.code() == role), "{role}");
    }
    assert!(org.users.iter().any(|u| u.username == "demo.205.sw001"));
    // Two practice weeks a year per LA.
    assert!(org.practice_weeks.len() >= 2 * 3 * 9);
}

// -------------------------------------------------------------------------------------------------------------
// Dates, clocks and actions

#[test]
fn nothing_happens_after_until_and_times_are_whole_microseconds() {
    let f = fixture();
    let until = f.config.until;
    let now = now(&f.config);
    let a = &f.all;
    let mut stamps: Vec<Timestamp> = Vec::new();
    let mut dates: Vec<Date> = Vec::new();
    for c in &a.contacts {
        stamps.push(c.received_at);
        stamps.push(c.recorded_at);
        stamps.extend(c.decision.as_ref().map(|d| d.decided_at));
        stamps.extend(c.decision.as_ref().and_then(|d| d.manager_oversight_at));
        stamps.extend(c.feedback.as_ref().map(|f| f.given_at));
        stamps.extend(c.screening.consent_approved_at);
        assert!(c.recorded_at >= c.received_at);
        if let Some(d) = &c.decision {
            assert!(d.decided_at > c.received_at);
        }
    }
    stamps.extend(a.rag_changes.iter().map(|r| r.changed_at));
    stamps.extend(a.mash_enquiries.iter().map(|m| m.started_at));
    stamps.extend(a.mash_enquiries.iter().filter_map(|m| m.completed_at));
    for i in &a.information_requests {
        stamps.push(i.requested_at);
        stamps.extend(i.responded_at);
        assert!(i.due_at > i.requested_at);
        assert!(i.responded_at.is_none_or(|r| r > i.requested_at));
    }
    stamps.extend(a.strategy_discussions.iter().map(|s| s.held_at));
    stamps.extend(a.case_notes.iter().map(|n| n.at));
    stamps.extend(a.people.iter().map(|p| p.created_at));
    stamps.extend(a.referrals.iter().map(|p| p.created_at));
    stamps.extend(a.assessments.iter().map(|p| p.created_at));
    stamps.extend(a.plans.iter().map(|p| p.created_at));
    stamps.extend(a.visits.iter().map(|p| p.created_at));
    stamps.extend(a.actions.iter().map(|p| p.created_at));
    stamps.extend(a.early_help_episodes.iter().filter_map(|e| e.oversight_at));
    for t in &stamps {
        assert!(*t <= now, "{t} is after now");
        assert_eq!(t.as_nanosecond() % 1_000, 0, "whole microseconds");
    }
    for r in &a.referrals {
        dates.push(r.referral_date);
        dates.extend(r.closure.as_ref().map(|c| c.date));
    }
    for x in &a.assessments {
        dates.push(x.start_date);
        dates.extend(x.authorised_on);
    }
    for x in &a.plans {
        dates.push(x.start_date);
        dates.extend(x.end_date);
    }
    for x in &a.section47s {
        dates.push(x.start_date);
        dates.extend(x.outcome_date);
    }
    dates.extend(a.conferences.iter().filter_map(|c| c.held_on));
    dates.extend(a.core_groups.iter().filter_map(|c| c.held_on));
    dates.extend(a.visits.iter().map(|v| v.visited_on));
    dates.extend(a.supervisions.iter().map(|v| v.held_on));
    dates.extend(a.plan_reviews.iter().map(|v| v.held_on));
    dates.extend(a.actions.iter().filter_map(|v| v.completed_on));
    dates.extend(a.allocations.iter().map(|v| v.from));
    dates.extend(a.allocations.iter().filter_map(|v| v.to));
    dates.extend(a.early_help_episodes.iter().map(|v| v.start_date));
    dates.extend(a.early_help_episodes.iter().filter_map(|v| v.end_date));
    dates.extend(a.child_flags.iter().map(|v| v.from));
    dates.extend(a.child_flags.iter().filter_map(|v| v.to));
    dates.extend(a.specialist_involvements.iter().map(|v| v.from));
    dates.extend(a.emergency_protections.iter().map(|v| v.start_date));
    dates.extend(a.emergency_protections.iter().filter_map(|v| v.end_date));
    dates.extend(a.case_file_audits.iter().map(|v| v.audited_on));
    dates.extend(a.people.iter().filter_map(|p| p.date_of_birth));
    for d in dates {
        assert!(d <= until, "{d} is after {until}");
    }
    // Records near the end are still open: worklists have live work.
    assert!(a.contacts.iter().any(|c| c.decision.is_none()) || a.contacts.len() < 5_000);
    assert!(a.assessments.iter().any(|x| x.authorised_on.is_none()));
    assert!(
        a.plans
            .iter()
            .any(|x| x.end_date.is_none() && x.kind == PlanKind::ChildProtection)
    );
    assert!(
        a.plans
            .iter()
            .any(|x| x.end_date.is_none() && x.kind == PlanKind::ChildInNeed)
    );
    assert!(
        a.actions
            .iter()
            .any(|x| x.status == ActionStatus::Open && x.due_on < until),
        "overdue actions"
    );
    assert!(
        a.actions
            .iter()
            .any(|x| x.status == ActionStatus::Open && x.due_on > until),
        "actions still due"
    );
    assert!(a.conferences.iter().any(|x| x.held_on.is_none()));
}

#[test]
fn due_dates_follow_the_domain_clocks() {
    let f = fixture();
    let a = &f.all;
    let cal = Calendar::england_and_wales();
    let settings = ClockSettings::default();
    let referral: BTreeMap<_, _> = a.referrals.iter().map(|r| (r.id, r)).collect();
    for x in &a.assessments {
        assert_eq!(
            x.due_on,
            clocks::assessment_due(&cal, referral[&x.referral_id].referral_date)
        );
        assert!(x.start_date >= referral[&x.referral_id].referral_date);
        assert!(x.authorised_on.is_none_or(|d| d >= x.start_date));
    }
    let s47: BTreeMap<_, _> = a.section47s.iter().map(|s| (s.id, s)).collect();
    let sd: BTreeMap<_, _> = a.strategy_discussions.iter().map(|s| (s.id, s)).collect();
    for s in &a.section47s {
        let held = domain::datetime::london_date(sd[&s.strategy_discussion_id].held_at);
        assert_eq!(s.start_date, held);
        assert_eq!(s.icpc_due_on, clocks::icpc_due(&cal, s.start_date));
    }
    let plans: BTreeMap<_, _> = a.plans.iter().map(|p| (p.id, p)).collect();
    let mut reviews: BTreeMap<_, Vec<_>> = BTreeMap::new();
    for c in &a.conferences {
        match c.kind {
            ConferenceKind::Initial => {
                let s = s47[&c.section47_id.unwrap()];
                assert_eq!(c.due_on, s.icpc_due_on);
                if let Some(p) = c.plan_id {
                    assert_eq!(
                        Some(plans[&p].start_date),
                        c.held_on,
                        "the ICPC points at the plan it made"
                    );
                    assert_eq!(plans[&p].initial_category, c.category);
                }
            }
            ConferenceKind::Review => reviews.entry(c.plan_id.unwrap()).or_default().push(c),
            ConferenceKind::TransferIn => {}
        }
    }
    for (plan, mut list) in reviews {
        let p = plans[&plan];
        list.sort_by_key(|c| c.due_on);
        let mut last = None;
        for c in list {
            assert_eq!(
                c.due_on,
                clocks::review_conference_due(&cal, p.start_date, last)
            );
            if let Some(h) = c.held_on {
                assert!(h > p.start_date);
                last = Some(h);
            }
        }
    }
    let mut core: BTreeMap<_, Vec<_>> = BTreeMap::new();
    for c in &a.core_groups {
        core.entry(c.plan_id).or_default().push(c);
    }
    for (plan, mut list) in core {
        list.sort_by_key(|c| c.due_on);
        assert_eq!(
            list[0].due_on,
            clocks::first_core_group_due(&cal, plans[&plan].start_date)
        );
    }
    // Partner requests are due by the RAG clock of the contact's rating when the request went out.
    let mut rags: BTreeMap<_, Vec<_>> = BTreeMap::new();
    for r in &a.rag_changes {
        rags.entry(r.contact_id).or_default().push(r);
    }
    for i in &a.information_requests {
        let list = &rags[&i.contact_id];
        let rag = list
            .iter()
            .filter(|r| r.changed_at <= i.requested_at)
            .max_by_key(|r| r.changed_at)
            .unwrap()
            .rag;
        assert_eq!(
            i.due_at,
            clocks::partner_request_due(&cal, &settings, rag, i.requested_at)
        );
    }
    // Visits to children on plans follow their plan.
    for v in &a.visits {
        if let Some(p) = v.plan_id {
            let p = plans[&p];
            assert!(v.visited_on > p.start_date && p.end_date.is_none_or(|e| v.visited_on < e));
        }
    }
}

#[test]
fn every_action_has_an_owner_and_a_due_date() {
    let f = fixture();
    for a in &f.all.actions {
        assert!(!a.owner.trim().is_empty());
        assert!(a.due_on > Date::new(2000, 1, 1).unwrap());
        match a.status {
            ActionStatus::Done => assert!(a.completed_on.is_some()),
            _ => assert!(a.completed_on.is_none()),
        }
    }
    for s in &f.all.strategy_discussions {
        let n = f
            .all
            .actions
            .iter()
            .filter(|a| a.parent == ActionParent::StrategyDiscussion(s.id))
            .count();
        assert!((2..=4).contains(&n), "{n} actions");
    }
}

#[test]
fn enquiries_record_what_they_found_and_meetings_who_came() {
    let f = fixture();
    let mut outcomes = 0;
    let mut seen = 0;
    let mut alone = 0;
    for s in f.all.section47s.iter().filter(|s| s.outcome.is_some()) {
        outcomes += 1;
        assert!(s.findings.is_some() && s.analysis.is_some());
        let (Some(was_seen), Some(was_alone)) = (s.child_seen, s.child_seen_alone) else {
            panic!("an enquiry with an outcome says whether the child was seen");
        };
        if was_seen {
            seen += 1;
            let on = s.seen_on.unwrap();
            assert!(
                s.start_date <= on && Some(on) <= s.outcome_date,
                "seen during it"
            );
        }
        alone += usize::from(was_alone);
        assert!(!was_alone || was_seen);
        // Not seen, or not alone: the record says why.
        assert_eq!(s.not_seen_reason.is_some(), !was_alone, "{s:?}");
    }
    assert!(outcomes > 100, "{outcomes} enquiries with an outcome");
    assert!(seen * 100 >= outcomes * 90, "{seen} of {outcomes} seen");
    assert!(
        alone * 100 >= outcomes * 60 && alone < seen,
        "{alone} seen alone"
    );
    let held: Vec<_> = f
        .all
        .conferences
        .iter()
        .filter(|c| c.held_on.is_some())
        .collect();
    assert!(!held.is_empty());
    for c in &held {
        let roles: Vec<&str> = c.attendance.iter().map(|a| a.role.as_str()).collect();
        assert!(
            roles.contains(&"Chair")
                && roles.contains(&"Social worker")
                && roles.contains(&"Mother")
        );
        for r in &c.partner_reports {
            assert!(
                Some(r.received_on) <= c.held_on,
                "received before the conference"
            );
        }
    }
    let reports: usize = held.iter().map(|c| c.partner_reports.len()).sum();
    let apologies = held
        .iter()
        .flat_map(|c| &c.attendance)
        .filter(|a| !a.attended)
        .count();
    assert!(
        reports > held.len(),
        "{reports} reports for {} conferences",
        held.len()
    );
    assert!(apologies > 0);
    assert!(
        f.all
            .core_groups
            .iter()
            .filter(|g| g.held_on.is_some())
            .all(|g| !g.attendance.is_empty())
    );
    assert!(f.all.plan_reviews.iter().any(|r| !r.attendance.is_empty()));
}

// -------------------------------------------------------------------------------------------------------------
// People and identifiers

#[test]
fn identifiers_are_valid_and_unique() {
    let f = fixture();
    let until = f.config.until;
    let mut child_ids: BTreeSet<(LaCode, String)> = BTreeSet::new();
    let mut upns = BTreeSet::new();
    let mut nhs = BTreeSet::new();
    let twice = entered_twice(&f.all);
    let all_children: Vec<_> = f.all.people.iter().filter(|p| p.is_child).collect();
    assert_eq!(all_children.len(), f.config.children as usize + twice.len());
    // A child entered twice carries the first record's NHS number (or none), and no UPN.
    for p in all_children.iter().filter(|p| twice.contains(&p.id)) {
        assert!(p.upn.is_none());
    }
    let children: Vec<_> = all_children
        .into_iter()
        .filter(|p| !twice.contains(&p.id))
        .collect();
    for p in &children {
        let id = p.la_child_id.as_ref().expect("LA child id");
        assert!(id.as_ref().len() <= 20 && id.as_ref().chars().all(|c| c.is_ascii_alphanumeric()));
        assert!(
            child_ids.insert((p.la.clone(), id.to_string())),
            "LA child id unique per LA"
        );
        if let Some(u) = &p.upn {
            assert_eq!(Upn::parse(u.as_ref()).unwrap(), *u);
            assert_eq!(u.la_code(), p.la.as_ref());
            assert!(upns.insert(u.clone()), "UPN unique");
            assert!(p.upn_unknown.is_none());
            assert!(p.age_on(until).unwrap() >= 5);
        } else {
            assert!(p.upn_unknown.is_some());
        }
        if let Some(n) = &p.nhs_number {
            assert!(n.is_test_range());
            assert!(nhs.insert(n.clone()));
        }
        assert!(p.ethnicity.is_some());
        match p.date_of_birth {
            Some(_) => {
                assert!(p.expected_date_of_birth.is_none());
                assert_ne!(p.sex, Sex::Unknown);
                assert!(
                    !p.disabilities.is_empty(),
                    "a disability code (NONE when none)"
                );
                let none = p.disabilities.contains(&Disability::None);
                assert!(!none || p.disabilities.len() == 1);
                let set: BTreeSet<_> = p.disabilities.iter().collect();
                assert_eq!(set.len(), p.disabilities.len());
            }
            None => {
                assert!(p.expected_date_of_birth.unwrap() > until);
                assert_eq!(p.sex, Sex::Unknown);
                assert_eq!(p.upn_unknown, Some(UpnUnknown::Un1));
            }
        }
    }
    assert!(
        children.iter().any(|p| p.date_of_birth.is_none()),
        "some unborn children"
    );
    for a in f.all.people.iter().filter(|p| !p.is_child) {
        assert!(a.la_child_id.is_none() && a.upn.is_none());
    }
    for h in &f.all.households {
        let pc = h.address.postcode.as_ref().unwrap();
        assert!(!pc.outward().is_empty());
    }
}

#[test]
fn families_have_siblings_parents_and_shared_homes() {
    let f = fixture();
    let a = &f.all;
    let children = a.people.iter().filter(|p| p.is_child).count() as f64;
    let mothers = a
        .relationships
        .iter()
        .filter(|r| r.kind == domain::codes::RelationshipKind::Mother)
        .map(|r| r.person_id)
        .collect::<BTreeSet<_>>()
        .len() as f64;
    let fathers = a
        .relationships
        .iter()
        .filter(|r| r.kind == domain::codes::RelationshipKind::Father)
        .map(|r| r.person_id)
        .collect::<BTreeSet<_>>()
        .len() as f64;
    let homes: BTreeSet<_> = a.household_members.iter().map(|m| m.household_id).collect();
    let families = children / mothers.max(1.0);
    assert!(
        (1.6..=2.1).contains(&families),
        "children per mother {families}"
    );
    assert!(
        fathers / mothers > 0.4 && fathers / mothers < 0.7,
        "fathers {fathers} mothers {mothers}"
    );
    assert!(homes.len() as f64 >= mothers * 0.9);
    for r in &a.relationships {
        if r.kind == domain::codes::RelationshipKind::Mother {
            assert!(r.parental_responsibility);
        }
    }
    let disabled = a
        .people
        .iter()
        .filter(|p| p.is_child && p.disabilities.iter().any(|d| *d != Disability::None))
        .count() as f64;
    assert!(
        (0.05..=0.11).contains(&(disabled / children)),
        "disabled {}",
        disabled / children
    );
}

// -------------------------------------------------------------------------------------------------------------
// Rates

fn between(name: &str, x: f64, lo: f64, hi: f64) {
    assert!(x >= lo && x <= hi, "{name}: {x:.3} not in {lo}..{hi}");
}

#[test]
fn journey_rates_are_roughly_national() {
    let f = fixture();
    let a = &f.all;
    let cal = Calendar::england_and_wales();
    let settings = ClockSettings::default();
    let children = f64::from(f.config.children);
    let contacts = a.contacts.len() as f64;
    let refs = a.referrals.len() as f64;
    between("contacts per child", contacts / children, 2.2, 2.8);
    between("referrals per contact", refs / contacts, 0.34, 0.46);
    between(
        "NFA referrals",
        a.referrals.iter().filter(|r| r.nfa).count() as f64 / refs,
        0.04,
        0.12,
    );
    between(
        "s47 per referral",
        a.section47s.len() as f64 / refs,
        0.28,
        0.42,
    );
    let icpcs: Vec<_> = a
        .conferences
        .iter()
        .filter(|c| c.kind == ConferenceKind::Initial && c.held_on.is_some())
        .collect();
    between(
        "ICPC per s47",
        icpcs.len() as f64 / a.section47s.len() as f64,
        0.32,
        0.48,
    );
    let cp: Vec<_> = a
        .plans
        .iter()
        .filter(|p| p.kind == PlanKind::ChildProtection)
        .collect();
    between(
        "CP plan per ICPC",
        cp.len() as f64 / icpcs.len() as f64,
        0.78,
        0.92,
    );
    let share = |c: AbuseCategory| {
        cp.iter().filter(|p| p.initial_category == Some(c)).count() as f64 / cp.len() as f64
    };
    between("neglect", share(AbuseCategory::Neglect), 0.40, 0.60);
    between("emotional", share(AbuseCategory::Emotional), 0.25, 0.45);
    between("physical", share(AbuseCategory::Physical), 0.02, 0.13);
    between("sexual", share(AbuseCategory::Sexual), 0.01, 0.09);
    between("multiple", share(AbuseCategory::Multiple), 0.01, 0.09);
    // Re-referrals within 12 months.
    let mut by_child: BTreeMap<_, Vec<Date>> = BTreeMap::new();
    for r in &a.referrals {
        by_child
            .entry(r.child_id)
            .or_default()
            .push(r.referral_date);
    }
    let mut re = 0;
    for dates in by_child.values_mut() {
        dates.sort();
        re += dates
            .windows(2)
            .filter(|w| (w[1] - w[0]).get_days() <= 365)
            .count();
    }
    between("re-referrals", re as f64 / refs, 0.15, 0.29);
    let decided: Vec<_> = a.contacts.iter().filter(|c| c.decision.is_some()).collect();
    let outcome = |o: ContactOutcome| {
        decided
            .iter()
            .filter(|c| c.decision.as_ref().unwrap().outcome == o)
            .count() as f64
            / decided.len() as f64
    };
    between(
        "early help decisions",
        outcome(ContactOutcome::EarlyHelp),
        0.13,
        0.26,
    );
    between(
        "out of hours",
        a.contacts.iter().filter(|c| c.out_of_hours).count() as f64 / contacts,
        0.11,
        0.19,
    );
    // Assessed referrals with a CIN plan.
    let assessed: BTreeSet<_> = a.assessments.iter().map(|x| x.referral_id).collect();
    let cin: BTreeSet<_> = a
        .plans
        .iter()
        .filter(|p| p.kind == PlanKind::ChildInNeed)
        .map(|p| p.referral_id)
        .collect();
    between(
        "CIN plans",
        assessed.intersection(&cin).count() as f64 / assessed.len() as f64,
        0.22,
        0.38,
    );
    // Strategy discussions with the police alone.
    let police_only = a
        .strategy_discussions
        .iter()
        .filter(|s| s.partner_flag() == Some(PartnerFlag::PoliceOnly))
        .count() as f64;
    between(
        "police alone",
        police_only / a.strategy_discussions.len() as f64,
        0.07,
        0.2,
    );
    // Every discussion says why an expected agency was not there (a discussion cannot be saved otherwise).
    for s in &a.strategy_discussions {
        assert!(
            s.unexplained_absences().is_empty(),
            "strategy discussion {} has unexplained absences: {:?}",
            s.id,
            s.unexplained_absences()
        );
    }

    // Lateness.
    let late_decisions = decided
        .iter()
        .filter(|c| {
            c.decision.as_ref().unwrap().decided_at
                > clocks::contact_decision_due(&cal, &settings, c.received_at)
        })
        .count() as f64;
    between(
        "late decisions",
        late_decisions / decided.len() as f64,
        0.04,
        0.12,
    );
    let authorised: Vec<_> = a
        .assessments
        .iter()
        .filter(|x| x.authorised_on.is_some())
        .collect();
    let late_assessments = authorised
        .iter()
        .filter(|x| x.authorised_on.unwrap() > x.due_on)
        .count() as f64;
    between(
        "late assessments",
        late_assessments / authorised.len() as f64,
        0.10,
        0.21,
    );
    let late_icpc = icpcs
        .iter()
        .filter(|c| c.held_on.unwrap() > c.due_on)
        .count() as f64;
    between("late ICPCs", late_icpc / icpcs.len() as f64, 0.12, 0.28);
    let done: Vec<_> = a
        .actions
        .iter()
        .filter(|x| x.status == ActionStatus::Done)
        .collect();
    let late_actions = done
        .iter()
        .filter(|x| x.completed_on.unwrap() > x.due_on)
        .count() as f64;
    between("late actions", late_actions / done.len() as f64, 0.1, 0.35);
    // CP plans last about nine months.
    let mut lengths: Vec<i32> = cp
        .iter()
        .filter_map(|p| p.end_date.map(|e| (e - p.start_date).get_days()))
        .collect();
    lengths.sort_unstable();
    let median = lengths[lengths.len() / 2];
    assert!(
        (200..=330).contains(&median),
        "median CP plan {median} days"
    );
    // Audits of about 2% of children.
    let audited: BTreeSet<_> = a.case_file_audits.iter().map(|x| x.child_id).collect();
    between("audited", audited.len() as f64 / children, 0.008, 0.04);
    assert!(
        !a.child_flags.is_empty()
            && !a.specialist_involvements.is_empty()
            && !a.emergency_protections.is_empty()
    );
    // Supervision: monthly for allocated workers, discussing their cases.
    assert!(!a.supervisions.is_empty());
    assert!(a.supervisions.iter().all(|s| !s.cases.is_empty()));
}

// -------------------------------------------------------------------------------------------------------------
// CIN census

#[test]
fn the_records_are_a_valid_cin_census_source() {
    let f = fixture();
    let a = &f.all;
    let until = f.config.until;
    let people: BTreeMap<_, _> = a.people.iter().map(|p| (p.id, p)).collect();
    let mut assessments: BTreeMap<_, Vec<_>> = BTreeMap::new();
    for x in &a.assessments {
        assessments.entry(x.referral_id).or_default().push(x);
    }
    let mut s47s: BTreeMap<_, Vec<_>> = BTreeMap::new();
    for x in &a.section47s {
        s47s.entry(x.referral_id).or_default().push(x);
    }
    let mut plans: BTreeMap<_, Vec<_>> = BTreeMap::new();
    for x in &a.plans {
        plans.entry(x.referral_id).or_default().push(x);
    }
    let icpc_of: BTreeMap<_, _> = a
        .conferences
        .iter()
        .filter(|c| c.kind == ConferenceKind::Initial)
        .filter_map(|c| Some((c.section47_id?, c)))
        .collect();
    let mut reviews_of: BTreeMap<_, Vec<Date>> = BTreeMap::new();
    for c in a
        .conferences
        .iter()
        .filter(|c| c.kind == ConferenceKind::Review)
    {
        if let Some(h) = c.held_on {
            reviews_of.entry(c.plan_id.unwrap()).or_default().push(h);
        }
    }
    let mut by_child: BTreeMap<_, Vec<_>> = BTreeMap::new();
    for r in &a.referrals {
        by_child.entry(r.child_id).or_default().push(r);
    }
    for (child, mut refs) in by_child {
        let p = people[&child];
        refs.sort_by_key(|r| r.referral_date);
        // 8820, 8815, 8816: episodes never overlap; only the latest may be open.
        for w in refs.windows(2) {
            let c = w[0]
                .closure
                .as_ref()
                .expect("only the latest episode may be open");
            assert!(c.date <= w[1].referral_date, "episodes overlap");
        }
        let mut child_plans: Vec<(Date, Option<Date>, PlanKind, Vec<Date>)> = Vec::new();
        for r in &refs {
            let closure = r.closure.as_ref().map(|c| c.date);
            // 8606, 8520, under 18, unborn.
            match (p.date_of_birth, p.expected_date_of_birth) {
                (Some(dob), _) => {
                    assert!(dob < r.referral_date, "born before the referral");
                    assert!(p.age_on(r.referral_date).unwrap() < 18);
                    if let Some(c) = closure {
                        assert!(p.age_on(c).unwrap() < 18, "closed before the 18th birthday");
                    }
                }
                (None, Some(edd)) => {
                    assert!(edd > r.referral_date);
                    assert!((edd - r.referral_date).get_days() <= 280);
                }
                _ => panic!("no date of birth"),
            }
            assert!(r.referral_date <= until);
            // 8610: primary need unless NFA.
            assert_eq!(r.primary_need.is_none(), r.nfa);
            let ass = assessments.get(&r.id).cloned().unwrap_or_default();
            let s47 = s47s.get(&r.id).cloned().unwrap_or_default();
            let pl = plans.get(&r.id).cloned().unwrap_or_default();
            if r.nfa {
                // 8831, 8832, 4000
                assert!(ass.is_empty() && s47.is_empty() && pl.is_empty());
                assert_eq!(closure, Some(r.referral_date));
            }
            if let Some(c) = &r.closure {
                assert!(c.date >= r.referral_date, "8630");
                if matches!(
                    c.reason,
                    ClosureReason::ClosedAfterAssessmentNoFurtherAction
                        | ClosureReason::ClosedAfterAssessmentReferredToEarlyHelp
                ) {
                    assert!(s47.is_empty() && pl.is_empty(), "2990");
                    assert!(!ass.is_empty(), "8825Q");
                }
                assert_ne!(c.reason, ClosureReason::Died, "no deaths are generated");
                assert_ne!(c.reason, ClosureReason::Adopted);
            }
            // Assessments: 1103, 8608, 8867, 8565, 8614, 8869, 8898, 8945Q, 8950Q, 8896.
            assert!(ass.iter().filter(|x| x.authorised_on.is_none()).count() <= 1);
            for x in &ass {
                assert!(x.start_date >= r.referral_date);
                if let Some(d) = x.authorised_on {
                    assert!(d >= x.start_date);
                    assert!(closure.is_none_or(|c| d <= c));
                    assert!(!x.factors.is_empty());
                } else {
                    assert!(closure.is_none(), "8867: closed with an open assessment");
                    assert!(x.factors.is_empty(), "8614");
                }
                let set: BTreeSet<_> = x.factors.iter().collect();
                assert_eq!(set.len(), x.factors.len());
                assert!(!x.factors.contains(&AssessmentFactor::NoFactors) || x.factors.len() == 1);
                assert!(x.factors.iter().all(|f| !f.is_retired()));
                assert!(closure.is_none_or(|c| x.start_date <= c));
            }
            // Section 47: 2889, 8615, 8875, 8868, 8839, 8890, 1104, 2885.
            assert!(
                s47.iter()
                    .filter(|s| s.icpc_required != Some(false)
                        && icpc_of.get(&s.id).and_then(|c| c.held_on).is_none())
                    .count()
                    <= 1
            );
            let mut spans: Vec<(Date, Date)> = Vec::new();
            for s in &s47 {
                assert!(s.start_date >= r.referral_date);
                let icpc = icpc_of.get(&s.id).and_then(|c| c.held_on);
                if let Some(c) = icpc {
                    assert!(c >= s.start_date);
                    assert!(
                        Calendar::england_and_wales().is_working_day(c),
                        "ICPC on a weekday"
                    );
                    assert_eq!(s.icpc_required, Some(true));
                    assert!(closure.is_none_or(|d| c <= d));
                } else if closure.is_some() {
                    assert_eq!(s.icpc_required, Some(false), "8868");
                }
                assert!(closure.is_none_or(|d| s.start_date <= d));
                spans.push((s.start_date, icpc.or(s.outcome_date).unwrap_or(until)));
            }
            spans.sort();
            for w in spans.windows(2) {
                assert!(w[1].0 > w[0].1, "8890: overlapping s47s");
            }
            // Plans: 4015, 1105, 8840, 8925, 8565, 2885, 8841.
            for x in &pl {
                assert!(x.start_date >= r.referral_date);
                if let Some(e) = x.end_date {
                    assert!(e > x.start_date, "plans do not start and end the same day");
                    assert!(closure.is_none_or(|c| e <= c));
                } else {
                    assert!(closure.is_none(), "closed with an open plan");
                }
                assert!(closure.is_none_or(|c| x.start_date <= c));
                if x.kind == PlanKind::ChildProtection {
                    assert!(x.initial_category.is_some() && x.latest_category.is_some());
                    let icpc = a
                        .conferences
                        .iter()
                        .find(|c| c.plan_id == Some(x.id) && c.kind == ConferenceKind::Initial)
                        .expect("ICPC");
                    assert_eq!(icpc.held_on, Some(x.start_date), "2885");
                    for rv in reviews_of.get(&x.id).cloned().unwrap_or_default() {
                        assert!(rv > x.start_date, "8841");
                        assert!(x.end_date.is_none_or(|e| rv <= e));
                    }
                }
                child_plans.push((
                    x.start_date,
                    x.end_date,
                    x.kind,
                    reviews_of.get(&x.id).cloned().unwrap_or_default(),
                ));
            }
        }
        // 4001, 4004, 4014, 4016, 4017, 8935, 8940, 4003: plans never overlap.
        child_plans.sort_by_key(|p| p.0);
        for w in child_plans.windows(2) {
            let end = w[0].1.expect("only the latest plan may be open");
            assert!(end <= w[1].0, "plans overlap");
        }
        for (s, e, kind, _) in &child_plans {
            if *kind != PlanKind::ChildInNeed {
                continue;
            }
            for (_, cp_end, cp_kind, reviews) in &child_plans {
                if *cp_kind == PlanKind::ChildProtection {
                    for rv in reviews {
                        let inside = rv >= s && e.is_none_or(|e| *rv < e);
                        assert!(!inside || Some(*rv) == *cp_end, "4003");
                    }
                }
            }
        }
    }
}
