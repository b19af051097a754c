//! Consent receipts (DESIGN section 3): what a detained person agreed to, or
//! withdrew, written for them and their relative in French, Dutch or
//! English, as printable text and as JSON. The fields follow the Kantara
//! Initiative Consent Receipt Specification v1.1, in snake case.

use std::str::FromStr;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

use crate::{ConsentChange, ConsentId, ConsentMethod, ConsentRecord, Scope};

/// A language a receipt can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// French.
    Fr,
    /// Dutch.
    Nl,
    /// English.
    En,
}

/// A language code other than `fr`, `nl` or `en`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown language: expected fr, nl or en")]
pub struct UnknownLanguage;

impl Language {
    /// Every language, in a fixed order.
    pub const ALL: [Self; 3] = [Self::Fr, Self::Nl, Self::En];

    /// The ISO 639-1 code: `fr`, `nl` or `en`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Fr => "fr",
            Self::Nl => "nl",
            Self::En => "en",
        }
    }

    /// What a relative holding `scope` may see or do, as a short phrase
    /// that follows "(the relative) may:".
    pub fn describe_scope(self, scope: Scope) -> &'static str {
        match scope {
            Scope::Messages => self.pick(
                "échanger des messages avec la personne détenue",
                "berichten uitwisselen met de gedetineerde",
                "exchange messages with the detained person",
            ),
            Scope::Visits => self.pick(
                "demander à rendre visite à la personne détenue",
                "een bezoek aan de gedetineerde aanvragen",
                "ask to visit the detained person",
            ),
            Scope::CaseStatus => self.pick(
                "voir où la personne détenue se trouve et où en est sa situation",
                "zien waar de gedetineerde verblijft en hoe de situatie is",
                "see where the detained person is held and how things stand",
            ),
            Scope::ReleasePlan => self.pick(
                "voir la date de sortie et ce qui est prévu après la sortie",
                "zien wanneer de gedetineerde vrijkomt en wat er daarna gepland is",
                "see the release date and what is planned after release",
            ),
            Scope::Requests => self.pick(
                "voir la réponse aux demandes pratiques pour la personne détenue",
                "het antwoord zien op praktische aanvragen voor de gedetineerde",
                "see the answers to practical requests for the detained person",
            ),
            Scope::Health => self.pick(
                "voir le suivi des soins et des traitements de la personne détenue",
                "de opvolging van de zorg en behandeling van de gedetineerde zien",
                "see the follow-up of the detained person's care and treatment",
            ),
            Scope::Legal => self.pick(
                "voir les informations sur l'affaire en justice de la personne détenue",
                "informatie over de rechtszaak van de gedetineerde zien",
                "see information about the detained person's court case",
            ),
        }
    }

    /// How the detained person expressed their choice, as a short phrase.
    pub fn describe_method(self, method: ConsentMethod) -> &'static str {
        match method {
            ConsentMethod::InPerson => self.pick(
                "en personne, à un membre du service social",
                "persoonlijk, aan een medewerker van de sociale dienst",
                "in person, to a worker of the social service",
            ),
            ConsentMethod::SignedPaper => self.pick(
                "sur un formulaire signé",
                "met een ondertekend formulier",
                "on a signed form",
            ),
            ConsentMethod::Kiosk => self.pick(
                "à la borne de la prison",
                "via de kiosk in de gevangenis",
                "at the kiosk in the prison",
            ),
        }
    }

    /// How to withdraw a consent, in a few short sentences.
    pub fn withdrawal(self) -> String {
        self.labels().withdrawal.join(" ")
    }

    // Taking all three at once makes a missing translation a compile error.
    fn pick(self, fr: &'static str, nl: &'static str, en: &'static str) -> &'static str {
        match self {
            Self::Fr => fr,
            Self::Nl => nl,
            Self::En => en,
        }
    }

    fn labels(self) -> &'static Labels {
        match self {
            Self::Fr => &FR,
            Self::Nl => &NL,
            Self::En => &EN,
        }
    }
}

impl FromStr for Language {
    type Err = UnknownLanguage;

    /// Accepts `fr`, `nl` and `en` in any case; refuses anything else.
    fn from_str(s: &str) -> Result<Self, UnknownLanguage> {
        Self::ALL
            .into_iter()
            .find(|language| language.code().eq_ignore_ascii_case(s))
            .ok_or(UnknownLanguage)
    }
}

/// The names a receipt shows. The record holds only ids; the caller looks
/// the names up.
#[derive(Debug, Clone, Copy)]
pub struct ReceiptNames<'a> {
    /// The detained person, who consents.
    pub subject: &'a str,
    /// The relative the consent is for.
    pub grantee: &'a str,
    /// The social service that runs the case: the data controller.
    pub controller: &'a str,
    /// How to reach the service, free text.
    pub controller_contact: &'a str,
    /// The worker who recorded the consent.
    pub recorded_by: &'a str,
}

/// One scope of a receipt and what it lets the relative see or do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Purpose {
    /// The scope.
    pub scope: Scope,
    /// What it allows, in the receipt's language.
    pub description: String,
}

/// A receipt for one consent record, in one language. It holds everything
/// it shows, so the JSON form and the text form always agree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Receipt {
    /// The specification followed: always `KI-CR-v1.1.0`.
    pub version: &'static str,
    /// The record's id.
    pub receipt_id: ConsentId,
    /// The language of every text in the receipt.
    pub language: Language,
    /// Where the law applies: always `BE`.
    pub jurisdiction: &'static str,
    /// When the record was made.
    pub consent_timestamp: Timestamp,
    /// How the detained person expressed it.
    pub collection_method: ConsentMethod,
    /// The detained person, who consents.
    pub pii_principal: String,
    /// The relative the consent is for.
    pub grantee: String,
    /// The social service that runs the case: the data controller.
    pub controller: String,
    /// How to reach the service.
    pub controller_contact: String,
    /// The grant or revocation, with its scopes and validity period; in JSON
    /// its fields (`change`, `scopes`, `valid_from`, `valid_until`) sit at the
    /// top level, as in a consent record.
    #[serde(flatten)]
    pub change: ConsentChange,
    /// One purpose per scope the record names, in [`Scope::ALL`] order.
    pub purposes: Vec<Purpose>,
    /// The worker who recorded it.
    pub recorded_by: String,
    /// The evidence's SHA-256 hash in lowercase hex, if there is evidence.
    pub evidence_hash: Option<String>,
    /// How to withdraw a consent.
    pub withdrawal: String,
}

impl Receipt {
    /// The receipt for `record`, in `language`.
    pub fn new(record: &ConsentRecord, names: ReceiptNames<'_>, language: Language) -> Self {
        Self {
            version: "KI-CR-v1.1.0",
            receipt_id: record.id,
            language,
            jurisdiction: "BE",
            consent_timestamp: record.recorded_at,
            collection_method: record.method,
            pii_principal: names.subject.to_owned(),
            grantee: names.grantee.to_owned(),
            controller: names.controller.to_owned(),
            controller_contact: names.controller_contact.to_owned(),
            change: record.change,
            purposes: record
                .change
                .scopes()
                .iter()
                .map(|scope| Purpose {
                    scope,
                    description: language.describe_scope(scope).to_owned(),
                })
                .collect(),
            recorded_by: names.recorded_by.to_owned(),
            evidence_hash: record.evidence_hash.map(|hash| lower_hex(&hash)),
            withdrawal: language.withdrawal(),
        }
    }

    /// The receipt as plain text to print or show, one short line per fact,
    /// every label in the receipt's language. Times are Brussels local time,
    /// `YYYY-MM-DD HH:MM`.
    pub fn to_text(&self) -> String {
        let l = self.language.labels();
        let brussels = brussels();
        let when = |at: Timestamp| local_time(at, brussels.as_ref());
        let said = |label: &str, value: &str| format!("{label} {value}");

        let mut lines = vec![l.title.to_owned(), "=".repeat(l.title.chars().count())];
        lines.push(String::new());
        let list = self.purposes.iter().map(|p| format!("- {}", p.description));
        match self.change {
            ConsentChange::Grant {
                valid_from,
                valid_until,
                ..
            } => {
                lines.push(said(l.agreed_by, &self.pii_principal));
                lines.push(said(l.grantee, &self.grantee));
                lines.push(String::new());
                lines.push(said(&self.grantee, l.may));
                lines.extend(list);
                lines.push(String::new());
                lines.push(said(l.from, &when(valid_from)));
                let until = valid_until.map_or_else(|| l.no_end_date.to_owned(), when);
                lines.push(said(l.until, &until));
                lines.push(String::new());
                lines.push(said(l.given_how, self.method_text()));
                lines.push(said(l.recorded_by, &self.recorded_by));
                lines.push(said(l.recorded_on, &when(self.consent_timestamp)));
            }
            ConsentChange::Revoke { .. } => {
                lines.push(said(l.withdrawn_by, &self.pii_principal));
                lines.push(said(l.grantee, &self.grantee));
                lines.push(String::new());
                lines.push(said(&self.grantee, l.may_no_longer));
                lines.extend(list);
                lines.push(String::new());
                lines.push(said(l.withdrawn_on, &when(self.consent_timestamp)));
                lines.push(String::new());
                lines.push(said(l.withdrawn_how, self.method_text()));
                lines.push(said(l.recorded_by, &self.recorded_by));
            }
        }
        lines.push(String::new());
        lines.push(said(l.controller, &self.controller));
        lines.push(said(l.controller_contact, &self.controller_contact));
        lines.push(String::new());
        if matches!(self.change, ConsentChange::Grant { .. }) {
            lines.push(l.withdrawal_title.to_owned());
            lines.extend(l.withdrawal.iter().map(|s| (*s).to_owned()));
            lines.push(String::new());
        }
        lines.push(said(l.receipt_id, &self.receipt_id.to_string()));
        if let Some(hash) = &self.evidence_hash {
            lines.push(l.evidence_hash.to_owned());
            lines.push(hash.clone());
        }
        lines.push(String::new());
        lines.push(l.keep.to_owned());
        lines.push(String::new());
        lines.join("\n")
    }

    fn method_text(&self) -> &'static str {
        self.language.describe_method(self.collection_method)
    }
}

/// Every fixed text of a receipt, in one language. Labels end with their
/// colon, spaced as the language wants it.
struct Labels {
    title: &'static str,
    agreed_by: &'static str,
    withdrawn_by: &'static str,
    grantee: &'static str,
    may: &'static str,
    may_no_longer: &'static str,
    from: &'static str,
    until: &'static str,
    no_end_date: &'static str,
    withdrawn_on: &'static str,
    given_how: &'static str,
    withdrawn_how: &'static str,
    recorded_by: &'static str,
    recorded_on: &'static str,
    controller: &'static str,
    controller_contact: &'static str,
    withdrawal_title: &'static str,
    withdrawal: [&'static str; 4],
    receipt_id: &'static str,
    evidence_hash: &'static str,
    keep: &'static str,
}

const FR: Labels = Labels {
    title: "Reçu de consentement",
    agreed_by: "Accord donné par :",
    withdrawn_by: "Accord retiré par :",
    grantee: "Pour :",
    may: "peut :",
    may_no_longer: "ne peut plus :",
    from: "Début :",
    until: "Fin :",
    no_end_date: "pas de date de fin",
    withdrawn_on: "Retiré le :",
    given_how: "Comment l'accord a été donné :",
    withdrawn_how: "Comment l'accord a été retiré :",
    recorded_by: "Noté par :",
    recorded_on: "Noté le :",
    controller: "Service social :",
    controller_contact: "Pour nous joindre :",
    withdrawal_title: "Pour retirer cet accord :",
    withdrawal: [
        "La personne qui a donné son accord peut le retirer à tout moment.",
        "Il suffit de le dire à un membre du service social :",
        "en personne, sur un formulaire signé ou à la borne de la prison.",
        "L'accord s'arrête tout de suite.",
    ],
    receipt_id: "Numéro du reçu :",
    evidence_hash: "Empreinte de la preuve :",
    keep: "Gardez ce reçu.",
};

const NL: Labels = Labels {
    title: "Ontvangstbewijs van toestemming",
    agreed_by: "Toestemming gegeven door:",
    withdrawn_by: "Toestemming ingetrokken door:",
    grantee: "Voor:",
    may: "mag:",
    may_no_longer: "mag niet meer:",
    from: "Vanaf:",
    until: "Tot:",
    no_end_date: "geen einddatum",
    withdrawn_on: "Ingetrokken op:",
    given_how: "Hoe de toestemming gegeven is:",
    withdrawn_how: "Hoe de toestemming ingetrokken is:",
    recorded_by: "Genoteerd door:",
    recorded_on: "Genoteerd op:",
    controller: "Sociale dienst:",
    controller_contact: "Zo bereikt u ons:",
    withdrawal_title: "Om deze toestemming in te trekken:",
    withdrawal: [
        "Wie de toestemming gaf, kan ze op elk moment intrekken.",
        "Zeg het aan eender welke medewerker van de sociale dienst:",
        "persoonlijk, met een ondertekend formulier of via de kiosk in de gevangenis.",
        "De toestemming stopt meteen.",
    ],
    receipt_id: "Nummer van het ontvangstbewijs:",
    evidence_hash: "Vingerafdruk van het bewijs:",
    keep: "Bewaar dit ontvangstbewijs.",
};

const EN: Labels = Labels {
    title: "Consent receipt",
    agreed_by: "Agreed by:",
    withdrawn_by: "Withdrawn by:",
    grantee: "For:",
    may: "may:",
    may_no_longer: "may no longer:",
    from: "From:",
    until: "Until:",
    no_end_date: "no end date",
    withdrawn_on: "Withdrawn on:",
    given_how: "How it was given:",
    withdrawn_how: "How it was withdrawn:",
    recorded_by: "Written down by:",
    recorded_on: "Written down on:",
    controller: "Social service:",
    controller_contact: "How to reach us:",
    withdrawal_title: "To withdraw this agreement:",
    withdrawal: [
        "The person who agreed can withdraw it at any time.",
        "Just tell any worker of the social service:",
        "in person, on a signed form, or at the kiosk in the prison.",
        "The agreement stops at once.",
    ],
    receipt_id: "Receipt number:",
    evidence_hash: "Evidence fingerprint:",
    keep: "Keep this receipt.",
};

/// Brussels time. jiff carries its own copy of the time zone database
/// (`tzdb-bundle-always`), so this holds on systems without one too.
fn brussels() -> Option<TimeZone> {
    crate::brussels::zone()
}

fn local_time(at: Timestamp, brussels: Option<&TimeZone>) -> String {
    let (t, suffix) = match brussels {
        Some(tz) => (tz.to_datetime(at), ""),
        None => (TimeZone::UTC.to_datetime(at), " UTC"),
    };
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}{suffix}",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute()
    )
}

fn lower_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_labels(l: &'static Labels) -> Vec<&'static str> {
        // Destructured so that a new label cannot escape the check below.
        let Labels {
            title,
            agreed_by,
            withdrawn_by,
            grantee,
            may,
            may_no_longer,
            from,
            until,
            no_end_date,
            withdrawn_on,
            given_how,
            withdrawn_how,
            recorded_by,
            recorded_on,
            controller,
            controller_contact,
            withdrawal_title,
            withdrawal,
            receipt_id,
            evidence_hash,
            keep,
        } = l;
        let mut all = vec![
            *title,
            *agreed_by,
            *withdrawn_by,
            *grantee,
            *may,
            *may_no_longer,
            *from,
            *until,
            *no_end_date,
            *withdrawn_on,
            *given_how,
            *withdrawn_how,
            *recorded_by,
            *recorded_on,
            *controller,
            *controller_contact,
            *withdrawal_title,
            *receipt_id,
            *evidence_hash,
            *keep,
        ];
        all.extend(withdrawal);
        all
    }

    #[test]
    fn every_label_is_written_and_translated() {
        let per_language = Language::ALL.map(|language| all_labels(language.labels()));
        for (i, labels) in per_language.iter().enumerate() {
            for (field, label) in labels.iter().enumerate() {
                assert!(!label.trim().is_empty(), "label {field} is empty");
                for other in per_language.iter().skip(i + 1) {
                    assert_ne!(label, &other[field], "label {field} is untranslated");
                }
            }
        }
    }
}
