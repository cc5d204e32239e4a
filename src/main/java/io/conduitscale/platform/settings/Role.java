package io.conduitscale.platform.settings;

import io.conduitscale.ConduitApplication;
import java.util.Locale;

/** What this process does, from {@code CONDUIT_ROLE} (property {@code conduit.role}). */
public enum Role {
    /** Serves HTTP and relays the outbox; consumes no events. Runs on on-demand capacity. */
    API,
    /** Consumes events and relays the outbox; its HTTP port serves only the actuator. Spot-safe. */
    WORKER,
    /** API and worker in one process: the default, and what the embedded default needs. */
    ALL,
    MIGRATE,
    KEYGEN;

    public static Role fromEnvironment() {
        return parse(ConduitApplication.setting("conduit.role", "CONDUIT_ROLE"));
    }

    public static Role parse(String value) {
        if (value == null || value.isBlank()) {
            return ALL;
        }
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("CONDUIT_ROLE must be one of all, api, worker, migrate, keygen; got '" + value + "'");
        }
    }

    public boolean servesApi() {
        return this == API || this == ALL;
    }

    public boolean consumesEvents() {
        return this == WORKER || this == ALL;
    }
}
