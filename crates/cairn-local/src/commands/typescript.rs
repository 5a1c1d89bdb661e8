//! The UI's twin of the local shell's table, generated
//! (`ui/src/lib/backend/generated/local-commands.ts`): the commands only a shell on this machine
//! answers, with their types; types the store's table declares are imported from its file. A
//! local command that answers a store command (same name) is left out — the UI calls it as that
//! store command — and must keep its argument and result types.

use std::collections::BTreeMap;

use cairn_app::commands::typescript::{self, Imports};

/// The local table's TypeScript, or what is wrong with the table.
pub fn local_commands() -> Result<String, String> {
    let config = typescript::config();
    let store: BTreeMap<&str, (String, String)> = cairn_app::commands::all()
        .map(|command| {
            let signature = (command.signature)(&config);
            (command.name, (signature.args, signature.result))
        })
        .collect();
    let mut own = Vec::new();
    let mut mismatched = Vec::new();
    for command in super::all() {
        match store.get(command.name) {
            None => own.push(command),
            Some(theirs) => {
                let signature = (command.signature)(&config);
                if (&signature.args, &signature.result) != (&theirs.0, &theirs.1) {
                    mismatched.push(command.name);
                }
            }
        }
    }
    if !mismatched.is_empty() {
        return Err(format!(
            "local commands answering a store command must keep its argument and result types: {}",
            mismatched.join(", ")
        ));
    }
    let store_declarations = typescript::store_declarations();
    typescript::render_table(
        "Generated from cairn-local's command table (crates/cairn-local/src/commands/); do not edit.\n\
         Regenerate: UPDATE_TS=1 cargo test -p cairn-local typescript",
        "LocalCommands",
        "/**\n * Every command only the desktop app answers, by name: its argument object and its result.\n * `cairn serve` has none of them.\n */\n",
        own,
        typescript::Declarations::new(),
        Some(&Imports {
            module: "./commands",
            declarations: &store_declarations,
        }),
    )
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    #[test]
    fn typescript_local_commands_are_fresh() {
        let text = super::local_commands().unwrap_or_else(|message| panic!("{message}"));
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../ui/src/lib/backend/generated/local-commands.ts");
        if let Err(message) = cairn_app::commands::typescript::ensure_file(
            &path,
            &text,
            "UPDATE_TS=1 cargo test -p cairn-local typescript",
        ) {
            panic!("{message}");
        }
    }
}
