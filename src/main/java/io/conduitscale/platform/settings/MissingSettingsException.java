package io.conduitscale.platform.settings;

import java.util.List;

/** Thrown at start-up when {@code CONDUIT_PROFILE=production} and mandatory settings are absent. */
public class MissingSettingsException extends RuntimeException {

    private final List<String> missing;

    public MissingSettingsException(List<String> missing) {
        super("CONDUIT_PROFILE=production requires these settings, which are missing: " + String.join(", ", missing));
        this.missing = List.copyOf(missing);
    }

    public List<String> missing() {
        return missing;
    }
}
