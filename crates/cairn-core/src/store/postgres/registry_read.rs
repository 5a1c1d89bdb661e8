//! Reading the model registry from PostgreSQL: registered models with their tags, aliases and
//! latest versions, and versions with their tags and aliases. Each read is a fixed number of
//! statements however many models or versions it returns (details are fetched for all of them
//! at once, never one statement per row).

use std::collections::HashMap;

use postgres::{Row, Transaction};

use super::sql::{args, query, query_opt};
use crate::error::{StoreError, StoreResult};
use crate::model::{
    ModelStage, ModelVersion, ModelVersionStatus, RegisteredModel, RegistryChange,
    RegistryHistoryEntry, Tag,
};

/// The `model_versions` columns [`version_row`] reads, for `FROM model_versions v`.
const VERSION_COLUMNS: &str = "v.model_id, v.version, v.creation_time_ms, \
     v.last_updated_time_ms, v.user_id, v.current_stage, v.description, v.source, v.run_uuid, \
     v.run_link, v.status, v.status_message, v.logged_model_id";

/// A registered model's key, if it exists.
pub(super) fn model_id(db: &mut Transaction<'_>, name: &str) -> StoreResult<Option<i64>> {
    let row = query_opt(
        db,
        "SELECT id FROM registered_models WHERE name = $1",
        args![name],
    )?;
    Ok(row.map(|row| row.get(0)))
}

/// A registered model's key, or [`StoreError::ModelNotFound`].
pub(super) fn require_model(db: &mut Transaction<'_>, name: &str) -> StoreResult<i64> {
    model_id(db, name)?.ok_or_else(|| model_not_found(name))
}

/// A registered model's key with its row locked until the transaction ends, so that writers of
/// one model (new version numbers, stage moves) take turns; or [`StoreError::ModelNotFound`].
pub(super) fn lock_model(db: &mut Transaction<'_>, name: &str) -> StoreResult<i64> {
    let row = query_opt(
        db,
        "SELECT id FROM registered_models WHERE name = $1 FOR UPDATE",
        args![name],
    )?;
    row.map(|row| row.get(0))
        .ok_or_else(|| model_not_found(name))
}

fn model_not_found(name: &str) -> StoreError {
    StoreError::ModelNotFound {
        name: name.to_string(),
    }
}

/// The error for a version that does not exist (or is deleted).
pub(super) fn version_not_found(name: &str, version: u64) -> StoreError {
    StoreError::ModelVersionNotFound {
        name: name.to_string(),
        version: version.to_string(),
    }
}

/// A version number as stored; one too large to store cannot exist.
pub(super) fn version_number(name: &str, version: u64) -> StoreResult<i64> {
    i64::try_from(version).map_err(|_| version_not_found(name, version))
}

/// Fails with [`StoreError::ModelVersionNotFound`] unless the live version exists.
pub(super) fn require_version(
    db: &mut Transaction<'_>,
    model_id: i64,
    name: &str,
    version: u64,
) -> StoreResult<()> {
    let number = version_number(name, version)?;
    let found = query_opt(
        db,
        "SELECT 1 FROM model_versions WHERE model_id = $1 AND version = $2 AND NOT deleted",
        args![model_id, number],
    )?;
    match found {
        Some(_) => Ok(()),
        None => Err(version_not_found(name, version)),
    }
}

/// A registered model with its tags, aliases and latest version per stage.
pub(super) fn get_model(db: &mut Transaction<'_>, name: &str) -> StoreResult<RegisteredModel> {
    models(db, Some(name))?
        .pop()
        .ok_or_else(|| model_not_found(name))
}

/// Every registered model (or the one named), sorted by name.
pub(super) fn models(
    db: &mut Transaction<'_>,
    name: Option<&str>,
) -> StoreResult<Vec<RegisteredModel>> {
    let rows = query(
        db,
        "SELECT id, name, description, creation_time_ms, last_updated_time_ms
         FROM registered_models WHERE $1::text IS NULL OR name = $1",
        args![name],
    )?;
    let mut ids: Vec<i64> = Vec::with_capacity(rows.len());
    let mut found: Vec<RegisteredModel> = Vec::with_capacity(rows.len());
    for row in &rows {
        ids.push(row.get(0));
        found.push(RegisteredModel {
            name: row.get(1),
            description: row.get(2),
            creation_time_ms: row.get(3),
            last_updated_time_ms: row.get(4),
            tags: Vec::new(),
            aliases: Vec::new(),
            latest_versions: Vec::new(),
        });
    }
    let position: HashMap<i64, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    for row in query(
        db,
        "SELECT model_id, key, value FROM registered_model_tags WHERE model_id = ANY($1)",
        args![ids],
    )? {
        if let Some(&index) = position.get(&row.get::<_, i64>(0)) {
            found[index]
                .tags
                .push(Tag::new(row.get::<_, String>(1), row.get::<_, String>(2)));
        }
    }
    for row in query(
        db,
        "SELECT model_id, alias, version FROM model_aliases WHERE model_id = ANY($1)",
        args![ids],
    )? {
        if let Some(&index) = position.get(&row.get::<_, i64>(0)) {
            found[index]
                .aliases
                .push((row.get(1), row.get::<_, i64>(2).unsigned_abs()));
        }
    }
    // The highest live version in each stage of each model.
    let mut latest = query(
        db,
        &format!(
            "SELECT DISTINCT ON (v.model_id, v.current_stage) {VERSION_COLUMNS}
             FROM model_versions v WHERE v.model_id = ANY($1) AND NOT v.deleted
             ORDER BY v.model_id, v.current_stage, v.version DESC"
        ),
        args![ids],
    )?
    .iter()
    .map(|row| {
        let model_id: i64 = row.get(0);
        let name = position
            .get(&model_id)
            .map(|&index| found[index].name.clone())
            .unwrap_or_default();
        (model_id, version_row(&name, row))
    })
    .collect::<Vec<_>>();
    attach_details(db, &mut latest)?;
    for (model_id, version) in latest {
        if let Some(&index) = position.get(&model_id) {
            found[index].latest_versions.push(version);
        }
    }
    for model in &mut found {
        model.tags.sort_by(|a, b| a.key.cmp(&b.key));
        model.aliases.sort();
        model
            .latest_versions
            .sort_by_key(|version| stage_rank(version.current_stage));
    }
    // Rust's order of strings is their bytes' order, as SQLite's BINARY collation sorts them.
    found.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(found)
}

fn stage_rank(stage: ModelStage) -> usize {
    ModelStage::ALL
        .iter()
        .position(|candidate| *candidate == stage)
        .unwrap_or(usize::MAX)
}

/// One live version with its tags and aliases, or [`StoreError::ModelVersionNotFound`].
pub(super) fn get_version(
    db: &mut Transaction<'_>,
    model_id: i64,
    name: &str,
    version: u64,
) -> StoreResult<ModelVersion> {
    let number = version_number(name, version)?;
    versions(db, model_id, name, Some(number))?
        .pop()
        .ok_or_else(|| version_not_found(name, version))
}

/// The live versions of a model (or the one numbered), by version number.
pub(super) fn versions(
    db: &mut Transaction<'_>,
    model_id: i64,
    name: &str,
    number: Option<i64>,
) -> StoreResult<Vec<ModelVersion>> {
    let mut found: Vec<(i64, ModelVersion)> = query(
        db,
        &format!(
            "SELECT {VERSION_COLUMNS} FROM model_versions v
             WHERE v.model_id = $1 AND NOT v.deleted AND ($2::int8 IS NULL OR v.version = $2)
             ORDER BY v.version"
        ),
        args![model_id, number],
    )?
    .iter()
    .map(|row| (model_id, version_row(name, row)))
    .collect();
    attach_details(db, &mut found)?;
    Ok(found.into_iter().map(|(_, version)| version).collect())
}

/// Fills the tags (by key) and aliases (by name) of `(model key, version)` pairs, in two
/// statements.
fn attach_details(
    db: &mut Transaction<'_>,
    versions: &mut [(i64, ModelVersion)],
) -> StoreResult<()> {
    if versions.is_empty() {
        return Ok(());
    }
    let model_ids: Vec<i64> = versions.iter().map(|(model_id, _)| *model_id).collect();
    let numbers: Vec<i64> = versions
        .iter()
        .map(|(_, version)| version.version as i64)
        .collect();
    let position: HashMap<(i64, i64), usize> = model_ids
        .iter()
        .zip(&numbers)
        .enumerate()
        .map(|(index, (model_id, number))| ((*model_id, *number), index))
        .collect();
    let wanted = "(model_id, version) IN (SELECT * FROM unnest($1::int8[], $2::int8[]))";
    for row in query(
        db,
        &format!("SELECT model_id, version, key, value FROM model_version_tags WHERE {wanted}"),
        args![model_ids, numbers],
    )? {
        if let Some(&index) = position.get(&(row.get(0), row.get(1))) {
            versions[index]
                .1
                .tags
                .push(Tag::new(row.get::<_, String>(2), row.get::<_, String>(3)));
        }
    }
    for row in query(
        db,
        &format!("SELECT model_id, version, alias FROM model_aliases WHERE {wanted}"),
        args![model_ids, numbers],
    )? {
        if let Some(&index) = position.get(&(row.get(0), row.get(1))) {
            versions[index].1.aliases.push(row.get(2));
        }
    }
    for (_, version) in versions.iter_mut() {
        version.tags.sort_by(|a, b| a.key.cmp(&b.key));
        version.aliases.sort();
    }
    Ok(())
}

/// A version from a row of [`VERSION_COLUMNS`] (tags and aliases empty).
fn version_row(name: &str, row: &Row) -> ModelVersion {
    let stage: String = row.get(5);
    let status: String = row.get(10);
    ModelVersion {
        name: name.to_string(),
        version: row.get::<_, i64>(1).unsigned_abs(),
        creation_time_ms: row.get(2),
        last_updated_time_ms: row.get(3),
        user_id: row.get(4),
        current_stage: ModelStage::parse(&stage).unwrap_or(ModelStage::None),
        description: row.get(6),
        source: row.get(7),
        run_id: row.get(8),
        run_link: row.get(9),
        status: ModelVersionStatus::parse(&status).unwrap_or(ModelVersionStatus::Ready),
        status_message: row.get(11),
        logged_model_id: row.get(12),
        tags: Vec::new(),
        aliases: Vec::new(),
    }
}

/// The registry history of a model name, oldest first.
pub(super) fn history(
    db: &mut Transaction<'_>,
    name: &str,
) -> StoreResult<Vec<RegistryHistoryEntry>> {
    let rows = query(
        db,
        "SELECT model_name, version, action, from_stage, to_stage, alias, user_id, time_ms,
                comment, origin, gate_report
         FROM registry_history WHERE model_name = $1 ORDER BY id",
        args![name],
    )?;
    Ok(rows
        .iter()
        .map(|row| {
            let action: String = row.get(2);
            let from: Option<String> = row.get(3);
            let to: Option<String> = row.get(4);
            RegistryHistoryEntry {
                model_name: row.get(0),
                version: row.get::<_, Option<i64>>(1).map(i64::unsigned_abs),
                change: RegistryChange::parse(&action).unwrap_or(RegistryChange::Transition),
                from_stage: from.as_deref().and_then(ModelStage::parse),
                to_stage: to.as_deref().and_then(ModelStage::parse),
                alias: row.get(5),
                user_id: row.get(6),
                time_ms: row.get(7),
                comment: row.get(8),
                origin: row.get(9),
                gate_report: row.get(10),
            }
        })
        .collect())
}
