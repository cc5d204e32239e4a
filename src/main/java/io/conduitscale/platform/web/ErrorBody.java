package io.conduitscale.platform.web;

import java.util.List;
import java.util.Map;

/** The RealWorld error shape: {@code {"errors":{"body":["..."]}}}. */
public record ErrorBody(Map<String, List<String>> errors) {

    public static ErrorBody of(String field, String message) {
        return new ErrorBody(Map.of(field, List.of(message)));
    }

    /** The shape for errors that belong to no particular field. */
    public static ErrorBody general(String message) {
        return of("body", message);
    }
}
