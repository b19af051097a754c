//! The store contract for the directory, on every engine.

use jiff::ToSpan;
use passerelle_domain::directory::hsds::Imported;
use passerelle_domain::directory::{
    Address, Contact, Entry, EntryDetails, EntryId, InterventionDomain, OpeningHours,
};
use passerelle_store::sqlite::SqliteStore;
use passerelle_store::{Store, StoreError};

use crate::backends;
use crate::contract::now;

fn details(name: &str, confidential: bool) -> EntryDetails {
    EntryDetails {
        name: name.to_owned(),
        description: "Accueil".to_owned(),
        domains: vec![InterventionDomain::FamilyTies],
        languages: vec!["fr".to_owned()],
        hours: OpeningHours::default(),
        contact: Contact::default(),
        address: Some(Address {
            street: "Rue Secrète 7".to_owned(),
            postal_code: "1000".to_owned(),
            city: "Bruxelles".to_owned(),
            country: "BE".to_owned(),
        }),
        address_confidential: confidential,
    }
}

async fn entry(store: &dyn Store, service: &str, name: &str) -> Entry {
    let service = store.create_service(service, now()).await.unwrap();
    let entry = Entry {
        id: EntryId::random(),
        service: service.id,
        details: details(name, true),
    };
    store.create_directory_entry(&entry, now()).await.unwrap();
    entry
}

#[tokio::test]
async fn entries_read_back_whole_and_ids_are_unique() {
    for b in backends::all().await {
        let e = entry(&*b.store, "A", "Maison").await;
        assert_eq!(
            b.store.directory_entry(e.id).await.unwrap(),
            Some(e.clone())
        );
        assert_eq!(
            b.store.directory_entry(EntryId::random()).await.unwrap(),
            None
        );
        let taken = b.store.create_directory_entry(&e, now()).await;
        assert!(matches!(taken, Err(StoreError::Conflict(_))), "{taken:?}");
    }
}

#[tokio::test]
async fn the_address_is_encrypted_at_rest() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("passerelle.db");
    let store = SqliteStore::open(&path, backends::key()).await.unwrap();
    store.migrate().await.unwrap();
    let e = entry(&store, "A", "Maison").await;
    let raw = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    let (details, address): (String, Vec<u8>) =
        sqlx::query_as("SELECT details, address FROM directory_entries WHERE id = ?")
            .bind(e.id.as_uuid())
            .fetch_one(&raw)
            .await
            .unwrap();
    assert!(details.contains("Maison"));
    assert!(!details.contains("Secrète"));
    assert!(!String::from_utf8_lossy(&address).contains("Secrète"));
    assert!(!address.windows(4).any(|w| w == b"1000"));
}

#[tokio::test]
async fn only_the_owning_service_updates_or_deletes() {
    for b in backends::all().await {
        let e = entry(&*b.store, "A", "Maison").await;
        let other = b.store.create_service("B", now()).await.unwrap();
        let foreign = Entry {
            service: other.id,
            details: details("Taken over", false),
            ..e.clone()
        };
        let update = b.store.update_directory_entry(&foreign, now()).await;
        assert!(matches!(update, Err(StoreError::NotFound)), "{update:?}");
        let delete = b.store.delete_directory_entry(other.id, e.id).await;
        assert!(matches!(delete, Err(StoreError::NotFound)), "{delete:?}");
        assert_eq!(
            b.store.directory_entry(e.id).await.unwrap(),
            Some(e.clone())
        );

        let edited = Entry {
            details: details("Maison ouverte", false),
            ..e.clone()
        };
        b.store
            .update_directory_entry(&edited, now() + 1.hour())
            .await
            .unwrap();
        assert_eq!(b.store.directory_entry(e.id).await.unwrap(), Some(edited));
        b.store
            .delete_directory_entry(e.service, e.id)
            .await
            .unwrap();
        assert_eq!(b.store.directory_entry(e.id).await.unwrap(), None);
        assert!(b.store.directory_entries(None).await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn listing_filters_by_service_and_orders_by_name() {
    for b in backends::all().await {
        let z = entry(&*b.store, "A", "zèbre").await;
        let a = entry(&*b.store, "B", "Abri").await;
        let all = b.store.directory_entries(None).await.unwrap();
        assert_eq!(all, [a.clone(), z.clone()]);
        let only = b.store.directory_entries(Some(z.service)).await.unwrap();
        assert_eq!(only, [z]);
    }
}

#[tokio::test]
async fn import_upserts_by_id_keeps_withheld_addresses_and_skips_foreign_ids() {
    for b in backends::all().await {
        let mine = entry(&*b.store, "A", "Maison").await;
        let foreign = entry(&*b.store, "B", "Ailleurs").await;
        let mut withheld = details("Maison renommée", true);
        withheld.address = None;
        let fresh = Imported {
            id: EntryId::random(),
            details: details("Nouvelle", false),
            address_withheld: false,
        };
        let records = [
            Imported {
                id: mine.id,
                details: withheld,
                address_withheld: true,
            },
            Imported {
                id: foreign.id,
                details: details("Pris", false),
                address_withheld: false,
            },
            fresh.clone(),
        ];
        let stored = b
            .store
            .import_directory_entries(mine.service, &records, now())
            .await
            .unwrap();
        assert_eq!(stored, [true, false, true]);
        let renamed = b.store.directory_entry(mine.id).await.unwrap().unwrap();
        assert_eq!(renamed.details.name, "Maison renommée");
        assert_eq!(renamed.details.address, mine.details.address, "{}", b.name);
        assert_eq!(
            b.store.directory_entry(foreign.id).await.unwrap(),
            Some(foreign)
        );
        let created = b.store.directory_entry(fresh.id).await.unwrap().unwrap();
        assert_eq!(created.service, mine.service);
        assert_eq!(created.details, fresh.details);
        // Again: the same result, nothing added.
        b.store
            .import_directory_entries(mine.service, &records, now())
            .await
            .unwrap();
        assert_eq!(b.store.directory_entries(None).await.unwrap().len(), 3);
    }
}
