package io.conduitscale.platform.cache;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import tools.jackson.databind.JavaType;

/**
 * One kind of cached value ({@code article}, {@code profile}, ...), keyed by an id. Obtained from
 * {@link Caches#region}; all the machinery (tiers, invalidation, versions, single flight) is there.
 */
public final class CacheRegion<V> {

    private final Caches caches;
    final String name;
    final JavaType type;

    CacheRegion(Caches caches, String name, JavaType type) {
        this.caches = caches;
        this.name = name;
        this.type = type;
    }

    /** The cached value, or the loader's (stored for the next reader); a null load is not cached. */
    public V get(String id, Supplier<V> loader) {
        return caches.getAll(this, List.of(id), missing -> {
            V value = loader.get();
            return value == null ? Map.of() : Map.of(id, value);
        }).get(id);
    }

    /** The cached values of these ids; the misses are loaded together by {@code loader} in one call. */
    public Map<String, V> getAll(Collection<String> ids, Function<Set<String>, Map<String, V>> loader) {
        return caches.getAll(this, ids, loader);
    }

    /** Evicts these ids from every tier of every instance once the current transaction commits. */
    public void evictAfterCommit(Collection<String> ids) {
        caches.evictAfterCommit(ids.stream().map(this::key).toList());
    }

    public void evictAfterCommit(String... ids) {
        evictAfterCommit(List.of(ids));
    }

    String key(String id) {
        return name + ":" + id;
    }
}
