package io.conduitscale.platform.settings;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns {@link MissingSettingsException} into Spring Boot's plain "APPLICATION FAILED TO START" report. */
class MissingSettingsFailureAnalyzer extends AbstractFailureAnalyzer<MissingSettingsException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, MissingSettingsException cause) {
        return new FailureAnalysis(
                cause.getMessage(),
                "Set " + String.join(", ", cause.missing())
                        + " (see docs/configuration.md), or unset CONDUIT_PROFILE to run the embedded default.",
                cause);
    }
}
