package io.conduitscale;

import io.conduitscale.platform.db.MigrationTask;
import io.conduitscale.platform.security.SigningKeyGenerator;
import io.conduitscale.platform.settings.Role;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * Entry point for every role the one jar can play ({@code CONDUIT_ROLE}):
 * <ul>
 *   <li>{@code all} (default): the HTTP API and the event worker in one process;</li>
 *   <li>{@code api}: the HTTP API (and the outbox relay);</li>
 *   <li>{@code worker}: the event consumers (and the outbox relay), docs/events.md;</li>
 *   <li>{@code migrate}: apply the Flyway migrations and exit, the one-shot task before a deploy;</li>
 *   <li>{@code keygen}: print a new JWT signing key (a private JWK) and exit, for key rotation.</li>
 * </ul>
 * {@code CONDUIT_PROFILE=production} activates the {@code production} Spring profile, which makes
 * every safety-relevant setting mandatory (see {@code platform.settings.ProductionSettingsCheck}).
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class ConduitApplication {

    public static void main(String[] args) {
        Role role = Role.fromEnvironment();
        switch (role) {
            case KEYGEN -> System.out.println(SigningKeyGenerator.newPrivateJwk().toJSONString());
            case MIGRATE -> System.exit(MigrationTask.run(args));
            case API, WORKER, ALL -> application(ConduitApplication.class).run(args);
        }
    }

    /** A SpringApplication with the profile chosen by {@code CONDUIT_PROFILE} added. */
    public static SpringApplication application(Class<?> source) {
        SpringApplication application = new SpringApplication(source);
        String profile = setting("conduit.profile", "CONDUIT_PROFILE");
        if (profile != null && !profile.isBlank()) {
            application.setAdditionalProfiles(profile.trim());
        }
        return application;
    }

    /** Reads a setting before Spring's environment exists: system property first, then environment. */
    public static String setting(String property, String environmentVariable) {
        String value = System.getProperty(property);
        return value != null ? value : System.getenv(environmentVariable);
    }
}
