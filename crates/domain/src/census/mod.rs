//! The DfE Children in Need census: the return as the DfE's XML describes it ([`model`]), the collection period,
//! and every validation rule of the 2024/25 catalogue ([`rules`], from `reference/dfe/cin-rules.csv`).
//!
//! The same rules run on an imported or exported file (`frontdoor validate cin-census`) and on one child's records
//! as they change (the child record and the data-quality page), so a return is right first time.
//!
//! The model keeps what a file says *as written* (codes and flags are strings, so that a rule can report an
//! invalid code); only dates are parsed, and a date that is not one is `None` here (the file reader reports it).

pub mod model;
pub mod period;
pub mod rules;

pub use model::*;
pub use period::CensusPeriod;
pub use rules::{Finding, Rule, RuleKind, Severity, catalogue, validate, validate_child};
