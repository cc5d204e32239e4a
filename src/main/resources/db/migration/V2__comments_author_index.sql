-- Serves the cascade when a user is deleted (comments.author_id).
-- Built CONCURRENTLY, as every index on a table that may already be large must be: a plain
-- CREATE INDEX holds a lock that blocks writes for the whole build. CONCURRENTLY cannot run
-- inside a transaction, hence V2__comments_author_index.sql.conf (executeInTransaction=false).
-- IF NOT EXISTS makes a retry after an interrupted build safe; an interrupted build leaves an
-- INVALID index behind, which the retry would skip, so the runbook in docs/database.md says to
-- drop it first.
SET lock_timeout = '5s';
CREATE INDEX CONCURRENTLY IF NOT EXISTS comments_author_idx ON comments (author_id);
