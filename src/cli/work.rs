//! `passerelle queue`, `notifications`, `refer`, `referral` and `report`:
//! a worker's day from the command line.

use clap::Subcommand;

use super::client::{ProfileArg, block_on};

/// `passerelle report …`.
#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Monthly counts of your service's practical requests by domain,
    /// category and response, as CSV (counts under five left empty).
    Requests {
        /// The first month, YYYY-MM.
        #[arg(long)]
        from: String,
        /// The last month, YYYY-MM.
        #[arg(long)]
        to: String,
        #[command(flatten)]
        profile: ProfileArg,
    },
}

/// `passerelle referral …`.
#[derive(Debug, Subcommand)]
pub enum ReferralCommand {
    /// Refer a practical request to a directory service.
    Make {
        /// The request.
        request: String,
        /// The directory entry (see `passerelle directory search`).
        #[arg(long)]
        to: String,
        #[command(flatten)]
        profile: ProfileArg,
    },
    /// List a request's referrals.
    List {
        /// The request.
        request: String,
        #[command(flatten)]
        profile: ProfileArg,
    },
    /// Record the service's answer.
    Answer {
        /// The referral.
        referral: String,
        /// The service took the person on (otherwise: `--declined`).
        #[arg(
            long,
            conflicts_with = "declined",
            required_unless_present = "declined"
        )]
        confirmed: bool,
        /// The service declined.
        #[arg(long)]
        declined: bool,
        #[command(flatten)]
        profile: ProfileArg,
    },
}

/// `passerelle queue`: one page of what waits for you.
pub fn queue(profile: &ProfileArg, after: Option<&str>, limit: u32) -> anyhow::Result<()> {
    let (client, _) = profile.open()?.client()?;
    let page = block_on(async { Ok(client.work_queue(after, limit).await?) })?;
    let t = &page.totals;
    println!(
        "Waiting: {} messages to relay, {} new requests ({} overdue), {} visits to forward.",
        t.messages_pending_relay, t.new_requests, t.overdue_acknowledgements, t.visits_to_forward
    );
    for item in &page.items {
        println!(
            "{:<24} {:<7} {} {} (case {}, since {})",
            item.kind, item.urgency, item.object_kind, item.id, item.case, item.since
        );
    }
    if let Some(next) = page.next {
        println!("More: passerelle queue --after {next}");
    }
    Ok(())
}

/// `passerelle notifications`: the newest, then marks them read.
pub fn notifications(profile: &ProfileArg, limit: u32, keep_unread: bool) -> anyhow::Result<()> {
    let (client, _) = profile.open()?.client()?;
    block_on(async {
        let items = client.notifications(limit).await?;
        if items.is_empty() {
            println!("No notifications.");
        }
        for n in &items {
            let mark = if n.read_at.is_none() { "new " } else { "    " };
            let object = n.object_id.as_deref().unwrap_or("-");
            println!(
                "{mark}{}  {:<28} {} {object}",
                n.created_at, n.kind, n.object_kind
            );
        }
        if let (Some(newest), false) = (items.first(), keep_unread) {
            client.mark_notifications_read(newest.seq).await?;
        }
        Ok(())
    })
}

/// Runs `passerelle referral …`.
pub fn referral(command: ReferralCommand) -> anyhow::Result<()> {
    match command {
        ReferralCommand::Make {
            request,
            to,
            profile,
        } => {
            let (client, _) = profile.open()?.client()?;
            let made = block_on(async { Ok(client.refer(&request, &to).await?) })?;
            println!(
                "Referred to {} (referral {}, {}).",
                made.entry_name, made.id, made.status
            );
            Ok(())
        }
        ReferralCommand::List { request, profile } => {
            let (client, _) = profile.open()?.client()?;
            let items = block_on(async { Ok(client.referrals(&request).await?) })?;
            if items.is_empty() {
                println!("No referrals.");
            }
            for r in &items {
                let gone = if r.entry.is_none() {
                    " (entry deleted)"
                } else {
                    ""
                };
                println!(
                    "{}  {:<9} {}{gone}  since {}",
                    r.id, r.status, r.entry_name, r.referred_at
                );
            }
            Ok(())
        }
        ReferralCommand::Answer {
            referral,
            confirmed,
            declined: _,
            profile,
        } => {
            let (client, _) = profile.open()?.client()?;
            let answered =
                block_on(async { Ok(client.answer_referral(&referral, confirmed).await?) })?;
            println!("Referral {} is {}.", answered.id, answered.status);
            Ok(())
        }
    }
}

/// Runs `passerelle report …`.
pub fn report(command: ReportCommand) -> anyhow::Result<()> {
    match command {
        ReportCommand::Requests { from, to, profile } => {
            let (client, _) = profile.open()?.client()?;
            let csv = block_on(async { Ok(client.request_report_csv(&from, &to).await?) })?;
            print!("{csv}");
            Ok(())
        }
    }
}
