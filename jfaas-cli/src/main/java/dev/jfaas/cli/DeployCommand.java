package dev.jfaas.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "deploy", mixinStandardHelpOptions = true,
        description = "Deploy or update functions, from flags or an OpenFaaS stack file. Waits until each is ready.",
        footer = {"", "Examples:", "  jfaas deploy --name rev --image local/rev --fprocess rev",
            "  jfaas deploy -f stack.yml", "  jfaas deploy --name web --image /srv/web --fprocess 'python3 app.py' --env mode=http"})
final class DeployCommand extends ClientCommand {

    @Option(names = {"-f", "--yaml"}, description = "stack file (OpenFaaS stack.yml format)")
    Path stackFile;

    @Option(names = "--filter", description = "only this function of the stack file")
    String filter;

    @Option(names = "--name", description = "function name") String name;
    @Option(names = "--image", description = "image, or the absolute path of the function's directory") String image;
    @Option(names = "--fprocess", description = "the command to run") String fprocess;
    @Option(names = {"-n", "--namespace"}, description = "namespace (default: the gateway's, openfaas-fn)") String namespace;
    @Option(names = {"-e", "--env"}, description = "environment variable k=v (repeatable)") Map<String, String> env;
    @Option(names = {"-l", "--label"}, description = "label k=v (repeatable)") Map<String, String> labels;
    @Option(names = "--annotation", description = "annotation k=v (repeatable)") Map<String, String> annotations;
    @Option(names = "--secret", description = "secret to mount (repeatable)") List<String> secrets;
    @Option(names = "--env-file", description = "environment variables from a file of k=v lines (repeatable; -e wins)")
    List<Path> envFiles;
    @Option(names = "--memory-limit", description = "memory limit, e.g. 128Mi") String memoryLimit;
    @Option(names = "--cpu-limit", description = "CPU limit, e.g. 500m or 1") String cpuLimit;
    @Option(names = "--memory-request", description = "memory request, e.g. 64Mi") String memoryRequest;
    @Option(names = "--cpu-request", description = "CPU request, e.g. 100m") String cpuRequest;
    @Option(names = "--constraint", description = "placement constraint, e.g. node.platform.os == linux (repeatable)")
    List<String> constraints;
    @Option(names = "--readonly", description = "a read-only root filesystem (and function directory)") boolean readOnly;

    @Option(names = "--no-wait", description = "return once accepted, without waiting for a ready replica")
    boolean noWait;

    @Option(names = "--build", description = "with -f: build each function's handler first (as jfaas build)")
    boolean build;

    @Override
    int run() throws IOException {
        var deployments = new ArrayList<ObjectNode>();
        if (stackFile != null) {
            var stack = StackFile.read(stackFile);
            if (gateway == null && stack.gateway() != null) {
                gateway = stack.gateway();
            }
            stack.deployments().stream().filter(d -> filter == null || filter.equals(d.path("service").asText()))
                    .forEach(deployments::add);
            if (build) {
                for (var fn : stack.functions()) {
                    if (filter == null || filter.equals(fn.name())) {
                        BuildCommand.build(fn, out());
                    }
                }
            }
            if (deployments.isEmpty()) {
                throw new CliError("no function named " + filter + " in " + stackFile);
            }
        } else {
            if (name == null || image == null) {
                throw new CliError("give --name and --image (and usually --fprocess), or -f stack.yml");
            }
            deployments.add(fromFlags());
        }
        var client = client();
        for (var deployment : deployments) {
            var fn = deployment.path("service").asText();
            var body = JSON.writeValueAsString(deployment);
            // As faas-cli: update in place, and create when the gateway says it does not exist yet.
            var update = client.send("PUT", "/system/functions", body, List.of("Content-Type", "application/json"));
            if (update.statusCode() == 404) {
                client.expect("POST", "/system/functions", body);
            } else if (update.statusCode() >= 400) {
                throw CliError.fromResponse(update.statusCode(), update.body());
            }
            if (!noWait) {
                awaitReady(client, fn, deployment.path("namespace").asText(null));
            }
            out().println("deployed " + fn + " (" + client.gateway() + "/function/" + fn + ")");
        }
        return 0;
    }

    private ObjectNode fromFlags() throws IOException {
        var d = JSON.createObjectNode();
        d.put("service", name);
        d.put("image", image);
        if (fprocess != null) {
            d.put("envProcess", fprocess);
        }
        if (namespace != null) {
            d.put("namespace", namespace);
        }
        var allEnv = new java.util.LinkedHashMap<String, String>();
        for (var file : envFiles == null ? List.<Path>of() : envFiles) {
            allEnv.putAll(envFile(file));
        }
        if (env != null) {
            allEnv.putAll(env);
        }
        if (!allEnv.isEmpty()) {
            d.set("envVars", JSON.valueToTree(allEnv));
        }
        if (memoryLimit != null || cpuLimit != null) {
            d.set("limits", resources(memoryLimit, cpuLimit));
        }
        if (memoryRequest != null || cpuRequest != null) {
            d.set("requests", resources(memoryRequest, cpuRequest));
        }
        if (constraints != null) {
            d.set("constraints", JSON.valueToTree(constraints));
        }
        if (readOnly) {
            d.put("readOnlyRootFilesystem", true);
        }
        if (labels != null) {
            d.set("labels", JSON.valueToTree(labels));
        }
        if (annotations != null) {
            d.set("annotations", JSON.valueToTree(annotations));
        }
        if (secrets != null) {
            d.set("secrets", JSON.valueToTree(secrets));
        }
        return d;
    }

    /** Polls until a replica is ready, showing progress on a terminal. */
    private void awaitReady(GatewayClient client, String fn, String ns) throws IOException {
        boolean tty = System.console() != null;
        long start = System.nanoTime();
        long deadline = start + 120_000_000_000L;
        while (System.nanoTime() < deadline) {
            var status = parse(client.expect("GET", "/system/function/" + fn + nsQuery(ns), null));
            if (status.path("availableReplicas").asInt() >= 1 || status.path("replicas").asInt() == 0) {
                if (tty) {
                    err().print("\r\033[K");
                    err().flush();
                }
                return;
            }
            // The gateway knows why its replicas cannot start (the exit status, the last line of stderr).
            var message = status.path("message").asText("");
            if (message.startsWith("replica ")) {
                if (tty) {
                    err().print("\r\033[K");
                }
                throw new CliError(fn + " cannot start: " + message);
            }
            if (tty) {
                err().printf("\rwaiting for %s to be ready... %.1fs", fn, (System.nanoTime() - start) / 1e9);
                err().flush();
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliError("interrupted");
            }
        }
        throw new CliError(fn + " was accepted but no replica became ready within 120s: see 'jfaas logs " + fn + "'");
    }

    private static ObjectNode resources(String memory, String cpu) {
        var r = JSON.createObjectNode();
        if (memory != null) {
            r.put("memory", memory);
        }
        if (cpu != null) {
            r.put("cpu", cpu);
        }
        return r;
    }

    /** KEY=value lines, as docker's --env-file: blank lines and # comments skipped, the value kept as written. */
    static java.util.Map<String, String> envFile(Path file) {
        var values = new java.util.LinkedHashMap<String, String>();
        java.util.List<String> lines;
        try {
            lines = java.nio.file.Files.readAllLines(file);
        } catch (IOException e) {
            throw new CliError("cannot read --env-file " + file + ": " + e.getMessage());
        }
        int number = 0;
        for (var raw : lines) {
            number++;
            var line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int equals = line.indexOf('=');
            if (equals <= 0) {
                throw new CliError("--env-file " + file + " line " + number + ": expected KEY=value");
            }
            values.put(line.substring(0, equals).strip(), line.substring(equals + 1));
        }
        return values;
    }
}
