package io.conduitscale.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.servlet.FilterChain;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.ObjectMapper;

/**
 * Bounded admission: with every slot held by a request still running, the next API request is refused at once
 * (503, Retry-After, RealWorld error shape) while health checks still pass, and admission resumes by itself as
 * soon as slots free up. The overload drill (docs/operations.md) checks the same through HAProxy under load.
 */
class AdmissionLimitFilterTest {

    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final AdmissionLimitFilter filter = new AdmissionLimitFilter(2, Duration.ofMillis(50), new ObjectMapper(), meters);
    final AtomicInteger served = new AtomicInteger();

    @Test
    void pastTheLimitARequestIsRefusedQuicklyAndAdmissionResumesByItself() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(2);
        FilterChain slow = (request, response) -> {
            running.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            served.incrementAndGet();
        };
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<MockHttpServletResponse>> held = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                held.add(threads.submit(() -> call("/api/articles", slow)));
            }
            assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(meters.get("conduit.http.in.flight").gauge().value()).isEqualTo(2.0);

            long started = System.nanoTime();
            MockHttpServletResponse refused = call("/api/tags", fast());
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertThat(refused.getStatus()).isEqualTo(503);
            assertThat(refused.getHeader("Retry-After")).isEqualTo("1");
            assertThat(refused.getContentAsString()).isEqualTo("{\"errors\":{\"body\":[\"the service is overloaded, retry shortly\"]}}");
            assertThat(millis).as("time to refuse, ms").isBetween(40L, 2_000L);
            assertThat(meters.get("conduit.http.shed").counter().count()).isEqualTo(1.0);

            // the load balancer's health check is never refused
            assertThat(call("/actuator/health/readiness", fast()).getStatus()).isEqualTo(200);

            release.countDown();
            for (Future<MockHttpServletResponse> f : held) {
                assertThat(f.get(5, TimeUnit.SECONDS).getStatus()).isEqualTo(200);
            }
        }
        assertThat(call("/api/tags", fast()).getStatus()).isEqualTo(200);
        assertThat(meters.get("conduit.http.in.flight").gauge().value()).isEqualTo(0.0);
        assertThat(served.get()).isEqualTo(4); // two slow, the health check, the last one
    }

    @Test
    void aRequestThatFindsASlotWithinTheWaitIsServed() throws Exception {
        CountDownLatch running = new CountDownLatch(2);
        FilterChain brief = (request, response) -> {
            running.countDown();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            threads.submit(() -> call("/api/articles", brief));
            threads.submit(() -> call("/api/articles", brief));
            assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(call("/api/tags", fast()).getStatus()).isEqualTo(200);
        }
        assertThat(meters.get("conduit.http.shed").counter().count()).isZero();
    }

    @Test
    void zeroTurnsTheLimitOff() throws Exception {
        AdmissionLimitFilter off = new AdmissionLimitFilter(0, Duration.ZERO, new ObjectMapper(), meters);
        MockHttpServletResponse response = new MockHttpServletResponse();
        off.doFilter(new MockHttpServletRequest("GET", "/api/tags"), response, fast());
        assertThat(response.getStatus()).isEqualTo(200);
    }

    private FilterChain fast() {
        return (request, response) -> served.incrementAndGet();
    }

    private MockHttpServletResponse call(String path, FilterChain chain) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", path);
        request.setRequestURI(path);
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter.doFilter(request, response, chain);
        return response;
    }
}
