//! Writing a [`CensusReturn`] as CIN census XML: the XSD's element order, two-space indents, dates as
//! `YYYY-MM-DD`, nothing written for a value that is `None` (or an empty list), text escaped.

use std::fmt::Write as _;

use domain::census::{
    Assessment, CensusReturn, Child, CinDetails, CinPlan, CpPlan, Header, Section47,
};
use domain::datetime::Date;

/// The return as CIN census XML.
///
/// `Sex` is written, not `GenderCurrent`, unless the child has only a `GenderCurrent` (an older return read
/// from a file). Review dates that are `None` are left out, as are values that XML cannot carry (control
/// characters other than tab and line breaks).
pub fn write(census: &CensusReturn) -> String {
    let mut w = Writer {
        out: String::with_capacity(256 + census.children.len() * 1200),
    };
    w.out
        .push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    w.open(0, "Message");
    w.header(&census.header);
    w.open(1, "Children");
    for child in &census.children {
        w.child(child);
    }
    w.close(1, "Children");
    w.close(0, "Message");
    w.out
}

/// Write the return as CIN census XML to `out`.
pub fn write_to(census: &CensusReturn, out: &mut impl std::io::Write) -> std::io::Result<()> {
    out.write_all(write(census).as_bytes())
}

struct Writer {
    out: String,
}

impl Writer {
    fn indent(&mut self, depth: usize) {
        for _ in 0..depth {
            self.out.push_str("  ");
        }
    }

    fn open(&mut self, depth: usize, name: &str) {
        self.indent(depth);
        self.out.push('<');
        self.out.push_str(name);
        self.out.push_str(">\n");
    }

    fn close(&mut self, depth: usize, name: &str) {
        self.indent(depth);
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
    }

    fn text(&mut self, depth: usize, name: &str, value: Option<&str>) {
        let Some(value) = value else {
            return;
        };
        self.indent(depth);
        self.out.push('<');
        self.out.push_str(name);
        self.out.push('>');
        escape_into(&mut self.out, value);
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
    }

    fn string(&mut self, depth: usize, name: &str, value: &Option<String>) {
        self.text(depth, name, value.as_deref());
    }

    fn date(&mut self, depth: usize, name: &str, value: Option<Date>) {
        let Some(date) = value else {
            return;
        };
        self.indent(depth);
        self.out.push('<');
        self.out.push_str(name);
        self.out.push('>');
        push_date(&mut self.out, date);
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
    }

    fn header(&mut self, h: &Header) {
        let collection = h.collection.is_some() || h.year.is_some() || h.reference_date.is_some();
        let source = h.source_level.is_some()
            || h.lea.is_some()
            || h.software_code.is_some()
            || h.release.is_some()
            || h.serial_no.is_some()
            || h.date_time.is_some();
        if !collection && !source {
            return;
        }
        self.open(1, "Header");
        if collection {
            self.open(2, "CollectionDetails");
            self.string(3, "Collection", &h.collection);
            self.string(3, "Year", &h.year);
            self.date(3, "ReferenceDate", h.reference_date);
            self.close(2, "CollectionDetails");
        }
        if source {
            self.open(2, "Source");
            self.string(3, "SourceLevel", &h.source_level);
            self.string(3, "LEA", &h.lea);
            self.string(3, "SoftwareCode", &h.software_code);
            self.string(3, "Release", &h.release);
            self.string(3, "SerialNo", &h.serial_no);
            self.string(3, "DateTime", &h.date_time);
            self.close(2, "Source");
        }
        self.close(1, "Header");
    }

    fn child(&mut self, c: &Child) {
        self.open(2, "Child");
        self.open(3, "ChildIdentifiers");
        self.string(4, "LAchildID", &c.la_child_id);
        self.string(4, "UPN", &c.upn);
        self.string(4, "FormerUPN", &c.former_upn);
        self.string(4, "UPNunknown", &c.upn_unknown);
        self.date(4, "PersonBirthDate", c.birth_date);
        self.date(4, "ExpectedPersonBirthDate", c.expected_birth_date);
        if c.sex.is_some() {
            self.string(4, "Sex", &c.sex);
        } else {
            self.string(4, "GenderCurrent", &c.gender_current);
        }
        self.date(4, "PersonDeathDate", c.death_date);
        self.close(3, "ChildIdentifiers");
        self.open(3, "ChildCharacteristics");
        self.string(4, "Ethnicity", &c.ethnicity);
        if !c.disabilities.is_empty() {
            self.open(4, "Disabilities");
            for d in &c.disabilities {
                self.text(5, "Disability", Some(d));
            }
            self.close(4, "Disabilities");
        }
        self.close(3, "ChildCharacteristics");
        for cin in &c.cin_details {
            self.cin_details(cin);
        }
        self.close(2, "Child");
    }

    fn cin_details(&mut self, cin: &CinDetails) {
        self.open(3, "CINdetails");
        self.date(4, "CINreferralDate", cin.referral_date);
        self.string(4, "ReferralSource", &cin.referral_source);
        self.string(4, "PrimaryNeedCode", &cin.primary_need);
        self.date(4, "CINclosureDate", cin.closure_date);
        self.string(4, "ReasonForClosure", &cin.reason_for_closure);
        self.date(4, "DateOfInitialCPC", cin.date_of_initial_cpc);
        for a in &cin.assessments {
            self.assessment(a);
        }
        for p in &cin.cin_plans {
            self.cin_plan(p);
        }
        for s in &cin.section47s {
            self.section47(s);
        }
        self.string(4, "ReferralNFA", &cin.referral_nfa);
        for p in &cin.cp_plans {
            self.cp_plan(p);
        }
        self.close(3, "CINdetails");
    }

    fn assessment(&mut self, a: &Assessment) {
        self.open(4, "Assessments");
        self.date(5, "AssessmentActualStartDate", a.start_date);
        self.date(5, "AssessmentInternalReviewDate", a.internal_review_date);
        self.date(5, "AssessmentAuthorisationDate", a.authorisation_date);
        if !a.factors.is_empty() {
            self.open(5, "FactorsIdentifiedAtAssessment");
            for f in &a.factors {
                self.text(6, "AssessmentFactors", Some(f));
            }
            self.close(5, "FactorsIdentifiedAtAssessment");
        }
        self.close(4, "Assessments");
    }

    fn cin_plan(&mut self, p: &CinPlan) {
        self.open(4, "CINPlanDates");
        self.date(5, "CINPlanStartDate", p.start_date);
        self.date(5, "CINPlanEndDate", p.end_date);
        self.close(4, "CINPlanDates");
    }

    fn section47(&mut self, s: &Section47) {
        self.open(4, "Section47");
        self.date(5, "S47ActualStartDate", s.start_date);
        self.date(5, "InitialCPCtarget", s.icpc_target);
        self.date(5, "DateOfInitialCPC", s.date_of_initial_cpc);
        self.string(5, "ICPCnotRequired", &s.icpc_not_required);
        self.close(4, "Section47");
    }

    fn cp_plan(&mut self, p: &CpPlan) {
        self.open(4, "ChildProtectionPlans");
        self.date(5, "CPPstartDate", p.start_date);
        self.date(5, "CPPendDate", p.end_date);
        self.string(5, "InitialCategoryOfAbuse", &p.initial_category);
        self.string(5, "LatestCategoryOfAbuse", &p.latest_category);
        self.string(5, "NumberOfPreviousCPP", &p.number_of_previous_cpp);
        if p.reviews.iter().any(Option::is_some) {
            self.open(5, "Reviews");
            for review in p.reviews.iter().flatten() {
                self.date(6, "CPPreviewDate", Some(*review));
            }
            self.close(5, "Reviews");
        }
        self.close(4, "ChildProtectionPlans");
    }
}

/// `YYYY-MM-DD` (years outside 0001 to 9999 as jiff writes them, which no census date is).
fn push_date(out: &mut String, date: Date) {
    let (y, m, d) = (date.year(), date.month(), date.day());
    if (1..=9999).contains(&y) {
        let _ = write!(out, "{y:04}-{m:02}-{d:02}");
    } else {
        let _ = write!(out, "{date}");
    }
}

/// Text content escaped: `&`, `<` and `>` as entities, a carriage return as a character reference (so that
/// it survives line-end normalisation), and other control characters, which XML 1.0 cannot carry, left out.
fn escape_into(out: &mut String, value: &str) {
    let special =
        |c: char| matches!(c, '&' | '<' | '>') || (c.is_control() && !matches!(c, '\t' | '\n'));
    if !value.contains(special) {
        out.push_str(value);
        return;
    }
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            '\t' | '\n' => out.push(c),
            c if c.is_control() && (c as u32) < 0x20 => {}
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_text() {
        let mut out = String::new();
        escape_into(&mut out, "a&b<c>d\re\u{1}f\u{85}g");
        assert_eq!(out, "a&amp;b&lt;c&gt;d&#13;ef\u{85}g");
    }

    #[test]
    fn dates_are_iso() -> Result<(), Box<dyn std::error::Error>> {
        let mut out = String::new();
        push_date(&mut out, Date::new(987, 4, 1)?);
        assert_eq!(out, "0987-04-01");
        Ok(())
    }
}
