package dev.jfaas.cli;

import java.io.IOException;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "remove", aliases = {"rm", "delete"}, mixinStandardHelpOptions = true, description = "Remove a function.")
final class RemoveCommand extends ClientCommand {

    @Parameters(paramLabel = "NAME") String name;
    @Option(names = "--namespace", description = "namespace") String namespace;

    @Override
    int run() throws IOException {
        var body = namespace == null ? Map.of("functionName", name) : Map.of("functionName", name, "namespace", namespace);
        client().expect("DELETE", "/system/functions", JSON.writeValueAsString(body));
        out().println("removed " + name);
        return 0;
    }
}
