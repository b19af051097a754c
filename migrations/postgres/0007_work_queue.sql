-- The work queue reads only what waits for a worker: partial indexes keep
-- it to those rows, however many handled ones the tables hold. Each index
-- holds every column the queue's page and counts read (status included, so
-- that the planner sees it covers the filter), so neither query touches the
-- tables themselves: with 1,000 cases and 100,000 items that cut the page
-- and the counts several times over on SQLite (README.md, "Load benchmark").
CREATE INDEX messages_pending_relay ON messages (case_id, status, created_at, id)
    WHERE status = 'pending_relay';
CREATE INDEX practical_requests_submitted ON practical_requests (case_id, status, urgency, created_at, id)
    WHERE status = 'submitted';
CREATE INDEX visits_to_forward ON visits (case_id, status, created_at, id)
    WHERE status IN ('submitted', 'under_review');
-- The cases a worker is assigned to, without reading the parties table.
CREATE INDEX case_parties_worker ON case_parties (account_id, kind, case_id);
