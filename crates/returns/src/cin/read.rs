//! Reading a CIN census XML file into a [`CensusReturn`], checking it against the schema as it goes.
//!
//! The reader walks quick-xml's events once, borrowing text from the input, and knows the shape of every element
//! (its children, their order and how many of each): see the `Complex` tables at the end. The line of each element
//! is counted incrementally from the byte offset of its start tag.

use std::borrow::Cow;

use domain::census::{
    Assessment, CensusReturn, Child, CinDetails, CinPlan, CpPlan, Header, Section47,
};
use domain::datetime::Date;
use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;
use serde::Serialize;

use super::schema;

/// A file read: the return as well as it could be read, and what is wrong with the file's shape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Read {
    pub census: CensusReturn,
    /// Schema problems in file order.
    pub schema: Vec<SchemaProblem>,
}

/// Whether a schema problem makes the file wrong (error) or is worth knowing (note: an older element accepted).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ProblemKind {
    Error,
    Note,
}

/// Something about the file's shape that breaks the census schema.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SchemaProblem {
    /// The 1-based line of the element (or text) at fault; for a missing element, the line of its parent.
    pub line: u32,
    /// The element's path, e.g. `Message/Children/Child/CINdetails/ReferralSource`.
    pub path: String,
    /// The LA child ID of the child the problem is in, when it has one.
    pub la_child_id: Option<String>,
    pub kind: ProblemKind,
    /// What is wrong, in plain words.
    pub message: String,
}

/// A file that cannot be read as a census at all: not UTF-8, not well-formed XML, or not a `Message`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct Unreadable {
    /// The 1-based line where reading stopped.
    pub line: u32,
    pub message: String,
}

/// Read a CIN census XML file.
pub fn read(bytes: &[u8]) -> Result<Read, Unreadable> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(Unreadable {
            line: 1,
            message: "the file is UTF-16; a census file is UTF-8".into(),
        });
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let src = match std::str::from_utf8(bytes) {
        Ok(src) => src,
        Err(e) => {
            let at = e.valid_up_to();
            let before = bytes.get(..at).unwrap_or_default();
            let line = 1 + count_newlines(before);
            let column = 1 + before.iter().rev().take_while(|&&b| b != b'\n').count();
            let byte = bytes.get(at).copied().unwrap_or_default();
            return Err(Unreadable {
                line,
                message: format!(
                    "the file is not UTF-8: byte 0x{byte:02X} at column {column} is not UTF-8 text (save the \
                     file as UTF-8)"
                ),
            });
        }
    };
    if let Some((at, c)) = first_forbidden_char(src) {
        let before = src.as_bytes().get(..at).unwrap_or_default();
        let line = 1 + count_newlines(before);
        let column = 1 + before.iter().rev().take_while(|&&b| b != b'\n').count();
        return Err(Unreadable {
            line,
            message: format!(
                "not well-formed XML: character U+{:04X} at column {column} is not allowed in XML",
                u32::from(c)
            ),
        });
    }
    let mut parser = Parser {
        xml: Reader::from_str(src),
        src: src.as_bytes(),
        line: 1,
        counted_to: 0,
        problems: Vec::new(),
        gender_current_noted: false,
    };
    let census = parser.document()?;
    Ok(Read {
        census,
        schema: parser.problems,
    })
}

/// Whether XML 1.0 allows `c` in a document (its `Char` production): not the C0 controls other than tab, line
/// feed and carriage return, nor U+FFFE and U+FFFF. (A `&str` holds no surrogates.) A file with any other is not
/// well-formed, as the DfE's validator says; reading one would keep values that writing leaves out.
fn is_xml_char(c: char) -> bool {
    !matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}')
}

/// The first character of `src` that XML does not allow, with its byte offset.
fn first_forbidden_char(src: &str) -> Option<(usize, char)> {
    // A byte test first (U+FFFE and U+FFFF start with 0xEF), so that a clean file is one quick pass.
    let suspect = |b: &u8| (*b < 0x20 && !matches!(*b, b'\t' | b'\n' | b'\r')) || *b == 0xEF;
    if !src.as_bytes().iter().any(suspect) {
        return None;
    }
    src.char_indices().find(|&(_, c)| !is_xml_char(c))
}

fn count_newlines(bytes: &[u8]) -> u32 {
    // In blocks of 128 bytes with a byte-wide count, which the compiler turns into vector instructions.
    let mut chunks = bytes.chunks_exact(128);
    let mut n = 0usize;
    for chunk in &mut chunks {
        n += usize::from(chunk.iter().fold(0u8, |acc, &b| acc + u8::from(b == b'\n')));
    }
    n += chunks.remainder().iter().filter(|&&b| b == b'\n').count();
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// One element of a complex type's sequence.
struct Item {
    name: &'static str,
    /// Its place in the sequence (elements of a choice share one).
    order: u8,
    /// At least one is required.
    required: bool,
    /// More than one is allowed.
    many: bool,
}

const fn one(name: &'static str, order: u8) -> Item {
    Item {
        name,
        order,
        required: true,
        many: false,
    }
}

const fn opt(name: &'static str, order: u8) -> Item {
    Item {
        name,
        order,
        required: false,
        many: false,
    }
}

const fn any(name: &'static str, order: u8) -> Item {
    Item {
        name,
        order,
        required: false,
        many: true,
    }
}

const fn many(name: &'static str, order: u8) -> Item {
    Item {
        name,
        order,
        required: true,
        many: true,
    }
}

/// A complex type: an element whose content is a sequence of elements.
struct Complex {
    name: &'static str,
    path: &'static str,
    items: &'static [Item],
}

/// The most children any complex type has.
const MAX_ITEMS: usize = 12;

/// A complex element being read: which of its children have been seen.
struct Open {
    ty: &'static Complex,
    /// The byte offset of its start tag.
    at: usize,
    empty: bool,
    done: bool,
    counts: [u32; MAX_ITEMS],
    last_order: u8,
    last_name: &'static str,
}

impl Open {
    fn new(ty: &'static Complex, el: &Elem) -> Open {
        Open {
            ty,
            at: el.at,
            empty: el.empty,
            done: false,
            counts: [0; MAX_ITEMS],
            last_order: 0,
            last_name: "",
        }
    }

    fn seen(&self, name: &str) -> bool {
        self.ty
            .items
            .iter()
            .zip(self.counts)
            .any(|(item, count)| item.name == name && count > 0)
    }
}

/// A child element of the complex element being read.
struct Elem {
    name: &'static str,
    /// The byte offset of its start tag (the line is counted only when needed).
    at: usize,
    /// Written `<Name/>`.
    empty: bool,
}

struct Parser<'a> {
    xml: Reader<&'a [u8]>,
    src: &'a [u8],
    /// The line at byte `counted_to`.
    line: u32,
    counted_to: usize,
    problems: Vec<SchemaProblem>,
    /// The note that the file uses `GenderCurrent` is given once, at its first use.
    gender_current_noted: bool,
}

const QUOTED_MAX: usize = 40;

/// A value as a message quotes it: at most 40 characters.
fn quoted(value: &str) -> String {
    if value.chars().count() <= QUOTED_MAX {
        format!("'{value}'")
    } else {
        let short: String = value.chars().take(QUOTED_MAX).collect();
        format!("'{short}…'")
    }
}

impl<'a> Parser<'a> {
    /// The line of the byte at `offset`, counting from the last offset asked about (forward, usually).
    fn line_at(&mut self, offset: usize) -> u32 {
        if offset < self.counted_to {
            let back = count_newlines(self.src.get(offset..self.counted_to).unwrap_or_default());
            return self.line.saturating_sub(back);
        }
        let newlines = count_newlines(self.src.get(self.counted_to..offset).unwrap_or_default());
        self.line = self.line.saturating_add(newlines);
        self.counted_to = offset;
        self.line
    }

    fn position(&self) -> usize {
        usize::try_from(self.xml.buffer_position()).unwrap_or(usize::MAX)
    }

    /// The next event and the byte offset where it starts.
    fn event(&mut self) -> Result<(Event<'a>, usize), Unreadable> {
        let start = self.position();
        match self.xml.read_event() {
            Ok(event) => Ok((event, start)),
            Err(e) => {
                let at = usize::try_from(self.xml.error_position()).unwrap_or(start);
                Err(self.unreadable(at, format!("not well-formed XML: {e}")))
            }
        }
    }

    fn unreadable(&mut self, offset: usize, message: String) -> Unreadable {
        Unreadable {
            line: self.line_at(offset),
            message,
        }
    }

    fn problem(&mut self, line: u32, path: String, message: String) {
        self.problems.push(SchemaProblem {
            line,
            path,
            la_child_id: None,
            kind: ProblemKind::Error,
            message,
        });
    }

    fn element_problem(&mut self, open: &Open, el: &Elem, message: String) {
        let line = self.line_at(el.at);
        self.problem(line, format!("{}/{}", open.ty.path, el.name), message);
    }

    /// The prolog, the root element and what follows it.
    fn document(&mut self) -> Result<CensusReturn, Unreadable> {
        let root = loop {
            let (event, start) = self.event()?;
            match event {
                Event::Start(e) => break (e, start, false),
                Event::Empty(e) => break (e, start, true),
                Event::Decl(decl) => {
                    if let Some(Ok(encoding)) = decl.encoding()
                        && !encoding.eq_ignore_ascii_case("utf-8")
                        && !encoding.eq_ignore_ascii_case("utf8")
                    {
                        let line = self.line_at(start);
                        self.problems.push(SchemaProblem {
                            line,
                            path: "xml declaration".into(),
                            la_child_id: None,
                            kind: ProblemKind::Note,
                            message: format!(
                                "the declaration says encoding {}, but the file is valid UTF-8 and was read as UTF-8",
                                quoted(&encoding)
                            ),
                        });
                    }
                }
                Event::Text(t) => {
                    if !t.trim().is_empty() {
                        return Err(self.unreadable(start, "text before the root element".into()));
                    }
                }
                Event::Eof => {
                    return Err(self.unreadable(start, "the file has no XML elements".into()));
                }
                Event::CData(_) | Event::GeneralRef(_) | Event::End(_) => {
                    return Err(self.unreadable(start, "text before the root element".into()));
                }
                Event::Comment(_) | Event::PI(_) | Event::DocType(_) => {}
            }
        };
        let (root, start, empty) = root;
        let line = self.line_at(start);
        let name = root.local_name();
        if name.as_ref() != "Message" {
            return Err(Unreadable {
                line,
                message: format!(
                    "the root element is <{}>, not <Message>: this is not a CIN census file",
                    root.name().as_ref()
                ),
            });
        }
        let census = self.message(&Elem {
            name: "Message",
            at: start,
            empty,
        })?;
        loop {
            let (event, start) = self.event()?;
            match event {
                Event::Eof => break,
                Event::Start(e) | Event::Empty(e) => {
                    return Err(self.unreadable(
                        start,
                        format!(
                            "a second root element <{}> after </Message>",
                            e.name().as_ref()
                        ),
                    ));
                }
                Event::Text(t) if t.trim().is_empty() => {}
                Event::Text(_) | Event::CData(_) | Event::GeneralRef(_) | Event::End(_) => {
                    return Err(self.unreadable(start, "text after </Message>".into()));
                }
                Event::Comment(_) | Event::PI(_) | Event::DocType(_) | Event::Decl(_) => {}
            }
        }
        Ok(census)
    }

    /// The next child element of `open`, or `None` at its end tag. Reports (and skips) unknown elements,
    /// elements out of order, repeats of elements allowed once, and stray text; at the end tag, reports the
    /// required elements that never came.
    fn next(&mut self, open: &mut Open) -> Result<Option<Elem>, Unreadable> {
        if open.done {
            return Ok(None);
        }
        if open.empty {
            self.finish(open);
            return Ok(None);
        }
        loop {
            let (event, start) = self.event()?;
            let (e, empty) = match event {
                Event::Start(e) => (e, false),
                Event::Empty(e) => (e, true),
                Event::End(_) => {
                    self.finish(open);
                    return Ok(None);
                }
                Event::Text(t) => {
                    let text = t.into_inner();
                    self.stray_text(open, &text, start);
                    continue;
                }
                Event::CData(t) => {
                    let text = t.into_inner();
                    self.stray_text(open, &text, start);
                    continue;
                }
                Event::GeneralRef(r) => {
                    let text = self.entity(&r, start)?;
                    self.stray_text(open, &text, start);
                    continue;
                }
                Event::Eof => {
                    let opened = self.line_at(open.at);
                    return Err(self.unreadable(
                        start,
                        format!(
                            "the file ends inside <{}> (opened on line {opened})",
                            open.ty.name
                        ),
                    ));
                }
                Event::Comment(_) | Event::PI(_) | Event::Decl(_) | Event::DocType(_) => continue,
            };
            let local = e.local_name();
            let name = local.as_ref();
            let found = open
                .ty
                .items
                .iter()
                .enumerate()
                .find(|(_, item)| item.name == name);
            let Some((index, item)) = found else {
                let line = self.line_at(start);
                self.problem(
                    line,
                    format!("{}/{name}", open.ty.path),
                    format!("unknown element {name} in {}", open.ty.name),
                );
                if !empty {
                    self.skip(&e, start)?;
                }
                continue;
            };
            let el = Elem {
                name: item.name,
                at: start,
                empty,
            };
            let Some(count) = open.counts.get_mut(index) else {
                continue;
            };
            if *count > 0 && !item.many {
                let message = format!(
                    "{} appears more than once in {}: only the first is read",
                    item.name, open.ty.name
                );
                self.element_problem(open, &el, message);
                if !empty {
                    self.skip(&e, start)?;
                }
                continue;
            }
            *count += 1;
            if item.order < open.last_order {
                let message = format!("Expected {} before {}", item.name, open.last_name);
                self.element_problem(open, &el, message);
            } else {
                open.last_order = item.order;
                open.last_name = item.name;
            }
            return Ok(Some(el));
        }
    }

    /// At the end of a complex element: the required elements that never came.
    fn finish(&mut self, open: &mut Open) {
        open.done = true;
        for (item, count) in open.ty.items.iter().zip(open.counts) {
            if item.required && count == 0 {
                let line = self.line_at(open.at);
                self.problem(
                    line,
                    format!("{}/{}", open.ty.path, item.name),
                    format!("{} is missing", item.name),
                );
            }
        }
    }

    fn stray_text(&mut self, open: &Open, text: &str, start: usize) {
        let trimmed = text.trim_start();
        if trimmed.is_empty() {
            return;
        }
        let leading = text.len() - trimmed.len();
        let line = self.line_at(start + leading);
        self.problem(
            line,
            open.ty.path.to_string(),
            format!(
                "unexpected text {} in {}",
                quoted(trimmed.trim_end()),
                open.ty.name
            ),
        );
    }

    /// An entity or character reference as text.
    fn entity(
        &mut self,
        r: &quick_xml::events::BytesRef<'a>,
        start: usize,
    ) -> Result<Cow<'a, str>, Unreadable> {
        if r.is_char_ref() {
            return match r.resolve_char_ref() {
                Ok(Some(c)) if is_xml_char(c) => Ok(Cow::Owned(c.to_string())),
                Ok(_) | Err(_) => Err(self.unreadable(
                    start,
                    format!("not well-formed XML: &{}; is not a character", &**r),
                )),
            };
        }
        match quick_xml::escape::resolve_predefined_entity(r) {
            Some(text) => Ok(Cow::Borrowed(text)),
            None => Err(self.unreadable(
                start,
                format!("not well-formed XML: the entity &{}; is not defined", &**r),
            )),
        }
    }

    /// Skip the rest of an element whose start tag was just read.
    fn skip(&mut self, e: &BytesStart<'a>, start: usize) -> Result<(), Unreadable> {
        if let Err(err) = self.xml.read_to_end(e.name()) {
            let at = usize::try_from(self.xml.error_position()).unwrap_or(start);
            return Err(self.unreadable(at, format!("not well-formed XML: {err}")));
        }
        Ok(())
    }

    /// Skip the content of `el` (an element we accept but do not read).
    fn skip_content(&mut self, el: &Elem) -> Result<(), Unreadable> {
        if el.empty {
            return Ok(());
        }
        let mut depth = 0u32;
        loop {
            let (event, start) = self.event()?;
            match event {
                Event::Start(_) => depth += 1,
                Event::End(_) if depth == 0 => return Ok(()),
                Event::End(_) => depth -= 1,
                Event::GeneralRef(r) => {
                    self.entity(&r, start)?;
                }
                Event::Eof => {
                    let opened = self.line_at(el.at);
                    return Err(self.unreadable(
                        start,
                        format!(
                            "the file ends inside <{}> (opened on line {opened})",
                            el.name
                        ),
                    ));
                }
                _ => {}
            }
        }
    }

    /// The text of a simple element, trimmed; `None` when empty.
    fn value(&mut self, el: &Elem) -> Result<Option<Cow<'a, str>>, Unreadable> {
        if el.empty {
            return Ok(None);
        }
        let mut text: Option<Cow<'a, str>> = None;
        loop {
            let (event, start) = self.event()?;
            let piece = match event {
                Event::Text(t) => t.into_inner(),
                Event::CData(t) => t.into_inner(),
                Event::GeneralRef(r) => self.entity(&r, start)?,
                Event::End(_) => break,
                Event::Start(ref e) | Event::Empty(ref e) => {
                    let line = self.line_at(start);
                    let inner = e.local_name();
                    self.problem(
                        line,
                        el.name.to_string(),
                        format!(
                            "unexpected element {} inside {}, which holds only text",
                            inner.as_ref(),
                            el.name
                        ),
                    );
                    if matches!(event, Event::Start(_)) {
                        self.skip(e, start)?;
                    }
                    continue;
                }
                Event::Eof => {
                    let opened = self.line_at(el.at);
                    return Err(self.unreadable(
                        start,
                        format!(
                            "the file ends inside <{}> (opened on line {opened})",
                            el.name
                        ),
                    ));
                }
                Event::Comment(_) | Event::PI(_) | Event::Decl(_) | Event::DocType(_) => continue,
            };
            text = Some(match text {
                None => piece,
                Some(so_far) => {
                    let mut joined = so_far.into_owned();
                    joined.push_str(&piece);
                    Cow::Owned(joined)
                }
            });
        }
        Ok(text.and_then(trimmed))
    }

    /// Free text (`xs:string`): may be empty.
    fn text(&mut self, el: &Elem) -> Result<Option<String>, Unreadable> {
        Ok(self.value(el)?.map(Cow::into_owned))
    }

    /// A value the schema requires to be non-empty; reports an empty element.
    fn filled(&mut self, open: &Open, el: &Elem) -> Result<Option<Cow<'a, str>>, Unreadable> {
        let value = self.value(el)?;
        if value.is_none() {
            self.element_problem(open, el, format!("{} is empty", el.name));
        }
        Ok(value)
    }

    /// A non-empty string (`LAchildID`).
    fn non_empty(&mut self, open: &Open, el: &Elem) -> Result<Option<String>, Unreadable> {
        Ok(self.filled(open, el)?.map(Cow::into_owned))
    }

    /// A code from `list`, kept as written even when it is not in the list (so that the DfE rule about it fires).
    fn code(
        &mut self,
        open: &Open,
        el: &Elem,
        list: &[&str],
    ) -> Result<Option<String>, Unreadable> {
        let value = self.filled(open, el)?;
        if let Some(v) = &value
            && !list.contains(&v.as_ref())
        {
            let message = format!(
                "{} {} is not a code in the list: {}",
                el.name,
                quoted(v),
                schema::list(list)
            );
            self.element_problem(open, el, message);
        }
        Ok(value.map(Cow::into_owned))
    }

    /// A value that must match a pattern, kept as written.
    fn pattern(
        &mut self,
        open: &Open,
        el: &Elem,
        check: fn(&str) -> bool,
        form: &str,
    ) -> Result<Option<String>, Unreadable> {
        let value = self.filled(open, el)?;
        if let Some(v) = &value
            && !check(v)
        {
            let message = format!("{} {} is not {form}", el.name, quoted(v));
            self.element_problem(open, el, message);
        }
        Ok(value.map(Cow::into_owned))
    }

    /// An `xs:date`; `None` (and a problem) when it is not one.
    fn date(&mut self, open: &Open, el: &Elem) -> Result<Option<Date>, Unreadable> {
        let Some(value) = self.filled(open, el)? else {
            return Ok(None);
        };
        let date = schema::parse_date(&value);
        if date.is_none() {
            let message = format!("{} {} is not a date (YYYY-MM-DD)", el.name, quoted(&value));
            self.element_problem(open, el, message);
        }
        Ok(date)
    }

    fn message(&mut self, el: &Elem) -> Result<CensusReturn, Unreadable> {
        let mut census = CensusReturn::default();
        let mut open = Open::new(&MESSAGE, el);
        while let Some(el) = self.next(&mut open)? {
            match el.name {
                "Header" => self.header(&el, &mut census.header)?,
                "Children" => self.children(&el, &mut census.children)?,
                _ => self.skip_content(&el)?,
            }
        }
        Ok(census)
    }

    fn header(&mut self, el: &Elem, header: &mut Header) -> Result<(), Unreadable> {
        header.line = self.line_at(el.at);
        let mut open = Open::new(&HEADER, el);
        let mut sources = 0;
        while let Some(el) = self.next(&mut open)? {
            match el.name {
                "CollectionDetails" => self.collection_details(&el, header)?,
                "Source" => {
                    // The header has room for one source, as the DfE's validator reads it: the first. Any
                    // others are checked but not kept.
                    if sources == 0 {
                        self.source(&el, header)?;
                    } else {
                        self.source(&el, &mut Header::default())?;
                    }
                    sources += 1;
                }
                _ => self.skip_content(&el)?,
            }
        }
        Ok(())
    }

    fn collection_details(&mut self, el: &Elem, header: &mut Header) -> Result<(), Unreadable> {
        let mut open = Open::new(&COLLECTION_DETAILS, el);
        while let Some(el) = self.next(&mut open)? {
            match el.name {
                "Collection" => header.collection = self.code(&open, &el, schema::COLLECTION)?,
                "Year" => {
                    header.year = self.pattern(&open, &el, schema::is_year, "a year (YYYY)")?;
                }
                "ReferenceDate" => header.reference_date = self.date(&open, &el)?,
                _ => self.skip_content(&el)?,
            }
        }
        Ok(())
    }

    fn source(&mut self, el: &Elem, header: &mut Header) -> Result<(), Unreadable> {
        let mut open = Open::new(&SOURCE, el);
        while let Some(el) = self.next(&mut open)? {
            match el.name {
                "SourceLevel" => {
                    header.source_level = self.code(&open, &el, schema::SOURCE_LEVEL)?
                }
                "LEA" => {
                    header.lea =
                        self.pattern(&open, &el, schema::is_lea, "a three-digit LA code")?;
                }
                "SoftwareCode" => header.software_code = self.text(&el)?,
                "Release" => header.release = self.text(&el)?,
                "SerialNo" => {
                    header.serial_no = self.pattern(
                        &open,
                        &el,
                        schema::is_serial_no,
                        "a serial number (three or more digits)",
                    )?;
                }
                "DateTime" => {
                    header.date_time = self.pattern(
                        &open,
                        &el,
                        schema::is_date_time,
                        "a date and time (YYYY-MM-DDThh:mm:ss)",
                    )?;
                }
                _ => self.skip_content(&el)?,
            }
        }
        Ok(())
    }

    fn children(&mut self, el: &Elem, children: &mut Vec<Child>) -> Result<(), Unreadable> {
        let mut open = Open::new(&CHILDREN, el);
        while let Some(el) = self.next(&mut open)? {
            let first_problem = self.problems.len();
            let child = self.child(&el)?;
            if let Some(id) = &child.la_child_id {
                for problem in self.problems.iter_mut().skip(first_problem) {
                    if problem.la_child_id.is_none() {
                        problem.la_child_id = Some(id.clone());
                    }
                }
            }
            children.push(child);
        }
        Ok(())
    }

    fn child(&mut self, el: &Elem) -> Result<Child, Unreadable> {
        let mut child = Child {
            line: self.line_at(el.at),
            ..Child::default()
        };
        let mut open = Open::new(&CHILD, el);
        while let Some(el) = self.next(&mut open)? {
            match el.name {
                "ChildIdentifiers" => self.child_identifiers(&el, &mut child)?,
                "ChildCharacteristics" => self.child_characteristics(&el, &mut child)?,
                "CINdetails" => {
                    let cin = self.cin_details(&el)?;
                    child.cin_details.push(cin);
                }
                _ => self.skip_content(&el)?,
            }
        }
        Ok(child)
    }

    fn child_identifiers(&mut self, el: &Elem, child: &mut Child) -> Result<(), Unreadable> {
        let mut open = Open::new(&CHILD_IDENTIFIERS, el);
        const UPN_FORM: &str =
            "a UPN (a letter and 12 digits, or a letter, 11 digits and a letter)";
        while let Some(el) = self.next(&mut open)? {
            match el.name {
                "LAchildID" => child.la_child_id = self.non_empty(&open, &el)?,
                "UPN" => child.upn = self.pattern(&open, &el, schema::is_upn, UPN_FORM)?,
                "FormerUPN" => {
                    child.former_upn = self.pattern(&open, &el, schema::is_upn, UPN_FORM)?;
                }
                "UPNunknown" => child.upn_unknown = self.code(&open, &el, schema::UPN_UNKNOWN)?,
                "PersonBirthDate" => child.birth_date = self.date(&open, &el)?,
                "ExpectedPersonBirthDate" => child.expected_birth_date = self.date(&open, &el)?,
                "Sex" => child.sex = self.code(&open, &el, schema::SEX)?,
                "GenderCurrent" => {
                    child.gender_current = self.code(&open, &el, schema::GENDER_CURRENT)?;
                    if self.gender_current_noted {
                        continue;
                    }
                    self.gender_current_noted = true;
                    let line = self.line_at(el.at);
                    self.problems.push(SchemaProblem {
                        line,
                        path: format!("{}/GenderCurrent", open.ty.path),
                        la_child_id: None,
                        kind: ProblemKind::Note,
                        message: "GenderCurrent is the item of returns before 2024/25: read as given, here and \
                                  for every other child that has it; a 2024/25 return gives Sex (M, F or U)"
                            .into(),
                    });
                }
                "PersonDeathDate" => child.death_date = self.date(&open, &el)?,
                _ => self.skip_content(&el)?,
            }
        }
        let (sex, gender) = (open.seen("Sex"), open.seen("GenderCurrent"));
        let line = self.line_at(open.at);
        if !sex && !gender {
            self.problem(
                line,
                format!("{}/Sex", open.ty.path),
                "Sex is missing".into(),
            );
        } else if sex && gender {
            self.problem(
                line,
                format!("{}/GenderCurrent", open.ty.path),
                "Sex and GenderCurrent are both given: a 2024/25 return gives Sex only".into(),
            );
        }
        Ok(())
    }

    fn child_characteristics(&mut self, el: &Elem, child: &mut Child) -> Result<(), Unreadable> {
        let mut open = Open::new(&CHILD_CHARACTERISTICS, el);
        while let Some(el) = self.next(&mut open)? {
            match el.name {
                "Ethnicity" => child.ethnicity = self.code(&open, &el, schema::ETHNICITY)?,
                "Disabilities" => {
                    let mut inner = Open::new(&DISABILITIES, &el);
                    while let Some(el) = self.next(&mut inner)? {
                        if let Some(code) = self.code(&inner, &el, schema::DISABILITY)? {
                            child.disabilities.push(code);
                        }
                    }
                }
                _ => self.skip_content(&el)?,
            }
        }
        Ok(())
    }

    fn cin_details(&mut self, el: &Elem) -> Result<CinDetails, Unreadable> {
        let mut cin = CinDetails {
            line: self.line_at(el.at),
            ..CinDetails::default()
        };
        let mut open = Open::new(&CIN_DETAILS, el);
        while let Some(el) = self.next(&mut open)? {
            match el.name {
                "CINreferralDate" => cin.referral_date = self.date(&open, &el)?,
                "ReferralSource" => {
                    cin.referral_source = self.code(&open, &el, schema::REFERRAL_SOURCE)?;
                }
                "PrimaryNeedCode" => {
                    cin.primary_need = self.code(&open, &el, schema::PRIMARY_NEED)?;
                }
                "CINclosureDate" => cin.closure_date = self.date(&open, &el)?,
                "ReasonForClosure" => {
                    cin.reason_for_closure = self.code(&open, &el, schema::REASON_FOR_CLOSURE)?;
                }
                "DateOfInitialCPC" => cin.date_of_initial_cpc = self.date(&open, &el)?,
                "Assessments" => {
                    let assessment = self.assessment(&el)?;
                    cin.assessments.push(assessment);
                }
                "CINPlanDates" => {
                    let plan = self.cin_plan(&el)?;
                    cin.cin_plans.push(plan);
                }
                "Section47" => {
                    let s47 = self.section47(&el)?;
                    cin.section47s.push(s47);
                }
                "ReferralNFA" => cin.referral_nfa = self.code(&open, &el, schema::YES_NO)?,
                "ChildProtectionPlans" => {
                    let plan = self.cp_plan(&el)?;
                    cin.cp_plans.push(plan);
                }
                // New in 2026/27 and not part of the 2024/25 return: accepted and passed over.
                _ => self.skip_content(&el)?,
            }
        }
        Ok(cin)
    }

    fn assessment(&mut self, el: &Elem) -> Result<Assessment, Unreadable> {
        let mut assessment = Assessment {
            line: self.line_at(el.at),
            ..Assessment::default()
        };
        let mut open = Open::new(&ASSESSMENTS, el);
        while let Some(el) = self.next(&mut open)? {
            match el.name {
                "AssessmentActualStartDate" => assessment.start_date = self.date(&open, &el)?,
                "AssessmentInternalReviewDate" => {
                    assessment.internal_review_date = self.date(&open, &el)?;
                }
                "AssessmentAuthorisationDate" => {
                    assessment.authorisation_date = self.date(&open, &el)?;
                }
                "FactorsIdentifiedAtAssessment" => {
                    let mut inner = Open::new(&FACTORS, &el);
                    while let Some(el) = self.next(&mut inner)? {
                        if let Some(code) = self.code(&inner, &el, schema::ASSESSMENT_FACTOR)? {
                            assessment.factors.push(code);
                        }
                    }
                }
                _ => self.skip_content(&el)?,
            }
        }
        Ok(assessment)
    }

    fn cin_plan(&mut self, el: &Elem) -> Result<CinPlan, Unreadable> {
        let mut plan = CinPlan {
            line: self.line_at(el.at),
            ..CinPlan::default()
        };
        let mut open = Open::new(&CIN_PLAN_DATES, el);
        while let Some(el) = self.next(&mut open)? {
            match el.name {
                "CINPlanStartDate" => plan.start_date = self.date(&open, &el)?,
                "CINPlanEndDate" => plan.end_date = self.date(&open, &el)?,
                _ => self.skip_content(&el)?,
            }
        }
        Ok(plan)
    }

    fn section47(&mut self, el: &Elem) -> Result<Section47, Unreadable> {
        let mut s47 = Section47 {
            line: self.line_at(el.at),
            ..Section47::default()
        };
        let mut open = Open::new(&SECTION47, el);
        while let Some(el) = self.next(&mut open)? {
            match el.name {
                "S47ActualStartDate" => s47.start_date = self.date(&open, &el)?,
                "InitialCPCtarget" => s47.icpc_target = self.date(&open, &el)?,
                "DateOfInitialCPC" => s47.date_of_initial_cpc = self.date(&open, &el)?,
                "ICPCnotRequired" => {
                    s47.icpc_not_required = self.code(&open, &el, schema::YES_NO)?
                }
                _ => self.skip_content(&el)?,
            }
        }
        Ok(s47)
    }

    fn cp_plan(&mut self, el: &Elem) -> Result<CpPlan, Unreadable> {
        let mut plan = CpPlan {
            line: self.line_at(el.at),
            ..CpPlan::default()
        };
        let mut open = Open::new(&CHILD_PROTECTION_PLANS, el);
        while let Some(el) = self.next(&mut open)? {
            match el.name {
                "CPPstartDate" => plan.start_date = self.date(&open, &el)?,
                "CPPendDate" => plan.end_date = self.date(&open, &el)?,
                "InitialCategoryOfAbuse" => {
                    plan.initial_category = self.code(&open, &el, schema::CATEGORY_OF_ABUSE)?;
                }
                "LatestCategoryOfAbuse" => {
                    plan.latest_category = self.code(&open, &el, schema::CATEGORY_OF_ABUSE)?;
                }
                "NumberOfPreviousCPP" => {
                    plan.number_of_previous_cpp =
                        self.pattern(&open, &el, schema::is_count, "a whole number")?;
                }
                "Reviews" => {
                    let mut inner = Open::new(&REVIEWS, &el);
                    while let Some(el) = self.next(&mut inner)? {
                        let date = self.date(&inner, &el)?;
                        plan.reviews.push(date);
                    }
                }
                _ => self.skip_content(&el)?,
            }
        }
        Ok(plan)
    }
}

/// Trim a value; `None` when nothing is left.
fn trimmed(value: Cow<'_, str>) -> Option<Cow<'_, str>> {
    match value {
        Cow::Borrowed(s) => {
            let t = s.trim();
            (!t.is_empty()).then_some(Cow::Borrowed(t))
        }
        Cow::Owned(s) => {
            let t = s.trim();
            if t.is_empty() {
                None
            } else if t.len() == s.len() {
                Some(Cow::Owned(s))
            } else {
                Some(Cow::Owned(t.to_string()))
            }
        }
    }
}

// The shape of the 2024/25 return: the XSD's sequences, with `Sex` beside `GenderCurrent` and the 2026/27
// `PreProceedingsandFGDM` block accepted.

const MESSAGE: Complex = Complex {
    name: "Message",
    path: "Message",
    items: &[opt("Header", 0), one("Children", 1)],
};

const HEADER: Complex = Complex {
    name: "Header",
    path: "Message/Header",
    items: &[opt("CollectionDetails", 0), any("Source", 1)],
};

const COLLECTION_DETAILS: Complex = Complex {
    name: "CollectionDetails",
    path: "Message/Header/CollectionDetails",
    items: &[
        opt("Collection", 0),
        opt("Year", 1),
        opt("ReferenceDate", 2),
    ],
};

const SOURCE: Complex = Complex {
    name: "Source",
    path: "Message/Header/Source",
    items: &[
        opt("SourceLevel", 0),
        one("LEA", 1),
        opt("SoftwareCode", 2),
        opt("Release", 3),
        opt("SerialNo", 4),
        opt("DateTime", 5),
    ],
};

const CHILDREN: Complex = Complex {
    name: "Children",
    path: "Message/Children",
    items: &[many("Child", 0)],
};

const CHILD: Complex = Complex {
    name: "Child",
    path: "Message/Children/Child",
    items: &[
        one("ChildIdentifiers", 0),
        one("ChildCharacteristics", 1),
        many("CINdetails", 2),
    ],
};

const CHILD_IDENTIFIERS: Complex = Complex {
    name: "ChildIdentifiers",
    path: "Message/Children/Child/ChildIdentifiers",
    items: &[
        one("LAchildID", 0),
        opt("UPN", 1),
        opt("FormerUPN", 2),
        opt("UPNunknown", 3),
        opt("PersonBirthDate", 4),
        opt("ExpectedPersonBirthDate", 5),
        // One of the two is required (checked after the element).
        opt("GenderCurrent", 6),
        opt("Sex", 6),
        opt("PersonDeathDate", 7),
    ],
};

const CHILD_CHARACTERISTICS: Complex = Complex {
    name: "ChildCharacteristics",
    path: "Message/Children/Child/ChildCharacteristics",
    items: &[one("Ethnicity", 0), opt("Disabilities", 1)],
};

const DISABILITIES: Complex = Complex {
    name: "Disabilities",
    path: "Message/Children/Child/ChildCharacteristics/Disabilities",
    items: &[many("Disability", 0)],
};

const CIN_DETAILS: Complex = Complex {
    name: "CINdetails",
    path: "Message/Children/Child/CINdetails",
    items: &[
        one("CINreferralDate", 0),
        one("ReferralSource", 1),
        opt("PrimaryNeedCode", 2),
        opt("CINclosureDate", 3),
        opt("ReasonForClosure", 4),
        opt("DateOfInitialCPC", 5),
        any("Assessments", 6),
        any("CINPlanDates", 7),
        any("Section47", 8),
        one("ReferralNFA", 9),
        any("ChildProtectionPlans", 10),
        any("PreProceedingsandFGDM", 11),
    ],
};

const ASSESSMENTS: Complex = Complex {
    name: "Assessments",
    path: "Message/Children/Child/CINdetails/Assessments",
    items: &[
        one("AssessmentActualStartDate", 0),
        opt("AssessmentInternalReviewDate", 1),
        opt("AssessmentAuthorisationDate", 2),
        opt("FactorsIdentifiedAtAssessment", 3),
    ],
};

const FACTORS: Complex = Complex {
    name: "FactorsIdentifiedAtAssessment",
    path: "Message/Children/Child/CINdetails/Assessments/FactorsIdentifiedAtAssessment",
    items: &[many("AssessmentFactors", 0)],
};

const CIN_PLAN_DATES: Complex = Complex {
    name: "CINPlanDates",
    path: "Message/Children/Child/CINdetails/CINPlanDates",
    items: &[one("CINPlanStartDate", 0), opt("CINPlanEndDate", 1)],
};

const SECTION47: Complex = Complex {
    name: "Section47",
    path: "Message/Children/Child/CINdetails/Section47",
    items: &[
        one("S47ActualStartDate", 0),
        opt("InitialCPCtarget", 1),
        opt("DateOfInitialCPC", 2),
        one("ICPCnotRequired", 3),
    ],
};

const CHILD_PROTECTION_PLANS: Complex = Complex {
    name: "ChildProtectionPlans",
    path: "Message/Children/Child/CINdetails/ChildProtectionPlans",
    items: &[
        one("CPPstartDate", 0),
        opt("CPPendDate", 1),
        one("InitialCategoryOfAbuse", 2),
        one("LatestCategoryOfAbuse", 3),
        one("NumberOfPreviousCPP", 4),
        opt("Reviews", 5),
    ],
};

const REVIEWS: Complex = Complex {
    name: "Reviews",
    path: "Message/Children/Child/CINdetails/ChildProtectionPlans/Reviews",
    items: &[many("CPPreviewDate", 0)],
};

#[cfg(test)]
mod tests {
    use super::*;

    fn wrap(children: &str) -> String {
        format!(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Message>\n<Header>\n<CollectionDetails>\n\
             <Collection>CIN</Collection>\n<Year>2025</Year>\n<ReferenceDate>2025-03-31</ReferenceDate>\n\
             </CollectionDetails>\n<Source>\n<SourceLevel>L</SourceLevel>\n<LEA>873</LEA>\n</Source>\n</Header>\n\
             <Children>\n{children}</Children>\n</Message>\n"
        )
    }

    const GOOD_CHILD: &str = "<Child>
<ChildIdentifiers>
<LAchildID>C1</LAchildID>
<PersonBirthDate>2015-03-27</PersonBirthDate>
<Sex>M</Sex>
</ChildIdentifiers>
<ChildCharacteristics>
<Ethnicity>WBRI</Ethnicity>
</ChildCharacteristics>
<CINdetails>
<CINreferralDate>2024-05-01</CINreferralDate>
<ReferralSource>1A</ReferralSource>
<PrimaryNeedCode>N1</PrimaryNeedCode>
<ReferralNFA>false</ReferralNFA>
</CINdetails>
</Child>
";

    fn messages(read: &Read) -> Vec<String> {
        read.schema
            .iter()
            .map(|p| format!("{} {}: {}", p.line, p.path, p.message))
            .collect()
    }

    #[test]
    fn a_clean_child_reads_with_no_problems_and_its_lines() -> Result<(), Unreadable> {
        let r = read(wrap(GOOD_CHILD).as_bytes())?;
        assert_eq!(messages(&r), Vec::<String>::new());
        assert_eq!(r.census.header.line, 3);
        assert_eq!(r.census.header.lea.as_deref(), Some("873"));
        let child = r.census.children.first().ok_or_else(|| Unreadable {
            line: 0,
            message: "no child".into(),
        })?;
        assert_eq!(child.line, 15);
        assert_eq!(child.la_child_id.as_deref(), Some("C1"));
        assert_eq!(child.cin_details.first().map(|c| c.line), Some(24));
        Ok(())
    }

    #[test]
    fn out_of_order_missing_unknown_and_bad_values() -> Result<(), Unreadable> {
        let child = GOOD_CHILD
            .replace(
                "<CINreferralDate>2024-05-01</CINreferralDate>\n<ReferralSource>1A</ReferralSource>",
                "<ReferralSource>X9</ReferralSource>\n<CINreferralDate>2024-13-01</CINreferralDate>",
            )
            .replace("<Ethnicity>WBRI</Ethnicity>", "<Foo>1</Foo>")
            .replace("<ReferralNFA>false</ReferralNFA>\n", "");
        let r = read(wrap(&child).as_bytes())?;
        let c = "Message/Children/Child";
        assert_eq!(
            messages(&r),
            vec![
                format!(
                    "22 {c}/ChildCharacteristics/Foo: unknown element Foo in ChildCharacteristics"
                ),
                format!("21 {c}/ChildCharacteristics/Ethnicity: Ethnicity is missing"),
                format!(
                    "25 {c}/CINdetails/ReferralSource: ReferralSource 'X9' is not a code in the list: {}",
                    schema::list(schema::REFERRAL_SOURCE)
                ),
                format!(
                    "26 {c}/CINdetails/CINreferralDate: Expected CINreferralDate before ReferralSource"
                ),
                format!(
                    "26 {c}/CINdetails/CINreferralDate: CINreferralDate '2024-13-01' is not a date (YYYY-MM-DD)"
                ),
                format!("24 {c}/CINdetails/ReferralNFA: ReferralNFA is missing"),
            ]
        );
        assert!(
            r.schema
                .iter()
                .all(|p| p.la_child_id.as_deref() == Some("C1"))
        );
        let cin = r
            .census
            .children
            .first()
            .and_then(|c| c.cin_details.first());
        assert_eq!(cin.and_then(|c| c.referral_source.as_deref()), Some("X9"));
        assert_eq!(cin.and_then(|c| c.referral_date), None);
        Ok(())
    }

    #[test]
    fn empty_elements_are_none_and_text_is_trimmed_and_unescaped() -> Result<(), Unreadable> {
        let child = GOOD_CHILD
            .replace(
                "<LAchildID>C1</LAchildID>",
                "<LAchildID>  C&amp;1&#65; </LAchildID>\n<UPN/>",
            )
            .replace(
                "<PrimaryNeedCode>N1</PrimaryNeedCode>",
                "<PrimaryNeedCode></PrimaryNeedCode>",
            );
        let r = read(wrap(&child).as_bytes())?;
        let c = r.census.children.first();
        assert_eq!(c.and_then(|c| c.la_child_id.as_deref()), Some("C&1A"));
        assert_eq!(c.and_then(|c| c.upn.as_deref()), None);
        let cin = c.and_then(|c| c.cin_details.first());
        assert_eq!(cin.and_then(|c| c.primary_need.as_deref()), None);
        assert_eq!(
            messages(&r),
            vec![
                "18 Message/Children/Child/ChildIdentifiers/UPN: UPN is empty".to_string(),
                "28 Message/Children/Child/CINdetails/PrimaryNeedCode: PrimaryNeedCode is empty"
                    .to_string(),
            ]
        );
        Ok(())
    }

    #[test]
    fn gender_current_is_read_with_a_note_and_pre_proceedings_are_passed_over()
    -> Result<(), Unreadable> {
        let child = GOOD_CHILD.replace("<Sex>M</Sex>", "<GenderCurrent>1</GenderCurrent>").replace(
            "</CINdetails>",
            "<PreProceedingsandFGDM><PPStartDate>2026-09-09</PPStartDate></PreProceedingsandFGDM>\n</CINdetails>",
        );
        let r = read(wrap(&child).as_bytes())?;
        assert_eq!(r.schema.len(), 1);
        assert_eq!(r.schema.first().map(|p| p.kind), Some(ProblemKind::Note));
        let c = r.census.children.first();
        assert_eq!(c.and_then(|c| c.gender_current.as_deref()), Some("1"));
        assert_eq!(c.and_then(|c| c.sex.as_deref()), None);
        Ok(())
    }

    #[test]
    fn unreadable_files_name_the_line() {
        let cases: [(&[u8], u32, &str); 12] = [
            (
                b"<Message>\n<Children>\n</Child>\n</Message>",
                3,
                "well-formed",
            ),
            (b"<Message>\n<Children>\n", 3, "ends inside"),
            (b"<Return>\n</Return>", 1, "root element is <Return>"),
            (b"", 1, "no XML elements"),
            (
                b"<Message>\n<Children>\xff</Children></Message>",
                2,
                "not UTF-8",
            ),
            (
                b"<Message>\n\n<Children>&nbsp;</Children></Message>",
                3,
                "not defined",
            ),
            (b"<Message></Message>\n<Message/>", 2, "second root"),
            // Characters XML does not allow, raw or as references (found by the census fuzz target: they were
            // read into values, which writing the return then left out).
            (
                b"<Message>\n<Children>1\x01A</Children></Message>",
                2,
                "U+0001 at column 12 is not allowed",
            ),
            (b"<Message><!-- \x1b --></Message>", 1, "U+001B"),
            (
                "<Message>\n\n<Children>\u{FFFF}</Children></Message>".as_bytes(),
                3,
                "U+FFFF",
            ),
            (
                b"<Message>\n<Children>&#1;</Children></Message>",
                2,
                "&#1; is not a character",
            ),
            (
                b"<Message>\n<Children>&#xFFFE;</Children></Message>",
                2,
                "is not a character",
            ),
        ];
        for (bytes, line, text) in cases {
            match read(bytes) {
                Ok(_) => panic!("read {:?}", String::from_utf8_lossy(bytes)),
                Err(e) => {
                    assert_eq!(e.line, line, "{e}");
                    assert!(e.message.contains(text), "{e}");
                }
            }
        }
    }
}
