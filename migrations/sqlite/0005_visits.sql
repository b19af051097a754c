-- Visit requests.
SELECT 1;
