package dev.jfaas.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What every client command shares: which gateway (-g, else OPENFAAS_URL, else localhost:8080),
 * the credentials faas-cli stored for it, JSON output on request, and errors as one line on
 * stderr with exit code 1.
 */
abstract class ClientCommand implements Callable<Integer> {

    static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Option(names = {"-g", "--gateway"}, description = "gateway URL (default: $OPENFAAS_URL or http://127.0.0.1:8080)")
    String gateway;

    @Option(names = "--json", description = "print JSON instead of a table")
    boolean json;

    @Option(names = "--config-dir", hidden = true, description = "where config.yml lives (default: $OPENFAAS_CONFIG or ~/.openfaas)")
    String configDir;

    @Override
    public final Integer call() {
        try {
            return run();
        } catch (CliError e) {
            err().println("error: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err().println("error: " + e.getMessage());
            return 1;
        }
    }

    abstract int run() throws IOException;

    String gatewayUrl() {
        if (gateway != null && !gateway.isBlank()) {
            return gateway;
        }
        return CliConfig.variable("OPENFAAS_URL", "http://127.0.0.1:8080");
    }

    CliConfig config() {
        return CliConfig.fromEnvironment(configDir);
    }

    GatewayClient client() throws IOException {
        var url = gatewayUrl();
        return new GatewayClient(url, config().authorization(url).orElse(null));
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    JsonNode parse(String text) throws IOException {
        return JSON.readTree(text);
    }

    /** Prints rows as aligned columns, the first row being the header. */
    void table(List<List<String>> rows) {
        if (rows.isEmpty()) {
            return;
        }
        var widths = new int[rows.getFirst().size()];
        for (var row : rows) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        for (var row : rows) {
            var line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                line.append(i == row.size() - 1 ? row.get(i) : String.format("%-" + (widths[i] + 3) + "s", row.get(i)));
            }
            out().println(line.toString().stripTrailing());
        }
    }

    static String nsQuery(String namespace) {
        return namespace == null || namespace.isBlank() ? "" : "?namespace=" + namespace;
    }
}
