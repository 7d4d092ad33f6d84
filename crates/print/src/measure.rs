//! The embedded fonts, and how wide text set in them is.

use std::collections::HashMap;
use std::sync::LazyLock;

use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};

pub(crate) static REGULAR: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
pub(crate) static BOLD: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

/// Advance widths of one font, as fractions of its em.
pub(crate) struct Widths {
    /// Every character the font maps, so that measuring never parses the font again.
    by_char: HashMap<char, f32>,
    /// The width of a character the font lacks (drawn as its missing-glyph box).
    missing: f32,
}

impl Widths {
    fn of(bytes: &'static [u8]) -> Option<Widths> {
        let font = FontRef::new(bytes).ok()?;
        let upem = f32::from(
            font.metrics(Size::unscaled(), LocationRef::default())
                .units_per_em,
        );
        let metrics = font.glyph_metrics(Size::unscaled(), LocationRef::default());
        let by_char = font
            .charmap()
            .mappings()
            .filter_map(|(code, glyph)| {
                let ch = char::from_u32(code)?;
                Some((ch, metrics.advance_width(glyph)? / upem))
            })
            .collect();
        let missing = metrics
            .advance_width(skrifa::GlyphId::NOTDEF)
            .unwrap_or(upem * 0.6)
            / upem;
        Some(Widths { by_char, missing })
    }

    /// The width of `text` at `size` points.
    pub(crate) fn width(&self, text: &str, size: f32) -> f32 {
        text.chars()
            .map(|c| self.by_char.get(&c).copied().unwrap_or(self.missing))
            .sum::<f32>()
            * size
    }
}

static REGULAR_WIDTHS: LazyLock<Option<Widths>> = LazyLock::new(|| Widths::of(REGULAR));
static BOLD_WIDTHS: LazyLock<Option<Widths>> = LazyLock::new(|| Widths::of(BOLD));

/// The widths of the regular and the bold font; `None` if either embedded font cannot be read.
pub(crate) fn widths() -> Option<(&'static Widths, &'static Widths)> {
    Some((REGULAR_WIDTHS.as_ref()?, BOLD_WIDTHS.as_ref()?))
}

/// `text` broken into lines no wider than `max` points: at spaces where it can, inside a word only when the word
/// alone is wider than a line. Line breaks in `text` are kept; an empty text is one empty line.
pub(crate) fn wrap(text: &str, max: f32, size: f32, widths: &Widths) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_owned()
            } else {
                format!("{line} {word}")
            };
            if widths.width(&candidate, size) <= max {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            // The word starts a line; split it if it is wider than one.
            for ch in word.chars() {
                line.push(ch);
                if widths.width(&line, size) > max && line.chars().count() > 1 {
                    line.pop();
                    lines.push(std::mem::take(&mut line));
                    line.push(ch);
                }
            }
        }
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_fonts_read_and_measure() {
        let (regular, bold) = widths().expect("the embedded fonts read");
        assert!(regular.width("Ada", 10.0) > 10.0);
        assert!(bold.width("Ada", 10.0) > regular.width("Ada", 10.0));
        assert!(regular.width("Łukasz Nguyễn", 10.0) > 0.0);
    }

    #[test]
    fn text_breaks_at_spaces_and_keeps_its_line_breaks() {
        let (regular, _) = widths().unwrap();
        let lines = wrap(
            "one two three\nfour",
            regular.width("one two", 10.0) + 0.1,
            10.0,
            regular,
        );
        assert_eq!(lines, ["one two", "three", "four"]);
        assert_eq!(wrap("", 100.0, 10.0, regular), [""]);
    }

    proptest! {
        /// However the text is made, every line fits (unless it is one character), and no word's letters are
        /// lost or reordered.
        #[test]
        fn every_line_fits_and_nothing_is_lost(text in "[a-zA-Z ,.'é\n]{0,300}", max in 20.0f32..300.0) {
            let (regular, _) = widths().unwrap();
            let lines = wrap(&text, max, 10.0, regular);
            for line in &lines {
                prop_assert!(regular.width(line, 10.0) <= max || line.chars().count() == 1, "{line:?}");
            }
            let letters = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
            prop_assert_eq!(letters(&lines.concat()), letters(&text));
        }
    }
}
