package io.conduitscale.platform.security;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The built-in token issuer ({@code CONDUIT_JWT_*}).
 *
 * @param issuer           the {@code iss} of issued tokens and the base of the discovery document;
 *                         configured, never taken from a request's Host header
 * @param ttl              lifetime of an issued token
 * @param signingKey       the private key that signs new tokens, a JWK (JSON) with a {@code kid};
 *                         without it, outside production, a key is generated into the data directory
 * @param verificationKeys further keys whose tokens are still accepted, a JWK or a JWK set (JSON):
 *                         the previous signing key during a rotation
 */
@ConfigurationProperties("conduit.jwt")
public record JwtProperties(
        String issuer,
        @DefaultValue("24h") Duration ttl,
        String signingKey,
        String verificationKeys) {}
