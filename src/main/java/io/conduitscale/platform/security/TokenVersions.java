package io.conduitscale.platform.security;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import java.time.Duration;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The revocation check's cache: user id to current token state (or "no such user").
 * <p>
 * Every authenticated request asks it, so it must be cheap: versions are cached in-process for
 * {@code conduit.security.token-version-cache-ttl} (default 10 s). A bump on this instance calls
 * {@link #evict(long)}, so here it takes effect at once; on other instances it takes effect when
 * their entry expires, at most one TTL later. Cross-instance invalidation (publishing the eviction
 * through Redis) is left to the Redis cache work, which only has to call {@link #evict(long)}.
 */
@Component
public class TokenVersions {

    private final LoadingCache<Long, Optional<TokenState>> versions;

    TokenVersions(TokenVersionSource source, MeterRegistry meters,
                  @Value("${conduit.security.token-version-cache-ttl:10s}") Duration ttl) {
        this.versions = Caffeine.newBuilder()
                .expireAfterWrite(ttl)
                .maximumSize(200_000)
                .recordStats()
                .build(source::currentState);
        CaffeineCacheMetrics.monitor(meters, versions, "token_versions");
    }

    /** The user's current token state; empty if the user no longer exists. */
    public Optional<TokenState> current(long userId) {
        return versions.get(userId);
    }

    /** Forgets the cached version: call after bumping it or deleting the user. */
    public void evict(long userId) {
        versions.invalidate(userId);
    }
}
