//! Where the store lives: `--store`, else `$CAIRN_STORE`, else the store remembered in the
//! settings file (`cairn store use`, Settings → Store in the desktop app), else the user's data
//! folder. The CLI, `cairn serve` and the desktop app all decide the same way.
//!
//! The settings file is `settings.json` in `$CAIRN_CONFIG_DIR`, else the user's config folder
//! (`~/.config/cairn/` on Linux), holding `{"store": "/absolute/path/cairn.db"}`. It is written
//! atomically (a temporary file renamed over it). A settings file that cannot be read or is not
//! valid is an error naming the file, never silently ignored: a launch that quietly opened the
//! default store instead of the chosen one would look like lost data.

use cairn_app::ErrorKind;
use std::io::Write;
use std::path::{Path, PathBuf};

use cairn_core::SqliteStore;
use serde::Serialize;
use serde_json::{Map, Value};

use cairn_app::AppError;

/// The environment variable naming the store's database file.
pub const STORE_ENV: &str = "CAIRN_STORE";

/// The environment variable naming the folder of Cairn's settings file (default: the user's
/// config folder).
pub const CONFIG_DIR_ENV: &str = "CAIRN_CONFIG_DIR";

/// The settings file's name in the config folder.
pub const SETTINGS_FILE: &str = "settings.json";

/// The database file's name when a folder is chosen as a store.
pub const STORE_FILE: &str = "cairn.db";

/// Why a store is the one used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StoreOrigin {
    /// `--store PATH`.
    Flag,
    /// `$CAIRN_STORE`.
    Env,
    /// The choice remembered in the settings file.
    Remembered,
    /// The user's data folder.
    Default,
}

impl StoreOrigin {
    /// The origin's name on the wire: `flag`, `env`, `remembered` or `default`.
    pub fn name(self) -> &'static str {
        match self {
            StoreOrigin::Flag => "flag",
            StoreOrigin::Env => "env",
            StoreOrigin::Remembered => "remembered",
            StoreOrigin::Default => "default",
        }
    }

    /// The origin as a short phrase: "--store", "CAIRN_STORE", "remembered", "default".
    pub fn describe(self) -> &'static str {
        match self {
            StoreOrigin::Flag => "--store",
            StoreOrigin::Env => STORE_ENV,
            StoreOrigin::Remembered => "remembered",
            StoreOrigin::Default => "default",
        }
    }
}

/// The store to use and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreLocation {
    /// The database file.
    pub path: PathBuf,
    /// Why it is this one.
    pub origin: StoreOrigin,
}

/// Where the choice of store is looked up: from the environment and the user's folders in normal
/// use ([`Places::from_env`]), given outright in tests.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Places {
    /// `$CAIRN_STORE`, when set and not empty.
    pub env_store: Option<PathBuf>,
    /// The settings file; `None` when there is no config folder (no home folder).
    pub settings_file: Option<PathBuf>,
    /// The store in the user's data folder; `None` when there is no home folder.
    pub default_store: Option<PathBuf>,
}

impl Places {
    /// The places of this process: `$CAIRN_STORE`, `$CAIRN_CONFIG_DIR` (else the user's config
    /// folder) and the user's data folder.
    pub fn from_env() -> Places {
        let dirs = directories::ProjectDirs::from("dev", "cairn", "cairn");
        let config_dir = non_empty_env(CONFIG_DIR_ENV)
            .or_else(|| dirs.as_ref().map(|dirs| dirs.config_dir().to_path_buf()));
        Places {
            env_store: non_empty_env(STORE_ENV),
            settings_file: config_dir.map(|dir| dir.join(SETTINGS_FILE)),
            default_store: dirs.map(|dirs| dirs.data_dir().join(STORE_FILE)),
        }
    }

    /// The store remembered in the settings file, if any.
    pub fn remembered(&self) -> Result<Option<PathBuf>, AppError> {
        match &self.settings_file {
            Some(file) => read_remembered_store(file),
            None => Ok(None),
        }
    }

    /// The store used without `--store`: `$CAIRN_STORE`, else the remembered one, else the
    /// default.
    pub fn locate(&self, flag: Option<&Path>) -> Result<StoreLocation, AppError> {
        if let Some(path) = flag {
            return Ok(StoreLocation {
                path: path.to_path_buf(),
                origin: StoreOrigin::Flag,
            });
        }
        if let Some(path) = &self.env_store {
            return Ok(StoreLocation {
                path: path.clone(),
                origin: StoreOrigin::Env,
            });
        }
        if let Some(path) = self.remembered()? {
            return Ok(StoreLocation {
                path,
                origin: StoreOrigin::Remembered,
            });
        }
        match &self.default_store {
            Some(path) => Ok(StoreLocation {
                path: path.clone(),
                origin: StoreOrigin::Default,
            }),
            None => Err(AppError {
                kind: ErrorKind::Invalid,
                message: format!(
                    "no home folder to keep the store in; pass --store PATH or set {STORE_ENV}"
                ),
            }),
        }
    }

    /// The store a launch without `--store` and `$CAIRN_STORE` opens: the remembered one, else
    /// the default.
    pub fn without_overrides(&self) -> Places {
        Places {
            env_store: None,
            ..self.clone()
        }
    }

    /// Remembers `store` as the store to use (`None` forgets the choice, back to the default),
    /// after checking that it is, or can be created as, a Cairn store. A folder means
    /// `<folder>/cairn.db`. Returns the database file remembered.
    pub fn use_store(&self, store: Option<&Path>) -> Result<Option<PathBuf>, AppError> {
        let file = self.settings_file.as_deref().ok_or_else(|| AppError {
            kind: ErrorKind::Invalid,
            message: format!(
                "no config folder to remember the store in; set {CONFIG_DIR_ENV}, or pass \
                 --store PATH or set {STORE_ENV} at each launch"
            ),
        })?;
        // An unreadable settings file or config folder stops the choice before a new store is
        // created.
        read_settings(file)?;
        if let Some(folder) = file
            .parent()
            .filter(|parent| !parent.as_os_str().is_empty())
        {
            std::fs::create_dir_all(folder).map_err(|error| AppError {
                kind: ErrorKind::Invalid,
                message: format!("creating the config folder {}: {error}", folder.display()),
            })?;
        }
        let Some(store) = store else {
            write_remembered_store(file, None)?;
            return Ok(None);
        };
        let store = store_file(store)?;
        let created = !store.exists();
        open_as_store(&store)?;
        if let Err(error) = write_remembered_store(file, Some(&store)) {
            if created {
                remove_new_store(&store);
            }
            return Err(error);
        }
        Ok(Some(store))
    }
}

fn non_empty_env(name: &str) -> Option<PathBuf> {
    std::env::var_os(name)
        .filter(|value| !value.is_empty())
        .map(PathBuf::from)
}

/// Where the store is: `flag` (`--store`), else `$CAIRN_STORE`, else the remembered store, else
/// the user's data folder, and which of them it is.
pub fn locate_store(flag: Option<&Path>) -> Result<StoreLocation, AppError> {
    Places::from_env().locate(flag)
}

/// The store used without `--store`: `$CAIRN_STORE`, else the remembered store, else
/// `$XDG_DATA_HOME/cairn/cairn.db` (or the platform's equal).
pub fn default_store_path() -> Result<PathBuf, AppError> {
    Ok(locate_store(None)?.path)
}

/// Opens the store at `path`, or at [`default_store_path`] when `None`.
pub fn open_store(path: Option<&Path>) -> Result<SqliteStore, AppError> {
    let path = match path {
        Some(path) => path.to_path_buf(),
        None => default_store_path()?,
    };
    Ok(SqliteStore::open(&path)?)
}

/// The database file `path` names as a store (a folder means `<folder>/cairn.db`), made absolute,
/// once opening it proved that it is, or could be created as, a Cairn store. A foreign SQLite
/// file or a store written by a newer Cairn is refused with the store's own error.
pub fn check_store(path: &Path) -> Result<PathBuf, AppError> {
    let file = store_file(path)?;
    open_as_store(&file)?;
    Ok(file)
}

/// The absolute database file `path` names: a leading `~` is the home folder, and an existing
/// folder or a path ending in a separator means `<folder>/cairn.db`.
fn store_file(path: &Path) -> Result<PathBuf, AppError> {
    if path.as_os_str().is_empty() {
        return Err(AppError {
            kind: ErrorKind::Invalid,
            message: "the store's path is empty".to_owned(),
        });
    }
    let text = path.to_str().ok_or_else(|| AppError {
        kind: ErrorKind::Invalid,
        message: format!(
            "the store path {} is not valid UTF-8 and cannot be remembered",
            path.display()
        ),
    })?;
    let home_relative = text
        .strip_prefix("~/")
        .or_else(|| (text == "~").then_some(""));
    let expanded = match home_relative {
        Some(rest) => directories::BaseDirs::new()
            .map(|dirs| dirs.home_dir().join(rest))
            .ok_or_else(|| AppError {
                kind: ErrorKind::Invalid,
                message: format!("no home folder to expand {text} in"),
            })?,
        None => path.to_path_buf(),
    };
    let absolute = if expanded.is_absolute() {
        expanded
    } else {
        std::env::current_dir()
            .map_err(|error| AppError {
                kind: ErrorKind::Internal,
                message: format!("reading the current folder: {error}"),
            })?
            .join(expanded)
    };
    let names_a_folder = text.ends_with(std::path::MAIN_SEPARATOR) || text.ends_with('/');
    Ok(if names_a_folder || absolute.is_dir() {
        absolute.join(STORE_FILE)
    } else {
        absolute
    })
}

/// Opens (creating when missing) the store at `file`, to prove it can serve as one.
fn open_as_store(file: &Path) -> Result<(), AppError> {
    SqliteStore::open(file).map(drop).map_err(|error| {
        let message = error.to_string();
        let shown = file.display().to_string();
        AppError {
            kind: ErrorKind::Invalid,
            message: if message.contains(&shown) {
                message
            } else {
                format!("{shown} cannot be used as a store: {message}")
            },
        }
    })
}

/// Removes a store that was just created and then not used (its database and SQLite's files
/// beside it), so a choice that failed leaves nothing behind.
fn remove_new_store(file: &Path) {
    let mut companions = vec![file.to_path_buf()];
    for suffix in ["-wal", "-shm", "-journal"] {
        let mut name = file.as_os_str().to_owned();
        name.push(suffix);
        companions.push(PathBuf::from(name));
    }
    for path in companions {
        let _ = std::fs::remove_file(path);
    }
}

fn settings_error(file: &Path, what: impl std::fmt::Display) -> AppError {
    AppError {
        kind: ErrorKind::Invalid,
        message: format!(
            "the settings file {} {what}; fix or delete it",
            file.display()
        ),
    }
}

/// The settings file's object; an empty one when the file does not exist.
fn read_settings(file: &Path) -> Result<Map<String, Value>, AppError> {
    let text = match std::fs::read_to_string(file) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Map::new()),
        Err(error) => {
            return Err(settings_error(
                file,
                format_args!("cannot be read: {error}"),
            ));
        }
    };
    match serde_json::from_str::<Value>(&text) {
        Ok(Value::Object(settings)) => Ok(settings),
        Ok(_) => Err(settings_error(file, "is not a JSON object")),
        Err(error) => Err(settings_error(
            file,
            format_args!("is not valid JSON ({error})"),
        )),
    }
}

/// The store remembered in the settings file `file`: `None` when the file does not exist or
/// remembers none.
pub fn read_remembered_store(file: &Path) -> Result<Option<PathBuf>, AppError> {
    match read_settings(file)?.get("store") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(path)) if Path::new(path).is_absolute() => Ok(Some(PathBuf::from(path))),
        Some(Value::String(path)) => Err(settings_error(
            file,
            format_args!("names the store '{path}', which is not an absolute path"),
        )),
        Some(_) => Err(settings_error(file, "has a \"store\" that is not a path")),
    }
}

/// Writes `store` into the settings file `file` (removing the entry for `None`), keeping the
/// file's other settings. Atomic: a temporary file beside it is renamed over it.
pub fn write_remembered_store(file: &Path, store: Option<&Path>) -> Result<(), AppError> {
    let mut settings = read_settings(file)?;
    match store {
        Some(path) => {
            let path = path.to_str().ok_or_else(|| AppError {
                kind: ErrorKind::Invalid,
                message: format!(
                    "the store path {} is not valid UTF-8 and cannot be remembered",
                    path.display()
                ),
            })?;
            settings.insert("store".to_owned(), Value::String(path.to_owned()));
        }
        None => {
            settings.remove("store");
        }
    }
    let mut text =
        serde_json::to_string_pretty(&Value::Object(settings)).map_err(|error| AppError {
            kind: ErrorKind::Internal,
            message: format!("writing the settings: {error}"),
        })?;
    text.push('\n');
    // A settings file that is a link (into a dotfiles folder, say) keeps being one: what it
    // points to is replaced.
    let linked = std::fs::symlink_metadata(file)
        .is_ok_and(|meta| meta.file_type().is_symlink())
        .then(|| std::fs::canonicalize(file).ok())
        .flatten();
    let file = linked.as_deref().unwrap_or(file);
    let folder = file
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let failed = |action: &str, path: &Path, error: std::io::Error| AppError {
        kind: ErrorKind::Invalid,
        message: format!("{action} {}: {error}", path.display()),
    };
    std::fs::create_dir_all(folder)
        .map_err(|error| failed("creating the config folder", folder, error))?;
    let name = file
        .file_name()
        .map_or_else(|| SETTINGS_FILE.into(), |name| name.to_string_lossy());
    let temporary = folder.join(format!(".{name}.{}.tmp", std::process::id()));
    let written = std::fs::File::create(&temporary).and_then(|mut out| {
        out.write_all(text.as_bytes())?;
        out.sync_all()
    });
    if let Err(error) = written {
        let _ = std::fs::remove_file(&temporary);
        return Err(failed("writing the settings file", &temporary, error));
    }
    std::fs::rename(&temporary, file).map_err(|error| {
        let _ = std::fs::remove_file(&temporary);
        failed("replacing the settings file", file, error)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn places(dir: &Path) -> Places {
        Places {
            env_store: None,
            settings_file: Some(dir.join("config").join(SETTINGS_FILE)),
            default_store: Some(dir.join("data").join(STORE_FILE)),
        }
    }

    #[test]
    fn precedence_is_flag_then_env_then_remembered_then_default() {
        let dir = tempfile::tempdir().unwrap();
        let mut places = places(dir.path());
        let default = places.locate(None).unwrap();
        assert_eq!(default.origin, StoreOrigin::Default);
        assert_eq!(default.path, dir.path().join("data/cairn.db"));

        let chosen = dir.path().join("chosen.db");
        assert_eq!(
            places.use_store(Some(&chosen)).unwrap(),
            Some(chosen.clone())
        );
        let remembered = places.locate(None).unwrap();
        assert_eq!(
            remembered,
            StoreLocation {
                path: chosen.clone(),
                origin: StoreOrigin::Remembered
            }
        );

        places.env_store = Some(dir.path().join("env.db"));
        let env = places.locate(None).unwrap();
        assert_eq!(env.origin, StoreOrigin::Env);
        assert_eq!(env.path, dir.path().join("env.db"));
        assert_eq!(
            places.without_overrides().locate(None).unwrap().origin,
            StoreOrigin::Remembered
        );

        let flag = places.locate(Some(Path::new("/x/flag.db"))).unwrap();
        assert_eq!(flag.origin, StoreOrigin::Flag);
        assert_eq!(flag.path, PathBuf::from("/x/flag.db"));
    }

    #[test]
    fn a_flag_wins_even_over_a_corrupt_settings_file() {
        let dir = tempfile::tempdir().unwrap();
        let places = places(dir.path());
        let file = places.settings_file.clone().unwrap();
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, "{not json").unwrap();
        assert_eq!(
            places.locate(Some(Path::new("/x.db"))).unwrap().origin,
            StoreOrigin::Flag
        );
        let env = Places {
            env_store: Some(PathBuf::from("/env.db")),
            ..places
        };
        assert_eq!(env.locate(None).unwrap().origin, StoreOrigin::Env);
    }

    #[test]
    fn a_missing_settings_file_remembers_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("nowhere").join(SETTINGS_FILE);
        assert_eq!(read_remembered_store(&file).unwrap(), None);
    }

    #[test]
    fn bad_settings_are_errors_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let places = places(dir.path());
        let file = places.settings_file.clone().unwrap();
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        for (content, what, unreadable) in [
            ("{\"store\": ", "not valid JSON", true),
            ("[1, 2]", "not a JSON object", true),
            ("{\"store\": 3}", "not a path", false),
            (
                "{\"store\": \"relative/cairn.db\"}",
                "not an absolute path",
                false,
            ),
        ] {
            std::fs::write(&file, content).unwrap();
            let error = places.locate(None).unwrap_err();
            assert_eq!(error.kind, ErrorKind::Invalid);
            assert!(
                error.message.contains(&file.display().to_string()),
                "{error}"
            );
            assert!(error.message.contains(what), "{content}: {error}");
            if unreadable {
                // Writing does not overwrite a file it cannot read.
                let error = places.use_store(None).unwrap_err();
                assert!(error.message.contains(what), "{error}");
                assert_eq!(std::fs::read_to_string(&file).unwrap(), content);
            } else {
                // A bad entry in a readable file is replaced by a new choice.
                places.use_store(None).unwrap();
                assert_eq!(places.locate(None).unwrap().origin, StoreOrigin::Default);
            }
        }
        std::fs::write(&file, "{\"store\": null, \"other\": 1}").unwrap();
        assert_eq!(places.locate(None).unwrap().origin, StoreOrigin::Default);
    }

    #[test]
    fn writing_keeps_other_settings_and_forgets_on_none() {
        let dir = tempfile::tempdir().unwrap();
        let places = places(dir.path());
        let file = places.settings_file.clone().unwrap();
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, "{\"other\": [1]}").unwrap();
        let chosen = dir.path().join("a.db");
        places.use_store(Some(&chosen)).unwrap();
        let written: Value =
            serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        assert_eq!(written["other"], serde_json::json!([1]));
        assert_eq!(
            written["store"],
            Value::String(chosen.display().to_string())
        );
        places.use_store(None).unwrap();
        let written: Value =
            serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        assert_eq!(written, serde_json::json!({"other": [1]}));
        // No temporary file is left behind.
        let names: Vec<_> = std::fs::read_dir(file.parent().unwrap())
            .unwrap()
            .map(|entry| entry.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from(SETTINGS_FILE)]);
    }

    #[test]
    fn a_folder_means_its_cairn_db_and_the_store_is_created() {
        let dir = tempfile::tempdir().unwrap();
        let places = places(dir.path());
        let folder = dir.path().join("stores");
        std::fs::create_dir_all(&folder).unwrap();
        let remembered = places.use_store(Some(&folder)).unwrap();
        assert_eq!(remembered, Some(folder.join(STORE_FILE)));
        assert!(folder.join(STORE_FILE).is_file());
        // A new file in a folder that does not exist yet is created with its folder.
        let new = dir.path().join("new/place/mine.db");
        assert_eq!(places.use_store(Some(&new)).unwrap(), Some(new.clone()));
        assert!(new.is_file());
    }

    #[test]
    fn a_path_ending_in_a_separator_is_a_new_folder_for_its_cairn_db() {
        let dir = tempfile::tempdir().unwrap();
        let places = places(dir.path());
        let folder = dir.path().join("team");
        let typed = format!("{}/", folder.display());
        let remembered = places.use_store(Some(Path::new(&typed))).unwrap();
        assert_eq!(remembered, Some(folder.join(STORE_FILE)));
        assert!(folder.join(STORE_FILE).is_file());
    }

    #[cfg(unix)]
    #[test]
    fn a_settings_file_that_is_a_link_stays_one() {
        let dir = tempfile::tempdir().unwrap();
        let places = places(dir.path());
        let dotfiles = dir.path().join("dotfiles");
        std::fs::create_dir_all(&dotfiles).unwrap();
        std::fs::write(dotfiles.join("settings.json"), "{\"theme\": \"dark\"}").unwrap();
        let link = dir.path().join("config").join(SETTINGS_FILE);
        std::fs::create_dir_all(link.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(dotfiles.join("settings.json"), &link).unwrap();
        let store = dir.path().join("linked.db");
        places.use_store(Some(&store)).unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        let kept: Value =
            serde_json::from_str(&std::fs::read_to_string(dotfiles.join("settings.json")).unwrap())
                .unwrap();
        assert_eq!(kept["store"], store.to_string_lossy().as_ref());
        assert_eq!(kept["theme"], "dark");
    }

    #[test]
    fn a_choice_that_cannot_be_remembered_leaves_no_new_store_behind() {
        let dir = tempfile::tempdir().unwrap();
        let places = places(dir.path());
        // The temporary file the settings are written to first cannot be made: a folder has
        // its name (this works even for root, whom permissions do not stop).
        let temporary = format!(".{SETTINGS_FILE}.{}.tmp", std::process::id());
        std::fs::create_dir_all(dir.path().join("config").join(temporary).join("x")).unwrap();
        let store = dir.path().join("fresh.db");
        assert!(places.use_store(Some(&store)).is_err());
        assert!(!store.exists(), "the store made for the choice is removed");
        // An existing store is never removed.
        let existing = dir.path().join("existing.db");
        drop(SqliteStore::open(&existing).unwrap());
        assert!(places.use_store(Some(&existing)).is_err());
        assert!(existing.is_file());
    }

    #[test]
    fn foreign_sqlite_files_and_non_databases_are_refused_and_not_remembered() {
        let dir = tempfile::tempdir().unwrap();
        let places = places(dir.path());
        let text = dir.path().join("notes.db");
        std::fs::write(
            &text,
            "just some text, long enough to not be a database header at all",
        )
        .unwrap();
        let error = places.use_store(Some(&text)).unwrap_err();
        assert!(error.message.contains("notes.db"), "{error}");
        assert_eq!(places.remembered().unwrap(), None);
    }

    #[test]
    fn a_config_folder_that_cannot_be_made_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let places = places(dir.path());
        // A file where the config folder should be: no folder can be made there, even by root.
        std::fs::write(dir.path().join("config"), "a file").unwrap();
        let error = places
            .use_store(Some(&dir.path().join("a.db")))
            .unwrap_err();
        let config = dir.path().join("config").display().to_string();
        assert!(error.message.contains(&config), "{error}");
        assert!(!dir.path().join("a.db").exists());
        // Reading through it is an error too, naming the settings file.
        let error = places.locate(None).unwrap_err();
        assert!(error.message.contains("config/settings.json"), "{error}");
    }

    #[cfg(unix)]
    #[test]
    fn a_read_only_config_folder_is_an_error_naming_it() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let places = places(dir.path());
        let config = dir.path().join("config");
        std::fs::create_dir_all(&config).unwrap();
        std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o555)).unwrap();
        // Root ignores permissions; nothing to check then.
        if std::fs::write(config.join("probe"), "").is_ok() {
            return;
        }
        let error = places
            .use_store(Some(&dir.path().join("a.db")))
            .unwrap_err();
        assert!(
            error.message.contains(&config.display().to_string()),
            "{error}"
        );
        assert_eq!(places.remembered().unwrap(), None);
        std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o755)).unwrap();
    }

    #[test]
    fn no_home_and_no_env_is_an_error() {
        let places = Places::default();
        let error = places.locate(None).unwrap_err();
        assert!(error.message.contains("--store"), "{error}");
        assert!(
            places
                .use_store(None)
                .unwrap_err()
                .message
                .contains(CONFIG_DIR_ENV)
        );
    }
}
