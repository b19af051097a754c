-- The relay service: services, accounts, sessions, cases, invitations,
-- device keys and messages. Times are microseconds since the Unix epoch.
-- BLOB columns named after personal data hold AtRest ciphertext.

CREATE TABLE services (
    id          BLOB PRIMARY KEY,
    name        BLOB NOT NULL,
    created_at  INTEGER NOT NULL
);

CREATE TABLE accounts (
    id             BLOB PRIMARY KEY,
    role           TEXT NOT NULL CHECK (role IN ('coordinator', 'worker', 'relative', 'detainee')),
    service_id     BLOB REFERENCES services (id),
    login_index    BLOB NOT NULL UNIQUE,
    login          BLOB NOT NULL,
    display_name   BLOB NOT NULL,
    phone          BLOB,
    password_hash  TEXT NOT NULL,
    created_at     INTEGER NOT NULL
);

CREATE TABLE sessions (
    token_hash  BLOB PRIMARY KEY,
    account_id  BLOB NOT NULL REFERENCES accounts (id),
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    ended_at    INTEGER
);
CREATE INDEX sessions_account ON sessions (account_id);

CREATE TABLE cases (
    id                  BLOB PRIMARY KEY,
    service_id          BLOB NOT NULL REFERENCES services (id),
    detainee_name       BLOB NOT NULL,
    prison_number       BLOB,
    institution         TEXT NOT NULL,
    legal_situation     TEXT NOT NULL,
    expected_release    TEXT,
    languages           TEXT NOT NULL,
    interpreter_needed  INTEGER NOT NULL,
    status              TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    created_at          INTEGER NOT NULL
);

CREATE TABLE case_parties (
    case_id       BLOB NOT NULL REFERENCES cases (id),
    account_id    BLOB NOT NULL REFERENCES accounts (id),
    kind          TEXT NOT NULL CHECK (kind IN ('worker', 'relative', 'detainee')),
    relationship  TEXT,
    linked_at     INTEGER NOT NULL,
    PRIMARY KEY (case_id, account_id)
);
CREATE INDEX case_parties_account ON case_parties (account_id);

CREATE TABLE invitations (
    code_hash     BLOB PRIMARY KEY,
    case_id       BLOB NOT NULL REFERENCES cases (id),
    role          TEXT NOT NULL CHECK (role IN ('relative', 'detainee')),
    relationship  TEXT,
    created_by    BLOB NOT NULL REFERENCES accounts (id),
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    used_at       INTEGER,
    used_by       BLOB REFERENCES accounts (id)
);

-- Append-only: a rotation adds a row with the next version.
CREATE TABLE device_keys (
    account_id  BLOB NOT NULL REFERENCES accounts (id),
    version     INTEGER NOT NULL,
    public_key  BLOB NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (account_id, version)
);
-- A key belongs to one account, once: nobody can claim another's key, and
-- nobody re-registers a key they rotated away from.
CREATE UNIQUE INDEX device_keys_public_key ON device_keys (public_key);

CREATE TABLE messages (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    id            BLOB NOT NULL UNIQUE,
    case_id       BLOB NOT NULL REFERENCES cases (id),
    sender_id     BLOB NOT NULL REFERENCES accounts (id),
    envelope_id   BLOB NOT NULL,
    envelope      BLOB NOT NULL,
    on_behalf_of  BLOB REFERENCES accounts (id),
    status        TEXT NOT NULL CHECK (status IN ('pending_relay', 'held', 'delivered', 'read')),
    hold_reason   BLOB,
    in_person     INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    UNIQUE (sender_id, envelope_id)
);
CREATE INDEX messages_sender ON messages (sender_id, seq);

-- One row per reader; the primary key serves the inbox query.
CREATE TABLE message_recipients (
    account_id   BLOB NOT NULL REFERENCES accounts (id),
    message_seq  INTEGER NOT NULL REFERENCES messages (seq),
    PRIMARY KEY (account_id, message_seq)
) WITHOUT ROWID;
CREATE INDEX message_recipients_message ON message_recipients (message_seq);
