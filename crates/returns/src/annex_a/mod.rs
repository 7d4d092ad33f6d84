//! Ofsted Annex A Lists 1–7: the child-level lists an LA sends before an inspection of its services for
//! children in need of help and protection.
//!
//! [`build`] turns an LA's records ([`RecordSet`], as `Store::annex_a_records` reads them) and a period into the
//! seven lists, as rows of typed cells under the columns of Ofsted's template ([`columns`], embedded from
//! `annexa-lists-1-7.csv`, a copy of the Lists 1–7 rows of `reference/dfe/annexa-lists.csv`). The writers turn
//! them into an XLSX workbook (one sheet per list, named "List 1"… with the header in row 1, as the Annex A
//! template has them) or one CSV file per list. Pure: no IO besides the bytes handed back.
//!
//! Which records each list holds (the period is inclusive at both ends):
//! 1. contacts received in the period (London date);
//! 2. early help episodes (our record of an early help assessment and the help that followed) started in the
//!    period;
//! 3. referrals (CIN episodes) whose referral date is in the period;
//! 4. child and family assessments started in the period;
//! 5. section 47 enquiries started in the period, with their initial child protection conferences;
//! 6. children in need: CIN episodes open at any time in the period, except referrals that led to no further
//!    action (those were never open cases);
//! 7. child protection plans open at any time in the period.
//!
//! Nothing recorded after the period shows: a closure, authorisation, conference or visit after the last day
//! of the period is left out, as it would have been in a return made on that day.

mod lists;
mod values;
mod write;

use std::fmt;

use domain::datetime::Date;
use domain::records::RecordSet;

pub use lists::{build_lists, months_before};
pub use values::{
    abuse_category, closure_reason, disability, ethnicity, gender, primary_need, referral_source,
    yes_no,
};
pub use write::{csv_bytes, xlsx_bytes};

/// The Lists 1–7 rows of Ofsted's column catalogue (list, position, column, type, can_be_blank,
/// allowed_values).
pub const COLUMNS_CSV: &str = include_str!("annexa-lists-1-7.csv");

/// Problems building or writing the lists. None of them is the user's fault: the column catalogue is
/// embedded, and the lists are built from records already stored.
#[derive(Debug, thiserror::Error)]
pub enum AnnexAError {
    #[error("the Annex A column catalogue: {0}")]
    Catalogue(String),
    #[error("writing the XLSX workbook: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error("writing CSV: {0}")]
    Csv(#[from] csv::Error),
    #[error("List {list}: a row has {got} cells for {want} columns")]
    RowShape { list: u8, got: usize, want: usize },
}

/// What a column holds, as the catalogue says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnType {
    Text,
    Date,
    Integer,
}

/// One column of a list, from the catalogue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColumnSpec {
    pub list: u8,
    pub position: u16,
    pub name: String,
    pub kind: ColumnType,
    pub can_be_blank: bool,
    /// The values Ofsted's template accepts (empty when the column is free).
    pub allowed: Vec<String>,
}

/// One cell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cell {
    Blank,
    Text(String),
    Date(Date),
    Number(i64),
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    pub fn date(d: Option<Date>) -> Cell {
        d.map_or(Cell::Blank, Cell::Date)
    }

    /// The cell as the CSV files and the template write it: dates DD/MM/YYYY.
    pub fn display(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for Cell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cell::Blank => Ok(()),
            Cell::Text(s) => f.write_str(s),
            Cell::Date(d) => write!(f, "{:02}/{:02}/{:04}", d.day(), d.month(), d.year()),
            Cell::Number(n) => write!(f, "{n}"),
        }
    }
}

/// The seven lists, in order.
pub const LISTS: [(u8, &str, &str); 7] = [
    (1, "Contacts", "list-1-contacts.csv"),
    (2, "Early help", "list-2-early-help.csv"),
    (3, "Referrals", "list-3-referrals.csv"),
    (4, "Assessments", "list-4-assessments.csv"),
    (5, "Section 47 enquiries", "list-5-section-47.csv"),
    (6, "Children in need", "list-6-children-in-need.csv"),
    (7, "Child protection", "list-7-child-protection.csv"),
];

/// One list: its columns and rows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct List {
    pub number: u8,
    pub title: &'static str,
    /// The CSV file name (`list-1-contacts.csv`, …).
    pub file_name: &'static str,
    pub columns: Vec<ColumnSpec>,
    pub rows: Vec<Vec<Cell>>,
}

impl List {
    /// The sheet name the Annex A template uses: "List 1".
    pub fn sheet_name(&self) -> String {
        format!("List {}", self.number)
    }
}

/// Annex A Lists 1–7 for one period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnnexA {
    pub from: Date,
    pub to: Date,
    pub lists: Vec<List>,
}

impl AnnexA {
    /// Rows per list, for reporting what was written.
    pub fn row_counts(&self) -> Vec<(u8, &'static str, usize)> {
        self.lists
            .iter()
            .map(|l| (l.number, l.title, l.rows.len()))
            .collect()
    }
}

/// The columns of Lists 1–7, in catalogue order (by list, then position).
pub fn columns() -> Result<Vec<ColumnSpec>, AnnexAError> {
    parse_columns(COLUMNS_CSV)
}

/// Parse a column catalogue in the shape of `reference/dfe/annexa-lists.csv`, keeping Lists 1–7.
pub fn parse_columns(text: &str) -> Result<Vec<ColumnSpec>, AnnexAError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record?;
        let field = |i: usize| record.get(i).unwrap_or("").trim();
        let Some(list) = field(0)
            .strip_prefix("List ")
            .and_then(|n| n.parse::<u8>().ok())
        else {
            return Err(AnnexAError::Catalogue(format!(
                "'{}' is not a list name",
                field(0)
            )));
        };
        if !(1..=7).contains(&list) {
            continue;
        }
        let position = field(1).parse::<u16>().map_err(|_| {
            AnnexAError::Catalogue(format!("List {list}: '{}' is not a position", field(1)))
        })?;
        let kind = match field(3) {
            "text" => ColumnType::Text,
            "date" => ColumnType::Date,
            "integer" => ColumnType::Integer,
            other => {
                return Err(AnnexAError::Catalogue(format!(
                    "List {list}: unknown column type '{other}'"
                )));
            }
        };
        let allowed = field(5)
            .split(" | ")
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        out.push(ColumnSpec {
            list,
            position,
            name: field(2).to_owned(),
            kind,
            can_be_blank: field(4).eq_ignore_ascii_case("true"),
            allowed,
        });
    }
    out.sort_by_key(|c| (c.list, c.position));
    Ok(out)
}

/// Build Lists 1–7 for the period `from..=to` from an LA's records (see the module documentation for what
/// each list holds).
pub fn build(records: &RecordSet, from: Date, to: Date) -> Result<AnnexA, AnnexAError> {
    let columns = columns()?;
    let rows = build_lists(records, from, to);
    let mut lists = Vec::with_capacity(LISTS.len());
    for ((number, title, file_name), rows) in LISTS.into_iter().zip(rows) {
        let cols: Vec<ColumnSpec> = columns
            .iter()
            .filter(|c| c.list == number)
            .cloned()
            .collect();
        if let Some(bad) = rows.iter().find(|r| r.len() != cols.len()) {
            return Err(AnnexAError::RowShape {
                list: number,
                got: bad.len(),
                want: cols.len(),
            });
        }
        lists.push(List {
            number,
            title,
            file_name,
            columns: cols,
            rows,
        });
    }
    Ok(AnnexA { from, to, lists })
}
