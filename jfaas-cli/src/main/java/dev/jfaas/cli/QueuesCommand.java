package dev.jfaas.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;

@Command(name = "queues", mixinStandardHelpOptions = true, description = "Show async queues: waiting, running, delayed, dead.")
final class QueuesCommand extends ClientCommand {

    @Override
    int run() throws IOException {
        var body = client().expect("GET", "/system/queues", null);
        if (json) {
            out().println(body);
            return 0;
        }
        var rows = new ArrayList<List<String>>();
        rows.add(List.of("Queue", "Waiting", "Running", "Delayed", "Dead", "Oldest(s)"));
        for (var q : parse(body)) {
            rows.add(List.of(q.path("name").asText(), q.path("depth").asText(), q.path("inFlight").asText(),
                    q.path("delayed").asText(), q.path("dead").asText(), q.path("oldestAgeSeconds").asText()));
        }
        table(rows);
        return 0;
    }
}
