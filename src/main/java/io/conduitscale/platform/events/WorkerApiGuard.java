package io.conduitscale.platform.events;

import io.conduitscale.platform.settings.Role;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * In CONDUIT_ROLE=worker the HTTP port exists for the actuator (health, metrics) only: the API answers
 * 404, so a worker put behind the load balancer by mistake cannot serve traffic on spot capacity.
 */
@Component
class WorkerApiGuard extends OncePerRequestFilter {

    private final boolean worker;

    WorkerApiGuard(@Value("${conduit.role:}") String role) {
        this.worker = Role.parse(role) == Role.WORKER;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !worker || !request.getRequestURI().startsWith("/api/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        response.setStatus(HttpServletResponse.SC_NOT_FOUND);
        response.setContentType("application/json");
        response.getWriter().write("{\"errors\":{\"body\":[\"this instance is a worker (CONDUIT_ROLE=worker) and serves no API\"]}}");
    }
}
