/**
 * Cross-cutting machinery shared by every feature module: database access and migrations ({@code db}),
 * authentication and the built-in token issuer ({@code security}), HTTP concerns such as the RealWorld
 * error shape, request ids, body limits and graceful drain ({@code web}), and the settings checks
 * ({@code settings}).
 * <p>
 * It is an open module: feature modules may use any of its packages. It must never depend on a
 * feature module; {@code ModuleBoundariesTest} enforces both rules.
 */
@org.springframework.modulith.ApplicationModule(type = org.springframework.modulith.ApplicationModule.Type.OPEN)
package io.conduitscale.platform;
