package io.conduitscale.platform.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** CONDUIT_OIDC_ISSUERS is parsed strictly: a typo stops the start instead of trusting the wrong thing. */
class OidcPropertiesTest {

    private static OidcProperties of(String json) {
        return new OidcProperties(json, Duration.ofMinutes(5), Duration.ofMinutes(1), Duration.ofSeconds(30), Duration.ofSeconds(2));
    }

    @Test
    void parsesAudienceAndClientIdIssuersWithTheDefaultUsernameClaim() {
        var issuers = of("""
                [{"issuer":"https://kc.example/realms/x","audience":"api"},
                 {"issuer":"https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc","clientId":"c1","usernameClaim":"username"}]""")
                .trustedIssuers("https://api.example");
        assertThat(issuers).hasSize(2);
        assertThat(issuers.get(0).usernameClaim()).isEqualTo("preferred_username");
        assertThat(issuers.get(0).checksClientId()).isFalse();
        assertThat(issuers.get(1).checksClientId()).isTrue();
        assertThat(of(null).trustedIssuers("x")).isEmpty();
        assertThat(of(" ").trustedIssuers("x")).isEmpty();
    }

    @Test
    void refusesAmbiguousOrUnsafeConfigurations() {
        String[] invalid = {
                "{\"issuer\":\"https://a.example\",\"audience\":\"x\"}",                       // not an array
                "[{\"audience\":\"x\"}]",                                                       // no issuer
                "[{\"issuer\":\"https://a.example\"}]",                                          // neither audience nor clientId
                "[{\"issuer\":\"https://a.example\",\"audience\":\"x\",\"clientId\":\"y\"}]",     // both
                "[{\"issuer\":\"http://a.example\",\"audience\":\"x\"}]",                        // plain http off loopback
                "[{\"issuer\":\"https://api.example\",\"audience\":\"x\"}]",                     // the built-in issuer
                "[{\"issuer\":\"https://a.example\",\"audience\":\"x\"},{\"issuer\":\"https://a.example\",\"audience\":\"y\"}]",
                "[{\"issuer\":\"https://a.example\",\"audiance\":\"x\"}]",                       // typo
        };
        for (String json : invalid) {
            assertThatThrownBy(() -> of(json).trustedIssuers("https://api.example")).as(json)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CONDUIT_OIDC_ISSUERS");
        }
    }
}
