//! The audit checkpoint file beside the server's keys
//! (`passerelle_store::audit::checkpoint`): `serve` writes the chain's head
//! there every minute and on shutdown; `audit verify` checks the chain still
//! reaches it, so rows cut from the end of the trail are caught.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use jiff::Timestamp;
use passerelle_store::audit::checkpoint::Checkpoint;
use passerelle_store::{AtRest, Store};

/// The file's name in the keys folder.
pub const FILE: &str = "audit.checkpoint";

fn path(dir: &Path) -> PathBuf {
    dir.join(FILE)
}

/// The checkpoint in `dir`, if one was written; an invalid one is an error.
pub fn read(dir: &Path, key: &AtRest) -> anyhow::Result<Option<Checkpoint>> {
    let path = path(dir);
    match std::fs::read_to_string(&path) {
        Ok(line) => Ok(Some(
            Checkpoint::from_line(&line, key).with_context(|| path.display().to_string())?,
        )),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}

/// Replaces the checkpoint atomically: a crash leaves the old one or the
/// new one, never half of either.
fn write(dir: &Path, key: &AtRest, checkpoint: &Checkpoint) -> anyhow::Result<()> {
    let line = checkpoint.to_line(key)?;
    let target = path(dir);
    let temporary = dir.join(format!("{FILE}.tmp"));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(&temporary)
        .with_context(|| format!("cannot write {}", temporary.display()))?;
    file.write_all(line.as_bytes())?;
    file.sync_all()?;
    std::fs::rename(&temporary, &target)
        .with_context(|| format!("cannot replace {}", target.display()))?;
    Ok(())
}

/// Writes the chain's current head if it moved past the checkpoint on
/// file; never moves the checkpoint back.
pub async fn take(store: &dyn Store, dir: &Path, key: &AtRest) -> anyhow::Result<()> {
    let (seq, head) = store.audit_head().await?;
    let on_file = read(dir, key)?.map_or(0, |c| c.seq);
    if seq > on_file {
        write(dir, key, &Checkpoint::of(seq, head, Timestamp::now()))?;
    }
    Ok(())
}

/// Takes a checkpoint every `every` until the process ends.
pub fn spawn(
    store: Arc<dyn Store>,
    dir: PathBuf,
    key: AtRest,
    every: Duration,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        loop {
            ticks.tick().await;
            if let Err(error) = take(&*store, &dir, &key).await {
                tracing::error!(error = %format!("{error:#}"), "could not write the audit checkpoint");
            }
        }
    })
}
