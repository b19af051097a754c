-- The service directory. One row per entry, maintained by one service.
-- `details` is the entry as JSON (name, description, domains, languages,
-- hours, contact), written and checked by the domain's validation; the
-- address is AtRest ciphertext, since a shelter's address may be
-- confidential. Deleting an entry deletes its row (no tombstone).

CREATE TABLE directory_entries (
    id                    UUID PRIMARY KEY,
    service_id            UUID NOT NULL REFERENCES services (id),
    name                  TEXT NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
    details               TEXT NOT NULL CHECK (length(details) BETWEEN 2 AND 65536),
    address               BYTEA,
    address_confidential  BOOLEAN NOT NULL,
    created_at            BIGINT NOT NULL,
    updated_at            BIGINT NOT NULL
);
CREATE INDEX directory_entries_service ON directory_entries (service_id);
