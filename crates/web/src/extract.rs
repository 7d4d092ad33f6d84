//! Extractors shared by the pages and the API: who is signed in ([`SignedIn`]), record ids in the path
//! ([`Id`], [`Ids`]), the version a change is based on ([`IfMatch`]) and JSON bodies whose errors name the field
//! ([`ApiJson`]).

use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use domain::audit::Actor;
use domain::policy::{self, Action, Area};
use serde::de::DeserializeOwned;
use service::ServiceError;

use crate::caller::Caller;
use crate::error::WebError;

/// The largest JSON body the API reads.
const MAX_BODY: usize = 1024 * 1024;

/// The signed-in caller (by session cookie or bearer token): 401 otherwise, which pages turn into the sign-in
/// page. Handlers take this instead of reading the caller themselves.
#[derive(Clone, Debug)]
pub struct SignedIn {
    pub actor: Actor,
    pub caller: Caller,
}

impl SignedIn {
    /// Whether the user's role is granted `action` in `area` at all (which buttons a page offers; the service
    /// decides for each record).
    pub fn may(&self, area: Area, action: Action) -> bool {
        self.actor
            .role
            .is_some_and(|r| policy::grants(r, area, action))
    }

    /// The CSRF token page forms carry (none for a bearer token, which needs none).
    pub fn csrf(&self) -> String {
        self.caller
            .session()
            .map(|s| s.csrf_token.clone())
            .unwrap_or_default()
    }
}

impl<St: Send + Sync> FromRequestParts<St> for SignedIn {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, _state: &St) -> Result<Self, Self::Rejection> {
        let caller = parts.extensions.get::<Caller>().cloned();
        match caller.as_ref().and_then(|c| c.actor().cloned()) {
            Some(actor) => Ok(SignedIn {
                actor,
                caller: caller.unwrap_or(Caller::Anonymous),
            }),
            None => Err(WebError::Service(ServiceError::Unauthenticated)),
        }
    }
}

/// What a page handler works with: the application's services and the signed-in user (401, so the sign-in
/// page, otherwise). `Page { state, who }: Page<S>` in a handler's arguments.
pub struct Page<S> {
    pub state: crate::Shared<S>,
    pub who: SignedIn,
}

impl<S: store::Store> FromRequestParts<crate::Shared<S>> for Page<S> {
    type Rejection = WebError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &crate::Shared<S>,
    ) -> Result<Self, Self::Rejection> {
        Ok(Page {
            who: SignedIn::from_request_parts(parts, state).await?,
            state: state.clone(),
        })
    }
}

/// A path segment naming a record. A typed id that does not parse names no record: 404 before anything else is
/// said. `Option<T>` takes it leniently (`None`), for a use case that reads the child's record first and answers
/// 404 for a sub-record itself, so that the attempt is audited.
pub trait PathParam: Sized {
    fn from_path(segment: &str) -> Option<Self>;
}

impl<T: PathParam> PathParam for Option<T> {
    fn from_path(segment: &str) -> Option<Self> {
        Some(T::from_path(segment))
    }
}

impl PathParam for String {
    fn from_path(segment: &str) -> Option<Self> {
        Some(segment.to_owned())
    }
}

macro_rules! path_ids {
    ($($t:ty),+ $(,)?) => {$(
        impl PathParam for $t {
            fn from_path(segment: &str) -> Option<Self> {
                <$t>::parse(segment).ok()
            }
        }
    )+};
}

path_ids!(
    domain::ids::PersonId,
    domain::ids::ContactId,
    domain::ids::InformationRequestId,
    domain::ids::Section47Id,
    domain::ids::ConferenceId,
    domain::ids::CoreGroupId,
    domain::ids::AssessmentId,
    domain::ids::PlanId,
    domain::ids::ChildFlagId,
    domain::ids::SpecialistInvolvementId,
    domain::ids::EarlyHelpEpisodeId,
    domain::ids::CaseNoteId,
    domain::ids::ActionId,
    domain::ids::DocumentId,
    domain::ids::RelationshipId,
    domain::ids::ProfessionalId,
    domain::ids::PersonMergeId,
    domain::ids::CaseFileAuditId,
    domain::ids::PracticeWeekId,
    domain::ids::UserId,
    domain::ids::TeamId,
    domain::ids::OrganisationId,
    domain::identifiers::LaCode,
);

/// The one record id in the path (`/children/{id}`).
pub struct Id<T>(pub T);

impl<T: PathParam, St: Send + Sync> FromRequestParts<St> for Id<T> {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &St) -> Result<Self, Self::Rejection> {
        let Path(segment) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| WebError::NotFound)?;
        T::from_path(&segment).map(Id).ok_or(WebError::NotFound)
    }
}

/// The two record ids in the path (`/children/{id}/plans/{plan}`): the child's, then the record's.
pub struct Ids<A, B>(pub A, pub B);

impl<A: PathParam, B: PathParam, St: Send + Sync> FromRequestParts<St> for Ids<A, B> {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &St) -> Result<Self, Self::Rejection> {
        let Path((a, b)) = Path::<(String, String)>::from_request_parts(parts, state)
            .await
            .map_err(|_| WebError::NotFound)?;
        match (A::from_path(&a), B::from_path(&b)) {
            (Some(a), Some(b)) => Ok(Ids(a, b)),
            _ => Err(WebError::NotFound),
        }
    }
}

/// The version of the record a change is based on, from `If-Match` (`"42"`, `W/"42"` or `42`): what the
/// record's `GET` gave as its `ETag` or `version`. Absent, the change is based on what the service reads.
pub struct IfMatch(pub Option<i64>);

impl IfMatch {
    pub fn parse(headers: &HeaderMap) -> Result<Option<i64>, WebError> {
        let Some(v) = headers.get(header::IF_MATCH) else {
            return Ok(None);
        };
        let raw = v.to_str().unwrap_or("").trim();
        let raw = raw.strip_prefix("W/").unwrap_or(raw).trim_matches('"');
        raw.parse::<i64>().map(Some).map_err(|_| {
            WebError::Service(ServiceError::invalid(
                "If-Match",
                "must be the version (ETag) the change is based on, e.g. \"42\"",
            ))
        })
    }
}

impl<St: Send + Sync> FromRequestParts<St> for IfMatch {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, _state: &St) -> Result<Self, Self::Rejection> {
        IfMatch::parse(&parts.headers).map(IfMatch)
    }
}

/// A JSON body. A body that is not JSON is a 400; JSON of the wrong shape is a 422 naming the field.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, St: Send + Sync> FromRequest<St> for ApiJson<T> {
    type Rejection = WebError;

    async fn from_request(req: Request, state: &St) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                v.split(';')
                    .next()
                    .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
            });
        if !is_json {
            return Err(WebError::BadBody {
                status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
                detail: "Send the body as JSON with 'Content-Type: application/json'.".into(),
                field: None,
            });
        }
        // A body over the limit keeps its 413 (`middleware::body_limit` answers it).
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|e| WebError::BadBody {
                status: e.status(),
                detail: "The request body could not be read.".into(),
                field: None,
            })?;
        if bytes.len() > MAX_BODY {
            return Err(WebError::BadBody {
                status: StatusCode::PAYLOAD_TOO_LARGE,
                detail: format!("The body is larger than {MAX_BODY} bytes."),
                field: None,
            });
        }
        decode_json(&bytes).map(ApiJson)
    }
}

/// A JSON request body (already read, within the size limit) as `T`, the way [`ApiJson`] reads every API body:
/// a body that is not JSON (or has anything after the value) is a 400; JSON of the wrong shape is a 422 naming
/// the field. Public so that the fuzz target for API bodies (`fuzz/fuzz_targets/api_bodies.rs`) decodes exactly
/// as the API does.
pub fn decode_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, WebError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Ok(v) => match de.end() {
            Ok(()) => Ok(v),
            Err(e) => Err(WebError::BadBody {
                status: StatusCode::BAD_REQUEST,
                detail: format!("The body is not valid JSON: {e}"),
                field: None,
            }),
        },
        Err(e) => {
            let path = e.path().to_string();
            let inner = e.into_inner();
            if inner.is_syntax() || inner.is_eof() {
                Err(WebError::BadBody {
                    status: StatusCode::BAD_REQUEST,
                    detail: format!("The body is not valid JSON: {inner}"),
                    field: None,
                })
            } else {
                let field = (path != ".").then_some(path);
                Err(WebError::BadBody {
                    status: StatusCode::UNPROCESSABLE_ENTITY,
                    detail: strip_position(&inner.to_string()),
                    field,
                })
            }
        }
    }
}

/// serde's messages end "at line 1 column 30"; the field name says more.
fn strip_position(msg: &str) -> String {
    match msg.find(" at line ") {
        Some(i) => msg.get(..i).unwrap_or(msg).to_owned(),
        None => msg.to_owned(),
    }
}
