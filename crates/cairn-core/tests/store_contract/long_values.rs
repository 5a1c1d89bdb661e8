//! Values at their length limits (6,000 characters for a param, 8,000 for a tag), made of
//! characters that do not compress and of several bytes each: stored whole, and found by the
//! search's `=`, `!=` and `LIKE` tests, also when two values share a long prefix. A dataset's
//! name and digest and its use's context are taken to MLflow's limits and refused past them.

use cairn_core::model::{Dataset, DatasetInput, Tag};
use cairn_core::search::parse_filter;
use cairn_core::store::RunSearch;
use cairn_core::validate::{
    MAX_DATASET_DIGEST_CHARS, MAX_DATASET_NAME_CHARS, MAX_INPUT_TAG_VALUE_CHARS,
    MAX_PARAM_VALUE_CHARS, MAX_TAG_VALUE_CHARS,
};
use cairn_core::{Store, StoreError};

use crate::{T0, create_run, experiment, param_value, params, tag_value, tags};

/// `chars` characters, deterministic from `seed`, with no quote and no LIKE wildcard: letters,
/// digits and some of several bytes in UTF-8.
fn incompressible(seed: u64, chars: usize) -> String {
    const ALPHABET: &[char] = &[
        'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'm', 'n', 'p', 'q', 'r', 's', 't',
        'u', 'v', 'w', 'x', 'y', 'z', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'J', 'K', 'L', 'M',
        '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'é', 'ß', 'Ω', 'ж', '日', '本', '語',
        '€',
    ];
    let mut state = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
    (0..chars)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let index = usize::try_from(state >> 33).unwrap_or(0) % ALPHABET.len();
            ALPHABET[index]
        })
        .collect()
}

/// The first `count` characters of `value`.
fn chars(value: &str, count: usize) -> String {
    value.chars().take(count).collect()
}

/// `value` with its last character replaced.
fn with_other_ending(value: &str) -> String {
    let mut changed: String = value.chars().take(value.chars().count() - 1).collect();
    changed.push(if value.ends_with('z') { 'y' } else { 'z' });
    changed
}

fn found(
    store: &dyn Store,
    experiment_id: cairn_core::model::ExperimentId,
    filter: &str,
) -> Vec<String> {
    let search = RunSearch {
        experiment_ids: vec![experiment_id],
        filter: parse_filter(filter).unwrap_or_else(|error| panic!("{error:?}")),
        ..RunSearch::default()
    };
    let mut names: Vec<String> = store
        .search_runs(&search)
        .unwrap_or_else(|error| panic!("searching: {error}"))
        .runs
        .into_iter()
        .map(|run| run.info.run_name)
        .collect();
    names.sort();
    names
}

pub(crate) fn values_at_the_length_limits_are_stored_and_found(store: &dyn Store) {
    let experiment_id = experiment(store, "long values");
    let long_param = incompressible(1, MAX_PARAM_VALUE_CHARS);
    let long_tag = incompressible(2, MAX_TAG_VALUE_CHARS);
    // Run b's values share all but their last character with run a's.
    let values = [
        ("a", long_param.clone(), long_tag.clone()),
        (
            "b",
            with_other_ending(&long_param),
            with_other_ending(&long_tag),
        ),
    ];
    for (name, param, tag) in &values {
        let run_id = create_run(store, experiment_id, name, T0);
        store
            .log_batch(&run_id, &params(&[("config", param)]))
            .unwrap_or_else(|error| panic!("a {}-character param: {error}", param.chars().count()));
        store
            .log_batch(&run_id, &tags(&[("notes", tag)]))
            .unwrap_or_else(|error| panic!("an {}-character tag: {error}", tag.chars().count()));
        let run = store.get_run(&run_id).unwrap();
        assert_eq!(param_value(&run, "config"), Some(param.as_str()));
        assert_eq!(tag_value(&run, "notes"), Some(tag.as_str()));
    }
    let (a_param, b_param) = (&values[0].1, &values[1].1);
    let (a_tag, b_tag) = (&values[0].2, &values[1].2);
    let prefix: String = long_param.chars().take(300).collect();
    let cases: Vec<(String, Vec<&str>)> = vec![
        (format!("params.config = '{a_param}'"), vec!["a"]),
        (format!("params.config = '{b_param}'"), vec!["b"]),
        (format!("params.config != '{a_param}'"), vec!["b"]),
        (format!("params.config LIKE '{prefix}%'"), vec!["a", "b"]),
        (format!("params.config = '{prefix}'"), vec![]),
        // As long as the indexed prefix, and shorter by one.
        (
            format!("params.config = '{}'", chars(&long_param, 200)),
            vec![],
        ),
        (
            format!("params.config = '{}'", chars(&long_param, 199)),
            vec![],
        ),
        (
            format!("params.config LIKE '{}%'", chars(&long_param, 200)),
            vec!["a", "b"],
        ),
        (format!("tags.notes = '{a_tag}'"), vec!["a"]),
        (format!("tags.notes != '{a_tag}'"), vec!["b"]),
        (format!("tags.notes = '{b_tag}'"), vec!["b"]),
        (
            format!("tags.notes = '{a_tag}' and params.config = '{a_param}'"),
            vec!["a"],
        ),
        (
            format!("tags.notes = '{a_tag}' and params.config = '{b_param}'"),
            vec![],
        ),
    ];
    for (filter, expected) in cases {
        assert_eq!(
            found(store, experiment_id, &filter),
            expected,
            "{}…",
            filter.chars().take(40).collect::<String>()
        );
    }
}

/// A dataset use whose fields are `(name, digest, context)`.
fn dataset_use(name: &str, digest: &str, context: &str) -> DatasetInput {
    DatasetInput {
        dataset: Dataset {
            name: name.to_owned(),
            digest: digest.to_owned(),
            source_type: "local".to_owned(),
            source: "{}".to_owned(),
            schema: None,
            profile: None,
        },
        tags: vec![Tag::new("mlflow.data.context", context)],
    }
}

pub(crate) fn dataset_fields_are_stored_to_their_limits_and_refused_past_them(store: &dyn Store) {
    let experiment_id = experiment(store, "datasets");
    let run_id = create_run(store, experiment_id, "trained", T0);
    let name = incompressible(3, MAX_DATASET_NAME_CHARS);
    let digest = incompressible(4, MAX_DATASET_DIGEST_CHARS);
    let context = incompressible(5, MAX_INPUT_TAG_VALUE_CHARS);
    let at_limits = dataset_use(&name, &digest, &context);
    store
        .log_run_inputs(&run_id, std::slice::from_ref(&at_limits))
        .unwrap_or_else(|error| panic!("a dataset at MLflow's limits: {error}"));
    assert_eq!(
        store.run_io(&run_id).unwrap().dataset_inputs,
        vec![at_limits]
    );
    let one_more = |text: &str| format!("{text}x");
    let past = [
        (
            dataset_use(&one_more(&name), "d", "training"),
            "name of dataset",
        ),
        (
            dataset_use("toy", &one_more(&digest), "training"),
            "digest of dataset",
        ),
        (
            dataset_use("toy", "d", &one_more(&context)),
            "value of input tag",
        ),
    ];
    for (input, field) in past {
        let error = store
            .log_run_inputs(&run_id, &[input])
            .expect_err("a field past its limit is refused");
        assert!(
            matches!(error, StoreError::Invalid { .. }) && error.to_string().contains(field),
            "{field}: {error}"
        );
    }
    assert_eq!(store.run_io(&run_id).unwrap().dataset_inputs.len(), 1);
}
