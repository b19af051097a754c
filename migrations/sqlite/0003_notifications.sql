-- Notifications (the in-app inbox), the outbox for future transports, and
-- reminders: notifications due at a time. A notification names what
-- changed, never what a sealed note says.

CREATE TABLE notifications (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    id           BLOB NOT NULL UNIQUE,
    account_id   BLOB NOT NULL REFERENCES accounts (id),
    case_id      BLOB REFERENCES cases (id),
    kind         TEXT NOT NULL,
    object_kind  TEXT NOT NULL,
    object_id    BLOB,
    created_at   INTEGER NOT NULL,
    read_at      INTEGER
);
CREATE INDEX notifications_account ON notifications (account_id, seq);

-- Ready for email or SMS transports: one row per notification to send on a
-- channel. No transport is wired yet, so nothing writes here.
CREATE TABLE notification_outbox (
    notification_id  BLOB NOT NULL REFERENCES notifications (id),
    channel          TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    sent_at          INTEGER,
    PRIMARY KEY (notification_id, channel)
);

-- The key makes scheduling twice harmless; delivering claims the row in the
-- transaction that writes its notification, so it is delivered once.
CREATE TABLE reminders (
    seq              INTEGER PRIMARY KEY AUTOINCREMENT,
    key              TEXT NOT NULL UNIQUE,
    account_id       BLOB NOT NULL REFERENCES accounts (id),
    case_id          BLOB REFERENCES cases (id),
    kind             TEXT NOT NULL,
    object_kind      TEXT NOT NULL,
    object_id        BLOB NOT NULL,
    due_at           INTEGER NOT NULL,
    state            TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'cancelled')),
    created_at       INTEGER NOT NULL,
    settled_at       INTEGER,
    notification_id  BLOB REFERENCES notifications (id)
);
CREATE INDEX reminders_due ON reminders (due_at) WHERE state = 'pending';
CREATE INDEX reminders_object ON reminders (object_id) WHERE state = 'pending';
