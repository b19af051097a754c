-- The pump claims due reminders in (due_at, seq) order. An index on
-- due_at alone left PostgreSQL to sort every pending reminder of the same
-- instant on each claim (a batch of reminders at 09:00 shares one), which
-- spilled to disk with 100,000 of them; this one hands them over in order.
-- SQLite's index on due_at already ends with the rowid, which is seq.
CREATE INDEX reminders_due_order ON reminders (due_at, seq) WHERE state = 'pending';
DROP INDEX reminders_due;
