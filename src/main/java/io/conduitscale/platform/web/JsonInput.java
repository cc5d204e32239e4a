package io.conduitscale.platform.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * Reads RealWorld request bodies field by field, so that "absent", "null" and "a value" can be told
 * apart (an update without {@code tagList} keeps the tags, {@code []} clears them, {@code null} is
 * rejected) and a wrong type is a 422 naming the field rather than a generic parse error.
 */
public final class JsonInput {

    private JsonInput() {}

    /** The object under the RealWorld wrapper key, e.g. {@code {"user": {...}}}; 422 if it is missing. */
    public static JsonNode wrapped(JsonNode root, String wrapper) {
        JsonNode node = root == null ? null : root.get(wrapper);
        if (node == null || !node.isObject()) {
            throw ApiException.invalid(wrapper, "can't be blank");
        }
        return node;
    }

    /** A field that may be absent, null or present. */
    public sealed interface Field<T> {
        record Absent<T>() implements Field<T> {}

        record Null<T>() implements Field<T> {}

        record Present<T>(T content) implements Field<T> {}

        default boolean isAbsent() {
            return this instanceof Absent;
        }

        default Optional<T> value() {
            return this instanceof Present<T>(T content) ? Optional.of(content) : Optional.empty();
        }
    }

    public static Field<String> text(JsonNode object, String name) {
        JsonNode node = object.get(name);
        if (node == null || node.isMissingNode()) {
            return new Field.Absent<>();
        }
        if (node.isNull()) {
            return new Field.Null<>();
        }
        if (!node.isString()) {
            throw ApiException.invalid(name, "must be a string");
        }
        return new Field.Present<>(node.asString());
    }

    public static Field<List<String>> textList(JsonNode object, String name) {
        JsonNode node = object.get(name);
        if (node == null || node.isMissingNode()) {
            return new Field.Absent<>();
        }
        if (node.isNull()) {
            return new Field.Null<>();
        }
        if (!node.isArray()) {
            throw ApiException.invalid(name, "must be a list of strings");
        }
        List<String> values = new ArrayList<>();
        for (JsonNode element : node) {
            if (!element.isString()) {
                throw ApiException.invalid(name, "must be a list of strings");
            }
            values.add(element.asString());
        }
        return new Field.Present<>(values);
    }

    /** A required string: absent, null or blank is "can't be blank". */
    public static String requiredText(JsonNode object, String name, ApiException.Validation validation) {
        Field<String> field = text(object, name);
        String value = field.value().orElse(null);
        if (value == null || value.isBlank()) {
            validation.reject(name, "can't be blank");
            return null;
        }
        return value;
    }
}
