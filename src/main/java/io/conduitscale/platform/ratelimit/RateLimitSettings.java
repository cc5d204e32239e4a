package io.conduitscale.platform.ratelimit;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Request limits ({@code CONDUIT_RATE_LIMIT_*}), each "so many per period". The defaults are far
 * above what a person does, and above what the official suite does, so they stop abuse only.
 *
 * @param writesPerUser    POST/PUT/DELETE requests per signed-in user
 * @param loginsPerAccount login attempts per email address, the guard against password guessing
 * @param loginsPerClient  login attempts per client address, the guard against credential stuffing
 * @param period           the period of all three limits
 * @param trustedProxies   CIDR ranges of the load balancers whose {@code X-Forwarded-For} is believed;
 *                         from anyone else the header is ignored and the connection's address counts
 */
@ConfigurationProperties("conduit.rate-limit")
public record RateLimitSettings(
        @DefaultValue("300") long writesPerUser,
        @DefaultValue("20") long loginsPerAccount,
        @DefaultValue("100") long loginsPerClient,
        @DefaultValue("1m") Duration period,
        @DefaultValue List<String> trustedProxies) {}
