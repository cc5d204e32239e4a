package io.conduitscale.platform.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.conduitscale.support.ApiClient;
import io.conduitscale.support.RedisServerProcess;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * An instance that boots while Redis is unreachable (an autoscaled task starting during a Redis
 * outage) starts and serves, then picks Redis up, invalidation channel included, once it answers.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RedisDownAtStartTest {

    static final RedisServerProcess REDIS = reserveRedis();

    static RedisServerProcess reserveRedis() {
        try {
            return RedisServerProcess.notStarted();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        registry.add("conduit.data-dir", () -> Path.of("target", "test-data", "redis-down-" + UUID.randomUUID()).toAbsolutePath().toString());
        registry.add("conduit.redis.url", REDIS::url);
    }

    @AfterAll
    static void stopRedis() throws InterruptedException {
        REDIS.close();
    }

    @LocalServerPort
    int port;
    @Autowired
    Caches caches;
    @Autowired
    StringRedisTemplate redis;

    @Test
    void startsWithoutRedisAndUsesItOnceItAnswers() throws Exception {
        ApiClient api = ApiClient.forPort(port);
        assertThat(api.get("/actuator/health/readiness").status()).isEqualTo(200);
        String token = api.register(ApiClient.unique("noredis"));
        String slug = api.createArticle(token, "Before Redis " + UUID.randomUUID(), "noredis");
        assertThat(api.get("/api/articles/" + slug).status()).isEqualTo(200);
        assertThat(caches.redisStatus()).isNotEqualTo("up");

        REDIS.startAgain();
        long deadline = System.nanoTime() + 20_000_000_000L;
        Long subscribers = 0L;
        while (System.nanoTime() < deadline) {
            subscribers = redis.execute((RedisCallback<Long>) this::numberOfSubscribers);
            if ("up".equals(caches.redisStatus()) && !caches.invalidationsInTransit() && subscribers != null && subscribers > 0) {
                break;
            }
            Thread.sleep(200);
        }
        assertThat(subscribers).as("subscribers of the invalidation channel").isGreaterThan(0);
        assertThat(caches.redisStatus()).isEqualTo("up");

        // the channel works: a write evicts, and the next read sees it
        assertThat(api.put("/api/articles/" + slug, "{\"article\":{\"body\":\"after Redis\"}}", token).status()).isEqualTo(200);
        assertThat(api.get("/api/articles/" + slug).json().get("article").get("body").asString()).isEqualTo("after Redis");
    }

    // Lettuce's own PUBSUB NUMSUB: RedisConnection.execute decodes every reply as bytes and fails on its integer count
    @SuppressWarnings("unchecked")
    private Long numberOfSubscribers(org.springframework.data.redis.connection.RedisConnection connection) {
        var commands = (io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands<byte[], byte[]>) connection.getNativeConnection();
        try {
            return commands.pubsubNumsub(caches.channel().getBytes()).get(1, java.util.concurrent.TimeUnit.SECONDS)
                    .values().stream().findFirst().orElse(0L);
        } catch (Exception e) {
            return 0L;
        }
    }
}
