-- Practical requests and referrals.
SELECT 1;
