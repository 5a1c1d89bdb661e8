//! Users, groups, tokens and grants in the PostgreSQL store (tables of migration 0002).

use postgres::{Row, Transaction};

use super::sql::{args, execute, query, query_one, query_opt};
use crate::error::{StoreError, StoreResult};
use crate::model::{
    AccessToken, Grant, Group, NewAccessToken, Permission, PermissionChange, Principal, Resource,
    TokenKind, User, UserCredentials, UserGrants,
};
use crate::store::account_rules;
use crate::time::now_millis;

fn not_found(kind: &'static str, name: &str) -> StoreError {
    StoreError::AccountNotFound {
        kind,
        name: name.to_owned(),
    }
}

const USER_COLUMNS: &str = "id, username, is_admin, created_ms";

fn user_from_row(row: &Row) -> StoreResult<User> {
    Ok(User {
        id: row.try_get(0)?,
        username: row.try_get(1)?,
        is_admin: row.try_get(2)?,
        created_ms: row.try_get(3)?,
    })
}

const TOKEN_COLUMNS: &str = "t.id, t.user_id, t.kind, t.name, t.created_ms, t.expires_ms";

fn token_from_row(row: &Row, first: usize) -> StoreResult<AccessToken> {
    let kind: String = row.try_get(first + 2)?;
    Ok(AccessToken {
        id: row.try_get(first)?,
        user_id: row.try_get(first + 1)?,
        kind: TokenKind::parse(&kind).unwrap_or(TokenKind::Personal),
        name: row.try_get(first + 3)?,
        created_ms: row.try_get(first + 4)?,
        expires_ms: row.try_get(first + 5)?,
    })
}

fn permission_column(text: &str) -> Permission {
    Permission::parse(text).unwrap_or(Permission::NoPermissions)
}

pub(crate) fn create_user(
    tx: &mut Transaction<'_>,
    username: &str,
    password_hash: &str,
    is_admin: bool,
) -> StoreResult<User> {
    account_rules::check_name("username", username)?;
    let row = query_opt(
        tx,
        &format!(
            "INSERT INTO users (username, password_hash, is_admin, created_ms)
             VALUES ($1, $2, $3, $4) ON CONFLICT (username) DO NOTHING RETURNING {USER_COLUMNS}"
        ),
        args![username, password_hash, is_admin, now_millis()],
    )?;
    match row {
        Some(row) => user_from_row(&row),
        None => Err(StoreError::AccountExists {
            kind: "user",
            name: username.to_owned(),
        }),
    }
}

pub(crate) fn user_credentials(
    tx: &mut Transaction<'_>,
    username: &str,
) -> StoreResult<Option<UserCredentials>> {
    let row = query_opt(
        tx,
        &format!("SELECT {USER_COLUMNS}, password_hash FROM users WHERE username = $1"),
        args![username],
    )?;
    row.map(|row| {
        Ok(UserCredentials {
            user: user_from_row(&row)?,
            password_hash: row.try_get(4)?,
        })
    })
    .transpose()
}

pub(crate) fn get_user(tx: &mut Transaction<'_>, username: &str) -> StoreResult<User> {
    let row = query_opt(
        tx,
        &format!("SELECT {USER_COLUMNS} FROM users WHERE username = $1"),
        args![username],
    )?;
    match row {
        Some(row) => user_from_row(&row),
        None => Err(not_found("user", username)),
    }
}

fn group_id(tx: &mut Transaction<'_>, name: &str) -> StoreResult<i64> {
    match query_opt(
        tx,
        "SELECT id FROM user_groups WHERE name = $1",
        args![name],
    )? {
        Some(row) => Ok(row.try_get(0)?),
        None => Err(not_found("group", name)),
    }
}

fn principal_id(tx: &mut Transaction<'_>, principal: &Principal) -> StoreResult<i64> {
    match principal {
        Principal::User(name) => Ok(get_user(tx, name)?.id),
        Principal::Group(name) => group_id(tx, name),
    }
}

pub(crate) fn list_users(tx: &mut Transaction<'_>) -> StoreResult<Vec<User>> {
    query(
        tx,
        &format!("SELECT {USER_COLUMNS} FROM users ORDER BY username"),
        args![],
    )?
    .iter()
    .map(user_from_row)
    .collect()
}

pub(crate) fn set_password_hash(
    tx: &mut Transaction<'_>,
    username: &str,
    password_hash: &str,
) -> StoreResult<()> {
    let id = get_user(tx, username)?.id;
    execute(
        tx,
        "UPDATE users SET password_hash = $1 WHERE id = $2",
        args![password_hash, id],
    )?;
    execute(
        tx,
        "DELETE FROM access_tokens WHERE user_id = $1 AND kind = 'session'",
        args![id],
    )?;
    Ok(())
}

pub(crate) fn set_admin(
    tx: &mut Transaction<'_>,
    username: &str,
    is_admin: bool,
) -> StoreResult<()> {
    let id = get_user(tx, username)?.id;
    execute(
        tx,
        "UPDATE users SET is_admin = $1 WHERE id = $2",
        args![is_admin, id],
    )?;
    Ok(())
}

pub(crate) fn delete_user(tx: &mut Transaction<'_>, username: &str) -> StoreResult<()> {
    let id = get_user(tx, username)?.id;
    execute(
        tx,
        "DELETE FROM grants WHERE principal_type = 'user' AND principal_id = $1",
        args![id],
    )?;
    // Tokens and memberships go with the user (ON DELETE CASCADE).
    execute(tx, "DELETE FROM users WHERE id = $1", args![id])?;
    Ok(())
}

pub(crate) fn create_token(
    tx: &mut Transaction<'_>,
    token: &NewAccessToken,
) -> StoreResult<AccessToken> {
    account_rules::check_token_name(&token.name)?;
    let row = query_one(
        tx,
        "INSERT INTO access_tokens (user_id, kind, name, secret_hash, created_ms, expires_ms)
         VALUES ($1, $2, $3, $4, $5, $6)
         RETURNING id, user_id, kind, name, created_ms, expires_ms",
        args![
            token.user_id,
            token.kind.as_str(),
            token.name,
            token.secret_hash,
            now_millis(),
            token.expires_ms
        ],
    )?;
    token_from_row(&row, 0)
}

pub(crate) fn user_for_token(
    tx: &mut Transaction<'_>,
    secret_hash: &str,
    now_ms: i64,
) -> StoreResult<Option<(User, AccessToken)>> {
    let row = query_opt(
        tx,
        &format!(
            "SELECT u.id, u.username, u.is_admin, u.created_ms, {TOKEN_COLUMNS}
             FROM access_tokens t JOIN users u ON u.id = t.user_id
             WHERE t.secret_hash = $1 AND (t.expires_ms IS NULL OR t.expires_ms > $2)"
        ),
        args![secret_hash, now_ms],
    )?;
    row.map(|row| Ok((user_from_row(&row)?, token_from_row(&row, 4)?)))
        .transpose()
}

pub(crate) fn list_tokens(tx: &mut Transaction<'_>, user_id: i64) -> StoreResult<Vec<AccessToken>> {
    query(
        tx,
        &format!(
            "SELECT {TOKEN_COLUMNS} FROM access_tokens t
             WHERE t.user_id = $1 AND t.kind = 'personal' ORDER BY t.id DESC"
        ),
        args![user_id],
    )?
    .iter()
    .map(|row| token_from_row(row, 0))
    .collect()
}

pub(crate) fn revoke_token(
    tx: &mut Transaction<'_>,
    user_id: i64,
    token_id: i64,
) -> StoreResult<()> {
    let removed = execute(
        tx,
        "DELETE FROM access_tokens WHERE id = $1 AND user_id = $2",
        args![token_id, user_id],
    )?;
    if removed == 0 {
        return Err(not_found("token", &token_id.to_string()));
    }
    Ok(())
}

pub(crate) fn create_group(tx: &mut Transaction<'_>, name: &str) -> StoreResult<()> {
    account_rules::check_name("group name", name)?;
    let inserted = execute(
        tx,
        "INSERT INTO user_groups (name, created_ms) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
        args![name, now_millis()],
    )?;
    if inserted == 0 {
        return Err(StoreError::AccountExists {
            kind: "group",
            name: name.to_owned(),
        });
    }
    Ok(())
}

pub(crate) fn delete_group(tx: &mut Transaction<'_>, name: &str) -> StoreResult<()> {
    let id = group_id(tx, name)?;
    execute(
        tx,
        "DELETE FROM grants WHERE principal_type = 'group' AND principal_id = $1",
        args![id],
    )?;
    execute(tx, "DELETE FROM user_groups WHERE id = $1", args![id])?;
    Ok(())
}

pub(crate) fn add_group_member(
    tx: &mut Transaction<'_>,
    group: &str,
    username: &str,
) -> StoreResult<()> {
    let group = group_id(tx, group)?;
    let user = get_user(tx, username)?.id;
    execute(
        tx,
        "INSERT INTO group_members (group_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        args![group, user],
    )?;
    Ok(())
}

pub(crate) fn remove_group_member(
    tx: &mut Transaction<'_>,
    group: &str,
    username: &str,
) -> StoreResult<()> {
    let group = group_id(tx, group)?;
    let user = get_user(tx, username)?.id;
    execute(
        tx,
        "DELETE FROM group_members WHERE group_id = $1 AND user_id = $2",
        args![group, user],
    )?;
    Ok(())
}

pub(crate) fn list_groups(tx: &mut Transaction<'_>) -> StoreResult<Vec<Group>> {
    let rows = query(
        tx,
        "SELECT g.name, u.username FROM user_groups g
         LEFT JOIN group_members m ON m.group_id = g.id
         LEFT JOIN users u ON u.id = m.user_id
         ORDER BY g.name, u.username",
        args![],
    )?;
    let pairs = rows
        .iter()
        .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
        .collect::<StoreResult<Vec<(String, Option<String>)>>>()?;
    Ok(account_rules::groups_from_rows(pairs))
}

fn current_grant(
    tx: &mut Transaction<'_>,
    resource: &Resource,
    kind: &str,
    id: i64,
) -> StoreResult<Option<Permission>> {
    let row = query_opt(
        tx,
        "SELECT permission FROM grants WHERE resource_type = $1 AND resource_id = $2
         AND principal_type = $3 AND principal_id = $4",
        args![resource.kind(), resource.id(), kind, id],
    )?;
    row.map(|row| Ok(permission_column(&row.try_get::<_, String>(0)?)))
        .transpose()
}

fn record_change(tx: &mut Transaction<'_>, change: &PermissionChange) -> StoreResult<()> {
    execute(
        tx,
        "INSERT INTO permission_history (time_ms, actor, resource_type, resource_id,
             principal_type, principal, old_permission, new_permission)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        args![
            change.time_ms,
            change.actor,
            change.resource.kind(),
            change.resource.id(),
            change.principal.kind(),
            change.principal.name(),
            change.old.map(Permission::as_str),
            change.new.map(Permission::as_str)
        ],
    )?;
    Ok(())
}

pub(crate) fn set_grant(
    tx: &mut Transaction<'_>,
    grant: &Grant,
    actor: &str,
    time_ms: i64,
) -> StoreResult<()> {
    let id = principal_id(tx, &grant.principal)?;
    let kind = grant.principal.kind();
    // The row lock makes two concurrent changes record their history in order.
    let old = query_opt(
        tx,
        "SELECT permission FROM grants WHERE resource_type = $1 AND resource_id = $2
         AND principal_type = $3 AND principal_id = $4 FOR UPDATE",
        args![grant.resource.kind(), grant.resource.id(), kind, id],
    )?
    .map(|row| Ok::<_, StoreError>(permission_column(&row.try_get::<_, String>(0)?)))
    .transpose()?;
    execute(
        tx,
        "INSERT INTO grants (resource_type, resource_id, principal_type, principal_id, permission)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (resource_type, resource_id, principal_type, principal_id)
         DO UPDATE SET permission = excluded.permission",
        args![
            grant.resource.kind(),
            grant.resource.id(),
            kind,
            id,
            grant.permission.as_str()
        ],
    )?;
    if old != Some(grant.permission) {
        record_change(
            tx,
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
    tx: &mut Transaction<'_>,
    resource: &Resource,
    principal: &Principal,
    actor: &str,
    time_ms: i64,
) -> StoreResult<()> {
    let id = principal_id(tx, principal)?;
    let removed = query_opt(
        tx,
        "DELETE FROM grants WHERE resource_type = $1 AND resource_id = $2
         AND principal_type = $3 AND principal_id = $4 RETURNING permission",
        args![resource.kind(), resource.id(), principal.kind(), id],
    )?;
    let Some(row) = removed else {
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
    let old = permission_column(&row.try_get::<_, String>(0)?);
    record_change(
        tx,
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

pub(crate) fn grants_on(tx: &mut Transaction<'_>, resource: &Resource) -> StoreResult<Vec<Grant>> {
    let rows = query(
        tx,
        "SELECT 'user', u.username, g.permission FROM grants g
           JOIN users u ON g.principal_type = 'user' AND u.id = g.principal_id
           WHERE g.resource_type = $1 AND g.resource_id = $2
         UNION ALL
         SELECT 'group', ug.name, g.permission FROM grants g
           JOIN user_groups ug ON g.principal_type = 'group' AND ug.id = g.principal_id
           WHERE g.resource_type = $1 AND g.resource_id = $2
         ORDER BY 1 DESC, 2",
        args![resource.kind(), resource.id()],
    )?;
    let mut grants = Vec::with_capacity(rows.len());
    for row in &rows {
        let kind: String = row.try_get(0)?;
        let name: String = row.try_get(1)?;
        let permission: String = row.try_get(2)?;
        if let Some(principal) = Principal::parse(&kind, &name) {
            grants.push(Grant {
                resource: resource.clone(),
                principal,
                permission: permission_column(&permission),
            });
        }
    }
    Ok(grants)
}

pub(crate) fn grant_of(
    tx: &mut Transaction<'_>,
    resource: &Resource,
    principal: &Principal,
) -> StoreResult<Option<Permission>> {
    let id = principal_id(tx, principal)?;
    current_grant(tx, resource, principal.kind(), id)
}

pub(crate) fn user_grants(tx: &mut Transaction<'_>, user_id: i64) -> StoreResult<UserGrants> {
    let rows = query(
        tx,
        "SELECT FALSE, resource_type, resource_id, permission FROM grants
           WHERE principal_type = 'user' AND principal_id = $1
         UNION ALL
         SELECT TRUE, g.resource_type, g.resource_id, g.permission FROM grants g
           JOIN group_members m ON g.principal_type = 'group' AND g.principal_id = m.group_id
           WHERE m.user_id = $1",
        args![user_id],
    )?;
    let mut grants = UserGrants::default();
    for row in &rows {
        let through_group: bool = row.try_get(0)?;
        let kind: String = row.try_get(1)?;
        let id: String = row.try_get(2)?;
        let permission: String = row.try_get(3)?;
        let Some(resource) = Resource::parse(&kind, &id) else {
            continue;
        };
        let entry = (resource, permission_column(&permission));
        if through_group {
            grants.through_groups.push(entry);
        } else {
            grants.own.push(entry);
        }
    }
    Ok(grants)
}

pub(crate) fn permission_history(
    tx: &mut Transaction<'_>,
    resource: &Resource,
) -> StoreResult<Vec<PermissionChange>> {
    let rows = query(
        tx,
        "SELECT time_ms, actor, principal_type, principal, old_permission, new_permission
         FROM permission_history WHERE resource_type = $1 AND resource_id = $2 ORDER BY id",
        args![resource.kind(), resource.id()],
    )?;
    let mut changes = Vec::with_capacity(rows.len());
    for row in &rows {
        let kind: String = row.try_get(2)?;
        let name: String = row.try_get(3)?;
        let old: Option<String> = row.try_get(4)?;
        let new: Option<String> = row.try_get(5)?;
        if let Some(principal) = Principal::parse(&kind, &name) {
            changes.push(PermissionChange {
                time_ms: row.try_get(0)?,
                actor: row.try_get(1)?,
                resource: resource.clone(),
                principal,
                old: old.as_deref().and_then(Permission::parse),
                new: new.as_deref().and_then(Permission::parse),
            });
        }
    }
    Ok(changes)
}

pub(crate) fn rename_model_grants(
    tx: &mut Transaction<'_>,
    from: &str,
    to: &str,
) -> StoreResult<()> {
    for table in ["grants", "permission_history"] {
        execute(
            tx,
            &format!(
                "UPDATE {table} SET resource_id = $2
                 WHERE resource_type = 'registered_model' AND resource_id = $1"
            ),
            args![from, to],
        )?;
    }
    Ok(())
}
