package io.conduitscale.platform.security;

import io.conduitscale.platform.web.ApiException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.stereotype.Component;

/**
 * Argon2id password hashing behind a concurrency limit.
 * <p>
 * Each hash takes about 16 MiB and tens of milliseconds of CPU by design. On virtual threads nothing
 * else bounds how many run at once, so a burst of logins could exhaust memory and starve every other
 * request; at most {@code CONDUIT_PASSWORD_HASH_CONCURRENCY} run together, the others wait up to
 * {@code CONDUIT_PASSWORD_HASH_WAIT} and then get a 503 with {@code Retry-After}.
 */
@Component
public class PasswordHasher {

    public static final int MIN_LENGTH = 8;
    public static final int MAX_LENGTH = 64;

    private final Argon2PasswordEncoder encoder = Argon2PasswordEncoder.defaultsForSpringSecurity_v5_8();
    private final Semaphore permits;
    private final Duration wait;
    private final Counter rejected;
    /** Compared against when the account does not exist, so that case takes as long as a wrong password. */
    private final String decoyHash;

    PasswordHasher(@Value("${conduit.password.hash-concurrency:2}") int concurrency,
                   @Value("${conduit.password.hash-wait:2s}") Duration wait,
                   MeterRegistry registry) {
        this.permits = new Semaphore(concurrency, true);
        this.wait = wait;
        this.rejected = Counter.builder("conduit.password.hash.rejected")
                .description("password hashes refused because too many were in progress")
                .register(registry);
        Gauge.builder("conduit.password.hash.active", permits, p -> concurrency - p.availablePermits())
                .description("password hashes in progress").register(registry);
        this.decoyHash = encoder.encode("decoy-password-for-timing");
    }

    public String hash(String rawPassword) {
        return limited(() -> encoder.encode(rawPassword));
    }

    /** Checks a password; {@code hash == null} (no such account) costs the same time and never matches. */
    public boolean matches(String rawPassword, String hash) {
        boolean matches = limited(() -> encoder.matches(rawPassword, hash == null ? decoyHash : hash));
        return hash != null && matches;
    }

    private <T> T limited(Supplier<T> work) {
        boolean acquired;
        try {
            acquired = permits.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            acquired = false;
        }
        if (!acquired) {
            rejected.increment();
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "body", "too many sign-ins in progress, retry shortly");
        }
        try {
            return work.get();
        } finally {
            permits.release();
        }
    }
}
