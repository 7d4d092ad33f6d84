//! `GET /api/v1/openapi.json`: the API described as OpenAPI 3.1. Written out here next to the route table;
//! a test checks that every `/api/v1` route in [`crate::routes::table`] is described, so the two cannot drift.

use axum::Json;
use serde_json::{Map, Value, json};

/// One operation: method, path, summary, request body schema (by name) and the success status.
pub(crate) struct Operation {
    method: &'static str,
    path: &'static str,
    summary: &'static str,
    body: Option<&'static str>,
    ok: (&'static str, &'static str),
    /// A change that takes the version it is based on in `If-Match` (stale: 409).
    if_match: bool,
}

pub(crate) const fn op(
    method: &'static str,
    path: &'static str,
    summary: &'static str,
    body: Option<&'static str>,
    ok: (&'static str, &'static str),
    if_match: bool,
) -> Operation {
    Operation {
        method,
        path,
        summary,
        body,
        ok,
        if_match,
    }
}

const OPERATIONS: &[Operation] = &[
    op(
        "get",
        "/api/v1/openapi.json",
        "This document",
        None,
        ("200", "OpenAPI 3.1"),
        false,
    ),
    op(
        "get",
        "/api/v1/children",
        "Children matching `q` (name with typos, date of birth, NHS number, UPN, LA child ID), within the caller's scope, best first",
        None,
        ("200", "Child summaries"),
        false,
    ),
    op(
        "get",
        "/api/v1/children/{id}",
        "A child's record: identity, family and households, allocation, open episodes, chronology, and the CIN census problems in the child's records this year (audited)",
        None,
        ("200", "The child record"),
        false,
    ),
    op(
        "get",
        "/api/v1/children/{id}/chronology",
        "Every event on the child's records, newest first (audited)",
        None,
        ("200", "Chronology entries"),
        false,
    ),
    op(
        "get",
        "/api/v1/data-quality",
        "The DfE CIN census rules over an LA's records for the year so far (`la`): counts, problems by team and by rule, and each child's problems",
        None,
        ("200", "The data-quality report"),
        false,
    ),
    op(
        "get",
        "/api/v1/returns/annex-a",
        "Ofsted's Annex A Lists 1–7 for an LA (`la`) and period (`from`, `to`: YYYY-MM-DD, inclusive, at most 3 years) as an XLSX workbook, one sheet per list (audited as an export)",
        None,
        (
            "200",
            "The workbook (application/vnd.openxmlformats-officedocument.spreadsheetml.sheet)",
        ),
        false,
    ),
    op(
        "post",
        "/api/v1/contacts",
        "Record a contact about a child (new or known). Send `Idempotency-Key` to make retries safe",
        Some("ContactInput"),
        ("201", "The contact with its decision clock"),
        false,
    ),
    op(
        "get",
        "/api/v1/contacts/{id}",
        "A contact with its decision clock (audited)",
        None,
        ("200", "The contact"),
        false,
    ),
    op(
        "get",
        "/api/v1/contacts/{id}/case",
        "A contact with its screening, RAG history, partner requests, family-history flags and clocks; the `ETag` is the version to send back in `If-Match`",
        None,
        ("200", "The contact's case"),
        false,
    ),
    op(
        "post",
        "/api/v1/contacts/{id}/screening",
        "Threshold, RAG rating (with its reason) and consent",
        Some("ScreeningInput"),
        ("200", "The new version"),
        true,
    ),
    op(
        "post",
        "/api/v1/contacts/{id}/consent-approval",
        "A manager approves going ahead without consent",
        None,
        ("200", "The new version"),
        true,
    ),
    op(
        "post",
        "/api/v1/contacts/{id}/information-requests",
        "Ask a partner agency for information (consent given, or going ahead without it approved)",
        Some("InformationRequestInput"),
        ("201", "The request's id"),
        true,
    ),
    op(
        "post",
        "/api/v1/contacts/{id}/decision",
        "The decision on next steps, with its rationale; a referral opens a child-in-need episode",
        Some("DecisionInput"),
        ("200", "The new version"),
        true,
    ),
    op(
        "post",
        "/api/v1/contacts/{id}/oversight",
        "A manager's oversight of the decision",
        None,
        ("200", "The new version"),
        true,
    ),
    op(
        "post",
        "/api/v1/contacts/{id}/feedback",
        "How and when the referrer was told the outcome",
        Some("FeedbackInput"),
        ("200", "The new version"),
        true,
    ),
    op(
        "get",
        "/api/v1/worklists/mash",
        "The MASH worklist: contacts awaiting a decision in the caller's LAs, most overdue first, each with `rag`, `decision_due_at` and `overdue` (filters `la`, `rag`, `overdue`)",
        None,
        ("200", "Worklist rows"),
        false,
    ),
    op(
        "get",
        "/api/v1/front-door",
        "The front-door worklist (`stage` = awaiting-decision | awaiting-feedback | awaiting-oversight; `la`, `rag`, `overdue`), most overdue first",
        None,
        ("200", "Worklist items with their clocks"),
        false,
    ),
    op(
        "get",
        "/api/v1/information-requests",
        "A partner agency's requests (its own only); `open=true` for unanswered ones",
        None,
        ("200", "Requests with their clocks"),
        false,
    ),
    op(
        "get",
        "/api/v1/information-requests/{id}",
        "One information request, to its agency or the MASH (audited)",
        None,
        ("200", "The request"),
        false,
    ),
    op(
        "post",
        "/api/v1/information-requests/{id}/response",
        "The partner agency's answer (once)",
        Some("ResponseInput"),
        ("204", "Answered"),
        true,
    ),
    op(
        "get",
        "/api/v1/audit",
        "Audit entries of the caller's LAs, newest first (`child`, `user`, `limit`); administrators and information governance",
        None,
        ("200", "Audit entries"),
        false,
    ),
];

/// Input schemas: every field optional in the document's sense; the server names each problem in a 422.
fn schemas() -> Value {
    fn strings(fields: &[(&str, &str)]) -> Value {
        let props: Map<String, Value> = fields
            .iter()
            .map(|(f, d)| ((*f).to_owned(), json!({"type": "string", "description": d})))
            .collect();
        json!({"type": "object", "additionalProperties": false, "properties": props})
    }
    let mut schemas = json!({
        "ContactInput": {
            "type": "object",
            "additionalProperties": false,
            "required": ["la", "received_at", "source", "referrer", "child", "concerns"],
            "properties": {
                "la": {"type": "string", "description": "LA code, e.g. 213"},
                "received_at": {"type": "string", "format": "date-time"},
                "source": {"type": "string", "description": "DfE referral source code, e.g. 1A"},
                "referrer": strings(&[("name", "Required"), ("role", ""), ("agency", "police | health | education | probation | housing | youth-justice | other"), ("organisation", ""), ("contact_details", "Telephone or email for feedback")]),
                "child": strings(&[("id", "A known child's id; or the details of a new child:"), ("first_name", ""), ("last_name", ""), ("date_of_birth", "YYYY-MM-DD"), ("sex", "DfE code")]),
                "concerns": {"type": "string"},
                "immediate_risk": {"type": "boolean"}
            }
        },
        "ScreeningInput": strings(&[("threshold", "1 | 2 | 3 | 4"), ("rag", "red | amber | green"), ("rag_rationale", "Required when the RAG rating is set or changed"), ("consent", "given | refused | not-sought"), ("consent_rationale", "Required when consent is not sought; with a refusal, means going ahead despite it")]),
        "InformationRequestInput": strings(&[("agency", "police | health | education | probation | housing | youth-justice | other"), ("question", "Required")]),
        "DecisionInput": strings(&[("outcome", "nfa | advice | early-help | referral | strategy-discussion | emergency-accommodation"), ("rationale", "Required"), ("primary_need", "DfE N-code; required when the outcome opens a child-in-need episode"), ("next_steps", "Required for early help"), ("receiving_service", "Required for early help")]),
        "FeedbackInput": strings(&[("method", "phone | email | letter | in-person"), ("given_at", "RFC 3339, or London local YYYY-MM-DDTHH:MM"), ("summary", "")]),
        "ResponseInput": strings(&[("response", "Required")]),
        "Problem": {
            "type": "object",
            "description": "RFC 9457 problem details; 422s list each field's problem",
            "properties": {
                "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
                "detail": {"type": "string"},
                "errors": {"type": "array", "items": {"type": "object", "properties": {"field": {"type": "string"}, "message": {"type": "string"}}}}
            }
        }
    });
    if let Value::Object(map) = &mut schemas {
        for (name, schema) in crate::api_protection::schemas()
            .into_iter()
            .chain(crate::api_planning::schemas())
            .chain(crate::api_case_management::schemas())
            .chain(crate::api_case_notes::schemas())
            .chain(crate::api_actions::schemas())
            .chain(crate::api_letters::schemas())
            .chain(crate::api_people::schemas())
            .chain(crate::api_casework_worklist::schemas())
            .chain(crate::api_documents::schemas())
            .chain(crate::api_quality::schemas())
            .chain(crate::api_admin::schemas())
            .chain(crate::api_information_governance::schemas())
        {
            map.insert(name.to_owned(), schema);
        }
    }
    schemas
}

/// The whole document.
pub fn document() -> Value {
    let problem =
        json!({"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}});
    let mut paths = Map::new();
    let areas = [
        crate::api_protection::OPERATIONS,
        crate::api_planning::OPERATIONS,
        crate::api_case_management::OPERATIONS,
        crate::api_case_notes::OPERATIONS,
        crate::api_actions::OPERATIONS,
        crate::api_print::OPERATIONS,
        crate::api_letters::OPERATIONS,
        crate::api_people::OPERATIONS,
        crate::api_casework_worklist::OPERATIONS,
        crate::api_documents::OPERATIONS,
        crate::api_performance::OPERATIONS,
        crate::api_quality::OPERATIONS,
        crate::api_admin::OPERATIONS,
        crate::api_information_governance::OPERATIONS,
    ];
    for o in OPERATIONS.iter().chain(areas.into_iter().flatten()) {
        let mut responses = Map::new();
        responses.insert(o.ok.0.to_owned(), json!({"description": o.ok.1}));
        for (code, what) in [
            ("401", "Not signed in"),
            ("403", "The role may not do this"),
            (
                "404",
                "No such record, or not one the caller may see (the same answer)",
            ),
            (
                "409",
                "Changed by someone else since the version in If-Match",
            ),
            ("422", "The input has problems, each naming its field"),
        ] {
            responses.insert(
                code.to_owned(),
                json!({"description": what, "content": problem.clone()}),
            );
        }
        let mut parameters = Vec::new();
        // Every `{name}` in the path is a record's id: the child's (or the contact's, or the request's) first,
        // then the record within it (a plan, a conference).
        for name in o
            .path
            .split('{')
            .skip(1)
            .filter_map(|rest| rest.split('}').next())
        {
            parameters.push(json!({"name": name, "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}));
        }
        if o.if_match {
            parameters.push(json!({"name": "If-Match", "in": "header", "required": false, "schema": {"type": "string"}, "description": "The version the change is based on: the ETag (or `version`) of what the client read. A change to the record since gets 409 and saves nothing"}));
        }
        let mut operation = Map::new();
        operation.insert("summary".into(), json!(o.summary));
        operation.insert("parameters".into(), Value::Array(parameters));
        operation.insert("responses".into(), Value::Object(responses));
        if o.path != "/api/v1/openapi.json" {
            operation.insert("security".into(), json!([{"bearer": []}, {"session": []}]));
        }
        if let Some(schema) = o.body {
            // A file travels as multipart/form-data; everything else as JSON.
            let media = if schema.ends_with("Upload") {
                "multipart/form-data"
            } else {
                "application/json"
            };
            operation.insert(
                "requestBody".into(),
                json!({
                    "required": true,
                    "content": {media: {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}
                }),
            );
        }
        if let Value::Object(methods) = paths
            .entry(o.path.to_owned())
            .or_insert_with(|| Value::Object(Map::new()))
        {
            methods.insert(o.method.to_owned(), Value::Object(operation));
        }
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Frontdoor API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Children's services front door: contacts, MASH screening, partner information requests, decisions. Every read and write of a child's record is audited."
        },
        "paths": paths,
        "components": {
            "schemas": schemas(),
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "A token from `frontdoor token create`"},
                "session": {"type": "apiKey", "in": "cookie", "name": "frontdoor_session"}
            }
        }
    })
}

/// `GET /api/v1/openapi.json`.
pub async fn serve() -> Json<Value> {
    Json(document())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every change of an existing record takes the version it is based on; only creating a contact or a
    /// supervision (new records, changing none) does not.
    #[test]
    fn every_change_takes_if_match() {
        let areas = [
            crate::api_protection::OPERATIONS,
            crate::api_planning::OPERATIONS,
            crate::api_case_management::OPERATIONS,
            crate::api_case_notes::OPERATIONS,
            crate::api_actions::OPERATIONS,
            crate::api_print::OPERATIONS,
            crate::api_letters::OPERATIONS,
            crate::api_people::OPERATIONS,
            crate::api_casework_worklist::OPERATIONS,
            crate::api_quality::OPERATIONS,
            crate::api_admin::OPERATIONS,
            crate::api_information_governance::OPERATIONS,
        ];
        let creates_only = [
            "/api/v1/contacts",
            "/api/v1/supervision",
            "/api/v1/practice-weeks",
            "/api/v1/practice-weeks/{id}/observations",
            "/api/v1/admin/users",
            "/api/v1/admin/teams",
            "/api/v1/admin/organisations",
            "/api/v1/children/{id}/break-glass",
            "/api/v1/information-governance/retention/holds",
        ];
        // Changes whose version is in the body: a deletion names the dry-run report it was decided on (a digest
        // of the files due, not a number), refused with 409 when the files due have changed.
        let version_in_body = ["/api/v1/information-governance/retention/deletions"];
        let mut changes = 0;
        for o in OPERATIONS.iter().chain(areas.into_iter().flatten()) {
            if o.method == "post"
                && !creates_only.contains(&o.path)
                && !version_in_body.contains(&o.path)
            {
                changes += 1;
                assert!(o.if_match, "{} {} takes no If-Match", o.method, o.path);
            }
        }
        assert!(changes >= 30, "only {changes} change operations");
    }
}
