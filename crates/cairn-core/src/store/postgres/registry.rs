//! The model registry's main writes in PostgreSQL, with MLflow's semantics: registered models,
//! numbered versions, stage moves (archiving the others when asked), aliases, and the history
//! row every change leaves. Writers of one model lock its row, so two new versions never get the
//! same number and two stage moves never interleave.

use postgres::Transaction;

use crate::error::{StoreError, StoreResult};
use crate::model::{
    ModelStage, ModelVersion, NewModelVersion, RegisteredModel, RegistryChange,
    RegistryHistoryEntry, StageTransition, Tag,
};
use crate::time::now_millis;
use crate::validate;

use super::key_values::last_value_per_key;
use super::registry_read::{get_model, get_version, lock_model, version_number};
use super::sql::{args, execute, query, query_one, query_opt};

pub(super) fn create_model(
    tx: &mut Transaction<'_>,
    name: &str,
    description: &str,
    tags: &[Tag],
) -> StoreResult<RegisteredModel> {
    validate::check_model_name(name)?;
    tags.iter().try_for_each(validate::check_tag)?;
    let now = now_millis();
    let created = query_opt(
        tx,
        "INSERT INTO registered_models (name, description, creation_time_ms, last_updated_time_ms)
         VALUES ($1, $2, $3, $3) ON CONFLICT (name) DO NOTHING RETURNING id",
        args![name, description, now],
    )?;
    let Some(created) = created else {
        return Err(StoreError::ModelExists {
            name: name.to_string(),
        });
    };
    let model_id: i64 = created.get(0);
    let (keys, values) = last_value_per_key(tags.iter().map(|tag| (&tag.key, &tag.value)));
    execute(
        tx,
        "INSERT INTO registered_model_tags (model_id, key, value)
         SELECT $1, key, value FROM unnest($2::text[], $3::text[]) AS t (key, value)",
        args![model_id, keys, values],
    )?;
    get_model(tx, name)
}

pub(super) fn create_version(
    tx: &mut Transaction<'_>,
    new: &NewModelVersion,
) -> StoreResult<ModelVersion> {
    let model_id = lock_model(tx, &new.name)?;
    new.tags.iter().try_for_each(validate::check_tag)?;
    let now = now_millis();
    // The model's row is locked, so max + 1 is this version's alone; deleted versions count,
    // so a number is never given twice.
    let number: i64 = query_one(
        tx,
        "INSERT INTO model_versions
               (model_id, version, creation_time_ms, last_updated_time_ms, user_id, description,
                source, run_uuid, run_link, status, logged_model_id)
             SELECT $1, COALESCE(MAX(version), 0) + 1, $2, $2, $3, $4, $5, $6, $7, 'READY', $8
             FROM model_versions WHERE model_id = $1
             RETURNING version",
        args![
            model_id,
            now,
            new.user_id,
            new.description,
            new.source,
            new.run_id,
            new.run_link,
            new.logged_model_id,
        ],
    )?
    .try_get(0)?;
    let (keys, values) = last_value_per_key(new.tags.iter().map(|tag| (&tag.key, &tag.value)));
    execute(
        tx,
        "INSERT INTO model_version_tags (model_id, version, key, value)
         SELECT $1, $2, key, value FROM unnest($3::text[], $4::text[]) AS t (key, value)",
        args![model_id, number, keys, values],
    )?;
    touch_model(tx, model_id, now)?;
    let version = number.unsigned_abs();
    record(
        tx,
        &[RegistryHistoryEntry {
            model_name: new.name.clone(),
            version: Some(version),
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
        }],
    )?;
    get_version(tx, model_id, &new.name, version)
}

pub(super) fn transition(
    tx: &mut Transaction<'_>,
    request: &StageTransition,
) -> StoreResult<ModelVersion> {
    let name = request.name.as_str();
    let model_id = lock_model(tx, name)?;
    let current = get_version(tx, model_id, name, request.version)?;
    let number = version_number(name, request.version)?;
    let now = now_millis();
    let mut entries = Vec::new();
    let archives_others = request.archive_existing_versions
        && matches!(request.stage, ModelStage::Staging | ModelStage::Production);
    if archives_others {
        let mut archived: Vec<i64> = query(
            tx,
            "UPDATE model_versions SET current_stage = 'Archived', last_updated_time_ms = $4
                 WHERE model_id = $1 AND current_stage = $2 AND version <> $3 AND NOT deleted
                 RETURNING version",
            args![model_id, request.stage.as_str(), number, now],
        )?
        .iter()
        .map(|row| row.try_get(0))
        .collect::<Result<_, _>>()?;
        archived.sort_unstable();
        entries.extend(archived.into_iter().map(|other| RegistryHistoryEntry {
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
        }));
    }
    execute(
        tx,
        "UPDATE model_versions SET current_stage = $3, last_updated_time_ms = $4
         WHERE model_id = $1 AND version = $2",
        args![model_id, number, request.stage.as_str(), now],
    )?;
    touch_model(tx, model_id, now)?;
    entries.push(RegistryHistoryEntry {
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
    });
    record(tx, &entries)?;
    get_version(tx, model_id, name, request.version)
}

pub(super) fn set_alias(
    tx: &mut Transaction<'_>,
    name: &str,
    alias: &str,
    version: u64,
    user_id: &str,
    origin: &str,
) -> StoreResult<()> {
    validate::check_alias(alias)?;
    let model_id = lock_model(tx, name)?;
    get_version(tx, model_id, name, version)?;
    let number = version_number(name, version)?;
    // The CTE reads the alias as it was before the upsert.
    let previous: Option<i64> = query_one(
        tx,
        "WITH before AS (
                 SELECT version FROM model_aliases WHERE model_id = $1 AND alias = $2
             ), upsert AS (
                 INSERT INTO model_aliases (model_id, alias, version) VALUES ($1, $2, $3)
                 ON CONFLICT (model_id, alias) DO UPDATE SET version = excluded.version
             )
             SELECT (SELECT version FROM before)",
        args![model_id, alias, number],
    )?
    .try_get(0)?;
    let now = now_millis();
    touch_model(tx, model_id, now)?;
    record(
        tx,
        &[RegistryHistoryEntry {
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
        }],
    )
}

/// Appends entries to the registry history, in order, in one statement.
pub(super) fn record(
    tx: &mut Transaction<'_>,
    entries: &[RegistryHistoryEntry],
) -> StoreResult<()> {
    if entries.is_empty() {
        return Ok(());
    }
    let column = |field: fn(&RegistryHistoryEntry) -> Option<String>| -> Vec<Option<String>> {
        entries.iter().map(field).collect()
    };
    let names = column(|entry| Some(entry.model_name.clone()));
    let versions: Vec<Option<i64>> = entries
        .iter()
        .map(|entry| {
            entry
                .version
                .and_then(|version| i64::try_from(version).ok())
        })
        .collect();
    let actions = column(|entry| Some(entry.change.as_str().to_owned()));
    let from = column(|entry| entry.from_stage.map(|stage| stage.as_str().to_owned()));
    let to = column(|entry| entry.to_stage.map(|stage| stage.as_str().to_owned()));
    let aliases = column(|entry| entry.alias.clone());
    let users = column(|entry| Some(entry.user_id.clone()));
    let times: Vec<i64> = entries.iter().map(|entry| entry.time_ms).collect();
    let comments = column(|entry| Some(entry.comment.clone()));
    let origins = column(|entry| Some(entry.origin.clone()));
    let reports = column(|entry| entry.gate_report.clone());
    execute(
        tx,
        "INSERT INTO registry_history
           (model_name, version, action, from_stage, to_stage, alias, user_id, time_ms, comment,
            origin, gate_report)
         SELECT model_name, version, action, from_stage, to_stage, alias, user_id, time_ms,
                comment, origin, gate_report
         FROM unnest($1::text[], $2::int8[], $3::text[], $4::text[], $5::text[], $6::text[],
                     $7::text[], $8::int8[], $9::text[], $10::text[], $11::text[])
              WITH ORDINALITY AS e (model_name, version, action, from_stage, to_stage, alias,
                                    user_id, time_ms, comment, origin, gate_report, position)
         ORDER BY position",
        args![
            names, versions, actions, from, to, aliases, users, times, comments, origins, reports
        ],
    )?;
    Ok(())
}

/// Marks a registered model as changed now.
pub(super) fn touch_model(tx: &mut Transaction<'_>, model_id: i64, now: i64) -> StoreResult<()> {
    execute(
        tx,
        "UPDATE registered_models SET last_updated_time_ms = $2 WHERE id = $1",
        args![model_id, now],
    )?;
    Ok(())
}
