//! Static files compiled into the binary (nothing sits beside it), served with cache-busting URLs.

use std::sync::OnceLock;

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

macro_rules! assets {
    ($($path:literal => $mime:literal),+ $(,)?) => {
        /// Every embedded file: its path under `/assets/`, its content type and its bytes.
        static ASSETS: &[(&str, &str, &[u8])] = &[
            $(($path, $mime, include_bytes!(concat!("../assets/", $path)))),+
        ];
    };
}

assets! {
    "govuk/frontdoor-govuk.min.css" => "text/css; charset=utf-8",
    "govuk/govuk-frontend.min.js" => "text/javascript; charset=utf-8",
    "govuk/images/govuk-crest.svg" => "image/svg+xml",
    "js/init.js" => "text/javascript; charset=utf-8",
    "js/govuk-frontend-supported.js" => "text/javascript; charset=utf-8",
    "js/htmx.min.js" => "text/javascript; charset=utf-8",
}

fn find(path: &str) -> Option<&'static (&'static str, &'static str, &'static [u8])> {
    ASSETS.iter().find(|(p, _, _)| *p == path)
}

/// A short fingerprint of all the assets, changed whenever any of them changes.
fn fingerprint() -> &'static str {
    static FINGERPRINT: OnceLock<String> = OnceLock::new();
    FINGERPRINT.get_or_init(|| {
        // FNV-1a: not for security, just to change URLs when the files change.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for (_, _, bytes) in ASSETS {
            for b in bytes.iter() {
                h ^= u64::from(*b);
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
        }
        format!("{h:016x}")
    })
}

/// The URL of an embedded asset, with a version so browsers may cache it for a long time.
pub fn asset_url(path: &str) -> String {
    format!("/assets/{path}?v={}", fingerprint())
}

/// `GET /assets/{*path}`.
pub async fn serve(Path(path): Path<String>) -> Response {
    match find(&path) {
        Some((_, mime, bytes)) => {
            let mut r = (StatusCode::OK, *bytes).into_response();
            let h = r.headers_mut();
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
            h.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            );
            r
        }
        None => crate::pages::not_found(None).await,
    }
}
