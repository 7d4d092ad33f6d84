//! The front door's pages: the MASH worklist, a contact (screening, consent, partner requests, decision,
//! oversight, feedback), and the partner agencies' queue and requests.
//!
//! Each form posts to the API's path without `/api/v1` and calls the same service, through the form kit
//! ([`super::form`]): a form with problems is shown again with what was typed and a GOV.UK error summary (422),
//! one based on a version someone has since changed is shown again over the record as it is now (409), and
//! nothing is saved; a saved form goes back to the contact (or the partner's queue) with a success banner. The
//! contact's forms carry the contact's version; a partner's answer carries the request's own version.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use domain::clocks::Rag;
use domain::codes::{
    Agency, Consent, ContactOutcome, FeedbackMethod, PrimaryNeed, Role, ThresholdLevel,
};
use domain::front_door::WorklistStage;
use domain::front_door::{
    DecisionInput, FeedbackInput, InformationRequestInput, ResponseInput, ScreeningInput,
};
use domain::ids::{ContactId, InformationRequestId, UserId};
use domain::policy::{Action, Area};
use serde::Deserialize;
use service::ServiceError;
use service::front_door::{ContactCase, RequestItem, WorklistFilter, WorklistItem};
use store::Store;

use super::form::{Form, FormValues, Forms, SavedParams, after_change, banner};
use super::{Layout, render_ok};
use crate::Shared;
use crate::error::WebError;
use crate::extract::{Id, Page, SignedIn};

/// Codes as the (value, text) pairs of a select or radios.
pub(super) fn choices<T: Copy>(
    all: &[T],
    pair: impl Fn(T) -> (&'static str, String),
) -> Vec<(String, String)> {
    all.iter()
        .map(|x| {
            let (value, text) = pair(*x);
            (value.to_owned(), text)
        })
        .collect()
}

/// The caller's local authorities, as (code, name) options.
pub(super) fn la_choices(who: &SignedIn) -> Vec<(String, String)> {
    who.actor
        .las
        .iter()
        .map(|l| {
            let name = l.name().unwrap_or("Local authority");
            (l.to_string(), format!("{name} ({l})"))
        })
        .collect()
}

// --- the worklist ----------------------------------------------------------------------------------------------

#[derive(Deserialize, Default)]
pub struct WorklistParams {
    stage: Option<String>,
    la: Option<String>,
    rag: Option<String>,
    overdue: Option<String>,
}

/// A tab of the worklist.
pub struct Tab {
    pub href: String,
    pub label: &'static str,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "worklist.html")]
struct WorklistPage {
    layout: Layout,
    tabs: Vec<Tab>,
    stage: &'static str,
    heading: &'static str,
    items: Vec<WorklistItem>,
    /// The filters, as chosen (a `GET` form: it changes nothing, so carries no version).
    filter: Form,
    las: Vec<(String, String)>,
    rags: Vec<(String, String)>,
    can_record: bool,
}

/// `GET /front-door`: contacts awaiting a decision (or feedback, or oversight), most overdue first.
pub async fn worklist<S: Store>(
    Page { state, who }: Page<S>,
    Query(q): Query<WorklistParams>,
) -> Result<Response, WebError> {
    let stage = crate::api_front_door::stage(q.stage.as_deref())?;
    let rag = crate::api_front_door::rag(q.rag.as_deref())?;
    let filter = WorklistFilter {
        stage,
        la: q.la.clone(),
        rag,
        overdue_only: q.overdue.is_some(),
    };
    let items = state.services.worklist(&who.actor, filter).await?;
    let (code, heading) = match stage {
        WorklistStage::AwaitingDecision => ("awaiting-decision", "Contacts awaiting a decision"),
        WorklistStage::AwaitingFeedback => {
            ("awaiting-feedback", "Referrers not yet told the outcome")
        }
        WorklistStage::AwaitingOversight => (
            "awaiting-oversight",
            "Decisions awaiting management oversight",
        ),
    };
    let tabs = [
        ("awaiting-decision", "Awaiting decision"),
        ("awaiting-feedback", "Feedback to give"),
        ("awaiting-oversight", "Awaiting oversight"),
    ]
    .into_iter()
    .map(|(c, label)| Tab {
        href: format!("/front-door?stage={c}"),
        label,
        current: c == code,
    })
    .collect();
    Ok(render_ok(WorklistPage {
        layout: who.layout(heading, "/front-door"),
        tabs,
        stage: code,
        heading,
        items,
        filter: Form::new("")
            .with("la", q.la.unwrap_or_default())
            .with("rag", rag.map(|r| r.code()).unwrap_or_default())
            .with("overdue", if q.overdue.is_some() { "1" } else { "" }),
        las: la_choices(&who),
        rags: choices(Rag::ALL, |r| (r.code(), r.label().to_owned())),
        can_record: who.may(Area::CaseRecords, Action::Create),
    }))
}

// --- a contact -------------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "contact.html")]
struct ContactPage {
    layout: Layout,
    case: ContactCase,
    /// The page's forms (screening, approval, request, decision, oversight, feedback), with the one that failed.
    forms: Forms,
    saved: Option<&'static str>,
    may_update: bool,
    may_approve: bool,
    thresholds: Vec<(String, String)>,
    rags: Vec<(String, String)>,
    consents: Vec<(String, String)>,
    agencies: Vec<(String, String)>,
    /// The partner agencies a document may be shared with.
    partners: Vec<(String, String)>,
    outcomes: Vec<(String, String)>,
    needs: Vec<(String, String)>,
    methods: Vec<(String, String)>,
}

impl ContactPage {
    /// The screening form: as the user sent it if it failed, otherwise starting from the screening recorded.
    fn screening(&self) -> Form {
        let s = &self.case.contact.screening;
        let recorded = [
            ("threshold", s.threshold.map(|t| t.code().to_owned())),
            ("rag", s.rag.map(|r| r.code().to_owned())),
            ("rag_rationale", s.rag_rationale.clone()),
            ("consent", s.consent.map(|c| c.code().to_owned())),
            ("consent_rationale", s.consent_rationale.clone()),
        ];
        let defaults: Vec<(&str, String)> = recorded
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| (k, v)))
            .collect();
        self.forms.get_with("screening", &defaults)
    }

    /// Whether the page shows form `name`: when the user may use it and the contact is at its stage, and always
    /// when it is the one that failed (what they typed stays in it, even if the contact has moved on).
    fn shows(&self, name: &str) -> bool {
        let c = &self.case.contact;
        let undecided = c.decision.is_none();
        self.forms.is_open(name)
            || match name {
                "screening" | "decision" => self.may_update && undecided,
                "request" => {
                    self.may_update && undecided && self.case.may_request_information.is_none()
                }
                "feedback" => self.may_update && !undecided && c.feedback.is_none(),
                "approval" => self.may_approve && self.case.consent_needs_approval,
                "oversight" => self.may_approve && self.case.decision_needs_oversight,
                _ => false,
            }
    }

    fn day(&self, t: &domain::datetime::Timestamp) -> String {
        super::date(&domain::datetime::london_date(*t))
    }

    fn name(&self, id: &Option<UserId>) -> String {
        self.case.name_of(*id)
    }

    fn threshold_name(&self, t: &ThresholdLevel) -> String {
        ThresholdLevel::ALL
            .iter()
            .position(|x| x == t)
            .and_then(|i| self.case.threshold_names.get(i))
            .cloned()
            .unwrap_or_default()
    }
}

fn contact_page(
    who: &SignedIn,
    case: ContactCase,
    saved: Option<&'static str>,
    failed: Option<Form>,
) -> Response {
    // A refusal to ask partners (no consent yet) is about the request as a whole: it links to the agency.
    let failed = failed.map(|f| f.link("consent", "agency"));
    let forms = Forms::new(who, case.version, failed);
    let title = forms.summary().title(&format!(
        "Contact about {} {}",
        case.child.first_name, case.child.last_name
    ));
    let thresholds = ThresholdLevel::ALL
        .iter()
        .zip(case.threshold_names.iter())
        .map(|(t, n)| (t.code().to_owned(), format!("Level {}: {n}", t.code())))
        .collect();
    render_ok(ContactPage {
        layout: who.layout(&title, "/front-door"),
        case,
        forms,
        saved,
        may_update: who.may(Area::CaseRecords, Action::Update),
        may_approve: who.may(Area::CaseRecords, Action::Approve),
        thresholds,
        rags: choices(Rag::ALL, |r| (r.code(), r.label().to_owned())),
        consents: choices(Consent::ALL, |c| (c.code(), c.label().to_owned())),
        agencies: choices(Agency::ALL, |a| (a.code(), a.label().to_owned())),
        partners: domain::documents::partner_agencies()
            .map(|a| (a.code().to_owned(), a.label().to_owned()))
            .collect(),
        outcomes: choices(ContactOutcome::ALL, |o| (o.code(), o.label().to_owned())),
        needs: choices(PrimaryNeed::ALL, |n| {
            (n.code(), format!("{}: {}", n.code(), n.label()))
        }),
        methods: choices(FeedbackMethod::ALL, |m| (m.code(), m.label().to_owned())),
    })
}

/// `GET /contacts/{id}`: the contact, its clocks and history, and the forms to work it.
pub async fn contact<S: Store>(
    Page { state, who }: Page<S>,
    Id(id): Id<ContactId>,
    Query(q): Query<SavedParams>,
) -> Result<Response, WebError> {
    let case = state.services.contact_case(&who.actor, id).await?;
    Ok(contact_page(&who, case, banner(q.saved.as_deref()), None))
}

/// The contact page's forms, each posting to `/contacts/{id}/<path>`.
#[derive(Clone, Copy)]
enum ContactForm {
    Screening,
    Approval,
    Request,
    Decision,
    Oversight,
    Feedback,
}

impl ContactForm {
    /// The form's name on the page (its inputs' ids start with it), and its banner's `saved` key.
    fn name(self) -> &'static str {
        match self {
            ContactForm::Screening => "screening",
            ContactForm::Approval => "approval",
            ContactForm::Request => "request",
            ContactForm::Decision => "decision",
            ContactForm::Oversight => "oversight",
            ContactForm::Feedback => "feedback",
        }
    }
}

/// A change to the contact from one of its forms, based on the version the page showed: saved → back to the
/// contact with the form's banner; refused → the contact again, as it is now, with the form as sent.
async fn change_contact<S: Store>(
    state: &Shared<S>,
    who: &SignedIn,
    id: ContactId,
    form: ContactForm,
    values: FormValues,
) -> Result<Response, WebError> {
    let (services, actor, version) = (&state.services, &who.actor, values.version());
    let v = |name: &str| values.get(name);
    // What each change returns (a version, the new request's id) is not shown: the page is read afresh.
    let result: Result<(), ServiceError> = match form {
        ContactForm::Screening => {
            let input = ScreeningInput {
                threshold: v("threshold"),
                rag: v("rag"),
                rag_rationale: v("rag_rationale"),
                consent: v("consent"),
                consent_rationale: v("consent_rationale"),
            };
            services
                .screen_contact(actor, id, &input, version)
                .await
                .map(drop)
        }
        ContactForm::Approval => services.approve_consent(actor, id, version).await.map(drop),
        ContactForm::Request => {
            let input = InformationRequestInput {
                agency: v("agency"),
                question: v("question"),
            };
            services
                .request_information(actor, id, &input, version)
                .await
                .map(drop)
        }
        ContactForm::Decision => {
            let input = DecisionInput {
                outcome: v("outcome"),
                rationale: v("rationale"),
                next_steps: v("next_steps"),
                receiving_service: v("receiving_service"),
                primary_need: v("primary_need"),
            };
            services
                .decide_contact(actor, id, &input, version)
                .await
                .map(drop)
        }
        ContactForm::Oversight => services
            .oversee_decision(actor, id, version)
            .await
            .map(drop),
        ContactForm::Feedback => {
            let input = FeedbackInput {
                method: v("method"),
                given_at: v("given_at"),
                summary: v("summary"),
            };
            services
                .record_feedback(actor, id, &input, version)
                .await
                .map(drop)
        }
    };
    let name = form.name();
    after_change(
        result,
        Form::sent(name, values),
        |_| format!("/contacts/{id}?saved={name}"),
        |form| async move {
            let case = services.contact_case(actor, id).await?;
            Ok(contact_page(who, case, None, Some(form)))
        },
    )
    .await
}

/// The handlers of the contact's forms (the routes name them): each hands its form to [`change_contact`].
macro_rules! contact_form_handlers {
    ($($(#[doc = $doc:literal])* $handler:ident => $form:ident;)+) => {$(
        $(#[doc = $doc])*
        pub async fn $handler<S: Store>(
            State(state): State<Shared<S>>,
            who: SignedIn,
            Id(id): Id<ContactId>,
            values: FormValues,
        ) -> Result<Response, WebError> {
            change_contact(&state, &who, id, ContactForm::$form, values).await
        }
    )+};
}

contact_form_handlers! {
    /// `POST /contacts/{id}/screening`.
    screen => Screening;
    /// `POST /contacts/{id}/consent-approval`.
    approve_consent => Approval;
    /// `POST /contacts/{id}/information-requests`.
    request_information => Request;
    /// `POST /contacts/{id}/decision`.
    decide => Decision;
    /// `POST /contacts/{id}/oversight`.
    oversee => Oversight;
    /// `POST /contacts/{id}/feedback`.
    feedback => Feedback;
}

// --- partner agencies ------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "partner_queue.html")]
struct PartnerQueuePage {
    layout: Layout,
    saved: Option<&'static str>,
    agency: String,
    items: Vec<RequestItem>,
}

/// `GET /information-requests`: a partner agency's requests, unanswered first.
pub async fn partner_queue<S: Store>(
    Page { state, who }: Page<S>,
    Query(q): Query<SavedParams>,
) -> Result<Response, WebError> {
    let items = state.services.partner_queue(&who.actor, false).await?;
    Ok(render_ok(PartnerQueuePage {
        layout: who.layout("Information requests", "/information-requests"),
        saved: banner(q.saved.as_deref()),
        agency: who
            .actor
            .agency
            .map(|a| a.label().to_owned())
            .unwrap_or_default(),
        items,
    }))
}

#[derive(Template)]
#[template(path = "partner_request.html")]
struct PartnerRequestPage {
    layout: Layout,
    item: RequestItem,
    /// The response form: the page's only form, so its input keeps the id `response`.
    form: Form,
    may_respond: bool,
}

/// The request, and the response form over the request's own version.
fn request_page(who: &SignedIn, item: RequestItem, form: Form) -> Response {
    // Every problem (the response, or the agency answering) is the response's.
    let form = form
        .link("*", "response")
        .on_page(who, item.version.unwrap_or_default());
    // Only the agency asked answers; a form refused because another answer came first stays, with its text.
    let may_respond = who.actor.role == Some(Role::Partner) && (!item.answered || form.failed());
    render_ok(PartnerRequestPage {
        layout: who.layout(&form.title("Information request"), "/information-requests"),
        item,
        form,
        may_respond,
    })
}

/// `GET /information-requests/{id}`.
pub async fn partner_request<S: Store>(
    Page { state, who }: Page<S>,
    Id(id): Id<InformationRequestId>,
) -> Result<Response, WebError> {
    let item = state.services.information_request(&who.actor, id).await?;
    Ok(request_page(&who, item, Form::new("")))
}

/// `POST /information-requests/{id}/response`: the partner's answer, based on the request's version.
pub async fn respond<S: Store>(
    Page { state, who }: Page<S>,
    Id(id): Id<InformationRequestId>,
    values: FormValues,
) -> Result<Response, WebError> {
    let input = ResponseInput {
        response: values.get("response"),
    };
    let result = state
        .services
        .respond_to_request(&who.actor, id, &input, values.version())
        .await;
    after_change(
        result,
        Form::sent("", values),
        |()| "/information-requests?saved=response".to_owned(),
        |form| async {
            let item = state.services.information_request(&who.actor, id).await?;
            Ok(request_page(&who, item, form))
        },
    )
    .await
}
