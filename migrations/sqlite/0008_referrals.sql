-- Referrals: a practical request sent on to a directory service, and the
-- service's answer (the closed loop). The service's name is kept with the
-- referral, so the record still says where the person was sent after the
-- directory entry is deleted.
CREATE TABLE referrals (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    id           BLOB NOT NULL UNIQUE,
    request_id   BLOB NOT NULL REFERENCES practical_requests (id),
    case_id      BLOB NOT NULL REFERENCES cases (id),
    entry_id     BLOB REFERENCES directory_entries (id) ON DELETE SET NULL,
    entry_name   TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'declined')),
    referred_by  BLOB NOT NULL REFERENCES accounts (id),
    referred_at  INTEGER NOT NULL,
    answered_by  BLOB REFERENCES accounts (id),
    answered_at  INTEGER,
    CHECK ((status = 'pending') = (answered_at IS NULL)),
    CHECK ((answered_at IS NULL) = (answered_by IS NULL))
);
CREATE INDEX referrals_request ON referrals (request_id, seq);
CREATE INDEX referrals_pending ON referrals (case_id, referred_at) WHERE status = 'pending';
