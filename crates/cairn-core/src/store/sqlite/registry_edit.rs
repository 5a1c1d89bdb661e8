//! Registry edits beyond registering and staging: renames, descriptions, tags, aliases removed
//! or resolved, and deletes (versions soft-deleted so numbers are never reused).

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use crate::error::{StoreError, StoreResult};
use crate::model::{ModelVersion, RegisteredModel, RegistryChange, RegistryHistoryEntry, Tag};
use crate::time::now_millis;
use crate::validate;

use super::registry::{get_model, get_version, record, require_model, touch_model};

pub(super) fn rename_model(
    transaction: &Transaction<'_>,
    name: &str,
    new_name: &str,
) -> StoreResult<RegisteredModel> {
    validate::check_model_name(new_name)?;
    let id = require_model(transaction, name)?;
    if name != new_name {
        let taken = transaction
            .prepare_cached("SELECT 1 FROM registered_models WHERE name = ?1")?
            .exists([new_name])?;
        if taken {
            return Err(StoreError::ModelExists {
                name: new_name.to_string(),
            });
        }
        transaction.execute(
            "UPDATE registered_models SET name = ?2, last_updated_time_ms = ?3 WHERE id = ?1",
            params![id, new_name, now_millis()],
        )?;
    }
    get_model(transaction, new_name)
}

pub(super) fn update_model_description(
    transaction: &Transaction<'_>,
    name: &str,
    description: &str,
) -> StoreResult<RegisteredModel> {
    let id = require_model(transaction, name)?;
    transaction.execute(
        "UPDATE registered_models SET description = ?2, last_updated_time_ms = ?3 WHERE id = ?1",
        params![id, description, now_millis()],
    )?;
    get_model(transaction, name)
}

/// Deletes a registered model with its versions, tags and aliases; the history stays.
pub(super) fn delete_model(transaction: &Transaction<'_>, name: &str) -> StoreResult<()> {
    let id = require_model(transaction, name)?;
    transaction.execute("DELETE FROM registered_models WHERE id = ?1", [id])?;
    Ok(())
}

pub(super) fn set_model_tag(
    transaction: &Transaction<'_>,
    name: &str,
    tag: &Tag,
) -> StoreResult<()> {
    validate::check_tag(tag)?;
    let id = require_model(transaction, name)?;
    transaction.execute(
        "INSERT INTO registered_model_tags (model_id, key, value) VALUES (?1, ?2, ?3)
         ON CONFLICT (model_id, key) DO UPDATE SET value = excluded.value",
        params![id, tag.key, tag.value],
    )?;
    touch_model(transaction, id, now_millis())
}

pub(super) fn delete_model_tag(
    transaction: &Transaction<'_>,
    name: &str,
    key: &str,
) -> StoreResult<()> {
    let id = require_model(transaction, name)?;
    transaction.execute(
        "DELETE FROM registered_model_tags WHERE model_id = ?1 AND key = ?2",
        params![id, key],
    )?;
    Ok(())
}

pub(super) fn update_version_description(
    transaction: &Transaction<'_>,
    name: &str,
    version: u64,
    description: &str,
) -> StoreResult<ModelVersion> {
    let id = require_model(transaction, name)?;
    get_version(transaction, name, version)?;
    transaction.execute(
        "UPDATE model_versions SET description = ?3, last_updated_time_ms = ?4
         WHERE model_id = ?1 AND version = ?2",
        params![id, version as i64, description, now_millis()],
    )?;
    get_version(transaction, name, version)
}

/// Soft-deletes a version (its number is never reused) and drops its aliases.
pub(super) fn delete_version(
    transaction: &Transaction<'_>,
    name: &str,
    version: u64,
    user_id: &str,
    origin: &str,
) -> StoreResult<()> {
    let id = require_model(transaction, name)?;
    get_version(transaction, name, version)?;
    let now = now_millis();
    transaction.execute(
        "UPDATE model_versions SET deleted = 1, current_stage = 'Archived', last_updated_time_ms = ?3
         WHERE model_id = ?1 AND version = ?2",
        params![id, version as i64, now],
    )?;
    transaction.execute(
        "DELETE FROM model_aliases WHERE model_id = ?1 AND version = ?2",
        params![id, version as i64],
    )?;
    touch_model(transaction, id, now)?;
    record(
        transaction,
        &RegistryHistoryEntry {
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
        },
    )
}

pub(super) fn set_version_tag(
    transaction: &Transaction<'_>,
    name: &str,
    version: u64,
    tag: &Tag,
) -> StoreResult<()> {
    validate::check_tag(tag)?;
    let id = require_model(transaction, name)?;
    get_version(transaction, name, version)?;
    transaction.execute(
        "INSERT INTO model_version_tags (model_id, version, key, value) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (model_id, version, key) DO UPDATE SET value = excluded.value",
        params![id, version as i64, tag.key, tag.value],
    )?;
    Ok(())
}

pub(super) fn delete_version_tag(
    transaction: &Transaction<'_>,
    name: &str,
    version: u64,
    key: &str,
) -> StoreResult<()> {
    let id = require_model(transaction, name)?;
    get_version(transaction, name, version)?;
    transaction.execute(
        "DELETE FROM model_version_tags WHERE model_id = ?1 AND version = ?2 AND key = ?3",
        params![id, version as i64, key],
    )?;
    Ok(())
}

pub(super) fn delete_alias(
    transaction: &Transaction<'_>,
    name: &str,
    alias: &str,
    user_id: &str,
    origin: &str,
) -> StoreResult<()> {
    let id = require_model(transaction, name)?;
    let version: Option<i64> = transaction
        .query_row(
            "DELETE FROM model_aliases WHERE model_id = ?1 AND alias = ?2 RETURNING version",
            params![id, alias],
            |row| row.get(0),
        )
        .optional()?;
    let Some(version) = version else {
        return Err(StoreError::AliasNotFound {
            name: name.to_string(),
            alias: alias.to_string(),
        });
    };
    let now = now_millis();
    touch_model(transaction, id, now)?;
    record(
        transaction,
        &RegistryHistoryEntry {
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
        },
    )
}

pub(super) fn version_by_alias(
    connection: &Connection,
    name: &str,
    alias: &str,
) -> StoreResult<ModelVersion> {
    let id = require_model(connection, name)?;
    let version: Option<i64> = connection
        .query_row(
            "SELECT version FROM model_aliases WHERE model_id = ?1 AND alias = ?2",
            params![id, alias],
            |row| row.get(0),
        )
        .optional()?;
    match version {
        Some(version) => get_version(connection, name, version.unsigned_abs()),
        None => Err(StoreError::AliasNotFound {
            name: name.to_string(),
            alias: alias.to_string(),
        }),
    }
}
