/**
 * Accounts: registration, login, the current user and its settings. Owns the {@code users} table
 * and is the only module that writes it; profile and article read it in their queries.
 */
package io.conduitscale.user;
