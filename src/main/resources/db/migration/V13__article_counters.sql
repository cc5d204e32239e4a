-- Exact list counts without scanning (docs/database.md, "Counters kept in the write transaction"):
--   article_count_slots  the global article count, spread over 16 rows summed on read, so concurrent creates
--                        and deletes (each adds +1/-1 to one random slot) do not queue on one hot row. A slot
--                        may go negative (a delete may hit a slot no create hit); only the sum is meaningful.
--   user_article_counts  per user: articles authored (the ?author= count, and summed over followed authors
--                        for the feed count) and articles favorited (the ?favorited= count). Separate from
--                        users so profile updates and article writes never contend for one row.
-- The per-tag count already exists (tags.article_count, V1). ArticleService maintains all of them in the
-- write transaction. Backfilled here from the rows; scripts/data/recount.sql recomputes them (for example
-- after a rolling deploy in which pre-V13 instances kept writing without maintaining them).
SET lock_timeout = '5s';

CREATE TABLE article_count_slots (
    slot     smallint PRIMARY KEY CHECK (slot BETWEEN 0 AND 15),
    articles bigint   NOT NULL DEFAULT 0
);
INSERT INTO article_count_slots (slot, articles)
SELECT s, CASE WHEN s = 0 THEN (SELECT count(*) FROM articles) ELSE 0 END
FROM generate_series(0, 15) s;

CREATE TABLE user_article_counts (
    user_id   bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    authored  bigint NOT NULL DEFAULT 0 CHECK (authored >= 0),
    favorited bigint NOT NULL DEFAULT 0 CHECK (favorited >= 0)
);
INSERT INTO user_article_counts (user_id, authored, favorited)
SELECT user_id, sum(authored), sum(favorited)
FROM (SELECT author_id AS user_id, count(*) AS authored, 0 AS favorited FROM articles GROUP BY author_id
      UNION ALL
      SELECT user_id, 0, count(*) FROM favorites GROUP BY user_id) per_user
GROUP BY user_id;
