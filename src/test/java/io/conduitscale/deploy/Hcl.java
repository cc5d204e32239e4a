package io.conduitscale.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.json.JsonMapper;

/**
 * infra/terraform parsed by HashiCorp's own HCL parser (@cdktf/hcl2json, run by node from infra/checks): per
 * file, blocks as lists of objects, literals as JSON values, expressions as "${...}" strings.
 */
record Hcl(Map<String, Map<String, Object>> files) {

    static final Path ROOT = Path.of("infra/terraform");
    private static final Path CHECKS = Path.of("infra/checks");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** A block with its address: type and name for resources, the file it is in. */
    record Block(String file, String type, String name, Map<String, Object> body) {}

    @SuppressWarnings("unchecked")
    static Hcl parse() {
        try {
            if (!Files.isDirectory(CHECKS.resolve("node_modules/@cdktf/hcl2json"))) {
                run(List.of("npm", "ci", "--no-audit", "--no-fund", "--silent"), CHECKS);
            }
            String json = run(List.of("node", CHECKS.resolve("hcl2json.mjs").toString(), ROOT.toString()), Path.of("."));
            return new Hcl(new TreeMap<>(JSON.readValue(json, Map.class)));
        } catch (IOException e) {
            throw new IllegalStateException("node (and npm) are needed for the Terraform checks: apt-get install nodejs npm", e);
        }
    }

    /** A deep copy, for tests that mutate it to show a check fails. */
    @SuppressWarnings("unchecked")
    Hcl copy() {
        return new Hcl(new TreeMap<>(JSON.readValue(JSON.writeValueAsString(files), Map.class)));
    }

    /** Every resource (or data source, with kind "data") of a type, in files under a directory prefix. */
    List<Block> blocks(String kind, String type, String under) {
        List<Block> found = new ArrayList<>();
        files.forEach((file, content) -> {
            if (!file.startsWith(ROOT.resolve(under).toString())) {
                return;
            }
            Object byType = content.get(kind);
            if (!(byType instanceof Map<?, ?> types)) {
                return;
            }
            for (Map.Entry<?, ?> typeEntry : types.entrySet()) {
                if (type != null && !type.equals(typeEntry.getKey())) {
                    continue;
                }
                if (kind.equals("module") || kind.equals("variable") || kind.equals("output")) {
                    found.add(new Block(file, kind, typeEntry.getKey().toString(), first(typeEntry.getValue())));
                    continue;
                }
                for (Map.Entry<?, ?> named : ((Map<?, ?>) typeEntry.getValue()).entrySet()) {
                    found.add(new Block(file, typeEntry.getKey().toString(), named.getKey().toString(), first(named.getValue())));
                }
            }
        });
        return found;
    }

    List<Block> resources(String type) {
        return blocks("resource", type, "");
    }

    Block resource(String type, String name) {
        return resources(type).stream().filter(b -> b.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no resource " + type + "." + name));
    }

    Block module(String directory, String name) {
        return blocks("module", name, directory).stream().findFirst()
                .orElseThrow(() -> new AssertionError("no module " + name + " in " + directory));
    }

    /** The default of a module's variable, or null. */
    Object variableDefault(String moduleDirectory, String variable) {
        return blocks("variable", variable, moduleDirectory).stream().findFirst()
                .map(b -> b.body().get("default")).orElse(null);
    }

    /** The merged locals of a module directory. */
    @SuppressWarnings("unchecked")
    Map<String, Object> locals(String moduleDirectory) {
        Map<String, Object> locals = new TreeMap<>();
        files.forEach((file, content) -> {
            if (file.startsWith(ROOT.resolve(moduleDirectory) + "/") && content.get("locals") instanceof List<?> blocks) {
                blocks.forEach(block -> locals.putAll((Map<String, Object>) block));
            }
        });
        return locals;
    }

    /** Every string anywhere in the parsed files: attribute values, expressions and object keys. */
    List<String> strings() {
        List<String> all = new ArrayList<>();
        files.values().forEach(content -> collect(content, all));
        return all;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> first(Object blockOrList) {
        if (blockOrList instanceof List<?> list) {
            return list.isEmpty() ? Map.of() : (Map<String, Object>) list.getFirst();
        }
        return blockOrList instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    }

    /** The list of blocks of a nested block type (absent = empty). */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> nested(Map<String, Object> body, String name) {
        Object value = body.get(name);
        if (value instanceof List<?> list) {
            return (List<Map<String, Object>>) list;
        }
        return value instanceof Map<?, ?> ? List.of((Map<String, Object>) value) : List.of();
    }

    private static void collect(Object node, List<String> into) {
        if (node instanceof Map<?, ?> map) {
            map.keySet().forEach(k -> into.add(k.toString()));
            map.values().forEach(v -> collect(v, into));
        } else if (node instanceof List<?> list) {
            list.forEach(v -> collect(v, into));
        } else if (node instanceof String s) {
            into.add(s);
        }
    }

    private static String run(List<String> command, Path directory) throws IOException {
        Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        return out;
    }
}
