//! Settings → Team server: the URL of the team's MLflow-compatible server and the access token
//! pushes send, kept in `team.json` beside `settings.json` in the config folder — a file only
//! its owner may read (0600), written atomically, never in the store. The token is never
//! handed back to the UI; [`TeamSettings::token_saved`] says whether there is one.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use cairn_app::{AppError, ErrorKind};
use cairn_push::{Credentials, MlflowApi};
use serde::{Deserialize, Serialize};

/// The team server file's name in the config folder.
pub const TEAM_FILE: &str = "team.json";

/// How a shell that links an HTTP client reaches a server: URL and credentials in, a client out.
/// The desktop shell passes `cairn_push::http::connect`; `cairn-local` itself has no HTTP code.
pub type Connect =
    dyn Fn(&str, Option<Credentials>) -> anyhow::Result<Box<dyn MlflowApi>> + Send + Sync;

/// A [`Connect`] a [`crate::LocalApp`] holds.
#[derive(Clone)]
pub struct TeamConnector(pub Arc<Connect>);

impl std::fmt::Debug for TeamConnector {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("TeamConnector")
    }
}

/// What `team.json` holds. Its `Debug` never shows the token.
#[derive(Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct TeamSettings {
    /// The server, `http(s)://HOST[:PORT][/PREFIX]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The access token sent as a bearer token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}

impl std::fmt::Debug for TeamSettings {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("TeamSettings")
            .field("url", &self.url)
            .field("token_saved", &self.token_saved())
            .finish()
    }
}

impl TeamSettings {
    /// Whether a token is saved.
    pub fn token_saved(&self) -> bool {
        self.token.as_deref().is_some_and(|token| !token.is_empty())
    }

    /// The credentials a push sends: the saved token, else none (the environment's are not
    /// read: the desktop app says in Settings what it sends).
    pub fn credentials(&self) -> Credentials {
        match self.token.as_deref().filter(|token| !token.is_empty()) {
            Some(token) => Credentials::token(token),
            None => Credentials::none(),
        }
    }
}

fn invalid(message: String) -> AppError {
    AppError {
        kind: ErrorKind::Invalid,
        message,
    }
}

/// The team file of the config folder `config_dir`.
pub fn team_file(config_dir: &Path) -> PathBuf {
    config_dir.join(TEAM_FILE)
}

/// The settings in `file`; empty ones when it does not exist.
pub fn read_team_settings(file: &Path) -> Result<TeamSettings, AppError> {
    let text = match std::fs::read_to_string(file) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Ok(TeamSettings::default());
        }
        Err(error) => {
            return Err(invalid(format!(
                "reading the team server settings {}: {error}",
                file.display()
            )));
        }
    };
    serde_json::from_str(&text).map_err(|error| {
        invalid(format!(
            "the team server settings {} are not valid ({error}); fix or delete the file",
            file.display()
        ))
    })
}

/// Writes `settings` to `file`, readable by its owner only, atomically (a 0600 temporary file
/// renamed over it).
pub fn write_team_settings(file: &Path, settings: &TeamSettings) -> Result<(), AppError> {
    let folder = file
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let failed = |action: &str, path: &Path, error: std::io::Error| {
        invalid(format!("{action} {}: {error}", path.display()))
    };
    std::fs::create_dir_all(folder)
        .map_err(|error| failed("creating the config folder", folder, error))?;
    let mut text = serde_json::to_string_pretty(settings)
        .map_err(|error| invalid(format!("writing the team server settings: {error}")))?;
    text.push('\n');
    let temporary = folder.join(format!(".{TEAM_FILE}.{}.tmp", std::process::id()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = options.open(&temporary).and_then(|mut out| {
        out.write_all(text.as_bytes())?;
        out.sync_all()
    });
    if let Err(error) = written {
        let _ = std::fs::remove_file(&temporary);
        return Err(failed(
            "writing the team server settings",
            &temporary,
            error,
        ));
    }
    std::fs::rename(&temporary, file).map_err(|error| {
        let _ = std::fs::remove_file(&temporary);
        failed("replacing the team server settings", file, error)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_is_kept_for_its_owner_only_and_never_shown() {
        let dir = tempfile::tempdir().unwrap_or_else(|error| panic!("{error}"));
        let file = team_file(&dir.path().join("config"));
        assert_eq!(
            read_team_settings(&file).ok(),
            Some(TeamSettings::default())
        );
        let settings = TeamSettings {
            url: Some("http://team:5000".to_owned()),
            token: Some("secret-token".to_owned()),
        };
        write_team_settings(&file, &settings).unwrap_or_else(|error| panic!("{}", error.message));
        assert_eq!(read_team_settings(&file).ok(), Some(settings.clone()));
        assert!(!format!("{settings:?}").contains("secret-token"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&file).map(|meta| meta.permissions().mode());
            assert_eq!(mode.ok().map(|mode| mode & 0o777), Some(0o600));
        }
    }
}
