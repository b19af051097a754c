-- The work queue's page walks what waits oldest first, one branch per kind
-- (and per urgency for requests), and stops after a page: these partial
-- indexes hold each branch in that order, with the case to filter on, so a
-- page reads a few hundred index entries instead of sorting everything that
-- waits (README.md, "The work queue"). `status` is there, as in 0007, so
-- that SQLite sees the index covers the filter and never reads the table.
CREATE INDEX messages_waiting_by_age ON messages (created_at, id, case_id, status)
    WHERE status = 'pending_relay';
CREATE INDEX practical_requests_waiting_by_age
    ON practical_requests (urgency, created_at, id, case_id, status)
    WHERE status = 'submitted';
CREATE INDEX visits_waiting_by_age ON visits (created_at, id, case_id, status)
    WHERE status IN ('submitted', 'under_review');
