//! `passerelle directory`: search the service directory; coordinators add,
//! edit and delete their service's entries, and export or import them as
//! Open Referral HSDS 3.0 JSON.

use std::path::PathBuf;

use anyhow::Context as _;
use clap::Subcommand;
use passerelle::client::directory::{DirectoryEntry, DirectoryQuery};
use passerelle_domain::directory::{EntryDetails, EntryId, InterventionDomain};

use super::client::{ProfileArg, block_on};
use super::io;

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Search the directory (any signed-in account).
    Search {
        /// Only entries serving this domain of intervention (for example `family_ties`).
        #[arg(long, value_parser = parse_domain)]
        domain: Option<InterventionDomain>,
        /// Only entries speaking this language (BCP 47; `fr` also finds `fr-BE`).
        #[arg(long)]
        language: Option<String>,
        /// Only entries open now (Brussels time).
        #[arg(long)]
        open_now: bool,
        #[command(flatten)]
        profile: ProfileArg,
    },
    /// Show one entry.
    Show {
        /// The entry id.
        entry: EntryId,
        #[command(flatten)]
        profile: ProfileArg,
    },
    /// Add an entry to your service (coordinators). The file is the entry
    /// as JSON: name, description, domains, languages, hours, contact,
    /// address, address_confidential.
    Add {
        /// The JSON file (standard input if absent).
        #[arg(long, value_name = "FILE")]
        file: Option<PathBuf>,
        #[command(flatten)]
        profile: ProfileArg,
    },
    /// Replace an entry of your service with a JSON file (coordinators).
    Edit {
        /// The entry id.
        entry: EntryId,
        /// The JSON file (standard input if absent).
        #[arg(long, value_name = "FILE")]
        file: Option<PathBuf>,
        #[command(flatten)]
        profile: ProfileArg,
    },
    /// Delete an entry of your service for good (coordinators).
    Delete {
        /// The entry id.
        entry: EntryId,
        #[command(flatten)]
        profile: ProfileArg,
    },
    /// Export your service's entries as HSDS 3.0 JSON (coordinators).
    /// Confidential addresses are left out.
    Export {
        /// Where to write (standard output if absent).
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
        #[command(flatten)]
        profile: ProfileArg,
    },
    /// Import an HSDS 3.0 file into your service (coordinators): valid
    /// records are created or replaced by id, the others are listed.
    Import {
        /// The HSDS file (standard input if absent).
        file: Option<PathBuf>,
        #[command(flatten)]
        profile: ProfileArg,
    },
}

fn parse_domain(text: &str) -> Result<InterventionDomain, String> {
    text.parse().map_err(|_| {
        let known: Vec<&str> = InterventionDomain::ALL.iter().map(|d| d.as_str()).collect();
        format!("unknown domain; one of {}", known.join(", "))
    })
}

fn details(file: Option<&std::path::Path>) -> anyhow::Result<EntryDetails> {
    let bytes = io::read_input(file)?;
    serde_json::from_slice(&bytes).context("the entry is not valid JSON of an entry")
}

fn print_entry(entry: &DirectoryEntry) {
    let open = if entry.open_now {
        "open now"
    } else {
        "closed now"
    };
    println!("{} ({open})\n  id {}", entry.name, entry.id);
    if !entry.description.is_empty() {
        println!("  {}", entry.description);
    }
    let domains: Vec<&str> = entry.domains.iter().map(|d| d.as_str()).collect();
    println!("  domains: {}", domains.join(", "));
    if !entry.languages.is_empty() {
        println!("  languages: {}", entry.languages.join(", "));
    }
    for day in &entry.hours.0 {
        let ranges: Vec<String> = day
            .ranges
            .iter()
            .map(|r| format!("{}–{}", r.opens, r.closes))
            .collect();
        println!("  {:?}: {}", day.day, ranges.join(", "));
    }
    let c = &entry.contact;
    for (label, value) in [
        ("phone", &c.phone),
        ("email", &c.email),
        ("website", &c.website),
    ] {
        if let Some(value) = value {
            println!("  {label}: {value}");
        }
    }
    if let Some(a) = &entry.address {
        let note = if entry.address_confidential == Some(true) {
            " (confidential: never give it to relatives)"
        } else {
            ""
        };
        println!(
            "  address{note}: {}, {} {}, {}",
            a.street, a.postal_code, a.city, a.country
        );
    }
}

/// Runs one subcommand.
pub fn run(command: Command) -> anyhow::Result<()> {
    let profile = match &command {
        Command::Search { profile, .. }
        | Command::Show { profile, .. }
        | Command::Add { profile, .. }
        | Command::Edit { profile, .. }
        | Command::Delete { profile, .. }
        | Command::Export { profile, .. }
        | Command::Import { profile, .. } => profile.open()?,
    };
    let (client, _) = profile.client()?;
    match command {
        Command::Search {
            domain,
            language,
            open_now,
            ..
        } => {
            let query = DirectoryQuery {
                domain,
                language,
                open_now,
            };
            let entries = block_on(async { Ok(client.search_directory(&query).await?) })?;
            if entries.is_empty() {
                println!("No entries.");
            }
            entries.iter().for_each(print_entry);
        }
        Command::Show { entry, .. } => {
            print_entry(&block_on(async {
                Ok(client.directory_entry(entry).await?)
            })?);
        }
        Command::Add { file, .. } => {
            let details = details(file.as_deref())?;
            let entry = block_on(async { Ok(client.add_directory_entry(&details).await?) })?;
            println!("Added {}.", entry.id);
        }
        Command::Edit { entry, file, .. } => {
            let details = details(file.as_deref())?;
            block_on(async { Ok(client.edit_directory_entry(entry, &details).await?) })?;
            println!("Saved {entry}.");
        }
        Command::Delete { entry, .. } => {
            block_on(async { Ok(client.delete_directory_entry(entry).await?) })?;
            println!("Deleted {entry}.");
        }
        Command::Export { output, .. } => {
            let page = block_on(async { Ok(client.export_hsds().await?) })?;
            let mut bytes = serde_json::to_vec_pretty(&page)?;
            bytes.push(b'\n');
            io::write_output(output.as_deref(), &bytes)?;
        }
        Command::Import { file, .. } => {
            let bytes = io::read_input(file.as_deref())?;
            let report = block_on(async { Ok(client.import_hsds(bytes).await?) })?;
            println!("Imported {} record(s).", report.imported);
            for r in &report.rejected {
                let id = r.id.as_deref().unwrap_or("no id");
                println!("  rejected #{} ({id}): {}", r.index, r.reason);
            }
        }
    }
    Ok(())
}
