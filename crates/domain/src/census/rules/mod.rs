//! Every rule of the DfE CIN census 2024/25 catalogue (`reference/dfe/cin-rules.csv`, 109 rules), as the
//! DfE wrote it. Where the community's reference validator (csc-validator-be-cin 0.1.13) departs from the rule as
//! written (`reference/dfe/REFERENCE-FAULTS.md`), these follow the DfE.
//!
//! A rule is either a child rule, which looks at one child's records (and so also runs on a child's records as
//! they are entered), or a return rule, which looks across the whole return (duplicate identifiers, proportions).
//! Rules are grouped by the part of the return they are about:
//! - [`identity`]: the header, child identifiers and characteristics;
//! - [`episodes`]: CIN details (referral, closure, NFA, episodes);
//! - [`assessments`]: assessments and their factors;
//! - [`cin_plans`]: child in need plans;
//! - [`protection`]: section 47 enquiries, initial conferences, child protection plans and reviews.

mod assessments;
mod cin_plans;
mod episodes;
mod identity;
mod protection;
#[cfg(test)]
pub(crate) mod testing;

use std::sync::OnceLock;

use serde::Serialize;

use super::model::{CensusReturn, Child, Header};
use super::period::CensusPeriod;
use crate::calendar::Calendar;

/// Whether a rule's finding must be fixed (error) or explained (query).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Query,
}

/// What a rule looks at.
#[derive(Clone, Copy)]
pub enum RuleKind {
    /// One child's records.
    Child(fn(&Context<'_>, &Child, &mut Flags<'_>)),
    /// The whole return: findings may name children (duplicates) or none (proportions).
    Return(fn(&Context<'_>, &CensusReturn, &mut ReturnFlags<'_>)),
}

/// One rule of the catalogue.
#[derive(Clone, Copy)]
pub struct Rule {
    /// The DfE code, e.g. "8610" or "8670Q".
    pub code: &'static str,
    /// The DfE message, as the catalogue writes it.
    pub message: &'static str,
    pub severity: Severity,
    /// The fields the rule is about, as `Table.Field` (e.g. `CINdetails.PrimaryNeedCode`).
    pub fields: &'static [&'static str],
    pub kind: RuleKind,
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rule").field("code", &self.code).finish()
    }
}

impl Rule {
    /// Whether the rule flags the return as a whole rather than a child (DfE "return level").
    pub fn is_return_level(&self) -> bool {
        matches!(self.kind, RuleKind::Return(_)) && RETURN_LEVEL.contains(&self.code)
    }
}

/// The rules the catalogue marks as return level (they name no child).
const RETURN_LEVEL: &[&str] = &["2883", "2886Q", "2887Q", "2888Q"];

/// What every rule may consult: the period the return covers, its header, and the working-day calendar.
pub struct Context<'a> {
    pub period: CensusPeriod,
    pub header: &'a Header,
    pub calendar: &'a Calendar,
}

/// One problem a rule found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub code: &'static str,
    pub severity: Severity,
    pub message: &'static str,
    /// The child's LA child ID as written; `None` for a return-level finding (or a child with none).
    pub la_child_id: Option<String>,
    /// The index of the child in the return; `None` for a return-level finding.
    pub child: Option<usize>,
    /// The field at fault, as `Table.Field`.
    pub field: &'static str,
    /// The line of the element at fault in the file read (0 when the return was built from records).
    pub line: u32,
}

/// Where a child rule records what it finds.
pub struct Flags<'a> {
    rule: &'a Rule,
    child_index: usize,
    child: &'a Child,
    out: &'a mut Vec<Finding>,
}

impl Flags<'_> {
    /// Flag `field` (as `Table.Field`) at the element on `line`.
    pub fn flag(&mut self, field: &'static str, line: u32) {
        self.out.push(Finding {
            code: self.rule.code,
            severity: self.rule.severity,
            message: self.rule.message,
            la_child_id: self.child.la_child_id.clone(),
            child: Some(self.child_index),
            field,
            line,
        });
    }
}

/// Where a return rule records what it finds.
pub struct ReturnFlags<'a> {
    rule: &'a Rule,
    ret: &'a CensusReturn,
    out: &'a mut Vec<Finding>,
}

impl ReturnFlags<'_> {
    /// Flag `field` of the child at `index` in the return, at the element on `line`.
    pub fn flag_child(&mut self, index: usize, field: &'static str, line: u32) {
        let la_child_id = self
            .ret
            .children
            .get(index)
            .and_then(|c| c.la_child_id.clone());
        self.out.push(Finding {
            code: self.rule.code,
            severity: self.rule.severity,
            message: self.rule.message,
            la_child_id,
            child: Some(index),
            field,
            line,
        });
    }

    /// Flag the return as a whole.
    pub fn flag_return(&mut self, field: &'static str) {
        self.out.push(Finding {
            code: self.rule.code,
            severity: self.rule.severity,
            message: self.rule.message,
            la_child_id: None,
            child: None,
            field,
            line: self.ret.header.line,
        });
    }
}

/// Every rule, in code order.
pub fn catalogue() -> &'static [Rule] {
    static RULES: OnceLock<Vec<Rule>> = OnceLock::new();
    RULES.get_or_init(|| {
        let mut all: Vec<Rule> = [
            identity::RULES,
            episodes::RULES,
            assessments::RULES,
            cin_plans::RULES,
            protection::RULES,
        ]
        .concat();
        all.sort_by(|a, b| code_order(a.code).cmp(&code_order(b.code)));
        all
    })
}

/// Sort key for rule codes: numerically, then the Q suffix.
fn code_order(code: &str) -> (u32, &str) {
    let digits: String = code.chars().take_while(char::is_ascii_digit).collect();
    (digits.parse().unwrap_or(u32::MAX), code)
}

/// Run every rule over a whole return for `period`. Findings come child by child in file order, then the
/// return-level ones, each group in rule order.
pub fn validate(ret: &CensusReturn, period: CensusPeriod, calendar: &Calendar) -> Vec<Finding> {
    let ctx = Context {
        period,
        header: &ret.header,
        calendar,
    };
    let mut out = Vec::new();
    for (index, child) in ret.children.iter().enumerate() {
        run_child_rules(&ctx, index, child, &mut out);
    }
    for rule in catalogue() {
        if let RuleKind::Return(check) = rule.kind {
            let mut flags = ReturnFlags {
                rule,
                ret,
                out: &mut out,
            };
            check(&ctx, ret, &mut flags);
        }
    }
    out
}

/// Run the child rules over one child's records: the year-round check as records change.
pub fn validate_child(
    child: &Child,
    header: &Header,
    period: CensusPeriod,
    calendar: &Calendar,
) -> Vec<Finding> {
    let ctx = Context {
        period,
        header,
        calendar,
    };
    let mut out = Vec::new();
    run_child_rules(&ctx, 0, child, &mut out);
    out
}

fn run_child_rules(ctx: &Context<'_>, index: usize, child: &Child, out: &mut Vec<Finding>) {
    for rule in catalogue() {
        if let RuleKind::Child(check) = rule.kind {
            let mut flags = Flags {
                rule,
                child_index: index,
                child,
                out,
            };
            check(ctx, child, &mut flags);
        }
    }
}

/// Look a rule up by its code.
pub fn rule(code: &str) -> Option<&'static Rule> {
    catalogue().iter().find(|r| r.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The catalogue has every rule of `cin-rules.csv`, once, with its message and severity.
    #[test]
    fn catalogue_matches_the_reference_csv() -> Result<(), Box<dyn std::error::Error>> {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../reference/dfe/cin-rules.csv"
        );
        let mut reader = csv::Reader::from_path(path)?;
        let mut codes = Vec::new();
        for row in reader.records() {
            let row = row?;
            let (code, message, severity) = (&row[0], &row[1], &row[4]);
            let rule = rule(code).ok_or_else(|| format!("rule {code} is not in the catalogue"))?;
            assert_eq!(rule.message, message, "message of rule {code}");
            let expected = if severity == "Query" {
                Severity::Query
            } else {
                Severity::Error
            };
            assert_eq!(rule.severity, expected, "severity of rule {code}");
            assert_eq!(
                rule.is_return_level(),
                &row[7] == "yes",
                "return level of rule {code}"
            );
            codes.push(code.to_string());
        }
        assert_eq!(
            catalogue().len(),
            codes.len(),
            "the catalogue has rules the CSV does not"
        );
        assert_eq!(codes.len(), 109);
        Ok(())
    }
}
