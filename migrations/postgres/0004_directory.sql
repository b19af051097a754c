-- The service directory.
SELECT 1;
