package dev.jfaas.cli;

import java.io.IOException;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "scale", mixinStandardHelpOptions = true, description = "Set a function's replicas (0 allowed).")
final class ScaleCommand extends ClientCommand {

    @Parameters(paramLabel = "NAME", description = "the function") String name;
    @Option(names = {"-r", "--replicas"}, required = true, description = "desired replicas") int replicas;
    @Option(names = {"-n", "--namespace"}, description = "namespace (default: the gateway's, openfaas-fn)") String namespace;

    @Override
    int run() throws IOException {
        var body = JSON.writeValueAsString(Map.of("serviceName", name, "replicas", replicas));
        client().expect("POST", "/system/scale-function/" + name + nsQuery(namespace), body);
        out().println("scaling " + name + " to " + replicas);
        return 0;
    }
}
