package io.conduitscale.platform.settings;

import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Profiles;

/**
 * Refuses to start in the production profile while a safety-relevant setting is missing.
 * <p>
 * It runs as soon as the environment is prepared, before any bean exists, so a misconfigured
 * production task fails in its first second with one message naming every missing setting,
 * instead of quietly starting an embedded database or generating a signing key nobody else has.
 * Registered in {@code META-INF/spring.factories}; later features add their settings to {@link #REQUIRED}.
 */
public class ProductionSettingsCheck implements ApplicationListener<ApplicationEnvironmentPreparedEvent> {

    /** A mandatory setting: its property, the environment variable operators set, and which roles need it. */
    record Requirement(String property, String environmentVariable, boolean apiOnly) {}

    static final List<Requirement> REQUIRED = List.of(
            new Requirement("conduit.db.url", "CONDUIT_DB_URL", false),
            new Requirement("conduit.db.user", "CONDUIT_DB_USER", false),
            new Requirement("conduit.db.password", "CONDUIT_DB_PASSWORD", false),
            new Requirement("conduit.jwt.issuer", "CONDUIT_JWT_ISSUER", true),
            new Requirement("conduit.jwt.signing-key", "CONDUIT_JWT_SIGNING_KEY", true));

    @Override
    public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
        ConfigurableEnvironment environment = event.getEnvironment();
        if (!environment.acceptsProfiles(Profiles.of("production"))) {
            return;
        }
        Role role = Role.parse(environment.getProperty("conduit.role"));
        List<String> missing = new ArrayList<>();
        for (Requirement requirement : REQUIRED) {
            if (requirement.apiOnly() && !role.servesApi()) {
                continue;
            }
            if (blank(environment.getProperty(requirement.property()))) {
                missing.add(requirement.environmentVariable());
            }
        }
        // several instances without a shared cache would serve each other's stale entries (workers
        // invalidate cached counts too, so they need it as much as API instances)
        if ((role.servesApi() || role.consumesEvents()) && blank(environment.getProperty("conduit.redis.url"))
                && !"local".equalsIgnoreCase(environment.getProperty("conduit.cache", ""))) {
            missing.add("CONDUIT_REDIS_URL (or CONDUIT_CACHE=local to run one instance without Redis)");
        }
        // the chosen event transport needs its broker; the in-process default needs nothing
        String transport = environment.getProperty("conduit.events.transport", "inprocess").trim().toLowerCase(java.util.Locale.ROOT);
        if (transport.equals("kafka") && blank(environment.getProperty("conduit.kafka.bootstrap"))) {
            missing.add("CONDUIT_KAFKA_BOOTSTRAP");
        }
        if (transport.equals("sqs") && blank(environment.getProperty("conduit.sqs.queue-url"))) {
            missing.add("CONDUIT_SQS_QUEUE_URL");
        }
        if (!missing.isEmpty()) {
            throw new MissingSettingsException(missing);
        }
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
