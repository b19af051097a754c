-- Visit requests. The note is an envelope kept as it arrived; the reason of
-- a refusal or cancellation is encrypted at rest by the application.
CREATE TABLE visits (
    seq                INTEGER PRIMARY KEY AUTOINCREMENT,
    id                 BLOB NOT NULL UNIQUE,
    case_id            BLOB NOT NULL REFERENCES cases (id),
    relative_id        BLOB NOT NULL REFERENCES accounts (id),
    kind               TEXT NOT NULL CHECK (kind IN ('ordinary', 'extended_family', 'video')),
    dates              TEXT NOT NULL CHECK (dates <> ''),
    adults             INTEGER NOT NULL CHECK (adults BETWEEN 1 AND 6),
    minor_ages         TEXT NOT NULL,
    envelope_id        BLOB NOT NULL,
    envelope           BLOB NOT NULL,
    note_readers       TEXT NOT NULL,
    status             TEXT NOT NULL CHECK (status IN ('submitted', 'under_review', 'forwarded',
                           'scheduled', 'refused', 'done', 'cancelled')),
    revision           INTEGER NOT NULL,
    forwarded_at       INTEGER,
    forwarded_by       BLOB REFERENCES accounts (id),
    forward_reference  TEXT,
    scheduled_date     TEXT,
    scheduled_time     TEXT,
    place              TEXT,
    reason             BLOB,
    cancelled_side     TEXT CHECK (cancelled_side IN ('relative', 'worker')),
    updated_by         BLOB NOT NULL REFERENCES accounts (id),
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL,
    UNIQUE (relative_id, envelope_id),
    CHECK ((forwarded_at IS NULL) = (forwarded_by IS NULL)),
    CHECK (status <> 'refused' OR reason IS NOT NULL),
    CHECK ((status = 'cancelled') = (cancelled_side IS NOT NULL))
);
CREATE INDEX visits_case ON visits (case_id, seq);
