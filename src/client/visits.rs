//! Visit requests through the API: the relative seals the note here, so the
//! server only ever stores an envelope it cannot open.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use jiff::Timestamp;
use jiff::civil::{Date, Time};
use passerelle_crypto::{
    CaseId as WireCaseId, ContentType, Context, MessageId as WireMessageId, PublicKey, SecretKey,
};
use passerelle_domain::visit::{
    Appointment, Forwarding, PreferredDate, VisitId, VisitKind, VisitStatus,
};
use passerelle_domain::{AccountId, CaseId, Membership};
use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{Client, ClientError, Party};

/// What a relative asks for.
#[derive(Debug, Clone, Serialize)]
pub struct VisitAsk {
    /// The kind of visit.
    pub kind: VisitKind,
    /// 1 to 5 preferred dates after today.
    pub dates: Vec<PreferredDate>,
    /// How many adults visit.
    pub adults: u8,
    /// The age of each visiting minor.
    pub minor_ages: Vec<u8>,
    /// The sealed note, standard base64 ([`seal_visit_note`]).
    pub note: String,
}

/// A visit request as the server shows it to the caller.
#[derive(Debug, Clone, Deserialize)]
pub struct VisitInfo {
    /// The server's id.
    pub id: VisitId,
    /// The case.
    pub case: CaseId,
    /// The relative who asked.
    pub relative: AccountId,
    /// The kind of visit.
    pub kind: VisitKind,
    /// The preferred dates.
    pub dates: Vec<PreferredDate>,
    /// How many adults visit.
    pub adults: u8,
    /// The age of each visiting minor.
    pub minor_ages: Vec<u8>,
    /// Where it stands.
    pub status: VisitStatus,
    /// The forwarding to the visit service, once recorded.
    pub forwarding: Option<Forwarding>,
    /// The last appointment, once scheduled.
    pub appointment: Option<Appointment>,
    /// When it was submitted.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
    /// The sealed note, if it is sealed to the caller.
    pub note: Option<String>,
}

#[derive(Debug, Deserialize)]
struct VisitList {
    items: Vec<VisitInfo>,
}

/// A step of the visit flow, as a worker (or, to cancel, the relative)
/// takes it.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum VisitStep {
    /// Take up a submitted request.
    Review,
    /// Forward it to the prison's visit service.
    Forward {
        /// The visit service's reference.
        reference: Option<String>,
    },
    /// Record the appointment.
    Schedule {
        /// The day.
        date: Date,
        /// The time.
        time: Time,
        /// Where.
        place: String,
    },
    /// Record a refusal.
    Refuse {
        /// Why; the relative sees it.
        reason: String,
    },
    /// The visit took place.
    Done,
    /// Cancel it.
    Cancel {
        /// Why, if you say.
        reason: Option<String>,
    },
}

/// Seals a visit note from `secret` (a relative of the case) to themselves,
/// the case's workers with a key, and the detained person too when
/// `for_detainee`; standard base64.
pub fn seal_visit_note(
    secret: &SecretKey,
    case: CaseId,
    parties: &[Party],
    plaintext: &[u8],
    for_detainee: bool,
) -> Result<String, ClientError> {
    let mine = secret.public_key();
    let mut keys: Vec<PublicKey> = vec![mine];
    for party in parties {
        let wanted = party.membership == Membership::Worker
            || (for_detainee && party.membership == Membership::Detainee);
        if let (true, Some(key)) = (wanted, party.public_key())
            && !keys.contains(&key)
        {
            keys.push(key);
        }
    }
    let id = uuid::Uuid::new_v4();
    let context = Context {
        content_type: ContentType::Visit,
        message_id: WireMessageId::from_bytes(*id.as_bytes()),
        case_id: WireCaseId::from_bytes(*case.as_uuid().as_bytes()),
    };
    let envelope = passerelle_crypto::seal(secret, &keys, &context, plaintext)?;
    Ok(STANDARD.encode(envelope.as_bytes()))
}

/// Opens a request's note with `secret`; the relative who asked sealed it,
/// with the key `parties` shows for them.
pub fn open_visit_note(
    secret: &SecretKey,
    visit: &VisitInfo,
    parties: &[Party],
) -> Result<Option<String>, ClientError> {
    let Some(note) = &visit.note else {
        return Ok(None);
    };
    let author = parties.iter().find(|p| p.account == visit.relative);
    let sender = match author.and_then(Party::public_key) {
        Some(key) => key,
        None => {
            return Err(ClientError::Invalid(
                "the key of the relative who wrote this note is unknown".into(),
            ));
        }
    };
    let bytes = STANDARD
        .decode(note)
        .map_err(|_| ClientError::Invalid("the note is not base64".into()))?;
    let opened = passerelle_crypto::open(&bytes, secret, &sender)?;
    Ok(Some(
        String::from_utf8_lossy(opened.plaintext.as_bytes()).into_owned(),
    ))
}

impl Client {
    /// A relative asks for a visit.
    pub async fn request_visit(
        &self,
        case: CaseId,
        ask: &VisitAsk,
    ) -> Result<VisitInfo, ClientError> {
        self.call(
            self.request(Method::POST, &format!("cases/{case}/visits"))
                .json(ask),
        )
        .await
    }

    /// The case's visit requests the caller may see, newest first.
    pub async fn visits(&self, case: CaseId) -> Result<Vec<VisitInfo>, ClientError> {
        let list: VisitList = self
            .call(self.request(Method::GET, &format!("cases/{case}/visits")))
            .await?;
        Ok(list.items)
    }

    /// One visit request.
    pub async fn visit(&self, id: VisitId) -> Result<VisitInfo, ClientError> {
        self.call(self.request(Method::GET, &format!("visits/{id}")))
            .await
    }

    /// Takes one step of the visit flow.
    pub async fn visit_step(
        &self,
        id: VisitId,
        step: &VisitStep,
    ) -> Result<VisitInfo, ClientError> {
        let body = json!(step);
        self.call(
            self.request(Method::POST, &format!("visits/{id}/status"))
                .json(&body),
        )
        .await
    }
}
