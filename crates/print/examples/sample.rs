//! Writes a sample case summary to standard output, to see the layout: `cargo run -p print --example sample > s.pdf`.

use std::io::Write;

use print::{Block, Column, Document};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rows = (1..=60)
        .map(|i| {
            vec![
                format!("{i} March 2026"),
                "Case note".to_owned(),
                format!("Home visit {i}: Zoë seen alone in her bedroom; she said school is going better and she likes her new teacher. Mother engaged well."),
            ]
        })
        .collect();
    let doc = Document::new("Case summary: Zoë Łukasiewicz")
        .with_subtitle("Born 3 March 2015 (11) · NHS 943 476 5919 · LA child ID 213-000123")
        .with_subtitle("Westminster (213) · Chronology from 1 January 2026 to 5 December 2026")
        .with_footer("Printed by Sam Worker (social worker) on 5 December 2026 at 14:02")
        .push(Block::Heading("Identity".into()))
        .push(Block::Facts(vec![
            ("Date of birth".into(), "3 March 2015".into()),
            ("Ethnicity".into(), "White and Black Caribbean".into()),
            ("First language".into(), "English".into()),
            (
                "Address".into(),
                "Flat 4, 12 Harrow Road, London W2 5AA (since 4 May 2023)".into(),
            ),
        ]))
        .push(Block::Heading("Family".into()))
        .push(Block::Bullets(vec![
            "Amira Łukasiewicz, mother (parental responsibility)".into(),
            "Tom Łukasiewicz, brother, born 2018".into(),
        ]))
        .push(Block::Heading("Chronology".into()))
        .push(Block::Table {
            columns: vec![
                Column::new("When", 1.2),
                Column::new("Kind", 1.0),
                Column::new("What happened", 4.0),
            ],
            rows,
        })
        .push(Block::Hint("End of chronology".into()))
        .push(Block::Signature("Team manager".into()));
    std::io::stdout().write_all(&print::pdf(&doc)?)?;
    Ok(())
}
