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
 * class with this annotation shares one context.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ContextConfiguration(initializers = {FreshDataDirectory.class, TrustedTestIssuers.class})
public @interface IntegrationTest {}
