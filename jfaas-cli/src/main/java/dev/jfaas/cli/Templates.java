package dev.jfaas.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Function templates: the ones built into the CLI (java, python3-http, node-http, bash; no network
 * needed), and any in a folder on disk, in the shape of OpenFaaS templates: a folder per language
 * with a {@code template.yml} ({@code language}, {@code fprocess}, {@code welcome_message}, and
 * jfaas's {@code environment}) beside the files a new function starts with. {@code {{name}}} in
 * paths and contents becomes the function's name.
 */
final class Templates {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String BUILT_IN = "templates/";

    /** A template: its fprocess and environment for stack.yml, its welcome, and its files by path. */
    record Template(String language, String fprocess, Map<String, String> environment, String welcome, Map<String, byte[]> files) {}

    private Templates() {}

    static List<String> names(Path dir) throws IOException {
        var names = new ArrayList<>(read(BUILT_IN + "index.txt").lines().filter(l -> !l.isBlank()).toList());
        if (dir != null && Files.isDirectory(dir)) {
            try (Stream<Path> entries = Files.list(dir)) {
                entries.filter(d -> Files.exists(d.resolve("template.yml"))).map(d -> d.getFileName().toString())
                        .filter(n -> !names.contains(n)).sorted().forEach(names::add);
            }
        }
        return names;
    }

    static Template load(String language, Path dir) throws IOException {
        if (dir != null && Files.exists(dir.resolve(language).resolve("template.yml"))) {
            return fromDisk(dir.resolve(language));
        }
        var index = read(BUILT_IN + "index.txt").lines().toList();
        if (!index.contains(language)) {
            throw new CliError("no template for language " + language + " (jfaas new --list shows them)");
        }
        var base = BUILT_IN + language + "/";
        var files = new LinkedHashMap<String, byte[]>();
        for (var path : read(base + "files.txt").lines().filter(l -> !l.isBlank()).toList()) {
            files.put(path, read(base + path).getBytes(StandardCharsets.UTF_8));
        }
        return parse(read(base + "template.yml"), files);
    }

    private static Template fromDisk(Path folder) throws IOException {
        var files = new LinkedHashMap<String, byte[]>();
        try (Stream<Path> walk = Files.walk(folder)) {
            for (var file : walk.filter(Files::isRegularFile).toList()) {
                var relative = folder.relativize(file).toString();
                if (!relative.equals("template.yml")) {
                    files.put(relative, Files.readAllBytes(file));
                }
            }
        }
        return parse(Files.readString(folder.resolve("template.yml")), files);
    }

    private static Template parse(String yaml, Map<String, byte[]> files) throws IOException {
        var root = YAML.readTree(yaml);
        var env = new LinkedHashMap<String, String>();
        root.path("environment").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        return new Template(root.path("language").asText(), root.path("fprocess").asText(""), env,
                root.path("welcome_message").asText(""), files);
    }

    private static String read(String resource) throws IOException {
        try (InputStream in = Templates.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new CliError("the CLI is missing its template " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
