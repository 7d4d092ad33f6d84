//! The text of a PDF's pages, read back: for tests that check what a printed document says (the feature
//! `read-back`). It reads what this crate writes (text in Type0 fonts whose ToUnicode maps each glyph to its
//! characters), one string per page, a line per text run.

use std::collections::HashMap;

use lopdf::content::Content;
use lopdf::{Document, Object};

/// Each page's text, in the order it was drawn.
pub fn pages_text(pdf: &[u8]) -> Result<Vec<String>, String> {
    let doc = Document::load_mem(pdf).map_err(|e| format!("not a PDF: {e}"))?;
    let mut pages = Vec::new();
    for (_, page) in doc.get_pages() {
        let fonts = doc.get_page_fonts(page).map_err(|e| e.to_string())?;
        let mut maps: HashMap<Vec<u8>, HashMap<u16, String>> = HashMap::new();
        for (name, font) in fonts {
            let map = font
                .get(b"ToUnicode")
                .ok()
                .and_then(|o| o.as_reference().ok())
                .and_then(|id| doc.get_object(id).ok())
                .and_then(|o| o.as_stream().ok())
                .and_then(|s| {
                    s.decompressed_content()
                        .ok()
                        .or_else(|| Some(s.content.clone()))
                })
                .map(|cmap| unicode_map(&String::from_utf8_lossy(&cmap)))
                .unwrap_or_default();
            maps.insert(name, map);
        }
        let content = doc.get_page_content(page).map_err(|e| e.to_string())?;
        let content = Content::decode(&content).map_err(|e| e.to_string())?;
        let mut font: Option<Vec<u8>> = None;
        let mut lines = Vec::new();
        for op in content.operations {
            match op.operator.as_str() {
                "Tf" => {
                    font = op
                        .operands
                        .first()
                        .and_then(|o| o.as_name().ok())
                        .map(<[u8]>::to_vec)
                }
                "Tj" | "TJ" => {
                    let map = font.as_ref().and_then(|f| maps.get(f));
                    let mut line = String::new();
                    let mut strings = Vec::new();
                    for operand in &op.operands {
                        match operand {
                            Object::String(bytes, _) => strings.push(bytes.clone()),
                            Object::Array(items) => {
                                strings.extend(items.iter().filter_map(|i| match i {
                                    Object::String(bytes, _) => Some(bytes.clone()),
                                    _ => None,
                                }))
                            }
                            _ => {}
                        }
                    }
                    for bytes in strings {
                        for pair in bytes.chunks(2) {
                            let code = match pair {
                                [high, low] => u16::from_be_bytes([*high, *low]),
                                _ => continue,
                            };
                            if let Some(text) = map.and_then(|m| m.get(&code)) {
                                line.push_str(text);
                            }
                        }
                    }
                    lines.push(line);
                }
                _ => {}
            }
        }
        pages.push(lines.join("\n"));
    }
    Ok(pages)
}

/// A ToUnicode CMap's `bfchar` and `bfrange` entries: glyph code → text.
fn unicode_map(cmap: &str) -> HashMap<u16, String> {
    let hex = |s: &str| -> Option<Vec<u16>> {
        let s = s.trim().trim_start_matches('<').trim_end_matches('>');
        (0..s.len())
            .step_by(4)
            .map(|i| u16::from_str_radix(s.get(i..i + 4)?, 16).ok())
            .collect()
    };
    let first = |s: &str| hex(s)?.first().copied();
    let text = |units: &[u16]| String::from_utf16_lossy(units);
    let mut map = HashMap::new();
    let mut section = "";
    for line in cmap.lines().map(str::trim) {
        if line.ends_with("beginbfchar") {
            section = "char";
            continue;
        }
        if line.ends_with("beginbfrange") {
            section = "range";
            continue;
        }
        if line.starts_with("end") {
            section = "";
            continue;
        }
        let parts: Vec<&str> = line.split_whitespace().collect();
        match (section, parts.as_slice()) {
            ("char", [code, unicode]) => {
                if let (Some(code), Some(unicode)) = (first(code), hex(unicode)) {
                    map.insert(code, text(&unicode));
                }
            }
            ("range", [start, end, unicode]) => {
                if let (Some(start), Some(end), Some(unicode)) =
                    (first(start), first(end), hex(unicode))
                {
                    for (i, code) in (start..=end).enumerate() {
                        let mut units = unicode.clone();
                        if let Some(last) = units.last_mut() {
                            *last += i as u16;
                        }
                        map.insert(code, text(&units));
                    }
                }
            }
            _ => {}
        }
    }
    map
}
