package io.conduitscale.platform.security;

/**
 * Who a verified token from an external issuer says the caller is.
 *
 * @param issuer        the token's {@code iss}, one of the configured trusted issuers
 * @param subject       the token's {@code sub}: with {@code issuer}, the only identifying key
 * @param username      the configured username claim's value, a suggestion for a new account (may be null)
 * @param verifiedEmail the {@code email} claim, only if the token also says {@code email_verified: true}; else null
 */
public record ExternalIdentity(String issuer, String subject, String username, String verifiedEmail) {}
