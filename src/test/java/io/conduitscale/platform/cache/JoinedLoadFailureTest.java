package io.conduitscale.platform.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import tools.jackson.databind.json.JsonMapper;

/**
 * A request that waits for another request's load of the same key (single flight) must not fail when
 * that load fails: the failure belongs to the other request (its replica died under it, and its own
 * transaction retries on the primary). Seen in the replica drill: a frozen replica failed one load after
 * 1 s, and a GET that had joined it answered 500.
 */
class JoinedLoadFailureTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Caches caches = new Caches(JsonMapper.builder().build(),
            new CacheSettings(Duration.ofMinutes(10), Duration.ofSeconds(1), Duration.ofMinutes(5), 1000, true),
            null, null, "test", registry);
    private final CacheRegion<String> region = caches.region("joined", String.class);

    @Test
    void aRequestWhoseJoinedLoadFailedLoadsTheKeyItself() throws Exception {
        CountDownLatch firstLoadStarted = new CountDownLatch(1);
        CountDownLatch releaseFirstLoad = new CountDownLatch(1);
        AtomicInteger secondLoads = new AtomicInteger();
        ExecutorService requests = Executors.newFixedThreadPool(2);
        try {
            Future<String> first = requests.submit(() -> region.get("1", () -> {
                firstLoadStarted.countDown();
                await(releaseFirstLoad);
                throw new DataAccessResourceFailureException("replica-1: socket timeout");
            }));
            assertThat(firstLoadStarted.await(5, TimeUnit.SECONDS)).isTrue();
            Future<String> second = requests.submit(() -> region.get("1", () -> {
                secondLoads.incrementAndGet();
                return "row 1";
            }));
            awaitCoalesced(1);
            releaseFirstLoad.countDown();

            assertThatThrownBy(() -> first.get(5, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(DataAccessResourceFailureException.class);
            assertThat(second.get(5, TimeUnit.SECONDS)).isEqualTo("row 1");
            assertThat(secondLoads).hasValue(1);
            assertThat(registry.counter("conduit.cache.loads.joined.failed").count()).isEqualTo(1);
            // and the value it loaded is cached for the next reader
            assertThat(region.get("1", () -> "must not load again")).isEqualTo("row 1");
        } finally {
            releaseFirstLoad.countDown();
            requests.shutdownNow();
        }
    }

    private void awaitCoalesced(int expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (registry.counter("conduit.cache.loads.coalesced").count() < expected) {
            assertThat(System.nanoTime()).as("the second request joined the first one's load").isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
