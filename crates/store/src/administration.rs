//! Administration's reads and writes: users and teams with their versions, team membership over time, an LA's
//! settings with their version, and each change an administrator makes, checked against the version they saw and
//! audited in the same transaction.

use std::borrow::Cow;

use domain::audit::{Actor, AuditEvent};
use domain::codes::{AuditAction, AuditOutcome, RecordKind, Role, TeamKind};
use domain::datetime::{Date, Timestamp, london_date};
use domain::identifiers::LaCode;
use domain::ids::{OrganisationId, TeamId, UserId};
use domain::records::{LaSettings, LocalAuthority, Team, User};

use crate::audit_log::append_audit;
use crate::casework::la_list;
use crate::error::StoreError;
use crate::queries::{insert_kind, users_with_las};
use crate::row::RowExt;
use crate::sql::{Backend, Sql, SqlConn, SqlRow, Value};
use crate::tables::Table;

/// A user as administration shows them: with the version a change must be based on.
#[derive(Clone, Debug, PartialEq)]
pub struct AdminUser {
    pub user: User,
    pub version: i64,
    /// Whether they have a local password (single sign-on users need none).
    pub has_password: bool,
    /// The email single sign-on first matches them by (lower case).
    pub email: Option<String>,
    /// Whether they have signed in through the identity provider (their subject there is recorded).
    pub sso_linked: bool,
    /// Whether they have set up a second factor.
    pub second_factor: bool,
}

/// One spell of a user in a team.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spell {
    pub user_id: UserId,
    pub joined_on: Date,
    /// `None` while they are in the team.
    pub left_on: Option<Date>,
}

/// A team as administration shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct AdminTeam {
    pub team: Team,
    pub manager_id: Option<UserId>,
    pub closed_on: Option<Date>,
    pub version: i64,
    /// Who was in the team and when, those in it now first, then by the day they joined.
    pub spells: Vec<Spell>,
}

/// One change an administrator makes. `expected`: the version they saw (`None`: based on the record as it is
/// now). Each is applied in one transaction with its audit entries, or refused (`Stale`) with nothing written.
#[derive(Clone, Debug)]
pub enum AdminChange {
    /// A user's name, role, LAs, agency and team; a change of team ends their spell in the old one and starts
    /// one in the new, on `today`.
    UpdateUser {
        id: UserId,
        expected: Option<i64>,
        display_name: String,
        role: Role,
        las: Vec<LaCode>,
        agency: Option<domain::codes::Agency>,
        team_id: Option<TeamId>,
        /// Lower case; unique among users.
        email: Option<String>,
        today: Date,
    },
    /// Record the email of a user just created (the version stays: it is part of creating them).
    SetEmail { id: UserId, email: String },
    /// Disable (ending their sessions and revoking their tokens) or enable a user.
    SetDisabled {
        id: UserId,
        expected: Option<i64>,
        disabled: bool,
    },
    /// A new password (its hash), ending the user's sessions.
    SetPassword {
        id: UserId,
        expected: Option<i64>,
        hash: String,
    },
    /// Revoke every live API token of the user.
    RevokeTokens { id: UserId },
    CreateTeam {
        team: Team,
        manager_id: Option<UserId>,
    },
    UpdateTeam {
        id: TeamId,
        expected: Option<i64>,
        name: String,
        kind: TeamKind,
        manager_id: Option<UserId>,
    },
    /// Close a team (it must have no members) from `on`.
    CloseTeam {
        id: TeamId,
        expected: Option<i64>,
        on: Date,
    },
    /// Add a partner organisation to an LA's directory.
    CreateOrganisation { organisation: Organisation },
    /// Change a partner organisation (its LA does not change).
    UpdateOrganisation {
        organisation: Organisation,
        expected: Option<i64>,
    },
    /// Replace an LA's settings (the letter templates as stored are kept).
    SaveSettings {
        la: LaCode,
        expected: Option<i64>,
        settings: LaSettings,
    },
}

/// A partner organisation of an LA's directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Organisation {
    pub id: OrganisationId,
    pub la: LaCode,
    pub name: String,
    pub agency: domain::codes::Agency,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub active: bool,
    pub version: i64,
}

/// See [`crate::Store::admin_organisations`].
pub(crate) async fn admin_organisations<C: SqlConn>(
    c: &mut C,
    las: &[LaCode],
) -> Result<Vec<Organisation>, StoreError> {
    if las.is_empty() {
        return Ok(Vec::new());
    }
    let (list, args) = la_list(las, 1);
    let rows = c
        .fetch_all(with_args(
            format!(
                "SELECT id, la, name, agency, email, phone, active, version FROM partner_organisation \
                 WHERE la IN ({list}) ORDER BY la, name"
            ),
            args,
        ))
        .await?;
    rows.iter()
        .map(|r| {
            Ok(Organisation {
                id: r.id("id")?,
                la: r.la("la")?,
                name: r.req_text("name")?,
                agency: r.parsed("agency")?,
                email: r.text("email")?,
                phone: r.text("phone")?,
                active: r.req_bool("active")?,
                version: r.req_int("version")?,
            })
        })
        .collect()
}

/// What a change left: the record's new version, and how many things it touched (tokens revoked).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Administered {
    pub version: i64,
    pub count: u32,
}

fn with_args(text: String, args: Vec<Value<'static>>) -> Sql<'static> {
    Sql {
        text: Cow::Owned(text),
        args,
    }
}

fn event(
    action: AuditAction,
    kind: RecordKind,
    id: Option<uuid::Uuid>,
    la: Option<LaCode>,
) -> AuditEvent {
    AuditEvent {
        action,
        record_kind: kind,
        record_id: id,
        child_id: None,
        la,
        outcome: AuditOutcome::Allowed,
    }
}

async fn admin_users_where<C: SqlConn>(
    c: &mut C,
    filter: String,
    args: Vec<Value<'static>>,
) -> Result<Vec<AdminUser>, StoreError> {
    let cols: Vec<String> = User::COLUMNS.iter().map(|c| format!("u.{c}")).collect();
    let rows = c
        .fetch_all(with_args(
            format!(
                "SELECT {}, u.version, u.password_hash IS NOT NULL AS has_password, u.email, \
                 u.sso_subject IS NOT NULL AS sso_linked, u.totp_secret IS NOT NULL AS second_factor \
                 FROM app_user u WHERE {filter} ORDER BY u.display_name, u.username",
                cols.join(", "),
            ),
            args,
        ))
        .await?;
    let mut users = Vec::with_capacity(rows.len());
    let mut extra = Vec::with_capacity(rows.len());
    for r in &rows {
        users.push(User::from_row(r)?);
        extra.push((
            r.req_int("version")?,
            r.req_bool("has_password")?,
            r.text("email")?,
            r.req_bool("sso_linked")?,
            r.req_bool("second_factor")?,
        ));
    }
    let users = users_with_las(c, users).await?;
    Ok(users
        .into_iter()
        .zip(extra)
        .map(
            |(user, (version, has_password, email, sso_linked, second_factor))| AdminUser {
                user,
                version,
                has_password,
                email,
                sso_linked,
                second_factor,
            },
        )
        .collect())
}

/// See [`crate::Store::admin_users`].
pub(crate) async fn admin_users<C: SqlConn>(
    c: &mut C,
    las: &[LaCode],
) -> Result<Vec<AdminUser>, StoreError> {
    if las.is_empty() {
        return Ok(Vec::new());
    }
    let (list, args) = la_list(las, 1);
    admin_users_where(
        c,
        format!("u.id IN (SELECT user_id FROM user_la WHERE la IN ({list}))"),
        args,
    )
    .await
}

/// See [`crate::Store::admin_user`].
pub(crate) async fn admin_user<C: SqlConn>(
    c: &mut C,
    id: UserId,
) -> Result<Option<AdminUser>, StoreError> {
    Ok(admin_users_where(
        c,
        "u.id = $1".to_owned(),
        vec![crate::sql::ToValue::to_value(id)],
    )
    .await?
    .into_iter()
    .next())
}

/// See [`crate::Store::admin_teams`].
pub(crate) async fn admin_teams<C: SqlConn>(
    c: &mut C,
    las: &[LaCode],
) -> Result<Vec<AdminTeam>, StoreError> {
    if las.is_empty() {
        return Ok(Vec::new());
    }
    let (list, args) = la_list(las, 1);
    let mut teams = Vec::new();
    for r in c
        .fetch_all(with_args(
            format!(
                "SELECT {}, manager_id, closed_on, version FROM team WHERE la IN ({list}) ORDER BY la, name",
                Team::COLUMNS.join(", ")
            ),
            args.clone(),
        ))
        .await?
    {
        teams.push(AdminTeam {
            team: Team::from_row(&r)?,
            manager_id: r.opt_id("manager_id")?,
            closed_on: r.date("closed_on")?,
            version: r.req_int("version")?,
            spells: Vec::new(),
        });
    }
    // Spells recorded as teams changed.
    let mut recorded: Vec<(TeamId, Spell)> = Vec::new();
    for r in c
        .fetch_all(with_args(
            format!(
                "SELECT m.user_id, m.team_id, m.joined_on, m.left_on FROM team_membership m \
                 JOIN team t ON t.id = m.team_id WHERE t.la IN ({list})"
            ),
            args.clone(),
        ))
        .await?
    {
        recorded.push((
            r.id("team_id")?,
            Spell {
                user_id: r.id("user_id")?,
                joined_on: r.req_date("joined_on")?,
                left_on: r.date("left_on")?,
            },
        ));
    }
    // Those in a team now: their open spell, or one from the day their account was made.
    for r in c
        .fetch_all(with_args(
            format!(
                "SELECT u.id, u.team_id, u.created_at FROM app_user u JOIN team t ON t.id = u.team_id \
                 WHERE t.la IN ({list})"
            ),
            args,
        ))
        .await?
    {
        let user_id: UserId = r.id("id")?;
        let team_id: TeamId = r.id("team_id")?;
        let open = recorded
            .iter()
            .any(|(t, s)| *t == team_id && s.user_id == user_id && s.left_on.is_none());
        if !open {
            recorded.push((
                team_id,
                Spell {
                    user_id,
                    joined_on: london_date(r.req_timestamp("created_at")?),
                    left_on: None,
                },
            ));
        }
    }
    for (team_id, spell) in recorded {
        if let Some(t) = teams.iter_mut().find(|t| t.team.id == team_id) {
            t.spells.push(spell);
        }
    }
    for t in &mut teams {
        t.spells
            .sort_by_key(|s| (s.left_on.is_some(), std::cmp::Reverse(s.joined_on)));
    }
    Ok(teams)
}

/// See [`crate::Store::admin_local_authority`].
pub(crate) async fn admin_local_authority<C: SqlConn>(
    c: &mut C,
    la: &LaCode,
) -> Result<Option<(LocalAuthority, i64)>, StoreError> {
    let Some(r) = c
        .fetch_optional(
            Sql::new("SELECT code, name, settings, version FROM local_authority WHERE code = $1")
                .bind(la),
        )
        .await?
    else {
        return Ok(None);
    };
    let settings: LaSettings = serde_json::from_str(&r.req_text("settings")?)
        .map_err(|e| StoreError::corrupt(format_args!("column settings: {e}")))?;
    Ok(Some((
        LocalAuthority {
            code: r.la("code")?,
            name: r.req_text("name")?,
            settings,
        },
        r.req_int("version")?,
    )))
}

/// The version of a row of `table` (`app_user`, `team`, `local_authority`), checked against `expected`: `NotFound`
/// without the row, `Stale` when it has moved on.
async fn check_version<C: SqlConn>(
    c: &mut C,
    table: &str,
    key: &str,
    id: Value<'static>,
    expected: Option<i64>,
) -> Result<i64, StoreError> {
    let row = c
        .fetch_optional(with_args(
            format!("SELECT version FROM {table} WHERE {key} = $1"),
            vec![id],
        ))
        .await?
        .ok_or(StoreError::NotFound)?;
    let current = row.req_int("version")?;
    if expected.is_some_and(|v| v != current) {
        return Err(StoreError::Stale { current });
    }
    Ok(current)
}

/// Move the version of a row on, if it is still `current` (a second writer meanwhile finds it stale).
async fn bump<C: SqlConn>(
    c: &mut C,
    table: &str,
    key: &str,
    id: Value<'static>,
    current: i64,
    set: &str,
    mut args: Vec<Value<'static>>,
) -> Result<i64, StoreError> {
    let n = args.len();
    let set = if set.is_empty() {
        String::new()
    } else {
        format!("{set}, ")
    };
    args.push(id);
    args.push(crate::sql::ToValue::to_value(current));
    let updated = c
        .execute(with_args(
            format!(
                "UPDATE {table} SET {set}version = version + 1 WHERE {key} = ${} AND version = ${}",
                n + 1,
                n + 2
            ),
            args,
        ))
        .await?;
    if updated != 1 {
        return Err(StoreError::Stale {
            current: current + 1,
        });
    }
    Ok(current + 1)
}

fn val<'a>(v: impl crate::sql::ToValue<'a>) -> Value<'a> {
    v.to_value()
}

fn owned(v: Value<'_>) -> Value<'static> {
    match v {
        Value::Text(t) => Value::Text(Cow::Owned(t.into_owned())),
        Value::Bytes(b) => Value::Bytes(Cow::Owned(b.into_owned())),
        Value::Null(t) => Value::Null(t),
        Value::Int(i) => Value::Int(i),
        Value::Bool(b) => Value::Bool(b),
        Value::Uuid(u) => Value::Uuid(u),
        Value::Date(d) => Value::Date(d),
        Value::Timestamp(t) => Value::Timestamp(t),
    }
}

/// See [`crate::Store::administer`].
pub(crate) async fn administer<B: Backend>(
    c: &mut B::Conn,
    actor: &Actor,
    change: AdminChange,
    at: Timestamp,
) -> Result<Administered, StoreError> {
    match change {
        AdminChange::UpdateUser {
            id,
            expected,
            display_name,
            role,
            las,
            agency,
            team_id,
            email,
            today,
        } => {
            let key = owned(val(id));
            let current = check_version(c, "app_user", "id", key.clone(), expected).await?;
            let before = c
                .fetch_optional(Sql::new("SELECT team_id FROM app_user WHERE id = $1").bind(id))
                .await?
                .ok_or(StoreError::NotFound)?;
            let old_team: Option<TeamId> = before.opt_id("team_id")?;
            let version = bump(
                c,
                "app_user",
                "id",
                key,
                current,
                "display_name = $1, role = $2, agency = $3, team_id = $4, email = $5",
                vec![
                    owned(val(display_name.as_str())),
                    owned(val(role)),
                    owned(val(agency)),
                    owned(val(team_id)),
                    owned(val(email.as_deref())),
                ],
            )
            .await?;
            c.execute(Sql::new("DELETE FROM user_la WHERE user_id = $1").bind(id))
                .await?;
            for la in &las {
                c.execute(
                    Sql::new("INSERT INTO user_la (user_id, la) VALUES ($1, $2)")
                        .bind(id)
                        .bind(la),
                )
                .await?;
            }
            if old_team != team_id {
                move_teams::<B>(c, id, old_team, team_id, today).await?;
            }
            let la = las.first().cloned();
            append_audit::<B>(
                c,
                actor,
                at,
                &[event(
                    AuditAction::Update,
                    RecordKind::User,
                    Some(id.uuid()),
                    la,
                )],
            )
            .await?;
            Ok(Administered { version, count: 0 })
        }
        AdminChange::SetEmail { id, email } => {
            let row = c
                .fetch_optional(
                    Sql::new("UPDATE app_user SET email = $2 WHERE id = $1 RETURNING version")
                        .bind(id)
                        .bind(email.as_str()),
                )
                .await?
                .ok_or(StoreError::NotFound)?;
            Ok(Administered {
                version: row.req_int("version")?,
                count: 0,
            })
        }
        AdminChange::SetDisabled {
            id,
            expected,
            disabled,
        } => {
            let key = owned(val(id));
            let current = check_version(c, "app_user", "id", key.clone(), expected).await?;
            let version = bump(
                c,
                "app_user",
                "id",
                key,
                current,
                "disabled = $1",
                vec![owned(val(disabled))],
            )
            .await?;
            let la = first_la(c, id).await?;
            let mut events = vec![event(
                AuditAction::Admin,
                RecordKind::User,
                Some(id.uuid()),
                la.clone(),
            )];
            let mut count = 0;
            if disabled {
                c.execute(
                    Sql::new("UPDATE session SET ended_at = $2, end_reason = 'user disabled' WHERE user_id = $1 AND ended_at IS NULL")
                        .bind(id)
                        .bind(at),
                )
                .await?;
                count = revoke_tokens(c, id, at).await?;
                if count > 0 {
                    events.push(event(
                        AuditAction::Admin,
                        RecordKind::ApiToken,
                        Some(id.uuid()),
                        la,
                    ));
                }
            }
            append_audit::<B>(c, actor, at, &events).await?;
            Ok(Administered { version, count })
        }
        AdminChange::SetPassword { id, expected, hash } => {
            let key = owned(val(id));
            let current = check_version(c, "app_user", "id", key.clone(), expected).await?;
            let version = bump(
                c,
                "app_user",
                "id",
                key,
                current,
                "password_hash = $1",
                vec![Value::Text(Cow::Owned(hash))],
            )
            .await?;
            c.execute(
                Sql::new("UPDATE session SET ended_at = $2, end_reason = 'password reset' WHERE user_id = $1 AND ended_at IS NULL")
                    .bind(id)
                    .bind(at),
            )
            .await?;
            let la = first_la(c, id).await?;
            append_audit::<B>(
                c,
                actor,
                at,
                &[event(
                    AuditAction::Admin,
                    RecordKind::User,
                    Some(id.uuid()),
                    la,
                )],
            )
            .await?;
            Ok(Administered { version, count: 0 })
        }
        AdminChange::RevokeTokens { id } => {
            let current = check_version(c, "app_user", "id", owned(val(id)), None).await?;
            let count = revoke_tokens(c, id, at).await?;
            if count > 0 {
                let la = first_la(c, id).await?;
                append_audit::<B>(
                    c,
                    actor,
                    at,
                    &[event(
                        AuditAction::Admin,
                        RecordKind::ApiToken,
                        Some(id.uuid()),
                        la,
                    )],
                )
                .await?;
            }
            Ok(Administered {
                version: current,
                count,
            })
        }
        AdminChange::CreateTeam { team, manager_id } => {
            let la = team.la.clone();
            let id = team.id;
            insert_kind(c, B::MAX_PARAMS, "INSERT INTO", std::slice::from_ref(&team)).await?;
            if manager_id.is_some() {
                c.execute(
                    Sql::new("UPDATE team SET manager_id = $2 WHERE id = $1")
                        .bind(id)
                        .bind(manager_id),
                )
                .await?;
            }
            append_audit::<B>(
                c,
                actor,
                at,
                &[event(
                    AuditAction::Create,
                    RecordKind::Team,
                    Some(id.uuid()),
                    Some(la),
                )],
            )
            .await?;
            Ok(Administered {
                version: 0,
                count: 0,
            })
        }
        AdminChange::UpdateTeam {
            id,
            expected,
            name,
            kind,
            manager_id,
        } => {
            let key = owned(val(id));
            let current = check_version(c, "team", "id", key.clone(), expected).await?;
            let version = bump(
                c,
                "team",
                "id",
                key,
                current,
                "name = $1, kind = $2, manager_id = $3",
                vec![
                    Value::Text(Cow::Owned(name)),
                    owned(val(kind)),
                    owned(val(manager_id)),
                ],
            )
            .await?;
            let la = team_la(c, id).await?;
            append_audit::<B>(
                c,
                actor,
                at,
                &[event(
                    AuditAction::Update,
                    RecordKind::Team,
                    Some(id.uuid()),
                    la,
                )],
            )
            .await?;
            Ok(Administered { version, count: 0 })
        }
        AdminChange::CloseTeam { id, expected, on } => {
            let key = owned(val(id));
            let current = check_version(c, "team", "id", key.clone(), expected).await?;
            let members = c
                .fetch_optional(
                    Sql::new("SELECT COUNT(*) AS n FROM app_user WHERE team_id = $1").bind(id),
                )
                .await?
                .map(|r| r.req_int("n"))
                .transpose()?
                .unwrap_or(0);
            if members > 0 {
                return Err(StoreError::Conflict(format!(
                    "the team still has {members} member(s): move them to another team first"
                )));
            }
            let version = bump(
                c,
                "team",
                "id",
                key,
                current,
                "closed_on = $1",
                vec![owned(val(on))],
            )
            .await?;
            let la = team_la(c, id).await?;
            append_audit::<B>(
                c,
                actor,
                at,
                &[event(
                    AuditAction::Update,
                    RecordKind::Team,
                    Some(id.uuid()),
                    la,
                )],
            )
            .await?;
            Ok(Administered { version, count: 0 })
        }
        AdminChange::CreateOrganisation { organisation: o } => {
            c.execute(
                Sql::new("INSERT INTO partner_organisation (id, la, name, agency, email, phone, active, version) VALUES ($1, $2, $3, $4, $5, $6, $7, 0)")
                    .bind(o.id)
                    .bind(&o.la)
                    .bind(o.name.as_str())
                    .bind(o.agency)
                    .bind(o.email.as_deref())
                    .bind(o.phone.as_deref())
                    .bind(o.active),
            )
            .await?;
            append_audit::<B>(
                c,
                actor,
                at,
                &[event(
                    AuditAction::Create,
                    RecordKind::Organisation,
                    Some(o.id.uuid()),
                    Some(o.la.clone()),
                )],
            )
            .await?;
            Ok(Administered {
                version: 0,
                count: 0,
            })
        }
        AdminChange::UpdateOrganisation {
            organisation: o,
            expected,
        } => {
            let key = owned(val(o.id));
            let current =
                check_version(c, "partner_organisation", "id", key.clone(), expected).await?;
            let version = bump(
                c,
                "partner_organisation",
                "id",
                key,
                current,
                "name = $1, agency = $2, email = $3, phone = $4, active = $5",
                vec![
                    Value::Text(Cow::Owned(o.name.clone())),
                    owned(val(o.agency)),
                    owned(val(o.email.as_deref())),
                    owned(val(o.phone.as_deref())),
                    owned(val(o.active)),
                ],
            )
            .await?;
            append_audit::<B>(
                c,
                actor,
                at,
                &[event(
                    AuditAction::Update,
                    RecordKind::Organisation,
                    Some(o.id.uuid()),
                    Some(o.la.clone()),
                )],
            )
            .await?;
            Ok(Administered { version, count: 0 })
        }
        AdminChange::SaveSettings {
            la,
            expected,
            settings,
        } => {
            let key = Value::Text(Cow::Owned(la.as_ref().to_owned()));
            let current =
                check_version(c, "local_authority", "code", key.clone(), expected).await?;
            // The letter templates are edited on their own page: keep them as stored.
            let (stored, _) = admin_local_authority(c, &la)
                .await?
                .ok_or(StoreError::NotFound)?;
            let mut settings = settings;
            settings.letters = stored.settings.letters;
            let text = serde_json::to_string(&settings)
                .map_err(|e| StoreError::Database(e.to_string()))?;
            let version = bump(
                c,
                "local_authority",
                "code",
                key,
                current,
                "settings = $1",
                vec![Value::Text(Cow::Owned(text))],
            )
            .await?;
            append_audit::<B>(
                c,
                actor,
                at,
                &[event(
                    AuditAction::Update,
                    RecordKind::LocalAuthority,
                    None,
                    Some(la),
                )],
            )
            .await?;
            Ok(Administered { version, count: 0 })
        }
    }
}

/// End a user's spell in `from` and start one in `to`, on `today`. A user who was in `from` without a recorded
/// spell (put there when their account was made) gets one from the day it was made.
async fn move_teams<B: Backend>(
    c: &mut B::Conn,
    user: UserId,
    from: Option<TeamId>,
    to: Option<TeamId>,
    today: Date,
) -> Result<(), StoreError> {
    if let Some(from) = from {
        let ended = c
            .execute(
                Sql::new(
                    "UPDATE team_membership SET left_on = $3 WHERE user_id = $1 AND team_id = $2 AND left_on IS NULL",
                )
                .bind(user)
                .bind(from)
                .bind(today),
            )
            .await?;
        if ended == 0 {
            let created = c
                .fetch_optional(
                    Sql::new("SELECT created_at FROM app_user WHERE id = $1").bind(user),
                )
                .await?
                .ok_or(StoreError::NotFound)?;
            let joined = london_date(created.req_timestamp("created_at")?).min(today);
            c.execute(
                Sql::new("INSERT INTO team_membership (user_id, team_id, joined_on, left_on) VALUES ($1, $2, $3, $4)")
                    .bind(user)
                    .bind(from)
                    .bind(joined)
                    .bind(today),
            )
            .await?;
        }
    }
    if let Some(to) = to {
        // Back in a team they left the same day: reopen that spell rather than start a second one on one day.
        let reopened = c
            .execute(
                Sql::new(
                    "UPDATE team_membership SET left_on = NULL WHERE user_id = $1 AND team_id = $2 AND joined_on = $3",
                )
                .bind(user)
                .bind(to)
                .bind(today),
            )
            .await?;
        if reopened == 0 {
            c.execute(
                Sql::new(
                    "INSERT INTO team_membership (user_id, team_id, joined_on) VALUES ($1, $2, $3)",
                )
                .bind(user)
                .bind(to)
                .bind(today),
            )
            .await?;
        }
    }
    Ok(())
}

async fn revoke_tokens<C: SqlConn>(
    c: &mut C,
    user: UserId,
    at: Timestamp,
) -> Result<u32, StoreError> {
    let n = c
        .execute(
            Sql::new(
                "UPDATE api_token SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL",
            )
            .bind(user)
            .bind(at),
        )
        .await?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

async fn first_la<C: SqlConn>(c: &mut C, user: UserId) -> Result<Option<LaCode>, StoreError> {
    c.fetch_optional(
        Sql::new("SELECT la FROM user_la WHERE user_id = $1 ORDER BY la LIMIT 1").bind(user),
    )
    .await?
    .map(|r| r.la("la"))
    .transpose()
}

async fn team_la<C: SqlConn>(c: &mut C, team: TeamId) -> Result<Option<LaCode>, StoreError> {
    c.fetch_optional(Sql::new("SELECT la FROM team WHERE id = $1").bind(team))
        .await?
        .map(|r| r.la("la"))
        .transpose()
}
