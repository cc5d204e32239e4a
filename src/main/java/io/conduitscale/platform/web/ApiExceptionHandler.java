package io.conduitscale.platform.web;

import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.context.request.async.AsyncRequestNotUsableException;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Maps every failure to a status and the RealWorld error shape. Bad input is always a 4xx with a
 * message the client can act on; an exhausted database pool is a fast 503 with {@code Retry-After};
 * anything unexpected is a 500 without internals (the stack trace goes to the log, with the request id).
 */
@RestControllerAdvice
public class ApiExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

    @ExceptionHandler(ApiException.class)
    ResponseEntity<ErrorBody> api(ApiException e) {
        ResponseEntity.BodyBuilder response = ResponseEntity.status(e.status());
        if (e.status() == HttpStatus.SERVICE_UNAVAILABLE || e.status() == HttpStatus.TOO_MANY_REQUESTS) {
            response.header(HttpHeaders.RETRY_AFTER, Long.toString(e.retryAfterSeconds()));
        }
        return response.body(new ErrorBody(e.errors()));
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<ErrorBody> unreadable(HttpMessageNotReadableException e) {
        if (RequestBodyLimitFilter.isTooLarge(e)) {
            return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE).body(ErrorBody.general("request body is too large"));
        }
        return ResponseEntity.badRequest().body(ErrorBody.general("request body is not valid JSON"));
    }

    @ExceptionHandler(RequestBodyLimitFilter.BodyTooLargeException.class)
    ResponseEntity<ErrorBody> tooLarge() {
        return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE).body(ErrorBody.general("request body is too large"));
    }

    @ExceptionHandler(NoResourceFoundException.class)
    ResponseEntity<ErrorBody> noRoute() {
        return ResponseEntity.status(HttpStatus.NOT_FOUND).body(ErrorBody.general("not found"));
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<ErrorBody> wrongMethod(HttpRequestMethodNotSupportedException e) {
        ResponseEntity.BodyBuilder response = ResponseEntity.status(HttpStatus.METHOD_NOT_ALLOWED);
        if (e.getSupportedHttpMethods() != null) {
            response.allow(e.getSupportedHttpMethods().toArray(org.springframework.http.HttpMethod[]::new));
        }
        return response.body(ErrorBody.general("method " + e.getMethod() + " is not allowed here"));
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<ErrorBody> wrongContentType() {
        return ResponseEntity.status(HttpStatus.UNSUPPORTED_MEDIA_TYPE)
                .body(ErrorBody.general("content type must be application/json"));
    }

    @ExceptionHandler(HttpMediaTypeNotAcceptableException.class)
    ResponseEntity<ErrorBody> notAcceptable() {
        return ResponseEntity.status(HttpStatus.NOT_ACCEPTABLE).body(ErrorBody.general("responses are application/json"));
    }

    @ExceptionHandler({MethodArgumentTypeMismatchException.class, MissingServletRequestParameterException.class,
            MissingRequestHeaderException.class})
    ResponseEntity<ErrorBody> badParameter(Exception e) {
        return ResponseEntity.status(HttpStatus.UNPROCESSABLE_CONTENT).body(ErrorBody.general("invalid request parameter"));
    }

    /** Pool exhausted or database unreachable: shed the request quickly instead of queueing it. */
    @ExceptionHandler({CannotGetJdbcConnectionException.class, CannotCreateTransactionException.class,
            QueryTimeoutException.class, TransientDataAccessResourceException.class,
            PessimisticLockingFailureException.class})
    ResponseEntity<ErrorBody> databaseBusy(Exception e) {
        log.warn("database unavailable or saturated, answering 503: {}", rootMessage(e));
        return DatabaseBusy.response();
    }

    /** A unique constraint lost a race that no earlier check could see; the client may simply retry. */
    @ExceptionHandler(DuplicateKeyException.class)
    ResponseEntity<ErrorBody> concurrentChange() {
        return ResponseEntity.status(HttpStatus.CONFLICT).body(ErrorBody.general("conflicts with a concurrent change, retry"));
    }

    /** The client hung up mid-response: nothing to answer and nothing wrong with the server. */
    @ExceptionHandler(AsyncRequestNotUsableException.class)
    void clientGone(AsyncRequestNotUsableException e) {
        log.debug("client disconnected: {}", e.getMessage());
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ErrorBody> unexpected(Exception e) throws Exception {
        if (DatabaseBusy.isCause(e)) {
            return databaseBusy(e);
        }
        if (hasCause(e, org.apache.tomcat.util.http.InvalidParameterException.class)) {
            // a query string Tomcat cannot decode (invalid UTF-8, such as an encoded unpaired surrogate)
            return ResponseEntity.badRequest().body(ErrorBody.general("malformed query string"));
        }
        if (isDataException(e)) {
            // SQLSTATE class 22: the database refused a value (a NUL character, an out-of-range number)
            return ResponseEntity.status(HttpStatus.UNPROCESSABLE_CONTENT).body(ErrorBody.general("invalid input"));
        }
        if (e instanceof org.springframework.web.ErrorResponse errorResponse
                && errorResponse.getStatusCode().is4xxClientError()) {
            // any other framework-detected client error keeps its status
            return ResponseEntity.status(errorResponse.getStatusCode())
                    .body(ErrorBody.general(errorResponse.getBody().getDetail() == null
                            ? "bad request" : errorResponse.getBody().getDetail()));
        }
        log.error("unexpected failure", e);
        return ResponseEntity.internalServerError().body(ErrorBody.general("internal error"));
    }

    private static boolean isDataException(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("22")) {
                return true;
            }
        }
        return false;
    }

    static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage();
    }
}
