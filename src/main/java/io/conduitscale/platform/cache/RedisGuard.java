package io.conduitscale.platform.cache;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Every Redis call goes through here: timed, and behind a circuit breaker. When Redis fails or
 * hangs (commands time out after {@code CONDUIT_REDIS_TIMEOUT}), the breaker opens and callers are
 * told at once that Redis is unavailable, so a dead or frozen Redis costs speed, never answers.
 */
public final class RedisGuard {

    private final CircuitBreaker breaker;
    private final Timer latency;
    private final List<Runnable> onRecovery = new CopyOnWriteArrayList<>();
    /** When the last call failed; for a second after that, calls fail at once (see {@link #call}). */
    private volatile long lastFailure = System.nanoTime() - QUIET_AFTER_FAILURE_NANOS;
    private static final long QUIET_AFTER_FAILURE_NANOS = 1_000_000_000L;

    public RedisGuard(CircuitBreaker breaker, MeterRegistry registry) {
        this.breaker = breaker;
        this.latency = Timer.builder("conduit.redis.latency")
                .description("Redis command round trips, including failures")
                .publishPercentileHistogram()
                .register(registry);
        breaker.getEventPublisher().onStateTransition(event -> {
            if (event.getStateTransition().getToState() == CircuitBreaker.State.CLOSED) {
                onRecovery.forEach(Runnable::run);
            }
        });
    }

    /** Thrown instead of waiting on a Redis that is failing or known to be down. */
    public static final class RedisUnavailableException extends RuntimeException {
        RedisUnavailableException(String message, Throwable cause) {
            super(message, cause, false, false);
        }
    }

    /**
     * Runs a Redis command. For a second after any failure, commands fail at once without trying:
     * the breaker needs several failed calls to open, and a frozen Redis would otherwise make each of
     * those cost a full timeout, several times within one request. The heartbeat probes meanwhile.
     */
    public <T> T call(Supplier<T> command) {
        if (System.nanoTime() - lastFailure < QUIET_AFTER_FAILURE_NANOS) {
            throw new RedisUnavailableException("Redis failed less than a second ago", null);
        }
        return probe(command);
    }

    /** Like {@link #call}, but tries even right after a failure: how the heartbeat finds Redis back. */
    public <T> T probe(Supplier<T> command) {
        if (!breaker.tryAcquirePermission()) {
            throw new RedisUnavailableException("Redis circuit is " + breaker.getState(), null);
        }
        long started = System.nanoTime();
        try {
            T result = command.get();
            long elapsed = System.nanoTime() - started;
            breaker.onSuccess(elapsed, TimeUnit.NANOSECONDS);
            latency.record(elapsed, TimeUnit.NANOSECONDS);
            return result;
        } catch (RuntimeException e) {
            lastFailure = System.nanoTime();
            long elapsed = System.nanoTime() - started;
            breaker.onError(elapsed, TimeUnit.NANOSECONDS, e);
            latency.record(elapsed, TimeUnit.NANOSECONDS);
            throw new RedisUnavailableException("Redis command failed: " + e.getMessage(), e);
        }
    }

    public void run(Runnable command) {
        call(() -> {
            command.run();
            return null;
        });
    }

    public boolean closed() {
        return breaker.getState() == CircuitBreaker.State.CLOSED;
    }

    public String state() {
        return breaker.getState().name();
    }

    /** Called whenever the breaker closes again after Redis was unavailable. */
    public void onRecovery(Runnable action) {
        onRecovery.add(action);
    }
}
