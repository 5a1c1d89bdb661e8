//! Where a local run went: the local tag [`PUSHED_TO_TAG`] holds a JSON object mapping each
//! server (its URL without credentials) to the id of the run there, e.g.
//! `{"https://mlflow.team.example": "8a3f..."}`. Written through the store's ordinary tag API
//! after a push succeeds; read first by the next push, which then needs no search.

use anyhow::Context;
use cairn_core::Store;
use cairn_core::model::{LogBatch, Run, Tag};
use serde_json::{Map, Value};

/// The local tag remembering a run's pushes.
pub const PUSHED_TO_TAG: &str = "cairn.pushed_to";

/// Every server → server run id the tags remember (an unreadable tag remembers nothing).
pub fn pushes(tags: &[Tag]) -> Map<String, Value> {
    tags.iter()
        .find(|tag| tag.key == PUSHED_TO_TAG)
        .and_then(|tag| serde_json::from_str::<Value>(&tag.value).ok())
        .and_then(|value| match value {
            Value::Object(map) => Some(map),
            _ => None,
        })
        .unwrap_or_default()
}

/// The server run the tags remember for `server`.
pub fn remembered(tags: &[Tag], server: &str) -> Option<String> {
    pushes(tags)
        .get(server)
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// Records in the local run that it is `remote_id` on `server` (no write when it already says
/// so).
pub fn remember(store: &dyn Store, run: &Run, server: &str, remote_id: &str) -> anyhow::Result<()> {
    let mut map = pushes(&run.tags);
    if map.get(server).and_then(Value::as_str) == Some(remote_id) {
        return Ok(());
    }
    map.insert(server.to_owned(), Value::String(remote_id.to_owned()));
    let batch = LogBatch {
        tags: vec![Tag {
            key: PUSHED_TO_TAG.to_owned(),
            value: Value::Object(map).to_string(),
        }],
        ..LogBatch::default()
    };
    store
        .log_batch(&run.info.run_id, &batch)
        .with_context(|| format!("setting the tag {PUSHED_TO_TAG}"))
}

#[cfg(test)]
mod tests {
    use super::{PUSHED_TO_TAG, remembered};
    use cairn_core::model::Tag;

    #[test]
    fn the_tag_maps_servers_to_runs() {
        let tags = vec![Tag {
            key: PUSHED_TO_TAG.to_owned(),
            value: r#"{"http://a:5000":"r1","http://b":"r2"}"#.to_owned(),
        }];
        assert_eq!(remembered(&tags, "http://b").as_deref(), Some("r2"));
        assert_eq!(remembered(&tags, "http://c"), None);
        let broken = vec![Tag {
            key: PUSHED_TO_TAG.to_owned(),
            value: "not json".to_owned(),
        }];
        assert_eq!(remembered(&broken, "http://a:5000"), None);
    }
}
