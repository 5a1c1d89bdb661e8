//! `cairn`: browse, log to and manage a Cairn store from a terminal.
//!
//! Every command is a thin layer over `cairn-app` and `cairn-core`; this file parses the command
//! line, runs the command, and turns any error into one line on stderr and a non-zero exit.

/// `println!` that returns the write's `io::Result` instead of panicking: when stdout is a pipe
/// closed early (`cairn runs list | head -1`), the error travels up to `main`, which exits
/// quietly as other Unix tools do.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($arg)*)
    }};
}

mod args;
mod commands;
mod embedded_ui;
mod output;

use std::process::ExitCode;

use clap::Parser;

/// The process's allocator. `cairn serve` frees large buffers (10 MB upload parts, 16 MiB
/// download parts, big request bodies) from many threads; glibc's malloc keeps such memory in
/// per-thread arenas and raises its mmap threshold after the first free, so a server's resident
/// memory stayed at its highest point. jemalloc gives unused pages back to the system after a
/// few seconds.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    match commands::run(cli) {
        Ok(code) => code,
        // The reader went away (`| head`): nothing is wrong and nobody is listening.
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            let chain: Vec<String> = error.chain().map(ToString::to_string).collect();
            eprintln!("error: {}", chain.join(": "));
            ExitCode::FAILURE
        }
    }
}

/// Whether `error` comes from writing to a pipe whose reader has gone.
fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
