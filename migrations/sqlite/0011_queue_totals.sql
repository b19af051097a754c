-- How many items wait in each case, per kind, kept by triggers as items
-- are filed and handled: the work queue's totals add up one row per case
-- and kind instead of counting every waiting item on each call (README.md,
-- "The work queue"). The page and the overdue count still read the items.
CREATE TABLE queue_totals (
    case_id BLOB NOT NULL REFERENCES cases (id),
    source  TEXT NOT NULL CHECK (source IN ('message', 'request', 'visit')),
    waiting INTEGER NOT NULL,
    PRIMARY KEY (case_id, source)
) WITHOUT ROWID;

INSERT INTO queue_totals (case_id, source, waiting)
    SELECT case_id, 'message', count(*) FROM messages WHERE status = 'pending_relay' GROUP BY case_id;

CREATE TRIGGER messages_wait_insert AFTER INSERT ON messages
    WHEN NEW.status = 'pending_relay'
BEGIN
    INSERT INTO queue_totals (case_id, source, waiting) VALUES (NEW.case_id, 'message', 1)
        ON CONFLICT (case_id, source) DO UPDATE SET waiting = waiting + 1;
END;

CREATE TRIGGER messages_wait_update AFTER UPDATE OF status, case_id ON messages
    WHEN (OLD.status = 'pending_relay') IS NOT (NEW.status = 'pending_relay') OR OLD.case_id IS NOT NEW.case_id
BEGIN
    UPDATE queue_totals SET waiting = waiting - 1
        WHERE OLD.status = 'pending_relay' AND case_id = OLD.case_id AND source = 'message';
    INSERT INTO queue_totals (case_id, source, waiting)
        SELECT NEW.case_id, 'message', 1 WHERE NEW.status = 'pending_relay'
        ON CONFLICT (case_id, source) DO UPDATE SET waiting = waiting + 1;
END;

CREATE TRIGGER messages_wait_delete AFTER DELETE ON messages
    WHEN OLD.status = 'pending_relay'
BEGIN
    UPDATE queue_totals SET waiting = waiting - 1 WHERE case_id = OLD.case_id AND source = 'message';
END;

INSERT INTO queue_totals (case_id, source, waiting)
    SELECT case_id, 'request', count(*) FROM practical_requests WHERE status = 'submitted' GROUP BY case_id;

CREATE TRIGGER practical_requests_wait_insert AFTER INSERT ON practical_requests
    WHEN NEW.status = 'submitted'
BEGIN
    INSERT INTO queue_totals (case_id, source, waiting) VALUES (NEW.case_id, 'request', 1)
        ON CONFLICT (case_id, source) DO UPDATE SET waiting = waiting + 1;
END;

CREATE TRIGGER practical_requests_wait_update AFTER UPDATE OF status, case_id ON practical_requests
    WHEN (OLD.status = 'submitted') IS NOT (NEW.status = 'submitted') OR OLD.case_id IS NOT NEW.case_id
BEGIN
    UPDATE queue_totals SET waiting = waiting - 1
        WHERE OLD.status = 'submitted' AND case_id = OLD.case_id AND source = 'request';
    INSERT INTO queue_totals (case_id, source, waiting)
        SELECT NEW.case_id, 'request', 1 WHERE NEW.status = 'submitted'
        ON CONFLICT (case_id, source) DO UPDATE SET waiting = waiting + 1;
END;

CREATE TRIGGER practical_requests_wait_delete AFTER DELETE ON practical_requests
    WHEN OLD.status = 'submitted'
BEGIN
    UPDATE queue_totals SET waiting = waiting - 1 WHERE case_id = OLD.case_id AND source = 'request';
END;

INSERT INTO queue_totals (case_id, source, waiting)
    SELECT case_id, 'visit', count(*) FROM visits WHERE status IN ('submitted', 'under_review') GROUP BY case_id;

CREATE TRIGGER visits_wait_insert AFTER INSERT ON visits
    WHEN NEW.status IN ('submitted', 'under_review')
BEGIN
    INSERT INTO queue_totals (case_id, source, waiting) VALUES (NEW.case_id, 'visit', 1)
        ON CONFLICT (case_id, source) DO UPDATE SET waiting = waiting + 1;
END;

CREATE TRIGGER visits_wait_update AFTER UPDATE OF status, case_id ON visits
    WHEN (OLD.status IN ('submitted', 'under_review')) IS NOT (NEW.status IN ('submitted', 'under_review')) OR OLD.case_id IS NOT NEW.case_id
BEGIN
    UPDATE queue_totals SET waiting = waiting - 1
        WHERE OLD.status IN ('submitted', 'under_review') AND case_id = OLD.case_id AND source = 'visit';
    INSERT INTO queue_totals (case_id, source, waiting)
        SELECT NEW.case_id, 'visit', 1 WHERE NEW.status IN ('submitted', 'under_review')
        ON CONFLICT (case_id, source) DO UPDATE SET waiting = waiting + 1;
END;

CREATE TRIGGER visits_wait_delete AFTER DELETE ON visits
    WHEN OLD.status IN ('submitted', 'under_review')
BEGIN
    UPDATE queue_totals SET waiting = waiting - 1 WHERE case_id = OLD.case_id AND source = 'visit';
END;
