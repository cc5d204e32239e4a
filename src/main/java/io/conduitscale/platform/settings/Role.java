package io.conduitscale.platform.settings;

import io.conduitscale.ConduitApplication;
import java.util.Locale;

/** What this process does, from {@code CONDUIT_ROLE} (property {@code conduit.role}). */
public enum Role {
    API, MIGRATE, KEYGEN;

    public static Role fromEnvironment() {
        return parse(ConduitApplication.setting("conduit.role", "CONDUIT_ROLE"));
    }

    public static Role parse(String value) {
        if (value == null || value.isBlank()) {
            return API;
        }
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("CONDUIT_ROLE must be one of api, migrate, keygen; got '" + value + "'");
        }
    }
}
