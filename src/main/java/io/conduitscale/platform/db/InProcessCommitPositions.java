package io.conduitscale.platform.db;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Commit positions kept in this instance's memory: the shared marker when no Redis is configured. Correct
 * for one instance; with several, each only knows its own writes (docs/database.md says so).
 */
final class InProcessCommitPositions implements CommitPositions {

    private final AtomicLong latest = new AtomicLong(WalPosition.NONE);
    private final Cache<Long, Long> perUser;

    InProcessCommitPositions(Duration userPositionTtl) {
        this.perUser = Caffeine.newBuilder().expireAfterWrite(userPositionTtl).maximumSize(1_000_000).build();
    }

    @Override
    public void published(long position, Long userId) {
        latest.accumulateAndGet(position, InProcessCommitPositions::max);
        if (userId != null) {
            perUser.asMap().merge(userId, position, InProcessCommitPositions::max);
        }
    }

    @Override
    public OptionalLong latest() {
        return OptionalLong.of(latest.get());
    }

    @Override
    public OptionalLong latestOf(long userId) {
        Long position = perUser.getIfPresent(userId);
        return OptionalLong.of(position == null ? WalPosition.NONE : position);
    }

    @Override
    public void seedIfAbsent(long primaryPosition) {
        // the in-process marker cannot be lost while this instance runs
    }

    @Override
    public String scope() {
        return "in-process";
    }

    private static long max(long a, long b) {
        return Long.compareUnsigned(a, b) >= 0 ? a : b;
    }
}
