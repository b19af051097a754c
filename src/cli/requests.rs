//! `passerelle request`: requests from the command line.

use clap::Subcommand;

use super::client::ProfileArg;

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List them.
    List {
        #[command(flatten)]
        profile: ProfileArg,
    },
}

/// Runs one subcommand.
pub fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::List { profile: _ } => anyhow::bail!("not built yet"),
    }
}
