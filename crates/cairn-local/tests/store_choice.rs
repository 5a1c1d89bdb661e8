//! Settings → Store: where the open store came from (`app_info`), and `use_store` remembering
//! another one for the desktop shell to reopen on. Every settings file lives in a temp folder.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a failure should stop the test with its error"
)]

use cairn_app::ErrorKind;
use std::path::Path;
use std::sync::Arc;

use cairn_core::SqliteStore;
use cairn_local::{LocalApp as App, Places, StoreOrigin, StoreSource};
use serde_json::{Value, json};

fn places(dir: &Path) -> Places {
    Places {
        env_store: None,
        settings_file: Some(dir.join("config/settings.json")),
        default_store: Some(dir.join("data/cairn.db")),
    }
}

/// An app over the store `places` choose, told so, as the desktop shell makes it.
fn desktop_app(places: Places, flag: Option<&Path>) -> App {
    let location = places.locate(flag).unwrap();
    let store = SqliteStore::open(&location.path).unwrap();
    App::new(Arc::new(store))
        .with_store_source(StoreSource {
            origin: location.origin,
            places,
        })
        .with_store_switching()
}

#[test]
fn app_info_says_where_the_store_came_from() {
    let dir = tempfile::tempdir().unwrap();
    let app = desktop_app(places(dir.path()), None);
    let info = app.call("app_info", Value::Null).unwrap();
    assert_eq!(info["store_origin"], "default");
    assert_eq!(info["remembered_store"], Value::Null);
    assert_eq!(
        info["default_store"],
        dir.path().join("data/cairn.db").to_str().unwrap()
    );
    assert_eq!(
        info["settings_file"],
        dir.path().join("config/settings.json").to_str().unwrap()
    );
    assert_eq!(info["can_switch_store"], true);

    let flagged = desktop_app(places(dir.path()), Some(&dir.path().join("flag.db")));
    assert_eq!(
        flagged.call("app_info", Value::Null).unwrap()["store_origin"],
        "flag"
    );
}

#[test]
fn use_store_remembers_the_choice_and_asks_to_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let app = desktop_app(places(dir.path()), None);
    let other = dir.path().join("other");
    std::fs::create_dir_all(&other).unwrap();

    // A folder means its cairn.db, created as a store.
    let choice = app
        .call("use_store", json!({"path": other.to_str().unwrap()}))
        .unwrap();
    let chosen = other.join("cairn.db");
    assert_eq!(choice["store"], chosen.to_str().unwrap());
    assert_eq!(choice["remembered"], chosen.to_str().unwrap());
    assert_eq!(choice["reopen"], true);
    assert!(chosen.is_file());
    let info = app.call("app_info", Value::Null).unwrap();
    assert_eq!(info["remembered_store"], chosen.to_str().unwrap());
    // Still the open store's origin until the app reopens.
    assert_eq!(info["store_origin"], "default");

    // The next launch opens it, as remembered.
    let next = desktop_app(places(dir.path()), None);
    assert_eq!(next.store().database_path(), chosen);
    assert_eq!(
        next.call("app_info", Value::Null).unwrap()["store_origin"],
        "remembered"
    );
    // Choosing the open store again needs no reopening.
    let again = next
        .call("use_store", json!({"path": chosen.to_str().unwrap()}))
        .unwrap();
    assert_eq!(again["reopen"], false);

    // Back to the default store.
    let back = next.call("use_store", json!({"path": null})).unwrap();
    assert_eq!(back["remembered"], Value::Null);
    assert_eq!(
        back["store"],
        dir.path().join("data/cairn.db").to_str().unwrap()
    );
    assert_eq!(back["reopen"], true);
    let last = desktop_app(places(dir.path()), None);
    assert_eq!(
        last.call("app_info", Value::Null).unwrap()["store_origin"],
        "default"
    );
}

#[test]
fn use_store_refuses_what_is_not_a_store_and_keeps_the_old_choice() {
    let dir = tempfile::tempdir().unwrap();
    let app = desktop_app(places(dir.path()), None);
    let text = dir.path().join("notes.db");
    std::fs::write(
        &text,
        "plain text, not an SQLite database of any kind at all",
    )
    .unwrap();
    let error = app
        .call("use_store", json!({"path": text.to_str().unwrap()}))
        .unwrap_err();
    assert_eq!(error.kind, ErrorKind::Invalid);
    assert!(error.message.contains("notes.db"), "{error}");
    let info = app.call("app_info", Value::Null).unwrap();
    assert_eq!(info["remembered_store"], Value::Null);
}

#[test]
fn a_corrupt_settings_file_shows_in_app_info() {
    let dir = tempfile::tempdir().unwrap();
    let app = desktop_app(places(dir.path()), None);
    std::fs::create_dir_all(dir.path().join("config")).unwrap();
    std::fs::write(dir.path().join("config/settings.json"), "{oops").unwrap();
    let info = app.call("app_info", Value::Null).unwrap();
    let error = info["settings_error"].as_str().unwrap();
    assert!(
        error.contains("settings.json") && error.contains("not valid JSON"),
        "{error}"
    );
}

#[test]
fn a_server_app_cannot_switch_stores() {
    let dir = tempfile::tempdir().unwrap();
    let places = places(dir.path());
    let location = places.locate(None).unwrap();
    let app = App::new(Arc::new(SqliteStore::open(&location.path).unwrap())).with_store_source(
        StoreSource {
            origin: StoreOrigin::Default,
            places,
        },
    );
    let info = app.call("app_info", Value::Null).unwrap();
    assert_eq!(info["can_switch_store"], false);
    assert_eq!(info["store_origin"], "default");
    let error = app
        .call(
            "use_store",
            json!({"path": dir.path().join("x.db").to_str().unwrap()}),
        )
        .unwrap_err();
    assert!(error.message.contains("cairn store use"), "{error}");
    assert!(!dir.path().join("x.db").exists());
    assert!(!dir.path().join("config/settings.json").exists());
}
