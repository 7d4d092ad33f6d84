//! `frontdoor export annex-a`.

use std::path::Path;

use anyhow::bail;
use service::Services;
use store::Store;

/// `frontdoor export annex-a --la CODE --from DATE --to DATE --out FILE.xlsx|DIR`.
pub async fn export<S: Store>(
    _services: &Services<S>,
    _la: &str,
    _from: &str,
    _to: &str,
    _out: &Path,
) -> anyhow::Result<()> {
    bail!("not built yet")
}
