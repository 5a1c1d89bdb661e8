//! Who runs a command, for `mlflow.user`: `$USER`, else `$LOGNAME`, else the OS account of the
//! process's uid (as Python's `getpass.getuser`, which the mlflow client uses), else nobody.

/// The user name, or empty when neither the environment nor the account database has one.
pub(super) fn user_name() -> String {
    ["USER", "LOGNAME"]
        .iter()
        .filter_map(|key| std::env::var(key).ok())
        .map(|value| value.trim().to_string())
        .find(|value| !value.is_empty())
        .or_else(account_name)
        .unwrap_or_default()
}

/// The account name of the process's uid (`getpwuid_r`, so NSS accounts too).
#[cfg(unix)]
fn account_name() -> Option<String> {
    uzers::get_current_username()?
        .into_string()
        .ok()
        .filter(|name| !name.is_empty())
}

#[cfg(not(unix))]
fn account_name() -> Option<String> {
    None
}
