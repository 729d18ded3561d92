package dev.jfaas.cli;

import dev.jfaas.function.DurationText;
import dev.jfaas.function.RequestRejected;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "logs", mixinStandardHelpOptions = true, description = "Print a function's log lines; --follow streams new ones.")
final class LogsCommand extends ClientCommand {

    @Parameters(paramLabel = "NAME", description = "the function") String name;
    @Option(names = "--follow", description = "keep streaming new lines") boolean follow;
    @Option(names = "--tail", description = "only the last N lines") Integer tail;
    @Option(names = "--since", description = "only lines newer than this (e.g. 5m, 1h)") String since;
    @Option(names = {"-n", "--namespace"}, description = "namespace (default: the gateway's, openfaas-fn)") String namespace;

    @Override
    int run() throws IOException {
        var query = new StringBuilder("/system/logs?name=").append(name).append("&follow=").append(follow);
        if (namespace != null) {
            query.append("&namespace=").append(namespace);
        }
        if (tail != null) {
            query.append("&tail=").append(tail);
        }
        if (since != null) {
            try {
                query.append("&since=").append(Instant.now().minus(DurationText.parse("--since", since)));
            } catch (RequestRejected e) {
                throw new CliError(e.getMessage());
            }
        }
        var response = client().stream(query.toString());
        if (response.statusCode() >= 400) {
            throw CliError.fromResponse(response.statusCode(), new String(response.body().readAllBytes(), StandardCharsets.UTF_8));
        }
        try (var lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            for (String line; (line = lines.readLine()) != null; ) {
                if (line.isBlank()) {
                    continue;
                }
                if (json) {
                    out().println(line);
                } else {
                    var entry = parse(line);
                    out().println(entry.path("timestamp").asText() + " " + entry.path("instance").asText() + " " + entry.path("text").asText());
                }
                out().flush();
            }
        }
        return 0;
    }
}
