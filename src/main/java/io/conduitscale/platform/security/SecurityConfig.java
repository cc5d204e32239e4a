package io.conduitscale.platform.security;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.conduitscale.platform.web.ErrorBody;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.CorsConfigurationSource;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;
import tools.jackson.databind.ObjectMapper;

/**
 * The API is an OAuth 2.0 resource server: every request is authenticated by a signed JWT alone
 * (stateless, no session, no CSRF token since no cookie is ever read). Tokens are verified locally
 * against the built-in issuer's public keys, with issuer, expiry (required) and signature algorithm checked,
 * or against a trusted external OIDC issuer's keys (TokenAuthentication, docs/security.md).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({JwtProperties.class, OidcProperties.class})
class SecurityConfig {

    /** For JSON responses: nothing may be loaded, framed or submitted on their behalf. */
    static final String CONTENT_SECURITY_POLICY =
            "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    @Bean
    SecurityFilterChain api(HttpSecurity http, ObjectMapper json, TokenAuthentication tokens,
                            @Value("${conduit.cors.allowed-origins:}") List<String> corsAllowedOrigins) throws Exception {
        AuthenticationEntryPoint unauthenticated = (request, response, failure) -> {
            boolean presented = new RealWorldTokenResolver().resolve(request) != null;
            response.setHeader("WWW-Authenticate", "Token realm=\"conduit\"");
            write(response, HttpServletResponse.SC_UNAUTHORIZED, ErrorBody.of("token", presented ? "is invalid" : "is missing"), json);
        };
        AccessDeniedHandler forbidden = (request, response, failure) ->
                write(response, HttpServletResponse.SC_FORBIDDEN, ErrorBody.general("forbidden"), json);

        http.csrf(AbstractHttpConfigurer::disable)
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .anonymous(anonymous -> {})
                // the endpoints that need a user; everything else is public, and unknown routes
                // and methods reach Spring MVC for an honest 404 or 405
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers(HttpMethod.GET, "/api/user", "/api/articles/feed").authenticated()
                        .requestMatchers(HttpMethod.PUT, "/api/user", "/api/articles/*").authenticated()
                        .requestMatchers(HttpMethod.POST, "/api/articles", "/api/articles/*/favorite",
                                "/api/articles/*/comments", "/api/profiles/*/follow", "/api/user/logout-all").authenticated()
                        .requestMatchers(HttpMethod.DELETE, "/api/articles/*", "/api/articles/*/favorite",
                                "/api/articles/*/comments/*", "/api/profiles/*/follow").authenticated()
                        .anyRequest().permitAll())
                .oauth2ResourceServer(resourceServer -> resourceServer
                        .bearerTokenResolver(tokenResolver())
                        .authenticationEntryPoint(unauthenticated)
                        .accessDeniedHandler(forbidden)
                        // the built-in issuer or a trusted external one, chosen by iss (TokenAuthentication)
                        .authenticationManagerResolver(tokens.resolver()))
                .exceptionHandling(exceptions -> exceptions
                        .authenticationEntryPoint(unauthenticated)
                        .accessDeniedHandler(forbidden))
                // Spring Security's defaults (Cache-Control: no-store unless a response sets its own,
                // X-Content-Type-Options: nosniff, X-Frame-Options: DENY, HSTS over https) plus what fits an API
                .headers(headers -> headers
                        .contentSecurityPolicy(csp -> csp.policyDirectives(CONTENT_SECURITY_POLICY))
                        .referrerPolicy(referrer -> referrer.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.NO_REFERRER)))
                .cors(cors -> cors.configurationSource(corsSource(corsAllowedOrigins)));
        return http.build();
    }

    /**
     * Cross-origin browser access only for the configured origins ({@code CONDUIT_CORS_ALLOWED_ORIGINS});
     * none by default. Tokens travel in the Authorization header, never in cookies, so no credentials mode.
     */
    static CorsConfigurationSource corsSource(List<String> allowedOrigins) {
        List<String> origins = allowedOrigins == null ? List.of()
                : allowedOrigins.stream().map(String::trim).filter(origin -> !origin.isEmpty()).toList();
        if (origins.isEmpty()) {
            return request -> null;
        }
        CorsConfiguration configuration = new CorsConfiguration();
        configuration.setAllowedOrigins(origins);
        configuration.setAllowedMethods(List.of("GET", "POST", "PUT", "DELETE"));
        configuration.setAllowedHeaders(List.of("Authorization", "Content-Type", "X-Request-Id"));
        configuration.setExposedHeaders(List.of("X-Request-Id", "Retry-After"));
        configuration.setAllowCredentials(false);
        configuration.setMaxAge(Duration.ofMinutes(10));
        UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
        source.registerCorsConfiguration("/api/**", configuration);
        return source;
    }

    @Bean
    BearerTokenResolver tokenResolver() {
        return new RealWorldTokenResolver();
    }

    @Bean
    SigningKeys signingKeys(JwtProperties properties, @Value("${conduit.data-dir:./data}") Path dataDirectory) {
        return SigningKeys.load(properties, dataDirectory);
    }

    @Bean
    JwtEncoder jwtEncoder(SigningKeys keys) {
        return new NimbusJwtEncoder(new ImmutableJWKSet<>(new JWKSet(keys.signingKey())));
    }

    @Bean
    JwtDecoder jwtDecoder(SigningKeys keys, JwtProperties properties) {
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        // only ES256: "alg: none" and HS256-with-the-public-key (algorithm confusion) are refused here
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.ES256,
                new ImmutableJWKSet<>(keys.publicKeys())));
        // claims are validated below, by Spring Security's validators
        processor.setJWTClaimsSetVerifier((claims, context) -> {});
        NimbusJwtDecoder decoder = new NimbusJwtDecoder(processor);
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(
                JwtValidators.createDefaultWithIssuer(properties.issuer()), numericSubject(),
                new JwtClaimValidator<Object>(JwtClaimNames.EXP, exp -> exp != null)));
        return decoder;
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    /** Our tokens name users by numeric id; anything else was not issued by us. */
    private static OAuth2TokenValidator<Jwt> numericSubject() {
        return jwt -> {
            String subject = jwt.getSubject();
            if (subject != null && subject.matches("[0-9]{1,18}")) {
                return OAuth2TokenValidatorResult.success();
            }
            return OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_token", "sub must be a user id", null));
        };
    }

    private static void write(HttpServletResponse response, int status, ErrorBody body, ObjectMapper json)
            throws IOException {
        response.setStatus(status);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        json.writeValue(response.getOutputStream(), body);
    }
}
