package io.conduitscale.platform.db;

import java.lang.reflect.Method;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.springframework.aop.ProxyMethodInvocation;
import org.springframework.aop.support.StaticMethodMatcherPointcutAdvisor;
import org.springframework.core.Ordered;
import org.springframework.dao.DataAccessException;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.interceptor.TransactionAttribute;
import org.springframework.transaction.interceptor.TransactionAttributeSource;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Wraps every read-only transactional method, outside its transaction: if the read failed on a replica
 * (it died, hung past the replica timeout, or cancelled the query for a recovery conflict), the whole
 * method runs once more with every connection from the primary. A replica failing costs latency, not a
 * failed request. A connection failure also takes the replica out of rotation until the monitor finds it
 * healthy again.
 */
final class ReplicaFailover extends StaticMethodMatcherPointcutAdvisor {

    private final transient TransactionAttributeSource transactions;

    ReplicaFailover(TransactionAttributeSource transactions) {
        this.transactions = transactions;
        // outside the transaction interceptor (which runs at LOWEST_PRECEDENCE): a retry is a new transaction
        setOrder(Ordered.LOWEST_PRECEDENCE - 1);
        setAdvice((MethodInterceptor) ReplicaFailover::invoke);
    }

    @Override
    public boolean matches(Method method, Class<?> targetClass) {
        TransactionAttribute attribute = transactions.getTransactionAttribute(method, targetClass);
        return attribute != null && attribute.isReadOnly();
    }

    private static Object invoke(MethodInvocation invocation) throws Throwable {
        if (TransactionSynchronizationManager.isActualTransactionActive() || ReadScope.primaryOnly()) {
            return invocation.proceed(); // joins an outer transaction, or is already the retry
        }
        MethodInvocation retry = invocation instanceof ProxyMethodInvocation proxied ? proxied.invocableClone() : null;
        ReadScope.takeReplicaUsed();
        try {
            return invocation.proceed();
        } catch (DataAccessException | TransactionException failed) {
            ReplicaPool replica = ReadScope.takeReplicaUsed();
            if (replica == null || retry == null) {
                throw failed;
            }
            if (isConnectionFailure(failed)) {
                replica.takeOutOfRotation("a read failed: " + failed.getMostSpecificCause().getMessage());
            }
            return ReadScope.onPrimary(retry::proceed);
        } finally {
            ReadScope.takeReplicaUsed();
        }
    }

    /** A broken or hung connection, as opposed to a query the replica refused (a recovery conflict). */
    static boolean isConnectionFailure(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLTransientConnectionException || cause instanceof SQLRecoverableException
                    || cause instanceof SocketTimeoutException) {
                return true;
            }
            if (cause instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("08")) {
                return true;
            }
        }
        return false;
    }
}
