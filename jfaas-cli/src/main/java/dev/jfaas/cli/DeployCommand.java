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
    @Option(names = "--namespace", description = "namespace") String namespace;
    @Option(names = {"-e", "--env"}, description = "environment variable k=v (repeatable)") Map<String, String> env;
    @Option(names = {"-l", "--label"}, description = "label k=v (repeatable)") Map<String, String> labels;
    @Option(names = "--annotation", description = "annotation k=v (repeatable)") Map<String, String> annotations;
    @Option(names = "--secret", description = "secret to mount (repeatable)") List<String> secrets;

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

    private ObjectNode fromFlags() {
        var d = JSON.createObjectNode();
        d.put("service", name);
        d.put("image", image);
        if (fprocess != null) {
            d.put("envProcess", fprocess);
        }
        if (namespace != null) {
            d.put("namespace", namespace);
        }
        if (env != null) {
            d.set("envVars", JSON.valueToTree(env));
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
}
