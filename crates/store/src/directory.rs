//! Storage of the service directory, in the domain's words.

use async_trait::async_trait;
use jiff::Timestamp;
use passerelle_domain::ServiceId;
use passerelle_domain::directory::hsds::Imported;
use passerelle_domain::directory::{Address, Entry, EntryDetails, EntryId};
use uuid::Uuid;

use crate::{AtRest, Result, StoreError};

/// Storage of the directory; part of [`crate::Store`]. Entries are stored
/// as given: callers validate them first ([`EntryDetails::validated`]). The
/// address is encrypted at rest, confidential or not.
#[async_trait]
pub trait DirectoryStore: Send + Sync {
    /// Stores a new entry; `Conflict` if its id is taken, `NotFound` if its
    /// service does not exist.
    async fn create_directory_entry(&self, entry: &Entry, now: Timestamp) -> Result<()>;
    /// One entry by id, whichever service maintains it (referrals use it);
    /// callers hide a confidential address from non-staff.
    async fn directory_entry(&self, id: EntryId) -> Result<Option<Entry>>;
    /// Every entry, or only those of `service`, ordered by name then id.
    async fn directory_entries(&self, service: Option<ServiceId>) -> Result<Vec<Entry>>;
    /// Replaces the details of an entry of `entry.service`; `NotFound` if
    /// that service has no entry with this id (another service's entry is
    /// never touched).
    async fn update_directory_entry(&self, entry: &Entry, now: Timestamp) -> Result<()>;
    /// Deletes an entry of `service` for good; `NotFound` if that service
    /// has no entry with this id.
    async fn delete_directory_entry(&self, service: ServiceId, id: EntryId) -> Result<()>;
    /// In one transaction, creates or replaces each entry of `service` by
    /// id. An id held by another service's entry is left alone and reported
    /// `false`; every other record is stored and reported `true`, in order.
    /// A record whose confidential address is withheld keeps the address
    /// already stored under its id.
    async fn import_directory_entries(
        &self,
        service: ServiceId,
        entries: &[Imported],
        now: Timestamp,
    ) -> Result<Vec<bool>>;
}

/// A `directory_entries` row.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct EntryRow {
    id: Uuid,
    service_id: Uuid,
    details: String,
    address: Option<Vec<u8>>,
    address_confidential: bool,
}

/// The columns the domain's details are written to.
pub(crate) struct EntryColumns {
    pub name: String,
    pub details: String,
    pub address: Option<Vec<u8>>,
    pub address_confidential: bool,
}

const ADDRESS_COLUMN: &str = "directory_entries.address";

impl EntryColumns {
    /// The details as JSON without the address, and the address sealed.
    pub(crate) fn of(details: &EntryDetails, at_rest: &AtRest) -> Result<Self> {
        let address = details
            .address
            .as_ref()
            .map(|a| {
                let json = serde_json::to_string(a)
                    .map_err(|_| StoreError::Corrupt("an address does not serialise"))?;
                at_rest.seal(ADDRESS_COLUMN, &json)
            })
            .transpose()?;
        let public = EntryDetails {
            address: None,
            ..details.clone()
        };
        Ok(Self {
            name: details.name.clone(),
            details: serde_json::to_string(&public)
                .map_err(|_| StoreError::Corrupt("an entry does not serialise"))?,
            address,
            address_confidential: details.address_confidential,
        })
    }
}

impl EntryRow {
    /// The entry, its address decrypted.
    pub(crate) fn into_entry(self, at_rest: &AtRest) -> Result<Entry> {
        let mut details: EntryDetails = serde_json::from_str(&self.details)
            .map_err(|_| StoreError::Corrupt("a directory entry does not read back"))?;
        details.address = self
            .address
            .map(|sealed| {
                let json = at_rest.open(ADDRESS_COLUMN, &sealed)?;
                serde_json::from_str::<Address>(&json)
                    .map_err(|_| StoreError::Corrupt("an address does not read back"))
            })
            .transpose()?;
        details.address_confidential = self.address_confidential;
        Ok(Entry {
            id: EntryId::from_uuid(self.id),
            service: ServiceId::from_uuid(self.service_id),
            details,
        })
    }
}

/// Orders entries by name (ignoring case), then id.
pub(crate) fn by_name(entries: &mut [Entry]) {
    entries.sort_by(|a, b| {
        a.details
            .name
            .to_lowercase()
            .cmp(&b.details.name.to_lowercase())
            .then(a.id.cmp(&b.id))
    });
}
