//! Users, groups, tokens and grants in the SQLite store (tables of migration 0004).

use rusqlite::{Connection, OptionalExtension, params};

use crate::error::{StoreError, StoreResult};
use crate::model::{
    AccessToken, Grant, Group, NewAccessToken, Permission, PermissionChange, Principal, Resource,
    TokenKind, User, UserCredentials, UserGrants,
};
use crate::time::now_millis;

fn not_found(kind: &'static str, name: &str) -> StoreError {
    StoreError::AccountNotFound {
        kind,
        name: name.to_owned(),
    }
}

fn user_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<User> {
    Ok(User {
        id: row.get(0)?,
        username: row.get(1)?,
        is_admin: row.get::<_, i64>(2)? != 0,
        created_ms: row.get(3)?,
    })
}

const USER_COLUMNS: &str = "id, username, is_admin, created_ms";

pub(crate) fn create_user(
    db: &Connection,
    username: &str,
    password_hash: &str,
    is_admin: bool,
) -> StoreResult<User> {
    super::super::account_rules::check_name("username", username)?;
    let inserted = db.execute(
        "INSERT INTO users (username, password_hash, is_admin, created_ms) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (username) DO NOTHING",
        params![username, password_hash, i64::from(is_admin), now_millis()],
    )?;
    if inserted == 0 {
        return Err(StoreError::AccountExists {
            kind: "user",
            name: username.to_owned(),
        });
    }
    get_user(db, username)
}

pub(crate) fn user_credentials(
    db: &Connection,
    username: &str,
) -> StoreResult<Option<UserCredentials>> {
    Ok(db
        .query_row(
            &format!("SELECT {USER_COLUMNS}, password_hash FROM users WHERE username = ?1"),
            [username],
            |row| {
                Ok(UserCredentials {
                    user: user_from_row(row)?,
                    password_hash: row.get(4)?,
                })
            },
        )
        .optional()?)
}

pub(crate) fn get_user(db: &Connection, username: &str) -> StoreResult<User> {
    db.query_row(
        &format!("SELECT {USER_COLUMNS} FROM users WHERE username = ?1"),
        [username],
        user_from_row,
    )
    .optional()?
    .ok_or_else(|| not_found("user", username))
}

fn user_id(db: &Connection, username: &str) -> StoreResult<i64> {
    Ok(get_user(db, username)?.id)
}

fn group_id(db: &Connection, name: &str) -> StoreResult<i64> {
    db.query_row(
        "SELECT id FROM user_groups WHERE name = ?1",
        [name],
        |row| row.get(0),
    )
    .optional()?
    .ok_or_else(|| not_found("group", name))
}

fn principal_id(db: &Connection, principal: &Principal) -> StoreResult<i64> {
    match principal {
        Principal::User(name) => user_id(db, name),
        Principal::Group(name) => group_id(db, name),
    }
}

pub(crate) fn list_users(db: &Connection) -> StoreResult<Vec<User>> {
    let mut statement = db.prepare(&format!(
        "SELECT {USER_COLUMNS} FROM users ORDER BY username"
    ))?;
    let users = statement
        .query_map([], user_from_row)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(users)
}

pub(crate) fn set_password_hash(
    db: &Connection,
    username: &str,
    password_hash: &str,
) -> StoreResult<()> {
    let id = user_id(db, username)?;
    db.execute(
        "UPDATE users SET password_hash = ?1 WHERE id = ?2",
        params![password_hash, id],
    )?;
    db.execute(
        "DELETE FROM access_tokens WHERE user_id = ?1 AND kind = 'session'",
        [id],
    )?;
    Ok(())
}

pub(crate) fn set_admin(db: &Connection, username: &str, is_admin: bool) -> StoreResult<()> {
    let id = user_id(db, username)?;
    db.execute(
        "UPDATE users SET is_admin = ?1 WHERE id = ?2",
        params![i64::from(is_admin), id],
    )?;
    Ok(())
}

pub(crate) fn delete_user(db: &Connection, username: &str) -> StoreResult<()> {
    let id = user_id(db, username)?;
    db.execute(
        "DELETE FROM grants WHERE principal_type = 'user' AND principal_id = ?1",
        [id],
    )?;
    db.execute("DELETE FROM access_tokens WHERE user_id = ?1", [id])?;
    db.execute("DELETE FROM group_members WHERE user_id = ?1", [id])?;
    db.execute("DELETE FROM users WHERE id = ?1", [id])?;
    Ok(())
}

fn token_from_row(row: &rusqlite::Row<'_>, first: usize) -> rusqlite::Result<AccessToken> {
    let kind: String = row.get(first + 2)?;
    Ok(AccessToken {
        id: row.get(first)?,
        user_id: row.get(first + 1)?,
        kind: TokenKind::parse(&kind).unwrap_or(TokenKind::Personal),
        name: row.get(first + 3)?,
        created_ms: row.get(first + 4)?,
        expires_ms: row.get(first + 5)?,
    })
}

const TOKEN_COLUMNS: &str = "t.id, t.user_id, t.kind, t.name, t.created_ms, t.expires_ms";

pub(crate) fn create_token(db: &Connection, token: &NewAccessToken) -> StoreResult<AccessToken> {
    super::super::account_rules::check_token_name(&token.name)?;
    let created_ms = now_millis();
    db.execute(
        "INSERT INTO access_tokens (user_id, kind, name, secret_hash, created_ms, expires_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            token.user_id,
            token.kind.as_str(),
            token.name,
            token.secret_hash,
            created_ms,
            token.expires_ms
        ],
    )?;
    Ok(AccessToken {
        id: db.last_insert_rowid(),
        user_id: token.user_id,
        kind: token.kind,
        name: token.name.clone(),
        created_ms,
        expires_ms: token.expires_ms,
    })
}

pub(crate) fn user_for_token(
    db: &Connection,
    secret_hash: &str,
    now_ms: i64,
) -> StoreResult<Option<(User, AccessToken)>> {
    Ok(db
        .query_row(
            &format!(
                "SELECT u.id, u.username, u.is_admin, u.created_ms, {TOKEN_COLUMNS}
                 FROM access_tokens t JOIN users u ON u.id = t.user_id
                 WHERE t.secret_hash = ?1 AND (t.expires_ms IS NULL OR t.expires_ms > ?2)"
            ),
            params![secret_hash, now_ms],
            |row| Ok((user_from_row(row)?, token_from_row(row, 4)?)),
        )
        .optional()?)
}

pub(crate) fn list_tokens(db: &Connection, user_id: i64) -> StoreResult<Vec<AccessToken>> {
    let mut statement = db.prepare(&format!(
        "SELECT {TOKEN_COLUMNS} FROM access_tokens t
         WHERE t.user_id = ?1 AND t.kind = 'personal' ORDER BY t.id DESC"
    ))?;
    let tokens = statement
        .query_map([user_id], |row| token_from_row(row, 0))?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(tokens)
}

pub(crate) fn revoke_token(db: &Connection, user_id: i64, token_id: i64) -> StoreResult<()> {
    let removed = db.execute(
        "DELETE FROM access_tokens WHERE id = ?1 AND user_id = ?2",
        params![token_id, user_id],
    )?;
    if removed == 0 {
        return Err(not_found("token", &token_id.to_string()));
    }
    Ok(())
}

pub(crate) fn create_group(db: &Connection, name: &str) -> StoreResult<()> {
    super::super::account_rules::check_name("group name", name)?;
    let inserted = db.execute(
        "INSERT INTO user_groups (name, created_ms) VALUES (?1, ?2) ON CONFLICT (name) DO NOTHING",
        params![name, now_millis()],
    )?;
    if inserted == 0 {
        return Err(StoreError::AccountExists {
            kind: "group",
            name: name.to_owned(),
        });
    }
    Ok(())
}

pub(crate) fn delete_group(db: &Connection, name: &str) -> StoreResult<()> {
    let id = group_id(db, name)?;
    db.execute(
        "DELETE FROM grants WHERE principal_type = 'group' AND principal_id = ?1",
        [id],
    )?;
    db.execute("DELETE FROM group_members WHERE group_id = ?1", [id])?;
    db.execute("DELETE FROM user_groups WHERE id = ?1", [id])?;
    Ok(())
}

pub(crate) fn add_group_member(db: &Connection, group: &str, username: &str) -> StoreResult<()> {
    let group = group_id(db, group)?;
    let user = user_id(db, username)?;
    db.execute(
        "INSERT INTO group_members (group_id, user_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
        params![group, user],
    )?;
    Ok(())
}

pub(crate) fn remove_group_member(db: &Connection, group: &str, username: &str) -> StoreResult<()> {
    let group = group_id(db, group)?;
    let user = user_id(db, username)?;
    db.execute(
        "DELETE FROM group_members WHERE group_id = ?1 AND user_id = ?2",
        params![group, user],
    )?;
    Ok(())
}

pub(crate) fn list_groups(db: &Connection) -> StoreResult<Vec<Group>> {
    let mut statement = db.prepare(
        "SELECT g.name, u.username FROM user_groups g
         LEFT JOIN group_members m ON m.group_id = g.id
         LEFT JOIN users u ON u.id = m.user_id
         ORDER BY g.name, u.username",
    )?;
    let rows = statement
        .query_map([], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, Option<String>>(1)?))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(super::super::account_rules::groups_from_rows(rows))
}

fn permission_column(text: &str) -> Permission {
    Permission::parse(text).unwrap_or(Permission::NoPermissions)
}

fn current_grant(
    db: &Connection,
    resource: &Resource,
    kind: &str,
    id: i64,
) -> StoreResult<Option<Permission>> {
    Ok(db
        .query_row(
            "SELECT permission FROM grants WHERE resource_type = ?1 AND resource_id = ?2
             AND principal_type = ?3 AND principal_id = ?4",
            params![resource.kind(), resource.id(), kind, id],
            |row| row.get::<_, String>(0),
        )
        .optional()?
        .map(|text| permission_column(&text)))
}

fn record_change(db: &Connection, change: &PermissionChange) -> StoreResult<()> {
    db.execute(
        "INSERT INTO permission_history (time_ms, actor, resource_type, resource_id,
             principal_type, principal, old_permission, new_permission)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            change.time_ms,
            change.actor,
            change.resource.kind(),
            change.resource.id(),
            change.principal.kind(),
            change.principal.name(),
            change.old.map(Permission::as_str),
            change.new.map(Permission::as_str),
        ],
    )?;
    Ok(())
}

pub(crate) fn set_grant(
    db: &Connection,
    grant: &Grant,
    actor: &str,
    time_ms: i64,
) -> StoreResult<()> {
    let id = principal_id(db, &grant.principal)?;
    let kind = grant.principal.kind();
    let old = current_grant(db, &grant.resource, kind, id)?;
    db.execute(
        "INSERT INTO grants (resource_type, resource_id, principal_type, principal_id, permission)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (resource_type, resource_id, principal_type, principal_id)
         DO UPDATE SET permission = excluded.permission",
        params![
            grant.resource.kind(),
            grant.resource.id(),
            kind,
            id,
            grant.permission.as_str()
        ],
    )?;
    if old != Some(grant.permission) {
        record_change(
            db,
            &PermissionChange {
                time_ms,
                actor: actor.to_owned(),
                resource: grant.resource.clone(),
                principal: grant.principal.clone(),
                old,
                new: Some(grant.permission),
            },
        )?;
    }
    Ok(())
}

pub(crate) fn remove_grant(
    db: &Connection,
    resource: &Resource,
    principal: &Principal,
    actor: &str,
    time_ms: i64,
) -> StoreResult<()> {
    let id = principal_id(db, principal)?;
    let old = current_grant(db, resource, principal.kind(), id)?;
    let Some(old) = old else {
        return Err(not_found(
            "grant",
            &format!(
                "{} {} on {} {}",
                principal.kind(),
                principal.name(),
                resource.kind(),
                resource.id()
            ),
        ));
    };
    db.execute(
        "DELETE FROM grants WHERE resource_type = ?1 AND resource_id = ?2
         AND principal_type = ?3 AND principal_id = ?4",
        params![resource.kind(), resource.id(), principal.kind(), id],
    )?;
    record_change(
        db,
        &PermissionChange {
            time_ms,
            actor: actor.to_owned(),
            resource: resource.clone(),
            principal: principal.clone(),
            old: Some(old),
            new: None,
        },
    )
}

pub(crate) fn grants_on(db: &Connection, resource: &Resource) -> StoreResult<Vec<Grant>> {
    let mut statement = db.prepare(
        "SELECT 'user', u.username, g.permission FROM grants g
           JOIN users u ON g.principal_type = 'user' AND u.id = g.principal_id
           WHERE g.resource_type = ?1 AND g.resource_id = ?2
         UNION ALL
         SELECT 'group', ug.name, g.permission FROM grants g
           JOIN user_groups ug ON g.principal_type = 'group' AND ug.id = g.principal_id
           WHERE g.resource_type = ?1 AND g.resource_id = ?2
         ORDER BY 1 DESC, 2",
    )?;
    let rows = statement
        .query_map(params![resource.kind(), resource.id()], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows
        .into_iter()
        .filter_map(|(kind, name, permission)| {
            Some(Grant {
                resource: resource.clone(),
                principal: Principal::parse(&kind, &name)?,
                permission: permission_column(&permission),
            })
        })
        .collect())
}

pub(crate) fn grant_of(
    db: &Connection,
    resource: &Resource,
    principal: &Principal,
) -> StoreResult<Option<Permission>> {
    let id = principal_id(db, principal)?;
    current_grant(db, resource, principal.kind(), id)
}

pub(crate) fn user_grants(db: &Connection, user_id: i64) -> StoreResult<UserGrants> {
    let mut statement = db.prepare(
        "SELECT 0, resource_type, resource_id, permission FROM grants
           WHERE principal_type = 'user' AND principal_id = ?1
         UNION ALL
         SELECT 1, g.resource_type, g.resource_id, g.permission FROM grants g
           JOIN group_members m ON g.principal_type = 'group' AND g.principal_id = m.group_id
           WHERE m.user_id = ?1",
    )?;
    let rows = statement
        .query_map([user_id], |row| {
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, String>(3)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut grants = UserGrants::default();
    for (through_group, kind, id, permission) in rows {
        let Some(resource) = Resource::parse(&kind, &id) else {
            continue;
        };
        let entry = (resource, permission_column(&permission));
        if through_group == 0 {
            grants.own.push(entry);
        } else {
            grants.through_groups.push(entry);
        }
    }
    Ok(grants)
}

pub(crate) fn permission_history(
    db: &Connection,
    resource: &Resource,
) -> StoreResult<Vec<PermissionChange>> {
    let mut statement = db.prepare(
        "SELECT time_ms, actor, principal_type, principal, old_permission, new_permission
         FROM permission_history WHERE resource_type = ?1 AND resource_id = ?2 ORDER BY id",
    )?;
    let rows = statement
        .query_map(params![resource.kind(), resource.id()], |row| {
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, String>(3)?,
                row.get::<_, Option<String>>(4)?,
                row.get::<_, Option<String>>(5)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows
        .into_iter()
        .filter_map(|(time_ms, actor, kind, name, old, new)| {
            Some(PermissionChange {
                time_ms,
                actor,
                resource: resource.clone(),
                principal: Principal::parse(&kind, &name)?,
                old: old.as_deref().and_then(Permission::parse),
                new: new.as_deref().and_then(Permission::parse),
            })
        })
        .collect())
}

pub(crate) fn rename_model_grants(db: &Connection, from: &str, to: &str) -> StoreResult<()> {
    db.execute(
        "UPDATE grants SET resource_id = ?2
         WHERE resource_type = 'registered_model' AND resource_id = ?1",
        params![from, to],
    )?;
    db.execute(
        "UPDATE permission_history SET resource_id = ?2
         WHERE resource_type = 'registered_model' AND resource_id = ?1",
        params![from, to],
    )?;
    Ok(())
}
