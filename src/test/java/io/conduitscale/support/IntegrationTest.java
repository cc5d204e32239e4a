package io.conduitscale.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ContextConfiguration;

/**
 * The whole application on a random port over a real PostgreSQL: the embedded default, with its
 * data in a fresh directory per test JVM, trusting the test OIDC provider (TrustedTestIssuers). Every test
 * class with this annotation shares one context. Webhooks may deliver to 127.0.0.1 (the test-only allowance).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
// webhooks may target 127.0.0.1 only in tests, where the receiver runs (docs/events.md, SSRF guard)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "conduit.webhooks.allowed-private-targets=127.0.0.1")
@ContextConfiguration(initializers = {FreshDataDirectory.class, TrustedTestIssuers.class})
public @interface IntegrationTest {}
