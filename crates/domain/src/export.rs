//! Tables written for spreadsheets (CSV downloads of reports and dashboards): one way to write a cell, safe to
//! open in a spreadsheet.

/// A cell of a CSV file: quoted when it holds a comma, quote or line break; a leading `=`, `+`, `-` or `@`
/// is prefixed with `'` so that a spreadsheet does not run it as a formula.
pub fn csv_cell(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_owned()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// One CSV line of `cells` (each written with [`csv_cell`]), ending CRLF as RFC 4180 says.
pub fn csv_line<S: AsRef<str>>(cells: &[S]) -> String {
    let mut line = cells
        .iter()
        .map(|c| csv_cell(c.as_ref()))
        .collect::<Vec<_>>()
        .join(",");
    line.push_str("\r\n");
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_when_needed_and_never_run_as_formulas() {
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_cell("a, b"), "\"a, b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(csv_line(&["a", "=b", "c,d"]), "a,'=b,\"c,d\"\r\n");
    }
}
