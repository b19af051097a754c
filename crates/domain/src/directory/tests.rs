use super::*;

pub(super) fn details() -> EntryDetails {
    EntryDetails {
        name: "  Maison d'accueil  ".to_owned(),
        description: "Hébergement d'urgence".to_owned(),
        domains: vec![
            InterventionDomain::FamilyTies,
            InterventionDomain::ListeningSupport,
        ],
        languages: vec!["NL-be".to_owned(), "fr".to_owned(), "fr".to_owned()],
        hours: OpeningHours::default(),
        contact: Contact {
            phone: Some("+32 2 123 45 67".to_owned()),
            email: Some("accueil@example.be".to_owned()),
            website: Some("https://example.be".to_owned()),
        },
        address: Some(Address {
            street: "Rue Haute 1".to_owned(),
            postal_code: "1000".to_owned(),
            city: "Bruxelles".to_owned(),
            country: "be".to_owned(),
        }),
        address_confidential: true,
    }
}

#[test]
fn validation_trims_and_orders() {
    let d = details().validated().unwrap();
    assert_eq!(d.name, "Maison d'accueil");
    assert_eq!(d.languages, ["fr", "nl-BE"]);
    assert_eq!(
        d.domains,
        [
            InterventionDomain::ListeningSupport,
            InterventionDomain::FamilyTies
        ]
    );
    assert_eq!(d.address.unwrap().country, "BE");
}

#[test]
fn every_bad_field_is_named() {
    type Spoil = fn(&mut EntryDetails);
    let cases: &[(&str, Spoil)] = &[
        ("name", |d| d.name = "   ".to_owned()),
        ("name", |d| d.name = "x".repeat(MAX_NAME + 1)),
        ("name", |d| d.name = "a\u{7}b".to_owned()),
        ("description", |d| {
            d.description = "x".repeat(MAX_DESCRIPTION + 1)
        }),
        ("domains", |d| d.domains.clear()),
        ("languages", |d| {
            d.languages = vec!["fr".to_owned(); MAX_LANGUAGES + 1]
        }),
        ("languages[1]", |d| d.languages[1] = "french!".to_owned()),
        ("languages[0]", |d| d.languages[0] = "f".to_owned()),
        ("contact.phone", |d| {
            d.contact.phone = Some("call us".to_owned())
        }),
        ("contact.phone", |d| d.contact.phone = Some("12".to_owned())),
        ("contact.email", |d| {
            d.contact.email = Some("nobody".to_owned())
        }),
        ("contact.email", |d| {
            d.contact.email = Some("a@b".to_owned())
        }),
        ("contact.website", |d| {
            d.contact.website = Some("ftp://x".to_owned())
        }),
        ("contact.website", |d| {
            d.contact.website = Some("x".repeat(MAX_SHORT + 1))
        }),
        ("address.street", |d| {
            if let Some(a) = &mut d.address {
                a.street = String::new();
            }
        }),
        ("address.country", |d| {
            if let Some(a) = &mut d.address {
                a.country = "Belgium".to_owned();
            }
        }),
        ("hours.tuesday", |d| {
            d.hours = OpeningHours(vec![DayHours {
                day: Day::Tuesday,
                ranges: vec![TimeRange {
                    opens: ClockTime::new(20, 0).unwrap(),
                    closes: ClockTime::new(2, 0).unwrap(),
                }],
            }])
        }),
    ];
    for (field, spoil) in cases {
        let mut d = details();
        spoil(&mut d);
        let error = d.validated().unwrap_err();
        assert_eq!(error.field, *field, "{error}");
    }
}

#[test]
fn an_empty_contact_field_is_absent() {
    let mut d = details();
    d.contact.email = Some("  ".to_owned());
    assert_eq!(d.validated().unwrap().contact.email, None);
}

#[test]
fn language_tags_take_canonical_case() {
    assert_eq!(language_tag("SR-latn-rs").unwrap(), "sr-Latn-RS");
    assert_eq!(language_tag("ar").unwrap(), "ar");
    for bad in [
        "",
        "f",
        "fr_BE",
        "fr-",
        "toolonglanguage",
        "fr-abcdefghi",
        "12",
    ] {
        assert!(language_tag(bad).is_err(), "{bad} was accepted");
    }
    assert!(language_matches("fr-BE", "fr"));
    assert!(language_matches("fr", "FR"));
    assert!(!language_matches("fr", "fr-BE"));
    assert!(!language_matches("fra", "fr"));
}

#[test]
fn domains_have_stable_names() {
    for domain in InterventionDomain::ALL {
        let json = serde_json::to_string(&domain).unwrap();
        assert_eq!(json, format!("\"{}\"", domain.as_str()));
        assert_eq!(
            domain.as_str().parse::<InterventionDomain>().unwrap(),
            domain
        );
    }
    assert!("housing".parse::<InterventionDomain>().is_err());
}

#[test]
fn a_confidential_address_is_hidden_from_non_staff_only() {
    let entry = Entry {
        id: EntryId::random(),
        service: ServiceId::random(),
        details: details().validated().unwrap(),
    };
    for role in [Role::Relative, Role::Detainee] {
        let seen = entry.clone().seen_by(role);
        assert_eq!(seen.details.address, None);
        assert!(!seen.details.address_confidential);
        let json = serde_json::to_value(&seen.details).unwrap();
        assert!(json.get("address").is_none());
    }
    for role in [Role::Worker, Role::Coordinator] {
        assert_eq!(entry.clone().seen_by(role), entry);
    }
    let mut public = entry.clone();
    public.details.address_confidential = false;
    assert_eq!(public.clone().seen_by(Role::Relative), public);
}
