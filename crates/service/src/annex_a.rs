//! Ofsted's Annex A Lists 1–7 for one LA and period: for senior leaders and inspectors of that LA (and the
//! system itself, for the command line), audited as one export.

use domain::audit::{Actor, AuditEvent};
use domain::codes::{AuditAction, AuditOutcome, RecordKind};
use domain::datetime::Date;
use domain::identifiers::LaCode;
use domain::policy::{self, Action, Area, Decision, Target};
use returns::annex_a::{self, AnnexA};
use store::Store;

use crate::{ServiceError, Services, subject};

/// The longest period one export may cover (Ofsted asks for six months to a year).
pub const MAX_YEARS: i16 = 3;

/// Check a period: `to` not before `from`, and no longer than [`MAX_YEARS`].
pub fn check_period(from: Date, to: Date) -> Result<(), ServiceError> {
    if to < from {
        return Err(ServiceError::invalid(
            "to",
            format!("the end of the period ({to}) is before its start ({from})"),
        ));
    }
    let limit = from
        .checked_add(jiff::Span::new().years(MAX_YEARS))
        .unwrap_or(Date::MAX);
    if to >= limit {
        return Err(ServiceError::invalid(
            "to",
            format!("the period may be at most {MAX_YEARS} years long"),
        ));
    }
    Ok(())
}

fn export_event(la: &LaCode, outcome: AuditOutcome) -> AuditEvent {
    AuditEvent {
        action: AuditAction::Export,
        record_kind: RecordKind::Dataset,
        record_id: None,
        child_id: None,
        la: Some(la.clone()),
        outcome,
    }
}

impl<S: Store> Services<S> {
    /// Annex A Lists 1–7 for `la`, `from..=to` (inclusive). Needs Returns/Export in the LA (a role without it:
    /// forbidden; an LA the user does not work for: not found, as for any record of another LA); refusals are
    /// audited too. The export is audited before the lists are handed over.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id()))]
    pub async fn annex_a(
        &self,
        actor: &Actor,
        la: &LaCode,
        from: Date,
        to: Date,
    ) -> Result<AnnexA, ServiceError> {
        let system = actor.is_system();
        if !system {
            let s = subject(actor)?;
            let target = Target {
                la: Some(la),
                ..Target::area(Area::Returns)
            };
            match policy::decide(&s, Action::Export, &target) {
                Decision::Allow => {}
                refused => {
                    self.store
                        .record_audit(
                            actor,
                            vec![export_event(la, AuditOutcome::Denied)],
                            self.now(),
                        )
                        .await?;
                    return Err(match refused {
                        Decision::Hidden => ServiceError::NotFound,
                        _ => ServiceError::Forbidden,
                    });
                }
            }
        }
        check_period(from, to)?;
        // An LA this deployment does not serve has nothing to export.
        self.local_authority(la).await?;
        let started = std::time::Instant::now();
        let records = self.store.annex_a_records(la.clone(), from, to).await?;
        let read = started.elapsed();
        let annex = tokio::task::spawn_blocking(move || annex_a::build(&records, from, to))
            .await
            .map_err(|e| ServiceError::internal("building Annex A", e))?
            .map_err(|e| ServiceError::internal("building Annex A", e))?;
        tracing::info!(
            %la,
            %from,
            %to,
            read_ms = read.as_millis(),
            build_ms = (started.elapsed() - read).as_millis(),
            "Annex A lists built"
        );
        self.store
            .record_audit(
                actor,
                vec![export_event(la, AuditOutcome::Allowed)],
                self.now(),
            )
            .await?;
        Ok(annex)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn periods_are_checked() {
        assert!(check_period(d("2024-04-01"), d("2024-09-30")).is_ok());
        assert!(check_period(d("2024-04-01"), d("2024-04-01")).is_ok());
        assert!(check_period(d("2021-04-01"), d("2024-03-31")).is_ok());
        let e = check_period(d("2024-04-01"), d("2024-03-31")).unwrap_err();
        assert!(e.to_string().contains("to: the end of the period"), "{e}");
        let e = check_period(d("2021-04-01"), d("2024-04-01")).unwrap_err();
        assert!(e.to_string().contains("at most 3 years"), "{e}");
    }
}
