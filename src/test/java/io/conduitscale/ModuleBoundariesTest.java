package io.conduitscale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import boundaryfixture.FixtureApplication;
import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModule;
import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.core.Violations;

/**
 * The feature modules (user, profile, article, comment, tag) and the platform may only use each
 * other's public API, without cycles. Spring Modulith checks the compiled classes.
 */
class ModuleBoundariesTest {

    @Test
    void modulesRespectTheirBoundaries() {
        ApplicationModules modules = ApplicationModules.of(ConduitApplication.class);

        assertThat(modules.stream().map(ApplicationModule::getIdentifier).map(Object::toString))
                .contains("user", "profile", "article", "comment", "tag", "platform");
        modules.verify();
    }

    @Test
    void platformDependsOnNoFeatureModule() {
        ApplicationModules modules = ApplicationModules.of(ConduitApplication.class);
        ApplicationModule platform = modules.getModuleByName("platform").orElseThrow();

        assertThat(platform.getDirectDependencies(modules).stream().map(dependency -> dependency.getTargetModule().getIdentifier().toString()))
                .isEmpty();
    }

    /** The check can fail: a fixture application whose module reaches into another's internals is refused. */
    @Test
    void aPlantedViolationIsDetected() {
        // the fixture lives in test sources, which the default import leaves out
        ApplicationModules fixture = ApplicationModules.of(FixtureApplication.class, location -> true);

        assertThatThrownBy(fixture::verify)
                .isInstanceOf(Violations.class)
                .hasMessageContaining("alpha")
                .hasMessageContaining("beta.internal");
    }
}
