-- Release-preparation plans: one per case, with its checklist items and
-- their sealed notes. Due dates are not stored: they follow from the
-- release date and each item's offset, so moving the release moves them.
CREATE TABLE plans (
    seq           BIGSERIAL PRIMARY KEY,
    id            UUID NOT NULL UNIQUE,
    case_id       UUID NOT NULL UNIQUE REFERENCES cases (id),
    release_date  TEXT NOT NULL,
    confirmed     BOOLEAN NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('end_of_sentence', 'conditional_release',
                      'electronic_monitoring', 'limited_detention', 'provisional_release', 'leave')),
    revision      BIGINT NOT NULL,
    updated_by    UUID NOT NULL REFERENCES accounts (id),
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);

CREATE TABLE plan_items (
    seq            BIGSERIAL PRIMARY KEY,
    id             UUID NOT NULL UNIQUE,
    plan_id        UUID NOT NULL REFERENCES plans (id),
    case_id        UUID NOT NULL REFERENCES cases (id),
    item_key       TEXT NOT NULL,
    offset_days    INTEGER NOT NULL CHECK (offset_days BETWEEN -730 AND 730),
    owner_kind     TEXT NOT NULL CHECK (owner_kind IN ('worker', 'relative', 'detainee')),
    owner_account  UUID REFERENCES accounts (id),
    status         TEXT NOT NULL CHECK (status IN ('todo', 'in_progress', 'done', 'not_needed')),
    updated_by     UUID NOT NULL REFERENCES accounts (id),
    updated_at     BIGINT NOT NULL,
    CHECK ((owner_kind = 'relative') = (owner_account IS NOT NULL)),
    UNIQUE (plan_id, item_key)
);
CREATE INDEX plan_items_plan ON plan_items (plan_id, seq);

CREATE TABLE plan_notes (
    seq           BIGSERIAL PRIMARY KEY,
    id            UUID NOT NULL UNIQUE,
    item_id       UUID NOT NULL REFERENCES plan_items (id),
    case_id       UUID NOT NULL REFERENCES cases (id),
    author_id     UUID NOT NULL REFERENCES accounts (id),
    envelope_id   UUID NOT NULL UNIQUE,
    envelope      BYTEA NOT NULL,
    note_readers  TEXT NOT NULL,
    created_at    BIGINT NOT NULL
);
CREATE INDEX plan_notes_item ON plan_notes (item_id, seq);

-- A service's own checklist template: `key:offset` pairs, comma-separated.
-- A plan is made from it when the service has one, else from the default.
CREATE TABLE plan_templates (
    service_id  UUID PRIMARY KEY REFERENCES services (id),
    items       TEXT NOT NULL CHECK (items <> ''),
    updated_by  UUID NOT NULL REFERENCES accounts (id),
    updated_at  BIGINT NOT NULL
);
