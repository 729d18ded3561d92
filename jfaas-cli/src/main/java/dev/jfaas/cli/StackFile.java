package dev.jfaas.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An OpenFaaS stack file ({@code stack.yml}): {@code provider.gateway} and {@code functions.<name>}
 * with image, fprocess, environment, labels, annotations, secrets, limits, requests, namespace;
 * each function becomes a FunctionDeployment body.
 */
record StackFile(String gateway, List<ObjectNode> deployments, List<Function> functions) {

    /** A function of the stack file as built: its name, lang and handler folder (null when it has none on disk). */
    record Function(String name, String lang, Path handler) {}

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static StackFile read(Path file) {
        if (!Files.isReadable(file)) {
            throw new CliError("cannot read stack file " + file + ": no such file");
        }
        JsonNode root;
        try {
            root = YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new CliError("invalid YAML in " + file + ": " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (root == null || !root.path("functions").isObject() || root.path("functions").isEmpty()) {
            throw new CliError("stack file " + file + " has no functions: expected a 'functions:' map");
        }
        var deployments = new ArrayList<ObjectNode>();
        var functions = new ArrayList<Function>();
        var names = root.path("functions").fieldNames();
        while (names.hasNext()) {
            var name = names.next();
            var fn = root.path("functions").path(name);
            var handler = handlerFolder(fn, file);
            functions.add(new Function(name, fn.path("lang").asText(null), handler));
            deployments.add(deployment(name, fn, file, handler));
        }
        var gateway = root.path("provider").path("gateway").asText(null);
        return new StackFile(gateway, deployments, functions);
    }

    /** The function's handler folder, relative to the stack file, when it exists. */
    private static Path handlerFolder(JsonNode fn, Path file) {
        if (!fn.path("handler").isTextual()) {
            return null;
        }
        var base = file.toAbsolutePath().getParent();
        var dir = base.resolve(fn.path("handler").asText()).normalize();
        return Files.isDirectory(dir) ? dir : null;
    }

    /**
     * A function with a {@code lang} and a handler folder on this machine runs from that folder
     * (what {@code jfaas new} makes); otherwise its {@code image} is what runs.
     */
    private static ObjectNode deployment(String name, JsonNode fn, Path file, Path handler) {
        boolean fromHandler = handler != null && fn.path("lang").isTextual();
        if (!fromHandler && !fn.path("image").isTextual()) {
            throw new CliError("function " + name + " in " + file + " has no image");
        }
        var d = ClientCommand.JSON.createObjectNode();
        d.put("service", name);
        d.put("image", fromHandler ? handler.toString() : fn.path("image").asText());
        copyText(fn, "namespace", d, "namespace");
        var env = fn.path("environment").isObject() ? ((ObjectNode) fn.path("environment")).deepCopy() : ClientCommand.JSON.createObjectNode();
        if (fn.path("fprocess").isTextual()) {
            d.put("envProcess", fn.path("fprocess").asText());
        }
        d.set("envVars", env);
        for (var key : List.of("labels", "annotations", "limits", "requests")) {
            if (fn.path(key).isObject()) {
                d.set(key, fn.path(key));
            }
        }
        if (fn.path("secrets").isArray()) {
            d.set("secrets", fn.path("secrets"));
        }
        return d;
    }

    private static void copyText(JsonNode from, String key, ObjectNode to, String as) {
        if (from.path(key).isTextual()) {
            to.put(as, from.path(key).asText());
        }
    }
}
