-- Consent records, restrictions and the audit trail (DESIGN section 3 and 7).
-- Times are microseconds since the Unix epoch.

-- Append-only: a revocation is a new row. The trigger refuses any edit.
CREATE TABLE consent_records (
    seq            BIGSERIAL PRIMARY KEY,
    id             UUID NOT NULL UNIQUE,
    case_id        UUID NOT NULL REFERENCES cases (id),
    grantee_id     UUID NOT NULL REFERENCES accounts (id),
    change         TEXT NOT NULL CHECK (change IN ('grant', 'revoke')),
    scopes         INTEGER NOT NULL,
    valid_from     BIGINT,
    valid_until    BIGINT,
    method         TEXT NOT NULL,
    evidence_hash  BYTEA,
    recorded_by    UUID NOT NULL REFERENCES accounts (id),
    recorded_at    BIGINT NOT NULL
);
CREATE INDEX consent_records_case ON consent_records (case_id, seq);
CREATE FUNCTION consent_records_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'consent records are append-only';
END;
$$;
CREATE TRIGGER consent_records_append_only BEFORE UPDATE OR DELETE ON consent_records
    FOR EACH ROW EXECUTE FUNCTION consent_records_append_only();

-- Lifting fills lifted_by and lifted_at once; the row stays.
CREATE TABLE restrictions (
    seq          BIGSERIAL PRIMARY KEY,
    id           UUID NOT NULL UNIQUE,
    case_id      UUID NOT NULL REFERENCES cases (id),
    relative_id  UUID NOT NULL REFERENCES accounts (id),
    kind         TEXT NOT NULL CHECK (kind IN ('court_order', 'protection_request')),
    imposed_by   UUID NOT NULL REFERENCES accounts (id),
    imposed_at   BIGINT NOT NULL,
    lifted_by    UUID REFERENCES accounts (id),
    lifted_at    BIGINT
);
CREATE INDEX restrictions_case ON restrictions (case_id, seq);

-- The hash-chained trail. seq runs 1, 2, 3 … without gaps; hash is the
-- keyed digest of prev_hash and the row (crates/store/src/audit.rs). No
-- foreign keys: the trail records denials about things that do not exist.
CREATE TABLE audit_log (
    seq          BIGINT PRIMARY KEY,
    at           BIGINT NOT NULL,
    actor_id     UUID,
    action       TEXT NOT NULL,
    object_kind  TEXT NOT NULL,
    object_id    UUID,
    case_id      UUID,
    owner_id     UUID,
    outcome      TEXT NOT NULL,
    prev_hash    BYTEA NOT NULL,
    hash         BYTEA NOT NULL
);
CREATE INDEX audit_log_case ON audit_log (case_id, seq);
CREATE INDEX audit_log_owner ON audit_log (owner_id, seq);

-- The chain's head, one row. Appending locks it (SELECT … FOR UPDATE), so
-- instances sharing the database extend one chain, one batch at a time.
CREATE TABLE audit_head (
    only_row  BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (only_row),
    seq       BIGINT NOT NULL,
    hash      BYTEA NOT NULL
);
INSERT INTO audit_head (seq, hash) VALUES (0, '\x0000000000000000000000000000000000000000000000000000000000000000');
