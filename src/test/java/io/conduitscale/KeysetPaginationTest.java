package io.conduitscale;

import static org.assertj.core.api.Assertions.assertThat;

import io.conduitscale.platform.cache.Caches;
import io.conduitscale.support.ApiClient;
import io.conduitscale.support.IntegrationTest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Keyset (cursor) pagination, the extension for deep pages (docs/api.md): walking every list shape page by
 * page with {@code nextCursor}, while other requests keep creating articles and comments, yields every row
 * that existed when the walk began exactly once, in list order, and the walk ends with a null cursor. Rows
 * are seeded with many sharing one millisecond, so the id tie-breaker is what keeps the order total. Bad
 * cursors are a 422 in the RealWorld error shape, never a 500.
 */
@IntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeysetPaginationTest {

    static final int SEEDED = 61;
    static final int PAGE = 6;

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    Caches caches;

    ApiClient api;
    String tag;
    String author;
    String authorToken;
    String other;
    String otherToken;
    String viewer;
    String viewerToken;
    String commented;

    @BeforeAll
    void seed() {
        api = ApiClient.forPort(port);
        tag = ApiClient.unique("keyset");
        author = ApiClient.unique("kauthor");
        authorToken = api.register(author);
        other = ApiClient.unique("kother");
        otherToken = api.register(other);
        viewer = ApiClient.unique("kviewer");
        viewerToken = api.register(viewer);
        // SEEDED articles, alternately by author and other, older than anything created during the test and
        // four to a millisecond: only the id orders rows within one millisecond
        jdbc.sql("""
                INSERT INTO articles (slug, title, description, body, author_id, created_at)
                SELECT :tag || '-seeded-' || n, 'Seeded ' || n, 'd', 'b',
                       (SELECT id FROM users WHERE username = CASE WHEN n % 2 = 0 THEN :author ELSE :other END),
                       date_trunc('second', now()) - interval '1 hour' + (n / 4) * interval '1 millisecond'
                FROM generate_series(1, :seeded) n
                """).param("tag", tag).param("author", author).param("other", other).param("seeded", SEEDED).update();
        jdbc.sql("INSERT INTO tags (name, article_count) VALUES (:tag, :seeded)").param("tag", tag).param("seeded", SEEDED).update();
        // every seeded article but each fifth has the tag; the viewer favorites each third
        jdbc.sql("""
                INSERT INTO article_tags (article_id, tag_id, position)
                SELECT a.id, (SELECT id FROM tags WHERE name = :tag), 1 FROM articles a
                WHERE a.slug LIKE :tag || '-seeded-%' AND a.id % 5 <> 0
                """).param("tag", tag).update();
        jdbc.sql("""
                INSERT INTO favorites (user_id, article_id)
                SELECT (SELECT id FROM users WHERE username = :viewer), a.id FROM articles a
                WHERE a.slug LIKE :tag || '-seeded-%' AND a.id % 3 = 0
                """).param("viewer", viewer).param("tag", tag).update();
        assertThat(api.post("/api/profiles/" + author + "/follow", null, viewerToken).status()).isEqualTo(200);
        commented = api.createArticle(otherToken, "Commented " + tag);
        jdbc.sql("""
                INSERT INTO comments (article_id, author_id, body, created_at)
                SELECT (SELECT id FROM articles WHERE slug = :slug), (SELECT id FROM users WHERE username = :other),
                       'seeded ' || n, date_trunc('second', now()) - interval '1 hour' + (n / 3) * interval '1 millisecond'
                FROM generate_series(1, 23) n
                """).param("slug", commented).param("other", other).update();
        caches.flushLocal(); // the rows above came past the services: no cached page may predate them
    }

    @Test
    void everyArticleListIsWalkedCompletelyAndOnceWhileArticlesAreCreated() throws Exception {
        String byAuthor = "(SELECT id FROM users WHERE username = '" + author + "')";
        String byTag = "(SELECT article_id FROM article_tags WHERE tag_id = (SELECT id FROM tags WHERE name = '" + tag + "'))";
        String byFavorite = "(SELECT article_id FROM favorites WHERE user_id = (SELECT id FROM users WHERE username = '" + viewer + "'))";
        String feed = "(SELECT followee_id FROM follows WHERE follower_id = (SELECT id FROM users WHERE username = '" + viewer + "'))";
        AtomicBoolean walking = new AtomicBoolean(true);
        AtomicInteger created = new AtomicInteger();
        try (ExecutorService background = Executors.newVirtualThreadPerTaskExecutor()) {
            // meanwhile another writer keeps publishing articles that belong to every list walked here
            Future<?> writer = background.submit(() -> {
                while (walking.get() && created.get() < 100) {
                    if (createInEveryList()) {
                        created.incrementAndGet();
                    }
                }
                return null;
            });
            try {
                walkAgainstSnapshot("/api/articles", null, "TRUE");
                walkAgainstSnapshot("/api/articles?tag=" + tag, viewerToken, "a.id IN " + byTag);
                walkAgainstSnapshot("/api/articles?author=" + author.toUpperCase(), null, "a.author_id = " + byAuthor);
                walkAgainstSnapshot("/api/articles?favorited=" + viewer, null, "a.id IN " + byFavorite);
                walkAgainstSnapshot("/api/articles/feed", viewerToken, "a.author_id IN " + feed);
                walkAgainstSnapshot("/api/articles?tag=" + tag + "&author=" + other, null,
                        "a.id IN " + byTag + " AND a.author_id = (SELECT id FROM users WHERE username = '" + other + "')");
            } finally {
                walking.set(false);
                writer.get();
            }
        }
        System.out.println("keyset walks: " + created.get() + " articles created (and favorited) by the background writer"
                + " while six lists were walked, besides three between the first pages of each");
        assertThat(created.get()).as("articles created while the lists were walked").isPositive();
    }

    @Test
    void commentsArePagedOnlyWhenAskedAndWalkedCompletelyWhileCommentsAreAdded() {
        String path = "/api/articles/" + commented + "/comments";
        JsonNode all = api.get(path).json();
        assertThat(all.has("nextCursor")).as("the spec's list carries no cursor").isFalse();
        List<Long> before = all.get("comments").valueStream().map(c -> c.get("id").asLong()).toList();
        assertThat(before).hasSize(23);

        // a limit alone is the first page
        JsonNode first = api.get(path + "?limit=" + PAGE).json();
        assertThat(first.get("comments")).hasSize(PAGE);
        assertThat(first.get("nextCursor").isString()).isTrue();

        List<Long> walked = new ArrayList<>();
        String cursor = "";
        int pages = 0;
        do {
            JsonNode page = api.get(path + "?limit=" + PAGE + "&cursor=" + cursor).json();
            page.get("comments").forEach(c -> walked.add(c.get("id").asLong()));
            assertThat(page.has("nextCursor")).isTrue();
            cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asString();
            assertThat(page.get("comments").size()).isEqualTo(cursor == null ? 23 % PAGE : PAGE);
            // a new comment between pages is newer than every cursor: it belongs before the walk's start
            assertThat(api.post(path, "{\"comment\":{\"body\":\"between pages\"}}", viewerToken).status()).isEqualTo(201);
            pages++;
        } while (cursor != null);
        assertThat(pages).isEqualTo((23 + PAGE - 1) / PAGE);
        assertThat(walked).isEqualTo(before);
        assertThat(api.get(path).json().get("comments").size()).isEqualTo(23 + pages);
    }

    @Test
    void theFirstCursorPageIsTheFirstOffsetPageAndOffsetPagesCarryNoCursor() {
        String path = "/api/articles?tag=" + tag + "&limit=" + PAGE;
        JsonNode byOffset = api.get(path).json();
        JsonNode byCursor = api.get(path + "&cursor=").json();
        assertThat(byOffset.has("nextCursor")).isFalse();
        assertThat(byCursor.get("articles")).isEqualTo(byOffset.get("articles"));
        assertThat(byCursor.get("articlesCount")).isEqualTo(byOffset.get("articlesCount"));
        assertThat(byCursor.get("nextCursor").asString()).matches("[A-Za-z0-9_-]{34}");

        // an empty list: an empty page, no next cursor
        JsonNode none = api.get("/api/articles?tag=" + ApiClient.unique("nothing") + "&cursor=").json();
        assertThat(none.get("articles")).isEmpty();
        assertThat(none.get("articlesCount").asLong()).isZero();
        assertThat(none.get("nextCursor").isNull()).isTrue();
    }

    @Test
    void badCursorsAre422InTheRealWorldShape() {
        String list = "/api/articles?tag=" + tag + "&limit=" + PAGE;
        String cursor = api.get(list + "&cursor=").json().get("nextCursor").asString();
        String comments = "/api/articles/" + commented + "/comments?limit=2";
        String commentCursor = api.get(comments).json().get("nextCursor").asString();
        char flipped = cursor.charAt(10) == 'A' ? 'B' : 'A';
        String otherViewer = api.register(ApiClient.unique("kviewer2"));
        String feedCursor = api.get("/api/articles/feed?limit=1&cursor=", viewerToken).json().get("nextCursor").asString();

        List<String> invalid = List.of(
                list + "&cursor=nonsense",
                list + "&cursor=" + cursor.substring(0, 33),                                 // cut
                list + "&cursor=" + cursor.substring(0, 10) + flipped + cursor.substring(11), // edited
                list + "&cursor=" + cursor + "AAAA",                                          // extended
                list + "&cursor=" + encode(cursor + "=="),                                    // padded
                list + "&cursor=" + encode("%%%\u0000\u00e9"),
                list + "&cursor=" + "A".repeat(2_000),
                list + "&cursor=" + cursor + "&cursor=" + cursor,                             // given twice
                "/api/articles?author=" + author + "&cursor=" + cursor,                       // another list's
                "/api/articles?tag=" + tag + "&author=" + author + "&cursor=" + cursor,        // another filter
                "/api/articles/" + commented + "/comments?cursor=" + cursor,                  // an article list's
                "/api/articles/" + api.createArticle(otherToken, "Other") + "/comments?cursor=" + commentCursor,
                "/api/articles?tag=" + tag + "&cursor=" + commentCursor);
        for (String path : invalid) {
            ApiClient.Response response = api.get(path, viewerToken);
            assertThat(response.status()).as(path).isEqualTo(422);
            assertThat(response.json().get("errors").get("cursor").get(0).asString()).as(path).isEqualTo("is invalid");
        }
        // another viewer's feed cursor
        ApiClient.Response borrowed = api.get("/api/articles/feed?cursor=" + feedCursor, otherViewer);
        assertThat(borrowed.status()).isEqualTo(422);

        for (String path : List.of(list + "&offset=5&cursor=" + cursor, list + "&offset=0&cursor=",
                "/api/articles/feed?offset=20&cursor=", comments + "&offset=2&cursor=" + commentCursor)) {
            ApiClient.Response response = api.get(path, viewerToken);
            assertThat(response.status()).as(path).isEqualTo(422);
            assertThat(response.json().get("errors").get("cursor").get(0).asString()).isEqualTo("can't be combined with offset");
        }
        ApiClient.Response zero = api.get("/api/articles?limit=0&cursor=" + cursor);
        assertThat(zero.status()).isEqualTo(422);
        assertThat(zero.json().get("errors").get("limit").get(0).asString()).isEqualTo("must be at least 1");
        assertThat(api.get(comments + "x&cursor=").json().get("errors").get("limit").get(0).asString())
                .isEqualTo("must be a whole number");
        // limits follow offset pagination: capped at 100, an empty offset counts as absent
        assertThat(api.get("/api/articles?limit=1000&offset=&cursor=").json().get("articles").size()).isLessThanOrEqualTo(100);
        // the feed still needs a token, cursor or not
        assertThat(api.get("/api/articles/feed?cursor=").status()).isEqualTo(401);
        assertThat(api.get("/api/articles/no-such-article-" + tag + "/comments?cursor=").status()).isEqualTo(404);
    }

    /**
     * Walks {@code path} page by page and checks it against the list's rows (matched by {@code condition} on
     * {@code articles a}) as they were when the walk began: the same rows in the same order, each once. Rows
     * created during the walk are newer than every cursor, so they can only appear on the first page.
     */
    private void walkAgainstSnapshot(String path, String token, String condition) {
        List<String> snapshot = jdbc.sql("SELECT a.slug FROM articles a WHERE " + condition + " ORDER BY a.created_at DESC, a.id DESC")
                .query(String.class).list();
        assertThat(snapshot).as(path).hasSizeGreaterThan(PAGE * 2);
        List<String> walked = new ArrayList<>();
        List<String> firstPage = null;
        String cursor = "";
        String separator = path.contains("?") ? "&" : "?";
        int pages = 0;
        while (cursor != null) {
            ApiClient.Response response = api.get(path + separator + "limit=" + PAGE + "&cursor=" + cursor, token);
            assertThat(response.status()).as(path).isEqualTo(200);
            JsonNode page = response.json();
            List<String> slugs = page.get("articles").valueStream().map(a -> a.get("slug").asString()).toList();
            assertThat(page.get("articlesCount").isNumber()).as(path).isTrue();
            cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asString();
            if (cursor != null) {
                assertThat(slugs).as(path + ": a page before the last is full").hasSize(PAGE);
            }
            if (firstPage == null) {
                firstPage = slugs;
            }
            walked.addAll(slugs);
            if (pages++ < 3) {
                createInEveryList(); // besides the background writer: certainly some between these pages
            }
        }
        Set<String> seen = new HashSet<>();
        assertThat(walked).as(path + ": no article twice").allMatch(seen::add);
        Set<String> existing = new HashSet<>(snapshot);
        List<String> createdMeanwhile = walked.stream().filter(slug -> !existing.contains(slug)).toList();
        assertThat(firstPage).as(path + ": articles created during the walk only come first").containsAll(createdMeanwhile);
        assertThat(walked.stream().filter(existing::contains).toList()).as(path).isEqualTo(snapshot);
    }

    /** An article by the author with the tag, favorited by the viewer: it belongs to the lists walked here. */
    private boolean createInEveryList() {
        ApiClient.Response response = api.post("/api/articles", """
                {"article":{"title":"Concurrent","description":"d","body":"b","tagList":["%s"]}}""".formatted(tag), authorToken);
        return response.status() == 201 && api.post("/api/articles/" + response.json().get("article").get("slug").asString()
                + "/favorite", null, viewerToken).status() == 200;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
