-- Notifications (the in-app inbox), the outbox for future transports, and
-- reminders: notifications due at a time. A notification names what
-- changed, never what a sealed note says.

CREATE TABLE notifications (
    seq          BIGSERIAL PRIMARY KEY,
    id           UUID NOT NULL UNIQUE,
    account_id   UUID NOT NULL REFERENCES accounts (id),
    case_id      UUID REFERENCES cases (id),
    kind         TEXT NOT NULL,
    object_kind  TEXT NOT NULL,
    object_id    UUID,
    created_at   BIGINT NOT NULL,
    read_at      BIGINT
);
CREATE INDEX notifications_account ON notifications (account_id, seq);

-- Ready for email or SMS transports: one row per notification to send on a
-- channel. No transport is wired yet, so nothing writes here.
CREATE TABLE notification_outbox (
    notification_id  UUID NOT NULL REFERENCES notifications (id),
    channel          TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    sent_at          BIGINT,
    PRIMARY KEY (notification_id, channel)
);

-- The key makes scheduling twice harmless; delivering claims rows with
-- FOR UPDATE SKIP LOCKED in the transaction that writes their
-- notifications, so several instances never deliver one twice.
CREATE TABLE reminders (
    seq              BIGSERIAL PRIMARY KEY,
    key              TEXT NOT NULL UNIQUE,
    account_id       UUID NOT NULL REFERENCES accounts (id),
    case_id          UUID REFERENCES cases (id),
    kind             TEXT NOT NULL,
    object_kind      TEXT NOT NULL,
    object_id        UUID NOT NULL,
    due_at           BIGINT NOT NULL,
    state            TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'cancelled')),
    created_at       BIGINT NOT NULL,
    settled_at       BIGINT,
    notification_id  UUID REFERENCES notifications (id)
);
CREATE INDEX reminders_due ON reminders (due_at) WHERE state = 'pending';
CREATE INDEX reminders_object ON reminders (object_id) WHERE state = 'pending';
