-- Visit requests. The note is an envelope kept as it arrived; the reason of
-- a refusal or cancellation is encrypted at rest by the application.
CREATE TABLE visits (
    seq                BIGSERIAL PRIMARY KEY,
    id                 UUID NOT NULL UNIQUE,
    case_id            UUID NOT NULL REFERENCES cases (id),
    relative_id        UUID NOT NULL REFERENCES accounts (id),
    kind               TEXT NOT NULL CHECK (kind IN ('ordinary', 'extended_family', 'video')),
    dates              TEXT NOT NULL CHECK (dates <> ''),
    adults             INTEGER NOT NULL CHECK (adults BETWEEN 1 AND 6),
    minor_ages         TEXT NOT NULL,
    envelope_id        UUID NOT NULL,
    envelope           BYTEA NOT NULL,
    note_readers       TEXT NOT NULL,
    status             TEXT NOT NULL CHECK (status IN ('submitted', 'under_review', 'forwarded',
                           'scheduled', 'refused', 'done', 'cancelled')),
    revision           BIGINT NOT NULL,
    forwarded_at       BIGINT,
    forwarded_by       UUID REFERENCES accounts (id),
    forward_reference  TEXT,
    scheduled_date     TEXT,
    scheduled_time     TEXT,
    place              TEXT,
    reason             BYTEA,
    cancelled_side     TEXT CHECK (cancelled_side IN ('relative', 'worker')),
    updated_by         UUID NOT NULL REFERENCES accounts (id),
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL,
    UNIQUE (relative_id, envelope_id),
    CHECK ((forwarded_at IS NULL) = (forwarded_by IS NULL)),
    CHECK (status <> 'refused' OR reason IS NOT NULL),
    CHECK ((status = 'cancelled') = (cancelled_side IS NOT NULL))
);
CREATE INDEX visits_case ON visits (case_id, seq);
