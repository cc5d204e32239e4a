package boundaryfixture;

import org.springframework.modulith.Modulithic;

/** A two-module application with one deliberate boundary violation, for ModuleBoundariesTest. */
@Modulithic
public class FixtureApplication {}
