//! The store contract: what every [`Store`] must do, with MLflow's semantics, written once
//! against `&dyn Store` and instantiated for each backend by [`contract_suite!`].
//!
//! Each test gets a fresh store in its own temporary directory (never the user's data dir).
//! A new backend is one more `contract_suite!` block at the bottom of this file; a new test is a
//! `pub(crate) fn name(store: &dyn Store)` in one of the `store_contract/*.rs` modules plus its
//! name in the list below, under the store trait it checks (an unlisted test is dead code, which
//! the compiler points out). The indexer's writes have their own suite in `import_contract.rs`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::type_complexity,
    reason = "test code: a store operation that fails unexpectedly should stop the test with its error, and data-driven tables spell out their row types"
)]

use cairn_core::model::{
    ExperimentId, LogBatch, MetricPoint, NamedMetricPoint, NewExperiment, NewRun, Param, Run,
    SourceKind, Tag,
};
use cairn_core::{PostgresStore, SqliteStore, Store};
use tempfile::TempDir;

/// Fails unless `result` is an error matching `pattern`; returns the error.
macro_rules! assert_err {
    ($result:expr, $pattern:pat $(if $guard:expr)? $(,)?) => {
        match $result {
            Err(error) if matches!(&error, $pattern $(if $guard)?) => error,
            other => panic!(
                "expected Err({}), got {:?}",
                stringify!($pattern),
                other
            ),
        }
    };
}

#[path = "store_contract/experiments.rs"]
mod experiments;
#[path = "store_contract/grouping.rs"]
mod grouping;
#[path = "store_contract/histories.rs"]
mod histories;
#[path = "store_contract/logging.rs"]
mod logging;
#[path = "store_contract/long_values.rs"]
mod long_values;
#[path = "store_contract/monitoring.rs"]
mod monitoring;
#[path = "store_contract/provenance.rs"]
mod provenance;
#[path = "store_contract/registry.rs"]
mod registry;
#[path = "store_contract/runs.rs"]
mod runs;
#[path = "store_contract/search.rs"]
mod search;
#[path = "store_contract/serving.rs"]
mod serving;

/// A store under test and whatever keeps it alive (its temporary directory).
pub(crate) struct Backend {
    _dir: TempDir,
    store: Box<dyn Store>,
}

impl Backend {
    /// A [`SqliteStore`] on a real file in a fresh temporary directory.
    fn sqlite() -> Backend {
        let dir = tempfile::tempdir().expect("creating a temporary directory");
        let path = dir.path().join("contract.db");
        let store = SqliteStore::open(&path).expect("opening a fresh SQLite store");
        assert!(
            store.database_path().starts_with(dir.path()),
            "the store must stay in the temp dir"
        );
        assert!(
            store.artifact_root().starts_with(dir.path()),
            "artifacts must stay in the temp dir"
        );
        Backend {
            _dir: dir,
            store: Box::new(store),
        }
    }

    /// A [`PostgresStore`] on a fresh database of the throwaway test cluster, its artifacts in a
    /// fresh temporary directory.
    fn postgres() -> Backend {
        let dir = tempfile::tempdir().expect("creating a temporary directory");
        let url = cairn_test_support::postgres::fresh_database();
        let store = PostgresStore::connect(&url, &dir.path().join("artifacts"))
            .expect("connecting to a fresh PostgreSQL database");
        Backend {
            _dir: dir,
            store: Box::new(store),
        }
    }

    fn store(&self) -> &dyn Store {
        &*self.store
    }
}

/// Instantiates every contract test for one backend: `backend_name => constructor;` then, per
/// store trait (`cairn_core::TrackingStore`, `RunSearchStore`, …), the tests of that trait by
/// the module they are written in. `cargo test --test store_contract sqlite::registry::` runs
/// one trait's contract, so a new backend can be brought up one trait at a time.
macro_rules! contract_suite {
    (
        $backend:ident => $make:expr;
        $($store_trait:ident { $($module:ident: [$($test:ident),* $(,)?])* })*
    ) => {
        mod $backend {
            $(
                mod $store_trait {
                    $(
                        mod $module {
                            $(
                                #[test]
                                fn $test() {
                                    let backend = $make;
                                    crate::$module::$test(backend.store());
                                }
                            )*
                        }
                    )*
                }
            )*
        }
    };
}

contract_suite! {
    sqlite => crate::Backend::sqlite();
    tracking {
        experiments: [
            default_experiment_exists,
            create_get_and_get_by_name,
            experiment_names_are_validated,
            duplicate_experiment_name_is_rejected,
            list_is_sorted_by_name_with_active_run_counts_and_views,
            rename_experiment,
            renaming_a_deleted_experiment_is_refused,
            delete_and_restore_experiment,
            deleting_an_experiment_deletes_its_runs_and_restoring_restores_them,
            default_experiment_cannot_be_deleted,
            experiment_tags_upsert_and_are_validated,
            tagging_a_deleted_experiment_is_refused,
            experiment_id_is_kept_when_free_and_replaced_when_taken,
        ]
        runs: [
            created_run_gets_a_random_32_hex_id_and_mlflow_defaults,
            given_run_id_is_kept_and_duplicates_refused,
            run_ids_are_validated,
            run_name_follows_mlflow_rules,
            runs_in_missing_or_deleted_experiments_are_refused,
            missing_run_is_not_found,
            update_run_changes_status_end_time_and_name,
            run_name_tag_renames_the_run,
            delete_and_restore_run,
            writes_to_a_deleted_run_are_refused,
            finished_run_still_accepts_writes,
            parent_run_id_is_kept,
            run_moves_into_another_experiment,
            concurrent_writers_lose_nothing,
        ]
        logging: [
            params_are_immutable,
            a_failed_batch_stores_nothing,
            log_batches_is_atomic_across_runs,
            tags_upsert_and_delete,
            batch_limits,
            duplicate_param_key_in_one_batch_is_refused,
            keys_are_validated_everywhere,
            value_lengths_are_validated,
            metric_timestamps_must_not_be_negative,
            latest_metric_follows_mlflow_rule,
            latest_metric_keeps_special_values,
        ]
        histories: [
            special_values_survive_bit_for_bit_on_every_path,
            one_point_per_call_through_tail_and_compaction,
            batches_of_63_and_64_points,
            one_append_of_10000_points,
            mixed_writes_interleave_in_logging_order,
            histories_survive_finishing_the_run,
            batch_with_interleaved_keys_keeps_each_order,
            missing_history_is_empty,
            history_ranges_page_through_chunks_and_tail,
            visited_history_streams_the_same_points_in_stretches,
            histories_record_whether_they_are_in_mlflow_order,
            exact_repeats_are_stored_once,
        ]
        serving: [
            run_inputs_are_deduplicated_and_read_back_with_tags,
            runs_io_reads_many_runs_in_the_order_asked,
            dataset_summaries_list_each_dataset_and_context_once_per_experiment,
            experiment_tags_can_be_removed,
        ]
    }
    run_search {
        search: [
            filters_and_order_by,
            nan_latest_is_filtered_out_and_sorted_after_values,
            pages_cross_from_values_to_nan_to_missing,
            paging_and_count_total,
            slices_hand_over_the_page_in_order,
            view_types_and_experiment_restriction,
            max_results_bounds,
        ]
        long_values: [
            values_at_the_length_limits_are_stored_and_found,
            dataset_fields_are_stored_to_their_limits_and_refused_past_them,
        ]
        grouping: [
            runs_group_by_param_value_with_a_metric_summary,
        ]
    }
    registry {
        registry: [
            create_and_get_registered_model,
            model_names_are_validated,
            versions_are_numbered_from_one_and_never_reused,
            stage_names_are_canonical,
            archive_existing_versions_follows_mlflow,
            latest_versions_are_the_highest_per_stage,
            aliases_are_set_and_moved,
            bad_aliases_are_refused,
            registry_history_records_every_change_in_order,
            gate_reports_and_alias_removals_are_in_the_history,
        ]
        serving: [
            deleted_versions_keep_their_numbers_and_lose_their_aliases,
            registry_rename_describe_tag_and_delete,
        ]
    }
    monitoring {
        monitoring: [
            reference_is_set_replaced_and_checked_against_the_version,
            batches_are_listed_in_arrival_order_and_read_whole,
            latest_batches_follow_renames_and_go_with_their_version,
        ]
    }
    logged_models {
        serving: [
            logged_models_have_ids_locations_status_params_and_tags,
            logged_model_metrics_ignore_exact_duplicates,
        ]
    }
    indexing {
        grouping: [
            index_roots_are_listed_watched_and_removed,
        ]
    }
    provenance {
        provenance: [
            git_provenance_round_trips_and_is_replaced,
            data_hashes_round_trip_sorted_and_replaced_by_path,
            provenance_of_missing_run_is_refused,
            untracked_file_names_with_newlines_round_trip,
        ]
        serving: [
            artifact_index_records_updates_and_forgets_folders,
        ]
    }
}

contract_suite! {
    postgres => crate::Backend::postgres();
    tracking {
        experiments: [
            default_experiment_exists,
            create_get_and_get_by_name,
            experiment_names_are_validated,
            duplicate_experiment_name_is_rejected,
            list_is_sorted_by_name_with_active_run_counts_and_views,
            rename_experiment,
            renaming_a_deleted_experiment_is_refused,
            delete_and_restore_experiment,
            deleting_an_experiment_deletes_its_runs_and_restoring_restores_them,
            default_experiment_cannot_be_deleted,
            experiment_tags_upsert_and_are_validated,
            tagging_a_deleted_experiment_is_refused,
            experiment_id_is_kept_when_free_and_replaced_when_taken,
        ]
        runs: [
            created_run_gets_a_random_32_hex_id_and_mlflow_defaults,
            given_run_id_is_kept_and_duplicates_refused,
            run_ids_are_validated,
            run_name_follows_mlflow_rules,
            runs_in_missing_or_deleted_experiments_are_refused,
            missing_run_is_not_found,
            update_run_changes_status_end_time_and_name,
            run_name_tag_renames_the_run,
            delete_and_restore_run,
            writes_to_a_deleted_run_are_refused,
            finished_run_still_accepts_writes,
            parent_run_id_is_kept,
            run_moves_into_another_experiment,
            concurrent_writers_lose_nothing,
        ]
        logging: [
            params_are_immutable,
            a_failed_batch_stores_nothing,
            log_batches_is_atomic_across_runs,
            tags_upsert_and_delete,
            batch_limits,
            duplicate_param_key_in_one_batch_is_refused,
            keys_are_validated_everywhere,
            value_lengths_are_validated,
            metric_timestamps_must_not_be_negative,
            latest_metric_follows_mlflow_rule,
            latest_metric_keeps_special_values,
        ]
        histories: [
            special_values_survive_bit_for_bit_on_every_path,
            one_point_per_call_through_tail_and_compaction,
            batches_of_63_and_64_points,
            one_append_of_10000_points,
            mixed_writes_interleave_in_logging_order,
            histories_survive_finishing_the_run,
            batch_with_interleaved_keys_keeps_each_order,
            missing_history_is_empty,
            history_ranges_page_through_chunks_and_tail,
            visited_history_streams_the_same_points_in_stretches,
            histories_record_whether_they_are_in_mlflow_order,
            exact_repeats_are_stored_once,
        ]
        serving: [
            run_inputs_are_deduplicated_and_read_back_with_tags,
            runs_io_reads_many_runs_in_the_order_asked,
            dataset_summaries_list_each_dataset_and_context_once_per_experiment,
            experiment_tags_can_be_removed,
        ]
    }
    indexing {
        grouping: [
            index_roots_are_listed_watched_and_removed,
        ]
    }
    provenance {
        provenance: [
            git_provenance_round_trips_and_is_replaced,
            data_hashes_round_trip_sorted_and_replaced_by_path,
            provenance_of_missing_run_is_refused,
            untracked_file_names_with_newlines_round_trip,
        ]
        serving: [
            artifact_index_records_updates_and_forgets_folders,
        ]
    }
    run_search {
        search: [
            filters_and_order_by,
            nan_latest_is_filtered_out_and_sorted_after_values,
            pages_cross_from_values_to_nan_to_missing,
            paging_and_count_total,
            slices_hand_over_the_page_in_order,
            view_types_and_experiment_restriction,
            max_results_bounds,
        ]
        long_values: [
            values_at_the_length_limits_are_stored_and_found,
            dataset_fields_are_stored_to_their_limits_and_refused_past_them,
        ]
        grouping: [
            runs_group_by_param_value_with_a_metric_summary,
        ]
    }
    registry {
        registry: [
            create_and_get_registered_model,
            model_names_are_validated,
            versions_are_numbered_from_one_and_never_reused,
            stage_names_are_canonical,
            archive_existing_versions_follows_mlflow,
            latest_versions_are_the_highest_per_stage,
            aliases_are_set_and_moved,
            bad_aliases_are_refused,
            registry_history_records_every_change_in_order,
            gate_reports_and_alias_removals_are_in_the_history,
        ]
        serving: [
            deleted_versions_keep_their_numbers_and_lose_their_aliases,
            registry_rename_describe_tag_and_delete,
        ]
    }
    monitoring {
        monitoring: [
            reference_is_set_replaced_and_checked_against_the_version,
            batches_are_listed_in_arrival_order_and_read_whole,
            latest_batches_follow_renames_and_go_with_their_version,
        ]
    }
    logged_models {
        serving: [
            logged_models_have_ids_locations_status_params_and_tags,
            logged_model_metrics_ignore_exact_duplicates,
        ]
    }
}

// ---------------------------------------------------------------------------------------------
// Helpers shared by the contract modules.

/// A fixed base time (2023-11-14T22:13:20Z) so that tests do not depend on the clock.
pub(crate) const T0: i64 = 1_700_000_000_000;

/// Creates an experiment named `name` and returns its id.
pub(crate) fn experiment(store: &dyn Store, name: &str) -> ExperimentId {
    store
        .create_experiment(&NewExperiment {
            name: name.to_string(),
            ..NewExperiment::default()
        })
        .unwrap_or_else(|error| panic!("creating experiment {name}: {error}"))
}

/// A run named `name` in `experiment_id`, started at `start_time_ms`.
pub(crate) fn new_run(experiment_id: ExperimentId, name: &str, start_time_ms: i64) -> NewRun {
    NewRun {
        run_name: name.to_string(),
        start_time_ms: Some(start_time_ms),
        user_id: "tester".to_string(),
        ..NewRun::new(experiment_id, SourceKind::MlflowApi)
    }
}

/// Creates a run named `name` in the Default experiment and returns its id.
pub(crate) fn run(store: &dyn Store, name: &str) -> String {
    create_run(store, ExperimentId::DEFAULT, name, T0)
}

/// Creates a run and returns its id.
pub(crate) fn create_run(
    store: &dyn Store,
    experiment_id: ExperimentId,
    name: &str,
    start_time_ms: i64,
) -> String {
    store
        .create_run(&new_run(experiment_id, name, start_time_ms))
        .unwrap_or_else(|error| panic!("creating run {name}: {error}"))
        .info
        .run_id
}

pub(crate) fn point(step: i64, timestamp_ms: i64, value: f64) -> MetricPoint {
    MetricPoint {
        step,
        timestamp_ms,
        value,
    }
}

pub(crate) fn metric(key: &str, step: i64, timestamp_ms: i64, value: f64) -> NamedMetricPoint {
    NamedMetricPoint {
        key: key.to_string(),
        point: point(step, timestamp_ms, value),
    }
}

pub(crate) fn param(key: &str, value: &str) -> Param {
    Param {
        key: key.to_string(),
        value: value.to_string(),
    }
}

pub(crate) fn params(batch: &[(&str, &str)]) -> LogBatch {
    LogBatch {
        params: batch.iter().map(|(key, value)| param(key, value)).collect(),
        ..LogBatch::default()
    }
}

pub(crate) fn tags(batch: &[(&str, &str)]) -> LogBatch {
    LogBatch {
        tags: batch
            .iter()
            .map(|(key, value)| Tag::new(*key, *value))
            .collect(),
        ..LogBatch::default()
    }
}

pub(crate) fn metrics(key: &str, points: &[MetricPoint]) -> LogBatch {
    LogBatch {
        metrics: points
            .iter()
            .map(|point| NamedMetricPoint {
                key: key.to_string(),
                point: *point,
            })
            .collect(),
        ..LogBatch::default()
    }
}

/// The value of tag `key` of a run.
pub(crate) fn tag_value<'a>(run: &'a Run, key: &str) -> Option<&'a str> {
    run.tags
        .iter()
        .find(|tag| tag.key == key)
        .map(|tag| tag.value.as_str())
}

/// The value of param `key` of a run.
pub(crate) fn param_value<'a>(run: &'a Run, key: &str) -> Option<&'a str> {
    run.params
        .iter()
        .find(|param| param.key == key)
        .map(|param| param.value.as_str())
}

/// Asserts that a history is `expected`, bit for bit, naming the first difference.
pub(crate) fn assert_same_history(actual: &[MetricPoint], expected: &[MetricPoint], context: &str) {
    if let Some(index) = actual
        .iter()
        .zip(expected)
        .position(|(actual, expected)| !actual.same_bits(expected))
    {
        panic!(
            "{context}: point {index} differs: got {:?} (bits {:#018x}), expected {:?} (bits {:#018x})",
            actual[index],
            actual[index].value.to_bits(),
            expected[index],
            expected[index].value.to_bits(),
        );
    }
    assert_eq!(
        actual.len(),
        expected.len(),
        "{context}: history has {} points, expected {}",
        actual.len(),
        expected.len()
    );
}

/// `n` deterministic points: steps mostly increasing (with repeats, jumps and a few negative),
/// timestamps with jitter, and values that include NaN payloads, infinities and -0.0.
pub(crate) fn sample_points(n: usize) -> Vec<MetricPoint> {
    let specials = [
        f64::NAN,
        f64::from_bits(0x7ff8_0000_dead_beef),
        f64::from_bits(0xfff8_0000_0000_0000),
        f64::from_bits(0x7ff0_0000_0000_0001),
        f64::INFINITY,
        f64::NEG_INFINITY,
        -0.0,
        0.0,
        f64::MIN_POSITIVE,
        f64::from_bits(1),
        f64::MAX,
        f64::MIN,
    ];
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    (0..n)
        .map(|index| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let i = index as i64;
            let step = match index % 500 {
                7 => -i,
                13 => i / 2,
                _ => i + (i / 100) * 1000,
            };
            let timestamp_ms = T0 + i * 37 + (state >> 60) as i64;
            let value = if index % 97 == 5 {
                specials[(index / 97) % specials.len()]
            } else if index % 3 == 0 {
                f64::from(((state >> 40) as f32) / 7.0)
            } else {
                (state >> 11) as f64 / (1u64 << 53) as f64 - 0.5
            };
            point(step, timestamp_ms, value)
        })
        .collect()
}

/// White-box check that the sizes in `store_contract/histories.rs` really take each storage
/// path of the SQLite store: a tail of single points compacted into a chunk at 256, a direct
/// chunk from 64 points in one write, chunks of at most 4096 points, and compaction when the
/// run ends. If these thresholds change, change the sizes in the history tests with them.
mod sqlite_storage_paths {
    use std::path::Path;

    use cairn_core::model::{RunStatus, RunUpdate};
    use cairn_core::{SqliteStore, Store};

    use crate::{metrics, run, sample_points};

    /// (tail_count recorded on the series, rows in metric_tail, point counts of the chunks in order)
    fn layout(database: &Path, run_id: &str, key: &str) -> (i64, i64, Vec<i64>) {
        let db = rusqlite::Connection::open_with_flags(
            database,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )
        .unwrap();
        let (series_id, tail_count): (i64, i64) = db
            .query_row(
                "SELECT s.id, s.tail_count FROM metric_series s JOIN runs r ON r.id = s.run_id
                 WHERE r.run_uuid = ?1 AND s.key = ?2",
                [run_id, key],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .unwrap();
        let tail_rows: i64 = db
            .query_row(
                "SELECT count(*) FROM metric_tail WHERE series_id = ?1",
                [series_id],
                |row| row.get(0),
            )
            .unwrap();
        let chunks = db
            .prepare("SELECT point_count FROM metric_chunks WHERE series_id = ?1 ORDER BY seq")
            .unwrap()
            .query_map([series_id], |row| row.get(0))
            .unwrap()
            .collect::<Result<Vec<i64>, _>>()
            .unwrap();
        (tail_count, tail_rows, chunks)
    }

    #[test]
    fn history_sizes_cover_every_storage_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("paths.db");
        let store = SqliteStore::open(&path).unwrap();
        let store: &dyn Store = &store;
        let id = run(store, "paths");
        let source = sample_points(10_000);

        for (index, single) in source[..255].iter().enumerate() {
            store
                .log_batch(&id, &metrics("singles", &[*single]))
                .unwrap();
            assert_eq!(
                layout(&path, &id, "singles"),
                (index as i64 + 1, index as i64 + 1, vec![])
            );
        }
        store
            .log_batch(&id, &metrics("singles", &source[255..256]))
            .unwrap();
        assert_eq!(
            layout(&path, &id, "singles"),
            (0, 0, vec![256]),
            "compacted at 256"
        );
        store
            .log_batch(&id, &metrics("singles", &source[256..257]))
            .unwrap();
        assert_eq!(layout(&path, &id, "singles"), (1, 1, vec![256]));

        store
            .log_batch(&id, &metrics("batch63", &source[..63]))
            .unwrap();
        assert_eq!(
            layout(&path, &id, "batch63"),
            (63, 63, vec![]),
            "63 points go to the tail"
        );
        store
            .log_batch(&id, &metrics("batch64", &source[..64]))
            .unwrap();
        assert_eq!(
            layout(&path, &id, "batch64"),
            (0, 0, vec![64]),
            "64 points make a chunk"
        );
        store
            .log_batch(&id, &metrics("batch63", &source[63..127]))
            .unwrap();
        assert_eq!(
            layout(&path, &id, "batch63"),
            (0, 0, vec![127]),
            "the tail joins the chunk"
        );

        store.append_metric(&id, "append", &source).unwrap();
        assert_eq!(layout(&path, &id, "append"), (0, 0, vec![4096, 4096, 1808]));

        store
            .update_run(
                &id,
                &RunUpdate {
                    status: Some(RunStatus::Finished),
                    ..RunUpdate::default()
                },
            )
            .unwrap();
        assert_eq!(
            layout(&path, &id, "singles"),
            (0, 0, vec![256, 1]),
            "compacted at the end"
        );
        assert_eq!(layout(&path, &id, "batch63"), (0, 0, vec![127]));
    }
}
