package io.conduitscale.platform.db;

import io.conduitscale.platform.security.CurrentUser;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;
import net.ttddyy.dsproxy.ExecutionInfo;
import net.ttddyy.dsproxy.QueryInfo;
import net.ttddyy.dsproxy.listener.QueryExecutionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.datasource.ConnectionHolder;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.DefaultTransactionStatus;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Spring's JDBC transaction manager, plus: after a transaction that wrote for a request commits, it reads the primary's
 * WAL position on the same connection and publishes it to {@link CommitPositions} — before the caller's
 * code continues, so before the response is sent and before the cache is invalidated. Any read that
 * starts after that sees the write, on whichever replica serves it. The position is also returned to
 * the client in the {@value ReadRouter#POSITION_HEADER} header.
 * <p>
 * Used only when replicas are configured: the extra statement after each write is the price of reading
 * from replicas without ever showing a stale write.
 */
final class PositionPublishingTransactionManager extends JdbcTransactionManager {

    private static final Logger log = LoggerFactory.getLogger(PositionPublishingTransactionManager.class);

    private final CommitPositions positions;

    PositionPublishingTransactionManager(DataSource dataSource, CommitPositions positions) {
        super(dataSource);
        this.positions = positions;
    }

    @Override
    protected void doBegin(Object transaction, TransactionDefinition definition) {
        WriteDetector.forget();
        super.doBegin(transaction, definition);
    }

    @Override
    protected void doCommit(DefaultTransactionStatus status) {
        boolean wrote = WriteDetector.takeWrote();
        super.doCommit(status);
        // only writes made for a request are acknowledged to anyone; background bookkeeping (outbox
        // leases, consumers) would only move the marker on and make replicas look behind for nothing
        if (wrote && RequestContextHolder.getRequestAttributes() != null) {
            publishCommitPosition();
        }
    }

    @Override
    protected void doRollback(DefaultTransactionStatus status) {
        WriteDetector.forget();
        super.doRollback(status);
    }

    private void publishCommitPosition() {
        ConnectionHolder holder = (ConnectionHolder) TransactionSynchronizationManager.getResource(obtainDataSource());
        if (holder == null) {
            return;
        }
        long position;
        try {
            Connection connection = holder.getConnection();
            // the transaction is over: one auto-committed statement, no new transaction left open. Behind a
            // transaction-pooling proxy it may reach another backend, whose insert position is just as good:
            // it is the cluster's, at or past this commit
            connection.setAutoCommit(true);
            try (Statement statement = connection.createStatement();
                 ResultSet rs = statement.executeQuery("SELECT pg_current_wal_insert_lsn()::text")) {
                rs.next();
                position = WalPosition.parse(rs.getString(1));
            }
        } catch (SQLException | RuntimeException failed) {
            log.warn("committed, but could not read the commit position: {}", failed.getMessage());
            return;
        }
        positions.published(position, CurrentUser.id().orElse(null));
        if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes
                && attributes.getResponse() != null && !attributes.getResponse().isCommitted()) {
            attributes.getResponse().setHeader(ReadRouter.POSITION_HEADER, WalPosition.format(position));
        }
    }

    /**
     * Notes, per thread, that the current transaction ran a statement that may have changed data, so only
     * transactions that wrote pay for publishing a position. Anything but a plain SELECT counts as a write.
     */
    static final class WriteDetector implements QueryExecutionListener {

        private static final ThreadLocal<Boolean> WROTE = new ThreadLocal<>();

        static void forget() {
            WROTE.remove();
        }

        static boolean takeWrote() {
            boolean wrote = Boolean.TRUE.equals(WROTE.get());
            WROTE.remove();
            return wrote;
        }

        @Override
        public void beforeQuery(ExecutionInfo execInfo, List<QueryInfo> queryInfoList) {
            if (!TransactionSynchronizationManager.isActualTransactionActive()
                    || TransactionSynchronizationManager.isCurrentTransactionReadOnly()) {
                return;
            }
            for (QueryInfo query : queryInfoList) {
                if (!isPlainSelect(query.getQuery())) {
                    WROTE.set(true);
                    return;
                }
            }
        }

        @Override
        public void afterQuery(ExecutionInfo execInfo, List<QueryInfo> queryInfoList) {}

        static boolean isPlainSelect(String sql) {
            String text = sql.stripLeading();
            if (text.length() < 6 || !text.regionMatches(true, 0, "select", 0, 6)) {
                return false;
            }
            String lower = text.toLowerCase(java.util.Locale.ROOT);
            return !lower.contains(" for update") && !lower.contains(" for no key update") && !lower.contains("nextval(");
        }
    }
}
