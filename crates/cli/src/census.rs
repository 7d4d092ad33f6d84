//! `frontdoor export|validate|import cin-census`.

use std::path::Path;
use std::process::ExitCode;

use anyhow::bail;
use service::Services;
use store::Store;

/// `frontdoor validate cin-census FILE [--year YYYY] [--json]`.
pub fn validate_file(_file: &Path, _year: Option<i16>, _json: bool) -> ExitCode {
    eprintln!("error: not built yet");
    ExitCode::from(2)
}

/// `frontdoor export cin-census --la CODE --year YYYY [--out FILE]`.
pub async fn export<S: Store>(
    _services: &Services<S>,
    _la: &str,
    _year: i16,
    _out: Option<&Path>,
) -> anyhow::Result<()> {
    bail!("not built yet")
}

/// `frontdoor import cin-census FILE`.
pub async fn import<S: Store>(_services: &Services<S>, _file: &Path) -> anyhow::Result<()> {
    bail!("not built yet")
}
