//! Seeding a database with synthetic demo data (`frontdoor demo`, `frontdoor serve --demo`): three LAs, their
//! teams and workers, families and their journeys from `synth`, and one demo sign-in per role and LA.

use std::time::{Duration, Instant};

use domain::audit::Actor;
use domain::codes::{Agency, Role};
use domain::datetime::{Date, london_date};
use domain::identifiers::LaCode;
use domain::ids::{AllocationId, TeamId, UserId};
use domain::policy::Decision;
use domain::records::{Allocation, RecordCounts, RecordSet, User};
use store::{CaseChange, Store};

use crate::{ServiceError, Services, auth};

/// The password of every demo sign-in. Demo databases hold synthetic data only.
pub const DEMO_PASSWORD: &str = "frontdoor-demo";

/// The demo LAs: Hammersmith & Fulham, Kensington & Chelsea and Westminster, sharing one MASH.
pub const DEMO_LAS: [&str; 3] = ["205", "207", "213"];

/// How many children each LA's demo social worker takes over, so that "My cases" has work in it.
const DEMO_CASELOAD: usize = 12;

/// How many children go into one transaction. Each commit of a batch is followed by a restart of the `-wal`
/// file (on SQLite), so this bounds the file during a bulk load: on the 100,000-child ten-year demo batches of
/// 5,000 children took it to 173 MB, of 1,000 to 67 MB and of 500 to 51 MB (against a bound of 64 MB); the load
/// took 40 s, 46 s and 70 s (each commit also copies the log back into the database file). With 4 KiB pages
/// (16 KiB before; a batch's inserts are spread over every index, so it dirties many more small pages), 500
/// took it to 72 MB, so 300.
const CHILDREN_PER_BATCH: u32 = 300;

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

/// A demo sign-in's id, from its username (a UUID of version 8, "custom"): the same in every demo database, so a
/// demo is the same records every time it is made with the same seed.
fn demo_user_id(username: &str) -> UserId {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(format!("frontdoor demo sign-in {username}").as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(digest.get(..16).unwrap_or(&[0; 16]));
    bytes[6] = (bytes[6] & 0x0f) | 0x80;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    UserId::from_uuid(uuid::Uuid::from_bytes(bytes))
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
    #[tracing::instrument(skip_all)]
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
            self.store.insert_records(&actor, batch, self.now()).await?;
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
            .map_err(|e| ServiceError::internal("demo data generator", e))?;
        let sign_ins = self
            .add_demo_sign_ins_on(&actor, &config.las, config.until)
            .await?;
        // The planner's statistics first: the due dates read every case back (on PostgreSQL without them, with
        // autovacuum off or behind, a query for 500 children's latest oversight took 20 s rather than 50 ms).
        self.store.refresh_statistics().await?;
        // Every case written is queued for its due dates: work them out now, so that the database is ready for
        // the "all cases" worklist before a server starts (rather than the server doing it in its first minute).
        let t = Instant::now();
        let cases = self.update_case_clocks(None, usize::MAX).await?;
        tracing::debug!(
            cases,
            ms = t.elapsed().as_millis() as u64,
            "demo due dates worked out"
        );
        let (counts, audit_entries) = self.store.counts().await?;
        Ok(Seeded {
            counts,
            audit_entries,
            elapsed: started.elapsed(),
            sign_ins,
        })
    }

    /// Create the demo sign-ins that do not exist yet (all with [`DEMO_PASSWORD`]). So that a first look finds
    /// work on "My cases", each LA's demo social worker takes over a small caseload of children on plans (from
    /// one synthetic team, allocated to them from today), and the LA's demo social worker and team manager
    /// belong to that team.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id()))]
    pub async fn add_demo_sign_ins(
        &self,
        actor: &Actor,
        las: &[LaCode],
    ) -> Result<Vec<DemoSignIn>, ServiceError> {
        self.add_demo_sign_ins_on(actor, las, london_date(self.now()))
            .await
    }

    /// [`Services::add_demo_sign_ins`], handing the caseloads over on `on` (the demo's last day). The same
    /// demo gives the same records: the sign-ins' ids come from their usernames and the new allocations' from
    /// the ones they replace.
    async fn add_demo_sign_ins_on(
        &self,
        actor: &Actor,
        las: &[LaCode],
        on: Date,
    ) -> Result<Vec<DemoSignIn>, ServiceError> {
        let wanted = demo_sign_ins(las);
        // One hash for all: the same password, and hashing is deliberately slow.
        let hash = auth::hash_password(DEMO_PASSWORD.to_owned()).await?;
        let mut caseloads = Vec::new();
        for la in las {
            caseloads.push((la.clone(), self.demo_caseload(actor, la).await?));
        }
        for s in &wanted {
            if self.store.user_credentials(&s.username).await?.is_some() {
                continue;
            }
            let caseload = caseloads
                .iter()
                .find(|(la, _)| *la == s.la)
                .and_then(|(_, c)| c.as_ref());
            let in_team = matches!(s.role, Role::SocialWorker | Role::TeamManager);
            let user = User {
                id: demo_user_id(&s.username),
                username: s.username.clone(),
                display_name: format!("Demo {} ({})", s.role.label(), s.la.name().unwrap_or("LA")),
                role: s.role,
                agency: s.agency,
                las: vec![s.la.clone()],
                team_id: caseload.filter(|_| in_team).map(|(team, _)| *team),
                disabled: false,
                created_at: self.now(),
            };
            self.store
                .add_user(actor, &user, Some(hash.clone()), self.now())
                .await?;
            if s.role == Role::SocialWorker
                && let Some((team, allocations)) = caseload
            {
                self.hand_over(actor, user.id, *team, allocations, on)
                    .await?;
            }
        }
        Ok(wanted)
    }

    /// Up to [`DEMO_CASELOAD`] children of `la` on a plan, all allocated now to workers of one team: the team and
    /// their current allocations.
    async fn demo_caseload(
        &self,
        actor: &Actor,
        la: &LaCode,
    ) -> Result<Option<(TeamId, Vec<Allocation>)>, ServiceError> {
        let open = self
            .store
            .casework_worklist(
                actor,
                store::CaseworkQuery {
                    las: vec![la.clone()],
                    user_id: None,
                    allocated_to: None,
                    team: None,
                    limit: 500,
                    by_due: None,
                },
                self.now(),
            )
            .await?
            .set;
        let on_plans: Vec<&Allocation> = open
            .allocations
            .iter()
            .filter(|a| a.to.is_none() && a.team_id.is_some())
            .filter(|a| open.plans.iter().any(|p| p.child_id == a.child_id))
            .collect();
        let Some(team) = on_plans.first().and_then(|a| a.team_id) else {
            return Ok(None);
        };
        let mut chosen: Vec<Allocation> = Vec::new();
        for a in on_plans.into_iter().filter(|a| a.team_id == Some(team)) {
            if chosen.len() < DEMO_CASELOAD && !chosen.iter().any(|c| c.child_id == a.child_id) {
                chosen.push(a.clone());
            }
        }
        Ok(Some((team, chosen)))
    }

    /// Allocate each child to `worker` from today, ending their current allocation.
    async fn hand_over(
        &self,
        actor: &Actor,
        worker: UserId,
        team: TeamId,
        allocations: &[Allocation],
        on: Date,
    ) -> Result<(), ServiceError> {
        for old in allocations {
            // The new allocation's id: the old one's with its last byte turned (unique, and the same every run).
            let mut bytes = *old.id.uuid().as_bytes();
            bytes[15] ^= 0x5a;
            let new = Allocation {
                id: AllocationId::from_uuid(uuid::Uuid::from_bytes(bytes)),
                la: old.la.clone(),
                child_id: old.child_id,
                worker_id: worker,
                team_id: Some(team),
                from: on,
                to: None,
            };
            let ended = Allocation {
                to: Some(on),
                ..old.clone()
            };
            self.store
                .save_case_change(
                    actor,
                    CaseChange {
                        child: old.child_id,
                        created: RecordSet {
                            allocations: vec![new],
                            ..RecordSet::default()
                        },
                        updated: RecordSet {
                            allocations: vec![ended],
                            ..RecordSet::default()
                        },
                        seen_version: None,
                        seen_record: None,
                    },
                    Box::new(|_| Decision::Allow),
                    self.now(),
                )
                .await?;
        }
        Ok(())
    }
}
