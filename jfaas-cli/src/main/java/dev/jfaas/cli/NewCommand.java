package dev.jfaas.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "new", mixinStandardHelpOptions = true, description = "Make a new function from a template, and its stack.yml entry.",
        footer = {"", "Examples:", "  jfaas new --list", "  jfaas new --lang java hello", "  jfaas new --lang bash greet --template-dir ./templates"})
final class NewCommand extends ClientCommand {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

    @Parameters(paramLabel = "NAME", arity = "0..1", description = "the new function's name") String name;
    @Option(names = "--lang", description = "the template: java, python3-http, node-http, bash, or one in --template-dir") String lang;
    @Option(names = "--list", description = "list the templates") boolean list;
    @Option(names = "--template-dir", description = "a folder of OpenFaaS-shaped templates (one folder per language with template.yml)")
    Path templateDir;
    @Option(names = {"-f", "--yaml"}, description = "the stack file to add the function to (default: stack.yml)") Path stackFile;

    @Override
    int run() throws IOException {
        if (list) {
            Templates.names(templateDir).forEach(out()::println);
            return 0;
        }
        if (name == null || lang == null) {
            throw new CliError("give a template and a name: jfaas new --lang java hello (jfaas new --list shows the templates)");
        }
        if (!name.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?") || name.length() > 63) {
            throw new CliError("invalid function name \"" + name + "\": use lowercase letters, digits and '-', at most 63");
        }
        var template = Templates.load(lang, templateDir);
        var dir = Path.of(name);
        if (Files.exists(dir)) {
            throw new CliError(dir.toAbsolutePath() + " already exists");
        }
        for (var file : template.files().entrySet()) {
            var target = dir.resolve(fill(file.getKey()));
            Files.createDirectories(target.getParent());
            Files.write(target, fill(new String(file.getValue(), java.nio.charset.StandardCharsets.UTF_8)).getBytes());
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString(file.getKey().endsWith(".sh") ? "rwxr-xr-x" : "rw-r--r--"));
        }
        // The function runs as a user of its own, which must be able to read (and build into) its directory.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        addToStack(stackFile == null ? Path.of("stack.yml") : stackFile, template);
        out().println("made " + name + "/ from the " + lang + " template and added it to "
                + (stackFile == null ? "stack.yml" : stackFile));
        if (!template.welcome().isBlank()) {
            out().println(template.welcome().strip());
        }
        return 0;
    }

    private String fill(String text) {
        return text.replace("{{name}}", name).replace("{{jfaasVersion}}", VersionCommand.VERSION + "-SNAPSHOT");
    }

    private void addToStack(Path file, Templates.Template template) throws IOException {
        ObjectNode root = Files.exists(file) ? (ObjectNode) YAML.readTree(file.toFile()) : YAML.createObjectNode();
        if (root == null) {
            root = YAML.createObjectNode();
        }
        if (!root.has("version")) {
            root.put("version", "1.0");
        }
        if (!root.has("provider")) {
            root.putObject("provider").put("name", "openfaas").put("gateway", client().gateway());
        }
        var functions = root.has("functions") ? (ObjectNode) root.get("functions") : root.putObject("functions");
        if (functions.has(name)) {
            throw new CliError("function " + name + " is already in " + file);
        }
        var fn = functions.putObject(name);
        fn.put("lang", lang);
        fn.put("handler", "./" + name);
        fn.put("image", name + ":latest");
        fn.put("fprocess", fill(template.fprocess()));
        if (!template.environment().isEmpty()) {
            var env = fn.putObject("environment");
            template.environment().forEach(env::put);
        }
        YAML.writeValue(file.toFile(), root);
    }
}
