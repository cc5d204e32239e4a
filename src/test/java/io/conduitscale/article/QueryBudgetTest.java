package io.conduitscale.article;

import static org.assertj.core.api.Assertions.assertThat;

import io.conduitscale.platform.cache.Caches;
import io.conduitscale.support.ApiClient;
import io.conduitscale.support.IntegrationTest;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * No N+1: a page of articles with author, following, favorited, favoritesCount and tags costs the
 * same small number of SQL statements at page sizes 1, 20 and 100, offset or keyset, with every cache cold
 * (and so does a list of comments, whole or a keyset page at a time); warm, an
 * anonymous page costs none and a signed-in one only the viewer's flags. Statements are counted by the
 * JDBC proxy around every connection pool (conduit_db_statements_total), across the real HTTP path.
 */
@IntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueryBudgetTest {

    static final int BUDGET = 4;

    @LocalServerPort
    int port;
    @Autowired
    MeterRegistry metrics;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    Caches caches;

    ApiClient api;
    String viewerToken;
    String tag;
    String authorPrefix;

    @BeforeAll
    void seed() {
        api = ApiClient.forPort(port);
        String viewer = ApiClient.unique("viewer");
        viewerToken = api.register(viewer);
        tag = ApiClient.unique("budget");
        authorPrefix = ApiClient.unique("author");
        // 120 articles by 30 authors, 3 tags each, favorited and followed by the viewer in part
        jdbc.sql("""
                INSERT INTO users (username, email, password_hash)
                SELECT :prefix || n, :prefix || n || '@example.com', 'x' FROM generate_series(1, 30) n
                """).param("prefix", authorPrefix).update();
        jdbc.sql("""
                INSERT INTO articles (slug, title, description, body, author_id, created_at)
                SELECT :prefix || '-article-' || n, 'Title ' || n, 'd', 'b',
                       (SELECT id FROM users WHERE username = :prefix || (1 + n % 30)),
                       now() + n * interval '1 millisecond'
                FROM generate_series(1, 120) n
                """).param("prefix", authorPrefix).update();
        jdbc.sql("INSERT INTO tags (name, article_count) VALUES (:tag, 120), (:tag || '-b', 120), (:tag || '-c', 120)")
                .param("tag", tag).update();
        jdbc.sql("""
                INSERT INTO article_tags (article_id, tag_id, position)
                SELECT a.id, t.id, row_number() OVER (PARTITION BY a.id ORDER BY t.name)
                FROM articles a CROSS JOIN tags t
                WHERE a.slug LIKE :prefix || '-article-%' AND t.name LIKE :tag || '%'
                """).param("prefix", authorPrefix).param("tag", tag).update();
        jdbc.sql("""
                INSERT INTO favorites (user_id, article_id)
                SELECT (SELECT id FROM users WHERE username = :viewer), a.id
                FROM articles a WHERE a.slug LIKE :prefix || '-article-%' AND a.id % 2 = 0
                """).param("viewer", viewer).param("prefix", authorPrefix).update();
        jdbc.sql("""
                INSERT INTO follows (follower_id, followee_id)
                SELECT (SELECT id FROM users WHERE username = :viewer), u.id
                FROM users u WHERE u.username LIKE :prefix || '%' AND u.id % 3 = 0
                """).param("viewer", viewer).param("prefix", authorPrefix).update();
    }

    @Test
    void aWarmPageCostsNothingAnonymouslyAndOneStatementForTheViewersFlags() {
        String path = "/api/articles?tag=" + tag + "&limit=20";
        caches.flushLocal();
        for (int i = 0; i < 3; i++) {
            api.get(path);
            api.get(path, viewerToken);
        }
        assertThat(statementsFor(path, null, 20)).isZero();
        // favorited and following are never cached per viewer: one statement for the whole page
        assertThat(statementsFor(path, viewerToken, 20)).isEqualTo(1);
    }

    @Test
    void aPageCostsTheSameStatementsWhateverItsSize() {
        Map<String, Long> costs = new LinkedHashMap<>();
        for (int size : new int[] {1, 20, 100}) {
            costs.put("signed-in, limit " + size, coldStatementsFor("/api/articles?tag=" + tag + "&limit=" + size, viewerToken, size));
            costs.put("anonymous, limit " + size, coldStatementsFor("/api/articles?tag=" + tag + "&limit=" + size, null, size));
            costs.put("feed, limit " + size, coldStatementsFor("/api/articles/feed?limit=" + size, viewerToken, Math.min(size, 40)));
            // keyset pages (extension) from a position 10 rows deep: the same statements as offset pages
            String deep = "/api/articles?tag=" + tag + "&limit=" + size + "&cursor=" + cursorAfterTen("/api/articles?tag=" + tag);
            costs.put("cursor, limit " + size, coldStatementsFor(deep, viewerToken, size));
            costs.put("feed cursor, limit " + size, coldStatementsFor("/api/articles/feed?limit=" + size + "&cursor="
                    + cursorAfterTen("/api/articles/feed"), viewerToken, Math.min(size, 30)));
        }
        System.out.println("statements per page, caches cold: " + costs);

        assertThat(costs.values()).allSatisfy(cost -> assertThat(cost).isBetween(1L, (long) BUDGET));
        assertThat(costs.get("signed-in, limit 1")).isEqualTo(costs.get("signed-in, limit 100"));
        assertThat(costs.get("signed-in, limit 20")).isEqualTo(costs.get("signed-in, limit 100"));
        assertThat(costs.get("anonymous, limit 1")).isEqualTo(costs.get("anonymous, limit 100"));
        assertThat(costs.get("feed, limit 1")).isEqualTo(costs.get("feed, limit 100"));
        assertThat(costs.get("cursor, limit 1")).isEqualTo(costs.get("cursor, limit 100")).isEqualTo(costs.get("signed-in, limit 100"));
        assertThat(costs.get("feed cursor, limit 1")).isEqualTo(costs.get("feed cursor, limit 100"))
                .isEqualTo(costs.get("feed, limit 100"));
    }

    @Test
    void aListOfCommentsCostsTheSameWhateverItsSizeOrCursor() {
        String slug = authorPrefix + "-article-7";
        jdbc.sql("""
                INSERT INTO comments (article_id, author_id, body)
                SELECT a.id, u.id, 'comment ' || u.id FROM articles a CROSS JOIN users u
                WHERE a.slug = :slug AND u.username LIKE :prefix || '%'
                """).param("slug", slug).param("prefix", authorPrefix).update();
        String path = "/api/articles/" + slug + "/comments";
        String deep = api.get(path + "?limit=5").json().get("nextCursor").asString();
        Map<String, Long> costs = new LinkedHashMap<>();
        for (String token : new String[] {null, viewerToken}) {
            String who = token == null ? "anonymous, " : "signed-in, ";
            costs.put(who + "all", commentStatements(path, token, 30));
            for (int size : new int[] {1, 20}) {
                costs.put(who + "limit " + size, commentStatements(path + "?limit=" + size, token, size));
                costs.put(who + "cursor, limit " + size, commentStatements(path + "?limit=" + size + "&cursor=" + deep, token, size));
            }
        }
        System.out.println("statements per comment list, caches cold: " + costs);
        // the article id, the comments, their authors in one batch, and for a signed-in viewer whom they follow
        costs.forEach((list, cost) -> assertThat(cost).as(list).isEqualTo(list.startsWith("anonymous") ? 3 : 4));
    }

    private long commentStatements(String path, String token, int expectedComments) {
        caches.flushLocal();
        if (token != null) {
            assertThat(api.get("/api/user", token).status()).isEqualTo(200);
        }
        double before = statements();
        ApiClient.Response response = api.get(path, token);
        double after = statements();
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().get("comments").size()).isEqualTo(expectedComments);
        return Math.round(after - before);
    }

    private String cursorAfterTen(String list) {
        return api.get(list + (list.contains("?") ? "&" : "?") + "limit=10&cursor=", viewerToken).json().get("nextCursor").asString();
    }

    /**
     * Statements of one request against cold caches, except the viewer's token state: the revocation
     * check reads it once per user until it changes (TokenVersions), a cost of the session, not of the page.
     */
    private long coldStatementsFor(String path, String token, int expectedArticles) {
        caches.flushLocal();
        if (token != null) {
            assertThat(api.get("/api/user", token).status()).isEqualTo(200);
        }
        return statementsFor(path, token, expectedArticles);
    }

    private long statementsFor(String path, String token, int expectedArticles) {
        double before = statements();
        ApiClient.Response response = api.get(path, token);
        double after = statements();
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().get("articles").size()).isEqualTo(expectedArticles);
        if (token != null && path.contains("tag=") && expectedArticles >= 20) {
            // the page really carries viewer-specific and aggregated fields
            assertThat(response.json().get("articles").findValues("favorited")).extracting(n -> n.asBoolean()).contains(true, false);
            assertThat(response.json().get("articles").get(0).get("tagList").size()).isEqualTo(3);
        }
        return Math.round(after - before);
    }

    private double statements() {
        // only statements run for requests: the event machinery polls the same pool in the background
        return metrics.get("conduit.db.statements").tag("origin", "request").counters().stream()
                .mapToDouble(c -> c.count()).sum();
    }
}
