package io.conduitscale.platform.security;

import java.time.Clock;
import java.time.Instant;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.stereotype.Component;

/**
 * Issues the access tokens returned by register and login: ES256-signed JWTs whose {@code sub} is
 * the user's immutable id (usernames can change), with {@code iss} and lifetime from configuration
 * and the signing key named in the {@code kid} header. No server-side session exists.
 */
@Component
public class TokenIssuer {

    private final JwtEncoder encoder;
    private final SigningKeys keys;
    private final JwtProperties properties;
    private final Clock clock;

    TokenIssuer(JwtEncoder encoder, SigningKeys keys, JwtProperties properties, Clock clock) {
        this.encoder = encoder;
        this.keys = keys;
        this.properties = properties;
        this.clock = clock;
    }

    /**
     * @param tokenVersion the user's current token version: the token is valid until the version is
     *                     bumped (password change, log out everywhere) or it expires
     */
    public String issue(long userId, String username, int tokenVersion) {
        Instant now = clock.instant();
        JwtClaimsSet claims = JwtClaimsSet.builder()
                .issuer(properties.issuer())
                .subject(Long.toString(userId))
                // a token id, so that a password change can keep exactly the session that made it
                .id(java.util.UUID.randomUUID().toString())
                .issuedAt(now)
                .expiresAt(now.plus(properties.ttl()))
                // informational only: authorization always uses sub
                .claim("preferred_username", username)
                .claim(TokenAuthentication.TOKEN_VERSION_CLAIM, tokenVersion)
                .build();
        JwsHeader header = JwsHeader.with(SignatureAlgorithm.ES256).keyId(keys.signingKey().getKeyID()).build();
        return encoder.encode(JwtEncoderParameters.from(header, claims)).getTokenValue();
    }
}
