package io.conduitscale.platform.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.conduitscale.platform.cache.RedisGuard;
import io.conduitscale.platform.cache.RedisGuard.RedisUnavailableException;
import io.conduitscale.platform.web.ApiException;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.springframework.http.HttpStatus;

/**
 * Token buckets (Bucket4j) shared by all instances through Redis, so N instances enforce one limit,
 * not N. While Redis is unavailable (or not configured) each instance falls back to buckets of its
 * own: limits stay in force, per instance, and {@code conduit_ratelimit_local_total} counts it.
 */
public final class RateLimiter {

    /** What is limited; the key names whose bucket (user, account, client). */
    public enum Kind { WRITES, LOGIN_ACCOUNT, LOGIN_CLIENT }

    private final Map<Kind, BucketConfiguration> configurations;
    private final Supplier<ProxyManager<String>> shared;
    private final RedisGuard guard;
    private final String keyPrefix;
    private final Cache<String, Bucket> local;
    private final Map<String, Counter> rejections = new ConcurrentHashMap<>();
    private final MeterRegistry registry;
    private final Counter localDecisions;

    public RateLimiter(RateLimitSettings settings, Supplier<ProxyManager<String>> shared, RedisGuard guard, String keyPrefix,
                       MeterRegistry registry) {
        this.configurations = Map.of(
                Kind.WRITES, perPeriod(settings.writesPerUser(), settings.period()),
                Kind.LOGIN_ACCOUNT, perPeriod(settings.loginsPerAccount(), settings.period()),
                Kind.LOGIN_CLIENT, perPeriod(settings.loginsPerClient(), settings.period()));
        this.shared = shared;
        this.guard = guard;
        this.keyPrefix = keyPrefix;
        this.registry = registry;
        this.local = Caffeine.newBuilder().maximumSize(100_000).expireAfterAccess(settings.period().multipliedBy(2)).build();
        this.localDecisions = Counter.builder("conduit.ratelimit.local")
                .description("rate-limit decisions taken with this instance's own buckets (Redis absent or unavailable)")
                .register(registry);
    }

    private static BucketConfiguration perPeriod(long capacity, Duration period) {
        return BucketConfiguration.builder()
                .addLimit(limit -> limit.capacity(capacity).refillGreedy(capacity, period))
                .build();
    }

    /** Takes one token for {@code key}, or answers 429 with {@code Retry-After}. */
    public void check(Kind kind, String key) {
        String bucketKey = keyPrefix + kind.name().toLowerCase() + ":" + key;
        ConsumptionProbe probe = consume(kind, bucketKey);
        if (!probe.isConsumed()) {
            rejections.computeIfAbsent(kind.name(), k -> Counter.builder("conduit.ratelimit.rejected")
                    .tag("limit", k.toLowerCase()).register(registry)).increment();
            long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(probe.getNanosToWaitForRefill()) + 1);
            throw new RateLimitedException(seconds);
        }
    }

    private ConsumptionProbe consume(Kind kind, String bucketKey) {
        BucketConfiguration configuration = configurations.get(kind);
        if (shared != null) {
            try {
                return guard.call(() -> shared.get().builder().build(bucketKey, () -> configuration).tryConsumeAndReturnRemaining(1));
            } catch (RedisUnavailableException e) {
                // fall through to this instance's own bucket
            }
        }
        localDecisions.increment();
        return local.get(bucketKey, k -> Bucket.builder().addLimit(configuration.getBandwidths()[0]).build())
                .tryConsumeAndReturnRemaining(1);
    }

    /** 429 Too Many Requests, in the RealWorld error shape, with the seconds to wait. */
    public static final class RateLimitedException extends ApiException {

        private final long retryAfterSeconds;

        RateLimitedException(long retryAfterSeconds) {
            super(HttpStatus.TOO_MANY_REQUESTS, "body", "too many requests, retry in " + retryAfterSeconds + " s");
            this.retryAfterSeconds = retryAfterSeconds;
        }

        @Override
        public long retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }
}
