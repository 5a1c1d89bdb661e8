//! Importing a registered model read from another tool (the indexer): versions with the stages
//! the source has, tags and aliases, and the registry history of what changed (origin
//! `import`).

use postgres::Transaction;

use super::experiments::last_per_key;
use super::sql::{args, big, execute, query, query_one, query_opt};
use crate::error::StoreResult;
use crate::model::{ImportedModelVersion, ImportedRegisteredModel, ModelStage};
use crate::time::now_millis;
use crate::validate;

/// Creates or updates a registered model, its versions, tags and aliases. New versions, stage
/// changes and alias moves are written to the registry history.
pub(crate) fn import_registered_model(
    tx: &mut Transaction<'_>,
    model: &ImportedRegisteredModel,
) -> StoreResult<()> {
    validate::check_model_name(&model.name)?;
    let model_pk: i64 = query_one(
        tx,
        "INSERT INTO registered_models (name, description, creation_time_ms, last_updated_time_ms)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (name) DO UPDATE SET description = excluded.description,
             last_updated_time_ms = excluded.last_updated_time_ms
         RETURNING id",
        args![
            model.name,
            model.description,
            model.creation_time_ms,
            model.last_updated_time_ms
        ],
    )?
    .try_get(0)?;
    execute(
        tx,
        "DELETE FROM registered_model_tags WHERE model_id = $1",
        args![model_pk],
    )?;
    if !model.tags.is_empty() {
        let (keys, values) = last_per_key(&model.tags);
        execute(
            tx,
            "INSERT INTO registered_model_tags (model_id, key, value)
             SELECT $1, * FROM UNNEST($2::TEXT[], $3::TEXT[])",
            args![model_pk, keys, values],
        )?;
    }
    let now = now_millis();
    let record_changes = model.history.is_none();
    for version in &model.versions {
        import_version(tx, model_pk, &model.name, version, now, record_changes)?;
    }
    import_aliases(tx, model_pk, model, now)?;
    if let Some(entries) = &model.history {
        // The source's own history replaces whatever this store recorded of the model.
        execute(
            tx,
            "DELETE FROM registry_history WHERE model_name = $1",
            args![model.name],
        )?;
        super::registry::record(tx, entries)?;
    }
    Ok(())
}

fn import_version(
    tx: &mut Transaction<'_>,
    model_pk: i64,
    model_name: &str,
    version: &ImportedModelVersion,
    now: i64,
    record_changes: bool,
) -> StoreResult<()> {
    let number = big(version.version);
    let old_stage: Option<String> = query_opt(
        tx,
        "SELECT current_stage FROM model_versions WHERE model_id = $1 AND version = $2
         FOR UPDATE",
        args![model_pk, number],
    )?
    .map(|row| row.try_get(0))
    .transpose()?;
    let stage = version.current_stage.unwrap_or(ModelStage::None);
    let status = match version.status.as_str() {
        "PENDING_REGISTRATION" | "FAILED_REGISTRATION" | "READY" => version.status.as_str(),
        _ => "READY",
    };
    execute(
        tx,
        "INSERT INTO model_versions
           (model_id, version, creation_time_ms, last_updated_time_ms, user_id, current_stage,
            description, source, run_uuid, status, logged_model_id, storage_location, deleted)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
         ON CONFLICT (model_id, version) DO UPDATE SET
           creation_time_ms = excluded.creation_time_ms,
           last_updated_time_ms = excluded.last_updated_time_ms, user_id = excluded.user_id,
           current_stage = excluded.current_stage, description = excluded.description,
           source = excluded.source, run_uuid = excluded.run_uuid, run_link = '',
           status = excluded.status, status_message = '',
           logged_model_id = excluded.logged_model_id,
           storage_location = excluded.storage_location, deleted = excluded.deleted",
        args![
            model_pk,
            number,
            version.creation_time_ms,
            version.last_updated_time_ms,
            version.user_id,
            stage.as_str(),
            version.description,
            version.source,
            version.run_id,
            status,
            version.logged_model_id,
            version.storage_location,
            version.current_stage.is_none(),
        ],
    )?;
    execute(
        tx,
        "DELETE FROM model_version_tags WHERE model_id = $1 AND version = $2",
        args![model_pk, number],
    )?;
    if !version.tags.is_empty() {
        let (keys, values) = last_per_key(&version.tags);
        execute(
            tx,
            "INSERT INTO model_version_tags (model_id, version, key, value)
             SELECT $1, $2, * FROM UNNEST($3::TEXT[], $4::TEXT[])",
            args![model_pk, number, keys, values],
        )?;
    }
    let mut history = |action: &str, from: Option<&str>, to: Option<&str>, time_ms: i64| {
        execute(
            tx,
            "INSERT INTO registry_history
               (model_name, version, action, from_stage, to_stage, user_id, time_ms, origin)
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'import')",
            args![
                model_name,
                number,
                action,
                from,
                to,
                version.user_id,
                time_ms
            ],
        )
    };
    if !record_changes {
        return Ok(());
    }
    match old_stage {
        None => {
            history("create_version", None, None, version.creation_time_ms)?;
            if stage != ModelStage::None {
                history("transition", Some("None"), Some(stage.as_str()), now)?;
            }
        }
        Some(old) if old != stage.as_str() => {
            history("transition", Some(&old), Some(stage.as_str()), now)?;
        }
        Some(_) => {}
    }
    Ok(())
}

/// Replaces the model's aliases, recording removals and moves in the history.
fn import_aliases(
    tx: &mut Transaction<'_>,
    model_pk: i64,
    model: &ImportedRegisteredModel,
    now: i64,
) -> StoreResult<()> {
    let rows = query(
        tx,
        "DELETE FROM model_aliases WHERE model_id = $1 RETURNING alias, version",
        args![model_pk],
    )?;
    let mut old_aliases: Vec<(String, i64)> = Vec::with_capacity(rows.len());
    for row in &rows {
        old_aliases.push((row.try_get(0)?, row.try_get(1)?));
    }
    old_aliases.sort();
    let mut history: Vec<(&str, &str, i64)> = Vec::new();
    for (alias, version) in &old_aliases {
        if !model.aliases.iter().any(|(new, _)| new == alias) {
            history.push(("delete_alias", alias, *version));
        }
    }
    // The last version given for an alias wins.
    let mut aliases: Vec<(&str, i64)> = Vec::with_capacity(model.aliases.len());
    for (alias, version) in &model.aliases {
        match aliases.iter_mut().find(|(known, _)| known == alias) {
            Some(entry) => entry.1 = big(*version),
            None => aliases.push((alias, big(*version))),
        }
    }
    for (alias, version) in &aliases {
        if !old_aliases.contains(&(alias.to_string(), *version)) {
            history.push(("set_alias", alias, *version));
        }
    }
    if !history.is_empty() && model.history.is_none() {
        let actions: Vec<&str> = history.iter().map(|(action, _, _)| *action).collect();
        let names: Vec<&str> = history.iter().map(|(_, alias, _)| *alias).collect();
        let versions: Vec<i64> = history.iter().map(|(_, _, version)| *version).collect();
        execute(
            tx,
            "INSERT INTO registry_history
               (model_name, version, action, alias, user_id, time_ms, origin)
             SELECT $1, version, action, alias, '', $5, 'import'
             FROM UNNEST($2::TEXT[], $3::TEXT[], $4::BIGINT[]) WITH ORDINALITY
                  AS h (action, alias, version, n)
             ORDER BY n",
            args![model.name, actions, names, versions, now],
        )?;
    }
    if !aliases.is_empty() {
        let names: Vec<&str> = aliases.iter().map(|(alias, _)| *alias).collect();
        let versions: Vec<i64> = aliases.iter().map(|(_, version)| *version).collect();
        execute(
            tx,
            "INSERT INTO model_aliases (model_id, alias, version)
             SELECT $1, * FROM UNNEST($2::TEXT[], $3::BIGINT[])",
            args![model_pk, names, versions],
        )?;
    }
    Ok(())
}
