package io.conduitscale.platform.db;

import io.conduitscale.ConduitApplication;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;

/**
 * {@code CONDUIT_ROLE=migrate}: applies the Flyway migrations to the configured database and exits
 * with 0; 1 when a migration fails, 2 when an index is left INVALID by an interrupted build. Deploys run it once, before new API tasks start, so
 * instances never race each other on schema changes (see docs/database.md, expand/contract).
 * <p>
 * It builds a context with the database beans only: no web server, no security, no feature modules.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(DataSourceConfig.class)
public class MigrationTask {

    private static final Logger log = LoggerFactory.getLogger(MigrationTask.class);

    public static int run(String[] args) {
        String[] withFlyway = Arrays.copyOf(args, args.length + 1);
        withFlyway[args.length] = "--spring.flyway.enabled=true";
        SpringApplication application = ConduitApplication.application(MigrationTask.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        try (ConfigurableApplicationContext context = application.run(withFlyway)) {
            List<String> invalid = context.getBean(JdbcClient.class)
                    .sql("SELECT indexrelid::regclass::text FROM pg_index WHERE NOT indisvalid")
                    .query(String.class)
                    .list();
            if (!invalid.isEmpty()) {
                // an interrupted CREATE INDEX CONCURRENTLY leaves an INVALID index that
                // IF NOT EXISTS would then skip: fail loudly instead (runbook in docs/database.md)
                log.error("migrations applied, but these indexes are INVALID and must be dropped and rebuilt: {}", invalid);
                return 2;
            }
            return SpringApplication.exit(context);
        } catch (RuntimeException e) {
            // Spring Boot has already reported the failure
            return 1;
        }
    }
}
