use super::*;
use crate::directory::tests::details;
use crate::directory::{Day, DayHours, Entry, EntryId, OpeningHours, TimeRange};

fn entry(confidential: bool) -> Entry {
    let mut details = details();
    details.address_confidential = confidential;
    details.hours = OpeningHours(vec![
        DayHours {
            day: Day::Wednesday,
            ranges: vec![TimeRange {
                opens: "14:00".parse().unwrap(),
                closes: "17:30".parse().unwrap(),
            }],
        },
        DayHours {
            day: Day::Monday,
            ranges: vec![
                TimeRange {
                    opens: "13:00".parse().unwrap(),
                    closes: "16:00".parse().unwrap(),
                },
                TimeRange {
                    opens: "09:00".parse().unwrap(),
                    closes: "12:00".parse().unwrap(),
                },
            ],
        },
    ]);
    Entry {
        id: EntryId::random(),
        service: ServiceId::random(),
        details: details.validated().unwrap(),
    }
}

fn maintainer() -> Maintainer {
    Maintainer {
        id: ServiceId::random(),
        name: "Service A".to_owned(),
    }
}

fn record() -> Service {
    export(&maintainer(), &[entry(false)]).contents.remove(0)
}

#[test]
fn export_uses_hsds_3_field_names() {
    let e = entry(false);
    let page = serde_json::to_value(export(&maintainer(), std::slice::from_ref(&e))).unwrap();
    assert_eq!(page["total_items"], 1);
    let s = &page["contents"][0];
    assert_eq!(s["id"], e.id.to_string());
    assert_eq!(s["status"], "active");
    assert_eq!(s["url"], "https://example.be");
    assert_eq!(s["email"], "accueil@example.be");
    assert_eq!(s["organization"]["name"], "Service A");
    assert_eq!(s["phones"][0]["number"], "+32 2 123 45 67");
    assert_eq!(s["languages"][1]["code"], "nl-BE");
    assert_eq!(s["schedules"].as_array().unwrap().len(), 3);
    assert_eq!(s["schedules"][0]["freq"], "WEEKLY");
    assert_eq!(s["schedules"][0]["byday"], "MO");
    assert_eq!(s["schedules"][0]["opens_at"], "09:00");
    assert_eq!(s["schedules"][2]["byday"], "WE");
    assert_eq!(s["schedules"][2]["closes_at"], "17:30");
    let address = &s["service_at_locations"][0]["location"]["addresses"][0];
    assert_eq!(address["address_1"], "Rue Haute 1");
    assert_eq!(address["postal_code"], "1000");
    assert_eq!(address["country"], "BE");
    assert_eq!(
        s["attributes"][0]["taxonomy_term"]["code"],
        "listening_support"
    );
    assert_eq!(s["attributes"][0]["taxonomy_term"]["taxonomy"], TAXONOMY);
    assert!(s.get(CONFIDENTIAL_FIELD).is_none());
}

#[test]
fn export_then_import_gives_the_same_entry() {
    let e = entry(false);
    let m = maintainer();
    let page = export(&m, std::slice::from_ref(&e));
    let json = serde_json::to_string(&page).unwrap();
    let back: Page = serde_json::from_str(&json).unwrap();
    let imported = import(&back.contents[0]).unwrap();
    assert_eq!(imported.id, e.id);
    assert_eq!(imported.details, e.details);
    assert!(!imported.address_withheld);
    // The second export, from the imported entry, is the same file.
    let again = Entry {
        id: imported.id,
        service: e.service,
        details: imported.details,
    };
    let second = serde_json::to_string(&export(&m, &[again])).unwrap();
    assert_eq!(json, second);
}

#[test]
fn a_confidential_address_never_leaves_in_an_export() {
    let e = entry(true);
    let json = serde_json::to_string(&export(&maintainer(), std::slice::from_ref(&e))).unwrap();
    assert!(!json.contains("Rue Haute"), "{json}");
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["contents"][0][CONFIDENTIAL_FIELD], true);
    assert_eq!(
        value["contents"][0]["service_at_locations"],
        serde_json::json!([])
    );
    let imported = import(&serde_json::from_value(value["contents"][0].clone()).unwrap()).unwrap();
    assert!(imported.address_withheld);
    assert!(imported.details.address_confidential);
    assert_eq!(imported.details.address, None);
}

#[test]
fn a_hand_made_confidential_address_is_imported_as_confidential() {
    let mut r = record();
    r.confidential_address = Some(true);
    let imported = import(&r).unwrap();
    assert!(!imported.address_withheld);
    assert!(imported.details.address_confidential);
    assert_eq!(imported.details.address.unwrap().street, "Rue Haute 1");
}

#[test]
fn export_is_ordered_by_id_and_stable() {
    let (a, b) = (entry(false), entry(true));
    let m = maintainer();
    let one = serde_json::to_string(&export(&m, &[a.clone(), b.clone()])).unwrap();
    let two = serde_json::to_string(&export(&m, &[b, a])).unwrap();
    assert_eq!(one, two);
}

#[test]
fn a_multi_day_schedule_is_spread_over_its_days() {
    let mut r = record();
    r.schedules = vec![Schedule {
        freq: Some("WEEKLY".to_owned()),
        byday: Some("TU, TH".to_owned()),
        opens_at: Some("10:00:00".to_owned()),
        closes_at: Some("12:00".to_owned()),
        ..Schedule::default()
    }];
    let hours = import(&r).unwrap().details.hours;
    let days: Vec<Day> = hours.0.iter().map(|d| d.day).collect();
    assert_eq!(days, [Day::Tuesday, Day::Thursday]);
}

#[test]
fn every_rejection_names_the_hsds_field() {
    type Spoil = fn(&mut Service);
    let cases: &[(&str, &str, Spoil)] = &[
        ("id", "required", |r| r.id = None),
        ("id", "not a UUID", |r| r.id = Some("abc".to_owned())),
        ("status", "required", |r| r.status = None),
        ("status", "only active", |r| {
            r.status = Some("defunct".to_owned())
        }),
        ("name", "1 to 200", |r| r.name = None),
        ("name", "1 to 200", |r| r.name = Some("n".repeat(201))),
        ("description", "at most", |r| {
            r.description = Some("d".repeat(4001))
        }),
        ("email", "not an email", |r| r.email = Some("x".to_owned())),
        ("url", "https://", |r| r.url = Some("example.be".to_owned())),
        ("phones", "at most one", |r| r.phones.push(Phone::default())),
        ("phones[0].number", "required", |r| {
            r.phones[0].number = None
        }),
        ("phones[0].number", "digits", |r| {
            r.phones[0].number = Some("abc".to_owned())
        }),
        ("languages[0].code", "required", |r| {
            r.languages[0].code = None
        }),
        ("languages[1].code", "BCP 47", |r| {
            r.languages[1].code = Some("x!".to_owned())
        }),
        ("schedules[0].freq", "WEEKLY", |r| {
            r.schedules[0].freq = Some("MONTHLY".to_owned())
        }),
        ("schedules[0].byday", "not a day", |r| {
            r.schedules[0].byday = Some("XX".to_owned())
        }),
        ("schedules[1].byday", "required", |r| {
            r.schedules[1].byday = None
        }),
        ("schedules[0].opens_at", "HH:MM", |r| {
            r.schedules[0].opens_at = Some("9am".to_owned())
        }),
        ("schedules[0].opens_at", "HH:MM", |r| {
            r.schedules[0].opens_at = Some("09:00Z".to_owned())
        }),
        ("schedules[2].closes_at", "required", |r| {
            r.schedules[2].closes_at = None
        }),
        ("schedules of monday", "cross midnight", |r| {
            r.schedules[0].closes_at = Some("08:00".to_owned())
        }),
        ("schedules of monday", "overlaps", |r| {
            r.schedules[1].opens_at = Some("11:00".to_owned())
        }),
        ("attributes[0].taxonomy_term.code", "not a domain", |r| {
            if let Some(t) = &mut r.attributes[0].taxonomy_term {
                t.code = Some("housing".to_owned());
            }
        }),
        (
            "attributes (taxonomy passerelle_intervention_domain)",
            "at least one",
            |r| r.attributes.clear(),
        ),
        ("service_at_locations", "at most one", |r| {
            let again = r.service_at_locations[0].clone();
            r.service_at_locations.push(again);
        }),
        (
            "service_at_locations[0].location.addresses",
            "at most one",
            |r| {
                if let Some(l) = &mut r.service_at_locations[0].location {
                    let again = l.addresses[0].clone();
                    l.addresses.push(again);
                }
            },
        ),
        (
            "service_at_locations[0].location.addresses[0].address_type",
            "physical",
            |r| {
                if let Some(l) = &mut r.service_at_locations[0].location {
                    l.addresses[0].address_type = Some("virtual".to_owned());
                }
            },
        ),
        (
            "service_at_locations[0].location.addresses[0].city",
            "1 to 200",
            |r| {
                if let Some(l) = &mut r.service_at_locations[0].location {
                    l.addresses[0].city = None;
                }
            },
        ),
        (
            "service_at_locations[0].location.addresses[0].country",
            "ISO 3166",
            |r| {
                if let Some(l) = &mut r.service_at_locations[0].location {
                    l.addresses[0].country = Some("BEL".to_owned());
                }
            },
        ),
    ];
    for (field, reason, spoil) in cases {
        let mut r = record();
        spoil(&mut r);
        let error = import(&r).unwrap_err();
        assert_eq!(error.field, *field, "{error}");
        assert!(error.reason.contains(reason), "{field}: {}", error.reason);
    }
}

#[test]
fn terms_of_other_taxonomies_are_ignored() {
    let mut r = record();
    r.attributes.push(Attribute {
        taxonomy_term: Some(TaxonomyTerm {
            code: Some("food".to_owned()),
            taxonomy: Some("open_eligibility".to_owned()),
            ..TaxonomyTerm::default()
        }),
        ..Attribute::default()
    });
    assert_eq!(import(&r).unwrap().details.domains.len(), 2);
}

/// `hsds_example.json`, the documented example, imports and exports back
/// to itself.
#[test]
fn the_documented_example_round_trips() {
    let text = include_str!("hsds_example.json");
    let page: Page = serde_json::from_str(text).unwrap();
    let organization = page.contents[0].organization.clone().unwrap();
    let maintainer = Maintainer {
        id: organization.id.unwrap().parse().unwrap(),
        name: organization.name.unwrap(),
    };
    let imported = import(&page.contents[0]).unwrap();
    assert_eq!(imported.details.name, "Maison d'accueil");
    assert_eq!(imported.details.hours.0[0].day, Day::Tuesday);
    let entry = Entry {
        id: imported.id,
        service: maintainer.id,
        details: imported.details,
    };
    let again = serde_json::to_value(export(&maintainer, &[entry])).unwrap();
    let example: serde_json::Value = serde_json::from_str(text).unwrap();
    assert_eq!(again, example);
}
