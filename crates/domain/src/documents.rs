//! Documents: what a file is, found from its content (never its name or what the browser said), whether it is
//! whole, and the details a user gives with it (title, kind, the partner agencies it is shared with).
//!
//! Accepted: PDF; Word, Excel and PowerPoint (the old binary formats and the zip-based ones); OpenDocument text
//! and spreadsheets; JPEG, PNG, GIF, TIFF and HEIC images; emails (`.eml`, recognised by their headers, and
//! Outlook `.msg`). A file that is cut short (a PDF without its `%%EOF`, a zip-based Office file whose central
//! directory cannot be read, a JPEG without its end marker, a PNG without `IEND`) is refused as damaged.

use std::borrow::Cow;
use std::io::Cursor;

use serde::Deserialize;

use crate::codes::{Agency, DocumentKind};
use crate::validation::{optional_code, required_text};
use crate::{ValueError, ValueErrors};

/// The default largest file, in megabytes (`FRONTDOOR_MAX_UPLOAD_MB` changes it).
pub const DEFAULT_MAX_UPLOAD_MB: u64 = 20;
/// The longest title.
pub const MAX_TITLE: usize = 200;
/// The most agencies a document may be shared with (there are fewer).
pub const MAX_SHARED_WITH: usize = 20;

/// A kind of file Frontdoor keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileType {
    /// The media type it is served as.
    pub content_type: &'static str,
    /// The extension its download name ends with.
    pub extension: &'static str,
    /// What users call it.
    pub label: &'static str,
    how: Check,
}

/// How to tell that a file of the type is whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Check {
    Pdf,
    Zip,
    Compound,
    Jpeg,
    Png,
    Gif,
    Nothing,
}

const fn ty(
    content_type: &'static str,
    extension: &'static str,
    label: &'static str,
    how: Check,
) -> FileType {
    FileType {
        content_type,
        extension,
        label,
        how,
    }
}

/// Every type accepted.
pub const FILE_TYPES: &[FileType] = &[
    ty("application/pdf", "pdf", "PDF", Check::Pdf),
    ty(
        "application/msword",
        "doc",
        "Word document",
        Check::Compound,
    ),
    ty(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
        "Word document",
        Check::Zip,
    ),
    ty(
        "application/vnd.ms-excel",
        "xls",
        "Excel spreadsheet",
        Check::Compound,
    ),
    ty(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
        "Excel spreadsheet",
        Check::Zip,
    ),
    ty(
        "application/vnd.ms-powerpoint",
        "ppt",
        "PowerPoint presentation",
        Check::Compound,
    ),
    ty(
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "pptx",
        "PowerPoint presentation",
        Check::Zip,
    ),
    ty(
        "application/vnd.oasis.opendocument.text",
        "odt",
        "OpenDocument text",
        Check::Zip,
    ),
    ty(
        "application/vnd.oasis.opendocument.spreadsheet",
        "ods",
        "OpenDocument spreadsheet",
        Check::Zip,
    ),
    ty("image/jpeg", "jpg", "JPEG image", Check::Jpeg),
    ty("image/png", "png", "PNG image", Check::Png),
    ty("image/gif", "gif", "GIF image", Check::Gif),
    ty("image/tiff", "tif", "TIFF image", Check::Nothing),
    ty("image/heic", "heic", "HEIC image", Check::Nothing),
    ty("message/rfc822", "eml", "Email", Check::Nothing),
    ty(
        "application/vnd.ms-outlook",
        "msg",
        "Outlook email",
        Check::Compound,
    ),
];

/// What the accepted types are, for messages and hints.
pub const ACCEPTED: &str = "a PDF, Word, Excel, PowerPoint or OpenDocument file, a JPEG, PNG, GIF, TIFF or HEIC \
                            image, or an email (.eml or .msg)";

/// Why a file was refused. Each answers differently over HTTP: too large 413, not a type we keep 415, empty or
/// damaged 422.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileProblem {
    TooLarge { max_bytes: u64 },
    WrongType,
    Empty,
    Damaged(&'static str),
}

impl FileProblem {
    /// The problem as a user reads it, about the field `file`.
    pub fn message(&self) -> String {
        match self {
            FileProblem::TooLarge { max_bytes } => {
                format!(
                    "The file must be smaller than {} MB",
                    max_bytes / (1024 * 1024)
                )
            }
            FileProblem::WrongType => format!("The file must be {ACCEPTED}"),
            FileProblem::Empty => "The selected file is empty".to_owned(),
            FileProblem::Damaged(why) => format!("The file is damaged or incomplete: {why}"),
        }
    }
}

fn by_type(content_type: &str) -> Option<FileType> {
    FILE_TYPES
        .iter()
        .find(|t| t.content_type == content_type)
        .copied()
}

/// The media type `bytes` are, found from their content, if it is one Frontdoor keeps, and whether the file is
/// whole. Checks no size limit (the caller does, before reading it all).
pub fn inspect(bytes: &[u8]) -> Result<FileType, FileProblem> {
    if bytes.is_empty() {
        return Err(FileProblem::Empty);
    }
    let found = match infer::get(bytes).map(|t| t.mime_type()) {
        Some("image/heif") => by_type("image/heic"),
        Some(mime) => by_type(mime),
        None => None,
    };
    let found = match found {
        Some(t) => Some(t),
        None if bytes.starts_with(&COMPOUND_MAGIC) => outlook_message(bytes),
        None if looks_like_email(bytes) => by_type("message/rfc822"),
        None => None,
    };
    let t = found.ok_or(FileProblem::WrongType)?;
    whole(t, bytes)?;
    Ok(t)
}

const COMPOUND_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// An Outlook message is a compound file with a property stream and `__substg1.0_` streams.
fn outlook_message(bytes: &[u8]) -> Option<FileType> {
    let file = cfb::CompoundFile::open(Cursor::new(bytes)).ok()?;
    let is_msg = file.exists("/__properties_version1.0")
        || file
            .read_root_storage()
            .any(|e| e.name().starts_with("__substg1.0_"));
    if is_msg {
        by_type("application/vnd.ms-outlook")
    } else {
        None
    }
}

/// Header names an email starts with.
const EMAIL_HEADERS: &[&str] = &[
    "from",
    "to",
    "cc",
    "subject",
    "date",
    "message-id",
    "mime-version",
    "received",
    "return-path",
    "reply-to",
    "content-type",
    "delivered-to",
    "x-",
];

/// An email (RFC 5322): text whose first lines, up to a blank line, are `Name: value` headers (or their
/// continuations), with a `From:` header and at least one other known one.
fn looks_like_email(bytes: &[u8]) -> bool {
    let head = bytes.get(..bytes.len().min(64 * 1024)).unwrap_or(bytes);
    let Ok(text) = std::str::from_utf8(head)
        .or_else(|e| std::str::from_utf8(head.get(..e.valid_up_to()).unwrap_or_default()))
    else {
        return false;
    };
    let mut from = false;
    let mut known = 0;
    let mut lines = 0;
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if line.is_empty() {
            break;
        }
        lines += 1;
        if line.starts_with(' ') || line.starts_with('\t') {
            if lines == 1 {
                return false;
            }
            continue;
        }
        let Some((name, _)) = line.split_once(':') else {
            return false;
        };
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_graphic() && b != b':') {
            return false;
        }
        let name = name.to_ascii_lowercase();
        if name == "from" {
            from = true;
        }
        if EMAIL_HEADERS
            .iter()
            .any(|h| name == *h || (h.ends_with('-') && name.starts_with(h)))
        {
            known += 1;
        }
    }
    from && known >= 2
}

/// Whether a file of type `t` is whole.
fn whole(t: FileType, bytes: &[u8]) -> Result<(), FileProblem> {
    match t.how {
        Check::Pdf => {
            let tail = bytes
                .get(bytes.len().saturating_sub(1024)..)
                .unwrap_or(bytes);
            let tail = trim_end(tail);
            if tail.ends_with(b"%%EOF") {
                Ok(())
            } else {
                Err(FileProblem::Damaged(
                    "the PDF has no end-of-file marker (%%EOF)",
                ))
            }
        }
        Check::Zip => match zip::ZipArchive::new(Cursor::new(bytes)) {
            Ok(a) if !a.is_empty() => Ok(()),
            _ => Err(FileProblem::Damaged(
                "its table of contents cannot be read (the file is cut short)",
            )),
        },
        Check::Compound => match cfb::CompoundFile::open(Cursor::new(bytes)) {
            Ok(_) if bytes.len().is_multiple_of(512) => Ok(()),
            _ => Err(FileProblem::Damaged(
                "its structure cannot be read (the file is cut short)",
            )),
        },
        Check::Jpeg => {
            if trim_end_zeros(bytes).ends_with(&[0xFF, 0xD9]) {
                Ok(())
            } else {
                Err(FileProblem::Damaged("the image has no end marker"))
            }
        }
        Check::Png => {
            if bytes.ends_with(&[0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82]) {
                Ok(())
            } else {
                Err(FileProblem::Damaged("the image has no end chunk (IEND)"))
            }
        }
        Check::Gif => {
            if trim_end_zeros(bytes).ends_with(b";") {
                Ok(())
            } else {
                Err(FileProblem::Damaged("the image has no end marker"))
            }
        }
        Check::Nothing => Ok(()),
    }
}

fn trim_end(b: &[u8]) -> &[u8] {
    let n = b
        .iter()
        .rposition(|c| !c.is_ascii_whitespace() && *c != 0)
        .map_or(0, |i| i + 1);
    b.get(..n).unwrap_or(b)
}

fn trim_end_zeros(b: &[u8]) -> &[u8] {
    let n = b.iter().rposition(|c| *c != 0).map_or(0, |i| i + 1);
    b.get(..n).unwrap_or(b)
}

/// The SHA-256 of `bytes`, lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for b in digest {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// A safe name to download a file as: from the name it was sent with (or the title), keeping letters, digits,
/// spaces, `-` and `_`, at most 80 characters, ending with the extension of the type found in it.
pub fn safe_file_name(sent: Option<&str>, title: &str, t: &FileType) -> String {
    let base = sent
        .map(|s| s.rsplit(['/', '\\']).next().unwrap_or(s))
        .map(|s| s.rsplit_once('.').map_or(s, |(stem, _)| stem))
        .filter(|s| !s.trim().is_empty())
        .unwrap_or(title);
    let mut out = String::new();
    let mut last_space = true;
    for c in base.chars() {
        let c = if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
            c
        } else {
            ' '
        };
        if c == ' ' {
            if !last_space {
                out.push(' ');
            }
            last_space = true;
        } else {
            out.push(c);
            last_space = false;
        }
        if out.len() >= 80 {
            break;
        }
    }
    let stem = out.trim();
    let stem = if stem.is_empty() { "document" } else { stem };
    format!("{stem}.{}", t.extension)
}

/// What a user gives with a file: every field optional, so that all problems are named together.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentInput {
    pub title: Option<String>,
    pub kind: Option<String>,
    pub shared_with: Vec<String>,
}

/// The details of a document, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentDetails {
    pub title: String,
    pub kind: Option<DocumentKind>,
    pub shared_with: Vec<Agency>,
}

/// The partner agencies a document can be shared with (children's social care is not a partner).
pub fn partner_agencies() -> impl Iterator<Item = Agency> {
    Agency::ALL
        .iter()
        .copied()
        .filter(|a| *a != Agency::SocialCare)
}

/// The agencies named in `shared_with`: each a partner agency, once each, in the list's order.
pub fn shared_with(list: &[String], errors: &mut ValueErrors) -> Vec<Agency> {
    let mut out = Vec::new();
    let Some(list) =
        crate::validation::bounded("shared_with", list, MAX_SHARED_WITH, "agencies", errors)
    else {
        return out;
    };
    for (i, code) in list.iter().enumerate() {
        let field: Cow<'static, str> = format!("shared_with[{i}]").into();
        match code.trim().parse::<Agency>() {
            Ok(Agency::SocialCare) => errors.push(ValueError::new(
                field,
                "Children's social care sees every document already: choose a partner agency",
            )),
            Ok(a) => {
                if !out.contains(&a) {
                    out.push(a);
                }
            }
            Err(_) => errors.push(ValueError::new(
                field,
                format!("'{}' is not a partner agency", code.trim()),
            )),
        }
    }
    out
}

/// The details given with a file, or every problem with them.
pub fn details(input: &DocumentInput) -> Result<DocumentDetails, ValueErrors> {
    let mut errors = ValueErrors::new();
    let title = errors.take(required_text(
        "title",
        input.title.as_deref(),
        MAX_TITLE,
        "Enter a title for the document",
    ));
    let kind = errors.take(optional_code("kind", input.kind.as_deref(), str::parse));
    let shared_with = shared_with(&input.shared_with, &mut errors);
    errors.into_result()?;
    Ok(DocumentDetails {
        title: title.unwrap_or_default(),
        kind: kind.flatten(),
        shared_with,
    })
}

/// A small valid PDF of one A4 page showing `lines` (Helvetica 11pt; characters outside printable ASCII shown as
/// `?`): for demo documents and tests, and the shape generated letters start from.
pub fn minimal_pdf(lines: &[&str]) -> Vec<u8> {
    let mut text = String::from("BT /F1 11 Tf 56 780 Td 14 TL\n");
    for line in lines {
        text.push('(');
        for c in line.chars() {
            match c {
                '(' | ')' | '\\' => {
                    text.push('\\');
                    text.push(c);
                }
                ' '..='~' => text.push(c),
                _ => text.push('?'),
            }
        }
        text.push_str(") Tj T*\n");
    }
    text.push_str("ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> \
         /Contents 5 0 R >>"
            .to_owned(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
        format!("<< /Length {} >>\nstream\n{text}\nendstream", text.len()),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zip_with(name: &str) -> Vec<u8> {
        // A zip with one stored entry, written by hand (local header, data, central directory, end record).
        let data = b"<w:document/>";
        let crc = crc32(data);
        let mut out = Vec::new();
        let n = name.len() as u16;
        let local = out.len() as u32;
        out.extend_from_slice(&[0x50, 0x4B, 0x03, 0x04, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        out.extend_from_slice(&crc.to_le_bytes());
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out.extend_from_slice(&n.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);
        let cd = out.len() as u32;
        out.extend_from_slice(&[0x50, 0x4B, 0x01, 0x02, 20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        out.extend_from_slice(&crc.to_le_bytes());
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out.extend_from_slice(&n.to_le_bytes());
        out.extend_from_slice(&[0; 12]);
        out.extend_from_slice(&local.to_le_bytes());
        out.extend_from_slice(name.as_bytes());
        let cd_len = out.len() as u32 - cd;
        out.extend_from_slice(&[0x50, 0x4B, 0x05, 0x06, 0, 0, 0, 0, 1, 0, 1, 0]);
        out.extend_from_slice(&cd_len.to_le_bytes());
        out.extend_from_slice(&cd.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out
    }

    fn crc32(data: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for b in data {
            crc ^= u32::from(*b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    #[test]
    fn a_minimal_pdf_is_a_whole_pdf_and_cut_short_is_damaged() {
        let pdf = minimal_pdf(&["Police notification (test)", "Ünïcode"]);
        assert_eq!(inspect(&pdf).unwrap().content_type, "application/pdf");
        let cut = &pdf[..pdf.len() - 20];
        assert!(matches!(inspect(cut), Err(FileProblem::Damaged(_))));
    }

    #[test]
    fn an_office_file_is_known_by_its_content_and_cut_short_is_damaged() {
        let docx = zip_with("word/document.xml");
        assert_eq!(
            inspect(&docx).unwrap().extension,
            "docx",
            "{:?}",
            infer::get(&docx)
        );
        assert!(matches!(
            inspect(&docx[..docx.len() - 10]),
            Err(FileProblem::Damaged(_))
        ));
        // A zip that is not an Office file is not a type we keep.
        assert_eq!(inspect(&zip_with("notes.txt")), Err(FileProblem::WrongType));
    }

    #[test]
    fn images_emails_and_other_files() {
        let png = [
            &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A][..],
            &[0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xAE, 0x42, 0x60, 0x82],
        ]
        .concat();
        assert_eq!(inspect(&png).unwrap().content_type, "image/png");
        assert!(matches!(inspect(&png[..10]), Err(FileProblem::Damaged(_))));
        let jpeg = [
            0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F', 0, 0xFF, 0xD9,
        ];
        assert_eq!(inspect(&jpeg).unwrap().extension, "jpg");
        assert!(matches!(inspect(&jpeg[..8]), Err(FileProblem::Damaged(_))));
        let eml = b"From: officer@police.example\r\nTo: mash@la.example\r\nSubject: Notification\r\n\r\nBody";
        assert_eq!(inspect(eml).unwrap().content_type, "message/rfc822");
        assert_eq!(
            inspect(b"just some text: not an email"),
            Err(FileProblem::WrongType)
        );
        assert_eq!(
            inspect(b"MZ\x90\x00\x03\x00\x00\x00"),
            Err(FileProblem::WrongType)
        );
        assert_eq!(inspect(b""), Err(FileProblem::Empty));
    }

    #[test]
    fn the_download_name_is_safe_and_has_the_type_found() {
        let pdf = by_type("application/pdf").unwrap();
        assert_eq!(
            safe_file_name(Some("../../etc/pass\"wd.exe"), "t", &pdf),
            "pass wd.pdf"
        );
        assert_eq!(
            safe_file_name(None, "Police notification", &pdf),
            "Police notification.pdf"
        );
        assert_eq!(
            safe_file_name(Some("\u{202e}.pdf"), "x", &pdf),
            "document.pdf"
        );
    }

    #[test]
    fn details_name_every_problem() {
        let e = details(&DocumentInput {
            title: None,
            kind: Some("nonsense".into()),
            shared_with: vec!["police".into(), "martians".into(), "social-care".into()],
        })
        .unwrap_err();
        let fields: Vec<&str> = e.0.iter().map(|e| e.field.as_ref()).collect();
        assert_eq!(
            fields,
            ["title", "kind", "shared_with[1]", "shared_with[2]"]
        );
        let d = details(&DocumentInput {
            title: Some(" Minutes ".into()),
            kind: Some("conference-minutes".into()),
            shared_with: vec!["police".into(), "police".into(), "health".into()],
        })
        .unwrap();
        assert_eq!(d.title, "Minutes");
        assert_eq!(d.shared_with, [Agency::Police, Agency::Health]);
    }
}
