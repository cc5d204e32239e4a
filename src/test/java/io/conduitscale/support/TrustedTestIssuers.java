package io.conduitscale.support;

import java.util.Map;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * Makes the shared test context trust the {@link TestIdentityProvider}'s two issuers (starting it first),
 * with a short JWKS refetch interval so a rotation test need not wait 30 s, and allows one CORS origin.
 */
public class TrustedTestIssuers implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    public static final String ALLOWED_ORIGIN = "https://app.conduit.example";

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("trusted-test-issuers", Map.of(
                "conduit.oidc.issuers", TestIdentityProvider.issuersSetting(),
                "conduit.oidc.jwks-refetch-min-interval", "1s",
                "conduit.cors.allowed-origins", ALLOWED_ORIGIN)));
    }
}
