//! The service directory: entries, opening hours, "open now" in Brussels
//! time, and the Open Referral HSDS 3.0 exchange format (DESIGN section 7).
//!
//! Directory data is not case data: any signed-in account may read it, but
//! an address marked confidential (a shelter) is shown to staff only.

use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::{Role, ServiceId, UnknownName};

mod fields;
mod hours;
pub mod hsds;

use fields::{country, email, optional, phone, text, website};
pub use fields::{language_matches, language_tag};

pub use hours::{
    BrusselsTime, ClockTime, Day, DayHours, MAX_RANGES_PER_DAY, OpeningHours, TIME_ZONE, TimeRange,
};

/// The longest name, in characters.
pub const MAX_NAME: usize = 200;
/// The longest description, in characters.
pub const MAX_DESCRIPTION: usize = 4000;
/// The most languages one entry lists.
pub const MAX_LANGUAGES: usize = 20;
/// The longest short field (phone, email, street, city), in characters.
pub const MAX_SHORT: usize = 200;

crate::ids::id!(
    /// A directory entry's id. Kept across an HSDS export and import.
    EntryId
);

/// The domains of intervention of the social-aid services
/// (`domain/README.md`), under stable snake_case names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InterventionDomain {
    /// Listening and psychosocial support.
    ListeningSupport,
    /// Information on the procedure, the trial and the sentence.
    ProcedureInformation,
    /// Money problems: budget, repaying civil parties, debt mediation.
    MoneyAndDebt,
    /// Residence status.
    ResidenceStatus,
    /// Urgent practical requests, as go-between for the detained person and
    /// the family.
    PracticalRequests,
    /// Administrative help; contact with the lawyer, the CPAS, the commune
    /// and the mutualité.
    AdministrativeHelp,
    /// Keeping family ties alive.
    FamilyTies,
    /// Referral to specialised services, and coordination.
    ReferralCoordination,
}

impl InterventionDomain {
    /// Every domain.
    pub const ALL: [Self; 8] = [
        Self::ListeningSupport,
        Self::ProcedureInformation,
        Self::MoneyAndDebt,
        Self::ResidenceStatus,
        Self::PracticalRequests,
        Self::AdministrativeHelp,
        Self::FamilyTies,
        Self::ReferralCoordination,
    ];

    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ListeningSupport => "listening_support",
            Self::ProcedureInformation => "procedure_information",
            Self::MoneyAndDebt => "money_and_debt",
            Self::ResidenceStatus => "residence_status",
            Self::PracticalRequests => "practical_requests",
            Self::AdministrativeHelp => "administrative_help",
            Self::FamilyTies => "family_ties",
            Self::ReferralCoordination => "referral_coordination",
        }
    }
}

impl FromStr for InterventionDomain {
    type Err = UnknownName;

    fn from_str(s: &str) -> Result<Self, UnknownName> {
        Self::ALL
            .into_iter()
            .find(|d| d.as_str() == s)
            .ok_or(UnknownName)
    }
}

/// Why a field was refused: which field, and why, in plain words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct Invalid {
    /// The field, as a path (`hours.monday`, `languages[1]`).
    pub field: String,
    /// Why.
    pub reason: String,
}

impl Invalid {
    /// A refusal of `field`.
    pub fn new(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            reason: reason.into(),
        }
    }
}

/// How to reach a service.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Contact {
    /// A phone number: digits, spaces and `+ - . ( ) /`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// An email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// An `http://` or `https://` address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
}

/// A postal address.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Address {
    /// Street and number.
    pub street: String,
    /// Postal code.
    pub postal_code: String,
    /// City or commune.
    pub city: String,
    /// ISO 3166-1 alpha-2 country code, upper case (`BE`).
    pub country: String,
}

/// What a coordinator writes about a service. [`EntryDetails::validated`]
/// is the one gate every write goes through (the API and HSDS imports).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct EntryDetails {
    /// The name, 1 to [`MAX_NAME`] characters.
    pub name: String,
    /// What the service does, up to [`MAX_DESCRIPTION`] characters.
    #[serde(default)]
    pub description: String,
    /// The domains it serves; at least one.
    pub domains: Vec<InterventionDomain>,
    /// The languages spoken, as BCP 47 tags (`fr`, `nl-BE`).
    #[serde(default)]
    pub languages: Vec<String>,
    /// The regular week, in Brussels time.
    #[serde(default)]
    pub hours: OpeningHours,
    /// Phone, email, website.
    #[serde(default)]
    pub contact: Contact,
    /// Where it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
    /// The address is shown to workers and coordinators only (a shelter).
    #[serde(default)]
    pub address_confidential: bool,
}

impl EntryDetails {
    /// Trims, checks and puts lists in canonical order (domains and
    /// languages sorted without repeats, hours by day). Refuses the first
    /// bad field with an [`Invalid`] naming it.
    pub fn validated(mut self) -> Result<Self, Invalid> {
        self.name = text("name", &self.name, 1, MAX_NAME)?;
        self.description = text("description", &self.description, 0, MAX_DESCRIPTION)?;
        if self.domains.is_empty() {
            return Err(Invalid::new(
                "domains",
                "at least one domain of intervention",
            ));
        }
        self.domains.sort();
        self.domains.dedup();
        if self.languages.len() > MAX_LANGUAGES {
            return Err(Invalid::new(
                "languages",
                format!("at most {MAX_LANGUAGES}"),
            ));
        }
        self.languages = self
            .languages
            .iter()
            .enumerate()
            .map(|(i, tag)| {
                language_tag(tag).map_err(|r| Invalid::new(format!("languages[{i}]"), r))
            })
            .collect::<Result<_, _>>()?;
        self.languages.sort();
        self.languages.dedup();
        self.hours = self.hours.validated()?;
        self.contact = Contact {
            phone: optional("contact.phone", self.contact.phone, phone)?,
            email: optional("contact.email", self.contact.email, email)?,
            website: optional("contact.website", self.contact.website, website)?,
        };
        if let Some(address) = self.address {
            self.address = Some(Address {
                street: text("address.street", &address.street, 1, MAX_SHORT)?,
                postal_code: text("address.postal_code", &address.postal_code, 1, 20)?,
                city: text("address.city", &address.city, 1, MAX_SHORT)?,
                country: country(&address.country)?,
            });
        }
        Ok(self)
    }
}

/// A stored entry, maintained by one service.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Entry {
    /// Its id.
    pub id: EntryId,
    /// The service (organisation) that maintains it.
    pub service: ServiceId,
    /// What it says.
    pub details: EntryDetails,
}

impl Entry {
    /// The entry as `role` may see it: relatives and detained persons get
    /// no confidential address, and are not told one exists.
    pub fn seen_by(mut self, role: Role) -> Self {
        if !role.is_staff() && self.details.address_confidential {
            self.details.address = None;
            self.details.address_confidential = false;
        }
        self
    }
}

#[cfg(test)]
mod tests;
