//! The service directory through the API: search (any signed-in account),
//! maintenance and HSDS 3.0 export and import (coordinators).

use passerelle_domain::ServiceId;
use passerelle_domain::directory::{
    Address, Contact, EntryDetails, EntryId, InterventionDomain, OpeningHours,
};
use reqwest::Method;
use serde::{Deserialize, Serialize};

use super::{Client, ClientError};

/// A directory entry as the server shows it to the caller. A relative or a
/// detained person never receives a confidential address.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct DirectoryEntry {
    /// Its id.
    pub id: EntryId,
    /// The service that maintains it.
    pub service: ServiceId,
    /// Its name.
    pub name: String,
    /// What it does.
    pub description: String,
    /// The domains of intervention it serves.
    pub domains: Vec<InterventionDomain>,
    /// BCP 47 language tags.
    pub languages: Vec<String>,
    /// The week, in Brussels time.
    pub hours: OpeningHours,
    /// Phone, email, website.
    pub contact: Contact,
    /// The address, when the caller may see it.
    pub address: Option<Address>,
    /// For staff: whether the address is confidential.
    pub address_confidential: Option<bool>,
    /// Open at the server's current time.
    pub open_now: bool,
}

/// Search filters.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DirectoryQuery {
    /// Only entries serving this domain.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain: Option<InterventionDomain>,
    /// Only entries speaking this language.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Only entries open now.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub open_now: bool,
}

/// What an HSDS import did.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ImportReport {
    /// How many records were stored.
    pub imported: usize,
    /// Each record left out, and why.
    pub rejected: Vec<RejectedRecord>,
}

/// One record left out of an import.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct RejectedRecord {
    /// Its position in the file, from 0.
    pub index: usize,
    /// Its id, if readable.
    pub id: Option<String>,
    /// Which field, and why.
    pub reason: String,
}

impl Client {
    /// Searches the directory.
    pub async fn search_directory(
        &self,
        query: &DirectoryQuery,
    ) -> Result<Vec<DirectoryEntry>, ClientError> {
        self.call(self.request(Method::GET, "directory/services").query(query))
            .await
    }

    /// One entry.
    pub async fn directory_entry(&self, id: EntryId) -> Result<DirectoryEntry, ClientError> {
        self.call(self.request(Method::GET, &format!("directory/services/{id}")))
            .await
    }

    /// A coordinator adds an entry for their service.
    pub async fn add_directory_entry(
        &self,
        details: &EntryDetails,
    ) -> Result<DirectoryEntry, ClientError> {
        self.call(
            self.request(Method::POST, "directory/services")
                .json(details),
        )
        .await
    }

    /// A coordinator replaces an entry of their service.
    pub async fn edit_directory_entry(
        &self,
        id: EntryId,
        details: &EntryDetails,
    ) -> Result<DirectoryEntry, ClientError> {
        self.call(
            self.request(Method::PUT, &format!("directory/services/{id}"))
                .json(details),
        )
        .await
    }

    /// A coordinator deletes an entry of their service.
    pub async fn delete_directory_entry(&self, id: EntryId) -> Result<(), ClientError> {
        self.call_empty(self.request(Method::DELETE, &format!("directory/services/{id}")))
            .await
    }

    /// A coordinator's service's entries as an HSDS 3.0 page.
    pub async fn export_hsds(&self) -> Result<serde_json::Value, ClientError> {
        self.call(self.request(Method::GET, "directory/hsds")).await
    }

    /// A coordinator imports an HSDS 3.0 file, sent as it is.
    pub async fn import_hsds(&self, file: Vec<u8>) -> Result<ImportReport, ClientError> {
        self.call(
            self.request(Method::POST, "directory/hsds")
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(file),
        )
        .await
    }
}
