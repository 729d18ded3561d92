package dev.jfaas.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "secret", mixinStandardHelpOptions = true, description = "Manage secrets functions can mount.",
        subcommands = {SecretCommand.Create.class, SecretCommand.Update.class, SecretCommand.ListSecrets.class, SecretCommand.Remove.class})
final class SecretCommand {

    /** Shared by create and update: a value from a literal, a file, or stdin. */
    abstract static class WithValue extends ClientCommand {
        @Parameters(paramLabel = "NAME", description = "the secret") String name;
        @Option(names = "--from-literal", description = "the value") String literal;
        @Option(names = "--from-file", description = "read the value from a file") Path file;
        @Option(names = {"-n", "--namespace"}, description = "namespace (default: the gateway's, openfaas-fn)") String namespace;

        String body() throws IOException {
            var body = new HashMap<String, String>();
            body.put("name", name);
            if (namespace != null) {
                body.put("namespace", namespace);
            }
            if (literal != null) {
                body.put("value", literal);
            } else if (file != null) {
                if (!Files.isReadable(file)) {
                    throw new CliError("cannot read " + file);
                }
                body.put("rawValue", Base64.getEncoder().encodeToString(Files.readAllBytes(file)));
            } else {
                body.put("value", new String(System.in.readAllBytes()).strip());
            }
            return JSON.writeValueAsString(body);
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a secret.")
    static final class Create extends WithValue {
        @Override
        int run() throws IOException {
            client().expect("POST", "/system/secrets", body());
            out().println("created secret " + name);
            return 0;
        }
    }

    @Command(name = "update", mixinStandardHelpOptions = true, description = "Change a secret's value.")
    static final class Update extends WithValue {
        @Override
        int run() throws IOException {
            client().expect("PUT", "/system/secrets", body());
            out().println("updated secret " + name);
            return 0;
        }
    }

    @Command(name = "list", aliases = "ls", mixinStandardHelpOptions = true, description = "List secret names (never values).")
    static final class ListSecrets extends ClientCommand {
        @Option(names = {"-n", "--namespace"}, description = "namespace (default: the gateway's, openfaas-fn)") String namespace;

        @Override
        int run() throws IOException {
            var body = client().expect("GET", "/system/secrets" + nsQuery(namespace), null);
            if (json) {
                out().println(body);
                return 0;
            }
            var rows = new ArrayList<List<String>>();
            rows.add(List.of("Name", "Namespace"));
            parse(body).forEach(s -> rows.add(List.of(s.path("name").asText(), s.path("namespace").asText())));
            table(rows);
            return 0;
        }
    }

    @Command(name = "remove", aliases = "rm", mixinStandardHelpOptions = true, description = "Delete a secret.")
    static final class Remove extends ClientCommand {
        @Parameters(paramLabel = "NAME", description = "the secret") String name;
        @Option(names = {"-n", "--namespace"}, description = "namespace (default: the gateway's, openfaas-fn)") String namespace;

        @Override
        int run() throws IOException {
            var body = new HashMap<String, String>();
            body.put("name", name);
            if (namespace != null) {
                body.put("namespace", namespace);
            }
            client().expect("DELETE", "/system/secrets", JSON.writeValueAsString(body));
            out().println("removed secret " + name);
            return 0;
        }
    }
}
