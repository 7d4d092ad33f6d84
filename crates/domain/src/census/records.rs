//! Our records as the census sees them, and a census return as our records.
//!
//! [`census_child`] and [`census_return`] say which of a child's records a census year includes (the DfE's
//! scope, as the rules imply it: `cin-census-structure.md`), and [`records_from_census`] turns an imported return
//! into records (the migration path from another system). The two are inverse for a valid return: importing a
//! file and exporting the same year gives an equivalent file (see [`equivalent`]).

use std::collections::HashMap;

use crate::calendar::Calendar;
use crate::census::model::{
    Assessment as CensusAssessment, CensusReturn, Child, CinDetails, CinPlan, CpPlan, Header,
    Section47 as CensusSection47, flag,
};
use crate::census::period::CensusPeriod;
use crate::codes::{
    AbuseCategory, AssessmentFactor, ClosureReason, ConferenceKind, Disability, Ethnicity,
    PlanKind, PrimaryNeed, ReferralSource, Sex, StrategyDecision, UpnUnknown,
};
use crate::datetime::{Date, Timestamp};
use crate::error::{ValueError, ValueErrors};
use crate::identifiers::{LaChildId, LaCode, Upn};
use crate::ids::{
    AssessmentId, ConferenceId, PersonId, PlanId, ReferralId, Section47Id, StrategyDiscussionId,
};
use crate::records::{
    Assessment, Closure, Conference, Person, Plan, RecordSet, Referral, Section47,
    StrategyDiscussion,
};

/// The records of one child that the census draws on, each list in date order.
#[derive(Clone, Copy, Debug)]
pub struct ChildRecords<'a> {
    pub person: &'a Person,
    pub referrals: &'a [&'a Referral],
    pub assessments: &'a [&'a Assessment],
    pub section47s: &'a [&'a Section47],
    pub conferences: &'a [&'a Conference],
    pub plans: &'a [&'a Plan],
}

/// What the census header says about the file's source.
#[derive(Clone, Debug)]
pub struct Source {
    pub la: LaCode,
    pub software: String,
    pub release: String,
    /// When the file was made, written as xs:dateTime.
    pub made_at: String,
}

/// The header of a return for `period`.
pub fn header(period: CensusPeriod, source: &Source) -> Header {
    Header {
        collection: Some("CIN".into()),
        year: Some(period.end.year().to_string()),
        reference_date: Some(period.end),
        source_level: Some("L".into()),
        lea: Some(source.la.to_string()),
        software_code: Some(source.software.clone()),
        release: Some(source.release.clone()),
        serial_no: Some("001".into()),
        date_time: Some(source.made_at.clone()),
        line: 0,
    }
}

/// Whether something that ran from `start` to `end` (open when `None`) was open at some point in `period`.
fn overlaps(start: Date, end: Option<Date>, period: CensusPeriod) -> bool {
    start <= period.end && end.is_none_or(|e| e >= period.start)
}

/// A date that falls after the period is not yet known to the return.
fn within(day: Option<Date>, period: CensusPeriod) -> Option<Date> {
    day.filter(|d| *d <= period.end)
}

fn yes_no(value: bool) -> String {
    if value { "true" } else { "false" }.to_owned()
}

/// The child as the census for `period` sees them, or `None` when no CIN episode of theirs falls in it.
///
/// An episode is in scope when it was open at some point in the year; within it, an assessment when it was
/// completed in the year or was still open at its end having started by then; a section 47 enquiry when it
/// started in the year, or its initial conference was held in it, or it was still open; plans when open at some
/// point in the year; review conferences of a child protection plan when held in the year. Dates after the end of
/// the year are left out (what happens next belongs to the next return).
pub fn census_child(records: &ChildRecords<'_>, period: CensusPeriod) -> Option<Child> {
    let person = records.person;
    let mut cin_details = Vec::new();
    for referral in records.referrals {
        let closure = referral.closure.as_ref().filter(|c| c.date <= period.end);
        if !overlaps(referral.referral_date, closure.map(|c| c.date), period) {
            continue;
        }
        cin_details.push(census_episode(records, referral, closure, period));
    }
    if cin_details.is_empty() {
        return None;
    }
    let mut disabilities: Vec<String> = person
        .disabilities
        .iter()
        .map(|d| d.code().to_owned())
        .collect();
    if disabilities.is_empty() {
        disabilities.push(Disability::None.code().to_owned());
    }
    Some(Child {
        la_child_id: person.la_child_id.as_ref().map(|id| id.to_string()),
        upn: person.upn.as_ref().map(|u| u.to_string()),
        former_upn: person.former_upn.as_ref().map(|u| u.to_string()),
        upn_unknown: person.upn_unknown.map(|u| u.code().to_owned()),
        birth_date: person.date_of_birth,
        expected_birth_date: person
            .date_of_birth
            .is_none()
            .then_some(person.expected_date_of_birth)
            .flatten(),
        sex: Some(person.sex.code().to_owned()),
        gender_current: None,
        death_date: within(person.date_of_death, period),
        ethnicity: person.ethnicity.map(|e| e.code().to_owned()),
        disabilities,
        cin_details,
        line: 0,
    })
}

fn census_episode(
    records: &ChildRecords<'_>,
    referral: &Referral,
    closure: Option<&Closure>,
    period: CensusPeriod,
) -> CinDetails {
    let assessments = records
        .assessments
        .iter()
        .filter(|a| a.referral_id == referral.id)
        .filter(|a| match within(a.authorised_on, period) {
            Some(done) => done >= period.start,
            None => a.start_date <= period.end,
        })
        .map(|a| CensusAssessment {
            start_date: Some(a.start_date),
            internal_review_date: None,
            authorisation_date: within(a.authorised_on, period),
            factors: if within(a.authorised_on, period).is_some() {
                a.factors.iter().map(|f| f.code().to_owned()).collect()
            } else {
                Vec::new()
            },
            line: 0,
        })
        .collect();
    let plans_of = |kind: PlanKind| {
        records
            .plans
            .iter()
            .filter(move |p| p.referral_id == referral.id && p.kind == kind)
            .filter(move |p| overlaps(p.start_date, within(p.end_date, period), period))
    };
    let cin_plans = plans_of(PlanKind::ChildInNeed)
        .map(|p| CinPlan {
            start_date: Some(p.start_date),
            end_date: within(p.end_date, period),
            line: 0,
        })
        .collect();
    let section47s = records
        .section47s
        .iter()
        .filter(|s| s.referral_id == referral.id && s.start_date <= period.end)
        .filter_map(|s| {
            let icpc = within(initial_conference(records, s.id), period);
            let finished = icpc.or(within(s.outcome_date, period));
            let in_scope =
                s.start_date >= period.start || finished.is_none_or(|f| f >= period.start);
            in_scope.then(|| CensusSection47 {
                start_date: Some(s.start_date),
                icpc_target: Some(s.icpc_due_on),
                date_of_initial_cpc: icpc,
                icpc_not_required: Some(yes_no(s.icpc_required == Some(false))),
                line: 0,
            })
        })
        .collect();
    let cp_plans = plans_of(PlanKind::ChildProtection)
        .map(|p| CpPlan {
            start_date: Some(p.start_date),
            end_date: within(p.end_date, period),
            initial_category: p.initial_category.map(|c| c.code().to_owned()),
            latest_category: p.latest_category.map(|c| c.code().to_owned()),
            number_of_previous_cpp: Some(previous_cp_plans(records, p).to_string()),
            reviews: records
                .conferences
                .iter()
                .filter(|c| c.plan_id == Some(p.id) && c.kind == ConferenceKind::Review)
                .filter_map(|c| c.held_on)
                .filter(|held| period.contains(*held) && *held > p.start_date)
                .map(Some)
                .collect(),
            line: 0,
        })
        .collect();
    CinDetails {
        referral_date: Some(referral.referral_date),
        referral_source: Some(referral.source.code().to_owned()),
        primary_need: referral.primary_need.map(|n| n.code().to_owned()),
        closure_date: closure.map(|c| c.date),
        reason_for_closure: closure.map(|c| c.reason.code().to_owned()),
        date_of_initial_cpc: None,
        assessments,
        cin_plans,
        section47s,
        referral_nfa: Some(yes_no(referral.nfa)),
        cp_plans,
        line: 0,
    }
}

/// The day the initial conference of a section 47 enquiry was held, if it was.
fn initial_conference(records: &ChildRecords<'_>, section47: Section47Id) -> Option<Date> {
    records
        .conferences
        .iter()
        .filter(|c| c.section47_id == Some(section47) && c.kind == ConferenceKind::Initial)
        .find_map(|c| c.held_on)
}

/// How many child protection plans the child had before this one: as recorded when the plan came from another
/// system, otherwise counted from our records.
fn previous_cp_plans(records: &ChildRecords<'_>, plan: &Plan) -> u32 {
    if let Some(n) = plan.previous_cp_plans {
        return n;
    }
    let earlier = records
        .plans
        .iter()
        .filter(|p| p.kind == PlanKind::ChildProtection && p.start_date < plan.start_date)
        .count();
    u32::try_from(earlier).unwrap_or(u32::MAX)
}

/// The census return for one LA and year from a set of records (the LA's people and casework): every child with
/// a CIN episode open at some point in the year, ordered by LA child ID.
pub fn census_return(set: &RecordSet, period: CensusPeriod, source: &Source) -> CensusReturn {
    let mut by_child: HashMap<PersonId, ChildLists<'_>> = HashMap::new();
    for r in &set.referrals {
        by_child.entry(r.child_id).or_default().referrals.push(r);
    }
    for a in &set.assessments {
        by_child.entry(a.child_id).or_default().assessments.push(a);
    }
    for s in &set.section47s {
        by_child.entry(s.child_id).or_default().section47s.push(s);
    }
    for c in &set.conferences {
        by_child.entry(c.child_id).or_default().conferences.push(c);
    }
    for p in &set.plans {
        by_child.entry(p.child_id).or_default().plans.push(p);
    }
    let mut children: Vec<Child> = set
        .people
        .iter()
        .filter(|p| p.is_child && p.la == source.la)
        .filter_map(|person| {
            let lists = by_child.get_mut(&person.id)?;
            lists.sort();
            census_child(&lists.records(person), period)
        })
        .collect();
    children.sort_by(|a, b| a.la_child_id.cmp(&b.la_child_id));
    CensusReturn {
        header: header(period, source),
        children,
    }
}

/// A child's records gathered from a set, before they are lent out as [`ChildRecords`].
#[derive(Default)]
struct ChildLists<'a> {
    referrals: Vec<&'a Referral>,
    assessments: Vec<&'a Assessment>,
    section47s: Vec<&'a Section47>,
    conferences: Vec<&'a Conference>,
    plans: Vec<&'a Plan>,
}

impl<'a> ChildLists<'a> {
    fn sort(&mut self) {
        self.referrals.sort_by_key(|r| (r.referral_date, r.id));
        self.assessments.sort_by_key(|a| (a.start_date, a.id));
        self.section47s.sort_by_key(|s| (s.start_date, s.id));
        self.conferences
            .sort_by_key(|c| (c.held_on.unwrap_or(c.due_on), c.id));
        self.plans.sort_by_key(|p| (p.start_date, p.id));
    }

    fn records(&'a self, person: &'a Person) -> ChildRecords<'a> {
        ChildRecords {
            person,
            referrals: &self.referrals,
            assessments: &self.assessments,
            section47s: &self.section47s,
            conferences: &self.conferences,
            plans: &self.plans,
        }
    }
}

/// One child's records, gathered from their case file, as [`ChildRecords`] for [`census_child`].
pub fn with_child_records<T>(
    set: &RecordSet,
    child: PersonId,
    f: impl FnOnce(Option<ChildRecords<'_>>) -> T,
) -> T {
    let Some(person) = set.people.iter().find(|p| p.id == child) else {
        return f(None);
    };
    let mut lists = ChildLists {
        referrals: set
            .referrals
            .iter()
            .filter(|r| r.child_id == child)
            .collect(),
        assessments: set
            .assessments
            .iter()
            .filter(|r| r.child_id == child)
            .collect(),
        section47s: set
            .section47s
            .iter()
            .filter(|r| r.child_id == child)
            .collect(),
        conferences: set
            .conferences
            .iter()
            .filter(|r| r.child_id == child)
            .collect(),
        plans: set.plans.iter().filter(|r| r.child_id == child).collect(),
    };
    lists.sort();
    f(Some(lists.records(person)))
}

// ---------------------------------------------------------------------------------------------------------------
// Import: a return as records.

/// What an import needs beyond the file: the ids to use and when it happens.
pub struct ImportContext<'a> {
    pub la: LaCode,
    pub at: Timestamp,
    pub calendar: &'a Calendar,
    /// A fresh id for each record (UUID v7 in the service; deterministic in tests).
    pub new_id: &'a mut dyn FnMut() -> uuid::Uuid,
}

/// What the census does not hold but our records require, written into imported records so that a reader
/// knows where the gap comes from.
pub const NOT_IN_CENSUS: &str =
    "Not recorded: imported from a CIN census return, which does not hold this.";

/// A returned census as records, or every problem found, each naming the line and element at fault. Codes must
/// be valid (an import does not guess): validate the file first.
pub fn records_from_census(
    census: &CensusReturn,
    ctx: &mut ImportContext<'_>,
) -> Result<RecordSet, ValueErrors> {
    let mut problems = Vec::new();
    let mut set = RecordSet::default();
    for child in &census.children {
        if let Err(mut errors) = import_child(child, ctx, &mut set) {
            problems.append(&mut errors);
        }
    }
    if problems.is_empty() {
        Ok(set)
    } else {
        Err(ValueErrors(problems))
    }
}

/// Record a problem in the element at `line`; the `field` names the element.
fn at(line: u32, element: &'static str, problem: impl Into<String>) -> ValueError {
    ValueError::new(element, format!("line {line}: {}", problem.into()))
}

/// Parse a code for an import, naming the element and line.
fn code<T>(
    value: Option<&String>,
    line: u32,
    element: &'static str,
    parse: impl Fn(&str) -> Result<T, ValueError>,
    problems: &mut Vec<ValueError>,
) -> Option<T> {
    let v = value?;
    match parse(v) {
        Ok(c) => Some(c),
        Err(e) => {
            problems.push(at(line, element, e.problem));
            None
        }
    }
}

/// A required code: missing, or parsed as [`code`] does.
fn required_code<T>(
    value: Option<&String>,
    line: u32,
    element: &'static str,
    parse: impl Fn(&str) -> Result<T, ValueError>,
    problems: &mut Vec<ValueError>,
) -> Option<T> {
    if value.is_none() {
        problems.push(at(line, element, format!("{element} is missing")));
        return None;
    }
    code(value, line, element, parse, problems)
}

fn required<T>(
    value: Option<T>,
    line: u32,
    element: &'static str,
    problems: &mut Vec<ValueError>,
) -> Option<T> {
    if value.is_none() {
        problems.push(at(line, element, format!("{element} is missing")));
    }
    value
}

fn import_child(
    child: &Child,
    ctx: &mut ImportContext<'_>,
    set: &mut RecordSet,
) -> Result<(), Vec<ValueError>> {
    let mut problems = Vec::new();
    let p = &mut problems;
    let line = child.line;
    let la_child_id = required_code(
        child.la_child_id.as_ref(),
        line,
        "LAchildID",
        LaChildId::parse,
        p,
    );
    let sex = match (&child.sex, &child.gender_current) {
        (Some(_), _) => code(child.sex.as_ref(), line, "Sex", Sex::parse, p),
        (None, Some(_)) => code(
            child.gender_current.as_ref(),
            line,
            "GenderCurrent",
            Sex::from_gender_current,
            p,
        ),
        (None, None) => required(None, line, "Sex", p),
    };
    let person = Person {
        id: PersonId::from_uuid((ctx.new_id)()),
        la: ctx.la.clone(),
        is_child: true,
        la_child_id: la_child_id.clone(),
        first_name: "Unnamed".into(),
        last_name: la_child_id
            .as_ref()
            .map_or_else(String::new, |id| id.to_string()),
        other_names: None,
        date_of_birth: child.birth_date,
        expected_date_of_birth: child.expected_birth_date,
        date_of_death: child.death_date,
        sex: sex.unwrap_or(Sex::Unknown),
        gender_identity: None,
        ethnicity: code(
            child.ethnicity.as_ref(),
            line,
            "Ethnicity",
            Ethnicity::parse,
            p,
        ),
        disabilities: child
            .disabilities
            .iter()
            .filter_map(|d| code(Some(d), line, "Disability", Disability::parse, p))
            .filter(|d| *d != Disability::None)
            .collect(),
        upn: code(child.upn.as_ref(), line, "UPN", Upn::parse, p),
        former_upn: code(child.former_upn.as_ref(), line, "FormerUPN", Upn::parse, p),
        upn_unknown: code(
            child.upn_unknown.as_ref(),
            line,
            "UPNunknown",
            UpnUnknown::parse,
            p,
        ),
        nhs_number: None,
        first_language: None,
        religion: None,
        restricted: false,
        created_at: ctx.at,
    };
    let mut previous_cp_plans = 0;
    for episode in &child.cin_details {
        import_episode(&person, episode, ctx, set, &mut previous_cp_plans, p);
    }
    set.people.push(person);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

fn import_episode(
    person: &Person,
    episode: &CinDetails,
    ctx: &mut ImportContext<'_>,
    set: &mut RecordSet,
    previous_cp_plans: &mut u32,
    p: &mut Vec<ValueError>,
) {
    let line = episode.line;
    let referral_date = required(episode.referral_date, line, "CINreferralDate", p);
    let source = required_code(
        episode.referral_source.as_ref(),
        line,
        "ReferralSource",
        ReferralSource::parse,
        p,
    );
    let nfa = match flag(episode.referral_nfa.as_deref()) {
        Some(v) => v,
        None => {
            p.push(at(
                line,
                "ReferralNFA",
                "ReferralNFA must be true, false, 1 or 0",
            ));
            false
        }
    };
    let reason = code(
        episode.reason_for_closure.as_ref(),
        line,
        "ReasonForClosure",
        ClosureReason::parse,
        p,
    );
    let closure = match (episode.closure_date, reason) {
        (Some(date), Some(reason)) => Some(Closure { date, reason }),
        (None, None) => None,
        _ => {
            p.push(at(
                line,
                "CINclosureDate",
                "a closure date and a reason for closure come together",
            ));
            None
        }
    };
    let (Some(referral_date), Some(source)) = (referral_date, source) else {
        return;
    };
    let referral = Referral {
        id: ReferralId::from_uuid((ctx.new_id)()),
        la: ctx.la.clone(),
        child_id: person.id,
        contact_id: None,
        referral_date,
        source,
        primary_need: code(
            episode.primary_need.as_ref(),
            line,
            "PrimaryNeedCode",
            PrimaryNeed::parse,
            p,
        ),
        nfa,
        closure,
        created_at: ctx.at,
    };
    for a in &episode.assessments {
        let Some(start_date) = required(a.start_date, a.line, "AssessmentActualStartDate", p)
        else {
            continue;
        };
        set.assessments.push(Assessment {
            id: AssessmentId::from_uuid((ctx.new_id)()),
            la: ctx.la.clone(),
            child_id: person.id,
            referral_id: referral.id,
            start_date,
            due_on: ctx.calendar.add_working_days(referral_date, 45),
            child_seen: false,
            child_seen_alone: false,
            wishes_and_feelings: NOT_IN_CENSUS.into(),
            identity_and_culture: None,
            sources_of_information: None,
            history_considered: None,
            risk_factors: None,
            protective_factors: None,
            safety_goals: None,
            scaling: None,
            factors: a
                .factors
                .iter()
                .filter_map(|f| {
                    code(
                        Some(f),
                        a.line,
                        "AssessmentFactors",
                        AssessmentFactor::parse,
                        p,
                    )
                })
                .collect(),
            outcome: None,
            authorised_by: None,
            authorised_on: a.authorisation_date,
            created_at: ctx.at,
        });
    }
    for plan in &episode.cin_plans {
        let Some(start_date) = required(plan.start_date, plan.line, "CINPlanStartDate", p) else {
            continue;
        };
        set.plans.push(imported_plan(
            ctx,
            &referral,
            PlanKind::ChildInNeed,
            start_date,
            plan.end_date,
        ));
    }
    let mut icpcs: Vec<(Date, Section47Id, Date)> = Vec::new();
    for s47 in &episode.section47s {
        let Some(start_date) = required(s47.start_date, s47.line, "S47ActualStartDate", p) else {
            continue;
        };
        let not_required = flag(s47.icpc_not_required.as_deref());
        if not_required.is_none() {
            p.push(at(
                s47.line,
                "ICPCnotRequired",
                "ICPCnotRequired must be true, false, 1 or 0",
            ));
        }
        let discussion = StrategyDiscussion {
            id: StrategyDiscussionId::from_uuid((ctx.new_id)()),
            la: ctx.la.clone(),
            child_id: person.id,
            referral_id: Some(referral.id),
            contact_id: None,
            held_at: noon_in_london(start_date),
            out_of_hours: false,
            participants: Vec::new(),
            absent_agencies: Vec::new(),
            information_shared: NOT_IN_CENSUS.into(),
            decision: StrategyDecision::Section47,
            alternative: None,
            review_of: None,
            recorded_by: None,
            created_at: ctx.at,
            progress: Vec::new(),
        };
        let icpc_due_on = s47
            .icpc_target
            .unwrap_or_else(|| ctx.calendar.add_working_days(start_date, 15));
        let section47 = Section47 {
            id: Section47Id::from_uuid((ctx.new_id)()),
            la: ctx.la.clone(),
            child_id: person.id,
            referral_id: referral.id,
            strategy_discussion_id: discussion.id,
            start_date,
            icpc_due_on,
            outcome_date: None,
            outcome: None,
            icpc_required: not_required.map(|n| !n),
            created_at: ctx.at,
            findings: None,
            child_seen: None,
            child_seen_alone: None,
            seen_on: None,
            not_seen_reason: None,
            analysis: None,
        };
        if let Some(held) = s47.date_of_initial_cpc.or(episode.date_of_initial_cpc) {
            icpcs.push((held, section47.id, icpc_due_on));
        }
        set.strategy_discussions.push(discussion);
        set.section47s.push(section47);
    }
    for cp in &episode.cp_plans {
        let Some(start_date) = required(cp.start_date, cp.line, "CPPstartDate", p) else {
            continue;
        };
        let initial = required_code(
            cp.initial_category.as_ref(),
            cp.line,
            "InitialCategoryOfAbuse",
            AbuseCategory::parse,
            p,
        );
        let latest = required_code(
            cp.latest_category.as_ref(),
            cp.line,
            "LatestCategoryOfAbuse",
            AbuseCategory::parse,
            p,
        );
        let previous = match cp.number_of_previous_cpp.as_deref().map(str::parse::<u32>) {
            Some(Ok(n)) => n,
            Some(Err(_)) => {
                p.push(at(
                    cp.line,
                    "NumberOfPreviousCPP",
                    "NumberOfPreviousCPP must be a whole number",
                ));
                0
            }
            None => *previous_cp_plans,
        };
        *previous_cp_plans = previous + 1;
        let mut plan = imported_plan(
            ctx,
            &referral,
            PlanKind::ChildProtection,
            start_date,
            cp.end_date,
        );
        plan.initial_category = initial;
        plan.latest_category = latest;
        plan.previous_cp_plans = Some(previous);
        // The initial conference that made the plan is the one held on the day it started.
        if let Some(pos) = icpcs.iter().position(|(held, _, _)| *held == start_date) {
            let (held, section47_id, due_on) = icpcs.swap_remove(pos);
            set.conferences.push(imported_conference(
                ctx,
                person,
                ConferenceKind::Initial,
                Some(section47_id),
                Some(plan.id),
                due_on,
                held,
            ));
        }
        for (i, review) in cp.reviews.iter().enumerate() {
            let Some(held) = review else {
                p.push(at(
                    cp.line,
                    "CPPreviewDate",
                    format!("review {} has no date", i + 1),
                ));
                continue;
            };
            set.conferences.push(imported_conference(
                ctx,
                person,
                ConferenceKind::Review,
                None,
                Some(plan.id),
                *held,
                *held,
            ));
        }
        set.plans.push(plan);
    }
    for (held, section47_id, due_on) in icpcs {
        set.conferences.push(imported_conference(
            ctx,
            person,
            ConferenceKind::Initial,
            Some(section47_id),
            None,
            due_on,
            held,
        ));
    }
    set.referrals.push(referral);
}

fn imported_plan(
    ctx: &mut ImportContext<'_>,
    referral: &Referral,
    kind: PlanKind,
    start_date: Date,
    end_date: Option<Date>,
) -> Plan {
    Plan {
        id: PlanId::from_uuid((ctx.new_id)()),
        la: ctx.la.clone(),
        child_id: referral.child_id,
        referral_id: referral.id,
        kind,
        start_date,
        end_date,
        end_reason: end_date.map(|_| NOT_IN_CENSUS.to_owned()),
        needs: NOT_IN_CENSUS.into(),
        desired_outcomes: NOT_IN_CENSUS.into(),
        initial_category: None,
        latest_category: None,
        next_review_on: None,
        previous_cp_plans: None,
        created_at: ctx.at,
    }
}

#[allow(clippy::too_many_arguments)]
fn imported_conference(
    ctx: &mut ImportContext<'_>,
    person: &Person,
    kind: ConferenceKind,
    section47_id: Option<Section47Id>,
    plan_id: Option<PlanId>,
    due_on: Date,
    held_on: Date,
) -> Conference {
    Conference {
        id: ConferenceId::from_uuid((ctx.new_id)()),
        la: ctx.la.clone(),
        child_id: person.id,
        kind,
        section47_id,
        plan_id,
        due_on,
        held_on: Some(held_on),
        outcome: None,
        category: None,
        chair_id: None,
        created_at: ctx.at,
        attendance: Vec::new(),
        partner_reports: Vec::new(),
    }
}

/// Midday in London on `day`: when an imported record knows only the date.
fn noon_in_london(day: Date) -> Timestamp {
    crate::datetime::london()
        .to_timestamp(day.at(12, 0, 0, 0))
        .unwrap_or(Timestamp::UNIX_EPOCH)
}

// ---------------------------------------------------------------------------------------------------------------
// Equivalence of two returns.

/// A return in a canonical form, for comparing an imported file with its re-export: lines, the source part of
/// the header and what our records do not keep (assessment internal review dates) are dropped; the ICPC date
/// moves from the old CINdetails place into its section 47; GenderCurrent becomes Sex; codes and flags are
/// written canonically; children are ordered by LA child ID.
pub fn canonical(census: &CensusReturn) -> CensusReturn {
    let mut c = census.without_lines();
    c.header = Header {
        collection: c.header.collection.clone(),
        year: c.header.year.clone(),
        reference_date: c.header.reference_date,
        lea: c.header.lea.clone(),
        ..Header::default()
    };
    for child in &mut c.children {
        if child.sex.is_none() {
            child.sex = child
                .gender_current
                .as_deref()
                .and_then(|g| Sex::from_gender_current(g).ok())
                .map(|s| s.code().to_owned());
        }
        child.gender_current = None;
        if child.disabilities.is_empty() {
            child.disabilities.push(Disability::None.code().to_owned());
        }
        for e in &mut child.cin_details {
            e.referral_nfa = flag(e.referral_nfa.as_deref()).map(yes_no);
            if let Some(icpc) = e.date_of_initial_cpc.take()
                && let Some(s) = e
                    .section47s
                    .iter_mut()
                    .find(|s| s.date_of_initial_cpc.is_none())
            {
                s.date_of_initial_cpc = Some(icpc);
            }
            for a in &mut e.assessments {
                a.internal_review_date = None;
            }
            for s in &mut e.section47s {
                s.icpc_not_required = flag(s.icpc_not_required.as_deref()).map(yes_no);
            }
        }
    }
    c.children.sort_by(|a, b| a.la_child_id.cmp(&b.la_child_id));
    c
}

/// Whether two returns say the same (see [`canonical`]).
pub fn equivalent(a: &CensusReturn, b: &CensusReturn) -> bool {
    canonical(a) == canonical(b)
}
