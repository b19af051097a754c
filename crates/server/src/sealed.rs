//! Sealed envelopes arriving in a case: messages, and the free text of visit
//! requests, practical requests and plan notes. The server cannot open them;
//! it checks their structure, that the caller sealed them with their current
//! key, and to whom they are sealed, so nothing is ever sealed to someone
//! outside the case.

use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use passerelle_crypto::{ContentType, Envelope, PublicKey};
use passerelle_domain::{AccountId, Membership};
use passerelle_store::KeyRecord;

use crate::access::CaseAccess;
use crate::auth::Caller;
use crate::{ApiError, AppState};

/// An envelope that passed the checks of [`check`].
#[derive(Debug)]
pub struct Sealed {
    /// The envelope's bytes, stored as they are.
    pub bytes: Vec<u8>,
    /// The envelope's own id: unique per sender, so a replay is refused.
    pub envelope_id: uuid::Uuid,
    /// The parties it is sealed to, in the envelope's order.
    pub recipients: Vec<AccountId>,
}

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::InvalidEnvelope(message.into())
}

/// Decodes `base64`, parses the envelope and checks that it is of type
/// `content`, sealed for this case by the caller's current key, and only to
/// parties of the case (each recipient key belongs to one of them).
pub async fn check(
    state: &AppState,
    access: &CaseAccess,
    caller: &Caller,
    base64: &str,
    content: ContentType,
) -> Result<Sealed, ApiError> {
    let bytes = STANDARD
        .decode(base64.trim())
        .map_err(|_| ApiError::BadRequest("envelope must be standard base64".to_owned()))?;
    if bytes.len() > state.limits.max_envelope_bytes {
        return Err(ApiError::PayloadTooLarge(format!(
            "an envelope is at most {} bytes",
            state.limits.max_envelope_bytes
        )));
    }
    let envelope = Envelope::parse(&bytes).map_err(|e| invalid(e.to_string()))?;
    envelope
        .verify_payload_digest()
        .map_err(|e| invalid(e.to_string()))?;
    if envelope.content_type() != content {
        return Err(invalid(format!(
            "this endpoint takes envelopes of type {}",
            content_name(content)
        )));
    }
    if envelope.case_id().as_bytes() != access.case.id.as_uuid().as_bytes() {
        return Err(invalid("the envelope is sealed for another case"));
    }
    let keys = party_keys(state, caller, access).await?;
    let owner_of = |key: &PublicKey| {
        keys.iter()
            .find(|k| k.public_key == *key.as_bytes())
            .map(|k| k.account)
    };
    if owner_of(&envelope.sender()) != Some(caller.account.id) {
        return Err(invalid("seal with your current registered key"));
    }
    let recipients = envelope
        .recipients()
        // Bind every recipient to a party: stops an envelope naming a key
        // from outside the case, which would leak its content.
        .map(|key| {
            owner_of(&key).ok_or_else(|| invalid("the envelope names a key outside the case"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let worker_left_out = access
        .parties
        .iter()
        .filter(|p| p.membership == Membership::Worker)
        .filter(|p| keys.iter().any(|k| k.account == p.account))
        .any(|p| !recipients.contains(&p.account));
    if worker_left_out {
        // Workers handle everything in their cases; what they cannot read
        // they cannot handle responsibly.
        return Err(invalid("every worker of the case must be a recipient"));
    }
    let envelope_id = uuid::Uuid::from_bytes(*envelope.message_id().as_bytes());
    Ok(Sealed {
        bytes,
        envelope_id,
        recipients,
    })
}

/// [`check`] for a note (a visit or practical request's free text, a plan
/// note): sealed to the caller, the case's workers, and at most the parties
/// in `readers`; to nobody else.
pub async fn note(
    state: &AppState,
    access: &CaseAccess,
    caller: &Caller,
    base64: &str,
    content: ContentType,
    readers: &[AccountId],
) -> Result<Sealed, ApiError> {
    let sealed = check(state, access, caller, base64, content).await?;
    for recipient in &sealed.recipients {
        let allowed = *recipient == caller.account.id
            || readers.contains(recipient)
            || access.membership(*recipient) == Some(Membership::Worker);
        if !allowed {
            return Err(invalid(
                "a note is sealed to its author and the case's workers only",
            ));
        }
    }
    Ok(sealed)
}

fn content_name(content: ContentType) -> &'static str {
    match content {
        ContentType::Message => "message",
        ContentType::Request => "request",
        ContentType::Visit => "visit",
        ContentType::PlanNote => "plan_note",
    }
}

/// The current keys of the case's parties, kept while the access generation
/// read with the caller's session holds (`crate::facts`).
async fn party_keys(
    state: &AppState,
    caller: &Caller,
    access: &CaseAccess,
) -> Result<Arc<Vec<KeyRecord>>, ApiError> {
    let case = access.case.id;
    if let Some(kept) = state.facts.keys.get(caller.generation, &case) {
        return Ok(kept);
    }
    let ids: Vec<AccountId> = access.parties.iter().map(|p| p.account).collect();
    let keys = Arc::new(state.store.current_keys(&ids).await?);
    state.facts.keys.put(caller.generation, case, keys.clone());
    Ok(keys)
}
