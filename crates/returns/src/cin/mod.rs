//! The CIN census XML file: [`read`] it (with the schema checks of the DfE's 2024/25 shape), [`write`] it, and
//! [`Report`] what is wrong with it (schema problems and the findings of every DfE rule).
//!
//! Reading is one pass over the file with quick-xml, borrowing from the input: 50,000 children (about 56 MB)
//! read in well under half a second in a release build. A file that is not XML at all (not well formed, not
//! UTF-8, or whose root is not `Message`) is [`Unreadable`]; anything else wrong with its shape (an element out
//! of order, missing or unknown, a code not in its list, a date that is not one) is a [`SchemaProblem`], reported
//! beside the return read as well as it can be, so that the DfE rules can still run on it.

mod read;
mod report;
pub mod schema;
mod write;

pub use read::{ProblemKind, Read, SchemaProblem, Unreadable, read};
pub use report::{Report, ReportFinding, census_period};
pub use write::{write, write_to};

use domain::census::CensusReturn;

/// The return with every `line` field set to 0 ([`CensusReturn::without_lines`]).
pub fn strip_lines(census: &CensusReturn) -> CensusReturn {
    census.without_lines()
}
