//! Release plans through the API. Item notes are sealed here, so the server
//! only ever stores envelopes it cannot open.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use jiff::civil::Date;
use passerelle_crypto::{
    CaseId as WireCaseId, ContentType, Context, MessageId as WireMessageId, PublicKey, SecretKey,
};
use passerelle_domain::plan::{ItemOwner, ItemStatus, PlanId, PlanItemId, ReleaseKind};
use passerelle_domain::{AccountId, CaseId, Membership};
use reqwest::Method;
use serde::Deserialize;
use serde_json::json;

use super::{Client, ClientError, Party};

/// A release plan as the server shows it to the caller.
#[derive(Debug, Clone, Deserialize)]
pub struct PlanInfo {
    /// Its id.
    pub id: PlanId,
    /// The case.
    pub case: CaseId,
    /// The release date.
    pub release_date: Date,
    /// Whether the date is confirmed.
    pub confirmed: bool,
    /// How the person leaves.
    pub kind: ReleaseKind,
    /// One more at every change of the release.
    pub revision: i64,
    /// The checklist.
    pub items: Vec<ItemInfo>,
}

/// An item of the checklist.
#[derive(Debug, Clone, Deserialize)]
pub struct ItemInfo {
    /// Its id.
    pub id: PlanItemId,
    /// Its stable key.
    pub key: String,
    /// Days from the release.
    pub offset_days: i32,
    /// When it is due.
    pub due_date: Option<Date>,
    /// Who carries it out.
    pub owner: ItemOwner,
    /// Where it stands.
    pub status: ItemStatus,
    /// The notes sealed to the caller.
    pub notes: Vec<NoteInfo>,
}

/// A sealed note on an item.
#[derive(Debug, Clone, Deserialize)]
pub struct NoteInfo {
    /// Its id.
    pub id: uuid::Uuid,
    /// Who wrote it.
    pub author: AccountId,
    /// The envelope, standard base64.
    pub envelope: String,
}

/// The account that owns `owner`, among `parties`, if it is a party.
pub fn owner_account(owner: ItemOwner, parties: &[Party]) -> Option<AccountId> {
    match owner {
        ItemOwner::Worker => None,
        ItemOwner::Relative(account) => parties
            .iter()
            .any(|p| p.account == account)
            .then_some(account),
        ItemOwner::Detainee => parties
            .iter()
            .find(|p| p.membership == Membership::Detainee)
            .map(|p| p.account),
    }
}

/// Seals a plan note from `secret` to themselves, the case's workers with a
/// key, and `owner` (the item's owner, when a party); standard base64.
pub fn seal_plan_note(
    secret: &SecretKey,
    case: CaseId,
    parties: &[Party],
    owner: Option<AccountId>,
    plaintext: &[u8],
) -> Result<String, ClientError> {
    let mut keys: Vec<PublicKey> = vec![secret.public_key()];
    for party in parties {
        let wanted = party.membership == Membership::Worker || Some(party.account) == owner;
        if let (true, Some(key)) = (wanted, party.public_key())
            && !keys.contains(&key)
        {
            keys.push(key);
        }
    }
    let id = uuid::Uuid::new_v4();
    let context = Context {
        content_type: ContentType::PlanNote,
        message_id: WireMessageId::from_bytes(*id.as_bytes()),
        case_id: WireCaseId::from_bytes(*case.as_uuid().as_bytes()),
    };
    let envelope = passerelle_crypto::seal(secret, &keys, &context, plaintext)?;
    Ok(STANDARD.encode(envelope.as_bytes()))
}

/// Opens a note with `secret`, with its author's key from `parties`.
pub fn open_plan_note(
    secret: &SecretKey,
    note: &NoteInfo,
    parties: &[Party],
) -> Result<String, ClientError> {
    let author = parties.iter().find(|p| p.account == note.author);
    let sender = author.and_then(Party::public_key).ok_or_else(|| {
        ClientError::Invalid("the key of the author of this note is unknown".into())
    })?;
    let bytes = STANDARD
        .decode(&note.envelope)
        .map_err(|_| ClientError::Invalid("the note is not base64".into()))?;
    let opened = passerelle_crypto::open(&bytes, secret, &sender)?;
    Ok(String::from_utf8_lossy(opened.plaintext.as_bytes()).into_owned())
}

impl Client {
    /// The case's plan.
    pub async fn plan(&self, case: CaseId) -> Result<PlanInfo, ClientError> {
        self.call(self.request(Method::GET, &format!("cases/{case}/plan")))
            .await
    }

    /// Creates the case's plan or moves its release (workers).
    pub async fn set_plan(
        &self,
        case: CaseId,
        release_date: Date,
        confirmed: bool,
        kind: ReleaseKind,
    ) -> Result<PlanInfo, ClientError> {
        let body = json!({ "release_date": release_date, "confirmed": confirmed, "kind": kind });
        self.call(
            self.request(Method::PUT, &format!("cases/{case}/plan"))
                .json(&body),
        )
        .await
    }

    /// Moves an item to `status`.
    pub async fn plan_step(
        &self,
        item: PlanItemId,
        status: ItemStatus,
    ) -> Result<ItemInfo, ClientError> {
        let body = json!({ "status": status });
        self.call(
            self.request(Method::POST, &format!("plan-items/{item}/status"))
                .json(&body),
        )
        .await
    }

    /// Adds a sealed note ([`seal_plan_note`]) to an item.
    pub async fn plan_note(&self, item: PlanItemId, note: &str) -> Result<NoteInfo, ClientError> {
        let body = json!({ "note": note });
        self.call(
            self.request(Method::POST, &format!("plan-items/{item}/notes"))
                .json(&body),
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use passerelle_domain::Relationship;

    use crate::client::KeyInfo;

    fn relative_of(relationship: Relationship) -> Membership {
        Membership::Relative { relationship }
    }

    fn party(membership: Membership, secret: &SecretKey) -> Party {
        Party {
            account: AccountId::random(),
            display_name: "x".to_owned(),
            membership,
            key: Some(KeyInfo {
                public_key: secret.public_key().to_text(),
                fingerprint: String::new(),
                version: 1,
                created_at: jiff::Timestamp::UNIX_EPOCH,
            }),
        }
    }

    #[test]
    fn a_note_opens_for_the_workers_and_the_owner_and_nobody_else() {
        let author = SecretKey::generate().unwrap();
        let worker = SecretKey::generate().unwrap();
        let relative = SecretKey::generate().unwrap();
        let other = SecretKey::generate().unwrap();
        let mut parties = vec![
            party(Membership::Worker, &author),
            party(Membership::Worker, &worker),
            party(relative_of(Relationship::Parent), &relative),
            party(relative_of(Relationship::Sibling), &other),
        ];
        let owner = owner_account(ItemOwner::Relative(parties[2].account), &parties);
        assert_eq!(owner, Some(parties[2].account));
        let case = CaseId::random();
        let sealed = seal_plan_note(&author, case, &parties, owner, b"CPAS mardi").unwrap();
        let note = NoteInfo {
            id: uuid::Uuid::new_v4(),
            author: parties[0].account,
            envelope: sealed,
        };
        for secret in [&author, &worker, &relative] {
            assert_eq!(
                open_plan_note(secret, &note, &parties).unwrap(),
                "CPAS mardi"
            );
        }
        assert!(open_plan_note(&other, &note, &parties).is_err());
        parties.remove(0);
        assert!(
            open_plan_note(&worker, &note, &parties).is_err(),
            "unknown author"
        );
    }
}
