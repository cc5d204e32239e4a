package io.conduitscale.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.conduitscale.platform.events.EventEnvelope;
import io.conduitscale.support.ApiClient;
import io.conduitscale.support.IntegrationTest;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * The embedded default (in-process transport, CONDUIT_ROLE=all): every state change leaves an event in
 * the outbox in its own transaction, and the consumers' effects appear shortly after.
 */
@IntegrationTest
class EventFlowTest {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Test
    void everyChangeWritesAVersionedEnvelopeWithIdsOnlyAndItIsDelivered() {
        ApiClient api = ApiClient.forPort(port);
        String author = ApiClient.unique("author");
        String authorToken = api.register(author);
        String reader = ApiClient.unique("reader");
        String readerToken = api.register(reader);
        String slug = api.createArticle(authorToken, "Outbox " + author);
        assertThat(api.post("/api/profiles/" + author + "/follow", null, readerToken).status()).isEqualTo(200);
        assertThat(api.post("/api/articles/" + slug + "/favorite", null, readerToken).status()).isEqualTo(200);
        assertThat(api.post("/api/articles/" + slug + "/comments", "{\"comment\":{\"body\":\"hi\"}}", readerToken).status()).isEqualTo(201);
        // repeating an idempotent request changes nothing, so it records no event
        api.post("/api/profiles/" + author + "/follow", null, readerToken);

        long articleId = jdbc.sql("SELECT id FROM articles WHERE slug = :s").param("s", slug).query(Long.class).single();
        List<String> types = jdbc.sql("SELECT type FROM outbox_events WHERE aggregate = :a ORDER BY seq")
                .param("a", "article:" + articleId).query(String.class).list();
        assertThat(types).containsExactly("article.created", "article.favorited", "comment.added");

        String envelope = jdbc.sql("SELECT envelope::text FROM outbox_events WHERE aggregate = :a AND type = 'comment.added'")
                .param("a", "article:" + articleId).query(String.class).single();
        EventEnvelope event = EventEnvelope.fromJson(envelope);
        assertThat(event.version()).isEqualTo(1);
        assertThat(event.traceparent()).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
        assertThat(event.data().propertyNames()).containsExactlyInAnyOrder("commentId", "articleId", "authorId", "articleAuthorId");
        assertThat(envelope).doesNotContain("@example.com");
        assertThat(jdbc.sql("SELECT count(*) FROM outbox_events WHERE type = 'profile.followed' AND envelope->'data'->>'followeeId' = "
                + "(SELECT id::text FROM users WHERE username = :u)").param("u", author).query(Long.class).single()).isEqualTo(1);

        // the author is notified of the follower, the favorite and the comment, newest first
        await(() -> api.get("/api/notifications", authorToken).json().get("notificationsCount").asLong() == 3);
        JsonNode page = api.get("/api/notifications?limit=2", authorToken).json();
        assertThat(page.get("notifications")).hasSize(2);
        assertThat(page.get("notifications").get(0).get("kind").asString()).isEqualTo("comment");
        assertThat(page.get("notifications").get(0).get("actor").get("username").asString()).isEqualTo(reader);
        assertThat(page.get("notifications").get(0).get("articleSlug").asString()).isEqualTo(slug);
        assertThat(api.get("/api/notifications", readerToken).json().get("notificationsCount").asLong()).isZero();
        assertThat(api.get("/api/notifications", null).status()).isEqualTo(401);
        assertThat(api.get("/api/notifications?limit=abc", authorToken).status()).isEqualTo(422);
    }

    @Test
    void searchFindsArticlesByTitleDescriptionAndBodyOnceIndexedAndForgetsDeletedOnes() {
        ApiClient api = ApiClient.forPort(port);
        String token = api.register(ApiClient.unique("searcher"));
        // letters only: the English parser treats words with digits differently (no stemming)
        // and a fixed last letter: a random one could be "s", and the stemmer keeps "...ss" but trims "...s"
        String word = "zyx" + Long.toString(System.nanoTime(), 36).replaceAll("[0-9]", "q") + "k";
        String slug = api.createArticle(token, "Quokkas " + word);
        api.post("/api/articles", """
                {"article":{"title":"Other","description":"about %s","body":"b"}}""".formatted(word + "s"), token);
        await(() -> api.get("/api/articles?q=" + word, null).json().get("articlesCount").asLong() == 2);
        assertThat(api.get("/api/articles?q=" + word + "+quokka", null).json().get("articles").get(0).get("slug").asString())
                .isEqualTo(slug);
        assertThat(api.get("/api/articles?q=%22unbalanced+OR+-", null).status()).isEqualTo(200);
        assertThat(api.get("/api/articles?q=" + "a".repeat(300), null).status()).isEqualTo(422);
        assertThat(api.delete("/api/articles/" + slug, token).status()).isEqualTo(204);
        await(() -> api.get("/api/articles?q=" + word, null).json().get("articlesCount").asLong() == 1);
    }

    @Test
    void readsAreCountedInBatchesIntoViewsCount() {
        ApiClient api = ApiClient.forPort(port);
        String token = api.register(ApiClient.unique("viewed"));
        String slug = api.createArticle(token, "Viewed");
        assertThat(api.get("/api/articles/" + slug, null).json().get("article").get("viewsCount").asLong()).isZero();
        for (int i = 0; i < 9; i++) {
            api.get("/api/articles/" + slug, null);
        }
        await(() -> api.get("/api/articles?author=" + api.get("/api/articles/" + slug, null).json()
                .get("article").get("author").get("username").asString(), null)
                .json().get("articles").get(0).get("viewsCount").asLong() >= 10);
    }

    @Test
    void webhookDeliveriesAreSignedRetriedAfterFailuresAndReceivedOnce() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Map<String, String> received = new ConcurrentHashMap<>();
        List<String> signatures = new CopyOnWriteArrayList<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            // the first two attempts fail, as a flaky receiver would
            int status = calls.incrementAndGet() <= 2 ? 503 : 204;
            if (status == 204) {
                received.put(exchange.getRequestHeaders().getFirst("X-Conduit-Delivery"), body);
                signatures.add(exchange.getRequestHeaders().getFirst("X-Conduit-Timestamp") + "|"
                        + exchange.getRequestHeaders().getFirst("X-Conduit-Signature"));
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        receiver.start();
        try {
            ApiClient api = ApiClient.forPort(port);
            String author = ApiClient.unique("hooked");
            String token = api.register(author);
            assertThat(api.put("/api/user/webhook", "{\"webhook\":{\"url\":\"ftp://x\"}}", token).status()).isEqualTo(422);
            JsonNode webhook = api.put("/api/user/webhook", "{\"webhook\":{\"url\":\"http://127.0.0.1:"
                    + receiver.getAddress().getPort() + "/hook\"}}", token).json().get("webhook");
            String secret = webhook.get("secret").asString();
            api.post("/api/profiles/" + author + "/follow", null, api.register(ApiClient.unique("fan")));

            await(() -> received.size() == 1);
            String body = received.values().iterator().next();
            assertThat(body).contains("\"follower\"").doesNotContain("@");
            String[] signature = signatures.getFirst().split("\\|");
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            String expected = java.util.HexFormat.of().formatHex(mac.doFinal((signature[0] + "." + body).getBytes(StandardCharsets.UTF_8)));
            assertThat(signature[1]).isEqualTo("sha256=" + expected);
            assertThat(calls.get()).isEqualTo(3);
            Thread.sleep(500);
            assertThat(calls.get()).isEqualTo(3);
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    void webhookUrlsInsideTheNetworkAreRefusedWith422() {
        ApiClient api = ApiClient.forPort(port);
        String token = api.register(ApiClient.unique("ssrf"));
        for (String url : List.of("http://10.0.0.1/hook", "http://169.254.169.254/latest/meta-data/", "http://[::1]:8080/",
                "http://192.168.1.20/", "http://172.16.0.1/", "http://100.64.0.1/", "http://0.0.0.0:8080/", "http://127.0.0.2/",
                "http://[fd00:ec2::254]/", "http://[::ffff:10.0.0.1]/", "http://[fe80::1]/", "http://224.0.0.1/")) {
            ApiClient.Response response = api.put("/api/user/webhook", "{\"webhook\":{\"url\":\"" + url + "\"}}", token);
            assertThat(response.status()).as(url).isEqualTo(422);
            assertThat(response.json().get("errors").get("url").get(0).asString()).as(url)
                    .contains("private, loopback or link-local");
        }
        assertThat(api.put("/api/user/webhook", "{\"webhook\":{\"url\":\"https://no-such-host.invalid/hook\"}}", token)
                .json().get("errors").get("url").get(0).asString()).contains("does not resolve");
        // a public address is accepted (nothing is sent until there is a notification)
        assertThat(api.put("/api/user/webhook", "{\"webhook\":{\"url\":\"https://93.184.215.14/hook\"}}", token).status())
                .isEqualTo(200);
    }

    static void await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("condition not met within 20 s");
    }
}
