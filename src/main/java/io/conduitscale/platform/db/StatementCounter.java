package io.conduitscale.platform.db;

import io.conduitscale.platform.web.RequestIdFilter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import javax.sql.DataSource;
import net.ttddyy.dsproxy.ExecutionInfo;
import net.ttddyy.dsproxy.QueryInfo;
import net.ttddyy.dsproxy.listener.QueryExecutionListener;
import net.ttddyy.dsproxy.support.ProxyDataSourceBuilder;
import org.slf4j.MDC;

/**
 * Counts the SQL statements each pool executes, as {@code conduit_db_statements_total{pool=...}}.
 * <p>
 * This is how the project proves query budgets from the outside: a page of articles costs a fixed
 * number of statements whatever its size (no N+1), a cache stampede reaches the database once, and
 * reads really land on a replica. Counting happens at the JDBC layer so it covers every query path.
 */
public final class StatementCounter implements QueryExecutionListener {

    private final Counter forRequests;
    private final Counter inBackground;

    private StatementCounter(Counter forRequests, Counter inBackground) {
        this.forRequests = forRequests;
        this.inBackground = inBackground;
    }

    /**
     * Wraps a pool so every statement it runs is counted under {@code pool}, and under
     * {@code origin=request} when it serves an HTTP request (the request id is in the logging context)
     * or {@code origin=background} otherwise (outbox relay, consumers, schedulers).
     */
    public static DataSource wrap(DataSource pool, String poolName, MeterRegistry registry,
                                  QueryExecutionListener... alsoNotify) {
        ProxyDataSourceBuilder builder = ProxyDataSourceBuilder.create(pool)
                .name(poolName)
                .listener(new StatementCounter(counter(registry, poolName, "request"), counter(registry, poolName, "background")));
        for (QueryExecutionListener listener : alsoNotify) {
            builder.listener(listener);
        }
        return builder.build();
    }

    private static Counter counter(MeterRegistry registry, String poolName, String origin) {
        return Counter.builder("conduit.db.statements")
                .description("SQL statements executed, per connection pool and origin")
                .tag("pool", poolName)
                .tag("origin", origin)
                .register(registry);
    }

    @Override
    public void beforeQuery(ExecutionInfo execInfo, List<QueryInfo> queryInfoList) {
        // counted after execution, so a statement that never ran is not counted
    }

    @Override
    public void afterQuery(ExecutionInfo execInfo, List<QueryInfo> queryInfoList) {
        int batch = Math.max(1, execInfo.getBatchSize());
        Counter counter = MDC.get(RequestIdFilter.MDC_KEY) != null ? forRequests : inBackground;
        counter.increment(Math.max(queryInfoList.size(), batch));
    }
}
