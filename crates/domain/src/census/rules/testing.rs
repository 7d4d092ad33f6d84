//! Helpers for the rule tests: run one rule over a child or a return in the 2024/25 census year.

use super::{Finding, RuleKind, rule, validate};
use crate::calendar::Calendar;
use crate::census::model::{CensusReturn, Child, Header};
use crate::census::period::CensusPeriod;
use crate::datetime::Date;

/// A date written `YYYY-MM-DD`.
pub fn d(s: &str) -> Date {
    s.parse().expect("a test date")
}

/// 1 April 2024 to 31 March 2025.
pub fn period() -> CensusPeriod {
    CensusPeriod::for_year(2025).expect("the 2024/25 period")
}

/// A 2024/25 header for LA 873.
pub fn header() -> Header {
    Header {
        collection: Some("CIN".into()),
        year: Some("2025".into()),
        reference_date: Some(d("2025-03-31")),
        source_level: Some("L".into()),
        lea: Some("873".into()),
        ..Header::default()
    }
}

/// A return holding these children, with [`header`].
pub fn census(children: Vec<Child>) -> CensusReturn {
    CensusReturn {
        header: header(),
        children,
    }
}

/// The findings of the rule `code` alone on `ret` (child rules run on every child).
pub fn run_rule(code: &str, ret: &CensusReturn) -> Vec<Finding> {
    let rule = rule(code).unwrap_or_else(|| panic!("rule {code} is in the catalogue"));
    validate(ret, period(), &Calendar::england_and_wales())
        .into_iter()
        .filter(|f| f.code == rule.code)
        .collect()
}

/// The LA child IDs the rule `code` flags in `ret`, each once, in order.
pub fn flagged(code: &str, ret: &CensusReturn) -> Vec<String> {
    let mut ids: Vec<String> = run_rule(code, ret)
        .into_iter()
        .filter_map(|f| f.la_child_id)
        .collect();
    ids.dedup();
    ids
}

/// Whether the rule `code` is a child rule.
pub fn is_child_rule(code: &str) -> bool {
    rule(code).is_some_and(|r| matches!(r.kind, RuleKind::Child(_)))
}
