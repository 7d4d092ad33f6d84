//! The records of a child's journey, from the first contact to closure, and the organisation around them.
//!
//! Names follow the DfE CIN census and the Standard Safeguarding Dataset where those have the concept, and the
//! language social workers use where they don't (MASH, RAG, consent, strategy discussion, core group, supervision).
//! Every record carries its local authority (`la`), and every record about a child carries the child's id.

mod casework;
mod documents;
mod front_door;
mod kinds;
mod organisation;
mod people;
mod protection;
mod quality;

pub use casework::*;
pub use documents::*;
pub use front_door::*;
pub use kinds::Record;
pub use organisation::*;
pub use people::*;
pub use protection::*;
pub use quality::*;

use serde::{Deserialize, Serialize};

use kinds::define_record_set;

crate::record_kinds!(@registry full [define_record_set]);

/// How many records of each kind a set or a database holds, in a stable order for printing.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RecordCounts(pub Vec<(&'static str, u64)>);

impl RecordCounts {
    pub fn get(&self, kind: &str) -> u64 {
        self.0
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, n)| *n)
            .unwrap_or(0)
    }

    pub fn total(&self) -> u64 {
        self.0.iter().map(|(_, n)| n).sum()
    }
}
