-- Referrals: a practical request sent on to a directory service, and the
-- service's answer (the closed loop). The service's name is kept with the
-- referral, so the record still says where the person was sent after the
-- directory entry is deleted.
CREATE TABLE referrals (
    seq          BIGSERIAL PRIMARY KEY,
    id           UUID NOT NULL UNIQUE,
    request_id   UUID NOT NULL REFERENCES practical_requests (id),
    case_id      UUID NOT NULL REFERENCES cases (id),
    entry_id     UUID REFERENCES directory_entries (id) ON DELETE SET NULL,
    entry_name   TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'declined')),
    referred_by  UUID NOT NULL REFERENCES accounts (id),
    referred_at  BIGINT NOT NULL,
    answered_by  UUID REFERENCES accounts (id),
    answered_at  BIGINT,
    CHECK ((status = 'pending') = (answered_at IS NULL)),
    CHECK ((answered_at IS NULL) = (answered_by IS NULL))
);
CREATE INDEX referrals_request ON referrals (request_id, seq);
CREATE INDEX referrals_pending ON referrals (case_id, referred_at) WHERE status = 'pending';
