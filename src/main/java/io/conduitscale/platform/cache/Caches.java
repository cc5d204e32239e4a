package io.conduitscale.platform.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.conduitscale.platform.cache.RedisGuard.RedisUnavailableException;
import io.conduitscale.platform.db.ReadScope;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.DefaultRedisScript;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.databind.ObjectMapper;

/**
 * The two-level cache: a small Caffeine tier in each instance in front of Redis shared by all.
 * <p>
 * Correctness rules, each with its mechanism:
 * <ul>
 *   <li><b>Writers evict after commit, before responding</b>: {@link #evictAfterCommit} runs in the
 *       transaction's afterCommit, on the request thread. It bumps the key's version and deletes it in
 *       Redis, and publishes the key on the invalidation channel, in one Lua script.</li>
 *   <li><b>A refill never overwrites a newer invalidation</b>: a reader notes the key's version before
 *       it loads from the database, and stores the result only if the version is unchanged (Lua
 *       compare-and-set). The in-process tier does the same with per-stripe eviction counters.</li>
 *   <li><b>Every instance's own tier follows</b>: invalidations arrive over Redis pub/sub, numbered by
 *       a sequence in Redis. A read uses the local tier only when this instance has applied every
 *       invalidation up to Redis's current number (so a write acknowledged by another instance is
 *       never read stale here), while the channel is demonstrably alive (a heartbeat every second)
 *       and the Redis circuit is closed. A gap in the numbers, or the channel coming back, flushes
 *       the tier; its entries live about a second in any case.</li>
 *   <li><b>Nothing stale survives an outage</b>: an invalidation that could not reach Redis marks the
 *       namespace dirty; Redis is not read again until the namespace generation has been bumped, which
 *       abandons every key written before.</li>
 *   <li><b>One load per key per instance</b>: concurrent misses of one key wait for a single load.</li>
 * </ul>
 * Without Redis the in-process tier is the only one, correct for a single instance.
 */
public final class Caches {

    private static final Logger log = LoggerFactory.getLogger(Caches.class);
    private static final int STRIPES = 4096;
    private static final long HEARTBEAT_SILENCE_NANOS = 2_500_000_000L;
    /** The observed sequence number of a load that no other request may join (nor this one join another). */
    private static final long PRIVATE_LOAD = -1;

    /** KEYS: data1, version1, data2, version2...; ARGV: ttlMillis, expected1, value1, expected2, value2... */
    private static final RedisScript<Long> STORE_IF_UNCHANGED = new DefaultRedisScript<>("""
            local stored = 0
            for i = 1, #KEYS, 2 do
              local expected = ARGV[i + 1]
              local current = redis.call('GET', KEYS[i + 1]) or '0'
              if current == expected then
                redis.call('SET', KEYS[i], ARGV[i + 2], 'PX', ARGV[1])
                stored = stored + 1
              end
            end
            return stored
            """, Long.class);

    /**
     * KEYS: sequence, data1, version1, ...; ARGV: versionTtlMillis, channel, message. Bumps every key's
     * version, deletes it, takes the next invalidation sequence number and publishes it with the keys.
     */
    private static final RedisScript<Long> EVICT_AND_PUBLISH = new DefaultRedisScript<>("""
            for i = 2, #KEYS, 2 do
              redis.call('INCR', KEYS[i + 1])
              redis.call('PEXPIRE', KEYS[i + 1], ARGV[1])
              redis.call('DEL', KEYS[i])
            end
            local sequence = redis.call('INCR', KEYS[1])
            redis.call('PUBLISH', ARGV[2], 'i\\n' .. sequence .. '\\n' .. ARGV[3])
            return sequence
            """, Long.class);

    private final ObjectMapper json;
    private final CacheSettings settings;
    private final StringRedisTemplate redis;
    private final RedisGuard guard;
    private final String namespace;
    private final Cache<String, Object> local;
    private final AtomicLongArray evictionStripes = new AtomicLongArray(STRIPES);
    /** Loads under way, with the invalidation sequence number their requester had observed before starting. */
    private final ConcurrentMap<String, Load> inFlight = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, AtomicLong> localListGenerations = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Metrics> metrics = new ConcurrentHashMap<>();
    private final MeterRegistry registry;
    private final Counter refillsRejected;
    private final Counter coalesced;
    private final Counter loads;
    private final Counter joinedLoadsFailed;
    private volatile long generation;
    private volatile long lastChannelMessage = System.nanoTime() - HEARTBEAT_SILENCE_NANOS;
    private volatile boolean localTierTrusted;
    private volatile boolean namespaceDirty;
    /** The last invalidation sequence number this instance has applied to its own tier. */
    private final AtomicLong appliedSequence = new AtomicLong();
    /** Since when Redis has been ahead of {@link #appliedSequence}, or 0. */
    private volatile long behindSince;

    private record Metrics(Counter hits, Counter misses, Counter evictions) {}

    private record Load(CompletableFuture<Object> result, long observedSequence) {}

    Caches(ObjectMapper json, CacheSettings settings, StringRedisTemplate redis, RedisGuard guard, String namespace,
           MeterRegistry registry) {
        this.json = json;
        this.settings = settings;
        this.redis = redis;
        this.guard = guard;
        this.namespace = namespace;
        this.registry = registry;
        this.local = Caffeine.newBuilder()
                .maximumSize(settings.localMaxEntries())
                .expireAfterWrite(redis == null ? settings.localOnlyTtl() : settings.localTtl())
                .recordStats()
                .build();
        this.refillsRejected = Counter.builder("conduit.cache.refills.rejected")
                .description("loads not stored because the key was invalidated while loading").register(registry);
        this.coalesced = Counter.builder("conduit.cache.loads.coalesced")
                .description("misses that waited for another request's load of the same key").register(registry);
        this.joinedLoadsFailed = Counter.builder("conduit.cache.loads.joined.failed")
                .description("keys loaded again by a request whose joined load, another request's, failed").register(registry);
        this.loads = Counter.builder("conduit.cache.loads")
                .description("loads from the database after a miss in every tier").register(registry);
        Gauge.builder("conduit.cache.loads.inflight", inFlight, Map::size)
                .description("keys being loaded right now").register(registry);
        Gauge.builder("conduit.cache.local.size", local, Cache::estimatedSize).register(registry);
        Gauge.builder("conduit.cache.redis.enabled", () -> redis == null ? 0 : 1).register(registry);
        if (guard != null) {
            guard.onRecovery(this::recoverAfterOutage);
            this.generation = readGeneration();
            try {
                appliedSequence.set(currentSequence());
            } catch (RedisUnavailableException e) {
                namespaceDirty = true;
            }
        }
    }

    public <V> CacheRegion<V> region(String name, Type type) {
        return new CacheRegion<>(this, name, json.getTypeFactory().constructType(type));
    }

    public boolean redisEnabled() {
        return redis != null;
    }

    /** The prefix of every key this application writes to Redis: database identity and schema version. */
    public String namespace() {
        return namespace;
    }

    /** For health reporting: "up", "degraded" (configured but not usable now) or "off". */
    public String redisStatus() {
        if (redis == null) {
            return "off";
        }
        return guard.closed() && !namespaceDirty ? "up" : "degraded";
    }

    /** True while invalidations published to Redis have not all been applied here yet. */
    public boolean invalidationsInTransit() {
        return redis != null && !caughtUpWithInvalidations(observeSequence());
    }

    public String circuitState() {
        return guard == null ? "none" : guard.state();
    }

    // ---------------------------------------------------------------- reads

    @SuppressWarnings("unchecked")
    <V> Map<String, V> getAll(CacheRegion<V> region, Collection<String> ids, Function<Set<String>, Map<String, V>> loader) {
        if (!settings.enabled()) {
            return ids.isEmpty() ? Map.of() : loader.apply(new LinkedHashSet<>(ids));
        }
        Metrics counters = metricsOf(region.name);
        Map<String, V> result = new LinkedHashMap<>();
        long observed = observeSequence();
        boolean useLocal = localTierUsable(observed);
        // eviction counters are read before any tier, so a value read before an eviction is never kept
        Map<String, Long> stripesBefore = new HashMap<>();
        List<String> missing = new ArrayList<>();
        for (String id : ids) {
            String key = region.key(id);
            stripesBefore.put(key, evictionStripes.get(stripe(key)));
            Object cached = useLocal ? local.getIfPresent(key) : null;
            if (cached != null) {
                result.put(id, (V) cached);
                counters.hits.increment();
            } else {
                missing.add(id);
            }
        }
        if (missing.isEmpty()) {
            return result;
        }
        if (redisReadable()) {
            try {
                List<String> keys = missing.stream().map(id -> redisKey(region.key(id))).toList();
                List<String> values = guard.call(() -> redis.opsForValue().multiGet(keys));
                List<String> stillMissing = new ArrayList<>();
                for (int i = 0; i < missing.size(); i++) {
                    String value = values == null ? null : values.get(i);
                    if (value == null) {
                        stillMissing.add(missing.get(i));
                        continue;
                    }
                    V decoded = json.readValue(value, region.type);
                    result.put(missing.get(i), decoded);
                    counters.hits.increment();
                    keepLocally(region.key(missing.get(i)), decoded, stripesBefore, useLocal);
                }
                missing = stillMissing;
            } catch (RedisUnavailableException e) {
                log.debug("cache read skipped Redis: {}", e.getMessage());
            }
        }
        if (!missing.isEmpty()) {
            counters.misses.increment(missing.size());
            result.putAll(load(region, missing, loader, stripesBefore, useLocal, observed));
        }
        return result;
    }

    /**
     * Loads the misses, one load per key per instance: concurrent misses of a key wait for one load.
     * A request may join only a load whose requester had observed at least the invalidation sequence
     * number this request observed: every write acknowledged before this request began has a number at
     * most that, so such a load started after the write had committed and cannot return the old row.
     * An older load is not joined; this request's own load replaces it for later arrivals. Without a
     * known sequence number (Redis unavailable) the load is private. If a joined load fails, this request
     * loads those keys itself, privately: one request's failure (a replica dying under its connection, which
     * its own transaction retries on the primary) does not fail every request that was waiting on it.
     */
    @SuppressWarnings("unchecked")
    private <V> Map<String, V> load(CacheRegion<V> region, List<String> ids, Function<Set<String>, Map<String, V>> loader,
                                    Map<String, Long> stripesBefore, boolean useLocal, long observed) {
        Map<String, CompletableFuture<Object>> mine = new LinkedHashMap<>();
        Map<String, Load> registered = new HashMap<>();
        Map<String, CompletableFuture<Object>> theirs = new LinkedHashMap<>();
        for (String id : ids) {
            Load own = new Load(new CompletableFuture<>(), observed);
            if (observed < 0) { // PRIVATE_LOAD, or Redis's sequence unknown
                mine.put(id, own.result());
                continue;
            }
            Load winner = inFlight.compute(region.key(id),
                    (key, existing) -> existing != null && existing.observedSequence() >= observed ? existing : own);
            if (winner == own) {
                mine.put(id, own.result());
                registered.put(id, own);
            } else {
                theirs.put(id, winner.result());
                coalesced.increment();
            }
        }
        Map<String, V> result = new HashMap<>();
        if (!mine.isEmpty()) {
            try {
                Map<String, String> versions = versionsBeforeLoad(region, mine.keySet());
                loads.increment();
                // shared with every reader: under session consistency too, it must come from a replica
                // that has every acknowledged write (or from the primary)
                Map<String, V> loaded = ReadScope.sharedResult(() -> loader.apply(new LinkedHashSet<>(mine.keySet())));
                result.putAll(loaded);
                store(region, loaded, versions, stripesBefore, useLocal);
                mine.forEach((id, future) -> future.complete(loaded.get(id)));
            } catch (RuntimeException | Error e) {
                mine.values().forEach(future -> future.completeExceptionally(e));
                throw e;
            } finally {
                registered.forEach((id, load) -> inFlight.remove(region.key(id), load));
            }
        }
        List<String> joinedFailed = new ArrayList<>();
        theirs.forEach((id, future) -> {
            try {
                Object value = future.join();
                if (value != null) {
                    result.put(id, (V) value);
                }
            } catch (CompletionException | CancellationException failed) {
                // the other request's load failed (its replica died under it, say): that is its failure
                // to retry, not this read's, so this read loads the key itself, on its own connection
                joinedFailed.add(id);
            }
        });
        if (!joinedFailed.isEmpty()) {
            joinedLoadsFailed.increment(joinedFailed.size());
            result.putAll(load(region, joinedFailed, loader, stripesBefore, useLocal, PRIVATE_LOAD));
        }
        return result;
    }

    private Map<String, String> versionsBeforeLoad(CacheRegion<?> region, Set<String> ids) {
        if (!redisReadable()) {
            return null;
        }
        try {
            List<String> versionKeys = ids.stream().map(id -> versionKey(redisKey(region.key(id)))).toList();
            List<String> versions = guard.call(() -> redis.opsForValue().multiGet(versionKeys));
            Map<String, String> byId = new HashMap<>();
            int i = 0;
            for (String id : ids) {
                String version = versions == null ? null : versions.get(i++);
                byId.put(id, version == null ? "0" : version);
            }
            return byId;
        } catch (RedisUnavailableException e) {
            return null;
        }
    }

    private <V> void store(CacheRegion<V> region, Map<String, V> loaded, Map<String, String> versions,
                           Map<String, Long> stripesBefore, boolean useLocal) {
        for (Map.Entry<String, V> entry : loaded.entrySet()) {
            keepLocally(region.key(entry.getKey()), entry.getValue(), stripesBefore, useLocal);
        }
        if (versions == null || loaded.isEmpty()) {
            return;
        }
        List<String> keys = new ArrayList<>();
        List<String> args = new ArrayList<>();
        args.add(Long.toString(settings.redisTtl().toMillis()));
        for (Map.Entry<String, V> entry : loaded.entrySet()) {
            String key = redisKey(region.key(entry.getKey()));
            keys.add(key);
            keys.add(versionKey(key));
            args.add(versions.get(entry.getKey()));
            args.add(json.writeValueAsString(entry.getValue()));
        }
        try {
            Long stored = guard.call(() -> redis.execute(STORE_IF_UNCHANGED, keys, args.toArray()));
            long rejected = loaded.size() - (stored == null ? 0 : stored);
            if (rejected > 0) {
                refillsRejected.increment(rejected);
            }
        } catch (RedisUnavailableException e) {
            log.debug("cache refill skipped Redis: {}", e.getMessage());
        }
    }

    private void keepLocally(String key, Object value, Map<String, Long> stripesBefore, boolean useLocal) {
        if (!useLocal) {
            return;
        }
        Long before = stripesBefore.get(key);
        if (before != null && before == evictionStripes.get(stripe(key))) {
            local.put(key, value);
        } else {
            refillsRejected.increment();
        }
    }

    // ---------------------------------------------------------------- list pages

    /**
     * The current generation of a family of list pages (e.g. {@code tag:java}). Page keys include it,
     * so bumping it retires every page of the family at once, without scanning keys.
     */
    public String listGeneration(String family) {
        if (!settings.enabled()) {
            return null;
        }
        if (redis == null) {
            return Long.toString(localListGenerations.computeIfAbsent(family, f -> new AtomicLong()).get());
        }
        if (!redisReadable()) {
            return null;
        }
        try {
            String value = guard.call(() -> redis.opsForValue().get(redisKey("listgen:" + family)));
            return value == null ? "0" : value;
        } catch (RedisUnavailableException e) {
            return null;
        }
    }

    /** Retires every cached page of these families once the current transaction commits. */
    public void bumpListsAfterCommit(Collection<String> families) {
        if (families.isEmpty()) {
            return;
        }
        afterCommit(() -> {
            if (redis == null) {
                families.forEach(f -> localListGenerations.computeIfAbsent(f, x -> new AtomicLong()).incrementAndGet());
                return;
            }
            try {
                guard.run(() -> families.forEach(f -> redis.opsForValue().increment(redisKey("listgen:" + f))));
            } catch (RedisUnavailableException e) {
                markDirty(e);
            }
        });
    }

    // ---------------------------------------------------------------- invalidation

    void evictAfterCommit(List<String> keys) {
        if (keys.isEmpty()) {
            return;
        }
        afterCommit(() -> evictNow(keys));
    }

    private void evictNow(List<String> keys) {
        for (String key : keys) {
            evictLocally(key);
            metricsOf(key.substring(0, key.indexOf(':'))).evictions.increment();
        }
        if (redis == null) {
            return;
        }
        List<String> redisKeys = new ArrayList<>();
        for (String key : keys) {
            String full = redisKey(key);
            redisKeys.add(full);
            redisKeys.add(versionKey(full));
        }
        redisKeys.addFirst(sequenceKey());
        String message = String.join("\n", keys);
        try {
            guard.call(() -> redis.execute(EVICT_AND_PUBLISH, redisKeys,
                    Long.toString(settings.redisTtl().toMillis() * 2), channel(), message));
        } catch (RedisUnavailableException e) {
            markDirty(e);
        }
    }

    private void evictLocally(String key) {
        evictionStripes.incrementAndGet(stripe(key));
        local.invalidate(key);
        // a load already running may have read the old row: later readers must not join it
        inFlight.remove(key);
    }

    /** An invalidation was lost: stop reading Redis until the namespace generation moves on. */
    private void markDirty(RuntimeException cause) {
        if (!namespaceDirty) {
            log.warn("an invalidation could not reach Redis ({}); Redis reads are suspended until the cache "
                    + "namespace is renewed", cause.getMessage());
        }
        namespaceDirty = true;
        flushLocal("invalidation-lost");
    }

    /** Messages from the invalidation channel (every instance, this one included). */
    void onChannelMessage(String message) {
        lastChannelMessage = System.nanoTime();
        if (message.startsWith("i\n")) {
            String[] lines = message.split("\n");
            for (int i = 2; i < lines.length; i++) {
                evictLocally(lines[i]);
            }
            long sequence = Long.parseLong(lines[1]);
            if (sequence > appliedSequence.get() + 1) {
                // sequence numbers are contiguous: a gap means messages were lost while the channel reconnected
                flushLocal("sequence-gap");
            }
            appliedSequence.accumulateAndGet(sequence, Math::max);
        } else if (message.startsWith("g")) {
            generation = readGeneration();
            flushLocal("namespace-renewed");
        }
    }

    /** Every second: proves the channel alive to every instance (including this one), renews after outages. */
    void heartbeat() {
        if (redis == null) {
            return;
        }
        try {
            if (namespaceDirty) {
                renewNamespace();
            }
            guard.probe(() -> redis.convertAndSend(channel(), "h"));
        } catch (RedisUnavailableException e) {
            log.debug("cache heartbeat failed: {}", e.getMessage());
        }
    }

    private void recoverAfterOutage() {
        log.info("Redis is back; renewing the cache namespace so no entry from before the outage is served");
        namespaceDirty = true;
        flushLocal("redis-recovered");
    }

    private void renewNamespace() {
        Long next = guard.probe(() -> redis.opsForValue().increment(namespace + ":generation"));
        generation = next == null ? generation + 1 : next;
        guard.probe(() -> redis.convertAndSend(channel(), "g"));
        namespaceDirty = false;
        flushLocal("namespace-renewed");
        log.info("cache namespace renewed: generation {}", generation);
    }

    private long readGeneration() {
        try {
            String value = guard.call(() -> redis.opsForValue().get(namespace + ":generation"));
            return value == null ? 0 : Long.parseLong(value);
        } catch (RedisUnavailableException e) {
            namespaceDirty = true;
            return generation;
        }
    }

    /** Empties this instance's own tier (tests, and callers that changed rows past the services). */
    public void flushLocal() {
        flushLocal("requested");
    }

    private void flushLocal(String reason) {
        registry.counter("conduit.cache.local.flushes", "reason", reason).increment();
        for (int i = 0; i < STRIPES; i++) {
            evictionStripes.incrementAndGet(i);
        }
        local.invalidateAll();
    }

    /**
     * Whether this instance's own tier may answer. With Redis, pub/sub delivers invalidations
     * asynchronously, so a read that follows a write on another instance could arrive before the
     * invalidation does. Each read therefore compares Redis's invalidation sequence number (one small
     * GET) with the last one applied here, and skips the local tier while invalidations are in transit.
     */
    private boolean localTierUsable(long observed) {
        if (redis == null) {
            return true;
        }
        boolean channelHealthy = guard.closed() && !namespaceDirty
                && System.nanoTime() - lastChannelMessage < HEARTBEAT_SILENCE_NANOS;
        if (channelHealthy && !localTierTrusted) {
            // the channel is (back) up: whatever the local tier holds may have missed invalidations.
            // Merely lagging behind the sequence is not such a case: the messages still arrive, in order.
            flushLocal("channel-restored");
        }
        localTierTrusted = channelHealthy;
        return channelHealthy && caughtUpWithInvalidations(observed);
    }

    /** Redis's invalidation sequence number now: 0 without Redis, -1 when it cannot be known. */
    private long observeSequence() {
        if (redis == null) {
            return 0;
        }
        if (namespaceDirty) {
            return -1;
        }
        try {
            return currentSequence();
        } catch (RedisUnavailableException e) {
            return -1;
        }
    }

    private boolean caughtUpWithInvalidations(long current) {
        if (current < 0) {
            return false;
        }
        if (current <= appliedSequence.get()) {
            behindSince = 0;
            return true;
        }
        long now = System.nanoTime();
        if (behindSince == 0) {
            behindSince = now;
        } else if (now - behindSince > settings.localTtl().toNanos()) {
            // a message was lost (pub/sub is at-most-once): everything held locally may be stale
            flushLocal("message-lost");
            appliedSequence.accumulateAndGet(current, Math::max);
            behindSince = 0;
        }
        return false;
    }

    private long currentSequence() {
        String value = guard.call(() -> redis.opsForValue().get(sequenceKey()));
        return value == null ? 0 : Long.parseLong(value);
    }

    private String sequenceKey() {
        return namespace + ":invalidation-sequence";
    }

    private boolean redisReadable() {
        return redis != null && !namespaceDirty;
    }

    // ---------------------------------------------------------------- helpers

    private static void afterCommit(Runnable action) {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    action.run();
                }
            });
        } else {
            action.run();
        }
    }

    String channel() {
        return namespace + ":invalidations";
    }

    private String redisKey(String key) {
        return namespace + ":" + generation + ":" + key;
    }

    private static String versionKey(String redisKey) {
        return redisKey + "#v";
    }

    private static int stripe(String key) {
        return Math.floorMod(key.hashCode(), STRIPES);
    }

    private Metrics metricsOf(String region) {
        return metrics.computeIfAbsent(region, name -> new Metrics(
                Counter.builder("conduit.cache.requests").tag("cache", name).tag("result", "hit").register(registry),
                Counter.builder("conduit.cache.requests").tag("cache", name).tag("result", "miss").register(registry),
                Counter.builder("conduit.cache.evictions").tag("cache", name).register(registry)));
    }

    static String decode(byte[] body) {
        return new String(body, StandardCharsets.UTF_8);
    }
}
