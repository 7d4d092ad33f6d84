//! `frontdoor validate cin-census` on a clean file, a faulty file and a broken file: exit codes, and output that
//! names the rule, the child and the line.

use std::path::Path;
use std::process::{Command, Output};

const HEADER: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<Message>
  <Header>
    <CollectionDetails>
      <Collection>CIN</Collection>
      <Year>2025</Year>
      <ReferenceDate>2025-03-31</ReferenceDate>
    </CollectionDetails>
    <Source>
      <SourceLevel>L</SourceLevel>
      <LEA>873</LEA>
      <SoftwareCode>test</SoftwareCode>
      <Release>1.0</Release>
      <SerialNo>001</SerialNo>
      <DateTime>2025-05-01T09:00:00</DateTime>
    </Source>
  </Header>
  <Children>
"#;

/// A child the DfE's rules find nothing wrong with (from the reference's own synthetic return).
const CHILD: &str = "    <Child>
      <ChildIdentifiers>
        <LAchildID>C87300000002</LAchildID>
        <UPN>M873970095930</UPN>
        <PersonBirthDate>2012-07-17</PersonBirthDate>
        <Sex>F</Sex>
      </ChildIdentifiers>
      <ChildCharacteristics>
        <Ethnicity>BCRB</Ethnicity>
        <Disabilities>
          <Disability>NONE</Disability>
        </Disabilities>
      </ChildCharacteristics>
      <CINdetails>
        <CINreferralDate>2024-12-16</CINreferralDate>
        <ReferralSource>6</ReferralSource>
        <PrimaryNeedCode>N1</PrimaryNeedCode>
        <Assessments>
          <AssessmentActualStartDate>2024-12-16</AssessmentActualStartDate>
          <AssessmentAuthorisationDate>2025-01-15</AssessmentAuthorisationDate>
          <FactorsIdentifiedAtAssessment>
            <AssessmentFactors>6B</AssessmentFactors>
            <AssessmentFactors>2B</AssessmentFactors>
          </FactorsIdentifiedAtAssessment>
        </Assessments>
        <CINPlanDates>
          <CINPlanStartDate>2025-01-15</CINPlanStartDate>
        </CINPlanDates>
        <ReferralNFA>false</ReferralNFA>
      </CINdetails>
    </Child>
";

const FOOTER: &str = "  </Children>\n</Message>\n";

fn validate(dir: &Path, name: &str, xml: &str, args: &[&str]) -> Result<Output, std::io::Error> {
    let path = dir.join(name);
    std::fs::write(&path, xml)?;
    Command::new(env!("CARGO_BIN_EXE_frontdoor"))
        .args(["validate", "cin-census"])
        .arg(&path)
        .args(args)
        .output()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The line of the first line of `xml` containing `needle` (1-based).
fn line_of(xml: &str, needle: &str) -> usize {
    xml.lines()
        .position(|l| l.contains(needle))
        .map_or(0, |i| i + 1)
}

#[test]
fn a_clean_file_exits_0_with_a_summary() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let xml = format!("{HEADER}{CHILD}{FOOTER}");
    let out = validate(dir.path(), "clean.xml", &xml, &[])?;
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    let last = stdout.lines().last().unwrap_or_default();
    assert!(last.starts_with("1 child: 0 errors, "), "{last}");
    assert!(last.contains("0 schema problems"), "{last}");
    Ok(())
}

#[test]
fn a_faulty_file_exits_1_and_names_the_rule_child_and_line()
-> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    // No primary need on an episode that is not NFA (rule 8610), and a referral source not in the list.
    let child = CHILD
        .replace("        <PrimaryNeedCode>N1</PrimaryNeedCode>\n", "")
        .replace(
            "<ReferralSource>6</ReferralSource>",
            "<ReferralSource>X9</ReferralSource>",
        );
    let xml = format!("{HEADER}{child}{FOOTER}");
    let cin_line = line_of(&xml, "<CINdetails>");
    let source_line = line_of(&xml, "<ReferralSource>");

    let out = validate(dir.path(), "faulty.xml", &xml, &[])?;
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", text(&out.stderr));
    assert!(
        stdout.lines().any(|l| l.starts_with(&format!(
            "line {cin_line}: 8610 error LA child ID C87300000002 "
        ))),
        "{stdout}"
    );
    assert!(
        stdout.lines().any(|l| l.starts_with(&format!(
            "line {source_line}: schema error LA child ID C87300000002 "
        )) && l.contains("ReferralSource 'X9' is not a code in the list")),
        "{stdout}"
    );

    let out = validate(
        dir.path(),
        "faulty.xml",
        &xml,
        &["--json", "--year", "2025"],
    )?;
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    assert_eq!(json["year"], 2025);
    assert_eq!(json["children"], 1);
    let findings = json["findings"].as_array().ok_or("findings")?;
    assert!(
        findings.iter().any(|f| f["code"] == "8610"
            && f["severity"] == "error"
            && f["la_child_id"] == "C87300000002"
            && f["line"] == cin_line),
        "{findings:?}"
    );
    let problems = json["schema_problems"]
        .as_array()
        .ok_or("schema_problems")?;
    assert!(problems.iter().any(|p| p["line"] == source_line
        && p["path"] == "Message/Children/Child/CINdetails/ReferralSource"));
    Ok(())
}

#[test]
fn a_broken_file_exits_2_naming_the_file_and_line() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let xml = format!(
        "{HEADER}{}{FOOTER}",
        CHILD.replace("</Ethnicity>", "</Ethnic>")
    );
    let line = line_of(&xml, "</Ethnic>");
    let out = validate(dir.path(), "broken.xml", &xml, &[])?;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("broken.xml"), "{stderr}");
    assert!(stderr.contains(&format!("line {line}:")), "{stderr}");

    let out = Command::new(env!("CARGO_BIN_EXE_frontdoor"))
        .args(["validate", "cin-census"])
        .arg(dir.path().join("missing.xml"))
        .output()?;
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("missing.xml"));
    Ok(())
}
