package io.conduitscale.article;

import static org.assertj.core.api.Assertions.assertThat;

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
 * same small number of SQL statements at page sizes 1, 20 and 100. Statements are counted by the
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

    @Autowired
    org.springframework.context.ApplicationContext context;

    /**
     * The event machinery (relay, consumers, webhook deliverer, view flusher) polls the same pool in the
     * background; it is paused while pages are measured, so only the request's own statements count.
     */
    private java.util.List<org.springframework.context.SmartLifecycle> backgroundWork() {
        java.util.Set<String> names = java.util.Set.of("OutboxRelay", "EventConsumers", "WebhookDeliverer", "ArticleViewCounter");
        return context.getBeansOfType(org.springframework.context.SmartLifecycle.class).values().stream()
                .filter(bean -> names.contains(org.springframework.aop.support.AopUtils.getTargetClass(bean).getSimpleName()))
                .toList();
    }

    @org.junit.jupiter.api.BeforeEach
    void pauseBackgroundWork() {
        backgroundWork().forEach(org.springframework.context.SmartLifecycle::stop);
    }

    @org.junit.jupiter.api.AfterEach
    void resumeBackgroundWork() {
        backgroundWork().forEach(org.springframework.context.SmartLifecycle::start);
    }

    @Test
    void aPageCostsTheSameStatementsWhateverItsSize() {
        Map<String, Long> costs = new LinkedHashMap<>();
        for (int size : new int[] {1, 20, 100}) {
            costs.put("signed-in, limit " + size, statementsFor("/api/articles?tag=" + tag + "&limit=" + size, viewerToken, size));
            costs.put("anonymous, limit " + size, statementsFor("/api/articles?tag=" + tag + "&limit=" + size, null, size));
            costs.put("feed, limit " + size, statementsFor("/api/articles/feed?limit=" + size, viewerToken, Math.min(size, 40)));
        }
        System.out.println("statements per page: " + costs);

        assertThat(costs.values()).allSatisfy(cost -> assertThat(cost).isBetween(1L, (long) BUDGET));
        assertThat(costs.get("signed-in, limit 1")).isEqualTo(costs.get("signed-in, limit 100"));
        assertThat(costs.get("signed-in, limit 20")).isEqualTo(costs.get("signed-in, limit 100"));
        assertThat(costs.get("anonymous, limit 1")).isEqualTo(costs.get("anonymous, limit 100"));
        assertThat(costs.get("feed, limit 1")).isEqualTo(costs.get("feed, limit 100"));
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
        return metrics.get("conduit.db.statements").counters().stream().mapToDouble(c -> c.count()).sum();
    }
}
