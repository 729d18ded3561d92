package dev.jfaas.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "namespace", aliases = "ns", mixinStandardHelpOptions = true,
        description = "Manage the namespaces functions are deployed to.",
        subcommands = {NamespaceCommand.ListNamespaces.class, NamespaceCommand.Create.class, NamespaceCommand.Describe.class,
            NamespaceCommand.Remove.class},
        footer = {"", "Examples:", "  jfaas namespace list", "  jfaas namespace create team-a --label team=a",
            "  jfaas deploy -n team-a --name rev --image local/rev --fprocess rev"})
final class NamespaceCommand {

    @Command(name = "list", aliases = "ls", mixinStandardHelpOptions = true, description = "List the namespaces.")
    static final class ListNamespaces extends ClientCommand {
        @Override
        int run() throws IOException {
            var body = client().expect("GET", "/system/namespaces", null);
            if (json) {
                out().println(body);
            } else {
                parse(body).forEach(ns -> out().println(ns.isTextual() ? ns.asText() : ns.path("name").asText()));
            }
            out().flush();
            return 0;
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Make a namespace.")
    static final class Create extends ClientCommand {
        @Parameters(paramLabel = "NAME", description = "the namespace") String name;
        @Option(names = {"-l", "--label"}, description = "label k=v (repeatable)") Map<String, String> labels;
        @Option(names = "--annotation", description = "annotation k=v (repeatable)") Map<String, String> annotations;

        @Override
        int run() throws IOException {
            var body = Map.of("name", name, "labels", labels == null ? Map.of() : labels,
                    "annotations", annotations == null ? Map.of() : annotations);
            client().expect("POST", "/system/namespace/" + name, JSON.writeValueAsString(body));
            out().println("created namespace " + name);
            return 0;
        }
    }

    @Command(name = "describe", mixinStandardHelpOptions = true, description = "Show a namespace.")
    static final class Describe extends ClientCommand {
        @Parameters(paramLabel = "NAME", description = "the namespace") String name;

        @Override
        int run() throws IOException {
            var body = client().expect("GET", "/system/namespace/" + name, null);
            if (json) {
                out().println(body);
                return 0;
            }
            var ns = parse(body);
            var rows = new ArrayList<List<String>>();
            rows.add(List.of("Name:", ns.path("name").asText()));
            rows.add(List.of("Labels:", ns.path("labels").toString()));
            rows.add(List.of("Annotations:", ns.path("annotations").toString()));
            table(rows);
            return 0;
        }
    }

    @Command(name = "remove", aliases = {"rm", "delete"}, mixinStandardHelpOptions = true,
            description = "Remove an empty namespace, and its secrets.")
    static final class Remove extends ClientCommand {
        @Parameters(paramLabel = "NAME", description = "the namespace") String name;

        @Override
        int run() throws IOException {
            client().expect("DELETE", "/system/namespace/" + name, null);
            out().println("removed namespace " + name);
            return 0;
        }
    }
}
