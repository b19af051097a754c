-- The service directory. One row per entry, maintained by one service.
-- `details` is the entry as JSON (name, description, domains, languages,
-- hours, contact), written and checked by the domain's validation; the
-- address is AtRest ciphertext, since a shelter's address may be
-- confidential. Deleting an entry deletes its row (no tombstone).

CREATE TABLE directory_entries (
    id                    BLOB PRIMARY KEY,
    service_id            BLOB NOT NULL REFERENCES services (id),
    name                  TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    details               TEXT NOT NULL CHECK (length(details) BETWEEN 2 AND 65536),
    address               BLOB,
    address_confidential  BOOLEAN NOT NULL CHECK (address_confidential IN (0, 1)),
    created_at            INTEGER NOT NULL,
    updated_at            INTEGER NOT NULL
);
CREATE INDEX directory_entries_service ON directory_entries (service_id);
