//! Building the rows of Lists 1–7 from records. Columns are written in the catalogue's order; `build` checks
//! each row has as many cells as its list has columns, and the tests check the names.
//!
//! Where our records cannot give a column that may not be blank, the nearest real value is written:
//!
//! * **Child Unique ID**: the LA child id; a child without one (never referred) is identified by our record id.
//! * **Age of Child (Years)**: whole years on the list's own date (the contact, the start of the early help,
//!   the referral, the start of the assessment or the enquiry) and, for Lists 6 and 7, on the last day of the
//!   period (or the day the episode or plan ended, if earlier). Blank when the date of birth is not known or
//!   the child was not yet born.
//! * **Allocated Team / Allocated Worker**: the allocation in force on the row's "as at" date: the last day of
//!   the period, or the day the record ended (closure, authorisation, enquiry outcome) if earlier. If none was
//!   in force then, the last allocation that had started by then (whoever last held the case); "Unallocated"
//!   when the child has never been allocated. The team is the allocation's team, or else the worker's team.
//! * **Organisation completing assessment** (List 2): the lead agency of the early help episode.
//! * **Assessment completion date** (List 2): we keep no separate completion date for an early help
//!   assessment; the end of the early help episode is written (blank while it is open).
//! * **Primary Need Code** (List 6): "N0 - Not stated" while no primary need is recorded (before assessment).
//! * **Case Status** (List 6), on the "as at" date: closed if the episode closed in the period; else a child
//!   protection plan or a child in need plan if one is open; else looked after if the latest authorised
//!   assessment concluded that the child should become looked after; else an open assessment if the latest
//!   assessment is not authorised (or none has started); else (assessment done, no plan recorded yet, episode
//!   still open) "child in need plan".
//! * **Number of … in the last 12 months** (Lists 3 and 5): the child's other referrals, section 47
//!   enquiries and initial conferences in the 12 months before the row's date, not counting the row itself.
//! * **Number of Previous Child Protection Plans** (List 7): the child's child protection plans that started
//!   before this one, plus what an import said about plans before the earliest one we hold.
//! * **Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months**: an
//!   emergency protection order or police protection in force at any time in the six months to the "as at"
//!   date.

use std::collections::HashMap;

use domain::codes::{AssessmentOutcome, ConferenceKind, ConferenceOutcome, PlanKind, VisitKind};
use domain::datetime::{Date, london_date};
use domain::ids::{PersonId, ReferralId, TeamId, UserId};
use domain::records::{
    Allocation, Assessment, Conference, EmergencyProtection, Person, Plan, RecordSet, Referral,
    Section47, Team, User, Visit,
};

use super::Cell;
use super::values::{self, CaseStatus, UNKNOWN};

/// The rows of Lists 1–7, in list order.
pub fn build_lists(records: &RecordSet, from: Date, to: Date) -> [Vec<Vec<Cell>>; 7] {
    let ix = Index::new(records);
    [
        ix.list1(records, from, to),
        ix.list2(records, from, to),
        ix.list3(records, from, to),
        ix.list4(records, from, to),
        ix.list5(records, from, to),
        ix.list6(records, from, to),
        ix.list7(records, from, to),
    ]
}

/// The same calendar day `months` months earlier (the last day of the month when that month is shorter).
pub fn months_before(d: Date, months: i32) -> Date {
    let total = i32::from(d.year()) * 12 + i32::from(d.month()) - 1 - months;
    let year = i16::try_from(total.div_euclid(12)).unwrap_or(d.year());
    let month = i8::try_from(total.rem_euclid(12) + 1).unwrap_or(1);
    let mut day = d.day();
    while day > 28 {
        if let Ok(x) = Date::new(year, month, day) {
            return x;
        }
        day -= 1;
    }
    Date::new(year, month, day).unwrap_or(d)
}

fn in_period(d: Date, from: Date, to: Date) -> bool {
    from <= d && d <= to
}

fn group<T>(items: &[T], key: impl Fn(&T) -> PersonId) -> HashMap<PersonId, Vec<&T>> {
    let mut map: HashMap<PersonId, Vec<&T>> = HashMap::new();
    for item in items {
        map.entry(key(item)).or_default().push(item);
    }
    map
}

/// Rows with the key they sort by (date, then child id).
struct Rows(Vec<((Date, String), Vec<Cell>)>);

impl Rows {
    fn new() -> Rows {
        Rows(Vec::new())
    }

    fn push(&mut self, date: Date, cells: Vec<Cell>) {
        let id = match cells.first() {
            Some(Cell::Text(s)) => s.clone(),
            _ => String::new(),
        };
        self.0.push(((date, id), cells));
    }

    fn done(mut self) -> Vec<Vec<Cell>> {
        self.0.sort_by(|a, b| a.0.cmp(&b.0));
        self.0.into_iter().map(|(_, cells)| cells).collect()
    }
}

/// The records, indexed by child.
struct Index<'a> {
    people: HashMap<PersonId, &'a Person>,
    users: HashMap<UserId, &'a User>,
    teams: HashMap<TeamId, &'a Team>,
    referrals: HashMap<PersonId, Vec<&'a Referral>>,
    assessments: HashMap<ReferralId, Vec<&'a Assessment>>,
    section47s: HashMap<PersonId, Vec<&'a Section47>>,
    conferences: HashMap<PersonId, Vec<&'a Conference>>,
    plans: HashMap<PersonId, Vec<&'a Plan>>,
    visits: HashMap<PersonId, Vec<&'a Visit>>,
    allocations: HashMap<PersonId, Vec<&'a Allocation>>,
    emergency: HashMap<PersonId, Vec<&'a EmergencyProtection>>,
}

impl<'a> Index<'a> {
    fn new(s: &'a RecordSet) -> Index<'a> {
        let mut assessments: HashMap<ReferralId, Vec<&Assessment>> = HashMap::new();
        for a in &s.assessments {
            assessments.entry(a.referral_id).or_default().push(a);
        }
        Index {
            people: s.people.iter().map(|p| (p.id, p)).collect(),
            users: s.users.iter().map(|u| (u.id, u)).collect(),
            teams: s.teams.iter().map(|t| (t.id, t)).collect(),
            referrals: group(&s.referrals, |r| r.child_id),
            assessments,
            section47s: group(&s.section47s, |r| r.child_id),
            conferences: group(&s.conferences, |r| r.child_id),
            plans: group(&s.plans, |r| r.child_id),
            visits: group(&s.visits, |r| r.child_id),
            allocations: group(&s.allocations, |r| r.child_id),
            emergency: group(&s.emergency_protections, |r| r.child_id),
        }
    }

    /// Child Unique ID, Gender, Ethnicity, Date of Birth, Age of Child (on `age_on`), and Does the Child have
    /// a Disability when `disability` is set.
    fn child(&self, child: PersonId, age_on: Date, disability: bool) -> Vec<Cell> {
        let mut cells = Vec::with_capacity(6);
        match self.people.get(&child) {
            Some(p) => {
                cells.push(Cell::text(
                    p.la_child_id
                        .as_ref()
                        .map_or_else(|| p.id.to_string(), ToString::to_string),
                ));
                cells.push(Cell::text(values::gender(p.sex)));
                cells.push(Cell::text(values::ethnicity(p.ethnicity)));
                cells.push(Cell::date(p.date_of_birth));
                cells.push(
                    p.age_on(age_on)
                        .filter(|a| *a >= 0)
                        .map_or(Cell::Blank, |a| Cell::Number(i64::from(a))),
                );
                if disability {
                    cells.push(Cell::text(values::disability(&p.disabilities)));
                }
            }
            None => {
                cells.push(Cell::text(child.to_string()));
                cells.push(Cell::text(values::gender(domain::codes::Sex::Unknown)));
                cells.push(Cell::text(values::ethnicity(None)));
                cells.push(Cell::Blank);
                cells.push(Cell::Blank);
                if disability {
                    cells.push(Cell::text(UNKNOWN));
                }
            }
        }
        cells
    }

    /// Allocated Team and Allocated Worker on `on` (see the module documentation).
    fn allocated(&self, child: PersonId, on: Date) -> [Cell; 2] {
        let all = self.allocations.get(&child).map_or(&[][..], Vec::as_slice);
        let started = || all.iter().filter(|a| a.from <= on);
        let current = started()
            .filter(|a| a.to.is_none_or(|t| t >= on))
            .max_by_key(|a| (a.from, a.id));
        let Some(a) = current.or_else(|| started().max_by_key(|a| (a.from, a.id))) else {
            return [Cell::text("Unallocated"), Cell::text("Unallocated")];
        };
        let worker = self.users.get(&a.worker_id);
        let team = a
            .team_id
            .or_else(|| worker.and_then(|w| w.team_id))
            .and_then(|t| self.teams.get(&t));
        [
            Cell::text(team.map_or("No team recorded", |t| t.name.as_str())),
            Cell::text(worker.map_or("Unknown worker", |w| w.display_name.as_str())),
        ]
    }

    fn referrals_of(&self, child: PersonId) -> &[&'a Referral] {
        self.referrals.get(&child).map_or(&[], Vec::as_slice)
    }

    fn plans_of(&self, child: PersonId) -> &[&'a Plan] {
        self.plans.get(&child).map_or(&[], Vec::as_slice)
    }

    fn conferences_of(&self, child: PersonId) -> &[&'a Conference] {
        self.conferences.get(&child).map_or(&[], Vec::as_slice)
    }

    fn visits_of(&self, child: PersonId) -> &[&'a Visit] {
        self.visits.get(&child).map_or(&[], Vec::as_slice)
    }

    // --- List 1: contacts ----------------------------------------------------------------------------------

    fn list1(&self, s: &RecordSet, from: Date, to: Date) -> Vec<Vec<Cell>> {
        let mut rows = Rows::new();
        for c in &s.contacts {
            let date = london_date(c.received_at);
            if !in_period(date, from, to) {
                continue;
            }
            let mut cells = self.child(c.child_id, date, false);
            cells.push(Cell::Date(date));
            cells.push(Cell::text(values::referral_source(c.source)));
            rows.push(date, cells);
        }
        rows.done()
    }

    // --- List 2: early help --------------------------------------------------------------------------------

    fn list2(&self, s: &RecordSet, from: Date, to: Date) -> Vec<Vec<Cell>> {
        let mut rows = Rows::new();
        for eh in &s.early_help_episodes {
            if !in_period(eh.start_date, from, to) {
                continue;
            }
            let mut cells = self.child(eh.child_id, eh.start_date, false);
            cells.push(Cell::Date(eh.start_date));
            cells.push(Cell::date(eh.end_date.filter(|d| *d <= to)));
            cells.push(Cell::text(eh.lead_agency.label()));
            rows.push(eh.start_date, cells);
        }
        rows.done()
    }

    // --- List 3: referrals ---------------------------------------------------------------------------------

    fn list3(&self, s: &RecordSet, from: Date, to: Date) -> Vec<Vec<Cell>> {
        let mut rows = Rows::new();
        for r in &s.referrals {
            let date = r.referral_date;
            if !in_period(date, from, to) {
                continue;
            }
            let year_before = months_before(date, 12);
            let earlier = self
                .referrals_of(r.child_id)
                .iter()
                .filter(|o| {
                    o.id != r.id
                        && o.referral_date >= year_before
                        && (o.referral_date < date || (o.referral_date == date && o.id < r.id))
                })
                .count();
            let as_at = closed_by(r, to).unwrap_or(to);
            let mut cells = self.child(r.child_id, date, false);
            cells.push(Cell::Date(date));
            cells.push(Cell::text(values::referral_source(r.source)));
            cells.push(Cell::text(values::yes_no(r.nfa)));
            cells.push(Cell::Number(earlier as i64));
            cells.extend(self.allocated(r.child_id, as_at));
            rows.push(date, cells);
        }
        rows.done()
    }

    // --- List 4: assessments -------------------------------------------------------------------------------

    fn list4(&self, s: &RecordSet, from: Date, to: Date) -> Vec<Vec<Cell>> {
        let mut rows = Rows::new();
        for a in &s.assessments {
            if !in_period(a.start_date, from, to) {
                continue;
            }
            let authorised = a.authorised_on.filter(|d| *d <= to);
            let as_at = authorised.unwrap_or(to);
            let mut cells = self.child(a.child_id, a.start_date, true);
            cells.push(Cell::Date(a.start_date));
            cells.push(Cell::text(values::yes_no(a.child_seen)));
            cells.push(Cell::date(authorised));
            cells.push(match (authorised, a.outcome) {
                (Some(_), Some(outcome)) => Cell::text(values::yes_no(needs_support(outcome))),
                (Some(_), None) => Cell::text(UNKNOWN),
                (None, _) => Cell::Blank,
            });
            cells.extend(self.allocated(a.child_id, as_at));
            rows.push(a.start_date, cells);
        }
        rows.done()
    }

    // --- List 5: section 47 enquiries ----------------------------------------------------------------------

    fn list5(&self, s: &RecordSet, from: Date, to: Date) -> Vec<Vec<Cell>> {
        let mut rows = Rows::new();
        for e in &s.section47s {
            let date = e.start_date;
            if !in_period(date, from, to) {
                continue;
            }
            let decided = e.outcome_date.is_none_or(|d| d <= to);
            let icpc = self
                .conferences_of(e.child_id)
                .iter()
                .filter(|c| c.kind == ConferenceKind::Initial && c.section47_id == Some(e.id))
                .filter_map(|c| c.held_on.filter(|d| *d <= to).map(|d| (d, *c)))
                .min_by_key(|(d, _)| *d);
            let year_before = months_before(date, 12);
            let enquiries = self
                .section47s
                .get(&e.child_id)
                .map_or(&[][..], Vec::as_slice)
                .iter()
                .filter(|o| {
                    o.id != e.id
                        && o.start_date >= year_before
                        && (o.start_date < date || (o.start_date == date && o.id < e.id))
                })
                .count();
            let icpcs = self
                .conferences_of(e.child_id)
                .iter()
                .filter(|c| c.kind == ConferenceKind::Initial && c.section47_id != Some(e.id))
                .filter(|c| c.held_on.is_some_and(|d| d >= year_before && d < date))
                .count();
            let as_at = e.outcome_date.filter(|d| *d <= to).unwrap_or(to);
            let mut cells = self.child(e.child_id, date, true);
            cells.push(Cell::Date(date));
            cells.push(match e.icpc_required.filter(|_| decided) {
                Some(required) => Cell::text(values::yes_no(!required)),
                None => Cell::Blank,
            });
            cells.push(Cell::date(icpc.map(|(d, _)| d)));
            cells.push(match icpc.map(|(_, c)| c.outcome) {
                None => Cell::Blank,
                Some(Some(ConferenceOutcome::ChildProtectionPlan)) => {
                    Cell::text(values::yes_no(true))
                }
                Some(Some(ConferenceOutcome::NoPlan)) => Cell::text(values::yes_no(false)),
                Some(_) => Cell::text(UNKNOWN),
            });
            cells.push(Cell::Number(enquiries as i64));
            cells.push(Cell::Number(icpcs as i64));
            cells.extend(self.allocated(e.child_id, as_at));
            rows.push(date, cells);
        }
        rows.done()
    }

    // --- List 6: children in need --------------------------------------------------------------------------

    fn list6(&self, s: &RecordSet, from: Date, to: Date) -> Vec<Vec<Cell>> {
        let mut rows = Rows::new();
        for r in &s.referrals {
            let open_in_period =
                r.referral_date <= to && r.closure.as_ref().is_none_or(|c| c.date >= from);
            if r.nfa || !open_in_period {
                continue;
            }
            let closure = r.closure.as_ref().filter(|c| c.date <= to);
            let as_at = closure.map_or(to, |c| c.date);
            let last_seen = self
                .visits_of(r.child_id)
                .iter()
                .filter(|v| v.child_seen && in_period(v.visited_on, r.referral_date, as_at))
                .map(|v| v.visited_on)
                .max();
            let mut cells = self.child(r.child_id, as_at, true);
            cells.push(Cell::Date(r.referral_date));
            cells.push(Cell::text(values::primary_need(
                r.primary_need
                    .unwrap_or(domain::codes::PrimaryNeed::NotStated),
            )));
            cells.push(Cell::date(last_seen));
            cells.push(Cell::date(closure.map(|c| c.date)));
            cells.push(closure.map_or(Cell::Blank, |c| {
                Cell::text(values::closure_reason(c.reason))
            }));
            cells.push(Cell::text(
                self.case_status(r, as_at, closure.is_some()).label(),
            ));
            cells.extend(self.allocated(r.child_id, as_at));
            rows.push(r.referral_date, cells);
        }
        rows.done()
    }

    fn case_status(&self, r: &Referral, on: Date, closed: bool) -> CaseStatus {
        if closed {
            return CaseStatus::Closed;
        }
        let open_plans: Vec<&&Plan> = self
            .plans_of(r.child_id)
            .iter()
            .filter(|p| p.referral_id == r.id && p.start_date <= on)
            .filter(|p| p.end_date.is_none_or(|e| e >= on))
            .collect();
        if open_plans
            .iter()
            .any(|p| p.kind == PlanKind::ChildProtection)
        {
            return CaseStatus::ChildProtectionPlan;
        }
        if !open_plans.is_empty() {
            return CaseStatus::ChildInNeedPlan;
        }
        let latest = self
            .assessments
            .get(&r.id)
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .filter(|a| a.start_date <= on)
            .max_by_key(|a| (a.start_date, a.id));
        match latest {
            None => CaseStatus::OpenAssessment,
            Some(a) if a.authorised_on.is_none_or(|d| d > on) => CaseStatus::OpenAssessment,
            Some(a) if a.outcome == Some(AssessmentOutcome::LookedAfter) => CaseStatus::LookedAfter,
            Some(_) => CaseStatus::ChildInNeedPlan,
        }
    }

    // --- List 7: child protection plans --------------------------------------------------------------------

    fn list7(&self, s: &RecordSet, from: Date, to: Date) -> Vec<Vec<Cell>> {
        let mut rows = Rows::new();
        for p in &s.plans {
            let open_in_period = p.start_date <= to && p.end_date.is_none_or(|e| e >= from);
            if p.kind != PlanKind::ChildProtection || !open_in_period {
                continue;
            }
            let ended = p.end_date.filter(|d| *d <= to);
            let as_at = ended.unwrap_or(to);
            let conferences: Vec<&&Conference> = self
                .conferences_of(p.child_id)
                .iter()
                .filter(|c| c.plan_id == Some(p.id))
                .filter(|c| c.held_on.is_some_and(|d| d <= as_at))
                .collect();
            let initial_conference = conferences
                .iter()
                .filter(|c| matches!(c.kind, ConferenceKind::Initial | ConferenceKind::TransferIn))
                .min_by_key(|c| c.held_on);
            let initial = p
                .initial_category
                .or_else(|| initial_conference.and_then(|c| c.category));
            let latest = p.latest_category.or_else(|| {
                conferences
                    .iter()
                    .filter(|c| c.category.is_some())
                    .max_by_key(|c| c.held_on)
                    .and_then(|c| c.category)
            });
            let latest = latest.or(initial);
            let visit = self
                .visits_of(p.child_id)
                .iter()
                .filter(|v| v.kind == VisitKind::ChildProtection)
                .filter(|v| v.plan_id.is_none_or(|id| id == p.id))
                .filter(|v| in_period(v.visited_on, p.start_date, as_at))
                .max_by_key(|v| (v.visited_on, v.id));
            let review = conferences
                .iter()
                .filter(|c| c.kind == ConferenceKind::Review)
                .filter_map(|c| c.held_on)
                .max();
            let six_months_before = months_before(as_at, 6);
            let protected = self
                .emergency
                .get(&p.child_id)
                .map_or(&[][..], Vec::as_slice)
                .iter()
                .any(|e| {
                    e.start_date <= as_at && e.end_date.is_none_or(|d| d >= six_months_before)
                });
            let mut cells = self.child(p.child_id, as_at, true);
            cells.push(Cell::Date(p.start_date));
            cells.push(initial.map_or(Cell::Blank, |c| Cell::text(values::abuse_category(c))));
            cells.push(latest.map_or(Cell::Blank, |c| Cell::text(values::abuse_category(c))));
            cells.push(Cell::date(visit.map(|v| v.visited_on)));
            cells.push(visit.map_or(Cell::Blank, |v| {
                Cell::text(values::yes_no(v.child_seen && v.seen_alone))
            }));
            cells.push(Cell::date(review));
            cells.push(Cell::date(ended));
            cells.push(Cell::text(values::yes_no(protected)));
            cells.push(Cell::Number(self.previous_plans(p)));
            cells.extend(self.allocated(p.child_id, as_at));
            rows.push(p.start_date, cells);
        }
        rows.done()
    }

    /// The child's child protection plans before `plan`: those we hold, plus what an import said came before
    /// the earliest of them.
    fn previous_plans(&self, plan: &Plan) -> i64 {
        let earlier: Vec<&&Plan> = self
            .plans_of(plan.child_id)
            .iter()
            .filter(|o| o.kind == PlanKind::ChildProtection && o.id != plan.id)
            .filter(|o| {
                o.start_date < plan.start_date
                    || (o.start_date == plan.start_date && o.id < plan.id)
            })
            .collect();
        match earlier.iter().min_by_key(|o| (o.start_date, o.id)) {
            None => i64::from(plan.previous_cp_plans.unwrap_or(0)),
            Some(first) => i64::from(first.previous_cp_plans.unwrap_or(0)) + earlier.len() as i64,
        }
    }
}

/// The episode's closure date, if it closed by `to`.
fn closed_by(r: &Referral, to: Date) -> Option<Date> {
    r.closure.as_ref().map(|c| c.date).filter(|d| *d <= to)
}

/// Whether an assessment's outcome means the child needs children's social care support.
fn needs_support(outcome: AssessmentOutcome) -> bool {
    match outcome {
        AssessmentOutcome::ChildInNeedPlan
        | AssessmentOutcome::StrategyDiscussion
        | AssessmentOutcome::LookedAfter => true,
        AssessmentOutcome::NoFurtherAction
        | AssessmentOutcome::EarlyHelp
        | AssessmentOutcome::OtherService => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn months_before_clamps_to_the_end_of_shorter_months() {
        assert_eq!(months_before(d("2024-03-31"), 1), d("2024-02-29"));
        assert_eq!(months_before(d("2024-02-29"), 12), d("2023-02-28"));
        assert_eq!(months_before(d("2024-08-31"), 6), d("2024-02-29"));
        assert_eq!(months_before(d("2024-01-15"), 6), d("2023-07-15"));
    }
}
