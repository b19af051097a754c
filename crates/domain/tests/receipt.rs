#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests fail loudly on broken fixtures.

//! Consent receipts: what the printed text tells a detained person and
//! their family in French, Dutch and English, and the JSON form's fields.
//! Every expected phrase is written here by hand.

use jiff::Timestamp;
use passerelle_domain::receipt::{Language, Receipt, ReceiptNames, UnknownLanguage};
use passerelle_domain::{
    AccountId, CaseId, ConsentChange, ConsentId, ConsentMethod, ConsentRecord, Scope, Scopes,
};
use serde_json::json;
use uuid::Uuid;

const ID: ConsentId = ConsentId::from_uuid(Uuid::from_u128(0x4001));

/// 10:30 in Brussels, winter time (UTC+1).
const WINTER: &str = "2025-01-15T09:30:00Z";
/// 11:30 in Brussels, summer time (UTC+2).
const SUMMER: &str = "2025-07-01T09:30:00Z";

const NAMES: ReceiptNames<'static> = ReceiptNames {
    subject: "Samir Benali",
    grantee: "Fatima Benali",
    controller: "Service d'aide aux justiciables",
    controller_contact: "02 555 01 23",
    recorded_by: "Julie Peeters",
};

fn at(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn record(change: ConsentChange, method: ConsentMethod, recorded_at: &str) -> ConsentRecord {
    ConsentRecord {
        id: ID,
        case: CaseId::from_uuid(Uuid::from_u128(0x3001)),
        grantee: AccountId::from_uuid(Uuid::from_u128(0x2001)),
        change,
        method,
        evidence_hash: None,
        recorded_by: AccountId::from_uuid(Uuid::from_u128(0x1001)),
        recorded_at: at(recorded_at),
    }
}

fn grant(scopes: &[Scope], from: &str, until: Option<&str>) -> ConsentChange {
    ConsentChange::Grant {
        scopes: scopes.iter().copied().collect(),
        valid_from: at(from),
        valid_until: until.map(at),
    }
}

fn text(record: &ConsentRecord, language: Language) -> String {
    Receipt::new(record, NAMES, language).to_text()
}

fn assert_says(text: &str, phrases: &[&str]) {
    for phrase in phrases {
        assert!(text.contains(phrase), "missing {phrase:?} in:\n{text}");
    }
}

#[test]
fn grant_receipt_says_who_may_see_what_and_how_to_withdraw_in_each_language() {
    let record = record(
        grant(&[Scope::Messages, Scope::Health], WINTER, Some(SUMMER)),
        ConsentMethod::InPerson,
        WINTER,
    );
    let cases: [(Language, &[&str]); 3] = [
        (
            Language::Fr,
            &[
                "Reçu de consentement",
                "Accord donné par : Samir Benali",
                "Pour : Fatima Benali",
                "Fatima Benali peut :",
                "- échanger des messages avec la personne détenue",
                "- voir le suivi des soins et des traitements de la personne détenue",
                "Début : 2025-01-15 10:30",
                "Fin : 2025-07-01 11:30",
                "en personne",
                "Noté par : Julie Peeters",
                "Service d'aide aux justiciables",
                "02 555 01 23",
                "peut le retirer à tout moment",
                "à la borne de la prison",
                "s'arrête tout de suite",
            ],
        ),
        (
            Language::Nl,
            &[
                "Ontvangstbewijs van toestemming",
                "Toestemming gegeven door: Samir Benali",
                "Voor: Fatima Benali",
                "Fatima Benali mag:",
                "- berichten uitwisselen met de gedetineerde",
                "- de opvolging van de zorg en behandeling van de gedetineerde zien",
                "Vanaf: 2025-01-15 10:30",
                "Tot: 2025-07-01 11:30",
                "persoonlijk",
                "Genoteerd door: Julie Peeters",
                "Service d'aide aux justiciables",
                "02 555 01 23",
                "op elk moment intrekken",
                "via de kiosk in de gevangenis",
                "stopt meteen",
            ],
        ),
        (
            Language::En,
            &[
                "Consent receipt",
                "Agreed by: Samir Benali",
                "For: Fatima Benali",
                "Fatima Benali may:",
                "- exchange messages with the detained person",
                "- see the follow-up of the detained person's care and treatment",
                "From: 2025-01-15 10:30",
                "Until: 2025-07-01 11:30",
                "in person",
                "Written down by: Julie Peeters",
                "Service d'aide aux justiciables",
                "02 555 01 23",
                "withdraw it at any time",
                "at the kiosk in the prison",
                "stops at once",
            ],
        ),
    ];
    for (language, phrases) in cases {
        let text = text(&record, language);
        assert_says(&text, phrases);
        // Scopes that were not granted are not listed.
        assert!(!text.contains("rechtszaak") && !text.contains("court case"));
        assert!(!text.contains("affaire en justice"));
    }
}

#[test]
fn times_are_brussels_local_time_in_winter_and_in_summer() {
    // 22:15 UTC on June 30th is already July 1st in Brussels.
    let record = record(
        grant(&[Scope::Visits], WINTER, Some("2025-06-30T22:15:00Z")),
        ConsentMethod::Kiosk,
        SUMMER,
    );
    let text = text(&record, Language::En);
    assert_says(
        &text,
        &[
            "From: 2025-01-15 10:30",
            "Until: 2025-07-01 00:15",
            "Written down on: 2025-07-01 11:30",
        ],
    );
    assert!(!text.contains("09:30") && !text.contains("22:15"), "{text}");
    assert!(!text.contains("UTC"), "{text}");
}

#[test]
fn open_ended_grant_says_there_is_no_end_date() {
    let open = record(
        grant(&[Scope::Visits], WINTER, None),
        ConsentMethod::Kiosk,
        WINTER,
    );
    let bounded = record(
        grant(&[Scope::Visits], WINTER, Some(SUMMER)),
        ConsentMethod::Kiosk,
        WINTER,
    );
    for (language, phrase) in [
        (Language::Fr, "Fin : pas de date de fin"),
        (Language::Nl, "Tot: geen einddatum"),
        (Language::En, "Until: no end date"),
    ] {
        assert_says(&text(&open, language), &[phrase]);
        assert!(!text(&bounded, language).contains(phrase));
    }
}

#[test]
fn revoke_receipt_names_what_was_withdrawn_and_from_when() {
    let record = record(
        ConsentChange::Revoke {
            scopes: [Scope::Visits, Scope::Legal].into_iter().collect(),
        },
        ConsentMethod::SignedPaper,
        "2025-03-02T09:15:00Z",
    );
    let cases: [(Language, &[&str], &str); 3] = [
        (
            Language::Fr,
            &[
                "Accord retiré par : Samir Benali",
                "Fatima Benali ne peut plus :",
                "- demander à rendre visite à la personne détenue",
                "- voir les informations sur l'affaire en justice de la personne détenue",
                "Retiré le : 2025-03-02 10:15",
                "sur un formulaire signé",
            ],
            "échanger des messages",
        ),
        (
            Language::Nl,
            &[
                "Toestemming ingetrokken door: Samir Benali",
                "Fatima Benali mag niet meer:",
                "- een bezoek aan de gedetineerde aanvragen",
                "- informatie over de rechtszaak van de gedetineerde zien",
                "Ingetrokken op: 2025-03-02 10:15",
                "met een ondertekend formulier",
            ],
            "berichten uitwisselen",
        ),
        (
            Language::En,
            &[
                "Withdrawn by: Samir Benali",
                "Fatima Benali may no longer:",
                "- ask to visit the detained person",
                "- see information about the detained person's court case",
                "Withdrawn on: 2025-03-02 10:15",
                "on a signed form",
            ],
            "exchange messages",
        ),
    ];
    for (language, phrases, not_withdrawn) in cases {
        let text = text(&record, language);
        assert_says(&text, phrases);
        assert!(!text.contains(not_withdrawn), "{text}");
    }
}

#[test]
fn json_carries_the_kantara_fields() {
    let mut record = record(
        grant(&[Scope::Health, Scope::Messages], WINTER, None),
        ConsentMethod::SignedPaper,
        WINTER,
    );
    // 0x00, 0x08, 0x10, ... 0xf8: every hex digit, letters included.
    record.evidence_hash = Some(core::array::from_fn(|i| i as u8 * 8));
    let json = serde_json::to_value(Receipt::new(&record, NAMES, Language::Nl)).unwrap();

    assert_eq!(json["version"], "KI-CR-v1.1.0");
    assert_eq!(json["receipt_id"], "00000000-0000-0000-0000-000000004001");
    assert_eq!(json["language"], "nl");
    assert_eq!(json["jurisdiction"], "BE");
    assert_eq!(json["consent_timestamp"], "2025-01-15T09:30:00Z");
    assert_eq!(json["collection_method"], "signed_paper");
    assert_eq!(json["pii_principal"], "Samir Benali");
    assert_eq!(json["grantee"], "Fatima Benali");
    assert_eq!(json["controller"], "Service d'aide aux justiciables");
    assert_eq!(json["controller_contact"], "02 555 01 23");
    assert_eq!(json["recorded_by"], "Julie Peeters");
    assert_eq!(json["change"], "grant");
    assert_eq!(json["scopes"], json!(["messages", "health"]));
    assert_eq!(json["valid_from"], "2025-01-15T09:30:00Z");
    assert_eq!(json["valid_until"], json!(null));
    assert_eq!(json["purposes"][0]["scope"], "messages");
    assert_eq!(
        json["purposes"][0]["description"],
        "berichten uitwisselen met de gedetineerde"
    );
    assert_eq!(json["purposes"][1]["scope"], "health");
    assert_eq!(json["purposes"].as_array().unwrap().len(), 2);
    assert!(
        json["withdrawal"]
            .as_str()
            .unwrap()
            .contains("stopt meteen")
    );

    let hash = json["evidence_hash"].as_str().unwrap();
    assert_eq!(hash.len(), 64);
    assert!(
        hash.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    );
    assert_eq!(
        hash,
        "0008101820283038404850586068707880889098a0a8b0b8c0c8d0d8e0e8f0f8"
    );

    record.evidence_hash = None;
    let json = serde_json::to_value(Receipt::new(&record, NAMES, Language::Nl)).unwrap();
    assert_eq!(json["evidence_hash"], json!(null));
}

#[test]
fn json_of_a_revocation_names_the_withdrawn_scopes() {
    let record = record(
        ConsentChange::Revoke {
            scopes: Scopes::NONE.with(Scope::ReleasePlan),
        },
        ConsentMethod::InPerson,
        WINTER,
    );
    let json = serde_json::to_value(Receipt::new(&record, NAMES, Language::Fr)).unwrap();
    assert_eq!(json["change"], "revoke");
    assert_eq!(json["scopes"], json!(["release_plan"]));
    assert_eq!(json["purposes"][0]["scope"], "release_plan");
    assert_eq!(json["collection_method"], "in_person");
    assert_eq!(json["language"], "fr");
}

#[test]
fn every_scope_method_and_withdrawal_is_written_in_every_language_differently() {
    let methods = [
        ConsentMethod::InPerson,
        ConsentMethod::SignedPaper,
        ConsentMethod::Kiosk,
    ];
    let texts = |language: Language| {
        let mut all: Vec<String> = Scope::ALL
            .iter()
            .map(|s| language.describe_scope(*s).to_owned())
            .collect();
        all.extend(
            methods
                .iter()
                .map(|m| language.describe_method(*m).to_owned()),
        );
        all.push(language.withdrawal());
        all
    };
    let [fr, nl, en] = Language::ALL.map(texts);
    for i in 0..fr.len() {
        for text in [&fr[i], &nl[i], &en[i]] {
            assert!(!text.trim().is_empty(), "text {i} is empty");
        }
        assert!(
            fr[i] != nl[i] && nl[i] != en[i] && en[i] != fr[i],
            "text {i}"
        );
    }
    // And no two scopes read alike within a language.
    for language in [&fr, &nl, &en] {
        for (i, a) in language[..Scope::ALL.len()].iter().enumerate() {
            assert!(!language[i + 1..Scope::ALL.len()].contains(a), "{a}");
        }
    }
}

#[test]
fn language_codes_parse_in_any_case_and_nothing_else() {
    assert_eq!("FR".parse(), Ok(Language::Fr));
    assert_eq!("nl".parse(), Ok(Language::Nl));
    assert_eq!("En".parse(), Ok(Language::En));
    for refused in ["de", "", "french", " fr", "nl-BE"] {
        assert_eq!(
            refused.parse::<Language>(),
            Err(UnknownLanguage),
            "{refused:?}"
        );
    }
    assert_eq!(Language::Nl.code(), "nl");
    assert_eq!(serde_json::to_value(Language::Fr).unwrap(), "fr");
    let parsed: Language = serde_json::from_str("\"en\"").unwrap();
    assert_eq!(parsed, Language::En);
}
