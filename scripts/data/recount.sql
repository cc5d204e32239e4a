-- Recomputes every denormalised count from the rows, in one transaction (docs/database.md): the global
-- article count (article_count_slots), per-user authored/favorited counts, tags.article_count and
-- articles.favorites_count. Used by scripts/data/generate.sh after loading; safe to run at any time
-- (it locks the counter tables while it runs, so writes wait for it: run it off-peak on a large database).
SET lock_timeout = '5s';
BEGIN;
LOCK TABLE article_count_slots, user_article_counts IN EXCLUSIVE MODE;
UPDATE article_count_slots SET articles = CASE WHEN slot = 0 THEN (SELECT count(*) FROM articles) ELSE 0 END;
INSERT INTO user_article_counts (user_id, authored, favorited)
SELECT u.id, coalesce(a.n, 0), coalesce(f.n, 0)
FROM users u
LEFT JOIN (SELECT author_id, count(*) AS n FROM articles GROUP BY author_id) a ON a.author_id = u.id
LEFT JOIN (SELECT user_id, count(*) AS n FROM favorites GROUP BY user_id) f ON f.user_id = u.id
WHERE a.n IS NOT NULL OR f.n IS NOT NULL
   OR EXISTS (SELECT 1 FROM user_article_counts c WHERE c.user_id = u.id)
ON CONFLICT (user_id) DO UPDATE SET authored = EXCLUDED.authored, favorited = EXCLUDED.favorited
WHERE (user_article_counts.authored, user_article_counts.favorited) IS DISTINCT FROM (EXCLUDED.authored, EXCLUDED.favorited);
UPDATE tags t SET article_count = coalesce(n.n, 0)
FROM tags t2 LEFT JOIN (SELECT tag_id, count(*) AS n FROM article_tags GROUP BY tag_id) n ON n.tag_id = t2.id
WHERE t.id = t2.id AND t.article_count IS DISTINCT FROM coalesce(n.n, 0);
UPDATE articles a SET favorites_count = n.n
FROM (SELECT ar.id, count(f.user_id) AS n FROM articles ar LEFT JOIN favorites f ON f.article_id = ar.id GROUP BY ar.id) n
WHERE a.id = n.id AND a.favorites_count <> n.n;
COMMIT;
ANALYZE;
