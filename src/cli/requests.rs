//! `passerelle request`: practical requests from the command line. The
//! description is sealed and opened on this device.

use std::path::PathBuf;

use anyhow::bail;
use clap::{Subcommand, ValueEnum};
use passerelle::client::requests::{RequestInfo, RequestStep, open_request, seal_request};
use passerelle::client::{Party, find_party};
use passerelle_domain::CaseId;
use passerelle_domain::request::{
    Category, NotPossibleReason, RequestId, Resolution, ResolutionKind, Urgency,
};
use zeroize::Zeroizing;

use super::client::{ProfileArg, block_on, unlock};
use super::io;

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// File a practical request; its description (a file, or standard
    /// input) is sealed here to you and the case's workers.
    File {
        /// The case.
        #[arg(long)]
        case: CaseId,
        /// clothing_and_linen, money_deposit, documents_and_id,
        /// contacting_the_lawyer, cpas_benefits, mutualite, housing, debts,
        /// residence_status, children, transport_to_visits or other.
        #[arg(long)]
        category: Category,
        /// low, normal, high or urgent.
        #[arg(long, default_value = "normal")]
        urgency: Urgency,
        /// The description; standard input if absent.
        input: Option<PathBuf>,
        #[command(flatten)]
        profile: ProfileArg,
    },
    /// List a case's requests you may see.
    List {
        /// The case.
        #[arg(long)]
        case: CaseId,
        #[command(flatten)]
        profile: ProfileArg,
    },
    /// Show one request and open its description if it is sealed to you.
    Show {
        /// The request.
        request: RequestId,
        #[command(flatten)]
        profile: ProfileArg,
    },
    /// (Workers) assign a request to a worker of the case.
    Assign {
        /// The request.
        request: RequestId,
        /// The worker: an account id or a display name.
        #[arg(long)]
        worker: String,
        #[command(flatten)]
        profile: ProfileArg,
    },
    /// Move a request along: acknowledge, start, resolve, close, reopen.
    Step {
        /// The request.
        request: RequestId,
        /// The step.
        action: Action,
        /// With `resolve`: answered_directly, professional_service,
        /// solidarity_initiative or not_possible.
        #[arg(long)]
        resolution: Option<ResolutionKind>,
        /// With `--resolution not_possible`: why.
        #[arg(long)]
        reason: Option<String>,
        #[command(flatten)]
        profile: ProfileArg,
    },
}

/// A step's name on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Action {
    /// Submitted → acknowledged.
    Acknowledge,
    /// Acknowledged → in progress.
    Start,
    /// In progress → resolved (needs `--resolution`).
    Resolve,
    /// Resolved → closed.
    Close,
    /// Closed → in progress.
    Reopen,
}

/// Runs one subcommand.
pub fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::File {
            case,
            category,
            urgency,
            input,
            profile,
        } => {
            let profile = profile.open()?;
            let (client, _) = profile.client()?;
            let text = Zeroizing::new(io::read_input(input.as_deref())?);
            if text.is_empty() {
                bail!("the description is empty");
            }
            let secret = unlock(&profile)?;
            let info = block_on(async {
                let parties = client.parties(case).await?;
                let envelope = seal_request(&secret, case, &parties, &text)?;
                Ok(client
                    .file_request(case, category, urgency, &envelope)
                    .await?)
            })?;
            println!("Filed request {} ({}).", info.id, info.status);
            Ok(())
        }
        Command::List { case, profile } => {
            let (client, _) = profile.open()?.client()?;
            let items = block_on(async { Ok(client.requests(case).await?) })?;
            if items.is_empty() {
                println!("No requests.");
            }
            for info in &items {
                println!("{}", summary(info));
            }
            Ok(())
        }
        Command::Show { request, profile } => {
            let profile = profile.open()?;
            let (client, _) = profile.client()?;
            let (info, parties) = block_on(async {
                let info = client.practical_request(request).await?;
                let parties = client.parties(info.case).await?;
                Ok((info, parties))
            })?;
            println!("{}", summary(&info));
            if info.envelope.is_some() {
                let secret = unlock(&profile)?;
                match open_request(&secret, &info, &parties) {
                    Ok(text) => text.lines().for_each(|line| println!("  | {line}")),
                    Err(error) => println!("  (the description cannot be opened here: {error})"),
                }
            }
            Ok(())
        }
        Command::Assign {
            request,
            worker,
            profile,
        } => {
            let (client, _) = profile.open()?.client()?;
            let info = block_on(async {
                let case = client.practical_request(request).await?.case;
                let parties: Vec<Party> = client.parties(case).await?;
                let worker = find_party(&parties, &worker)?;
                Ok(client.assign_request(request, worker).await?)
            })?;
            println!("{}", summary(&info));
            Ok(())
        }
        Command::Step {
            request,
            action,
            resolution,
            reason,
            profile,
        } => {
            let step = match (action, resolution) {
                (Action::Resolve, Some(kind)) => RequestStep::Resolve(resolution_of(kind, reason)?),
                (Action::Resolve, None) => bail!("resolve needs --resolution"),
                (_, Some(_)) => bail!("--resolution goes with resolve only"),
                (Action::Acknowledge, None) => RequestStep::Acknowledge,
                (Action::Start, None) => RequestStep::Start,
                (Action::Close, None) => RequestStep::Close,
                (Action::Reopen, None) => RequestStep::Reopen,
            };
            let (client, _) = profile.open()?.client()?;
            let info = block_on(async { Ok(client.request_step(request, &step).await?) })?;
            println!("{}", summary(&info));
            Ok(())
        }
    }
}

fn resolution_of(kind: ResolutionKind, reason: Option<String>) -> anyhow::Result<Resolution> {
    Ok(match (kind, reason) {
        (ResolutionKind::NotPossible, Some(reason)) => Resolution::NotPossible {
            reason: NotPossibleReason::new(&reason)?,
        },
        (ResolutionKind::NotPossible, None) => bail!("not_possible needs --reason"),
        (_, Some(_)) => bail!("--reason goes with not_possible only"),
        (ResolutionKind::AnsweredDirectly, None) => Resolution::AnsweredDirectly,
        (ResolutionKind::ProfessionalService, None) => Resolution::ProfessionalService,
        (ResolutionKind::SolidarityInitiative, None) => Resolution::SolidarityInitiative,
    })
}

/// One line about a request.
fn summary(info: &RequestInfo) -> String {
    let mut line = format!(
        "Request {} [{}] {} ({}), filed {}",
        info.id,
        info.status,
        info.category.name(),
        info.urgency.name(),
        info.created_at.strftime("%Y-%m-%d %H:%M UTC"),
    );
    if info.on_behalf {
        line.push_str(", on behalf of the detained person");
    }
    if let Some(seconds) = info.seconds_to_acknowledge {
        line.push_str(&format!(", acknowledged after {} min", seconds / 60));
    }
    if let Some(resolution) = &info.resolution {
        line.push_str(&format!(", answer: {}", resolution.kind().name()));
        if let Some(reason) = resolution.reason() {
            line.push_str(&format!(" ({reason})"));
        }
    }
    line
}
