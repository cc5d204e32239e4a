package io.conduitscale.platform.db;

import io.conduitscale.platform.cache.RedisGuard;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.util.function.SingletonSupplier;

/**
 * Commit positions shared by every instance through Redis: one key per database cluster holding the
 * highest acknowledged commit position, and one short-lived key per user for session consistency.
 * Positions are stored as sixteen hex digits so a Lua string comparison orders them exactly (Lua
 * numbers are doubles and would round 64-bit positions).
 */
final class RedisCommitPositions implements CommitPositions {

    private static final Logger log = LoggerFactory.getLogger(RedisCommitPositions.class);

    /**
     * Raises each key to ARGV[1] if that is higher (or the key is absent), in one round trip. ARGV[i + 1]
     * is KEYS[i]'s time to live in milliseconds, {@code 0} for none.
     */
    private static final RedisScript<Long> RAISE = RedisScript.of("""
            for i, key in ipairs(KEYS) do
              local ttl = ARGV[i + 1]
              local current = redis.call('GET', key)
              if current == false or ARGV[1] > current then
                if ttl == '0' then redis.call('SET', key, ARGV[1]) else redis.call('SET', key, ARGV[1], 'PX', ttl) end
              elseif ttl ~= '0' then
                redis.call('PEXPIRE', key, ttl)
              end
            end
            return 1
            """, Long.class);

    private final StringRedisTemplate redis;
    private final RedisGuard guard;
    private final Supplier<String> latestKey;
    private final Supplier<String> userKeyPrefix;
    private final String userTtlMillis;
    private final Counter publishFailures;

    /** @param cluster names the database cluster (DatabaseIdentity); asked once, at the first use */
    RedisCommitPositions(StringRedisTemplate redis, RedisGuard guard, Supplier<String> cluster, Duration userPositionTtl,
                         MeterRegistry registry) {
        this.redis = redis;
        this.guard = guard;
        Supplier<String> prefix = SingletonSupplier.of(() -> "conduit:" + cluster.get() + ":wal:");
        this.latestKey = () -> prefix.get() + "acknowledged";
        this.userKeyPrefix = () -> prefix.get() + "user:";
        this.userTtlMillis = Long.toString(userPositionTtl.toMillis());
        this.publishFailures = Counter.builder("conduit.db.commit.position.publish.failures")
                .description("commit positions that could not be shared after a write (Redis unavailable)")
                .register(registry);
    }

    @Override
    public void published(long position, Long userId) {
        String value = WalPosition.sortable(position);
        try {
            List<String> keys = userId == null ? List.of(latestKey.get()) : List.of(latestKey.get(), userKeyPrefix.get() + userId);
            guard.run(() -> redis.execute(RAISE, keys, value, "0", userTtlMillis));
        } catch (RuntimeException e) {
            // the write committed; readers that cannot see the marker go to the primary, and those that
            // still can may miss this position: the window docs/database.md describes
            publishFailures.increment();
            log.warn("could not publish commit position {}: {}", WalPosition.format(position), e.getMessage());
        }
    }

    @Override
    public OptionalLong latest() {
        return read(latestKey, true);
    }

    @Override
    public OptionalLong latestOf(long userId) {
        return read(() -> userKeyPrefix.get() + userId, false);
    }

    private OptionalLong read(Supplier<String> keyOf, boolean absentMeansUnknown) {
        try {
            String key = keyOf.get();
            String value = guard.call(() -> redis.opsForValue().get(key));
            if (value == null) {
                return absentMeansUnknown ? OptionalLong.empty() : OptionalLong.of(WalPosition.NONE);
            }
            return OptionalLong.of(WalPosition.fromSortable(value));
        } catch (RuntimeException unavailable) {
            return OptionalLong.empty();
        }
    }

    @Override
    public void seedIfAbsent(long primaryPosition) {
        try {
            String key = latestKey.get();
            guard.run(() -> redis.opsForValue().setIfAbsent(key, WalPosition.sortable(primaryPosition)));
        } catch (RuntimeException unavailable) {
            // the monitor tries again on its next round
        }
    }

    @Override
    public String scope() {
        return "redis";
    }
}
