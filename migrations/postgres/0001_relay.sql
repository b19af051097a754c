-- The relay service: services, accounts, sessions, cases, invitations,
-- device keys and messages. Times are microseconds since the Unix epoch.
-- BYTEA columns named after personal data hold AtRest ciphertext.

CREATE TABLE services (
    id          UUID PRIMARY KEY,
    name        BYTEA NOT NULL,
    created_at  BIGINT NOT NULL
);

CREATE TABLE accounts (
    id             UUID PRIMARY KEY,
    role           TEXT NOT NULL CHECK (role IN ('coordinator', 'worker', 'relative', 'detainee')),
    service_id     UUID REFERENCES services (id),
    login_index    BYTEA NOT NULL UNIQUE,
    login          BYTEA NOT NULL,
    display_name   BYTEA NOT NULL,
    phone          BYTEA,
    password_hash  TEXT NOT NULL,
    created_at     BIGINT NOT NULL
);

CREATE TABLE sessions (
    token_hash  BYTEA PRIMARY KEY,
    account_id  UUID NOT NULL REFERENCES accounts (id),
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    ended_at    BIGINT
);
CREATE INDEX sessions_account ON sessions (account_id);

CREATE TABLE cases (
    id                  UUID PRIMARY KEY,
    service_id          UUID NOT NULL REFERENCES services (id),
    detainee_name       BYTEA NOT NULL,
    prison_number       BYTEA,
    institution         TEXT NOT NULL,
    legal_situation     TEXT NOT NULL,
    expected_release    TEXT,
    languages           TEXT NOT NULL,
    interpreter_needed  BOOLEAN NOT NULL,
    status              TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    created_at          BIGINT NOT NULL
);

CREATE TABLE case_parties (
    case_id       UUID NOT NULL REFERENCES cases (id),
    account_id    UUID NOT NULL REFERENCES accounts (id),
    kind          TEXT NOT NULL CHECK (kind IN ('worker', 'relative', 'detainee')),
    relationship  TEXT,
    linked_at     BIGINT NOT NULL,
    PRIMARY KEY (case_id, account_id)
);
CREATE INDEX case_parties_account ON case_parties (account_id);

CREATE TABLE invitations (
    code_hash     BYTEA PRIMARY KEY,
    case_id       UUID NOT NULL REFERENCES cases (id),
    role          TEXT NOT NULL CHECK (role IN ('relative', 'detainee')),
    relationship  TEXT,
    created_by    UUID NOT NULL REFERENCES accounts (id),
    created_at    BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL,
    used_at       BIGINT,
    used_by       UUID REFERENCES accounts (id)
);

-- Append-only: a rotation adds a row with the next version.
CREATE TABLE device_keys (
    account_id  UUID NOT NULL REFERENCES accounts (id),
    version     BIGINT NOT NULL,
    public_key  BYTEA NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (account_id, version)
);
-- A key belongs to one account, once: nobody can claim another's key, and
-- nobody re-registers a key they rotated away from.
CREATE UNIQUE INDEX device_keys_public_key ON device_keys (public_key);

CREATE TABLE messages (
    seq           BIGSERIAL PRIMARY KEY,
    id            UUID NOT NULL UNIQUE,
    case_id       UUID NOT NULL REFERENCES cases (id),
    sender_id     UUID NOT NULL REFERENCES accounts (id),
    envelope_id   UUID NOT NULL,
    envelope      BYTEA NOT NULL,
    on_behalf_of  UUID REFERENCES accounts (id),
    status        TEXT NOT NULL CHECK (status IN ('pending_relay', 'held', 'delivered', 'read')),
    hold_reason   BYTEA,
    in_person     BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    UNIQUE (sender_id, envelope_id)
);
CREATE INDEX messages_sender ON messages (sender_id, seq);

-- One row per reader; the primary key serves the inbox query.
CREATE TABLE message_recipients (
    account_id   UUID NOT NULL REFERENCES accounts (id),
    message_seq  BIGINT NOT NULL REFERENCES messages (seq),
    PRIMARY KEY (account_id, message_seq)
);
CREATE INDEX message_recipients_message ON message_recipients (message_seq);
