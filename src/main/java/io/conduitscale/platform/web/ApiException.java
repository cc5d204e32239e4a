package io.conduitscale.platform.web;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;

/**
 * A failure with an HTTP status and a RealWorld error body: {@code {"errors":{"field":["message"]}}}.
 * Feature code throws these; {@link ApiExceptionHandler} renders them.
 */
public class ApiException extends RuntimeException {

    private final HttpStatus status;
    private final Map<String, List<String>> errors;

    public ApiException(HttpStatus status, Map<String, List<String>> errors) {
        super(status + " " + errors, null, false, false);
        this.status = status;
        this.errors = errors;
    }

    public ApiException(HttpStatus status, String field, String message) {
        this(status, Map.of(field, List.of(message)));
    }

    public static ApiException notFound(String what) {
        return new ApiException(HttpStatus.NOT_FOUND, what, "not found");
    }

    public static ApiException forbidden(String what) {
        return new ApiException(HttpStatus.FORBIDDEN, what, "forbidden");
    }

    public static ApiException taken(String field) {
        return new ApiException(HttpStatus.CONFLICT, field, "has already been taken");
    }

    public static ApiException invalid(String field, String message) {
        return new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, field, message);
    }

    /** For 429 and 503: how long the client should wait before retrying. */
    public long retryAfterSeconds() {
        return 1;
    }

    public HttpStatus status() {
        return status;
    }

    public Map<String, List<String>> errors() {
        return errors;
    }

    /** Collects several field errors, then throws them together as one 422. */
    public static final class Validation {

        private final Map<String, List<String>> errors = new LinkedHashMap<>();

        public Validation reject(String field, String message) {
            errors.computeIfAbsent(field, f -> new java.util.ArrayList<>()).add(message);
            return this;
        }

        public boolean hasErrors() {
            return !errors.isEmpty();
        }

        public void throwIfInvalid() {
            if (!errors.isEmpty()) {
                throw new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, errors);
            }
        }
    }
}
