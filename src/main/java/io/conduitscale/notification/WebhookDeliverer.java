package io.conduitscale.notification;

import io.conduitscale.platform.events.EventMetrics;
import io.micrometer.core.instrument.Counter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Delivers pending webhook notifications (worker roles). A delivery is claimed by pushing its next attempt
 * past the longest an attempt can take (twice the timeout, plus 5 s) in an auto-committed statement, so no transaction is open during the HTTP call and a
 * killed worker's claim simply expires. Each POST carries {@code X-Conduit-Delivery} (the delivery id,
 * the same on every retry, for the receiver to deduplicate), {@code X-Conduit-Timestamp} and
 * {@code X-Conduit-Signature: sha256=<hex HMAC-SHA256 of "timestamp.body" with the webhook secret>}.
 * A non-2xx answer or no answer is retried with exponential back-off; after the configured attempts the
 * delivery is marked {@code dead} (the dead-letter state) and counted.
 */
@Component
class WebhookDeliverer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(WebhookDeliverer.class);

    private final JdbcClient jdbc;
    private final WebhookSettings settings;
    private final boolean enabled;
    private final HttpClient http;
    private final WebhookTargetGuard targets;
    private final Counter delivered;
    private final Counter dead;
    private volatile boolean running;
    private Thread thread;

    WebhookDeliverer(JdbcClient jdbc, WebhookSettings settings, EventMetrics metrics, @Value("${conduit.role:}") String role) {
        this.jdbc = jdbc;
        this.settings = settings;
        this.enabled = io.conduitscale.platform.settings.Role.parse(role).consumesEvents();
        this.targets = new WebhookTargetGuard(settings.allowedPrivateTargets());
        this.http = HttpClient.newBuilder().connectTimeout(settings.timeout()).followRedirects(HttpClient.Redirect.NEVER).build();
        this.delivered = metrics.counter("conduit.webhooks.delivered");
        this.dead = metrics.counter("conduit.webhooks.dead");
    }

    private record Claimed(long id, int attempts, String url, String secret, String payload) {}

    /** Claims and attempts the due deliveries; returns how many it attempted. */
    int deliverDue() {
        List<Claimed> due = jdbc.sql("""
                        UPDATE webhook_deliveries d
                        SET attempts = d.attempts + 1, next_attempt_at = now() + make_interval(secs => :claim)
                        FROM webhooks w
                        WHERE w.user_id = d.user_id
                          AND d.id IN (SELECT id FROM webhook_deliveries
                                       WHERE status = 'pending' AND next_attempt_at <= now()
                                       ORDER BY next_attempt_at LIMIT 20 FOR UPDATE SKIP LOCKED)
                        RETURNING d.id, d.attempts, w.url, w.secret, d.payload::text AS payload
                        """)
                .param("claim", claim().toMillis() / 1000.0)
                .query((rs, n) -> new Claimed(rs.getLong("id"), rs.getInt("attempts"), rs.getString("url"),
                        rs.getString("secret"), rs.getString("payload")))
                .list();
        for (Claimed delivery : due) {
            attempt(delivery);
        }
        return due.size();
    }

    private void attempt(Claimed delivery) {
        String error;
        try {
            // checked again at each delivery: the host's DNS may point inside the network by now
            java.util.Optional<String> refusal = targets.refusal(URI.create(delivery.url()));
            if (refusal.isPresent()) {
                throw new IllegalStateException("webhook target refused: " + refusal.get());
            }
            String timestamp = Long.toString(System.currentTimeMillis() / 1000);
            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(delivery.url()))
                            .timeout(settings.timeout())
                            .header("Content-Type", "application/json")
                            .header("X-Conduit-Delivery", Long.toString(delivery.id()))
                            .header("X-Conduit-Timestamp", timestamp)
                            .header("X-Conduit-Signature", "sha256=" + sign(delivery.secret(), timestamp + "." + delivery.payload()))
                            .POST(HttpRequest.BodyPublishers.ofString(delivery.payload()))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() / 100 == 2) {
                jdbc.sql("UPDATE webhook_deliveries SET status = 'delivered', delivered_at = now(), last_error = NULL WHERE id = :id")
                        .param("id", delivery.id()).update();
                delivered.increment();
                return;
            }
            error = "HTTP " + response.statusCode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return; // the claim expires and another attempt follows
        } catch (Exception e) {
            error = e.toString();
        }
        if (delivery.attempts() >= settings.maxAttempts()) {
            jdbc.sql("UPDATE webhook_deliveries SET status = 'dead', last_error = :error WHERE id = :id")
                    .param("id", delivery.id()).param("error", error).update();
            dead.increment();
            log.warn("webhook delivery {} dead after {} attempts: {}", delivery.id(), delivery.attempts(), error);
        } else {
            long delay = Math.min(settings.backoffMax().toMillis(), settings.backoffInitial().toMillis() << Math.min(delivery.attempts() - 1, 20));
            jdbc.sql("""
                            UPDATE webhook_deliveries SET last_error = :error,
                                   next_attempt_at = now() + make_interval(secs => :delay)
                            WHERE id = :id
                            """)
                    .param("id", delivery.id()).param("error", error).param("delay", delay / 1000.0).update();
        }
    }

    /**
     * How long a claim lasts: longer than one attempt can take (connect plus response timeout), so a live
     * worker never loses its claim mid-attempt, and short enough that a killed worker's claim soon expires.
     */
    private Duration claim() {
        return settings.timeout().multipliedBy(2).plusSeconds(5);
    }

    static String sign(String secret, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public synchronized void start() {
        if (!enabled || running) {
            return;
        }
        running = true;
        thread = Thread.ofPlatform().name("webhook-deliverer").daemon().start(() -> {
            while (running) {
                try {
                    if (deliverDue() == 0) {
                        Thread.sleep(Duration.ofMillis(250));
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    log.warn("webhook delivery round failed: {}", e.toString());
                    try {
                        Thread.sleep(Duration.ofSeconds(1));
                    } catch (InterruptedException interrupted) {
                        return;
                    }
                }
            }
        });
    }

    /** Finishes the attempt in flight (bounded by the timeout); unattempted claims expire and are retried. */
    @Override
    public synchronized void stop() {
        running = false;
        if (thread != null) {
            try {
                thread.join(settings.timeout().plusSeconds(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            thread = null;
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 1;
    }
}
