package io.conduitscale.platform.cache;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Lifetimes and size of cache entries ({@code CONDUIT_CACHE_*}). Whether Redis is used is decided by
 * {@link RedisSettings}.
 *
 * @param redisTtl        how long an entry lives in Redis; invalidation, not expiry, keeps it fresh
 * @param localTtl        how long an entry lives in an instance's own tier when Redis is in use: the safety
 *                        net behind pub/sub invalidation
 * @param localOnlyTtl    the same without Redis, where every invalidation is in-process and synchronous
 * @param localMaxEntries size bound of the in-process tier
 * @param enabled         false turns caching off altogether (every read goes to the database): for
 *                        measuring what the cache buys, and for ruling it out when debugging
 */
@ConfigurationProperties("conduit.cache")
public record CacheSettings(
        @DefaultValue("10m") Duration redisTtl,
        @DefaultValue("1s") Duration localTtl,
        @DefaultValue("5m") Duration localOnlyTtl,
        @DefaultValue("20000") long localMaxEntries,
        @DefaultValue("true") boolean enabled) {}
