#!/usr/bin/env bash
# Loads a large, deterministic Conduit dataset through SQL into an already-migrated database (docs/database.md,
# "Large dataset"). At --scale 1.0:
#   20,000 users, 500,000 articles, 2,000 tags (3 per article: 1.5M article_tags), 2,049,995 favorites,
#   1,000,950 follows, 2,000,000 comments; loaduser1 follows 1,000 authors (loaduser2 .. loaduser1001).
# Every count (articles.favorites_count, tags.article_count, the V13 counters) is recomputed from the rows at the
# end (scripts/data/recount.sql), then the tables are vacuumed and analysed.
#
# Users are loaduser1 .. loaduserN, emails loaduserN@load.conduit.test, and every one of them has the password
#   conduit-load-password
# so a load harness logs in with POST /api/users/login {"user":{"email":"loaduser7@load.conduit.test",
# "password":"conduit-load-password"}} and takes user.token (one Argon2 check per login: log in once per user, reuse the token).
# Tags are load-tag-0 .. load-tag-<T-1>; load-tag-0 .. load-tag-49 are each on 1/50 of the articles (popular),
# the rest share the remaining two slots evenly. Articles are load-article-1 .. load-article-<A>, newest last.
#
#   scripts/data/generate.sh --host H --port P --db NAME [--user U] [--scale F]
#
# Refuses to run twice on one database (it checks for loaduser1). Uses session_replication_role=replica when the
# user may (a superuser) so foreign-key triggers do not run per row: the rows it writes are consistent by construction.
set -euo pipefail

HOST=127.0.0.1 PORT=5432 DB= DBUSER=postgres SCALE=1.0
while [ $# -gt 0 ]; do
  case "$1" in
    --host) HOST=$2; shift 2 ;;
    --port) PORT=$2; shift 2 ;;
    --db) DB=$2; shift 2 ;;
    --user) DBUSER=$2; shift 2 ;;
    --scale) SCALE=$2; shift 2 ;;
    -h|--help) sed -n 2,21p "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
[ -n "$DB" ] || { echo "usage: $0 --host H --port P --db NAME [--user U] [--scale F]" >&2; exit 2; }
HERE=$(cd "$(dirname "$0")" && pwd)
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h "$HOST" -p "$PORT" -U "$DBUSER" -d "$DB")

read -r USERS ARTICLES TAGS < <(awk -v s="$SCALE" 'BEGIN {
  u = int(20000 * s + 0.5); if (u < 1100) u = 1100          # the feed user follows 1,000 others
  a = int(500000 * s + 0.5); if (a < 1000) a = 1000
  t = int(2000 * s + 0.5); if (t < 100) t = 100
  print u, a, t }')
# the Argon2id hash of "conduit-load-password" (Spring Security's Argon2PasswordEncoder defaults, as PasswordHasher)
HASH='$argon2id$v=19$m=16384,t=2,p=1$W1primozhV1WGcZggrlfRA$HeV1Npa/VWfBaF1762AW7UuatvaeoAAGVJ3iXle4If4'

if [ "$("${PSQL[@]}" -tAc "SELECT count(*) FROM users WHERE lower(username) = 'loaduser1'")" != 0 ]; then
  echo "this database already holds a generated dataset (loaduser1 exists)" >&2; exit 1
fi
started=$(date +%s)
step() { echo "$(date +%T) +$(( $(date +%s) - started ))s $*"; }
step "generating users=$USERS articles=$ARTICLES tags=$TAGS into $DB on $HOST:$PORT"

"${PSQL[@]}" -v users="$USERS" -v articles="$ARTICLES" -v tags="$TAGS" -v hash="$HASH" <<'SQL'
\set ON_ERROR_STOP 1
SET synchronous_commit = off;
SET maintenance_work_mem = '256MB';
SET work_mem = '64MB';
DO $$ BEGIN
  SET session_replication_role = replica;
EXCEPTION WHEN insufficient_privilege THEN
  RAISE NOTICE 'not a superuser: foreign keys are checked per row (slower)';
END $$;
-- ids continue after whatever the database holds
SELECT coalesce(max(id), 0) AS ub FROM users \gset
SELECT coalesce(max(id), 0) AS ab FROM articles \gset
SELECT coalesce(max(id), 0) AS tb FROM tags \gset
\echo users
INSERT INTO users (id, username, email, password_hash, bio, created_at, updated_at)
OVERRIDING SYSTEM VALUE
SELECT :ub + n, 'loaduser' || n, 'loaduser' || n || '@load.conduit.test', :'hash',
       'Generated user number ' || n, now() - interval '800 days', now() - interval '800 days'
FROM generate_series(1, :users) n;
\echo tags
INSERT INTO tags (id, name, article_count) OVERRIDING SYSTEM VALUE
SELECT :tb + k + 1, 'load-tag-' || k, 0 FROM generate_series(0, :tags - 1) k;
\echo articles
INSERT INTO articles (id, slug, title, description, body, author_id, favorites_count, created_at, updated_at)
OVERRIDING SYSTEM VALUE
SELECT :ab + i, 'load-article-' || i, 'Load article ' || i, 'Description of generated article ' || i,
       'Body of generated article ' || i || '. ' || repeat('Lorem ipsum dolor sit amet, consectetur adipiscing. ', 1 + i % 6),
       :ub + 1 + (i % :users), i % 9,
       now() - (:articles - i) * interval '61 seconds', now() - (:articles - i) * interval '61 seconds'
FROM generate_series(1, :articles) i;
\echo article_tags
-- article_created_at copied from the article here: session_replication_role=replica skips V14's trigger
INSERT INTO article_tags (article_id, tag_id, position, article_created_at)
SELECT a.id, :tb + 1 + CASE p WHEN 1 THEN i % 50
                            WHEN 2 THEN 50 + (i * 7) % (:tags - 50)
                            ELSE 50 + (i * 7 + (:tags - 50) / 2) % (:tags - 50) END, p, a.created_at
FROM generate_series(1, :articles) i CROSS JOIN generate_series(1, 3) p JOIN articles a ON a.id = :ab + i;
\echo favorites
-- article i has i % 9 favorites, one more when i % 10 = 0 (4.1 on average: 2.05M at scale 1), by users spread with a prime stride (a pair the
-- stride repeats at an unlucky user count is skipped)
INSERT INTO favorites (user_id, article_id, created_at)
SELECT u, a, c FROM (
  SELECT :ub + 1 + ((i * 7 + j * 7919) % :users) AS u, :ab + i AS a, now() - (:articles - i) * interval '61 seconds' + j * interval '1 hour' AS c
  FROM generate_series(1, :articles) i CROSS JOIN LATERAL generate_series(0, i % 9 - 1 + (i % 10 = 0)::int) j) f
ON CONFLICT DO NOTHING;
\echo follows
-- user u follows the next 50 users (loaduser1 the next 1,000)
INSERT INTO follows (follower_id, followee_id, created_at)
SELECT :ub + u, :ub + 1 + ((u - 1 + j) % :users), now() - interval '700 days'
FROM generate_series(1, :users) u CROSS JOIN LATERAL generate_series(1, CASE WHEN u = 1 THEN 1000 ELSE 50 END) j;
\echo comments
INSERT INTO comments (article_id, author_id, body, created_at, updated_at)
SELECT :ab + i, :ub + 1 + ((i * 13 + j * 101) % :users), 'Comment ' || j || ' on generated article ' || i,
       now() - (:articles - i) * interval '61 seconds' + j * interval '1 minute',
       now() - (:articles - i) * interval '61 seconds' + j * interval '1 minute'
FROM generate_series(1, :articles) i CROSS JOIN generate_series(1, 4) j;
\o /dev/null
SELECT setval(pg_get_serial_sequence('users', 'id'), (SELECT max(id) FROM users));
SELECT setval(pg_get_serial_sequence('articles', 'id'), (SELECT max(id) FROM articles));
SELECT setval(pg_get_serial_sequence('tags', 'id'), (SELECT max(id) FROM tags));
\o
SQL
step "rows loaded; recounting"
"${PSQL[@]}" -f "$HERE/recount.sql"
step "vacuum (visibility map for index-only scans) and analyse"
"${PSQL[@]}" -c "VACUUM (ANALYZE) users, articles, tags, article_tags, favorites, follows, comments, user_article_counts, article_count_slots"
"${PSQL[@]}" -tAc "SELECT 'users ' || (SELECT count(*) FROM users) || ', articles ' || (SELECT count(*) FROM articles)
  || ', tags ' || (SELECT count(*) FROM tags) || ', favorites ' || (SELECT count(*) FROM favorites)
  || ', follows ' || (SELECT count(*) FROM follows) || ', comments ' || (SELECT count(*) FROM comments)
  || ', loaduser1 follows ' || (SELECT count(*) FROM follows f JOIN users u ON u.id = f.follower_id WHERE u.username = 'loaduser1')"
step "done"
