package io.conduitscale.platform.web;

import java.sql.SQLTransientConnectionException;
import java.util.List;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;

/**
 * "The database cannot take this request now": the pool is exhausted, the database is unreachable,
 * a statement or lock wait timed out. Such a request is shed at once with 503 and {@code Retry-After}
 * rather than queued, so a saturated database slows nobody down for long and load balancers and
 * clients back off.
 * <p>
 * Failures inside Spring MVC reach {@link ApiExceptionHandler}; failures in servlet filters that run
 * before it (the token check in Spring Security's chain, the idempotency filter's claim) reach
 * {@link RealWorldErrorController}. Both classify with this one rule, so a busy database is a 503
 * wherever in the request it is met.
 */
public final class DatabaseBusy {

    private static final List<Class<? extends Throwable>> SIGNS = List.of(
            CannotGetJdbcConnectionException.class, CannotCreateTransactionException.class,
            QueryTimeoutException.class, TransientDataAccessResourceException.class,
            PessimisticLockingFailureException.class, SQLTransientConnectionException.class);

    private DatabaseBusy() {
    }

    /** True if {@code failure} or any of its causes says the database could not take the request. */
    public static boolean isCause(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            for (Class<? extends Throwable> sign : SIGNS) {
                if (sign.isInstance(t)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The answer: 503, retry in a second, in the RealWorld error shape. */
    static ResponseEntity<ErrorBody> response() {
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, "1")
                .body(ErrorBody.general("the service is busy, retry shortly"));
    }
}
