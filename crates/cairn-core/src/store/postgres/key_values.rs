//! Key-value pairs (tags, params) as the two text arrays a multi-row `unnest` insert binds.

use std::collections::HashMap;

/// One row per key holding its last value, as two columns in first-seen order: a later pair of
/// the same key replaces an earlier one, as one `SET` after another would (and as
/// `ON CONFLICT DO UPDATE`, which refuses to change one row twice in a statement, needs).
pub(super) fn last_value_per_key<'a>(
    pairs: impl IntoIterator<Item = (&'a String, &'a String)>,
) -> (Vec<String>, Vec<String>) {
    let mut keys: Vec<String> = Vec::new();
    let mut values: Vec<String> = Vec::new();
    let mut index_of: HashMap<&'a str, usize> = HashMap::new();
    for (key, value) in pairs {
        match index_of.get(key.as_str()) {
            Some(&index) => values[index].clone_from(value),
            None => {
                index_of.insert(key, keys.len());
                keys.push(key.clone());
                values.push(value.clone());
            }
        }
    }
    (keys, values)
}
