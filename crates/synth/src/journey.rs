//! One family's people and journey through the front door: incidents, contacts, decisions, early help, and
//! child-in-need episodes with their assessments, enquiries, conferences, plans, visits and actions.

use domain::clocks::{self, Rag, WorkingDuration, add_months};
use domain::codes::{
    AbuseCategory, ActionStatus, ActionUpdateKind, Agency, AssessmentFactor, AssessmentOutcome,
    AuditGrade, CaseNoteKind, ChildFlagKind, ClosureReason, ConferenceKind, ConferenceOutcome,
    Consent, ContactOutcome, Disability, DocumentKind, EarlyHelpEndReason, EmergencyProtectionKind,
    FeedbackMethod, MeetingAgency, PlanKind, ProfessionalRole, ReferralSource, RelationshipKind,
    Section47Outcome, Sex, StrategyDecision, ThresholdLevel, UpnUnknown, VisitKind,
};
use domain::datetime::{Date, Timestamp};
use domain::identifiers::{LaChildId, LaCode, NhsNumber, Postcode, Upn};
use domain::ids::{
    ActionId, ActionUpdateId, AllocationId, AssessmentId, CaseFileAuditId, CaseNoteId, ChildFlagId,
    ChildId, ConferenceId, ContactId, CoreGroupId, DocumentId, EarlyHelpEpisodeId,
    EmergencyProtectionId, HouseholdId, InformationRequestId, MashEnquiryId, PersonId, PlanId,
    PlanReviewId, ProfessionalId, RagChangeId, ReferralId, RelationshipId, Section47Id,
    SpecialistInvolvementId, StrategyDiscussionId, TeamId, VisitId,
};
use domain::records::{
    AbsentAgency, Action, ActionParent, ActionProgress, ActionUpdate, Address, Allocation,
    Assessment, Attendee, CaseFileAudit, CaseNote, ChildFlag, Closure, Conference, Contact,
    ContactDecision, CoreGroup, Document, DocumentContent, EarlyHelpEpisode, EmergencyProtection,
    Household, HouseholdMember, InformationRequest, MashEnquiry, Participant, PartnerReport,
    Person, Plan, PlanReview, Professional, RagChange, RecordSet, Referral, Referrer,
    ReferrerFeedback, Relationship, Screening, Section47, SpecialistInvolvement,
    StrategyDiscussion, Visit,
};

use crate::Ctx;
use crate::names::{self, CULTURES, Culture};
use crate::org::{Org, Pool};
use crate::rates::{self, Concern};
use crate::util::{R, add_days, add_years, age_on, days_between, mix, plus_minutes, scramble};

/// The family to generate next.
pub(crate) struct FamilyPlan {
    pub index: u64,
    pub seed: u64,
    pub children: u32,
    /// Sequence number of the family's first child among all children.
    pub first_child: u64,
    /// Where the family falls in the generation order, 0 to 1: families are placed in time in that order.
    pub position: f64,
}

/// What the batch needs to know about a family after it is generated (for supervision).
#[derive(Default)]
pub(crate) struct Side {
    pub allocations: Vec<AllocNote>,
}

pub(crate) struct AllocNote {
    pub worker: u32,
    pub child: ChildId,
    pub from: Date,
    pub to: Option<Date>,
    pub la: usize,
}

struct Kid {
    id: PersonId,
    global: u64,
    first_name: &'static str,
    last_name: &'static str,
    dob: Option<Date>,
    edd: Option<Date>,
    sex: Sex,
    /// The last day anything may happen: the day before the 18th birthday, or `until`.
    limit: Date,
    disabled: Vec<Disability>,
    /// The CIN episode is open until this date (closure date; `Date::MAX` while open).
    busy: Option<Date>,
    last_referral: Option<Date>,
    eh: Option<OpenEh>,
    first_seen: Option<Timestamp>,
    allocations: Vec<(u32, Date, Option<Date>)>,
    ethnicity: domain::codes::Ethnicity,
    culture: usize,
}

struct OpenEh {
    record: EarlyHelpEpisode,
    planned_end: Date,
    planned_reason: EarlyHelpEndReason,
}

struct Incident {
    date: Date,
    minute: i64,
    ooh: bool,
    kids: Vec<usize>,
    concern: Concern,
}

struct Adult {
    id: PersonId,
    first_name: &'static str,
    last_name: &'static str,
    sex: Sex,
    dob: Date,
    culture: usize,
    in_household: bool,
}

struct Fam<'a> {
    ctx: &'a Ctx,
    org: &'a mut Org,
    out: &'a mut RecordSet,
    side: &'a mut Side,
    r: R,
    seed: u64,
    la: usize,
    la_code: LaCode,
    sg: usize,
    kids: Vec<Kid>,
    /// Workers already chosen for this incident (siblings share a worker).
    cache: Vec<(u32, u32)>,
    mother_name: String,
    father_name: Option<String>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum PoolKind {
    Mash,
    MashManager,
    Edt,
    Assessment,
    Safeguarding,
    AssessmentManager,
    EarlyHelp,
    EarlyHelpManager,
    Gangs,
    Chair,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Route {
    Assess,
    Strategy,
    Emergency,
}

/// Where a date falls against a child's limit.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum At {
    Done(Date),
    /// After `until`: still open.
    Open,
    /// After the day before the 18th birthday: ended early, on this day.
    Forced(Date),
}

pub(crate) fn family(
    ctx: &Ctx,
    org: &mut Org,
    out: &mut RecordSet,
    side: &mut Side,
    plan: FamilyPlan,
    r: R,
) {
    let weights: Vec<u32> = org
        .las
        .iter()
        .map(|l| {
            // Truncation is intended: weights in thousandths.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let w = (l.weight * 1000.0) as u32;
            w.max(1)
        })
        .collect();
    let mut r = r;
    let la = r.weighted(&weights);
    let Some(la_code) = org.las.get(la).map(|l| l.code.clone()) else {
        return;
    };
    let mut f = Fam {
        ctx,
        org,
        out,
        side,
        r,
        seed: plan.seed,
        la,
        la_code,
        sg: usize::try_from(plan.index % 2).unwrap_or(0),
        kids: Vec::new(),
        cache: Vec::new(),
        mother_name: String::new(),
        father_name: None,
    };
    let first_action = f.out.actions.len();
    let first_visit = f.out.visits.len();
    let first_contact = f.out.contacts.len();
    let first_conference = f.out.conferences.len();
    let first_meetings = Meetings {
        section47s: f.out.section47s.len(),
        conferences: f.out.conferences.len(),
        core_groups: f.out.core_groups.len(),
        plan_reviews: f.out.plan_reviews.len(),
    };
    let first_person = f.out.people.len();
    f.generate(&plan);
    f.casework_histories(first_action, first_visit);
    f.meetings_in_full(&first_meetings);
    f.documents(first_contact, first_conference);
    f.people_histories(first_person);
}

/// Where a family's section 47 enquiries and meetings start in the demo's lists.
struct Meetings {
    section47s: usize,
    conferences: usize,
    core_groups: usize,
    plan_reviews: usize,
}

impl Fam<'_> {
    /// What the family's section 47 enquiries found and who came to their meetings, drawn from a random source
    /// of their own (so the rest of the demo is the same with or without them): each enquiry with an outcome its
    /// findings, whether the child was seen (and alone, unless a baby or toddler) and the analysis; each held
    /// conference the chair, social worker, parents and the police, school and health (some sending apologies)
    /// and most partners' reports; core groups and plan reviews the people who usually come, and some reports.
    fn meetings_in_full(&mut self, first: &Meetings) {
        let ctx = self.ctx;
        let mut r = R::new(mix(self.seed, 0x3EE7_0000, 0x06));
        let mut name = |r: &mut R| {
            format!(
                "{} {}",
                r.pick(names::WORKER_FIRST, "Sam"),
                r.pick(names::WORKER_SURNAMES, "Reid")
            )
        };
        let mother = self.mother_name.clone();
        let father = self.father_name.clone();
        let born: Vec<(ChildId, Option<Date>)> = self
            .out
            .people
            .iter()
            .map(|p| (p.id, p.date_of_birth))
            .collect();
        for s in self.out.section47s.iter_mut().skip(first.section47s) {
            let Some(done) = s.outcome_date else { continue };
            let toddler = born
                .iter()
                .find(|(id, _)| *id == s.child_id)
                .and_then(|(_, dob)| *dob)
                .is_none_or(|dob| dob.saturating_add(jiff::Span::new().years(3)) > s.start_date);
            let seen = r.chance(rates::S47_CHILD_SEEN);
            let alone = seen && !toddler && r.chance(rates::S47_SEEN_ALONE);
            s.findings = Some(
                r.pick(rates::S47_FINDINGS, "The enquiry's findings.")
                    .to_owned(),
            );
            s.analysis = Some(
                r.pick(rates::S47_ANALYSIS, "The social worker's analysis.")
                    .to_owned(),
            );
            s.child_seen = Some(seen);
            s.child_seen_alone = Some(alone);
            s.seen_on = seen.then(|| {
                let days = ctx.cal.working_days_between(s.start_date, done).max(0);
                ctx.cal
                    .add_working_days(
                        s.start_date,
                        r.u(0, u32::try_from(days.min(3)).unwrap_or(0)),
                    )
                    .min(done)
            });
            s.not_seen_reason = if !seen {
                Some(r.pick(rates::S47_NOT_SEEN_REASONS, "Not seen.").to_owned())
            } else if !alone {
                Some(
                    r.pick(rates::S47_NOT_ALONE_REASONS, "Not seen alone.")
                        .to_owned(),
                )
            } else {
                None
            };
        }
        // Someone invited: `came` unless they sent apologies.
        let attendee = |name: String, agency: MeetingAgency, role: &str, came: bool| Attendee {
            name,
            agency,
            role: role.to_owned(),
            attended: came,
        };
        let partners = |r: &mut R, name: &mut dyn FnMut(&mut R) -> String| {
            vec![
                attendee(
                    name(r),
                    MeetingAgency::Police,
                    "Police officer",
                    r.chance(rates::MEETING_PARTNER_CAME),
                ),
                attendee(
                    name(r),
                    MeetingAgency::Education,
                    "Designated safeguarding lead",
                    r.chance(rates::MEETING_PARTNER_CAME),
                ),
                attendee(
                    name(r),
                    MeetingAgency::Health,
                    "Health visitor",
                    r.chance(rates::MEETING_PARTNER_CAME),
                ),
            ]
        };
        let reports =
            |r: &mut R, people: &[Attendee], held: Date, rate: f64| -> Vec<PartnerReport> {
                people
                    .iter()
                    .filter_map(|a| {
                        let agency = match a.agency {
                            MeetingAgency::Police => Agency::Police,
                            MeetingAgency::Education => Agency::Education,
                            MeetingAgency::Health => Agency::Health,
                            _ => return None,
                        };
                        r.chance(rate).then(|| PartnerReport {
                            agency,
                            from: a.name.clone(),
                            received_on: ctx.cal.subtract_working_days(held, r.u(1, 3)),
                            shared_with_family: Some(r.chance(rates::REPORT_SHARED)),
                        })
                    })
                    .collect()
            };
        let family = |r: &mut R, rate: f64| {
            let mut people = vec![attendee(
                mother.clone(),
                MeetingAgency::Family,
                "Mother",
                r.chance(rate),
            )];
            if let Some(f) = &father {
                people.push(attendee(
                    f.clone(),
                    MeetingAgency::Family,
                    "Father",
                    r.chance(rate * 0.7),
                ));
            }
            people
        };
        for c in self.out.conferences.iter_mut().skip(first.conferences) {
            let Some(held) = c.held_on else { continue };
            let mut people = vec![
                attendee(name(&mut r), MeetingAgency::SocialCare, "Chair", true),
                attendee(
                    name(&mut r),
                    MeetingAgency::SocialCare,
                    "Social worker",
                    true,
                ),
            ];
            people.extend(family(&mut r, rates::PARENT_CAME));
            let partner = partners(&mut r, &mut name);
            c.partner_reports = reports(&mut r, &partner, held, rates::CONFERENCE_REPORT);
            people.extend(partner);
            c.attendance = people;
        }
        for g in self.out.core_groups.iter_mut().skip(first.core_groups) {
            let Some(held) = g.held_on else { continue };
            let mut people = vec![attendee(
                name(&mut r),
                MeetingAgency::SocialCare,
                "Social worker",
                true,
            )];
            people.extend(family(&mut r, rates::PARENT_CAME));
            let partner: Vec<Attendee> = partners(&mut r, &mut name)
                .into_iter()
                .filter(|a| a.agency != MeetingAgency::Police)
                .collect();
            g.partner_reports = reports(&mut r, &partner, held, rates::CORE_GROUP_REPORT);
            people.extend(partner);
            g.attendance = people;
        }
        for v in self.out.plan_reviews.iter_mut().skip(first.plan_reviews) {
            if !r.chance(rates::PLAN_REVIEW_ATTENDANCE) {
                continue;
            }
            let mut people = vec![
                attendee(name(&mut r), MeetingAgency::SocialCare, "Chair", true),
                attendee(
                    name(&mut r),
                    MeetingAgency::SocialCare,
                    "Social worker",
                    true,
                ),
            ];
            people.extend(family(&mut r, rates::PARENT_CAME));
            let school = attendee(
                name(&mut r),
                MeetingAgency::Education,
                "Class teacher",
                r.chance(rates::MEETING_PARTNER_CAME),
            );
            v.partner_reports = reports(
                &mut r,
                std::slice::from_ref(&school),
                v.held_on,
                rates::PLAN_REVIEW_REPORT,
            );
            people.push(school);
            v.attendance = people;
        }
    }

    /// The professionals involved with each child (GP, school, health visitor, with contact details) and, now
    /// and then, a child entered twice by a later contact (same name and date of birth, some with the same NHS
    /// number): drawn from a random source of their own, so the rest of the demo is unchanged.
    fn people_histories(&mut self, first_person: usize) {
        let ctx = self.ctx;
        let today = domain::datetime::london_date(ctx.now);
        let mut r = R::new(mix(self.seed, 0x9E0_0000, 0x17));
        let mut professionals = Vec::new();
        let mut duplicates = Vec::new();
        let mut dup_contacts = Vec::new();
        for p in self
            .out
            .people
            .iter()
            .skip(first_person)
            .filter(|p| p.is_child)
        {
            let Some(dob) = p.date_of_birth.filter(|d| *d <= today) else {
                continue;
            };
            let created = p.created_at.min(ctx.now);
            let phone = |r: &mut R| format!("0113 496 0{:03}", r.u(0, 999));
            let mut add = |r: &mut R,
                           role: ProfessionalRole,
                           name: Option<String>,
                           org: String,
                           from: Date,
                           email: Option<String>| {
                professionals.push(Professional {
                    id: ProfessionalId::at(created, r.id_bytes()),
                    la: p.la.clone(),
                    child_id: p.id,
                    role,
                    name,
                    organisation: Some(org),
                    phone: Some(phone(r)),
                    email,
                    address: None,
                    from: from.min(today),
                    to: None,
                    recorded_by: None,
                    created_at: created,
                });
            };
            if r.chance(rates::PROFESSIONAL_GP) {
                let practice = r.pick(names::GP_PRACTICES, "Surgery");
                let gp = r.pick(rates::GP_NAMES, "Dr Marsh").to_owned();
                let email = format!(
                    "reception.{}@nhs.example",
                    practice
                        .split_whitespace()
                        .next()
                        .unwrap_or("practice")
                        .to_lowercase()
                );
                let from = add_days(dob, i64::from(r.u(10, 60)));
                add(
                    &mut r,
                    ProfessionalRole::Gp,
                    Some(gp),
                    practice.to_owned(),
                    from,
                    Some(email),
                );
            }
            let age = p.age_on(today).unwrap_or(0);
            if age >= 5 && r.chance(rates::PROFESSIONAL_SCHOOL) {
                let school = r.pick(names::SCHOOLS, "Primary school");
                let contact = r.pick(rates::SCHOOL_CONTACTS, "Designated safeguarding lead");
                let start_year = dob.year() + if dob.month() >= 9 { 5 } else { 4 };
                let from = Date::new(start_year, 9, 1).unwrap_or(dob);
                add(
                    &mut r,
                    ProfessionalRole::School,
                    Some(contact.to_owned()),
                    school.to_owned(),
                    from,
                    Some("safeguarding@school.example".to_owned()),
                );
            }
            if age < 5 && r.chance(rates::PROFESSIONAL_HEALTH_VISITOR) {
                let hv = r.pick(rates::HEALTH_VISITORS, "Health visitor").to_owned();
                add(
                    &mut r,
                    ProfessionalRole::HealthVisitor,
                    Some(hv),
                    "Health visiting team".to_owned(),
                    add_days(dob, 10),
                    None,
                );
            }
            if r.chance(rates::DUPLICATE_PERSON) {
                // A later contact about the child, recorded against a new person.
                let Some(first) = self
                    .out
                    .contacts
                    .iter()
                    .filter(|c| c.child_id == p.id)
                    .max_by_key(|c| c.received_at)
                else {
                    continue;
                };
                let at = first
                    .received_at
                    .saturating_add(jiff::SignedDuration::from_hours(i64::from(
                        r.u(24, 24 * 30),
                    )))
                    .unwrap_or(first.received_at);
                if at > ctx.now {
                    continue;
                }
                let mut dup = p.clone();
                dup.id = PersonId::at(at, r.id_bytes());
                // The new record got an LA child id of its own (the original's, marked).
                dup.la_child_id = p
                    .la_child_id
                    .as_ref()
                    .and_then(|i| LaChildId::parse(&format!("{i}D")).ok());
                dup.upn = None;
                dup.former_upn = None;
                dup.restricted = false;
                dup.created_at = at;
                if !r.chance(rates::DUPLICATE_SAME_NHS) {
                    dup.nhs_number = None;
                }
                // The same contact again, later: every time on it moved on by as much.
                let shift = first.received_at.duration_until(at);
                let moved = |t: Timestamp| t.checked_add(shift).unwrap_or(t);
                let mut contact = first.clone();
                contact.id = ContactId::at(at, r.id_bytes());
                contact.child_id = dup.id;
                contact.sibling_group = None;
                contact.received_at = at;
                contact.recorded_at = moved(first.recorded_at);
                contact.screening.consent_approved_at =
                    first.screening.consent_approved_at.map(moved);
                if let Some(d) = contact.decision.as_mut() {
                    d.decided_at = moved(d.decided_at);
                    d.manager_oversight_at = d.manager_oversight_at.map(moved);
                }
                if let Some(f) = contact.feedback.as_mut() {
                    f.given_at = moved(f.given_at);
                }
                let latest = [
                    Some(contact.recorded_at),
                    contact.decision.as_ref().map(|d| d.decided_at),
                    contact
                        .decision
                        .as_ref()
                        .and_then(|d| d.manager_oversight_at),
                    contact.feedback.as_ref().map(|f| f.given_at),
                    contact.screening.consent_approved_at,
                ]
                .into_iter()
                .flatten()
                .max()
                .unwrap_or(at);
                if latest > ctx.now {
                    continue;
                }
                duplicates.push(dup);
                dup_contacts.push(contact);
            }
        }
        self.out.professionals.extend(professionals);
        self.out.people.extend(duplicates);
        self.out.contacts.extend(dup_contacts);
    }

    /// What the family's actions and visits leave besides, drawn from a random source of their own (so the
    /// rest of the demo is the same with or without them): each done action's record of what was done; some
    /// actions re-dated on the way (a few twice, which flags them for the manager); and case notes of direct
    /// work with the child and calls to the school after some visits.
    fn casework_histories(&mut self, first_action: usize, first_visit: usize) {
        let ctx = self.ctx;
        let mut r = R::new(mix(self.seed, 0xAC7_0000, 0x13));
        let mut updates = Vec::new();
        for a in self.out.actions.iter().skip(first_action) {
            let set_on = domain::datetime::london_date(a.created_at);
            if r.chance(rates::ACTION_REDATED) {
                let times = if r.chance(rates::ACTION_REDATED_TWICE) {
                    2
                } else {
                    1
                };
                let mut due = a.due_on;
                for _ in 0..times {
                    let earlier = ctx.cal.subtract_working_days(due, r.u(5, 15));
                    if earlier <= set_on {
                        break;
                    }
                    let day = ctx
                        .cal
                        .subtract_working_days(earlier, r.u(0, 3))
                        .max(set_on);
                    let at = ctx.clock.at(day, 10 * 60 + i64::from(r.u(0, 360)));
                    if at > ctx.now || at < a.created_at {
                        break;
                    }
                    updates.push(ActionUpdate {
                        id: ActionUpdateId::at(at, r.id_bytes()),
                        la: a.la.clone(),
                        child_id: a.child_id,
                        action_id: a.id,
                        kind: ActionUpdateKind::Redated,
                        by: a.owner_user_id,
                        at,
                        on: due,
                        previous_due_on: Some(earlier),
                        text: r
                            .pick(rates::ACTION_REDATE_REASONS, "A new date was agreed.")
                            .to_owned(),
                    });
                    due = earlier;
                }
            }
            if let (ActionStatus::Done, Some(done)) = (a.status, a.completed_on) {
                let at = ctx.clock.at(done, 15 * 60 + i64::from(r.u(0, 120)));
                if at <= ctx.now && at >= a.created_at {
                    updates.push(ActionUpdate {
                        id: ActionUpdateId::at(at, r.id_bytes()),
                        la: a.la.clone(),
                        child_id: a.child_id,
                        action_id: a.id,
                        kind: ActionUpdateKind::Done,
                        by: a.owner_user_id,
                        at,
                        on: done,
                        previous_due_on: None,
                        text: r.pick(rates::ACTION_DONE_NOTES, "Done.").to_owned(),
                    });
                }
            }
        }
        self.out.action_updates.extend(updates);
        let mut notes = Vec::new();
        for v in self.out.visits.iter().skip(first_visit) {
            let (kind, text, minute) = if r.chance(rates::DIRECT_WORK_AFTER_VISIT) {
                (
                    CaseNoteKind::DirectWork,
                    r.pick(rates::DIRECT_WORK_NOTES, "Direct work with the child."),
                    16 * 60,
                )
            } else if r.chance(rates::SCHOOL_CALL_AFTER_VISIT) {
                (
                    CaseNoteKind::Telephone,
                    r.pick(rates::SCHOOL_CALL_NOTES, "Called the school."),
                    11 * 60,
                )
            } else {
                continue;
            };
            let at = ctx.clock.at(v.visited_on, minute + i64::from(r.u(0, 90)));
            if at > ctx.now {
                continue;
            }
            let mut note = CaseNote::new(
                CaseNoteId::at(at, r.id_bytes()),
                v.la.clone(),
                v.child_id,
                kind,
                v.worker_id,
                at,
                text.to_owned(),
            );
            note.involved = Some(if kind == CaseNoteKind::DirectWork {
                "The child".to_owned()
            } else {
                "School designated safeguarding lead".to_owned()
            });
            notes.push(note);
        }
        self.out.case_notes.extend(notes);
    }

    /// The family's documents, drawn from a random source of their own (so the rest of the demo is the same with
    /// or without them): the police's notification, as a small PDF, on many police contacts (shared with the
    /// police), and the minutes of most conferences held.
    fn documents(&mut self, first_contact: usize, first_conference: usize) {
        let ctx = self.ctx;
        let mut r = R::new(mix(self.seed, 0xD0C_0000, 0x17));
        let mut out: Vec<(Document, DocumentContent)> = Vec::new();
        let mut add =
            |r: &mut R,
             (la, child, contact): (&LaCode, ChildId, Option<ContactId>),
             (title, kind, file_name): (String, DocumentKind, &str),
             (by, at, shared_with): (Option<domain::ids::UserId>, Timestamp, Vec<Agency>),
             lines: &[&str]| {
                let pdf = domain::documents::minimal_pdf(lines);
                let id = DocumentId::at(at, r.id_bytes());
                out.push((
                    Document {
                        id,
                        la: la.clone(),
                        child_id: child,
                        contact_id: contact,
                        title,
                        kind: Some(kind),
                        file_name: file_name.to_owned(),
                        content_type: "application/pdf".to_owned(),
                        size: pdf.len() as u64,
                        sha256: domain::documents::sha256_hex(&pdf),
                        shared_with,
                        uploaded_by: by,
                        uploaded_at: at,
                    },
                    DocumentContent {
                        document_id: id,
                        bytes: pdf,
                    },
                ));
            };
        for c in self.out.contacts.iter().skip(first_contact) {
            if c.source != ReferralSource::Police || !r.chance(rates::POLICE_NOTIFICATION_ATTACHED)
            {
                continue;
            }
            let at = plus_minutes(c.recorded_at, i64::from(r.u(1, 30)));
            if at > ctx.now {
                continue;
            }
            let received = domain::datetime::london_date(c.received_at).to_string();
            let concern: String = c.concerns.chars().take(90).collect();
            add(
                &mut r,
                (&c.la, c.child_id, Some(c.id)),
                (
                    format!("Police notification, {received}"),
                    DocumentKind::PoliceNotification,
                    "Police notification.pdf",
                ),
                (c.recorded_by, at, vec![Agency::Police]),
                &[
                    "Public Protection Notification (synthetic demo data)",
                    &format!("Received: {received}"),
                    &format!("Concern: {concern}"),
                    "Officer in the case: see the contact record.",
                ],
            );
        }
        for k in self.out.conferences.iter().skip(first_conference) {
            let Some(held) = k.held_on else { continue };
            if !r.chance(rates::CONFERENCE_MINUTES_ATTACHED) {
                continue;
            }
            let day = ctx.cal.add_working_days(held, r.u(5, 15));
            let at = ctx.clock.at(day, 14 * 60 + i64::from(r.u(0, 180)));
            if at > ctx.now {
                continue;
            }
            let outcome = k.outcome.map_or("Not recorded", |o| o.label());
            add(
                &mut r,
                (&k.la, k.child_id, None),
                (
                    format!("{} minutes, {held}", k.kind.label()),
                    DocumentKind::ConferenceMinutes,
                    "Conference minutes.pdf",
                ),
                (k.chair_id, at, Vec::new()),
                &[
                    "Child protection conference minutes (synthetic demo data)",
                    &format!("{}, held {held}", k.kind.label()),
                    &format!("Outcome: {outcome}"),
                    "Circulated to the core group.",
                ],
            );
        }
        for (d, c) in out {
            self.out.documents.push(d);
            self.out.document_contents.push(c);
        }
    }

    fn generate(&mut self, plan: &FamilyPlan) {
        let ctx = self.ctx;
        let window = days_between(ctx.start, ctx.until).max(30);

        // --- Incidents in time: the first placed by the family's position in the generation order.
        let k = self.r.weighted(rates::INCIDENT_WEIGHTS) + 1;
        let mut gaps: Vec<i64> = Vec::with_capacity(k);
        for _ in 1..k {
            let g = match self.r.weighted(&[74, 16, 10]) {
                0 => self.r.int(14, 220),
                1 => self.r.int(330, 1100),
                _ => self.r.int(1100, 2600),
            };
            gaps.push(g);
        }
        let mut span: i64 = gaps.iter().sum();
        let room = window * 9 / 10;
        if span > room {
            // Compress a long history into the period.
            for g in &mut gaps {
                *g = (*g * room / span.max(1)).max(14);
            }
            span = gaps.iter().sum();
        }
        // The history may start before the period or run past its end (the front door is busy at a steady rate
        // throughout); only the incidents inside the period are kept, and at least one always is.
        let jitter = (self.r.unit() - 0.5) * 0.02;
        // Truncation is intended: a whole number of days.
        #[allow(clippy::cast_possible_truncation)]
        let first_offset = (reflect(plan.position + jitter) * (window + span) as f64) as i64;
        let mut all_dates = Vec::with_capacity(k);
        let mut d = add_days(ctx.start, first_offset - span);
        all_dates.push(d);
        for g in &gaps {
            d = add_days(d, *g);
            all_dates.push(d);
        }
        let mut dates: Vec<Date> = all_dates
            .iter()
            .copied()
            .filter(|d| *d >= ctx.start && *d <= ctx.until)
            .collect();
        if dates.is_empty() {
            dates.push(add_days(ctx.start, self.r.int(0, 30)).min(ctx.until));
        }
        let t1 = dates.first().copied().unwrap_or(ctx.start);

        // --- The parents and children.
        let la_code = self.la_code.clone();
        let cweights = names::culture_weights(la_code.as_ref());
        let mother_culture = self.r.weighted(cweights);
        let father_culture = if self.r.chance(rates::MIXED_COUPLE) {
            self.r.weighted(cweights)
        } else {
            mother_culture
        };
        let mc = culture(mother_culture);
        let fc = culture(father_culture);
        let father_recorded = self.r.chance(rates::FATHER_RECORDED);
        let mother_recorded = self.r.chance(rates::MOTHER_RECORDED) || !father_recorded;
        let family_surname = if father_recorded && self.r.chance(0.6) {
            self.r.pick(fc.surnames, "Smith")
        } else {
            self.r.pick(mc.surnames, "Smith")
        };
        let eldest_age = i64::try_from(self.r.weighted(rates::ELDEST_AGE_WEIGHTS)).unwrap_or(8);
        let eldest_dob = add_days(t1, -(eldest_age * 365 + self.r.int(1, 360)));
        let n = usize::try_from(plan.children).unwrap_or(1).max(1);
        let want_unborn = self.r.chance(rates::UNBORN_YOUNGEST);
        let mut dob = eldest_dob;
        for i in 0..n {
            if i > 0 {
                dob = add_days(dob, self.r.int(330, 1700));
            }
            let youngest = i + 1 == n;
            let mut born = Some(dob);
            let mut edd = None;
            if youngest && want_unborn && plan.position > 0.5 {
                // Unborn at the end of the period: due within the next seven months.
                edd = Some(add_days(ctx.until, self.r.int(14, 200)));
                born = None;
            } else if dob > add_days(ctx.until, -20) {
                // Born in the period: anywhere after the previous child, not bunched at the end.
                let prev = self.kids.last().and_then(|k| k.dob).unwrap_or(eldest_dob);
                let lo = add_days(prev, 300);
                let hi = add_days(ctx.until, -20);
                dob = if hi > lo {
                    add_days(lo, self.r.int(0, days_between(lo, hi)))
                } else {
                    add_days(prev, 1).min(hi)
                };
                born = Some(dob);
            }
            let sex = if born.is_none() {
                Sex::Unknown
            } else if self.r.chance(0.5) {
                Sex::Female
            } else {
                Sex::Male
            };
            let kid_culture = if self.r.chance(0.5) {
                mother_culture
            } else {
                father_culture
            };
            let kc = culture(kid_culture);
            let first_name = match (born, sex) {
                (None, _) => "Baby",
                (_, Sex::Female) => self.r.pick(kc.female, "Amy"),
                _ => self.r.pick(kc.male, "Sam"),
            };
            let last_name = if self.r.chance(rates::OTHER_SURNAME) {
                self.r.pick(mc.surnames, family_surname)
            } else {
                family_surname
            };
            let ethnicity = if self.r.chance(0.02) {
                domain::codes::Ethnicity::NotYetObtained
            } else if father_recorded {
                names::mixed_ethnicity(mc.ethnicity, fc.ethnicity)
            } else {
                mc.ethnicity
            };
            let disabled = if born.is_none() {
                Vec::new()
            } else if self.r.chance(rates::DISABLED) {
                let mut d = vec![self.r.pick(
                    &[
                        Disability::Autism,
                        Disability::Learning,
                        Disability::Communication,
                        Disability::Behaviour,
                        Disability::Mobility,
                        Disability::Hearing,
                        Disability::Vision,
                        Disability::HandFunction,
                        Disability::PersonalCare,
                        Disability::Incontinence,
                        Disability::Consciousness,
                        Disability::Other,
                    ],
                    Disability::Autism,
                )];
                if self.r.chance(0.3) {
                    let extra = self.r.pick(
                        &[
                            Disability::Learning,
                            Disability::Communication,
                            Disability::Behaviour,
                        ],
                        Disability::Learning,
                    );
                    if !d.contains(&extra) {
                        d.push(extra);
                    }
                }
                d
            } else {
                vec![Disability::None]
            };
            let limit = match born {
                Some(b) => add_days(add_years(b, 18), -1).min(ctx.until),
                None => ctx.until,
            };
            let global = plan.first_child + u64::try_from(i).unwrap_or(0);
            self.kids.push(Kid {
                id: PersonId::at(ctx.clock.at(t1, 9 * 60), self.r.id_bytes()),
                global,
                first_name,
                last_name,
                dob: born,
                edd,
                sex,
                limit,
                disabled,
                busy: None,
                last_referral: None,
                eh: None,
                first_seen: None,
                allocations: Vec::new(),
                ethnicity,
                culture: kid_culture,
            });
        }

        // --- Who each incident is about (on the day and at the time it reaches the front door).
        let mut incidents: Vec<Incident> = Vec::new();
        let mut included = vec![false; self.kids.len()];
        for raw in &dates {
            let (date, minute, ooh) = self.place(*raw);
            let eligible: Vec<usize> = (0..self.kids.len())
                .filter(|&i| self.eligible(i, date))
                .collect();
            if eligible.is_empty() {
                continue;
            }
            let chosen = if eligible.len() == 1 || self.r.chance(rates::WHOLE_FAMILY_CONTACT) {
                eligible.clone()
            } else {
                let teens: Vec<usize> = eligible
                    .iter()
                    .copied()
                    .filter(|&i| self.age(i, date) >= 11)
                    .collect();
                let pool = if !teens.is_empty() && self.r.chance(0.7) {
                    teens
                } else {
                    eligible.clone()
                };
                vec![self.r.pick(&pool, 0)]
            };
            for &i in &chosen {
                if let Some(x) = included.get_mut(i) {
                    *x = true;
                }
            }
            incidents.push(Incident {
                date,
                minute,
                ooh,
                kids: chosen,
                concern: Concern::Neglect,
            });
        }
        // Every child comes to the front door at least once.
        for i in 0..self.kids.len() {
            if included.get(i).copied().unwrap_or(true) {
                continue;
            }
            if let Some(inc) = incidents
                .iter_mut()
                .find(|inc| self_eligible(&self.kids, i, inc.date, ctx))
            {
                inc.kids.push(i);
                continue;
            }
            // A born child who fits none of the family's contacts: born earlier, to be part of one of them
            // (forcing a contact between a late birth and the end of the period would bunch contacts there).
            let is_born = self.kids.get(i).is_some_and(|k| k.dob.is_some());
            if is_born && !incidents.is_empty() {
                let j = self.r.index(incidents.len());
                let back = self.r.int(30, 17 * 365);
                if let (Some(inc), Some(kid)) = (incidents.get_mut(j), self.kids.get_mut(i)) {
                    let dob = add_days(inc.date, -back);
                    kid.dob = Some(dob);
                    kid.limit = add_days(add_years(dob, 18), -1).min(ctx.until);
                    inc.kids.push(i);
                    continue;
                }
            }
            let Some(kid) = self.kids.get(i) else {
                continue;
            };
            let (lo, hi) = match (kid.dob, kid.edd) {
                (Some(b), _) => (
                    add_days(b, 7).max(ctx.start),
                    add_days(add_years(b, 18), -60).min(ctx.until),
                ),
                (None, Some(e)) => (add_days(e, -250).max(ctx.start), ctx.until),
                _ => (ctx.start, ctx.until),
            };
            let mut found = None;
            for _ in 0..8 {
                let raw = if hi >= lo {
                    add_days(lo, self.r.int(0, days_between(lo, hi)))
                } else {
                    lo
                };
                let placed = self.place(raw);
                if self.eligible(i, placed.0) {
                    found = Some(placed);
                    break;
                }
            }
            let Some((date, minute, ooh)) = found else {
                continue;
            };
            incidents.push(Incident {
                date,
                minute,
                ooh,
                kids: vec![i],
                concern: Concern::Neglect,
            });
        }
        // What each incident is about.
        for inc in &mut incidents {
            inc.kids.sort_unstable();
            let unborn_only = inc
                .kids
                .iter()
                .all(|&i| self.kids.get(i).is_some_and(|k| k.dob.is_none()));
            let single_teen = inc.kids.len() == 1
                && inc
                    .kids
                    .first()
                    .is_some_and(|&i| self_age(&self.kids, i, inc.date) >= 11);
            inc.concern = if unborn_only {
                Concern::PreBirth
            } else if single_teen {
                self.r
                    .pick_weighted(rates::ADOLESCENT_CONCERNS, Concern::Behaviour)
            } else {
                self.r
                    .pick_weighted(rates::FAMILY_CONCERNS, Concern::Neglect)
            };
        }
        incidents.sort_by_key(|inc| (inc.date, inc.minute));

        // --- Adults.
        let adult_dob =
            |r: &mut R, base: Date| add_days(base, -(r.int(19, 38) * 365 + r.int(0, 364)));
        let mut adults: Vec<Adult> = Vec::new();
        if mother_recorded {
            let dob = adult_dob(&mut self.r, eldest_dob);
            let last = if father_recorded && self.r.chance(0.35) {
                self.r.pick(mc.surnames, family_surname)
            } else {
                family_surname
            };
            adults.push(Adult {
                id: PersonId::at(ctx.clock.at(t1, 9 * 60), self.r.id_bytes()),
                first_name: self.r.pick(mc.female, "Sarah"),
                last_name: last,
                sex: Sex::Female,
                dob,
                culture: mother_culture,
                in_household: true,
            });
        }
        if father_recorded {
            let dob = adult_dob(&mut self.r, add_days(eldest_dob, -700));
            let last = if self.r.chance(0.8) {
                self.r.pick(fc.surnames, family_surname)
            } else {
                family_surname
            };
            let last = if family_surname != last && self.r.chance(0.6) {
                family_surname
            } else {
                last
            };
            let in_household = self.r.chance(rates::FATHER_IN_HOUSEHOLD) || !mother_recorded;
            adults.push(Adult {
                id: PersonId::at(ctx.clock.at(t1, 9 * 60), self.r.id_bytes()),
                first_name: self.r.pick(fc.male, "John"),
                last_name: last,
                sex: Sex::Male,
                dob,
                culture: father_culture,
                in_household,
            });
        }
        self.mother_name = adults
            .iter()
            .find(|a| a.sex == Sex::Female)
            .map(|a| format!("{} {}", a.first_name, a.last_name))
            .unwrap_or_else(|| "Mother".to_owned());
        self.father_name = adults
            .iter()
            .find(|a| a.sex == Sex::Male)
            .map(|a| format!("{} {}", a.first_name, a.last_name));

        // --- The journey, incident by incident.
        for (ii, inc) in incidents.iter().enumerate() {
            self.cache.clear();
            let later: Vec<bool> = inc
                .kids
                .iter()
                .map(|&k| incidents.iter().skip(ii + 1).any(|x| x.kids.contains(&k)))
                .collect();
            self.incident(ii, inc, &later);
        }

        // --- Close the books: early help still recorded as open, people, relationships, households, audits.
        for i in 0..self.kids.len() {
            self.finish_eh(i, None);
        }
        self.people(&adults, t1);
        for i in 0..self.kids.len() {
            self.audit(i);
        }
    }

    /// When an incident on `date` reaches the front door: a working day in office hours, or out of hours (a
    /// weekday evening, or a weekend or bank holiday) for the emergency duty team.
    fn place(&mut self, date: Date) -> (Date, i64, bool) {
        let ctx = self.ctx;
        let ooh = self.r.chance(rates::OUT_OF_HOURS);
        // A working day for office-hours contacts and evenings: a weekend date moves into the next week (not
        // all onto the Friday before).
        let working = |r: &mut R, d: Date| {
            if ctx.cal.is_working_day(d) {
                return d;
            }
            let next = ctx.cal.add_working_days(d, r.u(1, 5));
            if next <= ctx.until {
                next
            } else {
                ctx.cal.working_day_on_or_before(d)
            }
        };
        let (d, minute) = if ooh && self.r.chance(0.6) {
            (
                working(&mut self.r, date),
                self.r.int(17 * 60 + 15, 23 * 60 + 30),
            )
        } else if ooh {
            let mut d = date;
            for _ in 0..7 {
                if !ctx.cal.is_working_day(d) {
                    break;
                }
                d = add_days(d, 1);
            }
            if d > ctx.until {
                (
                    working(&mut self.r, date),
                    self.r.int(17 * 60 + 15, 23 * 60),
                )
            } else {
                (d, self.r.int(8 * 60, 22 * 60))
            }
        } else {
            let d = working(&mut self.r, date);
            let d = if d < ctx.start {
                ctx.cal.working_day_on_or_after(date)
            } else {
                d
            };
            (d, self.r.int(9 * 60, 16 * 60 + 45))
        };
        (d.clamp(ctx.start, ctx.until), minute, ooh)
    }

    fn eligible(&self, i: usize, date: Date) -> bool {
        self_eligible(&self.kids, i, date, self.ctx)
    }

    fn age(&self, i: usize, date: Date) -> i64 {
        self_age(&self.kids, i, date)
    }

    fn kid(&self, i: usize) -> Option<&Kid> {
        self.kids.get(i)
    }

    fn pool(&mut self, kind: PoolKind) -> Option<&mut Pool> {
        let sg = self.sg;
        let la = self.org.las.get_mut(self.la)?;
        Some(match kind {
            PoolKind::Mash => &mut la.mash,
            PoolKind::MashManager => &mut la.mash_managers,
            PoolKind::Edt => &mut la.edt,
            PoolKind::Assessment => &mut la.assessment,
            PoolKind::Safeguarding => la.safeguarding.get_mut(sg)?,
            PoolKind::AssessmentManager => &mut la.managers_assessment,
            PoolKind::EarlyHelp => &mut la.early_help,
            PoolKind::EarlyHelpManager => &mut la.early_help_managers,
            PoolKind::Gangs => &mut la.gangs,
            PoolKind::Chair => &mut la.reviewing_officers,
        })
    }

    /// The worker for `key` in this incident: siblings share one; otherwise the next in turn.
    fn worker(&mut self, key: u32, kind: PoolKind, on: Date) -> u32 {
        if let Some((_, w)) = self.cache.iter().find(|(k, _)| *k == key) {
            return *w;
        }
        let week =
            (crate::util::day_number(on) - crate::util::day_number(self.ctx.start)).max(0) / 7;
        let w = self
            .pool(kind)
            .map(|p| p.take(usize::try_from(week).unwrap_or(0)))
            .unwrap_or(0);
        self.cache.push((key, w));
        w
    }

    fn team_of(&self, kind: PoolKind) -> Option<TeamId> {
        let la = self.org.las.get(self.la)?;
        match kind {
            PoolKind::Assessment => Some(la.assessment_team),
            PoolKind::Safeguarding => la.safeguarding_teams.get(self.sg).copied(),
            PoolKind::Gangs => Some(la.gangs_team),
            _ => None,
        }
    }

    fn at(&mut self, d: Date) -> Timestamp {
        let m = self.r.int(9 * 60 + 10, 16 * 60 + 50);
        self.ctx.clock.at(d, m)
    }

    fn note(
        &mut self,
        kid: usize,
        kind: CaseNoteKind,
        by: Option<u32>,
        at: Timestamp,
        text: String,
    ) {
        if at > self.ctx.now {
            return;
        }
        let Some(child_id) = self.kid(kid).map(|k| k.id) else {
            return;
        };
        let written_by = by.map(|w| self.org.worker_id(w));
        self.out.case_notes.push(CaseNote::new(
            CaseNoteId::at(at, self.r.id_bytes()),
            self.la_code.clone(),
            child_id,
            kind,
            written_by,
            at,
            text,
        ));
    }

    // -----------------------------------------------------------------------------------------------------------
    // Contacts

    fn incident(&mut self, ii: usize, inc: &Incident, later: &[bool]) {
        let ctx = self.ctx;
        let inc_seed = mix(self.seed, u64::try_from(ii).unwrap_or(0), 0x1_C1D);
        let mut group: Option<ContactId> = None;
        let many = inc.kids.len() > 1;
        // The family-level outcome.
        let mut ir = R::new(inc_seed);
        let base = ir.pick_weighted(&inc.concern.outcome_weights(), ContactOutcome::Advice);
        for (order, &k) in inc.kids.iter().enumerate() {
            let received_at = ctx
                .clock
                .at(inc.date, inc.minute + i64::try_from(order).unwrap_or(0) * 3);
            if received_at > ctx.now {
                continue;
            }
            let mut outcome = base;
            if self.r.chance(1.0 - rates::SIBLING_SAME_OUTCOME) {
                outcome = self
                    .r
                    .pick_weighted(&inc.concern.outcome_weights(), ContactOutcome::Advice);
            }
            let id = ContactId::at(received_at, self.r.id_bytes());
            if many && group.is_none() {
                group = Some(id);
            }
            let has_later = later.get(order).copied().unwrap_or(false);
            self.contact(
                inc,
                k,
                id,
                if many { group } else { None },
                received_at,
                outcome,
                inc_seed,
                has_later,
            );
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn contact(
        &mut self,
        inc: &Incident,
        k: usize,
        id: ContactId,
        group: Option<ContactId>,
        received_at: Timestamp,
        planned: ContactOutcome,
        inc_seed: u64,
        has_later: bool,
    ) {
        let ctx = self.ctx;
        let date = inc.date;
        let Some(kid) = self.kid(k) else { return };
        let child_id = kid.id;
        let csc_open = kid.busy.is_some_and(|b| b > date);
        let eh_open = kid
            .eh
            .as_ref()
            .is_some_and(|e| e.planned_end > date && e.record.start_date <= date);
        let school_age = kid.dob.is_some_and(|d| age_on(d, date) >= 4);
        let recent_referral = kid
            .last_referral
            .is_some_and(|r| days_between(r, date) <= 365);
        if kid.first_seen.is_none()
            && let Some(kk) = self.kids.get_mut(k)
        {
            kk.first_seen = Some(received_at);
        }

        // Shared with siblings: one referrer, one rating, one decision time.
        let mut ir = R::new(mix(inc_seed, 2, 0));
        let concern = inc.concern;
        let source = ir.pick_weighted(concern.sources(), ReferralSource::Police);
        let rag = match ir.weighted(&concern.rag_weights()) {
            0 => Rag::Red,
            1 => Rag::Amber,
            _ => Rag::Green,
        };
        let mut outcome = planned;
        let mut rationale: String = ir
            .pick(rates::rationale(outcome), "Decision recorded.")
            .to_owned();
        if csc_open {
            outcome = ContactOutcome::NoFurtherAction;
            rationale = rates::OPEN_CASE_RATIONALE.to_owned();
        } else if eh_open && outcome == ContactOutcome::EarlyHelp {
            outcome = ContactOutcome::Advice;
            rationale = rates::OPEN_EARLY_HELP_RATIONALE.to_owned();
        } else if kid_unborn(self.kid(k)) && outcome == ContactOutcome::EmergencyAccommodation {
            outcome = ContactOutcome::StrategyDiscussion;
        } else if recent_referral
            && matches!(
                outcome,
                ContactOutcome::NoFurtherAction
                    | ContactOutcome::Advice
                    | ContactOutcome::EarlyHelp
            )
            && ir.chance(rates::REPEAT_REFERRAL)
        {
            outcome = ContactOutcome::Referral;
            rationale =
                "Second referral within a year: the pattern of concerns needs a fresh assessment."
                    .to_owned();
        }
        let referrer = self.referrer(&mut ir, source);

        // Who records and decides, and when.
        let edt_decides = inc.ooh
            && (rag == Rag::Red
                || matches!(
                    outcome,
                    ContactOutcome::StrategyDiscussion | ContactOutcome::EmergencyAccommodation
                ));
        let recorder = if inc.ooh {
            self.worker(1, PoolKind::Edt, date)
        } else {
            self.worker(1, PoolKind::Mash, date)
        };
        let manager = self.worker(2, PoolKind::MashManager, date);
        let recorded_at = plus_minutes(received_at, ir.int(4, 35));
        let late = ir.chance(rates::LATE_DECISION) && !edt_decides;
        let (decided_at, decider) = if edt_decides {
            (plus_minutes(recorded_at, ir.int(25, 150)), recorder)
        } else {
            let max_h: i64 = if rag == Rag::Red { 3 } else { 7 };
            let h = if late {
                ir.int(9, 24)
            } else {
                ir.int(1, max_h)
            };
            let t = clocks::add_working_time(
                &ctx.cal,
                &ctx.settings.working_hours,
                received_at,
                WorkingDuration::Hours(u32::try_from(h).unwrap_or(1)),
            );
            (
                plus_minutes(t, -ir.int(0, 50)).max(plus_minutes(recorded_at, 20)),
                manager,
            )
        };
        // Contacts of the last working days are often still being screened at the end of the period: most of
        // today's, half of yesterday's, and a few older ones (overdue on the MASH worklist).
        let last_day = ctx.cal.working_day_on_or_before(add_days(ctx.until, -1));
        let day_before = ctx.cal.working_day_on_or_before(add_days(last_day, -1));
        let still_open = if date >= ctx.until {
            0.8
        } else if date >= last_day {
            0.5
        } else if date >= day_before {
            0.08
        } else {
            0.0
        };
        let decided_at = if !edt_decides && still_open > 0.0 && ir.chance(still_open) {
            clocks::add_working_time(
                &ctx.cal,
                &ctx.settings.working_hours,
                received_at,
                // Older ones are still open two working days on.
                WorkingDuration::Hours(
                    u32::try_from(if date >= last_day {
                        ir.int(9, 16)
                    } else {
                        ir.int(20, 26)
                    })
                    .unwrap_or(9),
                ),
            )
        } else {
            decided_at
        };
        let decided = decided_at <= ctx.now;
        let out_of_hours = edt_decides;

        // Screening: threshold, RAG (and changes), consent.
        let threshold = match outcome {
            ContactOutcome::NoFurtherAction | ContactOutcome::Advice => {
                if csc_open {
                    ThresholdLevel::Level3
                } else if ir.chance(0.6) {
                    ThresholdLevel::Level1
                } else {
                    ThresholdLevel::Level2
                }
            }
            ContactOutcome::EarlyHelp => ThresholdLevel::Level2,
            ContactOutcome::Referral => ThresholdLevel::Level3,
            _ => ThresholdLevel::Level4,
        };
        let rag_at = plus_minutes(recorded_at, ir.int(5, 40))
            .min(plus_minutes(decided_at, -5))
            .max(recorded_at);
        let mut current_rag = None;
        if rag_at <= ctx.now {
            let first = RagChange {
                id: RagChangeId::at(rag_at, self.r.id_bytes()),
                la: self.la_code.clone(),
                contact_id: id,
                child_id,
                rag,
                rationale: ir.pick(rates::RAG_RATIONALE, "Rated.").to_owned(),
                changed_by: Some(self.org.worker_id(manager)),
                changed_at: rag_at,
            };
            self.out.rag_changes.push(first);
            current_rag = Some(rag);
            if ir.chance(rates::RAG_CHANGED) {
                let span = (decided_at.as_second() - rag_at.as_second()) / 60;
                let t = plus_minutes(rag_at, (span / 2).max(40));
                let new = if rag == Rag::Green {
                    Rag::Amber
                } else if ir.chance(0.5) {
                    Rag::Red
                } else {
                    Rag::Green
                };
                if t <= ctx.now && t < decided_at && new != rag {
                    self.out.rag_changes.push(RagChange {
                        id: RagChangeId::at(t, self.r.id_bytes()),
                        la: self.la_code.clone(),
                        contact_id: id,
                        child_id,
                        rag: new,
                        rationale: ir
                            .pick(rates::RAG_CHANGE_RATIONALE, "New information.")
                            .to_owned(),
                        changed_by: Some(self.org.worker_id(manager)),
                        changed_at: t,
                    });
                    current_rag = Some(new);
                }
            }
        }
        let urgent = matches!(
            outcome,
            ContactOutcome::StrategyDiscussion | ContactOutcome::EmergencyAccommodation
        ) || rag == Rag::Red;
        let (consent, consent_rationale, approved) = if urgent && ir.chance(0.6) {
            (
                Consent::NotSought,
                Some(
                    ir.pick(rates::CONSENT_NOT_SOUGHT, "Risk of harm.")
                        .to_owned(),
                ),
                true,
            )
        } else {
            match ir.weighted(&[86, 4, 10]) {
                0 => (Consent::Given, None, false),
                1 => (
                    Consent::Refused,
                    Some(rates::CONSENT_REFUSED.to_owned()),
                    true,
                ),
                _ => (
                    Consent::NotSought,
                    Some(
                        ir.pick(rates::CONSENT_NOT_SOUGHT, "Risk of harm.")
                            .to_owned(),
                    ),
                    true,
                ),
            }
        };
        let screening = Screening {
            threshold: if rag_at <= ctx.now {
                Some(threshold)
            } else {
                None
            },
            rag: current_rag,
            rag_rationale: current_rag.map(|_| "See the RAG history.".to_owned()),
            consent: if rag_at <= ctx.now {
                Some(consent)
            } else {
                None
            },
            consent_rationale: if rag_at <= ctx.now {
                consent_rationale
            } else {
                None
            },
            consent_approved_by: if approved && rag_at <= ctx.now {
                Some(self.org.worker_id(manager))
            } else {
                None
            },
            consent_approved_at: if approved && rag_at <= ctx.now {
                Some(rag_at)
            } else {
                None
            },
        };

        // MASH enquiry with partner information requests.
        if !csc_open && (rag != Rag::Green || ir.chance(0.3)) {
            let started_at = plus_minutes(rag_at, ir.int(3, 15));
            if started_at <= ctx.now {
                self.mash_enquiry(
                    &mut ir,
                    id,
                    child_id,
                    rag,
                    started_at,
                    if decided { Some(decided_at) } else { None },
                    recorder,
                    school_age,
                );
            }
        }

        let decision = if decided {
            let eh = outcome == ContactOutcome::EarlyHelp;
            let oversight_at = if out_of_hours {
                let d = ctx
                    .cal
                    .working_day_on_or_after(add_days(ctx.clock.date(decided_at), 1));
                ctx.clock.at(d, 9 * 60 + 40)
            } else {
                decided_at
            };
            let oversight_ok = oversight_at <= ctx.now;
            Some(ContactDecision {
                outcome,
                rationale,
                decided_by: Some(self.org.worker_id(decider)),
                decided_at,
                out_of_hours,
                next_steps: eh.then(|| {
                    "Early help assessment and a team around the family within 10 working days."
                        .to_owned()
                }),
                receiving_service: eh
                    .then(|| format!("{} Early Help Service", crate::la_name(&self.la_code))),
                manager_oversight_by: oversight_ok.then(|| self.org.worker_id(manager)),
                manager_oversight_at: oversight_ok.then_some(oversight_at),
            })
        } else {
            None
        };
        let feedback =
            if decided && source != ReferralSource::Anonymous && ir.chance(rates::FEEDBACK_GIVEN) {
                let h = if ir.chance(rates::LATE_FEEDBACK) {
                    ir.int(9, 24)
                } else {
                    ir.int(1, 7)
                };
                let t = clocks::add_working_time(
                    &ctx.cal,
                    &ctx.settings.working_hours,
                    decided_at,
                    WorkingDuration::Hours(u32::try_from(h).unwrap_or(1)),
                );
                let t = plus_minutes(t, -ir.int(0, 40)).max(plus_minutes(decided_at, 5));
                (t <= ctx.now).then(|| ReferrerFeedback {
                    method: ir.pick(
                        &[
                            FeedbackMethod::Email,
                            FeedbackMethod::Email,
                            FeedbackMethod::Phone,
                            FeedbackMethod::Letter,
                        ],
                        FeedbackMethod::Email,
                    ),
                    given_at: t,
                    given_by: Some(self.org.worker_id(recorder)),
                    summary: Some(format!(
                        "Told the referrer the outcome: {}.",
                        outcome.label().to_lowercase()
                    )),
                })
            } else {
                None
            };
        let concerns = ir
            .pick(concern.text(), "Concerns about the child.")
            .to_owned();
        self.out.contacts.push(Contact {
            id,
            la: self.la_code.clone(),
            child_id,
            sibling_group: group,
            received_at,
            out_of_hours: inc.ooh,
            source,
            referrer,
            concerns,
            immediate_risk: rag == Rag::Red && urgent,
            recorded_by: Some(self.org.worker_id(recorder)),
            recorded_at,
            assigned_to: Some(self.org.worker_id(recorder)),
            screening,
            decision,
            feedback,
        });
        if !decided {
            return;
        }

        // What the decision starts.
        let decision_date = ctx.clock.date(decided_at);
        match outcome {
            ContactOutcome::EarlyHelp => {
                let start = ctx
                    .cal
                    .add_working_days(decision_date, ir.u(1, 6))
                    .min(ctx.until);
                self.start_eh(k, start, Some(id), None, concern);
            }
            ContactOutcome::Referral
            | ContactOutcome::StrategyDiscussion
            | ContactOutcome::EmergencyAccommodation => {
                let route = match outcome {
                    ContactOutcome::Referral => Route::Assess,
                    ContactOutcome::StrategyDiscussion => Route::Strategy,
                    _ => Route::Emergency,
                };
                let p = R::new(mix(inc_seed, 3, route as u64));
                let closure = self.episode(
                    k,
                    route,
                    id,
                    decided_at,
                    date,
                    source,
                    concern,
                    p,
                    has_later,
                    out_of_hours,
                );
                if let Some(kk) = self.kids.get_mut(k) {
                    kk.busy = Some(closure.unwrap_or(Date::MAX));
                    kk.last_referral = Some(date);
                }
            }
            _ => {}
        }
    }

    fn referrer(&mut self, ir: &mut R, source: ReferralSource) -> Referrer {
        use ReferralSource::*;
        let name = format!(
            "{} {}",
            ir.pick(names::WORKER_FIRST, "Alex"),
            ir.pick(names::WORKER_SURNAMES, "Smith")
        );
        let phone = format!("020 7946 0{:03}", ir.int(0, 999));
        let (agency, role, org): (Option<Agency>, Option<&str>, Option<String>) = match source {
            Police => (
                Some(Agency::Police),
                Some("Police constable, public protection"),
                Some("Metropolitan Police, Central West BCU".to_owned()),
            ),
            Schools => (
                Some(Agency::Education),
                Some("Designated safeguarding lead"),
                Some(ir.pick(names::SCHOOLS, "Primary school").to_owned()),
            ),
            EducationServices => (
                Some(Agency::Education),
                Some("Attendance officer"),
                Some("Education welfare service".to_owned()),
            ),
            HealthGp => (
                Some(Agency::Health),
                Some("GP"),
                Some(ir.pick(names::GP_PRACTICES, "Surgery").to_owned()),
            ),
            HealthVisitor => (
                Some(Agency::Health),
                Some("Health visitor"),
                Some("Health visiting service".to_owned()),
            ),
            SchoolNurse => (
                Some(Agency::Health),
                Some("School nurse"),
                Some("School nursing service".to_owned()),
            ),
            OtherPrimaryHealth => (
                Some(Agency::Health),
                Some("Midwife"),
                Some(ir.pick(names::HOSPITALS, "Hospital").to_owned()),
            ),
            AccidentAndEmergency => (
                Some(Agency::Health),
                Some("Paediatric liaison nurse"),
                Some(ir.pick(names::HOSPITALS, "Hospital").to_owned()),
            ),
            HealthOther => (
                Some(Agency::Health),
                Some("CAMHS clinician"),
                Some("Child and adolescent mental health service".to_owned()),
            ),
            Housing => (
                Some(Agency::Housing),
                Some("Housing officer"),
                Some("Housing needs service".to_owned()),
            ),
            LaSocialCare => (
                Some(Agency::SocialCare),
                Some("Adult social worker"),
                Some("Adult social care".to_owned()),
            ),
            LaOtherInternal => (
                Some(Agency::Other),
                Some("Officer"),
                Some("Community safety team".to_owned()),
            ),
            LaExternal => (
                Some(Agency::SocialCare),
                Some("Social worker"),
                Some("Another local authority's children's services".to_owned()),
            ),
            LaEarlyHelp => (
                Some(Agency::SocialCare),
                Some("Family support worker"),
                Some("Early help service".to_owned()),
            ),
            OtherLegalAgency => (
                Some(Agency::Probation),
                Some("Probation officer"),
                Some("Probation service".to_owned()),
            ),
            Other => (
                Some(Agency::Other),
                Some("Project worker"),
                Some("Voluntary sector family project".to_owned()),
            ),
            IndividualFamily => (None, Some("Relative"), None),
            IndividualAcquaintance => (None, Some("Neighbour"), None),
            IndividualSelf => (None, Some("Self"), None),
            IndividualOther => (None, Some("Member of the public"), None),
            Anonymous => (None, None, None),
            Unknown => (None, None, None),
        };
        if source == Anonymous {
            return Referrer {
                name: "Anonymous".to_owned(),
                ..Referrer::default()
            };
        }
        Referrer {
            name,
            role: role.map(str::to_owned),
            agency,
            organisation: org,
            contact_details: Some(phone),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn mash_enquiry(
        &mut self,
        ir: &mut R,
        contact_id: ContactId,
        child_id: ChildId,
        rag: Rag,
        started_at: Timestamp,
        decided_at: Option<Timestamp>,
        worker: u32,
        school_age: bool,
    ) {
        let ctx = self.ctx;
        let id = MashEnquiryId::at(started_at, self.r.id_bytes());
        let mut agencies = Vec::with_capacity(5);
        if ir.chance(0.92) {
            agencies.push(Agency::Police);
        }
        if ir.chance(0.88) {
            agencies.push(Agency::Health);
        }
        if school_age && ir.chance(0.9) {
            agencies.push(Agency::Education);
        }
        if ir.chance(0.12) {
            agencies.push(Agency::Housing);
        }
        if ir.chance(0.08) {
            agencies.push(Agency::Probation);
        }
        let max_h: i64 = match rag {
            Rag::Red => 3,
            Rag::Amber => 7,
            Rag::Green => 22,
        };
        for agency in agencies {
            let requested_at = plus_minutes(started_at, ir.int(1, 12));
            if requested_at > ctx.now {
                continue;
            }
            let due_at = clocks::partner_request_due(&ctx.cal, &ctx.settings, rag, requested_at);
            let responded_at = if ir.chance(rates::NO_PARTNER_REPLY) {
                None
            } else if ir.chance(rates::LATE_PARTNER_REPLY) {
                Some(clocks::add_working_time(
                    &ctx.cal,
                    &ctx.settings.working_hours,
                    due_at,
                    WorkingDuration::Hours(u32::try_from(ir.int(1, 8)).unwrap_or(1)),
                ))
            } else {
                let t = clocks::add_working_time(
                    &ctx.cal,
                    &ctx.settings.working_hours,
                    requested_at,
                    WorkingDuration::Hours(u32::try_from(ir.int(1, max_h)).unwrap_or(1)),
                );
                Some(plus_minutes(t, -ir.int(0, 50)).max(plus_minutes(requested_at, 10)))
            };
            let responded_at = responded_at.filter(|t| *t <= ctx.now);
            let responder = self.org.las.get(self.la).and_then(|l| {
                l.partners
                    .iter()
                    .find(|(a, _)| *a == agency)
                    .map(|(_, w)| *w)
            });
            let responded_by = match (responded_at, responder) {
                (Some(_), Some(w)) => Some(self.org.worker_id(w)),
                _ => None,
            };
            self.out.information_requests.push(InformationRequest {
                id: InformationRequestId::at(requested_at, self.r.id_bytes()),
                la: self.la_code.clone(),
                mash_enquiry_id: id,
                contact_id,
                child_id,
                agency,
                question: ir
                    .pick(rates::PARTNER_QUESTIONS, "Please share what you know.")
                    .to_owned(),
                requested_by: Some(self.org.worker_id(worker)),
                requested_at,
                due_at,
                response: responded_at
                    .map(|_| ir.pick(rates::PARTNER_REPLIES, "Not known.").to_owned()),
                responded_by,
                responded_at,
            });
        }
        let completed_at = decided_at.map(|d| plus_minutes(d, -10).max(started_at));
        self.out.mash_enquiries.push(MashEnquiry {
            id,
            la: self.la_code.clone(),
            contact_id,
            child_id,
            started_at,
            started_by: Some(self.org.worker_id(worker)),
            history_summary: Some(ir.pick(rates::HISTORY_SUMMARY, "No history.").to_owned()),
            completed_at,
        });
    }

    // -----------------------------------------------------------------------------------------------------------
    // Early help

    fn start_eh(
        &mut self,
        k: usize,
        start: Date,
        contact: Option<ContactId>,
        from: Option<ReferralId>,
        concern: Concern,
    ) {
        let ctx = self.ctx;
        if start > ctx.until {
            return;
        }
        // An earlier episode still open ends (needs met) as the new one starts.
        self.finish_eh(k, Some(start));
        let Some(child_id) = self.kid(k).map(|x| x.id) else {
            return;
        };
        let created_at = self.at(start);
        let practitioner = self.worker(40, PoolKind::EarlyHelp, start);
        let manager = self.worker(41, PoolKind::EarlyHelpManager, start);
        let (lead_practitioner, lead_agency) = match self.r.weighted(&[65, 20, 15]) {
            0 => (
                self.org.worker_name(practitioner).to_owned(),
                Agency::SocialCare,
            ),
            1 => (
                format!(
                    "Designated safeguarding lead, {}",
                    self.r.pick(names::SCHOOLS, "school")
                ),
                Agency::Education,
            ),
            _ => ("Health visitor".to_owned(), Agency::Health),
        };
        let (lo, hi) = rates::EARLY_HELP_DAYS;
        let planned_end = add_days(start, self.r.int(lo, hi));
        let planned_reason = self.r.pick_weighted(
            &[
                (EarlyHelpEndReason::NeedsMet, 66),
                (EarlyHelpEndReason::Declined, 18),
                (EarlyHelpEndReason::Moved, 8),
                (EarlyHelpEndReason::Other, 8),
            ],
            EarlyHelpEndReason::NeedsMet,
        );
        let oversight_day = ctx.cal.add_working_days(start, self.r.u(3, 15));
        let oversight_at = ctx.clock.at(oversight_day, 11 * 60);
        let record = EarlyHelpEpisode {
            id: EarlyHelpEpisodeId::at(created_at, self.r.id_bytes()),
            la: self.la_code.clone(),
            child_id,
            contact_id: contact,
            stepped_down_from: from,
            lead_practitioner,
            lead_agency,
            reason: format!("{:?}", concern).replace("Abuse", " abuse").replace("Health", " health"),
            start_date: start,
            end_date: None,
            end_reason: None,
            next_steps: Some("Early help assessment, family plan and team-around-the-family meetings every six weeks.".to_owned()),
            oversight_by: (oversight_at <= ctx.now).then(|| self.org.worker_id(manager)),
            oversight_at: (oversight_at <= ctx.now).then_some(oversight_at),
            stepped_up_to: None,
            created_at,
        };
        if let Some(kid) = self.kids.get_mut(k) {
            kid.eh = Some(OpenEh {
                record,
                planned_end,
                planned_reason,
            });
        }
    }

    /// Write the child's open early help episode: ended by `ended` (a new episode), or as planned.
    fn finish_eh(&mut self, k: usize, ended: Option<Date>) {
        let until = self.ctx.until;
        let Some(kid) = self.kids.get_mut(k) else {
            return;
        };
        let Some(mut eh) = kid.eh.take() else { return };
        let end = match ended {
            Some(d) if d < eh.planned_end => {
                Some((d.max(eh.record.start_date), EarlyHelpEndReason::NeedsMet))
            }
            _ if eh.planned_end <= until => Some((eh.planned_end, eh.planned_reason)),
            _ => None,
        };
        if let Some((d, reason)) = end {
            eh.record.end_date = Some(d);
            eh.record.end_reason = Some(reason);
        }
        self.out.early_help_episodes.push(eh.record);
    }

    /// A referral while early help is open steps the family up.
    fn step_up(&mut self, k: usize, on: Date, to: ReferralId) {
        let Some(kid) = self.kids.get_mut(k) else {
            return;
        };
        let open = kid
            .eh
            .as_ref()
            .is_some_and(|e| e.record.start_date <= on && e.planned_end > on);
        if !open {
            self.finish_eh(k, None);
            return;
        }
        if let Some(mut eh) = kid.eh.take() {
            eh.record.end_date = Some(on);
            eh.record.end_reason = Some(EarlyHelpEndReason::SteppedUp);
            eh.record.stepped_up_to = Some(to);
            self.out.early_help_episodes.push(eh.record);
        }
    }

    // -----------------------------------------------------------------------------------------------------------
    // People

    fn people(&mut self, adults: &[Adult], t1: Date) {
        let ctx = self.ctx;
        let la = self.la_code.clone();
        let created = self
            .kids
            .iter()
            .filter_map(|k| k.first_seen)
            .min()
            .unwrap_or_else(|| ctx.clock.at(t1, 9 * 60));
        for i in 0..self.kids.len() {
            let Some(kid) = self.kids.get(i) else {
                continue;
            };
            let c = culture(kid.culture);
            let age_now = kid.dob.map(|d| age_on(d, ctx.until));
            let (upn, upn_unknown) = match age_now {
                None => (None, Some(UpnUnknown::Un1)),
                Some(a) if a < 5 => (None, Some(UpnUnknown::Un1)),
                Some(_) => {
                    let x = scramble(kid.global, 1_000_000_000, ctx.seed);
                    let body = format!("{}{:09}", la.as_ref(), x);
                    // A few children newly arrived from abroad have no UPN yet.
                    if x % 40 == 7 {
                        (None, Some(UpnUnknown::Un4))
                    } else {
                        (Upn::with_check_letter(&body).ok(), None)
                    }
                }
            };
            let nhs = if kid.global < 1_000_000 {
                let x = scramble(kid.global, 1_000_000, ctx.seed ^ 0x5EED);
                NhsNumber::with_check_digit(&format!("999{x:06}")).ok()
            } else {
                None
            };
            let la_child_id = LaChildId::parse(&format!(
                "{}{:07}",
                la_prefix(la.as_ref()),
                scramble(kid.global, 10_000_000, ctx.seed ^ 0xC41D)
            ))
            .ok();
            let first_seen = kid.first_seen.unwrap_or(created);
            let person = Person {
                id: kid.id,
                la: la.clone(),
                is_child: true,
                la_child_id,
                first_name: kid.first_name.to_owned(),
                last_name: kid.last_name.to_owned(),
                other_names: None,
                date_of_birth: kid.dob,
                expected_date_of_birth: kid.edd,
                date_of_death: None,
                sex: kid.sex,
                gender_identity: None,
                ethnicity: Some(kid.ethnicity),
                disabilities: kid.disabled.clone(),
                upn,
                former_upn: None,
                upn_unknown,
                nhs_number: nhs,
                first_language: Some(c.language.to_owned()),
                religion: c.religion.map(str::to_owned),
                restricted: false,
                created_at: first_seen,
            };
            self.out.people.push(person);
        }
        for a in adults {
            let c = culture(a.culture);
            self.out.people.push(Person {
                id: a.id,
                la: la.clone(),
                is_child: false,
                la_child_id: None,
                first_name: a.first_name.to_owned(),
                last_name: a.last_name.to_owned(),
                other_names: None,
                date_of_birth: Some(a.dob),
                expected_date_of_birth: None,
                date_of_death: None,
                sex: a.sex,
                gender_identity: None,
                ethnicity: Some(c.ethnicity),
                disabilities: Vec::new(),
                upn: None,
                former_upn: None,
                upn_unknown: None,
                nhs_number: None,
                first_language: Some(c.language.to_owned()),
                religion: c.religion.map(str::to_owned),
                restricted: false,
                created_at: created,
            });
        }
        // Relationships: parents (with parental responsibility), siblings.
        let kids: Vec<(PersonId, &'static str)> =
            self.kids.iter().map(|k| (k.id, k.last_name)).collect();
        for a in adults {
            for (kid, _) in &kids {
                let (kind, pr) = if a.sex == Sex::Female {
                    (RelationshipKind::Mother, true)
                } else {
                    (RelationshipKind::Father, self.r.chance(0.85))
                };
                self.out.relationships.push(Relationship {
                    id: RelationshipId::at(created, self.r.id_bytes()),
                    la: la.clone(),
                    person_id: a.id,
                    related_person_id: *kid,
                    kind,
                    parental_responsibility: pr,
                    ended_on: None,
                });
            }
        }
        for (i, (a, a_name)) in kids.iter().enumerate() {
            for (b, b_name) in kids.iter().skip(i + 1) {
                let kind = if a_name == b_name {
                    RelationshipKind::Sibling
                } else {
                    RelationshipKind::HalfSibling
                };
                self.out.relationships.push(Relationship {
                    id: RelationshipId::at(created, self.r.id_bytes()),
                    la: la.clone(),
                    person_id: *a,
                    related_person_id: *b,
                    kind,
                    parental_responsibility: false,
                    ended_on: None,
                });
            }
        }
        // Households: the family home (with a move for some), and a non-resident father's address.
        let from = self
            .kids
            .iter()
            .filter_map(|k| k.dob)
            .min()
            .unwrap_or(t1)
            .min(t1);
        let (l1, l2, pc) = names::address(&mut self.r, la.as_ref());
        let home = HouseholdId::at(created, self.r.id_bytes());
        self.out.households.push(Household {
            id: home,
            la: la.clone(),
            address: Address {
                line1: l1,
                line2: l2,
                town: "London".to_owned(),
                postcode: Postcode::parse(&pc).ok(),
            },
            created_at: created,
        });
        let moved = self
            .r
            .chance(0.15)
            .then(|| add_days(t1, self.r.int(60, days_between(t1, ctx.until).max(61))))
            .filter(|d| *d < ctx.until);
        let new_home = moved.map(|_| {
            let (l1, l2, pc) = names::address(&mut self.r, la.as_ref());
            let id = HouseholdId::at(created, self.r.id_bytes());
            self.out.households.push(Household {
                id,
                la: la.clone(),
                address: Address {
                    line1: l1,
                    line2: l2,
                    town: "London".to_owned(),
                    postcode: Postcode::parse(&pc).ok(),
                },
                created_at: created,
            });
            id
        });
        let mut members: Vec<(PersonId, Date)> = self
            .kids
            .iter()
            .map(|k| (k.id, k.dob.unwrap_or(t1).max(from)))
            .collect();
        for a in adults.iter().filter(|a| a.in_household) {
            members.push((a.id, from));
        }
        for (person, start) in &members {
            self.out.household_members.push(HouseholdMember {
                household_id: home,
                person_id: *person,
                from: *start,
                to: moved,
            });
            if let (Some(m), Some(h)) = (moved, new_home) {
                self.out.household_members.push(HouseholdMember {
                    household_id: h,
                    person_id: *person,
                    from: m,
                    to: None,
                });
            }
        }
        if let Some(father) = adults.iter().find(|a| !a.in_household)
            && self.r.chance(0.5)
        {
            let (l1, l2, pc) = names::address(&mut self.r, la.as_ref());
            let id = HouseholdId::at(created, self.r.id_bytes());
            self.out.households.push(Household {
                id,
                la: la.clone(),
                address: Address {
                    line1: l1,
                    line2: l2,
                    town: "London".to_owned(),
                    postcode: Postcode::parse(&pc).ok(),
                },
                created_at: created,
            });
            self.out.household_members.push(HouseholdMember {
                household_id: id,
                person_id: father.id,
                from,
                to: None,
            });
        }
    }

    /// A case-file audit if the child was allocated during one of the LA's practice weeks.
    fn audit(&mut self, k: usize) {
        let ctx = self.ctx;
        let Some(kid) = self.kids.get(k) else { return };
        let child_id = kid.id;
        let allocations = kid.allocations.clone();
        let weeks: Vec<(domain::ids::PracticeWeekId, Date, Date)> = self
            .org
            .las
            .get(self.la)
            .map(|l| {
                l.practice_weeks
                    .iter()
                    .map(|p| (p.id, p.starts_on, p.ends_on))
                    .collect()
            })
            .unwrap_or_default();
        for (pw, s, e) in weeks {
            let Some(&(worker, _, _)) = allocations
                .iter()
                .find(|(_, from, to)| *from <= s && to.is_none_or(|t| t >= e))
            else {
                continue;
            };
            if !self.r.chance(rates::AUDIT_PER_PRACTICE_WEEK) {
                continue;
            }
            let audited_on = add_days(s, self.r.int(0, 4));
            if audited_on > ctx.until {
                return;
            }
            let auditor = self.anyone_la_auditor();
            let qa_manager = self.org.las.get(self.la).map(|l| l.qa_manager);
            let created_at = self.at(audited_on);
            let grade = self.r.pick_weighted(
                &[
                    (AuditGrade::Outstanding, 5),
                    (AuditGrade::Good, 47),
                    (AuditGrade::RequiresImprovement, 38),
                    (AuditGrade::Inadequate, 10),
                ],
                AuditGrade::Good,
            );
            let moderated = self.r.chance(0.3);
            let id = CaseFileAuditId::at(created_at, self.r.id_bytes());
            self.out.case_file_audits.push(CaseFileAudit {
                id,
                la: self.la_code.clone(),
                child_id,
                auditor_id: Some(self.org.worker_id(auditor)),
                practice_week_id: Some(pw),
                audited_on,
                grade,
                lived_experience: self
                    .r
                    .pick(rates::LIVED_EXPERIENCE, "The child's day is described.")
                    .to_owned(),
                impact_of_practice: self.r.pick(rates::IMPACT, "Impact recorded.").to_owned(),
                strengths: Some(format!(
                    "Strengths: {}.",
                    self.r.pick(rates::AUDIT_STRENGTHS, "visits")
                )),
                areas_for_development: Some(format!(
                    "To develop: {}.",
                    self.r.pick(rates::AUDIT_DEVELOPMENT, "plans")
                )),
                moderated_by: if moderated {
                    qa_manager.map(|m| self.org.worker_id(m))
                } else {
                    None
                },
                moderated_grade: moderated.then(|| {
                    if self.r.chance(0.8) {
                        grade
                    } else {
                        AuditGrade::RequiresImprovement
                    }
                }),
                created_at,
                detail: Default::default(),
            });
            let n = self.r.int(1, 3);
            for _ in 0..n {
                let due_on = ctx.cal.add_working_days(audited_on, self.r.u(10, 25));
                let (status, completed_on) =
                    action_outcome(ctx, &mut self.r, audited_on, due_on, None);
                self.out.actions.push(Action {
                    id: ActionId::at(created_at, self.r.id_bytes()),
                    la: self.la_code.clone(),
                    child_id: Some(child_id),
                    parent: ActionParent::CaseFileAudit(id),
                    description: format!(
                        "Audit action: {}",
                        self.r.pick(rates::AUDIT_DEVELOPMENT, "update the plan")
                    ),
                    owner: self.org.worker_name(worker).to_owned(),
                    owner_user_id: Some(self.org.worker_id(worker)),
                    due_on,
                    status,
                    completed_on,
                    created_at,
                });
            }
            return;
        }
    }

    fn anyone_la_auditor(&mut self) -> u32 {
        let mut r = R::new(self.r.next_u64());
        self.org
            .las
            .get(self.la)
            .map(|l| l.auditors.any(&mut r))
            .unwrap_or(0)
    }
}

/// An action's fate: done (on time or late) by `until` and before `ends` (the plan's end), cancelled when the
/// plan ended first, or still open.
pub(crate) fn action_outcome(
    ctx: &Ctx,
    r: &mut R,
    set: Date,
    due: Date,
    ends: Option<Date>,
) -> (ActionStatus, Option<Date>) {
    let done = if r.chance(rates::LATE_ACTION) {
        ctx.cal.add_working_days(due, r.u(1, 15))
    } else {
        let back = r.u(0, 8);
        ctx.cal
            .subtract_working_days(due, back)
            .max(ctx.cal.add_working_days(set, 1))
    };
    let cutoff = ends.map_or(ctx.until, |e| e.min(ctx.until));
    if done <= cutoff {
        (ActionStatus::Done, Some(done))
    } else if ends.is_some_and(|e| e <= ctx.until) {
        (ActionStatus::Cancelled, None)
    } else {
        (ActionStatus::Open, None)
    }
}

fn culture(i: usize) -> &'static Culture {
    CULTURES
        .get(i)
        .or_else(|| CULTURES.first())
        .unwrap_or(&FALLBACK_CULTURE)
}

static FALLBACK_CULTURE: Culture = Culture {
    key: "english",
    ethnicity: domain::codes::Ethnicity::WhiteBritish,
    language: "English",
    religion: None,
    female: &["Amy"],
    male: &["Sam"],
    surnames: &["Smith"],
};

/// `x` folded back into 0..=1 (a jitter past either end is reflected, not piled up on the end).
fn reflect(x: f64) -> f64 {
    if x > 1.0 {
        (2.0 - x).max(0.0)
    } else if x < 0.0 {
        (-x).min(1.0)
    } else {
        x
    }
}

fn la_prefix(la: &str) -> &'static str {
    match la {
        "205" => "HF",
        "207" => "KC",
        "213" => "WCC",
        _ => "LA",
    }
}

fn kid_unborn(k: Option<&Kid>) -> bool {
    k.is_some_and(|k| k.dob.is_none())
}

fn self_age(kids: &[Kid], i: usize, date: Date) -> i64 {
    kids.get(i)
        .and_then(|k| k.dob)
        .map(|d| age_on(d, date))
        .unwrap_or(-1)
}

/// A child can be the subject of a contact on `date`: born and at least 60 days before the limit, or unborn
/// within 38 weeks of the expected date.
fn self_eligible(kids: &[Kid], i: usize, date: Date, ctx: &Ctx) -> bool {
    let Some(k) = kids.get(i) else { return false };
    if date > ctx.until || date < ctx.start {
        return false;
    }
    match (k.dob, k.edd) {
        (Some(b), _) => b < date && date <= add_days(add_years(b, 18), -60),
        (None, Some(e)) => date >= add_days(e, -266) && date < e,
        _ => false,
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Child-in-need episodes

/// The state of one episode as it unfolds.
struct Ep {
    kid: usize,
    child_id: ChildId,
    rid: ReferralId,
    rdate: Date,
    limit: Date,
    until: Date,
    p: R,
    /// The latest date of census activity so far (closure must not be earlier).
    last: Date,
    /// Allocations so far: worker, team, from.
    allocs: Vec<(u32, Option<TeamId>, Date)>,
    cp_plans: u32,
    escalated: bool,
    had_s47: bool,
    concern: Concern,
    seq: u32,
}

impl Ep {
    fn clip(&self, d: Date) -> At {
        if d <= self.limit {
            At::Done(d)
        } else if self.limit >= self.until {
            At::Open
        } else {
            At::Forced(self.limit)
        }
    }

    fn touch(&mut self, d: Date) {
        if d > self.last {
            self.last = d;
        }
    }
}

/// What comes after a phase of the episode.
enum Next {
    CpPlan {
        start: Date,
        category: AbuseCategory,
        plan: PlanId,
    },
    CinPlan(Date),
    Close(Date, ClosureReason, bool),
    /// Still open at `until`.
    Open,
    /// The child turned 18: close on the limit.
    Forced,
}

/// The result of a section 47 enquiry.
struct S47Out {
    /// The ICPC made a CP plan: its date, category and conference.
    plan: Option<(Date, AbuseCategory, PlanId)>,
    /// The enquiry's last date (outcome or conference).
    end: At,
}

impl Fam<'_> {
    #[allow(clippy::too_many_arguments)]
    fn episode(
        &mut self,
        k: usize,
        route: Route,
        contact_id: ContactId,
        decided_at: Timestamp,
        rdate: Date,
        source: ReferralSource,
        concern: Concern,
        p: R,
        has_later: bool,
        ooh: bool,
    ) -> Option<Date> {
        let ctx = self.ctx;
        let kid = self.kid(k)?;
        let child_id = kid.id;
        let limit = kid.limit;
        let unborn = kid.dob.is_none();
        let age = kid.dob.map(|d| age_on(d, rdate)).unwrap_or(-1);
        let rid = ReferralId::at(decided_at, self.r.id_bytes());
        self.step_up(k, rdate, rid);
        let mut ep = Ep {
            kid: k,
            child_id,
            rid,
            rdate,
            limit,
            until: ctx.until,
            p,
            last: rdate,
            allocs: Vec::new(),
            cp_plans: 0,
            escalated: false,
            had_s47: false,
            concern,
            seq: 0,
        };
        let mut referral = Referral {
            id: rid,
            la: self.la_code.clone(),
            child_id,
            contact_id: Some(contact_id),
            referral_date: rdate,
            source,
            primary_need: None,
            nfa: false,
            closure: None,
            created_at: decided_at,
        };
        let decider = self.worker(2, PoolKind::MashManager, rdate);
        self.note(
            k,
            CaseNoteKind::ManagementOversight,
            Some(decider),
            plus_minutes(decided_at, 5),
            "Referral accepted; decision and rationale recorded on the contact.".to_owned(),
        );

        // No further action at the referral stage: closed the same day, no assessment.
        if route == Route::Assess && ep.p.chance(rates::REFERRAL_NFA) {
            referral.nfa = true;
            referral.closure = Some(Closure {
                date: rdate,
                reason: ClosureReason::ServicesCeased,
            });
            self.out.referrals.push(referral);
            return Some(rdate);
        }
        referral.primary_need = Some(ep.p.pick_weighted(
            concern.primary_need(),
            domain::codes::PrimaryNeed::AbuseOrNeglect,
        ));

        // Extra-familial harm: flags and the integrated gangs unit.
        if age >= 11 {
            self.extra_familial(&mut ep, concern);
        }

        // Allocation to the assessment team.
        let aw = self.worker(10, PoolKind::Assessment, rdate);
        let team = self.team_of(PoolKind::Assessment);
        ep.allocs.push((aw, team, rdate));
        let tm = self.worker(11, PoolKind::AssessmentManager, rdate);
        let t = self.at(ctx.cal.working_day_on_or_after(rdate));
        self.note(k, CaseNoteKind::ManagementOversight, Some(tm), t, format!("Allocated to {} for a child and family assessment. Visit within 5 working days; see the child alone if age-appropriate.", self.org.worker_name(aw)));

        // The assessment's timing.
        let a0 = ctx.cal.add_working_days(rdate, ep.p.u(0, 2));
        let due = clocks::assessment_due(&ctx.cal, rdate);
        let a1 = if ep.p.chance(rates::LATE_ASSESSMENT) {
            ctx.cal.add_working_days(due, ep.p.u(1, 25))
        } else {
            let started =
                u32::try_from(ctx.cal.working_days_between(rdate, a0).max(0)).unwrap_or(0);
            let lo = (started + 8).max(12);
            let n = if ep.p.chance(0.5) {
                ep.p.u(lo, 45)
            } else {
                ep.p.u(lo.max(28), 45)
            };
            ctx.cal.add_working_days(rdate, n)
        };
        let outcome_weights: &[(AssessmentOutcome, u32)] = &[
            (AssessmentOutcome::NoFurtherAction, 32),
            (AssessmentOutcome::EarlyHelp, 21),
            (AssessmentOutcome::ChildInNeedPlan, 21),
            (AssessmentOutcome::StrategyDiscussion, 9),
            (AssessmentOutcome::OtherService, 4),
        ];
        let mut a_outcome =
            ep.p.pick_weighted(outcome_weights, AssessmentOutcome::NoFurtherAction);
        if route != Route::Assess {
            a_outcome = AssessmentOutcome::StrategyDiscussion;
        }

        // Emergency protection at the front door.
        if route == Route::Emergency {
            self.emergency(&mut ep, EmergencyProtectionKind::PolicePowers, rdate);
        }

        // Strategy discussion and section 47 enquiry.
        let mut s47: Option<S47Out> = None;
        let mut strategy_without_s47 = false;
        if a_outcome == AssessmentOutcome::StrategyDiscussion {
            let held_at = if route == Route::Assess {
                let span = u32::try_from(ctx.cal.working_days_between(a0, a1).max(2)).unwrap_or(2);
                let d = ctx.cal.add_working_days(a0, ep.p.u(1, span.clamp(1, 20)));
                self.at(d)
            } else if ooh {
                plus_minutes(decided_at, ep.p.int(20, 90))
            } else {
                let t = plus_minutes(decided_at, ep.p.int(30, 180));
                if ctx.clock.minute_of_day(t) > 17 * 60 + 15 {
                    self.at(ctx.cal.next_working_day(ctx.clock.date(t)))
                } else {
                    t
                }
            };
            match ep.clip(ctx.clock.date(held_at)) {
                At::Done(_) if held_at <= ctx.now => {
                    let (out, made) = self.strategy(
                        &mut ep,
                        held_at,
                        Some(contact_id).filter(|_| route != Route::Assess),
                        ooh && route != Route::Assess,
                        true,
                    );
                    if made {
                        s47 = out;
                    } else {
                        strategy_without_s47 = true;
                    }
                }
                At::Forced(_) => {}
                _ => {
                    // The discussion has not happened yet.
                    self.finish_allocs(&ep, None);
                    self.assessment(
                        &mut ep,
                        a0,
                        due,
                        None,
                        AssessmentOutcome::StrategyDiscussion,
                        unborn,
                        aw,
                        tm,
                    );
                    self.out.referrals.push(referral);
                    return None;
                }
            }
            if route != Route::Assess && ep.p.chance(rates::EMERGENCY_PROTECTION) && !ep.escalated {
                let kind = if ep.p.chance(0.5) {
                    EmergencyProtectionKind::PolicePowers
                } else {
                    EmergencyProtectionKind::EmergencyProtectionOrder
                };
                let d = ctx.clock.date(held_at);
                self.emergency(&mut ep, kind, d);
            }
        }

        // The assessment itself (alongside any enquiry).
        let a_end = ep.clip(a1);
        let mut final_outcome = a_outcome;
        if strategy_without_s47 || (route != Route::Assess && s47.is_none()) {
            final_outcome = ep.p.pick_weighted(
                &[
                    (AssessmentOutcome::NoFurtherAction, 35),
                    (AssessmentOutcome::EarlyHelp, 25),
                    (AssessmentOutcome::ChildInNeedPlan, 40),
                ],
                AssessmentOutcome::ChildInNeedPlan,
            );
        }
        let auth = match a_end {
            At::Done(d) => Some(d),
            At::Forced(d) => Some(d.max(a0)),
            At::Open => None,
        };
        self.assessment(&mut ep, a0, due, auth, final_outcome, unborn, aw, tm);

        // What follows.
        let next = match (&s47, a_end) {
            (Some(out), _) if out.plan.is_some() => match out.plan {
                Some((start, category, plan)) => Next::CpPlan {
                    start,
                    category,
                    plan,
                },
                None => Next::Open,
            },
            (Some(out), _) => {
                // Enquiry without a plan: CIN plan, or close (never RC8/RC9 after a section 47).
                match (out.end, a_end) {
                    (At::Open, _) | (_, At::Open) => Next::Open,
                    (At::Forced(_), _) | (_, At::Forced(_)) => Next::Forced,
                    (At::Done(e), At::Done(a)) => {
                        let d = e.max(a);
                        if ep.p.chance(0.3) {
                            Next::CinPlan(d)
                        } else {
                            Next::Close(d, ClosureReason::ServicesCeased, ep.p.chance(0.3))
                        }
                    }
                }
            }
            (None, At::Open) => Next::Open,
            (None, At::Forced(_)) => Next::Forced,
            (None, At::Done(a)) => {
                if ep.had_s47 {
                    Next::Close(a, ClosureReason::ServicesCeased, false)
                } else {
                    match final_outcome {
                        AssessmentOutcome::NoFurtherAction => Next::Close(
                            a,
                            ClosureReason::ClosedAfterAssessmentNoFurtherAction,
                            false,
                        ),
                        AssessmentOutcome::EarlyHelp => Next::Close(
                            a,
                            ClosureReason::ClosedAfterAssessmentReferredToEarlyHelp,
                            true,
                        ),
                        AssessmentOutcome::ChildInNeedPlan => Next::CinPlan(a),
                        AssessmentOutcome::StrategyDiscussion => Next::Open,
                        _ => Next::Close(a, ClosureReason::ServicesCeased, false),
                    }
                }
            }
        };
        let closure = self.plans(&mut ep, next, has_later, age);
        referral.closure = closure.map(|(date, reason)| Closure { date, reason });
        self.out.referrals.push(referral);
        closure.map(|(d, _)| d)
    }

    /// Run plans until the episode closes; the closure date and reason, or `None` while open.
    fn plans(
        &mut self,
        ep: &mut Ep,
        mut next: Next,
        has_later: bool,
        age: i64,
    ) -> Option<(Date, ClosureReason)> {
        let mut sg_allocated = false;
        for _ in 0..8 {
            match next {
                Next::CpPlan {
                    start,
                    category,
                    plan,
                } => {
                    if !sg_allocated {
                        self.allocate_safeguarding(ep, start);
                        sg_allocated = true;
                    }
                    let end = self.cp_plan(ep, start, category, plan);
                    next = match end {
                        At::Done(e) => {
                            if ep.p.chance(rates::CP_STEP_DOWN_TO_CIN) && e < ep.limit {
                                Next::CinPlan(e)
                            } else {
                                Next::Close(
                                    e,
                                    ClosureReason::ServicesCeased,
                                    ep.p.chance(rates::STEP_DOWN_TO_EARLY_HELP),
                                )
                            }
                        }
                        At::Open => Next::Open,
                        At::Forced(_) => Next::Forced,
                    };
                }
                Next::CinPlan(start) => {
                    if start >= ep.limit {
                        next = if ep.limit >= ep.until {
                            Next::Open
                        } else {
                            Next::Forced
                        };
                        continue;
                    }
                    if !sg_allocated {
                        self.allocate_safeguarding(ep, start);
                        sg_allocated = true;
                    }
                    next = self.cin_plan(ep, start, has_later);
                }
                Next::Close(d, reason, eh) => {
                    return match ep.clip(d.max(ep.last)) {
                        At::Done(d) => {
                            let reason = if reason == ClosureReason::ServicesCeased
                                && age >= 17
                                && ep.p.chance(0.3)
                            {
                                ClosureReason::TransferredToAdultServices
                            } else {
                                reason
                            };
                            self.close(ep, d, reason, eh)
                        }
                        At::Open => {
                            self.finish_allocs(ep, None);
                            None
                        }
                        At::Forced(d) => self.close(ep, d, ClosureReason::ServicesCeased, false),
                    };
                }
                Next::Open => {
                    self.finish_allocs(ep, None);
                    return None;
                }
                Next::Forced => {
                    let d = ep.limit.max(ep.last);
                    let reason = if ep.p.chance(0.4) {
                        ClosureReason::TransferredToAdultServices
                    } else {
                        ClosureReason::ServicesCeased
                    };
                    return self.close(ep, d, reason, false);
                }
            }
        }
        // A very long history: close as services ceased.
        let d = ep.last;
        match ep.clip(d) {
            At::Done(d) | At::Forced(d) => self.close(ep, d, ClosureReason::ServicesCeased, false),
            At::Open => {
                self.finish_allocs(ep, None);
                None
            }
        }
    }

    fn close(
        &mut self,
        ep: &mut Ep,
        d: Date,
        reason: ClosureReason,
        eh: bool,
    ) -> Option<(Date, ClosureReason)> {
        let ctx = self.ctx;
        let d = d.max(ep.last);
        self.finish_allocs(ep, Some(d));
        let w = ep.allocs.last().map(|a| a.0);
        let at = self.at(ctx.cal.working_day_on_or_before(d).max(ep.rdate));
        let at = if ctx.clock.date(at) > d {
            ctx.clock.at(d, 12 * 60)
        } else {
            at
        };
        self.note(
            ep.kid,
            CaseNoteKind::ManagementOversight,
            w,
            at,
            format!("Case closed: {}.", reason.label().to_lowercase()),
        );
        if eh {
            let start = ctx.cal.add_working_days(d, ep.p.u(1, 5));
            if start <= ep.limit {
                self.start_eh(ep.kid, start, None, Some(ep.rid), ep.concern);
            }
        }
        Some((d, reason))
    }

    fn finish_allocs(&mut self, ep: &Ep, closed: Option<Date>) {
        let ctx = self.ctx;
        for (i, (worker, team, from)) in ep.allocs.iter().enumerate() {
            let to = match ep.allocs.get(i + 1) {
                Some((_, _, next)) => Some(*next),
                None => closed,
            };
            if *from > ctx.until {
                continue;
            }
            let created = ctx.clock.at(*from, 10 * 60);
            self.out.allocations.push(Allocation {
                id: AllocationId::at(created, self.r.id_bytes()),
                la: self.la_code.clone(),
                child_id: ep.child_id,
                worker_id: self.org.worker_id(*worker),
                team_id: *team,
                from: *from,
                to,
            });
            self.side.allocations.push(AllocNote {
                worker: *worker,
                child: ep.child_id,
                from: *from,
                to,
                la: self.la,
            });
            if let Some(kid) = self.kids.get_mut(ep.kid) {
                kid.allocations.push((*worker, *from, to));
            }
        }
    }

    fn allocate_safeguarding(&mut self, ep: &mut Ep, from: Date) {
        let w = self.worker(20, PoolKind::Safeguarding, from);
        let team = self.team_of(PoolKind::Safeguarding);
        if ep.allocs.last().is_some_and(|a| a.2 == from) {
            ep.allocs.pop();
        }
        ep.allocs.push((w, team, from));
        let t = self.at(from);
        self.note(
            ep.kid,
            CaseNoteKind::ManagementOversight,
            None,
            t,
            format!(
                "Transferred to {} in the safeguarding and family support team.",
                self.org.worker_name(w)
            ),
        );
    }

    #[allow(clippy::too_many_arguments)]
    fn assessment(
        &mut self,
        ep: &mut Ep,
        a0: Date,
        due: Date,
        auth: Option<Date>,
        outcome: AssessmentOutcome,
        unborn: bool,
        worker: u32,
        manager: u32,
    ) {
        let ctx = self.ctx;
        if a0 > ctx.until {
            return;
        }
        let created_at = self.at(a0);
        if created_at > ctx.now {
            return;
        }
        let age = self
            .kid(ep.kid)
            .and_then(|k| k.dob)
            .map(|d| age_on(d, a0))
            .unwrap_or(-1);
        // Visits during the assessment.
        let end = auth.unwrap_or(ctx.until).min(ep.limit);
        let mut d = ctx.cal.add_working_days(a0, ep.p.u(1, 5));
        let n = ep.p.u(1, 3);
        for _ in 0..n {
            if d > end {
                break;
            }
            self.visit(ep, d, None, VisitKind::Assessment, worker, unborn, age);
            d = ctx.cal.add_working_days(d, ep.p.u(5, 15));
        }
        let factors = match auth {
            Some(_) => self.factors(ep, outcome),
            None => Vec::new(),
        };
        if let Some(a) = auth {
            ep.touch(a);
            let t = self.at(a);
            self.note(
                ep.kid,
                CaseNoteKind::ManagementOversight,
                Some(manager),
                t,
                format!(
                    "Assessment authorised. Outcome: {}.",
                    outcome.label().to_lowercase()
                ),
            );
        }
        let seen = !unborn && ep.p.chance(0.97);
        let id = AssessmentId::at(created_at, self.r.id_bytes());
        let complete = auth.is_some();
        self.out.assessments.push(Assessment {
            id,
            la: self.la_code.clone(),
            child_id: ep.child_id,
            referral_id: ep.rid,
            start_date: a0,
            due_on: due,
            child_seen: seen,
            child_seen_alone: seen && age >= 5 && ep.p.chance(0.75),
            wishes_and_feelings: if unborn { "Unborn: the parents' hopes for the baby were explored.".to_owned() } else { self.r.pick(rates::WISHES, "Views recorded.").to_owned() },
            identity_and_culture: Some(format!("The family's first language is {}; identity, faith and culture considered with the family.", self.kid(ep.kid).map(|k| culture(k.culture).language).unwrap_or("English"))),
            sources_of_information: Some("Parents, the child, school, GP and health visitor, police checks.".to_owned()),
            history_considered: Some(self.r.pick(rates::HISTORY_SUMMARY, "History considered.").to_owned()),
            risk_factors: complete.then(|| "Risks as identified in the factors; impact on the child analysed.".to_owned()),
            protective_factors: complete.then(|| "Supportive grandparent nearby; the child attends school regularly; mother engages with services.".to_owned()),
            safety_goals: complete.then(|| "The children are safe from harm at home and their needs are met consistently.".to_owned()),
            scaling: complete.then(|| u8::try_from(ep.p.int(2, 8)).unwrap_or(5)),
            factors,
            outcome: auth.map(|_| outcome),
            authorised_by: auth.map(|_| self.org.worker_id(manager)),
            authorised_on: auth,
            created_at,
        });
    }

    fn factors(&mut self, ep: &mut Ep, outcome: AssessmentOutcome) -> Vec<AssessmentFactor> {
        if outcome == AssessmentOutcome::NoFurtherAction && ep.p.chance(0.35) {
            return vec![AssessmentFactor::NoFactors];
        }
        let pool = ep.concern.factors();
        let n = ep.p.int(1, 3);
        let mut out: Vec<AssessmentFactor> = Vec::new();
        for _ in 0..n {
            let f = ep.p.pick(pool, AssessmentFactor::Other);
            if !out.contains(&f) {
                out.push(f);
            }
        }
        out
    }

    #[allow(clippy::too_many_arguments)]
    fn visit(
        &mut self,
        ep: &mut Ep,
        d: Date,
        plan: Option<PlanId>,
        kind: VisitKind,
        worker: u32,
        unborn: bool,
        age: i64,
    ) {
        let ctx = self.ctx;
        if d > ctx.until || d > ep.limit {
            return;
        }
        let created_at = self.at(d);
        let seen = !unborn && self.r.chance(0.95);
        let alone = seen && age >= 5 && self.r.chance(0.7);
        self.out.visits.push(Visit {
            id: VisitId::at(created_at, self.r.id_bytes()),
            la: self.la_code.clone(),
            child_id: ep.child_id,
            plan_id: plan,
            kind,
            visited_on: d,
            worker_id: Some(self.org.worker_id(worker)),
            child_seen: seen,
            seen_alone: alone,
            bedroom_seen: seen && self.r.chance(0.6),
            wishes_and_feelings: (seen && age >= 4)
                .then(|| self.r.pick(rates::WISHES, "Views recorded.").to_owned()),
            observations: Some(self.r.pick(rates::OBSERVATIONS, "Home visited.").to_owned()),
            created_at,
        });
    }

    fn emergency(&mut self, ep: &mut Ep, kind: EmergencyProtectionKind, start: Date) {
        let ctx = self.ctx;
        if start > ctx.until {
            return;
        }
        let days = if kind == EmergencyProtectionKind::PolicePowers {
            ep.p.int(1, 3)
        } else {
            ep.p.int(5, 8)
        };
        let end = add_days(start, days);
        let created = self.at(start);
        self.out.emergency_protections.push(EmergencyProtection {
            id: EmergencyProtectionId::at(created, self.r.id_bytes()),
            la: self.la_code.clone(),
            child_id: ep.child_id,
            kind,
            start_date: start,
            end_date: (end <= ctx.until).then_some(end),
        });
    }

    fn extra_familial(&mut self, ep: &mut Ep, concern: Concern) {
        let ctx = self.ctx;
        let kind = match concern.flag() {
            Some(k) => k,
            None if concern == Concern::Behaviour && ep.p.chance(0.3) => {
                ChildFlagKind::GangInvolvement
            }
            None if concern == Concern::SexualAbuse && ep.p.chance(0.3) => {
                ChildFlagKind::SexualExploitation
            }
            None => return,
        };
        let from = ep.rdate;
        let limit = ep.limit;
        let to = add_days(from, ep.p.int(90, 540));
        let to = (to <= ctx.until.min(limit)).then_some(to);
        self.out.child_flags.push(ChildFlag {
            id: ChildFlagId::at(ctx.clock.at(from, 12 * 60), self.r.id_bytes()),
            la: self.la_code.clone(),
            child_id: ep.child_id,
            kind,
            from,
            to,
            notes: Some("Contextual safeguarding: discussed at the exploitation panel.".to_owned()),
        });
        if matches!(
            kind,
            ChildFlagKind::CriminalExploitation | ChildFlagKind::GangInvolvement
        ) && ep.p.chance(rates::GANGS_UNIT)
        {
            let w = self.worker(30, PoolKind::Gangs, from);
            let start = ctx.cal.add_working_days(from, ep.p.u(1, 10));
            if start <= ctx.until.min(limit) {
                let end = add_days(start, ep.p.int(60, 365));
                self.out
                    .specialist_involvements
                    .push(SpecialistInvolvement {
                        id: SpecialistInvolvementId::at(
                            ctx.clock.at(start, 11 * 60),
                            self.r.id_bytes(),
                        ),
                        la: self.la_code.clone(),
                        child_id: ep.child_id,
                        unit: "Integrated gangs unit".to_owned(),
                        worker_name: self.org.worker_name(w).to_owned(),
                        worker_id: Some(self.org.worker_id(w)),
                        from: start,
                        to: (end <= ctx.until.min(limit)).then_some(end),
                    });
            }
        }
    }

    /// A strategy discussion at `held_at`, and the section 47 enquiry it decides on. Returns the enquiry's
    /// result (`None` when it is still running at `until` without a conference date) and whether one was started.
    fn strategy(
        &mut self,
        ep: &mut Ep,
        held_at: Timestamp,
        contact: Option<ContactId>,
        ooh: bool,
        allow_no_s47: bool,
    ) -> (Option<S47Out>, bool) {
        let ctx = self.ctx;
        let held_on = ctx.clock.date(held_at);
        let id = StrategyDiscussionId::at(held_at, self.r.id_bytes());
        let age = self
            .kid(ep.kid)
            .and_then(|k| k.dob)
            .map(|d| age_on(d, held_on))
            .unwrap_or(-1);
        let sw = ep.allocs.last().map(|a| a.0).unwrap_or(0);
        let tm = self.worker(11, PoolKind::AssessmentManager, held_on);
        let mut participants = vec![
            Participant {
                name: self.org.worker_name(tm).to_owned(),
                agency: Agency::SocialCare,
                role: "Team manager (chair)".to_owned(),
            },
            Participant {
                name: self.org.worker_name(sw).to_owned(),
                agency: Agency::SocialCare,
                role: "Social worker".to_owned(),
            },
        ];
        let mut absent = Vec::new();
        let police_only = ep.p.chance(rates::POLICE_ONLY) || (ooh && ep.p.chance(0.5));
        let police_name = format!(
            "DC {} {}",
            ep.p.pick(names::WORKER_FIRST, "Sam"),
            ep.p.pick(names::WORKER_SURNAMES, "Reid")
        );
        participants.push(Participant {
            name: police_name,
            agency: Agency::Police,
            role: "Child abuse investigation team".to_owned(),
        });
        if police_only {
            // Held with the police alone: the record says why health and education were not there (it cannot
            // be saved otherwise), and the discussion is flagged.
            absent.push(AbsentAgency {
                agency: Agency::Health,
                reason: ep.p.pick(rates::ABSENCE_REASONS, "Unavailable.").to_owned(),
            });
            absent.push(AbsentAgency {
                agency: Agency::Education,
                reason: if age >= 4 {
                    ep.p.pick(rates::ABSENCE_REASONS, "Unavailable.").to_owned()
                } else {
                    "Child is not of school age.".to_owned()
                },
            });
        } else {
            if ep.p.chance(0.9) {
                participants.push(Participant {
                    name: format!(
                        "{} {}",
                        ep.p.pick(names::WORKER_FIRST, "Jo"),
                        ep.p.pick(names::WORKER_SURNAMES, "Patel")
                    ),
                    agency: Agency::Health,
                    role: if age < 5 {
                        "Health visitor".to_owned()
                    } else {
                        "Named nurse for safeguarding".to_owned()
                    },
                });
            } else {
                absent.push(AbsentAgency {
                    agency: Agency::Health,
                    reason: ep.p.pick(rates::ABSENCE_REASONS, "Unavailable.").to_owned(),
                });
            }
            if age >= 4 {
                if ep.p.chance(0.85) {
                    participants.push(Participant {
                        name: format!(
                            "{} {}",
                            ep.p.pick(names::WORKER_FIRST, "Chris"),
                            ep.p.pick(names::WORKER_SURNAMES, "Ellis")
                        ),
                        agency: Agency::Education,
                        role: "Designated safeguarding lead".to_owned(),
                    });
                } else {
                    absent.push(AbsentAgency {
                        agency: Agency::Education,
                        reason: ep.p.pick(rates::ABSENCE_REASONS, "Unavailable.").to_owned(),
                    });
                }
            } else {
                absent.push(AbsentAgency {
                    agency: Agency::Education,
                    reason: "Child is not of school age.".to_owned(),
                });
            }
            if ep.concern == Concern::Exploitation && ep.p.chance(0.6) {
                participants.push(Participant {
                    name: format!(
                        "{} {}",
                        ep.p.pick(names::WORKER_FIRST, "Lee"),
                        ep.p.pick(names::WORKER_SURNAMES, "Osei")
                    ),
                    agency: Agency::YouthJustice,
                    role: "Youth justice worker".to_owned(),
                });
            }
        }
        let s47 = !allow_no_s47 || ep.p.chance(rates::SD_TO_S47);
        let recorder = self.org.worker_id(sw);
        self.out.strategy_discussions.push(StrategyDiscussion {
            id,
            la: self.la_code.clone(),
            child_id: ep.child_id,
            referral_id: Some(ep.rid),
            contact_id: contact,
            held_at,
            out_of_hours: ooh,
            participants,
            absent_agencies: absent,
            information_shared: ep.p.pick(rates::STRATEGY_INFORMATION, "Information shared.").to_owned(),
            decision: if s47 { StrategyDecision::Section47 } else { StrategyDecision::NoSection47 },
            alternative: (!s47).then(|| "Threshold for section 47 not met; the child and family assessment continues with a safety plan.".to_owned()),
            review_of: None,
            recorded_by: Some(recorder),
            created_at: held_at,
            progress: Vec::new(),
        });
        // Two to four actions, each with an owner and a due date.
        let n = ep.p.int(2, 4);
        for i in 0..n {
            let (desc, owner) = ep.p.pick(
                rates::STRATEGY_ACTIONS,
                ("Visit the child", "Allocated social worker"),
            );
            let due_on = ctx.cal.add_working_days(held_on, ep.p.u(1, 10));
            let (status, completed_on) = action_outcome(ctx, &mut ep.p, held_on, due_on, None);
            let owner_user =
                (owner == "Allocated social worker" || i == 0).then(|| self.org.worker_id(sw));
            let owner = if owner_user.is_some() && owner == "Allocated social worker" {
                self.org.worker_name(sw).to_owned()
            } else {
                owner.to_owned()
            };
            self.out.actions.push(Action {
                id: ActionId::at(held_at, self.r.id_bytes()),
                la: self.la_code.clone(),
                child_id: Some(ep.child_id),
                parent: ActionParent::StrategyDiscussion(id),
                description: desc.to_owned(),
                owner,
                owner_user_id: owner_user,
                due_on,
                status,
                completed_on,
                created_at: held_at,
            });
        }
        self.note(
            ep.kid,
            CaseNoteKind::Meeting,
            Some(sw),
            plus_minutes(held_at, 60),
            if s47 {
                "Strategy discussion: section 47 enquiry agreed.".to_owned()
            } else {
                "Strategy discussion: no section 47; assessment continues.".to_owned()
            },
        );
        ep.touch(held_on);
        if !s47 {
            return (None, false);
        }
        ep.had_s47 = true;
        let unborn = self.kid(ep.kid).is_some_and(|k| k.dob.is_none());
        let visit_day = ctx.cal.add_working_days(held_on, ep.p.u(0, 1));
        self.visit(ep, visit_day, None, VisitKind::Section47, sw, unborn, age);
        (Some(self.section47(ep, id, held_at)), true)
    }

    fn section47(&mut self, ep: &mut Ep, sd: StrategyDiscussionId, held_at: Timestamp) -> S47Out {
        let ctx = self.ctx;
        let start = ctx.clock.date(held_at);
        let icpc_due = clocks::icpc_due(&ctx.cal, start);
        let required = ep.p.chance(rates::S47_TO_ICPC);
        let outcome_day = ctx.cal.add_working_days(start, ep.p.u(4, 12));
        let id = Section47Id::at(held_at, self.r.id_bytes());
        let mut result = S47Out {
            plan: None,
            end: At::Open,
        };
        let mut record = Section47 {
            id,
            la: self.la_code.clone(),
            child_id: ep.child_id,
            referral_id: ep.rid,
            strategy_discussion_id: sd,
            start_date: start,
            icpc_due_on: icpc_due,
            outcome_date: None,
            outcome: None,
            icpc_required: None,
            created_at: held_at,
            findings: None,
            child_seen: None,
            child_seen_alone: None,
            seen_on: None,
            not_seen_reason: None,
            analysis: None,
        };
        if required {
            let held = if ep.p.chance(rates::LATE_ICPC) {
                ctx.cal.add_working_days(icpc_due, ep.p.u(1, 12))
            } else {
                ctx.cal.add_working_days(start, ep.p.u(8, 15))
            };
            let outcome_day = outcome_day.min(ctx.cal.previous_working_day(held));
            if outcome_day <= ep.limit.min(ctx.until) {
                record.outcome_date = Some(outcome_day);
                record.outcome = Some(Section47Outcome::SubstantiatedAtRisk);
                record.icpc_required = Some(true);
                ep.touch(outcome_day);
            }
            let chair = self.worker(50 + ep.seq, PoolKind::Chair, start);
            ep.seq += 1;
            let conf_id = ConferenceId::at(ctx.clock.at(start, 15 * 60), self.r.id_bytes());
            match ep.clip(held) {
                At::Done(c) if c < ep.limit || ep.limit >= ctx.until => {
                    ep.touch(c);
                    let makes_plan = ep.p.chance(rates::ICPC_TO_PLAN) && c < ep.limit;
                    let category =
                        ep.p.pick_weighted(ep.concern.categories(), AbuseCategory::Neglect);
                    let plan_id =
                        makes_plan.then(|| PlanId::at(ctx.clock.at(c, 13 * 60), self.r.id_bytes()));
                    self.out.conferences.push(Conference {
                        id: conf_id,
                        la: self.la_code.clone(),
                        child_id: ep.child_id,
                        kind: ConferenceKind::Initial,
                        section47_id: Some(id),
                        plan_id,
                        due_on: icpc_due,
                        held_on: Some(c),
                        outcome: Some(if makes_plan {
                            ConferenceOutcome::ChildProtectionPlan
                        } else {
                            ConferenceOutcome::NoPlan
                        }),
                        category: makes_plan.then_some(category),
                        chair_id: Some(self.org.worker_id(chair)),
                        created_at: ctx.clock.at(start, 15 * 60),
                        attendance: Vec::new(),
                        partner_reports: Vec::new(),
                    });
                    let sw = ep.allocs.last().map(|a| a.0);
                    let t = ctx.clock.at(c, 15 * 60);
                    self.note(ep.kid, CaseNoteKind::Meeting, sw, t, if makes_plan { format!("Initial child protection conference: child protection plan, category {}.", category.label().to_lowercase()) } else { "Initial child protection conference: no child protection plan; child in need support.".to_owned() });
                    if let Some(plan_id) = plan_id {
                        result.plan = Some((c, category, plan_id));
                    }
                    result.end = At::Done(c);
                }
                At::Done(_) | At::Forced(_) => {
                    // Turning 18 before the conference: the enquiry ends without one.
                    record.icpc_required = Some(false);
                    let d = outcome_day.min(ep.limit);
                    record.outcome_date = Some(d);
                    record.outcome = Some(Section47Outcome::SubstantiatedNotAtRisk);
                    result.end = At::Forced(ep.limit);
                }
                At::Open => {
                    // Conference still to come: it is on the worklist, due.
                    self.out.conferences.push(Conference {
                        id: conf_id,
                        la: self.la_code.clone(),
                        child_id: ep.child_id,
                        kind: ConferenceKind::Initial,
                        section47_id: Some(id),
                        plan_id: None,
                        due_on: icpc_due,
                        held_on: None,
                        outcome: None,
                        category: None,
                        chair_id: Some(self.org.worker_id(chair)),
                        created_at: ctx.clock.at(start, 15 * 60),
                        attendance: Vec::new(),
                        partner_reports: Vec::new(),
                    });
                    result.end = At::Open;
                }
            }
        } else {
            match ep.clip(outcome_day) {
                At::Done(d) => {
                    record.outcome_date = Some(d);
                    record.outcome = Some(if ep.p.chance(0.5) {
                        Section47Outcome::NotSubstantiated
                    } else {
                        Section47Outcome::SubstantiatedNotAtRisk
                    });
                    record.icpc_required = Some(false);
                    ep.touch(d);
                    result.end = At::Done(d);
                }
                At::Forced(d) => {
                    record.outcome_date = Some(d);
                    record.outcome = Some(Section47Outcome::NotSubstantiated);
                    record.icpc_required = Some(false);
                    result.end = At::Forced(d);
                }
                At::Open => result.end = At::Open,
            }
        }
        self.out.section47s.push(record);
        result
    }

    /// A child protection plan from `start` (the ICPC): reviews, core groups, visits and actions.
    fn cp_plan(&mut self, ep: &mut Ep, start: Date, category: AbuseCategory, id: PlanId) -> At {
        let ctx = self.ctx;
        ep.cp_plans += 1;
        let sw = ep.allocs.last().map(|a| a.0).unwrap_or(0);
        let chair = self.worker(60 + ep.seq, PoolKind::Chair, start);
        ep.seq += 1;
        let unborn = self.kid(ep.kid).is_some_and(|k| k.dob.is_none());
        let age = self
            .kid(ep.kid)
            .and_then(|k| k.dob)
            .map(|d| age_on(d, start))
            .unwrap_or(-1);

        // Reviews: the first within 3 months, then every 6 months; the plan ends at one of them.
        let mut latest = category;
        let mut reviews: Vec<(Date, Date, bool, AbuseCategory)> = Vec::new(); // due, held, ends, category
        let mut last_review: Option<Date> = None;
        let mut end = At::Open;
        let mut next_review_due = None;
        for (i, p_end) in rates::CP_END_AT_REVIEW.iter().enumerate() {
            let due = clocks::review_conference_due(&ctx.cal, start, last_review);
            let held = if ep.p.chance(rates::LATE_MEETING) {
                ctx.cal.add_working_days(due, ep.p.u(1, 8))
            } else {
                ctx.cal.subtract_working_days(due, ep.p.u(0, 6))
            };
            let held = held.max(ctx.cal.add_working_days(start, 5));
            match ep.clip(held) {
                At::Done(h) => {
                    let ends = ep.p.chance(*p_end) || i + 1 == rates::CP_END_AT_REVIEW.len();
                    if ep.p.chance(0.08) {
                        latest = ep.p.pick_weighted(ep.concern.categories(), latest);
                    }
                    reviews.push((due, h, ends, latest));
                    last_review = Some(h);
                    if ends {
                        end = At::Done(h);
                        break;
                    }
                }
                At::Open => {
                    next_review_due = Some(due);
                    end = At::Open;
                    break;
                }
                At::Forced(d) => {
                    end = if d > start {
                        At::Forced(d)
                    } else {
                        At::Forced(ctx.cal.add_working_days(start, 1))
                    };
                    break;
                }
            }
        }
        let end_date = match end {
            At::Done(d) | At::Forced(d) => Some(d.max(ctx.cal.add_working_days(start, 1))),
            At::Open => None,
        };
        let stop = end_date.unwrap_or(ctx.until).min(ctx.until).min(ep.limit);

        // Actions, reviewed at each conference.
        let created_at = ctx.clock.at(start, 13 * 60);
        let mut actions: Vec<(ActionId, Date, ActionStatus, Option<Date>)> = Vec::new();
        let n = ep.p.int(3, 5);
        for _ in 0..n {
            let (desc, owner) = ep.p.pick(
                rates::PLAN_ACTIONS,
                ("Weekly direct work", "Allocated social worker"),
            );
            let due_on = ctx.cal.add_working_days(start, ep.p.u(10, 60));
            let (status, completed_on) = action_outcome(ctx, &mut ep.p, start, due_on, end_date);
            let aid = ActionId::at(created_at, self.r.id_bytes());
            let is_sw = owner == "Allocated social worker";
            self.out.actions.push(Action {
                id: aid,
                la: self.la_code.clone(),
                child_id: Some(ep.child_id),
                parent: ActionParent::Plan(id),
                description: desc.to_owned(),
                owner: if is_sw {
                    self.org.worker_name(sw).to_owned()
                } else {
                    owner.to_owned()
                },
                owner_user_id: is_sw.then(|| self.org.worker_id(sw)),
                due_on,
                status,
                completed_on,
                created_at,
            });
            actions.push((aid, due_on, status, completed_on));
        }
        for (due, held, ends, cat) in &reviews {
            let cid = ConferenceId::at(ctx.clock.at(*held, 10 * 60), self.r.id_bytes());
            self.out.conferences.push(Conference {
                id: cid,
                la: self.la_code.clone(),
                child_id: ep.child_id,
                kind: ConferenceKind::Review,
                section47_id: None,
                plan_id: Some(id),
                due_on: *due,
                held_on: Some(*held),
                outcome: Some(if *ends {
                    ConferenceOutcome::EndPlan
                } else {
                    ConferenceOutcome::ContinuePlan
                }),
                category: Some(*cat),
                chair_id: Some(self.org.worker_id(chair)),
                created_at: ctx.clock.at(*held, 10 * 60),
                attendance: Vec::new(),
                partner_reports: Vec::new(),
            });
            let progress: Vec<ActionProgress> = actions
                .iter()
                .map(|(aid, _, status, completed)| {
                    let done_by_then =
                        completed.is_some_and(|c| c <= *held) && *status == ActionStatus::Done;
                    ActionProgress {
                        action_id: *aid,
                        progress: if done_by_then {
                            "Completed.".to_owned()
                        } else {
                            "In progress; reviewed at conference.".to_owned()
                        },
                        status: if done_by_then {
                            ActionStatus::Done
                        } else if *ends {
                            ActionStatus::Cancelled
                        } else {
                            ActionStatus::Open
                        },
                    }
                })
                .collect();
            self.out.plan_reviews.push(PlanReview {
                id: PlanReviewId::at(ctx.clock.at(*held, 12 * 60), self.r.id_bytes()),
                la: self.la_code.clone(),
                child_id: ep.child_id,
                plan_id: id,
                held_on: *held,
                summary: if *ends {
                    "Review conference: risks reduced, plan ended.".to_owned()
                } else {
                    "Review conference: plan continues; progress mixed.".to_owned()
                },
                progress,
                attendance: Vec::new(),
                partner_reports: Vec::new(),
            });
            ep.touch(*held);
        }
        if let Some(due) = next_review_due {
            self.out.conferences.push(Conference {
                id: ConferenceId::at(ctx.clock.at(start, 14 * 60), self.r.id_bytes()),
                la: self.la_code.clone(),
                child_id: ep.child_id,
                kind: ConferenceKind::Review,
                section47_id: None,
                plan_id: Some(id),
                due_on: due,
                held_on: None,
                outcome: None,
                category: None,
                chair_id: Some(self.org.worker_id(chair)),
                created_at: ctx.clock.at(start, 14 * 60),
                attendance: Vec::new(),
                partner_reports: Vec::new(),
            });
        }

        // Core groups: the first within 10 working days of the ICPC, then every six weeks.
        let mut due = clocks::first_core_group_due(&ctx.cal, start);
        let mut prev = start;
        for _ in 0..40 {
            if end_date.is_some_and(|e| due >= e) {
                break;
            }
            let held = if ep.p.chance(rates::LATE_MEETING) {
                ctx.cal.add_working_days(due, ep.p.u(1, 6))
            } else {
                ctx.cal
                    .subtract_working_days(due, ep.p.u(0, 4))
                    .max(ctx.cal.add_working_days(prev, 1))
            };
            let happened = held <= stop && end_date.is_none_or(|e| held < e);
            self.out.core_groups.push(CoreGroup {
                id: CoreGroupId::at(ctx.clock.at(prev, 12 * 60), self.r.id_bytes()),
                la: self.la_code.clone(),
                child_id: ep.child_id,
                plan_id: id,
                due_on: due,
                held_on: happened.then_some(held),
                attendees: happened.then(|| "Mother, social worker, health visitor or school nurse, DSL, family support worker.".to_owned()),
                notes: happened.then(|| "Plan actions reviewed; progress and worries recorded with the family.".to_owned()),
                attendance: Vec::new(),
                partner_reports: Vec::new(),
            });
            if !happened {
                break;
            }
            prev = held;
            due = ctx.cal.add_working_days(held, 30);
        }

        // Visits about every 10 working days.
        self.plan_visits(
            ep,
            id,
            start,
            stop,
            end_date,
            ctx.settings.cp_visit_every_wd,
            VisitKind::ChildProtection,
            sw,
            unborn,
            age,
        );

        if let Some(e) = end_date {
            ep.touch(e);
        }
        self.out.plans.push(Plan {
            id,
            la: self.la_code.clone(),
            child_id: ep.child_id,
            referral_id: ep.rid,
            kind: PlanKind::ChildProtection,
            start_date: start,
            end_date,
            end_reason: end_date.map(|_| "Risks reduced: the review conference ended the plan.".to_owned()),
            needs: "Protection from harm; consistent care; the child's health and education needs met.".to_owned(),
            desired_outcomes: "The child is safe at home, attends school and is seen regularly by health services.".to_owned(),
            initial_category: Some(category),
            latest_category: Some(latest),
            next_review_on: if end_date.is_none() { next_review_due } else { None },
            previous_cp_plans: None,
            created_at,
        });
        match (end, end_date) {
            (At::Done(_), Some(e)) => At::Done(e),
            (At::Forced(_), Some(e)) => At::Forced(e),
            _ => At::Open,
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn plan_visits(
        &mut self,
        ep: &mut Ep,
        plan: PlanId,
        start: Date,
        stop: Date,
        end: Option<Date>,
        every: u32,
        kind: VisitKind,
        worker: u32,
        unborn: bool,
        age: i64,
    ) {
        let ctx = self.ctx;
        let mut last = start;
        for _ in 0..400 {
            let due = clocks::visit_due(&ctx.cal, last, every);
            let d = if ep.p.chance(rates::LATE_VISIT) {
                ctx.cal.add_working_days(due, ep.p.u(1, 6))
            } else {
                ctx.cal
                    .subtract_working_days(due, ep.p.u(0, 3))
                    .max(ctx.cal.add_working_days(last, 1))
            };
            if d > stop || end.is_some_and(|e| d >= e) {
                break;
            }
            self.visit(ep, d, Some(plan), kind, worker, unborn, age);
            last = d;
        }
    }

    /// A child in need plan from `start`: reviews, visits, actions, maybe an escalation.
    fn cin_plan(&mut self, ep: &mut Ep, start: Date, has_later: bool) -> Next {
        let ctx = self.ctx;
        let id = PlanId::at(ctx.clock.at(start, 14 * 60), self.r.id_bytes());
        let sw = ep.allocs.last().map(|a| a.0).unwrap_or(0);
        let unborn = self.kid(ep.kid).is_some_and(|k| k.dob.is_none());
        let age = self
            .kid(ep.kid)
            .and_then(|k| k.dob)
            .map(|d| age_on(d, start))
            .unwrap_or(-1);
        let months = ep.p.pick(rates::CIN_PLAN_MONTHS, 6);
        let planned_end = ctx
            .cal
            .working_day_on_or_before(add_months(start, i32::try_from(months).unwrap_or(6)));
        let planned_end = planned_end.max(ctx.cal.add_working_days(start, 10));

        // Escalation to a strategy discussion during the plan.
        let mut escalation: Option<(S47Out, Date)> = None;
        if !ep.escalated && ep.p.chance(rates::CIN_ESCALATION) {
            let span =
                u32::try_from(ctx.cal.working_days_between(start, planned_end).max(6)).unwrap_or(6);
            let d = ctx
                .cal
                .add_working_days(start, ep.p.u(5, span.saturating_sub(1).max(5)));
            if d <= ep.limit.min(ctx.until) && d < planned_end {
                ep.escalated = true;
                let held_at = self.at(d);
                if held_at <= ctx.now
                    && let (Some(out), true) = self.strategy(ep, held_at, None, false, false)
                {
                    escalation = Some((out, d));
                }
            }
        }
        let (end, next_after) = match &escalation {
            Some((out, _)) if out.plan.is_some() => match out.plan {
                Some((c, category, plan)) => (
                    At::Done(c),
                    Some(Next::CpPlan {
                        start: c,
                        category,
                        plan,
                    }),
                ),
                None => (At::Open, None),
            },
            Some((out, _)) => match out.end {
                At::Open => (At::Open, Some(Next::Open)),
                At::Forced(d) => (At::Forced(d), Some(Next::Forced)),
                At::Done(e) => {
                    let pe = planned_end.max(ctx.cal.add_working_days(e, 5));
                    (ep.clip(pe), None)
                }
            },
            None => (ep.clip(planned_end), None),
        };
        let end_date = match end {
            At::Done(d) | At::Forced(d) => Some(d.max(ctx.cal.add_working_days(start, 1))),
            At::Open => None,
        };
        let stop = end_date.unwrap_or(ctx.until).min(ctx.until).min(ep.limit);

        // Actions and three-monthly reviews.
        let created_at = ctx.clock.at(start, 14 * 60);
        let mut actions: Vec<(ActionId, ActionStatus, Option<Date>)> = Vec::new();
        let n = ep.p.int(2, 4);
        for _ in 0..n {
            let (desc, owner) = ep.p.pick(
                rates::PLAN_ACTIONS,
                ("Weekly direct work", "Allocated social worker"),
            );
            let due_on = ctx.cal.add_working_days(start, ep.p.u(15, 80));
            let (status, completed_on) = action_outcome(ctx, &mut ep.p, start, due_on, end_date);
            let aid = ActionId::at(created_at, self.r.id_bytes());
            let is_sw = owner == "Allocated social worker";
            self.out.actions.push(Action {
                id: aid,
                la: self.la_code.clone(),
                child_id: Some(ep.child_id),
                parent: ActionParent::Plan(id),
                description: desc.to_owned(),
                owner: if is_sw {
                    self.org.worker_name(sw).to_owned()
                } else {
                    owner.to_owned()
                },
                owner_user_id: is_sw.then(|| self.org.worker_id(sw)),
                due_on,
                status,
                completed_on,
                created_at,
            });
            actions.push((aid, status, completed_on));
        }
        let mut next_review = None;
        for q in 1..=8 {
            let due = ctx.cal.working_day_on_or_before(add_months(start, 3 * q));
            let held = if ep.p.chance(rates::LATE_MEETING) {
                ctx.cal.add_working_days(due, ep.p.u(1, 8))
            } else {
                ctx.cal.subtract_working_days(due, ep.p.u(0, 5))
            };
            if held > stop || end_date.is_some_and(|e| held >= e) {
                if end_date.is_none() {
                    next_review = Some(due);
                }
                break;
            }
            let progress = actions
                .iter()
                .map(|(aid, status, completed)| {
                    let done =
                        *status == ActionStatus::Done && completed.is_some_and(|c| c <= held);
                    ActionProgress {
                        action_id: *aid,
                        progress: if done {
                            "Completed.".to_owned()
                        } else {
                            "Ongoing.".to_owned()
                        },
                        status: if done {
                            ActionStatus::Done
                        } else {
                            ActionStatus::Open
                        },
                    }
                })
                .collect();
            self.out.plan_reviews.push(PlanReview {
                id: PlanReviewId::at(ctx.clock.at(held, 11 * 60), self.r.id_bytes()),
                la: self.la_code.clone(),
                child_id: ep.child_id,
                plan_id: id,
                held_on: held,
                summary: "Child in need review: progress against the plan discussed with the family and the network.".to_owned(),
                progress,
                attendance: Vec::new(),
                partner_reports: Vec::new(),
            });
        }
        self.plan_visits(
            ep,
            id,
            start,
            stop,
            end_date,
            ctx.settings.cin_visit_every_wd,
            VisitKind::ChildInNeed,
            sw,
            unborn,
            age,
        );
        if let Some(e) = end_date {
            ep.touch(e);
        }
        self.out.plans.push(Plan {
            id,
            la: self.la_code.clone(),
            child_id: ep.child_id,
            referral_id: ep.rid,
            kind: PlanKind::ChildInNeed,
            start_date: start,
            end_date,
            end_reason: end_date.map(|_| if escalation.as_ref().is_some_and(|(o, _)| o.plan.is_some()) { "Child protection plan made.".to_owned() } else { "Plan outcomes achieved.".to_owned() }),
            needs: "Support for the parents to meet the child's needs; the child's emotional wellbeing.".to_owned(),
            desired_outcomes: "Stable routines, regular school attendance and a family network that supports the parents.".to_owned(),
            initial_category: None,
            latest_category: None,
            next_review_on: if end_date.is_none() { next_review } else { None },
            previous_cp_plans: None,
            created_at,
        });
        if let Some(next) = next_after {
            return next;
        }
        match end {
            At::Done(e) => {
                let reason = if !has_later && ep.p.chance(0.05) {
                    ClosureReason::TransferredToAnotherLa
                } else {
                    ep.p.pick_weighted(
                        &[
                            (ClosureReason::ServicesCeased, 92),
                            (ClosureReason::ChildArrangementsOrder, 4),
                            (ClosureReason::SpecialGuardianshipOrder, 4),
                        ],
                        ClosureReason::ServicesCeased,
                    )
                };
                Next::Close(e, reason, ep.p.chance(rates::STEP_DOWN_TO_EARLY_HELP))
            }
            At::Open => Next::Open,
            At::Forced(_) => Next::Forced,
        }
    }
}
