#!/usr/bin/env bash
# A load mix over the generated dataset (scripts/data/generate.sh): every list shape (global, tag popular and
# rare, author, favorited, feed of loaduser1 who follows 1,000 authors, combined filters, deep offsets), counts, single articles, comments, profiles, tags, and every write. Parameters vary per round so the
# caches do not hide the database. Keyset pages (?cursor=, docs/api.md) walk every list shape and comments
# through nextCursor; the walks of the global list, a popular tag and the feed carry on from round to round, so
# they reach deep (the popular tag to its last page). Used by .ci/data-plans.sh; prints a status histogram, fails on any 5xx.
#   usage: scripts/data/load-mix.sh BASE_URL [ROUNDS]
set -euo pipefail
BASE=${1:?usage: load-mix.sh BASE_URL [ROUNDS]}
ROUNDS=${2:-8}
PASSWORD=conduit-load-password
STATUSES=$(mktemp)
trap 'rm -f "$STATUSES"' EXIT

login() {
  curl -fs -X POST "$BASE/api/users/login" -H 'Content-Type: application/json' \
    -d "{\"user\":{\"email\":\"$1@load.conduit.test\",\"password\":\"$PASSWORD\"}}" | sed -E 's/.*"token":"([^"]+)".*/\1/'
}
# call METHOD PATH [TOKEN] [BODY]: records the status, prints the body
call() {
  local args=(-s -o /tmp/load-mix.$$ -w '%{http_code}' -X "$1" "$BASE$2")
  [ -n "${3:-}" ] && args+=(-H "Authorization: Token $3")
  [ -n "${4:-}" ] && args+=(-H 'Content-Type: application/json' -d "$4")
  curl "${args[@]}" >>"$STATUSES"; echo >>"$STATUSES"
  cat /tmp/load-mix.$$; rm -f /tmp/load-mix.$$
}
get() { call GET "$@" >/dev/null; }
# walk KEY PATH TOKEN PAGES LIMIT: PAGES keyset pages of PATH, following nextCursor from where the last walk of
# KEY stopped (from the first page again once a walk reached the end)
declare -A CURSOR
walk() {
  local key=$1 path=$2 token=$3 pages=$4 limit=$5 sep='?' body
  [[ $path == *\?* ]] && sep='&'
  for _ in $(seq "$pages"); do
    body=$(call GET "$path${sep}limit=$limit&cursor=${CURSOR[$key]:-}" "$token")
    CURSOR[$key]=$(printf '%s' "$body" | sed -nE 's/.*"nextCursor":"([^"]+)".*/\1/p')
    [ -n "${CURSOR[$key]}" ] || break
  done
}

FEED=$(login loaduser1)
READER=$(login loaduser2)
WRITER=$(login loaduser3)
for round in $(seq 1 "$ROUNDS"); do
  tag_popular="load-tag-$(( round % 50 ))" tag_rare="load-tag-$(( 50 + round * 37 % 1950 ))"
  author="loaduser$(( 1 + round * 101 % 20000 ))" fan="loaduser$(( 1 + round * 211 % 20000 ))"
  offset=$(( round * 20 )) deep=$(( 1000 * round * round ))
  for token in "" "$READER"; do
    get "/api/articles?limit=20&offset=$offset" "$token"
    get "/api/articles?limit=20&offset=$deep" "$token"
    get "/api/articles?tag=$tag_popular&limit=20&offset=$offset" "$token"
    get "/api/articles?tag=$tag_popular&limit=20&offset=$(( deep / 100 ))" "$token"
    get "/api/articles?tag=$tag_rare&limit=20" "$token"
    get "/api/articles?author=$author&limit=20" "$token"
    get "/api/articles?favorited=$fan&limit=20&offset=$(( round % 3 * 10 ))" "$token"
    get "/api/articles?tag=$tag_popular&author=$author" "$token"
    get "/api/articles?author=$author&favorited=$fan" "$token"
    get "/api/articles?tag=$tag_rare&favorited=$fan" "$token"
    get "/api/articles/load-article-$(( round * 4999 ))" "$token"
    get "/api/articles/load-article-$(( round * 4999 ))/comments" "$token"
    get "/api/profiles/$author" "$token"
    get "/api/tags" "$token"
  done
  get "/api/articles/feed?limit=20&offset=$offset" "$FEED"
  get "/api/articles/feed?limit=20&offset=$(( deep / 10 ))" "$FEED"
  get "/api/articles/feed?limit=20" "$READER"
  # keyset pages: global, a popular tag (to its end over the rounds: 10k articles) and the feed carry on across
  # rounds; a rare tag, an author, a fan's favorites, a combined filter and an article's comments are walked whole
  walk all-anonymous "/api/articles" "" 10 100
  walk all-reader "/api/articles" "$READER" 10 50
  walk tag-popular "/api/articles?tag=load-tag-7" "" 13 100
  walk "tag-$round" "/api/articles?tag=$tag_rare" "$READER" 20 50
  walk "author-$round" "/api/articles?author=$author" "" 10 10
  walk "favorited-$round" "/api/articles?favorited=$fan" "$READER" 10 20
  walk "combined-$round" "/api/articles?tag=$tag_popular&author=$author" "" 5 5
  walk feed "/api/articles/feed" "$FEED" 10 50
  walk "comments-$round" "/api/articles/load-article-$(( round * 4999 ))/comments" "$READER" 5 1
  get "/api/user" "$FEED"
  # writes
  slug=$(call POST /api/articles "$WRITER" "{\"article\":{\"title\":\"Load mix $round $RANDOM\",\"description\":\"d\",\"body\":\"b\",\"tagList\":[\"$tag_popular\",\"load-mix-new-$round-$RANDOM\"]}}" \
    | sed -nE 's/.*"slug":"([^"]+)".*/\1/p')
  call PUT "/api/articles/$slug" "$WRITER" "{\"article\":{\"body\":\"changed\",\"tagList\":[\"$tag_rare\"]}}" >/dev/null
  call POST "/api/articles/$slug/favorite" "$READER" >/dev/null
  call POST "/api/articles/load-article-$(( round * 3 ))/favorite" "$READER" >/dev/null
  call DELETE "/api/articles/load-article-$(( round * 3 ))/favorite" "$READER" >/dev/null
  comment=$(call POST "/api/articles/$slug/comments" "$READER" '{"comment":{"body":"load mix"}}' | sed -nE 's/.*"id":([0-9]+).*/\1/p')
  [ -z "$comment" ] || call DELETE "/api/articles/$slug/comments/$comment" "$READER" >/dev/null
  call POST "/api/profiles/$author/follow" "$READER" >/dev/null
  call DELETE "/api/profiles/$author/follow" "$READER" >/dev/null
  call PUT /api/user "$WRITER" "{\"user\":{\"bio\":\"round $round\"}}" >/dev/null
  call DELETE "/api/articles/$slug" "$WRITER" >/dev/null
done
echo "load mix: $(sort "$STATUSES" | uniq -c | awk '{printf "%s x%s  ", $2, $1}')"
! grep -q '^5' "$STATUSES" || { echo "load mix: server errors"; exit 1; }
