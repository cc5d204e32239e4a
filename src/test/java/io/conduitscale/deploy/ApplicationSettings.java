package io.conduitscale.deploy;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Parameter;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.yaml.snakeyaml.Yaml;

/**
 * What the application itself reads, found in the application rather than in its documentation: every
 * {@code @ConfigurationProperties} record (walked component by component), every {@code ${conduit.*}} placeholder
 * and {@code getProperty("conduit.*")} in src/main/java, and every {@code conduit.*} key of application.yml.
 * Keys are environment variable names (relaxed binding: upper case, '.' and '-' become '_'); values are the
 * application's default where it declares one, else null.
 */
final class ApplicationSettings {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{(conduit\\.[a-z0-9.-]+)(?::([^}]*))?}");
    private static final Pattern LOOKUP = Pattern.compile("(?:getProperty|setting)\\(\"(conduit\\.[a-z0-9.-]+)\"");

    private ApplicationSettings() {}

    /** Every setting the application reads, with its default (null = none declared). */
    static Map<String, String> read() {
        Map<String, String> settings = new TreeMap<>();
        fromConfigurationProperties().forEach(settings::put);
        fromSource().forEach(settings::putIfAbsent);
        // placeholders elsewhere in the configuration, e.g. spring.lifecycle's ${conduit.shutdown.timeout:30s}
        for (String file : new String[] {"application.yml", "application-production.yml"}) {
            Matcher placeholder = PLACEHOLDER.matcher(read(Path.of("src/main/resources", file)));
            while (placeholder.find()) {
                settings.putIfAbsent(environmentName(placeholder.group(1)), placeholder.group(2));
            }
        }
        fromYaml(Path.of("src/main/resources/application.yml")).forEach((name, value) -> {
            settings.putIfAbsent(name, value);
            if (settings.get(name) == null) {
                settings.put(name, value);
            }
        });
        return settings;
    }

    /** Defaults the production profile changes (application-production.yml). */
    static Map<String, String> productionDefaults() {
        return fromYaml(Path.of("src/main/resources/application-production.yml"));
    }

    static String environmentName(String property) {
        return property.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static Map<String, String> fromConfigurationProperties() {
        ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AnnotationTypeFilter(ConfigurationProperties.class));
        Map<String, String> settings = new TreeMap<>();
        for (BeanDefinition candidate : scanner.findCandidateComponents("io.conduitscale")) {
            try {
                Class<?> type = Class.forName(candidate.getBeanClassName());
                ConfigurationProperties annotation = type.getAnnotation(ConfigurationProperties.class);
                String prefix = annotation.value().isEmpty() ? annotation.prefix() : annotation.value();
                walk(type, prefix, settings);
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        }
        return settings;
    }

    private static void walk(Class<?> type, String prefix, Map<String, String> settings) {
        if (!type.isRecord()) {
            throw new IllegalStateException(type + " is not a record: teach ApplicationSettings to read it");
        }
        RecordComponent[] components = type.getRecordComponents();
        Parameter[] parameters = canonicalConstructor(type, components).getParameters();
        for (int i = 0; i < components.length; i++) {
            RecordComponent component = components[i];
            // @Name renames a property whose natural name is not a legal Java name (e.g. "wait")
            org.springframework.boot.context.properties.bind.Name renamed =
                    parameters[i].getAnnotation(org.springframework.boot.context.properties.bind.Name.class);
            String property = prefix + "." + (renamed != null ? renamed.value() : kebab(component.getName()));
            Class<?> componentType = component.getType();
            if (componentType.isRecord() && componentType.getName().startsWith("io.conduitscale.")) {
                walk(componentType, property, settings);
                continue;
            }
            DefaultValue defaultValue = parameters[i].getAnnotation(DefaultValue.class);
            String value = defaultValue == null || defaultValue.value().length == 0 ? null : String.join(",", defaultValue.value());
            settings.put(environmentName(property), value);
        }
    }

    private static Constructor<?> canonicalConstructor(Class<?> type, RecordComponent[] components) {
        try {
            return type.getDeclaredConstructor(Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new));
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> fromSource() {
        Map<String, String> settings = new TreeMap<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            files.filter(f -> f.toString().endsWith(".java")).forEach(file -> {
                String source = read(file);
                Matcher placeholder = PLACEHOLDER.matcher(source);
                while (placeholder.find()) {
                    settings.putIfAbsent(environmentName(placeholder.group(1)), placeholder.group(2));
                }
                Matcher lookup = LOOKUP.matcher(source);
                while (lookup.find()) {
                    settings.putIfAbsent(environmentName(lookup.group(1)), null);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return settings;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> fromYaml(Path file) {
        Map<String, String> settings = new LinkedHashMap<>();
        try (Reader reader = Files.newBufferedReader(file)) {
            Map<String, Object> root = new Yaml().load(reader);
            Object conduit = root.get("conduit");
            if (conduit instanceof Map<?, ?> map) {
                flatten("conduit", (Map<String, Object>) map, settings);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return settings;
    }

    @SuppressWarnings("unchecked")
    private static void flatten(String prefix, Map<String, Object> map, Map<String, String> into) {
        map.forEach((key, value) -> {
            String property = prefix + "." + key;
            if (value instanceof Map<?, ?> nested) {
                flatten(property, (Map<String, Object>) nested, into);
            } else {
                into.put(environmentName(property), value == null || value instanceof java.util.List<?> ? null : value.toString());
            }
        });
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
