-- Practical requests (DESIGN section 5). Times are microseconds since the
-- Unix epoch. The description is an end-to-end envelope kept as opaque
-- bytes; resolution_reason holds AtRest ciphertext. service_id, category,
-- urgency, resolution and the step times are what trend reports count:
-- nothing personal.
CREATE TABLE practical_requests (
    seq                BIGSERIAL PRIMARY KEY,
    id                 UUID NOT NULL UNIQUE,
    case_id            UUID NOT NULL REFERENCES cases (id),
    service_id         UUID NOT NULL REFERENCES services (id),
    author_id          UUID NOT NULL REFERENCES accounts (id),
    on_behalf          BOOLEAN NOT NULL,
    category           TEXT NOT NULL CHECK (category IN ('clothing_and_linen', 'money_deposit',
                           'documents_and_id', 'contacting_the_lawyer', 'cpas_benefits',
                           'mutualite', 'housing', 'debts', 'residence_status', 'children',
                           'transport_to_visits', 'other')),
    urgency            TEXT NOT NULL CHECK (urgency IN ('low', 'normal', 'high', 'urgent')),
    envelope_id        UUID NOT NULL,
    envelope           BYTEA NOT NULL,
    -- The accounts the envelope is sealed to: UUIDs joined by commas.
    readers            TEXT NOT NULL,
    status             TEXT NOT NULL CHECK (status IN ('submitted', 'acknowledged',
                           'in_progress', 'resolved', 'closed')),
    resolution         TEXT CHECK (resolution IN ('answered_directly', 'professional_service',
                           'solidarity_initiative', 'not_possible')),
    resolution_reason  BYTEA,
    assigned_to        UUID REFERENCES accounts (id),
    created_at         BIGINT NOT NULL,
    acknowledged_at    BIGINT,
    resolved_at        BIGINT,
    closed_at          BIGINT,
    updated_at         BIGINT NOT NULL,
    -- A replayed envelope is refused.
    UNIQUE (author_id, envelope_id),
    -- A resolution exactly while resolved or closed; a reason only with not_possible.
    CHECK ((status IN ('resolved', 'closed')) = (resolution IS NOT NULL)),
    CHECK ((resolution_reason IS NOT NULL) = (coalesce(resolution, '') = 'not_possible'))
);
CREATE INDEX practical_requests_case ON practical_requests (case_id, seq);
CREATE INDEX practical_requests_open ON practical_requests (status, urgency, created_at);
