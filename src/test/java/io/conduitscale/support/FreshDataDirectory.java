package io.conduitscale.support;

import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/** Points {@code conduit.data-dir} at a new directory under target/, once per test JVM. */
public class FreshDataDirectory implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    public static final Path DIRECTORY = Path.of("target", "test-data", UUID.randomUUID().toString()).toAbsolutePath();

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        context.getEnvironment().getPropertySources().addFirst(
                new MapPropertySource("fresh-data-directory", Map.of("conduit.data-dir", DIRECTORY.toString())));
    }
}
