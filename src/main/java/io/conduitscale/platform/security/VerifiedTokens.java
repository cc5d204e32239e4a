package io.conduitscale.platform.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;

/**
 * Tokens this instance has already verified, so a client's next request with the same token skips the
 * signature check. Checking an ES256 signature was about a tenth of the API's CPU per request in the
 * capacity profile (docs/performance.md); a signed-in client sends the same token on every request.
 * <p>
 * Only successful decodes are kept, each until its {@code exp} and never longer than {@link #MAX_AGE},
 * and an entry past its {@code exp} is never returned. Keys are SHA-256 digests of the token: a lookup
 * compares digests, so response timing cannot leak a cached token's characters. What it costs: a token
 * stays accepted here for up to {@link #MAX_AGE} after its signing key is withdrawn from the issuer's key
 * set. Revocation is unaffected: the token version is checked on every request, after this.
 */
final class VerifiedTokens {

    /** How long a verified token is remembered at most, whatever its {@code exp}. */
    static final Duration MAX_AGE = Duration.ofMinutes(5);

    private final Cache<ByteBuffer, Jwt> verified;
    private final Clock clock;

    VerifiedTokens(int maxEntries, Clock clock, MeterRegistry meters) {
        this.clock = clock;
        this.verified = Caffeine.newBuilder()
                .maximumSize(maxEntries)
                .expireAfter(Expiry.<ByteBuffer, Jwt>creating((digest, jwt) -> lifetime(jwt)))
                // the same clock as the expiry checks (and the tests' clock)
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .recordStats()
                .build();
        CaffeineCacheMetrics.monitor(meters, verified, "verified-tokens");
    }

    /** The decoder, answering from this cache where it can. */
    JwtDecoder remembering(JwtDecoder decoder) {
        return token -> {
            ByteBuffer digest = digest(token);
            Jwt known = verified.getIfPresent(digest);
            if (known != null && known.getExpiresAt().isAfter(clock.instant())) {
                return known;
            }
            Jwt jwt = decoder.decode(token);
            if (jwt.getExpiresAt() != null) {
                verified.put(digest, jwt);
            }
            return jwt;
        };
    }

    private Duration lifetime(Jwt jwt) {
        Duration untilExpiry = Duration.between(clock.instant(), jwt.getExpiresAt());
        if (untilExpiry.isNegative()) {
            return Duration.ZERO;
        }
        return untilExpiry.compareTo(MAX_AGE) < 0 ? untilExpiry : MAX_AGE;
    }

    private static ByteBuffer digest(String token) {
        try {
            return ByteBuffer.wrap(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** How many verified tokens are remembered now. */
    long size() {
        verified.cleanUp();
        return verified.estimatedSize();
    }
}
