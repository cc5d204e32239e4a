package io.conduitscale.platform.db;

import java.util.Collection;
import org.springframework.jdbc.support.SqlArrayValue;

/**
 * PostgreSQL array parameters, for {@code = ANY(:ids)}: one statement and one cached plan whatever
 * the number of values, where an expanded {@code IN (?, ?, ...)} would make a new plan per size.
 */
public final class SqlArrays {

    private SqlArrays() {}

    public static SqlArrayValue bigints(Collection<Long> values) {
        return new SqlArrayValue("bigint", values.toArray());
    }

    public static SqlArrayValue texts(Collection<String> values) {
        return new SqlArrayValue("text", values.toArray());
    }
}
