//! Commands of Settings → Team server and "Push to team": the team server's URL and token (the
//! token never sent back), and pushing the selected runs there through the push engine
//! ([`cairn_push::push_runs`]) with the client the desktop shell gave ([`crate::team`]).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::LocalApp;
use crate::team::{TeamSettings, read_team_settings, write_team_settings};
use cairn_app::commands::{Command, NoArgs};
use cairn_app::{AppError, ErrorKind, command};

pub(crate) const COMMANDS: &[Command<LocalApp>] = &[
    command!(get_team_server),
    command!(set_team_server),
    command!(push_to_team),
];

/// The team server as Settings shows it: never the token itself.
#[derive(Debug, Serialize, TS)]
struct TeamServerView {
    /// `null` when none is set.
    url: Option<String>,
    /// A token is saved (it is never shown).
    token_saved: bool,
    /// The file the settings are kept in (readable by its owner only).
    settings_file: Option<String>,
}

fn invalid(message: impl Into<String>) -> AppError {
    AppError {
        kind: ErrorKind::Invalid,
        message: message.into(),
    }
}

fn view(local: &LocalApp, settings: &TeamSettings) -> TeamServerView {
    TeamServerView {
        url: settings.url.clone(),
        token_saved: settings.token_saved(),
        settings_file: local
            .team_file()
            .map(|file| file.to_string_lossy().into_owned()),
    }
}

fn settings(local: &LocalApp) -> Result<TeamSettings, AppError> {
    match local.team_file() {
        Some(file) => read_team_settings(&file),
        None => Ok(TeamSettings::default()),
    }
}

fn get_team_server(local: &LocalApp, _: NoArgs) -> Result<TeamServerView, AppError> {
    Ok(view(local, &settings(local)?))
}

/// A new URL and, optionally, a new token.
#[derive(Deserialize, TS)]
#[serde(rename_all = "camelCase")]
struct SetTeamServerArgs {
    /// `http(s)://HOST[:PORT]`; empty forgets the server (and its token).
    url: String,
    /// A new token; `null` keeps the saved one.
    token: Option<String>,
    /// Forget the saved token.
    #[serde(default)]
    #[ts(optional)]
    forget_token: Option<bool>,
}

fn set_team_server(local: &LocalApp, args: SetTeamServerArgs) -> Result<TeamServerView, AppError> {
    let file = local.team_file().ok_or_else(|| {
        invalid("no config folder to keep the team server in; set CAIRN_CONFIG_DIR")
    })?;
    let mut settings = read_team_settings(&file)?;
    let url = args.url.trim().trim_end_matches('/');
    if url.is_empty() {
        settings = TeamSettings::default();
    } else {
        if !(url.starts_with("http://") || url.starts_with("https://")) || url.contains('@') {
            return Err(invalid(
                "the team server's URL must be http:// or https://HOST[:PORT], without a user \
                 or password (the token goes in its own field)",
            ));
        }
        settings.url = Some(url.to_owned());
        if args.forget_token == Some(true) {
            settings.token = None;
        }
        if let Some(token) = args.token.as_deref().map(str::trim)
            && !token.is_empty()
        {
            settings.token = Some(token.to_owned());
        }
    }
    write_team_settings(&file, &settings)?;
    Ok(view(local, &settings))
}

/// The runs to push.
#[derive(Deserialize, TS)]
#[serde(rename_all = "camelCase")]
struct PushToTeamArgs {
    run_ids: Vec<String>,
}

/// One run pushed.
#[derive(Debug, Serialize, TS)]
struct PushedRunView {
    run_id: String,
    remote_run_id: Option<String>,
    experiment: String,
    created: bool,
    params: u32,
    tags: u32,
    points: f64,
    files: u32,
    model_versions: u32,
    notes: Vec<String>,
}

/// One run not pushed, and why.
#[derive(Debug, Serialize, TS)]
struct PushFailureView {
    run_id: String,
    error: String,
}

/// What "Push to team" did.
#[derive(Debug, Serialize, TS)]
struct PushResultView {
    server: String,
    pushed: Vec<PushedRunView>,
    failed: Vec<PushFailureView>,
    /// Points sent, over all runs.
    points: f64,
    /// Files uploaded, over all runs.
    files: u32,
}

fn count(value: u64) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

fn push_to_team(local: &LocalApp, args: PushToTeamArgs) -> Result<PushResultView, AppError> {
    let settings = settings(local)?;
    let url = settings
        .url
        .clone()
        .ok_or_else(|| invalid("no team server is set: add one in Settings → Team server"))?;
    if args.run_ids.is_empty() {
        return Err(invalid("no runs were chosen to push"));
    }
    let connector = local
        .team_connector()
        .ok_or_else(|| invalid("this shell cannot reach a team server"))?;
    let api = (connector.0)(&url, Some(settings.credentials()))
        .map_err(|error| invalid(format!("{error:#}")))?;
    let report = cairn_push::push_runs(
        local.app().store(),
        api.as_ref(),
        &args.run_ids,
        &cairn_push::PushOptions::default(),
        &|_, _| {},
    )
    .map_err(|error| AppError {
        kind: ErrorKind::Internal,
        message: format!("{error:#}"),
    })?;
    let totals = report.totals();
    Ok(PushResultView {
        server: report.server,
        pushed: report
            .pushed
            .into_iter()
            .map(|run| PushedRunView {
                run_id: run.run_id,
                remote_run_id: run.remote_run_id,
                experiment: run.experiment,
                created: run.created,
                params: count(run.params),
                tags: count(run.tags),
                points: run.points as f64,
                files: count(run.files),
                model_versions: count(run.model_versions),
                notes: run.notes,
            })
            .collect(),
        failed: report
            .failed
            .into_iter()
            .map(|failed| PushFailureView {
                run_id: failed.run_id,
                error: failed.error,
            })
            .collect(),
        points: totals.points as f64,
        files: count(totals.files),
    })
}
