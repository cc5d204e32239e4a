package io.conduitscale.platform.web;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.ObjectMapper;

/**
 * Bounded admission: at most {@code CONDUIT_HTTP_MAX_CONCURRENT_REQUESTS} API requests run at once in this
 * instance; one more waits up to {@code CONDUIT_HTTP_ADMISSION_WAIT} for a slot and is otherwise answered 503
 * with {@code Retry-After} at once.
 * <p>
 * Why: requests run on virtual threads, so nothing else caps them. Past capacity (CPU-bound cached reads
 * never meet the connection pool's timeout), every extra request would join the queue for the CPU, the
 * latency of all of them would grow without bound and so would the memory they hold. Refusing the excess
 * quickly keeps the admitted requests fast, tells the load balancer and clients to back off, and the
 * instance recovers by itself as soon as the load drops. The actuator (health checks, metrics) is never
 * refused: an overloaded instance must not look dead to its load balancer, or the others get its share too.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 5) // after the request id, before body limits, security and idempotency
public class AdmissionLimitFilter extends OncePerRequestFilter {

    private final Semaphore slots;
    private final int limit;
    private final long waitNanos;
    private final ObjectMapper json;
    private final Counter shed;

    public AdmissionLimitFilter(@Value("${conduit.http.max-concurrent-requests:200}") int limit,
                                @Value("${conduit.http.admission-wait:50ms}") Duration wait,
                                ObjectMapper json, MeterRegistry meters) {
        this.limit = limit;
        this.slots = limit > 0 ? new Semaphore(limit) : null;
        this.waitNanos = wait.toNanos();
        this.json = json;
        this.shed = Counter.builder("conduit.http.shed")
                .description("API requests refused with 503 because the instance was at its concurrency limit")
                .register(meters);
        if (slots != null) {
            Gauge.builder("conduit.http.in.flight", this, f -> f.limit - f.slots.availablePermits())
                    .description("API requests admitted and not yet answered").register(meters);
        }
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return slots == null || request.getRequestURI().startsWith("/actuator");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        boolean admitted;
        try {
            admitted = slots.tryAcquire() || (waitNanos > 0 && slots.tryAcquire(waitNanos, TimeUnit.NANOSECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            admitted = false;
        }
        if (!admitted) {
            shed.increment();
            response.setStatus(HttpStatus.SERVICE_UNAVAILABLE.value());
            response.setHeader(HttpHeaders.RETRY_AFTER, "1");
            response.setContentType(MediaType.APPLICATION_JSON_VALUE);
            json.writeValue(response.getOutputStream(), ErrorBody.general("the service is overloaded, retry shortly"));
            return;
        }
        try {
            chain.doFilter(request, response);
        } finally {
            slots.release();
        }
    }
}
