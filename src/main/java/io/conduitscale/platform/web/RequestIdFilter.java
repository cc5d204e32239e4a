package io.conduitscale.platform.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Gives every request an id: the caller's {@code X-Request-Id} when it is a sane token (so a load
 * balancer's or client's id carries through), a new UUID otherwise. The id is put in the logging
 * context (field {@code requestId} of every JSON log line written while serving the request) and
 * returned as {@code X-Request-Id}.
 * <p>
 * With {@code CONDUIT_HTTP_ACCESS_LOG=true} it also writes one line per request (method, path,
 * status, milliseconds). Off by default: at thousands of requests per second, access logs cost
 * more than they tell; the load balancer's own logs and the latency histograms cover the rest.
 * Deployed, it is on with {@code CONDUIT_HTTP_ACCESS_LOG_SUCCESS_SAMPLE} below 1: every failed
 * request (status 400 and above) is logged, and only that share of the successful ones, so the log
 * keeps every failure for investigation at a small fraction of the volume.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class RequestIdFilter extends OncePerRequestFilter {

    public static final String HEADER = "X-Request-Id";
    public static final String MDC_KEY = "requestId";
    private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final Logger accessLog = LoggerFactory.getLogger("io.conduitscale.access");

    private final boolean logAccess;
    private final double successSample;

    public RequestIdFilter(@Value("${conduit.http.access-log:false}") boolean logAccess,
            @Value("${conduit.http.access-log-success-sample:1.0}") double successSample) {
        if (!(successSample >= 0 && successSample <= 1)) {
            throw new IllegalArgumentException("conduit.http.access-log-success-sample must be between 0 and 1, not " + successSample);
        }
        this.logAccess = logAccess;
        this.successSample = successSample;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String incoming = request.getHeader(HEADER);
        String id = incoming != null && SANE.matcher(incoming).matches() ? incoming : UUID.randomUUID().toString();
        response.setHeader(HEADER, id);
        MDC.put(MDC_KEY, id);
        long started = System.nanoTime();
        try {
            chain.doFilter(request, response);
        } finally {
            if (logAccess && (response.getStatus() >= 400 || sampled())) {
                accessLog.info("{} {} {} {}ms", request.getMethod(), request.getRequestURI(), response.getStatus(),
                        (System.nanoTime() - started) / 1_000_000);
            }
            MDC.remove(MDC_KEY);
        }
    }

    private boolean sampled() {
        return successSample >= 1 || (successSample > 0 && ThreadLocalRandom.current().nextDouble() < successSample);
    }
}
