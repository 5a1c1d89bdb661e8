//! `cairn`: browse, log to and manage a Cairn store from a terminal.
//!
//! Every command is a thin layer over `cairn-app` and `cairn-core`; this file parses the command
//! line, runs the command, and turns any error into one line on stderr and a non-zero exit.

mod args;
mod commands;
mod output;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    match commands::run(cli) {
        Ok(code) => code,
        Err(error) => {
            let chain: Vec<String> = error.chain().map(ToString::to_string).collect();
            eprintln!("error: {}", chain.join(": "));
            ExitCode::FAILURE
        }
    }
}
