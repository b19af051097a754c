//! Writing entries as one HSDS page.

use uuid::Uuid;

use super::*;
use crate::directory::{Entry, EntryId, InterventionDomain};

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
