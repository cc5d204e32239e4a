package io.conduitscale.platform.events;

import io.conduitscale.platform.settings.Role;
import java.util.Locale;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Picks the transport (CONDUIT_EVENTS_TRANSPORT), runs the relay in every serving role and the
 * consumers in the worker roles (CONDUIT_ROLE=worker or all).
 */
@Configuration(proxyBeanMethods = false)
class EventsConfiguration {

    @Bean
    EventTransport eventTransport(EventsProperties events, KafkaSettings kafka, SqsSettings sqs, JdbcClient jdbc,
                                  EventMetrics metrics) {
        return switch (events.transport().trim().toLowerCase(Locale.ROOT)) {
            case "inprocess" -> new InProcessTransport(jdbc, events.consumer(), metrics);
            case "kafka" -> new KafkaTransport(kafka, events.consumer(), metrics);
            case "sqs" -> new SqsTransport(sqs, events.consumer(), metrics);
            default -> throw new IllegalStateException(
                    "CONDUIT_EVENTS_TRANSPORT must be inprocess, kafka or sqs; got '" + events.transport() + "'");
        };
    }

    @Bean
    OutboxRelay outboxRelay(JdbcClient jdbc, EventTransport transport, EventsProperties events, EventMetrics metrics,
                            OutboxSignal signal) {
        return new OutboxRelay(jdbc, transport, events, metrics, signal);
    }

    @Bean
    EventConsumers eventConsumers(EventTransport transport, EventDispatcher dispatcher, @Value("${conduit.role:}") String role) {
        return new EventConsumers(transport, dispatcher, Role.parse(role).consumesEvents());
    }

    /**
     * Starts consumption once everything else runs, and stops it first on SIGTERM (highest phase), so a
     * spot worker stops taking messages at once and returns or finishes what it holds well within 30 s.
     * Closes the transport last.
     */
    static final class EventConsumers implements SmartLifecycle {

        private final EventTransport transport;
        private final EventDispatcher dispatcher;
        private final boolean enabled;
        private volatile boolean running;

        EventConsumers(EventTransport transport, EventDispatcher dispatcher, boolean enabled) {
            this.transport = transport;
            this.dispatcher = dispatcher;
            this.enabled = enabled;
        }

        @Override
        public void start() {
            if (enabled) {
                transport.startConsuming(dispatcher);
            }
            running = true;
        }

        @Override
        public void stop() {
            if (enabled) {
                transport.stopConsuming();
            }
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
}
