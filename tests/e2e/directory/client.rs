//! The typed client's directory calls, against the real server: what the
//! command line uses.

use passerelle::client::Client;
use passerelle::client::directory::DirectoryQuery;
use passerelle_domain::directory::{EntryDetails, InterventionDomain};
use serde_json::json;

use super::{body, monday_morning};
use crate::support::{World, backends};

#[tokio::test]
async fn the_client_maintains_searches_and_exchanges_hsds() {
    let backend = backends().await.remove(0);
    let w = World::build(backend).await;
    let coordinator = Client::new(&w.srv.base)
        .unwrap()
        .with_token(&w.coordinator.token);
    let relative = Client::new(&w.srv.base)
        .unwrap()
        .with_token(&w.relative.token);

    let mut shelter: EntryDetails = serde_json::from_value(body(
        "Refuge",
        &["family_ties"],
        &["fr-BE"],
        monday_morning(),
    ))
    .unwrap();
    shelter.address_confidential = true;
    let added = coordinator.add_directory_entry(&shelter).await.unwrap();
    assert_eq!(added.address_confidential, Some(true));
    assert_eq!(added.address, shelter.address);

    let query = DirectoryQuery {
        domain: Some(InterventionDomain::FamilyTies),
        language: Some("fr".to_owned()),
        open_now: false,
    };
    let found = relative.search_directory(&query).await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].id, added.id);
    assert_eq!(found[0].address, None);
    assert_eq!(found[0].address_confidential, None);
    let none = DirectoryQuery {
        domain: Some(InterventionDomain::ResidenceStatus),
        ..DirectoryQuery::default()
    };
    assert!(relative.search_directory(&none).await.unwrap().is_empty());

    shelter.name = "Refuge du Midi".to_owned();
    let edited = coordinator
        .edit_directory_entry(added.id, &shelter)
        .await
        .unwrap();
    assert_eq!(edited.name, "Refuge du Midi");
    assert!(
        relative
            .edit_directory_entry(added.id, &shelter)
            .await
            .is_err()
    );

    let page = coordinator.export_hsds().await.unwrap();
    assert_eq!(page["contents"][0]["name"], "Refuge du Midi");
    let report = coordinator
        .import_hsds(serde_json::to_vec(&json!([page["contents"][0], {"id": "x"}])).unwrap())
        .await
        .unwrap();
    assert_eq!(report.imported, 1);
    assert_eq!(report.rejected.len(), 1);
    assert_eq!(report.rejected[0].index, 1);
    assert!(report.rejected[0].reason.starts_with("id:"), "{report:?}");

    coordinator.delete_directory_entry(added.id).await.unwrap();
    assert!(relative.directory_entry(added.id).await.is_err());
}
