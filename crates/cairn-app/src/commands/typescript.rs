//! The UI's twin of a command table, generated: every command's argument and result type in
//! TypeScript (by ts-rs, from the Rust types), and the map from command name to both. A test
//! compares the committed file with what this writes now and fails when it is stale
//! (`UPDATE_TS=1 cargo test -p cairn-app typescript` writes it), so the Rust function is the one
//! place a command is declared.
//!
//! Field conventions the derives follow: a field the caller may leave out (`#[serde(default)]`)
//! is marked `#[ts(optional)]` when it is an `Option`, else `#[ts(optional = nullable)]` (which
//! on a non-`Option` field only adds the `?`).

use std::any::TypeId;
use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;
use std::path::Path;

use ts_rs::{Config, TS, TypeVisitor};

use super::Command;
use crate::AppError;

/// TypeScript declarations by type name: `export type Name = ...;` with its documentation.
pub type Declarations = BTreeMap<String, String>;

/// How ts-rs writes Cairn's types: 64-bit integers are plain numbers (ids and counts stay far
/// below 2^53; times are epoch milliseconds).
pub fn config() -> Config {
    Config::new().with_large_int("number")
}

/// A command's argument and result types, by name, with every declaration they need.
#[derive(Debug)]
pub struct Signature {
    /// The argument object's type.
    pub args: String,
    /// The result's type.
    pub result: String,
    /// Every named type the two refer to.
    pub declarations: Declarations,
    /// Names two different types among them share.
    pub clashes: Vec<String>,
}

/// The signature of the command run by `function`.
pub fn signature<C, A: TS + 'static, O: TS + 'static>(
    config: &Config,
    _function: fn(&C, A) -> Result<O, AppError>,
) -> Signature {
    let mut declarations = Declarations::new();
    let mut collect = Collect {
        config,
        seen: HashSet::new(),
        declarations: &mut declarations,
        clashes: Vec::new(),
    };
    collect.visit::<A>();
    collect.visit::<O>();
    let clashes = collect.clashes;
    Signature {
        args: A::name(config),
        result: O::name(config),
        declarations,
        clashes,
    }
}

/// The declarations of `T` and of every type it refers to.
pub fn declarations_of<T: TS + 'static + ?Sized>(config: &Config) -> Declarations {
    let mut declarations = Declarations::new();
    Collect {
        config,
        seen: HashSet::new(),
        declarations: &mut declarations,
        clashes: Vec::new(),
    }
    .visit::<T>();
    declarations
}

/// Walks a type and everything it refers to, keeping each named type's declaration.
struct Collect<'a> {
    config: &'a Config,
    seen: HashSet<TypeId>,
    declarations: &'a mut Declarations,
    /// Names declared twice, differently.
    clashes: Vec<String>,
}

impl TypeVisitor for Collect<'_> {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        if !self.seen.insert(TypeId::of::<T>()) {
            return;
        }
        if T::output_path().is_some() {
            let name = T::ident(self.config);
            let mut text = T::docs().unwrap_or_default();
            text.push_str("export ");
            text.push_str(&tidy(&T::decl(self.config)));
            match self.declarations.get(&name) {
                Some(known) if *known != text => self.clashes.push(name),
                _ => {
                    self.declarations.insert(name, text);
                }
            }
        }
        T::visit_dependencies(self);
        T::visit_generics(self);
    }
}

/// A declaration ts-rs wrote on several lines (documented fields), indented: one field and its
/// documentation per line inside the braces, no trailing spaces.
fn tidy(declaration: &str) -> String {
    let lines: Vec<&str> = declaration.lines().map(str::trim_end).collect();
    let [first, middle @ .., last] = lines.as_slice() else {
        return declaration.to_owned();
    };
    let mut out = match first.split_once("{ ") {
        Some((head, field)) if !field.is_empty() => format!("{head}{{\n  {field}\n"),
        _ => format!("{first}\n"),
    };
    for line in middle {
        let _ = writeln!(out, "  {line}");
    }
    match last.strip_suffix(" };") {
        Some(field) => {
            let _ = write!(out, "  {field}\n}};");
        }
        None => {
            let _ = write!(out, "  {last}");
        }
    }
    out
}

/// Where the generated file imports the types it does not declare itself from.
#[derive(Debug)]
pub struct Imports<'a> {
    /// The module, as TypeScript names it (`./commands`).
    pub module: &'a str,
    /// The types it declares.
    pub declarations: &'a Declarations,
}

/// One table's TypeScript: the declarations of every type its commands use (those `imports`
/// declares are imported from it instead), then `interface <map_name>` from each command's name
/// to its `args` and `result`. Fails naming any type declared twice differently.
pub fn render_table<'a, C: 'static>(
    header: &str,
    map_name: &str,
    map_doc: &str,
    commands: impl IntoIterator<Item = &'a Command<C>>,
    extra: Declarations,
    imports: Option<&Imports<'_>>,
) -> Result<String, String> {
    let config = config();
    let mut declarations = extra;
    let mut clashes = Vec::new();
    let mut map = String::new();
    for command in commands {
        let signature = (command.signature)(&config);
        for clash in signature.clashes {
            clashes.push(format!("{clash} (in '{}')", command.name));
        }
        for (name, text) in signature.declarations {
            match declarations.get(&name) {
                Some(known) if *known != text => {
                    clashes.push(format!("{name} (in '{}')", command.name));
                }
                _ => {
                    declarations.insert(name, text);
                }
            }
        }
        let _ = writeln!(
            map,
            "  {}: {{ args: {}; result: {} }};",
            command.name, signature.args, signature.result
        );
    }
    let mut imported = Vec::new();
    if let Some(imports) = imports {
        declarations.retain(|name, text| match imports.declarations.get(name) {
            Some(theirs) if theirs == text => {
                imported.push(name.clone());
                false
            }
            Some(_) => {
                clashes.push(format!("{name} (differs from {}'s)", imports.module));
                true
            }
            None => true,
        });
    }
    if !clashes.is_empty() {
        return Err(format!(
            "two different Rust types have the same TypeScript name; rename one with \
             #[ts(rename = \"...\")]: {}",
            clashes.join(", ")
        ));
    }
    // Declarations the kept ones depend on arrive with them; import only the names this file's
    // own text uses (TypeScript's `noUnusedLocals` rejects the others).
    imported.retain(|name| {
        declarations.values().any(|text| mentions(text, name)) || mentions(&map, name)
    });
    let mut out = String::new();
    for line in header.lines() {
        let _ = writeln!(out, "// {line}");
    }
    if let Some(imports) = imports
        && !imported.is_empty()
    {
        let _ = writeln!(
            out,
            "\nimport type {{ {} }} from '{}';",
            imported.join(", "),
            imports.module
        );
    }
    for text in declarations.values() {
        let _ = write!(out, "\n{text}\n");
    }
    let _ = write!(out, "\n{map_doc}export interface {map_name} {{\n{map}}}\n");
    Ok(out)
}

/// Whether `text` names the type `name` (as a whole identifier).
fn mentions(text: &str, name: &str) -> bool {
    let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '$';
    text.match_indices(name).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + name.len()..].chars().next();
        !before.is_some_and(is_ident) && !after.is_some_and(is_ident)
    })
}

/// Checks that `path` holds `text`: when it does not and `$UPDATE_TS` is set, writes it; else
/// fails, saying how to regenerate.
pub fn ensure_file(path: &Path, text: &str, regenerate: &str) -> Result<(), String> {
    let current = std::fs::read_to_string(path).unwrap_or_default();
    if current == text {
        return Ok(());
    }
    if std::env::var_os("UPDATE_TS").is_some() {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|error| format!("{error}: {}", parent.display()))?;
        }
        return std::fs::write(path, text).map_err(|error| format!("{error}: {}", path.display()));
    }
    Err(format!(
        "{} is stale: the Rust command table changed. Regenerate it with `{regenerate}` and \
         commit the result",
        path.display()
    ))
}

/// The store table's TypeScript (`ui/src/lib/backend/generated/commands.ts`).
pub fn store_commands() -> Result<String, String> {
    render_table(
        "Generated from cairn-app's command table (crates/cairn-app/src/commands/); do not edit.\n\
         Regenerate: UPDATE_TS=1 cargo test -p cairn-app typescript",
        "Commands",
        "/**\n * Every command of the store, by name: its argument object and its result. Any caller may\n * send them (the desktop app, and a browser through `cairn serve`).\n */\n",
        super::all(),
        extra_declarations(),
        None,
    )
}

/// What the UI receives besides command results: the error kinds and the events.
fn extra_declarations() -> Declarations {
    let config = config();
    let mut declarations = declarations_of::<crate::ErrorKind>(&config);
    declarations.extend(declarations_of::<crate::events::AppEvent>(&config));
    declarations
}

/// The store's declarations, for a table that extends it (the local shell's imports them).
pub fn store_declarations() -> Declarations {
    let config = config();
    let mut declarations = extra_declarations();
    for command in super::all() {
        declarations.extend((command.signature)(&config).declarations);
    }
    declarations
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    #[test]
    fn typescript_commands_are_fresh() {
        let text = super::store_commands().unwrap();
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../ui/src/lib/backend/generated/commands.ts");
        if let Err(message) = super::ensure_file(
            &path,
            &text,
            "UPDATE_TS=1 cargo test -p cairn-app typescript",
        ) {
            panic!("{message}");
        }
    }
}
