//! Registry edits in PostgreSQL beyond registering and staging: renames, descriptions, tags,
//! aliases removed or resolved, and deletes (versions soft-deleted so numbers are never reused).

use postgres::Transaction;
use postgres::error::SqlState;

use crate::error::{StoreError, StoreResult};
use crate::model::{ModelVersion, RegisteredModel, RegistryChange, RegistryHistoryEntry, Tag};
use crate::time::now_millis;
use crate::validate;

use super::registry::{record, touch_model};
use super::registry_read::{
    get_model, get_version, lock_model, require_model, require_version, version_not_found,
    version_number,
};
use super::sql::{args, execute, query_opt};

pub(super) fn rename_model(
    tx: &mut Transaction<'_>,
    name: &str,
    new_name: &str,
) -> StoreResult<RegisteredModel> {
    validate::check_model_name(new_name)?;
    let model_id = lock_model(tx, name)?;
    if name != new_name {
        // Unchecked beforehand: the name's unique index decides, so two renames cannot both win.
        let renamed = tx.execute_typed(
            "UPDATE registered_models SET name = $2, last_updated_time_ms = $3 WHERE id = $1",
            args![model_id, new_name, now_millis()],
        );
        match renamed {
            Err(error) if error.code() == Some(&SqlState::UNIQUE_VIOLATION) => {
                return Err(StoreError::ModelExists {
                    name: new_name.to_string(),
                });
            }
            other => {
                other?;
            }
        }
    }
    get_model(tx, new_name)
}

pub(super) fn update_model_description(
    tx: &mut Transaction<'_>,
    name: &str,
    description: &str,
) -> StoreResult<RegisteredModel> {
    let updated = execute(
        tx,
        "UPDATE registered_models SET description = $2, last_updated_time_ms = $3
         WHERE name = $1",
        args![name, description, now_millis()],
    )?;
    if updated == 0 {
        return Err(StoreError::ModelNotFound {
            name: name.to_string(),
        });
    }
    get_model(tx, name)
}

/// Deletes a registered model with its versions, tags and aliases (by cascade); the history
/// stays.
pub(super) fn delete_model(tx: &mut Transaction<'_>, name: &str) -> StoreResult<()> {
    let deleted = execute(
        tx,
        "DELETE FROM registered_models WHERE name = $1",
        args![name],
    )?;
    if deleted == 0 {
        return Err(StoreError::ModelNotFound {
            name: name.to_string(),
        });
    }
    Ok(())
}

pub(super) fn set_model_tag(tx: &mut Transaction<'_>, name: &str, tag: &Tag) -> StoreResult<()> {
    validate::check_tag(tag)?;
    let model_id = require_model(tx, name)?;
    execute(
        tx,
        "INSERT INTO registered_model_tags (model_id, key, value) VALUES ($1, $2, $3)
         ON CONFLICT (model_id, key) DO UPDATE SET value = excluded.value",
        args![model_id, tag.key, tag.value],
    )?;
    touch_model(tx, model_id, now_millis())
}

pub(super) fn delete_model_tag(tx: &mut Transaction<'_>, name: &str, key: &str) -> StoreResult<()> {
    let model_id = require_model(tx, name)?;
    execute(
        tx,
        "DELETE FROM registered_model_tags WHERE model_id = $1 AND key = $2",
        args![model_id, key],
    )?;
    Ok(())
}

pub(super) fn update_version_description(
    tx: &mut Transaction<'_>,
    name: &str,
    version: u64,
    description: &str,
) -> StoreResult<ModelVersion> {
    let model_id = require_model(tx, name)?;
    let number = version_number(name, version)?;
    let updated = execute(
        tx,
        "UPDATE model_versions SET description = $3, last_updated_time_ms = $4
         WHERE model_id = $1 AND version = $2 AND NOT deleted",
        args![model_id, number, description, now_millis()],
    )?;
    if updated == 0 {
        return Err(version_not_found(name, version));
    }
    get_version(tx, model_id, name, version)
}

/// Soft-deletes a version (its number is never reused) and drops its aliases.
pub(super) fn delete_version(
    tx: &mut Transaction<'_>,
    name: &str,
    version: u64,
    user_id: &str,
    origin: &str,
) -> StoreResult<()> {
    let model_id = lock_model(tx, name)?;
    let number = version_number(name, version)?;
    let now = now_millis();
    let deleted = execute(
        tx,
        "UPDATE model_versions
         SET deleted = true, current_stage = 'Archived', last_updated_time_ms = $3
         WHERE model_id = $1 AND version = $2 AND NOT deleted",
        args![model_id, number, now],
    )?;
    if deleted == 0 {
        return Err(version_not_found(name, version));
    }
    execute(
        tx,
        "DELETE FROM model_aliases WHERE model_id = $1 AND version = $2",
        args![model_id, number],
    )?;
    touch_model(tx, model_id, now)?;
    record(
        tx,
        &[RegistryHistoryEntry {
            model_name: name.to_string(),
            version: Some(version),
            change: RegistryChange::DeleteVersion,
            from_stage: None,
            to_stage: None,
            alias: None,
            user_id: user_id.to_string(),
            time_ms: now,
            comment: String::new(),
            origin: origin.to_string(),
            gate_report: None,
        }],
    )
}

pub(super) fn set_version_tag(
    tx: &mut Transaction<'_>,
    name: &str,
    version: u64,
    tag: &Tag,
) -> StoreResult<()> {
    validate::check_tag(tag)?;
    let model_id = require_model(tx, name)?;
    require_version(tx, model_id, name, version)?;
    let number = version_number(name, version)?;
    execute(
        tx,
        "INSERT INTO model_version_tags (model_id, version, key, value) VALUES ($1, $2, $3, $4)
         ON CONFLICT (model_id, version, key) DO UPDATE SET value = excluded.value",
        args![model_id, number, tag.key, tag.value],
    )?;
    Ok(())
}

pub(super) fn delete_version_tag(
    tx: &mut Transaction<'_>,
    name: &str,
    version: u64,
    key: &str,
) -> StoreResult<()> {
    let model_id = require_model(tx, name)?;
    require_version(tx, model_id, name, version)?;
    let number = version_number(name, version)?;
    execute(
        tx,
        "DELETE FROM model_version_tags WHERE model_id = $1 AND version = $2 AND key = $3",
        args![model_id, number, key],
    )?;
    Ok(())
}

pub(super) fn delete_alias(
    tx: &mut Transaction<'_>,
    name: &str,
    alias: &str,
    user_id: &str,
    origin: &str,
) -> StoreResult<()> {
    let model_id = lock_model(tx, name)?;
    let removed = query_opt(
        tx,
        "DELETE FROM model_aliases WHERE model_id = $1 AND alias = $2 RETURNING version",
        args![model_id, alias],
    )?;
    let Some(removed) = removed else {
        return Err(alias_not_found(name, alias));
    };
    let version: i64 = removed.get(0);
    let now = now_millis();
    touch_model(tx, model_id, now)?;
    record(
        tx,
        &[RegistryHistoryEntry {
            model_name: name.to_string(),
            version: Some(version.unsigned_abs()),
            change: RegistryChange::DeleteAlias,
            from_stage: None,
            to_stage: None,
            alias: Some(alias.to_string()),
            user_id: user_id.to_string(),
            time_ms: now,
            comment: String::new(),
            origin: origin.to_string(),
            gate_report: None,
        }],
    )
}

pub(super) fn version_by_alias(
    db: &mut Transaction<'_>,
    name: &str,
    alias: &str,
) -> StoreResult<ModelVersion> {
    let model_id = require_model(db, name)?;
    let found = query_opt(
        db,
        "SELECT version FROM model_aliases WHERE model_id = $1 AND alias = $2",
        args![model_id, alias],
    )?;
    match found {
        Some(row) => get_version(db, model_id, name, row.get::<_, i64>(0).unsigned_abs()),
        None => Err(alias_not_found(name, alias)),
    }
}

fn alias_not_found(name: &str, alias: &str) -> StoreError {
    StoreError::AliasNotFound {
        name: name.to_string(),
        alias: alias.to_string(),
    }
}
