//! Every route, as data: path, method, handler and who may use it. The router is built from this table, and
//! the authorisation-matrix test walks the same table, so no route can exist without an access rule.

use axum::http::Method;
use axum::routing::{MethodRouter, get, post};
use domain::policy::{Action, Area};
use store::Store;

use crate::{
    Shared, api, api_actions, api_admin, api_case_management, api_case_notes,
    api_casework_worklist, api_documents, api_front_door as fd, api_information_governance,
    api_letters, api_people, api_performance, api_planning, api_print, api_protection, api_quality,
    assets, pages,
};

/// Who may use a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in user.
    SignedIn,
    /// A role granted `Action` in `Area` (no single record).
    Grant(Area, Action),
    /// A child's record, by the child's id in the path: the grant, the child's LA and any restriction.
    Child(Action),
    /// A contact, by its id in the path: as [`Access::Child`] for the contact's child.
    Contact(Action),
    /// A partner information request, by its id in the path: its agency's partners, or case workers of the
    /// child's LA.
    InformationRequest(Action),
    /// An action (of a strategy discussion, plan, supervision or audit), by its id in the path: as
    /// [`Access::Child`] for the action's child.
    CaseAction(Action),
    /// A document, by its id in the path: as [`Access::Child`] for the document's child, and for a partner
    /// agency's practitioners, the documents shared with their agency.
    Document(Action),
}

/// One route.
pub struct RouteSpec<S> {
    /// A stable name, used by tests.
    pub name: &'static str,
    pub method: Method,
    pub path: &'static str,
    pub access: Access,
    pub handler: MethodRouter<Shared<S>>,
}

pub(crate) fn route<S>(
    name: &'static str,
    method: Method,
    path: &'static str,
    access: Access,
    handler: MethodRouter<Shared<S>>,
) -> RouteSpec<S> {
    RouteSpec {
        name,
        method,
        path,
        access,
        handler,
    }
}

/// The route table.
pub fn table<S: Store>() -> Vec<RouteSpec<S>> {
    use Access::*;
    let case = Area::CaseRecords;
    let mut table = vec![
        route(
            "healthz",
            Method::GET,
            "/healthz",
            Public,
            get(api::healthz::<S>),
        ),
        route(
            "assets",
            Method::GET,
            "/assets/{*path}",
            Public,
            get(assets::serve),
        ),
        route(
            "sign-in-form",
            Method::GET,
            "/sign-in",
            Public,
            get(pages::sign_in_form::<S>),
        ),
        route(
            "sign-in-second-factor-form",
            Method::GET,
            "/sign-in/second-factor",
            Public,
            get(pages::second_factor::second_factor_form::<S>),
        ),
        route(
            "sign-in-second-factor",
            Method::POST,
            "/sign-in/second-factor",
            Public,
            post(pages::second_factor::second_factor_submit::<S>),
        ),
        route(
            "account-page",
            Method::GET,
            "/account",
            SignedIn,
            get(pages::second_factor::account::<S>),
        ),
        route(
            "account-second-factor-form",
            Method::POST,
            "/account/second-factor",
            SignedIn,
            post(pages::second_factor::set_up::<S>),
        ),
        route(
            "account-recovery-codes-form",
            Method::POST,
            "/account/second-factor/recovery-codes",
            SignedIn,
            post(pages::second_factor::recovery_codes::<S>),
        ),
        route(
            "account-second-factor-removal-form",
            Method::POST,
            "/account/second-factor/removal",
            SignedIn,
            post(pages::second_factor::remove::<S>),
        ),
        route(
            "sign-in-sso",
            Method::GET,
            "/sign-in/oidc",
            Public,
            get(pages::sso_start::<S>),
        ),
        route(
            "sign-in-sso-callback",
            Method::GET,
            "/sign-in/oidc/callback",
            Public,
            get(pages::sso_callback::<S>),
        ),
        route(
            "sign-in",
            Method::POST,
            "/sign-in",
            Public,
            post(pages::sign_in_submit::<S>),
        ),
        route(
            "sign-out",
            Method::POST,
            "/sign-out",
            SignedIn,
            post(pages::sign_out::<S>),
        ),
        route("home", Method::GET, "/", SignedIn, get(pages::home::<S>)),
        route(
            "search-page",
            Method::GET,
            "/search",
            Grant(case, Action::Search),
            get(pages::search::<S>),
        ),
        route(
            "child-page",
            Method::GET,
            "/children/{id}",
            Child(Action::View),
            get(pages::child_record::<S>),
        ),
        route(
            "front-door-page",
            Method::GET,
            "/front-door",
            Grant(case, Action::Search),
            get(pages::worklist::<S>),
        ),
        route(
            "new-contact-page",
            Method::GET,
            "/contacts/new",
            Grant(case, Action::Create),
            get(pages::new_contact::<S>),
        ),
        route(
            "record-contact-form",
            Method::POST,
            "/contacts/new",
            Grant(case, Action::Create),
            post(pages::record_contact::<S>),
        ),
        route(
            "contact-page",
            Method::GET,
            "/contacts/{id}",
            Contact(Action::View),
            get(pages::contact::<S>),
        ),
        route(
            "screening-form",
            Method::POST,
            "/contacts/{id}/screening",
            Contact(Action::Update),
            post(pages::screen::<S>),
        ),
        route(
            "consent-approval-form",
            Method::POST,
            "/contacts/{id}/consent-approval",
            Contact(Action::Approve),
            post(pages::approve_consent::<S>),
        ),
        route(
            "request-information-form",
            Method::POST,
            "/contacts/{id}/information-requests",
            Contact(Action::Update),
            post(pages::request_information::<S>),
        ),
        route(
            "decision-form",
            Method::POST,
            "/contacts/{id}/decision",
            Contact(Action::Update),
            post(pages::decide::<S>),
        ),
        route(
            "oversight-form",
            Method::POST,
            "/contacts/{id}/oversight",
            Contact(Action::Approve),
            post(pages::oversee::<S>),
        ),
        route(
            "feedback-form",
            Method::POST,
            "/contacts/{id}/feedback",
            Contact(Action::Update),
            post(pages::feedback::<S>),
        ),
        route(
            "partner-queue-page",
            Method::GET,
            "/information-requests",
            Grant(Area::PartnerRequests, Action::Search),
            get(pages::partner_queue::<S>),
        ),
        route(
            "partner-request-page",
            Method::GET,
            "/information-requests/{id}",
            InformationRequest(Action::View),
            get(pages::partner_request::<S>),
        ),
        route(
            "respond-form",
            Method::POST,
            "/information-requests/{id}/response",
            InformationRequest(Action::Update),
            post(pages::respond::<S>),
        ),
        route(
            "data-quality-page",
            Method::GET,
            "/data-quality",
            Grant(Area::Performance, Action::View),
            get(pages::data_quality::<S>),
        ),
        route(
            "api-data-quality",
            Method::GET,
            "/api/v1/data-quality",
            Grant(Area::Performance, Action::View),
            get(api::data_quality::<S>),
        ),
        route(
            "returns-page",
            Method::GET,
            "/returns",
            Grant(Area::Returns, Action::Export),
            get(pages::returns_page::<S>),
        ),
        route(
            "annex-a-download",
            Method::GET,
            "/returns/annex-a",
            Grant(Area::Returns, Action::Export),
            get(pages::annex_a_download::<S>),
        ),
        route(
            "api-annex-a",
            Method::GET,
            "/api/v1/returns/annex-a",
            Grant(Area::Returns, Action::Export),
            get(pages::annex_a_api::<S>),
        ),
        route(
            "audit-page",
            Method::GET,
            "/audit",
            Grant(Area::Audit, Action::View),
            get(pages::audit_trail::<S>),
        ),
        route(
            "api-openapi",
            Method::GET,
            "/api/v1/openapi.json",
            Public,
            get(crate::openapi::serve),
        ),
        route(
            "api-search-children",
            Method::GET,
            "/api/v1/children",
            Grant(case, Action::Search),
            get(api::search_children::<S>),
        ),
        route(
            "api-child",
            Method::GET,
            "/api/v1/children/{id}",
            Child(Action::View),
            get(api::get_child::<S>),
        ),
        route(
            "api-child-chronology",
            Method::GET,
            "/api/v1/children/{id}/chronology",
            Child(Action::View),
            get(api::get_chronology::<S>),
        ),
        route(
            "api-record-contact",
            Method::POST,
            "/api/v1/contacts",
            Grant(case, Action::Create),
            post(api::record_contact::<S>),
        ),
        route(
            "api-contact",
            Method::GET,
            "/api/v1/contacts/{id}",
            Contact(Action::View),
            get(api::get_contact::<S>),
        ),
        route(
            "api-worklist",
            Method::GET,
            "/api/v1/front-door",
            Grant(case, Action::Search),
            get(fd::worklist::<S>),
        ),
        route(
            "api-mash-worklist",
            Method::GET,
            "/api/v1/worklists/mash",
            Grant(case, Action::Search),
            get(fd::mash_worklist::<S>),
        ),
        route(
            "api-contact-case",
            Method::GET,
            "/api/v1/contacts/{id}/case",
            Contact(Action::View),
            get(fd::contact_case::<S>),
        ),
        route(
            "api-screening",
            Method::POST,
            "/api/v1/contacts/{id}/screening",
            Contact(Action::Update),
            post(fd::screen::<S>),
        ),
        route(
            "api-consent-approval",
            Method::POST,
            "/api/v1/contacts/{id}/consent-approval",
            Contact(Action::Approve),
            post(fd::approve_consent::<S>),
        ),
        route(
            "api-request-information",
            Method::POST,
            "/api/v1/contacts/{id}/information-requests",
            Contact(Action::Update),
            post(fd::request_information::<S>),
        ),
        route(
            "api-decision",
            Method::POST,
            "/api/v1/contacts/{id}/decision",
            Contact(Action::Update),
            post(fd::decide::<S>),
        ),
        route(
            "api-oversight",
            Method::POST,
            "/api/v1/contacts/{id}/oversight",
            Contact(Action::Approve),
            post(fd::oversee::<S>),
        ),
        route(
            "api-feedback",
            Method::POST,
            "/api/v1/contacts/{id}/feedback",
            Contact(Action::Update),
            post(fd::feedback::<S>),
        ),
        route(
            "api-partner-queue",
            Method::GET,
            "/api/v1/information-requests",
            Grant(Area::PartnerRequests, Action::Search),
            get(fd::partner_queue::<S>),
        ),
        route(
            "api-information-request",
            Method::GET,
            "/api/v1/information-requests/{id}",
            InformationRequest(Action::View),
            get(fd::information_request::<S>),
        ),
        route(
            "api-respond",
            Method::POST,
            "/api/v1/information-requests/{id}/response",
            InformationRequest(Action::Update),
            post(fd::respond::<S>),
        ),
        route(
            "api-audit",
            Method::GET,
            "/api/v1/audit",
            Grant(Area::Audit, Action::View),
            get(api::audit_entries::<S>),
        ),
    ];
    table.extend(api_protection::routes());
    table.extend(api_planning::routes());
    table.extend(api_case_management::routes());
    table.extend(api_case_notes::routes());
    table.extend(api_actions::routes());
    table.extend(api_print::routes());
    table.extend(api_letters::routes());
    table.extend(api_people::routes());
    table.extend(api_casework_worklist::routes());
    table.extend(api_documents::routes());
    table.extend(api_performance::routes());
    table.extend(api_quality::routes());
    table.extend(api_admin::routes());
    table.extend(api_information_governance::routes());
    table
}
