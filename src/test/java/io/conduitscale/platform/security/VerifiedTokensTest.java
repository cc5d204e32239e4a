package io.conduitscale.platform.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;

/** The verified-token cache in front of a decoder: what it answers itself, and what it always hands on. */
class VerifiedTokensTest {

    Instant now = Instant.parse("2026-12-06T12:00:00Z");
    final Clock clock = new Clock() {
        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    };
    final List<String> decoded = new ArrayList<>();
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final VerifiedTokens tokens = new VerifiedTokens(100, clock, meters);

    /** A decoder that accepts tokens named "valid-*" (expiring in 15 minutes) and records every call. */
    final JwtDecoder decoder = tokens.remembering(token -> {
        decoded.add(token);
        if (!token.startsWith("valid-")) {
            throw new BadJwtException("bad signature");
        }
        return Jwt.withTokenValue(token).header("alg", "ES256").subject("1")
                .issuedAt(now).expiresAt(now.plus(Duration.ofMinutes(15))).build();
    });

    @Test
    void aTokenVerifiedOnceIsAnsweredFromTheCacheUntilItsMaxAge() {
        Jwt first = decoder.decode("valid-a");
        Jwt second = decoder.decode("valid-a");

        assertThat(second).isSameAs(first);
        assertThat(decoded).containsExactly("valid-a");
        assertThat(meters.get("cache.gets").tag("cache", "verified-tokens").tag("result", "hit")
                .functionCounter().count()).isEqualTo(1);

        now = now.plus(VerifiedTokens.MAX_AGE).plusSeconds(1);
        decoder.decode("valid-a");
        assertThat(decoded).containsExactly("valid-a", "valid-a");
    }

    @Test
    void aDifferentTokenIsVerifiedOnItsOwn() {
        decoder.decode("valid-a");
        decoder.decode("valid-b");

        assertThat(decoded).containsExactly("valid-a", "valid-b");
    }

    @Test
    void aRejectedTokenIsNotRememberedAndIsRejectedEveryTime() {
        assertThatThrownBy(() -> decoder.decode("forged")).isInstanceOf(BadJwtException.class);
        assertThatThrownBy(() -> decoder.decode("forged")).isInstanceOf(BadJwtException.class);

        assertThat(decoded).containsExactly("forged", "forged");
        assertThat(tokens.size()).isZero();
    }

    @Test
    void aTokenPastItsExpiryIsHandedBackToTheDecoder() {
        JwtDecoder shortLived = tokens.remembering(token -> {
            decoded.add(token);
            if (now.isAfter(Instant.parse("2026-12-06T12:01:00Z"))) {
                throw new BadJwtException("expired");
            }
            return Jwt.withTokenValue(token).header("alg", "ES256").subject("1")
                    .issuedAt(now).expiresAt(Instant.parse("2026-12-06T12:01:00Z")).build();
        });
        shortLived.decode("valid-short");
        now = Instant.parse("2026-12-06T12:00:59Z");
        shortLived.decode("valid-short");
        assertThat(decoded).containsExactly("valid-short");

        now = Instant.parse("2026-12-06T12:01:01Z");
        assertThatThrownBy(() -> shortLived.decode("valid-short")).isInstanceOf(BadJwtException.class);
        assertThat(decoded).containsExactly("valid-short", "valid-short");
    }
}
