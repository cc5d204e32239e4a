-- Revocation and identity federation (docs/security.md).
--
-- users.token_version: every token the built-in issuer signs carries the version current at
-- issue time; bumping it (password change, "log out everywhere") invalidates earlier tokens.
-- ADD COLUMN with a constant default is a catalog-only change (PostgreSQL 11+): no table rewrite.
--
-- external_identities: the ONLY way a token from an external OIDC issuer maps to a local user,
-- keyed by (issuer, subject) as OIDC Core section 5.7 requires: never by email, which another
-- issuer (or a user of the same issuer) may assert for an account that is not theirs.
-- When the local user is deleted the link stays, with user_id NULL: that identity is then refused
-- (401) instead of silently provisioning a fresh account; an operator deletes the row to allow it.
SET lock_timeout = '5s';

ALTER TABLE users ADD COLUMN token_version integer NOT NULL DEFAULT 0;
-- The jti of the token that made the latest password change: that one session stays valid (it proved
-- the change), every other earlier token is revoked. "Log out everywhere" clears it.
ALTER TABLE users ADD COLUMN token_kept_id text;

CREATE TABLE external_identities (
    issuer     text NOT NULL,
    subject    text NOT NULL,
    user_id    bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at timestamptz(3) NOT NULL DEFAULT now(),
    PRIMARY KEY (issuer, subject)
);
-- serves the ON DELETE SET NULL when a user is deleted; the table is new, so a plain build is fine
CREATE INDEX external_identities_user_idx ON external_identities (user_id);
