//! Open Referral HSDS 3.0, the exchange format of the directory, both ways.
//!
//! An export is one HSDS 3.0 API page (`total_items` … `contents`) whose
//! `contents` are compiled `service` records. Each record carries, under the
//! 3.0 field names: `organization` (the maintaining service), `phones` (one),
//! `languages` (`code` is the BCP 47 tag), `schedules` (one `WEEKLY`
//! schedule per day and range, `byday` one iCalendar day, `opens_at` and
//! `closes_at` in Brussels local time `HH:MM`), `service_at_locations` with
//! one `location` and its `addresses`, and `attributes` whose
//! `taxonomy_term` in the [`TAXONOMY`] taxonomy names a domain of
//! intervention. The ids of sub-records are derived from the entry id, so
//! exporting twice gives the same file. `hsds_example.json` beside this
//! file is a complete example; a test checks that it imports and exports
//! back to itself.
//!
//! **Confidential addresses.** An export never carries a confidential
//! address: a file leaves the service and may end up in a public directory,
//! and a shelter's address must not. Such a record has no
//! `service_at_locations` and carries the extension field
//! [`CONFIDENTIAL_FIELD`]` = true` (HSDS allows extra fields; readers that do
//! not know it ignore it). On import, a record with that flag and no address
//! keeps the address already stored under its id, so re-importing an export
//! never erases a shelter's address; a record with the flag and an address
//! (a file prepared by hand) stores that address as confidential.

use serde::{Deserialize, Serialize};

use super::{EntryDetails, EntryId};
use crate::ServiceId;

#[path = "hsds_export.rs"]
mod export;
#[path = "hsds_import.rs"]
mod import;

pub use export::export;
pub use import::import;

/// The taxonomy whose terms are Passerelle's domains of intervention.
pub const TAXONOMY: &str = "passerelle_intervention_domain";
/// The extension field that marks a withheld, confidential address.
pub const CONFIDENTIAL_FIELD: &str = "x_passerelle_confidential_address";

/// One page of services, as the HSDS 3.0 API returns them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page {
    /// How many services in all.
    pub total_items: u64,
    /// Always 1: an export is one page.
    pub total_pages: u64,
    /// Always 1.
    pub page_number: u64,
    /// The number of services on this page.
    pub size: u64,
    /// Always true.
    pub first_page: bool,
    /// Always true.
    pub last_page: bool,
    /// Whether there are no services.
    pub empty: bool,
    /// The services.
    pub contents: Vec<Service>,
}

/// An HSDS 3.0 compiled `service` record, with the fields Passerelle reads
/// and writes; other fields are ignored on import.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Service {
    /// The entry id (a UUID).
    pub id: Option<String>,
    /// The name.
    pub name: Option<String>,
    /// The description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The website.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The email address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// `active` (the only status imported).
    pub status: Option<String>,
    /// The maintaining service; ignored on import (entries go to the
    /// importer's service).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization: Option<Organization>,
    /// Phone numbers (at most one).
    pub phones: Vec<Phone>,
    /// Languages spoken.
    pub languages: Vec<Language>,
    /// Opening hours.
    pub schedules: Vec<Schedule>,
    /// Where (at most one location with one address).
    pub service_at_locations: Vec<ServiceAtLocation>,
    /// Domains of intervention, as taxonomy terms.
    pub attributes: Vec<Attribute>,
    /// The extension: the address is confidential and withheld.
    #[serde(
        rename = "x_passerelle_confidential_address",
        skip_serializing_if = "Option::is_none"
    )]
    pub confidential_address: Option<bool>,
}

/// An HSDS `organization`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Organization {
    /// Its id.
    pub id: Option<String>,
    /// Its name.
    pub name: Option<String>,
    /// Its description.
    pub description: Option<String>,
}

/// An HSDS `phone`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Phone {
    /// Its id.
    pub id: Option<String>,
    /// The service it belongs to.
    pub service_id: Option<String>,
    /// The number.
    pub number: Option<String>,
}

/// An HSDS `language`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Language {
    /// Its id.
    pub id: Option<String>,
    /// The service it belongs to.
    pub service_id: Option<String>,
    /// The BCP 47 tag.
    pub code: Option<String>,
}

/// An HSDS `schedule`, read as a weekly recurrence.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Schedule {
    /// Its id.
    pub id: Option<String>,
    /// The service it belongs to.
    pub service_id: Option<String>,
    /// `WEEKLY` (the only frequency understood).
    pub freq: Option<String>,
    /// Comma-separated iCalendar days (`MO,TU`).
    pub byday: Option<String>,
    /// Opening time, Brussels local, `HH:MM`.
    pub opens_at: Option<String>,
    /// Closing time, Brussels local, `HH:MM`.
    pub closes_at: Option<String>,
}

/// An HSDS `service_at_location`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ServiceAtLocation {
    /// Its id.
    pub id: Option<String>,
    /// The service.
    pub service_id: Option<String>,
    /// The location's id.
    pub location_id: Option<String>,
    /// The location.
    pub location: Option<Location>,
}

/// An HSDS `location`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Location {
    /// Its id.
    pub id: Option<String>,
    /// `physical`.
    pub location_type: Option<String>,
    /// Its addresses (at most one).
    pub addresses: Vec<HsdsAddress>,
}

/// An HSDS `address`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct HsdsAddress {
    /// Its id.
    pub id: Option<String>,
    /// The location.
    pub location_id: Option<String>,
    /// Street and number.
    pub address_1: Option<String>,
    /// City.
    pub city: Option<String>,
    /// State or province; written empty, ignored on import.
    pub state_province: Option<String>,
    /// Postal code.
    pub postal_code: Option<String>,
    /// ISO 3166-1 alpha-2 country.
    pub country: Option<String>,
    /// `physical` or `postal`.
    pub address_type: Option<String>,
}

/// An HSDS `attribute`, linking the service to a taxonomy term.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Attribute {
    /// Its id.
    pub id: Option<String>,
    /// The service.
    pub link_id: Option<String>,
    /// `intervention_domain`.
    pub link_type: Option<String>,
    /// `service`.
    pub link_entity: Option<String>,
    /// The term.
    pub taxonomy_term: Option<TaxonomyTerm>,
}

/// An HSDS `taxonomy_term`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TaxonomyTerm {
    /// Its id, fixed per domain.
    pub id: Option<String>,
    /// The domain's stable name.
    pub code: Option<String>,
    /// The same name.
    pub name: Option<String>,
    /// The taxonomy, [`TAXONOMY`] for Passerelle's domains.
    pub taxonomy: Option<String>,
}

/// The maintaining service, as an export names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Maintainer {
    /// The service's id.
    pub id: ServiceId,
    /// The service's name.
    pub name: String,
}

/// One imported record: the entry's id and details, and whether its
/// confidential address was withheld (keep the stored one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    /// The entry id, kept from the file.
    pub id: EntryId,
    /// The validated details.
    pub details: EntryDetails,
    /// The record says the address is confidential and does not give it.
    pub address_withheld: bool,
}

#[cfg(test)]
#[path = "hsds_tests.rs"]
mod tests;
