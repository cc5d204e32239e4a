package io.conduitscale.load;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The servers' own counters, summed over every instance's {@code /actuator/prometheus}: cache hits and misses
 * ({@code conduit_cache_requests_total{result}}), SQL statements per pool
 * ({@code conduit_db_statements_total{pool}}: {@code primary}, {@code replica-N}) and read-only transactions by
 * the pool that served them ({@code conduit_db_reads_total{pool}}, only with replicas configured). Differences
 * of two snapshots give a step's hit ratio, queries per second and the replicas' share of reads.
 */
record ServerCounters(double cacheHits, double cacheMisses, double primaryStatements, double replicaStatements,
                      double primaryReads, double replicaReads) {

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)\\{([^}]*)}\\s+(\\S+)");
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    static final ServerCounters NONE = new ServerCounters(0, 0, 0, 0, 0, 0);

    static ServerCounters parse(String exposition) {
        double hits = 0, misses = 0, primary = 0, replica = 0, primaryReads = 0, replicaReads = 0;
        for (String line : exposition.split("\n")) {
            Matcher sample = SAMPLE.matcher(line);
            if (!sample.find()) {
                continue;
            }
            String name = sample.group(1);
            if (!name.equals("conduit_cache_requests_total") && !name.equals("conduit_db_statements_total")
                    && !name.equals("conduit_db_reads_total")) {
                continue;
            }
            double value = Double.parseDouble(sample.group(3));
            Matcher label = LABEL.matcher(sample.group(2));
            String result = "", pool = "";
            while (label.find()) {
                switch (label.group(1)) {
                    case "result" -> result = label.group(2);
                    case "pool" -> pool = label.group(2);
                    default -> { }
                }
            }
            if (name.equals("conduit_cache_requests_total")) {
                if (result.equals("hit")) {
                    hits += value;
                } else if (result.equals("miss")) {
                    misses += value;
                }
            } else if (name.equals("conduit_db_reads_total")) {
                if (pool.equals("primary")) {
                    primaryReads += value;
                } else if (pool.startsWith("replica")) {
                    replicaReads += value;
                }
            } else if (pool.equals("primary")) {
                primary += value;
            } else if (pool.startsWith("replica")) {
                replica += value;
            }
        }
        return new ServerCounters(hits, misses, primary, replica, primaryReads, replicaReads);
    }

    /** The sum over these instances; an instance that does not answer counts as zero (and is reported). */
    static ServerCounters scrape(HttpClient client, List<URI> instances) {
        ServerCounters sum = NONE;
        for (URI instance : instances) {
            try {
                HttpResponse<String> response = client.send(
                        HttpRequest.newBuilder(instance.resolve("/actuator/prometheus")).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    sum = sum.plus(parse(response.body()));
                } else {
                    System.err.println("metrics of " + instance + ": HTTP " + response.statusCode());
                }
            } catch (IOException e) {
                System.err.println("metrics of " + instance + ": " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return sum;
            }
        }
        return sum;
    }

    ServerCounters plus(ServerCounters other) {
        return new ServerCounters(cacheHits + other.cacheHits, cacheMisses + other.cacheMisses,
                primaryStatements + other.primaryStatements, replicaStatements + other.replicaStatements,
                primaryReads + other.primaryReads, replicaReads + other.replicaReads);
    }

    ServerCounters minus(ServerCounters other) {
        return new ServerCounters(cacheHits - other.cacheHits, cacheMisses - other.cacheMisses,
                primaryStatements - other.primaryStatements, replicaStatements - other.replicaStatements,
                primaryReads - other.primaryReads, replicaReads - other.replicaReads);
    }

    /** Reads served by a replica over all read-only transactions, or NaN when none was counted (no replica). */
    double replicaReadShare() {
        double reads = primaryReads + replicaReads;
        return reads == 0 ? Double.NaN : replicaReads / reads;
    }

    /** Hits over lookups, or NaN when the cache was not asked (cache off). */
    double hitRatio() {
        double lookups = cacheHits + cacheMisses;
        return lookups == 0 ? Double.NaN : cacheHits / lookups;
    }
}
