package dev.jfaas.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "list", aliases = "ls", mixinStandardHelpOptions = true, description = "List deployed functions.")
final class ListCommand extends ClientCommand {

    @Option(names = {"-v", "--verbose"}, description = "show images too") boolean verbose;
    @Option(names = {"-q", "--quiet"}, description = "only the functions' names, one a line") boolean quiet;
    @Option(names = {"-n", "--namespace"}, description = "namespace (default: the gateway's, openfaas-fn)") String namespace;

    @Override
    int run() throws IOException {
        var body = client().expect("GET", "/system/functions" + nsQuery(namespace), null);
        if (json) {
            out().println(body);
            return 0;
        }
        if (quiet) {
            parse(body).forEach(fn -> out().println(fn.path("name").asText()));
            out().flush();
            return 0;
        }
        var rows = new ArrayList<List<String>>();
        rows.add(verbose ? List.of("Function", "Image", "Invocations", "Replicas") : List.of("Function", "Invocations", "Replicas"));
        for (var fn : parse(body)) {
            var name = fn.path("name").asText();
            var calls = Long.toString(fn.path("invocationCount").asLong());
            var replicas = fn.path("availableReplicas").asInt() + "/" + fn.path("replicas").asInt();
            rows.add(verbose ? List.of(name, fn.path("image").asText(), calls, replicas) : List.of(name, calls, replicas));
        }
        table(rows);
        return 0;
    }
}
