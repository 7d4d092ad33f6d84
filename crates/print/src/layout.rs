//! Blocks into lines, lines into A4 pages, pages into PDF.

use krilla::Document as Pdf;
use krilla::color::luma;
use krilla::geom::{PathBuilder, Point};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::text::{Font, TextDirection};

use crate::measure::{self, BOLD, REGULAR, Widths};
use crate::{Block, CLASSIFICATION, Document, PrintError};

/// A4, in points.
const PAGE_WIDTH: f32 = 595.28;
const PAGE_HEIGHT: f32 = 841.89;
/// 20 mm.
const MARGIN: f32 = 56.7;
const TOP: f32 = MARGIN;
/// The foot of the text area: below it come the footer lines.
const BOTTOM: f32 = PAGE_HEIGHT - MARGIN;
const WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN;

const BODY: f32 = 10.0;
const SMALL: f32 = 8.0;
const HEADING: f32 = 14.0;
const SUBHEADING: f32 = 11.0;
const TITLE: f32 = 18.0;
/// Line height as a multiple of the font size.
const LEADING: f32 = 1.35;
/// Padding inside a table cell.
const CELL_PAD: f32 = 4.0;
/// The label column of a list of facts.
const FACT_LABEL_SHARE: f32 = 0.32;

/// How a run of text is set.
#[derive(Clone, Copy, Debug)]
struct Style {
    size: f32,
    bold: bool,
    grey: bool,
}

const PLAIN: Style = Style {
    size: BODY,
    bold: false,
    grey: false,
};
const GREY: Style = Style {
    size: BODY,
    bold: false,
    grey: true,
};
const HEADING_STYLE: Style = Style {
    size: HEADING,
    bold: true,
    grey: false,
};
const SUBHEADING_STYLE: Style = Style {
    size: SUBHEADING,
    bold: true,
    grey: false,
};
const TITLE_STYLE: Style = Style {
    size: TITLE,
    bold: true,
    grey: false,
};

/// What is drawn on a page.
#[derive(Clone, Debug, PartialEq)]
enum Mark {
    /// Text with its baseline at `y`.
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        grey: bool,
        text: String,
    },
    /// A horizontal rule.
    Rule {
        x1: f32,
        x2: f32,
        y: f32,
        width: f32,
    },
}

/// Pages being filled, top to bottom.
struct Pages<'w> {
    pages: Vec<Vec<Mark>>,
    /// Where the next line starts (its top), on the last page.
    y: f32,
    regular: &'w Widths,
    bold: &'w Widths,
}

impl<'w> Pages<'w> {
    fn new(regular: &'w Widths, bold: &'w Widths) -> Pages<'w> {
        Pages {
            pages: vec![Vec::new()],
            y: TOP,
            regular,
            bold,
        }
    }

    fn widths(&self, bold: bool) -> &'w Widths {
        if bold { self.bold } else { self.regular }
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = TOP;
    }

    /// Starts a new page unless `height` more fits on this one (a fresh page takes whatever comes).
    fn room_for(&mut self, height: f32) -> bool {
        if self.y + height > BOTTOM && self.y > TOP {
            self.new_page();
            return true;
        }
        false
    }

    fn mark(&mut self, mark: Mark) {
        if let Some(page) = self.pages.last_mut() {
            page.push(mark);
        }
    }

    fn text_line(&mut self, x: f32, size: f32, bold: bool, grey: bool, text: String) {
        let y = self.y + size * 0.95;
        self.mark(Mark::Text {
            x,
            y,
            size,
            bold,
            grey,
            text,
        });
    }

    /// Running text at `x`, `width` wide; `keep` lines of it are kept together on one page at its start (so a
    /// heading is never the last line of a page).
    fn text(&mut self, text: &str, x: f32, width: f32, style: Style, keep: usize) {
        let Style { size, bold, grey } = style;
        let lines = measure::wrap(text, width, size, self.widths(bold));
        let line_height = size * LEADING;
        let keep = keep.min(lines.len()).max(1);
        self.room_for(line_height * keep as f32);
        for line in lines {
            self.room_for(line_height);
            self.text_line(x, size, bold, grey, line);
            self.y += line_height;
        }
    }

    fn gap(&mut self, points: f32) {
        self.y += points;
    }

    fn rule(&mut self, x1: f32, x2: f32, width: f32) {
        let y = self.y;
        self.mark(Mark::Rule { x1, x2, y, width });
    }

    /// One row of cells side by side (each cell `(x, width, text, bold)`), its lines kept together when they fit
    /// on a page; `on_new_page` draws what each continued page starts with (a table's header).
    fn row(
        &mut self,
        cells: &[(f32, f32, &str, bool)],
        size: f32,
        on_new_page: &mut dyn FnMut(&mut Self),
    ) {
        let wrapped: Vec<Vec<String>> = cells
            .iter()
            .map(|(_, width, text, bold)| {
                measure::wrap(text, width - 2.0 * CELL_PAD, size, self.widths(*bold))
            })
            .collect();
        let line_height = size * LEADING;
        let count = wrapped.iter().map(Vec::len).max().unwrap_or(1);
        let height = count as f32 * line_height + 2.0 * CELL_PAD;
        if height <= BOTTOM - TOP - 3.0 * line_height && self.room_for(height) {
            on_new_page(self);
        }
        self.y += CELL_PAD;
        for i in 0..count {
            if self.y + line_height > BOTTOM {
                self.new_page();
                on_new_page(self);
            }
            for ((x, _, _, bold), lines) in cells.iter().zip(&wrapped) {
                if let Some(line) = lines.get(i) {
                    self.text_line(x + CELL_PAD, size, *bold, false, line.clone());
                }
            }
            self.y += line_height;
        }
        self.y += CELL_PAD;
    }

    fn block(&mut self, block: &Block) {
        match block {
            Block::Heading(text) => {
                self.gap(10.0);
                // A heading keeps two lines of what follows on its page.
                self.room_for(HEADING * LEADING + 3.0 * BODY * LEADING);
                self.text(text, MARGIN, WIDTH, HEADING_STYLE, 1);
                self.rule(MARGIN, MARGIN + WIDTH, 0.75);
                self.gap(6.0);
            }
            Block::Subheading(text) => {
                self.gap(6.0);
                self.room_for(SUBHEADING * LEADING + 2.0 * BODY * LEADING);
                self.text(text, MARGIN, WIDTH, SUBHEADING_STYLE, 1);
                self.gap(2.0);
            }
            Block::Paragraph(text) => {
                self.text(text, MARGIN, WIDTH, PLAIN, 2);
                self.gap(4.0);
            }
            Block::Hint(text) => {
                self.text(text, MARGIN, WIDTH, GREY, 1);
                self.gap(4.0);
            }
            Block::Facts(facts) => {
                let label = WIDTH * FACT_LABEL_SHARE;
                for (key, value) in facts {
                    let cells = [
                        (MARGIN, label, key.as_str(), true),
                        (MARGIN + label, WIDTH - label, value.as_str(), false),
                    ];
                    self.row(&cells, BODY, &mut |_| {});
                    self.rule(MARGIN, MARGIN + WIDTH, 0.25);
                }
                self.gap(6.0);
            }
            Block::Bullets(items) => {
                for item in items {
                    // The bullet sits on the item's first line: make room for it first, so it stays put.
                    self.room_for(BODY * LEADING);
                    let top = self.y;
                    self.text_line(MARGIN + 2.0, BODY, false, false, "•".into());
                    self.y = top;
                    self.text(item, MARGIN + 12.0, WIDTH - 12.0, PLAIN, 1);
                }
                self.gap(4.0);
            }
            Block::Table { columns, rows } => {
                let total: f32 = columns.iter().map(|c| c.share.max(0.01)).sum();
                let mut x = MARGIN;
                let spans: Vec<(f32, f32)> = columns
                    .iter()
                    .map(|c| {
                        let width = WIDTH * c.share.max(0.01) / total;
                        let span = (x, width);
                        x += width;
                        span
                    })
                    .collect();
                let header: Vec<(f32, f32, &str, bool)> = spans
                    .iter()
                    .zip(columns)
                    .map(|((x, w), c)| (*x, *w, c.title.as_str(), true))
                    .collect();
                let mut draw_header = |pages: &mut Pages| {
                    pages.row(&header, SMALL + 1.0, &mut |_| {});
                    pages.rule(MARGIN, MARGIN + WIDTH, 0.75);
                };
                // The header and the first row start together.
                self.room_for(4.0 * BODY * LEADING);
                draw_header(self);
                for row in rows {
                    let cells: Vec<(f32, f32, &str, bool)> = spans
                        .iter()
                        .enumerate()
                        .map(|(i, (x, w))| {
                            (*x, *w, row.get(i).map(String::as_str).unwrap_or(""), false)
                        })
                        .collect();
                    self.row(&cells, SMALL + 1.0, &mut draw_header);
                    self.rule(MARGIN, MARGIN + WIDTH, 0.25);
                }
                self.gap(6.0);
            }
            Block::Signature(caption) => {
                self.room_for(60.0);
                self.gap(36.0);
                self.rule(MARGIN, MARGIN + WIDTH * 0.5, 0.5);
                self.gap(4.0);
                self.text(caption, MARGIN, WIDTH, PLAIN, 1);
            }
        }
    }
}

/// The document laid out: its pages' marks.
fn lay_out(doc: &Document) -> Result<Vec<Vec<Mark>>, PrintError> {
    let (regular, bold) = measure::widths().ok_or(PrintError::Font)?;
    let mut pages = Pages::new(regular, bold);
    pages.text(&doc.title, MARGIN, WIDTH, TITLE_STYLE, 1);
    for line in &doc.subtitle {
        pages.text(line, MARGIN, WIDTH, GREY, 1);
    }
    pages.gap(6.0);
    for block in &doc.blocks {
        pages.block(block);
    }
    Ok(pages.pages)
}

/// How many pages the document prints on.
pub fn pages_of(doc: &Document) -> Result<usize, PrintError> {
    Ok(lay_out(doc)?.len())
}

pub(crate) fn write(doc: &Document) -> Result<Vec<u8>, PrintError> {
    let pages = lay_out(doc)?;
    let regular = Font::new(REGULAR.into(), 0).ok_or(PrintError::Font)?;
    let bold = Font::new(BOLD.into(), 0).ok_or(PrintError::Font)?;
    let black = Fill {
        paint: luma::Color::black().into(),
        opacity: NormalizedF32::ONE,
        rule: Default::default(),
    };
    let grey = Fill {
        paint: luma::Color::new(80).into(),
        ..black.clone()
    };
    let (widths, _) = measure::widths().ok_or(PrintError::Font)?;
    let mut pdf = Pdf::new();
    pdf.set_metadata(
        Metadata::new()
            .title(doc.title.clone())
            .creator("Frontdoor".into())
            .language("en-GB".into()),
    );
    let count = pages.len();
    for (number, marks) in pages.into_iter().enumerate() {
        let settings = PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT)
            .ok_or_else(|| PrintError::Pdf("page size".into()))?;
        let mut page = pdf.start_page_with(settings);
        let mut surface = page.surface();
        let mut draw = |x: f32, y: f32, size: f32, font: &Font, fill: &Fill, text: &str| {
            if text.is_empty() {
                return;
            }
            surface.set_fill(Some(fill.clone()));
            surface.draw_text(
                Point::from_xy(x, y),
                font.clone(),
                size,
                text,
                false,
                TextDirection::Auto,
            );
        };
        // The classification, centred at the head and foot; the footer line and the page number.
        let centred = (PAGE_WIDTH - widths.width(CLASSIFICATION, SMALL)) / 2.0;
        draw(
            centred,
            MARGIN / 2.0 + SMALL,
            SMALL,
            &bold,
            &black,
            CLASSIFICATION,
        );
        draw(
            centred,
            PAGE_HEIGHT - MARGIN / 4.0 - SMALL,
            SMALL,
            &bold,
            &black,
            CLASSIFICATION,
        );
        draw(
            MARGIN,
            BOTTOM + 2.0 * SMALL,
            SMALL,
            &regular,
            &grey,
            &doc.footer,
        );
        let numbering = format!("Page {} of {count}", number + 1);
        let right = MARGIN + WIDTH - widths.width(&numbering, SMALL);
        draw(
            right,
            BOTTOM + 2.0 * SMALL,
            SMALL,
            &regular,
            &grey,
            &numbering,
        );
        let mut rules = Vec::new();
        for mark in &marks {
            match mark {
                Mark::Text {
                    x,
                    y,
                    size,
                    bold: is_bold,
                    grey: is_grey,
                    text,
                } => {
                    let font = if *is_bold { &bold } else { &regular };
                    let fill = if *is_grey { &grey } else { &black };
                    draw(*x, *y, *size, font, fill, text);
                }
                Mark::Rule { x1, x2, y, width } => rules.push((*x1, *x2, *y, *width)),
            }
        }
        surface.set_fill(None);
        for (x1, x2, y, width) in rules {
            let mut path = PathBuilder::new();
            path.move_to(x1, y);
            path.line_to(x2, y);
            if let Some(path) = path.finish() {
                surface.set_stroke(Some(Stroke {
                    paint: luma::Color::new(120).into(),
                    width,
                    ..Default::default()
                }));
                surface.draw_path(&path);
            }
        }
        surface.finish();
        page.finish();
    }
    pdf.finish().map_err(|e| PrintError::Pdf(format!("{e:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Column;

    fn texts(pages: &[Vec<Mark>]) -> Vec<String> {
        pages
            .iter()
            .flatten()
            .filter_map(|m| match m {
                Mark::Text { text, .. } => Some(text.clone()),
                Mark::Rule { .. } => None,
            })
            .collect()
    }

    #[test]
    fn a_long_table_spans_pages_with_its_header_on_each() {
        let rows: Vec<Vec<String>> = (0..300)
            .map(|i| vec![format!("{i} March 2026"), format!("Event number {i}, with a summary long enough to wrap onto a second line of its column")])
            .collect();
        let doc = Document::new("Chronology").push(Block::Table {
            columns: vec![Column::new("Date", 1.0), Column::new("What happened", 3.0)],
            rows,
        });
        let pages = lay_out(&doc).unwrap();
        assert!(pages.len() > 5, "{} pages", pages.len());
        for page in &pages[1..] {
            assert!(
                texts(std::slice::from_ref(page))
                    .iter()
                    .any(|t| t == "What happened"),
                "each page repeats the header"
            );
        }
        // Every event printed, once, in order.
        let all = texts(&pages);
        let dates: Vec<&String> = all.iter().filter(|t| t.ends_with("March 2026")).collect();
        assert_eq!(dates.len(), 300);
        assert_eq!(dates[299], "299 March 2026");
        // Nothing below the text area.
        for mark in pages.iter().flatten() {
            if let Mark::Text { y, .. } = mark {
                assert!(*y <= BOTTOM && *y >= TOP, "{y}");
            }
        }
    }

    #[test]
    fn the_pdf_carries_its_title_and_page_count() {
        let doc = Document::new("Case summary: Zoë Łukasiewicz")
            .with_footer("Printed by Sam on 5 December 2026")
            .push(Block::Heading("Identity".into()))
            .push(Block::Facts(vec![(
                "Name".into(),
                "Zoë Łukasiewicz".into(),
            )]))
            .push(Block::Bullets(vec!["One".into(), "Two".into()]))
            .push(Block::Signature("Signed".into()));
        let bytes = write(&doc).unwrap();
        assert!(bytes.starts_with(b"%PDF-"));
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains("/Type /Page") || text.contains("/Type/Page"));
        assert!(text.trim_end().ends_with("%%EOF"));
        assert_eq!(pages_of(&doc).unwrap(), 1);
    }

    #[cfg(feature = "read-back")]
    #[test]
    fn what_is_printed_reads_back_page_by_page() {
        let rows = (0..120)
            .map(|i| vec![format!("Row {i}"), "Zoë Łukasiewicz".to_owned()])
            .collect();
        let doc = Document::new("Chronology: Zoë Łukasiewicz")
            .with_footer("Printed by Sam")
            .push(Block::Table {
                columns: vec![Column::new("When", 1.0), Column::new("What", 2.0)],
                rows,
            });
        let pages = crate::read_back::pages_text(&write(&doc).unwrap()).unwrap();
        assert_eq!(pages.len(), pages_of(&doc).unwrap());
        assert!(
            pages[0].contains("Chronology: Zoë Łukasiewicz"),
            "{}",
            pages[0]
        );
        assert!(pages[0].contains("OFFICIAL-SENSITIVE"));
        assert!(pages[0].contains(&format!("Page 1 of {}", pages.len())));
        assert!(pages.last().unwrap().contains("Row 119"));
    }
}
