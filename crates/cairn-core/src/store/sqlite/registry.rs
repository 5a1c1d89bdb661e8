//! The model registry with MLflow's semantics, and its permanent history.

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use crate::error::{StoreError, StoreResult};
use crate::model::{
    ModelStage, ModelVersion, ModelVersionStatus, NewModelVersion, RegisteredModel, RegistryChange,
    RegistryHistoryEntry, StageTransition, Tag,
};
use crate::time::now_millis;
use crate::validate;

const VERSION_COLUMNS: &str = "v.version, v.creation_time_ms, v.last_updated_time_ms, v.user_id, \
     v.current_stage, v.description, v.source, v.run_uuid, v.run_link, v.status, \
     v.status_message, v.logged_model_id";

pub(super) fn create_model(
    transaction: &Transaction<'_>,
    name: &str,
    description: &str,
    tags: &[Tag],
) -> StoreResult<RegisteredModel> {
    validate::check_model_name(name)?;
    tags.iter().try_for_each(validate::check_tag)?;
    if model_id(transaction, name)?.is_some() {
        return Err(StoreError::ModelExists {
            name: name.to_string(),
        });
    }
    let now = now_millis();
    transaction.execute(
        "INSERT INTO registered_models (name, description, creation_time_ms, last_updated_time_ms)
         VALUES (?1, ?2, ?3, ?3)",
        params![name, description, now],
    )?;
    let id = transaction.last_insert_rowid();
    for tag in tags {
        transaction.execute(
            "INSERT OR REPLACE INTO registered_model_tags (model_id, key, value) VALUES (?1, ?2, ?3)",
            params![id, tag.key, tag.value],
        )?;
    }
    get_model(transaction, name)
}

pub(super) fn get_model(connection: &Connection, name: &str) -> StoreResult<RegisteredModel> {
    let id = require_model(connection, name)?;
    let (description, creation_time_ms, last_updated_time_ms) = connection.query_row(
        "SELECT description, creation_time_ms, last_updated_time_ms FROM registered_models
         WHERE id = ?1",
        [id],
        |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
    )?;
    let mut aliases: Vec<(String, u64)> = connection
        .prepare_cached(
            "SELECT alias, version FROM model_aliases WHERE model_id = ?1 ORDER BY alias",
        )?
        .query_map([id], |row| {
            Ok((row.get(0)?, row.get::<_, i64>(1)?.unsigned_abs()))
        })?
        .collect::<Result<_, _>>()?;
    aliases.sort();
    let versions = list_versions(connection, name)?;
    let latest_versions = ModelStage::ALL
        .iter()
        .filter_map(|stage| {
            versions
                .iter()
                .filter(|version| version.current_stage == *stage)
                .max_by_key(|version| version.version)
                .cloned()
        })
        .collect();
    Ok(RegisteredModel {
        name: name.to_string(),
        description,
        creation_time_ms,
        last_updated_time_ms,
        tags: key_values(
            connection,
            "SELECT key, value FROM registered_model_tags WHERE model_id = ?1 ORDER BY key",
            params![id],
        )?,
        aliases,
        latest_versions,
    })
}

pub(super) fn list_models(connection: &Connection) -> StoreResult<Vec<RegisteredModel>> {
    let names: Vec<String> = connection
        .prepare_cached("SELECT name FROM registered_models ORDER BY name")?
        .query_map([], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    names
        .iter()
        .map(|name| get_model(connection, name))
        .collect()
}

pub(super) fn create_version(
    transaction: &Transaction<'_>,
    new: &NewModelVersion,
) -> StoreResult<ModelVersion> {
    let id = require_model(transaction, &new.name)?;
    new.tags.iter().try_for_each(validate::check_tag)?;
    let version: i64 = transaction.query_row(
        "SELECT coalesce(max(version), 0) + 1 FROM model_versions WHERE model_id = ?1",
        [id],
        |row| row.get(0),
    )?;
    let now = now_millis();
    transaction.execute(
        "INSERT INTO model_versions
           (model_id, version, creation_time_ms, last_updated_time_ms, user_id, description,
            source, run_uuid, run_link, status, logged_model_id)
         VALUES (?1, ?2, ?3, ?3, ?4, ?5, ?6, ?7, ?8, 'READY', ?9)",
        params![
            id,
            version,
            now,
            new.user_id,
            new.description,
            new.source,
            new.run_id,
            new.run_link,
            new.logged_model_id
        ],
    )?;
    for tag in &new.tags {
        transaction.execute(
            "INSERT OR REPLACE INTO model_version_tags (model_id, version, key, value)
             VALUES (?1, ?2, ?3, ?4)",
            params![id, version, tag.key, tag.value],
        )?;
    }
    touch_model(transaction, id, now)?;
    record(
        transaction,
        &RegistryHistoryEntry {
            model_name: new.name.clone(),
            version: Some(version.unsigned_abs()),
            change: RegistryChange::CreateVersion,
            from_stage: None,
            to_stage: Some(ModelStage::None),
            alias: None,
            user_id: new.user_id.clone(),
            time_ms: now,
            comment: String::new(),
            origin: if new.origin.is_empty() {
                "store".to_string()
            } else {
                new.origin.clone()
            },
            gate_report: None,
        },
    )?;
    get_version(transaction, &new.name, version.unsigned_abs())
}

pub(super) fn get_version(
    connection: &Connection,
    name: &str,
    version: u64,
) -> StoreResult<ModelVersion> {
    let id = require_model(connection, name)?;
    let found = connection
        .prepare_cached(&format!(
            "SELECT {VERSION_COLUMNS} FROM model_versions v
             WHERE v.model_id = ?1 AND v.version = ?2 AND v.deleted = 0"
        ))?
        .query_row(params![id, version as i64], |row| version_row(name, row))
        .optional()?;
    let mut found = found.ok_or_else(|| StoreError::ModelVersionNotFound {
        name: name.to_string(),
        version: version.to_string(),
    })?;
    attach_version_details(connection, id, &mut found)?;
    Ok(found)
}

pub(super) fn list_versions(connection: &Connection, name: &str) -> StoreResult<Vec<ModelVersion>> {
    let id = require_model(connection, name)?;
    let mut versions: Vec<ModelVersion> = connection
        .prepare_cached(&format!(
            "SELECT {VERSION_COLUMNS} FROM model_versions v
             WHERE v.model_id = ?1 AND v.deleted = 0 ORDER BY v.version"
        ))?
        .query_map([id], |row| version_row(name, row))?
        .collect::<Result<_, _>>()?;
    for version in &mut versions {
        attach_version_details(connection, id, version)?;
    }
    Ok(versions)
}

pub(super) fn transition(
    transaction: &Transaction<'_>,
    request: &StageTransition,
) -> StoreResult<ModelVersion> {
    let id = require_model(transaction, &request.name)?;
    let current = get_version(transaction, &request.name, request.version)?;
    let now = now_millis();
    let archives_others = request.archive_existing_versions
        && matches!(request.stage, ModelStage::Staging | ModelStage::Production);
    if archives_others {
        let others: Vec<i64> = transaction
            .prepare_cached(
                "SELECT version FROM model_versions
                 WHERE model_id = ?1 AND current_stage = ?2 AND version != ?3 AND deleted = 0
                 ORDER BY version",
            )?
            .query_map(
                params![id, request.stage.as_str(), request.version as i64],
                |row| row.get(0),
            )?
            .collect::<Result<_, _>>()?;
        for other in others {
            set_stage(transaction, id, other, ModelStage::Archived, now)?;
            record(
                transaction,
                &RegistryHistoryEntry {
                    model_name: request.name.clone(),
                    version: Some(other.unsigned_abs()),
                    change: RegistryChange::Transition,
                    from_stage: Some(request.stage),
                    to_stage: Some(ModelStage::Archived),
                    alias: None,
                    user_id: request.user_id.clone(),
                    time_ms: now,
                    comment: format!(
                        "archived because version {} moved to {}",
                        request.version,
                        request.stage.as_str()
                    ),
                    origin: request.origin.clone(),
                    gate_report: None,
                },
            )?;
        }
    }
    set_stage(transaction, id, request.version as i64, request.stage, now)?;
    touch_model(transaction, id, now)?;
    record(
        transaction,
        &RegistryHistoryEntry {
            model_name: request.name.clone(),
            version: Some(request.version),
            change: RegistryChange::Transition,
            from_stage: Some(current.current_stage),
            to_stage: Some(request.stage),
            alias: None,
            user_id: request.user_id.clone(),
            time_ms: now,
            comment: request.comment.clone(),
            origin: request.origin.clone(),
            gate_report: request.gate_report.clone(),
        },
    )?;
    get_version(transaction, &request.name, request.version)
}

pub(super) fn set_alias(
    transaction: &Transaction<'_>,
    name: &str,
    alias: &str,
    version: u64,
    user_id: &str,
    origin: &str,
) -> StoreResult<()> {
    validate::check_alias(alias)?;
    let id = require_model(transaction, name)?;
    get_version(transaction, name, version)?;
    let previous: Option<i64> = transaction
        .query_row(
            "SELECT version FROM model_aliases WHERE model_id = ?1 AND alias = ?2",
            params![id, alias],
            |row| row.get(0),
        )
        .optional()?;
    transaction.execute(
        "INSERT OR REPLACE INTO model_aliases (model_id, alias, version) VALUES (?1, ?2, ?3)",
        params![id, alias, version as i64],
    )?;
    let now = now_millis();
    touch_model(transaction, id, now)?;
    record(
        transaction,
        &RegistryHistoryEntry {
            model_name: name.to_string(),
            version: Some(version),
            change: RegistryChange::SetAlias,
            from_stage: None,
            to_stage: None,
            alias: Some(alias.to_string()),
            user_id: user_id.to_string(),
            time_ms: now,
            comment: previous
                .map(|previous| format!("moved from version {previous}"))
                .unwrap_or_default(),
            origin: origin.to_string(),
            gate_report: None,
        },
    )
}

pub(super) fn history(
    connection: &Connection,
    name: &str,
) -> StoreResult<Vec<RegistryHistoryEntry>> {
    let mut statement = connection.prepare_cached(
        "SELECT model_name, version, action, from_stage, to_stage, alias, user_id, time_ms,
                comment, origin, gate_report
         FROM registry_history WHERE model_name = ?1 ORDER BY id",
    )?;
    let entries = statement
        .query_map([name], |row| {
            let action: String = row.get(2)?;
            let from: Option<String> = row.get(3)?;
            let to: Option<String> = row.get(4)?;
            Ok(RegistryHistoryEntry {
                model_name: row.get(0)?,
                version: row.get::<_, Option<i64>>(1)?.map(i64::unsigned_abs),
                change: RegistryChange::parse(&action).unwrap_or(RegistryChange::Transition),
                from_stage: from.as_deref().and_then(ModelStage::parse),
                to_stage: to.as_deref().and_then(ModelStage::parse),
                alias: row.get(5)?,
                user_id: row.get(6)?,
                time_ms: row.get(7)?,
                comment: row.get(8)?,
                origin: row.get(9)?,
                gate_report: row.get(10)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(entries)
}

pub(super) fn record(
    transaction: &Transaction<'_>,
    entry: &RegistryHistoryEntry,
) -> StoreResult<()> {
    transaction
        .prepare_cached(
            "INSERT INTO registry_history
               (model_name, version, action, from_stage, to_stage, alias, user_id, time_ms,
                comment, origin, gate_report)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        )?
        .execute(params![
            entry.model_name,
            entry.version.map(|version| version as i64),
            entry.change.as_str(),
            entry.from_stage.map(ModelStage::as_str),
            entry.to_stage.map(ModelStage::as_str),
            entry.alias,
            entry.user_id,
            entry.time_ms,
            entry.comment,
            entry.origin,
            entry.gate_report,
        ])?;
    Ok(())
}

fn set_stage(
    transaction: &Transaction<'_>,
    model_id: i64,
    version: i64,
    stage: ModelStage,
    now: i64,
) -> StoreResult<()> {
    transaction.execute(
        "UPDATE model_versions SET current_stage = ?3, last_updated_time_ms = ?4
         WHERE model_id = ?1 AND version = ?2",
        params![model_id, version, stage.as_str(), now],
    )?;
    Ok(())
}

pub(super) fn touch_model(
    transaction: &Transaction<'_>,
    model_id: i64,
    now: i64,
) -> StoreResult<()> {
    transaction.execute(
        "UPDATE registered_models SET last_updated_time_ms = ?2 WHERE id = ?1",
        params![model_id, now],
    )?;
    Ok(())
}

fn model_id(connection: &Connection, name: &str) -> StoreResult<Option<i64>> {
    Ok(connection
        .prepare_cached("SELECT id FROM registered_models WHERE name = ?1")?
        .query_row([name], |row| row.get(0))
        .optional()?)
}

pub(super) fn require_model(connection: &Connection, name: &str) -> StoreResult<i64> {
    model_id(connection, name)?.ok_or_else(|| StoreError::ModelNotFound {
        name: name.to_string(),
    })
}

fn version_row(name: &str, row: &rusqlite::Row<'_>) -> rusqlite::Result<ModelVersion> {
    let stage: String = row.get(4)?;
    let status: String = row.get(9)?;
    Ok(ModelVersion {
        name: name.to_string(),
        version: row.get::<_, i64>(0)?.unsigned_abs(),
        creation_time_ms: row.get(1)?,
        last_updated_time_ms: row.get(2)?,
        user_id: row.get(3)?,
        current_stage: ModelStage::parse(&stage).unwrap_or(ModelStage::None),
        description: row.get(5)?,
        source: row.get(6)?,
        run_id: row.get(7)?,
        run_link: row.get(8)?,
        status: ModelVersionStatus::parse(&status).unwrap_or(ModelVersionStatus::Ready),
        status_message: row.get(10)?,
        logged_model_id: row.get(11)?,
        tags: Vec::new(),
        aliases: Vec::new(),
    })
}

fn attach_version_details(
    connection: &Connection,
    model_id: i64,
    version: &mut ModelVersion,
) -> StoreResult<()> {
    let number = version.version as i64;
    version.tags = key_values(
        connection,
        "SELECT key, value FROM model_version_tags WHERE model_id = ?1 AND version = ?2
         ORDER BY key",
        params![model_id, number],
    )?;
    version.aliases = connection
        .prepare_cached(
            "SELECT alias FROM model_aliases WHERE model_id = ?1 AND version = ?2 ORDER BY alias",
        )?
        .query_map(params![model_id, number], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    Ok(())
}

fn key_values(
    connection: &Connection,
    sql: &str,
    parameters: impl rusqlite::Params,
) -> StoreResult<Vec<Tag>> {
    Ok(connection
        .prepare_cached(sql)?
        .query_map(parameters, |row| {
            Ok(Tag {
                key: row.get(0)?,
                value: row.get(1)?,
            })
        })?
        .collect::<Result<_, _>>()?)
}
