//! The JSON API for supervision, extra-familial harm flags and the gangs unit, early help step-down and step-up, allocation, closure; and the route table entries of its pages and API.

use serde_json::Value;
use store::Store;

use crate::openapi::Operation;
use crate::routes::RouteSpec;

/// This area's routes: its pages and its API.
pub fn routes<S: Store>() -> Vec<RouteSpec<S>> {
    Vec::new()
}

/// This area's API operations, for the OpenAPI document.
pub(crate) const OPERATIONS: &[Operation] = &[];

/// This area's request body schemas, for the OpenAPI document.
pub(crate) fn schemas() -> Vec<(&'static str, Value)> {
    Vec::new()
}
