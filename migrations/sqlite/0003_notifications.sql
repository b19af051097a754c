-- Notifications and reminders.
SELECT 1;
