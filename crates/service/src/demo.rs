//! Seeding a database with synthetic demo data (`frontdoor demo`, `frontdoor serve --demo`): three LAs, their
//! teams and workers, families and their journeys from `synth`, and one demo sign-in per role and LA.

use std::time::{Duration, Instant};

use domain::audit::Actor;
use domain::codes::{Agency, Role};
use domain::identifiers::LaCode;
use domain::ids::UserId;
use domain::records::{RecordCounts, RecordSet, User};
use store::Store;

use crate::{ServiceError, Services, auth};

/// The password of every demo sign-in. Demo databases hold synthetic data only.
pub const DEMO_PASSWORD: &str = "frontdoor-demo";

/// The demo LAs: Hammersmith & Fulham, Kensington & Chelsea and Westminster, sharing one MASH.
pub const DEMO_LAS: [&str; 3] = ["205", "207", "213"];

/// How many children go into one transaction.
const CHILDREN_PER_BATCH: u32 = 5_000;

/// What seeding did.
#[derive(Clone, Debug)]
pub struct Seeded {
    pub counts: RecordCounts,
    pub audit_entries: u64,
    pub elapsed: Duration,
    pub sign_ins: Vec<DemoSignIn>,
}

/// A demo sign-in to print.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoSignIn {
    pub username: String,
    pub role: Role,
    pub agency: Option<Agency>,
    pub la: LaCode,
}

/// The sign-ins `--demo` creates: one per role and LA (partners: police, health and education).
pub fn demo_sign_ins(las: &[LaCode]) -> Vec<DemoSignIn> {
    let mut out = Vec::new();
    for la in las {
        for role in Role::ALL {
            if *role == Role::Partner {
                for agency in [Agency::Police, Agency::Health, Agency::Education] {
                    out.push(DemoSignIn {
                        username: format!("partner-{agency}-{la}"),
                        role: *role,
                        agency: Some(agency),
                        la: la.clone(),
                    });
                }
            } else {
                out.push(DemoSignIn {
                    username: format!("{role}-{la}"),
                    role: *role,
                    agency: None,
                    la: la.clone(),
                });
            }
        }
    }
    out
}

impl<S: Store> Services<S> {
    /// Fill the database with synthetic data. `progress(children_done, children_total)` is called after
    /// each batch is durable.
    pub async fn seed_demo(
        &self,
        config: &synth::DemoConfig,
        mut progress: impl FnMut(u32, u32),
    ) -> Result<Seeded, ServiceError> {
        let started = Instant::now();
        let actor = Actor::system("demo");
        self.ensure_local_authorities(&actor, &config.las).await?;
        // Generate on a thread of its own, a couple of batches ahead of the database.
        let (tx, mut rx) = tokio::sync::mpsc::channel::<(RecordSet, u32)>(2);
        let generator_config = config.clone();
        let generator = tokio::task::spawn_blocking(move || {
            let mut demo = synth::Demo::new(&generator_config);
            if tx.blocking_send((demo.organisation(), 0)).is_err() {
                return;
            }
            while let Some(batch) = demo.next_batch(CHILDREN_PER_BATCH) {
                if tx.blocking_send((batch, demo.children_done())).is_err() {
                    return;
                }
            }
        });
        progress(0, config.children);
        while let Some((batch, done)) = rx.recv().await {
            let rows = batch.counts().total();
            let t = Instant::now();
            self.store.insert_records(&actor, batch).await?;
            tracing::debug!(
                rows,
                ms = t.elapsed().as_millis() as u64,
                done,
                "demo batch written"
            );
            progress(done, config.children);
        }
        generator
            .await
            .map_err(|e| ServiceError::Internal(format!("demo data generator: {e}")))?;
        let sign_ins = self.add_demo_sign_ins(&actor, &config.las).await?;
        let (counts, audit_entries) = self.store.counts().await?;
        Ok(Seeded {
            counts,
            audit_entries,
            elapsed: started.elapsed(),
            sign_ins,
        })
    }

    /// Create the demo sign-ins that do not exist yet (all with [`DEMO_PASSWORD`]).
    pub async fn add_demo_sign_ins(
        &self,
        actor: &Actor,
        las: &[LaCode],
    ) -> Result<Vec<DemoSignIn>, ServiceError> {
        let wanted = demo_sign_ins(las);
        // One hash for all: the same password, and hashing is deliberately slow.
        let hash = auth::hash_password(DEMO_PASSWORD.to_owned()).await?;
        for s in &wanted {
            if self.store.user_credentials(&s.username).await?.is_some() {
                continue;
            }
            let user = User {
                id: UserId::new(),
                username: s.username.clone(),
                display_name: format!("Demo {} ({})", s.role.label(), s.la.name().unwrap_or("LA")),
                role: s.role,
                agency: s.agency,
                las: vec![s.la.clone()],
                team_id: None,
                disabled: false,
                created_at: self.now(),
            };
            self.store
                .add_user(actor, &user, Some(hash.clone()))
                .await?;
        }
        Ok(wanted)
    }
}
