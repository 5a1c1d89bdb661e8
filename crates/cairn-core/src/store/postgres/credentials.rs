//! Who Cairn signs in to PostgreSQL as, where the URL does not say, as libpq finds it: the user
//! from `PGUSER` (else the login name in `USER`), the password from `PGPASSWORD`, else from the
//! password file (`PGPASSFILE`, else `~/.pgpass`): its first `host:port:database:user:password`
//! line that matches, `*` matching anything and `\` escaping `:` and `\`. As libpq does, a
//! password file that others than its owner may read is not used.

use std::path::{Path, PathBuf};

/// The port a URL without one connects to.
const DEFAULT_PORT: u16 = 5432;

/// Fills in the user and password `config` lacks, from `env` (a variable's value by name) and
/// the password file it names.
pub(crate) fn complete(config: &mut postgres::Config, env: &dyn Fn(&str) -> Option<String>) {
    if config.get_user().is_none()
        && let Some(user) = non_empty(env("PGUSER")).or_else(|| non_empty(env("USER")))
    {
        config.user(&user);
    }
    if config.get_password().is_some() {
        return;
    }
    if let Some(password) = non_empty(env("PGPASSWORD")) {
        config.password(password);
        return;
    }
    let Some(file) = password_file(env) else {
        return;
    };
    let Some(text) = readable_by_owner_only(&file) else {
        return;
    };
    let host = match config.get_hosts().first() {
        Some(postgres::config::Host::Tcp(name)) => name.clone(),
        #[cfg(unix)]
        Some(postgres::config::Host::Unix(_)) | None => "localhost".to_owned(),
        #[cfg(not(unix))]
        None => "localhost".to_owned(),
    };
    let port = config
        .get_ports()
        .first()
        .copied()
        .unwrap_or(DEFAULT_PORT)
        .to_string();
    let user = config.get_user().unwrap_or_default().to_owned();
    let database = config.get_dbname().unwrap_or(&user).to_owned();
    if let Some(password) = find_password(&text, [&host, &port, &database, &user]) {
        config.password(password);
    }
}

fn non_empty(value: Option<String>) -> Option<String> {
    value.filter(|value| !value.is_empty())
}

/// `PGPASSFILE`, else `.pgpass` in the home folder.
fn password_file(env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    if let Some(path) = non_empty(env("PGPASSFILE")) {
        return Some(PathBuf::from(path));
    }
    non_empty(env("HOME")).map(|home| Path::new(&home).join(".pgpass"))
}

/// The file's text, unless it is missing, not a plain file, or open to its group or others.
fn readable_by_owner_only(path: &Path) -> Option<String> {
    let metadata = std::fs::metadata(path).ok()?;
    if !metadata.is_file() {
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        if metadata.permissions().mode() & 0o077 != 0 {
            // As libpq says it: on the terminal, where the one starting Cairn sees it.
            eprintln!(
                "warning: password file {} is readable by its group or others: not used \
                 (chmod 0600 it)",
                path.display()
            );
            return None;
        }
    }
    std::fs::read_to_string(path).ok()
}

/// The password of the first line of a password file whose four fields match `wanted` (host,
/// port, database, user).
fn find_password(text: &str, wanted: [&str; 4]) -> Option<String> {
    text.lines()
        .filter(|line| !line.trim_start().starts_with('#') && !line.trim().is_empty())
        .find_map(|line| {
            let fields = split_fields(line);
            let [host, port, database, user, password] = fields.as_slice() else {
                return None;
            };
            let matches = [host, port, database, user]
                .iter()
                .zip(wanted)
                .all(|(field, wanted)| field.as_str() == "*" || field.as_str() == wanted);
            matches.then(|| password.clone())
        })
}

/// A password file line's fields: split at `:`, with `\:` and `\\` standing for themselves.
fn split_fields(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut chars = line.chars();
    while let Some(char) = chars.next() {
        match char {
            '\\' => {
                if let (Some(next), Some(field)) = (chars.next(), fields.last_mut()) {
                    field.push(next);
                }
            }
            ':' => fields.push(String::new()),
            other => {
                if let Some(field) = fields.last_mut() {
                    field.push(other);
                }
            }
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail loudly")]

    use super::*;

    fn env_of(pairs: &[(&str, String)]) -> impl Fn(&str) -> Option<String> + use<> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(name, value)| ((*name).to_owned(), value.clone()))
            .collect();
        move |name| {
            pairs
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.clone())
        }
    }

    fn config(url: &str) -> postgres::Config {
        url.parse().unwrap()
    }

    #[test]
    fn password_file_lines_match_by_field_with_wildcards_and_escapes() {
        let text = "# team servers\n\
                    db.internal:5432:cairn:alice:first\n\
                    *:5432:cairn:bob:p\\:w\\\\d\n\
                    *:*:*:carol:any\n\
                    malformed line\n";
        let cases = [
            (["db.internal", "5432", "cairn", "alice"], Some("first")),
            (["other", "5432", "cairn", "alice"], None),
            (["other", "5432", "cairn", "bob"], Some("p:w\\d")),
            (["other", "6543", "cairn", "bob"], None),
            (["h", "1", "d", "carol"], Some("any")),
        ];
        for (wanted, expected) in cases {
            assert_eq!(
                find_password(text, wanted).as_deref(),
                expected,
                "{wanted:?}"
            );
        }
    }

    #[test]
    fn the_url_wins_then_the_environment_then_the_password_file() {
        let folder = tempfile::tempdir().unwrap();
        let file = folder.path().join("pass");
        std::fs::write(&file, "127.0.0.1:5433:team:alice:from-file\n").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        let passfile = file.display().to_string();

        let mut given = config("postgresql://alice:in-url@127.0.0.1:5433/team");
        complete(&mut given, &env_of(&[("PGPASSWORD", "env".to_owned())]));
        assert_eq!(given.get_password(), Some(&b"in-url"[..]));

        let mut from_env = config("postgresql://alice@127.0.0.1:5433/team");
        let env = env_of(&[
            ("PGPASSWORD", "env".to_owned()),
            ("PGPASSFILE", passfile.clone()),
        ]);
        complete(&mut from_env, &env);
        assert_eq!(from_env.get_password(), Some(&b"env"[..]));

        let mut from_file = config("postgresql://127.0.0.1:5433/team");
        let env = env_of(&[
            ("PGUSER", "alice".to_owned()),
            ("PGPASSFILE", passfile.clone()),
        ]);
        complete(&mut from_file, &env);
        assert_eq!(from_file.get_user(), Some("alice"));
        assert_eq!(from_file.get_password(), Some(&b"from-file"[..]));

        let mut other_port = config("postgresql://alice@127.0.0.1/team");
        complete(
            &mut other_port,
            &env_of(&[("PGPASSFILE", passfile.clone())]),
        );
        assert_eq!(other_port.get_password(), None);
    }

    #[cfg(unix)]
    #[test]
    fn a_password_file_others_may_read_is_not_used() {
        use std::os::unix::fs::PermissionsExt as _;
        let folder = tempfile::tempdir().unwrap();
        let file = folder.path().join("pass");
        std::fs::write(&file, "*:*:*:*:secret\n").unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        let mut open = config("postgresql://alice@host/db");
        complete(
            &mut open,
            &env_of(&[("PGPASSFILE", file.display().to_string())]),
        );
        assert_eq!(open.get_password(), None);
    }
}
