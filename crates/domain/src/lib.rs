//! Frontdoor's domain: the records of a child's journey through children's services, the DfE code lists,
//! identifiers, the England-and-Wales working-day calendar and the statutory clocks. Pure Rust, no I/O:
//! storage, web, exports and the CLI depend on this crate, never the other way.

pub mod datetime;
pub mod error;

pub use error::{ValueError, ValueErrors};
pub mod actions;
pub mod administration;
pub mod audit;
pub mod audit_chain;
pub mod calendar;
pub mod case_management;
pub mod case_notes;
pub mod casework_clocks;
pub mod census;
pub mod chronology;
pub mod clocks;
pub mod codes;
pub mod documents;
pub mod export;
pub mod front_door;
pub mod identifiers;
pub mod ids;
pub mod information_governance;
pub mod letters;
pub mod meetings;
pub mod people;
pub mod performance;
pub mod planning;
pub mod policy;
pub mod protection;
pub mod quality;
pub mod records;
pub mod references;
pub mod retention;
pub mod search;
pub mod second_factor;
pub mod single_sign_on;
pub mod subject_access;
pub mod validation;
