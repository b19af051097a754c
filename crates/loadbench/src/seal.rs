//! Envelopes sealed before a timed phase, on every core, so that no sealing
//! happens while the server is measured. Each has its own message id (the
//! server refuses a replayed one).

use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::{Context as _, anyhow};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use passerelle_crypto::{CaseId, ContentType, Context, MessageId, PublicKey, SecretKey};

/// The plaintext of every message: 1 KiB.
pub const PLAINTEXT_LEN: usize = 1024;

fn plaintext() -> Vec<u8> {
    b"Bonjour, nous pensons bien a toi. "
        .iter()
        .copied()
        .cycle()
        .take(PLAINTEXT_LEN)
        .collect()
}

/// One message envelope from `sender` to `recipients` for `case`, with a
/// fresh id.
pub fn seal_one(
    sender: &SecretKey,
    recipients: &[PublicKey],
    case: uuid::Uuid,
) -> anyhow::Result<Vec<u8>> {
    seal_as(ContentType::Message, sender, recipients, case)
}

/// One envelope of `content_type` from `sender` to `recipients` for
/// `case`, with a fresh id.
pub fn seal_as(
    content_type: ContentType,
    sender: &SecretKey,
    recipients: &[PublicKey],
    case: uuid::Uuid,
) -> anyhow::Result<Vec<u8>> {
    let context = Context {
        content_type,
        message_id: MessageId::from_bytes(*uuid::Uuid::new_v4().as_bytes()),
        case_id: CaseId::from_bytes(*case.as_bytes()),
    };
    let sealed = passerelle_crypto::seal(sender, recipients, &context, &plaintext())
        .context("sealing failed")?;
    Ok(sealed.into_bytes())
}

/// The JSON body of an upload.
pub fn upload_body(envelope: &[u8]) -> Vec<u8> {
    format!(r#"{{"envelope":"{}"}}"#, STANDARD.encode(envelope)).into_bytes()
}

/// `count` upload bodies, sealed on every core; and how long that took.
pub fn seal_bodies(
    sender: &SecretKey,
    recipients: &[PublicKey],
    case: uuid::Uuid,
    count: usize,
) -> anyhow::Result<(Vec<Vec<u8>>, Duration)> {
    let started = Instant::now();
    let threads = std::thread::available_parallelism()
        .map(usize::from)
        .unwrap_or(2)
        .min(count.max(1));
    let per_thread = count.div_ceil(threads);
    let chunks: Vec<anyhow::Result<Vec<Vec<u8>>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let n = per_thread.min(count.saturating_sub(t * per_thread));
                scope.spawn(move || {
                    (0..n)
                        .map(|_| seal_one(sender, recipients, case).map(|e| upload_body(&e)))
                        .collect()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(anyhow!("a sealing thread panicked")))
            })
            .collect()
    });
    let mut bodies = Vec::with_capacity(count);
    for chunk in chunks {
        bodies.extend(chunk?);
    }
    Ok((bodies, started.elapsed()))
}

/// Pre-sealed upload bodies, each handed out once.
#[derive(Debug)]
pub struct Pool(Mutex<Vec<Vec<u8>>>);

impl Pool {
    pub fn new(bodies: Vec<Vec<u8>>) -> Self {
        Self(Mutex::new(bodies))
    }

    /// The next body; `None` once the pool is empty.
    pub fn take(&self) -> Option<Vec<u8>> {
        self.0.lock().ok()?.pop()
    }
}
