//! Extractors: the API caller (from a bearer token) and JSON bodies whose errors name the field.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use domain::audit::Actor;
use serde::de::DeserializeOwned;
use service::ServiceError;

use crate::caller::Caller;
use crate::error::WebError;

/// The largest JSON body the API reads.
const MAX_BODY: usize = 1024 * 1024;

/// The signed-in caller of an API route (by bearer token or session cookie); 401 otherwise.
pub struct ApiActor(pub Actor);

impl<St: Send + Sync> FromRequestParts<St> for ApiActor {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, _state: &St) -> Result<Self, Self::Rejection> {
        match parts.extensions.get::<Caller>().and_then(Caller::actor) {
            Some(actor) => Ok(ApiActor(actor.clone())),
            None => Err(WebError::Service(ServiceError::Unauthenticated)),
        }
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
        let mut de = serde_json::Deserializer::from_slice(&bytes);
        match serde_path_to_error::deserialize::<_, T>(&mut de) {
            Ok(v) => match de.end() {
                Ok(()) => Ok(ApiJson(v)),
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
}

/// serde's messages end "at line 1 column 30"; the field name says more.
fn strip_position(msg: &str) -> String {
    match msg.find(" at line ") {
        Some(i) => msg.get(..i).unwrap_or(msg).to_owned(),
        None => msg.to_owned(),
    }
}
