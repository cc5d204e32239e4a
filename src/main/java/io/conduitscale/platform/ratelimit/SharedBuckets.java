package io.conduitscale.platform.ratelimit;

import io.github.bucket4j.distributed.proxy.ProxyManager;
import java.util.function.Supplier;

/** The Redis-backed bucket store, connected on first use and retried until it connects once. */
final class SharedBuckets implements Supplier<ProxyManager<String>> {

    private final Supplier<ProxyManager<String>> connect;
    private volatile ProxyManager<String> connected;

    SharedBuckets(Supplier<ProxyManager<String>> connect) {
        this.connect = connect;
    }

    @Override
    public ProxyManager<String> get() {
        ProxyManager<String> manager = connected;
        if (manager == null) {
            synchronized (this) {
                if (connected == null) {
                    // throws while Redis is unreachable; the caller falls back to local buckets
                    connected = connect.get();
                }
                manager = connected;
            }
        }
        return manager;
    }
}
