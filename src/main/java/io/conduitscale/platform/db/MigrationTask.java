package io.conduitscale.platform.db;

import io.conduitscale.ConduitApplication;
import java.util.Arrays;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;

/**
 * {@code CONDUIT_ROLE=migrate}: applies the Flyway migrations to the configured database and exits
 * with 0, or non-zero when a migration fails. Deploys run it once, before new API tasks start, so
 * instances never race each other on schema changes (see docs/database.md, expand/contract).
 * <p>
 * It builds a context with the database beans only: no web server, no security, no feature modules.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(DataSourceConfig.class)
public class MigrationTask {

    public static int run(String[] args) {
        String[] withFlyway = Arrays.copyOf(args, args.length + 1);
        withFlyway[args.length] = "--spring.flyway.enabled=true";
        SpringApplication application = ConduitApplication.application(MigrationTask.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        try (ConfigurableApplicationContext context = application.run(withFlyway)) {
            return SpringApplication.exit(context);
        } catch (RuntimeException e) {
            // Spring Boot has already reported the failure
            return 1;
        }
    }
}
