//! Reading one HSDS service record into an entry.

use super::*;
use crate::directory::{
    Address, ClockTime, Contact, Day, DayHours, EntryDetails, Invalid, OpeningHours, TimeRange,
    language_tag,
};

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
