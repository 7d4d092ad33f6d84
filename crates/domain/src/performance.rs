//! Performance data: the dashboard's measures, what each one means, and how it is worked out from the slim
//! facts the store reads for a period. Pure: the store reads, this module counts.
//!
//! Every measure is defined once, here, as a rule that turns facts into [`Item`]s: one per contact, referral,
//! assessment, conference, plan, visit, discussion, action or supervision that the measure is about, dated (the
//! day that puts it in a period) and, for a rate, marked met or not. The dashboard's figures, its monthly trends,
//! its comparison by LA and its drill-downs to the children behind a figure are all counts of the same items, so
//! they cannot disagree. Where the CIN census or Annex A defines a measure, the rule follows that definition
//! (each [`MeasureDef::definition`] says which); the tests check the figures against both returns.
//!
//! Caseloads are the one measure about workers, not events: the children allocated to each worker on a day.

use std::collections::{BTreeMap, HashMap};

use jiff::ToSpan;
use serde::Serialize;

use crate::casework_clocks::LaClocks;
use crate::clocks;
use crate::codes::{ContactOutcome, PlanKind};
use crate::datetime::{Date, Timestamp, london_date};
use crate::error::{ValueError, ValueErrors};
use crate::identifiers::LaCode;
use crate::ids::{PersonId, PlanId, ReferralId, TeamId, UserId};

/// The longest period a dashboard covers: five years.
pub const MAX_PERIOD_DAYS: i32 = 5 * 366;

// --- periods -----------------------------------------------------------------------------------------------------

/// A period of whole days, `from` to `to` inclusive (London dates).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Period {
    pub from: Date,
    pub to: Date,
}

impl Period {
    /// A period from the dashboard's `from` and `to` (either may be missing: the default is the twelve months
    /// to `today`, from the first of the month eleven months back). Every problem is named by its field.
    pub fn from_input(
        from: Option<&str>,
        to: Option<&str>,
        today: Date,
    ) -> Result<Period, ValueErrors> {
        let mut errors = ValueErrors::new();
        let parse = |field: &'static str, s: Option<&str>| match s.map(str::trim) {
            None | Some("") => Ok(None),
            Some(s) => crate::datetime::parse_date(field, s).map(Some),
        };
        let to = errors.take(parse("to", to)).flatten().unwrap_or(today);
        let default_from = first_of_month(to).saturating_sub(11.months());
        let from = errors
            .take(parse("from", from))
            .flatten()
            .unwrap_or(default_from);
        errors.into_result()?;
        if from > to {
            return Err(ValueError::new("from", "the start must be on or before the end").into());
        }
        let period = Period { from, to };
        if period.days() > MAX_PERIOD_DAYS {
            return Err(ValueError::new("from", "choose a period of at most five years").into());
        }
        if from < crate::datetime::EARLIEST_DATE {
            return Err(ValueError::new("from", "enter a date from 1 January 1900 onwards").into());
        }
        Ok(period)
    }

    /// The number of days in the period.
    pub fn days(&self) -> i32 {
        (self.to - self.from).get_days() + 1
    }

    /// The period of the same length that ends the day before this one starts.
    pub fn previous(&self) -> Period {
        let to = self.from.yesterday().unwrap_or(self.from);
        let from = to.saturating_sub((self.days() - 1).days());
        Period { from, to }
    }

    pub fn contains(&self, d: Date) -> bool {
        self.from <= d && d <= self.to
    }

    /// The calendar months the period touches, each cut to the period.
    pub fn months(&self) -> Vec<Period> {
        let mut out = Vec::new();
        let mut start = self.from;
        while start <= self.to {
            let end = first_of_month(start)
                .saturating_add(1.month())
                .yesterday()
                .unwrap_or(start)
                .min(self.to);
            out.push(Period {
                from: start,
                to: end,
            });
            match end.tomorrow() {
                Ok(next) if end < self.to => start = next,
                _ => break,
            }
        }
        out
    }

    /// "Apr 2024" for a month; "1 Apr 2024 to 31 Mar 2025" for a longer period.
    pub fn label(&self) -> String {
        if first_of_month(self.from) == first_of_month(self.to) {
            self.from.strftime("%b %Y").to_string()
        } else {
            format!(
                "{} to {}",
                self.from.strftime("%-d %b %Y"),
                self.to.strftime("%-d %b %Y")
            )
        }
    }
}

fn first_of_month(d: Date) -> Date {
    d.first_of_month()
}

/// The same calendar day `months` months earlier (the last day of the month when that month is shorter): the
/// census's and Annex A's "in the 12 months before".
pub fn months_before(d: Date, months: i32) -> Date {
    clocks::add_months(d, -months)
}

// --- what each measure is -----------------------------------------------------------------------------------------

/// What a figure counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Unit {
    /// A number of things.
    Count,
    /// A percentage of things that met the standard.
    Percent,
    /// Children per worker.
    ChildrenPerWorker,
}

impl Unit {
    pub fn code(self) -> &'static str {
        match self {
            Unit::Count => "count",
            Unit::Percent => "percent",
            Unit::ChildrenPerWorker => "children-per-worker",
        }
    }
}

/// Which way is better, for comparisons (better, same, worse).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Better {
    Higher,
    Lower,
    /// A volume: neither way is better in itself.
    Neither,
}

/// A measure: its stable id (the API's), its label, its unit and its definition in words.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct MeasureDef {
    pub id: &'static str,
    pub label: &'static str,
    pub unit: Unit,
    pub better: Better,
    /// What is counted, in a sentence, and whose definition it follows.
    pub definition: &'static str,
    /// Whether a figure lists the children behind it.
    pub drills_to_children: bool,
}

const fn def(
    id: &'static str,
    label: &'static str,
    unit: Unit,
    better: Better,
    definition: &'static str,
) -> MeasureDef {
    MeasureDef {
        id,
        label,
        unit,
        better,
        definition,
        drills_to_children: true,
    }
}

/// Every measure, in the order the dashboard shows them.
pub const MEASURES: &[MeasureDef] = &[
    def(
        "contacts",
        "Contacts received",
        Unit::Count,
        Better::Neither,
        "Contacts received in the period (by the London day received), as Annex A List 1 counts them.",
    ),
    def(
        "decided-within-1-wd",
        "Contacts decided within 1 working day",
        Unit::Percent,
        Better::Higher,
        "Of contacts received in the period and decided (or undecided past their clock), the share decided by the LA's contact decision clock (1 working day).",
    ),
    def(
        "conversion-to-referral",
        "Contacts that became referrals",
        Unit::Percent,
        Better::Neither,
        "Of contacts received in the period and decided, the share whose decision opened a referral (referral, strategy discussion or emergency accommodation).",
    ),
    def(
        "re-referrals-12m",
        "Re-referrals within 12 months",
        Unit::Percent,
        Better::Lower,
        "Of referrals in the period, the share within 12 months of a previous referral of the child (the CIN census definition; Annex A List 3).",
    ),
    def(
        "assessments-within-45-wd",
        "Assessments within 45 working days",
        Unit::Percent,
        Better::Higher,
        "Of child and family assessments authorised in the period, the share authorised within 45 working days of the referral (the CIN census definition).",
    ),
    def(
        "section-47s",
        "Section 47 enquiries started",
        Unit::Count,
        Better::Neither,
        "Section 47 enquiries started in the period, as Annex A List 5 counts them.",
    ),
    def(
        "icpc-within-15-wd",
        "Initial conferences within 15 working days",
        Unit::Percent,
        Better::Higher,
        "Of initial child protection conferences held in the period, the share held within 15 working days of the strategy discussion that started the section 47 enquiry (the CIN census definition).",
    ),
    def(
        "cp-plans-new",
        "Child protection plans started",
        Unit::Count,
        Better::Neither,
        "Child protection plans that started in the period (the CIN census's plans starting).",
    ),
    def(
        "cp-plans-second-or-subsequent",
        "Second or subsequent child protection plans",
        Unit::Percent,
        Better::Lower,
        "Of child protection plans started in the period, the share that are the child's second or later plan, ever (the CIN census definition; Annex A List 7's previous plans).",
    ),
    def(
        "cp-plans-2-years",
        "Child protection plans lasting 2 years or more",
        Unit::Percent,
        Better::Lower,
        "Of child protection plans that ended in the period, the share that had lasted two years or more (the CIN census definition).",
    ),
    def(
        "visits-on-time",
        "Visits on time",
        Unit::Percent,
        Better::Higher,
        "Of child protection and child in need visits made in the period, the share made within the LA's visit interval of the last visit (or the plan's start).",
    ),
    def(
        "strategy-with-health-and-education",
        "Strategy discussions with health and education",
        Unit::Percent,
        Better::Higher,
        "Of strategy discussions held in the period, the share with both health and education taking part.",
    ),
    def(
        "actions-overdue",
        "Actions not done by their due date",
        Unit::Count,
        Better::Lower,
        "Actions (of strategy discussions, plans, supervision and case-file audits) due in the period that were done after their due date, or are still open after it.",
    ),
    def(
        "actions-overdue-strategy",
        "… of strategy discussions",
        Unit::Count,
        Better::Lower,
        "Actions of strategy discussions due in the period and not done by their due date.",
    ),
    def(
        "actions-overdue-plans",
        "… of plans",
        Unit::Count,
        Better::Lower,
        "Actions of child in need and child protection plans due in the period and not done by their due date.",
    ),
    def(
        "actions-overdue-supervision",
        "… of supervision",
        Unit::Count,
        Better::Lower,
        "Actions set in supervision due in the period and not done by their due date.",
    ),
    def(
        "actions-overdue-audits",
        "… of case-file audits",
        Unit::Count,
        Better::Lower,
        "Actions of case-file audits due in the period and not done by their due date.",
    ),
    def(
        "referrer-feedback",
        "Referrers told the outcome",
        Unit::Percent,
        Better::Higher,
        "Of contacts received in the period and decided, the share whose referrer has been told the outcome.",
    ),
    MeasureDef {
        id: "caseload-average",
        label: "Average caseload",
        unit: Unit::ChildrenPerWorker,
        better: Better::Lower,
        definition: "Children allocated per worker holding cases, on the last day of the period (the workload report breaks it down by team and worker).",
        drills_to_children: false,
    },
    MeasureDef {
        id: "supervision-on-time",
        label: "Supervision on time",
        unit: Unit::Percent,
        better: Better::Higher,
        definition: "Of supervision sessions held in the period, the share held within the LA's supervision interval of the worker's previous session.",
        drills_to_children: false,
    },
];

/// A measure by its id.
pub fn measure(id: &str) -> Option<&'static MeasureDef> {
    MEASURES.iter().find(|m| m.id == id)
}

// --- England's figures ----------------------------------------------------------------------------------------------

/// England's latest published figure for a measure, with its source.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EnglandFigure {
    pub measure_id: String,
    pub value: f64,
    pub unit: String,
    pub year: String,
    pub source: String,
    pub url: String,
}

/// The data file of England's figures shipped with Frontdoor (`crates/domain/data/england.csv`).
pub const ENGLAND_CSV: &str = include_str!("../data/england.csv");

/// England's figures from a CSV of `measure_id,value,unit,year,source,url`. Rows for unknown measures or with a
/// unit other than the measure's are refused: a figure beside the wrong measure would mislead.
pub fn england_figures(csv_text: &str) -> Result<Vec<EnglandFigure>, String> {
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let mut out = Vec::new();
    for (i, row) in reader.records().enumerate() {
        let line = i + 2;
        let row = row.map_err(|e| format!("line {line}: {e}"))?;
        let field = |n: usize| row.get(n).unwrap_or("").trim().to_owned();
        let id = field(0);
        let def = measure(&id).ok_or_else(|| format!("line {line}: no measure '{id}'"))?;
        let value: f64 = field(1)
            .parse()
            .map_err(|_| format!("line {line}: '{}' is not a number", field(1)))?;
        if field(2) != def.unit.code() {
            return Err(format!(
                "line {line}: {id} is in {}, not {}",
                def.unit.code(),
                field(2)
            ));
        }
        out.push(EnglandFigure {
            measure_id: id,
            value,
            unit: field(2),
            year: field(3),
            source: field(4),
            url: field(5),
        });
    }
    Ok(out)
}

/// England's figures as shipped.
pub fn england() -> Vec<EnglandFigure> {
    england_figures(ENGLAND_CSV).unwrap_or_default()
}

// --- the facts ------------------------------------------------------------------------------------------------------

/// A contact: when received and decided, the outcome, whether the referrer was told it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContactFact {
    pub la: LaCode,
    pub child_id: PersonId,
    pub received_at: Timestamp,
    pub decided_at: Option<Timestamp>,
    pub outcome: Option<ContactOutcome>,
    pub feedback_given: bool,
}

/// A referral (CIN episode) and its date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReferralFact {
    pub la: LaCode,
    pub id: ReferralId,
    pub child_id: PersonId,
    pub referral_date: Date,
}

/// An authorised assessment: its referral's date and when it was authorised.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssessmentFact {
    pub la: LaCode,
    pub child_id: PersonId,
    pub referral_date: Date,
    pub authorised_on: Date,
}

/// A section 47 enquiry's start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section47Fact {
    pub la: LaCode,
    pub child_id: PersonId,
    pub start_date: Date,
}

/// An initial child protection conference held, and the start of its section 47 enquiry (the strategy
/// discussion's day).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IcpcFact {
    pub la: LaCode,
    pub child_id: PersonId,
    pub section47_start: Date,
    pub held_on: Date,
}

/// A child protection plan: its dates, and what an import said about plans before the earliest one held.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CpPlanFact {
    pub la: LaCode,
    pub id: PlanId,
    pub child_id: PersonId,
    pub start_date: Date,
    pub end_date: Option<Date>,
    pub previous_cp_plans: Option<u32>,
}

/// A strategy discussion: when, and whether health and education took part.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StrategyFact {
    pub la: LaCode,
    pub child_id: PersonId,
    pub held_at: Timestamp,
    pub health: bool,
    pub education: bool,
}

/// A visit on a plan: the plan's kind and start, the day of the visit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VisitFact {
    pub la: LaCode,
    pub child_id: PersonId,
    pub plan_id: PlanId,
    pub plan_kind: PlanKind,
    pub plan_start: Date,
    pub visited_on: Date,
}

/// Where an action was agreed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActionSource {
    StrategyDiscussion,
    Plan,
    Supervision,
    CaseFileAudit,
}

/// An action: where it was agreed, when due, when done.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActionFact {
    pub la: LaCode,
    pub child_id: Option<PersonId>,
    pub source: ActionSource,
    pub due_on: Date,
    pub completed_on: Option<Date>,
}

/// A supervision session: the worker supervised and the day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SupervisionFact {
    pub la: LaCode,
    pub supervisee_id: UserId,
    pub held_on: Date,
}

/// An allocation of a child to a worker, from one day to another (open when `to` is `None`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AllocationFact {
    pub la: LaCode,
    pub child_id: PersonId,
    pub worker_id: UserId,
    pub team_id: Option<TeamId>,
    pub from: Date,
    pub to: Option<Date>,
}

impl AllocationFact {
    /// Whether the child was allocated to the worker on `d` (the last day counts).
    pub fn open_on(&self, d: Date) -> bool {
        self.from <= d && self.to.is_none_or(|t| t >= d)
    }
}

/// The facts a dashboard is counted from, for the LAs in scope: what [`FactWindow`] says to read.
#[derive(Clone, Debug, Default)]
pub struct Facts {
    pub contacts: Vec<ContactFact>,
    pub referrals: Vec<ReferralFact>,
    pub assessments: Vec<AssessmentFact>,
    pub section47s: Vec<Section47Fact>,
    pub icpcs: Vec<IcpcFact>,
    pub cp_plans: Vec<CpPlanFact>,
    pub strategy_discussions: Vec<StrategyFact>,
    pub visits: Vec<VisitFact>,
    pub actions: Vec<ActionFact>,
    pub supervisions: Vec<SupervisionFact>,
    pub allocations: Vec<AllocationFact>,
}

/// Which facts to read for a period and the previous one: the days each kind of fact is read for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FactWindow {
    /// Contacts received, assessments authorised, enquiries started, conferences held, discussions held,
    /// actions due, supervision held, allocations open: the previous period's start to the period's end.
    pub from: Date,
    pub to: Date,
    /// Referrals from here (a year before `from`: a re-referral looks back 12 months).
    pub referrals_from: Date,
    /// Visits and supervision from here (the previous visit or session decides whether the next was on time).
    pub lookback_from: Date,
}

impl FactWindow {
    /// The window for `period` (and its previous period), with the LAs' longest visit or supervision interval.
    pub fn for_period(period: &Period, longest_interval_wd: u32) -> FactWindow {
        FactWindow::for_days(period.previous().from, period.to, longest_interval_wd)
    }

    /// The window for the days `from..=to`, with the LAs' longest visit or supervision interval.
    pub fn for_days(from: Date, to: Date, longest_interval_wd: u32) -> FactWindow {
        // A working day is at most about two calendar days (a bank holiday weekend); twice the interval, plus a
        // fortnight, is always enough to find the previous visit if it was in time.
        let back = i64::from(longest_interval_wd) * 2 + 14;
        FactWindow {
            from,
            to,
            referrals_from: months_before(from, 12),
            lookback_from: from.saturating_sub(back.days()),
        }
    }
}

// --- the rules -------------------------------------------------------------------------------------------------------

/// What the rules need besides the facts: each LA's clocks, and now.
#[derive(Clone, Debug)]
pub struct Context<'a> {
    pub las: Vec<LaClocks<'a>>,
    pub now: Timestamp,
}

impl Context<'_> {
    fn index(&self, la: &LaCode) -> Option<usize> {
        self.las.iter().position(|l| l.la == la)
    }

    fn today(&self) -> Date {
        london_date(self.now)
    }
}

/// One thing a measure counts: which LA (an index into [`Context::las`]), which child or worker, the day that
/// puts it in a period, and for a rate whether it met the standard.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Item {
    pub la: usize,
    pub child: Option<PersonId>,
    pub worker: Option<UserId>,
    pub on: Date,
    /// `None` for a count; for a rate, whether it met the standard.
    pub met: Option<bool>,
}

fn item(la: usize, child: PersonId, on: Date, met: Option<bool>) -> Item {
    Item {
        la,
        child: Some(child),
        worker: None,
        on,
        met,
    }
}

/// The items of measure `id` (none for the caseload, which is not made of items).
pub fn items(id: &str, facts: &Facts, ctx: &Context<'_>) -> Vec<Item> {
    let mut out = Vec::new();
    let la = |code: &LaCode| ctx.index(code);
    match id {
        "contacts" => {
            for c in &facts.contacts {
                if let Some(l) = la(&c.la) {
                    out.push(item(l, c.child_id, london_date(c.received_at), None));
                }
            }
        }
        "decided-within-1-wd" => {
            for c in &facts.contacts {
                let Some(l) = la(&c.la) else { continue };
                let Some(clock) = ctx.las.get(l) else {
                    continue;
                };
                let due =
                    clocks::contact_decision_due(clock.calendar, clock.settings, c.received_at);
                let met = match c.decided_at {
                    Some(at) => Some(at <= due),
                    // Undecided: late once the clock has run out, otherwise not yet counted.
                    None if ctx.now > due => Some(false),
                    None => None,
                };
                if met.is_some() {
                    out.push(item(l, c.child_id, london_date(c.received_at), met));
                }
            }
        }
        "conversion-to-referral" => {
            for c in &facts.contacts {
                if let (Some(l), Some(outcome)) = (la(&c.la), c.outcome) {
                    out.push(item(
                        l,
                        c.child_id,
                        london_date(c.received_at),
                        Some(outcome.opens_referral()),
                    ));
                }
            }
        }
        "referrer-feedback" => {
            for c in &facts.contacts {
                if let (Some(l), Some(_)) = (la(&c.la), c.decided_at) {
                    out.push(item(
                        l,
                        c.child_id,
                        london_date(c.received_at),
                        Some(c.feedback_given),
                    ));
                }
            }
        }
        "re-referrals-12m" => {
            let mut by_child: HashMap<PersonId, Vec<&ReferralFact>> = HashMap::new();
            for r in &facts.referrals {
                by_child.entry(r.child_id).or_default().push(r);
            }
            for r in &facts.referrals {
                let Some(l) = la(&r.la) else { continue };
                let year_before = months_before(r.referral_date, 12);
                let earlier = by_child.get(&r.child_id).is_some_and(|all| {
                    all.iter().any(|o| {
                        o.id != r.id
                            && o.referral_date >= year_before
                            && (o.referral_date < r.referral_date
                                || (o.referral_date == r.referral_date && o.id < r.id))
                    })
                });
                out.push(item(l, r.child_id, r.referral_date, Some(earlier)));
            }
        }
        "assessments-within-45-wd" => {
            for a in &facts.assessments {
                let Some(l) = la(&a.la) else { continue };
                let Some(clock) = ctx.las.get(l) else {
                    continue;
                };
                let due = clocks::assessment_due(clock.calendar, a.referral_date);
                out.push(item(
                    l,
                    a.child_id,
                    a.authorised_on,
                    Some(a.authorised_on <= due),
                ));
            }
        }
        "section-47s" => {
            for e in &facts.section47s {
                if let Some(l) = la(&e.la) {
                    out.push(item(l, e.child_id, e.start_date, None));
                }
            }
        }
        "icpc-within-15-wd" => {
            for c in &facts.icpcs {
                let Some(l) = la(&c.la) else { continue };
                let Some(clock) = ctx.las.get(l) else {
                    continue;
                };
                let due = clocks::icpc_due(clock.calendar, c.section47_start);
                out.push(item(l, c.child_id, c.held_on, Some(c.held_on <= due)));
            }
        }
        "cp-plans-new" => {
            for p in &facts.cp_plans {
                if let Some(l) = la(&p.la) {
                    out.push(item(l, p.child_id, p.start_date, None));
                }
            }
        }
        "cp-plans-second-or-subsequent" => {
            let mut by_child: HashMap<PersonId, Vec<&CpPlanFact>> = HashMap::new();
            for p in &facts.cp_plans {
                by_child.entry(p.child_id).or_default().push(p);
            }
            for p in &facts.cp_plans {
                let Some(l) = la(&p.la) else { continue };
                let all = by_child.get(&p.child_id).map_or(&[][..], Vec::as_slice);
                let previous = previous_cp_plans(p, all);
                out.push(item(l, p.child_id, p.start_date, Some(previous >= 1)));
            }
        }
        "cp-plans-2-years" => {
            for p in &facts.cp_plans {
                if let (Some(l), Some(end)) = (la(&p.la), p.end_date) {
                    let two_years = clocks::add_months(p.start_date, 24);
                    out.push(item(l, p.child_id, end, Some(end >= two_years)));
                }
            }
        }
        "visits-on-time" => {
            let mut by_plan: HashMap<PlanId, Vec<&VisitFact>> = HashMap::new();
            for v in &facts.visits {
                by_plan.entry(v.plan_id).or_default().push(v);
            }
            for visits in by_plan.values_mut() {
                visits.sort_by_key(|v| v.visited_on);
                let mut last: Option<Date> = None;
                for v in visits.iter() {
                    let Some(l) = la(&v.la) else { continue };
                    let Some(clock) = ctx.las.get(l) else {
                        continue;
                    };
                    let since = last.filter(|d| *d >= v.plan_start).unwrap_or(v.plan_start);
                    let every = match v.plan_kind {
                        PlanKind::ChildProtection => clock.settings.cp_visit_every_wd,
                        PlanKind::ChildInNeed => clock.settings.cin_visit_every_wd,
                    };
                    let due = clocks::visit_due(clock.calendar, since, every);
                    out.push(item(l, v.child_id, v.visited_on, Some(v.visited_on <= due)));
                    last = Some(v.visited_on);
                }
            }
        }
        "strategy-with-health-and-education" => {
            for s in &facts.strategy_discussions {
                if let Some(l) = la(&s.la) {
                    out.push(item(
                        l,
                        s.child_id,
                        london_date(s.held_at),
                        Some(s.health && s.education),
                    ));
                }
            }
        }
        "actions-overdue"
        | "actions-overdue-strategy"
        | "actions-overdue-plans"
        | "actions-overdue-supervision"
        | "actions-overdue-audits" => {
            let today = ctx.today();
            for a in &facts.actions {
                let Some(l) = la(&a.la) else { continue };
                let wanted = match id {
                    "actions-overdue-strategy" => a.source == ActionSource::StrategyDiscussion,
                    "actions-overdue-plans" => a.source == ActionSource::Plan,
                    "actions-overdue-supervision" => a.source == ActionSource::Supervision,
                    "actions-overdue-audits" => a.source == ActionSource::CaseFileAudit,
                    _ => true,
                };
                let late = match a.completed_on {
                    Some(done) => done > a.due_on,
                    None => a.due_on < today,
                };
                if wanted && late {
                    out.push(Item {
                        la: l,
                        child: a.child_id,
                        worker: None,
                        on: a.due_on,
                        met: None,
                    });
                }
            }
        }
        "supervision-on-time" => {
            let mut by_worker: HashMap<UserId, Vec<&SupervisionFact>> = HashMap::new();
            for s in &facts.supervisions {
                by_worker.entry(s.supervisee_id).or_default().push(s);
            }
            for sessions in by_worker.values_mut() {
                sessions.sort_by_key(|s| s.held_on);
                let mut last: Option<Date> = None;
                for s in sessions.iter() {
                    let Some(l) = la(&s.la) else { continue };
                    let Some(clock) = ctx.las.get(l) else {
                        continue;
                    };
                    if let Some(prev) = last {
                        let due = clocks::supervision_due(
                            clock.calendar,
                            prev,
                            clock.settings.supervision_every_wd,
                        );
                        out.push(Item {
                            la: l,
                            child: None,
                            worker: Some(s.supervisee_id),
                            on: s.held_on,
                            met: Some(s.held_on <= due),
                        });
                    }
                    last = Some(s.held_on);
                }
            }
        }
        _ => {}
    }
    out
}

/// The child's child protection plans before `plan` (among `all`, the child's plans): those held, plus what an
/// import said came before the earliest of them. Annex A List 7's "Number of Previous Child Protection Plans".
pub fn previous_cp_plans(plan: &CpPlanFact, all: &[&CpPlanFact]) -> u32 {
    let earlier: Vec<&&CpPlanFact> = all
        .iter()
        .filter(|o| o.id != plan.id)
        .filter(|o| {
            o.start_date < plan.start_date || (o.start_date == plan.start_date && o.id < plan.id)
        })
        .collect();
    match earlier.iter().min_by_key(|o| (o.start_date, o.id)) {
        None => plan.previous_cp_plans.unwrap_or(0),
        Some(first) => first
            .previous_cp_plans
            .unwrap_or(0)
            .saturating_add(u32::try_from(earlier.len()).unwrap_or(u32::MAX)),
    }
}

// --- the figures -----------------------------------------------------------------------------------------------------

/// A figure: how many, out of how many (for a rate), and the value shown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Tally {
    /// The count, or a rate's numerator (met), or a caseload's children.
    pub count: u64,
    /// A rate's denominator, or a caseload's workers.
    pub of: Option<u64>,
    /// The value: the count, the percentage (one decimal place), or the children per worker (one decimal place);
    /// `None` when a rate or caseload has nothing to divide by.
    pub value: Option<f64>,
}

impl Tally {
    fn count(n: u64) -> Tally {
        Tally {
            count: n,
            of: None,
            value: Some(n as f64),
        }
    }

    fn rate(met: u64, of: u64, scale: f64) -> Tally {
        Tally {
            count: met,
            of: Some(of),
            value: (of > 0).then(|| round1(met as f64 * scale / of as f64)),
        }
    }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// How a figure compares with an earlier one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Change {
    Better,
    Same,
    Worse,
    /// Up or down, where neither way is better (a volume), or nothing to compare.
    Up,
    Down,
    NotComparable,
}

impl Change {
    pub fn label(self) -> &'static str {
        match self {
            Change::Better => "Better",
            Change::Same => "Same",
            Change::Worse => "Worse",
            Change::Up => "Up",
            Change::Down => "Down",
            Change::NotComparable => "No comparison",
        }
    }
}

/// How `now` compares with `before` for a measure where `better` is better.
pub fn compare(now: Option<f64>, before: Option<f64>, better: Better) -> Change {
    let (Some(now), Some(before)) = (now, before) else {
        return Change::NotComparable;
    };
    if (now - before).abs() < 0.05 {
        return Change::Same;
    }
    let up = now > before;
    match (better, up) {
        (Better::Higher, true) | (Better::Lower, false) => Change::Better,
        (Better::Higher, false) | (Better::Lower, true) => Change::Worse,
        (Better::Neither, true) => Change::Up,
        (Better::Neither, false) => Change::Down,
    }
}

/// One measure's figures.
#[derive(Clone, Debug, Serialize)]
pub struct Measure {
    pub def: &'static MeasureDef,
    pub current: Tally,
    pub previous: Tally,
    pub change: Change,
    /// Each month of the period.
    pub months: Vec<(Period, Tally)>,
    /// Each LA's figure for the period, in the order of [`Context::las`].
    pub by_la: Vec<Tally>,
    pub england: Option<EnglandFigure>,
}

/// The dashboard: each measure for the period, beside the previous one and England.
#[derive(Clone, Debug, Serialize)]
pub struct Dashboard {
    pub period: Period,
    pub previous: Period,
    pub las: Vec<LaCode>,
    pub measures: Vec<Measure>,
}

/// Every figure of the dashboard is a sum of these: for each measure, LA and day, how many items it counted and
/// how many met the standard; and for each day, the caseload (children allocated, workers holding cases) of each
/// LA and of them all. Worked out once from the facts of a window of days; any period inside the window is then
/// summed from them without reading the facts again.
#[derive(Clone, Debug)]
pub struct DayTallies {
    pub las: Vec<LaCode>,
    /// The first and last day counted.
    pub from: Date,
    pub to: Date,
    /// By measure (in [`MEASURES`]' order), then LA (in `las`' order): day → (items, met).
    counts: Vec<Vec<BTreeMap<Date, (u64, u64)>>>,
    /// By LA, then (last) all the LAs together: day → (children, workers), for every day from `from` to `to`.
    caseloads: Vec<BTreeMap<Date, (u64, u64)>>,
}

/// The items of every measure counted by LA and day, and the caseloads of every day, for `from..=to` (the facts
/// must cover the window, as [`FactWindow`] reads them).
pub fn day_tallies(facts: &Facts, ctx: &Context<'_>, from: Date, to: Date) -> DayTallies {
    let n_las = ctx.las.len();
    let counts = MEASURES
        .iter()
        .map(|def| {
            let mut by_la: Vec<BTreeMap<Date, (u64, u64)>> = vec![BTreeMap::new(); n_las];
            for i in items(def.id, facts, ctx) {
                if i.on < from || i.on > to {
                    continue;
                }
                if let Some(days) = by_la.get_mut(i.la) {
                    let e = days.entry(i.on).or_insert((0, 0));
                    e.0 += 1;
                    e.1 += u64::from(i.met == Some(true));
                }
            }
            by_la
        })
        .collect();
    let mut caseloads: Vec<BTreeMap<Date, (u64, u64)>> = ctx
        .las
        .iter()
        .map(|l| caseloads_by_day(&facts.allocations, Some(l.la), from, to))
        .collect();
    caseloads.push(caseloads_by_day(&facts.allocations, None, from, to));
    DayTallies {
        las: ctx.las.iter().map(|l| l.la.clone()).collect(),
        from,
        to,
        counts,
        caseloads,
    }
}

/// Each day's caseload (children allocated, workers holding cases) from `from` to `to`, of LA `la` or of all:
/// one pass over the allocations' starts and ends. A child allocated twice to one worker counts once.
fn caseloads_by_day(
    allocations: &[AllocationFact],
    la: Option<&LaCode>,
    from: Date,
    to: Date,
) -> BTreeMap<Date, (u64, u64)> {
    // (day, +1 or -1, worker, child): an allocation counts from its first day to its last.
    let mut events: Vec<(Date, i8, UserId, PersonId)> = Vec::new();
    for a in allocations.iter().filter(|a| la.is_none_or(|l| &a.la == l)) {
        if a.to.is_some_and(|t| t < from) || a.from > to {
            continue;
        }
        events.push((a.from.max(from), 1, a.worker_id, a.child_id));
        if let Some(t) = a.to.filter(|t| *t < to)
            && let Ok(next) = t.tomorrow()
        {
            events.push((next, -1, a.worker_id, a.child_id));
        }
    }
    events.sort_by_key(|e| e.0);
    let mut pairs: HashMap<(UserId, PersonId), u32> = HashMap::new();
    let mut per_worker: HashMap<UserId, u64> = HashMap::new();
    let (mut children, mut workers) = (0u64, 0u64);
    let mut out = BTreeMap::new();
    let mut next = events.iter().peekable();
    let mut day = from;
    while day <= to {
        while let Some(e) = next.next_if(|e| e.0 <= day) {
            let (_, change, worker, child) = *e;
            let n = pairs.entry((worker, child)).or_insert(0);
            let before = *n;
            *n = if change > 0 {
                n.saturating_add(1)
            } else {
                n.saturating_sub(1)
            };
            let w = per_worker.entry(worker).or_insert(0);
            match (before, *n) {
                (0, 1) => {
                    children += 1;
                    *w += 1;
                    if *w == 1 {
                        workers += 1;
                    }
                }
                (1, 0) => {
                    children = children.saturating_sub(1);
                    *w = w.saturating_sub(1);
                    if *w == 0 {
                        workers = workers.saturating_sub(1);
                    }
                }
                _ => {}
            }
        }
        out.insert(day, (children, workers));
        match day.tomorrow() {
            Ok(d) => day = d,
            Err(_) => break,
        }
    }
    out
}

impl DayTallies {
    /// Whether `period` lies inside the days counted.
    pub fn covers(&self, period: &Period) -> bool {
        self.from <= period.from && period.to <= self.to
    }

    /// Measure `m`'s figure over `period`, for LA `la` (an index into `las`) or all.
    fn figure(&self, m: usize, def: &MeasureDef, period: &Period, la: Option<usize>) -> Tally {
        if def.id == "caseload-average" {
            let by = la.unwrap_or(self.las.len());
            let (children, workers) = self
                .caseloads
                .get(by)
                .and_then(|days| days.get(&period.to))
                .copied()
                .unwrap_or((0, 0));
            return Tally::rate(children, workers, 1.0);
        }
        let (mut n, mut met) = (0u64, 0u64);
        if let Some(by_la) = self.counts.get(m) {
            for (i, days) in by_la.iter().enumerate() {
                if la.is_some_and(|l| l != i) {
                    continue;
                }
                for (x, y) in days.range(period.from..=period.to).map(|(_, v)| *v) {
                    n += x;
                    met += y;
                }
            }
        }
        match def.unit {
            Unit::Percent => Tally::rate(met, n, 100.0),
            Unit::Count | Unit::ChildrenPerWorker => Tally::count(n),
        }
    }

    /// The dashboard for `period` (and the previous period of the same length), which the days counted must
    /// cover.
    pub fn dashboard(&self, period: Period, england: &[EnglandFigure]) -> Dashboard {
        let previous = period.previous();
        let months = period.months();
        let measures = MEASURES
            .iter()
            .enumerate()
            .map(|(m, def)| {
                let current = self.figure(m, def, &period, None);
                let previous_tally = self.figure(m, def, &previous, None);
                Measure {
                    def,
                    change: compare(current.value, previous_tally.value, def.better),
                    current,
                    previous: previous_tally,
                    months: months
                        .iter()
                        .map(|p| (*p, self.figure(m, def, p, None)))
                        .collect(),
                    by_la: (0..self.las.len())
                        .map(|l| self.figure(m, def, &period, Some(l)))
                        .collect(),
                    england: england.iter().find(|e| e.measure_id == def.id).cloned(),
                }
            })
            .collect();
        Dashboard {
            period,
            previous,
            las: self.las.clone(),
            measures,
        }
    }
}

/// Children allocated per worker holding cases on `day`, among `allocations` (those of LA `la` when given).
pub fn caseload_on(allocations: &[AllocationFact], day: Date, la: Option<&LaCode>) -> Tally {
    let (children, workers) = caseloads_by_day(allocations, la, day, day)
        .get(&day)
        .copied()
        .unwrap_or((0, 0));
    Tally::rate(children, workers, 1.0)
}

/// Work out every measure for `period` (and the previous period of the same length) from `facts`, which must
/// cover them as [`FactWindow`] reads them.
pub fn dashboard(
    facts: &Facts,
    ctx: &Context<'_>,
    period: Period,
    england: &[EnglandFigure],
) -> Dashboard {
    day_tallies(facts, ctx, period.previous().from, period.to).dashboard(period, england)
}

/// A child behind a figure: who, which LA, the day, and for a rate whether the standard was met.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DrillRow {
    pub la: usize,
    pub child: PersonId,
    pub on: Date,
    pub met: Option<bool>,
}

/// The children behind measure `id` in `period`: for a rate, those that missed the standard first; then by day.
/// One row per item (a child with two late contacts is listed twice, each on its day).
pub fn drill_down(id: &str, facts: &Facts, ctx: &Context<'_>, period: &Period) -> Vec<DrillRow> {
    let mut rows: Vec<DrillRow> = items(id, facts, ctx)
        .into_iter()
        .filter(|i| period.contains(i.on))
        .filter_map(|i| {
            i.child.map(|child| DrillRow {
                la: i.la,
                child,
                on: i.on,
                met: i.met,
            })
        })
        .collect();
    rows.sort_by_key(|r| (r.met == Some(true), r.on, r.child));
    rows
}

// --- the workload report -------------------------------------------------------------------------------------------

/// One worker's caseload at the end of each month of a period, and their supervision in it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WorkerLoad {
    pub la: LaCode,
    pub worker_id: UserId,
    pub team_id: Option<TeamId>,
    /// Children allocated on the last day of each month (in the order of [`Workload::months`]).
    pub caseload: Vec<u32>,
    pub supervisions: u32,
    pub supervisions_on_time: u32,
}

/// Caseloads per worker over a period, and supervision on time.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Workload {
    pub months: Vec<Period>,
    pub workers: Vec<WorkerLoad>,
}

/// The workload report for `period` from `facts` (allocations and supervision).
pub fn workload(facts: &Facts, ctx: &Context<'_>, period: &Period) -> Workload {
    let months = period.months();
    let mut workers: HashMap<UserId, WorkerLoad> = HashMap::new();
    for a in &facts.allocations {
        let w = workers.entry(a.worker_id).or_insert_with(|| WorkerLoad {
            la: a.la.clone(),
            worker_id: a.worker_id,
            team_id: a.team_id,
            caseload: vec![0; months.len()],
            supervisions: 0,
            supervisions_on_time: 0,
        });
        if a.open_on(period.to) || w.team_id.is_none() {
            w.team_id = a.team_id.or(w.team_id);
        }
        for (m, n) in months.iter().zip(w.caseload.iter_mut()) {
            if a.open_on(m.to) {
                *n += 1;
            }
        }
    }
    for i in items("supervision-on-time", facts, ctx)
        .iter()
        .filter(|i| period.contains(i.on))
    {
        if let Some(w) = i.worker.and_then(|w| workers.get_mut(&w)) {
            w.supervisions += 1;
            if i.met == Some(true) {
                w.supervisions_on_time += 1;
            }
        }
    }
    let mut workers: Vec<WorkerLoad> = workers
        .into_values()
        .filter(|w| w.caseload.iter().any(|n| *n > 0) || w.supervisions > 0)
        .collect();
    workers.sort_by(|a, b| (&a.la, a.team_id, a.worker_id).cmp(&(&b.la, b.team_id, b.worker_id)));
    Workload { months, workers }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;
    use crate::calendar::Calendar;
    use crate::clocks::ClockSettings;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn the_previous_period_has_the_same_length_and_ends_the_day_before() {
        let p = Period {
            from: d("2024-04-01"),
            to: d("2025-03-31"),
        };
        assert_eq!(p.days(), 365);
        let q = p.previous();
        assert_eq!(q.to, d("2024-03-31"));
        assert_eq!(q.days(), 365);
        assert_eq!(q.from, d("2023-04-02"));
        let months = p.months();
        assert_eq!(months.len(), 12);
        assert_eq!(months[0].label(), "Apr 2024");
        assert_eq!(months[11].to, d("2025-03-31"));
        let odd = Period {
            from: d("2024-01-15"),
            to: d("2024-03-02"),
        };
        let m = odd.months();
        assert_eq!(m.len(), 3);
        assert_eq!((m[0].from, m[0].to), (d("2024-01-15"), d("2024-01-31")));
        assert_eq!((m[2].from, m[2].to), (d("2024-03-01"), d("2024-03-02")));
    }

    #[test]
    fn periods_from_input_default_to_twelve_months_and_refuse_nonsense() {
        let today = d("2026-12-06");
        let p = Period::from_input(None, None, today).unwrap();
        assert_eq!((p.from, p.to), (d("2026-01-01"), today));
        assert_eq!(p.months().len(), 12);
        let err = Period::from_input(Some("2025-02-01"), Some("2025-01-01"), today).unwrap_err();
        assert_eq!(err.0[0].field, "from");
        let err = Period::from_input(Some("31/02/2025"), Some("soon"), today).unwrap_err();
        assert_eq!(err.0.len(), 2);
        assert!(Period::from_input(Some("2010-01-01"), Some("2025-01-01"), today).is_err());
    }

    #[test]
    fn comparisons_know_which_way_is_better() {
        assert_eq!(
            compare(Some(80.0), Some(70.0), Better::Higher),
            Change::Better
        );
        assert_eq!(
            compare(Some(80.0), Some(70.0), Better::Lower),
            Change::Worse
        );
        assert_eq!(compare(Some(80.0), Some(80.0), Better::Lower), Change::Same);
        assert_eq!(compare(Some(8.0), Some(9.0), Better::Neither), Change::Down);
        assert_eq!(
            compare(None, Some(9.0), Better::Higher),
            Change::NotComparable
        );
    }

    #[test]
    fn england_figures_ship_with_their_sources_and_match_their_measures() {
        let figures = england_figures(ENGLAND_CSV).unwrap();
        assert!(figures.len() >= 5);
        for f in &figures {
            assert!(f.url.starts_with("https://"), "{f:?}");
            assert!(!f.source.is_empty() && !f.year.is_empty(), "{f:?}");
        }
        assert!(figures.iter().any(|f| f.measure_id == "re-referrals-12m"));
        let bad = "measure_id,value,unit,year,source,url\ncontacts,5,percent,2025,x,https://x\n";
        assert!(england_figures(bad).unwrap_err().contains("line 2"));
        let unknown = "measure_id,value,unit,year,source,url\nnope,5,count,2025,x,https://x\n";
        assert!(england_figures(unknown).is_err());
    }

    fn ids() -> std::collections::BTreeSet<&'static str> {
        MEASURES.iter().map(|m| m.id).collect()
    }

    #[test]
    fn the_fixed_measure_ids_are_all_there_once() {
        let ids = ids();
        assert_eq!(ids.len(), MEASURES.len());
        for id in [
            "contacts",
            "decided-within-1-wd",
            "re-referrals-12m",
            "assessments-within-45-wd",
            "icpc-within-15-wd",
            "cp-plans-second-or-subsequent",
            "visits-on-time",
        ] {
            assert!(ids.contains(id), "{id}");
        }
    }

    fn la() -> LaCode {
        LaCode::parse("213").unwrap()
    }

    #[test]
    fn rates_trends_and_drill_downs_count_the_same_items() {
        let cal = Calendar::england_and_wales();
        let settings = ClockSettings::default();
        let code = la();
        let ctx = Context {
            las: vec![LaClocks {
                la: &code,
                calendar: &cal,
                settings: &settings,
            }],
            now: "2024-06-30T12:00:00Z".parse().unwrap(),
        };
        let child = PersonId::new();
        let other = PersonId::new();
        let referral = |child, date: &str| ReferralFact {
            la: la(),
            id: ReferralId::new(),
            child_id: child,
            referral_date: d(date),
        };
        let facts = Facts {
            referrals: vec![
                referral(child, "2023-09-01"),
                referral(child, "2024-05-01"), // within 12 months of the first
                referral(other, "2024-05-20"),
                referral(other, "2024-06-10"), // within 12 months of the one before
                referral(child, "2024-02-10"), // the previous period; a re-referral too
            ],
            ..Facts::default()
        };
        let period = Period {
            from: d("2024-04-01"),
            to: d("2024-06-30"),
        };
        let dash = dashboard(&facts, &ctx, period, &[]);
        let m = dash
            .measures
            .iter()
            .find(|m| m.def.id == "re-referrals-12m")
            .unwrap();
        // In the period: 2024-05-01 (yes: 2024-02-10 and 2023-09-01 before it), 2024-05-20 (no), 2024-06-10 (yes).
        assert_eq!((m.current.count, m.current.of), (2, Some(3)));
        assert_eq!(m.current.value, Some(66.7));
        // The previous period (2024-01-02 to 2024-03-31): 2024-02-10, within 12 months of 2023-09-01.
        assert_eq!(m.previous.value, Some(100.0));
        assert_eq!(m.change, Change::Better);
        let months: Vec<Option<u64>> = m.months.iter().map(|(_, t)| t.of).collect();
        assert_eq!(months, vec![Some(0), Some(2), Some(1)]);
        let rows = drill_down("re-referrals-12m", &facts, &ctx, &period);
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].met, Some(false), "the one that missed comes first");
        assert_eq!(rows[0].child, other);
    }

    #[test]
    fn a_contact_decided_the_next_working_day_is_on_time_and_after_it_is_late() {
        let cal = Calendar::england_and_wales();
        let settings = ClockSettings::default();
        let code = la();
        let ctx = Context {
            las: vec![LaClocks {
                la: &code,
                calendar: &cal,
                settings: &settings,
            }],
            now: "2024-06-30T12:00:00Z".parse().unwrap(),
        };
        let contact = |received: &str, decided: Option<&str>| ContactFact {
            la: la(),
            child_id: PersonId::new(),
            received_at: received.parse().unwrap(),
            decided_at: decided.map(|s| s.parse().unwrap()),
            outcome: decided.map(|_| ContactOutcome::Advice),
            feedback_given: false,
        };
        let facts = Facts {
            contacts: vec![
                // Friday 10:00 → due Monday 10:00 (London summer time: UTC+1).
                contact("2024-06-07T09:00:00Z", Some("2024-06-10T08:59:00Z")),
                contact("2024-06-07T09:00:00Z", Some("2024-06-10T10:00:00Z")),
                contact("2024-06-07T09:00:00Z", None),
            ],
            ..Facts::default()
        };
        let items = items("decided-within-1-wd", &facts, &ctx);
        let met: Vec<Option<bool>> = items.iter().map(|i| i.met).collect();
        assert_eq!(met, vec![Some(true), Some(false), Some(false)]);
    }

    #[test]
    fn caseloads_count_each_child_once_per_worker_on_the_day() {
        let w1 = UserId::new();
        let w2 = UserId::new();
        let c = PersonId::new();
        let alloc = |worker, child, from: &str, to: Option<&str>| AllocationFact {
            la: la(),
            child_id: child,
            worker_id: worker,
            team_id: None,
            from: d(from),
            to: to.map(d),
        };
        let allocations = vec![
            alloc(w1, c, "2024-01-01", None),
            alloc(w1, c, "2024-02-01", None),
            alloc(w1, PersonId::new(), "2024-01-01", Some("2024-03-01")),
            alloc(w2, PersonId::new(), "2024-01-01", None),
        ];
        let t = caseload_on(&allocations, d("2024-03-01"), None);
        assert_eq!((t.count, t.of, t.value), (3, Some(2), Some(1.5)));
        let t = caseload_on(&allocations, d("2024-03-02"), None);
        assert_eq!((t.count, t.of, t.value), (2, Some(2), Some(1.0)));
    }
}
