package dev.jfaas.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "build", mixinStandardHelpOptions = true,
        description = "Build what the stack file's functions need: mvn package for Java, npm for Node.js, pip for Python.",
        footer = {"", "Examples:", "  jfaas build", "  jfaas build -f stack.yml hello"})
final class BuildCommand extends ClientCommand {

    @Option(names = {"-f", "--yaml"}, description = "stack file (default: stack.yml)") Path stackFile;
    @Parameters(paramLabel = "NAME", arity = "0..1", description = "only this function") String only;
    @Option(names = "--filter", description = "only this function (as deploy --filter)") String filter;

    @Override
    int run() throws IOException {
        var file = stackFile == null ? Path.of("stack.yml") : stackFile;
        var stack = StackFile.read(file);
        if (only == null) {
            only = filter;
        }
        int built = 0;
        for (var fn : stack.functions()) {
            if (only != null && !only.equals(fn.name())) {
                continue;
            }
            build(fn, out());
            built++;
        }
        if (built == 0) {
            throw new CliError(only == null ? "no function in " + file + " has a handler to build" : "no function named " + only + " in " + file);
        }
        return 0;
    }

    /** Builds one function's handler folder; stops with the tool's own message when it fails. */
    static void build(StackFile.Function fn, java.io.PrintWriter out) throws IOException {
        var dir = fn.handler();
        if (dir == null) {
            out.println(fn.name() + ": no handler folder, nothing to build");
            return;
        }
        var steps = new ArrayList<List<String>>();
        if (Files.exists(dir.resolve("pom.xml"))) {
            steps.add(List.of(maven(), "-q", "-B", "package"));
        }
        if (Files.exists(dir.resolve("package.json"))) {
            steps.add(Files.exists(dir.resolve("package-lock.json")) ? List.of("npm", "ci", "--no-audit", "--no-fund")
                    : List.of("npm", "install", "--no-audit", "--no-fund"));
        }
        if (Files.exists(dir.resolve("requirements.txt"))) {
            steps.add(List.of("python3", "-m", "pip", "install", "-q", "-r", "requirements.txt", "--target", ".packages"));
        }
        if (steps.isEmpty()) {
            out.println(fn.name() + ": nothing to build (" + (fn.lang() == null ? "no lang" : fn.lang()) + ")");
            return;
        }
        for (var step : steps) {
            out.println(fn.name() + ": " + String.join(" ", step));
            var builder = new ProcessBuilder(step).directory(dir.toFile()).redirectErrorStream(true);
            builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
            var process = builder.start();
            var output = new String(process.getInputStream().readAllBytes());
            try {
                if (process.waitFor() != 0) {
                    throw new CliError(fn.name() + ": " + step.getFirst() + " failed:\n" + output.strip());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliError("interrupted");
            }
            // The function's user builds nothing itself, but must read what was built.
            openForFunctions(dir);
        }
        if (Files.exists(dir.resolve("target/function.jar"))) {
            StartArchive.make(fn, dir, out);
            openForFunctions(dir);
        }
        out.println(fn.name() + ": built");
    }

    private static String maven() {
        return CliConfig.variable("MAVEN", "mvn");
    }

    private static void openForFunctions(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            for (var path : walk.toList()) {
                var mode = new java.util.HashSet<>(Files.getPosixFilePermissions(path));
                mode.add(java.nio.file.attribute.PosixFilePermission.OTHERS_READ);
                if (Files.isDirectory(path)) {
                    mode.add(java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE);
                }
                Files.setPosixFilePermissions(path, mode);
            }
        }
    }
}
