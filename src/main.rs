//! The `passerelle` command: the envelope tools today, the server and its
//! client as they land.

use std::process::ExitCode;

use clap::Parser;

mod cli;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // One line, no backtrace: the message chain says what went wrong.
            eprintln!("passerelle: {error:#}");
            ExitCode::FAILURE
        }
    }
}
