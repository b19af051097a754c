//! `keygen`, `fingerprint`, `seal` and `open`: the envelope format, usable
//! without any server.

use std::path::Path;

use anyhow::Context as _;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use passerelle_crypto::{CaseId, ContentType, Context, MessageId, SafetyNumber, SecretKey};

use super::io;

pub fn keygen(output: Option<&Path>, unprotected: bool) -> anyhow::Result<()> {
    let key = SecretKey::generate()?;
    let text = io::key_file_text(&key, !unprotected)?;
    match output {
        Some(path) => {
            io::write_secret_file(path, &text)?;
            eprintln!("Public key: {}", key.public_key());
            eprintln!("Fingerprint: {}", key.public_key().fingerprint());
            Ok(())
        }
        None => io::write_output(None, text.as_bytes()),
    }
}

pub fn fingerprint(key: Option<&str>, with: Option<&str>) -> anyhow::Result<()> {
    let mine = match key {
        Some(arg) => io::load_public(arg)?,
        None => io::public_in(&String::from_utf8_lossy(&io::read_input(None)?))?,
    };
    match with {
        None => println!("{}", mine.fingerprint()),
        Some(other) => {
            let number = SafetyNumber::between(&mine, &io::load_public(other)?);
            println!("{number}");
            println!("QR: {}", number.qr_payload());
        }
    }
    Ok(())
}

pub struct SealArgs<'a> {
    pub from: &'a Path,
    pub to: &'a [String],
    pub case: Option<uuid::Uuid>,
    pub message_id: Option<uuid::Uuid>,
    pub content_type: &'a str,
    pub armor: bool,
    pub output: Option<&'a Path>,
    pub input: Option<&'a Path>,
}

pub fn seal(args: SealArgs<'_>) -> anyhow::Result<()> {
    let recipients = args
        .to
        .iter()
        .map(|r| io::load_public(r))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let content_type: ContentType = args
        .content_type
        .parse()
        .context("--type is one of message, request, visit, plan_note")?;
    let sender = io::load_secret(args.from)?;
    let plaintext = zeroize::Zeroizing::new(io::read_input(args.input)?);
    let context = Context {
        content_type,
        message_id: MessageId::from_bytes(
            *args
                .message_id
                .unwrap_or_else(uuid::Uuid::new_v4)
                .as_bytes(),
        ),
        case_id: CaseId::from_bytes(*args.case.unwrap_or_default().as_bytes()),
    };
    let sealed = passerelle_crypto::seal(&sender, &recipients, &context, &plaintext)?;
    if args.armor {
        let text = format!("{}\n", STANDARD.encode(sealed.as_bytes()));
        io::write_output(args.output, text.as_bytes())
    } else {
        io::write_output(args.output, sealed.as_bytes())
    }
}

pub fn open(
    key: &Path,
    from: Option<&str>,
    output: Option<&Path>,
    input: Option<&Path>,
) -> anyhow::Result<()> {
    let raw = io::read_input(input)?;
    let bytes = if raw.starts_with(&passerelle_crypto::wire::MAGIC) {
        raw
    } else {
        let text = String::from_utf8_lossy(&raw);
        STANDARD
            .decode(text.trim())
            .context("the input is neither an envelope nor base64 of one")?
    };
    let parsed = passerelle_crypto::Envelope::parse(&bytes)?;
    let sender = match from {
        Some(arg) => io::load_public(arg)?,
        None => {
            eprintln!(
                "Sealed by {} (fingerprint {}). Pass --from to require a known sender.",
                parsed.sender(),
                parsed.sender().fingerprint()
            );
            parsed.sender()
        }
    };
    let recipient = io::load_secret(key)?;
    let opened = passerelle_crypto::open(&bytes, &recipient, &sender)?;
    eprintln!(
        "{} {} in case {}, {} bytes",
        opened.context.content_type.as_str(),
        opened.context.message_id,
        opened.context.case_id,
        opened.plaintext.as_bytes().len()
    );
    io::write_output(output, opened.plaintext.as_bytes())
}
