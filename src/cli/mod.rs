//! Command-line parsing and dispatch.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

mod envelope;
mod io;

/// Passerelle: a secure relay between detained persons and their families.
#[derive(Debug, Parser)]
#[command(name = "passerelle", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Generate a key pair; the private key is wrapped under a passphrase.
    Keygen {
        /// Write the key here (refuses to overwrite) instead of standard output.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Write the private key without a passphrase (for tests and demos).
        #[arg(long)]
        unprotected: bool,
    },
    /// Show a key's fingerprint, or the safety number of two keys.
    Fingerprint {
        /// A key file, or a public key (`passerelle-pk:…`); standard input if absent.
        key: Option<String>,
        /// The other person's public key or key file: print your shared safety number.
        #[arg(long)]
        with: Option<String>,
    },
    /// Seal a file (or standard input) to one or more recipients.
    Seal {
        /// Your key file.
        #[arg(long = "from", value_name = "KEYFILE")]
        from: PathBuf,
        /// A recipient's public key or key file; repeat for each recipient.
        #[arg(long = "to", value_name = "PUBKEY", required = true)]
        to: Vec<String>,
        /// The case this envelope belongs to (a UUID).
        #[arg(long)]
        case: Option<uuid::Uuid>,
        /// The message id (a UUID); a random one if absent.
        #[arg(long)]
        message_id: Option<uuid::Uuid>,
        /// What the envelope carries: message, request, visit or plan_note.
        #[arg(long = "type", default_value = "message")]
        content_type: String,
        /// Write base64 text instead of binary.
        #[arg(short, long)]
        armor: bool,
        /// Write here instead of standard output.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// The file to seal; standard input if absent.
        input: Option<PathBuf>,
    },
    /// Open an envelope (binary or base64) with your key.
    Open {
        /// Your key file.
        #[arg(long, value_name = "KEYFILE")]
        key: PathBuf,
        /// The sender's public key or key file. Without it, the envelope's own
        /// sender is accepted and its fingerprint shown for you to check.
        #[arg(long = "from", value_name = "PUBKEY")]
        from: Option<String>,
        /// Write here instead of standard output.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// The envelope; standard input if absent.
        input: Option<PathBuf>,
    },
}

/// Runs one command.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Keygen {
            output,
            unprotected,
        } => envelope::keygen(output.as_deref(), unprotected),
        Command::Fingerprint { key, with } => {
            envelope::fingerprint(key.as_deref(), with.as_deref())
        }
        Command::Seal {
            from,
            to,
            case,
            message_id,
            content_type,
            armor,
            output,
            input,
        } => envelope::seal(envelope::SealArgs {
            from: &from,
            to: &to,
            case,
            message_id,
            content_type: &content_type,
            armor,
            output: output.as_deref(),
            input: input.as_deref(),
        }),
        Command::Open {
            key,
            from,
            output,
            input,
        } => envelope::open(&key, from.as_deref(), output.as_deref(), input.as_deref()),
    }
}
