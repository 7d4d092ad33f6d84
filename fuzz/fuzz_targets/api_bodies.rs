//! JSON request bodies of the API's write endpoints: decoded exactly as the API decodes them
//! ([`web::decode_json`], what the `ApiJson` extractor runs), into the endpoints' own input types, then (for
//! the inputs whose checks need no database) checked by the domain's use-case rules with a fixed child, LA and
//! clock, as the service would check them.
//!
//! The input's first byte chooses the endpoint's input type; the rest is the body.
//!
//! Properties:
//! - a body that is not JSON is never accepted, and a body accepted by the API's decoder is accepted by plain
//!   `serde_json` (the field-naming wrapper changes only the error);
//! - a refusal is a 400 (not JSON) or a 422 (JSON of the wrong shape), its problem document serialises to JSON,
//!   a 422 names a field (or none for the whole body, never `.`) and its message carries no "at line N column
//!   M";
//! - a rule's refusal has at least one field problem and its problem document (422) serialises to JSON.

#![no_main]

use std::sync::LazyLock;

use domain::calendar::Calendar;
use domain::codes::{Role, Sex};
use domain::datetime::{Date, Timestamp};
use domain::identifiers::{LaChildId, LaCode};
use domain::ids::{PersonId, UserId};
use domain::records::{LaSettings, Person, RecordSet, Screening};
use domain::{
    administration, case_management, case_notes, front_door, information_governance, people,
    planning, protection, quality, retention, validation,
};
use libfuzzer_sys::fuzz_target;
use serde::de::DeserializeOwned;
use service::ServiceError;
use web::WebError;

const TODAY: Date = Date::constant(2025, 6, 2);

fn now() -> Timestamp {
    Timestamp::constant(1_748_858_400, 0) // 2025-06-02T10:00:00Z
}

fn la() -> LaCode {
    LaCode::parse("205").expect("an LA code")
}

static CHILD: LazyLock<Person> = LazyLock::new(|| Person {
    id: PersonId::from_uuid(uuid::Uuid::from_u128(1)),
    la: la(),
    is_child: true,
    la_child_id: LaChildId::parse("C1").ok(),
    first_name: "Amira".to_owned(),
    last_name: "Okafor".to_owned(),
    other_names: None,
    date_of_birth: Some(Date::constant(2015, 3, 27)),
    expected_date_of_birth: None,
    date_of_death: None,
    sex: Sex::Female,
    gender_identity: None,
    ethnicity: None,
    disabilities: Vec::new(),
    upn: None,
    former_upn: None,
    upn_unknown: None,
    nhs_number: None,
    first_language: None,
    religion: None,
    restricted: false,
    created_at: Timestamp::constant(1_700_000_000, 0),
});

static FILE: LazyLock<RecordSet> = LazyLock::new(RecordSet::default);
static SETTINGS: LazyLock<LaSettings> = LazyLock::new(LaSettings::default);
static CALENDAR: LazyLock<Calendar> = LazyLock::new(Calendar::england_and_wales);

fn user() -> UserId {
    UserId::from_uuid(uuid::Uuid::from_u128(2))
}

/// A refusal of the body, checked.
fn check_refusal(e: &WebError) {
    let WebError::BadBody {
        status,
        detail,
        field,
    } = e
    else {
        panic!("the decoder refused with {e:?}");
    };
    match status.as_u16() {
        400 => assert!(field.is_none()),
        422 => {
            assert!(!detail.contains(" at line "), "{detail:?}");
            // The root is no field (an unknown key "" is named as the field "", as it was sent).
            assert!(field.as_deref() != Some("."), "{field:?}");
        }
        s => panic!("the decoder refused with status {s}: {detail}"),
    }
    problem_is_json(e);
}

fn problem_is_json(e: &WebError) {
    let problem = e.problem();
    let json = serde_json::to_vec(&problem).expect("a problem serialises");
    let v: serde_json::Value = serde_json::from_slice(&json).expect("a problem is JSON");
    assert_eq!(v["status"], problem.status);
}

/// A rule's refusal, as the API would answer it.
fn check_rules<T>(result: Result<T, domain::ValueErrors>) {
    if let Err(errors) = result {
        assert!(!errors.0.is_empty(), "a refusal with no problem");
        let e = WebError::Service(ServiceError::Invalid(errors));
        let problem = e.problem();
        assert_eq!(problem.status, 422);
        assert!(!problem.errors.is_empty());
        problem_is_json(&e);
    }
}

/// Decode `body` as `T` and check the decoder's properties; the input when accepted.
fn decode<T: DeserializeOwned>(body: &[u8]) -> Option<T> {
    match web::decode_json::<T>(body) {
        Ok(v) => {
            assert!(
                serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok(),
                "a body that is not JSON was accepted"
            );
            assert!(
                serde_json::from_slice::<T>(body).is_ok(),
                "accepted only by the API's decoder"
            );
            Some(v)
        }
        Err(e) => {
            check_refusal(&e);
            None
        }
    }
}

/// The endpoints' input types, each with the rules checked when it decodes.
macro_rules! bodies {
    ($selector:expr, $body:expr, { $( $ty:ty => |$v:ident| $rules:expr ),+ $(,)? }) => {{
        const TYPES: usize = [$(stringify!($ty)),+].len();
        let mut i = 0usize;
        let chosen = usize::from($selector) % TYPES;
        $(
            if i == chosen {
                if let Some($v) = decode::<$ty>($body) {
                    let $v = &$v;
                    $rules;
                }
            }
            i += 1;
        )+
        let _ = i;
    }};
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    let child = &*CHILD;
    let file = &*FILE;
    let settings = &*SETTINGS;
    let child_id = child.id;
    bodies!(selector, body, {
        validation::ContactInput => |v| check_rules(v.validate(now())),
        people::DetailsInput => |v| check_rules(people::details(v, child, TODAY)),
        people::AddressInput => |v| check_rules(people::move_address(v, child, file, TODAY, now())),
        people::RelationshipInput => |v| check_rules(people::relationship(v, child, file, TODAY, now())),
        people::ProfessionalInput => |v| check_rules(people::professional(v, child, None, TODAY, now())),
        people::RelationshipChangeInput => |_v| (),
        people::ProfessionalEndInput => |_v| (),
        front_door::ScreeningInput => |v| check_rules(front_door::screen(&Screening::default(), v)),
        front_door::DecisionInput => |v| {
            let _ = front_door::primary_need(v);
            check_rules(front_door::decide(v, user(), Role::TeamManager, now(), settings));
        },
        front_door::InformationRequestInput => |v| {
            check_rules(front_door::information_request(v, &Screening::default(), now(), settings))
        },
        front_door::FeedbackInput => |_v| (),
        front_door::ResponseInput => |_v| (),
        administration::UserInput => |v| check_rules(administration::new_user(v, &[la()], &[])),
        administration::UserChangeInput => |v| {
            check_rules(administration::user_details(v, &[la()], &[], None))
        },
        administration::TeamInput => |v| check_rules(administration::new_team(v, &[la()], &[], &[])),
        administration::TeamChangeInput => |v| {
            check_rules(administration::team_change(v, Some(&la()), &[], &[]))
        },
        administration::OrganisationInput => |v| check_rules(administration::organisation(v, &[])),
        administration::SettingsInput => |v| check_rules(administration::settings(v, settings, TODAY)),
        retention::HoldInput => |v| check_rules(retention::hold(v)),
        information_governance::ReasonInput => |v| {
            check_rules(information_governance::reason(v, "enter a reason"))
        },
        information_governance::RestrictionInput => |v| {
            check_rules(information_governance::restriction(v))
        },
        case_management::FlagInput => |v| check_rules(case_management::raise_flag(v, child, file, TODAY)),
        case_management::EndInput => |v| {
            check_rules(case_management::end_date(v, Date::constant(2024, 1, 1), None, TODAY))
        },
        case_management::SpecialistInvolvementInput => |v| {
            check_rules(case_management::specialist_involvement(v, child, &[], TODAY))
        },
        case_management::ClosureInput => |v| {
            check_rules(case_management::close_episode(v, child, file, TODAY))
        },
        case_management::EarlyHelpInput => |v| {
            check_rules(case_management::step_down(v, child, file, None, Role::TeamManager, now(), TODAY))
        },
        case_management::AllocationInput => |v| {
            check_rules(case_management::allocate(v, child, file, &[], &[], TODAY))
        },
        case_management::SupervisionInput => |v| {
            check_rules(case_management::supervision(v, user(), &[la()], &[la()], &[], now(), TODAY))
        },
        case_management::StepUpInput => |_v| (),
        case_management::EndEarlyHelpInput => |_v| (),
        planning::AssessmentInput => |v| {
            check_rules(planning::assessment(v, &[], None, &la(), child_id, &CALENDAR, TODAY, now()))
        },
        planning::PlanInput => |v| {
            check_rules(planning::cin_plan(v, &[], &[], &la(), child_id, TODAY, now()))
        },
        planning::VisitInput => |v| {
            check_rules(planning::visit(v, &[], &la(), child_id, None, TODAY, now()))
        },
        planning::PlanActionsInput => |_v| (),
        planning::ReviewInput => |_v| (),
        planning::EndPlanInput => |_v| (),
        case_notes::NoteInput => |v| {
            let _ = case_notes::also_about_ids(v);
            check_rules(case_notes::note(v, child, file, &[], Some(Role::SocialWorker), now()))
        },
        case_notes::CorrectionInput => |_v| (),
        quality::AuditInput => |v| check_rules(quality::audit(v, child, None, None, TODAY, now())),
        quality::PracticeWeekInput => |v| {
            check_rules(quality::practice_week(v, &[la()], Vec::new(), None, TODAY, now()))
        },
        quality::ModerationInput => |_v| (),
        quality::ReflectionInput => |_v| (),
        quality::ObservationInput => |_v| (),
        protection::StrategyInput => |_v| (),
        protection::Section47OutcomeInput => |_v| (),
        protection::ConferenceInput => |_v| (),
        protection::CoreGroupInput => |_v| (),
        domain::actions::DoneInput => |_v| (),
        domain::actions::RedateInput => |_v| (),
        domain::letters::LetterInput => |_v| (),
        domain::letters::TemplateInput => |_v| (),
        service::people::MergeInput => |_v| (),
        service::people::UndoMergeInput => |_v| (),
        service::documents::SharingInput => |_v| (),
    });
});
