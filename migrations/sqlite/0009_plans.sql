-- Release-preparation plans: one per case, with its checklist items and
-- their sealed notes. Due dates are not stored: they follow from the
-- release date and each item's offset, so moving the release moves them.
CREATE TABLE plans (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    id            BLOB NOT NULL UNIQUE,
    case_id       BLOB NOT NULL UNIQUE REFERENCES cases (id),
    release_date  TEXT NOT NULL,
    confirmed     INTEGER NOT NULL CHECK (confirmed IN (0, 1)),
    kind          TEXT NOT NULL CHECK (kind IN ('end_of_sentence', 'conditional_release',
                      'electronic_monitoring', 'limited_detention', 'provisional_release', 'leave')),
    revision      INTEGER NOT NULL,
    updated_by    BLOB NOT NULL REFERENCES accounts (id),
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);

CREATE TABLE plan_items (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    id             BLOB NOT NULL UNIQUE,
    plan_id        BLOB NOT NULL REFERENCES plans (id),
    case_id        BLOB NOT NULL REFERENCES cases (id),
    item_key       TEXT NOT NULL,
    offset_days    INTEGER NOT NULL CHECK (offset_days BETWEEN -730 AND 730),
    owner_kind     TEXT NOT NULL CHECK (owner_kind IN ('worker', 'relative', 'detainee')),
    owner_account  BLOB REFERENCES accounts (id),
    status         TEXT NOT NULL CHECK (status IN ('todo', 'in_progress', 'done', 'not_needed')),
    updated_by     BLOB NOT NULL REFERENCES accounts (id),
    updated_at     INTEGER NOT NULL,
    CHECK ((owner_kind = 'relative') = (owner_account IS NOT NULL)),
    UNIQUE (plan_id, item_key)
);
CREATE INDEX plan_items_plan ON plan_items (plan_id, seq);

CREATE TABLE plan_notes (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    id            BLOB NOT NULL UNIQUE,
    item_id       BLOB NOT NULL REFERENCES plan_items (id),
    case_id       BLOB NOT NULL REFERENCES cases (id),
    author_id     BLOB NOT NULL REFERENCES accounts (id),
    envelope_id   BLOB NOT NULL UNIQUE,
    envelope      BLOB NOT NULL,
    note_readers  TEXT NOT NULL,
    created_at    INTEGER NOT NULL
);
CREATE INDEX plan_notes_item ON plan_notes (item_id, seq);

-- A service's own checklist template: `key:offset` pairs, comma-separated.
-- A plan is made from it when the service has one, else from the default.
CREATE TABLE plan_templates (
    service_id  BLOB PRIMARY KEY REFERENCES services (id),
    items       TEXT NOT NULL CHECK (items <> ''),
    updated_by  BLOB NOT NULL REFERENCES accounts (id),
    updated_at  INTEGER NOT NULL
);
