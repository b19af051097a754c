//! `passerelle visit`: visit requests from the command line. The relative's
//! note is sealed here, before it leaves the machine.

use std::path::PathBuf;

use anyhow::{Context as _, bail};
use clap::Subcommand;
use jiff::civil::{Date, Time};
use passerelle::client::visits::{
    VisitAsk, VisitInfo, VisitStep, open_visit_note, seal_visit_note,
};
use passerelle::client::{Party, party_names};
use passerelle_domain::CaseId;
use passerelle_domain::visit::{PreferredDate, Slot, VisitId, VisitKind, VisitStatus};
use zeroize::Zeroizing;

use super::client::{ProfileArg, block_on, unlock};
use super::io;

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// (Relatives) ask for a visit. The note (visitors' names, needs) is
    /// read from INPUT or standard input and sealed to you and the case's
    /// workers.
    Request {
        /// The case.
        #[arg(long)]
        case: CaseId,
        /// `ordinary`, `extended_family` or `video`.
        #[arg(long, default_value = "ordinary")]
        kind: String,
        /// A preferred date, `2026-12-09` or `2026-12-09:morning` (`morning`,
        /// `afternoon`, `any`); repeat for up to 5.
        #[arg(long = "date", value_name = "DATE[:SLOT]", required = true)]
        dates: Vec<String>,
        /// How many adults visit.
        #[arg(long, default_value_t = 1)]
        adults: u8,
        /// The age of a visiting minor; repeat for each.
        #[arg(long = "minor-age", value_name = "AGE")]
        minor_ages: Vec<u8>,
        /// Seal the note to the detained person too.
        #[arg(long)]
        for_detainee: bool,
        /// The note; standard input if absent.
        input: Option<PathBuf>,
        #[command(flatten)]
        profile: ProfileArg,
    },
    /// List the case's visit requests you may see.
    List {
        /// The case.
        #[arg(long)]
        case: CaseId,
        #[command(flatten)]
        profile: ProfileArg,
    },
    /// Show one request, with its note opened if it is sealed to you.
    Show {
        /// The request.
        visit: VisitId,
        #[command(flatten)]
        profile: ProfileArg,
    },
    /// Take a step: (workers) `review`, `forward`, `schedule`, `refuse`,
    /// `done`; (the relative or a worker) `cancel`.
    Step {
        /// The request.
        visit: VisitId,
        /// The step.
        action: String,
        /// (forward) The visit service's reference.
        #[arg(long)]
        reference: Option<String>,
        /// (schedule) The day.
        #[arg(long)]
        date: Option<Date>,
        /// (schedule) The time, `14:30`.
        #[arg(long)]
        time: Option<Time>,
        /// (schedule) Where.
        #[arg(long)]
        place: Option<String>,
        /// (refuse, cancel) Why.
        #[arg(long)]
        reason: Option<String>,
        #[command(flatten)]
        profile: ProfileArg,
    },
}

/// Runs one subcommand.
pub fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Request {
            case,
            kind,
            dates,
            adults,
            minor_ages,
            for_detainee,
            input,
            profile,
        } => {
            let kind = VisitKind::from_name(&kind).with_context(|| {
                format!("unknown kind {kind:?}: ordinary, extended_family or video")
            })?;
            let dates = dates
                .iter()
                .map(|d| preferred(d))
                .collect::<anyhow::Result<Vec<_>>>()?;
            let profile = profile.open()?;
            let (client, _) = profile.client()?;
            let note = Zeroizing::new(io::read_input(input.as_deref())?);
            if note.is_empty() {
                bail!("the note is empty: name the visitors");
            }
            let secret = unlock(&profile)?;
            block_on(async {
                let parties = client.parties(case).await?;
                let ask = VisitAsk {
                    kind,
                    dates,
                    adults,
                    minor_ages,
                    note: seal_visit_note(&secret, case, &parties, &note, for_detainee)?,
                };
                let visit = client.request_visit(case, &ask).await?;
                println!(
                    "Asked for visit {} ({}).",
                    visit.id,
                    status_line(&visit.status)
                );
                Ok(())
            })
        }
        Command::List { case, profile } => {
            let profile = profile.open()?;
            let (client, _) = profile.client()?;
            block_on(async {
                let parties = client.parties(case).await?;
                let visits = client.visits(case).await?;
                if visits.is_empty() {
                    println!("No visit requests.");
                }
                for visit in &visits {
                    print_visit(visit, &parties);
                }
                Ok(())
            })
        }
        Command::Show { visit, profile } => {
            let profile = profile.open()?;
            let (client, _) = profile.client()?;
            let secret = unlock(&profile)?;
            block_on(async {
                let info = client.visit(visit).await?;
                let parties = client.parties(info.case).await?;
                print_visit(&info, &parties);
                match open_visit_note(&secret, &info, &parties)? {
                    Some(note) => println!("  Note: {note}"),
                    None => println!("  The note is not sealed to you."),
                }
                Ok(())
            })
        }
        Command::Step {
            visit,
            action,
            reference,
            date,
            time,
            place,
            reason,
            profile,
        } => {
            let step = match action.as_str() {
                "review" => VisitStep::Review,
                "forward" => VisitStep::Forward { reference },
                "schedule" => VisitStep::Schedule {
                    date: date.context("schedule needs --date")?,
                    time: time.context("schedule needs --time")?,
                    place: place.context("schedule needs --place")?,
                },
                "refuse" => VisitStep::Refuse {
                    reason: reason.context("refuse needs --reason")?,
                },
                "done" => VisitStep::Done,
                "cancel" => VisitStep::Cancel { reason },
                other => bail!(
                    "unknown step {other:?}: review, forward, schedule, refuse, done or cancel"
                ),
            };
            let profile = profile.open()?;
            let (client, _) = profile.client()?;
            block_on(async {
                let info = client.visit_step(visit, &step).await?;
                println!("Visit {}: {}.", info.id, status_line(&info.status));
                Ok(())
            })
        }
    }
}

/// `2026-12-09` or `2026-12-09:afternoon`.
fn preferred(text: &str) -> anyhow::Result<PreferredDate> {
    let (date, slot) = text.split_once(':').unwrap_or((text, "any"));
    Ok(PreferredDate {
        date: date
            .parse()
            .with_context(|| format!("{date:?} is not a date like 2026-12-09"))?,
        slot: Slot::from_name(slot)
            .with_context(|| format!("unknown slot {slot:?}: morning, afternoon or any"))?,
    })
}

fn status_line(status: &VisitStatus) -> String {
    match status {
        VisitStatus::Forwarded(f) => match &f.reference {
            Some(r) => format!("forwarded, reference {}", r.as_str()),
            None => "forwarded".to_owned(),
        },
        VisitStatus::Scheduled(a) => format!(
            "scheduled on {} at {} in {}",
            a.date,
            a.time.strftime("%H:%M"),
            a.place.as_str()
        ),
        VisitStatus::Refused { reason } => format!("refused: {}", reason.as_str()),
        VisitStatus::Cancelled { by, reason } => {
            let why = reason
                .as_ref()
                .map(|r| format!(": {}", r.as_str()))
                .unwrap_or_default();
            format!("cancelled by the {}{why}", by.name())
        }
        other => other.name().replace('_', " "),
    }
}

fn print_visit(visit: &VisitInfo, parties: &[Party]) {
    let who = party_names(parties, &[visit.relative]);
    println!(
        "Visit {} [{}] {} for {}",
        visit.id,
        status_line(&visit.status),
        visit.kind.name().replace('_', " "),
        who
    );
    let dates: Vec<String> = visit
        .dates
        .iter()
        .map(|d| format!("{} ({})", d.date, d.slot.name()))
        .collect();
    println!("  Preferred: {}", dates.join(", "));
    let minors = if visit.minor_ages.is_empty() {
        String::new()
    } else {
        let ages: Vec<String> = visit.minor_ages.iter().map(u8::to_string).collect();
        format!(", minors aged {}", ages.join(", "))
    };
    println!("  Visitors: {} adult(s){minors}", visit.adults);
}
