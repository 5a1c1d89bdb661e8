//! `cairn users`: the accounts of a team server, kept in its store. Passwords come from
//! CAIRN_PASSWORD or standard input, never from the command line (visible in `ps`).

use std::io::BufRead as _;

use anyhow::Context as _;
use cairn_core::Store;
use cairn_core::model::{NewAccessToken, TokenKind};
use cairn_server::accounts::secrets;

use crate::args::UsersCommand;
use crate::output::Table;

/// The variable a password is read from before standard input.
pub const PASSWORD_VARIABLE: &str = "CAIRN_PASSWORD";

/// Runs one `cairn users` command.
pub fn run(store: &dyn Store, command: UsersCommand, json: bool) -> anyhow::Result<()> {
    match command {
        UsersCommand::Create { username, admin } => {
            let hash = new_password_hash(&format!("the password for '{username}'"))?;
            let user = store.create_user(&username, &hash, admin)?;
            let role = if user.is_admin { "admin" } else { "user" };
            println!("created {role} '{}'", user.username);
        }
        UsersCommand::List => {
            let users = store.list_users()?;
            if json {
                let rows: Vec<_> = users
                    .iter()
                    .map(|user| {
                        serde_json::json!({"id": user.id, "username": user.username, "is_admin": user.is_admin})
                    })
                    .collect();
                return super::print_json(&rows);
            }
            let mut table = Table::new(["USER", "ADMIN", "CREATED"]);
            for user in &users {
                table.row([
                    user.username.clone(),
                    if user.is_admin { "yes" } else { "" }.to_owned(),
                    crate::output::format_time(user.created_ms),
                ]);
            }
            table.print()?;
        }
        UsersCommand::SetPassword { username } => {
            store.get_user(&username)?;
            let hash = new_password_hash(&format!("the new password for '{username}'"))?;
            store.set_password_hash(&username, &hash)?;
            println!("password of '{username}' changed; their browser sessions ended");
        }
        UsersCommand::Admin { username, revoke } => {
            store.set_admin(&username, !revoke)?;
            let now = if revoke {
                "no longer an admin"
            } else {
                "an admin"
            };
            println!("'{username}' is {now}");
        }
        UsersCommand::Delete { username } => {
            store.delete_user(&username)?;
            println!("deleted user '{username}'");
        }
        UsersCommand::Token {
            username,
            name,
            expires_in_days,
        } => {
            let user = store.get_user(&username)?;
            let (secret, secret_hash) = secrets::new_token().map_err(anyhow::Error::msg)?;
            let expires_ms = expires_in_days
                .map(|days| cairn_core::time::now_millis() + i64::from(days) * 24 * 3600 * 1000);
            store.create_token(&NewAccessToken {
                user_id: user.id,
                kind: TokenKind::Personal,
                name,
                secret_hash,
                expires_ms,
            })?;
            eprintln!("a token for '{username}' (shown once; send it as MLFLOW_TRACKING_TOKEN):");
            println!("{secret}");
        }
    }
    Ok(())
}

/// Reads a password (CAIRN_PASSWORD, else from the terminal, asked twice and not shown, else one
/// line of standard input), checks it and hashes it.
fn new_password_hash(what: &str) -> anyhow::Result<String> {
    let password = match std::env::var(PASSWORD_VARIABLE) {
        Ok(password) if !password.is_empty() => password,
        _ if std::io::IsTerminal::is_terminal(&std::io::stdin()) => {
            let first = ask_hidden(&format!("{what} (8 characters or more): "))?;
            let again = ask_hidden(&format!("{what} again: "))?;
            anyhow::ensure!(
                first == again,
                "the two passwords differ: nothing was changed"
            );
            first
        }
        _ => read_line(what)?,
    };
    anyhow::ensure!(
        !password.is_empty(),
        "no password: set {PASSWORD_VARIABLE} or pass it on standard input"
    );
    secrets::check_new_password(&password).map_err(|error| anyhow::anyhow!("{what}: {error}"))?;
    secrets::hash_password(&password).map_err(anyhow::Error::msg)
}

/// One line of standard input, without its line end.
fn read_line(what: &str) -> anyhow::Result<String> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .with_context(|| format!("reading {what} from standard input"))?;
    Ok(line.trim_end_matches(['\n', '\r']).to_owned())
}

/// Asks on the terminal with `prompt` and reads a line without showing what is typed.
#[cfg(unix)]
fn ask_hidden(prompt: &str) -> anyhow::Result<String> {
    use rustix::termios::{LocalModes, OptionalActions, tcgetattr, tcsetattr};
    eprint!("{prompt}");
    let stdin = std::io::stdin();
    let saved = tcgetattr(&stdin).context("reading the terminal's settings")?;
    let mut hidden = saved.clone();
    hidden.local_modes.remove(LocalModes::ECHO);
    tcsetattr(&stdin, OptionalActions::Now, &hidden).context("hiding what is typed")?;
    let line = read_line("the password");
    let restored = tcsetattr(&stdin, OptionalActions::Now, &saved);
    eprintln!();
    restored.context("restoring the terminal's settings")?;
    line
}

#[cfg(not(unix))]
fn ask_hidden(prompt: &str) -> anyhow::Result<String> {
    eprint!("{prompt}");
    read_line("the password")
}

/// Creates the first admin from CAIRN_ADMIN_USERNAME / CAIRN_ADMIN_PASSWORD when the store
/// has no users yet (for a server started by a script or a container).
pub fn bootstrap_admin(store: &dyn Store) -> anyhow::Result<()> {
    let (Ok(username), Ok(password)) = (
        std::env::var("CAIRN_ADMIN_USERNAME"),
        std::env::var("CAIRN_ADMIN_PASSWORD"),
    ) else {
        return Ok(());
    };
    if !store.list_users()?.is_empty() {
        return Ok(());
    }
    secrets::check_new_password(&password)
        .map_err(|error| anyhow::anyhow!("CAIRN_ADMIN_PASSWORD: {error}"))?;
    let hash = secrets::hash_password(&password).map_err(anyhow::Error::msg)?;
    store
        .create_user(&username, &hash, true)
        .with_context(|| format!("creating the admin '{username}' from CAIRN_ADMIN_USERNAME"))?;
    eprintln!("cairn serve: created the admin '{username}' (CAIRN_ADMIN_USERNAME)");
    Ok(())
}
