//! `frontdoor export|validate|import cin-census`.

use std::path::Path;
use std::process::ExitCode;

use anyhow::bail;
use service::Services;
use store::Store;

/// `frontdoor validate cin-census FILE [--year YYYY] [--json]`.
pub fn validate_file(file: &Path, year: Option<i16>, json: bool) -> ExitCode {
    crate::census_validate::run(file, year, json)
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
