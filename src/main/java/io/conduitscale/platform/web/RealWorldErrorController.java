package io.conduitscale.platform.web;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Errors raised outside Spring MVC (by the servlet container or a filter) are forwarded to
 * {@code /error}; this renders them in the RealWorld shape instead of Spring Boot's default page,
 * and never includes a stack trace. A filter that could not reach the database gets the same fast
 * 503 as a controller would ({@link DatabaseBusy}).
 */
@RestController
public class RealWorldErrorController implements ErrorController {

    private static final Logger log = LoggerFactory.getLogger(RealWorldErrorController.class);

    @RequestMapping("/error")
    ResponseEntity<ErrorBody> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        HttpStatus status = code instanceof Integer value ? HttpStatus.resolve(value) : null;
        if (status == null) {
            status = HttpStatus.INTERNAL_SERVER_ERROR;
        }
        Throwable failure = (Throwable) request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
        if (failure != null && DatabaseBusy.isCause(failure)) {
            log.warn("database unavailable or saturated before Spring MVC, answering 503: {}", failure.toString());
            return DatabaseBusy.response();
        }
        if (failure != null && RequestBodyLimitFilter.isTooLarge(failure)) {
            status = HttpStatus.CONTENT_TOO_LARGE;
        }
        String message = switch (status) {
            case NOT_FOUND -> "not found";
            case CONTENT_TOO_LARGE -> "request body is too large";
            case INTERNAL_SERVER_ERROR -> "internal error";
            default -> status.getReasonPhrase().toLowerCase(java.util.Locale.ROOT);
        };
        return ResponseEntity.status(status).body(ErrorBody.general(message));
    }
}
