//! One error type for the web layer and its one mapping to HTTP responses: `application/problem+json`
//! (RFC 9457) under `/api`, an HTML error page elsewhere. Internals are logged once, never sent.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::ValueErrors;
use serde::Serialize;
use service::ServiceError;

/// An error a handler returns.
#[derive(Debug)]
pub enum WebError {
    Service(ServiceError),
    /// The request body is not JSON, or not the JSON the endpoint takes.
    BadBody {
        status: StatusCode,
        detail: String,
        field: Option<String>,
    },
    NotFound,
    /// The server is working on as many requests as it takes ([`crate::admission`]); nothing of this one was read.
    Busy,
}

impl From<ServiceError> for WebError {
    fn from(e: ServiceError) -> Self {
        WebError::Service(e)
    }
}

/// A field problem in a 422 response.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct FieldProblem {
    pub field: String,
    pub message: String,
}

/// An RFC 9457 problem document, with the field list DESIGN.md promises for 422s.
#[derive(Debug, Serialize)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub title: &'static str,
    pub status: u16,
    pub detail: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
}

fn field_problems(errors: &ValueErrors) -> Vec<FieldProblem> {
    errors
        .0
        .iter()
        .map(|e| FieldProblem {
            field: e.field.to_string(),
            message: e.problem.clone(),
        })
        .collect()
}

impl WebError {
    /// The status and problem document for this error. Internal details never reach the body.
    pub fn problem(&self) -> Problem {
        let (status, title, detail, errors) = match self {
            WebError::Service(ServiceError::Invalid(errors)) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "There is a problem with your request",
                errors.to_string(),
                field_problems(errors),
            ),
            WebError::Service(ServiceError::FileRefused(kind, e)) => (
                match kind {
                    service::FileRefusal::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
                    service::FileRefusal::UnsupportedType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
                },
                "The file was refused",
                format!("{}. Nothing was saved.", e.problem),
                vec![FieldProblem {
                    field: e.field.to_string(),
                    message: e.problem.clone(),
                }],
            ),
            WebError::Service(ServiceError::Unauthenticated) => (
                StatusCode::UNAUTHORIZED,
                "Not signed in",
                "Sign in, or send a valid API token as 'Authorization: Bearer TOKEN'.".to_owned(),
                Vec::new(),
            ),
            WebError::Service(ServiceError::Forbidden) => (
                StatusCode::FORBIDDEN,
                "Not allowed",
                "Your role does not allow this.".to_owned(),
                Vec::new(),
            ),
            WebError::Service(ServiceError::NotFound) | WebError::NotFound => (
                StatusCode::NOT_FOUND,
                "Not found",
                "There is nothing here that you can see.".to_owned(),
                Vec::new(),
            ),
            WebError::Service(ServiceError::Conflict(m)) => {
                (StatusCode::CONFLICT, "Conflict", m.clone(), Vec::new())
            }
            WebError::Service(ServiceError::Stale) => (
                StatusCode::CONFLICT,
                "Changed since you read it",
                "Someone has changed this record since the version in If-Match (or on the page) was read, so \
                 nothing was saved. Read it again and send the change based on what it is now."
                    .to_owned(),
                Vec::new(),
            ),
            WebError::Service(ServiceError::Unavailable(_)) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "Service unavailable",
                "The database is not available. Try again shortly.".to_owned(),
                Vec::new(),
            ),
            WebError::Busy => (
                StatusCode::SERVICE_UNAVAILABLE,
                "Service busy",
                crate::admission::BUSY.to_owned(),
                Vec::new(),
            ),
            WebError::Service(ServiceError::Internal(_)) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong",
                "Something went wrong on our side. Quote the request id to support.".to_owned(),
                Vec::new(),
            ),
            WebError::BadBody {
                status,
                detail,
                field,
            } => (
                *status,
                if *status == StatusCode::UNPROCESSABLE_ENTITY {
                    "There is a problem with your request"
                } else {
                    "The request body could not be read"
                },
                detail.clone(),
                field
                    .iter()
                    .map(|f| FieldProblem {
                        field: f.clone(),
                        message: detail.clone(),
                    })
                    .collect(),
            ),
        };
        Problem {
            kind: "about:blank",
            title,
            status: status.as_u16(),
            detail,
            errors,
        }
    }
}

/// An error and each of its causes, one per line, for the log (zero-to-production's `error_chain_fmt`). Never
/// sent to the client.
pub(crate) fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        out.push_str("\nCaused by:\n\t");
        out.push_str(&c.to_string());
        cause = c.source();
    }
    out
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        match &self {
            WebError::Service(e @ ServiceError::Internal(_)) => {
                tracing::error!(error = %error_chain(e), "internal error")
            }
            WebError::Service(ServiceError::Unavailable(m)) => {
                tracing::warn!(error = %m, "database unavailable")
            }
            _ => {}
        }
        let problem = self.problem();
        let status =
            StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if status == StatusCode::UNAUTHORIZED {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if matches!(self, WebError::Busy) {
            headers.insert(
                header::RETRY_AFTER,
                HeaderValue::from(crate::admission::RETRY_AFTER_SECONDS),
            );
        }
        response
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn status(e: WebError) -> u16 {
        e.problem().status
    }

    #[test]
    fn every_service_error_has_its_status() {
        assert_eq!(
            status(ServiceError::invalid("source", "choose").into()),
            422
        );
        assert_eq!(status(ServiceError::Unauthenticated.into()), 401);
        let file = domain::ValueError::new("file", "too large");
        assert_eq!(
            status(ServiceError::FileRefused(service::FileRefusal::TooLarge, file.clone()).into()),
            413
        );
        assert_eq!(
            status(ServiceError::FileRefused(service::FileRefusal::UnsupportedType, file).into()),
            415
        );
        assert_eq!(status(ServiceError::Forbidden.into()), 403);
        assert_eq!(status(ServiceError::NotFound.into()), 404);
        assert_eq!(status(WebError::NotFound), 404);
        assert_eq!(status(ServiceError::Conflict("x".into()).into()), 409);
        assert_eq!(status(ServiceError::Stale.into()), 409);
        assert_eq!(status(ServiceError::Unavailable("x".into()).into()), 503);
        assert_eq!(status(WebError::Busy), 503);
        assert_eq!(
            status(ServiceError::Internal("secret detail".into()).into()),
            500
        );
    }

    /// A writer the test's log goes to.
    #[derive(Clone, Default)]
    struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[tokio::test]
    async fn an_internal_error_is_logged_with_its_causes_and_none_is_sent() {
        let cause = std::io::Error::other("disk sector 7 unreadable");
        let error = WebError::from(ServiceError::internal("reading table contact", cause));
        let log = Captured::default();
        let writer = log.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        let response = tracing::subscriber::with_default(subscriber, || error.into_response());
        let logged = String::from_utf8(log.0.lock().unwrap().clone()).unwrap();
        assert!(logged.contains("internal error"), "{logged}");
        assert!(logged.contains("reading table contact"), "{logged}");
        assert!(logged.contains("disk sector 7 unreadable"), "{logged}");
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        let body = String::from_utf8(body.to_vec()).unwrap();
        assert!(body.contains("Something went wrong"), "{body}");
        assert!(!body.contains("sector 7"), "{body}");
        assert!(!body.contains("table contact"), "{body}");
    }

    #[test]
    fn internals_are_not_sent_and_fields_are_listed() {
        let p = WebError::from(ServiceError::Internal("table contact is locked".into())).problem();
        assert!(!p.detail.contains("contact"));
        let p = WebError::from(ServiceError::invalid(
            "referrer.name",
            "enter the referrer's name",
        ))
        .problem();
        assert_eq!(
            p.errors,
            vec![FieldProblem {
                field: "referrer.name".into(),
                message: "enter the referrer's name".into()
            }]
        );
    }
}
