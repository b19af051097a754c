//! Command-line parsing and dispatch.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

mod checkpoint;
mod client;
mod demo;
mod directory;
mod envelope;
mod io;
mod plans;
mod requests;
mod server;
mod visits;
mod work;

/// Passerelle: a secure relay between detained persons and their families.
#[derive(Debug, Parser)]
#[command(name = "passerelle", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the relay service (SQLite under data/ unless told otherwise).
    Serve {
        #[command(flatten)]
        service: server::ServiceArgs,
        /// The address to listen on.
        #[arg(long, env = "PASSERELLE_LISTEN", default_value = "127.0.0.1:8080")]
        listen: std::net::SocketAddr,
        /// Keep no audit trail: only to measure what the trail costs.
        #[arg(long, hide = true)]
        no_audit: bool,
        /// Seconds between two runs of the reminder pump: shorter only for
        /// tests and benchmarks.
        #[arg(
            long,
            hide = true,
            env = "PASSERELLE_REMINDER_INTERVAL",
            default_value_t = 60,
            value_parser = clap::value_parser!(u64).range(1..=3600)
        )]
        reminder_interval_seconds: u64,
    },
    /// Apply the database migrations and exit.
    Migrate {
        #[command(flatten)]
        service: server::ServiceArgs,
    },
    /// Administration of a service.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// The audit trail.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
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
    /// Sign in to a server; the session is kept in your profile folder.
    Login {
        /// The server's address, for example `http://127.0.0.1:8080` (remembered).
        #[arg(long)]
        server: Option<String>,
        /// Your login. The password comes from `PASSERELLE_PASSWORD`, or is asked.
        #[arg(long)]
        login: String,
        #[command(flatten)]
        profile: client::ProfileArg,
    },
    /// End your profile's session.
    Logout {
        #[command(flatten)]
        profile: client::ProfileArg,
    },
    /// Join a case with an invitation code, then sign in.
    Join {
        /// The server's address (remembered).
        #[arg(long)]
        server: String,
        /// The invitation code a worker gave you (it may start with `-`).
        #[arg(long, allow_hyphen_values = true)]
        code: String,
        /// The login to create. The password comes from `PASSERELLE_PASSWORD`, or is asked twice.
        #[arg(long)]
        login: String,
        /// The name the others see.
        #[arg(long)]
        display_name: String,
        /// A phone number (never shown to the detained person).
        #[arg(long)]
        phone: Option<String>,
        #[command(flatten)]
        profile: client::ProfileArg,
    },
    /// Show this device's key; create it with --generate; list a case's keys with --case.
    Keys {
        /// Create this device's key, wrapped under a passphrase, and register it.
        #[arg(long, conflicts_with_all = ["register", "case"])]
        generate: bool,
        /// Register the profile's key again (after a failed attempt).
        #[arg(long, conflicts_with = "case")]
        register: bool,
        /// List the people of this case with their fingerprints and key versions.
        #[arg(long)]
        case: Option<passerelle_domain::CaseId>,
        #[command(flatten)]
        profile: client::ProfileArg,
    },
    /// Seal a file (or standard input) on this device and send it in a case.
    Send {
        /// The case.
        #[arg(long)]
        case: passerelle_domain::CaseId,
        /// An addressee: an account id or a display name; repeat for several.
        #[arg(long = "to", value_name = "ACCOUNT", required = true)]
        to: Vec<String>,
        /// (Workers) the detained person without a device you write for.
        #[arg(long, value_name = "ACCOUNT")]
        on_behalf_of: Option<String>,
        /// The message; standard input if absent.
        input: Option<PathBuf>,
        #[command(flatten)]
        profile: client::ProfileArg,
    },
    /// Open and show one page of your inbox (or outbox); marks nothing read.
    Inbox {
        /// Only this case.
        #[arg(long)]
        case: Option<passerelle_domain::CaseId>,
        /// The messages you sent instead.
        #[arg(long)]
        outbox: bool,
        /// The cursor printed at the end of the previous page.
        #[arg(long)]
        before: Option<i64>,
        #[command(flatten)]
        profile: client::ProfileArg,
    },
    /// (Workers) relay a message, hold it with a reason, or record an in-person delivery.
    Relay {
        /// The message id.
        message: passerelle_domain::MessageId,
        /// Hold it instead, with a reason its sender sees.
        #[arg(long, value_name = "REASON", conflicts_with = "in_person")]
        hold: Option<String>,
        /// It was handed over or read out during a visit.
        #[arg(long)]
        in_person: bool,
        #[command(flatten)]
        profile: client::ProfileArg,
    },
    /// Open one message, show it, and mark it read.
    Read {
        /// The message id.
        message: passerelle_domain::MessageId,
        #[command(flatten)]
        profile: client::ProfileArg,
    },
    /// Release plans: the release date and its checklist.
    Plan {
        #[command(subcommand)]
        command: plans::Command,
    },
    /// Visit requests: ask for a visit, follow it; (workers) take it through.
    Visit {
        #[command(subcommand)]
        command: visits::Command,
    },
    /// Practical requests: file one, follow it; (workers) handle and refer it.
    Request {
        #[command(subcommand)]
        command: requests::Command,
    },
    /// The service directory: search it; (coordinators) maintain it, import and export HSDS.
    Directory {
        #[command(subcommand)]
        command: directory::Command,
    },
    /// (Workers) what waits for you across your cases, most urgent first.
    Queue {
        /// The cursor printed at the end of the previous page.
        #[arg(long)]
        after: Option<String>,
        /// Items per page (1 to 200).
        #[arg(long, default_value_t = 50)]
        limit: u32,
        #[command(flatten)]
        profile: client::ProfileArg,
    },
    /// Your newest notifications; shown ones are then marked read.
    Notifications {
        /// How many (1 to 100).
        #[arg(long, default_value_t = 20)]
        limit: u32,
        /// Leave them unread.
        #[arg(long)]
        keep_unread: bool,
        #[command(flatten)]
        profile: client::ProfileArg,
    },
    /// (Workers) refer practical requests to directory services, and record the answer.
    Referral {
        #[command(subcommand)]
        command: work::ReferralCommand,
    },
    /// (Coordinators) trend reports for the authorities, with no personal data.
    Report {
        #[command(subcommand)]
        command: work::ReportCommand,
    },
    /// Play a whole exchange on a throw-away local server and show what each side sees.
    Demo,
}

#[derive(Debug, Subcommand)]
enum AuditCommand {
    /// Check the whole hash chain: exits non-zero at the first edited,
    /// deleted, inserted or reordered row.
    Verify {
        #[command(flatten)]
        service: server::ServiceArgs,
    },
    /// Record the chain's current head in the keys folder now (`serve`
    /// does so every minute): `verify` then catches rows cut from the end.
    Checkpoint {
        #[command(flatten)]
        service: server::ServiceArgs,
    },
}

#[derive(Debug, Subcommand)]
enum AdminCommand {
    /// Create a service and its first coordinator. The password comes from
    /// `PASSERELLE_ADMIN_PASSWORD`, or is asked on the terminal.
    CreateCoordinator {
        #[command(flatten)]
        service: server::ServiceArgs,
        /// The service (organisation) this coordinator runs.
        #[arg(long)]
        service_name: String,
        /// The coordinator's login.
        #[arg(long)]
        login: String,
        /// The name shown to others.
        #[arg(long)]
        display_name: String,
    },
}

/// Runs one command.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve {
            service,
            listen,
            no_audit,
            reminder_interval_seconds,
        } => runtime()?.block_on(server::serve(
            service,
            listen,
            !no_audit,
            std::time::Duration::from_secs(reminder_interval_seconds),
        )),
        Command::Migrate { service } => runtime()?.block_on(server::migrate(service)),
        Command::Audit {
            command: AuditCommand::Verify { service },
        } => runtime()?.block_on(server::verify_audit(service)),
        Command::Audit {
            command: AuditCommand::Checkpoint { service },
        } => runtime()?.block_on(server::checkpoint_audit(service)),
        Command::Admin {
            command:
                AdminCommand::CreateCoordinator {
                    service,
                    service_name,
                    login,
                    display_name,
                },
        } => runtime()?.block_on(server::create_coordinator(
            service,
            &service_name,
            &login,
            &display_name,
        )),
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
        Command::Login {
            server,
            login,
            profile,
        } => client::login(&profile, server, &login),
        Command::Logout { profile } => client::logout(&profile),
        Command::Join {
            server,
            code,
            login,
            display_name,
            phone,
            profile,
        } => client::join(&profile, &server, code, &login, display_name, phone),
        Command::Keys {
            generate,
            register,
            case,
            profile,
        } => client::keys(&profile, generate, register, case),
        Command::Send {
            case,
            to,
            on_behalf_of,
            input,
            profile,
        } => client::send(
            &profile,
            case,
            &to,
            on_behalf_of.as_deref(),
            input.as_deref(),
        ),
        Command::Inbox {
            case,
            outbox,
            before,
            profile,
        } => client::inbox(&profile, case, outbox, before),
        Command::Relay {
            message,
            hold,
            in_person,
            profile,
        } => client::relay(&profile, message, hold.as_deref(), in_person),
        Command::Read { message, profile } => client::read(&profile, message),
        Command::Plan { command } => plans::run(command),
        Command::Visit { command } => visits::run(command),
        Command::Request { command } => requests::run(command),
        Command::Directory { command } => directory::run(command),
        Command::Queue {
            after,
            limit,
            profile,
        } => work::queue(&profile, after.as_deref(), limit),
        Command::Notifications {
            limit,
            keep_unread,
            profile,
        } => work::notifications(&profile, limit, keep_unread),
        Command::Referral { command } => work::referral(command),
        Command::Report { command } => work::report(command),
        Command::Demo => demo::run(),
    }
}

/// The async runtime for the commands that talk to a database or a server;
/// the envelope commands never start one.
fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    init_logs();
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        // Argon2id runs on blocking threads, and each thread's allocator
        // heap keeps the 7 MiB a hash used until the thread ends: an idle
        // one ends after a second instead of tokio's default ten.
        .thread_keep_alive(std::time::Duration::from_secs(1))
        .build()?)
}

/// Structured logs on standard error, `RUST_LOG` to filter (default `info`),
/// `PASSERELLE_LOG_FORMAT=json` for JSON lines.
fn init_logs() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = if std::env::var("PASSERELLE_LOG_FORMAT").as_deref() == Ok("json") {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

#[cfg(test)]
mod tests {
    use clap::Parser as _;

    use super::{Cli, Command};

    #[test]
    fn an_invitation_code_starting_with_a_hyphen_is_a_code() {
        // Codes are URL-safe base64, so one in 64 starts with `-`.
        let args = [
            "passerelle",
            "join",
            "--server",
            "http://127.0.0.1:8080",
            "--code",
            "-Xy_9aBc",
            "--login",
            "nadia",
            "--display-name",
            "Nadia",
        ];
        let cli = Cli::try_parse_from(args).unwrap();
        match cli.command {
            Command::Join { code, .. } => assert_eq!(code, "-Xy_9aBc"),
            other => panic!("{other:?}"),
        }
    }
}
