package io.conduitscale.platform.db;

/** Where a connection pool connects: the configured server or the embedded one. */
public interface DatabaseEndpoint {

    String jdbcUrl();

    String user();

    String password();

    record Configured(String jdbcUrl, String user, String password) implements DatabaseEndpoint {}
}
