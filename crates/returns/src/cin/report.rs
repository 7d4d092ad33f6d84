//! What is wrong with a census file: its schema problems and the findings of every DfE rule, as text (one line
//! per problem and a summary) or JSON.

use std::fmt::Write as _;

use domain::calendar::Calendar;
use domain::census::{CensusPeriod, CensusReturn, Severity, validate};
use domain::datetime::{london_date, now};
use serde::Serialize;

use super::read::{ProblemKind, Read, SchemaProblem};

/// The schema problems and rule findings of one file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The file, as named to the validator.
    pub file: String,
    /// The census year validated, by the year it ends (2025 for 2024/25).
    pub year: i16,
    /// How many children the file has.
    pub children: usize,
    /// Rule findings that are errors.
    pub errors: usize,
    /// Rule findings that are queries.
    pub queries: usize,
    pub schema_problems: Vec<SchemaProblem>,
    /// Findings child by child in file order, then the return-level ones.
    pub findings: Vec<ReportFinding>,
}

/// One rule finding, as reported.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReportFinding {
    /// The DfE rule code, e.g. "8610".
    pub code: &'static str,
    pub severity: Severity,
    /// The DfE message.
    pub message: &'static str,
    /// The child's LA child ID; `None` for a return-level finding or a child without one.
    pub la_child_id: Option<String>,
    /// The field at fault, as `Table.Field`.
    pub field: &'static str,
    /// The line of the element at fault.
    pub line: u32,
    /// The child's place in the file (0-based); `None` for a return-level finding.
    #[serde(skip)]
    pub child: Option<usize>,
}

/// The census period to validate a return for: the census year `year` when given, else the header's
/// ReferenceDate (the period as the DfE computes it from that date), else its Year. A return with none of those
/// is validated for the census year of its latest referral (or of today), with a schema problem saying so.
pub fn census_period(
    census: &CensusReturn,
    year: Option<i16>,
) -> (CensusPeriod, Option<SchemaProblem>) {
    if let Some(period) = year.and_then(CensusPeriod::for_year) {
        return (period, None);
    }
    let header = &census.header;
    if let Some(period) = header
        .reference_date
        .and_then(CensusPeriod::from_reference_date)
    {
        return (period, None);
    }
    let header_year = header
        .year
        .as_deref()
        .and_then(|y| y.trim().get(..4))
        .and_then(|y| y.parse::<i16>().ok());
    if let Some(period) = header_year.and_then(CensusPeriod::for_year) {
        return (period, None);
    }
    let latest_referral = census
        .children
        .iter()
        .flat_map(|c| &c.cin_details)
        .filter_map(|cin| cin.referral_date)
        .max();
    let (fallback, from) = match latest_referral {
        Some(day) => (
            CensusPeriod::year_containing(day),
            "its latest referral date",
        ),
        None => (CensusPeriod::year_containing(london_date(now())), "today"),
    };
    let period = CensusPeriod::for_year(fallback)
        .or_else(|| CensusPeriod::for_year(2025))
        .unwrap_or(CensusPeriod {
            start: london_date(now()),
            end: london_date(now()),
        });
    let problem = SchemaProblem {
        line: header.line.max(1),
        path: "Message/Header/CollectionDetails/ReferenceDate".into(),
        la_child_id: None,
        kind: ProblemKind::Error,
        message: format!(
            "the header has no ReferenceDate or Year, so the census year is taken from {from}: {}/{:02} \
             (give --year to choose)",
            fallback - 1,
            fallback % 100
        ),
    };
    (period, Some(problem))
}

impl Report {
    /// Check a file read: its schema problems, and every rule of the catalogue for the census year `year`
    /// (or the header's; see [`census_period`]).
    pub fn new(
        file: impl Into<String>,
        read: &Read,
        year: Option<i16>,
        calendar: &Calendar,
    ) -> Report {
        let (period, problem) = census_period(&read.census, year);
        let mut schema_problems = Vec::with_capacity(read.schema.len() + 1);
        schema_problems.extend(problem);
        schema_problems.extend(read.schema.iter().cloned());
        let findings: Vec<ReportFinding> = validate(&read.census, period, calendar)
            .into_iter()
            .map(|f| ReportFinding {
                code: f.code,
                severity: f.severity,
                message: f.message,
                la_child_id: f.la_child_id,
                field: f.field,
                line: f.line,
                child: f.child,
            })
            .collect();
        let errors = findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count();
        Report {
            file: file.into(),
            year: period.end.year(),
            children: read.census.children.len(),
            errors,
            queries: findings.len() - errors,
            schema_problems,
            findings,
        }
    }

    /// Schema problems that are errors (not notes).
    pub fn schema_errors(&self) -> usize {
        self.schema_problems
            .iter()
            .filter(|p| p.kind == ProblemKind::Error)
            .count()
    }

    /// Whether anything must be fixed: a rule error or a schema error (queries and notes alone do not count).
    pub fn has_errors(&self) -> bool {
        self.errors > 0 || self.schema_errors() > 0
    }

    /// One line per problem, in line order (schema problems first on a line), then the summary line.
    pub fn to_text(&self) -> String {
        let mut lines: Vec<(u32, String)> =
            Vec::with_capacity(self.schema_problems.len() + self.findings.len());
        for p in &self.schema_problems {
            let kind = match p.kind {
                ProblemKind::Error => "error",
                ProblemKind::Note => "note",
            };
            let who = match &p.la_child_id {
                Some(id) => format!(" LA child ID {id}"),
                None => String::new(),
            };
            lines.push((
                p.line,
                format!(
                    "line {}: schema {kind}{who} {}: {}",
                    p.line, p.path, p.message
                ),
            ));
        }
        for f in &self.findings {
            let severity = match f.severity {
                Severity::Error => "error",
                Severity::Query => "query",
            };
            let who = match (&f.la_child_id, f.child) {
                (Some(id), _) => format!("LA child ID {id}"),
                (None, Some(index)) => format!("child {} (no LA child ID)", index + 1),
                (None, None) => "return".to_string(),
            };
            lines.push((
                f.line,
                format!(
                    "line {}: {} {severity} {who} {}: {}",
                    f.line, f.code, f.field, f.message
                ),
            ));
        }
        lines.sort_by_key(|(line, _)| *line);
        let mut out = String::new();
        for (_, line) in lines {
            out.push_str(&line);
            out.push('\n');
        }
        out.push_str(&self.summary());
        out.push('\n');
        out
    }

    /// "12,345 children: 3 errors, 5 queries, 0 schema problems".
    pub fn summary(&self) -> String {
        let notes = self.schema_problems.len() - self.schema_errors();
        let mut s = format!(
            "{}: {}, {}, {}",
            counted(self.children, "child", "children"),
            counted(self.errors, "error", "errors"),
            counted(self.queries, "query", "queries"),
            counted(self.schema_errors(), "schema problem", "schema problems"),
        );
        if notes > 0 {
            let _ = write!(s, ", {}", counted(notes, "schema note", "schema notes"));
        }
        s
    }

    /// The report as JSON: `{file, year, children, errors, queries, schema_problems, findings}`.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

/// "1 child", "12,345 children".
fn counted(n: usize, one: &str, many: &str) -> String {
    let digits = n.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{grouped} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use domain::census::Header;

    use super::*;

    #[test]
    fn counts_are_grouped() {
        assert_eq!(counted(0, "child", "children"), "0 children");
        assert_eq!(counted(1, "child", "children"), "1 child");
        assert_eq!(counted(12_345, "child", "children"), "12,345 children");
        assert_eq!(counted(1_234_567, "error", "errors"), "1,234,567 errors");
        assert_eq!(counted(999, "error", "errors"), "999 errors");
    }

    #[test]
    fn the_period_comes_from_the_year_then_the_reference_date_then_the_header_year() {
        let mut census = CensusReturn::default();
        let (p, problem) = census_period(&census, Some(2025));
        assert_eq!(
            (p.start.to_string(), p.end.to_string()),
            ("2024-04-01".into(), "2025-03-31".into())
        );
        assert!(problem.is_none());
        census.header = Header {
            reference_date: "2024-03-31".parse().ok(),
            year: Some("2023".into()),
            ..Header::default()
        };
        let (p, _) = census_period(&census, None);
        assert_eq!(p.end.to_string(), "2024-03-31");
        census.header.reference_date = None;
        let (p, _) = census_period(&census, None);
        assert_eq!(p.end.to_string(), "2023-03-31");
        census.header.year = None;
        let (_, problem) = census_period(&census, None);
        assert!(problem.is_some_and(|p| p.kind == ProblemKind::Error));
    }
}
