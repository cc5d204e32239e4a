/**
 * Accounts: registration, login, the current user and its settings. Owns the {@code users} table.
 * Other modules read users through {@link io.conduitscale.user.UserDirectory}.
 */
package io.conduitscale.user;
