-- The work queue reads only what waits for a worker: partial indexes keep
-- it to those rows, however many handled ones the tables hold.
CREATE INDEX messages_pending_relay ON messages (case_id, created_at) WHERE status = 'pending_relay';
CREATE INDEX practical_requests_submitted ON practical_requests (case_id, created_at) WHERE status = 'submitted';
CREATE INDEX visits_to_forward ON visits (case_id, created_at) WHERE status IN ('submitted', 'under_review');
