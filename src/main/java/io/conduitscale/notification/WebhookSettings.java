package io.conduitscale.notification;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Webhook delivery ({@code CONDUIT_WEBHOOKS_*}).
 *
 * @param maxAttempts    deliveries tried before one is marked dead (its dead-letter state)
 * @param backoffInitial delay before the second attempt; doubles per attempt
 * @param backoffMax     longest delay between attempts
 * @param timeout        connect and response timeout of one attempt
 * @param allowedPrivateTargets IP addresses exempt from the guard against private targets (tests only: a local receiver)
 */
@ConfigurationProperties("conduit.webhooks")
record WebhookSettings(
        @DefaultValue("6") int maxAttempts,
        @DefaultValue("1s") Duration backoffInitial,
        @DefaultValue("5m") Duration backoffMax,
        @DefaultValue("5s") Duration timeout,
        List<String> allowedPrivateTargets) {}
