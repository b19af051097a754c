//! `passerelle plan`: release plans from the command line. Item notes are
//! sealed here, before they leave the machine.

use std::path::PathBuf;

use anyhow::{Context as _, bail};
use clap::Subcommand;
use jiff::civil::Date;
use passerelle::client::plans::{open_plan_note, owner_account, seal_plan_note};
use passerelle_domain::CaseId;
use passerelle_domain::plan::{ItemOwner, ItemStatus, PlanItemId, ReleaseKind};
use zeroize::Zeroizing;

use super::client::{ProfileArg, block_on, unlock};
use super::io;

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show the case's plan, with the notes sealed to you opened.
    Show {
        /// The case.
        #[arg(long)]
        case: CaseId,
        #[command(flatten)]
        profile: ProfileArg,
    },
    /// (Workers) create the plan or move its release.
    Set {
        /// The case.
        #[arg(long)]
        case: CaseId,
        /// The release date, `2027-03-15`.
        #[arg(long)]
        date: Date,
        /// `end_of_sentence`, `conditional_release`, `electronic_monitoring`,
        /// `limited_detention`, `provisional_release` or `leave`.
        #[arg(long)]
        kind: String,
        /// The date is confirmed (else expected).
        #[arg(long)]
        confirmed: bool,
        #[command(flatten)]
        profile: ProfileArg,
    },
    /// Move an item: `in_progress`, `done` or `not_needed`.
    Step {
        /// The item.
        item: PlanItemId,
        /// The new status.
        status: String,
        #[command(flatten)]
        profile: ProfileArg,
    },
    /// Add a note to an item, read from INPUT or standard input and sealed
    /// to you, the case's workers and the item's owner.
    Note {
        /// The case.
        #[arg(long)]
        case: CaseId,
        /// The item.
        item: PlanItemId,
        /// The note; standard input if absent.
        input: Option<PathBuf>,
        #[command(flatten)]
        profile: ProfileArg,
    },
}

/// Runs one subcommand.
pub fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Show { case, profile } => {
            let profile = profile.open()?;
            let (client, _) = profile.client()?;
            let secret = unlock(&profile)?;
            block_on(async {
                let plan = client.plan(case).await?;
                let parties = client.parties(case).await?;
                let state = if plan.confirmed {
                    "confirmed"
                } else {
                    "expected"
                };
                println!(
                    "Release {} ({state}, {}).",
                    plan.release_date,
                    plan.kind.name()
                );
                for item in &plan.items {
                    let due = item.due_date.map(|d| d.to_string()).unwrap_or_default();
                    let owner = match item.owner {
                        ItemOwner::Worker => "workers".to_owned(),
                        ItemOwner::Detainee => "the detained person".to_owned(),
                        ItemOwner::Relative(account) => format!("relative {account}"),
                    };
                    println!(
                        "{} {:<22} due {due}  {:<11} {owner}",
                        item.id,
                        item.key,
                        item.status.name()
                    );
                    for note in &item.notes {
                        match open_plan_note(&secret, note, &parties) {
                            Ok(text) => println!("    Note: {text}"),
                            Err(error) => println!("    A note that does not open: {error}"),
                        }
                    }
                }
                Ok(())
            })
        }
        Command::Set {
            case,
            date,
            kind,
            confirmed,
            profile,
        } => {
            let kind =
                ReleaseKind::from_name(&kind).with_context(|| format!("unknown kind {kind:?}"))?;
            let profile = profile.open()?;
            let (client, _) = profile.client()?;
            block_on(async {
                let plan = client.set_plan(case, date, confirmed, kind).await?;
                println!(
                    "Plan {}: release {}, {} items.",
                    plan.id,
                    plan.release_date,
                    plan.items.len()
                );
                Ok(())
            })
        }
        Command::Step {
            item,
            status,
            profile,
        } => {
            let status = ItemStatus::from_name(&status).with_context(|| {
                format!("unknown status {status:?}: in_progress, done or not_needed")
            })?;
            let profile = profile.open()?;
            let (client, _) = profile.client()?;
            block_on(async {
                let item = client.plan_step(item, status).await?;
                println!("Item {} ({}): {}.", item.id, item.key, item.status.name());
                Ok(())
            })
        }
        Command::Note {
            case,
            item,
            input,
            profile,
        } => {
            let profile = profile.open()?;
            let (client, _) = profile.client()?;
            let note = Zeroizing::new(io::read_input(input.as_deref())?);
            if note.is_empty() {
                bail!("the note is empty");
            }
            let secret = unlock(&profile)?;
            block_on(async {
                let plan = client.plan(case).await?;
                let found = plan
                    .items
                    .iter()
                    .find(|i| i.id == item)
                    .context("no such item in this case's plan")?;
                let parties = client.parties(case).await?;
                let owner = owner_account(found.owner, &parties);
                let sealed = seal_plan_note(&secret, case, &parties, owner, &note)?;
                let stored = client.plan_note(item, &sealed).await?;
                println!("Note {} added.", stored.id);
                Ok(())
            })
        }
    }
}
