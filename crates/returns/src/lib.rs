//! Statutory returns as files. The rules and the census model are the domain's ([`domain::census`]); this
//! crate reads and writes the files: the DfE CIN census XML ([`cin`]) and Ofsted's Annex A lists ([`annex_a`]).
//! No database and no network: callers hand in records and get bytes, or hand in bytes and get records.

pub mod annex_a;
pub mod cin;
pub mod cin_synth;
