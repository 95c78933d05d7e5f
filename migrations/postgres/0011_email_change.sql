-- Changing the account's email: a single-use token of purpose 'email_change' that carries the
-- address it moves the account to (new_email), emailed to that address; once done, an
-- 'email_revert' token (new_email = the old address) mailed to the old address undoes it.
-- The address an 'email_change' token confirms; NULL for the other purposes.
ALTER TABLE auth_tokens ADD COLUMN new_email TEXT;
ALTER TABLE auth_tokens DROP CONSTRAINT auth_tokens_purpose_check;
ALTER TABLE auth_tokens ADD CONSTRAINT auth_tokens_purpose_check
    CHECK (purpose IN ('reset', 'verify', 'two_factor', 'email_change', 'email_revert'));
