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
//! exporting twice gives the same file.
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
use uuid::Uuid;

use super::{
    Address, ClockTime, Contact, Day, DayHours, Entry, EntryDetails, EntryId, InterventionDomain,
    Invalid, OpeningHours, TimeRange, language_tag,
};
use crate::ServiceId;

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

// Sub-record kinds, mixed into derived ids.
const PHONE: u128 = 1;
const LANGUAGE: u128 = 2;
const SCHEDULE: u128 = 3;
const SAL: u128 = 4;
const LOCATION: u128 = 5;
const ADDRESS: u128 = 6;
const ATTRIBUTE: u128 = 7;
const TERM_BASE: u128 = 0x6f1d_2a4e_8c3b_4f7a_9e21_5b0c_7d3e_9a00;

/// A stable id for a sub-record: the entry's UUID with its low 24 bits
/// mixed with the kind and index. Version and variant bits are untouched.
fn sub_id(entry: EntryId, kind: u128, index: usize) -> Option<String> {
    let index = u128::try_from(index).unwrap_or(0) & 0xffff;
    Some(Uuid::from_u128(entry.as_uuid().as_u128() ^ (kind << 16 | index)).to_string())
}

/// Writes `entries` of `maintainer` as one HSDS page, ordered by id.
/// Confidential addresses are withheld (see the module documentation).
pub fn export(maintainer: &Maintainer, entries: &[Entry]) -> Page {
    let mut entries: Vec<&Entry> = entries.iter().collect();
    entries.sort_by_key(|e| e.id);
    let contents: Vec<Service> = entries
        .into_iter()
        .map(|e| service(maintainer, e))
        .collect();
    let size = contents.len() as u64;
    Page {
        total_items: size,
        total_pages: 1,
        page_number: 1,
        size,
        first_page: true,
        last_page: true,
        empty: contents.is_empty(),
        contents,
    }
}

fn service(maintainer: &Maintainer, entry: &Entry) -> Service {
    let d = &entry.details;
    let own = Some(entry.id.to_string());
    let schedules = d
        .hours
        .0
        .iter()
        .flat_map(|day| day.ranges.iter().map(move |r| (day.day, r)))
        .enumerate()
        .map(|(i, (day, range))| Schedule {
            id: sub_id(entry.id, SCHEDULE, i),
            service_id: own.clone(),
            freq: Some("WEEKLY".to_owned()),
            byday: Some(day.ical().to_owned()),
            opens_at: Some(range.opens.to_string()),
            closes_at: Some(range.closes.to_string()),
        })
        .collect();
    let location = d
        .address
        .as_ref()
        .filter(|_| !d.address_confidential)
        .map(|a| {
            let location_id = sub_id(entry.id, LOCATION, 0);
            ServiceAtLocation {
                id: sub_id(entry.id, SAL, 0),
                service_id: own.clone(),
                location_id: location_id.clone(),
                location: Some(Location {
                    id: location_id.clone(),
                    location_type: Some("physical".to_owned()),
                    addresses: vec![HsdsAddress {
                        id: sub_id(entry.id, ADDRESS, 0),
                        location_id,
                        address_1: Some(a.street.clone()),
                        city: Some(a.city.clone()),
                        state_province: Some(String::new()),
                        postal_code: Some(a.postal_code.clone()),
                        country: Some(a.country.clone()),
                        address_type: Some("physical".to_owned()),
                    }],
                }),
            }
        });
    Service {
        id: own.clone(),
        name: Some(d.name.clone()),
        description: Some(d.description.clone()),
        url: d.contact.website.clone(),
        email: d.contact.email.clone(),
        status: Some("active".to_owned()),
        organization: Some(Organization {
            id: Some(maintainer.id.to_string()),
            name: Some(maintainer.name.clone()),
            description: Some(String::new()),
        }),
        phones: d
            .contact
            .phone
            .iter()
            .map(|number| Phone {
                id: sub_id(entry.id, PHONE, 0),
                service_id: own.clone(),
                number: Some(number.clone()),
            })
            .collect(),
        languages: d
            .languages
            .iter()
            .enumerate()
            .map(|(i, code)| Language {
                id: sub_id(entry.id, LANGUAGE, i),
                service_id: own.clone(),
                code: Some(code.clone()),
            })
            .collect(),
        schedules,
        service_at_locations: location.into_iter().collect(),
        attributes: d
            .domains
            .iter()
            .enumerate()
            .map(|(i, domain)| Attribute {
                id: sub_id(entry.id, ATTRIBUTE, i),
                link_id: own.clone(),
                link_type: Some("intervention_domain".to_owned()),
                link_entity: Some("service".to_owned()),
                taxonomy_term: Some(term(*domain)),
            })
            .collect(),
        confidential_address: d.address_confidential.then_some(true),
    }
}

fn term(domain: InterventionDomain) -> TaxonomyTerm {
    let index = InterventionDomain::ALL
        .iter()
        .position(|d| *d == domain)
        .unwrap_or(0);
    TaxonomyTerm {
        id: Some(Uuid::from_u128(TERM_BASE | u128::try_from(index).unwrap_or(0)).to_string()),
        code: Some(domain.as_str().to_owned()),
        name: Some(domain.as_str().to_owned()),
        taxonomy: Some(TAXONOMY.to_owned()),
    }
}

/// Reads one record. Refuses it with the HSDS field at fault and why:
/// a missing or malformed id, a status other than `active`, a bad name,
/// more than one phone or location or address, a schedule that is not
/// weekly or has a bad day or time, an unknown domain, a bad language tag,
/// and every refusal of [`EntryDetails::validated`].
pub fn import(record: &Service) -> Result<Imported, Invalid> {
    let id = match record.id.as_deref() {
        None => return Err(Invalid::new("id", "required")),
        Some(id) => id
            .parse::<EntryId>()
            .map_err(|_| Invalid::new("id", format!("`{id}` is not a UUID")))?,
    };
    match record.status.as_deref() {
        Some("active") => {}
        None => return Err(Invalid::new("status", "required")),
        Some(other) => {
            return Err(Invalid::new(
                "status",
                format!("only active services are imported, not `{other}`"),
            ));
        }
    }
    if record.phones.len() > 1 {
        return Err(Invalid::new("phones", "at most one phone number per entry"));
    }
    let phone = match record.phones.first() {
        None => None,
        Some(p) => Some(
            p.number
                .clone()
                .ok_or_else(|| Invalid::new("phones[0].number", "required"))?,
        ),
    };
    let languages = record
        .languages
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let field = format!("languages[{i}].code");
            let code = l
                .code
                .as_deref()
                .ok_or_else(|| Invalid::new(&field, "required"))?;
            language_tag(code).map_err(|reason| Invalid::new(field, reason))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut domains = Vec::new();
    for (i, attribute) in record.attributes.iter().enumerate() {
        let Some(term) = &attribute.taxonomy_term else {
            continue;
        };
        if term.taxonomy.as_deref() != Some(TAXONOMY) {
            continue;
        }
        let code = term.code.as_deref().unwrap_or_default();
        let domain = code.parse().map_err(|_| {
            Invalid::new(
                format!("attributes[{i}].taxonomy_term.code"),
                format!("`{code}` is not a domain of intervention"),
            )
        })?;
        domains.push(domain);
    }
    let details = EntryDetails {
        name: record.name.clone().unwrap_or_default(),
        description: record.description.clone().unwrap_or_default(),
        domains,
        languages,
        hours: hours(&record.schedules)?,
        contact: Contact {
            phone,
            email: record.email.clone(),
            website: record.url.clone(),
        },
        address: address(&record.service_at_locations)?,
        address_confidential: record.confidential_address == Some(true),
    };
    let address_withheld = details.address_confidential && details.address.is_none();
    let details = details.validated().map_err(hsds_field)?;
    Ok(Imported {
        id,
        details,
        address_withheld,
    })
}

fn hours(schedules: &[Schedule]) -> Result<OpeningHours, Invalid> {
    let mut days: Vec<DayHours> = Vec::new();
    for (i, s) in schedules.iter().enumerate() {
        let field = |name: &str| format!("schedules[{i}].{name}");
        if s.freq.as_deref() != Some("WEEKLY") {
            return Err(Invalid::new(
                field("freq"),
                "only WEEKLY schedules are understood",
            ));
        }
        let time = |name: &str, value: &Option<String>| -> Result<ClockTime, Invalid> {
            let value = value
                .as_deref()
                .ok_or_else(|| Invalid::new(field(name), "required"))?;
            value
                .parse()
                .map_err(|reason| Invalid::new(field(name), reason))
        };
        let range = TimeRange {
            opens: time("opens_at", &s.opens_at)?,
            closes: time("closes_at", &s.closes_at)?,
        };
        let byday = s
            .byday
            .as_deref()
            .ok_or_else(|| Invalid::new(field("byday"), "required"))?;
        for code in byday.split(',') {
            let day = Day::from_ical(code.trim()).ok_or_else(|| {
                Invalid::new(field("byday"), format!("`{code}` is not a day (MO … SU)"))
            })?;
            match days.iter_mut().find(|d| d.day == day) {
                Some(d) => d.ranges.push(range),
                None => days.push(DayHours {
                    day,
                    ranges: vec![range],
                }),
            }
        }
    }
    Ok(OpeningHours(days))
}

fn address(locations: &[ServiceAtLocation]) -> Result<Option<Address>, Invalid> {
    if locations.len() > 1 {
        return Err(Invalid::new(
            "service_at_locations",
            "at most one location per entry",
        ));
    }
    let Some(location) = locations.first().and_then(|l| l.location.as_ref()) else {
        return Ok(None);
    };
    let field = "service_at_locations[0].location.addresses";
    if location.addresses.len() > 1 {
        return Err(Invalid::new(field, "at most one address per entry"));
    }
    let Some(a) = location.addresses.first() else {
        return Ok(None);
    };
    if let Some(kind) = a
        .address_type
        .as_deref()
        .filter(|k| !["physical", "postal"].contains(k))
    {
        return Err(Invalid::new(
            format!("{field}[0].address_type"),
            format!("`{kind}` is not physical or postal"),
        ));
    }
    Ok(Some(Address {
        street: a.address_1.clone().unwrap_or_default(),
        postal_code: a.postal_code.clone().unwrap_or_default(),
        city: a.city.clone().unwrap_or_default(),
        country: a.country.clone().unwrap_or_default(),
    }))
}

/// Names a refusal of [`EntryDetails::validated`] by its HSDS field.
fn hsds_field(mut invalid: Invalid) -> Invalid {
    const ADDRESS: &str = "service_at_locations[0].location.addresses[0]";
    let field = invalid.field.as_str();
    invalid.field = match field {
        "contact.phone" => "phones[0].number".to_owned(),
        "contact.email" => "email".to_owned(),
        "contact.website" => "url".to_owned(),
        "domains" => format!("attributes (taxonomy {TAXONOMY})"),
        "address.street" => format!("{ADDRESS}.address_1"),
        "address.postal_code" => format!("{ADDRESS}.postal_code"),
        "address.city" => format!("{ADDRESS}.city"),
        "address.country" => format!("{ADDRESS}.country"),
        _ => match field.strip_prefix("hours") {
            Some(day) => format!("schedules{}", day.replace('.', " of ")),
            None => field.to_owned(),
        },
    };
    invalid
}

#[cfg(test)]
#[path = "hsds_tests.rs"]
mod tests;
