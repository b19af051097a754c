-- Consent records, restrictions and the audit trail (DESIGN section 3 and 7).
-- Times are microseconds since the Unix epoch; ids are 16-byte UUIDs.

-- Append-only: a revocation is a new row. The triggers refuse any edit.
CREATE TABLE consent_records (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    id             BLOB NOT NULL UNIQUE,
    case_id        BLOB NOT NULL REFERENCES cases (id),
    grantee_id     BLOB NOT NULL REFERENCES accounts (id),
    change         TEXT NOT NULL CHECK (change IN ('grant', 'revoke')),
    scopes         INTEGER NOT NULL,
    valid_from     INTEGER,
    valid_until    INTEGER,
    method         TEXT NOT NULL,
    evidence_hash  BLOB,
    recorded_by    BLOB NOT NULL REFERENCES accounts (id),
    recorded_at    INTEGER NOT NULL
);
CREATE INDEX consent_records_case ON consent_records (case_id, seq);
CREATE TRIGGER consent_records_no_update BEFORE UPDATE ON consent_records
BEGIN SELECT RAISE(ABORT, 'consent records are append-only'); END;
CREATE TRIGGER consent_records_no_delete BEFORE DELETE ON consent_records
BEGIN SELECT RAISE(ABORT, 'consent records are append-only'); END;

-- Lifting fills lifted_by and lifted_at once; the row stays.
CREATE TABLE restrictions (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    id           BLOB NOT NULL UNIQUE,
    case_id      BLOB NOT NULL REFERENCES cases (id),
    relative_id  BLOB NOT NULL REFERENCES accounts (id),
    kind         TEXT NOT NULL CHECK (kind IN ('court_order', 'protection_request')),
    imposed_by   BLOB NOT NULL REFERENCES accounts (id),
    imposed_at   INTEGER NOT NULL,
    lifted_by    BLOB REFERENCES accounts (id),
    lifted_at    INTEGER
);
CREATE INDEX restrictions_case ON restrictions (case_id, seq);

-- The hash-chained trail. seq runs 1, 2, 3 … without gaps; hash is the
-- keyed digest of prev_hash and the row (crates/store/src/audit.rs). No
-- foreign keys: the trail records denials about things that do not exist.
CREATE TABLE audit_log (
    seq          INTEGER PRIMARY KEY,
    at           INTEGER NOT NULL,
    actor_id     BLOB,
    action       TEXT NOT NULL,
    object_kind  TEXT NOT NULL,
    object_id    BLOB,
    case_id      BLOB,
    owner_id     BLOB,
    outcome      TEXT NOT NULL,
    prev_hash    BLOB NOT NULL,
    hash         BLOB NOT NULL
);
CREATE INDEX audit_log_case ON audit_log (case_id, seq);
CREATE INDEX audit_log_owner ON audit_log (owner_id, seq);
