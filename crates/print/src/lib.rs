//! Printed documents: what Frontdoor hands over on paper (a case summary for a conference, a chronology for the
//! court, a letter to a family), laid out on A4 pages as PDF.
//!
//! A [`Document`] is a title and a list of [`Block`]s (headings, paragraphs, facts, tables, lists); [`pdf`] breaks
//! them into lines and pages and writes the PDF with [krilla](https://docs.rs/krilla), embedding DejaVu Sans so
//! that any name prints as written. Every page carries the document's classification at its head and foot, the
//! document's footer line (who printed it and when) and "Page n of m". Nothing here reads a record: callers build
//! the document from what they have already read (and audited).
//!
//! ```
//! use print::{Block, Document};
//!
//! let doc = Document::new("Case summary: Ada Smith")
//!     .with_footer("Printed by Sam Worker on 5 December 2026")
//!     .push(Block::Heading("Identity".into()))
//!     .push(Block::Facts(vec![("Date of birth".into(), "3 March 2015".into())]));
//! let bytes = print::pdf(&doc).unwrap();
//! assert!(bytes.starts_with(b"%PDF-"));
//! ```

mod layout;
mod measure;
#[cfg(feature = "read-back")]
pub mod read_back;

pub use layout::pages_of;

/// The security classification printed at the head and foot of every page: children's social care records are
/// OFFICIAL-SENSITIVE under the Government Security Classifications.
pub const CLASSIFICATION: &str = "OFFICIAL-SENSITIVE";

/// A document to print.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Document {
    /// The title, on the first page and in the PDF's metadata.
    pub title: String,
    /// Lines under the title (e.g. the child's name and identifiers, the period covered).
    pub subtitle: Vec<String>,
    /// The line at the foot of every page (who printed it and when).
    pub footer: String,
    pub blocks: Vec<Block>,
}

impl Document {
    pub fn new(title: impl Into<String>) -> Document {
        Document {
            title: title.into(),
            ..Document::default()
        }
    }

    pub fn with_subtitle(mut self, line: impl Into<String>) -> Document {
        self.subtitle.push(line.into());
        self
    }

    pub fn with_footer(mut self, footer: impl Into<String>) -> Document {
        self.footer = footer.into();
        self
    }

    pub fn push(mut self, block: Block) -> Document {
        self.blocks.push(block);
        self
    }
}

/// A part of a document, laid out in order down the page.
#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    /// A section heading.
    Heading(String),
    /// A heading within a section.
    Subheading(String),
    /// Running text; line breaks in it are kept.
    Paragraph(String),
    /// Text in grey (e.g. "None recorded").
    Hint(String),
    /// Label and value pairs, as a GOV.UK summary list prints.
    Facts(Vec<(String, String)>),
    /// A bulleted list.
    Bullets(Vec<String>),
    /// A table whose header row repeats on every page it spans.
    Table {
        columns: Vec<Column>,
        rows: Vec<Vec<String>>,
    },
    /// Space for a signature, with a caption under the line.
    Signature(String),
}

/// A column of a [`Block::Table`].
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    pub title: String,
    /// Its share of the page's width; the shares of a table's columns are scaled to fill the width.
    pub share: f32,
}

impl Column {
    pub fn new(title: impl Into<String>, share: f32) -> Column {
        Column {
            title: title.into(),
            share,
        }
    }
}

/// Why a document could not be written.
#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    #[error("the embedded font could not be read")]
    Font,
    #[error("the PDF could not be written: {0}")]
    Pdf(String),
}

/// The document as PDF bytes.
pub fn pdf(doc: &Document) -> Result<Vec<u8>, PrintError> {
    layout::write(doc)
}
