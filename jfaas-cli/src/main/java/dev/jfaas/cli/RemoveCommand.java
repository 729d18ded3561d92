package dev.jfaas.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "remove", aliases = {"rm", "delete"}, mixinStandardHelpOptions = true,
        description = "Remove a function, or every function of a stack file.",
        footer = {"", "Examples:", "  jfaas remove rev", "  jfaas remove -f stack.yml", "  jfaas remove -f stack.yml --filter rev"})
final class RemoveCommand extends ClientCommand {

    @Parameters(paramLabel = "NAME", arity = "0..1", description = "the function (or -f)") String name;
    @Option(names = {"-f", "--yaml"}, description = "remove the functions of this stack file") Path stackFile;
    @Option(names = "--filter", description = "with -f: only this function") String filter;
    @Option(names = {"-n", "--namespace"}, description = "namespace (default: the gateway's, openfaas-fn)") String namespace;

    @Override
    int run() throws IOException {
        var targets = new ArrayList<String[]>(); // name, namespace
        if (stackFile != null) {
            var stack = StackFile.read(stackFile);
            if (gateway == null && stack.gateway() != null) {
                gateway = stack.gateway();
            }
            for (var deployment : stack.deployments()) {
                var service = deployment.path("service").asText();
                if (filter == null || filter.equals(service)) {
                    targets.add(new String[] {service, deployment.path("namespace").asText(namespace)});
                }
            }
            if (targets.isEmpty()) {
                throw new CliError(filter == null ? "no functions in " + stackFile : "no function named " + filter + " in " + stackFile);
            }
        } else if (name != null) {
            targets.add(new String[] {name, namespace});
        } else {
            throw new CliError("name the function, or give -f stack.yml");
        }
        var client = client();
        for (var target : targets) {
            var body = new LinkedHashMap<String, String>();
            body.put("functionName", target[0]);
            if (target[1] != null && !target[1].isEmpty()) {
                body.put("namespace", target[1]);
            }
            client.expect("DELETE", "/system/functions", JSON.writeValueAsString(body));
            out().println("removed " + target[0]);
        }
        return 0;
    }
}
