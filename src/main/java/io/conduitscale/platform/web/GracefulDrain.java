package io.conduitscale.platform.web;

import io.conduitscale.platform.settings.Role;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The first step of shutting down. On SIGTERM, readiness turns to REFUSING_TRAFFIC at once, and the
 * instance keeps serving normally for {@code CONDUIT_SHUTDOWN_DRAIN}: long enough for the load
 * balancer's health checks to take it out of rotation, so no new request arrives at a closing socket.
 * Only then does the web server stop accepting connections and finish in-flight requests
 * ({@code server.shutdown=graceful}, bounded by {@code CONDUIT_SHUTDOWN_TIMEOUT}).
 * <p>
 * It runs first because it has the highest lifecycle phase; the web server's graceful shutdown runs later.
 */
@Component
public class GracefulDrain implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(GracefulDrain.class);

    private final ApplicationEventPublisher events;
    private final Duration drain;
    private volatile boolean running;
    private volatile boolean drained;

    public GracefulDrain(ApplicationEventPublisher events, @Value("${conduit.shutdown.drain:0s}") Duration drain,
                         @Value("${conduit.role:}") String role) {
        this.events = events;
        // a worker is behind no load balancer, and a spot instance has 30 s in all: nothing to drain
        this.drain = Role.parse(role) == Role.WORKER ? Duration.ZERO : drain;
    }

    /**
     * Nothing to do at first start: Spring Boot reports readiness once the application is ready.
     * A context that is stopped and started again (as Spring's test framework does with cached
     * contexts) must accept traffic again, though.
     */
    @Override
    public void start() {
        if (drained) {
            AvailabilityChangeEvent.publish(events, this, ReadinessState.ACCEPTING_TRAFFIC);
            drained = false;
        }
        running = true;
    }

    @Override
    public void stop() {
        AvailabilityChangeEvent.publish(events, this, ReadinessState.REFUSING_TRAFFIC);
        if (!drain.isZero()) {
            log.info("shutting down: readiness is DOWN, still serving for {} ms while the load balancer notices", drain.toMillis());
            try {
                Thread.sleep(drain);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        drained = true;
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }
}
