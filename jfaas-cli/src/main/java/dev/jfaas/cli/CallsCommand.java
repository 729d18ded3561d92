package dev.jfaas.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "calls", mixinStandardHelpOptions = true, description = "List async calls, or show one by id.")
final class CallsCommand extends ClientCommand {

    @Parameters(paramLabel = "ID", arity = "0..1", description = "one call to show (default: list them)") String id;
    @Option(names = "--function", description = "only this function's calls") String function;
    @Option(names = "--status", description = "queued, running, retrying, succeeded, failed, dead or cancelled") String status;
    @Option(names = "--limit", defaultValue = "50", description = "at most this many (default 50)") int limit;

    @Override
    int run() throws IOException {
        var client = client();
        if (id != null) {
            var body = client.expect("GET", "/system/calls/" + id, null);
            if (json) {
                out().println(body);
                return 0;
            }
            var call = parse(body);
            var rows = new ArrayList<List<String>>();
            for (var field : List.of("callId", "function", "namespace", "queue", "status", "priority", "attempts", "maxAttempts",
                    "statusCode", "durationSeconds", "acceptedAt", "startedAt", "finishedAt", "error", "callbackStatus")) {
                var value = call.path(field);
                if (!value.isMissingNode() && !value.isNull()) {
                    rows.add(List.of(field + ":", value.asText()));
                }
            }
            table(rows);
            return 0;
        }
        var query = new StringBuilder("/system/calls?limit=").append(limit);
        if (function != null) {
            query.append("&function=").append(function);
        }
        if (status != null) {
            query.append("&status=").append(status);
        }
        var body = client.expect("GET", query.toString(), null);
        if (json) {
            out().println(body);
            return 0;
        }
        var rows = new ArrayList<List<String>>();
        rows.add(List.of("Call", "Function", "Status", "Attempts", "Code", "Accepted"));
        for (var call : parse(body)) {
            rows.add(List.of(call.path("callId").asText(), call.path("function").asText(), call.path("status").asText(),
                    call.path("attempts").asText(), call.path("statusCode").asText("-"), call.path("acceptedAt").asText()));
        }
        table(rows);
        return 0;
    }
}
