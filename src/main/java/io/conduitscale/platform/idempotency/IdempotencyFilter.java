package io.conduitscale.platform.idempotency;

import io.conduitscale.platform.security.CurrentUser;
import io.conduitscale.platform.web.ErrorBody;
import io.conduitscale.platform.web.RequestBodyLimitFilter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.core.annotation.Order;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingResponseWrapper;
import tools.jackson.databind.ObjectMapper;

/**
 * Idempotency keys for writes (docs/api.md, "Idempotency keys"). A {@code POST}, {@code PUT} or
 * {@code DELETE} with an {@value #HEADER} header runs inside one transaction that first claims the key for
 * the caller and, if the response is a success, stores that response: the write's effects and the stored
 * response commit together, or neither does. A retry with the same key gets the stored response (with
 * {@value #REPLAYED}) and changes nothing; the same key with a different request gets 422; a retry that
 * arrives while the first attempt is still running waits for it. Anything but a 2xx is not stored, and
 * the write it attempted is rolled back with it, so the key stays free for a retry.
 * <p>
 * Runs after Spring Security (so the key is scoped to the authenticated user), and only when the header
 * is present: without it, requests take their usual path. Duplicate titles are legal in RealWorld, so this
 * is what stops a retried create from publishing twice.
 */
@Component
@Order(0) // after Spring Security's filter chain (-100)
class IdempotencyFilter extends OncePerRequestFilter {

    static final String HEADER = "Idempotency-Key";
    static final String REPLAYED = "Idempotent-Replayed";
    static final Duration RETENTION = Duration.ofHours(24);
    private static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH", "DELETE");
    private static final Pattern VALID_KEY = Pattern.compile("[\\x21-\\x7E]{1,255}");

    private final IdempotencyKeys keys;
    private final TransactionTemplate transactions;
    private final ObjectMapper json;

    IdempotencyFilter(IdempotencyKeys keys, TransactionTemplate transactions, ObjectMapper json) {
        this.keys = keys;
        this.transactions = transactions;
        this.json = json;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return request.getHeader(HEADER) == null || !WRITES.contains(request.getMethod());
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String key = request.getHeader(HEADER);
        if (!VALID_KEY.matcher(key).matches()) {
            reject(response, HttpStatus.UNPROCESSABLE_CONTENT, HEADER + " must be 1 to 255 visible ASCII characters");
            return;
        }
        byte[] body;
        try {
            body = request.getInputStream().readAllBytes();
        } catch (IOException e) {
            if (e instanceof RequestBodyLimitFilter.BodyTooLargeException) {
                reject(response, HttpStatus.CONTENT_TOO_LARGE, "request body is too large");
                return;
            }
            throw e;
        }
        String scope = CurrentUser.id().map(id -> "user:" + id).orElse("anonymous");
        byte[] hash = hash(request, body);
        ContentCachingResponseWrapper buffered = new ContentCachingResponseWrapper(response);
        Outcome outcome;
        try {
            outcome = transactions.execute(status -> {
                if (!keys.claim(scope, key, hash, RETENTION)) {
                    // the key was used and committed before (or by a request this one waited for)
                    return keys.find(scope, key).map(stored -> Arrays.equals(stored.requestHash(), hash)
                                    ? Outcome.replay(stored)
                                    : Outcome.MISMATCH)
                            .orElse(Outcome.IN_PROGRESS);
                }
                try {
                    chain.doFilter(new BufferedBodyRequest(request, body), buffered);
                } catch (IOException | ServletException e) {
                    throw new FilterFailure(e);
                }
                if (buffered.getStatus() / 100 == 2) {
                    keys.storeResponse(scope, key, buffered.getStatus(), buffered.getContentType(),
                            buffered.getContentAsByteArray());
                } else {
                    status.setRollbackOnly(); // not stored, and whatever it did is undone: the key stays free
                }
                return Outcome.EXECUTED;
            });
        } catch (FilterFailure failure) {
            if (failure.getCause() instanceof ServletException servletFailure) {
                throw servletFailure;
            }
            throw (IOException) failure.getCause();
        } catch (QueryTimeoutException | PessimisticLockingFailureException stillRunning) {
            // the first attempt is still running after the statement timeout
            response.setHeader("Retry-After", "1");
            reject(response, HttpStatus.CONFLICT, "a request with this " + HEADER + " is still in progress");
            return;
        }
        switch (outcome.kind()) {
            case EXECUTED -> buffered.copyBodyToResponse();
            case MISMATCH -> reject(response, HttpStatus.UNPROCESSABLE_CONTENT,
                    HEADER + " was already used for a different request");
            case IN_PROGRESS -> {
                response.setHeader("Retry-After", "1");
                reject(response, HttpStatus.CONFLICT, "a request with this " + HEADER + " is still in progress");
            }
            case REPLAY -> {
                IdempotencyKeys.Stored stored = outcome.stored();
                response.setStatus(stored.status());
                response.setHeader(REPLAYED, "true");
                if (stored.contentType() != null) {
                    response.setContentType(stored.contentType());
                }
                if (stored.body() != null && stored.body().length > 0) {
                    response.getOutputStream().write(stored.body());
                }
            }
        }
    }

    private void reject(HttpServletResponse response, HttpStatus status, String message) throws IOException {
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        json.writeValue(response.getOutputStream(), ErrorBody.general(message));
    }

    /** SHA-256 of method, path, query and body: what "the same request" means. */
    private static byte[] hash(HttpServletRequest request, byte[] body) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(request.getMethod().getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(request.getRequestURI().getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(String.valueOf(request.getQueryString()).getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            return digest.digest(body);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private enum Kind { EXECUTED, REPLAY, MISMATCH, IN_PROGRESS }

    private record Outcome(Kind kind, IdempotencyKeys.Stored stored) {
        static final Outcome EXECUTED = new Outcome(Kind.EXECUTED, null);
        static final Outcome MISMATCH = new Outcome(Kind.MISMATCH, null);
        static final Outcome IN_PROGRESS = new Outcome(Kind.IN_PROGRESS, null);

        static Outcome replay(IdempotencyKeys.Stored stored) {
            return stored.status() == null ? IN_PROGRESS : new Outcome(Kind.REPLAY, stored);
        }
    }

    /** Carries a checked exception of the filter chain out of the transaction callback. */
    private static final class FilterFailure extends RuntimeException {
        FilterFailure(Exception cause) {
            super(cause);
        }
    }

    /** The request with its body already read (it was needed for the hash). */
    private static final class BufferedBodyRequest extends HttpServletRequestWrapper {
        private final byte[] body;

        BufferedBodyRequest(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream bytes = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return bytes.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return bytes.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return bytes.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("synchronous reads only");
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            return new BufferedReader(new InputStreamReader(getInputStream(), StandardCharsets.UTF_8));
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }
    }
}
