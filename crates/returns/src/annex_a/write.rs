//! Writing the lists: an XLSX workbook (one sheet per list, as Ofsted's template has them) or CSV files.

use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, Workbook};

use super::{AnnexA, AnnexAError, Cell, ColumnType, List};

/// The workbook: sheets "List 1" … "List 7", the column names in row 1 (bold, wrapped, frozen), dates as real
/// Excel dates shown dd/mm/yyyy, integers as numbers, and widths to fit the values.
pub fn xlsx_bytes(annex: &AnnexA) -> Result<Vec<u8>, AnnexAError> {
    let mut workbook = Workbook::new();
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Top);
    let date = Format::new().set_num_format("dd/mm/yyyy");
    for list in &annex.lists {
        let sheet = workbook.add_worksheet();
        sheet.set_name(list.sheet_name())?;
        for (col, spec) in list.columns.iter().enumerate() {
            let col = u16::try_from(col).unwrap_or(u16::MAX);
            sheet.write_string_with_format(0, col, &spec.name, &header)?;
            sheet.set_column_width(col, width(list, usize::from(col)))?;
        }
        sheet.set_freeze_panes(1, 0)?;
        for (r, row) in list.rows.iter().enumerate() {
            let r = u32::try_from(r + 1).unwrap_or(u32::MAX);
            for (col, cell) in row.iter().enumerate() {
                let col = u16::try_from(col).unwrap_or(u16::MAX);
                match cell {
                    Cell::Blank => {}
                    Cell::Text(s) => {
                        sheet.write_string(r, col, s)?;
                    }
                    Cell::Number(n) => {
                        // Counts and ages: far inside f64's exact range.
                        #[allow(clippy::cast_precision_loss)]
                        sheet.write_number(r, col, *n as f64)?;
                    }
                    Cell::Date(d) => {
                        let x = ExcelDateTime::from_ymd(
                            u16::try_from(d.year()).unwrap_or(1900),
                            u8::try_from(d.month()).unwrap_or(1),
                            u8::try_from(d.day()).unwrap_or(1),
                        )?;
                        sheet.write_datetime_with_format(r, col, &x, &date)?;
                    }
                }
            }
        }
    }
    Ok(workbook.save_to_buffer()?)
}

/// A column's width in characters: the widest value (dates 10 wide), the header wrapped over up to three
/// lines, within 10 to 45.
fn width(list: &List, col: usize) -> f64 {
    let Some(spec) = list.columns.get(col) else {
        return 12.0;
    };
    let header = spec.name.chars().count().div_ceil(3);
    let values = match spec.kind {
        ColumnType::Date => 10,
        ColumnType::Integer => 6,
        ColumnType::Text => list
            .rows
            .iter()
            .take(2_000)
            .filter_map(|r| r.get(col))
            .map(|c| c.to_string().chars().count())
            .max()
            .unwrap_or(0),
    };
    let chars = header.max(values).clamp(10, 45);
    // Whole characters; the small padding keeps text off the cell border.
    f64::from(u32::try_from(chars).unwrap_or(45)) + 2.0
}

/// One list as CSV: the header row, then one row per record; dates DD/MM/YYYY, blanks empty.
pub fn csv_bytes(list: &List) -> Result<Vec<u8>, AnnexAError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(list.columns.iter().map(|c| c.name.as_str()))?;
    for row in &list.rows {
        w.write_record(row.iter().map(Cell::display))?;
    }
    w.into_inner()
        .map_err(|e| AnnexAError::Csv(csv::Error::from(e.into_error())))
}
