package io.conduitscale.platform.db;

import java.util.function.Supplier;

/**
 * What the current thread's reads must see, and where the current read-only transaction ended up: the
 * per-thread state of read routing, like Spring's own TransactionSynchronizationManager.
 */
public final class ReadScope {

    private static final ThreadLocal<Integer> SHARED_RESULT_DEPTH = ThreadLocal.withInitial(() -> 0);
    private static final ThreadLocal<Boolean> PRIMARY_ONLY = ThreadLocal.withInitial(() -> false);
    private static final ThreadLocal<ReplicaPool> REPLICA_USED = new ThreadLocal<>();

    private ReadScope() {}

    /**
     * Runs a load whose result is shared with other users (a cache refill): its reads must see every
     * acknowledged write even under session consistency, or a stale row would be cached for everyone.
     */
    public static <T> T sharedResult(Supplier<T> load) {
        SHARED_RESULT_DEPTH.set(SHARED_RESULT_DEPTH.get() + 1);
        try {
            return load.get();
        } finally {
            int depth = SHARED_RESULT_DEPTH.get() - 1;
            if (depth == 0) {
                SHARED_RESULT_DEPTH.remove();
            } else {
                SHARED_RESULT_DEPTH.set(depth);
            }
        }
    }

    static boolean inSharedResult() {
        return SHARED_RESULT_DEPTH.get() > 0;
    }

    /** Runs a retry of a read that failed on a replica: every connection it takes comes from the primary. */
    static <T> T onPrimary(ThrowingSupplier<T> read) throws Throwable {
        PRIMARY_ONLY.set(true);
        try {
            return read.get();
        } finally {
            PRIMARY_ONLY.remove();
        }
    }

    static boolean primaryOnly() {
        return PRIMARY_ONLY.get();
    }

    static void replicaUsed(ReplicaPool replica) {
        REPLICA_USED.set(replica);
    }

    /** The replica the current attempt read from, if any, and forgets it. */
    static ReplicaPool takeReplicaUsed() {
        ReplicaPool replica = REPLICA_USED.get();
        REPLICA_USED.remove();
        return replica;
    }

    @FunctionalInterface
    interface ThrowingSupplier<T> {
        T get() throws Throwable;
    }
}
