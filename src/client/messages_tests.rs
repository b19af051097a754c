//! Choosing recipients, and opening with the sender checked.

use jiff::Timestamp;
use passerelle_domain::Relationship;

use super::*;
use crate::client::KeyInfo;

fn party(name: &str, membership: Membership, key: Option<&SecretKey>) -> Party {
    Party {
        account: AccountId::random(),
        display_name: name.into(),
        membership,
        key: key.map(|k| KeyInfo {
            public_key: k.public_key().to_text(),
            fingerprint: k.public_key().fingerprint().to_string(),
            version: 1,
            created_at: Timestamp::UNIX_EPOCH,
        }),
    }
}

struct Case {
    id: CaseId,
    mother: SecretKey,
    worker: SecretKey,
    parties: Vec<Party>,
}

/// A worker with a key, one without, a mother with a key, a detained
/// person without a device.
fn case() -> Case {
    let (mother, worker) = (
        SecretKey::generate().unwrap(),
        SecretKey::generate().unwrap(),
    );
    let parent = Membership::Relative {
        relationship: Relationship::Parent,
    };
    let parties = vec![
        party("Sophie", Membership::Worker, Some(&worker)),
        party("Claire", Membership::Worker, None),
        party("Nadia", parent, Some(&mother)),
        party("Karim", Membership::Detainee, None),
    ];
    Case {
        id: CaseId::random(),
        mother,
        worker,
        parties,
    }
}

#[test]
fn a_message_to_a_detainee_without_a_device_is_sealed_for_the_workers() {
    let c = case();
    let karim = c.parties[3].account;
    let out = seal_message(&c.mother, c.id, &c.parties, &[karim], b"Bonjour", None).unwrap();
    assert_eq!(
        out.readers,
        vec![c.parties[2].account, c.parties[0].account]
    );
    assert_eq!(out.in_person_for, vec![karim]);
    let envelope = Envelope::parse(&out.envelope).unwrap();
    assert_eq!(envelope.recipients().count(), 2);
    assert_eq!(envelope.case_id().as_bytes(), c.id.as_uuid().as_bytes());
    assert_eq!(envelope.message_id().as_bytes(), out.message_id.as_bytes());
}

#[test]
fn impossible_addressees_and_proxies_are_refused_before_sealing() {
    let c = case();
    let (claire, nadia, karim) = (
        c.parties[1].account,
        c.parties[2].account,
        c.parties[3].account,
    );
    let refused = |r: Result<Outgoing, ClientError>| matches!(r, Err(ClientError::Invalid(_)));
    // A worker without a key could never read it.
    assert!(refused(seal_message(
        &c.mother,
        c.id,
        &c.parties,
        &[claire],
        b"x",
        None
    )));
    // Only a worker writes on behalf of the detained person.
    assert!(refused(seal_message(
        &c.mother,
        c.id,
        &c.parties,
        &[karim],
        b"x",
        Some(karim)
    )));
    assert!(refused(seal_message(
        &c.worker,
        c.id,
        &c.parties,
        &[karim],
        b"x",
        Some(nadia)
    )));
    // A key that is not the sender's registered one.
    let stranger = SecretKey::generate().unwrap();
    assert!(refused(seal_message(
        &stranger,
        c.id,
        &c.parties,
        &[karim],
        b"x",
        None
    )));
    // Nobody to read it to a detained person without a device.
    let no_keys: Vec<Party> = c
        .parties
        .iter()
        .filter(|p| p.account != c.parties[0].account)
        .cloned()
        .collect();
    assert!(refused(seal_message(
        &c.mother,
        c.id,
        &no_keys,
        &[karim],
        b"x",
        None
    )));
}

fn info(out: &Outgoing, sender: AccountId) -> MessageInfo {
    MessageInfo {
        id: passerelle_domain::MessageId::random(),
        case: out.case,
        sender,
        on_behalf_of: out.on_behalf_of,
        status: passerelle_domain::MessageStatus::Delivered { in_person: false },
        created_at: Timestamp::UNIX_EPOCH,
        updated_at: Timestamp::UNIX_EPOCH,
        envelope: out.envelope_base64(),
    }
}

#[tokio::test]
async fn a_reply_on_behalf_opens_for_the_mother_with_the_sender_checked() {
    let c = case();
    let (sophie, nadia, karim) = (
        c.parties[0].account,
        c.parties[2].account,
        c.parties[3].account,
    );
    let out = seal_message(
        &c.worker,
        c.id,
        &c.parties,
        &[nadia],
        b"Merci maman",
        Some(karim),
    )
    .unwrap();
    // The sender's current key matches: no request is made.
    let offline = Client::new("http://127.0.0.1:9").unwrap();
    let opened = offline
        .open_message(&c.mother, info(&out, sophie), &c.parties)
        .await
        .unwrap();
    assert_eq!(opened.text(), "Merci maman");
    assert_eq!(opened.sender_name, "Sophie");
    assert_eq!(opened.on_behalf_of_name.as_deref(), Some("Karim"));
    assert_eq!((opened.key_version, opened.key_changed), (1, None));
    // Claimed to be from Nadia: her key did not seal it, and her history
    // (unreachable here) is the only other place it could be found.
    let forged = offline
        .open_message(&c.mother, info(&out, nadia), &c.parties)
        .await;
    assert!(forged.is_err(), "{forged:?}");
    // Moved to another case by the server: refused.
    let mut moved = info(&out, sophie);
    moved.case = CaseId::random();
    let moved = offline.open_message(&c.mother, moved, &c.parties).await;
    assert!(matches!(moved, Err(ClientError::Invalid(_))), "{moved:?}");
}
