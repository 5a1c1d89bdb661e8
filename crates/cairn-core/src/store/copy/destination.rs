//! What a copy may write into: an empty store, or one holding an earlier copy of the same source
//! (so that a copy resumes). Runs keep their experiment's id and versions their number, so a
//! destination whose experiment of that id has another name, or whose registered model of that
//! name has other versions, would get the source's runs filed under the wrong experiment and
//! its versions replaced: such a destination is refused before anything is written.

use std::collections::HashMap;

use crate::error::{StoreError, StoreResult};
use crate::model::ViewType;
use crate::store::Store;

/// Conflicts named in the refusal, at most.
const NAMED: usize = 5;

/// Fails, naming what differs, when `destination` holds experiments or registered model versions
/// that are not `source`'s.
pub fn check_destination(source: &dyn Store, destination: &dyn Store) -> StoreResult<()> {
    let mut conflicts = Vec::new();
    let ours: HashMap<i64, String> = source
        .list_experiments(ViewType::All)?
        .into_iter()
        .map(|summary| (summary.experiment.experiment_id.0, summary.experiment.name))
        .collect();
    for summary in destination.list_experiments(ViewType::All)? {
        let theirs = &summary.experiment;
        match ours.get(&theirs.experiment_id.0) {
            Some(name) if *name == theirs.name => {}
            Some(name) => conflicts.push(format!(
                "experiment {} is '{}' there and '{name}' in the source",
                theirs.experiment_id.0, theirs.name
            )),
            None if summary.active_run_count == 0 && theirs.experiment_id.0 == 0 => {}
            None => conflicts.push(format!(
                "experiment {} '{}' ({} active runs) is not the source's",
                theirs.experiment_id.0, theirs.name, summary.active_run_count
            )),
        }
    }
    let source_models: HashMap<String, ()> = source
        .list_registered_models()?
        .into_iter()
        .map(|model| (model.name, ()))
        .collect();
    for model in destination.list_registered_models()? {
        if !source_models.contains_key(&model.name) {
            continue;
        }
        let mine: HashMap<u64, (String, Option<String>)> = source
            .list_model_versions(&model.name)?
            .into_iter()
            .map(|version| (version.version, (version.source, version.run_id)))
            .collect();
        for version in destination.list_model_versions(&model.name)? {
            let same = mine.get(&version.version)
                == Some(&(version.source.clone(), version.run_id.clone()));
            if !same {
                conflicts.push(format!(
                    "registered model '{}' version {} there is not the source's",
                    model.name, version.version
                ));
            }
        }
    }
    if conflicts.is_empty() {
        return Ok(());
    }
    let more = conflicts.len().saturating_sub(NAMED);
    let mut named = conflicts
        .into_iter()
        .take(NAMED)
        .collect::<Vec<_>>()
        .join("; ");
    if more > 0 {
        named.push_str(&format!("; and {more} more"));
    }
    Err(StoreError::invalid(
        "destination",
        format!(
            "the destination holds data that is not from the source, which the copy would mix \
             or overwrite ({named}); nothing was written: copy into an empty store, or into an \
             earlier copy of this one"
        ),
    ))
}
