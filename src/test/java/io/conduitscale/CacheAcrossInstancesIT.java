package io.conduitscale;

import static org.assertj.core.api.Assertions.assertThat;

import io.conduitscale.platform.security.SigningKeyGenerator;
import io.conduitscale.support.ApiClient;
import io.conduitscale.support.ConduitProcess;
import io.conduitscale.support.RedisServerProcess;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Two instances as separate OS processes on one PostgreSQL and one Redis, as behind a load balancer:
 * what is written through A is read through B at once, without sleeps, for every kind of cached data,
 * while other readers race the writes; and the two together enforce one rate limit, not two.
 */
class CacheAcrossInstancesIT {

    static final int ITERATIONS_PER_KIND = 170;
    static EmbeddedPostgres database;
    static RedisServerProcess redis;
    static ConduitProcess a;
    static ConduitProcess b;

    @BeforeAll
    static void startCluster() throws Exception {
        Path work = Files.createTempDirectory(Path.of("target"), "two-instances-").toAbsolutePath();
        database = EmbeddedPostgres.builder().setDataDirectory(work.resolve("pg")).start();
        redis = RedisServerProcess.start();
        Map<String, String> environment = new HashMap<>();
        environment.put("CONDUIT_DB_URL", "jdbc:postgresql://127.0.0.1:" + database.getPort() + "/postgres");
        environment.put("CONDUIT_DB_USER", "postgres");
        environment.put("CONDUIT_DB_PASSWORD", "trust");
        environment.put("CONDUIT_REDIS_URL", redis.url());
        environment.put("CONDUIT_JWT_ISSUER", "http://conduit.test");
        environment.put("CONDUIT_JWT_SIGNING_KEY", SigningKeyGenerator.newPrivateJwk().toJSONString());
        environment.put("CONDUIT_RATE_LIMIT_WRITES_PER_USER", "1000000");
        environment.put("CONDUIT_RATE_LIMIT_LOGINS_PER_ACCOUNT", "5");
        a = ConduitProcess.start(environment, work.resolve("a")).awaitReady(Duration.ofSeconds(120));
        b = ConduitProcess.start(environment, work.resolve("b")).awaitReady(Duration.ofSeconds(120));
    }

    @AfterAll
    static void stopCluster() throws Exception {
        for (AutoCloseable closeable : new AutoCloseable[] {a, b, redis}) {
            if (closeable != null) {
                closeable.close();
            }
        }
        if (database != null) {
            database.close();
        }
    }

    @Test
    void writesThroughOneInstanceAreNeverReadStaleThroughTheOther() throws Exception {
        ApiClient viaA = a.api();
        ApiClient viaB = b.api();
        String author = ApiClient.unique("writer");
        String authorToken = viaA.register(author);
        String fan = ApiClient.unique("fan");
        String fanToken = viaA.register(fan);
        String slug = viaA.createArticle(authorToken, "Edited " + UUID.randomUUID(), "edited");

        AtomicBoolean racing = new AtomicBoolean(true);
        AtomicInteger racedReads = new AtomicInteger();
        List<Thread> racers = new ArrayList<>();
        for (ApiClient api : List.of(viaA, viaB, viaB)) {
            racers.add(Thread.ofVirtual().start(() -> {
                while (racing.get()) {
                    api.get("/api/articles/" + slug);
                    api.get("/api/profiles/" + author);
                    api.get("/api/tags");
                    api.get("/api/articles?author=" + author);
                    racedReads.addAndGet(4);
                }
            }));
        }

        List<String> stale = new ArrayList<>();
        int checks = 0;
        try {
            for (int i = 0; i < ITERATIONS_PER_KIND; i++) {
                // article edit
                String body = "body " + i;
                assertThat(viaA.put("/api/articles/" + slug, "{\"article\":{\"body\":\"" + body + "\"}}", authorToken).status()).isEqualTo(200);
                checks++;
                expect(stale, "edit " + i, body, viaB.get("/api/articles/" + slug).json().at("/article/body").asString());

                // favorite count
                boolean favorite = i % 2 == 0;
                if (favorite) {
                    viaA.post("/api/articles/" + slug + "/favorite", null, fanToken);
                } else {
                    viaA.delete("/api/articles/" + slug + "/favorite", fanToken);
                }
                checks++;
                expect(stale, "favorites " + i, favorite ? "1" : "0",
                        viaB.get("/api/articles/" + slug).json().at("/article/favoritesCount").asString());

                // follow
                if (favorite) {
                    viaA.post("/api/profiles/" + author + "/follow", null, fanToken);
                } else {
                    viaA.delete("/api/profiles/" + author + "/follow", fanToken);
                }
                checks++;
                expect(stale, "follow " + i, Boolean.toString(favorite),
                        viaB.get("/api/profiles/" + author, fanToken).json().at("/profile/following").asString());

                // profile update, seen on the profile and as an article's author
                String bio = "bio " + i;
                viaA.put("/api/user", "{\"user\":{\"bio\":\"" + bio + "\"}}", authorToken);
                checks += 2;
                expect(stale, "profile " + i, bio, viaB.get("/api/profiles/" + author).json().at("/profile/bio").asString());
                expect(stale, "author " + i, bio, viaB.get("/api/articles/" + slug).json().at("/article/author/bio").asString());

                // new tag, and the lists it appears in
                String tag = "tag-" + i + "-" + UUID.randomUUID().toString().substring(0, 6);
                String tagged = viaA.createArticle(authorToken, "Tagged " + i, tag);
                checks += 3;
                List<String> tags = viaB.get("/api/tags").json().get("tags").valueStream().map(JsonNode::asString).toList();
                expect(stale, "new tag " + i, "true", Boolean.toString(tags.contains(tag)));
                expect(stale, "tag list " + i, "1", viaB.get("/api/articles?tag=" + tag).json().at("/articlesCount").asString());
                expect(stale, "author list " + i, tagged,
                        viaB.get("/api/articles?author=" + author).json().at("/articles/0/slug").asString());

                // delete
                checks++;
                assertThat(viaB.get("/api/articles/" + tagged).status()).isEqualTo(200);
                assertThat(viaA.delete("/api/articles/" + tagged, authorToken).status()).isEqualTo(204);
                expect(stale, "delete " + i, "404", Integer.toString(viaB.get("/api/articles/" + tagged).status()));
            }
        } finally {
            racing.set(false);
            for (Thread racer : racers) {
                racer.join();
            }
        }
        System.out.printf("two instances: %d write-through-A/read-through-B checks, %d racing reads, %d stale%n",
                checks, racedReads.get(), stale.size());
        assertThat(checks).isGreaterThanOrEqualTo(1_000);
        assertThat(stale).isEmpty();
        // and the shared tier was really used
        assertThat(metric(b, "conduit_cache_requests_total", "result=\"hit\"")).isPositive();
    }

    @Test
    void aRevocationThroughOneInstanceIsHonouredAtOnceByTheOther() {
        String token = a.api().register(ApiClient.unique("revoked"));
        // B has checked (and cached) the token's state before the revocation
        assertThat(b.api().get("/api/user", token).status()).isEqualTo(200);
        assertThat(b.api().get("/api/user", token).status()).isEqualTo(200);

        assertThat(a.api().post("/api/user/logout-all", null, token).status()).isEqualTo(204);

        ApiClient.Response afterwards = b.api().get("/api/user", token);
        assertThat(afterwards.status()).isEqualTo(401);
        assertThat(afterwards.json().at("/errors/token/0").asString()).isEqualTo("is invalid");
    }

    @Test
    void twoInstancesEnforceOneLoginLimit() {
        ApiClient viaA = a.api();
        String user = ApiClient.unique("guessed");
        viaA.register(user);
        List<Integer> statuses = new ArrayList<>();
        String retryAfter = null;
        for (int i = 0; i < 12; i++) {
            ApiClient api = i % 2 == 0 ? a.api() : b.api();
            ApiClient.Response response = api.post("/api/users/login",
                    "{\"user\":{\"email\":\"" + user + "@example.com\",\"password\":\"wrong-password\"}}", null);
            statuses.add(response.status());
            if (response.status() == 429) {
                retryAfter = response.header("Retry-After");
            }
        }
        System.out.println("login attempts through A and B alternately: " + statuses);
        assertThat(statuses.subList(0, 5)).containsOnly(401);
        assertThat(statuses.subList(5, 12)).containsOnly(429);
        assertThat(Long.parseLong(retryAfter)).isPositive();
    }

    private static void expect(List<String> stale, String what, String expected, String actual) {
        if (!expected.equals(actual)) {
            stale.add(what + ": expected " + expected + ", read " + actual);
        }
    }

    private static double metric(ConduitProcess process, String name, String label) {
        return process.api().get("/actuator/prometheus").text().lines()
                .filter(line -> line.startsWith(name + "{") && line.contains(label))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }
}
