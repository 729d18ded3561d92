package dev.jfaas.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "describe", mixinStandardHelpOptions = true, description = "Show one function's status.")
final class DescribeCommand extends ClientCommand {

    @Parameters(paramLabel = "NAME", description = "the function") String name;
    @Option(names = {"-n", "--namespace"}, description = "namespace (default: the gateway's, openfaas-fn)") String namespace;

    @Override
    int run() throws IOException {
        var client = client();
        var body = client.expect("GET", "/system/function/" + name + nsQuery(namespace), null);
        if (json) {
            out().println(body);
            return 0;
        }
        var fn = parse(body);
        var rows = new ArrayList<List<String>>();
        rows.add(List.of("Name:", fn.path("name").asText()));
        rows.add(List.of("Namespace:", fn.path("namespace").asText()));
        rows.add(List.of("Status:", fn.path("availableReplicas").asInt() > 0 ? "Ready" : "Not Ready"));
        rows.add(List.of("Replicas:", Integer.toString(fn.path("replicas").asInt())));
        rows.add(List.of("Available Replicas:", Integer.toString(fn.path("availableReplicas").asInt())));
        if (fn.hasNonNull("message")) {
            rows.add(List.of("Message:", fn.path("message").asText()));
        }
        rows.add(List.of("Invocations:", Long.toString(fn.path("invocationCount").asLong())));
        rows.add(List.of("Image:", fn.path("image").asText()));
        if (fn.hasNonNull("imageDigest")) {
            rows.add(List.of("Image digest:", fn.path("imageDigest").asText()));
        }
        rows.add(List.of("Process:", fn.path("envProcess").asText("")));
        rows.add(List.of("URL:", client.gateway() + "/function/" + fn.path("name").asText() + "." + fn.path("namespace").asText()));
        rows.add(List.of("Async URL:", client.gateway() + "/async-function/" + fn.path("name").asText() + "." + fn.path("namespace").asText()));
        table(rows);
        return 0;
    }
}
